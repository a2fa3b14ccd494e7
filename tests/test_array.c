/*
 * The growing array every list read from a query, a folder or a file is
 * built in (util/array.h).
 */
#include "tests/unit.h"

#include "util/array.h"

#include <stdint.h>
#include <stdlib.h>

TEST(an_array_starts_at_the_first_size_then_doubles_keeping_its_items)
{
    int *list = NULL;
    size_t cap = 0, len = 0;
    for (int i = 0; i < 40; i++) {
        CHECK_INT(array_grow(&list, &cap, len, sizeof *list, 16), 0);
        CHECK(len < cap);
        list[len++] = i * 3;
        if (len == 1) CHECK_INT(cap, 16);
        if (len == 17) CHECK_INT(cap, 32);
    }
    CHECK_INT(cap, 64);
    int kept = 1;
    for (int i = 0; i < 40; i++) kept &= list[i] == i * 3;
    CHECK(kept);
    free(list);
}

TEST(room_left_changes_nothing)
{
    long long *list = NULL;
    size_t cap = 0;
    CHECK_INT(array_grow(&list, &cap, 0, sizeof *list, 8), 0);
    long long *before = list;
    CHECK_INT(array_grow(&list, &cap, 7, sizeof *list, 8), 0);
    CHECK(list == before);
    CHECK_INT(cap, 8);
    free(list);
}

TEST(a_size_past_memory_fails_and_leaves_the_array_as_it_was)
{
    char *list = NULL;
    size_t cap = 0;
    CHECK_INT(array_grow(&list, &cap, 0, 1, 4), 0);
    char *before = list;
    list[0] = 'a';
    /* items so large that twice the room cannot be counted in bytes */
    size_t huge = SIZE_MAX / 4;
    CHECK_INT(array_grow(&list, &cap, 4, huge, 4), -1);
    CHECK(list == before);
    CHECK_INT(cap, 4);
    CHECK_INT(list[0], 'a');
    free(list);
}

int main(void)
{
    RUN(an_array_starts_at_the_first_size_then_doubles_keeping_its_items);
    RUN(room_left_changes_nothing);
    RUN(a_size_past_memory_fails_and_leaves_the_array_as_it_was);
    return unit_summary();
}

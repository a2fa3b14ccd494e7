/*
 * The shipped catalogs: both languages load, English has every key Russian
 * has, and the Russian plural forms read as Russians write them.
 */
#include "tests/unit.h"
#include "util/i18n.h"

#include <stdlib.h>

static i18n *texts;

TEST(catalogs_load_and_match)
{
    CHECK(texts != NULL);
    char missing[512] = "";
    CHECK_INT(i18n_missing_keys(texts, "en", missing, sizeof missing), 0);
    if (missing[0]) fprintf(stderr, "  missing in en: %s\n", missing);
}

TEST(russian_plurals_of_meetings)
{
    static const struct { long long n; const char *want; } cases[] = {
        {1, "1 встреча"}, {2, "2 встречи"}, {4, "4 встречи"}, {5, "5 встреч"}, {11, "11 встреч"},
        {12, "12 встреч"}, {21, "21 встреча"}, {22, "22 встречи"}, {25, "25 встреч"}, {101, "101 встреча"},
        {111, "111 встреч"}, {0, "0 встреч"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *s = i18n_plural(texts, "ru", "meetings", cases[i].n, NULL);
        CHECK_STR(s, cases[i].want);
        free(s);
    }
    char *en1 = i18n_plural(texts, "en", "meetings", 1, NULL), *en5 = i18n_plural(texts, "en", "meetings", 5, NULL);
    CHECK_STR(en1, "1 meeting");
    CHECK_STR(en5, "5 meetings");
    free(en1);
    free(en5);
}

TEST(invite_sizes_read_naturally)
{
    char *a = i18n_plural(texts, "ru", "invite.uses", 1, NULL), *b = i18n_plural(texts, "ru", "invite.uses", 3, NULL);
    char *c = i18n_plural(texts, "ru", "invite.uses", 30, NULL);
    CHECK_STR(a, "1 человек");
    CHECK_STR(b, "3 человека");
    CHECK_STR(c, "30 человек");
    free(a);
    free(b);
    free(c);
}

TEST(language_follows_the_messenger)
{
    CHECK_STR(i18n_pick_language(texts, "ru-RU"), "ru");
    CHECK_STR(i18n_pick_language(texts, "en-GB"), "en");
    CHECK_STR(i18n_pick_language(texts, "uk"), "ru");
    CHECK_STR(i18n_pick_language(texts, "de"), "ru");   /* the default */
    CHECK_STR(i18n_pick_language(texts, NULL), "ru");
}

int main(void)
{
    char err[512];
    const char *langs[] = {"ru", "en", NULL};
    texts = i18n_load("locales", langs, err, sizeof err);
    if (!texts) fprintf(stderr, "%s\n", err);
    RUN(catalogs_load_and_match);
    if (texts) {
        RUN(russian_plurals_of_meetings);
        RUN(invite_sizes_read_naturally);
        RUN(language_follows_the_messenger);
    }
    i18n_free(texts);
    return unit_summary();
}

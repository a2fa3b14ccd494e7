#include "util/array.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int array_grow(void *array, size_t *cap, size_t len, size_t item, size_t first)
{
    if (len < *cap) return 0;
    size_t n = *cap ? *cap * 2 : first;
    if (n <= len || n > SIZE_MAX / item) return -1;
    /* The caller's pointer is read and written as bytes, so an array of
     * any type can be passed by its address without a cast. */
    void *old;
    memcpy(&old, array, sizeof old);
    void *p = realloc(old, n * item);
    if (!p) return -1;
    memcpy(array, &p, sizeof p);
    *cap = n;
    return 0;
}

/*
 * Growing arrays: the one doubling step that every list read from a
 * query, a directory or a file takes before it adds an item.
 */
#ifndef MB_ARRAY_H
#define MB_ARRAY_H

#include <stddef.h>

/* Makes room for one more item of `item` bytes in the array whose pointer
 * is at `array` (the address of any object pointer, e.g. &list), which
 * holds len items in room for *cap. When full the room doubles, or becomes
 * `first` items when there is none yet. Returns 0, or -1 when memory runs
 * out, leaving the array and *cap as they were (the caller still owns and
 * frees the array). */
int array_grow(void *array, size_t *cap, size_t len, size_t item, size_t first);

#endif

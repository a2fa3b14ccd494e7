/*
 * What kind of picture a file holds and how large it is, read from its
 * header alone (PNG's IHDR, GIF's screen descriptor, JPEG's frame header),
 * so a messenger's photo limits can be checked before an upload without
 * decoding the image.
 */
#ifndef MB_IMAGE_H
#define MB_IMAGE_H

#include <stddef.h>

typedef enum image_format {
    IMAGE_NONE,   /* not a picture this module knows */
    IMAGE_PNG,
    IMAGE_JPEG,
    IMAGE_GIF
} image_format;

typedef struct image_info {
    image_format format;
    long width, height;   /* pixels; 0 when the header does not say */
} image_info;

/* Reads the len bytes at data. Returns the format (also in out->format);
 * IMAGE_NONE when the bytes are no PNG, JPEG or GIF or their header is cut
 * or broken. */
image_format image_probe(const void *data, size_t len, image_info *out);

/* The same for the file at path, reading only its headers (a JPEG's
 * segments are skipped by their lengths). IMAGE_NONE when it cannot be
 * read, too. */
image_format image_probe_file(const char *path, image_info *out);

/* "png", "jpeg", "gif" or "not an image". */
const char *image_format_name(image_format format);

#endif

/*
 * Text helpers for what users type: UTF-8 validation, counting characters
 * as Telegram does (UTF-16 code units), cleaning names, random codes.
 */
#ifndef MB_TEXT_H
#define MB_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* 1 when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates). */
int text_utf8_valid(const char *s, size_t n);

/* Length in UTF-16 code units, the unit of Telegram's 4096 limit. Invalid
 * bytes count as one unit each. */
size_t text_utf16_len(const char *s);

/* Length in code points. */
size_t text_codepoints(const char *s);

/*
 * Cleans a short single-line value a person typed (a name): drops control
 * characters and bidirectional overrides, folds runs of white space, trims,
 * and cuts at max_chars code points on a character boundary. Invalid UTF-8
 * bytes are dropped. Returns a malloc'd string (caller frees), or NULL on
 * allocation failure. The result may be empty.
 */
char *text_clean_line(const char *s, size_t max_chars);

/*
 * Splits text into pieces of at most max_units UTF-16 units, preferring a
 * line break, then a space, and never cutting a UTF-8 sequence. Returns the
 * number of pieces and fills *starts and *lens (malloc'd arrays, caller
 * frees both); 0 on allocation failure.
 */
size_t text_split(const char *s, size_t max_units, size_t **starts, size_t **lens);

/* Fills buf with n random bytes from the kernel. 0 on success. */
int text_random_bytes(void *buf, size_t n);

/*
 * Writes a random code of len characters from an alphabet of 32 unambiguous
 * letters and digits (5 bits each: 16 characters = 80 bits) into out, which
 * must hold len+1 bytes. 0 on success.
 */
int text_random_code(char *out, size_t len);

#endif

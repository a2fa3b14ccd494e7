/*
 * A growable byte buffer that is always NUL-terminated. A buffer whose
 * allocation failed once stays failed (sb->failed), so a long chain of
 * appends needs one check at the end.
 */
#ifndef MB_STRBUF_H
#define MB_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct strbuf {
    char *data;    /* NUL-terminated; NULL until the first append */
    size_t len;    /* bytes before the NUL */
    size_t cap;
    size_t limit;  /* 0 = unlimited; past it appends fail and set overflow */
    int failed;    /* an allocation failed or the limit was hit */
    int overflow;  /* the limit was hit */
} strbuf;

void sb_init(strbuf *sb, size_t limit);
void sb_append(strbuf *sb, const char *bytes, size_t n);
void sb_puts(strbuf *sb, const char *s);
void sb_printf(strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(strbuf *sb, const char *fmt, va_list ap);
void sb_reset(strbuf *sb);

/* The text so far; "" when nothing was appended. Owned by sb. */
const char *sb_str(const strbuf *sb);

/* Hands the buffer to the caller (free() it) and leaves sb empty. */
char *sb_take(strbuf *sb);

void sb_free(strbuf *sb);

/* A libcurl write callback (CURLOPT_WRITEFUNCTION, with the strbuf as
 * CURLOPT_WRITEDATA): appends what came; 0, which stops the transfer,
 * once the buffer has failed (over its limit or out of memory). */
size_t sb_collect(char *data, size_t size, size_t n, void *sb);

#endif

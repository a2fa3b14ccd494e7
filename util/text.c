#include "util/text.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

/* Decodes one UTF-8 sequence at s (n bytes left). Returns its length and the
 * code point in *cp, or 0 when the bytes there are not a valid sequence. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    if (n == 0) return 0;
    unsigned c = s[0];
    if (c < 0x80) { *cp = c; return 1; }
    size_t len;
    uint32_t v, min;
    if ((c & 0xE0) == 0xC0) { len = 2; v = c & 0x1F; min = 0x80; }
    else if ((c & 0xF0) == 0xE0) { len = 3; v = c & 0x0F; min = 0x800; }
    else if ((c & 0xF8) == 0xF0) { len = 4; v = c & 0x07; min = 0x10000; }
    else return 0;
    if (n < len) return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
    *cp = v;
    return len;
}

int text_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    uint32_t cp;
    while (i < n) {
        size_t k = utf8_decode(p + i, n - i, &cp);
        if (!k) return 0;
        i += k;
    }
    return 1;
}

size_t text_utf16_len(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = strlen(s), i = 0, units = 0;
    uint32_t cp;
    while (i < n) {
        size_t k = utf8_decode(p + i, n - i, &cp);
        if (!k) { i++; units++; continue; }
        units += cp >= 0x10000 ? 2 : 1;
        i += k;
    }
    return units;
}

size_t text_codepoints(const char *s)
{
    size_t count = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if ((*p & 0xC0) != 0x80) count++;
    return count;
}

static int is_dropped(uint32_t cp)
{
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) return 1;
    /* bidirectional embeddings, overrides and isolates, zero-width marks */
    if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) return 1;
    if (cp == 0x200E || cp == 0x200F || cp == 0xFEFF) return 1;
    return 0;
}

static int is_space(uint32_t cp)
{
    return cp == ' ' || cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x3000;
}

char *text_clean_line(const char *s, size_t max_chars)
{
    size_t n = strlen(s);
    char *out = malloc(n + 1);
    if (!out) return NULL;
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, o = 0, chars = 0;
    int pending_space = 0;
    uint32_t cp;
    while (i < n && chars < max_chars) {
        size_t k = utf8_decode(p + i, n - i, &cp);
        if (!k) { i++; continue; }
        if (is_space(cp) || cp == '\t' || cp == '\n' || cp == '\r') {
            pending_space = o > 0;
        } else if (!is_dropped(cp)) {
            if (pending_space) {
                if (chars + 1 >= max_chars) break; /* the word after it would not fit whole either */
                out[o++] = ' ';
                chars++;
            }
            pending_space = 0;
            memcpy(out + o, p + i, k);
            o += k;
            chars++;
        }
        i += k;
    }
    out[o] = 0;
    return out;
}

size_t text_split(const char *s, size_t max_units, size_t **starts, size_t **lens)
{
    size_t n = strlen(s), cap = 4, count = 0;
    size_t *st = malloc(cap * sizeof *st), *ln = malloc(cap * sizeof *ln);
    if (!st || !ln) goto fail;
    /* A text has no more UTF-16 units than bytes (an invalid byte counts
     * as one): one no longer than the limit in bytes is one piece, and
     * most messages are, so their characters are not decoded one by one. */
    if (n > 0 && n <= max_units) {
        st[0] = 0;
        ln[0] = n;
        *starts = st;
        *lens = ln;
        return 1;
    }
    const unsigned char *p = (const unsigned char *)s;
    size_t pos = 0;
    do {
        size_t i = pos, units = 0, last_nl = 0, last_sp = 0;
        uint32_t cp;
        while (i < n) {
            size_t k = utf8_decode(p + i, n - i, &cp);
            size_t u = !k ? 1 : (cp >= 0x10000 ? 2 : 1);
            if (!k) k = 1;
            if (units + u > max_units) break;
            units += u;
            i += k;
            if (cp == '\n') last_nl = i;
            else if (cp == ' ') last_sp = i;
        }
        size_t end = i;
        if (end == pos) { /* a limit below one character: take it anyway so the split ends */
            uint32_t ignored;
            size_t k = utf8_decode(p + pos, n - pos, &ignored);
            end = pos + (k ? k : 1);
        } else if (i < n) {
            if (last_nl > pos + max_units / 2) end = last_nl;
            else if (last_sp > pos + max_units / 2) end = last_sp;
        }
        if (count == cap) {
            cap *= 2;
            size_t *a = realloc(st, cap * sizeof *st);
            if (!a) goto fail;
            st = a;
            size_t *b = realloc(ln, cap * sizeof *ln);
            if (!b) goto fail;
            ln = b;
        }
        st[count] = pos;
        ln[count] = end - pos;
        count++;
        pos = end;
    } while (pos < n);
    *starts = st;
    *lens = ln;
    return count;
fail:
    free(st);
    free(ln);
    return 0;
}

int text_random_bytes(void *buf, size_t n)
{
    unsigned char *p = buf;
    while (n > 0) {
        ssize_t got = getrandom(p, n, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += got;
        n -= (size_t)got;
    }
    return 0;
}

int text_random_code(char *out, size_t len)
{
    static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz023456789"; /* 32: no i, l, o, 1 */
    unsigned char raw[64];
    if (len > sizeof raw) return -1;
    if (text_random_bytes(raw, len)) return -1;
    for (size_t i = 0; i < len; i++) out[i] = alphabet[raw[i] & 31];
    out[len] = 0;
    return 0;
}

#include "handlers/payload.h"

#include <stdio.h>
#include <string.h>

int payload_take_number(const char **p, long long limit, long long *out)
{
    const char *s = *p;
    if (*s < '0' || *s > '9') return 0;
    if (s[0] == '0' && s[1] >= '0' && s[1] <= '9') return 0;   /* a leading zero */
    long long v = 0;
    int digits = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        if (++digits > 18) return 0;
        v = v * 10 + (*s - '0');
    }
    if (v > limit) return 0;
    *out = v;
    *p = s;
    return 1;
}

int payload_take_word(const char **p, char *buf, size_t size)
{
    const char *s = *p;
    size_t n = 0;
    while ((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_') {
        if (n + 1 >= size) return 0;
        buf[n++] = *s++;
    }
    if (n == 0) return 0;
    buf[n] = 0;
    *p = s;
    return 1;
}

int payload_take_char(const char **p, char c)
{
    if (**p != c) return 0;
    (*p)++;
    return 1;
}

int payload_end(const char *p) { return *p == 0; }

int payload_split(const char *data, char *action, size_t size, const char **fields)
{
    const char *p = data ? data : "";
    if (!payload_take_word(&p, action, size)) return 0;
    if (payload_end(p)) {
        *fields = p;
        return 1;
    }
    if (!payload_take_char(&p, ':') || payload_end(p) || p[strlen(p) - 1] == ':') return 0;
    *fields = p;
    return 1;
}

/* A number field at *p from min to limit, its text copied into the field. */
static int take_field_number(const char **p, payload_field *f)
{
    const char *s = *p;
    int negative = f->least < 0 && payload_take_char(&s, '-');
    long long v;
    if (!payload_take_number(&s, PAYLOAD_NUMBER_MAX, &v) || (negative && v == 0)) return 0;
    if (negative) v = -v;
    if (v < f->least || v > f->most || (size_t)(s - *p) >= sizeof f->word) return 0;
    f->number = v;
    memcpy(f->word, *p, (size_t)(s - *p));
    f->word[s - *p] = 0;
    *p = s;
    return 1;
}

int payload_fields(const char *s, payload_field *f, int count)
{
    const char *p = s ? s : "";
    for (int i = 0; i < count; i++) {
        if (i > 0 && !payload_take_char(&p, ':')) return 0;
        f[i].number = 0;
        f[i].word[0] = 0;
        int ok = f[i].least || f[i].most ? take_field_number(&p, &f[i])
                                      : payload_take_word(&p, f[i].word, sizeof f[i].word);
        if (!ok) return 0;
        if (payload_end(p)) return i + 1;
    }
    return 0;
}

/* Length of the well-formed UTF-8 sequence at s (2 to 4), 0 when broken. */
static int utf8_sequence(const unsigned char *s)
{
    int n;
    unsigned lo = 0x80, hi = 0xBF;
    if (s[0] >= 0xC2 && s[0] <= 0xDF) n = 2;
    else if (s[0] >= 0xE0 && s[0] <= 0xEF) n = 3;
    else if (s[0] >= 0xF0 && s[0] <= 0xF4) n = 4;
    else return 0;
    if (s[0] == 0xE0) lo = 0xA0;          /* overlong */
    else if (s[0] == 0xED) hi = 0x9F;     /* surrogates */
    else if (s[0] == 0xF0) lo = 0x90;     /* overlong */
    else if (s[0] == 0xF4) hi = 0x8F;     /* past U+10FFFF */
    if (s[1] < lo || s[1] > hi) return 0;
    for (int i = 2; i < n; i++)
        if (s[i] < 0x80 || s[i] > 0xBF) return 0;
    return n;
}

void payload_escape(const char *data, char *buf, size_t size)
{
    size_t out = 0;
    const unsigned char *s = (const unsigned char *)(data ? data : "");
    while (*s) {
        char piece[8];
        size_t n;
        int seq = *s >= 0x80 ? utf8_sequence(s) : 0;
        if (seq) {
            n = (size_t)seq;
            memcpy(piece, s, n);
        } else if (*s < 0x20 || *s >= 0x7F || *s == '\\' || *s == '"') {
            n = (size_t)snprintf(piece, sizeof piece, "\\x%02X", *s);
            seq = 1;
        } else {
            n = 1;
            piece[0] = (char)*s;
            seq = 1;
        }
        /* The last piece needs room for the NUL; any other for "..." too. */
        if (out + n + (s[seq] ? 4 : 1) > size) {
            if (out + 4 <= size) {
                memcpy(buf + out, "...", 3);
                out += 3;
            }
            break;
        }
        memcpy(buf + out, piece, n);
        out += n;
        s += seq;
    }
    if (size) buf[out < size ? out : size - 1] = 0;
}

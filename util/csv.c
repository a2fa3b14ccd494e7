#include "util/csv.h"

#include <string.h>

void csv_init(csv_reader *r, const char *data, size_t len, char delimiter)
{
    memset(r, 0, sizeof *r);
    r->p = data;
    r->end = data + len;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) r->p += 3;
    r->delimiter = delimiter;
    r->next_line = 1;
}

/* A line ends at LF or CRLF; *len gets how many bytes the break takes. */
static int at_line_end(const csv_reader *r, const char *p, size_t *len)
{
    if (p < r->end && *p == '\n') return (*len = 1), 1;
    if (p + 1 < r->end && p[0] == '\r' && p[1] == '\n') return (*len = 2), 1;
    if (p + 1 == r->end && p[0] == '\r') return (*len = 1), 1;
    return 0;
}

static int fail(csv_reader *r, const char *why)
{
    r->error = why;
    r->p = r->end;   /* nothing after a broken record is read */
    return -1;
}

int csv_next(csv_reader *r)
{
    size_t brk;
    /* Empty lines (and a trailing line break) are not records. */
    while (r->p < r->end && at_line_end(r, r->p, &brk)) {
        r->p += brk;
        r->next_line++;
    }
    r->count = 0;
    r->error = NULL;
    r->line = r->next_line;
    if (r->p >= r->end) return 0;

    size_t out = 0;
    const char *p = r->p;
    for (;;) {
        if (r->count == CSV_FIELDS_MAX) return fail(r, "too many fields");
        r->fields[r->count++] = r->buf + out;
        if (p < r->end && *p == '"') {
            p++;
            for (;;) {
                if (p >= r->end) return fail(r, "a quoted field is not closed (a \" is missing)");
                if (*p == '"') {
                    if (p + 1 < r->end && p[1] == '"') p++;
                    else break;
                } else if (*p == '\n') {
                    r->next_line++;   /* a CRLF counts once, at its LF */
                }
                if (out >= CSV_RECORD_MAX) return fail(r, "the line is too long");
                r->buf[out++] = *p++;
            }
            p++;   /* the closing quote */
            if (p < r->end && *p != r->delimiter && !at_line_end(r, p, &brk))
                return fail(r, "text after a closing quote (quote the whole field and double the quotes in it)");
        } else {
            while (p < r->end && *p != r->delimiter && !at_line_end(r, p, &brk)) {
                if (out >= CSV_RECORD_MAX) return fail(r, "the line is too long");
                r->buf[out++] = *p++;
            }
        }
        r->buf[out++] = 0;   /* buf has room for one terminator per field */
        if (p < r->end && *p == r->delimiter) {
            p++;
            continue;
        }
        if (p < r->end && at_line_end(r, p, &brk)) {
            p += brk;
            r->next_line++;
        }
        break;
    }
    r->p = p;
    return 1;
}

static int needs_quotes(const char *s, char delimiter)
{
    for (; *s; s++)
        if (*s == delimiter || *s == '"' || *s == '\n' || *s == '\r') return 1;
    return 0;
}

int csv_write_record(FILE *f, const char *const *fields, int count, char delimiter)
{
    for (int i = 0; i < count; i++) {
        const char *v = fields[i] ? fields[i] : "";
        if (i) putc(delimiter, f);
        int quoted = needs_quotes(v, delimiter);
        if (quoted) putc('"', f);
        if (v[0] && strchr("=+-@\t", v[0])) putc('\'', f);
        for (const char *p = v; *p; p++) {
            if (*p == '"') putc('"', f);
            putc(*p, f);
        }
        if (quoted) putc('"', f);
    }
    fputs("\r\n", f);
    return ferror(f) ? -1 : 0;
}

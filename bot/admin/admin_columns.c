/*
 * What the CSV imports of the admin CLI share beyond admin_import_run
 * (bot/admin/admin.h): columns found by name, cells told by line and column,
 * dates, organisations and words of a cell, and the lines already met.
 */
#include "bot/admin/admin.h"
#include "storage/people.h"
#include "util/text.h"
#include "util/typed.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int admin_import_columns(admin_import *im, csv_reader *r, const admin_column *cols, int ncols, int *col,
                         int *fields)
{
    for (int c = 0; c < ncols; c++) col[c] = -1;
    *fields = r->count;
    for (int i = 0; i < r->count; i++) {
        char lower[128];
        if (!typed_lower(admin_trim(r->fields[i]), lower, sizeof lower)) continue;
        for (int c = 0; c < ncols; c++)
            for (int k = 0; k < ADMIN_COLUMN_NAMES && cols[c].names[k]; k++)
                if (strcmp(lower, cols[c].names[k]) == 0) {
                    if (col[c] >= 0) {
                        fprintf(stderr, "%s:%ld: column %d: a second \"%s\" column (the first is column %d)\n",
                                im->path, r->line, i + 1, cols[c].names[0], col[c] + 1);
                        return 0;
                    }
                    col[c] = i;
                }
    }
    for (int c = 0; c < ncols; c++)
        if (cols[c].required && col[c] < 0) {
            fprintf(stderr, "%s:%ld: the header has no \"%s\" column (the first line must name the columns: %s)\n",
                    im->path, r->line, cols[c].names[0], im->header_text);
            return 0;
        }
    return 1;
}

void admin_import_bad_cell(admin_import *im, long line, const char *column, const char *fmt, ...)
{
    char why[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    admin_import_bad(im, line, "column %s: %s", column, why);
}

char *admin_import_cell(csv_reader *r, const int *col, int c)
{
    return col[c] >= 0 && col[c] < r->count ? admin_trim(r->fields[col[c]]) : (char *)"";
}

int admin_parse_date(const char *s)
{
    int y, m, d, n = 0;
    if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || s[n]) {
        n = 0;
        if (sscanf(s, "%2d.%2d.%4d%n", &d, &m, &y, &n) != 3 || s[n]) return 0;
    }
    if (y < TYPED_YEAR_MIN || y > TYPED_YEAR_MAX || m < 1 || m > 12 || d < 1 || d > typed_days_in_month(y, m))
        return 0;
    return y * 10000 + m * 100 + d;
}

/* Every field is UTF-8 and the record has the header's fields; else the
 * line is reported and 0. */
int admin_import_shape_ok(admin_import *im, csv_reader *r, int fields)
{
    if (r->count != fields) {
        admin_import_bad(im, r->line, "expected %d fields as in the header, found %d", fields, r->count);
        return 0;
    }
    for (int i = 0; i < r->count; i++)
        if (!text_utf8_valid(r->fields[i], strlen(r->fields[i]))) {
            admin_import_bad(im, r->line, "column %d: the text is not UTF-8 (save the file as \"CSV UTF-8\")", i + 1);
            return 0;
        }
    return 1;
}

/* The lines at which each account (or mentorship) id was met in this file:
 * a small open-addressing table, so a repeat names the first line. */
long *admin_line_slot(admin_line_map *m, int64_t key)
{
    size_t i = (size_t)((uint64_t)key * 0x9E3779B97F4A7C15ULL >> 48) & (ADMIN_LINE_SLOTS - 1);
    while (m->keys[i] && m->keys[i] != key) i = (i + 1) & (ADMIN_LINE_SLOTS - 1);
    m->keys[i] = key;
    return &m->lines[i];
}

/* An organisation cell, reported when it names none or several. */
int admin_import_org(admin_import *im, long line, const char *cell, int64_t *org_id)
{
    mb_status rc = *cell ? people_find_org(im->a->d, cell, org_id) : MB_ERR_NOT_FOUND;
    if (rc == MB_OK) return 1;
    if (!*cell) admin_import_bad_cell(im, line, "org", "empty (an organisation's name or id)");
    else if (rc == MB_ERR_EXISTS)
        admin_import_bad_cell(im, line, "org", "several organisations are named \"%s\"; write the id (admin org list)",
                              cell);
    else if (rc == MB_ERR_NOT_FOUND)
        admin_import_bad_cell(im, line, "org", "no organisation \"%s\" (admin org list, admin org import)", cell);
    else
        admin_import_bad_cell(im, line, "org", "cannot be read: %s", mb_status_str(rc));
    return 0;
}

/* A word of a cell, as a code: the code itself or one of its Russian
 * words; NULL when unknown. */
const char *admin_word_code(const char *cell, const admin_word *words, size_t n, const char *const *codes)
{
    char lower[128];
    if (!typed_lower(cell, lower, sizeof lower)) return NULL;
    for (size_t i = 0; codes[i]; i++)
        if (strcmp(lower, codes[i]) == 0) return codes[i];
    for (size_t i = 0; i < n; i++)
        if (strcmp(lower, words[i].word) == 0) return words[i].code;
    return NULL;
}

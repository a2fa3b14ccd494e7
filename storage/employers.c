#include "storage/employers.h"
#include "util/clock.h"
#include "util/text.h"
#include "util/typed.h"

#include <stdlib.h>
#include <string.h>

/* Quotes that spreadsheets and people put around a company's name. */
static size_t quote_at(const char *s)
{
    static const char *const quotes[] = {"\xC2\xAB", "\xC2\xBB", "\xE2\x80\x9E", "\xE2\x80\x9C", "\xE2\x80\x9D",
                                         "\xE2\x80\x98", "\xE2\x80\x99", "\"", "'", "`"};
    for (size_t i = 0; i < sizeof quotes / sizeof quotes[0]; i++) {
        size_t n = strlen(quotes[i]);
        if (strncmp(s, quotes[i], n) == 0) return n;
    }
    return 0;
}

int employer_name_key(const char *name, char *key, size_t size)
{
    char lower[EMPLOYER_NAME_BYTES * 2];
    if (!name || !typed_lower(name, lower, sizeof lower)) return 0;
    size_t used = 0;
    int space = 0;
    for (const char *p = lower; *p;) {
        size_t q = quote_at(p);
        if (q || *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            space = used > 0;
            p += q ? q : 1;
            continue;
        }
        if (space) {
            if (used + 1 >= size) return 0;
            key[used++] = ' ';
            space = 0;
        }
        if (used + 1 >= size) return 0;
        key[used++] = *p++;
    }
    key[used] = 0;
    return used > 0;
}

mb_status employer_fold(db *d, const char *name, int64_t *id_out)
{
    char key[EMPLOYER_NAME_BYTES * 2];
    char *clean = text_clean_line(name ? name : "", EMPLOYER_NAME_MAX + 1);
    if (!clean) return MB_ERR_NOMEM;
    mb_status rc = MB_ERR_INVALID;
    if (text_codepoints(clean) > EMPLOYER_NAME_MAX || !employer_name_key(clean, key, sizeof key)) goto out;
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO employers(name, name_key, created_at) VALUES(?1, ?2, ?3)"
                                  " ON CONFLICT(name_key) DO NOTHING");
    rc = MB_ERR_DB;
    if (!st) goto out;
    sqlite3_bind_text(st, 1, clean, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, clock_now_ms());
    if ((rc = db_step_done(d, st))) goto out;
    st = db_stmt(d, "SELECT id FROM employers WHERE name_key = ?1");
    rc = MB_ERR_DB;
    if (!st) goto out;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    rc = db_step_int(d, st, id_out);
out:
    free(clean);
    return rc;
}

/* 1 when a name has nothing but spaces and quotes. */
static int blank(const char *s)
{
    while (s && *s) {
        size_t q = quote_at(s);
        if (!q && *s != ' ' && *s != '\t' && *s != '\n' && *s != '\r') return 0;
        s += q ? q : 1;
    }
    return 1;
}

mb_status employer_set_for_account(db *d, int64_t account_id, const char *name)
{
    int64_t id = 0;
    mb_status rc;
    if (!blank(name) && (rc = employer_fold(d, name, &id))) return rc;
    sqlite3_stmt *st = db_stmt(d, "UPDATE accounts SET employer_id = ?2 WHERE id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, account_id);
    if (id) sqlite3_bind_int64(st, 2, id);
    else sqlite3_bind_null(st, 2);
    return db_step_done(d, st);
}

mb_status employer_of_account(db *d, int64_t account_id, char *buf, size_t size, int64_t *id_out)
{
    buf[0] = 0;
    if (id_out) *id_out = 0;
    sqlite3_stmt *st = db_stmt(d, "SELECT e.id, e.name FROM accounts a JOIN employers e ON e.id = a.employer_id"
                                  " WHERE a.id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, account_id);
    mb_status rc = db_step_row(d, st);
    if (rc == MB_OK) {
        if (id_out) *id_out = sqlite3_column_int64(st, 0);
        db_column_copy(st, 1, buf, size);
        sqlite3_reset(st);
    }
    return rc == MB_ERR_NOT_FOUND ? MB_OK : rc;
}

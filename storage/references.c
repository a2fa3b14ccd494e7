#include "storage/references.h"

#include "util/clock.h"

#include <stdio.h>
#include <string.h>

int ref_key_valid(const char *key)
{
    static const char *const keys[] = {
#define X(k, what) #k,
        REF_KEYS
#undef X
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(keys[i], key) == 0) return 1;
    return 0;
}

const char *ref_scope_kind_name(ref_scope_kind kind)
{
    return kind == REF_SCOPE_TERRITORY ? "territory" : kind == REF_SCOPE_ORG ? "org" : "all";
}

mb_status ref_number_set(db *d, ref_scope_kind kind, int64_t scope_id, int year, const char *key, double value,
                         const char *source, const char *actor)
{
    if (kind == REF_SCOPE_ALL) return MB_ERR_INVALID;
    sqlite3_stmt *st = db_stmt(d, "INSERT OR REPLACE INTO reference_numbers(scope_kind, scope_id, year, key, value,"
                                  " source, entered_by, entered_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, ref_scope_kind_name(kind), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, scope_id);
    sqlite3_bind_int(st, 3, year);
    sqlite3_bind_text(st, 4, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(st, 5, value);
    sqlite3_bind_text(st, 6, source, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 7, actor, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 8, clock_now_ms());
    return db_step_done(d, st);
}

mb_status ref_number_get(db *d, ref_scope_kind kind, int64_t scope_id, int year, const char *key, double *value,
                         int *year_used, char *source, size_t size)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT value, year, source FROM reference_numbers WHERE scope_kind = ?1"
                                  " AND scope_id = ?2 AND key = ?3 AND year <= ?4 ORDER BY year DESC LIMIT 1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, ref_scope_kind_name(kind), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, scope_id);
    sqlite3_bind_text(st, 3, key, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 4, year);
    mb_status rc = db_step_row(d, st);
    if (rc) return rc;
    *value = sqlite3_column_double(st, 0);
    if (year_used) *year_used = sqlite3_column_int(st, 1);
    if (source && size) db_column_copy(st, 2, source, size);
    sqlite3_reset(st);
    return MB_OK;
}

mb_status ref_target_set(db *d, const char *code, ref_scope_kind kind, int64_t scope_id, int year, double target,
                         long long persons, const char *source)
{
    sqlite3_stmt *st = db_stmt(d, "INSERT OR REPLACE INTO indicator_targets(code, scope_kind, scope_id, year, target,"
                                  " persons, source, loaded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, ref_scope_kind_name(kind), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, kind == REF_SCOPE_ALL ? 0 : scope_id);
    sqlite3_bind_int(st, 4, year);
    sqlite3_bind_double(st, 5, target);
    if (persons >= 0) sqlite3_bind_int64(st, 6, persons);
    sqlite3_bind_text(st, 7, source, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 8, clock_now_ms());
    return db_step_done(d, st);
}

mb_status ref_target_get(db *d, const char *code, ref_scope_kind kind, int64_t scope_id, int year, double *target,
                         long long *persons)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT target, persons FROM indicator_targets WHERE code = ?1 AND scope_kind = ?2"
                                  " AND scope_id = ?3 AND year = ?4");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, ref_scope_kind_name(kind), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, kind == REF_SCOPE_ALL ? 0 : scope_id);
    sqlite3_bind_int(st, 4, year);
    mb_status rc = db_step_row(d, st);
    if (rc) return rc;
    *target = sqlite3_column_double(st, 0);
    *persons = sqlite3_column_type(st, 1) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 1);
    sqlite3_reset(st);
    return MB_OK;
}

static void bind_opt(sqlite3_stmt *st, int idx, int has, double v)
{
    if (has) sqlite3_bind_double(st, idx, v);
    else sqlite3_bind_null(st, idx);
}

mb_status ref_snapshot_save(db *d, const char *set, ref_scope_kind kind, int64_t scope_id, const char *period,
                            const ref_snapshot_row *rows, int n)
{
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO indicator_snapshots(set_code, scope_kind, scope_id, period, taken_at)"
                                  " VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, set, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, ref_scope_kind_name(kind), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, scope_id);
    sqlite3_bind_text(st, 4, period, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 5, clock_now_ms());
    mb_status rc = db_step_done(d, st);
    if (rc) return rc;
    int64_t id = sqlite3_last_insert_rowid(db_handle(d));
    for (int i = 0; i < n && !rc; i++) {
        const ref_snapshot_row *r = &rows[i];
        st = db_stmt(d, "INSERT INTO indicator_snapshot_rows(snapshot_id, position, code, numerator, denominator,"
                        " value, target, target_persons, respondents, invited, flags)"
                        " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
        if (!st) return MB_ERR_DB;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int(st, 2, i);
        sqlite3_bind_text(st, 3, r->code, -1, SQLITE_TRANSIENT);
        bind_opt(st, 4, r->has_numerator, r->numerator);
        bind_opt(st, 5, r->has_denominator, r->denominator);
        bind_opt(st, 6, r->has_value, r->value);
        bind_opt(st, 7, r->has_target, r->target);
        bind_opt(st, 8, r->has_target_persons, r->target_persons);
        if (r->respondents >= 0) sqlite3_bind_int(st, 9, r->respondents);
        if (r->invited >= 0) sqlite3_bind_int(st, 10, r->invited);
        sqlite3_bind_int(st, 11, r->flags);
        rc = db_step_done(d, st);
    }
    return rc;
}

static double opt_column(sqlite3_stmt *st, int col, int *has)
{
    *has = sqlite3_column_type(st, col) != SQLITE_NULL;
    return *has ? sqlite3_column_double(st, col) : 0;
}

mb_status ref_snapshot_load(db *d, const char *set, ref_scope_kind kind, int64_t scope_id, const char *period,
                            ref_snapshot_row *rows, int max, int *n, int64_t *taken_at)
{
    *n = 0;
    sqlite3_stmt *st = db_stmt(d, "SELECT id, taken_at FROM indicator_snapshots WHERE set_code = ?1"
                                  " AND scope_kind = ?2 AND scope_id = ?3 AND period = ?4");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, set, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, ref_scope_kind_name(kind), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, scope_id);
    sqlite3_bind_text(st, 4, period, -1, SQLITE_TRANSIENT);
    mb_status rc = db_step_row(d, st);
    if (rc) return rc;
    int64_t id = sqlite3_column_int64(st, 0);
    *taken_at = sqlite3_column_int64(st, 1);
    sqlite3_reset(st);
    st = db_stmt(d, "SELECT code, numerator, denominator, value, target, target_persons, respondents, invited, flags"
                    " FROM indicator_snapshot_rows WHERE snapshot_id = ?1 ORDER BY position");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    int step;
    while ((step = db_step_raw(d, st)) == SQLITE_ROW) {
        if (*n < max) {
            ref_snapshot_row *r = &rows[*n];
            memset(r, 0, sizeof *r);
            db_column_copy(st, 0, r->code, sizeof r->code);
            r->numerator = opt_column(st, 1, &r->has_numerator);
            r->denominator = opt_column(st, 2, &r->has_denominator);
            r->value = opt_column(st, 3, &r->has_value);
            r->target = opt_column(st, 4, &r->has_target);
            r->target_persons = opt_column(st, 5, &r->has_target_persons);
            r->respondents = sqlite3_column_type(st, 6) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 6);
            r->invited = sqlite3_column_type(st, 7) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 7);
            r->flags = sqlite3_column_int(st, 8);
        }
        (*n)++;
    }
    sqlite3_reset(st);
    return step == SQLITE_DONE ? MB_OK : MB_ERR_DB;
}

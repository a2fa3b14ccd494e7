#include "storage/jobs.h"
#include "util/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t adds;   /* job_add calls in this process */

uint64_t job_adds(void) { return adds; }

mb_status job_add(db *d, int64_t due_at, const char *kind, const char *payload, int64_t *id_out)
{
    adds++;
    if (strlen(kind) >= JOB_KIND_MAX || (payload && strlen(payload) > JOB_PAYLOAD_MAX)) return MB_ERR_LIMIT;
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO jobs(due_at, kind, payload, created_at) VALUES(?1,?2,?3,?4)");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, due_at);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, payload ? payload : "{}", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, clock_now_ms());
    mb_status rc = db_step_done(d, st);
    if (!rc && id_out) *id_out = sqlite3_last_insert_rowid(db_handle(d));
    return rc;
}

int64_t job_next_due(db *d)
{
    return db_scalar(d, "SELECT MIN(due_at) FROM jobs WHERE state = 'pending'", -1);
}

mb_status job_take_due(db *d, int64_t now, job *out)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT id, due_at, kind, payload, attempts FROM jobs"
                                  " WHERE state = 'pending' AND due_at <= ?1 ORDER BY due_at, id LIMIT 1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, now);
    mb_status rc = db_step_row(d, st);
    if (rc == MB_OK) {
        memset(out, 0, sizeof *out);
        out->id = sqlite3_column_int64(st, 0);
        out->due_at = sqlite3_column_int64(st, 1);
        snprintf(out->kind, sizeof out->kind, "%s", sqlite3_column_text(st, 2));
        out->payload = db_column_dup(st, 3);
        out->attempts = sqlite3_column_int(st, 4);
        rc = out->payload ? MB_OK : MB_ERR_NOMEM;
    }
    sqlite3_reset(st);
    return rc;
}

void job_clear(job *j)
{
    if (!j) return;
    free(j->payload);
    j->payload = NULL;
}

mb_status job_done(db *d, int64_t id)
{
    sqlite3_stmt *st = db_stmt(d, "UPDATE jobs SET state = 'done', done_at = ?2, attempts = attempts + 1"
                                  " WHERE id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, clock_now_ms());
    return db_step_done(d, st);
}

mb_status job_retry(db *d, int64_t id, int64_t next_due, const char *error)
{
    sqlite3_stmt *st = db_stmt(d, "UPDATE jobs SET due_at = ?2, attempts = attempts + 1, last_error = ?3"
                                  " WHERE id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, next_due);
    db_bind_text(st, 3, error);
    return db_step_done(d, st);
}

mb_status job_fail(db *d, int64_t id, const char *error)
{
    sqlite3_stmt *st = db_stmt(d, "UPDATE jobs SET state = 'failed', attempts = attempts + 1,"
                                  " last_error = ?2, done_at = ?3 WHERE id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    db_bind_text(st, 2, error);
    sqlite3_bind_int64(st, 3, clock_now_ms());
    return db_step_done(d, st);
}

mb_status job_cancel(db *d, const char *kind, const char *payload)
{
    sqlite3_stmt *st = db_stmt(d, "UPDATE jobs SET state = 'cancelled', done_at = ?3"
                                  " WHERE state = 'pending' AND kind = ?1 AND payload = ?2");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, payload, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, clock_now_ms());
    return db_step_done(d, st);
}

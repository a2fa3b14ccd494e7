#include "storage/attempts.h"
#include "util/clock.h"

#include <string.h>

int64_t attempts_blocked_until(db *d, const char *platform, int64_t user_id)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT until FROM code_lockouts WHERE platform = ?1 AND user_id = ?2"
                                  " AND until > ?3");
    if (!st) return 0;
    sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, user_id);
    sqlite3_bind_int64(st, 3, clock_now_ms());
    return db_step_scalar(d, st, 0);
}

static int count_since(db *d, const char *platform, int64_t user_id, int64_t since)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT COUNT(*) FROM code_failures WHERE platform = ?1 AND user_id = ?2"
                                  " AND at > ?3");
    if (!st) return 0;
    sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, user_id);
    sqlite3_bind_int64(st, 3, since);
    return (int)db_step_scalar(d, st, 0);
}

int attempts_recent(db *d, int *people)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT COUNT(*), COUNT(DISTINCT platform || ':' || user_id) FROM code_failures"
                                  " WHERE at > ?1");
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, clock_now_ms() - ATTEMPTS_ALERT_WINDOW_MS);
    int n = 0, p = 0;
    if (db_step_raw(d, st) == SQLITE_ROW) {
        n = sqlite3_column_int(st, 0);
        p = sqlite3_column_int(st, 1);
    }
    sqlite3_reset(st);
    if (people) *people = p;
    return n;
}

mb_status attempts_record_failure(db *d, const char *platform, int64_t user_id, attempts_verdict *out)
{
    int64_t now = clock_now_ms();
    memset(out, 0, sizeof *out);
    mb_status rc = db_run_with_ints(d, "DELETE FROM code_failures WHERE at < ?1 - ?2", now, ATTEMPTS_LOCK_MS);
    if (!rc) rc = db_run_with_ints(d, "DELETE FROM code_lockouts WHERE until < ?1 - ?2", now, 0);
    if (rc) return rc;
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO code_failures(platform, user_id, at) VALUES(?1, ?2, ?3)");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, user_id);
    sqlite3_bind_int64(st, 3, now);
    if ((rc = db_step_done(d, st))) return rc;
    out->failures = count_since(d, platform, user_id, now - ATTEMPTS_WINDOW_MS);
    out->everyone = attempts_recent(d, NULL);
    if (out->failures >= ATTEMPTS_LOCK_AFTER) {
        out->locked = 1;
        out->blocked_until = now + ATTEMPTS_LOCK_MS;
    } else if (out->failures >= ATTEMPTS_SLOW_AFTER) {
        out->blocked_until = now + (ATTEMPTS_FIRST_PAUSE_MS << (out->failures - ATTEMPTS_SLOW_AFTER));
    } else {
        return MB_OK;
    }
    st = db_stmt(d, "INSERT INTO code_lockouts(platform, user_id, until) VALUES(?1, ?2, ?3)"
                    " ON CONFLICT(platform, user_id) DO UPDATE SET until = MAX(until, excluded.until)");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, user_id);
    sqlite3_bind_int64(st, 3, out->blocked_until);
    return db_step_done(d, st);
}

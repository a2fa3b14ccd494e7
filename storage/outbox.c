#include "storage/outbox.h"
#include "util/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The condition of the index of a chat's line (migration 26), for the
 * table named t: a statement must say it as the index does to use it. */
#define OUTBOX_LINE(t) t ".state <> 'sent' AND " t ".state <> 'failed' AND " t ".state <> 'unknown'"

mb_status outbox_enqueue(db *d, const char *platform, int64_t chat_id, int64_t account_id,
                         const char *kind, const char *body, int64_t *id_out)
{
    if (strlen(body) > OUTBOX_BODY_MAX) return MB_ERR_LIMIT;
    int64_t now = clock_now_ms();
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO outbox(platform, chat_id, account_id, kind, body, next_at,"
                                  " created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?6)");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, chat_id);
    if (account_id) sqlite3_bind_int64(st, 3, account_id); else sqlite3_bind_null(st, 3);
    sqlite3_bind_text(st, 4, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, body, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, now);
    mb_status rc = db_step_done(d, st);
    if (!rc && id_out) *id_out = sqlite3_last_insert_rowid(db_handle(d));
    return rc;
}

int outbox_due(db *d, int64_t now, outbox_row *rows, int max) { return outbox_due_for(d, now, NULL, rows, max); }

int outbox_due_for(db *d, int64_t now, const char *platforms, outbox_row *rows, int max)
{
    sqlite3_stmt *st = db_stmt(d,
        "SELECT o.id, o.platform, o.chat_id, o.account_id, o.kind, o.body, o.attempts, o.next_at,"
        " o.state = 'checking', COALESCE(o.probe_floor, -1), COALESCE(o.probe_next, 0), o.probe_misses,"
        " CASE WHEN o.state = 'checking' THEN (SELECT m.platform_chat_id FROM chat_marks m"
        "   WHERE m.platform = o.platform AND m.chat_id = o.chat_id) END"
        " FROM outbox o WHERE o.state IN ('pending', 'checking') AND o.next_at <= ?1"
        " AND (?3 IS NULL OR instr(?3, ',' || o.platform || ',') > 0)"
        /* a chat's messages leave in order: none while an earlier one is
         * in its line (outbox_line, migration 26); the answer to a button
         * press shows nothing in the chat and keeps no place in that line */
        " AND (o.kind = 'answer' OR NOT EXISTS (SELECT 1 FROM outbox p WHERE p.platform = o.platform"
        "   AND p.chat_id = o.chat_id AND p.id < o.id AND " OUTBOX_LINE("p") " AND p.kind <> 'answer'))"
        " ORDER BY o.next_at, o.id LIMIT ?2");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int(st, 2, max);
    if (platforms) sqlite3_bind_text(st, 3, platforms, -1, SQLITE_STATIC);
    else sqlite3_bind_null(st, 3);
    int n = 0, rc = SQLITE_DONE;
    while (n < max && (rc = db_step_raw(d, st)) == SQLITE_ROW) {
        outbox_row *r = &rows[n];
        memset(r, 0, sizeof *r);
        r->id = sqlite3_column_int64(st, 0);
        snprintf(r->platform, sizeof r->platform, "%s", sqlite3_column_text(st, 1));
        r->chat_id = sqlite3_column_int64(st, 2);
        r->account_id = sqlite3_column_int64(st, 3);
        snprintf(r->kind, sizeof r->kind, "%s", sqlite3_column_text(st, 4));
        r->body = db_column_dup(st, 5);
        r->attempts = sqlite3_column_int(st, 6);
        r->next_at = sqlite3_column_int64(st, 7);
        r->checking = sqlite3_column_int(st, 8);
        r->probe_floor = sqlite3_column_int64(st, 9);
        r->probe_next = sqlite3_column_int64(st, 10);
        r->probe_misses = sqlite3_column_int(st, 11);
        r->platform_chat_id = sqlite3_column_int64(st, 12);
        if (!r->body) break;
        n++;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        for (int i = 0; i < n; i++) outbox_row_clear(&rows[i]);
        return -1;
    }
    return n;
}

void outbox_row_clear(outbox_row *r)
{
    if (!r) return;
    free(r->body);
    r->body = NULL;
}

int outbox_chat_waits(db *d, const outbox_row *row)
{
    if (strcmp(row->kind, "answer") == 0) return 0;   /* keeps no place in the line */
    /* a later message of the chat still to leave: pending or checking,
     * in the chat's line */
    sqlite3_stmt *st = db_stmt(d, "SELECT EXISTS(SELECT 1 FROM outbox o WHERE platform = ?1 AND chat_id = ?2"
                                  " AND id > ?3 AND " OUTBOX_LINE("o") " AND state <> 'sending'"
                                  " AND kind <> 'answer')");
    if (!st) return -1;
    sqlite3_bind_text(st, 1, row->platform, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, row->chat_id);
    sqlite3_bind_int64(st, 3, row->id);
    int64_t waits = db_step_scalar(d, st, -1);
    return waits < 0 ? -1 : waits > 0;
}

int64_t outbox_next_time(db *d)
{
    return db_scalar(d, "SELECT MIN(next_at) FROM outbox WHERE state IN ('pending', 'checking')", -1);
}

mb_status outbox_mark_sending(db *d, int64_t id)
{
    sqlite3_stmt *st = db_stmt(d, "UPDATE outbox SET state = 'sending', attempts = attempts + 1,"
                                  " probe_next = NULL, probe_misses = 0, probe_floor = (SELECT last_message_id"
                                  " FROM chat_marks m WHERE m.platform = outbox.platform AND m.chat_id = outbox.chat_id)"
                                  " WHERE id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    return db_step_done(d, st);
}

mb_status outbox_mark_sent(db *d, int64_t id, int64_t message_id)
{
    sqlite3_stmt *st = db_stmt(d, "UPDATE outbox SET state = 'sent', sent_at = ?2, result_message_id = ?3,"
                                  " http_status = 200, error_code = NULL, error = NULL WHERE id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, clock_now_ms());
    if (message_id) sqlite3_bind_int64(st, 3, message_id); else sqlite3_bind_null(st, 3);
    return db_step_done(d, st);
}

static mb_status mark_state(db *d, int64_t id, const char *state, int64_t next_at, int http_status,
                            int error_code, const char *error)
{
    sqlite3_stmt *st = db_stmt(d, "UPDATE outbox SET state = ?2, next_at = COALESCE(?3, next_at),"
                                  " http_status = ?4, error_code = ?5, error = ?6 WHERE id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
    if (next_at >= 0) sqlite3_bind_int64(st, 3, next_at); else sqlite3_bind_null(st, 3);
    if (http_status) sqlite3_bind_int(st, 4, http_status); else sqlite3_bind_null(st, 4);
    if (error_code) sqlite3_bind_int(st, 5, error_code); else sqlite3_bind_null(st, 5);
    db_bind_text(st, 6, error);
    return db_step_done(d, st);
}

mb_status outbox_mark_retry(db *d, int64_t id, int64_t next_at, int http_status, int error_code,
                            const char *error)
{
    return mark_state(d, id, "pending", next_at, http_status, error_code, error);
}

mb_status outbox_mark_failed(db *d, int64_t id, int http_status, int error_code, const char *error)
{
    return mark_state(d, id, "failed", -1, http_status, error_code, error);
}

mb_status outbox_mark_unknown(db *d, int64_t id, const char *error)
{
    return mark_state(d, id, "unknown", -1, 0, 0, error);
}

mb_status outbox_mark_checking(db *d, int64_t id, int64_t next_at, const char *error)
{
    return mark_state(d, id, "checking", next_at, 0, 0, error);
}

mb_status outbox_mark_probe(db *d, int64_t id, int64_t probe_next, int misses, int64_t next_at)
{
    sqlite3_stmt *st = db_stmt(d, "UPDATE outbox SET probe_next = ?2, probe_misses = ?3, next_at = ?4 WHERE id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, probe_next);
    sqlite3_bind_int(st, 3, misses);
    sqlite3_bind_int64(st, 4, next_at);
    return db_step_done(d, st);
}

mb_status outbox_mark_undelivered(db *d, int64_t id)
{
    return mark_state(d, id, "pending", -1, 0, 0, "not delivered (checked); sent again");
}

mb_status outbox_fail_chat(db *d, const char *platform, int64_t chat_id, const char *reason)
{
    sqlite3_stmt *st = db_stmt(d, "UPDATE outbox SET state = 'failed', error = ?3"
                                  " WHERE id IN (SELECT id FROM outbox o WHERE platform = ?1 AND chat_id = ?2"
                                  " AND " OUTBOX_LINE("o") " AND state = 'pending')");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, chat_id);
    db_bind_text(st, 3, reason);
    return db_step_done(d, st);
}

int outbox_recover(db *d)
{
    /* the rows being sent are in their chats' lines (outbox_line) */
    sqlite3_stmt *st = db_stmt(d, "UPDATE outbox SET state = 'checking',"
                                  " error = 'the process stopped while this message was being sent'"
                                  " WHERE id IN (SELECT id FROM outbox o INDEXED BY outbox_line WHERE "
                                  OUTBOX_LINE("o") " AND state = 'sending')");
    if (!st || db_step_done(d, st)) return -1;
    return sqlite3_changes(db_handle(d));
}

mb_status outbox_requeue(db *d, int64_t id)
{
    sqlite3_stmt *st = db_stmt(d, "UPDATE outbox SET state = 'pending', next_at = ?2"
                                  " WHERE id = ?1 AND state IN ('unknown', 'failed')");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, clock_now_ms());
    mb_status rc = db_step_done(d, st);
    if (!rc && sqlite3_changes(db_handle(d)) == 0) return MB_ERR_NOT_FOUND;
    return rc;
}

int64_t outbox_count(db *d, const char *state)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT COUNT(*) FROM outbox WHERE state = ?1");
    if (!st) return -1;
    sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
    int64_t n = db_step_raw(d, st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_reset(st);
    return n;
}

int outbox_file_in_use(db *d, const char *path)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT 1 FROM outbox WHERE kind IN ('document', 'photo')"
                                  " AND state IN ('pending', 'sending', 'checking', 'unknown')"
                                  " AND json_extract(body, '$.path') = ?1 LIMIT 1");
    if (!st) return 1;   /* when in doubt, keep the file */
    sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
    int rc = db_step_raw(d, st);
    sqlite3_reset(st);
    return rc != SQLITE_DONE;
}

#include "storage/records.h"
#include "util/clock.h"

#include <stdio.h>
#include <string.h>

mb_status inbox_insert(db *d, const char *platform, int64_t update_id, const char *kind)
{
    return inbox_insert_since(d, platform, update_id, kind, 0);
}

mb_status inbox_insert_since(db *d, const char *platform, int64_t update_id, const char *kind,
                             int64_t since_ms)
{
    return inbox_insert_outcome(d, platform, update_id, kind, since_ms, "received", NULL);
}

mb_status inbox_insert_outcome(db *d, const char *platform, int64_t update_id, const char *kind,
                               int64_t since_ms, const char *status, const char *reason)
{
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO inbox(platform, update_id, kind, status, reason, received_at)"
                                  " VALUES(?1, ?2, ?3, ?6, ?7, ?4) ON CONFLICT(platform, update_id) DO UPDATE"
                                  " SET kind = excluded.kind, status = excluded.status, reason = excluded.reason,"
                                  " received_at = excluded.received_at WHERE inbox.received_at < ?5");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, update_id);
    sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, clock_now_ms());
    sqlite3_bind_int64(st, 5, since_ms);
    sqlite3_bind_text(st, 6, status, -1, SQLITE_STATIC);
    db_bind_text(st, 7, reason);
    mb_status rc = db_step_done(d, st);
    if (rc) return rc;
    return sqlite3_changes(db_handle(d)) ? MB_OK : MB_ERR_EXISTS;
}

mb_status inbox_mark(db *d, const char *platform, int64_t update_id, const char *status,
                     const char *reason)
{
    sqlite3_stmt *st = db_stmt(d, "UPDATE inbox SET status = ?3, reason = ?4"
                                  " WHERE platform = ?1 AND update_id = ?2");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, update_id);
    sqlite3_bind_text(st, 3, status, -1, SQLITE_STATIC);
    db_bind_text(st, 4, reason);
    return db_step_done(d, st);
}

/* Runs an upsert of a chat's mark: ?1 the platform, ?2 the chat, ?3 value. */
static mb_status chat_mark_write(db *d, const char *sql, const char *platform, int64_t chat_id, int64_t value)
{
    sqlite3_stmt *st = db_stmt(d, sql);
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, chat_id);
    sqlite3_bind_int64(st, 3, value);
    return db_step_done(d, st);
}

mb_status chat_mark_raise(db *d, const char *platform, int64_t chat_id, int64_t message_id)
{
    if (message_id <= 0) return MB_OK;
    return chat_mark_write(d, "INSERT INTO chat_marks(platform, chat_id, last_message_id) VALUES(?1, ?2, ?3)"
                              " ON CONFLICT(platform, chat_id) DO UPDATE SET last_message_id ="
                              " MAX(last_message_id, excluded.last_message_id)",
                           platform, chat_id, message_id);
}

mb_status chat_mark_platform_chat(db *d, const char *platform, int64_t chat_id, int64_t platform_chat_id)
{
    if (!platform_chat_id) return MB_OK;
    return chat_mark_write(d, "INSERT INTO chat_marks(platform, chat_id, last_message_id, platform_chat_id)"
                              " VALUES(?1, ?2, 0, ?3) ON CONFLICT(platform, chat_id) DO UPDATE SET"
                              " platform_chat_id = excluded.platform_chat_id",
                           platform, chat_id, platform_chat_id);
}

int64_t chat_mark_get(db *d, const char *platform, int64_t chat_id)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT last_message_id FROM chat_marks WHERE platform = ?1 AND chat_id = ?2");
    if (!st) return 0;
    sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, chat_id);
    int64_t id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return id;
}

mb_status dialog_get(db *d, int64_t account_id, char *state, char **data)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT state, data FROM dialog WHERE account_id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, account_id);
    state[0] = 0;
    *data = NULL;
    mb_status rc = db_step_row(d, st);
    if (rc == MB_ERR_NOT_FOUND) return MB_OK;   /* no dialog yet: the start state */
    if (rc) return rc;
    const unsigned char *s = sqlite3_column_text(st, 0);
    snprintf(state, DIALOG_STATE_MAX, "%s", s ? (const char *)s : "");
    if (sqlite3_column_type(st, 1) != SQLITE_NULL && !(*data = db_column_dup(st, 1))) rc = MB_ERR_NOMEM;
    sqlite3_reset(st);
    return rc;
}

mb_status dialog_set(db *d, int64_t account_id, const char *state, const char *data)
{
    if (data && strlen(data) > DIALOG_DATA_MAX) return MB_ERR_LIMIT;
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO dialog(account_id, state, data, updated_at) VALUES(?1,?2,?3,?4)"
                                  " ON CONFLICT(account_id) DO UPDATE SET state = excluded.state,"
                                  " data = excluded.data, updated_at = excluded.updated_at");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, account_id);
    sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
    db_bind_text(st, 3, data);
    sqlite3_bind_int64(st, 4, clock_now_ms());
    return db_step_done(d, st);
}

mb_status org_add(db *d, const char *name, const char *timezone, int64_t *id_out)
{
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO orgs(name, timezone, created_at) VALUES(?1, ?2, ?3)");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, timezone, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, clock_now_ms());
    mb_status rc = db_step_done(d, st);
    if (!rc) *id_out = sqlite3_last_insert_rowid(db_handle(d));
    return rc;
}

mb_status org_get(db *d, int64_t id, org *out)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT id, name, timezone, type, territory_id FROM orgs WHERE id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    mb_status rc = db_step_row(d, st);
    if (rc == MB_OK) {
        out->id = sqlite3_column_int64(st, 0);
        snprintf(out->name, sizeof out->name, "%s", sqlite3_column_text(st, 1));
        snprintf(out->timezone, sizeof out->timezone, "%s", sqlite3_column_text(st, 2));
        snprintf(out->type, sizeof out->type, "%s", sqlite3_column_text(st, 3));
        out->territory_id = sqlite3_column_int64(st, 4);
        rc = MB_OK;
    }
    sqlite3_reset(st);
    return rc;
}

mb_status audit_log(db *d, const char *actor, const char *action, const char *subject,
                    const char *detail)
{
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO audit(at, actor, action, subject, detail) VALUES(?1,?2,?3,?4,?5)");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, clock_now_ms());
    sqlite3_bind_text(st, 2, actor, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
    db_bind_text(st, 4, subject);
    db_bind_text(st, 5, detail);
    return db_step_done(d, st);
}

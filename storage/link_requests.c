#include "storage/link_requests.h"
#include "util/clock.h"

#include <stdio.h>
#include <string.h>

mb_status link_request_add(db *d, const link_request *r, int64_t *id_out)
{
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO link_requests(invite_id, account_id, platform, user_id, chat_id,"
                                  " display_name, created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, r->invite_id);
    sqlite3_bind_int64(st, 2, r->account_id);
    sqlite3_bind_text(st, 3, r->platform, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, r->user_id);
    sqlite3_bind_int64(st, 5, r->chat_id);
    db_bind_text(st, 6, r->display_name[0] ? r->display_name : NULL);
    sqlite3_bind_int64(st, 7, clock_now_ms());
    mb_status rc = db_step_done(d, st);
    if (!rc && id_out) *id_out = sqlite3_last_insert_rowid(db_handle(d));
    return rc;
}

static void read_request(sqlite3_stmt *st, void *out)
{
    link_request *r = out;
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(st, 0);
    r->invite_id = sqlite3_column_int64(st, 1);
    db_column_copy(st, 2, r->code, sizeof r->code);
    r->account_id = sqlite3_column_int64(st, 3);
    db_column_copy(st, 4, r->platform, sizeof r->platform);
    r->user_id = sqlite3_column_int64(st, 5);
    r->chat_id = sqlite3_column_int64(st, 6);
    db_column_copy(st, 7, r->display_name, sizeof r->display_name);
    db_column_copy(st, 8, r->state, sizeof r->state);
}

mb_status link_request_load(db *d, int64_t id, link_request *out)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT r.id, r.invite_id, i.code, r.account_id, r.platform, r.user_id, r.chat_id,"
                                  " r.display_name, r.state FROM link_requests r JOIN invites i ON i.id = r.invite_id"
                                  " WHERE r.id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    return db_first_row(d, st, read_request, out);
}

int link_request_pending_for(db *d, int64_t invite_id)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT 1 FROM link_requests WHERE invite_id = ?1 AND state = 'pending'");
    if (!st) return 1;
    sqlite3_bind_int64(st, 1, invite_id);
    /* on an error a request counts as waiting: no second one is made */
    return db_has_row(d, st) != MB_ERR_NOT_FOUND;
}

mb_status link_request_decide(db *d, int64_t id, const char *state)
{
    /* The name the messenger showed is only needed to ask the question:
     * once it is answered it is not kept. */
    sqlite3_stmt *st = db_stmt(d, "UPDATE link_requests SET state = ?2, display_name = NULL"
                                  " WHERE id = ?1 AND state = 'pending'");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
    mb_status rc = db_step_done(d, st);
    if (!rc && sqlite3_changes(db_handle(d)) == 0) return MB_ERR_NOT_FOUND;
    return rc;
}

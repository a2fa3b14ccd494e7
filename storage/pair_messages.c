#include "storage/pair_messages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

mb_status pair_message_add(db *d, int64_t mentorship_id, int64_t from, int64_t to, const char *kind,
                           const char *text, int64_t now)
{
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO pair_messages(mentorship_id, from_account, to_account, kind, text,"
                                  " created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, mentorship_id);
    sqlite3_bind_int64(st, 2, from);
    if (to) sqlite3_bind_int64(st, 3, to);
    else sqlite3_bind_null(st, 3);
    sqlite3_bind_text(st, 4, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, text, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, now);
    return db_step_done(d, st);
}

mb_status pair_message_list(db *d, int64_t mentorship_id, int max, pair_message **out, int *n)
{
    *out = NULL;
    *n = 0;
    if (max <= 0) return MB_OK;
    pair_message *arr = calloc((size_t)max, sizeof *arr);
    if (!arr) return MB_ERR_NOMEM;
    sqlite3_stmt *st = db_stmt(d, "SELECT id, mentorship_id, from_account, to_account, kind, text, created_at"
                                  " FROM (SELECT * FROM pair_messages WHERE mentorship_id = ?1 ORDER BY id DESC"
                                  " LIMIT ?2) ORDER BY id");
    if (!st) {
        free(arr);
        return MB_ERR_DB;
    }
    sqlite3_bind_int64(st, 1, mentorship_id);
    sqlite3_bind_int(st, 2, max);
    mb_status rc = MB_OK;
    int step = SQLITE_DONE;
    while (*n < max && (step = db_step_raw(d, st)) == SQLITE_ROW) {
        pair_message *m = &arr[*n];
        m->id = sqlite3_column_int64(st, 0);
        m->mentorship_id = sqlite3_column_int64(st, 1);
        m->from_account = sqlite3_column_int64(st, 2);
        m->to_account = sqlite3_column_int64(st, 3);
        const char *kind = (const char *)sqlite3_column_text(st, 4);
        snprintf(m->kind, sizeof m->kind, "%s", kind ? kind : "");
        const char *text = (const char *)sqlite3_column_text(st, 5);
        if (!(m->text = strdup(text ? text : ""))) {
            rc = MB_ERR_NOMEM;
            break;
        }
        m->created_at = sqlite3_column_int64(st, 6);
        (*n)++;
    }
    if (!rc && *n < max && step != SQLITE_DONE) rc = MB_ERR_DB;
    sqlite3_reset(st);
    if (rc) {
        pair_messages_free(arr, *n);
        *n = 0;
        return rc;
    }
    *out = arr;
    return MB_OK;
}

void pair_messages_free(pair_message *list, int n)
{
    for (int i = 0; list && i < n; i++) free(list[i].text);
    free(list);
}

mb_status pair_messages_erase(db *d, int64_t account_id)
{
    sqlite3_stmt *st = db_stmt(d, "DELETE FROM pair_messages WHERE from_account = ?1 OR to_account = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, account_id);
    mb_status rc = db_step_done(d, st);
    if (rc || !(st = db_stmt(d, "DELETE FROM pair_contacts WHERE account_id = ?1"))) return rc ? rc : MB_ERR_DB;
    sqlite3_bind_int64(st, 1, account_id);
    return db_step_done(d, st);
}

int pair_contacts_agree(db *d, int64_t mentorship_id, int64_t account_id, int members, int64_t now)
{
    sqlite3_stmt *st = db_stmt(d, "INSERT OR IGNORE INTO pair_contacts(mentorship_id, account_id, agreed_at)"
                                  " VALUES(?1, ?2, ?3)");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, mentorship_id);
    sqlite3_bind_int64(st, 2, account_id);
    sqlite3_bind_int64(st, 3, now);
    if (db_step_done(d, st)) return -1;
    if (!(st = db_stmt(d, "SELECT COUNT(*) FROM pair_contacts WHERE mentorship_id = ?1"))) return -1;
    sqlite3_bind_int64(st, 1, mentorship_id);
    return db_step_scalar(d, st, -1) >= members ? 1 : 0;
}

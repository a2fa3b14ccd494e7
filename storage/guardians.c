#include "storage/guardians.h"
#include "util/clock.h"

#include <stdio.h>
#include <string.h>

int guardian_phone_normalise(const char *in, char *out, size_t size, const char **why)
{
    char digits[GUARDIAN_PHONE_DIGITS_MAX + 2];
    size_t n = 0;
    int plus = 0, seen_digit = 0;
    for (const char *p = in; *p; p++) {
        char c = *p;
        if (c >= '0' && c <= '9') {
            if (n == GUARDIAN_PHONE_DIGITS_MAX + 1) {
                *why = "too many digits for a phone number (at most 15)";
                return 0;
            }
            digits[n++] = c;
            seen_digit = 1;
        } else if (c == '+' && !seen_digit && !plus) {
            plus = 1;
        } else if (c != ' ' && c != '-' && c != '(' && c != ')' && c != '.' && c != '\t') {
            *why = "a phone number may hold only digits, spaces, + - ( ) and dots";
            return 0;
        }
    }
    digits[n] = 0;
    if (n == 0) {
        *why = "the phone number is empty";
        return 0;
    }
    /* Russian habits: 8 instead of +7 as the trunk prefix, or no country code. */
    if (!plus && n == 11 && digits[0] == '8') digits[0] = '7';
    if (!plus && n == 10) {
        memmove(digits + 1, digits, n + 1);
        digits[0] = '7';
        n++;
    }
    if (n < GUARDIAN_PHONE_DIGITS_MIN + 1) {
        *why = "too few digits for a phone number with its country code";
        return 0;
    }
    if (n > GUARDIAN_PHONE_DIGITS_MAX) {
        *why = "too many digits for a phone number (at most 15)";
        return 0;
    }
    if (n + 1 > size) {
        *why = "no room for the phone number";
        return 0;
    }
    memcpy(out, digits, n + 1);
    return 1;
}

mb_status guardian_phone_add(db *d, int64_t org_id, const char *phone, const char *name, const char *added_by)
{
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO guardian_phones(org_id, phone, name, added_by, added_at)"
                                  " VALUES(?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_text(st, 2, phone, -1, SQLITE_STATIC);
    db_bind_text(st, 3, name && *name ? name : NULL);
    sqlite3_bind_text(st, 4, added_by, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, clock_now_ms());
    mb_status rc = db_step_done(d, st);
    if (!rc && sqlite3_changes(db_handle(d)) == 0) return MB_ERR_EXISTS;
    return rc;
}

int guardian_phone_listed(db *d, int64_t org_id, const char *phone)
{
    if (!phone || !*phone) return 0;
    sqlite3_stmt *st = db_stmt(d, "SELECT 1 FROM guardian_phones WHERE org_id = ?1 AND phone = ?2");
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_text(st, 2, phone, -1, SQLITE_STATIC);
    return db_has_row(d, st) == MB_OK;   /* an error lists nobody */
}

int guardian_phone_count(db *d, int64_t org_id)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT COUNT(*) FROM guardian_phones WHERE org_id = ?1");
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, org_id);
    return (int)db_step_scalar(d, st, 0);
}

mb_status consent_request_start(db *d, int64_t minor_id, int64_t invite_id, const char *platform, int64_t user_id,
                                int64_t chat_id, const char *language, int64_t *id_out)
{
    int64_t now = clock_now_ms();
    sqlite3_stmt *st = db_stmt(d, "UPDATE consent_requests SET state = 'closed', updated_at = ?3"
                                  " WHERE platform = ?1 AND user_id = ?2 AND state = 'open'");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, user_id);
    sqlite3_bind_int64(st, 3, now);
    mb_status rc = db_step_done(d, st);
    if (rc) return rc;
    st = db_stmt(d, "INSERT INTO consent_requests(minor_id, invite_id, platform, user_id, chat_id, language,"
                    " created_at, updated_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, minor_id);
    sqlite3_bind_int64(st, 2, invite_id);
    sqlite3_bind_text(st, 3, platform, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, user_id);
    sqlite3_bind_int64(st, 5, chat_id);
    db_bind_text(st, 6, language);
    sqlite3_bind_int64(st, 7, now);
    rc = db_step_done(d, st);
    if (!rc && id_out) *id_out = sqlite3_last_insert_rowid(db_handle(d));
    return rc;
}

#define REQUEST_COLUMNS                                                                                 \
    "id, minor_id, invite_id, platform, user_id, chat_id, language, step, state, name, relation, phone," \
    " phone_listed, created_at, decided_at, decided_by"

static void fill_request(sqlite3_stmt *st, void *out)
{
    consent_request *r = out;
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(st, 0);
    r->minor_id = sqlite3_column_int64(st, 1);
    r->invite_id = sqlite3_column_int64(st, 2);
    db_column_copy(st, 3, r->platform, sizeof r->platform);
    r->user_id = sqlite3_column_int64(st, 4);
    r->chat_id = sqlite3_column_int64(st, 5);
    db_column_copy(st, 6, r->language, sizeof r->language);
    db_column_copy(st, 7, r->step, sizeof r->step);
    db_column_copy(st, 8, r->state, sizeof r->state);
    db_column_copy(st, 9, r->name, sizeof r->name);
    db_column_copy(st, 10, r->relation, sizeof r->relation);
    db_column_copy(st, 11, r->phone, sizeof r->phone);
    r->phone_listed = sqlite3_column_int(st, 12);
    r->created_at = sqlite3_column_int64(st, 13);
    r->decided_at = sqlite3_column_int64(st, 14);
    db_column_copy(st, 15, r->decided_by, sizeof r->decided_by);
}

mb_status consent_request_open_of(db *d, const char *platform, int64_t user_id, consent_request *out)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT " REQUEST_COLUMNS " FROM consent_requests"
                                  " WHERE platform = ?1 AND user_id = ?2 AND state = 'open' AND updated_at > ?3"
                                  " ORDER BY id DESC LIMIT 1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, user_id);
    sqlite3_bind_int64(st, 3, clock_now_ms() - GUARDIAN_OPEN_DIALOG_MS);
    return db_first_row(d, st, fill_request, out);
}

mb_status consent_request_given_by(db *d, const char *platform, int64_t user_id, consent_request *out)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT " REQUEST_COLUMNS " FROM consent_requests"
                                  " WHERE platform = ?1 AND user_id = ?2 AND state = 'confirmed'"
                                  " ORDER BY decided_at DESC, id DESC LIMIT 1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, user_id);
    return db_first_row(d, st, fill_request, out);
}

mb_status consent_request_load(db *d, int64_t id, consent_request *out)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT " REQUEST_COLUMNS " FROM consent_requests WHERE id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    return db_first_row(d, st, fill_request, out);
}

mb_status consent_request_save(db *d, const consent_request *r)
{
    sqlite3_stmt *st = db_stmt(d, "UPDATE consent_requests SET step = ?2, state = ?3, name = ?4, relation = ?5,"
                                  " phone = ?6, phone_listed = ?7, decided_at = ?8, decided_by = ?9,"
                                  " updated_at = ?10 WHERE id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, r->id);
    sqlite3_bind_text(st, 2, r->step, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, r->state, -1, SQLITE_STATIC);
    db_bind_text(st, 4, r->name[0] ? r->name : NULL);
    db_bind_text(st, 5, r->relation[0] ? r->relation : NULL);
    db_bind_text(st, 6, r->phone[0] ? r->phone : NULL);
    sqlite3_bind_int(st, 7, r->phone_listed);
    if (r->decided_at) sqlite3_bind_int64(st, 8, r->decided_at); else sqlite3_bind_null(st, 8);
    db_bind_text(st, 9, r->decided_by[0] ? r->decided_by : NULL);
    sqlite3_bind_int64(st, 10, clock_now_ms());
    return db_step_done(d, st);
}

mb_status consent_request_close_for_minor(db *d, int64_t minor_id)
{
    return db_run_with_ints(d, "UPDATE consent_requests SET state = 'closed', updated_at = ?2"
                               " WHERE minor_id = ?1 AND state IN ('open', 'waiting')",
                            minor_id, clock_now_ms());
}

int consent_request_list_waiting(db *d, int64_t org_id, int64_t *ids, int max)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT r.id FROM consent_requests r JOIN accounts a ON a.id = r.minor_id"
                                  " WHERE a.org_id = ?1 AND a.status = 'pending_consent' AND r.state = 'waiting'"
                                  " ORDER BY r.id LIMIT ?2");
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_int(st, 2, max);
    return db_step_ids(d, st, ids, max);
}

int consent_request_count_waiting(db *d, int64_t org_id)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT COUNT(*) FROM consent_requests r JOIN accounts a ON a.id = r.minor_id"
                                  " WHERE a.org_id = ?1 AND a.status = 'pending_consent' AND r.state = 'waiting'");
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, org_id);
    return (int)db_step_scalar(d, st, 0);
}

int consent_request_sender_waiting(db *d, int64_t minor_id, const char *platform, int64_t user_id)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT 1 FROM consent_requests WHERE minor_id = ?1 AND platform = ?2"
                                  " AND user_id = ?3 AND state = 'waiting'");
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, minor_id);
    sqlite3_bind_text(st, 2, platform, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, user_id);
    return db_has_row(d, st) != MB_ERR_NOT_FOUND;   /* an error counts as waiting: no second request */
}

int consent_sender_excluded(db *d, int64_t minor_id, const char *platform, int64_t user_id)
{
    /* identity_history holds every account a messenger account ever
     * belonged to, the current ones included (a trigger fills it). */
    sqlite3_stmt *st = db_stmt(d, "SELECT MAX(h.account_id = ?1), MAX(a.category = 'pupil')"
                                  " FROM identity_history h JOIN accounts a ON a.id = h.account_id"
                                  " WHERE h.platform = ?2 AND h.user_id = ?3");
    if (!st) return 1; /* when in doubt, nobody confirms */
    sqlite3_bind_int64(st, 1, minor_id);
    sqlite3_bind_text(st, 2, platform, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, user_id);
    int why = 0;
    int step = db_step_raw(d, st);
    if (step == SQLITE_ROW) {
        if (sqlite3_column_int(st, 0)) why = 1;
        else if (sqlite3_column_int(st, 1)) why = 2;
    } else if (step != SQLITE_DONE) {
        why = 1; /* when in doubt, nobody confirms */
    }
    sqlite3_reset(st);
    return why;
}

int consent_link_open(db *d, int64_t invite_id)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT 1 FROM invites WHERE id = ?1 AND kind = 'guardian' AND revoked_at IS NULL"
                                  " AND (expires_at IS NULL OR expires_at > ?2)");
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, invite_id);
    sqlite3_bind_int64(st, 2, clock_now_ms());
    return db_has_row(d, st) == MB_OK;   /* an error opens nothing */
}

mb_status consent_revoke_links(db *d, int64_t minor_id)
{
    return db_run_with_ints(d, "UPDATE invites SET revoked_at = ?2 WHERE kind = 'guardian' AND for_account = ?1"
                               " AND revoked_at IS NULL",
                            minor_id, clock_now_ms());
}

int consent_people_of(db *d, int64_t minor_id, char (*names)[ACCOUNT_NAME_BYTES], int *nnames,
                      char (*phones)[GUARDIAN_PHONE_BYTES], int *nphones, int max)
{
    *nnames = *nphones = 0;
    sqlite3_stmt *st = db_stmt(d, "SELECT DISTINCT name, NULL FROM consent_requests WHERE minor_id = ?1"
                                  " AND COALESCE(name, '') <> ''"
                                  " UNION SELECT DISTINCT NULL, phone FROM consent_requests WHERE minor_id = ?1"
                                  " AND COALESCE(phone, '') <> ''");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, minor_id);
    int step;
    while ((step = db_step_raw(d, st)) == SQLITE_ROW) {
        if (sqlite3_column_type(st, 0) != SQLITE_NULL && *nnames < max)
            db_column_copy(st, 0, names[(*nnames)++], ACCOUNT_NAME_BYTES);
        else if (sqlite3_column_type(st, 1) != SQLITE_NULL && *nphones < max)
            db_column_copy(st, 1, phones[(*nphones)++], GUARDIAN_PHONE_BYTES);
    }
    sqlite3_reset(st);
    return step == SQLITE_DONE ? 0 : -1;
}

int consent_curators_of(db *d, int64_t org_id, int64_t *ids, int max)
{
    /* the organisation's own curators on accounts_org, those scoped to it
     * on scopes_org (migration 28) */
    sqlite3_stmt *st = db_stmt(d, "SELECT a.id FROM accounts a WHERE a.org_id = ?1 AND a.role = 'curator'"
                                  " AND a.status = 'active'"
                                  " UNION SELECT a.id FROM scopes s CROSS JOIN accounts a ON a.id = s.account_id"
                                  " WHERE s.org_id = ?1 AND a.role = 'curator' AND a.status = 'active'"
                                  " ORDER BY 1 LIMIT ?2");
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_int(st, 2, max);
    return db_step_ids(d, st, ids, max);
}

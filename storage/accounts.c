#include "storage/accounts.h"
#include "storage/pair_messages.h"
#include "storage/erase.h"
#include "storage/records.h"
#include "util/clock.h"

#include <stdio.h>
#include <string.h>

#define ACCOUNT_COLUMNS \
    "a.id, a.status, a.role, a.org_id, a.name, a.category, a.grade, a.birth_year, a.language," \
    " a.consent_at, a.guardian_consent, a.guardian_consent_at, a.created_at"

static void note_loaded(account *a);

static void read_account(sqlite3_stmt *st, account *a)
{
    memset(a, 0, sizeof *a);
    a->id = sqlite3_column_int64(st, 0);
    db_column_copy(st, 1, a->status, sizeof a->status);
    db_column_copy(st, 2, a->role, sizeof a->role);
    a->org_id = sqlite3_column_int64(st, 3);
    db_column_copy(st, 4, a->name, sizeof a->name);
    db_column_copy(st, 5, a->category, sizeof a->category);
    a->grade = sqlite3_column_int(st, 6);
    a->birth_year = sqlite3_column_int(st, 7);
    db_column_copy(st, 8, a->language, sizeof a->language);
    a->consent_at = sqlite3_column_int64(st, 9);
    db_column_copy(st, 10, a->guardian_consent, sizeof a->guardian_consent);
    a->guardian_consent_at = sqlite3_column_int64(st, 11);
    a->created_at = sqlite3_column_int64(st, 12);
    note_loaded(a);
}

mb_status account_find_sender(db *d, const char *platform, int64_t user_id, account *out, identity *id_out,
                              char *state, char **data)
{
    /* With what identity_use_stale compares, so that most updates need
     * no statement to note the use: the time last noted, and whether the
     * person has another messenger (counted in identities_account alone,
     * without reading the rows); and the dialog, by its key, in the same
     * statement. */
    sqlite3_stmt *st = db_stmt(d, "SELECT " ACCOUNT_COLUMNS ", i.chat_id, i.unreachable_at, i.display_name,"
                                  " i.last_used_at, (SELECT COUNT(*) FROM identities o WHERE o.account_id = i.account_id) > 1,"
                                  " dl.state, dl.data"
                                  " FROM identities i JOIN accounts a ON a.id = i.account_id"
                                  " LEFT JOIN dialog dl ON dl.account_id = a.id"
                                  " WHERE i.platform = ?1 AND i.user_id = ?2");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, user_id);
    if (data) *data = NULL;
    mb_status rc = db_step_row(d, st);
    if (rc == MB_OK) {
        read_account(st, out);
        if (id_out) {
            memset(id_out, 0, sizeof *id_out);
            snprintf(id_out->platform, sizeof id_out->platform, "%s", platform);
            id_out->user_id = user_id;
            id_out->account_id = out->id;
            id_out->chat_id = sqlite3_column_int64(st, 13);
            id_out->unreachable_at = sqlite3_column_int64(st, 14);
            db_column_copy(st, 15, id_out->display_name, sizeof id_out->display_name);
            id_out->last_used_at = sqlite3_column_int64(st, 16);
            id_out->has_others = sqlite3_column_int(st, 17);
        }
        if (state) db_column_copy(st, 18, state, DIALOG_STATE_MAX);
        if (data && sqlite3_column_type(st, 19) != SQLITE_NULL && !(*data = db_column_dup(st, 19)))
            rc = MB_ERR_NOMEM;
    }
    sqlite3_reset(st);
    return rc;
}

mb_status account_find_by_identity(db *d, const char *platform, int64_t user_id, account *out,
                                   identity *id_out)
{
    return account_find_sender(d, platform, user_id, out, id_out, NULL, NULL);
}

static void bind_optional_text(sqlite3_stmt *st, int idx, const char *s)
{
    db_bind_text(st, idx, s && *s ? s : NULL);
}

static void bind_optional_int(sqlite3_stmt *st, int idx, int64_t v)
{
    if (v) sqlite3_bind_int64(st, idx, v);
    else sqlite3_bind_null(st, idx);
}

/* used: the identity's last_used_at, 0 to leave it unset; shown: its
 * display_name, NULL or "" for none */
static mb_status create_at(db *d, const char *platform, int64_t user_id, int64_t chat_id, const char *language,
                           int64_t now, int used, const char *shown, int64_t *id_out)
{
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO accounts(status, language, created_at, updated_at)"
                                  " VALUES('registering', ?1, ?2, ?2)");
    if (!st) return MB_ERR_DB;
    db_bind_text(st, 1, language);
    sqlite3_bind_int64(st, 2, now);
    mb_status rc = db_step_done(d, st);
    if (rc) return rc;
    int64_t id = sqlite3_last_insert_rowid(db_handle(d));
    st = db_stmt(d, "INSERT INTO identities(platform, user_id, account_id, chat_id, last_used_at, display_name)"
                    " VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, user_id);
    sqlite3_bind_int64(st, 3, id);
    sqlite3_bind_int64(st, 4, chat_id);
    bind_optional_int(st, 5, used ? now : 0);
    bind_optional_text(st, 6, shown);
    if ((rc = db_step_done(d, st))) return rc;
    *id_out = id;
    return MB_OK;
}

mb_status account_create(db *d, const char *platform, int64_t user_id, int64_t chat_id,
                         const char *language, int64_t *id_out)
{
    return create_at(d, platform, user_id, chat_id, language, clock_now_ms(), 0, NULL, id_out);
}

mb_status account_create_loaded(db *d, const char *platform, int64_t user_id, int64_t chat_id,
                                const char *language, const char *shown, account *out)
{
    /* The person writes from the identity now (their /start): its use and
     * the name it shows are noted at once, as the dispatcher would at
     * their next update. */
    int64_t id, now = clock_now_ms();
    mb_status rc = create_at(d, platform, user_id, chat_id, language, now, 1, shown, &id);
    if (rc) return rc;
    /* The row as account_create wrote it (no trigger changes a new
     * account), so it is not read back. */
    memset(out, 0, sizeof *out);
    out->id = id;
    snprintf(out->status, sizeof out->status, "registering");
    snprintf(out->language, sizeof out->language, "%s", language ? language : "");
    out->created_at = now;
    note_loaded(out);
    return MB_OK;
}

mb_status account_load(db *d, int64_t id, account *out)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT " ACCOUNT_COLUMNS " FROM accounts a WHERE a.id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    mb_status rc = db_step_row(d, st);
    if (rc == MB_OK) { read_account(st, out); rc = MB_OK; }
    sqlite3_reset(st);
    return rc;
}

/* Four statements, by which columns a save changes: each column in a SET
 * list makes SQLite rewrite every index that names it (accounts_org,
 * accounts_joined, accounts_pending_consent, accounts_waiting,
 * accounts_external) and run the triggers of its UPDATE OF (the status
 * guard, role_history's), even when its value stays; a trigger also makes
 * the statement keep a journal of its own. Status, role and organisation
 * are what those read; the other columns are in no index and no trigger,
 * so most steps of a registration write none of them. */
#define ACCOUNT_SET_PLAIN \
    "name = ?5, category = ?6, grade = ?7, birth_year = ?8, language = ?9, consent_at = ?10," \
    " guardian_consent = ?11, guardian_consent_at = ?12, updated_at = ?13 WHERE id = ?1"

static const char *const account_updates[2][2] = {
    /* [role or organisation changed][status changed] */
    {"UPDATE accounts SET " ACCOUNT_SET_PLAIN, "UPDATE accounts SET status = ?2, " ACCOUNT_SET_PLAIN},
    {"UPDATE accounts SET role = ?3, org_id = ?4, " ACCOUNT_SET_PLAIN,
     "UPDATE accounts SET status = ?2, role = ?3, org_id = ?4, " ACCOUNT_SET_PLAIN},
};

/* The indexed fields as the database now holds them. */
static void note_loaded(account *a)
{
    a->loaded = 1;
    memcpy(a->loaded_status, a->status, sizeof a->loaded_status);
    memcpy(a->loaded_role, a->role, sizeof a->loaded_role);
    a->loaded_org_id = a->org_id;
}

mb_status account_save(db *d, account *a)
{
    int keys = !a->loaded || strcmp(a->role, a->loaded_role) != 0 || a->org_id != a->loaded_org_id;
    int status = !a->loaded || strcmp(a->status, a->loaded_status) != 0;
    sqlite3_stmt *st = db_stmt(d, account_updates[keys][status]);
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, a->id);
    sqlite3_bind_text(st, 2, a->status, -1, SQLITE_STATIC);
    bind_optional_text(st, 3, a->role);
    bind_optional_int(st, 4, a->org_id);
    bind_optional_text(st, 5, a->name);
    bind_optional_text(st, 6, a->category);
    bind_optional_int(st, 7, a->grade);
    bind_optional_int(st, 8, a->birth_year);
    bind_optional_text(st, 9, a->language);
    bind_optional_int(st, 10, a->consent_at);
    bind_optional_text(st, 11, a->guardian_consent);
    bind_optional_int(st, 12, a->guardian_consent_at);
    sqlite3_bind_int64(st, 13, clock_now_ms());
    mb_status rc = db_step_done(d, st);
    /* a later save of the same account compares with what it wrote: a
     * status changed and changed back is written back too */
    if (!rc) note_loaded(a);
    return rc;
}

static mb_status exec_id(db *d, const char *sql, int64_t id)
{
    sqlite3_stmt *st = db_stmt(d, sql);
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    return db_step_done(d, st);
}

mb_status account_restart_registration(db *d, int64_t id)
{
    mb_status rc = exec_id(d, "UPDATE accounts SET role = NULL, org_id = NULL, name = NULL, category = NULL,"
                              " grade = NULL, birth_year = NULL, consent_at = NULL WHERE id = ?1"
                              " AND status = 'registering'", id);
    if (rc) return rc;
    if (sqlite3_changes(db_handle(d)) == 0) return MB_ERR_INVALID;
    return exec_id(d, "DELETE FROM scopes WHERE account_id = ?1", id);
}

mb_status account_delete(db *d, int64_t id)
{
    mb_status rc;
    /* The role its invite gave it is in role_history (migration 15's
     * triggers); someone who never consented counts nowhere. */
    if ((rc = exec_id(d, "DELETE FROM outbox WHERE account_id = ?1 AND state = 'pending'", id)) ||
        (rc = exec_id(d, "DELETE FROM invite_uses WHERE account_id = ?1", id)) ||
        (rc = exec_id(d, "DELETE FROM role_history WHERE account_id = ?1", id)))
        return rc;
    return exec_id(d, "DELETE FROM accounts WHERE id = ?1", id);
}

mb_status account_forget(db *d, int64_t id)
{
    /* Erased bytes are overwritten with zeros, not just unlinked, whatever
     * the SQLite build's default; the setting stays for the connection. */
    mb_status rc = db_exec(d, "PRAGMA secure_delete = ON");
    if (rc) return rc;
    /* and the log's older frames go with the next checkpoint */
    db_erased(d);
    /* Their mentorships end first, so a mentor's place is freed and no
     * list shows a pair with one side gone. */
    if ((rc = erase_leave_mentorships(d, id)) || (rc = erase_meetings(d, id)) || (rc = pair_messages_erase(d, id)))
        return rc;
    /* The person's own chats first, while the identities still say which
     * they are: every message to them goes but those in flight, whose
     * outcome the sender must be able to record (their text is scrubbed by
     * erase_name_everywhere). */
    /* Each delete starts from the person's account or identities, so it
     * reads their rows through an index, not the whole table. */
    if ((rc = exec_id(d, "DELETE FROM outbox WHERE state <> 'sending' AND account_id = ?1", id)) ||
        (rc = exec_id(d, "DELETE FROM outbox WHERE state <> 'sending' AND (platform, chat_id) IN"
                         " (SELECT platform, chat_id FROM identities WHERE account_id = ?1)", id)) ||
        (rc = exec_id(d, "DELETE FROM chat_marks WHERE (platform, chat_id) IN"
                         " (SELECT platform, chat_id FROM identities WHERE account_id = ?1)", id)) ||
        /* Wrong codes and link requests name the person's messenger ids:
         * from the person, and about the person. */
        (rc = exec_id(d, "DELETE FROM code_failures WHERE (platform, user_id) IN"
                         " (SELECT platform, user_id FROM identities WHERE account_id = ?1)", id)) ||
        (rc = exec_id(d, "DELETE FROM code_lockouts WHERE (platform, user_id) IN"
                         " (SELECT platform, user_id FROM identities WHERE account_id = ?1)", id)) ||
        (rc = exec_id(d, "DELETE FROM link_requests WHERE account_id = ?1", id)) ||
        (rc = exec_id(d, "DELETE FROM link_requests WHERE (platform, user_id) IN"
                         " (SELECT platform, user_id FROM identities WHERE account_id = ?1)", id)))
        return rc;
    if ((rc = exec_id(d, "UPDATE accounts SET status = 'forgotten', name = NULL, birth_year = NULL,"
                         " language = NULL, preferred_platform = NULL WHERE id = ?1", id)) ||
        (rc = exec_id(d, "DELETE FROM identities WHERE account_id = ?1", id)) ||
        (rc = exec_id(d, "DELETE FROM dialog WHERE account_id = ?1", id)) ||
        (rc = exec_id(d, "DELETE FROM survey_runs WHERE account_id = ?1", id)) ||
        (rc = exec_id(d, "DELETE FROM profiles WHERE account_id = ?1", id)) ||
        (rc = exec_id(d, "DELETE FROM invite_uses WHERE invite_id IN"
                         " (SELECT id FROM invites WHERE for_account = ?1)", id)) ||
        (rc = exec_id(d, "DELETE FROM invites WHERE for_account = ?1", id)))
        return rc;
    return account_forget_audit(d, id);
}

mb_status account_forget_audit(db *d, int64_t id)
{
    char subject[32];
    snprintf(subject, sizeof subject, "account:%lld", (long long)id);
    /* A parent who answered a guardian link is recorded by messenger
     * ("guardian:vk:123"): about an erased child only the fact remains. */
    sqlite3_stmt *st = db_stmt(d, "UPDATE audit SET actor = 'guardian' WHERE subject = ?1 AND actor LIKE 'guardian:%'");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, subject, -1, SQLITE_TRANSIENT);
    return db_step_done(d, st);
}

mb_status identity_for_account(db *d, int64_t account_id, const char *platform, identity *out)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT i.platform, i.user_id, i.chat_id, i.unreachable_at FROM identities i"
                                  " JOIN accounts a ON a.id = i.account_id"
                                  " WHERE i.account_id = ?1 AND (?2 IS NULL OR i.platform = ?2)"
                                  " ORDER BY i.unreachable_at IS NOT NULL,"
                                  " i.platform IS NOT COALESCE(a.preferred_platform, i.platform),"
                                  " i.last_used_at IS NULL, i.last_used_at DESC, i.platform LIMIT 1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, account_id);
    db_bind_text(st, 2, platform);
    mb_status rc = db_step_row(d, st);
    if (rc == MB_OK) {
        memset(out, 0, sizeof *out);
        db_column_copy(st, 0, out->platform, sizeof out->platform);
        out->user_id = sqlite3_column_int64(st, 1);
        out->chat_id = sqlite3_column_int64(st, 2);
        out->unreachable_at = sqlite3_column_int64(st, 3);
        out->account_id = account_id;
        rc = MB_OK;
    }
    sqlite3_reset(st);
    return rc;
}

mb_status identity_add(db *d, const char *platform, int64_t user_id, int64_t chat_id, int64_t account_id)
{
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO identities(platform, user_id, account_id, chat_id) VALUES(?1,?2,?3,?4)"
                                  " ON CONFLICT DO NOTHING");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, user_id);
    sqlite3_bind_int64(st, 3, account_id);
    sqlite3_bind_int64(st, 4, chat_id);
    mb_status rc = db_step_done(d, st);
    if (!rc && sqlite3_changes(db_handle(d)) == 0) return MB_ERR_EXISTS;
    return rc;
}

mb_status identity_set_display_name(db *d, const char *platform, int64_t user_id, const char *name)
{
    sqlite3_stmt *st = db_stmt(d, "UPDATE identities SET display_name = ?3 WHERE platform = ?1 AND user_id = ?2");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, user_id);
    db_bind_text(st, 3, name && *name ? name : NULL);
    return db_step_done(d, st);
}

int identity_list(db *d, int64_t account_id, identity *out, int max)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT platform, user_id, chat_id, unreachable_at, display_name FROM identities"
                                  " WHERE account_id = ?1 ORDER BY platform DESC, user_id");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, account_id);
    int n = 0;
    while (db_step_raw(d, st) == SQLITE_ROW) {
        if (n < max) {
            identity *i = &out[n];
            memset(i, 0, sizeof *i);
            db_column_copy(st, 0, i->platform, sizeof i->platform);
            i->user_id = sqlite3_column_int64(st, 1);
            i->chat_id = sqlite3_column_int64(st, 2);
            i->unreachable_at = sqlite3_column_int64(st, 3);
            db_column_copy(st, 4, i->display_name, sizeof i->display_name);
            i->account_id = account_id;
        }
        n++;
    }
    sqlite3_reset(st);
    return n;
}

mb_status identity_remove(db *d, int64_t account_id, const char *platform)
{
    sqlite3_stmt *st = db_stmt(d, "DELETE FROM identities WHERE account_id = ?1 AND platform = ?2");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, account_id);
    sqlite3_bind_text(st, 2, platform, -1, SQLITE_STATIC);
    mb_status rc = db_step_done(d, st);
    if (!rc && sqlite3_changes(db_handle(d)) == 0) return MB_ERR_NOT_FOUND;
    return rc;
}

int identity_count(db *d, int64_t account_id)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT COUNT(*) FROM identities WHERE account_id = ?1");
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, account_id);
    int n = db_step_raw(d, st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_reset(st);
    return n;
}

mb_status account_set_preferred(db *d, int64_t account_id, const char *platform)
{
    sqlite3_stmt *st = db_stmt(d, "UPDATE accounts SET preferred_platform = ?2 WHERE id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, account_id);
    sqlite3_bind_text(st, 2, platform, -1, SQLITE_STATIC);
    return db_step_done(d, st);
}

mb_status identity_set_unreachable(db *d, const char *platform, int64_t user_id, const char *reason)
{
    sqlite3_stmt *st = db_stmt(d, "UPDATE identities SET unreachable_at = ?3, unreachable_reason = ?4"
                                  " WHERE platform = ?1 AND user_id = ?2 AND unreachable_at IS NULL");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, user_id);
    sqlite3_bind_int64(st, 3, clock_now_ms());
    db_bind_text(st, 4, reason);
    return db_step_done(d, st);
}

int identity_use_stale(const identity *id, int64_t now)
{
    /* identity_note_used's condition, except that a person with another
     * messenger always leaves it to the UPDATE, which compares their
     * times; so does a time read as 0 (NULL). */
    return !id->last_used_at || id->last_used_at < now - IDENTITY_USED_GRANULARITY_MS || id->last_used_at > now ||
           id->has_others;
}

mb_status identity_note_used(db *d, const char *platform, int64_t user_id)
{
    /* Written only when it changes the order (another account of the
     * person is as recent) or once per IDENTITY_USED_GRANULARITY_MS:
     * most updates change no row and so write nothing. */
    int64_t now = clock_now_ms();
    sqlite3_stmt *st = db_stmt(d, "UPDATE identities SET last_used_at = ?3 WHERE platform = ?1 AND user_id = ?2"
                                  " AND (last_used_at IS NULL OR last_used_at < ?4 OR last_used_at > ?3 OR EXISTS("
                                  "SELECT 1 FROM identities o WHERE o.account_id = identities.account_id"
                                  " AND o.platform <> identities.platform AND o.last_used_at >= identities.last_used_at))");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, user_id);
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_int64(st, 4, now - IDENTITY_USED_GRANULARITY_MS);
    return db_step_done(d, st);
}

mb_status identity_set_reachable(db *d, const char *platform, int64_t user_id)
{
    sqlite3_stmt *st = db_stmt(d, "UPDATE identities SET unreachable_at = NULL, unreachable_reason = NULL"
                                  " WHERE platform = ?1 AND user_id = ?2 AND unreachable_at IS NOT NULL");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, user_id);
    return db_step_done(d, st);
}

int account_list_by_status(db *d, int64_t org_id, const char *status, int64_t *ids, int max)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT id FROM accounts WHERE org_id = ?1 AND status = ?2 ORDER BY id");
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
    return db_step_ids(d, st, ids, max);
}

int64_t account_coordinated_territory(db *d, int64_t account_id)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT territory_id FROM scopes WHERE account_id = ?1 AND territory_id IS NOT NULL"
                                  " ORDER BY territory_id LIMIT 1");
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, account_id);
    return db_step_scalar(d, st, 0);
}

void account_zone_get(db *d, int64_t id, char *buf, size_t size)
{
    buf[0] = 0;
    sqlite3_stmt *st = db_stmt(d, "SELECT timezone FROM accounts WHERE id = ?1");
    if (!st) return;
    sqlite3_bind_int64(st, 1, id);
    if (db_step_row(d, st) == MB_OK) {
        const char *z = (const char *)sqlite3_column_text(st, 0);
        snprintf(buf, size, "%s", z ? z : "");
        sqlite3_reset(st);
    }
}

mb_status account_zone_set(db *d, int64_t id, const char *zone)
{
    sqlite3_stmt *st = db_stmt(d, "UPDATE accounts SET timezone = ?2 WHERE id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, zone, -1, SQLITE_STATIC);
    return db_step_done(d, st);
}

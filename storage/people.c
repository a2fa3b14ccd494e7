#include "storage/people.h"
#include "storage/employers.h"
#include "util/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

mb_status people_find_org(db *d, const char *text, int64_t *id_out)
{
    char *end;
    long long id = strtoll(text, &end, 10);
    if (*text && !*end && id > 0) {
        sqlite3_stmt *st = db_stmt(d, "SELECT id FROM orgs WHERE id = ?1");
        if (!st) return MB_ERR_DB;
        sqlite3_bind_int64(st, 1, id);
        return db_step_int(d, st, id_out);
    }
    sqlite3_stmt *st = db_stmt(d, "SELECT MIN(id), COUNT(*) FROM orgs WHERE name = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, text, -1, SQLITE_STATIC);
    mb_status rc = db_step_row(d, st);
    if (rc) return rc;
    int count = sqlite3_column_int(st, 1);
    *id_out = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return count == 0 ? MB_ERR_NOT_FOUND : count > 1 ? MB_ERR_EXISTS : MB_OK;
}

mb_status people_find(db *d, int64_t org_id, const char *external_id, account *out)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT id FROM accounts WHERE org_id = ?1 AND external_id = ?2");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_text(st, 2, external_id, -1, SQLITE_STATIC);
    int64_t id;
    mb_status rc = db_step_int(d, st, &id);
    return rc ? rc : account_load(d, id, out);
}

void people_external_id(db *d, int64_t account_id, char *buf, size_t size)
{
    buf[0] = 0;
    sqlite3_stmt *st = db_stmt(d, "SELECT external_id FROM accounts WHERE id = ?1");
    if (!st) return;
    sqlite3_bind_int64(st, 1, account_id);
    if (db_step_row(d, st) == MB_OK) {
        db_column_copy(st, 0, buf, size);
        sqlite3_reset(st);
    }
}

int people_is_imported(db *d, int64_t account_id)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT 1 FROM accounts WHERE id = ?1 AND external_id IS NOT NULL");
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, account_id);
    return db_has_row(d, st) == MB_OK;
}

static void bind_grade(sqlite3_stmt *st, int idx, int grade)
{
    if (grade > 0) sqlite3_bind_int(st, idx, grade);
    else sqlite3_bind_null(st, idx);
}

mb_status people_upsert(db *d, const people_row *row, int64_t *id_out, int *changed)
{
    account old;
    int64_t employer_id = 0, old_employer = 0;
    char old_employer_name[EMPLOYER_NAME_BYTES];
    mb_status rc = people_find(d, row->org_id, row->external_id, &old);
    *changed = 0;
    if (rc && rc != MB_ERR_NOT_FOUND) return rc;
    if (row->employer[0]) {
        mb_status erc = employer_fold(d, row->employer, &employer_id);
        if (erc) return erc;
    }
    int64_t now = clock_now_ms();
    if (rc == MB_ERR_NOT_FOUND) {
        sqlite3_stmt *st = db_stmt(d, "INSERT INTO accounts(status, role, org_id, name, category, grade,"
                                      " external_id, employer_id, created_at, updated_at)"
                                      " VALUES('imported', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)");
        if (!st) return MB_ERR_DB;
        sqlite3_bind_text(st, 1, row->role, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, row->org_id);
        sqlite3_bind_text(st, 3, row->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, row->category, -1, SQLITE_STATIC);
        bind_grade(st, 5, row->grade);
        sqlite3_bind_text(st, 6, row->external_id, -1, SQLITE_STATIC);
        if (employer_id) sqlite3_bind_int64(st, 7, employer_id);
        else sqlite3_bind_null(st, 7);
        sqlite3_bind_int64(st, 8, now);
        if ((rc = db_step_done(d, st))) return rc;
        *id_out = sqlite3_last_insert_rowid(db_handle(d));
        *changed = 1;
        return MB_OK;
    }
    *id_out = old.id;
    if ((rc = employer_of_account(d, old.id, old_employer_name, sizeof old_employer_name, &old_employer))) return rc;
    int same = strcmp(old.role, row->role) == 0 && strcmp(old.name, row->name) == 0 &&
               strcmp(old.category, row->category) == 0 && old.grade == row->grade && old_employer == employer_id;
    if (same) return MB_OK;
    sqlite3_stmt *st = db_stmt(d, "UPDATE accounts SET role = ?2, name = ?3, category = ?4, grade = ?5,"
                                  " employer_id = ?6, updated_at = ?7 WHERE id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, old.id);
    sqlite3_bind_text(st, 2, row->role, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, row->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, row->category, -1, SQLITE_STATIC);
    bind_grade(st, 5, row->grade);
    if (employer_id) sqlite3_bind_int64(st, 6, employer_id);
    else sqlite3_bind_null(st, 6);
    sqlite3_bind_int64(st, 7, now);
    if ((rc = db_step_done(d, st))) return rc;
    *changed = 1;
    return MB_OK;
}

mb_status people_invite(db *d, int64_t account_id, const char *created_by, char *code_out)
{
    account a;
    mb_status rc = account_load(d, account_id, &a);
    if (rc) return rc;
    sqlite3_stmt *st = db_stmt(d, "SELECT code FROM invites WHERE kind = 'person' AND for_account = ?1"
                                  " AND uses < max_uses AND revoked_at IS NULL ORDER BY id DESC LIMIT 1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, account_id);
    rc = db_step_row(d, st);
    if (rc == MB_OK) {
        db_column_copy(st, 0, code_out, INVITE_CODE_LEN + 1);
        sqlite3_reset(st);
        return MB_OK;
    }
    if (rc != MB_ERR_NOT_FOUND) return rc;
    return invite_create(d, "person", a.org_id, a.role, 1, 0, account_id, created_by, code_out, NULL);
}

mb_status people_join(db *d, const invite *inv, const char *platform, int64_t user_id, int64_t chat_id,
                      const char *language)
{
    sqlite3_stmt *st = db_stmt(d, "UPDATE accounts SET status = 'registering', language = ?2, updated_at = ?3"
                                  " WHERE id = ?1 AND status = 'imported'");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, inv->for_account);
    db_bind_text(st, 2, language);
    sqlite3_bind_int64(st, 3, clock_now_ms());
    mb_status rc = db_step_done(d, st);
    if (rc) return rc;
    if (sqlite3_changes(db_handle(d)) == 0) return MB_ERR_EXPIRED;
    return identity_add(d, platform, user_id, chat_id, inv->for_account);
}

mb_status people_unjoin(db *d, int64_t account_id)
{
    static const char *const steps[] = {
        "DELETE FROM outbox WHERE account_id = ?1 AND state = 'pending'",
        "DELETE FROM invite_uses WHERE account_id = ?1",
        "DELETE FROM identity_history WHERE account_id = ?1",
        "DELETE FROM identities WHERE account_id = ?1",
        "DELETE FROM dialog WHERE account_id = ?1",
        ("UPDATE accounts SET status = 'imported', consent_at = NULL, birth_year = NULL, guardian_consent = NULL,"
         " guardian_consent_at = NULL, language = NULL WHERE id = ?1 AND external_id IS NOT NULL"),
    };
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        mb_status rc = db_run_with_ints(d, steps[i], account_id, 0);
        if (rc) return rc;
    }
    return MB_OK;
}

int64_t people_active_mentorship(db *d, int64_t mentee_id)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT mentorship_id FROM mentorship_members WHERE mentee_id = ?1"
                                  " AND left_at IS NULL");
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, mentee_id);
    return db_step_scalar(d, st, 0);
}

static int count_members(db *d, int64_t mentorship_id)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT COUNT(*) FROM mentorship_members WHERE mentorship_id = ?1");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, mentorship_id);
    return (int)db_step_scalar(d, st, -1);
}

/* The same mentorship imported before: mentor, form, start and every mentee. */
int64_t people_same_mentorship(db *d, const people_mentorship *m)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT id FROM mentorships WHERE org_id = ?1 AND mentor_id = ?2 AND form = ?3"
                                  " AND created_at = ?4");
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, m->org_id);
    sqlite3_bind_int64(st, 2, m->mentor_id);
    sqlite3_bind_text(st, 3, m->form, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, m->started_at);
    int64_t ids[8];
    int n = db_step_ids(d, st, ids, 8);
    for (int i = 0; i < n; i++) {
        int all = count_members(d, ids[i]) == m->nmentees;
        for (int k = 0; all && k < m->nmentees; k++) {
            sqlite3_stmt *q = db_stmt(d, "SELECT 1 FROM mentorship_members WHERE mentorship_id = ?1 AND mentee_id = ?2");
            if (!q) return 0;
            sqlite3_bind_int64(q, 1, ids[i]);
            sqlite3_bind_int64(q, 2, m->mentees[k]);
            all = db_has_row(d, q) == MB_OK;
        }
        if (all) return ids[i];
    }
    return 0;
}

mb_status people_add_mentorship(db *d, const people_mentorship *m, int64_t *id_out, int *existed)
{
    *existed = 0;
    if (m->nmentees < 1 || m->nmentees > (int)(sizeof m->mentees / sizeof m->mentees[0])) return MB_ERR_LIMIT;
    int64_t same = people_same_mentorship(d, m);
    if (same) {
        *id_out = same;
        *existed = 1;
        return MB_OK;
    }
    if (!m->ended_at)
        for (int i = 0; i < m->nmentees; i++)
            if (people_active_mentorship(d, m->mentees[i])) return MB_ERR_EXISTS;
    mb_status rc = db_exec(d, "SAVEPOINT people_write");
    if (rc) return rc;
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO mentorships(org_id, program_id, form, mentor_id, direction, state,"
                                  " created_at, ended_at) VALUES(?1, (SELECT id FROM programs WHERE org_id = ?1"
                                  " ORDER BY year DESC LIMIT 1), ?2, ?3, ?4, ?5, ?6, ?7)");
    if (!st) {
        rc = MB_ERR_DB;
        goto out;
    }
    sqlite3_bind_int64(st, 1, m->org_id);
    sqlite3_bind_text(st, 2, m->form, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, m->mentor_id);
    db_bind_text(st, 4, m->direction[0] ? m->direction : NULL);
    sqlite3_bind_text(st, 5, m->ended_at ? "ended" : "active", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, m->started_at);
    if (m->ended_at) sqlite3_bind_int64(st, 7, m->ended_at);
    else sqlite3_bind_null(st, 7);
    if ((rc = db_step_done(d, st))) goto out;
    int64_t id = sqlite3_last_insert_rowid(db_handle(d));
    for (int i = 0; i < m->nmentees && !rc; i++) {
        st = db_stmt(d, "INSERT INTO mentorship_members(mentorship_id, mentee_id, joined_at, left_at)"
                        " VALUES(?1, ?2, ?3, ?4)");
        if (!st) {
            rc = MB_ERR_DB;
            break;
        }
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, m->mentees[i]);
        sqlite3_bind_int64(st, 3, m->started_at);
        if (m->ended_at) sqlite3_bind_int64(st, 4, m->ended_at);
        else sqlite3_bind_null(st, 4);
        rc = db_step_done(d, st);
    }
    if (!rc) *id_out = id;
out:
    if (rc) (void)db_exec(d, "ROLLBACK TO people_write");
    mb_status released = db_exec(d, "RELEASE people_write");
    return rc ? rc : released;
}

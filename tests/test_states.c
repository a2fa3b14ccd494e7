/*
 * Status columns refuse a value no code knows (schema migration 7): every
 * known value is stored, by INSERT and by UPDATE, and a typo is refused
 * with "<table>.<column>: unknown value", or by the CHECK constraint
 * <table>_<column> on the tables migration 29 rebuilt, leaving the row as
 * it was.
 */
#include "storage/db.h"
#include "tests/unit.h"
#include "util/log.h"

#include <stdlib.h>

static db *d;

/* %s is the value; the UPDATE changes the newest row. */
static const struct {
    const char *table, *column, *insert, *update, *known[8];
} columns[] = {
    {"accounts", "status", "INSERT INTO accounts(status, created_at, updated_at) VALUES('%s', 0, 0)",
     "UPDATE accounts SET status = '%s' WHERE id = (SELECT MAX(id) FROM accounts)",
     {"registering", "pending_consent", "active", "forgotten"}},
    {"outbox", "state",
     "INSERT INTO outbox(platform, chat_id, kind, body, state, next_at, created_at) VALUES('tg', 1, 'text', '{}', '%s', 0, 0)",
     "UPDATE outbox SET state = '%s' WHERE id = (SELECT MAX(id) FROM outbox)",
     {"pending", "sending", "checking", "sent", "failed", "unknown"}},
    {"outbox", "kind",
     "INSERT INTO outbox(platform, chat_id, kind, body, next_at, created_at) VALUES('tg', 1, '%s', '{}', 0, 0)",
     "UPDATE outbox SET kind = '%s' WHERE id = (SELECT MAX(id) FROM outbox)",
     {"text", "edit", "answer", "document", "photo"}},
    {"inbox", "status",
     "INSERT INTO inbox(platform, update_id, kind, status, received_at)"
     " VALUES('tg', (SELECT COALESCE(MAX(update_id), 0) + 1 FROM inbox), 'message', '%s', 0)",
     "UPDATE inbox SET status = '%s' WHERE update_id = (SELECT MAX(update_id) FROM inbox)",
     {"received", "done", "failed", "ignored"}},
    {"jobs", "state", "INSERT INTO jobs(due_at, kind, state, created_at) VALUES(0, 'erase_sweep', '%s', 0)",
     "UPDATE jobs SET state = '%s' WHERE id = (SELECT MAX(id) FROM jobs)", {"pending", "done", "failed", "cancelled"}},
    {"invites", "kind",
     "INSERT INTO invites(code, kind, max_uses, created_by, created_at) VALUES(hex(randomblob(8)), '%s', 1, 't', 0)",
     "UPDATE invites SET kind = '%s' WHERE id = (SELECT MAX(id) FROM invites)", {"role", "link", "guardian"}},
    {"mentorships", "state",
     "INSERT INTO mentorships(org_id, form, mentor_id, state, created_at) VALUES(1, 'pupil_pupil', 1, '%s', 0)",
     "UPDATE mentorships SET state = '%s' WHERE id = (SELECT MAX(id) FROM mentorships)", {"active", "ended"}},
    {"link_requests", "state",
     "INSERT INTO link_requests(invite_id, account_id, platform, user_id, chat_id, state, created_at)"
     " VALUES(1, 1, 'tg', 1, 1, '%s', 0)",
     "UPDATE link_requests SET state = '%s' WHERE id = (SELECT MAX(id) FROM link_requests)",
     {"pending", "confirmed", "declined", "expired"}},
    {"consent_requests", "state",
     "INSERT INTO consent_requests(minor_id, invite_id, platform, user_id, chat_id, state, created_at, updated_at)"
     " VALUES(1, 1, 'tg', 1, 1, '%s', 0, 0)",
     "UPDATE consent_requests SET state = '%s' WHERE id = (SELECT MAX(id) FROM consent_requests)",
     {"open", "waiting", "confirmed", "rejected", "refused", "closed", "withdrawn"}},
    {"survey_runs", "state",
     "INSERT INTO survey_runs(account_id, instrument_id, state, started_at) VALUES(1, 1, '%s', 0)",
     "UPDATE survey_runs SET state = '%s' WHERE id = (SELECT MAX(id) FROM survey_runs)", {"open", "done"}},
};

static int run(const char *template, const char *value, char *err, size_t size)
{
    char sql[512];
    snprintf(sql, sizeof sql, template, value);
    char *msg = NULL;
    int rc = sqlite3_exec(db_handle(d), sql, NULL, NULL, &msg);
    snprintf(err, size, "%s", msg ? msg : "");
    sqlite3_free(msg);
    return rc;
}

static long long newest(const char *table, const char *column, char *value, size_t size)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT COUNT(*), (SELECT %s FROM %s ORDER BY rowid DESC LIMIT 1) FROM %s", column,
             table, table);
    if (strcmp(table, "inbox") == 0)
        snprintf(sql, sizeof sql, "SELECT COUNT(*), (SELECT status FROM inbox ORDER BY update_id DESC LIMIT 1) FROM inbox");
    sqlite3_stmt *st = NULL;
    long long n = -1;
    if (sqlite3_prepare_v2(db_handle(d), sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
        n = sqlite3_column_int64(st, 0);
        snprintf(value, size, "%s", sqlite3_column_text(st, 1) ? (const char *)sqlite3_column_text(st, 1) : "");
    }
    sqlite3_finalize(st);
    return n;
}

TEST(unknown_states_are_refused_and_known_ones_kept)
{
    char path[512], err[256];
    snprintf(path, sizeof path, "%s/states.db", unit_tmpdir());
    CHECK_INT(db_open(path, DB_SYNC_NORMAL, &d, err, sizeof err), MB_OK);
    if (!d) return;
    /* what the rows above refer to */
    CHECK_INT(db_exec(d, "INSERT INTO orgs(id, name, timezone, created_at) VALUES(1, 'School', 'Europe/Moscow', 0);"
                         "INSERT INTO accounts(id, created_at, updated_at) VALUES(1, 0, 0);"
                         "INSERT INTO invites(id, code, kind, max_uses, created_by, created_at)"
                         " VALUES(1, 'c', 'role', 1, 't', 0);"
                         "INSERT INTO instruments(id, key, version, body, created_at) VALUES(1, 'k', 1, '{}', 0)"),
              MB_OK);
    for (size_t i = 0; i < sizeof columns / sizeof columns[0]; i++) {
        char want[96], value[64];
        const char *t = columns[i].table;
        if (strcmp(t, "outbox") == 0 || strcmp(t, "inbox") == 0 || strcmp(t, "jobs") == 0)
            snprintf(want, sizeof want, "CHECK constraint failed: %s_%s", t, columns[i].column);
        else
            snprintf(want, sizeof want, "%s.%s: unknown value", t, columns[i].column);
        for (int k = 0; k < 8 && columns[i].known[k]; k++) {
            const char *known = columns[i].known[k];
            CHECK_INT(run(columns[i].insert, known, err, sizeof err), SQLITE_OK);
            newest(columns[i].table, columns[i].column, value, sizeof value);
            CHECK_STR(value, known);
            /* every known value is also accepted by an update */
            CHECK_INT(run(columns[i].update, columns[i].known[0], err, sizeof err), SQLITE_OK);
            CHECK_INT(run(columns[i].update, known, err, sizeof err), SQLITE_OK);
        }
        long long rows = newest(columns[i].table, columns[i].column, value, sizeof value);
        char before[64];
        snprintf(before, sizeof before, "%s", value);
        CHECK(run(columns[i].insert, "actve", err, sizeof err) != SQLITE_OK);
        CHECK_STR(err, want);
        CHECK(run(columns[i].update, "Active", err, sizeof err) != SQLITE_OK);
        CHECK_STR(err, want);
        CHECK_INT(newest(columns[i].table, columns[i].column, value, sizeof value), rows);
        CHECK_STR(value, before);
    }
    db_close(d);
}

int main(void)
{
    log_set_level(LOG_OFF);
    RUN(unknown_states_are_refused_and_known_ones_kept);
    return unit_summary();
}

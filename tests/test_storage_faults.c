/*
 * A database that fails is never "nothing there": lookups on a dropped
 * table report an error; a write lock held by another process, a read-only
 * database and a full disk are reported and named; intake keeps nothing of
 * a batch that met a storage fault and takes it whole later; a send outcome
 * the database refused is written later with the message id the platform
 * gave; a job the database cannot take is put off, not retried at once.
 */
#include "tests/unit.h"
#include "tests/unit_db.h"
#include "tests/unit_messengers.h"

#include "bot/intake.h"
#include "bot/scheduler.h"
#include "bot/sender_outcome.h"
#include "bot/telegram/telegram.h"
#include "storage/accounts.h"
#include "storage/db.h"
#include "storage/vfs.h"
#include "storage/invites.h"
#include "storage/jobs.h"
#include "storage/outbox.h"
#include "storage/records.h"
#include "util/clock.h"
#include "util/i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static i18n *texts;
static bot_env env;

static long long query_int(db *d, const char *sql) { return unit_sql_int(db_handle(d), sql, 0); }

/* Starts ("disk full") or ends the fault the test VFS reads for path. */
static void disk_full(const char *path, int on)
{
    char control[600];
    snprintf(control, sizeof control, "%s%s", path, FAULT_VFS_FULL_SUFFIX);
    if (on) {
        FILE *f = fopen(control, "w");
        CHECK(f != NULL);
        if (f) fclose(f);
    } else {
        CHECK_INT(unlink(control), 0);
    }
}

static void read_id(sqlite3_stmt *st, void *out) { *(int64_t *)out = sqlite3_column_int64(st, 0); }

TEST(lookups_on_a_dropped_table_are_errors_not_absence)
{
    char path[512];
    db *d = unit_db_open(path, sizeof path);
    if (!d) SKIP("no database");
    int64_t acct = 0;
    CHECK_INT(account_create(d, "tg", 501, 501, "ru", &acct), MB_OK);
    CHECK_INT(dialog_set(d, acct, "reg_name", "{\"step\":1}"), MB_OK);
    invite inv;
    char state[DIALOG_STATE_MAX];
    char *data = NULL;
    account a;
    /* answered normally first: the statements are cached and prepared */
    CHECK_INT(dialog_get(d, acct, state, &data), MB_OK);
    CHECK_STR(state, "reg_name");
    free(data);
    CHECK_INT(account_find_by_identity(d, "tg", 501, &a, NULL), MB_OK);
    CHECK_INT(invite_find(d, "NOSUCHCODE", &inv), MB_ERR_NOT_FOUND);

    CHECK_INT(db_exec(d, "DROP TABLE dialog"), MB_OK);
    CHECK_INT(db_exec(d, "PRAGMA foreign_keys=OFF"), MB_OK);
    CHECK_INT(db_exec(d, "DROP TABLE identities"), MB_OK);
    CHECK_INT(db_exec(d, "DROP TABLE invite_uses"), MB_OK);
    CHECK_INT(db_exec(d, "DROP TABLE invites"), MB_OK);
    db_fault_clear(d);
    data = (char *)"untouched";
    CHECK_INT(dialog_get(d, acct, state, &data), MB_ERR_DB);
    CHECK_STR(state, "");
    CHECK(data == NULL);
    CHECK_INT(account_find_by_identity(d, "tg", 501, &a, NULL), MB_ERR_DB);
    CHECK_INT(invite_find(d, "NOSUCHCODE", &inv), MB_ERR_DB);
    /* the helpers themselves, on a statement whose table went away */
    sqlite3_stmt *st = db_stmt(d, "SELECT id FROM accounts WHERE id = ?1");
    CHECK(st != NULL);
    if (st) {
        CHECK_INT(db_exec(d, "DROP TABLE accounts"), MB_OK);
        int64_t id = -7;
        sqlite3_bind_int64(st, 1, acct);
        CHECK_INT(db_first_row(d, st, read_id, &id), MB_ERR_DB);
        CHECK_INT(id, -7);
        sqlite3_bind_int64(st, 1, acct);
        CHECK_INT(db_has_row(d, st), MB_ERR_DB);
        sqlite3_bind_int64(st, 1, acct);
        CHECK_INT(db_step_int(d, st, &id), MB_ERR_DB);
    }
    CHECK_INT(db_exec(d, "DROP TABLE outbox"), MB_OK);
    outbox_row rows[2];
    CHECK_INT(outbox_due(d, 1LL << 60, rows, 2), -1);
    /* a missing table is no fault that waiting cures */
    CHECK_INT(db_fault(d), 0);
    db_close(d);
}

TEST(a_write_lock_held_by_another_process_is_busy_and_reads_go_on)
{
    char path[512];
    db *d = unit_db_open(path, sizeof path);
    if (!d) SKIP("no database");
    int64_t acct = 0;
    CHECK_INT(account_create(d, "tg", 502, 502, "ru", &acct), MB_OK);
    account a;

    /* Another process holds the write lock (as an operator's sqlite3 shell
     * with BEGIN EXCLUSIVE would); in WAL mode readers are not kept out. */
    sqlite3 *other = NULL;
    CHECK_INT(sqlite3_open(path, &other), SQLITE_OK);
    CHECK_INT(sqlite3_exec(other, "BEGIN EXCLUSIVE; UPDATE accounts SET name = 'held' WHERE id > 0", NULL, NULL,
                           NULL), SQLITE_OK);
    sqlite3_busy_timeout(db_handle(d), 0);
    db_fault_clear(d);
    CHECK_INT(account_find_by_identity(d, "tg", 502, &a, NULL), MB_OK);
    CHECK_INT(account_find_by_identity(d, "tg", 999, &a, NULL), MB_ERR_NOT_FOUND);
    CHECK_INT(db_fault(d), 0);
    CHECK_INT(db_begin(d), MB_ERR_BUSY);
    CHECK_INT(db_meta_set(d, "k", "v"), MB_ERR_BUSY);
    CHECK_INT(db_fault(d), SQLITE_BUSY);
    CHECK(strstr(db_fault_name(db_fault(d)), "database is locked") != NULL);

    CHECK_INT(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(other);
    CHECK_INT(db_meta_set(d, "k", "v"), MB_OK);
    CHECK_INT(account_find_by_identity(d, "tg", 502, &a, NULL), MB_OK);
    CHECK_STR(a.name, "held");
    db_close(d);
}

TEST(a_full_disk_fails_the_commit_names_the_fault_and_keeps_nothing)
{
    char path[512];
    db *d = unit_db_open(path, sizeof path);
    if (!d) SKIP("no database");
    CHECK_INT(db_meta_set(d, "k", "before"), MB_OK);
    disk_full(path, 1);
    db_fault_clear(d);
    CHECK_INT(db_begin(d), MB_OK);
    CHECK_INT(db_meta_set(d, "k", "during"), MB_OK);   /* only in the page cache so far */
    CHECK_INT(db_commit(d), MB_ERR_DB);
    db_rollback(d);
    CHECK_INT(db_fault(d), SQLITE_FULL);
    CHECK(strstr(db_fault_name(db_fault(d)), "disk full") != NULL);
    char buf[32] = "";
    CHECK_INT(db_meta_get(d, "k", buf, sizeof buf), MB_OK);   /* reading still works */
    CHECK_STR(buf, "before");
    disk_full(path, 0);
    CHECK_INT(db_meta_set(d, "k", "after"), MB_OK);
    CHECK_INT(db_meta_get(d, "k", buf, sizeof buf), MB_OK);
    CHECK_STR(buf, "after");
    db_close(d);
}

TEST(a_read_only_database_reports_its_writes_as_errors_and_reads_go_on)
{
    char path[512];
    db *d = unit_db_open(path, sizeof path);
    if (!d) SKIP("no database");
    int64_t acct = 0;
    CHECK_INT(account_create(d, "tg", 504, 504, "ru", &acct), MB_OK);
    CHECK_INT(db_exec(d, "PRAGMA query_only=ON"), MB_OK);
    db_fault_clear(d);
    CHECK_INT(dialog_set(d, acct, "reg_name", NULL), MB_ERR_DB);
    CHECK_INT(db_fault(d), SQLITE_READONLY);
    CHECK(strstr(db_fault_name(db_fault(d)), "read-only") != NULL);
    char state[DIALOG_STATE_MAX];
    char *data = NULL;
    CHECK_INT(dialog_get(d, acct, state, &data), MB_OK);   /* no row yet: the start state */
    CHECK_STR(state, "");
    account a;
    CHECK_INT(account_find_by_identity(d, "tg", 504, &a, NULL), MB_OK);
    db_close(d);
}

#define START_UPDATE \
    "[{\"update_id\":%d,\"message\":{\"message_id\":%d,\"from\":{\"id\":%d,\"is_bot\":false,\"first_name\":\"Ann\"," \
    "\"language_code\":\"ru\"},\"chat\":{\"id\":%d,\"type\":\"private\"},\"date\":1700000000,\"text\":\"/start\"}}]"

/* One Telegram "/start" from user as an intake batch; the JSON stays alive
 * in *json for the items (caller deletes). */
static int start_batch(int update_id, int user, intake_item *item, cJSON **json, int64_t *next)
{
    char text[512];
    snprintf(text, sizeof text, START_UPDATE, update_id, 10, user, user);
    *json = cJSON_Parse(text);
    *next = 0;
    return tg_items_from_result(*json, item, 1, next);
}

TEST(intake_takes_a_batch_that_met_a_full_disk_again_and_records_nothing_failed)
{
    char path[512];
    db *d = unit_db_open(path, sizeof path);
    if (!d) SKIP("no database");
    intake_item item;
    cJSON *json = NULL;
    int64_t next = 0;
    CHECK_INT(start_batch(700, 7001, &item, &json, &next), 1);
    intake_stats st = {0};

    /* at the commit */
    disk_full(path, 1);
    CHECK(intake_apply(d, &env, "tg", &item, 1, TG_META_OFFSET, next, &st) != MB_OK);
    disk_full(path, 0);
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM inbox"), 0);
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM outbox"), 0);
    CHECK_INT(db_meta_get_int(d, TG_META_OFFSET, -1), -1);   /* not confirmed */

    /* inside the handler: the reply needs a page the database may not add */
    CHECK_INT(db_exec(d, "PRAGMA max_page_count=1000000"), MB_OK);
    for (int i = 0; i < 400; i++) {
        CHECK_INT(db_exec(d, "INSERT INTO outbox(platform, chat_id, kind, body, state, next_at, created_at)"
                             " VALUES('tg', 1, 'text', '{\"text\":\"filler filler filler filler\"}', 'sent', 0, 0)"), MB_OK);
        long long pages = query_int(d, "PRAGMA page_count");
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA max_page_count=%lld", pages);
        CHECK_INT(db_exec(d, pragma), MB_OK);
        int full = db_exec(d, "SAVEPOINT probe") == MB_OK &&
                   db_exec(d, "INSERT INTO outbox(platform, chat_id, kind, body, state, next_at, created_at)"
                              " VALUES('tg', 1, 'text', '{}', 'sent', 0, 0)") != MB_OK;
        (void)db_exec(d, "ROLLBACK TO probe");
        (void)db_exec(d, "RELEASE probe");
        if (full) break;
        CHECK_INT(db_exec(d, "PRAGMA max_page_count=1000000"), MB_OK);
    }
    long long before = query_int(d, "SELECT COUNT(*) FROM outbox");
    memset(&st, 0, sizeof st);
    mb_status rc = intake_apply(d, &env, "tg", &item, 1, TG_META_OFFSET, next, &st);
    CHECK(rc != MB_OK);
    CHECK_INT(st.failed, 0);
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM inbox"), 0);   /* nothing recorded as failed */
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM outbox"), before);
    CHECK_INT(db_meta_get_int(d, TG_META_OFFSET, -1), -1);

    /* the fault clears: the same batch is handled once */
    CHECK_INT(db_exec(d, "PRAGMA max_page_count=1000000"), MB_OK);
    CHECK_INT(intake_apply(d, &env, "tg", &item, 1, TG_META_OFFSET, next, &st), MB_OK);
    CHECK_INT(st.handled, 1);
    CHECK_INT(st.failed, 0);
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM inbox WHERE status = 'done'"), 1);
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM outbox WHERE chat_id = 7001"), 1);
    CHECK_INT(db_meta_get_int(d, TG_META_OFFSET, -1), 701);
    cJSON_Delete(json);
    db_close(d);
}

TEST(intake_records_a_handler_own_failure_and_goes_on)
{
    char path[512];
    db *d = unit_db_open(path, sizeof path);
    if (!d) SKIP("no database");
    intake_item item;
    cJSON *json = NULL;
    int64_t next = 0;
    CHECK_INT(start_batch(800, 8001, &item, &json, &next), 1);
    /* the reply cannot be queued: no storage fault, a failure of this update */
    CHECK_INT(db_exec(d, "CREATE TRIGGER refuse BEFORE INSERT ON outbox BEGIN"
                         " SELECT RAISE(ABORT, 'refused by the test'); END"), MB_OK);
    intake_stats st = {0};
    CHECK_INT(intake_apply(d, &env, "tg", &item, 1, TG_META_OFFSET, next, &st), MB_OK);
    CHECK_INT(st.failed, 1);
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM inbox WHERE status = 'failed' AND reason <> ''"), 1);
    CHECK_INT(db_meta_get_int(d, TG_META_OFFSET, -1), 801);
    cJSON_Delete(json);
    db_close(d);
}

TEST(a_send_outcome_the_database_refused_is_written_later_with_its_message_id)
{
    char path[512];
    db *d = unit_db_open(path, sizeof path);
    if (!d) SKIP("no database");
    int64_t id = 0, later = 0;
    CHECK_INT(outbox_enqueue(d, "tg", 42, 0, "text", "{\"text\":\"one\"}", &id), MB_OK);
    CHECK_INT(outbox_enqueue(d, "tg", 42, 0, "text", "{\"text\":\"two\"}", &later), MB_OK);
    CHECK_INT(outbox_mark_sending(d, id), MB_OK);

    outbox_row row;
    memset(&row, 0, sizeof row);
    row.id = id;
    row.chat_id = 42;
    snprintf(row.platform, sizeof row.platform, "tg");
    send_result r;
    memset(&r, 0, sizeof r);
    r.outcome = SEND_OK;
    r.http_status = 200;
    r.message_id = 321;
    outcome o;
    outcome_for_send(&row, "tg", &r, 1000, &o);
    CHECK_INT(o.kind, OUTCOME_SENT);

    disk_full(path, 1);
    db_fault_clear(d);
    CHECK(outcome_store(d, &row, &o) != MB_OK);
    CHECK_INT(db_fault(d), SQLITE_FULL);
    /* the row stays "sending": not due again, and the chat's next row waits */
    outbox_row due[4];
    CHECK_INT(outbox_due(d, 1LL << 60, due, 4), 0);
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM outbox WHERE state = 'sending'"), 1);

    disk_full(path, 0);
    CHECK_INT(outcome_store(d, &row, &o), MB_OK);
    CHECK_INT(unit_sql_int(db_handle(d), "SELECT result_message_id FROM outbox WHERE id = ?1", id), 321);
    CHECK_STR(unit_sql_text(db_handle(d), "SELECT state FROM outbox WHERE id = 1"), "sent");
    CHECK_INT(unit_sql_int(db_handle(d), "SELECT last_message_id FROM chat_marks WHERE chat_id = ?1", 42), 321);
    int n = outbox_due(d, 1LL << 60, due, 4);
    CHECK_INT(n, 1);
    if (n == 1) CHECK_INT(due[0].id, later);
    for (int i = 0; i < n; i++) outbox_row_clear(&due[i]);
    db_close(d);
}

TEST(a_due_job_the_database_cannot_take_is_put_off_not_retried_at_once)
{
    char path[512];
    db *d = unit_db_open(path, sizeof path);
    if (!d) SKIP("no database");
    int64_t acct = 0, job_id = 0;
    CHECK_INT(account_create(d, "tg", 503, 503, "ru", &acct), MB_OK);
    char payload[64];
    snprintf(payload, sizeof payload, "{\"account\":%lld}", (long long)acct);
    CHECK_INT(job_add(d, clock_now_ms() - 1000, "registration_nudge", payload, &job_id), MB_OK);
    scheduler *sc = scheduler_new(ev_default_loop(0), d, &env, NULL, NULL);
    CHECK(sc != NULL);
    if (!sc) { db_close(d); return; }
    disk_full(path, 1);
    CHECK_INT(scheduler_run_due(sc), 0);
    scheduler_start(sc);   /* arms the timer as after a run */
    CHECK(scheduler_timer_remaining(sc) >= 0.9);
    CHECK_INT(scheduler_run_due(sc), 0);
    scheduler_start(sc);
    CHECK(scheduler_timer_remaining(sc) >= 1.9);   /* doubling */
    disk_full(path, 0);
    /* nothing was recorded against the job: it is still due, untried */
    CHECK_INT(unit_sql_int(db_handle(d), "SELECT attempts FROM jobs WHERE id = ?1", job_id), 0);
    CHECK_STR(unit_sql_text(db_handle(d), "SELECT state FROM jobs WHERE id = 1"), "pending");
    CHECK_INT(scheduler_run_due(sc), 1);
    scheduler_start(sc);
    CHECK(scheduler_timer_remaining(sc) > 1.9);   /* no job due: back to the recheck period */
    CHECK_INT(unit_sql_int(db_handle(d), "SELECT COUNT(*) FROM outbox WHERE chat_id = ?1", 503), 1);
    scheduler_free(sc);
    db_close(d);
}

int main(void)
{
    vfs_faults_on();
    texts = unit_load_catalogs();
    if (!texts) return 1;
    env = (bot_env){.texts = texts, .default_language = "ru", .consent_age = 14};
    unit_register_messengers("mentorbot_sim_bot", 0, NULL);
    RUN(lookups_on_a_dropped_table_are_errors_not_absence);
    RUN(a_write_lock_held_by_another_process_is_busy_and_reads_go_on);
    RUN(a_full_disk_fails_the_commit_names_the_fault_and_keeps_nothing);
    RUN(a_read_only_database_reports_its_writes_as_errors_and_reads_go_on);
    RUN(intake_takes_a_batch_that_met_a_full_disk_again_and_records_nothing_failed);
    RUN(intake_records_a_handler_own_failure_and_goes_on);
    RUN(a_send_outcome_the_database_refused_is_written_later_with_its_message_id);
    RUN(a_due_job_the_database_cannot_take_is_put_off_not_retried_at_once);
    i18n_free(texts);
    return unit_summary();
}

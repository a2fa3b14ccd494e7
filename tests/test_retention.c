/*
 * Retention (storage/retention.c) run as the scheduler runs it, with the
 * test clock: old finished rows go in batches, young and unfinished ones
 * stay, and the job re-arms itself, sooner while rows remain.
 */
#include "bot/scheduler.h"
#include "storage/jobs.h"
#include "storage/retention.h"
#include "tests/unit.h"
#include "tests/unit_db.h"
#include "util/clock.h"
#include "util/log.h"

#include <ev.h>

#define T0 1788000000000LL   /* 2026-08-29 */
#define DAY 86400000LL

static db *d;

static long long count(const char *sql)
{
    sqlite3_stmt *st = NULL;
    long long v = -1;
    if (sqlite3_prepare_v2(db_handle(d), sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    else
        fprintf(stderr, "  [%s]: %s\n", sql, sqlite3_errmsg(db_handle(d)));
    sqlite3_finalize(st);
    return v;
}

static void run_sql(const char *sql, long long a, long long b, int times)
{
    sqlite3_stmt *st = NULL;
    CHECK_INT(sqlite3_prepare_v2(db_handle(d), sql, -1, &st, NULL), SQLITE_OK);
    for (int i = 0; i < times && st; i++) {
        sqlite3_bind_int64(st, 1, a);
        sqlite3_bind_int64(st, 2, b);
        sqlite3_bind_int64(st, 3, i);
        CHECK_INT(sqlite3_step(st), SQLITE_DONE);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
}

static void outbox_rows(const char *state, int64_t created, int n)
{
    sqlite3_stmt *st = NULL;
    sqlite3_prepare_v2(db_handle(d), "INSERT INTO outbox(platform, chat_id, kind, body, state, next_at, created_at)"
                       " VALUES('tg', 7, 'text', '{}', ?1, ?2, ?2)", -1, &st, NULL);
    for (int i = 0; i < n; i++) {
        sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, created);
        CHECK_INT(sqlite3_step(st), SQLITE_DONE);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
}

TEST(old_finished_rows_go_in_batches_and_the_job_rearms)
{
    clock_set_ms(T0);
    d = unit_db_open(NULL, 0);
    if (!d) return;
    CHECK_INT(db_begin(d), MB_OK);
    outbox_rows("sent", T0 - 40 * DAY, 1200);
    outbox_rows("failed", T0 - 40 * DAY, 1);
    outbox_rows("pending", T0 - 40 * DAY, 3);    /* queued long ago: still to be sent */
    outbox_rows("unknown", T0 - 40 * DAY, 2);    /* waiting for the operator */
    outbox_rows("checking", T0 - 40 * DAY, 1);
    outbox_rows("sent", T0 - 29 * DAY, 5);       /* younger than 30 days */
    run_sql("INSERT INTO inbox(platform, update_id, kind, status, received_at) VALUES('tg', ?3, 'message', 'done', ?2)",
            0, T0 - 31 * DAY, 600);
    run_sql("INSERT INTO inbox(platform, update_id, kind, status, received_at) VALUES('vk', ?3, 'message', 'received', ?2)",
            0, T0 - 31 * DAY, 1);
    run_sql("INSERT INTO inbox(platform, update_id, kind, status, received_at)"
            " VALUES('vk', 100 + ?3, 'message', 'failed', ?2)", 0, T0 - 2 * DAY, 2);
    run_sql("INSERT INTO jobs(due_at, kind, state, created_at, done_at) VALUES(?2, 'registration_nudge', 'done', ?2, ?2)",
            0, T0 - 31 * DAY, 10);
    run_sql("INSERT INTO jobs(due_at, kind, state, created_at) VALUES(?2 + 40 * 86400000, 'registration_nudge',"
            " 'pending', ?2)", 0, T0 - 31 * DAY, 1);
    run_sql("INSERT INTO jobs(due_at, kind, state, created_at, done_at) VALUES(?2, 'erase_sweep', 'done', ?2, ?2)",
            0, T0 - DAY, 1);
    run_sql("INSERT INTO audit(at, actor, action) VALUES(?2, 'admin', 'invite.create')", 0, T0 - 1100 * DAY, 2);
    run_sql("INSERT INTO audit(at, actor, action) VALUES(?2, 'admin', 'invite.create')", 0, T0 - 40 * DAY, 3);
    CHECK_INT(db_commit(d), MB_OK);

    struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
    bot_env env = {0};
    scheduler *s = scheduler_new(loop, d, &env, NULL, NULL);
    scheduler_start(s);   /* queues the first sweep */
    CHECK_INT(count("SELECT COUNT(*) FROM jobs WHERE kind = 'retention' AND state = 'pending'"), 1);
    scheduler_start(s);   /* a restart does not queue a second one */
    CHECK_INT(count("SELECT COUNT(*) FROM jobs WHERE kind = 'retention' AND state = 'pending'"), 1);
    CHECK_INT(scheduler_run_due(s), 0);
    /* the ages below count from when the sweep runs */
    clock_set_ms(T0 + RETENTION_FIRST_MS);
    CHECK_INT(db_exec(d, "UPDATE outbox SET created_at = created_at + 21600000;"
                         "UPDATE inbox SET received_at = received_at + 21600000;"
                         "UPDATE jobs SET done_at = done_at + 21600000 WHERE kind <> 'retention';"
                         "UPDATE audit SET at = at + 21600000"), MB_OK);

    /* First run: one batch of each table. */
    CHECK_INT(scheduler_run_due(s), 1);
    CHECK_INT(count("SELECT COUNT(*) FROM outbox WHERE state = 'sent' AND created_at < 1788021600000 - 30 * 86400000"),
              1200 - RETENTION_BATCH);
    CHECK_INT(count("SELECT COUNT(*) FROM inbox WHERE platform = 'tg'"), 600 - RETENTION_BATCH);
    CHECK_INT(count("SELECT COUNT(*) FROM jobs WHERE kind = 'registration_nudge' AND state = 'done'"), 0);
    CHECK_INT(count("SELECT COUNT(*) FROM audit"), 3);
    /* More remain: the next run is due in RETENTION_AGAIN_MS, not now. */
    CHECK_INT(count("SELECT due_at - 1788021600000 FROM jobs WHERE kind = 'retention' AND state = 'pending'"),
              RETENTION_AGAIN_MS);
    CHECK_INT(scheduler_run_due(s), 0);

    clock_advance_ms(RETENTION_AGAIN_MS);
    CHECK_INT(scheduler_run_due(s), 1);
    CHECK_INT(count("SELECT COUNT(*) FROM outbox WHERE state = 'sent'"), 1200 - 2 * RETENTION_BATCH + 5);
    CHECK_INT(count("SELECT COUNT(*) FROM inbox WHERE platform = 'tg'"), 0);
    clock_advance_ms(RETENTION_AGAIN_MS);
    CHECK_INT(scheduler_run_due(s), 1);

    /* Everything old and finished is gone; the rest is as it was. */
    CHECK_INT(count("SELECT COUNT(*) FROM outbox WHERE state = 'sent'"), 5);
    CHECK_INT(count("SELECT COUNT(*) FROM outbox WHERE state = 'failed'"), 0);
    CHECK_INT(count("SELECT COUNT(*) FROM outbox WHERE state = 'pending'"), 3);
    CHECK_INT(count("SELECT COUNT(*) FROM outbox WHERE state = 'unknown'"), 2);
    CHECK_INT(count("SELECT COUNT(*) FROM outbox WHERE state = 'checking'"), 1);
    CHECK_INT(count("SELECT COUNT(*) FROM inbox WHERE status = 'received'"), 1);
    CHECK_INT(count("SELECT COUNT(*) FROM inbox WHERE status = 'failed'"), 2);
    CHECK_INT(count("SELECT COUNT(*) FROM jobs WHERE kind = 'registration_nudge' AND state = 'pending'"), 1);
    CHECK_INT(count("SELECT COUNT(*) FROM jobs WHERE kind = 'erase_sweep'"), 1);
    CHECK_INT(count("SELECT COUNT(*) FROM audit WHERE at < 1788021600000 - 1095 * 86400000"), 0);
    CHECK_INT(count("SELECT COUNT(*) FROM audit"), 3);
    /* Nothing more to do: the next sweep is a day later. */
    CHECK_INT(count("SELECT due_at - (1788021600000 + 2 * 200) FROM jobs WHERE kind = 'retention' AND state = 'pending'"),
              RETENTION_EVERY_MS);
    CHECK_INT(count("SELECT COUNT(*) FROM jobs WHERE kind = 'retention' AND state = 'done'"), 3);

    scheduler_free(s);
    ev_loop_destroy(loop);
    db_close(d);
}

TEST(configured_ages_are_used)
{
    clock_set_ms(T0);
    d = unit_db_open(NULL, 0);
    if (!d) return;
    outbox_rows("sent", T0 - 8 * DAY, 2);
    outbox_rows("sent", T0 - 6 * DAY, 1);
    run_sql("INSERT INTO audit(at, actor, action) VALUES(?2, 'admin', 'invite.create')", 0, T0 - 60 * DAY, 1);
    run_sql("INSERT INTO audit(at, actor, action) VALUES(?2, 'admin', 'invite.create')", 0, T0 - 20 * DAY, 1);
    struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
    bot_env env = {0};
    scheduler *s = scheduler_new(loop, d, &env, NULL, NULL);
    scheduler_set_retention(s, 7, 30);
    CHECK_INT(retention_schedule(d, T0), MB_OK);   /* due now */
    scheduler_start(s);
    CHECK_INT(scheduler_run_due(s), 1);
    CHECK_INT(count("SELECT COUNT(*) FROM outbox"), 1);
    CHECK_INT(count("SELECT COUNT(*) FROM audit"), 1);
    scheduler_free(s);
    ev_loop_destroy(loop);
    db_close(d);
}

/* A recipient's weeks of digests and the announcements: a week sent or
 * skipped goes at the retention age, a week still planned stays whatever
 * its age (its job may yet send it), announcements go at the audit age. */
TEST(old_digest_weeks_and_announcements_go)
{
    clock_set_ms(T0);   /* 2026-08-29 */
    d = unit_db_open(NULL, 0);
    if (!d) return;
    CHECK_INT(db_exec(d, "INSERT INTO accounts(id, status, role, name, created_at, updated_at)"
                         " VALUES(1, 'active', 'curator', 'Анна', 0, 0)"), MB_OK);
    CHECK_INT(db_exec(d, "INSERT INTO digest_weeks(account_id, week, state) VALUES"
                         " (1, '2026-06-01', 'sent'), (1, '2026-06-08', 'skipped'), (1, '2026-07-27', 'sent'),"
                         " (1, '2026-06-15', 'planned'), (1, '2026-08-24', 'sent')"), MB_OK);
    run_sql("INSERT INTO announcements(recipients, first_outbox_id, last_outbox_id, created_at) VALUES(3, 1, 3, ?2)",
            0, T0 - 1100 * DAY, 2);
    run_sql("INSERT INTO announcements(recipients, first_outbox_id, last_outbox_id, created_at) VALUES(3, 1, 3, ?2)",
            0, T0 - 40 * DAY, 1);
    retention_counts c;
    int more = 1;
    CHECK_INT(retention_sweep(d, T0, 30, AUDIT_RETENTION_DAYS_DEFAULT, 100, &c, &more), MB_OK);
    CHECK_INT(c.digests, 3);
    CHECK_INT(c.announcements, 2);
    CHECK_INT(more, 0);
    CHECK_INT(count("SELECT COUNT(*) FROM digest_weeks WHERE week IN ('2026-06-15', '2026-08-24')"), 2);
    CHECK_INT(count("SELECT COUNT(*) FROM digest_weeks"), 2);
    CHECK_INT(count("SELECT COUNT(*) FROM announcements"), 1);
    /* A batch of one leaves the rest for the next run and says so. */
    CHECK_INT(db_exec(d, "INSERT INTO digest_weeks(account_id, week, state) VALUES (1, '2026-05-04', 'sent'),"
                         " (1, '2026-05-11', 'sent')"), MB_OK);
    CHECK_INT(retention_sweep(d, T0, 30, AUDIT_RETENTION_DAYS_DEFAULT, 1, &c, &more), MB_OK);
    CHECK_INT(c.digests, 1);
    CHECK_INT(more, 1);
    CHECK_INT(count("SELECT COUNT(*) FROM digest_weeks WHERE week = '2026-05-11'"), 1);
    db_close(d);
}

int main(void)
{
    log_set_level(LOG_ERROR);
    RUN(old_finished_rows_go_in_batches_and_the_job_rearms);
    RUN(configured_ages_are_used);
    RUN(old_digest_weeks_and_announcements_go);
    return unit_summary();
}

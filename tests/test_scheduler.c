/*
 * The scheduler on a clock the test moves: one timer armed for the earliest
 * job, jobs run once when due, their messages and completion committed
 * together, failures retried and then given up, and the timer re-armed from
 * the database by a new scheduler (a restart).
 */
#include "bot/scheduler.h"
#include "handlers/flows.h"
#include "storage/jobs.h"
#include "storage/outbox.h"
#include "tests/unit.h"
#include "tests/unit_db.h"
#include "tests/unit_messengers.h"
#include "util/clock.h"

#include <stdio.h>

#define T0 1795000000000LL   /* a fixed instant in 2026 */

static long long count(db *d, const char *sql)
{
    sqlite3_stmt *st = db_stmt(d, sql);
    long long n = st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    if (st) sqlite3_reset(st);
    return n;
}

static i18n *texts;

TEST(jobs_run_once_when_due_and_the_timer_follows_the_earliest)
{
    clock_set_ms(T0);
    db *d = unit_db_open(NULL, 0);
    if (!d) SKIP("database did not open");
    bot_env env = {.texts = texts, .default_language = "ru", .consent_age = 14};
    unit_register_messengers("mentorbot_sim_bot", 0, NULL);
    struct ev_loop *loop = ev_loop_new(0);
    int64_t acc;
    CHECK_INT(account_create(d, "tg", 555, 555, "ru", &acc), MB_OK);
    char payload[64];
    snprintf(payload, sizeof payload, "{\"account\":%lld}", (long long)acc);
    CHECK_INT(job_add(d, T0 + 30000, JOB_REGISTRATION_NUDGE, payload, NULL), MB_OK);
    CHECK_INT(job_add(d, T0 + 3600000, JOB_REGISTRATION_NUDGE, payload, NULL), MB_OK);

    scheduler *s = scheduler_new(loop, d, &env, NULL, NULL);
    scheduler_start(s);
    double left = scheduler_timer_remaining(s);
    CHECK(left > 29 && left <= 30.01);
    CHECK_INT(scheduler_run_due(s), 0);                 /* nothing due yet */

    clock_advance_ms(30000);
    CHECK_INT(scheduler_run_due(s), 1);
    CHECK_INT(scheduler_run_due(s), 0);                 /* and only once */
    CHECK_INT(count(d, "SELECT COUNT(*) FROM outbox WHERE chat_id = 555 AND body LIKE '%/start%'"), 1);
    CHECK_INT(count(d, "SELECT COUNT(*) FROM jobs WHERE state = 'done'"), 1);
    scheduler_free(s);

    /* a restart: a new scheduler finds the remaining job in the database;
     * the timer never sleeps past the re-check interval */
    s = scheduler_new(loop, d, &env, NULL, NULL);
    scheduler_start(s);
    left = scheduler_timer_remaining(s);
    CHECK(left > SCHEDULER_RECHECK_MS / 1000.0 - 1 && left <= SCHEDULER_RECHECK_MS / 1000.0 + 0.01);
    clock_advance_ms(3600000);
    CHECK_INT(scheduler_run_due(s), 1);
    CHECK_INT(count(d, "SELECT COUNT(*) FROM jobs WHERE state = 'done'"), 2);
    scheduler_free(s);
    ev_loop_destroy(loop);
    db_close(d);
    clock_release();
}

TEST(unknown_jobs_fail_and_are_not_retried_forever)
{
    clock_set_ms(T0);
    db *d = unit_db_open(NULL, 0);
    if (!d) SKIP("database did not open");
    bot_env env = {.texts = texts, .default_language = "ru", .consent_age = 14};
    unit_register_messengers("mentorbot_sim_bot", 0, NULL);
    struct ev_loop *loop = ev_loop_new(0);
    CHECK_INT(job_add(d, T0, "no_such_kind", "{}", NULL), MB_OK);
    scheduler *s = scheduler_new(loop, d, &env, NULL, NULL);
    CHECK_INT(scheduler_run_due(s), 1);
    CHECK_INT(count(d, "SELECT COUNT(*) FROM jobs WHERE state = 'failed' AND last_error LIKE '%unknown job kind%'"), 1);
    clock_advance_ms(24LL * 3600 * 1000);
    CHECK_INT(scheduler_run_due(s), 0);
    scheduler_free(s);
    ev_loop_destroy(loop);
    db_close(d);
    clock_release();
}

int main(void)
{
    char err[512];
    const char *langs[] = {"ru", "en", NULL};
    texts = i18n_load("locales", langs, err, sizeof err);
    RUN(jobs_run_once_when_due_and_the_timer_follows_the_earliest);
    RUN(unknown_jobs_fail_and_are_not_retried_forever);
    i18n_free(texts);
    return unit_summary();
}

#include "bot/scheduler.h"
#include "handlers/digest.h"
#include "handlers/dispatch.h"
#include "storage/jobs.h"
#include "storage/retention.h"
#include "util/clock.h"
#include "util/log.h"

#include <stdlib.h>
#include <string.h>

struct scheduler {
    struct ev_loop *loop;
    db *d;
    const bot_env *env;
    void (*queued)(void *arg);
    void *arg;
    ev_timer timer;
    int failures;   /* runs in a row the database refused: the timer backs off */
    int retention_days, audit_retention_days;
    uint64_t adds_seen;   /* job_adds() at the last look for the next due job */
};

static void rearm(scheduler *s)
{
    s->adds_seen = job_adds();
    int64_t now = clock_now_ms(), next = job_next_due(s->d);
    int64_t delay = SCHEDULER_RECHECK_MS;
    if (next >= 0 && next - now < delay) delay = next - now;
    if (s->failures) {
        /* A due job the database cannot take (disk full, a lock held
         * elsewhere) is not tried again at once: 1 s doubling to 30 s. */
        int64_t wait = 1000;
        for (int i = 1; i < s->failures && wait < SCHEDULER_BACKOFF_MAX_MS; i++) wait *= 2;
        if (wait > SCHEDULER_BACKOFF_MAX_MS) wait = SCHEDULER_BACKOFF_MAX_MS;
        if (delay < wait) delay = wait;
    }
    if (delay < 0) delay = 0;
    ev_timer_stop(s->loop, &s->timer);
    ev_timer_set(&s->timer, delay / 1000.0, 0.);
    ev_timer_start(s->loop, &s->timer);
}

void scheduler_rearm(scheduler *s)
{
    /* Only a job added since the last look can be due sooner; one added by
     * another process is found by the next look (SCHEDULER_RECHECK_MS). */
    if (s && ev_is_active(&s->timer) && job_adds() != s->adds_seen) rearm(s);
}

static mb_status run_one(scheduler *s, const bot_env *env, int64_t now, int *ran)
{
    job j = {0};
    mb_status rc = db_begin(s->d);
    if (rc) return rc;
    rc = job_take_due(s->d, now, &j);
    if (rc == MB_ERR_NOT_FOUND) {
        db_rollback(s->d);
        return MB_ERR_NOT_FOUND;
    }
    if (!rc) rc = db_savepoint(s->d);
    if (!rc) {
        char reason[256] = "";
        db_fault_clear(s->d);
        /* what the digests of this run read stays true only while no other job changes the store */
        if (strcmp(j.kind, JOB_DIGEST) != 0 && strcmp(j.kind, JOB_DIGEST_PLAN) != 0)
            digest_batch_forget(env->digest_batch);
        /* The retention sweep is the storage's housekeeping, not a handler's. */
        mb_status jr = strcmp(j.kind, JOB_RETENTION) == 0
                           ? retention_run_job(s->d, s->retention_days, s->audit_retention_days)
                           : dispatch_job(s->d, env, &j, reason, sizeof reason);
        if (db_fault(s->d) || !db_in_transaction(s->d)) {
            /* the storage failed, not the job: nothing is recorded */
            rc = jr ? jr : MB_ERR_DB;
        } else if (jr) {
            db_rollback_savepoint(s->d);
            log_warn("scheduler", "job %lld (%s) failed: %s", (long long)j.id, j.kind, reason);
            if (jr == MB_ERR_NOT_FOUND || j.attempts + 1 >= SCHEDULER_MAX_ATTEMPTS)
                rc = job_fail(s->d, j.id, reason);
            else
                rc = job_retry(s->d, j.id, now + 60000LL * (1 << j.attempts), reason);
        } else {
            rc = db_release(s->d);
            if (!rc) rc = job_done(s->d, j.id);
        }
    }
    if (!rc) rc = db_commit(s->d);
    if (rc) {
        int fault = db_fault(s->d);
        log_error("scheduler", "could not store job %lld: %s", (long long)j.id,
                  fault ? db_fault_name(fault) : db_errmsg(s->d));
        db_rollback(s->d);
    } else {
        (*ran)++;
    }
    job_clear(&j);
    return rc;
}

int scheduler_run_due(scheduler *s)
{
    int ran = 0;
    int64_t now = clock_now_ms();
    mb_status rc = MB_OK;
    /* The weekly digests due together read each school's week and each
     * region's indicators once (handlers/digest.h); nothing outlives the run. */
    bot_env env = *s->env;
    env.digest_batch = digest_batch_new();
    for (int i = 0; i < SCHEDULER_BATCH && !rc; i++) rc = run_one(s, &env, now, &ran);
    digest_batch_free(env.digest_batch);
    s->failures = rc && rc != MB_ERR_NOT_FOUND ? s->failures + 1 : 0;
    if (ran && s->queued) s->queued(s->arg);
    return ran;
}

static void on_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
    scheduler *s = (scheduler *)((char *)w - offsetof(scheduler, timer));
    scheduler_run_due(s);
    rearm(s);
}

scheduler *scheduler_new(struct ev_loop *loop, db *d, const bot_env *env, void (*queued)(void *arg), void *arg)
{
    scheduler *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->loop = loop;
    s->d = d;
    s->env = env;
    s->queued = queued;
    s->arg = arg;
    s->retention_days = RETENTION_DAYS_DEFAULT;
    s->audit_retention_days = AUDIT_RETENTION_DAYS_DEFAULT;
    ev_timer_init(&s->timer, on_timer, 0., 0.);
    return s;
}

void scheduler_start(scheduler *s)
{
    /* The retention sweep re-arms itself; this starts it on a database
     * that never had one. */
    if (retention_schedule(s->d, clock_now_ms() + RETENTION_FIRST_MS)) log_warn("scheduler", "could not schedule the retention sweep");
    rearm(s);
}

void scheduler_free(scheduler *s)
{
    if (!s) return;
    ev_timer_stop(s->loop, &s->timer);
    free(s);
}

void scheduler_set_retention(scheduler *s, int days, int audit_days)
{
    if (days > 0) s->retention_days = days;
    if (audit_days > 0) s->audit_retention_days = audit_days;
}

double scheduler_timer_remaining(scheduler *s)
{
    return ev_is_active(&s->timer) ? ev_timer_remaining(s->loop, &s->timer) : -1;
}

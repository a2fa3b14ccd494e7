/*
 * The scheduler: one timer armed for the earliest pending job, re-armed
 * from the database after every run and at start, so jobs survive restarts.
 * A job's effects (the messages it queues) and its completion commit
 * together. A storage fault (disk full, a lock held elsewhere) is not the
 * job's failure: nothing is recorded and the run is tried again after a
 * back-off.
 */
#ifndef MB_SCHEDULER_H
#define MB_SCHEDULER_H

#include <ev.h>

#include "handlers/context.h"

#define SCHEDULER_RECHECK_MS 60000   /* jobs added by other processes are seen within this */
#define SCHEDULER_MAX_ATTEMPTS 5
#define SCHEDULER_BATCH 100          /* jobs run per timer firing before yielding */
#define SCHEDULER_BACKOFF_MAX_MS 30000   /* longest wait after the database refused a job's run */

typedef struct scheduler scheduler;

scheduler *scheduler_new(struct ev_loop *loop, db *d, const bot_env *env, void (*queued)(void *arg), void *arg);
/* Starts the timer; first queues the retention sweep (storage/retention.h)
 * RETENTION_FIRST_MS later unless one is pending. */
void scheduler_start(scheduler *s);
/* The ages of [storage] retention_days and audit_retention_days the
 * retention sweep removes rows at (RETENTION_DAYS_DEFAULT and
 * AUDIT_RETENTION_DAYS_DEFAULT until set; 0 keeps the current value). */
void scheduler_set_retention(scheduler *s, int days, int audit_days);
void scheduler_free(scheduler *s);

/* Runs every job due now (used by the timer and by tests); returns how many ran. */
int scheduler_run_due(scheduler *s);

/* Sets the timer again from the earliest pending job: after updates whose
 * handlers added a job due sooner than the next check (an announcement's
 * delivery report, due in seconds). */
void scheduler_rearm(scheduler *s);

/* Seconds until the timer fires, for tests; -1 when stopped. */
double scheduler_timer_remaining(scheduler *s);

#endif

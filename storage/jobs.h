/*
 * Scheduled jobs: a kind, a JSON payload and a UTC due time. The scheduler
 * (bot/scheduler.c) keeps one timer armed for the earliest pending job.
 */
#ifndef MB_JOBS_H
#define MB_JOBS_H

#include <stdint.h>

#include "storage/db.h"

#define JOB_KIND_MAX 32
#define JOB_PAYLOAD_MAX 4096

typedef struct job {
    int64_t id;
    int64_t due_at;
    char kind[JOB_KIND_MAX];
    char *payload;   /* malloc'd JSON; free with job_clear */
    int attempts;
} job;

mb_status job_add(db *d, int64_t due_at, const char *kind, const char *payload, int64_t *id_out);

/* Earliest due time of a pending job, or -1 when none. */
int64_t job_next_due(db *d);
/* How many jobs this process has added so far (committed or not): a
 * scheduler that saw the same count needs not look for a sooner one. */
uint64_t job_adds(void);

/* The oldest pending job due at or before now. MB_ERR_NOT_FOUND when none. */
mb_status job_take_due(db *d, int64_t now, job *out);
void job_clear(job *j);

mb_status job_done(db *d, int64_t id);
/* Counts an attempt and moves the job to next_due, keeping the error. */
mb_status job_retry(db *d, int64_t id, int64_t next_due, const char *error);
mb_status job_fail(db *d, int64_t id, const char *error);

/* Cancels pending jobs of a kind whose payload equals payload exactly. */
mb_status job_cancel(db *d, const char *kind, const char *payload);

#endif

/*
 * Retention: rows that served their purpose are removed once old, so the
 * database of a region does not grow without end. Removed when older than
 * the service's retention age: outbox rows sent or failed for good, inbox
 * rows of handled updates, finished jobs; audit rows when older than the
 * audit age (longer). Kept whatever their age: queued, in-flight, checking
 * and unknown outbox rows (the last wait for the operator), pending jobs,
 * inbox rows not yet handled, and the chat marks and meta rows.
 *
 * Meetings are the programme's record and stay as long as the audit
 * (audit age, by their time); the comments people gave after a meeting
 * are personal data and are cleared RETENTION_COMMENT_DAYS after they were
 * given, which covers the school year's report. The usefulness marks stay.
 * Announcements, a record too, go at the audit age; a recipient's week of
 * weekly digests, once sent or skipped, at the retention age.
 *
 * Repeated updates stay recognised: a platform repeats an update only
 * before the offset confirming it is stored (Telegram keeps unconfirmed
 * updates for a day; the offset and the update's inbox row commit
 * together), and VK's read-back after a lost session only takes messages
 * above the chat's mark (chat_marks), which is kept. An inbox row older
 * than the retention age (a day at the least, 30 by default) is therefore
 * never needed to tell a repeat.
 *
 * The sweep runs as a scheduled job (JOB_RETENTION) removing at most
 * RETENTION_BATCH rows of each table per run, in the job's own
 * transaction, so the loop is never held long; while rows remain it runs
 * again after RETENTION_AGAIN_MS, otherwise a day later.
 */
#ifndef MB_RETENTION_H
#define MB_RETENTION_H

#include <stdint.h>

#include "storage/db.h"

#define JOB_RETENTION "retention"
#define RETENTION_BATCH 500
#define RETENTION_AGAIN_MS 200LL          /* next run while old rows remain */
#define RETENTION_EVERY_MS 86400000LL     /* next run once all are gone */
#define RETENTION_FIRST_MS 21600000LL     /* the first run, after the service starts on a new database */
#define RETENTION_DAYS_DEFAULT 30
#define AUDIT_RETENTION_DAYS_DEFAULT 1095
#define RETENTION_COMMENT_DAYS 400        /* after-meeting comments: a school year and its report */

/* How many rows one sweep removed, per table. */
typedef struct retention_counts {
    int outbox, inbox, jobs, audit;
    int meetings, comments;   /* old meetings removed, comments cleared */
    int digests;              /* recipients' weeks of digests, sent or skipped */
    int announcements;
} retention_counts;

/*
 * Removes at most batch rows of each table older than now minus days
 * (audit and meetings: audit_days) that are no longer needed, and clears
 * at most batch comments older than RETENTION_COMMENT_DAYS. *more (may be NULL) is 1
 * when a table had a full batch, so more may remain. Runs in the caller's
 * transaction, or in its own when there is none.
 */
mb_status retention_sweep(db *d, int64_t now, int days, int audit_days, int batch, retention_counts *removed,
                          int *more);

/* Adds a pending retention job due at due_at unless one is pending. */
mb_status retention_schedule(db *d, int64_t due_at);

/* The job: one sweep with the configured ages (0 = the defaults), then the
 * next run queued, sooner while more remain. */
mb_status retention_run_job(db *d, int days, int audit_days);

#endif

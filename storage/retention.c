#include "storage/retention.h"
#include "storage/jobs.h"
#include "util/clock.h"
#include "util/log.h"

#include <time.h>

#define DAY_MS 86400000LL

/* Deletes up to batch rows the select names (by rowid or key) and counts
 * them. */
static mb_status remove_batch(db *d, const char *sql, int64_t cutoff, int batch, int *count)
{
    mb_status rc = db_run_with_ints(d, sql, cutoff, batch);
    *count = rc ? 0 : sqlite3_changes(db_handle(d));
    return rc;
}

mb_status retention_sweep(db *d, int64_t now, int days, int audit_days, int batch, retention_counts *removed,
                          int *more)
{
    retention_counts c = {0};
    int own = !db_in_transaction(d);
    mb_status rc = own ? db_begin(d) : MB_OK;
    /* Each select walks an index over finished rows only (schema
     * migration 7), oldest first, and stops at the batch. */
    if (!rc)
        rc = remove_batch(d, "DELETE FROM outbox WHERE id IN (SELECT id FROM outbox"
                             " WHERE state IN ('sent', 'failed') AND created_at < ?1 ORDER BY created_at LIMIT ?2)",
                          now - days * DAY_MS, batch, &c.outbox);
    if (!rc)
        rc = remove_batch(d, "DELETE FROM inbox WHERE (platform, update_id) IN (SELECT platform, update_id FROM inbox"
                             " WHERE status <> 'received' AND received_at < ?1 ORDER BY received_at LIMIT ?2)",
                          now - days * DAY_MS, batch, &c.inbox);
    if (!rc)
        rc = remove_batch(d, "DELETE FROM jobs WHERE id IN (SELECT id FROM jobs"
                             " WHERE state <> 'pending' AND done_at < ?1 ORDER BY done_at LIMIT ?2)",
                          now - days * DAY_MS, batch, &c.jobs);
    if (!rc)
        rc = remove_batch(d, "DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE at < ?1 ORDER BY at LIMIT ?2)",
                          now - audit_days * DAY_MS, batch, &c.audit);
    /* a meeting's participants and mentorship links go with it (ON DELETE CASCADE) */
    if (!rc)
        rc = remove_batch(d, "DELETE FROM meetings WHERE id IN (SELECT id FROM meetings WHERE starts_at < ?1"
                             " ORDER BY starts_at LIMIT ?2)",
                          now - audit_days * DAY_MS, batch, &c.meetings);
    if (!rc)
        rc = remove_batch(d, "UPDATE meeting_participants SET comment = NULL WHERE (meeting_id, account_id) IN"
                             " (SELECT meeting_id, account_id FROM meeting_participants WHERE comment IS NOT NULL"
                             " AND answered_at < ?1 ORDER BY answered_at LIMIT ?2)",
                          now - RETENTION_COMMENT_DAYS * DAY_MS, batch, &c.comments);
    /* A recipient's week of digests is looked at only while it is being
     * planned and sent (its key keeps it to one); weeks are local dates,
     * and a day either side of the cutoff does not matter at a month. */
    if (!rc) {
        char cutoff[16];
        time_t t = (time_t)((now - days * DAY_MS) / 1000);
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(cutoff, sizeof cutoff, "%Y-%m-%d", &tm);
        sqlite3_stmt *st = db_stmt(d, "DELETE FROM digest_weeks WHERE (account_id, week) IN (SELECT account_id, week"
                                      " FROM digest_weeks WHERE state <> 'planned' AND week < ?1 ORDER BY week LIMIT ?2)");
        if (!st) rc = MB_ERR_DB;
        if (!rc) {
            db_bind_text(st, 1, cutoff);
            sqlite3_bind_int(st, 2, batch);
            rc = db_step_done(d, st);
        }
        c.digests = rc ? 0 : sqlite3_changes(db_handle(d));
    }
    /* An announcement is the programme's record, kept as long as the audit;
     * the messages it went out in follow the outbox's age. */
    if (!rc)
        rc = remove_batch(d, "DELETE FROM announcements WHERE id IN (SELECT id FROM announcements WHERE created_at < ?1"
                             " ORDER BY created_at LIMIT ?2)",
                          now - audit_days * DAY_MS, batch, &c.announcements);
    if (own) {
        if (!rc) rc = db_commit(d);
        if (rc) db_rollback(d);
    }
    if (rc) return rc;
    if (removed) *removed = c;
    if (more)
        *more = c.outbox >= batch || c.inbox >= batch || c.jobs >= batch || c.audit >= batch || c.meetings >= batch ||
                c.comments >= batch || c.digests >= batch || c.announcements >= batch;
    return MB_OK;
}

mb_status retention_schedule(db *d, int64_t due_at)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT 1 FROM jobs WHERE state = 'pending' AND kind = '" JOB_RETENTION "'");
    if (!st) return MB_ERR_DB;
    mb_status rc = db_has_row(d, st);
    if (rc == MB_OK) return MB_OK;
    if (rc != MB_ERR_NOT_FOUND) return rc;
    return job_add(d, due_at, JOB_RETENTION, "{}", NULL);
}

mb_status retention_run_job(db *d, int days, int audit_days)
{
    if (days <= 0) days = RETENTION_DAYS_DEFAULT;
    if (audit_days <= 0) audit_days = AUDIT_RETENTION_DAYS_DEFAULT;
    int64_t now = clock_now_ms();
    retention_counts c;
    int more = 0;
    mb_status rc = retention_sweep(d, now, days, audit_days, RETENTION_BATCH, &c, &more);
    if (rc) return rc;
    if (c.outbox || c.inbox || c.jobs || c.audit || c.meetings || c.comments || c.digests || c.announcements)
        log_info("retention", "removed %d outbox, %d inbox, %d job, %d audit, %d meeting, %d digest-week and %d"
                 " announcement rows, cleared %d comments%s", c.outbox, c.inbox, c.jobs, c.audit, c.meetings, c.digests,
                 c.announcements, c.comments, more ? "; more to remove" : "");
    return job_add(d, now + (more ? RETENTION_AGAIN_MS : RETENTION_EVERY_MS), JOB_RETENTION, "{}", NULL);
}

/*
 * Stalled mentorships in the chat (handlers/stall.c): a daily job applies
 * the rules of storage/stalls.h to every active mentorship; when one has
 * stalled its mentor gets a polite nudge saying why, and when nothing
 * changed STALL_FLAG_AFTER_MS later the curators of the organisation get a
 * flag with a button that opens the pair (handlers/curator_stall.c). Each
 * goes once per stall episode; nothing is sent in the organisation's quiet
 * hours (the scan comes again when they end).
 */
#ifndef MB_STALL_H
#define MB_STALL_H

#include "handlers/context.h"
#include "storage/mentorships.h"
#include "storage/stalls.h"

#define JOB_STALL_SCAN "stall_scan"
#define STALL_SCAN_BATCH 200                  /* mentorships one run looks at */
#define STALL_SCAN_AGAIN_MS 200LL             /* the next run while mentorships remain */
#define STALL_SCAN_EVERY_MS STALL_DAY_MS      /* the next scan once all were seen */
#define STALL_SCAN_FIRST_MS 3600000LL         /* the first scan, after the service starts on a new database */
#define STALL_FLAG_AFTER_MS (7 * STALL_DAY_MS)   /* from the nudge to the curator's flag */
#define STALL_CURATORS_MAX 20                 /* curators of one organisation flagged (as consent_curators_of) */

/* Adds a pending scan due at due_at unless one is pending. */
mb_status stall_schedule(db *d, int64_t due_at);

/* The job: the next STALL_SCAN_BATCH active mentorships after the payload's
 * "after", then the next run queued. */
mb_status stall_run_job(db *d, const bot_env *env, const char *payload);

/*
 * One mentorship at now: ends its episode when a held meeting came or no
 * rule holds, begins one and nudges the mentor, or flags the curators
 * STALL_FLAG_AFTER_MS after the nudge. In the organisation's quiet hours
 * nothing is begun or sent, and *resume_at (may be NULL) is lowered to
 * when they end. Runs in the caller's transaction.
 */
mb_status stall_check(db *d, const bot_env *env, int64_t mentorship_id, int64_t now, int64_t *resume_at);

/* "Mentor — mentee, mentee" in lang (erased people as such). */
void stall_pair_names(db *d, const bot_env *env, const char *lang, const mentorship *m, char *buf, size_t size);

/* Why the episode's mentorship stalled, for a curator reading lang at now
 * (caller frees; NULL when memory ran out). */
char *stall_reason_text(db *d, const bot_env *env, const char *lang, const stall_episode *e, int64_t now);

#endif

/*
 * Wrong codes (invite, guardian and link codes that do not exist), counted
 * per messenger account so that guessing codes gets slow: after
 * ATTEMPTS_SLOW_AFTER wrong codes within ATTEMPTS_WINDOW_MS the person's
 * codes are not checked for a growing pause, after ATTEMPTS_LOCK_AFTER not
 * for ATTEMPTS_LOCK_MS. Many wrong codes from everyone together within
 * ATTEMPTS_ALERT_WINDOW_MS are a sign of guessing the operator must see.
 */
#ifndef MB_ATTEMPTS_H
#define MB_ATTEMPTS_H

#include <stdint.h>

#include "storage/db.h"

#define ATTEMPTS_WINDOW_MS (60LL * 60 * 1000)
#define ATTEMPTS_SLOW_AFTER 5
#define ATTEMPTS_FIRST_PAUSE_MS (60LL * 1000)    /* doubles with every further wrong code */
#define ATTEMPTS_LOCK_AFTER 10
#define ATTEMPTS_LOCK_MS (6LL * 60 * 60 * 1000)
#define ATTEMPTS_ALERT_COUNT 50
#define ATTEMPTS_ALERT_WINDOW_MS (10LL * 60 * 1000)

typedef struct attempts_verdict {
    int failures;            /* wrong codes of this person within the window, this one included */
    int64_t blocked_until;   /* 0 = the next code is checked */
    int locked;              /* the long lock: the person should ask their curator */
    int everyone;            /* wrong codes of everyone within the alert window */
} attempts_verdict;

/* Until when codes from a messenger account are not checked; 0 when they
 * are checked now. */
int64_t attempts_blocked_until(db *d, const char *platform, int64_t user_id);

/* Records a wrong code from a messenger account and decides the pause that
 * follows (stored, so attempts_blocked_until sees it). Rows older than the
 * lock are dropped on the way. */
mb_status attempts_record_failure(db *d, const char *platform, int64_t user_id, attempts_verdict *out);

/* Wrong codes from everyone within ATTEMPTS_ALERT_WINDOW_MS before now, and
 * how many people sent them (people may be NULL). */
int attempts_recent(db *d, int *people);

#endif

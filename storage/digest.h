/*
 * What a weekly digest counts, read for one organisation and one week
 * [start, end) (UTC ms): new registrations, mentees waiting for a mentor,
 * parental consents waiting, meetings held, missed and coming, stalled
 * pairs by reason, poll answers and satisfaction; the meetings held per
 * week since the school year began; and the rows of the digest's workbook
 * (mentorships, people waiting). A territory's digest adds up the counts
 * of its organisations. Also who gets a digest, who muted it, and which
 * week each recipient has already been given one (digest_weeks).
 */
#ifndef MB_STORAGE_DIGEST_H
#define MB_STORAGE_DIGEST_H

#include <stdint.h>

#include "storage/db.h"

#define DIGEST_WEEKS_MAX 53        /* weeks of a school year in the trend */
#define DIGEST_STALL_REASONS 5     /* never, no_meeting, missed, useless, silent (storage/stalls.h) */
#define DIGEST_ORGS_MAX 2000       /* organisations of one territory's digest */
#define DIGEST_WEEK_BYTES 11       /* "2026-12-07": the local Monday a digest is for */

typedef struct digest_counts {
    int registrations;             /* accounts that joined in the week (any role but curator) */
    int waiting;                   /* active mentees with no active mentorship */
    int64_t waiting_since;         /* when the longest-waiting of them joined; 0 = none */
    int pending_consent;           /* pupils waiting for a parent's consent */
    int held, missed;              /* meetings of the week, by what they turned out to be */
    int upcoming;                  /* meetings planned for the next seven days */
    int active_pairs;              /* active mentorships */
    int stalled;                   /* active mentorships in a stall episode */
    int stalled_by[DIGEST_STALL_REASONS];
    int poll_invited, poll_answered;   /* people asked by waves open in the week, and who answered */
    int satisfaction_n;            /* answers with a satisfaction mean, given in the week */
    double satisfaction_sum;
} digest_counts;

/* Adds b into a. */
void digest_counts_add(digest_counts *a, const digest_counts *b);
/* 1 when nothing happened and nothing waits: the week says so in one line. */
int digest_counts_empty(const digest_counts *c);

/* The counts of one organisation for the week [start, end). */
mb_status digest_counts_load(db *d, int64_t org_id, int64_t start, int64_t end, digest_counts *out);

#define DIGEST_WEEK_MS (7 * 86400000LL)   /* a digest's week, and each bar of its trend */

/* One organisation's week as digest_territory_weeks reads it. */
typedef struct digest_org_week {
    int64_t id;
    char name[256];
    digest_counts c;
} digest_org_week;

/* The counts of every organisation of a territory (its own and its
 * municipalities') for the week [start, end), read at once: *n of them
 * into *out (the caller frees it), by id, each the very counts
 * digest_counts_load gives it; and their meetings held per week, as
 * digest_held_by_week counts them, added into per_week. */
mb_status digest_territory_weeks(db *d, int64_t territory_id, int64_t start, int64_t end, int64_t from, int weeks,
                                 digest_org_week **out, int *n, int *per_week);

/* Meetings held per week since from (UTC ms), for weeks weeks that end
 * at end: the last is the digest's own week [end - 7 days, end), each
 * before it the 7 days before, the first cut at from. Added into per_week
 * (which the caller zeroes). */
mb_status digest_held_by_week(db *d, int64_t org_id, int64_t from, int64_t end, int weeks, int *per_week);

/* The organisations of a territory (its own and its municipalities'),
 * ordered by id; how many (up to max), -1 on a database error. */
int digest_territory_orgs(db *d, int64_t territory_id, int64_t *ids, int max);

/* One mentorship as the workbook lists it. */
typedef struct digest_pair_row {
    int64_t id;
    char mentor[256];
    char mentees[1024];            /* names joined with ", " */
    char form[32];
    char state[16];
    int64_t created_at;
    int held, missed, planned;     /* its meetings so far */
    int64_t last_activity;         /* the last held meeting, else its start */
    int stall_reason;              /* -1 none, else the index of storage/stalls.h's reason */
} digest_pair_row;

typedef int (*digest_pair_fn)(const digest_pair_row *row, void *arg);
/* Calls fn for each active mentorship of org_id (ended ones too when they
 * ended at or after since), by id; stops when fn returns nonzero. */
mb_status digest_pairs_each(db *d, int64_t org_id, int64_t since, digest_pair_fn fn, void *arg);

typedef struct digest_waiting_row {
    int64_t id;
    char name[256];
    char category[20];
    int grade;
    int64_t joined_at;
    char state[20];                /* waiting (for a mentor) | pending_consent */
} digest_waiting_row;

typedef int (*digest_waiting_fn)(const digest_waiting_row *row, void *arg);
/* Calls fn for each mentee of org_id waiting for a mentor or for a
 * parent's consent, the longest waiting first. */
mb_status digest_waiting_each(db *d, int64_t org_id, digest_waiting_fn fn, void *arg);

/* Recipients: active curators (their organisation) and coordinators
 * (their territory), after after_id, by id; how many (up to max). */
int digest_recipients(db *d, int64_t after_id, int64_t *ids, int max);

/* The person's "no weekly digest" setting. */
int digest_muted(db *d, int64_t account_id);
/* 1 when a chart or workbook (a photo or document) for the account is
 * still on its way: a digest asked for again meanwhile is not made twice. */
int digest_files_on_their_way(db *d, int64_t account_id);
mb_status digest_set_muted(db *d, int64_t account_id, int muted);

/* Marks the week as planned for the account with its job: MB_OK when it
 * was not yet, MB_ERR_EXISTS when it was (nothing changed). */
mb_status digest_week_claim(db *d, int64_t account_id, const char *week, int64_t job_id);
/* Records how the week's digest went: sent, skipped (why). */
mb_status digest_week_finish(db *d, int64_t account_id, const char *week, const char *state, const char *note);
/* The state of a week's digest ("planned", "sent", "skipped") into buf;
 * MB_ERR_NOT_FOUND when none. */
mb_status digest_week_state(db *d, int64_t account_id, const char *week, char *buf, size_t size);

#endif

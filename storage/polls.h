/*
 * Poll waves and their recipients (schema 15: poll_waves, poll_recipients).
 *
 * A wave gives one family of instruments to one audience of an
 * organisation: scheduled (the programme calendar made it, opens_at ahead)
 * -> open (recipients written, answers taken) -> closed. Opening writes a
 * row for every person the audience holds then, with what they were
 * (role, category, grade) and the instrument version they get; a person
 * is asked once per wave. A recipient is invited -> started (a survey run
 * of the wave exists) -> done (answered_at, and the mean of the
 * instrument's satisfaction items when it has any). The indicators read
 * these rows (docs/polls.md).
 */
#ifndef MB_POLLS_H
#define MB_POLLS_H

#include <stdint.h>

#include "storage/db.h"

#define POLL_KIND_BYTES 20
#define POLL_AUDIENCE_BYTES 12
#define POLL_STATE_BYTES 12
#define POLL_KEY_BYTES 33           /* an instrument key (INSTRUMENT_KEY_MAX + 1) */

/* A kind and the audience it asks: start, interim and final are given to
 * mentees and to mentors as two waves. */
typedef struct poll_variant {
    const char *kind;
    const char *audience;
} poll_variant;

/* The variants a curator may launch, in the order the menu shows them. */
#define POLL_VARIANTS 10
extern const poll_variant poll_variants[POLL_VARIANTS];
/* Index of kind and audience in poll_variants, -1 when they do not go together. */
int poll_variant_index(const char *kind, const char *audience);

/* The instrument a person of grade gets in a wave of kind and audience:
 * "poll_mentee_start", ..., "poll_selfdet_5_7" (grades 5-7), "_8_9",
 * "_10_11", "poll_curator_feedback", "poll_teachers". NULL when there is
 * none (a pupil outside grades 5-11, an unknown pair). */
const char *poll_instrument_key(const char *kind, const char *audience, int grade);

typedef struct poll_wave {
    int64_t id;
    int64_t org_id;
    int64_t program_id;          /* 0 = none */
    char kind[POLL_KIND_BYTES];
    char audience[POLL_AUDIENCE_BYTES];
    char state[POLL_STATE_BYTES];   /* scheduled | open | closed */
    int64_t opens_at;
    int64_t closes_at;           /* 0 = not closed */
    int64_t launched_by;         /* the curator's account, 0 = the calendar */
    int64_t created_at;
} poll_wave;

typedef struct poll_recipient {
    int64_t wave_id;
    int64_t account_id;
    char role[16];
    char category[20];
    int grade;
    int64_t instrument_id;       /* 0 = none */
    int64_t run_id;              /* 0 = not started (or the run was erased) */
    char state[POLL_STATE_BYTES];   /* invited | started | done */
    int reminders;
    int64_t invited_at;
    int64_t answered_at;         /* 0 = not done */
    double satisfaction;         /* -1 = none */
} poll_recipient;

/* Adds a wave in state (scheduled or open; an open one is opened with
 * poll_wave_open). program_id and launched_by 0 = none. */
mb_status poll_wave_add(db *d, int64_t org_id, int64_t program_id, const char *kind, const char *audience,
                        int64_t opens_at, int64_t launched_by, int64_t *id);
mb_status poll_wave_load(db *d, int64_t id, poll_wave *out);

/* The latest wave of org, kind and audience opening in [from, to), in any
 * state; MB_ERR_NOT_FOUND when none. */
mb_status poll_wave_find(db *d, int64_t org_id, const char *kind, const char *audience, int64_t from, int64_t to,
                         poll_wave *out);

/*
 * Opens a scheduled wave at now: a recipient row for each active person of
 * its audience who has a messenger that reaches them and an instrument
 * for them (the latest loaded version of its key), then state open.
 * *asked (may be NULL) gets how many were written. A wave that is not
 * scheduled is left as it is (*asked 0). MB_ERR_NOT_FOUND when no
 * instrument of the wave is loaded.
 */
mb_status poll_wave_open(db *d, int64_t wave_id, int64_t now, int *asked);

/* Closes a scheduled or open wave at now; no answers are taken after. */
mb_status poll_wave_close(db *d, int64_t wave_id, int64_t now);

/* Waves of org, newest opening first, up to max into out; the count. */
int poll_waves_of_org(db *d, int64_t org_id, poll_wave *out, int max);

/* Scheduled waves due at now (oldest first, up to max ids); the count. */
int poll_waves_due(db *d, int64_t now, int64_t *ids, int max);
/* The earliest opens_at of a scheduled wave, -1 when none. */
int64_t poll_waves_next_due(db *d);

/* How many a wave asked and how many are done. */
mb_status poll_wave_counts(db *d, int64_t wave_id, int *asked, int *answered);

/* Recipients of a wave with account ids above after, by id (up to max); the count. */
int poll_recipient_ids(db *d, int64_t wave_id, int64_t after, int64_t *ids, int max);
mb_status poll_recipient_load(db *d, int64_t wave_id, int64_t account_id, poll_recipient *out);
/* A recipient row of the account, not done, in an open wave (the newest). */
mb_status poll_recipient_pending(db *d, int64_t account_id, poll_recipient *out);
/* The recipient began answering in run run_id. */
mb_status poll_recipient_started(db *d, int64_t wave_id, int64_t account_id, int64_t run_id);
/* The recipient finished at now; satisfaction below 0 stores none. */
mb_status poll_recipient_done(db *d, int64_t wave_id, int64_t account_id, double satisfaction, int64_t now);
/* The recipient got reminder number n (1, 2). */
mb_status poll_recipient_reminded(db *d, int64_t wave_id, int64_t account_id, int n);

/* The answers of a wave's finished runs of one instrument key, for the
 * results, ordered by item and then value: neither time nor person can be
 * read from their order. fn returns 0 to go on. *respondents (may be
 * NULL) gets how many are done with that key. */
typedef int (*poll_answer_fn)(const char *item, const char *value, void *arg);
mb_status poll_answers_each(db *d, int64_t wave_id, const char *key, poll_answer_fn fn, void *arg, int *respondents);

/* The satisfaction of a wave's done recipients of one instrument key:
 * how many have one (*n), their mean (*mean) and how many are at or above
 * threshold (*satisfied). */
mb_status poll_satisfaction_stats(db *d, int64_t wave_id, const char *key, double threshold, int *n, double *mean,
                                  int *satisfied);

/* The instrument keys a wave's done recipients answered (up to max, in
 * key order) into keys, and the instrument id of each (the latest version
 * answered); the count. */
int poll_wave_keys(db *d, int64_t wave_id, char keys[][POLL_KEY_BYTES], int64_t *instrument_ids, int max);

/* Organisations with a programme of school year year, ids above after (up
 * to max, by id), with the programme's id; the count. */
int poll_program_orgs(db *d, int year, int64_t after, int64_t *orgs, int64_t *programs, int max);

/* The school year at ms (the year it starts, in September), and its
 * bounds in UTC into *from and *to. */
#define POLL_SCHOOL_YEAR_MONTH 9
int poll_school_year(int64_t ms, int64_t *from, int64_t *to);

/* Removes a wave that asked nobody (a launch that found no audience). */
mb_status poll_wave_drop(db *d, int64_t wave_id);

#endif

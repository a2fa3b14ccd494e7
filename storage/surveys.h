/*
 * Survey instruments, runs and answers.
 *
 * An instrument is stored as versions of one key: a body that differs from
 * the latest stored version of its key becomes the next version, and a run
 * points at the version it was started on, so an edit never changes what
 * earlier answers meant. A run is open until finished; its position is the
 * id of the item being asked, so it can be resumed days later. Each item of
 * a run has at most one answer; answering again replaces it and moves it to
 * the end of the run's answer order (seq).
 */
#ifndef MB_SURVEYS_H
#define MB_SURVEYS_H

#include <cjson/cJSON.h>
#include <stdint.h>

#include "storage/db.h"

#define SURVEY_POSITION_MAX 32   /* bytes of a run position (an item id) */

/*
 * Stores body as the latest version of key unless it equals the latest
 * stored version. *id and *version (either may be NULL) get the instrument
 * row of the latest version; *created (may be NULL) 1 when a version was
 * added.
 */
mb_status survey_instrument_store(db *d, const char *key, const char *body, int64_t *id, int *version,
                                  int *created);

/* The latest version of key; MB_ERR_NOT_FOUND when none is stored. */
mb_status survey_instrument_latest(db *d, const char *key, int64_t *id, int *version);

/* The body of an instrument version (malloc'd, caller frees) and its key
 * (key_size bytes) and version; key and version may be NULL. */
mb_status survey_instrument_body(db *d, int64_t id, char **body, char *key, size_t key_size, int *version);

typedef struct survey_run {
    int64_t id;
    int64_t account_id;
    int64_t instrument_id;
    char state[8];                       /* open | done */
    char position[SURVEY_POSITION_MAX];  /* item being asked, "" when none */
    int64_t started_at;
    int64_t finished_at;                 /* 0 while open */
    int64_t wave_id;                     /* the poll wave it answers, 0 for the request and competence surveys */
} survey_run;

/* Starts an open run of an instrument version for an account. */
mb_status survey_run_start(db *d, int64_t account_id, int64_t instrument_id, int64_t *run_id);
/* The same for a poll wave (storage/polls.h); wave_id 0 is survey_run_start. */
mb_status survey_run_start_wave(db *d, int64_t account_id, int64_t instrument_id, int64_t wave_id, int64_t *run_id);
mb_status survey_run_load(db *d, int64_t run_id, survey_run *out);
/* The account's latest run in a state ("open" or "done") of the request or
 * competence survey (poll runs are not theirs); MB_ERR_NOT_FOUND when none. */
mb_status survey_run_latest(db *d, int64_t account_id, const char *state, survey_run *out);
mb_status survey_run_set_position(db *d, int64_t run_id, const char *position);
/* Marks the run done now, with no position. */
mb_status survey_run_finish(db *d, int64_t run_id);

/* Stores (or replaces) the answer to item in a run. */
mb_status survey_answer_store(db *d, int64_t run_id, const char *item, const char *value);
/* Removes the answer to item (no error when there is none). */
mb_status survey_answer_delete(db *d, int64_t run_id, const char *item);
/* Every answer of a run as an object {"item": "value"} (caller deletes);
 * NULL only when out of memory or on a database error. */
cJSON *survey_answers_load(db *d, int64_t run_id);
/* Copies every answer of one run into another (for "change my answers"). */
mb_status survey_answers_copy(db *d, int64_t from_run, int64_t to_run);

/* The answer to item in the account's latest finished run of the request or
 * competence survey (malloc'd, caller
 * frees), for matching and reports; MB_ERR_NOT_FOUND when there is none. */
mb_status survey_answer_latest(db *d, int64_t account_id, const char *item, char **value);

#endif

/*
 * The survey engine beyond the dialog hooks in flows.h: loading the
 * instruments at start, which instrument a participant fills in, and how
 * answers become the profile matching and the indicators read.
 *
 * Button data of a survey: "sv:start", "sv:redo", "sv:later", and
 * "sv:RUN:ITEM:OP[:ARG]" for the item being asked, with OP one of
 *   c  choose a value (single choice, scale, short number range)
 *   t  toggle a value (multiple choice)      d  done (multiple choice)
 *   p  show a page of choices (ARG = page)   k  keep the current answer
 *   x  skip an optional item
 * A press for another run, an item that is not the current one, or a value
 * the item does not offer is refused and changes nothing.
 */
#ifndef MB_SURVEY_H
#define MB_SURVEY_H

#include <stddef.h>

#include "handlers/context.h"
#include "handlers/reply.h"
#include "storage/profiles.h"
#include "storage/surveys.h"
#include "util/instrument.h"

#define SURVEY_PAGE_SIZE 8          /* choice buttons on one page, at most */
#define SURVEY_FILES_MAX 64         /* instrument files in one folder */

/*
 * Reads every .json file of <locales_dir>/surveys in name order, checks each instrument
 * (structure, profile codes, a key used by one file only) and stores a new
 * version of every instrument whose body differs from its latest stored
 * version. Runs in its own transaction unless one is open. On failure
 * nothing is stored and err gets one line naming the file and the item.
 */
mb_status surveys_load_dir(db *d, const char *locales_dir, char *err, size_t err_size);

/* The instrument key a participant fills in: "teacher_request" for a
 * mentee who is a teacher, "pupil_request" for other mentees,
 * "mentor_competence" for mentors; NULL for anyone else. */
const char *survey_key_for(const account *a);

/* Checks the "profile" fields of an instrument against the profile codes
 * (storage/profiles.h); err gets "FILE: item "id": ..." on failure. */
mb_status survey_profile_check(const instrument *ins, const char *file, char *err, size_t err_size);

/* Rewrites the profile fields the instrument feeds from a finished run's
 * answers, keeping the fields it does not feed. */
mb_status survey_profile_write(db *d, int64_t account_id, const instrument *ins, const cJSON *answers);

/* Starts a run of an instrument version for the sender, for a poll wave
 * (wave_id, 0 = none), sends the instrument's intro and asks the first
 * item; *run_id gets the run. */
mb_status survey_run_begin(hctx *h, int64_t instrument_id, int64_t wave_id, int64_t *run_id);
/* Asks the sender's open run from where it stopped; MB_ERR_NOT_FOUND when
 * the run is finished, MB_ERR_DENIED when it is someone else's. */
mb_status survey_run_continue(hctx *h, int64_t run_id);

/* A run being asked, with its instrument version parsed. */
typedef struct survey_session {
    survey_run run;
    const instrument *ins;   /* shared: not freed with the session */
    int version;
    cJSON *answers;       /* {"item": "value"} */
} survey_session;

/* survey_items.c: the message that asks item index of the session. notice
 * (may be NULL) goes first, e.g. why a typed answer was refused. When
 * edit_message names a message (event.button_message, not empty) that
 * message is edited instead of a new one sent. */
mb_status survey_item_show(hctx *h, const survey_session *s, int index, int page, const char *notice,
                           const char *edit_message);
/* Choice buttons on one page for the sender's platform: SURVEY_PAGE_SIZE,
 * or fewer where a message may carry fewer buttons (VK: 10 in all, and a
 * page also needs the two arrows and "Done"). */
int survey_page_size(const hctx *h);
/* A text of the instrument for the respondent: its pupil wording («ты»)
 * when the respondent is a pupil and the text has one. */
const char *survey_text(const hctx *h, const cJSON *t);
/* The reason a typed answer is refused, in the person's language (caller frees). */
char *survey_problem_text(hctx *h, const instrument_item *it, answer_problem problem);
/* What was understood from a typed answer that needed reading («Записали:
 * 1 сентября 2025» for a date), malloc'd; NULL when there is nothing to say. */
char *survey_typed_echo(hctx *h, const instrument_item *it, const char *typed);
/* 1 when the item is asked of this person (its condition holds and
 * registration does not already answer it). */
int survey_item_shown(const hctx *h, const survey_session *s, int index);
/* The answer registration gives an item with a prefill, into buf; 0 when none. */
int survey_prefill(const hctx *h, const instrument_item *it, char *buf, size_t size);

#endif

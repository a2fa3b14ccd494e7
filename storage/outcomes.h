/*
 * Outcome records: what the indicators count and the bot cannot observe by
 * itself (a mentor's training, a pupil's better grade, a contest, a hosted
 * event ...), entered by a curator in the chat or from a CSV file
 * (docs/records.md lists the kinds and the fields each one takes).
 *
 * A record belongs to an organisation and usually to a person of it
 * (account_id 0 = the organisation's own, e.g. a career-guidance event).
 * happened_on is the day it happened, stored as UTC midnight of that date
 * in milliseconds (the organisation's local date, not an instant).
 */
#ifndef MB_OUTCOMES_H
#define MB_OUTCOMES_H

#include <stddef.h>
#include <stdint.h>

#include "storage/db.h"

#define OUTCOME_TEXT_MAX 120     /* characters of a subject or a title */
#define OUTCOME_TEXT_BYTES 484   /* 120 characters of up to 4 bytes, plus NUL */
#define OUTCOME_COUNT_MAX 100000 /* attendees of one event */
#define OUTCOME_LIST_MAX 50      /* records a person's card shows */

/* The kinds, in the order a curator is offered them. */
#define OUTCOME_KINDS \
    X(training) X(grade_improved) X(contest) X(olympiad) X(project) X(project_lead) X(career_event) \
    X(management_reserve) X(became_mentor) X(event_hosted) X(event_attended) X(presentation) \
    X(practice_expertise) X(class_results)

/* What a kind takes besides its date (bits). */
enum {
    OUTCOME_FIELD_LEVEL = 1,    /* school | municipal | regional | federal */
    OUTCOME_FIELD_SUBJECT = 2,  /* the subject a grade improved in */
    OUTCOME_FIELD_TITLE = 4,    /* a short title: a project, an event, a talk */
    OUTCOME_FIELD_RESULT = 8,   /* positive | stable | negative */
    OUTCOME_FIELD_COUNT = 16    /* attendees of a hosted event */
};

typedef struct outcome {
    int64_t id;
    int64_t account_id;         /* 0 = the organisation's own record */
    int64_t org_id;
    int64_t mentorship_id;      /* 0 = none */
    char kind[24];
    char level[12];             /* "" = none */
    char subject[OUTCOME_TEXT_BYTES];
    char title[OUTCOME_TEXT_BYTES];
    char result[12];            /* "" = none */
    int count;                  /* -1 = none */
    int64_t happened_on;        /* UTC midnight of the date, ms */
    char source[8];             /* chat | csv | auto */
    int64_t entered_by;         /* 0 = the administrator or the bot */
    int64_t created_at;
} outcome;

/* The index of a kind in OUTCOME_KINDS, -1 when unknown; and back (NULL
 * when out of range). */
int outcome_kind_index(const char *kind);
const char *outcome_kind_name(int index);
int outcome_kind_count(void);

/* The OUTCOME_FIELD_x bits a kind needs (each of them required); 0 for an
 * unknown kind. A result of practice_expertise is positive or negative only. */
unsigned outcome_kind_fields(const char *kind);

/* 1 when s is a level, a result that kind takes. */
int outcome_level_valid(const char *s);
int outcome_result_valid(const char *kind, const char *s);

/* Checks o against its kind: every field it needs is given, no other is;
 * a static sentence naming the first problem, NULL when o is good. */
const char *outcome_problem(const outcome *o);

/* Stores o (created_at stamped now), *id_out its id when not NULL.
 * MB_ERR_INVALID when outcome_problem finds one. */
mb_status outcome_add(db *d, const outcome *o, int64_t *id_out);

/* A person's records, newest day first, at most max into out; returns how
 * many there are in all (may exceed max), -1 on a database error. */
int outcome_list_for_account(db *d, int64_t account_id, outcome *out, int max);

/* An organisation's records (its people's and its own), newest day first,
 * like outcome_list_for_account. */
int outcome_list_for_org(db *d, int64_t org_id, outcome *out, int max);

/* One record; MB_ERR_NOT_FOUND when there is none. */
mb_status outcome_get(db *d, int64_t id, outcome *out);

/* Deletes record id of org_id (the organisation a curator may see):
 * MB_ERR_NOT_FOUND when there is no such record of that organisation. */
mb_status outcome_delete(db *d, int64_t id, int64_t org_id);

/* The day YYYYMMDD as happened_on stores it, and back. */
int64_t outcome_day_ms(int ymd);
int outcome_day_ymd(int64_t ms);

#endif

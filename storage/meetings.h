/*
 * Meetings of mentorships: the plan of each pair or group (the target
 * model's встреча-знакомство, пробная рабочая встреча, встреча-планирование,
 * рабочие встречи, итоговая встреча), activities for mentees a curator
 * holds for several mentorships at once (training, business game,
 * mini-project, other), weekly series, each participant's response to the
 * proposed time and their answer afterwards, and the organisation's
 * holidays a series skips.
 *
 * A meeting's version starts at 1 and grows with every change of the
 * meeting itself (time, place, state), so a button carrying the version it
 * was made for can tell it is stale. A participant's response or answer is
 * their own row and does not change the version: one side answering must
 * not make the other side's buttons stale.
 *
 * Mentor and mentee answers are kept as each gave them; nothing here
 * averages or reconciles them. Ending a mentorship (by a curator or by
 * /forget) cancels its planned meetings from that moment on and stops its
 * series (a trigger of schema migration 9).
 *
 * Writes run under their own savepoint: inside the caller's transaction
 * they undo only themselves on an error; outside one they are one.
 */
#ifndef MB_MEETINGS_H
#define MB_MEETINGS_H

#include <stddef.h>
#include <stdint.h>

#include "storage/db.h"

#define MEETING_TOPIC_MAX 200          /* characters of a topic */
#define MEETING_PLACE_MAX 200          /* characters of a place */
#define MEETING_LINK_MAX 500           /* bytes of a link */
#define MEETING_COMMENT_MAX 1000       /* characters of an after-meeting comment */
#define MEETING_MINUTES_DEFAULT 60
#define MEETING_MINUTES_MAX 480
#define MEETING_AHEAD_MAX_MS (366LL * 86400000LL)   /* how far ahead a meeting may be planned */
#define MEETING_ACTIVITY_MENTORSHIPS_MAX 100        /* mentorships one activity may bring together */
#define MEETING_SERIES_MAX 60          /* meetings one series may make (a school year of weeks) */

/* Codes as stored; the words people read are in the catalogs (meeting.kind.<code>). */
#define MEETING_KINDS "intro, trial, planning, work, final, training, business_game, mini_project, activity"

#define MEETING_TOPIC_BYTES (MEETING_TOPIC_MAX * 4 + 1)
#define MEETING_PLACE_BYTES (MEETING_PLACE_MAX * 4 + 1)
#define MEETING_LINK_BYTES (MEETING_LINK_MAX + 1)

typedef struct meeting {
    int64_t id;
    int64_t org_id;
    int64_t mentorship_id;      /* 0 for an activity of several mentorships */
    int64_t series_id;          /* 0 = not part of a series */
    char kind[16];              /* one of MEETING_KINDS */
    char topic[MEETING_TOPIC_BYTES];   /* "" = none */
    char format[12];            /* online | in_person */
    char place[MEETING_PLACE_BYTES];   /* in person: where ("" = not said) */
    char link[MEETING_LINK_BYTES];     /* online: the call's address ("" = not said) */
    int64_t starts_at;          /* UTC ms */
    int minutes;
    char state[12];             /* planned | held | missed | cancelled */
    int64_t created_by;         /* the account that planned it; 0 = the admin CLI */
    int64_t created_at;
    int64_t updated_at;
    int version;
} meeting;

typedef struct meeting_participant {
    int64_t account_id;
    char role[8];               /* mentor | mentee */
    char response[12];          /* none | accepted | declined | proposed */
    int64_t proposed_at;        /* the other time asked for (response proposed), else 0 */
    int64_t responded_at;       /* 0 = not yet */
    char outcome[12];           /* "" = not answered | happened | moved | not_held */
    int usefulness;             /* 1..5 when it happened and was rated, else 0 */
    char comment[MEETING_COMMENT_MAX * 4 + 1];   /* "" = none */
    int64_t answered_at;        /* 0 = not yet */
} meeting_participant;

/* What a new meeting is to be; strings may be NULL for "none". */
typedef struct meeting_plan {
    const char *kind;           /* NULL = work */
    const char *topic;
    const char *place;          /* in person: where */
    const char *link;           /* online: the address; place and link exclude each other */
    int online;                 /* 1 = online (also implied by a link), 0 = in person */
    int64_t starts_at;          /* UTC ms */
    int minutes;                /* 0 = MEETING_MINUTES_DEFAULT */
    int64_t created_by;         /* account id; 0 = the admin CLI */
} meeting_plan;

/* Why a plan is refused. */
typedef enum meeting_problem {
    MEETING_PLAN_OK = 0,
    MEETING_BAD_KIND,           /* not one of MEETING_KINDS (or a single meeting's kind for an activity) */
    MEETING_PLACE_AND_LINK,     /* both a place and a link */
    MEETING_PLACE_ONLINE,       /* a place for an online meeting */
    MEETING_BAD_TOPIC,          /* longer than MEETING_TOPIC_MAX or not one line of text */
    MEETING_BAD_PLACE,          /* longer than MEETING_PLACE_MAX or not one line of text */
    MEETING_BAD_LINK,           /* not an http(s) address of at most MEETING_LINK_MAX bytes */
    MEETING_BAD_MINUTES,        /* outside 1..MEETING_MINUTES_MAX */
    MEETING_IN_PAST,            /* starts before now */
    MEETING_TOO_FAR,            /* starts more than MEETING_AHEAD_MAX_MS after now */
    MEETING_SERIES_EMPTY        /* a series with no date left (the end date, holidays) */
} meeting_problem;

/* An English sentence for the operator and the log; never NULL. */
const char *meeting_problem_str(meeting_problem p);

/* 1 when kind is one of MEETING_KINDS; meeting_kind_is_activity: one of
 * the activities for mentees (training, business_game, mini_project,
 * activity), which may bring several mentorships together. */
int meeting_kind_valid(const char *kind);
int meeting_kind_is_activity(const char *kind);

/* Checks a plan against now, without touching the database. */
meeting_problem meeting_plan_check(const meeting_plan *p, int64_t now);

/*
 * Plans a meeting of one mentorship; its mentor and current mentees become
 * the participants, none of them has responded yet. Errors:
 * MB_ERR_INVALID when the plan is refused (*problem says why; problem may
 * be NULL), MB_ERR_NOT_FOUND when there is no such mentorship,
 * MB_ERR_EXPIRED when it has ended. Nothing is written on an error.
 */
mb_status meeting_add(db *d, int64_t mentorship_id, const meeting_plan *p, int64_t now, int64_t *id_out,
                      meeting_problem *problem);

/*
 * Plans an activity (meeting_kind_is_activity) for n active mentorships of
 * one organisation: every mentor and current mentee takes part once. The
 * errors of meeting_add; MB_ERR_INVALID also when the mentorships belong to
 * different organisations, MB_ERR_LIMIT when n is outside
 * 1..MEETING_ACTIVITY_MENTORSHIPS_MAX.
 */
mb_status meeting_add_activity(db *d, const int64_t *mentorships, int n, const meeting_plan *p, int64_t now,
                               int64_t *id_out, meeting_problem *problem);

/* One meeting; MB_ERR_NOT_FOUND when there is none. */
mb_status meeting_load(db *d, int64_t id, meeting *out);

/* The participants of a meeting, mentor first, then by account id: at most
 * max into out (may be NULL with max 0 to count). Returns how many there
 * are, -1 on a database error. */
int meeting_participants(db *d, int64_t meeting_id, meeting_participant *out, int max);

/* All participants of a meeting (at most max) into a malloc'd *out, which
 * the caller frees (NULL when none); returns how many, -1 on an error. */
int meeting_participants_all(db *d, int64_t meeting_id, int max, meeting_participant **out);

/* The mentorships a meeting belongs to (one, or several for an activity),
 * by id; returns how many (at most max written), -1 on an error. */
int meeting_mentorships(db *d, int64_t meeting_id, int64_t *ids, int max);

/*
 * A participant's response to the proposed time: "accepted", "declined",
 * or "proposed" with another time proposed_at (which meeting_move may then
 * take). version is the one the button was made for (0 = do not check).
 * MB_ERR_EXPIRED when the version is not the current one or the meeting is
 * no longer planned; MB_ERR_NOT_FOUND when the account does not take part;
 * MB_ERR_INVALID for an unknown response or a proposed time not in the
 * future (before now).
 */
mb_status meeting_respond(db *d, int64_t meeting_id, int version, int64_t account_id, const char *response,
                          int64_t proposed_at, int64_t now);

/*
 * Moves a planned meeting to starts_at: every response goes back to none
 * but by's (accepted: whoever moved it agrees with the new time; 0 = the
 * admin CLI). The version grows. MB_ERR_EXPIRED when stale or not
 * planned, MB_ERR_INVALID for a time in the past or too far ahead.
 */
mb_status meeting_move(db *d, int64_t id, int version, int64_t starts_at, int64_t by, int64_t now);

/* Sets a planned meeting's place (in person), link (online) or topic at
 * version, growing the version; "" takes it away. MB_ERR_INVALID when the
 * value is refused (*problem says why; may be NULL), MB_ERR_EXPIRED when
 * the meeting changed or is no longer planned. */
typedef enum meeting_detail { MEETING_DETAIL_PLACE, MEETING_DETAIL_LINK, MEETING_DETAIL_TOPIC } meeting_detail;
mb_status meeting_set_detail(db *d, int64_t id, int version, meeting_detail what, const char *value, int64_t now,
                             meeting_problem *problem);

/* Cancels a planned meeting; the version grows. MB_ERR_NOT_FOUND when
 * there is no such meeting, MB_ERR_EXPIRED when stale or not planned. */
mb_status meeting_cancel(db *d, int64_t id, int version, int64_t now);

/* Marks a planned meeting held or missed (the curator's or the reminder
 * job's conclusion from the answers); the version grows. Errors as for
 * meeting_cancel, MB_ERR_INVALID for another state. */
mb_status meeting_mark(db *d, int64_t id, int version, const char *state, int64_t now);

/*
 * A participant's answer after the meeting: outcome happened, moved or
 * not_held; usefulness 1..5 (0 = not rated) and comment (NULL or "" =
 * none) only with happened. Given again, it replaces their earlier answer;
 * the other participants' answers stay as they are. MB_ERR_INVALID for an
 * unknown outcome, a usefulness out of range or given without happened, a
 * comment too long; MB_ERR_NOT_FOUND when the account does not take part;
 * MB_ERR_EXPIRED when the meeting was cancelled or has not started yet.
 */
mb_status meeting_answer(db *d, int64_t meeting_id, int64_t account_id, const char *outcome, int usefulness,
                         const char *comment, int64_t now);

/* Meetings of an organisation starting in [from, to), by time then id,
 * cancelled ones included only when with_cancelled; at most max after
 * skipping offset. *out is malloc'd (caller frees; NULL when none). */
mb_status meeting_list_org(db *d, int64_t org_id, int64_t from, int64_t to, int with_cancelled, int offset, int max,
                           meeting **out, int *n);

/* A participant's meetings starting in [from, to), as meeting_list_org. */
mb_status meeting_list_person(db *d, int64_t account_id, int64_t from, int64_t to, int with_cancelled, int offset,
                              int max, meeting **out, int *n);

/* Every meeting of a mentorship (activities it takes part in too), by time. */
mb_status meeting_list_mentorship(db *d, int64_t mentorship_id, int offset, int max, meeting **out, int *n);

/* ---- weekly series (storage/meeting_series.c) ---- */

/*
 * A weekly series of one mentorship: the first meeting at p->starts_at,
 * then every 7 days at the same local time in the organisation's timezone
 * (across daylight-saving changes) while it starts before until (UTC ms;
 * 0 = the end of the organisation's programme, meeting_program_end), at
 * most MEETING_SERIES_MAX meetings and never more than MEETING_AHEAD_MAX_MS
 * ahead. A week whose local date is one of the organisation's holidays, or
 * whose time the zone skips, is skipped. *count gets the number of
 * meetings made (may be NULL). Errors as for meeting_add; MB_ERR_NOT_FOUND
 * also when until is 0 and there is no programme; MB_ERR_INVALID with
 * MEETING_SERIES_EMPTY when no date is left.
 */
mb_status meeting_series_add(db *d, int64_t mentorship_id, const meeting_plan *p, int64_t until, int64_t now,
                             int64_t *series_id, int *count, meeting_problem *problem);

/* Stops a series: its planned meetings from now on are cancelled.
 * *cancelled (may be NULL) gets how many. MB_ERR_NOT_FOUND when there is
 * no such active series. */
mb_status meeting_series_stop(db *d, int64_t series_id, int64_t now, int *cancelled);

/* The end of the organisation's latest programme: 1 June of the year
 * after its school year begins, 00:00 in the organisation's timezone.
 * MB_ERR_NOT_FOUND when it has none. */
mb_status meeting_program_end(db *d, int64_t org_id, int64_t *out);

/* ---- holidays of an organisation (storage/meeting_series.c) ---- */

#define MEETING_HOLIDAY_NAME_MAX 100   /* characters */
#define MEETING_HOLIDAYS_MAX 1000      /* dates kept per organisation */

typedef struct meeting_holiday {
    char date[11];              /* YYYY-MM-DD, the organisation's local date */
    char name[MEETING_HOLIDAY_NAME_MAX * 4 + 1];   /* "" = none */
} meeting_holiday;

/* 1 when s is a real calendar date written YYYY-MM-DD (31.02 is not). */
int meeting_date_valid(const char *s);

/* Adds a holiday. MB_ERR_INVALID for a bad date or name, MB_ERR_EXISTS
 * when the date is there already, MB_ERR_LIMIT past MEETING_HOLIDAYS_MAX. */
mb_status meeting_holiday_add(db *d, int64_t org_id, const char *date, const char *name, const char *added_by,
                              int64_t now);

/* MB_ERR_NOT_FOUND when the date is not a holiday of the organisation. */
mb_status meeting_holiday_remove(db *d, int64_t org_id, const char *date);

/* The organisation's holidays by date, at most max; returns how many were
 * written, -1 on an error. */
int meeting_holiday_list(db *d, int64_t org_id, meeting_holiday *out, int max);

/* 1 when date is a holiday of the organisation (its name into name, which
 * may be NULL), 0 when not, -1 on an error. */
int meeting_holiday_is(db *d, int64_t org_id, const char *date, char *name, size_t size);

#endif

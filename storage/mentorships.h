/*
 * Mentorships: pairs and groups (one mentor, several mentees), the unmatched
 * queue, the curator's rejections, and the programme an organisation runs.
 *
 * A mentee is in at most one active mentorship; the unique index
 * mentee_one_active guards it, so when two curators confirm the same mentee
 * the second write fails with MB_ERR_EXISTS and nothing of it remains.
 * Writes run under their own savepoint: inside the update's transaction
 * they undo only themselves; outside one they are a transaction.
 */
#ifndef MB_MENTORSHIPS_H
#define MB_MENTORSHIPS_H

#include <stdint.h>

#include "storage/db.h"

#define MENTORSHIP_GROUP_MAX 30   /* mentees in one group */
#define MENTORSHIP_FORM_MAX 24    /* bytes of a form code with its NUL */

/* A mentee in the queue or a mentor, with what matching reads. */
typedef struct mentorship_candidate {
    int64_t id;
    int64_t org_id;
    char category[20];
    int grade;
    int has_profile;          /* 0: the survey is not filled in yet */
    uint32_t topics;          /* PROFILE_TOPIC_x bits */
    uint32_t forms;           /* PROFILE_FORM_x bits, 0 = any */
    uint32_t slots;           /* PROFILE_SLOT_x bits */
    char meeting_mode[12];
    int capacity;             /* mentors: mentees they can take */
    int load;                 /* mentors: mentees in their active mentorships */
} mentorship_candidate;

/* A curator's "not this mentor for this mentee". */
typedef struct mentorship_rejection {
    int64_t mentee_id;
    int64_t mentor_id;
} mentorship_rejection;

typedef struct mentorship {
    int64_t id;
    int64_t org_id;
    int64_t program_id;       /* 0 = none */
    char form[MENTORSHIP_FORM_MAX];
    int64_t mentor_id;
    char state[12];           /* active | ended */
    int64_t created_at;
    int64_t ended_at;
    int nmentees;             /* current members (all members once ended) */
    int64_t mentees[MENTORSHIP_GROUP_MAX];
} mentorship;

/* An organisation's programme of the latest school year. */
typedef struct mentorship_program {
    int64_t id;
    int year;
    int stage;                /* 1..7 */
    char forms[256];          /* as stored: codes, comma-separated or a JSON array */
} mentorship_program;

/*
 * The unmatched queue of an organisation: active mentees with no active
 * mentorship, by id. *out is malloc'd (caller frees; NULL when empty).
 */
mb_status mentorship_load_queue(db *d, int64_t org_id, mentorship_candidate **out, int *n);

/* Active mentors of an organisation with their current load, by id. */
mb_status mentorship_load_mentors(db *d, int64_t org_id, mentorship_candidate **out, int *n);

/* One account as a candidate (any role and status). MB_ERR_NOT_FOUND when
 * there is no such account. */
mb_status mentorship_load_candidate(db *d, int64_t account_id, mentorship_candidate *out);

/* Every rejection recorded for mentees of an organisation, ordered by
 * mentee then mentor. *out is malloc'd (caller frees). */
mb_status mentorship_load_rejections(db *d, int64_t org_id, mentorship_rejection **out, int *n);

/* The mentors rejected for one mentee (at most max ids); returns the count. */
int mentorship_rejected_for(db *d, int64_t mentee_id, int64_t *ids, int max);

/* Records that mentor must not be proposed to mentee again (idempotent). */
mb_status mentorship_reject(db *d, int64_t mentee_id, int64_t mentor_id);

/*
 * Creates a mentorship of form in org with mentor and n mentees (1 = a
 * pair, more = a group). Checked in the same transaction: the mentor is an
 * active mentor of org with places for n more; every mentee is an active
 * mentee of org. Errors: MB_ERR_NOT_FOUND when the mentor or a mentee is
 * not (or no longer) an active participant of org, MB_ERR_LIMIT when the
 * mentor has no place left (or n is out of 1..MENTORSHIP_GROUP_MAX),
 * MB_ERR_EXISTS when a mentee is already in an active mentorship. Nothing
 * is written on an error.
 */
mb_status mentorship_create(db *d, int64_t org_id, int64_t program_id, const char *form, int64_t mentor_id,
                            const int64_t *mentees, int n, int64_t created_by, int64_t *id_out);

/* Adds a mentee to an active mentorship, making it a group; the same
 * checks and errors as mentorship_create (MB_ERR_NOT_FOUND also when the
 * mentorship is not active). */
mb_status mentorship_add_mentee(db *d, int64_t mentorship_id, int64_t mentee_id);

/* Ends an active mentorship: its members leave, so they are back in the
 * queue. MB_ERR_NOT_FOUND when it is not active. */
mb_status mentorship_end(db *d, int64_t mentorship_id);

/* Loads one mentorship with its current members. */
mb_status mentorship_load(db *d, int64_t id, mentorship *out);

/* The active mentorship of a mentee, if any (MB_ERR_NOT_FOUND otherwise). */
mb_status mentorship_of_mentee(db *d, int64_t mentee_id, mentorship *out);

/* An active mentorship of mentor with form (the oldest), for making a group. */
mb_status mentorship_find_group(db *d, int64_t mentor_id, const char *form, mentorship *out);

/* A mentor's active mentorships, oldest first, at most max into out. */
mb_status mentorship_list_of_mentor(db *d, int64_t mentor_id, mentorship *out, int max, int *n);

/*
 * Active mentorships of an organisation by id, at most max starting after
 * `offset` of them; *out is malloc'd (caller frees). *total gets the count
 * of all active ones when not NULL.
 */
mb_status mentorship_list(db *d, int64_t org_id, int offset, int max, mentorship **out, int *n, int *total);

/* Counts for the curator's menu. */
int mentorship_count_people(db *d, int64_t org_id, const char *role);   /* active mentors or mentees */
int mentorship_count_queue(db *d, int64_t org_id);
int mentorship_count_active(db *d, int64_t org_id);

/*
 * Accounts of an organisation with role, active, by id: ids of at most max
 * starting at offset. Returns how many were written.
 */
int mentorship_list_people(db *d, int64_t org_id, const char *role, int offset, int64_t *ids, int max);

/* The queue's mentee ids by id, paged like mentorship_list_people. */
int mentorship_list_queue(db *d, int64_t org_id, int offset, int64_t *ids, int max);

/* The organisation's programme of the latest year; MB_ERR_NOT_FOUND when none. */
mb_status mentorship_program_load(db *d, int64_t org_id, mentorship_program *out);

/* Moves a programme from stage `from` to `to`; MB_ERR_NOT_FOUND when its
 * stage is no longer `from` (another curator moved it). */
mb_status mentorship_program_set_stage(db *d, int64_t program_id, int from, int to);

#endif

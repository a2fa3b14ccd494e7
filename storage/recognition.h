/*
 * What mentor recognition counts (docs/recognition.md): for a mentor, the
 * meetings held that both sides confirmed, the poll waves they answered,
 * the mentorships they completed and the outcome records of theirs and of
 * their mentees; whether they hide from published rankings; and
 * announcements to mentors with the outbox rows they took, to count what
 * arrived.
 *
 * A mentorship is completed when it ended after its final meeting
 * (kind 'final') was held and confirmed by both sides. One ended earlier,
 * by the curator or because someone erased their data (/forget), is not.
 */
#ifndef MB_RECOGNITION_H
#define MB_RECOGNITION_H

#include <stdint.h>

#include "storage/accounts.h"
#include "storage/db.h"

#define RECOGNITION_OUTCOME_LEVELS 4  /* school (or none), municipal, regional, federal */
#define RECOGNITION_MENTORS_MAX 5000  /* mentors of one organisation ranked */

/* What a mentor did. */
typedef struct recognition_counts {
    int meetings;                     /* held, confirmed by the mentor and a mentee */
    int polls;                        /* poll waves the mentor answered */
    int completed;                    /* mentorships completed */
    int outcomes[RECOGNITION_OUTCOME_LEVELS];  /* achievements of the mentor and their mentees, by level */
} recognition_counts;

/* One mentor of an organisation with what they did. */
typedef struct recognition_entry {
    int64_t account_id;
    char name[ACCOUNT_NAME_BYTES];
    int hidden;                       /* hides from published rankings */
    int mentees;                      /* their team: the mentees they ever had */
    recognition_counts counts;
    long long points;                 /* filled by the caller, from its rules */
} recognition_entry;

/* Counts what mentor_id did, over all their time in the programme. */
mb_status recognition_count(db *d, int64_t mentor_id, recognition_counts *out);

/* The active mentors of org_id with their counts and teams, by id. *out is
 * malloc'd (caller frees; NULL when none). */
mb_status recognition_org_mentors(db *d, int64_t org_id, recognition_entry **out, int *n);

/* 1 when mentorship_id is completed (see above), 0 when not or unknown. */
int recognition_mentorship_completed(db *d, int64_t mentorship_id);

/* 1 when the final meeting of mentorship_id was held and confirmed by both
 * sides (ended or not), with its start in *at_ms; 0 otherwise. */
int recognition_final_held(db *d, int64_t mentorship_id, int64_t *at_ms);

/* The chat of the parent who confirmed minor_id's participation in the
 * bot, the latest one: MB_ERR_NOT_FOUND when none did (paper consent, an
 * adult pupil). platform holds at least 8 bytes. */
mb_status recognition_guardian_chat(db *d, int64_t minor_id, char *platform, size_t size, int64_t *chat_id);

/* Whether account_id hides from published rankings, and setting it. */
int recognition_is_hidden(db *d, int64_t account_id);
mb_status recognition_set_hidden(db *d, int64_t account_id, int hidden, int64_t now);

/* ---- announcements ---- */

/* The highest outbox id so far (0 when empty): taken before and after
 * queuing an announcement in one transaction, the ids between are its. */
int64_t announcement_outbox_mark(db *d);

/* Records an announcement whose messages are outbox rows (first, last]. */
mb_status announcement_add(db *d, int64_t sender_id, int64_t org_id, int64_t territory_id, int recipients,
                           int64_t first, int64_t last, int64_t now, int64_t *id_out);

/* How an announcement's messages fared, per recipient: delivered when all
 * their messages were sent, failed when one was refused or its fate is
 * unknown, waiting while one is still on its way. */
typedef struct announcement_tally {
    int64_t sender_id;                /* 0 when the sender's account is gone */
    int recipients;
    int delivered;
    int failed;
    int waiting;
    int64_t created_at;
    int64_t reported_at;              /* 0 until the sender was told */
} announcement_tally;

mb_status announcement_tally_load(db *d, int64_t id, announcement_tally *out);

/* Marks that the sender was told; MB_ERR_NOT_FOUND when already marked. */
mb_status announcement_mark_reported(db *d, int64_t id, int64_t now);

#endif

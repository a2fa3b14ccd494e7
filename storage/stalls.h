/*
 * Stalled mentorships: the rules that tell a mentorship has stalled, read
 * from its own meetings (storage/meetings.h), and the record of each stall
 * episode, so the mentor's nudge and the curator's flag go once.
 *
 * A meeting is held when its state is held or any participant answered
 * "happened". A mentorship has stalled, the first rule that holds winning:
 *   never       no held meeting at all, stall_days after the mentorship began;
 *   no_meeting  the latest held meeting began stall_days ago or more;
 *   missed      its last two answered meetings were missed: marked missed,
 *               answered "not_held" by the mentor, or "not_held" by everyone
 *               who answered;
 *   useless     its last two answered meetings each got a usefulness of 1
 *               or 2 from someone;
 *   silent      in its last two meetings that began STALL_ASKED_MS ago or
 *               more (so the question after each and its repeat were sent),
 *               a participant answered neither a reminder nor the question
 *               while someone of the other side (mentor or mentee) answered
 *               the question.
 * "Answered meeting": not cancelled, begun, and marked held or missed or
 * answered by someone. Only the mentorship's own meetings count, not
 * activities shared with other mentorships.
 *
 * An episode begins when a rule holds and none is open; it ends when a
 * held meeting later than the one it began after appears, or no rule
 * holds any more. Nothing here sends anything (handlers/stall.c does).
 */
#ifndef MB_STALLS_H
#define MB_STALLS_H

#include <stdint.h>

#include "storage/db.h"

#define STALL_DAY_MS 86400000LL
#define STALL_ASKED_MS (2 * STALL_DAY_MS)   /* a meeting this old had its question and the repeat */

typedef enum stall_reason {
    STALL_NONE = 0,
    STALL_NEVER,
    STALL_NO_MEETING,
    STALL_MISSED,
    STALL_USELESS,
    STALL_SILENT
} stall_reason;

/* The code as stored ("never", "no_meeting", ...); "" for STALL_NONE. */
const char *stall_reason_code(stall_reason r);
/* The reason of a stored code; STALL_NONE for anything else. */
stall_reason stall_reason_parse(const char *code);

/* What the rules find for one mentorship now. */
typedef struct stall_facts {
    stall_reason reason;
    int64_t held_mark;     /* start of the latest held meeting, 0 = none */
    int64_t idle_since;    /* held_mark, or the mentorship's start when none */
    int64_t silent_id;     /* STALL_SILENT: the participant who stopped answering */
} stall_facts;

/*
 * Applies the rules to mentorship id (started at started_at) at now with
 * stall_days. Errors are the database's.
 */
mb_status stall_facts_of(db *d, int64_t id, int64_t started_at, int64_t now, int stall_days, stall_facts *out);

typedef struct stall_episode {
    int64_t mentorship_id;
    stall_reason reason;
    int64_t silent_id;     /* 0 = none */
    int64_t held_mark;     /* as in stall_facts when it began */
    int64_t idle_since;    /* as in stall_facts when it began */
    int64_t began_at;
    int64_t nudged_at;     /* 0 = not yet */
    int64_t flagged_at;    /* 0 = not yet */
    int64_t ended_at;      /* 0 = open */
} stall_episode;

/* The latest episode of a mentorship; MB_ERR_NOT_FOUND when it never stalled. */
mb_status stall_episode_load(db *d, int64_t mentorship_id, stall_episode *out);

/* Begins a new episode from f at now, replacing an ended one. */
mb_status stall_episode_begin(db *d, int64_t mentorship_id, const stall_facts *f, int64_t now);

/* Records the nudge to the mentor, the flag to the curator, the end. */
mb_status stall_episode_nudged(db *d, int64_t mentorship_id, int64_t at);
mb_status stall_episode_flagged(db *d, int64_t mentorship_id, int64_t at);
mb_status stall_episode_end(db *d, int64_t mentorship_id, int64_t at);

/* Active mentorships with an id above after, by id: at most max into ids;
 * returns how many (0 after a logged failure too). */
int stall_active_after(db *d, int64_t after, int64_t *ids, int max);

/* Active mentorships of an organisation with an open episode: how many,
 * and their ids, the longest stalled first, paged. */
int stall_count_org(db *d, int64_t org_id);
int stall_list_org(db *d, int64_t org_id, int offset, int64_t *ids, int max);

/* The mentorship's own meetings begun before now and not cancelled, the
 * latest first: at most max ids; returns how many. */
int stall_recent_meetings(db *d, int64_t mentorship_id, int64_t now, int64_t *ids, int max);

#endif

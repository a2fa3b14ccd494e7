/*
 * What storage/meetings.c shares with storage/meeting_series.c: the rows
 * a new meeting is written as, and the savepoint every write runs under.
 */
#ifndef MB_MEETINGS_INTERNAL_H
#define MB_MEETINGS_INTERNAL_H

#include "storage/meetings.h"
#include "storage/mentorships.h"

mb_status meeting_write_begin(db *d);
/* Releases the savepoint when rc is MB_OK, otherwise undoes the write;
 * returns rc (or the release's error). */
mb_status meeting_write_end(db *d, mb_status rc);

/* Loads mentorship id for a new meeting: MB_ERR_EXPIRED once ended. */
mb_status meeting_mentorship_active(db *d, int64_t id, mentorship *m);

/* Writes the meeting row of plan p (its checks already passed). */
mb_status meeting_insert(db *d, int64_t org_id, int64_t mentorship_id, int64_t series_id, const meeting_plan *p,
                         int64_t now, int64_t *id_out);

/* Links meeting_id to mentorship m and makes its people participants. */
mb_status meeting_join(db *d, int64_t meeting_id, const mentorship *m);

#endif

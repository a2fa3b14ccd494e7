/*
 * What participants are told about a meeting, in each reader's language
 * and variant (pupils with «ты»): shared by the admin CLI and the chat.
 */
#ifndef MB_MEETING_NOTICE_H
#define MB_MEETING_NOTICE_H

#include "handlers/context.h"
#include "storage/meetings.h"

#define MEETING_NOTICE_PARTICIPANTS_MAX 3100   /* an activity of MEETING_ACTIVITY_MENTORSHIPS_MAX full groups */

/*
 * Queues to every participant of m the text of key ("meeting.added",
 * "meeting.cancelled") with {kind}, {when} (the local time in the
 * organisation's zone), {minutes}, {where} (the place or the link) and
 * {topic} (a line of its own, or nothing). Someone with no messenger left
 * gets nothing. *told (may be NULL) gets how many were told. Runs in the
 * caller's transaction.
 */
mb_status meeting_notice_send(db *d, const bot_env *env, const meeting *m, const char *key, int *told);

/* The notice of a weekly series (meeting.added_weekly) whose first meeting
 * is first, count meetings in all ({count}); as meeting_notice_send. */
mb_status meeting_notice_send_series(db *d, const bot_env *env, const meeting *first, int count, int *told);

/* The meeting's local time in the organisation's zone, as people read it
 * in lang ("24.11.2026 15:00"). */
void meeting_notice_when(db *d, const meeting *m, const char *lang, char *buf, size_t size);

#endif

/*
 * Meetings in the chat (handlers/meetings.c): reminders and the question
 * after a meeting as jobs, and the buttons and typed times people answer
 * them with.
 */
#ifndef MB_MEETINGS_HANDLERS_H
#define MB_MEETINGS_HANDLERS_H

#include "handlers/context.h"
#include "storage/meetings.h"
#include "util/when.h"

#define JOB_MEETING_REMINDER "meeting_reminder"
#define JOB_MEETING_FOLLOWUP "meeting_followup"
#define JOB_MEETING_FOLLOWUP_AGAIN "meeting_followup_again"

/* Arms the reminders and the question after the meeting of m (planned),
 * in the caller's transaction; jobs of the same meeting and version armed
 * before are replaced. */
mb_status meeting_arm(db *d, const bot_env *env, const meeting *m);

/* After meeting_series_add: arms every meeting of series_id (of
 * mentorship_id) and tells the participants once, with its first meeting
 * and made meetings in all. The mentorship's meetings into *list
 * (malloc'd, *n of them), the first of the series' index into *first (-1
 * when none); *told (may be NULL) how many were told. */
mb_status meeting_series_announce(db *d, const bot_env *env, int64_t mentorship_id, int64_t series_id, int made,
                                  meeting **list, int *n, int *first, int *told);

/* Runs a job of the kinds above: nothing when the meeting changed since. */
mb_status meeting_run_job(db *d, const bot_env *env, const char *kind, const char *payload);

/* The catalog key that says why a typed meeting time was refused. */
const char *meeting_time_problem_key(when_status st);

/* "mt:" buttons. */
mb_status meeting_on_button(hctx *h, const char *action, const payload_field *f, int n);

/* A typed time or comment the meeting dialog waits for. */
int meeting_wants_text(const hctx *h);
mb_status meeting_on_text(hctx *h, const char *text);

#endif

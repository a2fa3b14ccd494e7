/*
 * What participants are told about a meeting, in each reader's language
 * and variant (pupils with «ты»): shared by the admin CLI and the chat.
 */
#ifndef MB_MEETING_NOTICE_H
#define MB_MEETING_NOTICE_H

#include "handlers/context.h"
#include "handlers/reply.h"
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

/* Who is told what, for meeting_notice_send_opts. */
typedef struct meeting_notice_opts {
    const char *key;            /* the text; {name} is the sender's name, {old} old_when */
    int count;                  /* {count} meetings (0 = none) */
    int64_t skip_account;       /* not told: the person who made the change (0 = none) */
    int skip_declined;          /* not those who said they cannot come */
    int only_unanswered;        /* only those who have not said whether it took place */
    const char *name;           /* {name} */
    const char *old_when;       /* {old}: the time before a move */
    int64_t only_account;       /* only this participant (0 = everyone the rest allows) */
    /* 1 to leave a participant out, decided by the caller (NULL: nobody). */
    int (*leave_out)(db *d, const bot_env *env, const meeting *m, const meeting_participant *p, void *arg);
    void *leave_out_arg;
    /* Buttons under each reader's message, in their language (NULL: none). */
    void (*buttons)(const i18n *t, const char *lang, const meeting *m, keyboard *kb);
} meeting_notice_opts;

/* As meeting_notice_send, with the choices of o. */
mb_status meeting_notice_send_opts(db *d, const bot_env *env, const meeting *m, const meeting_notice_opts *o,
                                   int *told);

/* The notice of a weekly series (meeting.added_weekly) whose first meeting
 * is first, count meetings in all ({count}); as meeting_notice_send. */
mb_status meeting_notice_send_series(db *d, const bot_env *env, const meeting *first, int count, int *told);

/* The meeting's local time in the organisation's zone, as people read it
 * in lang ("24.11.2026 15:00"). */
void meeting_notice_when(db *d, const meeting *m, const char *lang, char *buf, size_t size);

/* The same in the zone of the reader (an account id), who may have chosen
 * their own (handlers/timezone.h). */
void meeting_notice_when_for(db *d, const meeting *m, int64_t reader, const char *lang, char *buf, size_t size);

#endif

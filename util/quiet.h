/*
 * Quiet hours: the part of the local day when the bot sends no reminders
 * (by default 21:00 to 08:00 in the organisation's zone). A reminder that
 * falls inside them is moved out: to the morning when that is still before
 * the meeting, else to the evening before. All arithmetic is done on wall
 * times of the zone, so a daylight-saving change inside the night moves
 * nothing by an hour.
 */
#ifndef MB_QUIET_H
#define MB_QUIET_H

#include <stdint.h>

#define QUIET_DEFAULT_START (21 * 60) /* minutes of the local day */
#define QUIET_DEFAULT_END (8 * 60)
#define QUIET_LEAD_MINUTES 30         /* how long before quiet hours a reminder moved earlier goes */

/* Quiet hours as minutes of the local day, 0..1439: from start (inclusive)
 * to end (exclusive). start > end wraps midnight; start == end is none. */
typedef struct quiet_hours {
    int start;
    int end;
} quiet_hours;

/* Flags of quiet_move. */
#define QUIET_EARLIER 1 /* always move before quiet hours (the reminder a day ahead) */

/* 1 when the instant ms (UTC milliseconds) lies in quiet hours in zone. */
int quiet_contains(const char *zone, int64_t ms, quiet_hours q);

/*
 * The time to send a reminder planned for send_ms. Outside quiet hours that
 * is send_ms itself. Inside them it is the end of that quiet period when
 * that is before deadline_ms (the meeting's start) and QUIET_EARLIER is not
 * in flags; otherwise QUIET_LEAD_MINUTES before the period began (the
 * evening before). The result can be earlier than the present: the caller
 * decides whether to send at once or not at all.
 */
int64_t quiet_move(const char *zone, int64_t send_ms, quiet_hours q, int64_t deadline_ms, int flags);

#endif

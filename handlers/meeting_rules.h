/*
 * The rules of meeting reminders and questions, from bot.conf's [meetings]
 * section (docs/meetings.md): when reminders go, the quiet hours in which
 * nothing is sent, when the question after a meeting comes, and when a
 * mentorship counts as stalled.
 */
#ifndef MB_MEETING_RULES_H
#define MB_MEETING_RULES_H

#define MEETING_REMINDERS_MAX 4

typedef struct meeting_rules {
    int reminder_minutes[MEETING_REMINDERS_MAX];   /* before the start, largest first */
    int nreminders;
    int quiet_start;          /* minutes of the local day: quiet from here... */
    int quiet_end;            /* ...to here (may wrap midnight); equal = no quiet hours */
    int followup_minutes;     /* the question "did it happen?" this long after the end */
    int followup_again_hours; /* one polite repeat this long after the question */
    int stall_days;           /* no held meeting for this long: a nudge, then the curator */
} meeting_rules;

/* 24 h and 1 h before, quiet 21:00-08:00, the question an hour after the
 * end and again a day later, stalled after 21 days. */
void meeting_rules_default(meeting_rules *r);

/* Reads "24h, 1h, 30m" (hours or minutes, largest first after sorting,
 * at most MEETING_REMINDERS_MAX, each up to 14 days) into r; 0 on success. */
int meeting_rules_parse_reminders(const char *text, meeting_rules *r);

/* Reads "21:00-08:00" into r's quiet hours ("" or "none": none); 0 on success. */
int meeting_rules_parse_quiet(const char *text, meeting_rules *r);

#endif

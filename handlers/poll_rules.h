/*
 * The rules of poll waves, from bot.conf's [polls] section
 * (docs/polls.md): the days of the school year on which the calendar
 * opens each wave, the reminders to those who have not answered, and the
 * smallest group whose answers a report shows.
 */
#ifndef MB_POLL_RULES_H
#define MB_POLL_RULES_H

#define POLL_REMINDERS_MAX 2        /* polite reminders a person gets, at most */
#define POLL_REMINDER_DAYS_MAX 60
#define POLL_MIN_GROUP_MAX 100

/* The kinds the calendar opens, in the order of poll_rules.dates. */
#define POLL_CALENDAR_KINDS 7
extern const char *const poll_calendar_kinds[POLL_CALENDAR_KINDS];

typedef struct poll_rules {
    int dates[POLL_CALENDAR_KINDS];  /* month * 100 + day of the school year; 0 = not scheduled */
    int reminder_days[POLL_REMINDERS_MAX];   /* after the invitation, ascending */
    int nreminders;
    int min_group;                   /* fewer respondents than this: answers are not shown */
    int open_hour;                   /* local hour at which a scheduled wave opens */
    int late_days;                   /* a wave not opened this long after its date is skipped */
} poll_rules;

/* start 01.10, interim 20.01, final 15.05, feedback 15.05, self-determination
 * 01.10 and 20.04, teachers not scheduled; reminders after 3 and 7 days;
 * groups of at least 5; opening at 10:00; skipped 14 days late. */
void poll_rules_default(poll_rules *r);

/* Index of kind in poll_calendar_kinds, -1 when the calendar has none. */
int poll_rules_kind_index(const char *kind);

/* Reads "01.10" (day.month) or "none" into *mmdd (0 for none); 0 on success. */
int poll_rules_parse_date(const char *text, int *mmdd);

/* Reads "3, 7" (days after the invitation, at most POLL_REMINDERS_MAX,
 * different, each 1..POLL_REMINDER_DAYS_MAX) or "none" into r; 0 on success. */
int poll_rules_parse_reminders(const char *text, poll_rules *r);

#endif

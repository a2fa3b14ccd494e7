#include "handlers/poll_rules.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

const char *const poll_calendar_kinds[POLL_CALENDAR_KINDS] = {
    "start", "interim", "final", "feedback", "selfdet_initial", "selfdet_final", "teachers",
};

void poll_rules_default(poll_rules *r)
{
    memset(r, 0, sizeof *r);
    static const int dates[POLL_CALENDAR_KINDS] = {1001, 120, 515, 515, 1001, 420, 0};
    memcpy(r->dates, dates, sizeof dates);
    r->reminder_days[0] = 3;
    r->reminder_days[1] = 7;
    r->nreminders = 2;
    r->min_group = 5;
    r->open_hour = 10;
    r->late_days = 14;
}

int poll_rules_kind_index(const char *kind)
{
    for (int i = 0; kind && i < POLL_CALENDAR_KINDS; i++)
        if (strcmp(poll_calendar_kinds[i], kind) == 0) return i;
    return -1;
}

static const char *skip_spaces(const char *p)
{
    while (*p == ' ' || *p == '\t') p++;
    return p;
}

static int is_none(const char *text)
{
    const char *p = skip_spaces(text);
    return strncmp(p, "none", 4) == 0 && !*skip_spaces(p + 4);
}

int poll_rules_parse_date(const char *text, int *mmdd)
{
    static const int month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (is_none(text)) {
        *mmdd = 0;
        return 0;
    }
    const char *p = skip_spaces(text);
    if (!isdigit((unsigned char)*p)) return -1;
    char *end;
    long day = strtol(p, &end, 10);
    if (*end != '.' || !isdigit((unsigned char)end[1])) return -1;
    long month = strtol(end + 1, &end, 10);
    if (*skip_spaces(end) || month < 1 || month > 12 || day < 1 || day > month_days[month - 1]) return -1;
    *mmdd = (int)(month * 100 + day);
    return 0;
}

int poll_rules_parse_reminders(const char *text, poll_rules *r)
{
    if (is_none(text)) {
        r->nreminders = 0;
        return 0;
    }
    int got[POLL_REMINDERS_MAX], n = 0;
    const char *p = skip_spaces(text);
    while (*p) {
        if (!isdigit((unsigned char)*p) || n == POLL_REMINDERS_MAX) return -1;
        char *end;
        long v = strtol(p, &end, 10);
        if (v < 1 || v > POLL_REMINDER_DAYS_MAX || (n > 0 && v <= got[n - 1])) return -1;
        got[n++] = (int)v;
        p = skip_spaces(end);
        if (*p == ',') p = skip_spaces(p + 1);
        else if (*p) return -1;
    }
    if (n == 0) return -1;
    memcpy(r->reminder_days, got, sizeof got[0] * (size_t)n);
    r->nreminders = n;
    return 0;
}

#include "handlers/meeting_rules.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define REMINDER_MINUTES_MAX (14 * 24 * 60)

void meeting_rules_default(meeting_rules *r)
{
    memset(r, 0, sizeof *r);
    r->reminder_minutes[0] = 24 * 60;
    r->reminder_minutes[1] = 60;
    r->nreminders = 2;
    r->quiet_start = 21 * 60;
    r->quiet_end = 8 * 60;
    r->followup_minutes = 60;
    r->followup_again_hours = 24;
    r->stall_days = 21;
}

static const char *skip_spaces(const char *p)
{
    while (*p == ' ' || *p == '\t') p++;
    return p;
}

int meeting_rules_parse_reminders(const char *text, meeting_rules *r)
{
    int got[MEETING_REMINDERS_MAX], n = 0;
    const char *p = skip_spaces(text);
    while (*p) {
        if (!isdigit((unsigned char)*p) || n == MEETING_REMINDERS_MAX) return -1;
        char *end;
        long v = strtol(p, &end, 10);
        int unit = *end == 'h' ? 60 : *end == 'm' ? 1 : 0;
        if (!unit || v <= 0 || v * unit > REMINDER_MINUTES_MAX) return -1;
        got[n++] = (int)(v * unit);
        p = skip_spaces(end + 1);
        if (*p == ',') p = skip_spaces(p + 1);
        else if (*p) return -1;
    }
    if (n == 0) return -1;
    for (int i = 1; i < n; i++)   /* largest first */
        for (int j = i; j > 0 && got[j] > got[j - 1]; j--) {
            int t = got[j];
            got[j] = got[j - 1];
            got[j - 1] = t;
        }
    for (int i = 1; i < n; i++)
        if (got[i] == got[i - 1]) return -1;
    memcpy(r->reminder_minutes, got, sizeof got[0] * (size_t)n);
    r->nreminders = n;
    return 0;
}

/* "HH:MM" at p into minutes of the day; the end of it into *end. */
static int clock_time(const char *p, const char **end)
{
    if (!isdigit((unsigned char)p[0]) || !isdigit((unsigned char)p[1]) || p[2] != ':' ||
        !isdigit((unsigned char)p[3]) || !isdigit((unsigned char)p[4]))
        return -1;
    int h = (p[0] - '0') * 10 + p[1] - '0', m = (p[3] - '0') * 10 + p[4] - '0';
    if (h > 23 || m > 59) return -1;
    *end = p + 5;
    return h * 60 + m;
}

int meeting_rules_parse_quiet(const char *text, meeting_rules *r)
{
    const char *p = skip_spaces(text);
    if (!*p || strcmp(p, "none") == 0) {
        r->quiet_start = r->quiet_end = 0;
        return 0;
    }
    const char *end;
    int start = clock_time(p, &end);
    if (start < 0) return -1;
    p = skip_spaces(end);
    if (*p != '-') return -1;
    int stop = clock_time(skip_spaces(p + 1), &end);
    if (stop < 0 || *skip_spaces(end)) return -1;
    r->quiet_start = start;
    r->quiet_end = stop;
    return 0;
}

#include "util/tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* TZ set to zone ("" or NULL: UTC) until zone_leave puts it back. */
typedef struct {
    char saved[256];
    int had;
} zone_env;

static void zone_enter(zone_env *z, const char *zone)
{
    const char *old = getenv("TZ");
    z->had = old != NULL;
    if (z->had) snprintf(z->saved, sizeof z->saved, "%s", old);
    setenv("TZ", zone && *zone ? zone : "UTC", 1);
    tzset();
}

static void zone_leave(zone_env *z)
{
    if (z->had) setenv("TZ", z->saved, 1);
    else unsetenv("TZ");
    tzset();
}

int tz_local(const char *zone, int64_t ms, struct tm *out)
{
    time_t secs = (time_t)(ms / 1000);
    if (!zone || !*zone) return gmtime_r(&secs, out) ? 0 : -1;
    zone_env z;
    zone_enter(&z, zone);
    int rc = localtime_r(&secs, out) ? 0 : -1;
    zone_leave(&z);
    return rc;
}

int tz_from_local(const char *zone, const struct tm *local, int64_t *ms)
{
    struct tm want = {0};
    want.tm_year = local->tm_year;
    want.tm_mon = local->tm_mon;
    want.tm_mday = local->tm_mday;
    want.tm_hour = local->tm_hour;
    want.tm_min = local->tm_min;
    /* Summer time first: of an hour repeated when the clocks go back, the
     * first occurrence is the one still in summer time. A guess that
     * mktime moves to another wall time does not exist in the zone. */
    zone_env z;
    zone_enter(&z, zone);
    int rc = -1;
    for (int dst = 1; dst >= 0 && rc; dst--) {
        struct tm t = want;
        t.tm_isdst = dst;
        time_t secs = mktime(&t);
        struct tm back;
        if (secs == (time_t)-1 || !localtime_r(&secs, &back)) continue;
        if (back.tm_year == want.tm_year && back.tm_mon == want.tm_mon && back.tm_mday == want.tm_mday &&
            back.tm_hour == want.tm_hour && back.tm_min == want.tm_min) {
            *ms = (int64_t)secs * 1000;
            rc = 0;
        }
    }
    zone_leave(&z);
    return rc;
}

void tz_format(const char *zone, int64_t ms, const char *lang, int with_time, char *buf, size_t size)
{
    struct tm tm;
    if (tz_local(zone, ms, &tm)) {
        snprintf(buf, size, "?");
        return;
    }
    int ru = !lang || strcmp(lang, "en") != 0;
    if (ru) snprintf(buf, size, "%02d.%02d.%04d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900);
    else snprintf(buf, size, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    size_t n = strlen(buf);
    if (with_time && n < size) snprintf(buf + n, size - n, " %02d:%02d", tm.tm_hour, tm.tm_min);
}

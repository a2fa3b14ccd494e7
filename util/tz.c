#include "util/tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int tz_local(const char *zone, int64_t ms, struct tm *out)
{
    time_t secs = (time_t)(ms / 1000);
    if (!zone || !*zone) return gmtime_r(&secs, out) ? 0 : -1;
    const char *old = getenv("TZ");
    char saved[256];
    int had = old != NULL;
    if (had) snprintf(saved, sizeof saved, "%s", old);
    setenv("TZ", zone, 1);
    tzset();
    int rc = localtime_r(&secs, out) ? 0 : -1;
    if (had) setenv("TZ", saved, 1);
    else unsetenv("TZ");
    tzset();
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

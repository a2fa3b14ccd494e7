#include "util/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int frozen;
static int64_t frozen_ms;
static int offset_loaded;
static int64_t offset_ms;

int64_t clock_now_ms(void)
{
    if (frozen) return frozen_ms;
    if (!offset_loaded) {
        const char *s = getenv("MENTORBOT_CLOCK_OFFSET_S");
        offset_ms = s ? (int64_t)strtoll(s, NULL, 10) * 1000 : 0;
        offset_loaded = 1;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 + offset_ms;
}

void clock_set_ms(int64_t ms) { frozen = 1; frozen_ms = ms; }
void clock_advance_ms(int64_t delta_ms) { if (frozen) frozen_ms += delta_ms; }
void clock_release(void) { frozen = 0; }

void clock_format_iso(int64_t ms, char *buf, size_t size)
{
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

int clock_year_utc(int64_t ms)
{
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    return tm.tm_year + 1900;
}

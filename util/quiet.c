#include "util/quiet.h"

#include "util/tz.h"
#include "util/when.h"

#include <time.h>

#define MINUTE_MS (60LL * 1000)
#define GAP_STEP_MINUTES 15 /* a boundary the clocks jump over moves forward in these steps */
#define GAP_MAX_MINUTES (3 * 60)

static int minute_of_day(const struct tm *t) { return t->tm_hour * 60 + t->tm_min; }

static int in_range(int minute, quiet_hours q)
{
    if (q.start == q.end) return 0;
    if (q.start < q.end) return minute >= q.start && minute < q.end;
    return minute >= q.start || minute < q.end;
}

int quiet_contains(const char *zone, int64_t ms, quiet_hours q)
{
    struct tm t;
    if (tz_local(zone, ms, &t)) return 0;
    return in_range(minute_of_day(&t), q);
}

/* The UTC moment of minute of the local day ymd; when the zone skips that
 * wall time, the first one after the jump. */
static int64_t boundary(const char *zone, int ymd, int minute)
{
    for (int late = 0; late <= GAP_MAX_MINUTES; late += GAP_STEP_MINUTES) {
        struct tm t = {0};
        int m = minute + late;
        int day = when_add_days(ymd, m / 1440);
        t.tm_year = day / 10000 - 1900;
        t.tm_mon = day / 100 % 100 - 1;
        t.tm_mday = day % 100;
        t.tm_hour = m % 1440 / 60;
        t.tm_min = m % 60;
        int64_t ms;
        if (tz_from_local(zone, &t, &ms) == 0) return ms;
    }
    return -1;
}

int64_t quiet_move(const char *zone, int64_t send_ms, quiet_hours q, int64_t deadline_ms, int flags)
{
    struct tm t;
    if (tz_local(zone, send_ms, &t)) return send_ms;
    int minute = minute_of_day(&t);
    if (!in_range(minute, q)) return send_ms;
    int today = (t.tm_year + 1900) * 10000 + (t.tm_mon + 1) * 100 + t.tm_mday;
    /* The local days the period began and ends on. */
    int began = today, ends = today;
    if (q.start > q.end) {
        if (minute >= q.start) ends = when_add_days(today, 1);
        else began = when_add_days(today, -1);
    }
    int64_t end_ms = boundary(zone, ends, q.end);
    if (!(flags & QUIET_EARLIER) && end_ms >= 0 && end_ms < deadline_ms) return end_ms;
    int64_t start_ms = boundary(zone, began, q.start);
    if (start_ms < 0) return send_ms;
    return start_ms - QUIET_LEAD_MINUTES * MINUTE_MS;
}

/*
 * Weekly series of meetings and the organisation's holidays they skip.
 * Dates are counted on the calendar of the organisation's timezone, so
 * «every Tuesday at 15:00» stays 15:00 there when the clocks change.
 */
#include "storage/meetings_internal.h"
#include "storage/records.h"
#include "util/text.h"
#include "util/tz.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define WEEK_DAYS 7

int meeting_date_valid(const char *s)
{
    int y, m, d;
    char tail;
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9')) return 0;
    if (y < 1970 || m < 1 || m > 12 || d < 1) return 0;
    /* timegm normalises 31.02 to 03.03: a real date comes back unchanged */
    struct tm t = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d, .tm_hour = 12};
    time_t secs = timegm(&t);
    struct tm back;
    return secs != (time_t)-1 && gmtime_r(&secs, &back) && back.tm_mday == d && back.tm_mon == m - 1;
}

static mb_status org_zone(db *d, int64_t org_id, char *zone, size_t size)
{
    org o;
    mb_status rc = org_get(d, org_id, &o);
    if (!rc) snprintf(zone, size, "%s", o.timezone);
    return rc;
}

mb_status meeting_program_end(db *d, int64_t org_id, int64_t *out)
{
    char zone[64];
    mb_status rc = org_zone(d, org_id, zone, sizeof zone);
    if (rc) return rc;
    sqlite3_stmt *st = db_stmt(d, "SELECT year FROM programs WHERE org_id = ?1 ORDER BY year DESC LIMIT 1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, org_id);
    int64_t year;
    if ((rc = db_step_int(d, st, &year))) return rc;
    struct tm end = {.tm_year = (int)year + 1 - 1900, .tm_mon = 5, .tm_mday = 1};
    return tz_from_local(zone, &end, out) ? MB_ERR_INVALID : MB_OK;
}

int meeting_holiday_is(db *d, int64_t org_id, const char *date, char *name, size_t size)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT COALESCE(name, '') FROM org_holidays WHERE org_id = ?1 AND day = ?2");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, org_id);
    db_bind_text(st, 2, date);
    mb_status rc = db_step_row(d, st);
    if (rc == MB_ERR_NOT_FOUND) return 0;
    if (rc) return -1;
    if (name) db_column_copy(st, 0, name, size);
    sqlite3_reset(st);
    return 1;
}

/* The week-th date after first at its local wall time in zone; 1 when it
 * exists there (not in a daylight-saving gap), with its local date. */
static int weekly_time(const char *zone, const struct tm *first, int week, int64_t *ms, char *date, size_t size)
{
    struct tm day = {.tm_year = first->tm_year, .tm_mon = first->tm_mon, .tm_mday = first->tm_mday + week * WEEK_DAYS,
                     .tm_hour = 12};
    time_t secs = timegm(&day);
    if (secs == (time_t)-1 || !gmtime_r(&secs, &day)) return 0;
    day.tm_hour = first->tm_hour;
    day.tm_min = first->tm_min;
    snprintf(date, size, "%04d-%02d-%02d", day.tm_year + 1900, day.tm_mon + 1, day.tm_mday);
    return tz_from_local(zone, &day, ms) == 0;
}

static mb_status insert_series(db *d, const mentorship *m, const meeting_plan *p, const struct tm *first,
                               int64_t until, int64_t now, int64_t *id_out)
{
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO meeting_series(org_id, mentorship_id, kind, local_time, weekday,"
                                  " until_at, created_by, created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, NULLIF(?7, 0), ?8)");
    if (!st) return MB_ERR_DB;
    char local_time[8];
    snprintf(local_time, sizeof local_time, "%02d:%02d", first->tm_hour % 24, first->tm_min % 60);
    sqlite3_bind_int64(st, 1, m->org_id);
    sqlite3_bind_int64(st, 2, m->id);
    sqlite3_bind_text(st, 3, p->kind ? p->kind : "work", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, local_time, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 5, first->tm_wday);
    sqlite3_bind_int64(st, 6, until);
    sqlite3_bind_int64(st, 7, p->created_by);
    sqlite3_bind_int64(st, 8, now);
    mb_status rc = db_step_done(d, st);
    if (!rc) *id_out = sqlite3_last_insert_rowid(db_handle(d));
    return rc;
}

/* Makes the meetings of series id; *made counts them. */
static mb_status fill_series(db *d, const mentorship *m, const char *zone, const meeting_plan *p,
                             const struct tm *first, int64_t until, int64_t now, int64_t series_id, int *made)
{
    meeting_plan one = *p;
    mb_status rc = MB_OK;
    char date[40];   /* room for any year the compiler can imagine */
    for (int week = 0; !rc && *made < MEETING_SERIES_MAX; week++) {
        if (!weekly_time(zone, first, week, &one.starts_at, date, sizeof date)) {
            if (week > WEEK_DAYS * 60) break;   /* a zone that never has this time again */
            continue;
        }
        if (one.starts_at >= until || one.starts_at > now + MEETING_AHEAD_MAX_MS) break;
        int holiday = meeting_holiday_is(d, m->org_id, date, NULL, 0);
        if (holiday < 0) return MB_ERR_DB;
        if (holiday) continue;
        int64_t id;
        if (!(rc = meeting_insert(d, m->org_id, m->id, series_id, &one, now, &id)) && !(rc = meeting_join(d, id, m)))
            (*made)++;
    }
    return rc;
}

mb_status meeting_series_add(db *d, int64_t mentorship_id, const meeting_plan *p, int64_t until, int64_t now,
                             int64_t *series_id, int *count, meeting_problem *problem)
{
    meeting_problem why = meeting_plan_check(p, now);
    if (problem) *problem = why;
    if (why) return MB_ERR_INVALID;
    mentorship m;
    char zone[64];
    mb_status rc;
    if ((rc = meeting_mentorship_active(d, mentorship_id, &m)) || (rc = org_zone(d, m.org_id, zone, sizeof zone)) ||
        (!until && (rc = meeting_program_end(d, m.org_id, &until))))
        return rc;
    struct tm first;
    if (tz_local(zone, p->starts_at, &first)) return MB_ERR_INVALID;
    if ((rc = meeting_write_begin(d))) return rc;
    int64_t id = 0;
    int made = 0;
    rc = insert_series(d, &m, p, &first, until, now, &id);
    if (!rc) rc = fill_series(d, &m, zone, p, &first, until, now, id, &made);
    if (!rc && made == 0) {
        if (problem) *problem = MEETING_SERIES_EMPTY;
        rc = MB_ERR_INVALID;
    }
    if ((rc = meeting_write_end(d, rc))) return rc;
    if (series_id) *series_id = id;
    if (count) *count = made;
    return MB_OK;
}

mb_status meeting_series_stop(db *d, int64_t series_id, int64_t now, int *cancelled)
{
    mb_status rc = meeting_write_begin(d);
    if (rc) return rc;
    /* ?2 is not used: the binding of a missing parameter is a no-op */
    rc = db_run_with_ints(d, "UPDATE meeting_series SET state = 'stopped' WHERE id = ?1 AND state = 'active'",
                          series_id, 0);
    if (!rc && sqlite3_changes(db_handle(d)) == 0) rc = MB_ERR_NOT_FOUND;
    if (!rc) rc = db_run_with_ints(d, "UPDATE meetings SET state = 'cancelled', version = version + 1, updated_at = ?2"
                                      " WHERE series_id = ?1 AND starts_at >= ?2 AND state = 'planned'",
                                   series_id, now);
    int n = rc ? 0 : sqlite3_changes(db_handle(d));
    if ((rc = meeting_write_end(d, rc))) return rc;
    if (cancelled) *cancelled = n;
    return MB_OK;
}

mb_status meeting_holiday_add(db *d, int64_t org_id, const char *date, const char *name, const char *added_by,
                              int64_t now)
{
    if (!meeting_date_valid(date)) return MB_ERR_INVALID;
    if (name && *name) {
        size_t n = strlen(name);
        if (!text_utf8_valid(name, n) || text_codepoints(name) > MEETING_HOLIDAY_NAME_MAX) return MB_ERR_INVALID;
        for (const unsigned char *c = (const unsigned char *)name; *c; c++)
            if (*c < 0x20 || *c == 0x7f) return MB_ERR_INVALID;
    }
    sqlite3_stmt *st = db_stmt(d, "SELECT COUNT(*) FROM org_holidays WHERE org_id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, org_id);
    int64_t count;
    mb_status rc = db_step_int(d, st, &count);
    if (rc) return rc;
    if (count >= MEETING_HOLIDAYS_MAX) return MB_ERR_LIMIT;
    /* asked first: a date entered twice is the operator's slip, not a failure to log */
    int known = meeting_holiday_is(d, org_id, date, NULL, 0);
    if (known) return known < 0 ? MB_ERR_DB : MB_ERR_EXISTS;
    st = db_stmt(d, "INSERT INTO org_holidays(org_id, day, name, added_by, added_at) VALUES(?1, ?2, NULLIF(?3, ''),"
                    " ?4, ?5)");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, org_id);
    db_bind_text(st, 2, date);
    db_bind_text(st, 3, name);
    db_bind_text(st, 4, added_by ? added_by : "");
    sqlite3_bind_int64(st, 5, now);
    return db_step_done(d, st);
}

mb_status meeting_holiday_remove(db *d, int64_t org_id, const char *date)
{
    sqlite3_stmt *st = db_stmt(d, "DELETE FROM org_holidays WHERE org_id = ?1 AND day = ?2");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, org_id);
    db_bind_text(st, 2, date);
    mb_status rc = db_step_done(d, st);
    if (!rc && sqlite3_changes(db_handle(d)) == 0) rc = MB_ERR_NOT_FOUND;
    return rc;
}

int meeting_holiday_list(db *d, int64_t org_id, meeting_holiday *out, int max)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT day, COALESCE(name, '') FROM org_holidays WHERE org_id = ?1 ORDER BY day"
                                  " LIMIT ?2");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_int(st, 2, max);
    int n = 0, rc;
    while ((rc = db_step_raw(d, st)) == SQLITE_ROW) {
        db_column_copy(st, 0, out[n].date, sizeof out[n].date);
        db_column_copy(st, 1, out[n].name, sizeof out[n].name);
        n++;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? n : -1;
}

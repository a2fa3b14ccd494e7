/*
 * Meeting times as a person types them into a chat, in Russian or English,
 * read against a clock reading and the organisation's zone:
 *   25.11 16:00   25.11.2026 16:00   25.11.26 16:00   25/11 16:00   2026-11-25 16:00
 *   16:00 25.11   завтра в 16   послезавтра в 10   сегодня в 18.15   16:00   16
 *   в пятницу 15:30   пт 15:30   tomorrow 16:00   today at 9:30   fri 15:30
 *   завтра в 4 вечера   tuesday at 4pm   the day after tomorrow at 10
 * and weekly series: «каждый вторник в 15:00», «по вторникам в 15:00 до 25.05»,
 * «every tuesday 15:00 until end of programme».
 *
 * Letter case, extra spaces, «ё» for «е», «в»/«at» and «:» or «.» between
 * hours and minutes are all accepted; any other word makes the phrase not
 * understood rather than guessed at. Which day a phrase means:
 *   - a date without a year: the next such date that is not in the past;
 *   - a weekday: the next such day, today when the time is still ahead;
 *   - a time alone: today when still ahead, else tomorrow.
 *
 * The result is a when_status rather than an mb_status: the chat layer
 * answers each of these differently, and none of them is a failure of the
 * bot. The module keeps no state and reads no clock; now is passed in.
 */
#ifndef MB_WHEN_H
#define MB_WHEN_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define WHEN_INPUT_MAX 120      /* bytes of a typed phrase that are read; longer is not understood */
#define WHEN_AHEAD_DAYS_MAX 366 /* a meeting further ahead than this is refused as too far */

typedef enum when_status {
    WHEN_OK = 0,
    WHEN_NOT_UNDERSTOOD, /* not a phrase of the forms above */
    WHEN_IMPOSSIBLE,     /* a date or time that does not exist: 31.02, 25:00, 16:75 */
    WHEN_PAST,           /* the moment named is not ahead of now */
    WHEN_TOO_FAR,        /* more than WHEN_AHEAD_DAYS_MAX days ahead */
    WHEN_DST_GAP         /* the wall time is skipped when the clocks go forward */
} when_status;

typedef struct when_time {
    int64_t ms;      /* UTC milliseconds */
    struct tm local; /* the same moment in the zone (tm_wday set) */
} when_time;

/* Reads a single meeting time. On WHEN_OK *out holds the moment; on
 * WHEN_PAST, WHEN_TOO_FAR and WHEN_DST_GAP out->local holds the wall time
 * that was understood (so the reply can name it) and out->ms is 0 for a
 * gap. An empty or NULL zone means UTC. */
when_status when_parse(const char *typed, const char *zone, int64_t now_ms, when_time *out);

/* How a weekly series ends. */
typedef enum when_until { WHEN_UNTIL_NONE = 0, WHEN_UNTIL_PROGRAM_END, WHEN_UNTIL_DATE } when_until;

typedef struct when_series {
    int weekday;     /* 0 = Sunday ... 6 = Saturday, as tm_wday */
    int hour, minute;
    int first_ymd;   /* YYYYMMDD: the first such day whose time is still ahead of now */
    when_until until;
    int until_ymd;   /* YYYYMMDD of the last day (inclusive) for WHEN_UNTIL_DATE, else 0 */
} when_series;

/* Reads a weekly series phrase: «каждый вторник в 15:00», «по вторникам
 * 15:00», «every tuesday 15:00», optionally ending «до конца программы»,
 * «до 25.05», «until 25.05», «until end of programme». An end date without
 * a year is the next such date not in the past; one before the first
 * occurrence is WHEN_PAST, one more than WHEN_AHEAD_DAYS_MAX days ahead
 * WHEN_TOO_FAR. */
when_status when_parse_series(const char *typed, const char *zone, int64_t now_ms, when_series *out);

/*
 * The UTC moments of a weekly meeting at hour:minute local time on weekday
 * (0 = Sunday), from the local day first_ymd to last_ymd (YYYYMMDD, both
 * inclusive), in zone. Each is converted on its own day, so the wall time
 * stays the same across daylight-saving changes. Days listed in holidays
 * ("YYYY-MM-DD", sorted ascending, holiday_count of them; NULL when none)
 * and a wall time the zone skips that day are left out. Writes at most max
 * moments to out (ascending) and returns how many there are in all, which
 * may be more than max.
 */
size_t when_series_expand(int weekday, int hour, int minute, int first_ymd, int last_ymd, const char *zone,
                          const char *const *holidays, size_t holiday_count, int64_t *out, size_t max);

/* Days between two dates given as YYYYMMDD (b - a). */
int when_days_between(int a_ymd, int b_ymd);

/* The date YYYYMMDD days after ymd (days may be negative). */
int when_add_days(int ymd, int days);

#endif

/*
 * Meeting times as a mentor types them, read against a frozen clock in the
 * organisation's zone: each accepted phrase and the local day and hour it
 * lands on, each refusal with its own reason, weekly series with their
 * holidays and daylight-saving changes, and reminders moved out of the
 * night.
 */
#include "tests/unit.h"

#include "util/clock.h"
#include "util/quiet.h"
#include "util/tz.h"
#include "util/when.h"

#include <stdio.h>
#include <string.h>

#define TOMSK "Asia/Tomsk"
#define MOSCOW "Europe/Moscow"
#define OMSK "Asia/Omsk"
#define KALININGRAD "Europe/Kaliningrad"
#define BERLIN "Europe/Berlin"

/* "2026-11-20 10:00" in zone as UTC milliseconds. */
static int64_t wall(const char *zone, const char *text)
{
    struct tm t = {0};
    int y, mo, d, h, mi;
    if (sscanf(text, "%d-%d-%d %d:%d", &y, &mo, &d, &h, &mi) != 5) return -1;
    t.tm_year = y - 1900, t.tm_mon = mo - 1, t.tm_mday = d, t.tm_hour = h, t.tm_min = mi;
    int64_t ms = -1;
    tz_from_local(zone, &t, &ms);
    return ms;
}

/* UTC milliseconds as "2026-11-21T09:00Z". */
static const char *utc(int64_t ms)
{
    static char buf[32];
    char iso[32];
    clock_format_iso(ms, iso, sizeof iso);
    snprintf(buf, sizeof buf, "%.16sZ", iso);
    return buf;
}

static const char *status_name(when_status st)
{
    switch (st) {
    case WHEN_OK: return "ok";
    case WHEN_NOT_UNDERSTOOD: return "not understood";
    case WHEN_IMPOSSIBLE: return "impossible";
    case WHEN_PAST: return "past";
    case WHEN_TOO_FAR: return "too far";
    case WHEN_DST_GAP: return "dst gap";
    }
    return "?";
}

static when_time last;

/* What typed means at now (a wall time in zone): "2026-11-25 16:00 Wed"
 * in zone's local time, or the reason it is refused. */
static const char *read_in(const char *zone, const char *now, const char *typed)
{
    static char buf[64];
    clock_set_ms(wall(zone, now));
    when_status st = when_parse(typed, zone, clock_now_ms(), &last);
    if (st != WHEN_OK) return status_name(st);
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    const struct tm *t = &last.local;
    snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d %s", t->tm_year + 1900, t->tm_mon + 1, t->tm_mday,
             t->tm_hour, t->tm_min, days[t->tm_wday % 7]);
    return buf;
}

/* Friday 20 November 2026, 10:00 in Tomsk. */
#define FRIDAY "2026-11-20 10:00"

static const char *read_tomsk(const char *typed) { return read_in(TOMSK, FRIDAY, typed); }

TEST(dates_in_every_common_form)
{
    CHECK_STR(read_tomsk("25.11 16:00"), "2026-11-25 16:00 Wed");
    CHECK_STR(read_tomsk("25.11.2026 16:00"), "2026-11-25 16:00 Wed");
    CHECK_STR(read_tomsk("25.11.26 16:00"), "2026-11-25 16:00 Wed");
    CHECK_STR(read_tomsk("25/11 16:00"), "2026-11-25 16:00 Wed");
    CHECK_STR(read_tomsk("2026-11-25 16:00"), "2026-11-25 16:00 Wed");
    CHECK_STR(read_tomsk("16:00 25.11"), "2026-11-25 16:00 Wed");
    CHECK_STR(read_tomsk("  25.11   в  16.00 "), "2026-11-25 16:00 Wed");
    CHECK_STR(read_tomsk("25.11.2026 в 16:00"), "2026-11-25 16:00 Wed");
    CHECK_STR(read_tomsk("25.11 at 4 pm"), "2026-11-25 16:00 Wed");
    CHECK_STR(read_tomsk("12.12 10.10"), "2026-12-12 10:10 Sat");
    CHECK_STR(read_tomsk("в 25.11 в 16:00"), "2026-11-25 16:00 Wed");
    CHECK_STR(read_tomsk("25.11, 16:00!"), "2026-11-25 16:00 Wed");
    /* the moment itself, in UTC: Tomsk is UTC+7 */
    read_tomsk("25.11 16:00");
    CHECK_STR(utc(last.ms), "2026-11-25T09:00Z");
}

TEST(days_named_by_words)
{
    CHECK_STR(read_tomsk("завтра в 16"), "2026-11-21 16:00 Sat");
    CHECK_STR(read_tomsk("Завтра 16:30"), "2026-11-21 16:30 Sat");
    CHECK_STR(read_tomsk("ЗАВТРА В 16 ЧАСОВ"), "2026-11-21 16:00 Sat");
    CHECK_STR(read_tomsk("послезавтра в 10"), "2026-11-22 10:00 Sun");
    CHECK_STR(read_tomsk("сегодня в 18:15"), "2026-11-20 18:15 Fri");
    CHECK_STR(read_tomsk("сегодня в 18.15"), "2026-11-20 18:15 Fri");
    CHECK_STR(read_tomsk("завтра в 4 вечера"), "2026-11-21 16:00 Sat");
    CHECK_STR(read_tomsk("tomorrow 16:00"), "2026-11-21 16:00 Sat");
    CHECK_STR(read_tomsk("Today at 19:30"), "2026-11-20 19:30 Fri");
    CHECK_STR(read_tomsk("the day after tomorrow at 10"), "2026-11-22 10:00 Sun");
}

TEST(weekdays_mean_the_next_such_day)
{
    /* today is Friday: today while the time is ahead, else a week on */
    CHECK_STR(read_tomsk("в пятницу 15:30"), "2026-11-20 15:30 Fri");
    CHECK_STR(read_tomsk("пятница 15:30"), "2026-11-20 15:30 Fri");
    CHECK_STR(read_tomsk("пт 15:30"), "2026-11-20 15:30 Fri");
    CHECK_STR(read_tomsk("В ПЯТНИЦУ В 9:30"), "2026-11-27 09:30 Fri");
    CHECK_STR(read_tomsk("friday 15:30"), "2026-11-20 15:30 Fri");
    CHECK_STR(read_tomsk("fri 9:30"), "2026-11-27 09:30 Fri");
    CHECK_STR(read_tomsk("в понедельник в 10"), "2026-11-23 10:00 Mon");
    CHECK_STR(read_tomsk("пн 10:00"), "2026-11-23 10:00 Mon");
    CHECK_STR(read_tomsk("во вторник в 10"), "2026-11-24 10:00 Tue");
    CHECK_STR(read_tomsk("вт 10:00"), "2026-11-24 10:00 Tue");
    CHECK_STR(read_tomsk("в среду 10:00"), "2026-11-25 10:00 Wed");
    CHECK_STR(read_tomsk("среда 10:00"), "2026-11-25 10:00 Wed");
    CHECK_STR(read_tomsk("ср 10:00"), "2026-11-25 10:00 Wed");
    CHECK_STR(read_tomsk("в четверг 10:00"), "2026-11-26 10:00 Thu");
    CHECK_STR(read_tomsk("чт 10:00"), "2026-11-26 10:00 Thu");
    CHECK_STR(read_tomsk("в субботу 10:00"), "2026-11-21 10:00 Sat");
    CHECK_STR(read_tomsk("суббота 10:00"), "2026-11-21 10:00 Sat");
    CHECK_STR(read_tomsk("сб 10:00"), "2026-11-21 10:00 Sat");
    CHECK_STR(read_tomsk("в воскресенье 10:00"), "2026-11-22 10:00 Sun");
    CHECK_STR(read_tomsk("в воскресёнье 10:00"), "2026-11-22 10:00 Sun");
    CHECK_STR(read_tomsk("вс 10:00"), "2026-11-22 10:00 Sun");
    CHECK_STR(read_tomsk("Tuesday at 4pm"), "2026-11-24 16:00 Tue");
    CHECK_STR(read_tomsk("в пятницу 27.11 в 16:00"), "2026-11-27 16:00 Fri");
    /* a weekday that is not that date's is a contradiction, not a guess */
    CHECK_STR(read_tomsk("в четверг 27.11 в 16:00"), "not understood");
}

TEST(a_time_alone_is_today_or_tomorrow)
{
    CHECK_STR(read_tomsk("16:00"), "2026-11-20 16:00 Fri");
    CHECK_STR(read_tomsk("16"), "2026-11-20 16:00 Fri");
    CHECK_STR(read_tomsk("в 16"), "2026-11-20 16:00 Fri");
    CHECK_STR(read_tomsk("9:30"), "2026-11-21 09:30 Sat");
    CHECK_STR(read_tomsk("10:00"), "2026-11-21 10:00 Sat");
    CHECK_STR(read_tomsk("at 10:01"), "2026-11-20 10:01 Fri");
}

TEST(each_zone_reads_its_own_wall_time)
{
    read_in(MOSCOW, FRIDAY, "завтра в 16");
    CHECK_STR(utc(last.ms), "2026-11-21T13:00Z");
    read_in(KALININGRAD, FRIDAY, "завтра в 16");
    CHECK_STR(utc(last.ms), "2026-11-21T14:00Z");
    read_in(OMSK, FRIDAY, "завтра в 16");
    CHECK_STR(utc(last.ms), "2026-11-21T10:00Z");
    read_in(TOMSK, FRIDAY, "завтра в 16");
    CHECK_STR(utc(last.ms), "2026-11-21T09:00Z");
    /* 01:00 in Tomsk is still the day before in UTC: «сегодня» is Tomsk's */
    CHECK_STR(read_in(TOMSK, "2026-11-20 01:00", "сегодня в 16"), "2026-11-20 16:00 Fri");
    CHECK_STR(read_in(KALININGRAD, "2026-11-20 23:30", "завтра в 9"), "2026-11-21 09:00 Sat");
}

TEST(what_does_not_exist_is_impossible)
{
    CHECK_STR(read_tomsk("31.02 16:00"), "impossible");
    CHECK_STR(read_tomsk("31.04.2027 10:00"), "impossible");
    CHECK_STR(read_tomsk("25:00"), "impossible");
    CHECK_STR(read_tomsk("завтра в 25:00"), "impossible");
    CHECK_STR(read_tomsk("16:75"), "impossible");
    CHECK_STR(read_tomsk("завтра в 16.75"), "impossible");
    CHECK_STR(read_tomsk("в 25"), "impossible");
}

TEST(the_past_and_the_far_future_are_refused)
{
    CHECK_STR(read_tomsk("сегодня в 9:30"), "past");
    CHECK_STR(read_tomsk("today at 9:30"), "past");
    CHECK_STR(read_tomsk("20.11.2026 09:00"), "past");
    CHECK_STR(read_tomsk("20.11 09:00"), "past");
    CHECK_STR(read_tomsk("01.09.2025 10:00"), "past");
    CHECK_STR(read_tomsk("25.11.2030 16:00"), "too far");
    CHECK_STR(read_tomsk("2028-01-10 10:00"), "too far");
    /* the next 29 February is in 2028 */
    CHECK_STR(read_tomsk("29.02 10:00"), "too far");
    /* what was understood is there for the reply */
    read_tomsk("25.11.2030 16:00");
    CHECK_INT(last.local.tm_year + 1900, 2030);
}

TEST(phrases_that_are_not_a_meeting_time)
{
    CHECK_STR(read_tomsk(""), "not understood");
    CHECK_STR(read_tomsk("завтра"), "not understood");
    CHECK_STR(read_tomsk("25.11"), "not understood");
    CHECK_STR(read_tomsk("после уроков"), "not understood");
    CHECK_STR(read_tomsk("завтра в 16 после уроков"), "not understood");
    CHECK_STR(read_tomsk("завтра 16:00 17:00"), "not understood");
    CHECK_STR(read_tomsk("сегодня завтра 16:00"), "not understood");
    CHECK_STR(read_tomsk("каждый вторник в 15:00"), "not understood");
    CHECK_STR(read_tomsk("25.11.202 16:00"), "not understood");
    CHECK_STR(read_tomsk("16:00:00:00"), "not understood");
    char longer[WHEN_INPUT_MAX + 10];
    memset(longer, ' ', sizeof longer - 1);
    longer[sizeof longer - 1] = 0;
    memcpy(longer, "16:00", 5);
    CHECK_STR(read_tomsk(longer), "not understood");
}

TEST(a_date_without_a_year_around_new_year)
{
    const char *eve = "2026-12-31 10:00";
    CHECK_STR(read_in(OMSK, eve, "01.01 10:00"), "2027-01-01 10:00 Fri");
    CHECK_STR(read_in(OMSK, eve, "31.12 18:00"), "2026-12-31 18:00 Thu");
    CHECK_STR(read_in(OMSK, eve, "31.12 09:00"), "past");
    CHECK_STR(read_in(OMSK, eve, "30.12 10:00"), "2027-12-30 10:00 Thu");
    CHECK_STR(read_in(OMSK, "2026-11-30 10:00", "25.11 16:00"), "2027-11-25 16:00 Thu");
    CHECK_STR(read_in(OMSK, eve, "завтра в 10"), "2027-01-01 10:00 Fri");
}

TEST(daylight_saving_gap_and_repeated_hour)
{
    /* Berlin skips 02:00-03:00 on 28 March 2027 */
    CHECK_STR(read_in(BERLIN, "2027-03-20 10:00", "28.03 02:30"), "dst gap");
    CHECK_INT(last.local.tm_hour, 2);
    CHECK_INT(last.local.tm_min, 30);
    CHECK_STR(read_in(BERLIN, "2027-03-20 10:00", "28.03 03:30"), "2027-03-28 03:30 Sun");
    CHECK_STR(utc(last.ms), "2027-03-28T01:30Z");
    /* and has 02:00-03:00 twice on 31 October 2027: the first, in summer time */
    CHECK_STR(read_in(BERLIN, "2027-10-20 10:00", "31.10 02:30"), "2027-10-31 02:30 Sun");
    CHECK_STR(utc(last.ms), "2027-10-31T00:30Z");
    CHECK_STR(read_in(BERLIN, "2027-10-20 10:00", "31.10 16:00"), "2027-10-31 16:00 Sun");
    CHECK_STR(utc(last.ms), "2027-10-31T15:00Z");
}

static when_series series;

static const char *series_in(const char *zone, const char *now, const char *typed)
{
    static char buf[64];
    clock_set_ms(wall(zone, now));
    when_status st = when_parse_series(typed, zone, clock_now_ms(), &series);
    if (st != WHEN_OK) return status_name(st);
    snprintf(buf, sizeof buf, "wday %d %02d:%02d from %d until %d/%d", series.weekday, series.hour, series.minute,
             series.first_ymd, (int)series.until, series.until_ymd);
    return buf;
}

TEST(weekly_series_phrases)
{
    CHECK_STR(series_in(TOMSK, FRIDAY, "каждый вторник в 15:00"), "wday 2 15:00 from 20261124 until 0/0");
    CHECK_STR(series_in(TOMSK, FRIDAY, "По вторникам в 15:00"), "wday 2 15:00 from 20261124 until 0/0");
    CHECK_STR(series_in(TOMSK, FRIDAY, "every tuesday 15:00"), "wday 2 15:00 from 20261124 until 0/0");
    CHECK_STR(series_in(TOMSK, FRIDAY, "каждую пятницу в 9:30"), "wday 5 09:30 from 20261127 until 0/0");
    CHECK_STR(series_in(TOMSK, FRIDAY, "каждую пятницу в 15.30"), "wday 5 15:30 from 20261120 until 0/0");
    CHECK_STR(series_in(TOMSK, FRIDAY, "по вторникам в 15:00 до конца программы"),
              "wday 2 15:00 from 20261124 until 1/0");
    CHECK_STR(series_in(TOMSK, FRIDAY, "every tuesday 15:00 until end of the programme"),
              "wday 2 15:00 from 20261124 until 1/0");
    CHECK_STR(series_in(TOMSK, FRIDAY, "каждый вторник в 15:00 до 25.05"), "wday 2 15:00 from 20261124 until 2/20270525");
    CHECK_STR(series_in(TOMSK, FRIDAY, "every Tuesday 15:00 until 25.05"), "wday 2 15:00 from 20261124 until 2/20270525");
    CHECK_STR(series_in(TOMSK, FRIDAY, "по средам 16.30 до 25.05.2027"), "wday 3 16:30 from 20261125 until 2/20270525");
    CHECK_STR(series_in(TOMSK, FRIDAY, "каждую среду в 25:00"), "impossible");
    CHECK_STR(series_in(TOMSK, FRIDAY, "каждый вторник в 15:00 до 31.02"), "impossible");
    CHECK_STR(series_in(TOMSK, FRIDAY, "каждый вторник в 15:00 до 01.01.2026"), "past");
    CHECK_STR(series_in(TOMSK, FRIDAY, "каждый вторник в 15:00 до 25.05.2029"), "too far");
    CHECK_STR(series_in(TOMSK, FRIDAY, "каждый вторник"), "not understood");
    CHECK_STR(series_in(TOMSK, FRIDAY, "вторник 15:00"), "not understood");
    CHECK_STR(series_in(TOMSK, FRIDAY, "каждый вторник в 15:00 до пятницы"), "not understood");
}

TEST(a_series_skips_holidays_and_keeps_its_wall_time_across_dst)
{
    /* Tuesdays 15:00 in Berlin through the spring change on 28 March 2027 */
    static const char *const holidays[] = {"2027-01-01", "2027-03-16", "2027-05-01"};
    int64_t at[8];
    size_t n = when_series_expand(2, 15, 0, 20270301, 20270406, BERLIN, holidays, 3, at, 8);
    CHECK_INT(n, 5);
    static const char *const want[] = {"2027-03-02T14:00Z", "2027-03-09T14:00Z", "2027-03-23T14:00Z",
                                       "2027-03-30T13:00Z", "2027-04-06T13:00Z"};
    for (size_t i = 0; i < n && i < 5; i++) {
        CHECK_STR(utc(at[i]), want[i]);
        struct tm t;
        tz_local(BERLIN, at[i], &t);
        CHECK_INT(t.tm_hour, 15);
        CHECK_INT(t.tm_min, 0);
        CHECK_INT(t.tm_wday, 2);
    }
    /* the count is the whole series even when out holds fewer */
    CHECK_INT(when_series_expand(2, 15, 0, 20270301, 20270406, BERLIN, NULL, 0, at, 2), 6);
    CHECK_STR(utc(at[1]), "2027-03-09T14:00Z");
    /* from a first day that is not the weekday itself, and in Tomsk */
    n = when_series_expand(2, 15, 0, 20261120, 20261201, TOMSK, NULL, 0, at, 8);
    CHECK_INT(n, 2);
    CHECK_STR(utc(at[0]), "2026-11-24T08:00Z");
    CHECK_STR(utc(at[1]), "2026-12-01T08:00Z");
}

static const quiet_hours night = {QUIET_DEFAULT_START, QUIET_DEFAULT_END};

TEST(quiet_hours_are_the_local_night)
{
    CHECK(quiet_contains(TOMSK, wall(TOMSK, "2026-11-20 21:00"), night));
    CHECK(!quiet_contains(TOMSK, wall(TOMSK, "2026-11-20 20:59"), night));
    CHECK(quiet_contains(TOMSK, wall(TOMSK, "2026-11-20 03:00"), night));
    CHECK(quiet_contains(TOMSK, wall(TOMSK, "2026-11-20 07:59"), night));
    CHECK(!quiet_contains(TOMSK, wall(TOMSK, "2026-11-20 08:00"), night));
    /* 14:00 UTC is 21:00 in Tomsk but 17:00 in Moscow */
    int64_t t = wall("UTC", "2026-11-20 14:00");
    CHECK(quiet_contains(TOMSK, t, night));
    CHECK(!quiet_contains(MOSCOW, t, night));
    const quiet_hours lessons = {13 * 60, 15 * 60};
    CHECK(quiet_contains(TOMSK, wall(TOMSK, "2026-11-20 14:00"), lessons));
    CHECK(!quiet_contains(TOMSK, wall(TOMSK, "2026-11-20 15:00"), lessons));
    const quiet_hours none = {0, 0};
    CHECK(!quiet_contains(TOMSK, wall(TOMSK, "2026-11-20 03:00"), none));
}

/* Where a reminder planned at send (wall time in zone) before a meeting at
 * deadline goes, as a wall time in zone. */
static const char *moved(const char *zone, const char *send, const char *deadline, quiet_hours q, int flags)
{
    static char buf[32];
    int64_t ms = quiet_move(zone, wall(zone, send), q, wall(zone, deadline), flags);
    tz_format(zone, ms, "en", 1, buf, sizeof buf);
    return buf;
}

TEST(reminders_move_out_of_quiet_hours_both_ways)
{
    /* outside quiet hours nothing moves */
    CHECK_STR(moved(TOMSK, "2026-11-20 15:00", "2026-11-20 16:00", night, 0), "2026-11-20 15:00");
    CHECK_STR(moved(TOMSK, "2026-11-20 15:00", "2026-11-21 15:00", night, QUIET_EARLIER), "2026-11-20 15:00");
    /* to the morning when that is still before the meeting */
    CHECK_STR(moved(TOMSK, "2026-11-20 02:00", "2026-11-20 12:00", night, 0), "2026-11-20 08:00");
    CHECK_STR(moved(TOMSK, "2026-11-20 22:00", "2026-11-21 10:00", night, 0), "2026-11-21 08:00");
    CHECK_STR(moved(MOSCOW, "2026-11-20 07:30", "2026-11-20 08:30", night, 0), "2026-11-20 08:00");
    /* a meeting at 08:00: the morning is too late, so the evening before */
    CHECK_STR(moved(TOMSK, "2026-11-20 07:00", "2026-11-20 08:00", night, 0), "2026-11-19 20:30");
    CHECK_STR(moved(OMSK, "2026-11-20 23:00", "2026-11-21 00:30", night, 0), "2026-11-20 20:30");
    /* the reminder a day ahead always goes to the evening before */
    CHECK_STR(moved(TOMSK, "2026-11-20 07:00", "2026-11-21 07:00", night, QUIET_EARLIER), "2026-11-19 20:30");
    CHECK_STR(moved(KALININGRAD, "2026-11-20 23:00", "2026-11-21 23:00", night, QUIET_EARLIER),
              "2026-11-20 20:30");
    /* quiet hours that do not wrap midnight */
    const quiet_hours lessons = {13 * 60, 15 * 60};
    CHECK_STR(moved(TOMSK, "2026-11-20 14:00", "2026-11-20 18:00", lessons, 0), "2026-11-20 15:00");
    CHECK_STR(moved(TOMSK, "2026-11-20 14:00", "2026-11-20 15:00", lessons, 0), "2026-11-20 12:30");
}

TEST(quiet_hours_across_daylight_saving_changes)
{
    /* the night of 28 March 2027 is an hour shorter in Berlin: 08:00 is
     * 06:00 UTC, not the 07:00 that counting eleven hours would give */
    int64_t ms = quiet_move(BERLIN, wall(BERLIN, "2027-03-28 01:30"), night, wall(BERLIN, "2027-03-28 10:00"), 0);
    CHECK_STR(utc(ms), "2027-03-28T06:00Z");
    /* the night of 25 October 2026 is an hour longer */
    ms = quiet_move(BERLIN, wall(BERLIN, "2026-10-25 07:30"), night, wall(BERLIN, "2026-10-25 08:30"), 0);
    CHECK_STR(utc(ms), "2026-10-25T07:00Z");
    CHECK_STR(moved(BERLIN, "2026-10-25 07:30", "2026-10-25 08:30", night, 0), "2026-10-25 08:00");
    /* moved earlier over the change: 20:30 of the evening before, in winter time */
    ms = quiet_move(BERLIN, wall(BERLIN, "2027-03-28 05:00"), night, wall(BERLIN, "2027-03-29 05:00"), QUIET_EARLIER);
    CHECK_STR(utc(ms), "2027-03-27T19:30Z");
    /* quiet hours starting inside the gap begin when the clocks have jumped */
    const quiet_hours odd = {2 * 60 + 30, 6 * 60};
    ms = quiet_move(BERLIN, wall(BERLIN, "2027-03-28 04:00"), odd, wall(BERLIN, "2027-03-28 05:00"), 0);
    CHECK_STR(utc(ms), "2027-03-28T00:30Z");
}

int main(void)
{
    RUN(dates_in_every_common_form);
    RUN(days_named_by_words);
    RUN(weekdays_mean_the_next_such_day);
    RUN(a_time_alone_is_today_or_tomorrow);
    RUN(each_zone_reads_its_own_wall_time);
    RUN(what_does_not_exist_is_impossible);
    RUN(the_past_and_the_far_future_are_refused);
    RUN(phrases_that_are_not_a_meeting_time);
    RUN(a_date_without_a_year_around_new_year);
    RUN(daylight_saving_gap_and_repeated_hour);
    RUN(weekly_series_phrases);
    RUN(a_series_skips_holidays_and_keeps_its_wall_time_across_dst);
    RUN(quiet_hours_are_the_local_night);
    RUN(reminders_move_out_of_quiet_hours_both_ways);
    RUN(quiet_hours_across_daylight_saving_changes);
    clock_release();
    return unit_summary();
}

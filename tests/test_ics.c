/*
 * Calendar files for meetings: what util/ics.c writes is read back by an
 * independent parser (python3-icalendar, through tests/ics_check.py), and
 * each event's UID, topic, place, description and start in UTC must be
 * what a phone would show. The start is converted through the file's own
 * VTIMEZONE, so a wrong zone in the file shows as a wrong hour. A missing
 * parser fails the test: scripts/deps.sh installs it.
 */
#include "tests/unit.h"

#include "util/ics.h"
#include "util/tz.h"
#include "util/when.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define PYTHON "/usr/bin/python3" /* the interpreter Debian's python3-icalendar installs into */
#define CHECKER "tests/ics_check.py"
#define OUTPUT_MAX 8192

/* 2026-11-20 03:00 UTC */
#define STAMP_MS 1795143600000LL
#define HOUR_MS (3600LL * 1000)

static int64_t wall(const char *zone, int y, int mo, int d, int h, int mi)
{
    struct tm t = {0};
    t.tm_year = y - 1900, t.tm_mon = mo - 1, t.tm_mday = d, t.tm_hour = h, t.tm_min = mi;
    int64_t ms = -1;
    tz_from_local(zone, &t, &ms);
    return ms;
}

/* What the independent parser reads from text: one line per event, or
 * NULL (with the reason on stderr) when it cannot read it. */
static const char *parsed(const char *text)
{
    static char out[OUTPUT_MAX];
    char path[512], cmd[1100];
    snprintf(path, sizeof path, "%s/meeting.ics", unit_tmpdir());
    FILE *f = fopen(path, "wb");
    if (!f) return NULL;
    fputs(text, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "%s %s '%s' 2>&1", PYTHON, CHECKER, path);
    FILE *p = popen(cmd, "r");
    if (!p) return NULL;
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = 0;
    int rc = pclose(p);
    if (rc != 0) {
        fprintf(stderr, "  %s could not read the calendar (is python3-icalendar installed? make deps): %s\n",
                CHECKER, out);
        return NULL;
    }
    return out;
}

/* Every line at most 75 octets, ended by CRLF, and not starting inside a
 * UTF-8 character, as RFC 5545 says. */
static int lines_well_formed(const char *text)
{
    const char *line = text;
    while (*line) {
        const char *end = strstr(line, "\r\n");
        if (!end || end - line > 75) return 0;
        if (line[0] == ' ' && ((unsigned char)line[1] & 0xC0) == 0x80) return 0;
        line = end + 2;
    }
    return 1;
}

/* text with folded lines joined again (a CRLF and a space go), in a
 * static buffer. */
static const char *unfolded(const char *text)
{
    static char out[OUTPUT_MAX];
    size_t o = 0;
    for (const char *c = text; *c && o + 1 < sizeof out; c++) {
        if (c[0] == '\r' && c[1] == '\n' && c[2] == ' ') c += 2;
        else out[o++] = *c;
    }
    out[o] = 0;
    return out;
}

TEST(one_meeting_in_the_organisations_zone)
{
    ics_event e = {
        .uid = "meeting-42@mentorbot",
        .sequence = 2,
        .start_ms = wall("Asia/Tomsk", 2026, 11, 25, 16, 0),
        .end_ms = wall("Asia/Tomsk", 2026, 11, 25, 17, 0),
        .summary = "Встреча: профориентация, шаг 1; итоги",
        .location = "Кабинет 12, корпус «Б»",
        .description = "Принести дневник,\nи ручку; и хорошее настроение — встреча будет длинной, "
                       "с обсуждением планов на весь следующий год",
    };
    char *text = NULL;
    CHECK_INT(ics_write("Asia/Tomsk", &e, 1, STAMP_MS, &text), MB_OK);
    if (!text) return;
    CHECK_CONTAINS(text, "METHOD:PUBLISH\r\n");
    CHECK_CONTAINS(text, "BEGIN:VTIMEZONE\r\nTZID:Asia/Tomsk\r\n");
    CHECK_CONTAINS(text, "DTSTART;TZID=Asia/Tomsk:20261125T160000\r\n");
    CHECK_CONTAINS(text, "DTEND;TZID=Asia/Tomsk:20261125T170000\r\n");
    CHECK_CONTAINS(text, "DTSTAMP:20261120T030000Z\r\n");
    CHECK_CONTAINS(text, "SEQUENCE:2\r\n");
    CHECK_CONTAINS(text, "STATUS:CONFIRMED\r\n");
    CHECK_CONTAINS(unfolded(text), "SUMMARY:Встреча: профориентация\\, шаг 1\\; итоги\r\n");
    CHECK_CONTAINS(unfolded(text), "LOCATION:Кабинет 12\\, корпус «Б»\r\n");
    CHECK_CONTAINS(unfolded(text), "DESCRIPTION:Принести дневник\\,\\nи ручку\\; и хорошее");
    /* the long description is folded, never inside a character */
    CHECK_CONTAINS(text, "\r\n ");
    CHECK(lines_well_formed(text));
    CHECK(!strstr(text, "URL"));
    CHECK_STR(parsed(text), "meeting-42@mentorbot|Встреча: профориентация, шаг 1; итоги|2026-11-25T09:00Z|CONFIRMED|"
                            "Кабинет 12, корпус «Б»|Принести дневник,\\nи ручку; и хорошее настроение — встреча "
                            "будет длинной, с обсуждением планов на весь следующий год\n");
    free(text);
}

TEST(a_weekly_series_across_a_daylight_saving_change)
{
    /* Tuesdays at 15:00 in Berlin; the clocks go forward on 28 March */
    int64_t at[3];
    CHECK_INT(when_series_expand(2, 15, 0, 20270316, 20270330, "Europe/Berlin", NULL, 0, at, 3), 3);
    static const char *const uid[] = {"series-7-1@mentorbot", "series-7-2@mentorbot", "series-7-3@mentorbot"};
    ics_event e[3];
    for (int i = 0; i < 3; i++) {
        e[i] = (ics_event){.uid = uid[i], .start_ms = at[i], .end_ms = at[i] + HOUR_MS,
                           .summary = "Клуб «Наставник», встреча", .url = "https://meet.example.org/a?b=c;d",
                           .description = "Повестка:\nпланы, итоги"};
    }
    e[1].cancelled = 1;
    e[1].sequence = 1;
    char *text = NULL;
    CHECK_INT(ics_write("Europe/Berlin", e, 3, STAMP_MS, &text), MB_OK);
    if (!text) return;
    CHECK_CONTAINS(text, "DTSTART;TZID=Europe/Berlin:20270330T150000\r\n");
    CHECK_CONTAINS(text, "URL:https://meet.example.org/a?b=c;d\r\n");
    CHECK_CONTAINS(text, "STATUS:CANCELLED\r\n");
    CHECK(lines_well_formed(text));
    CHECK_STR(parsed(text),
              "series-7-1@mentorbot|Клуб «Наставник», встреча|2027-03-16T14:00Z|CONFIRMED||Повестка:\\nпланы, итоги\n"
              "series-7-2@mentorbot|Клуб «Наставник», встреча|2027-03-23T14:00Z|CANCELLED||Повестка:\\nпланы, итоги\n"
              "series-7-3@mentorbot|Клуб «Наставник», встреча|2027-03-30T13:00Z|CONFIRMED||Повестка:\\nпланы, итоги\n");
    free(text);
}

TEST(without_a_known_zone_times_are_in_utc)
{
    ics_event e = {.uid = "meeting-1@mentorbot", .start_ms = STAMP_MS + 24 * HOUR_MS,
                   .end_ms = STAMP_MS + 25 * HOUR_MS, .summary = "Meeting"};
    const char *zones[] = {"", "Nowhere/Atlantis"};
    for (int i = 0; i < 2; i++) {
        char *text = NULL;
        CHECK_INT(ics_write(zones[i], &e, 1, STAMP_MS, &text), MB_OK);
        if (!text) continue;
        CHECK_CONTAINS(text, "DTSTART:20261121T030000Z\r\n");
        CHECK(!strstr(text, "VTIMEZONE"));
        CHECK_STR(parsed(text), "meeting-1@mentorbot|Meeting|2026-11-21T03:00Z|CONFIRMED||\n");
        free(text);
    }
}

TEST(events_that_cannot_be_written_are_refused)
{
    ics_event good = {.uid = "meeting-1@mentorbot", .start_ms = STAMP_MS, .end_ms = STAMP_MS + HOUR_MS,
                      .summary = "Meeting"};
    char *text = (char *)"untouched";
    ics_event e = good;
    e.uid = "";
    CHECK_INT(ics_write("Asia/Tomsk", &e, 1, STAMP_MS, &text), MB_ERR_INVALID);
    CHECK(text == NULL);
    e = good;
    e.summary = NULL;
    CHECK_INT(ics_write("Asia/Tomsk", &e, 1, STAMP_MS, &text), MB_ERR_INVALID);
    e = good;
    e.end_ms = e.start_ms;
    CHECK_INT(ics_write("Asia/Tomsk", &e, 1, STAMP_MS, &text), MB_ERR_INVALID);
    e = good;
    e.description = "\xff\xfe";
    CHECK_INT(ics_write("Asia/Tomsk", &e, 1, STAMP_MS, &text), MB_ERR_INVALID);
    CHECK_INT(ics_write("Asia/Tomsk", &good, 0, STAMP_MS, &text), MB_ERR_INVALID);
    CHECK_INT(ics_write("Asia/Tomsk", &good, ICS_EVENTS_MAX + 1, STAMP_MS, &text), MB_ERR_LIMIT);
}

int main(void)
{
    RUN(one_meeting_in_the_organisations_zone);
    RUN(a_weekly_series_across_a_daylight_saving_change);
    RUN(without_a_known_zone_times_are_in_utc);
    RUN(events_that_cannot_be_written_are_refused);
    return unit_summary();
}

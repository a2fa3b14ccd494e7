/*
 * «В календарь» under a meeting's notice: the press brings a calendar file
 * that an independent parser (python3-icalendar, tests/ics_check.py) reads
 * as the meeting at its local time in the organisation's zone, with the
 * UID a phone keeps and the meeting's version as SEQUENCE. A weekly
 * series comes as one file of all its meetings; one cancelled since comes
 * as cancelled, so the calendar drops it.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MENTOR 770000401LL
#define MENTEE 770000402LL
#define TOMSK_S (7 * 3600)   /* Asia/Tomsk: UTC+7 all year, 15:00 there is 08:00Z */
#define PYTHON "/usr/bin/python3"
#define CHECKER "tests/ics_check.py"
#define PARSED_MAX 8192

/* What the independent parser reads from the file: one line per event
 * (UID|SUMMARY|start in UTC|STATUS|LOCATION|DESCRIPTION), "" when it
 * cannot read it. */
static const char *parsed(const char *text)
{
    static char out[PARSED_MAX];
    char path[512], cmd[1100];
    snprintf(path, sizeof path, "%s/meeting.ics", unit_tmpdir());
    FILE *f = fopen(path, "wb");
    if (!f) return "";
    fputs(text, f);
    fclose(f);
    snprintf(cmd, sizeof cmd, "%s %s '%s' 2>&1", PYTHON, CHECKER, path);
    FILE *p = popen(cmd, "r");
    if (!p) return "";
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = 0;
    if (pclose(p) != 0) {
        fprintf(stderr, "  %s could not read the calendar (is python3-icalendar installed? make deps): %s\n",
                CHECKER, out);
        return "";
    }
    return out;
}

/* The line of the event with uid in what the parser read, or NULL. */
static const char *event_line(const char *all, long long id, char *buf, size_t size)
{
    char uid[64];
    snprintf(uid, sizeof uid, "meeting-%lld@mentorbot|", id);
    const char *at = strstr(all, uid);
    if (!at) return NULL;
    size_t len = strcspn(at, "\n");
    snprintf(buf, size, "%.*s", (int)len, at);
    return buf;
}

TEST(the_calendar_button_brings_the_meeting_and_its_series_as_a_file)
{
    convo c;
    if (convo_start(&c, "meeting-calendar", NULL)) SKIP("simulator or bot did not start");
    convo_greeted(&c, MENTOR, "Ольга");
    convo_greeted(&c, MENTEE, "Петя");
    char org[32], ms[32], id[32], day[16], want[256], line[512], name[128], caption[512], sql[200];
    snprintf(org, sizeof org, "%s", admin(&c, "org add --name \"Школа №7\" --tz Asia/Tomsk"));
    long long mentor = convo_seed_person(&c, org, MENTOR, "mentor", "teacher", "Ольга Петровна");
    long long mentee = convo_seed_person(&c, org, MENTEE, "mentee", "pupil", "Петя Иванов");
    snprintf(ms, sizeof ms, "%s", admin(&c, "match confirm --org %s --mentor %lld --mentee %lld", org, mentor, mentee));

    /* One meeting: the file holds it at 15:00 Tomsk time. */
    convo_local_day(TOMSK_S, 3, day, sizeof day);
    snprintf(id, sizeof id, "%s",
             admin(&c, "meeting add --mentorship %s --at \"%s 15:00\" --kind intro --place \"каб. 12\""
                       " --topic \"Знакомство\"", ms, day));
    expect_some(&c, MENTEE, "Тебе назначена встреча");
    CHECK(press(&c, MENTEE, "В календарь"));
    char *ics = expect_document(&c, MENTEE, name, sizeof name, caption, sizeof caption);
    char dmy[16];
    snprintf(dmy, sizeof dmy, "%.2s.%.2s.%.4s", day + 8, day + 5, day);
    snprintf(want, sizeof want, "Встреча %s.ics", dmy);
    CHECK_STR(name, want);
    CHECK_CONTAINS(caption, "Открой файл");
    CHECK(ics != NULL);
    if (ics) {
        CHECK_CONTAINS(ics, "SEQUENCE:1\r\n");
        CHECK_CONTAINS(ics, "TZID:Asia/Tomsk\r\n");
        snprintf(want, sizeof want, "meeting-%s@mentorbot|Наставничество: встреча-знакомство|%sT08:00Z|CONFIRMED|"
                 "каб. 12|Знакомство\n", id, day);
        CHECK_STR(parsed(ics), want);
    }
    free(ics);

    /* A weekly series: one file with every meeting, each its own UID. */
    convo_local_day(TOMSK_S, 4, day, sizeof day);
    convo_local_day(TOMSK_S, 26, dmy, sizeof dmy);
    admin(&c, "meeting add --mentorship %s --at \"%s 16:00\" --repeat weekly --until %s", ms, day, dmy);
    expect_some(&c, MENTEE, "Тебе назначены встречи каждую неделю");
    long long first = db_query_int(c.bot.db, "SELECT MIN(id) FROM meetings WHERE series_id IS NOT NULL");
    long long made = db_query_int(c.bot.db, "SELECT COUNT(*) FROM meetings WHERE series_id IS NOT NULL");
    CHECK_INT(made, 4);
    /* The second one is cancelled (as `admin meeting cancel` stores it);
     * the notice's button still brings the series as it is now. */
    snprintf(sql, sizeof sql, "UPDATE meetings SET state = 'cancelled', version = version + 1 WHERE id = %lld",
             first + 1);
    db_exec(c.bot.db, sql);
    snprintf(want, sizeof want, "mt:i:%lld:1", first);
    press_data(&c, MENTEE, want);
    ics = expect_document(&c, MENTEE, name, sizeof name, caption, sizeof caption);
    CHECK_CONTAINS(name, "Встречи с ");
    const char *all = ics ? parsed(ics) : "";
    for (long long k = 0; k < made; k++) {
        char wk[16];
        convo_local_day(TOMSK_S, 4 + 7 * (int)k, wk, sizeof wk);
        snprintf(want, sizeof want, "meeting-%lld@mentorbot|Наставничество: рабочая встреча|%sT09:00Z|%s|", first + k,
                 wk, k == 1 ? "CANCELLED" : "CONFIRMED");
        const char *got = event_line(all, first + k, line, sizeof line);
        CHECK(got != NULL);
        if (got) CHECK_CONTAINS(got, want);
    }
    CHECK_CONTAINS(ics ? ics : "", "SEQUENCE:2\r\n");   /* the cancelled one's version */
    free(ics);

    /* Two presses, two files, and none left behind once sent. */
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM outbox WHERE body LIKE '%%\"path\"%%'");
    CHECK_INT(db_query_int(c.bot.db, sql), 2);
    CHECK_INT(convo_files_left(&c), 0);
    convo_stop(&c);
}

static void all_conversations(void)
{
    RUN(the_calendar_button_brings_the_meeting_and_its_series_as_a_file);
}

/* One description, both messengers (or the one named as the argument). */
int main(int argc, char **argv)
{
    convo_each_transport(argc, argv, all_conversations);
    return unit_summary();
}

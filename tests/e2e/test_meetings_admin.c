/*
 * Meetings from the command line against a running bot: the operator
 * confirms a pair (both sides are introduced), plans its first meeting in
 * the organisation's local time (both are told in the chat, the pupil with
 * «ты»), lists it and cancels it (both are told again). Bad input is
 * refused with a reason and changes nothing.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MENTOR 750000201LL
#define MENTEE 750000202LL
#define TOMSK_OFFSET_S (7 * 3600)   /* Asia/Tomsk has no daylight-saving time */

/* `admin ARGS` is refused: a non-zero exit and why on stderr. */
#define REFUSED(c, why, ...) refused_at(c, why, __FILE__, __LINE__, __VA_ARGS__)
static void refused_at(convo *c, const char *why, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void refused_at(convo *c, const char *why, const char *file, int line, const char *fmt, ...)
{
    char args[1024], last[512], err[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    int code = bot_admin(&c->bot, last, sizeof last, err, sizeof err, "%s", args);
    if (code == 0 || !strstr(err, why)) {
        fprintf(stderr, "  %s:%d: %s: admin %s exited %d, stderr \"%s\", expected a refusal with \"%s\"\n", file, line,
                unit_current, args, code, err, why);
        unit_failed_checks++;
    }
}

TEST(a_meeting_planned_and_cancelled_from_the_command_line_reaches_both)
{
    convo c;
    if (convo_start(&c, "meetings-admin", NULL)) SKIP("simulator or bot did not start");
    convo_greeted(&c, MENTOR, "Ольга");
    convo_greeted(&c, MENTEE, "Петя");
    char org[32], ms[32], id[32], day[16], far[16], sql[200];
    snprintf(org, sizeof org, "%s", admin(&c, "org add --name \"Школа №7\" --tz Asia/Tomsk"));
    long long mentor = convo_seed_person(&c, org, MENTOR, "mentor", "teacher", "Ольга Петровна");
    long long mentee = convo_seed_person(&c, org, MENTEE, "mentee", "pupil", "Петя Иванов");

    /* The pair, as the curator's confirmation makes it. */
    snprintf(ms, sizeof ms, "%s", admin(&c, "match confirm --org %s --mentor %lld --mentee %lld", org, mentor, mentee));
    CHECK(atoll(ms) > 0);
    REFUSED(&c, "already has a mentor", "match confirm --org %s --mentor %lld --mentee %lld", org, mentor, mentee);

    /* The first meeting, in the organisation's time. */
    convo_local_day(TOMSK_OFFSET_S, 3, day, sizeof day);
    snprintf(id, sizeof id, "%s",
             admin(&c, "meeting add --mentorship %s --at \"%s 15:00\" --kind intro --place \"каб. 12\"", ms, day));
    CHECK(atoll(id) > 0);
    char line[256];
    snprintf(line, sizeof line, "%s\t%s 15:00\tintro\tplanned\t%s\t%lld,%lld", id, day, ms, mentor, mentee);
    CHECK_STR(admin(&c, "meeting list --org %s", org), line);

    /* Refusals (while the bot sends the messages above): each says why and
     * adds nothing. */
    convo_local_day(TOMSK_OFFSET_S, 800, far, sizeof far);
    REFUSED(&c, "in the past", "meeting add --mentorship %s --at \"2020-09-01 15:00\"", ms);
    REFUSED(&c, "no such date", "meeting add --mentorship %s --at \"%.4s-02-31 15:00\"", ms, far);
    REFUSED(&c, "no such time", "meeting add --mentorship %s --at \"%s 25:00\"", ms, day);
    REFUSED(&c, "more than a year ahead", "meeting add --mentorship %s --at \"%s 15:00\"", ms, far);
    REFUSED(&c, "unknown kind", "meeting add --mentorship %s --at \"%s 16:00\" --kind party", ms, day);
    REFUSED(&c, "not both", "meeting add --mentorship %s --at \"%s 16:00\" --place \"каб. 1\" --link https://x.example/",
            ms, day);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM meetings"), 1);

    /* Both were introduced, then told of the meeting, the pupil with «ты». */
    expect_some(&c, MENTOR, "у вас новый наставляемый — Петя Иванов");
    const char *told = expect_some(&c, MENTOR, "Вам назначена встреча — встреча-знакомство");
    CHECK(told && strstr(told, "15:00") && strstr(told, "каб. 12"));
    expect_some(&c, MENTEE, "твой наставник — Ольга Петровна");
    told = expect_some(&c, MENTEE, "Тебе назначена встреча — встреча-знакомство");
    CHECK(told && strstr(told, "15:00"));

    /* Cancelled: both are told. */
    snprintf(line, sizeof line, "meeting %s cancelled", id);
    CHECK_STR(admin(&c, "meeting cancel %s", id), line);
    /* An ended mentorship takes no meetings. */
    snprintf(sql, sizeof sql, "UPDATE mentorships SET state = 'ended', ended_at = 1 WHERE id = %s", ms);
    db_exec(c.bot.db, sql);
    REFUSED(&c, "has ended", "meeting add --mentorship %s --at \"%s 15:00\"", ms, day);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM meetings"), 1);
    expect_some(&c, MENTOR, "Встреча отменена — встреча-знакомство");
    expect_some(&c, MENTEE, "тебе придёт сообщение");
    convo_stop(&c);
}

static void all_conversations(void)
{
    RUN(a_meeting_planned_and_cancelled_from_the_command_line_reaches_both);
}

int main(int argc, char **argv)
{
    /* The notices go through the messenger-neutral outbox; one messenger
     * keeps the test short unless another is named. */
    char *tg_only[] = {argv[0], "tg", NULL};
    convo_each_transport(argc > 1 ? argc : 2, argc > 1 ? argv : tg_only, all_conversations);
    return unit_summary();
}

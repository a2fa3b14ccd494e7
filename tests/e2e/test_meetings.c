/*
 * A meeting's life in the chat, with the bot's clock moved forward
 * (MENTORBOT_CLOCK_OFFSET_S) instead of waiting: a pair in Tomsk gets the
 * reminder a day ahead and an hour ahead at their local times, once each
 * even when the bot is killed while a reminder is on its way; the mentee answers
 * «Приду»; the mentor moves the meeting by typing a time (bad times are
 * refused, nothing changes), both are told, and the old reminders never
 * fire; after the meeting each is asked whether it took place, and their
 * answers are kept as each gave them. A meeting early in the morning has
 * its hour-ahead reminder moved out of the night, and a pair in Kaliningrad
 * gets its reminders at its own local times.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MENTOR 760000301LL
#define MENTEE 760000302LL
#define TOMSK_S (7 * 3600)        /* Asia/Tomsk: UTC+7 all year */
#define DAY_S 86400LL
#define HOUR_S 3600LL
#define SETTLE_MS 700             /* nothing more arrives within this */

/* UTC seconds of a local wall time days after today in a zone offset_s
 * from UTC (without daylight-saving time). */
static long long local_at(long offset_s, int days, int hour, int minute)
{
    time_t t = time(NULL) + offset_s + (time_t)days * DAY_S;
    struct tm tm;
    gmtime_r(&t, &tm);
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = 0;
    return (long long)timegm(&tm) - offset_s;
}

static long long tomsk_at(int days, int hour, int minute) { return local_at(TOMSK_S, days, hour, minute); }

static long long count(convo *c, const char *sql) { return db_query_int(c->bot.db, sql); }

TEST(reminders_answers_and_a_move_follow_the_meeting_in_local_time)
{
    convo c;
    if (convo_start(&c, "meetings", NULL)) SKIP("simulator or bot did not start");
    convo_greeted(&c, MENTOR, "Ольга");
    convo_greeted(&c, MENTEE, "Петя");
    char org[32], ms[32], day[16];
    snprintf(org, sizeof org, "%s", admin(&c, "org add --name \"Школа №7\" --tz Asia/Tomsk"));
    long long mentor = convo_seed_person(&c, org, MENTOR, "mentor", "teacher", "Ольга Петровна");
    long long mentee = convo_seed_person(&c, org, MENTEE, "mentee", "pupil", "Петя Иванов");
    snprintf(ms, sizeof ms, "%s", admin(&c, "match confirm --org %s --mentor %lld --mentee %lld", org, mentor, mentee));
    expect_some(&c, MENTEE, "твой наставник");

    /* In three days at 16:00 Tomsk time, and one at 08:30 the day after. */
    convo_local_day(TOMSK_S, 3, day, sizeof day);
    long long start = tomsk_at(3, 16, 0);
    admin(&c, "meeting add --mentorship %s --at \"%s 16:00\" --kind intro --place \"каб. 12\"", ms, day);
    expect_some(&c, MENTEE, "Тебе назначена встреча");
    convo_local_day(TOMSK_S, 4, day, sizeof day);
    const char *early = admin(&c, "meeting add --mentorship %s --at \"%s 08:30\"", ms, day);
    char sql[256];
    /* Its hour-ahead reminder would come at 07:30, in the night's quiet
     * hours: it comes at 08:00 instead. */
    snprintf(sql, sizeof sql,
             "SELECT due_at / 1000 FROM jobs WHERE kind = 'meeting_reminder' AND state = 'pending'"
             " AND json_extract(payload, '$.meeting') = %s AND json_extract(payload, '$.before') = 60", early);
    CHECK_INT(count(&c, sql), tomsk_at(4, 8, 0));
    snprintf(sql, sizeof sql, "UPDATE meetings SET state = 'cancelled', version = version + 1 WHERE id = %s", early);
    db_exec(c.bot.db, sql);
    /* A pair in Kaliningrad (UTC+2) meeting at 16:00 there: its reminders
     * are due at 16:00 the day before and 15:00, their local time. */
    char org2[32], ms2[32], sql2[320];
    snprintf(org2, sizeof org2, "%s", admin(&c, "org add --name \"Гимназия №1\" --tz Europe/Kaliningrad"));
    long long mentor2 = convo_seed_person(&c, org2, MENTOR + 10, "mentor", "teacher", "Ирина Львовна");
    long long mentee2 = convo_seed_person(&c, org2, MENTEE + 10, "mentee", "pupil", "Аня Котова");
    snprintf(ms2, sizeof ms2, "%s",
             admin(&c, "match confirm --org %s --mentor %lld --mentee %lld", org2, mentor2, mentee2));
    convo_local_day(2 * 3600, 3, day, sizeof day);
    const char *west = admin(&c, "meeting add --mentorship %s --at \"%s 16:00\"", ms2, day);
    long long west_start = local_at(2 * 3600, 3, 16, 0);
    snprintf(sql2, sizeof sql2,
             "SELECT MIN(due_at) / 1000 FROM jobs WHERE kind = 'meeting_reminder'"
             " AND json_extract(payload, '$.meeting') = %s", west);
    CHECK_INT(count(&c, sql2), west_start - DAY_S);
    snprintf(sql2, sizeof sql2,
             "SELECT MAX(due_at) / 1000 FROM jobs WHERE kind = 'meeting_reminder'"
             " AND json_extract(payload, '$.meeting') = %s", west);
    CHECK_INT(count(&c, sql2), west_start - HOUR_S);
    snprintf(sql2, sizeof sql2, "UPDATE meetings SET state = 'cancelled', version = version + 1 WHERE id = %s", west);
    db_exec(c.bot.db, sql2);
    expect_some(&c, MENTEE, "08:30");
    expect_some(&c, MENTOR, "08:30");

    /* A day ahead, at 16:00 local the day before. The messenger carries out
     * the first reminder but its answer is late, and the bot is killed
     * meanwhile: started again, it sends each reminder once. */
    const char *send = convo_send_method(&c);
    char fault[128];
    snprintf(fault, sizeof fault, "{\"method\":\"%s\",\"delay_ms\":3000}", send);
    cJSON_Delete(sim_request(&c.sim, "POST", "/sim/fault", fault, NULL));
    CHECK_INT(convo_restart_at(&c, start - DAY_S + 30), 0);
    CHECK(convo_wait_count(&c, 1, 8000, "SELECT COUNT(*) FROM outbox WHERE state = 'sending'"));
    bot_kill(&c.bot, SIGKILL);
    CHECK_INT(convo_restart_at(&c, start - DAY_S + 40), 0);
    const char *r = expect(&c, MENTEE, "Напоминание: встреча-знакомство");
    CHECK(r && strstr(r, "16:00") && strstr(r, "каб. 12") && strstr(r, "Придёшь?"));
    r = expect(&c, MENTOR, "Напоминание: встреча-знакомство");
    CHECK(r && strstr(r, "Придёте?"));
    expect_silence(&c, MENTEE, SETTLE_MS);
    expect_silence(&c, MENTOR, 0);
    CHECK_INT(sim_count_calls(&c.sim, c.transport, MENTEE, send, "Напоминание"), 1);
    CHECK_INT(sim_count_calls(&c.sim, c.transport, MENTOR, send, "Напоминание"), 1);
    CHECK(log_contains(&c.bot, "were being sent when the last run stopped"));

    press(&c, MENTEE, "Приду");
    expect(&c, MENTEE, "ждём тебя");
    expect(&c, MENTOR, "Петя Иванов придёт на встречу");

    /* The mentor moves it by typing (from the reminder, above the message
     * that Петя comes); impossible and night times change nothing. */
    char move[64];
    snprintf(move, sizeof move, "mt:m:%lld:1", count(&c, "SELECT id FROM meetings WHERE kind = 'intro'"));
    press_data(&c, MENTOR, move);
    expect(&c, MENTOR, "На когда перенести");
    say(&c, MENTOR, "31.02 16:00");
    expect(&c, MENTOR, "Такой даты или времени не бывает");
    say(&c, MENTOR, "завтра в 23:30");
    expect(&c, MENTOR, "бот никого не тревожит ночью");
    say(&c, MENTOR, "когда-нибудь");
    expect(&c, MENTOR, "Не получилось понять время");
    CHECK_INT(count(&c, "SELECT COUNT(*) FROM meetings WHERE version = 1 AND state = 'planned'"), 1);
    say(&c, MENTOR, "завтра в 17");
    expect(&c, MENTOR, "встреча перенесена");
    r = expect(&c, MENTEE, "Встречу перенесли");
    CHECK(r && strstr(r, "16:00") && strstr(r, "17:00"));
    long long moved = start + HOUR_S;

    /* The new time's day-ahead reminder; the old hour-ahead time passes in
     * silence; the new one reminds. */
    CHECK_INT(convo_restart_at(&c, moved - DAY_S + 30), 0);
    r = expect(&c, MENTEE, "Напоминание");
    CHECK(r && strstr(r, "17:00"));
    expect(&c, MENTOR, "Напоминание");
    CHECK_INT(convo_restart_at(&c, start - HOUR_S + 30), 0);
    expect_silence(&c, MENTEE, SETTLE_MS);
    CHECK_INT(convo_restart_at(&c, moved - HOUR_S + 30), 0);
    r = expect(&c, MENTEE, "Напоминание");
    CHECK(r && strstr(r, "17:00"));
    expect(&c, MENTOR, "Напоминание");

    /* An hour after the end each is asked; the answers are kept apart. */
    CHECK_INT(convo_restart_at(&c, moved + 2 * HOUR_S + 30), 0);
    expect(&c, MENTOR, "состоялась?");
    expect(&c, MENTEE, "состоялась?");
    press(&c, MENTOR, "Состоялась");
    expect(&c, MENTOR, "Насколько встреча была полезной");
    press(&c, MENTOR, "4");
    expect(&c, MENTOR, "Хотите добавить пару слов");
    say(&c, MENTOR, "Разобрали задачи олимпиады");
    expect(&c, MENTOR, "Спасибо, записали");
    press(&c, MENTEE, "Не состоялась");
    expect(&c, MENTEE, "встреча не состоялась");
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM meeting_participants WHERE account_id = %lld AND outcome = 'happened'"
             " AND usefulness = 4 AND comment = 'Разобрали задачи олимпиады'", mentor);
    CHECK_INT(count(&c, sql), 1);
    snprintf(sql, sizeof sql,
             "SELECT COUNT(*) FROM meeting_participants WHERE account_id = %lld AND outcome = 'not_held'", mentee);
    CHECK_INT(count(&c, sql), 1);

    /* The repeat goes only to who did not answer: nobody here. */
    CHECK_INT(convo_restart_at(&c, moved + 2 * HOUR_S + DAY_S + 60), 0);
    expect_silence(&c, MENTEE, SETTLE_MS);
    expect_silence(&c, MENTOR, 0);
    CHECK_INT(count(&c, "SELECT COUNT(*) FROM jobs WHERE kind LIKE 'meeting%' AND state = 'pending'"), 0);
    convo_stop(&c);
}

static void all_conversations(void)
{
    RUN(reminders_answers_and_a_move_follow_the_meeting_in_local_time);
}

/* One description, both messengers (or the one named as the argument). */
int main(int argc, char **argv)
{
    convo_each_transport(argc, argv, all_conversations);
    return unit_summary();
}

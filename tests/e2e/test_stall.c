/*
 * Stalled pairs, with the bot's clock moved forward
 * (MENTORBOT_CLOCK_OFFSET_S) instead of waiting: two pairs in Tomsk hold no
 * meeting for 22 days, and each mentor gets a polite nudge saying so; a
 * week later nothing has changed, so the curator gets a flag for each. From
 * one flag the curator opens the pair (its people, its meeting that did not
 * take place with each one's answer) and has another mentor picked for its
 * mentee; the other pair, found under «Зависшие пары» in the menu, is
 * ended there. The mentees hear of it, and no pair is left stalled.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MENTOR 760000401LL
#define MENTEE 760000402LL
#define CURATOR 760000403LL
#define MENTOR2 760000404LL
#define MENTEE2 760000405LL
#define TOMSK_S (7 * 3600)        /* Asia/Tomsk: UTC+7 all year */
#define DAY_S 86400LL
#define SETTLE_MS 500             /* nothing more arrives within this */

/* UTC seconds of a local wall time in Tomsk, days after today. */
static long long tomsk_at(int days, int hour, int minute)
{
    time_t t = time(NULL) + TOMSK_S + (time_t)days * DAY_S;
    struct tm tm;
    gmtime_r(&t, &tm);
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = 0;
    return (long long)timegm(&tm) - TOMSK_S;
}

TEST(pairs_without_meetings_nudge_the_mentors_then_flag_the_curator_who_rematches_or_ends)
{
    convo c;
    if (convo_start(&c, "stall", NULL)) SKIP("simulator or bot did not start");
    convo_greeted(&c, MENTOR, "Ольга");
    convo_greeted(&c, MENTEE, "Петя");
    convo_greeted(&c, CURATOR, "Анна");
    convo_greeted(&c, MENTOR2, "Иван");
    convo_greeted(&c, MENTEE2, "Маша");
    char org[32], ms[32], sql[160];
    snprintf(org, sizeof org, "%s", admin(&c, "org add --name \"Школа №5\" --tz Asia/Tomsk"));
    long long mentor = convo_seed_person(&c, org, MENTOR, "mentor", "teacher", "Ольга Петровна");
    long long mentee = convo_seed_person(&c, org, MENTEE, "mentee", "pupil", "Петя Иванов");
    long long curator = convo_seed_person(&c, org, CURATOR, "curator", "teacher", "Анна Кураторова");
    snprintf(sql, sizeof sql, "INSERT INTO scopes(account_id, org_id) VALUES(%lld, %s)", curator, org);
    db_exec(c.bot.db, sql);
    snprintf(ms, sizeof ms, "%s", admin(&c, "match confirm --org %s --mentor %lld --mentee %lld", org, mentor, mentee));
    expect_some(&c, MENTEE, "твой наставник");
    expect_some(&c, MENTOR, "новый наставляемый");
    long long mentor2 = convo_seed_person(&c, org, MENTOR2, "mentor", "teacher", "Иван Сергеевич");
    long long mentee2 = convo_seed_person(&c, org, MENTEE2, "mentee", "pupil", "Маша Смирнова");
    char ms2[32], meeting[600];
    snprintf(ms2, sizeof ms2, "%s", admin(&c, "match confirm --org %s --mentor %lld --mentee %lld", org, mentor2,
                                          mentee2));
    expect_some(&c, MENTEE2, "твой наставник");
    expect_some(&c, MENTOR2, "новый наставляемый");
    /* The second pair's one meeting, ten days on, did not take place: the
     * mentor said so, the mentee said nothing. */
    long long at = tomsk_at(10, 15, 0) * 1000LL;
    snprintf(meeting, sizeof meeting,
             "INSERT INTO meetings(org_id, mentorship_id, kind, format, starts_at, minutes, created_at, updated_at)"
             " VALUES(%s, %s, 'work', 'in_person', %lld, 60, 1, 1);"
             "INSERT INTO meeting_participants(meeting_id, account_id, role, outcome, answered_at)"
             " VALUES(last_insert_rowid(), %lld, 'mentor', 'not_held', %lld);"
             "INSERT INTO meeting_participants(meeting_id, account_id, role)"
             " SELECT MAX(id), %lld, 'mentee' FROM meetings;",
             org, ms2, at, mentor2, at + 7200000LL, mentee2);
    db_exec(c.bot.db, meeting);

    /* 22 days on, at noon in Tomsk: no meeting yet, the mentors are nudged. */
    CHECK_INT(convo_restart_at(&c, tomsk_at(22, 12, 0)), 0);
    const char *r = expect(&c, MENTOR, "Пара «Ольга Петровна — Петя Иванов»");
    CHECK(r && strstr(r, "а встреч ещё не было") && strstr(r, "Договоритесь о первой встрече"));
    expect(&c, MENTOR2, "Пара «Иван Сергеевич — Маша Смирнова»");
    expect_silence(&c, CURATOR, SETTLE_MS);
    expect_silence(&c, MENTEE, 0);

    /* A week later nothing has changed: the curator is flagged, once a pair. */
    CHECK_INT(convo_restart_at(&c, tomsk_at(29, 12, 1)), 0);
    r = expect(&c, CURATOR, "Пара «Ольга Петровна — Петя Иванов» зависла");
    CHECK(r && strstr(r, "встреч ещё не было") && strstr(r, "Наставнику напомнили"));
    expect(&c, CURATOR, "Пара «Иван Сергеевич — Маша Смирнова» зависла");
    expect_silence(&c, CURATOR, SETTLE_MS);
    expect_silence(&c, MENTOR, 0);

    /* The flag's button opens the pair: its people, the reason, no
     * meetings; another mentor is picked for its mentee. */
    CHECK(press(&c, CURATOR, "Открыть пару"));
    r = expect(&c, CURATOR, "Иван Сергеевич — Маша Смирнова");
    CHECK(r && strstr(r, "Почему зависла: с начала наставничества прошло") && strstr(r, "Последние встречи:") &&
          strstr(r, "15:00, рабочая встреча: Иван Сергеевич — не состоялась; Маша Смирнова — нет ответа"));
    CHECK(press(&c, CURATOR, "Подобрать другого наставника"));
    expect(&c, CURATOR, "Завершить наставничество «Иван Сергеевич — Маша Смирнова» и подобрать другого наставника?");
    CHECK(press(&c, CURATOR, "Да, подобрать"));
    expect(&c, CURATOR, "Наставничество завершено");
    expect(&c, CURATOR, "Маша Смирнова (");
    expect_some(&c, MENTEE2, "завершил");

    /* The other one from the menu, ended with the usual confirmation. */
    say(&c, CURATOR, "/menu");
    expect_some(&c, CURATOR, "Что сделать?");
    CHECK(press(&c, CURATOR, "Зависшие пары: 1"));
    expect(&c, CURATOR, "Зависшие пары: 1.");
    CHECK(press(&c, CURATOR, "Ольга Петровна — Петя Иванов"));
    r = expect(&c, CURATOR, "Почему зависла");
    CHECK(r && strstr(r, "Встреч ещё не было"));
    CHECK(press(&c, CURATOR, "Завершить наставничество"));
    expect(&c, CURATOR, "Завершить наставничество «Ольга Петровна — Петя Иванов»?");
    CHECK(press(&c, CURATOR, "Да, завершить"));
    expect(&c, CURATOR, "Наставничество завершено");
    expect_some(&c, MENTEE, "завершил");
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM mentorships WHERE id = %s AND state = 'ended'", ms);
    CHECK_INT(db_query_int(c.bot.db, sql), 1);
    say(&c, CURATOR, "/menu");
    expect_some(&c, CURATOR, "Что сделать?");
    CHECK(press(&c, CURATOR, "Зависшие пары: 0"));
    expect(&c, CURATOR, "Зависших пар нет");
    convo_stop(&c);
}

static void all_conversations(void)
{
    RUN(pairs_without_meetings_nudge_the_mentors_then_flag_the_curator_who_rematches_or_ends);
}

/* One description, both messengers (or the one named as the argument). */
int main(int argc, char **argv)
{
    convo_each_transport(argc, argv, all_conversations);
    return unit_summary();
}

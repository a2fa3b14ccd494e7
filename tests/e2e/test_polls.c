/*
 * A poll wave in the chat, with the bot's clock moved forward
 * (MENTORBOT_CLOCK_OFFSET_S) instead of waiting: the curator launches the
 * interim poll of mentees from the menu; a mentee gets it, answers two
 * questions, stops, and three days later the reminder's button continues
 * from the third question to the end; the other mentee, who never
 * answers, gets a polite reminder after three days and one after seven,
 * and never a third; the curator sees one of two answered (50%) and that
 * the results stay hidden below five respondents.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MENTOR 780000501LL
#define MENTEE 780000502LL
#define SILENT 780000503LL
#define CURATOR 780000504LL
#define MOSCOW_S (3 * 3600)       /* Europe/Moscow: UTC+3 all year */
#define DAY_S 86400LL
#define SETTLE_MS 700             /* nothing more arrives within this */

/* The bot's clock as an offset from now (the admin commands run with it too). */
static void clock_at(long long utc_s)
{
    char offset[32];
    snprintf(offset, sizeof offset, "%lld", utc_s - (long long)time(NULL));
    setenv("MENTORBOT_CLOCK_OFFSET_S", offset, 1);
}

/* UTC seconds of noon in Moscow days after today. */
static long long moscow_noon(int days)
{
    time_t t = time(NULL) + MOSCOW_S + (time_t)days * DAY_S;
    struct tm tm;
    gmtime_r(&t, &tm);
    tm.tm_hour = 12;
    tm.tm_min = tm.tm_sec = 0;
    return (long long)timegm(&tm) - MOSCOW_S;
}

static void restart_at(convo *c, long long utc_s)
{
    bot_stop(&c->bot);
    clock_at(utc_s);
    CHECK_INT(bot_start(&c->bot), 0);
}

TEST(a_mentee_answers_later_the_silent_one_is_reminded_twice_and_results_stay_hidden)
{
    long long launch = moscow_noon(1);
    clock_at(launch);
    convo c;
    if (convo_start(&c, "polls", NULL)) {
        unsetenv("MENTORBOT_CLOCK_OFFSET_S");
        SKIP("simulator or bot did not start");
    }
    const char *send = convo_send_method(&c);
    convo_greeted(&c, CURATOR, "Анна");
    convo_greeted(&c, MENTOR, "Ольга");
    convo_greeted(&c, MENTEE, "Петя");
    convo_greeted(&c, SILENT, "Вася");
    char org[32];
    snprintf(org, sizeof org, "%s", admin(&c, "org add --name \"Школа №3\" --tz Europe/Moscow"));
    long long curator = convo_seed_person(&c, org, CURATOR, "curator", "teacher", "Анна Сергеевна");
    char sql[160];
    /* A curator looks after the organisations of their scope, as the curator's invite gives. */
    snprintf(sql, sizeof sql, "INSERT INTO scopes(account_id, org_id) VALUES(%lld, %s)", curator, org);
    db_exec(c.bot.db, sql);
    long long mentor = convo_seed_person(&c, org, MENTOR, "mentor", "teacher", "Ольга Петровна");
    long long mentee = convo_seed_person(&c, org, MENTEE, "mentee", "pupil", "Петя Иванов");
    long long silent = convo_seed_person(&c, org, SILENT, "mentee", "pupil", "Вася Смирнов");
    admin(&c, "match confirm --org %s --mentor %lld --mentee %lld,%lld", org, mentor, mentee, silent);

    /* The curator launches the interim poll of mentees from the menu. */
    say(&c, CURATOR, "/menu");
    expect_some(&c, CURATOR, "Что сделать?");
    press(&c, CURATOR, "Опросы");
    expect(&c, CURATOR, "Опросов пока не было");
    press(&c, CURATOR, "Запустить опрос");
    expect(&c, CURATOR, "Какой опрос запустить?");
    press(&c, CURATOR, "Промежуточный — наставляемые");
    expect(&c, CURATOR, "приглашение получат 2 чел.");

    /* Петя answers two questions and stops. */
    expect_some(&c, MENTEE, "Короткий опрос: «Как идут занятия с наставником»");
    press(&c, MENTEE, "Ответить");
    expect(&c, MENTEE, "В каждом выбери число от 1 до 10");
    expect(&c, MENTEE, "Насколько тебе нравятся встречи с наставником?");
    press(&c, MENTEE, "9");
    expect(&c, MENTEE, "Насколько встречи тебе полезны?");
    press(&c, MENTEE, "8");
    expect(&c, MENTEE, "Насколько наставник понимает, что тебе нужно?");
    say(&c, MENTEE, "/cancel");
    expect(&c, MENTEE, "Отменено");
    expect(&c, MENTEE, "Что сделать?");
    char *menu = cJSON_PrintUnformatted(convo_last(&c, MENTEE));
    CHECK(menu && strstr(menu, "Продолжить опрос"));
    free(menu);
    expect_some(&c, SILENT, "Короткий опрос");
    expect_silence(&c, SILENT, SETTLE_MS);

    /* Three days later: Петя is asked to finish, Вася reminded. */
    restart_at(&c, launch + 3 * DAY_S + 60);
    expect(&c, MENTEE, "осталось ответить на несколько вопросов");
    expect(&c, SILENT, "Напоминаем про опрос «Как идут занятия с наставником»: твоё мнение");
    press(&c, MENTEE, "Продолжить опрос");
    expect_some(&c, MENTEE, "Насколько наставник понимает, что тебе нужно?");
    CHECK(strstr(convo_text(&c, convo_last(&c, MENTEE)), "Продолжаем опрос с того места") != NULL);
    press(&c, MENTEE, "7");
    expect(&c, MENTEE, "Насколько ты продвинулся к своей цели?");
    press(&c, MENTEE, "4");
    expect(&c, MENTEE, "Насколько тебе хватает встреч");
    press(&c, MENTEE, "6");
    expect(&c, MENTEE, "Что стоит изменить во встречах?");
    say(&c, MENTEE, "Встречаться чаще");
    expect(&c, MENTEE, "Спасибо! Твои ответы сохранены.");
    /* The mean of the three satisfaction items: (9 + 8 + 7) / 3. */
    CHECK_INT(db_query_int(c.bot.db, "SELECT CAST(satisfaction * 10 AS INTEGER) FROM poll_recipients"
                                     " WHERE state = 'done' AND answered_at IS NOT NULL"), 80);

    /* A week after the launch Вася gets the second reminder, Петя nothing;
     * a week later still nobody gets a third. */
    restart_at(&c, launch + 7 * DAY_S + 60);
    expect(&c, SILENT, "Напоминаем про опрос");
    expect_silence(&c, MENTEE, SETTLE_MS);
    restart_at(&c, launch + 14 * DAY_S + 60);
    expect_silence(&c, SILENT, 2 * SETTLE_MS);
    CHECK_INT(sim_count_calls(&c.sim, c.transport, SILENT, send, "Напоминаем про опрос"), 2);
    CHECK_INT(sim_count_calls(&c.sim, c.transport, MENTEE, send, "Опрос «"), 1);

    /* The curator sees the response rate; one answer is too few to show. */
    say(&c, CURATOR, "/menu");
    expect_some(&c, CURATOR, "Что сделать?");
    press(&c, CURATOR, "Опросы");
    expect(&c, CURATOR, "Промежуточный — наставляемые — идёт с");
    CHECK(strstr(convo_text(&c, convo_last(&c, CURATOR)), "ответили 1 из 2 (50%)") != NULL);
    press(&c, CURATOR, "1. Промежуточный");
    const char *r = expect(&c, CURATOR, "Ответили 1. Результаты показываются, когда ответят не меньше 5");
    CHECK(r && !strstr(r, "в среднем") && !strstr(r, "Встречаться чаще"));
    unsetenv("MENTORBOT_CLOCK_OFFSET_S");
    convo_stop(&c);
}

static void all_conversations(void) { RUN(a_mentee_answers_later_the_silent_one_is_reminded_twice_and_results_stay_hidden); }

/* One description, both messengers (or the one named as the argument). */
int main(int argc, char **argv)
{
    convo_each_transport(argc, argv, all_conversations);
    return unit_summary();
}

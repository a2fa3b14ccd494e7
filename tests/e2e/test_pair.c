/*
 * A pair finds each other in the menu: the pupil opens «Моя пара», writes
 * to the mentor through the bot and gets the answer the same way (neither
 * sees the other's contacts); the mentor plans the first meeting from
 * «Мои наставляемые» with the offered day and hour, the pupil confirms and
 * the mentor hears of it; a typed impossible time changes nothing; the
 * pupil reports a problem, the curator gets it with the pair's buttons and
 * reads the conversation, which a curator may do for a pair with a minor,
 * and sees the organisation's coming meetings with who confirmed, then
 * plans an activity for every pair. A pupil who lives in another timezone
 * chooses it and reads times by it.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MENTOR 770000401LL
#define MENTEE 770000402LL
#define CURATOR 770000403LL
#define TOMSK_S (7 * 3600)

static void tomorrow_label(char *buf, size_t size)
{
    static const char *const days[] = {"вс", "пн", "вт", "ср", "чт", "пт", "сб"};
    time_t t = time(NULL) + TOMSK_S + 86400;
    struct tm tm;
    gmtime_r(&t, &tm);
    snprintf(buf, size, "%s %02d.%02d", days[tm.tm_wday], tm.tm_mday, tm.tm_mon + 1);
}

TEST(a_pair_writes_plans_a_meeting_and_reaches_the_curator)
{
    convo c;
    if (convo_start(&c, "pair", NULL)) SKIP("simulator or bot did not start");
    convo_greeted(&c, MENTOR, "Ольга");
    convo_greeted(&c, MENTEE, "Петя");
    convo_greeted(&c, CURATOR, "Анна");
    char org[32];
    snprintf(org, sizeof org, "%s", admin(&c, "org add --name \"Школа №7\" --tz Asia/Tomsk"));
    long long mentor = convo_seed_person(&c, org, MENTOR, "mentor", "teacher", "Ольга Петровна");
    long long mentee = convo_seed_person(&c, org, MENTEE, "mentee", "pupil", "Петя Иванов");
    convo_seed_person(&c, org, CURATOR, "curator", "teacher", "Анна Сергеевна");
    admin(&c, "match confirm --org %s --mentor %lld --mentee %lld", org, mentor, mentee);
    expect_some(&c, MENTEE, "«Моя пара»");
    expect_some(&c, MENTOR, "«Мои наставляемые»");

    /* The pupil writes through the bot; the mentor answers. */
    say(&c, MENTEE, "/menu");
    expect(&c, MENTEE, "Что сделать?");
    press(&c, MENTEE, "Моя пара");
    const char *view = expect(&c, MENTEE, "Твой наставник — Ольга Петровна");
    CHECK(view && strstr(view, "Школа №7") && strstr(view, "Встреча пока не назначена"));
    press(&c, MENTEE, "Написать наставнику");
    expect(&c, MENTEE, "бот передаст его");
    say(&c, MENTEE, "Здравствуйте! Когда встретимся?");
    expect(&c, MENTEE, "Сообщение передано");
    const char *got = expect(&c, MENTOR, "Сообщение от Петя Иванов (наставляемый)");
    CHECK(got && strstr(got, "Когда встретимся?"));
    press(&c, MENTOR, "Ответить");
    expect(&c, MENTOR, "куратор может прочитать переписку");
    say(&c, MENTOR, "Давай завтра, я предложу время.");
    expect(&c, MENTOR, "Сообщение передано");
    got = expect(&c, MENTEE, "Сообщение от Ольга Петровна (наставник)");
    CHECK(got && strstr(got, "Давай завтра"));

    /* The mentor plans the first meeting with the offered buttons. */
    say(&c, MENTOR, "/menu");
    expect(&c, MENTOR, "Что сделать?");
    press(&c, MENTOR, "Мои наставляемые");
    expect(&c, MENTOR, "Наставляемые: Петя Иванов, 8");
    press(&c, MENTOR, "Назначить встречу");
    expect(&c, MENTOR, "Когда встретиться?");
    say(&c, MENTOR, "31.02 16:00");
    expect(&c, MENTOR, "Такой даты или времени не бывает");
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM meetings"), 0);
    say(&c, MENTOR, "/menu");
    expect(&c, MENTOR, "Что сделать?");
    press(&c, MENTOR, "Мои наставляемые");
    expect(&c, MENTOR, "Наставляемые");
    press(&c, MENTOR, "Назначить встречу");
    expect(&c, MENTOR, "Когда встретиться?");
    char day[32];
    tomorrow_label(day, sizeof day);
    press(&c, MENTOR, day);
    expect(&c, MENTOR, "Во сколько");
    press(&c, MENTOR, "14:00");
    expect(&c, MENTOR, "Встреча назначена");
    const char *invite = expect(&c, MENTEE, "Ольга Петровна предлагает встречу — встреча-знакомство");
    CHECK(invite && strstr(invite, "14:00") && strstr(invite, "Подходит?"));
    /* The mentor names the place; the pupil confirms the updated meeting. */
    press(&c, MENTOR, "Место");
    expect(&c, MENTOR, "Где встреча?");
    say(&c, MENTOR, "каб. 12");
    expect(&c, MENTOR, "участники получили уточнение");
    invite = expect(&c, MENTEE, "Встречу уточнили");
    CHECK(invite && strstr(invite, "Место: каб. 12"));
    press(&c, MENTEE, "Подтверждаю");
    expect(&c, MENTEE, "ждём тебя");
    expect(&c, MENTOR, "Петя Иванов придёт на встречу");
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM meeting_participants WHERE response = 'accepted'"), 1);

    /* A problem reaches the curator, who reads the pair's conversation. */
    say(&c, MENTEE, "/menu");
    expect(&c, MENTEE, "Что сделать?");
    press(&c, MENTEE, "Моя пара");
    view = expect(&c, MENTEE, "Твой наставник");
    CHECK(view && strstr(view, "Следующая встреча: встреча-знакомство"));
    /* Living in Moscow, the pupil sees the meeting by Moscow clocks. */
    say(&c, MENTEE, "/menu");
    expect(&c, MENTEE, "Что сделать?");
    press(&c, MENTEE, "Часовой пояс");
    expect(&c, MENTEE, "по часовому поясу школы (Asia/Tomsk)");
    press(&c, MENTEE, "Москва (МСК)");
    expect(&c, MENTEE, "по твоему поясу — Москва (МСК)");
    say(&c, MENTEE, "/menu");
    expect(&c, MENTEE, "Что сделать?");
    press(&c, MENTEE, "Моя пара");
    view = expect(&c, MENTEE, "Твой наставник");
    CHECK(view && strstr(view, "10:00") && !strstr(view, "14:00"));
    press(&c, MENTEE, "Сообщить куратору о проблеме");
    expect(&c, MENTEE, "его получит куратор");
    say(&c, MENTEE, "Мне неудобно время встреч");
    expect(&c, MENTEE, "Куратор получил твоё сообщение");
    got = expect(&c, CURATOR, "Петя Иванов сообщает о проблеме в паре с наставником Ольга Петровна");
    CHECK(got && strstr(got, "неудобно"));
    press(&c, CURATOR, "Переписка пары");
    got = expect(&c, CURATOR, "Последние сообщения пары");
    CHECK(got && strstr(got, "Когда встретимся?") && strstr(got, "Давай завтра") && strstr(got, "(куратору)"));

    /* The curator sees the organisation's meetings with who confirmed. */
    say(&c, CURATOR, "/menu");
    expect(&c, CURATOR, "Что сделать?");
    press(&c, CURATOR, "Встречи");
    got = expect(&c, CURATOR, "Встречи на ближайшие две недели");
    CHECK(got && strstr(got, "14:00") && strstr(got, "Петя Иванов ✓") && strstr(got, "Ольга Петровна"));

    /* An activity for every pair, with its topic after a dash. */
    say(&c, CURATOR, "/menu");
    expect(&c, CURATOR, "Что сделать?");
    press(&c, CURATOR, "Назначить мероприятие");
    expect(&c, CURATOR, "Какое мероприятие");
    press(&c, CURATOR, "деловая игра");
    expect(&c, CURATOR, "для всех пар организации (1)");
    char typed[64];
    time_t later = time(NULL) + TOMSK_S + 2 * 86400;
    struct tm tm;
    gmtime_r(&later, &tm);
    snprintf(typed, sizeof typed, "%02d.%02d 15:00 — Профессии будущего", tm.tm_mday, tm.tm_mon + 1);
    say(&c, CURATOR, typed);
    expect(&c, CURATOR, "пар — 1, приглашение получили 2");
    got = expect_some(&c, MENTEE, "Тебе назначена встреча — деловая игра");
    CHECK(got && strstr(got, "Профессии будущего") && strstr(got, "11:00"));   /* by Moscow clocks */
    expect_some(&c, MENTOR, "Вам назначена встреча — деловая игра");

    /* The curator plans a meeting for the pair from its screen. */
    char plan[48];
    snprintf(plan, sizeof plan, "pr:s:%lld", db_query_int(c.bot.db, "SELECT id FROM mentorships"));
    press_data(&c, CURATOR, plan);
    expect(&c, CURATOR, "Когда встретиться?");
    snprintf(typed, sizeof typed, "%02d.%02d 16:30", tm.tm_mday, tm.tm_mon + 1);
    say(&c, CURATOR, typed);
    expect(&c, CURATOR, "Встреча назначена");
    got = expect_some(&c, MENTEE, "Анна Сергеевна предлагает встречу");
    CHECK(got && strstr(got, "12:30"));   /* 16:30 in Tomsk, by the pupil's Moscow clocks */
    convo_stop(&c);
}

/* Two adults see each other's messenger accounts only when both agree; the
 * mentor plans a weekly series up to a date. */
TEST(adults_exchange_contacts_when_both_agree)
{
    convo c;
    if (convo_start(&c, "pair-contacts", NULL)) SKIP("simulator or bot did not start");
    convo_greeted(&c, MENTOR, "Ольга");
    convo_greeted(&c, MENTEE, "Илья");
    char org[32];
    snprintf(org, sizeof org, "%s", admin(&c, "org add --name \"Колледж\" --tz Europe/Moscow"));
    long long mentor = convo_seed_person(&c, org, MENTOR, "mentor", "employee", "Ольга Петровна");
    long long mentee = convo_seed_person(&c, org, MENTEE, "mentee", "student", "Илья Смирнов");
    admin(&c, "match confirm --org %s --mentor %lld --mentee %lld", org, mentor, mentee);
    expect_some(&c, MENTEE, "«Моя пара»");
    expect_some(&c, MENTOR, "«Мои наставляемые»");
    say(&c, MENTOR, "/menu");
    expect(&c, MENTOR, "Что сделать?");
    press(&c, MENTOR, "Мои наставляемые");
    expect(&c, MENTOR, "Наставляемые: Илья Смирнов");
    press(&c, MENTOR, "Обменяться контактами");
    expect(&c, MENTOR, "когда Илья Смирнов тоже согласится");
    expect(&c, MENTEE, "Ольга Петровна предлагает обменяться контактами");
    press(&c, MENTEE, "Согласен(на) обменяться");
    char mine[64];
    snprintf(mine, sizeof mine, "%lld", (long long)MENTOR);
    const char *got = expect(&c, MENTEE, "Контакты Ольга Петровна");
    CHECK(got && strstr(got, mine));
    snprintf(mine, sizeof mine, "%lld", (long long)MENTEE);
    got = expect(&c, MENTOR, "Контакты Илья Смирнов");
    CHECK(got && strstr(got, mine));

    /* A weekly series «до 30.04» ends in the last week of April, whatever
     * the month's length. */
    say(&c, MENTOR, "/menu");
    expect(&c, MENTOR, "Что сделать?");
    press(&c, MENTOR, "Мои наставляемые");
    expect(&c, MENTOR, "Наставляемые: Илья Смирнов");
    press(&c, MENTOR, "Назначить встречу");
    expect(&c, MENTOR, "Когда встретиться?");
    say(&c, MENTOR, "каждый вторник в 15:00 до 30.04");
    expect_some(&c, MENTOR, "Назначена серия встреч");
    CHECK_INT(db_query_int(c.bot.db, "SELECT strftime('%m%d', MAX(starts_at) / 1000 + 3 * 3600, 'unixepoch')"
                                     " BETWEEN '0424' AND '0430' FROM meetings WHERE series_id IS NOT NULL"), 1);
    convo_stop(&c);
}

/* A photo with a caption and a file reach the mentor through the bot, by
 * the messenger's own reference, under the header with «Ответить»; the
 * conversation keeps what they were. A photo anywhere else is answered as
 * before, and one for a reader on the other messenger is not sent. */
TEST(a_photo_and_a_file_are_passed_on_to_the_mentor)
{
    convo c;
    if (convo_start(&c, "pair-media", NULL)) SKIP("simulator or bot did not start");
    convo_greeted(&c, MENTOR, "Ольга");
    convo_greeted(&c, MENTEE, "Петя");
    char org[32], ref[128];
    snprintf(org, sizeof org, "%s", admin(&c, "org add --name \"Школа №7\" --tz Asia/Tomsk"));
    long long mentor = convo_seed_person(&c, org, MENTOR, "mentor", "teacher", "Ольга Петровна");
    long long mentee = convo_seed_person(&c, org, MENTEE, "mentee", "pupil", "Петя Иванов");
    admin(&c, "match confirm --org %s --mentor %lld --mentee %lld", org, mentor, mentee);
    expect_some(&c, MENTEE, "«Моя пара»");
    expect_some(&c, MENTOR, "«Мои наставляемые»");

    /* Outside the write dialog a photo is not understood. */
    say_media(&c, MENTEE, "photo", NULL, NULL, ref, sizeof ref);
    expect(&c, MENTEE, "Я понимаю только текст");

    say(&c, MENTEE, "/menu");
    expect(&c, MENTEE, "Что сделать?");
    press(&c, MENTEE, "Моя пара");
    expect(&c, MENTEE, "Твой наставник — Ольга Петровна");
    press(&c, MENTEE, "Написать наставнику");
    expect(&c, MENTEE, "бот передаст его");
    say_media(&c, MENTEE, "photo", NULL, "Вот мой рисунок", ref, sizeof ref);
    expect(&c, MENTEE, "Сообщение передано");
    const char *got = expect(&c, MENTOR, "Сообщение от Петя Иванов (наставляемый)");
    CHECK(got && strstr(got, "Вот мой рисунок"));
    CHECK_STR(convo_media_ref(&c, convo_last(&c, MENTOR)), ref);
    press(&c, MENTEE, "Написать ещё");
    expect(&c, MENTEE, "бот передаст его");
    say_media(&c, MENTEE, "document", "план.pdf", NULL, ref, sizeof ref);
    expect(&c, MENTEE, "Сообщение передано");
    expect(&c, MENTOR, "Сообщение от Петя Иванов (наставляемый)");
    CHECK_STR(convo_media_ref(&c, convo_last(&c, MENTOR)), ref);
    press(&c, MENTOR, "Ответить");
    expect(&c, MENTOR, "куратор может прочитать переписку");
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM pair_messages WHERE text = '[фото] Вот мой рисунок'"
                                     " OR text = '[файл: план.pdf]'"),
              2);

    /* Two photos at once (a Telegram album; one VK or MAX message) all go on, told once. */
    char refs[256];
    int one_message = convo_photos_in_one_message(&c);
    press(&c, MENTEE, "Написать ещё");
    expect(&c, MENTEE, "бот передаст его");
    say_photos(&c, MENTEE, 2, "Два рисунка", refs, sizeof refs);
    expect(&c, MENTEE, "Сообщение передано");   /* once: the next message to the mentee is below */
    expect(&c, MENTOR, "Два рисунка");
    char *second = strchr(refs, ',');
    if (one_message || !second) {
        CHECK_STR(convo_media_ref(&c, convo_last(&c, MENTOR)), refs);
    } else {
        *second++ = 0;
        CHECK_STR(convo_media_ref(&c, convo_last(&c, MENTOR)), refs);
        expect(&c, MENTOR, "Сообщение от Петя Иванов (наставляемый)");
        CHECK_STR(convo_media_ref(&c, convo_last(&c, MENTOR)), second);
    }

    /* A mentor reached on the other messenger cannot be sent the photo. */
    char sql[160];
    snprintf(sql, sizeof sql, "UPDATE identities SET platform = '%s' WHERE user_id = %lld",
             strcmp(c.transport, "vk") == 0 ? "tg" : "vk", (long long)MENTOR);
    db_exec(c.bot.db, sql);
    press(&c, MENTEE, "Написать ещё");
    expect(&c, MENTEE, "бот передаст его");
    say_media(&c, MENTEE, "photo", NULL, NULL, ref, sizeof ref);
    expect(&c, MENTEE, "в другом мессенджере");
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM pair_messages"), one_message ? 3 : 4);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM pair_messages WHERE text IN ('[вложений: 2] Два рисунка',"
                                     " '[фото] Два рисунка')"),
              1);
    convo_stop(&c);
}

static void all_conversations(void)
{
    RUN(a_pair_writes_plans_a_meeting_and_reaches_the_curator);
    RUN(adults_exchange_contacts_when_both_agree);
    RUN(a_photo_and_a_file_are_passed_on_to_the_mentor);
}

/* One description, both messengers (or the one named as the argument). */
int main(int argc, char **argv)
{
    convo_each_transport(argc, argv, all_conversations);
    return unit_summary();
}

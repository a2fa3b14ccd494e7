/*
 * Registration conversations through the simulator, as users see them:
 * a curator and a pupil in Russian (with a parent's consent), a mentor in
 * English, and the refusals a stranger or a forged button gets.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CURATOR 1001
#define PUPIL 1002
#define PARENT 1003
#define MENTOR 2001
#define STRANGER 3001

TEST(curator_and_pupil_register_in_russian)
{
    convo c;
    if (convo_start(&c, "ru", NULL)) SKIP("simulator or bot did not start");
    convo_user_add(&c, CURATOR, "Анна", "ru");
    convo_user_add(&c, PUPIL, "Петя", "ru");
    convo_user_add(&c, PARENT, "Ольга", "ru");

    char org[32];
    snprintf(org, sizeof org, "%s", admin(&c, "org add --name \"Школа №1\""));
    CHECK(org[0] >= '1' && org[0] <= '9');
    const char *link = admin(&c, "invite create --org %s --role curator", org);
    CHECK_CONTAINS(link, "https://t.me/mentorbot_sim_bot?start=");   /* the last line is Telegram's link */
    char cmd[96];
    snprintf(cmd, sizeof cmd, "/start %s", code_of(link));

    say(&c, CURATOR, cmd);
    expect(&c, CURATOR, "программу наставничества организации «Школа №1»");
    answer_registration(&c, CURATOR, "Педагог", NULL, NULL, "Анна Сергеевна");
    expect(&c, CURATOR, "Готово, Анна Сергеевна! Регистрация завершена");
    expect(&c, CURATOR, "куратор в программе наставничества организации «Школа №1»");

    press(&c, CURATOR, "Создать приглашение");
    expect(&c, CURATOR, "Для кого приглашение?");
    press(&c, CURATOR, "Для наставляемого");
    expect(&c, CURATOR, "Сколько человек");
    press(&c, CURATOR, "10 человек");
    const char *inv = expect(&c, CURATOR, "Приглашение (наставляемый, 10 человек");
    CHECK(strstr(inv ? inv : "", "start=") || strstr(inv ? inv : "", "ref="));
    snprintf(cmd, sizeof cmd, "/start %s", code_of(inv ? inv : ""));

    say(&c, PUPIL, cmd);
    /* The age comes first, so the consent question is worded for a
     * 13-year-old, who also needs a parent. */
    expect(&c, PUPIL, "Ваша роль — наставляемый");
    press(&c, PUPIL, "Школьник");
    expect(&c, PUPIL, "В каком ты классе?");
    press(&c, PUPIL, "7");
    expect(&c, PUPIL, "Теперь год рождения");
    say(&c, PUPIL, "двадцать");
    expect(&c, PUPIL, "Напиши год рождения цифрами");
    say(&c, PUPIL, "2013");
    const char *consent = expect(&c, PUPIL, "прочитай, что бот будет знать о тебе");
    CHECK_CONTAINS(consent, "Тебе ещё нет 14 лет, поэтому нужны два согласия");
    CHECK(!strstr(consent ? consent : "", "Вы даёте"));
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM accounts WHERE name IS NULL AND grade = 7"
                                     " AND birth_year = 2013 AND consent_at IS NULL"), 1);
    press(&c, PUPIL, "Даю согласие");
    expect(&c, PUPIL, "Как тебя зовут? Напиши имя и фамилию.");
    say(&c, PUPIL, "Петя Иванов");
    expect(&c, PUPIL, "Готово, Петя Иванов!");
    const char *wait = expect(&c, PUPIL, "согласие родителя");
    CHECK(strstr(wait ? wait : "", "start=g_") || strstr(wait ? wait : "", "ref=g_"));
    char parent_cmd[96];
    snprintf(parent_cmd, sizeof parent_cmd, "/start %s", code_of(wait ? wait : ""));
    say(&c, PUPIL, "/menu");
    expect(&c, PUPIL, "ждёт согласия родителя");

    /* the pupil cannot consent for themselves */
    say(&c, PUPIL, parent_cmd);
    expect(&c, PUPIL, "должен открыть твой родитель");

    /* the parent says who they are; with no phone on the school's list
     * the curator confirms them */
    say(&c, PARENT, parent_cmd);
    expect(&c, PARENT, "Петя Иванов хочет участвовать");
    say(&c, PARENT, "Ольга Иванова");
    expect(&c, PARENT, "Кем вы приходитесь ребёнку");
    press(&c, PARENT, "Мама");
    if (strcmp(c.transport, "vk") != 0) {   /* a messenger with a button that shares the number */
        expect(&c, PARENT, "Поделитесь, пожалуйста, номером телефона");
        say(&c, PARENT, "Без номера");
        expect(&c, PARENT, "без номера");
    }
    expect(&c, PARENT, "Последний вопрос");
    press(&c, PARENT, "Да, даю согласие");
    expect(&c, PARENT, "Куратор школы проверит");
    expect(&c, CURATOR, "Ольга Иванова (мама;");
    say(&c, CURATOR, "/menu");
    expect(&c, CURATOR, "Что сделать?");
    press(&c, CURATOR, "Согласия родителей: 1");
    expect(&c, CURATOR, "Ольга Иванова, мама;");
    press(&c, CURATOR, "Подтвердить");
    expect(&c, CURATOR, "подтверждено");
    expect(&c, PARENT, "Куратор школы подтвердил ваше согласие");
    expect(&c, PUPIL, "Ольга Иванова (мама): согласие получено");
    expect(&c, PUPIL, "Согласие родителя получено");
    say(&c, PUPIL, "/privacy");
    const char *priv = expect(&c, PUPIL, "Имя: Петя Иванов");
    CHECK_CONTAINS(priv, "Год рождения: 2013");
    CHECK_CONTAINS(priv, "Класс: 7");
    CHECK_CONTAINS(priv, "через ссылку для родителя");

    /* the same guardian link cannot be used twice */
    say(&c, PARENT, parent_cmd);
    expect(&c, PARENT, "уже принято");

    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM accounts WHERE status = 'active'"), 2);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM audit WHERE action = 'guardian.consent_confirmed'"), 1);
    convo_stop(&c);
}

TEST(mentor_registers_in_english_and_erases_data)
{
    convo c;
    if (convo_start(&c, "en", NULL)) SKIP("simulator or bot did not start");
    convo_user_add(&c, MENTOR, "John", "en-GB");
    char org[32];
    snprintf(org, sizeof org, "%s", admin(&c, "org add --name \"Lyceum 7\" --tz Asia/Tomsk"));
    const char *link = admin(&c, "invite create --org %s --role mentor --uses 3", org);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "/start %s", code_of(link));

    say(&c, MENTOR, cmd);
    expect(&c, MENTOR, "mentoring programme of the organisation \"Lyceum 7\" as a mentor");
    /* control characters and a right-to-left override are dropped from names */
    answer_registration(&c, MENTOR, "Company employee", NULL, NULL, "John\x01 \xE2\x80\xAESmith");
    expect(&c, MENTOR, "Done, John Smith! You are registered");
    expect(&c, MENTOR, "you are a mentor");
    expect(&c, MENTOR, "Next step: the questionnaire");

    say(&c, MENTOR, "/language");
    expect(&c, MENTOR, "Choose your language");
    press(&c, MENTOR, "Русский");
    expect(&c, MENTOR, "Язык бота: русский.");
    expect(&c, MENTOR, "— наставник в программе наставничества");
    say(&c, MENTOR, "/language");
    expect(&c, MENTOR, "Choose your language");
    press(&c, MENTOR, "English");
    expect(&c, MENTOR, "The bot now speaks English.");
    expect(&c, MENTOR, "What would you like to do?");

    say(&c, MENTOR, "/forget");
    expect(&c, MENTOR, "Erase your personal data?");
    press(&c, MENTOR, "Yes, erase");
    expect(&c, MENTOR, "Only an anonymous record remains");
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM accounts WHERE name IS NOT NULL"), 0);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM identities"), 0);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM accounts WHERE status = 'forgotten' AND role = 'mentor'"
                                     " AND category = 'employee'"), 1);
    say(&c, MENTOR, "/menu");
    expect(&c, MENTOR, "open the invite link");
    convo_stop(&c);
}

TEST(strangers_bad_codes_and_forged_buttons_are_refused)
{
    convo c;
    if (convo_start(&c, "refusals", NULL)) SKIP("simulator or bot did not start");
    convo_user_add(&c, STRANGER, "Eve", "en");
    convo_user_add(&c, MENTOR, "Max", "ru");
    char org[32];
    snprintf(org, sizeof org, "%s", admin(&c, "org add --name \"School 5\""));

    say(&c, STRANGER, "/menu");
    expect(&c, STRANGER, "open the invite link");
    say(&c, STRANGER, "/start");
    expect(&c, STRANGER, "open the invite link");
    say(&c, STRANGER, "/start aaaaaaaaaaaaaaaa");
    expect(&c, STRANGER, "This invite was not found");
    /* a button pressed by someone with no account */
    press_data(&c, STRANGER, "m:invite");
    expect_silence(&c, STRANGER, 500);

    /* a single-use invite works once */
    const char *link = admin(&c, "invite create --org %s --role mentee", org);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "/start %s", code_of(link));
    say(&c, MENTOR, cmd);
    expect(&c, MENTOR, "Вас приглашают");
    say(&c, STRANGER, cmd);
    expect(&c, STRANGER, "already been used");

    /* a mentee forging the curator's menu button gets nothing */
    press_data(&c, MENTOR, "uses:mentor:30");
    expect(&c, MENTOR, "Кто вы?");  /* the question is asked again */
    answer_registration(&c, MENTOR, "Студент", NULL, NULL, "Макс Орлов");
    expect(&c, MENTOR, "Готово");
    expect(&c, MENTOR, "Что сделать?");
    expect(&c, MENTOR, "Следующий шаг — анкета");
    press_data(&c, MENTOR, "m:invite");
    press_data(&c, MENTOR, "paper:1");
    expect_silence(&c, MENTOR, 800);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM invites"), 1);
    CHECK(log_contains(&c.bot, "refused button \"m:invite\""));
    CHECK(log_contains(&c.bot, "refused button \"paper:1\""));

    /* an expired invite */
    link = admin(&c, "invite create --org %s --role mentee --days 1", org);
    snprintf(cmd, sizeof cmd, "/start %s", code_of(link));
    convo_restart_after(&c, 172800);
    say(&c, STRANGER, cmd);
    expect(&c, STRANGER, "This invite has expired");

    /* texts the bot cannot read */
    if (strcmp(c.transport, "tg") == 0) tg_say(&c.sim, STRANGER, "Eve", "en", "");
    say(&c, STRANGER, "\xF0\x9F\x98\x80\xE2\x80\x8F\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D");
    expect(&c, STRANGER, "open the invite link");
    convo_stop(&c);
}

static void all_conversations(void)
{
    RUN(curator_and_pupil_register_in_russian);
    RUN(mentor_registers_in_english_and_erases_data);
    RUN(strangers_bad_codes_and_forged_buttons_are_refused);
}

/* One description, both messengers (or the one named as the argument). */
int main(int argc, char **argv)
{
    convo_each_transport(argc, argv, all_conversations);
    return unit_summary();
}

/*
 * The request survey as a pupil lives it, through the simulator: register,
 * take the offer, answer every kind of question (a wrong typed answer is
 * asked again), step back with /back, stop halfway, the bot restarts, the
 * pupil continues from the menu and finishes. The answers and the profile
 * are then in the database.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <stdio.h>
#include <string.h>

#define PUPIL 1101
#define STRANGER 1102

/* consent_age 12: a pupil born in 2013 registers without waiting for a parent */
#define CONF "[bot]\nconsent_age = 12\n"

static void register_pupil(convo *c)
{
    char org[32], cmd[96];
    snprintf(org, sizeof org, "%s", admin(c, "org add --name \"Школа №5\""));
    const char *link = admin(c, "invite create --org %s --role mentee", org);
    snprintf(cmd, sizeof cmd, "/start %s", code_of(link));
    say(c, PUPIL, cmd);
    expect(c, PUPIL, "Ваша роль — наставляемый");
    answer_registration(c, PUPIL, "Школьник", "7", "2013", "Маша Петрова");
    expect(c, PUPIL, "Готово, Маша Петрова!");
    expect(c, PUPIL, "Что сделать?");
}

TEST(pupil_fills_in_the_request_across_a_restart)
{
    convo c;
    if (convo_start(&c, "survey", CONF)) SKIP("simulator or bot did not start");
    convo_user_add(&c, PUPIL, "Маша", "ru");
    register_pupil(&c);

    /* the survey is offered, not forced */
    const char *offer = expect(&c, PUPIL, "Следующий шаг — анкета «Мой запрос наставнику»");
    CHECK_CONTAINS(offer, "из /menu");
    press(&c, PUPIL, "Начать анкету");
    expect(&c, PUPIL, "Привет! Здесь несколько вопросов");
    const char *q = expect(&c, PUPIL, "Вопрос 1 из");
    CHECK_CONTAINS(q, "С чем тебе хотелось бы помощи?"); /* class and school came from registration */

    /* multiple choice: ticks and pages show on the same message (an edit, on every
     * messenger), the list has two pages */
    press(&c, PUPIL, "Трудно даётся предмет");
    expect_edit(&c, PUPIL, "С чем тебе хотелось бы помощи?");
    press(&c, PUPIL, "Подготовка к экзаменам");
    expect_edit(&c, PUPIL, "С чем тебе хотелось бы помощи?");
    CHECK(press(&c, PUPIL, "✓ Трудно даётся предмет"));
    expect_edit(&c, PUPIL, "С чем тебе хотелось бы помощи?"); /* untick */
    press(&c, PUPIL, "Ещё варианты");
    expect_edit(&c, PUPIL, "С чем тебе хотелось бы помощи?");
    CHECK(press(&c, PUPIL, "Нужна особая поддержка"));
    expect_edit(&c, PUPIL, "С чем тебе хотелось бы помощи?"); /* ticked on page 2 */
    press(&c, PUPIL, "Назад к вариантам");
    expect_edit(&c, PUPIL, "С чем тебе хотелось бы помощи?");
    press(&c, PUPIL, "Трудно даётся предмет");
    expect_edit(&c, PUPIL, "С чем тебе хотелось бы помощи?");
    press(&c, PUPIL, "Готово");

    /* short text, with a conditional question behind it, and a re-ask */
    expect(&c, PUPIL, "Какой предмет даётся трудно?");
    say(&c, PUPIL, "алгебра, геометрия, физика, химия, биология, история, обществознание, литература, "
                   "русский язык, английский язык, немецкий язык, информатика и ещё география");
    const char *again = expect(&c, PUPIL, "Слишком длинно: нужно уложиться в 100 знаков.");
    CHECK_CONTAINS(again, "Какой предмет даётся трудно?");
    say(&c, PUPIL, "алгебра");

    /* a date, wrong and then right */
    expect(&c, PUPIL, "Когда у тебя экзамен?");
    say(&c, PUPIL, "32.05.2027");
    again = expect(&c, PUPIL, "Не получилось прочитать дату. Подойдёт, например,");
    CHECK_CONTAINS(again, "Когда у тебя экзамен?");
    say(&c, PUPIL, "25.05.2027");
    const char *noted = expect(&c, PUPIL, "Записали: 25 мая 2027.");
    CHECK_CONTAINS(noted, "Кто тебе ближе как наставник?");

    /* single choice; /back returns to the date with the answer kept */
    say(&c, PUPIL, "/back");
    const char *back = expect(&c, PUPIL, "Когда у тебя экзамен?");
    CHECK_CONTAINS(back, "Сейчас записано: 25.05.2027");
    press(&c, PUPIL, "Оставить как есть");
    expect(&c, PUPIL, "Кто тебе ближе как наставник?");
    say(&c, PUPIL, "студент");
    expect(&c, PUPIL, "Здесь ответ выбирается кнопками");
    press(&c, PUPIL, "Студент колледжа или вуза");
    expect(&c, PUPIL, "Как тебе удобнее заниматься?");
    press(&c, PUPIL, "В небольшой группе");
    expect(&c, PUPIL, "Чем ты увлекаешься?");
    press(&c, PUPIL, "Музыка");
    expect_edit(&c, PUPIL, "Чем ты увлекаешься?");
    press(&c, PUPIL, "Готово");

    /* a number: a word that is no number is not taken; then the pupil stops */
    expect(&c, PUPIL, "Сколько раз в месяц");
    say(&c, PUPIL, "много");
    expect(&c, PUPIL, "Нужно одно число от 1 до 8.");
    long long answered = db_query_int(c.bot.db, "SELECT COUNT(*) FROM survey_answers");
    CHECK_INT(answered, 8); /* who, grade, help, subject, exam_date, mentor_kind, format, interests */

    /* the bot restarts; days later the menu offers to continue where it stopped */
    CHECK_INT(bot_stop(&c.bot), 0);
    CHECK_INT(bot_start(&c.bot), 0);
    say(&c, PUPIL, "/menu");
    expect(&c, PUPIL, "Что сделать?");
    press(&c, PUPIL, "Продолжить анкету");
    const char *resumed = expect(&c, PUPIL, "Продолжаем анкету с того места, где остановились.");
    CHECK_CONTAINS(resumed, "Сколько раз в месяц");
    say(&c, PUPIL, "3");
    expect(&c, PUPIL, "Когда тебе удобно встречаться?");
    press(&c, PUPIL, "Будни, вечером");
    expect_edit(&c, PUPIL, "Когда тебе удобно встречаться?");
    press(&c, PUPIL, "Выходные");
    expect_edit(&c, PUPIL, "Когда тебе удобно встречаться?");
    press(&c, PUPIL, "Готово");
    expect(&c, PUPIL, "Как встречаться?");
    press(&c, PUPIL, "Вживую");
    const char *scale = expect(&c, PUPIL, "Насколько ты ждёшь");
    CHECK_CONTAINS(scale, "1 — почти не жду, 10 — очень жду");
    press(&c, PUPIL, "8");
    expect(&c, PUPIL, "В каком городе, посёлке или районе ты живёшь?");
    say(&c, PUPIL, "Северск");
    expect(&c, PUPIL, "Интересно узнать больше о профессиях");
    press(&c, PUPIL, "Может быть");
    const char *done = expect(&c, PUPIL, "Спасибо! Анкета заполнена, ответы сохранены.");
    CHECK_CONTAINS(done, "куратор подберёт тебе наставника");
    say(&c, PUPIL, "/menu");
    expect(&c, PUPIL, "Что сделать?");
    CHECK(press(&c, PUPIL, "Изменить ответы"));
    expect(&c, PUPIL, "Проходим анкету ещё раз");
    expect(&c, PUPIL, "С чем тебе хотелось бы помощи?");
    say(&c, PUPIL, "/cancel");
    expect(&c, PUPIL, "Отменено.");

    const char *db = c.bot.db;
    CHECK_INT(db_query_int(db, "SELECT COUNT(*) FROM survey_runs WHERE state = 'done'"), 1);
    CHECK_INT(db_query_int(db, "SELECT COUNT(*) FROM survey_answers WHERE run_id = 1"), 14);
    CHECK_INT(db_query_int(db, "SELECT i.version FROM survey_runs r JOIN instruments i ON i.id = r.instrument_id"
                               " WHERE r.id = 1 AND i.key = 'pupil_request'"), 1);
    CHECK_INT(db_query_int(db, "SELECT COUNT(*) FROM survey_answers WHERE run_id = 1 AND"
                               " ((item = 'grade' AND value = '7') OR (item = 'who' AND value = 'pupil')"
                               " OR (item = 'help' AND value = '[\"exams\",\"special_needs\",\"learning\"]')"
                               " OR (item = 'subject' AND value = 'алгебра')"
                               " OR (item = 'exam_date' AND value = '2027-05-25')"
                               " OR (item = 'mentor_kind' AND value = 'student_pupil')"
                               " OR (item = 'per_month' AND value = '3') OR (item = 'hope' AND value = '8')"
                               " OR (item = 'career' AND value = 'maybe'))"), 9);
    CHECK_INT(db_query_int(db, "SELECT COUNT(*) FROM profiles WHERE municipality = 'Северск'"
                               " AND meeting_mode = 'offline' AND subjects = 'алгебра' AND career = 0"
                               " AND topics = '[\"learning\",\"exams\",\"special_needs\"]'"
                               " AND forms = '[\"student_pupil\"]'"
                               " AND slots = '[\"weekday_evening\",\"weekend\"]' AND capacity = 0"), 1);
    convo_stop(&c);
}

TEST(survey_buttons_of_others_are_refused)
{
    convo c;
    if (convo_start(&c, "survey-refused", CONF)) SKIP("simulator or bot did not start");
    convo_user_add(&c, PUPIL, "Маша", "ru");
    convo_user_add(&c, STRANGER, "Ева", "ru");
    register_pupil(&c);
    expect(&c, PUPIL, "Следующий шаг");
    press(&c, PUPIL, "Начать анкету");
    expect(&c, PUPIL, "Привет!");
    expect(&c, PUPIL, "С чем тебе хотелось бы помощи?");
    /* a stranger without an account forges the pupil's button; then a stale item of the pupil */
    press_data(&c, STRANGER, "sv:1:help:t:exams");
    expect_silence(&c, STRANGER, 1000);
    press(&c, PUPIL, "Выбрать профессию");
    expect(&c, PUPIL, "С чем тебе хотелось бы помощи?");
    press(&c, PUPIL, "Готово");
    expect(&c, PUPIL, "Кто тебе ближе как наставник?");
    press_data(&c, PUPIL, "sv:1:help:t:exams");
    expect_silence(&c, PUPIL, 1000);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM survey_answers WHERE item = 'help'"
                                     " AND value = '[\"profession\"]'"), 1);
    CHECK(log_contains(&c.bot, "not the item being asked"));
    convo_stop(&c);
}

#define MENTOR 1103

/* What people answer in their surveys is what matching works with: a
 * student mentor and a pupil fill theirs in, and the curator's suggestion
 * for the pupil is that mentor, for the shared topic. */
TEST(survey_answers_feed_matching)
{
    convo c;
    if (convo_start(&c, "feed", CONF)) SKIP("simulator or bot did not start");
    convo_user_add(&c, PUPIL, "Маша", "ru");
    convo_user_add(&c, MENTOR, "Олег", "ru");
    register_pupil(&c);
    expect(&c, PUPIL, "Следующий шаг");
    press(&c, PUPIL, "Начать анкету");
    expect(&c, PUPIL, "Привет!");
    expect(&c, PUPIL, "С чем тебе хотелось бы помощи?");
    press(&c, PUPIL, "Трудно даётся предмет");
    expect(&c, PUPIL, "С чем тебе хотелось бы помощи?");
    press(&c, PUPIL, "Готово");
    expect(&c, PUPIL, "Какой предмет даётся трудно?");
    say(&c, PUPIL, "алгебра");
    expect(&c, PUPIL, "Кто тебе ближе как наставник?");
    press(&c, PUPIL, "Студент колледжа или вуза");
    expect(&c, PUPIL, "Как тебе удобнее заниматься?");
    press(&c, PUPIL, "Один на один");
    expect(&c, PUPIL, "Чем ты увлекаешься?");
    press(&c, PUPIL, "Книги");
    expect(&c, PUPIL, "Чем ты увлекаешься?");
    press(&c, PUPIL, "Готово");
    expect(&c, PUPIL, "Сколько раз в месяц");
    say(&c, PUPIL, "2");
    expect(&c, PUPIL, "Когда тебе удобно встречаться?");
    press(&c, PUPIL, "Будни, вечером");
    expect(&c, PUPIL, "Когда тебе удобно встречаться?");
    press(&c, PUPIL, "Готово");
    expect(&c, PUPIL, "Как встречаться?");
    press(&c, PUPIL, "Онлайн");
    expect(&c, PUPIL, "Насколько ты ждёшь");
    press(&c, PUPIL, "9");
    expect(&c, PUPIL, "В каком городе");
    say(&c, PUPIL, "Томск");
    expect(&c, PUPIL, "Интересно узнать больше о профессиях");
    press(&c, PUPIL, "Да, интересно");
    expect(&c, PUPIL, "Анкета заполнена");

    char org[32], cmd[96];
    snprintf(org, sizeof org, "%s", admin(&c, "org add --name \"Колледж\" --type college"));
    /* the mentor joins the pupil's school (organisation 1) */
    const char *link = admin(&c, "invite create --org 1 --role mentor");
    snprintf(cmd, sizeof cmd, "/start %s", code_of(link));
    say(&c, MENTOR, cmd);
    expect(&c, MENTOR, "Ваша роль — наставник");
    answer_registration(&c, MENTOR, "Студент", NULL, NULL, "Олег Студентов");
    expect(&c, MENTOR, "Готово, Олег Студентов!");
    expect(&c, MENTOR, "Что сделать?");
    expect(&c, MENTOR, "Следующий шаг");
    press(&c, MENTOR, "Начать анкету");
    expect(&c, MENTOR, "Расскажите, с чем вы можете помочь");
    expect(&c, MENTOR, "Где вы учитесь?");   /* the category came from registration */
    say(&c, MENTOR, "ТГУ");
    expect(&c, MENTOR, "С чем вы можете помочь?");
    press(&c, MENTOR, "Учёба по предмету");
    expect(&c, MENTOR, "С чем вы можете помочь?");
    press(&c, MENTOR, "Готово");
    expect(&c, MENTOR, "По каким предметам");
    say(&c, MENTOR, "алгебра, геометрия");
    expect(&c, MENTOR, "Со сколькими наставляемыми");
    say(&c, MENTOR, "2");
    expect(&c, MENTOR, "Когда вам удобно встречаться?");
    press(&c, MENTOR, "Будни, вечером");
    expect(&c, MENTOR, "Когда вам удобно встречаться?");
    press(&c, MENTOR, "Готово");
    expect(&c, MENTOR, "Как удобнее встречаться?");
    press(&c, MENTOR, "И так, и так");
    expect(&c, MENTOR, "обучение для наставников");
    press(&c, MENTOR, "Пока нет");
    expect(&c, MENTOR, "Анкета заполнена");

    const char *line = admin(&c, "match suggest --org 1");
    char want[64];
    snprintf(want, sizeof want, "\t%lld:", db_query_int(c.bot.db, "SELECT id FROM accounts WHERE name = 'Олег Студентов'"));
    CHECK_CONTAINS(line, want);
    CHECK_INT(db_query_int(c.bot.db, "SELECT capacity FROM profiles p JOIN accounts a ON a.id = p.account_id"
                                     " WHERE a.name = 'Олег Студентов'"), 2);
    (void)org;
    convo_stop(&c);
}

/* A pupil who mentors younger pupils reads the mentor survey with «ты»,
 * as every other text to a pupil; an adult mentor reads it with «вы». */
TEST(a_pupil_mentor_reads_the_mentor_survey_in_the_pupils_words)
{
    convo c;
    if (convo_start(&c, "survey-pupil-mentor", CONF)) SKIP("simulator or bot did not start");
    char org[32], cmd[96];
    snprintf(org, sizeof org, "%s", admin(&c, "org add --name \"Школа №6\""));
    snprintf(cmd, sizeof cmd, "/start %s", code_of(admin(&c, "invite create --org %s --role mentor", org)));
    say(&c, PUPIL, cmd);
    expect(&c, PUPIL, "Ваша роль — наставник");
    answer_registration(&c, PUPIL, "Школьник", "10", "2010", "Лена Старшеклассница");
    expect(&c, PUPIL, "Готово, Лена Старшеклассница!");
    expect(&c, PUPIL, "Что сделать?");
    expect(&c, PUPIL, "Следующий шаг");
    press(&c, PUPIL, "Начать анкету");
    expect(&c, PUPIL, "Расскажи, с чем ты можешь помочь");
    const char *q = expect(&c, PUPIL, "С чем ты можешь помочь? Отметь всё");
    CHECK(!strstr(q ? q : "", "вы "));
    press(&c, PUPIL, "Учёба по предмету");
    expect(&c, PUPIL, "С чем ты можешь помочь?");
    press(&c, PUPIL, "Готово");
    expect(&c, PUPIL, "По каким предметам ты можешь помочь?");
    say(&c, PUPIL, "математика");
    expect(&c, PUPIL, "Со сколькими наставляемыми тебе по силам");
    say(&c, PUPIL, "1");
    expect(&c, PUPIL, "Когда тебе удобно встречаться?");
    convo_stop(&c);
}

static void all_conversations(void)
{
    RUN(pupil_fills_in_the_request_across_a_restart);
    RUN(survey_buttons_of_others_are_refused);
    RUN(survey_answers_feed_matching);
    RUN(a_pupil_mentor_reads_the_mentor_survey_in_the_pupils_words);
}

/* One description, both messengers (or the one named as the argument). */
int main(int argc, char **argv)
{
    convo_each_transport(argc, argv, all_conversations);
    return unit_summary();
}

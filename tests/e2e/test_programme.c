/*
 * The programme from the first invite to the first pairs, all through the
 * messenger: an administrator creates an organisation and a curator invite;
 * the curator registers and creates mentor and mentee invites; three mentors
 * and five mentees register and fill in their surveys (one stops halfway and
 * finishes after a restart); the curator gets suggestions with reasons,
 * confirms a pair and a group, and everyone concerned hears of it.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <stdio.h>
#include <string.h>

#define CONF "[bot]\nconsent_age = 12\n"
#define CURATOR 9500

static void register_with(convo *c, long long user, const char *code, const char *category, const char *grade,
                          const char *year, const char *name)
{
    char cmd[96];
    snprintf(cmd, sizeof cmd, "/start %s", code);
    say(c, user, cmd);
    expect(c, user, "Вас приглашают");
    answer_registration(c, user, category, grade, year, name);
}

/* The curator creates an invite from the menu; returns its code (static). */
static const char *menu_invite(convo *c, const char *who, const char *role_word)
{
    static char code[64];
    say(c, CURATOR, "/menu");
    expect(c, CURATOR, "Что сделать?");
    press(c, CURATOR, "Создать приглашение");
    expect(c, CURATOR, "Для кого приглашение?");
    press(c, CURATOR, who);
    expect(c, CURATOR, "Сколько человек");
    press(c, CURATOR, "10 человек");
    char want[64];
    snprintf(want, sizeof want, "Приглашение (%s", role_word);
    const char *text = expect(c, CURATOR, want);
    snprintf(code, sizeof code, "%s", code_of(text ? text : ""));
    return code;
}

static void mentor_joins(convo *c, long long user, const char *code, const char *name, const char *category,
                         const char *workplace_question, const char *help)
{
    register_with(c, user, code, category, NULL, NULL, name);
    expect(c, user, "Готово");
    expect(c, user, "Что сделать?");
    expect(c, user, "Следующий шаг");
    press(c, user, "Начать анкету");
    expect(c, user, "Расскажите, с чем вы можете помочь");
    if (workplace_question) {
        expect(c, user, workplace_question);
        say(c, user, "ТГУ");
    }
    expect(c, user, "С чем вы можете помочь?");
    press(c, user, help);
    expect(c, user, "С чем вы можете помочь?");
    press(c, user, "Готово");
    expect(c, user, "Со сколькими наставляемыми");
    say(c, user, "2");
    expect(c, user, "Когда вам удобно встречаться?");
    press(c, user, "Будни, вечером");
    expect(c, user, "Когда вам удобно встречаться?");
    press(c, user, "Готово");
    expect(c, user, "Как удобнее встречаться?");
    press(c, user, "И так, и так");
    expect(c, user, "обучение для наставников");
    press(c, user, "Пока нет");
    expect(c, user, "Анкета заполнена");
}

/* A pupil registers and answers the request up to the topic; the rest is
 * in finish_request so one pupil can stop in between. */
static void pupil_starts(convo *c, long long user, const char *code, const char *name, const char *help)
{
    register_with(c, user, code, "Школьник", "7", "2012", name);
    expect(c, user, "Готово");
    expect(c, user, "Что сделать?");
    expect(c, user, "Следующий шаг");
    press(c, user, "Начать анкету");
    expect(c, user, "Привет!");
    expect(c, user, "С чем тебе хотелось бы помощи?");
    press(c, user, help);
    expect(c, user, "С чем тебе хотелось бы помощи?");
    press(c, user, "Готово");
}

static void finish_request(convo *c, long long user, int exams)
{
    if (exams) {
        expect(c, user, "Когда у тебя экзамен?");
        say(c, user, "25.05.2027");
    }
    expect(c, user, "Кто тебе ближе как наставник?");
    press(c, user, "Не важно");
    expect(c, user, "Как тебе удобнее заниматься?");
    press(c, user, "Один на один");
    expect(c, user, "Чем ты увлекаешься?");
    press(c, user, "Книги");
    expect(c, user, "Чем ты увлекаешься?");
    press(c, user, "Готово");
    expect(c, user, "Сколько раз в месяц");
    say(c, user, "2");
    expect(c, user, "Когда тебе удобно встречаться?");
    press(c, user, "Будни, вечером");
    expect(c, user, "Когда тебе удобно встречаться?");
    press(c, user, "Готово");
    expect(c, user, "Как встречаться?");
    press(c, user, "Онлайн");
    expect(c, user, "Насколько ты ждёшь");
    press(c, user, "7");
    expect(c, user, "В каком городе");
    say(c, user, "Томск");
    expect(c, user, "Интересно узнать больше о профессиях");
    press(c, user, "Да, интересно");
    expect(c, user, "Анкета заполнена");
}

TEST(from_the_first_invite_to_pairs_and_a_group)
{
    convo c;
    if (convo_start(&c, "programme", CONF)) SKIP("simulator or bot did not start");
    char org[32];
    snprintf(org, sizeof org, "%s", admin(&c, "org add --name \"Гимназия №3\""));
    const char *link = admin(&c, "invite create --org %s --role curator", org);
    register_with(&c, CURATOR, code_of(link), "Педагог", NULL, NULL, "Анна Кураторова");
    expect(&c, CURATOR, "Готово");
    expect(&c, CURATOR, "Что сделать?");

    char mentor_code[64], mentee_code[64];
    snprintf(mentor_code, sizeof mentor_code, "%s", menu_invite(&c, "Для наставника", "наставник"));
    snprintf(mentee_code, sizeof mentee_code, "%s", menu_invite(&c, "Для наставляемого", "наставляемый"));

    mentor_joins(&c, 9511, mentor_code, "Иван Экзаменов", "Студент", "Где вы учитесь?", "Подготовка к экзаменам");
    mentor_joins(&c, 9512, mentor_code, "Ольга Профессий", "Сотрудник предприятия", "Где вы работаете?",
                 "Выбор профессии");
    mentor_joins(&c, 9513, mentor_code, "Пётр Проектов", "Педагог", NULL, "Проектная работа");

    pupil_starts(&c, 9521, mentee_code, "Лена Первая", "Подготовка к экзаменам");
    finish_request(&c, 9521, 1);
    pupil_starts(&c, 9522, mentee_code, "Коля Второй", "Подготовка к экзаменам");
    finish_request(&c, 9522, 1);
    pupil_starts(&c, 9523, mentee_code, "Маша Третья", "Выбрать профессию");
    finish_request(&c, 9523, 0);
    pupil_starts(&c, 9524, mentee_code, "Саша Четвёртый", "Сделать проект");
    finish_request(&c, 9524, 0);
    /* the fifth stops after the first answer; the bot restarts; she goes on */
    pupil_starts(&c, 9525, mentee_code, "Вера Пятая", "Выбрать профессию");
    expect(&c, 9525, "Кто тебе ближе как наставник?");
    CHECK_INT(bot_stop(&c.bot), 0);
    CHECK_INT(bot_start(&c.bot), 0);
    say(&c, 9525, "/menu");
    expect(&c, 9525, "Что сделать?");
    press(&c, 9525, "Продолжить анкету");
    expect(&c, 9525, "Продолжаем анкету");
    press(&c, 9525, "Не важно");
    expect(&c, 9525, "Как тебе удобнее заниматься?");
    press(&c, 9525, "Один на один");
    expect(&c, 9525, "Чем ты увлекаешься?");
    press(&c, 9525, "Книги");
    expect(&c, 9525, "Чем ты увлекаешься?");
    press(&c, 9525, "Готово");
    expect(&c, 9525, "Сколько раз в месяц");
    say(&c, 9525, "2");
    expect(&c, 9525, "Когда тебе удобно встречаться?");
    press(&c, 9525, "Будни, вечером");
    expect(&c, 9525, "Когда тебе удобно встречаться?");
    press(&c, 9525, "Готово");
    expect(&c, 9525, "Как встречаться?");
    press(&c, 9525, "Онлайн");
    expect(&c, 9525, "Насколько ты ждёшь");
    press(&c, 9525, "7");
    expect(&c, 9525, "В каком городе");
    say(&c, 9525, "Томск");
    expect(&c, 9525, "Интересно узнать больше о профессиях");
    press(&c, 9525, "Да, интересно");
    expect(&c, 9525, "Анкета заполнена");
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM survey_runs WHERE state = 'done'"), 8);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM profiles"), 8);

    /* the curator's queue: suggestions with reasons, a pair, then a group */
    say(&c, CURATOR, "/menu");
    expect(&c, CURATOR, "Что сделать?");
    press(&c, CURATOR, "Ждут наставника: 5");
    expect(&c, CURATOR, "Ждут наставника: 5");
    press(&c, CURATOR, "Лена Первая");
    const char *s = expect(&c, CURATOR, "Лена Первая");
    CHECK_CONTAINS(s, "1. Иван Экзаменов");
    CHECK_CONTAINS(s, "общие темы: подготовка к экзаменам");
    CHECK_CONTAINS(s, "время встреч совпадает");
    press(&c, CURATOR, "✓ Иван Экзаменов");
    expect(&c, CURATOR, "Пара создана: Иван Экзаменов — Лена Первая");
    expect(&c, 9511, "у вас новый наставляемый — Лена Первая");
    expect(&c, 9521, "твой наставник — Иван Экзаменов");

    say(&c, CURATOR, "/menu");
    expect(&c, CURATOR, "Что сделать?");
    press(&c, CURATOR, "Ждут наставника: 4");
    expect(&c, CURATOR, "Ждут наставника: 4");
    press(&c, CURATOR, "Коля Второй");
    s = expect(&c, CURATOR, "Коля Второй");
    CHECK_CONTAINS(s, "1. Иван Экзаменов");
    press(&c, CURATOR, "✓ Иван Экзаменов");
    expect(&c, CURATOR, "добавить в эту группу или создать отдельную пару?");
    press(&c, CURATOR, "Добавить в группу");
    expect(&c, CURATOR, "в ней 2 наставляемых");
    expect(&c, 9511, "у вас новый наставляемый — Коля Второй");
    expect(&c, 9522, "твой наставник — Иван Экзаменов");

    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM mentorships WHERE state = 'active'"), 1);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM mentorship_members WHERE left_at IS NULL"), 2);
    const char *list = admin(&c, "match list --org %s", org);
    CHECK_CONTAINS(list, "student_pupil");
    convo_stop(&c);
}

static void all_conversations(void)
{
    RUN(from_the_first_invite_to_pairs_and_a_group);
}

/* One description, both messengers (or the one named as the argument). */
int main(int argc, char **argv)
{
    convo_each_transport(argc, argv, all_conversations);
    return unit_summary();
}

/*
 * The curator's own tools, on both messengers: creating the school year's
 * programme from the chat, correcting a participant's name and grade, and
 * taking the mentor and mentee bases and the survey answers away as CSV
 * files whose dates are the organisation's local dates.
 *
 * The bot runs at a fixed moment (MENTORBOT_CLOCK_OFFSET_S from now):
 * 15 September 2027, 20:30 UTC, which is already 16 September at 03:30 in
 * Tomsk (UTC+7), so a date written in UTC would show in the files.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CURATOR 6001
#define MENTOR 6002
#define PUPIL 6003
#define FIXED_AT 1821040200LL   /* 2027-09-15T20:30:00Z */

static void register_with(convo *c, long long user, const char *code, const char *category, const char *grade,
                          const char *year, const char *name)
{
    char cmd[96];
    snprintf(cmd, sizeof cmd, "/start %s", code);
    say(c, user, cmd);
    expect(c, user, "Вас приглашают");
    answer_registration(c, user, category, grade, year, name);
}

static void open_menu(convo *c)
{
    say(c, CURATOR, "/menu");
    expect(c, CURATOR, "Что сделать?");
}

TEST(curator_creates_the_programme_corrects_data_and_exports_tables)
{
    char offset[32];
    snprintf(offset, sizeof offset, "%lld", FIXED_AT - (long long)time(NULL));
    setenv("MENTORBOT_CLOCK_OFFSET_S", offset, 1);
    convo c;
    if (convo_start(&c, "curator-tools", NULL)) {
        unsetenv("MENTORBOT_CLOCK_OFFSET_S");
        SKIP("simulator or bot did not start");
    }
    char org[32], code[64];
    snprintf(org, sizeof org, "%s", admin(&c, "org add --name \"Школа №3\" --tz Asia/Tomsk"));
    snprintf(code, sizeof code, "%s", code_of(admin(&c, "invite create --org %s --role curator", org)));
    register_with(&c, CURATOR, code, "Педагог", NULL, NULL, "Анна Кураторова");
    expect(&c, CURATOR, "Готово");
    expect(&c, CURATOR, "Что сделать?");

    /* no programme for 2027/2028 yet: the menu offers to create it */
    CHECK(press(&c, CURATOR, "Создать программу на учебный год"));
    expect(&c, CURATOR, "На какой учебный год её создать?");
    CHECK(press(&c, CURATOR, "2027/2028 учебный год"));
    expect(&c, CURATOR, "Какие формы наставничества в ней будут?");
    CHECK(press(&c, CURATOR, "✓ учитель – учитель"));   /* untick one of the five */
    expect(&c, CURATOR, "Какие формы наставничества в ней будут?");
    CHECK(press(&c, CURATOR, "Создать программу"));
    expect(&c, CURATOR, "Программа 2027/2028 учебного года создана");
    expect(&c, CURATOR, "этап 1 из 7");
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM programs WHERE year = 2027 AND stage = 1"), 1);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM audit WHERE action = 'program.create'"), 1);
    /* once it exists the menu no longer offers it, and a stale press makes no second one */
    press_data(&c, CURATOR, "ck:2027:1");
    expect(&c, CURATOR, "Программа на этот учебный год уже есть");
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM programs"), 1);

    /* a mentor who fills in the survey, and a pupil */
    snprintf(code, sizeof code, "%s", code_of(admin(&c, "invite create --org %s --role mentor", org)));
    register_with(&c, MENTOR, code, "Педагог", NULL, NULL, "Пётр Проектов");
    expect(&c, MENTOR, "Готово");
    expect(&c, MENTOR, "Что сделать?");
    expect(&c, MENTOR, "Следующий шаг");
    press(&c, MENTOR, "Начать анкету");
    expect(&c, MENTOR, "Расскажите, с чем вы можете помочь");
    expect(&c, MENTOR, "С чем вы можете помочь?");
    press(&c, MENTOR, "Проектная работа");
    expect(&c, MENTOR, "С чем вы можете помочь?");
    press(&c, MENTOR, "Готово");
    expect(&c, MENTOR, "Со сколькими наставляемыми");
    say(&c, MENTOR, "два");
    expect(&c, MENTOR, "Когда вам удобно встречаться?");
    press(&c, MENTOR, "Будни, вечером");
    expect(&c, MENTOR, "Когда вам удобно встречаться?");
    press(&c, MENTOR, "Готово");
    expect(&c, MENTOR, "Как удобнее встречаться?");
    press(&c, MENTOR, "И так, и так");
    expect(&c, MENTOR, "обучение для наставников");
    press(&c, MENTOR, "Да");
    expect(&c, MENTOR, "Когда вы закончили обучение?");
    say(&c, MENTOR, "в мае");
    expect(&c, MENTOR, "Записали: май 2027.");

    snprintf(code, sizeof code, "%s", code_of(admin(&c, "invite create --org %s --role mentee", org)));
    register_with(&c, PUPIL, code, "Школьник", "7", "2012", "Петя");
    expect(&c, PUPIL, "Готово");
    long long pupil = db_query_int(c.bot.db, "SELECT id FROM accounts WHERE name = 'Петя'");

    /* the curator corrects the pupil's name and grade */
    open_menu(&c);
    CHECK(press(&c, CURATOR, "Исправить данные участника"));
    expect(&c, CURATOR, "Чьи данные нужно исправить?");
    CHECK(press(&c, CURATOR, "Наставляемого"));
    expect(&c, CURATOR, "Выберите участника");
    CHECK(press(&c, CURATOR, "Петя"));
    expect(&c, CURATOR, "Что исправить?");
    CHECK(press(&c, CURATOR, "Имя и фамилию"));
    expect(&c, CURATOR, "Сейчас записано: «Петя»");
    say(&c, CURATOR, "\xF0\x9F\x98\x8E");
    expect(&c, CURATOR, "Не похоже на имя");
    say(&c, CURATOR, "Пётр Иванов");
    expect(&c, CURATOR, "Исправлено ✅");
    CHECK(press(&c, CURATOR, "Класс"));
    expect(&c, CURATOR, "В каком классе Пётр Иванов?");
    CHECK(press(&c, CURATOR, "8"));
    expect(&c, CURATOR, "Школьник, 8 класс");
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT grade FROM accounts WHERE id = %lld AND name = 'Пётр Иванов'", pupil);
    CHECK_INT(db_query_int(c.bot.db, sql), 8);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM audit WHERE action IN ('account.fix_name',"
                                     " 'account.fix_grade')"), 2);
    /* a participant of another organisation cannot be reached by a forged press */
    press_data(&c, CURATOR, "cz:a:999");
    expect_silence(&c, CURATOR, 500);
    CHECK(log_contains(&c.bot, "not a participant of this curator"));

    /* the mentee base: the corrected data, registered on 16.09.2027 in Tomsk */
    open_menu(&c);
    CHECK(press(&c, CURATOR, "Базы и анкеты в таблицу"));
    expect(&c, CURATOR, "Что выгрузить в таблицу?");
    CHECK(press(&c, CURATOR, "Базу наставляемых"));
    char name[256] = "", caption[512] = "", line[256];
    char *csv = expect_document(&c, CURATOR, name, sizeof name, caption, sizeof caption);
    CHECK_STR(name, "Наставляемые 16.09.2027.csv");
    CHECK_CONTAINS(caption, "строк: 1");
    CHECK_CONTAINS(csv, "\xEF\xBB\xBFНомер;Имя и фамилия;Кто;Класс;Дата регистрации;Анкета заполнена;Темы;Наставник\r\n");
    snprintf(line, sizeof line, "%lld;Пётр Иванов;Школьник, 8 класс;8;16.09.2027;;;Ждёт наставника\r\n", pupil);
    CHECK_CONTAINS(csv, line);
    free(csv);

    /* the survey answers: choices as their texts, the date as a date */
    CHECK(press(&c, CURATOR, "Ответы на анкеты"));
    csv = expect_document(&c, CURATOR, name, sizeof name, caption, sizeof caption);
    CHECK_STR(name, "Ответы на анкеты 16.09.2027.csv");
    CHECK_CONTAINS(csv, "Номер;Имя и фамилия;Роль;Анкета;Вопрос;Ответ;Анкета заполнена\r\n");
    CHECK_CONTAINS(csv, ";Пётр Проектов;наставник;");
    CHECK_CONTAINS(csv, ";Проектная работа;16.09.2027\r\n");
    CHECK_CONTAINS(csv, ";2;16.09.2027\r\n");
    CHECK_CONTAINS(csv, ";01.05.2027;16.09.2027\r\n");
    free(csv);
    CHECK(convo_files_left(&c) == 0);
    convo_stop(&c);
    unsetenv("MENTORBOT_CLOCK_OFFSET_S");
}

static void all_conversations(void)
{
    RUN(curator_creates_the_programme_corrects_data_and_exports_tables);
}

int main(int argc, char **argv)
{
    convo_each_transport(argc, argv, all_conversations);
    return unit_summary();
}

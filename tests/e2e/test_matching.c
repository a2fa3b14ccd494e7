/*
 * Matching as the curator and the participants see it, through the
 * simulator: an organisation, a curator, three mentors and five mentees
 * register; their survey profiles are written into the database (as the
 * survey engine would store them); the curator opens the unmatched queue,
 * sees suggestions with reasons, rejects one, confirms a pair and a group;
 * both sides get an introduction; `admin match suggest` and `admin match
 * list` print the fixed formats; the curator exports the pairs and the
 * queue as a CSV file. Then the refusals: a mentee forging a
 * curator's button, a curator of another organisation confirming this
 * organisation's mentee, a mentor who erased their data while suggested.
 * Last, the programme's stage and an announcement.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#define CURATOR 4001
#define CURATOR2 4002
#define MENTOR_A 4101   /* student: exams, profession; weekday evenings; online; 2 places */
#define MENTOR_B 4102   /* employee: profession, project; weekends; offline; 3 places */
#define MENTOR_C 4103   /* pupil, grade 11: exams, communication; afternoons; both; 1 place */
#define PETYA 4201      /* pupil, grade 9: exams, profession; wants student-pupil; evenings; online */
#define KATYA 4202      /* pupil, grade 8: profession, project; weekends; offline */
#define DIMA 4203       /* pupil, grade 9: exams; evenings; online */
#define ANNA 4204       /* young teacher: methodical help (no teacher mentor here) */
#define SERGEY 4205     /* student: profession; weekends; offline */



/* Runs an admin command of the bot under test; returns its exit code and
 * its whole standard output. */
static int admin_output(convo *c, char *out, size_t size, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int admin_output(convo *c, char *out, size_t size, const char *fmt, ...)
{
    char args[512], cmd[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    const char *bin = getenv("MENTORBOT_BIN_DIR") ? getenv("MENTORBOT_BIN_DIR") : "build/test";
    snprintf(cmd, sizeof cmd, "%s/mentorbot --config %s admin %s 2>/dev/null", bin, c->bot.conf, args);
    FILE *p = popen(cmd, "r");
    if (!p) return -1;
    size_t n = fread(out, 1, size - 1, p);
    out[n] = 0;
    int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

typedef struct log_wait { const bot_proc *bot; const char *needle; } log_wait;
static int log_has(void *arg) { log_wait *w = arg; return log_contains(w->bot, w->needle); }

/* 1 when the bot's log gets needle within a few seconds (refusals are
 * logged after the press is handled, not when it is sent). */
static int log_soon(convo *c, const char *needle)
{
    log_wait w = {&c->bot, needle};
    return wait_until(log_has, &w, 5000);
}

static long long account_of(convo *c, long long user)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT account_id FROM identities WHERE platform = '%s' AND user_id = %lld",
             c->transport, user);
    return db_query_int(c->bot.db, sql);
}

/* A survey profile as the survey engine stores it. */
static void write_profile(convo *c, long long user, const char *topics, const char *forms, const char *slots,
                          const char *mode, int capacity)
{
    char sql[1024];
    snprintf(sql, sizeof sql,
             "INSERT OR REPLACE INTO profiles(account_id, topics, forms, slots, meeting_mode, capacity, updated_at)"
             " VALUES(%lld, '%s', '%s', '%s', '%s', %d, 0)",
             account_of(c, user), topics, forms, slots, mode, capacity);
    db_exec(c->bot.db, sql);
}

/* Registration by invite: consent, name, category (and grade, birth year). */
static void join(convo *c, long long user, const char *code, const char *name, const char *category,
                 const char *grade, const char *year)
{
    char cmd[96];
    snprintf(cmd, sizeof cmd, "/start %s", code);
    say(c, user, cmd);
    expect(c, user, "Вас приглашают");
    answer_registration(c, user, category, grade, year, name);
    expect_some(c, user, "Готово");
    /* the menu follows the confirmation */
    expect_some(c, user, strstr(category, "employee") ? "What would you like to do?" : "Что сделать?");
}

/* The curator's invite of a role, through the menu; returns its code. */
static void open_menu(convo *c, long long user)
{
    convo_drain(c, user, 300);
    say(c, user, "/menu");
    expect(c, user, "Что сделать?");
}

static const char *curator_invite(convo *c, const char *for_whom, char *code, size_t size)
{
    open_menu(c, CURATOR);
    press(c, CURATOR, "Создать приглашение");
    expect(c, CURATOR, "Для кого приглашение?");
    press(c, CURATOR, for_whom);
    expect(c, CURATOR, "Сколько человек");
    press(c, CURATOR, "10 человек");
    const char *text = expect(c, CURATOR, "Приглашение");
    snprintf(code, size, "%s", code_of(text ? text : ""));
    return code;
}

TEST(curator_matches_pairs_and_groups)
{
    convo c;
    if (convo_start(&c, "matching", NULL)) SKIP("simulator or bot did not start");
    convo_user_add(&c, CURATOR, "Анна", "ru");
    convo_user_add(&c, CURATOR2, "Борис", "ru");
    convo_user_add(&c, MENTOR_A, "Иван", "ru");
    convo_user_add(&c, MENTOR_B, "Olga", "en");
    convo_user_add(&c, MENTOR_C, "Маша", "ru");
    convo_user_add(&c, PETYA, "Петя", "ru");
    convo_user_add(&c, KATYA, "Катя", "ru");
    convo_user_add(&c, DIMA, "Дима", "ru");
    convo_user_add(&c, ANNA, "Анна", "ru");
    convo_user_add(&c, SERGEY, "Сергей", "ru");

    char org[32], org2[32], code[64], out[4096], expected[1024];
    snprintf(org, sizeof org, "%s", admin(&c, "org add --name \"Школа №7\""));
    snprintf(org2, sizeof org2, "%s", admin(&c, "org add --name \"Гимназия №2\""));
    char cur_code[64];
    snprintf(cur_code, sizeof cur_code, "%s", code_of(admin(&c, "invite create --org %s --role curator", org)));
    join(&c, CURATOR, cur_code, "Анна Сергеевна", "Педагог", NULL, NULL);

    curator_invite(&c, "Для наставника", code, sizeof code);
    join(&c, MENTOR_A, code, "Иван Студентов", "Студент", NULL, NULL);
    join(&c, MENTOR_C, code, "Маша Старшая", "Школьник", "11", "2009");
    /* an English-speaking mentor: the introduction comes in English */
    char cmd[96];
    snprintf(cmd, sizeof cmd, "/start %s", code);
    say(&c, MENTOR_B, cmd);
    expect(&c, MENTOR_B, "as a mentor");
    answer_registration(&c, MENTOR_B, "Company employee", NULL, NULL, "Olga Zavodskaya");
    expect_some(&c, MENTOR_B, "Done");
    expect_some(&c, MENTOR_B, "What would you like to do?");

    curator_invite(&c, "Для наставляемого", code, sizeof code);
    join(&c, PETYA, code, "Петя Иванов", "Школьник", "9", "2011");
    join(&c, KATYA, code, "Катя Петрова", "Школьник", "8", "2011");
    join(&c, DIMA, code, "Дима Сидоров", "Школьник", "9", "2011");
    join(&c, ANNA, code, "Анна Молодая", "Педагог", NULL, NULL);
    join(&c, SERGEY, code, "Сергей Орлов", "Студент", NULL, NULL);

    write_profile(&c, MENTOR_A, "[\"exams\",\"profession\"]", "[]", "[\"weekday_evening\"]", "online", 2);
    write_profile(&c, MENTOR_B, "[\"profession\",\"project\"]", "[]", "[\"weekend\"]", "offline", 3);
    write_profile(&c, MENTOR_C, "[\"exams\",\"communication\"]", "[]", "[\"weekday_afternoon\"]", "both", 1);
    write_profile(&c, PETYA, "[\"exams\",\"profession\"]", "[\"student_pupil\"]", "[\"weekday_evening\"]", "online", 0);
    write_profile(&c, KATYA, "[\"profession\",\"project\"]", "[]", "[\"weekend\"]", "offline", 0);
    write_profile(&c, DIMA, "[\"exams\"]", "[]", "[\"weekday_evening\"]", "online", 0);
    write_profile(&c, ANNA, "[\"methodical\"]", "[]", "[\"weekday_afternoon\"]", "both", 0);
    write_profile(&c, SERGEY, "[\"profession\"]", "[]", "[\"weekend\"]", "offline", 0);

    long long a = account_of(&c, MENTOR_A), b = account_of(&c, MENTOR_B), mc = account_of(&c, MENTOR_C);
    long long petya = account_of(&c, PETYA), katya = account_of(&c, KATYA), dima = account_of(&c, DIMA);
    long long anna = account_of(&c, ANNA), sergey = account_of(&c, SERGEY);

    /* The suggestions as scripts read them (docs/matching.md explains each score). */
    CHECK_INT(admin_output(&c, out, sizeof out, "match suggest --org %s", org), 0);
    snprintf(expected, sizeof expected, "%lld\t%lld:100,%lld:40,%lld:30\n%lld\t%lld:100,%lld:50,%lld:35\n"
             "%lld\t%lld:100,%lld:85,%lld:25\n%lld\t\n%lld\t%lld:100\n",
             petya, a, mc, b, katya, b, a, mc, dima, a, mc, b, anna, sergey, b);
    CHECK_STR(out, expected);

    /* The queue and the suggestions with their reasons, in words. */
    open_menu(&c, CURATOR);
    press(&c, CURATOR, "Ждут наставника: 5");
    expect(&c, CURATOR, "Ждут наставника: 5");
    press(&c, CURATOR, "Петя Иванов");
    const char *s = expect(&c, CURATOR, "Петя Иванов (Школьник, 9 класс)");
    CHECK_CONTAINS(s, "Запрос: подготовка к экзаменам, выбор профессии.");
    CHECK_CONTAINS(s, "1. Иван Студентов (Студент) — 100 из 100");
    CHECK_CONTAINS(s, "общие темы: подготовка к экзаменам, выбор профессии");
    CHECK_CONTAINS(s, "форма «студент – ученик» подходит");
    CHECK_CONTAINS(s, "время встреч совпадает: вечером в будни");
    CHECK_CONTAINS(s, "формат встреч подходит: онлайн");
    CHECK_CONTAINS(s, "свободно 2 места из 2");
    CHECK_CONTAINS(s, "2. Маша Старшая (Школьник, 11 класс) — 40 из 100");
    CHECK_CONTAINS(s, "форма «ученик – ученик» — не та, что в запросе наставляемого");
    CHECK_CONTAINS(s, "3. Olga Zavodskaya (Сотрудник предприятия) — 30 из 100");
    press(&c, CURATOR, "✓ Иван Студентов");
    expect(&c, CURATOR, "Пара создана: Иван Студентов — Петя Иванов (студент – ученик)");
    const char *intro = expect_some(&c, MENTOR_A, "у вас новый наставляемый — Петя Иванов (Школьник, 9 класс)");
    CHECK_CONTAINS(intro, "О чём запрос: подготовка к экзаменам, выбор профессии.");
    intro = expect_some(&c, PETYA, "твой наставник — Иван Студентов (Студент)");
    CHECK_CONTAINS(intro, "Форма наставничества: студент – ученик.");

    /* Dima: reject Masha (remembered; the list moves on), then Ivan again
     * makes a group, since Ivan already mentors in that form. */
    open_menu(&c, CURATOR);
    press(&c, CURATOR, "Ждут наставника: 4");
    expect(&c, CURATOR, "Ждут наставника: 4");
    press(&c, CURATOR, "Дима Сидоров");
    s = expect(&c, CURATOR, "Дима Сидоров");
    CHECK_CONTAINS(s, "1. Иван Студентов (Студент) — 97 из 100");
    CHECK_CONTAINS(s, "свободно 1 место из 2");
    CHECK_CONTAINS(s, "2. Маша Старшая (Школьник, 11 класс) — 85 из 100");
    press(&c, CURATOR, "✗ Маша Старшая");
    expect(&c, CURATOR, "Маша Старшая больше не будет в списке наставников для наставляемого Дима Сидоров");
    s = expect(&c, CURATOR, "Дима Сидоров");
    CHECK(s && !strstr(s, "Маша"));
    CHECK_CONTAINS(s, "2. Olga Zavodskaya");
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM match_rejections"), 1);
    press(&c, CURATOR, "✓ Иван Студентов");
    expect(&c, CURATOR, "Дима Сидоров: добавить в эту группу или создать отдельную пару?");
    press(&c, CURATOR, "Добавить в группу");
    expect(&c, CURATOR, "Дима Сидоров теперь в группе наставника Иван Студентов (студент – ученик), в ней 2 наставляемых");
    expect_some(&c, MENTOR_A, "у вас новый наставляемый — Дима Сидоров");
    expect_some(&c, DIMA, "твой наставник — Иван Студентов");

    /* Katya with Olga: the introduction reaches Olga in English. */
    open_menu(&c, CURATOR);
    press(&c, CURATOR, "Ждут наставника: 3");
    expect(&c, CURATOR, "Ждут наставника: 3");
    press(&c, CURATOR, "Катя Петрова");
    s = expect(&c, CURATOR, "Катя Петрова");
    CHECK_CONTAINS(s, "1. Olga Zavodskaya (Сотрудник предприятия) — 100 из 100");
    CHECK(s && !strstr(s, "Иван"));   /* Ivan is full now */
    press(&c, CURATOR, "✓ Olga");
    expect(&c, CURATOR, "Пара создана: Olga Zavodskaya — Катя Петрова");
    intro = expect_some(&c, MENTOR_B, "Meet your new mentee: Катя Петрова (School pupil, grade 8)");
    CHECK_CONTAINS(intro, "The request is about: choosing a profession, a project.");
    expect_some(&c, KATYA, "твой наставник — Olga Zavodskaya (Сотрудник предприятия)");

    CHECK_INT(admin_output(&c, out, sizeof out, "match list --org %s", org), 0);
    long long m1 = db_query_int(c.bot.db, "SELECT MIN(id) FROM mentorships");
    snprintf(expected, sizeof expected, "%lld\tstudent_pupil\t%lld\t%lld,%lld\n%lld\temployer_pupil\t%lld\t%lld\n",
             m1, a, petya, dima, m1 + 1, b, katya);
    CHECK_STR(out, expected);
    CHECK_INT(admin_output(&c, out, sizeof out, "match suggest --org %s", org), 0);
    snprintf(expected, sizeof expected, "%lld\t\n%lld\t%lld:98\n", anna, sergey, b);
    CHECK_STR(out, expected);
    CHECK(admin_output(&c, out, sizeof out, "match suggest --org 999") != 0);
    CHECK(admin_output(&c, out, sizeof out, "match list --org x") != 0);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM audit WHERE action IN ('mentorship.create',"
                                     " 'mentorship.add', 'match.reject')"), 4);

    /* The curator's export: the group, the pair and the queue in one table,
     * sent as a file, which the bot removes once it is delivered. */
    open_menu(&c, CURATOR);
    press(&c, CURATOR, "Выгрузить пары в таблицу");
    char name[256] = "", caption[512] = "", line[512];
    char *csv = expect_document(&c, CURATOR, name, sizeof name, caption, sizeof caption);
    CHECK(strncmp(name, "Пары ", strlen("Пары ")) == 0 && strstr(name, ".csv"));
    CHECK_CONTAINS(caption, "Пары и группы: 2, ждут наставника: 2.");
    CHECK(csv && strncmp(csv, "\xEF\xBB\xBF", 3) == 0);
    CHECK_CONTAINS(csv, "\xEF\xBB\xBF№ пары;Статус;Форма;Наставник;Наставляемый;Кто;Начало\r\n");
    snprintf(line, sizeof line, "%lld;Группа;студент – ученик;Иван Студентов;Петя Иванов;Школьник, 9 класс;", m1);
    CHECK_CONTAINS(csv, line);
    snprintf(line, sizeof line, "%lld;Группа;студент – ученик;Иван Студентов;Дима Сидоров;Школьник, 9 класс;", m1);
    CHECK_CONTAINS(csv, line);
    snprintf(line, sizeof line, "%lld;Пара;работодатель – ученик;Olga Zavodskaya;Катя Петрова;Школьник, 8 класс;",
             m1 + 1);
    CHECK_CONTAINS(csv, line);
    CHECK_CONTAINS(csv, "\r\n;Ждёт наставника;;;Анна Молодая;Педагог;\r\n");
    CHECK_CONTAINS(csv, "\r\n;Ждёт наставника;;;Сергей Орлов;Студент;\r\n");
    free(csv);
    CHECK(convo_files_left(&c) == 0);

    /* A mentee forging the curator's confirm, and a curator of another
     * organisation confirming this one's mentee: both refused and logged. */
    char forged[64];
    snprintf(forged, sizeof forged, "cy:%lld:%lld", sergey, b);
    press_data(&c, SERGEY, forged);
    snprintf(cur_code, sizeof cur_code, "%s", code_of(admin(&c, "invite create --org %s --role curator", org2)));
    join(&c, CURATOR2, cur_code, "Борис Другой", "Педагог", NULL, NULL);
    press_data(&c, CURATOR2, forged);
    snprintf(forged, sizeof forged, "cx:%lld", m1);
    press_data(&c, CURATOR2, forged);
    CHECK(log_soon(&c, "curator action pressed by a non-curator"));
    CHECK(log_soon(&c, "mentee not in the curator's organisation"));
    CHECK(log_soon(&c, "mentorship not in the curator's organisation"));
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM mentorships WHERE state = 'active'"), 2);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM mentorship_members WHERE left_at IS NULL"), 3);

    /* Ending the group returns both mentees to the queue. */
    open_menu(&c, CURATOR);
    press(&c, CURATOR, "Пары и группы: 2");
    expect(&c, CURATOR, "Пары и группы: 2");
    /* VK cuts button labels at 40 characters: press by the part both show */
    press(&c, CURATOR, "Иван Студентов — Петя Иванов");
    expect(&c, CURATOR, "Форма: студент – ученик");
    press(&c, CURATOR, "Завершить наставничество");
    expect(&c, CURATOR, "Завершить наставничество «Иван Студентов — Петя Иванов, Дима Сидоров»?");
    press(&c, CURATOR, "Да, завершить");
    expect(&c, CURATOR, "Наставничество завершено");
    expect_some(&c, PETYA, "Куратор завершил твоё наставничество (студент – ученик)");
    expect_some(&c, MENTOR_A, "Куратор завершил ваше наставничество");
    CHECK_INT(admin_output(&c, out, sizeof out, "match list --org %s", org), 0);
    snprintf(expected, sizeof expected, "%lld\temployer_pupil\t%lld\t%lld\n", m1 + 1, b, katya);
    CHECK_STR(out, expected);

    /* Masha erases her data while she is suggested for Petya: the confirm
     * pressed on that suggestion says plainly she is no longer there. */
    open_menu(&c, CURATOR);
    press(&c, CURATOR, "Ждут наставника: 4");
    expect(&c, CURATOR, "Ждут наставника: 4");
    press(&c, CURATOR, "Петя Иванов");
    s = expect(&c, CURATOR, "Петя Иванов");
    CHECK_CONTAINS(s, "2. Маша Старшая");
    say(&c, MENTOR_C, "/forget");
    expect_some(&c, MENTOR_C, "Удалить твои персональные данные?");
    press(&c, MENTOR_C, "Да, удалить");
    expect_some(&c, MENTOR_C, "Ваши данные удалены");
    press(&c, CURATOR, "✓ Маша Старшая");
    expect(&c, CURATOR, "Этот участник удалил данные и больше не участвует в программе. Выберите другого наставника.");
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM mentorships WHERE state = 'active'"), 1);

    /* Both are back in the queue; Masha is gone, Olga has one mentee. */
    CHECK_INT(admin_output(&c, out, sizeof out, "match suggest --org %s", org), 0);
    snprintf(expected, sizeof expected, "%lld\t%lld:100,%lld:28\n%lld\t%lld:100,%lld:23\n%lld\t\n%lld\t%lld:98\n",
             petya, a, b, dima, a, b, anna, sergey, b);
    CHECK_STR(out, expected);
    convo_stop(&c);
}

TEST(curator_moves_the_stage_and_announces)
{
    convo c;
    if (convo_start(&c, "stage", NULL)) SKIP("simulator or bot did not start");
    convo_user_add(&c, CURATOR, "Анна", "ru");
    convo_user_add(&c, MENTOR_A, "Иван", "ru");
    convo_user_add(&c, PETYA, "Петя", "ru");
    char org[32], code[64];
    snprintf(org, sizeof org, "%s", admin(&c, "org add --name \"Школа №9\""));
    join(&c, CURATOR, code_of(admin(&c, "invite create --org %s --role curator", org)), "Анна Сергеевна", "Педагог",
         NULL, NULL);
    curator_invite(&c, "Для наставника", code, sizeof code);
    join(&c, MENTOR_A, code, "Иван Студентов", "Студент", NULL, NULL);
    curator_invite(&c, "Для наставляемого", code, sizeof code);
    join(&c, PETYA, code, "Петя Иванов", "Школьник", "9", "2011");

    open_menu(&c, CURATOR);
    press(&c, CURATOR, "Этап программы");
    expect(&c, CURATOR, "Программы наставничества на этот учебный год ещё нет");
    char sql[256];
    snprintf(sql, sizeof sql, "INSERT INTO programs(org_id, year, forms, stage, created_at) VALUES(%s, 2026,"
             " 'student_pupil,pupil_pupil', 1, 0)", org);
    db_exec(c.bot.db, sql);
    open_menu(&c, CURATOR);
    press(&c, CURATOR, "Этап программы");
    expect(&c, CURATOR, "Программа 2026/2027 учебного года, этап 1 из 7: «Подготовка условий для запуска программы»");
    press(&c, CURATOR, "Вперёд: Формирование базы наставляемых");
    expect(&c, CURATOR, "Перевести программу с этапа «Подготовка условий для запуска программы» на этап"
                        " «Формирование базы наставляемых»?");
    press(&c, CURATOR, "Да, перевести");
    expect(&c, CURATOR, "Программа переведена на этап 2");
    CHECK_INT(db_query_int(c.bot.db, "SELECT stage FROM programs"), 2);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM audit WHERE action = 'program.stage'"), 1);
    /* the same confirmation pressed again is stale: the stage moved already */
    press_data(&c, CURATOR, "cu:1:2");
    expect(&c, CURATOR, "Этап уже изменился");
    CHECK_INT(db_query_int(c.bot.db, "SELECT stage FROM programs"), 2);
    press_data(&c, CURATOR, "cu:2:4");
    expect_silence(&c, CURATOR, 500);
    CHECK(log_soon(&c, "bad stage step"));

    open_menu(&c, CURATOR);
    press(&c, CURATOR, "Объявление");
    expect(&c, CURATOR, "Кому отправить объявление?");
    press(&c, CURATOR, "Наставникам");
    expect(&c, CURATOR, "Напишите текст объявления");
    say(&c, CURATOR, "Встреча наставников в пятницу в 15:00, кабинет 12.");
    expect(&c, CURATOR, "Так увидят объявление (Наставникам, 1 человек)");
    press(&c, CURATOR, "Отправить");
    expect(&c, CURATOR, "Объявление поставлено в очередь: 1 человек");
    expect_some(&c, MENTOR_A, "Объявление куратора программы наставничества организации «Школа №9»:\n\nВстреча наставников в пятницу");
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM outbox WHERE body LIKE '%Объявление куратора программы%'"), 1);
    /* typed text after sending is not another announcement (the delivery
     * report may come first) */
    say(&c, CURATOR, "спасибо");
    expect_some(&c, CURATOR, "Выбрать действие можно в /menu");
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM audit WHERE action = 'announcement.send'"), 1);
    convo_stop(&c);
}

static void all_conversations(void)
{
    RUN(curator_matches_pairs_and_groups);
    RUN(curator_moves_the_stage_and_announces);
}

/* One description, both messengers (or the one named as the argument). */
int main(int argc, char **argv)
{
    convo_each_transport(argc, argv, all_conversations);
    return unit_summary();
}

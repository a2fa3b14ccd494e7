/*
 * A school moves from its spreadsheet: its people are imported and each
 * gets a personal invite. A pupil opens theirs and lands in their own row
 * (name, grade and role from the list, no new account), and being young,
 * waits for a parent's consent like any pupil. The curator records a
 * mentor's contest from the mentor's card (a wrong date asked again, the
 * level from buttons) and sets a pair's direction to career guidance.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PUPIL 770000501LL
#define CURATOR 770000502LL
#define MENTOR 770000503LL
#define MENTEE 770000504LL

/* The personal invite code of person_id in the invites file. */
static void invite_code_of(const char *path, const char *person_id, char *code, size_t size)
{
    char *text = unit_read_file(path, NULL), prefix[32];
    snprintf(prefix, sizeof prefix, "\n%s;", person_id);
    const char *line = text ? strstr(text, prefix) : NULL;
    snprintf(code, size, "%s", line ? code_of(line) : "");
    char *end = strpbrk(code, ";\r\n");
    if (end) *end = 0;
    free(text);
}

TEST(an_imported_pupil_joins_their_row_and_the_curator_records_an_outcome)
{
    convo c;
    if (convo_start(&c, "outcomes", NULL)) SKIP("simulator or bot did not start");
    convo_greeted(&c, CURATOR, "Анна");
    convo_greeted(&c, MENTOR, "Ольга");
    convo_greeted(&c, MENTEE, "Коля");
    convo_user_add(&c, PUPIL, "Петя", "ru");
    char org[32], people[512], invites[512], code[64] = "";
    snprintf(org, sizeof org, "%s", admin(&c, "org add --name \"Школа №9\" --tz Asia/Tomsk"));
    snprintf(people, sizeof people, "%s/people-%s.csv", unit_tmpdir(), c.transport);
    snprintf(invites, sizeof invites, "%s/invites-%s.csv", unit_tmpdir(), c.transport);
    FILE *f = fopen(people, "wb");
    if (f) {
        fprintf(f, "org;person_id;full_name;category;grade;role;employer\n"
                   "Школа №9;p1;Петя Иванов;ученик;7;наставляемый;\n"
                   "%s;t1;Нина Орлова;учитель;;наставник;ООО «Ромашка»\n", org);
        fclose(f);
    }
    CHECK_CONTAINS(admin(&c, "import people %s", people), "2 new");
    admin(&c, "invite people --org %s --out %s", org, invites);
    invite_code_of(invites, "p1", code, sizeof code);
    CHECK(code[0] != 0);

    /* the pupil opens the personal link: the row is theirs */
    char start[96];
    snprintf(start, sizeof start, "/start %s", code);
    say(&c, PUPIL, start);
    expect(&c, PUPIL, "Привет, Петя Иванов! Твоя школа «Школа №9» внесла тебя в программу");
    expect(&c, PUPIL, "год рождения");
    say(&c, PUPIL, "2013");
    expect(&c, PUPIL, "нужны два согласия");
    press(&c, PUPIL, "Даю согласие");
    expect(&c, PUPIL, "Готово, Петя Иванов!");
    expect(&c, PUPIL, "согласие родителя");
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM accounts WHERE external_id = 'p1' AND grade = 7"
                                     " AND role = 'mentee' AND status = 'pending_consent'"
                                     " AND id IN (SELECT account_id FROM identities)"), 1);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM accounts WHERE category = 'pupil'"), 1);
    /* the link works once */
    convo_greeted(&c, MENTEE + 10, "Чужой");
    say(&c, MENTEE + 10, start);
    expect(&c, MENTEE + 10, "уже использовано");

    /* the curator records a mentor's contest from the mentor's card */
    long long mentor = convo_seed_person(&c, org, MENTOR, "mentor", "teacher", "Ольга Петровна");
    long long mentee = convo_seed_person(&c, org, MENTEE, "mentee", "pupil", "Коля Белов");
    long long curator = convo_seed_person(&c, org, CURATOR, "curator", "teacher", "Анна Сергеевна");
    char sql[128];
    snprintf(sql, sizeof sql, "INSERT INTO scopes(account_id, org_id) VALUES(%lld, %s)", curator, org);
    db_exec(c.bot.db, sql);
    admin(&c, "match confirm --org %s --mentor %lld --mentee %lld", org, mentor, mentee);
    say(&c, CURATOR, "/menu");
    expect(&c, CURATOR, "Что сделать?");
    press(&c, CURATOR, "Исправить данные участника");
    expect(&c, CURATOR, "Чьи данные");
    press(&c, CURATOR, "Наставника");
    expect(&c, CURATOR, "Выберите участника");
    press(&c, CURATOR, "Ольга Петровна");
    expect(&c, CURATOR, "Место работы: не указано");
    press(&c, CURATOR, "Достижения (0)");
    expect(&c, CURATOR, "пока ничего не записано");
    press(&c, CURATOR, "Добавить достижение");
    expect(&c, CURATOR, "Что записать");
    press(&c, CURATOR, "Участие в конкурсе");
    expect(&c, CURATOR, "Когда это было?");
    say(&c, CURATOR, "31.02.2026");
    expect(&c, CURATOR, "Не получилось прочитать дату");
    say(&c, CURATOR, "сегодня");
    expect(&c, CURATOR, "Какой уровень?");
    press(&c, CURATOR, "региональный");
    expect(&c, CURATOR, "Участие в конкурсе, региональный уровень");
    press(&c, CURATOR, "Сохранить");
    const char *list = expect(&c, CURATOR, "Записано");
    CHECK_CONTAINS(list, "1. ");
    CHECK_CONTAINS(list, "Участие в конкурсе, региональный уровень");
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM outcomes WHERE kind = 'contest' AND level = 'regional'"
                                     " AND source = 'chat' AND account_id = (SELECT account_id FROM identities"
                                     " WHERE user_id = 770000503)"), 1);

    /* and sets the pair's direction */
    say(&c, CURATOR, "/menu");
    expect(&c, CURATOR, "Что сделать?");
    press(&c, CURATOR, "Пары и группы: 1");
    expect(&c, CURATOR, "Выберите, чтобы посмотреть");
    press(&c, CURATOR, "Ольга Петровна");
    expect(&c, CURATOR, "Направление: не указано");
    press(&c, CURATOR, "Направление");
    expect(&c, CURATOR, "Над чем работает пара?");
    press(&c, CURATOR, "профориентация");
    expect(&c, CURATOR, "Направление записано");
    expect(&c, CURATOR, "Направление: профориентация");
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM mentorships WHERE direction = 'career'"), 1);
    convo_stop(&c);
}

static void all_conversations(void)
{
    RUN(an_imported_pupil_joins_their_row_and_the_curator_records_an_outcome);
}

/* One description, both messengers (or the one named as the argument). */
int main(int argc, char **argv)
{
    convo_each_transport(argc, argv, all_conversations);
    return unit_summary();
}

/*
 * /forget by a mentee in a pair, as the other people see it: the mentor is
 * told, without the name, that the mentorship ended and has the place
 * back; the curator's list no longer shows the pair and an old button of
 * it says it has ended; nothing anywhere shows an empty name.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CURATOR 740000101LL
#define MENTOR 740000102LL
#define MENTEE 740000103LL

/* A teacher registers by an invite code. */
static void teacher_joins(convo *c, long long user, const char *code, const char *name)
{
    char cmd[96];
    snprintf(cmd, sizeof cmd, "/start %s", code);
    say(c, user, cmd);
    expect(c, user, "Вас приглашают");
    answer_registration(c, user, "Педагог", NULL, NULL, name);
    expect_some(c, user, "Готово");
    convo_drain(c, user, 600);
}

static long long account_of(convo *c, long long user)
{
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT account_id FROM identities WHERE user_id = %lld", user);
    return db_query_int(c->bot.db, sql);
}

TEST(a_mentee_who_forgets_ends_the_pair_for_everyone)
{
    convo c;
    if (convo_start(&c, "forget-pair", NULL)) SKIP("simulator or bot did not start");
    convo_user_add(&c, CURATOR, "Анна", "ru");
    convo_user_add(&c, MENTOR, "Ольга", "ru");
    convo_user_add(&c, MENTEE, "Вера", "ru");
    char org[32], code[64], sql[600];
    snprintf(org, sizeof org, "%s", admin(&c, "org add --name \"Школа №5\""));
    snprintf(code, sizeof code, "%s", code_of(admin(&c, "invite create --org %s --role curator", org)));
    teacher_joins(&c, CURATOR, code, "Анна Сергеевна");
    snprintf(code, sizeof code, "%s", code_of(admin(&c, "invite create --org %s --role mentor", org)));
    teacher_joins(&c, MENTOR, code, "Ольга Петровна");
    snprintf(code, sizeof code, "%s", code_of(admin(&c, "invite create --org %s --role mentee", org)));
    teacher_joins(&c, MENTEE, code, "Вера Новикова");
    long long mentor = account_of(&c, MENTOR), mentee = account_of(&c, MENTEE);
    /* The pair as the curator's confirmation leaves it. */
    snprintf(sql, sizeof sql,
             "INSERT INTO mentorships(id, org_id, form, mentor_id, state, created_at) VALUES(1, %s, 'teacher_teacher',"
             " %lld, 'active', 1);"
             "INSERT INTO mentorship_members(mentorship_id, mentee_id, joined_at) VALUES(1, %lld, 1);",
             org, mentor, mentee);
    db_exec(c.bot.db, sql);

    say(&c, CURATOR, "/menu");
    expect_some(&c, CURATOR, "Что сделать?");
    press(&c, CURATOR, "Пары и группы: 1");
    expect_some(&c, CURATOR, "Пары и группы: 1.");
    CHECK(press(&c, CURATOR, "Ольга"));
    expect_some(&c, CURATOR, "Вера Новикова");   /* the pair's view, with its "end" button */

    say(&c, MENTEE, "/forget");
    expect(&c, MENTEE, "Удалить ваши персональные данные?");
    press(&c, MENTEE, "Да, удалить");
    expect_some(&c, MENTEE, "Ваши данные удалены");

    /* The mentor hears it, without the name, and has the place back. */
    const char *told = expect_some(&c, MENTOR, "удалил свои данные");
    CHECK(told && !strstr(told, "Вера"));
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM mentorships WHERE state = 'active'"), 0);
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM mentorship_members mm JOIN mentorships m ON m.id = mm.mentorship_id"
                              " WHERE m.mentor_id = %lld AND mm.left_at IS NULL", mentor);
    CHECK_INT(db_query_int(c.bot.db, sql), 0);

    /* The curator's old button says the pair has ended; the list is empty. */
    press(&c, CURATOR, "Завершить");
    expect_some(&c, CURATOR, "уже завершено");
    say(&c, CURATOR, "/menu");
    const char *menu = expect_some(&c, CURATOR, "Что сделать?");
    CHECK(menu != NULL);
    press(&c, CURATOR, "Пары и группы: 0");
    expect_some(&c, CURATOR, "Пар и групп пока нет");
    /* A button about the mentee from before says who is gone, no empty name. */
    char data[48];
    snprintf(data, sizeof data, "cv:%lld", mentee);
    press_data(&c, CURATOR, data);
    const char *gone = expect_some(&c, CURATOR, "Этот участник удалил данные");
    CHECK(gone && strncmp(gone, " ", 1) != 0);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM outbox WHERE body LIKE '%Вера%' AND state = 'pending'"), 0);
    convo_stop(&c);
}

static void all_conversations(void)
{
    RUN(a_mentee_who_forgets_ends_the_pair_for_everyone);
}

int main(int argc, char **argv)
{
    convo_each_transport(argc, argv, all_conversations);
    return unit_summary();
}

/*
 * Invites as a curator and newcomers meet them: opening a link or saying
 * «Не даю согласия» does not use up a place; a place is held while one
 * person registers, so two cannot both complete a one-use invite; the
 * curator sees the organisation's invites with their uses and revokes one.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CURATOR 750000101LL
#define FIRST 750000102LL
#define SECOND 750000103LL
#define THIRD 750000104LL

static void open_invite(convo *c, long long user, const char *code)
{
    char cmd[96];
    snprintf(cmd, sizeof cmd, "/start %s", code);
    say(c, user, cmd);
}

/* From the consent question to the end of a teacher's registration. */
static void register_teacher(convo *c, long long user, const char *name)
{
    answer_registration(c, user, "Педагог", NULL, NULL, name);
    expect_some(c, user, "Регистрация завершена");
}

static void one_use_invite(convo *c, char *code, size_t size)
{
    snprintf(code, size, "%s", code_of(admin(c, "invite create --org 1 --role mentor --uses 1")));
}

TEST(declining_or_opening_does_not_use_up_a_one_use_invite)
{
    convo c;
    if (convo_start(&c, "invite-uses", NULL)) SKIP("simulator or bot did not start");
    convo_user_add(&c, FIRST, "Олег", "ru");
    convo_user_add(&c, SECOND, "Нина", "ru");
    convo_user_add(&c, THIRD, "Лев", "ru");
    admin(&c, "org add --name \"Школа №7\"");
    char code[64];
    one_use_invite(&c, code, sizeof code);

    /* Someone opens the link and declines: the place is free again. */
    open_invite(&c, FIRST, code);
    expect(&c, FIRST, "Вас приглашают");
    press(&c, FIRST, "Педагог");
    expect(&c, FIRST, "Вы даёте согласие");
    press(&c, FIRST, "Не даю согласия");
    expect(&c, FIRST, "ничего не сохранено");

    /* The next one opens it: the place is held for them... */
    open_invite(&c, SECOND, code);
    expect(&c, SECOND, "Вас приглашают");
    open_invite(&c, THIRD, code);
    expect(&c, THIRD, "уже использовано");
    CHECK_INT(db_query_int(c.bot.db, "SELECT uses FROM invites WHERE max_uses = 1"), 0);
    /* ...and counted once they have registered. */
    register_teacher(&c, SECOND, "Нина Павловна");
    CHECK_INT(db_query_int(c.bot.db, "SELECT uses FROM invites WHERE max_uses = 1"), 1);
    open_invite(&c, THIRD, code);
    expect(&c, THIRD, "уже использовано");
    convo_stop(&c);
}

TEST(the_curator_sees_the_invites_with_their_uses_and_revokes_one)
{
    convo c;
    if (convo_start(&c, "invite-list", NULL)) SKIP("simulator or bot did not start");
    convo_user_add(&c, CURATOR, "Анна", "ru");
    convo_user_add(&c, FIRST, "Олег", "ru");
    convo_user_add(&c, SECOND, "Нина", "ru");
    admin(&c, "org add --name \"Школа №8\"");
    char code[64], mentors[64];
    snprintf(code, sizeof code, "%s", code_of(admin(&c, "invite create --org 1 --role curator")));
    open_invite(&c, CURATOR, code);
    expect(&c, CURATOR, "Вас приглашают");
    register_teacher(&c, CURATOR, "Анна Сергеевна");
    snprintf(mentors, sizeof mentors, "%s", code_of(admin(&c, "invite create --org 1 --role mentor --uses 5")));
    open_invite(&c, FIRST, mentors);
    expect(&c, FIRST, "Вас приглашают");
    register_teacher(&c, FIRST, "Олег Ильич");
    open_invite(&c, SECOND, mentors);
    expect(&c, SECOND, "Вас приглашают");

    say(&c, CURATOR, "/menu");
    expect_some(&c, CURATOR, "Что сделать?");
    press(&c, CURATOR, "Приглашения");
    const char *list = expect_some(&c, CURATOR, "Приглашения вашей организации");
    CHECK_CONTAINS(list, "№2, наставник: зарегистрировались 1 из 5, ещё 1 сейчас регистрируются. Действует до");
    CHECK_CONTAINS(list, "№1, куратор: зарегистрировались 1 из 1. Все места заняты.");
    CHECK(press(&c, CURATOR, "Отозвать №2"));
    expect_some(&c, CURATOR, "Отозвать приглашение №2 (наставник)?");
    press(&c, CURATOR, "Да, отозвать");
    expect_some(&c, CURATOR, "Приглашение №2 отозвано");
    CHECK(db_query_int(c.bot.db, "SELECT revoked_at IS NOT NULL FROM invites WHERE id = 2") == 1);

    /* Nobody finishes with it any more; who registered stays. */
    answer_registration(&c, SECOND, "Педагог", NULL, NULL, "Нина Павловна");
    expect(&c, SECOND, "Это приглашение отозвано");
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM accounts WHERE status = 'active' AND role = 'mentor'"), 1);
    open_invite(&c, SECOND, mentors);
    expect(&c, SECOND, "истёк");
    convo_stop(&c);
}

static void all_conversations(void)
{
    RUN(declining_or_opening_does_not_use_up_a_one_use_invite);
    RUN(the_curator_sees_the_invites_with_their_uses_and_revokes_one);
}

int main(int argc, char **argv)
{
    convo_each_transport(argc, argv, all_conversations);
    return unit_summary();
}

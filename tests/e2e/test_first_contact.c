/*
 * A newcomer's first minutes beyond registration itself: /link offers only
 * the messenger the bot also runs on (none when it runs on one), and a
 * graduate who registers as a mentor hears what happens next.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CURATOR 760000101LL
#define GRADUATE 760000102LL

static int on_vk(const convo *c) { return strcmp(c->transport, "vk") == 0; }

static void join_as(convo *c, long long user, const char *code, const char *name, const char *category)
{
    char cmd[96];
    snprintf(cmd, sizeof cmd, "/start %s", code);
    say(c, user, cmd);
    expect(c, user, "Вас приглашают");
    answer_registration(c, user, category, NULL, NULL, name);
    expect(c, user, "Регистрация завершена");
}

/* The bot of these tests runs on Telegram alone (tg), or on both (vk: the
 * harness gives it a Telegram token too). */
TEST(link_offers_only_a_messenger_the_bot_runs_on)
{
    convo c;
    if (convo_start(&c, "link-offer", NULL)) SKIP("simulator or bot did not start");
    convo_user_add(&c, CURATOR, "Анна", "ru");
    admin(&c, "org add --name \"Школа №9\"");
    char code[64];
    snprintf(code, sizeof code, "%s", code_of(admin(&c, "invite create --org 1 --role curator")));
    join_as(&c, CURATOR, code, "Анна Сергеевна", "Педагог");
    expect(&c, CURATOR, "Что сделать?");
    say(&c, CURATOR, "/link");
    if (on_vk(&c)) {
        const char *text = expect(&c, CURATOR, "Telegram: https://t.me/mentorbot_sim_bot?start=l_");
        CHECK(text && !strstr(text, "VK:"));
        CHECK_CONTAINS(text, "/link ");
        CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM invites WHERE kind = 'link'"), 1);
    } else {
        expect(&c, CURATOR, "Бот сейчас работает только в Telegram, поэтому второй мессенджер подключить нельзя.");
        CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM invites WHERE kind = 'link'"), 0);
    }
    convo_stop(&c);
}

TEST(a_graduate_mentor_is_told_what_happens_next)
{
    convo c;
    if (convo_start(&c, "graduate", NULL)) SKIP("simulator or bot did not start");
    convo_user_add(&c, GRADUATE, "Саша", "ru");
    admin(&c, "org add --name \"Школа №10\"");
    char code[64];
    snprintf(code, sizeof code, "%s", code_of(admin(&c, "invite create --org 1 --role mentor")));
    join_as(&c, GRADUATE, code, "Саша Орлова", "Выпускник");
    const char *next = expect(&c, GRADUATE, "Выпускников бот пока не предлагает в наставники");
    CHECK_CONTAINS(next, "Куратор увидит вас в списке наставников");
    convo_stop(&c);
}

static void all_conversations(void)
{
    RUN(link_offers_only_a_messenger_the_bot_runs_on);
    RUN(a_graduate_mentor_is_told_what_happens_next);
}

int main(int argc, char **argv)
{
    convo_each_transport(argc, argv, all_conversations);
    return unit_summary();
}

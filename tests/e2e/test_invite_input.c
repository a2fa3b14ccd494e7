/*
 * What people paste when they are given an invite, and the names they
 * type, on both messengers: a code in capitals, the whole link after
 * /start, the link alone as a message (Telegram's and VK's), a name made
 * only of emoji, and a name over the limit, which is refused with the
 * limit stated and never cut.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define CAPS 4101
#define TG_LINK 4102
#define VK_LINK 4103
#define BARE 4104

static void upper(char *s)
{
    for (; *s; s++) *s = (char)toupper((unsigned char)*s);
}

TEST(invite_codes_in_any_case_and_whole_links_are_taken)
{
    convo c;
    if (convo_start(&c, "invite-input", NULL)) SKIP("simulator or bot did not start");
    convo_user_add(&c, CAPS, "Вася", "ru");
    convo_user_add(&c, TG_LINK, "Катя", "ru");
    convo_user_add(&c, VK_LINK, "Дима", "ru");
    convo_user_add(&c, BARE, "Оля", "ru");
    char org[32], code[64], text[256];
    snprintf(org, sizeof org, "%s", admin(&c, "org add --name \"Школа №9\""));
    snprintf(code, sizeof code, "%s", code_of(admin(&c, "invite create --org %s --role mentee --uses 10", org)));
    CHECK(strlen(code) == 16);

    /* the code in capitals, as some phones type it */
    snprintf(text, sizeof text, "/start %s", code);
    upper(text + 7);
    say(&c, CAPS, text);
    expect(&c, CAPS, "Вас приглашают");

    /* the whole Telegram link pasted after /start */
    snprintf(text, sizeof text, "/start https://t.me/mentorbot_sim_bot?start=%s", code);
    say(&c, TG_LINK, text);
    expect(&c, TG_LINK, "Вас приглашают");

    /* a VK link alone as a message, with a dot copied after it */
    snprintf(text, sizeof text, "https://vk.me/club1?ref=%s.", code);
    say(&c, VK_LINK, text);
    expect(&c, VK_LINK, "Вас приглашают");

    /* the Telegram link alone, in capitals */
    snprintf(text, sizeof text, "t.me/mentorbot_sim_bot?start=%s", code);
    upper(text + 26);
    say(&c, BARE, text);
    expect(&c, BARE, "Вас приглашают");
    /* four people hold a place each while they register */
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM invite_uses"), 4);

    /* a link with no code in it is still refused */
    say(&c, 4105, "https://t.me/mentorbot_sim_bot?start=");
    expect(&c, 4105, "приглаш");
    convo_stop(&c);
}

TEST(names_of_emoji_or_over_the_limit_are_refused)
{
    convo c;
    if (convo_start(&c, "name-input", NULL)) SKIP("simulator or bot did not start");
    convo_user_add(&c, CAPS, "Вася", "ru");
    char org[32], text[512];
    snprintf(org, sizeof org, "%s", admin(&c, "org add --name \"Школа №9\""));
    snprintf(text, sizeof text, "/start %s", code_of(admin(&c, "invite create --org %s --role mentee", org)));
    say(&c, CAPS, text);
    expect(&c, CAPS, "Вас приглашают");
    press(&c, CAPS, "Педагог");
    expect(&c, CAPS, "/forget");
    press(&c, CAPS, "Даю согласие");
    expect(&c, CAPS, "Как вас зовут?");

    say(&c, CAPS, "\xF0\x9F\x98\x8E\xF0\x9F\x94\xA5 \xE2\x9C\xA8");   /* 😎🔥 ✨ */
    expect(&c, CAPS, "Не похоже на имя");

    /* 64 letters of a first name and then a last name: 72 characters */
    memset(text, 0, sizeof text);
    for (int i = 0; i < 64; i++) strcat(text, "а");
    strcat(text, " Иванова");
    say(&c, CAPS, text);
    expect(&c, CAPS, "не больше 64 знаков");
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM accounts WHERE name <> ''"), 0);

    say(&c, CAPS, "Василий Петров");
    expect(&c, CAPS, "Готово, Василий Петров!");
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM accounts WHERE name = 'Василий Петров'"), 1);
    convo_stop(&c);
}

static void all_conversations(void)
{
    RUN(invite_codes_in_any_case_and_whole_links_are_taken);
    RUN(names_of_emoji_or_over_the_limit_are_refused);
}

int main(int argc, char **argv)
{
    convo_each_transport(argc, argv, all_conversations);
    return unit_summary();
}

/*
 * Who sees and changes what: a curator of two organisations switches
 * between them and cannot reach a third; a coordinator of a municipality
 * reads its organisations and no other, and changes nothing.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <stdio.h>
#include <string.h>

#define CURATOR 9401
#define COORDINATOR 9402

static void register_as(convo *c, long long user, const char *code, const char *name, const char *category)
{
    char cmd[96];
    snprintf(cmd, sizeof cmd, "/start %s", code);
    say(c, user, cmd);
    expect(c, user, "Вас приглашают");
    press(c, user, "Согласен");
    expect(c, user, "Как вас зовут?");
    say(c, user, name);
    expect(c, user, "Кто вы?");
    press(c, user, category);
    expect(c, user, "Готово");
}

TEST(curators_and_coordinators_stay_in_their_scope)
{
    convo c;
    if (convo_start(&c, "scope", NULL)) SKIP("simulator or bot did not start");
    char region[16], tomsk[16], seversk[16], a[16], b[16], other[16], code_a[64], code_b[64], code_c[64], code_x[64];
    snprintf(region, sizeof region, "%s", admin(&c, "territory add --name \"Томская область\" --kind region"));
    snprintf(tomsk, sizeof tomsk, "%s", admin(&c, "territory add --name Томск --kind municipality --parent %s", region));
    snprintf(seversk, sizeof seversk, "%s",
             admin(&c, "territory add --name Северск --kind municipality --parent %s", region));
    snprintf(a, sizeof a, "%s", admin(&c, "org add --name \"Школа А\" --territory %s", tomsk));
    snprintf(b, sizeof b, "%s", admin(&c, "org add --name \"Школа Б\" --territory %s", tomsk));
    snprintf(other, sizeof other, "%s", admin(&c, "org add --name \"Школа В\" --territory %s", seversk));
    snprintf(code_a, sizeof code_a, "%s", code_of(admin(&c, "invite create --org %s --role curator", a)));
    snprintf(code_b, sizeof code_b, "%s", code_of(admin(&c, "invite create --org %s --role curator", b)));
    snprintf(code_c, sizeof code_c, "%s", code_of(admin(&c, "invite create --territory %s --role coordinator", tomsk)));
    snprintf(code_x, sizeof code_x, "%s", code_of(admin(&c, "invite create --org %s --role mentee --uses 3", other)));

    /* a curator of Школа А takes on Школа Б through its curator invite */
    register_as(&c, CURATOR, code_a, "Анна Куратова", "Педагог");
    expect(&c, CURATOR, "Что сделать?");
    char cmd[96];
    snprintf(cmd, sizeof cmd, "/start %s", code_b);
    say(&c, CURATOR, cmd);
    expect(&c, CURATOR, "теперь вы куратор и в «Школа Б»");
    expect(&c, CURATOR, "Что сделать?");
    press(&c, CURATOR, "Сменить организацию");
    expect(&c, CURATOR, "С какой организацией работать?");
    press(&c, CURATOR, "Школа Б");
    expect(&c, CURATOR, "Теперь меню работает с организацией «Школа Б»");
    expect(&c, CURATOR, "в программе «Школа Б»");
    /* but not Школа В, even by forging the button */
    char forged[32];
    snprintf(forged, sizeof forged, "so:%s", other);
    press_data(&c, CURATOR, forged);
    expect_silence(&c, CURATOR, 800);
    CHECK(log_contains(&c.bot, "organisation outside the curator's scope"));
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM scopes WHERE org_id IS NOT NULL"), 2);

    /* a coordinator of Томск sees Школа А and Школа Б, not Школа В */
    register_as(&c, COORDINATOR, code_c, "Ольга Координатова", "Сотрудник школы");
    const char *menu = expect(&c, COORDINATOR, "координатор");
    CHECK(menu != NULL);
    press(&c, COORDINATOR, "Обзор территории");
    const char *view = expect(&c, COORDINATOR, "Организации вашей территории");
    CHECK_CONTAINS(view, "Школа А");
    CHECK_CONTAINS(view, "Школа Б");
    CHECK(view && !strstr(view, "Школа В"));
    /* and changes nothing: curator buttons are refused and logged */
    press_data(&c, COORDINATOR, "m:invite");
    press_data(&c, COORDINATOR, "cq:0");
    press_data(&c, COORDINATOR, "so:1");
    expect_silence(&c, COORDINATOR, 800);
    CHECK(log_contains(&c.bot, "refused button \"m:invite\""));
    CHECK(log_contains(&c.bot, "refused button \"cq:0\""));
    CHECK(log_contains(&c.bot, "refused button \"so:1\""));
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM invites WHERE created_by <> 'admin:cli'"), 0);
    (void)code_x;
    convo_stop(&c);
}

static void all_conversations(void)
{
    RUN(curators_and_coordinators_stay_in_their_scope);
}

/* One description, both messengers (or the one named as the argument). */
int main(int argc, char **argv)
{
    convo_each_transport(argc, argv, all_conversations);
    return unit_summary();
}

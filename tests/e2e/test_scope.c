/*
 * Who sees and changes what: a curator of two organisations switches
 * between them and cannot reach a third, nor pair a mentee of one with a
 * mentor of the other; a coordinator of a municipality reads its
 * organisations and no other, sees their territory in the menu, and
 * changes nothing.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <stdio.h>
#include <string.h>

#define CURATOR 9401
#define COORDINATOR 9402
#define MENTEE_A 9403
#define MENTOR_B 9404


static long long account_of(convo *c, long long user)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT account_id FROM identities WHERE platform = '%s' AND user_id = %lld",
             c->transport, user);
    return db_query_int(c->bot.db, sql);
}

/* Topics, slots and mode every matcher agrees on, so only the organisation
 * can keep the two apart. */
static void profile_for(convo *c, long long user, const char *forms, int capacity)
{
    char sql[512];
    snprintf(sql, sizeof sql,
             "INSERT OR REPLACE INTO profiles(account_id, topics, forms, slots, meeting_mode, capacity, updated_at)"
             " VALUES(%lld, '[\"exams\"]', '%s', '[\"weekday_evening\"]', 'online', %d, 0)",
             account_of(c, user), forms, capacity);
    db_exec(c->bot.db, sql);
}

static void register_as(convo *c, long long user, const char *code, const char *name, const char *category)
{
    char cmd[96];
    snprintf(cmd, sizeof cmd, "/start %s", code);
    say(c, user, cmd);
    expect(c, user, "Вас приглашают");
    answer_registration(c, user, category, NULL, NULL, name);
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
    expect(&c, CURATOR, "теперь вы куратор и в организации «Школа Б»");
    expect(&c, CURATOR, "Что сделать?");
    press(&c, CURATOR, "Сменить организацию");
    expect(&c, CURATOR, "С какой организацией работать?");
    press(&c, CURATOR, "Школа Б");
    expect(&c, CURATOR, "Теперь меню работает с организацией «Школа Б»");
    expect(&c, CURATOR, "в программе наставничества организации «Школа Б»");
    /* but not Школа В, even by forging the button */
    char forged[32];
    snprintf(forged, sizeof forged, "so:%s", other);
    press_data(&c, CURATOR, forged);
    expect_silence(&c, CURATOR, 800);
    CHECK(log_contains(&c.bot, "organisation outside the curator's scope"));
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM scopes WHERE org_id IS NOT NULL"), 2);

    /* a mentee of Школа А and a mentor of Школа Б, both of this curator,
     * cannot be made a pair by forging the confirm button, from either side */
    char mentee_code[64], mentor_code[64];
    admin(&c, "program create --org %s --year 2026", a);
    admin(&c, "program create --org %s --year 2026", b);
    snprintf(mentee_code, sizeof mentee_code, "%s", code_of(admin(&c, "invite create --org %s --role mentee", a)));
    snprintf(mentor_code, sizeof mentor_code, "%s", code_of(admin(&c, "invite create --org %s --role mentor", b)));
    convo_user_add(&c, MENTEE_A, "Петя", "ru");
    convo_user_add(&c, MENTOR_B, "Макс", "ru");
    snprintf(cmd, sizeof cmd, "/start %s", mentee_code);
    say(&c, MENTEE_A, cmd);
    expect(&c, MENTEE_A, "Вас приглашают");
    answer_registration(&c, MENTEE_A, "Школьник", "9", "2011", "Петя Школьников");
    expect_some(&c, MENTEE_A, "Что сделать?");
    register_as(&c, MENTOR_B, mentor_code, "Макс Студентов", "Студент");
    profile_for(&c, MENTEE_A, "[]", 0);
    profile_for(&c, MENTOR_B, "[]", 3);
    char pair[64];
    snprintf(pair, sizeof pair, "cy:%lld:%lld", account_of(&c, MENTEE_A), account_of(&c, MENTOR_B));
    press_data(&c, CURATOR, pair);   /* the menu is on Школа Б */
    snprintf(forged, sizeof forged, "so:%s", a);
    press_data(&c, CURATOR, forged);
    expect(&c, CURATOR, "Теперь меню работает с организацией «Школа А»");
    expect(&c, CURATOR, "Что сделать?");
    press_data(&c, CURATOR, pair);   /* and now on Школа А */
    pair[1] = 'r';                    /* nor reject one for the other */
    press_data(&c, CURATOR, pair);
    expect_silence(&c, CURATOR, 1500);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM match_rejections"), 0);
    CHECK(log_contains(&c.bot, "mentee not in the curator's organisation"));
    CHECK(log_contains(&c.bot, "mentor not in the curator's organisation"));
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM mentorships"), 0);

    /* a coordinator of Томск sees Школа А and Школа Б, not Школа В */
    register_as(&c, COORDINATOR, code_c, "Ольга Координатова", "Сотрудник школы");
    const char *menu = expect(&c, COORDINATOR, "вы координатор территории «Томск»");
    CHECK(menu && !strstr(menu, "«?»"));
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

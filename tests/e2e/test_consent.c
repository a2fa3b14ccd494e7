/*
 * A parent's consent for a pupil under the consent age, as the pupil, the
 * person opening the parent link and the curator see it, on Telegram, VK
 * and MAX from one description. Telegram and MAX have a button that shares
 * the sender's own phone number; VK has none, so there every consent goes
 * through the curator.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CURATOR 1001
#define PUPIL 1002
#define PARENT 1003
#define PUPIL_TWO 1004      /* a second account that registered as a pupil */
#define PUPIL_LINKED 1005   /* a second account the pupil linked with /link */
#define PUPIL_OTHER 1006    /* a second account the bot never saw */
#define STRANGER 3001
#define PARENT_PHONE "+7 (916) 123-45-67"
#define PARENT_PHONE_SHARED "79161234567"   /* as Telegram hands it over */

/* A messenger whose button shares the sender's own number, which the bot
 * can check against the school's list (Telegram, MAX); VK has none. */
static int shares_phone(const convo *c) { return strcmp(c->transport, "vk") != 0; }

/* The messenger's name as the curator's notice gives it. */
static const char *messenger_name(const convo *c)
{
    return strcmp(c->transport, "tg") == 0 ? "Telegram" : strcmp(c->transport, "max") == 0 ? "MAX" : "VK";
}

/* An organisation with a curator who registered, and a mentee invite for
 * ten people; the command that opens it goes into invite_cmd. Returns the
 * organisation's id (static buffer). */
static const char *school(convo *c, char *invite_cmd, size_t size)
{
    static char org[32];
    convo_user_add(c, CURATOR, "Анна", "ru");
    snprintf(org, sizeof org, "%s", admin(c, "org add --name \"Школа №1\""));
    const char *link = admin(c, "invite create --org %s --role curator", org);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "/start %s", code_of(link));
    say(c, CURATOR, cmd);
    expect(c, CURATOR, "Вас приглашают");
    answer_registration(c, CURATOR, "Педагог", NULL, NULL, "Анна Сергеевна");
    expect(c, CURATOR, "Готово, Анна Сергеевна!");
    expect(c, CURATOR, "Что сделать?");
    link = admin(c, "invite create --org %s --role mentee --uses 10", org);
    snprintf(invite_cmd, size, "/start %s", code_of(link));
    return org;
}

/* A pupil registers up to the step where they wait; the command that opens
 * their parent link goes into parent_cmd (empty when none came). */
static void pupil_registers(convo *c, long long user, const char *invite_cmd, const char *name, const char *grade,
                            const char *year, char *parent_cmd, size_t size)
{
    say(c, user, invite_cmd);
    expect(c, user, "Вас приглашают");
    answer_registration(c, user, "Школьник", grade, year, name);
    expect(c, user, "Готово");
    if (!size) return;
    parent_cmd[0] = 0;
    const char *wait = expect(c, user, "согласие родителя");
    if (wait && (strstr(wait, "start=g_") || strstr(wait, "ref=g_")))
        snprintf(parent_cmd, size, "/start %s", code_of(wait));
}

/* The person opens the parent link and says who they are. */
static void identifies(convo *c, long long user, const char *parent_cmd, const char *name, const char *relation)
{
    say(c, user, parent_cmd);
    expect(c, user, "Петя Иванов хочет участвовать");
    say(c, user, name);
    expect(c, user, "Кем вы приходитесь ребёнку (Петя Иванов)?");
    press(c, user, relation);
}

static convo_user *user_of(convo *c, long long id)
{
    for (int i = 0; i < c->nusers; i++)
        if (c->users[i].id == id) return &c->users[i];
    return NULL;
}

/* The bot's last message to user asked for the phone with the messenger's
 * request_contact button. */
static int asked_for_contact(convo *c, long long user)
{
    convo_user *u = user_of(c, user);
    if (strcmp(c->transport, "max") == 0) return u && u->last && max_call_asks_contact(u->last);
    const cJSON *markup = u && u->last ? sim_json_at(u->last, "params.reply_markup") : NULL;
    cJSON *parsed = cJSON_IsString(markup) ? cJSON_Parse(markup->valuestring) : NULL;
    const cJSON *m = parsed ? parsed : markup;
    int yes = cJSON_IsTrue(sim_json_at(m, "keyboard.0.0.request_contact"));
    cJSON_Delete(parsed);
    return yes;
}

/* The user shares a contact (their own when owner is their id). */
static void share_contact(convo *c, long long user, const char *phone, long long owner)
{
    if (strcmp(c->transport, "max") == 0) {
        CHECK(max_share_contact(&c->sim, user, phone, owner) > 0);
        return;
    }
    cJSON *r = sim_postf(&c->sim, "/sim/tg/message",
                         "{\"from\":{\"id\":%lld,\"first_name\":\"User\",\"language_code\":\"ru\"},"
                         "\"contact\":{\"phone_number\":\"%s\",\"user_id\":%lld}}",
                         user, phone, owner);
    CHECK(sim_json_num(r, "update_id") > 0);
    cJSON_Delete(r);
}

/* The phone step on Telegram and MAX: share own number, or skip it (phone
 * NULL); on VK there is none. Ends at the last question. */
static void phone_step(convo *c, long long user, const char *phone)
{
    if (shares_phone(c)) {
        expect(c, user, "Поделитесь, пожалуйста, номером телефона");
        CHECK(asked_for_contact(c, user));
        if (phone) {
            share_contact(c, user, phone, user);
            expect(c, user, "номер получен");
        } else {
            say(c, user, "Без номера");
            expect(c, user, "без номера");
        }
    }
    expect(c, user, "Последний вопрос. Вы даёте согласие на участие ребёнка (Петя Иванов)");
}

static long long pupil_status_is(convo *c, const char *status)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM accounts WHERE name = 'Петя Иванов' AND status = '%s'", status);
    return db_query_int(c->bot.db, sql);
}

/* The curator opens the consent list and presses a button on it. */
static const char *curator_list(convo *c, const char *menu_label)
{
    say(c, CURATOR, "/menu");
    expect(c, CURATOR, "Что сделать?");
    press(c, CURATOR, menu_label);
    return expect(c, CURATOR, "Согласия родителей.");
}

TEST(self_consent_through_a_second_account_is_refused)
{
    convo c;
    if (convo_start(&c, "consent-self", NULL)) SKIP("simulator or bot did not start");
    char invite_cmd[96], parent_cmd[96];
    school(&c, invite_cmd, sizeof invite_cmd);
    pupil_registers(&c, PUPIL, invite_cmd, "Петя Иванов", "7", "2013", parent_cmd, sizeof parent_cmd);
    CHECK(parent_cmd[0]);

    /* a second account that registered as a pupil (16, no consent needed) */
    char none[4];
    pupil_registers(&c, PUPIL_TWO, invite_cmd, "Пётр Иванов", "10", "2010", none, 0);
    expect(&c, PUPIL_TWO, "Что сделать?");
    expect(&c, PUPIL_TWO, "Следующий шаг — анкета");
    say(&c, PUPIL_TWO, parent_cmd);
    expect(&c, PUPIL_TWO, "С этого аккаунта зарегистрирован ученик");

    /* an account once joined to the pupil's record (as /link does) and
     * taken off it again (as unlinking in /privacy does) */
    char sql[200];
    snprintf(sql, sizeof sql, "INSERT INTO identities(platform, user_id, account_id, chat_id) SELECT '%s', %d, id, %d"
             " FROM accounts WHERE name = 'Петя Иванов'", c.transport, PUPIL_LINKED, PUPIL_LINKED);
    db_exec(c.bot.db, sql);
    snprintf(sql, sizeof sql, "DELETE FROM identities WHERE user_id = %d", PUPIL_LINKED);
    db_exec(c.bot.db, sql);
    say(&c, PUPIL_LINKED, parent_cmd);
    expect(&c, PUPIL_LINKED, "должен открыть твой родитель");
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM audit WHERE action = 'guardian.refused_sender'"), 2);

    /* an account the bot never saw: it must say who it is, and without a
     * phone on the school's list its "yes" waits for the curator */
    identifies(&c, PUPIL_OTHER, parent_cmd, "Мама Пети", "Мама");
    phone_step(&c, PUPIL_OTHER, NULL);
    press(&c, PUPIL_OTHER, "Да, даю согласие");
    expect(&c, PUPIL_OTHER, "Куратор школы проверит");
    expect(&c, PUPIL, "Мама Пети (мама): согласие получено");
    const char *told = expect(&c, CURATOR, "Мама Пети (мама;");
    CHECK_CONTAINS(told, "без номера телефона) даёт согласие за ученика Петя Иванов");
    char shown[64];
    snprintf(shown, sizeof shown, "(мама; %s;", messenger_name(&c));
    CHECK_CONTAINS(told, shown);
    CHECK_INT(pupil_status_is(&c, "pending_consent"), 1);

    const char *list = curator_list(&c, "Согласия родителей: 1");
    CHECK_CONTAINS(list, "1. Петя Иванов (Школьник, 7 класс) — Мама Пети, мама;");
    press(&c, CURATOR, "1. Отклонить");
    expect(&c, CURATOR, "Согласие Мама Пети (мама) для ученика Петя Иванов не подтверждено");
    expect(&c, PUPIL_OTHER, "Куратор школы не подтвердил ваше согласие для Петя Иванов");
    CHECK_INT(pupil_status_is(&c, "pending_consent"), 1);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM audit WHERE action = 'guardian.consent_rejected'"), 1);

    /* it tries again, and the pupil joins it to their record before the
     * curator looks: the curator cannot confirm it any more */
    identifies(&c, PUPIL_OTHER, parent_cmd, "Мама Пети", "Мама");
    phone_step(&c, PUPIL_OTHER, NULL);
    press(&c, PUPIL_OTHER, "Да, даю согласие");
    expect(&c, PUPIL_OTHER, "Куратор школы проверит");
    expect(&c, CURATOR, "Мама Пети (мама;");
    expect(&c, PUPIL, "Мама Пети (мама): согласие получено");
    snprintf(sql, sizeof sql, "INSERT INTO identities(platform, user_id, account_id, chat_id) SELECT '%s', %d, id, %d"
             " FROM accounts WHERE name = 'Петя Иванов'", c.transport, PUPIL_OTHER, PUPIL_OTHER);
    db_exec(c.bot.db, sql);
    curator_list(&c, "Согласия родителей: 1");
    press(&c, CURATOR, "1. Подтвердить");
    expect(&c, CURATOR, "Подтвердить нельзя");
    expect(&c, CURATOR, "не подтверждено");
    CHECK_INT(pupil_status_is(&c, "pending_consent"), 1);
    convo_stop(&c);
}

static void import_parent_phone(convo *c, const char *org)
{
    char path[512];
    snprintf(path, sizeof path, "%s/guardians-%s.csv", unit_tmpdir(), c->transport);
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (!f) return;
    fprintf(f, "phone,name\n\"" PARENT_PHONE "\",Ольга Петровна\n8 900 000-00-01,\n");
    fclose(f);
    const char *out = admin(c, "guardians import %s %s", org, path);
    CHECK_CONTAINS(out, "imported 2 guardian phone(s)");
}

TEST(a_parent_on_the_school_list_consents_at_once)
{
    convo c;
    if (convo_start(&c, "consent-listed", NULL)) SKIP("simulator or bot did not start");
    char invite_cmd[96], parent_cmd[96];
    const char *org = school(&c, invite_cmd, sizeof invite_cmd);
    import_parent_phone(&c, org);
    pupil_registers(&c, PUPIL, invite_cmd, "Петя Иванов", "7", "2013", parent_cmd, sizeof parent_cmd);

    identifies(&c, PARENT, parent_cmd, "Ольга Петровна", "Мама");
    if (shares_phone(&c)) {
        /* someone else's contact card proves nothing about the sender */
        expect(&c, PARENT, "Поделитесь, пожалуйста, номером телефона");
        share_contact(&c, PARENT, PARENT_PHONE_SHARED, 999);
        expect(&c, PARENT, "Это не ваш номер");
    }
    phone_step(&c, PARENT, PARENT_PHONE_SHARED);
    press(&c, PARENT, "Да, даю согласие");
    if (shares_phone(&c)) {
        expect(&c, PARENT, "Согласие записано");
        expect(&c, PUPIL, "Согласие родителя получено");
        const char *told = expect(&c, CURATOR, "Согласие родителя получено: Ольга Петровна (мама;");
        char shown[160];
        snprintf(shown, sizeof shown, "(мама; %s; телефон +79161234567 из списка школы) — для ученика Петя Иванов",
                 messenger_name(&c));
        CHECK_CONTAINS(told, shown);
        CHECK_INT(pupil_status_is(&c, "active"), 1);
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM audit WHERE action = 'guardian.consent'"
                 " AND actor = 'guardian:%s:1003'", c.transport);
        CHECK_INT(db_query_int(c.bot.db, sql), 1);
    } else {
        /* VK cannot vouch for a number: the curator confirms */
        expect(&c, PARENT, "Куратор школы проверит");
        expect(&c, CURATOR, "Ольга Петровна (мама; VK; без номера телефона) даёт согласие");
        CHECK_INT(pupil_status_is(&c, "pending_consent"), 1);
    }
    convo_stop(&c);
}

TEST(a_parent_not_on_the_list_waits_for_the_curator)
{
    convo c;
    if (convo_start(&c, "consent-unlisted", NULL)) SKIP("simulator or bot did not start");
    char invite_cmd[96], parent_cmd[96];
    school(&c, invite_cmd, sizeof invite_cmd);
    pupil_registers(&c, PUPIL, invite_cmd, "Петя Иванов", "7", "2013", parent_cmd, sizeof parent_cmd);

    identifies(&c, PARENT, parent_cmd, "Ольга Петровна", "Мама");
    phone_step(&c, PARENT, PARENT_PHONE_SHARED);
    press(&c, PARENT, "Да, даю согласие");
    expect(&c, PARENT, "Куратор школы проверит");
    expect(&c, PUPIL, "Ольга Петровна (мама): согласие получено");
    const char *told = expect(&c, CURATOR, "Ольга Петровна (мама;");
    CHECK_CONTAINS(told, shares_phone(&c) ? "телефон +79161234567, его нет в списке школы" : "без номера телефона");
    say(&c, PUPIL, "/menu");
    expect(&c, PUPIL, "ждёт согласия родителя");
    say(&c, PARENT, parent_cmd);
    expect(&c, PARENT, "ждёт подтверждения куратора");

    const char *list = curator_list(&c, "Согласия родителей: 1");
    CHECK_CONTAINS(list, "Ольга Петровна, мама;");
    press(&c, CURATOR, "1. Подтвердить");
    expect(&c, CURATOR, "согласие Ольга Петровна (мама) для ученика Петя Иванов подтверждено");
    expect(&c, PARENT, "Куратор школы подтвердил ваше согласие");
    expect(&c, PUPIL, "Согласие родителя получено");
    CHECK_INT(pupil_status_is(&c, "active"), 1);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM accounts WHERE guardian_consent = 'parent'"), 1);
    say(&c, PARENT, parent_cmd);
    expect(&c, PARENT, "уже принято");
    convo_stop(&c);
}

TEST(a_strangers_refusal_is_recorded_and_the_parent_still_consents)
{
    convo c;
    if (convo_start(&c, "consent-refusal", NULL)) SKIP("simulator or bot did not start");
    char invite_cmd[96], parent_cmd[96];
    const char *org = school(&c, invite_cmd, sizeof invite_cmd);
    import_parent_phone(&c, org);
    pupil_registers(&c, PUPIL, invite_cmd, "Петя Иванов", "7", "2013", parent_cmd, sizeof parent_cmd);

    identifies(&c, STRANGER, parent_cmd, "Вася Пупкин", "Другой представитель");
    phone_step(&c, STRANGER, NULL);
    press(&c, STRANGER, "Нет");
    expect(&c, STRANGER, "вы не даёте согласия");
    const char *told = expect(&c, CURATOR, "Вася Пупкин (другой представитель;");
    CHECK_CONTAINS(told, "не даёт согласия для ученика Петя Иванов");
    expect(&c, PUPIL, "(Вася Пупкин, другой представитель): согласия на участие");
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM audit WHERE action = 'guardian.decline' AND actor = 'guardian:%s:%d'",
             c.transport, STRANGER);
    CHECK_INT(db_query_int(c.bot.db, sql), 1);
    CHECK_INT(pupil_status_is(&c, "pending_consent"), 1);

    /* the same link still works for the real parent */
    identifies(&c, PARENT, parent_cmd, "Ольга Петровна", "Мама");
    phone_step(&c, PARENT, PARENT_PHONE_SHARED);
    press(&c, PARENT, "Да, даю согласие");
    if (!shares_phone(&c)) {
        expect(&c, PARENT, "Куратор школы проверит");
        expect(&c, CURATOR, "Ольга Петровна (мама;");
        curator_list(&c, "Согласия родителей: 1");
        press(&c, CURATOR, "1. Подтвердить");
        expect(&c, CURATOR, "подтверждено");
    }
    expect(&c, PARENT, shares_phone(&c) ? "Согласие записано" : "Куратор школы подтвердил");
    CHECK_INT(pupil_status_is(&c, "active"), 1);
    convo_stop(&c);
}

TEST(the_curator_issues_a_new_link_and_paper_consent_still_works)
{
    convo c;
    if (convo_start(&c, "consent-newlink", NULL)) SKIP("simulator or bot did not start");
    char invite_cmd[96], parent_cmd[96];
    school(&c, invite_cmd, sizeof invite_cmd);
    pupil_registers(&c, PUPIL, invite_cmd, "Петя Иванов", "7", "2013", parent_cmd, sizeof parent_cmd);
    /* the link reached the wrong people: someone says yes through it */
    identifies(&c, STRANGER, parent_cmd, "Кто Угодно", "Мама");
    phone_step(&c, STRANGER, NULL);
    press(&c, STRANGER, "Да, даю согласие");
    expect(&c, STRANGER, "Куратор школы проверит");
    expect(&c, CURATOR, "Кто Угодно (мама;");
    convo_drain(&c, PUPIL, 300);
    long long old_request = db_query_int(c.bot.db, "SELECT id FROM consent_requests WHERE state = 'waiting'");
    CHECK(old_request > 0);

    const char *list = curator_list(&c, "Согласия родителей: 1");
    CHECK_CONTAINS(list, "• Петя Иванов (Школьник, 7 класс)");
    press(&c, CURATOR, "Новая ссылка: Петя Иванов");
    const char *fresh = expect(&c, CURATOR, "Новая ссылка для родителя ученика Петя Иванов");
    char new_cmd[96] = "";
    if (fresh) snprintf(new_cmd, sizeof new_cmd, "/start %s", code_of(fresh));
    CHECK(strcmp(new_cmd, parent_cmd) != 0);
    const char *to_pupil = expect(&c, PUPIL, "Куратор выдал новую ссылку для родителя");
    CHECK(to_pupil && strstr(to_pupil, code_of(new_cmd)));

    /* the yes given through the replaced link can no longer be confirmed */
    char confirm_old[32];
    snprintf(confirm_old, sizeof confirm_old, "ky:%lld", old_request);
    press_data(&c, CURATOR, confirm_old);
    expect(&c, CURATOR, "уже рассмотрено");
    CHECK_INT(pupil_status_is(&c, "pending_consent"), 1);

    say(&c, PARENT, parent_cmd);
    expect(&c, PARENT, "Эта ссылка больше не действует");
    say(&c, PARENT, new_cmd);
    expect(&c, PARENT, "Петя Иванов хочет участвовать");

    /* the paper consent the curator marks */
    say(&c, CURATOR, "/menu");
    expect(&c, CURATOR, "Что сделать?");
    press(&c, CURATOR, "Ждут согласия родителей");
    expect(&c, CURATOR, "бумажное согласие");
    press(&c, CURATOR, "Петя Иванов, 7 класс");
    expect(&c, CURATOR, "Отметить бумажное согласие родителя для ученика Петя Иванов, 7 класс?");
    press(&c, CURATOR, "Да");
    expect(&c, CURATOR, "Отмечено");
    expect(&c, PUPIL, "Согласие родителя получено");
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM accounts WHERE guardian_consent = 'paper'"
                                     " AND status = 'active'"), 1);
    /* the parent's open dialog ends politely */
    say(&c, PARENT, "Ольга Петровна");
    expect(&c, PARENT, "уже принято");
    convo_stop(&c);
}

TEST(a_grade_and_birth_year_that_do_not_fit_are_asked_again)
{
    convo c;
    if (convo_start(&c, "consent-age", NULL)) SKIP("simulator or bot did not start");
    char invite_cmd[96];
    school(&c, invite_cmd, sizeof invite_cmd);
    say(&c, PUPIL, invite_cmd);
    expect(&c, PUPIL, "Вас приглашают");
    press(&c, PUPIL, "Школьник");
    expect(&c, PUPIL, "В каком ты классе?");
    press(&c, PUPIL, "2");
    expect(&c, PUPIL, "год рождения");
    say(&c, PUPIL, "2005");
    const char *why = expect(&c, PUPIL, "ученикам 2 класса обычно 8–10 лет");
    CHECK_CONTAINS(why, "родившимся в 2005 году в этом году исполнится");
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM accounts WHERE birth_year = 2005"), 0);
    expect(&c, PUPIL, "В каком ты классе?");
    press(&c, PUPIL, "7");
    expect(&c, PUPIL, "год рождения");
    say(&c, PUPIL, "2013");
    expect(&c, PUPIL, "Тебе ещё нет 14 лет");
    press(&c, PUPIL, "Даю согласие");
    expect(&c, PUPIL, "Как тебя зовут?");
    say(&c, PUPIL, "Петя Иванов");
    expect(&c, PUPIL, "Готово, Петя Иванов!");
    expect(&c, PUPIL, "согласие родителя");
    CHECK_INT(pupil_status_is(&c, "pending_consent"), 1);
    convo_stop(&c);
}

/* Runs the import on a file with these contents; returns the exit code,
 * stderr into err. */
static int import_file(convo *c, const char *org, const char *name, const char *contents, char *err, size_t size,
                       char *path, size_t path_size)
{
    snprintf(path, path_size, "%s/%s", unit_tmpdir(), name);
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fputs(contents, f);
    fclose(f);
    char last[512];
    return bot_admin(&c->bot, last, sizeof last, err, size, "guardians import %s %s", org, path);
}

TEST(the_guardians_list_import_is_all_or_nothing)
{
    convo c;
    if (convo_start(&c, "consent-import", NULL)) SKIP("simulator or bot did not start");
    char invite_cmd[96], err[4096], path[512], want[640];
    const char *org_id = school(&c, invite_cmd, sizeof invite_cmd);
    char org[32];
    snprintf(org, sizeof org, "%s", org_id);

    int code = import_file(&c, org, "bad.csv",
                           "phone,name\n+7 916 111-22-33,Ольга\nзвонить маме,Иван\n8 (916) 111-22-33,Пётр\n12345,\n",
                           err, sizeof err, path, sizeof path);
    CHECK(code != 0);
    snprintf(want, sizeof want, "%s:3: \"звонить маме\": a phone number may hold only digits", path);
    CHECK_CONTAINS(err, want);
    snprintf(want, sizeof want, "%s:4: the same phone as line 2", path);
    CHECK_CONTAINS(err, want);
    snprintf(want, sizeof want, "%s:5: \"12345\": too few digits", path);
    CHECK_CONTAINS(err, want);
    CHECK_CONTAINS(err, "nothing imported");
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM guardian_phones"), 0);

    code = import_file(&c, org, "header.csv", "телефон,имя\n+79161112233,Ольга\n", err, sizeof err, path, sizeof path);
    CHECK(code != 0);
    snprintf(want, sizeof want, "%s:1: the first line must be the header phone,name", path);
    CHECK_CONTAINS(err, want);

    code = import_file(&c, "999", "good.csv", "phone,name\n+79161112233,Ольга\n", err, sizeof err, path, sizeof path);
    CHECK(code != 0);
    CHECK_CONTAINS(err, "organisation 999 does not exist");

    /* a spreadsheet's semicolons; running the same list again adds nothing */
    const char *good = "phone;name\n+7 916 111-22-33;Ольга Петровна\n89162223344;\n";
    CHECK_INT(import_file(&c, org, "good.csv", good, err, sizeof err, path, sizeof path), 0);
    CHECK_INT(import_file(&c, org, "good.csv", good, err, sizeof err, path, sizeof path), 0);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM guardian_phones WHERE phone IN ('79161112233', '79162223344')"),
              2);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM audit WHERE action = 'guardians.import'"), 2);
    convo_stop(&c);
}

static void all_conversations(void)
{
    RUN(self_consent_through_a_second_account_is_refused);
    RUN(a_parent_on_the_school_list_consents_at_once);
    RUN(a_parent_not_on_the_list_waits_for_the_curator);
    RUN(a_strangers_refusal_is_recorded_and_the_parent_still_consents);
    RUN(the_curator_issues_a_new_link_and_paper_consent_still_works);
    RUN(a_grade_and_birth_year_that_do_not_fit_are_asked_again);
    /* The command line is the same whichever messenger the bot serves. */
    if (strcmp(convo_transport, "tg") == 0) RUN(the_guardians_list_import_is_all_or_nothing);
}

/* One description, both messengers (or the one named as the argument). */
int main(int argc, char **argv)
{
    convo_each_transport(argc, argv, all_conversations);
    return unit_summary();
}

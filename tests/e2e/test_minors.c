/*
 * What a young pupil, a parent and a curator see about consent and stored
 * data, on Telegram and VK from one description: the consent text names
 * everything that is collected, a curator's paper consent is confirmed
 * before it counts, and old buttons get one clear notice and change nothing.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CURATOR 1201
#define PUPIL 1202
#define YOUNG 1203      /* a pupil who needs a parent's consent */
#define PARENT 1204
#define STRANGER 1205
#define MENTOR 1206

/* consent_age 12: a pupil born in 2013 takes part at once, one born in
 * 2015 waits for a parent. */
#define CONF "[bot]\nconsent_age = 12\n"

#define STALE "больше не действует"

/* Button answers to user that carry the stale-button notice. On Telegram
 * that is answerCallbackQuery's text; on VK the snackbar of
 * messages.sendMessageEventAnswer, which rides in its event_data; on MAX
 * the notification of POST /answers. */
static int stale_notices(convo *c, long long user)
{
    int vk = strcmp(c->transport, "vk") == 0, max = strcmp(c->transport, "max") == 0;
    cJSON *calls = vk ? vk_calls(&c->sim, user, 0) : max ? max_calls(&c->sim, user, 0) : tg_calls(&c->sim, user, 0);
    const char *method = vk ? "messages.sendMessageEventAnswer" : max ? "max.answers" : "answerCallbackQuery";
    int n = 0;
    const cJSON *call;
    cJSON_ArrayForEach(call, calls) {
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(call, "method");
        if (!cJSON_IsString(m) || strcmp(m->valuestring, method) != 0) continue;
        char *params = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(call, "params"));
        if (params && strstr(params, STALE)) n++;
        free(params);
    }
    cJSON_Delete(calls);
    return n;
}

/* An organisation with a registered curator; the command that opens a
 * mentee invite for ten people goes into invite_cmd. */
static void school(convo *c, char *invite_cmd, size_t size)
{
    convo_user_add(c, CURATOR, "Анна", "ru");
    char org[32], cmd[96];
    snprintf(org, sizeof org, "%s", admin(c, "org add --name \"Школа №7\""));
    const char *link = admin(c, "invite create --org %s --role curator", org);
    snprintf(cmd, sizeof cmd, "/start %s", code_of(link));
    say(c, CURATOR, cmd);
    expect(c, CURATOR, "Вас приглашают");
    answer_registration(c, CURATOR, "Педагог", NULL, NULL, "Анна Сергеевна");
    expect(c, CURATOR, "Готово, Анна Сергеевна!");
    expect(c, CURATOR, "Что сделать?");
    link = admin(c, "invite create --org %s --role mentee --uses 10", org);
    snprintf(invite_cmd, size, "/start %s", code_of(link));
}

/* A pupil answers the registration after the greeting, to its end. */
static void pupil_registers(convo *c, long long user, const char *name, const char *grade, const char *year)
{
    answer_registration(c, user, "Школьник", grade, year, name);
    expect(c, user, "Готово");
}

static long long pupil_status_pending(convo *c)
{
    return db_query_int(c->bot.db, "SELECT COUNT(*) FROM accounts WHERE name = 'Дима Соколов'"
                                   " AND status = 'pending_consent'"
                                   " AND COALESCE(guardian_consent, '') = ''");
}

/* The age is asked before the consent, so the consent is worded for who
 * reads it: «ты» for a pupil, and for a pupil under the consent age also
 * what the parent's part is. What the survey collects and the curator
 * sees is named before consent and again in /privacy. */
TEST(the_consent_text_is_worded_for_its_reader_and_names_every_category_collected)
{
    convo c;
    if (convo_start(&c, "minors-text", CONF)) SKIP("simulator or bot did not start");
    char invite_cmd[96];
    school(&c, invite_cmd, sizeof invite_cmd);
    convo_user_add(&c, PUPIL, "Маша", "ru");
    say(&c, PUPIL, invite_cmd);
    expect(&c, PUPIL, "Вас приглашают");
    const char *text = answer_until_consent(&c, PUPIL, "Школьник", "7", "2013");
    CHECK_CONTAINS(text, "прочитай, какие данные хранит бот");
    CHECK_CONTAINS(text, "город или район");
    CHECK_CONTAINS(text, "интересы");
    CHECK_CONTAINS(text, "когда и как удобно встречаться");
    CHECK_CONTAINS(text, "Куратор программы в твоей школе видит");
    CHECK_CONTAINS(text, "Даёшь согласие");
    CHECK(!strstr(text ? text : "", "ваш") && !strstr(text ? text : "", "родител"));
    press(&c, PUPIL, "Даю согласие");
    expect(&c, PUPIL, "Как тебя зовут?");
    say(&c, PUPIL, "Маша Петрова");
    expect(&c, PUPIL, "Готово");
    convo_drain(&c, PUPIL, 800);
    say(&c, PUPIL, "/privacy");
    const char *privacy = expect(&c, PUPIL, "Что о тебе хранится");
    CHECK_CONTAINS(privacy, "город или район, где ты живёшь");
    CHECK_CONTAINS(privacy, "интересы");
    CHECK_CONTAINS(privacy, "когда и как удобно встречаться");
    CHECK_CONTAINS(privacy, "(ты пишешь отсюда)");
    /* the same command answers an adult with «вы» */
    say(&c, CURATOR, "/privacy");
    privacy = expect(&c, CURATOR, "Что о вас хранится");
    CHECK_CONTAINS(privacy, "(вы пишете отсюда)");

    /* an 11-year-old learns before consenting that a parent consents too */
    convo_user_add(&c, YOUNG, "Дима", "ru");
    say(&c, YOUNG, invite_cmd);
    expect(&c, YOUNG, "Вас приглашают");
    text = answer_until_consent(&c, YOUNG, "Школьник", "5", "2015");
    CHECK_CONTAINS(text, "прочитай, что бот будет знать о тебе");
    CHECK_CONTAINS(text, "Тебе ещё нет 12 лет, поэтому нужны два согласия: твоё и родителя");
    CHECK_CONTAINS(text, "город или район");
    /* declining keeps nothing, not even the grade and year given */
    press(&c, YOUNG, "Не даю согласия");
    expect(&c, YOUNG, "ничего не сохранено. Если передумаешь");
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM accounts WHERE birth_year = 2015"), 0);
    convo_stop(&c);
}

TEST(the_curators_paper_consent_is_confirmed_before_it_counts)
{
    convo c;
    if (convo_start(&c, "minors-paper", CONF)) SKIP("simulator or bot did not start");
    char invite_cmd[96];
    school(&c, invite_cmd, sizeof invite_cmd);
    convo_user_add(&c, YOUNG, "Дима", "ru");
    say(&c, YOUNG, invite_cmd);
    expect(&c, YOUNG, "Вас приглашают");
    pupil_registers(&c, YOUNG, "Дима Соколов", "5", "2015");
    expect(&c, YOUNG, "согласие родителя");
    CHECK_INT(pupil_status_pending(&c), 1);

    say(&c, CURATOR, "/menu");
    expect(&c, CURATOR, "Что сделать?");
    press(&c, CURATOR, "Ждут согласия родителей");
    expect(&c, CURATOR, "бумажное согласие");
    CHECK(press(&c, CURATOR, "Дима Соколов, 5 класс"));
    expect(&c, CURATOR, "Отметить бумажное согласие родителя для ученика Дима Соколов, 5 класс?");
    CHECK_INT(pupil_status_pending(&c), 1);   /* one tap records nothing */
    press(&c, CURATOR, "Нет");
    expect(&c, CURATOR, "ничего не отмечено");
    CHECK_INT(pupil_status_pending(&c), 1);

    say(&c, CURATOR, "/menu");
    expect(&c, CURATOR, "Что сделать?");
    press(&c, CURATOR, "Ждут согласия родителей");
    expect(&c, CURATOR, "бумажное согласие");
    press(&c, CURATOR, "Дима Соколов, 5 класс");
    expect(&c, CURATOR, "Отметить бумажное согласие");
    press(&c, CURATOR, "Да");
    expect(&c, CURATOR, "Отмечено");
    expect(&c, YOUNG, "Согласие родителя получено");
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM accounts WHERE name = 'Дима Соколов'"
                                     " AND guardian_consent = 'paper' AND status = 'active'"), 1);

    /* the same «Да» pressed again is stale: one notice, no second record */
    char yes[48];
    snprintf(yes, sizeof yes, "paperyes:%lld",
             db_query_int(c.bot.db, "SELECT id FROM accounts WHERE name = 'Дима Соколов'"));
    int before = stale_notices(&c, CURATOR);
    press_data(&c, CURATOR, yes);
    expect_silence(&c, CURATOR, 800);
    CHECK_INT(stale_notices(&c, CURATOR) - before, 1);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM audit WHERE action = 'guardian.paper'"), 1);
    convo_stop(&c);
}

TEST(stale_buttons_get_one_notice_and_change_nothing)
{
    convo c;
    if (convo_start(&c, "minors-stale", CONF)) SKIP("simulator or bot did not start");
    char invite_cmd[96];
    school(&c, invite_cmd, sizeof invite_cmd);
    convo_user_add(&c, PUPIL, "Маша", "ru");

    /* /language in the middle of registration works and registration goes on */
    say(&c, PUPIL, invite_cmd);
    expect(&c, PUPIL, "Вас приглашают");
    say(&c, PUPIL, "/language");
    expect(&c, PUPIL, "Choose your language");
    press(&c, PUPIL, "English");
    expect(&c, PUPIL, "The bot now speaks English");
    expect(&c, PUPIL, "Who are you?");
    CHECK_INT(stale_notices(&c, PUPIL), 0);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM accounts WHERE language = 'en' AND status = 'registering'"),
              1);
    say(&c, PUPIL, "/language");
    expect(&c, PUPIL, "Choose your language");
    press(&c, PUPIL, "Русский");
    expect(&c, PUPIL, "Язык бота: русский");
    expect(&c, PUPIL, "Кто вы?");

    /* an old «how many people» button creates no second invite */
    long long invites = db_query_int(c.bot.db, "SELECT COUNT(*) FROM invites");
    say(&c, CURATOR, "/menu");
    expect(&c, CURATOR, "Что сделать?");
    press(&c, CURATOR, "Создать приглашение");
    expect(&c, CURATOR, "Для кого приглашение?");
    press(&c, CURATOR, "Для наставника");
    expect(&c, CURATOR, "Сколько человек");
    press(&c, CURATOR, "10 человек");
    expect(&c, CURATOR, "Приглашение (");
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM invites"), invites + 1);
    int before = stale_notices(&c, CURATOR);
    press_data(&c, CURATOR, "uses:mentor:10");
    expect_silence(&c, CURATOR, 800);
    CHECK_INT(stale_notices(&c, CURATOR) - before, 1);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM invites"), invites + 1);

    /* the question left open for two hours no longer creates one either */
    press_data(&c, CURATOR, "inv:mentee");
    expect(&c, CURATOR, "Сколько человек");
    convo_restart_after(&c, 7200);
    before = stale_notices(&c, CURATOR);
    press(&c, CURATOR, "30 человек");
    expect_silence(&c, CURATOR, 800);
    CHECK_INT(stale_notices(&c, CURATOR) - before, 1);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM invites"), invites + 1);

    /* a survey answer button after /cancel does not resume the survey */
    pupil_registers(&c, PUPIL, "Маша Петрова", "7", "2013");
    expect_some(&c, PUPIL, "Следующий шаг");
    press(&c, PUPIL, "Начать анкету");
    expect(&c, PUPIL, "Привет!");
    expect(&c, PUPIL, "С чем тебе хотелось бы помощи?");
    say(&c, PUPIL, "/cancel");
    expect(&c, PUPIL, "Отменено");
    convo_drain(&c, PUPIL, 500);
    before = stale_notices(&c, PUPIL);
    press_data(&c, PUPIL, "sv:1:help:t:exams");
    expect_silence(&c, PUPIL, 800);
    CHECK_INT(stale_notices(&c, PUPIL) - before, 1);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM survey_answers WHERE item = 'help'"), 0);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM dialog WHERE state = 'survey'"), 0);
    convo_stop(&c);
}


/* The parent opens the young pupil's link, consents, and the curator
 * confirms the person. */
static void parent_consents(convo *c, const char *parent_cmd)
{
    convo_user_add(c, PARENT, "Ольга", "ru");
    say(c, PARENT, parent_cmd);
    expect(c, PARENT, "Дима Соколов хочет участвовать");
    say(c, PARENT, "Ольга Соколова");
    expect(c, PARENT, "Кем вы приходитесь ребёнку");
    press(c, PARENT, "Мама");
    if (strcmp(c->transport, "vk") != 0) {   /* a messenger with a button that shares the number */
        expect(c, PARENT, "Поделитесь, пожалуйста, номером телефона");
        say(c, PARENT, "Без номера");
        expect(c, PARENT, "без номера");
    }
    expect(c, PARENT, "Последний вопрос");
    press(c, PARENT, "Да, даю согласие");
    expect(c, PARENT, "Куратор школы проверит");
    expect_some(c, CURATOR, "Ольга Соколова (мама;");
    say(c, CURATOR, "/menu");
    expect(c, CURATOR, "Что сделать?");
    press(c, CURATOR, "Согласия родителей: 1");
    expect(c, CURATOR, "Согласия родителей.");
    press(c, CURATOR, "1. Подтвердить");
    expect(c, CURATOR, "подтверждено");
    expect(c, PARENT, "Куратор школы подтвердил ваше согласие");
    expect_some(c, YOUNG, "Согласие родителя получено");
}

TEST(a_parent_sees_and_withdraws_the_consent_they_gave)
{
    convo c;
    if (convo_start(&c, "minors-withdraw", CONF)) SKIP("simulator or bot did not start");
    char invite_cmd[96], parent_cmd[96] = "";
    school(&c, invite_cmd, sizeof invite_cmd);
    convo_user_add(&c, YOUNG, "Дима", "ru");
    convo_user_add(&c, STRANGER, "Ева", "ru");
    say(&c, YOUNG, invite_cmd);
    expect(&c, YOUNG, "Вас приглашают");
    pupil_registers(&c, YOUNG, "Дима Соколов", "5", "2015");
    const char *wait = expect(&c, YOUNG, "согласие родителя");
    if (wait && (strstr(wait, "start=g_") || strstr(wait, "ref=g_")))
        snprintf(parent_cmd, sizeof parent_cmd, "/start %s", code_of(wait));
    parent_consents(&c, parent_cmd);
    convo_drain(&c, YOUNG, 500);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM accounts WHERE name = 'Дима Соколов' AND status = 'active'"),
              1);
    /* his mentor, paired with him */
    convo_user_add(&c, MENTOR, "Олег", "ru");
    char cmd[96], sql[400];
    snprintf(cmd, sizeof cmd, "/start %s",
             code_of(admin(&c, "invite create --org %lld --role mentor",
                           db_query_int(c.bot.db, "SELECT MIN(id) FROM orgs"))));
    say(&c, MENTOR, cmd);
    expect(&c, MENTOR, "Вас приглашают");
    answer_registration(&c, MENTOR, "Педагог", NULL, NULL, "Олег Наставников");
    expect_some(&c, MENTOR, "Готово");
    convo_drain(&c, MENTOR, 500);
    long long young = db_query_int(c.bot.db, "SELECT id FROM accounts WHERE name = 'Дима Соколов'");
    long long mentor = db_query_int(c.bot.db, "SELECT id FROM accounts WHERE name = 'Олег Наставников'");
    snprintf(sql, sizeof sql,
             "INSERT INTO mentorships(id, org_id, form, mentor_id, state, created_at)"
             " SELECT 1, org_id, 'teacher_pupil', id, 'active', 1 FROM accounts WHERE id = %lld;"
             "INSERT INTO mentorship_members(mentorship_id, mentee_id, joined_at) VALUES(1, %lld, 1);",
             mentor, young);
    db_exec(c.bot.db, sql);
    char write_to[48];
    snprintf(write_to, sizeof write_to, "pr:w:1:%lld", young);
    press_data(&c, MENTOR, write_to);
    expect(&c, MENTOR, "бот передаст его");
    say(&c, MENTOR, "/cancel");
    convo_drain(&c, MENTOR, 300);

    /* /privacy shows the parent whose consent they gave and when */
    say(&c, PARENT, "/privacy");
    const char *shown = expect(&c, PARENT, "Вы дали согласие на участие ребёнка");
    CHECK_CONTAINS(shown, "Дима Соколов");
    CHECK_CONTAINS(shown, "Ольга Соколова");
    char today[16];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(today, sizeof today, "%d.%m.%Y", &tm);
    CHECK_CONTAINS(shown, today);

    /* someone else cannot press the parent's button */
    char data[32];
    snprintf(data, sizeof data, "gwy:%lld", db_query_int(c.bot.db, "SELECT id FROM consent_requests"
                                                                    " WHERE state = 'confirmed'"));
    press_data(&c, STRANGER, data);
    expect_silence(&c, STRANGER, 500);

    /* withdrawal asks first; «Нет» keeps everything */
    press(&c, PARENT, "Отозвать согласие");
    expect(&c, PARENT, "Отозвать согласие на участие ребёнка (Дима Соколов)");
    press(&c, PARENT, "Нет, оставить");
    expect(&c, PARENT, "остаётся в силе");
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM accounts WHERE name = 'Дима Соколов' AND status = 'active'"),
              1);
    say(&c, PARENT, "/privacy");
    expect(&c, PARENT, "Вы дали согласие");
    press(&c, PARENT, "Отозвать согласие");
    expect(&c, PARENT, "Отозвать согласие на участие");
    press(&c, PARENT, "Да, отозвать");
    expect(&c, PARENT, "Согласие отозвано");
    expect_some(&c, CURATOR, "Ольга Соколова (мама, ");
    expect_some(&c, YOUNG, "Родитель отозвал согласие");
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM accounts WHERE name = 'Дима Соколов'"
                                     " AND status = 'pending_consent' AND COALESCE(guardian_consent, '') = ''"),
              1);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM audit WHERE action = 'guardian.withdraw'"), 1);
    /* the link the consent came through does not bring it back: anyone
     * opening it is told it no longer works, and the pupil still waits */
    say(&c, STRANGER, parent_cmd);
    expect(&c, STRANGER, "Эта ссылка больше не действует");
    say(&c, PARENT, parent_cmd);
    expect(&c, PARENT, "Эта ссылка больше не действует");
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM accounts WHERE name = 'Дима Соколов'"
                                     " AND status = 'pending_consent'"),
              1);
    /* paused: his mentor can no longer write to him or plan a meeting
     * through the pair, until the curator decides */
    press_data(&c, MENTOR, write_to);
    expect(&c, MENTOR, "Участие наставляемого приостановлено");
    snprintf(write_to, sizeof write_to, "pr:s:1");
    press_data(&c, MENTOR, write_to);
    expect(&c, MENTOR, "Участие наставляемого приостановлено");
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM pair_messages"), 0);
    /* paused: the pupil gets no survey */
    say(&c, YOUNG, "/menu");
    expect(&c, YOUNG, "ждёт согласия родителя");
    convo_stop(&c);
}

static void all_conversations(void)
{
    RUN(the_consent_text_is_worded_for_its_reader_and_names_every_category_collected);
    RUN(the_curators_paper_consent_is_confirmed_before_it_counts);
    RUN(stale_buttons_get_one_notice_and_change_nothing);
    RUN(a_parent_sees_and_withdraws_the_consent_they_gave);
}

/* One description, both messengers (or the one named as the argument). */
int main(int argc, char **argv)
{
    convo_each_transport(argc, argv, all_conversations);
    return unit_summary();
}

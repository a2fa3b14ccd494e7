/*
 * One person on two messengers, through the real dispatcher: /link on
 * Telegram gives a code; sending it from VK only asks the person on
 * Telegram, and the VK account joins them after they say "Yes" within the
 * code's hour. A leaked code gives a stranger nothing: not the person's
 * name, not their data, not the account. /privacy lists the messenger
 * accounts (and the survey answers) with a button to unlink each, and the
 * person hears of every link and unlink on every messenger.
 */
#include "tests/unit.h"
#include "tests/unit_db.h"
#include "tests/unit_messengers.h"

#include "handlers/dispatch.h"
#include "storage/accounts.h"
#include "storage/db.h"
#include "storage/surveys.h"
#include "util/clock.h"
#include "util/i18n.h"

#include <stdlib.h>
#include <string.h>

#define OWNER_TG 11
#define OWNER_VK 22
#define STRANGER_VK 33
#define OWNER_MAX 44
#define STRANGER_TG 66

static i18n *texts;
static bot_env env;

static mb_status say_as(db *d, const char *platform, int64_t user, const char *first_name, const char *text)
{
    event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = EVENT_MESSAGE;
    ev.platform = platform;
    ev.user_id = ev.chat_id = user;
    ev.is_private = 1;
    ev.first_name = first_name;
    ev.text = text;
    char reason[256];
    return dispatch_event(d, &env, &ev, reason, sizeof reason);
}

static mb_status say(db *d, const char *platform, int64_t user, const char *text)
{
    return say_as(d, platform, user, NULL, text);
}

static mb_status press(db *d, const char *platform, int64_t user, const char *data)
{
    static int press_id;
    char id[16];
    snprintf(id, sizeof id, "p%d", ++press_id);
    event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = EVENT_BUTTON;
    ev.platform = platform;
    ev.user_id = ev.chat_id = user;
    ev.is_private = 1;
    ev.button_data = data;
    ev.button_id = id;
    char reason[256];
    return dispatch_event(d, &env, &ev, reason, sizeof reason);
}

/* The newest text row queued to a chat, and (button >= 0) the data of that
 * button of its first row instead (static buffer, "" when none). */
static const char *last_row(db *d, const char *platform, int64_t chat, int button)
{
    static char out[4096];
    out[0] = 0;
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db_handle(d), "SELECT json_extract(body, '$.text'), body FROM outbox WHERE platform = ?1"
                                     " AND chat_id = ?2 AND kind = 'text' ORDER BY id DESC LIMIT 1", -1, &st, NULL);
    sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, chat);
    if (sqlite3_step(st) == SQLITE_ROW) {
        if (button < 0 && sqlite3_column_text(st, 0)) {
            snprintf(out, sizeof out, "%s", sqlite3_column_text(st, 0));
        } else if (button >= 0) {
            cJSON *body = cJSON_Parse((const char *)sqlite3_column_text(st, 1));
            cJSON *row = cJSON_GetArrayItem(cJSON_GetObjectItem(body, "buttons"), 0);
            const char *data = cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(row, button), "data"));
            snprintf(out, sizeof out, "%s", data ? data : "");
            cJSON_Delete(body);
        }
    }
    sqlite3_finalize(st);
    return out;
}

static const char *last_text(db *d, const char *platform, int64_t chat) { return last_row(d, platform, chat, -1); }

static int rows_to(db *d, const char *platform, int64_t chat)
{
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db_handle(d), "SELECT COUNT(*) FROM outbox WHERE platform = ?1 AND chat_id = ?2", -1, &st, NULL);
    sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, chat);
    int n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
    sqlite3_finalize(st);
    return n;
}

/* An active mentor with a Telegram account; returns the account id. */
static int64_t owner_on_telegram(db *d)
{
    int64_t id;
    CHECK_INT(account_create(d, "tg", OWNER_TG, OWNER_TG, "ru", &id), MB_OK);
    account a;
    CHECK_INT(account_load(d, id, &a), MB_OK);
    snprintf(a.status, sizeof a.status, "active");
    snprintf(a.role, sizeof a.role, "mentee");
    snprintf(a.name, sizeof a.name, "Петя Иванов");
    snprintf(a.category, sizeof a.category, "pupil");
    a.grade = 7;
    a.birth_year = 2013;
    CHECK_INT(account_save(d, &a), MB_OK);
    return id;
}

/* /link on Telegram; the code into cmd as "/link CODE". */
static void link_code(db *d, char *cmd, size_t size)
{
    CHECK_INT(say_as(d, "tg", OWNER_TG, "Петя", "/link"), MB_OK);
    const char *p = strstr(last_text(d, "tg", OWNER_TG), "/link ");
    CHECK(p != NULL);
    snprintf(cmd, size, "/link %.16s", p ? p + 6 : "");
}

TEST(a_link_waits_for_the_owner_and_then_follows_their_choice)
{
    db *d = unit_db_open(NULL, 0);
    if (!d) SKIP("database did not open");
    clock_set_ms(1790000000000LL);
    int64_t id = owner_on_telegram(d);
    char cmd[64];
    link_code(d, cmd, sizeof cmd);

    CHECK_INT(say_as(d, "vk", OWNER_VK, "Петя ВК", cmd), MB_OK);
    const char *told = last_text(d, "vk", OWNER_VK);
    CHECK_CONTAINS(told, "Нажмите там «Да»");
    CHECK(!strstr(told, "Петя Иванов"));
    CHECK_INT(identity_count(d, id), 1);
    CHECK_CONTAINS(last_text(d, "tg", OWNER_TG), "Подключить к твоей записи VK-аккаунт «Петя ВК»?");
    char yes[32];
    snprintf(yes, sizeof yes, "%s", last_row(d, "tg", OWNER_TG, 0));
    CHECK(strncmp(yes, "lk:y:", 5) == 0);

    /* someone else pressing the owner's button changes nothing */
    CHECK_INT(press(d, "vk", OWNER_VK, yes), MB_OK);
    CHECK_INT(identity_count(d, id), 1);

    CHECK_INT(press(d, "tg", OWNER_TG, yes), MB_OK);
    CHECK_INT(identity_count(d, id), 2);
    CHECK_CONTAINS(last_text(d, "vk", OWNER_VK), "Готово, Петя Иванов! VK подключён");
    CHECK_CONTAINS(last_text(d, "tg", OWNER_TG), "К твоей записи подключён VK: «Петя ВК»");
    account seen;
    CHECK_INT(account_find_by_identity(d, "vk", OWNER_VK, &seen, NULL), MB_OK);
    CHECK_INT(seen.id, id);
    /* a second press of the same button does not link twice */
    CHECK_INT(press(d, "tg", OWNER_TG, yes), MB_OK);
    CHECK_CONTAINS(last_text(d, "tg", OWNER_TG), "уже ответили");

    /* a code works once; a stranger cannot reuse it */
    CHECK_INT(say(d, "vk", STRANGER_VK, cmd), MB_OK);
    CHECK_CONTAINS(last_text(d, "vk", STRANGER_VK), "истёк");

    /* reminders: the chosen messenger, then the other when it is unreachable */
    CHECK_INT(press(d, "vk", OWNER_VK, "pref:vk"), MB_OK);
    CHECK_CONTAINS(last_text(d, "vk", OWNER_VK), "Напоминания будут приходить в VK");
    identity to;
    CHECK_INT(identity_for_account(d, id, NULL, &to), MB_OK);
    CHECK_STR(to.platform, "vk");
    CHECK_INT(identity_set_unreachable(d, "vk", OWNER_VK, "blocked"), MB_OK);
    CHECK_INT(identity_for_account(d, id, NULL, &to), MB_OK);
    CHECK_STR(to.platform, "tg");
    CHECK_INT(identity_set_reachable(d, "vk", OWNER_VK), MB_OK);
    /* forged preference buttons from a stranger do nothing */
    CHECK_INT(press(d, "vk", 55, "pref:tg"), MB_OK);
    CHECK_INT(unit_sql_int(db_handle(d), "SELECT COUNT(*) FROM accounts WHERE preferred_platform IS NOT NULL AND id <> ?1",
                           id), 0);
    clock_release();
    db_close(d);
}

/* MAX links to Telegram as VK does; what the bot starts goes where the
 * person wrote last, until they choose. */
TEST(max_links_to_telegram_and_reminders_follow_the_last_messenger_used)
{
    db *d = unit_db_open(NULL, 0);
    if (!d) SKIP("database did not open");
    clock_set_ms(1790000000000LL);
    int64_t id = owner_on_telegram(d);
    char cmd[64];
    link_code(d, cmd, sizeof cmd);
    const char *offer = last_text(d, "tg", OWNER_TG);
    CHECK_CONTAINS(offer, "VK: https://vk.me/club229000001?ref=l_");
    CHECK_CONTAINS(offer, "MAX: https://max.ru/mentorbot_max_bot?start=l_");
    CHECK(!strstr(offer, "Telegram:"));

    CHECK_INT(say_as(d, "max", OWNER_MAX, "Петя MAX", cmd), MB_OK);
    CHECK_CONTAINS(last_text(d, "tg", OWNER_TG), "Подключить к твоей записи MAX-аккаунт «Петя MAX»?");
    char yes[32];
    snprintf(yes, sizeof yes, "%s", last_row(d, "tg", OWNER_TG, 0));
    CHECK_INT(press(d, "tg", OWNER_TG, yes), MB_OK);
    CHECK_INT(identity_count(d, id), 2);
    CHECK_CONTAINS(last_text(d, "max", OWNER_MAX), "Готово, Петя Иванов! MAX подключён");
    /* the choice offers the two messengers the person is on */
    CHECK_STR(last_row(d, "max", OWNER_MAX, 0), "pref:tg");
    CHECK_STR(last_row(d, "max", OWNER_MAX, 1), "pref:max");

    identity to;
    clock_set_ms(1790000060000LL);
    CHECK_INT(say(d, "max", OWNER_MAX, "/menu"), MB_OK);
    CHECK_INT(identity_for_account(d, id, NULL, &to), MB_OK);
    CHECK_STR(to.platform, "max");
    clock_set_ms(1790000120000LL);   /* a minute later, back in Telegram */
    CHECK_INT(say(d, "tg", OWNER_TG, "/menu"), MB_OK);
    CHECK_INT(identity_for_account(d, id, NULL, &to), MB_OK);
    CHECK_STR(to.platform, "tg");
    CHECK_INT(press(d, "tg", OWNER_TG, "pref:max"), MB_OK);
    CHECK_CONTAINS(last_text(d, "tg", OWNER_TG), "Напоминания будут приходить в MAX");
    CHECK_INT(say(d, "tg", OWNER_TG, "/menu"), MB_OK);
    CHECK_INT(identity_for_account(d, id, NULL, &to), MB_OK);
    CHECK_STR(to.platform, "max");
    /* a messenger no transport runs is no choice */
    CHECK_INT(press(d, "tg", OWNER_TG, "pref:icq"), MB_OK);
    CHECK_INT(unit_sql_int(db_handle(d), "SELECT COUNT(*) FROM accounts WHERE id = ?1 AND preferred_platform = 'max'", id), 1);
    clock_release();
    db_close(d);
}

TEST(a_leaked_code_gives_a_stranger_nothing)
{
    db *d = unit_db_open(NULL, 0);
    if (!d) SKIP("database did not open");
    clock_set_ms(1790000000000LL);
    int64_t id = owner_on_telegram(d);
    char cmd[64];
    link_code(d, cmd, sizeof cmd);

    /* another Telegram user: the same messenger is refused outright */
    int before = rows_to(d, "tg", OWNER_TG);
    CHECK_INT(say_as(d, "tg", STRANGER_TG, "Злоумышленник", cmd), MB_OK);
    CHECK_CONTAINS(last_text(d, "tg", STRANGER_TG), "из другого мессенджера");
    CHECK(!strstr(last_text(d, "tg", STRANGER_TG), "Петя"));
    CHECK_INT(rows_to(d, "tg", OWNER_TG), before);
    CHECK_INT(unit_sql_int(db_handle(d), "SELECT COUNT(*) FROM identities WHERE account_id = ?1", id), 1);

    /* a VK stranger: the owner is asked, says no, nothing is joined */
    CHECK_INT(say_as(d, "vk", STRANGER_VK, "Незнакомец", cmd), MB_OK);
    CHECK(!strstr(last_text(d, "vk", STRANGER_VK), "Петя"));
    CHECK_CONTAINS(last_text(d, "tg", OWNER_TG), "«Незнакомец»");
    char no[32];
    snprintf(no, sizeof no, "%s", last_row(d, "tg", OWNER_TG, 1));
    CHECK(strncmp(no, "lk:n:", 5) == 0);
    /* the stranger's /privacy shows nothing of the owner */
    CHECK_INT(say(d, "vk", STRANGER_VK, "/privacy"), MB_OK);
    CHECK(!strstr(last_text(d, "vk", STRANGER_VK), "Петя"));
    CHECK_INT(press(d, "tg", OWNER_TG, no), MB_OK);
    CHECK_CONTAINS(last_text(d, "tg", OWNER_TG), "не подключаем");
    CHECK_CONTAINS(last_text(d, "vk", STRANGER_VK), "не подтвердили");
    CHECK_INT(identity_count(d, id), 1);
    CHECK_INT(unit_sql_int(db_handle(d), "SELECT COUNT(*) FROM identities WHERE platform = 'vk' AND user_id = ?1",
                           STRANGER_VK), 0);

    /* the owner's "Yes" after the code's hour links nothing */
    link_code(d, cmd, sizeof cmd);
    CHECK_INT(say_as(d, "vk", STRANGER_VK, "Незнакомец", cmd), MB_OK);
    char yes[32];
    snprintf(yes, sizeof yes, "%s", last_row(d, "tg", OWNER_TG, 0));
    clock_advance_ms(61LL * 60 * 1000);
    CHECK_INT(press(d, "tg", OWNER_TG, yes), MB_OK);
    CHECK_CONTAINS(last_text(d, "tg", OWNER_TG), "Срок кода истёк");
    CHECK_INT(identity_count(d, id), 1);
    clock_release();
    db_close(d);
}

TEST(privacy_lists_messengers_and_answers_and_unlinks_with_notice)
{
    db *d = unit_db_open(NULL, 0);
    if (!d) SKIP("database did not open");
    clock_set_ms(1790000000000LL);
    int64_t id = owner_on_telegram(d);
    /* a survey answered */
    size_t len = 0;
    char *body = unit_read_file("locales/surveys/pupil_request.json", &len);
    CHECK(body != NULL);
    int64_t ins = 0, run = 0;
    int version = 0;
    if (body) CHECK_INT(survey_instrument_store(d, "pupil_request", body, &ins, &version, NULL), MB_OK);
    free(body);
    CHECK_INT(survey_run_start(d, id, ins, &run), MB_OK);
    CHECK_INT(survey_answer_store(d, run, "who", "pupil"), MB_OK);
    CHECK_INT(survey_run_finish(d, run), MB_OK);

    char cmd[64];
    link_code(d, cmd, sizeof cmd);
    CHECK_INT(say_as(d, "vk", OWNER_VK, "Петя ВК", cmd), MB_OK);
    char yes[32];
    snprintf(yes, sizeof yes, "%s", last_row(d, "tg", OWNER_TG, 0));
    CHECK_INT(press(d, "tg", OWNER_TG, yes), MB_OK);

    CHECK_INT(say_as(d, "tg", OWNER_TG, "Петя", "/privacy"), MB_OK);
    const char *p = last_text(d, "tg", OWNER_TG);
    CHECK_CONTAINS(p, "Telegram: Петя (ты пишешь отсюда)");
    CHECK_CONTAINS(p, "VK: Петя ВК");
    CHECK_CONTAINS(p, "Где ты учишься? В школе");
    char unlink_vk[16];
    snprintf(unlink_vk, sizeof unlink_vk, "%s", last_row(d, "tg", OWNER_TG, 0));
    CHECK_STR(unlink_vk, "ul:vk");

    CHECK_INT(press(d, "tg", OWNER_TG, unlink_vk), MB_OK);
    CHECK_INT(identity_count(d, id), 1);
    CHECK_CONTAINS(last_text(d, "tg", OWNER_TG), "VK «Петя ВК» отключён");
    CHECK_CONTAINS(last_text(d, "vk", OWNER_VK), "VK «Петя ВК» отключён");
    /* the last messenger stays */
    CHECK_INT(press(d, "tg", OWNER_TG, "ul:tg"), MB_OK);
    CHECK_INT(identity_count(d, id), 1);
    CHECK_CONTAINS(last_text(d, "tg", OWNER_TG), "единственный мессенджер");
    clock_release();
    db_close(d);
}

int main(void)
{
    texts = unit_load_catalogs();
    env = (bot_env){.texts = texts, .default_language = "ru", .consent_age = 14};
    unit_register_messengers("mentorbot_sim_bot", 229000001, "mentorbot_max_bot");
    RUN(a_link_waits_for_the_owner_and_then_follows_their_choice);
    RUN(max_links_to_telegram_and_reminders_follow_the_last_messenger_used);
    RUN(a_leaked_code_gives_a_stranger_nothing);
    RUN(privacy_lists_messengers_and_answers_and_unlinks_with_notice);
    i18n_free(texts);
    return unit_summary();
}

/*
 * Guessing codes, through the real dispatcher with a frozen clock: wrong
 * invite and link codes are answered as before for a few tries, then codes
 * from that person are not checked for a growing pause (they are told when
 * to try again), then not for hours with advice to ask the curator. Many
 * wrong codes from many people are counted for the operator's warning.
 */
#include "tests/unit.h"
#include "tests/unit_db.h"
#include "tests/unit_messengers.h"

#include "handlers/dispatch.h"
#include "storage/accounts.h"
#include "storage/attempts.h"
#include "storage/db.h"
#include "storage/invites.h"
#include "util/clock.h"
#include "util/i18n.h"

#include <stdlib.h>
#include <string.h>

#define T0 1790000000000LL
#define MINUTE (60LL * 1000)

static i18n *texts;
static bot_env env;

static mb_status say(db *d, const char *platform, int64_t user, const char *text)
{
    event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = EVENT_MESSAGE;
    ev.platform = platform;
    ev.user_id = ev.chat_id = user;
    ev.is_private = 1;
    ev.text = text;
    char reason[256];
    return dispatch_event(d, &env, &ev, reason, sizeof reason);
}

static const char *last_text(db *d, const char *platform, int64_t chat)
{
    static char out[4096];
    out[0] = 0;
    sqlite3_stmt *st;
    sqlite3_prepare_v2(db_handle(d), "SELECT json_extract(body, '$.text') FROM outbox WHERE platform = ?1"
                                     " AND chat_id = ?2 AND kind = 'text' ORDER BY id DESC LIMIT 1", -1, &st, NULL);
    sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, chat);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(out, sizeof out, "%s", sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
}

/* A code of the right shape that exists nowhere, different each time. */
static void wrong_code(int i, char *buf, size_t size)
{
    snprintf(buf, size, "/start zzzz%012d", i);
}

static int64_t role_invite(db *d, char *code)
{
    int64_t org_id = 0;
    CHECK_INT(org_add(d, "Школа", "Asia/Tomsk", &org_id), MB_OK);
    int64_t id = 0;
    CHECK_INT(invite_create(d, "role", org_id, "mentee", 5, T0 + 30 * 24 * 60 * MINUTE, 0, "admin:cli", code, &id), MB_OK);
    return id;
}

TEST(wrong_invite_codes_from_one_person_slow_down_then_stop)
{
    db *d = unit_db_open(NULL, 0);
    if (!d) SKIP("database did not open");
    clock_set_ms(T0);
    char good[INVITE_CODE_LEN + 1], cmd[64];
    role_invite(d, good);
    for (int i = 0; i < 4; i++) {
        wrong_code(i, cmd, sizeof cmd);
        CHECK_INT(say(d, "tg", 7, cmd), MB_OK);
        CHECK_STR(last_text(d, "tg", 7), "Приглашение не найдено. Проверьте ссылку или попросите у куратора новую.");
    }
    wrong_code(4, cmd, sizeof cmd);
    CHECK_INT(say(d, "tg", 7, cmd), MB_OK);
    CHECK_CONTAINS(last_text(d, "tg", 7), "Приглашение не найдено");
    CHECK_CONTAINS(last_text(d, "tg", 7), "через 1 мин");
    /* 500 more tries at full speed: none is checked, the right code neither */
    for (int i = 5; i < 505; i++) {
        wrong_code(i, cmd, sizeof cmd);
        CHECK_INT(say(d, "tg", 7, cmd), MB_OK);
    }
    CHECK_CONTAINS(last_text(d, "tg", 7), "Следующий код я проверю через 1 мин");
    snprintf(cmd, sizeof cmd, "/start %s", good);
    CHECK_INT(say(d, "tg", 7, cmd), MB_OK);
    CHECK_CONTAINS(last_text(d, "tg", 7), "через 1 мин");
    CHECK_INT(unit_sql_int(db_handle(d), "SELECT COUNT(*) FROM accounts WHERE ?1 = ?1", 0), 0);
    CHECK_INT(unit_sql_int(db_handle(d), "SELECT COUNT(*) FROM code_failures WHERE user_id = ?1", 7), 5);

    /* each further wrong code doubles the pause */
    const char *want[] = {"через 2 мин", "через 4 мин", "через 8 мин", "через 16 мин"};
    int64_t pause = 1;
    for (int k = 0; k < 4; k++) {
        clock_advance_ms(pause * MINUTE);
        pause *= 2;
        wrong_code(1000 + k, cmd, sizeof cmd);
        CHECK_INT(say(d, "tg", 7, cmd), MB_OK);
        CHECK_CONTAINS(last_text(d, "tg", 7), want[k]);
    }
    /* the tenth within the hour: ask the curator, nothing checked for hours */
    clock_advance_ms(16 * MINUTE);
    wrong_code(2000, cmd, sizeof cmd);
    CHECK_INT(say(d, "tg", 7, cmd), MB_OK);
    CHECK_CONTAINS(last_text(d, "tg", 7), "Напишите своему куратору");
    CHECK_CONTAINS(last_text(d, "tg", 7), "через 6 ч");
    clock_advance_ms(5 * 60 * MINUTE);
    snprintf(cmd, sizeof cmd, "/start %s", good);
    CHECK_INT(say(d, "tg", 7, cmd), MB_OK);
    CHECK_CONTAINS(last_text(d, "tg", 7), "куратору");
    CHECK_INT(unit_sql_int(db_handle(d), "SELECT COUNT(*) FROM accounts WHERE ?1 = ?1", 0), 0);
    /* after the lock the right code works */
    clock_advance_ms(61 * MINUTE);
    CHECK_INT(say(d, "tg", 7, cmd), MB_OK);
    CHECK_CONTAINS(last_text(d, "tg", 7), "Вас приглашают");
    /* another person was never slowed down */
    wrong_code(3000, cmd, sizeof cmd);
    CHECK_INT(say(d, "tg", 8, cmd), MB_OK);
    CHECK_STR(last_text(d, "tg", 8), "Приглашение не найдено. Проверьте ссылку или попросите у куратора новую.");
    clock_release();
    db_close(d);
}

TEST(wrong_link_codes_are_limited_too)
{
    db *d = unit_db_open(NULL, 0);
    if (!d) SKIP("database did not open");
    clock_set_ms(T0);
    char cmd[64];
    for (int i = 0; i < 200; i++) {
        snprintf(cmd, sizeof cmd, "/link yyyy%012d", i);
        CHECK_INT(say(d, "vk", 9, cmd), MB_OK);
        if (i == 3)
            CHECK_STR(last_text(d, "vk", 9),
                      "Код не найден. Получите новый командой /link в том мессенджере, где вы уже зарегистрированы.");
    }
    /* 200 at full speed: five were checked, the rest waited for the pause */
    CHECK_INT(unit_sql_int(db_handle(d), "SELECT COUNT(*) FROM code_failures WHERE user_id = ?1", 9), 5);
    CHECK_CONTAINS(last_text(d, "vk", 9), "Следующий код я проверю через 1 мин");
    clock_release();
    db_close(d);
}

TEST(many_people_with_wrong_codes_are_counted_for_the_operator)
{
    db *d = unit_db_open(NULL, 0);
    if (!d) SKIP("database did not open");
    clock_set_ms(T0);
    char cmd[64];
    for (int u = 0; u < 500; u++) {
        wrong_code(u, cmd, sizeof cmd);
        CHECK_INT(say(d, "tg", 100000 + u, cmd), MB_OK);
        if (u == 48) CHECK(attempts_recent(d, NULL) < ATTEMPTS_ALERT_COUNT);
        if (u % 100 == 99) clock_advance_ms(MINUTE);
    }
    int people = 0;
    CHECK(attempts_recent(d, &people) >= ATTEMPTS_ALERT_COUNT);
    CHECK(people >= ATTEMPTS_ALERT_COUNT);
    /* ten minutes later the count is back to nothing */
    clock_advance_ms(11 * MINUTE);
    CHECK_INT(attempts_recent(d, NULL), 0);
    clock_release();
    db_close(d);
}

int main(void)
{
    texts = unit_load_catalogs();
    env = (bot_env){.texts = texts, .default_language = "ru", .consent_age = 14};
    unit_register_messengers("mentorbot_sim_bot", 0, NULL);
    RUN(wrong_invite_codes_from_one_person_slow_down_then_stop);
    RUN(wrong_link_codes_are_limited_too);
    RUN(many_people_with_wrong_codes_are_counted_for_the_operator);
    i18n_free(texts);
    return unit_summary();
}

/*
 * One person on two messengers, through the real dispatcher: /link on
 * Telegram gives a code, sending it from VK joins the VK account to the same
 * person, and messages to the person follow their chosen messenger, falling
 * back to the other when it is unreachable.
 */
#include "tests/unit.h"

#include "handlers/dispatch.h"
#include "storage/accounts.h"
#include "storage/db.h"
#include "util/i18n.h"

#include <stdlib.h>
#include <string.h>

static i18n *texts;
static bot_env env;

static db *fresh_db(void)
{
    char path[512], err[256];
    snprintf(path, sizeof path, "%s/link.db", unit_tmpdir());
    db *d = NULL;
    if (db_open(path, DB_SYNC_NORMAL, &d, err, sizeof err)) fprintf(stderr, "%s\n", err);
    return d;
}

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

static mb_status press(db *d, const char *platform, int64_t user, const char *data)
{
    event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = EVENT_BUTTON;
    ev.platform = platform;
    ev.user_id = ev.chat_id = user;
    ev.is_private = 1;
    ev.button_data = data;
    ev.button_id = "1";
    char reason[256];
    return dispatch_event(d, &env, &ev, reason, sizeof reason);
}

/* The text of the newest text row queued to a chat (static buffer). */
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

TEST(a_person_links_vk_and_messages_follow_their_choice)
{
    db *d = fresh_db();
    if (!d) SKIP("database did not open");
    int64_t id;
    CHECK_INT(account_create(d, "tg", 11, 11, "ru", &id), MB_OK);
    account a;
    CHECK_INT(account_load(d, id, &a), MB_OK);
    snprintf(a.status, sizeof a.status, "active");
    snprintf(a.role, sizeof a.role, "mentor");
    snprintf(a.name, sizeof a.name, "Ирина Волкова");
    CHECK_INT(account_save(d, &a), MB_OK);

    CHECK_INT(say(d, "tg", 11, "/link"), MB_OK);
    const char *text = last_text(d, "tg", 11);
    const char *p = strstr(text, "/link ");
    CHECK(p != NULL);
    char code[32] = "";
    if (p) snprintf(code, sizeof code, "%.16s", p + 6);
    CHECK_INT((int)strlen(code), 16);
    CHECK_CONTAINS(text, "start=l_");

    char cmd[64];
    snprintf(cmd, sizeof cmd, "/link %s", code);
    CHECK_INT(say(d, "vk", 22, cmd), MB_OK);
    CHECK_CONTAINS(last_text(d, "vk", 22), "Готово, Ирина Волкова! VK подключён");
    CHECK_INT(identity_count(d, id), 2);
    account seen;
    CHECK_INT(account_find_by_identity(d, "vk", 22, &seen, NULL), MB_OK);
    CHECK_INT(seen.id, id);

    /* a code works once; a stranger cannot reuse it */
    CHECK_INT(say(d, "vk", 33, cmd), MB_OK);
    CHECK_CONTAINS(last_text(d, "vk", 33), "истёк");

    /* reminders: the chosen messenger, then the other when it is unreachable */
    CHECK_INT(press(d, "vk", 22, "pref:vk"), MB_OK);
    CHECK_CONTAINS(last_text(d, "vk", 22), "Напоминания будут приходить в VK");
    identity to;
    CHECK_INT(identity_for_account(d, id, NULL, &to), MB_OK);
    CHECK_STR(to.platform, "vk");
    CHECK_INT(identity_set_unreachable(d, "vk", 22, "blocked"), MB_OK);
    CHECK_INT(identity_for_account(d, id, NULL, &to), MB_OK);
    CHECK_STR(to.platform, "tg");
    CHECK_INT(to.chat_id, 11);
    CHECK_INT(press(d, "tg", 11, "pref:tg"), MB_OK);
    CHECK_INT(identity_set_reachable(d, "vk", 22), MB_OK);
    CHECK_INT(identity_for_account(d, id, NULL, &to), MB_OK);
    CHECK_STR(to.platform, "tg");

    /* someone registered separately on VK is told how to join, not merged */
    int64_t other;
    CHECK_INT(account_create(d, "vk", 44, 44, "en", &other), MB_OK);
    CHECK_INT(say(d, "tg", 11, "/link"), MB_OK);
    p = strstr(last_text(d, "tg", 11), "/link ");
    if (p) snprintf(cmd, sizeof cmd, "/link %.16s", p + 6);
    CHECK_INT(say(d, "vk", 44, cmd), MB_OK);
    CHECK_CONTAINS(last_text(d, "vk", 44), "registered separately");
    CHECK_INT(identity_count(d, id), 2);
    /* forged preference buttons from a stranger do nothing */
    CHECK_INT(press(d, "vk", 55, "pref:vk"), MB_OK);
    CHECK_INT(unit_sql_int(db_handle(d), "SELECT COUNT(*) FROM accounts WHERE preferred_platform IS NOT NULL AND id <> ?1",
                           id), 0);
    db_close(d);
}

int main(void)
{
    texts = unit_load_catalogs();
    env = (bot_env){texts, "ru", 14, "mentorbot_sim_bot", 0, NULL};
    RUN(a_person_links_vk_and_messages_follow_their_choice);
    i18n_free(texts);
    return unit_summary();
}

/*
 * The Telegram conformance corpus (shared/conformance/telegram) through the
 * real parser, intake and dispatcher on a real database: every recorded
 * answer and update, and what the bot does with each. Input the corpus does
 * not hold (broken, huge, deep or odd) is in test_bad_input.c.
 */
#include "tests/unit.h"
#include "tests/unit_db.h"
#include "tests/unit_messengers.h"

#include "bot/intake.h"
#include "bot/telegram/telegram.h"
#include "bot/telegram/tg_parse.h"
#include "handlers/context.h"
#include "storage/accounts.h"
#include "storage/db.h"
#include "storage/invites.h"
#include "storage/outbox.h"
#include "storage/records.h"
#include "util/clock.h"
#include "util/i18n.h"
#include "util/json.h"

#include <stdlib.h>
#include <string.h>

#define CORPUS_MIN_FILES 30

static i18n *texts;
static bot_env env;
static char *corpus_path(const char *name)
{
    static char path[1024];
    snprintf(path, sizeof path, "%s/conformance/telegram/%s", unit_shared_dir(), name);
    return path;
}

/* What the catalog says in the language the bot picks for a platform code. */
static const char *catalog(const char *language_code, const char *key)
{
    return i18n_text(texts, i18n_pick_language(texts, language_code), key);
}

/*
 * Turns a corpus file into an array of Update objects (caller deletes), or
 * NULL when the file is an API answer that carries no updates. *reply gets
 * the parsed answer (caller frees) and *parse_rc its status.
 */
static cJSON *updates_from_file(const char *body, size_t len, int64_t synthetic_id, tg_reply *reply,
                                mb_status *parse_rc)
{
    *parse_rc = tg_parse_reply(body, len, 200, reply);
    if (*parse_rc == MB_OK)
        return reply->ok && cJSON_IsArray(reply->result) ? cJSON_Duplicate(reply->result, 1) : NULL;
    cJSON *obj = cJSON_ParseWithLength(body, len);
    if (!cJSON_IsObject(obj)) { cJSON_Delete(obj); return NULL; }
    cJSON *arr = cJSON_CreateArray();
    if (cJSON_GetObjectItemCaseSensitive(obj, "update_id")) {
        cJSON_AddItemToArray(arr, obj);
    } else if (cJSON_GetObjectItemCaseSensitive(obj, "message_id")) {
        cJSON *update = cJSON_CreateObject();
        cJSON_AddNumberToObject(update, "update_id", (double)synthetic_id);
        cJSON_AddItemToObject(update, "message", obj);
        cJSON_AddItemToArray(arr, update);
    } else {
        cJSON_Delete(obj);
        cJSON_Delete(arr);
        return NULL;
    }
    return arr;
}

/* Feeds updates through tg_items_from_result and intake_apply twice: the
 * second time every update must count as a duplicate and change nothing. */
typedef struct applied {
    intake_item *items;
    int n;
    int64_t next_offset;
    intake_stats first, second;
} applied;

static void apply_twice(db *d, const cJSON *updates, applied *a)
{
    memset(a, 0, sizeof *a);
    int count = cJSON_GetArraySize(updates);
    a->items = calloc((size_t)(count ? count : 1), sizeof *a->items);
    if (!a->items) return;
    a->n = tg_items_from_result(updates, a->items, count, &a->next_offset);
    CHECK_INT(intake_apply(d, &env, "tg", a->items, a->n, TG_META_OFFSET, a->next_offset, &a->first), MB_OK);
    long long rows = unit_db_int(d, "SELECT COUNT(*) FROM outbox", 0);
    long long accounts = unit_db_int(d, "SELECT COUNT(*) FROM accounts", 0);
    CHECK_INT(intake_apply(d, &env, "tg", a->items, a->n, TG_META_OFFSET, a->next_offset, &a->second), MB_OK);
    CHECK_INT(a->second.duplicates, a->n);
    CHECK_INT(a->second.handled + a->second.ignored + a->second.failed, 0);
    CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM outbox", 0), rows);
    CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM accounts", 0), accounts);
}

/* What one update from an unknown user must leave behind. */
static void check_item_effects(db *d, const intake_item *it)
{
    unit_rows rows;
    unit_db_chat_rows(d, it->ev.chat_id, &rows);
    const event *ev = &it->ev;
    if (ev->kind == EVENT_MESSAGE && ev->is_private) {
        CHECK_INT(rows.n, 1);
        if (rows.n < 1) return;
        CHECK_STR(rows.kind[0], "text");
        if (ev->text && *ev->text)
            CHECK_STR(rows.text[0], catalog(ev->language_code, "start.need_invite"));
        else
            CHECK_STR(rows.text[0], catalog(ev->language_code, "message.not_text"));
    } else if (ev->kind == EVENT_BUTTON && ev->is_private) {
        /* A press from someone without an account is refused: the spinner
         * stops with "this button no longer works", nothing else. */
        CHECK_INT(rows.n, ev->button_id ? 1 : 0);
        if (rows.n < 1) return;
        CHECK_STR(rows.kind[0], "answer");
        CHECK_STR(rows.text[0], catalog(ev->language_code, "button.stale"));
    } else {
        CHECK_INT(rows.n, 0);
    }
}

TEST(every_corpus_file_goes_through_the_parser)
{
    char dir[1024], **names;
    snprintf(dir, sizeof dir, "%s/conformance/telegram", unit_shared_dir());
    int count = unit_list_dir(dir, NULL, &names);
    CHECK(count >= CORPUS_MIN_FILES);
    int answers = 0, update_files = 0;
    for (int f = 0; f < count; f++) {
        int before = unit_failed_checks;
        size_t len = 0;
        char *body = unit_read_file(corpus_path(names[f]), &len);
        CHECK(body != NULL);
        if (!body) continue;
        tg_reply r;
        mb_status prc;
        cJSON *updates = updates_from_file(body, len, 5000 + f, &r, &prc);
        cJSON *plain = cJSON_ParseWithLength(body, len);   /* the file as written, to compare with */
        if (prc == MB_OK && !r.ok) {
            answers++;
            CHECK(r.error_code >= 400 && r.error_code < 600);
            CHECK_INT(r.error_code, cJSON_GetObjectItem(plain, "error_code")->valueint);
            CHECK_STR(r.description, cJSON_GetStringValue(cJSON_GetObjectItem(plain, "description")));
            if (r.error_code == 429) CHECK(r.retry_after_s > 0);
        } else if (prc == MB_OK && r.ok && !updates) {
            /* A recorded answer to a send method: the message it created. */
            answers++;
            CHECK(cJSON_IsObject(r.result));
            CHECK(json_int(r.result, "message_id", NULL) > 0);
            CHECK_INT(r.error_code, 0);
            CHECK_INT(r.retry_after_s, -1);
        } else if (updates) {
            update_files++;
            db *d = unit_db_open(NULL, 0);
            CHECK(d != NULL);
            if (d) {
                applied a;
                apply_twice(d, updates, &a);
                CHECK_INT(a.n, cJSON_GetArraySize(updates));
                CHECK_INT(a.first.handled + a.first.ignored, a.n);
                CHECK_INT(a.first.failed, 0);
                CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM inbox", 0), a.n);
                CHECK_INT(db_meta_get_int(d, TG_META_OFFSET, -1), a.next_offset);
                int64_t max_id = -1;
                for (int i = 0; i < a.n; i++) {
                    if (a.items[i].update_id > max_id) max_id = a.items[i].update_id;
                    check_item_effects(d, &a.items[i]);
                }
                if (a.n) CHECK_INT(a.next_offset, max_id + 1);
                /* Nobody in the corpus has an invite: nobody gets an account. */
                CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM accounts", 0), 0);
                CHECK(unit_db_integrity_ok(d));
                free(a.items);
                db_close(d);
            }
        } else {
            CHECK(!"file is neither an API answer, an update nor a message");
        }
        if (unit_failed_checks != before) fprintf(stderr, "  ^ in %s\n", names[f]);
        cJSON_Delete(plain);
        cJSON_Delete(updates);
        tg_reply_free(&r);
        free(body);
    }
    unit_free_names(names, count);
    CHECK(answers >= 10);
    CHECK(update_files >= 10);
}

/* Parses one named corpus file as an API answer. */
static mb_status parse_named(const char *name, tg_reply *r)
{
    size_t len = 0;
    char *body = unit_read_file(corpus_path(name), &len);
    if (!body) {
        fprintf(stderr, "  missing corpus file %s\n", name);
        memset(r, 0, sizeof *r);
        return MB_ERR_NOT_FOUND;
    }
    mb_status rc = tg_parse_reply(body, len, 200, r);
    free(body);
    return rc;
}

TEST(error_answers_keep_code_wait_and_migration)
{
    tg_reply r;
    CHECK_INT(parse_named("error_429_retry_after_placeholder_x.json", &r), MB_OK);
    CHECK_INT(r.ok, 0);
    CHECK_INT(r.error_code, 429);
    CHECK_INT(r.retry_after_s, 123);
    tg_reply_free(&r);

    CHECK_INT(parse_named("error_429_retry_after_14.json", &r), MB_OK);
    CHECK_INT(r.retry_after_s, 14);
    tg_reply_free(&r);

    /* 2016: the wait only in the words of the description. */
    CHECK_INT(parse_named("error_429_legacy_no_parameters_2016.json", &r), MB_OK);
    CHECK_INT(r.error_code, 429);
    CHECK_INT(r.retry_after_s, 3);
    tg_reply_free(&r);

    CHECK_INT(parse_named("error_429_legacy_retry_later_2016.json", &r), MB_OK);
    CHECK_INT(r.error_code, 429);
    CHECK(r.retry_after_s > 0);
    tg_reply_free(&r);

    CHECK_INT(parse_named("error_403_bot_blocked_by_user.json", &r), MB_OK);
    CHECK_INT(r.error_code, 403);
    CHECK_CONTAINS(r.description, "blocked");
    CHECK_INT(r.retry_after_s, -1);
    tg_reply_free(&r);

    CHECK_INT(parse_named("error_400_group_migrated.json", &r), MB_OK);
    CHECK_INT(r.error_code, 400);
    CHECK_INT(r.migrate_to_chat_id, -123456789);
    tg_reply_free(&r);

    CHECK_INT(parse_named("error_400_migrate_and_retry_after.json", &r), MB_OK);
    CHECK_INT(r.migrate_to_chat_id, 12345);
    CHECK_INT(r.retry_after_s, 12);
    tg_reply_free(&r);

    static const char *conflicts[] = {"error_409_conflict_2020_log.json",
                                      "error_409_conflict_other_long_poll_or_webhook.json",
                                      "error_409_webhook_is_active.json"};
    for (size_t i = 0; i < sizeof conflicts / sizeof conflicts[0]; i++) {
        CHECK_INT(parse_named(conflicts[i], &r), MB_OK);
        CHECK_INT(r.ok, 0);
        CHECK_INT(r.error_code, 409);
        CHECK_CONTAINS(r.description, "Conflict");
        tg_reply_free(&r);
    }
}

/* Found by fuzzing: an update id or a wait so large that the sums made
 * with them (next offset, wait in ms) overflowed. */
TEST(update_ids_and_waits_past_their_limits)
{
    const char *body = "{\"ok\":true,\"result\":[{\"update_id\":\"9223372036854775807\",\"message\":{}},"
                       "{\"update_id\":\"9007199254740992\"},{\"update_id\":9007199254740991}]}";
    tg_reply r;
    CHECK_INT(tg_parse_reply(body, strlen(body), 200, &r), MB_OK);
    intake_item items[3];
    int64_t next = 0;
    CHECK_INT(tg_items_from_result(r.result, items, 3, &next), 1);
    CHECK_INT(items[0].update_id, TG_UPDATE_ID_MAX);
    CHECK_INT(next, TG_UPDATE_ID_MAX + 1);
    tg_reply_free(&r);

    static const char *const waits[] = {
        "{\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests: retry after 9999999999999999999\"}",
        "{\"ok\":false,\"error_code\":429,\"description\":\"x\",\"parameters\":{\"retry_after\":9007199254740991}}",
    };
    for (size_t i = 0; i < 2; i++) {
        CHECK_INT(tg_parse_reply(waits[i], strlen(waits[i]), 429, &r), MB_OK);
        CHECK_INT(r.retry_after_s, TG_RETRY_AFTER_MAX_S);
        tg_reply_free(&r);
    }
}

/* Loads a corpus file as an update array (see updates_from_file). */
static cJSON *named_updates(const char *name)
{
    size_t len = 0;
    char *body = unit_read_file(corpus_path(name), &len);
    if (!body) {
        fprintf(stderr, "  missing corpus file %s\n", name);
        return NULL;
    }
    tg_reply r;
    mb_status prc;
    cJSON *updates = updates_from_file(body, len, 9000, &r, &prc);
    tg_reply_free(&r);
    free(body);
    return updates;
}

TEST(bot_blocked_membership_updates_are_blocked_events)
{
    /* update_my_chat_member_bot_blocked_kicked.json has user id 0: see
     * updates_from_user_id_zero_or_negative_are_refused. */
    static const char *files[] = {"getupdates_my_chat_member_bot_ban_invite_link.json"};
    for (size_t f = 0; f < sizeof files / sizeof files[0]; f++) {
        cJSON *updates = named_updates(files[f]);
        CHECK(updates != NULL);
        if (!updates) continue;
        intake_item items[4];
        int64_t next = 0;
        int n = tg_items_from_result(updates, items, 4, &next);
        CHECK_INT(n, 1);
        if (n == 1) {
            if (items[0].ev.kind != EVENT_BLOCKED)
                fprintf(stderr, "  %s: kind %d, ignored because \"%s\"\n", files[f], items[0].ev.kind,
                        items[0].ev.ignore_reason ? items[0].ev.ignore_reason : "");
            CHECK_INT(items[0].ev.kind, EVENT_BLOCKED);
            CHECK_STR(items[0].kind, "my_chat_member");
        }
        cJSON_Delete(updates);
    }
}

TEST(blocking_user_becomes_unreachable_and_loses_queued_messages)
{
    cJSON *updates = named_updates("getupdates_my_chat_member_bot_ban_invite_link.json");
    db *d = unit_db_open(NULL, 0);
    CHECK(updates != NULL);
    CHECK(d != NULL);
    if (updates && d) {
        int64_t user = 187395179, acct = 0;
        CHECK_INT(account_create(d, "tg", user, user, "en", &acct), MB_OK);
        CHECK_INT(outbox_enqueue(d, "tg", user, acct, "text", "{\"text\":\"reminder\"}", NULL), MB_OK);
        CHECK_INT(outbox_enqueue(d, "tg", 42, 0, "text", "{\"text\":\"someone else\"}", NULL), MB_OK);
        applied a;
        apply_twice(d, updates, &a);
        CHECK_INT(a.first.handled, 1);
        identity id;
        CHECK_INT(identity_for_account(d, acct, "tg", &id), MB_OK);
        CHECK(id.unreachable_at != 0);
        CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM outbox WHERE chat_id = ?1 AND state = 'pending'", user), 0);
        CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM outbox WHERE chat_id = ?1 AND state = 'failed'", user), 1);
        CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM outbox WHERE chat_id = 42 AND state = 'pending'", 0), 1);
        free(a.items);
    }
    cJSON_Delete(updates);
    db_close(d);
}

/* A corpus private text message with its text and language replaced. */
static cJSON *private_message_saying(const char *text, const char *language_code)
{
    cJSON *updates = named_updates("update_message_private_text_link_preview.json");
    cJSON *msg = cJSON_GetObjectItem(cJSON_GetArrayItem(updates, 0), "message");
    if (!msg) { cJSON_Delete(updates); return NULL; }
    cJSON_ReplaceItemInObject(msg, "text", cJSON_CreateString(text));
    cJSON *from = cJSON_GetObjectItem(msg, "from");
    cJSON_ReplaceItemInObject(from, "language_code", cJSON_CreateString(language_code));
    return updates;
}

TEST(start_without_code_asks_for_an_invite)
{
    static const char *langs[] = {"en", "ru"};
    for (int l = 0; l < 2; l++) {
        cJSON *updates = private_message_saying("/start", langs[l]);
        db *d = unit_db_open(NULL, 0);
        CHECK(updates != NULL);
        CHECK(d != NULL);
        if (updates && d) {
            applied a;
            apply_twice(d, updates, &a);
            CHECK_INT(a.first.handled, 1);
            CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM outbox", 0), 1);
            unit_rows rows;
            unit_db_chat_rows(d, a.items[0].ev.chat_id, &rows);
            CHECK_INT(rows.n, 1);
            CHECK_STR(rows.text[0], i18n_text(texts, langs[l], "start.need_invite"));
            CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM accounts", 0), 0);
            free(a.items);
        }
        cJSON_Delete(updates);
        db_close(d);
    }
    /* The two languages really differ, so the check above can tell them apart. */
    CHECK(strcmp(i18n_text(texts, "en", "start.need_invite"), i18n_text(texts, "ru", "start.need_invite")) != 0);
}

/* The corpus update with its sender's (and private chat's) id set to user. */
static cJSON *with_sender(const char *name, const char *holder, int64_t user)
{
    cJSON *updates = named_updates(name);
    cJSON *obj = cJSON_GetObjectItem(cJSON_GetArrayItem(updates, 0), holder);
    cJSON *from = cJSON_GetObjectItem(obj, "from");
    if (!from) {
        cJSON_Delete(updates);
        return NULL;
    }
    cJSON_ReplaceItemInObject(from, "id", cJSON_CreateNumber((double)user));
    cJSON *chat = cJSON_GetObjectItem(strcmp(holder, "callback_query") == 0 ? cJSON_GetObjectItem(obj, "message") : obj,
                                      "chat");
    if (chat) cJSON_ReplaceItemInObject(chat, "id", cJSON_CreateNumber((double)user));
    return updates;
}

/*
 * Telegram's user ids are positive. An update "from" 0 or a negative id
 * (a channel's id, or forged) must not reach the dispatcher: a valid
 * invite sent from it makes no account, a button press gets no answer,
 * and a block changes no one. The same update from a real id does each.
 */
TEST(updates_from_user_id_zero_or_negative_are_refused)
{
    static const int64_t users[] = {0, -42, -1001555296434LL, 7};
    for (size_t u = 0; u < sizeof users / sizeof users[0]; u++) {
        int64_t user = users[u];
        int real = user > 0;
        db *d = unit_db_open(NULL, 0);
        CHECK(d != NULL);
        if (!d) continue;
        int64_t org_id = 0, invite_id = 0;
        char code[INVITE_CODE_LEN + 1] = "";
        CHECK_INT(org_add(d, "Школа №1", "Asia/Tomsk", &org_id), MB_OK);
        CHECK_INT(invite_create(d, "role", org_id, "mentee", 5, clock_now_ms() + 86400000, 0, "test", code, &invite_id),
                  MB_OK);
        char start[64];
        snprintf(start, sizeof start, "/start %s", code);

        cJSON *updates = private_message_saying(start, "ru");
        cJSON *msg = cJSON_GetObjectItem(cJSON_GetArrayItem(updates, 0), "message");
        cJSON_ReplaceItemInObject(cJSON_GetObjectItem(msg, "from"), "id", cJSON_CreateNumber((double)user));
        cJSON_ReplaceItemInObject(cJSON_GetObjectItem(msg, "chat"), "id", cJSON_CreateNumber((double)user));
        applied a;
        apply_twice(d, updates, &a);
        CHECK_INT(a.n, 1);
        CHECK_INT(a.first.handled, real);
        CHECK_INT(a.first.ignored, !real);
        CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM accounts", 0), real);
        CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM outbox", 0) > 0, real);
        if (!real) CHECK_CONTAINS(unit_sql_text(db_handle(d), "SELECT reason FROM inbox"), "not a positive number");
        free(a.items);
        cJSON_Delete(updates);

        updates = with_sender("update_callback_query_complex.json", "callback_query", user);
        CHECK(updates != NULL);
        if (updates) {
            long long answers = unit_db_int(d, "SELECT COUNT(*) FROM outbox WHERE kind = 'answer'", 0);
            apply_twice(d, updates, &a);
            CHECK_INT(a.n, 1);
            CHECK_INT(a.first.ignored, !real);
            CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM outbox WHERE kind = 'answer'", 0), answers + real);
            free(a.items);
            cJSON_Delete(updates);
        }

        updates = with_sender("update_my_chat_member_bot_blocked_kicked.json", "my_chat_member", user);
        CHECK(updates != NULL);
        if (updates) {
            apply_twice(d, updates, &a);
            CHECK_INT(a.n, 1);
            CHECK_INT(a.n == 1 ? (int)a.items[0].ev.kind : -1, real ? EVENT_BLOCKED : EVENT_NONE);
            /* a block fails what was queued to the chat: the replies above */
            CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM outbox WHERE state = 'failed'", 0) > 0, real);
            free(a.items);
            cJSON_Delete(updates);
        }
        CHECK(unit_db_integrity_ok(d));
        db_close(d);
    }
}

TEST(button_press_from_unknown_user_is_refused)
{
    static const char *files[] = {"update_callback_query_complex.json",
                                  "getupdates_callback_query_inline_keyboard.json",
                                  "update_callback_query_big_keyboard.json"};
    for (size_t f = 0; f < 3; f++) {
        cJSON *updates = named_updates(files[f]);
        db *d = unit_db_open(NULL, 0);
        CHECK(updates != NULL);
        if (updates && d) {
            applied a;
            apply_twice(d, updates, &a);
            CHECK_INT(a.first.failed, 0);
            CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM accounts", 0), 0);
            CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM outbox WHERE kind <> 'answer'", 0), 0);
            if (a.n == 1 && a.items[0].ev.kind == EVENT_BUTTON) {
                CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM outbox WHERE kind = 'answer'", 0), 1);
                CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM inbox WHERE status = 'done'", 0), 1);
            }
            free(a.items);
        }
        cJSON_Delete(updates);
        db_close(d);
    }
}

/* A photo is passed on in its largest size, whatever the order of the
 * sizes; a document keeps its name and size; the caption is the text. */
TEST(photos_and_documents_become_attachments)
{
    static const char photo[] =
        "{\"update_id\":7,\"message\":{\"message_id\":3,\"from\":{\"id\":42,\"first_name\":\"A\"},"
        "\"chat\":{\"id\":42,\"type\":\"private\"},\"date\":1,\"caption\":\"мой рисунок\","
        "\"media_group_id\":\"13578\",\"photo\":["
        "{\"file_id\":\"MID\",\"file_unique_id\":\"u2\",\"width\":320,\"height\":240,\"file_size\":9000},"
        "{\"file_id\":\"BIG\",\"file_unique_id\":\"u3\",\"width\":1280,\"height\":960,\"file_size\":90000},"
        "{\"file_id\":\"SMALL\",\"file_unique_id\":\"u1\",\"width\":90,\"height\":67,\"file_size\":900}]}}";
    static const char document[] =
        "{\"update_id\":8,\"message\":{\"message_id\":4,\"from\":{\"id\":42,\"first_name\":\"A\"},"
        "\"chat\":{\"id\":42,\"type\":\"private\"},\"date\":1,\"document\":{\"file_id\":\"DOC1\","
        "\"file_unique_id\":\"d1\",\"file_name\":\"план.pdf\",\"mime_type\":\"application/pdf\","
        "\"file_size\":12345}}}";
    event ev;
    int64_t id;
    const char *kind;
    cJSON *u = cJSON_Parse(photo);
    CHECK_INT(tg_update_to_event(u, &ev, &id, &kind), MB_OK);
    CHECK_INT(ev.kind, EVENT_MESSAGE);
    CHECK_INT(ev.attachment.kind, EVENT_ATTACHMENT_PHOTO);
    CHECK_STR(ev.attachment.ref, "BIG");
    CHECK_INT(ev.attachment.file_size, 90000);
    CHECK_STR(ev.text, "мой рисунок");
    CHECK_INT(ev.attachment.count, 1);
    CHECK_STR(ev.attachment.album_id, "13578");
    cJSON_Delete(u);
    u = cJSON_Parse(document);
    CHECK_INT(tg_update_to_event(u, &ev, &id, &kind), MB_OK);
    CHECK_INT(ev.attachment.kind, EVENT_ATTACHMENT_DOCUMENT);
    CHECK_STR(ev.attachment.ref, "DOC1");
    CHECK_STR(ev.attachment.file_name, "план.pdf");
    CHECK_INT(ev.attachment.file_size, 12345);
    CHECK(ev.text == NULL && ev.attachment.album_id == NULL);
    cJSON_Delete(u);
    /* a plain text has none; a photo without file ids is none either */
    u = cJSON_Parse("{\"update_id\":9,\"message\":{\"message_id\":5,\"from\":{\"id\":42},"
                    "\"chat\":{\"id\":42,\"type\":\"private\"},\"text\":\"hi\",\"photo\":[{\"width\":5}]}}");
    CHECK_INT(tg_update_to_event(u, &ev, &id, &kind), MB_OK);
    CHECK_INT(ev.attachment.kind, EVENT_ATTACHMENT_NONE);
    cJSON_Delete(u);
}

TEST(group_chats_get_no_replies)
{
    static const char *files[] = {"update_message_dice_emoji.json", "message_group_migrate_to_chat_id.json"};
    for (size_t f = 0; f < 2; f++) {
        cJSON *updates = named_updates(files[f]);
        db *d = unit_db_open(NULL, 0);
        CHECK(updates != NULL);
        if (updates && d) {
            applied a;
            apply_twice(d, updates, &a);
            CHECK_INT(a.n, 1);
            if (a.n == 1) CHECK_INT(a.items[0].ev.is_private, 0);
            CHECK_INT(unit_db_int(d, "SELECT COUNT(*) FROM outbox", 0), 0);
            free(a.items);
        }
        cJSON_Delete(updates);
        db_close(d);
    }
}

int main(void)
{
    texts = unit_load_catalogs();
    if (!texts) return 1;
    env = (bot_env){.texts = texts, .default_language = "ru", .consent_age = 14};
    unit_register_messengers("mentorbot_sim_bot", 0, NULL);
    RUN(every_corpus_file_goes_through_the_parser);
    RUN(error_answers_keep_code_wait_and_migration);
    RUN(update_ids_and_waits_past_their_limits);
    RUN(bot_blocked_membership_updates_are_blocked_events);
    RUN(updates_from_user_id_zero_or_negative_are_refused);
    RUN(blocking_user_becomes_unreachable_and_loses_queued_messages);
    RUN(start_without_code_asks_for_an_invite);
    RUN(button_press_from_unknown_user_is_refused);
    RUN(group_chats_get_no_replies);
    RUN(photos_and_documents_become_attachments);
    i18n_free(texts);
    return unit_summary();
}

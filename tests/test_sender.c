/*
 * The sender's view of Telegram: outbox rows rendered into Bot API calls,
 * answers (and missing answers) classified into what the sender does next,
 * and replies split and checked against Telegram's limits when queued.
 */
#include "tests/unit.h"
#include "tests/unit_messengers.h"

#include "bot/config.h"
#include "bot/telegram/telegram.h"
#include "handlers/reply.h"
#include "storage/db.h"
#include "storage/outbox.h"
#include "util/json.h"
#include "util/text.h"

#include <ev.h>
#include <stdlib.h>
#include <string.h>

#define API_BASE "http://127.0.0.1:18081"
#define TOKEN "123456:TEST-sender-token"

static db *test_db;
static config cfg;
static bot_env env;
static char username[64];
static tg_client *client;
static transport *tr;

static int setup(void)
{
    char path[512], err[512] = "";
    snprintf(path, sizeof path, "%s/sender.db", unit_tmpdir());
    if (db_open(path, DB_SYNC_NORMAL, &test_db, err, sizeof err)) {
        fprintf(stderr, "db_open: %s\n", err);
        return -1;
    }
    config_defaults(&cfg);
    snprintf(cfg.tg_token, sizeof cfg.tg_token, "%s", TOKEN);
    snprintf(cfg.tg_api_base, sizeof cfg.tg_api_base, "%s", API_BASE);
    env = (bot_env){.default_language = "ru", .consent_age = 14};
    unit_register_messengers("mentorbot_sim_bot", 0, NULL);
    client = tg_new(ev_default_loop(0), NULL, test_db, &env, &cfg, username, (tg_hooks){0});
    if (!client) return -1;
    tr = tg_transport(client);
    return 0;
}

static outbox_row make_row(const char *kind, int64_t chat, const char *body)
{
    outbox_row r;
    memset(&r, 0, sizeof r);
    r.id = 1;
    snprintf(r.platform, sizeof r.platform, "tg");
    snprintf(r.kind, sizeof r.kind, "%s", kind);
    r.chat_id = chat;
    r.body = (char *)body;
    return r;
}

/* Classifies an answer to a rendered row of kind. */
static send_result classify(const char *kind, long status, const char *body, CURLcode curl, int request_sent)
{
    const char *row_body = strcmp(kind, "edit") == 0   ? "{\"message_id\":5,\"text\":\"x\",\"buttons\":[]}"
                           : strcmp(kind, "answer") == 0 ? "{\"button_id\":\"77\"}"
                                                         : "{\"text\":\"x\"}";
    outbox_row row = make_row(kind, 42, row_body);
    api_call call;
    send_result out;
    memset(&out, 0, sizeof out);
    if (tg_render(tr, &row, &call)) {
        CHECK(!"row did not render");
        out.outcome = (send_outcome)-1;
        return out;
    }
    http_response resp;
    memset(&resp, 0, sizeof resp);
    resp.status = status;
    resp.curl_code = curl;
    resp.request_sent = request_sent;
    if (curl != CURLE_OK) snprintf(resp.error, sizeof resp.error, "%s", curl_easy_strerror(curl));
    resp.body = (char *)(body ? body : "");
    resp.body_len = body ? strlen(body) : 0;
    tg_classify(tr, &row, &call, &resp, &out);
    api_call_clear(&call);
    return out;
}

TEST(ok_answer_is_delivered_with_its_message_id)
{
    send_result r = classify("text", 200,
                             "{\"ok\":true,\"result\":{\"message_id\":4711,\"chat\":{\"id\":42,\"type\":\"private\"},"
                             "\"date\":1700000000,\"text\":\"x\"}}", CURLE_OK, 1);
    CHECK_INT(r.outcome, SEND_OK);
    CHECK_INT(r.message_id, 4711);
    CHECK_INT(r.http_status, 200);

    r = classify("answer", 200, "{\"ok\":true,\"result\":true}", CURLE_OK, 1);
    CHECK_INT(r.outcome, SEND_OK);
    CHECK_INT(r.message_id, 0);
}

TEST(too_many_requests_waits_as_told)
{
    send_result r = classify("text", 429,
                             "{\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests: retry after 14\","
                             "\"parameters\":{\"retry_after\":14}}", CURLE_OK, 1);
    CHECK_INT(r.outcome, SEND_RETRY);
    CHECK_INT(r.retry_after_ms, 14000);
    CHECK_INT(r.error_code, 429);
    CHECK_INT(r.http_status, 429);
    CHECK_CONTAINS(r.description, "Too Many Requests");

    r = classify("text", 429, "{\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests: retry after 3\"}",
                 CURLE_OK, 1);
    CHECK_INT(r.outcome, SEND_RETRY);
    CHECK_INT(r.retry_after_ms, 3000);
}

TEST(blocked_user_is_marked_blocked)
{
    send_result r = classify("text", 403,
                             "{\"ok\":false,\"error_code\":403,\"description\":\"Forbidden: bot was blocked by the user\"}",
                             CURLE_OK, 1);
    CHECK_INT(r.outcome, SEND_BLOCKED);
    CHECK_INT(r.error_code, 403);
    CHECK_STR(r.description, "Forbidden: bot was blocked by the user");

    r = classify("text", 403, "{\"ok\":false,\"error_code\":403,\"description\":\"Forbidden: user is deactivated\"}",
                 CURLE_OK, 1);
    CHECK_INT(r.outcome, SEND_BLOCKED);
}

TEST(bad_requests_fail_for_good_except_not_modified)
{
    send_result r = classify("edit", 400,
                             "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: message is not modified\"}",
                             CURLE_OK, 1);
    CHECK_INT(r.outcome, SEND_OK);

    r = classify("text", 400,
                 "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: can't parse entities: "
                 "unsupported start tag \\\"b1\\\" at byte offset 0\"}",
                 CURLE_OK, 1);
    CHECK_INT(r.outcome, SEND_FAILED);
    CHECK_INT(r.error_code, 400);
    CHECK_INT(r.http_status, 400);
    CHECK_STR(r.description, "Bad Request: can't parse entities: unsupported start tag \"b1\" at byte offset 0");

    r = classify("text", 401, "{\"ok\":false,\"error_code\":401,\"description\":\"Unauthorized\"}", CURLE_OK, 1);
    CHECK_INT(r.outcome, SEND_FATAL);
}

TEST(server_errors_and_broken_answers_are_retried)
{
    send_result r = classify("text", 500,
                             "{\"ok\":false,\"error_code\":500,\"description\":\"Internal Server Error\"}", CURLE_OK, 1);
    CHECK_INT(r.outcome, SEND_RETRY);
    CHECK_INT(r.error_code, 500);

    r = classify("text", 502, "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
                 CURLE_OK, 1);
    CHECK_INT(r.outcome, SEND_RETRY);
    CHECK_INT(r.http_status, 502);

    /* A 200 whose body cannot be read may hide a delivered message. */
    r = classify("text", 200, "{\"ok\":tr", CURLE_OK, 1);
    CHECK_INT(r.outcome, SEND_UNKNOWN);
}

TEST(lost_answers_are_unknown_only_when_repeating_could_duplicate)
{
    send_result r = classify("text", 0, NULL, CURLE_OPERATION_TIMEDOUT, 1);
    CHECK_INT(r.outcome, SEND_UNKNOWN);
    CHECK(r.description[0] != 0);

    r = classify("edit", 0, NULL, CURLE_OPERATION_TIMEDOUT, 1);
    CHECK_INT(r.outcome, SEND_RETRY);

    r = classify("text", 0, NULL, CURLE_OPERATION_TIMEDOUT, 0);
    CHECK_INT(r.outcome, SEND_RETRY);

    r = classify("text", 0, NULL, CURLE_COULDNT_CONNECT, 0);
    CHECK_INT(r.outcome, SEND_RETRY);

    /* A connection closed without an answer after the whole request went
     * out: Telegram may have carried it out, so it is checked, not resent. */
    r = classify("text", 0, NULL, CURLE_GOT_NOTHING, 1);
    CHECK_INT(r.outcome, SEND_UNKNOWN);

    r = classify("text", 0, NULL, CURLE_SEND_ERROR, 0);
    CHECK_INT(r.outcome, SEND_RETRY);
}

/* The corpus answers classified as a sendMessage would be. */
TEST(corpus_error_answers_classify)
{
    static const struct { const char *file; send_outcome outcome; int64_t wait_ms; } cases[] = {
        {"error_403_bot_blocked_by_user.json", SEND_BLOCKED, 0},
        {"error_403_user_deactivated.json", SEND_BLOCKED, 0},
        {"error_429_retry_after_14.json", SEND_RETRY, 14000},
        {"error_429_retry_after_placeholder_x.json", SEND_RETRY, 123000},
        {"error_429_legacy_no_parameters_2016.json", SEND_RETRY, 3000},
        {"error_400_message_not_modified_short.json", SEND_OK, 0},
        {"error_400_group_migrated.json", SEND_FAILED, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/conformance/telegram/%s", unit_shared_dir(), cases[i].file);
        char *body = unit_read_file(path, NULL);
        CHECK(body != NULL);
        if (!body) continue;
        cJSON *parsed = cJSON_Parse(body);
        long status = (long)json_int(parsed, "error_code", NULL);
        cJSON_Delete(parsed);
        send_result r = classify("text", status, body, CURLE_OK, 1);
        if (r.outcome != cases[i].outcome) fprintf(stderr, "  %s\n", cases[i].file);
        CHECK_INT(r.outcome, cases[i].outcome);
        if (cases[i].wait_ms) CHECK_INT(r.retry_after_ms, cases[i].wait_ms);
        free(body);
    }
}

TEST(text_row_becomes_send_message_with_keyboard)
{
    outbox_row row = make_row("text", -1001555296434LL,
                              "{\"text\":\"Выберите роль 😀\",\"buttons\":[[{\"text\":\"Наставник\",\"data\":\"role:mentor\"},"
                              "{\"text\":\"Ученик\",\"data\":\"role:mentee\"}],[{\"text\":\"Отмена\",\"data\":\"cancel\"}]]}");
    api_call call;
    CHECK_INT(tg_render(tr, &row, &call), MB_OK);
    CHECK_STR(call.url, API_BASE "/bot" TOKEN "/sendMessage");
    CHECK_INT(call.idempotent, 0);
    CHECK(call.json != NULL);
    cJSON *req = cJSON_Parse(call.json);
    CHECK_STR(json_str(req, "text"), "Выберите роль 😀");
    CHECK_CONTAINS(call.json, "\"chat_id\":-1001555296434");
    const cJSON *kb = cJSON_GetObjectItem(json_obj(req, "reply_markup"), "inline_keyboard");
    CHECK_INT(cJSON_GetArraySize(kb), 2);
    const cJSON *first = cJSON_GetArrayItem(cJSON_GetArrayItem(kb, 0), 0);
    const cJSON *second = cJSON_GetArrayItem(cJSON_GetArrayItem(kb, 0), 1);
    const cJSON *cancel = cJSON_GetArrayItem(cJSON_GetArrayItem(kb, 1), 0);
    CHECK_STR(json_str(first, "text"), "Наставник");
    CHECK_STR(json_str(first, "callback_data"), "role:mentor");
    CHECK_STR(json_str(second, "callback_data"), "role:mentee");
    CHECK_STR(json_str(cancel, "callback_data"), "cancel");
    cJSON_Delete(req);
    api_call_clear(&call);

    /* Without buttons there is no keyboard at all. */
    row = make_row("text", 42, "{\"text\":\"plain\"}");
    CHECK_INT(tg_render(tr, &row, &call), MB_OK);
    CHECK(call.json && !strstr(call.json, "reply_markup"));
    api_call_clear(&call);
}

TEST(answer_and_edit_rows_render_their_methods)
{
    outbox_row row = make_row("answer", 42, "{\"button_id\":\"4382bfdwdsb323b2d9\",\"text\":\"Готово\"}");
    api_call call;
    CHECK_INT(tg_render(tr, &row, &call), MB_OK);
    CHECK_STR(call.url, API_BASE "/bot" TOKEN "/answerCallbackQuery");
    cJSON *req = cJSON_Parse(call.json ? call.json : "");
    CHECK_STR(json_str(req, "callback_query_id"), "4382bfdwdsb323b2d9");
    CHECK_STR(json_str(req, "text"), "Готово");
    CHECK_INT(call.idempotent, 1);
    cJSON_Delete(req);
    api_call_clear(&call);

    row = make_row("edit", 42, "{\"message_id\":3572,\"text\":\"Новый текст\",\"buttons\":[]}");
    CHECK_INT(tg_render(tr, &row, &call), MB_OK);
    CHECK_STR(call.url, API_BASE "/bot" TOKEN "/editMessageText");
    req = cJSON_Parse(call.json ? call.json : "");
    CHECK_INT(json_int(req, "message_id", NULL), 3572);
    CHECK_INT(json_int(req, "chat_id", NULL), 42);
    CHECK_STR(json_str(req, "text"), "Новый текст");
    /* An edit with no buttons removes the old keyboard. */
    CHECK(json_obj(req, "reply_markup") != NULL);
    CHECK_INT(call.idempotent, 1);
    cJSON_Delete(req);
    api_call_clear(&call);

    /* what reply_edit queues now: the message as the event named it */
    row = make_row("edit", 42, "{\"message\":\"3573\",\"text\":\"Новый текст\",\"buttons\":[]}");
    CHECK_INT(tg_render(tr, &row, &call), MB_OK);
    req = cJSON_Parse(call.json ? call.json : "");
    CHECK_INT(json_int(req, "message_id", NULL), 3573);
    cJSON_Delete(req);
    api_call_clear(&call);
    row = make_row("edit", 42, "{\"message\":\"mid.0a\",\"text\":\"Новый текст\",\"buttons\":[]}");
    CHECK_INT(tg_render(tr, &row, &call), MB_ERR_INVALID);   /* no Telegram message is named so */
    api_call_clear(&call);
}

/* A photo or file Telegram already holds goes by its file_id, as JSON with
 * the caption and the buttons: nothing is uploaded. */
TEST(a_file_telegram_holds_is_sent_by_its_file_id)
{
    outbox_row row = make_row("photo", 42, "{\"ref\":\"AgACAgIAAxkBAAIB\",\"caption\":\"Сообщение от Пети\","
                                           "\"buttons\":[[{\"text\":\"Ответить\",\"data\":\"pr:w:1:2\"}]]}");
    api_call call;
    CHECK_INT(tg_render(tr, &row, &call), MB_OK);
    CHECK_STR(call.url, API_BASE "/bot" TOKEN "/sendPhoto");
    CHECK(call.file.path == NULL && call.json != NULL);
    cJSON *req = cJSON_Parse(call.json ? call.json : "");
    CHECK_STR(json_str(req, "photo"), "AgACAgIAAxkBAAIB");
    CHECK_STR(json_str(req, "caption"), "Сообщение от Пети");
    CHECK_INT(json_int(req, "chat_id", NULL), 42);
    const cJSON *kb = cJSON_GetObjectItem(json_obj(req, "reply_markup"), "inline_keyboard");
    CHECK_STR(json_str(cJSON_GetArrayItem(cJSON_GetArrayItem(kb, 0), 0), "callback_data"), "pr:w:1:2");
    cJSON_Delete(req);
    api_call_clear(&call);

    row = make_row("document", 42, "{\"ref\":\"BQACAgIAAxkBAAIC\"}");
    CHECK_INT(tg_render(tr, &row, &call), MB_OK);
    CHECK_STR(call.url, API_BASE "/bot" TOKEN "/sendDocument");
    req = cJSON_Parse(call.json ? call.json : "");
    CHECK_STR(json_str(req, "document"), "BQACAgIAAxkBAAIC");
    CHECK(json_str(req, "caption") == NULL && json_obj(req, "reply_markup") == NULL);
    cJSON_Delete(req);
    api_call_clear(&call);
}

TEST(rows_that_cannot_be_sent_are_refused)
{
    api_call call;
    outbox_row row = make_row("text", 42, "not json");
    CHECK_INT(tg_render(tr, &row, &call), MB_ERR_INVALID);
    row = make_row("text", 42, "{\"text\":\"\"}");
    CHECK_INT(tg_render(tr, &row, &call), MB_ERR_INVALID);
    row = make_row("answer", 42, "{\"text\":\"no id\"}");
    CHECK_INT(tg_render(tr, &row, &call), MB_ERR_INVALID);
    row = make_row("sticker", 42, "{\"text\":\"x\"}");
    CHECK_INT(tg_render(tr, &row, &call), MB_ERR_INVALID);
    api_call_clear(&call);
}

/* Rows queued by reply_to_chat for chat, oldest first (bodies parsed). */
static int queued_bodies(int64_t chat, cJSON **bodies, int max)
{
    sqlite3_stmt *st;
    int n = 0;
    if (sqlite3_prepare_v2(db_handle(test_db), "SELECT body FROM outbox WHERE chat_id = ?1 ORDER BY id", -1, &st,
                           NULL) != SQLITE_OK)
        return -1;
    sqlite3_bind_int64(st, 1, chat);
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (n < max) bodies[n] = cJSON_Parse((const char *)sqlite3_column_text(st, 0));
        n++;
    }
    sqlite3_finalize(st);
    return n;
}

TEST(long_reply_is_split_with_buttons_on_the_last_piece)
{
    size_t len = 9000;
    char *text = malloc(len + 1);
    if (!text) { CHECK(text != NULL); return; }
    for (size_t i = 0; i < len; i++) text[i] = (char)('a' + i % 26);
    text[len] = 0;
    keyboard kb = {0};
    kb_button(&kb, "Да", "yes");
    kb_button(&kb, "Нет", "no");
    CHECK_INT(reply_to_chat(test_db, "tg", 9001, 0, text, &kb), MB_OK);
    kb_free(&kb);

    cJSON *bodies[8] = {0};
    int n = queued_bodies(9001, bodies, 8);
    CHECK_INT(n, 3);
    size_t joined = 0;
    int ok_prefix = 1;
    for (int i = 0; i < n && i < 8; i++) {
        const char *piece = json_str(bodies[i], "text");
        CHECK(piece != NULL);
        if (!piece) continue;
        CHECK(text_utf16_len(piece) <= 4096);
        if (strncmp(text + joined, piece, strlen(piece)) != 0) ok_prefix = 0;
        joined += strlen(piece);
        int has_buttons = cJSON_GetObjectItem(bodies[i], "buttons") != NULL;
        CHECK_INT(has_buttons, i == n - 1);
    }
    CHECK(ok_prefix);
    CHECK_INT(joined, len);
    if (n == 3) {
        const cJSON *kbrows = cJSON_GetObjectItem(bodies[2], "buttons");
        CHECK_STR(json_str(cJSON_GetArrayItem(cJSON_GetArrayItem(kbrows, 0), 1), "data"), "no");
    }
    for (int i = 0; i < n && i < 8; i++) cJSON_Delete(bodies[i]);
    free(text);
}

/* A photo the reader's messenger holds goes to their chat; a caption too
 * long to go under it goes just before it as a text, and a reader on the
 * other messenger gets nothing. */
TEST(a_held_photo_reaches_an_account_on_its_own_messenger_only)
{
    int64_t reader = 0, other = 0;
    CHECK_INT(account_create(test_db, "tg", 9101, 9101, "ru", &reader), MB_OK);
    CHECK_INT(account_create(test_db, "vk", 9102, 9102, "ru", &other), MB_OK);
    keyboard kb = {0};
    kb_button(&kb, "Ответить", "pr:w:1:2");
    CHECK_INT(reply_attachment_to_account(test_db, reader, "tg", EVENT_ATTACHMENT_PHOTO, "AgPH", "Подпись", &kb), MB_OK);
    cJSON *bodies[4] = {0};
    int n = queued_bodies(9101, bodies, 4);
    CHECK_INT(n, 1);
    CHECK_STR(json_str(bodies[0], "ref"), "AgPH");
    CHECK_STR(json_str(bodies[0], "caption"), "Подпись");
    CHECK(cJSON_GetObjectItem(bodies[0], "buttons") != NULL);
    for (int i = 0; i < n && i < 4; i++) cJSON_Delete(bodies[i]);

    char caption[1100];
    memset(caption, 'x', sizeof caption - 1);
    caption[sizeof caption - 1] = 0;
    CHECK_INT(reply_attachment_to_account(test_db, reader, "tg", EVENT_ATTACHMENT_DOCUMENT, "BQDOC", caption, &kb),
              MB_OK);
    n = queued_bodies(9101, bodies, 4);
    CHECK_INT(n, 3);
    if (n == 3) {
        CHECK_STR(json_str(bodies[1], "text"), caption);
        CHECK_STR(json_str(bodies[2], "ref"), "BQDOC");
        CHECK(json_str(bodies[2], "caption") == NULL);
        CHECK(cJSON_GetObjectItem(bodies[2], "buttons") != NULL);
    }
    for (int i = 0; i < n && i < 4; i++) cJSON_Delete(bodies[i]);

    CHECK_INT(reply_attachment_to_account(test_db, other, "tg", EVENT_ATTACHMENT_PHOTO, "AgPH", "Подпись", &kb),
              MB_ERR_DENIED);
    CHECK_INT(queued_bodies(9102, bodies, 4), 0);

    /* Someone on both messengers who prefers VK gets a Telegram photo in Telegram. */
    CHECK_INT(identity_add(test_db, "tg", 9103, 9103, other), MB_OK);
    CHECK_INT(account_set_preferred(test_db, other, "vk"), MB_OK);
    CHECK_INT(reply_attachment_to_account(test_db, other, "tg", EVENT_ATTACHMENT_PHOTO, "AgPH2", NULL, &kb), MB_OK);
    CHECK_INT(queued_bodies(9102, bodies, 4), 0);
    n = queued_bodies(9103, bodies, 4);
    CHECK_INT(n, 1);
    if (n == 1) CHECK_STR(json_str(bodies[0], "ref"), "AgPH2");
    for (int i = 0; i < n && i < 4; i++) cJSON_Delete(bodies[i]);
    kb_free(&kb);
}

TEST(button_data_over_64_bytes_queues_nothing)
{
    char data[66];
    memset(data, 'd', 65);
    data[65] = 0;
    keyboard kb = {0};
    kb_button(&kb, "ok", "fine");
    kb_button(&kb, "too long", data);
    CHECK_INT(reply_to_chat(test_db, "tg", 9002, 0, "Choose", &kb), MB_ERR_LIMIT);
    kb_free(&kb);
    cJSON *bodies[2] = {0};
    CHECK_INT(queued_bodies(9002, bodies, 2), 0);

    /* Exactly 64 bytes is what Telegram allows. */
    data[64] = 0;
    keyboard edge = {0};
    kb_button(&edge, "edge", data);
    CHECK_INT(reply_to_chat(test_db, "tg", 9003, 0, "Choose", &edge), MB_OK);
    kb_free(&edge);
    int n = queued_bodies(9003, bodies, 2);
    CHECK_INT(n, 1);
    for (int i = 0; i < n && i < 2; i++) cJSON_Delete(bodies[i]);
}

static check_outcome check_answer(long status, const char *body, CURLcode curl, int64_t *wait)
{
    http_response resp;
    memset(&resp, 0, sizeof resp);
    resp.status = status;
    resp.curl_code = curl;
    resp.body = (char *)(body ? body : "");
    resp.body_len = body ? strlen(body) : 0;
    char why[256];
    int64_t found = 0;
    return tr->classify_check(tr, NULL, &resp, &found, wait, why, sizeof why);
}

TEST(delivery_check_asks_for_the_same_text_and_buttons)
{
    outbox_row row = make_row("text", 42, "{\"text\":\"Как вас зовут?\",\"buttons\":[[{\"text\":\"Да\",\"data\":\"y\"}]]}");
    api_call call;
    CHECK(tr->render_check != NULL);
    CHECK_INT(tr->render_check(tr, &row, 17, &call), MB_OK);
    CHECK_STR(call.url, API_BASE "/bot" TOKEN "/editMessageText");
    cJSON *req = cJSON_Parse(call.json);
    CHECK_INT(json_int(req, "message_id", NULL), 17);
    CHECK_INT(json_int(req, "chat_id", NULL), 42);
    CHECK_STR(json_str(req, "text"), "Как вас зовут?");
    CHECK_CONTAINS(call.json, "\"callback_data\":\"y\"");
    cJSON_Delete(req);
    api_call_clear(&call);
    /* only plain texts can be checked */
    row = make_row("document", 42, "{\"path\":\"/tmp/x.xlsx\"}");
    CHECK(tr->render_check(tr, &row, 17, &call) != MB_OK);
    api_call_clear(&call);
}

TEST(delivery_check_answers_say_where_the_message_is)
{
    int64_t wait = 0;
    CHECK_INT(check_answer(400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: message is not modified: "
                                "specified new message content and reply markup are exactly the same\"}", CURLE_OK, &wait),
              CHECK_FOUND);
    CHECK_INT(check_answer(200, "{\"ok\":true,\"result\":{\"message_id\":17}}", CURLE_OK, &wait), CHECK_FOUND);
    CHECK_INT(check_answer(400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: message can't be edited\"}",
                           CURLE_OK, &wait), CHECK_OTHERS);
    CHECK_INT(check_answer(400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: message to edit not found\"}",
                           CURLE_OK, &wait), CHECK_NO_MESSAGE);
    CHECK_INT(check_answer(429, "{\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests: retry after 14\","
                                "\"parameters\":{\"retry_after\":14}}", CURLE_OK, &wait), CHECK_RETRY);
    CHECK_INT(wait, 14000);
    CHECK_INT(check_answer(0, NULL, CURLE_OPERATION_TIMEDOUT, &wait), CHECK_RETRY);
    CHECK_INT(check_answer(403, "{\"ok\":false,\"error_code\":403,\"description\":\"Forbidden: bot was blocked by the user\"}",
                           CURLE_OK, &wait), CHECK_BLOCKED);
    CHECK_INT(check_answer(400, "{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: chat not found\"}", CURLE_OK,
                           &wait), CHECK_INCONCLUSIVE);
    CHECK_INT(check_answer(200, "<html>", CURLE_OK, &wait), CHECK_INCONCLUSIVE);
    CHECK_INT(check_answer(502, "<html>Bad Gateway</html>", CURLE_OK, &wait), CHECK_RETRY);
}

int main(void)
{
    if (setup()) return 1;
    RUN(ok_answer_is_delivered_with_its_message_id);
    RUN(too_many_requests_waits_as_told);
    RUN(blocked_user_is_marked_blocked);
    RUN(bad_requests_fail_for_good_except_not_modified);
    RUN(server_errors_and_broken_answers_are_retried);
    RUN(lost_answers_are_unknown_only_when_repeating_could_duplicate);
    RUN(corpus_error_answers_classify);
    RUN(text_row_becomes_send_message_with_keyboard);
    RUN(answer_and_edit_rows_render_their_methods);
    RUN(rows_that_cannot_be_sent_are_refused);
    RUN(a_file_telegram_holds_is_sent_by_its_file_id);
    RUN(long_reply_is_split_with_buttons_on_the_last_piece);
    RUN(button_data_over_64_bytes_queues_nothing);
    RUN(a_held_photo_reaches_an_account_on_its_own_messenger_only);
    RUN(delivery_check_asks_for_the_same_text_and_buttons);
    RUN(delivery_check_answers_say_where_the_message_is);
    tg_free(client);
    db_close(test_db);
    return unit_summary();
}

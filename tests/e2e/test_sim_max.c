/*
 * The simulator's MAX side on its own, spoken to over HTTP the way the bot
 * will speak to it: the token in the Authorization header, the long poll
 * with its marker and types, users' messages, presses and bot_started /
 * bot_stopped from the control API, POST /messages with its checks, edits,
 * a chat's messages listed (GET /messages), callback answers, the
 * three-step file upload with attachment.not.ready, MAX's error bodies
 * forced through /sim/max/error, and the webhook subscriptions (listed,
 * removed, holding the long poll). The last test
 * drives it with bot/max's own parser and sender, making their HTTP calls
 * as the sender will once MAX is wired: the two sides must agree.
 */
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "bot/max/max_parse.h"
#include "bot/max/max_send.h"
#include "tests/e2e/harness.h"
#include "tests/unit.h"
#include "util/strbuf.h"

#define USER 7001LL
#define TOKEN "Authorization: max-test-token"

static sim_proc sim;
static int sim_up;

#define get sim_json_at
#define num sim_json_num
#define str sim_json_str

/* One call to the simulated MAX: path under the simulator ("/max/...") or
 * a whole URL it gave; a JSON body, or a file as the multipart part
 * "data" when file is set. The answer as JSON (caller deletes). */
static cJSON *call(const char *method, const char *path, const char *auth, const char *body, const char *file,
                   long *status)
{
    char url[512];
    strbuf answer;
    struct curl_slist *headers = NULL;
    curl_mime *mime = NULL;
    cJSON *json = NULL;
    CURL *curl = curl_easy_init();
    sb_init(&answer, 1u << 20);
    *status = 0;
    if (!curl) goto out;
    if (strncmp(path, "http://", 7) == 0) snprintf(url, sizeof url, "%s", path);
    else snprintf(url, sizeof url, "%s%s", sim.base, path);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, sb_collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
    headers = curl_slist_append(headers, "Expect:");
    if (auth) headers = curl_slist_append(headers, auth);
    if (file) {
        mime = curl_mime_init(curl);
        curl_mimepart *part = curl_mime_addpart(mime);
        curl_mime_name(part, "data");
        curl_mime_filename(part, "report.pdf");
        curl_mime_data(part, file, CURL_ZERO_TERMINATED);
        curl_easy_setopt(curl, CURLOPT_MIMEPOST, mime);
    } else if (strcmp(method, "GET") != 0) {
        headers = curl_slist_append(headers, "Content-Type: application/json");
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body ? body : "");
        if (strcmp(method, "POST") != 0) curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, status);
    json = answer.len ? cJSON_Parse(sb_str(&answer)) : NULL;
out:
    curl_mime_free(mime);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    sb_free(&answer);
    return json;
}

static cJSON *api(const char *method, const char *path, const char *body, long *status)
{
    return call(method, path, TOKEN, body, NULL, status);
}

static long long next_marker(void)
{
    cJSON *r = sim_getf(&sim, "/sim/stats");
    long long marker = num(r, "max.next_marker");
    cJSON_Delete(r);
    return marker;
}

/* Sends text to USER; returns the HTTP status and the error key in code. */
static long send_text(const char *body, char *code, size_t size)
{
    long status;
    cJSON *r = api("POST", "/max/messages?user_id=7001", body, &status);
    snprintf(code, size, "%s", str(r, "code") ? str(r, "code") : "");
    cJSON_Delete(r);
    return status;
}

TEST(a_users_message_comes_out_of_the_long_poll_with_the_next_marker)
{
    if (sim_fresh(&sim)) return;
    long long marker = next_marker();
    cJSON *r = sim_postf(&sim, "/sim/max/message", "{\"user_id\":%lld,\"text\":\"привет\",\"name\":\"Аня\"}", USER);
    CHECK_INT(num(r, "update"), marker);
    cJSON_Delete(r);
    char path[128];
    long status;
    snprintf(path, sizeof path, "/max/updates?marker=%lld&timeout=0", marker);
    r = api("GET", path, NULL, &status);
    CHECK_INT(status, 200);
    CHECK_INT(num(r, "marker"), marker + 1);
    const cJSON *u = cJSON_GetArrayItem(get(r, "updates"), 0);
    CHECK_STR(str(u, "update_type"), "message_created");
    CHECK_STR(str(u, "message.body.text"), "привет");
    CHECK_INT(num(u, "message.sender.user_id"), USER);
    CHECK_STR(str(u, "message.sender.first_name"), "Аня");
    CHECK_STR(str(u, "message.recipient.chat_type"), "dialog");
    CHECK(strncmp(str(u, "message.body.mid") ? str(u, "message.body.mid") : "", "mid.", 4) == 0);
    cJSON_Delete(r);
    /* the marker moved past it: nothing again */
    snprintf(path, sizeof path, "/max/updates?marker=%lld&timeout=0", marker + 1);
    r = api("GET", path, NULL, &status);
    CHECK_INT(cJSON_GetArraySize(get(r, "updates")), 0);
    CHECK_INT(num(r, "marker"), marker + 1);
    cJSON_Delete(r);

    /* types filters; without a marker only the latest update comes */
    cJSON_Delete(sim_postf(&sim, "/sim/max/start", "{\"user_id\":%lld}", USER));
    cJSON_Delete(sim_postf(&sim, "/sim/max/message", "{\"user_id\":%lld,\"text\":\"два\"}", USER));
    snprintf(path, sizeof path, "/max/updates?marker=%lld&timeout=0&types=message_created", marker + 1);
    r = api("GET", path, NULL, &status);
    CHECK_INT(cJSON_GetArraySize(get(r, "updates")), 1);
    CHECK_STR(str(cJSON_GetArrayItem(get(r, "updates"), 0), "message.body.text"), "два");
    CHECK_INT(num(r, "marker"), marker + 3);
    cJSON_Delete(r);
    r = api("GET", "/max/updates?timeout=0", NULL, &status);
    CHECK_INT(cJSON_GetArraySize(get(r, "updates")), 1);
    cJSON_Delete(r);
}

TEST(the_token_must_come_in_the_authorization_header)
{
    if (sim_fresh(&sim)) return;
    long status;
    cJSON *r = call("GET", "/max/updates?timeout=0&access_token=max-test-token", NULL, NULL, NULL, &status);
    CHECK_INT(status, 401);
    CHECK_STR(str(r, "code"), "verify.token");
    cJSON_Delete(r);
    r = api("GET", "/max/no-such-path", NULL, &status);
    CHECK_INT(status, 404);
    cJSON_Delete(r);
}

TEST(sending_needs_a_user_who_started_the_bot_and_a_valid_body)
{
    if (sim_fresh(&sim)) return;
    char code[64];
    CHECK_INT(send_text("{\"text\":\"hi\"}", code, sizeof code), 403);   /* never wrote */
    CHECK_STR(code, "chat.denied");
    long long marker = next_marker();
    cJSON_Delete(sim_postf(&sim, "/sim/max/start", "{\"user_id\":%lld,\"payload\":\"INV-42\"}", USER));
    long status;
    char path[128];
    snprintf(path, sizeof path, "/max/updates?marker=%lld&timeout=0", marker);
    cJSON *r = api("GET", path, NULL, &status);
    CHECK_STR(str(cJSON_GetArrayItem(get(r, "updates"), 0), "update_type"), "bot_started");
    CHECK_STR(str(cJSON_GetArrayItem(get(r, "updates"), 0), "payload"), "INV-42");
    cJSON_Delete(r);

    r = api("POST", "/max/messages?user_id=7001",
            "{\"text\":\"Выбери роль\",\"attachments\":[{\"type\":\"inline_keyboard\",\"payload\":{\"buttons\":"
            "[[{\"type\":\"callback\",\"text\":\"Наставник\",\"payload\":\"role:mentor\"}]]}}]}", &status);
    CHECK_INT(status, 200);
    CHECK_STR(str(r, "message.body.text"), "Выбери роль");
    CHECK_INT(num(r, "message.recipient.user_id"), USER);
    cJSON_Delete(r);
    /* the sent log has the refused call first, then this one */
    r = sim_getf(&sim, "/sim/max/sent?chat_id=%lld", USER);
    const cJSON *refused = cJSON_GetArrayItem(get(r, "calls"), 0), *sent = cJSON_GetArrayItem(get(r, "calls"), 1);
    CHECK(cJSON_IsFalse(get(refused, "ok")));
    CHECK_STR(str(sent, "method"), "max.messages");
    CHECK_STR(str(sent, "params.text"), "Выбери роль");
    CHECK_STR(str(sent, "params.attachments.0.payload.buttons.0.0.payload"), "role:mentor");
    cJSON_Delete(r);

    char body[4200] = "{\"text\":\"";
    size_t n = strlen(body);
    for (int i = 0; i < 4001; i++) body[n++] = 'x';
    snprintf(body + n, sizeof body - n, "\"}");
    CHECK_INT(send_text(body, code, sizeof code), 400);
    CHECK_STR(code, "proto.payload");
    CHECK_INT(send_text("{\"text\":\"x\",\"format\":\"bbcode\"}", code, sizeof code), 400);
    CHECK_INT(send_text("{\"text\":\"x\",\"attachments\":[{\"type\":\"file\",\"payload\":{\"token\":\"forged\"}}]}",
                        code, sizeof code), 400);

    /* stopped: refused until the user starts the bot again */
    cJSON_Delete(sim_postf(&sim, "/sim/max/stop", "{\"user_id\":%lld}", USER));
    CHECK_INT(send_text("{\"text\":\"hi\"}", code, sizeof code), 403);
    CHECK_STR(code, "chat.denied");
    cJSON_Delete(sim_postf(&sim, "/sim/max/start", "{\"user_id\":%lld}", USER));
    CHECK_INT(send_text("{\"text\":\"hi\"}", code, sizeof code), 200);
}

TEST(a_press_is_answered_once_and_the_message_edited_by_its_mid)
{
    if (sim_fresh(&sim)) return;
    cJSON_Delete(sim_postf(&sim, "/sim/max/start", "{\"user_id\":%lld}", USER));
    long status;
    cJSON *r = api("POST", "/max/messages?user_id=7001", "{\"text\":\"Страница 1\"}", &status);
    char mid[64];
    snprintf(mid, sizeof mid, "%s", str(r, "message.body.mid") ? str(r, "message.body.mid") : "");
    cJSON_Delete(r);
    r = sim_postf(&sim, "/sim/max/callback", "{\"user_id\":%lld,\"payload\":\"page:2\",\"mid\":\"%s\"}", USER, mid);
    char id[64], path[256];
    snprintf(id, sizeof id, "%s", str(r, "callback_id") ? str(r, "callback_id") : "");
    cJSON_Delete(r);
    snprintf(path, sizeof path, "/max/answers?callback_id=%s", id);
    r = api("POST", path, "{\"notification\":\"Готово\"}", &status);
    CHECK_INT(status, 200);
    CHECK(cJSON_IsTrue(get(r, "success")));
    cJSON_Delete(r);
    r = api("POST", path, "{}", &status);
    CHECK_INT(status, 400);
    cJSON_Delete(r);

    snprintf(path, sizeof path, "/max/messages?message_id=%s", mid);
    r = api("PUT", path, "{\"text\":\"Страница 2\",\"attachments\":[]}", &status);
    CHECK_INT(status, 200);
    cJSON_Delete(r);
    r = api("PUT", "/max/messages?message_id=mid.0000", "{\"text\":\"x\"}", &status);
    CHECK_INT(status, 404);
    cJSON_Delete(r);
}

TEST(a_chat_lists_its_messages_newest_first_with_edits_applied)
{
    if (sim_fresh(&sim)) return;
    cJSON_Delete(sim_postf(&sim, "/sim/max/start", "{\"user_id\":%lld}", USER));
    long status;
    cJSON *r = api("POST", "/max/messages?user_id=7001", "{\"text\":\"Вопрос 1\"}", &status);
    char mid[64], path[256];
    snprintf(mid, sizeof mid, "%s", str(r, "message.body.mid") ? str(r, "message.body.mid") : "");
    long long dialog = num(r, "message.recipient.chat_id");
    cJSON_Delete(r);
    cJSON_Delete(sim_postf(&sim, "/sim/max/message", "{\"user_id\":%lld,\"text\":\"Ответ\"}", USER));
    snprintf(path, sizeof path, "/max/messages?message_id=%s", mid);
    cJSON_Delete(api("PUT", path, "{\"text\":\"Вопрос 1 ✓\",\"attachments\":[]}", &status));
    CHECK_INT(status, 200);

    snprintf(path, sizeof path, "/max/messages?chat_id=%lld&count=10", dialog);
    r = api("GET", path, NULL, &status);
    CHECK_INT(status, 200);
    CHECK_INT(cJSON_GetArraySize(get(r, "messages")), 2);
    CHECK_STR(str(r, "messages.0.body.text"), "Ответ");   /* the user's, newest first */
    CHECK(!cJSON_IsTrue(get(r, "messages.0.sender.is_bot")));
    CHECK_STR(str(r, "messages.1.body.mid"), mid);
    CHECK_STR(str(r, "messages.1.body.text"), "Вопрос 1 ✓");   /* as edited */
    CHECK(cJSON_IsTrue(get(r, "messages.1.sender.is_bot")));
    CHECK(num(r, "messages.0.timestamp") >= num(r, "messages.1.timestamp"));
    cJSON_Delete(r);
    snprintf(path, sizeof path, "/max/messages?chat_id=%lld&count=1", dialog);
    r = api("GET", path, NULL, &status);
    CHECK_INT(cJSON_GetArraySize(get(r, "messages")), 1);
    cJSON_Delete(r);

    /* the user's id is not the dialog's; a stopped dialog is refused */
    r = api("GET", "/max/messages?chat_id=7001", NULL, &status);
    CHECK_INT(status, 404);
    cJSON_Delete(r);
    cJSON_Delete(sim_postf(&sim, "/sim/max/stop", "{\"user_id\":%lld}", USER));
    snprintf(path, sizeof path, "/max/messages?chat_id=%lld", dialog);
    r = api("GET", path, NULL, &status);
    CHECK_INT(status, 403);
    CHECK_STR(str(r, "code"), "chat.denied");
    cJSON_Delete(r);
}

TEST(a_file_goes_up_in_three_steps_and_may_not_be_ready_at_once)
{
    if (sim_fresh(&sim)) return;
    cJSON_Delete(sim_postf(&sim, "/sim/max/start", "{\"user_id\":%lld}", USER));
    long status;
    cJSON *r = api("POST", "/max/uploads?type=file", "", &status);
    CHECK_INT(status, 200);
    char url[256];
    snprintf(url, sizeof url, "%s", str(r, "url") ? str(r, "url") : "");
    cJSON_Delete(r);
    CHECK(strstr(url, "/max-upload/file.") != NULL);
    r = call("POST", url, NULL, NULL, "%PDF-1.4 отчёт", &status);
    CHECK_INT(status, 200);
    char token[64], body[256];
    snprintf(token, sizeof token, "%s", str(r, "token") ? str(r, "token") : "");
    cJSON_Delete(r);
    size_t len = 0;
    char path[128];
    snprintf(path, sizeof path, "/sim/max/file/%s", token);
    char *bytes = sim_fetch(&sim, path, &len);
    CHECK(bytes && len == strlen("%PDF-1.4 отчёт") && memcmp(bytes, "%PDF-1.4 отчёт", len) == 0);
    free(bytes);

    cJSON_Delete(sim_postf(&sim, "/sim/max/not_ready", "{\"times\":1}"));
    snprintf(body, sizeof body, "{\"text\":\"Отчёт\",\"attachments\":[{\"type\":\"file\",\"payload\":{\"token\":\"%s\"}}]}",
             token);
    char code[64];
    CHECK_INT(send_text(body, code, sizeof code), 400);
    CHECK_STR(code, "attachment.not.ready");
    CHECK_INT(send_text(body, code, sizeof code), 200);
}

/* A picture's upload answers the map of its versions; the message shows a
 * sent file under the name it was uploaded with and a url that serves its
 * bytes, as the user would open it. */
TEST(a_picture_uploads_as_photos_and_a_sent_file_shows_its_name)
{
    if (sim_fresh(&sim)) return;
    cJSON_Delete(sim_postf(&sim, "/sim/max/start", "{\"user_id\":%lld}", USER));
    long status;
    char url[256], token[64], body[256], path[256];
    cJSON *r = api("POST", "/max/uploads?type=image", "", &status);
    snprintf(url, sizeof url, "%s", str(r, "url") ? str(r, "url") : "");
    cJSON_Delete(r);
    r = call("POST", url, NULL, NULL, "PNG bytes", &status);
    CHECK_INT(status, 200);
    CHECK(str(r, "token") == NULL);
    const cJSON *photo = get(r, "photos") ? get(r, "photos")->child : NULL;
    snprintf(token, sizeof token, "%s", photo && str(photo, "token") ? str(photo, "token") : "");
    CHECK(token[0] != 0);
    /* attached by the map the upload answered, as the bot does */
    char *photos = cJSON_PrintUnformatted(get(r, "photos"));
    snprintf(body, sizeof body, "{\"attachments\":[{\"type\":\"image\",\"payload\":{\"photos\":%s}}]}",
             photos ? photos : "null");
    free(photos);
    cJSON_Delete(r);
    r = api("POST", "/max/messages?user_id=7001", body, &status);
    CHECK_INT(status, 200);
    CHECK_STR(str(r, "message.body.attachments.0.payload.token"), token);
    const char *shown = str(r, "message.body.attachments.0.payload.url");
    const char *at = shown ? strstr(shown, "/sim/max/file/") : NULL;
    snprintf(path, sizeof path, "%s", at ? at : "");
    cJSON_Delete(r);
    size_t len = 0;
    char *bytes = path[0] ? sim_fetch(&sim, path, &len) : NULL;
    CHECK(bytes && len == 9 && memcmp(bytes, "PNG bytes", 9) == 0);
    free(bytes);

    r = api("POST", "/max/uploads?type=file", "", &status);
    snprintf(url, sizeof url, "%s", str(r, "url") ? str(r, "url") : "");
    cJSON_Delete(r);
    r = call("POST", url, NULL, NULL, "%PDF-1.4", &status);
    snprintf(token, sizeof token, "%s", str(r, "token") ? str(r, "token") : "");
    cJSON_Delete(r);
    snprintf(body, sizeof body, "{\"text\":\"Отчёт\",\"attachments\":[{\"type\":\"file\",\"payload\":{\"token\":\"%s\"}}]}",
             token);
    r = api("POST", "/max/messages?user_id=7001", body, &status);
    CHECK_INT(status, 200);
    CHECK_STR(str(r, "message.body.attachments.0.filename"), "report.pdf");
    CHECK_INT(num(r, "message.body.attachments.0.size"), 8);
    cJSON_Delete(r);
}

TEST(forced_errors_and_rate_limits_answer_max_error_bodies)
{
    if (sim_fresh(&sim)) return;
    cJSON_Delete(sim_postf(&sim, "/sim/max/start", "{\"user_id\":%lld}", USER));
    cJSON_Delete(sim_postf(&sim, "/sim/max/error", "{\"method\":\"messages\",\"code\":\"too.many.requests\"}"));
    char code[64];
    CHECK_INT(send_text("{\"text\":\"a\"}", code, sizeof code), 429);
    CHECK_STR(code, "too.many.requests");
    CHECK_INT(send_text("{\"text\":\"a\"}", code, sizeof code), 200);   /* once only */
    cJSON_Delete(sim_postf(&sim, "/sim/max/error", "{\"method\":\"messages\",\"code\":\"verify.token\"}"));
    CHECK_INT(send_text("{\"text\":\"a\"}", code, sizeof code), 401);
    CHECK_STR(code, "verify.token");

    cJSON_Delete(sim_postf(&sim, "/sim/limits", "{\"per_chat_per_s\":1}"));
    CHECK_INT(send_text("{\"text\":\"b\"}", code, sizeof code), 200);
    CHECK_INT(send_text("{\"text\":\"c\"}", code, sizeof code), 429);
    CHECK_STR(code, "too.many.requests");
    cJSON *r = sim_getf(&sim, "/sim/stats");
    CHECK(num(r, "limit_violations") >= 1);
    cJSON_Delete(r);
}

/* ---- the parser and the sender against the simulator ---- */

/* Makes the HTTP call a rendered api_call describes, as the sender's
 * launch() will for MAX: method, the auth header, a JSON body or the file
 * as multipart. resp->body (caller frees) holds the answer. */
static void perform(const api_call *c, http_response *resp)
{
    strbuf answer;
    struct curl_slist *headers = NULL;
    curl_mime *mime = NULL;
    CURL *curl = curl_easy_init();
    memset(resp, 0, sizeof *resp);
    sb_init(&answer, 1u << 20);
    curl_easy_setopt(curl, CURLOPT_URL, c->url);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, sb_collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
    headers = curl_slist_append(headers, "Expect:");
    if (c->auth_header) headers = curl_slist_append(headers, c->auth_header);
    if (c->file.path) {
        mime = curl_mime_init(curl);
        curl_mimepart *part = curl_mime_addpart(mime);
        curl_mime_name(part, c->file.field);
        curl_mime_filedata(part, c->file.path);
        curl_mime_filename(part, c->file.filename);
        curl_easy_setopt(curl, CURLOPT_MIMEPOST, mime);
    } else if (c->method && strcmp(c->method, "GET") == 0) {
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);   /* a GET has no body, as the sender sends it */
    } else {
        headers = curl_slist_append(headers, "Content-Type: application/json");
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, c->json ? c->json : "");
        if (c->method) curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, c->method);
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    resp->curl_code = curl_easy_perform(curl);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &resp->status);
    resp->request_sent = 1;
    resp->body_len = answer.len;
    resp->body = sb_take(&answer);
    if (!resp->body) resp->body = strdup("");
    curl_mime_free(mime);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    sb_free(&answer);
}

/* Renders row and makes its calls until an outcome other than SEND_NEXT;
 * *calls gets how many HTTP calls it took. */
static send_outcome deliver(transport *t, const outbox_row *row, int *calls)
{
    api_call c;
    send_result out = {0};
    *calls = 0;
    if (t->render(t, row, &c) != MB_OK) return SEND_FAILED;
    do {
        http_response resp;
        perform(&c, &resp);
        ++*calls;
        t->classify(t, row, &c, &resp, &out);
        free(resp.body);
    } while (out.outcome == SEND_NEXT && *calls < 8);
    api_call_clear(&c);
    return out.outcome;
}

/* One delivery check of row against the simulator; *found (may be NULL)
 * gets the found message's time. */
static check_outcome check_once(transport *t, const outbox_row *row, long long *found)
{
    api_call c;
    if (t->render_check(t, row, 1, &c) != MB_OK) return CHECK_INCONCLUSIVE;
    http_response resp;
    perform(&c, &resp);
    int64_t id = 0, wait = 0;
    char why[256];
    check_outcome out = t->classify_check(t, row, &resp, &id, &wait, why, sizeof why);
    if (found) *found = id;
    free(resp.body);
    api_call_clear(&c);
    return out;
}

/* What a handler would see of the first update from marker on, read by
 * the real parser and copied out of the answer it borrows from. */
typedef struct polled {
    event_kind kind;
    long long chat_id;
    char text[600];
    char data[EVENT_BUTTON_DATA_MAX + 1];
    char button_id[160];
    event_attachment_kind attachment_kind;
    char ref[EVENT_ATTACHMENT_REF_MAX + 1];
    long long order;              /* event.message_id: the update's time */
    long long platform_chat_id;   /* the dialog's own chat_id */
} polled;

/* *marker moves past the batch. */
static void poll_event(long long *marker, polled *p)
{
    char path[128];
    long status = 0;
    memset(p, 0, sizeof *p);
    snprintf(path, sizeof path, "/max/updates?marker=%lld&timeout=0", *marker);
    strbuf answer;
    sb_init(&answer, 1u << 20);
    struct curl_slist *headers = curl_slist_append(NULL, TOKEN);
    CURL *curl = curl_easy_init();
    char url[256];
    snprintf(url, sizeof url, "%s%s", sim.base, path);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, sb_collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer);
    if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    CHECK_INT(status, 200);
    max_update_list l;
    event ev;
    max_event_storage st;
    int64_t key;
    const char *name;
    if (max_parse_updates(sb_str(&answer), answer.len, &l) == MB_OK && l.has_marker) {
        *marker = l.marker;
        const cJSON *u = cJSON_GetArrayItem(l.updates, 0);
        if (u && max_update_to_event(u, &ev, &key, &name, &st) == MB_OK) {
            p->kind = ev.kind;
            p->chat_id = ev.chat_id;
            snprintf(p->text, sizeof p->text, "%s", ev.text ? ev.text : "");
            snprintf(p->data, sizeof p->data, "%s", ev.button_data ? ev.button_data : "");
            snprintf(p->button_id, sizeof p->button_id, "%s", ev.button_id ? ev.button_id : "");
            p->attachment_kind = ev.attachment.kind;
            snprintf(p->ref, sizeof p->ref, "%s", ev.attachment.ref);
            p->order = ev.message_id;
            p->platform_chat_id = ev.platform_chat_id;
        }
    }
    max_update_list_free(&l);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    sb_free(&answer);
}

static outbox_row row_of(int64_t id, const char *kind, const char *body)
{
    outbox_row r;
    memset(&r, 0, sizeof r);
    r.id = id;
    snprintf(r.platform, sizeof r.platform, "max");
    snprintf(r.kind, sizeof r.kind, "%s", kind);
    r.chat_id = USER;
    r.body = (char *)body;
    return r;
}

TEST(the_bots_parser_and_sender_agree_with_the_simulator)
{
    if (sim_fresh(&sim)) return;
    char base[96], body[1024];
    snprintf(base, sizeof base, "%s/max", sim.base);
    max_sender s;
    CHECK_INT(max_sender_init(&s, base, "max-test-token", MAX_FORMAT_HTML), MB_OK);
    transport *t = &s.transport;
    long long marker = next_marker();
    polled p;
    int calls;

    /* an invite link opened in MAX reaches the handlers as /start <code> */
    cJSON_Delete(sim_postf(&sim, "/sim/max/start", "{\"user_id\":%lld,\"payload\":\"inv-7\"}", USER));
    poll_event(&marker, &p);
    CHECK_INT(p.kind, EVENT_MESSAGE);
    CHECK_STR(p.text, "/start inv-7");
    CHECK_INT(p.chat_id, USER);

    outbox_row r = row_of(1, "text", "{\"text\":\"Ты <наставник> & друг?\",\"buttons\":[[{\"text\":\"Да\",\"data\":\"role:yes\"}]]}");
    CHECK_INT(deliver(t, &r, &calls), SEND_OK);
    cJSON *sent = sim_getf(&sim, "/sim/max/sent?chat_id=%lld", USER);
    const cJSON *last = cJSON_GetArrayItem(get(sent, "calls"), cJSON_GetArraySize(get(sent, "calls")) - 1);
    CHECK_STR(str(last, "params.text"), "Ты &lt;наставник&gt; &amp; друг?");
    CHECK_STR(str(last, "params.format"), "html");
    CHECK_STR(str(last, "params.attachments.0.payload.buttons.0.0.payload"), "role:yes");
    long long sent_at = num(last, "result.message.timestamp");
    cJSON_Delete(sent);

    /* its answer lost, the delivery check finds it in the dialog (listed by
     * the chat_id bot_started named), above the floor the start gave */
    CHECK(p.platform_chat_id > 0 && p.platform_chat_id != USER);
    CHECK(p.order > 0 && p.order <= sent_at);
    r.checking = 1;
    r.probe_floor = p.order - 1;
    r.platform_chat_id = p.platform_chat_id;
    CHECK_INT(check_once(t, &r, NULL), CHECK_FOUND);
    long long found = 0;
    CHECK_INT(check_once(t, &r, &found), CHECK_FOUND);
    CHECK_INT(found, sent_at);
    /* a row that never left: above that message, nothing of the bot's */
    outbox_row lost = row_of(9, "text", "{\"text\":\"Ещё вопрос\"}");
    lost.checking = 1;
    lost.probe_floor = sent_at;
    lost.platform_chat_id = p.platform_chat_id;
    CHECK_INT(check_once(t, &lost, NULL), CHECK_ABSENT);
    r.checking = 0;

    /* the press comes back as the button's data, and is answered once */
    cJSON_Delete(sim_postf(&sim, "/sim/max/callback", "{\"user_id\":%lld,\"payload\":\"role:yes\"}", USER));
    poll_event(&marker, &p);
    CHECK_INT(p.kind, EVENT_BUTTON);
    CHECK_STR(p.data, "role:yes");
    snprintf(body, sizeof body, "{\"button_id\":\"%s\",\"text\":\"Принято\"}", p.button_id);
    r = row_of(2, "answer", body);
    CHECK_INT(deliver(t, &r, &calls), SEND_OK);
    CHECK_INT(deliver(t, &r, &calls), SEND_FAILED);

    /* a file: three calls; while MAX processes it the row waits and is not uploaded again */
    char path[512];
    snprintf(path, sizeof path, "%s/report.txt", unit_tmpdir());
    FILE *f = fopen(path, "w");
    if (f) {
        fputs("итоги четверти", f);
        fclose(f);
    }
    snprintf(body, sizeof body, "{\"path\":\"%s\",\"filename\":\"итоги.txt\",\"caption\":\"Итоги\"}", path);
    r = row_of(3, "document", body);
    cJSON_Delete(sim_postf(&sim, "/sim/max/not_ready", "{\"times\":1}"));
    CHECK_INT(deliver(t, &r, &calls), SEND_RETRY);
    CHECK_INT(calls, 3);
    r.attempts = 1;
    CHECK_INT(deliver(t, &r, &calls), SEND_OK);
    CHECK_INT(calls, 1);   /* the kept token, no second upload */
    cJSON *stats = sim_getf(&sim, "/sim/stats");
    CHECK_INT(num(stats, "max.uploads"), 1);
    cJSON_Delete(stats);

    /* a user's own file goes back by its token */
    cJSON *said = sim_postf(&sim, "/sim/max/message", "{\"user_id\":%lld,\"attachments\":[{\"type\":\"file\",\"filename\":\"a.pdf\"}]}", USER);
    cJSON_Delete(said);
    poll_event(&marker, &p);
    CHECK_INT(p.kind, EVENT_MESSAGE);
    CHECK_INT(p.attachment_kind, EVENT_ATTACHMENT_DOCUMENT);
    snprintf(body, sizeof body, "{\"ref\":\"%s\"}", p.ref);
    r = row_of(4, "document", body);
    CHECK_INT(deliver(t, &r, &calls), SEND_OK);

    /* a stopped user is unreachable; a refused token stops the transport */
    cJSON_Delete(sim_postf(&sim, "/sim/max/stop", "{\"user_id\":%lld}", USER));
    poll_event(&marker, &p);
    CHECK_INT(p.kind, EVENT_BLOCKED);
    r = row_of(5, "text", "{\"text\":\"hi\"}");
    CHECK_INT(deliver(t, &r, &calls), SEND_BLOCKED);
    cJSON_Delete(sim_postf(&sim, "/sim/max/start", "{\"user_id\":%lld}", USER));
    cJSON_Delete(sim_postf(&sim, "/sim/max/error", "{\"method\":\"messages\",\"code\":\"verify.token\"}"));
    CHECK_INT(deliver(t, &r, &calls), SEND_FATAL);
    cJSON_Delete(sim_postf(&sim, "/sim/max/error", "{\"method\":\"messages\",\"code\":\"too.many.requests\"}"));
    CHECK_INT(deliver(t, &r, &calls), SEND_RETRY);
}

static long long webhook_refused(void)
{
    cJSON *r = sim_getf(&sim, "/sim/stats");
    long long n = num(r, "max.webhook_refused");
    cJSON_Delete(r);
    return n;
}

static int refused_twice(void *arg) { return webhook_refused() >= *(long long *)arg + 2; }

/* GET and DELETE /subscriptions; while one is held the long poll hands out
 * nothing, and a removed one is posted nothing more. */
TEST(subscriptions_are_listed_removed_and_hold_the_long_poll)
{
    if (sim_fresh(&sim)) return;
    long status;
    cJSON *r = api("GET", "/max/subscriptions", NULL, &status);
    CHECK_INT(status, 200);
    CHECK_INT(cJSON_GetArraySize(get(r, "subscriptions")), 0);
    cJSON_Delete(r);
    /* nobody listens on port 1: every delivery is refused and tried again */
    r = api("POST", "/max/subscriptions",
            "{\"url\":\"https://127.0.0.1:1/hook\",\"update_types\":[\"message_created\"],\"secret\":\"abcde\"}", &status);
    CHECK_INT(status, 200);
    cJSON_Delete(r);
    cJSON_Delete(api("POST", "/max/subscriptions", "{\"url\":\"http://127.0.0.1:1/plain\"}", &status));
    CHECK_INT(status, 200);
    r = api("GET", "/max/subscriptions", NULL, &status);
    CHECK_INT(cJSON_GetArraySize(get(r, "subscriptions")), 2);
    CHECK_STR(str(r, "subscriptions.0.url"), "https://127.0.0.1:1/hook");
    CHECK_STR(str(r, "subscriptions.0.update_types.0"), "message_created");
    CHECK(num(r, "subscriptions.0.time") > 0);
    CHECK(cJSON_IsNull(get(r, "subscriptions.1.update_types")));
    CHECK(get(r, "subscriptions.0.secret") == NULL);
    cJSON_Delete(r);

    long long before = webhook_refused();
    cJSON_Delete(sim_postf(&sim, "/sim/max/message", "{\"user_id\":%lld,\"text\":\"при вебхуке\"}", USER));
    CHECK(wait_until(refused_twice, &before, 5000));
    r = api("GET", "/max/updates?timeout=0", NULL, &status);
    CHECK_INT(status, 200);
    CHECK_INT(cJSON_GetArraySize(get(r, "updates")), 0);
    cJSON_Delete(r);

    r = api("DELETE", "/max/subscriptions?url=https%3A%2F%2F127.0.0.1%3A1%2Fhook", NULL, &status);
    CHECK_INT(status, 200);
    CHECK(cJSON_IsTrue(get(r, "success")));
    cJSON_Delete(r);
    r = api("DELETE", "/max/subscriptions?url=https%3A%2F%2F127.0.0.1%3A1%2Fhook", NULL, &status);
    CHECK(cJSON_IsFalse(get(r, "success")));
    cJSON_Delete(r);
    cJSON_Delete(api("DELETE", "/max/subscriptions", NULL, &status));
    CHECK_INT(status, 400);
    cJSON_Delete(api("DELETE", "/max/subscriptions?url=http://127.0.0.1:1/plain", NULL, &status));
    CHECK_INT(status, 200);
    r = api("GET", "/max/subscriptions", NULL, &status);
    CHECK_INT(cJSON_GetArraySize(get(r, "subscriptions")), 0);
    cJSON_Delete(r);

    /* none left: the long poll hands out the latest update again, and no
     * delivery is tried any more */
    long long refused = webhook_refused();
    r = api("GET", "/max/updates?timeout=0", NULL, &status);
    CHECK_INT(cJSON_GetArraySize(get(r, "updates")), 1);
    CHECK_STR(str(r, "updates.0.message.body.text"), "при вебхуке");
    cJSON_Delete(r);
    cJSON_Delete(sim_postf(&sim, "/sim/max/message", "{\"user_id\":%lld,\"text\":\"после\"}", USER));
    long long more = refused - 1;   /* any attempt at all */
    CHECK(!wait_until(refused_twice, &more, 300));
    CHECK_INT(webhook_refused(), refused);
}

TEST(simulator_exits_cleanly)
{
    CHECK(sim_up);
    CHECK_INT(sim_stop_checked(&sim), 0);
}

int main(void)
{
    unsetenv("MENTORBOT_SIM_DIR");   /* the simulator under test is the sanitized one */
    curl_global_init(CURL_GLOBAL_DEFAULT);
    sim_up = sim_start(&sim) == 0;
    RUN(a_users_message_comes_out_of_the_long_poll_with_the_next_marker);
    RUN(the_token_must_come_in_the_authorization_header);
    RUN(sending_needs_a_user_who_started_the_bot_and_a_valid_body);
    RUN(a_press_is_answered_once_and_the_message_edited_by_its_mid);
    RUN(a_chat_lists_its_messages_newest_first_with_edits_applied);
    RUN(a_file_goes_up_in_three_steps_and_may_not_be_ready_at_once);
    RUN(a_picture_uploads_as_photos_and_a_sent_file_shows_its_name);
    RUN(forced_errors_and_rate_limits_answer_max_error_bodies);
    RUN(the_bots_parser_and_sender_agree_with_the_simulator);
    RUN(subscriptions_are_listed_removed_and_hold_the_long_poll);
    RUN(simulator_exits_cleanly);
    curl_global_cleanup();
    return unit_summary();
}

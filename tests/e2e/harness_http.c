/*
 * Talking to the simulator over HTTP: its control API (/sim/...), Bot API
 * calls made the way the bot makes them, reading its JSON answers, and
 * playing Telegram users in a conversation with the bot.
 */
#include "tests/e2e/harness.h"
#include "tests/e2e/harness_internal.h"

#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit.h"
#include "util/strbuf.h"

#define HARNESS_SENT_WAIT_MS 5000  /* one server-side wait of the sent log */

void harness_curl_init(void)
{
    static int done;
    if (done) return;
    done = 1;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    atexit(curl_global_cleanup);
}

/* One request to the simulator: path is a path on it or a whole URL it
 * gave; the answer's bytes (NUL-terminated, caller frees) and their count. */
static char *request(sim_proc *s, const char *method, const char *path, const char *content_type, const char *body,
                     size_t body_len, long *status, size_t *len)
{
    char url[HARNESS_PATH_MAX], header[256];
    struct curl_slist *headers = NULL;
    strbuf answer;
    char *result = NULL;
    CURL *curl = NULL;
    if (status) *status = 0;
    if (len) *len = 0;
    sb_init(&answer, HARNESS_RESPONSE_MAX);
    harness_curl_init();
    if (!s || !s->base[0] || !path || !(curl = curl_easy_init())) goto out;
    if (strncmp(path, "http://", 7) == 0) snprintf(url, sizeof url, "%s", path);
    else snprintf(url, sizeof url, "%s%s", s->base, path);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, sb_collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, (long)HARNESS_HTTP_TIMEOUT_MS);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    headers = curl_slist_append(headers, "Expect:");
    if (content_type) {
        snprintf(header, sizeof header, "Content-Type: %s", content_type);
        headers = curl_slist_append(headers, header);
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (strcmp(method, "GET") != 0) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body ? body : "");
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(body ? body_len : 0));
        if (strcmp(method, "POST") != 0) curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
    }
    if (curl_easy_perform(curl) != CURLE_OK) goto out;
    if (status) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, status);
    if (len) *len = answer.len;
    result = sb_take(&answer);
out:
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    sb_free(&answer);
    return result;
}

char *sim_request_raw(sim_proc *s, const char *method, const char *path,
                      const char *content_type, const char *body, size_t body_len, long *status)
{
    return request(s, method, path, content_type, body, body_len, status, NULL);
}

char *sim_fetch(sim_proc *s, const char *path, size_t *len)
{
    long status = 0;
    char *bytes = request(s, "GET", path, NULL, NULL, 0, &status, len);
    if (status == 200) return bytes;
    free(bytes);
    *len = 0;
    return NULL;
}

cJSON *sim_request(sim_proc *s, const char *method, const char *path, const char *body,
                   long *status)
{
    char *text = sim_request_raw(s, method, path, body ? "application/json" : NULL, body,
                                 body ? strlen(body) : 0, status);
    cJSON *json = text ? cJSON_Parse(text) : NULL;
    free(text);
    return json;
}

int sim_reset(sim_proc *s)
{
    cJSON *r = sim_request(s, "POST", "/sim/reset", "{}", NULL);
    int ok = cJSON_IsTrue(cJSON_GetObjectItem(r, "ok"));
    cJSON_Delete(r);
    return ok ? 0 : -1;
}

int sim_fresh(sim_proc *s)
{
    int up = s && s->pid > 0;
    CHECK(up);
    if (!up) return -1;
    CHECK(sim_reset(s) == 0);
    return 0;
}

cJSON *sim_postf(sim_proc *s, const char *path, const char *json_fmt, ...)
{
    strbuf body;
    va_list ap;
    sb_init(&body, 0);
    va_start(ap, json_fmt);
    sb_vprintf(&body, json_fmt, ap);
    va_end(ap);
    cJSON *json = body.failed ? NULL : sim_request(s, "POST", path, sb_str(&body), NULL);
    sb_free(&body);
    return json;
}

cJSON *sim_getf(sim_proc *s, const char *path_fmt, ...)
{
    strbuf path;
    va_list ap;
    sb_init(&path, HARNESS_PATH_MAX);
    va_start(ap, path_fmt);
    sb_vprintf(&path, path_fmt, ap);
    va_end(ap);
    cJSON *json = path.failed ? NULL : sim_request(s, "GET", sb_str(&path), NULL, NULL);
    sb_free(&path);
    return json;
}

cJSON *tg_api(sim_proc *s, const char *method, long *status, const char *json_fmt, ...)
{
    char path[HARNESS_PATH_MAX];
    strbuf body;
    va_list ap;
    sb_init(&body, 0);
    va_start(ap, json_fmt);
    sb_vprintf(&body, json_fmt, ap);
    va_end(ap);
    snprintf(path, sizeof path, "/bot123:TEST/%s", method);
    cJSON *json = body.failed ? NULL : sim_request(s, "POST", path, sb_str(&body), status);
    sb_free(&body);
    return json;
}

long long tg_send_text(sim_proc *s, long long chat, const char *text, const char *markup)
{
    long status = 0;
    cJSON *r = tg_api(s, "sendMessage", &status, "{\"chat_id\":%lld,\"text\":\"%s\"%s%s}", chat, text,
                      markup ? ",\"reply_markup\":" : "", markup ? markup : "");
    long long id = status == 200 ? sim_json_num(r, "result.message_id") : -1;
    cJSON_Delete(r);
    return id;
}

const cJSON *sim_json_at(const cJSON *json, const char *path)
{
    char key[128];
    while (json && *path) {
        size_t n = strcspn(path, ".");
        snprintf(key, sizeof key, "%.*s", (int)n, path);
        json = cJSON_IsArray(json) ? cJSON_GetArrayItem(json, atoi(key))
                                   : cJSON_GetObjectItemCaseSensitive(json, key);
        path += n + (path[n] == '.');
    }
    return json;
}

long long sim_json_num(const cJSON *json, const char *path)
{
    const cJSON *v = sim_json_at(json, path);
    return cJSON_IsNumber(v) ? (long long)v->valuedouble : -1;
}

const char *sim_json_str(const cJSON *json, const char *path)
{
    const cJSON *v = sim_json_at(json, path);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* ---- Telegram conversation helpers ---- */

static cJSON *user_object(long long user, const char *first_name, const char *lang)
{
    cJSON *from = cJSON_CreateObject();
    cJSON_AddNumberToObject(from, "id", (double)user);
    cJSON_AddStringToObject(from, "first_name", first_name ? first_name : "User");
    if (lang) cJSON_AddStringToObject(from, "language_code", lang);
    return from;
}

long long sim_post_number(sim_proc *s, const char *path, cJSON *body, const char *key)
{
    long long number = -1;
    char *text = body ? cJSON_PrintUnformatted(body) : NULL;
    cJSON *answer = text ? sim_request(s, "POST", path, text, NULL) : NULL;
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(answer, key);
    if (cJSON_IsNumber(n)) number = (long long)n->valuedouble;
    cJSON_Delete(answer);
    cJSON_Delete(body);
    free(text);
    return number;
}

static long long post_update(sim_proc *s, const char *path, cJSON *body)
{
    return sim_post_number(s, path, body, "update_id");
}

long long tg_say(sim_proc *s, long long user, const char *first_name, const char *lang,
                 const char *text)
{
    cJSON *body = cJSON_CreateObject();
    cJSON_AddItemToObject(body, "from", user_object(user, first_name, lang));
    cJSON_AddStringToObject(body, "text", text);
    return post_update(s, "/sim/tg/message", body);
}

long long tg_say_media(sim_proc *s, long long user, const char *first_name, const char *lang, const char *text,
                       const char *field, cJSON *value, const char *album)
{
    cJSON *body = cJSON_CreateObject();
    cJSON_AddItemToObject(body, "from", user_object(user, first_name, lang));
    if (text) cJSON_AddStringToObject(body, "text", text);
    if (album) cJSON_AddStringToObject(body, "media_group_id", album);
    cJSON_AddItemToObject(body, field, value);
    return post_update(s, "/sim/tg/message", body);
}

long long tg_press(sim_proc *s, long long user, const char *first_name, const char *lang,
                   long long message_id, const char *data)
{
    cJSON *body = cJSON_CreateObject();
    cJSON_AddItemToObject(body, "from", user_object(user, first_name, lang));
    cJSON_AddNumberToObject(body, "message_id", (double)message_id);
    cJSON_AddStringToObject(body, "data", data);
    return post_update(s, "/sim/tg/callback", body);
}

cJSON *harness_sent_calls(sim_proc *s, const char *platform, const char *who_param, long long who, long long after,
                          int wait_ms)
{
    cJSON *answer = who ? sim_getf(s, "/sim/%s/sent?%s=%lld&after=%lld&wait_ms=%d", platform, who_param, who, after,
                                   wait_ms)
                        : sim_getf(s, "/sim/%s/sent?after=%lld&wait_ms=%d", platform, after, wait_ms);
    cJSON *calls = cJSON_DetachItemFromObjectCaseSensitive(answer, "calls");
    cJSON_Delete(answer);
    return cJSON_IsArray(calls) ? calls : (cJSON_Delete(calls), NULL);
}

cJSON *harness_wait_sent(sim_proc *s, const char *platform, const char *who_param, long long who, long long *seq,
                         int timeout_ms, int (*match)(const cJSON *call, const void *arg), const void *arg)
{
    long long deadline = harness_now_ms() + timeout_ms;
    for (;;) {
        long long left = deadline - harness_now_ms();
        if (left < 0) left = 0;
        cJSON *calls = harness_sent_calls(s, platform, who_param, who, *seq,
                                          (int)(left < HARNESS_SENT_WAIT_MS ? left : HARNESS_SENT_WAIT_MS));
        cJSON *call, *found = NULL;
        cJSON_ArrayForEach(call, calls) {
            const cJSON *n = cJSON_GetObjectItemCaseSensitive(call, "seq");
            if (cJSON_IsNumber(n)) *seq = (long long)n->valuedouble;
            if (match(call, arg)) {
                found = cJSON_DetachItemViaPointer(calls, call);
                break;
            }
        }
        int answered = calls != NULL;
        cJSON_Delete(calls);
        if (found) return found;
        if (harness_now_ms() >= deadline) return NULL;
        if (!answered) harness_sleep_ms(20);
    }
}

cJSON *tg_calls(sim_proc *s, long long chat, long long after)
{
    return harness_sent_calls(s, "tg", "chat_id", chat, after, 0);
}

static int shows_in_chat(const char *method)
{
    static const char *visible[] = {"sendMessage", "editMessageText", "editMessageReplyMarkup",
                                    "sendDocument", "sendPhoto"};
    for (size_t i = 0; i < sizeof visible / sizeof *visible; i++)
        if (strcmp(method, visible[i]) == 0) return 1;
    return 0;
}

/* A call of method (any that shows in the chat when NULL) that succeeded. */
static int tg_call_matches(const cJSON *call, const void *arg)
{
    const char *method = arg;
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(call, "method");
    if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(call, "ok")) || !cJSON_IsString(m)) return 0;
    return method ? strcmp(m->valuestring, method) == 0 : shows_in_chat(m->valuestring);
}

cJSON *tg_wait_method(sim_proc *s, long long chat, long long *seq, const char *method,
                      int timeout_ms)
{
    return harness_wait_sent(s, "tg", "chat_id", chat, seq, timeout_ms, tg_call_matches, method);
}

cJSON *tg_wait_call(sim_proc *s, long long chat, long long *seq, int timeout_ms)
{
    return tg_wait_method(s, chat, seq, NULL, timeout_ms);
}

/* The reply_markup a call produced, or the one it sent when the result has
 * none; a markup sent as a JSON string is parsed into *owned. */
static const cJSON *call_markup(const cJSON *call, cJSON **owned)
{
    const cJSON *result = cJSON_GetObjectItemCaseSensitive(call, "result");
    const cJSON *markup = cJSON_GetObjectItemCaseSensitive(result, "reply_markup");
    *owned = NULL;
    if (markup) return markup;
    markup = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(call, "params"), "reply_markup");
    if (cJSON_IsString(markup)) return *owned = cJSON_Parse(markup->valuestring);
    return markup;
}

const char *tg_button_data(const cJSON *call, const char *needle)
{
    static char data[256];
    cJSON *owned;
    const cJSON *markup = call_markup(call, &owned), *row, *button;
    const char *found = NULL;
    const cJSON *keyboard = cJSON_GetObjectItemCaseSensitive(markup, "inline_keyboard");
    cJSON_ArrayForEach(row, keyboard) {
        cJSON_ArrayForEach(button, row) {
            const cJSON *text = cJSON_GetObjectItemCaseSensitive(button, "text");
            const cJSON *cb = cJSON_GetObjectItemCaseSensitive(button, "callback_data");
            if (cJSON_IsString(text) && cJSON_IsString(cb) && strstr(text->valuestring, needle)) {
                snprintf(data, sizeof data, "%s", cb->valuestring);
                found = data;
                goto out;
            }
        }
    }
out:
    cJSON_Delete(owned);
    return found;
}

const char *tg_call_text(const cJSON *call)
{
    const cJSON *result = cJSON_GetObjectItemCaseSensitive(call, "result");
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(call, "params");
    static const char *fields[] = {"text", "caption"};
    for (size_t i = 0; i < 2; i++) {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(result, fields[i]);
        if (!cJSON_IsString(t)) t = cJSON_GetObjectItemCaseSensitive(params, fields[i]);
        if (cJSON_IsString(t)) return t->valuestring;
    }
    return "";
}

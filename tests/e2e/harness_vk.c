/*
 * Playing VK users against the simulator: API calls made the way the bot
 * makes them (form bodies under /method/), messages and button presses
 * through /sim/vk/, and reading back what the bot sent to a conversation,
 * documents included (sim_fetch also reads Telegram's kept files).
 */
#include "tests/e2e/harness.h"
#include "tests/e2e/harness_internal.h"

#include <curl/curl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/strbuf.h"

#define HARNESS_VK_PAYLOAD_MAX 512

static void form_add(strbuf *sb, const char *name, const char *value)
{
    char *n = curl_easy_escape(NULL, name, 0), *v = curl_easy_escape(NULL, value, 0);
    if (n && v) sb_printf(sb, "%s%s=%s", sb->len ? "&" : "", n, v);
    else sb->failed = 1;
    curl_free(n);
    curl_free(v);
}

cJSON *vk_api(sim_proc *s, const char *method, long *status, ...)
{
    char path[HARNESS_PATH_MAX];
    strbuf body;
    va_list ap;
    if (status) *status = 0;
    sb_init(&body, 0);
    form_add(&body, "access_token", HARNESS_VK_TOKEN);
    form_add(&body, "v", "5.199");
    va_start(ap, status);
    for (const char *name; (name = va_arg(ap, const char *));) {
        const char *value = va_arg(ap, const char *);
        form_add(&body, name, value ? value : "");
    }
    va_end(ap);
    snprintf(path, sizeof path, "/method/%s", method);
    char *text = body.failed ? NULL
                             : sim_request_raw(s, "POST", path, "application/x-www-form-urlencoded",
                                               sb_str(&body), body.len, status);
    cJSON *json = text ? cJSON_Parse(text) : NULL;
    free(text);
    sb_free(&body);
    return json;
}

int vk_long_poll_server(sim_proc *s, char *key, size_t key_size, long long *ts)
{
    char group[32];
    snprintf(group, sizeof group, "%lld", HARNESS_VK_GROUP_ID);
    cJSON *r = vk_api(s, "groups.getLongPollServer", NULL, "group_id", group, NULL);
    const cJSON *k = sim_json_at(r, "response.key"), *t = sim_json_at(r, "response.ts");
    int ok = cJSON_IsString(k) && cJSON_IsString(t);
    snprintf(key, key_size, "%s", ok ? k->valuestring : "");
    *ts = ok ? atoll(t->valuestring) : -1;
    cJSON_Delete(r);
    return ok ? 0 : -1;
}

cJSON *vk_a_check(sim_proc *s, const char *key, long long ts, int wait_s)
{
    char *k = curl_easy_escape(NULL, key ? key : "", 0);
    cJSON *r = k ? sim_getf(s, "/vk-lp?act=a_check&key=%s&ts=%lld&wait=%d", k, ts, wait_s) : NULL;
    curl_free(k);
    return r;
}

cJSON *vk_send_text(sim_proc *s, long long peer, long long random_id, const char *text,
                    const char *keyboard)
{
    char p[32], r[32];
    snprintf(p, sizeof p, "%lld", peer);
    snprintf(r, sizeof r, "%lld", random_id);
    if (keyboard)
        return vk_api(s, "messages.send", NULL, "peer_id", p, "random_id", r, "message", text, "keyboard",
                      keyboard, NULL);
    return vk_api(s, "messages.send", NULL, "peer_id", p, "random_id", r, "message", text, NULL);
}

cJSON *vk_send_peer_ids(sim_proc *s, const char *peer_ids, long long random_id, const char *text)
{
    char r[32];
    snprintf(r, sizeof r, "%lld", random_id);
    return vk_api(s, "messages.send", NULL, "peer_ids", peer_ids, "random_id", r, "message", text, NULL);
}

long long vk_error_code(const cJSON *answer)
{
    if (cJSON_GetObjectItemCaseSensitive(answer, "response")) return 0;
    long long code = sim_json_num(answer, "error.error_code");
    return code > 0 ? code : -1;
}

void vk_conf(const sim_proc *s, char *buf, size_t size)
{
    snprintf(buf, size, "[vk]\ntoken = %s\ngroup_id = %lld\napi_base = %s/method\nwait = 1\nrate_per_s = " HARNESS_FAST_RATE
             "\nrate_per_chat_per_s = " HARNESS_FAST_RATE "\n",
             HARNESS_VK_TOKEN, HARNESS_VK_GROUP_ID, s ? s->base : "");
}

static long long post_event(sim_proc *s, const char *path, cJSON *body)
{
    return sim_post_number(s, path, body, "event");
}

static cJSON *message_body(long long user, const char *text)
{
    cJSON *body = cJSON_CreateObject();
    cJSON_AddNumberToObject(body, "from_id", (double)user);
    cJSON_AddNumberToObject(body, "peer_id", (double)user);
    cJSON_AddStringToObject(body, "text", text ? text : "");
    return body;
}

long long vk_say(sim_proc *s, long long user, const char *lang, const char *text)
{
    cJSON *body = message_body(user, text);
    if (lang) cJSON_AddStringToObject(body, "lang", lang);
    return post_event(s, "/sim/vk/message", body);
}

long long vk_say_media(sim_proc *s, long long user, const char *lang, const char *text, cJSON *attachments)
{
    cJSON *body = message_body(user, text);
    if (lang) cJSON_AddStringToObject(body, "lang", lang);
    cJSON_AddItemToObject(body, "attachments", attachments);
    return post_event(s, "/sim/vk/message", body);
}

long long vk_say_payload(sim_proc *s, long long user, const char *text, const char *payload)
{
    cJSON *body = message_body(user, text);
    if (payload) cJSON_AddStringToObject(body, "payload", payload);
    return post_event(s, "/sim/vk/message", body);
}

long long vk_press(sim_proc *s, long long user, long long conversation_message_id,
                   const char *payload_json)
{
    cJSON *body = cJSON_CreateObject();
    cJSON *payload = payload_json ? cJSON_Parse(payload_json) : NULL;
    if (!payload) payload = cJSON_CreateString(payload_json ? payload_json : "");
    cJSON_AddNumberToObject(body, "user_id", (double)user);
    cJSON_AddNumberToObject(body, "peer_id", (double)user);
    cJSON_AddItemToObject(body, "payload", payload);
    cJSON_AddNumberToObject(body, "conversation_message_id", (double)conversation_message_id);
    return post_event(s, "/sim/vk/event", body);
}

cJSON *vk_calls(sim_proc *s, long long peer, long long after)
{
    return harness_sent_calls(s, "vk", "peer_id", peer, after, 0);
}

/* The item of a peer_ids answer for peer (the first item when peer is 0),
 * or NULL. */
static const cJSON *peer_item(const cJSON *result, long long peer)
{
    const cJSON *item;
    cJSON_ArrayForEach(item, result) {
        if (!peer || sim_json_num(item, "peer_id") == peer) return item;
    }
    return NULL;
}

/* A call that put a new or changed message in front of the user (of peer,
 * or of anyone when peer is 0): with peer_ids the item must be no error. */
static int delivered(const cJSON *call, long long peer)
{
    const cJSON *method = cJSON_GetObjectItemCaseSensitive(call, "method");
    const cJSON *fault = cJSON_GetObjectItemCaseSensitive(call, "fault");
    const cJSON *result = cJSON_GetObjectItemCaseSensitive(call, "result"), *item;
    if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(call, "ok")) || !cJSON_IsString(method)) return 0;
    if (cJSON_IsString(fault) && strcmp(fault->valuestring, "random_id_repeat") == 0) return 0;
    if (strcmp(method->valuestring, "messages.edit") == 0) return 1;
    if (strcmp(method->valuestring, "messages.send") != 0) return 0;
    if (!cJSON_IsArray(result)) return 1;
    if (peer) return (item = peer_item(result, peer)) && !cJSON_GetObjectItemCaseSensitive(item, "error");
    cJSON_ArrayForEach(item, result) {
        if (!cJSON_GetObjectItemCaseSensitive(item, "error")) return 1;
    }
    return 0;
}

/* delivered() for the peer arg points at. */
static int delivered_to(const cJSON *call, const void *arg) { return delivered(call, *(const long long *)arg); }

cJSON *vk_wait_call(sim_proc *s, long long peer, long long *seq, int timeout_ms)
{
    return harness_wait_sent(s, "vk", "peer_id", peer, seq, timeout_ms, delivered_to, &peer);
}

const char *vk_call_text(const cJSON *call)
{
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(call, "params");
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(params, "message");
    return cJSON_IsString(text) ? text->valuestring : "";
}

const char *vk_button_payload(const cJSON *call, const char *label_needle)
{
    static char payload[HARNESS_VK_PAYLOAD_MAX];
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(call, "params");
    const cJSON *given = cJSON_GetObjectItemCaseSensitive(params, "keyboard");
    /* The bot sends the keyboard as a form value, so it is JSON in a string. */
    cJSON *parsed = cJSON_IsString(given) ? cJSON_Parse(given->valuestring) : NULL;
    const cJSON *keyboard = parsed ? parsed : given, *row, *button;
    const char *found = NULL;
    cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(keyboard, "buttons")) {
        cJSON_ArrayForEach(button, row) {
            const cJSON *action = cJSON_GetObjectItemCaseSensitive(button, "action");
            const cJSON *label = cJSON_GetObjectItemCaseSensitive(action, "label");
            const cJSON *p = cJSON_GetObjectItemCaseSensitive(action, "payload");
            if (cJSON_IsString(label) && cJSON_IsString(p) && strstr(label->valuestring, label_needle)) {
                snprintf(payload, sizeof payload, "%s", p->valuestring);
                found = payload;
                goto out;
            }
        }
    }
out:
    cJSON_Delete(parsed);
    return found;
}

long long vk_call_message_id(const cJSON *call)
{
    const cJSON *method = cJSON_GetObjectItemCaseSensitive(call, "method");
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(call, "params");
    const cJSON *v = NULL;
    if (!cJSON_IsString(method)) return -1;
    if (strcmp(method->valuestring, "messages.send") == 0) {
        /* With peer_ids the answer is an array of {peer_id, message_id,
         * conversation_message_id}; with a single peer_id, one number. */
        v = cJSON_GetObjectItemCaseSensitive(call, "result");
        if (cJSON_IsArray(v))
            v = cJSON_GetObjectItemCaseSensitive(peer_item(v, 0), "conversation_message_id");
    } else if (strcmp(method->valuestring, "messages.edit") == 0) {
        v = cJSON_GetObjectItemCaseSensitive(params, "conversation_message_id");
        if (!v) v = cJSON_GetObjectItemCaseSensitive(params, "message_id");
    }
    if (cJSON_IsNumber(v)) return (long long)v->valuedouble;
    if (cJSON_IsString(v)) return atoll(v->valuestring);
    return -1;
}

int sim_count_calls(sim_proc *s, const char *platform, long long chat, const char *method, const char *needle)
{
    int vk = strcmp(platform, "vk") == 0, max = strcmp(platform, "max") == 0;
    cJSON *calls = vk ? vk_calls(s, chat, 0) : max ? max_calls(s, chat, 0) : tg_calls(s, chat, 0);
    int n = 0;
    cJSON *c;
    cJSON_ArrayForEach(c, calls) {
        const char *m = cJSON_GetStringValue(cJSON_GetObjectItem(c, "method"));
        const char *fault = cJSON_GetStringValue(cJSON_GetObjectItem(c, "fault"));
        const char *text = vk ? vk_call_text(c) : max ? max_call_text(c) : tg_call_text(c);
        if (m && strcmp(m, method) == 0 && cJSON_IsTrue(cJSON_GetObjectItem(c, "ok")) &&
            !(fault && strcmp(fault, "random_id_repeat") == 0) && (!needle || (text && strstr(text, needle))))
            n++;
    }
    cJSON_Delete(calls);
    return n;
}

int sim_wait_calls(sim_proc *s, const char *platform, long long chat, const char *method, const char *needle,
                   int want, int timeout_ms)
{
    int n = sim_count_calls(s, platform, chat, method, needle);
    for (long long deadline = harness_now_ms() + timeout_ms; n < want && harness_now_ms() < deadline;) {
        usleep(20 * 1000);
        n = sim_count_calls(s, platform, chat, method, needle);
    }
    return n;
}

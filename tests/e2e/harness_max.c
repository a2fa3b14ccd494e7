/*
 * Playing MAX users against the simulator: messages, the Start button
 * with a deep link's payload, button presses and stopping the bot through
 * /sim/max/, and reading back what the bot sent to a dialog.
 */
#include "tests/e2e/harness.h"
#include "tests/e2e/harness_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HARNESS_MAX_PAYLOAD_MAX 1100    /* a callback payload (MAX takes 1024 bytes) */

void max_conf(const sim_proc *s, char *buf, size_t size)
{
    snprintf(buf, size, "[max]\ntoken = %s\napi_base = %s/max\npoll_timeout = 1\nrate_per_s = " HARNESS_FAST_RATE
             "\nrate_per_chat_per_s = " HARNESS_FAST_RATE "\n", HARNESS_MAX_TOKEN, s ? s->base : "");
}

/* POSTs body (taken) to a control endpoint; the update's number, or -1. */
static long long post_update(sim_proc *s, const char *path, cJSON *body)
{
    return sim_post_number(s, path, body, "update");
}

static cJSON *user_body(long long user, const char *name, const char *lang)
{
    cJSON *body = cJSON_CreateObject();
    cJSON_AddNumberToObject(body, "user_id", (double)user);
    if (name) cJSON_AddStringToObject(body, "name", name);
    if (lang) cJSON_AddStringToObject(body, "lang", strncmp(lang, "en", 2) == 0 ? "en-US" : "ru-RU");
    return body;
}

long long max_say(sim_proc *s, long long user, const char *name, const char *lang, const char *text)
{
    cJSON *body = user_body(user, name, lang);
    cJSON_AddStringToObject(body, "text", text ? text : "");
    return post_update(s, "/sim/max/message", body);
}

long long max_say_media(sim_proc *s, long long user, const char *name, const char *lang, const char *text,
                        cJSON *attachments, char *refs, size_t refs_size)
{
    cJSON *body = user_body(user, name, lang);
    if (text) cJSON_AddStringToObject(body, "text", text);
    cJSON_AddItemToObject(body, "attachments", attachments);
    char *json = cJSON_PrintUnformatted(body);
    cJSON *answer = json ? sim_request(s, "POST", "/sim/max/message", json, NULL) : NULL;
    const cJSON *update = cJSON_GetObjectItemCaseSensitive(answer, "update"), *a;
    long long number = cJSON_IsNumber(update) ? (long long)update->valuedouble : -1;
    size_t used = 0;
    refs[0] = 0;
    cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(answer, "attachments")) {
        const char *type = sim_json_str(a, "type"), *token = sim_json_str(a, "payload.token");
        int w = type && token ? snprintf(refs + used, refs_size - used, "%s%s:%s", used ? "," : "", type, token) : 0;
        if (w > 0 && (size_t)w < refs_size - used) used += (size_t)w;
    }
    cJSON_Delete(answer);
    cJSON_Delete(body);
    free(json);
    return number;
}

const char *max_call_media_ref(const cJSON *call)
{
    static char refs[1024];
    size_t used = 0;
    const cJSON *a;
    refs[0] = 0;
    cJSON_ArrayForEach(a, sim_json_at(call, "params.attachments")) {
        const char *type = sim_json_str(a, "type"), *token = sim_json_str(a, "payload.token");
        if (!type || !token || (strcmp(type, "image") != 0 && strcmp(type, "file") != 0)) continue;
        int w = snprintf(refs + used, sizeof refs - used, "%s%s:%s", used ? "," : "", type, token);
        if (w > 0 && (size_t)w < sizeof refs - used) used += (size_t)w;
    }
    return refs;
}

long long max_start_bot(sim_proc *s, long long user, const char *name, const char *lang, const char *payload)
{
    cJSON *body = user_body(user, name, lang);
    if (payload) cJSON_AddStringToObject(body, "payload", payload);
    return post_update(s, "/sim/max/start", body);
}

long long max_stop_bot(sim_proc *s, long long user)
{
    return post_update(s, "/sim/max/stop", user_body(user, NULL, NULL));
}

long long max_press(sim_proc *s, long long user, const char *mid, const char *payload)
{
    cJSON *body = user_body(user, NULL, NULL);
    cJSON_AddStringToObject(body, "payload", payload ? payload : "");
    if (mid && *mid) cJSON_AddStringToObject(body, "mid", mid);
    return post_update(s, "/sim/max/callback", body);
}

cJSON *max_calls(sim_proc *s, long long user, long long after)
{
    return harness_sent_calls(s, "max", "chat_id", user, after, 0);
}

/* A call that put a new or changed message in front of the user. */
static int shown(const cJSON *call, const void *arg)
{
    (void)arg;
    const char *method = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(call, "method"));
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(call, "ok")) && method &&
           (strcmp(method, "max.messages") == 0 || strcmp(method, "max.messages.edit") == 0);
}

cJSON *max_wait_call(sim_proc *s, long long user, long long *seq, int timeout_ms)
{
    return harness_wait_sent(s, "max", "chat_id", user, seq, timeout_ms, shown, NULL);
}

const char *max_call_text(const cJSON *call)
{
    const char *text = sim_json_str(call, "params.text");
    return text ? text : "";
}

const char *max_button_payload(const cJSON *call, const char *label_needle)
{
    static char payload[HARNESS_MAX_PAYLOAD_MAX];
    const cJSON *a, *row, *button;
    cJSON_ArrayForEach(a, sim_json_at(call, "params.attachments")) {
        const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(a, "type"));
        if (!type || strcmp(type, "inline_keyboard") != 0) continue;
        cJSON_ArrayForEach(row, sim_json_at(a, "payload.buttons")) {
            cJSON_ArrayForEach(button, row) {
                const char *text = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(button, "text"));
                const char *p = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(button, "payload"));
                if (text && p && strstr(text, label_needle)) {
                    snprintf(payload, sizeof payload, "%s", p);
                    return payload;
                }
            }
        }
    }
    return NULL;
}

const char *max_call_mid(const cJSON *call)
{
    const char *mid = sim_json_str(call, "result.message.body.mid");
    return mid ? mid : sim_json_str(call, "params.message_id");
}

int max_call_file(const cJSON *call, char *path, size_t path_size, const char **name, const char **caption,
                  int *photo)
{
    const char *method = sim_json_str(call, "method");
    const cJSON *a;
    if (!method || strcmp(method, "max.messages") != 0) return 0;
    cJSON_ArrayForEach(a, sim_json_at(call, "result.message.body.attachments")) {
        const char *type = sim_json_str(a, "type"), *url = sim_json_str(a, "payload.url");
        const char *at = url ? strstr(url, "/sim/max/file/") : NULL;
        if (!type || !at || (strcmp(type, "file") != 0 && strcmp(type, "image") != 0)) continue;
        snprintf(path, path_size, "%s", at);
        *name = sim_json_str(a, "filename");
        *caption = sim_json_str(call, "params.text");
        *photo = strcmp(type, "image") == 0;
        return 1;
    }
    return 0;
}

long long max_share_contact(sim_proc *s, long long user, const char *phone, long long owner)
{
    cJSON *body = user_body(user, NULL, NULL), *list = cJSON_AddArrayToObject(body, "attachments");
    cJSON *contact = cJSON_CreateObject();
    cJSON_AddStringToObject(contact, "type", "contact");
    cJSON_AddStringToObject(contact, "phone", phone ? phone : "");
    cJSON_AddNumberToObject(contact, "user_id", (double)owner);
    cJSON_AddItemToArray(list, contact);
    return post_update(s, "/sim/max/message", body);
}

int max_call_asks_contact(const cJSON *call)
{
    const cJSON *a, *row, *button;
    cJSON_ArrayForEach(a, sim_json_at(call, "params.attachments")) {
        const char *type = sim_json_str(a, "type");
        if (!type || strcmp(type, "inline_keyboard") != 0) continue;
        cJSON_ArrayForEach(row, sim_json_at(a, "payload.buttons")) {
            cJSON_ArrayForEach(button, row) {
                const char *kind = sim_json_str(button, "type");
                if (kind && strcmp(kind, "request_contact") == 0) return 1;
            }
        }
    }
    return 0;
}

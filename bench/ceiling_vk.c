/*
 * The ceiling bot on VK: the community's Bots Long Poll (groups.getLongPollServer,
 * then a_check in a loop) feeding the conversation, and the bodies of the
 * calls the real bot makes there (messages.send to peer_ids with an inline
 * keyboard of callback buttons, messages.sendMessageEventAnswer for a
 * press). See bench/ceiling.h.
 */
#include "bench/ceiling.h"
#include "util/log.h"
#include "bot/http.h"
#include "util/strbuf.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CEILING_VK_API_VERSION "5.199"
#define CEILING_VK_ROW_MAX 5        /* buttons VK takes in one row */

typedef struct vk_poller {
    char key[CEILING_VALUE_MAX], server[CEILING_VALUE_MAX];
    long long ts;
    int announced;                  /* ceiling_poller_ready was called */
} vk_poller;

static void get_server(ceiling *c);

void ceiling_vk_method_url(const ceiling *c, const char *method, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", c->conf.vk_api_base, method);
}

static char *with_auth(const ceiling *c, strbuf *sb)
{
    http_form_param(sb, "access_token", c->conf.vk_token);
    sb_printf(sb, "&v=" CEILING_VK_API_VERSION);
    return sb->failed ? (sb_free(sb), NULL) : sb_take(sb);
}

char *ceiling_vk_send_body(ceiling *c, long long peer, const char *text, const char *keyboard)
{
    strbuf sb;
    sb_init(&sb, 0);
    sb_printf(&sb, "peer_ids=%lld&random_id=%lld", peer, ++c->next_random_id);
    http_form_param(&sb, "message", text);
    if (keyboard) http_form_param(&sb, "keyboard", keyboard);
    return with_auth(c, &sb);
}

char *ceiling_vk_answer_body(ceiling *c, long long user, const char *event_id)
{
    strbuf sb;
    sb_init(&sb, 0);
    http_form_param(&sb, "event_id", event_id);
    sb_printf(&sb, "&user_id=%lld&peer_id=%lld", user, user);
    return with_auth(c, &sb);
}

char *ceiling_vk_keyboard(const char *tg_markup)
{
    cJSON *markup = cJSON_Parse(tg_markup), *kb = cJSON_CreateObject();
    cJSON_AddBoolToObject(kb, "inline", 1);
    cJSON *rows = cJSON_AddArrayToObject(kb, "buttons");
    const cJSON *row, *b;
    cJSON_ArrayForEach(row, cJSON_GetObjectItemCaseSensitive(markup, "inline_keyboard")) {
        cJSON *out = NULL;
        cJSON_ArrayForEach(b, row) {
            if (!out || cJSON_GetArraySize(out) == CEILING_VK_ROW_MAX) {
                out = cJSON_CreateArray();
                cJSON_AddItemToArray(rows, out);
            }
            cJSON *payload = cJSON_CreateObject();
            cJSON_AddStringToObject(payload, "b", cJSON_GetStringValue(cJSON_GetObjectItem(b, "callback_data")));
            char *payload_text = cJSON_PrintUnformatted(payload);
            cJSON_Delete(payload);
            cJSON *button = cJSON_CreateObject(), *action = cJSON_AddObjectToObject(button, "action");
            cJSON_AddStringToObject(action, "type", "callback");
            cJSON_AddStringToObject(action, "label", cJSON_GetStringValue(cJSON_GetObjectItem(b, "text")));
            cJSON_AddStringToObject(action, "payload", payload_text ? payload_text : "{}");
            free(payload_text);
            cJSON_AddItemToArray(out, button);
        }
    }
    char *json = markup ? cJSON_PrintUnformatted(kb) : NULL;
    cJSON_Delete(kb);
    cJSON_Delete(markup);
    return json;
}

/* ---- the Long Poll ---- */

static void a_check(ceiling *c);

/* VK gives ts as a string or a number. */
static long long number_of(const cJSON *item)
{
    if (cJSON_IsNumber(item)) return (long long)item->valuedouble;
    if (cJSON_IsString(item)) return atoll(item->valuestring);
    return -1;
}

static void on_event(ceiling *c, const cJSON *e)
{
    const char *type = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "type"));
    const cJSON *object = cJSON_GetObjectItemCaseSensitive(e, "object");
    if (!type) return;
    if (strcmp(type, "message_new") == 0) {
        const cJSON *message = cJSON_GetObjectItemCaseSensitive(object, "message");
        const char *text = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(message, "text"));
        long long from = number_of(cJSON_GetObjectItemCaseSensitive(message, "from_id"));
        if (text && from > 0) ceiling_on_text(c, CEILING_VK, from, text);
    } else if (strcmp(type, "message_event") == 0) {
        long long user = number_of(cJSON_GetObjectItemCaseSensitive(object, "user_id"));
        const char *event_id = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(object, "event_id"));
        const cJSON *payload = cJSON_GetObjectItemCaseSensitive(object, "payload");
        cJSON *parsed = cJSON_IsString(payload) ? cJSON_Parse(payload->valuestring) : NULL;
        const char *data = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(parsed ? parsed : payload, "b"));
        if (user > 0 && event_id) ceiling_on_button(c, CEILING_VK, user, event_id, data);
        cJSON_Delete(parsed);
    }
}

static void on_events(void *arg, const http_response *resp)
{
    ceiling *c = arg;
    cJSON *answer = resp->status == 200 && resp->body ? cJSON_ParseWithLength(resp->body, resp->body_len) : NULL;
    const cJSON *failed = cJSON_GetObjectItemCaseSensitive(answer, "failed"), *e;
    if (!answer || (failed && number_of(failed) != 1)) {
        /* A key that expired or lost events: a new session. */
        log_warn("ceiling", "a_check answered %ld: %.200s", resp->status, resp->body ? resp->body : resp->error);
        cJSON_Delete(answer);
        get_server(c);
        return;
    }
    long long ts = number_of(cJSON_GetObjectItemCaseSensitive(answer, "ts"));
    if (ts >= 0) c->vk->ts = ts;
    ceiling_batch_begin(c);
    cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(answer, "updates")) {
        if (ceiling_batch_update(c, cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "event_id"))))
            on_event(c, e);
    }
    ceiling_batch_end(c, CEILING_VK, c->vk->ts);
    cJSON_Delete(answer);
    a_check(c);
}

static void a_check(ceiling *c)
{
    char url[CEILING_VALUE_MAX * 3];
    snprintf(url, sizeof url, "%s?act=a_check&key=%s&ts=%lld&wait=%d", c->vk->server, c->vk->key, c->vk->ts,
             c->conf.vk_wait_s);
    if (http_get(c->http, url, (c->conf.vk_wait_s + 15) * 1000L, CEILING_BODY_MAX, on_events, c, NULL) != MB_OK) {
        log_error("ceiling", "could not start a_check");
        c->failed = 1;
        ev_break(c->loop, EVBREAK_ALL);
    }
}

static void on_server(void *arg, const http_response *resp)
{
    ceiling *c = arg;
    cJSON *answer = resp->status == 200 && resp->body ? cJSON_ParseWithLength(resp->body, resp->body_len) : NULL;
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(answer, "response");
    const char *key = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r, "key"));
    const char *server = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r, "server"));
    long long ts = number_of(cJSON_GetObjectItemCaseSensitive(r, "ts"));
    if (!key || !server || ts < 0) {
        log_error("ceiling", "groups.getLongPollServer answered %ld: %.200s", resp->status,
                  resp->body ? resp->body : resp->error);
        cJSON_Delete(answer);
        c->failed = 1;
        ev_break(c->loop, EVBREAK_ALL);
        return;
    }
    snprintf(c->vk->key, sizeof c->vk->key, "%s", key);
    snprintf(c->vk->server, sizeof c->vk->server, "%s", server);
    c->vk->ts = ts;
    cJSON_Delete(answer);
    a_check(c);
    if (!c->vk->announced) {
        c->vk->announced = 1;
        ceiling_poller_ready(c);
    }
}

static void get_server(ceiling *c)
{
    char url[CEILING_VALUE_MAX + 64];
    strbuf sb;
    sb_init(&sb, 0);
    sb_printf(&sb, "group_id=%lld", c->conf.vk_group_id);
    char *body = with_auth(c, &sb);
    ceiling_vk_method_url(c, "groups.getLongPollServer", url, sizeof url);
    if (!body || http_post_form(c->http, url, body, CEILING_REQUEST_TIMEOUT_MS, CEILING_BODY_MAX, on_server, c,
                                NULL) != MB_OK) {
        log_error("ceiling", "could not start groups.getLongPollServer");
        c->failed = 1;
        ev_break(c->loop, EVBREAK_ALL);
    }
    free(body);
}

int ceiling_vk_start(ceiling *c)
{
    if (!(c->vk = calloc(1, sizeof *c->vk))) return -1;
    if (c->conf.vk_wait_s <= 0) c->conf.vk_wait_s = 25;
    get_server(c);
    return 0;
}

void ceiling_vk_free(ceiling *c)
{
    free(c->vk);
    c->vk = NULL;
}

#include "bot/max/max.h"
#include "bot/max/max_parse.h"
#include "bot/max/max_subs.h"
#include "bot/max/max_webhook.h"
#include "bot/pacer.h"
#include "storage/records.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strbuf.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* At start: GET /me, GET /subscriptions, a DELETE per subscription to
 * remove (max_subs.h), then POST /subscriptions when needed or the long
 * poll. */
typedef enum max_phase {
    MAX_PHASE_ME,
    MAX_PHASE_SUBS_LIST,
    MAX_PHASE_SUBS_REMOVE,
    MAX_PHASE_SUBSCRIBE,
    MAX_PHASE_SUBSCRIBED,
    MAX_PHASE_POLL,
} max_phase;

struct max_client {
    max_sender snd;             /* first: the transport's impl is the sender */
    struct ev_loop *loop;
    http_client *http;
    db *d;
    const bot_env *env;
    const config *cfg;
    max_hooks hooks;
    max_phase phase;
    int has_marker;             /* 0 until a marker was stored: the first poll asks without one */
    int64_t marker;
    char username[MAX_BOT_NAME_MAX];
    pacer pace;
    http_request *inflight;
    durable_wait poll_wait;  /* the poll after a batch waits for this durable mark */
    max_webhook *hook;          /* webhook mode's endpoint, NULL when polling */
    max_subs_plan plan;         /* what GET /subscriptions asked for */
    int removing;               /* the plan's address being removed */
    char fingerprint[MAX_SUBS_FINGERPRINT_LEN + 1];   /* of the subscription the config asks for */
};

static void step(max_client *m);
static void on_answer(void *arg, const http_response *resp);

static void step_from_pacer(void *arg) { step(arg); }
static void back_off(max_client *m) { pacer_fail(&m->pace); }

static const char *phase_call(max_phase phase)
{
    switch (phase) {
    case MAX_PHASE_ME: return "GET /me";
    case MAX_PHASE_SUBS_LIST: return "GET /subscriptions";
    case MAX_PHASE_SUBS_REMOVE: return "DELETE /subscriptions";
    case MAX_PHASE_SUBSCRIBE: return "POST /subscriptions";
    default: return "GET /updates";
    }
}

/* DELETE /subscriptions?url=<the address>; 0 when it left. */
static int send_unsubscribe(max_client *m)
{
    strbuf url;
    sb_init(&url, 4096);
    sb_printf(&url, "%s/subscriptions?", m->snd.api_base);
    http_form_param(&url, "url", m->plan.remove[m->removing]);
    int rc = url.failed || http_send_json(m->http, "DELETE", sb_str(&url), m->snd.auth_header, NULL,
                                          m->cfg->max_request_timeout_s * 1000L, MAX_API_BODY_MAX, on_answer, m,
                                          &m->inflight);
    sb_free(&url);
    return rc;
}

static void step(max_client *m)
{
    char url[768];
    long timeout_ms = m->cfg->max_request_timeout_s * 1000L;
    if (m->phase == MAX_PHASE_SUBSCRIBED) return;
    if (m->phase == MAX_PHASE_ME) {
        snprintf(url, sizeof url, "%s/me", m->snd.api_base);
    } else if (m->phase == MAX_PHASE_SUBS_LIST) {
        snprintf(url, sizeof url, "%s/subscriptions", m->snd.api_base);
    } else if (m->phase == MAX_PHASE_SUBS_REMOVE) {
        if (send_unsubscribe(m)) back_off(m);
        return;
    } else if (m->phase == MAX_PHASE_SUBSCRIBE) {
        /* SubscriptionRequestBody: the address, the types and the secret
         * MAX sends back in X-Max-Bot-Api-Secret. */
        snprintf(url, sizeof url, "%s/subscriptions", m->snd.api_base);
        cJSON *body = cJSON_CreateObject(), *types = cJSON_AddArrayToObject(body, "update_types");
        char list[] = MAX_POLL_TYPES;
        for (char *save = NULL, *t = strtok_r(list, ",", &save); t; t = strtok_r(NULL, ",", &save))
            cJSON_AddItemToArray(types, cJSON_CreateString(t));
        cJSON_AddStringToObject(body, "url", m->cfg->max_webhook_url);
        if (m->cfg->max_webhook_secret[0]) cJSON_AddStringToObject(body, "secret", m->cfg->max_webhook_secret);
        char *json = cJSON_PrintUnformatted(body);
        cJSON_Delete(body);
        if (!json || http_send_json(m->http, "POST", url, m->snd.auth_header, json, timeout_ms, MAX_API_BODY_MAX,
                                    on_answer, m, &m->inflight))
            back_off(m);
        free(json);
        return;
    } else {
        char marker[40] = "";
        if (m->has_marker) snprintf(marker, sizeof marker, "&marker=%lld", (long long)m->marker);
        snprintf(url, sizeof url, "%s/updates?timeout=%d&limit=%d&types=%s%s", m->snd.api_base,
                 m->cfg->max_poll_timeout_s, MAX_POLL_LIMIT, MAX_POLL_TYPES, marker);
        /* the HTTP timeout sits above the long poll's */
        timeout_ms = (m->cfg->max_poll_timeout_s + 15) * 1000L;
    }
    if (http_get_header(m->http, url, m->snd.auth_header, timeout_ms, MAX_API_BODY_MAX, on_answer, m, &m->inflight))
        back_off(m);
}

mb_status max_apply_updates(db *d, const bot_env *env, const cJSON *updates, int has_marker, int64_t marker,
                            intake_stats *st, int *unreadable)
{
    int count = cJSON_GetArraySize(updates);
    *unreadable = 0;
    intake_item *items = calloc((size_t)count + 1, sizeof *items);
    max_event_storage *store = calloc((size_t)count + 1, sizeof *store);
    if (!items || !store) {
        free(items);
        free(store);
        return MB_ERR_NOMEM;
    }
    int n = 0;
    const cJSON *u;
    cJSON_ArrayForEach(u, updates) {
        intake_item *it = &items[n];
        if (max_update_to_event(u, &it->ev, &it->update_id, &it->kind, &store[n])) {
            (*unreadable)++;
            continue;
        }
        /* What the bot does not act on is still recorded in the inbox (with
         * the reason); the operator sees it here too. */
        if (it->ev.kind == EVENT_NONE)
            log_info("max", "%s update of user %lld ignored: %s", it->kind, (long long)it->ev.user_id,
                     it->ev.ignore_reason ? it->ev.ignore_reason : "nothing to do");
        n++;
    }
    if (*unreadable) log_warn("max", "%d item(s) of an update list were not updates and were skipped", *unreadable);
    mb_status rc = intake_apply(d, env, "max", items, n, has_marker ? MAX_META_MARKER : NULL, marker, st);
    free(items);
    free(store);
    return rc;
}

/* The next long poll asks from the batch's marker on: it waits until the
 * batch's commit is on disk, like Telegram's (bot/telegram.c). */
static void step_when_durable(max_client *m)
{
    if (durable_wait_arm(m->hooks.durable, &m->poll_wait)) step(m);
}

static void on_durable(void *arg)
{
    max_client *m = arg;
    max_webhook_on_durable(m->hook);
    if (durable_wait_done(m->hooks.durable, &m->poll_wait)) step(m);
}

static void on_updates(max_client *m, const http_response *resp)
{
    max_update_list list;
    if (max_parse_updates(resp->body, resp->body_len, &list)) {
        log_warn("max", "GET /updates answered something unreadable (HTTP %ld, %zu bytes); asking again",
                 resp->status, resp->body_len);
        max_update_list_free(&list);
        back_off(m);
        return;
    }
    if (list.has_marker && m->has_marker && list.marker < m->marker)
        log_warn("max", "the update marker went back from %lld to %lld; taking MAX's (updates seen before are "
                 "recognised and not handled twice)", (long long)m->marker, (long long)list.marker);
    int unreadable = 0;
    intake_stats st = {0};
    if (max_apply_updates(m->d, m->env, list.updates, list.has_marker, list.marker, &st, &unreadable)) {
        max_update_list_free(&list);
        back_off(m); /* the marker not advanced: the same updates come again */
        return;
    }
    int read = st.handled + st.duplicates + st.failed + st.ignored;
    if (list.has_marker) {
        m->marker = list.marker;
        m->has_marker = 1;
    }
    max_update_list_free(&list);
    pacer_ok(&m->pace);
    if (read && m->hooks.batch_committed) m->hooks.batch_committed(m->hooks.arg);
    if (read) step_when_durable(m);
    else step(m);
}

static void on_me(max_client *m, const max_reply *r)
{
    const char *name = json_str(r->root, "username");
    if (!m->cfg->max_username[0] && name && *name && strlen(name) < sizeof m->username) {
        snprintf(m->username, sizeof m->username, "%s", name);
        db_meta_set(m->d, MAX_META_USERNAME, name);
    }
    platform_info self;
    max_platform_describe(m->cfg, m->username, &self);
    if (platform_register(&self)) log_warn("max", "could not renew the MAX registration");
    log_info("max", "connected as %s%s; checking the webhook subscriptions", m->username[0] ? "@" : "",
             m->username[0] ? m->username : "a bot without a name (no deep links)");
    m->phase = MAX_PHASE_SUBS_LIST;
    pacer_ok(&m->pace);
    step(m);
}

/* The subscriptions are in order: listen for the webhook, or poll. */
static void after_subscriptions(max_client *m)
{
    if (m->hook) {
        log_info("max", "webhook subscribed: MAX posts updates to %s", m->cfg->max_webhook_url);
        m->phase = MAX_PHASE_SUBSCRIBED;
    } else {
        log_info("max", "long polling from %s", m->has_marker ? "the stored marker" : "the newest update");
        m->phase = MAX_PHASE_POLL;
        step(m);
    }
}

/* After the removals: subscribe when the plan says so. */
static void next_after_removals(max_client *m)
{
    if (m->hook && m->plan.subscribe) {
        log_info("max", "subscribing %s for updates (%s)", m->cfg->max_webhook_url, m->plan.why);
        m->phase = MAX_PHASE_SUBSCRIBE;
        step(m);
        return;
    }
    if (m->hook)
        log_info("max", "the subscription of %s is in place with the same types and secret; not made again",
                 m->cfg->max_webhook_url);
    after_subscriptions(m);
}

/* GET /subscriptions was refused or unreadable for good: the housekeeping
 * is skipped (polling goes on, a webhook is subscribed as before it
 * existed) rather than keeping the bot from reading updates. */
static void subscriptions_unknown(max_client *m, const char *why)
{
    log_warn("max", "GET /subscriptions: %s; going on without checking the webhook subscriptions", why);
    max_subs_plan_free(&m->plan);
    m->plan = (max_subs_plan){.subscribe = 1, .why = "the subscriptions could not be read"};
    pacer_ok(&m->pace);
    next_after_removals(m);
}

static void on_subscriptions(max_client *m, const max_reply *r)
{
    char stored[MAX_SUBS_FINGERPRINT_LEN + 1];
    int same = db_meta_get(m->d, MAX_META_WEBHOOK_FINGERPRINT, stored, sizeof stored) == MB_OK &&
               strcmp(stored, m->fingerprint) == 0;
    max_subs_plan_free(&m->plan);
    mb_status rc = max_subs_plan_make(r->root, m->hook ? m->cfg->max_webhook_url : NULL, MAX_POLL_TYPES, same,
                                      &m->plan);
    if (rc == MB_ERR_PARSE) {
        subscriptions_unknown(m, "the answer is not a list of subscriptions");
        return;
    }
    if (rc) {
        back_off(m);   /* out of memory: ask again */
        return;
    }
    pacer_ok(&m->pace);
    m->removing = 0;
    if (m->plan.nremove) {
        m->phase = MAX_PHASE_SUBS_REMOVE;
        step(m);
    } else {
        next_after_removals(m);
    }
}

/* One removal answered (or refused: nothing to remove then). */
static void on_unsubscribed(max_client *m, const max_reply *r)
{
    const char *url = m->plan.remove[m->removing];
    if (r->ok && m->hook)
        log_info("max", "removed the webhook subscription of %s: [max] webhook_url is %s", url,
                 m->cfg->max_webhook_url);
    else if (r->ok)
        log_info("max", "removed the webhook subscription of %s: MAX hands nothing to long polling while a "
                 "webhook is set ([max] mode = polling)", url);
    else
        log_warn("max", "MAX refused to remove the webhook subscription of %s (HTTP %d %s %s); going on", url,
                 r->http_status, r->code, r->message);
    pacer_ok(&m->pace);
    if (++m->removing < m->plan.nremove) {
        step(m);
        return;
    }
    next_after_removals(m);
}

static void on_answer(void *arg, const http_response *resp)
{
    max_client *m = arg;
    m->inflight = NULL;
    if (resp->curl_code != CURLE_OK || resp->body_too_large) {
        log_warn("max", "%s: %s", phase_call(m->phase),
                 resp->body_too_large ? "the answer is larger than the bot reads" : resp->error);
        back_off(m);
        return;
    }
    if (m->phase == MAX_PHASE_POLL && resp->status >= 200 && resp->status < 300) {
        on_updates(m, resp);
        return;
    }
    max_reply r;
    mb_status rc = max_parse_reply(resp->body, resp->body_len, resp->status, &r);
    if (!rc && r.ok && m->phase == MAX_PHASE_ME) {
        on_me(m, &r);
    } else if (!rc && r.ok && m->phase == MAX_PHASE_SUBS_LIST) {
        on_subscriptions(m, &r);
    } else if (!rc && r.ok && m->phase == MAX_PHASE_SUBSCRIBE) {
        if (db_meta_set(m->d, MAX_META_WEBHOOK_FINGERPRINT, m->fingerprint))
            log_warn("max", "could not store the subscription's fingerprint; the next start subscribes again");
        pacer_ok(&m->pace);
        after_subscriptions(m);
    } else if (resp->status == 401 || strcmp(r.code, "verify.token") == 0) {
        if (m->hooks.fatal) m->hooks.fatal(m->hooks.arg, "MAX refused the bot token (verify.token); check [max] token");
    } else if (m->phase == MAX_PHASE_SUBS_REMOVE && !rc && resp->status < 500 && resp->status != 429) {
        on_unsubscribed(m, &r);   /* refused for good: retrying would not help */
    } else if (m->phase == MAX_PHASE_SUBS_LIST && resp->status >= 200 && resp->status < 500 &&
               resp->status != 429) {
        char why[sizeof r.code + sizeof r.message + 32];
        snprintf(why, sizeof why, "HTTP %ld %s %s", resp->status, r.code, r.message);
        subscriptions_unknown(m, why);
    } else {
        log_warn("max", "%s failed: HTTP %ld %s %s", phase_call(m->phase), resp->status, r.code, r.message);
        back_off(m);
    }
    max_reply_free(&r);
}

max_client *max_new(struct ev_loop *loop, http_client *http, db *d, const bot_env *env, const config *cfg,
                    max_hooks hooks)
{
    max_client *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    max_text_format format = MAX_FORMAT_PLAIN;
    if (max_format_parse(cfg->max_format, &format) ||
        max_sender_init(&m->snd, cfg->max_api_base, cfg->max_token, format)) {
        free(m);
        return NULL;
    }
    m->loop = loop;
    m->http = http;
    m->d = d;
    m->env = env;
    m->cfg = cfg;
    m->hooks = hooks;
    char marker[32];
    if (db_meta_get(d, MAX_META_MARKER, marker, sizeof marker) == MB_OK) {
        m->marker = db_meta_get_int(d, MAX_META_MARKER, 0);
        m->has_marker = 1;
    }
    if (cfg->max_username[0]) snprintf(m->username, sizeof m->username, "%s", cfg->max_username);
    else if (db_meta_get(d, MAX_META_USERNAME, m->username, sizeof m->username)) m->username[0] = 0;
    max_subs_fingerprint(cfg->max_webhook_url, MAX_POLL_TYPES, cfg->max_webhook_secret, m->fingerprint);
    pacer_init(&m->pace, loop, MAX_BACKOFF_MAX_S, step_from_pacer, m);
    transport *t = &m->snd.transport;
    t->rate_global_per_s = cfg->max_rate_per_s;
    t->rate_per_chat_per_s = cfg->max_rate_per_chat_per_s;
    t->request_timeout_ms = cfg->max_request_timeout_s * 1000L;
    durable_listen(hooks.durable, on_durable, m);
    return m;
}

void max_start(max_client *m)
{
    if (m->cfg->max_webhook) {
        char why[256];
        m->hook = max_webhook_new(m->loop, m->d, m->env, m->cfg, m->hooks, why, sizeof why);
        if (!m->hook) {
            if (m->hooks.fatal) m->hooks.fatal(m->hooks.arg, why);
            return;
        }
    }
    m->phase = MAX_PHASE_ME;
    step(m);
}

void max_stop(max_client *m)
{
    if (!m) return;
    max_webhook_free(m->hook);
    m->hook = NULL;
    pacer_stop(&m->pace);
    http_cancel(m->inflight);
    m->inflight = NULL;
    m->poll_wait.awaiting = 0;
}

void max_free(max_client *m)
{
    if (!m) return;
    max_stop(m);
    max_subs_plan_free(&m->plan);
    free(m);
}

transport *max_transport(max_client *m) { return &m->snd.transport; }

void max_platform_describe(const config *cfg, const char *username, platform_info *out)
{
    /* NewMessageBody.text is at most 4000 characters, with or without an
     * attachment; Button.text 128; a callback payload 1024 bytes, of
     * which the handlers' events carry 64; 30 rows is the keyboard MAX
     * shows. request_contact shares the user's own contact card. */
    *out = (platform_info){
        .name = "max", .display_name = "MAX", .text_units_limit = MAX_TEXT_CHARS_MAX, .button_data_limit = 64,
        .buttons_limit = 30, .button_text_limit = MAX_BUTTON_TEXT_CHARS_MAX, .caption_units_limit = MAX_TEXT_CHARS_MAX,
        .link_payload_limit = MAX_START_PAYLOAD_MAX, .shares_phone = 1, .sends_files = 1,
        .rate_global_per_s = cfg->max_rate_per_s, .rate_per_chat_per_s = cfg->max_rate_per_chat_per_s,
    };
    const char *name = cfg->max_username[0] ? cfg->max_username : username;
    if (name && *name) snprintf(out->link_prefix, sizeof out->link_prefix, "https://max.ru/%s?start=", name);
}

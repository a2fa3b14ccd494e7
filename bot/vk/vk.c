#include "bot/vk/vk.h"
#include "bot/pacer.h"
#include "bot/vk/vk_parse.h"
#include "bot/vk/vk_recover.h"
#include "storage/records.h"
#include "util/log.h"
#include "util/strbuf.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum vk_phase { VK_SETTINGS, VK_SERVER, VK_RECOVER_LIST, VK_RECOVER_HISTORY, VK_CHECK } vk_phase;

struct vk_client {
    transport tr;
    struct ev_loop *loop;
    http_client *http;
    db *d;
    const bot_env *env;
    const config *cfg;
    vk_hooks hooks;
    vk_phase phase;
    vk_server server;
    int64_t ts;                /* the last committed ts; 0 = take the server's */
    int take_ts;               /* the next server's ts replaces ours (first start, failed 3) */
    ev_tstamp server_at;       /* when the key was taken */
    pacer pace;
    http_request *inflight;
    char auth[512];
    /* Reading back what a failed 3 lost (vk_recover.h). */
    int recover;               /* the next session starts with the read-back */
    int64_t recover_peers[VK_RECOVER_PEERS_MAX];
    int recover_n, recover_i, recover_failures, recovered;
    durable_wait poll_wait;  /* the long poll after a batch waits for this durable mark */
};

static void step(vk_client *v);

static void step_from_pacer(void *arg) { step(arg); }
static void back_off(vk_client *v) { pacer_fail(&v->pace); }

void vk_method_url(const vk_client *v, const char *method, char *buf, size_t size)
{
    snprintf(buf, size, "%s/%s", v->cfg->vk_api_base, method);
}

const char *vk_auth_params(const vk_client *v) { return v->auth; }

static void on_answer(void *arg, const http_response *resp);

static void call_method(vk_client *v, const char *method, const char *params)
{
    char url[600];
    vk_method_url(v, method, url, sizeof url);
    strbuf body;
    sb_init(&body, 0);
    sb_printf(&body, "%s&%s", params, v->auth);
    if (body.failed ||
        http_post_form(v->http, url, sb_str(&body), 30000L, VK_BODY_MAX, on_answer, v, &v->inflight))
        back_off(v);
    sb_free(&body);
}

static void step(vk_client *v)
{
    char params[256];
    switch (v->phase) {
    case VK_SETTINGS:
        snprintf(params, sizeof params,
                 "group_id=%lld&enabled=1&api_version=" VK_API_VERSION
                 "&message_new=1&message_event=1&message_allow=1&message_deny=1",
                 v->cfg->vk_group_id);
        call_method(v, "groups.setLongPollSettings", params);
        break;
    case VK_SERVER:
        snprintf(params, sizeof params, "group_id=%lld", v->cfg->vk_group_id);
        call_method(v, "groups.getLongPollServer", params);
        break;
    case VK_RECOVER_LIST:
        snprintf(params, sizeof params, "filter=unanswered&count=%d&group_id=%lld", VK_RECOVER_PEERS_MAX,
                 v->cfg->vk_group_id);
        call_method(v, "messages.getConversations", params);
        break;
    case VK_RECOVER_HISTORY:
        if (v->recover_i >= v->recover_n) {
            log_info("vk", "read back %d conversation(s) after the lost long poll events: %d message(s) "
                     "recovered", v->recover_n, v->recovered);
            v->phase = VK_CHECK;
            step(v);
            return;
        }
        snprintf(params, sizeof params, "peer_id=%lld&count=%d&group_id=%lld",
                 (long long)v->recover_peers[v->recover_i], VK_RECOVER_HISTORY_COUNT, v->cfg->vk_group_id);
        call_method(v, "messages.getHistory", params);
        break;
    case VK_CHECK: {
        if (ev_now(v->loop) - v->server_at > v->cfg->vk_session_refresh_s) {
            log_info("vk", "long poll session is %d s old; asking for a new key", v->cfg->vk_session_refresh_s);
            v->take_ts = 0;
            v->phase = VK_SERVER;
            step(v);
            return;
        }
        char url[1024];
        snprintf(url, sizeof url, "%s?act=a_check&key=%s&ts=%lld&wait=%d", v->server.server, v->server.key,
                 (long long)v->ts, v->cfg->vk_wait_s);
        /* the HTTP timeout sits above the long-poll wait */
        if (http_get(v->http, url, (v->cfg->vk_wait_s + 15) * 1000L, VK_BODY_MAX, on_answer, v, &v->inflight))
            back_off(v);
        break;
    }
    }
}

/*
 * Applies up to VK_BATCH_MAX events of the array updates through the
 * intake, storing ts under the cursor when cursor_key is set. A message's
 * inbox key comes from its conversation and number (vk_recover.h), so a
 * message the read-back after failed 3 found is not handled again when the
 * Long Poll delivers it too. Returns the intake's status; *handled gets the
 * number of events read.
 */
static mb_status apply_events(vk_client *v, const cJSON *updates, const char *cursor_key, int64_t ts,
                              intake_stats *st, int *handled)
{
    int count = cJSON_GetArraySize(updates);
    if (count > VK_BATCH_MAX) count = VK_BATCH_MAX;
    intake_item *items = calloc((size_t)count + 1, sizeof *items);
    char (*bufs)[EVENT_BUTTON_DATA_MAX + 1] = calloc((size_t)count + 1, sizeof *bufs);
    if (!items || !bufs) {
        free(items);
        free(bufs);
        return MB_ERR_NOMEM;
    }
    int n = 0;
    const cJSON *u;
    cJSON_ArrayForEach(u, updates) {
        if (n == count) break;
        intake_item *it = &items[n];
        if (vk_update_to_event(u, &it->ev, &it->update_id, &it->kind, bufs[n], sizeof bufs[n])) {
            log_warn("vk", "an event without a type or object was skipped");
            continue;
        }
        if (strcmp(it->kind, "message_new") == 0 && it->ev.chat_id && it->ev.message_id > 0)
            it->update_id = vk_message_key(it->ev.chat_id, it->ev.message_id);
        n++;
    }
    mb_status rc = intake_apply(v->d, v->env, "vk", items, n, cursor_key, ts, st);
    free(items);
    free(bufs);
    *handled = n;
    return rc;
}

/* The next long poll asks from the batch's ts on: it waits until the
 * batch's commit is on disk, like Telegram's (bot/telegram/telegram.c). */
static void step_when_durable(vk_client *v)
{
    if (durable_wait_arm(v->hooks.durable, &v->poll_wait)) step(v);
}

static void on_durable(void *arg)
{
    vk_client *v = arg;
    if (durable_wait_done(v->hooks.durable, &v->poll_wait)) step(v);
}

static void handle_events(vk_client *v, const vk_check *c)
{
    int n = 0;
    if (apply_events(v, c->updates, VK_META_TS, c->ts, NULL, &n)) {
        back_off(v); /* ts not advanced: the same events come again */
        return;
    }
    v->ts = c->ts;
    pacer_ok(&v->pace);
    if (n && v->hooks.batch_committed) v->hooks.batch_committed(v->hooks.arg);
    if (n) step_when_durable(v);
    else step(v);
}

/* A read-back call failed: try again after a back-off, or give the
 * read-back up after VK_RECOVER_ATTEMPTS failures in a row and poll on. */
static void recover_failed(vk_client *v, const char *why)
{
    if (++v->recover_failures >= VK_RECOVER_ATTEMPTS) {
        log_error("vk", "could not read back the conversations after the lost long poll events (%s); messages "
                  "written in that moment may stay unanswered", why);
        v->phase = VK_CHECK;
        step(v);
        return;
    }
    log_warn("vk", "reading back the conversations after the lost long poll events: %s; trying again", why);
    back_off(v);
}

static void on_recover_answer(vk_client *v, const vk_reply *r)
{
    v->recover_failures = 0;
    if (v->phase == VK_RECOVER_LIST) {
        v->recover_n = vk_recover_peers(r->response, v->recover_peers, VK_RECOVER_PEERS_MAX);
        v->recover_i = 0;
        v->recovered = 0;
        v->phase = VK_RECOVER_HISTORY;
        step(v);
        return;
    }
    cJSON *events = cJSON_CreateArray();
    int64_t peer = v->recover_peers[v->recover_i];
    int64_t known = chat_mark_get(v->d, "vk", peer);
    int n = events ? vk_recover_events(r->response, peer, v->cfg->vk_group_id, known, events) : 0;
    intake_stats st = {0};
    int read = 0;
    if (!events || (n && apply_events(v, events, NULL, 0, &st, &read))) {
        cJSON_Delete(events);
        recover_failed(v, "the recovered messages could not be stored");
        return;
    }
    cJSON_Delete(events);
    if (st.handled + st.failed + st.ignored > 0) {
        log_warn("vk", "conversation %lld: %d message(s) written while the long poll lost events were read back "
                 "from its history", (long long)peer, st.handled + st.failed + st.ignored);
        v->recovered += st.handled + st.failed + st.ignored;
        if (v->hooks.batch_committed) v->hooks.batch_committed(v->hooks.arg);
    }
    v->recover_i++;
    step(v);
}

static void on_check(vk_client *v, const http_response *resp)
{
    vk_check c;
    if (vk_parse_check(resp->body, resp->body_len, &c)) {
        log_warn("vk", "a_check answered something unreadable (HTTP %ld, %zu bytes); asking again", resp->status,
                 resp->body_len);
        vk_check_free(&c);
        back_off(v);
        return;
    }
    switch (c.failed) {
    case 0:
        handle_events(v, &c);
        break;
    case 1: /* history lost in part: carry on from the ts VK gives, after reading back what was skipped */
        log_warn("vk", "long poll history outdated (failed 1); continuing from ts %lld after reading back "
                 "unanswered conversations", (long long)c.ts);
        v->ts = c.ts;
        v->phase = VK_RECOVER_LIST;
        v->recover_failures = 0;
        step(v);
        break;
    case 2:
        log_info("vk", "long poll key expired (failed 2); taking a new key, keeping ts");
        v->take_ts = 0;
        v->phase = VK_SERVER;
        step(v);
        break;
    default:
        log_warn("vk", "long poll information lost (failed 3); taking a new key and ts, then reading back "
                 "unanswered conversations");
        v->take_ts = 1;
        v->recover = 1;
        v->phase = VK_SERVER;
        step(v);
        break;
    }
    vk_check_free(&c);
}

static void on_answer(void *arg, const http_response *resp)
{
    vk_client *v = arg;
    v->inflight = NULL;
    int recovering = v->phase == VK_RECOVER_LIST || v->phase == VK_RECOVER_HISTORY;
    if (resp->curl_code != CURLE_OK) {
        log_warn("vk", "%s", resp->error);
        if (recovering) recover_failed(v, resp->error);
        else back_off(v);
        return;
    }
    if (v->phase == VK_CHECK) {
        on_check(v, resp);
        return;
    }
    vk_reply r;
    if (vk_parse_reply(resp->body, resp->body_len, &r)) {
        log_warn("vk", "unreadable API answer (HTTP %ld): %s", resp->status, r.error_msg);
        vk_reply_free(&r);
        if (recovering) recover_failed(v, "unreadable answer");
        else back_off(v);
        return;
    }
    if (recovering && (r.ok || r.error_code != 5)) {
        if (r.ok) {
            on_recover_answer(v, &r);
        } else {
            char why[300];
            snprintf(why, sizeof why, "%s failed: %d %s", v->phase == VK_RECOVER_LIST ? "messages.getConversations"
                     : "messages.getHistory", r.error_code, r.error_msg);
            recover_failed(v, why);
        }
        vk_reply_free(&r);
        return;
    }
    if (!r.ok) {
        if (r.error_code == 5) {
            if (v->hooks.fatal) v->hooks.fatal(v->hooks.arg, "VK refused the community token (error 5); check [vk] token");
        } else {
            log_warn("vk", "%s failed: %d %s", v->phase == VK_SETTINGS ? "groups.setLongPollSettings"
                     : "groups.getLongPollServer", r.error_code, r.error_msg);
            if (v->phase == VK_SETTINGS) {
                v->phase = VK_SERVER; /* settings are a courtesy; polling may still work */
                step(v);
            } else {
                back_off(v);
            }
        }
        vk_reply_free(&r);
        return;
    }
    if (v->phase == VK_SETTINGS) {
        v->phase = VK_SERVER;
    } else {
        vk_server s;
        if (vk_parse_server(r.response, &s)) {
            log_warn("vk", "groups.getLongPollServer answered without key, server or ts");
            vk_reply_free(&r);
            back_off(v);
            return;
        }
        v->server = s;
        if (v->take_ts) v->ts = s.ts;
        v->take_ts = 0;
        v->server_at = ev_now(v->loop);
        v->phase = v->recover ? VK_RECOVER_LIST : VK_CHECK;
        v->recover = 0;
        v->recover_failures = 0;
        log_info("vk", "long poll session ready");
    }
    vk_reply_free(&r);
    pacer_ok(&v->pace);
    step(v);
}

vk_client *vk_new(struct ev_loop *loop, http_client *http, db *d, const bot_env *env, const config *cfg,
                  vk_hooks hooks)
{
    vk_client *v = calloc(1, sizeof *v);
    if (!v) return NULL;
    v->loop = loop;
    v->http = http;
    v->d = d;
    v->env = env;
    v->cfg = cfg;
    v->hooks = hooks;
    v->ts = db_meta_get_int(d, VK_META_TS, 0);
    v->take_ts = v->ts == 0;
    char *token = curl_easy_escape(NULL, cfg->vk_token, 0);
    snprintf(v->auth, sizeof v->auth, "access_token=%s&v=" VK_API_VERSION, token ? token : "");
    curl_free(token);
    pacer_init(&v->pace, loop, VK_BACKOFF_MAX_S, step_from_pacer, v);
    v->tr.platform = "vk";
    v->tr.rate_global_per_s = cfg->vk_rate_per_s;
    v->tr.rate_per_chat_per_s = cfg->vk_rate_per_chat_per_s;
    v->tr.request_timeout_ms = cfg->vk_request_timeout_s * 1000L;
    v->tr.render = vk_render;
    v->tr.classify = vk_classify;
    v->tr.resend_safe = 1;   /* random_id: VK drops a repeat */
    v->tr.impl = v;
    durable_listen(hooks.durable, on_durable, v);
    return v;
}

void vk_start(vk_client *v)
{
    v->phase = VK_SETTINGS;
    step(v);
}

void vk_stop(vk_client *v)
{
    if (!v) return;
    pacer_stop(&v->pace);
    http_cancel(v->inflight);
    v->inflight = NULL;
    v->poll_wait.awaiting = 0;
}

void vk_free(vk_client *v)
{
    if (!v) return;
    vk_stop(v);
    free(v);
}

transport *vk_transport(vk_client *v) { return &v->tr; }

void vk_platform_describe(const config *cfg, platform_info *out)
{
    /* 9000 characters per text in practice (4096 in older docs), payload
     * up to 255 bytes (ours stay within 64); 10 buttons fit an inline
     * keyboard, up to 40 a regular one (the transport picks), labels up to
     * 40 characters. No button shares a phone number. */
    *out = (platform_info){
        .name = "vk", .display_name = "VK", .text_units_limit = 9000, .button_data_limit = 64, .buttons_limit = 40,
        .button_text_limit = 40, .caption_units_limit = 9000, .link_payload_limit = 64, .shares_phone = 0,
        .sends_files = 1, .rate_global_per_s = cfg->vk_rate_per_s, .rate_per_chat_per_s = cfg->vk_rate_per_chat_per_s,
    };
    snprintf(out->link_prefix, sizeof out->link_prefix, "https://vk.me/club%lld?ref=", cfg->vk_group_id);
}

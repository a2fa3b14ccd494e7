#include "bot/telegram/telegram.h"
#include "bot/intake.h"
#include "bot/pacer.h"
#include "bot/telegram/tg_parse.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum tg_phase { PHASE_GET_ME, PHASE_WEBHOOK_INFO, PHASE_DELETE_WEBHOOK, PHASE_COMMANDS_RU,
                        PHASE_COMMANDS_EN, PHASE_POLL } tg_phase;

struct tg_client {
    transport tr;
    struct ev_loop *loop;
    http_client *http;
    db *d;
    const bot_env *env;
    const config *cfg;
    char *username;
    tg_hooks hooks;
    tg_phase phase;
    int64_t offset;
    pacer pace;
    http_request *inflight;
    tg_stats stats;
    durable_wait poll_wait;  /* the poll after a batch waits for this durable mark */
};

static const char *const commands[] = {"start", "menu", "help", "language", "privacy", "link", "forget", "cancel",
                                       NULL};

void tg_method_url(const tg_client *t, const char *method, char *buf, size_t size)
{
    snprintf(buf, size, "%s/bot%s/%s", t->cfg->tg_api_base, t->cfg->tg_token, method);
}

static void step(tg_client *t);

static void step_from_pacer(void *arg) { step(arg); }
static void step_later(tg_client *t, double seconds) { pacer_later(&t->pace, seconds); }

/* Waits longer after each failure in a row, up to TG_BACKOFF_MAX_S. */
static void back_off(tg_client *t)
{
    t->stats.poll_errors++;
    pacer_fail(&t->pace);
}

static void on_answer(void *arg, const http_response *resp);

static void call(tg_client *t, const char *method, const char *json, long timeout_ms)
{
    char url[600];
    tg_method_url(t, method, url, sizeof url);
    if (http_post_json(t->http, url, json, timeout_ms, TG_BODY_MAX, on_answer, t, &t->inflight)) {
        log_error("telegram", "could not start %s", method);
        back_off(t);
    }
}

static void poll_updates(tg_client *t)
{
    char json[256];
    snprintf(json, sizeof json,
             "{\"offset\":%lld,\"limit\":%d,\"timeout\":%d,"
             "\"allowed_updates\":[\"message\",\"edited_message\",\"callback_query\",\"my_chat_member\"]}",
             (long long)t->offset, TG_POLL_LIMIT, t->cfg->tg_poll_timeout_s);
    t->stats.polls++;
    /* The HTTP timeout sits above the long-poll wait, so a quiet poll ends by
     * Telegram answering [], not by us cutting it. */
    call(t, "getUpdates", json, (t->cfg->tg_poll_timeout_s + 15) * 1000L);
}

static void set_commands(tg_client *t, const char *lang)
{
    cJSON *root = cJSON_CreateObject(), *list = cJSON_AddArrayToObject(root, "commands");
    for (int i = 0; commands[i]; i++) {
        char key[48];
        snprintf(key, sizeof key, "command.%s", commands[i]);
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "command", commands[i]);
        cJSON_AddStringToObject(c, "description", i18n_text(t->env->texts, lang, key));
        cJSON_AddItemToArray(list, c);
    }
    cJSON_AddStringToObject(root, "language_code", lang);
    char *json = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (json) call(t, "setMyCommands", json, t->cfg->tg_request_timeout_s * 1000L);
    else back_off(t);
    free(json);
}

static void step(tg_client *t)
{
    long timeout = t->cfg->tg_request_timeout_s * 1000L;
    switch (t->phase) {
    case PHASE_GET_ME: call(t, "getMe", "{}", timeout); break;
    case PHASE_WEBHOOK_INFO: call(t, "getWebhookInfo", "{}", timeout); break;
    case PHASE_DELETE_WEBHOOK: call(t, "deleteWebhook", "{\"drop_pending_updates\":false}", timeout); break;
    case PHASE_COMMANDS_RU: set_commands(t, "ru"); break;
    case PHASE_COMMANDS_EN: set_commands(t, "en"); break;
    case PHASE_POLL: poll_updates(t); break;
    }
}

int tg_items_from_result(const cJSON *result, intake_item *items, int max, int64_t *next_offset)
{
    int n = 0;
    const cJSON *u;
    cJSON_ArrayForEach(u, result) {
        if (n >= max) break;
        intake_item *it = &items[n];
        memset(it, 0, sizeof *it);
        mb_status rc = tg_update_to_event(u, &it->ev, &it->update_id, &it->kind);
        if (rc) {
            /* Without an update_id there is nothing to record or confirm. */
            log_warn("telegram", "an update without a usable update_id was skipped");
            continue;
        }
        if (it->update_id + 1 > *next_offset) *next_offset = it->update_id + 1;
        n++;
    }
    return n;
}

/* The next poll confirms a batch's updates to Telegram, which then
 * forgets them: it waits until the batch's commit is on disk. */
static void poll_when_durable(tg_client *t)
{
    if (durable_wait_arm(t->hooks.durable, &t->poll_wait)) poll_updates(t);
}

static void on_durable(void *arg)
{
    tg_client *t = arg;
    if (durable_wait_done(t->hooks.durable, &t->poll_wait)) poll_updates(t);
}

static void handle_updates(tg_client *t, const cJSON *result)
{
    int count = cJSON_GetArraySize(result);
    if (count == 0) {
        poll_updates(t);
        return;
    }
    intake_item *items = calloc((size_t)count, sizeof *items);
    if (!items) {
        back_off(t);
        return;
    }
    int64_t batch_next = 0;
    int n = tg_items_from_result(result, items, count, &batch_next);
    int64_t next = batch_next > t->offset ? batch_next : t->offset;
    /* Telegram hands out only ids at or above the confirmed offset; one
     * below it means the ids started over (after a quiet week Telegram may
     * pick new, lower ones). Follow the new numbering, and stop treating
     * the old numbering's inbox rows as duplicates of it. */
    int below = 0;
    for (int i = 0; i < n; i++) below += items[i].update_id < t->offset;
    if (below) {
        log_warn("telegram", "%d update id(s) below the confirmed offset %lld: Telegram started its update ids "
                 "over; following the new numbering from %lld", below, (long long)t->offset, (long long)batch_next);
        next = batch_next;
        if (intake_ids_restarted(t->d, "tg")) {
            free(items);
            back_off(t);
            return;
        }
    }
    intake_stats st = {0};
    mb_status rc = intake_apply(t->d, t->env, "tg", items, n, TG_META_OFFSET, next, &st);
    free(items);
    if (rc) {
        back_off(t); /* the same updates come again: nothing was confirmed */
        return;
    }
    t->offset = next;
    pacer_ok(&t->pace);
    t->stats.updates += count;
    t->stats.handled += st.handled;
    t->stats.duplicates += st.duplicates;
    t->stats.failed += st.failed;
    t->stats.ignored += st.ignored;
    if (t->hooks.batch_committed) t->hooks.batch_committed(t->hooks.arg);
    poll_when_durable(t);
}

static void on_poll_error(tg_client *t, const tg_reply *r)
{
    if (r->error_code == 409) {
        log_error("telegram", "409 Conflict from getUpdates: \"%s\". Another process is polling with this token "
                  "or a webhook is set; only one mentorbot may run per bot token", r->description);
        if (strstr(r->description, "webhook")) t->phase = PHASE_DELETE_WEBHOOK;
        /* Five first retry waits: 5 s as configured by default. */
        step_later(t, TG_CONFLICT_WAITS * t->cfg->retry_first_ms / 1000.0);
        return;
    }
    if (r->error_code == 401 || r->error_code == 404) {
        if (t->hooks.fatal) t->hooks.fatal(t->hooks.arg, "Telegram refused the bot token (401/404); check [telegram] token");
        return;
    }
    if (r->retry_after_s >= 0) {
        log_warn("telegram", "getUpdates rate-limited; waiting %lld s", (long long)r->retry_after_s);
        step_later(t, (double)r->retry_after_s);
        return;
    }
    log_warn("telegram", "getUpdates failed: %d %s", r->error_code, r->description);
    back_off(t);
}

static void on_answer(void *arg, const http_response *resp)
{
    tg_client *t = arg;
    t->inflight = NULL;
    static const char *names[] = {"getMe", "getWebhookInfo", "deleteWebhook", "setMyCommands", "setMyCommands",
                                  "getUpdates"};
    if (resp->curl_code != CURLE_OK || resp->body_too_large) {
        log_warn("telegram", "%s: %s", names[t->phase], resp->body_too_large ? "answer over the size limit" : resp->error);
        back_off(t);
        return;
    }
    tg_reply r;
    if (tg_parse_reply(resp->body, resp->body_len, resp->status, &r)) {
        log_warn("telegram", "%s answered something that is not an API answer: %s", names[t->phase], r.description);
        tg_reply_free(&r);
        back_off(t);
        return;
    }
    if (!r.ok) {
        if (t->phase == PHASE_POLL) {
            on_poll_error(t, &r);
        } else if (t->phase == PHASE_GET_ME && (r.error_code == 401 || r.error_code == 404)) {
            if (t->hooks.fatal) t->hooks.fatal(t->hooks.arg, "Telegram refused the bot token (getMe answered 401/404); check [telegram] token");
        } else if (t->phase == PHASE_COMMANDS_RU || t->phase == PHASE_COMMANDS_EN) {
            log_warn("telegram", "setMyCommands failed (%d %s); the command menu may be stale", r.error_code,
                     r.description);
            t->phase++;
            step(t);
        } else {
            log_warn("telegram", "%s failed: %d %s", names[t->phase], r.error_code, r.description);
            if (r.retry_after_s >= 0) step_later(t, (double)r.retry_after_s);
            else back_off(t);
        }
        tg_reply_free(&r);
        return;
    }
    switch (t->phase) {
    case PHASE_GET_ME: {
        const char *name = json_str(r.result, "username");
        if (!t->cfg->tg_username[0] && name) {
            snprintf(t->username, 64, "%s", name);
            db_meta_set(t->d, TG_META_USERNAME, name);
            platform_info self;
            tg_platform_describe(t->cfg, t->username, &self);
            if (platform_register(&self)) log_warn("telegram", "could not renew the Telegram registration");
        }
        log_info("telegram", "connected as @%s", t->username);
        t->phase = PHASE_WEBHOOK_INFO;
        break;
    }
    case PHASE_WEBHOOK_INFO: {
        const char *url = json_str(r.result, "url");
        if (url && *url) {
            log_warn("telegram", "a webhook is set; deleting it so long polling can work");
            t->phase = PHASE_DELETE_WEBHOOK;
        } else {
            t->phase = PHASE_COMMANDS_RU;
        }
        break;
    }
    case PHASE_DELETE_WEBHOOK:
    case PHASE_COMMANDS_RU:
    case PHASE_COMMANDS_EN:
        t->phase++;
        if (t->phase == PHASE_COMMANDS_RU && t->stats.polls > 0) t->phase = PHASE_POLL;
        break;
    case PHASE_POLL:
        if (!cJSON_IsArray(r.result)) {
            log_warn("telegram", "getUpdates answered ok without a result list");
            tg_reply_free(&r);
            back_off(t);
            return;
        }
        pacer_ok(&t->pace);
        handle_updates(t, r.result);
        tg_reply_free(&r);
        return;
    }
    tg_reply_free(&r);
    pacer_ok(&t->pace);
    step(t);
}

tg_client *tg_new(struct ev_loop *loop, http_client *http, db *d, const bot_env *env, const config *cfg,
                  char *username_buf, tg_hooks hooks)
{
    tg_client *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->loop = loop;
    t->http = http;
    t->d = d;
    t->env = env;
    t->cfg = cfg;
    t->username = username_buf;
    t->hooks = hooks;
    t->offset = db_meta_get_int(d, TG_META_OFFSET, 0);
    if (cfg->tg_username[0]) snprintf(username_buf, 64, "%s", cfg->tg_username);
    else if (db_meta_get(d, TG_META_USERNAME, username_buf, 64)) username_buf[0] = 0;
    pacer_init(&t->pace, loop, TG_BACKOFF_MAX_S, step_from_pacer, t);
    t->tr.platform = "tg";
    t->tr.rate_global_per_s = cfg->tg_rate_global_per_s;
    t->tr.rate_per_chat_per_s = cfg->tg_rate_per_chat_per_s;
    t->tr.request_timeout_ms = cfg->tg_request_timeout_s * 1000L;
    t->tr.render = tg_render;
    t->tr.classify = tg_classify;
    t->tr.render_check = tg_render_check;
    t->tr.classify_check = tg_classify_check;
    t->tr.check_needs_floor = 1;
    t->tr.impl = t;
    durable_listen(hooks.durable, on_durable, t);
    return t;
}

void tg_start(tg_client *t)
{
    t->phase = PHASE_GET_ME;
    step(t);
}

void tg_stop(tg_client *t)
{
    if (!t) return;   /* accepts NULL: Telegram may be off */
    pacer_stop(&t->pace);
    http_cancel(t->inflight);
    t->inflight = NULL;
    t->poll_wait.awaiting = 0;
}

void tg_free(tg_client *t)
{
    if (!t) return;
    pacer_stop(&t->pace);
    http_cancel(t->inflight);
    free(t);
}

void tg_platform_describe(const config *cfg, const char *username, platform_info *out)
{
    /* 4096 UTF-16 units per text, 1-64 bytes of callback_data, 100 buttons
     * per inline keyboard, 1024 units of caption; a start parameter of up
     * to 64 characters; request_contact shares the user's own number. */
    *out = (platform_info){
        .name = "tg", .display_name = "Telegram", .text_units_limit = 4096, .button_data_limit = 64,
        .buttons_limit = 100, .button_text_limit = 64, .caption_units_limit = 1024, .link_payload_limit = 64,
        .shares_phone = 1, .sends_files = 1, .rate_global_per_s = cfg->tg_rate_global_per_s,
        .rate_per_chat_per_s = cfg->tg_rate_per_chat_per_s,
    };
    snprintf(out->link_prefix, sizeof out->link_prefix, "https://t.me/%s?start=",
             username && *username ? username : "mentorbot");
}

transport *tg_transport(tg_client *t) { return &t->tr; }
const tg_stats *tg_get_stats(const tg_client *t) { return &t->stats; }

#include "sim/tg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/params.h"
#include "sim/state.h"
#include "sim/tg_methods.h"
#include "sim/tg_world.h"

#define TG_POLL_TIMEOUT_MAX_S 60   /* longest getUpdates hold served */
#define TG_UPDATES_LIMIT_MAX 100
#define TG_COMMANDS_MAX 100
#define TG_COMMAND_MAX 32
#define TG_COMMAND_DESCRIPTION_MAX 256

static const char *const CONFLICT_POLL =
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running";
static const char *const CONFLICT_WEBHOOK =
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";

void tg_init(void) { tg_world_init(); }
void tg_free(void) { tg_world_free(); }
void tg_reset(void) { tg_world_reset(); }

void tg_stats_add_json(cJSON *obj)
{
    cJSON_AddNumberToObject(obj, "updates_queued", (double)tg.updates_queued);
    cJSON_AddNumberToObject(obj, "updates_delivered", (double)tg.updates_delivered);
    cJSON_AddNumberToObject(obj, "updates_filtered", (double)tg.updates_filtered);
    cJSON_AddNumberToObject(obj, "updates_pending", (double)tg_updates_pending());
    cJSON_AddNumberToObject(obj, "confirmed_offset", (double)tg.confirmed_offset);
    cJSON_AddNumberToObject(obj, "get_updates_calls", (double)tg.get_updates_calls);
    cJSON_AddStringToObject(obj, "webhook_url", tg.webhook_url);
    cJSON_AddItemToObject(obj, "commands",
                          tg.commands ? cJSON_Duplicate(tg.commands, 1) : cJSON_CreateArray());
}

void tg_fail(tg_outcome *out, int status, const char *description)
{
    out->status = status;
    snprintf(out->description, sizeof out->description, "%s", description);
    cJSON_Delete(out->result);
    out->result = NULL;
}

int tg_rate_gate(long long chat_id, tg_outcome *out)
{
    int wait = sim_limits_check(chat_id);
    if (!wait) return 0;
    char text[64];
    snprintf(text, sizeof text, "Too Many Requests: retry after %d", wait);
    tg_fail(out, 429, text);
    out->retry_after = wait;
    sim_stats_limit_violation();
    return -1;
}

static cJSON *error_body(int status, const char *description, int retry_after)
{
    cJSON *body = cJSON_CreateObject();
    cJSON_AddBoolToObject(body, "ok", 0);
    cJSON_AddNumberToObject(body, "error_code", status);
    cJSON_AddStringToObject(body, "description", description);
    if (status == 429) {
        cJSON *p = cJSON_AddObjectToObject(body, "parameters");
        cJSON_AddNumberToObject(p, "retry_after", retry_after > 0 ? retry_after : 1);
    }
    return body;
}

void tg_not_found(sim_reply *reply) { sim_reply_json(reply, 404, error_body(404, "Not Found", 0)); }

void tg_too_large(sim_reply *reply)
{
    sim_reply_json(reply, 413, error_body(413, "Request Entity Too Large", 0));
}

/* ---- methods that send nothing to a chat ---- */

static void get_me(const cJSON *params, tg_outcome *out)
{
    cJSON *me = tg_bot_user();
    cJSON_AddBoolToObject(me, "can_join_groups", 0);
    cJSON_AddBoolToObject(me, "can_read_all_group_messages", 0);
    cJSON_AddBoolToObject(me, "supports_inline_queries", 0);
    out->result = me;
}

/* Telegram remembers allowed_updates from the last call that gave it; an
 * empty list means the default set. */
static int remember_allowed(const cJSON *params, tg_outcome *out)
{
    int invalid;
    cJSON *allowed = sim_param_json(params, "allowed_updates", &invalid);
    if (invalid || (allowed && !cJSON_IsArray(allowed))) {
        cJSON_Delete(allowed);
        tg_fail(out, 400, "Bad Request: can't parse allowed updates");
        return -1;
    }
    if (allowed) {
        cJSON_Delete(tg.allowed_updates);
        tg.allowed_updates = allowed;
    }
    return 0;
}

static void get_updates(const cJSON *params, tg_outcome *out)
{
    long long offset = 0, limit = TG_UPDATES_LIMIT_MAX, timeout = 0;
    tg.get_updates_calls++;
    if (tg.webhook_url[0]) {
        tg_fail(out, 409, CONFLICT_WEBHOOK);
        return;
    }
    if (sim_param_int64(params, "offset", &offset) == SIM_PARAM_INVALID ||
        sim_param_int64(params, "limit", &limit) == SIM_PARAM_INVALID ||
        sim_param_int64(params, "timeout", &timeout) == SIM_PARAM_INVALID) {
        tg_fail(out, 400, "Bad Request: wrong parameter value");
        return;
    }
    if (remember_allowed(params, out)) return;
    /* Telegram clamps rather than refuses out-of-range values. */
    if (limit < 1) limit = 1;
    if (limit > TG_UPDATES_LIMIT_MAX) limit = TG_UPDATES_LIMIT_MAX;
    if (timeout < 0) timeout = 0;
    if (timeout > TG_POLL_TIMEOUT_MAX_S) timeout = TG_POLL_TIMEOUT_MAX_S;
    tg_updates_confirm(offset);

    if (tg.raw_next) {
        tg_updates_note_ids(tg.raw_next, tg.raw_next_len);
        out->status = 200;
        out->raw = tg.raw_next;
        out->raw_len = tg.raw_next_len;
        tg.raw_next = NULL;
        tg.raw_next_len = 0;
        return;
    }

    /* A newer getUpdates ends this one with 409, as Telegram does. */
    long long generation = ++tg.poll_generation;
    sim_broadcast();
    int64_t deadline = sim_mono_ms() + timeout * 1000;
    for (;;) {
        cJSON *batch = tg_updates_take((int)limit);
        if (!batch) {
            tg_fail(out, 500, "Internal Server Error");
            return;
        }
        if (cJSON_GetArraySize(batch) > 0 || sim_stopping() || sim_mono_ms() >= deadline) {
            out->status = 200;
            out->result = batch;
            return;
        }
        cJSON_Delete(batch);
        sim_wait(deadline);
        if (tg.poll_generation != generation) {
            tg_fail(out, 409, CONFLICT_POLL);
            return;
        }
    }
}

static void set_webhook(const cJSON *params, tg_outcome *out)
{
    const char *url = sim_param_string(params, "url");
    if (url && strlen(url) > TG_URL_MAX) {
        tg_fail(out, 400, "Bad Request: invalid webhook URL specified");
        return;
    }
    /* An empty url removes the webhook, as in Telegram. */
    snprintf(tg.webhook_url, sizeof tg.webhook_url, "%s", url ? url : "");
    if (sim_param_bool(params, "drop_pending_updates")) tg_updates_drop_all();
    if (remember_allowed(params, out)) return;
    sim_broadcast();
}

static void delete_webhook(const cJSON *params, tg_outcome *out)
{
    tg.webhook_url[0] = 0;
    if (sim_param_bool(params, "drop_pending_updates")) tg_updates_drop_all();
}

static void get_webhook_info(const cJSON *params, tg_outcome *out)
{
    cJSON *info = cJSON_CreateObject();
    cJSON_AddStringToObject(info, "url", tg.webhook_url);
    cJSON_AddBoolToObject(info, "has_custom_certificate", 0);
    cJSON_AddNumberToObject(info, "pending_update_count", (double)tg_updates_pending());
    out->result = info;
}

static int command_valid(const cJSON *c)
{
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(c, "command");
    if (!cJSON_IsString(name)) return 0;
    size_t n = strlen(name->valuestring);
    if (n < 1 || n > TG_COMMAND_MAX) return 0;
    for (const char *p = name->valuestring; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')) return 0;
    return 1;
}

static void set_my_commands(const cJSON *params, tg_outcome *out)
{
    int invalid;
    cJSON *commands = sim_param_json(params, "commands", &invalid);
    const cJSON *c;
    if (!commands && !invalid) {
        tg_fail(out, 400, "Bad Request: parameter \"commands\" is required");
        goto out;
    }
    if (!cJSON_IsArray(commands) || cJSON_GetArraySize(commands) > TG_COMMANDS_MAX) {
        tg_fail(out, 400, "Bad Request: can't parse commands JSON object");
        goto out;
    }
    cJSON_ArrayForEach(c, commands) {
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(c, "description");
        if (!command_valid(c)) {
            tg_fail(out, 400, "Bad Request: BOT_COMMAND_INVALID");
            goto out;
        }
        if (!cJSON_IsString(d) || !d->valuestring[0] ||
            strlen(d->valuestring) > TG_COMMAND_DESCRIPTION_MAX) {
            tg_fail(out, 400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID");
            goto out;
        }
    }
    cJSON_Delete(tg.commands);
    tg.commands = commands;
    commands = NULL;
out:
    cJSON_Delete(commands);
}

static void get_my_commands(const cJSON *params, tg_outcome *out)
{
    out->result = tg.commands ? cJSON_Duplicate(tg.commands, 1) : cJSON_CreateArray();
}

static void delete_my_commands(const cJSON *params, tg_outcome *out)
{
    cJSON_Delete(tg.commands);
    tg.commands = NULL;
}

/* ---- dispatch ---- */

typedef struct method_entry {
    const char *name;
    tg_method_fn fn;
    int recorded; /* goes into the sent log */
} method_entry;

static const method_entry METHODS[] = {
    {"getMe", get_me, 0},
    {"getUpdates", get_updates, 0},
    {"setWebhook", set_webhook, 0},
    {"deleteWebhook", delete_webhook, 0},
    {"getWebhookInfo", get_webhook_info, 0},
    {"setMyCommands", set_my_commands, 0},
    {"getMyCommands", get_my_commands, 0},
    {"deleteMyCommands", delete_my_commands, 0},
    {"sendChatAction", tg_send_chat_action, 0},
    {"sendMessage", tg_send_message, 1},
    {"editMessageText", tg_edit_message_text, 1},
    {"editMessageReplyMarkup", tg_edit_message_reply_markup, 1},
    {"answerCallbackQuery", tg_answer_callback_query, 1},
    {"sendDocument", tg_send_document, 1},
    {"sendPhoto", tg_send_photo, 1},
};

static const method_entry *method_find(const char *name)
{
    for (size_t i = 0; i < sizeof METHODS / sizeof *METHODS; i++)
        if (strcmp(METHODS[i].name, name) == 0) return &METHODS[i];
    return NULL;
}

/* The chat a call concerns, for calls that did not run (faults). */
static long long call_chat(const char *method, const cJSON *params)
{
    long long chat = 0;
    if (strcmp(method, "answerCallbackQuery") == 0)
        return tg_callback_chat(sim_param_string(params, "callback_query_id"));
    if (sim_param_int64(params, "chat_id", &chat) != SIM_PARAM_OK) chat = 0;
    return chat;
}

static const char *status_text(int status)
{
    switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 409: return "Conflict";
    case 413: return "Request Entity Too Large";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Error";
    }
}

/* Answers with an injected status. A string body is sent verbatim (an HTML
 * error page from a proxy, say); an object is sent as JSON; without a body
 * Telegram's error body for the status is built. */
static void apply_status_fault(const sim_fault *f, const method_entry *m, const char *method,
                               const cJSON *params, sim_reply *reply)
{
    char description[TG_DESCRIPTION_MAX];
    cJSON *body = NULL;
    if (f->status == 429)
        snprintf(description, sizeof description, "Too Many Requests: retry after %d",
                 f->retry_after > 0 ? f->retry_after : 1);
    else
        snprintf(description, sizeof description, "%s", status_text(f->status));
    if (cJSON_IsString(f->body)) {
        reply->status = f->status;
        reply->body = strdup(f->body->valuestring);
        reply->body_len = reply->body ? strlen(reply->body) : 0;
    } else {
        body = f->body ? cJSON_Duplicate(f->body, 1) : error_body(f->status, description, f->retry_after);
        const cJSON *d = cJSON_GetObjectItemCaseSensitive(body, "description");
        if (cJSON_IsString(d)) snprintf(description, sizeof description, "%s", d->valuestring);
        sim_reply_json(reply, f->status, body);
    }
    if (m && m->recorded)
        sim_sent_record("tg", method, call_chat(method, params), params, 0, NULL, f->status,
                        description, "status");
    if (f->status != 200) sim_stats_error(f->status);
}

static void reply_from_outcome(const method_entry *m, const char *method, const cJSON *params,
                               tg_outcome *out, const char *fault, sim_reply *reply)
{
    if (out->raw) {
        reply->status = 200;
        reply->body = out->raw;
        reply->body_len = out->raw_len;
        out->raw = NULL;
        return;
    }
    int ok = out->status == 200;
    cJSON *body = NULL;
    if (m && m->recorded) {
        cJSON *logged_true = out->result ? NULL : cJSON_CreateTrue();
        sim_sent_record("tg", method, out->chat_id, params, ok,
                        out->result ? out->result : logged_true, ok ? 0 : out->status,
                        out->description, fault);
        cJSON_Delete(logged_true);
    }
    if (ok) {
        body = cJSON_CreateObject();
        cJSON_AddBoolToObject(body, "ok", 1);
        cJSON_AddItemToObject(body, "result", out->result ? out->result : cJSON_CreateTrue());
        out->result = NULL;
    } else {
        body = error_body(out->status, out->description, out->retry_after);
        sim_stats_error(out->status);
        if (out->status == 409) sim_stats_conflict();
    }
    sim_reply_json(reply, out->status, body);
}

void tg_bot_api(const sim_request *req, const char *method, sim_reply *reply)
{
    tg_outcome out = {.status = 200, .files = req->files};
    sim_fault fault = {0};
    const char *performed = NULL;
    const method_entry *m = method_find(method);
    char name[SIM_METHOD_NAME_MAX];
    snprintf(name, sizeof name, "%s", method);

    sim_lock();
    sim_stats_call(name);
    if (sim_fault_take(name, &fault)) {
        if (fault.kind == SIM_FAULT_DROP) {
            reply->drop = 1;
            if (m && m->recorded)
                sim_sent_record("tg", name, call_chat(name, req->params), req->params, 0, NULL, 0,
                                NULL, "drop");
            goto out;
        }
        if (fault.kind == SIM_FAULT_STATUS) {
            apply_status_fault(&fault, m, name, req->params, reply);
            goto out;
        }
        performed = sim_fault_performed_name(&fault);
        if (fault.kind == SIM_FAULT_DELAY) reply->delay_ms = fault.delay_ms; /* performed now, answered late */
    }
    if (!m)
        tg_fail(&out, 404, "Not Found");
    else if (req->body_invalid)
        tg_fail(&out, 400, "Bad Request: can't parse request body");
    else
        m->fn(req->params, &out);
    reply_from_outcome(m, name, req->params, &out, performed, reply);
    sim_fault_apply_performed(&fault, performed, reply);
out:
    sim_unlock();
    cJSON_Delete(fault.body);
    cJSON_Delete(out.result);
    free(out.raw);
}

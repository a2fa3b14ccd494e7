#include "sim/vk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/params.h"
#include "sim/state.h"
#include "sim/vk_docs.h"
#include "sim/vk_history.h"
#include "sim/vk_methods.h"
#include "sim/vk_photos.h"
#include "sim/vk_world.h"

#define VK_WAIT_DEFAULT_S 25     /* a_check without `wait` */
#define VK_WAIT_MAX_S 90         /* VK's cap on `wait` */
#define VK_CHECK_BATCH_MAX 100   /* events in one a_check answer */
#define VK_SERVER_URL_MAX 128

/* VK API errors answered, by error_code (they all travel with HTTP 200,
 * so the core's errors-by-status cannot show them). */
static cJSON *errors_by_code;

void vk_init(void)
{
    vk_world_init();
    errors_by_code = cJSON_CreateObject();
}

void vk_free(void)
{
    vk_world_free();
    vk_docs_free();
    vk_photos_free();
    vk_history_clear();
    cJSON_Delete(errors_by_code);
    errors_by_code = NULL;
}

void vk_reset(void)
{
    vk_world_reset();
    vk_docs_reset();
    vk_photos_reset();
    vk_history_clear();
    cJSON_Delete(errors_by_code);
    errors_by_code = cJSON_CreateObject();
    sim_broadcast();
}

void vk_stats_add_json(cJSON *obj)
{
    cJSON *s = cJSON_AddObjectToObject(obj, "vk");
    cJSON_AddNumberToObject(s, "group_id", (double)vk.group_id);
    cJSON_AddStringToObject(s, "api_version", vk.api_version);
    cJSON_AddBoolToObject(s, "settings_given", vk.settings_given);
    cJSON_AddBoolToObject(s, "long_poll_enabled", vk.long_poll_enabled);
    cJSON_AddItemToObject(s, "event_types",
                          vk.event_types ? cJSON_Duplicate(vk.event_types, 1) : cJSON_CreateObject());
    cJSON_AddNumberToObject(s, "events_queued", (double)vk.events_queued);
    cJSON_AddNumberToObject(s, "events_delivered", (double)vk.events_delivered);
    cJSON_AddNumberToObject(s, "events_filtered", (double)vk.events_filtered);
    cJSON_AddNumberToObject(s, "events_kept", (double)vk_events_kept());
    cJSON_AddNumberToObject(s, "next_ts", (double)vk.next_event);
    cJSON_AddNumberToObject(s, "checks", (double)vk.checks);
    cJSON_AddNumberToObject(s, "keys_issued", (double)vk.keys_issued);
    cJSON_AddNumberToObject(s, "blocked_users", (double)vk_peers_blocked());
    cJSON_AddItemToObject(s, "errors", cJSON_Duplicate(errors_by_code, 1));
}

void vk_fail(vk_outcome *out, int error_code, const char *error_msg)
{
    out->error_code = error_code;
    snprintf(out->error_msg, sizeof out->error_msg, "%s", error_msg);
    cJSON_Delete(out->response);
    out->response = NULL;
}

void vk_fail_param(vk_outcome *out, const char *what)
{
    char message[VK_ERROR_MSG_MAX];
    snprintf(message, sizeof message, "One of the parameters specified was missing or invalid: %s", what);
    vk_fail(out, VK_ERR_PARAM, message);
}

int vk_upload_peer(const cJSON *params, vk_outcome *out)
{
    if (sim_param_int64(params, "peer_id", &out->peer_id) == SIM_PARAM_OK && out->peer_id) return 0;
    out->peer_id = 0;
    vk_fail_param(out, "peer_id is undefined");
    return -1;
}

int vk_upload_gate(vk_outcome *out)
{
    if (!vk_peer_writable(out->peer_id)) {
        vk_fail(out, VK_ERR_NO_PERMISSION, VK_MSG_NO_PERMISSION);
        return -1;
    }
    return vk_rate_gate(out->peer_id, out);
}

int vk_rate_gate(long long peer_id, vk_outcome *out)
{
    if (!sim_limits_check(peer_id)) return 0;
    vk_fail(out, VK_ERR_TOO_MANY, "Too many requests per second");
    sim_stats_limit_violation();
    return -1;
}

void vk_log_field(vk_outcome *out, const char *name, cJSON *value)
{
    if (!value) return;
    if (!out->log_fields && !(out->log_fields = cJSON_CreateObject())) {
        cJSON_Delete(value);
        return;
    }
    cJSON_AddItemToObject(out->log_fields, name, value);
}

static void count_error(int error_code)
{
    char key[16];
    snprintf(key, sizeof key, "%d", error_code);
    cJSON *n = cJSON_GetObjectItemCaseSensitive(errors_by_code, key);
    if (n) cJSON_SetNumberValue(n, n->valuedouble + 1);
    else cJSON_AddNumberToObject(errors_by_code, key, 1);
}

/* The parameters as the sent log and request_params show them: the
 * access_token is left out, as a secret never should be echoed. */
static cJSON *params_shown(const cJSON *params)
{
    cJSON *copy = cJSON_Duplicate(params, 1);
    cJSON_DeleteItemFromObjectCaseSensitive(copy, "access_token");
    return copy;
}

/* {"error":{"error_code","error_msg","request_params":[{key,value}...]}} */
static cJSON *error_body(const char *method, const cJSON *params, int error_code, const char *error_msg)
{
    cJSON *body = cJSON_CreateObject();
    cJSON *err = cJSON_AddObjectToObject(body, "error");
    cJSON_AddNumberToObject(err, "error_code", error_code);
    cJSON_AddStringToObject(err, "error_msg", error_msg);
    cJSON *list = cJSON_AddArrayToObject(err, "request_params");
    cJSON *shown = params_shown(params);
    const cJSON *p;
    cJSON *pair = cJSON_CreateObject();
    cJSON_AddStringToObject(pair, "key", "method");
    cJSON_AddStringToObject(pair, "value", method);
    cJSON_AddItemToArray(list, pair);
    pair = cJSON_CreateObject();
    cJSON_AddStringToObject(pair, "key", "oauth");
    cJSON_AddStringToObject(pair, "value", "1");
    cJSON_AddItemToArray(list, pair);
    cJSON_ArrayForEach(p, shown) {
        char *printed = cJSON_IsString(p) ? NULL : cJSON_PrintUnformatted(p);
        pair = cJSON_CreateObject();
        cJSON_AddStringToObject(pair, "key", p->string);
        cJSON_AddStringToObject(pair, "value", cJSON_IsString(p) ? p->valuestring : printed ? printed : "");
        cJSON_AddItemToArray(list, pair);
        free(printed);
    }
    cJSON_Delete(shown);
    return body;
}

/* ---- groups.* ---- */

static int group_read(const cJSON *params, vk_outcome *out)
{
    long long group_id;
    if (sim_param_int64(params, "group_id", &group_id) != SIM_PARAM_OK || group_id <= 0) {
        vk_fail(out, VK_ERR_PARAM, "One of the parameters specified was missing or invalid: group_id is undefined");
        return -1;
    }
    vk.group_id = group_id;
    return 0;
}

/* Every parameter besides these names an event type and switches it. */
static int settings_param(const char *name)
{
    static const char *names[] = {"group_id", "enabled", "api_version", "access_token", "v"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strcmp(name, names[i]) == 0) return 1;
    return 0;
}

static void set_long_poll_settings(const cJSON *params, vk_outcome *out)
{
    const char *version = sim_param_string(params, "api_version");
    const cJSON *p;
    if (group_read(params, out)) return;
    if (version && (!version[0] || strlen(version) >= sizeof vk.api_version)) {
        vk_fail(out, VK_ERR_PARAM, "One of the parameters specified was missing or invalid: api_version is invalid");
        return;
    }
    if (!vk.event_types && !(vk.event_types = cJSON_CreateObject())) {
        vk_fail(out, VK_ERR_INTERNAL, "Internal server error");
        return;
    }
    if (version) snprintf(vk.api_version, sizeof vk.api_version, "%s", version);
    if (cJSON_GetObjectItemCaseSensitive(params, "enabled"))
        vk.long_poll_enabled = sim_param_bool(params, "enabled");
    /* Flags left out keep their value, as in VK. */
    cJSON_ArrayForEach(p, params) {
        if (settings_param(p->string)) continue;
        cJSON *flag = cJSON_CreateBool(sim_param_bool(params, p->string));
        if (cJSON_GetObjectItemCaseSensitive(vk.event_types, p->string))
            cJSON_ReplaceItemInObjectCaseSensitive(vk.event_types, p->string, flag);
        else
            cJSON_AddItemToObject(vk.event_types, p->string, flag);
    }
    vk.settings_given = 1;
}

static void get_long_poll_server(const cJSON *params, vk_outcome *out)
{
    char key[VK_KEY_HEX + 1], server[VK_SERVER_URL_MAX], ts[32];
    if (group_read(params, out)) return;
    if (vk_key_new(key)) {
        vk_fail(out, VK_ERR_INTERNAL, "Internal server error");
        return;
    }
    /* The Long Poll server is the simulator itself, on the address it
     * listens on; ts is a string, as VK sends it. */
    snprintf(server, sizeof server, "http://%s%s", sim_server_address(), VK_LONG_POLL_PATH);
    snprintf(ts, sizeof ts, "%lld", vk.next_event);
    out->response = cJSON_CreateObject();
    cJSON_AddStringToObject(out->response, "key", key);
    cJSON_AddStringToObject(out->response, "server", server);
    cJSON_AddStringToObject(out->response, "ts", ts);
}

/* ---- dispatch ---- */

typedef struct method_entry {
    const char *name;
    vk_method_fn fn;
    int recorded; /* goes into the sent log */
} method_entry;

static const method_entry METHODS[] = {
    {"groups.setLongPollSettings", set_long_poll_settings, 0},
    {"groups.getLongPollServer", get_long_poll_server, 0},
    {"messages.send", vk_messages_send, 1},
    {"messages.edit", vk_messages_edit, 1},
    {"messages.sendMessageEventAnswer", vk_messages_send_message_event_answer, 1},
    {"docs.getMessagesUploadServer", vk_docs_get_messages_upload_server, 1},
    {"docs.save", vk_docs_save, 1},
    {"photos.getMessagesUploadServer", vk_photos_get_messages_upload_server, 1},
    {"photos.saveMessagesPhoto", vk_photos_save_messages_photo, 1},
    {"messages.getConversations", vk_messages_get_conversations, 0},
    {"messages.getHistory", vk_messages_get_history, 0},
};

static const method_entry *method_find(const char *name)
{
    for (size_t i = 0; i < sizeof METHODS / sizeof *METHODS; i++)
        if (strcmp(METHODS[i].name, name) == 0) return &METHODS[i];
    return NULL;
}

/* The conversation a call concerns, for calls that did not run (faults). */
static long long call_peer(const char *method, const cJSON *params)
{
    long long peer = 0;
    const char *list = sim_param_string(params, "peer_ids");
    if (strcmp(method, "messages.sendMessageEventAnswer") == 0) {
        peer = vk_callback_peer(sim_param_string(params, "event_id"));
        if (peer) return peer;
    }
    if (strcmp(method, "docs.save") == 0) return vk_docs_file_peer(sim_param_string(params, "file"));
    if (strcmp(method, "photos.saveMessagesPhoto") == 0)
        return vk_photos_upload_peer(sim_param_string(params, "photo"));
    if (list && list[0]) return strtoll(list, NULL, 10); /* the first of them */
    if (sim_param_int64(params, "peer_id", &peer) != SIM_PARAM_OK &&
        sim_param_int64(params, "user_id", &peer) != SIM_PARAM_OK)
        peer = 0;
    return peer;
}

/* Answers with an injected status: a string body verbatim, an object as
 * JSON, and without a body VK's internal error (code 10). */
static void apply_status_fault(const sim_fault *f, const method_entry *m, const char *method,
                               const cJSON *params, sim_reply *reply)
{
    int code = f->status;
    char message[VK_ERROR_MSG_MAX];
    snprintf(message, sizeof message, "HTTP %d", f->status);
    if (cJSON_IsString(f->body)) {
        reply->status = f->status;
        reply->body = strdup(f->body->valuestring);
        reply->body_len = reply->body ? strlen(reply->body) : 0;
    } else {
        cJSON *body = f->body ? cJSON_Duplicate(f->body, 1)
                              : error_body(method, params, VK_ERR_INTERNAL, "Internal server error");
        const cJSON *err = cJSON_GetObjectItemCaseSensitive(body, "error");
        const cJSON *c = cJSON_GetObjectItemCaseSensitive(err, "error_code");
        const cJSON *msg = cJSON_GetObjectItemCaseSensitive(err, "error_msg");
        if (cJSON_IsNumber(c)) code = c->valueint;
        if (cJSON_IsString(msg)) snprintf(message, sizeof message, "%s", msg->valuestring);
        if (err) count_error(code);
        sim_reply_json(reply, f->status, body);
    }
    if (m && m->recorded) {
        cJSON *shown = params_shown(params);
        sim_sent_record("vk", method, call_peer(method, params), shown, 0, NULL, code, message, "status");
        cJSON_Delete(shown);
    }
    if (f->status != 200) sim_stats_error(f->status);
}

/* Refusals VK gives before looking at the method's own parameters. */
static void request_check(const sim_request *req, const method_entry *m, vk_outcome *out)
{
    const char *token = sim_param_string(req->params, "access_token");
    if (!m)
        vk_fail(out, VK_ERR_UNKNOWN_METHOD, "Unknown method passed");
    else if (req->body_invalid)
        vk_fail(out, VK_ERR_INVALID_REQUEST, "Invalid request: the body could not be read");
    else if (!token || !token[0])
        vk_fail(out, VK_ERR_AUTH, "User authorization failed: no access_token passed.");
    else if (!sim_param_string(req->params, "v"))
        vk_fail(out, VK_ERR_INVALID_REQUEST, "Invalid request: v (version) is required or not supported");
}

static void reply_from_outcome(const method_entry *m, const char *method, const cJSON *params,
                               vk_outcome *out, const char *performed, sim_reply *reply)
{
    cJSON *body;
    if (m && m->recorded) {
        cJSON *shown = params_shown(params), *one = out->response ? NULL : cJSON_CreateNumber(1);
        const char *fault = out->note ? out->note : performed;
        long long seq = sim_sent_record("vk", method, out->peer_id, shown, !out->error_code,
                                        out->response ? out->response : one, out->error_code,
                                        out->error_msg, fault);
        sim_sent_extend(seq, out->log_fields);
        out->log_fields = NULL;
        cJSON_Delete(shown);
        cJSON_Delete(one);
    }
    if (out->error_code) {
        body = error_body(method, params, out->error_code, out->error_msg);
        count_error(out->error_code);
    } else {
        body = cJSON_CreateObject();
        cJSON_AddItemToObject(body, "response", out->response ? out->response : cJSON_CreateNumber(1));
        out->response = NULL;
    }
    sim_reply_json(reply, 200, body);
}

void vk_method_api(const sim_request *req, const char *method, sim_reply *reply)
{
    vk_outcome out = {0};
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
            if (m && m->recorded) {
                cJSON *shown = params_shown(req->params);
                sim_sent_record("vk", name, call_peer(name, req->params), shown, 0, NULL, 0, NULL, "drop");
                cJSON_Delete(shown);
            }
            goto out;
        }
        if (fault.kind == SIM_FAULT_STATUS) {
            apply_status_fault(&fault, m, name, req->params, reply);
            goto out;
        }
        performed = sim_fault_performed_name(&fault);
        if (fault.kind == SIM_FAULT_DELAY) reply->delay_ms = fault.delay_ms; /* performed now, answered late */
    }
    request_check(req, m, &out);
    if (!out.error_code) m->fn(req->params, &out);
    reply_from_outcome(m, name, req->params, &out, performed, reply);
    sim_fault_apply_performed(&fault, performed, reply);
out:
    sim_unlock();
    cJSON_Delete(fault.body);
    cJSON_Delete(out.response);
    cJSON_Delete(out.log_fields);
}

/* ---- the Long Poll server ---- */

static void reply_failed(sim_reply *reply, int failed, long long ts)
{
    cJSON *json = cJSON_CreateObject();
    cJSON_AddNumberToObject(json, "failed", failed);
    if (failed == 1) cJSON_AddNumberToObject(json, "ts", (double)ts);
    sim_reply_json(reply, 200, json);
}

static void reply_events(sim_reply *reply, long long ts, cJSON *updates)
{
    char text[32];
    snprintf(text, sizeof text, "%lld", ts);
    cJSON *json = cJSON_CreateObject();
    cJSON_AddStringToObject(json, "ts", text);
    cJSON_AddItemToObject(json, "updates", updates);
    sim_reply_json(reply, 200, json);
}

/* One pass over what an a_check can answer now. Returns 1 when reply is
 * set, 0 when the poll should wait for more. Checks run in this order: a
 * raw body, an injected failure, the key, the ts, then the events. */
static int check_once(const cJSON *params, int has_ts, long long ts, int timed_out, sim_reply *reply)
{
    if (vk.raw_next) {
        reply->status = 200;
        reply->body = vk.raw_next;
        reply->body_len = vk.raw_next_len;
        vk.raw_next = NULL;
        vk.raw_next_len = 0;
        return 1;
    }
    if (vk.failed_next) {
        /* the history lost is what came before the failure was asked for:
         * an event added since, before this poll woke, still comes */
        reply_failed(reply, vk.failed_next, vk.failed_ts);
        vk.failed_next = 0;
        return 1;
    }
    if (!vk_key_valid(sim_param_string(params, "key"))) {
        reply_failed(reply, 2, 0);
        return 1;
    }
    if (!has_ts || ts > vk.next_event) {
        reply_failed(reply, 1, vk.next_event);
        return 1;
    }
    if (ts < vk_events_oldest()) {
        reply_failed(reply, 1, vk_events_oldest());
        return 1;
    }
    long long last = ts - 1;
    cJSON *updates = vk_events_from(ts, VK_CHECK_BATCH_MAX, &last);
    if (!updates) {
        sim_reply_error(reply, 500, "out of memory");
        return 1;
    }
    int count = cJSON_GetArraySize(updates);
    if (count > 0 || timed_out) {
        vk.events_delivered += count;
        reply_events(reply, last + 1, updates);
        return 1;
    }
    cJSON_Delete(updates);
    return 0;
}

void vk_long_poll(const sim_request *req, sim_reply *reply)
{
    sim_fault fault = {0};
    const char *performed = NULL;
    long long ts = 0, wait_s = VK_WAIT_DEFAULT_S;
    const char *act = sim_param_string(req->params, "act");
    int has_ts = sim_param_int64(req->params, "ts", &ts) == SIM_PARAM_OK;

    sim_lock();
    sim_stats_call("a_check");
    if (sim_fault_take("a_check", &fault)) {
        if (fault.kind == SIM_FAULT_DROP) {
            reply->drop = 1;
            goto out;
        }
        if (fault.kind == SIM_FAULT_STATUS) {
            apply_status_fault(&fault, NULL, "a_check", req->params, reply);
            goto out;
        }
        performed = sim_fault_performed_name(&fault);
        if (fault.kind == SIM_FAULT_DELAY) reply->delay_ms = fault.delay_ms;
    }
    if (!act || strcmp(act, "a_check") != 0) {
        sim_reply_error(reply, 400, "act=a_check is required");
        goto out;
    }
    vk.checks++;
    if (sim_param_int64(req->params, "wait", &wait_s) == SIM_PARAM_INVALID) wait_s = VK_WAIT_DEFAULT_S;
    if (wait_s < 0) wait_s = 0;
    if (wait_s > VK_WAIT_MAX_S) wait_s = VK_WAIT_MAX_S;
    int64_t deadline = sim_mono_ms() + wait_s * 1000;
    /* Everything is re-checked after each wake-up, so a held poll also
     * answers a raw body, a failure or an expired key injected meanwhile. */
    while (!check_once(req->params, has_ts, ts, sim_stopping() || sim_mono_ms() >= deadline, reply))
        sim_wait(deadline);
    sim_fault_apply_performed(&fault, performed, reply);
out:
    sim_unlock();
    cJSON_Delete(fault.body);
}

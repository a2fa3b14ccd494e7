#include "sim/control.h"
#include "sim/max.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/params.h"
#include "sim/state.h"
#include "sim/tg.h"
#include "sim/vk.h"

#define SIM_FAULT_TIMES_MAX 1000000
#define SIM_RETRY_AFTER_MAX 86400

static int int_in(const cJSON *params, const char *name, long long min, long long max,
                  long long *value)
{
    sim_param_result r = sim_param_int64(params, name, value);
    if (r == SIM_PARAM_MISSING) return 0;
    return r == SIM_PARAM_OK && *value >= min && *value <= max ? 0 : -1;
}

static void reply_faults(sim_reply *reply)
{
    cJSON *json = cJSON_CreateObject();
    cJSON_AddNumberToObject(json, "faults_queued", sim_fault_count());
    sim_reply_json(reply, 200, json);
}

/* Queues one fault rule. Exactly one of status, drop, drop_after, delay_ms
 * and truncate says
 * what happens to the next `times` calls of `method`. */
static void control_fault(const cJSON *params, sim_reply *reply)
{
    sim_fault f = {0};
    long long status = 0, delay = 0, times = 1, retry_after = 1, truncate = -1;
    const char *method = sim_param_string(params, "method");
    if (sim_param_bool(params, "clear")) {
        sim_fault_clear();
        reply_faults(reply);
        return;
    }
    if (!method || !method[0] || strlen(method) >= sizeof f.method) {
        sim_reply_error(reply, 400, "method is required (a Bot API or VK method name, \"a_check\" or \"*\")");
        return;
    }
    if (int_in(params, "status", 100, 599, &status) || int_in(params, "delay_ms", 0, SIM_FAULT_DELAY_MAX_MS, &delay) ||
        int_in(params, "times", 1, SIM_FAULT_TIMES_MAX, &times) ||
        int_in(params, "retry_after", 0, SIM_RETRY_AFTER_MAX, &retry_after) ||
        int_in(params, "truncate", 0, SIM_BODY_MAX, &truncate)) {
        sim_reply_error(reply, 400, "status, delay_ms, times, retry_after or truncate out of range");
        return;
    }
    int drop = sim_param_bool(params, "drop"), drop_after = sim_param_bool(params, "drop_after");
    if ((status != 0) + drop + drop_after + (delay != 0) + (truncate >= 0) != 1) {
        sim_reply_error(reply, 400, "give exactly one of status, drop, drop_after, delay_ms and truncate");
        return;
    }
    snprintf(f.method, sizeof f.method, "%s", method);
    f.kind = drop ? SIM_FAULT_DROP : drop_after ? SIM_FAULT_DROP_AFTER : delay ? SIM_FAULT_DELAY
           : truncate >= 0 ? SIM_FAULT_TRUNCATE : SIM_FAULT_STATUS;
    f.truncate = truncate >= 0 ? (int)truncate : 0;
    f.status = (int)status;
    f.delay_ms = (int)delay;
    f.times = (int)times;
    f.retry_after = (int)retry_after;
    f.body = cJSON_GetObjectItemCaseSensitive(params, "body"); /* copied by sim_fault_add */
    if (sim_fault_add(&f)) {
        sim_reply_error(reply, 400, "too many faults queued");
        return;
    }
    reply_faults(reply);
}

static void control_limits(const sim_request *req, sim_reply *reply)
{
    int global, per_chat;
    sim_limits_get(&global, &per_chat);
    if (strcmp(req->verb, "POST") == 0) {
        long long g = global, c = per_chat;
        /* A key left out keeps its current value. */
        if (int_in(req->params, "global_per_s", 0, SIM_LIMIT_MAX, &g) ||
            int_in(req->params, "per_chat_per_s", 0, SIM_LIMIT_MAX, &c)) {
            sim_reply_error(reply, 400, "limits must be integers from 0 (unlimited) up");
            return;
        }
        global = (int)g;
        per_chat = (int)c;
        sim_limits_set(global, per_chat);
    }
    cJSON *json = cJSON_CreateObject();
    cJSON_AddNumberToObject(json, "global_per_s", global);
    cJSON_AddNumberToObject(json, "per_chat_per_s", per_chat);
    sim_reply_json(reply, 200, json);
}

static void control_stats(sim_reply *reply)
{
    cJSON *json = cJSON_CreateObject();
    tg_stats_add_json(json);
    vk_stats_add_json(json);
    max_sim_stats_add_json(json);
    sim_stats_add_json(json);
    /* Lets a test tell its own simulator from another on a reused port. */
    cJSON_AddNumberToObject(json, "pid", (double)getpid());
    sim_reply_json(reply, 200, json);
}

void sim_control(const sim_request *req, sim_reply *reply)
{
    const char *endpoint = req->path + strlen("/sim/");
    int post = strcmp(req->verb, "POST") == 0;
    if (strncmp(endpoint, "tg/", 3) == 0) {
        tg_control(req, endpoint + 3, reply);
        return;
    }
    if (strncmp(endpoint, "vk/", 3) == 0) {
        vk_control(req, endpoint + 3, reply);
        return;
    }
    if (strncmp(endpoint, "max/", 4) == 0) {
        max_sim_control(req, endpoint + 4, reply);
        return;
    }
    sim_lock();
    if (strcmp(endpoint, "stats") == 0) {
        control_stats(reply);
    } else if (strcmp(endpoint, "limits") == 0) {
        control_limits(req, reply);
    } else if (strcmp(endpoint, "fault") == 0 || strcmp(endpoint, "reset") == 0) {
        if (!post) {
            sim_reply_error(reply, 405, "use POST");
        } else if (req->body_invalid) {
            sim_reply_error(reply, 400, "the body is not valid JSON");
        } else if (endpoint[0] == 'f') {
            control_fault(req->params, reply);
        } else {
            sim_state_reset();
            tg_reset();
            vk_reset();
            max_sim_reset();
            cJSON *json = cJSON_CreateObject();
            cJSON_AddBoolToObject(json, "ok", 1);
            sim_reply_json(reply, 200, json);
        }
    } else {
        sim_reply_error(reply, 404, "no such control endpoint");
    }
    sim_unlock();
}

/* ---- shared by the platforms' control APIs ---- */

void sim_control_route(const sim_endpoint *table, size_t count, const sim_request *req,
                       const char *endpoint, sim_reply *reply)
{
    const sim_endpoint *e = NULL;
    for (size_t i = 0; i < count && !e; i++)
        if (strcmp(table[i].name, endpoint) == 0) e = &table[i];
    sim_lock();
    if (e && e->kind == SIM_ENDPOINT_ANY)
        e->serve(req, reply);
    else if (strcmp(req->verb, "POST") != 0)
        sim_reply_error(reply, 405, "use POST");
    else if (e && e->kind == SIM_ENDPOINT_BODY)
        e->serve(req, reply);
    else if (req->body_invalid)
        sim_reply_error(reply, 400, "the body is not valid JSON");
    else if (e)
        e->serve(req, reply);
    else
        sim_reply_error(reply, 404, "no such control endpoint");
    sim_unlock();
}

void sim_control_sent(const sim_request *req, sim_reply *reply, const char *platform,
                      const char *chat_param)
{
    long long chat = 0, after = 0, wait_ms = 0;
    sim_param_result has_chat = sim_param_int64(req->params, chat_param, &chat);
    if (has_chat == SIM_PARAM_INVALID ||
        sim_param_int64(req->params, "after", &after) == SIM_PARAM_INVALID ||
        sim_param_int64(req->params, "wait_ms", &wait_ms) == SIM_PARAM_INVALID) {
        char message[96];
        snprintf(message, sizeof message, "%s, after and wait_ms must be integers", chat_param);
        sim_reply_error(reply, 400, message);
        return;
    }
    if (wait_ms > SIM_SENT_WAIT_MAX_MS) wait_ms = SIM_SENT_WAIT_MAX_MS;
    int64_t deadline = sim_mono_ms() + (wait_ms > 0 ? wait_ms : 0);
    cJSON *calls;
    /* With wait_ms the answer waits for the first matching call, so a
     * client needs no busy polling. */
    for (;;) {
        calls = sim_sent_query(platform, has_chat == SIM_PARAM_OK, chat, after);
        if (!calls || cJSON_GetArraySize(calls) > 0 || sim_stopping() || sim_mono_ms() >= deadline)
            break;
        cJSON_Delete(calls);
        sim_wait(deadline);
    }
    if (!calls) {
        sim_reply_error(reply, 500, "out of memory");
        return;
    }
    cJSON *json = cJSON_CreateObject();
    cJSON_AddItemToObject(json, "calls", calls);
    cJSON_AddNumberToObject(json, "last_seq", (double)sim_sent_last_seq());
    sim_reply_json(reply, 200, json);
}

int sim_control_raw(const sim_request *req, sim_reply *reply, char **raw_next, size_t *raw_next_len)
{
    char *copy = malloc(req->body_len + 1);
    if (!copy) {
        sim_reply_error(reply, 500, "out of memory");
        return -1;
    }
    memcpy(copy, req->body, req->body_len);
    copy[req->body_len] = 0;
    free(*raw_next);
    *raw_next = copy;
    *raw_next_len = req->body_len;
    cJSON *json = cJSON_CreateObject();
    cJSON_AddNumberToObject(json, "bytes", (double)req->body_len);
    sim_reply_json(reply, 200, json);
    return 0;
}

#include "sim/state.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/files.h"
#include "sim/server.h"

typedef struct sent_entry {
    long long seq;
    long long chat_id;
    char platform[8];
    cJSON *call; /* the object /sim/<platform>/sent returns */
} sent_entry;

typedef struct limit_event {
    int64_t ms;
    long long chat_id;
} limit_event;

static struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int stopping;

    sim_fault faults[SIM_FAULTS_MAX];
    int fault_count;

    sent_entry *sent;
    size_t sent_len, sent_cap;
    long long next_seq;

    int limit_global, limit_chat;
    limit_event *events; /* oldest first */
    size_t events_len, events_cap;

    cJSON *calls_by_method;
    cJSON *errors_by_status;
    long long conflicts, limit_violations, faults_applied;
} core;

void sim_state_init(void)
{
    pthread_condattr_t attr;
    pthread_mutex_init(&core.lock, NULL);
    pthread_condattr_init(&attr);
    /* Waits are measured on the monotonic clock so a wall-clock jump
     * cannot end or stretch a long poll. */
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&core.cond, &attr);
    pthread_condattr_destroy(&attr);
    core.next_seq = 1;
    core.calls_by_method = cJSON_CreateObject();
    core.errors_by_status = cJSON_CreateObject();
}

static void sent_clear(void)
{
    for (size_t i = 0; i < core.sent_len; i++) cJSON_Delete(core.sent[i].call);
    core.sent_len = 0;
}

void sim_state_free(void)
{
    sim_fault_clear();
    sent_clear();
    sim_files_clear();
    free(core.sent);
    core.sent = NULL;
    core.sent_cap = 0;
    free(core.events);
    core.events = NULL;
    core.events_len = core.events_cap = 0;
    cJSON_Delete(core.calls_by_method);
    cJSON_Delete(core.errors_by_status);
    core.calls_by_method = core.errors_by_status = NULL;
    pthread_cond_destroy(&core.cond);
    pthread_mutex_destroy(&core.lock);
}

void sim_lock(void) { pthread_mutex_lock(&core.lock); }
void sim_unlock(void) { pthread_mutex_unlock(&core.lock); }
void sim_broadcast(void) { pthread_cond_broadcast(&core.cond); }

int64_t sim_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sim_wait(int64_t deadline_ms)
{
    struct timespec ts;
    ts.tv_sec = (time_t)(deadline_ms / 1000);
    ts.tv_nsec = (long)(deadline_ms % 1000) * 1000000L;
    pthread_cond_timedwait(&core.cond, &core.lock, &ts);
}

void sim_request_stop(void)
{
    sim_lock();
    core.stopping = 1;
    sim_broadcast();
    sim_unlock();
}

int sim_stopping(void) { return core.stopping; }

void sim_sleep_ms(int ms)
{
    int64_t deadline = sim_mono_ms() + ms;
    sim_lock();
    while (!core.stopping && sim_mono_ms() < deadline) sim_wait(deadline);
    sim_unlock();
}

/* ---- growable arrays ---- */

void sim_array_drop_front(void *array, size_t *len, size_t n, size_t item)
{
    if (!n) return;
    memmove(array, (char *)array + n * item, (*len - n) * item);
    *len -= n;
}

int sim_array_room(void **array, size_t *len, size_t *cap, size_t max, size_t item)
{
    if (*len >= max) sim_array_drop_front(*array, len, *len / 2, item);
    return array_grow(array, cap, *len, item, 64);
}

void sim_array_remove(void *array, size_t *len, size_t at, size_t item)
{
    char *base = array;
    memmove(base + at * item, base + (at + 1) * item, (*len - at - 1) * item);
    (*len)--;
}

/* ---- faults ---- */

mb_status sim_fault_add(const sim_fault *f)
{
    if (core.fault_count >= SIM_FAULTS_MAX) return MB_ERR_LIMIT;
    sim_fault *slot = &core.faults[core.fault_count];
    *slot = *f;
    slot->body = NULL;
    if (f->body && !(slot->body = cJSON_Duplicate(f->body, 1))) return MB_ERR_NOMEM;
    core.fault_count++;
    return MB_OK;
}

void sim_fault_clear(void)
{
    for (int i = 0; i < core.fault_count; i++) cJSON_Delete(core.faults[i].body);
    core.fault_count = 0;
}

int sim_fault_count(void) { return core.fault_count; }

int sim_fault_take(const char *method, sim_fault *out)
{
    for (int i = 0; i < core.fault_count; i++) {
        sim_fault *f = &core.faults[i];
        if (strcmp(f->method, "*") != 0 && strcmp(f->method, method) != 0) continue;
        *out = *f;
        out->body = f->body ? cJSON_Duplicate(f->body, 1) : NULL;
        if (--f->times <= 0) {
            cJSON_Delete(f->body);
            memmove(f, f + 1, (size_t)(core.fault_count - i - 1) * sizeof *f);
            core.fault_count--;
        }
        core.faults_applied++;
        return 1;
    }
    return 0;
}

const char *sim_fault_performed_name(const sim_fault *f)
{
    switch (f->kind) {
    case SIM_FAULT_DELAY: return "delay";
    case SIM_FAULT_DROP_AFTER: return "drop_after";
    case SIM_FAULT_TRUNCATE: return "truncate";
    default: return NULL;
    }
}

void sim_fault_apply_performed(const sim_fault *f, const char *performed, sim_reply *reply)
{
    if (!performed) return;
    if (f->kind == SIM_FAULT_DROP_AFTER) reply->drop = 1;
    if (f->kind == SIM_FAULT_TRUNCATE && reply->body_len > (size_t)f->truncate) reply->body_len = (size_t)f->truncate;
}

/* ---- sent log ---- */

static int sent_reserve(void)
{
    if (core.sent_len >= SIM_SENT_LOG_MAX) {
        /* Dropping half at once keeps the cost of a full log amortised. */
        size_t drop = core.sent_len / 2;
        for (size_t i = 0; i < drop; i++) cJSON_Delete(core.sent[i].call);
        sim_array_drop_front(core.sent, &core.sent_len, drop, sizeof *core.sent);
    }
    return array_grow(&core.sent, &core.sent_cap, core.sent_len, sizeof *core.sent, 256);
}

long long sim_sent_record(const char *platform, const char *method, long long chat_id,
                          const cJSON *params, int ok, const cJSON *result, int error_code,
                          const char *description, const char *fault)
{
    long long seq = 0;
    cJSON *call = cJSON_CreateObject();
    if (!call || sent_reserve()) goto out;
    seq = core.next_seq++;
    cJSON_AddNumberToObject(call, "seq", (double)seq);
    /* When the call arrived (the simulator's monotonic clock), so a test can
     * measure the pace of what the bot sends as a messenger would see it. */
    cJSON_AddNumberToObject(call, "at_ms", (double)sim_mono_ms());
    cJSON_AddStringToObject(call, "method", method);
    cJSON_AddNumberToObject(call, "chat_id", (double)chat_id);
    cJSON_AddBoolToObject(call, "ok", ok);
    cJSON_AddItemToObject(call, "params",
                          params ? cJSON_Duplicate(params, 1) : cJSON_CreateObject());
    if (ok && result) {
        cJSON_AddItemToObject(call, "result", cJSON_Duplicate(result, 1));
    } else if (!ok && error_code) {
        cJSON *err = cJSON_AddObjectToObject(call, "error");
        cJSON_AddNumberToObject(err, "error_code", error_code);
        cJSON_AddStringToObject(err, "description", description ? description : "");
    }
    if (fault) cJSON_AddStringToObject(call, "fault", fault);
    sent_entry *e = &core.sent[core.sent_len++];
    e->seq = seq;
    e->chat_id = chat_id;
    snprintf(e->platform, sizeof e->platform, "%s", platform);
    e->call = call;
    call = NULL;
    sim_broadcast();
out:
    cJSON_Delete(call);
    return seq;
}

/* The index of the first entry with a seq above `after` (entries are in
 * seq order). */
static size_t sent_first_after(long long after)
{
    size_t lo = 0, hi = core.sent_len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (core.sent[mid].seq <= after) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

void sim_sent_extend(long long seq, cJSON *fields)
{
    size_t i = sent_first_after(seq - 1);
    if (i < core.sent_len && core.sent[i].seq == seq && cJSON_IsObject(fields)) {
        cJSON *call = core.sent[i].call;
        while (fields->child) {
            cJSON *item = cJSON_DetachItemViaPointer(fields, fields->child);
            cJSON_AddItemToObject(call, item->string, item);
        }
    }
    cJSON_Delete(fields);
}

/* 1 when the entry is filed under chat_id: its own, or one of its
 * "chat_ids" (a call to several conversations). */
static int sent_filed_under(const sent_entry *e, long long chat_id)
{
    const cJSON *id;
    if (e->chat_id == chat_id) return 1;
    cJSON_ArrayForEach(id, cJSON_GetObjectItemCaseSensitive(e->call, "chat_ids"))
        if (cJSON_IsNumber(id) && (long long)id->valuedouble == chat_id) return 1;
    return 0;
}

cJSON *sim_sent_query(const char *platform, int has_chat, long long chat_id, long long after)
{
    cJSON *calls = cJSON_CreateArray();
    if (!calls) return NULL;
    for (size_t i = sent_first_after(after); i < core.sent_len; i++) {
        const sent_entry *e = &core.sent[i];
        if (strcmp(e->platform, platform) != 0) continue;
        if (has_chat && !sent_filed_under(e, chat_id)) continue;
        cJSON_AddItemToArray(calls, cJSON_Duplicate(e->call, 1));
    }
    return calls;
}

long long sim_sent_last_seq(void) { return core.next_seq - 1; }

/* ---- rate limits ---- */

void sim_limits_set(int global_per_s, int per_chat_per_s)
{
    core.limit_global = global_per_s;
    core.limit_chat = per_chat_per_s;
    core.events_len = 0;
}

void sim_limits_get(int *global_per_s, int *per_chat_per_s)
{
    *global_per_s = core.limit_global;
    *per_chat_per_s = core.limit_chat;
}

static void events_prune(int64_t now)
{
    size_t keep = 0;
    while (keep < core.events_len && core.events[keep].ms <= now - SIM_LIMIT_WINDOW_MS) keep++;
    sim_array_drop_front(core.events, &core.events_len, keep, sizeof *core.events);
}

/* Whole seconds, rounded up and at least 1, until the event at ms leaves
 * the window. */
static int seconds_until_free(int64_t ms, int64_t now)
{
    int64_t wait = ms + SIM_LIMIT_WINDOW_MS - now;
    int s = (int)((wait + 999) / 1000);
    return s < 1 ? 1 : s;
}

int sim_limits_check(long long chat_id)
{
    if (!core.limit_global && !core.limit_chat) return 0;
    int64_t now = sim_mono_ms();
    events_prune(now);
    if (core.limit_global && core.events_len >= (size_t)core.limit_global)
        return seconds_until_free(core.events[0].ms, now);
    if (core.limit_chat) {
        int count = 0;
        int64_t oldest = 0;
        for (size_t i = 0; i < core.events_len; i++) {
            if (core.events[i].chat_id != chat_id) continue;
            if (!count) oldest = core.events[i].ms;
            count++;
        }
        if (count >= core.limit_chat) return seconds_until_free(oldest, now);
    }
    return 0;
}

void sim_limits_note(long long chat_id)
{
    if (!core.limit_global && !core.limit_chat) return;
    if (array_grow(&core.events, &core.events_cap, core.events_len, sizeof *core.events, 64))
        return;
    core.events[core.events_len].ms = sim_mono_ms();
    core.events[core.events_len].chat_id = chat_id;
    core.events_len++;
}

/* ---- counters ---- */

static void bump(cJSON *obj, const char *key)
{
    if (!obj) return;
    cJSON *n = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (n) cJSON_SetNumberValue(n, n->valuedouble + 1);
    else cJSON_AddNumberToObject(obj, key, 1);
}

void sim_stats_call(const char *method) { bump(core.calls_by_method, method); }

void sim_stats_error(int status)
{
    char key[16];
    snprintf(key, sizeof key, "%d", status);
    bump(core.errors_by_status, key);
}

void sim_stats_conflict(void) { core.conflicts++; }
void sim_stats_limit_violation(void) { core.limit_violations++; }

void sim_stats_add_json(cJSON *obj)
{
    cJSON_AddItemToObject(obj, "calls", cJSON_Duplicate(core.calls_by_method, 1));
    cJSON_AddItemToObject(obj, "errors", cJSON_Duplicate(core.errors_by_status, 1));
    cJSON_AddNumberToObject(obj, "conflicts", (double)core.conflicts);
    cJSON_AddNumberToObject(obj, "limit_violations", (double)core.limit_violations);
    cJSON_AddNumberToObject(obj, "faults_applied", (double)core.faults_applied);
    cJSON_AddNumberToObject(obj, "faults_queued", core.fault_count);
    cJSON_AddNumberToObject(obj, "sent_log", (double)core.sent_len);
    cJSON_AddNumberToObject(obj, "last_seq", (double)sim_sent_last_seq());
}

void sim_state_reset(void)
{
    sim_fault_clear();
    sent_clear();
    sim_files_clear();
    sim_limits_set(0, 0);
    cJSON_Delete(core.calls_by_method);
    cJSON_Delete(core.errors_by_status);
    core.calls_by_method = cJSON_CreateObject();
    core.errors_by_status = cJSON_CreateObject();
    core.conflicts = core.limit_violations = core.faults_applied = 0;
    sim_broadcast();
}

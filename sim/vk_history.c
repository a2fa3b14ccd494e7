#include "sim/vk_history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/params.h"
#include "sim/state.h"
#include "sim/vk_world.h"
#include "util/clock.h"

typedef struct history_entry {
    long long peer_id;
    long long cmid;
    int out;
    cJSON *message;
} history_entry;

/* Oldest first; searched linearly, as the rest of the world is. */
static history_entry *entries;
static size_t entries_len, entries_cap;

static long long int_of(const cJSON *obj, const char *name)
{
    long long v = 0;
    return sim_param_int64(obj, name, &v) == SIM_PARAM_OK ? v : 0;
}

static void keep(cJSON *message)
{
    if (!message) return;
    if (entries_len >= VK_HISTORY_MAX) {
        size_t half = entries_len / 2;
        for (size_t i = 0; i < half; i++) cJSON_Delete(entries[i].message);
        sim_array_drop_front(entries, &entries_len, half, sizeof *entries);
    }
    if (array_grow(&entries, &entries_cap, entries_len, sizeof *entries, 64)) {
        cJSON_Delete(message);
        return;
    }
    history_entry *e = &entries[entries_len++];
    e->peer_id = int_of(message, "peer_id");
    e->cmid = int_of(message, "conversation_message_id");
    e->out = int_of(message, "out") != 0;
    e->message = message;
}

void vk_history_add(const cJSON *message)
{
    if (cJSON_IsObject(message) && int_of(message, "peer_id")) keep(cJSON_Duplicate(message, 1));
}

void vk_history_add_bot(long long peer_id, long long cmid, long long message_id, long long random_id,
                        const char *text)
{
    cJSON *m = cJSON_CreateObject();
    if (!m) return;
    cJSON_AddNumberToObject(m, "date", (double)(clock_now_ms() / 1000));
    cJSON_AddNumberToObject(m, "from_id", (double)-vk.group_id);
    cJSON_AddNumberToObject(m, "id", (double)message_id);
    cJSON_AddNumberToObject(m, "out", 1);
    cJSON_AddArrayToObject(m, "attachments");
    cJSON_AddNumberToObject(m, "conversation_message_id", (double)cmid);
    cJSON_AddArrayToObject(m, "fwd_messages");
    cJSON_AddBoolToObject(m, "important", 0);
    cJSON_AddBoolToObject(m, "is_hidden", 0);
    cJSON_AddNumberToObject(m, "peer_id", (double)peer_id);
    cJSON_AddNumberToObject(m, "random_id", (double)random_id);
    cJSON_AddStringToObject(m, "text", text ? text : "");
    keep(m);
}

void vk_history_clear(void)
{
    for (size_t i = 0; i < entries_len; i++) cJSON_Delete(entries[i].message);
    entries_len = 0;
    free(entries);
    entries = NULL;
    entries_cap = 0;
}

/* count and offset as VK reads them: count 0..200 (default 20), offset
 * from 0. -1 with error 100 set when out of range. */
static int paging_read(const cJSON *params, long long *count, long long *offset, vk_outcome *out)
{
    *count = VK_HISTORY_COUNT_DEFAULT;
    *offset = 0;
    sim_param_result rc = sim_param_int64(params, "count", count), ro = sim_param_int64(params, "offset", offset);
    if (rc == SIM_PARAM_INVALID || ro == SIM_PARAM_INVALID || *count < 0 || *count > VK_HISTORY_COUNT_MAX ||
        *offset < 0) {
        vk_fail(out, VK_ERR_PARAM, "One of the parameters specified was missing or invalid: count must be 0..200 "
                                   "and offset not negative");
        return -1;
    }
    return 0;
}

static cJSON *conversation_of(const history_entry *last)
{
    vk_peer *peer = vk_peer_find(last->peer_id);
    long long in_read = 0, out_read = 0;
    for (size_t i = 0; i < entries_len; i++)
        if (entries[i].peer_id == last->peer_id) {
            if (entries[i].out) out_read = entries[i].cmid;
            else in_read = entries[i].cmid;
        }
    cJSON *c = cJSON_CreateObject(), *p = cJSON_AddObjectToObject(c, "peer");
    cJSON_AddNumberToObject(p, "id", (double)last->peer_id);
    cJSON_AddStringToObject(p, "type", last->peer_id >= 2000000000LL ? "chat" : "user");
    cJSON_AddNumberToObject(p, "local_id", (double)(last->peer_id >= 2000000000LL ? last->peer_id - 2000000000LL
                                                                                    : last->peer_id));
    cJSON_AddNumberToObject(c, "last_message_id", (double)int_of(last->message, "id"));
    cJSON_AddNumberToObject(c, "last_conversation_message_id", (double)last->cmid);
    cJSON_AddNumberToObject(c, "in_read", (double)in_read);
    cJSON_AddNumberToObject(c, "out_read", (double)out_read);
    cJSON_AddBoolToObject(c, "important", 0);
    cJSON_AddBoolToObject(c, "unanswered", !last->out);
    cJSON *w = cJSON_AddObjectToObject(c, "can_write");
    cJSON_AddBoolToObject(w, "allowed", peer && peer->known && !peer->blocked);
    return c;
}

/* Conversations newest first, each with its last message. The filter
 * "unanswered" (and "unread": the community never reads here) keeps those
 * whose last message is the user's; "important" and "archive" are empty. */
void vk_messages_get_conversations(const cJSON *params, vk_outcome *out)
{
    long long count, offset;
    const char *filter = sim_param_string(params, "filter");
    if (!filter || !filter[0]) filter = "all";
    int only_unanswered = strcmp(filter, "unanswered") == 0 || strcmp(filter, "unread") == 0;
    int none = strcmp(filter, "important") == 0 || strcmp(filter, "archive") == 0;
    if (!only_unanswered && !none && strcmp(filter, "all") != 0) {
        vk_fail(out, VK_ERR_PARAM, "One of the parameters specified was missing or invalid: filter should be one of "
                                   "all, unread, important, unanswered, archive");
        return;
    }
    if (paging_read(params, &count, &offset, out)) return;
    cJSON *items = cJSON_CreateArray();
    long long total = 0, *seen = NULL;
    size_t seen_len = 0, seen_cap = 0;
    for (size_t i = entries_len; items && !none && i-- > 0;) {
        const history_entry *e = &entries[i];
        size_t k = 0;
        while (k < seen_len && seen[k] != e->peer_id) k++;
        if (k < seen_len) continue;
        if (array_grow(&seen, &seen_cap, seen_len, sizeof *seen, 64)) break;
        seen[seen_len++] = e->peer_id;
        if (only_unanswered && e->out) continue;
        if (total++ < offset || cJSON_GetArraySize(items) >= count) continue;
        cJSON *item = cJSON_CreateObject();
        cJSON_AddItemToObject(item, "conversation", conversation_of(e));
        cJSON_AddItemToObject(item, "last_message", cJSON_Duplicate(e->message, 1));
        cJSON_AddItemToArray(items, item);
    }
    free(seen);
    out->response = cJSON_CreateObject();
    if (!items || !out->response) {
        cJSON_Delete(items);
        vk_fail(out, VK_ERR_INTERNAL, "Internal server error");
        return;
    }
    cJSON_AddNumberToObject(out->response, "count", (double)total);
    cJSON_AddItemToObject(out->response, "items", items);
}

/* A conversation's messages, newest first (rev=1: oldest first), count of
 * them from offset. */
void vk_messages_get_history(const cJSON *params, vk_outcome *out)
{
    long long peer_id = 0, count, offset, rev = 0;
    if (sim_param_int64(params, "peer_id", &peer_id) != SIM_PARAM_OK &&
        sim_param_int64(params, "user_id", &peer_id) != SIM_PARAM_OK)
        peer_id = 0;
    if (!peer_id) {
        vk_fail(out, VK_ERR_PARAM, "One of the parameters specified was missing or invalid: peer_id is undefined");
        return;
    }
    if (paging_read(params, &count, &offset, out)) return;
    if (sim_param_int64(params, "rev", &rev) == SIM_PARAM_INVALID) rev = 0;
    out->peer_id = peer_id;
    long long total = 0;
    for (size_t i = 0; i < entries_len; i++) total += entries[i].peer_id == peer_id;
    cJSON *items = cJSON_CreateArray();
    long long index = 0;
    for (size_t n = 0; items && n < entries_len; n++) {
        const history_entry *e = &entries[rev ? n : entries_len - 1 - n];
        if (e->peer_id != peer_id) continue;
        if (index++ < offset) continue;
        if (cJSON_GetArraySize(items) >= count) break;
        cJSON_AddItemToArray(items, cJSON_Duplicate(e->message, 1));
    }
    out->response = cJSON_CreateObject();
    if (!items || !out->response) {
        cJSON_Delete(items);
        vk_fail(out, VK_ERR_INTERNAL, "Internal server error");
        return;
    }
    cJSON_AddNumberToObject(out->response, "count", (double)total);
    cJSON_AddItemToObject(out->response, "items", items);
}

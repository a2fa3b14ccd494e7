#include "sim/vk_world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/state.h"
#include "util/text.h"

typedef struct stored_message {
    long long peer_id;
    long long cmid;
    long long message_id;
    long long random_id;
} stored_message;

typedef struct numbered_event {
    long long number;
    cJSON *event;
} numbered_event;

typedef struct callback_event {
    char id[VK_CALLBACK_ID_HEX + 1];
    long long peer_id;
    long long user_id;
    int answered;
} callback_event;

vk_world vk;

/* Growable arrays of the world. Peers and messages are searched linearly,
 * newest first; a simulated community has few enough of them. Events are
 * kept in number order, so a ts finds its place by bisection. */
static vk_peer *peers;
static size_t peers_len, peers_cap;
static stored_message *messages;
static size_t messages_len, messages_cap;
static numbered_event *events;
static size_t events_len, events_cap;
static callback_event *callbacks;
static size_t callbacks_len, callbacks_cap;
static char keys[VK_KEYS_MAX][VK_KEY_HEX + 1];
static size_t keys_len;

void vk_world_init(void)
{
    memset(&vk, 0, sizeof vk);
    vk.group_id = VK_GROUP_ID_DEFAULT;
    vk.next_event = 1;
    vk.next_message_id = 1;
    vk.long_poll_enabled = 1;
    snprintf(vk.api_version, sizeof vk.api_version, "%s", VK_API_VERSION_DEFAULT);
}

static void events_drop(size_t n)
{
    if (!n) return;
    for (size_t i = 0; i < n; i++) cJSON_Delete(events[i].event);
    sim_array_drop_front(events, &events_len, n, sizeof *events);
}

static void clear_collections(void)
{
    peers_len = 0;
    messages_len = 0;
    events_drop(events_len);
    callbacks_len = 0;
    cJSON_Delete(vk.event_types);
    free(vk.raw_next);
}

void vk_world_reset(void)
{
    clear_collections();
    long long next_event = vk.next_event, next_message = vk.next_message_id;
    vk_world_init();
    vk.next_event = next_event;
    vk.next_message_id = next_message;
}

void vk_world_free(void)
{
    clear_collections();
    free(peers);
    free(messages);
    free(events);
    free(callbacks);
    peers = NULL;
    messages = NULL;
    events = NULL;
    callbacks = NULL;
    peers_cap = messages_cap = events_cap = callbacks_cap = 0;
    keys_len = 0;
    memset(&vk, 0, sizeof vk);
}

mb_status vk_random_hex(char *out, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    unsigned char raw[64];
    if (n > 2 * sizeof raw || text_random_bytes(raw, (n + 1) / 2)) return MB_ERR_IO;
    for (size_t i = 0; i < n; i++) out[i] = digits[(raw[i / 2] >> (i % 2 ? 0 : 4)) & 15];
    out[n] = 0;
    return MB_OK;
}

/* ---- peers ---- */

vk_peer *vk_peer_find(long long id)
{
    for (size_t i = peers_len; i-- > 0;)
        if (peers[i].id == id) return &peers[i];
    return NULL;
}

vk_peer *vk_peer_get(long long id)
{
    vk_peer *p = vk_peer_find(id);
    if (p) return p;
    if (peers_len >= VK_PEERS_MAX || array_grow(&peers, &peers_cap, peers_len, sizeof *peers, 64))
        return NULL;
    p = &peers[peers_len++];
    memset(p, 0, sizeof *p);
    p->id = id;
    p->next_cmid = 1;
    return p;
}

size_t vk_peers_blocked(void)
{
    size_t n = 0;
    for (size_t i = 0; i < peers_len; i++) n += peers[i].blocked != 0;
    return n;
}

vk_peer *vk_peer_writable(long long id)
{
    vk_peer *peer = vk_peer_find(id);
    return peer && peer->known && !peer->blocked ? peer : NULL;
}

/* ---- the bot's messages ---- */

mb_status vk_message_store(long long peer_id, long long cmid, long long message_id,
                           long long random_id)
{
    if (messages_len >= VK_MESSAGES_MAX)
        sim_array_drop_front(messages, &messages_len, messages_len / 2, sizeof *messages);
    if (array_grow(&messages, &messages_cap, messages_len, sizeof *messages, 64)) return MB_ERR_NOMEM;
    messages[messages_len].peer_id = peer_id;
    messages[messages_len].cmid = cmid;
    messages[messages_len].message_id = message_id;
    messages[messages_len].random_id = random_id;
    messages_len++;
    return MB_OK;
}

int vk_message_exists(long long peer_id, long long cmid)
{
    for (size_t i = messages_len; i-- > 0;)
        if (messages[i].peer_id == peer_id && messages[i].cmid == cmid) return 1;
    return 0;
}

long long vk_message_cmid(long long peer_id, long long message_id)
{
    for (size_t i = messages_len; i-- > 0;)
        if (messages[i].peer_id == peer_id && messages[i].message_id == message_id) return messages[i].cmid;
    return 0;
}

int vk_message_by_random_id(long long peer_id, long long random_id, long long *cmid,
                            long long *message_id)
{
    if (!random_id) return 0;
    for (size_t i = messages_len; i-- > 0;) {
        if (messages[i].peer_id != peer_id || messages[i].random_id != random_id) continue;
        *cmid = messages[i].cmid;
        *message_id = messages[i].message_id;
        return 1;
    }
    return 0;
}

/* ---- events ---- */

int vk_type_enabled(const char *type)
{
    if (!vk.settings_given) return 1;
    return cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(vk.event_types, type));
}

cJSON *vk_event_new(const char *type, cJSON *object)
{
    char id[VK_EVENT_ID_HEX + 1];
    cJSON *event = cJSON_CreateObject();
    if (!event || !object || vk_random_hex(id, VK_EVENT_ID_HEX)) {
        cJSON_Delete(event);
        cJSON_Delete(object);
        return NULL;
    }
    cJSON_AddNumberToObject(event, "group_id", (double)vk.group_id);
    cJSON_AddStringToObject(event, "type", type);
    cJSON_AddStringToObject(event, "event_id", id);
    cJSON_AddStringToObject(event, "v", vk.api_version);
    cJSON_AddItemToObject(event, "object", object);
    return event;
}

long long vk_event_append(cJSON *event)
{
    long long number = -1;
    if (!event) return -1;
    if (events_len >= VK_EVENTS_MAX) events_drop(events_len / 2);
    if (array_grow(&events, &events_cap, events_len, sizeof *events, 64)) {
        cJSON_Delete(event);
        return -1;
    }
    number = vk.next_event++;
    events[events_len].number = number;
    events[events_len].event = event;
    events_len++;
    vk.events_queued++;
    sim_broadcast();
    return number;
}

cJSON *vk_events_from(long long from, int limit, long long *last)
{
    cJSON *out = cJSON_CreateArray();
    if (!out) return NULL;
    size_t lo = 0, hi = events_len;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (events[mid].number < from) lo = mid + 1;
        else hi = mid;
    }
    for (size_t i = lo; i < events_len && cJSON_GetArraySize(out) < limit; i++) {
        cJSON_AddItemToArray(out, cJSON_Duplicate(events[i].event, 1));
        *last = events[i].number;
    }
    return out;
}

long long vk_events_oldest(void) { return events_len ? events[0].number : vk.next_event; }

size_t vk_events_kept(void) { return events_len; }

/* ---- Long Poll keys ---- */

mb_status vk_key_new(char key[VK_KEY_HEX + 1])
{
    if (vk_random_hex(key, VK_KEY_HEX)) return MB_ERR_IO;
    if (keys_len == VK_KEYS_MAX) {
        memmove(keys, keys + 1, (keys_len - 1) * sizeof *keys);
        keys_len--;
    }
    memcpy(keys[keys_len++], key, VK_KEY_HEX + 1);
    vk.keys_issued++;
    return MB_OK;
}

int vk_key_valid(const char *key)
{
    if (!key) return 0;
    for (size_t i = 0; i < keys_len; i++)
        if (strcmp(keys[i], key) == 0) return 1;
    return 0;
}

void vk_keys_expire(void) { keys_len = 0; }

/* ---- callback-button events ---- */

static callback_event *callback_find(const char *id)
{
    for (size_t i = callbacks_len; i-- > 0;)
        if (strcmp(callbacks[i].id, id) == 0) return &callbacks[i];
    return NULL;
}

mb_status vk_callback_new(long long peer_id, long long user_id, char id[VK_CALLBACK_ID_HEX + 1])
{
    if (callbacks_len >= VK_CALLBACKS_MAX)
        sim_array_drop_front(callbacks, &callbacks_len, callbacks_len / 2, sizeof *callbacks);
    if (array_grow(&callbacks, &callbacks_cap, callbacks_len, sizeof *callbacks, 64))
        return MB_ERR_NOMEM;
    /* 48 random bits rarely collide; a collision is drawn again. */
    do {
        if (vk_random_hex(id, VK_CALLBACK_ID_HEX)) return MB_ERR_IO;
    } while (callback_find(id));
    callback_event *c = &callbacks[callbacks_len++];
    memcpy(c->id, id, VK_CALLBACK_ID_HEX + 1);
    c->peer_id = peer_id;
    c->user_id = user_id;
    c->answered = 0;
    return MB_OK;
}

int vk_callback_answer(const char *id)
{
    callback_event *c = id ? callback_find(id) : NULL;
    if (!c || c->answered) return -1;
    c->answered = 1;
    return 0;
}

long long vk_callback_peer(const char *id)
{
    callback_event *c = id ? callback_find(id) : NULL;
    return c ? c->peer_id : 0;
}

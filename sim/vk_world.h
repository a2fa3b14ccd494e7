/*
 * The simulated VK community, shared by the API methods (vk.c, vk_send.c)
 * and the VK control endpoints (vk_control.c): the conversations (peers),
 * the bot's messages and their random_ids, the numbered Long Poll events,
 * the Long Poll keys, callback-button events waiting for an answer, and the
 * remembered Long Poll settings. All of it lives under the core lock
 * (sim_lock); no function here takes it.
 */
#ifndef MB_SIM_VK_WORLD_H
#define MB_SIM_VK_WORLD_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "util/status.h"

#define VK_API_VERSION_DEFAULT "5.199"
#define VK_GROUP_ID_DEFAULT 229000001LL   /* until a groups.* call names one */
#define VK_EVENTS_MAX 100000              /* events kept in the history; the oldest half goes */
#define VK_PEERS_MAX 100000
#define VK_MESSAGES_MAX 200000            /* bot messages kept for edits and random_id */
#define VK_CALLBACKS_MAX 100000           /* message_event ids remembered */
#define VK_KEYS_MAX 64                    /* valid Long Poll keys; the oldest goes */
#define VK_KEY_HEX 40                     /* characters of a Long Poll key */
#define VK_EVENT_ID_HEX 40                /* characters of an event's event_id */
#define VK_CALLBACK_ID_HEX 12             /* characters of a message_event's event_id */
#define VK_VERSION_MAX 16

typedef struct vk_peer {
    long long id;
    long long next_cmid;    /* conversation_message_id of the next message, user's or bot's */
    int known;              /* the user wrote, or was unblocked: the bot may write */
    int blocked;            /* the user denied messages from the community */
} vk_peer;

/* The scalar part of the world; collections are behind the functions below. */
typedef struct vk_world {
    long long group_id;
    long long next_event;        /* the number the next event gets; ts means "from here" */
    long long next_message_id;   /* the community-wide message id (message_new's "id") */
    int settings_given;          /* groups.setLongPollSettings was called */
    int long_poll_enabled;       /* its `enabled` flag (recorded, not enforced) */
    char api_version[VK_VERSION_MAX];
    cJSON *event_types;          /* type -> true/false from the settings; see vk_type_enabled */
    int failed_next;             /* 0, or 1..3: the next a_check answers {"failed":N} */
    long long failed_ts;         /* the ts that {"failed":1} gives: the next event when it was asked for */
    char *raw_next;              /* verbatim body of the next a_check answer, or NULL */
    size_t raw_next_len;
    long long events_queued, events_delivered, events_filtered;
    long long checks, keys_issued;
} vk_world;

extern vk_world vk;

void vk_world_init(void);
/* Forgets everything except the event and message counters and the keys,
 * so a bot that keeps polling with its key and ts misses nothing new. */
void vk_world_reset(void);
void vk_world_free(void);

/* ---- peers ---- */

vk_peer *vk_peer_find(long long id);
/* Finds or creates the conversation with id; NULL past VK_PEERS_MAX or on
 * allocation failure. A new peer is not `known` yet. */
vk_peer *vk_peer_get(long long id);
size_t vk_peers_blocked(void);
/* The conversation when the community may write there: the user wrote to
 * it (or allowed messages) and has not denied them since; NULL otherwise. */
vk_peer *vk_peer_writable(long long id);

/* ---- the bot's messages ---- */

/* Remembers a bot message: its conversation_message_id (cmid), its
 * community-wide message_id and its random_id (0 = none). */
mb_status vk_message_store(long long peer_id, long long cmid, long long message_id,
                           long long random_id);
/* 1 when the bot sent a message with this cmid to peer_id. */
int vk_message_exists(long long peer_id, long long cmid);
/* The cmid of the bot's message to peer_id with this community-wide
 * message_id, or 0 when it is not one of the bot's messages there. */
long long vk_message_cmid(long long peer_id, long long message_id);
/* Finds the bot's earlier message to peer_id with this random_id: 1 with
 * its ids in *cmid and *message_id, 0 when none (random_id 0 never
 * matches). */
int vk_message_by_random_id(long long peer_id, long long random_id, long long *cmid,
                            long long *message_id);

/* ---- events ---- */

/* 1 when events of this type are delivered: every type until the first
 * groups.setLongPollSettings, afterwards only those set to 1 there. */
int vk_type_enabled(const char *type);

/* A new event {"group_id","type","event_id","v","object"} with object
 * (ownership taken) and a fresh 40-hex event_id; NULL on failure. */
cJSON *vk_event_new(const char *type, cJSON *object);

/* Appends event (ownership taken) to the history and returns its number;
 * -1 on failure (the event is freed). Wakes long polls. */
long long vk_event_append(cJSON *event);

/* Copies of up to limit events numbered >= from, oldest first; *last gets
 * the number of the last one copied (unchanged when none). NULL on
 * allocation failure. */
cJSON *vk_events_from(long long from, int limit, long long *last);

/* The number of the oldest event kept (next_event when none is). */
long long vk_events_oldest(void);
size_t vk_events_kept(void);

/* ---- Long Poll keys ---- */

/* A new valid key, written into key. */
mb_status vk_key_new(char key[VK_KEY_HEX + 1]);
int vk_key_valid(const char *key);
void vk_keys_expire(void);

/* ---- callback-button events ---- */

/* Remembers a new message_event from user in peer; writes its event_id. */
mb_status vk_callback_new(long long peer_id, long long user_id, char id[VK_CALLBACK_ID_HEX + 1]);
/* Marks it answered: 0, or -1 when unknown or answered already. */
int vk_callback_answer(const char *id);
/* The peer of a message_event, answered or not; 0 when unknown. */
long long vk_callback_peer(const char *id);

/* Writes n random lowercase hex digits and a NUL into out (n + 1 bytes). */
mb_status vk_random_hex(char *out, size_t n);

#endif

/*
 * The simulated Telegram world, shared by the Bot API methods (tg.c,
 * tg_send.c) and the Telegram control endpoints (tg_control.c): known chats,
 * the messages the bot sent, the update queue, callback queries, the webhook
 * and the remembered getUpdates settings. All of it lives under the core
 * lock (sim_lock); no function here takes it.
 */
#ifndef MB_SIM_TG_WORLD_H
#define MB_SIM_TG_WORLD_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "util/status.h"

#define TG_BOT_ID 7000000001LL
#define TG_BOT_FIRST_NAME "Mentorbot"
#define TG_BOT_USERNAME "mentorbot_sim_bot"
/* The first update id is TG_UPDATE_ID_BASE plus the milliseconds since
 * TG_UPDATE_ID_EPOCH_MS (2026-01-01 UTC), so a simulator started later
 * begins above the ids an earlier one handed out (unless that one gave out
 * more than one update per millisecond it ran), and a bot that remembers
 * the updates it saw takes the new ones. */
#define TG_UPDATE_ID_BASE 100000LL
#define TG_UPDATE_ID_EPOCH_MS 1767225600000LL
#define TG_UPDATES_MAX 100000     /* unconfirmed updates kept */
#define TG_CHATS_MAX 100000
#define TG_MESSAGES_MAX 200000    /* bot messages kept for edits and callbacks */
#define TG_CALLBACKS_MAX 100000   /* callback queries remembered */
#define TG_CALLBACK_ID_MAX 32
#define TG_URL_MAX 2048           /* webhook URL */
#define TG_FILE_KEY_FMT "tg:%s"   /* files.h key of the bytes of the file with a file_id */

typedef struct tg_chat {
    long long id;
    cJSON *chat;               /* the Chat object as messages carry it */
    cJSON *user;               /* the User on the other side of a private chat, or NULL */
    long long next_message_id;
    int blocked;               /* the user blocked the bot */
} tg_chat;

/* The scalar part of the world; collections are behind the functions below. */
typedef struct tg_world {
    long long next_update_id;
    long long confirmed_offset;
    long long updates_queued, updates_delivered, updates_filtered;
    long long get_updates_calls;
    long long poll_generation;  /* bumped by every getUpdates; a waiter seeing it move lost */
    long long next_callback;
    long long next_file;
    char webhook_url[TG_URL_MAX + 1];
    cJSON *allowed_updates;     /* remembered across calls; NULL = Telegram's default */
    cJSON *commands;            /* from setMyCommands, or NULL */
    char *raw_next;             /* verbatim body for the next getUpdates, or NULL */
    size_t raw_next_len;
} tg_world;

extern tg_world tg;

void tg_world_init(void);
/* Forgets everything except the update-id counter, so a bot that keeps
 * running with an old offset still receives new updates. */
void tg_world_reset(void);
void tg_world_free(void);

/* ---- chats ---- */

tg_chat *tg_chat_find(long long id);

/* Learns (or refreshes) the chat described by a Chat object; user, when
 * not NULL, is the private chat's User. NULL on allocation failure or when
 * the object has no numeric id. */
tg_chat *tg_chat_learn(const cJSON *chat, const cJSON *user);

/* Learns the private chat with the given User object. */
tg_chat *tg_chat_learn_user(const cJSON *user);

/* ---- the bot's messages ---- */

/* {"id":..., "is_bot":true, "first_name":..., "username":...}; caller deletes. */
cJSON *tg_bot_user(void);

/* A new message from the bot in chat: message_id, from, chat, date.
 * Caller deletes (or hands to tg_message_store). */
cJSON *tg_message_new(tg_chat *chat);

/* Keeps message (ownership taken) so edits and callbacks can find it. */
mb_status tg_message_store(long long chat_id, cJSON *message);

/* The stored message, owned by the world; NULL when unknown. */
cJSON *tg_message_find(long long chat_id, long long message_id);

/* ---- updates ---- */

/* Queues update (ownership taken). Assigns update_id when missing; returns
 * it, or -1 on failure (the update is freed). Wakes long polls. */
long long tg_update_queue(cJSON *update);

/* The kind of an update: its first field other than update_id. */
const char *tg_update_kind(const cJSON *update);

/* Drops updates with id < offset (offset > 0) or all but the last -offset
 * (offset < 0), as getUpdates does. An offset above every id handed out
 * (from before a restart of the numbering) drops nothing. */
void tg_updates_confirm(long long offset);

/* Makes id the next update id (mentorbot-sim --first-update-id). */
void tg_updates_start_at(long long id);

/* Raises the update counter above every update_id in a getUpdates body
 * handed out verbatim (/sim/tg/raw), so the bot's next offset never passes
 * the ids still to come. A body that is not JSON changes nothing. */
void tg_updates_note_ids(const char *body, size_t len);

/* Copies of up to limit updates the bot asked for, oldest first. Updates of
 * kinds outside allowed_updates met on the way are dropped for good. */
cJSON *tg_updates_take(int limit);

size_t tg_updates_pending(void);

/* Drops every queued update. */
void tg_updates_drop_all(void);

/* ---- callback queries ---- */

/* Remembers a new callback query from chat_id; writes its id into id. */
mb_status tg_callback_new(long long chat_id, char id[TG_CALLBACK_ID_MAX]);

/* Marks the query answered. 0 on success; -1 when unknown or answered
 * already. *chat_id (may be NULL) gets the chat of the user who pressed. */
int tg_callback_answer(const char *id, long long *chat_id);

/* The chat of a callback query, answered or not; 0 when unknown. */
long long tg_callback_chat(const char *id);

#endif

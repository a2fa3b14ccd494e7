/*
 * The simulated MAX bot's world, shared by the API (max.c) and the control
 * endpoints (max_control.c): the users and their dialogs, the numbered
 * updates the long poll hands out, the bot's messages (for edits), the
 * button presses waiting for an answer, and the upload tokens. All of it
 * lives under the core lock (sim_lock); no function here takes it.
 */
#ifndef MB_SIM_MAX_WORLD_H
#define MB_SIM_MAX_WORLD_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "util/status.h"

#define MAX_SIM_BOT_ID 8000000001LL
#define MAX_SIM_BOT_NAME "mentorbot_sim_bot"
#define MAX_SIM_DIALOG_BASE 90000000000LL   /* a dialog's chat_id is this plus the user's id */
#define MAX_SIM_UPDATES_MAX 100000         /* updates kept; the oldest half goes */
#define MAX_SIM_USERS_MAX 100000
#define MAX_SIM_MESSAGES_MAX 200000        /* messages kept for edits and GET /messages */
#define MAX_SIM_CALLBACKS_MAX 100000
#define MAX_SIM_TOKENS_MAX 100000          /* upload and media tokens known */
#define MAX_SIM_ID_MAX 64                  /* bytes of a mid, callback_id, token or upload id */
#define MAX_SIM_FILE_NAME_MAX 256          /* bytes of an uploaded file's name kept */

typedef struct max_sim_user {
    long long id;
    long long next_seq;     /* seq of the next message in the dialog, the user's or the bot's */
    int known;              /* the user started the bot or wrote: the bot may write */
    int stopped;            /* the user stopped the bot: sends answer chat.denied */
    char name[64];
    char locale[16];
} max_sim_user;

typedef struct max_sim_world {
    long long next_update;       /* number of the next update; the marker means "from here" */
    long long updates_queued, updates_delivered, updates_filtered, polls;
    long long uploads, messages_sent;
    int not_ready_next;          /* the next N sends with a media attachment answer attachment.not.ready */
    char *raw_next;              /* verbatim body of the next GET /updates answer, or NULL */
    size_t raw_next_len;
} max_sim_world;

extern max_sim_world max_sim;

void max_world_init(void);
/* Forgets users, messages, presses, tokens and queued updates; the update
 * numbering goes on, so a bot polling with its marker misses nothing new. */
void max_world_reset(void);
void max_world_free(void);

max_sim_user *max_user_find(long long id);
/* Finds or creates; NULL past MAX_SIM_USERS_MAX or out of memory. */
max_sim_user *max_user_get(long long id);
size_t max_users_stopped(void);

/* A User object for the user (or the bot when u is NULL). */
cJSON *max_user_json(const max_sim_user *u);

/* Appends an update (ownership taken) and returns its number; -1 on
 * failure. Wakes long polls. */
long long max_update_append(cJSON *update);
/* Copies of up to limit updates numbered >= from whose type types allows
 * (NULL = all), oldest first; *next gets the number after the last one
 * looked at (unchanged when none). Updates passed over are counted in
 * updates_filtered. NULL on allocation failure. */
cJSON *max_updates_from(long long from, int limit, const cJSON *types, long long *next);
long long max_updates_oldest(void);
size_t max_updates_kept(void);

/* Writes "mid." and 32 hex digits for a message in chat_id with seq. */
void max_mid_format(long long chat_id, long long seq, char out[MAX_SIM_ID_MAX]);
/* Keeps a message of chat_id (a dialog's user id, or a group's own id):
 * the bot's (from_bot) or a user's, with its Message object (ownership
 * taken, may be NULL) for GET /messages and edits. */
mb_status max_message_store(const char *mid, long long chat_id, int from_bot, cJSON *message);
/* The chat of the bot's message with this mid, 0 when it is not one. */
long long max_message_chat(const char *mid);
/* The stored Message with this mid (the bot's or a user's; owned by the
 * world, an edit changes it in place), or NULL. */
cJSON *max_message_get(const char *mid);
/* Copies of up to count messages of chat_id, newest first, as GET
 * /messages lists them; NULL on allocation failure. */
cJSON *max_messages_of_chat(long long chat_id, int count);

/* Remembers a press by user; writes its callback_id. */
mb_status max_callback_new(long long user_id, char id[MAX_SIM_ID_MAX]);
/* 0 when answered now; -1 when unknown or answered already. */
int max_callback_answer(const char *id);
long long max_callback_user(const char *id);

/* Tokens that may go into an attachment: "file" or "image". */
mb_status max_token_new(const char *type, char token[MAX_SIM_ID_MAX]);
/* The type of a known token, NULL when unknown. */
const char *max_token_type(const char *token);
/* Notes the name and size of the file uploaded under token (nothing when
 * the token is unknown); max_token_name gives them back ("" and 0 when
 * none was noted, NULL when the token is unknown). */
void max_token_describe(const char *token, const char *name, long long size);
const char *max_token_name(const char *token, long long *size);

/* Writes n random lowercase hex digits and a NUL into out. */
mb_status max_random_hex(char *out, size_t n);

#endif

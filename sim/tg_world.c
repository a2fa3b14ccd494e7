#include "sim/tg_world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/state.h"
#include "util/clock.h"

typedef struct stored_message {
    long long chat_id;
    long long message_id;
    cJSON *message;
} stored_message;

typedef struct queued_update {
    long long id;
    cJSON *update;
} queued_update;

typedef struct callback_query {
    char id[TG_CALLBACK_ID_MAX];
    long long chat_id;
    int answered;
} callback_query;

tg_world tg;

/* Growable arrays of the world. Chats and messages are searched linearly
 * (newest first); a simulated conversation has few enough of them. */
static tg_chat **chats;
static size_t chats_len, chats_cap;
static stored_message *messages;
static size_t messages_len, messages_cap;
static queued_update *updates;
static size_t updates_len, updates_cap;
static callback_query *callbacks;
static size_t callbacks_len, callbacks_cap;

/* Where this run's update ids begin (see TG_UPDATE_ID_BASE). */
static long long first_update_id(void)
{
    long long since = (long long)clock_now_ms() - TG_UPDATE_ID_EPOCH_MS;
    return TG_UPDATE_ID_BASE + (since > 0 ? since : 0);
}

void tg_world_init(void)
{
    memset(&tg, 0, sizeof tg);
    tg.next_update_id = first_update_id();
    tg.next_callback = 1;
    tg.next_file = 1;
}

static void chat_free(tg_chat *c)
{
    if (!c) return;
    cJSON_Delete(c->chat);
    cJSON_Delete(c->user);
    free(c);
}

static void clear_collections(void)
{
    for (size_t i = 0; i < chats_len; i++) chat_free(chats[i]);
    chats_len = 0;
    for (size_t i = 0; i < messages_len; i++) cJSON_Delete(messages[i].message);
    messages_len = 0;
    tg_updates_drop_all();
    callbacks_len = 0;
    cJSON_Delete(tg.allowed_updates);
    cJSON_Delete(tg.commands);
    free(tg.raw_next);
}

void tg_world_reset(void)
{
    clear_collections();
    long long next_update = tg.next_update_id, generation = tg.poll_generation;
    long long next_callback = tg.next_callback, next_file = tg.next_file;
    memset(&tg, 0, sizeof tg);
    tg.next_update_id = next_update;
    tg.poll_generation = generation;
    tg.next_callback = next_callback;
    tg.next_file = next_file;
}

void tg_world_free(void)
{
    clear_collections();
    free(chats);
    free(messages);
    free(updates);
    free(callbacks);
    chats = NULL;
    messages = NULL;
    updates = NULL;
    callbacks = NULL;
    chats_cap = messages_cap = updates_cap = callbacks_cap = 0;
    memset(&tg, 0, sizeof tg);
}

/* ---- chats ---- */

tg_chat *tg_chat_find(long long id)
{
    for (size_t i = chats_len; i-- > 0;)
        if (chats[i]->id == id) return chats[i];
    return NULL;
}

static void copy_field(cJSON *to, const cJSON *from, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(from, name);
    if (!v) return;
    cJSON *copy = cJSON_Duplicate(v, 1);
    if (cJSON_GetObjectItemCaseSensitive(to, name)) cJSON_ReplaceItemInObjectCaseSensitive(to, name, copy);
    else cJSON_AddItemToObject(to, name, copy);
}

tg_chat *tg_chat_learn(const cJSON *chat, const cJSON *user)
{
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(chat, "id");
    if (!cJSON_IsNumber(id)) return NULL;
    tg_chat *c = tg_chat_find((long long)id->valuedouble);
    if (!c) {
        if (chats_len >= TG_CHATS_MAX || array_grow(&chats, &chats_cap, chats_len, sizeof *chats, 64))
            return NULL;
        c = calloc(1, sizeof *c);
        if (!c || !(c->chat = cJSON_CreateObject())) {
            chat_free(c);
            return NULL;
        }
        c->id = (long long)id->valuedouble;
        c->next_message_id = 1;
        chats[chats_len++] = c;
    }
    static const char *fields[] = {"id", "type", "title", "username", "first_name", "last_name"};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) copy_field(c->chat, chat, fields[i]);
    if (!cJSON_GetObjectItemCaseSensitive(c->chat, "type"))
        cJSON_AddStringToObject(c->chat, "type", "private");
    if (user) {
        cJSON_Delete(c->user);
        c->user = cJSON_Duplicate(user, 1);
    }
    return c;
}

tg_chat *tg_chat_learn_user(const cJSON *user)
{
    cJSON *chat = cJSON_CreateObject();
    if (!chat) return NULL;
    static const char *fields[] = {"id", "first_name", "last_name", "username"};
    for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) copy_field(chat, user, fields[i]);
    cJSON_AddStringToObject(chat, "type", "private");
    tg_chat *c = tg_chat_learn(chat, user);
    cJSON_Delete(chat);
    return c;
}

/* ---- the bot's messages ---- */

cJSON *tg_bot_user(void)
{
    cJSON *u = cJSON_CreateObject();
    cJSON_AddNumberToObject(u, "id", (double)TG_BOT_ID);
    cJSON_AddBoolToObject(u, "is_bot", 1);
    cJSON_AddStringToObject(u, "first_name", TG_BOT_FIRST_NAME);
    cJSON_AddStringToObject(u, "username", TG_BOT_USERNAME);
    return u;
}

cJSON *tg_message_new(tg_chat *chat)
{
    cJSON *m = cJSON_CreateObject();
    if (!m) return NULL;
    cJSON_AddNumberToObject(m, "message_id", (double)chat->next_message_id++);
    cJSON_AddItemToObject(m, "from", tg_bot_user());
    cJSON_AddItemToObject(m, "chat", cJSON_Duplicate(chat->chat, 1));
    cJSON_AddNumberToObject(m, "date", (double)(clock_now_ms() / 1000));
    return m;
}

mb_status tg_message_store(long long chat_id, cJSON *message)
{
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(message, "message_id");
    if (messages_len >= TG_MESSAGES_MAX) {
        size_t drop = messages_len / 2;
        for (size_t i = 0; i < drop; i++) cJSON_Delete(messages[i].message);
        sim_array_drop_front(messages, &messages_len, drop, sizeof *messages);
    }
    if (!cJSON_IsNumber(id) ||
        array_grow(&messages, &messages_cap, messages_len, sizeof *messages, 64)) {
        cJSON_Delete(message);
        return MB_ERR_NOMEM;
    }
    messages[messages_len].chat_id = chat_id;
    messages[messages_len].message_id = (long long)id->valuedouble;
    messages[messages_len].message = message;
    messages_len++;
    return MB_OK;
}

cJSON *tg_message_find(long long chat_id, long long message_id)
{
    for (size_t i = messages_len; i-- > 0;)
        if (messages[i].chat_id == chat_id && messages[i].message_id == message_id)
            return messages[i].message;
    return NULL;
}

/* ---- updates ---- */

const char *tg_update_kind(const cJSON *update)
{
    for (const cJSON *c = update ? update->child : NULL; c; c = c->next)
        if (c->string && strcmp(c->string, "update_id") != 0) return c->string;
    return "";
}

long long tg_update_queue(cJSON *update)
{
    long long id = -1;
    if (updates_len >= TG_UPDATES_MAX ||
        array_grow(&updates, &updates_cap, updates_len, sizeof *updates, 64))
        goto out;
    cJSON *given = cJSON_GetObjectItemCaseSensitive(update, "update_id");
    if (cJSON_IsNumber(given)) {
        id = (long long)given->valuedouble;
        if (id >= tg.next_update_id) tg.next_update_id = id + 1;
    } else {
        id = tg.next_update_id++;
        cJSON_DeleteItemFromObjectCaseSensitive(update, "update_id");
        /* update_id comes first, as Telegram writes it. */
        cJSON *num = cJSON_CreateNumber((double)id);
        if (!num) { id = -1; goto out; }
        num->string = strdup("update_id");
        if (!num->string) { cJSON_Delete(num); id = -1; goto out; }
        num->next = update->child;
        if (update->child) {
            num->prev = update->child->prev;
            update->child->prev = num;
        } else {
            num->prev = num;
        }
        update->child = num;
    }
    updates[updates_len].id = id;
    updates[updates_len].update = update;
    updates_len++;
    update = NULL;
    tg.updates_queued++;
    sim_broadcast();
out:
    cJSON_Delete(update);
    return id;
}

static void remove_update(size_t i)
{
    cJSON_Delete(updates[i].update);
    memmove(updates + i, updates + i + 1, (updates_len - i - 1) * sizeof *updates);
    updates_len--;
}

void tg_updates_start_at(long long id) { tg.next_update_id = id; }

void tg_updates_note_ids(const char *body, size_t len)
{
    cJSON *root = cJSON_ParseWithLength(body, len), *u;
    cJSON_ArrayForEach(u, cJSON_GetObjectItemCaseSensitive(root, "result")) {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(u, "update_id");
        if (cJSON_IsNumber(id) && id->valuedouble >= (double)tg.next_update_id)
            tg.next_update_id = (long long)id->valuedouble + 1;
    }
    cJSON_Delete(root);
}

void tg_updates_confirm(long long offset)
{
    /* An offset above every id handed out comes from an earlier numbering
     * (a bot that remembers its offset across a restart of the simulator,
     * as across Telegram choosing new ids): it confirms nothing. */
    if (offset > tg.next_update_id) return;
    if (offset > 0) {
        for (size_t i = updates_len; i-- > 0;)
            if (updates[i].id < offset) remove_update(i);
        if (offset > tg.confirmed_offset) tg.confirmed_offset = offset;
    } else if (offset < 0) {
        size_t keep = (size_t)(-offset);
        while (updates_len > keep) remove_update(0);
        if (updates_len && updates[0].id > tg.confirmed_offset) tg.confirmed_offset = updates[0].id;
    }
}

static int kind_allowed(const char *kind)
{
    if (cJSON_GetArraySize(tg.allowed_updates) > 0) {
        const cJSON *k;
        cJSON_ArrayForEach(k, tg.allowed_updates)
            if (cJSON_IsString(k) && strcmp(k->valuestring, kind) == 0) return 1;
        return 0;
    }
    /* Telegram's default leaves out these three kinds. */
    return strcmp(kind, "chat_member") != 0 && strcmp(kind, "message_reaction") != 0 &&
           strcmp(kind, "message_reaction_count") != 0;
}

cJSON *tg_updates_take(int limit)
{
    cJSON *out = cJSON_CreateArray();
    if (!out) return NULL;
    size_t i = 0;
    while (i < updates_len && cJSON_GetArraySize(out) < limit) {
        if (!kind_allowed(tg_update_kind(updates[i].update))) {
            tg.updates_filtered++;
            remove_update(i);
            continue;
        }
        cJSON_AddItemToArray(out, cJSON_Duplicate(updates[i].update, 1));
        tg.updates_delivered++;
        i++;
    }
    return out;
}

size_t tg_updates_pending(void) { return updates_len; }

void tg_updates_drop_all(void)
{
    for (size_t i = 0; i < updates_len; i++) cJSON_Delete(updates[i].update);
    updates_len = 0;
}

/* ---- callback queries ---- */

mb_status tg_callback_new(long long chat_id, char id[TG_CALLBACK_ID_MAX])
{
    if (callbacks_len >= TG_CALLBACKS_MAX)
        sim_array_drop_front(callbacks, &callbacks_len, callbacks_len / 2, sizeof *callbacks);
    if (array_grow(&callbacks, &callbacks_cap, callbacks_len, sizeof *callbacks, 64))
        return MB_ERR_NOMEM;
    callback_query *q = &callbacks[callbacks_len++];
    /* Real ids are long decimal strings; these look alike and never repeat. */
    snprintf(q->id, sizeof q->id, "%lld", 4200000000000000000LL + tg.next_callback++);
    q->chat_id = chat_id;
    q->answered = 0;
    memcpy(id, q->id, sizeof q->id);
    return MB_OK;
}

static callback_query *callback_find(const char *id)
{
    for (size_t i = callbacks_len; i-- > 0;)
        if (strcmp(callbacks[i].id, id) == 0) return &callbacks[i];
    return NULL;
}

int tg_callback_answer(const char *id, long long *chat_id)
{
    callback_query *q = id ? callback_find(id) : NULL;
    if (!q || q->answered) return -1;
    q->answered = 1;
    if (chat_id) *chat_id = q->chat_id;
    return 0;
}

long long tg_callback_chat(const char *id)
{
    callback_query *q = id ? callback_find(id) : NULL;
    return q ? q->chat_id : 0;
}

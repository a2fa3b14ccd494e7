#include "sim/max_world.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/state.h"
#include "util/text.h"

typedef struct numbered_update {
    long long number;
    cJSON *update;
} numbered_update;

typedef struct stored_message {
    char mid[MAX_SIM_ID_MAX];
    long long chat_id;      /* the user's id for a dialog, a group's own (negative) id */
    int from_bot;
    cJSON *message;         /* the Message as GET /messages lists it (owned) */
} stored_message;

typedef struct press {
    char id[MAX_SIM_ID_MAX];
    long long user_id;
    int answered;
} press;

typedef struct known_token {
    char token[MAX_SIM_ID_MAX];
    char type[8];
    char name[MAX_SIM_FILE_NAME_MAX];   /* an uploaded file's name, "" when none */
    long long size;                     /* an uploaded file's bytes */
} known_token;

max_sim_world max_sim;

/* Growable arrays, searched linearly newest first (a simulated bot has few
 * enough of them); updates are kept in number order. */
static max_sim_user *users;
static size_t users_len, users_cap;
static numbered_update *updates;
static size_t updates_len, updates_cap;
static stored_message *messages;
static size_t messages_len, messages_cap;
static press *presses;
static size_t presses_len, presses_cap;
static known_token *tokens;
static size_t tokens_len, tokens_cap;

void max_world_init(void)
{
    memset(&max_sim, 0, sizeof max_sim);
    max_sim.next_update = 1;
}

static void updates_drop(size_t n)
{
    for (size_t i = 0; i < n; i++) cJSON_Delete(updates[i].update);
    sim_array_drop_front(updates, &updates_len, n, sizeof *updates);
}

static void messages_drop(size_t n)
{
    if (!n) return;
    for (size_t i = 0; i < n; i++) cJSON_Delete(messages[i].message);
    sim_array_drop_front(messages, &messages_len, n, sizeof *messages);
}

void max_world_reset(void)
{
    long long next = max_sim.next_update;
    messages_drop(messages_len);
    users_len = presses_len = tokens_len = 0;
    updates_drop(updates_len);
    free(max_sim.raw_next);
    max_world_init();
    max_sim.next_update = next;
}

void max_world_free(void)
{
    max_world_reset();
    free(users);
    free(updates);
    free(messages);
    free(presses);
    free(tokens);
    users = NULL;
    updates = NULL;
    messages = NULL;
    presses = NULL;
    tokens = NULL;
    users_cap = updates_cap = messages_cap = presses_cap = tokens_cap = 0;
}

mb_status max_random_hex(char *out, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    unsigned char raw[32];
    if (n > 2 * sizeof raw || text_random_bytes(raw, (n + 1) / 2)) return MB_ERR_IO;
    for (size_t i = 0; i < n; i++) out[i] = digits[(raw[i / 2] >> (i % 2 ? 0 : 4)) & 15];
    out[n] = 0;
    return MB_OK;
}

/* ---- users ---- */

max_sim_user *max_user_find(long long id)
{
    for (size_t i = users_len; i-- > 0;)
        if (users[i].id == id) return &users[i];
    return NULL;
}

max_sim_user *max_user_get(long long id)
{
    max_sim_user *u = max_user_find(id);
    if (u) return u;
    if (users_len >= MAX_SIM_USERS_MAX || array_grow(&users, &users_cap, users_len, sizeof *users, 64))
        return NULL;
    u = &users[users_len++];
    memset(u, 0, sizeof *u);
    u->id = id;
    u->next_seq = 1;
    snprintf(u->name, sizeof u->name, "User %lld", id);
    snprintf(u->locale, sizeof u->locale, "ru");
    return u;
}

size_t max_users_stopped(void)
{
    size_t n = 0;
    for (size_t i = 0; i < users_len; i++) n += users[i].stopped != 0;
    return n;
}

cJSON *max_user_json(const max_sim_user *u)
{
    cJSON *json = cJSON_CreateObject();
    cJSON_AddNumberToObject(json, "user_id", (double)(u ? u->id : MAX_SIM_BOT_ID));
    cJSON_AddStringToObject(json, "first_name", u ? u->name : "Mentorbot");
    if (u) cJSON_AddNullToObject(json, "username");
    else cJSON_AddStringToObject(json, "username", MAX_SIM_BOT_NAME);
    cJSON_AddBoolToObject(json, "is_bot", u == NULL);
    cJSON_AddStringToObject(json, "name", u ? u->name : "Mentorbot");
    return json;
}

/* ---- updates ---- */

long long max_update_append(cJSON *update)
{
    if (!update) return -1;
    if (updates_len >= MAX_SIM_UPDATES_MAX) updates_drop(MAX_SIM_UPDATES_MAX / 2);
    if (array_grow(&updates, &updates_cap, updates_len, sizeof *updates, 64)) {
        cJSON_Delete(update);
        return -1;
    }
    long long number = max_sim.next_update++;
    updates[updates_len].number = number;
    updates[updates_len].update = update;
    updates_len++;
    max_sim.updates_queued++;
    sim_broadcast();
    return number;
}

static int type_allowed(const cJSON *types, const cJSON *update)
{
    if (!types) return 1;
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(update, "update_type"), *t;
    cJSON_ArrayForEach(t, types)
        if (cJSON_IsString(type) && cJSON_IsString(t) && strcmp(t->valuestring, type->valuestring) == 0) return 1;
    return 0;
}

cJSON *max_updates_from(long long from, int limit, const cJSON *types, long long *next)
{
    cJSON *out = cJSON_CreateArray();
    if (!out) return NULL;
    for (size_t i = 0; i < updates_len && cJSON_GetArraySize(out) < limit; i++) {
        if (updates[i].number < from) continue;
        *next = updates[i].number + 1;
        if (!type_allowed(types, updates[i].update)) {
            max_sim.updates_filtered++;
            continue;
        }
        cJSON *copy = cJSON_Duplicate(updates[i].update, 1);
        if (!copy) {
            cJSON_Delete(out);
            return NULL;
        }
        cJSON_AddItemToArray(out, copy);
    }
    return out;
}

long long max_updates_oldest(void) { return updates_len ? updates[0].number : max_sim.next_update; }
size_t max_updates_kept(void) { return updates_len; }

/* ---- the bot's messages ---- */

/* MAX's mids are "mid." and two 16-digit hex numbers; the simulator puts
 * the chat and the seq there. */
void max_mid_format(long long chat_id, long long seq, char out[MAX_SIM_ID_MAX])
{
    snprintf(out, MAX_SIM_ID_MAX, "mid.%016llx%016llx", (unsigned long long)chat_id, (unsigned long long)seq);
}

mb_status max_message_store(const char *mid, long long chat_id, int from_bot, cJSON *message)
{
    if (messages_len >= MAX_SIM_MESSAGES_MAX) messages_drop(1);
    if (array_grow(&messages, &messages_cap, messages_len, sizeof *messages, 64)) {
        cJSON_Delete(message);
        return MB_ERR_NOMEM;
    }
    stored_message *m = &messages[messages_len++];
    snprintf(m->mid, sizeof m->mid, "%s", mid);
    m->chat_id = chat_id;
    m->from_bot = from_bot;
    m->message = message;
    return MB_OK;
}

static stored_message *message_find(const char *mid)
{
    for (size_t i = messages_len; mid && i-- > 0;)
        if (strcmp(messages[i].mid, mid) == 0) return &messages[i];
    return NULL;
}

long long max_message_chat(const char *mid)
{
    stored_message *m = message_find(mid);
    return m && m->from_bot ? m->chat_id : 0;
}

cJSON *max_message_get(const char *mid)
{
    stored_message *m = message_find(mid);
    return m ? m->message : NULL;
}

cJSON *max_messages_of_chat(long long chat_id, int count)
{
    cJSON *list = cJSON_CreateArray();
    for (size_t i = messages_len; list && i-- > 0 && cJSON_GetArraySize(list) < count;)
        if (messages[i].chat_id == chat_id && messages[i].message)
            cJSON_AddItemToArray(list, cJSON_Duplicate(messages[i].message, 1));
    return list;
}

/* ---- presses ---- */

mb_status max_callback_new(long long user_id, char id[MAX_SIM_ID_MAX])
{
    char hex[33];
    if (max_random_hex(hex, 32)) return MB_ERR_IO;
    if (presses_len >= MAX_SIM_CALLBACKS_MAX) sim_array_drop_front(presses, &presses_len, 1, sizeof *presses);
    if (array_grow(&presses, &presses_cap, presses_len, sizeof *presses, 64)) return MB_ERR_NOMEM;
    snprintf(id, MAX_SIM_ID_MAX, "cb.%s", hex);
    press *p = &presses[presses_len++];
    snprintf(p->id, sizeof p->id, "%s", id);
    p->user_id = user_id;
    p->answered = 0;
    return MB_OK;
}

static press *press_find(const char *id)
{
    for (size_t i = presses_len; id && i-- > 0;)
        if (strcmp(presses[i].id, id) == 0) return &presses[i];
    return NULL;
}

int max_callback_answer(const char *id)
{
    press *p = press_find(id);
    if (!p || p->answered) return -1;
    p->answered = 1;
    return 0;
}

long long max_callback_user(const char *id)
{
    press *p = press_find(id);
    return p ? p->user_id : 0;
}

/* ---- tokens ---- */

mb_status max_token_new(const char *type, char token[MAX_SIM_ID_MAX])
{
    char hex[41];
    if (max_random_hex(hex, 40)) return MB_ERR_IO;
    if (tokens_len >= MAX_SIM_TOKENS_MAX) sim_array_drop_front(tokens, &tokens_len, 1, sizeof *tokens);
    if (array_grow(&tokens, &tokens_cap, tokens_len, sizeof *tokens, 64)) return MB_ERR_NOMEM;
    snprintf(token, MAX_SIM_ID_MAX, "%c_%s", type[0], hex);
    snprintf(tokens[tokens_len].token, sizeof tokens[tokens_len].token, "%s", token);
    snprintf(tokens[tokens_len].type, sizeof tokens[tokens_len].type, "%s", type);
    tokens_len++;
    return MB_OK;
}

static known_token *token_find(const char *token)
{
    for (size_t i = tokens_len; token && i-- > 0;)
        if (strcmp(tokens[i].token, token) == 0) return &tokens[i];
    return NULL;
}

const char *max_token_type(const char *token)
{
    known_token *t = token_find(token);
    return t ? t->type : NULL;
}

void max_token_describe(const char *token, const char *name, long long size)
{
    known_token *t = token_find(token);
    if (!t) return;
    snprintf(t->name, sizeof t->name, "%s", name ? name : "");
    t->size = size;
}

const char *max_token_name(const char *token, long long *size)
{
    known_token *t = token_find(token);
    if (size) *size = t ? t->size : 0;
    return t ? t->name : NULL;
}

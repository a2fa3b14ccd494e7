/*
 * The Telegram part of the control API (/sim/tg/...): tests and the
 * terminal chat play the users here, and read back what the bot sent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/control.h"
#include "sim/files.h"
#include "sim/params.h"
#include "sim/state.h"
#include "sim/tg.h"
#include "sim/tg_world.h"
#include "util/clock.h"
#include "util/text.h"

#define TG_USER_TEXT_MAX 4096       /* UTF-16 units a user may type, as in Telegram */
#define TG_USER_NAME_MAX 64         /* characters of a first or last name */
#define TG_COMMAND_TOKEN_MAX 256    /* bytes of a "/command@bot" token */

/* Builds a User from the control request's "from" object (or, for block,
 * just an id). NULL with the error set when there is no usable id. */
static cJSON *user_from(const cJSON *from, sim_reply *reply)
{
    long long id;
    cJSON *user = NULL;
    if (!cJSON_IsObject(from) || sim_param_int64(from, "id", &id) != SIM_PARAM_OK || id <= 0) {
        sim_reply_error(reply, 400, "from.id (a positive integer) is required");
        return NULL;
    }
    int failed = 1;
    if (!(user = cJSON_CreateObject())) goto out;
    cJSON_AddNumberToObject(user, "id", (double)id);
    cJSON_AddBoolToObject(user, "is_bot", 0);
    static const char *names[] = {"first_name", "last_name", "username", "language_code"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        const char *v = sim_param_string(from, names[i]);
        char *clean = v ? text_clean_line(v, TG_USER_NAME_MAX) : NULL;
        if (v && !clean) goto out;
        /* Telegram never has a user without a first name. */
        if (clean && clean[0]) cJSON_AddStringToObject(user, names[i], clean);
        else if (i == 0) cJSON_AddStringToObject(user, names[i], "User");
        free(clean);
    }
    failed = 0;
out:
    if (!failed) return user;
    cJSON_Delete(user);
    sim_reply_error(reply, 500, "out of memory");
    return NULL;
}

static cJSON *member_change(const tg_chat *chat, const char *from_status, const char *to_status)
{
    cJSON *update = cJSON_CreateObject();
    cJSON *change = cJSON_AddObjectToObject(update, "my_chat_member");
    cJSON_AddItemToObject(change, "chat", cJSON_Duplicate(chat->chat, 1));
    cJSON_AddItemToObject(change, "from", cJSON_Duplicate(chat->user, 1));
    cJSON_AddNumberToObject(change, "date", (double)(clock_now_ms() / 1000));
    cJSON *old_member = cJSON_AddObjectToObject(change, "old_chat_member");
    cJSON_AddItemToObject(old_member, "user", tg_bot_user());
    cJSON_AddStringToObject(old_member, "status", from_status);
    if (strcmp(from_status, "kicked") == 0) cJSON_AddNumberToObject(old_member, "until_date", 0);
    cJSON *new_member = cJSON_AddObjectToObject(change, "new_chat_member");
    cJSON_AddItemToObject(new_member, "user", tg_bot_user());
    cJSON_AddStringToObject(new_member, "status", to_status);
    if (strcmp(to_status, "kicked") == 0) cJSON_AddNumberToObject(new_member, "until_date", 0);
    return update;
}

/* Changes the blocked state; queues my_chat_member when it changed and
 * returns its update_id (0 when nothing changed, -1 on failure). */
static long long set_blocked(tg_chat *chat, int blocked)
{
    if (chat->blocked == blocked) return 0;
    chat->blocked = blocked;
    return tg_update_queue(blocked ? member_change(chat, "member", "kicked")
                                   : member_change(chat, "kicked", "member"));
}

static void reply_update(sim_reply *reply, long long update_id, const char *extra_key,
                         cJSON *extra)
{
    if (update_id < 0) {
        cJSON_Delete(extra);
        sim_reply_error(reply, 500, "could not queue the update");
        return;
    }
    cJSON *json = cJSON_CreateObject();
    cJSON_AddNumberToObject(json, "update_id", (double)update_id);
    if (extra_key) cJSON_AddItemToObject(json, extra_key, extra);
    sim_reply_json(reply, 200, json);
}

static void control_message(const sim_request *req, sim_reply *reply)
{
    const char *text = sim_param_string(req->params, "text");
    /* A contact shared with a request_contact button: {phone_number, user_id}. */
    const cJSON *contact = cJSON_GetObjectItemCaseSensitive(req->params, "contact");
    long long contact_user = 0;
    cJSON *user = NULL;
    tg_chat *chat;
    if (contact && (!cJSON_IsObject(contact) || !sim_param_string(contact, "phone_number") ||
                    (cJSON_GetObjectItemCaseSensitive(contact, "user_id") &&
                     sim_param_int64(contact, "user_id", &contact_user) != SIM_PARAM_OK))) {
        sim_reply_error(reply, 400, "contact needs phone_number (and user_id, when given, a number)");
        goto out;
    }
    /* A photo (PhotoSize objects) or a document as Telegram describes
     * them, taken as given; the text is then the caption. */
    const cJSON *photo = cJSON_GetObjectItemCaseSensitive(req->params, "photo");
    const cJSON *document = cJSON_GetObjectItemCaseSensitive(req->params, "document");
    if ((photo && (!cJSON_IsArray(photo) || !cJSON_GetArraySize(photo))) || (document && !cJSON_IsObject(document)) ||
        (photo && document) || ((photo || document) && contact)) {
        sim_reply_error(reply, 400, "photo is a non-empty array of sizes, document an object, and only one of them");
        goto out;
    }
    int media = photo || document;
    if (!contact && !media && (!text || !text[0])) {
        sim_reply_error(reply, 400, "text is required");
        goto out;
    }
    if (text && text_utf16_len(text) > TG_USER_TEXT_MAX) {
        sim_reply_error(reply, 400, "text is longer than Telegram allows");
        goto out;
    }
    if (!(user = user_from(cJSON_GetObjectItemCaseSensitive(req->params, "from"), reply))) goto out;
    if (!(chat = tg_chat_learn_user(user))) {
        sim_reply_error(reply, 500, "out of memory");
        goto out;
    }
    /* Writing to a bot one blocked restarts it, as pressing "Restart" does. */
    if (chat->blocked && set_blocked(chat, 0) < 0) {
        sim_reply_error(reply, 500, "could not queue the update");
        goto out;
    }
    long long message_id = chat->next_message_id++;
    cJSON *update = cJSON_CreateObject();
    cJSON *message = cJSON_AddObjectToObject(update, "message");
    cJSON_AddNumberToObject(message, "message_id", (double)message_id);
    cJSON_AddItemToObject(message, "from", user);
    user = NULL;
    cJSON_AddItemToObject(message, "chat", cJSON_Duplicate(chat->chat, 1));
    cJSON_AddNumberToObject(message, "date", (double)(clock_now_ms() / 1000));
    if (contact) {
        cJSON *shared = cJSON_AddObjectToObject(message, "contact");
        cJSON_AddStringToObject(shared, "phone_number", sim_param_string(contact, "phone_number"));
        cJSON_AddStringToObject(shared, "first_name", cJSON_GetStringValue(cJSON_GetObjectItem(
                                                          cJSON_GetObjectItem(message, "from"), "first_name")));
        if (contact_user) cJSON_AddNumberToObject(shared, "user_id", (double)contact_user);
    } else if (media) {
        cJSON_AddItemToObject(message, photo ? "photo" : "document", cJSON_Duplicate(photo ? photo : document, 1));
        if (text && text[0]) cJSON_AddStringToObject(message, "caption", text);
        const char *album = sim_param_string(req->params, "media_group_id");
        if (album && album[0]) cJSON_AddStringToObject(message, "media_group_id", album);
    } else {
        cJSON_AddStringToObject(message, "text", text);
    }
    if (!contact && !media && text[0] == '/') {
        char token[TG_COMMAND_TOKEN_MAX];
        size_t n = strcspn(text, " \t\n");
        snprintf(token, sizeof token, "%.*s", (int)(n < sizeof token ? n : sizeof token - 1), text);
        cJSON *entity = cJSON_CreateObject();
        cJSON_AddNumberToObject(entity, "offset", 0);
        cJSON_AddNumberToObject(entity, "length", (double)text_utf16_len(token));
        cJSON_AddStringToObject(entity, "type", "bot_command");
        cJSON_AddItemToArray(cJSON_AddArrayToObject(message, "entities"), entity);
    }
    reply_update(reply, tg_update_queue(update), "message_id", cJSON_CreateNumber((double)message_id));
out:
    cJSON_Delete(user);
}

static void control_callback(const sim_request *req, sim_reply *reply)
{
    long long message_id;
    char id[TG_CALLBACK_ID_MAX], instance[48];
    const char *data = sim_param_string(req->params, "data");
    cJSON *user = NULL;
    tg_chat *chat;
    if (!data || sim_param_int64(req->params, "message_id", &message_id) != SIM_PARAM_OK) {
        sim_reply_error(reply, 400, "message_id and data are required");
        goto out;
    }
    if (!(user = user_from(cJSON_GetObjectItemCaseSensitive(req->params, "from"), reply))) goto out;
    if (!(chat = tg_chat_learn_user(user)) || tg_callback_new(chat->id, id)) {
        sim_reply_error(reply, 500, "out of memory");
        goto out;
    }
    const cJSON *stored = tg_message_find(chat->id, message_id);
    cJSON *message;
    if (stored) {
        message = cJSON_Duplicate(stored, 1);
    } else {
        /* Telegram sends an "inaccessible message" (date 0) for messages it
         * cannot show; the simulator does the same for unknown ids. */
        message = cJSON_CreateObject();
        cJSON_AddNumberToObject(message, "message_id", (double)message_id);
        cJSON_AddItemToObject(message, "chat", cJSON_Duplicate(chat->chat, 1));
        cJSON_AddNumberToObject(message, "date", 0);
    }
    snprintf(instance, sizeof instance, "%lld", 8000000000000000000LL + chat->id % 1000000000000LL);
    cJSON *update = cJSON_CreateObject();
    cJSON *query = cJSON_AddObjectToObject(update, "callback_query");
    cJSON_AddStringToObject(query, "id", id);
    cJSON_AddItemToObject(query, "from", user);
    user = NULL;
    cJSON_AddItemToObject(query, "message", message);
    cJSON_AddStringToObject(query, "chat_instance", instance);
    cJSON_AddStringToObject(query, "data", data);
    reply_update(reply, tg_update_queue(update), "callback_query_id", cJSON_CreateString(id));
out:
    cJSON_Delete(user);
}

/* Makes the chat an injected update talks in known, so the bot may answer. */
static void learn_update_chat(const cJSON *update)
{
    const cJSON *body = cJSON_GetObjectItemCaseSensitive(update, tg_update_kind(update));
    const cJSON *chat = cJSON_GetObjectItemCaseSensitive(body, "chat");
    const cJSON *from = cJSON_GetObjectItemCaseSensitive(body, "from");
    if (!chat) chat = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(body, "message"), "chat");
    if (!chat) return;
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(chat, "type");
    int is_private = !type || (cJSON_IsString(type) && strcmp(type->valuestring, "private") == 0);
    tg_chat_learn(chat, is_private && cJSON_IsObject(from) ? from : NULL);
}

static void control_update(const sim_request *req, sim_reply *reply)
{
    cJSON *update = sim_json_parse(req->body, req->body_len);
    if (!cJSON_IsObject(update)) {
        cJSON_Delete(update);
        sim_reply_error(reply, 400, "the body must be a JSON object (an Update)");
        return;
    }
    if (!tg_update_kind(update)[0]) {
        cJSON_Delete(update);
        sim_reply_error(reply, 400, "the update carries nothing besides update_id");
        return;
    }
    learn_update_chat(update);
    reply_update(reply, tg_update_queue(update), NULL, NULL);
}

static void control_raw(const sim_request *req, sim_reply *reply)
{
    sim_control_raw(req, reply, &tg.raw_next, &tg.raw_next_len);
}

static void control_sent(const sim_request *req, sim_reply *reply)
{
    sim_control_sent(req, reply, "tg", "chat_id");
}

static void control_block(const sim_request *req, sim_reply *reply, int blocked)
{
    long long user_id;
    if (sim_param_int64(req->params, "user_id", &user_id) != SIM_PARAM_OK || user_id <= 0) {
        sim_reply_error(reply, 400, "user_id (a positive integer) is required");
        return;
    }
    tg_chat *chat = tg_chat_find(user_id);
    if (!chat || !chat->user) {
        cJSON *user = cJSON_CreateObject();
        cJSON_AddNumberToObject(user, "id", (double)user_id);
        cJSON_AddBoolToObject(user, "is_bot", 0);
        cJSON_AddStringToObject(user, "first_name", "User");
        chat = tg_chat_learn_user(user);
        cJSON_Delete(user);
    }
    if (!chat) {
        sim_reply_error(reply, 500, "out of memory");
        return;
    }
    long long update_id = set_blocked(chat, blocked);
    if (update_id < 0) {
        sim_reply_error(reply, 500, "could not queue the update");
        return;
    }
    cJSON *json = cJSON_CreateObject();
    cJSON_AddBoolToObject(json, "blocked", blocked);
    if (update_id > 0) cJSON_AddNumberToObject(json, "update_id", (double)update_id);
    sim_reply_json(reply, 200, json);
}

static void control_block_on(const sim_request *req, sim_reply *reply) { control_block(req, reply, 1); }
static void control_block_off(const sim_request *req, sim_reply *reply) { control_block(req, reply, 0); }

/* GET /sim/tg/file?file_id=X: the bytes of a document or photo the bot
 * uploaded, so a test can read the report it sent. */
static void control_file(const sim_request *req, sim_reply *reply)
{
    const char *id = sim_param_string(req->params, "file_id");
    char key[SIM_FILE_KEY_MAX];
    size_t len = 0;
    if (!id || !id[0]) {
        sim_reply_error(reply, 400, "file_id is required");
        return;
    }
    snprintf(key, sizeof key, TG_FILE_KEY_FMT, id);
    const char *bytes = sim_file_get(key, &len);
    if (bytes) sim_reply_bytes(reply, bytes, len);
    else sim_reply_error(reply, 404, "no such file");
}

static const sim_endpoint ENDPOINTS[] = {
    {"sent", SIM_ENDPOINT_ANY, control_sent},
    {"file", SIM_ENDPOINT_ANY, control_file},
    {"raw", SIM_ENDPOINT_BODY, control_raw},
    {"update", SIM_ENDPOINT_BODY, control_update},
    {"message", SIM_ENDPOINT_JSON, control_message},
    {"callback", SIM_ENDPOINT_JSON, control_callback},
    {"block", SIM_ENDPOINT_JSON, control_block_on},
    {"unblock", SIM_ENDPOINT_JSON, control_block_off},
};

void tg_control(const sim_request *req, const char *endpoint, sim_reply *reply)
{
    sim_control_route(ENDPOINTS, sizeof ENDPOINTS / sizeof *ENDPOINTS, req, endpoint, reply);
}

/*
 * The VK methods that put something in a conversation: messages.send,
 * messages.edit and messages.sendMessageEventAnswer. Checks run in this
 * order: missing parameters, the permission to write, the content (empty,
 * too long, attachments, keyboard), flood control; a repeated random_id is
 * answered last, with the first message's ids and nothing delivered.
 * messages.send to a peer_ids list answers one item per conversation, and
 * a conversation that may not be written to gets its error in its item.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/params.h"
#include "sim/state.h"
#include "sim/vk_methods.h"
#include "sim/vk_history.h"
#include "sim/vk_world.h"
#include "util/text.h"

#define VK_TEXT_MAX 9000              /* characters (code points) of a message */
#define VK_PEER_IDS_MAX 100           /* conversations of one messages.send */
#define VK_INLINE_BUTTONS_MAX 10
#define VK_INLINE_ROWS_MAX 6
#define VK_KEYBOARD_BUTTONS_MAX 40    /* a regular (non-inline) keyboard */
#define VK_LABEL_MAX 40               /* characters of a button label */
#define VK_PAYLOAD_MAX 255            /* bytes of a button payload */
#define VK_SNACKBAR_TEXT_MAX 90       /* characters of a show_snackbar answer */

static const char *const MISSING_PEER =
    "One of the parameters specified was missing or invalid: you should specify peer_id, user_id, "
    "domain, chat_id or user_ids param";
static const char *const BAD_PEER_IDS =
    "One of the parameters specified was missing or invalid: peer_ids should be a comma-separated "
    "list of at most 100 ids";

/* Reads the conversation: peer_id, or user_id as VK also takes it. */
static int peer_read(const cJSON *params, vk_outcome *out)
{
    sim_param_result r = sim_param_int64(params, "peer_id", &out->peer_id);
    if (r == SIM_PARAM_MISSING) r = sim_param_int64(params, "user_id", &out->peer_id);
    if (r != SIM_PARAM_OK || out->peer_id == 0) {
        vk_fail(out, VK_ERR_PARAM, MISSING_PEER);
        return -1;
    }
    return 0;
}

/* The conversations of one messages.send. */
typedef struct send_targets {
    long long ids[VK_PEER_IDS_MAX];
    int count;
    int listed;   /* given as peer_ids: the answer is one item per conversation */
} send_targets;

static int target_add(send_targets *t, long long id)
{
    for (int i = 0; i < t->count; i++)
        if (t->ids[i] == id) return 0; /* named twice, sent once */
    if (id == 0 || t->count == VK_PEER_IDS_MAX) return -1;
    t->ids[t->count++] = id;
    return 0;
}

/* Reads peer_ids, "1,2,3" (or one JSON number). */
static int peer_ids_read(const cJSON *params, send_targets *t)
{
    const char *p = sim_param_string(params, "peer_ids");
    long long one;
    t->listed = 1;
    if (!p) return sim_param_int64(params, "peer_ids", &one) == SIM_PARAM_OK ? target_add(t, one) : -1;
    while (*p) {
        char *end;
        while (*p == ' ') p++;
        errno = 0;
        long long id = strtoll(p, &end, 10);
        if (errno || end == p || target_add(t, id)) return -1;
        for (p = end; *p == ' '; p++) {}
        if (*p && *p++ != ',') return -1;
    }
    return t->count ? 0 : -1;
}

/* Reads peer_ids when given, else peer_id or user_id. A call to several
 * conversations is filed in the sent log under each (chat_ids). */
static int targets_read(const cJSON *params, send_targets *t, vk_outcome *out)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(params, "peer_ids");
    memset(t, 0, sizeof *t);
    if (!list || (cJSON_IsString(list) && !list->valuestring[0])) {
        if (peer_read(params, out)) return -1;
        t->ids[0] = out->peer_id;
        t->count = 1;
        return 0;
    }
    if (peer_ids_read(params, t)) {
        vk_fail(out, VK_ERR_PARAM, BAD_PEER_IDS);
        return -1;
    }
    out->peer_id = t->ids[0];
    if (t->count > 1) {
        cJSON *ids = cJSON_CreateArray();
        for (int i = 0; i < t->count; i++) cJSON_AddItemToArray(ids, cJSON_CreateNumber((double)t->ids[i]));
        vk_log_field(out, "chat_ids", ids);
    }
    return 0;
}

/* The conversation of out->peer_id when the community may write there. */
static vk_peer *peer_writable(vk_outcome *out)
{
    vk_peer *peer = vk_peer_writable(out->peer_id);
    if (!peer) vk_fail(out, VK_ERR_NO_PERMISSION, VK_MSG_NO_PERMISSION);
    return peer;
}

static int has_attachment(const cJSON *params)
{
    const char *a = sim_param_string(params, "attachment");
    long long sticker;
    return (a && a[0]) || sim_param_int64(params, "sticker_id", &sticker) == SIM_PARAM_OK;
}

/* Checks the message text; -1 with the error set when it cannot be sent. */
static int text_check(const cJSON *params, vk_outcome *out)
{
    const char *text = sim_param_string(params, "message");
    if (sim_text_blank(text) && !has_attachment(params)) {
        vk_fail(out, VK_ERR_PARAM, "One of the parameters specified was missing or invalid: message is empty");
        return -1;
    }
    if (text && text_codepoints(text) > VK_TEXT_MAX) {
        vk_fail(out, VK_ERR_TOO_LONG, "Message is too long");
        return -1;
    }
    return 0;
}

/* Button types whose label VK requires. */
static int label_required(const char *type)
{
    return strcmp(type, "text") == 0 || strcmp(type, "callback") == 0 ||
           strcmp(type, "open_link") == 0 || strcmp(type, "open_app") == 0;
}

static int button_valid(const cJSON *button)
{
    const cJSON *action = cJSON_GetObjectItemCaseSensitive(button, "action");
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(action, "type");
    const cJSON *label = cJSON_GetObjectItemCaseSensitive(action, "label");
    const cJSON *payload = cJSON_GetObjectItemCaseSensitive(action, "payload");
    if (!cJSON_IsObject(action) || !cJSON_IsString(type)) return 0;
    if (label && (!cJSON_IsString(label) || text_codepoints(label->valuestring) > VK_LABEL_MAX)) return 0;
    if (!label && label_required(type->valuestring)) return 0;
    /* A payload is JSON text inside a string, at most 255 bytes of it. */
    if (payload && (!cJSON_IsString(payload) || strlen(payload->valuestring) > VK_PAYLOAD_MAX)) return 0;
    return 1;
}

/* 1 when keyboard is a keyboard VK accepts: {"buttons":[[button...]...]},
 * inline ones at most 10 buttons in 6 rows, regular ones at most 40. */
static int keyboard_valid(const cJSON *keyboard)
{
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(keyboard, "buttons"), *row, *b;
    int is_inline = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(keyboard, "inline"));
    int count = 0;
    if (!cJSON_IsObject(keyboard) || !cJSON_IsArray(rows)) return 0;
    if (is_inline && cJSON_GetArraySize(rows) > VK_INLINE_ROWS_MAX) return 0;
    cJSON_ArrayForEach(row, rows) {
        if (!cJSON_IsArray(row)) return 0;
        cJSON_ArrayForEach(b, row) {
            if (!button_valid(b)) return 0;
            count++;
        }
    }
    return count <= (is_inline ? VK_INLINE_BUTTONS_MAX : VK_KEYBOARD_BUTTONS_MAX);
}

static int keyboard_check(const cJSON *params, vk_outcome *out)
{
    int invalid;
    cJSON *keyboard = sim_param_json(params, "keyboard", &invalid);
    int ok = !invalid && (!keyboard || keyboard_valid(keyboard));
    cJSON_Delete(keyboard);
    if (!ok) vk_fail(out, VK_ERR_KEYBOARD, "Keyboard format is invalid");
    return ok ? 0 : -1;
}

/* Puts one message into a writable conversation, or finds the earlier one
 * with the same random_id. 0 when delivered, 1 for a repeat (nothing
 * delivered), -1 when out of memory. */
static int deliver(vk_peer *peer, long long random_id, const char *text, long long *cmid, long long *message_id)
{
    if (vk_message_by_random_id(peer->id, random_id, cmid, message_id)) return 1;
    *cmid = peer->next_cmid;
    *message_id = vk.next_message_id;
    if (vk_message_store(peer->id, *cmid, *message_id, random_id)) return -1;
    vk_history_add_bot(peer->id, *cmid, *message_id, random_id, text);
    peer->next_cmid++;
    vk.next_message_id++;
    sim_limits_note(peer->id);
    return 0;
}

/* A single peer_id: VK answers the community-wide message_id. A repeat is
 * answered with the first message's id; the sent log marks it so tests can
 * tell. */
static void send_one(long long random_id, const char *text, vk_outcome *out)
{
    long long cmid, message_id;
    int r = deliver(vk_peer_writable(out->peer_id), random_id, text, &cmid, &message_id);
    if (r < 0 || !(out->response = cJSON_CreateNumber((double)message_id))) {
        vk_fail(out, VK_ERR_INTERNAL, "Internal server error");
        return;
    }
    if (r == 1) out->note = "random_id_repeat";
}

/* peer_ids: one item per conversation, {"peer_id","message_id",
 * "conversation_message_id"} or {"peer_id","error":{"code","description"}}. */
static void send_listed(const send_targets *t, long long random_id, const char *text, vk_outcome *out)
{
    int delivered = 0, repeats = 0;
    cJSON *items = cJSON_CreateArray();
    for (int i = 0; items && i < t->count; i++) {
        long long cmid = 0, message_id = 0;
        vk_peer *peer = vk_peer_writable(t->ids[i]);
        int r = peer ? deliver(peer, random_id, text, &cmid, &message_id) : 0;
        cJSON *item = cJSON_CreateObject();
        if (r < 0 || !item) {
            cJSON_Delete(item);
            cJSON_Delete(items);
            items = NULL;
            break;
        }
        cJSON_AddNumberToObject(item, "peer_id", (double)t->ids[i]);
        if (peer) {
            cJSON_AddNumberToObject(item, "message_id", (double)message_id);
            cJSON_AddNumberToObject(item, "conversation_message_id", (double)cmid);
            delivered += r == 0;
            repeats += r == 1;
        } else {
            cJSON *error = cJSON_AddObjectToObject(item, "error");
            cJSON_AddNumberToObject(error, "code", VK_ERR_NO_PERMISSION);
            cJSON_AddStringToObject(error, "description", VK_MSG_NO_PERMISSION);
        }
        cJSON_AddItemToArray(items, item);
    }
    if (!items) {
        vk_fail(out, VK_ERR_INTERNAL, "Internal server error");
        return;
    }
    out->response = items;
    if (repeats && !delivered) out->note = "random_id_repeat";
}

void vk_messages_send(const cJSON *params, vk_outcome *out)
{
    send_targets targets;
    long long random_id;
    cJSON *docs = NULL, *photos = NULL;
    if (targets_read(params, &targets, out)) return;
    /* Since API 5.90 random_id is required; it is what makes a resend safe. */
    if (sim_param_int64(params, "random_id", &random_id) != SIM_PARAM_OK) {
        vk_fail(out, VK_ERR_PARAM, "One of the parameters specified was missing or invalid: random_id is a required parameter");
        return;
    }
    /* Alone, a conversation the community may not write to is the call's
     * error; in a peer_ids list it is that conversation's item. */
    if (!targets.listed && !peer_writable(out)) return;
    if (text_check(params, out) || vk_docs_attachment(params, &docs, &photos, out) || keyboard_check(params, out))
        goto out;
    for (int i = 0; i < targets.count; i++)
        if (vk_peer_writable(targets.ids[i]) && vk_rate_gate(targets.ids[i], out)) goto out;
    const char *text = sim_param_string(params, "message");
    if (targets.listed) send_listed(&targets, random_id, text, out);
    else send_one(random_id, text, out);
    if (!out->error_code && docs) {
        vk_log_field(out, "docs", docs);
        docs = NULL;
    }
    if (!out->error_code && photos) {
        vk_log_field(out, "photos", photos);
        photos = NULL;
    }
out:
    cJSON_Delete(docs);
    cJSON_Delete(photos);
}

/* The message is named by conversation_message_id or by the community-wide
 * message_id that messages.send answered; either must be the bot's. */
void vk_messages_edit(const cJSON *params, vk_outcome *out)
{
    long long cmid = 0, message_id;
    cJSON *docs = NULL, *photos = NULL;
    vk_peer *peer;
    if (peer_read(params, out)) return;
    int by_cmid = sim_param_int64(params, "conversation_message_id", &cmid) == SIM_PARAM_OK;
    if (!by_cmid && sim_param_int64(params, "message_id", &message_id) != SIM_PARAM_OK) {
        vk_fail(out, VK_ERR_PARAM, "One of the parameters specified was missing or invalid: conversation_message_id is undefined");
        return;
    }
    if (!(peer = peer_writable(out))) return;
    if (!by_cmid) cmid = vk_message_cmid(peer->id, message_id);
    if (!cmid || !vk_message_exists(peer->id, cmid)) {
        vk_fail(out, VK_ERR_PARAM, "One of the parameters specified was missing or invalid: message not found");
        return;
    }
    if (text_check(params, out) || vk_docs_attachment(params, &docs, &photos, out) || keyboard_check(params, out) ||
        vk_rate_gate(peer->id, out))
        goto out;
    sim_limits_note(peer->id);
    if (docs) {
        vk_log_field(out, "docs", docs);
        docs = NULL;
    }
    if (photos) {
        vk_log_field(out, "photos", photos);
        photos = NULL;
    }
out:
    cJSON_Delete(docs);
    cJSON_Delete(photos);
}

void vk_messages_send_message_event_answer(const cJSON *params, vk_outcome *out)
{
    const char *id = sim_param_string(params, "event_id");
    int invalid;
    long long user_id;
    if (sim_param_int64(params, "peer_id", &out->peer_id) != SIM_PARAM_OK) out->peer_id = 0;
    if (!id || !id[0] || sim_param_int64(params, "user_id", &user_id) != SIM_PARAM_OK || !out->peer_id) {
        vk_fail(out, VK_ERR_PARAM, "One of the parameters specified was missing or invalid: event_id, user_id and peer_id are required");
        return;
    }
    if (vk_callback_peer(id)) out->peer_id = vk_callback_peer(id);
    cJSON *data = sim_param_json(params, "event_data", &invalid);
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(data, "text");
    int data_ok = !invalid && (!data || cJSON_IsObject(data)) &&
                  (!text || (cJSON_IsString(text) && text_codepoints(text->valuestring) <= VK_SNACKBAR_TEXT_MAX));
    cJSON_Delete(data);
    if (!data_ok) {
        vk_fail(out, VK_ERR_PARAM, "One of the parameters specified was missing or invalid: event_data is invalid");
        return;
    }
    if (vk_callback_answer(id))
        vk_fail(out, VK_ERR_PARAM, "One of the parameters specified was missing or invalid: event_id is invalid or was answered already");
}

/*
 * The VK methods that put something in a conversation: messages.send,
 * messages.edit and messages.sendMessageEventAnswer. Checks run in this
 * order: missing parameters, the permission to write, the content (empty,
 * too long, keyboard), flood control; a repeated random_id is answered
 * last, with the first message's id and nothing delivered.
 */
#include <stdio.h>
#include <string.h>

#include "sim/params.h"
#include "sim/state.h"
#include "sim/vk_methods.h"
#include "sim/vk_world.h"
#include "util/text.h"

#define VK_TEXT_MAX 9000              /* characters (code points) of a message */
#define VK_INLINE_BUTTONS_MAX 10
#define VK_INLINE_ROWS_MAX 6
#define VK_KEYBOARD_BUTTONS_MAX 40    /* a regular (non-inline) keyboard */
#define VK_LABEL_MAX 40               /* characters of a button label */
#define VK_PAYLOAD_MAX 255            /* bytes of a button payload */
#define VK_SNACKBAR_TEXT_MAX 90       /* characters of a show_snackbar answer */

static const char *const MISSING_PEER =
    "One of the parameters specified was missing or invalid: you should specify peer_id, user_id, "
    "domain, chat_id or user_ids param";
static const char *const NO_PERMISSION = "Can't send messages for users without permission";

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

/* The conversation when the community may write there: the user wrote to
 * it (or allowed messages) and has not denied them since. */
static vk_peer *peer_writable(vk_outcome *out)
{
    vk_peer *peer = vk_peer_find(out->peer_id);
    if (!peer || !peer->known || peer->blocked) {
        vk_fail(out, VK_ERR_NO_PERMISSION, NO_PERMISSION);
        return NULL;
    }
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

static int rate_gate(vk_outcome *out)
{
    if (!sim_limits_check(out->peer_id)) return 0;
    vk_fail(out, VK_ERR_TOO_MANY, "Too many requests per second");
    sim_stats_limit_violation();
    return -1;
}

void vk_messages_send(const cJSON *params, vk_outcome *out)
{
    long long random_id;
    vk_peer *peer;
    if (peer_read(params, out)) return;
    /* Since API 5.90 random_id is required; it is what makes a resend safe. */
    if (sim_param_int64(params, "random_id", &random_id) != SIM_PARAM_OK) {
        vk_fail(out, VK_ERR_PARAM, "One of the parameters specified was missing or invalid: random_id is a required parameter");
        return;
    }
    if (!(peer = peer_writable(out)) || text_check(params, out) || keyboard_check(params, out) ||
        rate_gate(out))
        return;
    long long earlier = vk_message_by_random_id(peer->id, random_id);
    if (earlier) {
        /* VK answers a repeat with the message it already has and sends
         * nothing; the sent log marks it so tests can tell. */
        out->response = cJSON_CreateNumber((double)earlier);
        out->note = "random_id_repeat";
        return;
    }
    long long cmid = peer->next_cmid;
    if (vk_message_store(peer->id, cmid, random_id) || !(out->response = cJSON_CreateNumber((double)cmid))) {
        vk_fail(out, VK_ERR_INTERNAL, "Internal server error");
        return;
    }
    peer->next_cmid++;
    vk.next_message_id++;
    sim_limits_note(peer->id);
}

void vk_messages_edit(const cJSON *params, vk_outcome *out)
{
    long long cmid;
    vk_peer *peer;
    if (peer_read(params, out)) return;
    if (sim_param_int64(params, "conversation_message_id", &cmid) != SIM_PARAM_OK &&
        sim_param_int64(params, "message_id", &cmid) != SIM_PARAM_OK) {
        vk_fail(out, VK_ERR_PARAM, "One of the parameters specified was missing or invalid: conversation_message_id is undefined");
        return;
    }
    if (!(peer = peer_writable(out))) return;
    if (!vk_message_exists(peer->id, cmid)) {
        vk_fail(out, VK_ERR_PARAM, "One of the parameters specified was missing or invalid: message not found");
        return;
    }
    if (text_check(params, out) || keyboard_check(params, out) || rate_gate(out)) return;
    sim_limits_note(peer->id);
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

/*
 * The VK part of the control API (/sim/vk/...): tests play the community's
 * users here (messages, button presses, allowing and denying messages),
 * inject raw events, raw a_check bodies and Long Poll failures, and read
 * back what the bot sent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/control.h"
#include "sim/params.h"
#include "sim/state.h"
#include "sim/vk.h"
#include "sim/vk_docs.h"
#include "sim/vk_photos.h"
#include "sim/vk_history.h"
#include "sim/vk_world.h"
#include "util/clock.h"
#include "util/text.h"

#define VK_USER_TEXT_MAX 4096       /* characters a user may send in one message */
#define VK_USER_PAYLOAD_MAX 255     /* bytes of a text button's payload */
#define VK_LANG_EN 3                /* VK's lang_id: 0 ru, 1 uk, 2 be, 3 en */

/* Reads a positive id; -1 with a 400 set when it is missing or not one. */
static int id_read(const cJSON *params, const char *name, long long *id, sim_reply *reply)
{
    char message[96];
    if (sim_param_int64(params, name, id) == SIM_PARAM_OK && *id > 0) return 0;
    snprintf(message, sizeof message, "%s (a positive integer) is required", name);
    sim_reply_error(reply, 400, message);
    return -1;
}

/* peer_id when given (any nonzero id, group chats included), else dflt. */
static int peer_read(const cJSON *params, long long dflt, long long *peer, sim_reply *reply)
{
    sim_param_result r = sim_param_int64(params, "peer_id", peer);
    if (r == SIM_PARAM_MISSING) *peer = dflt;
    if (r == SIM_PARAM_INVALID || *peer == 0) {
        sim_reply_error(reply, 400, "peer_id must be a nonzero integer");
        return -1;
    }
    return 0;
}

/* Queues a new event of type unless the settings switched that type off.
 * Returns its number, 0 when filtered out, -1 on failure. */
static long long queue_event(const char *type, cJSON *object)
{
    if (!vk_type_enabled(type)) {
        cJSON_Delete(object);
        vk.events_filtered++;
        return 0;
    }
    return vk_event_append(vk_event_new(type, object));
}

/* Adds "event":N (or "filtered":true) to json; returns -1 on failure. */
static int add_event(cJSON *json, long long number)
{
    if (number < 0) return -1;
    if (number > 0) cJSON_AddNumberToObject(json, "event", (double)number);
    else cJSON_AddBoolToObject(json, "filtered", 1);
    return 0;
}

static void reply_event(sim_reply *reply, cJSON *json, long long number)
{
    if (add_event(json, number)) {
        cJSON_Delete(json);
        sim_reply_error(reply, 500, "could not queue the event");
        return;
    }
    sim_reply_json(reply, 200, json);
}

/* Changes whether the user denies messages; queues message_deny or
 * message_allow when it changed. Returns the event's number (0 when nothing
 * was queued, -1 on failure). Allowing makes the conversation writable. */
static long long set_blocked(vk_peer *peer, int blocked)
{
    if (!blocked) peer->known = 1;
    if (peer->blocked == blocked) return 0;
    peer->blocked = blocked;
    cJSON *object = cJSON_CreateObject();
    if (!object) return -1;
    cJSON_AddNumberToObject(object, "user_id", (double)peer->id);
    if (!blocked) cJSON_AddStringToObject(object, "key", "");
    return queue_event(blocked ? "message_deny" : "message_allow", object);
}

static int lang_id(const char *lang)
{
    if (!lang) return 0;
    if (strcmp(lang, "en") == 0) return VK_LANG_EN;
    if (strcmp(lang, "uk") == 0) return 1;
    if (strcmp(lang, "be") == 0) return 2;
    return 0;
}

static cJSON *client_info(int lang)
{
    static const char *actions[] = {"text", "vkpay", "open_app", "location", "open_link",
                                    "callback", "intent_subscribe", "intent_unsubscribe"};
    cJSON *info = cJSON_CreateObject();
    cJSON_AddItemToObject(info, "button_actions", cJSON_CreateStringArray(actions, sizeof actions / sizeof *actions));
    cJSON_AddBoolToObject(info, "keyboard", 1);
    cJSON_AddBoolToObject(info, "inline_keyboard", 1);
    cJSON_AddBoolToObject(info, "carousel", 1);
    cJSON_AddNumberToObject(info, "lang_id", lang);
    return info;
}

/* The payload of a text button: a string, or an object sent as its JSON
 * text. -1 with a 400 set when it is neither or too long. */
static int payload_read(const cJSON *params, char **payload, sim_reply *reply)
{
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(params, "payload");
    *payload = NULL;
    if (!p) return 0;
    if (cJSON_IsString(p)) *payload = strdup(p->valuestring);
    else if (cJSON_IsObject(p)) *payload = cJSON_PrintUnformatted(p);
    if (!*payload || strlen(*payload) > VK_USER_PAYLOAD_MAX) {
        free(*payload);
        *payload = NULL;
        sim_reply_error(reply, 400, "payload must be a string (or object) of at most 255 bytes");
        return -1;
    }
    return 0;
}

static void control_message(const sim_request *req, sim_reply *reply)
{
    long long from, peer_id;
    char *payload = NULL;
    const char *text = sim_param_string(req->params, "text");
    vk_peer *peer;
    if (id_read(req->params, "from_id", &from, reply) || peer_read(req->params, from, &peer_id, reply) ||
        payload_read(req->params, &payload, reply))
        goto out;
    /* Photos and documents as VK describes them, taken as given; the
     * community may send them on by reference afterwards. */
    const cJSON *attachments = cJSON_GetObjectItemCaseSensitive(req->params, "attachments");
    if (attachments && !cJSON_IsArray(attachments)) {
        sim_reply_error(reply, 400, "attachments must be an array");
        goto out;
    }
    if ((!text || !text[0]) && !payload && !cJSON_GetArraySize(attachments)) {
        sim_reply_error(reply, 400, "text is required");
        goto out;
    }
    const cJSON *item;
    cJSON_ArrayForEach(item, attachments) {
        if (vk_docs_share(item)) {
            sim_reply_error(reply, 400, "a photo or doc attachment needs owner_id and id");
            goto out;
        }
    }
    if (text && text_codepoints(text) > VK_USER_TEXT_MAX) {
        sim_reply_error(reply, 400, "text is longer than VK allows");
        goto out;
    }
    if (!(peer = vk_peer_get(peer_id))) {
        sim_reply_error(reply, 500, "out of memory");
        goto out;
    }
    /* Writing to a community one had denied allows it again. */
    if (peer->blocked && set_blocked(peer, 0) < 0) {
        sim_reply_error(reply, 500, "could not queue the event");
        goto out;
    }
    peer->known = 1;
    long long cmid = peer->next_cmid++;
    cJSON *message = cJSON_CreateObject();
    cJSON_AddNumberToObject(message, "date", (double)(clock_now_ms() / 1000));
    cJSON_AddNumberToObject(message, "from_id", (double)from);
    cJSON_AddNumberToObject(message, "id", (double)vk.next_message_id++);
    cJSON_AddNumberToObject(message, "out", 0);
    cJSON_AddItemToObject(message, "attachments",
                          attachments ? cJSON_Duplicate(attachments, 1) : cJSON_CreateArray());
    cJSON_AddNumberToObject(message, "conversation_message_id", (double)cmid);
    cJSON_AddArrayToObject(message, "fwd_messages");
    cJSON_AddBoolToObject(message, "important", 0);
    cJSON_AddBoolToObject(message, "is_hidden", 0);
    cJSON_AddNumberToObject(message, "peer_id", (double)peer_id);
    cJSON_AddNumberToObject(message, "random_id", 0);
    cJSON_AddStringToObject(message, "text", text ? text : "");
    if (payload) cJSON_AddStringToObject(message, "payload", payload);
    vk_history_add(message);
    cJSON *object = cJSON_CreateObject();
    cJSON_AddItemToObject(object, "message", message);
    cJSON_AddItemToObject(object, "client_info", client_info(lang_id(sim_param_string(req->params, "lang"))));
    cJSON *json = cJSON_CreateObject();
    cJSON_AddNumberToObject(json, "conversation_message_id", (double)cmid);
    reply_event(reply, json, queue_event("message_new", object));
out:
    free(payload);
}

static void control_event(const sim_request *req, sim_reply *reply)
{
    long long user, peer_id, cmid;
    char id[VK_CALLBACK_ID_HEX + 1];
    const cJSON *payload = cJSON_GetObjectItemCaseSensitive(req->params, "payload");
    vk_peer *peer;
    if (id_read(req->params, "user_id", &user, reply) || peer_read(req->params, user, &peer_id, reply))
        return;
    if (sim_param_int64(req->params, "conversation_message_id", &cmid) != SIM_PARAM_OK || !payload) {
        sim_reply_error(reply, 400, "conversation_message_id and payload are required");
        return;
    }
    if (!(peer = vk_peer_get(peer_id)) || vk_callback_new(peer_id, user, id)) {
        sim_reply_error(reply, 500, "out of memory");
        return;
    }
    peer->known = 1;
    /* The payload is not checked against the message's buttons, so tests
     * can press stale or forged buttons. */
    cJSON *object = cJSON_CreateObject();
    cJSON_AddNumberToObject(object, "user_id", (double)user);
    cJSON_AddNumberToObject(object, "peer_id", (double)peer_id);
    cJSON_AddStringToObject(object, "event_id", id);
    cJSON_AddItemToObject(object, "payload", cJSON_Duplicate(payload, 1));
    cJSON_AddNumberToObject(object, "conversation_message_id", (double)cmid);
    cJSON *json = cJSON_CreateObject();
    cJSON_AddStringToObject(json, "event_id", id);
    reply_event(reply, json, queue_event("message_event", object));
}

/* A conversation an injected message_new talks in becomes writable, and
 * its numbering continues above the message's conversation_message_id. */
static void learn_event_peer(const cJSON *event)
{
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(event, "type");
    const cJSON *object = cJSON_GetObjectItemCaseSensitive(event, "object");
    if (!cJSON_IsString(type) || strcmp(type->valuestring, "message_new") != 0) return;
    const cJSON *message = cJSON_GetObjectItemCaseSensitive(object, "message");
    if (!message) message = object; /* the shape before API 5.103 */
    long long peer_id, cmid;
    if (sim_param_int64(message, "peer_id", &peer_id) != SIM_PARAM_OK || !peer_id) return;
    vk_peer *peer = vk_peer_get(peer_id);
    if (!peer) return;
    peer->known = 1;
    if (sim_param_int64(message, "conversation_message_id", &cmid) == SIM_PARAM_OK && cmid >= peer->next_cmid)
        peer->next_cmid = cmid + 1;
    vk_history_add(message);
}

static void control_update(const sim_request *req, sim_reply *reply)
{
    cJSON *event = sim_json_parse(req->body, req->body_len);
    if (!event) {
        sim_reply_error(reply, 400, "the body must be JSON (an event)");
        return;
    }
    /* Injected as it is, whatever its type: the settings' filter does not
     * apply, since the test wants the bot to see exactly this. */
    learn_event_peer(event);
    reply_event(reply, cJSON_CreateObject(), vk_event_append(event));
}

/* A raw body also ends an a_check held now. */
static void control_raw(const sim_request *req, sim_reply *reply)
{
    if (!sim_control_raw(req, reply, &vk.raw_next, &vk.raw_next_len)) sim_broadcast();
}

static void control_failed(const sim_request *req, sim_reply *reply)
{
    long long code;
    if (sim_param_int64(req->params, "code", &code) != SIM_PARAM_OK || code < 1 || code > 3) {
        sim_reply_error(reply, 400, "code must be 1, 2 or 3");
        return;
    }
    vk.failed_next = (int)code;
    vk.failed_ts = vk.next_event;
    /* 2 and 3 mean the key is gone: every key issued so far stops working. */
    if (code >= 2) vk_keys_expire();
    sim_broadcast();
    cJSON *json = cJSON_CreateObject();
    cJSON_AddNumberToObject(json, "failed", (double)code);
    sim_reply_json(reply, 200, json);
}

static void control_sent(const sim_request *req, sim_reply *reply)
{
    sim_control_sent(req, reply, "vk", "peer_id");
}

static void control_block(const sim_request *req, sim_reply *reply, int blocked)
{
    long long user;
    vk_peer *peer;
    if (id_read(req->params, "user_id", &user, reply)) return;
    if (!(peer = vk_peer_get(user))) {
        sim_reply_error(reply, 500, "out of memory");
        return;
    }
    long long number = set_blocked(peer, blocked);
    cJSON *json = cJSON_CreateObject();
    cJSON_AddBoolToObject(json, "blocked", blocked);
    if (number == 0) {
        sim_reply_json(reply, 200, json); /* nothing changed, or the type is switched off */
        return;
    }
    reply_event(reply, json, number);
}

static void control_block_on(const sim_request *req, sim_reply *reply) { control_block(req, reply, 1); }
static void control_block_off(const sim_request *req, sim_reply *reply) { control_block(req, reply, 0); }

static const sim_endpoint ENDPOINTS[] = {
    {"sent", SIM_ENDPOINT_ANY, control_sent},
    {"raw", SIM_ENDPOINT_BODY, control_raw},
    {"update", SIM_ENDPOINT_BODY, control_update},
    {"message", SIM_ENDPOINT_JSON, control_message},
    {"event", SIM_ENDPOINT_JSON, control_event},
    {"failed", SIM_ENDPOINT_JSON, control_failed},
    {"block", SIM_ENDPOINT_JSON, control_block_on},
    {"unblock", SIM_ENDPOINT_JSON, control_block_off},
};

void vk_control(const sim_request *req, const char *endpoint, sim_reply *reply)
{
    /* A document's bytes, /sim/vk/doc/<owner_id>_<id>, with any verb as the
     * other reads. */
    if (strncmp(endpoint, "doc/", 4) == 0) {
        sim_lock();
        vk_docs_serve(endpoint + 4, reply);
        sim_unlock();
        return;
    }
    /* A photo's bytes, /sim/vk/photo/<owner_id>_<id>. */
    if (strncmp(endpoint, "photo/", 6) == 0) {
        sim_lock();
        vk_photos_serve(endpoint + 6, reply);
        sim_unlock();
        return;
    }
    sim_control_route(ENDPOINTS, sizeof ENDPOINTS / sizeof *ENDPOINTS, req, endpoint, reply);
}

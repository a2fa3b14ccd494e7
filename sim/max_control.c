/*
 * The MAX part of the control API (/sim/max/...): tests play the bot's
 * users here (messages, button presses, starting and stopping the bot),
 * inject raw updates and raw GET /updates bodies, force MAX's errors, and
 * read back what the bot sent and the files it uploaded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/control.h"
#include "sim/files.h"
#include "sim/max.h"
#include "sim/max_world.h"
#include "sim/params.h"
#include "sim/state.h"
#include "util/clock.h"

#define MAX_USER_TEXT_MAX 4000       /* characters a user may send in one message */
#define MAX_START_PAYLOAD_MAX 512    /* characters of a deep link's payload */
#define MAX_ERROR_TIMES_MAX 1000000

/* Reads user_id (positive) and finds or creates the user, taking name and
 * lang when given; NULL with a 400 or 500 set otherwise. */
static max_sim_user *user_read(const cJSON *params, sim_reply *reply)
{
    long long id;
    if (sim_param_int64(params, "user_id", &id) != SIM_PARAM_OK || id <= 0) {
        sim_reply_error(reply, 400, "user_id (a positive integer) is required");
        return NULL;
    }
    max_sim_user *u = max_user_get(id);
    if (!u) {
        sim_reply_error(reply, 500, "out of memory");
        return NULL;
    }
    const char *name = sim_param_string(params, "name"), *lang = sim_param_string(params, "lang");
    if (name && *name) snprintf(u->name, sizeof u->name, "%s", name);
    if (lang && *lang) snprintf(u->locale, sizeof u->locale, "%s", lang);
    return u;
}

/* {"update_type", "timestamp", "user_locale"} for an update by u. */
static cJSON *update_new(const char *type, const max_sim_user *u)
{
    cJSON *update = cJSON_CreateObject();
    cJSON_AddStringToObject(update, "update_type", type);
    cJSON_AddNumberToObject(update, "timestamp", (double)clock_now_ms());
    if (u) cJSON_AddStringToObject(update, "user_locale", u->locale);
    return update;
}

static void reply_update(sim_reply *reply, cJSON *json, long long number)
{
    if (number < 0) {
        cJSON_Delete(json);
        sim_reply_error(reply, 500, "could not queue the update");
        return;
    }
    cJSON_AddNumberToObject(json, "update", (double)number);
    sim_reply_json(reply, 200, json);
}

/* A contact card {"type":"contact","phone","user_id"} as MAX hands it
 * over: the number in the vCard's TEL line, the owner's MAX account in
 * max_info (the sender's own when shared with the request_contact button). */
static cJSON *contact_attachment(const cJSON *given)
{
    const char *phone = sim_param_string(given, "phone");
    long long owner = 0;
    char vcf[256];
    sim_param_int64(given, "user_id", &owner);
    snprintf(vcf, sizeof vcf, "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Contact\r\nTEL;TYPE=cell:%s\r\nEND:VCARD\r\n",
             phone ? phone : "");
    cJSON *att = cJSON_CreateObject(), *payload;
    cJSON_AddStringToObject(att, "type", "contact");
    payload = cJSON_AddObjectToObject(att, "payload");
    cJSON_AddStringToObject(payload, "vcf_info", vcf);
    max_sim_user *u = owner > 0 ? max_user_find(owner) : NULL;
    if (u) {
        cJSON_AddItemToObject(payload, "max_info", max_user_json(u));
    } else {
        cJSON *info = cJSON_AddObjectToObject(payload, "max_info");
        cJSON_AddNumberToObject(info, "user_id", (double)owner);
        cJSON_AddStringToObject(info, "name", "Contact");
        cJSON_AddBoolToObject(info, "is_bot", 0);
    }
    return att;
}

/* The user's media for a message: [{"type":"file","filename","size"},
 * {"type":"image"} or a contact card (contact_attachment)] become
 * attachments, media with fresh tokens the bot may send again. NULL with a
 * 400 set when the list is not such. */
static cJSON *user_attachments(const cJSON *given, sim_reply *reply)
{
    cJSON *out = cJSON_CreateArray();
    const cJSON *a;
    cJSON_ArrayForEach(a, given) {
        const char *type = sim_param_string(a, "type");
        char token[MAX_SIM_ID_MAX];
        if (type && strcmp(type, "contact") == 0) {
            cJSON_AddItemToArray(out, contact_attachment(a));
            continue;
        }
        if (!type || (strcmp(type, "file") != 0 && strcmp(type, "image") != 0)) {
            cJSON_Delete(out);
            sim_reply_error(reply, 400, "attachments: each needs type \"file\", \"image\" or \"contact\"");
            return NULL;
        }
        if (max_token_new(type, token)) {
            cJSON_Delete(out);
            sim_reply_error(reply, 500, "out of memory");
            return NULL;
        }
        cJSON *att = cJSON_CreateObject(), *payload;
        cJSON_AddStringToObject(att, "type", type);
        payload = cJSON_AddObjectToObject(att, "payload");
        cJSON_AddStringToObject(payload, "url", "https://max.example/file");
        cJSON_AddStringToObject(payload, "token", token);
        if (type[0] == 'f') {
            const char *name = sim_param_string(a, "filename");
            long long size = 0;
            sim_param_int64(a, "size", &size);
            cJSON_AddStringToObject(att, "filename", name ? name : "file.pdf");
            cJSON_AddNumberToObject(att, "size", (double)size);
            max_token_describe(token, name ? name : "file.pdf", size);   /* shown so when the bot sends it on */
        }
        cJSON_AddItemToArray(out, att);
    }
    return out;
}

/* A message from the user in their dialog with the bot: message_created. */
static void control_message(const sim_request *req, sim_reply *reply)
{
    max_sim_user *u = user_read(req->params, reply);
    const char *text = sim_param_string(req->params, "text");
    const cJSON *given = cJSON_GetObjectItemCaseSensitive(req->params, "attachments");
    if (!u) return;
    if ((!text || !*text) && !cJSON_IsArray(given)) {
        sim_reply_error(reply, 400, "text or attachments are required");
        return;
    }
    if (text && strlen(text) > MAX_USER_TEXT_MAX * 4) {
        sim_reply_error(reply, 400, "text is longer than a user may send");
        return;
    }
    cJSON *atts = cJSON_IsArray(given) ? user_attachments(given, reply) : NULL;
    if (cJSON_IsArray(given) && !atts) return;
    u->known = 1;
    char mid[MAX_SIM_ID_MAX];
    long long seq = u->next_seq++;
    max_mid_format(MAX_SIM_DIALOG_BASE + u->id, seq, mid);
    cJSON *update = update_new("message_created", u);
    cJSON *msg = cJSON_AddObjectToObject(update, "message");
    cJSON_AddItemToObject(msg, "sender", max_user_json(u));
    cJSON *recipient = cJSON_AddObjectToObject(msg, "recipient");
    cJSON_AddNumberToObject(recipient, "chat_id", (double)(MAX_SIM_DIALOG_BASE + u->id));
    cJSON_AddStringToObject(recipient, "chat_type", "dialog");
    cJSON_AddNumberToObject(recipient, "user_id", (double)MAX_SIM_BOT_ID);
    cJSON_AddNumberToObject(msg, "timestamp", (double)clock_now_ms());
    cJSON *body = cJSON_AddObjectToObject(msg, "body");
    cJSON_AddStringToObject(body, "mid", mid);
    cJSON_AddNumberToObject(body, "seq", (double)seq);
    if (text) cJSON_AddStringToObject(body, "text", text);
    else cJSON_AddNullToObject(body, "text");
    cJSON_AddItemToObject(body, "attachments", atts ? cJSON_Duplicate(atts, 1) : cJSON_CreateNull());
    /* kept for GET /messages; a failure there leaves the update as it is */
    (void)max_message_store(mid, u->id, 0, cJSON_Duplicate(msg, 1));
    cJSON *json = cJSON_CreateObject();
    cJSON_AddStringToObject(json, "mid", mid);
    if (atts) cJSON_AddItemToObject(json, "attachments", atts);
    reply_update(reply, json, max_update_append(update));
}

/* A press of a callback button: message_callback with the bot's message
 * when mid names one (null otherwise, as for a deleted message). The
 * payload is not checked against the message's buttons, so tests can
 * press stale or forged ones. */
static void control_callback(const sim_request *req, sim_reply *reply)
{
    max_sim_user *u = user_read(req->params, reply);
    const char *payload = sim_param_string(req->params, "payload"), *mid = sim_param_string(req->params, "mid");
    char id[MAX_SIM_ID_MAX];
    if (!u) return;
    if (!payload) {
        sim_reply_error(reply, 400, "payload (a string) is required");
        return;
    }
    if (max_callback_new(u->id, id)) {
        sim_reply_error(reply, 500, "out of memory");
        return;
    }
    u->known = 1;
    cJSON *update = update_new("message_callback", u);
    cJSON *cb = cJSON_AddObjectToObject(update, "callback");
    cJSON_AddNumberToObject(cb, "timestamp", (double)clock_now_ms());
    cJSON_AddStringToObject(cb, "callback_id", id);
    cJSON_AddStringToObject(cb, "payload", payload);
    cJSON_AddItemToObject(cb, "user", max_user_json(u));
    long long chat = mid ? max_message_chat(mid) : 0;
    if (chat) {
        cJSON *msg = cJSON_AddObjectToObject(update, "message");
        cJSON_AddItemToObject(msg, "sender", max_user_json(NULL));
        cJSON *recipient = cJSON_AddObjectToObject(msg, "recipient");
        cJSON_AddNumberToObject(recipient, "chat_id", (double)(chat > 0 ? MAX_SIM_DIALOG_BASE + chat : chat));
        cJSON_AddStringToObject(recipient, "chat_type", chat > 0 ? "dialog" : "chat");
        cJSON_AddNumberToObject(recipient, "user_id", (double)u->id);
        cJSON_AddNumberToObject(msg, "timestamp", (double)clock_now_ms());
        cJSON_AddStringToObject(cJSON_AddObjectToObject(msg, "body"), "mid", mid);
    } else {
        cJSON_AddNullToObject(update, "message");
    }
    cJSON *json = cJSON_CreateObject();
    cJSON_AddStringToObject(json, "callback_id", id);
    reply_update(reply, json, max_update_append(update));
}

/* bot_started (the Start button or a deep link with payload) and
 * bot_stopped: the user may be written to again, or no longer. */
static void control_start_stop(const sim_request *req, sim_reply *reply, int start)
{
    max_sim_user *u = user_read(req->params, reply);
    const cJSON *payload = cJSON_GetObjectItemCaseSensitive(req->params, "payload");
    if (!u) return;
    if (start && payload && !cJSON_IsString(payload)) {
        sim_reply_error(reply, 400, "payload must be a string");
        return;
    }
    u->known = start || u->known;
    u->stopped = !start;
    cJSON *update = update_new(start ? "bot_started" : "bot_stopped", u);
    cJSON_AddNumberToObject(update, "chat_id", (double)(MAX_SIM_DIALOG_BASE + u->id));
    cJSON_AddItemToObject(update, "user", max_user_json(u));
    /* MAX passes payloads up to 512 characters and drops longer ones. */
    if (start && cJSON_IsString(payload) && *payload->valuestring) {
        size_t chars = 0;
        for (const char *p = payload->valuestring; *p; p++) chars += ((unsigned char)*p & 0xC0) != 0x80;
        if (chars <= MAX_START_PAYLOAD_MAX) cJSON_AddStringToObject(update, "payload", payload->valuestring);
    }
    reply_update(reply, cJSON_CreateObject(), max_update_append(update));
}

static void control_start(const sim_request *req, sim_reply *reply) { control_start_stop(req, reply, 1); }
static void control_stop(const sim_request *req, sim_reply *reply) { control_start_stop(req, reply, 0); }

static void control_update(const sim_request *req, sim_reply *reply)
{
    cJSON *update = sim_json_parse(req->body, req->body_len);
    if (!cJSON_IsObject(update)) {
        cJSON_Delete(update);
        sim_reply_error(reply, 400, "the body must be a JSON object (an Update)");
        return;
    }
    reply_update(reply, cJSON_CreateObject(), max_update_append(update));
}

/* A raw body also ends a long poll held now. */
static void control_raw(const sim_request *req, sim_reply *reply)
{
    if (!sim_control_raw(req, reply, &max_sim.raw_next, &max_sim.raw_next_len)) sim_broadcast();
}

/* {"method", "code", "message"?, "status"?, "times"?}: the next calls of
 * method ("messages", "answers", "uploads", "updates", "upload", "*")
 * answer MAX's error body; the status follows the code unless given. */
static void control_error(const sim_request *req, sim_reply *reply)
{
    const char *method = sim_param_string(req->params, "method"), *code = sim_param_string(req->params, "code");
    const char *message = sim_param_string(req->params, "message");
    long long status = 0, times = 1;
    sim_fault f = {0};
    if (!method || !*method || !code || !*code || strlen(method) + 4 >= sizeof f.method) {
        sim_reply_error(reply, 400, "method and code are required");
        return;
    }
    if (sim_param_int64(req->params, "status", &status) == SIM_PARAM_INVALID || (status && (status < 400 || status > 599)) ||
        sim_param_int64(req->params, "times", &times) == SIM_PARAM_INVALID || times < 1 || times > MAX_ERROR_TIMES_MAX) {
        sim_reply_error(reply, 400, "status must be 400..599 and times 1 or more");
        return;
    }
    if (!status) {
        status = strcmp(code, "too.many.requests") == 0 ? 429 : strcmp(code, "verify.token") == 0 ? 401
               : strcmp(code, "chat.denied") == 0 ? 403 : strcmp(code, "internal.error") == 0 ? 500 : 400;
    }
    if (strcmp(method, "*") == 0) snprintf(f.method, sizeof f.method, "*");
    else snprintf(f.method, sizeof f.method, "max.%s", method);
    f.kind = SIM_FAULT_STATUS;
    f.status = (int)status;
    f.times = (int)times;
    f.body = cJSON_CreateObject();
    cJSON_AddStringToObject(f.body, "code", code);
    cJSON_AddStringToObject(f.body, "message", message ? message : code);
    mb_status rc = sim_fault_add(&f);
    cJSON_Delete(f.body);
    if (rc) {
        sim_reply_error(reply, 400, "too many faults queued");
        return;
    }
    cJSON *json = cJSON_CreateObject();
    cJSON_AddNumberToObject(json, "faults_queued", sim_fault_count());
    sim_reply_json(reply, 200, json);
}

/* {"times": N}: the next N messages with a file or picture are refused
 * with attachment.not.ready, as while MAX processes an upload. */
static void control_not_ready(const sim_request *req, sim_reply *reply)
{
    long long times = 1;
    if (sim_param_int64(req->params, "times", &times) == SIM_PARAM_INVALID || times < 0 || times > MAX_ERROR_TIMES_MAX) {
        sim_reply_error(reply, 400, "times must be 0 or more");
        return;
    }
    max_sim.not_ready_next = (int)times;
    cJSON *json = cJSON_CreateObject();
    cJSON_AddNumberToObject(json, "not_ready_next", (double)times);
    sim_reply_json(reply, 200, json);
}

static void control_sent(const sim_request *req, sim_reply *reply)
{
    sim_control_sent(req, reply, "max", "chat_id");
}

static const sim_endpoint ENDPOINTS[] = {
    {"sent", SIM_ENDPOINT_ANY, control_sent},
    {"raw", SIM_ENDPOINT_BODY, control_raw},
    {"update", SIM_ENDPOINT_BODY, control_update},
    {"message", SIM_ENDPOINT_JSON, control_message},
    {"callback", SIM_ENDPOINT_JSON, control_callback},
    {"start", SIM_ENDPOINT_JSON, control_start},
    {"stop", SIM_ENDPOINT_JSON, control_stop},
    {"error", SIM_ENDPOINT_JSON, control_error},
    {"not_ready", SIM_ENDPOINT_JSON, control_not_ready},
};

void max_sim_control(const sim_request *req, const char *endpoint, sim_reply *reply)
{
    /* An uploaded file's bytes, /sim/max/file/<token>, with any verb. */
    if (strncmp(endpoint, "file/", 5) == 0) {
        char key[MAX_SIM_ID_MAX + 8];
        size_t len = 0;
        snprintf(key, sizeof key, "max:%s", endpoint + 5);
        sim_lock();
        const char *bytes = sim_file_get(key, &len);
        if (bytes) sim_reply_bytes(reply, bytes, len);
        else sim_reply_error(reply, 404, "no such file");
        sim_unlock();
        return;
    }
    sim_control_route(ENDPOINTS, sizeof ENDPOINTS / sizeof *ENDPOINTS, req, endpoint, reply);
}

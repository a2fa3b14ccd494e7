#include "sim/max.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/files.h"
#include "sim/max_media.h"
#include "sim/max_webhook.h"
#include "sim/max_world.h"
#include "sim/params.h"
#include "sim/state.h"
#include "util/clock.h"

#define MAX_TIMEOUT_DEFAULT_S 30   /* GET /updates without timeout */
#define MAX_TIMEOUT_MAX_S 90
#define MAX_LIMIT_DEFAULT 100
#define MAX_LIMIT_MAX 1000
#define MAX_TEXT_MAX 4000          /* characters of NewMessageBody.text */
#define MAX_BUTTON_TEXT_MAX 128
#define MAX_PAYLOAD_MAX 1024       /* bytes of a callback button's payload */
#define MAX_TYPES_MAX 32           /* update types named in one request */

/* What one call came to, before it is recorded and answered. */
typedef struct outcome {
    int status;                /* 200, or the error's HTTP status */
    char code[48];             /* MAX's error key when status != 200 */
    char message[160];
    cJSON *result;             /* the answer on success (owned) */
    long long chat;            /* where the sent log files it */
} outcome;

static void fail(outcome *out, int status, const char *code, const char *message)
{
    out->status = status;
    snprintf(out->code, sizeof out->code, "%s", code);
    snprintf(out->message, sizeof out->message, "%s", message);
    cJSON_Delete(out->result);
    out->result = NULL;
}

static cJSON *error_body(const char *code, const char *message)
{
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, "code", code);
    cJSON_AddStringToObject(body, "message", message);
    return body;
}

static cJSON *success(void)
{
    cJSON *json = cJSON_CreateObject();
    cJSON_AddBoolToObject(json, "success", 1);
    return json;
}

void max_sim_init(void) { max_world_init(); }

void max_sim_free(void)
{
    max_sim_webhook_stop();
    max_world_free();
}

void max_sim_reset(void)
{
    max_sim_webhook_reset();
    max_world_reset();
    sim_broadcast();
}

void max_sim_stats_add_json(cJSON *obj)
{
    cJSON *s = cJSON_AddObjectToObject(obj, "max");
    cJSON_AddNumberToObject(s, "updates_queued", (double)max_sim.updates_queued);
    cJSON_AddNumberToObject(s, "updates_delivered", (double)max_sim.updates_delivered);
    cJSON_AddNumberToObject(s, "updates_filtered", (double)max_sim.updates_filtered);
    cJSON_AddNumberToObject(s, "updates_kept", (double)max_updates_kept());
    cJSON_AddNumberToObject(s, "next_marker", (double)max_sim.next_update);
    cJSON_AddNumberToObject(s, "polls", (double)max_sim.polls);
    cJSON_AddNumberToObject(s, "messages_sent", (double)max_sim.messages_sent);
    cJSON_AddNumberToObject(s, "uploads", (double)max_sim.uploads);
    cJSON_AddNumberToObject(s, "stopped_users", (double)max_users_stopped());
    cJSON_AddNumberToObject(s, "not_ready_next", max_sim.not_ready_next);
    long long delivered, refused;
    max_sim_webhook_counts(&delivered, &refused);
    cJSON_AddNumberToObject(s, "subscriptions", max_sim_webhook_active());
    cJSON_AddNumberToObject(s, "webhook_delivered", (double)delivered);
    cJSON_AddNumberToObject(s, "webhook_refused", (double)refused);
}

static size_t chars_of(const char *s)
{
    size_t n = 0;
    for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* ---- the recipient of a message ---- */

/* The user a dialog belongs to, by user_id or by the dialog's chat_id; a
 * group chat (negative chat_id) is any chat the bot is in. Sets *chat to
 * where the sent log files the call and *user (NULL for a group). */
static int target_read(const cJSON *params, max_sim_user **user, long long *chat, outcome *out)
{
    long long id;
    *user = NULL;
    if (sim_param_int64(params, "user_id", &id) == SIM_PARAM_OK && id > 0) {
        *user = max_user_find(id);
    } else if (sim_param_int64(params, "chat_id", &id) == SIM_PARAM_OK && id != 0) {
        if (id < 0) {
            *chat = id;
            return 0;
        }
        *user = id > MAX_SIM_DIALOG_BASE ? max_user_find(id - MAX_SIM_DIALOG_BASE) : NULL;
    } else {
        fail(out, 400, "proto.payload", "user_id or chat_id is required");
        return -1;
    }
    if (!*user || !(*user)->known || (*user)->stopped) {
        *chat = *user ? (*user)->id : id;
        fail(out, 403, "chat.denied", "Key: error.dialog.suspended");
        return -1;
    }
    *chat = (*user)->id;
    return 0;
}

/* ---- NewMessageBody ---- */

static int keyboard_valid(const cJSON *payload, char *why, size_t size)
{
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(payload, "buttons"), *row, *b;
    if (!cJSON_IsArray(rows) || cJSON_GetArraySize(rows) == 0) {
        snprintf(why, size, "inline_keyboard: buttons must be a non-empty array of rows");
        return 0;
    }
    cJSON_ArrayForEach(row, rows) {
        if (!cJSON_IsArray(row)) {
            snprintf(why, size, "inline_keyboard: a row is not an array");
            return 0;
        }
        cJSON_ArrayForEach(b, row) {
            const char *type = sim_param_string(b, "type"), *text = sim_param_string(b, "text");
            const char *payload_text = sim_param_string(b, "payload");
            if (!type || !text || !*text || chars_of(text) > MAX_BUTTON_TEXT_MAX) {
                snprintf(why, size, "button: type and text of 1 to 128 characters are required");
                return 0;
            }
            if (strcmp(type, "callback") == 0 && (!payload_text || strlen(payload_text) > MAX_PAYLOAD_MAX)) {
                snprintf(why, size, "button.payload: size must be between 0 and 1024");
                return 0;
            }
        }
    }
    return 1;
}

/* Checks text, format and attachments as MAX does; 0 with the error set
 * otherwise. *media tells whether a file or picture is attached. */
static int body_check(const cJSON *params, int *media, outcome *out)
{
    const char *text = sim_param_string(params, "text"), *format = sim_param_string(params, "format");
    const cJSON *atts = cJSON_GetObjectItemCaseSensitive(params, "attachments"), *a;
    char why[160];
    *media = 0;
    if (text && chars_of(text) > MAX_TEXT_MAX) {
        fail(out, 400, "proto.payload", "text: size must be between 0 and 4000");
        return 0;
    }
    if (format && strcmp(format, "markdown") != 0 && strcmp(format, "html") != 0) {
        fail(out, 400, "proto.payload", "format: must be markdown or html");
        return 0;
    }
    if (atts && !cJSON_IsNull(atts) && !cJSON_IsArray(atts)) {
        fail(out, 400, "proto.payload", "attachments: must be an array");
        return 0;
    }
    const cJSON *list = cJSON_IsArray(atts) ? atts : NULL;
    cJSON_ArrayForEach(a, list) {
        const char *type = sim_param_string(a, "type");
        const cJSON *payload = cJSON_GetObjectItemCaseSensitive(a, "payload");
        if (type && strcmp(type, "inline_keyboard") == 0) {
            if (keyboard_valid(payload, why, sizeof why)) continue;
            fail(out, 400, "proto.payload", why);
            return 0;
        }
        const char *token = max_attachment_token(payload), *known = max_token_type(token);
        if (!type || (strcmp(type, "file") != 0 && strcmp(type, "image") != 0) || !known) {
            fail(out, 400, "proto.payload", "attachment: unknown type or token");
            return 0;
        }
        *media = 1;
    }
    if ((!text || !*text) && !cJSON_GetArraySize(atts)) {
        fail(out, 400, "proto.payload", "message: text or attachments are required");
        return 0;
    }
    return 1;
}

/* The Message object of a new bot message, as SendMessageResult carries it. */
static cJSON *message_json(const cJSON *params, max_sim_user *user, long long chat, const char *mid, long long seq)
{
    cJSON *msg = cJSON_CreateObject();
    cJSON_AddItemToObject(msg, "sender", max_user_json(NULL));
    cJSON *recipient = cJSON_AddObjectToObject(msg, "recipient");
    cJSON_AddNumberToObject(recipient, "chat_id", (double)(user ? MAX_SIM_DIALOG_BASE + user->id : chat));
    cJSON_AddStringToObject(recipient, "chat_type", user ? "dialog" : "chat");
    if (user) cJSON_AddNumberToObject(recipient, "user_id", (double)user->id);
    else cJSON_AddNullToObject(recipient, "user_id");
    cJSON_AddNumberToObject(msg, "timestamp", (double)clock_now_ms());
    cJSON *body = cJSON_AddObjectToObject(msg, "body");
    cJSON_AddStringToObject(body, "mid", mid);
    cJSON_AddNumberToObject(body, "seq", (double)seq);
    const char *text = sim_param_string(params, "text");
    if (text) cJSON_AddStringToObject(body, "text", text);
    else cJSON_AddNullToObject(body, "text");
    const cJSON *atts = cJSON_GetObjectItemCaseSensitive(params, "attachments");
    cJSON_AddItemToObject(body, "attachments", cJSON_IsArray(atts) ? max_attachments_shown(atts) : cJSON_CreateNull());
    return msg;
}

static void send_message(const sim_request *req, outcome *out)
{
    max_sim_user *user;
    int media;
    if (target_read(req->params, &user, &out->chat, out) || !body_check(req->params, &media, out)) return;
    if (sim_limits_check(out->chat)) {
        sim_stats_limit_violation();
        fail(out, 429, "too.many.requests", "Too many requests");
        return;
    }
    if (media && max_sim.not_ready_next > 0) {
        max_sim.not_ready_next--;
        fail(out, 400, "attachment.not.ready", "Key: errors.process.attachment.file.not.processed");
        return;
    }
    long long seq = user ? user->next_seq++ : max_sim.messages_sent + 1;
    char mid[MAX_SIM_ID_MAX];
    max_mid_format(user ? MAX_SIM_DIALOG_BASE + user->id : out->chat, seq, mid);
    cJSON *message = message_json(req->params, user, out->chat, mid, seq);
    if (!message || max_message_store(mid, out->chat, 1, cJSON_Duplicate(message, 1))) {
        cJSON_Delete(message);
        fail(out, 500, "internal.error", "out of memory");
        return;
    }
    sim_limits_note(out->chat);
    max_sim.messages_sent++;
    out->result = cJSON_CreateObject();
    cJSON_AddItemToObject(out->result, "message", message);
}

static void edit_message(const sim_request *req, outcome *out)
{
    const char *mid = sim_param_string(req->params, "message_id");
    int media;
    out->chat = max_message_chat(mid);
    if (!out->chat) {
        fail(out, 404, "not.found", "Message not found");
        return;
    }
    if (!body_check(req->params, &media, out)) return;
    /* The message keeps its mid and time; its text and attachments are the
     * new ones (an empty list takes the keyboard away, none keeps it). */
    cJSON *body = cJSON_GetObjectItemCaseSensitive(max_message_get(mid), "body");
    const char *text = sim_param_string(req->params, "text");
    const cJSON *atts = cJSON_GetObjectItemCaseSensitive(req->params, "attachments");
    if (body && text) cJSON_ReplaceItemInObjectCaseSensitive(body, "text", cJSON_CreateString(text));
    if (body && cJSON_IsArray(atts))
        cJSON_ReplaceItemInObjectCaseSensitive(body, "attachments", cJSON_Duplicate(atts, 1));
    out->result = success();
}

/* GET /messages?chat_id=&count=: the chat's messages, newest first (a
 * dialog by its own chat_id, not by the user's id). message_ids and the
 * from/to times are not served. */
static void list_messages(const sim_request *req, outcome *out)
{
    long long chat = 0, count = 50;
    if (sim_param_int64(req->params, "chat_id", &chat) != SIM_PARAM_OK || chat == 0 ||
        sim_param_int64(req->params, "count", &count) == SIM_PARAM_INVALID || count < 1 || count > 100) {
        fail(out, 400, "proto.payload", "chat_id is required; count: 1..100");
        return;
    }
    max_sim_user *user = chat > MAX_SIM_DIALOG_BASE ? max_user_find(chat - MAX_SIM_DIALOG_BASE) : NULL;
    out->chat = user ? user->id : chat;
    if (chat > 0 && (!user || !user->known)) {
        fail(out, 404, "chat.not.found", "Chat not found");
        return;
    }
    if (user && user->stopped) {
        fail(out, 403, "chat.denied", "Key: error.dialog.suspended");
        return;
    }
    cJSON *list = max_messages_of_chat(out->chat, (int)count);
    if (!list) {
        fail(out, 500, "internal.error", "out of memory");
        return;
    }
    out->result = cJSON_CreateObject();
    cJSON_AddItemToObject(out->result, "messages", list);
}

static void answer_callback(const sim_request *req, outcome *out)
{
    const char *id = sim_param_string(req->params, "callback_id");
    const char *note = sim_param_string(req->params, "notification");
    const cJSON *message = cJSON_GetObjectItemCaseSensitive(req->params, "message");
    int media;
    out->chat = max_callback_user(id);
    if (message && !cJSON_IsNull(message) && !body_check(message, &media, out)) return;
    if (note && chars_of(note) > MAX_TEXT_MAX) {
        fail(out, 400, "proto.payload", "notification: too long");
        return;
    }
    if (max_callback_answer(id)) {
        fail(out, 400, "not.found", "Callback not found or answered already");
        return;
    }
    out->result = success();
}

static void upload_url(const sim_request *req, outcome *out)
{
    const char *type = sim_param_string(req->params, "type");
    char hex[33], url[256];
    if (!type || (strcmp(type, "file") != 0 && strcmp(type, "image") != 0 && strcmp(type, "video") != 0 &&
                  strcmp(type, "audio") != 0)) {
        fail(out, 400, "proto.payload", "type: must be one of image, video, audio, file");
        return;
    }
    if (max_random_hex(hex, 32)) {
        fail(out, 500, "internal.error", "no randomness");
        return;
    }
    /* The upload id names its type, so the upload host needs no table. */
    snprintf(url, sizeof url, "http://%s%s/%s.%s", sim_server_address(), MAX_SIM_UPLOAD_PATH, type, hex);
    out->result = cJSON_CreateObject();
    cJSON_AddStringToObject(out->result, "url", url);
    max_sim.uploads++;
}

/* ---- the long poll ---- */

/* "types" as a list ("message_created,bot_started"); NULL for all. */
static cJSON *types_read(const cJSON *params)
{
    const char *list = sim_param_string(params, "types");
    if (!list || !*list) return NULL;
    cJSON *types = cJSON_CreateArray();
    char one[64];
    for (const char *p = list; *p && cJSON_GetArraySize(types) < MAX_TYPES_MAX;) {
        size_t n = strcspn(p, ",");
        snprintf(one, sizeof one, "%.*s", (int)(n < sizeof one ? n : sizeof one - 1), p);
        cJSON_AddItemToArray(types, cJSON_CreateString(one));
        p += n + (p[n] == ',');
    }
    return types;
}

static void get_updates(const sim_request *req, sim_reply *reply)
{
    long long marker = 0, timeout = MAX_TIMEOUT_DEFAULT_S, limit = MAX_LIMIT_DEFAULT;
    sim_param_result has_marker = sim_param_int64(req->params, "marker", &marker);
    if (has_marker == SIM_PARAM_INVALID || sim_param_int64(req->params, "timeout", &timeout) == SIM_PARAM_INVALID ||
        sim_param_int64(req->params, "limit", &limit) == SIM_PARAM_INVALID || timeout < 0 ||
        timeout > MAX_TIMEOUT_MAX_S || limit < 1 || limit > MAX_LIMIT_MAX) {
        sim_reply_json(reply, 400, error_body("proto.payload", "marker, timeout (0..90) or limit (1..1000) invalid"));
        return;
    }
    max_sim.polls++;
    if (max_sim.raw_next) {
        reply->status = 200;
        reply->body = max_sim.raw_next;
        reply->body_len = max_sim.raw_next_len;
        max_sim.raw_next = NULL;
        return;
    }
    /* Without a marker MAX hands out only the latest update. */
    long long from = has_marker == SIM_PARAM_OK ? marker
                   : max_sim.next_update > max_updates_oldest() ? max_sim.next_update - 1
                                                                : max_sim.next_update;
    cJSON *types = types_read(req->params);
    int64_t deadline = sim_mono_ms() + timeout * 1000;
    for (;;) {
        long long next = from;
        /* While a webhook is subscribed MAX hands nothing to long polling. */
        cJSON *updates = max_sim_webhook_active() ? cJSON_CreateArray()
                                                  : max_updates_from(from, (int)limit, types, &next);
        if (!updates) {
            sim_reply_json(reply, 500, error_body("internal.error", "out of memory"));
            break;
        }
        int count = cJSON_GetArraySize(updates);
        if (count > 0 || sim_stopping() || sim_mono_ms() >= deadline) {
            max_sim.updates_delivered += count;
            cJSON *json = cJSON_CreateObject();
            cJSON_AddItemToObject(json, "updates", updates);
            cJSON_AddNumberToObject(json, "marker", (double)next);
            sim_reply_json(reply, 200, json);
            break;
        }
        cJSON_Delete(updates);
        from = next;   /* filtered ones are passed for good */
        sim_wait(deadline);
    }
    cJSON_Delete(types);
}

/* ---- dispatch ---- */

typedef struct route {
    const char *verb;
    const char *path;
    const char *name;          /* for faults, stats and the sent log */
    void (*fn)(const sim_request *req, outcome *out);
} route;

static void get_me(const sim_request *req, outcome *out) { out->result = max_user_json(NULL); }

/* SubscriptionRequestBody {url, update_types?, secret?}: from now on new
 * updates are POSTed there (sim/max_webhook.h). */
static void subscribe(const sim_request *req, outcome *out)
{
    const char *url = sim_param_string(req->params, "url"), *secret = sim_param_string(req->params, "secret");
    const cJSON *types = cJSON_GetObjectItemCaseSensitive(req->params, "update_types");
    size_t n = secret ? strlen(secret) : 0;
    int rc;
    int secret_ok = !secret || (n >= 5 && n <= 256 && strspn(secret, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                                     "0123456789_-") == n);
    if (!url || (strncmp(url, "http://", 7) != 0 && strncmp(url, "https://", 8) != 0) ||
        strlen(url) >= MAX_SIM_WEBHOOK_URL_MAX) {
        fail(out, 400, "proto.payload", "url: must be an http(s) address");
    } else if (!secret_ok) {
        fail(out, 400, "proto.payload", "secret: must match ^[a-zA-Z0-9_-]{5,256}$");
    } else if (types && !cJSON_IsArray(types)) {
        fail(out, 400, "proto.payload", "update_types: must be an array");
    } else if ((rc = max_sim_webhook_subscribe(url, secret, types)) != 0) {
        if (rc == -2) fail(out, 400, "proto.payload", "too many subscriptions");
        else fail(out, 500, "internal.error", "cannot start delivering");
    } else {
        out->result = success();
    }
}

/* GetSubscriptionsResult: the subscriptions held now. */
static void list_subscriptions(const sim_request *req, outcome *out) { out->result = max_sim_webhook_list(); }

/* DELETE /subscriptions?url=: nothing more is posted there. An address
 * not subscribed is refused with success false (the schema does not say
 * what MAX answers then). */
static void unsubscribe(const sim_request *req, outcome *out)
{
    const char *url = sim_param_string(req->params, "url");
    if (!url || !*url) {
        fail(out, 400, "proto.payload", "url is required");
        return;
    }
    out->result = success();
    if (max_sim_webhook_unsubscribe(url)) {
        cJSON_ReplaceItemInObject(out->result, "success", cJSON_CreateFalse());
        cJSON_AddStringToObject(out->result, "message", "no subscription to this url");
    }
}

static const route ROUTES[] = {
    {"POST", "/messages", "max.messages", send_message},
    {"PUT", "/messages", "max.messages.edit", edit_message},
    {"GET", "/messages", "max.messages.list", list_messages},
    {"POST", "/answers", "max.answers", answer_callback},
    {"POST", "/uploads", "max.uploads", upload_url},
    {"GET", "/me", "max.me", get_me},
    {"POST", "/subscriptions", "max.subscriptions", subscribe},
    {"GET", "/subscriptions", "max.subscriptions.list", list_subscriptions},
    {"DELETE", "/subscriptions", "max.subscriptions.delete", unsubscribe},
};

/* An injected status: the body given ({"code","message"}, or a string
 * sent as it is), else MAX's error for that status. */
static void apply_status_fault(const sim_fault *f, outcome *out, sim_reply *reply)
{
    const char *code = f->status == 429 ? "too.many.requests" : f->status == 401 ? "verify.token"
                     : f->status == 403 ? "chat.denied" : f->status >= 500 ? "internal.error" : "proto.payload";
    if (cJSON_IsString(f->body)) {
        free(reply->body);
        reply->status = f->status;
        reply->body = strdup(f->body->valuestring);
        reply->body_len = reply->body ? strlen(reply->body) : 0;
        fail(out, f->status, "raw", f->body->valuestring);
        return;
    }
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(f->body, "code");
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(f->body, "message");
    fail(out, f->status, cJSON_IsString(c) ? c->valuestring : code, cJSON_IsString(m) ? m->valuestring : "injected");
    sim_reply_json(reply, f->status, f->body ? cJSON_Duplicate(f->body, 1) : error_body(out->code, out->message));
}

static void record(const char *name, const cJSON *params, const outcome *out, const char *fault)
{
    sim_sent_record("max", name, out->chat, params, out->status == 200, out->result, out->status == 200 ? 0 : out->status,
                    out->status == 200 ? NULL : out->code, fault);
}

/* Where the sent log files a call a fault answered before it was carried
 * out: the chat it names (a dialog under its user), so a test still sees
 * that the bot tried; 0 when it names none. */
static long long named_chat(const cJSON *params)
{
    long long id = 0;
    const char *text;
    if (sim_param_int64(params, "user_id", &id) == SIM_PARAM_OK && id > 0) return id;
    if (sim_param_int64(params, "chat_id", &id) == SIM_PARAM_OK && id != 0)
        return id > MAX_SIM_DIALOG_BASE ? id - MAX_SIM_DIALOG_BASE : id;
    if ((text = sim_param_string(params, "callback_id"))) return max_callback_user(text);
    if ((text = sim_param_string(params, "message_id"))) return max_message_chat(text);
    return 0;
}

void max_sim_api(const sim_request *req, const char *path, sim_reply *reply)
{
    const route *r = NULL;
    int updates = strcmp(path, "/updates") == 0 && strcmp(req->verb, "GET") == 0;
    for (size_t i = 0; i < sizeof ROUTES / sizeof *ROUTES && !r; i++)
        if (strcmp(ROUTES[i].path, path) == 0 && strcmp(ROUTES[i].verb, req->verb) == 0) r = &ROUTES[i];
    const char *name = updates ? "max.updates" : r ? r->name : "max.unknown";
    outcome out = {.status = 200};
    sim_fault fault = {0};
    const char *performed = NULL;

    sim_lock();
    sim_stats_call(name);
    if (sim_fault_take(name, &fault)) {
        if (fault.kind == SIM_FAULT_DROP || fault.kind == SIM_FAULT_STATUS) {
            if (fault.kind == SIM_FAULT_DROP) reply->drop = 1;
            else apply_status_fault(&fault, &out, reply);
            /* not carried out, whatever status it answers (a proxy's page may say 200) */
            if (r)
                sim_sent_record("max", name, named_chat(req->params), req->params, 0, NULL,
                                fault.kind == SIM_FAULT_DROP ? 0 : out.status,
                                fault.kind == SIM_FAULT_DROP ? NULL : out.code,
                                fault.kind == SIM_FAULT_DROP ? "drop" : "status");
            if (fault.kind == SIM_FAULT_STATUS) sim_stats_error(fault.status);
            goto out;
        }
        performed = sim_fault_performed_name(&fault);
        if (fault.kind == SIM_FAULT_DELAY) reply->delay_ms = fault.delay_ms;
    }
    if (!r && !updates) {
        sim_reply_json(reply, 404, error_body("not.found", "Path not found"));
    } else if (!req->authorization || !*req->authorization) {
        /* The token travels in the Authorization header only. */
        sim_reply_json(reply, 401, error_body("verify.token", "Invalid access_token"));
        sim_stats_error(401);
    } else if (req->body_invalid) {
        sim_reply_json(reply, 400, error_body("proto.payload", "Could not parse the request body"));
        sim_stats_error(400);
    } else if (updates) {
        get_updates(req, reply);
    } else {
        r->fn(req, &out);
        record(name, req->params, &out, performed);
        if (out.status == 200) {
            sim_reply_json(reply, 200, out.result);
            out.result = NULL;
        } else {
            sim_reply_json(reply, out.status, error_body(out.code, out.message));
            sim_stats_error(out.status);
        }
    }
    sim_fault_apply_performed(&fault, performed, reply);
out:
    sim_unlock();
    cJSON_Delete(fault.body);
    cJSON_Delete(out.result);
}

/* ---- the upload host ---- */

void max_sim_upload(const sim_request *req, const char *id, sim_reply *reply)
{
    sim_fault fault = {0};
    outcome out = {.status = 200};
    const sim_file_part *data = sim_file_part_find(req->files, "data");
    const char *dot = strchr(id, '.');
    char type[8] = "", token[MAX_SIM_ID_MAX], key[MAX_SIM_ID_MAX + 8];
    if (dot && (size_t)(dot - id) < sizeof type) snprintf(type, sizeof type, "%.*s", (int)(dot - id), id);
    sim_lock();
    sim_stats_call("max.upload");
    if (sim_fault_take("max.upload", &fault) && (fault.kind == SIM_FAULT_DROP || fault.kind == SIM_FAULT_STATUS)) {
        if (fault.kind == SIM_FAULT_DROP) reply->drop = 1;
        else apply_status_fault(&fault, &out, reply);
        record("max.upload", NULL, &out, fault.kind == SIM_FAULT_DROP ? "drop" : "status");
        goto out;
    }
    if (!type[0] || (strcmp(type, "file") && strcmp(type, "image") && strcmp(type, "video") && strcmp(type, "audio"))) {
        sim_reply_json(reply, 404, error_body("not.found", "Unknown upload"));
    } else if (!data || data->len == 0) {
        sim_reply_json(reply, 400, error_body("proto.payload", "the multipart part \"data\" is required"));
    } else if (max_token_new(strcmp(type, "image") == 0 ? "image" : "file", token)) {
        sim_reply_json(reply, 500, error_body("internal.error", "out of memory"));
    } else {
        snprintf(key, sizeof key, "max:%s", token);
        sim_file_keep(key, data->data, data->len);   /* past the caps only the bytes are not kept */
        max_token_describe(token, sim_param_string(cJSON_GetObjectItemCaseSensitive(req->params, "data"), "file_name"),
                           (long long)data->len);
        out.result = max_upload_answer(type, token);
        cJSON *shown = cJSON_CreateObject();
        cJSON_AddStringToObject(shown, "upload", id);
        cJSON_AddNumberToObject(shown, "bytes", (double)data->len);
        record("max.upload", shown, &out, NULL);
        cJSON_Delete(shown);
        sim_reply_json(reply, 200, out.result);
        out.result = NULL;
    }
out:
    sim_unlock();
    cJSON_Delete(fault.body);
    cJSON_Delete(out.result);
}

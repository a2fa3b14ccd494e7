#include "bot/max/max_parse.h"
#include "util/json.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOT_A_USER "sent by a bot, not a person"

mb_status max_parse_reply(const char *body, size_t len, long http_status, max_reply *out)
{
    memset(out, 0, sizeof *out);
    out->http_status = (int)http_status;
    const char *why = NULL;
    out->root = json_parse_limited(body, len, MAX_API_BODY_MAX, &why);
    if (!cJSON_IsObject(out->root)) {
        snprintf(out->message, sizeof out->message, "HTTP %ld: %s", http_status,
                 out->root ? "answer is not a JSON object" : why ? why : "answer is not JSON");
        return MB_ERR_PARSE;
    }
    const char *code = json_str(out->root, "code");
    const char *message = json_str(out->root, "message");
    const cJSON *success = cJSON_GetObjectItemCaseSensitive(out->root, "success");
    if (code && *code) {
        snprintf(out->code, sizeof out->code, "%s", code);
        snprintf(out->message, sizeof out->message, "%s", message ? message : "");
    } else if (cJSON_IsFalse(success)) {
        snprintf(out->code, sizeof out->code, "success.false");
        snprintf(out->message, sizeof out->message, "%s", message ? message : "refused");
    } else if (http_status < 200 || http_status > 299) {
        /* An error status without MAX's error body: keep what there is. */
        snprintf(out->message, sizeof out->message, "HTTP %ld%s%s", http_status, message ? ": " : "",
                 message ? message : "");
    } else {
        out->ok = 1;
    }
    return MB_OK;
}

void max_reply_free(max_reply *r)
{
    if (!r) return;
    cJSON_Delete(r->root);
    r->root = NULL;
}

int max_reply_rate_limited(const max_reply *r)
{
    return strcmp(r->code, "too.many.requests") == 0 || r->http_status == 429;
}

int max_reply_denied(const max_reply *r)
{
    return strcmp(r->code, "chat.denied") == 0 || strstr(r->code, "blocked") || r->http_status == 403;
}

mb_status max_parse_updates(const char *body, size_t len, max_update_list *out)
{
    memset(out, 0, sizeof *out);
    out->root = json_parse_limited(body, len, MAX_API_BODY_MAX, NULL);
    const cJSON *updates = cJSON_GetObjectItemCaseSensitive(out->root, "updates");
    if (!cJSON_IsObject(out->root) || !cJSON_IsArray(updates)) return MB_ERR_PARSE;
    const cJSON *marker = cJSON_GetObjectItemCaseSensitive(out->root, "marker");
    if (marker && !cJSON_IsNull(marker)) {
        int have;
        out->marker = json_int(out->root, "marker", &have);
        if (!have || out->marker < 0 || out->marker > MAX_MARKER_MAX) return MB_ERR_PARSE;
        out->has_marker = 1;
    }
    out->updates = updates;
    return MB_OK;
}

void max_update_list_free(max_update_list *l)
{
    if (!l) return;
    cJSON_Delete(l->root);
    l->root = NULL;
    l->updates = NULL;
}

mb_status max_parse_webhook(const char *body, size_t len, cJSON **update, char *why, size_t why_size)
{
    const char *reason = NULL;
    cJSON *root = json_parse_limited(body, len, MAX_API_BODY_MAX, &reason);
    *update = NULL;
    if (!cJSON_IsObject(root)) {
        snprintf(why, why_size, "%s", root ? "the body is not a JSON object" : reason ? reason : "not JSON");
        cJSON_Delete(root);
        return MB_ERR_PARSE;
    }
    if (!json_str(root, "update_type")) {
        snprintf(why, why_size, "the body has no update_type");
        cJSON_Delete(root);
        return MB_ERR_PARSE;
    }
    *update = root;
    return MB_OK;
}

int max_webhook_secret_valid(const char *secret)
{
    size_t n = secret ? strlen(secret) : 0;
    if (n < MAX_WEBHOOK_SECRET_MIN || n > MAX_WEBHOOK_SECRET_MAX) return 0;
    for (const char *p = secret; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-') return 0;
    return 1;
}

int max_webhook_secret_matches(const char *expected, const char *header)
{
    if (!expected || !*expected) return 1;
    if (!header) return 0;
    size_t a = strlen(expected), b = strlen(header);
    unsigned diff = a != b;
    /* Walks the whole expected secret whatever the header holds. */
    for (size_t i = 0; i < a; i++) diff |= (unsigned char)expected[i] ^ (unsigned char)(i < b ? header[i] : 0);
    return diff == 0;
}

/* FNV-1a over the parts, folded to a positive 63-bit key. */
static int64_t key_of(const char *a, const char *b)
{
    uint64_t h = 1469598103934665603ull;
    for (const char *s = a; s && *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    h = (h ^ 0x1f) * 1099511628211ull;
    for (const char *s = b; s && *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    int64_t k = (int64_t)(h & 0x7FFFFFFFFFFFFFFFull);
    return k ? k : 1;
}

/* The key of an update without a mid or callback_id: its type, time and
 * people, which a repeated delivery shares. The whole body when even
 * those are missing. */
static mb_status key_of_update(const cJSON *update, const char *type, const char *id, int64_t *key)
{
    if (id && *id) {
        *key = key_of(type, id);
        return MB_OK;
    }
    int have_time;
    int64_t when = json_int(update, "timestamp", &have_time);
    if (have_time) {
        char parts[96];
        snprintf(parts, sizeof parts, "%lld/%lld/%lld", (long long)when, (long long)json_int(update, "chat_id", NULL),
                 (long long)json_int(json_obj(update, "user"), "user_id", NULL));
        *key = key_of(type, parts);
        return MB_OK;
    }
    char *text = cJSON_PrintUnformatted(update);
    if (!text) return MB_ERR_NOMEM;
    *key = key_of(type, text);
    free(text);
    return MB_OK;
}

/* Fills the user fields from a User object: 1 for a person, -1 for a bot,
 * 0 when there is no positive user_id. */
static int fill_user(event *ev, const cJSON *user)
{
    int have;
    ev->user_id = json_int(user, "user_id", &have);
    ev->first_name = json_str(user, "first_name");
    if (!ev->first_name) ev->first_name = json_str(user, "name");
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(user, "is_bot"))) return -1;
    return have && ev->user_id > 0 ? 1 : 0;
}

/* Where replies to a message go (see the header): the user in a dialog,
 * the chat's own id elsewhere. */
static void fill_chat(event *ev, const cJSON *recipient)
{
    const char *type = json_str(recipient, "chat_type");
    ev->is_private = !recipient || (type && strcmp(type, "dialog") == 0);
    ev->chat_id = ev->is_private ? ev->user_id : json_int(recipient, "chat_id", NULL);
    /* The dialog's own chat_id: what GET /messages (the delivery check)
     * lists a dialog's messages by. */
    int64_t dialog = ev->is_private ? json_int(recipient, "chat_id", NULL) : 0;
    if (dialog && dialog != ev->chat_id) ev->platform_chat_id = dialog;
}

/* A token may go back into an attachment list unchanged: the characters
 * of the tokens MAX hands out, never the list's own ',' and ':'. */
static int token_is_plain(const char *token)
{
    if (!token || !*token) return 0;
    for (const char *p = token; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("_-=+/.", *p)) return 0;
    return 1;
}

/*
 * The pictures and files of a message as "image:<token>,file:<token>", the
 * list the sender turns back into attachments (a token sends the same
 * media again without a new upload). Stickers, audio, video, locations
 * and shares are left out.
 */
static void read_attachments(event *ev, const cJSON *body)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(body, "attachments"), *item;
    if (!cJSON_IsArray(list)) return;
    size_t used = 0;
    cJSON_ArrayForEach(item, list) {
        const char *type = json_str(item, "type");
        int image = type && strcmp(type, "image") == 0;
        if (!type || (!image && strcmp(type, "file") != 0) || ev->attachment.count == MAX_MESSAGE_ATTACHMENTS_MAX)
            continue;
        const char *token = json_str(json_obj(item, "payload"), "token");
        if (!token_is_plain(token)) continue;
        size_t room = sizeof ev->attachment.ref - used;
        int n = snprintf(ev->attachment.ref + used, room, "%s%s:%s", used ? "," : "", type, token);
        if (n < 0 || (size_t)n >= room) {
            ev->attachment.ref[used] = 0;
            continue;
        }
        used += (size_t)n;
        if (ev->attachment.count++) continue;
        ev->attachment.kind = image ? EVENT_ATTACHMENT_PHOTO : EVENT_ATTACHMENT_DOCUMENT;
        if (!image) {
            ev->attachment.file_name = json_str(item, "filename");
            ev->attachment.file_size = json_int(item, "size", NULL);
            if (ev->attachment.file_size < 0) ev->attachment.file_size = 0;
        }
    }
}

/* The number of a vCard's first TEL line ("TEL;TYPE=cell:+79991234567"):
 * digits and a leading '+' only, copied into storage. */
static const char *vcard_phone(const char *vcf, max_event_storage *storage)
{
    for (const char *line = vcf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, "TEL", 3) != 0) continue;
        const char *colon = strchr(line, ':'), *eol = strchr(line, '\n');
        if (!colon || (eol && colon > eol)) continue;
        size_t n = 0;
        for (const char *p = colon + 1; *p && *p != '\r' && *p != '\n' && n + 1 < sizeof storage->phone; p++)
            if (isdigit((unsigned char)*p) || (*p == '+' && n == 0)) storage->phone[n++] = *p;
        storage->phone[n] = 0;
        return n > 1 ? storage->phone : NULL;
    }
    return NULL;
}

static void read_contact(event *ev, const cJSON *body, max_event_storage *storage)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(body, "attachments"), *item;
    if (!cJSON_IsArray(list)) return;
    cJSON_ArrayForEach(item, list) {
        const char *type = json_str(item, "type");
        if (!type || strcmp(type, "contact") != 0) continue;
        const cJSON *payload = json_obj(item, "payload");
        const char *phone = vcard_phone(json_str(payload, "vcf_info"), storage);
        if (!phone) continue;
        ev->contact_phone = phone;
        ev->contact_user_id = json_int(json_obj(payload, "max_info"), "user_id", NULL);
        return;
    }
}

static void message_created(const cJSON *update, event *ev, max_event_storage *storage)
{
    const cJSON *msg = json_obj(update, "message");
    const cJSON *body = json_obj(msg, "body");
    int user = fill_user(ev, json_obj(msg, "sender"));
    fill_chat(ev, json_obj(msg, "recipient"));
    if (!msg) {
        ev->ignore_reason = "message_created without a message";
    } else if (user < 0) {
        ev->ignore_reason = NOT_A_USER;
    } else if (!user || !ev->chat_id) {
        ev->ignore_reason = "message without a user or chat id";
    } else {
        ev->kind = EVENT_MESSAGE;
        ev->text = json_str(body, "text");
        if (ev->text && !*ev->text) ev->text = NULL;
        read_attachments(ev, body);
        read_contact(ev, body, storage);
    }
}

static void message_callback(const cJSON *update, event *ev)
{
    const cJSON *cb = json_obj(update, "callback");
    const cJSON *msg = json_obj(update, "message");
    int user = fill_user(ev, json_obj(cb, "user"));
    /* The message is null when it was deleted before the press arrived:
     * a press on a button only comes from a dialog or a chat the bot is in,
     * and without the message the user's dialog is the place to answer. */
    fill_chat(ev, json_obj(msg, "recipient"));
    const char *mid = json_str(json_obj(msg, "body"), "mid");
    if (mid && *mid && strlen(mid) < sizeof ev->button_message)
        snprintf(ev->button_message, sizeof ev->button_message, "%s", mid);
    ev->button_id = json_str(cb, "callback_id");
    ev->button_data = json_str(cb, "payload");
    if (user < 0) {
        ev->ignore_reason = NOT_A_USER;
    } else if (!user || !ev->chat_id) {
        ev->ignore_reason = "button press without a user or chat id";
    } else if (!ev->button_id || !*ev->button_id) {
        ev->ignore_reason = "button press without a callback_id to answer";
    } else if (!ev->button_data) {
        ev->ignore_reason = "button press without a payload";
    } else if (strlen(ev->button_data) > EVENT_BUTTON_DATA_MAX) {
        ev->ignore_reason = "button payload over 64 bytes (not sent by this bot)";
    } else {
        ev->kind = EVENT_BUTTON;
    }
    if (!ev->kind) {
        ev->button_id = NULL;
        ev->button_data = NULL;
        ev->button_message[0] = 0;
    }
}

static void bot_started(const cJSON *update, event *ev, max_event_storage *storage)
{
    int user = fill_user(ev, json_obj(update, "user"));
    ev->is_private = 1;
    ev->chat_id = ev->user_id;
    int64_t dialog = json_int(update, "chat_id", NULL);
    if (dialog && dialog != ev->chat_id) ev->platform_chat_id = dialog;
    const cJSON *payload = cJSON_GetObjectItemCaseSensitive(update, "payload");
    if (user <= 0) {
        ev->ignore_reason = user < 0 ? NOT_A_USER : "bot_started without a user";
        return;
    }
    if (payload && !cJSON_IsNull(payload) && !cJSON_IsString(payload)) {
        ev->ignore_reason = "bot_started whose payload is not a string";
        return;
    }
    const char *code = cJSON_IsString(payload) ? payload->valuestring : "";
    /* A payload longer than MAX lets through cannot be ours; it is not
     * cut, which could make it look like another code. */
    if (strlen(code) + 8 > sizeof storage->text) {
        ev->ignore_reason = "start payload over 512 characters";
        return;
    }
    snprintf(storage->text, sizeof storage->text, "/start%s%s", *code ? " " : "", code);
    ev->kind = EVENT_MESSAGE;
    ev->text = storage->text;
}

mb_status max_update_to_event(const cJSON *update, event *ev, int64_t *key, const char **kind,
                              max_event_storage *storage)
{
    memset(ev, 0, sizeof *ev);
    ev->platform = "max";
    *kind = "unknown";
    *key = 0;
    const char *type = json_str(update, "update_type");
    if (!cJSON_IsObject(update) || !type) return MB_ERR_PARSE;
    storage->text[0] = storage->phone[0] = 0;
    ev->language_code = json_str(update, "user_locale");
    const char *id = NULL;
    if (strcmp(type, "message_created") == 0) {
        *kind = "message_created";
        id = json_str(json_obj(json_obj(update, "message"), "body"), "mid");
        message_created(update, ev, storage);
    } else if (strcmp(type, "message_callback") == 0) {
        *kind = "message_callback";
        id = json_str(json_obj(update, "callback"), "callback_id");
        message_callback(update, ev);
    } else if (strcmp(type, "bot_started") == 0) {
        *kind = "bot_started";
        bot_started(update, ev, storage);
    } else if (strcmp(type, "bot_stopped") == 0) {
        *kind = "bot_stopped";
        int user = fill_user(ev, json_obj(update, "user"));
        ev->is_private = 1;
        ev->chat_id = ev->user_id;
        if (user > 0) ev->kind = EVENT_BLOCKED;
        else ev->ignore_reason = user < 0 ? NOT_A_USER : "bot_stopped without a user";
    } else if (strcmp(type, "message_edited") == 0) {
        *kind = "message_edited";
        const cJSON *body = json_obj(json_obj(update, "message"), "body");
        id = json_str(body, "mid");
        /* Two edits of one message are two events: the seq stays, the
         * update's time differs. */
        char edit[96];
        snprintf(edit, sizeof edit, "%s@%lld", id ? id : "", (long long)json_int(update, "timestamp", NULL));
        *key = key_of(type, edit);
        ev->ignore_reason = "edited messages are not read again; the original was handled";
    } else {
        *kind = "other";
        ev->ignore_reason = "update type the bot does not handle";
    }
    /* MAX's mids are strings: the update's time orders the chat instead,
     * for the delivery check's floor (max_send.c). */
    if (ev->kind != EVENT_NONE && ev->chat_id) {
        int64_t at = json_int(update, "timestamp", NULL);
        if (at > 0) ev->message_id = at;
    }
    return *key ? MB_OK : key_of_update(update, type, id, key);
}

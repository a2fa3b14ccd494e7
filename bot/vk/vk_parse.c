#include "bot/vk/vk_parse.h"
#include "util/json.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

mb_status vk_parse_reply(const char *body, size_t len, vk_reply *out)
{
    memset(out, 0, sizeof *out);
    const char *why;
    out->root = json_parse_limited(body, len, VK_BODY_MAX, &why);
    if (!cJSON_IsObject(out->root)) {
        snprintf(out->error_msg, sizeof out->error_msg, "%s", out->root ? "answer is not an object" : why);
        return MB_ERR_PARSE;
    }
    const cJSON *err = json_obj(out->root, "error");
    if (err) {
        out->error_code = (int)json_int(err, "error_code", NULL);
        const char *msg = json_str(err, "error_msg");
        snprintf(out->error_msg, sizeof out->error_msg, "%s", msg ? msg : "");
        const char *sid = json_str(err, "captcha_sid");
        snprintf(out->captcha_sid, sizeof out->captcha_sid, "%s", sid ? sid : "");
        return MB_OK;
    }
    const cJSON *resp = cJSON_GetObjectItemCaseSensitive(out->root, "response");
    const cJSON *exec = cJSON_GetObjectItemCaseSensitive(out->root, "execute_errors");
    if (cJSON_IsNull(resp) && cJSON_IsArray(exec) && cJSON_GetArraySize(exec) > 0) {
        const cJSON *first = cJSON_GetArrayItem(exec, 0);
        out->error_code = (int)json_int(first, "error_code", NULL);
        const char *msg = json_str(first, "error_msg");
        snprintf(out->error_msg, sizeof out->error_msg, "%s", msg ? msg : "");
        return MB_OK;
    }
    if (!resp) {
        snprintf(out->error_msg, sizeof out->error_msg, "answer has neither response nor error");
        return MB_ERR_PARSE;
    }
    out->ok = 1;
    out->response = resp;
    return MB_OK;
}

void vk_reply_free(vk_reply *r)
{
    if (!r) return;
    cJSON_Delete(r->root);
    r->root = NULL;
    r->response = NULL;
}

mb_status vk_parse_server(const cJSON *response, vk_server *out)
{
    memset(out, 0, sizeof *out);
    const char *key = json_str(response, "key"), *server = json_str(response, "server");
    int have;
    out->ts = json_int(response, "ts", &have);
    if (!key || !server || !have || strlen(key) >= sizeof out->key || strlen(server) >= sizeof out->server)
        return MB_ERR_PARSE;
    snprintf(out->key, sizeof out->key, "%s", key);
    /* The user Long Poll gives a bare host; the bots one a full URL. */
    if (strncmp(server, "http://", 7) && strncmp(server, "https://", 8))
        snprintf(out->server, sizeof out->server, "https://%.*s", (int)(sizeof out->server - 9), server);
    else
        snprintf(out->server, sizeof out->server, "%s", server);
    return MB_OK;
}

mb_status vk_parse_check(const char *body, size_t len, vk_check *out)
{
    memset(out, 0, sizeof *out);
    out->root = json_parse_limited(body, len, VK_BODY_MAX, NULL);
    if (!cJSON_IsObject(out->root)) return MB_ERR_PARSE;
    int have;
    out->ts = json_int(out->root, "ts", &have);
    out->has_ts = have;
    int failed = (int)json_int(out->root, "failed", &have);
    if (have) {
        out->failed = failed;
        return failed >= 1 && failed <= 3 ? MB_OK : MB_ERR_PARSE;
    }
    const cJSON *updates = cJSON_GetObjectItemCaseSensitive(out->root, "updates");
    if (!out->has_ts || !cJSON_IsArray(updates)) return MB_ERR_PARSE;
    out->updates = updates;
    return MB_OK;
}

void vk_check_free(vk_check *c)
{
    if (!c) return;
    cJSON_Delete(c->root);
    c->root = NULL;
    c->updates = NULL;
}

/* FNV-1a, folded to a positive 63-bit key. */
static int64_t key_of(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    int64_t k = (int64_t)(h & 0x7FFFFFFFFFFFFFFFull);
    return k ? k : 1;
}

/* Our buttons carry {"b":"<data>"}; a payload may be that object or a
 * JSON string of it. Copies the data into buf; 1 when found. */
static int button_data(const cJSON *payload, char *buf, size_t size)
{
    cJSON *parsed = NULL;
    if (cJSON_IsString(payload)) payload = parsed = cJSON_Parse(payload->valuestring);
    const char *b = json_str(payload, "b");
    int found = b && strlen(b) <= EVENT_BUTTON_DATA_MAX;
    if (found) snprintf(buf, size, "%s", b);
    cJSON_Delete(parsed);
    return found;
}

static const char *language_of(const cJSON *client_info)
{
    int have;
    int64_t lang = json_int(client_info, "lang_id", &have);
    return have && lang == 3 ? "en" : "ru";   /* VK: 0 ru, 1 uk, 2 be, 3 en */
}

/* An access key is letters and digits: anything else (a comma above all,
 * which separates the items of messages.send's attachment) is refused. */
static int key_is_plain(const char *key)
{
    for (; key && *key; key++)
        if (!isalnum((unsigned char)*key)) return 0;
    return 1;
}

/*
 * The photos and documents among a message's attachments (up to ten, all a
 * message may carry), as the list messages.send takes back:
 * photo<owner_id>_<id>_<access_key>,doc<owner_id>_<id>_<access_key>. A
 * user's media carries an access key, without which the community may not
 * send it on; media without one (the community's own) is named without
 * the last part. Other attachments (stickers, links, audio) are left out.
 */
static void read_attachment(event *ev, const cJSON *msg)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(msg, "attachments"), *item;
    if (!cJSON_IsArray(list)) return;
    size_t used = 0;
    cJSON_ArrayForEach(item, list) {
        const char *type = json_str(item, "type");
        int photo = type && strcmp(type, "photo") == 0;
        if (!type || (!photo && strcmp(type, "doc") != 0) || ev->attachment.count == VK_MESSAGE_ATTACHMENTS_MAX)
            continue;
        const cJSON *media = json_obj(item, type);
        int have_id, have_owner;
        int64_t id = json_int(media, "id", &have_id), owner = json_int(media, "owner_id", &have_owner);
        const char *key = json_str(media, "access_key");
        if (!have_id || !have_owner || id <= 0 || !key_is_plain(key)) continue;
        size_t room = sizeof ev->attachment.ref - used;
        int n = snprintf(ev->attachment.ref + used, room, "%s%s%lld_%lld%s%s", used ? "," : "", type,
                         (long long)owner, (long long)id, key && *key ? "_" : "", key && *key ? key : "");
        if (n < 0 || (size_t)n >= room) {
            ev->attachment.ref[used] = 0;
            continue;
        }
        used += (size_t)n;
        if (ev->attachment.count++) continue;
        ev->attachment.kind = photo ? EVENT_ATTACHMENT_PHOTO : EVENT_ATTACHMENT_DOCUMENT;
        if (!photo) {
            ev->attachment.file_name = json_str(media, "title");
            ev->attachment.file_size = json_int(media, "size", NULL);
            if (ev->attachment.file_size < 0) ev->attachment.file_size = 0;
        }
    }
}

mb_status vk_update_to_event(const cJSON *update, event *ev, int64_t *key, const char **kind, char *buf,
                             size_t buf_size)
{
    memset(ev, 0, sizeof *ev);
    ev->platform = "vk";
    *kind = "unknown";
    if (!cJSON_IsObject(update)) return MB_ERR_PARSE;
    const char *type = json_str(update, "type");
    const cJSON *object = json_obj(update, "object");
    if (!type || !object) return MB_ERR_PARSE;
    const char *event_id = json_str(update, "event_id");
    if (event_id && *event_id) {
        *key = key_of(event_id);
    } else {
        char *text = cJSON_PrintUnformatted(update);
        if (!text) return MB_ERR_NOMEM;
        *key = key_of(text);
        free(text);
    }
    if (strcmp(type, "message_new") == 0) {
        *kind = "message_new";
        const cJSON *msg = json_obj(object, "message");
        const cJSON *info = json_obj(object, "client_info");
        if (!msg) msg = object;   /* before API 5.103 the object was the message */
        int have_from, have_peer;
        ev->user_id = json_int(msg, "from_id", &have_from);
        ev->chat_id = json_int(msg, "peer_id", &have_peer);
        ev->message_id = json_int(msg, "conversation_message_id", NULL);
        ev->language_code = language_of(info);
        ev->is_private = have_peer && ev->chat_id > 0 && ev->chat_id < VK_PEER_CHAT_BASE;
        if (!have_from || !have_peer || ev->user_id <= 0) {
            ev->ignore_reason = "message without a user sender";
            return MB_OK;
        }
        if (button_data(cJSON_GetObjectItemCaseSensitive(msg, "payload"), buf, buf_size)) {
            ev->kind = EVENT_BUTTON;   /* a keyboard (text) button */
            ev->button_data = buf;
        } else {
            ev->kind = EVENT_MESSAGE;
            ev->text = json_str(msg, "text");
            if (ev->text && !*ev->text) ev->text = NULL;
            read_attachment(ev, msg);
            /* Opening vk.me/<community>?ref=<code> hands the code over in
             * "ref" with the first message: read it as /start <code>. */
            const char *ref = json_str(msg, "ref");
            if (ref && *ref && strlen(ref) + 8 <= buf_size && (!ev->text || ev->text[0] != '/')) {
                snprintf(buf, buf_size, "/start %s", ref);
                ev->text = buf;
            }
        }
    } else if (strcmp(type, "message_event") == 0) {
        *kind = "message_event";
        int have_user;
        ev->user_id = json_int(object, "user_id", &have_user);
        ev->chat_id = json_int(object, "peer_id", NULL);
        ev->button_id = json_str(object, "event_id");
        int64_t on = json_int(object, "conversation_message_id", NULL);
        if (on > 0) snprintf(ev->button_message, sizeof ev->button_message, "%lld", (long long)on);
        ev->is_private = ev->chat_id > 0 && ev->chat_id < VK_PEER_CHAT_BASE;
        if (!have_user || ev->user_id <= 0) {
            ev->ignore_reason = "button press without a user id that is a positive number";
            return MB_OK;
        }
        if (!button_data(cJSON_GetObjectItemCaseSensitive(object, "payload"), buf, buf_size)) {
            ev->ignore_reason = "button press without a user or with a payload this bot did not send";
            return MB_OK;
        }
        ev->kind = EVENT_BUTTON;
        ev->button_data = buf;
    } else if (strcmp(type, "message_allow") == 0 || strcmp(type, "message_deny") == 0) {
        *kind = type[8] == 'a' ? "message_allow" : "message_deny";
        int have_user;
        ev->user_id = json_int(object, "user_id", &have_user);
        ev->chat_id = ev->user_id;
        ev->is_private = 1;
        if (!have_user || ev->user_id <= 0) ev->ignore_reason = "permission change without a user id that is a positive number";
        else ev->kind = type[8] == 'a' ? EVENT_UNBLOCKED : EVENT_BLOCKED;
    } else {
        *kind = "other";
        ev->ignore_reason = "event type the bot does not handle";
    }
    return MB_OK;
}

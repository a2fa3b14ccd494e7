#include "bot/telegram/tg_parse.h"
#include "util/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

mb_status tg_parse_reply(const char *body, size_t len, long http_status, tg_reply *out)
{
    memset(out, 0, sizeof *out);
    out->retry_after_s = -1;
    const char *why;
    out->root = json_parse_limited(body, len, TG_BODY_MAX, &why);
    if (!out->root) {
        snprintf(out->description, sizeof out->description, "%s (HTTP %ld, %zu bytes)", why, http_status, len);
        return MB_ERR_PARSE;
    }
    if (cJSON_IsArray(out->root)) {
        out->ok = 1;
        out->result = out->root;
        return MB_OK;
    }
    const cJSON *okv = cJSON_GetObjectItemCaseSensitive(out->root, "ok");
    if (!cJSON_IsBool(okv)) {
        snprintf(out->description, sizeof out->description, "answer without \"ok\" (HTTP %ld)", http_status);
        return MB_ERR_PARSE;
    }
    out->ok = cJSON_IsTrue(okv);
    out->result = cJSON_GetObjectItemCaseSensitive(out->root, "result");
    int have;
    int64_t code = json_int(out->root, "error_code", &have);
    out->error_code = have ? (int)code : (out->ok ? 0 : (int)http_status);
    const char *desc = json_str(out->root, "description");
    snprintf(out->description, sizeof out->description, "%s", desc ? desc : "");
    const cJSON *params = json_obj(out->root, "parameters");
    int64_t wait = json_int(params, "retry_after", &have);
    if (have && wait >= 0) out->retry_after_s = wait < TG_RETRY_AFTER_MAX_S ? wait : TG_RETRY_AFTER_MAX_S;
    out->migrate_to_chat_id = json_int(params, "migrate_to_chat_id", NULL);
    if (!out->ok && out->error_code == 429 && out->retry_after_s < 0) {
        /* 2016-era answers: "Too Many Requests: retry after 3", or no number. */
        const char *p = strstr(out->description, "retry after ");
        long long n = p ? strtoll(p + 12, NULL, 10) : 0;
        out->retry_after_s = n <= 0 ? TG_LEGACY_RETRY_S : n < TG_RETRY_AFTER_MAX_S ? n : TG_RETRY_AFTER_MAX_S;
    }
    return MB_OK;
}

void tg_reply_free(tg_reply *r)
{
    if (!r) return;
    cJSON_Delete(r->root);
    r->root = NULL;
    r->result = NULL;
}

#define NOT_A_USER "a sender id that is not a positive number (no Telegram user has one)"

/* Returns 1 when from carries a user id, 0 when it has none and -1 when the
 * id is 0 or negative: Telegram's user ids are positive, so such an update
 * (a chat's id, or forged) is never acted on and never makes an account. */
static int fill_from_user(event *ev, const cJSON *from)
{
    int have = 0;
    ev->user_id = json_int(from, "id", &have);
    ev->first_name = json_str(from, "first_name");
    ev->language_code = json_str(from, "language_code");
    return !have ? 0 : ev->user_id > 0 ? 1 : -1;
}

/* Keeps ref when it fits; a longer one (no file_id is near the limit) is
 * taken as no attachment at all. */
static void set_attachment(event *ev, event_attachment_kind kind, const char *ref)
{
    if (!ref || !*ref || strlen(ref) > EVENT_ATTACHMENT_REF_MAX) return;
    ev->attachment.kind = kind;
    ev->attachment.count = 1;
    snprintf(ev->attachment.ref, sizeof ev->attachment.ref, "%s", ref);
}

/* message.photo is the same picture in several sizes (smallest first, as
 * Telegram sends them, but the order is not promised): the largest is the
 * one to pass on. message.document carries its name and size. An album
 * comes as one message per item, sharing a media_group_id. */
static void read_attachment(event *ev, const cJSON *msg)
{
    ev->attachment.album_id = json_str(msg, "media_group_id");
    const cJSON *sizes = cJSON_GetObjectItemCaseSensitive(msg, "photo"), *size;
    const cJSON *best = NULL;
    double best_area = -1;
    if (!cJSON_IsArray(sizes)) sizes = NULL;
    cJSON_ArrayForEach(size, sizes) {
        if (!json_str(size, "file_id")) continue;
        double area = (double)json_int(size, "width", NULL) * (double)json_int(size, "height", NULL);
        if (area > best_area || (area == best_area && json_int(size, "file_size", NULL) >
                                                          json_int(best, "file_size", NULL))) {
            best = size;
            best_area = area;
        }
    }
    if (best) {
        set_attachment(ev, EVENT_ATTACHMENT_PHOTO, json_str(best, "file_id"));
        ev->attachment.file_size = json_int(best, "file_size", NULL);
        if (ev->attachment.file_size < 0) ev->attachment.file_size = 0;
        return;
    }
    const cJSON *doc = json_obj(msg, "document");
    if (!doc) return;
    set_attachment(ev, EVENT_ATTACHMENT_DOCUMENT, json_str(doc, "file_id"));
    if (!ev->attachment.kind) return;
    ev->attachment.file_name = json_str(doc, "file_name");
    ev->attachment.file_size = json_int(doc, "file_size", NULL);
    if (ev->attachment.file_size < 0) ev->attachment.file_size = 0;
}

mb_status tg_update_to_event(const cJSON *update, event *ev, int64_t *update_id, const char **kind)
{
    memset(ev, 0, sizeof *ev);
    ev->platform = "tg";
    *kind = "unknown";
    int have;
    *update_id = json_int(update, "update_id", &have);
    if (!cJSON_IsObject(update) || !have || *update_id < 0 || *update_id > TG_UPDATE_ID_MAX) return MB_ERR_PARSE;

    const cJSON *msg = json_obj(update, "message");
    const cJSON *cb = json_obj(update, "callback_query");
    const cJSON *member = json_obj(update, "my_chat_member");
    const cJSON *edited = json_obj(update, "edited_message");
    if (msg) {
        *kind = "message";
        const cJSON *from = json_obj(msg, "from");
        const cJSON *chat = json_obj(msg, "chat");
        if (!from || !chat) {
            ev->ignore_reason = "message without sender or chat";
            return MB_OK;
        }
        int have_user = fill_from_user(ev, from), have_chat;
        ev->chat_id = json_int(chat, "id", &have_chat);
        const char *type = json_str(chat, "type");
        ev->is_private = type && strcmp(type, "private") == 0;
        ev->text = json_str(msg, "text");
        if (!ev->text) ev->text = json_str(msg, "caption");
        ev->message_id = json_int(msg, "message_id", NULL);
        /* A contact shared with the request_contact button carries the
         * sender's own user_id; a contact card forwarded from the address
         * book carries someone else's, or none. */
        const cJSON *contact = json_obj(msg, "contact");
        if (contact) {
            ev->contact_phone = json_str(contact, "phone_number");
            ev->contact_user_id = json_int(contact, "user_id", NULL);
        }
        read_attachment(ev, msg);
        ev->kind = EVENT_MESSAGE;
        if (have_user < 0) {
            ev->kind = EVENT_NONE;
            ev->ignore_reason = NOT_A_USER;
        } else if (!have_user || !have_chat) {
            ev->kind = EVENT_NONE;
            ev->ignore_reason = "message without user or chat id";
        }
    } else if (cb) {
        *kind = "callback_query";
        const cJSON *from = json_obj(cb, "from");
        const cJSON *cmsg = json_obj(cb, "message");
        int have_user = fill_from_user(ev, from);
        ev->button_id = json_str(cb, "id");
        ev->button_data = json_str(cb, "data");
        int64_t on = json_int(cmsg, "message_id", NULL);
        if (on > 0) snprintf(ev->button_message, sizeof ev->button_message, "%lld", (long long)on);
        const cJSON *chat = json_obj(cmsg, "chat");
        ev->chat_id = chat ? json_int(chat, "id", NULL) : ev->user_id;
        const char *type = json_str(chat, "type");
        ev->is_private = !chat || (type && strcmp(type, "private") == 0);
        ev->kind = EVENT_BUTTON;
        if (have_user <= 0 || !ev->button_data) {
            ev->kind = EVENT_NONE;
            ev->ignore_reason = have_user < 0 ? NOT_A_USER
                              : !have_user    ? "button press without a user"
                                              : "button press without data";
        } else if (strlen(ev->button_data) > EVENT_BUTTON_DATA_MAX) {
            ev->kind = EVENT_NONE;
            ev->ignore_reason = "button data over 64 bytes (not sent by this bot)";
        }
    } else if (member) {
        *kind = "my_chat_member";
        const cJSON *chat = json_obj(member, "chat");
        const char *type = json_str(chat, "type");
        const char *status = json_str(json_obj(member, "new_chat_member"), "status");
        int have_user = fill_from_user(ev, json_obj(member, "from"));
        ev->chat_id = json_int(chat, "id", NULL);
        ev->is_private = type && strcmp(type, "private") == 0;
        if (!ev->is_private) {
            ev->ignore_reason = "membership change outside a private chat";
        } else if (have_user <= 0) {
            ev->ignore_reason = have_user < 0 ? NOT_A_USER : "membership change without a user";
        } else if (!status) {
            ev->ignore_reason = "membership change without a status";
        } else if (strcmp(status, "kicked") == 0 || strcmp(status, "left") == 0) {
            ev->kind = EVENT_BLOCKED;
        } else if (strcmp(status, "member") == 0) {
            ev->kind = EVENT_UNBLOCKED;
        } else {
            ev->ignore_reason = "membership status the bot does not act on";
        }
    } else if (edited) {
        *kind = "edited_message";
        ev->ignore_reason = "edited messages are not read again; the original was handled";
    } else {
        *kind = "other";
        ev->ignore_reason = "update kind the bot does not handle";
    }
    return MB_OK;
}

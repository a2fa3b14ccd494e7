#include "handlers/reply.h"
#include "storage/outbox.h"
#include "util/log.h"
#include "util/text.h"

#include <stdlib.h>
#include <string.h>

/* The narrowest of the messengers' limits. */
static const platform_info unregistered_caps = {
    .text_units_limit = 4000, .button_data_limit = 64, .buttons_limit = 30, .button_text_limit = 40, .caption_units_limit = 1024,
};

const platform_info *platform_caps_for(const char *platform)
{
    const platform_info *p = platform_find(platform);
    return p ? p : &unregistered_caps;
}

void kb_row(keyboard *kb)
{
    if (!kb->rows) kb->rows = cJSON_CreateArray();
    if (kb->rows) cJSON_AddItemToArray(kb->rows, cJSON_CreateArray());
}

void kb_button(keyboard *kb, const char *label, const char *data)
{
    if (!kb->rows || cJSON_GetArraySize(kb->rows) == 0) kb_row(kb);
    if (!kb->rows) return;
    if (strlen(data) > EVENT_BUTTON_DATA_MAX) kb->too_long = 1;
    cJSON *row = cJSON_GetArrayItem(kb->rows, cJSON_GetArraySize(kb->rows) - 1);
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "text", label);
    cJSON_AddStringToObject(b, "data", data);
    cJSON_AddItemToArray(row, b);
    kb->count++;
}

void kb_free(keyboard *kb)
{
    if (!kb) return;
    cJSON_Delete(kb->rows);
    kb->rows = NULL;
    kb->count = 0;
    kb->too_long = 0;
}

/* Checks the keyboard against the platform before anything is queued: a
 * button that the platform would refuse must fail here, with a reason,
 * not later at send time. */
static mb_status check_keyboard(const platform_info *caps, const keyboard *kb)
{
    if (!kb || !kb->rows) return MB_OK;
    if (kb->too_long || (unsigned)kb->count > caps->buttons_limit) return MB_ERR_LIMIT;
    cJSON *row, *b;
    cJSON_ArrayForEach(row, kb->rows) cJSON_ArrayForEach(b, row) {
        const char *data = cJSON_GetStringValue(cJSON_GetObjectItem(b, "data"));
        if (!data || !*data || strlen(data) > caps->button_data_limit) return MB_ERR_LIMIT;
    }
    return MB_OK;
}

static mb_status enqueue_json(db *d, const char *platform, int64_t chat_id, int64_t account_id,
                              const char *kind, cJSON *body)
{
    char *json = cJSON_PrintUnformatted(body);
    if (!json) return MB_ERR_NOMEM;
    mb_status rc = outbox_enqueue(d, platform, chat_id, account_id, kind, json, NULL);
    free(json);
    return rc;
}

mb_status reply_to_chat(db *d, const char *platform, int64_t chat_id, int64_t account_id,
                        const char *text, keyboard *kb)
{
    const platform_info *caps = platform_caps_for(platform);
    mb_status rc = check_keyboard(caps, kb);
    if (rc) {
        log_error("reply", "a keyboard breaks the %s limits (data over %u bytes or over %u buttons)",
                  platform, caps->button_data_limit, caps->buttons_limit);
        return rc;
    }
    size_t *starts = NULL, *lens = NULL;
    size_t pieces = text_split(text, caps->text_units_limit, &starts, &lens);
    if (!pieces) return MB_ERR_NOMEM;
    for (size_t i = 0; i < pieces && !rc; i++) {
        /* The text and the keyboard go in by reference: they are only
         * printed, and stay the caller's. A text in one piece is not
         * copied at all. */
        int whole = starts[i] == 0 && text[lens[i]] == 0;
        char *piece = whole ? NULL : strndup(text + starts[i], lens[i]);
        cJSON *body = cJSON_CreateObject();
        cJSON *t = whole || piece ? cJSON_CreateStringReference(whole ? text : piece) : NULL;
        if (!body || !t || !cJSON_AddItemToObject(body, "text", t)) {
            cJSON_Delete(t);
            rc = MB_ERR_NOMEM;
        } else if (i == pieces - 1 && kb && kb->rows && !cJSON_AddItemReferenceToObject(body, "buttons", kb->rows)) {
            rc = MB_ERR_NOMEM;
        }
        if (!rc) rc = enqueue_json(d, platform, chat_id, account_id, "text", body);
        cJSON_Delete(body);
        free(piece);
    }
    free(starts);
    free(lens);
    return rc;
}

mb_status reply_text(hctx *h, const char *text, keyboard *kb)
{
    return reply_to_chat(h->d, h->ev->platform, h->ev->chat_id, h->has_account ? h->acct.id : 0, text, kb);
}

/* One message with a reply keyboard: too short to need splitting (the
 * callers' texts are catalog sentences). */
static mb_status enqueue_keyboard_text(hctx *h, const char *text, const char *share, const char *skip)
{
    if (text_utf16_len(text) > platform_caps_for(h->ev->platform)->text_units_limit) return MB_ERR_LIMIT;
    cJSON *body = cJSON_CreateObject();
    if (!body) return MB_ERR_NOMEM;
    cJSON_AddStringToObject(body, "text", text);
    if (share) {
        cJSON_AddStringToObject(body, "contact_button", share);
        cJSON_AddStringToObject(body, "skip_button", skip);
    } else {
        cJSON_AddBoolToObject(body, "remove_keyboard", 1);
    }
    mb_status rc = enqueue_json(h->d, h->ev->platform, h->ev->chat_id, h->has_account ? h->acct.id : 0, "text", body);
    cJSON_Delete(body);
    return rc;
}

mb_status reply_ask_contact(hctx *h, const char *text, const char *share_label, const char *skip_label)
{
    return enqueue_keyboard_text(h, text, share_label, skip_label);
}

mb_status reply_text_clear_keyboard(hctx *h, const char *text)
{
    return enqueue_keyboard_text(h, text, NULL, NULL);
}

mb_status reply_to_account(db *d, int64_t account_id, const char *text, keyboard *kb)
{
    identity id;
    mb_status rc = identity_for_account(d, account_id, NULL, &id);
    if (rc) return rc;
    return reply_to_chat(d, id.platform, id.chat_id, account_id, text, kb);
}

mb_status reply_file_to_account(db *d, int64_t account_id, const char *kind, const char *path, const char *filename,
                                const char *caption)
{
    if (strcmp(kind, "photo") && strcmp(kind, "document")) return MB_ERR_INVALID;
    identity id;
    mb_status rc = identity_for_account(d, account_id, NULL, &id);
    if (rc) return rc;
    const platform_info *caps = platform_caps_for(id.platform);
    if (caption && text_utf16_len(caption) > caps->caption_units_limit) {
        if ((rc = reply_to_chat(d, id.platform, id.chat_id, account_id, caption, NULL))) return rc;
        caption = NULL;
    }
    cJSON *body = cJSON_CreateObject();
    if (!body) return MB_ERR_NOMEM;
    cJSON_AddStringToObject(body, "path", path);
    cJSON_AddStringToObject(body, "filename", filename);
    if (caption && *caption) cJSON_AddStringToObject(body, "caption", caption);
    cJSON_AddBoolToObject(body, "temporary", 1);
    rc = enqueue_json(d, id.platform, id.chat_id, account_id, kind, body);
    cJSON_Delete(body);
    return rc;
}

mb_status reply_attachment_to_account(db *d, int64_t account_id, const char *platform, event_attachment_kind kind,
                                      const char *ref, const char *caption, keyboard *kb)
{
    if (kind != EVENT_ATTACHMENT_PHOTO && kind != EVENT_ATTACHMENT_DOCUMENT) return MB_ERR_INVALID;
    /* Their account on the platform the file is on, even when they prefer
     * the other one; unless it is unreachable and the other one is not. */
    identity id, any;
    mb_status rc = identity_for_account(d, account_id, platform, &id);
    if (rc && rc != MB_ERR_NOT_FOUND) return rc;
    mb_status rc_any = identity_for_account(d, account_id, NULL, &any);
    if (rc == MB_ERR_NOT_FOUND) return rc_any == MB_OK ? MB_ERR_DENIED : rc_any;
    if (id.unreachable_at && rc_any == MB_OK && !any.unreachable_at && strcmp(any.platform, platform) != 0)
        return MB_ERR_DENIED;
    const platform_info *caps = platform_caps_for(id.platform);
    if ((rc = check_keyboard(caps, kb))) return rc;
    if (caption && text_utf16_len(caption) > caps->caption_units_limit) {
        if ((rc = reply_to_chat(d, id.platform, id.chat_id, account_id, caption, NULL))) return rc;
        caption = NULL;
    }
    cJSON *body = cJSON_CreateObject();
    if (!body) return MB_ERR_NOMEM;
    cJSON_AddStringToObject(body, "ref", ref);
    if (caption && *caption) cJSON_AddStringToObject(body, "caption", caption);
    if (kb && kb->rows) cJSON_AddItemToObject(body, "buttons", cJSON_Duplicate(kb->rows, 1));
    rc = enqueue_json(d, id.platform, id.chat_id, account_id, kind == EVENT_ATTACHMENT_PHOTO ? "photo" : "document",
                      body);
    cJSON_Delete(body);
    return rc;
}

mb_status reply_edit(hctx *h, const char *message, const char *text, keyboard *kb)
{
    if (!message || !*message) return MB_ERR_INVALID;
    const platform_info *caps = platform_caps_for(h->ev->platform);
    if (check_keyboard(caps, kb) || text_utf16_len(text) > caps->text_units_limit) return MB_ERR_LIMIT;
    cJSON *body = cJSON_CreateObject();
    if (!body) return MB_ERR_NOMEM;
    cJSON_AddStringToObject(body, "message", message);
    cJSON_AddStringToObject(body, "text", text);
    if (kb && kb->rows) cJSON_AddItemToObject(body, "buttons", cJSON_Duplicate(kb->rows, 1));
    else cJSON_AddItemToObject(body, "buttons", cJSON_CreateArray());
    mb_status rc = enqueue_json(h->d, h->ev->platform, h->ev->chat_id, h->has_account ? h->acct.id : 0,
                                "edit", body);
    cJSON_Delete(body);
    return rc;
}

mb_status reply_document_to_chat(db *d, const char *platform, int64_t chat_id, int64_t account_id, const char *path,
                                 const char *filename, const char *caption)
{
    cJSON *body = cJSON_CreateObject();
    if (!body) return MB_ERR_NOMEM;
    cJSON_AddStringToObject(body, "path", path);
    cJSON_AddStringToObject(body, "filename", filename);
    if (caption) cJSON_AddStringToObject(body, "caption", caption);
    cJSON_AddBoolToObject(body, "temporary", 1);
    mb_status rc = enqueue_json(d, platform, chat_id, account_id, "document", body);
    cJSON_Delete(body);
    return rc;
}

mb_status reply_document(hctx *h, const char *path, const char *filename, const char *caption)
{
    return reply_document_to_chat(h->d, h->ev->platform, h->ev->chat_id, h->has_account ? h->acct.id : 0, path,
                                  filename, caption);
}

mb_status reply_answer_button(hctx *h, const char *text)
{
    if (!h->ev->button_id) return MB_OK;
    cJSON *body = cJSON_CreateObject();
    if (!body) return MB_ERR_NOMEM;
    cJSON_AddStringToObject(body, "button_id", h->ev->button_id);
    if (text) cJSON_AddStringToObject(body, "text", text);
    mb_status rc = enqueue_json(h->d, h->ev->platform, h->ev->chat_id, h->has_account ? h->acct.id : 0,
                                "answer", body);
    cJSON_Delete(body);
    return rc;
}

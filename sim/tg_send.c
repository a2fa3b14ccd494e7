/*
 * The Bot API methods that put something in a chat: sendMessage, the two
 * edits, answerCallbackQuery, sendDocument, sendPhoto, sendChatAction.
 * Checks run in the order Telegram appears to use: missing parameters,
 * then the chat, then content limits, then flood control. The bytes of an
 * uploaded document or photo are kept (files.h) under its file_id, for
 * GET /sim/tg/file.
 */
#include <stdio.h>
#include <string.h>

#include "sim/files.h"
#include "sim/params.h"
#include "sim/state.h"
#include "sim/tg_methods.h"
#include "sim/tg_world.h"
#include "util/clock.h"
#include "util/text.h"

#define TG_TEXT_MAX 4096           /* UTF-16 units of a message text */
#define TG_CAPTION_MAX 1024        /* UTF-16 units of a caption */
#define TG_CALLBACK_DATA_MAX 64    /* bytes of callback_data */
#define TG_CALLBACK_TEXT_MAX 200   /* characters of an answerCallbackQuery notice */
#define TG_KEYBOARD_BUTTONS_MAX 100
#define TG_PHOTO_SIDE 320          /* the one PhotoSize we report */

static const char *const NOT_MODIFIED =
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message";

/* Reads chat_id into out->chat_id; -1 (with the error set) when missing or
 * not a number (a "@channel" name is a chat we never know). */
static int chat_id_read(const cJSON *params, tg_outcome *out)
{
    sim_param_result r = sim_param_int64(params, "chat_id", &out->chat_id);
    if (r == SIM_PARAM_MISSING) tg_fail(out, 400, "Bad Request: chat_id is empty");
    if (r == SIM_PARAM_INVALID) tg_fail(out, 400, "Bad Request: chat not found");
    return r == SIM_PARAM_OK ? 0 : -1;
}

/* The chat of out->chat_id when the bot may write there. */
static tg_chat *chat_usable(tg_outcome *out)
{
    tg_chat *chat = tg_chat_find(out->chat_id);
    if (!chat) {
        tg_fail(out, 400, "Bad Request: chat not found");
        return NULL;
    }
    if (chat->blocked) {
        tg_fail(out, 403, "Forbidden: bot was blocked by the user");
        return NULL;
    }
    return chat;
}

static int button_has_action(const cJSON *b)
{
    static const char *actions[] = {"url", "login_url", "switch_inline_query",
                                    "switch_inline_query_current_chat", "callback_game", "pay",
                                    "web_app", "switch_inline_query_chosen_chat", "copy_text"};
    for (size_t i = 0; i < sizeof actions / sizeof *actions; i++)
        if (cJSON_GetObjectItemCaseSensitive(b, actions[i])) return 1;
    return 0;
}

static int keyboard_check(const cJSON *keyboard, tg_outcome *out)
{
    const cJSON *row, *b;
    int buttons = 0;
    if (!cJSON_IsArray(keyboard)) {
        tg_fail(out, 400, "Bad Request: can't parse inline keyboard markup: field \"inline_keyboard\" must be an Array");
        return -1;
    }
    cJSON_ArrayForEach(row, keyboard) {
        if (!cJSON_IsArray(row)) {
            tg_fail(out, 400, "Bad Request: can't parse inline keyboard markup: row must be an Array");
            return -1;
        }
        cJSON_ArrayForEach(b, row) {
            const cJSON *text = cJSON_GetObjectItemCaseSensitive(b, "text");
            const cJSON *data = cJSON_GetObjectItemCaseSensitive(b, "callback_data");
            if (++buttons > TG_KEYBOARD_BUTTONS_MAX) {
                tg_fail(out, 400, "Bad Request: reply markup is too long");
                return -1;
            }
            if (!cJSON_IsString(text)) {
                tg_fail(out, 400, "Bad Request: can't parse inline keyboard button: Field \"text\" must be of type String");
                return -1;
            }
            if (data) {
                size_t n = cJSON_IsString(data) ? strlen(data->valuestring) : 0;
                if (n < 1 || n > TG_CALLBACK_DATA_MAX) {
                    tg_fail(out, 400, "Bad Request: BUTTON_DATA_INVALID");
                    return -1;
                }
            } else if (!button_has_action(b)) {
                tg_fail(out, 400, "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
                return -1;
            }
        }
    }
    return 0;
}

/* Reads reply_markup. *markup gets what the Message will carry: the markup
 * when it is an inline keyboard, NULL otherwise (Telegram does not echo
 * reply keyboards). -1 with the error set when it is malformed. */
static int markup_read(const cJSON *params, cJSON **markup, tg_outcome *out)
{
    int invalid;
    cJSON *m = sim_param_json(params, "reply_markup", &invalid);
    *markup = NULL;
    if (invalid || (m && !cJSON_IsObject(m))) {
        cJSON_Delete(m);
        tg_fail(out, 400, "Bad Request: can't parse reply keyboard markup JSON object");
        return -1;
    }
    const cJSON *keyboard = cJSON_GetObjectItemCaseSensitive(m, "inline_keyboard");
    if (!keyboard) {
        cJSON_Delete(m);
        return 0;
    }
    if (keyboard_check(keyboard, out)) {
        cJSON_Delete(m);
        return -1;
    }
    *markup = m;
    return 0;
}

static void set_item(cJSON *obj, const char *name, cJSON *value)
{
    if (!value) {
        cJSON_DeleteItemFromObjectCaseSensitive(obj, name);
        return;
    }
    if (cJSON_GetObjectItemCaseSensitive(obj, name)) cJSON_ReplaceItemInObjectCaseSensitive(obj, name, value);
    else cJSON_AddItemToObject(obj, name, value);
}

/* Stores message as sent in chat and hands a copy out as the result. */
static void deliver(tg_chat *chat, cJSON *message, tg_outcome *out)
{
    out->result = cJSON_Duplicate(message, 1);
    if (tg_message_store(chat->id, message) || !out->result) {
        tg_fail(out, 500, "Internal Server Error");
        return;
    }
    sim_limits_note(chat->id);
}

void tg_send_message(const cJSON *params, tg_outcome *out)
{
    cJSON *markup = NULL;
    const char *text = sim_param_string(params, "text");
    tg_chat *chat;
    if (chat_id_read(params, out)) goto out;
    if (sim_text_blank(text)) {
        tg_fail(out, 400, "Bad Request: message text is empty");
        goto out;
    }
    if (!(chat = chat_usable(out))) goto out;
    if (text_utf16_len(text) > TG_TEXT_MAX) {
        tg_fail(out, 400, "Bad Request: message is too long");
        goto out;
    }
    if (markup_read(params, &markup, out) || tg_rate_gate(chat->id, out)) goto out;
    cJSON *message = tg_message_new(chat);
    if (!message) {
        tg_fail(out, 500, "Internal Server Error");
        goto out;
    }
    cJSON_AddStringToObject(message, "text", text);
    set_item(message, "reply_markup", markup);
    markup = NULL;
    deliver(chat, message, out);
out:
    cJSON_Delete(markup);
}

/* Finds the bot message an edit names; NULL with the error set. */
static cJSON *edit_target(const cJSON *params, tg_outcome *out)
{
    long long message_id;
    if (chat_id_read(params, out)) return NULL;
    if (sim_param_int64(params, "message_id", &message_id) != SIM_PARAM_OK) {
        tg_fail(out, 400, "Bad Request: message identifier is not specified");
        return NULL;
    }
    tg_chat *chat = chat_usable(out);
    if (!chat) return NULL;
    cJSON *message = tg_message_find(out->chat_id, message_id);
    /* Ids below the chat's counter that are not the bot's belong to the
     * user's messages, which a bot cannot edit. */
    if (!message && message_id > 0 && message_id < chat->next_message_id)
        tg_fail(out, 400, "Bad Request: message can't be edited");
    else if (!message)
        tg_fail(out, 400, "Bad Request: message to edit not found");
    return message;
}

/* 1 when message already carries markup (both absent counts as the same). */
static int same_markup(const cJSON *message, const cJSON *markup)
{
    const cJSON *old_markup = cJSON_GetObjectItemCaseSensitive(message, "reply_markup");
    return (!old_markup && !markup) || cJSON_Compare(old_markup, markup, 1);
}

/* Applies an edit; an absent markup removes the keyboard, as in Telegram. */
static void edit_apply(cJSON *message, const char *text, cJSON *markup, tg_outcome *out)
{
    if (tg_rate_gate(out->chat_id, out)) {
        cJSON_Delete(markup);
        return;
    }
    if (text) set_item(message, "text", cJSON_CreateString(text));
    set_item(message, "reply_markup", markup);
    set_item(message, "edit_date", cJSON_CreateNumber((double)(clock_now_ms() / 1000)));
    out->result = cJSON_Duplicate(message, 1);
    sim_limits_note(out->chat_id);
}

void tg_edit_message_text(const cJSON *params, tg_outcome *out)
{
    cJSON *markup = NULL;
    const char *text = sim_param_string(params, "text");
    cJSON *message = edit_target(params, out);
    if (!message) goto out;
    if (sim_text_blank(text)) {
        tg_fail(out, 400, "Bad Request: message text is empty");
        goto out;
    }
    if (text_utf16_len(text) > TG_TEXT_MAX) {
        tg_fail(out, 400, "Bad Request: message is too long");
        goto out;
    }
    const cJSON *old_text = cJSON_GetObjectItemCaseSensitive(message, "text");
    if (!cJSON_IsString(old_text)) {
        tg_fail(out, 400, "Bad Request: there is no text in the message to edit");
        goto out;
    }
    if (markup_read(params, &markup, out)) goto out;
    if (strcmp(old_text->valuestring, text) == 0 && same_markup(message, markup)) {
        tg_fail(out, 400, NOT_MODIFIED);
        goto out;
    }
    edit_apply(message, text, markup, out);
    markup = NULL;
out:
    cJSON_Delete(markup);
}

void tg_edit_message_reply_markup(const cJSON *params, tg_outcome *out)
{
    cJSON *markup = NULL;
    cJSON *message = edit_target(params, out);
    if (!message || markup_read(params, &markup, out)) goto out;
    if (same_markup(message, markup)) {
        tg_fail(out, 400, NOT_MODIFIED);
        goto out;
    }
    edit_apply(message, NULL, markup, out);
    markup = NULL;
out:
    cJSON_Delete(markup);
}

void tg_answer_callback_query(const cJSON *params, tg_outcome *out)
{
    char id[TG_CALLBACK_ID_MAX];
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, "callback_query_id");
    const char *text = sim_param_string(params, "text");
    if (cJSON_IsNumber(v)) snprintf(id, sizeof id, "%.0f", v->valuedouble);
    else snprintf(id, sizeof id, "%s", cJSON_IsString(v) ? v->valuestring : "");
    out->chat_id = tg_callback_chat(id);
    if (text && text_codepoints(text) > TG_CALLBACK_TEXT_MAX) {
        tg_fail(out, 400, "Bad Request: MESSAGE_TOO_LONG");
        return;
    }
    if (tg_callback_answer(id, NULL))
        tg_fail(out, 400, "Bad Request: query is too old and response timeout expired or query ID is invalid");
}

/* Describes the file a send names: an uploaded part (maybe through
 * "attach://name"), a URL or an existing file_id. *part gets the name of
 * the uploaded part, NULL for the others. NULL when there is none. */
static cJSON *file_describe(const cJSON *params, const char *field, const char **part)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, field);
    char id[48], key[SIM_FILE_KEY_MAX];
    size_t kept_len = 0;
    *part = field;
    if (cJSON_IsString(v) && strncmp(v->valuestring, "attach://", 9) == 0) {
        *part = v->valuestring + 9;
        v = cJSON_GetObjectItemCaseSensitive(params, *part);
    }
    if (!cJSON_IsObject(v)) *part = NULL;
    if (!v || (cJSON_IsString(v) && !v->valuestring[0])) return NULL;
    cJSON *file = cJSON_CreateObject();
    if (!file) return NULL;
    snprintf(id, sizeof id, "SIM%s%lld", strcmp(field, "photo") == 0 ? "PHOTO" : "DOC", tg.next_file);
    if (cJSON_IsObject(v)) {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(v, "file_name");
        const cJSON *mime = cJSON_GetObjectItemCaseSensitive(v, "mime_type");
        const cJSON *size = cJSON_GetObjectItemCaseSensitive(v, "file_size");
        cJSON_AddStringToObject(file, "file_name", cJSON_IsString(name) ? name->valuestring : "file");
        cJSON_AddStringToObject(file, "mime_type", cJSON_IsString(mime) ? mime->valuestring : "application/octet-stream");
        cJSON_AddStringToObject(file, "file_id", id);
        cJSON_AddNumberToObject(file, "file_size", cJSON_IsNumber(size) ? size->valuedouble : 0);
    } else if (cJSON_IsString(v) && (strncmp(v->valuestring, "http://", 7) == 0 ||
                                     strncmp(v->valuestring, "https://", 8) == 0)) {
        const char *slash = strrchr(v->valuestring, '/');
        cJSON_AddStringToObject(file, "file_name", slash && slash[1] ? slash + 1 : "file");
        cJSON_AddStringToObject(file, "mime_type", "application/octet-stream");
        cJSON_AddStringToObject(file, "file_id", id);
        cJSON_AddNumberToObject(file, "file_size", 0);
    } else if (cJSON_IsString(v)) {
        /* A file_id of a file kept here tells its size. */
        snprintf(key, sizeof key, TG_FILE_KEY_FMT, v->valuestring);
        if (!sim_file_get(key, &kept_len)) kept_len = 0;
        cJSON_AddStringToObject(file, "file_name", "file");
        cJSON_AddStringToObject(file, "mime_type", "application/octet-stream");
        cJSON_AddStringToObject(file, "file_id", v->valuestring);
        cJSON_AddNumberToObject(file, "file_size", (double)kept_len);
    } else {
        cJSON_Delete(file);
        return NULL;
    }
    snprintf(id, sizeof id, "SIMU%lld", tg.next_file++);
    cJSON_AddStringToObject(file, "file_unique_id", id);
    return file;
}

/* Keeps the bytes of the uploaded part under the file_id the send gave
 * them. A file over SIM_FILE_MAX is not kept; the send still works, as
 * Telegram takes files up to 50 MB. */
static void file_keep(const cJSON *file, const char *part_name, const tg_outcome *out)
{
    const sim_file_part *part = sim_file_part_find(out->files, part_name);
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(file, "file_id");
    char key[SIM_FILE_KEY_MAX];
    if (!part || !cJSON_IsString(id)) return;
    snprintf(key, sizeof key, TG_FILE_KEY_FMT, id->valuestring);
    sim_file_keep(key, part->data, part->len);
}

static void send_file(const cJSON *params, const char *field, tg_outcome *out)
{
    cJSON *markup = NULL, *file = NULL;
    const char *caption = sim_param_string(params, "caption"), *part = NULL;
    char missing[64];
    tg_chat *chat;
    if (chat_id_read(params, out)) goto out;
    if (!(file = file_describe(params, field, &part))) {
        snprintf(missing, sizeof missing, "Bad Request: there is no %s in the request", field);
        tg_fail(out, 400, missing);
        goto out;
    }
    if (!(chat = chat_usable(out))) goto out;
    if (caption && text_utf16_len(caption) > TG_CAPTION_MAX) {
        tg_fail(out, 400, "Bad Request: message caption is too long");
        goto out;
    }
    if (markup_read(params, &markup, out) || tg_rate_gate(chat->id, out)) goto out;
    cJSON *message = tg_message_new(chat);
    if (!message) {
        tg_fail(out, 500, "Internal Server Error");
        goto out;
    }
    file_keep(file, part, out);
    if (strcmp(field, "photo") == 0) {
        /* One size only: the simulator does not decode images. */
        cJSON_DeleteItemFromObjectCaseSensitive(file, "file_name");
        cJSON_DeleteItemFromObjectCaseSensitive(file, "mime_type");
        cJSON_AddNumberToObject(file, "width", TG_PHOTO_SIDE);
        cJSON_AddNumberToObject(file, "height", TG_PHOTO_SIDE);
        cJSON *sizes = cJSON_AddArrayToObject(message, "photo");
        cJSON_AddItemToArray(sizes, file);
    } else {
        cJSON_AddItemToObject(message, field, file);
    }
    file = NULL;
    if (caption && *caption) cJSON_AddStringToObject(message, "caption", caption);
    set_item(message, "reply_markup", markup);
    markup = NULL;
    deliver(chat, message, out);
out:
    cJSON_Delete(file);
    cJSON_Delete(markup);
}

void tg_send_document(const cJSON *params, tg_outcome *out) { send_file(params, "document", out); }
void tg_send_photo(const cJSON *params, tg_outcome *out) { send_file(params, "photo", out); }

void tg_send_chat_action(const cJSON *params, tg_outcome *out)
{
    if (chat_id_read(params, out)) return;
    chat_usable(out);
}

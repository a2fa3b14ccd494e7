/*
 * Outgoing VK calls: an outbox row becomes messages.send (random_id = the
 * row id, so VK itself drops a repeat), messages.edit or
 * messages.sendMessageEventAnswer, and the answer becomes a send_result.
 *
 * A file takes four calls, each rendered from the answer to the one before:
 *   0 docs.getMessagesUploadServer -> upload_url
 *   1 multipart POST of the file (part "file") to upload_url -> {"file": "..."}
 *   2 docs.save -> the document's owner_id and id
 *   3 messages.send with attachment=doc<owner>_<id> and the row's random_id
 * A picture (kind "photo") goes as a VK photo, by the same four steps:
 *   0 photos.getMessagesUploadServer -> upload_url
 *   1 multipart POST (part "photo") -> {"server": N, "photo": "...", "hash": "..."}
 *   2 photos.saveMessagesPhoto -> [{"id", "owner_id", "access_key", ...}]
 *   3 messages.send with attachment=photo<owner>_<id>_<access_key>
 * unless VK would not take it as a photo (not a JPEG, PNG or GIF, over
 * 50 MB, width + height over 14000 pixels, one side over 20 times the
 * other), or it was tried as a photo VK_PHOTO_ATTEMPTS times already: then
 * it goes as a document, and the log says why. The chain is chosen anew at
 * each attempt from the row alone, so a restart between steps changes
 * nothing.
 * Any failure starts again from step 0; only the last call shows anything
 * to the user, and its random_id keeps that to once, whichever chain
 * carried the file. A photo or document a user sent
 * ({"ref": "photo<owner>_<id>_<key>"}) is step 3 alone.
 */
#include "bot/vk/vk.h"
#include "bot/vk/vk_parse.h"
#include "util/json.h"
#include "util/log.h"
#include "bot/http.h"
#include "util/strbuf.h"
#include "util/image.h"
#include "util/text.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VK_INLINE_BUTTONS_MAX 10
#define VK_INLINE_ROWS_MAX 6
#define VK_ROW_BUTTONS_MAX 5     /* per row, inline or regular */
#define VK_LABEL_MAX 40
#define VK_DOC_MAX_BYTES (200LL * 1024 * 1024)   /* VK takes documents up to 200 MB */
#define VK_FILE_STEPS 4
#define VK_PHOTO_MAX_BYTES (50LL * 1024 * 1024)  /* VK takes photos up to 50 MB */
#define VK_PHOTO_SIDES_MAX 14000  /* pixels: width + height of a photo */
#define VK_PHOTO_RATIO_MAX 20     /* the longer side at most this many times the shorter */
#define VK_PHOTO_ATTEMPTS 3       /* attempts a picture makes as a photo; later ones send a document */
#define VK_PHOTO_FIELD_MAX 4096   /* bytes of the upload server's "photo" string we pass on */
#define VK_SNACKBAR_CHARS_MAX 90 /* VK refuses a show_snackbar text longer than this */

/* call->variant of a file's calls */
enum { VK_CHAIN_DOC = 0, VK_CHAIN_PHOTO = 1 };

static void add_int(strbuf *sb, const char *name, long long value)
{
    sb_printf(sb, "%s%s=%lld", sb->len ? "&" : "", name, value);
}

/* The event_data of a button answer that carries a notice: VK shows it as a
 * snackbar. A longer text is cut at a character boundary. NULL without text. */
static char *snackbar_json(const char *text)
{
    if (!text || !*text) return NULL;
    char cut[VK_SNACKBAR_CHARS_MAX * 4 + 1];
    size_t n = 0;
    int chars = 0;
    for (const char *p = text; *p && n < sizeof cut - 1; p++) {
        if (((unsigned char)*p & 0xC0) != 0x80 && ++chars > VK_SNACKBAR_CHARS_MAX) break;
        cut[n++] = *p;
    }
    cut[n] = 0;
    cJSON *data = cJSON_CreateObject();
    char *json = NULL;
    if (data && cJSON_AddStringToObject(data, "type", "show_snackbar") && cJSON_AddStringToObject(data, "text", cut))
        json = cJSON_PrintUnformatted(data);
    cJSON_Delete(data);
    return json;
}

static cJSON *vk_button(const cJSON *b)
{
    const char *label = json_str(b, "text"), *data = json_str(b, "data");
    char *cut = text_clean_line(label ? label : "?", VK_LABEL_MAX);
    cJSON *payload = cJSON_CreateObject();
    cJSON_AddStringToObject(payload, "b", data ? data : "");
    char *payload_text = cJSON_PrintUnformatted(payload);
    cJSON *btn = cJSON_CreateObject(), *action = cJSON_AddObjectToObject(btn, "action");
    cJSON_AddStringToObject(action, "type", "callback");
    cJSON_AddStringToObject(action, "label", cut ? cut : "?");
    cJSON_AddStringToObject(action, "payload", payload_text ? payload_text : "{}");
    free(cut);
    free(payload_text);
    cJSON_Delete(payload);
    return btn;
}

/*
 * Our rows of {"text","data"} -> a VK keyboard of callback buttons. VK takes
 * at most 5 buttons in a row, so longer rows wrap; the keyboard is inline
 * when it fits (10 buttons in 6 rows) and a regular one otherwise (the
 * reply layer keeps it within 40 buttons).
 */
static char *keyboard_json(const cJSON *buttons)
{
    cJSON *rows = cJSON_CreateArray();
    const cJSON *row, *b;
    int count = 0;
    cJSON_ArrayForEach(row, buttons) {
        cJSON *out = NULL;
        cJSON_ArrayForEach(b, row) {
            if (!out || cJSON_GetArraySize(out) == VK_ROW_BUTTONS_MAX) {
                out = cJSON_CreateArray();
                cJSON_AddItemToArray(rows, out);
            }
            cJSON_AddItemToArray(out, vk_button(b));
            count++;
        }
    }
    int fits_inline = count <= VK_INLINE_BUTTONS_MAX && cJSON_GetArraySize(rows) <= VK_INLINE_ROWS_MAX;
    cJSON *kb = cJSON_CreateObject();
    cJSON_AddBoolToObject(kb, "inline", fits_inline);
    if (!fits_inline) cJSON_AddBoolToObject(kb, "one_time", 0);
    cJSON_AddItemToObject(kb, "buttons", rows);
    char *s = cJSON_PrintUnformatted(kb);
    cJSON_Delete(kb);
    return s;
}

/* Forgets the previous call's body and target, keeping its step and chain. */
static void call_reset(api_call *call)
{
    int step = call->step, variant = call->variant;
    api_call_clear(call);
    memset(call, 0, sizeof *call);
    call->step = step;
    call->variant = variant;
}

/* Puts a finished form body (plus the token) into call for method. */
static mb_status call_form(vk_client *v, api_call *call, const char *method, strbuf *sb)
{
    sb_printf(sb, "&%s", vk_auth_params(v));
    if (sb->failed) return MB_ERR_NOMEM;
    vk_method_url(v, method, call->url, sizeof call->url);
    call->json = sb_take(sb);
    call->form_encoded = 1;
    call->idempotent = 1;
    return call->json ? MB_OK : MB_ERR_NOMEM;
}

static const char *file_title(const cJSON *body)
{
    const char *name = json_str(body, "filename");
    return name && *name ? name : "report";
}

/* Step 3 of a file, and a plain text: messages.send to the row's chat. */
static mb_status render_send(vk_client *v, const outbox_row *row, const cJSON *body, const char *attachment,
                             api_call *call)
{
    strbuf sb;
    sb_init(&sb, 0);
    /* peer_ids (not peer_id) makes VK answer with conversation_message_id,
     * the number messages.edit takes. */
    add_int(&sb, "peer_ids", row->chat_id);
    add_int(&sb, "random_id", row->id);
    const char *text = json_str(body, attachment ? "caption" : "text");
    if (text && *text) http_form_param(&sb, "message", text);
    if (attachment) http_form_param(&sb, "attachment", attachment);
    const cJSON *buttons = cJSON_GetObjectItemCaseSensitive(body, "buttons");
    if (cJSON_IsArray(buttons) && cJSON_GetArraySize(buttons) > 0) {
        char *kb = keyboard_json(buttons);
        if (kb) http_form_param(&sb, "keyboard", kb);
        free(kb);
    }
    mb_status rc = call_form(v, call, "messages.send", &sb);
    sb_free(&sb);
    return rc;
}

static int is_file_row(const outbox_row *row)
{
    return strcmp(row->kind, "document") == 0 || strcmp(row->kind, "photo") == 0;
}

/* 1 when VK takes the file at path as a photo; otherwise 0 and why not. */
static int photo_fits(const char *path, char *why, size_t why_size)
{
    image_info img;
    if (!transport_file_sendable(path, VK_PHOTO_MAX_BYTES, why, why_size)) return 0;
    if (image_probe_file(path, &img) == IMAGE_NONE) {
        snprintf(why, why_size, "not a JPEG, PNG or GIF picture");
        return 0;
    }
    long longer = img.width > img.height ? img.width : img.height;
    long shorter = img.width > img.height ? img.height : img.width;
    if (shorter <= 0) {
        snprintf(why, why_size, "a %s of %ld x %ld pixels", image_format_name(img.format), img.width, img.height);
        return 0;
    }
    if (img.width + img.height > VK_PHOTO_SIDES_MAX) {
        snprintf(why, why_size, "%ld x %ld pixels: VK takes photos up to %d pixels of width and height together",
                 img.width, img.height, VK_PHOTO_SIDES_MAX);
        return 0;
    }
    if (longer > VK_PHOTO_RATIO_MAX * shorter) {
        snprintf(why, why_size, "%ld x %ld pixels: one side is over %d times the other", img.width, img.height,
                 VK_PHOTO_RATIO_MAX);
        return 0;
    }
    return 1;
}

/* Whether a row's file goes as a VK photo this attempt; a picture that
 * does not is logged with the reason. */
static int goes_as_photo(const outbox_row *row, const char *path)
{
    char why[256];
    if (strcmp(row->kind, "photo") != 0) return 0;
    if (row->attempts >= VK_PHOTO_ATTEMPTS) {
        log_warn("vk", "message %lld: the picture goes as a document after %d attempts as a photo",
                 (long long)row->id, row->attempts);
        return 0;
    }
    if (!photo_fits(path, why, sizeof why)) {
        log_warn("vk", "message %lld: the picture goes as a document: VK would not take it as a photo: %s",
                 (long long)row->id, why);
        return 0;
    }
    return 1;
}

mb_status vk_render(transport *t, const outbox_row *row, api_call *call)
{
    vk_client *v = t->impl;
    memset(call, 0, sizeof *call);
    cJSON *body = cJSON_Parse(row->body);
    if (!cJSON_IsObject(body)) {
        cJSON_Delete(body);
        return MB_ERR_INVALID;
    }
    strbuf sb;
    sb_init(&sb, 0);
    mb_status rc = MB_OK;
    if (strcmp(row->kind, "text") == 0) {
        const char *text = json_str(body, "text");
        rc = text && *text ? render_send(v, row, body, NULL, call) : MB_ERR_INVALID;
    } else if (strcmp(row->kind, "edit") == 0) {
        const char *text = json_str(body, "text");
        int64_t id = transport_edit_number(body);
        if (!text || !*text || !id) { rc = MB_ERR_INVALID; goto out; }
        add_int(&sb, "peer_id", row->chat_id);
        add_int(&sb, "conversation_message_id", id);
        http_form_param(&sb, "message", text);
        const cJSON *buttons = cJSON_GetObjectItemCaseSensitive(body, "buttons");
        if (cJSON_IsArray(buttons) && cJSON_GetArraySize(buttons) > 0) {
            char *kb = keyboard_json(buttons);
            if (kb) http_form_param(&sb, "keyboard", kb);
            free(kb);
        }
        rc = call_form(v, call, "messages.edit", &sb);
    } else if (strcmp(row->kind, "answer") == 0) {
        const char *id = json_str(body, "button_id");
        if (!id) { rc = MB_ERR_INVALID; goto out; }
        http_form_param(&sb, "event_id", id);
        add_int(&sb, "user_id", row->chat_id);
        add_int(&sb, "peer_id", row->chat_id);
        char *snackbar = snackbar_json(json_str(body, "text"));
        if (snackbar) http_form_param(&sb, "event_data", snackbar);
        free(snackbar);
        rc = call_form(v, call, "messages.sendMessageEventAnswer", &sb);
    } else if (is_file_row(row) && json_str(body, "ref")) {
        /* Media VK already holds (a user sent it) is attached by its
         * reference: the last step of a file, with nothing to upload. */
        rc = render_send(v, row, body, json_str(body, "ref"), call);
        call->step = VK_FILE_STEPS - 1;
    } else if (is_file_row(row)) {
        char why[256];
        const char *path = json_str(body, "path");
        if (!transport_file_sendable(path, VK_DOC_MAX_BYTES, why, sizeof why)) {
            log_warn("vk", "message %lld: the file cannot be sent: %s", (long long)row->id, why);
            rc = MB_ERR_INVALID;
            goto out;
        }
        add_int(&sb, "peer_id", row->chat_id);
        if (goes_as_photo(row, path)) {
            rc = call_form(v, call, "photos.getMessagesUploadServer", &sb);
            call->variant = VK_CHAIN_PHOTO;
        } else {
            http_form_param(&sb, "type", "doc");
            rc = call_form(v, call, "docs.getMessagesUploadServer", &sb);
        }
    } else {
        rc = MB_ERR_INVALID;
    }
out:
    sb_free(&sb);
    cJSON_Delete(body);
    return rc;
}

/* What an error code means for the row, VK's codes as documented. */
static void outcome_for_code(int code, send_result *out)
{
    out->error_code = code;
    switch (code) {
    case 1: case 6: case 9: case 10:   /* unknown, too many per second, flood control, internal */
        out->outcome = SEND_RETRY;
        break;
    case 14:   /* captcha: a bot cannot solve it; park the call and say so */
        out->outcome = SEND_RETRY;
        out->retry_after_ms = VK_CAPTCHA_PARK_MS;
        break;
    case 5:
        out->outcome = SEND_FATAL;
        break;
    case 901: case 902:   /* no permission to write / privacy settings */
        out->outcome = SEND_BLOCKED;
        break;
    default:
        out->outcome = SEND_FAILED;
    }
}

/*
 * messages.send's answer: with peer_ids an array of one item per peer,
 * {"peer_id","message_id","conversation_message_id"} or
 * {"peer_id","error":{"code","description"}}; a bare number from older
 * callers is the message id.
 */
static void read_send_answer(const cJSON *response, send_result *out)
{
    out->outcome = SEND_OK;
    if (cJSON_IsNumber(response)) {
        out->message_id = (int64_t)response->valuedouble;
        return;
    }
    const cJSON *item = cJSON_IsArray(response) ? cJSON_GetArrayItem(response, 0) : NULL;
    const cJSON *err = cJSON_GetObjectItemCaseSensitive(item, "error");
    if (cJSON_IsObject(err)) {
        int ok = 0;
        int code = (int)json_int(err, "code", &ok);
        const char *d = json_str(err, "description");
        snprintf(out->description, sizeof out->description, "%s", d ? d : "refused");
        outcome_for_code(ok ? code : 0, out);
        return;
    }
    out->message_id = json_int(item, "conversation_message_id", NULL);
}

/* The attachment a photos.saveMessagesPhoto answer names,
 * photo<owner>_<id>_<access_key> (without a key: photo<owner>_<id>);
 * 0 when the answer names none. */
static int saved_photo(const cJSON *response, char *attachment, size_t size)
{
    /* [{"id","owner_id","access_key","sizes",...}] */
    const cJSON *photo = cJSON_IsArray(response) ? cJSON_GetArrayItem(response, 0) : NULL;
    int has_id = 0, has_owner = 0;
    int64_t id = json_int(photo, "id", &has_id), owner = json_int(photo, "owner_id", &has_owner);
    const char *key = json_str(photo, "access_key");
    if (!has_id || !has_owner) return 0;
    for (const char *k = key; k && *k; k++)
        if (!((*k >= '0' && *k <= '9') || (*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z'))) return 0;
    int n = key && *key ? snprintf(attachment, size, "photo%lld_%lld_%s", (long long)owner, (long long)id, key)
                        : snprintf(attachment, size, "photo%lld_%lld", (long long)owner, (long long)id);
    return n > 0 && (size_t)n < size;
}

/* The photo upload server's answer {"server": N, "photo": "...", "hash":
 * "..."} as the form of photos.saveMessagesPhoto, in sb. An empty photo
 * ("" or "[]", VK's way of saying it kept nothing) is a refusal: 0. */
static int photo_save_form(const cJSON *answer, strbuf *sb)
{
    const cJSON *server = cJSON_GetObjectItemCaseSensitive(answer, "server");
    const char *photo = json_str(answer, "photo"), *hash = json_str(answer, "hash");
    if (!photo || !*photo || strcmp(photo, "[]") == 0 || strlen(photo) > VK_PHOTO_FIELD_MAX || !hash || !*hash)
        return 0;
    if (cJSON_IsNumber(server)) add_int(sb, "server", (long long)server->valuedouble);
    else if (cJSON_IsString(server) && *server->valuestring) http_form_param(sb, "server", server->valuestring);
    else return 0;
    http_form_param(sb, "photo", photo);
    http_form_param(sb, "hash", hash);
    return 1;
}

/* Renders step call->step + 1 of a file from the answer to step
 * call->step: response is the API's response, or for step 1 the upload
 * server's whole answer. */
static int next_file_step(vk_client *v, const outbox_row *row, const cJSON *response, api_call *call, char *why,
                          size_t why_size)
{
    cJSON *body = cJSON_Parse(row->body);
    strbuf sb;
    sb_init(&sb, 0);
    int ok = 0;
    int step = call->step, photo = call->variant == VK_CHAIN_PHOTO;
    call_reset(call);
    call->step = step + 1;
    if (step == 0) {
        const char *url = json_str(response, "upload_url");
        if (!url || (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0) ||
            strlen(url) >= sizeof call->url) {
            snprintf(why, why_size, "%s gave no usable upload_url",
                     photo ? "photos.getMessagesUploadServer" : "docs.getMessagesUploadServer");
            goto out;
        }
        snprintf(call->url, sizeof call->url, "%s", url);
        snprintf(call->file_path, sizeof call->file_path, "%s", json_str(body, "path") ? json_str(body, "path") : "");
        snprintf(call->file_name, sizeof call->file_name, "%s", file_title(body));
        call->fields[0] = NULL;
        call->file.field = photo ? "photo" : "file";
        call->file.path = call->file_path;
        call->file.filename = call->file_name;
        call->idempotent = 1;
        ok = 1;
    } else if (step == 1 && photo) {
        if (!photo_save_form(response, &sb)) {
            snprintf(why, why_size, "it kept nothing (\"photo\": \"[]\", or no hash)");
            goto out;
        }
        ok = call_form(v, call, "photos.saveMessagesPhoto", &sb) == MB_OK;
    } else if (step == 1) {
        http_form_param(&sb, "file", json_str(response, "file"));
        http_form_param(&sb, "title", file_title(body));
        ok = call_form(v, call, "docs.save", &sb) == MB_OK;
    } else if (step == 2 && photo) {
        char attachment[128];
        if (!saved_photo(response, attachment, sizeof attachment)) {
            snprintf(why, why_size, "photos.saveMessagesPhoto gave no photo id");
            goto out;
        }
        ok = render_send(v, row, body, attachment, call) == MB_OK;
    } else if (step == 2) {
        /* {"type":"doc","doc":{"id","owner_id",...}} */
        const cJSON *doc = json_obj(response, "doc");
        int has_id = 0, has_owner = 0;
        int64_t id = json_int(doc, "id", &has_id), owner = json_int(doc, "owner_id", &has_owner);
        if (!has_id || !has_owner) {
            snprintf(why, why_size, "docs.save gave no document id");
            goto out;
        }
        char attachment[64];
        snprintf(attachment, sizeof attachment, "doc%lld_%lld", (long long)owner, (long long)id);
        ok = render_send(v, row, body, attachment, call) == MB_OK;
    }
    if (!ok && !why[0]) snprintf(why, why_size, "out of memory");
out:
    sb_free(&sb);
    cJSON_Delete(body);
    return ok;
}

void vk_classify(transport *t, const outbox_row *row, api_call *call, const http_response *resp,
                 send_result *out)
{
    vk_client *v = t->impl;
    memset(out, 0, sizeof *out);
    out->http_status = (int)resp->status;
    if (resp->curl_code != CURLE_OK) {
        snprintf(out->description, sizeof out->description, "%s", resp->error);
        out->outcome = SEND_RETRY;   /* random_id makes a resend safe */
        return;
    }
    int file = is_file_row(row);
    if (file && call->step == 1) {
        /* The upload server answers in its own shape: {"file":"..."} for a
         * document, {"server","photo","hash"} for a photo, or {"error":"..."}.
         * A refusal starts the file again, like any failed step. */
        cJSON *answer = json_parse_limited(resp->body, resp->body_len, VK_BODY_MAX, NULL);
        const char *uploaded = json_str(answer, "file");
        int photo = call->variant == VK_CHAIN_PHOTO;
        char why[128] = "";
        int answered = photo ? cJSON_IsObject(answer) && !json_str(answer, "error") : uploaded && *uploaded;
        if (resp->status == 200 && answered && next_file_step(v, row, answer, call, why, sizeof why)) {
            out->outcome = SEND_NEXT;
        } else {
            const char *err = json_str(answer, "error");
            snprintf(out->description, sizeof out->description, "the upload server refused the %s: %s",
                     photo ? "photo" : "file",
                     err ? err : resp->status != 200 ? "HTTP error" : why[0] ? why : "no answer it could read");
            out->outcome = SEND_RETRY;
        }
        cJSON_Delete(answer);
        return;
    }
    vk_reply r;
    if (vk_parse_reply(resp->body, resp->body_len, &r)) {
        snprintf(out->description, sizeof out->description, "%s", r.error_msg);
        out->outcome = SEND_RETRY;
        vk_reply_free(&r);
        return;
    }
    snprintf(out->description, sizeof out->description, "%s", r.error_msg);
    if (!r.ok) {
        outcome_for_code(r.error_code, out);
        /* A button answer repeated after an unknown outcome: the first one
         * got through, or the event has expired; nothing is left to show. */
        if (r.error_code == 100 && strcmp(row->kind, "answer") == 0 && row->attempts > 0)
            out->outcome = SEND_OK;
        if (r.error_code == 14)
            snprintf(out->description, sizeof out->description, "captcha needed (sid %s); call parked", r.captcha_sid);
        /* VK refusing the uploaded picture itself (121 invalid hash, 129
         * invalid photo): the next attempts send it again, in the end as a
         * document (VK_PHOTO_ATTEMPTS). */
        if (file && call->variant == VK_CHAIN_PHOTO && call->step < VK_FILE_STEPS - 1 &&
            (r.error_code == 121 || r.error_code == 129))
            out->outcome = SEND_RETRY;
    } else if (file && call->step < VK_FILE_STEPS - 1) {
        if (next_file_step(v, row, r.response, call, out->description, sizeof out->description)) {
            out->outcome = SEND_NEXT;
        } else {
            out->outcome = SEND_RETRY;
        }
    } else if (strcmp(row->kind, "text") == 0 || file) {
        read_send_answer(r.response, out);
    } else {
        out->outcome = SEND_OK;
    }
    vk_reply_free(&r);
}

#include "bot/max/max_send.h"
#include "bot/max/max_parse.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/text.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REQUEST_TIMEOUT_MS 30000

mb_status max_format_parse(const char *name, max_text_format *out)
{
    if (!name) return MB_ERR_INVALID;
    if (strcmp(name, "plain") == 0) *out = MAX_FORMAT_PLAIN;
    else if (strcmp(name, "markdown") == 0) *out = MAX_FORMAT_MARKDOWN;
    else if (strcmp(name, "html") == 0) *out = MAX_FORMAT_HTML;
    else return MB_ERR_INVALID;
    return MB_OK;
}

mb_status max_sender_init(max_sender *s, const char *api_base, const char *token, max_text_format format)
{
    memset(s, 0, sizeof *s);
    if (!api_base || !*api_base) api_base = MAX_API_BASE_DEFAULT;
    size_t n = strlen(api_base);
    while (n > 0 && api_base[n - 1] == '/') n--;
    if (!token || !*token || n == 0 || n >= sizeof s->api_base) return MB_ERR_INVALID;
    for (const char *p = token; *p; p++)
        if ((unsigned char)*p < 0x21 || *p == 0x7f) return MB_ERR_INVALID;   /* would end or split the header */
    if ((size_t)snprintf(s->auth_header, sizeof s->auth_header, "Authorization: %s", token) >= sizeof s->auth_header)
        return MB_ERR_INVALID;
    memcpy(s->api_base, api_base, n);
    s->api_base[n] = 0;
    s->format = format;
    s->transport.platform = "max";
    s->transport.rate_global_per_s = MAX_RATE_GLOBAL_PER_S;
    s->transport.rate_per_chat_per_s = 1.0;
    s->transport.request_timeout_ms = REQUEST_TIMEOUT_MS;
    s->transport.render = max_render;
    s->transport.classify = max_classify;
    s->transport.render_check = max_render_check;
    s->transport.classify_check = max_classify_check;
    s->transport.check_needs_floor = 1;
    s->transport.impl = s;
    return MB_OK;
}

char *max_escape_text(const char *text, max_text_format format)
{
    strbuf sb;
    sb_init(&sb, 0);
    for (const char *p = text ? text : ""; *p; p++) {
        if (format == MAX_FORMAT_HTML && *p == '&') sb_append(&sb, "&amp;", 5);
        else if (format == MAX_FORMAT_HTML && *p == '<') sb_append(&sb, "&lt;", 4);
        else if (format == MAX_FORMAT_HTML && *p == '>') sb_append(&sb, "&gt;", 4);
        else {
            if (format == MAX_FORMAT_MARKDOWN && strchr("\\`*_~+^[]()#>-!|", *p)) sb_append(&sb, "\\", 1);
            sb_append(&sb, p, 1);
        }
    }
    if (sb.failed) {
        sb_free(&sb);
        return NULL;
    }
    char *out = sb_take(&sb);
    return out ? out : strdup("");
}

static size_t chars_of(const char *s)
{
    size_t n = 0;
    for (; *s; s++) n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Forgets the previous call's body and target, keeping its step. */
static void call_reset(api_call *call)
{
    int step = call->step;
    api_call_clear(call);
    memset(call, 0, sizeof *call);
    call->step = step;
}

/* <api_base><path>?<name>=<value escaped>, as an API call with the token. */
static mb_status call_target(max_sender *s, api_call *call, const char *path, const char *name, const char *value)
{
    char *escaped = value ? curl_easy_escape(NULL, value, 0) : NULL;
    if (value && !escaped) return MB_ERR_NOMEM;
    int n = snprintf(call->url, sizeof call->url, "%s%s%s%s%s%s", s->api_base, path, name ? "?" : "",
                     name ? name : "", name ? "=" : "", escaped ? escaped : "");
    curl_free(escaped);
    call->auth_header = s->auth_header;
    return n < 0 || (size_t)n >= sizeof call->url ? MB_ERR_LIMIT : MB_OK;
}

/* POST /messages to the row's chat: the user in a dialog, the chat's own
 * (negative) id in a group. */
static mb_status messages_target(max_sender *s, const outbox_row *row, api_call *call)
{
    char id[32];
    snprintf(id, sizeof id, "%lld", (long long)row->chat_id);
    return call_target(s, call, "/messages", row->chat_id > 0 ? "user_id" : "chat_id", id);
}

static cJSON *button(const char *type, const char *label, const char *payload)
{
    char *cut = text_clean_line(label && *label ? label : "?", MAX_BUTTON_TEXT_CHARS_MAX);
    cJSON *b = cJSON_CreateObject();
    cJSON_AddStringToObject(b, "type", type);
    cJSON_AddStringToObject(b, "text", cut ? cut : "?");
    if (payload) cJSON_AddStringToObject(b, "payload", payload);
    free(cut);
    return b;
}

/*
 * Our keyboard as MAX's inline_keyboard attachment: {"buttons": [[{"text",
 * "data"}]]} become callback buttons whose payload is the data as it is;
 * {"contact_button", "skip_button"} become a request_contact button and a
 * message button that sends its label as the user's answer (Telegram's
 * one-time reply keyboard; MAX has no such keyboard for bots). NULL when the
 * row has no keyboard; *bad set when a button cannot be sent.
 */
static cJSON *keyboard_attachment(const cJSON *body, int *bad)
{
    const cJSON *buttons = cJSON_GetObjectItemCaseSensitive(body, "buttons"), *row, *b;
    const char *share = json_str(body, "contact_button"), *skip = json_str(body, "skip_button");
    int has_rows = cJSON_IsArray(buttons) && cJSON_GetArraySize(buttons) > 0;
    if (!has_rows && !share) return NULL;
    cJSON *att = cJSON_CreateObject();
    cJSON_AddStringToObject(att, "type", "inline_keyboard");
    cJSON *rows = cJSON_AddArrayToObject(cJSON_AddObjectToObject(att, "payload"), "buttons");
    if (has_rows) {
        cJSON_ArrayForEach(row, buttons) {
            cJSON *out = cJSON_CreateArray();
            cJSON_ArrayForEach(b, row) {
                const char *data = json_str(b, "data");
                if (!data || strlen(data) > MAX_CALLBACK_PAYLOAD_MAX) *bad = 1;
                cJSON_AddItemToArray(out, button("callback", json_str(b, "text"), data ? data : ""));
            }
            cJSON_AddItemToArray(rows, out);
        }
    } else {
        cJSON *first = cJSON_CreateArray();
        cJSON_AddItemToArray(first, button("request_contact", share, NULL));
        cJSON_AddItemToArray(rows, first);
        if (skip) {
            cJSON *second = cJSON_CreateArray();
            cJSON_AddItemToArray(second, button("message", skip, NULL));
            cJSON_AddItemToArray(rows, second);
        }
    }
    return att;
}

/* The text of a NewMessageBody, escaped for the configured format. A text
 * the escapes would push past MAX's limit goes plain instead, where no
 * escape is needed. */
static mb_status add_text(max_sender *s, cJSON *msg, const char *text)
{
    if (!text || !*text) return MB_OK;
    if (chars_of(text) > MAX_TEXT_CHARS_MAX) return MB_ERR_LIMIT;
    char *escaped = max_escape_text(text, s->format);
    if (!escaped) return MB_ERR_NOMEM;
    if (s->format != MAX_FORMAT_PLAIN && chars_of(escaped) <= MAX_TEXT_CHARS_MAX) {
        cJSON_AddStringToObject(msg, "text", escaped);
        cJSON_AddStringToObject(msg, "format", s->format == MAX_FORMAT_HTML ? "html" : "markdown");
    } else {
        cJSON_AddStringToObject(msg, "text", text);
    }
    free(escaped);
    return MB_OK;
}

/* One item of a "ref" list ("image:<token>" or "file:<token>") as an
 * attachment request; NULL when it is neither. */
static cJSON *ref_attachment(const char *item, size_t len)
{
    char one[MAX_TOKEN_MAX + 8];
    if (len >= sizeof one) return NULL;
    memcpy(one, item, len);
    one[len] = 0;
    char *colon = strchr(one, ':');
    if (!colon || !colon[1]) return NULL;
    *colon = 0;
    if (strcmp(one, "image") != 0 && strcmp(one, "file") != 0) return NULL;
    cJSON *att = cJSON_CreateObject();
    cJSON_AddStringToObject(att, "type", one);
    cJSON_AddStringToObject(cJSON_AddObjectToObject(att, "payload"), "token", colon + 1);
    return att;
}

/* What a row's file is uploaded and attached as: a picture (a chart) as
 * "image", so MAX shows it in the chat, anything else as "file". */
static const char *upload_type(const outbox_row *row)
{
    return strcmp(row->kind, "photo") == 0 ? "image" : "file";
}

/* The attachment of what the row uploaded: a file by its token; a picture
 * by the map of its versions its upload answered (kept as JSON), which is
 * what PhotoAttachmentRequestPayload.photos takes ("token" there names an
 * attachment already sent). NULL when the kept map does not parse. */
static cJSON *uploaded_attachment(const outbox_row *row, const char *kept)
{
    cJSON *att = cJSON_CreateObject(), *payload = cJSON_AddObjectToObject(att, "payload");
    cJSON_AddStringToObject(att, "type", upload_type(row));
    if (strcmp(upload_type(row), "image") != 0) {
        cJSON_AddStringToObject(payload, "token", kept);
        return att;
    }
    cJSON *photos = cJSON_Parse(kept);
    if (!cJSON_IsObject(photos)) {
        cJSON_Delete(photos);
        cJSON_Delete(att);
        return NULL;
    }
    cJSON_AddItemToObject(payload, "photos", photos);
    return att;
}

/*
 * Fills call with POST /messages to the row's chat: text (or, with media,
 * the caption), the media of ref (a "ref" list) or of one uploaded token,
 * and the keyboard.
 */
static mb_status render_send(max_sender *s, const outbox_row *row, const cJSON *body, const char *ref,
                             const char *file_token, api_call *call)
{
    cJSON *msg = cJSON_CreateObject(), *atts = cJSON_CreateArray();
    int bad = 0;
    mb_status rc = add_text(s, msg, json_str(body, ref || file_token ? "caption" : "text"));
    for (const char *p = ref; rc == MB_OK && p && *p;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        cJSON *att = ref_attachment(p, len);
        if (!att) rc = MB_ERR_INVALID;
        else cJSON_AddItemToArray(atts, att);
        p = end ? end + 1 : NULL;
    }
    if (file_token) {
        cJSON *att = uploaded_attachment(row, file_token);
        if (!att) rc = MB_ERR_INVALID;
        else cJSON_AddItemToArray(atts, att);
    }
    cJSON *kb = keyboard_attachment(body, &bad);
    if (kb) cJSON_AddItemToArray(atts, kb);
    if (bad) rc = MB_ERR_INVALID;
    if (rc == MB_OK && !cJSON_GetObjectItemCaseSensitive(msg, "text") && cJSON_GetArraySize(atts) == 0)
        rc = MB_ERR_INVALID;   /* nothing to show */
    if (cJSON_GetArraySize(atts) > 0) cJSON_AddItemToObject(msg, "attachments", atts);
    else cJSON_Delete(atts);
    if (rc == MB_OK) rc = messages_target(s, row, call);
    if (rc == MB_OK && !(call->json = cJSON_PrintUnformatted(msg))) rc = MB_ERR_NOMEM;
    cJSON_Delete(msg);
    return rc;
}

static int is_file_row(const outbox_row *row)
{
    return strcmp(row->kind, "document") == 0 || strcmp(row->kind, "photo") == 0;
}

/* ---- upload tokens kept between attempts of a row ---- */

static max_upload_kept *kept_find(max_sender *s, int64_t row_id)
{
    for (int i = 0; i < MAX_UPLOADS_KEPT; i++)
        if (s->uploads[i].row_id == row_id) return &s->uploads[i];
    return NULL;
}

static void kept_store(max_sender *s, int64_t row_id, const char *token)
{
    max_upload_kept *k = kept_find(s, row_id);
    if (!k) k = kept_find(s, 0);
    if (!k) {   /* all taken: the oldest goes; its row uploads again */
        k = &s->uploads[s->uploads_next];
        s->uploads_next = (s->uploads_next + 1) % MAX_UPLOADS_KEPT;
    }
    k->row_id = row_id;
    snprintf(k->token, sizeof k->token, "%s", token);
}

static void kept_forget(max_sender *s, int64_t row_id)
{
    max_upload_kept *k = kept_find(s, row_id);
    if (k) memset(k, 0, sizeof *k);
}

static mb_status render_edit(max_sender *s, const cJSON *body, api_call *call)
{
    char number[24];
    const char *text = json_str(body, "text"), *mid = transport_edit_target(body, number, sizeof number);
    if (!text || !*text) return MB_ERR_INVALID;
    if (!mid || mid == number) {
        /* MAX edits by the message's mid; a number names no MAX message. */
        log_warn("max", "an edit without the message's mid cannot be sent");
        return MB_ERR_INVALID;
    }
    cJSON *msg = cJSON_CreateObject();
    int bad = 0;
    mb_status rc = add_text(s, msg, text);
    cJSON *kb = keyboard_attachment(body, &bad);
    /* An empty list takes the old keyboard away; a missing one would keep it. */
    cJSON *atts = cJSON_AddArrayToObject(msg, "attachments");
    if (kb) cJSON_AddItemToArray(atts, kb);
    if (bad) rc = MB_ERR_INVALID;
    if (rc == MB_OK) rc = call_target(s, call, "/messages", "message_id", mid);
    if (rc == MB_OK && !(call->json = cJSON_PrintUnformatted(msg))) rc = MB_ERR_NOMEM;
    call->method = "PUT";
    call->idempotent = 1;
    cJSON_Delete(msg);
    return rc;
}

mb_status max_render(transport *t, const outbox_row *row, api_call *call)
{
    max_sender *s = t->impl;
    memset(call, 0, sizeof *call);
    cJSON *body = cJSON_Parse(row->body);
    mb_status rc = MB_OK;
    if (!cJSON_IsObject(body)) {
        rc = MB_ERR_INVALID;
    } else if (strcmp(row->kind, "text") == 0) {
        const char *text = json_str(body, "text");
        rc = text && *text ? render_send(s, row, body, NULL, NULL, call) : MB_ERR_INVALID;
    } else if (strcmp(row->kind, "edit") == 0) {
        rc = render_edit(s, body, call);
    } else if (strcmp(row->kind, "answer") == 0) {
        const char *id = json_str(body, "button_id"), *text = json_str(body, "text");
        cJSON *answer = cJSON_CreateObject();
        if (text && *text) cJSON_AddStringToObject(answer, "notification", text);
        rc = id && *id ? call_target(s, call, "/answers", "callback_id", id) : MB_ERR_INVALID;
        if (rc == MB_OK && !(call->json = cJSON_PrintUnformatted(answer))) rc = MB_ERR_NOMEM;
        call->idempotent = 1;
        cJSON_Delete(answer);
    } else if (is_file_row(row) && json_str(body, "ref")) {
        rc = render_send(s, row, body, json_str(body, "ref"), NULL, call);
        call->step = MAX_FILE_STEPS - 1;
    } else if (is_file_row(row) && kept_find(s, row->id)) {
        /* uploaded on an earlier attempt; MAX was still processing it */
        rc = render_send(s, row, body, NULL, kept_find(s, row->id)->token, call);
        call->step = MAX_FILE_STEPS - 1;
    } else if (is_file_row(row)) {
        char why[256];
        if (!transport_file_sendable(json_str(body, "path"), MAX_FILE_MAX_BYTES, why, sizeof why)) {
            log_warn("max", "message %lld: the file cannot be sent: %s", (long long)row->id, why);
            rc = MB_ERR_INVALID;
        } else {
            rc = call_target(s, call, "/uploads", "type", upload_type(row));
            if (rc == MB_OK && !(call->json = strdup(""))) rc = MB_ERR_NOMEM;
            call->idempotent = 1;   /* an upload address shows nothing to anyone */
        }
    } else {
        rc = MB_ERR_INVALID;
    }
    if (rc == MB_ERR_LIMIT) log_warn("max", "message %lld: over MAX's limits (text, URL)", (long long)row->id);
    if (rc) api_call_clear(call);
    cJSON_Delete(body);
    return rc == MB_ERR_LIMIT ? MB_ERR_INVALID : rc;
}

/* Step 1 of a file from step 0's {"url"}: the file as the multipart part
 * "data" to the upload host, which takes no token. */
static int render_upload(const outbox_row *row, const char *url, api_call *call, char *why, size_t why_size)
{
    cJSON *body = cJSON_Parse(row->body);
    const char *path = json_str(body, "path"), *name = json_str(body, "filename");
    int ok = 0;
    call_reset(call);
    call->step = 1;
    if (!url || (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0) ||
        strlen(url) >= sizeof call->url) {
        snprintf(why, why_size, "POST /uploads gave no usable url");
    } else if (!path) {
        snprintf(why, why_size, "the row names no file");
    } else {
        snprintf(call->url, sizeof call->url, "%s", url);
        snprintf(call->file_path, sizeof call->file_path, "%s", path);
        snprintf(call->file_name, sizeof call->file_name, "%s", name && *name ? name : "report");
        call->fields[0] = NULL;
        call->file.field = "data";
        call->file.path = call->file_path;
        call->file.filename = call->file_name;
        call->idempotent = 1;
        ok = 1;
    }
    cJSON_Delete(body);
    return ok;
}

/* What the upload host's answer gives to attach the upload, malloc'd (the
 * caller frees): a file's {"token"}; for a picture, {"photos": {"<id>":
 * {"token"}}}, one entry per version of it, the map as JSON. NULL when the
 * answer has neither, a version has no token, or it is over its limit. */
static char *uploaded_ref(const outbox_row *row, const cJSON *answer)
{
    if (strcmp(upload_type(row), "image") != 0) {
        const char *token = json_str(answer, "token");
        return token && *token && strlen(token) <= MAX_TOKEN_MAX ? strdup(token) : NULL;
    }
    const cJSON *photos = cJSON_GetObjectItemCaseSensitive(answer, "photos"), *photo;
    if (!cJSON_IsObject(photos) || !photos->child) return NULL;
    cJSON_ArrayForEach(photo, photos) {
        const char *token = json_str(photo, "token");
        if (!token || !*token) return NULL;
    }
    char *map = cJSON_PrintUnformatted(photos);
    if (map && strlen(map) > MAX_PHOTOS_MAX) {
        free(map);
        return NULL;
    }
    return map;
}

/* The answer of the upload host to step 1: {"token"} -> step 2. */
static void classify_upload(max_sender *s, const outbox_row *row, api_call *call, const http_response *resp,
                            send_result *out)
{
    cJSON *answer = json_parse_limited(resp->body, resp->body_len, MAX_API_BODY_MAX, NULL);
    char *token = resp->status == 200 ? uploaded_ref(row, answer) : NULL;
    out->outcome = SEND_RETRY;
    if (!token) {
        const char *err = json_str(answer, "message");
        snprintf(out->description, sizeof out->description, "the upload host refused the file: HTTP %ld%s%s",
                 resp->status, err ? ", " : "", err ? err : "");
    } else {
        kept_store(s, row->id, token);
        cJSON *body = cJSON_Parse(row->body);
        call_reset(call);
        call->step = MAX_FILE_STEPS - 1;
        if (render_send(s, row, body, NULL, token, call) == MB_OK) out->outcome = SEND_NEXT;
        else snprintf(out->description, sizeof out->description, "the message with the file could not be made");
        cJSON_Delete(body);
    }
    free(token);
    cJSON_Delete(answer);
}

/* What MAX's error key (or, without one, the HTTP status) means for the row. */
static void outcome_for_error(const outbox_row *row, const max_reply *r, send_result *out)
{
    const char *code = r->code;
    int status = r->http_status;
    if (max_reply_rate_limited(r)) {
        out->outcome = SEND_RETRY;
        out->retry_after_ms = MAX_RATE_WAIT_MS;
    } else if (strcmp(code, "attachment.not.ready") == 0) {
        /* Still processing the upload: wait longer each time, then send
         * the same token again (kept by row id). */
        int64_t wait = MAX_NOT_READY_WAIT_MS;
        for (int i = 0; i < row->attempts && wait < MAX_NOT_READY_WAIT_MAX_MS; i++) wait *= 2;
        out->outcome = SEND_RETRY;
        out->retry_after_ms = wait < MAX_NOT_READY_WAIT_MAX_MS ? wait : MAX_NOT_READY_WAIT_MAX_MS;
    } else if (strcmp(code, "verify.token") == 0 || status == 401) {
        out->outcome = SEND_FATAL;
    } else if (strcmp(row->kind, "answer") != 0 && max_reply_denied(r)) {
        out->outcome = SEND_BLOCKED;
    } else if (status >= 500 || status == 0) {
        out->outcome = SEND_RETRY;
    } else {
        /* proto.payload and the other refusals: our request is wrong, and
         * repeating it cannot help; the body goes to the log for the fix. */
        out->outcome = SEND_FAILED;
        log_warn("max", "message %lld (%s) refused: HTTP %d %s: %s", (long long)row->id, row->kind, status, code,
                 r->message);
    }
}

void max_classify(transport *t, const outbox_row *row, api_call *call, const http_response *resp,
                  send_result *out)
{
    max_sender *s = t->impl;
    memset(out, 0, sizeof *out);
    out->http_status = (int)resp->status;
    out->error_code = (int)resp->status;
    int file = is_file_row(row);
    if (resp->curl_code != CURLE_OK || resp->body_too_large) {
        snprintf(out->description, sizeof out->description, "%s",
                 resp->body_too_large ? "answer over the size limit" : resp->error);
        /* MAX drops no repeated message: once the request left, it may
         * have been shown, and sending it again could show it twice. */
        out->outcome = resp->request_sent && !call->idempotent ? SEND_UNKNOWN : SEND_RETRY;
        return;
    }
    if (file && call->step == 1) {
        classify_upload(s, row, call, resp, out);
        return;
    }
    max_reply r;
    if (max_parse_reply(resp->body, resp->body_len, resp->status, &r)) {
        snprintf(out->description, sizeof out->description, "%s", r.message);
        /* A gateway's error page is transient; a refusal in another shape
         * is still a refusal; a broken 2xx may hide a message that was shown. */
        long st = resp->status;
        out->outcome = st == 429 || st >= 500 || st < 200 ? SEND_RETRY
                     : st == 401                          ? SEND_FATAL
                     : st >= 400                          ? SEND_FAILED
                     : call->idempotent                   ? SEND_RETRY
                                                          : SEND_UNKNOWN;
        if (resp->status == 429) out->retry_after_ms = MAX_RATE_WAIT_MS;
        max_reply_free(&r);
        return;
    }
    if (r.code[0]) snprintf(out->description, sizeof out->description, "%.63s: %.190s", r.code, r.message);
    else snprintf(out->description, sizeof out->description, "%s", r.message);
    if (!r.ok) {
        outcome_for_error(row, &r, out);
    } else if (file && call->step == 0) {
        if (render_upload(row, json_str(r.root, "url"), call, out->description, sizeof out->description))
            out->outcome = SEND_NEXT;
        else
            out->outcome = SEND_RETRY;
    } else {
        out->outcome = SEND_OK;
        /* A new message's time (MAX names messages by strings): the chat's
         * mark rises to it, the floor of the next row's delivery check. */
        const cJSON *message = json_obj(r.root, "message");
        out->message_id = json_int(message, "timestamp", NULL);
        if (out->message_id < 0) out->message_id = 0;
        /* A dialog's own chat_id, which the check lists it by, comes with
         * every message the bot sends there, as with every update. */
        const cJSON *recipient = json_obj(message, "recipient");
        const char *type = json_str(recipient, "chat_type");
        int64_t dialog = json_int(recipient, "chat_id", NULL);
        if (row->chat_id > 0 && type && strcmp(type, "dialog") == 0 && dialog && dialog != row->chat_id)
            out->platform_chat_id = dialog;
    }
    /* The kept token serves a retry only; any other end forgets it. */
    if (file && out->outcome != SEND_NEXT && out->outcome != SEND_RETRY) kept_forget(s, row->id);
    max_reply_free(&r);
}

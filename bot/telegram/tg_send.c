/*
 * Outgoing Telegram calls: an outbox row becomes a Bot API method with its
 * parameters, and the answer becomes a send_result the sender acts on.
 */
#include "bot/telegram/telegram.h"
#include "bot/telegram/tg_parse.h"
#include "util/json.h"
#include "util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The request is built of references: its keys are constants and its
 * strings those of the parsed row, which outlives it (the strings are not
 * copied, nor freed with the request). */
static void add_ref(cJSON *obj, const char *key, const char *value)
{
    cJSON_AddItemToObjectCS(obj, key, cJSON_CreateStringReference(value));
}

static void add_number(cJSON *obj, const char *key, double value)
{
    cJSON_AddItemToObjectCS(obj, key, cJSON_CreateNumber(value));
}

static void add_true(cJSON *obj, const char *key) { cJSON_AddItemToObjectCS(obj, key, cJSON_CreateTrue()); }

/* {"buttons": [[{"text","data"}]]} -> {"inline_keyboard": [[{"text","callback_data"}]]} */
static cJSON *inline_keyboard(const cJSON *buttons)
{
    cJSON *markup = cJSON_CreateObject(), *rows = cJSON_CreateArray();
    cJSON_AddItemToObjectCS(markup, "inline_keyboard", rows);
    const cJSON *row, *b;
    cJSON_ArrayForEach(row, buttons) {
        cJSON *out = cJSON_CreateArray();
        cJSON_ArrayForEach(b, row) {
            cJSON *btn = cJSON_CreateObject();
            add_ref(btn, "text", json_str(b, "text") ? json_str(b, "text") : "?");
            add_ref(btn, "callback_data", json_str(b, "data") ? json_str(b, "data") : "");
            cJSON_AddItemToArray(out, btn);
        }
        cJSON_AddItemToArray(rows, out);
    }
    return markup;
}

/* {"contact_button": label, "skip_button": label} -> a one-time reply
 * keyboard whose first button shares the user's own phone number;
 * {"remove_keyboard": true} takes such a keyboard away. */
static void add_reply_keyboard(cJSON *p, const cJSON *body)
{
    const char *share = json_str(body, "contact_button"), *skip = json_str(body, "skip_button");
    if (share) {
        cJSON *markup = cJSON_CreateObject(), *rows = cJSON_CreateArray();
        cJSON_AddItemToObjectCS(markup, "keyboard", rows);
        cJSON *row = cJSON_CreateArray(), *btn = cJSON_CreateObject();
        add_ref(btn, "text", share);
        add_true(btn, "request_contact");
        cJSON_AddItemToArray(row, btn);
        cJSON_AddItemToArray(rows, row);
        if (skip) {
            row = cJSON_CreateArray();
            btn = cJSON_CreateObject();
            add_ref(btn, "text", skip);
            cJSON_AddItemToArray(row, btn);
            cJSON_AddItemToArray(rows, row);
        }
        add_true(markup, "one_time_keyboard");
        add_true(markup, "resize_keyboard");
        cJSON_AddItemToObjectCS(p, "reply_markup", markup);
    } else if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(body, "remove_keyboard"))) {
        cJSON *markup = cJSON_CreateObject();
        add_true(markup, "remove_keyboard");
        cJSON_AddItemToObjectCS(p, "reply_markup", markup);
    }
}

mb_status tg_render(transport *t, const outbox_row *row, api_call *call)
{
    memset(call, 0, sizeof *call);
    cJSON *body = cJSON_Parse(row->body);
    if (!cJSON_IsObject(body)) {
        cJSON_Delete(body);
        return MB_ERR_INVALID;
    }
    mb_status rc = MB_OK;
    cJSON *p = cJSON_CreateObject();
    const char *method = NULL;
    const cJSON *buttons = cJSON_GetObjectItemCaseSensitive(body, "buttons");
    if (strcmp(row->kind, "text") == 0 || strcmp(row->kind, "edit") == 0) {
        const char *text = json_str(body, "text");
        if (!text || !*text) { rc = MB_ERR_INVALID; goto out; }
        add_number(p, "chat_id", (double)row->chat_id);
        if (row->kind[0] == 'e') {
            method = "editMessageText";
            int64_t id = transport_edit_number(body);
            if (!id) { rc = MB_ERR_INVALID; goto out; }
            add_number(p, "message_id", (double)id);
        } else {
            method = "sendMessage";
        }
        add_ref(p, "text", text);
        if (cJSON_IsArray(buttons) && (cJSON_GetArraySize(buttons) > 0 || row->kind[0] == 'e'))
            cJSON_AddItemToObjectCS(p, "reply_markup", inline_keyboard(buttons));
        else if (row->kind[0] == 't')
            add_reply_keyboard(p, body);
        call->idempotent = row->kind[0] == 'e';
    } else if (strcmp(row->kind, "answer") == 0) {
        method = "answerCallbackQuery";
        const char *id = json_str(body, "button_id");
        if (!id) { rc = MB_ERR_INVALID; goto out; }
        add_ref(p, "callback_query_id", id);
        if (json_str(body, "text")) add_ref(p, "text", json_str(body, "text"));
        call->idempotent = 1;
    } else if ((strcmp(row->kind, "document") == 0 || strcmp(row->kind, "photo") == 0) && json_str(body, "ref")) {
        /* A file Telegram already holds goes by its file_id, as JSON: no
         * upload, and the buttons go with it. */
        int photo = row->kind[0] == 'p';
        method = photo ? "sendPhoto" : "sendDocument";
        add_number(p, "chat_id", (double)row->chat_id);
        add_ref(p, photo ? "photo" : "document", json_str(body, "ref"));
        if (json_str(body, "caption")) add_ref(p, "caption", json_str(body, "caption"));
        if (cJSON_IsArray(buttons) && cJSON_GetArraySize(buttons) > 0)
            cJSON_AddItemToObjectCS(p, "reply_markup", inline_keyboard(buttons));
    } else if (strcmp(row->kind, "document") == 0 || strcmp(row->kind, "photo") == 0) {
        const char *path = json_str(body, "path");
        int photo = row->kind[0] == 'p';
        char why[256];
        if (!transport_file_sendable(path, photo ? TG_PHOTO_MAX_BYTES : TG_DOCUMENT_MAX_BYTES, why, sizeof why)) {
            log_warn("telegram", "message %lld: the file cannot be sent: %s", (long long)row->id, why);
            rc = MB_ERR_INVALID;
            goto out;
        }
        method = photo ? "sendPhoto" : "sendDocument";
        snprintf(call->field_storage[0], sizeof call->field_storage[0], "%lld", (long long)row->chat_id);
        snprintf(call->file_path, sizeof call->file_path, "%s", path);
        snprintf(call->file_name, sizeof call->file_name, "%s",
                 json_str(body, "filename") ? json_str(body, "filename") : "report");
        int f = 0;
        call->fields[f++] = "chat_id";
        call->fields[f++] = call->field_storage[0];
        if (json_str(body, "caption")) {
            call->fields[f++] = "caption";
            call->fields[f++] = json_str(body, "caption");
        }
        call->fields[f] = NULL;
        call->file.field = photo ? "photo" : "document";
        call->file.path = call->file_path;
        call->file.filename = call->file_name;
        /* The caption lives in body, which is freed below: copy it. */
        if (f > 2) {
            snprintf(call->caption, sizeof call->caption, "%s", call->fields[3]);
            call->fields[3] = call->caption;
        }
    } else {
        rc = MB_ERR_INVALID;
        goto out;
    }
    tg_method_url(t->impl, method, call->url, sizeof call->url);
    if (!call->file.path) {
        call->json = cJSON_PrintUnformatted(p);
        if (!call->json) rc = MB_ERR_NOMEM;
    }
out:
    cJSON_Delete(p);
    cJSON_Delete(body);
    return rc;
}

static int is_blocked_description(const char *d)
{
    return strstr(d, "blocked") || strstr(d, "deactivated") || strstr(d, "can't initiate") ||
           strstr(d, "chat not found") || strstr(d, "kicked");
}

void tg_classify(transport *t, const outbox_row *row, api_call *call, const http_response *resp,
                 send_result *out)
{
    memset(out, 0, sizeof *out);
    out->http_status = (int)resp->status;
    if (resp->curl_code != CURLE_OK || resp->body_too_large) {
        snprintf(out->description, sizeof out->description, "%s",
                 resp->body_too_large ? "answer over the size limit" : resp->error);
        /* Once the whole request left, Telegram may have carried it out
         * whatever cut the exchange (a timeout, a connection closed without
         * an answer, an answer cut off): repeating could show the message
         * twice, so it is checked. A connection that failed before the
         * request was out (refused, DNS, reset while sending) is retried
         * (see docs/reliability.md). */
        out->outcome = resp->request_sent && !call->idempotent ? SEND_UNKNOWN : SEND_RETRY;
        return;
    }
    tg_reply r;
    if (tg_parse_reply(resp->body, resp->body_len, resp->status, &r)) {
        snprintf(out->description, sizeof out->description, "%s", r.description);
        /* A gateway's HTML error page is a transient failure; a broken 200
         * may hide a delivered message. */
        out->outcome = resp->status >= 500 || resp->status == 0 || call->idempotent ? SEND_RETRY : SEND_UNKNOWN;
        tg_reply_free(&r);
        return;
    }
    out->error_code = r.error_code;
    snprintf(out->description, sizeof out->description, "%s", r.description);
    if (r.ok) {
        out->outcome = SEND_OK;
        out->message_id = json_int(r.result, "message_id", NULL);
    } else if (r.error_code == 429 || r.retry_after_s >= 0) {
        out->outcome = SEND_RETRY;
        out->retry_after_ms = (r.retry_after_s > 0 ? r.retry_after_s : 1) * 1000;
    } else if (r.error_code == 400 && strstr(r.description, "message is not modified")) {
        out->outcome = SEND_OK; /* the message already shows what we wanted */
    } else if (r.error_code == 400 && strcmp(row->kind, "answer") == 0 && row->attempts > 0 &&
               strstr(r.description, "query is too old")) {
        /* A button answer repeated after an unknown outcome: the first one
         * got through, or the button has stopped waiting; either way there
         * is nothing left to show. */
        out->outcome = SEND_OK;
    } else if (r.error_code == 403 || (r.error_code == 400 && is_blocked_description(r.description) &&
                                       strcmp(row->kind, "answer") != 0)) {
        out->outcome = SEND_BLOCKED;
    } else if (r.error_code == 401) {
        out->outcome = SEND_FATAL;
    } else if (r.error_code >= 400 && r.error_code < 500) {
        out->outcome = SEND_FAILED; /* our request is wrong; repeating cannot help */
    } else {
        out->outcome = SEND_RETRY;
    }
    tg_reply_free(&r);
}

/*
 * Delivery check for a sendMessage whose answer never came: ask Telegram to
 * change message `candidate` into exactly the text and buttons the row
 * carries. For the bot's own message with that content Telegram answers
 * "message is not modified" and nothing changes; a user's message "can't
 * be edited"; an id past the end of the chat is "not found". Rows later in
 * the chat are held back while this runs, so a bot message above the floor
 * can only be the one in question.
 */
mb_status tg_render_check(transport *t, const outbox_row *row, int64_t candidate, api_call *call)
{
    memset(call, 0, sizeof *call);
    if (strcmp(row->kind, "text") != 0) return MB_ERR_INVALID;
    cJSON *body = cJSON_Parse(row->body);
    const char *text = json_str(body, "text");
    if (!text) {
        cJSON_Delete(body);
        return MB_ERR_INVALID;
    }
    cJSON *p = cJSON_CreateObject();
    add_number(p, "chat_id", (double)row->chat_id);
    add_number(p, "message_id", (double)candidate);
    add_ref(p, "text", text);
    const cJSON *buttons = cJSON_GetObjectItemCaseSensitive(body, "buttons");
    if (cJSON_IsArray(buttons) && cJSON_GetArraySize(buttons) > 0)
        cJSON_AddItemToObjectCS(p, "reply_markup", inline_keyboard(buttons));
    call->json = cJSON_PrintUnformatted(p);
    call->idempotent = 1;
    tg_method_url(t->impl, "editMessageText", call->url, sizeof call->url);
    cJSON_Delete(p);
    cJSON_Delete(body);
    return call->json ? MB_OK : MB_ERR_NOMEM;
}

check_outcome tg_classify_check(transport *t, const outbox_row *row, const http_response *resp, int64_t *found_id,
                                int64_t *retry_after_ms, char *why, size_t why_size)
{
    *retry_after_ms = 0;
    if (resp->curl_code != CURLE_OK) {
        snprintf(why, why_size, "%s", resp->error);
        return CHECK_RETRY;
    }
    tg_reply r;
    check_outcome out;
    if (tg_parse_reply(resp->body, resp->body_len, resp->status, &r)) {
        snprintf(why, why_size, "%s", r.description);
        out = resp->status >= 500 ? CHECK_RETRY : CHECK_INCONCLUSIVE;
    } else {
        snprintf(why, why_size, "%d %s", r.error_code, r.description);
        if (r.ok || strstr(r.description, "message is not modified")) out = CHECK_FOUND;
        else if (strstr(r.description, "message can't be edited")) out = CHECK_OTHERS;
        else if (strstr(r.description, "message to edit not found")) out = CHECK_NO_MESSAGE;
        else if (r.error_code == 429 || r.retry_after_s >= 0) {
            *retry_after_ms = (r.retry_after_s > 0 ? r.retry_after_s : 1) * 1000;
            out = CHECK_RETRY;
        } else if (r.error_code == 403) out = CHECK_BLOCKED;
        else if (r.error_code >= 500) out = CHECK_RETRY;
        else out = CHECK_INCONCLUSIVE;
    }
    tg_reply_free(&r);
    return out;
}

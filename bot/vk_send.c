/*
 * Outgoing VK calls: an outbox row becomes messages.send (random_id = the
 * row id, so VK itself drops a repeat), messages.edit or
 * messages.sendMessageEventAnswer, and the answer becomes a send_result.
 */
#include "bot/vk.h"
#include "bot/vk_parse.h"
#include "util/json.h"
#include "util/strbuf.h"
#include "util/text.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VK_INLINE_BUTTONS_MAX 10
#define VK_INLINE_ROWS_MAX 6
#define VK_ROW_BUTTONS_MAX 5     /* per row, inline or regular */
#define VK_LABEL_MAX 40

static void add_param(strbuf *sb, const char *name, const char *value)
{
    char *escaped = curl_easy_escape(NULL, value, 0);
    if (!escaped) {
        sb->failed = 1;
        return;
    }
    sb_printf(sb, "%s%s=%s", sb->len ? "&" : "", name, escaped);
    curl_free(escaped);
}

static void add_int(strbuf *sb, const char *name, long long value)
{
    sb_printf(sb, "%s%s=%lld", sb->len ? "&" : "", name, value);
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
    const char *method = NULL;
    mb_status rc = MB_OK;
    const cJSON *buttons = cJSON_GetObjectItemCaseSensitive(body, "buttons");
    if (strcmp(row->kind, "text") == 0 || strcmp(row->kind, "edit") == 0) {
        const char *text = json_str(body, "text");
        if (!text || !*text) { rc = MB_ERR_INVALID; goto out; }
        add_int(&sb, "peer_id", row->chat_id);
        if (row->kind[0] == 'e') {
            method = "messages.edit";
            add_int(&sb, "conversation_message_id", json_int(body, "message_id", NULL));
            call->idempotent = 1;
        } else {
            method = "messages.send";
            add_int(&sb, "random_id", row->id);
            /* VK drops a second message with this random_id: resending is safe */
            call->idempotent = 1;
        }
        add_param(&sb, "message", text);
        if (cJSON_IsArray(buttons) && cJSON_GetArraySize(buttons) > 0) {
            char *kb = keyboard_json(buttons);
            if (kb) add_param(&sb, "keyboard", kb);
            free(kb);
        }
    } else if (strcmp(row->kind, "answer") == 0) {
        method = "messages.sendMessageEventAnswer";
        const char *id = json_str(body, "button_id");
        if (!id) { rc = MB_ERR_INVALID; goto out; }
        add_param(&sb, "event_id", id);
        add_int(&sb, "user_id", row->chat_id);
        add_int(&sb, "peer_id", row->chat_id);
        call->idempotent = 1;
    } else {
        /* Files go through docs.getMessagesUploadServer -> upload -> docs.save,
         * which the sender does not chain yet. */
        rc = MB_ERR_INVALID;
        goto out;
    }
    sb_printf(&sb, "&%s", vk_auth_params(v));
    if (sb.failed) { rc = MB_ERR_NOMEM; goto out; }
    vk_method_url(v, method, call->url, sizeof call->url);
    call->json = sb_take(&sb);
    call->form_encoded = 1;
out:
    sb_free(&sb);
    cJSON_Delete(body);
    return rc;
}

void vk_classify(transport *t, const outbox_row *row, const api_call *call, const http_response *resp,
                 send_result *out)
{
    memset(out, 0, sizeof *out);
    out->http_status = (int)resp->status;
    if (resp->curl_code != CURLE_OK) {
        snprintf(out->description, sizeof out->description, "%s", resp->error);
        out->outcome = SEND_RETRY;   /* random_id makes a resend safe */
        return;
    }
    vk_reply r;
    if (vk_parse_reply(resp->body, resp->body_len, &r)) {
        snprintf(out->description, sizeof out->description, "%s", r.error_msg);
        out->outcome = SEND_RETRY;
        vk_reply_free(&r);
        return;
    }
    out->error_code = r.error_code;
    snprintf(out->description, sizeof out->description, "%s", r.error_msg);
    if (r.ok) {
        out->outcome = SEND_OK;
        out->message_id = cJSON_IsNumber(r.response) ? (int64_t)r.response->valuedouble : 0;
    } else {
        switch (r.error_code) {
        case 1: case 6: case 9: case 10:   /* unknown, too many per second, flood control, internal */
            out->outcome = SEND_RETRY;
            break;
        case 14:   /* captcha: a bot cannot solve it; park the call and say so */
            out->outcome = SEND_RETRY;
            out->retry_after_ms = VK_CAPTCHA_PARK_MS;
            snprintf(out->description, sizeof out->description, "captcha needed (sid %s); call parked", r.captcha_sid);
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
    vk_reply_free(&r);
}

/* A row whose fate is unknown is simply sent again: VK answers with the
 * message it already has for that random_id instead of sending twice. */
mb_status vk_render_check(transport *t, const outbox_row *row, int64_t candidate, api_call *call)
{
    (void)candidate;
    if (strcmp(row->kind, "text") != 0) return MB_ERR_INVALID;
    return vk_render(t, row, call);
}

check_outcome vk_classify_check(transport *t, const http_response *resp, int64_t *retry_after_ms, char *why,
                                size_t why_size)
{
    outbox_row none;
    memset(&none, 0, sizeof none);
    snprintf(none.kind, sizeof none.kind, "text");
    api_call call;
    memset(&call, 0, sizeof call);
    send_result r;
    vk_classify(t, &none, &call, resp, &r);
    snprintf(why, why_size, "%s", r.description);
    *retry_after_ms = r.retry_after_ms;
    switch (r.outcome) {
    case SEND_OK: return CHECK_FOUND;
    case SEND_RETRY: return CHECK_RETRY;
    case SEND_BLOCKED: return CHECK_BLOCKED;
    default: return CHECK_INCONCLUSIVE;
    }
}

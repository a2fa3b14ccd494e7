/*
 * The delivery check on MAX: whether a message whose answer never came is
 * in the chat. MAX names messages by string mids and drops no repeated
 * message, so Telegram's probe by message id does not apply; instead
 * GET /messages?chat_id=<the chat's own id>&count=N lists the chat's latest
 * messages, newest first, each with its sender, timestamp (ms) and body.
 *
 * The row's probe_floor is the latest MAX time the bot knew in the chat
 * when the row was marked sending (chat_marks: the updates' timestamps and
 * the bot's sent messages' ones, all MAX's own clock). The bot's message,
 * if it arrived, was made after that, and the chat's rows leave one at a
 * time, so the bot's messages later than the floor are this row's or
 * none:
 *   - one of them with the row's text (as the row has it or as escaped for
 *     the format; and a file for a file row): found;
 *   - the list reaches back to the floor (or holds the whole chat) with
 *     none of the bot's: not delivered, send it;
 *   - one of the bot's that is not it, or a list full of newer messages:
 *     cannot tell, the row stays "unknown" for the operator.
 *
 * A dialog is listed by its own chat_id, which only MAX's updates name
 * (recipient.chat_id, bot_started's chat_id): the intake keeps it beside
 * the chat mark (row->platform_chat_id); without it the row cannot be
 * checked. A group chat's row carries the chat's own id already.
 */
#include "bot/max/max_parse.h"
#include "bot/max/max_send.h"
#include "bot/sender.h"
#include "util/json.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Messages a check lists: as many message ids as Telegram's check looks at. */
#define MAX_CHECK_COUNT CHECK_SCAN_MAX

mb_status max_render_check(transport *t, const outbox_row *row, int64_t candidate, api_call *call)
{
    max_sender *s = t->impl;
    (void)candidate;
    memset(call, 0, sizeof *call);
    if (strcmp(row->kind, "text") != 0 && strcmp(row->kind, "document") != 0 && strcmp(row->kind, "photo") != 0)
        return MB_ERR_INVALID;
    int64_t chat = row->chat_id < 0 ? row->chat_id : row->platform_chat_id;
    if (!chat) return MB_ERR_NOT_FOUND;
    int n = snprintf(call->url, sizeof call->url, "%s/messages?chat_id=%lld&count=%d", s->api_base, (long long)chat,
                     MAX_CHECK_COUNT);
    if (n < 0 || (size_t)n >= sizeof call->url) return MB_ERR_LIMIT;
    call->method = "GET";
    call->auth_header = s->auth_header;
    call->idempotent = 1;
    return MB_OK;
}

/* a and b the same but for white space at either end (which a messenger
 * may trim). */
static int same_text(const char *a, const char *b)
{
    static const char space[] = " \t\r\n";
    a = a ? a : "";
    b = b ? b : "";
    a += strspn(a, space);
    b += strspn(b, space);
    size_t la = strlen(a), lb = strlen(b);
    while (la > 0 && strchr(space, a[la - 1])) la--;
    while (lb > 0 && strchr(space, b[lb - 1])) lb--;
    return la == lb && memcmp(a, b, la) == 0;
}

static int has_media(const cJSON *body)
{
    const cJSON *a;
    cJSON_ArrayForEach(a, cJSON_GetObjectItemCaseSensitive(body, "attachments")) {
        const char *type = json_str(a, "type");
        if (type && (strcmp(type, "file") == 0 || strcmp(type, "image") == 0)) return 1;
    }
    return 0;
}

/* Whether message (a Message of the list) is what row would have shown:
 * its text as the row has it, or as escaped for [max] format (whether MAX
 * gives back the markup or the text it shows is not documented). */
static int is_the_row(const outbox_row *row, const cJSON *row_body, const char *escaped, const cJSON *message)
{
    const cJSON *body = json_obj(message, "body");
    int file = strcmp(row->kind, "text") != 0;
    const char *want = json_str(row_body, file ? "caption" : "text"), *got = json_str(body, "text");
    return (same_text(got, want) || (escaped && same_text(got, escaped))) && (!file || has_media(body));
}

static check_outcome read_list(const max_sender *s, const outbox_row *row, const cJSON *list, int64_t *found_id,
                               char *why, size_t why_size)
{
    cJSON *row_body = cJSON_Parse(row->body);
    const char *plain = json_str(row_body, strcmp(row->kind, "text") != 0 ? "caption" : "text");
    char *escaped = s->format != MAX_FORMAT_PLAIN && plain ? max_escape_text(plain, s->format) : NULL;
    const cJSON *m;
    int seen = 0, reached_floor = 0, others = 0;
    check_outcome out = CHECK_INCONCLUSIVE;
    cJSON_ArrayForEach(m, list) {
        seen++;
        int64_t at = json_int(m, "timestamp", NULL);
        if (at <= row->probe_floor) {
            reached_floor = 1;
            break;
        }
        if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(json_obj(m, "sender"), "is_bot"))) continue;
        if (is_the_row(row, row_body, escaped, m)) {
            *found_id = at;
            out = CHECK_FOUND;
            snprintf(why, why_size, "the chat holds it");
            goto done;
        }
        others++;
    }
    if (others) {
        snprintf(why, why_size, "the bot's message in the chat since it went out is another one");
    } else if (reached_floor || seen < MAX_CHECK_COUNT) {
        out = CHECK_ABSENT;
        snprintf(why, why_size, "the chat's messages since it went out do not hold it");
    } else {
        snprintf(why, why_size, "over %d messages in the chat since it went out", MAX_CHECK_COUNT);
    }
done:
    free(escaped);
    cJSON_Delete(row_body);
    return out;
}

check_outcome max_classify_check(transport *t, const outbox_row *row, const http_response *resp, int64_t *found_id,
                                 int64_t *retry_after_ms, char *why, size_t why_size)
{
    *retry_after_ms = 0;
    *found_id = 0;
    if (resp->curl_code != CURLE_OK || resp->body_too_large) {
        snprintf(why, why_size, "%s", resp->body_too_large ? "answer over the size limit" : resp->error);
        return resp->body_too_large ? CHECK_INCONCLUSIVE : CHECK_RETRY;
    }
    max_reply r;
    if (max_parse_reply(resp->body, resp->body_len, resp->status, &r)) {
        snprintf(why, why_size, "%s", r.message);
        max_reply_free(&r);
        return resp->status == 429 || resp->status >= 500 || resp->status < 200 ? CHECK_RETRY : CHECK_INCONCLUSIVE;
    }
    check_outcome out;
    if (!r.ok) {
        snprintf(why, why_size, "GET /messages: HTTP %d %s: %s", r.http_status, r.code, r.message);
        if (max_reply_rate_limited(&r)) {
            *retry_after_ms = MAX_RATE_WAIT_MS;
            out = CHECK_RETRY;
        } else if (r.http_status >= 500) {
            out = CHECK_RETRY;
        } else if (max_reply_denied(&r)) {
            out = CHECK_BLOCKED;
        } else {
            out = CHECK_INCONCLUSIVE;
        }
    } else {
        const cJSON *list = cJSON_GetObjectItemCaseSensitive(r.root, "messages");
        if (!cJSON_IsArray(list)) {
            snprintf(why, why_size, "GET /messages gave no list of messages");
            out = CHECK_INCONCLUSIVE;
        } else {
            out = read_list(t->impl, row, list, found_id, why, why_size);
        }
    }
    max_reply_free(&r);
    return out;
}

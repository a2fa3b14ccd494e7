/*
 * MAX's delivery check (bot/max/max_check.c): which chat GET /messages
 * lists (a dialog by its own chat_id, a group by its id; none known, no
 * check), and what the list says about a row whose answer never came:
 * the bot's message with its text after the row's floor is found, a list
 * back to the floor without it means not delivered, another message of the
 * bot or a list too full to reach the floor leaves it unknown; a stopped
 * dialog is unreachable, a rate limit or a server error is asked again.
 */
#include "tests/unit.h"

#include "bot/max/max_send.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FLOOR 1775026671000LL
#define DIALOG 90000000007LL

static max_sender sender;
static transport *tr;

static outbox_row row_of(int64_t chat_id, const char *kind, const char *body)
{
    outbox_row r;
    memset(&r, 0, sizeof r);
    r.id = 9;
    snprintf(r.platform, sizeof r.platform, "max");
    snprintf(r.kind, sizeof r.kind, "%s", kind);
    r.chat_id = chat_id;
    r.body = (char *)body;
    r.checking = 1;
    r.probe_floor = FLOOR;
    r.platform_chat_id = chat_id > 0 ? DIALOG : 0;
    return r;
}

/* One Message of a list: by the bot or the user, at FLOOR + ms. */
static void message(char *out, size_t size, int bot, long long ms, const char *text, const char *attachment)
{
    snprintf(out, size,
             "{\"sender\":{\"user_id\":%s,\"is_bot\":%s,\"name\":\"x\"},\"recipient\":{\"chat_id\":%lld,"
             "\"chat_type\":\"dialog\",\"user_id\":7},\"timestamp\":%lld,\"body\":{\"mid\":\"mid.%llx\",\"seq\":1,"
             "\"text\":\"%s\",\"attachments\":%s}}",
             bot ? "8000000001" : "7", bot ? "true" : "false", DIALOG, FLOOR + ms, (unsigned long long)(FLOOR + ms),
             text, attachment ? attachment : "null");
}

static check_outcome check(const outbox_row *row, long status, const char *body, int64_t *found, int64_t *wait)
{
    http_response resp;
    memset(&resp, 0, sizeof resp);
    resp.status = status;
    resp.curl_code = body ? CURLE_OK : CURLE_OPERATION_TIMEDOUT;
    resp.body = (char *)(body ? body : "");
    resp.body_len = body ? strlen(body) : 0;
    snprintf(resp.error, sizeof resp.error, "timed out");
    char why[256];
    *found = *wait = 0;
    return tr->classify_check(tr, row, &resp, found, wait, why, sizeof why);
}

TEST(the_check_lists_the_dialog_by_its_own_chat_id)
{
    outbox_row r = row_of(7, "text", "{\"text\":\"Привет\"}");
    api_call call;
    CHECK_INT(tr->render_check(tr, &r, FLOOR + 1, &call), MB_OK);
    CHECK_STR(call.url, "http://max.test/messages?chat_id=90000000007&count=50");
    CHECK_STR(call.method, "GET");
    CHECK_STR(call.auth_header, "Authorization: max-secret");
    CHECK(call.json == NULL);
    r = row_of(-70801090403050LL, "text", "{\"text\":\"Привет\"}");
    CHECK_INT(tr->render_check(tr, &r, 1, &call), MB_OK);
    CHECK_STR(call.url, "http://max.test/messages?chat_id=-70801090403050&count=50");
    /* a dialog whose own chat_id the bot has not learnt: no check */
    r = row_of(7, "text", "{\"text\":\"Привет\"}");
    r.platform_chat_id = 0;
    CHECK_INT(tr->render_check(tr, &r, 1, &call), MB_ERR_NOT_FOUND);
    r = row_of(7, "edit", "{\"message\":\"mid.1\",\"text\":\"x\"}");
    CHECK(tr->render_check(tr, &r, 1, &call) != MB_OK);
    CHECK(tr->check_needs_floor);
}

TEST(the_list_tells_found_missing_or_unknown)
{
    outbox_row r = row_of(7, "text", "{\"text\":\"Встреча завтра\",\"buttons\":[[{\"text\":\"Приду\",\"data\":\"a\"}]]}");
    char mine[1024], same_before[1024], user[1024], other[1024], body[32768];
    int64_t found, wait;
    message(mine, sizeof mine, 1, 40, "Встреча завтра", "[{\"type\":\"inline_keyboard\",\"payload\":{}}]");
    message(same_before, sizeof same_before, 1, 0, "Встреча завтра", NULL);   /* at the floor: an older one */
    message(user, sizeof user, 0, 60, "Спасибо", NULL);

    snprintf(body, sizeof body, "{\"messages\":[%s,%s,%s]}", user, mine, same_before);
    CHECK_INT(check(&r, 200, body, &found, &wait), CHECK_FOUND);
    CHECK_INT(found, FLOOR + 40);   /* its time becomes the chat's mark */

    /* the same text at the floor is an earlier message, not this one */
    snprintf(body, sizeof body, "{\"messages\":[%s,%s]}", user, same_before);
    CHECK_INT(check(&r, 200, body, &found, &wait), CHECK_ABSENT);
    /* a short list with none of the bot's since: the whole chat, missing */
    snprintf(body, sizeof body, "{\"messages\":[%s]}", user);
    CHECK_INT(check(&r, 200, body, &found, &wait), CHECK_ABSENT);
    CHECK_INT(check(&r, 200, "{\"messages\":[]}", &found, &wait), CHECK_ABSENT);

    /* another message of the bot since: cannot tell */
    message(other, sizeof other, 1, 30, "Другой текст", NULL);
    snprintf(body, sizeof body, "{\"messages\":[%s,%s]}", other, same_before);
    CHECK_INT(check(&r, 200, body, &found, &wait), CHECK_INCONCLUSIVE);

    /* fifty of the user's, all after the floor: it may be further back */
    strcpy(body, "{\"messages\":[");
    for (int i = 0; i < 50; i++) {
        message(user, sizeof user, 0, 100 - i, "спам", NULL);
        strcat(body, i ? "," : "");
        strcat(body, user);
    }
    strcat(body, "]}");
    CHECK_INT(check(&r, 200, body, &found, &wait), CHECK_INCONCLUSIVE);

    /* a file row: its caption and a file */
    outbox_row f = row_of(7, "document", "{\"path\":\"/tmp/x.pdf\",\"filename\":\"x.pdf\",\"caption\":\"Отчёт\"}");
    message(mine, sizeof mine, 1, 40, "Отчёт", NULL);
    snprintf(body, sizeof body, "{\"messages\":[%s]}", mine);
    CHECK_INT(check(&f, 200, body, &found, &wait), CHECK_INCONCLUSIVE);   /* the bot's, but no file */
    message(mine, sizeof mine, 1, 40, "Отчёт", "[{\"type\":\"file\",\"payload\":{\"token\":\"t\"}}]");
    snprintf(body, sizeof body, "{\"messages\":[%s]}", mine);
    CHECK_INT(check(&f, 200, body, &found, &wait), CHECK_FOUND);
}

TEST(refusals_and_faults_of_the_list)
{
    outbox_row r = row_of(7, "text", "{\"text\":\"Привет\"}");
    int64_t found, wait;
    CHECK_INT(check(&r, 403, "{\"code\":\"chat.denied\",\"message\":\"Key: error.dialog.suspended\"}", &found, &wait),
              CHECK_BLOCKED);
    CHECK_INT(check(&r, 429, "{\"code\":\"too.many.requests\",\"message\":\"Too many requests\"}", &found, &wait),
              CHECK_RETRY);
    CHECK_INT(wait, MAX_RATE_WAIT_MS);
    CHECK_INT(check(&r, 502, "<html>502 Bad Gateway</html>", &found, &wait), CHECK_RETRY);
    CHECK_INT(check(&r, 0, NULL, &found, &wait), CHECK_RETRY);
    CHECK_INT(check(&r, 404, "{\"code\":\"chat.not.found\",\"message\":\"Chat not found\"}", &found, &wait),
              CHECK_INCONCLUSIVE);
    CHECK_INT(check(&r, 200, "{\"marker\":null}", &found, &wait), CHECK_INCONCLUSIVE);
}

int main(void)
{
    if (max_sender_init(&sender, "http://max.test", "max-secret", MAX_FORMAT_PLAIN)) return 1;
    tr = &sender.transport;
    RUN(the_check_lists_the_dialog_by_its_own_chat_id);
    RUN(the_list_tells_found_missing_or_unknown);
    RUN(refusals_and_faults_of_the_list);
    return unit_summary();
}

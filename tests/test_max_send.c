/*
 * Outgoing MAX calls: what POST /messages carries (the chat as user_id or
 * chat_id, the token only in the Authorization header, the keyboard as an
 * inline_keyboard attachment, text escaped for the chosen format), the
 * three steps of a file with the wait for attachment.not.ready, and how
 * each MAX error is treated. Error bodies come from tests/conformance/max.
 */
#include "tests/unit.h"

#include "bot/max/max_send.h"
#include "util/json.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

static max_sender sender;
static transport *tr;

static outbox_row row_of(int64_t id, int64_t chat_id, const char *kind, const char *body)
{
    outbox_row r;
    memset(&r, 0, sizeof r);
    r.id = id;
    snprintf(r.platform, sizeof r.platform, "max");
    snprintf(r.kind, sizeof r.kind, "%s", kind);
    r.chat_id = chat_id;
    r.body = (char *)body;
    return r;
}

static http_response answer(long status, const char *body)
{
    http_response resp;
    memset(&resp, 0, sizeof resp);
    resp.status = status;
    resp.curl_code = CURLE_OK;
    resp.body = (char *)body;
    resp.body_len = strlen(body);
    resp.request_sent = 1;
    return resp;
}

static char *corpus(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "tests/conformance/max/%s", name);
    return unit_read_file(path, NULL);
}

TEST(a_text_goes_to_the_user_with_its_keyboard_and_the_token_in_a_header)
{
    outbox_row r = row_of(41, 123456789, "text",
                          "{\"text\":\"Как тебя зовут?\",\"buttons\":[[{\"text\":\"Да\",\"data\":\"consent:yes\"},"
                          "{\"text\":\"Нет\",\"data\":\"consent:no\"}]]}");
    api_call call;
    CHECK_INT(tr->render(tr, &r, &call), MB_OK);
    CHECK_STR(call.url, "http://max.test/messages?user_id=123456789");
    CHECK_STR(call.auth_header, "Authorization: max-secret");
    CHECK(strstr(call.url, "max-secret") == NULL);
    CHECK(call.method == NULL);   /* POST */
    CHECK(!call.idempotent);      /* MAX does not drop a repeated message */
    cJSON *msg = cJSON_Parse(call.json);
    CHECK_STR(json_str(msg, "text"), "Как тебя зовут?");
    CHECK(cJSON_GetObjectItem(msg, "format") == NULL);   /* plain text by default */
    const cJSON *att = cJSON_GetArrayItem(cJSON_GetObjectItem(msg, "attachments"), 0);
    CHECK_STR(json_str(att, "type"), "inline_keyboard");
    const cJSON *rows = cJSON_GetObjectItem(json_obj(att, "payload"), "buttons");
    const cJSON *second = cJSON_GetArrayItem(cJSON_GetArrayItem(rows, 0), 1);
    CHECK_STR(json_str(second, "type"), "callback");
    CHECK_STR(json_str(second, "text"), "Нет");
    CHECK_STR(json_str(second, "payload"), "consent:no");
    cJSON_Delete(msg);
    api_call_clear(&call);

    /* a group chat keeps its own (negative) id */
    r = row_of(42, -70801090403050LL, "text", "{\"text\":\"hi\"}");
    CHECK_INT(tr->render(tr, &r, &call), MB_OK);
    CHECK_STR(call.url, "http://max.test/messages?chat_id=-70801090403050");
    api_call_clear(&call);
}

TEST(texts_are_escaped_for_the_chosen_format)
{
    char *html = max_escape_text("a < b && c > d", MAX_FORMAT_HTML);
    CHECK_STR(html, "a &lt; b &amp;&amp; c &gt; d");
    free(html);
    char *md = max_escape_text("*важно* _x_ [a](b) 2+2 #1", MAX_FORMAT_MARKDOWN);
    CHECK_STR(md, "\\*важно\\* \\_x\\_ \\[a\\]\\(b\\) 2\\+2 \\#1");
    free(md);

    max_sender h;
    CHECK_INT(max_sender_init(&h, "http://max.test/", "max-secret", MAX_FORMAT_HTML), MB_OK);
    outbox_row r = row_of(43, 5, "text", "{\"text\":\"<b>не жирный</b> & всё\"}");
    api_call call;
    CHECK_INT(h.transport.render(&h.transport, &r, &call), MB_OK);
    CHECK_STR(call.url, "http://max.test/messages?user_id=5");   /* the trailing '/' is dropped */
    cJSON *msg = cJSON_Parse(call.json);
    CHECK_STR(json_str(msg, "format"), "html");
    CHECK_STR(json_str(msg, "text"), "&lt;b&gt;не жирный&lt;/b&gt; &amp; всё");
    cJSON_Delete(msg);
    api_call_clear(&call);

    /* escapes that would pass 4000 characters: the text goes plain, whole */
    char body[8200];
    int n = snprintf(body, sizeof body, "{\"text\":\"");
    for (int i = 0; i < 3990; i++) body[n++] = i % 2 ? '<' : 'x';
    snprintf(body + n, sizeof body - (size_t)n, "\"}");
    r = row_of(44, 5, "text", body);
    CHECK_INT(h.transport.render(&h.transport, &r, &call), MB_OK);
    msg = cJSON_Parse(call.json);
    CHECK(cJSON_GetObjectItem(msg, "format") == NULL);
    CHECK_INT(strlen(json_str(msg, "text")), 3990);
    cJSON_Delete(msg);
    api_call_clear(&call);

    /* past MAX's 4000 characters the row cannot be sent (handlers split before) */
    n = snprintf(body, sizeof body, "{\"text\":\"");
    for (int i = 0; i < 4001; i++) body[n++] = 'y';
    snprintf(body + n, sizeof body - (size_t)n, "\"}");
    r = row_of(45, 5, "text", body);
    CHECK_INT(h.transport.render(&h.transport, &r, &call), MB_ERR_INVALID);
}

TEST(contact_request_answers_and_edits)
{
    outbox_row r = row_of(46, 5, "text", "{\"text\":\"Телефон?\",\"contact_button\":\"Поделиться\",\"skip_button\":\"Пропустить\"}");
    api_call call;
    CHECK_INT(tr->render(tr, &r, &call), MB_OK);
    cJSON *msg = cJSON_Parse(call.json);
    const cJSON *rows = cJSON_GetObjectItem(json_obj(cJSON_GetArrayItem(cJSON_GetObjectItem(msg, "attachments"), 0),
                                                     "payload"), "buttons");
    CHECK_STR(json_str(cJSON_GetArrayItem(cJSON_GetArrayItem(rows, 0), 0), "type"), "request_contact");
    CHECK_STR(json_str(cJSON_GetArrayItem(cJSON_GetArrayItem(rows, 1), 0), "type"), "message");
    CHECK_STR(json_str(cJSON_GetArrayItem(cJSON_GetArrayItem(rows, 1), 0), "text"), "Пропустить");
    cJSON_Delete(msg);
    api_call_clear(&call);

    r = row_of(47, 5, "answer", "{\"button_id\":\"f9LH+/=x\",\"text\":\"Сохранено\"}");
    CHECK_INT(tr->render(tr, &r, &call), MB_OK);
    CHECK_STR(call.url, "http://max.test/answers?callback_id=f9LH%2B%2F%3Dx");
    CHECK_STR(call.json, "{\"notification\":\"Сохранено\"}");
    CHECK(call.idempotent);
    api_call_clear(&call);

    r = row_of(48, 5, "edit", "{\"message_id\":12,\"text\":\"Страница 2\",\"buttons\":[]}");
    CHECK_INT(tr->render(tr, &r, &call), MB_ERR_INVALID);   /* MAX edits by mid only */
    r = row_of(49, 5, "edit", "{\"mid\":\"mid.000000000adf429c019d47d58f2b3d9e\",\"text\":\"Страница 2\",\"buttons\":[]}");
    CHECK_INT(tr->render(tr, &r, &call), MB_OK);
    CHECK_STR(call.method, "PUT");
    CHECK_STR(call.url, "http://max.test/messages?message_id=mid.000000000adf429c019d47d58f2b3d9e");
    CHECK_STR(call.json, "{\"text\":\"Страница 2\",\"attachments\":[]}");   /* the old keyboard goes */
    api_call_clear(&call);
    /* what reply_edit queues: the event's name for the message */
    r = row_of(50, 5, "edit", "{\"message\":\"mid.000000000adf429c019d47d58f2b3d9e\",\"text\":\"Страница 3\","
                              "\"buttons\":[]}");
    CHECK_INT(tr->render(tr, &r, &call), MB_OK);
    CHECK_STR(call.url, "http://max.test/messages?message_id=mid.000000000adf429c019d47d58f2b3d9e");
    api_call_clear(&call);
}

TEST(media_a_user_sent_goes_back_by_its_tokens)
{
    outbox_row r = row_of(50, 5, "photo", "{\"ref\":\"image:i_tok,file:f_tok\",\"caption\":\"Отчёт\"}");
    api_call call;
    CHECK_INT(tr->render(tr, &r, &call), MB_OK);
    CHECK_INT(call.step, MAX_FILE_STEPS - 1);
    cJSON *msg = cJSON_Parse(call.json);
    CHECK_STR(json_str(msg, "text"), "Отчёт");
    const cJSON *atts = cJSON_GetObjectItem(msg, "attachments");
    CHECK_STR(json_str(cJSON_GetArrayItem(atts, 0), "type"), "image");
    CHECK_STR(json_str(json_obj(cJSON_GetArrayItem(atts, 1), "payload"), "token"), "f_tok");
    cJSON_Delete(msg);
    api_call_clear(&call);
    r = row_of(51, 5, "document", "{\"ref\":\"video:v_tok\"}");
    CHECK_INT(tr->render(tr, &r, &call), MB_ERR_INVALID);
}

/* A chart (a "photo" row) goes up as type=image, whose upload answers the
 * map of the picture's versions (PhotoTokens), and is attached as "image"
 * with that map (PhotoAttachmentRequestPayload.photos), so MAX shows it as
 * a picture. */
TEST(a_chart_is_uploaded_and_attached_as_an_image)
{
    char path[512];
    CHECK_INT(unit_write_tmp("chart.png", "\x89PNG chart", path, sizeof path), 0);
    char body[1024];
    snprintf(body, sizeof body, "{\"path\":\"%s\",\"filename\":\"digest.png\",\"caption\":\"Диаграмма.\"}", path);
    outbox_row r = row_of(70, 5, "photo", body);
    api_call call;
    send_result out;
    CHECK_INT(tr->render(tr, &r, &call), MB_OK);
    CHECK_STR(call.url, "http://max.test/uploads?type=image");
    http_response resp = answer(200, "{\"url\":\"https://iu.upload.test/upload.do?id=10\"}");
    tr->classify(tr, &r, &call, &resp, &out);
    CHECK_INT(out.outcome, SEND_NEXT);
    CHECK_STR(call.file.filename, "digest.png");
    resp = answer(200, "{\"photos\":{\"3JJvlQgoPpDgwtDE\":{\"token\":\"9+eyCStTAIyomEW0h0PzC3\"}}}");
    tr->classify(tr, &r, &call, &resp, &out);
    CHECK_INT(out.outcome, SEND_NEXT);
    CHECK_INT(call.step, 2);
    cJSON *msg = cJSON_Parse(call.json);
    CHECK_STR(json_str(msg, "text"), "Диаграмма.");
    const cJSON *att = cJSON_GetArrayItem(cJSON_GetObjectItem(msg, "attachments"), 0);
    CHECK_STR(json_str(att, "type"), "image");
    CHECK_STR(json_str(json_obj(json_obj(json_obj(att, "payload"), "photos"), "3JJvlQgoPpDgwtDE"), "token"),
              "9+eyCStTAIyomEW0h0PzC3");
    cJSON_Delete(msg);
    api_call_clear(&call);

    /* an answer with neither a token nor a picture's versions is retried */
    r = row_of(71, 5, "photo", body);
    CHECK_INT(tr->render(tr, &r, &call), MB_OK);
    resp = answer(200, "{\"url\":\"https://iu.upload.test/upload.do?id=11\"}");
    tr->classify(tr, &r, &call, &resp, &out);
    resp = answer(200, "{\"photos\":{}}");
    tr->classify(tr, &r, &call, &resp, &out);
    CHECK_INT(out.outcome, SEND_RETRY);
    api_call_clear(&call);
}

TEST(a_file_is_uploaded_in_three_steps_and_waits_while_max_processes_it)
{
    char path[512];
    CHECK_INT(unit_write_tmp("report.pdf", "%PDF-1.4 report", path, sizeof path), 0);
    char body[1024];
    snprintf(body, sizeof body, "{\"path\":\"%s\",\"filename\":\"Отчёт.pdf\",\"caption\":\"Итоги\"}", path);
    outbox_row r = row_of(60, 5, "document", body);
    api_call call;
    send_result out;
    CHECK_INT(tr->render(tr, &r, &call), MB_OK);
    CHECK_STR(call.url, "http://max.test/uploads?type=file");
    CHECK_STR(call.auth_header, "Authorization: max-secret");

    http_response resp = answer(200, "{\"url\":\"https://fu.upload.test/upload.do?id=9\"}");
    tr->classify(tr, &r, &call, &resp, &out);
    CHECK_INT(out.outcome, SEND_NEXT);
    CHECK_INT(call.step, 1);
    CHECK_STR(call.url, "https://fu.upload.test/upload.do?id=9");
    CHECK_STR(call.file.field, "data");
    CHECK_STR(call.file.path, path);
    CHECK_STR(call.file.filename, "Отчёт.pdf");
    CHECK(call.auth_header == NULL);   /* the token stays with the API host */

    char *uploaded = corpus("upload_answer_file.json");
    resp = answer(200, uploaded);
    tr->classify(tr, &r, &call, &resp, &out);
    CHECK_INT(out.outcome, SEND_NEXT);
    CHECK_INT(call.step, 2);
    CHECK_STR(call.url, "http://max.test/messages?user_id=5");
    cJSON *msg = cJSON_Parse(call.json);
    CHECK_STR(json_str(msg, "text"), "Итоги");
    const cJSON *att = cJSON_GetArrayItem(cJSON_GetObjectItem(msg, "attachments"), 0);
    CHECK_STR(json_str(att, "type"), "file");
    CHECK_STR(json_str(json_obj(att, "payload"), "token"), "_3Rarhcf1PtlMXy8jpgie8Ai_KARnVFYNQTtmIRWNh4");
    cJSON_Delete(msg);

    /* still processing: wait, then the same token again without a new upload */
    char *not_ready = corpus("error_attachment_not_ready_processing.json");
    resp = answer(400, not_ready);
    tr->classify(tr, &r, &call, &resp, &out);
    CHECK_INT(out.outcome, SEND_RETRY);
    CHECK_INT(out.retry_after_ms, MAX_NOT_READY_WAIT_MS);
    CHECK_CONTAINS(out.description, "attachment.not.ready");
    api_call_clear(&call);
    r.attempts = 2;
    CHECK_INT(tr->render(tr, &r, &call), MB_OK);
    CHECK_INT(call.step, 2);
    CHECK_CONTAINS(call.json, "_3Rarhcf1PtlMXy8jpgie8Ai_KARnVFYNQTtmIRWNh4");
    tr->classify(tr, &r, &call, &resp, &out);
    CHECK_INT(out.retry_after_ms, 4 * MAX_NOT_READY_WAIT_MS);   /* longer each time */
    api_call_clear(&call);

    char *sent = corpus("send_message_result.json");
    CHECK_INT(tr->render(tr, &r, &call), MB_OK);
    resp = answer(200, sent);
    tr->classify(tr, &r, &call, &resp, &out);
    CHECK_INT(out.outcome, SEND_OK);
    CHECK_INT(out.message_id, 1775026702400LL);   /* its time: the floor of the chat's next check */
    CHECK_INT(out.platform_chat_id, 182182182);     /* the dialog's own id, which the check lists */
    api_call_clear(&call);
    /* delivered: the token is forgotten, a new row of that id would upload */
    CHECK_INT(tr->render(tr, &r, &call), MB_OK);
    CHECK_INT(call.step, 0);
    api_call_clear(&call);
    free(uploaded);
    free(not_ready);
    free(sent);

    /* a file that is not there is refused before any upload */
    r = row_of(61, 5, "document", "{\"path\":\"/nonexistent/x.pdf\"}");
    CHECK_INT(tr->render(tr, &r, &call), MB_ERR_INVALID);
}

static send_outcome outcome_of(const char *kind, long status, const char *file, int64_t *wait)
{
    outbox_row r = row_of(70, 5, kind, strcmp(kind, "answer") == 0 ? "{\"button_id\":\"c1\"}" : "{\"text\":\"x\"}");
    api_call call;
    send_result out;
    char *body = file[0] == '{' || file[0] == '<' ? strdup(file) : corpus(file);
    CHECK_INT(tr->render(tr, &r, &call), MB_OK);
    http_response resp = answer(status, body ? body : "");
    tr->classify(tr, &r, &call, &resp, &out);
    if (wait) *wait = out.retry_after_ms;
    CHECK(out.description[0] || out.outcome == SEND_OK);
    api_call_clear(&call);
    free(body);
    return out.outcome;
}

TEST(errors_are_classified_by_their_key)
{
    int64_t wait = 0;
    CHECK_INT(outcome_of("text", 401, "error_verify_token.json", NULL), SEND_FATAL);
    CHECK_INT(outcome_of("text", 403, "error_chat_denied.json", NULL), SEND_BLOCKED);
    CHECK_INT(outcome_of("answer", 403, "error_chat_denied.json", NULL), SEND_FAILED);   /* an old press, not a block */
    CHECK_INT(outcome_of("text", 429, "error_too_many_requests.json", &wait), SEND_RETRY);
    CHECK_INT(wait, MAX_RATE_WAIT_MS);
    CHECK_INT(outcome_of("text", 400, "error_proto_payload.json", NULL), SEND_FAILED);
    CHECK_INT(outcome_of("answer", 200, "simple_query_result_refused.json", NULL), SEND_FAILED);
    CHECK_INT(outcome_of("answer", 200, "simple_query_result_ok.json", NULL), SEND_OK);
    CHECK_INT(outcome_of("text", 502, "<html>Bad Gateway</html>", NULL), SEND_RETRY);
    CHECK_INT(outcome_of("text", 503, "{\"code\":\"internal.error\",\"message\":\"x\"}", NULL), SEND_RETRY);
    CHECK_INT(outcome_of("text", 429, "<html>slow down</html>", &wait), SEND_RETRY);
    CHECK_INT(wait, MAX_RATE_WAIT_MS);
    CHECK_INT(outcome_of("text", 200, "<html>cut", NULL), SEND_UNKNOWN);   /* may have been shown */

    /* the network: refused before the request left is retried; lost after is unknown */
    outbox_row r = row_of(71, 5, "text", "{\"text\":\"x\"}");
    api_call call;
    send_result out;
    CHECK_INT(tr->render(tr, &r, &call), MB_OK);
    http_response resp = answer(0, "");
    resp.curl_code = CURLE_COULDNT_CONNECT;
    resp.request_sent = 0;
    tr->classify(tr, &r, &call, &resp, &out);
    CHECK_INT(out.outcome, SEND_RETRY);
    resp.curl_code = CURLE_OPERATION_TIMEDOUT;
    resp.request_sent = 1;
    tr->classify(tr, &r, &call, &resp, &out);
    CHECK_INT(out.outcome, SEND_UNKNOWN);
    api_call_clear(&call);
}

TEST(tokens_and_formats_are_checked)
{
    max_sender s;
    CHECK_INT(max_sender_init(&s, NULL, "tok\r\nX-Evil: 1", MAX_FORMAT_PLAIN), MB_ERR_INVALID);
    CHECK_INT(max_sender_init(&s, NULL, "", MAX_FORMAT_PLAIN), MB_ERR_INVALID);
    CHECK_INT(max_sender_init(&s, NULL, "abc", MAX_FORMAT_PLAIN), MB_OK);
    CHECK_STR(s.api_base, MAX_API_BASE_DEFAULT);
    max_text_format f;
    CHECK_INT(max_format_parse("markdown", &f), MB_OK);
    CHECK_INT(f, MAX_FORMAT_MARKDOWN);
    CHECK_INT(max_format_parse("bbcode", &f), MB_ERR_INVALID);
}

int main(void)
{
    if (max_sender_init(&sender, "http://max.test", "max-secret", MAX_FORMAT_PLAIN)) return 1;
    tr = &sender.transport;
    RUN(a_text_goes_to_the_user_with_its_keyboard_and_the_token_in_a_header);
    RUN(texts_are_escaped_for_the_chosen_format);
    RUN(contact_request_answers_and_edits);
    RUN(media_a_user_sent_goes_back_by_its_tokens);
    RUN(a_chart_is_uploaded_and_attached_as_an_image);
    RUN(a_file_is_uploaded_in_three_steps_and_waits_while_max_processes_it);
    RUN(errors_are_classified_by_their_key);
    RUN(tokens_and_formats_are_checked);
    return unit_summary();
}

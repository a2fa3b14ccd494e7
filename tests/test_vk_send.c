/*
 * Outgoing VK calls: what messages.send carries (random_id from the row, so
 * VK drops a repeat; keyboards within VK's limits; the token only in the
 * body), how a file travels through the upload server (a picture as a
 * VK photo, or as a document when VK would not take it as one), and how
 * each VK error is treated.
 */
#include "tests/unit.h"

#include "bot/vk/vk.h"
#include "util/json.h"
#include "util/text.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

static config cfg;
static vk_client *client;
static transport *tr;

static outbox_row row_of(int64_t id, const char *kind, const char *body)
{
    outbox_row r;
    memset(&r, 0, sizeof r);
    r.id = id;
    snprintf(r.platform, sizeof r.platform, "vk");
    snprintf(r.kind, sizeof r.kind, "%s", kind);
    r.chat_id = 777;
    r.body = (char *)body;
    return r;
}

/* The value of name in a form body, unescaped (static buffer). */
static const char *form_value(const char *body, const char *name)
{
    static char out[4096];
    out[0] = 0;
    char key[64];
    snprintf(key, sizeof key, "%s=", name);
    for (const char *p = body; p && *p; p = strchr(p, '&') ? strchr(p, '&') + 1 : NULL) {
        if (strncmp(p, key, strlen(key)) != 0) continue;
        const char *v = p + strlen(key), *end = strchr(v, '&');
        int n = end ? (int)(end - v) : (int)strlen(v), outlen = 0;
        char *u = curl_easy_unescape(NULL, v, n, &outlen);
        snprintf(out, sizeof out, "%s", u ? u : "");
        curl_free(u);
        break;
    }
    return out;
}

TEST(send_carries_random_id_text_and_an_inline_keyboard)
{
    outbox_row r = row_of(4242, "text", "{\"text\":\"Как вас зовут? 😀\",\"buttons\":[[{\"text\":\"Да\",\"data\":\"consent:yes\"}]]}");
    api_call call;
    CHECK_INT(tr->render(tr, &r, &call), MB_OK);
    CHECK_STR(call.url, "http://vk.test/method/messages.send");
    CHECK(call.form_encoded);
    CHECK(call.idempotent);
    CHECK_STR(form_value(call.json, "random_id"), "4242");
    /* peer_ids, so the answer carries the conversation_message_id edits need */
    CHECK_STR(form_value(call.json, "peer_ids"), "777");
    CHECK_STR(form_value(call.json, "message"), "Как вас зовут? 😀");
    CHECK_STR(form_value(call.json, "v"), "5.199");
    CHECK_STR(form_value(call.json, "access_token"), "vk-secret");
    cJSON *kb = cJSON_Parse(form_value(call.json, "keyboard"));
    CHECK(cJSON_IsTrue(cJSON_GetObjectItem(kb, "inline")));
    const cJSON *btn = cJSON_GetArrayItem(cJSON_GetArrayItem(cJSON_GetObjectItem(kb, "buttons"), 0), 0);
    const cJSON *action = cJSON_GetObjectItem(btn, "action");
    CHECK_STR(json_str(action, "type"), "callback");
    CHECK_STR(json_str(action, "label"), "Да");
    CHECK_STR(json_str(action, "payload"), "{\"b\":\"consent:yes\"}");
    cJSON_Delete(kb);
    api_call_clear(&call);
}

TEST(big_keyboards_become_regular_and_labels_are_cut)
{
    /* eleven grade buttons do not fit an inline keyboard */
    char body[2048] = "{\"text\":\"Класс?\",\"buttons\":[[";
    for (int g = 1; g <= 11; g++) {
        char b[96];
        snprintf(b, sizeof b, "%s{\"text\":\"%d\",\"data\":\"grade:%d\"}", g > 1 ? "," : "", g, g);
        strcat(body, b);
    }
    strcat(body, "],[{\"text\":\"Очень-очень длинная подпись кнопки, которая не влезает в сорок символов\",\"data\":\"x\"}]]}");
    outbox_row r = row_of(1, "text", body);
    api_call call;
    CHECK_INT(tr->render(tr, &r, &call), MB_OK);
    cJSON *kb = cJSON_Parse(form_value(call.json, "keyboard"));
    CHECK(cJSON_IsFalse(cJSON_GetObjectItem(kb, "inline")));
    /* a row of eleven wraps into rows of at most five */
    const cJSON *rows = cJSON_GetObjectItem(kb, "buttons");
    CHECK_INT(cJSON_GetArraySize(rows), 4);
    const cJSON *each;
    cJSON_ArrayForEach(each, rows) CHECK(cJSON_GetArraySize(each) <= 5);
    const cJSON *last = cJSON_GetArrayItem(cJSON_GetArrayItem(rows, 3), 0);
    const char *label = json_str(cJSON_GetObjectItem(last, "action"), "label");
    CHECK(label && text_codepoints(label) <= 40);
    cJSON_Delete(kb);
    api_call_clear(&call);
}

TEST(button_answers_and_edits_use_their_methods)
{
    outbox_row r = row_of(2, "answer", "{\"button_id\":\"abc123\"}");
    api_call call;
    CHECK_INT(tr->render(tr, &r, &call), MB_OK);
    CHECK_STR(call.url, "http://vk.test/method/messages.sendMessageEventAnswer");
    CHECK_STR(form_value(call.json, "event_id"), "abc123");
    CHECK_STR(form_value(call.json, "user_id"), "777");
    api_call_clear(&call);
    r = row_of(3, "edit", "{\"message_id\":15,\"text\":\"new\",\"buttons\":[]}");
    CHECK_INT(tr->render(tr, &r, &call), MB_OK);
    CHECK_STR(call.url, "http://vk.test/method/messages.edit");
    CHECK_STR(form_value(call.json, "conversation_message_id"), "15");
    api_call_clear(&call);
}

#define VK_ERROR(code, msg) "{\"error\":{\"error_code\":" #code ",\"error_msg\":\"" msg "\"}}"

static send_result classify(long status, const char *body, CURLcode curl)
{
    outbox_row r = row_of(9, "text", "{\"text\":\"x\"}");
    api_call call;
    memset(&call, 0, sizeof call);
    http_response resp;
    memset(&resp, 0, sizeof resp);
    resp.status = status;
    resp.curl_code = curl;
    resp.body = (char *)(body ? body : "");
    resp.body_len = body ? strlen(body) : 0;
    send_result out;
    tr->classify(tr, &r, &call, &resp, &out);
    return out;
}

/* An answer to call, as the sender would hand it over. */
static send_result answer(const outbox_row *r, api_call *call, long status, const char *body)
{
    http_response resp;
    memset(&resp, 0, sizeof resp);
    resp.status = status;
    resp.body = (char *)body;
    resp.body_len = strlen(body);
    send_result out;
    tr->classify(tr, r, call, &resp, &out);
    return out;
}

TEST(a_file_goes_through_the_upload_server_then_messages_send)
{
    char path[512], body[1024];
    unit_write_tmp("pairs.csv", "mentor;mentee\n", path, sizeof path);
    snprintf(body, sizeof body, "{\"path\":\"%s\",\"filename\":\"Пары.csv\",\"caption\":\"Список пар\"}", path);
    outbox_row r = row_of(31, "document", body);
    api_call call;
    CHECK_INT(tr->render(tr, &r, &call), MB_OK);
    CHECK_STR(call.url, "http://vk.test/method/docs.getMessagesUploadServer");
    CHECK_STR(form_value(call.json, "peer_id"), "777");
    CHECK_STR(form_value(call.json, "type"), "doc");

    send_result s = answer(&r, &call, 200, "{\"response\":{\"upload_url\":\"https://pu.vk.test/upload.php?x=1\"}}");
    CHECK_INT(s.outcome, SEND_NEXT);
    CHECK_STR(call.url, "https://pu.vk.test/upload.php?x=1");
    CHECK(call.json == NULL);
    CHECK_STR(call.file.field, "file");
    CHECK_STR(call.file.path, path);
    CHECK_STR(call.file.filename, "Пары.csv");

    s = answer(&r, &call, 200, "{\"file\":\"opaque|file|string\"}");
    CHECK_INT(s.outcome, SEND_NEXT);
    CHECK_STR(call.url, "http://vk.test/method/docs.save");
    CHECK_STR(form_value(call.json, "file"), "opaque|file|string");
    CHECK_STR(form_value(call.json, "title"), "Пары.csv");

    s = answer(&r, &call, 200, "{\"response\":{\"type\":\"doc\",\"doc\":{\"id\":456,\"owner_id\":-1,\"title\":\"Пары.csv\"}}}");
    CHECK_INT(s.outcome, SEND_NEXT);
    CHECK_STR(call.url, "http://vk.test/method/messages.send");
    CHECK_STR(form_value(call.json, "attachment"), "doc-1_456");
    CHECK_STR(form_value(call.json, "random_id"), "31");
    CHECK_STR(form_value(call.json, "peer_ids"), "777");
    CHECK_STR(form_value(call.json, "message"), "Список пар");

    s = answer(&r, &call, 200, "{\"response\":[{\"peer_id\":777,\"message_id\":90001,\"conversation_message_id\":12}]}");
    CHECK_INT(s.outcome, SEND_OK);
    CHECK_INT(s.message_id, 12);
    api_call_clear(&call);
}

/* Media a user sent goes on by its reference in one messages.send, with
 * the caption and the buttons, and the answer is read as a sent message. */
TEST(media_vk_holds_is_attached_by_its_reference)
{
    outbox_row r = row_of(32, "photo", "{\"ref\":\"photo5_457239017_ab12cd\",\"caption\":\"Сообщение от Пети\","
                                       "\"buttons\":[[{\"text\":\"Ответить\",\"data\":\"pr:w:1:2\"}]]}");
    api_call call;
    CHECK_INT(tr->render(tr, &r, &call), MB_OK);
    CHECK_STR(call.url, "http://vk.test/method/messages.send");
    CHECK_STR(form_value(call.json, "attachment"), "photo5_457239017_ab12cd");
    CHECK_STR(form_value(call.json, "message"), "Сообщение от Пети");
    CHECK_STR(form_value(call.json, "random_id"), "32");
    CHECK_CONTAINS(form_value(call.json, "keyboard"), "pr:w:1:2");
    send_result s = answer(&r, &call, 200, "{\"response\":[{\"peer_id\":777,\"message_id\":90002,"
                                           "\"conversation_message_id\":13}]}");
    CHECK_INT(s.outcome, SEND_OK);
    CHECK_INT(s.message_id, 13);
    api_call_clear(&call);
}

TEST(a_failed_upload_step_is_retried_from_the_start_and_a_missing_file_refused)
{
    char path[512], body[1024];
    unit_write_tmp("digest.csv", "x\n", path, sizeof path);
    snprintf(body, sizeof body, "{\"path\":\"%s\"}", path);
    outbox_row r = row_of(32, "document", body);
    api_call call;
    CHECK_INT(tr->render(tr, &r, &call), MB_OK);
    send_result s = answer(&r, &call, 200, "{\"response\":{\"upload_url\":\"http://up.test/u\"}}");
    CHECK_INT(s.outcome, SEND_NEXT);
    s = answer(&r, &call, 200, "{\"error\":\"ERR_UPLOAD_FILE_NOT_UPLOADED: file not uploaded\"}");
    CHECK_INT(s.outcome, SEND_RETRY);
    CHECK_CONTAINS(s.description, "file not uploaded");
    api_call_clear(&call);

    /* a person who closed their messages is unreachable at the first step */
    CHECK_INT(tr->render(tr, &r, &call), MB_OK);
    s = answer(&r, &call, 200, "{\"error\":{\"error_code\":901,\"error_msg\":\"Can't send messages for users without permission\"}}");
    CHECK_INT(s.outcome, SEND_BLOCKED);
    api_call_clear(&call);

    /* an upload URL that is not http(s) is not followed */
    CHECK_INT(tr->render(tr, &r, &call), MB_OK);
    s = answer(&r, &call, 200, "{\"response\":{\"upload_url\":\"file:///etc/passwd\"}}");
    CHECK_INT(s.outcome, SEND_RETRY);
    api_call_clear(&call);

    outbox_row gone = row_of(33, "document", "{\"path\":\"/nonexistent/report.csv\"}");
    CHECK_INT(tr->render(tr, &gone, &call), MB_ERR_INVALID);
    unit_write_tmp("empty.csv", "", path, sizeof path);
    snprintf(body, sizeof body, "{\"path\":\"%s\"}", path);
    outbox_row empty = row_of(34, "document", body);
    CHECK_INT(tr->render(tr, &empty, &call), MB_ERR_INVALID);
}

/* Writes len bytes into name in the test folder; its path into path. */
static void write_bytes(const char *name, const unsigned char *data, size_t len, char *path, size_t size)
{
    snprintf(path, size, "%s/%s", unit_tmpdir(), name);
    FILE *f = fopen(path, "wb");
    if (!f) return;
    fwrite(data, 1, len, f);
    fclose(f);
}

/* The start of a PNG of width x height pixels: what VK's limits are read from. */
static void write_png(const char *name, unsigned width, unsigned height, char *path, size_t size)
{
    unsigned char png[33] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    for (int i = 0; i < 4; i++) {
        png[16 + i] = (unsigned char)(width >> (24 - 8 * i));
        png[20 + i] = (unsigned char)(height >> (24 - 8 * i));
    }
    png[24] = 8;
    png[25] = 2;
    write_bytes(name, png, sizeof png, path, size);
}

/* A picture of kind "photo" goes the photo way: the upload server of
 * photos, the part "photo", photos.saveMessagesPhoto with what the upload
 * answered, and messages.send with photo<owner>_<id>_<access_key>. */
TEST(a_picture_goes_as_a_vk_photo)
{
    char path[512], body[1024];
    write_png("chart.png", 1080, 1350, path, sizeof path);
    snprintf(body, sizeof body, "{\"path\":\"%s\",\"filename\":\"digest.png\",\"caption\":\"Диаграмма.\","
                                "\"temporary\":true}", path);
    outbox_row r = row_of(51, "photo", body);
    api_call call;
    CHECK_INT(tr->render(tr, &r, &call), MB_OK);
    CHECK_STR(call.url, "http://vk.test/method/photos.getMessagesUploadServer");
    CHECK_STR(form_value(call.json, "peer_id"), "777");
    CHECK_STR(form_value(call.json, "type"), "");

    send_result s = answer(&r, &call, 200, "{\"response\":{\"album_id\":-3,\"upload_url\":\"https://pu.vk.test/c1/upload.php?act=do_add\","
                                           "\"user_id\":0,\"group_id\":1}}");
    CHECK_INT(s.outcome, SEND_NEXT);
    CHECK_STR(call.url, "https://pu.vk.test/c1/upload.php?act=do_add");
    CHECK_STR(call.file.field, "photo");
    CHECK_STR(call.file.path, path);

    s = answer(&r, &call, 200, "{\"server\":836421,\"photo\":\"[{\\\"photo\\\":\\\"ab12:w\\\"}]\",\"hash\":\"9f8e\"}");
    CHECK_INT(s.outcome, SEND_NEXT);
    CHECK_STR(call.url, "http://vk.test/method/photos.saveMessagesPhoto");
    CHECK_STR(form_value(call.json, "server"), "836421");
    CHECK_STR(form_value(call.json, "photo"), "[{\"photo\":\"ab12:w\"}]");
    CHECK_STR(form_value(call.json, "hash"), "9f8e");

    s = answer(&r, &call, 200, "{\"response\":[{\"album_id\":-3,\"id\":457239017,\"owner_id\":-1,"
                               "\"access_key\":\"c0ffee42\",\"sizes\":[]}]}");
    CHECK_INT(s.outcome, SEND_NEXT);
    CHECK_STR(call.url, "http://vk.test/method/messages.send");
    CHECK_STR(form_value(call.json, "attachment"), "photo-1_457239017_c0ffee42");
    CHECK_STR(form_value(call.json, "random_id"), "51");
    CHECK_STR(form_value(call.json, "message"), "Диаграмма.");

    s = answer(&r, &call, 200, "{\"response\":[{\"peer_id\":777,\"message_id\":90003,\"conversation_message_id\":14}]}");
    CHECK_INT(s.outcome, SEND_OK);
    CHECK_INT(s.message_id, 14);
    api_call_clear(&call);

    /* a photo saved without an access key is named without one */
    CHECK_INT(tr->render(tr, &r, &call), MB_OK);
    answer(&r, &call, 200, "{\"response\":{\"upload_url\":\"https://pu.vk.test/u\"}}");
    answer(&r, &call, 200, "{\"server\":7,\"photo\":\"[{}x]\",\"hash\":\"h\"}");
    s = answer(&r, &call, 200, "{\"response\":[{\"id\":5,\"owner_id\":-1}]}");
    CHECK_INT(s.outcome, SEND_NEXT);
    CHECK_STR(form_value(call.json, "attachment"), "photo-1_5");
    CHECK_STR(form_value(call.json, "random_id"), "51");
    api_call_clear(&call);

    /* a JPEG and a GIF are photos too */
    const unsigned char jpeg[] = {0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
                                  0xFF, 0xC0, 0, 17, 8, 0x02, 0x58, 0x03, 0x20, 3};
    write_bytes("photo.jpg", jpeg, sizeof jpeg, path, sizeof path);
    snprintf(body, sizeof body, "{\"path\":\"%s\"}", path);
    r = row_of(52, "photo", body);
    CHECK_INT(tr->render(tr, &r, &call), MB_OK);
    CHECK_STR(call.url, "http://vk.test/method/photos.getMessagesUploadServer");
    api_call_clear(&call);
    const unsigned char gif[] = {'G', 'I', 'F', '8', '9', 'a', 0x40, 0x01, 0xF0, 0x00, 0, 0, 0};
    write_bytes("anim.gif", gif, sizeof gif, path, sizeof path);
    snprintf(body, sizeof body, "{\"path\":\"%s\"}", path);
    r = row_of(53, "photo", body);
    CHECK_INT(tr->render(tr, &r, &call), MB_OK);
    CHECK_STR(call.url, "http://vk.test/method/photos.getMessagesUploadServer");
    api_call_clear(&call);
}

/* A refusal on the photo way starts the file again, as on the document
 * way; VK's own refusals of the picture too; the other errors are read as
 * for any call. */
TEST(a_refused_photo_is_retried_and_errors_read_as_elsewhere)
{
    char path[512], body[1024];
    write_png("refused.png", 800, 600, path, sizeof path);
    snprintf(body, sizeof body, "{\"path\":\"%s\",\"caption\":\"x\"}", path);
    outbox_row r = row_of(61, "photo", body);
    api_call call;
    static const char *const UPLOAD_REFUSALS[] = {
        "{\"server\":836421,\"photo\":\"[]\",\"hash\":\"e3b0\"}",
        "{\"error\":\"ERR_UPLOAD_BAD_IMAGE_SIZE: too big\"}",
        "{\"server\":836421,\"photo\":\"\",\"hash\":\"\"}",
        "not json",
    };
    for (size_t i = 0; i < sizeof UPLOAD_REFUSALS / sizeof *UPLOAD_REFUSALS; i++) {
        CHECK_INT(tr->render(tr, &r, &call), MB_OK);
        send_result s = answer(&r, &call, 200, "{\"response\":{\"upload_url\":\"https://pu.vk.test/u\"}}");
        CHECK_INT(s.outcome, SEND_NEXT);
        s = answer(&r, &call, 200, UPLOAD_REFUSALS[i]);
        CHECK_INT(s.outcome, SEND_RETRY);
        CHECK_CONTAINS(s.description, "the upload server refused the photo");
        api_call_clear(&call);
    }
    /* an upload server answering HTTP 502 */
    CHECK_INT(tr->render(tr, &r, &call), MB_OK);
    answer(&r, &call, 200, "{\"response\":{\"upload_url\":\"https://pu.vk.test/u\"}}");
    CHECK_INT(answer(&r, &call, 502, "<html>Bad Gateway</html>").outcome, SEND_RETRY);
    api_call_clear(&call);

    /* photos.saveMessagesPhoto: 129 invalid photo and 121 invalid hash are
     * retried; a flood is retried; a bad parameter is refused for good */
    static const struct { const char *answer; send_outcome outcome; } SAVE[] = {
        {VK_ERROR(129, "Invalid photo"), SEND_RETRY},
        {VK_ERROR(121, "Invalid hash"), SEND_RETRY},
        {VK_ERROR(9, "Flood control"), SEND_RETRY},
        {VK_ERROR(100, "One of the parameters specified was missing or invalid: photo is undefined"), SEND_FAILED},
        {"{\"response\":[]}", SEND_RETRY},
    };
    for (size_t i = 0; i < sizeof SAVE / sizeof *SAVE; i++) {
        CHECK_INT(tr->render(tr, &r, &call), MB_OK);
        answer(&r, &call, 200, "{\"response\":{\"upload_url\":\"https://pu.vk.test/u\"}}");
        CHECK_INT(answer(&r, &call, 200, "{\"server\":1,\"photo\":\"[{}]\",\"hash\":\"h\"}").outcome, SEND_NEXT);
        CHECK_INT(answer(&r, &call, 200, SAVE[i].answer).outcome, SAVE[i].outcome);
        api_call_clear(&call);
    }
    /* someone who closed their messages is unreachable at the first step;
     * a captcha parks the call */
    CHECK_INT(tr->render(tr, &r, &call), MB_OK);
    CHECK_INT(answer(&r, &call, 200, VK_ERROR(901, "Can't send messages for users without permission")).outcome,
              SEND_BLOCKED);
    api_call_clear(&call);
    CHECK_INT(tr->render(tr, &r, &call), MB_OK);
    send_result s = answer(&r, &call, 200, "{\"error\":{\"error_code\":14,\"error_msg\":\"Captcha needed\",\"captcha_sid\":\"7\"}}");
    CHECK_INT(s.outcome, SEND_RETRY);
    CHECK_INT(s.retry_after_ms, VK_CAPTCHA_PARK_MS);
    api_call_clear(&call);
}

/* What VK would not take as a photo goes as a document (the log says why):
 * no picture, too many pixels, too narrow; and a picture tried as a photo
 * three times goes as a document at the fourth attempt. */
TEST(a_picture_vk_would_not_take_as_a_photo_goes_as_a_document)
{
    char path[512], body[1024];
    api_call call;
    struct { const char *name; unsigned width, height; } pictures[] = {
        {"huge.png", 9000, 5001},    /* width + height over 14000 */
        {"strip.png", 2100, 100},    /* one side over 20 times the other */
        {"empty.png", 0, 100},
    };
    for (size_t i = 0; i < sizeof pictures / sizeof *pictures; i++) {
        write_png(pictures[i].name, pictures[i].width, pictures[i].height, path, sizeof path);
        snprintf(body, sizeof body, "{\"path\":\"%s\",\"filename\":\"%s\"}", path, pictures[i].name);
        outbox_row r = row_of(70 + (int64_t)i, "photo", body);
        CHECK_INT(tr->render(tr, &r, &call), MB_OK);
        CHECK_STR(call.url, "http://vk.test/method/docs.getMessagesUploadServer");
        CHECK_STR(form_value(call.json, "type"), "doc");
        api_call_clear(&call);
    }
    write_png("ok.png", 1000, 50, path, sizeof path);   /* 1:20 exactly is taken */
    snprintf(body, sizeof body, "{\"path\":\"%s\"}", path);
    outbox_row ok = row_of(75, "photo", body);
    CHECK_INT(tr->render(tr, &ok, &call), MB_OK);
    CHECK_STR(call.url, "http://vk.test/method/photos.getMessagesUploadServer");
    api_call_clear(&call);

    /* not a picture at all: the whole document way, with its own random_id */
    unit_write_tmp("notes.txt", "не картинка\n", path, sizeof path);
    snprintf(body, sizeof body, "{\"path\":\"%s\",\"filename\":\"notes.txt\",\"caption\":\"Заметки\"}", path);
    outbox_row r = row_of(76, "photo", body);
    CHECK_INT(tr->render(tr, &r, &call), MB_OK);
    CHECK_STR(call.url, "http://vk.test/method/docs.getMessagesUploadServer");
    CHECK_INT(answer(&r, &call, 200, "{\"response\":{\"upload_url\":\"https://pu.vk.test/d\"}}").outcome, SEND_NEXT);
    CHECK_STR(call.file.field, "file");
    CHECK_INT(answer(&r, &call, 200, "{\"file\":\"f1\"}").outcome, SEND_NEXT);
    CHECK_STR(call.url, "http://vk.test/method/docs.save");
    CHECK_INT(answer(&r, &call, 200, "{\"response\":{\"type\":\"doc\",\"doc\":{\"id\":9,\"owner_id\":-1}}}").outcome,
              SEND_NEXT);
    CHECK_STR(form_value(call.json, "attachment"), "doc-1_9");
    CHECK_STR(form_value(call.json, "random_id"), "76");
    CHECK_STR(form_value(call.json, "message"), "Заметки");
    api_call_clear(&call);

    /* three times tried as a photo: the fourth attempt sends a document */
    write_png("thrice.png", 640, 480, path, sizeof path);
    snprintf(body, sizeof body, "{\"path\":\"%s\"}", path);
    outbox_row again = row_of(77, "photo", body);
    again.attempts = 2;
    CHECK_INT(tr->render(tr, &again, &call), MB_OK);
    CHECK_STR(call.url, "http://vk.test/method/photos.getMessagesUploadServer");
    api_call_clear(&call);
    again.attempts = 3;
    CHECK_INT(tr->render(tr, &again, &call), MB_OK);
    CHECK_STR(call.url, "http://vk.test/method/docs.getMessagesUploadServer");
    api_call_clear(&call);

    /* a document stays a document, a picture or not */
    outbox_row doc = row_of(78, "document", body);
    CHECK_INT(tr->render(tr, &doc, &call), MB_OK);
    CHECK_STR(call.url, "http://vk.test/method/docs.getMessagesUploadServer");
    api_call_clear(&call);
}

TEST(per_peer_errors_in_a_peer_ids_answer_count)
{
    outbox_row r = row_of(40, "text", "{\"text\":\"x\"}");
    api_call call;
    CHECK_INT(tr->render(tr, &r, &call), MB_OK);
    send_result s = answer(&r, &call, 200,
                           "{\"response\":[{\"peer_id\":777,\"error\":{\"code\":901,"
                           "\"description\":\"Can't send messages for users without permission\"}}]}");
    CHECK_INT(s.outcome, SEND_BLOCKED);
    CHECK_INT(s.error_code, 901);
    CHECK_CONTAINS(s.description, "without permission");
    s = answer(&r, &call, 200, "{\"response\":[{\"peer_id\":777,\"error\":{\"code\":9,\"description\":\"Flood control\"}}]}");
    CHECK_INT(s.outcome, SEND_RETRY);
    api_call_clear(&call);
}


TEST(each_vk_error_is_treated_as_documented)
{
    send_result r = classify(200, "{\"response\":321}", CURLE_OK);
    CHECK_INT(r.outcome, SEND_OK);
    CHECK_INT(r.message_id, 321);
    CHECK_INT(classify(200, VK_ERROR(6, "Too many requests per second"), CURLE_OK).outcome, SEND_RETRY);
    CHECK_INT(classify(200, VK_ERROR(9, "Flood control"), CURLE_OK).outcome, SEND_RETRY);
    CHECK_INT(classify(200, VK_ERROR(10, "Internal server error"), CURLE_OK).outcome, SEND_RETRY);
    r = classify(200, "{\"error\":{\"error_code\":14,\"error_msg\":\"Captcha needed\",\"captcha_sid\":\"55\"}}", CURLE_OK);
    CHECK_INT(r.outcome, SEND_RETRY);
    CHECK_INT(r.retry_after_ms, VK_CAPTCHA_PARK_MS);
    CHECK_CONTAINS(r.description, "sid 55");
    CHECK_INT(classify(200, VK_ERROR(5, "User authorization failed"), CURLE_OK).outcome, SEND_FATAL);
    CHECK_INT(classify(200, VK_ERROR(901, "Can't send messages for users without permission"), CURLE_OK).outcome,
              SEND_BLOCKED);
    CHECK_INT(classify(200, VK_ERROR(902, "Can't send messages to this user due to their privacy settings"),
                       CURLE_OK).outcome, SEND_BLOCKED);
    r = classify(200, VK_ERROR(100, "One of the parameters specified was missing or invalid"), CURLE_OK);
    CHECK_INT(r.outcome, SEND_FAILED);
    CHECK_INT(r.error_code, 100);
    /* a timeout after the request went out is resent: random_id makes that safe */
    CHECK_INT(classify(0, NULL, CURLE_OPERATION_TIMEDOUT).outcome, SEND_RETRY);
    CHECK_INT(classify(502, "<html>", CURLE_OK).outcome, SEND_RETRY);
}

int main(void)
{
    config_defaults(&cfg);
    snprintf(cfg.vk_token, sizeof cfg.vk_token, "vk-secret");
    snprintf(cfg.vk_api_base, sizeof cfg.vk_api_base, "http://vk.test/method");
    cfg.vk_group_id = 1;
    char path[512], err[256];
    snprintf(path, sizeof path, "%s/vk.db", unit_tmpdir());
    db *d = NULL;
    if (db_open(path, DB_SYNC_NORMAL, &d, err, sizeof err)) fprintf(stderr, "%s\n", err);
    bot_env env = {.default_language = "ru", .consent_age = 14};
    client = vk_new(ev_default_loop(0), NULL, d, &env, &cfg, (vk_hooks){0});
    tr = vk_transport(client);
    RUN(send_carries_random_id_text_and_an_inline_keyboard);
    RUN(big_keyboards_become_regular_and_labels_are_cut);
    RUN(button_answers_and_edits_use_their_methods);
    RUN(each_vk_error_is_treated_as_documented);
    RUN(a_file_goes_through_the_upload_server_then_messages_send);
    RUN(a_failed_upload_step_is_retried_from_the_start_and_a_missing_file_refused);
    RUN(media_vk_holds_is_attached_by_its_reference);
    RUN(a_picture_goes_as_a_vk_photo);
    RUN(a_refused_photo_is_retried_and_errors_read_as_elsewhere);
    RUN(a_picture_vk_would_not_take_as_a_photo_goes_as_a_document);
    RUN(per_peer_errors_in_a_peer_ids_answer_count);
    vk_free(client);
    db_close(d);
    return unit_summary();
}

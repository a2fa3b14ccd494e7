/*
 * The simulator's Bot API on its own, spoken to over HTTP the way the bot
 * speaks to it: getUpdates with offsets, long polls and webhooks, and
 * sendMessage, edits, callback queries and documents answered as Telegram
 * answers them (a sent document's bytes can be read back). Its control API
 * (sent log, faults, limits, blocks) is tested in test_sim_control.c.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/e2e/harness.h"
#include "tests/unit.h"
#include "util/strbuf.h"

#define USER 5001LL

static sim_proc sim;
static int sim_up;

#define bot(method, status, ...) tg_api(&sim, method, status, __VA_ARGS__)
#define get sim_json_at
#define num sim_json_num
#define str sim_json_str
/* A message from the bot to USER; its message_id or -1. */
#define send_text(text, markup) tg_send_text(&sim, USER, text, markup)

TEST(get_me_names_the_sim_bot)
{
    if (sim_fresh(&sim)) return;
    long status = 0;
    cJSON *r = sim_request(&sim, "GET", "/bot123:TEST/getMe", NULL, &status);
    CHECK_INT(status, 200);
    CHECK(cJSON_IsTrue(get(r, "ok")));
    CHECK_STR(str(r, "result.username"), "mentorbot_sim_bot");
    CHECK(cJSON_IsTrue(get(r, "result.is_bot")));
    CHECK_INT(num(r, "result.id"), 7000000001LL);
    cJSON_Delete(r);
}

TEST(user_message_comes_out_of_get_updates)
{
    if (sim_fresh(&sim)) return;
    long long id = tg_say(&sim, USER, "Анна", "ru", "/start code42");
    CHECK(id >= 100000);
    long status = 0;
    cJSON *r = bot("getUpdates", &status, "{\"timeout\":0}");
    CHECK_INT(status, 200);
    CHECK_INT(cJSON_GetArraySize(get(r, "result")), 1);
    const cJSON *m = get(r, "result.0.message");
    CHECK_INT(num(r, "result.0.update_id"), id);
    CHECK_INT(num(m, "message_id"), 1);
    CHECK_INT(num(m, "from.id"), USER);
    CHECK(cJSON_IsFalse(get(m, "from.is_bot")));
    CHECK_STR(str(m, "from.first_name"), "Анна");
    CHECK_STR(str(m, "from.language_code"), "ru");
    CHECK_INT(num(m, "chat.id"), USER);
    CHECK_STR(str(m, "chat.type"), "private");
    CHECK_STR(str(m, "text"), "/start code42");
    CHECK(num(m, "date") > 1600000000LL);
    CHECK_STR(str(m, "entities.0.type"), "bot_command");
    CHECK_INT(num(m, "entities.0.offset"), 0);
    CHECK_INT(num(m, "entities.0.length"), 6);
    cJSON_Delete(r);

    /* Plain text carries no entities; message ids grow per chat. */
    tg_say(&sim, USER, "Анна", "ru", "hello");
    r = bot("getUpdates", &status, "{\"offset\":%lld}", id + 1);
    CHECK_INT(num(r, "result.0.message.message_id"), 2);
    CHECK(get(r, "result.0.message.entities") == NULL);
    cJSON_Delete(r);
}

/* A photo or document from the user comes out as Telegram describes it,
 * the text as its caption; the bot may send it back by file_id. */
TEST(user_photo_comes_with_its_caption_and_goes_back_by_file_id)
{
    if (sim_fresh(&sim)) return;
    cJSON *sizes = cJSON_Parse("[{\"file_id\":\"AgS\",\"width\":90,\"height\":67},"
                               "{\"file_id\":\"AgB\",\"width\":1280,\"height\":960}]");
    long long id = tg_say_media(&sim, USER, "Анна", "ru", "рисунок", "photo", sizes, "g1");
    CHECK(id >= 100000);
    long status = 0;
    cJSON *r = bot("getUpdates", &status, "{\"timeout\":0}");
    const cJSON *m = get(r, "result.0.message");
    CHECK_STR(str(m, "photo.1.file_id"), "AgB");
    CHECK_STR(str(m, "caption"), "рисунок");
    CHECK_STR(str(m, "media_group_id"), "g1");
    CHECK(get(m, "text") == NULL && get(m, "entities") == NULL);
    cJSON_Delete(r);
    /* a message with a photo and a document at once is refused */
    cJSON *doc = cJSON_Parse("{\"file_id\":\"BQ1\",\"file_name\":\"a.pdf\"}");
    cJSON *body = cJSON_CreateObject();
    cJSON_AddItemToObject(body, "from", cJSON_Parse("{\"id\":5001}"));
    cJSON_AddItemToObject(body, "photo", cJSON_Parse("[{\"file_id\":\"AgS\"}]"));
    cJSON_AddItemToObject(body, "document", doc);
    char *text = cJSON_PrintUnformatted(body);
    cJSON_Delete(sim_request(&sim, "POST", "/sim/tg/message", text, &status));
    CHECK_INT(status, 400);
    free(text);
    cJSON_Delete(body);
    r = bot("sendPhoto", &status, "{\"chat_id\":%lld,\"photo\":\"AgB\",\"caption\":\"от Анны\"}", USER);
    CHECK_INT(status, 200);
    CHECK_STR(str(r, "result.caption"), "от Анны");
    cJSON_Delete(r);
}

TEST(offset_confirms_updates_for_good)
{
    if (sim_fresh(&sim)) return;
    long long first = tg_say(&sim, USER, "A", NULL, "one");
    long long second = tg_say(&sim, USER, "A", NULL, "two");
    CHECK_INT(second, first + 1);
    cJSON *r = bot("getUpdates", NULL, "{}");
    CHECK_INT(cJSON_GetArraySize(get(r, "result")), 2);
    cJSON_Delete(r);
    /* Without an offset nothing is confirmed: the same two come again. */
    r = bot("getUpdates", NULL, "{\"limit\":1}");
    CHECK_INT(cJSON_GetArraySize(get(r, "result")), 1);
    CHECK_INT(num(r, "result.0.update_id"), first);
    cJSON_Delete(r);
    r = bot("getUpdates", NULL, "{\"offset\":\"%lld\"}", second);
    CHECK_INT(cJSON_GetArraySize(get(r, "result")), 1);
    CHECK_INT(num(r, "result.0.update_id"), second);
    cJSON_Delete(r);
    r = bot("getUpdates", NULL, "{\"offset\":%lld}", second + 1);
    CHECK_INT(cJSON_GetArraySize(get(r, "result")), 0);
    cJSON_Delete(r);
    /* A confirmed update never comes back, even when asked for by offset. */
    r = bot("getUpdates", NULL, "{\"offset\":%lld}", first);
    CHECK_INT(cJSON_GetArraySize(get(r, "result")), 0);
    cJSON_Delete(r);
    r = sim_getf(&sim, "/sim/stats");
    CHECK_INT(num(r, "confirmed_offset"), second + 1);
    CHECK_INT(num(r, "updates_pending"), 0);
    CHECK_INT(num(r, "updates_queued"), 2);
    cJSON_Delete(r);
}

static void *say_later(void *arg)
{
    usleep(300 * 1000);
    tg_say(&sim, USER, "A", NULL, arg);
    return NULL;
}

TEST(long_poll_returns_when_a_message_arrives)
{
    if (sim_fresh(&sim)) return;
    pthread_t t;
    long long start = harness_now_ms();
    pthread_create(&t, NULL, say_later, "wake up");
    cJSON *r = bot("getUpdates", NULL, "{\"timeout\":10}");
    long long took = harness_now_ms() - start;
    pthread_join(t, NULL);
    CHECK_STR(str(r, "result.0.message.text"), "wake up");
    CHECK(took >= 250);
    CHECK(took < 5000);
    cJSON_Delete(r);
}

TEST(long_poll_times_out_with_empty_result)
{
    if (sim_fresh(&sim)) return;
    long status = 0;
    long long start = harness_now_ms();
    cJSON *r = bot("getUpdates", &status, "{\"timeout\":1}");
    long long took = harness_now_ms() - start;
    CHECK_INT(status, 200);
    CHECK(cJSON_IsArray(get(r, "result")));
    CHECK_INT(cJSON_GetArraySize(get(r, "result")), 0);
    CHECK(took >= 900);
    CHECK(took < 3000);
    cJSON_Delete(r);
}

typedef struct poll_result {
    long status;
    cJSON *answer;
} poll_result;

static void *poll_long(void *arg)
{
    poll_result *p = arg;
    p->answer = bot("getUpdates", &p->status, "{\"timeout\":5}");
    return NULL;
}

TEST(second_get_updates_ends_the_first_with_409)
{
    if (sim_fresh(&sim)) return;
    pthread_t t;
    poll_result first = {0};
    pthread_create(&t, NULL, poll_long, &first);
    usleep(300 * 1000);
    long status = 0;
    long long start = harness_now_ms();
    cJSON *second = bot("getUpdates", &status, "{\"timeout\":0}");
    pthread_join(t, NULL);
    CHECK_INT(status, 200);
    CHECK_INT(first.status, 409);
    CHECK_INT(num(first.answer, "error_code"), 409);
    CHECK(cJSON_IsFalse(get(first.answer, "ok")));
    CHECK_STR(str(first.answer, "description"),
              "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running");
    CHECK(harness_now_ms() - start < 3000);
    cJSON_Delete(first.answer);
    cJSON_Delete(second);
    cJSON *stats = sim_getf(&sim, "/sim/stats");
    CHECK_INT(num(stats, "conflicts"), 1);
    CHECK_INT(num(stats, "errors.409"), 1);
    cJSON_Delete(stats);
}

TEST(webhook_blocks_get_updates)
{
    if (sim_fresh(&sim)) return;
    long status = 0;
    tg_say(&sim, USER, "A", NULL, "hi");
    cJSON *r = bot("setWebhook", &status, "{\"url\":\"https://example.org/hook\"}");
    CHECK_INT(status, 200);
    cJSON_Delete(r);
    r = bot("getUpdates", &status, "{}");
    CHECK_INT(status, 409);
    CHECK_CONTAINS(str(r, "description"), "can't use getUpdates method while webhook is active");
    cJSON_Delete(r);
    r = bot("getWebhookInfo", &status, "{}");
    CHECK_STR(str(r, "result.url"), "https://example.org/hook");
    CHECK_INT(num(r, "result.pending_update_count"), 1);
    cJSON_Delete(r);
    r = bot("deleteWebhook", &status, "{\"drop_pending_updates\":true}");
    CHECK(cJSON_IsTrue(get(r, "result")));
    cJSON_Delete(r);
    r = bot("getUpdates", &status, "{}");
    CHECK_INT(status, 200);
    CHECK_INT(cJSON_GetArraySize(get(r, "result")), 0);
    cJSON_Delete(r);
}

TEST(allowed_updates_are_remembered)
{
    if (sim_fresh(&sim)) return;
    tg_say(&sim, USER, "A", NULL, "a text");
    long long press = tg_press(&sim, USER, "A", NULL, 99, "x");
    cJSON *r = bot("getUpdates", NULL, "{\"allowed_updates\":\"[\\\"callback_query\\\"]\"}");
    CHECK_INT(cJSON_GetArraySize(get(r, "result")), 1);
    CHECK_INT(num(r, "result.0.update_id"), press);
    CHECK_STR(str(r, "result.0.callback_query.data"), "x");
    /* An unknown message comes as an inaccessible one (date 0). */
    CHECK_INT(num(r, "result.0.callback_query.message.date"), 0);
    cJSON_Delete(r);
    tg_say(&sim, USER, "A", NULL, "another text");
    r = bot("getUpdates", NULL, "{\"offset\":%lld}", press + 1);
    CHECK_INT(cJSON_GetArraySize(get(r, "result")), 0);
    cJSON_Delete(r);
}

TEST(send_message_answers_like_telegram)
{
    if (sim_fresh(&sim)) return;
    long status = 0;
    cJSON *r = bot("sendMessage", &status, "{\"chat_id\":%lld,\"text\":\"hi\"}", USER);
    CHECK_INT(status, 400);
    CHECK_STR(str(r, "description"), "Bad Request: chat not found");
    cJSON_Delete(r);
    tg_say(&sim, USER, "Анна", "ru", "/start");
    r = bot("sendMessage", &status,
            "{\"chat_id\":\"%lld\",\"text\":\"Привет, Анна!\",\"parse_mode\":\"HTML\","
            "\"reply_markup\":{\"inline_keyboard\":[[{\"text\":\"Да\",\"callback_data\":\"yes\"},"
            "{\"text\":\"Нет\",\"callback_data\":\"no\"}]]}}",
            USER);
    CHECK_INT(status, 200);
    CHECK(cJSON_IsTrue(get(r, "ok")));
    CHECK_INT(num(r, "result.message_id"), 2);
    CHECK(cJSON_IsTrue(get(r, "result.from.is_bot")));
    CHECK_STR(str(r, "result.from.username"), "mentorbot_sim_bot");
    CHECK_INT(num(r, "result.chat.id"), USER);
    CHECK_STR(str(r, "result.chat.type"), "private");
    CHECK_STR(str(r, "result.chat.first_name"), "Анна");
    CHECK_STR(str(r, "result.text"), "Привет, Анна!");
    CHECK_STR(str(r, "result.reply_markup.inline_keyboard.0.1.callback_data"), "no");
    cJSON_Delete(r);

    r = bot("sendMessage", &status, "{\"chat_id\":%lld,\"text\":\"\"}", USER);
    CHECK_INT(status, 400);
    CHECK_STR(str(r, "description"), "Bad Request: message text is empty");
    cJSON_Delete(r);
    r = bot("sendMessage", &status, "{\"text\":\"x\"}");
    CHECK_INT(status, 400);
    CHECK_STR(str(r, "description"), "Bad Request: chat_id is empty");
    cJSON_Delete(r);
}

/* text_units UTF-16 units made of a repeated character */
static char *repeat(const char *unit, int times)
{
    size_t n = strlen(unit);
    char *s = malloc(n * (size_t)times + 1);
    for (int i = 0; i < times; i++) memcpy(s + n * (size_t)i, unit, n);
    s[n * (size_t)times] = 0;
    return s;
}

TEST(text_limit_counts_utf16_units)
{
    if (sim_fresh(&sim)) return;
    tg_say(&sim, USER, "A", NULL, "/start");
    struct { const char *unit; int times; long status; } cases[] = {
        {"я", 4096, 200}, {"я", 4097, 400}, {"😀", 2048, 200}, {"😀", 2049, 400}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char *text = repeat(cases[i].unit, cases[i].times);
        long status = 0;
        cJSON *r = bot("sendMessage", &status, "{\"chat_id\":%lld,\"text\":\"%s\"}", USER, text);
        CHECK_INT(status, cases[i].status);
        if (cases[i].status == 400) CHECK_STR(str(r, "description"), "Bad Request: message is too long");
        cJSON_Delete(r);
        free(text);
    }
}

TEST(callback_data_over_64_bytes_is_refused)
{
    if (sim_fresh(&sim)) return;
    tg_say(&sim, USER, "A", NULL, "/start");
    char *ok_data = repeat("d", 64), *long_data = repeat("d", 65);
    char markup[256];
    snprintf(markup, sizeof markup, "{\"inline_keyboard\":[[{\"text\":\"b\",\"callback_data\":\"%s\"}]]}", ok_data);
    CHECK(send_text("ok", markup) > 0);
    snprintf(markup, sizeof markup, "{\"inline_keyboard\":[[{\"text\":\"b\",\"callback_data\":\"%s\"}]]}", long_data);
    long status = 0;
    cJSON *r = bot("sendMessage", &status, "{\"chat_id\":%lld,\"text\":\"x\",\"reply_markup\":%s}", USER, markup);
    CHECK_INT(status, 400);
    CHECK_STR(str(r, "description"), "Bad Request: BUTTON_DATA_INVALID");
    cJSON_Delete(r);
    free(ok_data);
    free(long_data);
}

TEST(edit_with_same_content_is_not_modified)
{
    if (sim_fresh(&sim)) return;
    tg_say(&sim, USER, "A", NULL, "/start");
    const char *markup = "{\"inline_keyboard\":[[{\"text\":\"Go\",\"callback_data\":\"go\"}]]}";
    long long id = send_text("Question?", markup);
    CHECK(id > 0);
    long status = 0;
    cJSON *r = bot("editMessageText", &status,
                   "{\"chat_id\":%lld,\"message_id\":%lld,\"text\":\"Question?\",\"reply_markup\":%s}",
                   USER, id, markup);
    CHECK_INT(status, 400);
    CHECK_CONTAINS(str(r, "description"), "Bad Request: message is not modified");
    cJSON_Delete(r);
    r = bot("editMessageText", &status, "{\"chat_id\":%lld,\"message_id\":%lld,\"text\":\"Answered\"}", USER, id);
    CHECK_INT(status, 200);
    CHECK_STR(str(r, "result.text"), "Answered");
    CHECK(get(r, "result.reply_markup") == NULL); /* no markup given: keyboard removed */
    CHECK(num(r, "result.edit_date") > 0);
    cJSON_Delete(r);
    r = bot("editMessageReplyMarkup", &status, "{\"chat_id\":%lld,\"message_id\":%lld}", USER, id);
    CHECK_INT(status, 400);
    cJSON_Delete(r);
    r = bot("editMessageText", &status, "{\"chat_id\":%lld,\"message_id\":777,\"text\":\"x\"}", USER);
    CHECK_INT(status, 400);
    CHECK_STR(str(r, "description"), "Bad Request: message to edit not found");
    cJSON_Delete(r);
}

TEST(callback_query_is_answered_once)
{
    if (sim_fresh(&sim)) return;
    tg_say(&sim, USER, "A", NULL, "/start");
    long long id = send_text("Pick", "{\"inline_keyboard\":[[{\"text\":\"One\",\"callback_data\":\"pick:1\"}]]}");
    long long seq = 0;
    cJSON *call = tg_wait_call(&sim, USER, &seq, 2000);
    CHECK_STR(tg_button_data(call, "One"), "pick:1");
    CHECK(tg_button_data(call, "Two") == NULL);
    cJSON_Delete(call);
    long long update = tg_press(&sim, USER, "A", NULL, id, "pick:1");
    cJSON *r = bot("getUpdates", NULL, "{\"offset\":%lld}", update);
    const char *query = str(r, "result.0.callback_query.id");
    CHECK(query != NULL);
    CHECK_INT(num(r, "result.0.callback_query.message.message_id"), id);
    CHECK_STR(str(r, "result.0.callback_query.message.text"), "Pick");
    CHECK(str(r, "result.0.callback_query.chat_instance") != NULL);
    long status = 0;
    cJSON *a = bot("answerCallbackQuery", &status, "{\"callback_query_id\":\"%s\",\"text\":\"ok\"}", query ? query : "");
    CHECK_INT(status, 200);
    cJSON_Delete(a);
    a = bot("answerCallbackQuery", &status, "{\"callback_query_id\":\"%s\"}", query ? query : "");
    CHECK_INT(status, 400);
    CHECK_STR(str(a, "description"), "Bad Request: query is too old and response timeout expired or query ID is invalid");
    cJSON_Delete(a);
    cJSON_Delete(r);
    cJSON *answered = tg_wait_method(&sim, USER, &seq, "answerCallbackQuery", 1000);
    CHECK_INT(num(answered, "chat_id"), USER);
    CHECK_STR(str(answered, "params.text"), "ok");
    cJSON_Delete(answered);
}

TEST(unknown_method_is_404)
{
    if (sim_fresh(&sim)) return;
    long status = 0;
    char *answer = sim_request_raw(&sim, "POST", "/bot1:X/sendTelepathy", "application/json", "{}", 2, &status);
    CHECK_INT(status, 404);
    CHECK_STR(answer, "{\"ok\":false,\"error_code\":404,\"description\":\"Not Found\"}");
    free(answer);
}

TEST(multipart_send_document)
{
    if (sim_fresh(&sim)) return;
    tg_say(&sim, USER, "A", NULL, "/start");
    char url[128], chat[32];
    char *bytes = repeat("x;y\r\n", 250); /* 1250 bytes, CRLFs included */
    strbuf body;
    long status = 0;
    sb_init(&body, 0);
    snprintf(url, sizeof url, "%s/bot1:X/sendDocument", sim.base);
    snprintf(chat, sizeof chat, "%lld", USER);
    CURL *curl = curl_easy_init();
    curl_mime *mime = curl_mime_init(curl);
    curl_mimepart *part = curl_mime_addpart(mime);
    curl_mime_name(part, "chat_id");
    curl_mime_data(part, chat, CURL_ZERO_TERMINATED);
    part = curl_mime_addpart(mime);
    curl_mime_name(part, "caption");
    curl_mime_data(part, "Отчёт", CURL_ZERO_TERMINATED);
    part = curl_mime_addpart(mime);
    curl_mime_name(part, "document");
    curl_mime_filename(part, "report.csv");
    curl_mime_type(part, "text/csv");
    curl_mime_data(part, bytes, strlen(bytes));
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_MIMEPOST, mime);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, sb_collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    CHECK_INT(curl_easy_perform(curl), CURLE_OK);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_mime_free(mime);
    curl_easy_cleanup(curl);
    CHECK_INT(status, 200);
    cJSON *r = cJSON_Parse(sb_str(&body));
    CHECK_STR(str(r, "result.document.file_name"), "report.csv");
    CHECK_STR(str(r, "result.document.mime_type"), "text/csv");
    CHECK_INT(num(r, "result.document.file_size"), 1250);
    CHECK(str(r, "result.document.file_id") != NULL);
    CHECK_STR(str(r, "result.caption"), "Отчёт");
    /* The bytes are kept under the file_id, so a test can read the report. */
    char file_path[128];
    snprintf(file_path, sizeof file_path, "/sim/tg/file?file_id=%s",
             str(r, "result.document.file_id") ? str(r, "result.document.file_id") : "");
    size_t len = 0;
    char *got = sim_fetch(&sim, file_path, &len);
    CHECK(got && len == strlen(bytes) && memcmp(got, bytes, len) == 0);
    free(got);
    /* Sent again by file_id: the same file, its size known. */
    cJSON *again = bot("sendDocument", &status, "{\"chat_id\":%lld,\"document\":\"%s\"}", USER,
                       str(r, "result.document.file_id") ? str(r, "result.document.file_id") : "");
    CHECK_INT(num(again, "result.document.file_size"), 1250);
    CHECK_STR(str(again, "result.document.file_id"), str(r, "result.document.file_id"));
    cJSON_Delete(again);
    cJSON_Delete(r);
    cJSON *calls = tg_calls(&sim, USER, 0);
    CHECK_STR(str(calls, "0.method"), "sendDocument");
    CHECK_STR(str(calls, "0.params.document.file_name"), "report.csv");
    CHECK_INT(num(calls, "0.params.document.file_size"), 1250);
    CHECK_STR(str(calls, "0.params.chat_id"), chat);
    cJSON_Delete(calls);
    sb_free(&body);
    free(bytes);

    r = bot("sendDocument", &status, "{\"chat_id\":%lld}", USER);
    CHECK_INT(status, 400);
    CHECK_STR(str(r, "description"), "Bad Request: there is no document in the request");
    cJSON_Delete(r);

    r = sim_request(&sim, "GET", "/sim/tg/file?file_id=SIMDOC999999", NULL, &status);
    CHECK_INT(status, 404);
    CHECK_STR(str(r, "error"), "no such file");
    cJSON_Delete(r);
    r = sim_request(&sim, "GET", "/sim/tg/file", NULL, &status);
    CHECK_INT(status, 400);
    cJSON_Delete(r);
    /* A reset forgets the bytes. */
    CHECK(sim_reset(&sim) == 0);
    CHECK(sim_fetch(&sim, file_path, &len) == NULL);
}

TEST(form_and_query_parameters_work_too)
{
    if (sim_fresh(&sim)) return;
    tg_say(&sim, USER, "A", NULL, "/start");
    long status = 0;
    char path[128];
    snprintf(path, sizeof path, "/bot1:X/sendMessage?chat_id=%lld&text=%%D0%%BF%%D1%%80%%D0%%B8+hi", USER);
    cJSON *r = sim_request(&sim, "GET", path, NULL, &status);
    CHECK_INT(status, 200);
    CHECK_STR(str(r, "result.text"), "при hi");
    cJSON_Delete(r);
    char form[64];
    snprintf(form, sizeof form, "chat_id=%lld&text=a%%26b", USER);
    char *raw = sim_request_raw(&sim, "POST", "/bot1:X/sendMessage", "application/x-www-form-urlencoded",
                                form, strlen(form), &status);
    r = raw ? cJSON_Parse(raw) : NULL;
    CHECK_INT(status, 200);
    CHECK_STR(str(r, "result.text"), "a&b");
    cJSON_Delete(r);
    free(raw);
}

TEST(simulator_exits_cleanly)
{
    CHECK(sim_up);
    /* A leak or sanitizer report in the simulator makes its exit code nonzero. */
    CHECK_INT(sim_stop_checked(&sim), 0);
}

int main(void)
{
    unsetenv("MENTORBOT_SIM_DIR");   /* the simulator under test is the sanitized one */
    sim_up = sim_start(&sim) == 0;
    RUN(get_me_names_the_sim_bot);
    RUN(user_message_comes_out_of_get_updates);
    RUN(user_photo_comes_with_its_caption_and_goes_back_by_file_id);
    RUN(offset_confirms_updates_for_good);
    RUN(long_poll_returns_when_a_message_arrives);
    RUN(long_poll_times_out_with_empty_result);
    RUN(second_get_updates_ends_the_first_with_409);
    RUN(webhook_blocks_get_updates);
    RUN(allowed_updates_are_remembered);
    RUN(send_message_answers_like_telegram);
    RUN(text_limit_counts_utf16_units);
    RUN(callback_data_over_64_bytes_is_refused);
    RUN(edit_with_same_content_is_not_modified);
    RUN(callback_query_is_answered_once);
    RUN(unknown_method_is_404);
    RUN(multipart_send_document);
    RUN(form_and_query_parameters_work_too);
    RUN(simulator_exits_cleanly);
    return unit_summary();
}

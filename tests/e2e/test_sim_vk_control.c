/*
 * The simulator's VK control API, which tests use to play the world around
 * the bot: users denying and allowing messages, raw events and a_check
 * bodies, Long Poll failures and expiring keys, the sent log, faults and
 * rate limits on VK calls, the VK part of /sim/stats and /sim/reset, and
 * the conversations and history the bot reads back after failed 3.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/e2e/sim_vk_script.h"
#include "util/strbuf.h"

TEST(blocked_user_gets_901_and_message_deny)
{
    if (sim_fresh(&sim)) return;
    char key[64];
    long long ts;
    lp_server(key, &ts);
    vk_say(&sim, USER, NULL, "hi");
    cJSON *r = sim_postf(&sim, "/sim/vk/block", "{\"user_id\":%lld}", USER);
    long long deny = num(r, "event");
    CHECK_INT(deny, ts + 1);
    cJSON_Delete(r);
    r = send_text(USER, 1, "are you there?", NULL);
    CHECK_INT(error_of(r), 901);
    CHECK_STR(str(r, "error.error_msg"), "Can't send messages for users without permission");
    cJSON_Delete(r);
    r = sim_postf(&sim, "/sim/vk/block", "{\"user_id\":%lld}", USER); /* no change, no event */
    CHECK(get(r, "event") == NULL);
    cJSON_Delete(r);
    r = sim_postf(&sim, "/sim/vk/unblock", "{\"user_id\":%lld}", USER);
    long long allow = num(r, "event");
    CHECK(cJSON_IsFalse(get(r, "blocked")));
    cJSON_Delete(r);
    CHECK_INT(send_code(USER, 2, "welcome back", NULL), 0);
    r = a_check(key, deny, 0);
    CHECK_STR(str(r, "updates.0.type"), "message_deny");
    CHECK_INT(num(r, "updates.0.object.user_id"), USER);
    CHECK_INT(num(r, "updates.0.group_id"), 229000001LL);
    CHECK_STR(str(r, "updates.1.type"), "message_allow");
    CHECK_INT(num(r, "updates.1.object.user_id"), USER);
    CHECK_INT(allow, deny + 1);
    cJSON_Delete(r);
    /* Writing to the community after denying it allows it again. */
    cJSON_Delete(sim_postf(&sim, "/sim/vk/block", "{\"user_id\":%lld}", OTHER_USER));
    long long said = vk_say(&sim, OTHER_USER, NULL, "me again");
    r = a_check(key, said - 1, 0);
    CHECK_STR(str(r, "updates.0.type"), "message_allow");
    CHECK_STR(str(r, "updates.1.type"), "message_new");
    cJSON_Delete(r);
    CHECK_INT(send_code(OTHER_USER, 3, "hello", NULL), 0);
    r = sim_getf(&sim, "/sim/stats");
    CHECK_INT(num(r, "vk.blocked_users"), 0);
    CHECK_INT(num(r, "vk.errors.901"), 1);
    cJSON_Delete(r);
    r = sim_postf(&sim, "/sim/vk/block", "{}");
    CHECK_STR(str(r, "error"), "user_id (a positive integer) is required");
    cJSON_Delete(r);
}

TEST(rate_limit_gives_error_6)
{
    if (sim_fresh(&sim)) return;
    vk_say(&sim, USER, NULL, "hi");
    cJSON_Delete(sim_postf(&sim, "/sim/limits", "{\"per_chat_per_s\":2}"));
    CHECK_INT(send_code(USER, 1, "one", NULL), 0);
    CHECK_INT(send_code(USER, 2, "two", NULL), 0);
    cJSON *r = send_text(USER, 3, "three", NULL);
    CHECK_INT(error_of(r), 6);
    CHECK_STR(str(r, "error.error_msg"), "Too many requests per second");
    cJSON_Delete(r);
    usleep(1100 * 1000);
    CHECK_INT(send_code(USER, 3, "three", NULL), 0);
    r = sim_getf(&sim, "/sim/stats");
    CHECK_INT(num(r, "limit_violations"), 1);
    CHECK_INT(num(r, "vk.errors.6"), 1);
    cJSON_Delete(r);
}

TEST(faults_meet_vk_calls)
{
    if (sim_fresh(&sim)) return;
    vk_say(&sim, USER, NULL, "hi");
    cJSON *r = sim_postf(&sim, "/sim/fault",
                         "{\"method\":\"messages.send\",\"status\":200,\"body\":{\"error\":{\"error_code\":9,"
                         "\"error_msg\":\"Flood control\"}},\"times\":1}");
    CHECK_INT(num(r, "faults_queued"), 1);
    cJSON_Delete(r);
    r = send_text(USER, 1, "flood", NULL);
    CHECK_INT(error_of(r), 9);
    CHECK_STR(str(r, "error.error_msg"), "Flood control");
    cJSON_Delete(r);
    r = send_text(USER, 1, "flood", NULL); /* the fault was used up */
    long long first = num(r, "response");
    CHECK(first > 0);
    cJSON_Delete(r);
    cJSON *calls = vk_calls(&sim, USER, 0);
    CHECK(cJSON_IsFalse(get(calls, "0.ok")));
    CHECK_INT(num(calls, "0.error.error_code"), 9);
    CHECK_STR(str(calls, "0.fault"), "status");
    cJSON_Delete(calls);

    /* drop: no answer and nothing delivered. */
    cJSON_Delete(sim_postf(&sim, "/sim/fault", "{\"method\":\"messages.send\",\"drop\":true}"));
    long status = 0;
    r = send_text(USER, 2, "lost", NULL);
    CHECK(r == NULL);
    r = send_text(USER, 2, "lost", NULL);
    CHECK_INT(num(r, "response"), first + 1); /* the dropped call delivered nothing */
    cJSON_Delete(r);
    /* delay: delivered now, answered late. */
    cJSON_Delete(sim_postf(&sim, "/sim/fault", "{\"method\":\"messages.send\",\"delay_ms\":400}"));
    long long start = harness_now_ms();
    r = send_text(USER, 3, "late", NULL);
    CHECK(harness_now_ms() - start >= 350);
    CHECK_INT(num(r, "response"), first + 2);
    cJSON_Delete(r);
    calls = vk_calls(&sim, USER, 0);
    CHECK_INT(cJSON_GetArraySize(calls), 5);
    CHECK_STR(str(calls, "2.fault"), "drop");
    CHECK_STR(str(calls, "4.fault"), "delay");
    cJSON_Delete(calls);
    /* The Long Poll server meets faults as "a_check". */
    char key[64];
    long long ts;
    lp_server(key, &ts);
    cJSON_Delete(sim_postf(&sim, "/sim/fault", "{\"method\":\"a_check\",\"status\":502,\"body\":\"<html>502</html>\"}"));
    char path[160];
    snprintf(path, sizeof path, "/vk-lp?act=a_check&key=%s&ts=%lld&wait=0", key, ts);
    char *raw = sim_request_raw(&sim, "GET", path, NULL, NULL, 0, &status);
    CHECK_INT(status, 502);
    CHECK_STR(raw, "<html>502</html>");
    free(raw);
    r = sim_getf(&sim, "/sim/stats");
    CHECK_INT(num(r, "faults_applied"), 4);
    CHECK_INT(num(r, "errors.502"), 1);
    CHECK_INT(num(r, "calls.a_check"), 1);
    cJSON_Delete(r);
}

typedef struct held_check {
    char key[64];
    long long ts;
    cJSON *answer;
    long long took_ms;
} held_check;

static void *check_held(void *arg)
{
    held_check *h = arg;
    long long start = harness_now_ms();
    h->answer = a_check(h->key, h->ts, 10);
    h->took_ms = harness_now_ms() - start;
    return NULL;
}

TEST(raw_body_answers_the_next_a_check_once)
{
    if (sim_fresh(&sim)) return;
    held_check h = {0};
    lp_server(h.key, &h.ts);
    cJSON *r = sim_postf(&sim, "/sim/vk/raw", "{\"ts\":");
    CHECK_INT(num(r, "bytes"), 6);
    cJSON_Delete(r);
    long status = 0;
    char path[160];
    snprintf(path, sizeof path, "/vk-lp?act=a_check&key=%s&ts=%lld&wait=0", h.key, h.ts);
    char *raw = sim_request_raw(&sim, "GET", path, NULL, NULL, 0, &status);
    CHECK_INT(status, 200);
    CHECK_STR(raw, "{\"ts\":");
    free(raw);
    r = a_check(h.key, h.ts, 0);
    CHECK(cJSON_IsArray(get(r, "updates")));
    cJSON_Delete(r);
    /* A poll already held answers the raw body at once. */
    pthread_t t;
    pthread_create(&t, NULL, check_held, &h);
    usleep(300 * 1000);
    raw = sim_request_raw(&sim, "POST", "/sim/vk/raw", NULL, "\xEF\xBB\xBF{}", 5, NULL);
    free(raw);
    pthread_join(t, NULL);
    CHECK(h.took_ms < 3000);
    CHECK(h.answer && cJSON_IsObject(h.answer) && h.answer->child == NULL); /* cJSON skips the BOM */
    cJSON_Delete(h.answer);
}

TEST(failed_codes_and_expiring_keys)
{
    if (sim_fresh(&sim)) return;
    char key[64], fresh[64];
    long long ts, ts2;
    lp_server(key, &ts);
    vk_say(&sim, USER, NULL, "one");
    cJSON *r = sim_postf(&sim, "/sim/vk/failed", "{\"code\":1}");
    CHECK_INT(num(r, "failed"), 1);
    cJSON_Delete(r);
    r = a_check(key, ts, 0);
    CHECK_INT(num(r, "failed"), 1);
    CHECK_INT(num(r, "ts"), ts + 1); /* the next event, skipping what was not read */
    cJSON_Delete(r);
    r = a_check(key, ts, 0); /* once only; the key still works */
    CHECK_INT(cJSON_GetArraySize(get(r, "updates")), 1);
    cJSON_Delete(r);

    cJSON_Delete(sim_postf(&sim, "/sim/vk/failed", "{\"code\":2}"));
    r = a_check(key, ts, 0);
    CHECK_INT(num(r, "failed"), 2);
    cJSON_Delete(r);
    r = a_check(key, ts, 0); /* the key really expired */
    CHECK_INT(num(r, "failed"), 2);
    cJSON_Delete(r);
    lp_server(fresh, &ts2);
    CHECK_INT(ts2, ts + 1);
    r = a_check(fresh, ts, 0); /* a new key with the old ts */
    CHECK_STR(str(r, "updates.0.object.message.text"), "one");
    cJSON_Delete(r);

    /* 3 answers a poll already held, and the key goes too. */
    held_check h = {0};
    snprintf(h.key, sizeof h.key, "%s", fresh);
    h.ts = ts2;
    pthread_t t;
    pthread_create(&t, NULL, check_held, &h);
    usleep(300 * 1000);
    cJSON_Delete(sim_postf(&sim, "/sim/vk/failed", "{\"code\":3}"));
    pthread_join(t, NULL);
    CHECK_INT(num(h.answer, "failed"), 3);
    CHECK(h.took_ms < 3000);
    cJSON_Delete(h.answer);
    r = a_check(fresh, ts2, 0);
    CHECK_INT(num(r, "failed"), 2);
    cJSON_Delete(r);
    r = sim_postf(&sim, "/sim/vk/failed", "{\"code\":4}");
    CHECK_STR(str(r, "error"), "code must be 1, 2 or 3");
    cJSON_Delete(r);
}

TEST(injected_event_is_kept_as_it_is)
{
    if (sim_fresh(&sim)) return;
    char key[64];
    long long ts;
    lp_server(key, &ts);
    const char *event = "{\"type\":\"message_new\",\"object\":{\"message\":{\"from_id\":7009,\"peer_id\":7009,"
                        "\"conversation_message_id\":40,\"text\":\"injected\"}},\"group_id\":1,\"odd\":[1,2]}";
    cJSON *r = sim_postf(&sim, "/sim/vk/update", "%s", event);
    CHECK_INT(num(r, "event"), ts);
    cJSON_Delete(r);
    r = a_check(key, ts, 0);
    cJSON *expected = cJSON_Parse(event);
    CHECK(cJSON_Compare(get(r, "updates.0"), expected, 1));
    cJSON_Delete(expected);
    cJSON_Delete(r);
    /* Its conversation is writable and numbered on from its message. */
    r = vk_send_peer_ids(&sim, "7009", 1, "reply");
    CHECK_INT(num(r, "response.0.conversation_message_id"), 41);
    cJSON_Delete(r);
    long status = 0;
    r = sim_request(&sim, "POST", "/sim/vk/update", "{\"type\":", &status);
    CHECK_INT(status, 400);
    cJSON_Delete(r);
    r = sim_postf(&sim, "/sim/vk/update", "[42]"); /* any JSON, to try the bot's parser */
    CHECK(num(r, "event") > 0);
    cJSON_Delete(r);
}

TEST(sent_log_filters_by_peer_and_seq)
{
    if (sim_fresh(&sim)) return;
    vk_say(&sim, USER, NULL, "hi");
    vk_say(&sim, OTHER_USER, NULL, "hi");
    send_code(USER, 1, "one", NULL);
    send_code(OTHER_USER, 1, "other", NULL);
    send_code(USER, 2, "two", NULL);
    cJSON *calls = vk_calls(&sim, USER, 0);
    CHECK_INT(cJSON_GetArraySize(calls), 2);
    long long first = num(calls, "0.seq");
    cJSON_Delete(calls);
    calls = vk_calls(&sim, USER, first);
    CHECK_INT(cJSON_GetArraySize(calls), 1);
    CHECK_STR(str(calls, "0.params.message"), "two");
    CHECK(num(calls, "0.seq") > first + 1);
    cJSON_Delete(calls);
    calls = vk_calls(&sim, 0, 0);
    CHECK_INT(cJSON_GetArraySize(calls), 3);
    long long last = num(calls, "2.seq");
    cJSON_Delete(calls);
    /* Telegram's log does not show VK calls. */
    calls = tg_calls(&sim, 0, 0);
    CHECK_INT(cJSON_GetArraySize(calls), 0);
    cJSON_Delete(calls);
    long long seq = last;
    long long start = harness_now_ms();
    CHECK(vk_wait_call(&sim, OTHER_USER, &seq, 400) == NULL);
    CHECK(harness_now_ms() - start >= 350);
    cJSON *r = sim_getf(&sim, "/sim/vk/sent?peer_id=abc");
    CHECK_STR(str(r, "error"), "peer_id, after and wait_ms must be integers");
    cJSON_Delete(r);
}

TEST(documents_meet_limits_and_faults)
{
    if (sim_fresh(&sim)) return;
    vk_say(&sim, USER, NULL, "hi");
    /* docs.getMessagesUploadServer counts against the limits like a send. */
    cJSON_Delete(sim_postf(&sim, "/sim/limits", "{\"per_chat_per_s\":1}"));
    cJSON *r = vk_api(&sim, "docs.getMessagesUploadServer", NULL, "peer_id", "7001", NULL);
    char url[256];
    snprintf(url, sizeof url, "%s", str(r, "response.upload_url") ? str(r, "response.upload_url") : "");
    cJSON_Delete(r);
    CHECK_INT(send_code(USER, 1, "over the limit", NULL), 6);
    cJSON_Delete(sim_postf(&sim, "/sim/limits", "{\"per_chat_per_s\":0}"));
    /* The upload server meets faults as "vk-upload". */
    cJSON_Delete(sim_postf(&sim, "/sim/fault", "{\"method\":\"vk-upload\",\"status\":502,\"body\":\"<html>Bad Gateway</html>\"}"));
    const char *form = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nx;y\r\n--b--\r\n";
    const char *path = strstr(url, "/vk-upload/");
    long status = 0;
    char *answer = sim_request_raw(&sim, "POST", path ? path : "/vk-upload/none", "multipart/form-data; boundary=b",
                                   form, strlen(form), &status);
    CHECK_INT(status, 502);
    CHECK_STR(answer, "<html>Bad Gateway</html>");
    free(answer);
    /* The fault took no use of the URL. */
    answer = sim_request_raw(&sim, "POST", path ? path : "/vk-upload/none", "multipart/form-data; boundary=b", form,
                             strlen(form), &status);
    r = answer ? cJSON_Parse(answer) : NULL;
    CHECK_INT(status, 200);
    CHECK(str(r, "file") != NULL);
    cJSON_Delete(r);
    free(answer);
    r = sim_getf(&sim, "/sim/stats");
    const cJSON *uploads = cJSON_GetObjectItemCaseSensitive(get(r, "calls"), "vk-upload");
    CHECK(cJSON_IsNumber(uploads) && uploads->valuedouble == 2);
    cJSON_Delete(r);
    answer = sim_request_raw(&sim, "GET", path ? path : "/vk-upload/none", NULL, NULL, 0, &status);
    CHECK_INT(status, 405);
    free(answer);
}

TEST(stats_and_reset_cover_vk)
{
    if (sim_fresh(&sim)) return;
    char key[64];
    long long ts;
    lp_server(key, &ts);
    vk_say(&sim, USER, NULL, "hi");
    send_code(USER, 1, "one", NULL);
    cJSON_Delete(a_check(key, ts, 0));
    cJSON *r = sim_getf(&sim, "/sim/stats");
    CHECK_INT(num(r, "vk.events_queued"), 1);
    CHECK_INT(num(r, "vk.events_delivered"), 1);
    CHECK_INT(num(r, "vk.events_kept"), 1);
    CHECK_INT(num(r, "vk.next_ts"), ts + 1);
    CHECK_INT(num(r, "vk.checks"), 1);
    /* Calls are counted by method name (a dotted name, so not read as a path). */
    const cJSON *sends = cJSON_GetObjectItemCaseSensitive(get(r, "calls"), "messages.send");
    CHECK(cJSON_IsNumber(sends) && sends->valuedouble == 1);
    CHECK_INT(num(r, "sent_log"), 1);
    cJSON_Delete(r);
    CHECK(sim_reset(&sim) == 0);
    r = sim_getf(&sim, "/sim/stats");
    CHECK_INT(num(r, "vk.events_queued"), 0);
    CHECK_INT(num(r, "vk.events_kept"), 0);
    CHECK_INT(num(r, "vk.next_ts"), ts + 1); /* numbering goes on */
    CHECK_INT(num(r, "sent_log"), 0);
    cJSON_Delete(r);
    /* The conversation is forgotten: the user has to write again. */
    CHECK_INT(send_code(USER, 2, "two", NULL), 901);
    vk_say(&sim, USER, NULL, "again");
    r = vk_send_peer_ids(&sim, "7001", 2, "two");
    CHECK_INT(num(r, "response.0.conversation_message_id"), 2);
    cJSON_Delete(r);
}

/* messages.getConversations and messages.getHistory, which the bot reads
 * after failed 3: VK's shapes, the unanswered filter, newest first. */
TEST(conversations_and_history_read_back_what_was_said)
{
    if (sim_fresh(&sim)) return;
    vk_say(&sim, USER, NULL, "first");
    CHECK_INT(send_code(USER, 1, "answer", NULL), 0);
    vk_say(&sim, USER, NULL, "second");
    vk_say(&sim, USER, NULL, "third");
    vk_say(&sim, OTHER_USER, NULL, "hello");
    CHECK_INT(send_code(OTHER_USER, 2, "hi", NULL), 0);
    long status = 0;
    cJSON *r = vk_api(&sim, "messages.getConversations", &status, "filter", "unanswered", "group_id", GROUP, NULL);
    CHECK_INT(num(r, "response.count"), 1);
    CHECK_INT(num(r, "response.items.0.conversation.peer.id"), USER);
    CHECK_STR(str(r, "response.items.0.conversation.peer.type"), "user");
    CHECK(cJSON_IsTrue(get(r, "response.items.0.conversation.unanswered")));
    CHECK_INT(num(r, "response.items.0.conversation.last_conversation_message_id"), 4);
    CHECK_STR(str(r, "response.items.0.last_message.text"), "third");
    cJSON_Delete(r);
    r = vk_api(&sim, "messages.getConversations", &status, "filter", "all", NULL);
    CHECK_INT(num(r, "response.count"), 2);
    CHECK_INT(num(r, "response.items.0.conversation.peer.id"), OTHER_USER); /* newest first */
    CHECK_INT(num(r, "response.items.0.last_message.out"), 1);
    cJSON_Delete(r);
    r = vk_api(&sim, "messages.getConversations", &status, "filter", "sideways", NULL);
    CHECK_INT(error_of(r), 100);
    cJSON_Delete(r);

    r = vk_api(&sim, "messages.getHistory", &status, "peer_id", "7001", "count", "3", NULL);
    CHECK_INT(num(r, "response.count"), 4);
    CHECK_INT(cJSON_GetArraySize(get(r, "response.items")), 3);
    CHECK_STR(str(r, "response.items.0.text"), "third");
    CHECK_INT(num(r, "response.items.0.conversation_message_id"), 4);
    CHECK_INT(num(r, "response.items.0.from_id"), USER);
    CHECK_INT(num(r, "response.items.0.out"), 0);
    CHECK_STR(str(r, "response.items.2.text"), "answer");
    CHECK_INT(num(r, "response.items.2.from_id"), -229000001LL);
    CHECK_INT(num(r, "response.items.2.out"), 1);
    cJSON_Delete(r);
    r = vk_api(&sim, "messages.getHistory", &status, "peer_id", "7001", "rev", "1", "offset", "1", "count", "1", NULL);
    CHECK_STR(str(r, "response.items.0.text"), "answer");
    cJSON_Delete(r);
    r = vk_api(&sim, "messages.getHistory", &status, "count", "1", NULL);
    CHECK_INT(error_of(r), 100);
    cJSON_Delete(r);
    r = vk_api(&sim, "messages.getHistory", &status, "peer_id", "7001", "count", "201", NULL);
    CHECK_INT(error_of(r), 100);
    cJSON_Delete(r);
    /* a reset forgets the history */
    sim_reset(&sim);
    r = vk_api(&sim, "messages.getHistory", &status, "peer_id", "7001", NULL);
    CHECK_INT(num(r, "response.count"), 0);
    cJSON_Delete(r);
}

int main(void)
{
    unsetenv("MENTORBOT_SIM_DIR");   /* the simulator under test is the sanitized one */
    sim_up = sim_start(&sim) == 0;
    RUN(blocked_user_gets_901_and_message_deny);
    RUN(rate_limit_gives_error_6);
    RUN(faults_meet_vk_calls);
    RUN(raw_body_answers_the_next_a_check_once);
    RUN(failed_codes_and_expiring_keys);
    RUN(injected_event_is_kept_as_it_is);
    RUN(sent_log_filters_by_peer_and_seq);
    RUN(documents_meet_limits_and_faults);
    RUN(stats_and_reset_cover_vk);
    RUN(conversations_and_history_read_back_what_was_said);
    RUN(simulator_exits_cleanly);
    return unit_summary();
}

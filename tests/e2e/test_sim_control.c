/*
 * The simulator's control API, which tests use to play the world around the
 * bot: the log of what the bot sent, injected faults (an error status, a
 * dropped connection before or after the call was carried out, a delay, a
 * cut answer), update ids handed out raw, rate limits, users blocking the bot, a raw
 * getUpdates body, and the counters in /sim/stats.
 */
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "tests/e2e/harness.h"
#include "tests/unit.h"

#define USER 5001LL
#define OTHER_USER 5002LL

static sim_proc sim;
static int sim_up;

#define bot(method, status, ...) tg_api(&sim, method, status, __VA_ARGS__)
#define get sim_json_at
#define num sim_json_num
#define str sim_json_str
/* A message from the bot to USER; its message_id or -1. */
#define send_text(text, markup) tg_send_text(&sim, USER, text, markup)

TEST(sent_log_lists_calls_after_seq)
{
    if (sim_fresh(&sim)) return;
    tg_say(&sim, USER, "A", NULL, "/start");
    tg_say(&sim, OTHER_USER, "B", NULL, "/start");
    send_text("one", NULL);
    cJSON *r = bot("sendMessage", NULL, "{\"chat_id\":%lld,\"text\":\"other\"}", OTHER_USER);
    cJSON_Delete(r);
    send_text("two", NULL);
    send_text("", NULL); /* a failed call is logged too */
    cJSON *calls = tg_calls(&sim, USER, 0);
    CHECK_INT(cJSON_GetArraySize(calls), 3);
    long long first = num(calls, "0.seq");
    CHECK_STR(str(calls, "0.method"), "sendMessage");
    CHECK_STR(str(calls, "0.params.text"), "one");
    CHECK_INT(num(calls, "0.params.chat_id"), USER);
    CHECK_STR(str(calls, "0.result.text"), "one");
    CHECK(cJSON_IsFalse(get(calls, "2.ok")));
    CHECK_INT(num(calls, "2.error.error_code"), 400);
    cJSON_Delete(calls);
    calls = tg_calls(&sim, USER, first);
    CHECK_INT(cJSON_GetArraySize(calls), 2);
    CHECK_STR(str(calls, "0.params.text"), "two");
    CHECK(num(calls, "0.seq") > first + 1); /* the other chat's call sits between */
    cJSON_Delete(calls);
    r = sim_getf(&sim, "/sim/tg/sent");
    CHECK_INT(cJSON_GetArraySize(get(r, "calls")), 4);
    cJSON_Delete(r);
    long long seq = first;
    cJSON *call = tg_wait_call(&sim, USER, &seq, 1000);
    CHECK_STR(tg_call_text(call), "two");
    cJSON_Delete(call);
    call = tg_wait_call(&sim, USER, &seq, 300); /* only a failed call is left */
    CHECK(call == NULL);
}

TEST(fault_status_429_then_normal)
{
    if (sim_fresh(&sim)) return;
    tg_say(&sim, USER, "A", NULL, "/start");
    cJSON *f = sim_postf(&sim, "/sim/fault", "{\"method\":\"sendMessage\",\"status\":429,\"retry_after\":7}");
    CHECK_INT(num(f, "faults_queued"), 1);
    cJSON_Delete(f);
    long status = 0;
    cJSON *r = bot("sendMessage", &status, "{\"chat_id\":%lld,\"text\":\"first\"}", USER);
    CHECK_INT(status, 429);
    CHECK_INT(num(r, "error_code"), 429);
    CHECK_INT(num(r, "parameters.retry_after"), 7);
    CHECK_STR(str(r, "description"), "Too Many Requests: retry after 7");
    cJSON_Delete(r);
    r = bot("sendMessage", &status, "{\"chat_id\":%lld,\"text\":\"again\"}", USER);
    CHECK_INT(status, 200);
    CHECK_INT(num(r, "result.message_id"), 2); /* the faulted call sent nothing */
    cJSON_Delete(r);
    cJSON *calls = tg_calls(&sim, USER, 0);
    CHECK_STR(str(calls, "0.fault"), "status");
    CHECK(cJSON_IsFalse(get(calls, "0.ok")));
    CHECK(cJSON_IsTrue(get(calls, "1.ok")));
    cJSON_Delete(calls);
    /* A given body goes out verbatim, "*" matches any method. */
    f = sim_postf(&sim, "/sim/fault", "{\"method\":\"*\",\"status\":502,\"body\":\"<html>bad gateway</html>\",\"times\":2}");
    cJSON_Delete(f);
    char *raw = sim_request_raw(&sim, "GET", "/bot1:X/getMe", NULL, NULL, 0, &status);
    CHECK_INT(status, 502);
    CHECK_STR(raw, "<html>bad gateway</html>");
    free(raw);
    r = bot("getUpdates", &status, "{}");
    CHECK_INT(status, 502);
    cJSON_Delete(r);
    r = bot("getMe", &status, "{}");
    CHECK_INT(status, 200);
    cJSON_Delete(r);
    r = sim_getf(&sim, "/sim/stats");
    CHECK_INT(num(r, "errors.429"), 1);
    CHECK_INT(num(r, "errors.502"), 2);
    cJSON_Delete(r);
}

TEST(fault_drop_closes_without_answer)
{
    if (sim_fresh(&sim)) return;
    tg_say(&sim, USER, "A", NULL, "/start");
    cJSON_Delete(sim_postf(&sim, "/sim/fault", "{\"method\":\"sendMessage\",\"drop\":true}"));
    long status = -1;
    cJSON *r = bot("sendMessage", &status, "{\"chat_id\":%lld,\"text\":\"lost\"}", USER);
    CHECK(r == NULL);
    CHECK_INT(status, 0);
    r = bot("sendMessage", &status, "{\"chat_id\":%lld,\"text\":\"kept\"}", USER);
    CHECK_INT(status, 200);
    CHECK_INT(num(r, "result.message_id"), 2);
    cJSON_Delete(r);
    cJSON *calls = tg_calls(&sim, USER, 0);
    CHECK_STR(str(calls, "0.fault"), "drop");
    CHECK_STR(str(calls, "0.params.text"), "lost");
    cJSON_Delete(calls);
}

TEST(fault_drop_after_carries_out_the_call_without_answer)
{
    if (sim_fresh(&sim)) return;
    tg_say(&sim, USER, "A", NULL, "/start");
    cJSON_Delete(sim_postf(&sim, "/sim/fault", "{\"method\":\"sendMessage\",\"drop_after\":true}"));
    long status = -1;
    cJSON *r = bot("sendMessage", &status, "{\"chat_id\":%lld,\"text\":\"sent, answer lost\"}", USER);
    CHECK(r == NULL);
    CHECK_INT(status, 0);
    r = bot("sendMessage", &status, "{\"chat_id\":%lld,\"text\":\"next\"}", USER);
    CHECK_INT(num(r, "result.message_id"), 3); /* 2 went to the user */
    cJSON_Delete(r);
    cJSON *calls = tg_calls(&sim, USER, 0);
    CHECK_STR(str(calls, "0.fault"), "drop_after");
    CHECK(cJSON_IsTrue(get(calls, "0.ok")));
    CHECK_INT(num(calls, "0.result.message_id"), 2);
    cJSON_Delete(calls);
    /* exactly one kind per fault */
    r = sim_request(&sim, "POST", "/sim/fault", "{\"method\":\"sendMessage\",\"drop\":true,\"drop_after\":true}",
                    &status);
    CHECK_INT(status, 400);
    cJSON_Delete(r);
}

TEST(fault_truncate_cuts_the_answer_of_a_performed_call)
{
    if (sim_fresh(&sim)) return;
    tg_say(&sim, USER, "A", NULL, "/start");
    cJSON_Delete(sim_postf(&sim, "/sim/fault", "{\"method\":\"sendMessage\",\"truncate\":12}"));
    long status = 0;
    const char *body = "{\"chat_id\":5001,\"text\":\"cut\"}";
    char *answer = sim_request_raw(&sim, "POST", "/bot1:X/sendMessage", "application/json", body, strlen(body), &status);
    CHECK_INT(status, 200);
    CHECK_STR(answer, "{\"ok\":true,\"");
    free(answer);
    cJSON *calls = tg_calls(&sim, USER, 0);
    CHECK_STR(str(calls, "0.fault"), "truncate");
    CHECK_STR(str(calls, "0.result.text"), "cut");
    cJSON_Delete(calls);
}

TEST(update_ids_handed_out_raw_raise_the_counter)
{
    if (sim_fresh(&sim)) return;
    const char *raw = "{\"ok\":true,\"result\":[{\"update_id\":9000000000000,\"message\":{\"message_id\":1,\"date\":1,"
                      "\"chat\":{\"id\":5001,\"type\":\"private\"},\"text\":\"x\"}}]}";
    free(sim_request_raw(&sim, "POST", "/sim/tg/raw", "text/plain", raw, strlen(raw), NULL));
    long status = 0;
    cJSON *r = bot("getUpdates", &status, "{}");
    CHECK_INT(num(r, "result.0.update_id"), 9000000000000LL);
    cJSON_Delete(r);
    /* the bot confirms 9000000000001: the next update must come above it */
    long long id = tg_say(&sim, USER, "A", NULL, "after");
    CHECK(id > 9000000000000LL);
    r = bot("getUpdates", &status, "{\"offset\":9000000000001}");
    CHECK_STR(str(r, "result.0.message.text"), "after");
    cJSON_Delete(r);
}

TEST(an_offset_from_an_earlier_numbering_confirms_nothing)
{
    if (sim_fresh(&sim)) return;
    long long id = tg_say(&sim, USER, "A", NULL, "new numbering");
    long status = 0;
    /* a bot remembering an offset far above (before Telegram started over) */
    cJSON *r = bot("getUpdates", &status, "{\"offset\":%lld}", id + 5000);
    CHECK_INT(num(r, "result.0.update_id"), id);
    cJSON_Delete(r);
    r = bot("getUpdates", &status, "{\"offset\":%lld}", id + 1);
    CHECK_INT(cJSON_GetArraySize(get(r, "result")), 0);
    cJSON_Delete(r);
}

typedef struct delayed_send {
    long status;
    cJSON *answer;
    volatile int done;
} delayed_send;

static void *send_delayed(void *arg)
{
    delayed_send *d = arg;
    d->answer = bot("sendMessage", &d->status, "{\"chat_id\":%lld,\"text\":\"slow\"}", USER);
    d->done = 1;
    return NULL;
}

TEST(fault_delay_delivers_before_answering)
{
    if (sim_fresh(&sim)) return;
    tg_say(&sim, USER, "A", NULL, "/start");
    cJSON_Delete(sim_postf(&sim, "/sim/fault", "{\"method\":\"sendMessage\",\"delay_ms\":1500}"));
    delayed_send d = {0};
    pthread_t t;
    long long start = harness_now_ms(), seq = 0;
    pthread_create(&t, NULL, send_delayed, &d);
    cJSON *call = tg_wait_call(&sim, USER, &seq, 1000);
    CHECK(call != NULL);
    CHECK(!d.done); /* delivered while the bot still waits for its answer */
    CHECK_STR(str(call, "fault"), "delay");
    cJSON_Delete(call);
    pthread_join(t, NULL);
    CHECK(harness_now_ms() - start >= 1400);
    CHECK_INT(d.status, 200);
    CHECK_STR(str(d.answer, "result.text"), "slow");
    cJSON_Delete(d.answer);
}

TEST(blocked_user_gives_403_and_my_chat_member)
{
    if (sim_fresh(&sim)) return;
    long long said = tg_say(&sim, USER, "A", NULL, "/start");
    cJSON *b = sim_postf(&sim, "/sim/tg/block", "{\"user_id\":%lld}", USER);
    long long update = num(b, "update_id");
    CHECK_INT(update, said + 1);
    cJSON_Delete(b);
    long status = 0;
    cJSON *r = bot("sendMessage", &status, "{\"chat_id\":%lld,\"text\":\"hello?\"}", USER);
    CHECK_INT(status, 403);
    CHECK_INT(num(r, "error_code"), 403);
    CHECK_STR(str(r, "description"), "Forbidden: bot was blocked by the user");
    cJSON_Delete(r);
    r = bot("getUpdates", NULL, "{\"offset\":%lld}", update);
    const cJSON *change = get(r, "result.0.my_chat_member");
    CHECK_INT(num(change, "chat.id"), USER);
    CHECK_STR(str(change, "chat.type"), "private");
    CHECK_INT(num(change, "from.id"), USER);
    CHECK_STR(str(change, "old_chat_member.status"), "member");
    CHECK_STR(str(change, "new_chat_member.status"), "kicked");
    CHECK_INT(num(change, "new_chat_member.user.id"), 7000000001LL);
    cJSON_Delete(r);
    b = sim_postf(&sim, "/sim/tg/unblock", "{\"user_id\":%lld}", USER);
    CHECK_INT(num(b, "update_id"), update + 1);
    cJSON_Delete(b);
    r = bot("sendMessage", &status, "{\"chat_id\":%lld,\"text\":\"back\"}", USER);
    CHECK_INT(status, 200);
    cJSON_Delete(r);
}

TEST(limits_answer_429_with_retry_after)
{
    if (sim_fresh(&sim)) return;
    tg_say(&sim, USER, "A", NULL, "/start");
    tg_say(&sim, OTHER_USER, "B", NULL, "/start");
    cJSON *l = sim_postf(&sim, "/sim/limits", "{\"global_per_s\":0,\"per_chat_per_s\":1}");
    CHECK_INT(num(l, "per_chat_per_s"), 1);
    cJSON_Delete(l);
    CHECK(send_text("first", NULL) > 0);
    long status = 0;
    cJSON *r = bot("sendMessage", &status, "{\"chat_id\":%lld,\"text\":\"second\"}", USER);
    CHECK_INT(status, 429);
    CHECK_INT(num(r, "parameters.retry_after"), 1);
    CHECK_STR(str(r, "description"), "Too Many Requests: retry after 1");
    cJSON_Delete(r);
    r = bot("sendMessage", &status, "{\"chat_id\":%lld,\"text\":\"other chat\"}", OTHER_USER);
    CHECK_INT(status, 200);
    cJSON_Delete(r);
    usleep(1100 * 1000);
    CHECK(send_text("after a second", NULL) > 0);

    cJSON_Delete(sim_postf(&sim, "/sim/limits", "{\"global_per_s\":2,\"per_chat_per_s\":0}"));
    usleep(1100 * 1000);
    CHECK(send_text("g1", NULL) > 0);
    CHECK(send_text("g2", NULL) > 0);
    r = bot("sendMessage", &status, "{\"chat_id\":%lld,\"text\":\"g3\"}", OTHER_USER);
    CHECK_INT(status, 429);
    cJSON_Delete(r);
    r = sim_getf(&sim, "/sim/stats");
    CHECK_INT(num(r, "limit_violations"), 2);
    CHECK_INT(num(r, "errors.429"), 2);
    cJSON_Delete(r);
}

TEST(raw_body_is_the_next_get_updates_answer)
{
    if (sim_fresh(&sim)) return;
    const char *garbage = "{\"ok\":true,\"result\":[{\"update_id\":1,\"mess";
    long status = 0;
    tg_say(&sim, USER, "A", NULL, "kept");
    char *answer = sim_request_raw(&sim, "POST", "/sim/tg/raw", "text/plain", garbage, strlen(garbage), &status);
    CHECK_INT(status, 200);
    free(answer);
    answer = sim_request_raw(&sim, "GET", "/bot1:X/getUpdates", NULL, NULL, 0, &status);
    CHECK_INT(status, 200);
    CHECK_STR(answer, garbage);
    free(answer);
    cJSON *r = bot("getUpdates", &status, "{}");
    CHECK_STR(str(r, "result.0.message.text"), "kept");
    cJSON_Delete(r);
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
    RUN(sent_log_lists_calls_after_seq);
    RUN(fault_status_429_then_normal);
    RUN(fault_drop_closes_without_answer);
    RUN(fault_delay_delivers_before_answering);
    RUN(fault_drop_after_carries_out_the_call_without_answer);
    RUN(fault_truncate_cuts_the_answer_of_a_performed_call);
    RUN(update_ids_handed_out_raw_raise_the_counter);
    RUN(an_offset_from_an_earlier_numbering_confirms_nothing);
    RUN(blocked_user_gives_403_and_my_chat_member);
    RUN(limits_answer_429_with_retry_after);
    RUN(raw_body_is_the_next_get_updates_answer);
    RUN(simulator_exits_cleanly);
    return unit_summary();
}

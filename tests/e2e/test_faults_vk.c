/*
 * VK's own faults (the ones both messengers share are in test_faults.c):
 * API errors 6, 9 and 10 on messages.send, and a Long Poll `failed: 3`
 * that loses the events VK had not handed out, read back from the
 * conversations' history so a pupil who wrote in that moment is answered
 * once. The Long Poll failures 1 and 2 in the middle of a conversation are
 * in test_vk.c.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int delivered(convo *c, long long peer, const char *needle)
{
    return sim_count_calls(&c->sim, "vk", peer, "messages.send", needle);
}

/* The next message to peer contains needle (within 25 s) and, a second
 * later, was carried out once. */
static void answered_once_at(convo *c, long long peer, const char *needle, const char *file, int line)
{
    long long seq = 0;
    cJSON *call = NULL;
    long long deadline = harness_now_ms() + 25000;
    while (!call && harness_now_ms() < deadline) {
        call = vk_wait_call(&c->sim, peer, &seq, 2000);
        if (call && !strstr(vk_call_text(call), needle)) {
            cJSON_Delete(call);
            call = NULL;
        }
    }
    if (!call) {
        fprintf(stderr, "  %s:%d: %s: no answer with \"%s\" to %lld\n", file, line, unit_current, needle, peer);
        unit_failed_checks++;
    }
    cJSON_Delete(call);
    usleep(1000 * 1000);
    int n = delivered(c, peer, needle);
    if (n != 1) {
        fprintf(stderr, "  %s:%d: %s: \"%s\" carried out %d times to %lld\n", file, line, unit_current, needle, n, peer);
        unit_failed_checks++;
    }
}
#define answered_once(c, p, n) answered_once_at(c, p, n, __FILE__, __LINE__)

TEST(errors_6_9_and_10_back_off_and_deliver_once)
{
    convo_transport = "vk";
    convo c;
    if (convo_start(&c, "vk-errors", NULL)) SKIP("simulator or bot did not start");
    static const struct { int code; const char *msg; } errors[] = {
        {6, "Too many requests per second"}, {9, "Flood control"}, {10, "Internal server error"}};
    for (int i = 0; i < 3; i++) {
        long long peer = 14001 + i;
        char json[256], sql[128];
        snprintf(json, sizeof json, "{\"method\":\"messages.send\",\"status\":200,\"times\":2,\"body\":{\"error\":"
                 "{\"error_code\":%d,\"error_msg\":\"%s\"}}}", errors[i].code, errors[i].msg);
        cJSON_Delete(sim_request(&c.sim, "POST", "/sim/fault", json, NULL));
        convo_busy w;
        convo_busy_start(&w, &c.bot);
        say(&c, peer, "/help");
        answered_once(&c, peer, "/start");
        convo_busy_check(&w, &c.bot);
        CHECK(log_contains(&c.bot, errors[i].msg));
        snprintf(sql, sizeof sql, "SELECT attempts FROM outbox WHERE chat_id = %lld", peer);
        CHECK_INT(db_query_int(c.bot.db, sql), 3);
    }
    convo_stop(&c);
}

TEST(messages_written_while_failed_3_lost_events_are_answered_once)
{
    convo_transport = "vk";
    convo c;
    if (convo_start(&c, "vk-lost", NULL)) SKIP("simulator or bot did not start");
    say(&c, 14101, "/start");
    answered_once(&c, 14101, "Чтобы зарегистрироваться");
    say(&c, 14102, "/start");
    answered_once(&c, 14102, "Чтобы зарегистрироваться");
    /* The new session is slow to come (two refusals, 3 s of back-off), and
     * the pupils write meanwhile: VK's new ts starts after their messages. */
    cJSON_Delete(sim_postf(&c.sim, "/sim/fault", "{\"method\":\"groups.getLongPollServer\",\"status\":200,\"times\":2,"
                                                 "\"body\":{\"error\":{\"error_code\":10,\"error_msg\":\"Internal server error\"}}}"));
    convo_busy w;
    convo_busy_start(&w, &c.bot);
    cJSON_Delete(sim_postf(&c.sim, "/sim/vk/failed", "{\"code\":3}"));
    usleep(200 * 1000);
    say(&c, 14101, "/help");
    say(&c, 14102, "/help");
    answered_once(&c, 14101, "Это бот программы");
    answered_once(&c, 14102, "Это бот программы");
    convo_busy_check(&w, &c.bot);
    CHECK(log_contains(&c.bot, "long poll information lost (failed 3)"));
    CHECK(log_contains(&c.bot, "conversation 14101: 1 message(s) written while the long poll lost events"));
    cJSON *stats = sim_getf(&c.sim, "/sim/stats");
    const cJSON *calls = cJSON_GetObjectItem(stats, "calls");
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(calls, "messages.getConversations")) >= 1);
    CHECK(cJSON_GetNumberValue(cJSON_GetObjectItem(calls, "messages.getHistory")) >= 2);
    cJSON_Delete(stats);

    /* The same message coming through the Long Poll as well (a race VK may
     * have) is one message: the inbox knows it by its conversation number. */
    char event[512];
    snprintf(event, sizeof event, "{\"group_id\":%lld,\"type\":\"message_new\",\"event_id\":\"late-copy\",\"v\":\"5.199\","
             "\"object\":{\"message\":{\"date\":1,\"from_id\":14101,\"id\":999,\"out\":0,\"peer_id\":14101,"
             "\"conversation_message_id\":3,\"text\":\"/help\"}}}", HARNESS_VK_GROUP_ID);
    cJSON_Delete(sim_request(&c.sim, "POST", "/sim/vk/update", event, NULL));
    sleep(2);
    CHECK_INT(delivered(&c, 14101, "Это бот программы"), 1);
    CHECK(db_query_int(c.bot.db, "SELECT COUNT(*) FROM inbox WHERE platform = 'vk'") >= 4);
    /* and the Long Poll goes on */
    say(&c, 14102, "/help");
    for (int waited = 0; waited < 15000 && delivered(&c, 14102, "Это бот программы") < 2; waited += 100)
        usleep(100 * 1000);
    CHECK_INT(delivered(&c, 14102, "Это бот программы"), 2);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM inbox WHERE platform = 'vk' AND status <> 'done'"), 0);
    convo_stop(&c);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "tg") == 0) return unit_summary(); /* VK only */
    RUN(errors_6_9_and_10_back_off_and_deliver_once);
    RUN(messages_written_while_failed_3_lost_events_are_answered_once);
    return unit_summary();
}

/*
 * The network fault matrix, injected through the simulator's /sim/fault:
 * rate limits (429 / VK error 6 / MAX too.many.requests), 500, 502 and
 * 504, a connection reset before the request reached the server and after
 * the server carried it out, an answer that never comes, truncated and
 * non-JSON bodies, a user who blocked the bot, and (Telegram) 409 Conflict
 * and update ids that start over. Each fault is its own test; the ones
 * every messenger has run on each. Every test asserts what a user and an operator notice: the
 * message is answered once the fault clears, never twice, the bot does not
 * spin while it waits, and the log (and the outbox list where rows wait)
 * names the cause. VK's own faults are in test_faults_vk.c.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define ANSWER_WAIT_MS 25000
/* A repeat would come with the next retry, 0.1 s after the first try in
 * these tests, or with the check of an unknown outcome right after it. */
#define DUPLICATE_WAIT_MS 500

static int on_vk(const convo *c) { return strcmp(c->transport, "vk") == 0; }
static int on_max(const convo *c) { return strcmp(c->transport, "max") == 0; }
static const char *send_method(const convo *c) { return convo_send_method(c); }
static const char *poll_method(const convo *c) { return on_vk(c) ? "a_check" : on_max(c) ? "max.updates" : "getUpdates"; }

/* Messages the platform carried out to user whose text contains needle. */
static int delivered(convo *c, long long user, const char *needle)
{
    return sim_count_calls(&c->sim, c->transport, user, send_method(c), needle);
}

/* Queues one fault: rest is the JSON after the method (",\"status\":502"). */
static void fault(convo *c, const char *method, const char *rest)
{
    char json[1024];
    snprintf(json, sizeof json, "{\"method\":\"%s\"%s}", method, rest);
    cJSON_Delete(sim_request(&c->sim, "POST", "/sim/fault", json, NULL));
}

/* The user's message is answered (a message containing needle arrives
 * within ANSWER_WAIT_MS) and, a second later, was carried out once. */
static void answered_once_at(convo *c, long long user, const char *needle, const char *file, int line)
{
    long long seq = 0;
    cJSON *call = NULL;
    long long deadline = harness_now_ms() + ANSWER_WAIT_MS;
    while (!call && harness_now_ms() < deadline) {
        call = convo_wait(c, user, &seq, 2000);
        if (call && !strstr(convo_text(c, call), needle)) {
            cJSON_Delete(call);
            call = NULL;
        }
    }
    if (!call) {
        fprintf(stderr, "  %s:%d: %s: no answer with \"%s\" to %lld\n", file, line, unit_current, needle, user);
        unit_failed_checks++;
    }
    cJSON_Delete(call);
    usleep(DUPLICATE_WAIT_MS * 1000); /* room for a duplicate to show up */
    int n = delivered(c, user, needle);
    if (n != 1) {
        fprintf(stderr, "  %s:%d: %s: \"%s\" carried out %d times to %lld\n", file, line, unit_current, needle, n, user);
        unit_failed_checks++;
    }
}
#define answered_once(c, u, n) answered_once_at(c, u, n, __FILE__, __LINE__)

/* Starts the conversation and waits until the bot polls, so its database
 * is there to be asked. 0 on success. */
static int start(convo *c, const char *name, const char *extra_conf)
{
    if (convo_start(c, name, extra_conf)) return -1;
    for (int waited = 0; waited < 10000; waited += 20) {
        if (log_contains(&c->bot, on_vk(c) ? "long poll session ready" : "connected as @")) return 0;
        usleep(20 * 1000);
    }
    return -1;
}

/* Waits up to ms for the SQL count to reach want; returns 1 when it did. */
/* Waits until the user's reply was recorded sent (a delivery check may
 * take several seconds). */
static int reply_recorded_sent(convo *c, long long user)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM outbox WHERE chat_id = %lld AND state = 'sent'", user);
    return convo_wait_count(c, 1, 20000, sql);
}

TEST(rate_limits_global_and_per_chat_delay_but_lose_nothing)
{
    convo c;
    if (start(&c, "limits", NULL)) SKIP("simulator or bot did not start");
    if (on_max(&c)) {
        /* MAX's too.many.requests names no wait: the chat waits one rate window */
        fault(&c, "max.messages", ",\"status\":429");
        long long t0 = harness_now_ms();
        say(&c, 11000, "/help");
        CHECK(reply_recorded_sent(&c, 11000));
        long long waited = harness_now_ms() - t0;
        CHECK(waited >= 1000);
        CHECK(waited < 5000);
        CHECK(log_contains(&c.bot, "retried in 1000 ms: 429"));
        answered_once(&c, 11000, "/start");
    } else if (!on_vk(&c)) {
        /* a 429 for one chat with retry_after: that chat waits exactly that long */
        fault(&c, "sendMessage", ",\"status\":429,\"retry_after\":2");
        long long t0 = harness_now_ms();
        say(&c, 11000, "/help");
        CHECK(reply_recorded_sent(&c, 11000));
        long long waited = harness_now_ms() - t0;
        CHECK(waited >= 2000);
        CHECK(waited < 6000);
        CHECK(log_contains(&c.bot, "retried in 2000 ms: 429"));
        answered_once(&c, 11000, "/start");
    }
    /* the platform's own limits, over all chats and per chat (VK: error 6) */
    cJSON_Delete(sim_postf(&c.sim, "/sim/limits", "{\"global_per_s\":2,\"per_chat_per_s\":1}"));
    convo_busy w;
    convo_busy_start(&w, &c.bot);
    for (int i = 0; i < 5; i++) say(&c, 11001 + i, "/help");
    say(&c, 11001, "/help"); /* a second reply to the same chat meets the per-chat limit */
    for (int i = 1; i < 5; i++) answered_once(&c, 11001 + i, "/start");
    CHECK(convo_wait_count(&c, 6, ANSWER_WAIT_MS, "SELECT COUNT(*) FROM outbox WHERE state = 'sent'"));
    convo_busy_check(&w, &c.bot);
    CHECK_INT(delivered(&c, 11001, "/start"), 2);
    cJSON *stats = sim_getf(&c.sim, "/sim/stats");
    CHECK(sim_json_num(stats, "limit_violations") > 0);
    cJSON_Delete(stats);
    CHECK(log_contains(&c.bot, "retried in"));
    CHECK(log_contains(&c.bot, on_vk(&c)    ? "Too many requests per second"
                               : on_max(&c) ? "too.many.requests"
                                            : "Too Many Requests: retry after"));
    convo_stop(&c);
}

/* A send that meets status (times 5, so the row still waits, about 3 s
 * after its second try, while the operator's listing starts a sanitized
 * process on a busy machine), with body when not NULL: the
 * row waits in the outbox with the status shown, and the message arrives
 * once. */
static void server_error_case(convo *c, long long user, int status, const char *body)
{
    char rest[512], sql[200], list[8192], shown[16];
    snprintf(rest, sizeof rest, ",\"status\":%d,\"times\":5%s%s", status, body ? ",\"body\":" : "", body ? body : "");
    fault(c, send_method(c), rest);
    convo_busy w;
    convo_busy_start(&w, &c->bot);
    say(c, user, "/help");
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM outbox WHERE chat_id = %lld AND state = 'pending' AND attempts >= 2",
             user);
    CHECK(convo_wait_count(c, 1, 10000, sql));
    CHECK_INT(convo_outbox_list(c, "pending", list, sizeof list), 0);
    snprintf(shown, sizeof shown, "\t%d\t", status);
    CHECK_CONTAINS(list, shown);
    answered_once(c, user, "/start");
    convo_busy_check(&w, &c->bot);
}

TEST(server_errors_500_502_504_are_retried_and_delivered_once)
{
    convo c;
    if (start(&c, "5xx", NULL)) SKIP("simulator or bot did not start");
    server_error_case(&c, 12001, 500, NULL);
    server_error_case(&c, 12002, 502, "\"<html><body><h1>502 Bad Gateway</h1></body></html>\"");
    server_error_case(&c, 12003, 504, NULL);
    CHECK(log_contains(&c.bot, "retried in"));
    CHECK(log_contains(&c.bot, ": 502 "));
    CHECK(log_contains(&c.bot, ": 504 "));
    /* the same on the receiving side: polling goes on after a back-off */
    fault(&c, poll_method(&c), ",\"status\":502,\"times\":2,\"body\":\"<html>502 Bad Gateway</html>\"");
    convo_busy w;
    convo_busy_start(&w, &c.bot);
    say(&c, 12004, "/help");
    answered_once(&c, 12004, "/start");
    convo_busy_check(&w, &c.bot);
    CHECK(log_contains(&c.bot, "HTTP 502"));
    convo_stop(&c);
}

TEST(connection_reset_before_the_request_reached_the_server)
{
    convo c;
    if (start(&c, "reset-before", NULL)) SKIP("simulator or bot did not start");
    convo_busy w;
    convo_busy_start(&w, &c.bot);
    fault(&c, send_method(&c), ",\"drop\":true");
    say(&c, 13001, "/help");
    answered_once(&c, 13001, "/start");
    CHECK(reply_recorded_sent(&c, 13001));
    CHECK(log_contains(&c.bot, "Empty reply from server"));
    fault(&c, poll_method(&c), ",\"drop\":true,\"times\":2");
    say(&c, 13002, "/help");
    answered_once(&c, 13002, "/start");
    convo_busy_check(&w, &c.bot);
    convo_stop(&c);
}

TEST(connection_reset_after_the_server_carried_out_the_call)
{
    convo c;
    if (start(&c, "reset-after", NULL)) SKIP("simulator or bot did not start");
    convo_busy w;
    convo_busy_start(&w, &c.bot);
    fault(&c, send_method(&c), ",\"drop_after\":true");
    say(&c, 13101, "/help");
    CHECK(reply_recorded_sent(&c, 13101));
    answered_once(&c, 13101, "/start");
    CHECK(log_contains(&c.bot, "Empty reply from server"));
    /* Telegram: the bot looked and found it there; VK: sent again with the
     * same random_id, which VK drops */
    CHECK(log_contains(&c.bot, on_vk(&c) ? "retried in" : "to chat 13101 had arrived"));
    /* looked for once: the check found it, and its row is not checked again
     * before that is written */
    if (!on_vk(&c)) {
        usleep(300 * 1000);
        CHECK_INT(log_count(&c.bot, "to chat 13101 had arrived"), 1);
    }
    /* an answer to getUpdates / a_check lost after it was handed out: the
     * same updates come again and are handled once */
    fault(&c, poll_method(&c), ",\"drop_after\":true");
    say(&c, 13102, "/help");
    answered_once(&c, 13102, "/start");
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM inbox WHERE status <> 'done'"), 0);
    convo_busy_check(&w, &c.bot);
    convo_stop(&c);
}

/* The same on a connection kept from an earlier call: libcurl would send
 * the call again by itself on a new connection, unseen, and the message
 * would arrive twice. The bot takes it as an unknown outcome instead. */
TEST(a_kept_connection_reset_after_the_call_repeats_nothing)
{
    convo c;
    if (start(&c, "reset-kept", NULL)) SKIP("simulator or bot did not start");
    say(&c, 13111, "/help");
    answered_once(&c, 13111, "/start");
    /* every message of that answer out, so the fault meets the next one */
    CHECK(convo_wait_count(&c, 1, 10000, "SELECT COUNT(*) = 0 FROM outbox WHERE state <> 'sent'"));
    fault(&c, send_method(&c), ",\"drop_after\":true");
    say(&c, 13112, "/help");
    CHECK(reply_recorded_sent(&c, 13112));
    answered_once(&c, 13112, "/start");
    CHECK(log_contains(&c.bot, "not sent again on a new connection"));
    convo_stop(&c);
}

TEST(an_answer_that_never_comes_is_not_repeated)
{
    convo c;
    if (start(&c, "timeout",
              strcmp(convo_transport, "max") == 0 ? "[max]\nrequest_timeout = 1\n"
                                                  : "[telegram]\nrequest_timeout = 1\n[vk]\nrequest_timeout = 1\n"))
        SKIP("simulator or bot did not start");
    convo_busy w;
    convo_busy_start(&w, &c.bot);
    fault(&c, send_method(&c), ",\"delay_ms\":2500");
    say(&c, 13201, "/start");
    say(&c, 13201, "/help");
    if (!on_vk(&c)) {
        /* while the bot waits to look whether it arrived, the operator sees why */
        char list[8192];
        CHECK(convo_wait_count(&c, 1, 10000, "SELECT COUNT(*) FROM outbox WHERE chat_id = 13201 AND state = 'checking'"));
        CHECK_INT(convo_outbox_list(&c, "checking", list, sizeof list), 0);
        CHECK_CONTAINS(list, "13201");
        CHECK_CONTAINS(list, "timed out");
    }
    CHECK(convo_wait_count(&c, 2, 20000, "SELECT COUNT(*) FROM outbox WHERE chat_id = 13201 AND state = 'sent'"));
    sleep(1);
    /* delivered once by the platform; the bot did not send it again, and the
     * second reply came after it */
    CHECK_INT(delivered(&c, 13201, "Чтобы зарегистрироваться"), 1);
    CHECK_INT(delivered(&c, 13201, "Это бот программы"), 1);
    CHECK(log_contains(&c.bot, "timed out"));
    if (on_vk(&c)) {
        CHECK(log_contains(&c.bot, "retried in"));
    } else {
        CHECK(log_contains(&c.bot, "not repeated blindly: checking in 0.5 s whether it arrived"));
        CHECK(log_contains(&c.bot, "to chat 13201 had arrived (message id"));
        CHECK(log_contains(&c.bot, "); not sent again"));
    }
    convo_busy_check(&w, &c.bot);
    convo_stop(&c);
}

TEST(truncated_and_non_json_answers_lose_and_repeat_nothing)
{
    convo c;
    if (start(&c, "bodies", NULL)) SKIP("simulator or bot did not start");
    convo_busy w;
    convo_busy_start(&w, &c.bot);
    /* carried out, then the answer cut after 20 bytes */
    fault(&c, send_method(&c), ",\"truncate\":20");
    say(&c, 13301, "/help");
    CHECK(reply_recorded_sent(&c, 13301));
    answered_once(&c, 13301, "/start");
    /* a proxy's page with status 200 instead of an answer: not carried out */
    fault(&c, send_method(&c), ",\"status\":200,\"body\":\"<html>Service temporarily overloaded</html>\"");
    say(&c, 13302, "/help");
    CHECK(reply_recorded_sent(&c, 13302));
    answered_once(&c, 13302, "/start");
    /* the same two on the receiving side */
    const char *raw = on_vk(&c) ? "/sim/vk/raw" : on_max(&c) ? "/sim/max/raw" : "/sim/tg/raw";
    const char *cut = on_vk(&c)    ? "{\"ts\":\"4\",\"updates\":[{\"type\":"
                    : on_max(&c) ? "{\"updates\":[{\"update_type\":"
                                 : "{\"ok\":true,\"result\":[{\"update_id\":";
    free(sim_request_raw(&c.sim, "POST", raw, "text/plain", cut, strlen(cut), NULL));
    sleep(2);
    free(sim_request_raw(&c.sim, "POST", raw, "text/plain", "<html>502 Bad Gateway</html>", 28, NULL));
    sleep(3);
    say(&c, 13303, "/help");
    answered_once(&c, 13303, "/start");
    CHECK(log_contains(&c.bot, on_vk(&c)    ? "a_check answered something unreadable"
                               : on_max(&c) ? "GET /updates answered something unreadable"
                                            : "malformed JSON"));
    convo_busy_check(&w, &c.bot);
    convo_stop(&c);
}

TEST(a_user_who_blocked_the_bot_is_not_retried_and_shows_in_the_outbox)
{
    convo c;
    if (start(&c, "blocked", NULL)) SKIP("simulator or bot did not start");
    if (on_vk(&c))
        fault(&c, "messages.send", ",\"status\":200,\"body\":{\"error\":{\"error_code\":901,"
                                   "\"error_msg\":\"Can't send messages for users without permission\"}}");
    else if (on_max(&c))
        fault(&c, "max.messages", ",\"status\":403,\"body\":{\"code\":\"chat.denied\","
                                  "\"message\":\"Key: error.dialog.suspended\"}}");
    else
        fault(&c, "sendMessage", ",\"status\":403,\"body\":{\"ok\":false,\"error_code\":403,"
                                 "\"description\":\"Forbidden: bot was blocked by the user\"}");
    convo_busy w;
    convo_busy_start(&w, &c.bot);
    say(&c, 13501, "/help");
    CHECK(convo_wait_count(&c, 1, 10000, "SELECT COUNT(*) FROM outbox WHERE chat_id = 13501 AND state = 'failed'"));
    sleep(2);
    cJSON *calls = on_vk(&c)    ? vk_calls(&c.sim, 13501, 0)
                 : on_max(&c) ? max_calls(&c.sim, 13501, 0)
                              : tg_calls(&c.sim, 13501, 0);
    CHECK_INT(cJSON_GetArraySize(calls), 1); /* tried once, never again */
    cJSON_Delete(calls);
    char list[8192];
    CHECK_INT(convo_outbox_list(&c, "failed", list, sizeof list), 0);
    CHECK_CONTAINS(list, "13501");
    CHECK_CONTAINS(list, on_vk(&c) ? "without permission" : on_max(&c) ? "chat.denied" : "blocked by the user");
    CHECK(log_contains(&c.bot, "chat 13501 is unreachable"));
    convo_busy_check(&w, &c.bot);
    /* writing again makes the user reachable again */
    say(&c, 13501, "/help");
    answered_once(&c, 13501, "/start");
    convo_stop(&c);
}

/* Messages queued for a messenger this bot does not serve (one switched
 * off while messages waited for it) never leave, and never take the
 * places of those that can: the bot keeps answering. */
TEST(messages_for_a_messenger_not_served_keep_no_one_waiting)
{
    convo c;
    if (start(&c, "unserved", NULL)) SKIP("simulator or bot did not start");
    const char *other = on_vk(&c) ? "max" : "vk";
    for (int i = 0; i < 40; i++) {
        char sql[300];
        snprintf(sql, sizeof sql, "INSERT INTO outbox(platform, chat_id, kind, body, next_at, created_at)"
                                  " VALUES ('%s', %d, 'text', '{\"text\":\"queued earlier\"}', 0, 0)",
                 other, 900000 + i);
        db_exec(c.bot.db, sql);
    }
    say(&c, 13601, "/help");
    CHECK(reply_recorded_sent(&c, 13601));
    answered_once(&c, 13601, "/start");
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM outbox WHERE platform = '%s' AND state = 'pending'", other);
    CHECK_INT(db_query_int(c.bot.db, sql), 40);
    convo_stop(&c);
}

/* ---- Telegram only ---- */

TEST(conflict_409_on_get_updates_is_waited_out)
{
    convo c;
    if (start(&c, "409", NULL)) SKIP("simulator or bot did not start");
    fault(&c, "getUpdates", ",\"status\":409,\"times\":2,\"body\":{\"ok\":false,\"error_code\":409,\"description\":"
                            "\"Conflict: terminated by other getUpdates request; make sure that only one bot "
                            "instance is running\"}");
    convo_busy w;
    convo_busy_start(&w, &c.bot);
    say(&c, 13401, "/help");
    answered_once(&c, 13401, "/start");
    convo_busy_check(&w, &c.bot);
    CHECK(log_contains(&c.bot, "409 Conflict from getUpdates"));
    convo_stop(&c);
}

/* Starts a new simulator on the port s had, as a Telegram whose update ids
 * start over lower (at 100000, below the first simulator's). 0 when it
 * answers. */
static int sim_restart(sim_proc *s)
{
    int port = s->port;
    sim_stop(s);
    char bin[512], listen[64], log[512];
    snprintf(bin, sizeof bin, "%s/mentorbot-sim", harness_bin_dir());
    snprintf(listen, sizeof listen, "127.0.0.1:%d", port);
    snprintf(log, sizeof log, "%s/sim-%d.log", unit_tmpdir(), port); /* the harness reads it at the stop */
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        FILE *f = freopen(log, "a", stderr);
        (void)f;
        execl(bin, "mentorbot-sim", "--listen", listen, "--first-update-id", "100000", (char *)NULL);
        _exit(127);
    }
    s->pid = pid;
    s->port = port;
    for (int waited = 0; waited < HARNESS_START_TIMEOUT_MS; waited += 50) {
        long status = 0;
        cJSON *stats = sim_request(s, "GET", "/sim/stats", NULL, &status);
        long long answered = sim_json_num(stats, "pid");
        cJSON_Delete(stats);
        /* Tests run side by side: the answer must come from this simulator. */
        if (status == 200 && answered == pid) return 0;
        usleep(50 * 1000);
    }
    return -1;
}

TEST(update_ids_that_start_over_are_not_taken_for_repeats)
{
    convo c;
    if (start(&c, "ids-over", NULL)) SKIP("simulator or bot did not start");
    say(&c, 13601, "/help");
    answered_once(&c, 13601, "/start");
    CHECK(db_query_int(c.bot.db, "SELECT value FROM meta WHERE key = 'tg_offset'") > 100002);
    /* Telegram's ids start over lower (here: a simulator started at 100000):
     * the bot follows the new numbering */
    CHECK_INT(sim_restart(&c.sim), 0);
    CHECK_INT(tg_say(&c.sim, 13601, "Anna", "en", "/help"), 100000);
    answered_once(&c, 13601, "/start");
    CHECK_INT(tg_say(&c.sim, 13602, "Boris", "en", "/help"), 100001);
    answered_once(&c, 13602, "/start");
    CHECK_INT(db_query_int(c.bot.db, "SELECT value FROM meta WHERE key = 'tg_offset'"), 100002);
    /* and once more: now the inbox holds 100000 and 100001 from the last
     * numbering, and the new updates with those ids are no repeats of them */
    CHECK_INT(sim_restart(&c.sim), 0);
    CHECK_INT(tg_say(&c.sim, 13601, "Anna", "en", "/help"), 100000);
    answered_once(&c, 13601, "/start");
    CHECK_INT(tg_say(&c.sim, 13602, "Boris", "en", "/help"), 100001);
    answered_once(&c, 13602, "/start");
    CHECK(log_contains(&c.bot, "Telegram started its update ids over"));
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM inbox WHERE update_id = 100000 AND status = 'done'"), 1);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM inbox WHERE status <> 'done'"), 0);
    convo_stop(&c);
}

TEST(an_injected_update_with_a_large_id_does_not_hide_later_ones)
{
    convo c;
    if (start(&c, "big-id", NULL)) SKIP("simulator or bot did not start");
    const char *raw = "{\"ok\":true,\"result\":[{\"update_id\":9000000000000,\"message\":{\"message_id\":1,\"date\":1,"
                      "\"chat\":{\"id\":13701,\"type\":\"private\",\"first_name\":\"A\"},"
                      "\"from\":{\"id\":13701,\"is_bot\":false,\"first_name\":\"A\"},\"text\":\"/help\"}}]}";
    free(sim_request_raw(&c.sim, "POST", "/sim/tg/raw", "text/plain", raw, strlen(raw), NULL));
    CHECK(convo_wait_count(&c, 1, 10000, "SELECT value = 9000000000001 FROM meta WHERE key = 'tg_offset'"));
    /* the bot now confirms 9000000000001; the simulator's next ids come above it */
    long long id = tg_say(&c.sim, 13702, "B", "en", "/help");
    CHECK(id >= 9000000000001LL);
    answered_once(&c, 13702, "/start");
    convo_stop(&c);
}

static void both(void)
{
    RUN(rate_limits_global_and_per_chat_delay_but_lose_nothing);
    RUN(server_errors_500_502_504_are_retried_and_delivered_once);
    RUN(connection_reset_before_the_request_reached_the_server);
    RUN(connection_reset_after_the_server_carried_out_the_call);
    RUN(a_kept_connection_reset_after_the_call_repeats_nothing);
    RUN(an_answer_that_never_comes_is_not_repeated);
    RUN(truncated_and_non_json_answers_lose_and_repeat_nothing);
    RUN(a_user_who_blocked_the_bot_is_not_retried_and_shows_in_the_outbox);
    RUN(messages_for_a_messenger_not_served_keep_no_one_waiting);
    if (strcmp(convo_transport, "tg") == 0) {
        RUN(conflict_409_on_get_updates_is_waited_out);
        RUN(update_ids_that_start_over_are_not_taken_for_repeats);
        RUN(an_injected_update_with_a_large_id_does_not_hide_later_ones);
    }
}

int main(int argc, char **argv)
{
    convo_each_transport(argc, argv, both);
    return unit_summary();
}

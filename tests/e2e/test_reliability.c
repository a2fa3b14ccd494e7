/*
 * What happens when the platform and the process misbehave: a SIGKILL
 * among 100 writing users, a user who blocks the bot, messages in flight at
 * a crash, a webhook left set, a second instance, a database from a newer
 * version, and jobs across a restart. The network faults (429, 5xx, resets,
 * timeouts, broken bodies, 409, 403) are in test_faults.c.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#define USERS 100
#define FIRST_USER 50000


/* Successful sendMessage calls per chat in the simulator's log. */
static int count_sent(sim_proc *s, long long chat, const char *needle)
{
    return sim_count_calls(s, "tg", chat, "sendMessage", needle);
}

typedef struct all_answered { sim_proc *sim; int expect_each; int at_least_total; } all_answered;

static int replies_seen(void *arg)
{
    all_answered *a = arg;
    cJSON *calls = tg_calls(a->sim, 0, 0);
    int n = cJSON_GetArraySize(calls);
    cJSON_Delete(calls);
    return n >= a->at_least_total;
}

static int every_user_answered(void *arg)
{
    all_answered *a = arg;
    cJSON *calls = tg_calls(a->sim, 0, 0);
    static int per[USERS];
    memset(per, 0, sizeof per);
    cJSON *c;
    cJSON_ArrayForEach(c, calls) {
        long long chat = (long long)cJSON_GetNumberValue(cJSON_GetObjectItem(c, "chat_id"));
        const char *m = cJSON_GetStringValue(cJSON_GetObjectItem(c, "method"));
        if (chat >= FIRST_USER && chat < FIRST_USER + USERS && m && strcmp(m, "sendMessage") == 0 &&
            cJSON_IsTrue(cJSON_GetObjectItem(c, "ok")))
            per[chat - FIRST_USER]++;
    }
    cJSON_Delete(calls);
    for (int i = 0; i < USERS; i++)
        if (per[i] < a->expect_each) return 0;
    return 1;
}

TEST(sigkill_while_100_users_write_answers_each_message_once)
{
    convo c;
    /* Slow enough that the 100 replies take seconds: the kill must find
     * some sent and most still queued, whatever the machine's speed. */
    if (convo_start(&c, "kill", "[telegram]\nrate_global_per_s = 40\nrate_per_chat_per_s = 50\n"))
        SKIP("simulator or bot did not start");
    char org[32];
    snprintf(org, sizeof org, "%s", admin(&c, "org add --name \"School 9\""));
    char code[64];
    snprintf(code, sizeof code, "%s", code_of(admin(&c, "invite create --org %s --role mentee --uses 500", org)));
    char start[96];
    snprintf(start, sizeof start, "/start %s", code);
    /* Every user sends two messages; each must get exactly one reply. */
    for (int i = 0; i < USERS; i++) tg_say(&c.sim, FIRST_USER + i, "Pupil", i % 2 ? "en" : "ru", start);
    /* Kill while replies are flowing: some sent, most not yet. */
    all_answered some = {&c.sim, 0, 0};
    some.at_least_total = 20 + rand() % 60;
    CHECK(wait_until(replies_seen, &some, 30000));
    bot_kill(&c.bot, SIGKILL);
    cJSON *before = tg_calls(&c.sim, 0, 0);
    int sent_before_kill = cJSON_GetArraySize(before);
    cJSON_Delete(before);
    CHECK(sent_before_kill < USERS);
    for (int i = 0; i < USERS; i++) tg_say(&c.sim, FIRST_USER + i, "Pupil", i % 2 ? "en" : "ru", "/help");
    CHECK(bot_start(&c.bot) == 0);
    all_answered want = {&c.sim, 2, 0};
    CHECK(wait_until(every_user_answered, &want, 60000));
    usleep(1500 * 1000); /* room for any duplicate to show up */
    int twice = 0, missing = 0;
    for (int i = 0; i < USERS; i++) {
        int privacy = count_sent(&c.sim, FIRST_USER + i, i % 2 ? "You are invited" : "Вас приглашают");
        int help = count_sent(&c.sim, FIRST_USER + i, "/menu");
        if (privacy > 1 || help > 1) twice++;
        if (privacy < 1 || help < 1) missing++;
    }
    if (twice || missing)
        fprintf(stderr, "  killed after %d replies; %d users answered twice, %d missing; outbox unknown %lld, pending %lld\n",
                sent_before_kill, twice, missing, db_query_int(c.bot.db, "SELECT COUNT(*) FROM outbox WHERE state = 'unknown'"),
                db_query_int(c.bot.db, "SELECT COUNT(*) FROM outbox WHERE state = 'pending'"));
    CHECK_INT(twice, 0);
    CHECK_INT(missing, 0);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM inbox"), 2 * USERS);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM inbox WHERE status <> 'done'"), 0);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM accounts"), USERS);
    /* each opened the invite once: a place held while registering, none
     * used up, since an invite counts a use at a completed registration */
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM invite_uses"), USERS);
    CHECK_INT(db_query_int(c.bot.db, "SELECT uses FROM invites"), 0);
    convo_stop(&c);
}

TEST(blocked_user_is_marked_unreachable)
{
    convo c;
    if (convo_start(&c, "blocked", NULL)) SKIP("simulator or bot did not start");
    char org[32];
    snprintf(org, sizeof org, "%s", admin(&c, "org add --name \"School 3\""));
    const char *link = admin(&c, "invite create --org %s --role mentee --uses 2", org);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "/start %s", code_of(link));
    say(&c, 8001, cmd);
    expect(&c, 8001, "Вас приглашают");
    say(&c, 8002, cmd);
    expect(&c, 8002, "Вас приглашают");

    /* 8001 blocks the bot: Telegram sends my_chat_member "kicked" */
    cJSON_Delete(sim_postf(&c.sim, "/sim/tg/block", "{\"user_id\":8001}"));
    sleep(2);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM identities WHERE user_id = 8001 AND unreachable_at IS NOT NULL"), 1);

    /* 8002's next message gets 403 from the API: also marked, not retried */
    cJSON_Delete(sim_postf(&c.sim, "/sim/fault", "{\"method\":\"sendMessage\",\"status\":403,\"body\":{\"ok\":false,"
                                                 "\"error_code\":403,\"description\":\"Forbidden: bot was blocked by the user\"},\"times\":1}"));
    say(&c, 8002, "/help");
    sleep(2);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM identities WHERE user_id = 8002 AND unreachable_at IS NOT NULL"), 1);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM outbox WHERE chat_id = 8002 AND state = 'failed'"), 1);
    CHECK_INT(count_sent(&c.sim, 8002, "/menu"), 0);

    /* writing again makes the user reachable again */
    say(&c, 8002, "/help");
    expect(&c, 8002, "/menu");
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM identities WHERE user_id = 8002 AND unreachable_at IS NULL"), 1);
    convo_stop(&c);
}

/* Rows left "sending" by a crash: one whose message reached Telegram, one
 * whose did not. After the restart the first is found and kept, the second
 * is sent, each exactly once, and a message the user wrote meanwhile is
 * answered after them. */
TEST(messages_in_flight_at_a_crash_are_checked_then_sent_or_kept)
{
    convo c;
    if (convo_start(&c, "inflight", NULL)) SKIP("simulator or bot did not start");
    say(&c, 9301, "/help");
    expect(&c, 9301, "/start");
    say(&c, 9302, "/help");
    expect(&c, 9302, "/start");
    CHECK_INT(bot_stop(&c.bot), 0);
    db_exec(c.bot.db,
             "INSERT INTO outbox(platform, chat_id, kind, body, state, attempts, next_at, created_at, probe_floor)"
             " SELECT 'tg', chat_id, 'text', '{\"text\":\"Check ' || chat_id || '\"}', 'sending', 1, 0, 0,"
             " last_message_id FROM chat_marks WHERE chat_id IN (9301, 9302)");
    /* 9302's message got out before the crash; 9301's did not */
    cJSON_Delete(sim_postf(&c.sim, "/bot1:x/sendMessage", "{\"chat_id\":9302,\"text\":\"Check 9302\"}"));
    say(&c, 9301, "/help");
    CHECK_INT(bot_start(&c.bot), 0);
    expect(&c, 9301, "Check 9301");
    expect(&c, 9301, "/start");
    sleep(2);
    CHECK_INT(count_sent(&c.sim, 9301, "Check 9301"), 1);
    CHECK_INT(count_sent(&c.sim, 9302, "Check 9302"), 1);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM outbox WHERE state = 'sent' AND body LIKE '%Check%'"), 2);
    CHECK(log_contains(&c.bot, "2 message(s) were being sent when the last run stopped"));
    CHECK(log_contains(&c.bot, "to chat 9301 had not arrived; sending it now"));
    CHECK(log_contains(&c.bot, "to chat 9302 had arrived (message id 3); not sent again"));
    convo_stop(&c);
}

TEST(a_webhook_a_second_instance_and_a_newer_database_are_survived)
{
    sim_proc sim;
    bot_proc bot;
    memset(&bot, 0, sizeof bot);
    if (sim_start(&sim)) SKIP("simulator did not start");
    /* a webhook left set by another deployment is removed at start */
    cJSON_Delete(sim_postf(&sim, "/bot1:x/setWebhook", "{\"url\":\"https://example.org/hook\"}"));
    bot_setup(&bot, &sim, "malformed", NULL);
    bot_start(&bot);
    long long seq = 0;
    tg_say(&sim, 9101, "A", "en", "/help");
    cJSON *call = tg_wait_call(&sim, 9101, &seq, 10000);
    CHECK(call != NULL);
    cJSON_Delete(call);
    cJSON *info = sim_postf(&sim, "/bot1:x/getWebhookInfo", "{}");
    CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(info, "result"), "url")), "");
    cJSON_Delete(info);
    CHECK(log_contains(&bot, "a webhook is set; deleting it"));

    /* truncated and non-JSON bodies and 409 Conflict: tests/e2e/test_faults.c */

    /* a second instance on the same database refuses to start */
    bot_proc second = bot;
    snprintf(second.log, sizeof second.log, "%s/second.log", bot.dir);
    second.pid = 0;
    bot_start(&second);
    CHECK_INT(bot_wait_exit(&second, 10000), 1);
    CHECK(log_contains(&second, "another mentorbot is already running"));
    CHECK_INT(bot_stop(&bot), 0);

    /* a database written by a newer version is refused with a clear message */
    long long v = db_query_int(bot.db, "PRAGMA user_version");
    CHECK(v >= 1);
    db_exec(bot.db, "PRAGMA user_version=999");
    bot_start(&bot);
    CHECK_INT(bot_wait_exit(&bot, 10000), 1);
    CHECK(log_contains(&bot, "schema version 999 but this mentorbot knows only up to"));
    sim_stop(&sim);
}

TEST(jobs_survive_a_restart_and_run_when_due)
{
    convo c;
    if (convo_start(&c, "jobs", NULL)) SKIP("simulator or bot did not start");
    char org[32];
    snprintf(org, sizeof org, "%s", admin(&c, "org add --name \"School 4\""));
    const char *link = admin(&c, "invite create --org %s --role mentee", org);
    char cmd[96];
    snprintf(cmd, sizeof cmd, "/start %s", code_of(link));
    say(&c, 9201, cmd);
    expect(&c, 9201, "Вас приглашают");
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM jobs WHERE kind = 'registration_nudge' AND state = 'pending'"), 1);
    /* restart a day and an hour later: the job is found in the database and runs once */
    convo_restart_after(&c, 90000);
    expect(&c, 9201, "ещё не закончена");
    expect_silence(&c, 9201, 1500);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM jobs WHERE kind = 'registration_nudge' AND state = 'done'"), 1);
    convo_stop(&c);
}

int main(int argc, char **argv)
{
    srand((unsigned)getpid());
    if (argc > 1 && strcmp(argv[1], "kill") == 0) {
        RUN(sigkill_while_100_users_write_answers_each_message_once);
        return unit_summary();
    }
    RUN(blocked_user_is_marked_unreachable);
    RUN(messages_in_flight_at_a_crash_are_checked_then_sent_or_kept);
    RUN(a_webhook_a_second_instance_and_a_newer_database_are_survived);
    RUN(jobs_survive_a_restart_and_run_when_due);
    RUN(sigkill_while_100_users_write_answers_each_message_once);
    return unit_summary();
}

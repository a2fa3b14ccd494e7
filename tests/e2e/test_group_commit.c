/*
 * The sender writes the answers that come in together in one commit, with
 * the rows it sends next, instead of one fsync per message: a hundred
 * answers queued at once leave in far fewer commits than messages, each
 * still recorded once.
 *
 * With `synchronous = full` a thread flushes the database log while the
 * loop goes on (bot/durable.h): no reply leaves before the commit that
 * queued it is on disk, replies waiting together share one flush, and a
 * flush that fails stops the bot without sending; the next start delivers
 * the reply once. The flush is made slow or failing through the bot's test
 * faults (MENTORBOT_TEST_FAULTS=1 and <db>.fault-flush).
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PEOPLE 100
#define FIRST_ID 880000001LL

/* Counts the bot's successful calls in the sent log until want are seen or
 * 20 seconds are up (a sanitized bot on a busy machine answers a hundred
 * people in a few; a poll returns at each new call, so the rounds are
 * bounded by time, not by their number). */
static int wait_for_calls(convo *c, int want)
{
    long long seq = 0, deadline = harness_now_ms() + 20000;
    int got = 0;
    while (got < want && harness_now_ms() < deadline) {
        cJSON *sent = sim_getf(&c->sim, "/sim/%s/sent?after=%lld&wait_ms=500", c->transport, seq);
        const cJSON *call;
        cJSON_ArrayForEach(call, cJSON_GetObjectItemCaseSensitive(sent, "calls")) {
            if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(call, "ok"))) got++;
        }
        long long last = sim_json_num(sent, "last_seq");
        if (last > seq) seq = last;
        cJSON_Delete(sent);
    }
    return got;
}

TEST(answers_that_come_in_together_share_one_commit)
{
    convo c;
    if (convo_start(&c, "group-commit", NULL)) SKIP("simulator or bot did not start");
    int vk = strcmp(c.transport, "vk") == 0;
    /* They write while the bot is down, so its first poll brings all of
     * them and a hundred answers leave together, as after a broadcast.
     * (Someone wrote before, so VK's position in the event stream is
     * kept across the restart.) */
    convo_user_add(&c, FIRST_ID - 1, "Гость", "ru");
    say(&c, FIRST_ID - 1, "/help");
    expect(&c, FIRST_ID - 1, "/start");
    bot_stop(&c.bot);
    for (long long i = 0; i < PEOPLE; i++) {
        long long r = vk ? vk_say(&c.sim, FIRST_ID + i, "ru", "/help")
                         : tg_say(&c.sim, FIRST_ID + i, "Гость", "ru", "/help");
        CHECK(r >= 0);
    }
    CHECK_INT(bot_start(&c.bot), 0);
    CHECK_INT(wait_for_calls(&c, PEOPLE + 1), PEOPLE + 1);
    /* the last answers are recorded a moment after they arrive */
    convo_wait_count(&c, PEOPLE + 1, 5000, "SELECT COUNT(*) FROM outbox WHERE state = 'sent'");
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM outbox WHERE state = 'sent'"), PEOPLE + 1);
    CHECK_INT(db_query_int(c.bot.db, "SELECT COUNT(*) FROM outbox WHERE state <> 'sent'"), 0);

    bot_stop(&c.bot);
    char *log = unit_read_file(c.bot.log, NULL);
    const char *line = NULL;   /* the last run's */
    for (const char *p = log; p && (p = strstr(p, "stopped: ")); p++) line = p;
    long sent = -1, commits = -1;
    const char *at = line ? strstr(line, "unreachable; ") : NULL;
    if (line) sent = strtol(line + strlen("stopped: "), NULL, 10);
    if (at) commits = strtol(at + strlen("unreachable; "), NULL, 10);
    CHECK_INT(sent, PEOPLE);
    /* One commit per message would be 100 and more; answers that arrive
     * together share theirs. */
    CHECK(commits > 0 && commits * 2 <= sent);
    printf("   %ld messages sent in %ld commits of the sender\n", sent, commits);
    free(log);
    convo_stop(&c);
}

#define SLOW_FLUSH_MS 400
#define WAITERS 12
#define DURABLE_FIRST 881000001LL

/* A number from the last "stopped:" line of the bot's log, after `label`
 * ("flushes of the database log for " gives the waits); -1 when absent. */
static long stopped_figure(const convo *c, const char *before)
{
    char *log = unit_read_file(c->bot.log, NULL);
    const char *line = NULL;
    for (const char *p = log; p && (p = strstr(p, "stopped: ")); p++) line = p;
    const char *at = line ? strstr(line, before) : NULL;
    long n = at ? strtol(at + strlen(before), NULL, 10) : -1;
    free(log);
    return n;
}

static void set_flush_fault(const convo *c, const char *what)
{
    char path[600];
    snprintf(path, sizeof path, "%s.fault-flush", c->bot.db);
    if (!what) {
        unlink(path);
        return;
    }
    FILE *f = fopen(path, "w");
    CHECK(f != NULL);
    if (f) {
        fputs(what, f);
        fclose(f);
    }
}

TEST(with_full_sync_a_reply_leaves_only_after_its_commit_is_on_disk)
{
    setenv("MENTORBOT_TEST_FAULTS", "1", 1);
    convo c;
    if (convo_start(&c, "durable", "[storage]\nsynchronous = full\n")) SKIP("simulator or bot did not start");
    int vk = strcmp(c.transport, "vk") == 0;
    const char *method = vk ? "messages.send" : "sendMessage";
    convo_user_add(&c, DURABLE_FIRST, "Гость", "ru");
    say(&c, DURABLE_FIRST, "/help");
    expect(&c, DURABLE_FIRST, "/start");

    /* Each flush takes SLOW_FLUSH_MS: a reply comes no sooner, and the
     * people who write meanwhile are answered after a flush or two, not
     * one flush each. */
    char ms[16];
    snprintf(ms, sizeof ms, "%d", SLOW_FLUSH_MS);
    set_flush_fault(&c, ms);
    long long t0 = harness_now_ms();
    for (long long i = 1; i <= WAITERS; i++) {
        long long r = vk ? vk_say(&c.sim, DURABLE_FIRST + i, "ru", "/help")
                         : tg_say(&c.sim, DURABLE_FIRST + i, "Гость", "ru", "/help");
        CHECK(r >= 0);
    }
    long long seen = 0, first_ms = -1;
    for (int round = 0; round < 40 && seen < WAITERS; round++) {
        seen = 0;
        for (long long i = 1; i <= WAITERS; i++) seen += sim_count_calls(&c.sim, c.transport, DURABLE_FIRST + i, method, "/start") > 0;
        if (seen && first_ms < 0) first_ms = harness_now_ms() - t0;
        if (seen < WAITERS) usleep(100 * 1000);
    }
    CHECK_INT(seen, WAITERS);
    CHECK(first_ms >= SLOW_FLUSH_MS);
    long long all_ms = harness_now_ms() - t0;
    CHECK(all_ms < (long long)WAITERS * SLOW_FLUSH_MS / 2);
    printf("   %d replies behind a %d ms flush: the first after %lld ms, all after %lld ms\n", WAITERS, SLOW_FLUSH_MS,
           first_ms, all_ms);
    set_flush_fault(&c, NULL);

    /* A flush that fails: the bot stops, and the reply stays unsent. */
    set_flush_fault(&c, "fail");
    long long last = DURABLE_FIRST + WAITERS + 1;
    convo_user_add(&c, last, "Гость", "ru");
    say(&c, last, "/help");
    CHECK_INT(bot_wait_exit(&c.bot, 10000), 2);
    CHECK(log_contains(&c.bot, "could not flush the database log"));
    CHECK_INT(sim_count_calls(&c.sim, c.transport, last, method, "/start"), 0);
    long waits = stopped_figure(&c, "flushes of the database log for ");
    long flushes = stopped_figure(&c, "of the sender; ");
    CHECK(flushes > 0 && waits > flushes);
    printf("   %ld flushes for %ld waits\n", flushes, waits);

    /* The disk is well again: the next start delivers it, once. */
    set_flush_fault(&c, NULL);
    CHECK_INT(bot_start(&c.bot), 0);
    expect(&c, last, "/start");
    CHECK_INT(bot_stop(&c.bot), 0);
    CHECK_INT(sim_count_calls(&c.sim, c.transport, last, method, "/start"), 1);
    convo_stop(&c);
    unsetenv("MENTORBOT_TEST_FAULTS");
}

static void all_conversations(void)
{
    RUN(answers_that_come_in_together_share_one_commit);
    RUN(with_full_sync_a_reply_leaves_only_after_its_commit_is_on_disk);
}

/* One description, both messengers (or the one named as the argument). */
int main(int argc, char **argv)
{
    convo_each_transport(argc, argv, all_conversations);
    return unit_summary();
}

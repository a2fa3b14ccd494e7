/*
 * The sender writes the answers that come in together in one commit, with
 * the rows it sends next, instead of one fsync per message: a hundred
 * answers queued at once leave in far fewer commits than messages, each
 * still recorded once.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PEOPLE 100
#define FIRST_ID 880000001LL

/* Counts the bot's successful calls in the sent log until want are seen or
 * the time is up. */
static int wait_for_calls(convo *c, int want)
{
    long long seq = 0;
    int got = 0;
    for (int round = 0; round < 40 && got < want; round++) {
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

static void all_conversations(void)
{
    RUN(answers_that_come_in_together_share_one_commit);
}

/* One description, both messengers (or the one named as the argument). */
int main(int argc, char **argv)
{
    convo_each_transport(argc, argv, all_conversations);
    return unit_summary();
}

/*
 * A broadcast at the real limits: USERS people each wrote to the bot while
 * it was down, so on start it owes every one of them an answer at once,
 * as after an announcement. The bot runs with Telegram's real caps (30
 * messages a second over all chats, one a second in a chat) and the
 * simulator enforces the same caps, answering 429 to anything above them.
 * Prints the sustained rate as a share of the cap, the busiest second, and
 * the number of 429 answers (the target: at least 97 % of 30/s, no 429).
 *
 *   MENTORBOT_BIN_DIR=. build/rel/bin/bench_broadcast [USERS]   (default 10000)
 *
 * With --reminders the messages owed are meeting reminders instead: PAIRS
 * pairs (default 5000, so 10,000 messages) each with a meeting whose
 * hour-ahead reminder falls due at the same moment, written into the bot's
 * database by bench_meetings --seed (beside this program) while the bot is
 * down, then the bot started with its clock at that moment. The scheduler
 * runs the 5,000 jobs and the same sender drains what they queued.
 *
 *   MENTORBOT_BIN_DIR=. build/rel/bin/bench_broadcast --reminders [PAIRS]
 */
#include "tests/e2e/convo.h"
#include "tests/e2e/harness_internal.h"
#include "tests/unit.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CAP_PER_S 30
#define FIRST_USER 910000001LL
#define TARGET_SHARE 0.97

/* Reads the whole sent log from after, adding each delivered sendMessage's
 * arrival time (the simulator's clock) to at and counting the 429s; the
 * new position. */
static long long read_sent(sim_proc *sim, long long after, long long *at, long long max, long long *n,
                           long long *refused)
{
    cJSON *sent = sim_getf(sim, "/sim/tg/sent?after=%lld&wait_ms=1000", after);
    const cJSON *call;
    cJSON_ArrayForEach(call, cJSON_GetObjectItemCaseSensitive(sent, "calls")) {
        const char *m = sim_json_str(call, "method");
        if (!m || strcmp(m, "sendMessage") != 0) continue;
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(call, "ok"))) {
            if (*n < max) at[(*n)++] = sim_json_num(call, "at_ms");
        } else if (sim_json_num(call, "error.error_code") == 429) {
            (*refused)++;
        }
    }
    long long last = sim_json_num(sent, "last_seq");
    cJSON_Delete(sent);
    return last > after ? last : after;
}

/* Reads what the simulator delivered until want messages came or the
 * time ran out, and prints the figures; 0 when all came. */
static int measure(convo *c, long long want, const char *what)
{
    long long *at = calloc((size_t)want, sizeof *at);
    long long n = 0, refused = 0, seq = 0;
    long long deadline = harness_now_ms() + (want / CAP_PER_S + 120) * 1000;
    while (at && n < want && harness_now_ms() < deadline) seq = read_sent(&c->sim, seq, at, want, &n, &refused);
    convo_stop(c);
    if (!at || n < 2) {
        fprintf(stderr, "bench_broadcast: only %lld %s arrived\n", n, what);
        free(at);
        return 1;
    }
    double span_s = (double)(at[n - 1] - at[0]) / 1000.0;
    double rate = span_s > 0 ? (double)(n - 1) / span_s : 0;
    int busiest = 0;
    for (long long i = 0, j = 0; i < n; i++) {
        while (at[i] - at[j] >= 1000) j++;
        if (i - j + 1 > busiest) busiest = (int)(i - j + 1);
    }
    printf("%s at the real limits (Telegram, %d messages/s over all chats, 1/s in a chat)\n", what, CAP_PER_S);
    printf("  delivered           %lld of %lld in %.1f s\n", n, want, span_s);
    printf("  sustained rate      %.2f/s = %.1f %% of the cap (target >= %.0f %%) %s\n", rate,
           100.0 * rate / CAP_PER_S, 100 * TARGET_SHARE, rate >= TARGET_SHARE * CAP_PER_S ? "met" : "MISSED");
    printf("  busiest second      %d messages\n", busiest);
    printf("  answered 429        %lld (target 0) %s\n", refused, refused == 0 ? "met" : "MISSED");
    free(at);
    return n == want ? 0 : 1;
}

static int start_at_limits(convo *c, const char *name, const char *extra)
{
    char conf[512];
    snprintf(conf, sizeof conf, "[telegram]\nrate_global_per_s = 30\nrate_per_chat_per_s = 1\n"
                                "[bot]\nlog_level = info\n%s", extra);
    convo_transport = "tg";
    if (convo_start(c, name, conf)) {
        fprintf(stderr, "bench_broadcast: the simulator or the bot did not start\n");
        return -1;
    }
    cJSON_Delete(sim_postf(&c->sim, "/sim/limits", "{\"global_per_s\":%d,\"per_chat_per_s\":1}", CAP_PER_S));
    bot_stop(&c->bot);
    return 0;
}

/* Everyone wrote /help while the bot was down: it owes users answers. */
static int announcement(long long users)
{
    convo c;
    if (start_at_limits(&c, "broadcast", "")) return 1;
    for (long long i = 0; i < users; i++)
        if (tg_say(&c.sim, FIRST_USER + i, "Гость", "ru", "/help") < 0) {
            fprintf(stderr, "bench_broadcast: the simulator did not take message %lld\n", i + 1);
            convo_stop(&c);
            return 1;
        }
    if (bot_start(&c.bot)) {
        fprintf(stderr, "bench_broadcast: the bot did not start again\n");
        convo_stop(&c);
        return 1;
    }
    return measure(&c, users, "broadcast");
}

/* pairs meetings whose hour-ahead reminders are all due when the bot starts. */
static int reminders(const char *self, long long pairs)
{
    convo c;
    if (start_at_limits(&c, "broadcast-reminders", "[meetings]\nquiet_hours = none\n")) return 1;
    char dir[512], cmd[1400];
    snprintf(dir, sizeof dir, "%s", self);
    snprintf(cmd, sizeof cmd, "'%s/bench_meetings' --seed '%s' %lld %lld", dirname(dir), c.bot.db, pairs, FIRST_USER);
    if (system(cmd) != 0) {
        fprintf(stderr, "bench_broadcast: %s failed\n", cmd);
        convo_stop(&c);
        return 1;
    }
    /* The simulator learns each chat, as if each had written once before. */
    for (long long i = 0; i < 2 * pairs; i++)
        cJSON_Delete(sim_postf(&c.sim, "/sim/tg/unblock", "{\"user_id\":%lld}", FIRST_USER + i));
    /* The meetings are three hours ahead: the bot's clock two hours on. */
    setenv("MENTORBOT_CLOCK_OFFSET_S", "7230", 1);
    int started = bot_start(&c.bot);
    unsetenv("MENTORBOT_CLOCK_OFFSET_S");
    if (started) {
        fprintf(stderr, "bench_broadcast: the bot did not start again\n");
        convo_stop(&c);
        return 1;
    }
    printf("%lld meetings, their hour-ahead reminders due at once\n", pairs);
    return measure(&c, 2 * pairs, "reminders");
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--reminders") == 0) {
        long long pairs = argc > 2 ? atoll(argv[2]) : 5000;
        return reminders(argv[0], pairs < 1 ? 1 : pairs);
    }
    long long users = argc > 1 ? atoll(argv[1]) : 10000;
    return announcement(users < 2 ? 2 : users);
}

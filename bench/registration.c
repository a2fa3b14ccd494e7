/*
 * Registration throughput: N simulated users each go through
 * /start <code> -> category -> consent -> name, as Telegram updates (and
 * then as VK Long Poll events) parsed from JSON and applied through the
 * real intake (inbox, dispatcher, handlers, outbox) in batches of 100, each
 * batch one durable commit, the way getUpdates and a_check deliver them.
 * HTTP is left out: it is measured by the simulator's own figures.
 *
 *   build/rel/bin/bench_registration [USERS] [full|normal] [tg|vk]
 *
 * Prints updates/s, the p50/p99 latency of an update from the start of its
 * batch to the commit, and the peak resident memory.
 *
 * MENTORBOT_BENCH_CHECKPOINT_BATCHES=N checkpoints after every N batches
 * instead of every second, so that a count of instructions (callgrind)
 * does not depend on how fast the machine ran: 75 is about a second here.
 */
#include "bench/bench.h"
#include "bot/intake.h"
#include "bot/telegram/telegram.h"
#include "bot/telegram/tg_parse.h"
#include "bot/vk/vk_parse.h"
#include "storage/invites.h"
#include "storage/records.h"
#include "util/clock.h"
#include "util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#define BATCH 100
#define STEPS 4

/* The JSON Telegram would send for step s of user u. */
static void update_json(char *buf, size_t size, long long update_id, long long user, int step, const char *code)
{
    static const char *const buttons[] = {NULL, "cat:student", "consent:yes", NULL};
    if (buttons[step]) {
        snprintf(buf, size,
                 "{\"update_id\":%lld,\"callback_query\":{\"id\":\"%lld\",\"from\":{\"id\":%lld,\"is_bot\":false,"
                 "\"first_name\":\"U\",\"language_code\":\"ru\"},\"message\":{\"message_id\":%d,\"chat\":{\"id\":%lld,"
                 "\"type\":\"private\"},\"date\":0,\"text\":\"?\"},\"chat_instance\":\"1\",\"data\":\"%s\"}}",
                 update_id, update_id, user, step + 1, user, buttons[step]);
    } else {
        snprintf(buf, size,
                 "{\"update_id\":%lld,\"message\":{\"message_id\":%d,\"from\":{\"id\":%lld,\"is_bot\":false,"
                 "\"first_name\":\"U\",\"language_code\":\"ru\"},\"chat\":{\"id\":%lld,\"type\":\"private\"},"
                 "\"date\":0,\"text\":\"%s%s\"}}",
                 update_id, step + 1, user, user, step == 0 ? "/start " : "Ученик Номер ", step == 0 ? code : "Один");
    }
}

/* The same step as a VK event (message_new, or message_event for a button). */
static void vk_event_json(char *buf, size_t size, long long n, long long user, int step, const char *code)
{
    static const char *const buttons[] = {NULL, "cat:student", "consent:yes", NULL};
    if (buttons[step]) {
        snprintf(buf, size,
                 "{\"type\":\"message_event\",\"event_id\":\"ev%lld\",\"group_id\":1,\"object\":{\"user_id\":%lld,"
                 "\"peer_id\":%lld,\"event_id\":\"x%lld\",\"payload\":{\"b\":\"%s\"},\"conversation_message_id\":%d}}",
                 n, user, user, n, buttons[step], step + 1);
    } else {
        snprintf(buf, size,
                 "{\"type\":\"message_new\",\"event_id\":\"ev%lld\",\"group_id\":1,\"v\":\"5.199\",\"object\":"
                 "{\"message\":{\"date\":0,\"from_id\":%lld,\"id\":%lld,\"out\":0,\"peer_id\":%lld,"
                 "\"conversation_message_id\":%d,\"text\":\"%s%s\"},\"client_info\":{\"lang_id\":0}}}",
                 n, user, n, user, step + 1, step == 0 ? "/start " : "Ученик Номер ", step == 0 ? code : "Один");
    }
}

static int run(const char *platform, long users, int full);

int main(int argc, char **argv)
{
    long users = argc > 1 ? atol(argv[1]) : 100000;
    int full = !(argc > 2 && strcmp(argv[2], "normal") == 0);
    if (users < 1) users = 1;
    log_set_level(LOG_ERROR);
    /* Each platform in a process of its own, so the peak RSS is its own. */
    static const char *const platforms[] = {"tg", "vk"};
    int failed = 0;
    for (int i = 0; i < 2; i++) {
        if (argc > 3 && strcmp(argv[3], platforms[i]) != 0) continue;
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            int rc = run(platforms[i], users, full);
            fflush(stdout);
            _exit(rc);
        }
        int status = 1;
        if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) failed = 1;
    }
    return failed;
}

static int run(const char *platform, long users, int full)
{
    int vk = strcmp(platform, "vk") == 0;
    char dir[] = "/tmp/mentorbot-bench-XXXXXX", path[128], err[512];
    if (!mkdtemp(dir)) return 1;
    snprintf(path, sizeof path, "%s/bench.db", dir);
    db *d;
    if (db_open(path, full ? DB_SYNC_FULL : DB_SYNC_NORMAL, &d, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    const char *langs[] = {"ru", "en", NULL};
    i18n *texts = i18n_load("locales", langs, err, sizeof err);
    if (!texts) {
        fprintf(stderr, "%s (run from the repository root)\n", err);
        return 1;
    }
    bot_env env = {.texts = texts, .default_language = "ru", .consent_age = 14};
    /* Telegram registered as the bot registers it (bot/app.c). */
    static config cfg;
    platform_info tg_info;
    config_defaults(&cfg);
    tg_platform_describe(&cfg, "mentorbot_bench_bot", &tg_info);
    platform_register(&tg_info);
    int64_t org_id;
    char code[INVITE_CODE_LEN + 1];
    org_add(d, "Bench school", "Europe/Moscow", &org_id);
    invite_create(d, "role", org_id, "mentee", (int)users, 0, 0, "bench", code, NULL);

    long total = users * STEPS, done = 0, update_id = 1;
    double *lat = malloc((size_t)total * sizeof *lat);
    char *json = malloc(BATCH * 640);
    static intake_item items[BATCH];
    static char bufs[BATCH][EVENT_BUTTON_DATA_MAX + 1];
    intake_stats st = {0};
    db_manual_checkpoints(d);
    const char *every = getenv("MENTORBOT_BENCH_CHECKPOINT_BATCHES");
    long checkpoint_batches = every ? atol(every) : 0, batches = 0;
    double started = bench_mono_ms(), last_checkpoint = started, owed = 0;
    /* Users are interleaved the way real traffic is: a batch holds one step
     * of 25 different users, so the batch mixes new and known people. */
    const long group = BATCH / STEPS;
    for (long first = 0; first < users; first += group) {
        long last = first + group < users ? first + group : users;
        for (int step = 0; step < STEPS; step++) {
            size_t off = (size_t)snprintf(json, 64, vk ? "{\"ts\":\"%ld\",\"updates\":[" : "[", update_id + group);
            for (long u = first; u < last; u++) {
                if (u > first) json[off++] = ',';
                if (vk) vk_event_json(json + off, 640, update_id++, 1000000 + u, step, code);
                else update_json(json + off, 512, update_id++, 1000000 + u, step, code);
                off += strlen(json + off);
            }
            off += (size_t)snprintf(json + off, 4, vk ? "]}" : "]");
            double t0 = bench_mono_ms();
            int n = 0;
            if (vk) {
                vk_check c;
                if (vk_parse_check(json, off, &c)) return 1;
                const cJSON *u;
                cJSON_ArrayForEach(u, c.updates) {
                    memset(&items[n], 0, sizeof items[n]);
                    if (!vk_update_to_event(u, &items[n].ev, &items[n].update_id, &items[n].kind, bufs[n],
                                            sizeof bufs[n]))
                        n++;
                }
                if (intake_apply(d, &env, "vk", items, n, "vk_ts", c.ts, &st)) return 1;
                vk_check_free(&c);
            } else {
                tg_reply r;
                if (tg_parse_reply(json, off, 200, &r)) return 1;
                int64_t next = 0;
                n = tg_items_from_result(r.result, items, BATCH, &next);
                if (intake_apply(d, &env, "tg", items, n, TG_META_OFFSET, next, &st)) return 1;
                tg_reply_free(&r);
            }
            double t1 = bench_mono_ms();
            /* The service checkpoints from a timer; updates arriving during
             * it wait, so its time is added to the next batch's latency. */
            for (int i = 0; i < n; i++) lat[done++] = t1 - t0 + owed;
            owed = 0;
            batches++;
            if (checkpoint_batches > 0 ? batches % checkpoint_batches == 0
                                       : t1 - last_checkpoint >= DB_CHECKPOINT_EVERY_MS) {
                db_checkpoint(d);
                last_checkpoint = bench_mono_ms();
                owed = last_checkpoint - t1;
            }
        }
    }
    double elapsed = bench_mono_ms() - started;
    qsort(lat, (size_t)done, sizeof *lat, bench_cmp_double);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    long long active = 0;
    sqlite3_stmt *q = db_stmt(d, "SELECT COUNT(*) FROM accounts WHERE status = 'active'");
    if (q && sqlite3_step(q) == SQLITE_ROW) active = sqlite3_column_int64(q, 0);
    printf("registration over %s: %ld users, %ld updates in %.0f ms (synchronous=%s)\n",
           vk ? "VK" : "Telegram", users, done, elapsed, full ? "full" : "normal");
    printf("  updates/s          %.0f\n", done / (elapsed / 1000.0));
    printf("  latency p50 / p99  %.2f / %.2f ms (update's batch start to commit, batches of %d)\n",
           lat[done / 2], lat[(size_t)(done * 0.99)], BATCH);
    printf("  handled %d, failed %d, registered %lld\n", st.handled, st.failed, active);
    printf("  peak RSS           %.1f MB\n", ru.ru_maxrss / 1024.0);
    db_close(d);
    i18n_free(texts);
    free(lat);
    free(json);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return active == users ? 0 : 1;
}

/*
 * Soak under SIGKILL: many pupils register by invite and fill in their
 * request survey at the same time, while the bot is killed with SIGKILL at
 * random moments and started again. The same conversations run beside it
 * without kills; afterwards every pupil must have seen exactly the replies
 * of that run (none missing, none twice), the database must hold the same
 * accounts and survey answers, each once, and the outbox must be drained.
 * The pupils themselves are in soak.c.
 *
 *   e2e_soak [tg|vk] [--users N] [--kills K] [--seed S] [--concurrent C]
 *            [--timeout SECONDS]
 *
 * MENTORBOT_SOAK_USERS, _KILLS, _SEED, _CONCURRENT and _TIMEOUT do the same
 * (arguments win). Without a messenger it runs on Telegram only; `make
 * test` runs it so, with 100 pupils and 4 kills, `make soak` with 2,000
 * pupils and 25 kills on each messenger. The seed is printed, so a failing
 * run can be replayed with the same kill points.
 */
#include "tests/e2e/soak.h"
#include "tests/unit.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SOAK_USERS_MAX 100000
#define SOAK_KILLS_MAX 1000

static soak_opts opts = {100, 4, 100, 0, 0};

static int compare_text(const void *a, const void *b)
{
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    return strcmp(x ? x : "", y ? y : "");
}

/* Every pupil saw exactly the replies of the run without kills: the same
 * messages, none missing and none twice. Returns the pupils that differ. */
static int compare_replies(soak_run *base, soak_run *killed)
{
    int differ = 0;
    for (int i = 0; i < opts.users; i++) {
        soak_user *a = &base->users[i], *b = &killed->users[i];
        qsort(a->replies, (size_t)a->nreplies, sizeof *a->replies, compare_text);
        qsort(b->replies, (size_t)b->nreplies, sizeof *b->replies, compare_text);
        int same = a->nreplies == b->nreplies;
        for (int k = 0; same && k < a->nreplies; k++) same = compare_text(&a->replies[k], &b->replies[k]) == 0;
        if (same) continue;
        if (differ++ >= SOAK_REPORT_MAX) continue;
        fprintf(stderr, "    pupil %lld: %d replies without kills, %d with them\n", a->id, a->nreplies, b->nreplies);
        int x = 0, y = 0;
        while (x < a->nreplies || y < b->nreplies) {
            int c = x == a->nreplies ? 1 : y == b->nreplies ? -1 : compare_text(&a->replies[x], &b->replies[y]);
            if (c < 0) fprintf(stderr, "      missing: %.160s\n", a->replies[x++]);
            else if (c > 0) fprintf(stderr, "      extra:   %.160s\n", b->replies[y++]);
            else x++, y++;
        }
    }
    return differ;
}

/* What a pupil left in the database: the account, its survey runs and
 * every answer, as one line per messenger user id. */
#define SOAK_STORED_SQL                                                                                   \
    "SELECT i.user_id, a.status || '|' || a.role || '|' || a.name || '|' || a.grade || '|' || a.birth_year" \
    " || '|' || (SELECT COUNT(*) FROM survey_runs r WHERE r.account_id = a.id)"                          \
    " || '|' || (SELECT COUNT(*) FROM survey_runs r WHERE r.account_id = a.id AND r.state = 'done')"     \
    " || '|' || (SELECT group_concat(x.item || '=' || x.value, ';') FROM (SELECT s.item, s.value"         \
    "   FROM survey_answers s JOIN survey_runs r ON r.id = s.run_id WHERE r.account_id = a.id"           \
    "   ORDER BY s.item) x)"                                                                              \
    " FROM identities i JOIN accounts a ON a.id = i.account_id ORDER BY i.user_id"

/* Runs SOAK_STORED_SQL read-only; rows[user index] get their lines
 * (caller frees). Returns the number of rows, -1 on error. */
static int stored_lines(const char *db_path, char **rows)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int n = -1;
    int rc = sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL);
    /* The bot may be recovering the WAL its killed predecessor left. */
    if (rc == SQLITE_OK) sqlite3_busy_timeout(db, 5000);
    if (rc != SQLITE_OK || sqlite3_prepare_v2(db, SOAK_STORED_SQL, -1, &st, NULL) != SQLITE_OK) {
        fprintf(stderr, "  reading %s: %s\n", db_path, sqlite3_errmsg(db));
        goto out;
    }
    n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        long long user = sqlite3_column_int64(st, 0);
        const unsigned char *line = sqlite3_column_text(st, 1);
        n++;
        if (user < SOAK_FIRST_USER || user >= SOAK_FIRST_USER + opts.users) continue;
        free(rows[user - SOAK_FIRST_USER]);
        rows[user - SOAK_FIRST_USER] = strdup(line ? (const char *)line : "(null)");
    }
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "  reading %s: %s\n", db_path, sqlite3_errmsg(db));
        n = -1;
    }
out:
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

/* Every account and survey answer is stored once, as without kills. */
static void compare_stored(soak_run *base, soak_run *killed)
{
    char **a = calloc((size_t)opts.users, sizeof *a), **b = calloc((size_t)opts.users, sizeof *b);
    CHECK_INT(stored_lines(base->c.bot.db, a), opts.users);
    CHECK_INT(stored_lines(killed->c.bot.db, b), opts.users);
    int differ = 0;
    for (int i = 0; i < opts.users; i++) {
        if (a[i] && b[i] && strcmp(a[i], b[i]) == 0 && strstr(a[i], "active|mentee|")) continue;
        if (differ++ < SOAK_REPORT_MAX)
            fprintf(stderr, "    pupil %lld stored without kills: %.200s\n                 with kills:    %.200s\n",
                    SOAK_FIRST_USER + i, a[i] ? a[i] : "(nothing)", b[i] ? b[i] : "(nothing)");
    }
    CHECK_INT(differ, 0);
    for (int i = 0; i < opts.users; i++) free(a[i]), free(b[i]);
    free(a);
    free(b);
    const char *counts[] = {"SELECT COUNT(*) FROM accounts", "SELECT COUNT(*) FROM survey_runs",
                            "SELECT COUNT(*) FROM survey_answers", "SELECT COUNT(*) FROM inbox",
                            "SELECT COUNT(*) FROM inbox WHERE status = 'done'", "SELECT uses FROM invites",
                            "SELECT COUNT(*) FROM outbox"};
    for (size_t k = 0; k < sizeof counts / sizeof *counts; k++) {
        long long want = db_query_int(base->c.bot.db, counts[k]), got = db_query_int(killed->c.bot.db, counts[k]);
        if (want != got) fprintf(stderr, "  %s: %lld without kills, %lld with them\n", counts[k], want, got);
        CHECK_INT(got, want);
    }
    CHECK_INT(db_query_int(killed->c.bot.db, "SELECT COUNT(*) FROM accounts"), opts.users);
    CHECK_INT(db_query_int(killed->c.bot.db, "SELECT COUNT(*) FROM survey_runs WHERE state = 'done'"), opts.users);
}

TEST(pupils_register_and_answer_while_the_bot_is_killed)
{
    soak_run base, killed;
    fprintf(stderr, "  seed %u (replay: MENTORBOT_SOAK_SEED=%u or --seed %u); %d pupils, %d kills\n", opts.seed,
            opts.seed, opts.seed, opts.users, opts.kills);
    srand(opts.seed);
    int planned = soak_run_plan(&base, "soak-calm", &opts, 0) == 0;
    planned = soak_run_plan(&killed, "soak-killed", &opts, opts.kills) == 0 && planned;
    unit_tmpdir();
    curl_global_init(CURL_GLOBAL_DEFAULT);
    pthread_t thread;
    if (!planned || pthread_create(&thread, NULL, soak_play, &base) != 0) {
        soak_run_free(&killed);
        soak_run_free(&base);
        CHECK(!"the runs were prepared");
        return;
    }
    soak_play(&killed);
    pthread_join(thread, NULL);
    curl_global_cleanup();
    if (base.not_started || killed.not_started) {
        soak_run_free(&killed);
        soak_run_free(&base);
        SKIP("simulator or bot did not start");
    }
    CHECK(!base.failed_run);
    CHECK(!killed.failed_run);
    if (!base.failed_run && !killed.failed_run) {
        CHECK_INT(soak_outbox_open_rows(&base), 0);
        CHECK_INT(killed.kills_done, opts.kills);
        int open = soak_outbox_open_rows(&killed);
        if (open) fprintf(stderr, "  outbox rows not sent: %d (unknown %lld, failed %lld)\n", open,
                          db_query_int(killed.c.bot.db, "SELECT COUNT(*) FROM outbox WHERE state = 'unknown'"),
                          db_query_int(killed.c.bot.db, "SELECT COUNT(*) FROM outbox WHERE state = 'failed'"));
        CHECK_INT(open, 0);
        CHECK_INT(compare_replies(&base, &killed), 0);
        compare_stored(&base, &killed);
    }
    soak_run_free(&killed);
    soak_run_free(&base);
}

static const char *const option_names[] = {"--users", "--kills", "--concurrent", "--timeout", "--seed"};

static long option(int argc, char **argv, const char *name, const char *env, long fallback, long max)
{
    const char *v = getenv(env);
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], name) == 0) v = argv[i + 1];
    if (!v) return fallback;
    char *end;
    long n = strtol(v, &end, 10);
    if (*end || end == v || n < 0 || n > max) {
        fprintf(stderr, "e2e_soak: %s must be a whole number from 0 to %ld, not \"%s\"\n", name, max, v);
        exit(2);
    }
    return n;
}

static void run_all(void) { RUN(pupils_register_and_answer_while_the_bot_is_killed); }

int main(int argc, char **argv)
{
    opts.users = (int)option(argc, argv, "--users", "MENTORBOT_SOAK_USERS", opts.users, SOAK_USERS_MAX);
    opts.kills = (int)option(argc, argv, "--kills", "MENTORBOT_SOAK_KILLS", opts.kills, SOAK_KILLS_MAX);
    opts.concurrent = (int)option(argc, argv, "--concurrent", "MENTORBOT_SOAK_CONCURRENT", opts.users, SOAK_USERS_MAX);
    opts.timeout_s = (int)option(argc, argv, "--timeout", "MENTORBOT_SOAK_TIMEOUT", 120 + opts.users / 10, 86400);
    opts.seed = (unsigned)option(argc, argv, "--seed", "MENTORBOT_SOAK_SEED",
                                 (long)(((unsigned)time(NULL) ^ (unsigned)getpid() * 2654435761u) % 1000000000u),
                                 4294967295L);
    if (opts.users < 1 || opts.concurrent < 1) {
        fprintf(stderr, "e2e_soak: at least one pupil, and at least one at a time\n");
        return 2;
    }
    /* The messenger is the argument that is neither an option nor its value. */
    const char *transport = "tg";
    for (int i = 1; i < argc; i++) {
        size_t known = 0;
        while (known < sizeof option_names / sizeof *option_names && strcmp(argv[i], option_names[known]) != 0)
            known++;
        if (known < sizeof option_names / sizeof *option_names && i + 1 < argc) {
            i++;
        } else if (strcmp(argv[i], "tg") == 0 || strcmp(argv[i], "vk") == 0) {
            transport = argv[i];
        } else {
            fprintf(stderr, "e2e_soak: unknown argument \"%s\"; usage: e2e_soak [tg|vk] [--users N] [--kills K]"
                            " [--seed S] [--concurrent C] [--timeout SECONDS]\n", argv[i]);
            return 2;
        }
    }
    char *messenger[] = {argv[0], (char *)transport};
    convo_each_transport(2, messenger, run_all);
    return unit_summary();
}

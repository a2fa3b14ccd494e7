/*
 * Meetings at a region's scale, in process against SQLite:
 *
 *   build/rel/bin/bench_meetings [MEETINGS] [BURST]     (default 50000 10000)
 *
 * 1. MEETINGS meetings planned (meeting_add) and armed (meeting_arm: two
 *    reminders and the question after, three jobs each), 10 per pair over
 *    ten weeks, committed 1,000 at a time; the time per 10,000, so a cost
 *    that grows with the jobs already pending shows.
 * 2. The start of the bot with all those jobs pending: what the scheduler
 *    does at start (scheduler_start: the retention sweep's job, then
 *    job_next_due for the timer) and its first take (scheduler_run_due
 *    when nothing is due yet).
 * 3. BURST meetings of BURST other pairs at the same minute, with the
 *    clock moved to when their day-ahead reminders are due: the time the
 *    scheduler spends per reminder job, claiming it and queueing both
 *    participants' messages, each job its own transaction.
 *
 * With --seed it only fills a bot's database for bench/broadcast.c's
 * reminders run (no figures):
 *
 *   bench_meetings --seed DB PAIRS FIRST_USER
 *
 * PAIRS pairs of Telegram users FIRST_USER, FIRST_USER + 1, ... with a
 * meeting each three hours from now, armed without quiet hours: their
 * hour-ahead reminders are due together two hours from now.
 *
 * The clock is frozen (clock_set_ms), the organisation is in Asia/Tomsk
 * and the default rules apply (24 h and 1 h before, quiet 21:00-08:00).
 * The database runs with synchronous = normal, as the other in-process
 * benchmarks: the durability of a commit is measured in docs/reliability.md.
 */
#include "bench/bench.h"
#include "bot/scheduler.h"
#include "handlers/meeting_rules.h"
#include "handlers/meetings.h"
#include "storage/accounts.h"
#include "storage/jobs.h"
#include "storage/mentorships.h"
#include "storage/profiles.h"
#include "storage/records.h"
#include "util/clock.h"
#include "util/i18n.h"
#include "util/log.h"

#include <ev.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PER_PAIR 10                 /* meetings of one pair in part 1 */
#define CHUNK 1000                  /* meetings per transaction */
#define REPORT_EVERY 10000          /* a line per this many meetings */
#define DAY_MS 86400000LL
#define MINUTE_MS 60000LL
#define TOMSK_15H_UTC_MS (8 * 3600 * 1000LL)   /* 15:00 in Asia/Tomsk (UTC+7) */
#define FIRST_WEEK_DAYS 10          /* part 1 starts here, after the burst's reminders */
#define BURST_DAYS 3                /* the burst's meetings start this many days ahead */

static int64_t add_person(db *d, int64_t org_id, long long user, const char *role)
{
    int64_t id;
    account a;
    if (account_create(d, "tg", user, user, "ru", &id) || account_load(d, id, &a)) return 0;
    snprintf(a.status, sizeof a.status, "active");
    snprintf(a.role, sizeof a.role, "%s", role);
    snprintf(a.category, sizeof a.category, "%s", strcmp(role, "mentor") == 0 ? "teacher" : "pupil");
    snprintf(a.name, sizeof a.name, "%s %lld", role, user);
    a.org_id = org_id;
    a.grade = strcmp(role, "mentor") == 0 ? 0 : 8;
    if (account_save(d, &a)) return 0;
    profile p;   /* a mentor's one place */
    memset(&p, 0, sizeof p);
    p.account_id = id;
    p.capacity = strcmp(role, "mentor") == 0 ? 1 : 0;
    return profile_save(d, &p) ? 0 : id;
}

/* n pairs of a mentor and a pupil; their mentorship ids into ids. */
static int make_pairs(db *d, int64_t org_id, long long *user, int64_t *ids, int n)
{
    if (db_begin(d)) return -1;
    for (int i = 0; i < n; i++) {
        int64_t mentor = add_person(d, org_id, ++*user, "mentor");
        int64_t mentee = add_person(d, org_id, ++*user, "mentee");
        if (!mentor || !mentee || mentorship_create(d, org_id, 0, "teacher_pupil", mentor, &mentee, 1, 0, &ids[i]))
            return -1;
    }
    return db_commit(d) ? -1 : 0;
}

/* Plans and arms one meeting; the time spent arming is added to *arm_ms. */
static int plan(db *d, const bot_env *env, int64_t mentorship_id, int64_t starts_at, double *arm_ms)
{
    meeting_plan p = {.kind = "work", .place = "каб. 12", .starts_at = starts_at};
    int64_t id;
    meeting m;
    if (meeting_add(d, mentorship_id, &p, clock_now_ms(), &id, NULL) || meeting_load(d, id, &m)) return -1;
    double t = bench_mono_ms();
    mb_status rc = meeting_arm(d, env, &m);
    *arm_ms += bench_mono_ms() - t;
    return rc ? -1 : 0;
}

static long long count(db *d, const char *sql)
{
    sqlite3_stmt *st = db_stmt(d, sql);
    long long n = st && sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    if (st) sqlite3_reset(st);
    return n;
}

/* --seed: pairs with a meeting each, due for their hour-ahead reminder
 * together; 0 on success. */
static int seed(const char *path, int npairs, long long first_user)
{
    char err[512];
    db *d;
    if (db_open(path, DB_SYNC_NORMAL, &d, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    meeting_rules rules;
    meeting_rules_default(&rules);
    meeting_rules_parse_quiet("none", &rules);
    bot_env env = {.default_language = "ru", .meetings = &rules};
    int64_t org_id, *pairs = calloc((size_t)npairs, sizeof *pairs);
    long long user = first_user - 1;
    int64_t starts = clock_now_ms() + 3 * 3600 * 1000LL;
    double arm_ms = 0;
    int rc = !pairs || org_add(d, "Bench school", "UTC", &org_id) || make_pairs(d, org_id, &user, pairs, npairs);
    for (int i = 0; i < npairs && !rc; i++) {
        if (i % CHUNK == 0 && db_begin(d)) rc = 1;
        if (!rc && plan(d, &env, pairs[i], starts, &arm_ms)) rc = 1;
        if (!rc && ((i + 1) % CHUNK == 0 || i + 1 == npairs) && db_commit(d)) rc = 1;
    }
    if (rc) fprintf(stderr, "could not seed %s: %s\n", path, db_errmsg(d));
    db_close(d);
    free(pairs);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "--seed") == 0) return seed(argv[2], atoi(argv[3]), atoll(argv[4]));
    int nmeetings = argc > 1 ? atoi(argv[1]) : 50000, burst = argc > 2 ? atoi(argv[2]) : 10000;
    if (nmeetings < PER_PAIR) nmeetings = PER_PAIR;
    if (burst < 1) burst = 1;
    log_set_level(LOG_ERROR);
    char dir[] = "/tmp/mentorbot-bench-XXXXXX", path[128], err[512];
    if (!mkdtemp(dir)) return 1;
    snprintf(path, sizeof path, "%s/bench.db", dir);
    static const char *const langs[] = {"ru", "en", NULL};
    i18n *texts = i18n_load("locales", langs, err, sizeof err);
    if (!texts) {
        fprintf(stderr, "%s (run from the repository root)\n", err);
        return 1;
    }
    bot_env env = {.texts = texts, .default_language = "ru", .consent_age = 14};
    db *d;
    if (db_open(path, DB_SYNC_NORMAL, &d, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    int64_t now = clock_now_ms(), day0 = now - now % DAY_MS + TOMSK_15H_UTC_MS, org_id;
    clock_set_ms(now);
    int npairs = nmeetings / PER_PAIR;
    int64_t *pairs = calloc((size_t)npairs, sizeof *pairs), *burst_pairs = calloc((size_t)burst, sizeof *burst_pairs);
    long long user = 1000000;
    if (!pairs || !burst_pairs || org_add(d, "Bench school", "Asia/Tomsk", &org_id) ||
        make_pairs(d, org_id, &user, pairs, npairs) || make_pairs(d, org_id, &user, burst_pairs, burst)) {
        fprintf(stderr, "could not make the pairs: %s\n", db_errmsg(d));
        return 1;
    }

    /* 1. Planned and armed, a week apart per pair, quarter hours apart per pair. */
    printf("meetings: %d meetings of %d pairs armed (3 jobs each), then %d reminders due at once\n", npairs * PER_PAIR,
           npairs, burst);
    double t_all = bench_mono_ms(), t_part = t_all, arm_ms = 0, arm_part = 0;
    for (int i = 0; i < npairs * PER_PAIR; i++) {
        if (i % CHUNK == 0 && db_begin(d)) return 1;
        int pair = i % npairs, week = i / npairs;
        int64_t starts = day0 + (FIRST_WEEK_DAYS + 7LL * week) * DAY_MS + (pair % 16) * 15 * MINUTE_MS;
        if (plan(d, &env, pairs[pair], starts, &arm_ms)) {
            fprintf(stderr, "could not plan meeting %d: %s\n", i, db_errmsg(d));
            return 1;
        }
        if ((i + 1) % CHUNK == 0 && db_commit(d)) return 1;
        if ((i + 1) % REPORT_EVERY == 0) {
            double t = bench_mono_ms();
            printf("  meetings %6d..%6d   %7.0f ms, of which arming %7.0f ms (%.3f ms per meeting)\n",
                   i + 1 - REPORT_EVERY, i + 1, t - t_part, arm_ms - arm_part, (arm_ms - arm_part) / REPORT_EVERY);
            t_part = t;
            arm_part = arm_ms;
        }
    }
    if ((npairs * PER_PAIR) % CHUNK && db_commit(d)) return 1;
    double planned_ms = bench_mono_ms() - t_all;
    long long pending = count(d, "SELECT COUNT(*) FROM jobs WHERE state = 'pending'");
    printf("  all %d planned and armed in %.1f s (arming %.1f s); %lld jobs pending\n", npairs * PER_PAIR,
           planned_ms / 1000, arm_ms / 1000, pending);

    /* 2. The start, with every job pending. */
    struct ev_loop *loop = EV_DEFAULT;
    scheduler *s = scheduler_new(loop, d, &env, NULL, NULL);
    if (!s) return 1;
    double t0 = bench_mono_ms();
    scheduler_start(s);
    double t1 = bench_mono_ms();
    int64_t next = job_next_due(d);
    double t2 = bench_mono_ms();
    int ran = scheduler_run_due(s);
    double t3 = bench_mono_ms();
    printf("  at start: scheduler_start %.2f ms, job_next_due %.3f ms (next in %.1f h), first take %.3f ms "
           "(%d ran; aim: all under 1 s)\n",
           t1 - t0, t2 - t1, (next - now) / 3600000.0, t3 - t2, ran);

    /* 3. A burst: BURST meetings at the same minute, their day-ahead
     * reminders due together. */
    double burst_arm = 0;
    int64_t burst_at = day0 + BURST_DAYS * DAY_MS;
    for (int i = 0; i < burst; i++) {
        if (i % CHUNK == 0 && db_begin(d)) return 1;
        if (plan(d, &env, burst_pairs[i], burst_at, &burst_arm)) return 1;
        if ((i + 1) % CHUNK == 0 && db_commit(d)) return 1;
    }
    if (burst % CHUNK && db_commit(d)) return 1;
    long long queued_before = count(d, "SELECT COUNT(*) FROM outbox");
    clock_set_ms(burst_at - DAY_MS + 30000);
    double tb = bench_mono_ms();
    int jobs_run = 0, n;
    while ((n = scheduler_run_due(s)) > 0) jobs_run += n;
    double burst_ms = bench_mono_ms() - tb;
    long long queued = count(d, "SELECT COUNT(*) FROM outbox") - queued_before;
    long long reminders = count(d, "SELECT COUNT(*) FROM jobs WHERE kind = 'meeting_reminder' AND state = 'done'");
    printf("  burst: %d jobs run (%lld reminders) in %.0f ms, %.3f ms per job (aim: under 1 ms); "
           "%lld messages queued\n",
           jobs_run, reminders, burst_ms, jobs_run ? burst_ms / jobs_run : 0, queued);

    scheduler_free(s);
    db_close(d);
    i18n_free(texts);
    free(pairs);
    free(burst_pairs);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return 0;
}

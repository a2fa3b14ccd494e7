/*
 * Weekly digests on the generated region (tests/region_gen.c): every
 * curator's and coordinator's digest (text, chart, workbook) prepared and
 * queued as one run of the Monday jobs queues them (the week read once,
 * digest_batch_prepare, then each recipient's), with the time and CPU of
 * all of them, of one (median and slowest), the region coordinator's made
 * on its own (as the menu makes it), the files written, and the peak
 * resident memory, each against its target (met or MISSED); then how many
 * the cap on files in flight lets through at once. It also measures the
 * reading's floor of the region coordinator's digest: the rows the
 * region's indicators read, only stepped through, and the week's lines.
 *
 *   build/rel/bin/bench_digest [--scale S] [--seed N] [--db PATH]
 *
 * --db runs on a region kept by `bench_region --keep PATH` (a copy is
 * used, so the kept file stays as it was) instead of generating one: the
 * peak memory is then the digests' alone.
 */
#include "bench/bench.h"
#include "handlers/digest.h"
#include "handlers/digest_batch.h"
#include "storage/digest.h"
#include "storage/accounts.h"
#include "storage/territories.h"
#include "report/indicators.h"
#include "tests/region_gen.h"
#include "util/clock.h"
#include "util/log.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RECIPIENTS_MAX 5000

static long region_count(db *d, const char *sql)
{
    sqlite3_stmt *st = db_stmt(d, sql);
    return st ? (long)db_step_scalar(d, st, 0) : 0;
}

/* One target and whether it is met (lower is better). */
static void target(const char *what, double value, const char *unit, double limit)
{
    printf("    %-40s %9.2f%s  target under %g%s  %s\n", what, value, unit, limit, unit,
           value < limit ? "met" : "MISSED");
}

/* Removes the files of dir; their bytes. */
static long long empty_dir(const char *dir, int *count)
{
    DIR *d = opendir(dir);
    long long bytes = 0;
    *count = 0;
    struct dirent *e;
    while (d && (e = readdir(d))) {
        char path[1200];
        struct stat sb;
        if (e->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (stat(path, &sb) == 0) bytes += sb.st_size;
        if (unlink(path) == 0) (*count)++;
    }
    if (d) closedir(d);
    return bytes;
}

/* What a child measures on a connection of its own (nothing read before,
 * as in the measured run): its figures in ms into out[4], -1 each when
 * it could not. */
typedef struct alone_ask {
    const bot_env *env;
    int64_t account_id, now;
    const char *dir;   /* NULL: the digest made and queued; else its parts, files written here */
    int floor;         /* instead: the least reading a region's digest needs (floor_measure) */
} alone_ask;

/* The rows a region's indicators read, as report/counts.c and
 * report/surveys.c read them for a whole region (?1 and ?2 the period):
 * every account, the period's mentorships, every membership, the final
 * polls' recipients. */
static const char *const region_rows[] = {
    "SELECT id, org_id, category, grade, employer_id FROM accounts",
    "SELECT m.id, m.org_id, m.form, m.direction, m.mentor_id FROM mentorships m"
    " WHERE m.created_at <= ?2 AND (m.ended_at IS NULL OR m.ended_at >= ?1)",
    "SELECT mentorship_id, mentee_id, joined_at <= ?2 AND (left_at IS NULL OR left_at >= ?1) FROM mentorship_members",
    "SELECT w.org_id, r.account_id, r.role, COALESCE(r.answered_at, -1), r.satisfaction,"
    " r.state = 'done' AND r.satisfaction IS NOT NULL, w.id FROM poll_waves w CROSS JOIN poll_recipients r"
    " ON r.wave_id = w.id WHERE w.kind = 'final' AND w.opens_at BETWEEN ?1 AND ?2",
};

static volatile uint64_t floor_sink;   /* what was read, so the reads are made */

/* Each statement of region_rows stepped through with every column taken
 * and nothing else done, the fastest of three passes: the ms (out[0]) and
 * CPU ms (out[1]) no reading of a region's indicators can go below; then
 * the week's lines of the coordinated territory as the digest reads them
 * (out[2], out[3]). */
static void floor_measure(db *d, const alone_ask *a, double out[4])
{
    ind_period p;
    ind_period_current(a->now, "Asia/Tomsk", &p);
    db_begin_read(d);
    uint64_t seen = 0;
    out[0] = out[1] = 0;
    for (size_t q = 0; q < sizeof region_rows / sizeof region_rows[0]; q++) {
        sqlite3_stmt *st = db_stmt(d, region_rows[q]);
        if (!st) {
            out[0] = out[1] = -1;
            break;
        }
        double best = -1, best_cpu = -1;
        for (int pass = 0; pass < 3; pass++) {
            if (sqlite3_bind_parameter_count(st) >= 2) {
                sqlite3_bind_int64(st, 1, p.start_ms);
                sqlite3_bind_int64(st, 2, p.end_ms);
            }
            double s = bench_mono_ms(), c = bench_cpu_ms();
            while (sqlite3_step(st) == SQLITE_ROW)
                for (int col = 0; col < sqlite3_column_count(st); col++)
                    seen += (uint64_t)sqlite3_column_int64(st, col);
            sqlite3_reset(st);
            double took = bench_mono_ms() - s, cpu = bench_cpu_ms() - c;
            if (best < 0 || took < best) best = took;
            if (best_cpu < 0 || cpu < best_cpu) best_cpu = cpu;
        }
        out[0] += best;
        out[1] += best_cpu;
    }
    digest g;
    memset(&g, 0, sizeof g);
    digest_week_of(&g, a->now, "Asia/Tomsk");
    digest_org_week *weeks = NULL;
    int n = 0;
    double s = bench_mono_ms(), c = bench_cpu_ms();
    if (digest_territory_weeks(d, account_coordinated_territory(d, a->account_id), g.start, g.end, g.year_start,
                               g.weeks, &weeks, &n, g.held_by_week) == MB_OK) {
        out[2] = bench_mono_ms() - s;
        out[3] = bench_cpu_ms() - c;
    }
    free(weeks);
    db_rollback(d);
    floor_sink = seen;
}

static void alone_measure(db *d, const alone_ask *a, double out[4])
{
    db_begin(d);
    double s = bench_mono_ms(), c = bench_cpu_ms();
    if (!a->dir) {
        if (digest_send(d, a->env, a->account_id, 0, 0, a->now) == MB_OK) out[0] = bench_mono_ms() - s;
        db_rollback(d);
        return;
    }
    /* a territory coordinator's: its reading (the week's lines and the
     * indicators, wall and CPU time), its chart and its workbook */
    digest g;
    char png[1200], xlsx[1200];
    int64_t coordinated = account_coordinated_territory(d, a->account_id);
    if (digest_build(d, a->env, 1, coordinated, a->now, "Asia/Tomsk", "ru", &g) == MB_OK) {
        out[0] = bench_mono_ms() - s;
        out[1] = bench_cpu_ms() - c;
        snprintf(png, sizeof png, "%s/alone.png", a->dir);
        snprintf(xlsx, sizeof xlsx, "%s/alone.xlsx", a->dir);
        s = bench_mono_ms();
        digest_write_chart(a->env, &g, png);
        out[2] = bench_mono_ms() - s;
        s = bench_mono_ms();
        digest_write_workbook(d, a->env, &g, xlsx);
        out[3] = bench_mono_ms() - s;
        digest_free(&g);
        unlink(png);
        unlink(xlsx);
    }
    db_rollback(d);
}

static void alone_in_child(const char *path, const alone_ask *a, double out[4])
{
    int fds[2];
    for (int i = 0; i < 4; i++) out[i] = -1;
    if (pipe(fds) != 0) return;
    pid_t child = fork();
    if (child == 0) {
        close(fds[0]);
        double got[4] = {-1, -1, -1, -1};
        char err[256];
        db *d;
        if (db_open(path, DB_SYNC_NORMAL, &d, err, sizeof err) == MB_OK) {
            if (a->floor) floor_measure(d, a, got);
            else alone_measure(d, a, got);
            db_close(d);
        }
        ssize_t w = write(fds[1], got, sizeof got);
        _exit(w == (ssize_t)sizeof got ? 0 : 1);
    }
    close(fds[1]);
    double got[4];
    if (child > 0 && read(fds[0], got, sizeof got) == (ssize_t)sizeof got) memcpy(out, got, sizeof got);
    close(fds[0]);
    if (child > 0) waitpid(child, NULL, 0);
}

/* One recipient's digest made and queued on its own by a child, in ms. */
static double alone_sent(const char *path, const bot_env *env, int64_t account_id, int64_t now)
{
    double got[4];
    alone_in_child(path, &(alone_ask){env, account_id, now, NULL, 0}, got);
    return got[0];
}

int main(int argc, char **argv)
{
    double scale = 1;
    unsigned long long seed = 1;
    const char *from = NULL;
    for (int i = 1; i < argc; i++) {
        char *end = NULL;
        if (strcmp(argv[i], "--scale") == 0 && i + 1 < argc) {
            if (!region_scale_arg(argv[++i], &scale)) return 2;
        } else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
            seed = strtoull(argv[++i], &end, 10);
            if (*end) {
                fprintf(stderr, "--seed %s: give a whole number\n", argv[i]);
                return 2;
            }
        } else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            from = argv[++i];
        } else {
            fprintf(stderr, "usage: bench_digest [--scale S] [--seed N] [--db PATH]\n");
            return 2;
        }
    }
    log_set_level(LOG_ERROR);
    char dir[] = "/tmp/mentorbot-digest-XXXXXX", path[1024], files[1100], err[512];
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(path, sizeof path, "%s/region.db", dir);
    snprintf(files, sizeof files, "%s/files", dir);
    if (from) {
        char cmd[2400];
        /* the copy is flushed before anything is measured: a gigabyte
         * still being written back slowed the first digest by half */
        snprintf(cmd, sizeof cmd, "cp '%s' '%s' && sync", from, path);
        if (access(from, R_OK) != 0 || system(cmd) != 0) {
            fprintf(stderr, "cannot copy %s (make one with bench_region --keep PATH)\n", from);
            return 2;
        }
        /* A region kept by an older build is brought to this schema by a
         * child of its own: building indexes over two million messages
         * takes far more memory than the digests, and the peak measured
         * below is this process's alone. */
        pid_t child = fork();
        if (child == 0) {
            db *m;
            int bad = db_open(path, DB_SYNC_NORMAL, &m, err, sizeof err) != MB_OK;
            if (bad) fprintf(stderr, "%s\n", err);
            db_close(bad ? NULL : m);
            _exit(bad);
        }
        int status = 0;
        if (child < 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "cannot bring the copy of %s to this schema\n", from);
            return 1;
        }
        sync();
    }
    db *d;
    if (db_open(path, DB_SYNC_NORMAL, &d, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    region_size n;
    region_size_at(scale, &n);
    region_report rep = {0};
    int rc = 0;
    if (!from && region_generate(d, &n, "locales", seed, &rep, err, sizeof err)) {
        fprintf(stderr, "generation failed: %s (run from the repository root)\n", err);
        rc = 1;
    }
    if (from) {
        rep.accounts = region_count(d, "SELECT COUNT(*) FROM accounts");
        n.orgs = region_count(d, "SELECT COUNT(*) FROM orgs");
    }
    i18n *texts = NULL;
    if (!rc && !(texts = i18n_load("locales", (const char *[]){"ru", "en", NULL}, err, sizeof err))) {
        fprintf(stderr, "locales: %s\n", err);
        rc = 1;
    }
    if (!rc) {
        digest_rules rules;
        digest_rules_default(&rules);
        rules.files_limit = DIGEST_FILES_MAX_LIMIT;
        ind_catalog *catalog = ind_catalog_load("data/indicators", err, sizeof err);
        if (!catalog) fprintf(stderr, "indicators: %s; the digests go without them\n", err);
        bot_env env = {.texts = texts, .default_language = "ru", .files_dir = files, .digest = &rules,
                       .indicators = catalog, .timezone = "Asia/Tomsk"};
        int64_t ids[RECIPIENTS_MAX];
        int count = digest_recipients(d, 0, ids, RECIPIENTS_MAX), queued = 0, skipped = 0;
        double *each = calloc((size_t)(count > 0 ? count : 1), sizeof *each);
        int64_t now = clock_now_ms();
        /* one digest on its own, as the menu's button or `admin digest
         * send` makes it: the region coordinator's (the widest) */
        double alone = -1, alone_part[4] = {-1, -1, -1, -1}, floor[4] = {-1, -1, -1, -1};
        int64_t region_coordinator = 0, municipal_coordinator = 0, curator = 0;
        for (int i = 0; i < count; i++) {
            account a;
            if (account_load(d, ids[i], &a)) continue;
            if (strcmp(a.role, "curator") == 0 && !curator) curator = a.id;
            if (strcmp(a.role, "coordinator") != 0) continue;
            territory t;
            if (territory_get(d, account_coordinated_territory(d, a.id), &t) != MB_OK) continue;
            if (!t.parent_id && !region_coordinator) region_coordinator = a.id;
            if (t.parent_id && !municipal_coordinator) municipal_coordinator = a.id;
        }
        if (region_coordinator) {
            db_begin(d);
            double s = bench_mono_ms();
            if (digest_send(d, &env, region_coordinator, 0, 0, now) == MB_OK) alone = bench_mono_ms() - s;
            db_rollback(d);
            int left;
            empty_dir(files, &left);
            alone_in_child(path, &(alone_ask){&env, region_coordinator, now, dir, 0}, alone_part);
            alone_in_child(path, &(alone_ask){&env, region_coordinator, now, NULL, 1}, floor);
        }
        /* the narrower ones, each in a child of its own as well */
        double alone_municipal = municipal_coordinator ? alone_sent(path, &env, municipal_coordinator, now) : -1;
        double alone_school = curator ? alone_sent(path, &env, curator, now) : -1;
        empty_dir(files, &(int){0});
        /* where one digest's time goes in the weekly run: reading, the
         * chart, the workbook (every digest drawn, none linked) */
        double parts[3] = {0, 0, 0};
        env.digest_batch = digest_batch_new();
        digest_batch_prepare(d, &env, env.digest_batch, now, "Asia/Tomsk");
        for (int i = 0; i < count; i++) {
            account a;
            int64_t t = 0;
            char png[1200], xlsx[1200];
            if (account_load(d, ids[i], &a)) continue;
            int coordinator = strcmp(a.role, "coordinator") == 0;
            if (coordinator) t = account_coordinated_territory(d, a.id);
            digest g;
            double s = bench_mono_ms();
            if (digest_build(d, &env, coordinator, coordinator ? t : a.org_id, now, "Asia/Tomsk", "ru", &g)) continue;
            char *text = digest_text(&env, &g, !coordinator, NULL);
            free(text);
            double b = bench_mono_ms();
            snprintf(png, sizeof png, "%s/part.png", dir);
            snprintf(xlsx, sizeof xlsx, "%s/part.xlsx", dir);
            digest_write_chart(&env, &g, png);
            double c = bench_mono_ms();
            digest_write_workbook(d, &env, &g, xlsx);
            double e = bench_mono_ms();
            parts[0] += b - s;
            parts[1] += c - b;
            parts[2] += e - c;
            digest_free(&g);
        }
        digest_batch_free(env.digest_batch);
        /* the weekly run: the week read once, then every recipient's digest */
        env.digest_batch = digest_batch_new();
        struct rusage before;
        getrusage(RUSAGE_SELF, &before);
        int64_t slowest_id = 0;
        double slowest = -1, slowest_cpu = 0;
        double t0 = bench_mono_ms();
        db_begin(d);
        mb_status prepared = digest_batch_prepare(d, &env, env.digest_batch, now, "Asia/Tomsk");
        double shared = bench_mono_ms() - t0;
        if (prepared) fprintf(stderr, "reading the week: %s\n", mb_status_str(prepared));
        for (int i = 0; i < count; i++) {
            double s = bench_mono_ms(), c = bench_cpu_ms();
            mb_status one = digest_send(d, &env, ids[i], 0, 0, now);
            each[i] = bench_mono_ms() - s;
            if (each[i] > slowest) {
                slowest = each[i];
                slowest_cpu = bench_cpu_ms() - c;
                slowest_id = ids[i];
            }
            if (one == MB_OK) queued++;
            else if (one == MB_ERR_DENIED || one == MB_ERR_NOT_FOUND) skipped++;
            else {
                fprintf(stderr, "account %lld: %s\n", (long long)ids[i], mb_status_str(one));
                rc = 1;
                break;
            }
        }
        db_commit(d);
        double all = bench_mono_ms() - t0;
        struct rusage after;
        getrusage(RUSAGE_SELF, &after);
        double cpu = (after.ru_utime.tv_sec - before.ru_utime.tv_sec + after.ru_stime.tv_sec - before.ru_stime.tv_sec) +
                     (after.ru_utime.tv_usec - before.ru_utime.tv_usec + after.ru_stime.tv_usec - before.ru_stime.tv_usec) / 1e6;
        account slow;
        if (account_load(d, slowest_id, &slow)) snprintf(slow.role, sizeof slow.role, "?");
        digest_batch_free(env.digest_batch);
        env.digest_batch = NULL;
        int nfiles;
        long long bytes = empty_dir(files, &nfiles);
        qsort(each, (size_t)count, sizeof *each, bench_cmp_double);
        /* with the default cap, the digests that can be queued at once */
        digest_rules_default(&rules);
        int at_once = 0;
        db_begin(d);
        for (int i = 0; i < count && at_once < count; i++) {
            mb_status one = digest_send(d, &env, ids[i], 0, 0, now);
            if (one == MB_ERR_LIMIT) break;
            if (one == MB_OK) at_once++;
        }
        db_rollback(d);
        int left;
        empty_dir(files, &left);
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        if (from) printf("weekly digests on the region of %s (%ld organisations, %ld accounts)\n", from, n.orgs,
                         rep.accounts);
        else printf("weekly digests on the region at scale %g (%ld organisations, %ld accounts)\n", scale, n.orgs,
                    rep.accounts);
        printf("  recipients         %d (%d queued, %d without a reachable messenger)\n", count, queued, skipped);
        printf("  all digests        %.2f s (the week read once in %.0f ms, then each text, chart, workbook;"
               " queued in one transaction)\n", all / 1000.0, shared);
        printf("                     %.2f s of CPU\n", cpu);
        if (count)
            printf("  one digest         median %.1f ms, slowest %.1f ms (a %s's, %.1f ms of CPU; in the weekly run)\n",
                   each[count / 2], each[count - 1], slow.role, slowest_cpu);
        if (alone >= 0) printf("  one on its own     %.1f ms (the region coordinator's, nothing read before)\n", alone);
        if (alone_municipal >= 0 || alone_school >= 0)
            printf("  on its own too     %.1f ms a municipality's coordinator, %.1f ms a school's curator (each by a"
                   " process of its own)\n", alone_municipal, alone_school);
        if (alone_part[0] >= 0)
            printf("  of which           reading %.1f ms (%.1f ms of CPU), chart %.1f ms, workbook %.1f ms"
                   " (made again by a process of its own)\n", alone_part[0], alone_part[1], alone_part[2], alone_part[3]);
        if (floor[0] >= 0 && floor[2] >= 0) {
            printf("  reading's floor    %.1f ms (%.1f ms of CPU) the region's rows alone (every account, the year's"
                   " mentorships,\n                     every membership, the final polls' recipients, each only"
                   " stepped through)\n", floor[0], floor[1]);
            printf("                     + %.1f ms (%.1f ms of CPU) the week's lines = %.1f ms on one core, %.1f ms"
                   " halved over two\n", floor[2], floor[3], floor[0] + floor[2], (floor[0] + floor[2]) / 2);
        }
        if (count)
            printf("  of which           reading %.1f ms, chart %.1f ms, workbook %.1f ms a digest on average"
                   " (each drawn)\n", parts[0] / count, parts[1] / count, parts[2] / count);
        printf("  files written      %d, %.1f MB in all\n", nfiles, bytes / (1024.0 * 1024.0));
        printf("  with the default cap of %d files, %d digests are queued at once; the rest wait\n",
               DIGEST_FILES_MAX_DEFAULT, at_once);
        printf("  peak RSS           %.1f MB\n", ru.ru_maxrss / 1024.0);
        printf("  targets\n");
        target("all digests", all / 1000.0, " s", 10);
        if (count) target("one digest in the weekly run, slowest", each[count - 1], " ms", 100);
        if (alone >= 0) target("the region coordinator's on its own", alone, " ms", 100);
        if (alone_municipal >= 0) target("a municipality's coordinator's on its own", alone_municipal, " ms", 100);
        if (alone_school >= 0) target("a school curator's on its own", alone_school, " ms", 100);
        target("peak RSS", ru.ru_maxrss / 1024.0, " MB", 128);
        free(each);
        ind_catalog_free(catalog);
    }
    i18n_free(texts);
    db_close(d);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return rc;
}

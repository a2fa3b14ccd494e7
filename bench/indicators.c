/*
 * The indicator engine on a region's year (tests/region_gen.c: 355
 * organisations in 20 municipalities, 120,000 pupils, 40,000 mentors,
 * 60,000 mentorships, 1,500,000 meetings, 500,000 answers ...): every
 * indicator of every set for every scope of the region in one pass per
 * set, one curator's report alone, and the peak memory of the process
 * that computed them.
 *
 *   build/rel/bin/bench_indicators [--scale S] [--db PATH] [--profile]
 *
 * Without --db the region is generated into a temporary folder first;
 * the figures come from a fresh process that only opens the database and
 * computes, so the generator's memory does not count. --db PATH uses a
 * database bench_region --keep wrote (the reference numbers the benchmark
 * enters are written into it). --profile lists the statements over 5 ms.
 */
#include "bench/bench.h"
#include "report/indicators.h"
#include "storage/references.h"
#include "tests/region_gen.h"
#include "util/clock.h"
#include "util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SCOPES_MAX 1024
#define ZONE "Asia/Tomsk"

/* Reference numbers for every municipality, as an administrator would
 * enter them, so the shares have their denominators. */
static int enter_references(db *d)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(db_handle(d), "SELECT id FROM territories WHERE kind = 'municipality'", -1, &st, NULL);
    if (rc != SQLITE_OK || db_begin(d)) return 1;
    static const char *const keys[] = {"pupils_5_11", "pupils_additional", "teachers", "organisations", NULL};
    static const double values[] = {30000, 6000, 2500, 800};
    while (sqlite3_step(st) == SQLITE_ROW)
        for (int k = 0; keys[k]; k++)
            ref_number_set(d, REF_SCOPE_TERRITORY, sqlite3_column_int64(st, 0), 2020, keys[k], values[k], "bench",
                           "bench");
    sqlite3_finalize(st);
    return db_commit(d) != MB_OK;
}

/* --profile: each statement that ran over 5 ms (from its first step to
 * its reset, so the reading of its rows too), after its scope CTE. */
static int profile(unsigned type, void *ctx, void *p, void *x)
{
    (void)ctx;
    const char *sql = sqlite3_sql((sqlite3_stmt *)p), *body = strstr(sql, "IN (SELECT id FROM tt))");
    if (type == SQLITE_TRACE_PROFILE && *(sqlite3_int64 *)x > 5000000)
        fprintf(stderr, "  %.1f ms: %.160s\n", *(sqlite3_int64 *)x / 1e6, body ? body + 23 : sql);
    return 0;
}

static int measure(const char *path, int profiling)
{
    char err[512], dir[512];
    db *d;
    if (db_open(path, DB_SYNC_NORMAL, &d, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    if (profiling) sqlite3_trace_v2(db_handle(d), SQLITE_TRACE_PROFILE, profile, NULL);
    ind_catalog *cat = NULL;
    if (!ind_find_data(NULL, dir, sizeof dir) || !(cat = ind_catalog_load(dir, err, sizeof err))) {
        fprintf(stderr, "cannot load the indicator definitions (%s): %s\n", dir, err);
        db_close(d);
        return 1;
    }
    if (enter_references(d)) fprintf(stderr, "could not enter the reference numbers\n");
    int64_t region = db_scalar(d, "SELECT id FROM territories WHERE kind = 'region' ORDER BY id LIMIT 1", 0);
    int64_t org = db_scalar(d, "SELECT MIN(id) FROM orgs WHERE type = 'school'", 1);
    /* the school year holding most of the generated year */
    ind_period p;
    ind_period_current(clock_now_ms() - 180 * 86400000LL, ZONE, &p);
    ind_scope *scopes = malloc(SCOPES_MAX * sizeof *scopes);
    ind_report *r = malloc(sizeof *r);
    int rc = !scopes || !r, nscopes = 0, rows = 0;
    const ind_set *sets[IND_SETS_MAX];
    for (int s = 0; s < cat->n; s++) sets[s] = &cat->sets[s];
    /* every set, every scope: the counts once, then each scope added up */
    double w0 = bench_mono_ms(), c0 = bench_cpu_ms(), w1 = w0, c1 = c0;
    ind_data *data = NULL;
    if (!rc && ind_data_load(d, sets, cat->n, (ind_scope){REF_SCOPE_TERRITORY, region}, &p, ZONE, &data)) {
        fprintf(stderr, "the counts failed\n");
        rc = 1;
    }
    if (!rc) {
        w1 = bench_mono_ms(), c1 = bench_cpu_ms();
        nscopes = ind_data_scopes(data, scopes, SCOPES_MAX);
        for (int s = 0; s < cat->n; s++)
            for (int k = 0; k < nscopes && k < SCOPES_MAX; k++) {
                if (ind_data_report(d, data, sets[s], scopes[k], r)) rc = 1;
                rows += r->n;
            }
    }
    ind_data_free(data);
    double wall = bench_mono_ms() - w0, cpu = bench_cpu_ms() - c0, load_wall = w1 - w0, load_cpu = c1 - c0;
    /* one curator: one set of one organisation, each set in turn */
    double worst = 0, worst_cpu = 0, one_total = 0;
    const char *worst_set = "";
    for (int s = 0; s < cat->n && !rc; s++) {
        double t0 = bench_mono_ms(), u0 = bench_cpu_ms();
        if (ind_compute(d, sets[s], (ind_scope){REF_SCOPE_ORG, org}, &p, ZONE, r)) rc = 1;
        double took = bench_mono_ms() - t0;
        one_total += took;
        if (took > worst) worst = took, worst_cpu = bench_cpu_ms() - u0, worst_set = sets[s]->code;
    }
    /* VmHWM: the peak of this program's memory; ru_maxrss would keep the
     * peak of the generator this process was forked from across exec */
    long peak_kb = 0;
    FILE *status = fopen("/proc/self/status", "r");
    char line[256];
    while (status && fgets(line, sizeof line, status))
        if (sscanf(line, "VmHWM: %ld kB", &peak_kb) == 1) break;
    if (status) fclose(status);
    if (!rc) {
        printf("indicators on %s, period %s, %d sets\n", path, p.label, cat->n);
        printf("  every scope        %d scopes (organisations and territories), %d values: %.0f ms (%.0f ms CPU),"
               " of it the counts %.0f ms (%.0f ms CPU)\n", nscopes, rows, wall, cpu, load_wall, load_cpu);
        printf("  one curator        %.1f ms (%.1f ms CPU) for the slowest set (%s); %.1f ms for all %d sets of one"
               " organisation\n", worst, worst_cpu, worst_set, one_total, cat->n);
        printf("  peak memory        %.1f MB resident\n", peak_kb / 1024.0);
    }
    free(scopes);
    free(r);
    ind_catalog_free(cat);
    db_close(d);
    return rc;
}

int main(int argc, char **argv)
{
    double scale = 1;
    const char *path = NULL;
    int profiling = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--scale") == 0 && i + 1 < argc) {
            if (!region_scale_arg(argv[++i], &scale)) return 2;
        } else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            path = argv[++i];
        } else if (strcmp(argv[i], "--profile") == 0) {
            profiling = 1;
        } else {
            fprintf(stderr, "usage: bench_indicators [--scale S] [--db PATH] [--profile]\n");
            return 2;
        }
    }
    log_set_level(LOG_ERROR);
    if (path) return measure(path, profiling);
    char dir[] = "/tmp/mentorbot-indicators-XXXXXX", db_path[1024], err[512];
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(db_path, sizeof db_path, "%s/region.db", dir);
    db *d;
    int rc = 1;
    if (db_open(db_path, DB_SYNC_NORMAL, &d, err, sizeof err) == MB_OK) {
        region_size n;
        region_size_at(scale, &n);
        region_report rep;
        double t0 = bench_mono_ms();
        if (region_generate(d, &n, "locales", 1, &rep, err, sizeof err))
            fprintf(stderr, "generation failed: %s (run from the repository root)\n", err);
        else
            rc = 0;
        printf("region at scale %g: %ld organisations, %ld mentorships, %ld meetings, %ld outcomes, %ld poll"
               " recipients; generated in %.1f s\n", scale, n.orgs, rep.mentorships, rep.meetings, rep.outcomes,
               rep.poll_recipients, (bench_mono_ms() - t0) / 1000.0);
        db_checkpoint(d);
        db_close(d);
    } else {
        fprintf(stderr, "%s\n", err);
    }
    if (!rc) {
        /* a fresh process, so its peak memory is the engine's alone */
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            execl("/proc/self/exe", argv[0], "--db", db_path, profiling ? "--profile" : (char *)NULL, (char *)NULL);
            _exit(127);
        }
        int status = 0;
        rc = pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status);
    }
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return rc;
}

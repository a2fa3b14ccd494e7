/*
 * Where a process spends its time in SQLite, statement by statement: a
 * library loaded before SQLite (LD_PRELOAD) that has every connection the
 * process opens report each statement's run time (sqlite3_trace_v2 with
 * SQLITE_TRACE_PROFILE) and, at exit, writes per statement text how many
 * times it ran, its total and its mean time, the most costly first, into
 * <MENTORBOT_SQL_PROFILE>.<pid>. Without the variable it only passes the
 * calls on.
 *
 *   make build/rel/lib/sql_profile.so
 *   LD_PRELOAD=$PWD/build/rel/lib/sql_profile.so MENTORBOT_SQL_PROFILE=/tmp/sql \
 *       MENTORBOT_BIN_DIR=. build/rel/bin/bench_http_load --scenario 1k --sync full tg
 *
 * Every process the benchmark starts inherits the variables, so the bot,
 * its admin commands and the simulator each leave a file; the bot's is the
 * largest. SQLite times a statement with the VFS's clock, which may count
 * in whole milliseconds: the means of statements that ran thousands of
 * times are what the figures are good for.
 */
#include <dlfcn.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROFILE_STATEMENTS_MAX 4096   /* distinct statement texts kept */

typedef struct statement_time {
    char *sql;
    long runs;
    long long ns;
} statement_time;

static statement_time times[PROFILE_STATEMENTS_MAX];
static int ntimes;

static int on_profile(unsigned type, void *ctx, void *stmt, void *ns)
{
    const char *sql = sqlite3_sql(stmt);
    if (type != SQLITE_TRACE_PROFILE || !sql) return 0;
    for (int i = 0; i < ntimes; i++) {
        if (strcmp(times[i].sql, sql) == 0) {
            times[i].runs++;
            times[i].ns += *(sqlite3_int64 *)ns;
            return 0;
        }
    }
    if (ntimes < PROFILE_STATEMENTS_MAX && (times[ntimes].sql = strdup(sql))) {
        times[ntimes].runs = 1;
        times[ntimes].ns = *(sqlite3_int64 *)ns;
        ntimes++;
    }
    return 0;
}

static int by_cost(const void *a, const void *b)
{
    long long x = ((const statement_time *)a)->ns, y = ((const statement_time *)b)->ns;
    return x < y ? 1 : x > y ? -1 : 0;
}

static void write_profile(void)
{
    const char *base = getenv("MENTORBOT_SQL_PROFILE");
    char path[4096];
    if (!base || snprintf(path, sizeof path, "%s.%d", base, (int)getpid()) >= (int)sizeof path) return;
    FILE *f = fopen(path, "w");
    if (!f) return;
    qsort(times, (size_t)ntimes, sizeof *times, by_cost);
    fprintf(f, "%8s %12s %10s  statement\n", "runs", "total us", "mean us");
    for (int i = 0; i < ntimes; i++)
        fprintf(f, "%8ld %12.1f %10.2f  %.300s\n", times[i].runs, times[i].ns / 1000.0,
                times[i].ns / 1000.0 / (double)times[i].runs, times[i].sql);
    fclose(f);
}

int sqlite3_open_v2(const char *name, sqlite3 **db, int flags, const char *vfs)
{
    static int (*open_next)(const char *, sqlite3 **, int, const char *);
    if (!open_next) {
        *(void **)&open_next = dlsym(RTLD_NEXT, "sqlite3_open_v2");
        if (!open_next) return SQLITE_ERROR;
        if (getenv("MENTORBOT_SQL_PROFILE")) atexit(write_profile);
    }
    int rc = open_next(name, db, flags, vfs);
    if (rc == SQLITE_OK && getenv("MENTORBOT_SQL_PROFILE"))
        sqlite3_trace_v2(*db, SQLITE_TRACE_PROFILE, on_profile, NULL);
    return rc;
}

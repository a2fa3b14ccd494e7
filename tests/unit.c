#include "tests/unit.h"
#include "util/array.h"
#include "util/i18n.h"
#include "util/log.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int unit_failed_checks, unit_passed, unit_failed, unit_skipped;
const char *unit_current = "";
static int current_skipped;
static int checks_seen; /* failed checks already counted by a test */
static char tmpdir[256];

void unit_skip(const char *reason)
{
    /* tests/run.sh gathers these lines to say on its closing line why
     * something was skipped. */
    fprintf(stderr, "  %s: skipped: %s\n", unit_current, reason);
    current_skipped = 1;
}

/* A check that failed outside every test (a process stopped at the end of
 * main, a setup step before the first test) still fails the binary. */
static void count_outside_checks(void)
{
    if (unit_failed_checks > checks_seen) {
        unit_failed++;
        fprintf(stderr, "FAIL checks outside the tests\n");
        checks_seen = unit_failed_checks;
    }
}

void unit_run(const char *name, void (*fn)(void))
{
    count_outside_checks();
    int before = unit_failed_checks;
    unit_current = name;
    current_skipped = 0;
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    fn();
    clock_gettime(CLOCK_MONOTONIC, &end);
    double took = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
    checks_seen = unit_failed_checks;
    unit_current = "(after the tests)";
    if (unit_failed_checks != before) {
        unit_failed++;
        fprintf(stderr, "FAIL %s (%.1f s)\n", name, took);
    } else if (current_skipped) {
        unit_skipped++;
    } else {
        unit_passed++;
        /* Durations of a second or more are shown, to find what slows the suite. */
        if (took >= 1.0) fprintf(stderr, "ok   %s (%.1f s)\n", name, took);
        else fprintf(stderr, "ok   %s\n", name);
    }
}

static void remove_tmpdir(void)
{
    if (!tmpdir[0] || getenv("MENTORBOT_KEEP_TMP")) return;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", tmpdir);
}

const char *unit_tmpdir(void)
{
    if (!tmpdir[0]) {
        snprintf(tmpdir, sizeof tmpdir, "/tmp/mentorbot-test-XXXXXX");
        if (!mkdtemp(tmpdir)) { perror("mkdtemp"); exit(2); }
        atexit(remove_tmpdir);
    }
    return tmpdir;
}

int unit_write_tmp(const char *name, const char *content, char *path, size_t size)
{
    snprintf(path, size, "%s/%s", unit_tmpdir(), name);
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    int ok = fputs(content, f) >= 0;
    return fclose(f) == 0 && ok ? 0 : -1;
}

int unit_summary(void)
{
    count_outside_checks();
    /* One machine-readable line for tests/run.sh to add up. */
    printf("unit-result %d %d %d\n", unit_passed, unit_failed, unit_skipped);
    return unit_failed ? 1 : 0;
}

const char *unit_shared_dir(void)
{
    const char *env = getenv("MENTORBOT_SHARED");
    return env ? env : "../shared";
}

char *unit_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) { free(buf); buf = NULL; }
    fclose(f);
    if (buf) { buf[n] = 0; if (len) *len = (size_t)n; }
    return buf;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int unit_list_dir(const char *dir, const char *containing, char ***names_out)
{
    *names_out = NULL;
    DIR *dh = opendir(dir);
    if (!dh) return -1;
    char **names = NULL;
    size_t cap = 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(dh)) != NULL) {
        if (e->d_name[0] == '.' || (containing && !strstr(e->d_name, containing))) continue;
        char *name = strdup(e->d_name);
        if (!name || array_grow(&names, &cap, (size_t)n, sizeof *names, 64)) {
            free(name);
            break;
        }
        names[n++] = name;
    }
    closedir(dh);
    if (n) qsort(names, (size_t)n, sizeof *names, compare_names);
    *names_out = names;
    return n;
}

void unit_free_names(char **names, int n)
{
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
}

i18n *unit_load_catalogs(void)
{
    char err[512] = "";
    i18n *texts = i18n_load("locales", (const char *[]){"ru", "en", NULL}, err, sizeof err);
    if (!texts) fprintf(stderr, "cannot load the catalogs: %s\n", err);
    return texts;
}

long long unit_sql_int(sqlite3 *h, const char *sql, long long arg)
{
    sqlite3_stmt *st;
    long long v = -1;
    if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) return -1;
    if (sqlite3_bind_parameter_count(st) > 0) sqlite3_bind_int64(st, 1, arg);
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

const char *unit_sql_text(sqlite3 *h, const char *sql)
{
    static char buf[256];
    buf[0] = 0;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) return "(prepare failed)";
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(buf, sizeof buf, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return buf;
}

int unit_sql_integrity_ok(sqlite3 *h)
{
    sqlite3_stmt *st;
    int ok = 0;
    if (sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK) return 0;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        ok = strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
    sqlite3_finalize(st);
    return ok;
}

void unit_sql_rows(sqlite3 *h, const char *sql, long long arg, unit_rows *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK) return;
    if (sqlite3_bind_parameter_count(st) > 0) sqlite3_bind_int64(st, 1, arg);
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (out->n < UNIT_ROWS_MAX) {
            snprintf(out->kind[out->n], sizeof out->kind[0], "%s", (const char *)sqlite3_column_text(st, 0));
            cJSON *body = cJSON_Parse((const char *)sqlite3_column_text(st, 1));
            const cJSON *t = cJSON_GetObjectItemCaseSensitive(body, "text");
            snprintf(out->text[out->n], sizeof out->text[0], "%s", cJSON_IsString(t) ? t->valuestring : "");
            cJSON_Delete(body);
        }
        out->n++;
    }
    sqlite3_finalize(st);
}

/* Tests log only warnings and errors unless MENTORBOT_TEST_LOG=debug. */
__attribute__((constructor)) static void quiet_logs(void)
{
    const char *level = getenv("MENTORBOT_TEST_LOG");
    log_set_level(level && strcmp(level, "debug") == 0 ? LOG_DEBUG : LOG_WARN);
}

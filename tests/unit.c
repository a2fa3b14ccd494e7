#include "tests/unit.h"
#include "util/log.h"

#include <stdlib.h>
#include <unistd.h>

int unit_failed_checks, unit_passed, unit_failed, unit_skipped;
const char *unit_current = "";
static int current_skipped;
static char tmpdir[256];

void unit_skip(const char *reason)
{
    fprintf(stderr, "  %s: skipped: %s\n", unit_current, reason);
    current_skipped = 1;
}

void unit_run(const char *name, void (*fn)(void))
{
    int before = unit_failed_checks;
    unit_current = name;
    current_skipped = 0;
    fn();
    if (unit_failed_checks != before) {
        unit_failed++;
        fprintf(stderr, "FAIL %s\n", name);
    } else if (current_skipped) {
        unit_skipped++;
    } else {
        unit_passed++;
        fprintf(stderr, "ok   %s\n", name);
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

int unit_summary(void)
{
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

/* Tests log only warnings and errors unless MENTORBOT_TEST_LOG=debug. */
__attribute__((constructor)) static void quiet_logs(void)
{
    const char *level = getenv("MENTORBOT_TEST_LOG");
    log_set_level(level && strcmp(level, "debug") == 0 ? LOG_DEBUG : LOG_WARN);
}

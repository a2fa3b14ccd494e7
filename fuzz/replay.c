/*
 * Replays a fuzz target's corpus without libFuzzer, for `make test`: every
 * file of fuzz/corpus/<target>/ (and, for the parsers of messenger
 * answers, every file of the shared conformance corpus) goes once through
 * LLVMFuzzerTestOneInput, in this one process as libFuzzer would (a
 * process per file was ten times slower). A crash, a sanitizer report, a
 * failed check (abort) or a hang names the file being replayed; leaks are
 * reported by LeakSanitizer at exit, with the stack that allocated them.
 * Ends with the line "unit-result P F S" that tests/run.sh reads: P files
 * replayed cleanly, F files that could not be read, S corpus folders that
 * were missing.
 *
 * Built with FUZZ_TARGET defined to the target's name; run from the
 * repository root. MENTORBOT_SHARED overrides ../shared; a folder given
 * as an argument is replayed instead of the corpus; FUZZ_REPLAY_VERBOSE=1
 * shows what the code under test prints on stdout.
 */
#include "fuzz/fuzz.h"
#include "util/array.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef FUZZ_TARGET
#error "build with -DFUZZ_TARGET=\"name\""
#endif

#if defined(__SANITIZE_ADDRESS__)
#define REPLAY_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define REPLAY_SANITIZED 1
#endif
#endif
#ifdef REPLAY_SANITIZED
#include <sanitizer/common_interface_defs.h>
#endif

#define REPLAY_TIMEOUT_S 30   /* one input; libFuzzer's own default is far longer */
#define REPLAY_FILE_MAX (1024 * 1024)

__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Conformance folders (under shared/conformance) each target also replays. */
static const struct {
    const char *target, *dirs[2];
} conformance[] = {
    {"tg_update", {"telegram", NULL}},
    {"vk_update", {"vk", NULL}},
    {"send_result", {"telegram", "vk"}},
};

static int passed, failed, skipped;

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *read_whole(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = malloc(REPLAY_FILE_MAX + 1);
    size_t n = buf ? fread(buf, 1, REPLAY_FILE_MAX + 1, f) : 0;
    fclose(f);
    if (!buf || n > REPLAY_FILE_MAX) {
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

static const char *current;   /* the file being replayed */

static void write_err(const char *s) { (void)!write(2, s, strlen(s)); }

/* Names the file when a sanitizer, an abort or the alarm ends the run. */
static void name_current(void)
{
    if (!current) return;
    write_err("  ^ while replaying ");
    write_err(current);
    write_err("\n");
}

static void on_fatal_signal(int sig)
{
    if (sig == SIGALRM) write_err("  the input hung\n");
    name_current();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Replays one file; 1 when it could be read (a failure ends the process). */
static int replay_file(const char *path)
{
    size_t len = 0;
    char *data = read_whole(path, &len);
    if (!data) {
        fprintf(stderr, "  %s: cannot read (or over %d bytes)\n", path, REPLAY_FILE_MAX);
        return 0;
    }
    /* An exact-size copy, so ASan sees a read past the input's end. */
    uint8_t *exact = malloc(len ? len : 1);
    if (!exact) {
        free(data);
        return 0;
    }
    memcpy(exact, data, len);
    free(data);
    current = path;
    alarm(REPLAY_TIMEOUT_S);
    LLVMFuzzerTestOneInput(exact, len);
    alarm(0);
    current = NULL;
    free(exact);
    return 1;
}

static void replay_dir(const char *dir)
{
    DIR *dh = opendir(dir);
    if (!dh) {
        fprintf(stderr, "  %s: missing, skipped\n", dir);
        skipped++;
        return;
    }
    char **names = NULL;
    int n = 0;
    size_t cap = 0;
    struct dirent *e;
    while ((e = readdir(dh)) != NULL) {
        if (e->d_name[0] == '.') continue;
        if (array_grow(&names, &cap, (size_t)n, sizeof *names, 64)) break;
        names[n++] = strdup(e->d_name);
    }
    closedir(dh);
    if (n) qsort(names, (size_t)n, sizeof *names, compare_names);
    int ok = 0;
    for (int i = 0; i < n; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (replay_file(path)) {
            passed++;
            ok++;
        } else {
            failed++;
        }
        free(names[i]);
    }
    free(names);
    fprintf(stderr, "  %s: %d of %d files replayed cleanly\n", dir, ok, n);
}

int main(int argc, char **argv)
{
#ifdef REPLAY_SANITIZED
    __sanitizer_set_death_callback(name_current);
#endif
    signal(SIGABRT, on_fatal_signal);
    signal(SIGALRM, on_fatal_signal);
    /* What the code under test prints (an import's "imported 1
     * organisation") is not this test's output, which is the last line. */
    fflush(stdout);
    int saved_stdout = dup(1), null = open("/dev/null", O_WRONLY);
    if (!getenv("FUZZ_REPLAY_VERBOSE") && saved_stdout >= 0 && null >= 0) dup2(null, 1);
    if (null >= 0) close(null);
    if (LLVMFuzzerInitialize) LLVMFuzzerInitialize(&argc, &argv);
    char dir[1024];
    if (argc > 1) {
        for (int i = 1; i < argc; i++) replay_dir(argv[i]);
    } else {
        snprintf(dir, sizeof dir, "fuzz/corpus/%s", FUZZ_TARGET);
        replay_dir(dir);
        const char *shared = getenv("MENTORBOT_SHARED");
        for (size_t t = 0; t < sizeof conformance / sizeof conformance[0]; t++) {
            if (strcmp(conformance[t].target, FUZZ_TARGET) != 0) continue;
            for (int k = 0; k < 2 && conformance[t].dirs[k]; k++) {
                snprintf(dir, sizeof dir, "%s/conformance/%s", shared ? shared : "../shared", conformance[t].dirs[k]);
                replay_dir(dir);
            }
        }
    }
    fflush(stdout);
    if (saved_stdout >= 0) dup2(saved_stdout, 1);
    printf("unit-result %d %d %d\n", passed, failed, skipped);
    return failed ? 1 : 0;
}

/*
 * Replays a fuzz target's corpus without libFuzzer, for `make test`: every
 * file of fuzz/corpus/<target>/ (and, for the parsers of messenger
 * answers, every file of the shared conformance corpus) goes once through
 * LLVMFuzzerTestOneInput, each in its own child process so that a crash,
 * a failed check, a leak (LeakSanitizer runs when the child exits) or a
 * hang is pinned on the file that caused it. Ends with the line
 * "unit-result P F S" that tests/run.sh reads: P files replayed cleanly,
 * F files that failed, S corpus folders that were missing.
 *
 * Built with FUZZ_TARGET defined to the target's name; run from the
 * repository root. MENTORBOT_SHARED overrides ../shared; a folder given
 * as an argument is replayed instead of the corpus; FUZZ_REPLAY_VERBOSE=1
 * shows what the code under test prints.
 */
#include "fuzz/fuzz.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef FUZZ_TARGET
#error "build with -DFUZZ_TARGET=\"name\""
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

/* What the code under test prints (an import's complaints about a bad
 * line) is not the test's output: the child's stdout and stderr go to
 * /dev/null. A file that fails is run again without this, to show why. */
static void quiet_child(void)
{
    int null = open("/dev/null", O_WRONLY);
    if (null < 0) return;
    dup2(null, 1);
    dup2(null, 2);
    close(null);
}

/* Runs one file in a child; 1 when it went through cleanly. */
static int replay_file(const char *path, int quiet)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        perror("replay: fork");
        return 0;
    }
    if (pid == 0) {
        alarm(REPLAY_TIMEOUT_S);
        if (quiet) quiet_child();
        size_t len = 0;
        char *data = read_whole(path, &len);
        if (!data) {
            fprintf(stderr, "  %s: cannot read (or over %d bytes)\n", path, REPLAY_FILE_MAX);
            exit(3);
        }
        /* An exact-size copy, so ASan sees a read past the input's end. */
        uint8_t *exact = malloc(len ? len : 1);
        if (!exact) exit(3);
        memcpy(exact, data, len);
        free(data);
        LLVMFuzzerTestOneInput(exact, len);
        free(exact);
        exit(0);   /* LeakSanitizer checks here */
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {}
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return 1;
    if (quiet) return replay_file(path, 0);
    if (WIFSIGNALED(status))
        fprintf(stderr, "  %s: killed by signal %d%s\n", path, WTERMSIG(status),
                WTERMSIG(status) == SIGALRM ? " (hung)" : WTERMSIG(status) == SIGABRT ? " (a check failed)" : "");
    else
        fprintf(stderr, "  %s: exit %d\n", path, WEXITSTATUS(status));
    return 0;
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
    int n = 0, cap = 0;
    struct dirent *e;
    while ((e = readdir(dh)) != NULL) {
        if (e->d_name[0] == '.') continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 64;
            char **grown = realloc(names, (size_t)cap * sizeof *names);
            if (!grown) break;
            names = grown;
        }
        names[n++] = strdup(e->d_name);
    }
    closedir(dh);
    if (n) qsort(names, (size_t)n, sizeof *names, compare_names);
    int ok = 0;
    for (int i = 0; i < n; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        if (replay_file(path, !getenv("FUZZ_REPLAY_VERBOSE"))) {
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
    printf("unit-result %d %d %d\n", passed, failed, skipped);
    return failed ? 1 : 0;
}

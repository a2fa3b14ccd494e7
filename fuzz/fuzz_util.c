/* Helpers for the fuzz targets; see fuzz/fuzz.h. */
#include "fuzz/fuzz.h"

#include "storage/db.h"
#include "util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char tmpdir[256];
static pid_t tmpdir_owner;   /* a forked child must not remove it */

char *fuzz_cstring(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s) return NULL;
    if (size) memcpy(s, data, size);
    s[size] = 0;
    return s;
}

/* Removes the scratch directory and what the targets left in it. */
static void remove_tmpdir(void)
{
    if (!tmpdir[0] || getpid() != tmpdir_owner) return;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0) fprintf(stderr, "fuzz: could not remove %s\n", tmpdir);
}

const char *fuzz_tmpdir(void)
{
    if (tmpdir[0]) return tmpdir;
    /* Memory-backed when there is one: a target rewrites its scratch file
     * for every input, and on a disk each rewrite may wait for a flush. */
    const char *base = getenv("TMPDIR");
    if (!base || !*base) base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(tmpdir, sizeof tmpdir, "%s/mentorbot-fuzz-XXXXXX", base);
    if (!mkdtemp(tmpdir)) {
        perror("fuzz: mkdtemp");
        abort();
    }
    tmpdir_owner = getpid();
    atexit(remove_tmpdir);
    return tmpdir;
}

const char *fuzz_write_file(const char *name, const uint8_t *data, size_t size)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/%s", fuzz_tmpdir(), name);
    FILE *f = fopen(path, "wb");
    if (!f) return NULL;
    size_t n = size ? fwrite(data, 1, size, f) : 0;
    int bad = n != size;
    if (fclose(f) != 0) bad = 1;
    return bad ? NULL : path;
}

__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    log_set_level(LOG_OFF);
    return 0;
}

db *fuzz_open_db(const char *name)
{
    char path[512], err[256] = "";
    snprintf(path, sizeof path, "%s/%s", fuzz_tmpdir(), name);
    db *d = NULL;
    if (db_open(path, DB_SYNC_NORMAL, &d, err, sizeof err)) {
        fprintf(stderr, "fuzz: %s: %s\n", path, err);
        abort();
    }
    return d;
}

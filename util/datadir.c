#include "util/datadir.h"

#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

static int holds(const char *dir, const char *marker)
{
    char path[PATH_MAX];
    struct stat st;
    if (snprintf(path, sizeof path, "%s/%s", dir, marker) >= (int)sizeof path) return 0;
    return stat(path, &st) == 0;
}

int datadir_find(const char *configured, const char *rel, const char *marker, char *out, size_t size)
{
    if (configured && *configured) {
        snprintf(out, size, "%s", configured);
        return holds(out, marker);
    }
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = 0;
        const char *dir = dirname(exe);
        /* build/test/mentorbot is two levels down, build/test/bin/x three */
        static const char *const up[] = {"", "/../..", "/../../..", "/../share/mentorbot"};
        for (size_t i = 0; i < sizeof up / sizeof up[0]; i++) {
            snprintf(out, size, "%s%s/%s", dir, up[i], rel);
            if (holds(out, marker)) return 1;
        }
    }
    snprintf(out, size, "%s", rel);
    return holds(out, marker);
}

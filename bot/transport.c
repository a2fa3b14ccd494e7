/*
 * What every transport shares: releasing a rendered call, and the checks a
 * file passes before any upload starts.
 */
#include "bot/transport.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void api_call_clear(api_call *call)
{
    if (!call) return;
    free(call->json);
    call->json = NULL;
}

int transport_file_sendable(const char *path, long long max_bytes, char *why, size_t why_size)
{
    struct stat st;
    if (!path || !*path) {
        snprintf(why, why_size, "no file named");
        return 0;
    }
    if (stat(path, &st) != 0) {
        snprintf(why, why_size, "%s: %s", path, strerror(errno));
        return 0;
    }
    const char *problem = !S_ISREG(st.st_mode) ? "not a regular file"
                        : st.st_size == 0      ? "the file is empty"
                        : st.st_size > max_bytes ? "the file is larger than the messenger accepts"
                                                 : NULL;
    if (problem) {
        snprintf(why, why_size, "%s: %s", path, problem);
        return 0;
    }
    return 1;
}

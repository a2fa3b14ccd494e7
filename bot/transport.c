/*
 * What every transport shares: releasing a rendered call, and the checks a
 * file passes before any upload starts.
 */
#include "bot/transport.h"

#include <errno.h>
#include <inttypes.h>
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

const char *transport_edit_target(const cJSON *body, char *buf, size_t size)
{
    const cJSON *ref = cJSON_GetObjectItemCaseSensitive(body, "message");
    if (cJSON_IsString(ref) && *ref->valuestring) return ref->valuestring;
    const cJSON *mid = cJSON_GetObjectItemCaseSensitive(body, "mid");
    if (cJSON_IsString(mid) && *mid->valuestring) return mid->valuestring;
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(body, "message_id");
    if (cJSON_IsNumber(id) && id->valuedouble >= 1 && id->valuedouble < 9007199254740992.0 && size >= 24) {
        snprintf(buf, size, "%" PRId64, (int64_t)id->valuedouble);
        return buf;
    }
    return NULL;
}

int64_t transport_edit_number(const cJSON *body)
{
    char buf[24];
    const char *ref = transport_edit_target(body, buf, sizeof buf);
    if (!ref || !*ref) return 0;
    int64_t n = 0;
    for (const char *c = ref; *c; c++) {
        if (*c < '0' || *c > '9' || n > (INT64_MAX - 9) / 10) return 0;
        n = n * 10 + (*c - '0');
    }
    return n;
}

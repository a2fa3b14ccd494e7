#include "util/json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int depth_ok(const char *s, size_t n)
{
    int depth = 0, in_string = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (in_string) {
            if (c == '\\') i++;
            else if (c == '"') in_string = 0;
        } else if (c == '"') {
            in_string = 1;
        } else if (c == '{' || c == '[') {
            if (++depth > JSON_DEPTH_MAX) return 0;
        } else if (c == '}' || c == ']') {
            depth--;
        }
    }
    return 1;
}

cJSON *json_parse_limited(const char *body, size_t len, size_t max_bytes, const char **why)
{
    const char *reason = NULL;
    cJSON *root = NULL;
    if (len >= 3 && (unsigned char)body[0] == 0xEF && (unsigned char)body[1] == 0xBB &&
        (unsigned char)body[2] == 0xBF) {
        body += 3;
        len -= 3;
    }
    if (len > max_bytes) reason = "body over the size limit";
    else if (len == 0) reason = "empty body";
    else if (!depth_ok(body, len)) reason = "JSON nested too deeply";
    else if (!(root = cJSON_ParseWithLength(body, len))) reason = "malformed JSON";
    if (why) *why = reason;
    return root;
}

int64_t json_int(const cJSON *obj, const char *key, int *ok)
{
    const cJSON *v = obj ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
    if (ok) *ok = 0;
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (d != floor(d) || fabs(d) > 9007199254740992.0) return 0;
        if (ok) *ok = 1;
        return (int64_t)d;
    }
    if (cJSON_IsString(v) && v->valuestring[0]) {
        char *end;
        long long n = strtoll(v->valuestring, &end, 10);
        if (*end) return 0;
        if (ok) *ok = 1;
        return n;
    }
    return 0;
}

const char *json_str(const cJSON *obj, const char *key)
{
    const cJSON *v = obj ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

const cJSON *json_obj(const cJSON *obj, const char *key)
{
    const cJSON *v = obj ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
    return cJSON_IsObject(v) ? v : NULL;
}

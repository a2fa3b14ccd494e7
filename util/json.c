#include "util/json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Nesting in the text, strings skipped: only to name why a body cJSON
 * refused was refused (its own limit is CJSON_NESTING_LIMIT). */
static int text_depth_ok(const char *s, size_t n)
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

/* Nesting in the parsed tree: item and its siblings lie in a container at
 * level depth (0 for the root), so those of them that are containers are
 * at depth + 1. Walks nodes, not bytes: a tenth of the text scan's work
 * on the messengers' answers. */
static int tree_depth_ok(const cJSON *item, int depth)
{
    for (; item; item = item->next) {
        if (!cJSON_IsArray(item) && !cJSON_IsObject(item)) continue;
        if (depth + 1 > JSON_DEPTH_MAX) return 0;
        if (item->child && !tree_depth_ok(item->child, depth + 1)) return 0;
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
    else if (!(root = cJSON_ParseWithLength(body, len)))
        reason = text_depth_ok(body, len) ? "malformed JSON" : "JSON nested too deeply";
    else if (!tree_depth_ok(root, 0)) {
        cJSON_Delete(root);
        root = NULL;
        reason = "JSON nested too deeply";
    }
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

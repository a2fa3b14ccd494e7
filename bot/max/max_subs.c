#include "bot/max/max_subs.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 1 when list (a JSON array of strings) holds exactly the comma-separated
 * types, in any order; repeats in list are not counted twice. */
static int types_match(const cJSON *list, const char *types)
{
    if (!cJSON_IsArray(list)) return 0;   /* null: every type, not ours */
    int wanted = 0, found = 0;
    for (const char *p = types; *p;) {
        size_t n = strcspn(p, ",");
        const cJSON *t;
        int here = 0;
        cJSON_ArrayForEach(t, list)
            if (cJSON_IsString(t) && strlen(t->valuestring) == n && strncmp(t->valuestring, p, n) == 0) here = 1;
        wanted++;
        found += here;
        p += n + (p[n] == ',');
    }
    int distinct = 0;
    const cJSON *a, *b;
    cJSON_ArrayForEach(a, list) {
        if (!cJSON_IsString(a)) return 0;
        int seen = 0;
        for (b = list->child; b != a; b = b->next)
            if (cJSON_IsString(b) && strcmp(a->valuestring, b->valuestring) == 0) seen = 1;
        distinct += !seen;
    }
    return found == wanted && distinct == wanted;
}

mb_status max_subs_plan_make(const cJSON *root, const char *want_url, const char *types, int same_fingerprint,
                             max_subs_plan *out)
{
    memset(out, 0, sizeof *out);
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "subscriptions"), *s;
    if (!cJSON_IsObject(root) || !cJSON_IsArray(list)) return MB_ERR_PARSE;
    int ours_match = 0;
    cJSON_ArrayForEach(s, list) {
        const cJSON *url = cJSON_GetObjectItemCaseSensitive(s, "url");
        if (!cJSON_IsString(url)) continue;
        out->found++;
        if (want_url && strcmp(url->valuestring, want_url) == 0) {
            out->ours = 1;
            ours_match = types_match(cJSON_GetObjectItemCaseSensitive(s, "update_types"), types);
            continue;
        }
        if (out->nremove == MAX_SUBSCRIPTIONS_MAX) continue;   /* the next start removes the rest */
        out->remove[out->nremove] = strdup(url->valuestring);
        if (!out->remove[out->nremove]) {
            max_subs_plan_free(out);
            return MB_ERR_NOMEM;
        }
        out->nremove++;
    }
    if (want_url) {
        out->why = !out->ours ? "not subscribed yet" : !ours_match ? "the update types differ"
                 : !same_fingerprint ? "the address, types or secret changed since the last subscription" : NULL;
        out->subscribe = out->why != NULL;
    }
    return MB_OK;
}

void max_subs_plan_free(max_subs_plan *p)
{
    if (!p) return;
    for (int i = 0; i < p->nremove; i++) free(p->remove[i]);
    p->nremove = 0;
}

void max_subs_fingerprint(const char *url, const char *types, const char *secret,
                          char out[MAX_SUBS_FINGERPRINT_LEN + 1])
{
    uint64_t h = 14695981039346656037ULL;
    const char *parts[] = {url, types, secret};
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
        for (const char *p = parts[i] ? parts[i] : ""; *p; p++) h = (h ^ (unsigned char)*p) * 1099511628211ULL;
        h = (h ^ 0xffu) * 1099511628211ULL;   /* a separator no text holds */
    }
    snprintf(out, MAX_SUBS_FINGERPRINT_LEN + 1, "%016llx", (unsigned long long)h);
}

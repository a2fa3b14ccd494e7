#include "handlers/recognition_rules.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

void recognition_rules_default(recognition_rules *r)
{
    memset(r, 0, sizeof *r);
    r->meeting = 2;
    r->poll = 1;
    r->completed = 10;
    r->outcome[0] = 3;
    r->outcome[1] = 5;
    r->outcome[2] = 8;
    r->outcome[3] = 12;
    r->levels[0] = 20;
    r->levels[1] = 60;
    r->levels[2] = 150;
}

int recognition_rules_parse_levels(const char *text, recognition_rules *r)
{
    int levels[RECOGNITION_LEVELS - 1];
    const char *p = text;
    for (int i = 0; i < RECOGNITION_LEVELS - 1; i++) {
        while (*p == ' ' || *p == '\t') p++;
        if (i > 0) {
            if (*p++ != ',') return -1;
            while (*p == ' ' || *p == '\t') p++;
        }
        if (!isdigit((unsigned char)*p)) return -1;
        char *end;
        long v = strtol(p, &end, 10);
        if (v < 1 || v > RECOGNITION_THRESHOLD_MAX || (i > 0 && v <= levels[i - 1])) return -1;
        levels[i] = (int)v;
        p = end;
    }
    while (*p == ' ' || *p == '\t') p++;
    if (*p) return -1;
    memcpy(r->levels, levels, sizeof levels);
    return 0;
}

long long recognition_points(const recognition_rules *r, const recognition_counts *c)
{
    recognition_rules defaults;
    if (!r) {
        recognition_rules_default(&defaults);
        r = &defaults;
    }
    /* Counts and points are both bounded (INT_MAX, RECOGNITION_POINTS_MAX),
     * so each product fits a long long; the sum is capped. */
    long long sum = (long long)r->meeting * c->meetings + (long long)r->poll * c->polls +
                    (long long)r->completed * c->completed;
    for (int i = 0; i < RECOGNITION_OUTCOME_LEVELS; i++) sum += (long long)r->outcome[i] * c->outcomes[i];
    if (sum < 0) return 0;
    return sum > INT_MAX ? INT_MAX : sum;
}

int recognition_level(const recognition_rules *r, long long points)
{
    recognition_rules defaults;
    if (!r) {
        recognition_rules_default(&defaults);
        r = &defaults;
    }
    int level = 0;
    while (level < RECOGNITION_LEVELS - 1 && points >= r->levels[level]) level++;
    return level;
}

const char *recognition_level_code(int level)
{
    static const char *const codes[RECOGNITION_LEVELS] = {"novice", "experienced", "gold", "platinum"};
    return level >= 0 && level < RECOGNITION_LEVELS ? codes[level] : codes[0];
}

long long recognition_to_next(const recognition_rules *r, long long points)
{
    recognition_rules defaults;
    if (!r) {
        recognition_rules_default(&defaults);
        r = &defaults;
    }
    int level = recognition_level(r, points);
    return level >= RECOGNITION_LEVELS - 1 ? 0 : r->levels[level] - points;
}

static int by_points(const void *a, const void *b)
{
    const recognition_entry *x = a, *y = b;
    if (x->points != y->points) return x->points < y->points ? 1 : -1;
    int names = strcmp(x->name, y->name);
    if (names) return names;
    return x->account_id < y->account_id ? -1 : x->account_id > y->account_id;
}

int recognition_rank(const recognition_rules *r, recognition_entry *entries, int n, int published)
{
    int shown = 0;
    for (int i = 0; i < n; i++) {
        entries[i].points = recognition_points(r, &entries[i].counts);
        if (published && entries[i].hidden) continue;
        if (i != shown) {
            recognition_entry keep = entries[shown];
            entries[shown] = entries[i];
            entries[i] = keep;
        }
        shown++;
    }
    if (shown > 1) qsort(entries, (size_t)shown, sizeof *entries, by_points);
    return shown;
}

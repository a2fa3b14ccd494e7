/*
 * The rules of mentor recognition, from bot.conf's [recognition] section
 * (docs/recognition.md): how many points each thing a mentor did earns,
 * and the points from which each level begins. The programme documents ask
 * for points, ratings and levels but give no formula (000:L216-L222); the
 * levels follow the target model's «начальный / золотой / платиновый»
 * (004:128) with an «опытный» step between the first two.
 */
#ifndef MB_RECOGNITION_RULES_H
#define MB_RECOGNITION_RULES_H

#include "storage/recognition.h"

#define RECOGNITION_POINTS_MAX 1000   /* points one thing may earn */
#define RECOGNITION_LEVELS 4          /* начинающий, опытный, золотой, платиновый */
#define RECOGNITION_THRESHOLD_MAX 1000000

typedef struct recognition_rules {
    int meeting;                      /* points per meeting */
    int poll;                         /* per poll answered */
    int completed;                    /* per mentorship completed */
    int outcome[RECOGNITION_OUTCOME_LEVELS];
    int levels[RECOGNITION_LEVELS - 1];  /* points from which опытный, золотой, платиновый begin, ascending */
} recognition_rules;

/* meeting 2, poll 1, completed 10, outcomes 3 / 5 / 8 / 12, levels from
 * 20, 60 and 150 points. */
void recognition_rules_default(recognition_rules *r);

/* Reads "20, 60, 150" (three ascending numbers, 1..RECOGNITION_THRESHOLD_MAX)
 * into r->levels; 0 on success, r untouched on an error. */
int recognition_rules_parse_levels(const char *text, recognition_rules *r);

/* The points of c under r (NULL: the defaults). Never negative; capped at
 * INT_MAX. */
long long recognition_points(const recognition_rules *r, const recognition_counts *c);

/* The level (0..RECOGNITION_LEVELS-1) that points reach under r. */
int recognition_level(const recognition_rules *r, long long points);

/* The level's code for catalog keys: novice, experienced, gold, platinum. */
const char *recognition_level_code(int level);

/* Points still needed for the next level, 0 at the top. */
long long recognition_to_next(const recognition_rules *r, long long points);

/*
 * Fills each entry's points under r and orders the entries by points, most
 * first (ties by name, then id). For a published ranking (published = 1)
 * the mentors who hide from rankings are left out: they are moved past the
 * returned count. Returns how many entries the ranking shows.
 */
int recognition_rank(const recognition_rules *r, recognition_entry *entries, int n, int published);

#endif

/*
 * What the indicators read beyond the store (migration 18): reference
 * numbers an administrator enters because the bot cannot see them (the
 * contingent of pupils of grades 5-11, teachers, organisations of a
 * territory), yearly targets of each indicator, and the snapshots that
 * keep a finished period's values as they were handed in.
 *
 * A scope is a territory or an organisation; targets may also apply to
 * every scope (REF_SCOPE_ALL). Years are the school years' first years
 * for reference numbers (counted in September) and report years for
 * targets (docs/indicators.md says which year a period takes).
 */
#ifndef MB_REFERENCES_H
#define MB_REFERENCES_H

#include <stdint.h>

#include "storage/db.h"

#define REF_KEY_MAX 48        /* bytes of a reference key or an indicator code */
#define REF_SOURCE_MAX 300    /* characters of a reference number's source */
#define REF_VALUE_MAX 1e9     /* a contingent above this is a typing error */

/* The reference numbers an administrator enters (docs/indicators.md):
 * X(key, what). */
#define REF_KEYS \
    X(pupils_5_11, "pupils of grades 5-11 of general-education organisations") \
    X(pupils_additional, "pupils of additional-education organisations") \
    X(teachers, "teachers") \
    X(organisations, "organisations operating in the territory") \
    X(young_teachers, "young specialists with up to 3 years in their organisation") \
    X(young_teachers_hired, "young specialists hired") \
    X(young_teachers_retained, "young specialists who worked 3-5 years in the organisation that hired them") \
    X(ngo_mentors, "mentors employed at NGOs or taking part in regional social projects")

/* 1 when key is one of REF_KEYS. */
int ref_key_valid(const char *key);
/* The keys, comma-separated, for messages. */
#define REF_KEY_LIST \
    "pupils_5_11, pupils_additional, teachers, organisations, young_teachers, young_teachers_hired, " \
    "young_teachers_retained, ngo_mentors"

typedef enum ref_scope_kind { REF_SCOPE_ALL = 0, REF_SCOPE_TERRITORY, REF_SCOPE_ORG } ref_scope_kind;

/* "all", "territory", "org". */
const char *ref_scope_kind_name(ref_scope_kind kind);

/* Sets (or replaces) one reference number. */
mb_status ref_number_set(db *d, ref_scope_kind kind, int64_t scope_id, int year, const char *key, double value,
                         const char *source, const char *actor);

/*
 * The reference number of a scope for year: the entry of that year, or
 * else of the latest earlier year (a contingent is often counted once and
 * used for years: 000 uses the 2020/21 count for 2021-2024). *year_used
 * says which; *source gets the source (size bytes; may be NULL).
 * MB_ERR_NOT_FOUND when the scope has none up to that year.
 */
mb_status ref_number_get(db *d, ref_scope_kind kind, int64_t scope_id, int year, const char *key, double *value,
                         int *year_used, char *source, size_t size);

/* Sets (or replaces) a target; persons < 0 means none given. */
mb_status ref_target_set(db *d, const char *code, ref_scope_kind kind, int64_t scope_id, int year, double target,
                         long long persons, const char *source);

/* The target of code for the scope and year; *persons -1 when none was
 * given. MB_ERR_NOT_FOUND when there is no target for that exact scope. */
mb_status ref_target_get(db *d, const char *code, ref_scope_kind kind, int64_t scope_id, int year, double *target,
                         long long *persons);

/* One stored indicator value of a snapshot. */
typedef struct ref_snapshot_row {
    char code[REF_KEY_MAX];
    double numerator, denominator, value, target, target_persons;
    int has_numerator, has_denominator, has_value, has_target, has_target_persons;
    int respondents, invited;   /* -1 when the indicator is not a survey */
    int flags;                  /* the engine's IND_FLAG_* */
} ref_snapshot_row;

/*
 * Stores the rows of a set's report for a scope and period as its
 * snapshot. MB_ERR_EXISTS when one is stored already (it is never
 * replaced: a report handed in stays what it was).
 */
mb_status ref_snapshot_save(db *d, const char *set, ref_scope_kind kind, int64_t scope_id, const char *period,
                            const ref_snapshot_row *rows, int n);

/*
 * Reads a snapshot: up to max rows into rows, *n how many there are,
 * *taken_at when it was taken. MB_ERR_NOT_FOUND when there is none.
 */
mb_status ref_snapshot_load(db *d, const char *set, ref_scope_kind kind, int64_t scope_id, const char *period,
                            ref_snapshot_row *rows, int max, int *n, int64_t *taken_at);

#endif

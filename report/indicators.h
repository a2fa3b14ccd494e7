/*
 * The indicator engine. Indicator definitions are data: one file per set
 * (data/indicators/000.ini ...; docs/indicators.md) gives each indicator
 * its stable code, its Russian name as in the document, unit, numerator
 * and denominator (named counts over the store, reference numbers, counts
 * of organisations), the organisations it counts and its rounding rule.
 *
 * A set is computed for a scope (an organisation, or a territory with
 * everything under it) and a period (school year 2025-26, calendar year
 * 2025, or an as-of date 2026-06-01) and compared with its targets. The
 * counts are read once per organisation for the whole period and added up
 * into territories, so every scope of a region costs one pass
 * (ind_data_load, then ind_data_report per scope).
 */
#ifndef MB_REPORT_INDICATORS_H
#define MB_REPORT_INDICATORS_H

#include <stdint.h>

#include "report/counts.h"
#include "storage/db.h"
#include "storage/references.h"

#define IND_SETS_MAX 8          /* sets in the data folder */
#define IND_DEFS_MAX 64         /* indicators in one set */
#define IND_NAME_MAX 640        /* bytes of an indicator's name */
#define IND_BANDS_MAX 6         /* bands of a scale */
#define IND_BAND_TEXT_MAX 128   /* bytes of a band's words */
#define IND_FILE_MAX (256 * 1024) /* bytes of one definition file */
#define IND_MIN_GROUP_DEFAULT 5 /* respondents below which a survey value is not shown */
#define IND_SATISFIED_DEFAULT 7 /* mean of the satisfaction items (1-10) that counts as satisfied */

typedef enum ind_unit { IND_UNIT_PERCENT, IND_UNIT_PERSONS, IND_UNIT_ORGS, IND_UNIT_COUNT } ind_unit;

typedef enum ind_round_kind { IND_ROUND_HALF_UP, IND_ROUND_TRUNC } ind_round_kind;
typedef struct ind_rounding {
    ind_round_kind kind;
    int digits;          /* decimals kept, 0..4 */
} ind_rounding;

/* "half_up:2", "trunc:1" ...; 0 when text is not one. */
int ind_rounding_parse(const char *text, ind_rounding *out);
/* The rule as the definitions write it, into buf. */
void ind_rounding_format(const ind_rounding *r, char *buf, size_t size);

typedef enum ind_operand_kind {
    IND_OP_NONE,        /* no denominator: the value is the numerator */
    IND_OP_COUNT,       /* a named count, added over the organisations */
    IND_OP_REF,         /* a reference number of the scope */
    IND_OP_ORGS,        /* organisations of the types counted, existing at the period's end */
    IND_OP_FORM_ORGS,   /* of those, organisations that ran a form in the period */
    IND_OP_EMPLOYERS,   /* distinct employers of the scope's mentors */
    IND_OP_SATISFIED,   /* satisfied respondents (numerator) / respondents (denominator) */
    IND_OP_ANSWERED     /* respondents giving an answer / respondents */
} ind_operand_kind;

typedef struct ind_operand {
    ind_operand_kind kind;
    int count;                   /* IND_COUNT_x */
    int form;                    /* PROFILE_FORM_x */
    char ref[REF_KEY_MAX];       /* reference key */
} ind_operand;

/* Organisation types an indicator counts (orgs = school|additional|...). */
enum { IND_ORGS_SCHOOL = 1, IND_ORGS_ADDITIONAL = 2, IND_ORGS_OTHER = 4, IND_ORGS_ALL = 7 };

typedef struct ind_def {
    char code[REF_KEY_MAX];
    char name[IND_NAME_MAX];
    ind_unit unit;
    ind_operand num, den;
    unsigned orgs;               /* IND_ORGS_x mask */
    ind_rounding rounding;
    int target_persons;          /* 1: show a percentage target in persons too */
    int compare_previous;        /* 1: the target is the previous period's value (dynamics) */
    /* surveys */
    char role[16];               /* satisfaction: mentee | mentor */
    char direction[16];          /* satisfaction: only people of mentorships of this direction */
    double satisfied_min;
    int min_group;
    char wave_kind[24], item[48], answer[48];   /* answers */
    int nbands;
    struct {
        double from;
        char text[IND_BAND_TEXT_MAX];
    } bands[IND_BANDS_MAX];
} ind_def;

typedef struct ind_set {
    char code[8];
    char title[IND_NAME_MAX];
    int n;
    ind_def defs[IND_DEFS_MAX];
} ind_set;

typedef struct ind_catalog {
    int n;
    ind_set sets[IND_SETS_MAX];
} ind_catalog;

/*
 * Loads every .ini file of dir. NULL after writing why into err ("FILE:LINE:
 * what"): an unknown key, count or reference form, a missing name, unit or
 * numerator, a duplicate code, a bad rounding rule, too many indicators.
 * The caller frees it with ind_catalog_free.
 */
ind_catalog *ind_catalog_load(const char *dir, char *err, size_t err_size);
void ind_catalog_free(ind_catalog *c);
/* The set with this code ("000"), or NULL. */
const ind_set *ind_catalog_set(const ind_catalog *c, const char *code);

/* Finds the definitions folder: the configured one, or data/indicators
 * beside the program as app_find_locales looks (1 when found). */
int ind_find_data(const char *configured, char *out, size_t size);

typedef enum ind_period_kind { IND_PERIOD_SCHOOL_YEAR, IND_PERIOD_CALENDAR, IND_PERIOD_AS_OF } ind_period_kind;

typedef struct ind_period {
    ind_period_kind kind;
    char label[24];              /* as the user wrote it, normalised: 2025-26, 2025, 2026-06-01 */
    int64_t start_ms, end_ms;    /* both included */
    int ref_year;                /* the school year (its first year) whose reference numbers apply */
    int target_year;             /* the year whose targets apply */
    int year_from, year_to;      /* school years (first years) the period touches */
} ind_period;

/*
 * Parses a period in the timezone zone (local midnights): "2025-26" (the
 * school year 1 Sep 2025 .. 31 Aug 2026), "2025" (the calendar year), or
 * "2026-06-01" (from the start of the school year that date is in, up to
 * the end of that day). MB_ERR_PARSE when text is none of these.
 */
mb_status ind_period_parse(const char *text, const char *zone, ind_period *out);
/* The school year that now falls in. */
void ind_period_current(int64_t now_ms, const char *zone, ind_period *out);
/* The same period a year earlier. */
void ind_period_previous(const ind_period *p, const char *zone, ind_period *out);

typedef struct ind_scope {
    ref_scope_kind kind;         /* REF_SCOPE_ORG or REF_SCOPE_TERRITORY */
    int64_t id;
} ind_scope;

/* "org:12" or "territory:3"; MB_ERR_PARSE otherwise. */
mb_status ind_scope_parse(const char *text, ind_scope *out);

/* Row flags, kept in snapshots. */
enum {
    IND_FLAG_FEW_RESPONDENTS = 1,  /* fewer respondents than min_group: not shown */
    IND_FLAG_NO_REFERENCE = 2,     /* a reference number is missing */
    IND_FLAG_PERSONS_GIVEN = 4,    /* the target in persons is the one the targets file gave */
    IND_FLAG_REF_EARLIER = 8,      /* a reference number of an earlier year was used */
    IND_FLAG_DYNAMICS = 16         /* the target is the previous period's value */
};

typedef struct ind_row {
    const ind_def *def;
    double num, den, value, target, target_persons;
    int has_num, has_den, has_value, has_target, has_target_persons;
    int respondents, invited;      /* -1 when not a survey */
    int flags;
    int ref_year;                  /* year of the reference number used; 0 none */
} ind_row;

typedef struct ind_report {
    const ind_set *set;
    ind_scope scope;
    char scope_name[300];
    ind_period period;
    ind_rounding rounding;         /* applied to every row when has_rounding (a report option) */
    int has_rounding;
    int64_t snapshot_at;           /* when the rows come from a snapshot; 0 = computed now */
    int n;
    ind_row rows[IND_DEFS_MAX];
} ind_report;

/* The counts of every organisation under a root scope for one period,
 * for the indicators of one or more sets: each count is read once
 * whatever the number of sets and scopes. */
typedef struct ind_data ind_data;

mb_status ind_data_load(db *d, const ind_set *const *sets, int nsets, ind_scope root, const ind_period *p,
                        const char *zone, ind_data **out);
void ind_data_free(ind_data *data);

/* The scopes a loaded root holds: each organisation and each territory
 * (the root's own territory first). Returns how many (may exceed max). */
int ind_data_scopes(const ind_data *data, ind_scope *out, int max);

/* The report of one set (one of those loaded) for one scope under the
 * loaded root (rows, targets, the reference numbers of the scope).
 * MB_ERR_NOT_FOUND for a scope outside the root or a set not loaded. */
mb_status ind_data_report(db *d, const ind_data *data, const ind_set *set, ind_scope scope, ind_report *out);

/* The name of an organisation or territory ("org:12" when it has none). */
void ind_scope_name(db *d, ind_scope scope, char *buf, size_t size);

/* ind_data_load and ind_data_report of one scope. */
mb_status ind_compute(db *d, const ind_set *set, ind_scope scope, const ind_period *p, const char *zone,
                      ind_report *out);

/* The value shown for a row, rounded by its rule (or the report's), in
 * buf with a decimal comma (Russian) or point; "" when it has none. */
void ind_value_format(const ind_report *r, const ind_row *row, double v, int decimal_comma, char *buf, size_t size);
/* The rule a row is rounded by. */
ind_rounding ind_row_rounding(const ind_report *r, const ind_row *row);
/* v rounded by rule. */
double ind_round(double v, ind_rounding rule);

/*
 * The report as it is to be handed in: for a finished period (its end
 * before now) the stored snapshot when there is one, else computed now
 * and stored as the snapshot; an unfinished period is computed. With
 * fresh non-NULL and a snapshot returned, fresh gets the values computed
 * now, so the difference can be shown. A report with its own rounding
 * (has_rounding) is never stored.
 */
mb_status ind_report_for(db *d, const ind_set *set, ind_scope scope, const ind_period *p, const char *zone,
                         const ind_rounding *rounding, ind_report *out, ind_report *fresh);

#endif

/*
 * The structure of a mentoring programme and who may look at which part of
 * it: territories (a region and its municipalities), organisations with
 * their type and municipality, one programme per educational organisation
 * and school year, and the scopes of curators (organisations) and
 * coordinators (a territory).
 *
 * Names are stored as given (the caller cleans them); lookups by name are
 * exact, since case-folding Cyrillic needs more than SQLite's ASCII NOCASE.
 */
#ifndef MB_TERRITORIES_H
#define MB_TERRITORIES_H

#include <stdint.h>

#include "storage/db.h"
#include "storage/profiles.h"
#include "storage/records.h"

#define TERRITORY_NAME_MAX 200   /* characters */

typedef struct territory {
    int64_t id;
    char name[256];
    char kind[16];        /* region | municipality */
    int64_t parent_id;    /* a municipality's region; 0 = none */
    char timezone[64];    /* "" = none: organisations inherit the region's or the service's */
} territory;

#define TERRITORY_CANDIDATES_MAX 10   /* territories of one name listed in an error */

/*
 * Adds a territory. kind is "region" (parent_id must be 0) or
 * "municipality" (parent_id 0, or the id of a region). MB_ERR_INVALID for a
 * bad kind or parent kind, MB_ERR_NOT_FOUND when the parent does not exist,
 * MB_ERR_EXISTS when the same kind, parent and name exist (*id_out then
 * holds the existing id).
 */
mb_status territory_add(db *d, const char *name, const char *kind, int64_t parent_id, int64_t *id_out);
mb_status territory_get(db *d, int64_t id, territory *out);

/* The territory of the given kind named exactly name. MB_ERR_NOT_FOUND when
 * there is none, MB_ERR_INVALID when several (same name in two regions). */
mb_status territory_find_by_name(db *d, const char *kind, const char *name, territory *out);

/* All territories of the given kind named exactly name, by id, up to max
 * into out. Returns how many there are (may exceed max), -1 on error. */
int territory_candidates(db *d, const char *kind, const char *name, territory *out, int max);

/* "Region/Municipality" (or just the name) of t into buf. */
void territory_path(db *d, const territory *t, char *buf, size_t size);

/* The municipality "Region/Municipality" names (one "/", names exact).
 * MB_ERR_NOT_FOUND when there is none. */
mb_status territory_find_path(db *d, const char *path, territory *out);

/* The timezone organisations in territory id inherit: its own, else its
 * region's; "" when neither has one. */
void territory_timezone(db *d, int64_t id, char *buf, size_t size);

/* Sets or clears ("") a territory's timezone; MB_ERR_NOT_FOUND when none. */
mb_status territory_set_timezone(db *d, int64_t id, const char *tz);

/* Renames a territory. MB_ERR_EXISTS when its parent has another of that
 * kind and name; MB_ERR_NOT_FOUND when there is no such territory. */
mb_status territory_rename(db *d, int64_t id, const char *name);

/* Moves a municipality under another region (parent_id a region, or 0 for
 * none). MB_ERR_INVALID for a region or a parent that is not a region,
 * MB_ERR_EXISTS when the new region has a municipality of that name. */
mb_status territory_move(db *d, int64_t id, int64_t parent_id);

/* What still refers to a territory. */
typedef struct territory_refs {
    int municipalities, orgs, scopes, invites;
} territory_refs;

/* Removes a territory when nothing refers to it; otherwise MB_ERR_EXISTS
 * and *refs says what does. MB_ERR_NOT_FOUND when there is no such one. */
mb_status territory_remove(db *d, int64_t id, territory_refs *refs);

/* Calls fn for every territory, regions first, each followed by its
 * municipalities; stops early and returns fn's non-zero value. */
typedef int (*territory_each_fn)(const territory *t, void *arg);
int territory_list(db *d, territory_each_fn fn, void *arg);

/* Organisation types of the target model. Programmes run in the
 * educational ones; the others are where external mentors come from. */
#define ORG_TYPES \
    X(school, 1, "general-education school") \
    X(additional, 1, "additional-education organisation") \
    X(college, 1, "college") \
    X(university, 0, "university") \
    X(enterprise, 0, "enterprise") \
    X(entrepreneur, 0, "entrepreneur") \
    X(ngo, 0, "non-governmental organisation")

#define ORG_TYPE_DEFAULT "school"
#define ORG_TYPE_LIST "school, additional, college, university, enterprise, entrepreneur, ngo"

/* 1 when type is one of ORG_TYPES (exact, lower case). */
int org_type_valid(const char *type);
/* 1 when an organisation of this type runs programmes of its own. */
int org_type_educational(const char *type);

/*
 * Adds an organisation. type must be valid; territory_id is 0 or a
 * municipality (MB_ERR_NOT_FOUND when it does not exist, MB_ERR_INVALID
 * when it is a region or the type is unknown). The timezone is the
 * caller's to validate (config_timezone_valid).
 */
mb_status org_add_full(db *d, const char *name, const char *type, int64_t territory_id,
                       const char *timezone, int64_t *id_out);

/* The id of an organisation named exactly name in the territory (0 = in
 * none); MB_ERR_NOT_FOUND when there is none. */
mb_status org_find(db *d, const char *name, int64_t territory_id, int64_t *id_out);

/* Calls fn for every organisation by id; stops early and returns fn's
 * non-zero value. */
typedef int (*org_each_fn)(const org *o, void *arg);
int org_list(db *d, org_each_fn fn, void *arg);

/* The seven stages of the target model, in order (stage numbers 1..7). */
#define PROGRAM_STAGES \
    X(conditions, "preparing the conditions") \
    X(mentee_base, "forming the mentee base") \
    X(mentor_base, "forming the mentor base") \
    X(mentor_training, "selecting and training mentors") \
    X(forming, "forming pairs and groups") \
    X(pair_work, "work of the pairs and groups") \
    X(completion, "completion")

#define PROGRAM_STAGE_COUNT 7
#define PROGRAM_YEAR_MIN 2000    /* school years are named by the year they start */
#define PROGRAM_YEAR_MAX 2100
#define PROGRAM_FORMS_LIST_MAX 512   /* bytes of a comma-separated form list */

/* The forms a programme gets when none are named: the four pupil forms
 * (pupil, teacher, student and employer mentors) and teacher–teacher. */
#define PROGRAM_FORMS_DEFAULT \
    ((1u << PROFILE_FORM_pupil_pupil) | (1u << PROFILE_FORM_teacher_pupil) | \
     (1u << PROFILE_FORM_student_pupil) | (1u << PROFILE_FORM_employer_pupil) | \
     (1u << PROFILE_FORM_teacher_teacher))

typedef struct program {
    int64_t id;
    int64_t org_id;
    int year;
    uint32_t forms;   /* bit PROFILE_FORM_x */
    int stage;        /* 1..PROGRAM_STAGE_COUNT */
} program;

/* The code of stage 1..7 ("conditions" ...), or NULL. */
const char *program_stage_code(int stage);

/*
 * Parses a comma-separated list of form codes (PROFILE_FORMS; spaces
 * around codes are ignored) into bits. MB_ERR_INVALID for an unknown or
 * empty code, which is copied into bad (bad_size bytes, may be NULL), and
 * for an empty list; MB_ERR_LIMIT when the list is longer than
 * PROGRAM_FORMS_LIST_MAX.
 */
mb_status program_forms_parse(const char *list, uint32_t *forms, char *bad, size_t bad_size);
/* Writes the codes of forms, comma-separated, into buf (truncated to size). */
void program_forms_format(uint32_t forms, char *buf, size_t size);

/*
 * Creates the programme of an organisation for a school year, at stage 1.
 * MB_ERR_NOT_FOUND when the organisation does not exist, MB_ERR_INVALID for
 * a year outside PROGRAM_YEAR_MIN..MAX, no forms, unknown form bits, or an
 * organisation that is not educational; MB_ERR_EXISTS when it has one for
 * that year already (*id_out then holds that programme's id).
 */
mb_status program_create(db *d, int64_t org_id, int year, uint32_t forms, int64_t *id_out);
mb_status program_get(db *d, int64_t id, program *out);
mb_status program_for_org_year(db *d, int64_t org_id, int year, program *out);
/* MB_ERR_INVALID outside 1..PROGRAM_STAGE_COUNT, MB_ERR_NOT_FOUND for no such programme. */
mb_status program_set_stage(db *d, int64_t id, int stage);

/* Calls fn for the programmes of an organisation (org_id 0: of all), by
 * organisation then year; stops early and returns fn's non-zero value. */
typedef int (*program_each_fn)(const program *p, void *arg);
int program_list(db *d, int64_t org_id, program_each_fn fn, void *arg);

/*
 * Scopes. A curator may change the organisations of their org scopes; a
 * coordinator reads every organisation in their territory (a municipality,
 * or a region and all its municipalities) and changes nothing. Only active
 * accounts hold a scope: a half-registered or forgotten account has none.
 * Adding a scope that exists is not an error.
 */
mb_status scope_add_org(db *d, int64_t account_id, int64_t org_id);
mb_status scope_add_territory(db *d, int64_t account_id, int64_t territory_id);

/*
 * What registering through a role invite grants: a curator invite a scope
 * of the invite's organisation, a coordinator invite a scope of its
 * territory; mentor and mentee invites nothing. MB_ERR_INVALID when a
 * curator invite has no organisation or a coordinator invite no territory.
 * Call it in the same transaction as invite_redeem.
 */
mb_status scope_grant_for_invite(db *d, int64_t account_id, const char *role, int64_t org_id,
                                 int64_t territory_id);

/* Binds a (coordinator) invite to the territory it grants, and reads it
 * back (*territory_out 0 when none). */
mb_status scope_invite_bind_territory(db *d, int64_t invite_id, int64_t territory_id);
mb_status scope_invite_territory(db *d, int64_t invite_id, int64_t *territory_out);

/* The organisations an account may change (curator scopes), ascending, up
 * to max in ids. Returns how many there are (may exceed max), -1 on error. */
int scope_org_ids(db *d, int64_t account_id, int64_t *ids, int max);
/* The organisations an account may read: its own and those in its
 * territories. Same conventions. */
int scope_readable_org_ids(db *d, int64_t account_id, int64_t *ids, int max);

/* 1 when the account is an active curator of org_id; 0 otherwise, and when
 * it cannot be told (the failure is logged, and a storage fault makes
 * intake take the update again): a permission is never granted on an error. */
int scope_can_change_org(db *d, int64_t account_id, int64_t org_id);
/* 1 when the account is an active curator of org_id, or an active
 * coordinator of the org's municipality or of that municipality's region;
 * 0 otherwise and on an error, as above. */
int scope_can_read_org(db *d, int64_t account_id, int64_t org_id);

#endif

/*
 * The named counts the indicators are made of, each computed for every
 * organisation of a scope at once (one statement per family of counts,
 * grouped by organisation), so a region's hundreds of scopes cost the
 * same few statements as one organisation. docs/indicators.md says what
 * each counts.
 *
 * Participation in a period: a mentorship that was active at some time in
 * it (created_at <= end and (ended_at IS NULL or ended_at >= start));
 * mentees through their membership of it, mentors as its mentor_id.
 * Accounts count whatever their status: imported people, and people who
 * used /forget, stay as anonymous rows, so a past count does not change.
 */
#ifndef MB_REPORT_COUNTS_H
#define MB_REPORT_COUNTS_H

#include <stdint.h>

#include "storage/db.h"

/* X(name, what): the name is what a definition file writes. */
#define IND_COUNTS \
    X(participants, "distinct mentees and mentors") \
    X(mentees, "distinct mentees") \
    X(mentors, "distinct mentors") \
    X(pupils_involved, "pupils as mentee or mentor") \
    X(pupils_involved_5_11, "pupils of grades 5-11 as mentee or mentor") \
    X(career_teacher_mentors, "teachers mentoring in career guidance") \
    X(career_pupil_mentors, "pupils of grades 5-11 mentoring in career guidance") \
    X(career_mentees, "pupils of grades 5-11 mentored in career guidance") \
    X(career_teacher_mentors_trained, "career-guidance teacher mentors with a training record") \
    X(career_pupil_mentors_trained, "career-guidance pupil mentors with a training record") \
    X(mentors_teacher, "mentors who are teachers") \
    X(mentors_alumnus, "mentors who are graduates") \
    X(mentors_employee, "mentors employed at enterprises") \
    X(mentors_entrepreneur, "mentors who are entrepreneurs") \
    X(mentors_business, "mentors employed at enterprises or entrepreneurs") \
    X(mentors_student, "mentors who are students") \
    X(team_people, "people of team-team mentorships") \
    X(teacher_mentees, "teacher mentees of teacher-teacher mentorships") \
    X(teacher_mentees_contest, "teacher mentees with a contest record") \
    X(pupils_high_rating, "pupils at regional or federal contests and olympiads") \
    X(pupils_projects, "pupils with a project record") \
    X(pupils_career_events, "pupils at career-guidance events") \
    X(teachers_trained, "teachers with a training record") \
    X(teachers_reserve, "teachers entered into the management reserve") \
    X(teachers_project_lead, "teachers prepared to lead projects") \
    X(teachers_contest, "teachers in professional contests") \
    X(pupils_grade_improved, "pupils whose results improved") \
    X(pupils_contest, "pupils prepared for contests and olympiads") \
    X(teachers_events_attended, "teachers at events on mentoring elsewhere") \
    X(business_events_attended, "enterprise people at events on mentoring") \
    X(events_hosted, "events on mentoring hosted") \
    X(events_hosted_attendees, "attendees of the hosted events") \
    X(practices_expertise, "practices with a positive regional or federal expertise") \
    X(mentor_presentations, "mentors' talks and publications") \
    X(class_results, "class results recorded") \
    X(class_results_positive, "class results with a positive dynamics") \
    X(teams_became_mentor, "teams that became mentors") \
    X(teachers_became_mentor, "teachers who were mentees and became mentors") \
    X(pupils_became_mentor, "pupils and students who were mentees and became mentors") \
    X(pupil_requests, "pupils who filled in a request") \
    X(teacher_requests, "teachers who filled in a request") \
    X(team_activities, "activities held with team-team mentorships") \
    X(orgs_with_programme, "organisations with a programme for the period") \
    X(selfdet_pupils, "pupils of grades 5-11 with both self-determination stages")

enum {
#define X(name, what) IND_COUNT_##name,
    IND_COUNTS
#undef X
    IND_COUNT_TOTAL
};

/* The index of a count name, or -1. */
int ind_count_code(const char *name);
const char *ind_count_name(int count);

/* The organisations a computation covers and the period, as bound to
 * every statement: ?1 territory (with every territory under it; 0 none),
 * ?2 organisation (0 none), ?3 start and ?4 end of the period (UTC ms,
 * both included), ?5 and ?6 the first and last school year (by its first
 * year) the period touches. */
typedef struct ind_accounts ind_accounts;

typedef struct ind_bind {
    int64_t territory_id, org_id, start_ms, end_ms;
    int year_from, year_to;
    int whole;                      /* the scope is a whole region: read large tables in one pass */
    const ind_accounts *accounts;   /* from ind_accounts_load, for every count that reads people */
} ind_bind;

/*
 * The organisation, category, grade and employer of the people the counts
 * read, so that each participation, outcome or request is not a lookup of
 * its own. With b->whole every account is read in one pass in id order (a
 * region's 160,000 rows read in order cost less than a lookup for each of
 * its 140,000 participations); otherwise the accounts of the scope's
 * organisations. Someone not loaded is looked up when met. The caller
 * frees it with ind_accounts_free.
 */
mb_status ind_accounts_load(db *d, const ind_bind *b, ind_accounts **out);
void ind_accounts_free(ind_accounts *a);

/* Where the counts go: org_index(ctx, org_id) is the row of an
 * organisation (-1: not in the scope), counts[row * IND_COUNT_TOTAL + c]. */
typedef int (*ind_org_index_fn)(void *ctx, int64_t org_id);

/* The statement families the counts come from, so a report reads only
 * what its indicators need. */
enum {
    IND_FAMILY_PEOPLE = 1, IND_FAMILY_OUTCOMES = 2, IND_FAMILY_BECAME = 4, IND_FAMILY_REQUESTS = 8,
    IND_FAMILY_TEAM = 16, IND_FAMILY_PROGRAMME = 32, IND_FAMILY_SELFDET = 64, IND_FAMILY_ALL = 127
};
/* The family of a named count. */
unsigned ind_count_family(int count);

/* Adds the named counts of the given families, of every organisation,
 * into counts. */
mb_status ind_counts_load(db *d, const ind_bind *b, unsigned families, ind_org_index_fn org_index, void *ctx,
                          double *counts);

/* The (organisation row, employer) pairs of the mentors of the period:
 * called for each of their mentorships, so a pair comes as many times as
 * its mentor has mentorships there (whoever counts employers counts each
 * once). */
typedef void (*ind_pair_fn)(void *ctx, int row, int64_t employer_id);

/* The directions of each account's mentorships active in the period, as
 * their mentor or as a member whatever the dates of the membership: bit k
 * of bits[id - first] for names[k]. Only the directions named are kept;
 * none at all (bits NULL) when the account ids span more than
 * IND_DENSE_IDS_MAX, a byte each being too much memory. */
#define IND_DIRECTIONS_MAX 8
#define IND_DENSE_IDS_MAX 2000000
typedef struct ind_directions {
    const char *names[IND_DIRECTIONS_MAX];
    int n;
    int64_t first;
    size_t len;
    unsigned char *bits;
} ind_directions;

/* The bit of direction among dirs->names, or -1 when it is not kept (or
 * direction is NULL). */
int ind_direction_bit(const ind_directions *dirs, const char *direction);

/* What a pass over the mentorships gives besides the people counts (each
 * optional): the forms (bit PROFILE_FORM_x) each organisation ran in the
 * period, the employers of its mentors, and for a whole region (b->whole)
 * the directions of every account, whichever organisation it is in. */
typedef struct ind_pass {
    uint32_t *forms;
    ind_pair_fn employer;
    ind_directions *directions;
} ind_pass;

/* One pass over the scope's mentorships of the period and their members:
 * the people counts into counts when people is set, and what p asks for.
 * The caller frees p->directions->bits. */
mb_status ind_mentorships_load(db *d, const ind_bind *b, int people, const ind_pass *p, ind_org_index_fn org_index,
                               void *ctx, double *counts);

/* A survey figure of one organisation: people asked, people who
 * answered, and of them those who meet the rule. */
typedef struct ind_survey {
    int invited, respondents, hits;
} ind_survey;

/*
 * Satisfaction: each person asked in a final poll wave of the period in
 * the given role (mentee | mentor), counted once by their latest answer;
 * hits are those whose mean of the satisfaction items is >= satisfied_min.
 * direction, when not "", keeps people in a mentorship of that direction
 * in the period.
 */
mb_status ind_satisfaction_load(db *d, const ind_bind *b, const char *role, const char *direction,
                                double satisfied_min, ind_org_index_fn org_index, void *ctx, ind_survey *out);

/* One satisfaction figure of several read together. */
typedef struct ind_satisfaction_ask {
    const char *role;
    int direction;   /* bit of the directions read with the people; -1: any */
    double satisfied_min;
    ind_survey *out;
} ind_satisfaction_ask;

/* The satisfaction figures of a whole region (b->whole) in one read of
 * the final waves' recipients, each as ind_satisfaction_load counts it,
 * with the directions of ind_mentorships_load. At most
 * IND_SATISFACTION_ASKS_MAX asks (a bit each). */
#define IND_SATISFACTION_ASKS_MAX 64
mb_status ind_satisfaction_load_all(db *d, const ind_bind *b, const ind_satisfaction_ask *asks, int n,
                                    const ind_directions *dirs, ind_org_index_fn org_index, void *ctx);

/* A questionnaire item: the people asked in a wave of wave_kind in the
 * period, those who finished it and answered the item, and of them those
 * whose answer is answer. */
mb_status ind_answers_load(db *d, const ind_bind *b, const char *wave_kind, const char *item, const char *answer,
                           ind_org_index_fn org_index, void *ctx, ind_survey *out);

#endif

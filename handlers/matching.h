/*
 * Matching: who may mentor whom under the target model's forms, and how well
 * a mentor fits a mentee's request. Pure computation, no database: callers
 * build the structs below from accounts, profiles and current loads
 * (match_person_from() does it from a storage candidate).
 *
 * Rules (docs/matching.md has the weights and a worked example):
 *   pupil_pupil      mentor and mentee pupils of one organisation, the
 *                    mentor in a higher grade;
 *   teacher_teacher  a teacher mentoring a teacher;
 *   teacher_pupil    a teacher mentoring a pupil;
 *   student_pupil    a university or college student mentoring a pupil;
 *   employer_pupil   an employee or entrepreneur mentoring a pupil;
 *   employer_student an employee or entrepreneur mentoring a student.
 * The form must be enabled in the programme (when there is one) and be one
 * the mentor accepts; a mentor with no place left, or one the curator
 * rejected for this mentee, is never proposed.
 */
#ifndef MB_MATCHING_H
#define MB_MATCHING_H

#include <stdint.h>

#include "storage/mentorships.h"
#include "storage/profiles.h"

#define MATCH_SUGGESTIONS_MAX 3

/* Points of each part of the score; they add up to 100. */
#define MATCH_POINTS_TOPICS 50     /* share of the mentee's topics the mentor covers */
#define MATCH_POINTS_FORM 20       /* the form is one the mentee asked for (or any) */
#define MATCH_POINTS_SLOTS 15      /* share of the mentee's meeting times the mentor has */
#define MATCH_POINTS_MODE 10       /* online/offline preferences meet */
#define MATCH_POINTS_CAPACITY 5    /* share of the mentor's places still free */

/* Categories as matching sees them. */
enum {
    MATCH_CAT_OTHER = 0,
    MATCH_CAT_PUPIL,
    MATCH_CAT_STUDENT,
    MATCH_CAT_TEACHER,
    MATCH_CAT_EMPLOYEE,      /* employees and entrepreneurs */
    MATCH_CAT_COUNT
};

/* Meeting mode bits. */
#define MATCH_MODE_ONLINE 1u
#define MATCH_MODE_OFFLINE 2u

/* Reasons a suggestion carries (bits). */
#define MATCH_REASON_TOPICS 1u     /* shared topics: shared_topics */
#define MATCH_REASON_FORM 2u       /* the form is what the mentee asked for */
#define MATCH_REASON_SLOTS 4u      /* overlapping meeting times: shared_slots */
#define MATCH_REASON_MODE 8u       /* meeting modes meet: shared_mode */
#define MATCH_REASON_CAPACITY 16u  /* places left: capacity_left */

/* A mentee or a mentor, as matching needs them. */
typedef struct match_person {
    int64_t id;
    int64_t org_id;
    int category;         /* MATCH_CAT_x */
    int grade;            /* pupils: 1..11, else 0 */
    uint32_t topics;      /* PROFILE_TOPIC_x bits */
    uint32_t forms;       /* PROFILE_FORM_x bits; 0 = any */
    uint32_t slots;       /* PROFILE_SLOT_x bits */
    unsigned mode;        /* MATCH_MODE_x bits; 0 = not said */
    int capacity;         /* mentors: mentees they can take */
    int load;             /* mentors: mentees in their active mentorships */
} match_person;

typedef struct match_suggestion {
    int64_t mentor_id;
    int score;                /* 0..100 */
    int form;                 /* PROFILE_FORM_x of the pair */
    unsigned reasons;         /* MATCH_REASON_x bits */
    uint32_t shared_topics;
    uint32_t shared_slots;
    unsigned shared_mode;
    int capacity_left;        /* places left before this mentee joins */
} match_suggestion;

/* The matching category of an account category ("pupil", "entrepreneur"...). */
int match_category(const char *category);
/* MATCH_MODE_x bits of a profile's meeting_mode ("online", "offline", "both"). */
unsigned match_mode_bits(const char *meeting_mode);
/* Fills a match_person from a storage candidate. */
void match_person_from(match_person *out, const mentorship_candidate *c);

/*
 * Parses a programme's forms ("pupil_pupil,student_pupil" or a JSON array
 * of codes) into PROFILE_FORM_x bits. Empty or NULL means every form.
 * Unknown codes are ignored.
 */
uint32_t match_forms_parse(const char *text);

/*
 * The form under which mentor may mentor mentee, or -1 when no form allows
 * it (categories, organisation, grade, the programme's enabled forms and
 * the forms the mentor accepts). Capacity and rejections are not looked at.
 */
int match_form(const match_person *mentee, const match_person *mentor, uint32_t enabled_forms);

/*
 * Scores one pair. Returns 1 and fills out when mentor may be proposed for
 * mentee (a form allows it and a place is left), 0 otherwise.
 */
int match_score(const match_person *mentee, const match_person *mentor, uint32_t enabled_forms,
                match_suggestion *out);

/* 1 when a ranks before b: higher score, then the lower mentor id. */
int match_better(const match_suggestion *a, const match_suggestion *b);

/*
 * The mentors of a programme prepared once for many mentees: those with no
 * place left are dropped, each one's form per mentee category is worked
 * out. Owns its memory; free with match_pool_free (accepts NULL).
 */
typedef struct match_pool match_pool;

/* NULL when out of memory. mentors is copied. */
match_pool *match_pool_build(const match_person *mentors, int n, uint32_t enabled_forms);
void match_pool_free(match_pool *p);

/*
 * Up to limit (at most MATCH_SUGGESTIONS_MAX when asked for the usual list,
 * any number for the full ranked list) suggestions for mentee, best first,
 * skipping the mentor ids in rejected (nrejected of them, any order).
 * Returns how many were written. Allocates nothing.
 */
int match_pool_suggest(const match_pool *p, const match_person *mentee, const int64_t *rejected, int nrejected,
                       match_suggestion *out, int limit);

#endif

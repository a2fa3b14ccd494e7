/*
 * What matching and the indicators know about a participant, distilled
 * from their survey answers: the topics they want help with (mentees) or
 * can help with (mentors), the forms they accept, when and how they can
 * meet, and for mentors how many mentees they can take.
 *
 * Topic and slot lists are stored as JSON arrays of codes; the codes are
 * listed here so surveys, matching and reports agree on them.
 */
#ifndef MB_PROFILES_H
#define MB_PROFILES_H

#include <stdint.h>

#include "storage/db.h"

/* Help topics, shared by the request and competence surveys. */
#define PROFILE_TOPICS \
    X(learning, "learning difficulties in a subject") \
    X(exams, "exam preparation") \
    X(motivation, "motivation") \
    X(profession, "choosing a profession") \
    X(adaptation, "adaptation in a new class or school") \
    X(talent, "talent and olympiad development") \
    X(project, "a project") \
    X(communication, "communication and conflicts") \
    X(special_needs, "support for pupils with special needs") \
    X(methodical, "methodical help (teachers)") \
    X(subject_teaching, "subject teaching (teachers)") \
    X(normative, "regulations and paperwork (teachers)") \
    X(personal, "personal and communicative (teachers)")

/* Weekly meeting slots: weekday mornings/afternoons/evenings, weekends. */
#define PROFILE_SLOTS \
    X(weekday_morning, "weekday mornings") \
    X(weekday_afternoon, "weekday afternoons") \
    X(weekday_evening, "weekday evenings") \
    X(weekend, "weekends")

enum {
#define X(code, what) PROFILE_TOPIC_##code,
    PROFILE_TOPICS
#undef X
    PROFILE_TOPIC_COUNT
};

enum {
#define X(code, what) PROFILE_SLOT_##code,
    PROFILE_SLOTS
#undef X
    PROFILE_SLOT_COUNT
};

/* Mentoring forms of the target model. */
#define PROFILE_FORMS \
    X(pupil_pupil, "ученик–ученик") \
    X(teacher_teacher, "учитель–учитель") \
    X(teacher_pupil, "учитель–ученик") \
    X(student_pupil, "студент–ученик") \
    X(employer_pupil, "работодатель–ученик") \
    X(employer_student, "работодатель–студент") \
    X(team_team, "команда–команда")

enum {
#define X(code, name) PROFILE_FORM_##code,
    PROFILE_FORMS
#undef X
    PROFILE_FORM_COUNT
};

typedef struct profile {
    int64_t account_id;
    uint32_t topics;         /* bit PROFILE_TOPIC_x */
    uint32_t forms;          /* bit PROFILE_FORM_x: accepted forms; 0 = any */
    uint32_t slots;          /* bit PROFILE_SLOT_x */
    char subjects[256];      /* free text of subjects, for the curator's eye */
    char meeting_mode[12];   /* online | offline | both | "" */
    int capacity;            /* mentors: mentees they can take; 0 = not a mentor */
    char employer[256];      /* external mentors: employer organisation */
    char municipality[128];  /* residence municipality, for indicators */
    int career;              /* interest in career guidance (profориентация) */
    int64_t trained_at;      /* mentor training completed; 0 = not yet */
} profile;

/* Code <-> bit helpers; -1 / NULL when unknown. */
int profile_topic_code(const char *code);
const char *profile_topic_name(int topic);
int profile_slot_code(const char *code);
const char *profile_slot_name(int slot);
int profile_form_code(const char *code);
const char *profile_form_name(int form);

/* Loads the profile of an account; MB_ERR_NOT_FOUND when it has none. */
mb_status profile_load(db *d, int64_t account_id, profile *out);
/* Writes (inserts or replaces) a profile. */
mb_status profile_save(db *d, const profile *p);

#endif

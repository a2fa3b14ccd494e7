#include "handlers/matching.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

int match_category(const char *category)
{
    if (!category) return MATCH_CAT_OTHER;
    if (strcmp(category, "pupil") == 0) return MATCH_CAT_PUPIL;
    if (strcmp(category, "student") == 0) return MATCH_CAT_STUDENT;
    if (strcmp(category, "teacher") == 0) return MATCH_CAT_TEACHER;
    if (strcmp(category, "employee") == 0 || strcmp(category, "entrepreneur") == 0) return MATCH_CAT_EMPLOYEE;
    return MATCH_CAT_OTHER;
}

unsigned match_mode_bits(const char *mode)
{
    if (!mode) return 0;
    if (strcmp(mode, "online") == 0) return MATCH_MODE_ONLINE;
    if (strcmp(mode, "offline") == 0) return MATCH_MODE_OFFLINE;
    if (strcmp(mode, "both") == 0) return MATCH_MODE_ONLINE | MATCH_MODE_OFFLINE;
    return 0;
}

void match_person_from(match_person *out, const mentorship_candidate *c)
{
    memset(out, 0, sizeof *out);
    out->id = c->id;
    out->org_id = c->org_id;
    out->category = match_category(c->category);
    out->grade = c->grade;
    out->topics = c->topics;
    out->forms = c->forms;
    out->slots = c->slots;
    out->mode = match_mode_bits(c->meeting_mode);
    out->capacity = c->capacity;
    out->load = c->load;
}

uint32_t match_forms_parse(const char *text)
{
    if (!text) return 0;
    uint32_t bits = 0;
    while (*text == ' ') text++;
    if (*text == '[') {
        cJSON *arr = cJSON_Parse(text), *it;
        cJSON_ArrayForEach(it, arr) {
            int f = profile_form_code(cJSON_GetStringValue(it));
            if (f >= 0) bits |= 1u << f;
        }
        cJSON_Delete(arr);
        return bits;
    }
    char code[64];
    size_t n = 0;
    for (const char *p = text;; p++) {
        if (*p == ',' || *p == ' ' || *p == ';' || *p == 0) {
            code[n] = 0;
            int f = n ? profile_form_code(code) : -1;
            if (f >= 0) bits |= 1u << f;
            n = 0;
            if (!*p) break;
        } else if (n + 1 < sizeof code) {
            code[n++] = *p;
        }
    }
    return bits;
}

/* The one form a (mentor category, mentee category) pair can have; -1 when
 * none. pupil_pupil needs the organisation and grade check on top. */
static int form_for(int mentor_cat, int mentee_cat)
{
    switch (mentee_cat) {
    case MATCH_CAT_PUPIL:
        switch (mentor_cat) {
        case MATCH_CAT_PUPIL: return PROFILE_FORM_pupil_pupil;
        case MATCH_CAT_TEACHER: return PROFILE_FORM_teacher_pupil;
        case MATCH_CAT_STUDENT: return PROFILE_FORM_student_pupil;
        case MATCH_CAT_EMPLOYEE: return PROFILE_FORM_employer_pupil;
        default: return -1;
        }
    case MATCH_CAT_TEACHER:
        return mentor_cat == MATCH_CAT_TEACHER ? PROFILE_FORM_teacher_teacher : -1;
    case MATCH_CAT_STUDENT:
        return mentor_cat == MATCH_CAT_EMPLOYEE ? PROFILE_FORM_employer_student : -1;
    default:
        return -1;
    }
}

/* The form a mentor can mentor a category under, with the programme's and
 * the mentor's own filters applied; -1 when none. */
static int mentor_form_for(const match_person *mentor, int mentee_cat, uint32_t enabled_forms)
{
    int f = form_for(mentor->category, mentee_cat);
    if (f < 0) return -1;
    uint32_t bit = 1u << f;
    if (enabled_forms && !(enabled_forms & bit)) return -1;
    if (mentor->forms && !(mentor->forms & bit)) return -1;
    return f;
}

static int pupil_pair_ok(const match_person *mentee, const match_person *mentor)
{
    return mentor->org_id == mentee->org_id && mentor->grade > mentee->grade && mentee->grade > 0;
}

int match_form(const match_person *mentee, const match_person *mentor, uint32_t enabled_forms)
{
    int f = mentor_form_for(mentor, mentee->category, enabled_forms);
    if (f == PROFILE_FORM_pupil_pupil && !pupil_pair_ok(mentee, mentor)) return -1;
    return f;
}

/* Points of the mentee's side, worked out once per mentee: how many points
 * k shared topics and k shared slots are worth. */
typedef struct mentee_tables {
    int topic_points[PROFILE_TOPIC_COUNT + 1];
    int slot_points[PROFILE_SLOT_COUNT + 1];
} mentee_tables;

static void tables_for(const match_person *mentee, mentee_tables *t)
{
    int wanted = __builtin_popcount(mentee->topics), slots = __builtin_popcount(mentee->slots);
    for (int k = 0; k <= PROFILE_TOPIC_COUNT; k++)
        t->topic_points[k] = wanted ? (MATCH_POINTS_TOPICS * (k < wanted ? k : wanted)) / wanted : 0;
    for (int k = 0; k <= PROFILE_SLOT_COUNT; k++)
        t->slot_points[k] = slots ? (MATCH_POINTS_SLOTS * (k < slots ? k : slots)) / slots : 0;
}

/* Scores a pair whose form is known to be allowed. */
static void score_pair(const match_person *mentee, const mentee_tables *t, const match_person *mentor, int form,
                       int left, match_suggestion *out)
{
    uint32_t topics = mentee->topics & mentor->topics, slots = mentee->slots & mentor->slots;
    unsigned mode = mentee->mode & mentor->mode;
    unsigned reasons = 0;
    int score = t->topic_points[__builtin_popcount(topics)];
    if (topics) reasons |= MATCH_REASON_TOPICS;
    if (!mentee->forms || (mentee->forms & (1u << form))) {
        score += MATCH_POINTS_FORM;
        reasons |= MATCH_REASON_FORM;
    }
    score += t->slot_points[__builtin_popcount(slots)];
    if (slots) reasons |= MATCH_REASON_SLOTS;
    if (mode) {
        score += MATCH_POINTS_MODE;
        reasons |= MATCH_REASON_MODE;
    }
    score += MATCH_POINTS_CAPACITY * left / mentor->capacity;
    reasons |= MATCH_REASON_CAPACITY;
    out->mentor_id = mentor->id;
    out->score = score;
    out->form = form;
    out->reasons = reasons;
    out->shared_topics = topics;
    out->shared_slots = slots;
    out->shared_mode = mode;
    out->capacity_left = left;
}

int match_score(const match_person *mentee, const match_person *mentor, uint32_t enabled_forms,
                match_suggestion *out)
{
    int left = mentor->capacity - mentor->load;
    if (left <= 0) return 0;
    int form = match_form(mentee, mentor, enabled_forms);
    if (form < 0) return 0;
    mentee_tables t;
    tables_for(mentee, &t);
    score_pair(mentee, &t, mentor, form, left, out);
    return 1;
}

int match_better(const match_suggestion *a, const match_suggestion *b)
{
    if (a->score != b->score) return a->score > b->score;
    return a->mentor_id < b->mentor_id;
}

struct match_pool {
    int n;
    match_person *mentors;                   /* only those with a place left */
    signed char (*form)[MATCH_CAT_COUNT];    /* form per mentee category, -1 = none */
};

match_pool *match_pool_build(const match_person *mentors, int n, uint32_t enabled_forms)
{
    match_pool *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    p->mentors = calloc(n > 0 ? (size_t)n : 1, sizeof *p->mentors);
    p->form = calloc(n > 0 ? (size_t)n : 1, sizeof *p->form);
    if (!p->mentors || !p->form) {
        match_pool_free(p);
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        const match_person *m = &mentors[i];
        if (m->capacity - m->load <= 0) continue;
        int any = 0;
        for (int cat = 0; cat < MATCH_CAT_COUNT; cat++) {
            int f = mentor_form_for(m, cat, enabled_forms);
            p->form[p->n][cat] = (signed char)f;
            if (f >= 0) any = 1;
        }
        if (any) p->mentors[p->n++] = *m;
    }
    return p;
}

void match_pool_free(match_pool *p)
{
    if (!p) return;
    free(p->mentors);
    free(p->form);
    free(p);
}

static int is_rejected(int64_t id, const int64_t *rejected, int n)
{
    for (int i = 0; i < n; i++)
        if (rejected[i] == id) return 1;
    return 0;
}

int match_pool_suggest(const match_pool *p, const match_person *mentee, const int64_t *rejected, int nrejected,
                       match_suggestion *out, int limit)
{
    if (!p || limit <= 0 || mentee->category <= MATCH_CAT_OTHER || mentee->category >= MATCH_CAT_COUNT) return 0;
    mentee_tables t;
    tables_for(mentee, &t);
    int count = 0;
    for (int i = 0; i < p->n; i++) {
        int form = p->form[i][mentee->category];
        if (form < 0) continue;
        const match_person *m = &p->mentors[i];
        if (form == PROFILE_FORM_pupil_pupil && !pupil_pair_ok(mentee, m)) continue;
        match_suggestion s;
        score_pair(mentee, &t, m, form, m->capacity - m->load, &s);
        /* Cheap exit before the rejection scan: a full list that this one
         * cannot enter stays as it is. */
        if (count == limit && !match_better(&s, &out[count - 1])) continue;
        if (nrejected && is_rejected(m->id, rejected, nrejected)) continue;
        int at = count < limit ? count++ : limit - 1;
        while (at > 0 && match_better(&s, &out[at - 1])) {
            out[at] = out[at - 1];
            at--;
        }
        out[at] = s;
    }
    return count;
}

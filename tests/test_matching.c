/*
 * Matching and mentorships: the form rules each way, the score of a worked
 * example, capacity, rejections, groups, ending, and two curators
 * confirming the same mentee.
 */
#include "tests/unit.h"
#include "tests/unit_db.h"

#include "handlers/matching.h"
#include "storage/accounts.h"
#include "storage/db.h"
#include "storage/mentorships.h"
#include "storage/profiles.h"
#include "storage/records.h"

#include <stdlib.h>
#include <string.h>

#define BIT(x) (1u << (x))

static match_person person(int64_t id, int64_t org_id, int category, int grade)
{
    match_person p;
    memset(&p, 0, sizeof p);
    p.id = id;
    p.org_id = org_id;
    p.category = category;
    p.grade = grade;
    p.capacity = 2;
    return p;
}

TEST(form_rules_each_way)
{
    match_person pupil7 = person(1, 10, MATCH_CAT_PUPIL, 7), pupil9 = person(2, 10, MATCH_CAT_PUPIL, 9);
    match_person pupil9_other = person(3, 11, MATCH_CAT_PUPIL, 9), pupil7b = person(4, 10, MATCH_CAT_PUPIL, 7);
    match_person student = person(5, 10, MATCH_CAT_STUDENT, 0), employee = person(6, 10, MATCH_CAT_EMPLOYEE, 0);
    match_person teacher = person(7, 10, MATCH_CAT_TEACHER, 0), teacher2 = person(8, 10, MATCH_CAT_TEACHER, 0);
    match_person alumnus = person(9, 10, MATCH_CAT_OTHER, 0);

    /* pupil-pupil: one organisation, the mentor in a higher grade */
    CHECK_INT(match_form(&pupil7, &pupil9, 0), PROFILE_FORM_pupil_pupil);
    CHECK_INT(match_form(&pupil9, &pupil7, 0), -1);
    CHECK_INT(match_form(&pupil7, &pupil7b, 0), -1);
    CHECK_INT(match_form(&pupil7, &pupil9_other, 0), -1);
    /* the other forms, and never the reverse direction */
    CHECK_INT(match_form(&pupil7, &student, 0), PROFILE_FORM_student_pupil);
    CHECK_INT(match_form(&student, &pupil9, 0), -1);
    CHECK_INT(match_form(&pupil7, &employee, 0), PROFILE_FORM_employer_pupil);
    CHECK_INT(match_form(&student, &employee, 0), PROFILE_FORM_employer_student);
    CHECK_INT(match_form(&employee, &student, 0), -1);
    CHECK_INT(match_form(&teacher, &teacher2, 0), PROFILE_FORM_teacher_teacher);
    CHECK_INT(match_form(&pupil7, &teacher, 0), PROFILE_FORM_teacher_pupil);
    CHECK_INT(match_form(&teacher, &pupil9, 0), -1);
    CHECK_INT(match_form(&teacher, &student, 0), -1);
    CHECK_INT(match_form(&pupil7, &alumnus, 0), -1);
    /* only the programme's forms, and only forms the mentor accepts */
    CHECK_INT(match_form(&pupil7, &student, BIT(PROFILE_FORM_pupil_pupil)), -1);
    CHECK_INT(match_form(&pupil7, &pupil9, BIT(PROFILE_FORM_pupil_pupil)), PROFILE_FORM_pupil_pupil);
    student.forms = BIT(PROFILE_FORM_employer_student);
    CHECK_INT(match_form(&pupil7, &student, 0), -1);
    CHECK_INT(match_category("entrepreneur"), MATCH_CAT_EMPLOYEE);
    CHECK_INT(match_category("alumnus"), MATCH_CAT_OTHER);
}

TEST(programme_forms_parse_in_both_spellings)
{
    CHECK_INT(match_forms_parse("pupil_pupil, student_pupil"),
              BIT(PROFILE_FORM_pupil_pupil) | BIT(PROFILE_FORM_student_pupil));
    CHECK_INT(match_forms_parse("[\"teacher_teacher\",\"nonsense\"]"), BIT(PROFILE_FORM_teacher_teacher));
    CHECK_INT(match_forms_parse(""), 0);
    CHECK_INT(match_forms_parse(NULL), 0);
}

/* The example of docs/matching.md. */
TEST(scoring_example_has_its_exact_score)
{
    match_person mentee = person(21, 1, MATCH_CAT_PUPIL, 8);
    mentee.topics = BIT(PROFILE_TOPIC_exams) | BIT(PROFILE_TOPIC_motivation);
    mentee.forms = BIT(PROFILE_FORM_student_pupil);
    mentee.slots = BIT(PROFILE_SLOT_weekday_evening) | BIT(PROFILE_SLOT_weekend);
    mentee.mode = MATCH_MODE_ONLINE;
    match_person mentor = person(7, 1, MATCH_CAT_STUDENT, 0);
    mentor.topics = BIT(PROFILE_TOPIC_exams) | BIT(PROFILE_TOPIC_profession);
    mentor.slots = BIT(PROFILE_SLOT_weekday_evening);
    mentor.mode = MATCH_MODE_ONLINE | MATCH_MODE_OFFLINE;
    mentor.capacity = 3;
    mentor.load = 1;
    match_suggestion s;
    CHECK_INT(match_score(&mentee, &mentor, 0, &s), 1);
    /* topics 50*1/2 = 25, form 20, slots 15*1/2 = 7, mode 10, places 5*2/3 = 3 */
    CHECK_INT(s.score, 65);
    CHECK_INT(s.form, PROFILE_FORM_student_pupil);
    CHECK_INT(s.reasons, MATCH_REASON_TOPICS | MATCH_REASON_FORM | MATCH_REASON_SLOTS | MATCH_REASON_MODE |
                             MATCH_REASON_CAPACITY);
    CHECK_INT(s.shared_topics, BIT(PROFILE_TOPIC_exams));
    CHECK_INT(s.shared_slots, BIT(PROFILE_SLOT_weekday_evening));
    CHECK_INT(s.capacity_left, 2);

    /* an employer is not what the mentee asked for: no form points */
    mentor.category = MATCH_CAT_EMPLOYEE;
    CHECK_INT(match_score(&mentee, &mentor, 0, &s), 1);
    CHECK_INT(s.score, 45);
    CHECK_INT(s.reasons & MATCH_REASON_FORM, 0);
}

TEST(full_mentors_and_rejected_ones_are_never_proposed)
{
    match_person mentee = person(100, 1, MATCH_CAT_PUPIL, 6);
    match_person mentors[3] = {person(1, 1, MATCH_CAT_STUDENT, 0), person(2, 1, MATCH_CAT_TEACHER, 0),
                               person(3, 1, MATCH_CAT_EMPLOYEE, 0)};
    mentors[0].capacity = 1;
    mentors[0].load = 1;       /* full */
    match_suggestion s[MATCH_SUGGESTIONS_MAX];
    CHECK_INT(match_score(&mentee, &mentors[0], 0, &s[0]), 0);
    match_pool *pool = match_pool_build(mentors, 3, 0);
    CHECK(pool != NULL);
    int64_t rejected[] = {3};
    int n = match_pool_suggest(pool, &mentee, rejected, 1, s, MATCH_SUGGESTIONS_MAX);
    CHECK_INT(n, 1);
    CHECK_INT(s[0].mentor_id, 2);
    n = match_pool_suggest(pool, &mentee, NULL, 0, s, MATCH_SUGGESTIONS_MAX);
    CHECK_INT(n, 2);
    match_pool_free(pool);
}

TEST(order_is_deterministic_best_first_then_lower_id)
{
    enum { N = 9 };
    match_person mentors[N], reversed[N];
    match_person mentee = person(500, 1, MATCH_CAT_PUPIL, 5);
    mentee.topics = BIT(PROFILE_TOPIC_exams) | BIT(PROFILE_TOPIC_project);
    for (int i = 0; i < N; i++) {
        mentors[i] = person(10 + i, 1, MATCH_CAT_TEACHER, 0);
        mentors[i].capacity = 4;
        /* ids 10..18: 13 and 16 cover both topics, the rest one or none */
        mentors[i].topics = (i % 3 == 0) ? BIT(PROFILE_TOPIC_exams) | BIT(PROFILE_TOPIC_project)
                            : (i % 3 == 1) ? BIT(PROFILE_TOPIC_exams) : 0;
    }
    mentors[0].load = 1;   /* 10 has fewer places left: scores lower than 13 and 16 */
    for (int i = 0; i < N; i++) reversed[i] = mentors[N - 1 - i];
    match_pool *a = match_pool_build(mentors, N, 0), *b = match_pool_build(reversed, N, 0);
    match_suggestion sa[MATCH_SUGGESTIONS_MAX], sb[MATCH_SUGGESTIONS_MAX];
    int na = match_pool_suggest(a, &mentee, NULL, 0, sa, MATCH_SUGGESTIONS_MAX);
    int nb = match_pool_suggest(b, &mentee, NULL, 0, sb, MATCH_SUGGESTIONS_MAX);
    CHECK_INT(na, 3);
    CHECK_INT(nb, 3);
    CHECK_INT(sa[0].mentor_id, 13);
    CHECK_INT(sa[1].mentor_id, 16);
    CHECK_INT(sa[2].mentor_id, 10);
    CHECK_INT(sa[0].score, 75);
    CHECK(sa[2].score < sa[1].score);
    for (int i = 0; i < 3; i++) {
        CHECK_INT(sb[i].mentor_id, sa[i].mentor_id);
        CHECK_INT(sb[i].score, sa[i].score);
    }
    /* the full ranked list covers every mentor in order */
    match_suggestion all[N];
    CHECK_INT(match_pool_suggest(a, &mentee, NULL, 0, all, N), N);
    for (int i = 1; i < N; i++) CHECK(match_better(&all[i - 1], &all[i]));
    match_pool_free(a);
    match_pool_free(b);
}

/* ---- storage ---- */

static int64_t next_user = 5000;

/* An active participant with a profile. */
static int64_t participant(db *d, int64_t org_id, const char *role, const char *category, int grade, int capacity)
{
    int64_t id = 0;
    next_user++;
    if (account_create(d, "tg", next_user, next_user, "ru", &id)) return 0;
    account a;
    if (account_load(d, id, &a)) return 0;
    snprintf(a.status, sizeof a.status, "active");
    snprintf(a.role, sizeof a.role, "%s", role);
    snprintf(a.category, sizeof a.category, "%s", category);
    snprintf(a.name, sizeof a.name, "%s %lld", role, (long long)id);
    a.org_id = org_id;
    a.grade = grade;
    if (account_save(d, &a)) return 0;
    profile p;
    memset(&p, 0, sizeof p);
    p.account_id = id;
    p.topics = BIT(PROFILE_TOPIC_exams);
    p.capacity = capacity;
    snprintf(p.meeting_mode, sizeof p.meeting_mode, "online");
    return profile_save(d, &p) ? 0 : id;
}

static int in_queue(db *d, int64_t org_id, int64_t mentee)
{
    mentorship_candidate *q = NULL;
    int n = 0, found = 0;
    if (mentorship_load_queue(d, org_id, &q, &n) == MB_OK)
        for (int i = 0; i < n; i++) found |= q[i].id == mentee;
    free(q);
    return found;
}

static int load_of(db *d, int64_t org_id, int64_t mentor)
{
    mentorship_candidate *m = NULL;
    int n = 0, load = -1;
    if (mentorship_load_mentors(d, org_id, &m, &n) == MB_OK)
        for (int i = 0; i < n; i++)
            if (m[i].id == mentor) load = m[i].load;
    free(m);
    return load;
}

TEST(pairs_groups_capacity_and_ending)
{
    db *d = unit_db_open(NULL, 0);
    if (!d) SKIP("no database");
    int64_t org_id;
    CHECK_INT(org_add(d, "Школа", "Asia/Tomsk", &org_id), MB_OK);
    int64_t mentor = participant(d, org_id, "mentor", "teacher", 0, 2);
    int64_t a = participant(d, org_id, "mentee", "pupil", 6, 0), b = participant(d, org_id, "mentee", "pupil", 7, 0);
    int64_t c = participant(d, org_id, "mentee", "pupil", 8, 0);
    CHECK(mentor && a && b && c);
    CHECK(in_queue(d, org_id, a));

    int64_t pair = 0;
    CHECK_INT(mentorship_create(d, org_id, 0, "teacher_pupil", mentor, &a, 1, 1, &pair), MB_OK);
    CHECK(pair > 0);
    CHECK(!in_queue(d, org_id, a));
    CHECK_INT(load_of(d, org_id, mentor), 1);
    CHECK_INT(mentorship_count_queue(d, org_id), 2);

    /* a second mentee joins: a group of two */
    mentorship group;
    CHECK_INT(mentorship_find_group(d, mentor, "teacher_pupil", &group), MB_OK);
    CHECK_INT(group.id, pair);
    CHECK_INT(mentorship_add_mentee(d, pair, b), MB_OK);
    CHECK_INT(mentorship_load(d, pair, &group), MB_OK);
    CHECK_INT(group.nmentees, 2);
    CHECK_INT(group.mentees[0], a);
    CHECK_INT(group.mentees[1], b);
    CHECK_INT(load_of(d, org_id, mentor), 2);

    /* capacity 2 is never exceeded, by a new pair or by the group */
    int64_t other = 0;
    CHECK_INT(mentorship_create(d, org_id, 0, "teacher_pupil", mentor, &c, 1, 1, &other), MB_ERR_LIMIT);
    CHECK_INT(mentorship_add_mentee(d, pair, c), MB_ERR_LIMIT);
    CHECK(in_queue(d, org_id, c));
    CHECK_INT(unit_sql_int(db_handle(d), "SELECT COUNT(*) FROM mentorships", 0), 1);

    mentorship *list = NULL;
    int n = 0, total = 0;
    CHECK_INT(mentorship_list(d, org_id, 0, 10, &list, &n, &total), MB_OK);
    CHECK_INT(n, 1);
    CHECK_INT(total, 1);
    if (n == 1) CHECK_STR(list[0].form, "teacher_pupil");
    free(list);

    /* ending returns both mentees to the queue and frees the places */
    CHECK_INT(mentorship_end(d, pair), MB_OK);
    CHECK(in_queue(d, org_id, a));
    CHECK(in_queue(d, org_id, b));
    CHECK_INT(load_of(d, org_id, mentor), 0);
    CHECK_INT(mentorship_count_active(d, org_id), 0);
    CHECK_INT(mentorship_end(d, pair), MB_ERR_NOT_FOUND);
    CHECK_INT(mentorship_add_mentee(d, pair, c), MB_ERR_NOT_FOUND);
    /* and a mentee who left may be paired again, even with the same mentor */
    CHECK_INT(mentorship_create(d, org_id, 0, "teacher_pupil", mentor, &a, 1, 1, &other), MB_OK);
    CHECK(!in_queue(d, org_id, a));
    db_close(d);
}

TEST(two_confirms_of_one_mentee_second_gets_exists)
{
    db *d = unit_db_open(NULL, 0);
    if (!d) SKIP("no database");
    int64_t org_id;
    CHECK_INT(org_add(d, "Лицей", "Asia/Tomsk", &org_id), MB_OK);
    int64_t m1 = participant(d, org_id, "mentor", "student", 0, 3), m2 = participant(d, org_id, "mentor", "employee", 0, 3);
    int64_t mentee = participant(d, org_id, "mentee", "pupil", 9, 0);
    int64_t first = 0, second = 0;
    CHECK_INT(mentorship_create(d, org_id, 0, "student_pupil", m1, &mentee, 1, 1, &first), MB_OK);
    CHECK_INT(mentorship_create(d, org_id, 0, "employer_pupil", m2, &mentee, 1, 2, &second), MB_ERR_EXISTS);
    CHECK_INT(second, 0);
    /* nothing of the failed attempt remains */
    CHECK_INT(unit_sql_int(db_handle(d), "SELECT COUNT(*) FROM mentorships", 0), 1);
    CHECK_INT(unit_sql_int(db_handle(d), "SELECT COUNT(*) FROM mentorship_members", 0), 1);
    CHECK_INT(load_of(d, org_id, m2), 0);
    /* adding them to another group fails the same way */
    int64_t other_mentee = participant(d, org_id, "mentee", "pupil", 5, 0), group = 0;
    CHECK_INT(mentorship_create(d, org_id, 0, "employer_pupil", m2, &other_mentee, 1, 2, &group), MB_OK);
    CHECK_INT(mentorship_add_mentee(d, group, mentee), MB_ERR_EXISTS);
    mentorship m;
    CHECK_INT(mentorship_of_mentee(d, mentee, &m), MB_OK);
    CHECK_INT(m.id, first);
    db_close(d);
}

TEST(rejections_and_departed_people_are_respected)
{
    db *d = unit_db_open(NULL, 0);
    if (!d) SKIP("no database");
    int64_t org_id, org2;
    CHECK_INT(org_add(d, "Школа 3", "Asia/Tomsk", &org_id), MB_OK);
    CHECK_INT(org_add(d, "Школа 4", "Asia/Tomsk", &org2), MB_OK);
    int64_t mentor = participant(d, org_id, "mentor", "teacher", 0, 1);
    int64_t mentee = participant(d, org_id, "mentee", "pupil", 6, 0);
    int64_t stranger = participant(d, org2, "mentee", "pupil", 6, 0);
    CHECK_INT(mentorship_reject(d, mentee, mentor), MB_OK);
    CHECK_INT(mentorship_reject(d, mentee, mentor), MB_OK);  /* twice is fine */
    mentorship_rejection *rej = NULL;
    int n = 0;
    CHECK_INT(mentorship_load_rejections(d, org_id, &rej, &n), MB_OK);
    CHECK_INT(n, 1);
    if (n == 1) CHECK_INT(rej[0].mentor_id, mentor);
    free(rej);
    int64_t ids[4];
    CHECK_INT(mentorship_rejected_for(d, mentee, ids, 4), 1);

    /* a mentee of another organisation, or a mentor who erased their data,
     * cannot be paired */
    int64_t id = 0;
    CHECK_INT(mentorship_create(d, org_id, 0, "teacher_pupil", mentor, &stranger, 1, 1, &id), MB_ERR_NOT_FOUND);
    CHECK_INT(account_forget(d, mentor), MB_OK);
    CHECK_INT(mentorship_create(d, org_id, 0, "teacher_pupil", mentor, &mentee, 1, 1, &id), MB_ERR_NOT_FOUND);
    CHECK_INT(load_of(d, org_id, mentor), -1);  /* no longer in the base */
    db_close(d);
}

int main(void)
{
    RUN(form_rules_each_way);
    RUN(programme_forms_parse_in_both_spellings);
    RUN(scoring_example_has_its_exact_score);
    RUN(full_mentors_and_rejected_ones_are_never_proposed);
    RUN(order_is_deterministic_best_first_then_lower_id);
    RUN(pairs_groups_capacity_and_ending);
    RUN(two_confirms_of_one_mentee_second_gets_exists);
    RUN(rejections_and_departed_people_are_respected);
    return unit_summary();
}

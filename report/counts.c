#include "report/counts.h"

#include "storage/profiles.h"

#include <string.h>

static const char *const count_names[IND_COUNT_TOTAL] = {
#define X(name, what) #name,
    IND_COUNTS
#undef X
};

int ind_count_code(const char *name)
{
    for (int i = 0; i < IND_COUNT_TOTAL; i++)
        if (strcmp(count_names[i], name) == 0) return i;
    return -1;
}

const char *ind_count_name(int count) { return count >= 0 && count < IND_COUNT_TOTAL ? count_names[count] : NULL; }

/* The organisations of the scope: one organisation (?2), or every one in a
 * territory (?1) and the territories under it. Every statement below
 * starts from them and reaches the large tables by their org_id indexes,
 * so one organisation's report reads only its own rows. */
#define SCOPE_ORGS \
    "WITH RECURSIVE tt(id) AS MATERIALIZED (SELECT id FROM territories WHERE id = ?1" \
    "  UNION SELECT t.id FROM territories t JOIN tt ON t.parent_id = tt.id)," \
    " so(id) AS MATERIALIZED (SELECT id FROM orgs WHERE id = ?2 OR territory_id IN (SELECT id FROM tt))"

/* A mentorship m active at some time in the period. */
#define ACTIVE_M "m.created_at <= ?4 AND (m.ended_at IS NULL OR m.ended_at >= ?3)"

static void bind_scope(sqlite3_stmt *st, const ind_bind *b)
{
    sqlite3_bind_int64(st, 1, b->territory_id);
    sqlite3_bind_int64(st, 2, b->org_id);
    sqlite3_bind_int64(st, 3, b->start_ms);
    sqlite3_bind_int64(st, 4, b->end_ms);
    /* not every statement names the years: binding a missing index only fails that call */
    sqlite3_bind_int(st, 5, b->year_from);
    sqlite3_bind_int(st, 6, b->year_to);
}

/* Reads rows of (org_id, first, first + 1, ...) into the named counts. */
static mb_status read_counts(db *d, sqlite3_stmt *st, const int *targets, int n, ind_org_index_fn org_index,
                             void *ctx, double *counts)
{
    int step;
    while ((step = db_step_raw(d, st)) == SQLITE_ROW) {
        int row = org_index(ctx, sqlite3_column_int64(st, 0));
        if (row < 0) continue;
        for (int i = 0; i < n; i++)
            counts[(size_t)row * IND_COUNT_TOTAL + targets[i]] += sqlite3_column_double(st, i + 1);
    }
    sqlite3_reset(st);
    return step == SQLITE_DONE ? MB_OK : MB_ERR_DB;
}

static mb_status load_people(db *d, const ind_bind *b, ind_org_index_fn org_index, void *ctx, double *counts)
{
    sqlite3_stmt *st = db_stmt(d,
        SCOPE_ORGS ","
        " act(org_id, account_id, role, form, direction) AS ("
        "  SELECT m.org_id, m.mentor_id, 'mentor', m.form, m.direction FROM so"
        "  CROSS JOIN mentorships m ON m.org_id = so.id WHERE " ACTIVE_M
        "  UNION ALL"
        "  SELECT m.org_id, mm.mentee_id, 'mentee', m.form, m.direction FROM so"
        "  CROSS JOIN mentorships m ON m.org_id = so.id JOIN mentorship_members mm ON mm.mentorship_id = m.id"
        "  WHERE " ACTIVE_M " AND mm.joined_at <= ?4 AND (mm.left_at IS NULL OR mm.left_at >= ?3))"
        " SELECT a.org_id,"
        "  COUNT(DISTINCT a.account_id),"
        "  COUNT(DISTINCT CASE WHEN a.role = 'mentee' THEN a.account_id END),"
        "  COUNT(DISTINCT CASE WHEN a.role = 'mentor' THEN a.account_id END),"
        "  COUNT(DISTINCT CASE WHEN p.category = 'pupil' THEN a.account_id END),"
        "  COUNT(DISTINCT CASE WHEN p.category = 'pupil' AND p.grade BETWEEN 5 AND 11 THEN a.account_id END),"
        "  COUNT(DISTINCT CASE WHEN a.direction = 'career' AND a.role = 'mentor' AND p.category = 'teacher'"
        "   THEN a.account_id END),"
        "  COUNT(DISTINCT CASE WHEN a.direction = 'career' AND a.role = 'mentor' AND p.category = 'pupil'"
        "   AND p.grade BETWEEN 5 AND 11 THEN a.account_id END),"
        "  COUNT(DISTINCT CASE WHEN a.direction = 'career' AND a.role = 'mentee' AND p.category = 'pupil'"
        "   AND p.grade BETWEEN 5 AND 11 THEN a.account_id END),"
        "  COUNT(DISTINCT CASE WHEN a.direction = 'career' AND a.role = 'mentor' AND p.category = 'teacher'"
        "   AND EXISTS (SELECT 1 FROM outcomes o WHERE o.account_id = a.account_id AND o.kind = 'training'"
        "   AND o.happened_on <= ?4) THEN a.account_id END),"
        "  COUNT(DISTINCT CASE WHEN a.direction = 'career' AND a.role = 'mentor' AND p.category = 'pupil'"
        "   AND p.grade BETWEEN 5 AND 11 AND EXISTS (SELECT 1 FROM outcomes o WHERE o.account_id = a.account_id"
        "   AND o.kind = 'training' AND o.happened_on <= ?4) THEN a.account_id END),"
        "  COUNT(DISTINCT CASE WHEN a.role = 'mentor' AND p.category = 'teacher' THEN a.account_id END),"
        "  COUNT(DISTINCT CASE WHEN a.role = 'mentor' AND p.category = 'alumnus' THEN a.account_id END),"
        "  COUNT(DISTINCT CASE WHEN a.role = 'mentor' AND p.category = 'employee' THEN a.account_id END),"
        "  COUNT(DISTINCT CASE WHEN a.role = 'mentor' AND p.category = 'entrepreneur' THEN a.account_id END),"
        "  COUNT(DISTINCT CASE WHEN a.role = 'mentor' AND p.category IN ('employee', 'entrepreneur')"
        "   THEN a.account_id END),"
        "  COUNT(DISTINCT CASE WHEN a.role = 'mentor' AND p.category = 'student' THEN a.account_id END),"
        "  COUNT(DISTINCT CASE WHEN a.form = 'team_team' THEN a.account_id END),"
        "  COUNT(DISTINCT CASE WHEN a.role = 'mentee' AND a.form = 'teacher_teacher' AND p.category = 'teacher'"
        "   THEN a.account_id END),"
        "  COUNT(DISTINCT CASE WHEN a.role = 'mentee' AND a.form = 'teacher_teacher' AND p.category = 'teacher'"
        "   AND EXISTS (SELECT 1 FROM outcomes o WHERE o.account_id = a.account_id AND o.kind = 'contest'"
        "   AND o.happened_on BETWEEN ?3 AND ?4) THEN a.account_id END)"
        " FROM act a JOIN accounts p ON p.id = a.account_id GROUP BY a.org_id");
    if (!st) return MB_ERR_DB;
    bind_scope(st, b);
    static const int targets[] = {
        IND_COUNT_participants, IND_COUNT_mentees, IND_COUNT_mentors, IND_COUNT_pupils_involved,
        IND_COUNT_pupils_involved_5_11, IND_COUNT_career_teacher_mentors, IND_COUNT_career_pupil_mentors,
        IND_COUNT_career_mentees, IND_COUNT_career_teacher_mentors_trained, IND_COUNT_career_pupil_mentors_trained,
        IND_COUNT_mentors_teacher, IND_COUNT_mentors_alumnus, IND_COUNT_mentors_employee,
        IND_COUNT_mentors_entrepreneur, IND_COUNT_mentors_business, IND_COUNT_mentors_student, IND_COUNT_team_people,
        IND_COUNT_teacher_mentees, IND_COUNT_teacher_mentees_contest};
    return read_counts(d, st, targets, (int)(sizeof targets / sizeof targets[0]), org_index, ctx, counts);
}

static mb_status load_outcomes(db *d, const ind_bind *b, ind_org_index_fn org_index, void *ctx, double *counts)
{
    sqlite3_stmt *st = db_stmt(d,
        SCOPE_ORGS
        " SELECT o.org_id,"
        "  COUNT(DISTINCT CASE WHEN o.kind IN ('contest', 'olympiad') AND o.level IN ('regional', 'federal')"
        "   AND p.category = 'pupil' THEN o.account_id END),"
        "  COUNT(DISTINCT CASE WHEN o.kind = 'project' AND p.category = 'pupil' THEN o.account_id END),"
        "  COUNT(DISTINCT CASE WHEN o.kind = 'career_event' AND p.category = 'pupil' THEN o.account_id END),"
        "  COUNT(DISTINCT CASE WHEN o.kind = 'training' AND p.category = 'teacher' THEN o.account_id END),"
        "  COUNT(DISTINCT CASE WHEN o.kind = 'management_reserve' AND p.category = 'teacher' THEN o.account_id END),"
        "  COUNT(DISTINCT CASE WHEN o.kind = 'project_lead' AND p.category = 'teacher' THEN o.account_id END),"
        "  COUNT(DISTINCT CASE WHEN o.kind = 'contest' AND p.category = 'teacher' THEN o.account_id END),"
        "  COUNT(DISTINCT CASE WHEN o.kind = 'grade_improved' AND p.category IN ('pupil', 'student')"
        "   THEN o.account_id END),"
        "  COUNT(DISTINCT CASE WHEN o.kind IN ('contest', 'olympiad') AND p.category IN ('pupil', 'student')"
        "   THEN o.account_id END),"
        "  COUNT(DISTINCT CASE WHEN o.kind = 'event_attended' AND p.category = 'teacher' THEN o.account_id END),"
        "  COUNT(DISTINCT CASE WHEN o.kind = 'event_attended' AND p.category IN ('employee', 'entrepreneur')"
        "   THEN o.account_id END),"
        "  SUM(o.kind = 'event_hosted'),"
        "  SUM(CASE WHEN o.kind = 'event_hosted' THEN COALESCE(o.count, 0) ELSE 0 END),"
        "  SUM(o.kind = 'practice_expertise' AND o.result = 'positive' AND o.level IN ('regional', 'federal')),"
        "  SUM(o.kind = 'presentation'),"
        "  SUM(o.kind = 'class_results'),"
        "  SUM(o.kind = 'class_results' AND o.result = 'positive'),"
        "  COUNT(DISTINCT CASE WHEN o.kind = 'became_mentor' AND ms.form = 'team_team' THEN ms.id END)"
        " FROM so CROSS JOIN outcomes o ON o.org_id = so.id LEFT JOIN accounts p ON p.id = o.account_id"
        " LEFT JOIN mentorships ms ON ms.id = o.mentorship_id"
        " WHERE o.happened_on BETWEEN ?3 AND ?4 GROUP BY o.org_id");
    if (!st) return MB_ERR_DB;
    bind_scope(st, b);
    static const int targets[] = {
        IND_COUNT_pupils_high_rating, IND_COUNT_pupils_projects, IND_COUNT_pupils_career_events,
        IND_COUNT_teachers_trained, IND_COUNT_teachers_reserve, IND_COUNT_teachers_project_lead,
        IND_COUNT_teachers_contest, IND_COUNT_pupils_grade_improved, IND_COUNT_pupils_contest,
        IND_COUNT_teachers_events_attended, IND_COUNT_business_events_attended, IND_COUNT_events_hosted,
        IND_COUNT_events_hosted_attendees, IND_COUNT_practices_expertise, IND_COUNT_mentor_presentations,
        IND_COUNT_class_results, IND_COUNT_class_results_positive, IND_COUNT_teams_became_mentor};
    return read_counts(d, st, targets, (int)(sizeof targets / sizeof targets[0]), org_index, ctx, counts);
}

/* A mentee who became a mentor: a mentor row of role_history in the
 * period with an earlier mentee row of the same account. */
static mb_status load_became_mentor(db *d, const ind_bind *b, ind_org_index_fn org_index, void *ctx, double *counts)
{
    sqlite3_stmt *st = db_stmt(d,
        SCOPE_ORGS
        " SELECT r.org_id,"
        "  COUNT(DISTINCT CASE WHEN p.category = 'teacher' THEN r.account_id END),"
        "  COUNT(DISTINCT CASE WHEN p.category IN ('pupil', 'student') THEN r.account_id END)"
        " FROM role_history r JOIN accounts p ON p.id = r.account_id"
        " WHERE r.role = 'mentor' AND r.at BETWEEN ?3 AND ?4 AND r.org_id IN (SELECT id FROM so)"
        "  AND EXISTS (SELECT 1 FROM role_history e WHERE e.account_id = r.account_id AND e.role = 'mentee'"
        "  AND e.at <= r.at AND e.rowid < r.rowid)"
        " GROUP BY r.org_id");
    if (!st) return MB_ERR_DB;
    bind_scope(st, b);
    static const int targets[] = {IND_COUNT_teachers_became_mentor, IND_COUNT_pupils_became_mentor};
    return read_counts(d, st, targets, 2, org_index, ctx, counts);
}

static mb_status load_requests(db *d, const ind_bind *b, ind_org_index_fn org_index, void *ctx, double *counts)
{
    sqlite3_stmt *st = db_stmt(d,
        SCOPE_ORGS
        " SELECT p.org_id,"
        "  COUNT(DISTINCT CASE WHEN i.key = 'pupil_request' AND p.category = 'pupil' THEN p.id END),"
        "  COUNT(DISTINCT CASE WHEN i.key = 'teacher_request' AND p.category = 'teacher' THEN p.id END)"
        " FROM so CROSS JOIN accounts p ON p.org_id = so.id JOIN survey_runs r ON r.account_id = p.id"
        " JOIN instruments i ON i.id = r.instrument_id"
        " WHERE r.state = 'done' AND r.finished_at BETWEEN ?3 AND ?4 AND i.key IN ('pupil_request', 'teacher_request')"
        " GROUP BY p.org_id");
    if (!st) return MB_ERR_DB;
    bind_scope(st, b);
    static const int targets[] = {IND_COUNT_pupil_requests, IND_COUNT_teacher_requests};
    return read_counts(d, st, targets, 2, org_index, ctx, counts);
}

static mb_status load_small(db *d, const ind_bind *b, ind_org_index_fn org_index, void *ctx, double *counts)
{
    /* activities of team-team mentorships that were not cancelled or missed */
    sqlite3_stmt *st = db_stmt(d,
        SCOPE_ORGS
        " SELECT m.org_id, COUNT(DISTINCT x.meeting_id) FROM so CROSS JOIN mentorships m ON m.org_id = so.id"
        " CROSS JOIN meeting_mentorships x ON x.mentorship_id = m.id CROSS JOIN meetings mt ON mt.id = x.meeting_id"
        " WHERE m.form = 'team_team' AND mt.kind IN ('training', 'business_game', 'mini_project', 'activity')"
        "  AND mt.state NOT IN ('cancelled', 'missed') AND mt.starts_at BETWEEN ?3 AND ?4"
        " GROUP BY m.org_id");
    if (!st) return MB_ERR_DB;
    bind_scope(st, b);
    static const int team[] = {IND_COUNT_team_activities};
    mb_status rc = read_counts(d, st, team, 1, org_index, ctx, counts);
    if (rc) return rc;
    st = db_stmt(d, SCOPE_ORGS
                 " SELECT so.id, EXISTS (SELECT 1 FROM programs p WHERE p.org_id = so.id AND p.year BETWEEN ?5 AND ?6)"
                 " FROM so");
    if (!st) return MB_ERR_DB;
    bind_scope(st, b);
    static const int programme[] = {IND_COUNT_orgs_with_programme};
    if ((rc = read_counts(d, st, programme, 1, org_index, ctx, counts))) return rc;
    /* both stages of the self-determination monitoring, answered in the period */
    st = db_stmt(d,
        SCOPE_ORGS
        " SELECT w.org_id, COUNT(DISTINCT r.account_id) FROM so CROSS JOIN poll_waves w ON w.org_id = so.id"
        " JOIN poll_recipients r ON r.wave_id = w.id"
        " WHERE w.kind = 'selfdet_final' AND w.opens_at BETWEEN ?3 AND ?4 AND r.state = 'done'"
        "  AND r.grade BETWEEN 5 AND 11"
        "  AND EXISTS (SELECT 1 FROM poll_recipients r0 JOIN poll_waves w0 ON w0.id = r0.wave_id"
        "  WHERE r0.account_id = r.account_id AND r0.state = 'done' AND w0.kind = 'selfdet_initial'"
        "  AND w0.opens_at BETWEEN ?3 AND ?4)"
        " GROUP BY w.org_id");
    if (!st) return MB_ERR_DB;
    bind_scope(st, b);
    static const int selfdet[] = {IND_COUNT_selfdet_pupils};
    return read_counts(d, st, selfdet, 1, org_index, ctx, counts);
}

mb_status ind_counts_load(db *d, const ind_bind *b, ind_org_index_fn org_index, void *ctx, double *counts)
{
    mb_status rc = load_people(d, b, org_index, ctx, counts);
    if (!rc) rc = load_outcomes(d, b, org_index, ctx, counts);
    if (!rc) rc = load_became_mentor(d, b, org_index, ctx, counts);
    if (!rc) rc = load_requests(d, b, org_index, ctx, counts);
    if (!rc) rc = load_small(d, b, org_index, ctx, counts);
    return rc;
}

mb_status ind_forms_load(db *d, const ind_bind *b, ind_org_index_fn org_index, void *ctx, uint32_t *forms)
{
    sqlite3_stmt *st = db_stmt(d, SCOPE_ORGS " SELECT DISTINCT m.org_id, m.form FROM so"
                                             " CROSS JOIN mentorships m ON m.org_id = so.id WHERE " ACTIVE_M);
    if (!st) return MB_ERR_DB;
    bind_scope(st, b);
    int step;
    while ((step = db_step_raw(d, st)) == SQLITE_ROW) {
        int row = org_index(ctx, sqlite3_column_int64(st, 0));
        int form = profile_form_code((const char *)sqlite3_column_text(st, 1));
        if (row >= 0 && form >= 0) forms[row] |= 1u << form;
    }
    sqlite3_reset(st);
    return step == SQLITE_DONE ? MB_OK : MB_ERR_DB;
}

mb_status ind_employers_load(db *d, const ind_bind *b, ind_org_index_fn org_index, void *ctx, ind_pair_fn fn)
{
    sqlite3_stmt *st = db_stmt(d, SCOPE_ORGS " SELECT DISTINCT m.org_id, p.employer_id FROM so"
                                             " CROSS JOIN mentorships m ON m.org_id = so.id JOIN accounts p ON p.id = m.mentor_id"
                                             " WHERE " ACTIVE_M " AND p.employer_id IS NOT NULL");
    if (!st) return MB_ERR_DB;
    bind_scope(st, b);
    int step;
    while ((step = db_step_raw(d, st)) == SQLITE_ROW) {
        int row = org_index(ctx, sqlite3_column_int64(st, 0));
        if (row >= 0) fn(ctx, row, sqlite3_column_int64(st, 1));
    }
    sqlite3_reset(st);
    return step == SQLITE_DONE ? MB_OK : MB_ERR_DB;
}

static mb_status read_surveys(db *d, sqlite3_stmt *st, ind_org_index_fn org_index, void *ctx, ind_survey *out)
{
    int step;
    while ((step = db_step_raw(d, st)) == SQLITE_ROW) {
        int row = org_index(ctx, sqlite3_column_int64(st, 0));
        if (row < 0) continue;
        out[row].invited += sqlite3_column_int(st, 1);
        out[row].respondents += sqlite3_column_int(st, 2);
        out[row].hits += sqlite3_column_int(st, 3);
    }
    sqlite3_reset(st);
    return step == SQLITE_DONE ? MB_OK : MB_ERR_DB;
}

mb_status ind_satisfaction_load(db *d, const ind_bind *b, const char *role, const char *direction,
                                double satisfied_min, ind_org_index_fn org_index, void *ctx, ind_survey *out)
{
    /* The bare columns of a MAX() aggregate come from the row that has
     * the maximum (SQLite): each person's latest answer. */
    sqlite3_stmt *st = db_stmt(d,
        SCOPE_ORGS ","
        " asked(org_id, account_id, at, sat, answered) AS ("
        "  SELECT w.org_id, r.account_id, MAX(COALESCE(r.answered_at, -1)), r.satisfaction,"
        "   r.state = 'done' AND r.satisfaction IS NOT NULL"
        "  FROM so CROSS JOIN poll_waves w ON w.org_id = so.id JOIN poll_recipients r ON r.wave_id = w.id"
        "  WHERE w.kind = 'final' AND w.opens_at BETWEEN ?3 AND ?4 AND r.role = ?7"
        "   AND (?8 = '' OR EXISTS (SELECT 1 FROM mentorships m WHERE m.mentor_id = r.account_id"
        "   AND m.direction = ?8 AND " ACTIVE_M ")"
        "   OR EXISTS (SELECT 1 FROM mentorship_members mm JOIN mentorships m ON m.id = mm.mentorship_id"
        "   WHERE mm.mentee_id = r.account_id AND m.direction = ?8 AND " ACTIVE_M "))"
        "  GROUP BY w.org_id, r.account_id)"
        " SELECT org_id, COUNT(*), SUM(answered), SUM(answered AND sat >= ?9) FROM asked GROUP BY org_id");
    if (!st) return MB_ERR_DB;
    bind_scope(st, b);
    sqlite3_bind_text(st, 7, role, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 8, direction ? direction : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_double(st, 9, satisfied_min);
    return read_surveys(d, st, org_index, ctx, out);
}

mb_status ind_answers_load(db *d, const ind_bind *b, const char *wave_kind, const char *item, const char *answer,
                           ind_org_index_fn org_index, void *ctx, ind_survey *out)
{
    sqlite3_stmt *st = db_stmt(d,
        SCOPE_ORGS
        " SELECT w.org_id, COUNT(DISTINCT r.account_id),"
        "  COUNT(DISTINCT CASE WHEN r.state = 'done' THEN r.account_id END),"
        "  COUNT(DISTINCT CASE WHEN r.state = 'done' AND a.value = ?9 THEN r.account_id END)"
        " FROM so CROSS JOIN poll_waves w ON w.org_id = so.id JOIN poll_recipients r ON r.wave_id = w.id"
        " LEFT JOIN survey_answers a ON a.run_id = r.run_id AND a.item = ?8"
        " WHERE w.kind = ?7 AND w.opens_at BETWEEN ?3 AND ?4 GROUP BY w.org_id");
    if (!st) return MB_ERR_DB;
    bind_scope(st, b);
    sqlite3_bind_text(st, 7, wave_kind, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 8, item, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 9, answer, -1, SQLITE_TRANSIENT);
    return read_surveys(d, st, org_index, ctx, out);
}

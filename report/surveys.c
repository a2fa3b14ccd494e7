/*
 * The survey figures of the indicators: satisfaction from the final poll
 * waves and the share of an answer to a questionnaire item, per
 * organisation, with the people asked and those who answered.
 */
#include "report/counts.h"
#include "report/counts_internal.h"

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
        "  FROM so CROSS JOIN poll_waves w ON w.org_id = so.id CROSS JOIN poll_recipients r ON r.wave_id = w.id"
        "  WHERE w.kind = 'final' AND w.opens_at BETWEEN ?3 AND ?4 AND r.role = ?7"
        "   AND (?8 = '' OR EXISTS (SELECT 1 FROM mentorships m WHERE m.mentor_id = r.account_id"
        "   AND m.direction = ?8 AND " ACTIVE_M ")"
        "   OR EXISTS (SELECT 1 FROM mentorship_members mm CROSS JOIN mentorships m ON m.id = mm.mentorship_id"
        "   WHERE mm.mentee_id = r.account_id AND m.direction = ?8 AND " ACTIVE_M "))"
        "  GROUP BY w.org_id, r.account_id)"
        " SELECT org_id, COUNT(*), SUM(answered), SUM(answered AND sat >= ?9) FROM asked GROUP BY org_id");
    if (!st) return MB_ERR_DB;
    ind_bind_scope(st, b);
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
        "  COUNT(DISTINCT CASE WHEN r.state = 'done' AND a.value IS NOT NULL THEN r.account_id END),"
        "  COUNT(DISTINCT CASE WHEN r.state = 'done' AND a.value = ?9 THEN r.account_id END)"
        " FROM so CROSS JOIN poll_waves w ON w.org_id = so.id CROSS JOIN poll_recipients r ON r.wave_id = w.id"
        " LEFT JOIN survey_answers a ON a.run_id = r.run_id AND a.item = ?8"
        " WHERE w.kind = ?7 AND w.opens_at BETWEEN ?3 AND ?4 GROUP BY w.org_id");
    if (!st) return MB_ERR_DB;
    ind_bind_scope(st, b);
    sqlite3_bind_text(st, 7, wave_kind, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 8, item, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 9, answer, -1, SQLITE_TRANSIENT);
    return read_surveys(d, st, org_index, ctx, out);
}

/*
 * The survey figures of the indicators: satisfaction from the final poll
 * waves and the share of an answer to a questionnaire item, per
 * organisation, with the people asked and those who answered.
 */
#include "report/counts.h"
#include "report/counts_internal.h"

#include "util/array.h"

#include <stdlib.h>
#include <string.h>

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

/* A final wave's recipient, as one satisfaction read of a region has it. */
typedef struct asked_row {
    int row;
    int answered;
    int64_t account, at, wave;
    double sat;
    uint64_t asks;   /* bit k: the row counts for asks[k] */
} asked_row;

static int by_asked(const void *a, const void *b)
{
    const asked_row *x = a, *y = b;
    if (x->row != y->row) return x->row < y->row ? -1 : 1;
    if (x->account != y->account) return x->account < y->account ? -1 : 1;
    if (x->at != y->at) return x->at < y->at ? -1 : 1;
    return x->wave < y->wave ? -1 : x->wave > y->wave;
}

mb_status ind_satisfaction_load_all(db *d, const ind_bind *b, const ind_satisfaction_ask *asks, int n,
                                    const ind_directions *dirs, ind_org_index_fn org_index, void *ctx)
{
    if (n < 1) return MB_OK;
    if (n > IND_SATISFACTION_ASKS_MAX || !b->whole) return MB_ERR_INVALID;
    sqlite3_stmt *st = db_stmt(d,
        "SELECT w.org_id, r.account_id, r.role, COALESCE(r.answered_at, -1), r.satisfaction,"
        " r.state = 'done' AND r.satisfaction IS NOT NULL, w.id"
        " FROM poll_waves w CROSS JOIN poll_recipients r ON r.wave_id = w.id"
        " WHERE w.kind = 'final' AND w.opens_at BETWEEN ?1 AND ?2");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, b->start_ms);
    sqlite3_bind_int64(st, 2, b->end_ms);
    asked_row *v = NULL;
    size_t len = 0, cap = 0;
    int step;
    mb_status rc = MB_OK;
    while ((step = db_step_raw(d, st)) == SQLITE_ROW) {
        int row = org_index(ctx, sqlite3_column_int64(st, 0));
        if (row < 0) continue;
        int64_t account = sqlite3_column_int64(st, 1);
        const char *role = (const char *)sqlite3_column_text(st, 2);
        uint64_t at = (uint64_t)account - (uint64_t)(dirs ? dirs->first : 0);
        unsigned char mine = dirs && at < dirs->len ? dirs->bits[at] : 0;
        uint64_t mask = 0;
        for (int k = 0; k < n; k++)
            if (role && strcmp(role, asks[k].role) == 0 && (asks[k].direction < 0 || (mine >> asks[k].direction & 1u)))
                mask |= 1ull << k;
        if (!mask) continue;
        if (array_grow(&v, &cap, len, sizeof *v, 4096)) {
            rc = MB_ERR_NOMEM;
            break;
        }
        v[len++] = (asked_row){.row = row, .account = account, .at = sqlite3_column_int64(st, 3),
                               .sat = sqlite3_column_double(st, 4), .answered = sqlite3_column_int(st, 5),
                               .wave = sqlite3_column_int64(st, 6), .asks = mask};
    }
    sqlite3_reset(st);
    if (!rc && step != SQLITE_DONE) rc = MB_ERR_DB;
    if (!rc && len) qsort(v, len, sizeof *v, by_asked);
    /* each person once per ask, by their latest answer (the later wave of
     * two answered at the same moment) */
    for (size_t i = 0; !rc && i < len;) {
        size_t j = i;
        while (j < len && v[j].row == v[i].row && v[j].account == v[i].account) j++;
        for (int k = 0; k < n; k++) {
            const asked_row *last = NULL;
            for (size_t x = i; x < j; x++)
                if (v[x].asks >> k & 1u) last = &v[x];
            if (!last) continue;
            ind_survey *o = &asks[k].out[last->row];
            o->invited++;
            if (last->answered) {
                o->respondents++;
                if (last->sat >= asks[k].satisfied_min) o->hits++;
            }
        }
        i = j;
    }
    free(v);
    return rc;
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

#include "storage/polls.h"
#include "storage/surveys.h"
#include "util/clock.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

const poll_variant poll_variants[POLL_VARIANTS] = {
    {"start", "mentee"},           {"start", "mentor"},         {"interim", "mentee"},
    {"interim", "mentor"},         {"final", "mentee"},         {"final", "mentor"},
    {"feedback", "curator"},       {"selfdet_initial", "pupil"}, {"selfdet_final", "pupil"},
    {"teachers", "teacher"},
};

int poll_variant_index(const char *kind, const char *audience)
{
    for (int i = 0; kind && audience && i < POLL_VARIANTS; i++)
        if (strcmp(poll_variants[i].kind, kind) == 0 && strcmp(poll_variants[i].audience, audience) == 0) return i;
    return -1;
}

const char *poll_instrument_key(const char *kind, const char *audience, int grade)
{
    if (poll_variant_index(kind, audience) < 0) return NULL;
    if (strcmp(audience, "pupil") == 0)
        return grade >= 5 && grade <= 7 ? "poll_selfdet_5_7" : grade >= 8 && grade <= 9 ? "poll_selfdet_8_9"
               : grade >= 10 && grade <= 11 ? "poll_selfdet_10_11" : NULL;
    if (strcmp(audience, "curator") == 0) return "poll_curator_feedback";
    if (strcmp(audience, "teacher") == 0) return "poll_teachers";
    static const char *const keys[] = {"poll_mentee_start", "poll_mentor_start", "poll_mentee_interim",
                                       "poll_mentor_interim", "poll_mentee_final", "poll_mentor_final"};
    return keys[poll_variant_index(kind, audience)];
}

#define WAVE_COLUMNS \
    "id, org_id, COALESCE(program_id, 0), kind, audience, state, opens_at, COALESCE(closes_at, 0)," \
    " COALESCE(launched_by, 0), created_at"

static void read_wave(sqlite3_stmt *st, void *row)
{
    poll_wave *w = row;
    memset(w, 0, sizeof *w);
    w->id = sqlite3_column_int64(st, 0);
    w->org_id = sqlite3_column_int64(st, 1);
    w->program_id = sqlite3_column_int64(st, 2);
    db_column_copy(st, 3, w->kind, sizeof w->kind);
    db_column_copy(st, 4, w->audience, sizeof w->audience);
    db_column_copy(st, 5, w->state, sizeof w->state);
    w->opens_at = sqlite3_column_int64(st, 6);
    w->closes_at = sqlite3_column_int64(st, 7);
    w->launched_by = sqlite3_column_int64(st, 8);
    w->created_at = sqlite3_column_int64(st, 9);
}

mb_status poll_wave_add(db *d, int64_t org_id, int64_t program_id, const char *kind, const char *audience,
                        int64_t opens_at, int64_t launched_by, int64_t *id)
{
    if (poll_variant_index(kind, audience) < 0) return MB_ERR_INVALID;
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO poll_waves(org_id, program_id, kind, audience, state, opens_at,"
                                  " launched_by, created_at) VALUES(?1, NULLIF(?2, 0), ?3, ?4, 'scheduled', ?5,"
                                  " NULLIF(?6, 0), ?7)");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_int64(st, 2, program_id);
    sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, audience, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, opens_at);
    sqlite3_bind_int64(st, 6, launched_by);
    sqlite3_bind_int64(st, 7, clock_now_ms());
    mb_status rc = db_step_done(d, st);
    if (!rc && id) *id = sqlite3_last_insert_rowid(db_handle(d));
    return rc;
}

mb_status poll_wave_load(db *d, int64_t id, poll_wave *out)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT " WAVE_COLUMNS " FROM poll_waves WHERE id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    return db_first_row(d, st, read_wave, out);
}

mb_status poll_wave_find(db *d, int64_t org_id, const char *kind, const char *audience, int64_t from, int64_t to,
                         poll_wave *out)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT " WAVE_COLUMNS " FROM poll_waves WHERE org_id = ?1 AND kind = ?2"
                                  " AND opens_at >= ?4 AND opens_at < ?5 AND audience = ?3"
                                  " ORDER BY opens_at DESC, id DESC LIMIT 1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, audience, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, from);
    sqlite3_bind_int64(st, 5, to);
    return db_first_row(d, st, read_wave, out);
}

/* Recipients of one audience: ?1 wave, ?2 now, ?3 instrument, ?4 org,
 * ?5..?6 grades (pupils). Only active people whom a messenger reaches. */
#define RECIPIENTS_INSERT(role, filter) \
    "INSERT OR IGNORE INTO poll_recipients(wave_id, account_id, role, category, grade, instrument_id, invited_at)" \
    " SELECT ?1, a.id, " role ", a.category, a.grade, ?3, ?2 FROM accounts a WHERE a.status = 'active' AND " \
    filter " AND EXISTS (SELECT 1 FROM identities i WHERE i.account_id = a.id AND i.unreachable_at IS NULL)"

static mb_status insert_recipients(db *d, const poll_wave *w, int64_t now, int64_t instrument_id, int grade_min,
                                   int grade_max)
{
    sqlite3_stmt *st = NULL;
    if (strcmp(w->audience, "mentee") == 0)
        st = db_stmt(d, RECIPIENTS_INSERT("'mentee'", "a.id IN (SELECT mm.mentee_id FROM mentorships m"
                                                      " JOIN mentorship_members mm ON mm.mentorship_id = m.id"
                                                      " WHERE m.org_id = ?4 AND m.state = 'active'"
                                                      " AND mm.left_at IS NULL) AND ?5 <= ?6"));
    else if (strcmp(w->audience, "mentor") == 0)
        st = db_stmt(d, RECIPIENTS_INSERT("'mentor'", "a.id IN (SELECT mentor_id FROM mentorships"
                                                      " WHERE org_id = ?4 AND state = 'active') AND ?5 <= ?6"));
    else if (strcmp(w->audience, "pupil") == 0)
        st = db_stmt(d, RECIPIENTS_INSERT("COALESCE(a.role, '')", "a.org_id = ?4 AND a.category = 'pupil'"
                                                                  " AND a.grade BETWEEN ?5 AND ?6"));
    else if (strcmp(w->audience, "curator") == 0)
        st = db_stmt(d, RECIPIENTS_INSERT("'curator'", "a.role = 'curator' AND (a.org_id = ?4 OR a.id IN"
                                                       " (SELECT account_id FROM scopes WHERE org_id = ?4))"
                                                       " AND ?5 <= ?6"));
    else if (strcmp(w->audience, "teacher") == 0)
        st = db_stmt(d, RECIPIENTS_INSERT("COALESCE(a.role, '')", "a.org_id = ?4 AND a.category = 'teacher'"
                                                                  " AND ?5 <= ?6"));
    else
        return MB_ERR_INVALID;
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, w->id);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_int64(st, 3, instrument_id);
    sqlite3_bind_int64(st, 4, w->org_id);
    sqlite3_bind_int(st, 5, grade_min);
    sqlite3_bind_int(st, 6, grade_max);
    return db_step_done(d, st);
}

mb_status poll_wave_open(db *d, int64_t wave_id, int64_t now, int *asked)
{
    if (asked) *asked = 0;
    poll_wave w;
    mb_status rc = poll_wave_load(d, wave_id, &w);
    if (rc) return rc;
    if (strcmp(w.state, "scheduled") != 0) return MB_OK;
    /* Pupils by age band, each band its own instrument; others one. */
    static const int bands[][2] = {{5, 7}, {8, 9}, {10, 11}};
    int pupils = strcmp(w.audience, "pupil") == 0, loaded = 0;
    for (int b = 0; b < (pupils ? 3 : 1) && !rc; b++) {
        int64_t instrument_id;
        const char *key = poll_instrument_key(w.kind, w.audience, pupils ? bands[b][0] : 0);
        rc = key ? survey_instrument_latest(d, key, &instrument_id, NULL) : MB_ERR_NOT_FOUND;
        if (rc == MB_ERR_NOT_FOUND) {
            rc = MB_OK;
            continue;
        }
        loaded++;
        if (!rc) rc = insert_recipients(d, &w, now, instrument_id, pupils ? bands[b][0] : 0, pupils ? bands[b][1] : 0);
    }
    if (rc) return rc;
    if (!loaded) return MB_ERR_NOT_FOUND;
    if ((rc = db_run_with_ints(d, "UPDATE poll_waves SET state = 'open', opens_at = ?2 WHERE id = ?1", wave_id, now)))
        return rc;
    int answered;
    return asked ? poll_wave_counts(d, wave_id, asked, &answered) : MB_OK;
}

mb_status poll_wave_close(db *d, int64_t wave_id, int64_t now)
{
    return db_run_with_ints(d, "UPDATE poll_waves SET state = 'closed', closes_at = ?2"
                               " WHERE id = ?1 AND state IN ('scheduled', 'open')", wave_id, now);
}

int poll_waves_of_org(db *d, int64_t org_id, poll_wave *out, int max)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT " WAVE_COLUMNS " FROM poll_waves WHERE org_id = ?1"
                                  " ORDER BY opens_at DESC, id DESC LIMIT ?2");
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_int(st, 2, max);
    int n = 0;
    while (n < max && db_step_raw(d, st) == SQLITE_ROW) read_wave(st, &out[n++]);
    sqlite3_reset(st);
    return n;
}

int poll_waves_due(db *d, int64_t now, int64_t *ids, int max)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT id FROM poll_waves WHERE state = 'scheduled' AND opens_at <= ?1"
                                  " ORDER BY opens_at, id LIMIT ?2");
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int(st, 2, max);
    return db_step_ids(d, st, ids, max);
}

int64_t poll_waves_next_due(db *d)
{
    return db_scalar(d, "SELECT MIN(opens_at) FROM poll_waves WHERE state = 'scheduled'", -1);
}

mb_status poll_wave_counts(db *d, int64_t wave_id, int *asked, int *answered)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT COUNT(*), COALESCE(SUM(state = 'done'), 0) FROM poll_recipients"
                                  " WHERE wave_id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, wave_id);
    mb_status rc = db_step_row(d, st);
    if (rc) return rc;
    *asked = sqlite3_column_int(st, 0);
    *answered = sqlite3_column_int(st, 1);
    sqlite3_reset(st);
    return MB_OK;
}

int poll_recipient_ids(db *d, int64_t wave_id, int64_t after, int64_t *ids, int max)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT account_id FROM poll_recipients WHERE wave_id = ?1 AND account_id > ?2"
                                  " ORDER BY account_id LIMIT ?3");
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, wave_id);
    sqlite3_bind_int64(st, 2, after);
    sqlite3_bind_int(st, 3, max);
    return db_step_ids(d, st, ids, max);
}

#define RECIPIENT_COLUMNS \
    "wave_id, account_id, role, COALESCE(category, ''), COALESCE(grade, 0), COALESCE(instrument_id, 0)," \
    " COALESCE(run_id, 0), state, reminders, invited_at, COALESCE(answered_at, 0), COALESCE(satisfaction, -1)"

static void read_recipient(sqlite3_stmt *st, void *row)
{
    poll_recipient *r = row;
    memset(r, 0, sizeof *r);
    r->wave_id = sqlite3_column_int64(st, 0);
    r->account_id = sqlite3_column_int64(st, 1);
    db_column_copy(st, 2, r->role, sizeof r->role);
    db_column_copy(st, 3, r->category, sizeof r->category);
    r->grade = sqlite3_column_int(st, 4);
    r->instrument_id = sqlite3_column_int64(st, 5);
    r->run_id = sqlite3_column_int64(st, 6);
    db_column_copy(st, 7, r->state, sizeof r->state);
    r->reminders = sqlite3_column_int(st, 8);
    r->invited_at = sqlite3_column_int64(st, 9);
    r->answered_at = sqlite3_column_int64(st, 10);
    r->satisfaction = sqlite3_column_double(st, 11);
}

mb_status poll_recipient_load(db *d, int64_t wave_id, int64_t account_id, poll_recipient *out)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT " RECIPIENT_COLUMNS " FROM poll_recipients"
                                  " WHERE wave_id = ?1 AND account_id = ?2");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, wave_id);
    sqlite3_bind_int64(st, 2, account_id);
    return db_first_row(d, st, read_recipient, out);
}

/* The person's rows are few (one a wave): they are read through
 * poll_recipients_account and the latest wave is chosen here. With the
 * states as an IN list, the waves as an IN subquery and ORDER BY ... LIMIT 1,
 * SQLite built three temporary b-trees each time, about 85,000
 * instructions for a person with no poll at all, on every menu shown;
 * 'done' is the only other state (the guard of poll_recipients.state). */
mb_status poll_recipient_pending(db *d, int64_t account_id, poll_recipient *out)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT " RECIPIENT_COLUMNS " FROM poll_recipients r"
                                  " WHERE account_id = ?1 AND state <> 'done'"
                                  " AND EXISTS (SELECT 1 FROM poll_waves w WHERE w.id = r.wave_id AND w.state = 'open')");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, account_id);
    mb_status found = MB_ERR_NOT_FOUND;
    int rc;
    while ((rc = db_step_raw(d, st)) == SQLITE_ROW) {
        if (found == MB_OK && sqlite3_column_int64(st, 0) <= out->wave_id) continue;
        read_recipient(st, out);
        found = MB_OK;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? found : MB_ERR_DB;
}

mb_status poll_recipient_started(db *d, int64_t wave_id, int64_t account_id, int64_t run_id)
{
    sqlite3_stmt *st = db_stmt(d, "UPDATE poll_recipients SET run_id = ?3, state = 'started'"
                                  " WHERE wave_id = ?1 AND account_id = ?2 AND state <> 'done'");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, wave_id);
    sqlite3_bind_int64(st, 2, account_id);
    sqlite3_bind_int64(st, 3, run_id);
    return db_step_done(d, st);
}

mb_status poll_recipient_done(db *d, int64_t wave_id, int64_t account_id, double satisfaction, int64_t now)
{
    sqlite3_stmt *st = db_stmt(d, "UPDATE poll_recipients SET state = 'done', answered_at = ?3, satisfaction = ?4"
                                  " WHERE wave_id = ?1 AND account_id = ?2");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, wave_id);
    sqlite3_bind_int64(st, 2, account_id);
    sqlite3_bind_int64(st, 3, now);
    if (satisfaction < 0) sqlite3_bind_null(st, 4);
    else sqlite3_bind_double(st, 4, satisfaction);
    return db_step_done(d, st);
}

mb_status poll_recipient_reminded(db *d, int64_t wave_id, int64_t account_id, int n)
{
    sqlite3_stmt *st = db_stmt(d, "UPDATE poll_recipients SET reminders = ?3 WHERE wave_id = ?1 AND account_id = ?2");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, wave_id);
    sqlite3_bind_int64(st, 2, account_id);
    sqlite3_bind_int(st, 3, n);
    return db_step_done(d, st);
}

mb_status poll_answers_each(db *d, int64_t wave_id, const char *key, poll_answer_fn fn, void *arg, int *respondents)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT COUNT(*) FROM poll_recipients r JOIN survey_runs s ON s.id = r.run_id"
                                  " JOIN instruments i ON i.id = s.instrument_id"
                                  " WHERE r.wave_id = ?1 AND r.state = 'done' AND i.key = ?2");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, wave_id);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    int64_t n = 0;
    mb_status rc = db_step_int(d, st, &n);
    if (rc && rc != MB_ERR_NOT_FOUND) return rc;
    if (respondents) *respondents = (int)n;
    if (!fn) return MB_OK;
    st = db_stmt(d, "SELECT a.item, a.value FROM poll_recipients r JOIN survey_runs s ON s.id = r.run_id"
                    " JOIN instruments i ON i.id = s.instrument_id JOIN survey_answers a ON a.run_id = s.id"
                    " WHERE r.wave_id = ?1 AND r.state = 'done' AND i.key = ?2 ORDER BY a.item, a.value");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, wave_id);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    int step;
    while ((step = db_step_raw(d, st)) == SQLITE_ROW) {
        const char *item = (const char *)sqlite3_column_text(st, 0), *value = (const char *)sqlite3_column_text(st, 1);
        if (fn(item ? item : "", value ? value : "", arg)) {
            step = SQLITE_DONE;
            break;
        }
    }
    sqlite3_reset(st);
    return step == SQLITE_DONE ? MB_OK : MB_ERR_DB;
}

mb_status poll_satisfaction_stats(db *d, int64_t wave_id, const char *key, double threshold, int *n, double *mean,
                                  int *satisfied)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT COUNT(r.satisfaction), COALESCE(AVG(r.satisfaction), 0),"
                                  " COALESCE(SUM(r.satisfaction >= ?3), 0) FROM poll_recipients r"
                                  " JOIN instruments i ON i.id = r.instrument_id"
                                  " WHERE r.wave_id = ?1 AND r.state = 'done' AND i.key = ?2");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, wave_id);
    sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, 3, threshold);
    mb_status rc = db_step_row(d, st);
    if (rc) return rc;
    *n = sqlite3_column_int(st, 0);
    *mean = sqlite3_column_double(st, 1);
    *satisfied = sqlite3_column_int(st, 2);
    sqlite3_reset(st);
    return MB_OK;
}

int poll_wave_keys(db *d, int64_t wave_id, char keys[][POLL_KEY_BYTES], int64_t *instrument_ids, int max)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT i.key, MAX(i.id) FROM poll_recipients r JOIN survey_runs s ON s.id = r.run_id"
                                  " JOIN instruments i ON i.id = s.instrument_id"
                                  " WHERE r.wave_id = ?1 AND r.state = 'done' GROUP BY i.key ORDER BY i.key LIMIT ?2");
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, wave_id);
    sqlite3_bind_int(st, 2, max);
    int n = 0;
    while (n < max && db_step_raw(d, st) == SQLITE_ROW) {
        db_column_copy(st, 0, keys[n], POLL_KEY_BYTES);
        instrument_ids[n++] = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    return n;
}

int poll_program_orgs(db *d, int year, int64_t after, int64_t *orgs, int64_t *programs, int max)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT org_id, id FROM programs WHERE year = ?1 AND org_id > ?2"
                                  " ORDER BY org_id LIMIT ?3");
    if (!st) return 0;
    sqlite3_bind_int(st, 1, year);
    sqlite3_bind_int64(st, 2, after);
    sqlite3_bind_int(st, 3, max);
    int n = 0;
    while (n < max && db_step_raw(d, st) == SQLITE_ROW) {
        orgs[n] = sqlite3_column_int64(st, 0);
        programs[n++] = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    return n;
}

int poll_school_year(int64_t ms, int64_t *from, int64_t *to)
{
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    int year = tm.tm_year + 1900 - (tm.tm_mon + 1 < POLL_SCHOOL_YEAR_MONTH);
    struct tm start = {.tm_year = year - 1900, .tm_mon = POLL_SCHOOL_YEAR_MONTH - 1, .tm_mday = 1};
    struct tm end = start;
    end.tm_year++;
    *from = (int64_t)timegm(&start) * 1000;
    *to = (int64_t)timegm(&end) * 1000;
    return year;
}

mb_status poll_wave_drop(db *d, int64_t wave_id)
{
    sqlite3_stmt *st = db_stmt(d, "DELETE FROM poll_waves WHERE id = ?1 AND NOT EXISTS"
                                  " (SELECT 1 FROM poll_recipients WHERE wave_id = ?1)");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, wave_id);
    return db_step_done(d, st);
}

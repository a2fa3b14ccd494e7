/*
 * The digest's reads. Each count is one statement grouped by organisation
 * on its indexes, which hold every column it reads (accounts_org with the
 * date people joined, meetings_org_digest, mentorships_org,
 * poll_waves_org): for one organisation, or for all of a territory's at
 * once (a digest made on its own). A territory's statements read only
 * what they count, on indexes of their own (migration 27): the week's
 * registrations by the day people joined (accounts_joined), the consents
 * waiting (accounts_pending_consent), the mentees waiting (accounts_waiting)
 * and the held meetings (meetings_held), instead of every person and
 * meeting of its schools; one school's are the recounts on its own rows,
 * which tests/test_digest.c holds equal to the territory's line for it.
 */
#include "storage/digest.h"
#include "util/array.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void digest_counts_add(digest_counts *a, const digest_counts *b)
{
    a->registrations += b->registrations;
    a->waiting += b->waiting;
    if (b->waiting_since && (!a->waiting_since || b->waiting_since < a->waiting_since))
        a->waiting_since = b->waiting_since;
    a->pending_consent += b->pending_consent;
    a->held += b->held;
    a->missed += b->missed;
    a->upcoming += b->upcoming;
    a->active_pairs += b->active_pairs;
    a->stalled += b->stalled;
    for (int i = 0; i < DIGEST_STALL_REASONS; i++) a->stalled_by[i] += b->stalled_by[i];
    a->poll_invited += b->poll_invited;
    a->poll_answered += b->poll_answered;
    a->satisfaction_n += b->satisfaction_n;
    a->satisfaction_sum += b->satisfaction_sum;
}

int digest_counts_empty(const digest_counts *c)
{
    return !c->registrations && !c->waiting && !c->pending_consent && !c->held && !c->missed && !c->upcoming &&
           !c->stalled && !c->poll_invited && !c->satisfaction_n;
}

static const char *const stall_codes[DIGEST_STALL_REASONS] = {"never", "no_meeting", "missed", "useless", "silent"};

static int stall_index(const char *code)
{
    for (int i = 0; code && i < DIGEST_STALL_REASONS; i++)
        if (strcmp(code, stall_codes[i]) == 0) return i;
    return -1;
}

/* The organisations a statement reads, as a condition on its column c:
 * one (?1 its id), or those of a territory (?1), its own and its
 * municipalities', each read on its index as one organisation is. */
#define ONE_ORG(c) c " = ?1"
#define TERRITORY_ORGS(c)                                                                      \
    c " IN (SELECT o.id FROM orgs o LEFT JOIN territories m ON m.id = o.territory_id"         \
      " WHERE o.territory_id = ?1 OR m.parent_id = ?1)"

/* Each count as one statement grouped by organisation, for the
 * organisations orgs(c) names; the column names a statement's org_id. */
#define COUNTS_ACCOUNTS(orgs)                                                                  \
    "SELECT org_id,"                                                                           \
    " SUM(created_at >= ?2 AND created_at < ?3 AND role <> 'curator' AND status IN ('active', 'pending_consent')),"  \
    " SUM(status = 'pending_consent')"                                                         \
    " FROM accounts WHERE " orgs("org_id") " GROUP BY org_id"
/* the mentees waiting: only the active mentees are looked up in the
 * open memberships, on accounts_org's (org_id, role, status) */
#define COUNTS_WAITING(orgs)                                                                   \
    "SELECT a.org_id, COUNT(*), MIN(a.created_at) FROM accounts a WHERE " orgs("a.org_id")    \
    " AND a.role = 'mentee' AND a.status = 'active' AND NOT EXISTS (SELECT 1 FROM mentorship_members mm" \
    " WHERE mm.mentee_id = a.id AND mm.left_at IS NULL) GROUP BY a.org_id"
#define COUNTS_MEETINGS(orgs)                                                                  \
    "SELECT org_id, SUM(state = 'held' AND starts_at < ?3), SUM(state = 'missed' AND starts_at < ?3),"  \
    " SUM(state = 'planned' AND starts_at >= ?3 AND starts_at < ?3 + 604800000)"               \
    " FROM meetings WHERE " orgs("org_id") " AND starts_at >= ?2 AND starts_at < ?3 + 604800000 GROUP BY org_id"
#define COUNTS_STALLS(orgs)                                                                    \
    "SELECT m.org_id, s.reason, COUNT(*) FROM mentorships m JOIN mentorship_stalls s ON s.mentorship_id = m.id" \
    " WHERE " orgs("m.org_id") " AND m.state = 'active' AND s.ended_at IS NULL GROUP BY m.org_id, s.reason"
#define COUNTS_PAIRS(orgs)                                                                     \
    "SELECT org_id, COUNT(*) FROM mentorships WHERE " orgs("org_id") " AND state = 'active' GROUP BY org_id"
/* waves open at some time in the week: who was asked, who answered */
#define COUNTS_POLLS(orgs)                                                                     \
    "SELECT w.org_id, COUNT(*), SUM(r.state = 'done'),"                                        \
    " SUM(r.satisfaction IS NOT NULL AND r.answered_at >= ?2 AND r.answered_at < ?3),"         \
    " TOTAL(CASE WHEN r.answered_at >= ?2 AND r.answered_at < ?3 THEN r.satisfaction END)"     \
    " FROM poll_waves w JOIN poll_recipients r ON r.wave_id = w.id"                            \
    " WHERE " orgs("w.org_id") " AND w.state <> 'scheduled' AND w.opens_at < ?3"               \
    " AND (w.closes_at IS NULL OR w.closes_at >= ?2) GROUP BY w.org_id"

/* A territory's people, each count on an index that holds only what it
 * counts (one school's are COUNTS_ACCOUNTS and COUNTS_WAITING, which read
 * all of its people): the registrations of the week by the day they
 * joined; the consents waiting; the mentees waiting, whose paired the
 * triggers of migration 27 keep equal to the NOT EXISTS above. */
#define TERRITORY_JOINED                                                                       \
    "SELECT org_id, COUNT(*) FROM accounts INDEXED BY accounts_joined"                         \
    " WHERE created_at >= ?2 AND created_at < ?3 AND role <> 'curator'"                        \
    " AND status IN ('active', 'pending_consent') AND " TERRITORY_ORGS("org_id") " GROUP BY org_id"
#define TERRITORY_PENDING                                                                      \
    "SELECT org_id, COUNT(*) FROM accounts INDEXED BY accounts_pending_consent"                \
    " WHERE status = 'pending_consent' AND " TERRITORY_ORGS("org_id") " GROUP BY org_id"
#define TERRITORY_WAITING                                                                      \
    "SELECT org_id, COUNT(*), MIN(created_at) FROM accounts INDEXED BY accounts_waiting"       \
    " WHERE " TERRITORY_ORGS("org_id") " AND role = 'mentee' AND status = 'active' AND paired = 0" \
    " GROUP BY org_id"

enum { COUNTS_ACCOUNTS_Q, COUNTS_JOINED_Q, COUNTS_PENDING_Q, COUNTS_WAITING_Q, COUNTS_MEETINGS_Q, COUNTS_STALLS_Q,
       COUNTS_PAIRS_Q, COUNTS_POLLS_Q, COUNTS_QUERIES };

/* NULL: a count the other statements of the scope already give */
static const char *const one_org_sql[COUNTS_QUERIES] = {
    COUNTS_ACCOUNTS(ONE_ORG), NULL, NULL, COUNTS_WAITING(ONE_ORG), COUNTS_MEETINGS(ONE_ORG),
    COUNTS_STALLS(ONE_ORG),   COUNTS_PAIRS(ONE_ORG),   COUNTS_POLLS(ONE_ORG)};
static const char *const territory_sql[COUNTS_QUERIES] = {
    NULL, TERRITORY_JOINED, TERRITORY_PENDING, TERRITORY_WAITING, COUNTS_MEETINGS(TERRITORY_ORGS),
    COUNTS_STALLS(TERRITORY_ORGS),   COUNTS_PAIRS(TERRITORY_ORGS),   COUNTS_POLLS(TERRITORY_ORGS)};

static int by_week_id(const void *key, const void *item)
{
    int64_t a = *(const int64_t *)key, b = ((const digest_org_week *)item)->id;
    return a < b ? -1 : a > b;
}

/* Adds one row of query q (its org_id in column 0) into c. */
static void count_row(int q, sqlite3_stmt *st, digest_counts *c)
{
    switch (q) {
    case COUNTS_ACCOUNTS_Q:
        c->registrations = sqlite3_column_int(st, 1);
        c->pending_consent = sqlite3_column_int(st, 2);
        break;
    case COUNTS_JOINED_Q:
        c->registrations = sqlite3_column_int(st, 1);
        break;
    case COUNTS_PENDING_Q:
        c->pending_consent = sqlite3_column_int(st, 1);
        break;
    case COUNTS_WAITING_Q:
        c->waiting = sqlite3_column_int(st, 1);
        c->waiting_since = sqlite3_column_int64(st, 2);
        break;
    case COUNTS_MEETINGS_Q:
        c->held = sqlite3_column_int(st, 1);
        c->missed = sqlite3_column_int(st, 2);
        c->upcoming = sqlite3_column_int(st, 3);
        break;
    case COUNTS_STALLS_Q: {
        int i = stall_index((const char *)sqlite3_column_text(st, 1)), n = sqlite3_column_int(st, 2);
        c->stalled += n;
        if (i >= 0) c->stalled_by[i] += n;
        break;
    }
    case COUNTS_PAIRS_Q:
        c->active_pairs = sqlite3_column_int(st, 1);
        break;
    default:
        c->poll_invited = sqlite3_column_int(st, 1);
        c->poll_answered = sqlite3_column_int(st, 2);
        c->satisfaction_n = sqlite3_column_int(st, 3);
        c->satisfaction_sum = sqlite3_column_double(st, 4);
        break;
    }
}

/* The counts of the organisations the statements of sql read (?1 id),
 * into weeks[n] (zeroed, by id); a row of an organisation not among them
 * is left out. */
static mb_status counts_of(db *d, const char *const *sql, int64_t id, int64_t start, int64_t end,
                           digest_org_week *weeks, int n)
{
    for (int q = 0; q < COUNTS_QUERIES; q++) {
        if (!sql[q]) continue;
        sqlite3_stmt *st = db_stmt(d, sql[q]);
        if (!st) return MB_ERR_DB;
        sqlite3_bind_int64(st, 1, id);
        if (sqlite3_bind_parameter_count(st) >= 3) {   /* a statement of the week */
            sqlite3_bind_int64(st, 2, start);
            sqlite3_bind_int64(st, 3, end);
        }
        int step;
        while ((step = db_step_raw(d, st)) == SQLITE_ROW) {
            int64_t org_id = sqlite3_column_int64(st, 0);
            digest_org_week *w = bsearch(&org_id, weeks, (size_t)n, sizeof *weeks, by_week_id);
            if (w) count_row(q, st, &w->c);
        }
        sqlite3_reset(st);
        if (step != SQLITE_DONE) return MB_ERR_DB;
    }
    return MB_OK;
}

mb_status digest_counts_load(db *d, int64_t org_id, int64_t start, int64_t end, digest_counts *out)
{
    digest_org_week w;
    memset(&w, 0, sizeof w);
    w.id = org_id;
    mb_status rc = counts_of(d, one_org_sql, org_id, start, end, &w, 1);
    *out = w.c;
    return rc;
}

mb_status digest_territory_weeks(db *d, int64_t territory_id, int64_t start, int64_t end, int64_t from, int weeks,
                                 digest_org_week **out, int *n, int *per_week)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = db_stmt(d, "SELECT o.id, o.name FROM orgs o LEFT JOIN territories m ON m.id = o.territory_id"
                                  " WHERE o.territory_id = ?1 OR m.parent_id = ?1 ORDER BY o.id");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, territory_id);
    digest_org_week *all = NULL;
    int count = 0, step;
    size_t cap = 0;
    mb_status rc = MB_OK;
    while ((step = db_step_raw(d, st)) == SQLITE_ROW && count < DIGEST_ORGS_MAX) {
        if (array_grow(&all, &cap, (size_t)count, sizeof *all, 64)) {
            rc = MB_ERR_NOMEM;
            break;
        }
        digest_org_week *w = &all[count++];
        memset(w, 0, sizeof *w);
        w->id = sqlite3_column_int64(st, 0);
        snprintf(w->name, sizeof w->name, "%s", sqlite3_column_text(st, 1));
    }
    sqlite3_reset(st);
    if (!rc && step != SQLITE_DONE && step != SQLITE_ROW) rc = MB_ERR_DB;
    if (!rc && count) rc = counts_of(d, territory_sql, territory_id, start, end, all, count);
    /* the meetings held in each week, of all of them at once: a count a
     * week on meetings_held, which SQLite reads without sorting (grouped
     * by the week, it sorted the year's meetings: twice as long) and
     * which holds the held ones only (meetings_org_digest has the year's
     * others too: twice as many to read) */
    st = rc || !count ? NULL
                      : db_stmt(d, "SELECT COUNT(*) FROM meetings INDEXED BY meetings_held WHERE "
                                   TERRITORY_ORGS("org_id")
                                   " AND starts_at >= ?2 AND starts_at < ?3 AND state = 'held'");
    if (!rc && count && !st) rc = MB_ERR_DB;
    for (int w = 0; st && !rc && w < weeks; w++) {
        int64_t upto = end - (int64_t)(weeks - 1 - w) * DIGEST_WEEK_MS, since = upto - DIGEST_WEEK_MS;
        sqlite3_bind_int64(st, 1, territory_id);
        sqlite3_bind_int64(st, 2, since > from ? since : from);
        sqlite3_bind_int64(st, 3, upto);
        int64_t held = 0;
        if ((rc = db_step_int(d, st, &held)) == MB_ERR_NOT_FOUND) rc = MB_OK;
        per_week[w] += (int)held;
    }
    if (rc) {
        free(all);
        return rc;
    }
    *out = all;
    *n = count;
    return MB_OK;
}

mb_status digest_held_by_week(db *d, int64_t org_id, int64_t from, int64_t end, int weeks, int *per_week)
{
    /* column 0: how many weeks before the last one a meeting falls */
    sqlite3_stmt *st = db_stmt(d, "SELECT (?3 - 1 - starts_at) / 604800000, COUNT(*) FROM meetings"
                                  " WHERE org_id = ?1 AND starts_at >= ?2 AND starts_at < ?3 AND state = 'held'"
                                  " GROUP BY 1");
    if (!st) return MB_ERR_DB;
    int64_t first = end - (int64_t)weeks * DIGEST_WEEK_MS;
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_int64(st, 2, first > from ? first : from);
    sqlite3_bind_int64(st, 3, end);
    int step;
    while ((step = db_step_raw(d, st)) == SQLITE_ROW) {
        int64_t back = sqlite3_column_int64(st, 0);
        if (back >= 0 && back < weeks) per_week[weeks - 1 - back] += sqlite3_column_int(st, 1);
    }
    sqlite3_reset(st);
    return step == SQLITE_DONE ? MB_OK : MB_ERR_DB;
}

int digest_territory_orgs(db *d, int64_t territory_id, int64_t *ids, int max)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT o.id FROM orgs o LEFT JOIN territories m ON m.id = o.territory_id"
                                  " WHERE o.territory_id = ?1 OR m.parent_id = ?1 ORDER BY o.id");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, territory_id);
    int n = db_step_ids(d, st, ids, max);
    return db_fault(d) ? -1 : n;
}

/* One mentorship's meetings, as the workbook counts them. */
typedef struct pair_meetings {
    int64_t id;
    int held, missed, planned;
    int64_t last_held;
} pair_meetings;

/* One meeting of the organisation as the index holds it. */
typedef struct meeting_mark {
    int64_t pair, starts_at;
    int state;          /* 0 held, 1 missed, 2 planned, 3 other */
} meeting_mark;

static int by_pair_then_time(const void *a, const void *b)
{
    const meeting_mark *x = a, *y = b;
    if (x->pair != y->pair) return x->pair < y->pair ? -1 : 1;
    return x->starts_at < y->starts_at ? -1 : x->starts_at > y->starts_at;
}

static int meeting_state(const unsigned char *s)
{
    if (!s) return 3;
    if (strcmp((const char *)s, "held") == 0) return 0;
    if (strcmp((const char *)s, "missed") == 0) return 1;
    return strcmp((const char *)s, "planned") == 0 ? 2 : 3;
}

/* The meetings of every mentorship of org_id, by mentorship id, from one
 * read of the organisation's covering index (meetings_org_digest), not a
 * read per pair; counted here rather than grouped by SQLite, whose sorter
 * and aggregates took half the workbook's reading (bench/digest.c). *n of
 * them, NULL with *n 0 when there are none or memory ran out (*rc says
 * which). */
static pair_meetings *meetings_by_pair(db *d, int64_t org_id, int *n, mb_status *rc)
{
    *n = 0;
    *rc = MB_OK;
    sqlite3_stmt *st = db_stmt(d, "SELECT mentorship_id, state, starts_at FROM meetings"
                                  " WHERE org_id = ?1 AND mentorship_id IS NOT NULL");
    if (!st) {
        *rc = MB_ERR_DB;
        return NULL;
    }
    sqlite3_bind_int64(st, 1, org_id);
    meeting_mark *marks = NULL;
    int nmarks = 0, step;
    size_t cap = 0;
    while ((step = db_step_raw(d, st)) == SQLITE_ROW) {
        if (array_grow(&marks, &cap, (size_t)nmarks, sizeof *marks, 1024)) {
            *rc = MB_ERR_NOMEM;
            break;
        }
        meeting_mark *m = &marks[nmarks++];
        m->pair = sqlite3_column_int64(st, 0);
        m->state = meeting_state(sqlite3_column_text(st, 1));
        m->starts_at = sqlite3_column_int64(st, 2);
    }
    sqlite3_reset(st);
    if (!*rc && step != SQLITE_DONE) *rc = MB_ERR_DB;
    pair_meetings *all = NULL;
    if (!*rc && nmarks) {
        qsort(marks, (size_t)nmarks, sizeof *marks, by_pair_then_time);
        all = malloc((size_t)nmarks * sizeof *all);
        if (!all) *rc = MB_ERR_NOMEM;
    }
    for (int i = 0; all && i < nmarks; i++) {
        if (!*n || all[*n - 1].id != marks[i].pair) all[(*n)++] = (pair_meetings){.id = marks[i].pair};
        pair_meetings *p = &all[*n - 1];
        if (marks[i].state == 0) {
            p->held++;
            p->last_held = marks[i].starts_at;   /* by time: the last one read is the latest */
        } else if (marks[i].state == 1) {
            p->missed++;
        } else if (marks[i].state == 2) {
            p->planned++;
        }
    }
    free(marks);
    if (*rc) {
        free(all);
        *n = 0;
        return NULL;
    }
    return all;
}

static int by_pair_id(const void *key, const void *item)
{
    int64_t a = *(const int64_t *)key, b = ((const pair_meetings *)item)->id;
    return a < b ? -1 : a > b;
}

mb_status digest_pairs_each(db *d, int64_t org_id, int64_t since, digest_pair_fn fn, void *arg)
{
    int nmeet;
    mb_status rc;
    pair_meetings *meet = meetings_by_pair(d, org_id, &nmeet, &rc);
    if (rc) return rc;
    sqlite3_stmt *st = db_stmt(
        d, "SELECT m.id, COALESCE(a.name, ''), m.form, m.state, m.created_at,"
           " (SELECT group_concat(COALESCE(e.name, ''), ', ') FROM mentorship_members mm JOIN accounts e"
           "   ON e.id = mm.mentee_id WHERE mm.mentorship_id = m.id),"
           " (SELECT s.reason FROM mentorship_stalls s WHERE s.mentorship_id = m.id AND s.ended_at IS NULL)"
           " FROM mentorships m JOIN accounts a ON a.id = m.mentor_id"
           " WHERE m.org_id = ?1 AND (m.state = 'active' OR m.ended_at >= ?2) ORDER BY m.id");
    if (!st) {
        free(meet);
        return MB_ERR_DB;
    }
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_int64(st, 2, since);
    int step;
    while ((step = db_step_raw(d, st)) == SQLITE_ROW) {
        digest_pair_row r;
        memset(&r, 0, sizeof r);
        r.id = sqlite3_column_int64(st, 0);
        db_column_copy(st, 1, r.mentor, sizeof r.mentor);
        db_column_copy(st, 2, r.form, sizeof r.form);
        db_column_copy(st, 3, r.state, sizeof r.state);
        r.created_at = sqlite3_column_int64(st, 4);
        db_column_copy(st, 5, r.mentees, sizeof r.mentees);
        r.stall_reason = stall_index((const char *)sqlite3_column_text(st, 6));
        const pair_meetings *m = nmeet ? bsearch(&r.id, meet, (size_t)nmeet, sizeof *meet, by_pair_id) : NULL;
        if (m) {
            r.held = m->held;
            r.missed = m->missed;
            r.planned = m->planned;
        }
        r.last_activity = m && m->last_held > r.created_at ? m->last_held : r.created_at;
        if (fn(&r, arg)) break;
    }
    sqlite3_reset(st);
    free(meet);
    return step == SQLITE_DONE || step == SQLITE_ROW ? MB_OK : MB_ERR_DB;
}

mb_status digest_waiting_each(db *d, int64_t org_id, digest_waiting_fn fn, void *arg)
{
    sqlite3_stmt *st = db_stmt(
        d, "SELECT id, COALESCE(name, ''), COALESCE(category, ''), COALESCE(grade, 0), created_at, status"
           " FROM accounts a WHERE org_id = ?1 AND role = 'mentee' AND (status = 'pending_consent' OR"
           " (status = 'active' AND NOT EXISTS (SELECT 1 FROM mentorship_members mm WHERE mm.mentee_id = a.id"
           "   AND mm.left_at IS NULL))) ORDER BY created_at, id");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, org_id);
    int step;
    while ((step = db_step_raw(d, st)) == SQLITE_ROW) {
        digest_waiting_row r;
        memset(&r, 0, sizeof r);
        r.id = sqlite3_column_int64(st, 0);
        db_column_copy(st, 1, r.name, sizeof r.name);
        db_column_copy(st, 2, r.category, sizeof r.category);
        r.grade = sqlite3_column_int(st, 3);
        r.joined_at = sqlite3_column_int64(st, 4);
        snprintf(r.state, sizeof r.state, "%s",
                 strcmp((const char *)sqlite3_column_text(st, 5), "active") == 0 ? "waiting" : "pending_consent");
        if (fn(&r, arg)) break;
    }
    sqlite3_reset(st);
    return step == SQLITE_DONE || step == SQLITE_ROW ? MB_OK : MB_ERR_DB;
}

int digest_recipients(db *d, int64_t after_id, int64_t *ids, int max)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT id FROM accounts WHERE id > ?1 AND status = 'active'"
                                  " AND role IN ('curator', 'coordinator') ORDER BY id LIMIT ?2");
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, after_id);
    sqlite3_bind_int(st, 2, max);
    return db_step_ids(d, st, ids, max);
}

int digest_files_on_their_way(db *d, int64_t account_id)
{
    /* the person's messages on outbox_account, a few hundred at most
     * within the retention's month */
    sqlite3_stmt *st = db_stmt(d, "SELECT EXISTS (SELECT 1 FROM outbox WHERE account_id = ?1"
                                  " AND kind IN ('photo', 'document') AND state IN ('pending', 'sending', 'checking'))");
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, account_id);
    return db_step_scalar(d, st, 0) != 0;
}

int digest_muted(db *d, int64_t account_id)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT digest_muted FROM accounts WHERE id = ?1");
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, account_id);
    return db_step_scalar(d, st, 0) != 0;
}

mb_status digest_set_muted(db *d, int64_t account_id, int muted)
{
    sqlite3_stmt *st = db_stmt(d, "UPDATE accounts SET digest_muted = ?2 WHERE id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, account_id);
    sqlite3_bind_int(st, 2, muted ? 1 : 0);
    int step = db_step_raw(d, st);
    sqlite3_reset(st);
    return step == SQLITE_DONE ? MB_OK : MB_ERR_DB;
}

mb_status digest_week_claim(db *d, int64_t account_id, const char *week, int64_t job_id)
{
    sqlite3_stmt *st = db_stmt(d, "INSERT OR IGNORE INTO digest_weeks(account_id, week, job_id, state)"
                                  " VALUES(?1, ?2, ?3, 'planned')");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, account_id);
    sqlite3_bind_text(st, 2, week, -1, SQLITE_STATIC);
    if (job_id) sqlite3_bind_int64(st, 3, job_id);
    int step = db_step_raw(d, st);
    sqlite3_reset(st);
    if (step != SQLITE_DONE) return MB_ERR_DB;
    return sqlite3_changes(db_handle(d)) ? MB_OK : MB_ERR_EXISTS;
}

mb_status digest_week_finish(db *d, int64_t account_id, const char *week, const char *state, const char *note)
{
    sqlite3_stmt *st = db_stmt(d, "UPDATE digest_weeks SET state = ?3, note = ?4 WHERE account_id = ?1 AND week = ?2");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, account_id);
    sqlite3_bind_text(st, 2, week, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, state, -1, SQLITE_STATIC);
    if (note) sqlite3_bind_text(st, 4, note, -1, SQLITE_TRANSIENT);
    int step = db_step_raw(d, st);
    sqlite3_reset(st);
    return step == SQLITE_DONE ? MB_OK : MB_ERR_DB;
}

static void fill_state(sqlite3_stmt *st, void *out)
{
    char **buf = out;
    db_column_copy(st, 0, buf[0], (size_t)(uintptr_t)buf[1]);
}

mb_status digest_week_state(db *d, int64_t account_id, const char *week, char *buf, size_t size)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT state FROM digest_weeks WHERE account_id = ?1 AND week = ?2");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, account_id);
    sqlite3_bind_text(st, 2, week, -1, SQLITE_STATIC);
    char *args[2] = {buf, (char *)(uintptr_t)size};
    return db_first_row(d, st, fill_state, args);
}

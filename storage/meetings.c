#include "storage/meetings_internal.h"
#include "util/text.h"
#include "util/array.h"

#include <stdlib.h>
#include <string.h>

static const char *const kinds[] = {"intro", "trial", "planning", "work", "final",
                                    "training", "business_game", "mini_project", "activity", NULL};
#define FIRST_ACTIVITY 5   /* kinds from here on are activities for mentees */

static int kind_index(const char *kind)
{
    for (int i = 0; kind && kinds[i]; i++)
        if (strcmp(kind, kinds[i]) == 0) return i;
    return -1;
}

int meeting_kind_valid(const char *kind) { return kind_index(kind) >= 0; }

int meeting_kind_is_activity(const char *kind) { return kind_index(kind) >= FIRST_ACTIVITY; }

const char *meeting_problem_str(meeting_problem p)
{
    switch (p) {
    case MEETING_PLAN_OK: return "the plan is fine";
    case MEETING_BAD_KIND: return "unknown kind of meeting (one of: " MEETING_KINDS ")";
    case MEETING_PLACE_AND_LINK: return "a meeting has either a place (in person) or a link (online), not both";
    case MEETING_PLACE_ONLINE: return "an online meeting has no place";
    case MEETING_BAD_TOPIC: return "the topic must be one line of text of at most 200 characters";
    case MEETING_BAD_PLACE: return "the place must be one line of text of at most 200 characters";
    case MEETING_BAD_LINK: return "the link must be an http:// or https:// address of at most 500 bytes";
    case MEETING_BAD_MINUTES: return "a meeting lasts 1 to 480 minutes";
    case MEETING_IN_PAST: return "the time is in the past";
    case MEETING_TOO_FAR: return "the time is more than a year ahead";
    case MEETING_SERIES_EMPTY: return "no date of the series is left before its end (holidays, the end date)";
    }
    return "the plan is refused";
}

/* One line of valid UTF-8 without control characters, of 1..max
 * characters; NULL and "" are fine (none). */
static int line_ok(const char *s, size_t max)
{
    if (!s || !*s) return 1;
    size_t n = strlen(s);
    if (!text_utf8_valid(s, n)) return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f) return 0;
    return text_codepoints(s) <= max;
}

static int link_ok(const char *s)
{
    if (!s || !*s) return 1;
    if (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0) return 0;
    if (strlen(s) > MEETING_LINK_MAX) return 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p <= 0x20 || *p == 0x7f) return 0;
    return 1;
}

static int has(const char *s) { return s && *s; }

meeting_problem meeting_plan_check(const meeting_plan *p, int64_t now)
{
    if (p->kind && !meeting_kind_valid(p->kind)) return MEETING_BAD_KIND;
    if (has(p->place) && has(p->link)) return MEETING_PLACE_AND_LINK;
    if (p->online && has(p->place)) return MEETING_PLACE_ONLINE;
    if (!line_ok(p->topic, MEETING_TOPIC_MAX)) return MEETING_BAD_TOPIC;
    if (!line_ok(p->place, MEETING_PLACE_MAX)) return MEETING_BAD_PLACE;
    if (!link_ok(p->link)) return MEETING_BAD_LINK;
    if (p->minutes < 0 || p->minutes > MEETING_MINUTES_MAX) return MEETING_BAD_MINUTES;
    if (p->starts_at < now) return MEETING_IN_PAST;
    if (p->starts_at > now + MEETING_AHEAD_MAX_MS) return MEETING_TOO_FAR;
    return MEETING_PLAN_OK;
}

mb_status meeting_write_begin(db *d) { return db_exec(d, "SAVEPOINT meeting_write"); }

mb_status meeting_write_end(db *d, mb_status rc)
{
    if (rc == MB_OK) return db_exec(d, "RELEASE meeting_write");
    if (db_exec(d, "ROLLBACK TO meeting_write") == MB_OK) (void)db_exec(d, "RELEASE meeting_write");
    return rc;
}

mb_status meeting_insert(db *d, int64_t org_id, int64_t mentorship_id, int64_t series_id, const meeting_plan *p,
                         int64_t now, int64_t *id_out)
{
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO meetings(org_id, mentorship_id, kind, topic, format, place, link,"
                                  " starts_at, minutes, series_id, created_by, created_at, updated_at)"
                                  " VALUES(?1, NULLIF(?2, 0), ?3, NULLIF(?4, ''), ?5, NULLIF(?6, ''), NULLIF(?7, ''),"
                                  " ?8, ?9, NULLIF(?10, 0), NULLIF(?11, 0), ?12, ?12)");
    if (!st) return MB_ERR_DB;
    int online = p->online || has(p->link);
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_int64(st, 2, mentorship_id);
    sqlite3_bind_text(st, 3, p->kind ? p->kind : "work", -1, SQLITE_STATIC);
    db_bind_text(st, 4, p->topic);
    sqlite3_bind_text(st, 5, online ? "online" : "in_person", -1, SQLITE_STATIC);
    db_bind_text(st, 6, p->place);
    db_bind_text(st, 7, p->link);
    sqlite3_bind_int64(st, 8, p->starts_at);
    sqlite3_bind_int(st, 9, p->minutes ? p->minutes : MEETING_MINUTES_DEFAULT);
    sqlite3_bind_int64(st, 10, series_id);
    sqlite3_bind_int64(st, 11, p->created_by);
    sqlite3_bind_int64(st, 12, now);
    mb_status rc = db_step_done(d, st);
    if (!rc) *id_out = sqlite3_last_insert_rowid(db_handle(d));
    return rc;
}

/* A mentor of two mentorships of one activity takes part once. */
mb_status meeting_join(db *d, int64_t meeting_id, const mentorship *m)
{
    mb_status rc = db_run_with_ints(d, "INSERT INTO meeting_mentorships(meeting_id, mentorship_id) VALUES(?1, ?2)",
                                    meeting_id, m->id);
    sqlite3_stmt *st = rc ? NULL : db_stmt(d, "INSERT OR IGNORE INTO meeting_participants(meeting_id, account_id, role)"
                                              " VALUES(?1, ?2, ?3)");
    if (rc || !st) return rc ? rc : MB_ERR_DB;
    for (int i = -1; i < m->nmentees && !rc; i++) {
        sqlite3_bind_int64(st, 1, meeting_id);
        sqlite3_bind_int64(st, 2, i < 0 ? m->mentor_id : m->mentees[i]);
        sqlite3_bind_text(st, 3, i < 0 ? "mentor" : "mentee", -1, SQLITE_STATIC);
        rc = db_step_done(d, st);
    }
    return rc;
}

mb_status meeting_mentorship_active(db *d, int64_t id, mentorship *m)
{
    mb_status rc = mentorship_load(d, id, m);
    if (rc) return rc;
    return strcmp(m->state, "active") == 0 ? MB_OK : MB_ERR_EXPIRED;
}

static mb_status refuse(meeting_problem why, meeting_problem *problem)
{
    if (problem) *problem = why;
    return why ? MB_ERR_INVALID : MB_OK;
}

mb_status meeting_add(db *d, int64_t mentorship_id, const meeting_plan *p, int64_t now, int64_t *id_out,
                      meeting_problem *problem)
{
    mb_status rc = refuse(meeting_plan_check(p, now), problem);
    if (rc) return rc;
    mentorship m;
    if ((rc = meeting_mentorship_active(d, mentorship_id, &m)) || (rc = meeting_write_begin(d))) return rc;
    int64_t id = 0;
    rc = meeting_insert(d, m.org_id, m.id, 0, p, now, &id);
    if (!rc) rc = meeting_join(d, id, &m);
    if ((rc = meeting_write_end(d, rc))) return rc;
    if (id_out) *id_out = id;
    return MB_OK;
}

mb_status meeting_add_activity(db *d, const int64_t *mentorships, int n, const meeting_plan *p, int64_t now,
                               int64_t *id_out, meeting_problem *problem)
{
    if (n < 1 || n > MEETING_ACTIVITY_MENTORSHIPS_MAX) return MB_ERR_LIMIT;
    if (!meeting_kind_is_activity(p->kind)) return refuse(MEETING_BAD_KIND, problem);
    mb_status rc = refuse(meeting_plan_check(p, now), problem);
    if (rc) return rc;
    mentorship *all = malloc((size_t)n * sizeof *all);
    if (!all) return MB_ERR_NOMEM;
    for (int i = 0; i < n && !rc; i++) {
        rc = meeting_mentorship_active(d, mentorships[i], &all[i]);
        if (!rc && all[i].org_id != all[0].org_id) rc = MB_ERR_INVALID;
    }
    int64_t id = 0;
    if (!rc && !(rc = meeting_write_begin(d))) {
        rc = meeting_insert(d, all[0].org_id, n == 1 ? all[0].id : 0, 0, p, now, &id);
        for (int i = 0; i < n && !rc; i++) {
            rc = meeting_join(d, id, &all[i]);
            /* the same mentorship named twice */
            if (rc == MB_ERR_EXISTS) rc = MB_ERR_INVALID;
        }
        rc = meeting_write_end(d, rc);
    }
    free(all);
    if (!rc && id_out) *id_out = id;
    return rc;
}

#define MEETING_COLUMNS                                                                                     \
    "m.id, m.org_id, COALESCE(m.mentorship_id, 0), COALESCE(m.series_id, 0), m.kind, m.topic, m.format,"     \
    " m.place, m.link, m.starts_at, m.minutes, m.state, COALESCE(m.created_by, 0), m.created_at, m.updated_at," \
    " m.version"

static void read_meeting(sqlite3_stmt *st, void *row)
{
    meeting *m = row;
    memset(m, 0, sizeof *m);
    m->id = sqlite3_column_int64(st, 0);
    m->org_id = sqlite3_column_int64(st, 1);
    m->mentorship_id = sqlite3_column_int64(st, 2);
    m->series_id = sqlite3_column_int64(st, 3);
    db_column_copy(st, 4, m->kind, sizeof m->kind);
    db_column_copy(st, 5, m->topic, sizeof m->topic);
    db_column_copy(st, 6, m->format, sizeof m->format);
    db_column_copy(st, 7, m->place, sizeof m->place);
    db_column_copy(st, 8, m->link, sizeof m->link);
    m->starts_at = sqlite3_column_int64(st, 9);
    m->minutes = sqlite3_column_int(st, 10);
    db_column_copy(st, 11, m->state, sizeof m->state);
    m->created_by = sqlite3_column_int64(st, 12);
    m->created_at = sqlite3_column_int64(st, 13);
    m->updated_at = sqlite3_column_int64(st, 14);
    m->version = sqlite3_column_int(st, 15);
}

mb_status meeting_load(db *d, int64_t id, meeting *out)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT " MEETING_COLUMNS " FROM meetings m WHERE m.id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    return db_first_row(d, st, read_meeting, out);
}

int meeting_participants_all(db *d, int64_t meeting_id, int max, meeting_participant **out)
{
    *out = NULL;
    int n = meeting_participants(d, meeting_id, NULL, 0);
    if (n <= 0) return n;
    if (n > max) n = max;
    if (!(*out = calloc((size_t)n, sizeof **out))) return -1;
    int got = meeting_participants(d, meeting_id, *out, n);   /* may count more than it wrote */
    if (got < 0) {
        free(*out);
        *out = NULL;
    }
    return got < n ? got : n;
}

int meeting_participants(db *d, int64_t meeting_id, meeting_participant *out, int max)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT account_id, role, response, COALESCE(proposed_at, 0),"
                                  " COALESCE(responded_at, 0), outcome, COALESCE(usefulness, 0), comment,"
                                  " COALESCE(answered_at, 0) FROM meeting_participants WHERE meeting_id = ?1"
                                  " ORDER BY role = 'mentee', account_id");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, meeting_id);
    int n = 0, rc;
    while ((rc = db_step_raw(d, st)) == SQLITE_ROW) {
        if (n < max) {
            meeting_participant *p = &out[n];
            memset(p, 0, sizeof *p);
            p->account_id = sqlite3_column_int64(st, 0);
            db_column_copy(st, 1, p->role, sizeof p->role);
            db_column_copy(st, 2, p->response, sizeof p->response);
            p->proposed_at = sqlite3_column_int64(st, 3);
            p->responded_at = sqlite3_column_int64(st, 4);
            db_column_copy(st, 5, p->outcome, sizeof p->outcome);
            p->usefulness = sqlite3_column_int(st, 6);
            db_column_copy(st, 7, p->comment, sizeof p->comment);
            p->answered_at = sqlite3_column_int64(st, 8);
        }
        n++;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? n : -1;
}

int meeting_mentorships(db *d, int64_t meeting_id, int64_t *ids, int max)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT mentorship_id FROM meeting_mentorships WHERE meeting_id = ?1"
                                  " ORDER BY mentorship_id");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, meeting_id);
    return db_step_ids(d, st, ids, max);
}

/* MB_OK when meeting id is planned and at version (0 = any); MB_ERR_NOT_FOUND
 * when there is no such meeting, MB_ERR_EXPIRED otherwise. */
static mb_status check_current(db *d, int64_t id, int version, meeting *m)
{
    mb_status rc = meeting_load(d, id, m);
    if (rc) return rc;
    if ((version && version != m->version) || strcmp(m->state, "planned") != 0) return MB_ERR_EXPIRED;
    return MB_OK;
}

static mb_status changed_one(db *d, mb_status rc)
{
    if (!rc && sqlite3_changes(db_handle(d)) == 0) rc = MB_ERR_NOT_FOUND;
    return rc;
}

mb_status meeting_respond(db *d, int64_t meeting_id, int version, int64_t account_id, const char *response,
                          int64_t proposed_at, int64_t now)
{
    int proposed = response && strcmp(response, "proposed") == 0;
    if (!response || (!proposed && strcmp(response, "accepted") != 0 && strcmp(response, "declined") != 0))
        return MB_ERR_INVALID;
    if (proposed && (proposed_at < now || proposed_at > now + MEETING_AHEAD_MAX_MS)) return MB_ERR_INVALID;
    meeting m;
    mb_status rc = check_current(d, meeting_id, version, &m);
    if (rc) return rc;
    sqlite3_stmt *st = db_stmt(d, "UPDATE meeting_participants SET response = ?3, proposed_at = NULLIF(?4, 0),"
                                  " responded_at = ?5 WHERE meeting_id = ?1 AND account_id = ?2");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, meeting_id);
    sqlite3_bind_int64(st, 2, account_id);
    sqlite3_bind_text(st, 3, response, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, proposed ? proposed_at : 0);
    sqlite3_bind_int64(st, 5, now);
    return changed_one(d, db_step_done(d, st));
}

/* Sets the state of a planned meeting at version, growing the version. */
static mb_status set_state(db *d, int64_t id, int version, const char *state, int64_t now)
{
    meeting m;
    mb_status rc = check_current(d, id, version, &m);
    if (rc) return rc;
    sqlite3_stmt *st = db_stmt(d, "UPDATE meetings SET state = ?2, version = version + 1, updated_at = ?3"
                                  " WHERE id = ?1 AND state = 'planned' AND version = ?4");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_int(st, 4, m.version);
    rc = changed_one(d, db_step_done(d, st));
    return rc == MB_ERR_NOT_FOUND ? MB_ERR_EXPIRED : rc;
}

mb_status meeting_cancel(db *d, int64_t id, int version, int64_t now)
{
    return set_state(d, id, version, "cancelled", now);
}

mb_status meeting_mark(db *d, int64_t id, int version, const char *state, int64_t now)
{
    if (!state || (strcmp(state, "held") != 0 && strcmp(state, "missed") != 0)) return MB_ERR_INVALID;
    return set_state(d, id, version, state, now);
}

mb_status meeting_move(db *d, int64_t id, int version, int64_t starts_at, int64_t by, int64_t now)
{
    if (starts_at < now || starts_at > now + MEETING_AHEAD_MAX_MS) return MB_ERR_INVALID;
    meeting m;
    mb_status rc = check_current(d, id, version, &m);
    if (rc || (rc = meeting_write_begin(d))) return rc;
    sqlite3_stmt *st = db_stmt(d, "UPDATE meetings SET starts_at = ?2, version = version + 1, updated_at = ?3"
                                  " WHERE id = ?1 AND version = ?4");
    if (!st) return meeting_write_end(d, MB_ERR_DB);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, starts_at);
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_int(st, 4, m.version);
    rc = changed_one(d, db_step_done(d, st));
    if (rc == MB_ERR_NOT_FOUND) rc = MB_ERR_EXPIRED;
    if (!rc && (st = db_stmt(d, "UPDATE meeting_participants SET response = CASE WHEN account_id = ?2"
                                " THEN 'accepted' ELSE 'none' END, proposed_at = NULL,"
                                " responded_at = CASE WHEN account_id = ?2 THEN ?3 END WHERE meeting_id = ?1"))) {
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, by);
        sqlite3_bind_int64(st, 3, now);
        rc = db_step_done(d, st);
    } else if (!rc) {
        rc = MB_ERR_DB;
    }
    return meeting_write_end(d, rc);
}

mb_status meeting_set_detail(db *d, int64_t id, int version, meeting_detail what, const char *value, int64_t now,
                             meeting_problem *problem)
{
    meeting_problem why = what == MEETING_DETAIL_LINK    ? (link_ok(value) ? MEETING_PLAN_OK : MEETING_BAD_LINK)
                          : what == MEETING_DETAIL_PLACE ? (line_ok(value, MEETING_PLACE_MAX) ? MEETING_PLAN_OK
                                                                                             : MEETING_BAD_PLACE)
                          : line_ok(value, MEETING_TOPIC_MAX) ? MEETING_PLAN_OK : MEETING_BAD_TOPIC;
    if (problem) *problem = why;
    if (why) return MB_ERR_INVALID;
    meeting m;
    mb_status rc = check_current(d, id, version, &m);
    if (rc || (rc = meeting_write_begin(d))) return rc;
    /* A place makes the meeting in person, a link online; the other goes. */
    static const char *const sql[] = {
        [MEETING_DETAIL_PLACE] = "UPDATE meetings SET place = NULLIF(?2, ''), link = NULL, format = 'in_person',"
                                 " version = version + 1, updated_at = ?3 WHERE id = ?1 AND version = ?4",
        [MEETING_DETAIL_LINK] = "UPDATE meetings SET link = NULLIF(?2, ''), place = NULL, format = 'online',"
                                " version = version + 1, updated_at = ?3 WHERE id = ?1 AND version = ?4",
        [MEETING_DETAIL_TOPIC] = "UPDATE meetings SET topic = NULLIF(?2, ''), version = version + 1, updated_at = ?3"
                                 " WHERE id = ?1 AND version = ?4"};
    sqlite3_stmt *st = db_stmt(d, sql[what]);
    if (!st) return meeting_write_end(d, MB_ERR_DB);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, value ? value : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_int(st, 4, m.version);
    rc = changed_one(d, db_step_done(d, st));
    if (rc == MB_ERR_NOT_FOUND) rc = MB_ERR_EXPIRED;
    return meeting_write_end(d, rc);
}

mb_status meeting_answer(db *d, int64_t meeting_id, int64_t account_id, const char *outcome, int usefulness,
                         const char *comment, int64_t now)
{
    int happened = outcome && strcmp(outcome, "happened") == 0;
    if (!outcome || (!happened && strcmp(outcome, "moved") != 0 && strcmp(outcome, "not_held") != 0))
        return MB_ERR_INVALID;
    if (usefulness < 0 || usefulness > 5 || (!happened && (usefulness || has(comment))) ||
        !line_ok(comment, MEETING_COMMENT_MAX))
        return MB_ERR_INVALID;
    meeting m;
    mb_status rc = meeting_load(d, meeting_id, &m);
    if (rc) return rc;
    if (strcmp(m.state, "cancelled") == 0 || m.starts_at > now) return MB_ERR_EXPIRED;
    sqlite3_stmt *st = db_stmt(d, "UPDATE meeting_participants SET outcome = ?3, usefulness = NULLIF(?4, 0),"
                                  " comment = NULLIF(?5, ''), answered_at = ?6"
                                  " WHERE meeting_id = ?1 AND account_id = ?2");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, meeting_id);
    sqlite3_bind_int64(st, 2, account_id);
    sqlite3_bind_text(st, 3, outcome, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, usefulness);
    db_bind_text(st, 5, comment);
    sqlite3_bind_int64(st, 6, now);
    return changed_one(d, db_step_done(d, st));
}

/* Reads every row of a bound meeting query into a malloc'd array. */
static mb_status read_meetings(db *d, sqlite3_stmt *st, meeting **out, int *n)
{
    *out = NULL;
    *n = 0;
    size_t cap = 0;
    int rc;
    meeting *arr = NULL;
    while ((rc = db_step_raw(d, st)) == SQLITE_ROW) {
        if (array_grow(&arr, &cap, (size_t)*n, sizeof *arr, 16)) {
            free(arr);
            sqlite3_reset(st);
            *n = 0;
            return MB_ERR_NOMEM;
        }
        read_meeting(st, &arr[(*n)++]);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        free(arr);
        *n = 0;
        return MB_ERR_DB;
    }
    *out = arr;
    return MB_OK;
}

static mb_status list_range(db *d, const char *sql, int64_t key, int64_t from, int64_t to, int with_cancelled,
                            int offset, int max, meeting **out, int *n)
{
    sqlite3_stmt *st = db_stmt(d, sql);
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, key);
    sqlite3_bind_int64(st, 2, from);
    sqlite3_bind_int64(st, 3, to);
    sqlite3_bind_int(st, 4, with_cancelled);
    sqlite3_bind_int(st, 5, max);
    sqlite3_bind_int(st, 6, offset);
    return read_meetings(d, st, out, n);
}

mb_status meeting_list_org(db *d, int64_t org_id, int64_t from, int64_t to, int with_cancelled, int offset, int max,
                           meeting **out, int *n)
{
    return list_range(d, "SELECT " MEETING_COLUMNS " FROM meetings m WHERE m.org_id = ?1 AND m.starts_at >= ?2"
                         " AND m.starts_at < ?3 AND (?4 OR m.state <> 'cancelled') ORDER BY m.starts_at, m.id"
                         " LIMIT ?5 OFFSET ?6",
                      org_id, from, to, with_cancelled, offset, max, out, n);
}

mb_status meeting_list_person(db *d, int64_t account_id, int64_t from, int64_t to, int with_cancelled, int offset,
                              int max, meeting **out, int *n)
{
    return list_range(d, "SELECT " MEETING_COLUMNS " FROM meeting_participants p JOIN meetings m"
                         " ON m.id = p.meeting_id WHERE p.account_id = ?1 AND m.starts_at >= ?2"
                         " AND m.starts_at < ?3 AND (?4 OR m.state <> 'cancelled') ORDER BY m.starts_at, m.id"
                         " LIMIT ?5 OFFSET ?6",
                      account_id, from, to, with_cancelled, offset, max, out, n);
}

mb_status meeting_list_mentorship(db *d, int64_t mentorship_id, int offset, int max, meeting **out, int *n)
{
    return list_range(d, "SELECT " MEETING_COLUMNS " FROM meeting_mentorships x JOIN meetings m"
                         " ON m.id = x.meeting_id WHERE x.mentorship_id = ?1 AND m.starts_at >= ?2"
                         " AND m.starts_at < ?3 AND (?4 OR m.state <> 'cancelled') ORDER BY m.starts_at, m.id"
                         " LIMIT ?5 OFFSET ?6",
                      mentorship_id, INT64_MIN, INT64_MAX, 1, offset, max, out, n);
}

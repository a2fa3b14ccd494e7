#include "storage/mentorships.h"
#include "storage/profiles.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/array.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ["a","b"] of codes -> bits; unknown codes are skipped. */
static uint32_t code_bits(const unsigned char *json, int (*code)(const char *))
{
    if (!json || json[0] != '[' || json[1] == ']') return 0;
    uint32_t bits = 0;
    cJSON *arr = cJSON_Parse((const char *)json), *it;
    cJSON_ArrayForEach(it, arr) {
        int b = code(cJSON_GetStringValue(it));
        if (b >= 0 && b < 32) bits |= 1u << b;
    }
    cJSON_Delete(arr);
    return bits;
}

/* Columns: id, org_id, category, grade, has profile, topics, forms, slots,
 * meeting_mode, capacity, load. */
#define CANDIDATE_COLUMNS \
    "a.id, a.org_id, a.category, a.grade, p.account_id IS NOT NULL, p.topics, p.forms, p.slots," \
    " p.meeting_mode, COALESCE(p.capacity, 0)"

static void read_candidate(sqlite3_stmt *st, void *row)
{
    mentorship_candidate *c = row;
    memset(c, 0, sizeof *c);
    c->id = sqlite3_column_int64(st, 0);
    c->org_id = sqlite3_column_int64(st, 1);
    db_column_copy(st, 2, c->category, sizeof c->category);
    c->grade = sqlite3_column_int(st, 3);
    c->has_profile = sqlite3_column_int(st, 4);
    c->topics = code_bits(sqlite3_column_text(st, 5), profile_topic_code);
    c->forms = code_bits(sqlite3_column_text(st, 6), profile_form_code);
    c->slots = code_bits(sqlite3_column_text(st, 7), profile_slot_code);
    db_column_copy(st, 8, c->meeting_mode, sizeof c->meeting_mode);
    c->capacity = sqlite3_column_int(st, 9);
    c->load = sqlite3_column_int(st, 10);
}

/* Reads every row of a prepared candidate query into a growing array. */
static mb_status read_candidates(db *d, sqlite3_stmt *st, mentorship_candidate **out, int *n)
{
    *out = NULL;
    *n = 0;
    size_t cap = 0;
    int rc;
    mentorship_candidate *arr = NULL;
    while ((rc = db_step_raw(d, st)) == SQLITE_ROW) {
        if (array_grow(&arr, &cap, (size_t)*n, sizeof *arr, 64)) {
            free(arr);
            sqlite3_reset(st);
            return MB_ERR_NOMEM;
        }
        read_candidate(st, &arr[(*n)++]);
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

mb_status mentorship_load_queue(db *d, int64_t org_id, mentorship_candidate **out, int *n)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT " CANDIDATE_COLUMNS ", 0 FROM accounts a"
                                  " LEFT JOIN profiles p ON p.account_id = a.id"
                                  " WHERE a.org_id = ?1 AND a.role = 'mentee' AND a.status = 'active'"
                                  " AND NOT EXISTS (SELECT 1 FROM mentorship_members mm"
                                  "   WHERE mm.mentee_id = a.id AND mm.left_at IS NULL)"
                                  " ORDER BY a.id");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, org_id);
    return read_candidates(d, st, out, n);
}

mb_status mentorship_load_mentors(db *d, int64_t org_id, mentorship_candidate **out, int *n)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT " CANDIDATE_COLUMNS ", COALESCE(l.n, 0) FROM accounts a"
                                  " LEFT JOIN profiles p ON p.account_id = a.id"
                                  " LEFT JOIN (SELECT m.mentor_id, COUNT(*) AS n FROM mentorships m"
                                  "   JOIN mentorship_members mm ON mm.mentorship_id = m.id AND mm.left_at IS NULL"
                                  "   WHERE m.org_id = ?1 AND m.state = 'active' GROUP BY m.mentor_id) l"
                                  "   ON l.mentor_id = a.id"
                                  " WHERE a.org_id = ?1 AND a.role = 'mentor' AND a.status = 'active'"
                                  " ORDER BY a.id");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, org_id);
    return read_candidates(d, st, out, n);
}

/* Mentees in a mentor's active mentorships. */
static int mentor_load(db *d, int64_t mentor_id)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT COUNT(*) FROM mentorships m JOIN mentorship_members mm"
                                  " ON mm.mentorship_id = m.id AND mm.left_at IS NULL"
                                  " WHERE m.mentor_id = ?1 AND m.state = 'active'");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, mentor_id);
    return (int)db_step_scalar(d, st, -1);
}

mb_status mentorship_load_candidate(db *d, int64_t account_id, mentorship_candidate *out)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT " CANDIDATE_COLUMNS ", 0 FROM accounts a"
                                  " LEFT JOIN profiles p ON p.account_id = a.id WHERE a.id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, account_id);
    mb_status rc = db_first_row(d, st, read_candidate, out);
    if (rc == MB_OK) {
        out->load = mentor_load(d, account_id);
        if (out->load < 0) rc = MB_ERR_DB;
    }
    return rc;
}

mb_status mentorship_load_rejections(db *d, int64_t org_id, mentorship_rejection **out, int *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = db_stmt(d, "SELECT r.mentee_id, r.mentor_id FROM match_rejections r"
                                  " JOIN accounts a ON a.id = r.mentee_id WHERE a.org_id = ?1"
                                  " ORDER BY r.mentee_id, r.mentor_id");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, org_id);
    size_t cap = 0;
    int rc;
    mentorship_rejection *arr = NULL;
    while ((rc = db_step_raw(d, st)) == SQLITE_ROW) {
        if (array_grow(&arr, &cap, (size_t)*n, sizeof *arr, 64)) {
            free(arr);
            *n = 0;
            sqlite3_reset(st);
            return MB_ERR_NOMEM;
        }
        arr[*n].mentee_id = sqlite3_column_int64(st, 0);
        arr[*n].mentor_id = sqlite3_column_int64(st, 1);
        (*n)++;
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

int mentorship_rejected_for(db *d, int64_t mentee_id, int64_t *ids, int max)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT mentor_id FROM match_rejections WHERE mentee_id = ?1 ORDER BY mentor_id");
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, mentee_id);
    return db_step_ids(d, st, ids, max);
}

mb_status mentorship_reject(db *d, int64_t mentee_id, int64_t mentor_id)
{
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO match_rejections(mentee_id, mentor_id, at) VALUES(?1, ?2, ?3)"
                                  " ON CONFLICT DO NOTHING");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, mentee_id);
    sqlite3_bind_int64(st, 2, mentor_id);
    sqlite3_bind_int64(st, 3, clock_now_ms());
    return db_step_done(d, st);
}

/* Savepoint of one mentorship write, named apart from the update's own. */
static mb_status begin_write(db *d) { return db_exec(d, "SAVEPOINT mentorship_write"); }
static mb_status end_write(db *d, mb_status rc)
{
    if (rc == MB_OK) return db_exec(d, "RELEASE mentorship_write");
    if (db_exec(d, "ROLLBACK TO mentorship_write") == MB_OK) (void)db_exec(d, "RELEASE mentorship_write");
    return rc;
}

/* MB_OK when account is an active participant of org in role,
 * MB_ERR_NOT_FOUND when not, an error when it cannot be told. */
static mb_status active_in(db *d, int64_t account_id, int64_t org_id, const char *role)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT 1 FROM accounts WHERE id = ?1 AND org_id = ?2 AND role = ?3"
                                  " AND status = 'active'");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, account_id);
    sqlite3_bind_int64(st, 2, org_id);
    sqlite3_bind_text(st, 3, role, -1, SQLITE_STATIC);
    return db_has_row(d, st);
}

/* Places the mentor has left: capacity minus current load; -1 on error. */
static int places_left(db *d, int64_t mentor_id)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT capacity FROM profiles WHERE account_id = ?1");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, mentor_id);
    int64_t capacity = 0;
    mb_status rc = db_step_int(d, st, &capacity);
    if (rc && rc != MB_ERR_NOT_FOUND) return -1;
    int load = mentor_load(d, mentor_id);
    return load < 0 ? -1 : (int)capacity - load;
}

/* Adds one member; MB_ERR_EXISTS when the mentee is in another active
 * mentorship (the unique index), without an error in the log: it is an
 * expected race between curators, not a fault. */
static mb_status insert_member(db *d, int64_t mentorship_id, int64_t mentee_id)
{
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO mentorship_members(mentorship_id, mentee_id, joined_at)"
                                  " VALUES(?1, ?2, ?3) ON CONFLICT(mentorship_id, mentee_id)"
                                  " DO UPDATE SET left_at = NULL, joined_at = excluded.joined_at");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, mentorship_id);
    sqlite3_bind_int64(st, 2, mentee_id);
    sqlite3_bind_int64(st, 3, clock_now_ms());
    int rc = db_step_raw(d, st);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE) return MB_OK;
    if ((rc & 0xff) == SQLITE_CONSTRAINT) return MB_ERR_EXISTS;
    log_error("mentorships", "adding mentee %lld to mentorship %lld failed: %s", (long long)mentee_id,
              (long long)mentorship_id, db_errmsg(d));
    return MB_ERR_DB;
}

static mb_status create_checked(db *d, int64_t org_id, int64_t program_id, const char *form, int64_t mentor_id,
                                const int64_t *mentees, int n, int64_t created_by, int64_t *id_out)
{
    mb_status rc = active_in(d, mentor_id, org_id, "mentor");
    for (int i = 0; i < n && !rc; i++) rc = active_in(d, mentees[i], org_id, "mentee");
    if (rc) return rc;
    int left = places_left(d, mentor_id);
    if (left < 0) return MB_ERR_DB;
    if (left < n) return MB_ERR_LIMIT;
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO mentorships(org_id, program_id, form, mentor_id, state, created_by,"
                                  " created_at) VALUES(?1, ?2, ?3, ?4, 'active', ?5, ?6)");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, org_id);
    if (program_id) sqlite3_bind_int64(st, 2, program_id); else sqlite3_bind_null(st, 2);
    sqlite3_bind_text(st, 3, form, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, mentor_id);
    if (created_by) sqlite3_bind_int64(st, 5, created_by); else sqlite3_bind_null(st, 5);
    sqlite3_bind_int64(st, 6, clock_now_ms());
    if ((rc = db_step_done(d, st))) return rc;
    int64_t id = sqlite3_last_insert_rowid(db_handle(d));
    for (int i = 0; i < n; i++)
        if ((rc = insert_member(d, id, mentees[i]))) return rc;
    *id_out = id;
    return MB_OK;
}

mb_status mentorship_create(db *d, int64_t org_id, int64_t program_id, const char *form, int64_t mentor_id,
                            const int64_t *mentees, int n, int64_t created_by, int64_t *id_out)
{
    if (n < 1 || n > MENTORSHIP_GROUP_MAX) return MB_ERR_LIMIT;
    if (!form || !*form || strlen(form) >= MENTORSHIP_FORM_MAX) return MB_ERR_INVALID;
    mb_status rc = begin_write(d);
    if (rc) return rc;
    int64_t id = 0;
    rc = end_write(d, create_checked(d, org_id, program_id, form, mentor_id, mentees, n, created_by, &id));
    if (!rc && id_out) *id_out = id;
    return rc;
}

static mb_status add_checked(db *d, int64_t mentorship_id, int64_t mentee_id)
{
    mentorship m;
    mb_status rc = mentorship_load(d, mentorship_id, &m);
    if (rc) return rc;
    if (strcmp(m.state, "active") != 0) return MB_ERR_NOT_FOUND;
    if (m.nmentees >= MENTORSHIP_GROUP_MAX) return MB_ERR_LIMIT;
    if ((rc = active_in(d, m.mentor_id, m.org_id, "mentor")) || (rc = active_in(d, mentee_id, m.org_id, "mentee")))
        return rc;
    int left = places_left(d, m.mentor_id);
    if (left < 0) return MB_ERR_DB;
    if (left < 1) return MB_ERR_LIMIT;
    return insert_member(d, mentorship_id, mentee_id);
}

mb_status mentorship_add_mentee(db *d, int64_t mentorship_id, int64_t mentee_id)
{
    mb_status rc = begin_write(d);
    return rc ? rc : end_write(d, add_checked(d, mentorship_id, mentee_id));
}

static mb_status end_checked(db *d, int64_t mentorship_id)
{
    int64_t now = clock_now_ms();
    mb_status rc = db_run_with_ints(d, "UPDATE mentorships SET state = 'ended', ended_at = ?2"
                                       " WHERE id = ?1 AND state = 'active'", mentorship_id, now);
    if (rc) return rc;
    if (sqlite3_changes(db_handle(d)) == 0) return MB_ERR_NOT_FOUND;
    return db_run_with_ints(d, "UPDATE mentorship_members SET left_at = ?2 WHERE mentorship_id = ?1"
                               " AND left_at IS NULL", mentorship_id, now);
}

mb_status mentorship_end(db *d, int64_t mentorship_id)
{
    mb_status rc = begin_write(d);
    return rc ? rc : end_write(d, end_checked(d, mentorship_id));
}

/* Members of a mentorship: the current ones, or all of them once ended. */
static void load_members(db *d, mentorship *m)
{
    int ended = strcmp(m->state, "active") != 0;
    sqlite3_stmt *st = db_stmt(d, "SELECT mentee_id FROM mentorship_members WHERE mentorship_id = ?1"
                                  " AND (?2 OR left_at IS NULL) ORDER BY joined_at, mentee_id");
    m->nmentees = 0;
    if (!st) return;
    sqlite3_bind_int64(st, 1, m->id);
    sqlite3_bind_int(st, 2, ended);
    while (m->nmentees < MENTORSHIP_GROUP_MAX && db_step_raw(d, st) == SQLITE_ROW)
        m->mentees[m->nmentees++] = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
}

#define MENTORSHIP_COLUMNS "id, org_id, program_id, form, mentor_id, state, created_at, ended_at"

static void read_mentorship(sqlite3_stmt *st, void *row)
{
    mentorship *m = row;
    memset(m, 0, sizeof *m);
    m->id = sqlite3_column_int64(st, 0);
    m->org_id = sqlite3_column_int64(st, 1);
    m->program_id = sqlite3_column_int64(st, 2);
    db_column_copy(st, 3, m->form, sizeof m->form);
    m->mentor_id = sqlite3_column_int64(st, 4);
    db_column_copy(st, 5, m->state, sizeof m->state);
    m->created_at = sqlite3_column_int64(st, 6);
    m->ended_at = sqlite3_column_int64(st, 7);
}

/* Runs a query answering at most one mentorship row, then its members. */
static mb_status load_one(db *d, sqlite3_stmt *st, mentorship *out)
{
    mb_status rc = db_first_row(d, st, read_mentorship, out);
    if (!rc) load_members(d, out);
    return rc;
}

mb_status mentorship_load(db *d, int64_t id, mentorship *out)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT " MENTORSHIP_COLUMNS " FROM mentorships WHERE id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    return load_one(d, st, out);
}

mb_status mentorship_of_mentee(db *d, int64_t mentee_id, mentorship *out)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT " MENTORSHIP_COLUMNS " FROM mentorships WHERE id ="
                                  " (SELECT mentorship_id FROM mentorship_members WHERE mentee_id = ?1"
                                  "  AND left_at IS NULL)");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, mentee_id);
    return load_one(d, st, out);
}

mb_status mentorship_find_group(db *d, int64_t mentor_id, const char *form, mentorship *out)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT " MENTORSHIP_COLUMNS " FROM mentorships WHERE mentor_id = ?1"
                                  " AND form = ?2 AND state = 'active' ORDER BY id LIMIT 1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, mentor_id);
    sqlite3_bind_text(st, 2, form, -1, SQLITE_STATIC);
    return load_one(d, st, out);
}

mb_status mentorship_list(db *d, int64_t org_id, int offset, int max, mentorship **out, int *n, int *total)
{
    *out = NULL;
    *n = 0;
    if (total) *total = mentorship_count_active(d, org_id);
    if (max <= 0) return MB_OK;
    mentorship *arr = calloc((size_t)max, sizeof *arr);
    if (!arr) return MB_ERR_NOMEM;
    sqlite3_stmt *st = db_stmt(d, "SELECT " MENTORSHIP_COLUMNS " FROM mentorships WHERE org_id = ?1"
                                  " AND state = 'active' ORDER BY id LIMIT ?2 OFFSET ?3");
    if (!st) {
        free(arr);
        return MB_ERR_DB;
    }
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_int(st, 2, max);
    sqlite3_bind_int(st, 3, offset);
    while (*n < max && db_step_raw(d, st) == SQLITE_ROW) read_mentorship(st, &arr[(*n)++]);
    sqlite3_reset(st);
    for (int i = 0; i < *n; i++) load_members(d, &arr[i]);
    *out = arr;
    return MB_OK;
}

int mentorship_count_people(db *d, int64_t org_id, const char *role)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT COUNT(*) FROM accounts WHERE org_id = ?1 AND role = ?2"
                                  " AND status = 'active'");
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_text(st, 2, role, -1, SQLITE_STATIC);
    return (int)db_step_scalar(d, st, 0);
}

int mentorship_count_queue(db *d, int64_t org_id)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT COUNT(*) FROM accounts a WHERE a.org_id = ?1 AND a.role = 'mentee'"
                                  " AND a.status = 'active' AND NOT EXISTS (SELECT 1 FROM mentorship_members mm"
                                  "   WHERE mm.mentee_id = a.id AND mm.left_at IS NULL)");
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, org_id);
    return (int)db_step_scalar(d, st, 0);
}

int mentorship_count_active(db *d, int64_t org_id)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT COUNT(*) FROM mentorships WHERE org_id = ?1 AND state = 'active'");
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, org_id);
    return (int)db_step_scalar(d, st, 0);
}

int mentorship_list_people(db *d, int64_t org_id, const char *role, int offset, int64_t *ids, int max)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT id FROM accounts WHERE org_id = ?1 AND role = ?2 AND status = 'active'"
                                  " ORDER BY id LIMIT ?3 OFFSET ?4");
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_text(st, 2, role, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, max);
    sqlite3_bind_int(st, 4, offset);
    return db_step_ids(d, st, ids, max);
}

int mentorship_list_queue(db *d, int64_t org_id, int offset, int64_t *ids, int max)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT a.id FROM accounts a WHERE a.org_id = ?1 AND a.role = 'mentee'"
                                  " AND a.status = 'active' AND NOT EXISTS (SELECT 1 FROM mentorship_members mm"
                                  "   WHERE mm.mentee_id = a.id AND mm.left_at IS NULL)"
                                  " ORDER BY a.id LIMIT ?2 OFFSET ?3");
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_int(st, 2, max);
    sqlite3_bind_int(st, 3, offset);
    return db_step_ids(d, st, ids, max);
}

static void read_program(sqlite3_stmt *st, void *row)
{
    mentorship_program *out = row;
    memset(out, 0, sizeof *out);
    out->id = sqlite3_column_int64(st, 0);
    out->year = sqlite3_column_int(st, 1);
    out->stage = sqlite3_column_int(st, 2);
    db_column_copy(st, 3, out->forms, sizeof out->forms);
}

mb_status mentorship_program_load(db *d, int64_t org_id, mentorship_program *out)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT id, year, stage, forms FROM programs WHERE org_id = ?1"
                                  " ORDER BY year DESC LIMIT 1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, org_id);
    return db_first_row(d, st, read_program, out);
}

mb_status mentorship_program_set_stage(db *d, int64_t program_id, int from, int to)
{
    if (to < 1 || to > 7) return MB_ERR_INVALID;
    sqlite3_stmt *st = db_stmt(d, "UPDATE programs SET stage = ?3 WHERE id = ?1 AND stage = ?2");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, program_id);
    sqlite3_bind_int(st, 2, from);
    sqlite3_bind_int(st, 3, to);
    mb_status rc = db_step_done(d, st);
    if (rc) return rc;
    return sqlite3_changes(db_handle(d)) ? MB_OK : MB_ERR_NOT_FOUND;
}

mb_status mentorship_list_of_mentor(db *d, int64_t mentor_id, mentorship *out, int max, int *n)
{
    *n = 0;
    sqlite3_stmt *st = db_stmt(d, "SELECT " MENTORSHIP_COLUMNS " FROM mentorships WHERE mentor_id = ?1"
                                  " AND state = 'active' ORDER BY id LIMIT ?2");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, mentor_id);
    sqlite3_bind_int(st, 2, max);
    while (*n < max && db_step_raw(d, st) == SQLITE_ROW) read_mentorship(st, &out[(*n)++]);
    sqlite3_reset(st);
    for (int i = 0; i < *n; i++) load_members(d, &out[i]);
    return MB_OK;
}

#include "storage/stalls.h"

#include <string.h>

static const char *const codes[] = {"", "never", "no_meeting", "missed", "useless", "silent"};

const char *stall_reason_code(stall_reason r)
{
    return r >= STALL_NONE && r <= STALL_SILENT ? codes[r] : "";
}

stall_reason stall_reason_parse(const char *code)
{
    for (int i = STALL_NEVER; code && i <= STALL_SILENT; i++)
        if (strcmp(code, codes[i]) == 0) return (stall_reason)i;
    return STALL_NONE;
}

/* Each lookup walks the mentorship's own meetings through meetings_mentorship
 * (mentorship_id, starts_at), newest first, and a meeting's participants
 * through their primary key. */
#define OWN_BEGUN "FROM meetings m WHERE m.mentorship_id = ?1 AND m.starts_at <= ?2 AND m.state <> 'cancelled'"
#define ANSWER_OF(who) "SELECT 1 FROM meeting_participants p WHERE p.meeting_id = m.id AND " who

static mb_status latest_held(db *d, int64_t id, int64_t now, int64_t *out)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT MAX(m.starts_at) " OWN_BEGUN " AND (m.state = 'held' OR EXISTS ("
                                  ANSWER_OF("p.outcome = 'happened'") "))");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, now);
    mb_status rc = db_step_int(d, st, out);
    if (rc == MB_ERR_NOT_FOUND) {
        *out = 0;
        rc = MB_OK;
    }
    return rc;
}

/* The last two answered meetings: *missed and *useless are 1 when both
 * were missed, both rated 1 or 2. */
static mb_status last_two_answered(db *d, int64_t id, int64_t now, int *missed, int *useless)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT m.state = 'missed'"
                                  " OR EXISTS (" ANSWER_OF("p.role = 'mentor' AND p.outcome = 'not_held'") ")"
                                  " OR (m.state <> 'held' AND NOT EXISTS (" ANSWER_OF("p.outcome <> 'not_held'") ")),"
                                  " EXISTS (" ANSWER_OF("p.usefulness BETWEEN 1 AND 2") ")"
                                  " " OWN_BEGUN " AND (m.state IN ('held', 'missed') OR EXISTS ("
                                  ANSWER_OF("p.outcome IS NOT NULL") "))"
                                  " ORDER BY m.starts_at DESC LIMIT 2");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, now);
    int rows = 0, all_missed = 1, all_useless = 1, step;
    while ((step = db_step_raw(d, st)) == SQLITE_ROW) {
        rows++;
        all_missed &= sqlite3_column_int(st, 0) != 0;
        all_useless &= sqlite3_column_int(st, 1) != 0;
    }
    sqlite3_reset(st);
    if (step != SQLITE_DONE) return MB_ERR_DB;
    *missed = rows == 2 && all_missed;
    *useless = rows == 2 && all_useless;
    return MB_OK;
}

/* The participant silent in both of the last two asked meetings, 0 when none. */
static mb_status silent_one(db *d, int64_t id, int64_t now, int64_t *out)
{
    *out = 0;
    int64_t last[2];
    int n = stall_recent_meetings(d, id, now - STALL_ASKED_MS, last, 2);
    if (db_fault(d)) return MB_ERR_DB;
    if (n < 2) return MB_OK;
    sqlite3_stmt *st = db_stmt(d, "SELECT a.account_id FROM meeting_participants a JOIN meeting_participants b"
                                  " ON b.meeting_id = ?2 AND b.account_id = a.account_id"
                                  " WHERE a.meeting_id = ?1 AND a.outcome IS NULL AND a.response = 'none'"
                                  " AND b.outcome IS NULL AND b.response = 'none'"
                                  " AND EXISTS (SELECT 1 FROM meeting_participants o WHERE o.meeting_id = ?1"
                                  "   AND o.role <> a.role AND o.outcome IS NOT NULL)"
                                  " AND EXISTS (SELECT 1 FROM meeting_participants o WHERE o.meeting_id = ?2"
                                  "   AND o.role <> a.role AND o.outcome IS NOT NULL)"
                                  " ORDER BY a.role = 'mentor' DESC, a.account_id LIMIT 1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, last[0]);
    sqlite3_bind_int64(st, 2, last[1]);
    mb_status rc = db_step_int(d, st, out);
    return rc == MB_ERR_NOT_FOUND ? MB_OK : rc;
}

mb_status stall_facts_of(db *d, int64_t id, int64_t started_at, int64_t now, int stall_days, stall_facts *out)
{
    memset(out, 0, sizeof *out);
    int missed = 0, useless = 0;
    mb_status rc = latest_held(d, id, now, &out->held_mark);
    if (!rc) rc = last_two_answered(d, id, now, &missed, &useless);
    if (!rc) rc = silent_one(d, id, now, &out->silent_id);
    if (rc) return rc;
    out->idle_since = out->held_mark ? out->held_mark : started_at;
    if (now - out->idle_since >= stall_days * STALL_DAY_MS)
        out->reason = out->held_mark ? STALL_NO_MEETING : STALL_NEVER;
    else if (missed) out->reason = STALL_MISSED;
    else if (useless) out->reason = STALL_USELESS;
    else if (out->silent_id) out->reason = STALL_SILENT;
    if (out->reason != STALL_SILENT) out->silent_id = 0;
    return MB_OK;
}

static void episode_row(sqlite3_stmt *st, void *out)
{
    stall_episode *e = out;
    e->mentorship_id = sqlite3_column_int64(st, 0);
    e->reason = stall_reason_parse((const char *)sqlite3_column_text(st, 1));
    e->silent_id = sqlite3_column_int64(st, 2);
    e->held_mark = sqlite3_column_int64(st, 3);
    e->idle_since = sqlite3_column_int64(st, 4);
    e->began_at = sqlite3_column_int64(st, 5);
    e->nudged_at = sqlite3_column_int64(st, 6);
    e->flagged_at = sqlite3_column_int64(st, 7);
    e->ended_at = sqlite3_column_int64(st, 8);
}

mb_status stall_episode_load(db *d, int64_t mentorship_id, stall_episode *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = db_stmt(d, "SELECT mentorship_id, reason, silent_id, held_mark, idle_since, began_at,"
                                  " nudged_at, flagged_at, ended_at FROM mentorship_stalls WHERE mentorship_id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, mentorship_id);
    return db_first_row(d, st, episode_row, out);
}

mb_status stall_episode_begin(db *d, int64_t mentorship_id, const stall_facts *f, int64_t now)
{
    sqlite3_stmt *st = db_stmt(d, "INSERT OR REPLACE INTO mentorship_stalls(mentorship_id, reason, silent_id,"
                                  " held_mark, idle_since, began_at) VALUES(?1, ?2, NULLIF(?3, 0), ?4, ?5, ?6)");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, mentorship_id);
    sqlite3_bind_text(st, 2, stall_reason_code(f->reason), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, f->silent_id);
    sqlite3_bind_int64(st, 4, f->held_mark);
    sqlite3_bind_int64(st, 5, f->idle_since);
    sqlite3_bind_int64(st, 6, now);
    return db_step_done(d, st);
}

mb_status stall_episode_nudged(db *d, int64_t mentorship_id, int64_t at)
{
    return db_run_with_ints(d, "UPDATE mentorship_stalls SET nudged_at = ?2 WHERE mentorship_id = ?1", mentorship_id,
                            at);
}

mb_status stall_episode_flagged(db *d, int64_t mentorship_id, int64_t at)
{
    return db_run_with_ints(d, "UPDATE mentorship_stalls SET flagged_at = ?2 WHERE mentorship_id = ?1",
                            mentorship_id, at);
}

mb_status stall_episode_end(db *d, int64_t mentorship_id, int64_t at)
{
    return db_run_with_ints(d, "UPDATE mentorship_stalls SET ended_at = ?2 WHERE mentorship_id = ?1"
                               " AND ended_at IS NULL", mentorship_id, at);
}

int stall_active_after(db *d, int64_t after, int64_t *ids, int max)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT id FROM mentorships WHERE state = 'active' AND id > ?1 ORDER BY id"
                                  " LIMIT ?2");
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int(st, 2, max);
    return db_step_ids(d, st, ids, max);
}

#define OPEN_OF_ORG "FROM mentorships m JOIN mentorship_stalls s ON s.mentorship_id = m.id" \
                    " WHERE m.org_id = ?1 AND m.state = 'active' AND s.ended_at IS NULL"

int stall_count_org(db *d, int64_t org_id)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT COUNT(*) " OPEN_OF_ORG);
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, org_id);
    return (int)db_step_scalar(d, st, 0);
}

int stall_list_org(db *d, int64_t org_id, int offset, int64_t *ids, int max)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT m.id " OPEN_OF_ORG " ORDER BY s.idle_since, m.id LIMIT ?2 OFFSET ?3");
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_int(st, 2, max);
    sqlite3_bind_int(st, 3, offset);
    return db_step_ids(d, st, ids, max);
}

int stall_recent_meetings(db *d, int64_t mentorship_id, int64_t now, int64_t *ids, int max)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT m.id " OWN_BEGUN " ORDER BY m.starts_at DESC, m.id DESC LIMIT ?3");
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, mentorship_id);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_int(st, 3, max);
    return db_step_ids(d, st, ids, max);
}

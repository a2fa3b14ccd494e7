#include "storage/recognition.h"
#include "util/array.h"

#include <stdlib.h>
#include <string.h>

/* A meeting both sides say happened: the mentor's answer and at least one
 * mentee's. A meeting the curator marked missed or cancelled never counts. */
#define CONFIRMED(m, mentor)                                                                              \
    " " m ".state IN ('planned', 'held') AND EXISTS (SELECT 1 FROM meeting_participants pm"                 \
    "   WHERE pm.meeting_id = " m ".id AND pm.account_id = " mentor " AND pm.outcome = 'happened')"         \
    " AND EXISTS (SELECT 1 FROM meeting_participants pe WHERE pe.meeting_id = " m ".id"                     \
    "   AND pe.role = 'mentee' AND pe.outcome = 'happened')"

#define COMPLETED(s)                                                                                      \
    " " s ".state = 'ended' AND EXISTS (SELECT 1 FROM meeting_mentorships fm JOIN meetings f"              \
    "   ON f.id = fm.meeting_id WHERE fm.mentorship_id = " s ".id AND f.kind = 'final'"                      \
    "   AND f.starts_at <= " s ".ended_at AND" CONFIRMED("f", s ".mentor_id") ")"

/* Achievements: what a mentor or a mentee did that a contest, a project or
 * an expertise shows; a negative result earns nothing. */
#define ACHIEVEMENT(o)                                                                                    \
    " " o ".kind IN ('contest', 'olympiad', 'project', 'project_lead', 'presentation', 'practice_expertise'," \
    " 'event_hosted', 'grade_improved', 'became_mentor') AND (" o ".result IS NULL OR " o ".result <> 'negative')"

static int count_of(db *d, sqlite3_stmt *st, int64_t id, mb_status *rc)
{
    if (!st) {
        *rc = MB_ERR_DB;
        return 0;
    }
    sqlite3_bind_int64(st, 1, id);
    int n = 0;
    mb_status r = db_step_row(d, st);
    if (r == MB_OK) {
        n = sqlite3_column_int(st, 0);
        sqlite3_reset(st);
    } else if (r != MB_ERR_NOT_FOUND) *rc = r;
    return n;
}

static int level_index(const char *level)
{
    if (!level) return 0;
    if (strcmp(level, "municipal") == 0) return 1;
    if (strcmp(level, "regional") == 0) return 2;
    if (strcmp(level, "federal") == 0) return 3;
    return 0;
}

mb_status recognition_count(db *d, int64_t mentor_id, recognition_counts *out)
{
    memset(out, 0, sizeof *out);
    mb_status rc = MB_OK;
    out->meetings = count_of(d, db_stmt(d, "SELECT COUNT(*) FROM meeting_participants p JOIN meetings m"
                                           " ON m.id = p.meeting_id WHERE p.account_id = ?1 AND p.role = 'mentor'"
                                           " AND" CONFIRMED("m", "p.account_id")),
                             mentor_id, &rc);
    out->polls = count_of(d, db_stmt(d, "SELECT COUNT(*) FROM poll_recipients WHERE account_id = ?1"
                                        " AND state = 'done'"),
                          mentor_id, &rc);
    out->completed = count_of(d, db_stmt(d, "SELECT COUNT(*) FROM mentorships s WHERE s.mentor_id = ?1"
                                            " AND" COMPLETED("s")),
                              mentor_id, &rc);
    if (rc) return rc;
    /* The mentor's own records, and their mentees' made for one of the
     * mentor's mentorships or, named for none, while the mentee was in one. */
    sqlite3_stmt *st = db_stmt(d, "SELECT o.level FROM outcomes o WHERE o.account_id = ?1 AND" ACHIEVEMENT("o")
                                  " UNION ALL SELECT o.level FROM outcomes o WHERE o.id IN ("
                                  " SELECT o2.id FROM mentorships s JOIN mentorship_members mm"
                                  " ON mm.mentorship_id = s.id JOIN outcomes o2 ON o2.account_id = mm.mentee_id"
                                  " WHERE s.mentor_id = ?1 AND (o2.mentorship_id = s.id OR (o2.mentorship_id IS NULL"
                                  " AND o2.happened_on + 86400000 > mm.joined_at"
                                  " AND (mm.left_at IS NULL OR o2.happened_on <= mm.left_at))))"
                                  " AND o.account_id <> ?1 AND" ACHIEVEMENT("o"));
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, mentor_id);
    int step;
    while ((step = db_step_raw(d, st)) == SQLITE_ROW)
        out->outcomes[level_index((const char *)sqlite3_column_text(st, 0))]++;
    sqlite3_reset(st);
    return step == SQLITE_DONE ? MB_OK : MB_ERR_DB;
}

mb_status recognition_org_mentors(db *d, int64_t org_id, recognition_entry **out, int *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = db_stmt(d, "SELECT a.id, a.name, EXISTS (SELECT 1 FROM ranking_hidden h"
                                  " WHERE h.account_id = a.id), (SELECT COUNT(DISTINCT mm.mentee_id)"
                                  " FROM mentorships s JOIN mentorship_members mm ON mm.mentorship_id = s.id"
                                  " WHERE s.mentor_id = a.id) FROM accounts a WHERE a.org_id = ?1"
                                  " AND a.role = 'mentor' AND a.status = 'active' ORDER BY a.id LIMIT ?2");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_int(st, 2, RECOGNITION_MENTORS_MAX);
    recognition_entry *list = NULL;
    size_t cap = 0;
    int count = 0, step;
    while ((step = db_step_raw(d, st)) == SQLITE_ROW) {
        if (array_grow(&list, &cap, (size_t)count, sizeof *list, 16)) {
            sqlite3_reset(st);
            free(list);
            return MB_ERR_NOMEM;
        }
        recognition_entry *e = &list[count++];
        memset(e, 0, sizeof *e);
        e->account_id = sqlite3_column_int64(st, 0);
        db_column_copy(st, 1, e->name, sizeof e->name);
        e->hidden = sqlite3_column_int(st, 2);
        e->mentees = sqlite3_column_int(st, 3);
    }
    sqlite3_reset(st);
    if (step != SQLITE_DONE) {
        free(list);
        return MB_ERR_DB;
    }
    for (int i = 0; i < count; i++) {
        mb_status rc = recognition_count(d, list[i].account_id, &list[i].counts);
        if (rc) {
            free(list);
            return rc;
        }
    }
    *out = list;
    *n = count;
    return MB_OK;
}

int recognition_mentorship_completed(db *d, int64_t mentorship_id)
{
    mb_status rc = MB_OK;
    return count_of(d, db_stmt(d, "SELECT COUNT(*) FROM mentorships s WHERE s.id = ?1 AND" COMPLETED("s")),
                    mentorship_id, &rc) > 0;
}

int recognition_final_held(db *d, int64_t mentorship_id, int64_t *at_ms)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT MAX(f.starts_at) FROM mentorships s JOIN meeting_mentorships fm"
                                  " ON fm.mentorship_id = s.id JOIN meetings f ON f.id = fm.meeting_id"
                                  " WHERE s.id = ?1 AND f.kind = 'final' AND" CONFIRMED("f", "s.mentor_id"));
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, mentorship_id);
    int held = 0;
    if (db_step_row(d, st) == MB_OK) {
        held = sqlite3_column_type(st, 0) != SQLITE_NULL;
        if (held && at_ms) *at_ms = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
    }
    return held;
}

mb_status recognition_guardian_chat(db *d, int64_t minor_id, char *platform, size_t size, int64_t *chat_id)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT platform, chat_id FROM consent_requests WHERE minor_id = ?1"
                                  " AND state = 'confirmed' ORDER BY decided_at DESC, id DESC LIMIT 1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, minor_id);
    mb_status rc = db_step_row(d, st);
    if (rc) return rc;
    db_column_copy(st, 0, platform, size);
    *chat_id = sqlite3_column_int64(st, 1);
    sqlite3_reset(st);
    return MB_OK;
}

int recognition_is_hidden(db *d, int64_t account_id)
{
    mb_status rc = MB_OK;
    return count_of(d, db_stmt(d, "SELECT COUNT(*) FROM ranking_hidden WHERE account_id = ?1"), account_id, &rc) > 0;
}

mb_status recognition_set_hidden(db *d, int64_t account_id, int hidden, int64_t now)
{
    if (hidden)
        return db_run_with_ints(d, "INSERT OR IGNORE INTO ranking_hidden(account_id, hidden_at) VALUES (?1, ?2)",
                                account_id, now);
    return db_run_with_ints(d, "DELETE FROM ranking_hidden WHERE account_id = ?1 AND ?2 = ?2", account_id, 0);
}

int64_t announcement_outbox_mark(db *d)
{
    return db_scalar(d, "SELECT MAX(id) FROM outbox", 0);
}

mb_status announcement_add(db *d, int64_t sender_id, int64_t org_id, int64_t territory_id, int recipients,
                           int64_t first, int64_t last, int64_t now, int64_t *id_out)
{
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO announcements(sender_id, org_id, territory_id, recipients,"
                                  " first_outbox_id, last_outbox_id, created_at)"
                                  " VALUES (?1, NULLIF(?2, 0), NULLIF(?3, 0), ?4, ?5, ?6, ?7)");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, sender_id);
    sqlite3_bind_int64(st, 2, org_id);
    sqlite3_bind_int64(st, 3, territory_id);
    sqlite3_bind_int(st, 4, recipients);
    sqlite3_bind_int64(st, 5, first);
    sqlite3_bind_int64(st, 6, last);
    sqlite3_bind_int64(st, 7, now);
    mb_status rc = db_step_done(d, st);
    if (!rc && id_out) *id_out = sqlite3_last_insert_rowid(db_handle(d));
    return rc;
}

mb_status announcement_tally_load(db *d, int64_t id, announcement_tally *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = db_stmt(d, "SELECT IFNULL(sender_id, 0), recipients, IFNULL(reported_at, 0),"
                                  " first_outbox_id, last_outbox_id, created_at FROM announcements WHERE id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    mb_status rc = db_step_row(d, st);
    if (rc) return rc;
    out->sender_id = sqlite3_column_int64(st, 0);
    out->recipients = sqlite3_column_int(st, 1);
    out->reported_at = sqlite3_column_int64(st, 2);
    int64_t first = sqlite3_column_int64(st, 3), last = sqlite3_column_int64(st, 4);
    out->created_at = sqlite3_column_int64(st, 5);
    sqlite3_reset(st);
    /* Per recipient, the worst of their messages: 2 on its way, 1 refused
     * or of unknown fate, 0 sent. */
    st = db_stmt(d, "SELECT MAX(CASE WHEN state IN ('pending', 'sending', 'checking') THEN 2"
                    " WHEN state = 'sent' THEN 0 ELSE 1 END) FROM outbox"
                    " WHERE id > ?1 AND id <= ?2 AND account_id IS NOT NULL GROUP BY account_id");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, first);
    sqlite3_bind_int64(st, 2, last);
    int step;
    while ((step = db_step_raw(d, st)) == SQLITE_ROW) {
        int worst = sqlite3_column_int(st, 0);
        if (worst == 2) out->waiting++;
        else if (worst == 1) out->failed++;
        else out->delivered++;
    }
    sqlite3_reset(st);
    return step == SQLITE_DONE ? MB_OK : MB_ERR_DB;
}

mb_status announcement_mark_reported(db *d, int64_t id, int64_t now)
{
    mb_status rc = db_run_with_ints(d, "UPDATE announcements SET reported_at = ?2 WHERE id = ?1"
                                       " AND reported_at IS NULL", id, now);
    if (rc) return rc;
    return sqlite3_changes(db_handle(d)) ? MB_OK : MB_ERR_NOT_FOUND;
}

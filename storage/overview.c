#include "storage/overview.h"

#include <string.h>

mb_status org_counts_load(db *d, int64_t org_id, org_counts *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = db_stmt(d,
        "SELECT"
        " (SELECT COUNT(*) FROM accounts WHERE org_id = ?1 AND role = 'mentor' AND status = 'active'),"
        " (SELECT COUNT(*) FROM accounts WHERE org_id = ?1 AND role = 'mentee' AND status = 'active'),"
        " (SELECT COUNT(*) FROM accounts a WHERE a.org_id = ?1 AND a.role = 'mentee' AND a.status = 'active'"
        "   AND NOT EXISTS (SELECT 1 FROM mentorship_members m JOIN mentorships s ON s.id = m.mentorship_id"
        "   WHERE m.mentee_id = a.id AND m.left_at IS NULL AND s.state = 'active')),"
        " (SELECT COUNT(*) FROM mentorships WHERE org_id = ?1 AND state = 'active'),"
        " (SELECT COUNT(*) FROM accounts WHERE org_id = ?1 AND status = 'pending_consent')");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, org_id);
    mb_status rc = MB_ERR_DB;
    if (db_step_raw(d, st) == SQLITE_ROW) {
        out->mentors = sqlite3_column_int(st, 0);
        out->mentees = sqlite3_column_int(st, 1);
        out->unmatched = sqlite3_column_int(st, 2);
        out->mentorships = sqlite3_column_int(st, 3);
        out->pending_consent = sqlite3_column_int(st, 4);
        rc = MB_OK;
    }
    sqlite3_reset(st);
    return rc;
}

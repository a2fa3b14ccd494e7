#include "storage/directions.h"

#include <string.h>

static const char *const codes[] = {
#define X(c) #c,
    MENTORSHIP_DIRECTIONS
#undef X
};

#define COUNT ((int)(sizeof codes / sizeof codes[0]))

int direction_count(void) { return COUNT; }

int direction_index(const char *code)
{
    for (int i = 0; code && i < COUNT; i++)
        if (strcmp(codes[i], code) == 0) return i;
    return -1;
}

const char *direction_name(int index) { return index >= 0 && index < COUNT ? codes[index] : NULL; }

mb_status direction_get(db *d, int64_t mentorship_id, char *buf, size_t size)
{
    buf[0] = 0;
    sqlite3_stmt *st = db_stmt(d, "SELECT direction FROM mentorships WHERE id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, mentorship_id);
    mb_status rc = db_step_row(d, st);
    if (rc) return rc;
    db_column_copy(st, 0, buf, size);
    sqlite3_reset(st);
    return MB_OK;
}

mb_status direction_set(db *d, int64_t mentorship_id, const char *code)
{
    if (code && *code && direction_index(code) < 0) return MB_ERR_INVALID;
    sqlite3_stmt *st = db_stmt(d, "UPDATE mentorships SET direction = ?2 WHERE id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, mentorship_id);
    db_bind_text(st, 2, code && *code ? code : NULL);
    mb_status rc = db_step_done(d, st);
    if (rc) return rc;
    return sqlite3_changes(db_handle(d)) ? MB_OK : MB_ERR_NOT_FOUND;
}

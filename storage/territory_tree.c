/*
 * Editing the tree of territories after it is built (rename, move,
 * remove, timezones) and finding a municipality by path or among several
 * of one name. Declared in storage/territories.h.
 */
#include "storage/territories.h"

#include <stdio.h>
#include <string.h>

int territory_candidates(db *d, const char *kind, const char *name, territory *out, int max)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT id FROM territories WHERE kind = ?1 AND name = ?2 ORDER BY id");
    if (!st) return -1;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    int64_t ids[TERRITORY_CANDIDATES_MAX];
    int n = 0, stored = 0, step;
    while ((step = db_step_raw(d, st)) == SQLITE_ROW) {
        if (stored < TERRITORY_CANDIDATES_MAX && stored < max) ids[stored++] = sqlite3_column_int64(st, 0);
        n++;
    }
    sqlite3_reset(st);
    if (step != SQLITE_DONE) return -1;
    /* Read the rows after the statement is reset: territory_get reuses statements. */
    for (int i = 0; i < stored; i++)
        if (territory_get(d, ids[i], &out[i])) return -1;
    return n;
}

void territory_path(db *d, const territory *t, char *buf, size_t size)
{
    territory parent;
    if (t->parent_id && territory_get(d, t->parent_id, &parent) == MB_OK)
        snprintf(buf, size, "%s/%s", parent.name, t->name);
    else
        snprintf(buf, size, "%s", t->name);
}

mb_status territory_find_path(db *d, const char *path, territory *out)
{
    const char *slash = strchr(path, '/');
    if (!slash || strchr(slash + 1, '/')) return MB_ERR_NOT_FOUND;
    char region[256];
    size_t n = (size_t)(slash - path);
    if (n == 0 || n >= sizeof region) return MB_ERR_NOT_FOUND;
    memcpy(region, path, n);
    region[n] = 0;
    sqlite3_stmt *st = db_stmt(d, "SELECT m.id FROM territories m JOIN territories r ON r.id = m.parent_id"
                                  " WHERE m.kind = 'municipality' AND r.kind = 'region' AND r.name = ?1"
                                  " AND m.name = ?2");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, region, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, slash + 1, -1, SQLITE_STATIC);
    int64_t id = 0;
    mb_status found = db_step_int(d, st, &id);   /* an error is not "no such municipality" */
    return found ? found : territory_get(d, id, out);
}

void territory_timezone(db *d, int64_t id, char *buf, size_t size)
{
    territory t, region;
    buf[0] = 0;
    if (!id || territory_get(d, id, &t)) return;
    if (t.timezone[0]) snprintf(buf, size, "%s", t.timezone);
    else if (t.parent_id && territory_get(d, t.parent_id, &region) == MB_OK)
        snprintf(buf, size, "%s", region.timezone);
}

mb_status territory_set_timezone(db *d, int64_t id, const char *tz)
{
    territory t;
    mb_status rc = territory_get(d, id, &t);
    if (rc) return rc;
    sqlite3_stmt *st = db_stmt(d, "UPDATE territories SET timezone = ?2 WHERE id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, tz, -1, SQLITE_STATIC);
    return db_step_done(d, st);
}

/* 1 when another territory of kind under parent_id is named name. */
static int name_taken(db *d, int64_t id, const char *kind, int64_t parent_id, const char *name)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT COUNT(*) FROM territories WHERE kind = ?1 AND COALESCE(parent_id, 0) = ?2"
                                  " AND name = ?3 AND id <> ?4");
    if (!st) return 1;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, parent_id);
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, id);
    return db_step_scalar(d, st, 1) != 0;   /* an error counts as taken */
}

mb_status territory_rename(db *d, int64_t id, const char *name)
{
    territory t;
    mb_status rc = territory_get(d, id, &t);
    if (rc) return rc;
    if (!name[0]) return MB_ERR_INVALID;
    if (name_taken(d, id, t.kind, t.parent_id, name)) return MB_ERR_EXISTS;
    sqlite3_stmt *st = db_stmt(d, "UPDATE territories SET name = ?2 WHERE id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    return db_step_done(d, st);
}

mb_status territory_move(db *d, int64_t id, int64_t parent_id)
{
    territory t, parent;
    mb_status rc = territory_get(d, id, &t);
    if (rc) return rc;
    if (strcmp(t.kind, "municipality") != 0) return MB_ERR_INVALID;
    if (parent_id && (rc = territory_get(d, parent_id, &parent))) return rc;
    if (parent_id && strcmp(parent.kind, "region") != 0) return MB_ERR_INVALID;
    if (name_taken(d, id, t.kind, parent_id, t.name)) return MB_ERR_EXISTS;
    sqlite3_stmt *st = db_stmt(d, "UPDATE territories SET parent_id = ?2 WHERE id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    if (parent_id) sqlite3_bind_int64(st, 2, parent_id); else sqlite3_bind_null(st, 2);
    return db_step_done(d, st);
}

static int count_refs(db *d, const char *sql, int64_t id)
{
    sqlite3_stmt *st = db_stmt(d, sql);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, id);
    return (int)db_step_scalar(d, st, -1);
}

mb_status territory_remove(db *d, int64_t id, territory_refs *refs)
{
    territory t;
    mb_status rc = territory_get(d, id, &t);
    if (rc) return rc;
    memset(refs, 0, sizeof *refs);
    refs->municipalities = count_refs(d, "SELECT COUNT(*) FROM territories WHERE parent_id = ?1", id);
    refs->orgs = count_refs(d, "SELECT COUNT(*) FROM orgs WHERE territory_id = ?1", id);
    refs->scopes = count_refs(d, "SELECT COUNT(*) FROM scopes WHERE territory_id = ?1", id);
    refs->invites = count_refs(d, "SELECT COUNT(*) FROM invites WHERE territory_id = ?1", id);
    if (refs->municipalities < 0 || refs->orgs < 0 || refs->scopes < 0 || refs->invites < 0) return MB_ERR_DB;
    if (refs->municipalities || refs->orgs || refs->scopes || refs->invites) return MB_ERR_EXISTS;
    sqlite3_stmt *st = db_stmt(d, "DELETE FROM territories WHERE id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    return db_step_done(d, st);
}

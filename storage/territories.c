#include "storage/territories.h"
#include "util/clock.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

/* ---- territories ---- */

/* Columns territory_from_row reads. */
#define TERRITORY_COLUMNS "id, name, kind, parent_id, timezone"

static void territory_from_row(sqlite3_stmt *st, void *row)
{
    territory *out = row;
    memset(out, 0, sizeof *out);
    out->id = sqlite3_column_int64(st, 0);
    db_column_copy(st, 1, out->name, sizeof out->name);
    db_column_copy(st, 2, out->kind, sizeof out->kind);
    out->parent_id = sqlite3_column_int64(st, 3);
    db_column_copy(st, 4, out->timezone, sizeof out->timezone);
}

/* A db_row_fn for lookups answering one id. */
static void id_from_row(sqlite3_stmt *st, void *id)
{
    *(int64_t *)id = sqlite3_column_int64(st, 0);
}

/* The id of the territory with this kind, parent and name, or 0. */
static int64_t territory_existing(db *d, const char *name, const char *kind, int64_t parent_id)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT id FROM territories WHERE kind = ?1 AND COALESCE(parent_id, 0) = ?2"
                                  " AND name = ?3");
    if (!st) return 0;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, parent_id);
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    return db_step_scalar(d, st, 0);
}

mb_status territory_add(db *d, const char *name, const char *kind, int64_t parent_id, int64_t *id_out)
{
    int region = strcmp(kind, "region") == 0;
    if (!region && strcmp(kind, "municipality") != 0) return MB_ERR_INVALID;
    if (!name[0] || (region && parent_id)) return MB_ERR_INVALID;
    if (parent_id) {
        territory parent;
        mb_status rc = territory_get(d, parent_id, &parent);
        if (rc) return rc;
        if (strcmp(parent.kind, "region") != 0) return MB_ERR_INVALID;
    }
    int64_t existing = territory_existing(d, name, kind, parent_id);
    if (existing) {
        *id_out = existing;
        return MB_ERR_EXISTS;
    }
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO territories(name, kind, parent_id, created_at) VALUES(?1,?2,?3,?4)");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    if (parent_id) sqlite3_bind_int64(st, 3, parent_id); else sqlite3_bind_null(st, 3);
    sqlite3_bind_int64(st, 4, clock_now_ms());
    mb_status rc = db_step_done(d, st);
    if (!rc) *id_out = sqlite3_last_insert_rowid(db_handle(d));
    return rc;
}

mb_status territory_get(db *d, int64_t id, territory *out)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT " TERRITORY_COLUMNS " FROM territories WHERE id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    return db_first_row(d, st, territory_from_row, out);
}

mb_status territory_find_by_name(db *d, const char *kind, const char *name, territory *out)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT " TERRITORY_COLUMNS " FROM territories WHERE kind = ?1 AND name = ?2"
                                  " ORDER BY id LIMIT 2");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    mb_status rc = db_step_row(d, st);
    if (rc == MB_OK) {
        territory_from_row(st, out);
        rc = db_step_raw(d, st) == SQLITE_ROW ? MB_ERR_INVALID : MB_OK;
    }
    sqlite3_reset(st);
    return rc;
}

int territory_list(db *d, territory_each_fn fn, void *arg)
{
    /* Each municipality sorts under its region; those without one come last. */
    sqlite3_stmt *st = db_stmt(d, "SELECT " TERRITORY_COLUMNS " FROM territories ORDER BY"
                                  " CASE WHEN kind = 'region' THEN id ELSE COALESCE(parent_id, 9223372036854775807) END,"
                                  " kind = 'municipality', name, id");
    if (!st) return -1;
    int stop = 0;
    while (!stop && db_step_raw(d, st) == SQLITE_ROW) {
        territory t;
        territory_from_row(st, &t);
        stop = fn(&t, arg);
    }
    sqlite3_reset(st);
    return stop;
}

/* ---- organisations ---- */

int org_type_valid(const char *type)
{
#define X(code, educational, what) if (strcmp(type, #code) == 0) return 1;
    ORG_TYPES
#undef X
    return 0;
}

int org_type_educational(const char *type)
{
#define X(code, educational, what) if (strcmp(type, #code) == 0) return educational;
    ORG_TYPES
#undef X
    return 0;
}

mb_status org_add_full(db *d, const char *name, const char *type, int64_t territory_id,
                       const char *timezone, int64_t *id_out)
{
    if (!name[0] || !org_type_valid(type) || !timezone[0]) return MB_ERR_INVALID;
    if (territory_id) {
        territory t;
        mb_status rc = territory_get(d, territory_id, &t);
        if (rc) return rc;
        if (strcmp(t.kind, "municipality") != 0) return MB_ERR_INVALID;
    }
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO orgs(name, timezone, type, territory_id, created_at)"
                                  " VALUES(?1, ?2, ?3, ?4, ?5)");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, timezone, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, type, -1, SQLITE_STATIC);
    if (territory_id) sqlite3_bind_int64(st, 4, territory_id); else sqlite3_bind_null(st, 4);
    sqlite3_bind_int64(st, 5, clock_now_ms());
    mb_status rc = db_step_done(d, st);
    if (!rc) *id_out = sqlite3_last_insert_rowid(db_handle(d));
    return rc;
}

mb_status org_find(db *d, const char *name, int64_t territory_id, int64_t *id_out)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT id FROM orgs WHERE name = ?1 AND COALESCE(territory_id, 0) = ?2"
                                  " ORDER BY id LIMIT 1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, territory_id);
    return db_first_row(d, st, id_from_row, id_out);
}

int org_list(db *d, org_each_fn fn, void *arg)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT id, name, timezone, type, territory_id FROM orgs ORDER BY id");
    if (!st) return -1;
    int stop = 0;
    while (!stop && db_step_raw(d, st) == SQLITE_ROW) {
        org o;
        memset(&o, 0, sizeof o);
        o.id = sqlite3_column_int64(st, 0);
        db_column_copy(st, 1, o.name, sizeof o.name);
        db_column_copy(st, 2, o.timezone, sizeof o.timezone);
        db_column_copy(st, 3, o.type, sizeof o.type);
        o.territory_id = sqlite3_column_int64(st, 4);
        stop = fn(&o, arg);
    }
    sqlite3_reset(st);
    return stop;
}

/* ---- programmes ---- */

const char *program_stage_code(int stage)
{
    static const char *const codes[] = {
#define X(code, what) #code,
        PROGRAM_STAGES
#undef X
    };
    if (stage < 1 || stage > PROGRAM_STAGE_COUNT) return NULL;
    return codes[stage - 1];
}

#define FORMS_ALL ((1u << PROFILE_FORM_COUNT) - 1)

mb_status program_forms_parse(const char *list, uint32_t *forms, char *bad, size_t bad_size)
{
    if (bad && bad_size) bad[0] = 0;
    if (strlen(list) > PROGRAM_FORMS_LIST_MAX) return MB_ERR_LIMIT;
    uint32_t bits = 0;
    const char *p = list;
    for (;;) {
        const char *end = strchr(p, ',');
        if (!end) end = p + strlen(p);
        while (p < end && (*p == ' ' || *p == '\t')) p++;
        const char *last = end;
        while (last > p && (last[-1] == ' ' || last[-1] == '\t')) last--;
        char code[PROGRAM_FORMS_LIST_MAX + 1];
        size_t n = (size_t)(last - p);
        memcpy(code, p, n);
        code[n] = 0;
        int form = n ? profile_form_code(code) : -1;
        if (form < 0) {
            if (bad && bad_size) snprintf(bad, bad_size, "%s", code);
            return MB_ERR_INVALID;
        }
        bits |= 1u << form;
        if (!*end) break;
        p = end + 1;
    }
    *forms = bits;
    return MB_OK;
}

void program_forms_format(uint32_t forms, char *buf, size_t size)
{
    size_t len = 0;
    if (size) buf[0] = 0;
    for (int f = 0; f < PROFILE_FORM_COUNT; f++) {
        if (!(forms & (1u << f))) continue;
        int n = snprintf(buf + len, size > len ? size - len : 0, "%s%s", len ? "," : "", profile_form_name(f));
        if (n < 0 || (size_t)n >= (size > len ? size - len : 0)) return;
        len += (size_t)n;
    }
}

/* Forms are stored as a JSON array of codes, as in profiles. */
static char *forms_to_json(uint32_t forms)
{
    cJSON *arr = cJSON_CreateArray();
    if (!arr) return NULL;
    for (int f = 0; f < PROFILE_FORM_COUNT; f++)
        if ((forms & (1u << f)) && !cJSON_AddItemToArray(arr, cJSON_CreateString(profile_form_name(f)))) {
            cJSON_Delete(arr);
            return NULL;
        }
    char *text = cJSON_PrintUnformatted(arr);
    cJSON_Delete(arr);
    return text;
}

static uint32_t forms_from_json(const unsigned char *text)
{
    cJSON *arr = text ? cJSON_Parse((const char *)text) : NULL, *it;
    uint32_t bits = 0;
    cJSON_ArrayForEach(it, arr) {
        int form = cJSON_IsString(it) ? profile_form_code(it->valuestring) : -1;
        if (form >= 0) bits |= 1u << form;
    }
    cJSON_Delete(arr);
    return bits;
}

/* Columns program_from_row reads. */
#define PROGRAM_COLUMNS "id, org_id, year, forms, stage"

static void program_from_row(sqlite3_stmt *st, void *row)
{
    program *out = row;
    memset(out, 0, sizeof *out);
    out->id = sqlite3_column_int64(st, 0);
    out->org_id = sqlite3_column_int64(st, 1);
    out->year = sqlite3_column_int(st, 2);
    out->forms = forms_from_json(sqlite3_column_text(st, 3));
    out->stage = sqlite3_column_int(st, 4);
}

mb_status program_create(db *d, int64_t org_id, int year, uint32_t forms, int64_t *id_out)
{
    if (year < PROGRAM_YEAR_MIN || year > PROGRAM_YEAR_MAX || !forms || (forms & ~FORMS_ALL))
        return MB_ERR_INVALID;
    org o;
    mb_status rc = org_get(d, org_id, &o);
    if (rc) return rc;
    if (!org_type_educational(o.type)) return MB_ERR_INVALID;
    program existing;
    if (!(rc = program_for_org_year(d, org_id, year, &existing))) {
        *id_out = existing.id;
        return MB_ERR_EXISTS;
    }
    if (rc != MB_ERR_NOT_FOUND) return rc;
    char *json = forms_to_json(forms);
    if (!json) return MB_ERR_NOMEM;
    rc = MB_ERR_DB;
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO programs(org_id, year, forms, stage, created_at) VALUES(?1,?2,?3,1,?4)");
    if (!st) goto out;
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_int(st, 2, year);
    sqlite3_bind_text(st, 3, json, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, clock_now_ms());
    rc = db_step_done(d, st);
    if (!rc) *id_out = sqlite3_last_insert_rowid(db_handle(d));
out:
    cJSON_free(json);
    return rc;
}

mb_status program_get(db *d, int64_t id, program *out)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT " PROGRAM_COLUMNS " FROM programs WHERE id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    return db_first_row(d, st, program_from_row, out);
}

mb_status program_for_org_year(db *d, int64_t org_id, int year, program *out)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT " PROGRAM_COLUMNS " FROM programs WHERE org_id = ?1 AND year = ?2");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_int(st, 2, year);
    return db_first_row(d, st, program_from_row, out);
}

mb_status program_set_stage(db *d, int64_t id, int stage)
{
    if (stage < 1 || stage > PROGRAM_STAGE_COUNT) return MB_ERR_INVALID;
    mb_status rc = db_run_with_ints(d, "UPDATE programs SET stage = ?2 WHERE id = ?1", id, stage);
    if (!rc && !sqlite3_changes(db_handle(d))) rc = MB_ERR_NOT_FOUND;
    return rc;
}

int program_list(db *d, int64_t org_id, program_each_fn fn, void *arg)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT " PROGRAM_COLUMNS " FROM programs"
                                  " WHERE ?1 = 0 OR org_id = ?1 ORDER BY org_id, year");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, org_id);
    int stop = 0;
    while (!stop && db_step_raw(d, st) == SQLITE_ROW) {
        program p;
        program_from_row(st, &p);
        stop = fn(&p, arg);
    }
    sqlite3_reset(st);
    return stop;
}

/* ---- scopes ---- */

mb_status scope_add_org(db *d, int64_t account_id, int64_t org_id)
{
    org o;
    mb_status rc = org_get(d, org_id, &o);
    if (rc) return rc;
    return db_run_with_ints(d, "INSERT INTO scopes(account_id, org_id) VALUES(?1, ?2) ON CONFLICT DO NOTHING",
                            account_id, org_id);
}

mb_status scope_add_territory(db *d, int64_t account_id, int64_t territory_id)
{
    territory t;
    mb_status rc = territory_get(d, territory_id, &t);
    if (rc) return rc;
    return db_run_with_ints(d, "INSERT INTO scopes(account_id, territory_id) VALUES(?1, ?2) ON CONFLICT DO NOTHING",
                            account_id, territory_id);
}

mb_status scope_grant_for_invite(db *d, int64_t account_id, const char *role, int64_t org_id,
                                 int64_t territory_id)
{
    if (strcmp(role, "curator") == 0) return org_id ? scope_add_org(d, account_id, org_id) : MB_ERR_INVALID;
    if (strcmp(role, "coordinator") == 0)
        return territory_id ? scope_add_territory(d, account_id, territory_id) : MB_ERR_INVALID;
    return MB_OK;
}

mb_status scope_invite_bind_territory(db *d, int64_t invite_id, int64_t territory_id)
{
    territory t;
    mb_status rc = territory_get(d, territory_id, &t);
    if (rc) return rc;
    rc = db_run_with_ints(d, "UPDATE invites SET territory_id = ?2 WHERE id = ?1", invite_id, territory_id);
    if (!rc && !sqlite3_changes(db_handle(d))) rc = MB_ERR_NOT_FOUND;
    return rc;
}

mb_status scope_invite_territory(db *d, int64_t invite_id, int64_t *territory_out)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT territory_id FROM invites WHERE id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, invite_id);
    return db_first_row(d, st, id_from_row, territory_out);
}

/* Collects the first column of every row into ids; the count of rows. */
static int collect_ids(db *d, sqlite3_stmt *st, int64_t *ids, int max)
{
    int n = 0, rc;
    while ((rc = db_step_raw(d, st)) == SQLITE_ROW) {
        if (n < max) ids[n] = sqlite3_column_int64(st, 0);
        n++;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? n : -1;
}

int scope_org_ids(db *d, int64_t account_id, int64_t *ids, int max)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT s.org_id FROM scopes s JOIN accounts a ON a.id = s.account_id"
                                  " WHERE s.account_id = ?1 AND s.org_id IS NOT NULL"
                                  " AND a.status = 'active' AND a.role = 'curator' ORDER BY s.org_id");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, account_id);
    return collect_ids(d, st, ids, max);
}

/*
 * Reading: a curator reads the organisations it curates; a coordinator those
 * whose municipality is its territory or lies in its region. The role is
 * checked besides the scope row, so a scope never outlives the role it came
 * with.
 */
#define SCOPE_READS_ORG                                                                   \
    " EXISTS (SELECT 1 FROM scopes s JOIN accounts a ON a.id = s.account_id"              \
    "  WHERE s.account_id = ?1 AND a.status = 'active' AND ("                             \
    "   (a.role = 'curator' AND s.org_id = o.id) OR"                                      \
    "   (a.role = 'coordinator' AND s.territory_id IS NOT NULL AND"                       \
    "    (s.territory_id = o.territory_id OR s.territory_id = m.parent_id))))"

int scope_readable_org_ids(db *d, int64_t account_id, int64_t *ids, int max)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT o.id FROM orgs o LEFT JOIN territories m ON m.id = o.territory_id"
                                  " WHERE" SCOPE_READS_ORG " ORDER BY o.id");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, account_id);
    return collect_ids(d, st, ids, max);
}

int scope_can_change_org(db *d, int64_t account_id, int64_t org_id)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT 1 FROM scopes s JOIN accounts a ON a.id = s.account_id"
                                  " WHERE s.account_id = ?1 AND s.org_id = ?2"
                                  " AND a.status = 'active' AND a.role = 'curator'");
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, account_id);
    sqlite3_bind_int64(st, 2, org_id);
    return db_has_row(d, st) == MB_OK;
}

int scope_can_read_org(db *d, int64_t account_id, int64_t org_id)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT 1 FROM orgs o LEFT JOIN territories m ON m.id = o.territory_id"
                                  " WHERE o.id = ?2 AND" SCOPE_READS_ORG);
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, account_id);
    sqlite3_bind_int64(st, 2, org_id);
    return db_has_row(d, st) == MB_OK;
}

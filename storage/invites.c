#include "storage/invites.h"
#include "util/clock.h"
#include "util/text.h"

#include <stdio.h>
#include <string.h>

mb_status invite_create(db *d, const char *kind, int64_t org_id, const char *role, int max_uses,
                        int64_t expires_at, int64_t for_account, const char *created_by, char *code_out,
                        int64_t *id_out)
{
    if (max_uses < 1) return MB_ERR_INVALID;
    if (text_random_code(code_out, INVITE_CODE_LEN)) return MB_ERR_IO;
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO invites(code, kind, org_id, role, max_uses, expires_at,"
                                  " for_account, created_by, created_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, code_out, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
    if (org_id) sqlite3_bind_int64(st, 3, org_id); else sqlite3_bind_null(st, 3);
    db_bind_text(st, 4, role);
    sqlite3_bind_int(st, 5, max_uses);
    if (expires_at) sqlite3_bind_int64(st, 6, expires_at); else sqlite3_bind_null(st, 6);
    if (for_account) sqlite3_bind_int64(st, 7, for_account); else sqlite3_bind_null(st, 7);
    sqlite3_bind_text(st, 8, created_by, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 9, clock_now_ms());
    mb_status rc = db_step_done(d, st);
    if (!rc && id_out) *id_out = sqlite3_last_insert_rowid(db_handle(d));
    return rc;
}

#define INVITE_COLUMNS "id, code, kind, org_id, role, max_uses, uses, expires_at, for_account, revoked_at, territory_id"

/* Places held on invites.id by people still registering, opened after ?9.
 * ?8 is an account whose own place is left out (0 = none). */
#define HELD_SQL "(SELECT COUNT(*) FROM invite_uses u JOIN accounts a ON a.id = u.account_id" \
                 " WHERE u.invite_id = invites.id AND u.held = 1 AND u.used_at > ?9" \
                 " AND a.status = 'registering' AND u.account_id <> ?8)"
/* The invite (a row of invites) has a place free. held_rows (migration 8) counts
 * every held row, stale ones too, so it can only overstate what is held
 * (less ?8's own hold, which never counts against ?8):
 * when even it leaves a place, the rows are not read (a CASE, since SQLite
 * computes both sides of an OR in a result column). */
#define OWN_HELD_SQL "(SELECT COUNT(*) FROM invite_uses o WHERE o.invite_id = invites.id" \
                     " AND o.account_id = ?8 AND o.held = 1)"
#define HAS_PLACE_SQL "(CASE WHEN max_uses - uses - held_rows + " OWN_HELD_SQL " > 0 THEN 1" \
                      " ELSE max_uses - uses - " HELD_SQL " > 0 END)"

static void read_invite(sqlite3_stmt *st, invite *out)
{
    memset(out, 0, sizeof *out);
    out->id = sqlite3_column_int64(st, 0);
    snprintf(out->code, sizeof out->code, "%s", sqlite3_column_text(st, 1));
    snprintf(out->kind, sizeof out->kind, "%s", sqlite3_column_text(st, 2));
    out->org_id = sqlite3_column_int64(st, 3);
    const unsigned char *role = sqlite3_column_text(st, 4);
    snprintf(out->role, sizeof out->role, "%s", role ? (const char *)role : "");
    out->uses_limit = sqlite3_column_int(st, 5);
    out->uses = sqlite3_column_int(st, 6);
    out->expires_at = sqlite3_column_int64(st, 7);
    out->for_account = sqlite3_column_int64(st, 8);
    out->revoked_at = sqlite3_column_int64(st, 9);
    out->territory_id = sqlite3_column_int64(st, 10);
}

/* One invite row, or MB_ERR_NOT_FOUND; a failed step is an error, never
 * "no such invite". */
static mb_status read_one(db *d, sqlite3_stmt *st, invite *out)
{
    mb_status rc = db_step_row(d, st);
    if (rc) return rc;
    read_invite(st, out);
    sqlite3_reset(st);
    return MB_OK;
}

mb_status invite_find(db *d, const char *code, invite *out)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT " INVITE_COLUMNS " FROM invites WHERE code = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
    return read_one(d, st, out);
}

mb_status invite_get(db *d, int64_t id, invite *out)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT " INVITE_COLUMNS " FROM invites WHERE id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    return read_one(d, st, out);
}

static int used_by(db *d, int64_t invite_id, int64_t account_id)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT 1 FROM invite_uses WHERE invite_id = ?1 AND account_id = ?2");
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, invite_id);
    sqlite3_bind_int64(st, 2, account_id);
    /* On an error the invitation is judged by its own limits alone; a fault
     * that waiting cures also makes intake take the update again. */
    return db_has_row(d, st) == MB_OK;
}

static int registering(db *d, int64_t account_id)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT 1 FROM accounts WHERE id = ?1 AND status = 'registering'");
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, account_id);
    return db_has_row(d, st) == MB_OK;
}

static void bind_held(sqlite3_stmt *st, int64_t except_account)
{
    sqlite3_bind_int64(st, 8, except_account);
    sqlite3_bind_int64(st, 9, clock_now_ms() - INVITE_RESERVE_MS);
}

/* 1 when an invite has a place neither used nor held, 0 when not or on an
 * error. */
static int has_place(db *d, int64_t invite_id)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT " HAS_PLACE_SQL " FROM invites WHERE id = ?1");
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, invite_id);
    bind_held(st, 0);
    if (db_step_row(d, st) != MB_OK) return 0;
    int n = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    return n;
}

/* Revoked or past its time: closed to everyone, the earlier holder too (a
 * revoked invite must not restart a registration). */
static int closed(const invite *inv)
{
    return inv->revoked_at || (inv->expires_at && clock_now_ms() >= inv->expires_at);
}

int invite_usable(db *d, const invite *inv, int64_t account_id)
{
    if (closed(inv)) return 0;
    if (account_id && used_by(d, inv->id, account_id)) return 1;
    return has_place(d, inv->id);
}

mb_status invite_release(db *d, int64_t invite_id, int64_t account_id)
{
    int counted = !registering(d, account_id);
    sqlite3_stmt *st = db_stmt(d, "DELETE FROM invite_uses WHERE invite_id = ?1 AND account_id = ?2");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, invite_id);
    sqlite3_bind_int64(st, 2, account_id);
    mb_status rc = db_step_done(d, st);
    if (rc || sqlite3_changes(db_handle(d)) == 0 || !counted) return rc;
    st = db_stmt(d, "UPDATE invites SET uses = uses - 1 WHERE id = ?1 AND uses > 0");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, invite_id);
    return db_step_done(d, st);
}

static mb_status record_use(db *d, int64_t invite_id, int64_t account_id)
{
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO invite_uses(invite_id, account_id, used_at, held) VALUES(?1, ?2, ?3, 0)");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, invite_id);
    sqlite3_bind_int64(st, 2, account_id);
    sqlite3_bind_int64(st, 3, clock_now_ms());
    return db_step_done(d, st);
}

/* uses + 1 when a place is free, leaving out except_account's own hold.
 * The condition is checked in the UPDATE itself, so two takers racing
 * from two processes cannot both get the last place. */
static mb_status count_use(db *d, int64_t invite_id, int64_t except_account)
{
    sqlite3_stmt *st = db_stmt(d, "UPDATE invites SET uses = uses + 1 WHERE id = ?1"
                                  " AND " HAS_PLACE_SQL);
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, invite_id);
    bind_held(st, except_account);
    mb_status rc = db_step_done(d, st);
    if (rc) return rc;
    return sqlite3_changes(db_handle(d)) == 0 ? MB_ERR_EXPIRED : MB_OK;
}

/* A place held by a registering account, when one is free; checked in the
 * INSERT for the same reason as in count_use. */
static mb_status hold_place(db *d, int64_t invite_id, int64_t account_id)
{
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO invite_uses(invite_id, account_id, used_at)"
                                  " SELECT ?1, ?2, ?3 FROM invites WHERE id = ?1 AND " HAS_PLACE_SQL);
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, invite_id);
    sqlite3_bind_int64(st, 2, account_id);
    sqlite3_bind_int64(st, 3, clock_now_ms());
    bind_held(st, 0);
    mb_status rc = db_step_done(d, st);
    if (rc) return rc;
    return sqlite3_changes(db_handle(d)) == 0 ? MB_ERR_EXPIRED : MB_OK;
}

mb_status invite_redeem(db *d, const invite *inv, int64_t account_id)
{
    /* invite_usable's rules, each read once: a place of the person's own
     * is kept; for a new one, the free place is checked by the statement
     * that takes it, so no separate reading of it comes first. */
    if (closed(inv)) return MB_ERR_EXPIRED;
    if (used_by(d, inv->id, account_id)) return MB_OK;
    mb_status rc;
    if (!registering(d, account_id)) {
        if ((rc = count_use(d, inv->id, 0))) return rc;
        return record_use(d, inv->id, account_id);
    }
    return hold_place(d, inv->id, account_id);
}

mb_status invite_redeem_new(db *d, const invite *inv, int64_t account_id)
{
    if (closed(inv)) return MB_ERR_EXPIRED;
    return hold_place(d, inv->id, account_id);
}

mb_status invite_complete(db *d, int64_t invite_id, int64_t account_id)
{
    /* The person's place and the invite's revocation in one reading. */
    sqlite3_stmt *st = db_stmt(d, "SELECT i.revoked_at IS NOT NULL FROM invite_uses u JOIN invites i"
                                  " ON i.id = u.invite_id WHERE u.invite_id = ?1 AND u.account_id = ?2");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, invite_id);
    sqlite3_bind_int64(st, 2, account_id);
    int64_t revoked;
    mb_status rc = db_step_int(d, st, &revoked);
    if (rc) return rc;
    if (revoked) return MB_ERR_EXPIRED;
    /* The person's own place, when still held, is what makes room. */
    rc = count_use(d, invite_id, account_id);
    if (rc) return rc;
    st = db_stmt(d, "UPDATE invite_uses SET used_at = ?3, held = 0 WHERE invite_id = ?1 AND account_id = ?2");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, invite_id);
    sqlite3_bind_int64(st, 2, account_id);
    sqlite3_bind_int64(st, 3, clock_now_ms());
    return db_step_done(d, st);
}

int invite_list_org(db *d, int64_t org_id, invite_view *out, int max)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT " INVITE_COLUMNS ", created_at, " HELD_SQL " FROM invites"
                                  " WHERE org_id = ?1 AND kind = 'role' ORDER BY id DESC LIMIT ?2");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_int(st, 2, max);
    bind_held(st, 0);
    int n = 0;
    int step = SQLITE_DONE;
    while (n < max && (step = db_step_raw(d, st)) == SQLITE_ROW) {
        read_invite(st, &out[n].inv);
        out[n].created_at = sqlite3_column_int64(st, 11);
        out[n].held = sqlite3_column_int(st, 12);
        n++;
    }
    sqlite3_reset(st);
    return n < max && step != SQLITE_DONE ? -1 : n;
}

mb_status invite_revoke(db *d, int64_t invite_id, int64_t org_id)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT revoked_at IS NOT NULL FROM invites WHERE id = ?1 AND org_id = ?2"
                                  " AND kind = 'role'");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, invite_id);
    sqlite3_bind_int64(st, 2, org_id);
    int64_t revoked;
    mb_status rc = db_step_int(d, st, &revoked);
    if (rc) return rc;
    if (revoked) return MB_ERR_EXISTS;
    st = db_stmt(d, "UPDATE invites SET revoked_at = ?2 WHERE id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, invite_id);
    sqlite3_bind_int64(st, 2, clock_now_ms());
    return db_step_done(d, st);
}

mb_status invite_find_guardian(db *d, int64_t account_id, invite *out)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT code FROM invites WHERE kind = 'guardian' AND for_account = ?1"
                                  " AND uses < max_uses AND revoked_at IS NULL ORDER BY id DESC LIMIT 1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, account_id);
    char code[INVITE_CODE_LEN + 1] = "";
    mb_status rc = db_step_row(d, st);
    if (rc) return rc;
    db_column_copy(st, 0, code, sizeof code);
    sqlite3_reset(st);
    if (!code[0]) return MB_ERR_NOT_FOUND;
    return invite_find(d, code, out);
}

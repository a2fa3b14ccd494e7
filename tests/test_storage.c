/*
 * Storage: the schema and its version guard, invites, the inbox, dialog
 * state and /forget. The outbox state machine and scheduled jobs are in
 * test_outbox.c.
 */
#include "tests/unit.h"
#include "tests/unit_db.h"

#include "storage/accounts.h"
#include "storage/db.h"
#include "storage/invites.h"
#include "storage/records.h"
#include "storage/schema.h"
#include "util/clock.h"

#include <stdlib.h>
#include <string.h>

#define T0 1795000000000LL   /* a fixed "now" for tests that move time */

/* The probes in tests/unit.c, on the test's database. */
static const char *query_text(db *d, const char *sql) { return unit_sql_text(db_handle(d), sql); }
static long long query_int(db *d, const char *sql) { return atoll(query_text(d, sql)); }

TEST(open_creates_schema_in_wal_mode)
{
    char path[512];
    db *d = unit_db_open(path, sizeof path);
    CHECK(d != NULL);
    if (!d) return;
    CHECK(db_schema_latest() >= 1);
    CHECK_INT(db_schema_version(d), db_schema_latest());
    CHECK_STR(query_text(d, "PRAGMA journal_mode"), "wal");
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'outbox'"), 1);
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'invites'"), 1);
    db_close(d);
}

TEST(open_refuses_a_newer_database)
{
    char path[512];
    db *d = unit_db_open(path, sizeof path);
    CHECK(d != NULL);
    if (!d) return;
    int newer = db_schema_latest() + 3;
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA user_version=%d", newer);
    CHECK_INT(db_exec(d, pragma), MB_OK);
    db_close(d);

    db *again = NULL;
    char err[512] = "";
    CHECK_INT(db_open(path, DB_SYNC_NORMAL, &again, err, sizeof err), MB_ERR_TOO_NEW);
    CHECK(again == NULL);
    char have[16], latest[16];
    snprintf(have, sizeof have, "%d", newer);
    snprintf(latest, sizeof latest, "%d", db_schema_latest());
    CHECK_CONTAINS(err, have);
    CHECK_CONTAINS(err, latest);
    db_close(again);
}

/* A statement whose journal outgrows the memory kept for it goes on in a
 * temporary file: a savepoint deleting many rows and a transaction
 * dropping a large index, as a migration does. SQLite writes the journal's
 * 1 MB memory block to the file in one call, which its unix layer refuses
 * (it takes less than 128 KiB) as "disk full": storage/vfs.c hands the
 * block on in pieces. */
TEST(a_large_journal_goes_on_in_a_file)
{
    char path[512];
    db *d = unit_db_open(path, sizeof path);
    CHECK(d != NULL);
    if (!d) return;
    CHECK_INT(db_exec(d, "CREATE TABLE big(id INTEGER PRIMARY KEY, text TEXT NOT NULL);"
                         "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30000)"
                         " INSERT INTO big SELECT i, printf('%.200c', 'x') FROM n;"
                         "CREATE INDEX big_text ON big(text, id);"),
              MB_OK);
    CHECK_INT(db_begin(d), MB_OK);
    CHECK_INT(db_exec(d, "INSERT INTO meta(key, value) VALUES('journal', 'test')"), MB_OK);
    CHECK_INT(db_exec(d, "SAVEPOINT many; DELETE FROM big WHERE id > 10; RELEASE many"), MB_OK);
    CHECK_INT(db_exec(d, "DROP INDEX big_text"), MB_OK);
    CHECK_INT(db_commit(d), MB_OK);
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM big"), 10);
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'big_text'"), 0);
    db_close(d);
}

/* How many of the schema entries of the tables migration 29 rebuilt (the
 * tables, their indexes and triggers, as SQLite keeps their text) are in
 * one of main and fresh and not in the other. */
#define REBUILT(db) "SELECT type, name, sql FROM " db ".sqlite_master WHERE tbl_name IN ('outbox', 'inbox', 'jobs')"
static long long rebuilt_differences(db *d)
{
    return query_int(d, "SELECT (SELECT COUNT(*) FROM (" REBUILT("main") " EXCEPT " REBUILT("fresh") "))"
                        " + (SELECT COUNT(*) FROM (" REBUILT("fresh") " EXCEPT " REBUILT("main") "))");
}

/* A database made by an earlier version moves its outbox, inbox and jobs
 * to tables with CHECK constraints (migration 29): every row kept, the
 * outbox's counter carried over (an id is never given twice, even that of
 * a deleted newest row), the same indexes as a new database's, the guard
 * triggers gone and an unknown state still refused. */
TEST(migration_29_keeps_rows_and_the_outbox_counter)
{
    char fresh_path[512], path[512];
    db *fresh = unit_db_open(fresh_path, sizeof fresh_path);
    CHECK(fresh != NULL);
    if (!fresh) return;
    db_close(fresh);

    snprintf(path, sizeof path, "%s/schema28.db", unit_tmpdir());
    sqlite3 *old = NULL;
    CHECK_INT(sqlite3_open(path, &old), SQLITE_OK);
    CHECK_INT(sqlite3_exec(old, "PRAGMA journal_mode=WAL", NULL, NULL, NULL), SQLITE_OK);
    for (int v = 1; v <= 28; v++) CHECK_INT(sqlite3_exec(old, schema_migration(v), NULL, NULL, NULL), SQLITE_OK);
    CHECK_INT(sqlite3_exec(old,
                           "PRAGMA user_version=28;"
                           "INSERT INTO outbox(platform, chat_id, account_id, kind, body, state, next_at, created_at)"
                           " VALUES('tg', 5, NULL, 'text', '{\"text\":\"a\"}', 'sent', 0, 1),"
                           "  ('vk', 6, NULL, 'photo', '{}', 'pending', 0, 2),"
                           "  ('tg', 5, NULL, 'text', '{}', 'checking', 0, 3);"
                           "DELETE FROM outbox WHERE id = 3;"
                           "INSERT INTO inbox(platform, update_id, kind, status, received_at)"
                           " VALUES('tg', 77, 'message', 'done', 1), ('vk', 78, 'message', 'received', 2);"
                           "INSERT INTO jobs(due_at, kind, state, created_at) VALUES(5, 'erase_sweep', 'pending', 1),"
                           "  (6, 'erase_sweep', 'done', 1);",
                           NULL, NULL, NULL),
              SQLITE_OK);
    sqlite3_close(old);

    db *d = NULL;
    char err[512] = "";
    CHECK_INT(db_open(path, DB_SYNC_NORMAL, &d, err, sizeof err), MB_OK);
    if (!d) return;
    CHECK_INT(db_schema_version(d), db_schema_latest());
    CHECK_STR(query_text(d, "SELECT group_concat(id || ':' || platform || ':' || kind || ':' || state || ':' || body, ' ')"
                            " FROM outbox"),
              "1:tg:text:sent:{\"text\":\"a\"} 2:vk:photo:pending:{}");
    CHECK_STR(query_text(d, "SELECT group_concat(platform || update_id || status, ' ') FROM inbox"),
              "tg77done vk78received");
    CHECK_STR(query_text(d, "SELECT group_concat(due_at || state, ' ') FROM jobs"), "5pending 6done");
    CHECK_INT(db_exec(d, "INSERT INTO outbox(platform, chat_id, kind, body, next_at, created_at)"
                         " VALUES('tg', 5, 'text', '{}', 0, 4)"),
              MB_OK);
    CHECK_INT(query_int(d, "SELECT MAX(id) FROM outbox"), 4);
    char attach[600];
    snprintf(attach, sizeof attach, "ATTACH '%s' AS fresh", fresh_path);
    CHECK_INT(db_exec(d, attach), MB_OK);
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM (" REBUILT("fresh") ")"), 14);
    CHECK_INT(rebuilt_differences(d), 0);
    CHECK_INT(db_exec(d, "DETACH fresh"), MB_OK);
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger'"
                           " AND tbl_name IN ('outbox', 'inbox', 'jobs')"),
              0);
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM sqlite_master WHERE name LIKE '%\\_new' ESCAPE '\\'"), 0);
    CHECK(db_exec(d, "UPDATE outbox SET state = 'snet' WHERE id = 1") != MB_OK);
    CHECK_STR(query_text(d, "SELECT state FROM outbox WHERE id = 1"), "sent");
    CHECK_STR(query_text(d, "PRAGMA integrity_check"), "ok");
    db_close(d);
}
#undef REBUILT

TEST(reopening_keeps_data)
{
    char path[512];
    db *d = unit_db_open(path, sizeof path);
    CHECK(d != NULL);
    if (!d) return;
    int64_t org_id = 0, acct = 0;
    CHECK_INT(org_add(d, "Школа 1", "Europe/Moscow", &org_id), MB_OK);
    CHECK_INT(account_create(d, "tg", 501, 501, "ru", &acct), MB_OK);
    CHECK_INT(db_meta_set_int(d, "tg_offset", 9001), MB_OK);
    db_close(d);

    char err[512] = "";
    d = NULL;
    CHECK_INT(db_open(path, DB_SYNC_FULL, &d, err, sizeof err), MB_OK);
    if (!d) return;
    CHECK_INT(db_schema_version(d), db_schema_latest());
    org o;
    CHECK_INT(org_get(d, org_id, &o), MB_OK);
    CHECK_STR(o.name, "Школа 1");
    account a;
    identity id;
    CHECK_INT(account_find_by_identity(d, "tg", 501, &a, &id), MB_OK);
    CHECK_INT(a.id, acct);
    CHECK_INT(db_meta_get_int(d, "tg_offset", -1), 9001);
    db_close(d);
}

TEST(invite_create_then_find)
{
    char path[512];
    db *d = unit_db_open(path, sizeof path);
    if (!d) { CHECK(d != NULL); return; }
    int64_t org_id = 0, inv_id = 0;
    CHECK_INT(org_add(d, "Лицей", "Europe/Moscow", &org_id), MB_OK);
    char code[INVITE_CODE_LEN + 1] = "";
    CHECK_INT(invite_create(d, "role", org_id, "mentor", 10, 0, 0, "admin:cli", code, &inv_id), MB_OK);
    CHECK_INT(strlen(code), INVITE_CODE_LEN);
    invite inv;
    CHECK_INT(invite_find(d, code, &inv), MB_OK);
    CHECK_INT(inv.id, inv_id);
    CHECK_STR(inv.code, code);
    CHECK_STR(inv.kind, "role");
    CHECK_STR(inv.role, "mentor");
    CHECK_INT(inv.org_id, org_id);
    CHECK_INT(inv.uses_limit, 10);
    CHECK_INT(inv.uses, 0);
    CHECK_INT(invite_find(d, "aaaaaaaaaaaaaaaa", &inv), MB_ERR_NOT_FOUND);
    CHECK_INT(invite_create(d, "role", org_id, "mentor", 0, 0, 0, "admin:cli", code, NULL), MB_ERR_INVALID);
    db_close(d);
}

/* What the end of registration does beside invite_complete. */
static void finish_registration(db *d, int64_t id)
{
    account a;
    CHECK_INT(account_load(d, id, &a), MB_OK);
    snprintf(a.status, sizeof a.status, "active");
    CHECK_INT(account_save(d, &a), MB_OK);
}

TEST(invite_redeem_counts_uses_until_used_up)
{
    char path[512];
    db *d = unit_db_open(path, sizeof path);
    if (!d) { CHECK(d != NULL); return; }
    int64_t org_id = 0, a1 = 0, a2 = 0, a3 = 0;
    CHECK_INT(org_add(d, "Школа 2", "Europe/Moscow", &org_id), MB_OK);
    CHECK_INT(account_create(d, "tg", 11, 11, "ru", &a1), MB_OK);
    CHECK_INT(account_create(d, "tg", 12, 12, "ru", &a2), MB_OK);
    CHECK_INT(account_create(d, "tg", 13, 13, "ru", &a3), MB_OK);
    char code[INVITE_CODE_LEN + 1];
    CHECK_INT(invite_create(d, "role", org_id, "mentee", 2, 0, 0, "admin:cli", code, NULL), MB_OK);
    invite inv;
    CHECK_INT(invite_find(d, code, &inv), MB_OK);
    /* People still registering hold places; a use counts at the end. */
    CHECK_INT(invite_redeem(d, &inv, a1), MB_OK);
    CHECK_INT(invite_find(d, code, &inv), MB_OK);
    CHECK_INT(inv.uses, 0);
    CHECK_INT(invite_redeem(d, &inv, a2), MB_OK);
    CHECK(!invite_usable(d, &inv, a3));
    CHECK_INT(invite_redeem(d, &inv, a3), MB_ERR_EXPIRED);
    CHECK_INT(invite_complete(d, inv.id, a1), MB_OK);
    finish_registration(d, a1);
    CHECK_INT(invite_complete(d, inv.id, a2), MB_OK);
    finish_registration(d, a2);
    CHECK_INT(invite_complete(d, inv.id, a3), MB_ERR_NOT_FOUND);
    CHECK_INT(invite_find(d, code, &inv), MB_OK);
    CHECK_INT(inv.uses, 2);
    CHECK_INT(invite_redeem(d, &inv, a3), MB_ERR_EXPIRED);
    db_close(d);
}

TEST(single_use_invite_is_free_again_for_the_same_account)
{
    char path[512];
    db *d = unit_db_open(path, sizeof path);
    if (!d) { CHECK(d != NULL); return; }
    int64_t org_id = 0, first = 0, second = 0;
    CHECK_INT(org_add(d, "Школа 3", "Europe/Moscow", &org_id), MB_OK);
    CHECK_INT(account_create(d, "tg", 21, 21, "ru", &first), MB_OK);
    CHECK_INT(account_create(d, "tg", 22, 22, "ru", &second), MB_OK);
    char code[INVITE_CODE_LEN + 1];
    CHECK_INT(invite_create(d, "role", org_id, "mentor", 1, 0, 0, "admin:cli", code, NULL), MB_OK);
    invite inv;
    CHECK_INT(invite_find(d, code, &inv), MB_OK);
    CHECK_INT(invite_redeem(d, &inv, first), MB_OK);

    /* A stale copy of the invite (uses = 0) must not let a second person in. */
    CHECK_INT(invite_redeem(d, &inv, second), MB_ERR_EXPIRED);
    CHECK_INT(invite_find(d, code, &inv), MB_OK);
    CHECK(!invite_usable(d, &inv, second));
    CHECK_INT(invite_redeem(d, &inv, second), MB_ERR_EXPIRED);

    /* The person who used it restarts registration: not charged again. */
    CHECK(invite_usable(d, &inv, first));
    CHECK_INT(invite_redeem(d, &inv, first), MB_OK);
    CHECK_INT(invite_complete(d, inv.id, first), MB_OK);
    CHECK_INT(invite_find(d, code, &inv), MB_OK);
    CHECK_INT(inv.uses, 1);
    db_close(d);
}

/* A place held by someone who opened the invite and went away is free
 * again after INVITE_RESERVE_MS; who then finishes first gets it, and a
 * decline gives a place back at once. */
TEST(a_held_place_lapses_and_a_decline_gives_it_back)
{
    char path[512];
    db *d = unit_db_open(path, sizeof path);
    if (!d) { CHECK(d != NULL); return; }
    clock_set_ms(T0);
    int64_t org_id = 0, idle = 0, late = 0, declining = 0;
    CHECK_INT(org_add(d, "Школа 4", "Europe/Moscow", &org_id), MB_OK);
    CHECK_INT(account_create(d, "tg", 31, 31, "ru", &idle), MB_OK);
    CHECK_INT(account_create(d, "tg", 32, 32, "ru", &late), MB_OK);
    CHECK_INT(account_create(d, "tg", 33, 33, "ru", &declining), MB_OK);
    char code[INVITE_CODE_LEN + 1];
    CHECK_INT(invite_create(d, "role", org_id, "mentor", 1, 0, 0, "admin:cli", code, NULL), MB_OK);
    invite inv;
    CHECK_INT(invite_find(d, code, &inv), MB_OK);
    CHECK_INT(invite_redeem(d, &inv, declining), MB_OK);
    CHECK(!invite_usable(d, &inv, idle));
    CHECK_INT(account_delete(d, declining), MB_OK);
    CHECK(invite_usable(d, &inv, idle));
    CHECK_INT(invite_redeem(d, &inv, idle), MB_OK);
    clock_set_ms(T0 + INVITE_RESERVE_MS - 1);
    CHECK_INT(invite_redeem(d, &inv, late), MB_ERR_EXPIRED);
    clock_set_ms(T0 + INVITE_RESERVE_MS + 1);
    CHECK_INT(invite_redeem(d, &inv, late), MB_OK);
    CHECK_INT(invite_complete(d, inv.id, late), MB_OK);
    CHECK_INT(invite_complete(d, inv.id, idle), MB_ERR_EXPIRED);
    CHECK_INT(invite_find(d, code, &inv), MB_OK);
    CHECK_INT(inv.uses, 1);
    clock_release();
    db_close(d);
}

static int64_t held_rows_of(db *d, int64_t invite_id, int counted)
{
    const char *sql = counted ? "SELECT COUNT(*) FROM invite_uses WHERE invite_id = ?1 AND held = 1"
                              : "SELECT held_rows FROM invites WHERE id = ?1";
    sqlite3_stmt *st = db_stmt(d, sql);
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, invite_id);
    int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_reset(st);
    return n;
}

/* The invite's count of held rows, which spares reading them while the
 * invite has room, follows every way a hold begins and ends. */
TEST(the_held_count_follows_holds_taken_completed_and_dropped)
{
    char path[512];
    db *d = unit_db_open(path, sizeof path);
    if (!d) { CHECK(d != NULL); return; }
    int64_t org_id = 0, acct[4] = {0};
    CHECK_INT(org_add(d, "Школа 5", "Europe/Moscow", &org_id), MB_OK);
    for (int i = 0; i < 4; i++) CHECK_INT(account_create(d, "tg", 41 + i, 41 + i, "ru", &acct[i]), MB_OK);
    char code[INVITE_CODE_LEN + 1];
    CHECK_INT(invite_create(d, "role", org_id, "mentee", 100, 0, 0, "admin:cli", code, NULL), MB_OK);
    invite inv;
    CHECK_INT(invite_find(d, code, &inv), MB_OK);
    for (int i = 0; i < 4; i++) CHECK_INT(invite_redeem(d, &inv, acct[i]), MB_OK);
    CHECK_INT(held_rows_of(d, inv.id, 0), 4);
    CHECK_INT(invite_complete(d, inv.id, acct[0]), MB_OK);
    finish_registration(d, acct[0]);
    CHECK_INT(invite_release(d, inv.id, acct[1]), MB_OK);
    CHECK_INT(account_delete(d, acct[2]), MB_OK);
    CHECK_INT(held_rows_of(d, inv.id, 0), 1);
    CHECK_INT(held_rows_of(d, inv.id, 1), 1);
    CHECK_INT(invite_find(d, code, &inv), MB_OK);
    CHECK_INT(inv.uses, 1);
    db_close(d);
}

TEST(invite_expires_with_the_clock)
{
    char path[512];
    db *d = unit_db_open(path, sizeof path);
    if (!d) { CHECK(d != NULL); return; }
    clock_set_ms(T0);
    int64_t org_id = 0, acct = 0;
    CHECK_INT(org_add(d, "Школа 4", "Europe/Moscow", &org_id), MB_OK);
    CHECK_INT(account_create(d, "tg", 31, 31, "ru", &acct), MB_OK);
    char code[INVITE_CODE_LEN + 1];
    int64_t day = 24LL * 3600 * 1000;
    CHECK_INT(invite_create(d, "role", org_id, "mentor", 5, T0 + day, 0, "admin:cli", code, NULL), MB_OK);
    invite inv;
    CHECK_INT(invite_find(d, code, &inv), MB_OK);
    CHECK_INT(inv.expires_at, T0 + day);
    CHECK(invite_usable(d, &inv, acct));
    clock_advance_ms(day - 1);
    CHECK(invite_usable(d, &inv, acct));
    clock_advance_ms(1);
    CHECK(!invite_usable(d, &inv, acct));
    CHECK_INT(invite_redeem(d, &inv, acct), MB_ERR_EXPIRED);
    CHECK_INT(invite_find(d, code, &inv), MB_OK);
    CHECK_INT(inv.uses, 0);
    clock_release();
    db_close(d);
}

TEST(inbox_insert_twice_is_a_duplicate)
{
    char path[512];
    db *d = unit_db_open(path, sizeof path);
    if (!d) { CHECK(d != NULL); return; }
    CHECK_INT(inbox_insert(d, "tg", 4242, "message"), MB_OK);
    CHECK_INT(inbox_insert(d, "tg", 4242, "message"), MB_ERR_EXISTS);
    CHECK_INT(inbox_insert(d, "vk", 4242, "message"), MB_OK);   /* ids are per platform */
    CHECK_INT(inbox_mark(d, "tg", 4242, "done", NULL), MB_OK);
    CHECK_INT(inbox_insert(d, "tg", 4242, "message"), MB_ERR_EXISTS);
    CHECK_STR(query_text(d, "SELECT status FROM inbox WHERE platform = 'tg' AND update_id = 4242"), "done");
    db_close(d);
}

TEST(account_forget_erases_personal_data_keeps_counts)
{
    char path[512];
    db *d = unit_db_open(path, sizeof path);
    if (!d) { CHECK(d != NULL); return; }
    int64_t org_id = 0, id = 0;
    CHECK_INT(org_add(d, "Школа 5", "Europe/Moscow", &org_id), MB_OK);
    CHECK_INT(account_create(d, "tg", 777, 777, "ru", &id), MB_OK);
    account a;
    CHECK_INT(account_load(d, id, &a), MB_OK);
    snprintf(a.status, sizeof a.status, "active");
    snprintf(a.role, sizeof a.role, "mentee");
    a.org_id = org_id;
    snprintf(a.name, sizeof a.name, "Аня Петрова");
    snprintf(a.category, sizeof a.category, "pupil");
    a.grade = 9;
    a.birth_year = 2010;
    CHECK_INT(account_save(d, &a), MB_OK);
    CHECK_INT(dialog_set(d, id, "menu", "{\"x\":1}"), MB_OK);

    CHECK_INT(account_forget(d, id), MB_OK);
    account f;
    CHECK_INT(account_load(d, id, &f), MB_OK);
    CHECK_STR(f.name, "");
    CHECK_INT(f.birth_year, 0);
    CHECK_STR(f.status, "forgotten");
    CHECK_STR(f.role, "mentee");
    CHECK_INT(f.org_id, org_id);
    CHECK_STR(f.category, "pupil");
    CHECK_INT(f.grade, 9);
    account by_id;
    CHECK_INT(account_find_by_identity(d, "tg", 777, &by_id, NULL), MB_ERR_NOT_FOUND);
    identity ident;
    CHECK_INT(identity_for_account(d, id, NULL, &ident), MB_ERR_NOT_FOUND);
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM accounts WHERE name LIKE '%Аня%'"), 0);
    db_close(d);
}

/* Saves a and reads it back into a, as each update of a registration
 * reads the account anew. */
static void save_and_reload(db *d, account *a)
{
    CHECK_INT(account_save(d, a), MB_OK);
    CHECK_INT(account_load(d, a->id, a), MB_OK);
}

/* A registration's steps each change a field or two: every one is stored
 * and read back, whichever columns a save writes, the lists that read
 * the account through its indexes (a week's joined, the pupils waiting
 * for a parent) see it move, and its role is in the history once. */
TEST(account_save_stores_each_step_of_a_registration)
{
    char path[512];
    db *d = unit_db_open(path, sizeof path);
    if (!d) { CHECK(d != NULL); return; }
    int64_t org_id = 0, id = 0;
    CHECK_INT(org_add(d, "Школа 8", "Europe/Moscow", &org_id), MB_OK);
    CHECK_INT(account_create(d, "tg", 999, 999, "ru", &id), MB_OK);
    account a, got;
    CHECK_INT(account_load(d, id, &a), MB_OK);
    snprintf(a.role, sizeof a.role, "mentee");
    a.org_id = org_id;
    save_and_reload(d, &a);
    snprintf(a.category, sizeof a.category, "pupil");
    a.grade = 7;
    save_and_reload(d, &a);
    a.birth_year = 2013;
    a.consent_at = 1234;
    save_and_reload(d, &a);
    snprintf(a.name, sizeof a.name, "Оля Смирнова");
    snprintf(a.status, sizeof a.status, "pending_consent");
    save_and_reload(d, &a);
    CHECK_INT(account_load(d, id, &got), MB_OK);
    CHECK_STR(got.status, "pending_consent");
    CHECK_STR(got.role, "mentee");
    CHECK_INT(got.org_id, org_id);
    CHECK_STR(got.name, "Оля Смирнова");
    CHECK_STR(got.category, "pupil");
    CHECK_INT(got.grade, 7);
    CHECK_INT(got.birth_year, 2013);
    CHECK_INT(got.consent_at, 1234);
    CHECK_STR(got.language, "ru");
    char sql[240];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM accounts INDEXED BY accounts_pending_consent"
             " WHERE org_id = %lld AND status = 'pending_consent'", (long long)org_id);
    CHECK_INT(query_int(d, sql), 1);
    /* the parent agreed */
    snprintf(a.guardian_consent, sizeof a.guardian_consent, "parent");
    a.guardian_consent_at = 5678;
    snprintf(a.status, sizeof a.status, "active");
    save_and_reload(d, &a);
    CHECK_INT(query_int(d, sql), 0);
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM accounts INDEXED BY accounts_joined WHERE created_at >= 0"
             " AND org_id = %lld AND role <> 'curator' AND status IN ('active', 'pending_consent')", (long long)org_id);
    CHECK_INT(query_int(d, sql), 1);
    CHECK_INT(account_load(d, id, &got), MB_OK);
    CHECK_STR(got.status, "active");
    CHECK_STR(got.guardian_consent, "parent");
    CHECK_INT(got.guardian_consent_at, 5678);
    /* a field cleared is stored as none */
    a.grade = 0;
    a.category[0] = 0;
    save_and_reload(d, &a);
    CHECK_INT(a.grade, 0);
    CHECK_STR(a.category, "");
    CHECK_INT(query_int(d, "SELECT COUNT(*) FROM accounts WHERE grade IS NULL AND category IS NULL"), 1);
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM role_history WHERE account_id = %lld AND role = 'mentee'",
             (long long)id);
    CHECK_INT(query_int(d, sql), 1);
    /* the role changes: the history has both */
    snprintf(a.role, sizeof a.role, "mentor");
    save_and_reload(d, &a);
    CHECK_STR(a.role, "mentor");
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM role_history WHERE account_id = %lld", (long long)id);
    CHECK_INT(query_int(d, sql), 2);
    /* saved twice without reading it back, the status changed and then
     * changed back: the second save writes it back too */
    snprintf(a.status, sizeof a.status, "pending_consent");
    CHECK_INT(account_save(d, &a), MB_OK);
    snprintf(a.status, sizeof a.status, "active");
    CHECK_INT(account_save(d, &a), MB_OK);
    CHECK_INT(account_load(d, id, &got), MB_OK);
    CHECK_STR(got.status, "active");
    /* an account filled in by hand, not read, is written whole */
    account manual = a;
    manual.loaded = 0;
    manual.org_id = 0;
    CHECK_INT(account_save(d, &manual), MB_OK);
    CHECK_INT(account_load(d, id, &got), MB_OK);
    CHECK_INT(got.org_id, 0);
    /* an unknown status is refused by the guard, and nothing is stored */
    snprintf(a.status, sizeof a.status, "paused");
    snprintf(a.name, sizeof a.name, "Другое имя");
    CHECK(account_save(d, &a) != MB_OK);
    CHECK_INT(account_load(d, id, &got), MB_OK);
    CHECK_STR(got.status, "active");
    CHECK_STR(got.name, "Оля Смирнова");
    db_close(d);
}

/* A minor whose parent confirmed through a guardian invite asks to be
 * forgotten: the used invite must not stand in the way. */
TEST(account_forget_after_guardian_consent)
{
    char path[512];
    db *d = unit_db_open(path, sizeof path);
    if (!d) { CHECK(d != NULL); return; }
    int64_t org_id = 0, minor = 0;
    CHECK_INT(org_add(d, "Школа 6", "Europe/Moscow", &org_id), MB_OK);
    CHECK_INT(account_create(d, "tg", 888, 888, "ru", &minor), MB_OK);
    account a;
    CHECK_INT(account_load(d, minor, &a), MB_OK);
    snprintf(a.name, sizeof a.name, "Петя");
    a.birth_year = 2013;
    CHECK_INT(account_save(d, &a), MB_OK);
    char code[INVITE_CODE_LEN + 1];
    CHECK_INT(invite_create(d, "guardian", org_id, NULL, 1, 0, minor, "system", code, NULL), MB_OK);
    invite inv;
    CHECK_INT(invite_find(d, code, &inv), MB_OK);
    CHECK_INT(invite_redeem(d, &inv, minor), MB_OK);

    CHECK_INT(account_forget(d, minor), MB_OK);
    account f;
    CHECK_INT(account_load(d, minor, &f), MB_OK);
    CHECK_STR(f.name, "");
    CHECK_INT(f.birth_year, 0);
    db_close(d);
}

TEST(dialog_state_and_data)
{
    char path[512];
    db *d = unit_db_open(path, sizeof path);
    if (!d) { CHECK(d != NULL); return; }
    int64_t id = 0;
    CHECK_INT(account_create(d, "tg", 999, 999, "en", &id), MB_OK);
    char state[DIALOG_STATE_MAX];
    char *data = (char *)"sentinel";
    CHECK_INT(dialog_get(d, id, state, &data), MB_OK);
    CHECK_STR(state, "");
    CHECK(data == NULL);

    CHECK_INT(dialog_set(d, id, "reg_name", "{\"step\":1}"), MB_OK);
    CHECK_INT(dialog_get(d, id, state, &data), MB_OK);
    CHECK_STR(state, "reg_name");
    CHECK_STR(data, "{\"step\":1}");
    free(data);

    CHECK_INT(dialog_set(d, id, "reg_grade", NULL), MB_OK);
    CHECK_INT(dialog_get(d, id, state, &data), MB_OK);
    CHECK_STR(state, "reg_grade");
    CHECK(data == NULL);
    free(data);

    /* Exactly at the limit is kept; one byte over is refused and changes nothing. */
    char *big = malloc(DIALOG_DATA_MAX + 2);
    if (!big) { CHECK(big != NULL); db_close(d); return; }
    memset(big, 'a', DIALOG_DATA_MAX + 1);
    big[0] = '"';
    big[DIALOG_DATA_MAX - 1] = '"';
    big[DIALOG_DATA_MAX] = 0;
    CHECK_INT(dialog_set(d, id, "at_limit", big), MB_OK);
    big[DIALOG_DATA_MAX] = 'a';
    big[DIALOG_DATA_MAX + 1] = 0;
    CHECK_INT(dialog_set(d, id, "over_limit", big), MB_ERR_LIMIT);
    CHECK_INT(dialog_get(d, id, state, &data), MB_OK);
    CHECK_STR(state, "at_limit");
    CHECK(data && strlen(data) == DIALOG_DATA_MAX);
    free(data);
    free(big);
    db_close(d);
}

int main(void)
{
    RUN(open_creates_schema_in_wal_mode);
    RUN(open_refuses_a_newer_database);
    RUN(reopening_keeps_data);
    RUN(a_large_journal_goes_on_in_a_file);
    RUN(migration_29_keeps_rows_and_the_outbox_counter);
    RUN(invite_create_then_find);
    RUN(invite_redeem_counts_uses_until_used_up);
    RUN(single_use_invite_is_free_again_for_the_same_account);
    RUN(a_held_place_lapses_and_a_decline_gives_it_back);
    RUN(the_held_count_follows_holds_taken_completed_and_dropped);
    RUN(invite_expires_with_the_clock);
    RUN(inbox_insert_twice_is_a_duplicate);
    RUN(account_forget_erases_personal_data_keeps_counts);
    RUN(account_save_stores_each_step_of_a_registration);
    RUN(account_forget_after_guardian_consent);
    RUN(dialog_state_and_data);
    return unit_summary();
}

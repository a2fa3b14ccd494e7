#include "storage/db.h"
#include "storage/vfs.h"
#include "storage/schema.h"
#include "util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct db {
    sqlite3 *sql;
    int fault;   /* primary code of the last fault waiting may cure, since db_fault_clear */
    struct { const char *key; sqlite3_stmt *st; } cache[DB_STMT_CACHE];
    db_prepare_fn prepared;   /* observer of newly prepared statements (tests) */
    void *prepared_ctx;
    int truncate_log;         /* db_erased: the next checkpoint empties the log */
    int busy_ms;              /* how long a statement waits for a lock */
};

static void too_new(char *err, size_t err_size, int have, int latest)
{
    snprintf(err, err_size,
             "the database is at schema version %d but this mentorbot knows only up to %d; "
             "run the newer mentorbot that wrote it, or restore a backup",
             have, latest);
}

/* Each step re-reads the version under the write lock, so the service and
 * an admin command opening a new database at the same moment do not both
 * apply the same migration. */
static mb_status apply_migrations(db *d, char *err, size_t err_size)
{
    int latest = schema_count();
    /* Up to date: no write lock needed, so an operator's command still
     * opens the database while another process holds it. */
    if (db_schema_version(d) == latest) return MB_OK;
    if (db_schema_version(d) > latest) {
        too_new(err, err_size, db_schema_version(d), latest);
        return MB_ERR_TOO_NEW;
    }
    for (;;) {
        if (db_begin(d)) goto fail;
        int have = db_schema_version(d);
        if (have >= latest) {
            db_rollback(d);
            if (have == latest) return MB_OK;
            too_new(err, err_size, have, latest);
            return MB_ERR_TOO_NEW;
        }
        int v = have + 1;
        char *msg = NULL;
        if (sqlite3_exec(d->sql, schema_migration(v), NULL, NULL, &msg) != SQLITE_OK) {
            snprintf(err, err_size, "migration %d failed: %s", v, msg ? msg : "?");
            sqlite3_free(msg);
            db_rollback(d);
            return MB_ERR_DB;
        }
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA user_version=%d", v);
        if (db_exec(d, pragma) || db_commit(d)) goto fail;
        log_info("db", "applied migration %d", v);
    }
fail:
    snprintf(err, err_size, "could not apply migrations: %s", sqlite3_errmsg(d->sql));
    db_rollback(d);
    return MB_ERR_DB;
}

/* WAL is a property of the file: once set it stays. Switching needs a lock
 * that SQLite's busy handler does not wait for, so two processes creating
 * the database together retry here. */
static mb_status set_wal(db *d)
{
    for (int tries = 0; tries < DB_BUSY_TIMEOUT_MS / 10; tries++) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(d->sql, "PRAGMA journal_mode=WAL", -1, &st, NULL) != SQLITE_OK) return MB_ERR_DB;
        int rc = sqlite3_step(st);
        int wal = rc == SQLITE_ROW && sqlite3_stricmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
        sqlite3_finalize(st);
        if (wal) return MB_OK;
        if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED && rc != SQLITE_ROW) return MB_ERR_DB;
        sqlite3_sleep(10);
    }
    return MB_ERR_BUSY;
}

/* SQLite counts the memory it allocates under a lock at every allocation,
 * for statistics nothing here reads: off, before its first use (a later
 * call changes nothing and is harmless). A statement's journal, and the
 * savepoint of each update (bot/intake.c), keep the pages they change in
 * memory up to DB_STMT_JOURNAL_MEMORY, in blocks of that size: in memory
 * for temp_store=MEMORY they were blocks of a kilobyte, five allocations
 * for every page an update changed. A journal that grows past it goes on
 * in a temporary file, written through the storage VFS (storage/vfs.h),
 * which hands a block on in pieces the default VFS takes. */
#define DB_STMT_JOURNAL_MEMORY (1024 * 1024)   /* bytes of an update's journal kept in memory */

static void configure_sqlite(void)
{
    static int done;
    if (done) return;
    done = 1;
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    (void)sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, DB_STMT_JOURNAL_MEMORY);
    (void)vfs_install();
}

mb_status db_open(const char *path, db_sync sync, db **out, char *err, size_t err_size)
{
    mb_status rc = MB_ERR_DB;
    db *d = calloc(1, sizeof *d);
    if (!d) return MB_ERR_NOMEM;
    configure_sqlite();
    /* A connection is used by one thread at a time (the loop's, or a
     * tool's own): no lock around each of its calls. */
    if (sqlite3_open_v2(path, &d->sql, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK) {
        snprintf(err, err_size, "cannot open database %s: %s", path,
                 d->sql ? sqlite3_errmsg(d->sql) : "out of memory");
        goto out;
    }
    d->busy_ms = DB_BUSY_TIMEOUT_MS;
    sqlite3_busy_timeout(d->sql, d->busy_ms);
    sqlite3_extended_result_codes(d->sql, 1);
    if (set_wal(d) ||
        db_exec(d, sync == DB_SYNC_FULL ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL") ||
        db_exec(d, "PRAGMA foreign_keys=ON") ||
        /* Statement journals stay in memory up to DB_STMT_JOURNAL_MEMORY
         * (configure_sqlite), and sorts and temporary tables while they fit
         * the cache: in a file they cost a write call each (thousands a
         * second under load), for data no crash needs. */
        db_exec(d, "PRAGMA temp_store=DEFAULT")) {
        snprintf(err, err_size, "cannot set up database %s: %s", path, sqlite3_errmsg(d->sql));
        goto out;
    }
    rc = apply_migrations(d, err, err_size);
out:
    if (rc) { db_close(d); return rc; }
    *out = d;
    return MB_OK;
}

void db_close(db *d)
{
    if (!d) return;
    for (int i = 0; i < DB_STMT_CACHE; i++) sqlite3_finalize(d->cache[i].st);
    sqlite3_close(d->sql);
    free(d);
}

sqlite3 *db_handle(db *d) { return d->sql; }

const char *db_wal_path(db *d)
{
    sqlite3_filename name = sqlite3_db_filename(d->sql, "main");
    const char *wal = name && name[0] ? sqlite3_filename_wal(name) : NULL;
    return wal && wal[0] ? wal : NULL;
}
int db_schema_latest(void) { return schema_count(); }

int db_schema_version(db *d)
{
    sqlite3_stmt *st;
    int v = 0;
    if (sqlite3_prepare_v2(d->sql, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK) return -1;
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

sqlite3_stmt *db_stmt(db *d, const char *sql)
{
    /* Keyed by address: callers pass literals, so equal text is one entry. */
    size_t h = ((uintptr_t)sql >> 3) % DB_STMT_CACHE;
    for (size_t i = 0; i < DB_STMT_CACHE; i++) {
        size_t k = (h + i) % DB_STMT_CACHE;
        if (d->cache[k].key == sql) {
            sqlite3_reset(d->cache[k].st);
            sqlite3_clear_bindings(d->cache[k].st);
            return d->cache[k].st;
        }
        if (!d->cache[k].key) {
            sqlite3_stmt *st;
            int rc = sqlite3_prepare_v3(d->sql, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
            if (rc != SQLITE_OK) {
                if (db_fault_transient(rc)) d->fault = rc & 0xff;
                log_error("db", "cannot prepare [%s]: %s", sql, sqlite3_errmsg(d->sql));
                return NULL;
            }
            d->cache[k].key = sql;
            d->cache[k].st = st;
            if (d->prepared) d->prepared(sql, d->prepared_ctx);
            return st;
        }
    }
    log_error("db", "statement cache full (%d); raise DB_STMT_CACHE", DB_STMT_CACHE);
    return NULL;
}

void db_set_prepare_hook(db *d, db_prepare_fn fn, void *ctx)
{
    d->prepared = fn;
    d->prepared_ctx = ctx;
}

int db_fault_transient(int code)
{
    switch (code & 0xff) {
    case SQLITE_BUSY: case SQLITE_LOCKED: case SQLITE_FULL: case SQLITE_IOERR: case SQLITE_NOMEM:
    case SQLITE_CANTOPEN: case SQLITE_READONLY: case SQLITE_PROTOCOL:
        return 1;
    default:
        return 0;
    }
}

const char *db_fault_name(int code)
{
    switch (code & 0xff) {
    case 0: return "no fault";
    case SQLITE_BUSY: case SQLITE_LOCKED: return "database is locked (another process holds it)";
    case SQLITE_FULL: return "disk full (the database cannot grow)";
    case SQLITE_IOERR: return "disk I/O error";
    case SQLITE_NOMEM: return "out of memory";
    case SQLITE_CANTOPEN: return "cannot open a database file";
    case SQLITE_READONLY: return "database is read-only";
    case SQLITE_PROTOCOL: return "database lock protocol error";
    default: return sqlite3_errstr(code);
    }
}

/* Remembers a failure that waiting may cure, and turns a SQLite code into
 * a status: MB_ERR_BUSY for a lock held elsewhere, MB_ERR_DB otherwise. */
static mb_status step_failed(db *d, sqlite3_stmt *st, int rc)
{
    if (db_fault_transient(rc)) d->fault = rc & 0xff;
    log_error("db", "[%s] failed: %s", st ? sqlite3_sql(st) : "?", sqlite3_errmsg(d->sql));
    if (st) sqlite3_reset(st);
    int primary = rc & 0xff;
    if (primary == SQLITE_CONSTRAINT) return MB_ERR_EXISTS;
    return primary == SQLITE_BUSY || primary == SQLITE_LOCKED ? MB_ERR_BUSY : MB_ERR_DB;
}

int db_fault(const db *d) { return d->fault; }
void db_fault_clear(db *d) { d->fault = 0; }

int64_t db_scalar(db *d, const char *sql, int64_t fallback)
{
    sqlite3_stmt *st = db_stmt(d, sql);
    return st ? db_step_scalar(d, st, fallback) : fallback;
}

int db_step_ids(db *d, sqlite3_stmt *st, int64_t *ids, int max)
{
    int n = 0;
    while (n < max && db_step_raw(d, st) == SQLITE_ROW) ids[n++] = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return n;
}

int64_t db_step_scalar(db *d, sqlite3_stmt *st, int64_t fallback)
{
    int64_t v;
    return db_step_int(d, st, &v) == MB_OK ? v : fallback;
}

mb_status db_step_int(db *d, sqlite3_stmt *st, int64_t *out)
{
    mb_status rc = db_step_row(d, st);
    if (rc) return rc;
    if (sqlite3_column_type(st, 0) == SQLITE_NULL) rc = MB_ERR_NOT_FOUND;
    else *out = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc;
}

int db_step_raw(db *d, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE && (rc & 0xff) != SQLITE_CONSTRAINT) {
        if (db_fault_transient(rc)) d->fault = rc & 0xff;
        log_error("db", "[%s] failed: %s", sqlite3_sql(st), sqlite3_errmsg(d->sql));
    }
    return rc;
}

mb_status db_step_row(db *d, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) return MB_OK;
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return MB_ERR_NOT_FOUND;
    }
    return step_failed(d, st, rc);
}

mb_status db_first_row(db *d, sqlite3_stmt *st, db_row_fn fill, void *out)
{
    mb_status rc = db_step_row(d, st);
    if (rc) return rc;
    fill(st, out);
    sqlite3_reset(st);
    return MB_OK;
}

mb_status db_has_row(db *d, sqlite3_stmt *st)
{
    mb_status rc = db_step_row(d, st);
    if (!rc) sqlite3_reset(st);
    return rc;
}

mb_status db_exec(db *d, const char *sql)
{
    char *msg = NULL;
    if (d->prepared) d->prepared(sql, d->prepared_ctx);
    int rc = sqlite3_exec(d->sql, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        if (db_fault_transient(rc)) d->fault = rc & 0xff;
        log_error("db", "[%s] failed: %s", sql, msg ? msg : sqlite3_errmsg(d->sql));
        sqlite3_free(msg);
        return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED ? MB_ERR_BUSY : MB_ERR_DB;
    }
    return MB_OK;
}

static mb_status run_cached(db *d, const char *sql)
{
    sqlite3_stmt *st = db_stmt(d, sql);
    return st ? db_step_done(d, st) : MB_ERR_DB;
}

mb_status db_begin(db *d) { return run_cached(d, "BEGIN IMMEDIATE"); }
mb_status db_begin_read(db *d) { return run_cached(d, "BEGIN"); }
mb_status db_commit(db *d) { return run_cached(d, "COMMIT"); }

void db_rollback(db *d)
{
    if (!sqlite3_get_autocommit(d->sql)) (void)run_cached(d, "ROLLBACK");
}

int db_in_transaction(db *d) { return !sqlite3_get_autocommit(d->sql); }

mb_status db_savepoint(db *d) { return run_cached(d, "SAVEPOINT one_update"); }
mb_status db_release(db *d) { return run_cached(d, "RELEASE one_update"); }

void db_rollback_savepoint(db *d)
{
    if (run_cached(d, "ROLLBACK TO one_update") == MB_OK) (void)run_cached(d, "RELEASE one_update");
}

mb_status db_step_done(db *d, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE || rc == SQLITE_ROW) {
        sqlite3_reset(st);
        return MB_OK;
    }
    return step_failed(d, st, rc);
}

mb_status db_run_with_ints(db *d, const char *sql, int64_t first, int64_t second)
{
    sqlite3_stmt *st = db_stmt(d, sql);
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, first);
    sqlite3_bind_int64(st, 2, second);
    return db_step_done(d, st);
}

const char *db_errmsg(db *d) { return sqlite3_errmsg(d->sql); }

void db_bind_text(sqlite3_stmt *st, int idx, const char *s)
{
    if (s) sqlite3_bind_text(st, idx, s, -1, SQLITE_TRANSIENT);
    else sqlite3_bind_null(st, idx);
}

char *db_column_dup(sqlite3_stmt *st, int col)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    return s ? strdup((const char *)s) : NULL;
}

void db_column_copy(sqlite3_stmt *st, int col, char *buf, size_t size)
{
    /* snprintf's result (cut to size - 1 bytes), without its format
     * machinery: the copy of every text column an account's row reads */
    if (!size) return;
    const unsigned char *s = sqlite3_column_text(st, col);
    size_t n = s ? strnlen((const char *)s, size - 1) : 0;
    if (n) memcpy(buf, s, n);
    buf[n] = 0;
}

mb_status db_meta_set(db *d, const char *key, const char *value)
{
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO meta(key, value) VALUES(?1, ?2) "
                                  "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, value, -1, SQLITE_TRANSIENT);
    return db_step_done(d, st);
}

mb_status db_meta_get(db *d, const char *key, char *buf, size_t size)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT value FROM meta WHERE key = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    mb_status rc = db_step_row(d, st);
    if (rc) return rc;
    const unsigned char *v = sqlite3_column_text(st, 0);
    snprintf(buf, size, "%s", v ? (const char *)v : "");
    sqlite3_reset(st);
    return MB_OK;
}

mb_status db_meta_set_int(db *d, const char *key, int64_t value)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)value);
    return db_meta_set(d, key, buf);
}

int64_t db_meta_get_int(db *d, const char *key, int64_t fallback)
{
    char buf[32];
    if (db_meta_get(d, key, buf, sizeof buf)) return fallback;
    return strtoll(buf, NULL, 10);
}

mb_status db_set_sync(db *d, db_sync sync)
{
    return db_exec(d, sync == DB_SYNC_FULL ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
}

void db_manual_checkpoints(db *d)
{
    sqlite3_wal_autocheckpoint(d->sql, 0);
}

mb_status db_checkpoint(db *d)
{
    int rc;
    if (d->truncate_log) {
        /* a reader in the log makes it busy at once, not after a wait */
        sqlite3_busy_timeout(d->sql, 0);
        rc = sqlite3_wal_checkpoint_v2(d->sql, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
        sqlite3_busy_timeout(d->sql, d->busy_ms);
        if (rc == SQLITE_OK) d->truncate_log = 0;
    } else {
        rc = sqlite3_wal_checkpoint_v2(d->sql, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    }
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
        log_warn("db", "checkpoint failed: %s", sqlite3_errmsg(d->sql));
        return MB_ERR_DB;
    }
    return MB_OK;
}

void db_erased(db *d) { d->truncate_log = 1; }

void db_set_busy_timeout(db *d, int ms)
{
    if (!d || !d->sql) return;
    d->busy_ms = ms;
    sqlite3_busy_timeout(d->sql, ms);
}

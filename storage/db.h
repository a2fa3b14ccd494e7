/*
 * The SQLite database: opening it in WAL mode, the numbered migrations,
 * transactions, and a cache of prepared statements.
 *
 * Every statement is prepared once with bound parameters and kept for the
 * life of the connection: db_stmt() returns it reset and with its bindings
 * cleared, so callers bind, step, and leave it.
 */
#ifndef MB_DB_H
#define MB_DB_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "util/status.h"

#define DB_STMT_CACHE 512    /* distinct statements one connection keeps */
#define DB_BUSY_TIMEOUT_MS 5000

typedef struct db db;

typedef enum db_sync { DB_SYNC_FULL = 0, DB_SYNC_NORMAL = 1 } db_sync;

/*
 * Opens (creating when missing) the database at path, sets WAL mode and the
 * given durability, and applies every migration this binary knows. Fails
 * with MB_ERR_TOO_NEW when the file was written by a newer binary; err gets
 * a sentence for the operator. On success *out owns the connection.
 */
mb_status db_open(const char *path, db_sync sync, db **out, char *err, size_t err_size);

/* Changes how this connection's commits reach the disk (see db_sync). */
mb_status db_set_sync(db *d, db_sync sync);

/* How long a statement waits for another process's lock before it fails
 * with SQLITE_BUSY (DB_BUSY_TIMEOUT_MS after db_open). */
void db_set_busy_timeout(db *d, int ms);
void db_close(db *d);

sqlite3 *db_handle(db *d);
/* The file SQLite writes the database's log to (its own name for it,
 * after following any symbolic link to the database); NULL for a
 * database without one (in memory). */
const char *db_wal_path(db *d);

/* The schema version this binary writes, and the one in the open file. */
int db_schema_latest(void);
int db_schema_version(db *d);

/*
 * A cached prepared statement for sql, reset and unbound. sql must be a
 * string literal (the cache is keyed by its address). NULL on a prepare
 * error, which is logged with the SQL.
 */
sqlite3_stmt *db_stmt(db *d, const char *sql);

/* Called with each statement db_stmt prepares for the first time on this
 * connection, and with every statement db_exec runs (its SQL as given, and
 * ctx), so a test can list every statement a path runs; NULL removes it.
 * At most one observer. */
typedef void (*db_prepare_fn)(const char *sql, void *ctx);
void db_set_prepare_hook(db *d, db_prepare_fn fn, void *ctx);

/* The single integer a parameterless query answers (e.g. SELECT MIN(...)),
 * or fallback when it answers NULL, no row, or fails (see db_step_scalar). */
int64_t db_scalar(db *d, const char *sql, int64_t fallback);

/* Runs one statement without results (schema, pragmas). */
mb_status db_exec(db *d, const char *sql);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK. Rollback accepts no transaction. */
mb_status db_begin(db *d);
mb_status db_commit(db *d);
void db_rollback(db *d);
/* BEGIN (deferred): several reads share one snapshot and one lock of the
 * database instead of one each. End it with db_rollback before writing:
 * taking the write lock from there fails when another connection wrote
 * meanwhile, where BEGIN IMMEDIATE waits for it. */
mb_status db_begin_read(db *d);

/* 1 inside a transaction. SQLite ends a transaction by itself on some
 * errors (disk full, I/O, out of memory); later statements would then run
 * one by one outside it. */
int db_in_transaction(db *d);

/* Savepoints inside a transaction, so one update's failure undoes only its
 * own effects. */
mb_status db_savepoint(db *d);
mb_status db_release(db *d);
void db_rollback_savepoint(db *d);

/* Steps a statement expected to finish without rows; logs failures:
 * MB_ERR_EXISTS for a constraint, MB_ERR_BUSY for a lock held elsewhere,
 * MB_ERR_DB otherwise. */
mb_status db_step_done(db *d, sqlite3_stmt *st);

/* The common write with two integer parameters: prepares sql (a literal, as
 * for db_stmt), binds ?1 = first and ?2 = second and steps it as
 * db_step_done. MB_ERR_DB when it cannot be prepared. */
mb_status db_run_with_ints(db *d, const char *sql, int64_t first, int64_t second);

/* Last error text of the connection (owned by SQLite). */
const char *db_errmsg(db *d);

/* Binds a possibly-NULL text; binds NULL for NULL. */
void db_bind_text(sqlite3_stmt *st, int idx, const char *s);

/* Column text copied with strdup (NULL for NULL). */
char *db_column_dup(sqlite3_stmt *st, int col);

/* Column text copied into buf of size bytes, cut to fit ("" for NULL). */
void db_column_copy(sqlite3_stmt *st, int col, char *buf, size_t size);

/*
 * Lookups tell three answers apart: MB_OK (found), MB_ERR_NOT_FOUND (the
 * database answered: nothing there) and an error (MB_ERR_BUSY when another
 * process holds the lock, MB_ERR_DB otherwise: disk full, I/O error, a
 * missing table...). An error is never "nothing there"; it is logged with
 * the SQL, and when waiting may cure it, remembered (db_fault).
 */

/* Steps a prepared, bound statement once. MB_OK: a row is ready, the
 * caller reads it and then must sqlite3_reset(st). Otherwise st is already
 * reset. */
mb_status db_step_row(db *d, sqlite3_stmt *st);

/* sqlite3_step for loops over rows and writes that judge their own
 * result: the same result code, with a failure logged and, when waiting may
 * cure it, remembered (db_fault). A constraint failure is left to the
 * caller, unlogged. */
int db_step_raw(db *d, sqlite3_stmt *st);

/* Reads the current row of st into out (a struct the caller knows). */
typedef void (*db_row_fn)(sqlite3_stmt *st, void *out);

/* Steps a prepared, bound statement once and resets it: MB_OK after
 * fill(st, out) read the row, MB_ERR_NOT_FOUND when there was no row, an
 * error when the step failed. For lookups that answer at most one row. */
mb_status db_first_row(db *d, sqlite3_stmt *st, db_row_fn fill, void *out);

/* MB_OK when a prepared, bound statement answers any row, MB_ERR_NOT_FOUND
 * when none, an error when it failed; resets it. */
mb_status db_has_row(db *d, sqlite3_stmt *st);

/* The first column of the first row of a prepared, bound statement into
 * *out: MB_ERR_NOT_FOUND when there is no row or it is NULL, an error when
 * the step failed; resets it. */
mb_status db_step_int(db *d, sqlite3_stmt *st, int64_t *out);

/* Like db_step_int, answering fallback for no row, NULL, or a failure (the
 * failure is still logged and remembered by db_fault). For figures shown to
 * people, never for decisions. */
int64_t db_step_scalar(db *d, sqlite3_stmt *st, int64_t fallback);

/* Reads the first column of up to max rows of st into ids and resets st;
 * the number read (those before a failure, which is logged). */
int db_step_ids(db *d, sqlite3_stmt *st, int64_t *ids, int max);

/*
 * Faults that waiting may cure (disk full, a lock held by another process,
 * I/O errors, out of memory, a read-only file). The connection remembers
 * the primary SQLite code of the last one any helper here met, until
 * db_fault_clear: intake clears it before each update and, when the
 * update's handling met one, discards the whole batch to fetch it again
 * later, even when a handler took the failed lookup for "nothing there".
 */
int db_fault(const db *d);
void db_fault_clear(db *d);
/* 1 when a SQLite result code (primary or extended) is such a fault. */
int db_fault_transient(int code);
/* Words naming a SQLite result code for the operator ("disk full (...)",
 * "database is locked (...)"); static storage. */
const char *db_fault_name(int code);

#define DB_CHECKPOINT_EVERY_MS 1000  /* how often the service folds the WAL back */

/*
 * Folds the write-ahead log into the database without blocking readers.
 * The service turns SQLite's automatic checkpoints off (db_manual_checkpoints)
 * and calls this from a timer, so the fsyncs of a checkpoint never land in
 * the middle of a batch's commit.
 */
void db_manual_checkpoints(db *d);
mb_status db_checkpoint(db *d);

/* After an erasure: the write-ahead log still holds the erased rows in
 * the frames written before it, until the log is written over or
 * removed. The next db_checkpoint folds the whole log back and truncates
 * it to nothing (without waiting for readers: it tries again at the next
 * one while someone reads). */
void db_erased(db *d);

/* Key-value settings kept in the meta table (e.g. the Telegram offset). */
mb_status db_meta_set(db *d, const char *key, const char *value);
/* Copies the value into buf; MB_ERR_NOT_FOUND when absent, an error when
 * it cannot be read. */
mb_status db_meta_get(db *d, const char *key, char *buf, size_t size);
mb_status db_meta_set_int(db *d, const char *key, int64_t value);
int64_t db_meta_get_int(db *d, const char *key, int64_t fallback);

#endif

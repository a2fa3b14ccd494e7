/*
 * The durable floor of the HTTP benchmark: the ceiling bot keeping what a
 * bot must keep to answer each update exactly once across a crash, and
 * nothing more, in SQLite in WAL mode with synchronous = FULL:
 *
 *   inbox(key)                   an update's id: a second delivery is skipped
 *   users(platform, id, step)    where the user is in the conversation
 *   outbox(id, ..., sent)        every call, started only once its commit is
 *                                on disk, marked sent when answered; the
 *                                unsent ones on an index a restart would read
 *   cursor(platform, value)      the getUpdates offset or the Long Poll's ts
 *
 * One transaction per answer of getUpdates or a_check holds its updates,
 * the users' steps, the calls they make, the cursor and the marks of the
 * calls answered since the last commit; marks that no update comes to
 * carry are committed on their own within STORE_MARK_WAIT_MS. The floor
 * never reads back what it wrote: it measures what such a bot must write.
 * See bench/ceiling.h.
 */
#include "bench/ceiling.h"
#include "util/log.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STORE_MARK_WAIT_MS 50   /* the longest an answered call waits for a commit to carry its mark */

enum { ST_BEGIN, ST_COMMIT, ST_INBOX, ST_STEP, ST_CALL, ST_SENT, ST_CURSOR, ST_COUNT };

static const char *const statements[ST_COUNT] = {
    [ST_BEGIN] = "BEGIN",
    [ST_COMMIT] = "COMMIT",
    [ST_INBOX] = "INSERT OR IGNORE INTO inbox(key) VALUES(?)",
    [ST_STEP] = "INSERT INTO users(platform, id, step) VALUES(?, ?, ?)"
                " ON CONFLICT(platform, id) DO UPDATE SET step = excluded.step",
    [ST_CALL] = "INSERT INTO outbox(platform, chat, method, body) VALUES(?, ?, ?, ?)",
    [ST_SENT] = "UPDATE outbox SET sent = 1 WHERE id = ?",
    [ST_CURSOR] = "INSERT OR REPLACE INTO cursor(platform, value) VALUES(?, ?)",
};

static const char schema[] =
    "PRAGMA journal_mode = WAL;"
    "PRAGMA synchronous = FULL;"
    "CREATE TABLE IF NOT EXISTS inbox(key TEXT PRIMARY KEY) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS users(platform INTEGER NOT NULL, id INTEGER NOT NULL, step INTEGER NOT NULL,"
    " PRIMARY KEY(platform, id)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS outbox(id INTEGER PRIMARY KEY, platform INTEGER NOT NULL, chat INTEGER NOT NULL,"
    " method TEXT NOT NULL, body TEXT NOT NULL, sent INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX IF NOT EXISTS outbox_unsent ON outbox(id) WHERE sent = 0;"
    "CREATE TABLE IF NOT EXISTS cursor(platform INTEGER PRIMARY KEY, value INTEGER NOT NULL);";

struct ceiling_store {
    sqlite3 *db;
    sqlite3_stmt *st[ST_COUNT];
    long long *marks;           /* calls answered since the last commit */
    size_t nmarks, cap;
    int open;                   /* a transaction is open */
    ev_timer mark_wait;
    ceiling *c;
};

/* A failed statement ends the run: the bench reports the bot as failed. */
static int failed(ceiling *c, const char *what)
{
    log_error("ceiling", "the floor's %s failed: %s", what, sqlite3_errmsg(c->store->db));
    c->failed = 1;
    ev_break(c->loop, EVBREAK_ALL);
    return -1;
}

static int run(ceiling *c, int which)
{
    sqlite3_stmt *st = c->store->st[which];
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? 0 : failed(c, statements[which]);
}

static int begin(ceiling *c)
{
    if (c->store->open) return 0;
    if (run(c, ST_BEGIN) != 0) return -1;
    c->store->open = 1;
    return 0;
}

/* The marks held, then the commit (a sync of the log). */
static int commit(ceiling *c)
{
    ceiling_store *s = c->store;
    for (size_t i = 0; i < s->nmarks; i++) {
        sqlite3_bind_int64(s->st[ST_SENT], 1, s->marks[i]);
        if (run(c, ST_SENT) != 0) return -1;
    }
    s->nmarks = 0;
    ev_timer_stop(c->loop, &s->mark_wait);
    if (run(c, ST_COMMIT) != 0) return -1;
    s->open = 0;
    return 0;
}

static void on_mark_wait(struct ev_loop *loop, ev_timer *w, int revents)
{
    ceiling_store *s = w->data;
    if (s->c->in_batch || !s->nmarks) return;
    if (begin(s->c) == 0) commit(s->c);
}

int ceiling_store_open(ceiling *c, const char *path)
{
    ceiling_store *s = calloc(1, sizeof *s);
    if (!s) return -1;
    c->store = s;
    s->c = c;
    char *err = NULL;
    if (sqlite3_open(path, &s->db) != SQLITE_OK || sqlite3_exec(s->db, schema, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "cannot set up the floor's database %s: %s\n", path, err ? err : sqlite3_errmsg(s->db));
        sqlite3_free(err);
        return -1;
    }
    for (int i = 0; i < ST_COUNT; i++) {
        if (sqlite3_prepare_v2(s->db, statements[i], -1, &s->st[i], NULL) != SQLITE_OK) {
            fprintf(stderr, "cannot prepare \"%s\": %s\n", statements[i], sqlite3_errmsg(s->db));
            return -1;
        }
    }
    ev_timer_init(&s->mark_wait, on_mark_wait, STORE_MARK_WAIT_MS / 1000.0, 0);
    s->mark_wait.data = s;
    return 0;
}

void ceiling_store_close(ceiling *c)
{
    ceiling_store *s = c->store;
    if (!s) return;
    if (c->loop) ev_timer_stop(c->loop, &s->mark_wait);
    for (int i = 0; i < ST_COUNT; i++) sqlite3_finalize(s->st[i]);
    sqlite3_close(s->db);
    free(s->marks);
    free(s);
    c->store = NULL;
}

void ceiling_batch_begin(ceiling *c)
{
    if (!c->store) return;
    c->in_batch = 1;
    begin(c);
}

int ceiling_batch_update(ceiling *c, const char *key)
{
    if (!c->store || !key) return 1;
    sqlite3_bind_text(c->store->st[ST_INBOX], 1, key, -1, SQLITE_STATIC);
    if (run(c, ST_INBOX) != 0) return 0;
    return sqlite3_changes(c->store->db) > 0;
}

void ceiling_store_step(ceiling *c, const chat *ch)
{
    if (!c->store) return;
    sqlite3_stmt *st = c->store->st[ST_STEP];
    sqlite3_bind_int(st, 1, ch->platform);
    sqlite3_bind_int64(st, 2, ch->id);
    sqlite3_bind_int(st, 3, ch->step);
    run(c, ST_STEP);
}

long long ceiling_store_call(ceiling *c, const chat *ch, const char *method, const char *body)
{
    if (!c->store) return 0;
    sqlite3_stmt *st = c->store->st[ST_CALL];
    sqlite3_bind_int(st, 1, ch->platform);
    sqlite3_bind_int64(st, 2, ch->id);
    sqlite3_bind_text(st, 3, method, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, body, -1, SQLITE_STATIC);
    return run(c, ST_CALL) == 0 ? sqlite3_last_insert_rowid(c->store->db) : 0;
}

void ceiling_batch_end(ceiling *c, ceiling_platform p, long long cursor)
{
    if (!c->store) return;
    sqlite3_stmt *st = c->store->st[ST_CURSOR];
    sqlite3_bind_int(st, 1, p);
    sqlite3_bind_int64(st, 2, cursor);
    if (run(c, ST_CURSOR) != 0 || commit(c) != 0) return;   /* nothing is sent that is not on disk */
    c->in_batch = 0;
    ceiling_release(c);
}

void ceiling_store_sent(ceiling *c, long long row)
{
    ceiling_store *s = c->store;
    if (!s || row <= 0) return;
    if (s->nmarks == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 256;
        long long *grown = realloc(s->marks, cap * sizeof *grown);
        if (!grown) {
            failed(c, "mark (out of memory)");
            return;
        }
        s->marks = grown;
        s->cap = cap;
    }
    s->marks[s->nmarks++] = row;
    if (!ev_is_active(&s->mark_wait)) ev_timer_start(c->loop, &s->mark_wait);
}

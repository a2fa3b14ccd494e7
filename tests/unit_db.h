/*
 * Unit tests that work on the bot's database open a fresh one, with the
 * whole schema, in the test binary's temporary folder.
 */
#ifndef MB_UNIT_DB_H
#define MB_UNIT_DB_H

#include <stdio.h>

#include "storage/db.h"
#include "tests/unit.h"

/* A fresh database file (db-N.db in unit_tmpdir()); its path goes to path
 * when path is not NULL, for a test that opens it again. NULL, with the
 * reason on stderr, when it does not open. */
static inline db *unit_db_open(char *path, size_t size)
{
    static int counter;
    char own[512], err[512] = "";
    if (!path) {
        path = own;
        size = sizeof own;
    }
    snprintf(path, size, "%s/db-%d.db", unit_tmpdir(), ++counter);
    db *d = NULL;
    if (db_open(path, DB_SYNC_NORMAL, &d, err, sizeof err)) {
        fprintf(stderr, "  db_open(%s): %s\n", path, err);
        return NULL;
    }
    return d;
}

/* The probes of tests/unit.c on a database unit_db_open gave. */
static inline long long unit_db_int(db *d, const char *sql, long long arg)
{
    return unit_sql_int(db_handle(d), sql, arg);
}

static inline int unit_db_integrity_ok(db *d) { return unit_sql_integrity_ok(db_handle(d)); }

/* The outbox rows queued to a chat, in order, with the texts of their bodies. */
static inline void unit_db_chat_rows(db *d, long long chat, unit_rows *out)
{
    unit_sql_rows(db_handle(d), "SELECT kind, body FROM outbox WHERE chat_id = ?1 ORDER BY id", chat, out);
}

#endif

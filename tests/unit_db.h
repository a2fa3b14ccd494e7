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

#endif

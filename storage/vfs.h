/*
 * The SQLite VFS every connection of the service opens through. It passes
 * everything to the default VFS, with two differences:
 *
 * - A write to a temporary file (a statement's or a savepoint's journal
 *   that outgrew its memory, a temporary table) is handed on in pieces of
 *   VFS_WRITE_PIECE bytes: SQLite writes a spilled journal one memory block
 *   per call, and the default unix VFS takes less than 128 KiB in one call
 *   (a larger write failed as "database or disk is full"). Files that are
 *   not temporary are the default VFS's own, with nothing in between.
 *
 * - Test faults, only when the environment variable MENTORBOT_TEST_FAULTS
 *   is "1" or a test asks for them: a write to a database, its WAL or its
 *   journal fails with SQLITE_FULL (as the default VFS answers ENOSPC)
 *   while a control file "<database>.fault-full" exists beside the
 *   database. Tests create and remove that file from outside the process to
 *   start and end the fault (see docs/reliability.md, "Storage faults").
 */
#ifndef MB_VFS_H
#define MB_VFS_H

#include "util/status.h"

#define FAULT_VFS_ENV "MENTORBOT_TEST_FAULTS"
#define FAULT_VFS_FULL_SUFFIX ".fault-full"
#define VFS_WRITE_PIECE (64 * 1024)   /* bytes of a temporary file written in one call */

/* Registers the VFS as SQLite's default for connections opened after it
 * (db_open does, after configuring SQLite). Idempotent. MB_ERR_DB when
 * SQLite refuses it. */
mb_status vfs_install(void);

/* Test faults from now on; before the first database is opened. */
void vfs_faults_on(void);

/* Test faults when FAULT_VFS_ENV is "1"; 1 when they are on. */
int vfs_faults_from_env(void);

#endif

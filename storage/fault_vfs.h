/*
 * A test-only SQLite VFS that makes "disk full" real and deterministic
 * without root: it passes everything to the default VFS, except that a
 * write to a database, its WAL or its journal fails with SQLITE_FULL (as
 * the default VFS answers ENOSPC) while a control file "<database>.fault-full"
 * exists beside the database. Tests create and remove that file from
 * outside the process to start and end the fault.
 *
 * The service installs it only when the environment variable
 * MENTORBOT_TEST_FAULTS is "1" (see docs/reliability.md, "Storage faults").
 */
#ifndef MB_FAULT_VFS_H
#define MB_FAULT_VFS_H

#include "util/status.h"

#define FAULT_VFS_ENV "MENTORBOT_TEST_FAULTS"
#define FAULT_VFS_FULL_SUFFIX ".fault-full"

/* Registers the VFS as SQLite's default for connections opened after it.
 * Idempotent. MB_ERR_DB when SQLite refuses it. */
mb_status fault_vfs_install(void);

/* Installs it when FAULT_VFS_ENV is "1"; 1 when it is installed. */
int fault_vfs_install_from_env(void);

#endif

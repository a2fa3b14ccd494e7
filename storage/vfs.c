#include "storage/vfs.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CONTROL_PATH_MAX 1024

typedef struct wrapped_file {
    sqlite3_file base;      /* our methods */
    char control[CONTROL_PATH_MAX];   /* "" = never faulted (a temporary file) */
    sqlite3_file *real;     /* the default VFS's file, allocated right after this struct */
} wrapped_file;

static sqlite3_vfs *real_vfs;
static sqlite3_vfs storage_vfs;
static sqlite3_io_methods wrapped_methods;
static int faults_on;

/* The files whose writes may be a spilled journal's memory block. */
#define TEMPORARY_FILES \
    (SQLITE_OPEN_SUBJOURNAL | SQLITE_OPEN_TEMP_JOURNAL | SQLITE_OPEN_TEMP_DB | SQLITE_OPEN_TRANSIENT_DB)

static sqlite3_file *real_of(sqlite3_file *f) { return ((wrapped_file *)f)->real; }

static int faulted(sqlite3_file *f)
{
    const wrapped_file *ff = (const wrapped_file *)f;
    return ff->control[0] && access(ff->control, F_OK) == 0;
}

static int f_close(sqlite3_file *f) { return real_of(f)->pMethods->xClose(real_of(f)); }
static int f_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
    return real_of(f)->pMethods->xRead(real_of(f), buf, n, off);
}
static int f_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
    if (faulted(f)) return SQLITE_FULL;
    const char *at = buf;
    while (n > VFS_WRITE_PIECE) {
        int rc = real_of(f)->pMethods->xWrite(real_of(f), at, VFS_WRITE_PIECE, off);
        if (rc != SQLITE_OK) return rc;
        at += VFS_WRITE_PIECE;
        off += VFS_WRITE_PIECE;
        n -= VFS_WRITE_PIECE;
    }
    return real_of(f)->pMethods->xWrite(real_of(f), at, n, off);
}
static int f_truncate(sqlite3_file *f, sqlite3_int64 size) { return real_of(f)->pMethods->xTruncate(real_of(f), size); }
static int f_sync(sqlite3_file *f, int flags) { return real_of(f)->pMethods->xSync(real_of(f), flags); }
static int f_size(sqlite3_file *f, sqlite3_int64 *size) { return real_of(f)->pMethods->xFileSize(real_of(f), size); }
static int f_lock(sqlite3_file *f, int lock) { return real_of(f)->pMethods->xLock(real_of(f), lock); }
static int f_unlock(sqlite3_file *f, int lock) { return real_of(f)->pMethods->xUnlock(real_of(f), lock); }
static int f_reserved(sqlite3_file *f, int *out) { return real_of(f)->pMethods->xCheckReservedLock(real_of(f), out); }
static int f_control(sqlite3_file *f, int op, void *arg) { return real_of(f)->pMethods->xFileControl(real_of(f), op, arg); }
static int f_sector(sqlite3_file *f) { return real_of(f)->pMethods->xSectorSize(real_of(f)); }
static int f_device(sqlite3_file *f) { return real_of(f)->pMethods->xDeviceCharacteristics(real_of(f)); }
static int f_shm_map(sqlite3_file *f, int page, int size, int extend, void volatile **out)
{
    return real_of(f)->pMethods->xShmMap(real_of(f), page, size, extend, out);
}
static int f_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
    return real_of(f)->pMethods->xShmLock(real_of(f), offset, n, flags);
}
static void f_shm_barrier(sqlite3_file *f) { real_of(f)->pMethods->xShmBarrier(real_of(f)); }
static int f_shm_unmap(sqlite3_file *f, int delete_flag) { return real_of(f)->pMethods->xShmUnmap(real_of(f), delete_flag); }
static int f_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **out)
{
    return real_of(f)->pMethods->xFetch(real_of(f), off, n, out);
}
static int f_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p) { return real_of(f)->pMethods->xUnfetch(real_of(f), off, p); }

/* "<db>-wal" and "<db>-journal" share the control file of "<db>". */
static void control_path(const char *name, char *out, size_t size)
{
    out[0] = 0;
    if (!name) return;
    size_t len = strlen(name);
    static const char *const suffixes[] = {"-wal", "-journal", "-shm"};
    for (size_t i = 0; i < 3; i++) {
        size_t sl = strlen(suffixes[i]);
        if (len > sl && strcmp(name + len - sl, suffixes[i]) == 0) {
            len -= sl;
            break;
        }
    }
    if (len + sizeof FAULT_VFS_FULL_SUFFIX > size) return;
    snprintf(out, size, "%.*s%s", (int)len, name, FAULT_VFS_FULL_SUFFIX);
}

/* A file neither temporary nor under test faults is the default VFS's
 * own, opened in the space SQLite gave (this VFS's is larger). */
static int v_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out_flags)
{
    if (!faults_on && !(flags & TEMPORARY_FILES)) return real_vfs->xOpen(real_vfs, name, f, flags, out_flags);
    wrapped_file *ff = (wrapped_file *)f;
    ff->real = (sqlite3_file *)(ff + 1);
    control_path(name, ff->control, sizeof ff->control);
    int rc = real_vfs->xOpen(real_vfs, name, ff->real, flags, out_flags);
    f->pMethods = rc == SQLITE_OK && ff->real->pMethods ? &wrapped_methods : NULL;
    return rc;
}

static int v_delete(sqlite3_vfs *vfs, const char *name, int sync_dir) { return real_vfs->xDelete(real_vfs, name, sync_dir); }
static int v_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
    return real_vfs->xAccess(real_vfs, name, flags, out);
}
static int v_full(sqlite3_vfs *vfs, const char *name, int n, char *out) { return real_vfs->xFullPathname(real_vfs, name, n, out); }
static void *v_dlopen(sqlite3_vfs *vfs, const char *name) { return real_vfs->xDlOpen(real_vfs, name); }
static void v_dlerror(sqlite3_vfs *vfs, int n, char *out) { real_vfs->xDlError(real_vfs, n, out); }
static void (*v_dlsym(sqlite3_vfs *vfs, void *h, const char *sym))(void) { return real_vfs->xDlSym(real_vfs, h, sym); }
static void v_dlclose(sqlite3_vfs *vfs, void *h) { real_vfs->xDlClose(real_vfs, h); }
static int v_random(sqlite3_vfs *vfs, int n, char *out) { return real_vfs->xRandomness(real_vfs, n, out); }
static int v_sleep(sqlite3_vfs *vfs, int us) { return real_vfs->xSleep(real_vfs, us); }
static int v_time(sqlite3_vfs *vfs, double *out) { return real_vfs->xCurrentTime(real_vfs, out); }
static int v_last_error(sqlite3_vfs *vfs, int n, char *out) { return real_vfs->xGetLastError(real_vfs, n, out); }
static int v_time64(sqlite3_vfs *vfs, sqlite3_int64 *out) { return real_vfs->xCurrentTimeInt64(real_vfs, out); }

void vfs_faults_on(void) { faults_on = 1; }

mb_status vfs_install(void)
{
    if (real_vfs) return MB_OK;
    sqlite3_vfs *base = sqlite3_vfs_find(NULL);
    if (!base || base->iVersion < 2) return MB_ERR_DB;
    wrapped_methods = (sqlite3_io_methods){3, f_close, f_read, f_write, f_truncate, f_sync, f_size, f_lock, f_unlock,
                                         f_reserved, f_control, f_sector, f_device, f_shm_map, f_shm_lock,
                                         f_shm_barrier, f_shm_unmap, f_fetch, f_unfetch};
    storage_vfs = (sqlite3_vfs){.iVersion = 2,
                              .szOsFile = (int)sizeof(wrapped_file) + base->szOsFile,
                              .mxPathname = base->mxPathname,
                              .zName = "mentorbot",
                              .xOpen = v_open,
                              .xDelete = v_delete,
                              .xAccess = v_access,
                              .xFullPathname = v_full,
                              .xDlOpen = v_dlopen,
                              .xDlError = v_dlerror,
                              .xDlSym = v_dlsym,
                              .xDlClose = v_dlclose,
                              .xRandomness = v_random,
                              .xSleep = v_sleep,
                              .xCurrentTime = v_time,
                              .xGetLastError = v_last_error,
                              .xCurrentTimeInt64 = v_time64};
    real_vfs = base;
    if (sqlite3_vfs_register(&storage_vfs, 1) != SQLITE_OK) {
        real_vfs = NULL;
        return MB_ERR_DB;
    }
    return MB_OK;
}

int vfs_faults_from_env(void)
{
    const char *v = getenv(FAULT_VFS_ENV);
    if (v && strcmp(v, "1") == 0) faults_on = 1;
    return faults_on;
}

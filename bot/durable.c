#include "bot/durable.h"
#include "storage/vfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct durable {
    struct ev_loop *loop;
    ev_async wake;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t asked_more;
    char wal_path[PATH_MAX];
    char fault_path[PATH_MAX];   /* tests only (FAULT_VFS_ENV): "<db>.fault-flush" */
    int fd;                 /* the log, opened by the thread when first flushed */
    /* Under lock: */
    uint64_t asked;         /* the highest mark handed out */
    uint64_t flushed;       /* the highest mark known to be on disk */
    int error;              /* errno of a failed flush; no flush follows it */
    int stop;
    long flushes;
    /* The loop's own: */
    uint64_t reached;       /* flushed, as last told to the loop */
    int failure_told;
    void (*fail)(void *arg, const char *why);
    void *fail_arg;
    struct { void (*cb)(void *arg); void *arg; } listeners[DURABLE_LISTENERS];
    int nlisteners;
};

/* The log as it is now: SQLite keeps one file while the bot's connection
 * is open, but a log removed and made again would be another file. A mark
 * follows a commit, which is in the log: a log that is not there is a
 * failure, never a flush done. */
static int open_log(durable *d)
{
    struct stat now, held;
    if (d->fd >= 0 && stat(d->wal_path, &now) == 0 && fstat(d->fd, &held) == 0 && now.st_ino == held.st_ino &&
        now.st_dev == held.st_dev)
        return 0;
    if (d->fd >= 0) close(d->fd);
    d->fd = open(d->wal_path, O_RDONLY | O_CLOEXEC);
    return d->fd >= 0 ? 0 : errno;
}

/* Tests make a flush slow ("<ms>" in the control file) or fail ("fail"). */
static int test_fault(const durable *d)
{
    if (!d->fault_path[0]) return 0;
    FILE *f = fopen(d->fault_path, "r");
    if (!f) return 0;
    char what[32] = "";
    if (!fgets(what, sizeof what, f)) what[0] = 0;
    fclose(f);
    if (strncmp(what, "fail", 4) == 0) return EIO;
    long ms = strtol(what, NULL, 10);
    if (ms > 0) usleep((useconds_t)ms * 1000);
    return 0;
}

static int flush_log(durable *d)
{
    int err = test_fault(d);
    if (err) return err;
    err = open_log(d);
    if (err) return err;
    while (fdatasync(d->fd) != 0) {
        if (errno != EINTR) return errno;
    }
    return 0;
}

static void *flusher(void *arg)
{
    durable *d = arg;
    pthread_mutex_lock(&d->lock);
    while (!d->error) {
        while (!d->stop && d->flushed >= d->asked) pthread_cond_wait(&d->asked_more, &d->lock);
        if (d->flushed >= d->asked) break;   /* stopping, nothing left */
        uint64_t target = d->asked;
        pthread_mutex_unlock(&d->lock);
        int err = flush_log(d);
        pthread_mutex_lock(&d->lock);
        d->flushes++;
        if (err) d->error = err;
        else d->flushed = target;
        ev_async_send(d->loop, &d->wake);
    }
    pthread_mutex_unlock(&d->lock);
    return NULL;
}

static void on_wake(struct ev_loop *loop, ev_async *w, int revents)
{
    durable *d = w->data;
    pthread_mutex_lock(&d->lock);
    uint64_t flushed = d->flushed;
    int error = d->error;
    pthread_mutex_unlock(&d->lock);
    if (error && !d->failure_told) {
        d->failure_told = 1;
        char why[PATH_MAX + 128];
        snprintf(why, sizeof why, "could not flush the database log %s to disk: %s", d->wal_path, strerror(error));
        if (d->fail) d->fail(d->fail_arg, why);
    }
    if (flushed <= d->reached) return;
    d->reached = flushed;
    for (int i = 0; i < d->nlisteners; i++) d->listeners[i].cb(d->listeners[i].arg);
}

durable *durable_new(struct ev_loop *loop, const char *db_path, const char *wal_path,
                     void (*fail)(void *arg, const char *why), void *fail_arg)
{
    if (!wal_path || !wal_path[0]) return NULL;
    durable *d = calloc(1, sizeof *d);
    if (!d) return NULL;
    if ((size_t)snprintf(d->wal_path, sizeof d->wal_path, "%s", wal_path) >= sizeof d->wal_path) {
        free(d);
        return NULL;
    }
    const char *faults = getenv(FAULT_VFS_ENV);
    if (faults && strcmp(faults, "1") == 0) snprintf(d->fault_path, sizeof d->fault_path, "%s.fault-flush", db_path);
    d->loop = loop;
    d->fd = -1;
    d->fail = fail;
    d->fail_arg = fail_arg;
    pthread_mutex_init(&d->lock, NULL);
    pthread_cond_init(&d->asked_more, NULL);
    ev_async_init(&d->wake, on_wake);
    d->wake.data = d;
    ev_async_start(loop, &d->wake);
    if (pthread_create(&d->thread, NULL, flusher, d) != 0) {
        ev_async_stop(loop, &d->wake);
        pthread_cond_destroy(&d->asked_more);
        pthread_mutex_destroy(&d->lock);
        free(d);
        return NULL;
    }
    return d;
}

void durable_free(durable *d)
{
    if (!d) return;
    pthread_mutex_lock(&d->lock);
    d->stop = 1;
    pthread_cond_signal(&d->asked_more);
    pthread_mutex_unlock(&d->lock);
    pthread_join(d->thread, NULL);
    ev_async_stop(d->loop, &d->wake);
    if (d->fd >= 0) close(d->fd);
    pthread_cond_destroy(&d->asked_more);
    pthread_mutex_destroy(&d->lock);
    free(d);
}

uint64_t durable_mark(durable *d)
{
    if (!d) return 0;
    pthread_mutex_lock(&d->lock);
    uint64_t mark = ++d->asked;
    pthread_cond_signal(&d->asked_more);
    pthread_mutex_unlock(&d->lock);
    return mark;
}

int durable_reached(const durable *d, uint64_t mark)
{
    return !d || mark <= d->reached;
}

int durable_wait_arm(durable *d, durable_wait *w)
{
    w->mark = durable_mark(d);
    w->awaiting = !durable_reached(d, w->mark);
    return !w->awaiting;
}

int durable_wait_done(const durable *d, durable_wait *w)
{
    if (!w->awaiting || !durable_reached(d, w->mark)) return 0;
    w->awaiting = 0;
    return 1;
}

void durable_listen(durable *d, void (*cb)(void *arg), void *arg)
{
    if (!d || d->nlisteners >= DURABLE_LISTENERS) return;
    d->listeners[d->nlisteners].cb = cb;
    d->listeners[d->nlisteners].arg = arg;
    d->nlisteners++;
}

void durable_counts(durable *d, long *flushes, uint64_t *marks)
{
    if (!d) {
        *flushes = 0;
        *marks = 0;
        return;
    }
    pthread_mutex_lock(&d->lock);
    *flushes = d->flushes;
    *marks = d->asked;
    pthread_mutex_unlock(&d->lock);
}

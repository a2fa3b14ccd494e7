/*
 * Durable commits without stopping the loop (`[storage] synchronous =
 * full`). The bot's connection commits with SQLite's synchronous=NORMAL:
 * a commit's pages are written to the write-ahead log, not flushed.
 * Whatever must wait until a commit is on disk (a message leaving, the
 * messenger's update cursor moving on) takes a mark after the commit and
 * goes ahead once the mark is reached. A thread flushes the log
 * (fdatasync) and tells the loop; marks taken while a flush runs share the
 * next one, so a busy bot flushes once for many commits, and the loop
 * keeps working meanwhile.
 *
 * The log is one file written in order: a flush makes every commit made
 * before it durable, those of every other path too. Without a durable
 * object (NULL: `synchronous = normal`) every mark counts as reached.
 */
#ifndef MB_DURABLE_H
#define MB_DURABLE_H

#include <ev.h>
#include <stdint.h>

#define DURABLE_LISTENERS 4

typedef struct durable durable;

/* Flushes the log wal_path, the file SQLite writes the database's log to
 * (db_wal_path: not always "<db_path>-wal", as SQLite follows a symbolic
 * link to the database). db_path names the tests' control file of flush
 * faults. fail(arg, why) runs on the loop when a flush fails, the log not
 * being there included: nothing waiting on a mark may go ahead after
 * that. */
durable *durable_new(struct ev_loop *loop, const char *db_path, const char *wal_path,
                     void (*fail)(void *arg, const char *why), void *fail_arg);
/* Flushes what is still asked for, then stops the thread. */
void durable_free(durable *d);

/* A mark covering every commit made so far (call it after the commit). */
uint64_t durable_mark(durable *d);
int durable_reached(const durable *d, uint64_t mark);

/* One step that must wait until every commit made so far is on disk (a
 * messenger's next poll, which confirms the batch it follows). */
typedef struct durable_wait {
    uint64_t mark;
    int awaiting;
} durable_wait;

/* Takes a mark for w: 1 when it is reached already (take the step now),
 * 0 when the step waits for durable_wait_done. */
int durable_wait_arm(durable *d, durable_wait *w);
/* From a durable_listen callback: 1 once, when w waited and its mark is
 * reached (take the step now). */
int durable_wait_done(const durable *d, durable_wait *w);

/* cb(arg) runs on the loop each time flushed marks are reached. */
void durable_listen(durable *d, void (*cb)(void *arg), void *arg);

/* Flushes done, and marks they covered, for the log at shutdown. */
void durable_counts(durable *d, long *flushes, uint64_t *marks);

#endif

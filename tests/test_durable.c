/*
 * Durable commits (bot/durable.h): a mark is reached only once the log
 * SQLite writes the commit to has been flushed. With the database behind
 * a symbolic link the log is next to the link's target, and that is the
 * file flushed; a log that is not there fails the flush instead of
 * passing it.
 */
#include "tests/unit.h"

#include "bot/durable.h"
#include "storage/db.h"

#include <ev.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct ev_loop *loop;
static int reached;
static char failure[PATH_MAX + 256];

static void on_reached(void *arg)
{
    (void)arg;
    reached++;
    ev_break(loop, EVBREAK_ALL);
}

static void on_failed(void *arg, const char *why)
{
    (void)arg;
    snprintf(failure, sizeof failure, "%s", why);
    ev_break(loop, EVBREAK_ALL);
}

static void on_too_long(struct ev_loop *l, ev_timer *w, int revents)
{
    (void)w, (void)revents;
    ev_break(l, EVBREAK_ALL);
}

/* A commit, a mark after it, and the loop run until the flusher answers
 * (or 5 s pass): whether the mark was reached. */
static int commit_and_wait(db *d, durable *dur, const char *value)
{
    reached = 0;
    failure[0] = 0;
    if (db_meta_set(d, "durable_test", value)) return 0;
    uint64_t mark = durable_mark(dur);
    ev_timer limit;
    ev_timer_init(&limit, on_too_long, 5.0, 0);
    ev_timer_start(loop, &limit);
    if (!durable_reached(dur, mark)) ev_run(loop, 0);
    ev_timer_stop(loop, &limit);
    return durable_reached(dur, mark);
}

TEST(a_database_behind_a_link_has_the_log_flushed_where_sqlite_writes_it)
{
    char dir[PATH_MAX], target[PATH_MAX + 16], link_path[PATH_MAX], real[PATH_MAX], wal[PATH_MAX + 8], err[256];
    snprintf(dir, sizeof dir, "%s/real", unit_tmpdir());
    CHECK_INT(mkdir(dir, 0700), 0);
    snprintf(target, sizeof target, "%s/bot.db", dir);
    snprintf(link_path, sizeof link_path, "%s/link.db", unit_tmpdir());
    db *d;
    CHECK_INT(db_open(target, DB_SYNC_NORMAL, &d, err, sizeof err), MB_OK);
    db_close(d);
    CHECK_INT(symlink(target, link_path), 0);
    CHECK_INT(db_open(link_path, DB_SYNC_NORMAL, &d, err, sizeof err), MB_OK);

    /* SQLite's log is the target's, not "<link>-wal" */
    CHECK(realpath(target, real) != NULL);
    snprintf(wal, sizeof wal, "%s-wal", real);
    CHECK(db_wal_path(d) != NULL);
    CHECK_STR(db_wal_path(d), wal);
    char beside_link[PATH_MAX + 8];
    snprintf(beside_link, sizeof beside_link, "%s-wal", link_path);
    CHECK(access(beside_link, F_OK) != 0);

    durable *dur = durable_new(loop, link_path, db_wal_path(d), on_failed, NULL);
    CHECK(dur != NULL);
    durable_listen(dur, on_reached, NULL);
    for (int i = 0; i < 3; i++) {
        char value[16];
        snprintf(value, sizeof value, "%d", i);
        CHECK(commit_and_wait(d, dur, value));
        CHECK_STR(failure, "");
    }
    long flushes;
    uint64_t marks;
    durable_counts(dur, &flushes, &marks);
    CHECK_INT(marks, 3);
    CHECK(flushes >= 1 && flushes <= 3);
    durable_free(dur);
    db_close(d);
}

TEST(a_log_that_is_not_there_fails_the_flush_and_no_mark_is_reached)
{
    char path[PATH_MAX], missing[PATH_MAX + 16], err[256];
    snprintf(path, sizeof path, "%s/missing.db", unit_tmpdir());
    snprintf(missing, sizeof missing, "%s-elsewhere-wal", path);
    db *d;
    CHECK_INT(db_open(path, DB_SYNC_NORMAL, &d, err, sizeof err), MB_OK);
    durable *dur = durable_new(loop, path, missing, on_failed, NULL);
    CHECK(dur != NULL);
    durable_listen(dur, on_reached, NULL);
    CHECK(!commit_and_wait(d, dur, "x"));
    CHECK_CONTAINS(failure, "could not flush the database log");
    CHECK_CONTAINS(failure, "No such file or directory");
    CHECK_INT(reached, 0);
    durable_free(dur);
    db_close(d);
}

int main(void)
{
    loop = ev_default_loop(0);
    RUN(a_database_behind_a_link_has_the_log_flushed_where_sqlite_writes_it);
    RUN(a_log_that_is_not_there_fails_the_flush_and_no_mark_is_reached);
    return unit_summary();
}

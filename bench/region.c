/*
 * A region's year of data (tests/region_gen.c) written into a fresh
 * database through the real schema, with how long it took, the size of
 * the file, and how long a few of the bot's lookups take against it.
 *
 *   build/rel/bin/bench_region [--scale S] [--keep PATH] [--seed N]
 *
 * --scale multiplies every count (1 = 355 organisations, 120,000 pupils,
 * 2,000,000 outbox rows...); --keep writes the database to PATH (which
 * must not exist) and leaves it there, for trying the bot or sqlite3 on
 * it; without it the database is made in a temporary folder and removed.
 */
#include "bench/bench.h"
#include "storage/outbox.h"
#include "storage/mentorships.h"
#include "tests/region_gen.h"
#include "util/clock.h"
#include "util/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int usage(void)
{
    fprintf(stderr, "usage: bench_region [--scale S] [--keep PATH] [--seed N]\n"
                    "  --scale S   0 < S <= 10, every count times S (default 1: a region's year)\n"
                    "  --keep PATH write the database to PATH (must not exist) and keep it\n");
    return 2;
}

static long long file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (long long)sb.st_size : 0;
}

int main(int argc, char **argv)
{
    double scale = 1;
    const char *keep = NULL;
    unsigned long long seed = 1;
    for (int i = 1; i < argc; i++) {
        char *end = NULL;
        if (strcmp(argv[i], "--scale") == 0 && i + 1 < argc) {
            if (!region_scale_arg(argv[++i], &scale)) return 2;
        } else if (strcmp(argv[i], "--keep") == 0 && i + 1 < argc) {
            keep = argv[++i];
        } else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
            errno = 0;
            seed = strtoull(argv[++i], &end, 10);
            if (*end || errno) {
                fprintf(stderr, "--seed %s: give a whole number\n", argv[i]);
                return 2;
            }
        } else {
            return usage();
        }
    }
    log_set_level(LOG_ERROR);
    char dir[] = "/tmp/mentorbot-region-XXXXXX", path[1024], err[512];
    if (keep) {
        if (access(keep, F_OK) == 0) {
            fprintf(stderr, "%s exists already; give a new file for --keep\n", keep);
            return 2;
        }
        snprintf(path, sizeof path, "%s", keep);
    } else {
        if (!mkdtemp(dir)) {
            perror("mkdtemp");
            return 1;
        }
        snprintf(path, sizeof path, "%s/region.db", dir);
    }
    db *d;
    if (db_open(path, DB_SYNC_NORMAL, &d, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    region_size n;
    region_size_at(scale, &n);
    region_report r;
    double t0 = bench_mono_ms();
    int rc = 0;
    if (region_generate(d, &n, "locales", seed, &r, err, sizeof err)) {
        fprintf(stderr, "generation failed: %s (run from the repository root)\n", err);
        rc = 1;
    }
    double generated = bench_mono_ms() - t0;
    db_checkpoint(d);
    if (!rc) {
        /* A few lookups the bot makes on every update or send. */
        double q0 = bench_mono_ms();
        int lookups = 0;
        for (int64_t acc = 1000; acc < 1000 + 2000; acc++, lookups++) {
            int64_t ids[8];
            mentorship m;
            (void)mentorship_rejected_for(d, acc, ids, 8);
            (void)mentorship_of_mentee(d, acc, &m);
            (void)outbox_next_time(d);
        }
        double looked = bench_mono_ms() - q0;
        printf("region data at scale %g: %ld organisations, %ld municipalities\n", scale, n.orgs, n.municipalities);
        printf("  rows               %ld accounts, %ld identities, %ld dialogs, %ld mentorships (%ld members),\n"
               "                     %ld answers, %ld outbox, %ld inbox, %ld jobs, %ld audit, %ld invites\n",
               r.accounts, r.identities, r.dialogs, r.mentorships, r.members, r.answers, r.outbox, r.inbox, r.jobs,
               r.audit, r.invites);
        printf("  generation         %.1f s\n", generated / 1000.0);
        printf("  database size      %.1f MB (%s)\n", (file_size(path) + 0.0) / (1024 * 1024), path);
        printf("  lookups            %.3f ms each (a mentee's mentorship and rejected mentors, the queue's next due time; %d times)\n",
               looked / lookups, lookups);
    }
    db_close(d);
    if (!keep) {
        char cmd[160];
        snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
        if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    }
    return rc;
}

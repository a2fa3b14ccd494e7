/*
 * What the bot's disk calls cost this machine in CPU, on their own: a
 * commit's WAL frames written the way SQLite writes them (a 24-byte header
 * and a 4 KB page, two calls a frame) against one call for the commit, and
 * an fdatasync after a commit's worth of frames against the write alone.
 * The file lies in the current directory, so run it from the disk the
 * database is on; it is removed afterwards.
 *
 *   build/rel/bin/bench_disk_calls [COMMITS]   (default 3000)
 */
#include "bench/bench.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FRAME_HEADER 24
#define PAGE 4096
#define FRAMES_PER_COMMIT 17            /* a commit of the bot over HTTP at 1,000 users */
#define FILE_WRAP (64LL * 1024 * 1024)  /* the file is rewritten from its start past this size */
#define SYNCED_COMMITS_MAX 500          /* each fdatasync waits for the disk: fewer of them */

static const char path[] = "bench-disk-calls.tmp";

static int write_all(int fd, const char *buf, size_t n, off_t at)
{
    return pwrite(fd, buf, n, at) == (ssize_t)n ? 0 : -1;
}

int main(int argc, char **argv)
{
    int commits = argc > 1 ? atoi(argv[1]) : 3000;
    if (commits < 1) {
        fprintf(stderr, "usage: bench_disk_calls [COMMITS]\n");
        return 2;
    }
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        perror(path);
        return 1;
    }
    static char commit[FRAMES_PER_COMMIT * (FRAME_HEADER + PAGE)];
    memset(commit, 7, sizeof commit);
    const size_t frame = FRAME_HEADER + PAGE;
    int failed = 0;

    /* two calls a frame, as SQLite writes a WAL */
    double cpu = bench_cpu_ms();
    off_t at = 0;
    for (int c = 0; c < commits && !failed; c++) {
        for (int f = 0; f < FRAMES_PER_COMMIT && !failed; f++) {
            failed = write_all(fd, commit, FRAME_HEADER, at) || write_all(fd, commit, PAGE, at + FRAME_HEADER);
            at += (off_t)frame;
        }
        if (at > FILE_WRAP) at = 0;
    }
    double separate = (bench_cpu_ms() - cpu) * 1000.0 / ((double)commits * FRAMES_PER_COMMIT);

    /* one call a commit */
    cpu = bench_cpu_ms();
    at = 0;
    for (int c = 0; c < commits && !failed; c++) {
        failed = write_all(fd, commit, sizeof commit, at);
        at += (off_t)sizeof commit;
        if (at > FILE_WRAP) at = 0;
    }
    double together = (bench_cpu_ms() - cpu) * 1000.0 / ((double)commits * FRAMES_PER_COMMIT);

    /* a commit's frames, then with an fdatasync after each */
    int synced = commits < SYNCED_COMMITS_MAX ? commits : SYNCED_COMMITS_MAX;
    cpu = bench_cpu_ms();
    at = 0;
    for (int c = 0; c < synced && !failed; c++, at += (off_t)sizeof commit)
        failed = write_all(fd, commit, sizeof commit, at);
    double written = (bench_cpu_ms() - cpu) * 1000.0 / synced;
    cpu = bench_cpu_ms();
    double wall = bench_mono_ms();
    for (int c = 0; c < synced && !failed; c++, at += (off_t)sizeof commit)
        failed = write_all(fd, commit, sizeof commit, at) || fdatasync(fd) != 0;
    double with_sync = (bench_cpu_ms() - cpu) * 1000.0 / synced;
    double sync_wall = (bench_mono_ms() - wall) * 1000.0 / synced;

    close(fd);
    unlink(path);
    if (failed) {
        perror("writing the benchmark's file");
        return 1;
    }
    printf("disk calls: a commit of %d WAL frames of %d + %d bytes, %d commits (%d with fdatasync)\n",
           FRAMES_PER_COMMIT, FRAME_HEADER, PAGE, commits, synced);
    printf("  a frame in two calls     %6.2f us of CPU\n", separate);
    printf("  a frame in one call      %6.2f us of CPU (the commit's frames in one call)\n", together);
    printf("  a commit written         %6.1f us of CPU\n", written);
    printf("  written and fdatasync    %6.1f us of CPU, %.1f us of wall time\n", with_sync, sync_wall);
    printf("  fdatasync alone          %6.1f us of CPU\n", with_sync - written);
    return 0;
}

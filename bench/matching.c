/*
 * Matching for one organisation: MENTEES unmatched mentees and MENTORS
 * mentors with varied profiles (categories, grades, topics, meeting times
 * and modes, capacities, some mentors already part-loaded, some
 * rejections), stored in SQLite the way the bot stores them. Times the
 * whole suggestion list the curator and `admin match suggest` see: reading
 * the queue, the mentors with their load and the rejections from the
 * database, then scoring every pair and keeping the best three.
 *
 *   build/rel/bin/bench_matching [MENTEES] [MENTORS]     (default 2000 500)
 *
 * Prints the median and the best of RUNS runs, split into reading and
 * scoring.
 */
#include "bench/bench.h"
#include "handlers/matching.h"
#include "storage/accounts.h"
#include "storage/mentorships.h"
#include "storage/profiles.h"
#include "storage/records.h"
#include "util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RUNS 7
#define PRELOADED_PAIRS 150      /* mentors who already have one mentee */
#define REJECTIONS 300

/* A small deterministic generator, so every run builds the same data. */
static unsigned long long rng_state = 0x9E3779B97F4A7C15ULL;
static unsigned rnd(unsigned n)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned)(rng_state % n);
}

static uint32_t random_bits(int count, int max_set)
{
    uint32_t bits = 0;
    int k = 1 + (int)rnd((unsigned)max_set);
    for (int i = 0; i < k; i++) bits |= 1u << rnd((unsigned)count);
    return bits;
}

static int64_t add_person(db *d, int64_t org_id, long long user, const char *role, const char *category, int grade,
                          int capacity)
{
    int64_t id;
    account a;
    if (account_create(d, "tg", user, user, "ru", &id) || account_load(d, id, &a)) return 0;
    snprintf(a.status, sizeof a.status, "active");
    snprintf(a.role, sizeof a.role, "%s", role);
    snprintf(a.category, sizeof a.category, "%s", category);
    snprintf(a.name, sizeof a.name, "%s %lld", role, user);
    a.org_id = org_id;
    a.grade = grade;
    if (account_save(d, &a)) return 0;
    static const char *const modes[] = {"online", "offline", "both", ""};
    profile p;
    memset(&p, 0, sizeof p);
    p.account_id = id;
    p.topics = random_bits(PROFILE_TOPIC_COUNT, 4);
    p.slots = random_bits(PROFILE_SLOT_COUNT, 3);
    p.forms = rnd(3) == 0 ? random_bits(PROFILE_FORM_COUNT, 2) : 0;
    snprintf(p.meeting_mode, sizeof p.meeting_mode, "%s", modes[rnd(4)]);
    p.capacity = capacity;
    return profile_save(d, &p) ? 0 : id;
}

int main(int argc, char **argv)
{
    int nmentees = argc > 1 ? atoi(argv[1]) : 2000, nmentors = argc > 2 ? atoi(argv[2]) : 500;
    if (nmentees < 1) nmentees = 1;
    if (nmentors < 1) nmentors = 1;
    log_set_level(LOG_ERROR);
    char dir[] = "/tmp/mentorbot-bench-XXXXXX", path[128], err[512];
    if (!mkdtemp(dir)) return 1;
    snprintf(path, sizeof path, "%s/bench.db", dir);
    db *d;
    if (db_open(path, DB_SYNC_NORMAL, &d, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    int64_t org_id;
    int64_t *mentor_ids = calloc((size_t)nmentors, sizeof *mentor_ids);
    int64_t *mentee_ids = calloc((size_t)nmentees, sizeof *mentee_ids);
    if (!mentor_ids || !mentee_ids || db_begin(d) || org_add(d, "Bench school", "Asia/Tomsk", &org_id)) return 1;
    long long user = 1000000;
    static const char *const mentor_cats[] = {"pupil", "student", "teacher", "employee", "entrepreneur"};
    for (int i = 0; i < nmentors; i++) {
        const char *cat = mentor_cats[rnd(5)];
        int grade = strcmp(cat, "pupil") == 0 ? 8 + (int)rnd(4) : 0;
        mentor_ids[i] = add_person(d, org_id, ++user, "mentor", cat, grade, 1 + (int)rnd(4));
    }
    for (int i = 0; i < nmentees; i++) {
        unsigned r = rnd(10);
        const char *cat = r < 8 ? "pupil" : r < 9 ? "teacher" : "student";
        int grade = strcmp(cat, "pupil") == 0 ? 5 + (int)rnd(7) : 0;
        mentee_ids[i] = add_person(d, org_id, ++user, "mentee", cat, grade, 0);
    }
    /* Some mentors carry a mentee already; some pairs were rejected. */
    for (int i = 0; i < PRELOADED_PAIRS && i < nmentors; i++) {
        int64_t extra = add_person(d, org_id, ++user, "mentee", "pupil", 5, 0), id;
        if (mentorship_create(d, org_id, 0, "teacher_pupil", mentor_ids[i], &extra, 1, 0, &id) == MB_ERR_DB) return 1;
    }
    for (int i = 0; i < REJECTIONS; i++)
        mentorship_reject(d, mentee_ids[rnd((unsigned)nmentees)], mentor_ids[rnd((unsigned)nmentors)]);
    if (db_commit(d)) return 1;

    double total[RUNS], reading[RUNS], scoring[RUNS];
    long long checksum = 0, proposed = 0;
    for (int run = 0; run < RUNS; run++) {
        double t0 = bench_mono_ms();
        mentorship_candidate *queue = NULL, *mentors = NULL;
        mentorship_rejection *rej = NULL;
        int nq = 0, nm = 0, nr = 0;
        uint32_t forms = 0;
        mentorship_program prog;
        if (mentorship_program_load(d, org_id, &prog) == MB_OK) forms = match_forms_parse(prog.forms);
        if (mentorship_load_queue(d, org_id, &queue, &nq) || mentorship_load_mentors(d, org_id, &mentors, &nm) ||
            mentorship_load_rejections(d, org_id, &rej, &nr))
            return 1;
        double t1 = bench_mono_ms();
        match_person *people = calloc((size_t)nm, sizeof *people);
        if (!people) return 1;
        for (int i = 0; i < nm; i++) match_person_from(&people[i], &mentors[i]);
        match_pool *pool = match_pool_build(people, nm, forms);
        if (!pool) return 1;
        checksum = 0;
        proposed = 0;
        int r = 0;
        for (int i = 0; i < nq; i++) {
            match_person mentee;
            match_person_from(&mentee, &queue[i]);
            while (r < nr && rej[r].mentee_id < mentee.id) r++;
            int64_t rejected[16];
            int k = 0;
            for (; r < nr && rej[r].mentee_id == mentee.id; r++)
                if (k < 16) rejected[k++] = rej[r].mentor_id;
            match_suggestion best[MATCH_SUGGESTIONS_MAX];
            int n = match_pool_suggest(pool, &mentee, rejected, k, best, MATCH_SUGGESTIONS_MAX);
            proposed += n;
            for (int j = 0; j < n; j++) checksum += best[j].mentor_id * (j + 1) + best[j].score;
        }
        double t2 = bench_mono_ms();
        match_pool_free(pool);
        free(people);
        free(queue);
        free(mentors);
        free(rej);
        reading[run] = t1 - t0;
        scoring[run] = t2 - t1;
        total[run] = t2 - t0;
    }
    qsort(total, RUNS, sizeof total[0], bench_cmp_double);
    qsort(reading, RUNS, sizeof reading[0], bench_cmp_double);
    qsort(scoring, RUNS, sizeof scoring[0], bench_cmp_double);
    printf("matching: %d unmatched mentees x %d mentors in one organisation, %d runs\n", nmentees, nmentors, RUNS);
    printf("  whole suggestion list  median %.1f ms, best %.1f ms (aim: under 200 ms)\n", total[RUNS / 2], total[0]);
    printf("  reading from SQLite    median %.1f ms\n", reading[RUNS / 2]);
    printf("  scoring every pair     median %.1f ms (%lld suggestions, checksum %lld)\n", scoring[RUNS / 2],
           proposed, checksum);
    db_close(d);
    free(mentor_ids);
    free(mentee_ids);
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return 0;
}

/*
 * A region's year of data, written through the real schema: one region
 * with its municipalities, organisations with their programmes, curators,
 * coordinators, pupils and mentors with their messenger identities,
 * dialogs, survey runs and answers, profiles, mentorships (pairs and
 * groups), match rejections, invites and their uses, consent and link
 * requests, guardians' phones, and the service's own rows: outbox
 * (mostly sent, some queued), inbox, jobs and audit.
 *
 * Used by bench/region.c (figures) and tests/test_query_plans.c (plans).
 * The data is deterministic for a seed. Rows are written with plain
 * INSERTs in one transaction, not through the handlers: a year of traffic
 * through the handlers would take hours.
 */
#ifndef MB_REGION_GEN_H
#define MB_REGION_GEN_H

#include <stdint.h>

#include "storage/db.h"

typedef struct region_size {
    long municipalities;
    long orgs;
    long pupils;
    long mentors;
    long mentorships;
    long outbox;
    long answers;        /* survey answers */
    long inbox;
    long jobs;
    long audit;
    long invites;        /* role and link invites; guardian invites come with the minors */
    long meetings;       /* meetings of the mentorships, each in meeting_mentorships */
    long outcomes;       /* outcome records (trainings, contests, projects ...) */
    long poll_answers;   /* people asked in poll waves (final, self-determination) */
    long employers;      /* employers of the mentors employed at enterprises */
} region_size;

/* The counts at scale (1 = a region's year: 20 municipalities, 355
 * organisations, 120,000 pupils, 40,000 mentors, 60,000 mentorships,
 * 2,000,000 outbox rows, 500,000 answers, 1,500,000 meetings, 50,000
 * outcomes, 100,000 poll recipients, 2,000 employers...). Every count is at least 1
 * (municipalities at least 2). */
void region_size_at(double scale, region_size *out);

/* Rows written, per table family, for the report. */
typedef struct region_report {
    long accounts, identities, dialogs, mentorships, members, answers, outbox, inbox, jobs, audit, invites;
    long meetings, outcomes, poll_recipients;
} region_report;

/*
 * Fills d (just opened with db_open, so migrated, and empty) with a
 * region's data of size n, dated over the year before now (clock_now_ms).
 * Survey instruments are read from locales_dir/surveys as the bot reads
 * them. err gets a sentence on failure.
 */
mb_status region_generate(db *d, const region_size *n, const char *locales_dir, uint64_t seed,
                          region_report *report, char *err, size_t err_size);

/* Reads the value of a benchmark's --scale option (above 0, at most 10);
 * 0, with the reason on stderr, when it is not one. */
int region_scale_arg(const char *text, double *scale);

#endif

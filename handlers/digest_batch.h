/*
 * What the digests of one run share (handlers/digest.h, digest_batch):
 * the part of digest.c and digest_jobs.c that reads through a batch.
 * Not for other modules.
 */
#ifndef MB_DIGEST_BATCH_H
#define MB_DIGEST_BATCH_H

#include "handlers/digest.h"
#include "report/indicators.h"

/* One organisation's week, as its own digest and every territory's line
 * show it. */
typedef struct digest_batch_org {
    int64_t id;
    mb_status read_rc;             /* org_get's answer: a territory skips an organisation it cannot read */
    char name[DIGEST_NAME_MAX];
    digest_counts c;
    int held_by_week[DIGEST_WEEKS_MAX];
} digest_batch_org;

/* A batch that serves one digest alone: its indicators are computed for
 * its own scope (ind_report_for), nothing wider is read. */
digest_batch *digest_batch_single(void);

/* The organisation's week for the week of g (g's end, zone, year start
 * and weeks): read on first use, then shared. *out points into the batch
 * until the next call. */
mb_status digest_batch_org_week(db *d, digest_batch *b, const digest *g, int64_t org_id,
                                const digest_batch_org **out);

/* The indicator report of set for g's scope over period p: in a shared
 * batch from the data of the scope's region, read once for every scope
 * under it (ind_data_load, ind_data_report); in a single one, or for a
 * finished period (its snapshot), as ind_report_for gives it. */
mb_status digest_batch_indicators(db *d, digest_batch *b, const ind_set *set, const digest *g, const ind_period *p,
                                  const char *zone, ind_report *out);

/* digest_indicators_load through batch b (NULL: on its own;
 * digest_indicators.c). */
mb_status digest_indicators_load_in(db *d, const bot_env *env, digest_batch *b, digest *g);

/* The indicator set digests show ([digest] indicators, else the
 * catalog's first); NULL when there is none. */
const ind_set *digest_batch_indicator_set(const bot_env *env);

/* When the batch has written the files of the same digest (scope, week,
 * zone, language), links them to png and xlsx and returns 1; 0 when they
 * are to be written (nothing is left at png or xlsx then). */
int digest_batch_files_link(digest_batch *b, const digest *g, const char *png, const char *xlsx);
/* Remembers png and xlsx as the files of g, for the next recipient. */
void digest_batch_files_written(digest_batch *b, const digest *g, const char *png, const char *xlsx);

/* Fills the week of a digest ending at end in zone: start, the local
 * date, the school year's start and its weeks. */
void digest_week_of(digest *g, int64_t end, const char *zone);

#endif

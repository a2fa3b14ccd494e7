/*
 * Weekly digests (docs/digest.md). Each curator (their organisation) and
 * each coordinator (their territory, a line per organisation) gets on the
 * configured weekday and hour of their own timezone a short text about
 * the week just ended, with a button for each thing that needs them, a
 * chart (report/chart.h) and a workbook (handlers/digest_files.c).
 *
 * Delivery is one job per recipient and week: a planning job
 * (JOB_DIGEST_PLAN) claims the week in digest_weeks and adds the
 * recipient's job in the same transaction; that job queues the three
 * messages and finishes the week in one more, so a crash at any point
 * neither loses nor repeats a digest. A failure to write the files is
 * retried by the scheduler; a recipient who blocked the bot is skipped and
 * logged; while more files wait to be sent than the cap allows, the job
 * waits.
 */
#ifndef MB_DIGEST_H
#define MB_DIGEST_H

#include "handlers/digest_rules.h"
#include "handlers/flows.h"
#include "storage/digest.h"

#define JOB_DIGEST_PLAN "digest_plan"
#define JOB_DIGEST "digest"
#define DIGEST_PLAN_EVERY_MS 3600000LL    /* the planner runs at least this often */
#define DIGEST_PLAN_BATCH 500             /* recipients one planning run looks at */
#define DIGEST_WAIT_FILES_MS 60000LL      /* a job waits this long while the files cap is reached */
#define DIGEST_INDICATORS_MAX 24          /* indicator rows a digest shows (CHART_BARS_MAX) */
#define DIGEST_NAME_MAX 256
#define DIGEST_LATE_MS (2 * 86400000LL)   /* a week's digest not planned this long after its hour is skipped */

/* One indicator against its target, as the digest shows it. */
typedef struct digest_indicator {
    char code[48];
    char name[640];
    char rule[32];                 /* the rounding rule as the definitions write it */
    int percent;                   /* the value is a percentage */
    int digits;                    /* decimals it is shown with */
    double target, fact, num, den;
    int has_target, has_fact, has_num, has_den;
} digest_indicator;

typedef struct digest_org_line {
    int64_t id;
    char name[DIGEST_NAME_MAX];
    digest_counts c;
} digest_org_line;

/* Everything one digest shows, for one scope and week. */
typedef struct digest {
    int territory;                 /* 0: an organisation's, 1: a territory's */
    int64_t scope_id;
    char scope_name[DIGEST_NAME_MAX];
    char zone[64];                 /* the recipient's timezone */
    char lang[8];
    char week[DIGEST_WEEK_BYTES];  /* the local date the week ended on (the digest's day) */
    int64_t start, end;            /* the week, UTC ms */
    int64_t now;
    digest_counts total;
    digest_org_line *orgs;         /* a territory's organisations (malloc'd) */
    int norgs;
    int64_t year_start;            /* 1 September of the school year, local midnight */
    int weeks;
    int held_by_week[DIGEST_WEEKS_MAX];
    digest_indicator ind[DIGEST_INDICATORS_MAX];
    int nind;
} digest;

/*
 * The readings the digests of one run share (a scheduler run, the
 * benchmark): each organisation's week is read once, for its curator and
 * for every territory above it, whose lines and totals are added up from
 * those same figures; each region's indicator data is read once
 * (ind_data_load) and reported for every scope under it; and a second
 * recipient of the same digest (two curators of one school) gets the files
 * already written, linked, not drawn again. A batch holds one week (end
 * and zone): a digest of another week starts its readings again. Nothing
 * outlives the run: a batch is not a cache across weeks or changes.
 */
typedef struct digest_batch digest_batch;

/* A new empty batch (NULL when memory ran out); free with digest_batch_free. */
digest_batch *digest_batch_new(void);
void digest_batch_free(digest_batch *b);
/* Drops what was read: the store may have changed (another job ran). */
void digest_batch_forget(digest_batch *b);
/* Reads at once, for the week ending at end in zone, every organisation's
 * week and every region's indicator data, so that each digest after it
 * only adds up and draws. */
mb_status digest_batch_prepare(db *d, const bot_env *env, digest_batch *b, int64_t end, const char *zone);

/* Reads the digest of an organisation (territory 0) or a territory for
 * the seven days before end, in zone and lang; through env->digest_batch
 * when there is one, else on its own. Free with digest_free. */
mb_status digest_build(db *d, const bot_env *env, int of_territory, int64_t scope_id, int64_t end, const char *zone,
                       const char *lang, digest *out);
void digest_free(digest *g);

/* The indicators of the digest's scope for the current school year
 * against their targets (handlers/digest_indicators.c). */
mb_status digest_indicators_load(db *d, const bot_env *env, digest *g);

/*
 * The text (caller frees; NULL when memory ran out): the week's counts in
 * natural language with plural forms, one line when nothing happened. A
 * curator's buttons (kb, may be NULL) open the people waiting, the
 * consents and the stalled pairs; a coordinator's open the overview.
 */
char *digest_text(const bot_env *env, const digest *g, int for_curator, keyboard *kb);

/* An indicator's value as the reader reads it: "45,5 %" or "12". */
void digest_value_text(const digest *g, const digest_indicator *ind, double v, char *buf, size_t size);

/* "2026/27": the school year of the digest. */
void digest_school_year(const digest *g, char *buf, size_t size);

/* The chart's caption: what the picture shows, in words (its alt text). */
char *digest_alt_text(const bot_env *env, const digest *g);

/* Writes the chart (PNG) and the workbook (XLSX) of g; either path may be
 * NULL. MB_ERR_IO when a file could not be written (none is left). */
mb_status digest_write_chart(const bot_env *env, const digest *g, const char *path);
mb_status digest_write_workbook(db *d, const bot_env *env, const digest *g, const char *path);

/* Adds a pending planning run due at due_at unless one is pending. */
mb_status digest_schedule(db *d, int64_t due_at);

/* The jobs: JOB_DIGEST_PLAN and JOB_DIGEST. */
mb_status digest_run_job(db *d, const bot_env *env, const char *kind, const char *payload);

/*
 * Builds the digest of the account's scope (a curator's organisation, a
 * coordinator's territory; org_id/territory_id nonzero instead of it) for
 * the week ending now and queues it to the account: text, photo,
 * document. MB_ERR_DENIED when the account cannot be reached (blocked the
 * bot), MB_ERR_NOT_FOUND when it has no scope or no messenger, MB_ERR_IO
 * when the files could not be written, MB_ERR_LIMIT when the cap on
 * files in flight is reached (nothing queued).
 */
mb_status digest_send(db *d, const bot_env *env, int64_t account_id, int64_t org_id, int64_t territory_id,
                      int64_t now);

/* Writes the text, chart and workbook of an organisation's or territory's
 * digest for the week ending now into dir (digest.txt, digest.png,
 * digest.xlsx), in lang; nothing is sent. */
mb_status digest_preview(db *d, const bot_env *env, int of_territory, int64_t scope_id, int64_t now, const char *lang,
                         const char *dir);

/* The menu: "Сводка за неделю" for curators and coordinators; dg:* its
 * buttons (routes.c), refused to anyone else. */
void digest_menu_items(hctx *h, keyboard *kb);
mb_status digest_on_button(hctx *h, const char *action, const payload_field *f, int n);

#endif

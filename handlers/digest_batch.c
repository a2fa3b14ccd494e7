/*
 * The readings the digests of one run share. A region's Monday is about
 * 375 digests (a curator's per school, a coordinator's per municipality
 * and the region's): read one by one, each school's week was read for its
 * curators and again inside its municipality's and its region's digest,
 * and each territory computed the indicators of all its schools anew; a
 * region's digest took over a second (docs/PERFORMANCE.md). Here each
 * school's week is read once and each region's indicator data once; the
 * territories add up the schools' figures, the very ones their curators
 * read (tests/test_digest.c holds them equal).
 */
#include "handlers/digest_batch.h"
#include "storage/territories.h"
#include "util/clock.h"
#include "util/tz.h"
#include "util/array.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define ROOTS_MAX 64          /* regions (and schools outside any) whose indicator data a batch holds */


/* Local midnight of 1 September of the school year end falls in. */
static int64_t school_year_start(const char *zone, int64_t end)
{
    struct tm tm, sep = {0};
    if (tz_local(zone, end - 1, &tm)) return end - 52 * DIGEST_WEEK_MS;
    sep.tm_year = tm.tm_mon >= 8 ? tm.tm_year : tm.tm_year - 1;
    sep.tm_mon = 8;
    sep.tm_mday = 1;
    int64_t ms;
    return tz_from_local(zone, &sep, &ms) ? end - 52 * DIGEST_WEEK_MS : ms;
}

void digest_week_of(digest *g, int64_t end, const char *zone)
{
    g->now = end;
    g->end = end;
    g->start = end - DIGEST_WEEK_MS;
    snprintf(g->zone, sizeof g->zone, "%s", zone ? zone : "");
    struct tm tm;
    if (tz_local(g->zone, end, &tm) == 0)
        strftime(g->week, sizeof g->week, "%Y-%m-%d", &tm);
    g->year_start = school_year_start(g->zone, end);
    int64_t span = end - g->year_start;
    g->weeks = span <= 0 ? 1 : (int)((span + DIGEST_WEEK_MS - 1) / DIGEST_WEEK_MS);
    if (g->weeks > DIGEST_WEEKS_MAX) g->weeks = DIGEST_WEEKS_MAX;
}

const ind_set *digest_batch_indicator_set(const bot_env *env)
{
    const ind_catalog *c = env->indicators;
    if (!c || c->n <= 0) return NULL;
    const char *code = env->digest && env->digest->indicator_set[0] ? env->digest->indicator_set : NULL;
    const ind_set *s = code ? ind_catalog_set(c, code) : NULL;
    return s ? s : &c->sets[0];
}

typedef struct batch_root {
    ind_scope root;
    ind_data *data;           /* NULL when it could not be read (rc says why) */
    mb_status rc;
} batch_root;

/* The files of one digest written in the run: its recipients all get
 * these bytes. */
typedef struct batch_files {
    int territory;
    int64_t scope, end;
    char lang[8], zone[64];
    char png[512], xlsx[512];
} batch_files;

struct digest_batch {
    int shared;               /* 0: one digest's own (digest_batch_single) */
    int has_week;
    int64_t end, year_start;
    int weeks;
    char zone[64];
    digest_batch_org *orgs;   /* by id */
    int norgs;
    size_t cap;
    const ind_set *set;       /* the indicator set and period the roots were read for */
    ind_period period;
    batch_root roots[ROOTS_MAX];
    int nroots;
    batch_files *files;       /* the files written in the run, a pair per digest */
    int nfiles;
    size_t files_cap;
};

digest_batch *digest_batch_new(void)
{
    digest_batch *b = calloc(1, sizeof *b);
    if (b) b->shared = 1;
    return b;
}

digest_batch *digest_batch_single(void) { return calloc(1, sizeof(digest_batch)); }

void digest_batch_forget(digest_batch *b)
{
    if (!b) return;
    free(b->orgs);
    b->orgs = NULL;
    b->norgs = b->cap = 0;
    for (int i = 0; i < b->nroots; i++) ind_data_free(b->roots[i].data);
    b->nroots = 0;
    b->set = NULL;
    b->has_week = 0;
    free(b->files);
    b->files = NULL;
    b->nfiles = b->files_cap = 0;
}

void digest_batch_free(digest_batch *b)
{
    digest_batch_forget(b);
    free(b);
}

/* Keeps the readings when g is of the batch's week, else starts anew. */
static void same_week(digest_batch *b, const digest *g)
{
    if (b->has_week && b->end == g->end && b->year_start == g->year_start && b->weeks == g->weeks &&
        strcmp(b->zone, g->zone) == 0)
        return;
    digest_batch_forget(b);
    b->has_week = 1;
    b->end = g->end;
    b->year_start = g->year_start;
    b->weeks = g->weeks;
    snprintf(b->zone, sizeof b->zone, "%s", g->zone);
}

static int by_org_id(const void *key, const void *item)
{
    int64_t a = *(const int64_t *)key, c = ((const digest_batch_org *)item)->id;
    return a < c ? -1 : a > c;
}

mb_status digest_batch_org_week(db *d, digest_batch *b, const digest *g, int64_t org_id,
                                const digest_batch_org **out)
{
    same_week(b, g);
    digest_batch_org *o = b->norgs ? bsearch(&org_id, b->orgs, (size_t)b->norgs, sizeof *b->orgs, by_org_id) : NULL;
    if (o) {
        *out = o;
        return MB_OK;
    }
    if (array_grow(&b->orgs, &b->cap, (size_t)b->norgs, sizeof *b->orgs, 64)) return MB_ERR_NOMEM;
    int at = b->norgs;
    while (at > 0 && b->orgs[at - 1].id > org_id) at--;
    memmove(&b->orgs[at + 1], &b->orgs[at], (size_t)(b->norgs - at) * sizeof *b->orgs);
    o = &b->orgs[at];
    memset(o, 0, sizeof *o);
    o->id = org_id;
    b->norgs++;
    org record;
    o->read_rc = org_get(d, org_id, &record);
    mb_status rc = MB_OK;
    if (!o->read_rc) {
        snprintf(o->name, sizeof o->name, "%s", record.name);
        rc = digest_counts_load(d, org_id, g->start, g->end, &o->c);
        if (!rc) rc = digest_held_by_week(d, org_id, g->year_start, g->end, g->weeks, o->held_by_week);
    }
    if (rc) {
        /* not kept: the next digest reads it again */
        memmove(&b->orgs[at], &b->orgs[at + 1], (size_t)(b->norgs - at - 1) * sizeof *b->orgs);
        b->norgs--;
        return rc;
    }
    *out = o;
    return MB_OK;
}

/* The scope whose indicator data holds g's scope: its region, or the
 * school itself when it is under no territory. */
static mb_status root_of(db *d, const digest *g, ind_scope *root)
{
    int64_t territory_id = g->scope_id;
    if (!g->territory) {
        org o;
        mb_status rc = org_get(d, g->scope_id, &o);
        if (rc) return rc;
        if (!o.territory_id) {
            *root = (ind_scope){REF_SCOPE_ORG, g->scope_id};
            return MB_OK;
        }
        territory_id = o.territory_id;
    }
    territory t;
    mb_status rc = territory_get(d, territory_id, &t);
    if (rc) return rc;
    *root = (ind_scope){REF_SCOPE_TERRITORY, t.parent_id ? t.parent_id : t.id};
    return MB_OK;
}

static batch_root *root_data(db *d, digest_batch *b, const ind_set *set, ind_scope root, const ind_period *p,
                             const char *zone)
{
    int same_period = b->period.kind == p->kind && b->period.start_ms == p->start_ms && b->period.end_ms == p->end_ms &&
                      strcmp(b->period.label, p->label) == 0;
    if (b->set != set || !same_period) {
        for (int i = 0; i < b->nroots; i++) ind_data_free(b->roots[i].data);
        b->nroots = 0;
        b->set = set;
        b->period = *p;
    }
    for (int i = 0; i < b->nroots; i++)
        if (b->roots[i].root.kind == root.kind && b->roots[i].root.id == root.id) return &b->roots[i];
    if (b->nroots == ROOTS_MAX) return NULL;
    batch_root *r = &b->roots[b->nroots++];
    r->root = root;
    r->data = NULL;
    r->rc = ind_data_load(d, &set, 1, root, p, zone, &r->data);
    return r;
}

mb_status digest_batch_indicators(db *d, digest_batch *b, const ind_set *set, const digest *g, const ind_period *p,
                                  const char *zone, ind_report *out)
{
    ind_scope scope = {g->territory ? REF_SCOPE_TERRITORY : REF_SCOPE_ORG, g->scope_id};
    /* a finished year comes from its snapshot, as ind_report_for keeps it */
    if (!b || !b->shared || p->end_ms < clock_now_ms()) return ind_report_for(d, set, scope, p, zone, NULL, out, NULL);
    same_week(b, g);
    ind_scope root;
    mb_status rc = root_of(d, g, &root);
    if (rc) return rc;
    batch_root *r = root_data(d, b, set, root, p, zone);
    if (!r) return ind_report_for(d, set, scope, p, zone, NULL, out, NULL);
    if (r->rc) return r->rc;
    return ind_data_report(d, r->data, set, scope, out);
}

static batch_files *files_of(digest_batch *b, const digest *g)
{
    for (int i = 0; i < b->nfiles; i++) {
        batch_files *f = &b->files[i];
        if (f->territory == g->territory && f->scope == g->scope_id && f->end == g->end && strcmp(f->lang, g->lang) == 0 &&
            strcmp(f->zone, g->zone) == 0)
            return f;
    }
    return NULL;
}

int digest_batch_files_link(digest_batch *b, const digest *g, const char *png, const char *xlsx)
{
    batch_files *f = b && b->shared ? files_of(b, g) : NULL;
    if (!f || !f->png[0]) return 0;
    if (link(f->png, png) != 0) {
        f->png[0] = 0;   /* gone (sent, or its job undone): drawn again */
        return 0;
    }
    if (link(f->xlsx, xlsx) != 0) {
        unlink(png);
        f->png[0] = 0;
        return 0;
    }
    return 1;
}

void digest_batch_files_written(digest_batch *b, const digest *g, const char *png, const char *xlsx)
{
    if (!b || !b->shared || strlen(png) >= sizeof b->files->png || strlen(xlsx) >= sizeof b->files->xlsx) return;
    batch_files *f = files_of(b, g);
    if (!f) {
        if (array_grow(&b->files, &b->files_cap, (size_t)b->nfiles, sizeof *b->files, 64))
            return;   /* the next recipient's are drawn again */
        f = &b->files[b->nfiles++];
        f->territory = g->territory;
        f->scope = g->scope_id;
        f->end = g->end;
        snprintf(f->lang, sizeof f->lang, "%s", g->lang);
        snprintf(f->zone, sizeof f->zone, "%s", g->zone);
    }
    snprintf(f->png, sizeof f->png, "%s", png);
    snprintf(f->xlsx, sizeof f->xlsx, "%s", xlsx);
}

mb_status digest_batch_prepare(db *d, const bot_env *env, digest_batch *b, int64_t end, const char *zone)
{
    digest g;
    memset(&g, 0, sizeof g);
    digest_week_of(&g, end, zone);
    same_week(b, &g);
    sqlite3_stmt *st = db_stmt(d, "SELECT id FROM orgs ORDER BY id");
    if (!st) return MB_ERR_DB;
    int64_t *ids = malloc(DIGEST_ORGS_MAX * sizeof *ids);
    if (!ids) return MB_ERR_NOMEM;
    int n = db_step_ids(d, st, ids, DIGEST_ORGS_MAX);
    mb_status rc = db_fault(d) ? MB_ERR_DB : MB_OK;
    for (int i = 0; !rc && i < n; i++) {
        const digest_batch_org *o;
        rc = digest_batch_org_week(d, b, &g, ids[i], &o);
    }
    /* the regions' indicator data: every territory's digest reports from it */
    st = rc ? NULL : db_stmt(d, "SELECT id FROM territories WHERE parent_id IS NULL ORDER BY id");
    n = st ? db_step_ids(d, st, ids, DIGEST_ORGS_MAX) : 0;
    if (!rc && db_fault(d)) rc = MB_ERR_DB;
    const ind_set *set = digest_batch_indicator_set(env);
    const char *zone_used = g.zone[0] ? g.zone : env->timezone;
    ind_period p;
    ind_period_current(g.end - 1, zone_used, &p);
    ind_report *r = set && n > 0 ? malloc(sizeof *r) : NULL;
    if (set && n > 0 && !r) rc = MB_ERR_NOMEM;
    for (int i = 0; r && !rc && i < n; i++) {
        g.territory = 1;
        g.scope_id = ids[i];
        rc = digest_batch_indicators(d, b, set, &g, &p, zone_used, r);
        if (rc == MB_ERR_NOT_FOUND) rc = MB_OK;
    }
    free(r);
    free(ids);
    return rc;
}

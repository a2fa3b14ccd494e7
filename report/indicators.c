/*
 * The engine: the counts of every organisation under a root scope for a
 * period (read once, report/counts.c), the reference numbers and targets,
 * and each scope's report added up from its organisations.
 */
#include "report/indicators.h"

#include "storage/territories.h"
#include "util/array.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TERRITORY_DEPTH_MAX 8   /* territories above an organisation followed up the tree */

/* ---- the counts of a root scope ---- */

typedef struct employer_pair {
    int row;
    int64_t employer;
} employer_pair;

/* Reference numbers and targets, read once per load: a region's report
 * looks them up thousands of times. */
typedef struct ref_entry {
    int kind;
    int64_t id;
    char key[REF_KEY_MAX];
    double value;
    int year;
} ref_entry;

typedef struct target_entry {
    char code[REF_KEY_MAX];
    int kind;
    int64_t id;
    double target;
    long long persons;
} target_entry;

typedef struct def_survey {
    const ind_def *def;
    ind_survey *v;   /* per organisation row */
} def_survey;

struct ind_data {
    const ind_set *sets[IND_SETS_MAX];
    int nsets;
    ind_scope root;
    ind_period period, previous;
    int has_previous;
    int norgs;
    int64_t *org_id, *org_territory, *org_created;
    unsigned *org_type;               /* IND_ORGS_x bit */
    int nterr;
    int64_t *terr_id, *terr_parent;   /* by id */
    double *counts, *previous_counts; /* norgs x IND_COUNT_TOTAL */
    uint32_t *forms;
    employer_pair *pairs;             /* by employer */
    int npairs;
    size_t pairs_cap;
    def_survey surveys[IND_SETS_MAX * IND_DEFS_MAX];
    int nsurveys;
    ref_entry *refs;        /* the latest of each (scope, key) up to the period's year, sorted */
    int nrefs;
    target_entry *targets;  /* of the period's target year, sorted */
    int ntargets;
};

static const ind_survey *survey_of(const ind_data *data, const ind_def *def)
{
    for (int i = 0; i < data->nsurveys; i++)
        if (data->surveys[i].def == def) return data->surveys[i].v;
    return NULL;
}

static int org_row(void *ctx, int64_t id)
{
    const ind_data *data = ctx;
    int lo = 0, hi = data->norgs - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (data->org_id[mid] == id) return mid;
        if (data->org_id[mid] < id) lo = mid + 1;
        else hi = mid - 1;
    }
    return -1;
}

static int64_t territory_parent(const ind_data *data, int64_t id)
{
    int lo = 0, hi = data->nterr - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (data->terr_id[mid] == id) return data->terr_parent[mid];
        if (data->terr_id[mid] < id) lo = mid + 1;
        else hi = mid - 1;
    }
    return 0;
}

static void add_pair(void *ctx, int row, int64_t employer)
{
    ind_data *data = ctx;
    if (array_grow(&data->pairs, &data->pairs_cap, (size_t)data->npairs, sizeof *data->pairs, 256)) return;
    data->pairs[data->npairs++] = (employer_pair){row, employer};
}

static int by_employer(const void *a, const void *b)
{
    const employer_pair *x = a, *y = b;
    return x->employer < y->employer ? -1 : x->employer > y->employer;
}

static unsigned type_bit(const char *type)
{
    if (strcmp(type, "school") == 0) return IND_ORGS_SCHOOL;
    if (strcmp(type, "additional") == 0) return IND_ORGS_ADDITIONAL;
    return IND_ORGS_OTHER;
}

static mb_status load_structure(db *d, ind_data *data)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT COUNT(*) FROM territories");
    if (!st) return MB_ERR_DB;
    int64_t nt = db_step_scalar(d, st, 0);
    st = db_stmt(d, "SELECT COUNT(*) FROM orgs");
    if (!st) return MB_ERR_DB;
    int64_t no = db_step_scalar(d, st, 0);
    data->terr_id = calloc((size_t)nt + 1, sizeof(int64_t));
    data->terr_parent = calloc((size_t)nt + 1, sizeof(int64_t));
    data->org_id = calloc((size_t)no + 1, sizeof(int64_t));
    data->org_territory = calloc((size_t)no + 1, sizeof(int64_t));
    data->org_created = calloc((size_t)no + 1, sizeof(int64_t));
    data->org_type = calloc((size_t)no + 1, sizeof(unsigned));
    if (!data->terr_id || !data->terr_parent || !data->org_id || !data->org_territory || !data->org_created ||
        !data->org_type)
        return MB_ERR_NOMEM;
    st = db_stmt(d, "SELECT id, COALESCE(parent_id, 0) FROM territories ORDER BY id");
    if (!st) return MB_ERR_DB;
    int step;
    while ((step = db_step_raw(d, st)) == SQLITE_ROW && data->nterr < nt) {
        data->terr_id[data->nterr] = sqlite3_column_int64(st, 0);
        data->terr_parent[data->nterr++] = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    st = db_stmt(d, "SELECT id, COALESCE(territory_id, 0), type, created_at FROM orgs ORDER BY id");
    if (!st) return MB_ERR_DB;
    while ((step = db_step_raw(d, st)) == SQLITE_ROW && data->norgs < no) {
        int64_t id = sqlite3_column_int64(st, 0), terr = sqlite3_column_int64(st, 1);
        int in = 0;
        if (data->root.kind == REF_SCOPE_ORG) {
            in = id == data->root.id;
        } else {
            int64_t t = terr;
            for (int k = 0; t && k < TERRITORY_DEPTH_MAX && !in; k++, t = territory_parent(data, t))
                in = t == data->root.id;
        }
        if (!in) continue;
        int r = data->norgs++;
        data->org_id[r] = id;
        data->org_territory[r] = terr;
        data->org_type[r] = type_bit((const char *)sqlite3_column_text(st, 2));
        data->org_created[r] = sqlite3_column_int64(st, 3);
    }
    sqlite3_reset(st);
    return step == SQLITE_DONE || step == SQLITE_ROW ? MB_OK : MB_ERR_DB;
}

static int kind_of(const char *name)
{
    return strcmp(name, "territory") == 0 ? REF_SCOPE_TERRITORY : strcmp(name, "org") == 0 ? REF_SCOPE_ORG : REF_SCOPE_ALL;
}

static int ref_cmp(int ak, int64_t aid, const char *akey, const ref_entry *b)
{
    if (ak != b->kind) return ak < b->kind ? -1 : 1;
    if (aid != b->id) return aid < b->id ? -1 : 1;
    return strcmp(akey, b->key);
}

static int by_ref(const void *a, const void *b)
{
    const ref_entry *x = a;
    return ref_cmp(x->kind, x->id, x->key, b);
}

static int target_cmp(const char *code, int kind, int64_t id, const target_entry *b)
{
    int c = strcmp(code, b->code);
    if (c) return c;
    if (kind != b->kind) return kind < b->kind ? -1 : 1;
    return id < b->id ? -1 : id > b->id;
}

static int by_target(const void *a, const void *b)
{
    const target_entry *x = a;
    return target_cmp(x->code, x->kind, x->id, b);
}

static mb_status load_references(db *d, ind_data *data)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT COUNT(*) FROM reference_numbers");
    int64_t n = st ? db_step_scalar(d, st, 0) : 0;
    st = db_stmt(d, "SELECT COUNT(*) FROM indicator_targets WHERE year = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int(st, 1, data->period.target_year);
    int64_t nt = db_step_scalar(d, st, 0);
    data->refs = calloc((size_t)n + 1, sizeof *data->refs);
    data->targets = calloc((size_t)nt + 1, sizeof *data->targets);
    if (!data->refs || !data->targets) return MB_ERR_NOMEM;
    /* a later year of the same scope and key replaces an earlier one */
    st = db_stmt(d, "SELECT scope_kind, scope_id, key, value, year FROM reference_numbers WHERE year <= ?1"
                    " ORDER BY scope_kind, scope_id, key, year");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int(st, 1, data->period.ref_year);
    int step;
    while ((step = db_step_raw(d, st)) == SQLITE_ROW && data->nrefs < n) {
        ref_entry e = {.kind = kind_of((const char *)sqlite3_column_text(st, 0)), .id = sqlite3_column_int64(st, 1),
                       .value = sqlite3_column_double(st, 3), .year = sqlite3_column_int(st, 4)};
        db_column_copy(st, 2, e.key, sizeof e.key);
        int same = data->nrefs && !by_ref(&e, &data->refs[data->nrefs - 1]);
        data->refs[same ? data->nrefs - 1 : data->nrefs++] = e;
    }
    sqlite3_reset(st);
    if (data->nrefs) qsort(data->refs, (size_t)data->nrefs, sizeof *data->refs, by_ref);
    st = db_stmt(d, "SELECT code, scope_kind, scope_id, target, COALESCE(persons, -1) FROM indicator_targets"
                    " WHERE year = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int(st, 1, data->period.target_year);
    while ((step = db_step_raw(d, st)) == SQLITE_ROW && data->ntargets < nt) {
        target_entry *e = &data->targets[data->ntargets++];
        db_column_copy(st, 0, e->code, sizeof e->code);
        e->kind = kind_of((const char *)sqlite3_column_text(st, 1));
        e->id = sqlite3_column_int64(st, 2);
        e->target = sqlite3_column_double(st, 3);
        e->persons = sqlite3_column_int64(st, 4);
    }
    sqlite3_reset(st);
    if (data->ntargets) qsort(data->targets, (size_t)data->ntargets, sizeof *data->targets, by_target);
    return step == SQLITE_DONE || step == SQLITE_ROW ? MB_OK : MB_ERR_DB;
}

static const ref_entry *find_ref(const ind_data *data, int kind, int64_t id, const char *key)
{
    ref_entry e = {.kind = kind, .id = id};
    snprintf(e.key, sizeof e.key, "%s", key);
    return data->nrefs ? bsearch(&e, data->refs, (size_t)data->nrefs, sizeof e, by_ref) : NULL;
}

static const target_entry *find_target(const ind_data *data, const char *code, int kind, int64_t id)
{
    target_entry e = {.kind = kind, .id = id};
    snprintf(e.code, sizeof e.code, "%s", code);
    return data->ntargets ? bsearch(&e, data->targets, (size_t)data->ntargets, sizeof e, by_target) : NULL;
}

static ind_bind bind_of(const ind_data *data, const ind_period *p)
{
    /* a territory above no other: a region, read in whole */
    int whole = data->root.kind == REF_SCOPE_TERRITORY && !territory_parent(data, data->root.id);
    return (ind_bind){.territory_id = data->root.kind == REF_SCOPE_TERRITORY ? data->root.id : 0,
                      .org_id = data->root.kind == REF_SCOPE_ORG ? data->root.id : 0, .whole = whole,
                      .start_ms = p->start_ms, .end_ms = p->end_ms, .year_from = p->year_from, .year_to = p->year_to};
}

/* The count families and extras the indicators of the sets read. */
static unsigned families_of(const ind_set *const *sets, int nsets, int *forms, int *employers, int *previous)
{
    unsigned f = 0;
    for (int s = 0; s < nsets; s++)
        for (int i = 0; i < sets[s]->n; i++) {
            const ind_def *def = &sets[s]->defs[i];
            const ind_operand *ops[2] = {&def->num, &def->den};
            for (int k = 0; k < 2; k++) {
                if (ops[k]->kind == IND_OP_COUNT) f |= ind_count_family(ops[k]->count);
                if (ops[k]->kind == IND_OP_FORM_ORGS) *forms = 1;
                if (ops[k]->kind == IND_OP_EMPLOYERS) *employers = 1;
            }
            if (def->compare_previous && def->num.kind == IND_OP_COUNT) *previous |= ind_count_family(def->num.count);
        }
    return f;
}

/* The bit of a definition's direction among those read with the people;
 * -1 for a definition of any direction or one not among them. */
static int direction_of(const ind_directions *dirs, const ind_def *def)
{
    return ind_direction_bit(dirs, def->direction[0] ? def->direction : NULL);
}

mb_status ind_data_load(db *d, const ind_set *const *sets, int nsets, ind_scope root, const ind_period *p,
                        const char *zone, ind_data **out)
{
    *out = NULL;
    if (nsets < 1 || nsets > IND_SETS_MAX) return MB_ERR_INVALID;
    ind_data *data = calloc(1, sizeof *data);
    if (!data) return MB_ERR_NOMEM;
    for (int s = 0; s < nsets; s++) data->sets[s] = sets[s];
    data->nsets = nsets;
    data->root = root;
    data->period = *p;
    mb_status rc = load_structure(d, data);
    if (!rc) rc = load_references(d, data);
    if (!rc && root.kind == REF_SCOPE_TERRITORY && !territory_parent(data, root.id)) {
        /* a territory that is no one's child: is it there at all? */
        int found = 0;
        for (int i = 0; i < data->nterr; i++) found |= data->terr_id[i] == root.id;
        if (!found) rc = MB_ERR_NOT_FOUND;
    }
    if (!rc && root.kind == REF_SCOPE_ORG && data->norgs == 0) rc = MB_ERR_NOT_FOUND;
    size_t cells = (size_t)(data->norgs ? data->norgs : 1) * IND_COUNT_TOTAL;
    if (!rc) {
        data->counts = calloc(cells, sizeof(double));
        data->forms = calloc((size_t)data->norgs + 1, sizeof(uint32_t));
        if (!data->counts || !data->forms) rc = MB_ERR_NOMEM;
    }
    ind_bind b = bind_of(data, p);
    int forms = 0, employers = 0, previous = 0;
    unsigned families = families_of(sets, nsets, &forms, &employers, &previous);
    ind_accounts *accounts = NULL;
    unsigned with_people = IND_FAMILY_PEOPLE | IND_FAMILY_OUTCOMES | IND_FAMILY_BECAME | IND_FAMILY_REQUESTS;
    if (!rc && (((families | (unsigned)previous) & with_people) || employers))
        rc = ind_accounts_load(d, &b, &accounts);
    b.accounts = accounts;
    /* The satisfaction figures of a whole region are read together, their
     * directions with the people (when there are few enough of them). */
    ind_directions dirs = {0};
    int together = b.whole;
    for (int s = 0; together && s < nsets; s++)
        for (int i = 0; together && i < sets[s]->n; i++) {
            const ind_def *def = &sets[s]->defs[i];
            if (def->num.kind != IND_OP_SATISFIED || !def->direction[0] || direction_of(&dirs, def) >= 0) continue;
            if (dirs.n == IND_DIRECTIONS_MAX) together = 0;
            else dirs.names[dirs.n++] = def->direction;
        }
    ind_pass pass = {.forms = forms ? data->forms : NULL, .employer = employers ? add_pair : NULL,
                     .directions = together && dirs.n ? &dirs : NULL};
    int people = (families & IND_FAMILY_PEOPLE) != 0;
    if (!rc && (people || pass.forms || pass.employer || pass.directions))
        rc = ind_mentorships_load(d, &b, people, &pass, org_row, data, data->counts);
    if (pass.directions && !dirs.bits) together = 0;   /* ids too far apart: each figure on its own */
    if (!rc) rc = ind_counts_load(d, &b, families & ~(unsigned)IND_FAMILY_PEOPLE, org_row, data, data->counts);
    if (!rc && data->npairs) qsort(data->pairs, (size_t)data->npairs, sizeof *data->pairs, by_employer);
    ind_satisfaction_ask asks[IND_SATISFACTION_ASKS_MAX];
    int nasks = 0;
    for (int s = 0; !rc && s < nsets; s++)
        for (int i = 0; !rc && i < sets[s]->n; i++) {
            const ind_def *def = &sets[s]->defs[i];
            if (def->num.kind != IND_OP_SATISFIED && def->num.kind != IND_OP_ANSWERED) continue;
            ind_survey *v = calloc((size_t)data->norgs + 1, sizeof(ind_survey));
            if (!v) {
                rc = MB_ERR_NOMEM;
                break;
            }
            data->surveys[data->nsurveys++] = (def_survey){def, v};
            if (def->num.kind == IND_OP_SATISFIED && together && nasks < IND_SATISFACTION_ASKS_MAX)
                asks[nasks++] = (ind_satisfaction_ask){def->role, direction_of(&dirs, def), def->satisfied_min, v};
            else if (def->num.kind == IND_OP_SATISFIED)
                rc = ind_satisfaction_load(d, &b, def->role, def->direction, def->satisfied_min, org_row, data, v);
            else
                rc = ind_answers_load(d, &b, def->wave_kind, def->item, def->answer, org_row, data, v);
        }
    if (!rc && nasks) rc = ind_satisfaction_load_all(d, &b, asks, nasks, &dirs, org_row, data);
    free(dirs.bits);
    if (!rc && previous) {
        ind_period_previous(p, zone, &data->previous);
        data->previous_counts = calloc(cells, sizeof(double));
        ind_bind pb = bind_of(data, &data->previous);
        pb.accounts = accounts;
        if (!data->previous_counts) rc = MB_ERR_NOMEM;
        else rc = ind_counts_load(d, &pb, (unsigned)previous, org_row, data, data->previous_counts);
        data->has_previous = !rc;
    }
    ind_accounts_free(accounts);
    if (rc) {
        ind_data_free(data);
        return rc;
    }
    *out = data;
    return MB_OK;
}

void ind_data_free(ind_data *data)
{
    if (!data) return;
    free(data->org_id);
    free(data->org_territory);
    free(data->org_created);
    free(data->org_type);
    free(data->terr_id);
    free(data->terr_parent);
    free(data->counts);
    free(data->previous_counts);
    free(data->forms);
    free(data->pairs);
    free(data->refs);
    free(data->targets);
    for (int i = 0; i < data->nsurveys; i++) free(data->surveys[i].v);
    free(data);
}

/* 1 when territory t is the scope's territory or under it. */
static int territory_within(const ind_data *data, int64_t t, int64_t scope_id)
{
    for (int k = 0; t && k < TERRITORY_DEPTH_MAX; k++, t = territory_parent(data, t))
        if (t == scope_id) return 1;
    return 0;
}

int ind_data_scopes(const ind_data *data, ind_scope *out, int max)
{
    int n = 0;
    if (data->root.kind == REF_SCOPE_TERRITORY) {
        if (n < max) out[n] = (ind_scope){REF_SCOPE_TERRITORY, data->root.id};
        n++;
        for (int i = 0; i < data->nterr; i++)
            if (data->terr_id[i] != data->root.id && territory_within(data, data->terr_id[i], data->root.id)) {
                if (n < max) out[n] = (ind_scope){REF_SCOPE_TERRITORY, data->terr_id[i]};
                n++;
            }
    }
    for (int i = 0; i < data->norgs; i++) {
        if (n < max) out[n] = (ind_scope){REF_SCOPE_ORG, data->org_id[i]};
        n++;
    }
    return n;
}

/* ---- one scope's report ---- */

/* A reference number of a scope: its own, or for a territory without one
 * the sum of its child territories' (a region from its municipalities). */
static int scope_reference(const ind_data *data, ref_scope_kind kind, int64_t id, const char *key, double *value,
                           int *year_used, int depth)
{
    const ref_entry *own = find_ref(data, kind, id, key);
    if (own) {
        *value = own->value;
        *year_used = own->year;
        return 1;
    }
    if (kind != REF_SCOPE_TERRITORY || depth >= TERRITORY_DEPTH_MAX) return 0;
    double sum = 0;
    int any = 0, used = 0;
    for (int i = 0; i < data->nterr; i++) {
        double v;
        int y;
        if (data->terr_parent[i] == id &&
            scope_reference(data, REF_SCOPE_TERRITORY, data->terr_id[i], key, &v, &y, depth + 1)) {
            sum += v;
            any = 1;
            if (y < used || !used) used = y;
        }
    }
    if (!any) return 0;
    *value = sum;
    *year_used = used;
    return 1;
}

/* The target of a code for a scope: the scope's own, else of the
 * territories above it, else the one for every scope. */
static int scope_target(const ind_data *data, ind_scope scope, const char *code, double *target, long long *persons)
{
    const target_entry *e = find_target(data, code, scope.kind, scope.id);
    int64_t t = 0;
    if (scope.kind == REF_SCOPE_ORG) {
        int r = org_row((void *)data, scope.id);
        t = r >= 0 ? data->org_territory[r] : 0;
    } else {
        t = territory_parent(data, scope.id);
    }
    for (int k = 0; !e && t && k < TERRITORY_DEPTH_MAX; k++, t = territory_parent(data, t))
        e = find_target(data, code, REF_SCOPE_TERRITORY, t);
    if (!e) e = find_target(data, code, REF_SCOPE_ALL, 0);
    if (!e) return 0;
    *target = e->target;
    *persons = e->persons;
    return 1;
}

typedef struct operand_value {
    double v;
    int has;
    int ref_year;
} operand_value;

static operand_value operand(const ind_data *data, const ind_def *def, const ind_operand *op,
                             int numerator, const unsigned char *in, ind_scope scope, const double *counts,
                             ind_row *row)
{
    operand_value out = {0, 1, 0};
    switch (op->kind) {
    case IND_OP_NONE:
        out.has = 0;
        break;
    case IND_OP_COUNT:
        for (int r = 0; r < data->norgs; r++)
            if (in[r] && (data->org_type[r] & def->orgs)) out.v += counts[(size_t)r * IND_COUNT_TOTAL + op->count];
        break;
    case IND_OP_REF:
        out.has = scope_reference(data, scope.kind, scope.id, op->ref, &out.v, &out.ref_year, 0);
        break;
    case IND_OP_ORGS:
    case IND_OP_FORM_ORGS:
        for (int r = 0; r < data->norgs; r++)
            if (in[r] && (data->org_type[r] & def->orgs) && data->org_created[r] <= data->period.end_ms &&
                (op->kind == IND_OP_ORGS || (data->forms[r] >> op->form & 1u)))
                out.v += 1;
        break;
    case IND_OP_EMPLOYERS: {
        int64_t last = 0;
        for (int i = 0; i < data->npairs; i++) {
            const employer_pair *p = &data->pairs[i];
            if (in[p->row] && (data->org_type[p->row] & def->orgs) && p->employer != last) {
                out.v += 1;
                last = p->employer;
            }
        }
        break;
    }
    case IND_OP_SATISFIED:
    case IND_OP_ANSWERED: {
        int invited = 0, respondents = 0, hits = 0;
        const ind_survey *s = survey_of(data, def);
        for (int r = 0; s && r < data->norgs; r++)
            if (in[r] && (data->org_type[r] & def->orgs)) {
                invited += s[r].invited;
                respondents += s[r].respondents;
                hits += s[r].hits;
            }
        row->invited = invited;
        row->respondents = respondents;
        out.v = numerator ? hits : respondents;
        break;
    }
    }
    return out;
}

void ind_scope_name(db *d, ind_scope scope, char *buf, size_t size)
{
    sqlite3_stmt *st = db_stmt(d, scope.kind == REF_SCOPE_ORG ? "SELECT name FROM orgs WHERE id = ?1"
                                                                : "SELECT name FROM territories WHERE id = ?1");
    snprintf(buf, size, "%s:%lld", ref_scope_kind_name(scope.kind), (long long)scope.id);
    if (!st) return;
    sqlite3_bind_int64(st, 1, scope.id);
    if (db_step_row(d, st) == MB_OK) {
        db_column_copy(st, 0, buf, size);
        sqlite3_reset(st);
    }
}

mb_status ind_data_report(db *d, const ind_data *data, const ind_set *set, ind_scope scope, ind_report *out)
{
    memset(out, 0, sizeof *out);
    int loaded = 0;
    for (int s = 0; s < data->nsets; s++) loaded |= data->sets[s] == set;
    if (!loaded) return MB_ERR_NOT_FOUND;
    out->set = set;
    out->scope = scope;
    out->period = data->period;
    unsigned char *in = calloc((size_t)data->norgs + 1, 1);
    if (!in) return MB_ERR_NOMEM;
    int any = 0;
    for (int r = 0; r < data->norgs; r++) {
        in[r] = scope.kind == REF_SCOPE_ORG ? data->org_id[r] == scope.id
                                            : territory_within(data, data->org_territory[r], scope.id);
        any |= in[r];
    }
    int known = any || (scope.kind == REF_SCOPE_TERRITORY &&
                        (scope.id == data->root.id || territory_within(data, scope.id, data->root.id)));
    if (!known) {
        free(in);
        return MB_ERR_NOT_FOUND;
    }
    ind_scope_name(d, scope, out->scope_name, sizeof out->scope_name);
    for (int i = 0; i < set->n; i++) {
        const ind_def *def = &set->defs[i];
        ind_row *row = &out->rows[out->n++];
        row->def = def;
        row->respondents = row->invited = -1;
        operand_value num = operand(data, def, &def->num, 1, in, scope, data->counts, row);
        operand_value den = operand(data, def, &def->den, 0, in, scope, data->counts, row);
        row->num = num.v;
        row->has_num = num.has;
        row->den = den.v;
        row->has_den = den.has;
        row->ref_year = num.ref_year ? num.ref_year : den.ref_year;
        if ((def->num.kind == IND_OP_REF && !num.has) || (def->den.kind == IND_OP_REF && !den.has))
            row->flags |= IND_FLAG_NO_REFERENCE;
        if (row->ref_year && row->ref_year < data->period.ref_year) row->flags |= IND_FLAG_REF_EARLIER;
        if (def->den.kind == IND_OP_NONE) {
            row->value = num.v;
            row->has_value = num.has;
        } else if (num.has && den.has && den.v > 0) {
            row->value = num.v / den.v * (def->unit == IND_UNIT_PERCENT ? 100 : 1);
            row->has_value = 1;
        }
        if (row->respondents >= 0 && row->respondents < def->min_group) {
            row->has_value = 0;
            row->flags |= IND_FLAG_FEW_RESPONDENTS;
        }
        if (def->compare_previous) {
            if (data->has_previous) {
                operand_value prev = operand(data, def, &def->num, 1, in, scope, data->previous_counts, row);
                row->target = prev.v;
                row->has_target = prev.has;
                row->flags |= IND_FLAG_DYNAMICS;
            }
        } else {
            long long persons = -1;
            row->has_target = scope_target(data, scope, def->code, &row->target, &persons);
            if (row->has_target && def->target_persons && def->unit == IND_UNIT_PERCENT) {
                if (persons >= 0) {
                    row->target_persons = (double)persons;
                    row->has_target_persons = 1;
                    row->flags |= IND_FLAG_PERSONS_GIVEN;
                } else if (row->has_den && def->den.kind == IND_OP_REF) {
                    /* the fewest whole persons that reach the percentage */
                    row->target_persons = ceil(row->den * row->target / 100 - 1e-9);
                    row->has_target_persons = 1;
                }
            }
        }
    }
    free(in);
    return MB_OK;
}

mb_status ind_compute(db *d, const ind_set *set, ind_scope scope, const ind_period *p, const char *zone,
                      ind_report *out)
{
    ind_data *data;
    mb_status rc = ind_data_load(d, &set, 1, scope, p, zone, &data);
    if (rc) return rc;
    rc = ind_data_report(d, data, set, scope, out);
    ind_data_free(data);
    return rc;
}

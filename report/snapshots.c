/*
 * Snapshots: the report of a finished period as it was first made, so a
 * table handed in stays what it was (storage/references.h keeps them).
 */
#include "report/indicators.h"

#include "util/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void row_to_snapshot(const ind_row *r, ref_snapshot_row *s)
{
    memset(s, 0, sizeof *s);
    snprintf(s->code, sizeof s->code, "%s", r->def->code);
    s->numerator = r->num, s->has_numerator = r->has_num;
    s->denominator = r->den, s->has_denominator = r->has_den;
    s->value = r->value, s->has_value = r->has_value;
    s->target = r->target, s->has_target = r->has_target;
    s->target_persons = r->target_persons, s->has_target_persons = r->has_target_persons;
    s->respondents = r->respondents;
    s->invited = r->invited;
    s->flags = r->flags;
}

static const ind_def *def_by_code(const ind_set *set, const char *code)
{
    for (int i = 0; i < set->n; i++)
        if (strcmp(set->defs[i].code, code) == 0) return &set->defs[i];
    return NULL;
}

mb_status ind_report_for(db *d, const ind_set *set, ind_scope scope, const ind_period *p, const char *zone,
                         const ind_rounding *rounding, ind_report *out, ind_report *fresh)
{
    int finished = p->end_ms < clock_now_ms() && !rounding;
    ref_snapshot_row *rows = NULL;
    mb_status rc = MB_OK;
    if (finished) {
        rows = calloc(IND_DEFS_MAX, sizeof *rows);
        if (!rows) return MB_ERR_NOMEM;
        int n = 0;
        int64_t taken = 0;
        rc = ref_snapshot_load(d, set->code, scope.kind, scope.id, p->label, rows, IND_DEFS_MAX, &n, &taken);
        if (rc == MB_OK) {
            memset(out, 0, sizeof *out);
            out->set = set;
            out->scope = scope;
            out->period = *p;
            out->snapshot_at = taken;
            ind_scope_name(d, scope, out->scope_name, sizeof out->scope_name);
            for (int i = 0; i < n && i < IND_DEFS_MAX; i++) {
                const ind_def *def = def_by_code(set, rows[i].code);
                if (!def) continue;   /* an indicator no longer defined */
                ind_row *r = &out->rows[out->n++];
                const ref_snapshot_row *s = &rows[i];
                *r = (ind_row){.def = def, .num = s->numerator, .den = s->denominator, .value = s->value,
                               .target = s->target, .target_persons = s->target_persons,
                               .has_num = s->has_numerator, .has_den = s->has_denominator, .has_value = s->has_value,
                               .has_target = s->has_target, .has_target_persons = s->has_target_persons,
                               .respondents = s->respondents, .invited = s->invited, .flags = s->flags};
            }
            free(rows);
            return fresh ? ind_compute(d, set, scope, p, zone, fresh) : MB_OK;
        }
        if (rc != MB_ERR_NOT_FOUND) {
            free(rows);
            return rc;
        }
    }
    rc = ind_compute(d, set, scope, p, zone, out);
    if (rounding && !rc) {
        out->rounding = *rounding;
        out->has_rounding = 1;
    }
    if (!rc && finished) {
        for (int i = 0; i < out->n; i++) row_to_snapshot(&out->rows[i], &rows[i]);
        rc = ref_snapshot_save(d, set->code, scope.kind, scope.id, p->label, rows, out->n);
        if (!rc) out->snapshot_at = clock_now_ms();
    }
    if (fresh) fresh->n = 0;
    free(rows);
    return rc;
}

/*
 * The indicators a digest shows against this year's targets: one set of
 * the indicator engine (report/indicators.h; [digest] indicators names
 * it, else the catalog's first), for the digest's scope and the school
 * year the week ends in, as `admin report indicators` reports it: a
 * finished year from its snapshot, values rounded by each row's rule, a
 * survey value with too few respondents left out.
 */
#include "handlers/digest_batch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

mb_status digest_indicators_load(db *d, const bot_env *env, digest *g)
{
    return digest_indicators_load_in(d, env, env->digest_batch, g);
}

mb_status digest_indicators_load_in(db *d, const bot_env *env, digest_batch *b, digest *g)
{
    g->nind = 0;
    const ind_set *set = digest_batch_indicator_set(env);
    if (!set) return MB_OK;
    const char *zone = g->zone[0] ? g->zone : env->timezone;
    ind_period p;
    ind_period_current(g->end - 1, zone, &p);
    ind_report *r = calloc(1, sizeof *r);
    if (!r) return MB_ERR_NOMEM;
    mb_status rc = digest_batch_indicators(d, b, set, g, &p, zone, r);
    if (rc == MB_ERR_NOT_FOUND) rc = MB_OK;   /* nothing to report on: the digest goes without */
    for (int i = 0; !rc && i < r->n && g->nind < DIGEST_INDICATORS_MAX; i++) {
        const ind_row *row = &r->rows[i];
        digest_indicator *x = &g->ind[g->nind++];
        memset(x, 0, sizeof *x);
        snprintf(x->code, sizeof x->code, "%s", row->def->code);
        snprintf(x->name, sizeof x->name, "%s", row->def->name);
        ind_rounding rule = ind_row_rounding(r, row);
        ind_rounding_format(&rule, x->rule, sizeof x->rule);
        x->digits = rule.digits;
        x->percent = row->def->unit == IND_UNIT_PERCENT;
        int hidden = (row->flags & IND_FLAG_FEW_RESPONDENTS) != 0;
        x->has_fact = row->has_value && !hidden;
        if (x->has_fact) x->fact = ind_round(row->value, rule);
        x->has_target = row->has_target;
        x->target = row->target;
        x->has_num = row->has_num && !hidden;
        x->num = row->num;
        x->has_den = row->has_den && row->def->den.kind != IND_OP_NONE;
        x->den = row->den;
    }
    free(r);
    return rc;
}

/*
 * The «Показатели» button of the curator's and the coordinator's menus:
 * the text report of a chosen set for the current school year, for the
 * curator's organisation or the coordinator's territory, and nothing
 * wider. The same engine and text as `admin report indicators`.
 */
#include "handlers/flows.h"
#include "report/indicators.h"
#include "report/report_format.h"
#include "storage/territories.h"
#include "util/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int active_as(const hctx *h, const char *role)
{
    return h->has_account && strcmp(h->acct.status, "active") == 0 && strcmp(h->acct.role, role) == 0;
}

void indicators_menu_item(hctx *h, keyboard *kb)
{
    if (!h->env->indicators || (!active_as(h, "curator") && !active_as(h, "coordinator"))) return;
    kb_row(kb);
    kb_button(kb, T(h, "indicators.menu"), "ix");
}


/* The scope a person reads: a curator their current organisation, a
 * coordinator their territory. 0 when they have none. */
static int reader_scope(hctx *h, ind_scope *out)
{
    if (active_as(h, "curator") && scope_can_change_org(h->d, h->acct.id, h->acct.org_id)) {
        *out = (ind_scope){REF_SCOPE_ORG, h->acct.org_id};
        return 1;
    }
    if (active_as(h, "coordinator")) {
        int64_t t = account_coordinated_territory(h->d, h->acct.id);
        *out = (ind_scope){REF_SCOPE_TERRITORY, t};
        return t > 0;
    }
    return 0;
}

static mb_status choose_set(hctx *h)
{
    const ind_catalog *c = h->env->indicators;
    keyboard kb = {0};
    for (int i = 0; i < c->n; i++) {
        char key[48], data[24];
        snprintf(key, sizeof key, "indicators.set_%s", c->sets[i].code);
        snprintf(data, sizeof data, "ix:%s", c->sets[i].code);
        kb_row(&kb);
        kb_button(&kb, T(h, key), data);
    }
    mb_status rc = reply_text(h, T(h, "indicators.choose_set"), &kb);
    kb_free(&kb);
    return rc;
}

static mb_status show_set(hctx *h, const ind_set *set, ind_scope scope)
{
    const char *zone = h->env->timezone;
    ind_period p;
    ind_period_current(clock_now_ms(), zone, &p);
    ind_report *r = calloc(1, sizeof *r);
    if (!r) return MB_ERR_NOMEM;
    mb_status rc = ind_report_for(h->d, set, scope, &p, zone, NULL, r, NULL);
    if (rc == MB_ERR_DB || rc == MB_ERR_BUSY) {
        free(r);
        return rc;   /* the update is taken again */
    }
    char *text = rc ? NULL : ind_format_text(r, NULL, h->env->texts, h->lang, zone);
    free(r);
    rc = reply_text(h, text ? text : T(h, "indicators.failed"), NULL);
    free(text);
    return rc;
}

mb_status indicators_on_button(hctx *h, const char *action, const payload_field *f, int n)
{
    (void)action;
    const char *arg = n ? f[0].word : "";   /* a set's code, or none for the list (routes.c) */
    ind_scope scope;
    if (!reader_scope(h, &scope)) return flow_refuse_button(h, "indicators pressed by someone without a scope");
    mb_status rc = reply_answer_button(h, NULL);
    if (rc) return rc;
    if (!h->env->indicators) return reply_text(h, T(h, "indicators.unavailable"), NULL);
    if (!arg[0]) return choose_set(h);
    const ind_set *set = ind_catalog_set(h->env->indicators, arg);
    if (!set) return reply_text(h, T(h, "indicators.unavailable"), NULL);
    return show_set(h, set, scope);
}

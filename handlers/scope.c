/*
 * Working across organisations: a curator of several organisations picks
 * the one the menu works on (and takes on another by opening its curator
 * invite); a coordinator reads an overview of every organisation in their
 * territory and changes nothing.
 */
#include "handlers/flows.h"
#include "handlers/payload.h"
#include "storage/invites.h"
#include "storage/overview.h"
#include "storage/territories.h"
#include "util/log.h"
#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCOPE_ORGS_MAX 40   /* organisations listed at once */

static int active_role(const hctx *h, const char *role)
{
    return h->has_account && strcmp(h->acct.status, "active") == 0 && strcmp(h->acct.role, role) == 0;
}

void scope_menu_items(hctx *h, keyboard *kb)
{
    if (active_role(h, "coordinator")) {
        kb_row(kb);
        kb_button(kb, T(h, "scope.overview"), "co:view");
        return;
    }
    int64_t ids[2];
    if (active_role(h, "curator") && scope_org_ids(h->d, h->acct.id, ids, 2) > 1) {
        kb_row(kb);
        kb_button(kb, T(h, "scope.switch"), "so:list");
    }
}

static mb_status list_orgs(hctx *h)
{
    int64_t ids[SCOPE_ORGS_MAX];
    int n = scope_org_ids(h->d, h->acct.id, ids, SCOPE_ORGS_MAX);
    if (n > SCOPE_ORGS_MAX) n = SCOPE_ORGS_MAX;
    keyboard kb = {0};
    for (int i = 0; i < n; i++) {
        org o;
        if (org_get(h->d, ids[i], &o)) continue;
        char data[32], label[300];
        snprintf(data, sizeof data, "so:%lld", (long long)ids[i]);
        snprintf(label, sizeof label, "%s%s", ids[i] == h->acct.org_id ? "✓ " : "", o.name);
        kb_row(&kb);
        kb_button(&kb, label, data);
    }
    mb_status rc = reply_text(h, T(h, "scope.pick"), &kb);
    kb_free(&kb);
    return rc;
}

static mb_status switch_org(hctx *h, long long id)
{
    if (!scope_can_change_org(h->d, h->acct.id, id))
        return flow_refuse_button(h, "organisation outside the curator's scope");
    org o;
    mb_status rc = org_get(h->d, id, &o);
    if (rc || (rc = reply_answer_button(h, NULL))) return rc;
    h->acct.org_id = id;
    if ((rc = account_save(h->d, &h->acct)) || (rc = ctx_set_state(h, ""))) return rc;
    char *text = TF(h, "scope.switched", "org", o.name, NULL);
    rc = text ? reply_text(h, text, NULL) : MB_ERR_NOMEM;
    free(text);
    return rc ? rc : flow_menu_next(h);
}

static mb_status overview(hctx *h)
{
    int64_t ids[SCOPE_ORGS_MAX];
    int n = scope_readable_org_ids(h->d, h->acct.id, ids, SCOPE_ORGS_MAX);
    if (n <= 0) return reply_text(h, T(h, "scope.overview_empty"), NULL);
    strbuf sb;
    sb_init(&sb, 0);
    sb_puts(&sb, T(h, "scope.overview_title"));
    for (int i = 0; i < n && i < SCOPE_ORGS_MAX; i++) {
        org o;
        org_counts c;
        if (org_get(h->d, ids[i], &o) || org_counts_load(h->d, ids[i], &c)) continue;
        char a[16], b[16], u[16], m[16];
        snprintf(a, sizeof a, "%d", c.mentors);
        snprintf(b, sizeof b, "%d", c.mentees);
        snprintf(u, sizeof u, "%d", c.unmatched);
        snprintf(m, sizeof m, "%d", c.mentorships);
        char *line = TF(h, "scope.overview_line", "org", o.name, "mentors", a, "mentees", b, "unmatched", u,
                        "pairs", m, NULL);
        if (line) sb_printf(&sb, "\n%s", line);
        free(line);
    }
    if (n > SCOPE_ORGS_MAX) {
        char more[16];
        snprintf(more, sizeof more, "%d", n - SCOPE_ORGS_MAX);
        char *line = TF(h, "scope.overview_more", "count", more, NULL);
        if (line) sb_printf(&sb, "\n%s", line);
        free(line);
    }
    mb_status rc = sb.failed ? MB_ERR_NOMEM : reply_text(h, sb_str(&sb), NULL);
    sb_free(&sb);
    return rc;
}

mb_status scope_on_button(hctx *h, const char *action, const payload_field *f, int n)
{
    (void)n;
    mb_status rc;
    if (strcmp(action, "co") == 0) {   /* co:view (routes.c) */
        if (!active_role(h, "coordinator"))
            return flow_refuse_button(h, "coordinator view pressed by someone else");
        if ((rc = reply_answer_button(h, NULL))) return rc;
        return overview(h);
    }
    if (!active_role(h, "curator")) return flow_refuse_button(h, "organisation switch pressed by a non-curator");
    if (strcmp(f[0].word, "list") == 0) {   /* so:list, or so:ORG (routes.c) */
        if ((rc = reply_answer_button(h, NULL))) return rc;
        return list_orgs(h);
    }
    return switch_org(h, f[0].number);
}

int scope_take_invite(hctx *h, const char *code, mb_status *rc)
{
    invite inv;
    if (!active_role(h, "curator") || invite_find(h->d, code, &inv) || strcmp(inv.kind, "role") != 0 ||
        strcmp(inv.role, "curator") != 0)
        return 0;
    if (scope_can_change_org(h->d, h->acct.id, inv.org_id)) {
        *rc = reply_text(h, T(h, "scope.already"), NULL);
        return 1;
    }
    if (!invite_usable(h->d, &inv, h->acct.id)) {
        *rc = reply_text(h, T(h, "invite.expired"), NULL);
        return 1;
    }
    char subject[32], detail[48];
    snprintf(subject, sizeof subject, "account:%lld", (long long)h->acct.id);
    snprintf(detail, sizeof detail, "curates org %lld too", (long long)inv.org_id);
    org o;
    if ((*rc = invite_redeem(h->d, &inv, h->acct.id)) || (*rc = scope_add_org(h->d, h->acct.id, inv.org_id)) ||
        (*rc = audit_log(h->d, subject, "scope.add", subject, detail)) || (*rc = org_get(h->d, inv.org_id, &o)))
        return 1;
    char *text = TF(h, "scope.added", "org", o.name, NULL);
    *rc = text ? reply_text(h, text, NULL) : MB_ERR_NOMEM;
    free(text);
    if (!*rc) *rc = flow_menu_next(h);
    return 1;
}

/*
 * The curator's invites: the latest role invites of the organisation with
 * how many people registered by each (and how many are registering now),
 * and revoking one, after a question.
 *
 * Button data:
 *   ci  cd:ID  cj:ID   list, ask to revoke, revoke
 * Everything is checked again when pressed: the data may be stale or forged.
 */
#include "handlers/curator.h"
#include "storage/invites.h"
#include "util/clock.h"
#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CURATOR_INVITES_SHOWN 10   /* invites listed at once, newest first */

static const char *role_text(hctx *h, const char *role)
{
    char key[40];
    snprintf(key, sizeof key, "role.%s", role[0] ? role : "none");
    return T(h, key);
}

/* One line of the list; 1 when the invite can still be used (so it gets a
 * revoke button). */
static int invite_line(hctx *h, const invite_view *v, strbuf *sb)
{
    const invite *inv = &v->inv;
    char id[24], uses[16], limit[16], date[64], n[16];
    snprintf(id, sizeof id, "%lld", (long long)inv->id);
    snprintf(uses, sizeof uses, "%d", inv->uses);
    snprintf(limit, sizeof limit, "%d", inv->uses_limit);
    snprintf(n, sizeof n, "%d", v->held);
    char *held = v->held ? TF(h, "invites.held", "n", n, NULL) : NULL;
    char *state;
    int open = 0;
    if (inv->revoked_at) state = TF(h, "invites.state_revoked", NULL);
    else if (inv->expires_at && clock_now_ms() >= inv->expires_at) state = TF(h, "invites.state_expired", NULL);
    else if (inv->uses >= inv->uses_limit) state = TF(h, "invites.state_full", NULL);
    else {
        open = 1;
        if (inv->expires_at) flow_format_date(h->lang, inv->expires_at, date, sizeof date);
        else snprintf(date, sizeof date, "—");
        state = TF(h, "invites.state_active", "date", date, NULL);
    }
    char *line = TF(h, "invites.line", "id", id, "role", role_text(h, inv->role), "uses", uses, "limit", limit, "held",
                    held ? held : "", "state", state ? state : "", NULL);
    if (line) sb_printf(sb, "%s%s", sb->len ? "\n" : "", line);
    free(line);
    free(state);
    free(held);
    return open;
}

static mb_status show_invites(hctx *h)
{
    invite_view list[CURATOR_INVITES_SHOWN];
    int n = invite_list_org(h->d, h->acct.org_id, list, CURATOR_INVITES_SHOWN);
    if (n < 0) return MB_ERR_DB;
    if (n == 0) return reply_text(h, T(h, "invites.empty"), NULL);
    strbuf sb;
    sb_init(&sb, 0);
    keyboard kb = {0};
    for (int i = 0; i < n; i++) {
        if (!invite_line(h, &list[i], &sb)) continue;
        char id[24], data[32];
        snprintf(id, sizeof id, "%lld", (long long)list[i].inv.id);
        snprintf(data, sizeof data, "cd:%lld", (long long)list[i].inv.id);
        char *label = TF(h, "invites.revoke_button", "id", id, NULL);
        kb_row(&kb);
        kb_button(&kb, label ? label : id, data);
        free(label);
    }
    char count[16];
    snprintf(count, sizeof count, "%d", n);
    char *text = sb.failed ? NULL : TF(h, "invites.title", "n", count, "list", sb_str(&sb), NULL);
    sb_free(&sb);
    return curator_send(h, text, &kb);
}

static mb_status revoke(hctx *h, const invite *inv, int confirmed)
{
    char id[24], data[32];
    snprintf(id, sizeof id, "%lld", (long long)inv->id);
    if (!confirmed) {
        keyboard kb = {0};
        snprintf(data, sizeof data, "cj:%lld", (long long)inv->id);
        kb_button(&kb, T(h, "invites.revoke_yes"), data);
        kb_button(&kb, T(h, "invites.revoke_no"), "ci");
        return curator_send(h, TF(h, "invites.revoke_ask", "id", id, "role", role_text(h, inv->role), NULL), &kb);
    }
    mb_status rc = invite_revoke(h->d, inv->id, inv->org_id);
    if (rc == MB_ERR_EXISTS) return reply_text(h, T(h, "invites.already_revoked"), NULL);
    if (rc) return rc;
    char actor[32], subject[32];
    curator_actor(h, actor, sizeof actor);
    snprintf(subject, sizeof subject, "invite:%lld", (long long)inv->id);
    if ((rc = audit_log(h->d, actor, "invite.revoke", subject, NULL))) return rc;
    return curator_send(h, TF(h, "invites.revoked", "id", id, NULL), NULL);
}

/* The invite id, when it is a role invite of the curator's organisation;
 * 0 otherwise. */
static int load_own(hctx *h, long long id, invite *inv)
{
    if (invite_get(h->d, id, inv) != MB_OK) return 0;
    return strcmp(inv->kind, "role") == 0 && curator_in_scope(h, inv->org_id);
}

mb_status curator_invites_button(hctx *h, const char *action, const payload_field *f, int n)
{
    /* ci; cd, cj: an invite (routes.c) */
    (void)n;
    mb_status rc;
    if (strcmp(action, "ci") == 0) {
        if ((rc = reply_answer_button(h, NULL))) return rc;
        return show_invites(h);
    }
    invite inv;
    if (!load_own(h, f[0].number, &inv)) return flow_refuse_button(h, "invite not in the curator's organisation");
    if ((rc = reply_answer_button(h, NULL))) return rc;
    if (inv.revoked_at) return reply_text(h, T(h, "invites.already_revoked"), NULL);
    return revoke(h, &inv, strcmp(action, "cj") == 0);
}

#include "handlers/reg_switch.h"
#include "handlers/flows.h"
#include "storage/territories.h"
#include "util/log.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The organisation (or, for a coordinator, the territory) and role of an invite. */
static void invite_place(hctx *h, int64_t org_id, int64_t territory_id, char *buf, size_t size)
{
    org o;
    territory t;
    if (org_id && org_get(h->d, org_id, &o) == MB_OK) snprintf(buf, size, "%s", o.name);
    else if (territory_id && territory_get(h->d, territory_id, &t) == MB_OK) snprintf(buf, size, "%s", t.name);
    else snprintf(buf, size, "?");
}

/* Stores the dialog data, keeping the registration step. */
static mb_status keep_step(hctx *h)
{
    char step[DIALOG_STATE_MAX];
    snprintf(step, sizeof step, "%s", h->state);
    return ctx_set_state(h, step);
}

static int64_t current_invite(const hctx *h)
{
    double v = cJSON_GetNumberValue(cJSON_GetObjectItem(h->data, "invite"));
    return isnan(v) ? 0 : (int64_t)v;
}

int reg_switch_offer(hctx *h, const invite *inv, const char *code, mb_status *rc)
{
    int64_t current = current_invite(h);
    if (!current || current == inv->id) return 0;
    int64_t territory_id = 0;
    double t = cJSON_GetNumberValue(cJSON_GetObjectItem(h->data, "territory"));
    if (!isnan(t)) territory_id = (int64_t)t;
    char now_place[300], new_place[300], role_key[40], new_role_key[40];
    invite_place(h, h->acct.org_id, territory_id, now_place, sizeof now_place);
    invite_place(h, inv->org_id, inv->territory_id, new_place, sizeof new_place);
    snprintf(role_key, sizeof role_key, "role.%s", h->acct.role);
    snprintf(new_role_key, sizeof new_role_key, "role.%s", inv->role);
    cJSON_DeleteItemFromObject(h->data, "switch");
    cJSON_AddStringToObject(h->data, "switch", code);
    if ((*rc = keep_step(h))) return 1;
    char *text = TF(h, "reg.switch_ask", "org", now_place, "role", T(h, role_key), "new_org", new_place, "new_role",
                    T(h, new_role_key), NULL);
    if (!text) {
        *rc = MB_ERR_NOMEM;
        return 1;
    }
    keyboard kb = {0};
    kb_button(&kb, T(h, "reg.switch_yes"), "rs:yes");
    kb_row(&kb);
    kb_button(&kb, T(h, "reg.switch_no"), "rs:no");
    *rc = reply_text(h, text, &kb);
    kb_free(&kb);
    free(text);
    return 1;
}

reg_switch_next reg_switch_answer(hctx *h, const char *arg, char *code, size_t size, mb_status *rc)
{
    const char *pending = cJSON_GetStringValue(cJSON_GetObjectItem(h->data, "switch"));
    if (!pending || (strcmp(arg, "yes") && strcmp(arg, "no"))) {
        *rc = flow_refuse_button(h, "no invite switch to decide");
        return REG_SWITCH_DONE;
    }
    snprintf(code, size, "%s", pending);
    cJSON_DeleteItemFromObject(h->data, "switch");
    if ((*rc = reply_answer_button(h, NULL))) return REG_SWITCH_DONE;
    if (strcmp(arg, "no") == 0) {
        if ((*rc = keep_step(h)) || (*rc = reply_text(h, T(h, "reg.switch_kept"), NULL))) return REG_SWITCH_DONE;
        return REG_SWITCH_RESUME;
    }
    int64_t old = current_invite(h);
    invite inv;
    if (invite_find(h->d, code, &inv) || !invite_usable(h->d, &inv, h->acct.id)) {
        if ((*rc = keep_step(h)) || (*rc = reply_text(h, T(h, "invite.expired"), NULL))) return REG_SWITCH_DONE;
        return REG_SWITCH_RESUME;
    }
    if (old && (*rc = invite_release(h->d, old, h->acct.id))) return REG_SWITCH_DONE;
    if ((*rc = account_restart_registration(h->d, h->acct.id)) || (*rc = account_load(h->d, h->acct.id, &h->acct)))
        return REG_SWITCH_DONE;
    char subject[32], detail[64];
    snprintf(subject, sizeof subject, "account:%lld", (long long)h->acct.id);
    snprintf(detail, sizeof detail, "invite %lld given back for invite %lld", (long long)old, (long long)inv.id);
    if ((*rc = audit_log(h->d, subject, "invite.switch", subject, detail))) return REG_SWITCH_DONE;
    cJSON_DeleteItemFromObject(h->data, "invite");
    cJSON_DeleteItemFromObject(h->data, "territory");
    return REG_SWITCH_RESTART;
}

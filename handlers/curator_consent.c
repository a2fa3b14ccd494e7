/*
 * The curator's list of parents' consents: the people whose consent waits
 * for the curator (their name, relation, messenger and phone), confirmed or
 * rejected here, and the pupils still waiting, each of whom can be given a
 * new parent link (the old one stops working).
 */
#include "handlers/consent.h"
#include "handlers/curator.h"
#include "util/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CONSENT_LIST_MAX 8    /* waiting people, and pupils, shown at once */
#define CONSENT_LINE_BYTES 1024

void curator_consent_menu_item(hctx *h, keyboard *kb)
{
    char count[16];
    snprintf(count, sizeof count, "%d", consent_request_count_waiting(h->d, h->acct.org_id));
    char *label = TF(h, "consent.menu", "n", count, NULL);
    kb_row(kb);
    kb_button(kb, label ? label : "consent.menu", "kp");
    free(label);
}

static void append(char *buf, size_t size, const char *text)
{
    size_t used = strlen(buf);
    if (text && used < size) snprintf(buf + used, size - used, "%s", text);
}

static mb_status show_list(hctx *h)
{
    int64_t waiting[CONSENT_LIST_MAX], pupils[CONSENT_LIST_MAX];
    int nw = consent_request_list_waiting(h->d, h->acct.org_id, waiting, CONSENT_LIST_MAX);
    int np = account_list_by_status(h->d, h->acct.org_id, "pending_consent", pupils, CONSENT_LIST_MAX);
    if (nw == 0 && np == 0) return reply_text(h, T(h, "consent.list_empty"), NULL);
    size_t size = (size_t)(nw + np + 4) * CONSENT_LINE_BYTES;
    char *text = calloc(1, size);
    if (!text) return MB_ERR_NOMEM;
    keyboard kb = {0};
    append(text, size, T(h, "consent.list_title"));
    if (nw) {
        append(text, size, "\n\n");
        append(text, size, T(h, "consent.list_waiting_head"));
    }
    for (int i = 0; i < nw; i++) {
        consent_request r;
        account minor;
        if (consent_request_load(h->d, waiting[i], &r) || account_load(h->d, r.minor_id, &minor)) continue;
        char relation[64], messenger[96], phone[128], who[96], date[24], num[16], data[32];
        consent_describe(h->env, h->lang, &r, relation, sizeof relation, messenger, sizeof messenger, phone,
                         sizeof phone);
        curator_who(h->env->texts, h->lang, &minor, who, sizeof who);
        flow_format_date(h->lang, r.decided_at, date, sizeof date);
        snprintf(num, sizeof num, "%d", i + 1);
        char *line = TF(h, "consent.list_line", "i", num, "pupil", minor.name, "who", who, "parent", r.name,
                        "relation", relation, "messenger", messenger, "phone", phone, "date", date, NULL);
        append(text, size, "\n");
        append(text, size, line);
        free(line);
        kb_row(&kb);
        char *yes = TF(h, "consent.btn_confirm", "i", num, NULL), *no = TF(h, "consent.btn_reject", "i", num, NULL);
        snprintf(data, sizeof data, "ky:%lld", (long long)r.id);
        kb_button(&kb, yes ? yes : "+", data);
        snprintf(data, sizeof data, "kn:%lld", (long long)r.id);
        kb_button(&kb, no ? no : "-", data);
        free(yes);
        free(no);
    }
    if (np) {
        append(text, size, "\n\n");
        append(text, size, T(h, "consent.list_pupils_head"));
    }
    for (int i = 0; i < np; i++) {
        account minor;
        if (account_load(h->d, pupils[i], &minor)) continue;
        char who[96], short_name[CURATOR_LABEL_NAME_MAX * 4 + 8], data[32];
        curator_who(h->env->texts, h->lang, &minor, who, sizeof who);
        char *line = TF(h, "consent.list_pupil_line", "pupil", minor.name, "who", who, NULL);
        append(text, size, "\n");
        append(text, size, line);
        free(line);
        curator_label(minor.name, CURATOR_LABEL_NAME_MAX, short_name, sizeof short_name);
        char *label = TF(h, "consent.btn_new_link", "pupil", short_name, NULL);
        snprintf(data, sizeof data, "kl:%lld", (long long)minor.id);
        kb_row(&kb);
        kb_button(&kb, label ? label : "link", data);
        free(label);
    }
    return curator_send(h, text, &kb);
}

/* A waiting request of a pupil of the curator's, with the pupil; 0 after
 * answering when it is not one (any more). */
static int load_waiting(hctx *h, long long id, consent_request *r, account *minor, mb_status *rc)
{
    if (consent_request_load(h->d, id, r) ||
        account_load(h->d, r->minor_id, minor) || !curator_in_scope(h, minor->org_id)) {
        *rc = flow_refuse_button(h, "not a consent request of this curator's organisation");
        return 0;
    }
    if ((*rc = reply_answer_button(h, NULL))) return 0;
    if (strcmp(r->state, "waiting") != 0 || strcmp(minor->status, "pending_consent") != 0) {
        *rc = reply_text(h, T(h, "consent.gone"), NULL);
        return 0;
    }
    return 1;
}

/* Tells the person who gave consent what the curator decided, in the
 * language they used. */
static mb_status tell_guardian(hctx *h, const consent_request *r, const account *minor, const char *key)
{
    const char *lang = i18n_pick_language(h->env->texts, r->language);
    char *text = i18n_format(h->env->texts, lang, key, "name", minor->name, NULL);
    if (!text) return MB_ERR_NOMEM;
    mb_status rc = reply_to_chat(h->d, r->platform, r->chat_id, 0, text, NULL);
    free(text);
    return rc;
}

static mb_status decide(hctx *h, long long id, int confirm)
{
    consent_request r;
    account minor;
    mb_status rc = MB_OK;
    if (!load_waiting(h, id, &r, &minor, &rc)) return rc;
    /* The account may have been joined to the pupil (/link) after it gave
     * consent: then it is the pupil's own and cannot be confirmed. */
    int excluded = confirm && consent_sender_excluded(h->d, minor.id, r.platform, r.user_id);
    if (excluded) confirm = 0;
    char actor[32], subject[32], detail[96];
    curator_actor(h, actor, sizeof actor);
    snprintf(subject, sizeof subject, "account:%lld", (long long)minor.id);
    /* The request names the person; the audit keeps only its number, so
     * that erasing the pupil leaves no trace of the parent here. */
    snprintf(detail, sizeof detail, "request %lld%s", (long long)r.id, excluded ? ", the pupil's own account" : "");
    snprintf(r.state, sizeof r.state, "%s", confirm ? "confirmed" : "rejected");
    snprintf(r.decided_by, sizeof r.decided_by, "%s", actor);
    if ((rc = consent_request_save(h->d, &r)) ||
        (rc = audit_log(h->d, actor, confirm ? "guardian.consent_confirmed" : "guardian.consent_rejected", subject,
                        detail)))
        return rc;
    if (confirm && (rc = consent_count(h->d, h->env, &minor))) return rc;
    if ((rc = tell_guardian(h, &r, &minor, confirm ? "guardian.curator_confirmed" : "guardian.curator_rejected")))
        return rc;
    char relation[64], messenger[96], phone[128];
    consent_describe(h->env, h->lang, &r, relation, sizeof relation, messenger, sizeof messenger, phone, sizeof phone);
    if (excluded && (rc = reply_text(h, T(h, "consent.excluded"), NULL))) return rc;
    return curator_send(h, TF(h, confirm ? "consent.confirmed" : "consent.rejected", "pupil", minor.name, "parent",
                              r.name, "relation", relation, NULL),
                        NULL);
}

static mb_status new_link(hctx *h, long long id)
{
    account minor;
    if (account_load(h->d, id, &minor) || !curator_in_scope(h, minor.org_id) ||
        strcmp(minor.category, "pupil") != 0)
        return flow_refuse_button(h, "not a pupil of this curator's organisation");
    mb_status rc = reply_answer_button(h, NULL);
    if (rc) return rc;
    if (strcmp(minor.status, "pending_consent") != 0) return reply_text(h, T(h, "consent.gone"), NULL);
    char actor[32], subject[32], code[CONSENT_CODE_BYTES], link[256], minor_link[256];
    curator_actor(h, actor, sizeof actor);
    snprintf(subject, sizeof subject, "account:%lld", (long long)minor.id);
    identity ident;
    const char *minor_platform = identity_for_account(h->d, minor.id, NULL, &ident) == MB_OK ? ident.platform
                                                                                             : h->ev->platform;
    /* a new link replaces the old ones with what was said through them:
     * a yes waiting for the curator can no longer be confirmed */
    if ((rc = consent_revoke_links(h->d, minor.id)) || (rc = consent_request_close_for_minor(h->d, minor.id)) ||
        (rc = consent_new_link(h->d, &minor, actor, code, sizeof code)) ||
        (rc = audit_log(h->d, actor, "guardian.new_link", subject, "earlier parent links revoked")))
        return rc;
    /* The same code, in each reader's messenger's form of the link. */
    flow_invite_link(h->env, h->ev->platform, code, link, sizeof link);
    flow_invite_link(h->env, minor_platform, code, minor_link, sizeof minor_link);
    const char *lang = i18n_pick_language(h->env->texts, minor.language);
    char *to_minor = i18n_format(h->env->texts, lang, "consent.new_link_minor", "link", minor_link, NULL);
    if (!to_minor) return MB_ERR_NOMEM;
    rc = reply_to_account(h->d, minor.id, to_minor, NULL);
    free(to_minor);
    if (rc && rc != MB_ERR_NOT_FOUND) return rc;
    return curator_send(h, TF(h, "consent.new_link", "pupil", minor.name, "link", link, NULL), NULL);
}

mb_status curator_consent_button(hctx *h, const char *action, const payload_field *f, int n)
{
    /* kp; ky, kn: a request; kl: a pupil (routes.c) */
    (void)n;
    mb_status rc;
    if (strcmp(action, "kp") == 0) {
        if ((rc = reply_answer_button(h, NULL))) return rc;
        return show_list(h);
    }
    if (strcmp(action, "ky") == 0) return decide(h, f[0].number, 1);
    if (strcmp(action, "kn") == 0) return decide(h, f[0].number, 0);
    return new_link(h, f[0].number);
}

/*
 * The parent's side after consent: the messenger account that gave a
 * pupil's consent through the parent link sees with /privacy whose consent
 * it gave and when, and may withdraw it. Withdrawal pauses the pupil (back
 * to waiting for consent: no survey, no new pair); an existing pair is kept
 * for the curator to decide, and the curator and the pupil are told.
 */
#include "handlers/consent.h"
#include "handlers/payload.h"
#include "storage/mentorships.h"
#include "util/clock.h"
#include "util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int consent_is_parent(hctx *h)
{
    consent_request r;
    return consent_request_given_by(h->d, h->ev->platform, h->ev->user_id, &r) == MB_OK;
}

mb_status consent_parent_privacy(hctx *h)
{
    consent_request r;
    account minor;
    mb_status rc = consent_request_given_by(h->d, h->ev->platform, h->ev->user_id, &r);
    if (rc) return rc;
    if ((rc = account_load(h->d, r.minor_id, &minor))) return rc;
    char when[32], relation[64], messenger[96], phone[128], data[32];
    flow_format_date(h->lang, r.decided_at, when, sizeof when);
    consent_describe(h->env, h->lang, &r, relation, sizeof relation, messenger, sizeof messenger, phone, sizeof phone);
    char *text = TF(h, "guardian.privacy", "pupil", minor.name, "date", when, "parent", r.name, "relation", relation,
                    "messenger", messenger, "phone", phone, NULL);
    if (!text) return MB_ERR_NOMEM;
    keyboard kb = {0};
    snprintf(data, sizeof data, "gw:%lld", (long long)r.id);
    kb_button(&kb, T(h, "guardian.withdraw"), data);
    rc = reply_text(h, text, &kb);
    kb_free(&kb);
    free(text);
    return rc;
}

/* Takes the consent back: the request is marked withdrawn, the pupil waits
 * for consent again, and everyone concerned is told. */
static mb_status withdraw(hctx *h, consent_request *r, account *minor)
{
    snprintf(r->state, sizeof r->state, "withdrawn");
    r->decided_at = clock_now_ms();
    minor->guardian_consent[0] = 0;
    minor->guardian_consent_at = 0;
    snprintf(minor->status, sizeof minor->status, "pending_consent");
    char actor[48], subject[32], detail[48];
    snprintf(actor, sizeof actor, "%s:%lld", r->platform, (long long)r->user_id);
    snprintf(subject, sizeof subject, "account:%lld", (long long)minor->id);
    snprintf(detail, sizeof detail, "request %lld", (long long)r->id);
    mentorship pair;
    mb_status found = mentorship_of_mentee(h->d, minor->id, &pair);
    if (found && found != MB_ERR_NOT_FOUND) return found;
    mb_status rc;
    /* The links that reached the parent stop working: consent is given
     * again only through a new link from the curator. */
    if ((rc = consent_request_save(h->d, r)) || (rc = account_save(h->d, minor)) ||
        (rc = consent_revoke_links(h->d, minor->id)) ||
        (rc = audit_log(h->d, actor, "guardian.withdraw", subject, detail)) ||
        (rc = consent_tell_curators(h->d, h->env, minor, r,
                                    found == MB_OK ? "consent.notify_withdrawn_pair" : "consent.notify_withdrawn")))
        return rc;
    log_info("consent", "request %lld withdrawn; pupil %lld waits for consent again", (long long)r->id,
             (long long)minor->id);
    const char *lang = i18n_pick_language(h->env->texts, minor->language);
    rc = reply_to_account(h->d, minor->id, i18n_text(h->env->texts, lang, "guardian.withdrawn_minor"), NULL);
    if (rc && rc != MB_ERR_NOT_FOUND) return rc;
    char *text = TF(h, "guardian.withdrawn", "pupil", minor->name, NULL);
    if (!text) return MB_ERR_NOMEM;
    rc = reply_text(h, text, NULL);
    free(text);
    return rc;
}

mb_status consent_withdraw_button(hctx *h, const char *action, const payload_field *f, int n)
{
    (void)n;
    long long id = f[0].number;   /* the request (routes.c) */
    consent_request r;
    account minor;
    /* Only the account that gave the consent, and only while it counts. */
    if (consent_request_load(h->d, id, &r) ||
        strcmp(r.platform, h->ev->platform) != 0 || r.user_id != h->ev->user_id ||
        strcmp(r.state, "confirmed") != 0 || account_load(h->d, r.minor_id, &minor) ||
        strcmp(minor.guardian_consent, "parent") != 0)
        return flow_refuse_button(h, "not a consent this person gave and that still counts");
    mb_status rc = reply_answer_button(h, NULL);
    if (rc) return rc;
    if (strcmp(action, "gwn") == 0) return reply_text(h, T(h, "guardian.withdraw_kept"), NULL);
    if (strcmp(action, "gwy") == 0) return withdraw(h, &r, &minor);
    char yes[32], no[32];
    snprintf(yes, sizeof yes, "gwy:%lld", id);
    snprintf(no, sizeof no, "gwn:%lld", id);
    keyboard kb = {0};
    kb_button(&kb, T(h, "guardian.withdraw_yes"), yes);
    kb_button(&kb, T(h, "guardian.withdraw_no"), no);
    char *text = TF(h, "guardian.withdraw_ask", "pupil", minor.name, NULL);
    rc = text ? reply_text(h, text, &kb) : MB_ERR_NOMEM;
    kb_free(&kb);
    free(text);
    return rc;
}

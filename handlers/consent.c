/*
 * The person who opens a pupil's parent link: who they are, their phone
 * where the messenger can vouch for it, and their decision (see consent.h).
 */
#include "handlers/attempts.h"
#include "handlers/consent.h"
#include "handlers/payload.h"
#include "storage/invites.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/platform.h"
#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GUARDIAN_NAME_MIN_CHARS 2
#define CURATORS_TOLD_MAX 20

static const char *const relations[] = {"mother", "father", "guardian", "other", NULL};

/* Only some messengers have a button that shares the user's own, verified number. */
static int platform_shares_phone(const char *platform)
{
    const platform_info *p = platform_find(platform);
    return p && p->shares_phone;
}

static void actor_of(const consent_request *r, char *buf, size_t size)
{
    snprintf(buf, size, "guardian:%s:%lld", r->platform, (long long)r->user_id);
}

void consent_describe(const bot_env *env, const char *lang, const consent_request *r, char *relation,
                      size_t relation_size, char *messenger, size_t messenger_size, char *phone, size_t phone_size)
{
    char key[48];
    snprintf(key, sizeof key, "consent.rel.%s", r->relation[0] ? r->relation : "other");
    snprintf(relation, relation_size, "%s", i18n_text(env->texts, lang, key));
    /* The messenger by name only: its account number tells a curator
     * nothing, and would outlive the pupil's erasure in their messages. */
    snprintf(messenger, messenger_size, "%s", platform_display_name(r->platform));
    const char *phone_key = !r->phone[0] ? "consent.phone_none" : r->phone_listed ? "consent.phone_listed"
                                                                                  : "consent.phone_unlisted";
    char *p = i18n_format(env->texts, lang, phone_key, "phone", r->phone, NULL);
    snprintf(phone, phone_size, "%s", p ? p : r->phone);
    free(p);
}

mb_status consent_tell_curators(db *d, const bot_env *env, const account *minor, const consent_request *r,
                                const char *key)
{
    int64_t ids[CURATORS_TOLD_MAX];
    int n = consent_curators_of(d, minor->org_id, ids, CURATORS_TOLD_MAX);
    if (n == 0) log_warn("consent", "pupil %lld: no active curator to tell (%s)", (long long)minor->id, key);
    for (int i = 0; i < n; i++) {
        account c;
        if (account_load(d, ids[i], &c)) continue;
        const char *lang = i18n_pick_language(env->texts, c.language);
        char relation[64], messenger[96], phone[128];
        consent_describe(env, lang, r, relation, sizeof relation, messenger, sizeof messenger, phone, sizeof phone);
        char *text = i18n_format(env->texts, lang, key, "pupil", minor->name, "parent", r->name, "relation", relation,
                                 "messenger", messenger, "phone", phone, NULL);
        if (!text) return MB_ERR_NOMEM;
        mb_status rc = reply_to_account(d, c.id, text, NULL);
        free(text);
        if (rc && rc != MB_ERR_NOT_FOUND) return rc;
    }
    return MB_OK;
}

/* Tells the pupil, in the pupil's language, about what happened. */
static mb_status tell_minor(db *d, const bot_env *env, const account *minor, const consent_request *r,
                            const char *key)
{
    const char *lang = i18n_pick_language(env->texts, minor->language);
    char relation[64] = "", messenger[96], phone[128];
    if (r) consent_describe(env, lang, r, relation, sizeof relation, messenger, sizeof messenger, phone, sizeof phone);
    char *text = i18n_format(env->texts, lang, key, "parent", r ? r->name : "", "relation", relation, NULL);
    if (!text) return MB_ERR_NOMEM;
    mb_status rc = reply_to_account(d, minor->id, text, NULL);
    free(text);
    return rc == MB_ERR_NOT_FOUND ? MB_OK : rc;
}

mb_status consent_count(db *d, const bot_env *env, account *minor)
{
    snprintf(minor->guardian_consent, sizeof minor->guardian_consent, "parent");
    minor->guardian_consent_at = clock_now_ms();
    snprintf(minor->status, sizeof minor->status, "active");
    mb_status rc;
    /* a link that has served stops working: after a withdrawal, consent
     * again needs a new link from the curator */
    if ((rc = account_save(d, minor)) || (rc = consent_request_close_for_minor(d, minor->id)) ||
        (rc = consent_revoke_links(d, minor->id)))
        return rc;
    return tell_minor(d, env, minor, NULL, "guardian.confirmed_minor");
}

mb_status consent_new_link(db *d, const account *minor, const char *created_by, char *code, size_t size)
{
    char bare[INVITE_CODE_LEN + 1];
    mb_status rc = invite_create(d, "guardian", minor->org_id, NULL, 1, clock_now_ms() + CONSENT_LINK_VALID_MS,
                                 minor->id, created_by, bare, NULL);
    if (!rc) snprintf(code, size, INVITE_GUARDIAN_PREFIX "%s", bare);
    return rc;
}

static mb_status ask_relation(hctx *h, const consent_request *r, const account *minor)
{
    keyboard kb = {0};
    for (int i = 0; relations[i]; i++) {
        char key[48], data[48];
        snprintf(key, sizeof key, "consent.rel_button.%s", relations[i]);
        snprintf(data, sizeof data, "gr:%lld:%s", (long long)r->id, relations[i]);
        if (i % 2 == 0) kb_row(&kb);
        kb_button(&kb, T(h, key), data);
    }
    char *text = TF(h, "guardian.ask_relation", "name", minor->name, NULL);
    mb_status rc = text ? reply_text(h, text, &kb) : MB_ERR_NOMEM;
    free(text);
    kb_free(&kb);
    return rc;
}

static mb_status ask_phone(hctx *h)
{
    return reply_ask_contact(h, T(h, "guardian.ask_phone"), T(h, "guardian.phone_share"), T(h, "guardian.phone_skip"));
}

static mb_status ask_decision(hctx *h, const consent_request *r, const account *minor)
{
    keyboard kb = {0};
    char yes[32], no[32];
    snprintf(yes, sizeof yes, "gc:%lld", (long long)r->id);
    snprintf(no, sizeof no, "gd:%lld", (long long)r->id);
    kb_button(&kb, T(h, "guardian.yes"), yes);
    kb_row(&kb);
    kb_button(&kb, T(h, "guardian.no"), no);
    char *text = TF(h, "guardian.ask_decision", "name", minor->name, NULL);
    mb_status rc = text ? reply_text(h, text, &kb) : MB_ERR_NOMEM;
    free(text);
    kb_free(&kb);
    return rc;
}

/* Refuses an account that is or was the pupil's own or a pupil's; records
 * the attempt. 1 when refused (with *rc). */
static int refuse_excluded(hctx *h, const account *minor, mb_status *rc)
{
    int why = consent_sender_excluded(h->d, minor->id, h->ev->platform, h->ev->user_id);
    if (h->has_account && h->acct.id == minor->id) why = 1;
    if (!why) return 0;
    char actor[48], subject[32];
    snprintf(actor, sizeof actor, "guardian:%s:%lld", h->ev->platform, (long long)h->ev->user_id);
    snprintf(subject, sizeof subject, "account:%lld", (long long)minor->id);
    log_warn("consent", "%s user %lld may not consent for pupil %lld: %s", h->ev->platform,
             (long long)h->ev->user_id, (long long)minor->id,
             why == 1 ? "one of the pupil's own accounts" : "an account registered as a pupil");
    *rc = audit_log(h->d, actor, "guardian.refused_sender", subject,
                    why == 1 ? "the pupil's own account" : "an account registered as a pupil");
    if (!*rc) *rc = reply_text(h, T(h, why == 1 ? "guardian.self" : "guardian.pupil_account"), NULL);
    return 1;
}

mb_status consent_open(hctx *h, const char *code)
{
    invite inv;
    account minor;
    mb_status rc = MB_OK;
    if (invite_find(h->d, code, &inv) || strcmp(inv.kind, "guardian") != 0 ||
        account_load(h->d, inv.for_account, &minor))
        return attempts_wrong_code(h, "invite.not_found");
    if (refuse_excluded(h, &minor, &rc)) return rc;
    if (strcmp(minor.status, "pending_consent") != 0) return reply_text(h, T(h, "guardian.already"), NULL);
    if (!consent_link_open(h->d, inv.id)) return reply_text(h, T(h, "guardian.link_closed"), NULL);
    if (consent_request_sender_waiting(h->d, minor.id, h->ev->platform, h->ev->user_id))
        return reply_text(h, T(h, "guardian.waiting_already"), NULL);
    if ((rc = consent_request_start(h->d, minor.id, inv.id, h->ev->platform, h->ev->user_id, h->ev->chat_id,
                                    h->lang, NULL)))
        return rc;
    org o;
    if (org_get(h->d, minor.org_id, &o)) snprintf(o.name, sizeof o.name, "?");
    char *text = TF(h, "guardian.ask", "name", minor.name, "org", o.name, NULL);
    if (!text) return MB_ERR_NOMEM;
    rc = reply_text(h, text, NULL);
    free(text);
    return rc;
}

int consent_takes_message(hctx *h)
{
    const char *t = h->ev->text;
    if (t && t[0] == '/' && strncmp(t, "/cancel", 7) != 0) return 0;
    if (!t && !h->ev->contact_phone) return 0;
    consent_request r;
    return consent_request_open_of(h->d, h->ev->platform, h->ev->user_id, &r) == MB_OK;
}

/* The pupil of an open request, when they still wait for consent; closes
 * the request and says so otherwise. 1 when the dialog can go on. */
static int minor_still_waits(hctx *h, consent_request *r, account *minor, mb_status *rc)
{
    if (account_load(h->d, r->minor_id, minor) == MB_OK && strcmp(minor->status, "pending_consent") == 0) return 1;
    snprintf(r->state, sizeof r->state, "closed");
    if (!(*rc = consent_request_save(h->d, r))) *rc = reply_text(h, T(h, "guardian.already"), NULL);
    return 0;
}

static mb_status on_name(hctx *h, consent_request *r, const account *minor, const char *text)
{
    char *name = text_clean_line(text, ACCOUNT_NAME_MAX + 1);
    if (!name) return MB_ERR_NOMEM;
    int has_letter = 0;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (*p >= 0x80 || ((*p | 32) >= 'a' && (*p | 32) <= 'z')) has_letter = 1;
    size_t chars = text_codepoints(name);
    mb_status rc;
    if (chars < GUARDIAN_NAME_MIN_CHARS || chars > ACCOUNT_NAME_MAX || !has_letter) {
        rc = reply_text(h, T(h, "guardian.name_invalid"), NULL);
    } else {
        snprintf(r->name, sizeof r->name, "%s", name);
        snprintf(r->step, sizeof r->step, "relation");
        rc = consent_request_save(h->d, r);
        if (!rc) rc = ask_relation(h, r, minor);
    }
    free(name);
    return rc;
}

static mb_status on_phone(hctx *h, consent_request *r, const account *minor)
{
    mb_status rc;
    if (h->ev->contact_phone) {
        /* Only the number of the account writing counts: a contact card of
         * someone else proves nothing about the sender. */
        const char *why;
        if (h->ev->contact_user_id != h->ev->user_id) {
            rc = reply_text(h, T(h, "guardian.phone_not_own"), NULL);
            return rc ? rc : ask_phone(h);
        }
        if (!guardian_phone_normalise(h->ev->contact_phone, r->phone, sizeof r->phone, &why)) {
            log_warn("consent", "request %lld: unreadable shared phone: %s", (long long)r->id, why);
            rc = reply_text(h, T(h, "guardian.phone_bad"), NULL);
            return rc ? rc : ask_phone(h);
        }
        r->phone_listed = guardian_phone_listed(h->d, minor->org_id, r->phone);
        snprintf(r->step, sizeof r->step, "decide");
        if ((rc = consent_request_save(h->d, r)) || (rc = reply_text_clear_keyboard(h, T(h, "guardian.phone_got"))))
            return rc;
        return ask_decision(h, r, minor);
    }
    char *typed = text_clean_line(h->ev->text, ACCOUNT_NAME_MAX);
    if (!typed) return MB_ERR_NOMEM;
    int skip = strcmp(typed, T(h, "guardian.phone_skip")) == 0;
    free(typed);
    if (!skip) {
        rc = reply_text(h, T(h, "guardian.phone_use_button"), NULL);
        return rc ? rc : ask_phone(h);
    }
    snprintf(r->step, sizeof r->step, "decide");
    if ((rc = consent_request_save(h->d, r)) || (rc = reply_text_clear_keyboard(h, T(h, "guardian.phone_skipped"))))
        return rc;
    return ask_decision(h, r, minor);
}

mb_status consent_on_message(hctx *h)
{
    consent_request r;
    account minor;
    mb_status rc = consent_request_open_of(h->d, h->ev->platform, h->ev->user_id, &r);
    if (rc) return rc;
    if (!minor_still_waits(h, &r, &minor, &rc)) return rc;
    const char *text = h->ev->text;
    if (text && strncmp(text, "/cancel", 7) == 0) {
        snprintf(r.state, sizeof r.state, "closed");
        if ((rc = consent_request_save(h->d, &r))) return rc;
        if (strcmp(r.step, "phone") == 0) return reply_text_clear_keyboard(h, T(h, "guardian.cancelled"));
        return reply_text(h, T(h, "guardian.cancelled"), NULL);
    }
    if (strcmp(r.step, "phone") == 0) return on_phone(h, &r, &minor);
    if (strcmp(r.step, "name") == 0 && text) return on_name(h, &r, &minor, text);
    if (strcmp(r.step, "name") == 0) return reply_text(h, T(h, "guardian.name_invalid"), NULL);
    if ((rc = reply_text(h, T(h, "guardian.use_buttons"), NULL))) return rc;
    return strcmp(r.step, "relation") == 0 ? ask_relation(h, &r, &minor) : ask_decision(h, &r, &minor);
}

static int known_relation(const char *rel)
{
    for (int i = 0; relations[i]; i++)
        if (strcmp(relations[i], rel) == 0) return 1;
    return 0;
}

static mb_status decide(hctx *h, consent_request *r, account *minor, int yes)
{
    mb_status rc = MB_OK;
    if (refuse_excluded(h, minor, &rc)) {
        snprintf(r->state, sizeof r->state, "closed");
        return rc ? rc : consent_request_save(h->d, r);
    }
    if (!consent_link_open(h->d, r->invite_id)) return reply_text(h, T(h, "guardian.link_closed"), NULL);
    char actor[48], subject[32], detail[160];
    actor_of(r, actor, sizeof actor);
    snprintf(subject, sizeof subject, "account:%lld", (long long)minor->id);
    snprintf(detail, sizeof detail, "request %lld, relation %s, %s", (long long)r->id, r->relation,
             !r->phone[0] ? "no phone shared" : r->phone_listed ? "phone on the school list" : "phone not on the list");
    r->decided_at = clock_now_ms();
    if (!yes) {
        snprintf(r->state, sizeof r->state, "refused");
        if ((rc = consent_request_save(h->d, r)) || (rc = audit_log(h->d, actor, "guardian.decline", subject, detail)) ||
            (rc = consent_tell_curators(h->d, h->env, minor, r, "consent.notify_refused")) ||
            (rc = tell_minor(h->d, h->env, minor, r, "guardian.declined_minor")))
            return rc;
        return reply_text(h, T(h, "guardian.declined"), NULL);
    }
    if (r->phone_listed) {
        snprintf(r->state, sizeof r->state, "confirmed");
        snprintf(r->decided_by, sizeof r->decided_by, "phone-list");
        if ((rc = consent_request_save(h->d, r)) || (rc = audit_log(h->d, actor, "guardian.consent", subject, detail)) ||
            (rc = consent_count(h->d, h->env, minor)) ||
            (rc = consent_tell_curators(h->d, h->env, minor, r, "consent.notify_given")))
            return rc;
        return reply_text(h, T(h, "guardian.thanks"), NULL);
    }
    snprintf(r->state, sizeof r->state, "waiting");
    if ((rc = consent_request_save(h->d, r)) ||
        (rc = audit_log(h->d, actor, "guardian.consent_pending", subject, detail)) ||
        (rc = consent_tell_curators(h->d, h->env, minor, r, "consent.notify_waiting")) ||
        (rc = tell_minor(h->d, h->env, minor, r, "guardian.waiting_minor")))
        return rc;
    return reply_text(h, T(h, "guardian.wait_curator"), NULL);
}

mb_status consent_on_button(hctx *h, const char *action, const payload_field *f, int n)
{
    /* REQUEST, or REQUEST:RELATION at the relation step (routes.c) */
    (void)n;
    long long id = f[0].number;
    consent_request r;
    account minor;
    mb_status rc = MB_OK;
    if (consent_request_load(h->d, id, &r) ||
        strcmp(r.platform, h->ev->platform) != 0 || r.user_id != h->ev->user_id || strcmp(r.state, "open") != 0)
        return flow_refuse_button(h, "not an open consent dialog of this person");
    int relation_step = strcmp(action, "gr") == 0;
    if (relation_step ? (strcmp(r.step, "relation") != 0 || !known_relation(f[1].word))
                      : strcmp(r.step, "decide") != 0)
        return flow_refuse_button(h, "consent button out of step");
    if ((rc = reply_answer_button(h, NULL))) return rc;
    if (!minor_still_waits(h, &r, &minor, &rc)) return rc;
    if (!relation_step) return decide(h, &r, &minor, strcmp(action, "gc") == 0);
    snprintf(r.relation, sizeof r.relation, "%.*s", (int)sizeof r.relation - 1, f[1].word);
    snprintf(r.step, sizeof r.step, "%s", platform_shares_phone(h->ev->platform) ? "phone" : "decide");
    if ((rc = consent_request_save(h->d, &r))) return rc;
    return strcmp(r.step, "phone") == 0 ? ask_phone(h) : ask_decision(h, &r, &minor);
}

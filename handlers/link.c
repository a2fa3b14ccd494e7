/*
 * One person, two messengers: /link on one messenger gives a one-time code;
 * sending it from the other messenger (as /link CODE, or by opening the
 * bot's link) asks the person, on the messenger they already use, whether
 * to add that account. Only after "Yes", within the code's hour, does the
 * new messenger account share the person's data, role and mentorships.
 * Whoever sends a code learns nothing about the person before that.
 * Every link and unlink is told on every messenger of the person, and
 * /privacy lists the messenger accounts with a button to unlink each.
 *
 * Button data:  lk:y:REQUEST | lk:n:REQUEST   the owner's answer
 *               ul:PLATFORM                   unlink that messenger
 *               pref:PLATFORM                 where reminders go
 * (PLATFORM: a registered messenger's name, util/platform.h)
 */
#include "handlers/attempts.h"
#include "handlers/flows.h"
#include "handlers/payload.h"
#include "storage/invites.h"
#include "storage/link_requests.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/platform.h"
#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINK_CODE_VALID_MS (60LL * 60 * 1000)
#define LINK_IDENTITIES_MAX PLATFORMS_MAX   /* messenger accounts listed in /privacy */

static const char *platform_name(const char *platform) { return platform_display_name(platform); }
static int known_platform(const char *p) { return platform_find(p) != NULL; }

/* How a messenger account is shown: its name, or its id when the
 * messenger gave none. */
static void account_label(const char *display_name, int64_t user_id, char *buf, size_t size)
{
    if (display_name && *display_name) snprintf(buf, size, "%s", display_name);
    else snprintf(buf, size, "id %lld", (long long)user_id);
}

static void actor_of(int64_t account_id, char *buf, size_t size)
{
    snprintf(buf, size, "account:%lld", (long long)account_id);
}

/* Queues a catalog text (formatted with one name/value pair list) to every
 * messenger account of a person except skip_platform (may be NULL), each
 * in the person's language. */
static mb_status tell_everywhere(hctx *h, const account *person, const char *skip_platform, const char *key,
                                 const char *messenger, const char *name)
{
    identity ids[LINK_IDENTITIES_MAX];
    int n = identity_list(h->d, person->id, ids, LINK_IDENTITIES_MAX);
    if (n < 0) return MB_ERR_DB;
    if (n > LINK_IDENTITIES_MAX) n = LINK_IDENTITIES_MAX;
    const char *lang = i18n_pick_language(h->env->texts, person->language);
    char buf[I18N_KEY_MAX + 1];
    char *text = i18n_format(h->env->texts, lang, key_for_reader(h->env, lang, person, key, buf, sizeof buf),
                             "messenger", messenger, "name", name, NULL);
    if (!text) return MB_ERR_NOMEM;
    mb_status rc = MB_OK;
    for (int i = 0; i < n && !rc; i++) {
        if (skip_platform && strcmp(ids[i].platform, skip_platform) == 0) continue;
        rc = reply_to_chat(h->d, ids[i].platform, ids[i].chat_id, person->id, text, NULL);
    }
    free(text);
    return rc;
}

/* 1 when the bot runs on a messenger the person has no account on yet:
 * only then can one more be offered. */
static int other_messenger_runs(const hctx *h)
{
    identity there;
    for (int i = 0; i < platform_count(); i++)
        if (identity_for_account(h->d, h->acct.id, platform_at(i)->name, &there) != MB_OK) return 1;
    return 0;
}

/* "Telegram: https://t.me/...?start=l_CODE" for every messenger the
 * person may still add, one a line (caller frees; NULL when out of memory). */
static char *link_lines(hctx *h, const char *full)
{
    strbuf sb;
    sb_init(&sb, 0);
    identity there;
    for (int i = 0; i < platform_count(); i++) {
        const platform_info *p = platform_at(i);
        if (identity_for_account(h->d, h->acct.id, p->name, &there) == MB_OK) continue;
        char link[PLATFORM_LINK_PREFIX_MAX + INVITE_CODE_LEN + 8];
        int has_link = platform_deep_link(p->name, full, link, sizeof link) == 0;
        char *line = has_link ? TF(h, "link.code_line", "messenger", p->display_name, "link", link, NULL)
                              : TF(h, "link.code_line_nolink", "messenger", p->display_name, NULL);
        if (line) sb_printf(&sb, "%s%s", sb.len ? "\n" : "", line);
        else sb.failed = 1;
        free(line);
    }
    char *out = sb.failed ? NULL : sb_take(&sb);
    sb_free(&sb);
    return out;
}

mb_status link_start(hctx *h)
{
    if (strcmp(h->acct.status, "active") && strcmp(h->acct.status, "pending_consent"))
        return reply_text(h, T(h, "link.register_first"), NULL);
    if (!other_messenger_runs(h) && identity_count(h->d, h->acct.id) >= 2)
        return reply_text(h, T(h, "link.all_linked"), NULL);
    if (!other_messenger_runs(h)) {
        char *only = TF(h, "link.no_other", "messenger", platform_name(h->ev->platform), NULL);
        if (!only) return MB_ERR_NOMEM;
        mb_status rc = reply_text(h, only, NULL);
        free(only);
        return rc;
    }
    char code[INVITE_CODE_LEN + 1], actor[32], full[INVITE_CODE_LEN + 4];
    actor_of(h->acct.id, actor, sizeof actor);
    mb_status rc = invite_create(h->d, "link", h->acct.org_id, NULL, 1, clock_now_ms() + LINK_CODE_VALID_MS,
                                 h->acct.id, actor, code, NULL);
    if (rc) return rc;
    snprintf(full, sizeof full, "%s%s", LINK_PREFIX, code);
    /* Only the messengers still to add are offered. */
    char *links = link_lines(h, full);
    char *text = links ? TF(h, "link.code", "code", code, "links", links, NULL) : NULL;
    free(links);
    if (!text) return MB_ERR_NOMEM;
    rc = reply_text(h, text, NULL);
    free(text);
    return rc;
}

/* Asks the owner, on the messenger they use, to confirm the request. */
static mb_status ask_owner(hctx *h, const account *owner, int64_t request_id, const char *label)
{
    char yes[40], no[40];
    snprintf(yes, sizeof yes, "lk:y:%lld", (long long)request_id);
    snprintf(no, sizeof no, "lk:n:%lld", (long long)request_id);
    const char *lang = i18n_pick_language(h->env->texts, owner->language);
    char key[I18N_KEY_MAX + 1];
    char *text = i18n_format(h->env->texts, lang, key_for_reader(h->env, lang, owner, "link.confirm_ask", key, sizeof key),
                             "messenger", platform_name(h->ev->platform), "name", label, NULL);
    if (!text) return MB_ERR_NOMEM;
    keyboard kb = {0};
    kb_button(&kb, i18n_text(h->env->texts, lang, "link.confirm_yes"), yes);
    kb_button(&kb, i18n_text(h->env->texts, lang, "link.confirm_no"), no);
    identity ids[LINK_IDENTITIES_MAX];
    int n = identity_list(h->d, owner->id, ids, LINK_IDENTITIES_MAX);
    mb_status rc = n < 0 ? MB_ERR_DB : MB_OK;
    for (int i = 0; i < n && i < LINK_IDENTITIES_MAX && !rc; i++)
        rc = reply_to_chat(h->d, ids[i].platform, ids[i].chat_id, owner->id, text, &kb);
    kb_free(&kb);
    free(text);
    return rc;
}

mb_status link_redeem(hctx *h, const char *code_in)
{
    mb_status rc;
    if (attempts_refuse(h, &rc)) return rc;
    char code[INVITE_CODE_LEN + 8];
    snprintf(code, sizeof code, "%s", code_in);
    code[strcspn(code, " \n")] = 0;
    const char *bare = strncmp(code, LINK_PREFIX, 2) == 0 ? code + 2 : code;
    invite inv;
    account owner;
    if (invite_find(h->d, bare, &inv) || strcmp(inv.kind, "link") != 0 || account_load(h->d, inv.for_account, &owner) ||
        (strcmp(owner.status, "active") && strcmp(owner.status, "pending_consent")))
        return attempts_wrong_code(h, "link.not_found");
    if (h->has_account) {
        if (h->acct.id == owner.id) return reply_text(h, T(h, "link.already"), NULL);
        return reply_text(h, T(h, "link.registered_separately"), NULL);
    }
    if (!invite_usable(h->d, &inv, 0)) return reply_text(h, T(h, "link.expired"), NULL);
    identity same;
    if (identity_for_account(h->d, owner.id, h->ev->platform, &same) == MB_OK) {
        char *text = TF(h, "link.same_messenger", "messenger", platform_name(h->ev->platform), NULL);
        rc = text ? reply_text(h, text, NULL) : MB_ERR_NOMEM;
        free(text);
        return rc;
    }
    if (link_request_pending_for(h->d, inv.id)) return reply_text(h, T(h, "link.waiting"), NULL);
    link_request req;
    memset(&req, 0, sizeof req);
    req.invite_id = inv.id;
    req.account_id = owner.id;
    snprintf(req.platform, sizeof req.platform, "%s", h->ev->platform);
    req.user_id = h->ev->user_id;
    req.chat_id = h->ev->chat_id;
    if (h->ev->first_name) snprintf(req.display_name, sizeof req.display_name, "%s", h->ev->first_name);
    int64_t request_id;
    char label[ACCOUNT_NAME_BYTES + 32], subject[32], detail[64];
    account_label(req.display_name, req.user_id, label, sizeof label);
    actor_of(owner.id, subject, sizeof subject);
    snprintf(detail, sizeof detail, "request %s", h->ev->platform);
    if ((rc = link_request_add(h->d, &req, &request_id)) || (rc = ask_owner(h, &owner, request_id, label)) ||
        (rc = audit_log(h->d, subject, "identity.link_request", subject, detail)))
        return rc;
    return reply_text(h, T(h, "link.requested"), NULL);
}

/* Tells whoever sent the code, in the owner's language. */
static mb_status tell_requester(hctx *h, const link_request *r, const account *owner, const char *text, keyboard *kb)
{
    return reply_to_chat(h->d, r->platform, r->chat_id, owner ? owner->id : 0, text, kb);
}

static mb_status confirm_link(hctx *h, const link_request *r, const invite *inv)
{
    mb_status rc;
    identity same;
    if (!invite_usable(h->d, inv, 0)) {
        if ((rc = link_request_decide(h->d, r->id, "expired"))) return rc == MB_ERR_NOT_FOUND ? MB_OK : rc;
        if ((rc = tell_requester(h, r, NULL, T(h, "link.expired"), NULL))) return rc;
        return reply_text(h, T(h, "link.expired_owner"), NULL);
    }
    if (identity_for_account(h->d, h->acct.id, r->platform, &same) == MB_OK) {
        if ((rc = link_request_decide(h->d, r->id, "declined"))) return rc;
        char *text = TF(h, "link.same_messenger", "messenger", platform_name(r->platform), NULL);
        rc = text ? reply_text(h, text, NULL) : MB_ERR_NOMEM;
        free(text);
        return rc;
    }
    rc = identity_add(h->d, r->platform, r->user_id, r->chat_id, h->acct.id);
    if (rc == MB_ERR_EXISTS) {
        if ((rc = link_request_decide(h->d, r->id, "declined"))) return rc;
        return reply_text(h, T(h, "link.taken"), NULL);
    }
    if (rc || (r->display_name[0] && (rc = identity_set_display_name(h->d, r->platform, r->user_id, r->display_name))) ||
        (rc = invite_redeem(h->d, inv, h->acct.id)) || (rc = link_request_decide(h->d, r->id, "confirmed")))
        return rc;
    char subject[32], detail[48];
    actor_of(h->acct.id, subject, sizeof subject);
    snprintf(detail, sizeof detail, "added %s", r->platform);
    if ((rc = audit_log(h->d, subject, "identity.link", subject, detail))) return rc;
    log_info("link", "account %lld confirmed adding a %s account", (long long)h->acct.id, r->platform);
    /* Every messenger the person is on now, the one just added among them. */
    keyboard kb = {0};
    identity ids[LINK_IDENTITIES_MAX];
    int n = identity_list(h->d, h->acct.id, ids, LINK_IDENTITIES_MAX);
    for (int i = 0; i < n && i < LINK_IDENTITIES_MAX; i++) {
        char data[PLATFORM_NAME_MAX + 8];
        snprintf(data, sizeof data, "pref:%.*s", (int)PLATFORM_NAME_MAX, ids[i].platform);
        kb_button(&kb, platform_name(ids[i].platform), data);
    }
    char *text = TF(h, "link.done", "name", h->acct.name, "messenger", platform_name(r->platform), NULL);
    rc = text ? tell_requester(h, r, &h->acct, text, &kb) : MB_ERR_NOMEM;
    free(text);
    kb_free(&kb);
    if (rc) return rc;
    char label[ACCOUNT_NAME_BYTES + 32];
    account_label(r->display_name, r->user_id, label, sizeof label);
    return tell_everywhere(h, &h->acct, r->platform, "link.added_notice", platform_name(r->platform), label);
}

mb_status link_on_confirm(hctx *h, const char *action, const payload_field *f, int n)
{
    (void)action, (void)n;
    char answer = f[0].word[0];   /* y or n, and the request (routes.c) */
    long long id = f[1].number;
    link_request r;
    invite inv;
    if (link_request_load(h->d, id, &r) || r.account_id != h->acct.id ||
        invite_find(h->d, r.code, &inv))
        return flow_refuse_button(h, "link request of someone else");
    mb_status rc = reply_answer_button(h, NULL);
    if (rc) return rc;
    if (strcmp(r.state, "pending") != 0) return reply_text(h, T(h, "link.decided"), NULL);
    if (answer == 'y') return confirm_link(h, &r, &inv);
    if ((rc = link_request_decide(h->d, r.id, "declined"))) return rc;
    char subject[32];
    actor_of(h->acct.id, subject, sizeof subject);
    if ((rc = audit_log(h->d, subject, "identity.link_declined", subject, r.platform))) return rc;
    if ((rc = tell_requester(h, &r, NULL, T(h, "link.declined"), NULL))) return rc;
    return reply_text(h, T(h, "link.declined_owner"), NULL);
}

mb_status link_on_unlink(hctx *h, const char *action, const payload_field *f, int nfields)
{
    (void)action, (void)nfields;
    const char *arg = f[0].word;   /* the messenger (routes.c) */
    identity gone;
    if (!known_platform(arg) || identity_for_account(h->d, h->acct.id, arg, &gone) != MB_OK)
        return flow_refuse_button(h, "no such messenger to unlink");
    mb_status rc = reply_answer_button(h, NULL);
    if (rc) return rc;
    if (identity_count(h->d, h->acct.id) < 2) return reply_text(h, T(h, "link.unlink_last"), NULL);
    /* identity_for_account fills no name: read it from the list. */
    identity ids[LINK_IDENTITIES_MAX];
    int n = identity_list(h->d, h->acct.id, ids, LINK_IDENTITIES_MAX);
    for (int i = 0; i < n && i < LINK_IDENTITIES_MAX; i++)
        if (strcmp(ids[i].platform, arg) == 0) gone = ids[i];
    if ((rc = identity_remove(h->d, h->acct.id, arg))) return rc;
    char subject[32], detail[48], label[ACCOUNT_NAME_BYTES + 32];
    actor_of(h->acct.id, subject, sizeof subject);
    snprintf(detail, sizeof detail, "removed %s", arg);
    if ((rc = audit_log(h->d, subject, "identity.unlink", subject, detail))) return rc;
    log_info("link", "account %lld removed its %s account", (long long)h->acct.id, arg);
    account_label(gone.display_name, gone.user_id, label, sizeof label);
    /* The messenger account removed hears it too, no longer as the person. */
    char *text = TF(h, "link.removed_notice", "messenger", platform_name(arg), "name", label, NULL);
    if (!text) return MB_ERR_NOMEM;
    rc = reply_to_chat(h->d, gone.platform, gone.chat_id, 0, text, NULL);
    free(text);
    if (rc) return rc;
    return tell_everywhere(h, &h->acct, NULL, "link.removed_notice", platform_name(arg), label);
}

char *link_privacy_list(hctx *h, keyboard *kb)
{
    identity ids[LINK_IDENTITIES_MAX];
    int n = identity_list(h->d, h->acct.id, ids, LINK_IDENTITIES_MAX);
    if (n > LINK_IDENTITIES_MAX) n = LINK_IDENTITIES_MAX;
    strbuf sb;
    sb_init(&sb, 0);
    for (int i = 0; i < n; i++) {
        char label[ACCOUNT_NAME_BYTES + 32];
        account_label(ids[i].display_name, ids[i].user_id, label, sizeof label);
        int here = strcmp(ids[i].platform, h->ev->platform) == 0;
        char *line = TF(h, here ? "privacy.messenger_here" : "privacy.messenger", "messenger",
                        platform_name(ids[i].platform), "name", label, NULL);
        if (line) sb_printf(&sb, "\n  — %s", line);
        free(line);
        if (n > 1 && kb) {
            char data[16];
            snprintf(data, sizeof data, "ul:%.8s", ids[i].platform);
            char *button = TF(h, "privacy.unlink", "messenger", platform_name(ids[i].platform), NULL);
            kb_row(kb);
            kb_button(kb, button ? button : data, data);
            free(button);
        }
    }
    char *out = sb.failed ? NULL : sb_take(&sb);
    sb_free(&sb);
    return out;
}

mb_status link_on_button(hctx *h, const char *action, const payload_field *f, int n)
{
    (void)action, (void)n;
    const char *arg = f[0].word;   /* the messenger (routes.c) */
    if (!known_platform(arg)) return flow_refuse_button(h, "unknown messenger");
    identity there;
    if (identity_for_account(h->d, h->acct.id, arg, &there) != MB_OK)
        return flow_refuse_button(h, "preferred messenger not linked");
    mb_status rc = reply_answer_button(h, NULL);
    if (!rc) rc = account_set_preferred(h->d, h->acct.id, arg);
    if (rc) return rc;
    char *text = TF(h, "link.preferred", "messenger", platform_name(arg), NULL);
    if (!text) return MB_ERR_NOMEM;
    rc = reply_text(h, text, NULL);
    free(text);
    return rc;
}

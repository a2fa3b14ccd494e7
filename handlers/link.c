/*
 * One person, two messengers: /link on one messenger gives a one-time code;
 * sending it from the other messenger (as /link CODE, or by opening the
 * bot's link) adds that messenger account to the same person, with the
 * same data, role and mentorships. The person then chooses where reminders
 * go; when that messenger is unreachable they go to the other one.
 */
#include "handlers/flows.h"
#include "storage/invites.h"
#include "util/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINK_CODE_VALID_MS (60LL * 60 * 1000)

static const char *platform_name(const char *platform) { return strcmp(platform, "vk") == 0 ? "VK" : "Telegram"; }

mb_status link_start(hctx *h)
{
    if (strcmp(h->acct.status, "active") && strcmp(h->acct.status, "pending_consent"))
        return reply_text(h, T(h, "link.register_first"), NULL);
    char code[INVITE_CODE_LEN + 1], actor[32], full[INVITE_CODE_LEN + 4], tg_link[256];
    snprintf(actor, sizeof actor, "account:%lld", (long long)h->acct.id);
    mb_status rc = invite_create(h->d, "link", h->acct.org_id, NULL, 1, clock_now_ms() + LINK_CODE_VALID_MS,
                                 h->acct.id, actor, code, NULL);
    if (rc) return rc;
    snprintf(full, sizeof full, "%s%s", LINK_PREFIX, code);
    flow_invite_link(h->env, "tg", full, tg_link, sizeof tg_link);
    char *text = TF(h, "link.code", "code", code, "tg_link", tg_link, NULL);
    if (!text) return MB_ERR_NOMEM;
    rc = reply_text(h, text, NULL);
    free(text);
    return rc;
}

mb_status link_redeem(hctx *h, const char *code_in)
{
    char code[INVITE_CODE_LEN + 8];
    snprintf(code, sizeof code, "%s", code_in);
    code[strcspn(code, " \n")] = 0;
    const char *bare = strncmp(code, LINK_PREFIX, 2) == 0 ? code + 2 : code;
    invite inv;
    account owner;
    if (invite_find(h->d, bare, &inv) || strcmp(inv.kind, "link") != 0 || account_load(h->d, inv.for_account, &owner))
        return reply_text(h, T(h, "link.not_found"), NULL);
    if (h->has_account) {
        if (h->acct.id == owner.id) return reply_text(h, T(h, "link.already"), NULL);
        return reply_text(h, T(h, "link.registered_separately"), NULL);
    }
    if (!invite_usable(h->d, &inv, 0)) return reply_text(h, T(h, "link.expired"), NULL);
    mb_status rc = identity_add(h->d, h->ev->platform, h->ev->user_id, h->ev->chat_id, owner.id);
    if (rc == MB_ERR_EXISTS) return reply_text(h, T(h, "link.registered_separately"), NULL);
    if (rc || (rc = invite_redeem(h->d, &inv, owner.id))) return rc;
    char subject[32], detail[48];
    snprintf(subject, sizeof subject, "account:%lld", (long long)owner.id);
    snprintf(detail, sizeof detail, "added %s", h->ev->platform);
    if ((rc = audit_log(h->d, subject, "identity.link", subject, detail))) return rc;
    h->has_account = 1;
    h->acct = owner;
    h->lang = i18n_pick_language(h->env->texts, owner.language);
    keyboard kb = {0};
    kb_button(&kb, "Telegram", "pref:tg");
    kb_button(&kb, "VK", "pref:vk");
    char *text = TF(h, "link.done", "name", owner.name, "messenger", platform_name(h->ev->platform), NULL);
    rc = text ? reply_text(h, text, &kb) : MB_ERR_NOMEM;
    free(text);
    kb_free(&kb);
    return rc;
}

mb_status link_on_button(hctx *h, const char *arg)
{
    if (strcmp(arg, "tg") && strcmp(arg, "vk")) return flow_refuse_button(h, "unknown messenger");
    mb_status rc = reply_answer_button(h, NULL);
    if (!rc) rc = account_set_preferred(h->d, h->acct.id, arg);
    if (rc) return rc;
    char *text = TF(h, "link.preferred", "messenger", platform_name(arg), NULL);
    if (!text) return MB_ERR_NOMEM;
    rc = reply_text(h, text, NULL);
    free(text);
    return rc;
}

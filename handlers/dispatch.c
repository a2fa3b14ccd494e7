#include "handlers/dispatch.h"
#include "handlers/announce.h"
#include "handlers/consent.h"
#include "handlers/curator.h"
#include "handlers/digest.h"
#include "handlers/flows.h"
#include "handlers/meetings.h"
#include "handlers/pair.h"
#include "handlers/payload.h"
#include "handlers/polls.h"
#include "handlers/routes.h"
#include "handlers/stall.h"
#include "storage/outbox.h"
#include "util/clock.h"
#include "util/platform.h"
#include "util/log.h"
#include "util/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static mb_status on_message(hctx *h)
{
    const char *text = h->ev->text;
    if (text && strlen(text) > EVENT_TEXT_MAX) return reply_text(h, T(h, "message.too_long"), NULL);
    /* A parent in the middle of giving consent answers that dialog; a pasted
     * code is opened, not taken for a name. */
    if (!(text && reg_looks_like_code(text)) && consent_takes_message(h)) return consent_on_message(h);
    /* A photo or file written to the other person of a pair, caption and all. */
    if (pair_wants_attachment(h)) return pair_on_attachment(h);
    if (announce_wants_attachment(h)) return announce_on_attachment(h, curator_program_preview);
    if (!text || !*text) return reply_text(h, T(h, "message.not_text"), NULL);
    mb_status rc;
    if (routes_command(h, text, &rc)) return rc;
    if (!h->has_account) {
        /* A code pasted without /start is taken as one. */
        if (reg_looks_like_code(text)) return reg_start(h, text);
        return reply_text(h, T(h, "start.need_invite"), NULL);
    }
    if (reg_in_progress(h)) return reg_on_text(h, text);
    return menu_on_text(h, text);
}

static mb_status load_sender(hctx *h)
{
    char *data = NULL;
    mb_status rc = account_find_sender(h->d, h->ev->platform, h->ev->user_id, &h->acct, &h->ident, h->state, &data);
    if (rc == MB_ERR_NOT_FOUND) return MB_OK;
    if (rc) return rc;
    h->has_account = 1;
    const char *shown = h->ev->first_name ? h->ev->first_name : "";
    if (*shown && strlen(shown) < sizeof h->ident.display_name && strcmp(shown, h->ident.display_name) != 0 &&
        (rc = identity_set_display_name(h->d, h->ev->platform, h->ev->user_id, shown)))
        goto out;
    if (h->ident.unreachable_at && (rc = identity_set_reachable(h->d, h->ev->platform, h->ev->user_id)))
        goto out;
    if (identity_use_stale(&h->ident, clock_now_ms()) &&
        (rc = identity_note_used(h->d, h->ev->platform, h->ev->user_id)))
        goto out;
    if (data) {
        cJSON *parsed = cJSON_Parse(data);
        if (cJSON_IsObject(parsed)) {
            cJSON_Delete(h->data);
            h->data = parsed;
        } else {
            cJSON_Delete(parsed);
        }
    }
out:
    free(data);
    return rc;
}

mb_status dispatch_event(db *d, const bot_env *env, const event *ev, char *reason, size_t reason_size)
{
    hctx h;
    memset(&h, 0, sizeof h);
    h.d = d;
    h.env = env;
    h.ev = ev;
    h.data = cJSON_CreateObject();
    mb_status rc = MB_OK;
    if (!h.data) return MB_ERR_NOMEM;

    switch (ev->kind) {
    case EVENT_BLOCKED:
        if ((rc = identity_set_unreachable(d, ev->platform, ev->user_id, "blocked the bot")) == MB_OK)
            rc = outbox_fail_chat(d, ev->platform, ev->chat_id, "the user blocked the bot");
        log_info("dispatch", "%s user %lld blocked the bot; marked unreachable", ev->platform,
                 (long long)ev->user_id);
        goto out;
    case EVENT_UNBLOCKED:
        rc = identity_set_reachable(d, ev->platform, ev->user_id);
        goto out;
    case EVENT_NONE:
        goto out;
    case EVENT_MESSAGE:
    case EVENT_BUTTON:
        break;
    }
    if (!ev->is_private) goto out; /* the bot talks one to one only */
    if ((rc = load_sender(&h))) {
        ctx_fail(&h, rc, "could not load the sender's account: %s", mb_status_str(rc));
        goto out;
    }
    h.lang = i18n_pick_language(env->texts, h.has_account && h.acct.language[0] ? h.acct.language
                                                                                 : ev->language_code);
    rc = ev->kind == EVENT_BUTTON ? routes_button(&h) : on_message(&h);
    if (!rc && h.menu_next) rc = menu_show(&h);
    if (rc && !h.reason[0]) snprintf(h.reason, sizeof h.reason, "handler failed: %s", mb_status_str(rc));
out:
    if (rc && reason) snprintf(reason, reason_size, "%s", h.reason[0] ? h.reason : mb_status_str(rc));
    cJSON_Delete(h.data);
    return rc;
}

mb_status dispatch_job(db *d, const bot_env *env, const job *j, char *reason, size_t reason_size)
{
    mb_status rc;
    if (strcmp(j->kind, JOB_ERASE_SWEEP) == 0) rc = menu_run_erase_sweep(d, j->payload);
    else if (strcmp(j->kind, JOB_MEETING_REMINDER) == 0 || strcmp(j->kind, JOB_MEETING_FOLLOWUP) == 0 ||
             strcmp(j->kind, JOB_MEETING_FOLLOWUP_AGAIN) == 0)
        rc = meeting_run_job(d, env, j->kind, j->payload);
    else if (strcmp(j->kind, JOB_STALL_SCAN) == 0) rc = stall_run_job(d, env, j->payload);
    else if (strcmp(j->kind, JOB_ANNOUNCE_REPORT) == 0) rc = announce_run_job(d, env, j->payload);
    else if (strcmp(j->kind, JOB_DIGEST_PLAN) == 0 || strcmp(j->kind, JOB_DIGEST) == 0)
        rc = digest_run_job(d, env, j->kind, j->payload);
    else if (strcmp(j->kind, JOB_POLL_NUDGE) == 0 || strcmp(j->kind, JOB_POLL_CALENDAR) == 0)
        rc = poll_run_job(d, env, j->kind, j->payload);
    else if (strcmp(j->kind, JOB_REGISTRATION_NUDGE) && strcmp(j->kind, JOB_GUARDIAN_REMINDER)) {
        snprintf(reason, reason_size, "unknown job kind %s", j->kind);
        return MB_ERR_NOT_FOUND;
    } else rc = reg_run_job(d, env, j->kind, j->payload);
    if (rc) snprintf(reason, reason_size, "job %s failed: %s", j->kind, mb_status_str(rc));
    return rc;
}

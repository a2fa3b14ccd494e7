#include "handlers/dispatch.h"
#include "handlers/consent.h"
#include "handlers/flows.h"
#include "handlers/meetings.h"
#include "handlers/pair.h"
#include "handlers/payload.h"
#include "handlers/polls.h"
#include "handlers/reg_switch.h"
#include "handlers/stall.h"
#include "storage/outbox.h"
#include "util/platform.h"
#include "util/log.h"
#include "util/text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define COMMAND_MAX 32

const char *key_for_reader(const bot_env *env, const char *lang, const account *a, const char *key, char *buf,
                           size_t size)
{
    if (!a || strcmp(a->category, "pupil") != 0) return key;
    return i18n_variant_key(env->texts, lang, key, "pupil", buf, size);
}

/* The key in the sender's variant (buf holds it when it is one). */
static const char *sender_key(hctx *h, const char *key, char buf[I18N_KEY_MAX + 1])
{
    return key_for_reader(h->env, h->lang, h->has_account ? &h->acct : NULL, key, buf, I18N_KEY_MAX + 1);
}

const char *T(hctx *h, const char *key)
{
    char buf[I18N_KEY_MAX + 1];
    return i18n_text(h->env->texts, h->lang, sender_key(h, key, buf));
}

char *TF(hctx *h, const char *key, ...)
{
    char buf[I18N_KEY_MAX + 1];
    const char *k = sender_key(h, key, buf);
    va_list ap;
    va_start(ap, key);
    char *s = i18n_vformat(h->env->texts, h->lang, k, ap);
    va_end(ap);
    return s;
}

mb_status ctx_set_state(hctx *h, const char *state)
{
    char *json = cJSON_PrintUnformatted(h->data);
    if (!json) return MB_ERR_NOMEM;
    snprintf(h->state, sizeof h->state, "%s", state);
    mb_status rc = dialog_set(h->d, h->acct.id, state, json);
    free(json);
    return rc;
}

mb_status ctx_fail(hctx *h, mb_status rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(h->reason, sizeof h->reason, fmt, ap);
    va_end(ap);
    return rc;
}

/* A press is answered once: a flow that answered it and then found the
 * press stale must not queue a second answerCallbackQuery (the platform
 * refuses it, and the sender would record a failure). */
static int already_answered(hctx *h)
{
    if (!h->ev->button_id) return 1;
    sqlite3_stmt *st = db_stmt(h->d, "SELECT 1 FROM outbox WHERE platform = ?1 AND chat_id = ?2 AND kind = 'answer'"
                                     " AND json_extract(body, '$.button_id') = ?3");
    if (!st) return 0;
    sqlite3_bind_text(st, 1, h->ev->platform, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, h->ev->chat_id);
    sqlite3_bind_text(st, 3, h->ev->button_id, -1, SQLITE_STATIC);
    return db_has_row(h->d, st) == MB_OK;
}

mb_status flow_refuse_button(hctx *h, const char *why)
{
    /* The data came from the network: broken UTF-8 in it must not reach the log raw. */
    char data[PAYLOAD_LOG_MAX];
    payload_escape(h->ev->button_data, data, sizeof data);
    log_warn("dispatch", "refused button \"%s\" from %s user %lld (account %lld, state \"%s\"): %s",
             data, h->ev->platform, (long long)h->ev->user_id,
             (long long)(h->has_account ? h->acct.id : 0), h->state, why);
    mb_status rc = already_answered(h) ? MB_OK : reply_answer_button(h, T(h, "button.stale"));
    if (rc) return rc;
    return reg_in_progress(h) ? reg_resume(h) : MB_OK;
}

void flow_format_date(const char *lang, int64_t ms, char *buf, size_t size)
{
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    if (strcmp(lang, "ru") == 0)
        snprintf(buf, size, "%02d.%02d.%04d", tm.tm_mday, tm.tm_mon + 1, tm.tm_year + 1900);
    else
        snprintf(buf, size, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

void flow_invite_link(const bot_env *env, const char *platform, const char *code, char *buf, size_t size)
{
    /* A messenger without deep links gets another one's, so the reader
     * still has a link to pass on; with none at all, the code itself. */
    if (platform_deep_link(platform, code, buf, size) == 0) return;
    for (int i = 0; i < platform_count(); i++)
        if (platform_deep_link(platform_at(i)->name, code, buf, size) == 0) return;
}

/* Splits "/cmd@bot args" into a lower-case command name and its argument. */
static int parse_command(const char *text, char *cmd, size_t size, const char **arg)
{
    if (text[0] != '/') return 0;
    size_t i = 1, n = 0;
    while (text[i] && text[i] != ' ' && text[i] != '@' && text[i] != '\n') {
        if (n + 1 < size) cmd[n++] = (char)(text[i] >= 'A' && text[i] <= 'Z' ? text[i] + 32 : text[i]);
        i++;
    }
    cmd[n] = 0;
    while (text[i] && text[i] != ' ' && text[i] != '\n') i++; /* skip @botname */
    while (text[i] == ' ' || text[i] == '\n') i++;
    *arg = text + i;
    return n > 0;
}

static mb_status on_command(hctx *h, const char *cmd, const char *arg)
{
    if (strcmp(cmd, "start") == 0) return reg_start(h, arg);
    if (strcmp(cmd, "help") == 0) return menu_help(h);
    if (strcmp(cmd, "link") == 0 && *arg) return link_redeem(h, arg);
    if (strcmp(cmd, "privacy") == 0 && consent_is_parent(h)) {
        /* A parent may have no account of their own: their consent first. */
        mb_status rc = consent_parent_privacy(h);
        if (rc || !h->has_account) return rc;
    }
    if (!h->has_account) return reply_text(h, T(h, "start.need_invite"), NULL);
    if (strcmp(cmd, "link") == 0) return link_start(h);
    if (strcmp(cmd, "cancel") == 0) return menu_cancel(h);
    if (strcmp(cmd, "back") == 0) return survey_back(h);
    if (strcmp(cmd, "language") == 0) return menu_language(h);
    if (strcmp(cmd, "privacy") == 0) return menu_privacy(h);
    if (strcmp(cmd, "forget") == 0) return menu_forget(h);
    if (strcmp(cmd, "menu") == 0) return reg_in_progress(h) ? reg_resume(h) : menu_show(h);
    return reply_text(h, T(h, "command.unknown"), NULL);
}

static mb_status on_message(hctx *h)
{
    const char *text = h->ev->text;
    if (text && strlen(text) > EVENT_TEXT_MAX) return reply_text(h, T(h, "message.too_long"), NULL);
    /* A parent in the middle of giving consent answers that dialog. */
    if (consent_takes_message(h)) return consent_on_message(h);
    /* A photo or file written to the other person of a pair, caption and all. */
    if (pair_wants_attachment(h)) return pair_on_attachment(h);
    if (!text || !*text) return reply_text(h, T(h, "message.not_text"), NULL);
    char cmd[COMMAND_MAX];
    const char *arg;
    if (parse_command(text, cmd, sizeof cmd, &arg)) return on_command(h, cmd, arg);
    if (!h->has_account) {
        /* A code pasted without /start is taken as one. */
        if (reg_looks_like_code(text)) return reg_start(h, text);
        return reply_text(h, T(h, "start.need_invite"), NULL);
    }
    if (reg_in_progress(h)) return reg_on_text(h, text);
    return menu_on_text(h, text);
}

static mb_status on_button(hctx *h)
{
    const char *data = h->ev->button_data ? h->ev->button_data : "";
    char action[EVENT_BUTTON_DATA_MAX + 1];
    snprintf(action, sizeof action, "%s", data);
    char *colon = strchr(action, ':');
    const char *arg = "";
    if (colon) { *colon = 0; arg = colon + 1; }
    /* The bot writes neither an empty action nor an empty last argument. */
    if (!action[0] || (colon && !arg[0]) || data[strlen(data) - 1] == ':')
        return flow_refuse_button(h, "malformed button data");
    /* Consent buttons are pressed by parents, who may have no account. */
    if (consent_guardian_action(action)) return consent_on_button(h, action, arg);
    if (!h->has_account) return flow_refuse_button(h, "no account");
    if (reg_in_progress(h)) {
        if (strcmp(action, "rs") == 0) return reg_switch_button(h, arg);
        return reg_on_button(h, action, arg);
    }
    return menu_on_button(h, action, arg);
}

static mb_status load_sender(hctx *h)
{
    mb_status rc = account_find_by_identity(h->d, h->ev->platform, h->ev->user_id, &h->acct, &h->ident);
    if (rc == MB_ERR_NOT_FOUND) return MB_OK;
    if (rc) return rc;
    h->has_account = 1;
    const char *shown = h->ev->first_name ? h->ev->first_name : "";
    if (*shown && strlen(shown) < sizeof h->ident.display_name && strcmp(shown, h->ident.display_name) != 0 &&
        (rc = identity_set_display_name(h->d, h->ev->platform, h->ev->user_id, shown)))
        return rc;
    if (h->ident.unreachable_at && (rc = identity_set_reachable(h->d, h->ev->platform, h->ev->user_id)))
        return rc;
    if ((rc = identity_note_used(h->d, h->ev->platform, h->ev->user_id))) return rc;
    char *data = NULL;
    if ((rc = dialog_get(h->d, h->acct.id, h->state, &data))) return rc;
    if (data) {
        cJSON *parsed = cJSON_Parse(data);
        free(data);
        if (cJSON_IsObject(parsed)) {
            cJSON_Delete(h->data);
            h->data = parsed;
        } else {
            cJSON_Delete(parsed);
        }
    }
    return MB_OK;
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
    rc = ev->kind == EVENT_BUTTON ? on_button(&h) : on_message(&h);
    if (rc && !h.reason[0]) snprintf(h.reason, sizeof h.reason, "handler failed: %s", mb_status_str(rc));
out:
    if (rc && reason) snprintf(reason, reason_size, "%s", h.reason[0] ? h.reason : mb_status_str(rc));
    cJSON_Delete(h.data);
    return rc;
}

mb_status dispatch_job(db *d, const bot_env *env, const job *j, char *reason, size_t reason_size)
{
    mb_status rc;
    if (strcmp(j->kind, JOB_ERASE_SWEEP) == 0) rc = menu_run_erase_sweep(d);
    else if (strcmp(j->kind, JOB_MEETING_REMINDER) == 0 || strcmp(j->kind, JOB_MEETING_FOLLOWUP) == 0 ||
             strcmp(j->kind, JOB_MEETING_FOLLOWUP_AGAIN) == 0)
        rc = meeting_run_job(d, env, j->kind, j->payload);
    else if (strcmp(j->kind, JOB_STALL_SCAN) == 0) rc = stall_run_job(d, env, j->payload);
    else if (strcmp(j->kind, JOB_POLL_NUDGE) == 0 || strcmp(j->kind, JOB_POLL_CALENDAR) == 0)
        rc = poll_run_job(d, env, j->kind, j->payload);
    else if (strcmp(j->kind, JOB_REGISTRATION_NUDGE) && strcmp(j->kind, JOB_GUARDIAN_REMINDER)) {
        snprintf(reason, reason_size, "unknown job kind %s", j->kind);
        return MB_ERR_NOT_FOUND;
    } else rc = reg_run_job(d, env, j->kind, j->payload);
    if (rc) snprintf(reason, reason_size, "job %s failed: %s", j->kind, mb_status_str(rc));
    return rc;
}

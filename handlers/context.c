/*
 * What every flow uses and nothing below the flows needs: texts in the
 * sender's language and variant, the dialog state, the answer to a refused
 * or out-of-date press, dates and invite links. It calls no flow, so every
 * flow may call it (see the layering in routes.c).
 */
#include "handlers/flows.h"
#include "handlers/payload.h"
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

mb_status ctx_org(hctx *h, int64_t id, org *out)
{
    if (h->org_read && h->org.id == id) {
        *out = h->org;
        return MB_OK;
    }
    mb_status rc = org_get(h->d, id, out);
    if (!rc) {
        h->org = *out;
        h->org_read = 1;
    }
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

/* The data came from the network: broken UTF-8 in it must not reach the log raw. */
static void log_refused(hctx *h, const char *what, const char *why)
{
    char data[PAYLOAD_LOG_MAX];
    payload_escape(h->ev->button_data, data, sizeof data);
    log_warn("dispatch", "refused button \"%s\" from %s user %lld (account %lld, state \"%s\"): %s%s", data,
             h->ev->platform, (long long)h->ev->user_id, (long long)(h->has_account ? h->acct.id : 0), h->state,
             what, why);
}

int reg_in_progress(const hctx *h)
{
    return h->has_account && strcmp(h->acct.status, "registering") == 0;
}

mb_status flow_menu_next(hctx *h)
{
    h->menu_next = 1;
    return MB_OK;
}

mb_status flow_refuse_button(hctx *h, const char *why)
{
    log_refused(h, "", why);
    if (h->press == HCTX_PRESS_TAKEN) h->press = HCTX_PRESS_REFUSED;
    return already_answered(h) ? MB_OK : reply_answer_button(h, T(h, "button.stale"));
}

mb_status flow_outdated_button(hctx *h, const char *why)
{
    log_refused(h, "out of date: ", why);
    h->press = HCTX_PRESS_OUTDATED;
    mb_status rc = already_answered(h) ? MB_OK : reply_answer_button(h, NULL);
    return rc ? rc : reply_text(h, T(h, "button.outdated"), NULL);
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

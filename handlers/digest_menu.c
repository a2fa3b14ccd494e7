/*
 * «Сводка за неделю» in the menu of curators and coordinators: the digest
 * now, and the person's "every week" setting (dg:p the panel, dg:n now,
 * dg:m stop the weekly one, dg:u start it again).
 */
#include "handlers/digest.h"
#include "util/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int may_read(const hctx *h)
{
    return h->has_account && strcmp(h->acct.status, "active") == 0 &&
           (strcmp(h->acct.role, "curator") == 0 || strcmp(h->acct.role, "coordinator") == 0);
}

void digest_menu_items(hctx *h, keyboard *kb)
{
    if (!may_read(h)) return;
    kb_row(kb);
    kb_button(kb, T(h, "digest.menu"), "dg:p");
}

static char *when_text(hctx *h, const char *key)
{
    digest_rules r;
    if (h->env->digest) r = *h->env->digest;
    else digest_rules_default(&r);
    char day[24], hour[8];
    snprintf(day, sizeof day, "digest.day.%d", r.weekday);
    snprintf(hour, sizeof hour, "%02d", r.hour);
    return r.weekday ? TF(h, key, "day", T(h, day), "hour", hour, NULL) : strdup(T(h, "digest.panel_off"));
}

static mb_status panel(hctx *h, const char *notice_key)
{
    int muted = digest_muted(h->d, h->acct.id);
    char *text = muted ? strdup(T(h, "digest.panel_muted")) : when_text(h, "digest.panel");
    if (!text) return MB_ERR_NOMEM;
    keyboard kb = {0};
    kb_button(&kb, T(h, "digest.now"), "dg:n");
    kb_row(&kb);
    kb_button(&kb, T(h, muted ? "digest.unmute" : "digest.mute"), muted ? "dg:u" : "dg:m");
    mb_status rc = MB_OK;
    if (notice_key) {
        char *notice = strcmp(notice_key, "digest.unmuted") == 0 ? when_text(h, notice_key) : strdup(T(h, notice_key));
        rc = notice ? reply_text(h, notice, NULL) : MB_ERR_NOMEM;
        free(notice);
    }
    if (!rc) rc = reply_text(h, text, &kb);
    kb_free(&kb);
    free(text);
    return rc;
}

mb_status digest_on_button(hctx *h, const char *action, const payload_field *f, int n)
{
    (void)action, (void)n;
    const char *arg = f[0].word;   /* p, m, u or n (routes.c) */
    if (!may_read(h)) return flow_refuse_button(h, "digest pressed by someone who gets none");
    mb_status rc;
    if (strcmp(arg, "p") == 0) {
        if ((rc = reply_answer_button(h, NULL))) return rc;
        return panel(h, NULL);
    }
    if (strcmp(arg, "m") == 0 || strcmp(arg, "u") == 0) {
        int mute = arg[0] == 'm';
        if ((rc = reply_answer_button(h, NULL)) || (rc = digest_set_muted(h->d, h->acct.id, mute))) return rc;
        return panel(h, mute ? "digest.muted" : "digest.unmuted");
    }
    if ((rc = reply_answer_button(h, NULL))) return rc;
    /* a second tap while the first digest's files are still being sent
     * (a phone's double tap) makes no second digest */
    if (digest_files_on_their_way(h->d, h->acct.id)) return reply_text(h, T(h, "digest.on_its_way"), NULL);
    rc = digest_send(h->d, h->env, h->acct.id, 0, 0, clock_now_ms());
    if (rc == MB_ERR_LIMIT) return reply_text(h, T(h, "digest.busy"), NULL);
    if (rc == MB_ERR_NOT_FOUND) return reply_text(h, T(h, "digest.no_scope"), NULL);
    if (rc == MB_ERR_IO || rc == MB_ERR_NOMEM) return reply_text(h, T(h, "digest.failed"), NULL);
    return rc;
}

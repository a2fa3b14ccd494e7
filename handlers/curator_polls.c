/*
 * The curator's polls (docs/polls.md): the organisation's waves with
 * their response rates, launching a wave (the kind says whom it asks),
 * a wave's results (hidden below the smallest group) and closing it.
 *
 * Button data:
 *   pw:l  pw:n  pw:k:VARIANT  pw:v:ID  pw:c:ID
 *   list, choose a kind, launch it, a wave's results, close a wave
 * Everything is checked again when pressed: the data may be stale or forged.
 */
#include "handlers/curator.h"
#include "handlers/polls.h"
#include "util/clock.h"
#include "util/strbuf.h"
#include "util/tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_WAVES 8          /* waves on the list, the newest */

static void org_zone(hctx *h, char *buf, size_t size)
{
    org o;
    snprintf(buf, size, "%s", org_get(h->d, h->acct.org_id, &o) == MB_OK ? o.timezone : "");
}

/* "Ожидания — наставляемые, с 01.10.2026: ответили 3 из 10 (30%)". */
static char *wave_line(hctx *h, const poll_wave *w)
{
    char zone[64], date[32], asked[16], answered[16], pct[16], key[40];
    int a = 0, n = 0;
    org_zone(h, zone, sizeof zone);
    tz_format(zone, w->state[0] == 'c' && w->closes_at ? w->closes_at : w->opens_at, h->lang, 0, date, sizeof date);
    poll_wave_counts(h->d, w->id, &a, &n);
    snprintf(asked, sizeof asked, "%d", a);
    snprintf(answered, sizeof answered, "%d", n);
    snprintf(pct, sizeof pct, "%d", a ? (n * 100 + a / 2) / a : 0);
    snprintf(key, sizeof key, "poll.line_%s", w->state);
    return TF(h, key, "name", poll_variant_text(h->env, h->lang, w->kind, w->audience), "date", date, "asked", asked,
              "answered", answered, "percent", pct, NULL);
}

static mb_status show_list(hctx *h)
{
    poll_wave waves[LIST_WAVES];
    int n = poll_waves_of_org(h->d, h->acct.org_id, waves, LIST_WAVES);
    strbuf sb;
    sb_init(&sb, 16 * 1024);
    sb_puts(&sb, T(h, n ? "poll.list_title" : "poll.list_empty"));
    keyboard kb = {0};
    for (int i = 0; i < n; i++) {
        char *line = wave_line(h, &waves[i]), data[32], label[200];
        sb_printf(&sb, "\n\n%d. %s", i + 1, line ? line : "");
        free(line);
        if (!strcmp(waves[i].state, "scheduled")) continue;
        snprintf(data, sizeof data, "pw:v:%lld", (long long)waves[i].id);
        snprintf(label, sizeof label, "%d. %s", i + 1, poll_variant_text(h->env, h->lang, waves[i].kind,
                                                                       waves[i].audience));
        char cut[200];
        curator_label(label, CURATOR_LABEL_PAIR_MAX, cut, sizeof cut);
        kb_row(&kb);
        kb_button(&kb, cut, data);
    }
    kb_row(&kb);
    kb_button(&kb, T(h, "poll.launch"), "pw:n");
    return curator_send(h, sb_take(&sb), &kb);
}

static mb_status ask_variant(hctx *h)
{
    keyboard kb = {0};
    for (int v = 0; v < POLL_VARIANTS; v++) {
        char data[24];
        snprintf(data, sizeof data, "pw:k:%d", v);
        kb_row(&kb);
        kb_button(&kb, poll_variant_text(h->env, h->lang, poll_variants[v].kind, poll_variants[v].audience), data);
    }
    mb_status rc = reply_text(h, T(h, "poll.launch_ask"), &kb);
    kb_free(&kb);
    return rc;
}

/* A wave of the variant now: the one the calendar scheduled for this
 * school year when there is one, else a new one; never a second open one. */
static mb_status launch(hctx *h, int v)
{
    const char *kind = poll_variants[v].kind, *audience = poll_variants[v].audience;
    const char *name = poll_variant_text(h->env, h->lang, kind, audience);
    int64_t now = clock_now_ms(), from, to, id = 0;
    poll_school_year(now, &from, &to);
    poll_wave w;
    mb_status rc = poll_wave_find(h->d, h->acct.org_id, kind, audience, from, INT64_MAX, &w);
    if (rc && rc != MB_ERR_NOT_FOUND) return rc;
    if (rc == MB_OK && strcmp(w.state, "open") == 0)
        return curator_send(h, TF(h, "poll.already_open", "name", name, NULL), NULL);
    if (rc == MB_OK && strcmp(w.state, "scheduled") == 0) id = w.id;
    mentorship_program prog;
    int64_t program_id = mentorship_program_load(h->d, h->acct.org_id, &prog) == MB_OK ? prog.id : 0;
    if (!id && (rc = poll_wave_add(h->d, h->acct.org_id, program_id, kind, audience, now, h->acct.id, &id))) return rc;
    int asked = 0;
    rc = poll_wave_launch(h->d, h->env, id, &asked);
    if (rc == MB_ERR_NOT_FOUND) {
        if ((rc = poll_wave_drop(h->d, id))) return rc;
        return reply_text(h, T(h, "poll.unavailable"), NULL);
    }
    if (rc) return rc;
    if (asked == 0) {
        if ((rc = poll_wave_drop(h->d, id))) return rc;
        return curator_send(h, TF(h, "poll.nobody", "name", name, NULL), NULL);
    }
    char actor[32], subject[32], detail[64], n[16];
    curator_actor(h, actor, sizeof actor);
    snprintf(subject, sizeof subject, "poll_wave:%lld", (long long)id);
    snprintf(detail, sizeof detail, "%s %s, %d asked", kind, audience, asked);
    if ((rc = audit_log(h->d, actor, "poll.launch", subject, detail))) return rc;
    snprintf(n, sizeof n, "%d", asked);
    return curator_send(h, TF(h, "poll.launched", "name", name, "n", n, NULL), NULL);
}

/* The wave a button names, when it is the curator's organisation's. */
static int wave_of_button(hctx *h, long long id, poll_wave *w)
{
    return poll_wave_load(h->d, id, w) == MB_OK && curator_in_scope(h, w->org_id) &&
           w->org_id == h->acct.org_id;
}

static mb_status show_wave(hctx *h, const poll_wave *w)
{
    char *line = wave_line(h, w), *results = poll_results_text(h->d, h->env, h->lang, w->id);
    char *text = line && results ? TF(h, "poll.wave", "line", line, "results", results, NULL) : NULL;
    free(line);
    free(results);
    keyboard kb = {0};
    if (strcmp(w->state, "open") == 0) {
        char data[32];
        snprintf(data, sizeof data, "pw:c:%lld", (long long)w->id);
        kb_button(&kb, T(h, "poll.close"), data);
    }
    kb_row(&kb);
    kb_button(&kb, T(h, "poll.back"), "pw:l");
    return curator_send(h, text, &kb);
}

mb_status curator_polls_button(hctx *h, const char *action, const payload_field *f, int n)
{
    /* l, n, k:VARIANT, v:WAVE or c:WAVE (routes.c) */
    (void)action, (void)n;
    char op = f[0].word[0];
    poll_wave w;
    mb_status rc;
    if (op == 'l' || op == 'n') {
        if ((rc = reply_answer_button(h, NULL))) return rc;
        return op == 'l' ? show_list(h) : ask_variant(h);
    }
    if (op == 'k') {
        if ((rc = reply_answer_button(h, NULL))) return rc;
        return launch(h, (int)f[1].number);
    }
    /* v and c: a wave */
    if (!wave_of_button(h, f[1].number, &w)) return flow_refuse_button(h, "poll wave outside the organisation");
    if ((rc = reply_answer_button(h, NULL))) return rc;
    if (op == 'v') return show_wave(h, &w);
    if (strcmp(w.state, "closed") == 0) return show_wave(h, &w);
    char actor[32], subject[32];
    curator_actor(h, actor, sizeof actor);
    snprintf(subject, sizeof subject, "poll_wave:%lld", (long long)w.id);
    if ((rc = poll_wave_close(h->d, w.id, clock_now_ms())) ||
        (rc = audit_log(h->d, actor, "poll.close", subject, NULL)) || (rc = poll_wave_load(h->d, w.id, &w)))
        return rc;
    if ((rc = reply_text(h, T(h, "poll.closed_done"), NULL))) return rc;
    return show_wave(h, &w);
}

/*
 * The digest's contents and its words: what one scope did in a week, read
 * by storage/digest.c, and the text a curator reads on a phone between
 * lessons: one line per thing that matters, numbers with their plural
 * forms, nothing about what did not happen, and one line for a quiet week.
 */
#include "handlers/digest_batch.h"
#include "storage/territories.h"
#include "util/strbuf.h"
#include "util/tz.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS 86400000LL
#define ORG_LINES_MAX 30      /* organisations a coordinator's text names; the rest are in the workbook */

void digest_rules_default(digest_rules *r)
{
    r->weekday = 1;
    r->hour = 9;
    r->files_limit = DIGEST_FILES_MAX_DEFAULT;
    r->indicator_set[0] = 0;
}

int digest_rules_parse_day(const char *text, int *weekday)
{
    static const char *const days[] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
    char low[16];
    size_t n = 0;
    for (; text[n] && n + 1 < sizeof low; n++) low[n] = (char)tolower((unsigned char)text[n]);
    low[n] = 0;
    if (text[n]) return -1;
    if (strcmp(low, "off") == 0) {
        *weekday = 0;
        return 0;
    }
    if (n == 1 && low[0] >= '1' && low[0] <= '7') {
        *weekday = low[0] - '0';
        return 0;
    }
    for (int i = 0; i < 7; i++)
        if (strcmp(low, days[i]) == 0 || (n == 3 && strncmp(low, days[i], 3) == 0)) {
            *weekday = i + 1;
            return 0;
        }
    return -1;
}

/* Adds an organisation's week (as its own digest reads it) into g. */
static void add_org(digest *g, const digest_batch_org *o)
{
    digest_counts_add(&g->total, &o->c);
    for (int w = 0; w < g->weeks; w++) g->held_by_week[w] += o->held_by_week[w];
}

/* The organisations of a territory, a line each, from the batch. */
static mb_status territory_lines(db *d, digest_batch *b, digest *g)
{
    int64_t *ids = malloc(DIGEST_ORGS_MAX * sizeof *ids);
    int n = ids ? digest_territory_orgs(d, g->scope_id, ids, DIGEST_ORGS_MAX) : -1;
    if (n > 0 && !(g->orgs = calloc((size_t)n, sizeof *g->orgs))) n = -1;
    mb_status rc = MB_OK;
    for (int i = 0; i < n && !rc; i++) {
        const digest_batch_org *o;
        if ((rc = digest_batch_org_week(d, b, g, ids[i], &o))) break;
        if (o->read_rc) continue;   /* an organisation that cannot be read has no line */
        digest_org_line *l = &g->orgs[g->norgs++];
        l->id = o->id;
        snprintf(l->name, sizeof l->name, "%s", o->name);
        l->c = o->c;
        add_org(g, o);
    }
    free(ids);
    if (!rc && n < 0) rc = db_fault(d) ? MB_ERR_DB : MB_ERR_NOMEM;
    return rc;
}

/* The organisations of a territory, a line each, read at once: a digest
 * made on its own, with no run's readings to share (the same counts as
 * each school's own digest; tests/test_digest.c holds them equal). */
static mb_status territory_lines_at_once(db *d, digest *g)
{
    digest_org_week *weeks;
    int n;
    mb_status rc = digest_territory_weeks(d, g->scope_id, g->start, g->end, g->year_start, g->weeks, &weeks, &n,
                                          g->held_by_week);
    if (rc) return rc;
    if (n > 0 && !(g->orgs = calloc((size_t)n, sizeof *g->orgs))) rc = MB_ERR_NOMEM;
    for (int i = 0; !rc && i < n; i++) {
        digest_org_line *l = &g->orgs[g->norgs++];
        l->id = weeks[i].id;
        snprintf(l->name, sizeof l->name, "%s", weeks[i].name);
        l->c = weeks[i].c;
        digest_counts_add(&g->total, &weeks[i].c);
    }
    free(weeks);
    return rc;
}

mb_status digest_build(db *d, const bot_env *env, int of_territory, int64_t scope_id, int64_t end, const char *zone,
                       const char *lang, digest *out)
{
    memset(out, 0, sizeof *out);
    out->territory = of_territory;
    out->scope_id = scope_id;
    snprintf(out->lang, sizeof out->lang, "%s", lang ? lang : "ru");
    digest_week_of(out, end, zone);
    digest_batch *b = env->digest_batch, *own = NULL;
    if (!b && !(b = own = digest_batch_single())) return MB_ERR_NOMEM;
    mb_status rc;
    if (!of_territory) {
        const digest_batch_org *o;
        if (!(rc = digest_batch_org_week(d, b, out, scope_id, &o)) && (rc = o->read_rc) == MB_OK) {
            snprintf(out->scope_name, sizeof out->scope_name, "%s", o->name);
            add_org(out, o);
        }
    } else {
        territory t;
        if (!(rc = territory_get(d, scope_id, &t))) {
            snprintf(out->scope_name, sizeof out->scope_name, "%s", t.name);
            rc = own ? territory_lines_at_once(d, out) : territory_lines(d, b, out);
        }
    }
    if (!rc) rc = digest_indicators_load_in(d, env, b, out);
    digest_batch_free(own);
    if (rc) digest_free(out);
    return rc;
}

void digest_free(digest *g)
{
    if (!g) return;
    free(g->orgs);
    g->orgs = NULL;
    g->norgs = 0;
}

static void number(char *buf, size_t size, long long n) { snprintf(buf, size, "%lld", n); }

/* A decimal with one digit, a comma in Russian. */
static void decimal(const char *lang, double v, char *buf, size_t size)
{
    snprintf(buf, size, "%.1f", floor(v * 10 + 0.5) / 10);   /* half up, as people round */
    if (strcmp(lang, "en") != 0)
        for (char *p = buf; *p; p++)
            if (*p == '.') *p = ',';
}

/* Appends text (freed) as a line. */
static void line(strbuf *sb, char *text)
{
    if (!text) {
        sb->failed = 1;
        return;
    }
    sb_printf(sb, "\n%s", text);
    free(text);
}

static char *plural(const bot_env *env, const digest *g, const char *key, long long n)
{
    return i18n_plural(env->texts, g->lang, key, n, NULL);
}

static void meetings_line(strbuf *sb, const bot_env *env, const digest *g)
{
    const digest_counts *c = &g->total;
    if (!c->held && !c->missed && !c->upcoming) {
        sb_printf(sb, "\n%s", i18n_text(env->texts, g->lang, "digest.meetings_none"));
        return;
    }
    strbuf list;
    sb_init(&list, 0);
    const char *keys[3] = {"digest.held", "digest.missed", "digest.upcoming"};
    int values[3] = {c->held, c->missed, c->upcoming};
    for (int i = 0; i < 3; i++) {
        if (!values[i]) continue;
        char *part = plural(env, g, keys[i], values[i]);
        if (part) sb_printf(&list, "%s%s", list.len ? ", " : "", part);
        free(part);
    }
    line(sb, i18n_format(env->texts, g->lang, "digest.meetings", "list", sb_str(&list), NULL));
    sb_free(&list);
}

static void stalled_line(strbuf *sb, const bot_env *env, const digest *g)
{
    static const char *const keys[DIGEST_STALL_REASONS] = {"digest.stall.never", "digest.stall.no_meeting",
                                                           "digest.stall.missed", "digest.stall.useless",
                                                           "digest.stall.silent"};
    strbuf reasons;
    sb_init(&reasons, 0);
    for (int i = 0; i < DIGEST_STALL_REASONS; i++) {
        if (!g->total.stalled_by[i]) continue;
        char n[16];
        number(n, sizeof n, g->total.stalled_by[i]);
        char *part = i18n_format(env->texts, g->lang, keys[i], "n", n, NULL);
        if (part) sb_printf(&reasons, "%s%s", reasons.len ? "; " : "", part);
        free(part);
    }
    line(sb, i18n_plural(env->texts, g->lang, "digest.stalled", g->total.stalled, "reasons", sb_str(&reasons), NULL));
    sb_free(&reasons);
}

static void org_lines(strbuf *sb, const bot_env *env, const digest *g)
{
    int quiet = 0, shown = 0;
    sb_printf(sb, "\n\n%s", i18n_text(env->texts, g->lang, "digest.orgs_title"));
    for (int i = 0; i < g->norgs; i++) {
        const digest_counts *c = &g->orgs[i].c;
        if (digest_counts_empty(c) || shown == ORG_LINES_MAX) {
            quiet++;
            continue;
        }
        char a[16], b[16], h[16], s[16];
        number(a, sizeof a, c->registrations);
        number(b, sizeof b, c->waiting);
        number(h, sizeof h, c->held);
        number(s, sizeof s, c->stalled);
        line(sb, i18n_format(env->texts, g->lang, "digest.org_line", "org", g->orgs[i].name, "new", a, "waiting", b,
                             "held", h, "stalled", s, NULL));
        shown++;
    }
    if (quiet) line(sb, plural(env, g, "digest.orgs_quiet", quiet));
}

static void button(const bot_env *env, const digest *g, keyboard *kb, const char *key, int n, const char *data)
{
    char count[16];
    number(count, sizeof count, n);
    char *label = i18n_format(env->texts, g->lang, key, "n", count, NULL);
    kb_row(kb);
    kb_button(kb, label ? label : key, data);
    free(label);
}

char *digest_text(const bot_env *env, const digest *g, int for_curator, keyboard *kb)
{
    char from[32], to[32];
    tz_format(g->zone, g->start, g->lang, 0, from, sizeof from);
    tz_format(g->zone, g->end - 1, g->lang, 0, to, sizeof to);
    const digest_counts *c = &g->total;
    if (digest_counts_empty(c))
        return i18n_format(env->texts, g->lang, "digest.empty", "from", from, "to", to, "scope", g->scope_name, NULL);
    strbuf sb;
    sb_init(&sb, 0);
    char *title = i18n_format(env->texts, g->lang, "digest.title", "from", from, "to", to, "scope", g->scope_name, NULL);
    if (title) sb_puts(&sb, title);
    else sb.failed = 1;
    free(title);
    if (c->registrations) line(&sb, plural(env, g, "digest.registrations", c->registrations));
    if (c->waiting) {
        long long days = c->waiting_since && g->end > c->waiting_since ? (g->end - c->waiting_since) / DAY_MS : 0;
        char *d = plural(env, g, "days", days);
        line(&sb, d ? i18n_plural(env->texts, g->lang, "digest.waiting", c->waiting, "days", d, NULL) : NULL);
        free(d);
    }
    if (c->pending_consent) line(&sb, plural(env, g, "digest.consents", c->pending_consent));
    meetings_line(&sb, env, g);
    if (c->stalled) stalled_line(&sb, env, g);
    if (c->poll_invited) {
        char a[16], i[16], p[16];
        number(a, sizeof a, c->poll_answered);
        number(i, sizeof i, c->poll_invited);
        number(p, sizeof p, (long long)(100.0 * c->poll_answered / c->poll_invited + 0.5));
        line(&sb, i18n_format(env->texts, g->lang, "digest.polls", "answered", a, "invited", i, "percent", p, NULL));
    }
    if (c->satisfaction_n) {
        char mean[16];
        decimal(g->lang, c->satisfaction_sum / c->satisfaction_n, mean, sizeof mean);
        char *answers = plural(env, g, "digest.answers", c->satisfaction_n);
        line(&sb, answers ? i18n_format(env->texts, g->lang, "digest.satisfaction", "mean", mean, "answers", answers,
                                        NULL)
                          : NULL);
        free(answers);
    }
    if (g->territory) org_lines(&sb, env, g);
    sb_printf(&sb, "\n\n%s", i18n_text(env->texts, g->lang, "digest.files_note"));
    if (kb && for_curator && !g->territory) {
        /* each thing that needs the curator opens where it is handled */
        if (c->waiting) button(env, g, kb, "digest.button_waiting", c->waiting, "cq:0");
        if (c->pending_consent) button(env, g, kb, "digest.button_consents", c->pending_consent, "m:pending");
        if (c->stalled) button(env, g, kb, "digest.button_stalled", c->stalled, "zl:0");
    } else if (kb && g->territory) {
        kb_row(kb);
        kb_button(kb, i18n_text(env->texts, g->lang, "digest.button_overview"), "co:view");
    }
    if (sb.failed) {
        sb_free(&sb);
        return NULL;
    }
    return sb_take(&sb);
}

void digest_school_year(const digest *g, char *buf, size_t size)
{
    struct tm tm;
    int y = tz_local(g->zone, g->year_start, &tm) ? 0 : tm.tm_year + 1900;
    snprintf(buf, size, "%d/%02d", y, (y + 1) % 100);
}

void digest_value_text(const digest *g, const digest_indicator *ind, double v, char *buf, size_t size)
{
    if (v == (long long)v) snprintf(buf, size, "%lld%s", (long long)v, ind->percent ? " %" : "");
    else {
        decimal(g->lang, v, buf, size);
        if (ind->percent) {
            size_t n = strlen(buf);
            snprintf(buf + n, size - n, " %%");
        }
    }
}

char *digest_alt_text(const bot_env *env, const digest *g)
{
    strbuf list;
    sb_init(&list, 0);
    char year[16];
    digest_school_year(g, year, sizeof year);
    char *indicators = NULL;
    for (int i = 0; i < g->nind; i++) {
        const digest_indicator *ind = &g->ind[i];
        char fact[32], target[32];
        if (!ind->has_target) continue;   /* as the chart: indicators against their targets */
        digest_value_text(g, ind, ind->fact, fact, sizeof fact);
        digest_value_text(g, ind, ind->target, target, sizeof target);
        char *part = i18n_format(env->texts, g->lang, ind->has_fact ? "digest.alt_indicator" : "digest.alt_indicator_no_fact",
                                 "name", ind->name, "fact", fact, "target", target, NULL);
        if (part) sb_printf(&list, "%s%s", list.len ? "; " : "", part);
        free(part);
    }
    indicators = list.len ? i18n_format(env->texts, g->lang, "digest.alt_indicators", "year", year, "list", sb_str(&list), NULL)
                          : strdup(i18n_text(env->texts, g->lang, "digest.alt_no_indicators"));
    sb_free(&list);
    int total = 0, peak = 0;
    for (int i = 0; i < g->weeks; i++) {
        total += g->held_by_week[i];
        if (g->held_by_week[i] > peak) peak = g->held_by_week[i];
    }
    char *trend;
    if (total) {
        char from[32], t[16], p[16], l[16];
        tz_format(g->zone, g->year_start, g->lang, 0, from, sizeof from);
        number(t, sizeof t, total);
        number(p, sizeof p, peak);
        number(l, sizeof l, g->weeks ? g->held_by_week[g->weeks - 1] : 0);
        trend = i18n_format(env->texts, g->lang, "digest.alt_trend", "from", from, "total", t, "peak", p, "last", l, NULL);
    } else {
        trend = strdup(i18n_text(env->texts, g->lang, "digest.alt_no_trend"));
    }
    char *text = indicators && trend
                     ? i18n_format(env->texts, g->lang, "digest.alt", "indicators", indicators, "trend", trend, NULL)
                     : NULL;
    free(indicators);
    free(trend);
    return text;
}

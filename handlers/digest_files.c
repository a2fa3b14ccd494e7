/*
 * The digest's files: the chart (report/chart.h) and the workbook
 * (util/xlsx.h, the writer of the indicator reports): a sheet of
 * indicators laid out like the monitoring tables, a sheet of mentorships
 * with their meetings and last activity, a sheet of the people waiting.
 * Every name and free text goes in as a text cell (never a formula),
 * dates as dates, counts as numbers; columns as wide as their contents.
 */
#include "handlers/curator.h"
#include "handlers/digest.h"
#include "report/chart.h"
#include "util/tz.h"
#include "util/xlsx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define COLUMNS_MAX 12
#define WIDTH_MIN 8.0
#define WIDTH_MAX 60.0     /* wider text wraps */

static const char *t(const bot_env *env, const digest *g, const char *key) { return i18n_text(env->texts, g->lang, key); }

mb_status digest_write_chart(const bot_env *env, const digest *g, const char *path)
{
    chart_bar bars[DIGEST_INDICATORS_MAX];
    char values[DIGEST_INDICATORS_MAX][96];
    int n = 0;
    for (int i = 0; i < g->nind && n < CHART_BARS_MAX; i++) {
        const digest_indicator *ind = &g->ind[i];
        if (!ind->has_target) continue;   /* the picture is of targets; the workbook has every row */
        char fact[32], target[32];
        digest_value_text(g, ind, ind->fact, fact, sizeof fact);
        digest_value_text(g, ind, ind->target, target, sizeof target);
        char *v = i18n_format(env->texts, g->lang, ind->has_fact ? "digest.value" : "digest.value_none", "fact", fact,
                              "target", target, NULL);
        snprintf(values[n], sizeof values[n], "%s", v ? v : "");
        free(v);
        bars[n] = (chart_bar){ind->name, values[n], ind->fact, ind->target, ind->has_fact, ind->has_target};
        n++;
    }
    char from[32], to[32], first[32], last[32], year[16];
    tz_format(g->zone, g->start, g->lang, 0, from, sizeof from);
    tz_format(g->zone, g->end - 1, g->lang, 0, to, sizeof to);
    tz_format(g->zone, g->year_start, g->lang, 0, first, sizeof first);
    snprintf(last, sizeof last, "%s", to);
    digest_school_year(g, year, sizeof year);
    char *title = i18n_format(env->texts, g->lang, "digest.chart_title", "scope", g->scope_name, "from", from, "to", to,
                              NULL);
    char *bars_title = i18n_format(env->texts, g->lang, "digest.chart_bars", "year", year, NULL);
    mb_status rc = MB_ERR_NOMEM;
    if (title && bars_title) {
        chart_input in = {
            .title = title,
            .bars_title = bars_title,
            .bars = bars,
            .nbars = n,
            .bars_empty = t(env, g, "digest.chart_bars_empty"),
            .trend_title = t(env, g, "digest.chart_trend"),
            .held_by_week = g->held_by_week,
            .weeks = g->weeks,
            .trend_first = first,
            .trend_last = last,
            .trend_empty = t(env, g, "digest.chart_trend_empty"),
            .legend_fact = t(env, g, "digest.legend_fact"),
            .legend_target = t(env, g, "digest.legend_target"),
            .legend_held = t(env, g, "digest.legend_held"),
        };
        rc = chart_write_png(&in, path);
    }
    free(title);
    free(bars_title);
    if (rc) unlink(path);
    return rc;
}

/* A sheet being written: its next row and its columns' widths. */
typedef struct sheet {
    xlsx_book *b;
    const bot_env *env;
    const digest *g;
    db *d;
    int row;
    double width[COLUMNS_MAX];
    int fixed;          /* the zone kept one UTC offset over the school year: */
    long offset_s;      /* dates are read with it, not through the zone database each time */
} sheet;

static long utc_offset(const char *zone, int64_t ms, int *ok)
{
    struct tm tm;
    if (tz_local(zone, ms, &tm)) {
        *ok = 0;
        return 0;
    }
    time_t local = timegm(&tm);
    return (long)(local - (time_t)(ms / 1000));
}

/* Whether one offset holds from the school year's start to the week's
 * end (no summer time in between), and which. */
static void offset_of(sheet *s)
{
    int ok = 1;
    long a = utc_offset(s->g->zone, s->g->year_start, &ok), b = utc_offset(s->g->zone, s->g->end, &ok);
    s->fixed = ok && a == b;
    s->offset_s = a;
}

static int local_day(sheet *s, int64_t ms, struct tm *tm)
{
    if (!s->fixed) return tz_local(s->g->zone, ms, tm);
    time_t t = (time_t)(ms / 1000) + s->offset_s;
    return gmtime_r(&t, tm) ? 0 : -1;
}

static void fit(sheet *s, int col, const char *text)
{
    if (col >= COLUMNS_MAX || !text) return;
    double chars = 0;
    for (const char *p = text; *p; p++) chars += ((unsigned char)*p & 0xC0) != 0x80;
    chars += 2;
    if (chars > WIDTH_MAX) chars = WIDTH_MAX;
    if (chars > s->width[col]) s->width[col] = chars;
}

static void text(sheet *s, int col, const char *v)
{
    xlsx_text(s->b, s->row, col, v);
    fit(s, col, v);
}

static void header(sheet *s, int col, const char *key)
{
    const char *v = t(s->env, s->g, key);
    xlsx_header(s->b, s->row, col, v);
    fit(s, col, v);
}

static void num(sheet *s, int col, double v, int decimals)
{
    xlsx_number(s->b, s->row, col, v, decimals);
    fit(s, col, "000000");
}

static void date(sheet *s, int col, int64_t ms)
{
    struct tm tm;
    if (ms <= 0 || local_day(s, ms, &tm)) {
        xlsx_blank(s->b, s->row, col);
        return;
    }
    xlsx_date(s->b, s->row, col, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    fit(s, col, "00.00.0000");
}

static void widths(sheet *s, int columns)
{
    for (int i = 0; i < columns && i < COLUMNS_MAX; i++)
        xlsx_column_width(s->b, i, s->width[i] < WIDTH_MIN ? WIDTH_MIN : s->width[i]);
}

static void begin(sheet *s, const char *name_key)
{
    xlsx_sheet_add(s->b, t(s->env, s->g, name_key));
    s->row = 0;
    memset(s->width, 0, sizeof s->width);
}

static void indicators_sheet(sheet *s)
{
    static const char *const cols[] = {"digest.col_code", "digest.col_name", "digest.col_target", "digest.col_fact",
                                       "digest.col_num", "digest.col_den", "digest.col_rule"};
    const int ncols = (int)(sizeof cols / sizeof cols[0]);
    begin(s, "digest.sheet_indicators");
    for (int i = 0; i < ncols; i++) header(s, i, cols[i]);
    xlsx_freeze_rows(s->b, 1);
    for (int i = 0; i < s->g->nind; i++) {
        const digest_indicator *ind = &s->g->ind[i];
        s->row++;
        text(s, 0, ind->code);
        text(s, 1, ind->name);
        if (ind->has_target) num(s, 2, ind->target, ind->target == (long long)ind->target ? 0 : 2);
        else xlsx_blank(s->b, s->row, 2);
        if (ind->has_fact) num(s, 3, ind->fact, ind->digits);
        else xlsx_blank(s->b, s->row, 3);
        if (ind->has_num) num(s, 4, ind->num, 0);
        else xlsx_blank(s->b, s->row, 4);
        if (ind->has_den) num(s, 5, ind->den, 0);
        else xlsx_blank(s->b, s->row, 5);
        text(s, 6, ind->rule);
    }
    widths(s, ncols);
}

static const char *shown_name(sheet *s, const char *name) { return name[0] ? name : t(s->env, s->g, "digest.no_name"); }

static int pair_row(const digest_pair_row *r, void *arg)
{
    sheet *s = arg;
    int c = 0;
    s->row++;
    num(s, c++, (double)r->id, 0);
    text(s, c++, shown_name(s, r->mentor));
    text(s, c++, r->mentees);
    char key[48];
    snprintf(key, sizeof key, "match.form.%s", r->form[0] ? r->form : "none");
    text(s, c++, t(s->env, s->g, key));
    date(s, c++, r->created_at);
    num(s, c++, r->held, 0);
    num(s, c++, r->missed, 0);
    num(s, c++, r->planned, 0);
    date(s, c++, r->last_activity);
    static const char *const reasons[DIGEST_STALL_REASONS] = {"digest.reason.never", "digest.reason.no_meeting",
                                                              "digest.reason.missed", "digest.reason.useless",
                                                              "digest.reason.silent"};
    text(s, c++, r->stall_reason >= 0 && r->stall_reason < DIGEST_STALL_REASONS ? t(s->env, s->g, reasons[r->stall_reason])
                                                                                 : "");
    return 0;
}

static int waiting_row(const digest_waiting_row *r, void *arg)
{
    sheet *s = arg;
    int c = 0;
    s->row++;
    text(s, c++, shown_name(s, r->name));
    account a;
    memset(&a, 0, sizeof a);
    snprintf(a.category, sizeof a.category, "%s", r->category);
    a.grade = r->grade;
    char who[128], key[48];
    curator_who(s->env->texts, s->g->lang, &a, who, sizeof who);
    text(s, c++, who);
    date(s, c++, r->joined_at);
    num(s, c++, s->g->end > r->joined_at ? (double)((s->g->end - r->joined_at) / 86400000LL) : 0, 0);
    snprintf(key, sizeof key, "digest.waits.%s", r->state);
    text(s, c++, t(s->env, s->g, key));
    return 0;
}

static mb_status list_sheet(sheet *s, int pairs)
{
    static const char *const pair_cols[] = {"digest.col_pair", "digest.col_mentor", "digest.col_mentees",
                                            "digest.col_form", "digest.col_since", "digest.col_held",
                                            "digest.col_missed", "digest.col_planned", "digest.col_last",
                                            "digest.col_stall"};
    static const char *const wait_cols[] = {"digest.col_person", "digest.col_who", "digest.col_joined",
                                            "digest.col_days", "digest.col_waits"};
    const char *const *cols = pairs ? pair_cols : wait_cols;
    int ncols = pairs ? (int)(sizeof pair_cols / sizeof *pair_cols) : (int)(sizeof wait_cols / sizeof *wait_cols);
    begin(s, pairs ? "digest.sheet_pairs" : "digest.sheet_waiting");
    for (int i = 0; i < ncols; i++) header(s, i, cols[i]);
    xlsx_freeze_rows(s->b, 1);
    mb_status rc = pairs ? digest_pairs_each(s->d, s->g->scope_id, s->g->start, pair_row, s)
                         : digest_waiting_each(s->d, s->g->scope_id, waiting_row, s);
    widths(s, ncols);
    return rc;
}

/* A territory's organisations, a row each with the week's counts: a
 * region's tens of thousands of pairs would not be read in a messenger. */
static void orgs_sheet(sheet *s)
{
    static const char *const cols[] = {"digest.col_org", "digest.col_new", "digest.col_waiting",
                                       "digest.col_longest", "digest.col_consents", "digest.col_pairs",
                                       "digest.col_held", "digest.col_missed", "digest.col_upcoming",
                                       "digest.col_stalled"};
    const int ncols = (int)(sizeof cols / sizeof cols[0]);
    begin(s, "digest.sheet_orgs");
    for (int i = 0; i < ncols; i++) header(s, i, cols[i]);
    xlsx_freeze_rows(s->b, 1);
    for (int i = 0; i < s->g->norgs; i++) {
        const digest_counts *c = &s->g->orgs[i].c;
        s->row++;
        text(s, 0, s->g->orgs[i].name);
        num(s, 1, c->registrations, 0);
        num(s, 2, c->waiting, 0);
        if (c->waiting_since && s->g->end > c->waiting_since)
            num(s, 3, (double)((s->g->end - c->waiting_since) / 86400000LL), 0);
        else xlsx_blank(s->b, s->row, 3);
        num(s, 4, c->pending_consent, 0);
        num(s, 5, c->active_pairs, 0);
        num(s, 6, c->held, 0);
        num(s, 7, c->missed, 0);
        num(s, 8, c->upcoming, 0);
        num(s, 9, c->stalled, 0);
    }
    widths(s, ncols);
}

mb_status digest_write_workbook(db *d, const bot_env *env, const digest *g, const char *path)
{
    xlsx_book *b = xlsx_book_new(path);
    if (!b) return MB_ERR_IO;
    sheet s = {.b = b, .env = env, .g = g, .d = d};
    offset_of(&s);
    indicators_sheet(&s);
    mb_status rc = MB_OK;
    if (g->territory) orgs_sheet(&s);
    else if (!(rc = list_sheet(&s, 1))) rc = list_sheet(&s, 0);
    mb_status closed = xlsx_book_close(b);
    if (!rc) rc = closed;
    if (rc) unlink(path);
    return rc;
}

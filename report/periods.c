/*
 * Periods (school year, calendar year, as-of date), scopes as written on
 * the command line, and the rounding rules of the indicators.
 */
#include "report/indicators.h"

#include "storage/territories.h"
#include "util/tz.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- periods and scopes ---- */

static int64_t local_midnight(const char *zone, int year, int month, int day)
{
    struct tm t = {.tm_year = year - 1900, .tm_mon = month - 1, .tm_mday = day};
    int64_t ms = 0;
    if (tz_from_local(zone, &t, &ms)) tz_from_local(NULL, &t, &ms);
    return ms;
}

static void school_year(int first, const char *zone, ind_period *out)
{
    out->kind = IND_PERIOD_SCHOOL_YEAR;
    snprintf(out->label, sizeof out->label, "%d-%02d", first, (first + 1) % 100);
    out->start_ms = local_midnight(zone, first, 9, 1);
    out->end_ms = local_midnight(zone, first + 1, 9, 1) - 1;
    out->ref_year = first;
    out->target_year = first + 1;
    out->year_from = out->year_to = first;
}

static int all_digits(const char *s, int n)
{
    for (int i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

mb_status ind_period_parse(const char *text, const char *zone, ind_period *out)
{
    memset(out, 0, sizeof *out);
    size_t n = text ? strlen(text) : 0;
    if (n == 4 && all_digits(text, 4)) {
        int y = atoi(text);
        if (y < PROGRAM_YEAR_MIN || y > PROGRAM_YEAR_MAX) return MB_ERR_PARSE;
        out->kind = IND_PERIOD_CALENDAR;
        snprintf(out->label, sizeof out->label, "%d", y);
        out->start_ms = local_midnight(zone, y, 1, 1);
        out->end_ms = local_midnight(zone, y + 1, 1, 1) - 1;
        out->ref_year = out->target_year = y;
        out->year_from = y - 1;
        out->year_to = y;
        return MB_OK;
    }
    if (n == 7 && all_digits(text, 4) && text[4] == '-' && all_digits(text + 5, 2)) {
        int y = atoi(text);
        if (y < PROGRAM_YEAR_MIN || y > PROGRAM_YEAR_MAX || atoi(text + 5) != (y + 1) % 100) return MB_ERR_PARSE;
        school_year(y, zone, out);
        return MB_OK;
    }
    if (n == 10 && all_digits(text, 4) && text[4] == '-' && all_digits(text + 5, 2) && text[7] == '-' &&
        all_digits(text + 8, 2)) {
        int y = atoi(text), m = atoi(text + 5), day = atoi(text + 8);
        struct tm t = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = day};
        int64_t ms;
        if (y < PROGRAM_YEAR_MIN || y > PROGRAM_YEAR_MAX || m < 1 || m > 12 || day < 1 || tz_from_local(NULL, &t, &ms))
            return MB_ERR_PARSE;
        int first = m >= 9 ? y : y - 1;
        school_year(first, zone, out);
        out->kind = IND_PERIOD_AS_OF;
        snprintf(out->label, sizeof out->label, "%04d-%02d-%02d", y, m, day);
        struct tm next = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = day + 1};
        int64_t end;
        if (tz_from_local(zone, &next, &end)) tz_from_local(NULL, &next, &end);
        out->end_ms = end - 1;
        out->target_year = y;
        return MB_OK;
    }
    return MB_ERR_PARSE;
}

void ind_period_current(int64_t now_ms, const char *zone, ind_period *out)
{
    struct tm t;
    if (tz_local(zone, now_ms, &t)) tz_local(NULL, now_ms, &t);
    int y = t.tm_year + 1900;
    memset(out, 0, sizeof *out);
    school_year(t.tm_mon >= 8 ? y : y - 1, zone, out);
}

void ind_period_previous(const ind_period *p, const char *zone, ind_period *out)
{
    char label[16];
    if (p->kind == IND_PERIOD_SCHOOL_YEAR) snprintf(label, sizeof label, "%d-%02d", p->year_from - 1, p->year_from % 100);
    else if (p->kind == IND_PERIOD_CALENDAR) snprintf(label, sizeof label, "%d", p->target_year - 1);
    else snprintf(label, sizeof label, "%04d%s", atoi(p->label) - 1, p->label + 4);
    if (ind_period_parse(label, zone, out)) {
        /* 29 February of a year before a common one */
        *out = *p;
        out->start_ms -= 365LL * 86400000;
        out->end_ms -= 365LL * 86400000;
    }
}

mb_status ind_scope_parse(const char *text, ind_scope *out)
{
    const char *rest;
    if (strncmp(text, "org:", 4) == 0) out->kind = REF_SCOPE_ORG, rest = text + 4;
    else if (strncmp(text, "territory:", 10) == 0) out->kind = REF_SCOPE_TERRITORY, rest = text + 10;
    else return MB_ERR_PARSE;
    char *end;
    long long id = strtoll(rest, &end, 10);
    if (!*rest || *end || id <= 0) return MB_ERR_PARSE;
    out->id = id;
    return MB_OK;
}

/* ---- rounding ---- */

double ind_round(double v, ind_rounding rule)
{
    double scale = 1;
    for (int i = 0; i < rule.digits; i++) scale *= 10;
    /* a value that is exactly on a step must not fall below it by a
     * floating-point hair (0.29 * 100 = 28.999999...) */
    double x = v * scale * (1 + 1e-12);
    return (rule.kind == IND_ROUND_TRUNC ? floor(x) : floor(x + 0.5)) / scale;
}

ind_rounding ind_row_rounding(const ind_report *r, const ind_row *row)
{
    return r->has_rounding ? r->rounding : row->def->rounding;
}

void ind_value_format(const ind_report *r, const ind_row *row, double v, int decimal_comma, char *buf, size_t size)
{
    ind_rounding rule = ind_row_rounding(r, row);
    if (row->def->unit != IND_UNIT_PERCENT && v == floor(v)) rule.digits = 0;
    snprintf(buf, size, "%.*f", rule.digits, ind_round(v, rule));
    if (decimal_comma)
        for (char *p = buf; *p; p++)
            if (*p == '.') *p = ',';
}

#include "report/report_format.h"

#include "util/csv.h"
#include "util/strbuf.h"
#include "util/tz.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void ind_number_format(double v, int digits, int comma, char *buf, size_t size)
{
    char raw[64];
    snprintf(raw, sizeof raw, "%.*f", digits, v);
    const char *p = raw;
    size_t o = 0;
    if (*p == '-' && o + 1 < size) buf[o++] = *p++;
    size_t int_len = strcspn(p, ".");
    for (size_t i = 0; i < int_len && o + 2 < size; i++) {
        if (i && (int_len - i) % 3 == 0) buf[o++] = ' ';
        buf[o++] = p[i];
    }
    if (p[int_len] == '.' && o + 1 < size) {
        buf[o++] = comma ? ',' : '.';
        for (const char *q = p + int_len + 1; *q && o + 1 < size; q++) buf[o++] = *q;
    }
    buf[o] = 0;
}

/* A count as a whole number, or with the digits it has. */
static void count_format(double v, int comma, char *buf, size_t size)
{
    ind_number_format(v, v == floor(v) ? 0 : 2, comma, buf, size);
}

static const char *unit_key(ind_unit u)
{
    switch (u) {
    case IND_UNIT_PERCENT: return "indicators.unit_percent";
    case IND_UNIT_PERSONS: return "indicators.unit_persons";
    case IND_UNIT_ORGS: return "indicators.unit_orgs";
    case IND_UNIT_COUNT: return "indicators.unit_count";
    }
    return "indicators.unit_count";
}

static const char *unit_code(ind_unit u)
{
    switch (u) {
    case IND_UNIT_PERCENT: return "percent";
    case IND_UNIT_PERSONS: return "persons";
    case IND_UNIT_ORGS: return "orgs";
    case IND_UNIT_COUNT: return "count";
    }
    return "count";
}

static void put(strbuf *sb, char *text)
{
    if (text) sb_puts(sb, text);
    free(text);
}

static void shown_value(const ind_report *r, const ind_row *row, double v, char *buf, size_t size)
{
    ind_rounding rule = ind_row_rounding(r, row);
    int digits = row->def->unit == IND_UNIT_PERCENT || v != floor(v) ? rule.digits : 0;
    ind_number_format(ind_round(v, rule), digits, 1, buf, size);
}

static const ind_row *fresh_row(const ind_report *fresh, const char *code)
{
    for (int i = 0; fresh && i < fresh->n; i++)
        if (strcmp(fresh->rows[i].def->code, code) == 0) return &fresh->rows[i];
    return NULL;
}

static void row_text(strbuf *sb, const ind_report *r, const ind_report *fresh, const ind_row *row, const i18n *t,
                     const char *lang)
{
    const ind_def *def = row->def;
    char value[64], num[64], den[64], target[64], share[64], rule[32];
    sb_printf(sb, "\n%s %s\n  ", def->code, def->name);
    const char *unit = i18n_text(t, lang, unit_key(def->unit));
    if (row->has_value) {
        shown_value(r, row, row->value, value, sizeof value);
        put(sb, i18n_format(t, lang, "indicators.value", "value", value, "unit", unit, NULL));
        if (row->has_num && row->has_den && def->den.kind != IND_OP_NONE) {
            count_format(row->num, 1, num, sizeof num);
            count_format(row->den, 1, den, sizeof den);
            sb_puts(sb, " ");
            put(sb, i18n_format(t, lang, "indicators.of", "num", num, "den", den, NULL));
        }
        for (int b = 0; b < def->nbands; b++)
            if (ind_round(row->value, ind_row_rounding(r, row)) >= def->bands[b].from) {
                sb_puts(sb, "; ");
                put(sb, i18n_format(t, lang, "indicators.band", "band", def->bands[b].text, NULL));
                break;
            }
    } else if (row->flags & IND_FLAG_FEW_RESPONDENTS) {
        char n[16], invited[16], min[16];
        snprintf(n, sizeof n, "%d", row->respondents);
        snprintf(invited, sizeof invited, "%d", row->invited);
        snprintf(min, sizeof min, "%d", def->min_group);
        put(sb, i18n_format(t, lang, "indicators.few", "n", n, "invited", invited, "min", min, NULL));
    } else if (row->flags & IND_FLAG_NO_REFERENCE) {
        const char *key = def->den.kind == IND_OP_REF ? def->den.ref : def->num.ref;
        if (row->has_num && def->num.kind != IND_OP_REF) {
            count_format(row->num, 1, num, sizeof num);
            put(sb, i18n_format(t, lang, "indicators.no_reference_count", "num", num, "key", key, NULL));
        } else {
            put(sb, i18n_format(t, lang, "indicators.no_reference", "key", key, NULL));
        }
    } else {
        sb_puts(sb, i18n_text(t, lang, "indicators.no_value"));
    }
    if (row->respondents >= 0 && !(row->flags & IND_FLAG_FEW_RESPONDENTS)) {
        char n[16], invited[16], rate[32], min[32];
        snprintf(n, sizeof n, "%d", row->respondents);
        snprintf(invited, sizeof invited, "%d", row->invited);
        ind_number_format(row->invited ? ind_round(100.0 * row->respondents / row->invited, (ind_rounding){IND_ROUND_HALF_UP, 1}) : 0,
                          1, 1, rate, sizeof rate);
        count_format(def->satisfied_min, 1, min, sizeof min);
        sb_puts(sb, "\n  ");
        put(sb, i18n_format(t, lang, def->num.kind == IND_OP_SATISFIED ? "indicators.respondents"
                                                                        : "indicators.respondents_answer",
                            "n", n, "invited", invited, "rate", rate, "min", min, "item", def->item,
                            "answer", def->answer, NULL));
    }
    if (row->has_target) {
        sb_puts(sb, "\n  ");
        if (row->flags & IND_FLAG_DYNAMICS) {
            count_format(row->target, 1, target, sizeof target);
            put(sb, i18n_format(t, lang, row->has_num && row->num > row->target ? "indicators.dynamics_up"
                                                                                : "indicators.dynamics_not_up",
                                "prev", target, NULL));
        } else {
            ind_number_format(row->target, row->target == floor(row->target) ? 0 : 2, 1, target, sizeof target);
            put(sb, i18n_format(t, lang, "indicators.target", "target", target, "unit", unit, NULL));
            if (row->has_target_persons) {
                char persons[64];
                ind_number_format(row->target_persons, 0, 1, persons, sizeof persons);
                sb_puts(sb, " ");
                put(sb, i18n_format(t, lang, row->flags & IND_FLAG_PERSONS_GIVEN ? "indicators.persons_given"
                                                                                 : "indicators.persons",
                                    "persons", persons, NULL));
            }
            if (row->has_value && row->target > 0) {
                ind_number_format(ind_round(row->value / row->target * 100, (ind_rounding){IND_ROUND_HALF_UP, 1}),
                                  1, 1, share, sizeof share);
                sb_puts(sb, "; ");
                put(sb, i18n_format(t, lang, "indicators.share", "share", share, NULL));
            }
        }
    }
    if (def->unit == IND_UNIT_PERCENT || def->den.kind != IND_OP_NONE) {
        ind_rounding rr = ind_row_rounding(r, row);
        char digits[8];
        snprintf(digits, sizeof digits, "%d", rr.digits);
        ind_rounding_format(&rr, rule, sizeof rule);
        sb_puts(sb, "\n  ");
        put(sb, i18n_format(t, lang, rr.kind == IND_ROUND_TRUNC ? "indicators.rounding_trunc"
                                                                : "indicators.rounding_half_up",
                            "digits", digits, "rule", rule, NULL));
    }
    if (row->flags & IND_FLAG_REF_EARLIER) {
        char year[16];
        snprintf(year, sizeof year, "%d/%02d", row->ref_year, (row->ref_year + 1) % 100);
        sb_puts(sb, "\n  ");
        put(sb, i18n_format(t, lang, "indicators.ref_earlier", "year", year, NULL));
    }
    const ind_row *now = fresh_row(fresh, def->code);
    if (now) {
        char was[64], is[64];
        int changed = now->has_value != row->has_value || (now->has_value && now->value != row->value) ||
                      now->num != row->num || now->den != row->den;
        if (changed) {
            if (row->has_value) shown_value(r, row, row->value, was, sizeof was);
            else snprintf(was, sizeof was, "—");
            if (now->has_value) shown_value(fresh, now, now->value, is, sizeof is);
            else snprintf(is, sizeof is, "—");
            count_format(now->num, 1, num, sizeof num);
            count_format(now->den, 1, den, sizeof den);
            sb_puts(sb, "\n  ");
            put(sb, i18n_format(t, lang, "indicators.changed", "was", was, "is", is, "num", num, "den", den, NULL));
        }
    }
}

char *ind_format_text(const ind_report *r, const ind_report *fresh, const i18n *t, const char *lang, const char *zone)
{
    strbuf sb;
    sb_init(&sb, IND_TEXT_MAX);
    char from[32], to[32];
    tz_format(zone, r->period.start_ms, "ru", 0, from, sizeof from);
    tz_format(zone, r->period.end_ms, "ru", 0, to, sizeof to);
    put(&sb, i18n_format(t, lang, "indicators.title", "set", r->set->code, "title", r->set->title, "scope",
                         r->scope_name, "period", r->period.label, "from", from, "to", to, NULL));
    if (r->snapshot_at) {
        char at[32];
        tz_format(zone, r->snapshot_at, "ru", 0, at, sizeof at);
        sb_puts(&sb, "\n");
        put(&sb, i18n_format(t, lang, fresh && fresh->n ? "indicators.snapshot_recomputed" : "indicators.snapshot",
                             "date", at, NULL));
    }
    for (int i = 0; i < r->n; i++) row_text(&sb, r, fresh, &r->rows[i], t, lang);
    sb_puts(&sb, "\n");
    return sb_take(&sb);
}

int ind_format_csv(const ind_report *r, FILE *f)
{
    static const char *const header[] = {"code", "name", "scope", "period", "numerator", "denominator",
                                         "value", "target", "unit", "rounding"};
    if (csv_write_record(f, header, 10, ',')) return -1;
    char scope[64];
    snprintf(scope, sizeof scope, "%s:%lld", ref_scope_kind_name(r->scope.kind), (long long)r->scope.id);
    for (int i = 0; i < r->n; i++) {
        const ind_row *row = &r->rows[i];
        char num[48] = "", den[48] = "", value[48] = "", target[48] = "", rule[32];
        if (row->has_num && !(row->flags & IND_FLAG_FEW_RESPONDENTS)) count_format(row->num, 0, num, sizeof num);
        if (row->has_den && row->def->den.kind != IND_OP_NONE) count_format(row->den, 0, den, sizeof den);
        if (row->has_value) ind_value_format(r, row, row->value, 0, value, sizeof value);
        if (row->has_target) ind_number_format(row->target, row->target == floor(row->target) ? 0 : 2, 0, target,
                                               sizeof target);
        ind_rounding rr = ind_row_rounding(r, row);
        ind_rounding_format(&rr, rule, sizeof rule);
        /* no grouping spaces in CSV */
        for (char *bufs[] = {num, den, target}, **b = bufs; b < bufs + 3; b++) {
            char *w = *b;
            for (char *p = *b; *p; p++)
                if (*p != ' ') *w++ = *p;
            *w = 0;
        }
        const char *fields[] = {row->def->code, row->def->name, scope, r->period.label, num, den, value, target,
                                unit_code(row->def->unit), rule};
        if (csv_write_record(f, fields, 10, ',')) return -1;
    }
    return 0;
}

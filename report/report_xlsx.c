/*
 * The indicator report as a spreadsheet laid out like the monitoring
 * tables: the set's title, the scope and period, a header row in the
 * reader's language, one row per indicator with its numbers stored as
 * numbers (shown with the decimals of its rounding rule), the rule in a
 * note on the value, and what a reader must know in the last column.
 */
#include "report/report_format.h"

#include "util/strbuf.h"
#include "util/tz.h"
#include "util/xlsx.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { COL_CODE, COL_NAME, COL_UNIT, COL_NUM, COL_DEN, COL_VALUE, COL_TARGET, COL_PERSONS, COL_SHARE, COL_REMARK,
       COLUMNS };

static const char *const header_keys[COLUMNS] = {
    "indicators.xlsx_code", "indicators.xlsx_name", "indicators.xlsx_unit", "indicators.xlsx_numerator",
    "indicators.xlsx_denominator", "indicators.xlsx_value", "indicators.xlsx_target", "indicators.xlsx_persons",
    "indicators.xlsx_share", "indicators.xlsx_remark"};
static const double widths[COLUMNS] = {24, 70, 8, 12, 12, 11, 11, 11, 11, 60};

static const char *unit_key(ind_unit u)
{
    return u == IND_UNIT_PERCENT ? "indicators.unit_percent" : u == IND_UNIT_PERSONS ? "indicators.unit_persons"
         : u == IND_UNIT_ORGS ? "indicators.unit_orgs" : "indicators.unit_count";
}

static void add_line(strbuf *sb, char *text)
{
    if (text) sb_printf(sb, "%s%s", sb->len ? "\n" : "", text);
    free(text);
}

/* What the text report says beside the numbers, for the last column. */
static void remark(strbuf *sb, const ind_row *row, const i18n *t, const char *lang)
{
    const ind_def *def = row->def;
    char n[16], invited[16], min[16], rate[32], num[48];
    snprintf(n, sizeof n, "%d", row->respondents);
    snprintf(invited, sizeof invited, "%d", row->invited);
    snprintf(min, sizeof min, "%d", def->min_group);
    if (row->flags & IND_FLAG_FEW_RESPONDENTS) {
        add_line(sb, i18n_format(t, lang, "indicators.few", "n", n, "invited", invited, "min", min, NULL));
    } else if (row->respondents >= 0) {
        ind_number_format(row->invited ? ind_round(100.0 * row->respondents / row->invited,
                                                   (ind_rounding){IND_ROUND_HALF_UP, 1}) : 0, 1, 1, rate, sizeof rate);
        ind_number_format(def->satisfied_min, def->satisfied_min == floor(def->satisfied_min) ? 0 : 1, 1, min,
                          sizeof min);
        add_line(sb, i18n_format(t, lang, def->num.kind == IND_OP_SATISFIED ? "indicators.respondents"
                                                                             : "indicators.respondents_answer",
                                 "n", n, "invited", invited, "rate", rate, "min", min, "item", def->item, "answer",
                                 def->answer, NULL));
    }
    if (row->flags & IND_FLAG_NO_REFERENCE)
        add_line(sb, i18n_format(t, lang, "indicators.no_reference", "key",
                                 def->den.kind == IND_OP_REF ? def->den.ref : def->num.ref, NULL));
    if ((row->flags & IND_FLAG_DYNAMICS) && row->has_target) {
        ind_number_format(row->target, 0, 1, num, sizeof num);
        add_line(sb, i18n_format(t, lang, row->has_num && row->num > row->target ? "indicators.dynamics_up"
                                                                                 : "indicators.dynamics_not_up",
                                 "prev", num, NULL));
    }
    if (row->flags & IND_FLAG_REF_EARLIER) {
        char year[16];
        snprintf(year, sizeof year, "%d/%02d", row->ref_year, (row->ref_year + 1) % 100);
        add_line(sb, i18n_format(t, lang, "indicators.ref_earlier", "year", year, NULL));
    }
}

mb_status ind_format_xlsx(const ind_report *r, const char *path, const i18n *t, const char *lang, const char *zone)
{
    xlsx_book *b = xlsx_book_new(path);
    if (!b) return MB_ERR_IO;
    char *sheet = i18n_format(t, lang, "indicators.xlsx_sheet", "set", r->set->code, NULL);
    xlsx_sheet_add(b, sheet ? sheet : r->set->code);
    free(sheet);
    char from[32], to[32];
    tz_format(zone, r->period.start_ms, "ru", 0, from, sizeof from);
    tz_format(zone, r->period.end_ms, "ru", 0, to, sizeof to);
    char *title = i18n_format(t, lang, "indicators.title", "set", r->set->code, "title", r->set->title, "scope",
                              r->scope_name, "period", r->period.label, "from", from, "to", to, NULL);
    /* the title's two lines go in two rows */
    char *second = title ? strchr(title, '\n') : NULL;
    if (second) *second++ = 0;
    xlsx_title(b, 0, 0, title);
    xlsx_title(b, 1, 0, second);
    free(title);
    int top = 3;
    if (r->snapshot_at) {
        char at[32];
        tz_format(zone, r->snapshot_at, "ru", 0, at, sizeof at);
        char *note = i18n_format(t, lang, "indicators.snapshot", "date", at, NULL);
        xlsx_title(b, 2, 0, note);
        free(note);
        top = 4;
    }
    for (int c = 0; c < COLUMNS; c++) {
        xlsx_column_width(b, c, widths[c]);
        xlsx_header(b, top - 1, c, i18n_text(t, lang, header_keys[c]));
    }
    xlsx_freeze_rows(b, top);
    for (int i = 0; i < r->n; i++) {
        const ind_row *row = &r->rows[i];
        const ind_def *def = row->def;
        int y = top + i;
        ind_rounding rule = ind_row_rounding(r, row);
        int digits = def->unit == IND_UNIT_PERCENT ? rule.digits : 0;
        xlsx_text(b, y, COL_CODE, def->code);
        xlsx_text(b, y, COL_NAME, def->name);
        xlsx_text(b, y, COL_UNIT, i18n_text(t, lang, unit_key(def->unit)));
        int hidden = row->flags & IND_FLAG_FEW_RESPONDENTS;
        if (row->has_num && !hidden) xlsx_number(b, y, COL_NUM, row->num, row->num == floor(row->num) ? 0 : 2);
        else xlsx_blank(b, y, COL_NUM);
        if (row->has_den && def->den.kind != IND_OP_NONE) xlsx_number(b, y, COL_DEN, row->den, row->den == floor(row->den) ? 0 : 2);
        else xlsx_blank(b, y, COL_DEN);
        if (row->has_value) {
            xlsx_number(b, y, COL_VALUE, ind_round(row->value, rule), row->value == floor(row->value) ? digits : rule.digits);
            char rule_text[32], ds[8];
            snprintf(ds, sizeof ds, "%d", rule.digits);
            ind_rounding_format(&rule, rule_text, sizeof rule_text);
            char *note = i18n_format(t, lang, rule.kind == IND_ROUND_TRUNC ? "indicators.rounding_trunc"
                                                                          : "indicators.rounding_half_up",
                                     "digits", ds, "rule", rule_text, NULL);
            xlsx_note(b, y, COL_VALUE, note);
            free(note);
        } else {
            xlsx_blank(b, y, COL_VALUE);
        }
        if (row->has_target) xlsx_number(b, y, COL_TARGET, row->target, row->target == floor(row->target) ? 0 : 2);
        else xlsx_blank(b, y, COL_TARGET);
        if (row->has_target_persons) {
            xlsx_number(b, y, COL_PERSONS, row->target_persons, 0);
            if (row->flags & IND_FLAG_PERSONS_GIVEN) {
                char persons[48];
                ind_number_format(row->target_persons, 0, 1, persons, sizeof persons);
                char *note = i18n_format(t, lang, "indicators.persons_given", "persons", persons, NULL);
                xlsx_note(b, y, COL_PERSONS, note);
                free(note);
            }
        } else {
            xlsx_blank(b, y, COL_PERSONS);
        }
        if (row->has_value && row->has_target && row->target > 0 && !(row->flags & IND_FLAG_DYNAMICS))
            xlsx_number(b, y, COL_SHARE, ind_round(row->value / row->target * 100, (ind_rounding){IND_ROUND_HALF_UP, 1}), 1);
        else
            xlsx_blank(b, y, COL_SHARE);
        strbuf sb;
        sb_init(&sb, 4096);
        remark(&sb, row, t, lang);
        xlsx_text(b, y, COL_REMARK, sb_str(&sb));
        sb_free(&sb);
    }
    return xlsx_book_close(b);
}

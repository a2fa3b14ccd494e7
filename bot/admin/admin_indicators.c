/*
 * Indicators from the command line: the reference numbers an
 * administrator enters (contingents the bot cannot see), the yearly
 * targets loaded from CSV, and the reports (docs/indicators.md).
 *
 *   admin reference set --territory ID|--org ID --year YYYY --key KEY --value N --source TEXT
 *   admin reference list [--territory ID|--org ID]
 *   admin targets import FILE.csv
 *   admin report indicators --set 000 --scope org:ID|territory:ID --period P [--format text|csv|xlsx]
 *                           [--out FILE] [--rounding half_up:N|trunc:N] [--recompute]
 */
#include "bot/admin/admin.h"
#include "bot/app.h"
#include "report/indicators.h"
#include "report/report_format.h"
#include "storage/references.h"
#include "storage/territories.h"
#include "util/text.h"
#include "util/typed.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TARGETS_ROWS_MAX 10000
#define TARGETS_HEADER "code,year,target[,scope][,persons][,source]"
#define USAGE_REFERENCE \
    "usage: admin reference set --territory ID|--org ID --year YYYY --key KEY --value N --source TEXT\n" \
    "       admin reference list [--territory ID|--org ID]\n" \
    "keys: " REF_KEY_LIST "\n"
#define USAGE_REPORT \
    "usage: admin report indicators --set 000|001|003|004 --scope org:ID|territory:ID --period 2025-26|2025|2026-06-01\n" \
    "                               [--format text|csv|xlsx] [--out FILE] [--rounding half_up:N|trunc:N] [--recompute]\n"

/* 1 when the organisation or territory exists; unless quiet, says so on
 * stderr when not. */
static int scope_exists(app *a, ref_scope_kind kind, int64_t id, int quiet)
{
    if (kind == REF_SCOPE_ALL) return 1;
    mb_status rc;
    if (kind == REF_SCOPE_TERRITORY) {
        territory t;
        rc = territory_get(a->d, id, &t);
    } else {
        org o;
        rc = org_get(a->d, id, &o);
    }
    if (rc == MB_ERR_NOT_FOUND && !quiet)
        fprintf(stderr, "there is no %s %lld (see `admin %s list`)\n", kind == REF_SCOPE_ORG ? "organisation" : "territory",
                (long long)id, kind == REF_SCOPE_ORG ? "org" : "territory");
    else if (rc && !quiet)
        fprintf(stderr, "cannot read the %s: %s\n", ref_scope_kind_name(kind), mb_status_str(rc));
    return rc == MB_OK;
}

/* Copies a number as people type it without its spaces and no-break
 * spaces ("33 546"), a decimal comma read as a point; 0 when it does not
 * fit. */
static int squeeze_number(const char *s, char *buf, size_t size)
{
    size_t n = 0;
    for (const char *p = s; *p; p++) {
        if (*p == ' ') continue;
        if ((unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0) {
            p++;
            continue;
        }
        if (n + 1 >= size) return 0;
        buf[n++] = *p == ',' ? '.' : *p;
    }
    buf[n] = 0;
    return 1;
}

/* A whole number as people type it: "33546", "33 546". */
static int parse_count(const char *s, long long max, long long *out)
{
    char digits[32];
    return squeeze_number(s, digits, sizeof digits) && admin_parse_long(digits, 0, max, out);
}

static int reference_set(app *a, int argc, char **argv)
{
    static const char *const known[] = {"--territory", "--org", "--year", "--key", "--value", "--source", NULL};
    if (!admin_check_opts(argc, argv, known)) return 2;
    const char *terr_opt = admin_opt(argc, argv, "--territory"), *org_opt = admin_opt(argc, argv, "--org");
    const char *year_opt = admin_opt(argc, argv, "--year"), *key = admin_opt(argc, argv, "--key");
    const char *value_opt = admin_opt(argc, argv, "--value"), *source_opt = admin_opt(argc, argv, "--source");
    long long id = 0, year = 0, value = 0;
    if (!(terr_opt || org_opt) || (terr_opt && org_opt) || !year_opt || !key || !value_opt || !source_opt) {
        fprintf(stderr, USAGE_REFERENCE);
        return 2;
    }
    ref_scope_kind kind = terr_opt ? REF_SCOPE_TERRITORY : REF_SCOPE_ORG;
    if (!admin_parse_long(terr_opt ? terr_opt : org_opt, 1, INT64_MAX, &id)) {
        fprintf(stderr, "%s must be an id (a whole number), not \"%s\"\n", terr_opt ? "--territory" : "--org",
                terr_opt ? terr_opt : org_opt);
        return 2;
    }
    if (!admin_parse_long(year_opt, PROGRAM_YEAR_MIN, PROGRAM_YEAR_MAX, &year)) {
        fprintf(stderr, "--year must be the year the school year starts (%d-%d), not \"%s\"\n", PROGRAM_YEAR_MIN,
                PROGRAM_YEAR_MAX, year_opt);
        return 2;
    }
    if (!ref_key_valid(key)) {
        fprintf(stderr, "unknown key \"%s\" (one of: %s)\n", key, REF_KEY_LIST);
        return 2;
    }
    if (!parse_count(value_opt, (long long)REF_VALUE_MAX, &value)) {
        fprintf(stderr, "--value must be a whole number from 0 to %.0f, not \"%s\"\n", REF_VALUE_MAX, value_opt);
        return 2;
    }
    char *source = admin_clean_name(source_opt, REF_SOURCE_MAX, "source");
    if (!source) return 2;
    int code = 1;
    if (scope_exists(a, kind, id, 0)) {
        mb_status rc = db_begin(a->d);
        char subject[48], detail[AUDIT_DETAIL_MAX];
        snprintf(subject, sizeof subject, "%s:%lld", ref_scope_kind_name(kind), id);
        snprintf(detail, sizeof detail, "%s %lld = %lld (%s)", key, year, value, source);
        if (!rc) rc = ref_number_set(a->d, kind, id, (int)year, key, (double)value, source, ADMIN_ACTOR);
        if (!rc) rc = audit_log(a->d, ADMIN_ACTOR, "reference.set", subject, detail);
        if (!admin_finish_change(a, rc, "store the reference number")) {
            printf("%s of %s for %lld/%02lld: %lld\n", key, subject, year, (year + 1) % 100, value);
            code = 0;
        }
    }
    free(source);
    return code;
}

static int reference_list(app *a, int argc, char **argv)
{
    static const char *const known[] = {"--territory", "--org", NULL};
    if (!admin_check_opts(argc, argv, known)) return 2;
    const char *terr_opt = admin_opt(argc, argv, "--territory"), *org_opt = admin_opt(argc, argv, "--org");
    long long id = 0;
    if ((terr_opt || org_opt) && !admin_parse_long(terr_opt ? terr_opt : org_opt, 1, INT64_MAX, &id)) {
        fprintf(stderr, USAGE_REFERENCE);
        return 2;
    }
    sqlite3_stmt *st = db_stmt(a->d, "SELECT scope_kind, scope_id, year, key, value, source FROM reference_numbers"
                                     " WHERE (?1 IS NULL OR (scope_kind = ?1 AND scope_id = ?2))"
                                     " ORDER BY scope_kind, scope_id, key, year");
    if (!st) return 1;
    db_bind_text(st, 1, terr_opt ? "territory" : org_opt ? "org" : NULL);
    sqlite3_bind_int64(st, 2, id);
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        printf("%s:%lld\t%d\t%s\t%.0f\t%s\n", sqlite3_column_text(st, 0), (long long)sqlite3_column_int64(st, 1),
               sqlite3_column_int(st, 2), sqlite3_column_text(st, 3), sqlite3_column_double(st, 4),
               sqlite3_column_text(st, 5));
        n++;
    }
    sqlite3_reset(st);
    printf("%d reference number(s)\n", n);
    return 0;
}

/* ---- targets from CSV ---- */

enum { TCOL_CODE, TCOL_YEAR, TCOL_TARGET, TCOL_SCOPE, TCOL_PERSONS, TCOL_SOURCE, TCOL_COUNT };

static const char *const target_columns[TCOL_COUNT][4] = {
    {"code", "код", NULL}, {"year", "год", NULL}, {"target", "цель", "план", NULL},
    {"scope", "область", "территория", NULL}, {"persons", "человек", "чел.", NULL}, {"source", "источник", NULL},
};

typedef struct targets_state {
    admin_import im;     /* first: the runner's callbacks get it */
    int col[TCOL_COUNT];
    int columns;
    int loaded;
} targets_state;

static int targets_header(admin_import *im, csv_reader *r)
{
    targets_state *s = (targets_state *)im;
    for (int c = 0; c < TCOL_COUNT; c++) s->col[c] = -1;
    s->columns = r->count;
    for (int i = 0; i < r->count; i++) {
        char lower[128];
        int known = -1;
        if (typed_lower(admin_trim(r->fields[i]), lower, sizeof lower))
            for (int c = 0; c < TCOL_COUNT && known < 0; c++)
                for (int k = 0; target_columns[c][k] && known < 0; k++)
                    if (strcmp(lower, target_columns[c][k]) == 0) known = c;
        if (known < 0 || s->col[known] >= 0) {
            fprintf(stderr, "%s:%ld: column %d: the first line must be the header %s; %s column \"%s\"\n", im->path,
                    r->line, i + 1, TARGETS_HEADER, known < 0 ? "unknown" : "a second", r->fields[i]);
            return 0;
        }
        s->col[known] = i;
    }
    for (int c = 0; c <= TCOL_TARGET; c++)
        if (s->col[c] < 0) {
            fprintf(stderr, "%s:%ld: the first line must be the header %s; it has no \"%s\" column\n", im->path,
                    r->line, TARGETS_HEADER, target_columns[c][0]);
            return 0;
        }
    return 1;
}

/* A number as a spreadsheet writes it: "35", "63,66", "63.66", "1 350". */
static int parse_decimal(const char *s, double *out)
{
    char buf[64];
    if (!squeeze_number(s, buf, sizeof buf)) return 0;
    size_t n = strlen(buf);
    if (!n || strspn(buf, "0123456789.") != n) return 0;
    char *end;
    errno = 0;
    *out = strtod(buf, &end);
    return !*end && !errno && isfinite(*out);
}

static int indicator_known(app *a, const char *code)
{
    const ind_catalog *c = a->indicators;
    for (int i = 0; c && i < c->n; i++)
        for (int k = 0; k < c->sets[i].n; k++)
            if (strcmp(c->sets[i].defs[k].code, code) == 0) return 1;
    return 0;
}

static mb_status targets_row(admin_import *im, csv_reader *r)
{
    targets_state *s = (targets_state *)im;
    app *a = im->a;
    long line = r->line;
    if (r->count != s->columns) {
        admin_import_bad(im, line, "expected %d fields as in the header, found %d", s->columns, r->count);
        return MB_OK;
    }
    for (int i = 0; i < r->count; i++)
        if (!text_utf8_valid(r->fields[i], strlen(r->fields[i]))) {
            admin_import_bad(im, line, "column %d: the text is not UTF-8 (save the file as \"CSV UTF-8\")", i + 1);
            return MB_OK;
        }
#define COLUMN(c) (s->col[c] + 1)
#define CELL(c) (s->col[c] >= 0 ? admin_trim(r->fields[s->col[c]]) : (char *)"")
    const char *code = CELL(TCOL_CODE), *year_text = CELL(TCOL_YEAR), *target_text = CELL(TCOL_TARGET);
    const char *scope_text = CELL(TCOL_SCOPE), *persons_text = CELL(TCOL_PERSONS), *source = CELL(TCOL_SOURCE);
    long long year = 0, persons = -1;
    double target = 0;
    ind_scope scope = {REF_SCOPE_ALL, 0};
    if (!indicator_known(a, code)) {
        admin_import_bad(im, line, "column %d (code): unknown indicator \"%s\" (codes as in data/indicators, e.g."
                                   " 000.1, 001.forms.pupil_pupil.school)", COLUMN(TCOL_CODE), code);
    } else if (!admin_parse_long(year_text, PROGRAM_YEAR_MIN, PROGRAM_YEAR_MAX, &year)) {
        admin_import_bad(im, line, "column %d (year): \"%s\" is not a year (%d-%d)", COLUMN(TCOL_YEAR), year_text,
                         PROGRAM_YEAR_MIN, PROGRAM_YEAR_MAX);
    } else if (!parse_decimal(target_text, &target)) {
        admin_import_bad(im, line, "column %d (target): \"%s\" is not a number (35, 63,66 or 63.66)",
                         COLUMN(TCOL_TARGET), target_text);
    } else if (*scope_text && strcmp(scope_text, "all") != 0 && ind_scope_parse(scope_text, &scope)) {
        admin_import_bad(im, line, "column %d (scope): \"%s\" is not org:ID, territory:ID, all or empty",
                         COLUMN(TCOL_SCOPE), scope_text);
    } else if (*persons_text && !parse_count(persons_text, (long long)REF_VALUE_MAX, &persons)) {
        admin_import_bad(im, line, "column %d (persons): \"%s\" is not a whole number", COLUMN(TCOL_PERSONS),
                         persons_text);
    } else if (text_codepoints(source) > REF_SOURCE_MAX) {
        admin_import_bad(im, line, "column %d (source): longer than %d characters", COLUMN(TCOL_SOURCE),
                         REF_SOURCE_MAX);
    } else if (scope.kind != REF_SCOPE_ALL && !scope_exists(a, scope.kind, scope.id, 1)) {
        admin_import_bad(im, line, "column %d (scope): there is no %s", COLUMN(TCOL_SCOPE), scope_text);
    } else if (!im->errors) {
        char from[64];
        snprintf(from, sizeof from, "%.40s:%ld", im->path, line);
        mb_status rc = ref_target_set(a->d, code, scope.kind, scope.id, (int)year, target, persons,
                                      *source ? source : from);
        if (rc) return rc;
        s->loaded++;
    }
#undef CELL
#undef COLUMN
    return MB_OK;
}

static int targets_import(app *a, const char *path)
{
    if (!a->indicators) {
        fprintf(stderr, "the indicator definitions are not loaded (see the warning above; [bot] indicators)\n");
        return 1;
    }
    targets_state s = {.im = {.a = a, .path = path, .header_text = TARGETS_HEADER, .rows_name = "targets",
                              .rows_max = TARGETS_ROWS_MAX, .header = targets_header, .row = targets_row}};
    if (admin_import_run(&s.im)) return 1;
    char detail[AUDIT_DETAIL_MAX];
    snprintf(detail, sizeof detail, "%s: %d targets", path, s.loaded);
    if (admin_finish_change(a, audit_log(a->d, ADMIN_ACTOR, "targets.import", NULL, detail), "import the targets"))
        return 1;
    printf("imported %d target(s)\n", s.loaded);
    return 0;
}

/* ---- reports ---- */

static int report_cmd(app *a, int argc, char **argv)
{
    static const char *const known[] = {"--set", "--scope", "--period", "--format", "--out", "--rounding", NULL};
    int recompute = 0;
    char *args[32];
    int n = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--recompute") == 0) recompute = 1;
        else if (n < (int)(sizeof args / sizeof args[0])) args[n++] = argv[i];
    }
    if (n > 0 && n < (int)(sizeof args / sizeof args[0]) && !admin_check_opts(n, args, known)) return 2;
    const char *set_code = admin_opt(n, args, "--set"), *scope_text = admin_opt(n, args, "--scope");
    const char *period_text = admin_opt(n, args, "--period"), *format = admin_opt(n, args, "--format");
    const char *out_path = admin_opt(n, args, "--out"), *rounding_text = admin_opt(n, args, "--rounding");
    if (!set_code || !scope_text || !period_text) {
        fprintf(stderr, USAGE_REPORT);
        return 2;
    }
    if (!format) format = "text";
    if (strcmp(format, "text") != 0 && strcmp(format, "csv") != 0 && strcmp(format, "xlsx") != 0) {
        fprintf(stderr, "--format must be text, csv or xlsx, not \"%s\"\n", format);
        return 2;
    }
    if (strcmp(format, "xlsx") == 0 && !out_path) {
        fprintf(stderr, "--format xlsx needs --out FILE.xlsx\n");
        return 2;
    }
    if (!a->indicators) {
        fprintf(stderr, "the indicator definitions are not loaded (see the warning above; [bot] indicators)\n");
        return 1;
    }
    const ind_set *set = ind_catalog_set(a->indicators, set_code);
    ind_scope scope;
    ind_period period;
    ind_rounding rounding;
    if (!set) {
        fprintf(stderr, "unknown set \"%s\" (", set_code);
        for (int i = 0; i < a->indicators->n; i++) fprintf(stderr, "%s%s", i ? ", " : "", a->indicators->sets[i].code);
        fprintf(stderr, ")\n");
        return 2;
    }
    if (ind_scope_parse(scope_text, &scope)) {
        fprintf(stderr, "--scope must be org:ID or territory:ID, not \"%s\"\n", scope_text);
        return 2;
    }
    if (ind_period_parse(period_text, a->cfg.timezone, &period)) {
        fprintf(stderr, "--period must be a school year (2025-26), a calendar year (2025) or a date (2026-06-01),"
                        " not \"%s\"\n", period_text);
        return 2;
    }
    if (rounding_text && !ind_rounding_parse(rounding_text, &rounding)) {
        fprintf(stderr, "--rounding must be half_up:N or trunc:N (N from 0 to 4), not \"%s\"\n", rounding_text);
        return 2;
    }
    if (!scope_exists(a, scope.kind, scope.id, 0)) return 1;
    ind_report *report = calloc(2, sizeof *report);
    if (!report) return 1;
    mb_status rc = db_begin(a->d);
    if (!rc) rc = ind_report_for(a->d, set, scope, &period, a->cfg.timezone, rounding_text ? &rounding : NULL,
                                 &report[0], recompute ? &report[1] : NULL);
    if (admin_finish_change(a, rc, "compute the indicators")) {
        free(report);
        return 1;
    }
    if (strcmp(format, "xlsx") == 0) {
        mb_status wrote = ind_format_xlsx(&report[0], out_path, a->texts, a->cfg.language, a->cfg.timezone);
        free(report);
        if (wrote) {
            fprintf(stderr, "%s: cannot write the spreadsheet\n", out_path);
            return 1;
        }
        printf("wrote %s\n", out_path);
        return 0;
    }
    FILE *f = out_path ? fopen(out_path, "w") : stdout;
    int code = 1;
    if (!f) {
        fprintf(stderr, "%s: cannot write: %s\n", out_path, strerror(errno));
    } else {
        int failed;
        if (strcmp(format, "csv") == 0) {
            failed = ind_format_csv(&report[0], f);
        } else {
            char *text = ind_format_text(&report[0], recompute ? &report[1] : NULL, a->texts, a->cfg.language,
                                         a->cfg.timezone);
            failed = !text || fputs(text, f) < 0;
            free(text);
        }
        if (out_path && fclose(f)) failed = 1;
        if (failed) fprintf(stderr, "%s: cannot write the report\n", out_path ? out_path : "standard output");
        else if (out_path) printf("wrote %s\n", out_path);
        code = failed;
    }
    free(report);
    return code;
}

int admin_reference_cmd(app *a, int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "set") == 0) return reference_set(a, argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "list") == 0) return reference_list(a, argc - 1, argv + 1);
    fprintf(stderr, USAGE_REFERENCE);
    return 2;
}

int admin_targets_cmd(app *a, int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[0], "import") == 0) return targets_import(a, argv[1]);
    fprintf(stderr, "usage: admin targets import FILE.csv   (header %s)\n", TARGETS_HEADER);
    return 2;
}

int admin_report_cmd(app *a, int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "indicators") == 0) return report_cmd(a, argc - 1, argv + 1);
    fprintf(stderr, USAGE_REPORT);
    return 2;
}

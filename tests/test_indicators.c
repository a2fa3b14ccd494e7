/*
 * The indicator engine against the published tables: 001's coverage of
 * the mentoring forms (every percentage, with the rounding rule that
 * reproduces each column), 000's targets in persons for the contingent
 * of 33 546, the scope of each role, satisfaction with its rule and
 * anonymity threshold, erased people in counts, snapshots of finished
 * periods, the targets file and the definition files' errors.
 * Rows are inserted with SQL, as the poll, outcome and import code
 * would write them.
 */
#include "tests/unit.h"
#include "tests/unit_db.h"

#include "bot/admin/admin.h"
#include "bot/app.h"
#include "report/counts.h"
#include "report/indicators.h"
#include "report/report_format.h"
#include "storage/accounts.h"
#include "storage/db.h"
#include "storage/references.h"
#include "util/clock.h"
#include "util/i18n.h"

#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#define ZONE "UTC"

static ind_catalog *catalog;
static i18n *texts;

static int64_t ms_of(int y, int m, int day)
{
    struct tm t = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = day, .tm_hour = 12};
    return (int64_t)timegm(&t) * 1000;
}

/* Runs formatted SQL; the id it inserted. */
static int64_t sql(db *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int64_t sql(db *d, const char *fmt, ...)
{
    char text[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    char *err = NULL;
    if (sqlite3_exec(db_handle(d), text, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "  %s: %s\n", text, err);
        unit_failed_checks++;
        sqlite3_free(err);
    }
    return sqlite3_last_insert_rowid(db_handle(d));
}

static int64_t add_territory(db *d, const char *name, const char *kind, int64_t parent)
{
    return parent ? sql(d, "INSERT INTO territories(name, kind, parent_id, created_at) VALUES ('%s', '%s', %lld, 0)",
                        name, kind, (long long)parent)
                  : sql(d, "INSERT INTO territories(name, kind, created_at) VALUES ('%s', '%s', 0)", name, kind);
}

static int64_t organisation(db *d, const char *type, int64_t territory_id, int64_t created)
{
    return sql(d, "INSERT INTO orgs(name, timezone, type, territory_id, created_at) VALUES ('org', 'UTC', '%s', %lld,"
                  " %lld)", type, (long long)territory_id, (long long)created);
}

static int64_t person(db *d, int64_t org_id, const char *role, const char *category, int grade)
{
    return sql(d, "INSERT INTO accounts(status, role, org_id, category, grade, created_at, updated_at)"
                  " VALUES ('active', '%s', %lld, '%s', %d, 0, 0)", role, (long long)org_id, category, grade);
}

/* A mentorship of a form and direction, active from..until (0: still). */
static int64_t mentorship(db *d, int64_t org_id, const char *form, const char *direction, int64_t mentor, int64_t from,
                          int64_t until)
{
    char dir[32] = "NULL", end[32] = "NULL";
    if (direction) snprintf(dir, sizeof dir, "'%s'", direction);
    if (until) snprintf(end, sizeof end, "%lld", (long long)until);
    return sql(d, "INSERT INTO mentorships(org_id, form, mentor_id, direction, state, created_at, ended_at)"
                  " VALUES (%lld, '%s', %lld, %s, '%s', %lld, %s)", (long long)org_id, form, (long long)mentor, dir,
               until ? "ended" : "active", (long long)from, end);
}

static void member(db *d, int64_t mentorship_id, int64_t mentee, int64_t from)
{
    sql(d, "INSERT INTO mentorship_members(mentorship_id, mentee_id, joined_at) VALUES (%lld, %lld, %lld)",
        (long long)mentorship_id, (long long)mentee, (long long)from);
}

static const ind_row *row_of(const ind_report *r, const char *code)
{
    for (int i = 0; i < r->n; i++)
        if (strcmp(r->rows[i].def->code, code) == 0) return &r->rows[i];
    fprintf(stderr, "  no row %s\n", code);
    return NULL;
}

/* The value as the text report shows it ("63,66"), or "-". */
static const char *shown(const ind_report *r, const char *code, char *buf, size_t size)
{
    const ind_row *row = row_of(r, code);
    if (!row || !row->has_value) return "-";
    ind_value_format(r, row, row->value, 1, buf, size);
    return buf;
}

/* ---- 001: the form coverage table (001:L59-L71) ---- */

static const struct {
    const char *form;
    int school_a, additional_a, school_b, additional_b;
    const char *pct[4];   /* as published: school a, additional a, school b, additional b */
} coverage[] = {
    {"pupil_pupil", 184, 24, 207, 38, {"63,66", "38,70", "70,8", "60,3"}},
    {"teacher_pupil", 219, 36, 236, 45, {"75,77", "58,06", "80,8", "71,4"}},
    {"student_pupil", 54, 9, 109, 13, {"18,68", "14,51", "37,3", "20,6"}},
    {"employer_pupil", 105, 10, 148, 16, {"36,33", "16,12", "50,7", "25,4"}},
};

TEST(form_coverage_table_of_001)
{
    db *d = unit_db_open(NULL, 0);
    if (!d) return;
    const ind_set *set = ind_catalog_set(catalog, "001");
    CHECK(set != NULL);
    if (!set) return;
    db_begin(d);
    int64_t region = add_territory(d, "Томская область", "region", 0);
    int64_t city = add_territory(d, "Томск", "municipality", region);
    /* 289 general and 62 additional organisations in 2021-22; 3 and 1
     * more opened in October 2022, so 292 and 63 in 2022-23 */
    int64_t school[292], additional[63];
    for (int i = 0; i < 292; i++) school[i] = organisation(d, "school", city, i < 289 ? ms_of(2020, 1, 1) : ms_of(2022, 10, 1));
    for (int i = 0; i < 63; i++)
        additional[i] = organisation(d, "additional", city, i < 62 ? ms_of(2020, 1, 1) : ms_of(2022, 10, 1));
    int64_t mentor = person(d, school[0], "mentor", "teacher", 0);
    for (size_t f = 0; f < sizeof coverage / sizeof coverage[0]; f++) {
        /* the first measurement's mentorships end in May 2022, the second's start in October 2022 */
        for (int i = 0; i < coverage[f].school_a; i++)
            mentorship(d, school[i], coverage[f].form, NULL, mentor, ms_of(2021, 10, 1), ms_of(2022, 5, 31));
        for (int i = 0; i < coverage[f].additional_a; i++)
            mentorship(d, additional[i], coverage[f].form, NULL, mentor, ms_of(2021, 10, 1), ms_of(2022, 5, 31));
        for (int i = 0; i < coverage[f].school_b; i++)
            mentorship(d, school[291 - i], coverage[f].form, NULL, mentor, ms_of(2022, 10, 1), 0);
        for (int i = 0; i < coverage[f].additional_b; i++)
            mentorship(d, additional[62 - i], coverage[f].form, NULL, mentor, ms_of(2022, 10, 1), 0);
    }
    db_commit(d);
    ind_scope scope = {REF_SCOPE_TERRITORY, region};
    ind_period a, b;
    CHECK_INT(ind_period_parse("2021-22", ZONE, &a), MB_OK);
    CHECK_INT(ind_period_parse("2022-23", ZONE, &b), MB_OK);
    ind_report *first = calloc(2, sizeof *first), *second = first + 1;
    CHECK_INT(ind_compute(d, set, scope, &a, ZONE, first), MB_OK);
    CHECK_INT(ind_compute(d, set, scope, &b, ZONE, second), MB_OK);
    /* The first column is truncated to two decimals: every figure. */
    first->rounding = (ind_rounding){IND_ROUND_TRUNC, 2};
    first->has_rounding = 1;
    char code[64], buf[32];
    for (size_t f = 0; f < sizeof coverage / sizeof coverage[0]; f++) {
        snprintf(code, sizeof code, "001.forms.%s.school", coverage[f].form);
        CHECK_STR(shown(first, code, buf, sizeof buf), coverage[f].pct[0]);
        CHECK_INT(row_of(first, code)->den, 289);
        CHECK_INT(row_of(first, code)->num, coverage[f].school_a);
        snprintf(code, sizeof code, "001.forms.%s.additional", coverage[f].form);
        CHECK_STR(shown(first, code, buf, sizeof buf), coverage[f].pct[1]);
        CHECK_INT(row_of(first, code)->den, 62);
    }
    /* The second column is rounded half up to one decimal (the set's own
     * rule): every figure but 207/292 = 70.89..., published as 70,8 while
     * 148/292 = 50.68... is published as 50,7; no rule that rounds the
     * ratio gives both, so the engine prints 70,9 there. */
    for (size_t f = 0; f < sizeof coverage / sizeof coverage[0]; f++) {
        snprintf(code, sizeof code, "001.forms.%s.school", coverage[f].form);
        CHECK_INT(row_of(second, code)->den, 292);
        CHECK_INT(row_of(second, code)->num, coverage[f].school_b);
        if (strcmp(coverage[f].form, "pupil_pupil") == 0) CHECK_STR(shown(second, code, buf, sizeof buf), "70,9");
        else CHECK_STR(shown(second, code, buf, sizeof buf), coverage[f].pct[2]);
        snprintf(code, sizeof code, "001.forms.%s.additional", coverage[f].form);
        CHECK_INT(row_of(second, code)->den, 63);
        CHECK_STR(shown(second, code, buf, sizeof buf), coverage[f].pct[3]);
    }
    /* truncation gives the 70,8 but loses 50,7 and 25,4 */
    second->rounding = (ind_rounding){IND_ROUND_TRUNC, 1};
    second->has_rounding = 1;
    CHECK_STR(shown(second, "001.forms.pupil_pupil.school", buf, sizeof buf), "70,8");
    CHECK_STR(shown(second, "001.forms.employer_pupil.school", buf, sizeof buf), "50,6");
    CHECK_STR(shown(second, "001.forms.employer_pupil.additional", buf, sizeof buf), "25,3");
    /* the text a coordinator reads */
    char *text = ind_format_text(first, NULL, texts, "ru", ZONE);
    CHECK_CONTAINS(text, "001.forms.pupil_pupil.school");
    CHECK_CONTAINS(text, "63,66 % (184 из 289)");
    CHECK_CONTAINS(text, "отбрасыванием");
    free(text);
    /* the spreadsheet: Russian headers, numbers stored as numbers, the
     * rule in a note (read back with Python's zipfile, as the tests read
     * calendar files with python3) */
    char xlsx[512], cmd[1200];
    snprintf(xlsx, sizeof xlsx, "%s/001.xlsx", unit_tmpdir());
    CHECK_INT(ind_format_xlsx(first, xlsx, texts, "ru", ZONE), MB_OK);
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 -c \"import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]);"
                              " [sys.stdout.write(z.read(n).decode()) for n in ('xl/sharedStrings.xml',"
                              " 'xl/worksheets/sheet1.xml', 'xl/comments1.xml')]\" %s", xlsx);
    FILE *p = popen(cmd, "r");
    static char xml[1 << 17];
    size_t got = p ? fread(xml, 1, sizeof xml - 1, p) : 0;
    xml[got] = 0;
    if (p) pclose(p);
    CHECK_CONTAINS(xml, "<t>Наименование показателя</t>");
    CHECK_CONTAINS(xml, "<t>Числитель</t>");
    CHECK_CONTAINS(xml, "<v>184</v>");
    CHECK_CONTAINS(xml, "<v>289</v>");
    CHECK_CONTAINS(xml, "<v>63.66</v>");
    CHECK_CONTAINS(xml, "округление отбрасыванием, знаков после запятой: 2 (trunc:2)");
    free(first);
    db_close(d);
}

/* ---- 000: targets in persons for 33 546 pupils ---- */

/* Writes text to a file in the test folder; its path. */
static const char *write_file(const char *name, const char *text)
{
    static char path[512];
    unit_write_tmp(name, text, path, sizeof path);
    return path;
}

/* Runs an admin command with stderr caught into err. */
static int admin_caught(int (*cmd)(app *, int, char **), app *a, int argc, char **argv, char *err, size_t size)
{
    char path[512];
    snprintf(path, sizeof path, "%s/stderr.txt", unit_tmpdir());
    fflush(stderr);
    int saved = dup(2), fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 2);
    close(fd);
    int rc = cmd(a, argc, argv);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    size_t len = 0;
    char *got = unit_read_file(path, &len);
    snprintf(err, size, "%s", got ? got : "");
    free(got);
    return rc;
}

TEST(targets_in_persons_of_000)
{
    db *d = unit_db_open(NULL, 0);
    if (!d) return;
    const ind_set *set = ind_catalog_set(catalog, "000");
    app a = {.d = d, .indicators = catalog};
    int64_t region = add_territory(d, "Томская область", "region", 0);
    int64_t city = add_territory(d, "Томск", "municipality", region);
    organisation(d, "school", city, ms_of(2020, 1, 1));
    CHECK_INT(ref_number_set(d, REF_SCOPE_TERRITORY, city, 2020, "pupils_5_11", 33546, "примечание 000:L517", "test"),
              MB_OK);
    /* the yearly targets of rows 5-10, without persons: a BOM, semicolons */
    static const int pct[4] = {10, 15, 25, 35}, pct10[4] = {4, 6, 8, 10};
    static const char *const doc[4] = {"3 355", "5 031", "8 400", "11 750"}, *const doc10[4] = {"1 350", "2 012", "2 680",
                                                                                                  "3 355"};
    char csv[4096] = "\xEF\xBB\xBF" "код;год;цель\n";
    for (int y = 0; y < 4; y++) {
        for (int row = 5; row <= 9; row++)
            snprintf(csv + strlen(csv), sizeof csv - strlen(csv), "000.%d;%d;%d\n", row, 2021 + y, pct[y]);
        snprintf(csv + strlen(csv), sizeof csv - strlen(csv), "000.10;%d;%d\n", 2021 + y, pct10[y]);
    }
    char err[4096];
    char *argv[] = {"import", (char *)write_file("targets.csv", csv)};
    CHECK_INT(admin_caught(admin_targets_cmd, &a, 2, argv, err, sizeof err), 0);
    ind_scope scope = {REF_SCOPE_TERRITORY, city};
    ind_report *r = calloc(1, sizeof *r);
    char period[16], persons[32];
    for (int y = 0; y < 4; y++) {
        ind_period p;
        snprintf(period, sizeof period, "%d", 2021 + y);
        CHECK_INT(ind_period_parse(period, ZONE, &p), MB_OK);
        CHECK_INT(ind_compute(d, set, scope, &p, ZONE, r), MB_OK);
        const ind_row *five = row_of(r, "000.5"), *ten = row_of(r, "000.10");
        if (!five || !ten) break;
        /* the engine: the fewest whole persons that reach the percentage */
        CHECK_INT(five->target_persons, (long long)ceil(33546.0 * pct[y] / 100));
        CHECK_INT(ten->target_persons, (long long)ceil(33546.0 * pct10[y] / 100));
        CHECK(!(five->flags & IND_FLAG_PERSONS_GIVEN));
    }
    /* Only 3 355 (10 %) is that number. What the document did, figure by
     * figure (33 546 x p): 3 354.6 rounded to 3 355; 5 031.9 and 2 012.76
     * cut to 5 031 and 2 012; 8 386.5 rounded to hundreds (8 400);
     * 11 741.1 and 1 341.84 rounded to fifties (11 750, 1 350); 2 683.68
     * rounded to tens (2 680). */
    CHECK_INT(llround(33546 * 0.10), 3355);
    CHECK_INT((long long)floor(33546 * 0.15), 5031);
    CHECK_INT((long long)floor(33546 * 0.06), 2012);
    CHECK_INT(llround(33546 * 0.25 / 100) * 100, 8400);
    CHECK_INT(llround(33546 * 0.35 / 50) * 50, 11750);
    CHECK_INT(llround(33546 * 0.04 / 50) * 50, 1350);
    CHECK_INT(llround(33546 * 0.08 / 10) * 10, 2680);
    /* The document's figures go into the targets file's persons column
     * and the report shows them as the document's. */
    char with[4096] = "code,year,target,persons\n";
    for (int y = 0; y < 4; y++) {
        for (int row = 5; row <= 9; row++)
            snprintf(with + strlen(with), sizeof with - strlen(with), "000.%d,%d,%d,%s\n", row, 2021 + y, pct[y], doc[y]);
        snprintf(with + strlen(with), sizeof with - strlen(with), "000.10,%d,%d,%s\n", 2021 + y, pct10[y], doc10[y]);
    }
    argv[1] = (char *)write_file("targets2.csv", with);
    CHECK_INT(admin_caught(admin_targets_cmd, &a, 2, argv, err, sizeof err), 0);
    for (int y = 0; y < 4; y++) {
        ind_period p;
        snprintf(period, sizeof period, "%d", 2021 + y);
        ind_period_parse(period, ZONE, &p);
        CHECK_INT(ind_compute(d, set, scope, &p, ZONE, r), MB_OK);
        char *text = ind_format_text(r, NULL, texts, "ru", ZONE);
        for (int row = 5; row <= 9; row++) {
            const ind_row *x = row_of(r, row == 5 ? "000.5" : row == 6 ? "000.6" : row == 7 ? "000.7" : row == 8 ? "000.8" : "000.9");
            ind_number_format(x->target_persons, 0, 1, persons, sizeof persons);
            CHECK_STR(persons, doc[y]);
            CHECK(x->flags & IND_FLAG_PERSONS_GIVEN);
        }
        ind_number_format(row_of(r, "000.10")->target_persons, 0, 1, persons, sizeof persons);
        CHECK_STR(persons, doc10[y]);
        char expect[64];
        snprintf(expect, sizeof expect, "цель %d %% (%s чел. по документу)", pct[y], doc[y]);
        CHECK_CONTAINS(text, expect);
        free(text);
    }
    free(r);
    db_close(d);
}

TEST(targets_file_is_all_or_nothing)
{
    db *d = unit_db_open(NULL, 0);
    if (!d) return;
    app a = {.d = d, .indicators = catalog};
    char err[4096];
    char *argv[] = {"import", (char *)write_file("bad.csv", "code,year,target\n000.1,2024,70\n000.1,2025,много\n"
                                                            "000.99,2025,5\n")};
    CHECK_INT(admin_caught(admin_targets_cmd, &a, 2, argv, err, sizeof err), 1);
    CHECK_CONTAINS(err, "bad.csv:3: column 3 (target): \"много\" is not a number");
    CHECK_CONTAINS(err, "bad.csv:4: column 1 (code): unknown indicator \"000.99\"");
    CHECK_CONTAINS(err, "nothing imported");
    CHECK_INT(db_scalar(d, "SELECT COUNT(*) FROM indicator_targets", -1), 0);
    argv[1] = (char *)write_file("head.csv", "code;year\n000.1;2024\n");
    CHECK_INT(admin_caught(admin_targets_cmd, &a, 2, argv, err, sizeof err), 1);
    CHECK_CONTAINS(err, "no \"target\" column");
    db_close(d);
}

/* ---- scope: every role sees exactly its own organisations ---- */

TEST(scope_matrix)
{
    db *d = unit_db_open(NULL, 0);
    if (!d) return;
    const ind_set *set = ind_catalog_set(catalog, "004");
    int64_t region = add_territory(d, "Область", "region", 0);
    int64_t north = add_territory(d, "Север", "municipality", region), south = add_territory(d, "Юг", "municipality", region);
    int64_t orgs[3] = {organisation(d, "school", north, 0), organisation(d, "school", north, 0),
                       organisation(d, "school", south, 0)};
    /* teacher mentors 1, 2 and 4; pupil mentees 3, 5 and 7 */
    static const int mentors[3] = {1, 2, 4}, mentees[3] = {3, 5, 7};
    for (int o = 0; o < 3; o++)
        for (int k = 0; k < mentors[o]; k++) {
            int64_t m = mentorship(d, orgs[o], "teacher_pupil", NULL, person(d, orgs[o], "mentor", "teacher", 0),
                                   ms_of(2025, 10, 1), 0);
            for (int j = k; j < mentees[o]; j += mentors[o]) member(d, m, person(d, orgs[o], "mentee", "pupil", 7),
                                                                    ms_of(2025, 10, 1));
        }
    ind_period p;
    ind_period_parse("2025-26", ZONE, &p);
    struct {
        const char *who;
        ind_scope scope;
        int mentors, mentees;
    } matrix[] = {
        {"curator of org 1", {REF_SCOPE_ORG, orgs[0]}, 1, 3},
        {"curator of org 2", {REF_SCOPE_ORG, orgs[1]}, 2, 5},
        {"curator of org 3", {REF_SCOPE_ORG, orgs[2]}, 4, 7},
        {"coordinator of the north", {REF_SCOPE_TERRITORY, north}, 3, 8},
        {"coordinator of the south", {REF_SCOPE_TERRITORY, south}, 4, 7},
        {"coordinator of the region", {REF_SCOPE_TERRITORY, region}, 7, 15},
    };
    ind_report *r = calloc(2, sizeof *r);
    ind_data *data = NULL;
    const ind_set *both[2] = {set, ind_catalog_set(catalog, "000")};
    CHECK_INT(ind_data_load(d, both, 2, (ind_scope){REF_SCOPE_TERRITORY, region}, &p, ZONE, &data), MB_OK);
    for (size_t i = 0; i < sizeof matrix / sizeof matrix[0]; i++) {
        /* computed alone, as the chat does for one person */
        CHECK_INT(ind_compute(d, set, matrix[i].scope, &p, ZONE, &r[0]), MB_OK);
        if (row_of(&r[0], "004.2.2")->num != matrix[i].mentors) fprintf(stderr, "  %s\n", matrix[i].who);
        CHECK_INT(row_of(&r[0], "004.2.2")->num, matrix[i].mentors);
        CHECK_INT(row_of(&r[0], "004.3.5")->num, 0);
        /* and from the region's one pass, as the reports of all scopes */
        CHECK_INT(ind_data_report(d, data, set, matrix[i].scope, &r[1]), MB_OK);
        CHECK_INT(row_of(&r[1], "004.2.2")->num, matrix[i].mentors);
        CHECK_INT(ind_data_report(d, data, both[1], matrix[i].scope, &r[1]), MB_OK);
        CHECK_INT(row_of(&r[1], "000.1")->num, matrix[i].mentees);
    }
    ind_scope all[16];
    CHECK_INT(ind_data_scopes(data, all, 16), 6);
    /* an organisation outside the loaded territory is not part of it */
    ind_data_free(data);
    CHECK_INT(ind_data_load(d, &set, 1, (ind_scope){REF_SCOPE_TERRITORY, north}, &p, ZONE, &data), MB_OK);
    CHECK_INT(ind_data_report(d, data, set, (ind_scope){REF_SCOPE_ORG, orgs[2]}, &r[1]), MB_ERR_NOT_FOUND);
    CHECK_INT(ind_data_report(d, data, both[1], (ind_scope){REF_SCOPE_ORG, orgs[0]}, &r[1]), MB_ERR_NOT_FOUND);
    ind_data_free(data);
    /* mentees: a set that counts them (000.1 counts pupils 5-11 of schools) */
    const ind_set *s000 = ind_catalog_set(catalog, "000");
    for (size_t i = 0; i < sizeof matrix / sizeof matrix[0]; i++) {
        CHECK_INT(ind_compute(d, s000, matrix[i].scope, &p, ZONE, &r[0]), MB_OK);
        CHECK_INT(row_of(&r[0], "000.1")->num, matrix[i].mentees);
    }
    CHECK_INT(ind_compute(d, set, (ind_scope){REF_SCOPE_ORG, 999}, &p, ZONE, &r[0]), MB_ERR_NOT_FOUND);
    free(r);
    db_close(d);
}

/* A teacher trained at one school who mentors in career guidance at a
 * school of another municipality, and a teacher mentee whose contest
 * record another school entered: each counts in the school of their
 * mentorship, read alone, through its municipality or in the region's one
 * pass, and nowhere else. */
TEST(a_record_counts_wherever_it_was_entered)
{
    db *d = unit_db_open(NULL, 0);
    if (!d) return;
    int64_t region = add_territory(d, "Область", "region", 0);
    int64_t city1 = add_territory(d, "Город 1", "municipality", region);
    int64_t city2 = add_territory(d, "Город 2", "municipality", region);
    int64_t a = organisation(d, "school", city1, 0), b = organisation(d, "school", city2, 0);
    int64_t trained = person(d, a, "mentor", "teacher", 0);
    int64_t m = mentorship(d, b, "teacher_pupil", "career", trained, ms_of(2025, 10, 1), 0);
    member(d, m, person(d, b, "mentee", "pupil", 7), ms_of(2025, 10, 1));
    int64_t newcomer = person(d, b, "mentee", "teacher", 0);
    int64_t tt = mentorship(d, b, "teacher_teacher", NULL, person(d, b, "mentor", "teacher", 0), ms_of(2025, 10, 1), 0);
    member(d, tt, newcomer, ms_of(2025, 10, 1));
    sql(d, "INSERT INTO outcomes(account_id, org_id, kind, happened_on, source, created_at) VALUES (%lld, %lld,"
           " 'training', %lld, 'chat', 0)", (long long)trained, (long long)a, (long long)ms_of(2025, 10, 1));
    sql(d, "INSERT INTO outcomes(account_id, org_id, kind, happened_on, source, created_at) VALUES (%lld, %lld,"
           " 'contest', %lld, 'chat', 0)", (long long)newcomer, (long long)a, (long long)ms_of(2026, 2, 1));
    ind_period p;
    ind_period_parse("2025-26", ZONE, &p);
    const ind_set *s000 = ind_catalog_set(catalog, "000"), *s003 = ind_catalog_set(catalog, "003");
    struct {
        ind_scope scope;
        int trained, contest;
    } expect[] = {
        {{REF_SCOPE_TERRITORY, region}, 1, 1},
        {{REF_SCOPE_TERRITORY, city2}, 1, 1},
        {{REF_SCOPE_ORG, b}, 1, 1},
        {{REF_SCOPE_TERRITORY, city1}, 0, 0},
        {{REF_SCOPE_ORG, a}, 0, 0},
    };
    ind_report *r = calloc(1, sizeof *r);
    ind_data *data = NULL;
    const ind_set *both[2] = {s000, s003};
    CHECK_INT(ind_data_load(d, both, 2, (ind_scope){REF_SCOPE_TERRITORY, region}, &p, ZONE, &data), MB_OK);
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
        CHECK_INT(ind_compute(d, s000, expect[i].scope, &p, ZONE, r), MB_OK);
        CHECK_INT(row_of(r, "000.7")->num, expect[i].trained);
        CHECK_INT(ind_compute(d, s003, expect[i].scope, &p, ZONE, r), MB_OK);
        CHECK_INT(row_of(r, "003.5")->num, expect[i].contest);
        CHECK_INT(ind_data_report(d, data, s000, expect[i].scope, r), MB_OK);
        CHECK_INT(row_of(r, "000.7")->num, expect[i].trained);
        CHECK_INT(ind_data_report(d, data, s003, expect[i].scope, r), MB_OK);
        CHECK_INT(row_of(r, "003.5")->num, expect[i].contest);
    }
    ind_data_free(data);
    free(r);
    db_close(d);
}

/* ---- satisfaction ---- */

TEST(satisfaction_rule_and_anonymity)
{
    db *d = unit_db_open(NULL, 0);
    if (!d) return;
    ind_set *set = malloc(sizeof *set);
    *set = *ind_catalog_set(catalog, "000");
    int64_t region = add_territory(d, "Область", "region", 0);
    int64_t org_id = organisation(d, "school", add_territory(d, "Город", "municipality", region), 0);
    int64_t mentor = person(d, org_id, "mentor", "teacher", 0);
    int64_t m = mentorship(d, org_id, "teacher_pupil", "career", mentor, ms_of(2025, 9, 10), 0);
    int64_t wave = sql(d, "INSERT INTO poll_waves(org_id, kind, audience, state, opens_at, created_at)"
                          " VALUES (%lld, 'final', 'mentee', 'closed', %lld, 0)", (long long)org_id,
                       (long long)ms_of(2026, 5, 15));
    /* six answered (9, 7, 6.9, 8, 3, 10: four satisfied), two did not */
    static const double scores[8] = {9, 7, 6.9, 8, 3, 10, 0, 0};
    for (int i = 0; i < 8; i++) {
        int64_t mentee = person(d, org_id, "mentee", "pupil", 8);
        member(d, m, mentee, ms_of(2025, 9, 10));
        if (scores[i] > 0)
            sql(d, "INSERT INTO poll_recipients(wave_id, account_id, role, state, invited_at, answered_at, satisfaction)"
                   " VALUES (%lld, %lld, 'mentee', 'done', 0, %lld, %g)", (long long)wave, (long long)mentee,
                (long long)ms_of(2026, 5, 16), scores[i]);
        else
            sql(d, "INSERT INTO poll_recipients(wave_id, account_id, role, state, invited_at) VALUES (%lld, %lld,"
                   " 'mentee', 'invited', 0)", (long long)wave, (long long)mentee);
    }
    ind_period p;
    ind_period_parse("2025-26", ZONE, &p);
    ind_report *r = calloc(1, sizeof *r);
    ind_scope scope = {REF_SCOPE_ORG, org_id};
    char buf[32];
    CHECK_INT(ind_compute(d, set, scope, &p, ZONE, r), MB_OK);
    const ind_row *row = row_of(r, "000.12");
    CHECK_INT(row->respondents, 6);
    CHECK_INT(row->invited, 8);
    CHECK_STR(shown(r, "000.12", buf, sizeof buf), "66,7");
    char *text = ind_format_text(r, NULL, texts, "ru", ZONE);
    CHECK_CONTAINS(text, "ответили 6 из 8 (отклик 75,0 %)");
    CHECK_CONTAINS(text, "не ниже 7 из 10");
    free(text);
    /* another rule, as a definition file may set it */
    for (int i = 0; i < set->n; i++)
        if (strcmp(set->defs[i].code, "000.12") == 0) set->defs[i].satisfied_min = 8;
    CHECK_INT(ind_compute(d, set, scope, &p, ZONE, r), MB_OK);
    CHECK_STR(shown(r, "000.12", buf, sizeof buf), "50,0");
    text = ind_format_text(r, NULL, texts, "ru", ZONE);
    CHECK_CONTAINS(text, "не ниже 8 из 10");
    free(text);
    /* fewer than five respondents: the value is not shown, and says why */
    sql(d, "UPDATE poll_recipients SET state = 'invited', satisfaction = NULL, answered_at = NULL WHERE account_id IN"
           " (SELECT account_id FROM poll_recipients WHERE state = 'done' LIMIT 2)");
    CHECK_INT(ind_compute(d, set, scope, &p, ZONE, r), MB_OK);
    CHECK(!row_of(r, "000.12")->has_value);
    CHECK_INT(row_of(r, "000.12")->respondents, 4);
    text = ind_format_text(r, NULL, texts, "ru", ZONE);
    CHECK_CONTAINS(text, "ответили 4 из 8 — меньше 5, поэтому значение не показывается");
    free(text);
    /* mentors were not asked: their figure has no respondents at all */
    CHECK_INT(row_of(r, "000.13")->respondents, 0);
    /* 003.2: the teachers' questionnaire (its items as polls store them):
     * three of five find the conditions at school accessible */
    int64_t instrument = sql(d, "INSERT INTO instruments(key, version, body, created_at) VALUES ('poll_teachers', 1,"
                                " '{}', 0)");
    int64_t teachers = sql(d, "INSERT INTO poll_waves(org_id, kind, audience, state, opens_at, created_at)"
                              " VALUES (%lld, 'teachers', 'teacher', 'closed', %lld, 0)", (long long)org_id,
                           (long long)ms_of(2026, 3, 1));
    static const char *const answers[5] = {"accessible", "accessible", "none", "accessible", "not_accessible"};
    for (int i = 0; i < 5; i++) {
        int64_t teacher = person(d, org_id, "mentor", "teacher", 0);
        int64_t run = sql(d, "INSERT INTO survey_runs(account_id, instrument_id, state, started_at, finished_at)"
                             " VALUES (%lld, %lld, 'done', 0, 0)", (long long)teacher, (long long)instrument);
        sql(d, "INSERT INTO survey_answers(run_id, item, value, seq, answered_at) VALUES (%lld, 'deficit_school', '%s',"
               " 1, 0)", (long long)run, answers[i]);
        sql(d, "INSERT INTO poll_recipients(wave_id, account_id, role, run_id, state, invited_at, answered_at)"
               " VALUES (%lld, %lld, 'teacher', %lld, 'done', 0, 0)", (long long)teachers, (long long)teacher,
            (long long)run);
    }
    const ind_set *s003 = ind_catalog_set(catalog, "003");
    CHECK_INT(ind_compute(d, s003, scope, &p, ZONE, r), MB_OK);
    CHECK_STR(shown(r, "003.2", buf, sizeof buf), "60,0");
    CHECK_INT(row_of(r, "003.2")->respondents, 5);
    CHECK(!row_of(r, "003.2.b")->has_value);   /* nobody answered the municipal item: 0 of 5 */
    text = ind_format_text(r, NULL, texts, "ru", ZONE);
    CHECK_CONTAINS(text, "60,0 % (3 из 5); шкала: Имеется, доступно");
    free(text);
    free(r);
    free(set);
    db_close(d);
}

/* ---- erased people and snapshots ---- */

TEST(erased_people_and_snapshots)
{
    db *d = unit_db_open(NULL, 0);
    if (!d) return;
    const ind_set *set = ind_catalog_set(catalog, "004");
    int64_t region = add_territory(d, "Область", "region", 0);
    int64_t org_id = organisation(d, "school", add_territory(d, "Город", "municipality", region), 0);
    int64_t mentor = person(d, org_id, "mentor", "teacher", 0);
    int64_t m = mentorship(d, org_id, "pupil_pupil", NULL, mentor, ms_of(2024, 10, 1), 0);
    int64_t erased = 0;
    for (int i = 0; i < 4; i++) {
        int64_t mentee = person(d, org_id, "mentee", "pupil", 6);
        member(d, m, mentee, ms_of(2024, 10, 1));
        sql(d, "INSERT INTO outcomes(account_id, org_id, kind, happened_on, source, created_at) VALUES (%lld, %lld,"
               " 'grade_improved', %lld, 'chat', 0)", (long long)mentee, (long long)org_id,
            (long long)ms_of(2025, 3, 1));
        if (!erased) erased = mentee;
    }
    clock_set_ms(ms_of(2025, 12, 1));
    ind_period p;
    ind_period_parse("2024-25", ZONE, &p);
    ind_scope scope = {REF_SCOPE_ORG, org_id};
    ind_report *r = calloc(3, sizeof *r);
    /* the first report of a finished period is its snapshot */
    db_begin(d);
    CHECK_INT(ind_report_for(d, set, scope, &p, ZONE, NULL, &r[0], NULL), MB_OK);
    db_commit(d);
    CHECK(r[0].snapshot_at > 0);
    CHECK_INT(row_of(&r[0], "004.3.5")->num, 4);
    CHECK_INT(ind_compute(d, ind_catalog_set(catalog, "000"), scope, &p, ZONE, &r[1]), MB_OK);
    CHECK_INT(row_of(&r[1], "000.1")->num, 4);
    /* /forget: the person stays an anonymous row, the count does not move */
    db_begin(d);
    CHECK_INT(account_forget(d, erased), MB_OK);
    db_commit(d);
    CHECK_INT(db_scalar(d, "SELECT COUNT(*) FROM accounts WHERE status = 'forgotten' AND name IS NULL", 0), 1);
    CHECK_INT(ind_compute(d, set, scope, &p, ZONE, &r[1]), MB_OK);
    CHECK_INT(row_of(&r[1], "004.3.5")->num, 4);
    /* and they still took part in their pair that year */
    CHECK_INT(ind_compute(d, ind_catalog_set(catalog, "000"), scope, &p, ZONE, &r[1]), MB_OK);
    CHECK_INT(row_of(&r[1], "000.1")->num, 4);
    /* data entered late for the closed year: the snapshot stays, the
     * recomputation shows the difference */
    sql(d, "INSERT INTO outcomes(account_id, org_id, kind, happened_on, source, created_at) VALUES (%lld, %lld,"
           " 'grade_improved', %lld, 'csv', 0)", (long long)person(d, org_id, "mentee", "pupil", 9), (long long)org_id,
        (long long)ms_of(2025, 4, 1));
    db_begin(d);
    CHECK_INT(ind_report_for(d, set, scope, &p, ZONE, NULL, &r[1], &r[2]), MB_OK);
    db_commit(d);
    CHECK_INT(r[1].snapshot_at, r[0].snapshot_at);
    CHECK_INT(row_of(&r[1], "004.3.5")->num, 4);
    CHECK_INT(row_of(&r[2], "004.3.5")->num, 5);
    char *text = ind_format_text(&r[1], &r[2], texts, "ru", ZONE);
    CHECK_CONTAINS(text, "снимок от 01.12.2025");
    CHECK_CONTAINS(text, "по данным сейчас: 5");
    free(text);
    /* CSV of the snapshot: the stored numbers */
    char path[512];
    snprintf(path, sizeof path, "%s/report.csv", unit_tmpdir());
    FILE *f = fopen(path, "w");
    CHECK_INT(ind_format_csv(&r[1], f), 0);
    fclose(f);
    size_t len;
    char *csv = unit_read_file(path, &len);
    CHECK_CONTAINS(csv, "code,name,scope,period,numerator,denominator,value,target,unit,rounding\r\n");
    char line[128];
    snprintf(line, sizeof line, "org:%lld,2024-25,4,,4,,persons,half_up:0", (long long)org_id);
    CHECK_CONTAINS(csv, line);
    free(csv);
    /* an unfinished period is never stored */
    ind_period now;
    ind_period_current(clock_now_ms(), ZONE, &now);
    db_begin(d);
    CHECK_INT(ind_report_for(d, set, scope, &now, ZONE, NULL, &r[0], NULL), MB_OK);
    db_commit(d);
    CHECK_INT(r[0].snapshot_at, 0);
    CHECK_INT(db_scalar(d, "SELECT COUNT(*) FROM indicator_snapshots", -1), 1);
    clock_release();
    free(r);
    db_close(d);
}

/* ---- the command ---- */

TEST(report_command)
{
    db *d = unit_db_open(NULL, 0);
    if (!d) return;
    app a = {.d = d, .indicators = catalog, .texts = texts};
    snprintf(a.cfg.timezone, sizeof a.cfg.timezone, "UTC");
    snprintf(a.cfg.language, sizeof a.cfg.language, "ru");
    int64_t region = add_territory(d, "Область", "region", 0);
    int64_t org_id = organisation(d, "school", add_territory(d, "Город", "municipality", region), 0);
    int64_t m = mentorship(d, org_id, "student_pupil", NULL, person(d, org_id, "mentor", "student", 0),
                           ms_of(2025, 10, 1), 0);
    member(d, m, person(d, org_id, "mentee", "pupil", 7), ms_of(2025, 10, 1));
    char out[512], scope[32], err[4096];
    snprintf(out, sizeof out, "%s/001.csv", unit_tmpdir());
    snprintf(scope, sizeof scope, "org:%lld", (long long)org_id);
    char *argv[] = {"indicators", "--set", "001", "--scope", scope, "--period", "2025-26", "--format", "csv",
                    "--out", out};
    CHECK_INT(admin_caught(admin_report_cmd, &a, 11, argv, err, sizeof err), 0);
    size_t len = 0;
    char *csv = unit_read_file(out, &len);
    char line[160];
    snprintf(line, sizeof line, "org:%lld,2025-26,1,,1,0,persons,half_up:0", (long long)org_id);
    CHECK_CONTAINS(csv, line);   /* 001.8: one student mentor, none the year before */
    free(csv);
    /* mistakes are named */
    argv[6] = "2025-2026";
    CHECK_INT(admin_caught(admin_report_cmd, &a, 11, argv, err, sizeof err), 2);
    CHECK_CONTAINS(err, "--period must be a school year (2025-26)");
    argv[6] = "2025-26";
    argv[2] = "002";
    CHECK_INT(admin_caught(admin_report_cmd, &a, 11, argv, err, sizeof err), 2);
    CHECK_CONTAINS(err, "unknown set \"002\" (000, 001, 003, 004)");
    argv[2] = "001";
    argv[4] = "org:999";
    CHECK_INT(admin_caught(admin_report_cmd, &a, 11, argv, err, sizeof err), 1);
    CHECK_CONTAINS(err, "there is no organisation 999");
    db_close(d);
}

/* ---- periods and definition files ---- */

TEST(periods)
{
    ind_period p;
    CHECK_INT(ind_period_parse("2025-26", ZONE, &p), MB_OK);
    CHECK_INT(p.start_ms, ms_of(2025, 9, 1) - 12 * 3600000LL);
    CHECK_INT(p.end_ms, ms_of(2026, 9, 1) - 12 * 3600000LL - 1);
    CHECK_INT(p.target_year, 2026);
    CHECK_INT(ind_period_parse("2025", ZONE, &p), MB_OK);
    CHECK_INT(p.end_ms, ms_of(2026, 1, 1) - 12 * 3600000LL - 1);
    CHECK_INT(ind_period_parse("2026-06-01", ZONE, &p), MB_OK);
    CHECK_INT(p.start_ms, ms_of(2025, 9, 1) - 12 * 3600000LL);
    CHECK_INT(p.end_ms, ms_of(2026, 6, 2) - 12 * 3600000LL - 1);
    CHECK_INT(ind_period_parse("2026-06-01", "Asia/Tomsk", &p), MB_OK);
    CHECK_INT(p.end_ms, ms_of(2026, 6, 2) - 19 * 3600000LL - 1);
    CHECK_INT(ind_period_parse("2025-27", ZONE, &p), MB_ERR_PARSE);
    CHECK_INT(ind_period_parse("2026-02-30", ZONE, &p), MB_ERR_PARSE);
    CHECK_INT(ind_period_parse("last year", ZONE, &p), MB_ERR_PARSE);
    ind_scope s;
    CHECK_INT(ind_scope_parse("org:0", &s), MB_ERR_PARSE);
    CHECK_INT(ind_scope_parse("territory:12", &s), MB_OK);
    CHECK_INT(s.id, 12);
}

TEST(definition_files)
{
    /* every set the issue names, with its codes */
    static const char *const codes[] = {"000.1", "000.14", "001.1", "001.8", "001.forms.pupil_pupil.school",
                                        "001.forms.team_team.additional", "003.1", "003.7", "004.1.1", "004.4.5"};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        char set[4] = {codes[i][0], codes[i][1], codes[i][2], 0};
        const ind_set *s = ind_catalog_set(catalog, set);
        int found = 0;
        for (int k = 0; s && k < s->n; k++) found |= strcmp(s->defs[k].code, codes[i]) == 0;
        if (!found) fprintf(stderr, "  %s is not defined\n", codes[i]);
        CHECK(found);
    }
    CHECK_STR(ind_catalog_set(catalog, "000")->defs[0].name, "Доля обучающихся 5-11 классов общеобразовательных"
              " организаций, вовлеченных в различные формы сопровождения и наставничества");
    char dir[512], path[600], err[1024] = "";
    snprintf(dir, sizeof dir, "%s/defs", unit_tmpdir());
    mkdir(dir, 0700);
    snprintf(path, sizeof path, "%s/000.ini", dir);
    FILE *f = fopen(path, "w");
    fputs("[set]\ncode = 000\n\n[000.1]\nname = Доля\nunit = percent\nnumerator = count:nobody\n", f);
    fclose(f);
    CHECK(ind_catalog_load(dir, err, sizeof err) == NULL);
    CHECK_CONTAINS(err, "000.ini:7: unknown numerator \"count:nobody\"");
    f = fopen(path, "w");
    fputs("[set]\ncode = 000\n\n[000.1]\nname = Доля\nnumerator = ref:pupils_5_11\n", f);
    fclose(f);
    CHECK(ind_catalog_load(dir, err, sizeof err) == NULL);
    CHECK_CONTAINS(err, "[000.1] has no unit");
}

/* A recipient of a final wave who answered (score > 0) at `at`, or not. */
static void asked(db *d, int64_t wave, int64_t who, const char *role, double score, int64_t at)
{
    if (score > 0)
        sql(d, "INSERT INTO poll_recipients(wave_id, account_id, role, state, invited_at, answered_at, satisfaction)"
               " VALUES (%lld, %lld, '%s', 'done', 0, %lld, %g)", (long long)wave, (long long)who, role, (long long)at,
            score);
    else
        sql(d, "INSERT INTO poll_recipients(wave_id, account_id, role, state, invited_at) VALUES (%lld, %lld, '%s',"
               " 'invited', 0)", (long long)wave, (long long)who, role);
}

static int64_t final_wave(db *d, int64_t org_id, const char *audience, int64_t opens)
{
    return sql(d, "INSERT INTO poll_waves(org_id, kind, audience, state, opens_at, created_at)"
                  " VALUES (%lld, 'final', '%s', 'closed', %lld, 0)", (long long)org_id, audience, (long long)opens);
}

/* A region is read in one pass per table (its mentorships give the people,
 * the forms, the employers and the directions of the satisfaction
 * figures at once); a municipality through its organisations. With every
 * school of the region in one municipality, both must report the same. */
TEST(region_read_at_once_equals_its_municipality)
{
    db *d = unit_db_open(NULL, 0);
    if (!d) return;
    const ind_set *set = ind_catalog_set(catalog, "000");
    int64_t region = add_territory(d, "Область", "region", 0);
    int64_t city = add_territory(d, "Город", "municipality", region);
    int64_t a = organisation(d, "school", city, 0), b = organisation(d, "school", city, 0);
    /* another region's school: its people never count here, but a
     * mentorship of theirs still gives its members a direction */
    int64_t far = organisation(d, "school", add_territory(d, "Район", "municipality", add_territory(d, "Край", "region", 0)), 0);
    int64_t employer = sql(d, "INSERT INTO employers(name, name_key, created_at) VALUES ('Завод', 'завод', 0)");
    int64_t mentor = person(d, a, "mentor", "teacher", 0), learning_mentor = person(d, a, "mentor", "employee", 0);
    int64_t far_mentor = person(d, far, "mentor", "teacher", 0), b_mentor = person(d, b, "mentor", "employee", 0);
    sql(d, "UPDATE accounts SET employer_id = %lld WHERE id IN (%lld, %lld)", (long long)employer,
        (long long)learning_mentor, (long long)b_mentor);
    int64_t start = ms_of(2025, 9, 10);
    int64_t career = mentorship(d, a, "teacher_pupil", "career", mentor, start, 0);
    int64_t learning = mentorship(d, a, "employer_pupil", "learning", learning_mentor, start, 0);
    int64_t far_career = mentorship(d, far, "teacher_pupil", "career", far_mentor, start, 0);
    int64_t b_career = mentorship(d, b, "employer_pupil", "career", b_mentor, start, 0);
    int64_t m[8];
    for (int i = 0; i < 8; i++) m[i] = person(d, i < 6 ? a : b, "mentee", "pupil", 7);
    member(d, career, m[0], start);
    member(d, learning, m[1], start);
    member(d, far_career, m[2], start);
    /* a membership that ended before the school year: still of a career mentorship */
    sql(d, "INSERT INTO mentorship_members(mentorship_id, mentee_id, joined_at, left_at) VALUES (%lld, %lld, %lld,"
           " %lld)", (long long)career, (long long)m[3], (long long)ms_of(2024, 9, 1), (long long)ms_of(2025, 5, 1));
    member(d, career, m[4], start);
    member(d, b_career, m[6], start);
    member(d, b_career, m[7], start);
    int64_t first = final_wave(d, a, "mentee", ms_of(2026, 4, 1)), second = final_wave(d, a, "mentee", ms_of(2026, 5, 1));
    int64_t in_b = final_wave(d, b, "mentee", ms_of(2026, 5, 1)), mentors = final_wave(d, a, "mentor", ms_of(2026, 5, 1));
    asked(d, first, m[0], "mentee", 9, ms_of(2026, 4, 2));
    asked(d, second, m[0], "mentee", 3, ms_of(2026, 5, 2));   /* the latest answer counts: not satisfied */
    asked(d, second, m[1], "mentee", 10, ms_of(2026, 5, 2));  /* learning: not in a career figure */
    asked(d, second, m[2], "mentee", 10, ms_of(2026, 5, 2));
    asked(d, second, m[3], "mentee", 7, ms_of(2026, 5, 2));
    asked(d, second, m[4], "mentee", 0, 0);
    asked(d, in_b, m[6], "mentee", 8, ms_of(2026, 5, 3));
    asked(d, in_b, m[7], "mentee", 2, ms_of(2026, 5, 3));
    asked(d, mentors, mentor, "mentor", 8, ms_of(2026, 5, 2));
    asked(d, mentors, learning_mentor, "mentor", 9, ms_of(2026, 5, 2));
    /* the self-determination monitoring: both stages answered, in any of
     * the schools, by a pupil of grades 5-11 */
    int64_t initial = sql(d, "INSERT INTO poll_waves(org_id, kind, audience, state, opens_at, created_at)"
                             " VALUES (%lld, 'selfdet_initial', 'pupil', 'closed', %lld, 0)", (long long)a,
                          (long long)ms_of(2025, 10, 1));
    int64_t last = sql(d, "INSERT INTO poll_waves(org_id, kind, audience, state, opens_at, created_at)"
                          " VALUES (%lld, 'selfdet_final', 'pupil', 'closed', %lld, 0)", (long long)b,
                       (long long)ms_of(2026, 5, 1));
    static const struct { int who, grade, initial, last; } stages[] = {
        {0, 7, 1, 1},   /* counted, in the school of the second stage */
        {1, 7, 0, 1},   /* the second stage only */
        {6, 4, 1, 1},   /* grade 4 */
        {7, 9, 1, 0},   /* the first stage only */
    };
    for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++) {
        int64_t wave[2] = {initial, last};
        for (int k = 0; k < 2; k++)
            if (k ? stages[i].last : stages[i].initial)
                sql(d, "INSERT INTO poll_recipients(wave_id, account_id, role, grade, state, invited_at, answered_at)"
                       " VALUES (%lld, %lld, 'pupil', %d, 'done', 0, %lld)", (long long)wave[k],
                    (long long)m[stages[i].who], stages[i].grade, (long long)ms_of(2026, 5, 2));
    }
    ind_period p;
    ind_period_parse("2025-26", ZONE, &p);
    ind_report *whole = calloc(1, sizeof *whole), *part = calloc(1, sizeof *part);
    CHECK_INT(ind_compute(d, set, (ind_scope){REF_SCOPE_TERRITORY, region}, &p, ZONE, whole), MB_OK);
    CHECK_INT(ind_compute(d, set, (ind_scope){REF_SCOPE_TERRITORY, city}, &p, ZONE, part), MB_OK);
    /* career mentees asked: m0 (3 at last), m2 (10), m3 (7), m4 (no answer),
     * m6 (8), m7 (2): six asked, five answered, three satisfied */
    const ind_row *sat = row_of(whole, "000.12");
    CHECK_INT(sat->invited, 6);
    CHECK_INT(sat->respondents, 5);
    CHECK(sat->has_value && fabs(sat->value - 60.0) < 1e-9);
    CHECK_INT(row_of(whole, "000.13")->invited, 1);   /* the career mentor; the learning one is not */
    CHECK_INT(whole->n, part->n);
    for (int i = 0; i < whole->n && i < part->n; i++) {
        const ind_row *x = &whole->rows[i], *y = &part->rows[i];
        if (x->has_value != y->has_value || (x->has_value && x->value != y->value) || x->num != y->num ||
            x->den != y->den || x->invited != y->invited || x->respondents != y->respondents) {
            fprintf(stderr, "  %s: the region has %g (%g / %g, %d of %d), the municipality %g (%g / %g, %d of %d)\n",
                    x->def->code, x->value, x->num, x->den, x->respondents, x->invited, y->value, y->num, y->den,
                    y->respondents, y->invited);
            unit_failed_checks++;
        }
    }
    CHECK(row_of(whole, "000.14")->num == 1);
    /* one employer, though two of its people mentor in two schools */
    CHECK(row_of(whole, "000.3")->num == 1);
    /* account ids too far apart for a slot each: the same figures, sorted */
    sql(d, "INSERT INTO accounts(id, status, role, org_id, created_at, updated_at)"
           " VALUES (%d, 'active', 'mentee', %lld, 0, 0)", IND_DENSE_IDS_MAX + 10, (long long)far);
    CHECK_INT(ind_compute(d, set, (ind_scope){REF_SCOPE_TERRITORY, region}, &p, ZONE, part), MB_OK);
    for (int i = 0; i < whole->n && i < part->n; i++) {
        const ind_row *x = &whole->rows[i], *y = &part->rows[i];
        if (x->num != y->num || x->den != y->den || x->invited != y->invited || x->respondents != y->respondents) {
            fprintf(stderr, "  %s: %g / %g before, %g / %g with ids far apart\n", x->def->code, x->num, x->den,
                    y->num, y->den);
            unit_failed_checks++;
        }
    }
    free(whole);
    free(part);
    db_close(d);
}

int main(void)
{
    char err[512] = "", dir[512];
    if (!ind_find_data(NULL, dir, sizeof dir) || !(catalog = ind_catalog_load(dir, err, sizeof err))) {
        fprintf(stderr, "cannot load the indicator definitions from %s: %s\n", dir, err);
        return 1;
    }
    texts = unit_load_catalogs();
    RUN(form_coverage_table_of_001);
    RUN(targets_in_persons_of_000);
    RUN(targets_file_is_all_or_nothing);
    RUN(scope_matrix);
    RUN(a_record_counts_wherever_it_was_entered);
    RUN(satisfaction_rule_and_anonymity);
    RUN(region_read_at_once_equals_its_municipality);
    RUN(erased_people_and_snapshots);
    RUN(report_command);
    RUN(periods);
    RUN(definition_files);
    ind_catalog_free(catalog);
    i18n_free(texts);
    return unit_summary();
}

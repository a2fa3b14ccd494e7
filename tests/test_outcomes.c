/*
 * storage/outcomes and storage/employers: what each outcome kind takes, a
 * person's and an organisation's records, deleting only within the
 * organisation, employers' names folded to one; and `admin outcomes
 * import`: each bad cell told by line and column, nothing kept from a bad
 * file, a record imported twice kept once.
 */
#include "tests/unit.h"
#include "tests/unit_db.h"

#include "bot/admin/admin.h"
#include "bot/app.h"
#include "storage/accounts.h"
#include "storage/db.h"
#include "storage/employers.h"
#include "storage/outcomes.h"
#include "storage/people.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char err_text[8192];

static outcome blank(const char *kind, int64_t org_id, int64_t account_id, int ymd)
{
    outcome o;
    memset(&o, 0, sizeof o);
    snprintf(o.kind, sizeof o.kind, "%s", kind);
    o.org_id = org_id;
    o.account_id = account_id;
    o.count = -1;
    o.happened_on = outcome_day_ms(ymd);
    return o;
}

TEST(each_kind_takes_its_own_fields)
{
    outcome o = blank("contest", 1, 2, 20251020);
    CHECK(outcome_problem(&o) != NULL);                 /* a contest needs its level */
    snprintf(o.level, sizeof o.level, "regional");
    CHECK(outcome_problem(&o) == NULL);
    snprintf(o.title, sizeof o.title, "Кенгуру");
    CHECK_STR(outcome_problem(&o), "this kind takes no title");

    o = blank("class_results", 1, 2, 20251020);
    snprintf(o.result, sizeof o.result, "stable");
    CHECK(outcome_problem(&o) == NULL);
    o = blank("practice_expertise", 1, 2, 20251020);
    snprintf(o.level, sizeof o.level, "municipal");
    snprintf(o.result, sizeof o.result, "stable");      /* an expertise is passed or not */
    CHECK(outcome_problem(&o) != NULL);
    snprintf(o.result, sizeof o.result, "positive");
    CHECK(outcome_problem(&o) == NULL);

    o = blank("event_hosted", 1, 0, 20251020);
    snprintf(o.title, sizeof o.title, "День профессий");
    CHECK(outcome_problem(&o) != NULL);                 /* attendees */
    o.count = 120;
    CHECK(outcome_problem(&o) == NULL);
    CHECK_INT(outcome_day_ymd(outcome_day_ms(20260229 - 100)), 20260129);
}

TEST(records_are_listed_and_deleted_within_their_organisation)
{
    db *d = unit_db_open(NULL, 0);
    int64_t org1, org2, pupil, id1, id2;
    org_add(d, "Школа №1", "Asia/Tomsk", &org1);
    org_add(d, "Школа №2", "Asia/Tomsk", &org2);
    account_create(d, "tg", 7, 7, "ru", &pupil);
    outcome o = blank("grade_improved", org1, pupil, 20251201);
    snprintf(o.subject, sizeof o.subject, "математика");
    CHECK_INT(outcome_add(d, &o, &id1), MB_OK);
    o = blank("olympiad", org1, pupil, 20260115);
    snprintf(o.level, sizeof o.level, "municipal");
    CHECK_INT(outcome_add(d, &o, &id2), MB_OK);
    o = blank("olympiad", org1, pupil, 20260115);       /* no level */
    CHECK_INT(outcome_add(d, &o, NULL), MB_ERR_INVALID);

    outcome list[4];
    CHECK_INT(outcome_list_for_account(d, pupil, list, 4), 2);
    CHECK_STR(list[0].kind, "olympiad");                 /* newest first */
    CHECK_STR(list[1].subject, "математика");
    CHECK_INT(list[1].count, -1);
    CHECK_INT(outcome_list_for_org(d, org2, list, 4), 0);
    CHECK_INT(outcome_delete(d, id1, org2), MB_ERR_NOT_FOUND);   /* another school's curator */
    CHECK_INT(outcome_delete(d, id1, org1), MB_OK);
    CHECK_INT(outcome_list_for_org(d, org1, list, 4), 1);
    db_close(d);
}

static const char *key(const char *name)
{
    static char out[256];
    if (!employer_name_key(name, out, sizeof out)) snprintf(out, sizeof out, "(none)");
    return out;
}

TEST(employers_written_many_ways_fold_to_one)
{
    CHECK_STR(key("ООО «Ромашка»"), "ооо ромашка");
    CHECK_STR(key("  ооо   \"РОМАШКА\" "), "ооо ромашка");
    CHECK_STR(key("ООО\xE2\x80\x9CРомашка\xE2\x80\x9D"), "ооо ромашка");
    CHECK_STR(key("ОГАУ «Томский центр»"), "огау томский центр");
    CHECK_STR(key("АО Ромашка"), "ао ромашка");          /* the legal form stays part of the name */
    CHECK_STR(key("«»"), "(none)");

    db *d = unit_db_open(NULL, 0);
    int64_t a, b, c, who;
    CHECK_INT(employer_fold(d, "ООО «Ромашка»", &a), MB_OK);
    CHECK_INT(employer_fold(d, "ооо 'Ромашка'", &b), MB_OK);
    CHECK_INT(employer_fold(d, "АО «Ромашка»", &c), MB_OK);
    CHECK_INT(a, b);
    CHECK(a != c);
    CHECK_INT(employer_fold(d, " \" ", &c), MB_ERR_INVALID);
    account_create(d, "tg", 8, 8, "ru", &who);
    CHECK_INT(employer_set_for_account(d, who, "ооо ромашка"), MB_OK);
    char name[EMPLOYER_NAME_BYTES];
    int64_t id;
    CHECK_INT(employer_of_account(d, who, name, sizeof name, &id), MB_OK);
    CHECK_INT(id, a);
    CHECK_STR(name, "ООО «Ромашка»");
    CHECK_INT(employer_set_for_account(d, who, ""), MB_OK);
    CHECK_INT(employer_of_account(d, who, name, sizeof name, &id), MB_OK);
    CHECK_INT(id, 0);
    db_close(d);
}

static int import_outcomes(app *a, const char *file)
{
    char path[512];
    snprintf(path, sizeof path, "%s/stderr.txt", unit_tmpdir());
    fflush(stderr);
    fflush(stdout);
    int saved = dup(2), saved_out = dup(1), fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int null_fd = open("/dev/null", O_WRONLY);
    dup2(fd, 2);
    dup2(null_fd, 1);
    close(fd);
    close(null_fd);
    char *argv[] = {"import", (char *)file};
    int code = admin_outcomes_cmd(a, 2, argv);
    fflush(stderr);
    fflush(stdout);
    dup2(saved, 2);
    dup2(saved_out, 1);
    close(saved);
    close(saved_out);
    char *text = unit_read_file(path, NULL);
    snprintf(err_text, sizeof err_text, "%s", text ? text : "");
    free(text);
    return code;
}

static const char *write_file(const char *name, const char *body)
{
    static char path[512];
    unit_write_tmp(name, body, path, sizeof path);
    return path;
}

TEST(an_outcomes_file_is_all_or_nothing_with_line_and_column)
{
    app a;
    memset(&a, 0, sizeof a);
    a.d = unit_db_open(NULL, 0);
    int64_t school, pupil;
    org_add(a.d, "Школа №1", "Asia/Tomsk", &school);
    people_row row = {.org_id = school, .external_id = "p1", .name = "Иванов Пётр", .category = "pupil", .grade = 7,
                      .role = "mentee"};
    int changed_flag;
    CHECK_INT(people_upsert(a.d, &row, &pupil, &changed_flag), MB_OK);
    const char *good = "\xEF\xBB\xBF" "org;person_id;kind;date;level;subject;title;result;count\n"
                       "Школа №1;p1;olympiad;2025-11-20;Муниципальный;;;;\n"
                       "1;p1;grade_improved;01.12.2025;;алгебра;;;\n"
                       "1;;event_hosted;2025-10-10;;;День профессий;;85\n";
    CHECK_INT(import_outcomes(&a, write_file("good.csv", good)), 0);
    sqlite3 *h = db_handle(a.d);
    CHECK_INT(unit_sql_int(h, "SELECT COUNT(*) FROM outcomes WHERE source = 'csv'", 0), 3);
    CHECK_INT(unit_sql_int(h, "SELECT COUNT(*) FROM outcomes WHERE kind = 'olympiad' AND level = 'municipal'"
                              " AND account_id = ?1", pupil), 1);
    CHECK_INT(unit_sql_int(h, "SELECT count FROM outcomes WHERE kind = 'event_hosted' AND account_id IS NULL", 0), 85);
    CHECK_INT(import_outcomes(&a, write_file("good.csv", good)), 0);   /* twice: kept once */
    CHECK_INT(unit_sql_int(h, "SELECT COUNT(*) FROM outcomes", 0), 3);

    const char *bad = write_file("bad.csv", "org,person_id,kind,date,level,subject,title,result,count\n"
                                            "1,p1,contest,2025-11-20,regional,,,,\n"
                                            "1,p1,contest,2025-11-20,,,,,\n"
                                            "1,p1,victory,2025-11-20,,,,,\n"
                                            "1,p1,class_results,2025-13-01,,,,stable,\n"
                                            "1,p2,training,2025-11-20,,,,,\n"
                                            "1,p1,training,2025-11-20,,,Курсы,,\n"
                                            "1,,training,2025-11-20,,,,,\n"
                                            "1,p1,olympiad,2025-11-20,городской,,,,\n");
    CHECK_INT(import_outcomes(&a, bad), 1);
    char where[600];
    const char *expect[] = {":3: column level: contest needs", ":4: column kind: \"victory\"",
                            ":5: column date: \"2025-13-01\"", ":6: column person_id: no person p2",
                            ":7: column title: training takes no title", ":8: column person_id: empty",
                            ":9: column level: \"городской\" is not a level"};
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++) {
        snprintf(where, sizeof where, "%s%s", bad, expect[i]);
        CHECK_CONTAINS(err_text, where);
    }
    CHECK_INT(unit_sql_int(h, "SELECT COUNT(*) FROM outcomes", 0), 3);   /* line 2 was good, but not kept */
    db_close(a.d);
}

int main(void)
{
    RUN(each_kind_takes_its_own_fields);
    RUN(records_are_listed_and_deleted_within_their_organisation);
    RUN(employers_written_many_ways_fold_to_one);
    RUN(an_outcomes_file_is_all_or_nothing_with_line_and_column);
    return unit_summary();
}

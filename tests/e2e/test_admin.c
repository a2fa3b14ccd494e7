/*
 * The administrator builds the programme's structure through the real
 * binary, as operators' scripts do: territories, organisations (one by one
 * and from a spreadsheet's CSV), programmes and invites. Ids come on the
 * last line; a bad CSV line names its line and imports nothing; every
 * change leaves an audit row.
 */
#include "tests/e2e/convo.h"
#include "tests/unit.h"

#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static char conf_path[600], db_path[600];

/* A fresh configuration and database for one test. */
static void fresh(const char *name)
{
    snprintf(db_path, sizeof db_path, "%s/%s.db", unit_tmpdir(), name);
    snprintf(conf_path, sizeof conf_path, "%s/%s.conf", unit_tmpdir(), name);
    FILE *f = fopen(conf_path, "w");
    if (!f) return;
    fprintf(f, "[storage]\npath = %s\n[telegram]\nusername = school_mentor_bot\n[bot]\ntimezone = Asia/Tomsk\n",
            db_path);
    fclose(f);
}

/* `mentorbot admin ARGS`: the exit code, and the last line of what it printed
 * (without the line break) in last. */
static int admin_cmd(char *last, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int admin_cmd(char *last, size_t size, const char *fmt, ...)
{
    char args[1024], out[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    int rc = harness_run(out, sizeof out, "%s/mentorbot --config %s admin %s", harness_bin_dir(), conf_path, args);
    size_t n = strlen(out);
    while (n && out[n - 1] == '\n') out[--n] = 0;
    char *nl = strrchr(out, '\n');
    snprintf(last, size, "%s", nl ? nl + 1 : out);
    return rc;
}

/* The whole output of `mentorbot admin ARGS`, and the exit code. */
#define ADMIN_ALL(out, ...) harness_run(out, sizeof out, "%s/mentorbot --config %s admin " __VA_ARGS__)

static const char *write_file(const char *name, const char *text)
{
    static char path[600];
    snprintf(path, sizeof path, "%s/%s", unit_tmpdir(), name);
    FILE *f = fopen(path, "wb");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    return path;
}

/* One text value from the test's database (static buffer). */
static const char *db_text(const char *sql)
{
    static char value[512];
    sqlite3 *h;
    value[0] = 0;
    if (sqlite3_open_v2(db_path, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK)
        snprintf(value, sizeof value, "%s", unit_sql_text(h, sql));
    sqlite3_close(h);
    return value;
}

TEST(territories_and_organisations_print_their_ids_last)
{
    char last[512], out[4096];
    fresh("structure");
    CHECK_INT(admin_cmd(last, sizeof last, "territory add --name 'Томская область' --kind region"), 0);
    CHECK_STR(last, "1");
    CHECK_INT(admin_cmd(last, sizeof last, "territory add --name 'Томск' --kind municipality --parent 1"), 0);
    CHECK_STR(last, "2");
    CHECK_INT(admin_cmd(last, sizeof last, "territory add --name 'Северск' --kind municipality --parent 1"), 0);
    CHECK_STR(last, "3");

    CHECK_INT(admin_cmd(last, sizeof last, "territory add --name 'Район' --kind municipality --parent 2"), 1);
    CHECK_CONTAINS(last, "must be a region");
    CHECK(admin_cmd(last, sizeof last, "territory add --name 'Область' --kind region --parent 1") != 0);
    CHECK_CONTAINS(last, "a region has no parent");
    CHECK(admin_cmd(last, sizeof last, "territory add --name 'Край' --kind province") != 0);
    CHECK_CONTAINS(last, "--kind must be region or municipality, not \"province\"");
    CHECK_INT(admin_cmd(last, sizeof last, "territory add --name 'Томск' --kind municipality --parent 1"), 1);
    CHECK_CONTAINS(last, "exists already (id 2)");

    CHECK_INT(ADMIN_ALL(out, "territory list", harness_bin_dir(), conf_path), 0);
    CHECK_CONTAINS(out, "1\tregion\t-\tТомская область\n");
    CHECK_CONTAINS(out, "2\tmunicipality\t1\tТомск\n");

    CHECK_INT(admin_cmd(last, sizeof last, "org add --name 'Лицей №1' --type school --territory 2 --tz Asia/Tomsk"), 0);
    CHECK_STR(last, "1");
    CHECK_INT(admin_cmd(last, sizeof last, "org add --name 'ТПУ' --type university --territory 2"), 0);
    CHECK_STR(last, "2");
    /* the form that worked before types existed still works */
    CHECK_INT(admin_cmd(last, sizeof last, "org add --name 'Школа №3'"), 0);
    CHECK_STR(last, "3");
    CHECK_STR(db_text("SELECT type || ' ' || timezone || ' ' || IFNULL(territory_id, '-') FROM orgs WHERE id = 3"),
              "school Asia/Tomsk -");
    CHECK_STR(db_text("SELECT type || ' ' || territory_id FROM orgs WHERE id = 2"), "university 2");

    CHECK_INT(admin_cmd(last, sizeof last, "org add --name 'Школа' --territory 1"), 1);
    CHECK_CONTAINS(last, "territory 1 is a region");
    CHECK_INT(admin_cmd(last, sizeof last, "org add --name 'Школа' --territory 9"), 1);
    CHECK_CONTAINS(last, "there is no territory 9");
    CHECK_INT(admin_cmd(last, sizeof last, "org add --name 'Школа' --type academy"), 2);
    CHECK_CONTAINS(last, "unknown organisation type \"academy\"");
    CHECK_INT(admin_cmd(last, sizeof last, "org add --name '   '"), 2);
    CHECK_CONTAINS(last, "must be 1 to 200 characters");

    CHECK_INT(ADMIN_ALL(out, "org list", harness_bin_dir(), conf_path), 0);
    CHECK_CONTAINS(out, "2\tuniversity\t2\tAsia/Tomsk\tТПУ\n");
    CHECK_CONTAINS(out, "3\tschool\t-\tAsia/Tomsk\tШкола №3\n");

    CHECK_INT(db_query_int(db_path, "SELECT COUNT(*) FROM orgs"), 3);
    CHECK_INT(db_query_int(db_path, "SELECT COUNT(*) FROM territories"), 3);
    CHECK_INT(db_query_int(db_path, "SELECT COUNT(*) FROM audit WHERE actor = 'admin:cli' AND action = 'territory.add'"),
              3);
    CHECK_INT(db_query_int(db_path, "SELECT COUNT(*) FROM audit WHERE actor = 'admin:cli' AND action = 'org.add'"), 3);
    CHECK_STR(db_text("SELECT subject FROM audit WHERE action = 'org.add' ORDER BY id DESC LIMIT 1"), "org:3");
}

/* The structure the CSV tests import into. */
static void csv_world(void)
{
    char last[512];
    CHECK_INT(admin_cmd(last, sizeof last, "territory add --name 'Томская область' --kind region"), 0);
    CHECK_INT(admin_cmd(last, sizeof last, "territory add --name 'Томск' --kind municipality --parent 1"), 0);
    CHECK_INT(admin_cmd(last, sizeof last, "territory add --name 'Северск' --kind municipality --parent 1"), 0);
}

TEST(a_spreadsheet_csv_imports_whole)
{
    char last[512], out[4096];
    fresh("import");
    csv_world();
    /* as a spreadsheet saves it: a byte-order mark, CRLF, quotes, an empty
     * timezone and an empty last line */
    const char *good = write_file("good.csv",
        "\xEF\xBB\xBFname,type,municipality,timezone\r\n"
        "\"Школа №5, корпус 2\",school,Томск,Asia/Tomsk\r\n"
        "\"Центр \"\"Радуга\"\"\",Additional,Северск,\r\n"
        "ИП Иванова,entrepreneur, Томск ,Asia/Novosibirsk\r\n"
        "\r\n");
    CHECK_INT(admin_cmd(last, sizeof last, "org import %s", good), 0);
    CHECK_STR(last, "imported 3 organisation(s), ids 1 to 3");
    CHECK_STR(db_text("SELECT name FROM orgs WHERE id = 1"), "Школа №5, корпус 2");
    CHECK_STR(db_text("SELECT name || '|' || type || '|' || territory_id || '|' || timezone FROM orgs WHERE id = 2"),
              "Центр \"Радуга\"|additional|3|Asia/Tomsk");
    CHECK_STR(db_text("SELECT type || '|' || territory_id || '|' || timezone FROM orgs WHERE id = 3"),
              "entrepreneur|2|Asia/Novosibirsk");
    CHECK_INT(db_query_int(db_path, "SELECT COUNT(*) FROM audit WHERE action = 'org.add' AND detail LIKE '%good.csv:%'"),
              3);
    CHECK_INT(db_query_int(db_path, "SELECT COUNT(*) FROM audit WHERE action = 'org.import'"), 1);

    /* the same file again would double every school: refused whole */
    CHECK_INT(ADMIN_ALL(out, "org import %s", harness_bin_dir(), conf_path, good), 1);
    CHECK_CONTAINS(out, "good.csv:2: \"Школа №5, корпус 2\" in Томск exists already (organisation 1)");
    CHECK_CONTAINS(out, "nothing imported");
    CHECK_INT(db_query_int(db_path, "SELECT COUNT(*) FROM orgs"), 3);

    /* a Russian spreadsheet's semicolons */
    const char *semicolons = write_file("semicolons.csv", "name;type;municipality;timezone\nКолледж;college;Томск;\n");
    CHECK_INT(admin_cmd(last, sizeof last, "org import %s", semicolons), 0);
    CHECK_STR(last, "imported 1 organisation(s), ids 4 to 4");
    CHECK_STR(db_text("SELECT type FROM orgs WHERE name = 'Колледж'"), "college");
}

TEST(a_bad_line_names_itself_and_imports_nothing)
{
    char out[8192];
    fresh("import_bad");
    csv_world();
    const char *bad = write_file("bad.csv",
        "name,type,municipality,timezone\n"
        "Лицей №1,school,Томск,Asia/Tomsk\n"
        "Лицей №2,school,Северск,\n"
        "Лицей №3,school,Колпашево,Asia/Tomsk\n"
        "Лицей №4,school,Томск,Asia/Tomsk\n");
    CHECK_INT(ADMIN_ALL(out, "org import %s", harness_bin_dir(), conf_path, bad), 1);
    CHECK_CONTAINS(out, "bad.csv:4: unknown municipality \"Колпашево\"");
    CHECK(strstr(out, "bad.csv:2:") == NULL && strstr(out, "bad.csv:5:") == NULL);
    CHECK_INT(db_query_int(db_path, "SELECT COUNT(*) FROM orgs"), 0);
    CHECK_INT(db_query_int(db_path, "SELECT COUNT(*) FROM audit WHERE action LIKE 'org.%'"), 0);

    /* every kind of bad line, each with its reason, all in one run */
    const char *many = write_file("many.csv",
        "name,type,municipality,timezone\n"
        "Школа А,academy,Томск,\n"                      /* 2 */
        "Школа Б,school,Томск,Mars/Olympus\n"           /* 3 */
        "\"  \",school,Томск,\n"                        /* 4 */
        "Школа В,school,Томск\n"                        /* 5 */
        "Школа Г,,Томск,\n"                             /* 6 */
        "Школа Д,school,,\n"                            /* 7 */
        "Школа Е,school,Томск,\n"                       /* 8: good */
        "Школа Е,school,Томск,\n"                       /* 9: the same as 8 */
        "\"Школа \"Ж\"\",school,Томск,\n");             /* 10 */
    CHECK_INT(ADMIN_ALL(out, "org import %s", harness_bin_dir(), conf_path, many), 1);
    CHECK_CONTAINS(out, "many.csv:2: unknown type \"academy\"");
    CHECK_CONTAINS(out, "many.csv:3: unknown timezone \"Mars/Olympus\"");
    CHECK_CONTAINS(out, "many.csv:4: the organisation name is empty");
    CHECK_CONTAINS(out, "many.csv:5: expected 4 fields");
    CHECK_CONTAINS(out, "many.csv:6: the type is empty");
    CHECK_CONTAINS(out, "many.csv:7: the municipality is empty");
    CHECK(strstr(out, "many.csv:8:") == NULL);
    CHECK_CONTAINS(out, "many.csv:10: text after a closing quote");
    CHECK_INT(db_query_int(db_path, "SELECT COUNT(*) FROM orgs"), 0);

    /* a duplicate within one good file */
    const char *twice = write_file("twice.csv", "name,type,municipality,timezone\nШкола Е,school,Томск,\n"
                                                "Школа Е,school,Томск,\n");
    CHECK_INT(ADMIN_ALL(out, "org import %s", harness_bin_dir(), conf_path, twice), 1);
    CHECK_CONTAINS(out, "twice.csv:3: the same organisation as line 2");
    CHECK_INT(db_query_int(db_path, "SELECT COUNT(*) FROM orgs"), 0);

    /* no header, an unterminated quote, a Windows-1251 file, no file */
    const char *headless = write_file("headless.csv", "Лицей №1,school,Томск,Asia/Tomsk\n");
    CHECK_INT(ADMIN_ALL(out, "org import %s", harness_bin_dir(), conf_path, headless), 1);
    CHECK_CONTAINS(out, "headless.csv:1: the first line must be the header name,type,municipality,timezone");
    const char *open_quote = write_file("open.csv", "name,type,municipality,timezone\n\"Лицей,school,Томск,\n");
    CHECK_INT(ADMIN_ALL(out, "org import %s", harness_bin_dir(), conf_path, open_quote), 1);
    CHECK_CONTAINS(out, "open.csv:2: a quoted field is not closed");
    const char *cp1251 = write_file("cp1251.csv", "name,type,municipality,timezone\n\xd8\xea\xee\xeb\xe0,school,Томск,\n");
    CHECK_INT(ADMIN_ALL(out, "org import %s", harness_bin_dir(), conf_path, cp1251), 1);
    CHECK_CONTAINS(out, "cp1251.csv:2: the text is not UTF-8");
    CHECK_INT(ADMIN_ALL(out, "org import %s/missing.csv", harness_bin_dir(), conf_path, unit_tmpdir()), 1);
    CHECK_CONTAINS(out, "missing.csv: cannot open");
    CHECK_INT(db_query_int(db_path, "SELECT COUNT(*) FROM orgs"), 0);
}

TEST(one_programme_per_organisation_and_year)
{
    char last[512];
    fresh("programs");
    CHECK_INT(admin_cmd(last, sizeof last, "org add --name 'Лицей №1'"), 0);
    CHECK_INT(admin_cmd(last, sizeof last, "org add --name 'Сибкабель' --type enterprise"), 0);
    CHECK_INT(admin_cmd(last, sizeof last, "program create --org 1 --year 2025"), 0);
    CHECK_STR(last, "1");
    CHECK_STR(db_text("SELECT forms FROM programs WHERE id = 1"),
              "[\"pupil_pupil\",\"teacher_teacher\",\"teacher_pupil\",\"student_pupil\",\"employer_pupil\"]");
    CHECK_INT(db_query_int(db_path, "SELECT stage FROM programs WHERE id = 1"), 1);

    CHECK_INT(admin_cmd(last, sizeof last, "program create --org 1 --year 2025 --forms team_team"), 1);
    CHECK_CONTAINS(last, "has a programme for 2025/26 already (id 1)");
    CHECK_INT(admin_cmd(last, sizeof last, "program create --org 1 --year 2026 --forms 'team_team, pupil_pupil'"), 0);
    CHECK_STR(last, "2");
    CHECK_STR(db_text("SELECT forms FROM programs WHERE id = 2"), "[\"pupil_pupil\",\"team_team\"]");

    CHECK_INT(admin_cmd(last, sizeof last, "program create --org 1 --year 2027 --forms pupil_pupil,mentor_mentee"), 2);
    CHECK_CONTAINS(last, "unknown form \"mentor_mentee\"");
    CHECK_INT(admin_cmd(last, sizeof last, "program create --org 2 --year 2025"), 1);
    CHECK_CONTAINS(last, "of type enterprise");
    CHECK_INT(admin_cmd(last, sizeof last, "program create --org 7 --year 2025"), 1);
    CHECK_CONTAINS(last, "there is no organisation 7");
    CHECK_INT(admin_cmd(last, sizeof last, "program create --org 1 --year 25"), 2);
    CHECK_CONTAINS(last, "--year must be");

    CHECK_INT(db_query_int(db_path, "SELECT COUNT(*) FROM programs"), 2);
    CHECK_INT(db_query_int(db_path, "SELECT COUNT(*) FROM audit WHERE actor = 'admin:cli' AND action = 'program.create'"),
              2);
    CHECK_STR(db_text("SELECT detail FROM audit WHERE action = 'program.create' ORDER BY id LIMIT 1"),
              "org 1, year 2025, forms pupil_pupil,teacher_teacher,teacher_pupil,student_pupil,employer_pupil");
}

TEST(invites_bind_an_organisation_or_a_coordinators_territory)
{
    char last[512];
    fresh("invites");
    CHECK_INT(admin_cmd(last, sizeof last, "territory add --name 'Томская область' --kind region"), 0);
    CHECK_INT(admin_cmd(last, sizeof last, "org add --name 'Лицей №1'"), 0);
    CHECK_INT(admin_cmd(last, sizeof last, "invite create --org 1 --role curator"), 0);
    CHECK_CONTAINS(last, "https://t.me/school_mentor_bot?start=");
    CHECK_INT(admin_cmd(last, sizeof last, "invite create --territory 1 --role coordinator --uses 2"), 0);
    CHECK_CONTAINS(last, "https://t.me/school_mentor_bot?start=");
    CHECK_STR(db_text("SELECT role || '|' || IFNULL(org_id, '-') || '|' || territory_id || '|' || max_uses"
                      " FROM invites WHERE id = 2"), "coordinator|-|1|2");
    CHECK_STR(db_text("SELECT IFNULL(territory_id, '-') FROM invites WHERE id = 1"), "-");

    char out[4096];
    CHECK_INT(ADMIN_ALL(out, "invite create --org 1 --role coordinator", harness_bin_dir(), conf_path), 2);
    CHECK_CONTAINS(out, "a coordinator invite binds a territory: use --territory ID, not --org");
    CHECK_INT(ADMIN_ALL(out, "invite create --territory 1 --role curator", harness_bin_dir(), conf_path), 2);
    CHECK_CONTAINS(out, "a curator invite needs --org ID");
    CHECK_INT(ADMIN_ALL(out, "invite create --territory 1 --role admin", harness_bin_dir(), conf_path), 2);
    CHECK_CONTAINS(out, "usage: admin invite create");
    CHECK_INT(admin_cmd(last, sizeof last, "invite create --territory 5 --role coordinator"), 1);
    CHECK_CONTAINS(last, "there is no territory 5");
    CHECK_INT(db_query_int(db_path, "SELECT COUNT(*) FROM invites"), 2);
    CHECK_STR(db_text("SELECT detail FROM audit WHERE action = 'invite.create' ORDER BY id DESC LIMIT 1"),
              "role coordinator, territory 1, uses 2, days 30");
}

/* Two regions, each with a «Томск», and timezones on the regions only. */
static void two_regions_world(void)
{
    char last[512];
    CHECK_INT(admin_cmd(last, sizeof last, "territory add --name 'Томская область' --kind region --tz Asia/Tomsk"), 0);
    CHECK_INT(admin_cmd(last, sizeof last, "territory add --name 'Томск' --kind municipality --parent 1"), 0);
    CHECK_INT(admin_cmd(last, sizeof last, "territory add --name 'Новосибирская область' --kind region"), 0);
    CHECK_INT(admin_cmd(last, sizeof last, "territory add --name 'Томск' --kind municipality --parent 3"), 0);
    CHECK_INT(admin_cmd(last, sizeof last, "territory tz 3 Asia/Novosibirsk"), 0);
}

TEST(a_russian_spreadsheet_names_municipalities_by_path_or_id)
{
    char last[512], out[4096];
    fresh("import_ru");
    two_regions_world();
    /* the same name in two regions: every line says which ones it could mean */
    const char *ambiguous = write_file("ambiguous.csv", "Название;Тип;Муниципалитет\nЛицей №1;лицей;Томск\n");
    CHECK_INT(ADMIN_ALL(out, "org import %s", harness_bin_dir(), conf_path, ambiguous), 1);
    CHECK_CONTAINS(out, "ambiguous.csv:2: the municipality \"Томск\" is ambiguous: Томская область/Томск (id 2),"
                        " Новосибирская область/Томск (id 4); write the path or the id instead");
    CHECK_INT(db_query_int(db_path, "SELECT COUNT(*) FROM orgs"), 0);

    /* Russian header in another order, Russian types, path and id, empty timezones inherited */
    const char *good = write_file("ru.csv",
        "тип;название;муниципалитет;часовой пояс\n"
        "СОШ;Школа №7;Томская область / Томск;\n"
        "Гимназия;Гимназия №2;4;\n"
        "техникум;Томский техникум;Томская область/Томск;Europe/Moscow\n"
        "ВУЗ;ТГУ;2;\n"
        "предприятие;Завод;4;\n");
    CHECK_INT(admin_cmd(last, sizeof last, "org import %s", good), 0);
    CHECK_STR(last, "imported 5 organisation(s), ids 1 to 5");
    CHECK_STR(db_text("SELECT type || '|' || territory_id || '|' || timezone FROM orgs WHERE name = 'Школа №7'"),
              "school|2|Asia/Tomsk");
    CHECK_STR(db_text("SELECT type || '|' || territory_id || '|' || timezone FROM orgs WHERE name = 'Гимназия №2'"),
              "school|4|Asia/Novosibirsk");
    CHECK_STR(db_text("SELECT type || '|' || timezone FROM orgs WHERE name = 'Томский техникум'"),
              "college|Europe/Moscow");
    CHECK_STR(db_text("SELECT type FROM orgs WHERE name = 'ТГУ'"), "university");
    CHECK_STR(db_text("SELECT type FROM orgs WHERE name = 'Завод'"), "enterprise");

    /* bad cells still name their line, and nothing is kept */
    const char *bad = write_file("ru_bad.csv",
        "название,тип,муниципалитет\n"
        "Школа №8,кружок,Томская область/Томск\n"
        "Школа №9,школа,Кемеровская область/Томск\n"
        "Школа №10,школа,1\n"
        "Школа №11,школа,Северск\n");
    CHECK_INT(ADMIN_ALL(out, "org import %s", harness_bin_dir(), conf_path, bad), 1);
    CHECK_CONTAINS(out, "ru_bad.csv:2: unknown type \"кружок\"");
    CHECK_CONTAINS(out, "ru_bad.csv:3: there is no municipality \"Кемеровская область/Томск\"");
    CHECK_CONTAINS(out, "ru_bad.csv:4: there is no municipality 1");
    CHECK_CONTAINS(out, "ru_bad.csv:5: unknown municipality \"Северск\"");
    CHECK_INT(db_query_int(db_path, "SELECT COUNT(*) FROM orgs"), 5);
    const char *columns = write_file("ru_columns.csv", "название,вид,муниципалитет\nШкола,школа,2\n");
    CHECK_INT(ADMIN_ALL(out, "org import %s", harness_bin_dir(), conf_path, columns), 1);
    CHECK_CONTAINS(out, "ru_columns.csv:1: the first line must be the header");
    CHECK_CONTAINS(out, "unknown column \"вид\"");
}

TEST(territories_are_renamed_moved_and_removed_only_when_unused)
{
    char last[512], out[4096];
    fresh("territory_edit");
    two_regions_world();
    CHECK_INT(admin_cmd(last, sizeof last, "territory add --name 'Асино' --kind municipality --parent 3"), 0);
    CHECK_INT(admin_cmd(last, sizeof last, "org add --name 'Школа' --territory 4"), 0);

    CHECK_INT(admin_cmd(last, sizeof last, "territory rename 4 --name 'Томск-2'"), 0);
    CHECK_STR(db_text("SELECT name FROM territories WHERE id = 4"), "Томск-2");
    CHECK_INT(admin_cmd(last, sizeof last, "territory move 5 --parent 1"), 0);
    CHECK_STR(db_text("SELECT parent_id FROM territories WHERE id = 5"), "1");
    /* a clash under the new parent, a region moved, a municipality as parent */
    CHECK_INT(admin_cmd(last, sizeof last, "territory rename 5 --name 'Томск'"), 1);
    CHECK_CONTAINS(last, "another municipality under the same parent is named \"Томск\" already");
    CHECK_INT(admin_cmd(last, sizeof last, "territory move 1 --parent 3"), 1);
    CHECK_CONTAINS(last, "is a region");
    CHECK_INT(admin_cmd(last, sizeof last, "territory move 5 --parent 2"), 1);
    CHECK_CONTAINS(last, "must be a region");

    /* in use: refused with what refers to it */
    CHECK_INT(admin_cmd(last, sizeof last, "territory remove 4"), 1);
    CHECK_CONTAINS(last, "territory 4 \"Томск-2\" is still in use: 0 municipalities, 1 organisations");
    CHECK_INT(admin_cmd(last, sizeof last, "territory remove 1"), 1);
    CHECK_CONTAINS(last, "2 municipalities");
    CHECK_INT(admin_cmd(last, sizeof last, "territory remove 5"), 0);
    CHECK_STR(last, "removed 5");
    CHECK_INT(db_query_int(db_path, "SELECT COUNT(*) FROM territories"), 4);
    CHECK_INT(admin_cmd(last, sizeof last, "territory remove 5"), 1);
    CHECK_CONTAINS(last, "there is no territory 5");
    CHECK_INT(ADMIN_ALL(out, "territory tz 2 Mars/Olympus", harness_bin_dir(), conf_path), 2);
    CHECK_CONTAINS(out, "unknown timezone");
    CHECK_INT(db_query_int(db_path, "SELECT COUNT(*) FROM audit WHERE action IN ('territory.rename',"
                                    " 'territory.move', 'territory.remove', 'territory.timezone')"), 4);
}

int main(void)
{
    RUN(territories_and_organisations_print_their_ids_last);
    RUN(a_spreadsheet_csv_imports_whole);
    RUN(a_bad_line_names_itself_and_imports_nothing);
    RUN(one_programme_per_organisation_and_year);
    RUN(invites_bind_an_organisation_or_a_coordinators_territory);
    RUN(a_russian_spreadsheet_names_municipalities_by_path_or_id);
    RUN(territories_are_renamed_moved_and_removed_only_when_unused);
    return unit_summary();
}

/*
 * `admin import people`, `admin import mentorships` and `admin invite
 * people`, run in-process on a fresh database: what an organisation's
 * spreadsheet becomes, what a second run of the same file changes (nothing),
 * how a bad file is told (line and column) and that it keeps nothing, the
 * employers folded by name, and the role history of a mentee who becomes a
 * mentor.
 */
#include "tests/unit.h"
#include "tests/unit_db.h"
#include "tests/unit_messengers.h"

#include "bot/admin/admin.h"
#include "bot/app.h"
#include "storage/accounts.h"
#include "storage/db.h"
#include "storage/invites.h"
#include "storage/people.h"
#include "storage/territories.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char err_text[8192], out_text[2048];

static const char *write_file(const char *name, const char *body)
{
    static char path[4][512];
    static int next;
    char *p = path[next++ % 4];
    unit_write_tmp(name, body, p, 512);
    return p;
}

/* Runs `admin WORDS...` in-process with stderr caught into err_text and
 * stdout into out_text; the exit code. */
static int run(app *a, int argc, char **argv)
{
    char path[512], out_path[512];
    snprintf(path, sizeof path, "%s/stderr.txt", unit_tmpdir());
    snprintf(out_path, sizeof out_path, "%s/stdout.txt", unit_tmpdir());
    fflush(stderr);
    fflush(stdout);
    int saved = dup(2), fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int saved_out = dup(1), out_fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 2);
    close(fd);
    dup2(out_fd, 1);
    close(out_fd);
    int code = strcmp(argv[0], "import") == 0 ? admin_import_cmd(a, argc - 1, argv + 1)
               : strcmp(argv[0], "outcomes") == 0 ? admin_outcomes_cmd(a, argc - 1, argv + 1)
                                                  : admin_invite_people(a, argc - 2, argv + 2);
    fflush(stderr);
    fflush(stdout);
    dup2(saved, 2);
    close(saved);
    dup2(saved_out, 1);
    close(saved_out);
    char *text = unit_read_file(path, NULL);
    snprintf(err_text, sizeof err_text, "%s", text ? text : "");
    free(text);
    text = unit_read_file(out_path, NULL);
    snprintf(out_text, sizeof out_text, "%s", text ? text : "");
    free(text);
    return code;
}

static int import(app *a, const char *what, const char *file)
{
    char *argv[] = {"import", (char *)what, (char *)file};
    return run(a, 3, argv);
}

static int count(db *d, const char *sql) { return (int)unit_sql_int(db_handle(d), sql, 0); }

/* A school with its organisation id 1, named as `admin org import` would. */
static void setup(app *a)
{
    memset(a, 0, sizeof *a);
    a->d = unit_db_open(NULL, 0);
    int64_t id;
    org_add(a->d, "Школа №1", "Asia/Tomsk", &id);
}

/* A Russian spreadsheet: byte-order mark, semicolons, Russian words. */
static const char *people_file =
    "\xEF\xBB\xBF" "org;person_id;full_name;category;grade;role;employer\r\n"
    "Школа №1;p1;Иванов Пётр;pupil;7;mentee;\r\n"
    "1;t1;Сидорова Анна;учитель;;наставник;ООО «Ромашка»\r\n"
    "Школа №1;e1;Козлов Иван;employee;;mentor;ооо  \"Ромашка\"\r\n";

TEST(people_become_imported_rows_and_a_second_run_changes_nothing)
{
    app a;
    setup(&a);
    CHECK_INT(import(&a, "people", write_file("people.csv", people_file)), 0);
    CHECK_INT(count(a.d, "SELECT COUNT(*) FROM accounts WHERE status = 'imported'"), 3);
    account p;
    CHECK_INT(people_find(a.d, 1, "p1", &p), MB_OK);
    CHECK_STR(p.name, "Иванов Пётр");
    CHECK_STR(p.role, "mentee");
    CHECK_INT(p.grade, 7);
    CHECK_INT(people_find(a.d, 1, "t1", &p), MB_OK);
    CHECK_STR(p.category, "teacher");
    CHECK_STR(p.role, "mentor");
    /* «Ромашка» in two spellings is one employer, shown as first written */
    CHECK_INT(count(a.d, "SELECT COUNT(*) FROM employers"), 1);
    CHECK_STR(unit_sql_text(db_handle(a.d), "SELECT name FROM employers"), "ООО «Ромашка»");
    CHECK_INT(count(a.d, "SELECT COUNT(DISTINCT employer_id) FROM accounts WHERE employer_id IS NOT NULL"), 1);
    CHECK_INT(count(a.d, "SELECT COUNT(*) FROM accounts WHERE employer_id IS NOT NULL"), 2);
    int history = count(a.d, "SELECT COUNT(*) FROM role_history");
    CHECK_INT(history, 3);

    CHECK_INT(import(&a, "people", write_file("people.csv", people_file)), 0);
    CHECK_CONTAINS(out_text, "0 new, 0 updated, 3 unchanged");
    CHECK_INT(count(a.d, "SELECT COUNT(*) FROM accounts"), 3);
    CHECK_INT(count(a.d, "SELECT COUNT(*) FROM role_history"), history);
    CHECK_INT(count(a.d, "SELECT COUNT(*) FROM employers"), 1);
    db_close(a.d);
}

TEST(a_bad_people_file_names_line_and_column_and_keeps_nothing)
{
    app a;
    setup(&a);
    const char *bad = write_file("bad.csv",
                                 "org,person_id,full_name,category,grade,role,employer,notes\n"
                                 "Школа №1,p1,Иванов Пётр,pupil,7,mentee,,first\n"
                                 "Школа №1,t1,Сидорова Анна,teacher,5,mentor,,\n"
                                 "Школа №2,t2,Петров Олег,teacher,,mentor,,\n"
                                 "Школа №1,p2,Орлова Мария,pupil,7,captain,,\n"
                                 "Школа №1,p1,Иванов Пётр,pupil,7,mentee,,again\n"
                                 "Школа №1,p3,Белова Ольга,employee,,mentee,,\n");
    CHECK_INT(import(&a, "people", bad), 1);
    char where[600];
    snprintf(where, sizeof where, "%s:3: column grade: only a pupil has a grade", bad);
    CHECK_CONTAINS(err_text, where);
    snprintf(where, sizeof where, "%s:4: column org: no organisation \"Школа №2\"", bad);
    CHECK_CONTAINS(err_text, where);
    snprintf(where, sizeof where, "%s:5: column role:", bad);
    CHECK_CONTAINS(err_text, where);
    snprintf(where, sizeof where, "%s:6: column person_id: p1 is on line 2 already", bad);
    CHECK_CONTAINS(err_text, where);
    snprintf(where, sizeof where, "%s:7: column category: a mentee is a pupil, a student or a teacher", bad);
    CHECK_CONTAINS(err_text, where);
    CHECK_CONTAINS(err_text, "nothing imported");
    CHECK_INT(count(a.d, "SELECT COUNT(*) FROM accounts"), 0);

    const char *headless = write_file("headless.csv", "org,person_id,full_name,category,grade,role\n");
    CHECK_INT(import(&a, "people", headless), 1);
    CHECK_CONTAINS(err_text, "the header has no \"employer\" column");
    db_close(a.d);
}

TEST(mentorships_come_with_form_direction_and_dates)
{
    app a;
    setup(&a);
    CHECK_INT(import(&a, "people", write_file("people.csv",
                                              "org,person_id,full_name,category,grade,role,employer\n"
                                              "1,p1,Иванов Пётр,pupil,7,mentee,\n"
                                              "1,p2,Орлова Мария,pupil,8,mentee,\n"
                                              "1,m1,Белов Олег,pupil,10,mentor,\n"
                                              "1,t1,Сидорова Анна,teacher,,mentor,\n")), 0);
    const char *file = write_file("pairs.csv",
                                  "org;form;mentor;mentees;direction;started;ended\n"
                                  "Школа №1;Ученик – ученик;m1;p1 | p2;профориентация;2025-09-01;\n"
                                  "1;teacher_pupil;t1;p1;learning;01.09.2024;2025-05-25\n");
    CHECK_INT(import(&a, "mentorships", file), 0);
    CHECK_INT(count(a.d, "SELECT COUNT(*) FROM mentorships WHERE state = 'active' AND form = 'pupil_pupil'"
                         " AND direction = 'career'"), 1);
    CHECK_INT(count(a.d, "SELECT COUNT(*) FROM mentorship_members m JOIN mentorships s ON s.id = m.mentorship_id"
                         " WHERE s.form = 'pupil_pupil' AND m.left_at IS NULL"), 2);
    CHECK_INT(count(a.d, "SELECT COUNT(*) FROM mentorships WHERE state = 'ended' AND direction = 'learning'"
                         " AND ended_at > created_at"), 1);
    /* the same file again adds nothing */
    CHECK_INT(import(&a, "mentorships", file), 0);
    CHECK_INT(count(a.d, "SELECT COUNT(*) FROM mentorships"), 2);

    const char *bad = write_file("pairs-bad.csv",
                                 "org,form,mentor,mentees,direction,started,ended\n"
                                 "1,teacher_pupil,t1,p2,social,2025-10-01,\n"
                                 "1,pupil_pupil,p1,p2,talent,2025-10-01,\n"
                                 "1,teacher_pupil,t1,p2,космос,2025-10-01,\n"
                                 "1,teacher_pupil,t1,x9,social,2025-10-01,\n");
    CHECK_INT(import(&a, "mentorships", bad), 1);
    char where[600];
    snprintf(where, sizeof where, "%s:2: column mentees: p2 is already in an active mentorship", bad);
    CHECK_CONTAINS(err_text, where);
    snprintf(where, sizeof where, "%s:3: column mentor: p1 is a mentee, not a mentor", bad);
    CHECK_CONTAINS(err_text, where);
    snprintf(where, sizeof where, "%s:4: column direction:", bad);
    CHECK_CONTAINS(err_text, where);
    snprintf(where, sizeof where, "%s:5: column mentees: no person x9", bad);
    CHECK_CONTAINS(err_text, where);
    CHECK_INT(count(a.d, "SELECT COUNT(*) FROM mentorships"), 2);
    db_close(a.d);
}

/* The indicators count a mentee who became a mentor from role_history,
 * which triggers write: here through the two real paths, a registration
 * switched to a mentor's invite and a list that names a joined mentee a
 * mentor the next year. */
TEST(a_mentee_who_becomes_a_mentor_shows_in_the_role_history)
{
    app a;
    setup(&a);
    int64_t id;
    account acc;
    CHECK_INT(account_create(a.d, "tg", 501, 501, "ru", &id), MB_OK);
    CHECK_INT(account_load(a.d, id, &acc), MB_OK);
    snprintf(acc.role, sizeof acc.role, "mentee");
    acc.org_id = 1;
    CHECK_INT(account_save(a.d, &acc), MB_OK);
    CHECK_INT(account_restart_registration(a.d, id), MB_OK);
    CHECK_INT(account_load(a.d, id, &acc), MB_OK);
    snprintf(acc.role, sizeof acc.role, "mentor");
    acc.org_id = 1;
    CHECK_INT(account_save(a.d, &acc), MB_OK);
    sqlite3 *h = db_handle(a.d);
    CHECK_STR(unit_sql_text(h, "SELECT group_concat(role, ',') FROM (SELECT role FROM role_history"
                               " WHERE account_id = (SELECT MAX(id) FROM accounts) ORDER BY rowid)"), "mentee,mentor");

    CHECK_INT(import(&a, "people", write_file("y1.csv", "org,person_id,full_name,category,grade,role,employer\n"
                                                        "1,p1,Иванов Пётр,pupil,9,mentee,\n")), 0);
    CHECK_INT(people_find(a.d, 1, "p1", &acc), MB_OK);
    snprintf(acc.status, sizeof acc.status, "active");   /* joined and registered */
    CHECK_INT(account_save(a.d, &acc), MB_OK);
    CHECK_INT(import(&a, "people", write_file("y2.csv", "org,person_id,full_name,category,grade,role,employer\n"
                                                        "1,p1,Иванов Пётр,pupil,10,mentor,\n")), 0);
    CHECK_INT(people_find(a.d, 1, "p1", &acc), MB_OK);
    CHECK_STR(acc.role, "mentor");
    CHECK_INT(acc.grade, 10);
    CHECK_INT(unit_sql_int(h, "SELECT COUNT(*) FROM role_history WHERE account_id = ?1", acc.id), 2);
    CHECK_STR(unit_sql_text(h, "SELECT group_concat(role, ',') FROM (SELECT role FROM role_history"
                               " WHERE account_id = (SELECT id FROM accounts WHERE external_id = 'p1') ORDER BY rowid)"),
              "mentee,mentor");
    /* someone who declines at registration leaves no role behind */
    CHECK_INT(account_create(a.d, "tg", 502, 502, "ru", &id), MB_OK);
    CHECK_INT(account_load(a.d, id, &acc), MB_OK);
    snprintf(acc.role, sizeof acc.role, "mentee");
    acc.org_id = 1;
    CHECK_INT(account_save(a.d, &acc), MB_OK);
    CHECK_INT(account_delete(a.d, id), MB_OK);
    CHECK_INT(unit_sql_int(h, "SELECT COUNT(*) FROM role_history WHERE account_id = ?1", id), 0);
    /* and back is refused, naming the cell */
    const char *back = write_file("y3.csv", "org,person_id,full_name,category,grade,role,employer\n"
                                            "1,p1,Иванов Пётр,pupil,10,mentee,\n");
    CHECK_INT(import(&a, "people", back), 1);
    CHECK_CONTAINS(err_text, ":2: column role: p1");
    db_close(a.d);
}

TEST(personal_invites_are_written_once_per_person)
{
    app a;
    setup(&a);
    unit_register_messengers("school_bot", 0, NULL);
    CHECK_INT(import(&a, "people", write_file("people.csv", people_file)), 0);
    char out[512];
    snprintf(out, sizeof out, "%s/invites.csv", unit_tmpdir());
    char *argv[] = {"invite", "people", "--org", "1", "--out", out};
    CHECK_INT(run(&a, 6, argv), 0);
    char *text = unit_read_file(out, NULL);
    CHECK_CONTAINS(text, "person_id;full_name;role;telegram;vk;max");
    CHECK_CONTAINS(text, "p1;Иванов Пётр;mentee;https://t.me/school_bot?start=");
    free(text);
    CHECK_INT(count(a.d, "SELECT COUNT(*) FROM invites WHERE kind = 'person' AND max_uses = 1"), 3);
    CHECK_INT(run(&a, 6, argv), 0);   /* the same links again, no new invites */
    CHECK_INT(count(a.d, "SELECT COUNT(*) FROM invites"), 3);
    db_close(a.d);
}

/* Opening the personal invite attaches the messenger account to the row;
 * declining the consent detaches it and the invite works again. */
TEST(a_person_joins_their_row_once_and_declining_gives_it_back)
{
    app a;
    setup(&a);
    CHECK_INT(import(&a, "people", write_file("people.csv", people_file)), 0);
    account p, again;
    CHECK_INT(people_find(a.d, 1, "p1", &p), MB_OK);
    char code[INVITE_CODE_LEN + 1];
    CHECK_INT(people_invite(a.d, p.id, "test", code), MB_OK);
    invite inv;
    CHECK_INT(invite_find(a.d, code, &inv), MB_OK);
    CHECK_STR(inv.kind, "person");
    CHECK_INT(inv.for_account, p.id);
    CHECK_INT(people_join(a.d, &inv, "tg", 900, 900, "ru"), MB_OK);
    CHECK_INT(account_find_by_identity(a.d, "tg", 900, &again, NULL), MB_OK);
    CHECK_INT(again.id, p.id);
    CHECK_STR(again.status, "registering");
    CHECK_INT(people_join(a.d, &inv, "tg", 901, 901, "ru"), MB_ERR_EXPIRED);   /* taken */
    CHECK_INT(people_unjoin(a.d, p.id), MB_OK);
    CHECK_INT(account_find_by_identity(a.d, "tg", 900, &again, NULL), MB_ERR_NOT_FOUND);
    CHECK_INT(account_load(a.d, p.id, &again), MB_OK);
    CHECK_STR(again.status, "imported");
    CHECK_STR(again.name, "Иванов Пётр");
    CHECK_INT(people_join(a.d, &inv, "tg", 901, 901, "ru"), MB_OK);
    db_close(a.d);
}

int main(void)
{
    RUN(people_become_imported_rows_and_a_second_run_changes_nothing);
    RUN(a_bad_people_file_names_line_and_column_and_keeps_nothing);
    RUN(mentorships_come_with_form_direction_and_dates);
    RUN(a_mentee_who_becomes_a_mentor_shows_in_the_role_history);
    RUN(personal_invites_are_written_once_per_person);
    RUN(a_person_joins_their_row_once_and_declining_gives_it_back);
    return unit_summary();
}

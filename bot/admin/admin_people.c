/*
 * Importing an organisation's own lists (docs/import.md): its people
 * (`admin import people`), and the personal invites with which they join
 * (`admin invite people`); its pairs and groups are admin_mentorships.c's.
 * The import is all or nothing, like `admin org import`, and every bad
 * cell is told as FILE:LINE: column NAME: why. Importing the same file
 * again changes nothing.
 */
#include "bot/admin/admin.h"
#include "bot/app.h"
#include "handlers/flows.h"
#include "util/platform.h"
#include "storage/employers.h"
#include "storage/people.h"
#include "util/text.h"
#include "util/person_name.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PEOPLE_ROWS_MAX 20000        /* people in one file */
#define PEOPLE_HEADER "org,person_id,full_name,category,grade,role,employer"

enum { P_ORG, P_ID, P_NAME, P_CATEGORY, P_GRADE, P_ROLE, P_EMPLOYER, P_COUNT };

static const admin_column people_columns[P_COUNT] = {
    {{"org", "организация", NULL}, 1},
    {{"person_id", "id", "код", NULL}, 1},
    {{"full_name", "фио", "имя", NULL}, 1},
    {{"category", "категория", NULL}, 1},
    {{"grade", "класс", NULL}, 1},
    {{"role", "роль", NULL}, 1},
    {{"employer", "работодатель", "место работы", NULL}, 1},
};

static const char *const category_codes[] = {"pupil", "student", "teacher", "employee", "entrepreneur", "alumnus", NULL};
static const admin_word category_words[] = {
    {"ученик", "pupil"}, {"школьник", "pupil"}, {"обучающийся", "pupil"}, {"студент", "student"},
    {"учитель", "teacher"}, {"педагог", "teacher"}, {"сотрудник", "employee"}, {"работник", "employee"},
    {"предприниматель", "entrepreneur"}, {"выпускник", "alumnus"},
};
static const char *const role_codes[] = {"mentor", "mentee", NULL};
static const admin_word role_words[] = {{"наставник", "mentor"}, {"наставляемый", "mentee"}};

typedef struct people_state {
    admin_import im;     /* first: the runner's callbacks get it */
    int col[P_COUNT], fields;
    int added, updated, same;
    admin_line_map *seen;      /* account id -> line */
} people_state;

static int people_header(admin_import *im, csv_reader *r)
{
    people_state *s = (people_state *)im;
    return admin_import_columns(im, r, people_columns, P_COUNT, s->col, &s->fields);
}

/* The row's cells into row; 0 after reporting the first bad cell. */
static int people_cells(people_state *s, csv_reader *r, people_row *row)
{
    long line = r->line;
    admin_import *im = &s->im;
    memset(row, 0, sizeof *row);
    if (!admin_import_org(im, line, admin_import_cell(r, s->col, P_ORG), &row->org_id)) return 0;
    char *id = text_clean_line(admin_import_cell(r, s->col, P_ID), PEOPLE_EXTERNAL_MAX + 1);
    int ok = id && *id && text_codepoints(id) <= PEOPLE_EXTERNAL_MAX;
    if (ok) snprintf(row->external_id, sizeof row->external_id, "%s", id);
    else admin_import_bad_cell(im, line, "person_id", id && *id ? "longer than %d characters" : "empty", PEOPLE_EXTERNAL_MAX);
    free(id);
    if (!ok) return 0;
    char max[16];
    snprintf(max, sizeof max, "%d", ACCOUNT_NAME_MAX);
    person_name_problem pr = person_name_check(admin_import_cell(r, s->col, P_NAME), 2, ACCOUNT_NAME_MAX, row->name,
                                               sizeof row->name);
    if (pr == PERSON_NAME_TOO_LONG) admin_import_bad_cell(im, line, "full_name", "longer than %s characters", max);
    else if (pr) admin_import_bad_cell(im, line, "full_name", "needs a name in letters");
    if (pr) return 0;
    const char *cell = admin_import_cell(r, s->col, P_ROLE);
    const char *role = admin_word_code(cell, role_words, sizeof role_words / sizeof role_words[0], role_codes);
    if (!role) {
        admin_import_bad_cell(im, line, "role", "\"%s\" is not a role (mentor or mentee; наставник or наставляемый)", cell);
        return 0;
    }
    snprintf(row->role, sizeof row->role, "%s", role);
    cell = admin_import_cell(r, s->col, P_CATEGORY);
    const char *cat = admin_word_code(cell, category_words, sizeof category_words / sizeof category_words[0], category_codes);
    if (!cat) {
        admin_import_bad_cell(im, line, "category", "\"%s\" is not a category (pupil, student, teacher, employee,"
                                                    " entrepreneur, alumnus)", cell);
        return 0;
    }
    if (strcmp(role, "mentee") == 0 && strcmp(cat, "pupil") && strcmp(cat, "student") && strcmp(cat, "teacher")) {
        admin_import_bad_cell(im, line, "category", "a mentee is a pupil, a student or a teacher, not %s", cat);
        return 0;
    }
    snprintf(row->category, sizeof row->category, "%s", cat);
    cell = admin_import_cell(r, s->col, P_GRADE);
    long long grade = 0;
    if (strcmp(cat, "pupil") == 0 && !admin_parse_long(cell, 1, 11, &grade)) {
        admin_import_bad_cell(im, line, "grade", "a pupil's grade is a number from 1 to 11, not \"%s\"", cell);
        return 0;
    }
    if (strcmp(cat, "pupil") != 0 && *cell) {
        admin_import_bad_cell(im, line, "grade", "only a pupil has a grade; leave it empty for a %s", cat);
        return 0;
    }
    row->grade = (int)grade;
    cell = admin_import_cell(r, s->col, P_EMPLOYER);
    char key[EMPLOYER_NAME_BYTES * 2];
    if (*cell && strcmp(role, "mentor") != 0) {
        admin_import_bad_cell(im, line, "employer", "only a mentor has an employer here; leave it empty for a mentee");
        return 0;
    }
    if (*cell && (text_codepoints(cell) > EMPLOYER_NAME_MAX || strlen(cell) >= sizeof row->employer)) {
        admin_import_bad_cell(im, line, "employer", "longer than %d characters", EMPLOYER_NAME_MAX);
        return 0;
    }
    if (*cell && !employer_name_key(cell, key, sizeof key)) {
        admin_import_bad_cell(im, line, "employer", "has no name in it, only quotes");
        return 0;
    }
    snprintf(row->employer, sizeof row->employer, "%s", cell);
    return 1;
}

/* Someone who joined already: their name is their own (a file that
 * differs is stale), a mentor does not become a mentee, and a mentee
 * becomes a mentor only out of any active mentorship. The grade, the
 * category and the employer follow the list (a new school year). 1 after
 * reporting the first cell that may not change. */
static int joined_differs(people_state *s, long line, const account *a, const people_row *row)
{
    const char *column = NULL, *why = NULL;
    if (strcmp(a->status, "forgotten") == 0) column = "person_id", why = "erased their data in the bot (/forget); remove the line";
    else if (strcmp(a->name, row->name) != 0) column = "full_name", why = "has joined the bot under another name; correct the file";
    else if (strcmp(a->role, row->role) != 0 && strcmp(row->role, "mentee") == 0)
        column = "role", why = "is a mentor in the bot; a mentor does not become a mentee";
    else if (strcmp(a->role, row->role) != 0 && people_active_mentorship(s->im.a->d, a->id))
        column = "role", why = "is a mentee in an active mentorship; end it before they become a mentor";
    if (!column) return 0;
    admin_import_bad_cell(&s->im, line, column, "%s (account %lld) %s", row->external_id, (long long)a->id, why);
    return 1;
}

static mb_status people_record(admin_import *im, csv_reader *r)
{
    people_state *s = (people_state *)im;
    long line = r->line;
    people_row row;
    if (!admin_import_shape_ok(im, r, s->fields) || !people_cells(s, r, &row)) return MB_OK;
    account old;
    mb_status rc = people_find(im->a->d, row.org_id, row.external_id, &old);
    if (rc && rc != MB_ERR_NOT_FOUND) return rc;
    int existed = rc == MB_OK;
    if (existed) {
        long *first = admin_line_slot(s->seen, old.id);
        if (*first) {
            admin_import_bad_cell(im, line, "person_id", "%s is on line %ld already", row.external_id, *first);
            return MB_OK;
        }
        if (strcmp(old.status, "imported") != 0 && joined_differs(s, line, &old, &row)) return MB_OK;
    }
    int64_t id = 0;
    int changed = 0;
    if ((rc = people_upsert(im->a->d, &row, &id, &changed))) return rc;
    *admin_line_slot(s->seen, id) = line;
    if (!changed) s->same++;
    else if (existed) s->updated++;
    else s->added++;
    return MB_OK;
}

static int import_people(app *a, const char *path)
{
    people_state s = {.im = {.a = a, .path = path, .header_text = PEOPLE_HEADER, .rows_name = "people",
                             .rows_max = PEOPLE_ROWS_MAX, .header = people_header, .row = people_record},
                      .seen = calloc(1, sizeof(admin_line_map))};
    int code = 1;
    if (!s.seen) fprintf(stderr, "%s: out of memory\n", path);
    else if (admin_import_run(&s.im) == 0) {
        char detail[AUDIT_DETAIL_MAX];
        snprintf(detail, sizeof detail, "%s: %d new, %d updated, %d unchanged", path, s.added, s.updated, s.same);
        if (!admin_finish_change(a, audit_log(a->d, ADMIN_ACTOR, "people.import", NULL, detail), "import the people")) {
            printf("personal invites: admin invite people --org ID --out FILE.csv\n");
            printf("imported %d people: %d new, %d updated, %d unchanged\n", s.added + s.updated + s.same, s.added,
                   s.updated, s.same);
            code = 0;
        }
    }
    free(s.seen);
    return code;
}

int admin_import_cmd(app *a, int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[0], "people") == 0) return import_people(a, argv[1]);
    if (argc == 2 && strcmp(argv[0], "mentorships") == 0) return admin_import_mentorships(a, argv[1]);
    fprintf(stderr, "usage: admin import people FILE.csv      (header %s)\n"
                    "       admin import mentorships FILE.csv (header %s)\n", PEOPLE_HEADER, ADMIN_MENTORSHIPS_HEADER);
    return 2;
}

/* ---- personal invites ---- */

/* Writes FILE: person_id, full_name, role and the Telegram and VK links of
 * each person of the organisation who has not joined yet, making the
 * invites that are missing (one use each, no expiry). Semicolons and a
 * byte-order mark, as the curator's tables, so a spreadsheet opens it. */
int admin_invite_people(app *a, int argc, char **argv)
{
    static const char *const known[] = {"--org", "--out", NULL};
    long long org_id;
    const char *out = admin_opt(argc, argv, "--out");
    if (!admin_check_opts(argc, argv, known) || !admin_parse_long(admin_opt(argc, argv, "--org"), 1, INT64_MAX, &org_id) ||
        !out) {
        fprintf(stderr, "usage: admin invite people --org ID --out FILE.csv\n");
        return 2;
    }
    org o;
    if (org_get(a->d, org_id, &o)) {
        fprintf(stderr, "there is no organisation %lld (see `admin org list`)\n", org_id);
        return 1;
    }
    FILE *f = fopen(out, "wb");
    if (!f) {
        fprintf(stderr, "%s: cannot create the file\n", out);
        return 1;
    }
    admin_learn_username(a);
    if (a->username[0]) app_register_platforms(a);
    else fprintf(stderr, "warning: the bot's username is not known yet (start the service once or set [telegram]"
                         " username); the Telegram links use a placeholder\n");
    fputs("\xEF\xBB\xBF", f);
    const char *head[] = {"person_id", "full_name", "role", "telegram", "vk", "max"};
    int bad = csv_write_record(f, head, 6, ';'), written = 0;
    mb_status rc = db_begin(a->d);
    sqlite3_stmt *st = rc ? NULL : db_stmt(a->d, "SELECT id, external_id, name, role FROM accounts"
                                                 " WHERE org_id = ?1 AND status = 'imported' AND external_id IS NOT NULL"
                                                 " ORDER BY external_id");
    if (!rc && !st) rc = MB_ERR_DB;
    int64_t *ids = NULL;
    int n = 0;
    if (!rc) {
        ids = malloc(PEOPLE_ROWS_MAX * sizeof *ids);
        sqlite3_bind_int64(st, 1, org_id);
        n = ids ? db_step_ids(a->d, st, ids, PEOPLE_ROWS_MAX) : 0;
        if (!ids) rc = MB_ERR_NOMEM;
    }
    for (int i = 0; !rc && !bad && i < n; i++) {
        account p;
        char ext[PEOPLE_EXTERNAL_BYTES], code[INVITE_CODE_LEN + 1], links[3][256];
        if ((rc = account_load(a->d, ids[i], &p)) || (rc = people_invite(a->d, p.id, ADMIN_ACTOR, code))) break;
        people_external_id(a->d, p.id, ext, sizeof ext);
        /* Each messenger's own link, empty where the bot does not run or
         * has no deep link (MAX before its name is known). */
        static const char *const columns[] = {"tg", "vk", "max"};
        for (int k = 0; k < 3; k++)
            if (platform_deep_link(columns[k], code, links[k], sizeof links[k])) links[k][0] = 0;
        const char *fields[] = {ext, p.name, p.role, links[0], links[1], links[2]};
        bad = csv_write_record(f, fields, 6, ';');
        written++;
    }
    free(ids);
    if (fclose(f) || bad) {
        fprintf(stderr, "%s: cannot write the file\n", out);
        if (!rc) rc = MB_ERR_IO;
    }
    char detail[AUDIT_DETAIL_MAX];
    snprintf(detail, sizeof detail, "org %lld, %d people, to %s", org_id, written, out);
    if (!rc) rc = audit_log(a->d, ADMIN_ACTOR, "people.invites", NULL, detail);
    if (admin_finish_change(a, rc, "write the personal invites")) {
        remove(out);
        return 1;
    }
    printf("%d personal invite(s) of \"%s\" written to %s\n", written, o.name, out);
    return 0;
}

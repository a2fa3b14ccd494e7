/*
 * Importing an organisation's own lists (docs/import.md): its people
 * (`admin import people`), its pairs and groups (`admin import
 * mentorships`), and the personal invites with which the imported people
 * join (`admin invite people`). Both imports are all or nothing, like
 * `admin org import`, and every bad cell is told as FILE:LINE: column
 * NAME: why. Importing the same people file again changes nothing.
 */
#include "bot/admin.h"
#include "bot/app.h"
#include "handlers/flows.h"
#include "storage/directions.h"
#include "storage/employers.h"
#include "storage/people.h"
#include "storage/profiles.h"
#include "util/clock.h"
#include "util/text.h"
#include "util/person_name.h"
#include "util/typed.h"
#include "util/tz.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PEOPLE_ROWS_MAX 20000        /* people in one file */
#define MENTORSHIP_ROWS_MAX 10000    /* mentorships in one file */
#define PEOPLE_HEADER "org,person_id,full_name,category,grade,role,employer"
#define MENTORSHIPS_HEADER "org,form,mentor,mentees,direction,started,ended"
#define LINES_SLOTS 65536            /* a power of two above twice the rows of a file */

/* ---- shared by the imports of this file and admin_outcomes.c ---- */

int admin_import_columns(admin_import *im, csv_reader *r, const admin_column *cols, int ncols, int *col,
                         int *fields)
{
    for (int c = 0; c < ncols; c++) col[c] = -1;
    *fields = r->count;
    for (int i = 0; i < r->count; i++) {
        char lower[128];
        if (!typed_lower(admin_trim(r->fields[i]), lower, sizeof lower)) continue;
        for (int c = 0; c < ncols; c++)
            for (int k = 0; k < ADMIN_COLUMN_NAMES && cols[c].names[k]; k++)
                if (strcmp(lower, cols[c].names[k]) == 0) {
                    if (col[c] >= 0) {
                        fprintf(stderr, "%s:%ld: column %d: a second \"%s\" column (the first is column %d)\n",
                                im->path, r->line, i + 1, cols[c].names[0], col[c] + 1);
                        return 0;
                    }
                    col[c] = i;
                }
    }
    for (int c = 0; c < ncols; c++)
        if (cols[c].required && col[c] < 0) {
            fprintf(stderr, "%s:%ld: the header has no \"%s\" column (the first line must name the columns: %s)\n",
                    im->path, r->line, cols[c].names[0], im->header_text);
            return 0;
        }
    return 1;
}

void admin_import_bad_cell(admin_import *im, long line, const char *column, const char *fmt, ...)
{
    char why[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    admin_import_bad(im, line, "column %s: %s", column, why);
}

char *admin_import_cell(csv_reader *r, const int *col, int c)
{
    return col[c] >= 0 && col[c] < r->count ? admin_trim(r->fields[col[c]]) : (char *)"";
}

int admin_parse_date(const char *s)
{
    int y, m, d, n = 0;
    if (sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || s[n]) {
        n = 0;
        if (sscanf(s, "%2d.%2d.%4d%n", &d, &m, &y, &n) != 3 || s[n]) return 0;
    }
    if (y < TYPED_YEAR_MIN || y > TYPED_YEAR_MAX || m < 1 || m > 12 || d < 1 || d > typed_days_in_month(y, m))
        return 0;
    return y * 10000 + m * 100 + d;
}

/* Every field is UTF-8 and the record has the header's fields; else the
 * line is reported and 0. */
static int record_shape_ok(admin_import *im, csv_reader *r, int fields)
{
    if (r->count != fields) {
        admin_import_bad(im, r->line, "expected %d fields as in the header, found %d", fields, r->count);
        return 0;
    }
    for (int i = 0; i < r->count; i++)
        if (!text_utf8_valid(r->fields[i], strlen(r->fields[i]))) {
            admin_import_bad(im, r->line, "column %d: the text is not UTF-8 (save the file as \"CSV UTF-8\")", i + 1);
            return 0;
        }
    return 1;
}

/* The lines at which each account (or mentorship) id was met in this file:
 * a small open-addressing table, so a repeat names the first line. */
typedef struct line_map {
    int64_t keys[LINES_SLOTS];
    long lines[LINES_SLOTS];
} line_map;

static long *line_slot(line_map *m, int64_t key)
{
    size_t i = (size_t)((uint64_t)key * 0x9E3779B97F4A7C15ULL >> 48) & (LINES_SLOTS - 1);
    while (m->keys[i] && m->keys[i] != key) i = (i + 1) & (LINES_SLOTS - 1);
    m->keys[i] = key;
    return &m->lines[i];
}

/* An organisation cell, reported when it names none or several. */
static int org_cell(admin_import *im, long line, const char *cell, int64_t *org_id)
{
    mb_status rc = *cell ? people_find_org(im->a->d, cell, org_id) : MB_ERR_NOT_FOUND;
    if (rc == MB_OK) return 1;
    if (!*cell) admin_import_bad_cell(im, line, "org", "empty (an organisation's name or id)");
    else if (rc == MB_ERR_EXISTS)
        admin_import_bad_cell(im, line, "org", "several organisations are named \"%s\"; write the id (admin org list)",
                              cell);
    else if (rc == MB_ERR_NOT_FOUND)
        admin_import_bad_cell(im, line, "org", "no organisation \"%s\" (admin org list, admin org import)", cell);
    else
        admin_import_bad_cell(im, line, "org", "cannot be read: %s", mb_status_str(rc));
    return 0;
}

/* A word of a cell, as a code: the code itself or one of its Russian
 * words; NULL when unknown. */
typedef struct word_code { const char *word, *code; } word_code;
static const char *code_of(const char *cell, const word_code *words, size_t n, const char *const *codes)
{
    char lower[128];
    if (!typed_lower(cell, lower, sizeof lower)) return NULL;
    for (size_t i = 0; codes[i]; i++)
        if (strcmp(lower, codes[i]) == 0) return codes[i];
    for (size_t i = 0; i < n; i++)
        if (strcmp(lower, words[i].word) == 0) return words[i].code;
    return NULL;
}

/* ---- people ---- */

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
static const word_code category_words[] = {
    {"ученик", "pupil"}, {"школьник", "pupil"}, {"обучающийся", "pupil"}, {"студент", "student"},
    {"учитель", "teacher"}, {"педагог", "teacher"}, {"сотрудник", "employee"}, {"работник", "employee"},
    {"предприниматель", "entrepreneur"}, {"выпускник", "alumnus"},
};
static const char *const role_codes[] = {"mentor", "mentee", NULL};
static const word_code role_words[] = {{"наставник", "mentor"}, {"наставляемый", "mentee"}};

typedef struct people_state {
    admin_import im;     /* first: the runner's callbacks get it */
    int col[P_COUNT], fields;
    int added, updated, same;
    line_map *seen;      /* account id -> line */
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
    if (!org_cell(im, line, admin_import_cell(r, s->col, P_ORG), &row->org_id)) return 0;
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
    const char *role = code_of(cell, role_words, sizeof role_words / sizeof role_words[0], role_codes);
    if (!role) {
        admin_import_bad_cell(im, line, "role", "\"%s\" is not a role (mentor or mentee; наставник or наставляемый)", cell);
        return 0;
    }
    snprintf(row->role, sizeof row->role, "%s", role);
    cell = admin_import_cell(r, s->col, P_CATEGORY);
    const char *cat = code_of(cell, category_words, sizeof category_words / sizeof category_words[0], category_codes);
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
    if (!record_shape_ok(im, r, s->fields) || !people_cells(s, r, &row)) return MB_OK;
    account old;
    mb_status rc = people_find(im->a->d, row.org_id, row.external_id, &old);
    if (rc && rc != MB_ERR_NOT_FOUND) return rc;
    int existed = rc == MB_OK;
    if (existed) {
        long *first = line_slot(s->seen, old.id);
        if (*first) {
            admin_import_bad_cell(im, line, "person_id", "%s is on line %ld already", row.external_id, *first);
            return MB_OK;
        }
        if (strcmp(old.status, "imported") != 0 && joined_differs(s, line, &old, &row)) return MB_OK;
    }
    int64_t id = 0;
    int changed = 0;
    if ((rc = people_upsert(im->a->d, &row, &id, &changed))) return rc;
    *line_slot(s->seen, id) = line;
    if (!changed) s->same++;
    else if (existed) s->updated++;
    else s->added++;
    return MB_OK;
}

static int import_people(app *a, const char *path)
{
    people_state s = {.im = {.a = a, .path = path, .header_text = PEOPLE_HEADER, .rows_name = "people",
                             .rows_max = PEOPLE_ROWS_MAX, .header = people_header, .row = people_record},
                      .seen = calloc(1, sizeof(line_map))};
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

/* ---- mentorships ---- */

enum { M_ORG, M_FORM, M_MENTOR, M_MENTEES, M_DIRECTION, M_STARTED, M_ENDED, M_COUNT };

static const admin_column mentorship_columns[M_COUNT] = {
    {{"org", "организация", NULL}, 1},
    {{"form", "форма", NULL}, 1},
    {{"mentor", "наставник", NULL}, 1},
    {{"mentees", "наставляемые", NULL}, 1},
    {{"direction", "направление", NULL}, 1},
    {{"started", "начало", NULL}, 1},
    {{"ended", "окончание", "конец", NULL}, 1},
};

static const word_code direction_words[] = {
    {"профориентация", "career"}, {"учёба", "learning"}, {"учеба", "learning"}, {"таланты", "talent"},
    {"олимпиады", "talent"}, {"таланты/олимпиады", "talent"}, {"проект", "project"}, {"адаптация", "adaptation"},
    {"общение", "social"}, {"профессиональное развитие", "professional"},
};

typedef struct mentorship_state {
    admin_import im;     /* first: the runner's callbacks get it */
    int col[M_COUNT], fields;
    int added, same;
    line_map *seen;      /* mentorship id -> line */
} mentorship_state;

static int mentorship_header(admin_import *im, csv_reader *r)
{
    mentorship_state *s = (mentorship_state *)im;
    return admin_import_columns(im, r, mentorship_columns, M_COUNT, s->col, &s->fields);
}

/* A form written as its code or its Russian name, in any case, with any
 * dash and spaces between the words («ученик – ученик», «Ученик-ученик»). */
static const char *form_of(const char *cell)
{
    static const char *const names[] = {
#define X(code, name) name,
        PROFILE_FORMS
#undef X
    };
    char lower[128], folded[128], name_folded[128];
    if (!typed_lower(cell, lower, sizeof lower)) return NULL;
    if (profile_form_code(lower) >= 0) return profile_form_name(profile_form_code(lower));
    /* spaces dropped, every dash (-, en, em) read as one '-' */
    size_t n = 0;
    for (const char *p = lower; *p && n + 1 < sizeof folded;) {
        if (strncmp(p, "\xE2\x80\x93", 3) == 0 || strncmp(p, "\xE2\x80\x94", 3) == 0) p += 3, folded[n++] = '-';
        else if (*p == ' ') p++;
        else folded[n++] = *p++;
    }
    folded[n] = 0;
    for (int f = 0; f < PROFILE_FORM_COUNT; f++) {
        size_t k = 0;
        for (const char *p = names[f]; *p && k + 1 < sizeof name_folded;) {
            if (strncmp(p, "\xE2\x80\x93", 3) == 0) p += 3, name_folded[k++] = '-';
            else name_folded[k++] = *p++;
        }
        name_folded[k] = 0;
        if (strcmp(folded, name_folded) == 0) return profile_form_name(f);
    }
    return NULL;
}

/* A person_id of org in the given role; reported and 0 when not. */
static int64_t person_cell(mentorship_state *s, long line, const char *column, int64_t org_id, const char *id,
                           const char *role)
{
    account a;
    mb_status rc = *id ? people_find(s->im.a->d, org_id, id, &a) : MB_ERR_NOT_FOUND;
    if (rc == MB_ERR_NOT_FOUND || (rc == MB_OK && strcmp(a.status, "forgotten") == 0)) {
        if (!*id) admin_import_bad_cell(&s->im, line, column, "empty (a person_id of the people list)");
        else if (rc == MB_OK) admin_import_bad_cell(&s->im, line, column, "%s erased their data in the bot", id);
        else admin_import_bad_cell(&s->im, line, column, "no person %s in this organisation (import the people first)", id);
        return 0;
    }
    if (rc) {
        admin_import_bad_cell(&s->im, line, column, "cannot be read: %s", mb_status_str(rc));
        return 0;
    }
    if (strcmp(a.role, role) != 0) {
        admin_import_bad_cell(&s->im, line, column, "%s is a %s, not a %s", id, a.role[0] ? a.role : "person", role);
        return 0;
    }
    return a.id;
}

/* A date cell as the organisation's local midnight; 0 after reporting. */
static int64_t date_cell(mentorship_state *s, long line, const char *column, const char *cell, const char *zone)
{
    int ymd = admin_parse_date(cell);
    struct tm t = {.tm_year = ymd / 10000 - 1900, .tm_mon = ymd / 100 % 100 - 1, .tm_mday = ymd % 100};
    int64_t ms;
    if (!ymd || tz_from_local(zone, &t, &ms)) {
        admin_import_bad_cell(&s->im, line, column, "\"%s\" is not a date (YYYY-MM-DD or DD.MM.YYYY)", cell);
        return 0;
    }
    if (ms > clock_now_ms()) {
        admin_import_bad_cell(&s->im, line, column, "%s is in the future", cell);
        return 0;
    }
    return ms;
}

static mb_status mentorship_record(admin_import *im, csv_reader *r)
{
    mentorship_state *s = (mentorship_state *)im;
    long line = r->line;
    people_mentorship m;
    memset(&m, 0, sizeof m);
    if (!record_shape_ok(im, r, s->fields) || !org_cell(im, line, admin_import_cell(r, s->col, M_ORG), &m.org_id))
        return MB_OK;
    org o;
    mb_status rc = org_get(im->a->d, m.org_id, &o);
    if (rc) return rc;
    const char *cell = admin_import_cell(r, s->col, M_FORM), *form = form_of(cell);
    if (!form) {
        admin_import_bad_cell(im, line, "form", "\"%s\" is not a form (a code such as pupil_pupil or a name such as"
                                                " «ученик – ученик»; docs/import.md lists them)", cell);
        return MB_OK;
    }
    snprintf(m.form, sizeof m.form, "%s", form);
    if (!(m.mentor_id = person_cell(s, line, "mentor", m.org_id, admin_import_cell(r, s->col, M_MENTOR), "mentor")))
        return MB_OK;
    char *list = admin_import_cell(r, s->col, M_MENTEES), *save = NULL;
    for (char *id = strtok_r(list, "|", &save); id; id = strtok_r(NULL, "|", &save)) {
        id = admin_trim(id);
        if (m.nmentees == (int)(sizeof m.mentees / sizeof m.mentees[0])) {
            admin_import_bad_cell(im, line, "mentees", "more than %d mentees in one group", m.nmentees);
            return MB_OK;
        }
        int64_t mentee = person_cell(s, line, "mentees", m.org_id, id, "mentee");
        if (!mentee) return MB_OK;
        for (int k = 0; k < m.nmentees; k++)
            if (m.mentees[k] == mentee) {
                admin_import_bad_cell(im, line, "mentees", "%s is named twice", id);
                return MB_OK;
            }
        m.mentees[m.nmentees++] = mentee;
    }
    if (!m.nmentees) {
        admin_import_bad_cell(im, line, "mentees", "empty (person_ids separated by |)");
        return MB_OK;
    }
    static const char *const direction_codes[] = {"career", "learning", "talent", "project", "adaptation", "social",
                                                  "professional", NULL};
    cell = admin_import_cell(r, s->col, M_DIRECTION);
    const char *direction = *cell ? code_of(cell, direction_words, sizeof direction_words / sizeof direction_words[0],
                                            direction_codes) : "";
    if (!direction) {
        admin_import_bad_cell(im, line, "direction", "\"%s\" is not a direction (career, learning, talent, project,"
                                                     " adaptation, social, professional, or the Russian word)", cell);
        return MB_OK;
    }
    snprintf(m.direction, sizeof m.direction, "%s", direction);
    if (!(m.started_at = date_cell(s, line, "started", admin_import_cell(r, s->col, M_STARTED), o.timezone)))
        return MB_OK;
    cell = admin_import_cell(r, s->col, M_ENDED);
    if (*cell && !(m.ended_at = date_cell(s, line, "ended", cell, o.timezone))) return MB_OK;
    if (m.ended_at && m.ended_at < m.started_at) {
        admin_import_bad_cell(im, line, "ended", "%s is before the start", cell);
        return MB_OK;
    }
    if (!m.ended_at && !people_same_mentorship(im->a->d, &m))
        for (int k = 0; k < m.nmentees; k++) {
            int64_t active = people_active_mentorship(im->a->d, m.mentees[k]);
            if (!active) continue;
            long *first = line_slot(s->seen, active);
            char other[64];
            if (*first) snprintf(other, sizeof other, "line %ld", *first);
            else snprintf(other, sizeof other, "mentorship %lld", (long long)active);
            char ext[PEOPLE_EXTERNAL_BYTES];
            people_external_id(im->a->d, m.mentees[k], ext, sizeof ext);
            admin_import_bad_cell(im, line, "mentees", "%s is already in an active mentorship (%s); end that one or"
                                                       " give this one an end date", ext, other);
            return MB_OK;
        }
    int64_t id = 0;
    int existed = 0;
    rc = people_add_mentorship(im->a->d, &m, &id, &existed);
    if (rc == MB_ERR_EXISTS) {
        admin_import_bad_cell(im, line, "mentees", "a mentee is already in an active mentorship");
        return MB_OK;
    }
    if (rc) return rc;
    long *first = line_slot(s->seen, id);
    if (*first) {
        admin_import_bad(im, line, "the same mentorship as line %ld", *first);
        return MB_OK;
    }
    *first = line;
    if (existed) s->same++;
    else s->added++;
    return MB_OK;
}

static int import_mentorships(app *a, const char *path)
{
    mentorship_state s = {.im = {.a = a, .path = path, .header_text = MENTORSHIPS_HEADER, .rows_name = "mentorships",
                                 .rows_max = MENTORSHIP_ROWS_MAX, .header = mentorship_header, .row = mentorship_record},
                          .seen = calloc(1, sizeof(line_map))};
    int code = 1;
    if (!s.seen) fprintf(stderr, "%s: out of memory\n", path);
    else if (admin_import_run(&s.im) == 0) {
        char detail[AUDIT_DETAIL_MAX];
        snprintf(detail, sizeof detail, "%s: %d new, %d there already", path, s.added, s.same);
        if (!admin_finish_change(a, audit_log(a->d, ADMIN_ACTOR, "mentorships.import", NULL, detail),
                                 "import the mentorships")) {
            printf("imported %d mentorships: %d new, %d there already\n", s.added + s.same, s.added, s.same);
            code = 0;
        }
    }
    free(s.seen);
    return code;
}

int admin_import_cmd(app *a, int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[0], "people") == 0) return import_people(a, argv[1]);
    if (argc == 2 && strcmp(argv[0], "mentorships") == 0) return import_mentorships(a, argv[1]);
    fprintf(stderr, "usage: admin import people FILE.csv      (header %s)\n"
                    "       admin import mentorships FILE.csv (header %s)\n", PEOPLE_HEADER, MENTORSHIPS_HEADER);
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
    if (a->username[0]) a->env.tg_username = a->username;
    else fprintf(stderr, "warning: the bot's username is not known yet (start the service once or set [telegram]"
                         " username); the Telegram links use a placeholder\n");
    fputs("\xEF\xBB\xBF", f);
    const char *head[] = {"person_id", "full_name", "role", "telegram", "vk"};
    int bad = csv_write_record(f, head, 5, ';'), written = 0;
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
        char ext[PEOPLE_EXTERNAL_BYTES], code[INVITE_CODE_LEN + 1], tg[256], vk[256] = "";
        if ((rc = account_load(a->d, ids[i], &p)) || (rc = people_invite(a->d, p.id, ADMIN_ACTOR, code))) break;
        people_external_id(a->d, p.id, ext, sizeof ext);
        flow_invite_link(&a->env, "tg", code, tg, sizeof tg);
        if (a->env.vk_group_id) flow_invite_link(&a->env, "vk", code, vk, sizeof vk);
        const char *fields[] = {ext, p.name, p.role, tg, vk};
        bad = csv_write_record(f, fields, 5, ';');
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

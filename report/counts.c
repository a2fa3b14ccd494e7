#include "report/counts.h"
#include "report/counts_internal.h"

#include "storage/profiles.h"
#include "util/array.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char *const count_names[IND_COUNT_TOTAL] = {
#define X(name, what) #name,
    IND_COUNTS
#undef X
};

int ind_count_code(const char *name)
{
    for (int i = 0; i < IND_COUNT_TOTAL; i++)
        if (strcmp(count_names[i], name) == 0) return i;
    return -1;
}

const char *ind_count_name(int count) { return count >= 0 && count < IND_COUNT_TOTAL ? count_names[count] : NULL; }

void ind_bind_scope(sqlite3_stmt *st, const ind_bind *b)
{
    sqlite3_bind_int64(st, 1, b->territory_id);
    sqlite3_bind_int64(st, 2, b->org_id);
    sqlite3_bind_int64(st, 3, b->start_ms);
    sqlite3_bind_int64(st, 4, b->end_ms);
    /* not every statement names the years: binding a missing index only fails that call */
    sqlite3_bind_int(st, 5, b->year_from);
    sqlite3_bind_int(st, 6, b->year_to);
}

/* Reads rows of (org_id, first, first + 1, ...) into the named counts. */
static mb_status read_counts(db *d, sqlite3_stmt *st, const int *targets, int n, ind_org_index_fn org_index,
                             void *ctx, double *counts)
{
    int step;
    while ((step = db_step_raw(d, st)) == SQLITE_ROW) {
        int row = org_index(ctx, sqlite3_column_int64(st, 0));
        if (row < 0) continue;
        for (int i = 0; i < n; i++)
            counts[(size_t)row * IND_COUNT_TOTAL + targets[i]] += sqlite3_column_double(st, i + 1);
    }
    sqlite3_reset(st);
    return step == SQLITE_DONE ? MB_OK : MB_ERR_DB;
}

/* ---- distinct people, counted in C ----
 *
 * COUNT(DISTINCT ...) of twenty predicates over a region's 140,000
 * participations cost SQLite a temporary b-tree each; reading the rows
 * once, sorting them by (organisation, person) and OR-ing each person's
 * predicates is a tenth of that. */

typedef struct person_row {
    int row;            /* the organisation's row */
    int64_t key;        /* the account (a team: minus the mentorship) */
    uint64_t bits;      /* 1 << IND_COUNT_x the person meets */
} person_row;

typedef struct person_rows {
    person_row *v;
    size_t n, cap;
    int failed;
} person_rows;

static void rows_add(person_rows *r, int row, int64_t key, uint64_t bits)
{
    if (!bits) return;
    if (array_grow(&r->v, &r->cap, r->n, sizeof *r->v, 4096)) {
        r->failed = 1;
        return;
    }
    r->v[r->n++] = (person_row){row, key, bits};
}

static int by_person(const void *a, const void *b)
{
    const person_row *x = a, *y = b;
    if (x->row != y->row) return x->row < y->row ? -1 : 1;
    return x->key < y->key ? -1 : x->key > y->key;
}

/* Adds one to each count of the bits in the organisation's row. */
static void count_bits(double *counts, int row, uint64_t bits)
{
    for (; bits; bits &= bits - 1) counts[(size_t)row * IND_COUNT_TOTAL + __builtin_ctzll(bits)] += 1;
}

/* Adds one to each count a person meets in any of their rows. */
static void rows_count(person_rows *r, double *counts)
{
    if (!r->n) return;
    qsort(r->v, r->n, sizeof *r->v, by_person);
    for (size_t i = 0; i < r->n;) {
        uint64_t bits = 0;
        size_t j = i;
        for (; j < r->n && r->v[j].row == r->v[i].row && r->v[j].key == r->v[i].key; j++) bits |= r->v[j].bits;
        count_bits(counts, r->v[i].row, bits);
        i = j;
    }
}

/* Ends a pass that read people into rows (step: its last sqlite3_step):
 * counts them when the whole pass was read. */
static mb_status rows_finish(sqlite3_stmt *st, int step, person_rows *rows, double *counts)
{
    sqlite3_reset(st);
    mb_status rc = step != SQLITE_DONE ? MB_ERR_DB : rows->failed ? MB_ERR_NOMEM : MB_OK;
    if (!rc) rows_count(rows, counts);
    free(rows->v);
    return rc;
}

_Static_assert(IND_COUNT_TOTAL <= 64, "a person's counts are the bits of a uint64_t");
#define BIT(name) (1ull << IND_COUNT_##name)

typedef struct id_set {
    int64_t *v;
    size_t n;
} id_set;

static int by_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static int id_set_has(const id_set *s, int64_t id)
{
    return s->n && bsearch(&id, s->v, s->n, sizeof *s->v, by_id) != NULL;
}

/* The ids of column 0 of every row of st (bound), sorted; an id may come
 * more than once, which a lookup does not mind (no DISTINCT: SQLite
 * would build a b-tree of them to sort them anyway). */
static mb_status read_ids(db *d, sqlite3_stmt *st, id_set *out)
{
    size_t cap = 0;
    int step;
    out->n = 0;
    while ((step = db_step_raw(d, st)) == SQLITE_ROW) {
        if (array_grow(&out->v, &cap, out->n, sizeof *out->v, 256)) {
            sqlite3_reset(st);
            return MB_ERR_NOMEM;
        }
        out->v[out->n++] = sqlite3_column_int64(st, 0);
    }
    sqlite3_reset(st);
    if (out->n) qsort(out->v, out->n, sizeof *out->v, by_id);
    return step == SQLITE_DONE ? MB_OK : MB_ERR_DB;
}

/* The accounts with an outcome of kind happened from .. the period's end
 * (both included), whichever organisation recorded it: a teacher trained
 * at one school is trained when they mentor at another, whatever scope
 * is read (a region's figures equal its municipalities' added up). */
static mb_status load_ids(db *d, const ind_bind *b, const char *kind, int64_t from, id_set *out)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT account_id FROM outcomes INDEXED BY outcomes_kind"
                                  " WHERE kind = ?1 AND happened_on BETWEEN ?2 AND ?3 AND account_id IS NOT NULL");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, from);
    sqlite3_bind_int64(st, 3, b->end_ms);
    return read_ids(d, st, out);
}

static int col_is(sqlite3_stmt *st, int col, const char *text)
{
    const unsigned char *v = sqlite3_column_text(st, col);
    return v && strcmp((const char *)v, text) == 0;
}

/* ---- the people counted ---- */

enum { CAT_NONE, CAT_PUPIL, CAT_TEACHER, CAT_STUDENT, CAT_EMPLOYEE, CAT_ENTREPRENEUR, CAT_ALUMNUS, CAT_OTHER };

typedef struct account_info {
    int64_t id, org_id, employer;
    unsigned char category;
    signed char grade;
} account_info;

struct ind_accounts {
    db *d;
    account_info *v;   /* by id */
    size_t n;
};

static unsigned char category_code(const unsigned char *text)
{
    static const char *const names[] = {"", "pupil", "teacher", "student", "employee", "entrepreneur", "alumnus"};
    if (!text) return CAT_NONE;
    for (unsigned char i = 1; i < sizeof names / sizeof names[0]; i++)
        if (strcmp((const char *)text, names[i]) == 0) return i;
    return CAT_OTHER;
}

static void info_of_row(sqlite3_stmt *st, account_info *out)
{
    out->id = sqlite3_column_int64(st, 0);
    out->org_id = sqlite3_column_int64(st, 1);
    out->category = category_code(sqlite3_column_text(st, 2));
    int grade = sqlite3_column_int(st, 3);
    out->grade = (signed char)(grade >= 0 && grade <= 12 ? grade : 0);
    out->employer = sqlite3_column_int64(st, 4);
}

mb_status ind_accounts_load(db *d, const ind_bind *b, ind_accounts **out)
{
    *out = NULL;
    ind_accounts *a = calloc(1, sizeof *a);
    if (!a) return MB_ERR_NOMEM;
    a->d = d;
    sqlite3_stmt *st = b->whole
        ? db_stmt(d, "SELECT id, org_id, category, grade, employer_id FROM accounts")
        : db_stmt(d, SCOPE_ORGS " SELECT p.id, p.org_id, p.category, p.grade, p.employer_id FROM so"
                                " CROSS JOIN accounts p ON p.org_id = so.id ORDER BY p.id");
    if (!st) {
        free(a);
        return MB_ERR_DB;
    }
    if (!b->whole) ind_bind_scope(st, b);
    size_t cap = 0;
    int step;
    mb_status rc = MB_OK;
    while ((step = db_step_raw(d, st)) == SQLITE_ROW) {
        if (array_grow(&a->v, &cap, a->n, sizeof *a->v, 1024)) {
            rc = MB_ERR_NOMEM;
            break;
        }
        info_of_row(st, &a->v[a->n++]);
    }
    sqlite3_reset(st);
    if (!rc && step != SQLITE_DONE) rc = MB_ERR_DB;
    if (rc) {
        ind_accounts_free(a);
        return rc;
    }
    *out = a;
    return MB_OK;
}

void ind_accounts_free(ind_accounts *a)
{
    if (!a) return;
    free(a->v);
    free(a);
}

/* The person with this id: from the loaded ones, else looked up; id 0
 * when there is no such account. */
static account_info person_info(const ind_bind *b, int64_t id)
{
    account_info none = {0};
    const ind_accounts *a = b->accounts;
    if (!a) return none;
    /* ids are given in order and seldom skipped, so a person is mostly
     * where their id says: a region's 250,000 lookups without a search */
    uint64_t at = a->n ? (uint64_t)id - (uint64_t)a->v[0].id : 0;
    if (a->n && id >= a->v[0].id && at < a->n && a->v[at].id == id) return a->v[at];
    size_t lo = 0, hi = a->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (a->v[mid].id == id) return a->v[mid];
        if (a->v[mid].id < id) lo = mid + 1;
        else hi = mid;
    }
    sqlite3_stmt *st = db_stmt(a->d, "SELECT id, org_id, category, grade, employer_id FROM accounts WHERE id = ?1");
    if (!st) return none;
    sqlite3_bind_int64(st, 1, id);
    if (db_step_row(a->d, st) == MB_OK) {
        info_of_row(st, &none);
        sqlite3_reset(st);
    }
    return none;
}

int ind_direction_bit(const ind_directions *dirs, const char *direction)
{
    for (int k = 0; direction && k < dirs->n; k++)
        if (strcmp(direction, dirs->names[k]) == 0) return k;
    return -1;
}

/* The range of account ids: first and how many ids from it. */
static mb_status account_range(db *d, int64_t *first, size_t *len)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT (SELECT MIN(id) FROM accounts), (SELECT MAX(id) FROM accounts)");
    if (!st) return MB_ERR_DB;
    if (db_step_row(d, st) != MB_OK) return MB_ERR_DB;
    int64_t last = -1;
    *first = 0;
    if (sqlite3_column_type(st, 0) != SQLITE_NULL) {
        *first = sqlite3_column_int64(st, 0);
        last = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    *len = last >= *first ? (size_t)(last - *first + 1) : 0;
    return MB_OK;
}

/* Room for a bit of each of len accounts' directions from first; none
 * (bits NULL) when the ids are too far apart for a byte each. */
static mb_status directions_init(ind_directions *dirs, int64_t first, size_t len)
{
    dirs->first = first;
    dirs->len = len;
    if (len > IND_DENSE_IDS_MAX) return MB_OK;
    dirs->bits = calloc(len ? len : 1, 1);
    return dirs->bits ? MB_OK : MB_ERR_NOMEM;
}

static void directions_add(ind_directions *dirs, int64_t id, int k)
{
    uint64_t at = (uint64_t)id - (uint64_t)dirs->first;
    if (k >= 0 && at < dirs->len) dirs->bits[at] |= (unsigned char)(1u << k);
}

/* A mentorship as the pass needs it. */
typedef struct mentorship_info {
    int64_t id;
    int row;                /* its organisation's row; -1 outside the scope */
    signed char form;       /* PROFILE_FORM_x; -1 unknown */
    signed char direction;  /* its bit in the directions kept; -1 none */
    unsigned char career, team, teacher_teacher;
} mentorship_info;

typedef struct pass {
    const ind_bind *b;
    const ind_pass *p;
    ind_directions *dirs;   /* a whole region's, or NULL */
    int people;
    void *ctx;
    id_set trained, contest;
    person_rows rows;
    /* a whole region's people by account id: their organisation's row
     * (-1 none yet) and counts; a person in a second organisation goes to
     * rows */
    struct person_slot { int row; uint64_t bits; } *slots;
    int64_t first;
    size_t len;
} pass;

static mentorship_info mentorship_of(const pass *x, sqlite3_stmt *st, int id_col, int org_col, int row)
{
    mentorship_info m = {.id = id_col >= 0 ? sqlite3_column_int64(st, id_col) : 0, .row = row};
    const char *form = (const char *)sqlite3_column_text(st, org_col + 1);
    m.form = (signed char)(form ? profile_form_code(form) : -1);
    m.team = col_is(st, org_col + 1, "team_team");
    m.teacher_teacher = col_is(st, org_col + 1, "teacher_teacher");
    m.career = col_is(st, org_col + 2, "career");
    m.direction = (signed char)(x->dirs ? ind_direction_bit(x->dirs, (const char *)sqlite3_column_text(st, org_col + 2)) : -1);
    return m;
}

/* One participation: the mentor of m, or a member whose membership
 * touches the period (in_period; the directions take every member). */
static void take(pass *x, const mentorship_info *m, int64_t who, int mentor, int in_period)
{
    const ind_pass *p = x->p;
    if (x->dirs) directions_add(x->dirs, who, m->direction);
    int row = m->row;
    if (!in_period || row < 0) return;
    if (mentor && p->forms && m->form >= 0) p->forms[row] |= 1u << m->form;
    if (!x->people && !(mentor && p->employer)) return;
    account_info a = person_info(x->b, who);
    if (mentor && p->employer && a.employer > 0) p->employer(x->ctx, row, a.employer);
    if (!x->people) return;
    int grade = a.grade, career = m->career;
    int teacher = a.category == CAT_TEACHER, pupil = a.category == CAT_PUPIL;
    int pupil_5_11 = pupil && grade >= 5 && grade <= 11;
    uint64_t bits = BIT(participants) | (mentor ? BIT(mentors) : BIT(mentees));
    if (pupil) bits |= BIT(pupils_involved);
    if (pupil_5_11) bits |= BIT(pupils_involved_5_11);
    if (career && mentor && teacher)
        bits |= BIT(career_teacher_mentors) | (id_set_has(&x->trained, who) ? BIT(career_teacher_mentors_trained) : 0);
    if (career && mentor && pupil_5_11)
        bits |= BIT(career_pupil_mentors) | (id_set_has(&x->trained, who) ? BIT(career_pupil_mentors_trained) : 0);
    if (career && !mentor && pupil_5_11) bits |= BIT(career_mentees);
    if (mentor) {
        if (teacher) bits |= BIT(mentors_teacher);
        if (a.category == CAT_ALUMNUS) bits |= BIT(mentors_alumnus);
        if (a.category == CAT_EMPLOYEE) bits |= BIT(mentors_employee) | BIT(mentors_business);
        if (a.category == CAT_ENTREPRENEUR) bits |= BIT(mentors_entrepreneur) | BIT(mentors_business);
        if (a.category == CAT_STUDENT) bits |= BIT(mentors_student);
    }
    if (m->team) bits |= BIT(team_people);
    if (!mentor && teacher && m->teacher_teacher)
        bits |= BIT(teacher_mentees) | (id_set_has(&x->contest, who) ? BIT(teacher_mentees_contest) : 0);
    uint64_t at = (uint64_t)who - (uint64_t)x->first;
    if (x->slots && at < x->len && (x->slots[at].row < 0 || x->slots[at].row == row)) {
        x->slots[at].row = row;
        x->slots[at].bits |= bits;
    } else {
        rows_add(&x->rows, row, who, bits);
    }
}

/* The mentorship with this id among those read (in id order), or NULL. */
static const mentorship_info *mentorship_find(const mentorship_info *v, size_t n, int64_t id)
{
    /* ids are given in order and seldom skipped: mostly where the id says */
    uint64_t at = n ? (uint64_t)id - (uint64_t)v[0].id : 0;
    if (n && id >= v[0].id && at < n && v[at].id == id) return &v[at];
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (v[mid].id == id) return &v[mid];
        if (v[mid].id < id) lo = mid + 1;
        else hi = mid;
    }
    return NULL;
}

/* A whole region: the mentorships of the period in one pass, kept, then
 * every membership in one pass with its mentorship found among them (a
 * join of the two tables in SQLite looked up each mentorship again). */
static mb_status pass_whole(db *d, pass *x, ind_org_index_fn org_index)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT m.id, m.org_id, m.form, m.direction, m.mentor_id FROM mentorships m"
                                  " WHERE " ACTIVE_M);
    if (!st) return MB_ERR_DB;
    ind_bind_scope(st, x->b);
    mentorship_info *v = NULL;
    size_t n = 0, cap = 0;
    int step;
    mb_status rc = MB_OK;
    while ((step = db_step_raw(d, st)) == SQLITE_ROW) {
        if (array_grow(&v, &cap, n, sizeof *v, 4096)) {
            rc = MB_ERR_NOMEM;
            break;
        }
        v[n] = mentorship_of(x, st, 0, 1, org_index(x->ctx, sqlite3_column_int64(st, 1)));
        take(x, &v[n], sqlite3_column_int64(st, 4), 1, 1);
        n++;
    }
    sqlite3_reset(st);
    if (!rc && step != SQLITE_DONE) rc = MB_ERR_DB;
    st = rc ? NULL : db_stmt(d, "SELECT mentorship_id, mentee_id, joined_at <= ?4 AND (left_at IS NULL OR left_at >= ?3)"
                                " FROM mentorship_members");
    if (!rc && !st) rc = MB_ERR_DB;
    if (!rc) {
        ind_bind_scope(st, x->b);
        while ((step = db_step_raw(d, st)) == SQLITE_ROW) {
            const mentorship_info *m = mentorship_find(v, n, sqlite3_column_int64(st, 0));
            if (m) take(x, m, sqlite3_column_int64(st, 1), 0, sqlite3_column_int(st, 2));
        }
        sqlite3_reset(st);
        if (step != SQLITE_DONE) rc = MB_ERR_DB;
    }
    free(v);
    return rc;
}

/* A smaller scope: its organisations' mentorships and their members. */
static mb_status pass_scope(db *d, pass *x, ind_org_index_fn org_index)
{
    sqlite3_stmt *st = db_stmt(d,
        SCOPE_ORGS ","
        " act(org_id, form, direction, account_id, mentor) AS ("
        "  SELECT m.org_id, m.form, m.direction, m.mentor_id, 1 FROM so"
        "  CROSS JOIN mentorships m ON m.org_id = so.id WHERE " ACTIVE_M
        "  UNION ALL"
        "  SELECT m.org_id, m.form, m.direction, mm.mentee_id, 0 FROM so"
        "  CROSS JOIN mentorships m ON m.org_id = so.id CROSS JOIN mentorship_members mm ON mm.mentorship_id = m.id"
        "  WHERE " ACTIVE_M " AND mm.joined_at <= ?4 AND (mm.left_at IS NULL OR mm.left_at >= ?3))"
        " SELECT org_id, form, direction, account_id, mentor FROM act");
    if (!st) return MB_ERR_DB;
    ind_bind_scope(st, x->b);
    int step;
    while ((step = db_step_raw(d, st)) == SQLITE_ROW) {
        mentorship_info m = mentorship_of(x, st, -1, 0, org_index(x->ctx, sqlite3_column_int64(st, 0)));
        take(x, &m, sqlite3_column_int64(st, 3), sqlite3_column_int(st, 4), 1);
    }
    sqlite3_reset(st);
    return step == SQLITE_DONE ? MB_OK : MB_ERR_DB;
}

mb_status ind_mentorships_load(db *d, const ind_bind *b, int people, const ind_pass *p, ind_org_index_fn org_index,
                               void *ctx, double *counts)
{
    static const ind_pass none = {0};
    pass x = {.b = b, .p = p ? p : &none, .people = people, .ctx = ctx};
    x.dirs = b->whole ? x.p->directions : NULL;
    mb_status rc = MB_OK;
    if (people) rc = load_ids(d, b, "training", INT64_MIN, &x.trained);
    if (!rc && people) rc = load_ids(d, b, "contest", b->start_ms, &x.contest);
    /* a region's directions and people are kept by account id */
    if (!rc && (x.dirs || (people && b->whole))) rc = account_range(d, &x.first, &x.len);
    if (!rc && x.dirs && !(rc = directions_init(x.dirs, x.first, x.len)) && !x.dirs->bits) x.dirs = NULL;
    /* a region's people are counted in place of their account instead of
     * sorting 140,000 participations (unless the ids are too far apart) */
    if (!rc && people && b->whole && x.len <= IND_DENSE_IDS_MAX) {
        x.slots = malloc((x.len ? x.len : 1) * sizeof *x.slots);
        if (!x.slots) rc = MB_ERR_NOMEM;
        for (size_t i = 0; !rc && i < x.len; i++) x.slots[i] = (struct person_slot){-1, 0};
    }
    if (!rc) rc = b->whole ? pass_whole(d, &x, org_index) : pass_scope(d, &x, org_index);
    if (!rc && x.rows.failed) rc = MB_ERR_NOMEM;
    for (size_t i = 0; !rc && x.slots && i < x.len; i++)
        if (x.slots[i].row >= 0) count_bits(counts, x.slots[i].row, x.slots[i].bits);
    if (!rc) rows_count(&x.rows, counts);
    free(x.slots);
    free(x.rows.v);
    free(x.trained.v);
    free(x.contest.v);
    return rc;
}

static mb_status load_outcomes(db *d, const ind_bind *b, ind_org_index_fn org_index, void *ctx, double *counts)
{
    /* a region reads the outcome records in one pass */
    sqlite3_stmt *st = b->whole ? db_stmt(d,
        "SELECT o.org_id, o.account_id, o.kind, o.level, o.result, o.count, ms.form, o.mentorship_id"
        " FROM outcomes o LEFT JOIN mentorships ms ON ms.id = o.mentorship_id"
        " WHERE o.happened_on BETWEEN ?3 AND ?4") : db_stmt(d,
        SCOPE_ORGS
        " SELECT o.org_id, o.account_id, o.kind, o.level, o.result, o.count, ms.form, o.mentorship_id"
        " FROM so CROSS JOIN outcomes o ON o.org_id = so.id LEFT JOIN mentorships ms ON ms.id = o.mentorship_id"
        " WHERE o.happened_on BETWEEN ?3 AND ?4");
    if (!st) return MB_ERR_DB;
    ind_bind_scope(st, b);
    person_rows rows = {0};
    int step;
    while ((step = db_step_raw(d, st)) == SQLITE_ROW) {
        int row = org_index(ctx, sqlite3_column_int64(st, 0));
        if (row < 0) continue;
        double *c = &counts[(size_t)row * IND_COUNT_TOTAL];
        const char *kind = (const char *)sqlite3_column_text(st, 2);
        if (!kind) continue;
        int high = col_is(st, 3, "regional") || col_is(st, 3, "federal"), positive = col_is(st, 4, "positive");
        int has_person = sqlite3_column_type(st, 1) != SQLITE_NULL;
        unsigned char cat = has_person ? person_info(b, sqlite3_column_int64(st, 1)).category : CAT_NONE;
        int pupil = cat == CAT_PUPIL, learner = pupil || cat == CAT_STUDENT, teacher = cat == CAT_TEACHER;
        int business = cat == CAT_EMPLOYEE || cat == CAT_ENTREPRENEUR;
        int contest = strcmp(kind, "contest") == 0 || strcmp(kind, "olympiad") == 0;
        /* rows: each counted once */
        if (strcmp(kind, "event_hosted") == 0) {
            c[IND_COUNT_events_hosted] += 1;
            c[IND_COUNT_events_hosted_attendees] += sqlite3_column_double(st, 5);
        }
        if (strcmp(kind, "practice_expertise") == 0 && positive && high) c[IND_COUNT_practices_expertise] += 1;
        if (strcmp(kind, "presentation") == 0) c[IND_COUNT_mentor_presentations] += 1;
        if (strcmp(kind, "class_results") == 0) {
            c[IND_COUNT_class_results] += 1;
            if (positive) c[IND_COUNT_class_results_positive] += 1;
        }
        if (strcmp(kind, "became_mentor") == 0 && col_is(st, 6, "team_team"))
            rows_add(&rows, row, -sqlite3_column_int64(st, 7), BIT(teams_became_mentor));
        /* people: each counted once however many records they have */
        if (!has_person) continue;
        uint64_t bits = 0;
        if (contest && high && pupil) bits |= BIT(pupils_high_rating);
        if (strcmp(kind, "project") == 0 && pupil) bits |= BIT(pupils_projects);
        if (strcmp(kind, "career_event") == 0 && pupil) bits |= BIT(pupils_career_events);
        if (strcmp(kind, "training") == 0 && teacher) bits |= BIT(teachers_trained);
        if (strcmp(kind, "management_reserve") == 0 && teacher) bits |= BIT(teachers_reserve);
        if (strcmp(kind, "project_lead") == 0 && teacher) bits |= BIT(teachers_project_lead);
        if (strcmp(kind, "contest") == 0 && teacher) bits |= BIT(teachers_contest);
        if (strcmp(kind, "grade_improved") == 0 && learner) bits |= BIT(pupils_grade_improved);
        if (contest && learner) bits |= BIT(pupils_contest);
        if (strcmp(kind, "event_attended") == 0 && teacher) bits |= BIT(teachers_events_attended);
        if (strcmp(kind, "event_attended") == 0 && business) bits |= BIT(business_events_attended);
        rows_add(&rows, row, sqlite3_column_int64(st, 1), bits);
    }
    return rows_finish(st, step, &rows, counts);
}

/* A mentee who became a mentor: a mentor row of role_history in the
 * period with an earlier mentee row of the same account. */
static mb_status load_became_mentor(db *d, const ind_bind *b, ind_org_index_fn org_index, void *ctx, double *counts)
{
    sqlite3_stmt *st = db_stmt(d,
        SCOPE_ORGS
        " SELECT r.org_id, r.account_id FROM role_history r"
        " WHERE r.role = 'mentor' AND r.at BETWEEN ?3 AND ?4 AND r.org_id IN (SELECT id FROM so)"
        "  AND EXISTS (SELECT 1 FROM role_history e WHERE e.account_id = r.account_id AND e.role = 'mentee'"
        "  AND e.at <= r.at AND e.rowid < r.rowid)");
    if (!st) return MB_ERR_DB;
    ind_bind_scope(st, b);
    person_rows rows = {0};
    int step;
    while ((step = db_step_raw(d, st)) == SQLITE_ROW) {
        int row = org_index(ctx, sqlite3_column_int64(st, 0));
        int64_t who = sqlite3_column_int64(st, 1);
        unsigned char cat = person_info(b, who).category;
        if (row >= 0)
            rows_add(&rows, row, who, cat == CAT_TEACHER ? BIT(teachers_became_mentor)
                                      : cat == CAT_PUPIL || cat == CAT_STUDENT ? BIT(pupils_became_mentor) : 0);
    }
    return rows_finish(st, step, &rows, counts);
}

/* A region reads the finished request surveys of the period in one pass;
 * a smaller scope through its organisations' accounts. */
static mb_status load_requests(db *d, const ind_bind *b, ind_org_index_fn org_index, void *ctx, double *counts)
{
    sqlite3_stmt *st = b->whole
        ? db_stmt(d, "SELECT 0, r.account_id, i.key FROM survey_runs r CROSS JOIN instruments i ON i.id = r.instrument_id"
                     " WHERE r.state = 'done' AND r.finished_at BETWEEN ?1 AND ?2"
                     " AND i.key IN ('pupil_request', 'teacher_request')")
        : db_stmt(d, SCOPE_ORGS
                  " SELECT p.org_id, p.id, i.key FROM so CROSS JOIN accounts p ON p.org_id = so.id"
                  " CROSS JOIN survey_runs r ON r.account_id = p.id CROSS JOIN instruments i ON i.id = r.instrument_id"
                  " WHERE r.state = 'done' AND r.finished_at BETWEEN ?3 AND ?4"
                  " AND i.key IN ('pupil_request', 'teacher_request')");
    if (!st) return MB_ERR_DB;
    if (b->whole) {
        sqlite3_bind_int64(st, 1, b->start_ms);
        sqlite3_bind_int64(st, 2, b->end_ms);
    } else {
        ind_bind_scope(st, b);
    }
    person_rows rows = {0};
    int step;
    while ((step = db_step_raw(d, st)) == SQLITE_ROW) {
        int64_t who = sqlite3_column_int64(st, 1);
        account_info p = person_info(b, who);
        int row = org_index(ctx, b->whole ? p.org_id : sqlite3_column_int64(st, 0));
        if (row < 0) continue;
        if (col_is(st, 2, "pupil_request") && p.category == CAT_PUPIL) rows_add(&rows, row, who, BIT(pupil_requests));
        if (col_is(st, 2, "teacher_request") && p.category == CAT_TEACHER) rows_add(&rows, row, who, BIT(teacher_requests));
    }
    return rows_finish(st, step, &rows, counts);
}

/* activities of team-team mentorships that were not cancelled or missed */
static mb_status load_team(db *d, const ind_bind *b, ind_org_index_fn org_index, void *ctx, double *counts)
{
    /* The meetings are looked up in id order (IN sorts them), which reads
     * the large table page after page instead of at random. */
    sqlite3_stmt *st = db_stmt(d,
        SCOPE_ORGS
        " SELECT mt.org_id, COUNT(*) FROM meetings mt WHERE mt.id IN (SELECT x.meeting_id FROM so"
        "  CROSS JOIN mentorships m ON m.org_id = so.id CROSS JOIN meeting_mentorships x ON x.mentorship_id = m.id"
        "  WHERE m.form = 'team_team')"
        " AND mt.kind IN ('training', 'business_game', 'mini_project', 'activity')"
        " AND mt.state NOT IN ('cancelled', 'missed') AND mt.starts_at BETWEEN ?3 AND ?4"
        " GROUP BY mt.org_id");
    if (!st) return MB_ERR_DB;
    ind_bind_scope(st, b);
    static const int team[] = {IND_COUNT_team_activities};
    return read_counts(d, st, team, 1, org_index, ctx, counts);
}

static mb_status load_programmes(db *d, const ind_bind *b, ind_org_index_fn org_index, void *ctx, double *counts)
{
    sqlite3_stmt *st = db_stmt(d, SCOPE_ORGS
                 " SELECT so.id, EXISTS (SELECT 1 FROM programs p WHERE p.org_id = so.id AND p.year BETWEEN ?5 AND ?6)"
                 " FROM so");
    if (!st) return MB_ERR_DB;
    ind_bind_scope(st, b);
    static const int programme[] = {IND_COUNT_orgs_with_programme};
    return read_counts(d, st, programme, 1, org_index, ctx, counts);
}

/* both stages of the self-determination monitoring, answered in the period */
static mb_status load_selfdet(db *d, const ind_bind *b, ind_org_index_fn org_index, void *ctx, double *counts)
{
    if (b->whole) {
        /* a region: who answered the first stage, then each answer to
         * the second looked up among them (instead of a search of the
         * first stage's waves for each) */
        sqlite3_stmt *st = db_stmt(d, "SELECT r.account_id FROM poll_waves w CROSS JOIN poll_recipients r"
                                      " ON r.wave_id = w.id WHERE w.kind = 'selfdet_initial'"
                                      " AND w.opens_at BETWEEN ?1 AND ?2 AND r.state = 'done'");
        if (!st) return MB_ERR_DB;
        sqlite3_bind_int64(st, 1, b->start_ms);
        sqlite3_bind_int64(st, 2, b->end_ms);
        id_set first = {0};
        mb_status rc = read_ids(d, st, &first);
        st = rc ? NULL : db_stmt(d, "SELECT w.org_id, r.account_id FROM poll_waves w CROSS JOIN poll_recipients r"
                                    " ON r.wave_id = w.id WHERE w.kind = 'selfdet_final'"
                                    " AND w.opens_at BETWEEN ?1 AND ?2 AND r.state = 'done' AND r.grade BETWEEN 5 AND 11");
        if (!st) {
            free(first.v);
            return rc ? rc : MB_ERR_DB;
        }
        sqlite3_bind_int64(st, 1, b->start_ms);
        sqlite3_bind_int64(st, 2, b->end_ms);
        person_rows rows = {0};
        int step;
        while ((step = db_step_raw(d, st)) == SQLITE_ROW) {
            int row = org_index(ctx, sqlite3_column_int64(st, 0));
            int64_t who = sqlite3_column_int64(st, 1);
            if (row >= 0 && id_set_has(&first, who)) rows_add(&rows, row, who, BIT(selfdet_pupils));
        }
        free(first.v);
        return rows_finish(st, step, &rows, counts);
    }
    sqlite3_stmt *st = db_stmt(d,
        SCOPE_ORGS
        " SELECT w.org_id, COUNT(DISTINCT r.account_id) FROM so CROSS JOIN poll_waves w ON w.org_id = so.id"
        " CROSS JOIN poll_recipients r ON r.wave_id = w.id"
        " WHERE w.kind = 'selfdet_final' AND w.opens_at BETWEEN ?3 AND ?4 AND r.state = 'done'"
        "  AND r.grade BETWEEN 5 AND 11"
        "  AND EXISTS (SELECT 1 FROM poll_recipients r0 CROSS JOIN poll_waves w0 ON w0.id = r0.wave_id"
        "  WHERE r0.account_id = r.account_id AND r0.state = 'done' AND w0.kind = 'selfdet_initial'"
        "  AND w0.opens_at BETWEEN ?3 AND ?4)"
        " GROUP BY w.org_id");
    if (!st) return MB_ERR_DB;
    ind_bind_scope(st, b);
    static const int selfdet[] = {IND_COUNT_selfdet_pupils};
    return read_counts(d, st, selfdet, 1, org_index, ctx, counts);
}

unsigned ind_count_family(int count)
{
    if (count <= IND_COUNT_teacher_mentees_contest) return IND_FAMILY_PEOPLE;
    if (count <= IND_COUNT_teams_became_mentor) return IND_FAMILY_OUTCOMES;
    if (count <= IND_COUNT_pupils_became_mentor) return IND_FAMILY_BECAME;
    if (count <= IND_COUNT_teacher_requests) return IND_FAMILY_REQUESTS;
    if (count == IND_COUNT_team_activities) return IND_FAMILY_TEAM;
    if (count == IND_COUNT_orgs_with_programme) return IND_FAMILY_PROGRAMME;
    return IND_FAMILY_SELFDET;
}

mb_status ind_counts_load(db *d, const ind_bind *b, unsigned families, ind_org_index_fn org_index, void *ctx,
                          double *counts)
{
    mb_status rc = MB_OK;
    if (!rc && (families & IND_FAMILY_PEOPLE)) rc = ind_mentorships_load(d, b, 1, NULL, org_index, ctx, counts);
    if (!rc && (families & IND_FAMILY_OUTCOMES)) rc = load_outcomes(d, b, org_index, ctx, counts);
    if (!rc && (families & IND_FAMILY_BECAME)) rc = load_became_mentor(d, b, org_index, ctx, counts);
    if (!rc && (families & IND_FAMILY_REQUESTS)) rc = load_requests(d, b, org_index, ctx, counts);
    if (!rc && (families & IND_FAMILY_TEAM)) rc = load_team(d, b, org_index, ctx, counts);
    if (!rc && (families & IND_FAMILY_PROGRAMME)) rc = load_programmes(d, b, org_index, ctx, counts);
    if (!rc && (families & IND_FAMILY_SELFDET)) rc = load_selfdet(d, b, org_index, ctx, counts);
    return rc;
}

/*
 * Outcome records from a CSV file (`admin outcomes import`) and their list
 * (`admin outcomes list`); docs/records.md says what each kind takes. The
 * import is all or nothing like the other imports, every bad cell told as
 * FILE:LINE: column NAME: why; a record the same as one imported before
 * (same person, kind, date and fields) is not added twice.
 */
#include "bot/admin/admin.h"
#include "bot/app.h"
#include "storage/outcomes.h"
#include "storage/people.h"
#include "util/clock.h"
#include "util/text.h"
#include "util/typed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OUTCOME_ROWS_MAX 20000
#define OUTCOMES_HEADER "org,person_id,account,kind,date,level,subject,title,result,count"

enum { O_ORG, O_PERSON, O_ACCOUNT, O_KIND, O_DATE, O_LEVEL, O_SUBJECT, O_TITLE, O_RESULT, O_COUNT, O_COLUMNS };

static const admin_column columns[O_COLUMNS] = {
    {{"org", "организация", NULL}, 1},
    {{"person_id", "id", "код", NULL}, 0},
    {{"account", "account_id", NULL}, 0},
    {{"kind", "вид", NULL}, 1},
    {{"date", "дата", NULL}, 1},
    {{"level", "уровень", NULL}, 0},
    {{"subject", "предмет", NULL}, 0},
    {{"title", "название", NULL}, 0},
    {{"result", "результат", NULL}, 0},
    {{"count", "участников", "количество", NULL}, 0},
};

static const admin_word level_words[] = {
    {"школьный", "school"}, {"муниципальный", "municipal"}, {"региональный", "regional"},
    {"федеральный", "federal"}, {"всероссийский", "federal"},
};
static const admin_word result_words[] = {
    {"положительный", "positive"}, {"положительная", "positive"}, {"стабильный", "stable"},
    {"стабильная", "stable"}, {"отрицательный", "negative"}, {"отрицательная", "negative"},
};

typedef struct outcome_state {
    admin_import im;     /* first: the runner's callbacks get it */
    int col[O_COLUMNS], fields;
    int added, same;
} outcome_state;

static int read_header(admin_import *im, csv_reader *r)
{
    outcome_state *s = (outcome_state *)im;
    if (!admin_import_columns(im, r, columns, O_COLUMNS, s->col, &s->fields)) return 0;
    if (s->col[O_PERSON] < 0 && s->col[O_ACCOUNT] < 0) {
        fprintf(stderr, "%s:%ld: the header needs a \"person_id\" or an \"account\" column (%s)\n", im->path, r->line,
                OUTCOMES_HEADER);
        return 0;
    }
    return 1;
}

/* A level or result cell as its code, or the cell itself lower-cased
 * (cut to size) when it is no code nor word, for the error to quote. */
static void word_code_of(const char *cell, const admin_word *table, size_t n, const char *const *codes, char *out,
                         size_t size)
{
    const char *code = admin_word_code(cell, table, n, codes);
    char lower[128];
    if (!code && !typed_lower(cell, lower, sizeof lower)) snprintf(lower, sizeof lower, "%s", cell);
    const char *text = code ? code : lower;
    size_t len = strlen(text) < size ? strlen(text) : size - 1;
    memcpy(out, text, len);
    out[len] = 0;
}

/* The person of a row: by person_id or by account id, of the row's
 * organisation; 0 when the row names nobody, -1 after reporting. */
static int64_t row_person(outcome_state *s, csv_reader *r, int64_t org_id)
{
    long line = r->line;
    const char *ext = admin_import_cell(r, s->col, O_PERSON), *acc = admin_import_cell(r, s->col, O_ACCOUNT);
    account a;
    if (*ext && *acc) {
        admin_import_bad_cell(&s->im, line, "account", "give the person_id or the account, not both");
        return -1;
    }
    if (*ext) {
        mb_status rc = people_find(s->im.a->d, org_id, ext, &a);
        if (rc) {
            admin_import_bad_cell(&s->im, line, "person_id", "no person %s in this organisation", ext);
            return -1;
        }
    } else if (*acc) {
        long long id;
        if (!admin_parse_long(acc, 1, INT64_MAX, &id) || account_load(s->im.a->d, id, &a) || a.org_id != org_id) {
            admin_import_bad_cell(&s->im, line, "account", "no account %s in this organisation", acc);
            return -1;
        }
    } else {
        return 0;
    }
    if (strcmp(a.status, "forgotten") == 0) {
        admin_import_bad_cell(&s->im, line, *ext ? "person_id" : "account", "this person erased their data in the bot");
        return -1;
    }
    return a.id;
}

/* 1 when the same record is in the organisation already. */
static int recorded_before(db *d, const outcome *o)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT 1 FROM outcomes WHERE org_id = ?1 AND account_id IS ?2 AND kind = ?3"
                                  " AND happened_on = ?4 AND level IS ?5 AND subject IS ?6 AND title IS ?7"
                                  " AND result IS ?8 AND count IS ?9");
    if (!st) return 0;
    sqlite3_bind_int64(st, 1, o->org_id);
    if (o->account_id) sqlite3_bind_int64(st, 2, o->account_id);
    db_bind_text(st, 3, o->kind);
    sqlite3_bind_int64(st, 4, o->happened_on);
    db_bind_text(st, 5, o->level[0] ? o->level : NULL);
    db_bind_text(st, 6, o->subject[0] ? o->subject : NULL);
    db_bind_text(st, 7, o->title[0] ? o->title : NULL);
    db_bind_text(st, 8, o->result[0] ? o->result : NULL);
    if (o->count >= 0) sqlite3_bind_int(st, 9, o->count);
    return db_has_row(d, st) == MB_OK;
}

/* Each field the kind takes must be given and each other one empty; the
 * first cell that is not is reported. */
static int fields_ok(outcome_state *s, long line, const outcome *o, const char *count_cell)
{
    unsigned f = outcome_kind_fields(o->kind);
    static const struct { unsigned bit; const char *column, *what; } need[] = {
        {OUTCOME_FIELD_LEVEL, "level", "school, municipal, regional or federal"},
        {OUTCOME_FIELD_SUBJECT, "subject", "the subject"},
        {OUTCOME_FIELD_TITLE, "title", "a short title"},
        {OUTCOME_FIELD_RESULT, "result", "positive, stable or negative"},
        {OUTCOME_FIELD_COUNT, "count", "the number of attendees"},
    };
    const char *given[] = {o->level, o->subject, o->title, o->result, count_cell};
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++) {
        if ((f & need[i].bit) && !given[i][0]) {
            admin_import_bad_cell(&s->im, line, need[i].column, "%s needs %s", o->kind, need[i].what);
            return 0;
        }
        if (!(f & need[i].bit) && given[i][0]) {
            admin_import_bad_cell(&s->im, line, need[i].column, "%s takes no %s; leave it empty", o->kind,
                                  need[i].column);
            return 0;
        }
    }
    if ((f & OUTCOME_FIELD_LEVEL) && !outcome_level_valid(o->level)) {
        admin_import_bad_cell(&s->im, line, "level", "\"%s\" is not a level (school, municipal, regional, federal)",
                              o->level);
        return 0;
    }
    if ((f & OUTCOME_FIELD_RESULT) && !outcome_result_valid(o->kind, o->result)) {
        admin_import_bad_cell(&s->im, line, "result", "\"%s\" is not a result of %s (%s)", o->result, o->kind,
                              strcmp(o->kind, "class_results") == 0 ? "positive, stable, negative" : "positive, negative");
        return 0;
    }
    if ((f & OUTCOME_FIELD_COUNT) && (o->count < 0 || o->count > OUTCOME_COUNT_MAX)) {
        admin_import_bad_cell(&s->im, line, "count", "\"%s\" is not a number from 0 to %d", count_cell,
                              OUTCOME_COUNT_MAX);
        return 0;
    }
    const char *why = outcome_problem(o);
    if (why) {
        admin_import_bad_cell(&s->im, line, strstr(why, "subject") ? "subject" : "title", "%s", why);
        return 0;
    }
    return 1;
}

static mb_status import_record(admin_import *im, csv_reader *r)
{
    outcome_state *s = (outcome_state *)im;
    long line = r->line;
    if (!admin_import_shape_ok(im, r, s->fields)) return MB_OK;
    outcome o;
    memset(&o, 0, sizeof o);
    o.count = -1;
    snprintf(o.source, sizeof o.source, "csv");
    if (!admin_import_org(im, line, admin_import_cell(r, s->col, O_ORG), &o.org_id)) return MB_OK;
    mb_status rc;
    const char *kind = admin_import_cell(r, s->col, O_KIND);
    if (outcome_kind_index(kind) < 0) {
        admin_import_bad_cell(im, line, "kind", "\"%s\" is not a kind (docs/records.md lists them)", kind);
        return MB_OK;
    }
    snprintf(o.kind, sizeof o.kind, "%s", kind);
    int64_t person = row_person(s, r, o.org_id);
    if (person < 0) return MB_OK;
    if (!person && strcmp(kind, "career_event") != 0 && strcmp(kind, "event_hosted") != 0) {
        admin_import_bad_cell(im, line, s->col[O_PERSON] >= 0 ? "person_id" : "account",
                              "empty; only career_event and event_hosted may belong to the organisation alone");
        return MB_OK;
    }
    o.account_id = person;
    const char *date = admin_import_cell(r, s->col, O_DATE);
    int ymd = admin_parse_date(date);
    if (!ymd || ymd > typed_today(clock_now_ms())) {
        admin_import_bad_cell(im, line, "date", ymd ? "%s is in the future" : "\"%s\" is not a date (YYYY-MM-DD or"
                                                                              " DD.MM.YYYY)", date);
        return MB_OK;
    }
    o.happened_on = outcome_day_ms(ymd);
    static const char *const level_codes[] = {"school", "municipal", "regional", "federal", NULL};
    static const char *const result_codes[] = {"positive", "stable", "negative", NULL};
    word_code_of(admin_import_cell(r, s->col, O_LEVEL), level_words, sizeof level_words / sizeof level_words[0],
                 level_codes, o.level, sizeof o.level);
    word_code_of(admin_import_cell(r, s->col, O_RESULT), result_words, sizeof result_words / sizeof result_words[0],
                 result_codes, o.result, sizeof o.result);
    char *subject = text_clean_line(admin_import_cell(r, s->col, O_SUBJECT), OUTCOME_TEXT_MAX + 1);
    char *title = text_clean_line(admin_import_cell(r, s->col, O_TITLE), OUTCOME_TEXT_MAX + 1);
    if (!subject || !title) {
        free(subject);
        free(title);
        return MB_ERR_NOMEM;
    }
    snprintf(o.subject, sizeof o.subject, "%s", subject);
    snprintf(o.title, sizeof o.title, "%s", title);
    free(subject);
    free(title);
    const char *count = admin_import_cell(r, s->col, O_COUNT);
    long long n;
    if (*count) o.count = admin_parse_long(count, 0, OUTCOME_COUNT_MAX, &n) ? (int)n : OUTCOME_COUNT_MAX + 1;
    /* a word that is no level or result is quoted as written */
    const char *level_cell = admin_import_cell(r, s->col, O_LEVEL), *result_cell = admin_import_cell(r, s->col, O_RESULT);
    unsigned f = outcome_kind_fields(o.kind);
    if ((f & OUTCOME_FIELD_LEVEL) && *level_cell && !outcome_level_valid(o.level)) {
        admin_import_bad_cell(im, line, "level", "\"%s\" is not a level (school, municipal, regional, federal)",
                              level_cell);
        return MB_OK;
    }
    if ((f & OUTCOME_FIELD_RESULT) && *result_cell && !outcome_result_valid(o.kind, o.result)) {
        admin_import_bad_cell(im, line, "result", "\"%s\" is not a result of %s (%s)", result_cell, o.kind,
                              strcmp(o.kind, "class_results") == 0 ? "positive, stable, negative" : "positive, negative");
        return MB_OK;
    }
    if (!fields_ok(s, line, &o, count)) return MB_OK;
    if (recorded_before(im->a->d, &o)) {
        s->same++;
        return MB_OK;
    }
    if ((rc = outcome_add(im->a->d, &o, NULL))) return rc;
    s->added++;
    return MB_OK;
}

static int import_outcomes(app *a, const char *path)
{
    outcome_state s = {.im = {.a = a, .path = path, .header_text = OUTCOMES_HEADER, .rows_name = "records",
                              .rows_max = OUTCOME_ROWS_MAX, .header = read_header, .row = import_record}};
    if (admin_import_run(&s.im)) return 1;
    char detail[AUDIT_DETAIL_MAX];
    snprintf(detail, sizeof detail, "%s: %d new, %d there already", path, s.added, s.same);
    if (admin_finish_change(a, audit_log(a->d, ADMIN_ACTOR, "outcomes.import", NULL, detail), "import the records"))
        return 1;
    printf("imported %d records: %d new, %d there already\n", s.added + s.same, s.added, s.same);
    return 0;
}

/* id, date, kind, account, person_id, level, subject, title, result, count, source: one line each. */
static int list_outcomes(app *a, int argc, char **argv)
{
    static const char *const known[] = {"--org", NULL};
    long long org_id;
    if (!admin_check_opts(argc, argv, known) || !admin_parse_long(admin_opt(argc, argv, "--org"), 1, INT64_MAX, &org_id)) {
        fprintf(stderr, "usage: admin outcomes list --org ID\n");
        return 2;
    }
    enum { LIST_MAX = 5000 };
    outcome *list = malloc(LIST_MAX * sizeof *list);
    int n = list ? outcome_list_for_org(a->d, org_id, list, LIST_MAX) : -1;
    if (n < 0) {
        free(list);
        fprintf(stderr, "could not read the records\n");
        return 1;
    }
    for (int i = 0; i < n && i < LIST_MAX; i++) {
        const outcome *o = &list[i];
        int ymd = outcome_day_ymd(o->happened_on);
        char ext[PEOPLE_EXTERNAL_BYTES] = "", count[16] = "";
        if (o->account_id) people_external_id(a->d, o->account_id, ext, sizeof ext);
        if (o->count >= 0) snprintf(count, sizeof count, "%d", o->count);
        printf("%lld\t%04d-%02d-%02d\t%s\t%lld\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", (long long)o->id, ymd / 10000,
               ymd / 100 % 100, ymd % 100, o->kind, (long long)o->account_id, ext, o->level, o->subject, o->title,
               o->result, count, o->source);
    }
    if (n > LIST_MAX) fprintf(stderr, "%d more records not shown\n", n - LIST_MAX);
    free(list);
    return 0;
}

int admin_outcomes_cmd(app *a, int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[0], "import") == 0) return import_outcomes(a, argv[1]);
    if (argc >= 1 && strcmp(argv[0], "list") == 0) return list_outcomes(a, argc - 1, argv + 1);
    fprintf(stderr, "usage: admin outcomes import FILE.csv   (header %s)\n"
                    "       admin outcomes list --org ID\n", OUTCOMES_HEADER);
    return 2;
}

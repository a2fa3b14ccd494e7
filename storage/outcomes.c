#include "storage/outcomes.h"
#include "util/clock.h"
#include "util/text.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const kinds[] = {
#define X(k) #k,
    OUTCOME_KINDS
#undef X
};

#define KIND_COUNT ((int)(sizeof kinds / sizeof kinds[0]))

int outcome_kind_count(void) { return KIND_COUNT; }

int outcome_kind_index(const char *kind)
{
    for (int i = 0; kind && i < KIND_COUNT; i++)
        if (strcmp(kinds[i], kind) == 0) return i;
    return -1;
}

const char *outcome_kind_name(int index) { return index >= 0 && index < KIND_COUNT ? kinds[index] : NULL; }

/* The fields follow the indicators that count each kind: a level for the
 * contests, olympiads, talks and expertise they count by level (004 §4.1,
 * 003 §5), a subject for a grade, a title where the curator tells one
 * project or event from another, a result where a dynamic is counted. */
unsigned outcome_kind_fields(const char *kind)
{
    static const struct { const char *kind; unsigned fields; } table[] = {
        {"training", 0},
        {"grade_improved", OUTCOME_FIELD_SUBJECT},
        {"contest", OUTCOME_FIELD_LEVEL},
        {"olympiad", OUTCOME_FIELD_LEVEL},
        {"project", OUTCOME_FIELD_TITLE},
        {"project_lead", OUTCOME_FIELD_TITLE},
        {"career_event", OUTCOME_FIELD_TITLE},
        {"management_reserve", 0},
        {"became_mentor", 0},
        {"event_hosted", OUTCOME_FIELD_TITLE | OUTCOME_FIELD_COUNT},
        {"event_attended", OUTCOME_FIELD_TITLE},
        {"presentation", OUTCOME_FIELD_LEVEL | OUTCOME_FIELD_TITLE},
        {"practice_expertise", OUTCOME_FIELD_LEVEL | OUTCOME_FIELD_RESULT},
        {"class_results", OUTCOME_FIELD_RESULT},
    };
    for (size_t i = 0; kind && i < sizeof table / sizeof table[0]; i++)
        if (strcmp(table[i].kind, kind) == 0) return table[i].fields;
    return 0;
}

int outcome_level_valid(const char *s)
{
    return s && (strcmp(s, "school") == 0 || strcmp(s, "municipal") == 0 || strcmp(s, "regional") == 0 ||
                 strcmp(s, "federal") == 0);
}

int outcome_result_valid(const char *kind, const char *s)
{
    if (!s || !(outcome_kind_fields(kind) & OUTCOME_FIELD_RESULT)) return 0;
    if (strcmp(s, "positive") == 0 || strcmp(s, "negative") == 0) return 1;
    return strcmp(s, "stable") == 0 && strcmp(kind, "class_results") == 0;
}

static const char *text_problem(const char *s, const char *what_empty, const char *what_long)
{
    if (!s[0]) return what_empty;
    if (!text_utf8_valid(s, strlen(s)) || text_codepoints(s) > OUTCOME_TEXT_MAX) return what_long;
    return NULL;
}

const char *outcome_problem(const outcome *o)
{
    if (outcome_kind_index(o->kind) < 0) return "unknown kind";
    if (o->org_id <= 0) return "no organisation";
    if (o->happened_on <= 0) return "no date";
    unsigned f = outcome_kind_fields(o->kind);
    const char *why;
    if (f & OUTCOME_FIELD_LEVEL ? !outcome_level_valid(o->level) : o->level[0] != 0)
        return f & OUTCOME_FIELD_LEVEL ? "the level must be school, municipal, regional or federal"
                                       : "this kind takes no level";
    if (f & OUTCOME_FIELD_SUBJECT ? (why = text_problem(o->subject, "the subject is empty", "the subject is too long")) != NULL
                                  : (why = o->subject[0] ? "this kind takes no subject" : NULL) != NULL)
        return why;
    if (f & OUTCOME_FIELD_TITLE ? (why = text_problem(o->title, "the title is empty", "the title is too long")) != NULL
                                : (why = o->title[0] ? "this kind takes no title" : NULL) != NULL)
        return why;
    if (f & OUTCOME_FIELD_RESULT ? !outcome_result_valid(o->kind, o->result) : o->result[0] != 0)
        return f & OUTCOME_FIELD_RESULT ? (strcmp(o->kind, "class_results") == 0
                                               ? "the result must be positive, stable or negative"
                                               : "the result must be positive or negative")
                                        : "this kind takes no result";
    if (f & OUTCOME_FIELD_COUNT ? (o->count < 0 || o->count > OUTCOME_COUNT_MAX) : o->count >= 0)
        return f & OUTCOME_FIELD_COUNT ? "the number of attendees must be 0 to 100000" : "this kind takes no count";
    return NULL;
}

static void bind_text_or_null(sqlite3_stmt *st, int idx, const char *s)
{
    db_bind_text(st, idx, s && *s ? s : NULL);
}

static void bind_id_or_null(sqlite3_stmt *st, int idx, int64_t v)
{
    if (v > 0) sqlite3_bind_int64(st, idx, v);
    else sqlite3_bind_null(st, idx);
}

mb_status outcome_add(db *d, const outcome *o, int64_t *id_out)
{
    if (outcome_problem(o)) return MB_ERR_INVALID;
    sqlite3_stmt *st = db_stmt(d, "INSERT INTO outcomes(account_id, org_id, mentorship_id, kind, level, subject,"
                                  " title, result, count, happened_on, source, entered_by, created_at)"
                                  " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
    if (!st) return MB_ERR_DB;
    bind_id_or_null(st, 1, o->account_id);
    sqlite3_bind_int64(st, 2, o->org_id);
    bind_id_or_null(st, 3, o->mentorship_id);
    sqlite3_bind_text(st, 4, o->kind, -1, SQLITE_STATIC);
    bind_text_or_null(st, 5, o->level);
    bind_text_or_null(st, 6, o->subject);
    bind_text_or_null(st, 7, o->title);
    bind_text_or_null(st, 8, o->result);
    if (o->count >= 0) sqlite3_bind_int(st, 9, o->count);
    else sqlite3_bind_null(st, 9);
    sqlite3_bind_int64(st, 10, o->happened_on);
    sqlite3_bind_text(st, 11, o->source[0] ? o->source : "chat", -1, SQLITE_STATIC);
    bind_id_or_null(st, 12, o->entered_by);
    sqlite3_bind_int64(st, 13, clock_now_ms());
    mb_status rc = db_step_done(d, st);
    if (!rc && id_out) *id_out = sqlite3_last_insert_rowid(db_handle(d));
    return rc;
}

#define OUTCOME_COLUMNS \
    "id, account_id, org_id, mentorship_id, kind, level, subject, title, result, count, happened_on, source," \
    " entered_by, created_at"

static void read_outcome(sqlite3_stmt *st, void *out)
{
    outcome *o = out;
    memset(o, 0, sizeof *o);
    o->id = sqlite3_column_int64(st, 0);
    o->account_id = sqlite3_column_int64(st, 1);
    o->org_id = sqlite3_column_int64(st, 2);
    o->mentorship_id = sqlite3_column_int64(st, 3);
    db_column_copy(st, 4, o->kind, sizeof o->kind);
    db_column_copy(st, 5, o->level, sizeof o->level);
    db_column_copy(st, 6, o->subject, sizeof o->subject);
    db_column_copy(st, 7, o->title, sizeof o->title);
    db_column_copy(st, 8, o->result, sizeof o->result);
    o->count = sqlite3_column_type(st, 9) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 9);
    o->happened_on = sqlite3_column_int64(st, 10);
    db_column_copy(st, 11, o->source, sizeof o->source);
    o->entered_by = sqlite3_column_int64(st, 12);
    o->created_at = sqlite3_column_int64(st, 13);
}

/* Reads up to max rows of a bound statement, then counts the rest. */
static int read_list(db *d, sqlite3_stmt *st, outcome *out, int max)
{
    int n = 0, rc;
    while ((rc = db_step_raw(d, st)) == SQLITE_ROW) {
        if (n < max) read_outcome(st, &out[n]);
        n++;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? n : -1;
}

int outcome_list_for_account(db *d, int64_t account_id, outcome *out, int max)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT " OUTCOME_COLUMNS " FROM outcomes WHERE account_id = ?1"
                                  " ORDER BY happened_on DESC, id DESC");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, account_id);
    return read_list(d, st, out, max);
}

int outcome_list_for_org(db *d, int64_t org_id, outcome *out, int max)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT " OUTCOME_COLUMNS " FROM outcomes WHERE org_id = ?1"
                                  " ORDER BY happened_on DESC, id DESC");
    if (!st) return -1;
    sqlite3_bind_int64(st, 1, org_id);
    return read_list(d, st, out, max);
}

mb_status outcome_get(db *d, int64_t id, outcome *out)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT " OUTCOME_COLUMNS " FROM outcomes WHERE id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, id);
    return db_first_row(d, st, read_outcome, out);
}

mb_status outcome_delete(db *d, int64_t id, int64_t org_id)
{
    mb_status rc = db_run_with_ints(d, "DELETE FROM outcomes WHERE id = ?1 AND org_id = ?2", id, org_id);
    if (rc) return rc;
    return sqlite3_changes(db_handle(d)) ? MB_OK : MB_ERR_NOT_FOUND;
}

int64_t outcome_day_ms(int ymd)
{
    struct tm t = {.tm_year = ymd / 10000 - 1900, .tm_mon = ymd / 100 % 100 - 1, .tm_mday = ymd % 100};
    return (int64_t)timegm(&t) * 1000;
}

int outcome_day_ymd(int64_t ms)
{
    time_t s = (time_t)(ms / 1000);
    struct tm t;
    if (!gmtime_r(&s, &t)) return 0;
    return (t.tm_year + 1900) * 10000 + (t.tm_mon + 1) * 100 + t.tm_mday;
}

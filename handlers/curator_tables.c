/*
 * The curator's tables: the mentor base, the mentee base and the survey
 * answers of both, each as a CSV file sent in the chat (semicolons and a
 * byte-order mark, like the pairs export), dates in the organisation's
 * timezone.
 *
 * Button data:
 *   cw          the choice of table
 *   cw:r | cw:e the mentor or the mentee base
 *   cw:s        the survey answers, one line per answer
 */
#include "handlers/curator.h"
#include "handlers/reply.h"
#include "storage/surveys.h"
#include "util/csv.h"
#include "util/instrument.h"
#include "util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TABLE_PAGE 100          /* people read at a time */
#define BASE_COLUMNS 8
#define ANSWER_COLUMNS 7
#define INSTRUMENTS_CACHED 8    /* instrument versions kept parsed during one export */
#define ANSWER_TEXT_MAX 4096

typedef struct table {
    hctx *h;
    FILE *f;
    int rows;
    struct { int64_t id; instrument *ins; } cache[INSTRUMENTS_CACHED];
    int ncached;
} table;

static int put(table *t, const char *const *fields, int n)
{
    return csv_write_record(t->f, fields, n, ';');
}

/* The organisation's active people of a role, a page at a time, through fn. */
static int each_person(table *t, const char *role, int (*fn)(table *, const account *))
{
    int64_t ids[TABLE_PAGE];
    for (int offset = 0;;) {
        int n = mentorship_list_people(t->h->d, t->h->acct.org_id, role, offset, ids, TABLE_PAGE);
        if (n < 0) return -1;
        for (int i = 0; i < n; i++) {
            account a;
            if (account_load(t->h->d, ids[i], &a) == MB_OK && fn(t, &a)) return -1;
        }
        if (n < TABLE_PAGE) return 0;
        offset += n;
    }
}

static int base_row(table *t, const account *a)
{
    hctx *h = t->h;
    char id[24], who[128], grade[16] = "", registered[32], filled[32] = "", topics[1024], state[320];
    survey_run run;
    mentorship_candidate c;
    snprintf(id, sizeof id, "%lld", (long long)a->id);
    curator_who(h->env->texts, h->lang, a, who, sizeof who);
    if (a->grade > 0) snprintf(grade, sizeof grade, "%d", a->grade);
    curator_org_date(h, a->created_at, registered, sizeof registered);
    if (survey_run_latest(h->d, a->id, "done", &run) == MB_OK) curator_org_date(h, run.finished_at, filled, sizeof filled);
    int has = mentorship_load_candidate(h->d, a->id, &c) == MB_OK && c.has_profile;
    if (has) curator_topics(h->env->texts, h->lang, c.topics, topics, sizeof topics);
    else topics[0] = 0;
    mentorship m;
    account mentor;
    if (strcmp(a->role, "mentor") == 0)
        snprintf(state, sizeof state, "%d / %d", has ? c.load : 0, has ? c.capacity : 0);
    else if (mentorship_of_mentee(h->d, a->id, &m) == MB_OK && account_load(h->d, m.mentor_id, &mentor) == MB_OK)
        snprintf(state, sizeof state, "%s", mentor.name);
    else
        snprintf(state, sizeof state, "%s", T(h, "export.status_waiting"));
    const char *fields[BASE_COLUMNS] = {id, a->name, who, grade, registered, filled, topics, state};
    t->rows++;
    return put(t, fields, BASE_COLUMNS);
}

/* The parsed instrument version of a run, kept for the rest of the export. */
static instrument *instrument_of(table *t, int64_t instrument_id)
{
    for (int i = 0; i < t->ncached; i++)
        if (t->cache[i].id == instrument_id) return t->cache[i].ins;
    char *body = NULL, key[INSTRUMENT_KEY_MAX + 1], err[256];
    instrument *ins = NULL;
    if (survey_instrument_body(t->h->d, instrument_id, &body, key, sizeof key, NULL) == MB_OK &&
        instrument_parse(body, strlen(body), key, &ins, err, sizeof err) != MB_OK)
        log_warn("curator", "stored instrument %lld does not parse: %s", (long long)instrument_id, err);
    free(body);
    if (ins && t->ncached < INSTRUMENTS_CACHED) {
        t->cache[t->ncached].id = instrument_id;
        t->cache[t->ncached++].ins = ins;
    }
    return ins;
}

/* A stored answer as a person reads it: choice texts, dates as dates. */
static void answer_text(const table *t, const instrument_item *it, const char *value, char *buf, size_t size)
{
    const char *lang = t->h->lang;
    int y, m, d;
    buf[0] = 0;
    if (it->type == ITEM_SINGLE && instrument_choice_index(it, value) >= 0) {
        snprintf(buf, size, "%s", instrument_text(it->choices[instrument_choice_index(it, value)].text, lang));
    } else if (it->type == ITEM_MULTIPLE) {
        cJSON *arr = cJSON_Parse(value), *v;
        size_t used = 0;
        cJSON_ArrayForEach(v, arr) {
            int k = instrument_choice_index(it, cJSON_GetStringValue(v));
            const char *label = k >= 0 ? instrument_text(it->choices[k].text, lang) : cJSON_GetStringValue(v);
            int w = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", label ? label : "");
            if (w < 0 || (size_t)w >= size - used) break;
            used += (size_t)w;
        }
        cJSON_Delete(arr);
    } else if (it->type == ITEM_DATE && sscanf(value, "%d-%d-%d", &y, &m, &d) == 3) {
        snprintf(buf, size, "%02d.%02d.%04d", d, m, y);
    } else {
        snprintf(buf, size, "%s", value);
    }
}

static int answer_rows(table *t, const account *a)
{
    hctx *h = t->h;
    survey_run run;
    if (survey_run_latest(h->d, a->id, "done", &run) != MB_OK) return 0;
    instrument *ins = instrument_of(t, run.instrument_id);
    cJSON *answers = survey_answers_load(h->d, run.id);
    if (!ins || !answers) {
        cJSON_Delete(answers);
        return 0;
    }
    char id[24], filled[32], text[ANSWER_TEXT_MAX];
    snprintf(id, sizeof id, "%lld", (long long)a->id);
    curator_org_date(h, run.finished_at, filled, sizeof filled);
    const char *role = T(h, strcmp(a->role, "mentor") == 0 ? "tables.role_mentor" : "tables.role_mentee");
    int bad = 0;
    for (int i = 0; i < ins->nitems && !bad; i++) {
        const instrument_item *it = &ins->items[i];
        const char *value = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(answers, it->id));
        if (!value) continue;
        answer_text(t, it, value, text, sizeof text);
        const char *fields[ANSWER_COLUMNS] = {id, a->name, role, instrument_text(ins->title, h->lang),
                                              instrument_text(it->text, h->lang), text, filled};
        bad = put(t, fields, ANSWER_COLUMNS);
        t->rows++;
    }
    cJSON_Delete(answers);
    return bad;
}

static mb_status send_table(hctx *h, char which)
{
    table t;
    memset(&t, 0, sizeof t);
    t.h = h;
    char path[1024];
    const char *kind = which == 'r' ? "mentors" : which == 'e' ? "mentees" : "answers";
    if (!(t.f = curator_export_create(h, kind, path, sizeof path))) return reply_text(h, T(h, "export.failed"), NULL);
    int bad;
    if (which == 's') {
        const char *header[ANSWER_COLUMNS] = {T(h, "tables.col_id"), T(h, "tables.col_name"), T(h, "tables.col_role"),
                                              T(h, "tables.col_survey"), T(h, "tables.col_question"),
                                              T(h, "tables.col_answer"), T(h, "tables.col_filled")};
        bad = put(&t, header, ANSWER_COLUMNS) || each_person(&t, "mentor", answer_rows) ||
              each_person(&t, "mentee", answer_rows);
    } else {
        const char *header[BASE_COLUMNS] = {
            T(h, "tables.col_id"), T(h, "tables.col_name"), T(h, "export.col_who"), T(h, "tables.col_grade"),
            T(h, "tables.col_registered"), T(h, "tables.col_filled"), T(h, "tables.col_topics"),
            T(h, which == 'r' ? "tables.col_load" : "tables.col_mentor")};
        bad = put(&t, header, BASE_COLUMNS) || each_person(&t, which == 'r' ? "mentor" : "mentee", base_row);
    }
    for (int i = 0; i < t.ncached; i++) instrument_free(t.cache[i].ins);
    if (curator_export_close(t.f, path, bad)) return reply_text(h, T(h, "export.failed"), NULL);
    char rows[16];
    snprintf(rows, sizeof rows, "%d", t.rows);
    const char *caption_key = which == 'r' ? "tables.caption_mentors" : which == 'e' ? "tables.caption_mentees"
                                                                                     : "tables.caption_answers";
    const char *name_key = which == 'r' ? "tables.file_mentors" : which == 'e' ? "tables.file_mentees"
                                                                                : "tables.file_answers";
    char *caption = TF(h, caption_key, "n", rows, NULL);
    mb_status rc = curator_export_send(h, path, name_key, caption);
    free(caption);
    return rc;
}

mb_status curator_tables_button(hctx *h, const char *action, const payload_field *f, int n)
{
    (void)action;
    const char *arg = n ? f[0].word : "";   /* r, e, s, or none for the choice (routes.c) */
    mb_status rc = reply_answer_button(h, NULL);
    if (rc) return rc;
    if (!arg[0]) {
        keyboard kb = {0};
        kb_row(&kb);
        kb_button(&kb, T(h, "tables.mentors"), "cw:r");
        kb_row(&kb);
        kb_button(&kb, T(h, "tables.mentees"), "cw:e");
        kb_row(&kb);
        kb_button(&kb, T(h, "tables.answers"), "cw:s");
        return curator_send(h, TF(h, "tables.choose", NULL), &kb);
    }
    int role_count = arg[0] == 's' ? mentorship_count_people(h->d, h->acct.org_id, "mentor") +
                                         mentorship_count_people(h->d, h->acct.org_id, "mentee")
                                   : mentorship_count_people(h->d, h->acct.org_id, arg[0] == 'r' ? "mentor" : "mentee");
    if (role_count <= 0) return reply_text(h, T(h, "tables.empty"), NULL);
    return send_table(h, arg[0]);
}

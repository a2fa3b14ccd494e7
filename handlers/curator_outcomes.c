/*
 * A participant's outcome records from their card (curator_people.c): the
 * list, adding one and deleting a wrong one. Adding asks the kind
 * (buttons), the date (typed, or «сегодня»), then only what that kind
 * takes (storage/outcomes.h), and saves after the curator confirms. What
 * was entered so far lives in the dialog data ("oc"), so a bad answer is
 * asked again and loses nothing. Only curators of the person's
 * organisation reach any of it.
 *
 * Button data:
 *   oc:l:ID          the person's records      oc:n:ID   choose the kind
 *   oc:k:ID:K        kind number K chosen      oc:v:N    level N chosen
 *   oc:r:N           result N chosen           oc:s      save   oc:x  drop
 *   oc:d:REC         ask to delete a record    oc:y:REC  delete it
 */
#include "handlers/curator.h"
#include "storage/outcomes.h"
#include "util/clock.h"
#include "util/text.h"
#include "util/typed.h"
#include "util/tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATE_DATE "cur_oc_date"
#define STATE_SUBJECT "cur_oc_subject"
#define STATE_TITLE "cur_oc_title"
#define STATE_COUNT "cur_oc_count"

static const char *const levels[] = {"school", "municipal", "regional", "federal"};
static const char *const results[] = {"positive", "stable", "negative"};
#define COUNT_OF(a) ((int)(sizeof a / sizeof a[0]))

int curator_outcomes_wants_text(const hctx *h) { return strncmp(h->state, "cur_oc_", 7) == 0; }

/* The participant id names, when the curator looks after their organisation. */
static int load_person(hctx *h, int64_t id, account *a)
{
    return id > 0 && account_load(h->d, id, a) == MB_OK && strcmp(a->status, "active") == 0 &&
           (strcmp(a->role, "mentor") == 0 || strcmp(a->role, "mentee") == 0) && curator_in_scope(h, a->org_id);
}

/* Today in the organisation's timezone, YYYYMMDD. */
static int org_today(hctx *h, int64_t org_id)
{
    org o;
    struct tm t;
    if (org_get(h->d, org_id, &o) || tz_local(o.timezone, clock_now_ms(), &t)) return typed_today(clock_now_ms());
    return (t.tm_year + 1900) * 10000 + (t.tm_mon + 1) * 100 + t.tm_mday;
}

/* "12.10.2025 — Участие в олимпиаде, муниципальный уровень" */
static void describe(hctx *h, const outcome *o, char *buf, size_t size)
{
    char key[48], date[32], extra[600] = "";
    int ymd = outcome_day_ymd(o->happened_on);
    if (strcmp(h->lang, "ru") == 0) snprintf(date, sizeof date, "%02d.%02d.%04d", ymd % 100, ymd / 100 % 100, ymd / 10000);
    else snprintf(date, sizeof date, "%04d-%02d-%02d", ymd / 10000, ymd / 100 % 100, ymd % 100);
    size_t used = 0;
    int n;
#define ADD(...) do { n = snprintf(extra + used, sizeof extra - used, __VA_ARGS__); \
        if (n > 0 && (size_t)n < sizeof extra - used) used += (size_t)n; } while (0)
    if (o->level[0]) {
        snprintf(key, sizeof key, "outcome.level.%s", o->level);
        ADD(", %s", T(h, key));
    }
    if (o->subject[0]) ADD(", %s", o->subject);
    if (o->title[0]) ADD(", «%s»", o->title);
    if (o->result[0]) {
        snprintf(key, sizeof key, "outcome.result.%s", o->result);
        ADD(", %s", T(h, key));
    }
    if (o->count >= 0) {
        char c[16];
        snprintf(c, sizeof c, "%d", o->count);
        char *t = TF(h, "outcome.attendees", "n", c, NULL);
        if (t) ADD(", %s", t);
        free(t);
    }
#undef ADD
    snprintf(key, sizeof key, "outcome.kind.%s", o->kind);
    snprintf(buf, size, "%s — %s%s", date, T(h, key), extra);
}

mb_status curator_outcomes_list(hctx *h, const account *a, const char *notice_key)
{
    outcome *list = malloc(OUTCOME_LIST_MAX * sizeof *list);
    if (!list) return MB_ERR_NOMEM;
    int n = outcome_list_for_account(h->d, a->id, list, OUTCOME_LIST_MAX);
    if (n < 0) {
        free(list);
        return MB_ERR_DB;
    }
    keyboard kb = {0};
    size_t cap = 256 + (size_t)OUTCOME_LIST_MAX * 700, used = 0;
    char *lines = malloc(cap), data[48];
    if (!lines) {
        free(list);
        return MB_ERR_NOMEM;
    }
    lines[0] = 0;
    for (int i = 0; i < n && i < OUTCOME_LIST_MAX; i++) {
        char line[700], label[160];
        describe(h, &list[i], line, sizeof line);
        int w = snprintf(lines + used, cap - used, "%d. %s\n", i + 1, line);
        if (w > 0 && (size_t)w < cap - used) used += (size_t)w;
        snprintf(label, sizeof label, "✖ %d", i + 1);
        snprintf(data, sizeof data, "oc:d:%lld", (long long)list[i].id);
        if (i % 5 == 0) kb_row(&kb);
        kb_button(&kb, label, data);
    }
    free(list);
    snprintf(data, sizeof data, "oc:n:%lld", (long long)a->id);
    kb_row(&kb);
    kb_button(&kb, T(h, "outcome.add"), data);
    snprintf(data, sizeof data, "cz:a:%lld", (long long)a->id);
    kb_row(&kb);
    kb_button(&kb, T(h, "outcome.back"), data);
    char *text = TF(h, n ? "outcome.list" : "outcome.list_empty", "name", a->name, "list", lines, NULL);
    free(lines);
    if (text && notice_key) {
        size_t size = strlen(T(h, notice_key)) + strlen(text) + 3;
        char *both = malloc(size);
        if (both) snprintf(both, size, "%s\n\n%s", T(h, notice_key), text);
        free(text);
        text = both;
    }
    return curator_send(h, text, &kb);
}

static cJSON *draft(hctx *h) { return cJSON_GetObjectItem(h->data, "oc"); }

static const char *draft_str(hctx *h, const char *key)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItem(draft(h), key));
    return s ? s : "";
}

static int64_t draft_int(hctx *h, const char *key, int64_t fallback)
{
    cJSON *v = cJSON_GetObjectItem(draft(h), key);
    return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : fallback;
}

static mb_status draft_set(hctx *h, const char *key, const char *s, double num)
{
    cJSON *d = draft(h);
    if (!d) return MB_ERR_INVALID;
    cJSON_DeleteItemFromObject(d, key);
    return (s ? cJSON_AddStringToObject(d, key, s) : cJSON_AddNumberToObject(d, key, num)) ? MB_OK : MB_ERR_NOMEM;
}

/* The draft as a record; 0 when it is gone or its person is no longer the curator's. */
static int draft_outcome(hctx *h, outcome *o, account *a)
{
    memset(o, 0, sizeof *o);
    if (!draft(h) || !load_person(h, draft_int(h, "account", 0), a)) return 0;
    o->account_id = a->id;
    o->org_id = a->org_id;
    o->count = (int)draft_int(h, "count", -1);
    o->happened_on = draft_int(h, "date", 0) ? outcome_day_ms((int)draft_int(h, "date", 0)) : 0;
    o->entered_by = h->acct.id;
    snprintf(o->source, sizeof o->source, "chat");
    snprintf(o->kind, sizeof o->kind, "%s", draft_str(h, "kind"));
    snprintf(o->level, sizeof o->level, "%s", draft_str(h, "level"));
    snprintf(o->subject, sizeof o->subject, "%s", draft_str(h, "subject"));
    snprintf(o->title, sizeof o->title, "%s", draft_str(h, "title"));
    snprintf(o->result, sizeof o->result, "%s", draft_str(h, "result"));
    return outcome_kind_index(o->kind) >= 0;
}

static mb_status ask_date(hctx *h, const account *a, const char *key)
{
    char example[16];
    typed_date_example(org_today(h, a->org_id), DATE_LEAN_PAST, example, sizeof example);
    mb_status rc = ctx_set_state(h, STATE_DATE);
    return rc ? rc : curator_send(h, TF(h, key, "example", example, NULL), NULL);
}

/* Asks the first thing the kind takes that the draft lacks, or to confirm. */
static mb_status ask_next(hctx *h)
{
    outcome o;
    account a;
    mb_status rc;
    if (!draft_outcome(h, &o, &a)) {
        rc = ctx_set_state(h, "");
        return rc ? rc : reply_text(h, T(h, "outcome.gone_person"), NULL);
    }
    unsigned f = outcome_kind_fields(o.kind);
    char limit[16], data[24];
    snprintf(limit, sizeof limit, "%d", OUTCOME_TEXT_MAX);
    keyboard kb = {0};
    if (!o.happened_on) return ask_date(h, &a, "outcome.ask_date");
    if ((f & OUTCOME_FIELD_LEVEL) && !o.level[0]) {
        for (int i = 0; i < COUNT_OF(levels); i++) {
            char key[48];
            snprintf(key, sizeof key, "outcome.level.%s", levels[i]);
            snprintf(data, sizeof data, "oc:v:%d", i);
            if (i % 2 == 0) kb_row(&kb);
            kb_button(&kb, T(h, key), data);
        }
        if ((rc = ctx_set_state(h, ""))) return rc;
        return curator_send(h, TF(h, "outcome.ask_level", NULL), &kb);
    }
    if ((f & OUTCOME_FIELD_SUBJECT) && !o.subject[0]) {
        if ((rc = ctx_set_state(h, STATE_SUBJECT))) return rc;
        return curator_send(h, TF(h, "outcome.ask_subject", "limit", limit, NULL), NULL);
    }
    if ((f & OUTCOME_FIELD_TITLE) && !o.title[0]) {
        if ((rc = ctx_set_state(h, STATE_TITLE))) return rc;
        return curator_send(h, TF(h, "outcome.ask_title", "limit", limit, NULL), NULL);
    }
    if ((f & OUTCOME_FIELD_RESULT) && !o.result[0]) {
        for (int i = 0; i < COUNT_OF(results); i++) {
            if (!outcome_result_valid(o.kind, results[i])) continue;
            char key[48];
            snprintf(key, sizeof key, "outcome.result.%s", results[i]);
            snprintf(data, sizeof data, "oc:r:%d", i);
            kb_row(&kb);
            kb_button(&kb, T(h, key), data);
        }
        if ((rc = ctx_set_state(h, ""))) return rc;
        return curator_send(h, TF(h, "outcome.ask_result", NULL), &kb);
    }
    if ((f & OUTCOME_FIELD_COUNT) && o.count < 0) {
        if ((rc = ctx_set_state(h, STATE_COUNT))) return rc;
        return curator_send(h, TF(h, "outcome.ask_count", NULL), NULL);
    }
    char summary[800];
    describe(h, &o, summary, sizeof summary);
    kb_button(&kb, T(h, "outcome.save"), "oc:s");
    kb_button(&kb, T(h, "outcome.drop"), "oc:x");
    if ((rc = ctx_set_state(h, ""))) return rc;
    return curator_send(h, TF(h, "outcome.confirm", "name", a.name, "summary", summary, NULL), &kb);
}

static mb_status start_draft(hctx *h, const account *a, int kind)
{
    cJSON_DeleteItemFromObject(h->data, "oc");
    cJSON *d = cJSON_AddObjectToObject(h->data, "oc");
    if (!d || !cJSON_AddNumberToObject(d, "account", (double)a->id) ||
        !cJSON_AddStringToObject(d, "kind", outcome_kind_name(kind)))
        return MB_ERR_NOMEM;
    return ask_next(h);
}

static mb_status ask_kind(hctx *h, const account *a)
{
    keyboard kb = {0};
    for (int i = 0; i < outcome_kind_count(); i++) {
        char key[48], data[48];
        snprintf(key, sizeof key, "outcome.kind.%s", outcome_kind_name(i));
        snprintf(data, sizeof data, "oc:k:%lld:%d", (long long)a->id, i);
        kb_row(&kb);
        kb_button(&kb, T(h, key), data);
    }
    return curator_send(h, TF(h, "outcome.ask_kind", "name", a->name, NULL), &kb);
}

static mb_status save(hctx *h)
{
    outcome o;
    account a;
    mb_status rc;
    if (!draft_outcome(h, &o, &a) || outcome_problem(&o)) return reply_text(h, T(h, "outcome.gone_person"), NULL);
    int64_t id;
    if ((rc = outcome_add(h->d, &o, &id))) return rc;
    char actor[32], subject[40], detail[64];
    curator_actor(h, actor, sizeof actor);
    snprintf(subject, sizeof subject, "account:%lld", (long long)a.id);
    snprintf(detail, sizeof detail, "outcome %lld, %s", (long long)id, o.kind);
    cJSON_DeleteItemFromObject(h->data, "oc");
    if ((rc = audit_log(h->d, actor, "outcome.add", subject, detail)) || (rc = ctx_set_state(h, ""))) return rc;
    return curator_outcomes_list(h, &a, "outcome.saved");
}

/* A record of an organisation the curator looks after, with its person. */
static int load_record(hctx *h, long long id, outcome *o, account *a)
{
    if (outcome_get(h->d, id, o) || !curator_in_scope(h, o->org_id)) return 0;
    if (!o->account_id) return 0;
    return account_load(h->d, o->account_id, a) == MB_OK;
}

static mb_status delete_record(hctx *h, long long id, int confirmed)
{
    outcome o;
    account a;
    mb_status rc;
    if (!load_record(h, id, &o, &a)) return reply_text(h, T(h, "outcome.gone"), NULL);
    if (!confirmed) {
        char summary[800], data[48];
        describe(h, &o, summary, sizeof summary);
        keyboard kb = {0};
        snprintf(data, sizeof data, "oc:y:%lld", id);
        kb_button(&kb, T(h, "outcome.delete_yes"), data);
        snprintf(data, sizeof data, "oc:l:%lld", (long long)a.id);
        kb_button(&kb, T(h, "outcome.delete_no"), data);
        return curator_send(h, TF(h, "outcome.delete_ask", "name", a.name, "summary", summary, NULL), &kb);
    }
    rc = outcome_delete(h->d, id, o.org_id);
    if (rc == MB_ERR_NOT_FOUND) return reply_text(h, T(h, "outcome.gone"), NULL);
    char actor[32], subject[40], detail[64];
    curator_actor(h, actor, sizeof actor);
    snprintf(subject, sizeof subject, "account:%lld", (long long)a.id);
    snprintf(detail, sizeof detail, "outcome %lld, %s", id, o.kind);
    if (rc || (rc = audit_log(h->d, actor, "outcome.delete", subject, detail))) return rc;
    return curator_outcomes_list(h, &a, "outcome.deleted");
}

mb_status curator_outcomes_button(hctx *h, const char *action, const payload_field *f, int n)
{
    /* OP, OP:N, OP:ID, or k:ID:KIND (routes.c) */
    (void)action, (void)n;
    char op = f[0].word[0];
    long long id = 0, index = 0;
    int ok = 1;
    if (strchr("lnkdy", op)) {
        id = f[1].number;
        index = f[2].number;
        ok = op != 'k' || index <= outcome_kind_count() - 1;
    } else if (strchr("vr", op)) {
        index = f[1].number;
        ok = index <= (op == 'v' ? (long long)COUNT_OF(levels) : (long long)COUNT_OF(results)) - 1;
    }
    if (!ok) return flow_refuse_button(h, "bad outcome data");
    account a;
    if (strchr("lnk", op) && !load_person(h, id, &a)) return flow_refuse_button(h, "not a participant of this curator");
    mb_status rc = reply_answer_button(h, NULL);
    if (rc) return rc;
    switch (op) {
    case 'l': return curator_outcomes_list(h, &a, NULL);
    case 'n': return ask_kind(h, &a);
    case 'k': return start_draft(h, &a, (int)index);
    case 'd': return delete_record(h, id, 0);
    case 'y': return delete_record(h, id, 1);
    case 's': return save(h);
    case 'x':
        cJSON_DeleteItemFromObject(h->data, "oc");
        if ((rc = ctx_set_state(h, ""))) return rc;
        return reply_text(h, T(h, "outcome.dropped"), NULL);
    default: break;
    }
    /* v, r: a level or a result for the draft, when its kind takes one */
    outcome o;
    unsigned need = op == 'v' ? OUTCOME_FIELD_LEVEL : OUTCOME_FIELD_RESULT;
    if (!draft_outcome(h, &o, &a) || !(outcome_kind_fields(o.kind) & need) ||
        (op == 'r' && !outcome_result_valid(o.kind, results[index])))
        return reply_text(h, T(h, "outcome.gone_person"), NULL);
    if ((rc = draft_set(h, op == 'v' ? "level" : "result", op == 'v' ? levels[index] : results[index], 0))) return rc;
    return ask_next(h);
}

/* A typed line for the draft: cleaned, 1..OUTCOME_TEXT_MAX characters. */
static mb_status take_text(hctx *h, const char *key, const char *text)
{
    char limit[16];
    snprintf(limit, sizeof limit, "%d", OUTCOME_TEXT_MAX);
    char *clean = text_clean_line(text, OUTCOME_TEXT_MAX + 1);
    if (!clean) return MB_ERR_NOMEM;
    mb_status rc;
    if (!clean[0]) rc = curator_send(h, TF(h, "outcome.text_empty", NULL), NULL);
    else if (text_codepoints(clean) > OUTCOME_TEXT_MAX) rc = curator_send(h, TF(h, "outcome.text_too_long", "limit", limit, NULL), NULL);
    else rc = (rc = draft_set(h, key, clean, 0)) ? rc : ask_next(h);
    free(clean);
    return rc;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\n' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '.' || s[n - 1] == '!')) s[--n] = 0;
    return s;
}

mb_status curator_outcomes_text(hctx *h, const char *text)
{
    outcome o;
    account a;
    mb_status rc;
    if (!draft_outcome(h, &o, &a)) {
        rc = ctx_set_state(h, "");
        return rc ? rc : reply_text(h, T(h, "outcome.gone_person"), NULL);
    }
    if (strcmp(h->state, STATE_SUBJECT) == 0) return take_text(h, "subject", text);
    if (strcmp(h->state, STATE_TITLE) == 0) return take_text(h, "title", text);
    if (strcmp(h->state, STATE_COUNT) == 0) {
        long n;
        char limit[16];
        snprintf(limit, sizeof limit, "%d", OUTCOME_COUNT_MAX);
        if (!typed_number_parse(text, &n) || n < 0 || n > OUTCOME_COUNT_MAX)
            return curator_send(h, TF(h, "outcome.bad_count", "limit", limit, NULL), NULL);
        return (rc = draft_set(h, "count", NULL, (double)n)) ? rc : ask_next(h);
    }
    /* the date: «сегодня» or a day as people write it, not in the future */
    int today = org_today(h, a.org_id), ymd = 0;
    char lower[TYPED_INPUT_MAX + 8];
    date_read d;
    if (typed_lower(text, lower, sizeof lower) && (strcmp(trim(lower), "сегодня") == 0 || strcmp(trim(lower), "today") == 0))
        ymd = today;
    else if (typed_date_parse(text, today, DATE_LEAN_PAST, &d) && d.precision == DATE_DAY)
        ymd = d.ymd;
    if (!ymd) return ask_date(h, &a, "outcome.bad_date");
    if (ymd > today) return ask_date(h, &a, "outcome.future_date");
    return (rc = draft_set(h, "date", NULL, ymd)) ? rc : ask_next(h);
}

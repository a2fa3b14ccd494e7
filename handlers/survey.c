/*
 * The request and competence surveys as a dialog: offered after
 * registration, started or resumed from the menu, one item at a time, each
 * answer stored as soon as it is given. The dialog state is "survey" with
 * {"run": id}; the run's position in the database is what a resume after
 * days (or a restart) reads. A poll wave's run (handlers/polls.h) is asked
 * the same way; finished, it goes back to the wave instead of the profile.
 */
#include "handlers/flows.h"
#include "handlers/payload.h"
#include "handlers/polls.h"
#include "handlers/survey.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/typed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SURVEY_STATE "survey"

static int is_participant(const hctx *h)
{
    return h->has_account && strcmp(h->acct.status, "active") == 0 && survey_key_for(&h->acct) != NULL;
}

int survey_in_progress(const hctx *h) { return h->has_account && strcmp(h->state, SURVEY_STATE) == 0; }

/* Parsed instruments by their stored text: a stored version never
 * changes, and parsing it again for every answer was a measurable share of
 * an update's time. The text itself is the key, so two databases in one
 * process (the tests) cannot mix theirs up. A handler uses one or two at
 * a time, far fewer than are kept. */
#define PARSED_KEEP 8
static struct {
    char *body;
    instrument *ins;
} parsed[PARSED_KEEP];
static int parsed_next;

static mb_status parse_shared(const char *body, const char *key, const instrument **out, char *err, size_t err_size)
{
    for (int i = 0; i < PARSED_KEEP; i++)
        if (parsed[i].body && strcmp(parsed[i].body, body) == 0) {
            *out = parsed[i].ins;
            return MB_OK;
        }
    instrument *ins = NULL;
    mb_status rc = instrument_parse(body, strlen(body), key, &ins, err, err_size);
    if (rc) return rc;
    char *copy = strdup(body);
    if (!copy) {
        instrument_free(ins);
        return MB_ERR_NOMEM;
    }
    int slot = parsed_next;
    parsed_next = (parsed_next + 1) % PARSED_KEEP;
    free(parsed[slot].body);
    instrument_free(parsed[slot].ins);
    parsed[slot].body = copy;
    parsed[slot].ins = ins;
    *out = ins;
    return MB_OK;
}

static void session_close(survey_session *s)
{
    cJSON_Delete(s->answers);
    memset(s, 0, sizeof *s);
}

/* Loads a run of the sender with its instrument version and answers. */
static mb_status session_open(hctx *h, int64_t run_id, survey_session *s)
{
    memset(s, 0, sizeof *s);
    mb_status rc = survey_run_load(h->d, run_id, &s->run);
    if (rc) return rc;
    if (s->run.account_id != h->acct.id) return MB_ERR_DENIED;
    char *body = NULL, key[INSTRUMENT_KEY_MAX + 1], err[512];
    if ((rc = survey_instrument_body(h->d, s->run.instrument_id, &body, key, sizeof key, &s->version))) return rc;
    rc = parse_shared(body, key, &s->ins, err, sizeof err);
    free(body);
    if (rc) return ctx_fail(h, rc, "stored instrument %lld does not parse", (long long)s->run.instrument_id);
    if (!(s->answers = survey_answers_load(h->d, run_id))) {
        session_close(s);
        return MB_ERR_DB;
    }
    return MB_OK;
}

static mb_status store_answer(hctx *h, survey_session *s, const char *item, const char *value)
{
    mb_status rc = survey_answer_store(h->d, s->run.id, item, value);
    if (rc) return rc;
    cJSON_DeleteItemFromObjectCaseSensitive(s->answers, item);
    return cJSON_AddStringToObject(s->answers, item, value) ? MB_OK : MB_ERR_NOMEM;
}

static mb_status drop_answer(hctx *h, survey_session *s, const char *item)
{
    cJSON_DeleteItemFromObjectCaseSensitive(s->answers, item);
    return survey_answer_delete(h->d, s->run.id, item);
}

/* Answers registration already gives (category, grade) are stored as the
 * run's own, so conditions and the profile see them. */
static mb_status store_prefills(hctx *h, survey_session *s)
{
    for (int i = 0; i < s->ins->nitems; i++) {
        const instrument_item *it = &s->ins->items[i];
        char value[64];
        mb_status rc;
        if (instrument_applies(it, s->answers) && survey_prefill(h, it, value, sizeof value) &&
            (rc = store_answer(h, s, it->id, value)))
            return rc;
    }
    return MB_OK;
}

/* The first item at or after from that this person is asked; -1 when none. */
static int next_shown(const hctx *h, const survey_session *s, int from)
{
    for (int i = from < 0 ? 0 : from; i < s->ins->nitems; i++)
        if (survey_item_shown(h, s, i)) return i;
    return -1;
}

static int current_index(const survey_session *s) { return instrument_item_index(s->ins, s->run.position); }

static mb_status set_dialog(hctx *h, int64_t run_id)
{
    cJSON_DeleteItemFromObject(h->data, "run");
    if (run_id && !cJSON_AddNumberToObject(h->data, "run", (double)run_id)) return MB_ERR_NOMEM;
    return ctx_set_state(h, run_id ? SURVEY_STATE : "");
}

static mb_status finish(hctx *h, survey_session *s)
{
    mb_status rc;
    /* Answers to items that no longer apply (an earlier answer changed) go. */
    for (int i = 0; i < s->ins->nitems; i++) {
        const instrument_item *it = &s->ins->items[i];
        if (cJSON_GetObjectItemCaseSensitive(s->answers, it->id) && !instrument_applies(it, s->answers) &&
            (rc = drop_answer(h, s, it->id)))
            return rc;
    }
    char actor[32], subject[40], detail[64];
    snprintf(actor, sizeof actor, "account:%lld", (long long)h->acct.id);
    snprintf(subject, sizeof subject, "survey_run:%lld", (long long)s->run.id);
    snprintf(detail, sizeof detail, "%s v%d", s->ins->key, s->version);
    if ((rc = survey_run_finish(h->d, s->run.id)) ||
        (!s->run.wave_id && (rc = survey_profile_write(h->d, h->acct.id, s->ins, s->answers))) ||
        (rc = audit_log(h->d, actor, "survey.finish", subject, detail)) || (rc = set_dialog(h, 0)))
        return rc;
    /* A poll's run feeds its wave, not the profile matching reads. */
    if (s->run.wave_id) return poll_run_finished(h, &s->run, s->ins, s->answers);
    char *text = TF(h, "survey.finished", "outro", s->ins->outro ? survey_text(h, s->ins->outro) : "",
                    NULL);
    if (!text) return MB_ERR_NOMEM;
    rc = reply_text(h, text, NULL);
    free(text);
    return rc;
}

/* Asks item index (or finishes when it is -1) and remembers it as the position. */
static mb_status ask(hctx *h, survey_session *s, int index, const char *notice)
{
    mb_status rc;
    if (index < 0 && notice && (rc = reply_text(h, notice, NULL))) return rc;
    if (index < 0) return finish(h, s);
    snprintf(s->run.position, sizeof s->run.position, "%s", s->ins->items[index].id);
    rc = survey_run_set_position(h->d, s->run.id, s->run.position);
    return rc ? rc : survey_item_show(h, s, index, 0, notice, NULL);
}

static mb_status advance(hctx *h, survey_session *s, const char *notice)
{
    int cur = current_index(s);
    return ask(h, s, next_shown(h, s, cur + 1), notice);
}

/* Picks up an open run where it stopped. */
static mb_status resume(hctx *h, survey_session *s, const char *notice_key)
{
    mb_status rc = set_dialog(h, s->run.id);
    if (rc) return rc;
    int cur = current_index(s);
    if (cur < 0 || !survey_item_shown(h, s, cur)) cur = next_shown(h, s, cur + 1);
    return ask(h, s, cur, notice_key ? T(h, notice_key) : NULL);
}

static mb_status start_new(hctx *h, const survey_run *previous)
{
    int64_t instrument_id, run_id;
    mb_status rc = survey_instrument_latest(h->d, survey_key_for(&h->acct), &instrument_id, NULL);
    if (rc == MB_ERR_NOT_FOUND) {
        log_warn("survey", "no instrument %s is loaded; account %lld cannot fill it in", survey_key_for(&h->acct),
                 (long long)h->acct.id);
        return reply_text(h, T(h, "survey.unavailable"), NULL);
    }
    if (rc || (rc = survey_run_start(h->d, h->acct.id, instrument_id, &run_id)) ||
        (previous && (rc = survey_answers_copy(h->d, previous->id, run_id))))
        return rc;
    survey_session s;
    if ((rc = session_open(h, run_id, &s))) return rc;
    /* Copied answers that the current version cannot take are dropped. */
    for (int i = 0; previous && !rc && i < s.ins->nitems; i++) {
        const instrument_item *it = &s.ins->items[i];
        const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s.answers, it->id));
        if (v && !instrument_value_valid(it, v)) rc = drop_answer(h, &s, it->id);
    }
    if (!rc) rc = store_prefills(h, &s);
    if (!rc && !previous && s.ins->intro) rc = reply_text(h, survey_text(h, s.ins->intro), NULL);
    if (!rc && previous) rc = reply_text(h, T(h, "survey.changing"), NULL);
    if (!rc) rc = set_dialog(h, run_id);
    if (!rc) rc = ask(h, &s, next_shown(h, &s, 0), NULL);
    session_close(&s);
    return rc;
}

mb_status survey_run_begin(hctx *h, int64_t instrument_id, int64_t wave_id, int64_t *run_id)
{
    survey_session s;
    mb_status rc = survey_run_start_wave(h->d, h->acct.id, instrument_id, wave_id, run_id);
    if (rc || (rc = session_open(h, *run_id, &s))) return rc;
    if (s.ins->intro) rc = reply_text(h, survey_text(h, s.ins->intro), NULL);
    if (!rc) rc = set_dialog(h, *run_id);
    if (!rc) rc = ask(h, &s, next_shown(h, &s, 0), NULL);
    session_close(&s);
    return rc;
}

mb_status survey_run_continue(hctx *h, int64_t run_id)
{
    survey_session s;
    mb_status rc = session_open(h, run_id, &s);
    if (rc) return rc;
    rc = strcmp(s.run.state, "open") == 0 ? resume(h, &s, "survey.resume_poll") : MB_ERR_NOT_FOUND;
    session_close(&s);
    return rc;
}

/* "Fill in" and "Continue": the open run if there is one, else a new one. */
static mb_status start_or_resume(hctx *h, int redo)
{
    survey_run open, done;
    mb_status rc = survey_run_latest(h->d, h->acct.id, "open", &open);
    if (rc == MB_OK) {
        survey_session s;
        if ((rc = session_open(h, open.id, &s))) return rc;
        rc = resume(h, &s, "survey.resume");
        session_close(&s);
        return rc;
    }
    if (rc != MB_ERR_NOT_FOUND) return rc;
    rc = survey_run_latest(h->d, h->acct.id, "done", &done);
    if (rc && rc != MB_ERR_NOT_FOUND) return rc;
    if (rc == MB_OK && !redo) return reply_text(h, T(h, "survey.already_done"), NULL);
    if (rc == MB_ERR_NOT_FOUND && redo) return flow_refuse_button(h, "no finished survey to change");
    return start_new(h, rc == MB_OK ? &done : NULL);
}

mb_status survey_on_text(hctx *h, const char *text, int *taken)
{
    *taken = 1;
    int64_t run_id = (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(h->data, "run"));
    survey_session s;
    mb_status rc = session_open(h, run_id, &s);
    if (rc == MB_ERR_NOT_FOUND || rc == MB_ERR_DENIED || (!rc && strcmp(s.run.state, "open") != 0)) {
        session_close(&s);
        if ((rc = set_dialog(h, 0))) return rc;
        *taken = 0;
        return MB_OK;
    }
    if (rc) return rc;
    int cur = current_index(&s);
    if (cur < 0) {
        rc = resume(h, &s, NULL);
        session_close(&s);
        return rc;
    }
    const instrument_item *it = &s.ins->items[cur];
    int today = typed_today(clock_now_ms());
    char value[INSTRUMENT_ANSWER_MAX];
    answer_problem problem = instrument_check_typed(it, text, today, value, sizeof value);
    if (problem) {
        char *why = survey_problem_text(h, it, problem);
        rc = why ? survey_item_show(h, &s, cur, 0, why, NULL) : MB_ERR_NOMEM;
        free(why);
    } else if (!(rc = store_answer(h, &s, it->id, value))) {
        char *echo = survey_typed_echo(h, it, text);
        rc = advance(h, &s, echo);
        free(echo);
    }
    session_close(&s);
    return rc;
}

mb_status survey_back(hctx *h)
{
    if (!survey_in_progress(h)) return reply_text(h, T(h, "survey.back_none"), NULL);
    int64_t run_id = (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(h->data, "run"));
    survey_session s;
    mb_status rc = session_open(h, run_id, &s);
    if (rc == MB_ERR_NOT_FOUND || rc == MB_ERR_DENIED || (!rc && strcmp(s.run.state, "open") != 0)) {
        session_close(&s);
        rc = set_dialog(h, 0);
        return rc ? rc : reply_text(h, T(h, "survey.back_none"), NULL);
    }
    if (rc) return rc;
    int cur = current_index(&s), prev = -1;
    for (int i = (cur < 0 ? s.ins->nitems : cur) - 1; i >= 0 && prev < 0; i--)
        if (survey_item_shown(h, &s, i) && cJSON_GetObjectItemCaseSensitive(s.answers, s.ins->items[i].id)) prev = i;
    if (prev < 0) rc = cur < 0 ? resume(h, &s, NULL) : survey_item_show(h, &s, cur, 0, T(h, "survey.back_first"), NULL);
    else rc = ask(h, &s, prev, NULL);
    session_close(&s);
    return rc;
}

/* A press on the item being asked: RUN:ITEM:OP[:VALUE], each operation
 * with the value it takes, as routes.c declares them; a scale's or a
 * number's value comes as a number, a choice's as its code. */
static mb_status on_item_button(hctx *h, const payload_field *f, int n)
{
    long long run_id = f[0].number;
    const char *item = f[1].word, *op = f[2].word, *value = n == 4 ? f[3].word : NULL;
    survey_session s;
    mb_status rc = session_open(h, run_id, &s);
    if (rc == MB_ERR_NOT_FOUND || rc == MB_ERR_DENIED) {
        session_close(&s);
        return flow_refuse_button(h, "survey run of someone else or unknown");
    }
    if (rc) return rc;
    int cur = current_index(&s);
    const instrument_item *it = cur >= 0 ? &s.ins->items[cur] : NULL;
    const char *current = it ? cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s.answers, it->id)) : NULL;
    int choice = it && value ? instrument_choice_index(it, value) : -1;
    long long number = f[3].number, page = number;
    int number_ok = it && n == 4 && f[3].most && number >= it->least && number <= it->most;
    const char *why = NULL;
    if (strcmp(s.run.state, "open") != 0) why = "survey run is finished";
    else if (!it || strcmp(it->id, item) != 0) why = "not the item being asked";
    else if (strcmp(op, "c") == 0 && !(it->type == ITEM_SINGLE ? choice >= 0
                                       : (it->type == ITEM_SCALE || it->type == ITEM_NUMBER) && number_ok))
        why = "value not offered";
    else if ((strcmp(op, "t") == 0 && (it->type != ITEM_MULTIPLE || choice < 0)) ||
             (strcmp(op, "d") == 0 && it->type != ITEM_MULTIPLE) || (strcmp(op, "k") == 0 && !current) ||
             (strcmp(op, "x") == 0 && !it->optional))
        why = "operation does not fit the item";
    else if (strcmp(op, "p") == 0 && ((it->type != ITEM_SINGLE && it->type != ITEM_MULTIPLE) ||
                                      page > INSTRUMENT_CHOICES_MAX || page * survey_page_size(h) >= it->nchoices))
        why = "no such page";
    if (why) {
        session_close(&s);
        return flow_refuse_button(h, why);
    }
    if ((rc = reply_answer_button(h, NULL)) || (!survey_in_progress(h) && (rc = set_dialog(h, s.run.id)))) goto out;
    switch (op[0]) {
    case 'c':
        if (!(rc = store_answer(h, &s, it->id, value))) rc = advance(h, &s, NULL);
        break;
    case 't': {
        cJSON *arr = current ? cJSON_Parse(current) : NULL;
        if (!cJSON_IsArray(arr)) { cJSON_Delete(arr); arr = cJSON_CreateArray(); }
        int found = -1, k = 0;
        cJSON *v;
        cJSON_ArrayForEach(v, arr) { if (strcmp(cJSON_GetStringValue(v), value) == 0) found = k; k++; }
        if (found >= 0) cJSON_DeleteItemFromArray(arr, found);
        else cJSON_AddItemToArray(arr, cJSON_CreateString(value));
        char *json = cJSON_PrintUnformatted(arr);
        cJSON_Delete(arr);
        if (!json) { rc = MB_ERR_NOMEM; break; }
        rc = strcmp(json, "[]") == 0 ? drop_answer(h, &s, it->id) : store_answer(h, &s, it->id, json);
        free(json);
        if (!rc) rc = survey_item_show(h, &s, cur, choice / survey_page_size(h), NULL, h->ev->button_message);
        break;
    }
    case 'd': {
        cJSON *arr = current ? cJSON_Parse(current) : NULL;
        int chosen = cJSON_GetArraySize(arr);
        cJSON_Delete(arr);
        if (chosen >= it->least && (chosen > 0 || it->optional)) { rc = advance(h, &s, NULL); break; }
        char *more = i18n_plural(h->env->texts, h->lang, "survey.choose_more", it->least > 0 ? it->least : 1, NULL);
        rc = more ? survey_item_show(h, &s, cur, 0, more, NULL) : MB_ERR_NOMEM;
        free(more);
        break;
    }
    case 'p':
        rc = survey_item_show(h, &s, cur, (int)page, NULL, h->ev->button_message);
        break;
    case 'k':
        rc = advance(h, &s, NULL);
        break;
    case 'x':
        if (!(rc = drop_answer(h, &s, it->id))) rc = advance(h, &s, NULL);
        break;
    }
out:
    session_close(&s);
    return rc;
}

mb_status survey_on_button(hctx *h, const char *action, const payload_field *f, int n)
{
    (void)action;
    const char *arg = n == 1 ? f[0].word : "";   /* an offer's word, or an item's fields (routes.c) */
    /* An answer of a poll may come from anyone a wave asked (a curator, a
     * teacher): on_item_button checks that the run is the sender's own. */
    int offer = strcmp(arg, "start") == 0 || strcmp(arg, "redo") == 0 || strcmp(arg, "later") == 0;
    /* An answer button of a survey the person left with /cancel (or that
     * moved on) must not resume it silently; the offer buttons may. */
    if (!offer && !survey_in_progress(h)) return flow_refuse_button(h, "survey answer outside the survey");
    if (offer ? !is_participant(h) : !h->has_account || strcmp(h->acct.status, "active") != 0)
        return flow_refuse_button(h, "survey button from someone who fills in no survey");
    mb_status rc;
    if (strcmp(arg, "start") == 0 || strcmp(arg, "redo") == 0) {
        if ((rc = reply_answer_button(h, NULL))) return rc;
        return start_or_resume(h, arg[0] == 'r');
    }
    if (strcmp(arg, "later") == 0) {
        if ((rc = reply_answer_button(h, NULL))) return rc;
        return reply_text(h, T(h, "survey.later_ok"), NULL);
    }
    return on_item_button(h, f, n);
}

mb_status survey_after_registration(hctx *h)
{
    if (!is_participant(h)) return MB_OK;
    const char *key = survey_key_for(&h->acct);
    int64_t id;
    mb_status rc = survey_instrument_latest(h->d, key, &id, NULL);
    if (rc == MB_ERR_NOT_FOUND) {
        log_warn("survey", "no instrument %s is loaded; nothing offered to account %lld", key, (long long)h->acct.id);
        return MB_OK;
    }
    char *body = NULL, err[256];
    const instrument *ins = NULL;
    if (rc || (rc = survey_instrument_body(h->d, id, &body, NULL, 0, NULL))) return rc;
    rc = parse_shared(body, key, &ins, err, sizeof err);
    free(body);
    if (rc) return ctx_fail(h, rc, "stored instrument %s does not parse", key);
    char *text = TF(h, "survey.offer", "title", instrument_text(ins->title, h->lang), NULL);
    if (!text) return MB_ERR_NOMEM;
    keyboard kb = {0};
    kb_button(&kb, T(h, "survey.start"), "sv:start");
    kb_button(&kb, T(h, "survey.later"), "sv:later");
    rc = reply_text(h, text, &kb);
    kb_free(&kb);
    free(text);
    return rc;
}

void survey_menu_items(hctx *h, keyboard *kb)
{
    if (!is_participant(h) || survey_instrument_latest(h->d, survey_key_for(&h->acct), NULL, NULL)) return;
    survey_run run;
    const char *label = "survey.menu_fill", *data = "sv:start";
    if (survey_run_latest(h->d, h->acct.id, "open", &run) == MB_OK) label = "survey.menu_continue";
    else if (survey_run_latest(h->d, h->acct.id, "done", &run) == MB_OK) label = "survey.menu_change", data = "sv:redo";
    kb_row(kb);
    kb_button(kb, T(h, label), data);
}

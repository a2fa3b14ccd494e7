/*
 * How each item type is shown: the question with its progress and hint,
 * choices as buttons (paged when long, marked ✓ when chosen), the current
 * answer when an item is asked again, and the re-ask for a typed answer
 * that does not fit.
 */
#include "handlers/survey.h"
#include "util/clock.h"
#include "util/strbuf.h"
#include "util/typed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SCALE_ROW 6            /* scale buttons in one row */
#define NUMBER_BUTTONS_MAX 10  /* a number range this short gets buttons */
#define MARK "✓ "

int survey_prefill(const hctx *h, const instrument_item *it, char *buf, size_t size)
{
    if (!it->prefill || !h->has_account) return 0;
    if (strcmp(it->prefill, "account.category") == 0) snprintf(buf, size, "%s", h->acct.category);
    else if (strcmp(it->prefill, "account.grade") == 0 && h->acct.grade > 0) snprintf(buf, size, "%d", h->acct.grade);
    else return 0;
    return instrument_value_valid(it, buf);
}

int survey_item_shown(const hctx *h, const survey_session *s, int index)
{
    const instrument_item *it = &s->ins->items[index];
    char known[64];
    return instrument_applies(it, s->answers) && !survey_prefill(h, it, known, sizeof known);
}

static const char *answer_of(const survey_session *s, const instrument_item *it)
{
    return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(s->answers, it->id));
}

/* "sv:RUN:ITEM:OP[:ARG]" */
static void item_data(char *buf, size_t size, const survey_session *s, const instrument_item *it, const char *op,
                      const char *arg)
{
    snprintf(buf, size, "sv:%lld:%s:%s%s%s", (long long)s->run.id, it->id, op, arg ? ":" : "", arg ? arg : "");
}

const char *survey_text(const hctx *h, const cJSON *t)
{
    int pupil = h->has_account && strcmp(h->acct.category, "pupil") == 0;
    return instrument_text_variant(t, h->lang, pupil ? "pupil" : NULL);
}

int survey_page_size(const hctx *h)
{
    int room = (int)platform_caps_for(h->ev->platform)->buttons_limit - 3;
    return room < 2 ? 2 : room < SURVEY_PAGE_SIZE ? room : SURVEY_PAGE_SIZE;
}

static void choice_buttons(hctx *h, keyboard *kb, const survey_session *s, const instrument_item *it, int page)
{
    const char *answer = answer_of(s, it);
    int size = survey_page_size(h), pages = (it->nchoices + size - 1) / size;
    if (page < 0 || page >= pages) page = 0;
    int first = pages > 1 ? page * size : 0, last = pages > 1 ? first + size : it->nchoices;
    if (last > it->nchoices) last = it->nchoices;
    for (int i = first; i < last; i++) {
        const instrument_choice *c = &it->choices[i];
        int chosen = answer && (it->type == ITEM_MULTIPLE ? instrument_answer_has(answer, c->value)
                                                          : strcmp(answer, c->value) == 0);
        char label[4 * INSTRUMENT_LABEL_MAX + 8], data[EVENT_BUTTON_DATA_MAX + 8];
        snprintf(label, sizeof label, "%s%s", chosen ? MARK : "", instrument_text(c->text, h->lang));
        item_data(data, sizeof data, s, it, it->type == ITEM_MULTIPLE ? "t" : "c", c->value);
        kb_row(kb);
        kb_button(kb, label, data);
    }
    if (pages > 1) {
        char data[EVENT_BUTTON_DATA_MAX + 8], arg[16];
        kb_row(kb);
        if (page > 0) {
            snprintf(arg, sizeof arg, "%d", page - 1);
            item_data(data, sizeof data, s, it, "p", arg);
            kb_button(kb, T(h, "survey.page_prev"), data);
        }
        if (page < pages - 1) {
            snprintf(arg, sizeof arg, "%d", page + 1);
            item_data(data, sizeof data, s, it, "p", arg);
            kb_button(kb, T(h, "survey.page_next"), data);
        }
    }
    if (it->type == ITEM_MULTIPLE) {
        char data[EVENT_BUTTON_DATA_MAX + 8];
        item_data(data, sizeof data, s, it, "d", NULL);
        kb_row(kb);
        kb_button(kb, T(h, "survey.done"), data);
    }
}

static void number_buttons(keyboard *kb, const survey_session *s, const instrument_item *it)
{
    const char *answer = answer_of(s, it);
    for (int v = it->least, k = 0; v <= it->most; v++, k++) {
        char label[24], value[16], data[EVENT_BUTTON_DATA_MAX + 8];
        snprintf(value, sizeof value, "%d", v);
        snprintf(label, sizeof label, "%s%d", answer && strcmp(answer, value) == 0 ? MARK : "", v);
        item_data(data, sizeof data, s, it, "c", value);
        if (k % SCALE_ROW == 0) kb_row(kb);
        kb_button(kb, label, data);
    }
}

/* The hint under a question: how to answer this type. */
static void append_hint(hctx *h, strbuf *sb, const instrument_item *it)
{
    char min[16], limit[16];
    snprintf(min, sizeof min, "%d", it->least);
    snprintf(limit, sizeof limit, "%d", it->most);
    char *hint = NULL;
    switch (it->type) {
    case ITEM_SINGLE:
        return;
    case ITEM_MULTIPLE:
        hint = TF(h, "survey.hint_multiple", NULL);
        break;
    case ITEM_SCALE:
        if (it->low_label && it->high_label)
            hint = TF(h, "survey.hint_scale", "min", min, "limit", limit, "low_label",
                      instrument_text(it->low_label, h->lang), "high_label", instrument_text(it->high_label, h->lang),
                      NULL);
        else
            hint = TF(h, "survey.hint_number", "min", min, "limit", limit, NULL);
        break;
    case ITEM_NUMBER:
        hint = TF(h, "survey.hint_number", "min", min, "limit", limit, NULL);
        break;
    case ITEM_DATE: {
        char example[16];
        typed_date_example(typed_today(clock_now_ms()), it->past ? DATE_LEAN_PAST : DATE_LEAN_FUTURE, example,
                           sizeof example);
        hint = TF(h, "survey.hint_date", "example", example, NULL);
        break;
    }
    case ITEM_TEXT: {
        char chars[16];
        snprintf(chars, sizeof chars, "%d", it->chars_limit);
        hint = TF(h, "survey.hint_text", "limit", chars, NULL);
        break;
    }
    }
    if (hint) sb_printf(sb, "\n\n%s", hint);
    free(hint);
}

/* How a stored typed answer reads back: dates as DD.MM.YYYY. */
static void format_answer(const instrument_item *it, const char *answer, char *buf, size_t size)
{
    int y, m, d;
    if (it->type == ITEM_DATE && sscanf(answer, "%d-%d-%d", &y, &m, &d) == 3)
        snprintf(buf, size, "%02d.%02d.%04d", d, m, y);
    else
        snprintf(buf, size, "%s", answer);
}

/*
 * "Question N of M": M counts the questions that can still be asked given
 * the answers so far (a follow-up whose deciding answer is not given yet
 * counts), so M never grows as the survey goes on and only shrinks when an
 * answer closes a follow-up; N counts the questions asked before this one.
 */
static void possible_items(const hctx *h, const survey_session *s, int cur, char *possible)
{
    for (int i = 0; i < s->ins->nitems; i++) {
        const instrument_item *it = &s->ins->items[i];
        char known[64];
        int t = it->when == WHEN_ALWAYS ? -1 : instrument_item_index(s->ins, it->when_item);
        if (survey_prefill(h, it, known, sizeof known)) possible[i] = 0;
        else if (t < 0 || cJSON_GetObjectItemCaseSensitive(s->answers, it->when_item))
            possible[i] = (char)instrument_applies(it, s->answers);
        else possible[i] = (char)(t >= cur && possible[t]);
    }
}

static void progress_numbers(const hctx *h, const survey_session *s, int index, int *n, int *total)
{
    char possible[INSTRUMENT_ITEMS_MAX];
    possible_items(h, s, index, possible);
    *n = 1, *total = 0;
    for (int i = 0; i < s->ins->nitems; i++) {
        *total += possible[i];
        if (i < index) *n += possible[i];
    }
    if (*total < *n) *total = *n;
}

mb_status survey_item_show(hctx *h, const survey_session *s, int index, int page, const char *notice,
                           const char *edit_message)
{
    const instrument_item *it = &s->ins->items[index];
    const char *answer = answer_of(s, it);
    strbuf sb;
    sb_init(&sb, 0);
    if (notice) sb_printf(&sb, "%s\n\n", notice);
    char n[16], total[16];
    int number, count;
    progress_numbers(h, s, index, &number, &count);
    snprintf(n, sizeof n, "%d", number);
    snprintf(total, sizeof total, "%d", count);
    char *progress = TF(h, "survey.progress", "n", n, "total", total, NULL);
    sb_printf(&sb, "%s\n%s", progress ? progress : "", survey_text(h, it->text));
    free(progress);
    append_hint(h, &sb, it);

    keyboard kb = {0};
    int typed = it->type == ITEM_NUMBER || it->type == ITEM_DATE || it->type == ITEM_TEXT;
    if (it->type == ITEM_SINGLE || it->type == ITEM_MULTIPLE) choice_buttons(h, &kb, s, it, page);
    else if (it->type == ITEM_SCALE || (it->type == ITEM_NUMBER && it->most - it->least < NUMBER_BUTTONS_MAX))
        number_buttons(&kb, s, it);
    char data[EVENT_BUTTON_DATA_MAX + 8];
    if (typed && answer) {
        char shown[INSTRUMENT_ANSWER_MAX];
        format_answer(it, answer, shown, sizeof shown);
        char *current = TF(h, "survey.current", "value", shown, NULL);
        if (current) sb_printf(&sb, "\n\n%s", current);
        free(current);
        item_data(data, sizeof data, s, it, "k", NULL);
        kb_row(&kb);
        kb_button(&kb, T(h, "survey.keep"), data);
    }
    if (it->optional && it->type != ITEM_MULTIPLE) {
        item_data(data, sizeof data, s, it, "x", NULL);
        kb_row(&kb);
        kb_button(&kb, T(h, "survey.skip"), data);
    }
    mb_status rc = sb.failed ? MB_ERR_NOMEM
                   : edit_message && *edit_message ? reply_edit(h, edit_message, sb_str(&sb), &kb)
                                     : reply_text(h, sb_str(&sb), &kb);
    kb_free(&kb);
    sb_free(&sb);
    return rc;
}

char *survey_problem_text(hctx *h, const instrument_item *it, answer_problem problem)
{
    char min[16], limit[16];
    snprintf(min, sizeof min, "%d", it->least);
    snprintf(limit, sizeof limit, "%d", it->type == ITEM_TEXT ? it->chars_limit : it->most);
    switch (problem) {
    case ANSWER_NOT_NUMBER: return TF(h, "survey.bad_number", "min", min, "limit", limit, NULL);
    case ANSWER_PAST_DATE: return TF(h, "survey.past_date", NULL);
    case ANSWER_OUT_OF_RANGE: return TF(h, "survey.out_of_range", "min", min, "limit", limit, NULL);
    case ANSWER_BAD_DATE: {
        char example[16];
        typed_date_example(typed_today(clock_now_ms()), it->past ? DATE_LEAN_PAST : DATE_LEAN_FUTURE, example,
                           sizeof example);
        return TF(h, "survey.bad_date", "example", example, NULL);
    }
    case ANSWER_FUTURE_DATE: return TF(h, "survey.future_date", NULL);
    case ANSWER_EMPTY: return TF(h, "survey.empty", NULL);
    case ANSWER_TOO_LONG: return TF(h, "survey.too_long", "limit", limit, NULL);
    case ANSWER_USE_BUTTONS:
    case ANSWER_OK: break;
    }
    return TF(h, "survey.use_buttons", NULL);
}

char *survey_typed_echo(hctx *h, const instrument_item *it, const char *typed)
{
    date_read d;
    if (it->type != ITEM_DATE ||
        !typed_date_parse(typed, typed_today(clock_now_ms()), it->past ? DATE_LEAN_PAST : DATE_LEAN_FUTURE, &d))
        return NULL;
    char shown[64];
    typed_date_format(&d, h->lang, shown, sizeof shown);
    return TF(h, "survey.date_noted", "date", shown, NULL);
}

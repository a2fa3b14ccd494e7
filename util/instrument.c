#include "util/instrument.h"
#include "util/json.h"
#include "util/text.h"
#include "util/typed.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const type_names[] = {"single", "multiple", "scale", "number", "date", "text"};
static const char *const prefills[] = {"account.category", "account.grade"};

/* Parsing state: where we are, for error lines. */
typedef struct parser {
    const char *file;
    const char *item;   /* id of the item being read, NULL at the top */
    char *err;
    size_t err_size;
} parser;

static mb_status fail(parser *p, mb_status rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static mb_status fail(parser *p, mb_status rc, const char *fmt, ...)
{
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (p->err && p->err_size) {
        if (p->item) snprintf(p->err, p->err_size, "%s: item \"%s\": %s", p->file, p->item, what);
        else snprintf(p->err, p->err_size, "%s: %s", p->file, what);
    }
    return rc;
}

/* Ids and values are short lower-case codes: they travel in button data. */
static int is_code(const char *s, size_t max)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > max) return 0;
    for (size_t i = 0; i < n; i++)
        if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '_')) return 0;
    return 1;
}

/* A text object needs Russian (the default language) and may carry others. */
static mb_status check_text(parser *p, const cJSON *t, const char *field, size_t max_chars)
{
    if (!cJSON_IsObject(t)) return fail(p, MB_ERR_INVALID, "\"%s\" must be an object {\"ru\": ..., \"en\": ...}", field);
    const char *ru = json_str(t, "ru");
    if (!ru || !*ru) return fail(p, MB_ERR_INVALID, "\"%s\" has no Russian text (\"ru\")", field);
    const cJSON *lang;
    cJSON_ArrayForEach(lang, t) {
        if (!cJSON_IsString(lang)) return fail(p, MB_ERR_INVALID, "\"%s\".%s is not a string", field, lang->string);
        if (!text_utf8_valid(lang->valuestring, strlen(lang->valuestring)))
            return fail(p, MB_ERR_INVALID, "\"%s\".%s is not valid UTF-8", field, lang->string);
        if (text_codepoints(lang->valuestring) > max_chars)
            return fail(p, MB_ERR_LIMIT, "\"%s\".%s is over %zu characters", field, lang->string, max_chars);
    }
    return MB_OK;
}

static mb_status read_int(parser *p, const cJSON *obj, const char *field, int required, int fallback, int *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, field);
    if (!v) {
        if (required) return fail(p, MB_ERR_INVALID, "\"%s\" is missing", field);
        *out = fallback;
        return MB_OK;
    }
    double d = cJSON_GetNumberValue(v);
    if (!cJSON_IsNumber(v) || d != (double)(long long)d || d < -INSTRUMENT_NUMBER_LIMIT || d > INSTRUMENT_NUMBER_LIMIT)
        return fail(p, MB_ERR_INVALID, "\"%s\" must be a whole number within ±%d", field, INSTRUMENT_NUMBER_LIMIT);
    *out = (int)d;
    return MB_OK;
}

static mb_status read_choices(parser *p, const cJSON *obj, instrument_item *it)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(obj, "choices");
    int n = cJSON_GetArraySize(arr);
    if (!cJSON_IsArray(arr) || n < 2) return fail(p, MB_ERR_INVALID, "\"choices\" must list at least 2 choices");
    if (n > INSTRUMENT_CHOICES_MAX) return fail(p, MB_ERR_LIMIT, "more than %d choices", INSTRUMENT_CHOICES_MAX);
    it->choices = calloc((size_t)n, sizeof *it->choices);
    if (!it->choices) return MB_ERR_NOMEM;
    const cJSON *c;
    cJSON_ArrayForEach(c, arr) {
        const char *value = json_str(c, "value");
        if (!value) return fail(p, MB_ERR_INVALID, "choice %d has no \"value\"", it->nchoices + 1);
        if (!is_code(value, INSTRUMENT_VALUE_MAX))
            return fail(p, MB_ERR_INVALID, "choice value \"%s\" must be 1-%d characters of a-z, 0-9 and _", value,
                        INSTRUMENT_VALUE_MAX);
        if (instrument_choice_index(it, value) >= 0)
            return fail(p, MB_ERR_INVALID, "choice value \"%s\" appears twice", value);
        char field[64];
        snprintf(field, sizeof field, "choices[%s].text", value);
        mb_status rc = check_text(p, cJSON_GetObjectItemCaseSensitive(c, "text"), field, INSTRUMENT_LABEL_MAX);
        if (rc) return rc;
        it->choices[it->nchoices].value = value;
        it->choices[it->nchoices].text = cJSON_GetObjectItemCaseSensitive(c, "text");
        it->nchoices++;
    }
    return MB_OK;
}

static mb_status check_when_value(parser *p, const instrument_item *target, const char *value)
{
    if (!value) return fail(p, MB_ERR_INVALID, "\"when\" values must be strings");
    if ((target->type == ITEM_SINGLE || target->type == ITEM_MULTIPLE) && instrument_choice_index(target, value) < 0)
        return fail(p, MB_ERR_INVALID, "\"when\" value \"%s\" is not a choice of \"%s\"", value, target->id);
    return MB_OK;
}

/* A condition may only look back: at an earlier item, and at a value it can take. */
static mb_status read_when(parser *p, const instrument *ins, int index, const cJSON *obj, instrument_item *it)
{
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(obj, "when");
    if (!w) return MB_OK;
    const char *target = json_str(w, "item");
    if (!cJSON_IsObject(w) || !target) return fail(p, MB_ERR_INVALID, "\"when\" must name an \"item\"");
    int t = instrument_item_index(ins, target);
    if (t < 0 || t >= index) return fail(p, MB_ERR_INVALID, "\"when\" refers to \"%s\", which is not an earlier item", target);
    const instrument_item *ti = &ins->items[t];
    it->when_item = target;
    const cJSON *equals = cJSON_GetObjectItemCaseSensitive(w, "equals");
    const cJSON *has = cJSON_GetObjectItemCaseSensitive(w, "has");
    const cJSON *in = cJSON_GetObjectItemCaseSensitive(w, "in");
    if ((equals != NULL) + (has != NULL) + (in != NULL) != 1)
        return fail(p, MB_ERR_INVALID, "\"when\" needs exactly one of \"equals\", \"has\", \"in\"");
    if (has) {
        if (ti->type != ITEM_MULTIPLE) return fail(p, MB_ERR_INVALID, "\"when\".has needs a multiple-choice item");
        it->when = WHEN_HAS;
        it->when_value = cJSON_GetStringValue(has);
    } else if (equals) {
        it->when = WHEN_EQUALS;
        it->when_value = cJSON_GetStringValue(equals);
    } else {
        if (!cJSON_IsArray(in) || cJSON_GetArraySize(in) == 0)
            return fail(p, MB_ERR_INVALID, "\"when\".in must be a list of values");
        it->when = WHEN_IN;
        it->when_values = in;
    }
    if (it->when != WHEN_IN) return check_when_value(p, ti, it->when_value);
    const cJSON *v;
    mb_status rc;
    cJSON_ArrayForEach(v, in) if ((rc = check_when_value(p, ti, cJSON_GetStringValue(v)))) return rc;
    return MB_OK;
}

static mb_status read_item(parser *p, instrument *ins, int index, const cJSON *obj)
{
    instrument_item *it = &ins->items[index];
    const char *id = json_str(obj, "id");
    p->item = NULL;
    if (!cJSON_IsObject(obj) || !id) return fail(p, MB_ERR_INVALID, "item %d has no \"id\"", index + 1);
    p->item = id;
    it->id = id;
    if (!is_code(id, INSTRUMENT_ITEM_ID_MAX))
        return fail(p, MB_ERR_INVALID, "the id must be 1-%d characters of a-z, 0-9 and _", INSTRUMENT_ITEM_ID_MAX);
    if (instrument_item_index(ins, id) >= 0) return fail(p, MB_ERR_INVALID, "the id is used twice");
    const char *type = json_str(obj, "type");
    int t = -1;
    for (int i = 0; type && i < (int)(sizeof type_names / sizeof type_names[0]); i++)
        if (strcmp(type, type_names[i]) == 0) t = i;
    if (t < 0)
        return fail(p, MB_ERR_INVALID, "unknown \"type\" \"%s\" (single, multiple, scale, number, date, text)",
                    type ? type : "");
    it->type = (item_type)t;
    mb_status rc = check_text(p, cJSON_GetObjectItemCaseSensitive(obj, "text"), "text", INSTRUMENT_TEXT_MAX);
    if (rc) return rc;
    it->text = cJSON_GetObjectItemCaseSensitive(obj, "text");
    it->optional = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, "optional"));
    it->past = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, "past"));
    it->future = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, "future"));
    if (it->past && it->future) return fail(p, MB_ERR_INVALID, "a date cannot be both \"past\" and \"future\"");
    it->profile = json_str(obj, "profile");
    it->prefill = json_str(obj, "prefill");
    if (it->prefill) {
        int known = 0;
        for (size_t i = 0; i < sizeof prefills / sizeof prefills[0]; i++) known |= strcmp(it->prefill, prefills[i]) == 0;
        if (!known) return fail(p, MB_ERR_INVALID, "unknown \"prefill\" \"%s\" (account.category, account.grade)", it->prefill);
    }
    switch (it->type) {
    case ITEM_SINGLE:
    case ITEM_MULTIPLE:
        if ((rc = read_choices(p, obj, it))) return rc;
        if ((rc = read_int(p, obj, "min", 0, it->type == ITEM_MULTIPLE && !it->optional, &it->least))) return rc;
        if (it->type == ITEM_MULTIPLE && (it->least < 0 || it->least > it->nchoices))
            return fail(p, MB_ERR_INVALID, "\"min\" selections must be 0..%d", it->nchoices);
        break;
    case ITEM_SCALE:
    case ITEM_NUMBER:
        if ((rc = read_int(p, obj, "min", 1, 0, &it->least)) || (rc = read_int(p, obj, "max", 1, 0, &it->most))) return rc;
        if (it->least >= it->most) return fail(p, MB_ERR_INVALID, "\"min\" must be below \"max\"");
        if (it->type == ITEM_SCALE && it->most - it->least + 1 > INSTRUMENT_SCALE_STEPS_MAX)
            return fail(p, MB_ERR_LIMIT, "a scale has at most %d steps", INSTRUMENT_SCALE_STEPS_MAX);
        if (it->type == ITEM_SCALE) {
            it->low_label = cJSON_GetObjectItemCaseSensitive(obj, "min_label");
            it->high_label = cJSON_GetObjectItemCaseSensitive(obj, "max_label");
            if ((it->low_label && (rc = check_text(p, it->low_label, "min_label", INSTRUMENT_LABEL_MAX))) ||
                (it->high_label && (rc = check_text(p, it->high_label, "max_label", INSTRUMENT_LABEL_MAX))))
                return rc;
        }
        break;
    case ITEM_TEXT:
        if ((rc = read_int(p, obj, "max_chars", 1, 0, &it->chars_limit))) return rc;
        if (it->chars_limit < 1 || it->chars_limit > INSTRUMENT_SHORT_TEXT_MAX)
            return fail(p, MB_ERR_INVALID, "\"max_chars\" must be 1..%d", INSTRUMENT_SHORT_TEXT_MAX);
        break;
    case ITEM_DATE:
        break;
    }
    it->satisfaction = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(obj, "satisfaction"));
    if (it->satisfaction && it->type != ITEM_SCALE)
        return fail(p, MB_ERR_INVALID, "only a scale can count in \"satisfaction\"");
    if (it->prefill && strcmp(it->prefill, "account.category") == 0 && it->type != ITEM_SINGLE)
        return fail(p, MB_ERR_INVALID, "\"prefill\" account.category needs a single-choice item");
    return read_when(p, ins, index, obj, it);
}

mb_status instrument_parse(const char *body, size_t len, const char *file, instrument **out, char *err,
                           size_t err_size)
{
    parser p = {file ? file : "instrument", NULL, err, err_size};
    *out = NULL;
    if (len > INSTRUMENT_BODY_MAX) return fail(&p, MB_ERR_LIMIT, "over %d bytes", INSTRUMENT_BODY_MAX);
    const char *why = NULL;
    cJSON *root = json_parse_limited(body, len, INSTRUMENT_BODY_MAX, &why);
    if (!root) return fail(&p, MB_ERR_PARSE, "not valid JSON (%s)", why ? why : "malformed");
    instrument *ins = calloc(1, sizeof *ins);
    if (!ins) {
        cJSON_Delete(root);
        return MB_ERR_NOMEM;
    }
    ins->root = root;
    mb_status rc = MB_OK;
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "items");
    int n = cJSON_GetArraySize(items);
    ins->key = json_str(root, "key");
    if (!cJSON_IsObject(root)) { rc = fail(&p, MB_ERR_INVALID, "the file must hold one JSON object"); goto out; }
    if (!is_code(ins->key, INSTRUMENT_KEY_MAX)) {
        rc = fail(&p, MB_ERR_INVALID, "\"key\" must be 1-%d characters of a-z, 0-9 and _", INSTRUMENT_KEY_MAX);
        goto out;
    }
    ins->title = cJSON_GetObjectItemCaseSensitive(root, "title");
    ins->intro = cJSON_GetObjectItemCaseSensitive(root, "intro");
    ins->outro = cJSON_GetObjectItemCaseSensitive(root, "outro");
    ins->forms = cJSON_GetObjectItemCaseSensitive(root, "forms");
    if ((rc = check_text(&p, ins->title, "title", INSTRUMENT_TITLE_MAX)) ||
        (ins->intro && (rc = check_text(&p, ins->intro, "intro", INSTRUMENT_TEXT_MAX))) ||
        (ins->outro && (rc = check_text(&p, ins->outro, "outro", INSTRUMENT_TEXT_MAX))))
        goto out;
    if (ins->forms && !cJSON_IsArray(ins->forms)) { rc = fail(&p, MB_ERR_INVALID, "\"forms\" must be a list"); goto out; }
    if (!cJSON_IsArray(items) || n == 0) { rc = fail(&p, MB_ERR_INVALID, "\"items\" must be a non-empty list"); goto out; }
    if (n > INSTRUMENT_ITEMS_MAX) { rc = fail(&p, MB_ERR_LIMIT, "more than %d items", INSTRUMENT_ITEMS_MAX); goto out; }
    if (!(ins->items = calloc((size_t)n, sizeof *ins->items))) { rc = MB_ERR_NOMEM; goto out; }
    ins->items_alloc = n;
    const cJSON *obj;
    cJSON_ArrayForEach(obj, items) {
        if ((rc = read_item(&p, ins, ins->nitems, obj))) goto out;
        ins->nitems++;
    }
out:
    if (rc) instrument_free(ins);
    else *out = ins;
    return rc;
}

void instrument_free(instrument *ins)
{
    if (!ins) return;
    for (int i = 0; ins->items && i < ins->items_alloc; i++) free(ins->items[i].choices);
    free(ins->items);
    cJSON_Delete(ins->root);
    free(ins);
}

const char *instrument_text(const cJSON *t, const char *lang)
{
    const char *s = lang ? json_str(t, lang) : NULL;
    if (!s || !*s) s = json_str(t, "ru");
    if (!s && t && t->child) s = cJSON_GetStringValue(t->child);
    return s ? s : "";
}

const char *instrument_text_variant(const cJSON *t, const char *lang, const char *variant)
{
    char key[32];
    int n = lang && variant ? snprintf(key, sizeof key, "%s_%s", lang, variant) : -1;
    const char *s = n > 0 && (size_t)n < sizeof key ? json_str(t, key) : NULL;
    return s && *s ? s : instrument_text(t, lang);
}

int instrument_item_index(const instrument *ins, const char *id)
{
    for (int i = 0; id && i < ins->nitems; i++)
        if (ins->items[i].id && strcmp(ins->items[i].id, id) == 0) return i;
    return -1;
}

int instrument_choice_index(const instrument_item *it, const char *value)
{
    for (int i = 0; value && i < it->nchoices; i++)
        if (strcmp(it->choices[i].value, value) == 0) return i;
    return -1;
}

int instrument_answer_has(const char *answer, const char *value)
{
    cJSON *arr = answer ? cJSON_Parse(answer) : NULL, *v;
    int found = 0;
    cJSON_ArrayForEach(v, arr) if (cJSON_IsString(v) && strcmp(v->valuestring, value) == 0) found = 1;
    cJSON_Delete(arr);
    return found;
}

int instrument_applies(const instrument_item *it, const cJSON *answers)
{
    if (it->when == WHEN_ALWAYS) return 1;
    const char *a = json_str(answers, it->when_item);
    if (!a) return 0;
    if (it->when == WHEN_EQUALS) return strcmp(a, it->when_value) == 0;
    if (it->when == WHEN_HAS) return instrument_answer_has(a, it->when_value);
    const cJSON *v;
    cJSON_ArrayForEach(v, it->when_values) if (strcmp(cJSON_GetStringValue(v), a) == 0) return 1;
    return 0;
}

/* A whole number with optional spaces around it; 0 when it is not one. */
static int parse_whole(const char *s, long *out)
{
    while (*s == ' ' || *s == '\t' || *s == '\n') s++;
    char *end;
    if (!(*s == '-' || isdigit((unsigned char)*s))) return 0;
    long v = strtol(s, &end, 10);
    if (end == s || end - s > 9) return 0;
    while (*end == ' ' || *end == '\t' || *end == '\n') end++;
    if (*end) return 0;
    *out = v;
    return 1;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return days[m - 1];
}

int instrument_parse_date(const char *s)
{
    int part[3] = {0, 0, 0}, digits[3] = {0, 0, 0}, k = 0;
    while (*s == ' ') s++;
    for (; *s && *s != ' ' && *s != '\n'; s++) {
        if (isdigit((unsigned char)*s)) {
            if (++digits[k] > 4) return 0;
            part[k] = part[k] * 10 + (*s - '0');
        } else if (*s == '.' && k < 2 && digits[k]) {
            k++;
        } else {
            return 0;
        }
    }
    while (*s == ' ' || *s == '\n') s++;
    if (*s || k != 2 || digits[0] > 2 || digits[1] > 2 || digits[2] != 4) return 0;
    int d = part[0], m = part[1], y = part[2];
    if (y < INSTRUMENT_DATE_YEAR_MIN || y > 2999 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) return 0;
    return y * 10000 + m * 100 + d;
}

answer_problem instrument_check_typed(const instrument_item *it, const char *typed, int today, char *value,
                                      size_t size)
{
    long n;
    switch (it->type) {
    case ITEM_SINGLE:
    case ITEM_MULTIPLE:
        return ANSWER_USE_BUTTONS;
    case ITEM_SCALE:
    case ITEM_NUMBER:
        if (!typed_number_parse(typed, &n)) return ANSWER_NOT_NUMBER;
        if (n < it->least || n > it->most) return ANSWER_OUT_OF_RANGE;
        snprintf(value, size, "%ld", n);
        return ANSWER_OK;
    case ITEM_DATE: {
        date_read d;
        if (!typed_date_parse(typed, today, it->past ? DATE_LEAN_PAST : DATE_LEAN_FUTURE, &d)) return ANSWER_BAD_DATE;
        /* A month or a year counts as past (or ahead) when any day of it is. */
        if (it->past && today && d.ymd > today) return ANSWER_FUTURE_DATE;
        if (it->future && today && typed_date_end(&d) < today) return ANSWER_PAST_DATE;
        int ymd = d.ymd;
        snprintf(value, size, "%04d-%02d-%02d", ymd / 10000, ymd / 100 % 100, ymd % 100);
        return ANSWER_OK;
    }
    case ITEM_TEXT: {
        /* Cut one past the limit so "too long" can be told from "just fits". */
        char *clean = text_clean_line(typed, (size_t)it->chars_limit + 1);
        if (!clean) return ANSWER_EMPTY;
        answer_problem pr = ANSWER_OK;
        size_t chars = text_codepoints(clean);
        if (chars == 0) pr = ANSWER_EMPTY;
        else if (chars > (size_t)it->chars_limit || strlen(clean) >= size) pr = ANSWER_TOO_LONG;
        else snprintf(value, size, "%s", clean);
        free(clean);
        return pr;
    }
    }
    return ANSWER_USE_BUTTONS;
}

int instrument_value_valid(const instrument_item *it, const char *value)
{
    if (!value) return 0;
    long n;
    switch (it->type) {
    case ITEM_SINGLE:
        return instrument_choice_index(it, value) >= 0;
    case ITEM_MULTIPLE: {
        cJSON *arr = cJSON_Parse(value), *v;
        int ok = cJSON_IsArray(arr) && cJSON_GetArraySize(arr) >= it->least;
        cJSON_ArrayForEach(v, arr) if (!cJSON_IsString(v) || instrument_choice_index(it, v->valuestring) < 0) ok = 0;
        cJSON_Delete(arr);
        return ok;
    }
    case ITEM_SCALE:
    case ITEM_NUMBER:
        return parse_whole(value, &n) && n >= it->least && n <= it->most;
    case ITEM_DATE: {
        int y, m, d;
        char rest;
        return sscanf(value, "%4d-%2d-%2d%c", &y, &m, &d, &rest) == 3 && y >= INSTRUMENT_DATE_YEAR_MIN && m >= 1 &&
               m <= 12 && d >= 1 && d <= days_in_month(y, m);
    }
    case ITEM_TEXT:
        return *value && text_codepoints(value) <= (size_t)it->chars_limit;
    }
    return 0;
}

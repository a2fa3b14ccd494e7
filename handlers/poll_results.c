/*
 * A wave's results as the curator reads them. Nothing is shown for fewer
 * respondents than the smallest group (bot.conf [polls] min_group), for a
 * whole instrument or for one item: a mean over three people tells too
 * much about each. Open answers come in the order of their text, never of
 * time or person.
 */
#include "handlers/polls.h"
#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RESULTS_TEXT_MAX (32 * 1024)
#define RESULTS_KEYS_MAX 4          /* instruments in one wave: the three age bands at most */
#define OPEN_ANSWER_CHARS 300       /* an open answer is cut to this in the report */
#define SATISFIED_FROM 7.0          /* a respondent whose satisfaction is this or more is satisfied (docs/polls.md) */

typedef struct item_tally {
    double sum;
    int count;
    int choices[INSTRUMENT_CHOICES_MAX];
    strbuf texts;
} item_tally;

typedef struct tally {
    const instrument *ins;
    item_tally *items;
} tally;

/* "1.5" or, in Russian, "1,5". */
static void decimal(const char *lang, double v, char *buf, size_t size)
{
    snprintf(buf, size, "%.1f", v);
    char *dot = strcmp(lang, "ru") == 0 ? strchr(buf, '.') : NULL;
    if (dot) *dot = ',';
}

static int count_answer(const char *item, const char *value, void *arg)
{
    tally *t = arg;
    int i = instrument_item_index(t->ins, item);
    if (i < 0) return 0;
    const instrument_item *it = &t->ins->items[i];
    item_tally *x = &t->items[i];
    switch (it->type) {
    case ITEM_SCALE:
    case ITEM_NUMBER:
        if (!instrument_value_valid(it, value)) return 0;
        x->sum += atof(value);
        x->count++;
        break;
    case ITEM_SINGLE: {
        int c = instrument_choice_index(it, value);
        if (c < 0) return 0;
        x->choices[c]++;
        x->count++;
        break;
    }
    case ITEM_MULTIPLE:
        for (int c = 0; c < it->nchoices; c++) x->choices[c] += instrument_answer_has(value, it->choices[c].value);
        x->count++;
        break;
    case ITEM_TEXT: {
        char cut[OPEN_ANSWER_CHARS * 4 + 8];
        size_t n = strlen(value);
        if (n >= sizeof cut - 4) {
            n = sizeof cut - 8;
            while (n > 0 && ((unsigned char)value[n] & 0xC0) == 0x80) n--;   /* whole characters */
        }
        sb_printf(&x->texts, "\n  — %.*s%s", (int)n, value, value[n] ? "…" : "");
        x->count++;
        break;
    }
    case ITEM_DATE:
        break;
    }
    return 0;
}

static void item_lines(const bot_env *env, const char *lang, int min_group, const instrument_item *it,
                       const item_tally *x, strbuf *sb)
{
    if (it->type == ITEM_DATE) return;
    sb_printf(sb, "\n\n%s", instrument_text(it->text, lang));
    if (x->count < min_group) {
        char n[16];
        snprintf(n, sizeof n, "%d", x->count);
        char *few = i18n_format(env->texts, lang, "poll.results_item_few", "n", n, NULL);
        sb_printf(sb, "\n  %s", few ? few : "");
        free(few);
        return;
    }
    char n[16], mean[16];
    snprintf(n, sizeof n, "%d", x->count);
    switch (it->type) {
    case ITEM_SCALE:
    case ITEM_NUMBER: {
        decimal(lang, x->sum / x->count, mean, sizeof mean);
        char *line = i18n_format(env->texts, lang, "poll.results_mean", "mean", mean, "n", n, NULL);
        sb_printf(sb, "\n  %s", line ? line : "");
        free(line);
        break;
    }
    case ITEM_SINGLE:
    case ITEM_MULTIPLE:
        for (int c = 0; c < it->nchoices; c++)
            sb_printf(sb, "\n  %s — %d", instrument_text(it->choices[c].text, lang), x->choices[c]);
        break;
    case ITEM_TEXT:
        sb_puts(sb, sb_str(&x->texts));
        break;
    case ITEM_DATE:
        break;
    }
}

/* The results of one instrument of the wave. */
static mb_status instrument_results(db *d, const bot_env *env, const char *lang, int min_group, int64_t wave_id,
                                    const char *key, int64_t instrument_id, strbuf *sb)
{
    char *body = NULL, err[256];
    instrument *ins = NULL;
    mb_status rc = survey_instrument_body(d, instrument_id, &body, NULL, 0, NULL);
    if (!rc) rc = instrument_parse(body, strlen(body), key, &ins, err, sizeof err);
    free(body);
    if (rc) return rc;
    tally t = {ins, calloc((size_t)ins->nitems, sizeof(item_tally))};
    if (!t.items) {
        instrument_free(ins);
        return MB_ERR_NOMEM;
    }
    for (int i = 0; i < ins->nitems; i++) sb_init(&t.items[i].texts, RESULTS_TEXT_MAX);
    int respondents = 0;
    rc = poll_answers_each(d, wave_id, key, count_answer, &t, &respondents);
    char n[16], min[16];
    snprintf(n, sizeof n, "%d", respondents);
    snprintf(min, sizeof min, "%d", min_group);
    sb_printf(sb, "\n\n📋 %s", instrument_text(ins->title, lang));
    if (!rc && respondents < min_group) {
        char *few = i18n_format(env->texts, lang, "poll.results_few", "n", n, "min", min, NULL);
        sb_printf(sb, "\n%s", few ? few : "");
        free(few);
    } else if (!rc) {
        char *line = i18n_format(env->texts, lang, "poll.results_respondents", "n", n, NULL);
        sb_printf(sb, "\n%s", line ? line : "");
        free(line);
        int rated = 0, satisfied = 0;
        double mean = 0;
        rc = poll_satisfaction_stats(d, wave_id, key, SATISFIED_FROM, &rated, &mean, &satisfied);
        if (!rc && rated >= min_group) {
            char m[16], pct[16];
            decimal(lang, mean, m, sizeof m);
            snprintf(pct, sizeof pct, "%d", (satisfied * 100 + rated / 2) / rated);
            line = i18n_format(env->texts, lang, "poll.results_satisfaction", "mean", m, "percent", pct, NULL);
            sb_printf(sb, "\n%s", line ? line : "");
            free(line);
        }
        for (int i = 0; i < ins->nitems; i++) item_lines(env, lang, min_group, &ins->items[i], &t.items[i], sb);
    }
    for (int i = 0; i < ins->nitems; i++) sb_free(&t.items[i].texts);
    free(t.items);
    instrument_free(ins);
    return rc;
}

char *poll_results_text(db *d, const bot_env *env, const char *lang, int64_t wave_id)
{
    int min_group = poll_rules_of(env)->min_group;
    char keys[RESULTS_KEYS_MAX][POLL_KEY_BYTES];
    int64_t ids[RESULTS_KEYS_MAX];
    int n = poll_wave_keys(d, wave_id, keys, ids, RESULTS_KEYS_MAX);
    strbuf sb;
    sb_init(&sb, RESULTS_TEXT_MAX);
    sb_puts(&sb, i18n_text(env->texts, lang, "poll.results_title"));
    if (n == 0) sb_printf(&sb, "\n\n%s", i18n_text(env->texts, lang, "poll.results_none"));
    for (int i = 0; i < n; i++)
        if (instrument_results(d, env, lang, min_group, wave_id, keys[i], ids[i], &sb) != MB_OK) {
            sb_free(&sb);
            return NULL;
        }
    return sb_take(&sb);
}

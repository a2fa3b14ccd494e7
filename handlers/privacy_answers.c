/*
 * The survey answers a person gave, as /privacy shows them: the question
 * and the answer in the reader's language, choices by their text.
 */
#include "handlers/privacy_answers.h"
#include "storage/surveys.h"
#include "util/instrument.h"
#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PRIVACY_ANSWERS_MAX (8 * 1024)   /* bytes of answers shown */

static const char *choice_text(const instrument_item *it, const char *value, const char *lang)
{
    int i = instrument_choice_index(it, value);
    return i >= 0 ? instrument_text(it->choices[i].text, lang) : value;
}

static void answer_text(const instrument_item *it, const char *answer, const char *lang, strbuf *sb)
{
    if (it->type == ITEM_SINGLE) {
        sb_puts(sb, choice_text(it, answer, lang));
        return;
    }
    if (it->type == ITEM_MULTIPLE) {
        cJSON *arr = cJSON_Parse(answer), *v;
        int n = 0;
        cJSON_ArrayForEach(v, arr)
            if (cJSON_IsString(v)) sb_printf(sb, "%s%s", n++ ? ", " : "", choice_text(it, v->valuestring, lang));
        cJSON_Delete(arr);
        if (!n) sb_puts(sb, "—");
        return;
    }
    sb_puts(sb, answer);
}

char *privacy_answers_text(db *d, int64_t account_id, const char *lang)
{
    survey_run run;
    if (survey_run_latest(d, account_id, "done", &run) != MB_OK &&
        survey_run_latest(d, account_id, "open", &run) != MB_OK)
        return NULL;
    char *body = NULL, key[64];
    int version;
    instrument *ins = NULL;
    cJSON *answers = NULL;
    char *out = NULL, err[256];
    strbuf sb;
    sb_init(&sb, PRIVACY_ANSWERS_MAX);
    if (survey_instrument_body(d, run.instrument_id, &body, key, sizeof key, &version) ||
        instrument_parse(body, strlen(body), key, &ins, err, sizeof err) ||
        !(answers = survey_answers_load(d, run.id)))
        goto out;
    for (int i = 0; i < ins->nitems; i++) {
        const instrument_item *it = &ins->items[i];
        const char *a = cJSON_GetStringValue(cJSON_GetObjectItem(answers, it->id));
        if (!a) continue;
        sb_printf(&sb, "\n  — %s ", instrument_text(it->text, lang));
        answer_text(it, a, lang, &sb);
    }
    if (sb.len && !sb.failed) out = sb_take(&sb);
out:
    sb_free(&sb);
    cJSON_Delete(answers);
    instrument_free(ins);
    free(body);
    return out;
}

/*
 * What a finished run of a poll wave leaves in the wave: the recipient
 * marked done with their satisfaction, and the thanks. survey.c calls it
 * and it calls no flow, so the survey and the polls (which start survey
 * runs) do not call each other in a circle.
 */
#include "handlers/polls.h"
#include "handlers/survey.h"
#include "util/clock.h"

#include <stdlib.h>
#include <string.h>

int poll_satisfaction(const instrument *ins, const cJSON *answers, double *mean)
{
    double sum = 0;
    int n = 0;
    for (int i = 0; i < ins->nitems; i++) {
        const instrument_item *it = &ins->items[i];
        const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(answers, it->id));
        if (!it->satisfaction || it->type != ITEM_SCALE || !v || !instrument_value_valid(it, v)) continue;
        /* On the 1-10 the indicators read, whatever the scale's ends. */
        sum += 1 + 9.0 * (atoi(v) - it->least) / (it->most - it->least);
        n++;
    }
    if (n) *mean = sum / n;
    return n > 0;
}

mb_status poll_run_finished(hctx *h, const survey_run *run, const instrument *ins, const cJSON *answers)
{
    poll_wave w;
    mb_status rc = poll_wave_load(h->d, run->wave_id, &w);
    if (rc) return rc;
    if (strcmp(w.state, "open") != 0) return reply_text(h, T(h, "poll.closed"), NULL);
    double mean = -1;
    if (!poll_satisfaction(ins, answers, &mean)) mean = -1;
    if ((rc = poll_recipient_done(h->d, w.id, h->acct.id, mean, clock_now_ms()))) return rc;
    char *text = TF(h, "poll.finished", "outro", ins->outro ? survey_text(h, ins->outro) : "", NULL);
    if (!text) return MB_ERR_NOMEM;
    rc = reply_text(h, text, NULL);
    free(text);
    return rc;
}

/*
 * Poll waves in the chat (docs/polls.md). A wave opens (the curator's
 * menu, handlers/curator_polls.c, or the programme calendar's daily job)
 * and each recipient gets an invitation with a button that starts the
 * poll as a survey run of the wave (handlers/survey.c asks it, keeps its
 * position, and hands the finished run back here). Those who have not
 * finished get at most the configured number of polite reminders, never in
 * quiet hours of their own zone, none once they finished or the wave
 * closed. Invitations and reminders are one job per recipient, re-armed
 * in the transaction that sends, so a crash neither loses nor repeats one.
 *
 * Button data: pl:go:WAVE  start or continue the poll of a wave.
 */
#ifndef MB_POLLS_HANDLER_H
#define MB_POLLS_HANDLER_H

#include <cjson/cJSON.h>

#include "handlers/context.h"
#include "handlers/poll_rules.h"
#include "handlers/reply.h"
#include "storage/jobs.h"
#include "storage/polls.h"
#include "storage/surveys.h"
#include "util/instrument.h"

#define JOB_POLL_NUDGE "poll_nudge"          /* {"wave":W,"account":A,"n":N}: invitation (0), reminder N */
#define JOB_POLL_CALENDAR "poll_calendar"    /* {"after":ORG}: the calendar's daily pass */
#define POLL_CALENDAR_BATCH 100              /* organisations one run looks at */
#define POLL_CALENDAR_AGAIN_MS 200LL         /* the next run while organisations remain */
#define POLL_CALENDAR_EVERY_MS (24LL * 3600 * 1000)
#define POLL_CALENDAR_FIRST_MS 60000LL       /* the first pass, after the service starts on a new database */
#define POLL_OPEN_BATCH 20                   /* due waves one run opens */

/* The rules in force: env's, or the defaults. */
const poll_rules *poll_rules_of(const bot_env *env);

/* Opens a scheduled wave now and arms an invitation for each recipient.
 * *asked (may be NULL) gets how many it asks; MB_ERR_NOT_FOUND when no
 * instrument of the wave is loaded. Runs in the caller's transaction. */
mb_status poll_wave_launch(db *d, const bot_env *env, int64_t wave_id, int *asked);

/* pl: buttons. */
mb_status poll_on_button(hctx *h, const char *action, const payload_field *f, int n);

/* «Ответить на опрос» / «Продолжить опрос» in the menu of someone a
 * wave asks. */
void poll_menu_items(hctx *h, keyboard *kb);

/* poll_finish.c, for survey.c: a run of a wave was finished; marks the
 * recipient done with its satisfaction and thanks them. */
mb_status poll_run_finished(hctx *h, const survey_run *run, const instrument *ins, const cJSON *answers);

/* The mean (1-10) of the answers to the instrument's satisfaction items
 * into *mean; 0 when it has none answered. */
int poll_satisfaction(const instrument *ins, const cJSON *answers, double *mean);

/* The jobs JOB_POLL_NUDGE and JOB_POLL_CALENDAR (poll_calendar.c). */
mb_status poll_run_job(db *d, const bot_env *env, const char *kind, const char *payload);

/* A JOB_POLL_NUDGE: the recipient's next reminder, unless they answered. */
mb_status poll_nudge_run(db *d, const bot_env *env, const char *payload);

/* Adds a pending calendar pass due at due_at unless one is pending. */
mb_status poll_calendar_schedule(db *d, int64_t due_at);

/* The calendar at now for the organisations above after (up to
 * POLL_CALENDAR_BATCH; after -1: none): a scheduled wave for each kind the
 * calendar names and the organisation's programme of the school year has
 * no wave of yet (unless its day is more than late_days gone). *last gets
 * the last organisation seen while more remain, else 0, and then the
 * waves due are opened (up to POLL_OPEN_BATCH). poll_calendar.c. */
mb_status poll_calendar_pass(db *d, const bot_env *env, int64_t after, int64_t now, int64_t *last);

/* A wave's results for a reader of lang (caller frees; NULL when out of
 * memory): for each instrument, per scale item the mean and the number of
 * answers, per choice item the count of each choice, the open answers;
 * only when at least min_group answered, otherwise a line that says there
 * are too few answers to show. poll_results.c. */
char *poll_results_text(db *d, const bot_env *env, const char *lang, int64_t wave_id);

/* The name of a wave's kind and audience in lang («Ожидания — наставляемые»). */
const char *poll_variant_text(const bot_env *env, const char *lang, const char *kind, const char *audience);

#endif

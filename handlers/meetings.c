/*
 * Meetings in the chat: reminders before a meeting, the question after
 * it, and what people answer with the buttons of those messages (coming,
 * another time, cannot come or cancel, did it happen, how useful was it).
 *
 * Reminders and questions are jobs (storage/jobs.h) armed when a meeting
 * is planned or moved; each carries the meeting's version, so a job of a
 * meeting moved or cancelled since finds the version changed and sends
 * nothing. A job runs, and queues its messages, in one transaction with
 * its being marked done: a crash neither loses nor repeats one.
 *
 * The mentor decides: a mentor's «Перенести» moves the meeting and
 * «Отменить» cancels it for everyone. A mentee's «Перенести» asks the
 * mentor for another time, which the mentor accepts or keeps; a mentee's
 * «Отменить» tells the mentor they cannot come.
 */
#include "handlers/flows.h"
#include "handlers/meeting_calendar.h"
#include "handlers/meeting_notice.h"
#include "handlers/meetings.h"
#include "handlers/payload.h"
#include "handlers/timezone.h"
#include "storage/jobs.h"
#include "storage/mentorships.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/log.h"
#include "util/quiet.h"
#include "util/text.h"
#include "util/tz.h"
#include "util/when.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STATE_TIME "mt_time"          /* the next text is a new time for a meeting */
#define STATE_COMMENT "mt_comment"    /* the next text is a comment on a meeting */
#define MINUTE_MS 60000LL
#define HOUR_MS (60 * MINUTE_MS)
#define EARLIER_FROM_MINUTES (12 * 60)   /* a reminder this far ahead moves to the evening before */

static const meeting_rules *rules_of(const bot_env *env)
{
    static meeting_rules defaults;
    static int ready;
    if (env && env->meetings) return env->meetings;
    if (!ready) {
        meeting_rules_default(&defaults);
        ready = 1;
    }
    return &defaults;
}

static quiet_hours quiet_of(const meeting_rules *r)
{
    quiet_hours q = {r->quiet_start, r->quiet_end};
    return q;
}

static void zone_of(db *d, int64_t org_id, char *buf, size_t size)
{
    org o;
    snprintf(buf, size, "%s", org_get(d, org_id, &o) == MB_OK ? o.timezone : "");
}

static void job_payload(char *buf, size_t size, const meeting *m, int before, int64_t reader)
{
    if (reader)
        snprintf(buf, size, "{\"meeting\":%lld,\"version\":%d,\"before\":%d,\"account\":%lld}",
                 (long long)m->id, m->version, before, (long long)reader);
    else if (before >= 0)
        snprintf(buf, size, "{\"meeting\":%lld,\"version\":%d,\"before\":%d}", (long long)m->id, m->version, before);
    else
        snprintf(buf, size, "{\"meeting\":%lld,\"version\":%d}", (long long)m->id, m->version);
}

/* A job for m at due (moved out of quiet hours), replacing the same one. */
static mb_status arm_one(db *d, const char *kind, const meeting *m, int before, int64_t due)
{
    char payload[160];
    job_payload(payload, sizeof payload, m, before, 0);
    mb_status rc = job_cancel(d, kind, payload);
    if (!rc && due > clock_now_ms()) rc = job_add(d, due, kind, payload, NULL);
    return rc;
}

mb_status meeting_arm(db *d, const bot_env *env, const meeting *m)
{
    if (strcmp(m->state, "planned") != 0) return MB_OK;
    const meeting_rules *r = rules_of(env);
    char zone[64];
    zone_of(d, m->org_id, zone, sizeof zone);
    mb_status rc = MB_OK;
    for (int i = 0; i < r->nreminders && !rc; i++) {
        int before = r->reminder_minutes[i];
        int64_t due = quiet_move(zone, m->starts_at - before * MINUTE_MS, quiet_of(r), m->starts_at,
                                 before >= EARLIER_FROM_MINUTES ? QUIET_EARLIER : 0);
        rc = arm_one(d, JOB_MEETING_REMINDER, m, before, due);
    }
    int64_t end = m->starts_at + m->minutes * MINUTE_MS;
    int64_t ask = quiet_move(zone, end + r->followup_minutes * MINUTE_MS, quiet_of(r), INT64_MAX, 0);
    if (!rc) rc = arm_one(d, JOB_MEETING_FOLLOWUP, m, -1, ask);
    return rc;
}

mb_status meeting_series_announce(db *d, const bot_env *env, int64_t mentorship_id, int64_t series_id, int made,
                                  meeting **list, int *n, int *first, int *told)
{
    *first = -1;
    mb_status rc = meeting_list_mentorship(d, mentorship_id, 0, MEETING_SERIES_MAX * 4, list, n);
    for (int i = 0; i < *n && !rc; i++)
        if ((*list)[i].series_id == series_id) {
            if (*first < 0) *first = i;
            rc = meeting_arm(d, env, &(*list)[i]);
        }
    if (!rc && *first >= 0) rc = meeting_notice_send_series(d, env, &(*list)[*first], made, told);
    return rc;
}

/* ---- the messages ---- */

static char *data_of(char *buf, size_t size, char what, const meeting *m)
{
    snprintf(buf, size, "mt:%c:%lld:%d", what, (long long)m->id, m->version);
    return buf;
}

static void reminder_buttons(const i18n *t, const char *lang, const meeting *m, keyboard *kb)
{
    char data[64];
    kb_button(kb, i18n_text(t, lang, "meeting.btn_come"), data_of(data, sizeof data, 'y', m));
    kb_button(kb, i18n_text(t, lang, "meeting.btn_move"), data_of(data, sizeof data, 'm', m));
    kb_row(kb);
    kb_button(kb, i18n_text(t, lang, "meeting.btn_cancel"), data_of(data, sizeof data, 'c', m));
}

static void followup_buttons(const i18n *t, const char *lang, const meeting *m, keyboard *kb)
{
    char data[64];
    kb_button(kb, i18n_text(t, lang, "meeting.btn_held"), data_of(data, sizeof data, 'h', m));
    kb_row(kb);
    kb_button(kb, i18n_text(t, lang, "meeting.btn_moved"), data_of(data, sizeof data, 'r', m));
    kb_button(kb, i18n_text(t, lang, "meeting.btn_not_held"), data_of(data, sizeof data, 'n', m));
}

/* The meeting of a job's payload, or why there is nothing to do. */
static int job_meeting(db *d, const char *payload, meeting *m, int *before, int64_t *reader, mb_status *rc)
{
    *rc = MB_OK;
    cJSON *p = json_parse_limited(payload, strlen(payload), JOB_PAYLOAD_MAX, NULL);
    int ok_id = 0, ok_version = 0, ok_before = 0, ok_account = 0;
    int64_t id = json_int(p, "meeting", &ok_id), version = json_int(p, "version", &ok_version);
    *before = (int)json_int(p, "before", &ok_before);
    *reader = json_int(p, "account", &ok_account);
    if (!ok_account) *reader = 0;
    cJSON_Delete(p);
    if (!ok_id || !ok_version) {
        *rc = MB_ERR_PARSE;
        return 0;
    }
    mb_status found = meeting_load(d, id, m);
    if (found == MB_ERR_NOT_FOUND) return 0;   /* removed since (retention, /forget) */
    if (found) {
        *rc = found;
        return 0;
    }
    if (m->version != version || strcmp(m->state, "planned") != 0) {
        log_debug("meetings", "meeting %lld changed since the job was armed (version %d, now %d, %s): nothing sent",
                  (long long)id, (int)version, m->version, m->state);
        return 0;
    }
    return 1;
}

/* A participant whose own zone (not the organisation's) has night now
 * gets their reminder in their morning, when the meeting is still ahead
 * then: a job of their own. */
typedef struct night_check {
    const meeting_rules *rules;
    int before;
    mb_status rc;
} night_check;

static int asleep(db *d, const bot_env *env, const meeting *m, const meeting_participant *p, void *arg)
{
    night_check *n = arg;
    char own[64];
    account_zone_get(d, p->account_id, own, sizeof own);
    int64_t now = clock_now_ms();
    if (!own[0] || !quiet_contains(own, now, quiet_of(n->rules))) return 0;
    int64_t due = quiet_move(own, now, quiet_of(n->rules), m->starts_at, 0);
    if (due > now && due < m->starts_at && !n->rc) {
        char payload[160];
        job_payload(payload, sizeof payload, m, n->before, p->account_id);
        n->rc = job_add(d, due, JOB_MEETING_REMINDER, payload, NULL);
    }
    return 1;
}

mb_status meeting_run_job(db *d, const bot_env *env, const char *kind, const char *payload)
{
    meeting m;
    int before;
    int64_t reader;
    mb_status rc;
    if (!job_meeting(d, payload, &m, &before, &reader, &rc)) return rc;
    const meeting_rules *r = rules_of(env);
    if (strcmp(kind, JOB_MEETING_REMINDER) == 0) {
        /* Run late (the bot was down): not once the meeting began, nor when
         * a nearer reminder is due too, which says it better. */
        int64_t now = clock_now_ms();
        if (now >= m.starts_at) return MB_OK;
        for (int i = 0; i < r->nreminders; i++)
            if (r->reminder_minutes[i] < before && now >= m.starts_at - r->reminder_minutes[i] * MINUTE_MS)
                return MB_OK;
        night_check night = {r, before, MB_OK};
        meeting_notice_opts o = {.key = "meeting.reminder", .skip_declined = 1, .buttons = reminder_buttons,
                                 .only_account = reader, .leave_out = reader ? NULL : asleep,
                                 .leave_out_arg = &night};
        rc = meeting_notice_send_opts(d, env, &m, &o, NULL);
        return rc ? rc : night.rc;
    }
    int again = strcmp(kind, JOB_MEETING_FOLLOWUP_AGAIN) == 0;
    meeting_notice_opts o = {.key = again ? "meeting.followup_again" : "meeting.followup_ask", .skip_declined = 1,
                             .only_unanswered = 1, .buttons = followup_buttons};
    if ((rc = meeting_notice_send_opts(d, env, &m, &o, NULL)) || again) return rc;
    /* One polite repeat for those who do not answer. */
    char zone[64];
    zone_of(d, m.org_id, zone, sizeof zone);
    int64_t due = quiet_move(zone, clock_now_ms() + r->followup_again_hours * HOUR_MS, quiet_of(r), INT64_MAX, 0);
    return arm_one(d, JOB_MEETING_FOLLOWUP_AGAIN, &m, -1, due);
}

/* ---- the buttons ---- */

/* The part of account_id in m: 1 and *p filled when they take part. */
static int find_participant(db *d, const meeting *m, int64_t account_id, meeting_participant *p)
{
    meeting_participant *all = NULL;
    int n = meeting_participants_all(d, m->id, MEETING_NOTICE_PARTICIPANTS_MAX, &all), found = 0;
    for (int i = 0; i < n && !found; i++)
        if (all[i].account_id == account_id) {
            *p = all[i];
            found = 1;
        }
    free(all);
    return found;
}

static int is_mentor(const meeting_participant *p) { return strcmp(p->role, "mentor") == 0; }

static mb_status send_and_free(hctx *h, char *text, keyboard *kb)
{
    mb_status rc = text ? reply_text(h, text, kb) : MB_ERR_NOMEM;
    free(text);
    kb_free(kb);
    return rc;
}

static mb_status say_when(hctx *h, const char *key, const meeting *m)
{
    char when[64];
    meeting_notice_when_for(h->d, m, h->acct.id, h->lang, when, sizeof when);
    return send_and_free(h, TF(h, key, "when", when, NULL), NULL);
}

/* A press on a meeting that changed since the message was sent. */
static mb_status stale(hctx *h, const meeting *m)
{
    mb_status rc = reply_answer_button(h, NULL);
    if (rc) return rc;
    if (strcmp(m->state, "cancelled") == 0) return say_when(h, "meeting.stale_cancelled", m);
    return say_when(h, "meeting.stale", m);
}

/* The mentor of m told about a mentee's answer (key with {name}, {when},
 * {proposed}); buttons may be NULL. */
static mb_status tell_mentor(hctx *h, const meeting *m, const char *key, int64_t proposed, const char *yes,
                             const char *no)
{
    meeting_participant *all = NULL;
    int n = meeting_participants_all(h->d, m->id, MEETING_NOTICE_PARTICIPANTS_MAX, &all);
    if (n < 0) return MB_ERR_DB;
    mb_status rc = MB_OK;
    for (int i = 0; i < n && !rc; i++) {
        if (!is_mentor(&all[i])) continue;
        account mentor;
        if (account_load(h->d, all[i].account_id, &mentor) != MB_OK) continue;
        const i18n *t = h->env->texts;
        const char *lang = i18n_pick_language(t, mentor.language);
        char when[64], later[64] = "";
        meeting_notice_when_for(h->d, m, mentor.id, lang, when, sizeof when);
        if (proposed) {
            char zone[64];
            person_zone(h->d, mentor.id, m->org_id, zone, sizeof zone);
            tz_format(zone, proposed, lang, 1, later, sizeof later);
        }
        char *text = i18n_format(t, lang, key, "name", h->acct.name, "when", when, "proposed", later, NULL);
        keyboard kb = {0};
        if (yes) kb_button(&kb, i18n_text(t, lang, "meeting.btn_accept"), yes);
        if (no) kb_button(&kb, i18n_text(t, lang, "meeting.btn_keep"), no);
        rc = text ? reply_to_account(h->d, mentor.id, text, yes ? &kb : NULL) : MB_ERR_NOMEM;
        if (rc == MB_ERR_NOT_FOUND) rc = MB_OK;
        free(text);
        kb_free(&kb);
    }
    free(all);
    return rc;
}

static mb_status ask_time(hctx *h, const meeting *m, const char *mode)
{
    cJSON *data = cJSON_CreateObject();
    if (!data || !cJSON_AddNumberToObject(data, "meeting", (double)m->id) ||
        !cJSON_AddNumberToObject(data, "version", m->version) || !cJSON_AddStringToObject(data, "mode", mode)) {
        cJSON_Delete(data);
        return MB_ERR_NOMEM;
    }
    cJSON_Delete(h->data);
    h->data = data;
    mb_status rc = ctx_set_state(h, STATE_TIME);
    if (rc) return rc;
    char when[64];
    meeting_notice_when_for(h->d, m, h->acct.id, h->lang, when, sizeof when);
    return send_and_free(h, TF(h, "meeting.ask_time", "when", when, NULL), NULL);
}

/* The meeting moved to starts_at: everyone else told, the mover told it is
 * done, new reminders armed (the old ones see the version changed). */
static mb_status move_to(hctx *h, const meeting *m, int64_t starts_at)
{
    char old[64];
    meeting_notice_when_for(h->d, m, h->acct.id, h->lang, old, sizeof old);
    mb_status rc = meeting_move(h->d, m->id, m->version, starts_at, h->acct.id, clock_now_ms());
    if (rc == MB_ERR_EXPIRED) {
        meeting now;
        if (meeting_load(h->d, m->id, &now) == MB_OK) return say_when(h, "meeting.stale", &now);
        return reply_text(h, T(h, "meeting.gone"), NULL);
    }
    meeting moved;
    if (rc || (rc = meeting_load(h->d, m->id, &moved)) || (rc = meeting_arm(h->d, h->env, &moved))) return rc;
    meeting_notice_opts o = {.key = "meeting.moved", .skip_account = h->acct.id, .old_when = old};
    if ((rc = meeting_notice_send_opts(h->d, h->env, &moved, &o, NULL))) return rc;
    return say_when(h, "meeting.moved_done", &moved);
}

static mb_status on_come(hctx *h, const meeting *m, const meeting_participant *me)
{
    mb_status rc = meeting_respond(h->d, m->id, m->version, h->acct.id, "accepted", 0, clock_now_ms());
    if (rc == MB_ERR_EXPIRED) return stale(h, m);
    if (rc || (rc = reply_answer_button(h, NULL))) return rc;
    /* The mentor learns who confirmed, once per person. */
    if (!is_mentor(me) && strcmp(me->response, "accepted") != 0 &&
        (rc = tell_mentor(h, m, "meeting.confirmed_told", 0, NULL, NULL)))
        return rc;
    return say_when(h, "meeting.coming_ok", m);
}

static mb_status on_cancel(hctx *h, const meeting *m, const meeting_participant *me)
{
    mb_status rc;
    if (is_mentor(me)) {
        rc = meeting_cancel(h->d, m->id, m->version, clock_now_ms());
        if (rc == MB_ERR_EXPIRED) return stale(h, m);
        meeting_notice_opts o = {.key = "meeting.cancelled", .skip_account = h->acct.id};
        if (rc || (rc = reply_answer_button(h, NULL)) || (rc = meeting_notice_send_opts(h->d, h->env, m, &o, NULL)))
            return rc;
        return say_when(h, "meeting.cancel_done", m);
    }
    rc = meeting_respond(h->d, m->id, m->version, h->acct.id, "declined", 0, clock_now_ms());
    if (rc == MB_ERR_EXPIRED) return stale(h, m);
    if (rc || (rc = reply_answer_button(h, NULL)) ||
        (rc = tell_mentor(h, m, "meeting.declined_told", 0, NULL, NULL)))
        return rc;
    return say_when(h, "meeting.declined_ok", m);
}

/* A mentor's answer to a mentee's other time: mt:a|k:MEETING:VERSION:MENTEE. */
static mb_status on_proposal(hctx *h, char what, const meeting *m, const meeting_participant *me, long long mentee)
{
    if (!is_mentor(me)) return flow_refuse_button(h, "a proposal answered by a mentee");
    meeting_participant them;
    if (!find_participant(h->d, m, mentee, &them) || strcmp(them.response, "proposed") != 0) return stale(h, m);
    mb_status rc = reply_answer_button(h, NULL);
    if (rc) return rc;
    if (what == 'a') return move_to(h, m, them.proposed_at);
    account a;
    if (account_load(h->d, them.account_id, &a) == MB_OK) {
        const char *lang = i18n_pick_language(h->env->texts, a.language);
        char when[64], variant[I18N_KEY_MAX + 1];
        meeting_notice_when_for(h->d, m, a.id, lang, when, sizeof when);
        char *text = i18n_format(h->env->texts, lang,
                                 key_for_reader(h->env, lang, &a, "meeting.proposal_kept", variant, sizeof variant),
                                 "when", when, NULL);
        rc = text ? reply_to_account(h->d, a.id, text, NULL) : MB_ERR_NOMEM;
        free(text);
        if (rc && rc != MB_ERR_NOT_FOUND) return rc;
    }
    if ((rc = meeting_respond(h->d, m->id, m->version, them.account_id, "none", 0, clock_now_ms())) &&
        rc != MB_ERR_EXPIRED)
        return rc;
    return say_when(h, "meeting.kept_done", m);
}

static mb_status on_followup(hctx *h, char what, const meeting *m, const meeting_participant *me)
{
    if (clock_now_ms() < m->starts_at) return flow_refuse_button(h, "asked whether a meeting took place before it began");
    const char *outcome = what == 'h' ? "happened" : what == 'r' ? "moved" : "not_held";
    mb_status rc = meeting_answer(h->d, m->id, h->acct.id, outcome, 0, NULL, clock_now_ms());
    if (rc || (rc = reply_answer_button(h, NULL))) return rc;
    if (what == 'h') {
        keyboard kb = {0};
        char data[64];
        for (int score = 1; score <= 5; score++) {
            snprintf(data, sizeof data, "mt:u:%lld:%d:%d", (long long)m->id, m->version, score);
            char label[12];
            snprintf(label, sizeof label, "%d", score);
            kb_button(&kb, label, data);
        }
        return send_and_free(h, strdup(T(h, "meeting.useful_ask")), &kb);
    }
    if (what == 'r') return ask_time(h, m, is_mentor(me) ? "move" : "propose");
    return reply_text(h, T(h, "meeting.not_held_ok"), NULL);
}

static mb_status on_useful(hctx *h, const meeting *m, long long score)
{
    mb_status rc = meeting_answer(h->d, m->id, h->acct.id, "happened", (int)score, NULL, clock_now_ms());
    if (rc || (rc = reply_answer_button(h, NULL))) return rc;
    cJSON *data = cJSON_CreateObject();
    if (!data || !cJSON_AddNumberToObject(data, "meeting", (double)m->id) ||
        !cJSON_AddNumberToObject(data, "useful", (double)score)) {
        cJSON_Delete(data);
        return MB_ERR_NOMEM;
    }
    cJSON_Delete(h->data);
    h->data = data;
    if ((rc = ctx_set_state(h, STATE_COMMENT))) return rc;
    keyboard kb = {0};
    char skip[64];
    snprintf(skip, sizeof skip, "mt:s:%lld:%d", (long long)m->id, m->version);
    kb_button(&kb, T(h, "meeting.btn_skip"), skip);
    return send_and_free(h, strdup(T(h, "meeting.comment_ask")), &kb);
}

mb_status meeting_on_button(hctx *h, const char *action, const payload_field *f, int n)
{
    /* what:MEETING:VERSION, and for u, a and k one number more (routes.c) */
    (void)action, (void)n;
    const char *what = f[0].word;
    long long id = f[1].number, version = f[2].number, extra = f[3].number;
    meeting m;
    mb_status rc = meeting_load(h->d, id, &m);
    if (rc == MB_ERR_NOT_FOUND) {
        if ((rc = reply_answer_button(h, NULL))) return rc;
        return reply_text(h, T(h, "meeting.gone"), NULL);
    }
    if (rc) return rc;
    meeting_participant me;
    if (!find_participant(h->d, &m, h->acct.id, &me)) return flow_refuse_button(h, "not a participant of the meeting");
    if (what[0] == 's') {   /* no comment: the dialog ends */
        if ((rc = reply_answer_button(h, NULL)) || (rc = ctx_set_state(h, ""))) return rc;
        return reply_text(h, T(h, "meeting.comment_thanks"), NULL);
    }
    if (what[0] == 'i') return meeting_calendar_send(h, &m);   /* the file says what holds now */
    if (m.version != version || strcmp(m.state, "planned") != 0) return stale(h, &m);
    switch (what[0]) {
    case 'y': return on_come(h, &m, &me);
    case 'c': return on_cancel(h, &m, &me);
    case 'm':
        if ((rc = reply_answer_button(h, NULL))) return rc;
        return ask_time(h, &m, is_mentor(&me) ? "move" : "propose");
    case 'h': case 'r': case 'n': return on_followup(h, what[0], &m, &me);
    case 'u':
        if (extra < 1 || extra > 5) return flow_refuse_button(h, "usefulness out of range");
        return on_useful(h, &m, extra);
    default: return on_proposal(h, what[0], &m, &me, extra);
    }
}

/* ---- typed answers ---- */

int meeting_wants_text(const hctx *h)
{
    return h->has_account && (strcmp(h->state, STATE_TIME) == 0 || strcmp(h->state, STATE_COMMENT) == 0);
}

const char *meeting_time_problem_key(when_status st)
{
    static const char *const keys[] = {[WHEN_OK] = "meeting.time_unclear",
                                       [WHEN_NOT_UNDERSTOOD] = "meeting.time_unclear",
                                       [WHEN_IMPOSSIBLE] = "meeting.time_impossible",
                                       [WHEN_PAST] = "meeting.time_past",
                                       [WHEN_TOO_FAR] = "meeting.time_far",
                                       [WHEN_DST_GAP] = "meeting.time_gap"};
    return (size_t)st < sizeof keys / sizeof keys[0] ? keys[st] : "meeting.time_unclear";
}

static mb_status time_refused(hctx *h, when_status st, const meeting_rules *r)
{
    if (st == WHEN_OK) {   /* in quiet hours */
        char from[24], to[24];
        snprintf(from, sizeof from, "%02d:%02d", r->quiet_end / 60, r->quiet_end % 60);
        snprintf(to, sizeof to, "%02d:%02d", r->quiet_start / 60, r->quiet_start % 60);
        return send_and_free(h, TF(h, "meeting.time_quiet", "from", from, "to", to, NULL), NULL);
    }
    return reply_text(h, T(h, meeting_time_problem_key(st)), NULL);
}

static mb_status on_time_text(hctx *h, const char *text)
{
    int ok_id = 0, ok_version = 0;
    int64_t id = json_int(h->data, "meeting", &ok_id);
    int version = (int)json_int(h->data, "version", &ok_version);
    const char *mode = json_str(h->data, "mode");
    meeting m;
    mb_status rc;
    if (!ok_id || !ok_version || !mode || meeting_load(h->d, id, &m) != MB_OK) {
        if ((rc = ctx_set_state(h, ""))) return rc;
        return reply_text(h, T(h, "meeting.gone"), NULL);
    }
    if (m.version != version || strcmp(m.state, "planned") != 0) {
        if ((rc = ctx_set_state(h, ""))) return rc;
        return stale(h, &m);
    }
    char zone[64];
    person_zone(h->d, h->acct.id, m.org_id, zone, sizeof zone);
    when_time t;
    when_status st = when_parse(text, zone, clock_now_ms(), &t);
    const meeting_rules *r = rules_of(h->env);
    if (st != WHEN_OK) return time_refused(h, st, r);
    /* A meeting inside quiet hours would have its reminders and questions
     * at night or not at all; nobody at school meets then. */
    if (quiet_contains(zone, t.ms, quiet_of(r))) return time_refused(h, WHEN_OK, r);
    if ((rc = ctx_set_state(h, ""))) return rc;
    if (strcmp(mode, "move") == 0) return move_to(h, &m, t.ms);
    rc = meeting_respond(h->d, m.id, m.version, h->acct.id, "proposed", t.ms, clock_now_ms());
    if (rc == MB_ERR_EXPIRED) return stale(h, &m);
    if (rc) return rc;
    char yes[64], no[64];
    snprintf(yes, sizeof yes, "mt:a:%lld:%d:%lld", (long long)m.id, m.version, (long long)h->acct.id);
    snprintf(no, sizeof no, "mt:k:%lld:%d:%lld", (long long)m.id, m.version, (long long)h->acct.id);
    if ((rc = tell_mentor(h, &m, "meeting.proposed", t.ms, yes, no))) return rc;
    char when[64];
    tz_format(zone, t.ms, h->lang, 1, when, sizeof when);
    return send_and_free(h, TF(h, "meeting.proposed_sent", "when", when, NULL), NULL);
}

static mb_status on_comment_text(hctx *h, const char *text)
{
    int ok_id = 0, ok_useful = 0;
    int64_t id = json_int(h->data, "meeting", &ok_id);
    int useful = (int)json_int(h->data, "useful", &ok_useful);
    mb_status rc;
    if (!ok_id || !ok_useful) {
        if ((rc = ctx_set_state(h, ""))) return rc;
        return reply_text(h, T(h, "meeting.gone"), NULL);
    }
    if (text_codepoints(text) > MEETING_COMMENT_MAX) {
        char limit[16];
        snprintf(limit, sizeof limit, "%d", MEETING_COMMENT_MAX);
        return send_and_free(h, TF(h, "meeting.comment_long", "limit", limit, NULL), NULL);
    }
    rc = meeting_answer(h->d, id, h->acct.id, "happened", useful, text, clock_now_ms());
    if (rc == MB_ERR_NOT_FOUND || rc == MB_ERR_EXPIRED) rc = MB_OK;   /* the meeting went meanwhile */
    if (rc || (rc = ctx_set_state(h, ""))) return rc;
    return reply_text(h, T(h, "meeting.comment_thanks"), NULL);
}

mb_status meeting_on_text(hctx *h, const char *text)
{
    if (strcmp(h->state, STATE_TIME) == 0) return on_time_text(h, text);
    return on_comment_text(h, text);
}

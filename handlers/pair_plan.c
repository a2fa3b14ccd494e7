/*
 * Meetings planned in the chat: the offered days and hours fitted to what
 * everyone said suits them, a typed time or weekly series, the mentees'
 * invitation, and for a curator the coming meetings of the organisation
 * and an activity for every pair (handlers/pair.c routes here).
 */
#include "handlers/curator.h"
#include "handlers/flows.h"
#include "handlers/meeting_notice.h"
#include "handlers/matching.h"
#include "handlers/meetings.h"
#include "handlers/pair_internal.h"
#include "handlers/payload.h"
#include "handlers/timezone.h"
#include "storage/guardians.h"
#include "storage/mentorships.h"
#include "storage/pair_messages.h"
#include "storage/profiles.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/log.h"
#include "util/quiet.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/tz.h"
#include "util/when.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* ---- planning a meeting ---- */

/* Hours offered for a day: those of the slots both said (all when unknown),
 * outside quiet hours. */
static int plan_hours(uint32_t slots, int weekend, int *hours, int limit)
{
    static const int morning[] = {9, 10, 11}, afternoon[] = {13, 14, 15, 16}, evening[] = {17, 18, 19},
                     weekend_hours[] = {11, 12, 14, 16};
    int n = 0;
#define ADD(list) for (size_t i = 0; i < sizeof list / sizeof list[0] && n < limit; i++) hours[n++] = list[i]
    if (weekend) {
        ADD(weekend_hours);
        return n;
    }
    int any = !(slots & ((1u << PROFILE_SLOT_weekday_morning) | (1u << PROFILE_SLOT_weekday_afternoon) |
                         (1u << PROFILE_SLOT_weekday_evening)));
    if (any || (slots & (1u << PROFILE_SLOT_weekday_morning))) ADD(morning);
    if (any || (slots & (1u << PROFILE_SLOT_weekday_afternoon))) ADD(afternoon);
    if (any || (slots & (1u << PROFILE_SLOT_weekday_evening))) ADD(evening);
#undef ADD
    return n;
}

static uint32_t shared_slots(hctx *h, const mentorship *m)
{
    uint32_t slots = ~0u;
    profile p;
    if (profile_load(h->d, m->mentor_id, &p) == MB_OK && p.slots) slots &= p.slots;
    for (int i = 0; i < m->nmentees; i++)
        if (profile_load(h->d, m->mentees[i], &p) == MB_OK && p.slots) slots &= p.slots;
    return slots == ~0u || !slots ? 0 : slots;
}


mb_status pair_ask_day(hctx *h, const mentorship *m)
{
    char zone[64];
    pair_zone_of(h, m->org_id, zone, sizeof zone);
    uint32_t slots = shared_slots(h, m);
    int weekdays = !slots || (slots & ~(1u << PROFILE_SLOT_weekend));
    int weekends = !slots || (slots & (1u << PROFILE_SLOT_weekend));
    keyboard kb = {0};
    int64_t now = clock_now_ms();
    int shown = 0;
    for (int d = 1; d <= PLAN_DAYS + 2 && shown < PLAN_DAYS; d++) {
        struct tm tm;
        if (tz_local(zone, now + d * DAY_MS, &tm)) continue;
        int weekend = tm.tm_wday == 0 || tm.tm_wday == 6;
        if ((weekend && !weekends) || (!weekend && !weekdays)) continue;
        char day_key[32], label[64], data[64];
        snprintf(day_key, sizeof day_key, "pair.wday%d", tm.tm_wday);
        snprintf(label, sizeof label, "%s %02d.%02d", T(h, day_key), tm.tm_mday, tm.tm_mon + 1);
        snprintf(data, sizeof data, "pr:d:%lld:%04d%02d%02d", (long long)m->id, tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday);
        if (shown % 3 == 0) kb_row(&kb);
        kb_button(&kb, label, data);
        shown++;
    }
    mb_status rc = pair_set_dialog(h, STATE_PLAN, m->id, 0);
    if (rc) {
        kb_free(&kb);
        return rc;
    }
    return pair_send_and_free(h, strdup(T(h, "pair.plan_day")), &kb);
}

int pair_ymd_parts(long long ymd, struct tm *out)
{
    memset(out, 0, sizeof *out);
    out->tm_year = (int)(ymd / 10000) - 1900;
    out->tm_mon = (int)(ymd / 100 % 100) - 1;
    out->tm_mday = (int)(ymd % 100);
    return ymd >= 20000101 && ymd <= 29991231 && out->tm_mon >= 0 && out->tm_mon < 12 && out->tm_mday >= 1 &&
           out->tm_mday <= 31;
}

mb_status pair_ask_hour(hctx *h, const mentorship *m, long long ymd)
{
    struct tm day;
    if (!pair_ymd_parts(ymd, &day)) return flow_refuse_button(h, "bad day");
    char zone[64];
    pair_zone_of(h, m->org_id, zone, sizeof zone);
    day.tm_hour = 12;
    int64_t noon;
    struct tm local;
    if (tz_from_local(zone, &day, &noon) || tz_local(zone, noon, &local)) return flow_refuse_button(h, "bad day");
    int hours[16];
    int n = plan_hours(shared_slots(h, m), local.tm_wday == 0 || local.tm_wday == 6, hours, 16);
    keyboard kb = {0};
    for (int i = 0; i < n; i++) {
        char label[16], data[64];
        snprintf(label, sizeof label, "%02d:00", hours[i]);
        /* HHMM as a number: "900", as a payload's numbers have no leading zero */
        snprintf(data, sizeof data, "pr:t:%lld:%lld:%d", (long long)m->id, ymd, hours[i] * 100);
        if (i % 4 == 0) kb_row(&kb);
        kb_button(&kb, label, data);
    }
    char date[32];
    snprintf(date, sizeof date, "%02d.%02d", day.tm_mday, day.tm_mon + 1);
    return pair_send_and_free(h, TF(h, "pair.plan_hour", "date", date, NULL), &kb);
}

/* The first meeting of a pair is the introduction; later ones are work. */
static const char *next_kind(hctx *h, const mentorship *m)
{
    meeting *list = NULL;
    int n = 0;
    if (meeting_list_mentorship(h->d, m->id, 0, 1, &list, &n) != MB_OK) n = 0;
    free(list);
    return n ? "work" : "intro";
}

/* «Место», «Ссылка», «Тема»: what the planner may add to m. */
static void detail_buttons(hctx *h, const meeting *m, keyboard *kb)
{
    static const char *const labels[] = {"pair.detail_place", "pair.detail_link", "pair.detail_topic"};
    for (int i = 0; i < 3; i++) {
        char data[48];
        snprintf(data, sizeof data, "pr:l:%lld:%d", (long long)m->id, i);
        kb_button(kb, T(h, labels[i]), data);
    }
}

static void mentee_buttons(const i18n *t, const char *lang, const meeting *m, keyboard *kb)
{
    char data[64];
    snprintf(data, sizeof data, "mt:y:%lld:%d", (long long)m->id, m->version);
    kb_button(kb, i18n_text(t, lang, "meeting.btn_confirm"), data);
    snprintf(data, sizeof data, "mt:m:%lld:%d", (long long)m->id, m->version);
    kb_button(kb, i18n_text(t, lang, "meeting.btn_other_time"), data);
}

mb_status pair_plan_at(hctx *h, const mentorship *m, int64_t starts_at)
{
    char zone[64];
    pair_zone_of(h, m->org_id, zone, sizeof zone);
    const meeting_rules *r = h->env->meetings;
    quiet_hours q = {r ? r->quiet_start : QUIET_DEFAULT_START, r ? r->quiet_end : QUIET_DEFAULT_END};
    if (quiet_contains(zone, starts_at, q)) return reply_text(h, T(h, "pair.plan_quiet"), NULL);
    profile p;
    int online = profile_load(h->d, m->mentor_id, &p) == MB_OK && strcmp(p.meeting_mode, "online") == 0;
    meeting_plan plan = {.kind = next_kind(h, m), .online = online, .starts_at = starts_at,
                         .created_by = h->acct.id};
    int64_t id = 0;
    meeting_problem why = MEETING_PLAN_OK;
    mb_status rc = meeting_add(h->d, m->id, &plan, clock_now_ms(), &id, &why);
    if (rc == MB_ERR_INVALID) {
        return reply_text(h, T(h, why == MEETING_IN_PAST ? "meeting.time_past" : "meeting.time_far"), NULL);
    }
    meeting made;
    if (rc || (rc = meeting_load(h->d, id, &made)) || (rc = meeting_arm(h->d, h->env, &made))) return rc;
    if ((rc = ctx_set_state(h, ""))) return rc;
    meeting_notice_opts o = {.key = "meeting.proposed_new", .skip_account = h->acct.id, .name = h->acct.name,
                             .buttons = mentee_buttons};
    if ((rc = meeting_notice_send_opts(h->d, h->env, &made, &o, NULL))) return rc;
    char when[64];
    meeting_notice_when_for(h->d, &made, h->acct.id, h->lang, when, sizeof when);
    keyboard kb = {0};
    detail_buttons(h, &made, &kb);
    return pair_send_and_free(h, TF(h, "pair.planned", "when", when, NULL), &kb);
}

/* ---- a meeting's place, link or topic, typed after it is planned ---- */

mb_status pair_ask_detail(hctx *h, long long meeting_id, long long field)
{
    meeting m;
    mentorship ms;
    mb_status rc;
    if (field < 0 || field > 2 || meeting_load(h->d, meeting_id, &m) != MB_OK || !m.mentorship_id)
        return flow_refuse_button(h, "not a meeting of a pair");
    pair_role role = pair_load_mine(h, m.mentorship_id, &ms);
    if (role != PAIR_MENTOR && role != PAIR_CURATOR) return flow_refuse_button(h, "only who plans sets a meeting's place");
    if ((rc = reply_answer_button(h, NULL))) return rc;
    if (strcmp(m.state, "planned") != 0) return reply_text(h, T(h, "meeting.gone"), NULL);
    cJSON *data = cJSON_CreateObject();
    if (!data || !cJSON_AddNumberToObject(data, "meeting", (double)m.id) ||
        !cJSON_AddNumberToObject(data, "version", m.version) || !cJSON_AddNumberToObject(data, "field", (double)field)) {
        cJSON_Delete(data);
        return MB_ERR_NOMEM;
    }
    cJSON_Delete(h->data);
    h->data = data;
    if ((rc = ctx_set_state(h, STATE_DETAIL))) return rc;
    static const char *const asks[] = {"pair.ask_place", "pair.ask_link", "pair.ask_topic"};
    return reply_text(h, T(h, asks[field]), NULL);
}

mb_status pair_on_detail_text(hctx *h, const char *text)
{
    int ok_id = 0, ok_version = 0, ok_field = 0;
    int64_t id = json_int(h->data, "meeting", &ok_id);
    int version = (int)json_int(h->data, "version", &ok_version);
    int field = (int)json_int(h->data, "field", &ok_field);
    mb_status rc;
    meeting_problem why = MEETING_PLAN_OK;
    if (!ok_id || !ok_version || !ok_field || field < 0 || field > 2) {
        if ((rc = ctx_set_state(h, ""))) return rc;
        return reply_text(h, T(h, "meeting.gone"), NULL);
    }
    rc = meeting_set_detail(h->d, id, version, (meeting_detail)field, text, clock_now_ms(), &why);
    if (rc == MB_ERR_INVALID)
        return reply_text(h, T(h, why == MEETING_BAD_LINK ? "pair.bad_link" : "pair.bad_line"), NULL);
    meeting m;
    if (rc == MB_ERR_EXPIRED || rc == MB_ERR_NOT_FOUND) {
        if ((rc = ctx_set_state(h, ""))) return rc;
        return reply_text(h, T(h, "meeting.gone"), NULL);
    }
    if (rc || (rc = meeting_load(h->d, id, &m)) || (rc = meeting_arm(h->d, h->env, &m)) ||
        (rc = ctx_set_state(h, "")))
        return rc;
    meeting_notice_opts o = {.key = "meeting.updated", .skip_account = h->acct.id, .buttons = mentee_buttons};
    if ((rc = meeting_notice_send_opts(h->d, h->env, &m, &o, NULL))) return rc;
    keyboard kb = {0};
    detail_buttons(h, &m, &kb);
    return pair_send_and_free(h, strdup(T(h, "pair.detail_done")), &kb);
}

static mb_status plan_series(hctx *h, const mentorship *m, const when_series *s, const char *zone)
{
    struct tm first, last;
    pair_ymd_parts(s->first_ymd, &first);
    first.tm_hour = s->hour;
    first.tm_min = s->minute;
    int64_t starts_at, until = 0;
    if (tz_from_local(zone, &first, &starts_at)) return reply_text(h, T(h, "meeting.time_gap"), NULL);
    /* until the end of the last day: the next one's start */
    if (s->until == WHEN_UNTIL_DATE && pair_ymd_parts(when_add_days(s->until_ymd, 1), &last) &&
        tz_from_local(zone, &last, &until))
        until = 0;
    meeting_plan plan = {.kind = "work", .starts_at = starts_at, .created_by = h->acct.id};
    int64_t series = 0;
    int made = 0;
    meeting_problem why = MEETING_PLAN_OK;
    mb_status rc = meeting_series_add(h->d, m->id, &plan, until, clock_now_ms(), &series, &made, &why);
    if (rc == MB_ERR_INVALID || rc == MB_ERR_NOT_FOUND) return reply_text(h, T(h, "pair.series_refused"), NULL);
    if (rc) return rc;
    meeting *list = NULL;
    int n = 0, first_i;
    rc = meeting_series_announce(h->d, h->env, m->id, series, made, &list, &n, &first_i, NULL);
    char when[64] = "";
    if (first_i >= 0) meeting_notice_when_for(h->d, &list[first_i], h->acct.id, h->lang, when, sizeof when);
    free(list);
    if (rc || (rc = ctx_set_state(h, ""))) return rc;
    char count[16];
    snprintf(count, sizeof count, "%d", made);
    return pair_send_and_free(h, TF(h, "pair.series_planned", "count", count, "when", when, NULL), NULL);
}

mb_status pair_on_plan_text(hctx *h, const char *text)
{
    int ok = 0;
    int64_t ms = json_int(h->data, "mentorship", &ok);
    mentorship m;
    mb_status rc;
    pair_role role = ok ? pair_load_mine(h, ms, &m) : PAIR_NONE;
    if (role != PAIR_MENTOR && role != PAIR_CURATOR) {
        if ((rc = ctx_set_state(h, ""))) return rc;
        return reply_text(h, T(h, "pair.gone"), NULL);
    }
    if (pair_paused(h, &m)) return pair_tell_paused(h);
    char zone[64];
    pair_zone_of(h, m.org_id, zone, sizeof zone);
    when_series s;
    if (when_parse_series(text, zone, clock_now_ms(), &s) == WHEN_OK) return plan_series(h, &m, &s, zone);
    when_time t;
    when_status st = when_parse(text, zone, clock_now_ms(), &t);
    if (st != WHEN_OK) return reply_text(h, T(h, meeting_time_problem_key(st)), NULL);
    return pair_plan_at(h, &m, t.ms);
}

/* ---- the curator's upcoming meetings ---- */

#define UPCOMING_SHOWN 20
#define UPCOMING_DAYS 14

mb_status pair_show_upcoming(hctx *h)
{
    meeting *list = NULL;
    int n = 0;
    int64_t now = clock_now_ms();
    mb_status rc = meeting_list_org(h->d, h->acct.org_id, now, now + UPCOMING_DAYS * DAY_MS, 0, 0, UPCOMING_SHOWN,
                                    &list, &n);
    if (rc) return rc;
    if (!n) {
        free(list);
        return reply_text(h, T(h, "pair.upcoming_none"), NULL);
    }
    strbuf out;
    sb_init(&out, 0);
    sb_puts(&out, T(h, "pair.upcoming_title"));
    for (int i = 0; i < n; i++) {
        char when[64], kind_key[48];
        meeting_notice_when_for(h->d, &list[i], h->acct.id, h->lang, when, sizeof when);
        snprintf(kind_key, sizeof kind_key, "meeting.kind.%s", list[i].kind);
        sb_printf(&out, "\n• %s — %s:", when, T(h, kind_key));
        meeting_participant *who = NULL;
        int np = meeting_participants_all(h->d, list[i].id, MEETING_NOTICE_PARTICIPANTS_MAX, &who);
        for (int j = 0; j < np; j++) {
            account a;
            if (account_load(h->d, who[j].account_id, &a)) continue;
            const char *mark = strcmp(who[j].response, "accepted") == 0   ? " ✓"
                               : strcmp(who[j].response, "declined") == 0 ? " ✗"
                               : strcmp(who[j].response, "proposed") == 0 ? " ?"
                                                                          : "";
            sb_printf(&out, "%s %s%s", j ? "," : "", a.name, mark);
        }
        free(who);
    }
    free(list);
    sb_printf(&out, "\n\n%s", T(h, "pair.upcoming_legend"));
    return pair_send_and_free(h, sb_take(&out), NULL);
}

void pair_curator_menu_items(hctx *h, keyboard *kb)
{
    kb_button(kb, T(h, "pair.upcoming"), "pr:o");
    kb_button(kb, T(h, "pair.activity"), "pr:a");
}

/* ---- activities for all pairs of the organisation ---- */

static const char *const activity_kinds[PAIR_ACTIVITY_KINDS] = {"training", "business_game", "mini_project", "activity"};

mb_status pair_ask_activity_kind(hctx *h)
{
    keyboard kb = {0};
    for (size_t i = 0; i < PAIR_ACTIVITY_KINDS; i++) {
        char key[48], data[16];
        snprintf(key, sizeof key, "meeting.kind.%s", activity_kinds[i]);
        snprintf(data, sizeof data, "pr:k:%zu", i);
        if (i % 2 == 0) kb_row(&kb);
        kb_button(&kb, T(h, key), data);
    }
    return pair_send_and_free(h, strdup(T(h, "pair.activity_kind")), &kb);
}

mb_status pair_ask_activity_time(hctx *h, long long kind)
{
    cJSON *data = cJSON_CreateObject();
    if (!data || !cJSON_AddNumberToObject(data, "kind", (double)kind)) {
        cJSON_Delete(data);
        return MB_ERR_NOMEM;
    }
    cJSON_Delete(h->data);
    h->data = data;
    mb_status rc = ctx_set_state(h, STATE_ACTIVITY);
    if (rc) return rc;
    char count[16];
    snprintf(count, sizeof count, "%d", mentorship_count_active(h->d, h->acct.org_id));
    return pair_send_and_free(h, TF(h, "pair.activity_time", "count", count, NULL), NULL);
}

/* "25.11 15:00 — тема": the time before a dash, the topic after it. */
mb_status pair_on_activity_text(hctx *h, const char *text)
{
    int ok = 0;
    long long kind = json_int(h->data, "kind", &ok);
    mb_status rc;
    if (!ok || kind < 0 || kind >= (long long)PAIR_ACTIVITY_KINDS || strcmp(h->acct.role, "curator") != 0) {
        if ((rc = ctx_set_state(h, ""))) return rc;
        return reply_text(h, T(h, "pair.gone"), NULL);
    }
    char when_text[128], topic[MEETING_TOPIC_BYTES] = "";
    const char *dash = strstr(text, " — ");
    size_t dash_len = strlen(" — ");
    if (!dash) {
        dash = strstr(text, " - ");
        dash_len = strlen(" - ");
    }
    size_t n = dash ? (size_t)(dash - text) : strlen(text);
    snprintf(when_text, sizeof when_text, "%.*s", (int)(n < sizeof when_text ? n : sizeof when_text - 1), text);
    if (dash) snprintf(topic, sizeof topic, "%s", dash + dash_len);
    char zone[64];
    pair_zone_of(h, h->acct.org_id, zone, sizeof zone);
    when_time t;
    when_status st = when_parse(when_text, zone, clock_now_ms(), &t);
    if (st != WHEN_OK) return reply_text(h, T(h, meeting_time_problem_key(st)), NULL);
    mentorship *list = NULL;
    int count = 0, total = 0;
    if ((rc = mentorship_list(h->d, h->acct.org_id, 0, MEETING_ACTIVITY_MENTORSHIPS_MAX, &list, &count, &total)))
        return rc;
    int64_t ids[MEETING_ACTIVITY_MENTORSHIPS_MAX];
    for (int i = 0; i < count; i++) ids[i] = list[i].id;
    free(list);
    if (!count) {
        if ((rc = ctx_set_state(h, ""))) return rc;
        return reply_text(h, T(h, "pair.activity_no_pairs"), NULL);
    }
    meeting_plan plan = {.kind = activity_kinds[kind], .topic = topic[0] ? topic : NULL, .starts_at = t.ms,
                         .created_by = h->acct.id};
    int64_t id = 0;
    meeting_problem why = MEETING_PLAN_OK;
    rc = meeting_add_activity(h->d, ids, count, &plan, clock_now_ms(), &id, &why);
    if (rc == MB_ERR_INVALID) {
        return reply_text(h, T(h, why == MEETING_BAD_TOPIC ? "pair.activity_bad_topic"
                                  : why == MEETING_IN_PAST  ? "meeting.time_past"
                                                            : "meeting.time_far"),
                          NULL);
    }
    meeting made;
    int told = 0;
    if (rc || (rc = meeting_load(h->d, id, &made)) || (rc = meeting_arm(h->d, h->env, &made)) ||
        (rc = meeting_notice_send(h->d, h->env, &made, "meeting.added", &told)) || (rc = ctx_set_state(h, "")))
        return rc;
    char when[64], pairs[16], people[16];
    meeting_notice_when_for(h->d, &made, h->acct.id, h->lang, when, sizeof when);
    snprintf(pairs, sizeof pairs, "%d", count);
    snprintf(people, sizeof people, "%d", told);
    return pair_send_and_free(h, TF(h, "pair.activity_done", "when", when, "pairs", pairs, "people", people, NULL), NULL);
}

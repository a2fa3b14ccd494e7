/*
 * The pair's own screens: «Моя пара» for a mentee and «Мои наставляемые»
 * for a mentor show who the others are, their organisation, how and when
 * they like to meet and the next meeting; «Написать» passes a message (a
 * text, or a photo or file to someone on the same messenger) through the
 * bot, so nobody's personal contacts change hands (a minor's
 * least of all), and both sides and, for a pair with a minor, the curator
 * can read the conversation; «Сообщить куратору» sends a problem to the
 * organisation's curators; «Назначить встречу» (the mentor, or a curator
 * for a pair) offers the next days and common hours fitted to what both
 * said in their surveys, or takes a typed time or a weekly series, and the
 * mentees confirm or ask for another time (handlers/meetings.c).
 *
 * Two adults of a pair may show each other their messenger accounts, when
 * both press «Обменяться контактами».
 *
 * Payloads: pr:v (the screen), pr:w:MS:TO (write), pr:p:MS (a problem),
 * pr:x:MS (agree to exchange contacts),
 * pr:c:MS (the curator reads), pr:s:MS (plan), pr:d:MS:YYYYMMDD (a day),
 * pr:o (a curator's coming meetings), pr:a and pr:k:N (a curator's activity
 * for all pairs: its kind, then a typed time and topic),
 * pr:t:MS:YYYYMMDD:HHMM (a time), pr:l:MEETING:0|1|2 (its place, link or
 * topic, typed next).
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

void pair_menu_items(hctx *h, keyboard *kb)
{
    if (!pair_is_active(h)) return;
    mentorship m;
    int n = 0;
    if (strcmp(h->acct.role, "mentee") == 0 && mentorship_of_mentee(h->d, h->acct.id, &m) == MB_OK) n = 1;
    else if (strcmp(h->acct.role, "mentor") == 0) mentorship_list_of_mentor(h->d, h->acct.id, &m, 1, &n);
    if (!n) return;
    kb_row(kb);
    kb_button(kb, T(h, strcmp(h->acct.role, "mentor") == 0 ? "pair.menu_mentees" : "pair.menu_pair"), "pr:v");
}

/* ---- the screen ---- */

/* "днём в будни, в выходные; онлайн и очно" from what both said. */
static void agreed(hctx *h, const mentorship *m, char *buf, size_t size)
{
    uint32_t slots = ~0u;
    unsigned modes = ~0u;
    int known = 0;
    int64_t ids[MENTORSHIP_GROUP_MAX + 1];
    int n = 0;
    ids[n++] = m->mentor_id;
    for (int i = 0; i < m->nmentees && n < MENTORSHIP_GROUP_MAX + 1; i++) ids[n++] = m->mentees[i];
    for (int i = 0; i < n; i++) {
        profile p;
        if (profile_load(h->d, ids[i], &p) != MB_OK) continue;
        known = 1;
        if (p.slots) slots &= p.slots;
        unsigned mode = match_mode_bits(p.meeting_mode);
        if (mode) modes &= mode;
    }
    buf[0] = 0;
    if (!known || slots == ~0u || !slots) {
        snprintf(buf, size, "%s", T(h, "pair.times_unknown"));
        return;
    }
    size_t used = 0;
    for (int s = 0; s < PROFILE_SLOT_COUNT; s++) {
        if (!(slots & (1u << s))) continue;
        char key[64];
        snprintf(key, sizeof key, "match.slot.%s", profile_slot_name(s));
        int w = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", T(h, key));
        if (w < 0 || (size_t)w >= size - used) return;
        used += (size_t)w;
    }
    const char *mode = modes == ~0u ? NULL
                       : (modes & MATCH_MODE_ONLINE) && (modes & MATCH_MODE_OFFLINE) ? "match.mode.both"
                       : (modes & MATCH_MODE_ONLINE)                                 ? "match.mode.online"
                       : (modes & MATCH_MODE_OFFLINE)                                ? "match.mode.offline"
                                                                                     : NULL;
    if (mode) snprintf(buf + used, size - used, "; %s", T(h, mode));
}

/* The next planned meeting of m as a line ("" when none). */
static void next_meeting(hctx *h, const mentorship *m, char *buf, size_t size)
{
    meeting *list = NULL;
    int n = 0;
    snprintf(buf, size, "%s", T(h, "pair.no_meeting"));
    if (meeting_list_person(h->d, m->mentor_id, clock_now_ms(), INT64_MAX, 0, 0, 8, &list, &n) != MB_OK) return;
    for (int i = 0; i < n; i++) {
        if (list[i].mentorship_id != m->id && list[i].mentorship_id) continue;
        char when[64], kind_key[48];
        meeting_notice_when_for(h->d, &list[i], h->acct.id, h->lang, when, sizeof when);
        snprintf(kind_key, sizeof kind_key, "meeting.kind.%s", list[i].kind);
        char *line = TF(h, "pair.next_meeting", "kind", T(h, kind_key), "when", when, NULL);
        if (line) snprintf(buf, size, "%s", line);
        free(line);
        break;
    }
    free(list);
}

static mb_status show_one(hctx *h, const mentorship *m, pair_role role)
{
    org o;
    if (org_get(h->d, m->org_id, &o)) snprintf(o.name, sizeof o.name, "—");
    char times[256], next[256], data[64], people[1024] = "";
    agreed(h, m, times, sizeof times);
    next_meeting(h, m, next, sizeof next);
    keyboard kb = {0};
    account a;
    if (role == PAIR_MENTEE) {
        if (account_load(h->d, m->mentor_id, &a)) return MB_ERR_DB;
        snprintf(data, sizeof data, "pr:w:%lld:%lld", (long long)m->id, (long long)a.id);
        kb_button(&kb, T(h, "pair.write_mentor"), data);
        snprintf(people, sizeof people, "%s", a.name);
    } else {
        size_t used = 0;
        for (int i = 0; i < m->nmentees; i++) {
            if (account_load(h->d, m->mentees[i], &a)) continue;
            char grade[32] = "";
            if (a.grade) snprintf(grade, sizeof grade, ", %d", a.grade);
            int w = snprintf(people + used, sizeof people - used, "%s%s%s", used ? "; " : "", a.name, grade);
            if (w > 0 && (size_t)w < sizeof people - used) used += (size_t)w;
            char *label = TF(h, "pair.write_to", "name", a.name, NULL), short_label[128];
            curator_label(label ? label : a.name, CURATOR_LABEL_PAIR_MAX, short_label, sizeof short_label);
            free(label);
            snprintf(data, sizeof data, "pr:w:%lld:%lld", (long long)m->id, (long long)a.id);
            kb_row(&kb);
            kb_button(&kb, short_label, data);
        }
        snprintf(data, sizeof data, "pr:s:%lld", (long long)m->id);
        kb_row(&kb);
        kb_button(&kb, T(h, "pair.plan"), data);
    }
    if (m->nmentees == 1 && !pair_has_minor(h, m)) {
        snprintf(data, sizeof data, "pr:x:%lld", (long long)m->id);
        kb_row(&kb);
        kb_button(&kb, T(h, "pair.contacts"), data);
    }
    snprintf(data, sizeof data, "pr:p:%lld", (long long)m->id);
    kb_row(&kb);
    kb_button(&kb, T(h, "pair.problem"), data);
    const char *key = role == PAIR_MENTEE ? "pair.view_mentee" : "pair.view_mentor";
    return pair_send_and_free(h, TF(h, key, "people", people, "org", o.name, "form",
                               curator_form_text(h->env->texts, h->lang, profile_form_code(m->form)), "times", times,
                               "next", next, NULL),
                         &kb);
}

static mb_status show_pairs(hctx *h)
{
    mentorship list[MENTORSHIPS_SHOWN];
    int n = 0;
    mb_status rc;
    if (strcmp(h->acct.role, "mentee") == 0) {
        rc = mentorship_of_mentee(h->d, h->acct.id, &list[0]);
        if (rc == MB_OK) n = 1;
        else if (rc != MB_ERR_NOT_FOUND) return rc;
    } else if ((rc = mentorship_list_of_mentor(h->d, h->acct.id, list, MENTORSHIPS_SHOWN, &n))) {
        return rc;
    }
    if (!n) return reply_text(h, T(h, "pair.none"), NULL);
    pair_role role = strcmp(h->acct.role, "mentee") == 0 ? PAIR_MENTEE : PAIR_MENTOR;
    for (int i = 0; i < n; i++)
        if ((rc = show_one(h, &list[i], role))) return rc;
    return MB_OK;
}

/* ---- routing ---- */

mb_status pair_on_button(hctx *h, const char *action, const payload_field *f, int n)
{
    (void)action, (void)n;
    /* v, o, a, k:KIND, or OP:MENTORSHIP with one or two numbers more (routes.c) */
    const char *what = f[0].word;
    mb_status rc;
    if (strcmp(what, "v") == 0) {
        if (!pair_is_active(h)) return flow_refuse_button(h, "not an active participant");
        if ((rc = reply_answer_button(h, NULL))) return rc;
        return show_pairs(h);
    }
    if (strchr("oak", what[0])) {
        if (!pair_is_active(h) || strcmp(h->acct.role, "curator") != 0) return flow_refuse_button(h, "not a curator");
        if ((rc = reply_answer_button(h, NULL))) return rc;
        return what[0] == 'o' ? pair_show_upcoming(h) : what[0] == 'a' ? pair_ask_activity_kind(h)
                                                                      : pair_ask_activity_time(h, f[1].number);
    }
    long long ms = f[1].number, extra = f[2].number, extra2 = f[3].number;
    if (what[0] == 'l') return pair_ask_detail(h, ms, extra);   /* a meeting's id, not a mentorship's */
    mentorship m;
    pair_role role = pair_load_mine(h, ms, &m);
    if (role == PAIR_NONE) {
        if ((rc = reply_answer_button(h, NULL))) return rc;
        return reply_text(h, T(h, "pair.gone"), NULL);
    }
    int planner = role == PAIR_MENTOR || role == PAIR_CURATOR;
    if (strchr("wxsdt", what[0]) && pair_paused(h, &m)) {
        if ((rc = reply_answer_button(h, NULL))) return rc;
        return pair_tell_paused(h);
    }
    switch (what[0]) {
    case 'w':
        if (role == PAIR_CURATOR) return flow_refuse_button(h, "a curator writes in their own chat");
        return pair_ask_message(h, &m, extra);
    case 'p':
        if (role == PAIR_CURATOR) return flow_refuse_button(h, "a curator reports to nobody");
        if ((rc = reply_answer_button(h, NULL)) || (rc = pair_set_dialog(h, STATE_PROBLEM, m.id, 0))) return rc;
        return reply_text(h, T(h, "pair.ask_problem"), NULL);
    case 'x':
        if (role == PAIR_CURATOR) return flow_refuse_button(h, "contacts are the pair's own");
        return pair_on_contacts(h, &m);
    case 'c':
        if (role != PAIR_CURATOR) return flow_refuse_button(h, "only the curator reads a pair's conversation");
        return pair_show_conversation(h, &m);
    case 's':
        if (!planner) return flow_refuse_button(h, "a mentee plans no meetings");
        if ((rc = reply_answer_button(h, NULL))) return rc;
        return pair_ask_day(h, &m);
    case 'd':
        if (!planner) return flow_refuse_button(h, "a mentee plans no meetings");
        if ((rc = reply_answer_button(h, NULL))) return rc;
        return pair_ask_hour(h, &m, extra);
    case 't': {
        if (!planner || extra2 > 2359 || extra2 % 100 > 59) return flow_refuse_button(h, "a bad planned time");
        struct tm day;
        if (!pair_ymd_parts(extra, &day)) return flow_refuse_button(h, "bad day");
        day.tm_hour = (int)(extra2 / 100);
        day.tm_min = (int)(extra2 % 100);
        char zone[64];
        pair_zone_of(h, m.org_id, zone, sizeof zone);
        int64_t at;
        if ((rc = reply_answer_button(h, NULL))) return rc;
        if (tz_from_local(zone, &day, &at)) return reply_text(h, T(h, "meeting.time_gap"), NULL);
        return pair_plan_at(h, &m, at);
    }
    default: return flow_refuse_button(h, "unknown pair button");
    }
}

int pair_wants_text(const hctx *h)
{
    return h->has_account && (strcmp(h->state, STATE_WRITE) == 0 || strcmp(h->state, STATE_PROBLEM) == 0 ||
                              strcmp(h->state, STATE_PLAN) == 0 || strcmp(h->state, STATE_ACTIVITY) == 0 ||
                              strcmp(h->state, STATE_DETAIL) == 0);
}

int pair_wants_attachment(const hctx *h)
{
    return h->has_account && h->ev->attachment.kind != EVENT_ATTACHMENT_NONE &&
           (strcmp(h->state, STATE_WRITE) == 0 || (!h->state[0] && pair_album_goes_on(h)));
}

mb_status pair_on_attachment(hctx *h) { return pair_on_write_attachment(h); }

mb_status pair_on_text(hctx *h, const char *text)
{
    if (strcmp(h->state, STATE_WRITE) == 0) return pair_on_write_text(h, text);
    if (strcmp(h->state, STATE_PROBLEM) == 0) return pair_on_problem_text(h, text);
    if (strcmp(h->state, STATE_ACTIVITY) == 0) return pair_on_activity_text(h, text);
    if (strcmp(h->state, STATE_DETAIL) == 0) return pair_on_detail_text(h, text);
    return pair_on_plan_text(h, text);
}

/*
 * The curator's stalled pairs (handlers/stall.h): the list of the
 * organisation's mentorships in an open stall episode, one of them with its
 * people, the reason and its last meetings with each participant's answer,
 * and what the curator may do: end it (the confirmation of
 * curator_pairs.c) or end it and pick another mentor for the mentee (the
 * suggestions of curator_match.c).
 *
 * Button data:
 *   zl:PAGE  zo:ID  zr:ID  zy:ID   list, open, ask to re-match, re-match
 * Everything is checked again when pressed: the data may be stale or forged.
 */
#include "handlers/curator.h"
#include "handlers/meeting_notice.h"
#include "handlers/stall.h"
#include "storage/profiles.h"
#include "util/clock.h"
#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VIEW_MEETINGS 5               /* the last meetings shown with a pair */
#define VIEW_TEXT_MAX (16 * 1024)

int curator_stall_count(hctx *h) { return stall_count_org(h->d, h->acct.org_id); }

static mb_status show_list(hctx *h, int page)
{
    int total = stall_count_org(h->d, h->acct.org_id);
    if (total == 0) return reply_text(h, T(h, "stall.list_empty"), NULL);
    int64_t ids[CURATOR_PAGE];
    int n = stall_list_org(h->d, h->acct.org_id, page * CURATOR_PAGE, ids, CURATOR_PAGE);
    keyboard kb = {0};
    for (int i = 0; i < n; i++) {
        mentorship m;
        if (mentorship_load(h->d, ids[i], &m) != MB_OK) continue;
        char names[2048], label[600], data[32];
        stall_pair_names(h->d, h->env, h->lang, &m, names, sizeof names);
        curator_label(names, CURATOR_LABEL_PAIR_MAX, label, sizeof label);
        snprintf(data, sizeof data, "zo:%lld", (long long)m.id);
        kb_row(&kb);
        kb_button(&kb, label, data);
    }
    curator_pager(h, &kb, "zl", page, total);
    char all[16];
    snprintf(all, sizeof all, "%d", total);
    return curator_send(h, TF(h, "stall.list_title", "total", all, NULL), &kb);
}

/* "Ольга Петровна — состоялась, польза 4 из 5; Петя Иванов — нет ответа". */
static void answers_line(hctx *h, const meeting *mt, strbuf *sb)
{
    meeting_participant who[MENTORSHIP_GROUP_MAX + 1];
    int n = meeting_participants(h->d, mt->id, who, MENTORSHIP_GROUP_MAX + 1);
    if (n > MENTORSHIP_GROUP_MAX + 1) n = MENTORSHIP_GROUP_MAX + 1;   /* it counts them all */
    for (int i = 0; i < n; i++) {
        account a;
        const char *name = account_load(h->d, who[i].account_id, &a) != MB_OK ? "?"
                           : strcmp(a.status, "forgotten") == 0 || !a.name[0] ? T(h, "erase.stand_in")
                                                                               : a.name;
        char key[48], rating[8];
        snprintf(key, sizeof key, "stall.answer.%s", who[i].outcome[0] ? who[i].outcome : "none");
        if (strcmp(who[i].outcome, "happened") == 0 && who[i].usefulness > 0)
            snprintf(key, sizeof key, "stall.answer.happened_rated");
        snprintf(rating, sizeof rating, "%d", who[i].usefulness);
        char *answer = TF(h, key, "n", rating, NULL);
        sb_printf(sb, "%s%s — %s", i ? "; " : "", name, answer ? answer : "");
        free(answer);
    }
}

static void meetings_text(hctx *h, const mentorship *m, strbuf *sb)
{
    int64_t ids[VIEW_MEETINGS];
    int n = stall_recent_meetings(h->d, m->id, clock_now_ms(), ids, VIEW_MEETINGS);
    if (n == 0) {
        sb_printf(sb, "\n\n%s", T(h, "stall.view_no_meetings"));
        return;
    }
    sb_printf(sb, "\n\n%s", T(h, "stall.view_meetings"));
    for (int i = 0; i < n; i++) {
        meeting mt;
        if (meeting_load(h->d, ids[i], &mt) != MB_OK) continue;
        char when[64], kind[48];
        meeting_notice_when(h->d, &mt, h->lang, when, sizeof when);
        snprintf(kind, sizeof kind, "meeting.kind.%s", mt.kind);
        sb_printf(sb, "\n• %s, %s: ", when, T(h, kind));
        answers_line(h, &mt, sb);
    }
}

static mb_status show_pair(hctx *h, const mentorship *m)
{
    stall_episode e;
    mb_status rc = stall_episode_load(h->d, m->id, &e);
    if (rc && rc != MB_ERR_NOT_FOUND) return rc;
    char names[2048], date[64], data[32];
    stall_pair_names(h->d, h->env, h->lang, m, names, sizeof names);
    flow_format_date(h->lang, m->created_at, date, sizeof date);
    int open = rc == MB_OK && !e.ended_at;
    char *reason = open ? stall_reason_text(h->d, h->env, h->lang, &e, clock_now_ms()) : NULL;
    char *why = open ? (reason ? TF(h, "stall.view_reason", "reason", reason, NULL) : NULL)
                     : strdup(T(h, "stall.view_moving"));
    char *head = why ? TF(h, "stall.view", "names", names, "form",
                          curator_form_text(h->env->texts, h->lang, profile_form_code(m->form)), "date", date,
                          "why", why, NULL)
                     : NULL;
    free(reason);
    free(why);
    if (!head) return MB_ERR_NOMEM;
    strbuf sb;
    sb_init(&sb, VIEW_TEXT_MAX);
    sb_puts(&sb, head);
    free(head);
    meetings_text(h, m, &sb);
    char *text = sb.failed ? NULL : sb_take(&sb);
    sb_free(&sb);
    keyboard kb = {0};
    snprintf(data, sizeof data, "ce:%lld", (long long)m->id);
    kb_button(&kb, T(h, "curator.end_button"), data);
    if (m->nmentees == 1) {
        kb_row(&kb);
        snprintf(data, sizeof data, "zr:%lld", (long long)m->id);
        kb_button(&kb, T(h, "stall.rematch_button"), data);
    }
    kb_row(&kb);
    kb_button(&kb, T(h, "stall.back"), "zl:0");
    return curator_send(h, text, &kb);
}

static mb_status ask_rematch(hctx *h, const mentorship *m)
{
    account mentee;
    char names[2048], data[32];
    stall_pair_names(h->d, h->env, h->lang, m, names, sizeof names);
    const char *name = account_load(h->d, m->mentees[0], &mentee) == MB_OK && mentee.name[0] &&
                               strcmp(mentee.status, "forgotten") != 0
                           ? mentee.name
                           : T(h, "erase.stand_in");
    keyboard kb = {0};
    snprintf(data, sizeof data, "zy:%lld", (long long)m->id);
    kb_button(&kb, T(h, "stall.rematch_yes"), data);
    snprintf(data, sizeof data, "zo:%lld", (long long)m->id);
    kb_button(&kb, T(h, "curator.end_no"), data);
    return curator_send(h, TF(h, "stall.rematch_ask", "names", names, "mentee", name, NULL), &kb);
}

mb_status curator_stall_button(hctx *h, const char *action, const payload_field *f, int n)
{
    /* zl:PAGE; zo, zr, zy: one mentorship (routes.c) */
    (void)n;
    mb_status rc;
    if (strcmp(action, "zl") == 0) {
        if ((rc = reply_answer_button(h, NULL))) return rc;
        return show_list(h, (int)f[0].number);
    }
    mentorship m;
    if (!curator_pair_of_button(h, f[0].number, &m, &rc)) return rc;
    if (strcmp(action, "zo") == 0) return show_pair(h, &m);
    if (m.nmentees != 1) return flow_refuse_button(h, "a group is not re-matched as a whole");
    if (strcmp(action, "zr") == 0) return ask_rematch(h, &m);
    /* zy: the mentee goes back to the queue, then the mentors that fit */
    if ((rc = curator_pairs_end(h, &m))) return rc;
    return curator_match_suggest(h, m.mentees[0]);
}

/*
 * The curator's bases: mentors and mentees of the organisation, and the
 * unmatched queue, one page of CURATOR_PAGE people at a time.
 */
#include "handlers/curator.h"
#include "storage/profiles.h"
#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BASE_TEXT_MAX (16 * 1024)

/* One line of a base: who, what they ask or offer, and their state. */
static void base_line(hctx *h, strbuf *sb, const account *a, int mentor)
{
    mentorship_candidate c;
    char who[96], topics[1024], extra[256];
    curator_who(h->env->texts, h->lang, a, who, sizeof who);
    int has = mentorship_load_candidate(h->d, a->id, &c) == MB_OK && c.has_profile;
    if (has) curator_topics(h->env->texts, h->lang, c.topics, topics, sizeof topics);
    else snprintf(topics, sizeof topics, "%s", T(h, "curator.no_survey"));
    char *line;
    if (mentor) {
        char load[16], capacity[16];
        snprintf(load, sizeof load, "%d", has ? c.load : 0);
        snprintf(capacity, sizeof capacity, "%d", has ? c.capacity : 0);
        line = TF(h, "curator.mentor_line", "name", a->name, "who", who, "topics", topics, "load", load,
                  "capacity", capacity, NULL);
    } else {
        mentorship m;
        account mentor_acct;
        if (mentorship_of_mentee(h->d, a->id, &m) == MB_OK && account_load(h->d, m.mentor_id, &mentor_acct) == MB_OK) {
            char *s = TF(h, "curator.mentee_matched", "mentor", mentor_acct.name, NULL);
            snprintf(extra, sizeof extra, "%s", s ? s : "");
            free(s);
        } else {
            snprintf(extra, sizeof extra, "%s", T(h, "curator.mentee_unmatched"));
        }
        line = TF(h, "curator.mentee_line", "name", a->name, "who", who, "topics", topics, "status", extra, NULL);
    }
    if (line) sb_printf(sb, "\n%s", line);
    free(line);
}

mb_status curator_show_base(hctx *h, const char *action, const payload_field *f, int nfields)
{
    (void)action, (void)nfields;
    int page = (int)f[1].number;   /* r:PAGE or e:PAGE (routes.c) */
    int mentor = f[0].word[0] == 'r';
    const char *role = mentor ? "mentor" : "mentee";
    mb_status rc = reply_answer_button(h, NULL);
    if (rc) return rc;
    int total = mentorship_count_people(h->d, h->acct.org_id, role);
    if (total == 0) return reply_text(h, T(h, mentor ? "curator.base_empty_mentors" : "curator.base_empty_mentees"), NULL);
    int64_t ids[CURATOR_PAGE];
    int n = mentorship_list_people(h->d, h->acct.org_id, role, page * CURATOR_PAGE, ids, CURATOR_PAGE);
    char from[16], to[16], all[16];
    snprintf(from, sizeof from, "%d", page * CURATOR_PAGE + (n ? 1 : 0));
    snprintf(to, sizeof to, "%d", page * CURATOR_PAGE + n);
    snprintf(all, sizeof all, "%d", total);
    char *title = TF(h, mentor ? "curator.mentors_title" : "curator.mentees_title", "from", from, "to", to,
                     "total", all, NULL);
    strbuf sb;
    sb_init(&sb, BASE_TEXT_MAX);
    sb_puts(&sb, title ? title : "");
    free(title);
    for (int i = 0; i < n; i++) {
        account a;
        if (account_load(h->d, ids[i], &a) == MB_OK) base_line(h, &sb, &a, mentor);
    }
    keyboard kb = {0};
    curator_pager(h, &kb, mentor ? "cb:r" : "cb:e", page, total);
    char *text = sb.failed ? NULL : sb_take(&sb);
    sb_free(&sb);
    return curator_send(h, text, &kb);
}

mb_status curator_show_queue(hctx *h, const char *action, const payload_field *f, int nfields)
{
    (void)action, (void)nfields;
    int page = (int)f[0].number;   /* PAGE (routes.c) */
    mb_status rc = reply_answer_button(h, NULL);
    if (rc) return rc;
    int total = mentorship_count_queue(h->d, h->acct.org_id);
    if (total == 0) return reply_text(h, T(h, "curator.queue_empty"), NULL);
    int64_t ids[CURATOR_PAGE];
    int n = mentorship_list_queue(h->d, h->acct.org_id, page * CURATOR_PAGE, ids, CURATOR_PAGE);
    keyboard kb = {0};
    curator_people_buttons(h, &kb, ids, n, "cv");
    curator_pager(h, &kb, "cq", page, total);
    char all[16];
    snprintf(all, sizeof all, "%d", total);
    return curator_send(h, TF(h, "curator.queue_title", "total", all, NULL), &kb);
}

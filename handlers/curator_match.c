/*
 * Matching from the curator's side: up to three mentors proposed for an
 * unmatched mentee with the score and the reasons in words; confirm, reject
 * (remembered, the next one is shown) or pick another mentor; pairs and
 * groups. The list of mentorships and ending one are in curator_pairs.c.
 *
 * Button data:
 *   cv:MENTEE                 suggestions for a mentee
 *   cy:MENTEE:MENTOR          confirm (asks group or pair when the mentor
 *                             already has a mentorship of that form)
 *   cn:MENTEE:MENTOR          confirm as a separate pair
 *   cg:MENTEE:MENTORSHIP      add to that group
 *   cr:MENTEE:MENTOR          reject
 *   cp:MENTEE:PAGE            every mentor that may take the mentee, ranked
 * Everything is checked again when pressed: the data may be stale or forged.
 */
#include "handlers/curator.h"
#include "handlers/matching.h"
#include "util/log.h"
#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MATCH_TEXT_MAX (16 * 1024)
#define REJECTED_MAX 256      /* rejections looked at per mentee */

/* Matching works on the organisation the curator's menu is on: a curator
 * of several organisations must not pair a mentee of one with a mentor of
 * another, so both must belong to that one (and it to the curator). */
static int load_in_scope(hctx *h, int64_t id, const char *role, account *out)
{
    return account_load(h->d, id, out) == MB_OK && strcmp(out->role, role) == 0 &&
           out->org_id == h->acct.org_id && curator_in_scope(h, out->org_id);
}

static mb_status say_key(hctx *h, const char *key, const char *name, const char *value)
{
    return curator_send(h, TF(h, key, name, value, NULL), NULL);
}

/* The mentors of the curator's organisation, ready for scoring. */
typedef struct org_mentors {
    mentorship_candidate *list;
    int n;
    match_pool *pool;
    uint32_t forms;
    int64_t program_id;
} org_mentors;

static void org_mentors_free(org_mentors *m)
{
    free(m->list);
    match_pool_free(m->pool);
    memset(m, 0, sizeof *m);
}

static mb_status org_mentors_load(hctx *h, org_mentors *m)
{
    memset(m, 0, sizeof *m);
    mentorship_program prog;
    if (mentorship_program_load(h->d, h->acct.org_id, &prog) == MB_OK) {
        m->forms = match_forms_parse(prog.forms);
        m->program_id = prog.id;
    }
    mb_status rc = mentorship_load_mentors(h->d, h->acct.org_id, &m->list, &m->n);
    if (rc) return rc;
    match_person *people = calloc(m->n ? (size_t)m->n : 1, sizeof *people);
    if (!people) return MB_ERR_NOMEM;
    for (int i = 0; i < m->n; i++) match_person_from(&people[i], &m->list[i]);
    m->pool = match_pool_build(people, m->n, m->forms);
    free(people);
    return m->pool ? MB_OK : MB_ERR_NOMEM;
}

/* The reasons of one suggestion, one per line, in the curator's language. */
static void reasons_text(hctx *h, const match_suggestion *s, const mentorship_candidate *mentor, strbuf *sb)
{
    const i18n *t = h->env->texts;
    char words[1024], *line;
    if (s->reasons & MATCH_REASON_TOPICS) {
        curator_topics(t, h->lang, s->shared_topics, words, sizeof words);
        line = TF(h, "match.reason_topics", "topics", words, NULL);
    } else {
        line = TF(h, "match.reason_no_topics", NULL);
    }
    if (line) sb_printf(sb, "\n• %s", line);
    free(line);
    line = TF(h, s->reasons & MATCH_REASON_FORM ? "match.reason_form" : "match.reason_form_other", "form",
              curator_form_text(t, h->lang, s->form), NULL);
    if (line) sb_printf(sb, "\n• %s", line);
    free(line);
    if (s->reasons & MATCH_REASON_SLOTS) {
        size_t used = 0;
        words[0] = 0;
        for (int i = 0; i < PROFILE_SLOT_COUNT; i++) {
            if (!(s->shared_slots & (1u << i))) continue;
            char key[48];
            snprintf(key, sizeof key, "match.slot.%s", profile_slot_name(i));
            int n = snprintf(words + used, sizeof words - used, "%s%s", used ? ", " : "", T(h, key));
            if (n > 0 && (size_t)n < sizeof words - used) used += (size_t)n;
        }
        line = TF(h, "match.reason_slots", "slots", words, NULL);
        if (line) sb_printf(sb, "\n• %s", line);
        free(line);
    }
    if (s->reasons & MATCH_REASON_MODE) {
        const char *mode = s->shared_mode == (MATCH_MODE_ONLINE | MATCH_MODE_OFFLINE) ? "match.mode.both"
                           : s->shared_mode == MATCH_MODE_ONLINE                     ? "match.mode.online"
                                                                                     : "match.mode.offline";
        line = TF(h, "match.reason_mode", "mode", T(h, mode), NULL);
        if (line) sb_printf(sb, "\n• %s", line);
        free(line);
    }
    char capacity[16];
    snprintf(capacity, sizeof capacity, "%d", mentor->capacity);
    line = i18n_plural(t, h->lang, "match.reason_capacity", s->capacity_left, "capacity", capacity, NULL);
    if (line) sb_printf(sb, "\n• %s", line);
    free(line);
}

static const mentorship_candidate *find_mentor(const org_mentors *m, int64_t id)
{
    for (int i = 0; i < m->n; i++)
        if (m->list[i].id == id) return &m->list[i];
    return NULL;
}

/* Tells the curator why a mentee cannot be matched now; 1 when it did. */
static int mentee_unavailable(hctx *h, const account *mentee, mb_status *rc)
{
    match_verdict v = curator_mentee_available(h->d, mentee, rc);
    if (v == MATCH_PAIR_FAILED) return 1;
    if (v == MATCH_PAIR_MENTEE_ERASED) *rc = reply_text(h, T(h, "match.mentee_erased"), NULL);
    else if (v == MATCH_PAIR_MENTEE_GONE) *rc = say_key(h, "match.mentee_gone", "mentee", mentee->name);
    else if (v == MATCH_PAIR_ALREADY_MATCHED) *rc = say_key(h, "match.already_matched", "mentee", mentee->name);
    return v != MATCH_PAIR_OK;
}

/* What matching weighs for a mentee: their answers, as a person, and the
 * mentors the curator turned down for them. */
typedef struct mentee_match {
    mentorship_candidate mc;
    match_person person;   /* made of mc */
    int64_t rejected[REJECTED_MAX];
    int nrejected;
} mentee_match;

/* Reads it; 1 when the mentee cannot be matched now (the curator was told)
 * or a read failed, *rc being what to return then. */
static int mentee_match_load(hctx *h, const account *mentee, mentee_match *m, mb_status *rc)
{
    if (mentee_unavailable(h, mentee, rc)) return 1;
    if ((*rc = mentorship_load_candidate(h->d, mentee->id, &m->mc))) return 1;
    match_person_from(&m->person, &m->mc);
    m->nrejected = mentorship_rejected_for(h->d, mentee->id, m->rejected, REJECTED_MAX);
    return 0;
}

static mb_status show_suggestions(hctx *h, const account *mentee)
{
    mb_status rc;
    mentee_match mm;
    if (mentee_match_load(h, mentee, &mm, &rc)) return rc;
    org_mentors om;
    if ((rc = org_mentors_load(h, &om))) {
        org_mentors_free(&om);
        return rc;
    }
    match_suggestion best[MATCH_SUGGESTIONS_MAX];
    int n = match_pool_suggest(om.pool, &mm.person, mm.rejected, mm.nrejected, best, MATCH_SUGGESTIONS_MAX);

    char who[96], topics[1024], data[48];
    curator_who(h->env->texts, h->lang, mentee, who, sizeof who);
    if (mm.mc.has_profile) curator_topics(h->env->texts, h->lang, mm.mc.topics, topics, sizeof topics);
    else snprintf(topics, sizeof topics, "%s", T(h, "curator.no_survey"));
    strbuf sb;
    sb_init(&sb, MATCH_TEXT_MAX);
    char *title = TF(h, "match.title", "name", mentee->name, "who", who, "topics", topics, NULL);
    sb_puts(&sb, title ? title : "");
    free(title);
    keyboard kb = {0};
    if (n == 0) sb_printf(&sb, "\n\n%s", T(h, "match.none"));
    for (int i = 0; i < n; i++) {
        account mentor;
        const mentorship_candidate *c = find_mentor(&om, best[i].mentor_id);
        if (!c || account_load(h->d, best[i].mentor_id, &mentor)) continue;
        char rank[16], score[16], mwho[96], label[160], name[128];
        snprintf(rank, sizeof rank, "%d", i + 1);
        snprintf(score, sizeof score, "%d", best[i].score);
        curator_who(h->env->texts, h->lang, &mentor, mwho, sizeof mwho);
        char *head = TF(h, "match.suggestion", "rank", rank, "name", mentor.name, "who", mwho, "score", score, NULL);
        sb_printf(&sb, "\n\n%s", head ? head : "");
        free(head);
        reasons_text(h, &best[i], c, &sb);
        curator_label(mentor.name, CURATOR_LABEL_NAME_MAX, name, sizeof name);
        kb_row(&kb);
        snprintf(label, sizeof label, "✓ %s", name);
        snprintf(data, sizeof data, "cy:%lld:%lld", (long long)mentee->id, (long long)mentor.id);
        kb_button(&kb, label, data);
        snprintf(label, sizeof label, "✗ %s", name);
        snprintf(data, sizeof data, "cr:%lld:%lld", (long long)mentee->id, (long long)mentor.id);
        kb_button(&kb, label, data);
    }
    org_mentors_free(&om);
    kb_row(&kb);
    snprintf(data, sizeof data, "cp:%lld:0", (long long)mentee->id);
    kb_button(&kb, T(h, "match.pick_other"), data);
    char *text = sb.failed ? NULL : sb_take(&sb);
    sb_free(&sb);
    return curator_send(h, text, &kb);
}

/* Every mentor that may take the mentee, best first, a page at a time. */
static mb_status show_pick(hctx *h, const account *mentee, int page)
{
    mb_status rc;
    mentee_match mm;
    if (mentee_match_load(h, mentee, &mm, &rc)) return rc;
    org_mentors om;
    match_suggestion *all = NULL;
    if ((rc = org_mentors_load(h, &om))) goto out;
    all = calloc(om.n ? (size_t)om.n : 1, sizeof *all);
    if (!all) {
        rc = MB_ERR_NOMEM;
        goto out;
    }
    int total = match_pool_suggest(om.pool, &mm.person, mm.rejected, mm.nrejected, all, om.n);
    if (total == 0) {
        rc = reply_text(h, T(h, "match.pick_none"), NULL);
        goto out;
    }
    keyboard kb = {0};
    for (int i = page * CURATOR_PAGE; i < total && i < (page + 1) * CURATOR_PAGE; i++) {
        account mentor;
        if (account_load(h->d, all[i].mentor_id, &mentor)) continue;
        char name[128], who[96], label[256], data[48];
        curator_label(mentor.name, CURATOR_LABEL_NAME_MAX, name, sizeof name);
        curator_who(h->env->texts, h->lang, &mentor, who, sizeof who);
        snprintf(label, sizeof label, "%s (%s) — %d", name, who, all[i].score);
        snprintf(data, sizeof data, "cy:%lld:%lld", (long long)mentee->id, (long long)mentor.id);
        kb_row(&kb);
        kb_button(&kb, label, data);
    }
    char prefix[40];
    snprintf(prefix, sizeof prefix, "cp:%lld", (long long)mentee->id);
    curator_pager(h, &kb, prefix, page, total);
    rc = curator_send(h, TF(h, "match.pick_title", "name", mentee->name, NULL), &kb);
out:
    free(all);
    org_mentors_free(&om);
    return rc;
}

/*
 * Loads and checks mentee and mentor for pairing. Returns 1 when the pair
 * may be formed; 0 when it answered the curator instead (*rc is the result
 * of that answer): forged or foreign ids are refused, a participant who left
 * or a full mentor is explained.
 */
static int check_pair(hctx *h, int64_t mentee_id, int64_t mentor_id, match_pairing *p, mb_status *rc)
{
    *rc = MB_OK;
    match_verdict v = curator_in_scope(h, h->acct.org_id)
                          ? curator_pair_check(h->d, h->acct.org_id, mentee_id, mentor_id, p, rc)
                          : MATCH_PAIR_MENTEE_OUTSIDE;
    if (v == MATCH_PAIR_FAILED) return 0;
    if (v == MATCH_PAIR_MENTEE_OUTSIDE || v == MATCH_PAIR_MENTOR_OUTSIDE) {
        *rc = flow_refuse_button(h, v == MATCH_PAIR_MENTEE_OUTSIDE ? "mentee not in the curator's organisation"
                                                                   : "mentor not in the curator's organisation");
        return 0;
    }
    if ((*rc = reply_answer_button(h, NULL))) return 0;
    switch (v) {
    case MATCH_PAIR_OK: return 1;
    case MATCH_PAIR_MENTEE_ERASED: *rc = reply_text(h, T(h, "match.mentee_erased"), NULL); break;
    case MATCH_PAIR_MENTEE_GONE: *rc = say_key(h, "match.mentee_gone", "mentee", p->mentee.name); break;
    case MATCH_PAIR_ALREADY_MATCHED: *rc = say_key(h, "match.already_matched", "mentee", p->mentee.name); break;
    case MATCH_PAIR_MENTOR_ERASED: *rc = reply_text(h, T(h, "match.mentor_erased"), NULL); break;
    case MATCH_PAIR_MENTOR_GONE: *rc = reply_text(h, T(h, "match.mentor_gone"), NULL); break;
    case MATCH_PAIR_NOT_ALLOWED:
        log_warn("curator", "account %lld tried to pair mentee %lld with mentor %lld against the form rules",
                 (long long)h->acct.id, (long long)mentee_id, (long long)mentor_id);
        *rc = say_key(h, "match.not_allowed", "mentee", p->mentee.name);
        break;
    case MATCH_PAIR_MENTOR_FULL: *rc = say_key(h, "match.mentor_full", "mentor", p->mentor.name); break;
    default: break;
    }
    return 0;
}

static mb_status explain_failure(hctx *h, const match_pairing *p, mb_status rc)
{
    if (rc == MB_ERR_EXISTS) return say_key(h, "match.already_matched", "mentee", p->mentee.name);
    if (rc == MB_ERR_LIMIT) return say_key(h, "match.mentor_full", "mentor", p->mentor.name);
    if (rc == MB_ERR_NOT_FOUND) return reply_text(h, T(h, "match.mentor_gone"), NULL);
    return rc;
}

static mb_status audit_pair(hctx *h, const char *action, int64_t mentorship_id, const match_pairing *p)
{
    char actor[32], subject[32], detail[128];
    curator_actor(h, actor, sizeof actor);
    snprintf(subject, sizeof subject, "mentorship:%lld", (long long)mentorship_id);
    snprintf(detail, sizeof detail, "mentor %lld, mentee %lld, form %s", (long long)p->mentor.id,
             (long long)p->mentee.id, profile_form_name(p->form));
    return audit_log(h->d, actor, action, subject, detail);
}

static mb_status create_pair(hctx *h, const match_pairing *p)
{
    int64_t id = 0;
    mb_status rc = mentorship_create(h->d, h->acct.org_id, p->program_id, profile_form_name(p->form), p->mentor.id,
                                     &p->mentee.id, 1, h->acct.id, &id);
    if (rc) return explain_failure(h, p, rc);
    if ((rc = audit_pair(h, "mentorship.create", id, p)) ||
        (rc = curator_pair_introduce(h->d, h->env, &p->mentee, &p->mentee_c, &p->mentor, p->form)))
        return rc;
    return curator_send(h, TF(h, "match.confirmed_pair", "mentor", p->mentor.name, "mentee", p->mentee.name, "form",
                              curator_form_text(h->env->texts, h->lang, p->form), NULL), NULL);
}

static char *members_text(hctx *h, int n)
{
    return i18n_plural(h->env->texts, h->lang, "match.members", n, NULL);
}

static mb_status confirm(hctx *h, const char *action, const int64_t *ids)
{
    match_pairing p;
    mb_status rc;
    if (!check_pair(h, ids[0], ids[1], &p, &rc)) return rc;
    mentorship group;
    if (strcmp(action, "cy") == 0 &&
        mentorship_find_group(h->d, p.mentor.id, profile_form_name(p.form), &group) == MB_OK) {
        char data[48], *members = members_text(h, group.nmentees);
        keyboard kb = {0};
        snprintf(data, sizeof data, "cg:%lld:%lld", (long long)p.mentee.id, (long long)group.id);
        kb_button(&kb, T(h, "match.to_group"), data);
        kb_row(&kb);
        snprintf(data, sizeof data, "cn:%lld:%lld", (long long)p.mentee.id, (long long)p.mentor.id);
        kb_button(&kb, T(h, "match.new_pair"), data);
        char *text = TF(h, "match.group_or_pair", "mentor", p.mentor.name, "mentee", p.mentee.name, "form",
                        curator_form_text(h->env->texts, h->lang, p.form), "members", members ? members : "", NULL);
        free(members);
        return curator_send(h, text, &kb);
    }
    return create_pair(h, &p);
}

static mb_status add_to_group(hctx *h, const int64_t *ids)
{
    mentorship group;
    if (mentorship_load(h->d, ids[1], &group) != MB_OK ||
        group.org_id != h->acct.org_id || !curator_in_scope(h, group.org_id))
        return flow_refuse_button(h, "group not in the curator's organisation");
    match_pairing p;
    mb_status rc;
    if (!check_pair(h, ids[0], group.mentor_id, &p, &rc)) return rc;
    if (strcmp(group.state, "active") != 0) return reply_text(h, T(h, "match.group_gone"), NULL);
    if (strcmp(group.form, profile_form_name(p.form)) != 0)
        return say_key(h, "match.not_allowed", "mentee", p.mentee.name);
    if ((rc = mentorship_add_mentee(h->d, group.id, p.mentee.id))) return explain_failure(h, &p, rc);
    if ((rc = audit_pair(h, "mentorship.add", group.id, &p)) ||
        (rc = curator_pair_introduce(h->d, h->env, &p.mentee, &p.mentee_c, &p.mentor, p.form)))
        return rc;
    char *members = members_text(h, group.nmentees + 1);
    char *text = TF(h, "match.confirmed_group", "mentor", p.mentor.name, "mentee", p.mentee.name, "form",
                    curator_form_text(h->env->texts, h->lang, p.form), "members", members ? members : "", NULL);
    free(members);
    return curator_send(h, text, NULL);
}

static mb_status reject(hctx *h, const int64_t *ids)
{
    account mentee, mentor;
    if (!load_in_scope(h, ids[0], "mentee", &mentee) ||
        !load_in_scope(h, ids[1], "mentor", &mentor))
        return flow_refuse_button(h, "rejection outside the curator's organisation");
    char actor[32], subject[32], detail[48];
    curator_actor(h, actor, sizeof actor);
    snprintf(subject, sizeof subject, "account:%lld", (long long)mentee.id);
    snprintf(detail, sizeof detail, "mentor %lld", (long long)mentor.id);
    mb_status rc;
    if ((rc = reply_answer_button(h, NULL)) || (rc = mentorship_reject(h->d, mentee.id, mentor.id)) ||
        (rc = audit_log(h->d, actor, "match.reject", subject, detail)))
        return rc;
    if ((rc = curator_send(h, TF(h, "match.rejected", "mentor", mentor.name, "mentee", mentee.name, NULL), NULL)))
        return rc;
    return show_suggestions(h, &mentee);
}

mb_status curator_match_suggest(hctx *h, int64_t mentee_id)
{
    account mentee;
    if (!load_in_scope(h, mentee_id, "mentee", &mentee)) return reply_text(h, T(h, "curator.already_ended"), NULL);
    return show_suggestions(h, &mentee);
}

mb_status curator_match_button(hctx *h, const char *action, const payload_field *f, int n)
{
    /* MENTEE:MENTOR (cy, cn, cr), MENTEE:GROUP (cg), MENTEE (cv), or
     * MENTEE:PAGE (cp), as routes.c declares them */
    (void)n;
    mb_status rc;
    int64_t ids[2] = {f[0].number, f[1].number};
    if (strcmp(action, "cy") == 0 || strcmp(action, "cn") == 0) return confirm(h, action, ids);
    if (strcmp(action, "cg") == 0) return add_to_group(h, ids);
    if (strcmp(action, "cr") == 0) return reject(h, ids);
    account mentee;
    if (!load_in_scope(h, ids[0], "mentee", &mentee))
        return flow_refuse_button(h, "mentee not in the curator's organisation");
    if ((rc = reply_answer_button(h, NULL))) return rc;
    return strcmp(action, "cv") == 0 ? show_suggestions(h, &mentee) : show_pick(h, &mentee, (int)ids[1]);
}

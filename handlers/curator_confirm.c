/*
 * Confirming a pair, shared by the curator's buttons (curator_match.c) and
 * `admin match confirm` (bot/admin/admin_match.c): the same checks, and the same
 * introduction each side gets, wherever the confirmation comes from.
 */
#include "handlers/curator.h"
#include "handlers/matching.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

match_verdict curator_mentee_available(db *d, const account *mentee, mb_status *rc)
{
    if (strcmp(mentee->status, "forgotten") == 0) return MATCH_PAIR_MENTEE_ERASED;
    if (strcmp(mentee->status, "active") != 0) return MATCH_PAIR_MENTEE_GONE;
    mentorship current;
    mb_status found = mentorship_of_mentee(d, mentee->id, &current);
    if (found == MB_OK) return MATCH_PAIR_ALREADY_MATCHED;
    if (found != MB_ERR_NOT_FOUND) {
        *rc = found;
        return MATCH_PAIR_FAILED;
    }
    return MATCH_PAIR_OK;
}

static int load_in_org(db *d, int64_t id, const char *role, int64_t org_id, account *out)
{
    return account_load(d, id, out) == MB_OK && strcmp(out->role, role) == 0 && out->org_id == org_id;
}

match_verdict curator_pair_check(db *d, int64_t org_id, int64_t mentee_id, int64_t mentor_id, match_pairing *p,
                                 mb_status *rc)
{
    memset(p, 0, sizeof *p);
    if (!load_in_org(d, mentee_id, "mentee", org_id, &p->mentee)) return MATCH_PAIR_MENTEE_OUTSIDE;
    if (!load_in_org(d, mentor_id, "mentor", org_id, &p->mentor)) return MATCH_PAIR_MENTOR_OUTSIDE;
    match_verdict v = curator_mentee_available(d, &p->mentee, rc);
    if (v != MATCH_PAIR_OK) return v;
    if (strcmp(p->mentor.status, "active") != 0)
        return strcmp(p->mentor.status, "forgotten") == 0 ? MATCH_PAIR_MENTOR_ERASED : MATCH_PAIR_MENTOR_GONE;
    if ((*rc = mentorship_load_candidate(d, mentee_id, &p->mentee_c)) ||
        (*rc = mentorship_load_candidate(d, mentor_id, &p->mentor_c)))
        return MATCH_PAIR_FAILED;
    mentorship_program prog;
    uint32_t forms = 0;
    if (mentorship_program_load(d, org_id, &prog) == MB_OK) {
        forms = match_forms_parse(prog.forms);
        p->program_id = prog.id;
    }
    match_person mentee, mentor;
    match_person_from(&mentee, &p->mentee_c);
    match_person_from(&mentor, &p->mentor_c);
    p->form = match_form(&mentee, &mentor, forms);
    if (p->form < 0) return MATCH_PAIR_NOT_ALLOWED;
    if (mentor.capacity - mentor.load <= 0) return MATCH_PAIR_MENTOR_FULL;
    return MATCH_PAIR_OK;
}

/* The introduction each side gets, in their own language. */
mb_status curator_pair_introduce(db *d, const bot_env *env, const account *mentee, const mentorship_candidate *mentee_c,
                                 const account *mentor, int form)
{
    const i18n *t = env->texts;
    struct { const account *to, *other; const char *key; } sides[2] = {
        {mentor, mentee, "match.intro_mentor"},
        {mentee, mentor, "match.intro_mentee"},
    };
    for (int i = 0; i < 2; i++) {
        const char *lang = i18n_pick_language(t, sides[i].to->language);
        char who[96], topics[1024];
        curator_who(t, lang, sides[i].other, who, sizeof who);
        if (mentee_c->has_profile) curator_topics(t, lang, mentee_c->topics, topics, sizeof topics);
        else snprintf(topics, sizeof topics, "%s", i18n_text(t, lang, "curator.topics_none"));
        char key[I18N_KEY_MAX + 1];
        const char *k = key_for_reader(env, lang, sides[i].to, sides[i].key, key, sizeof key);
        char *text = i18n_format(t, lang, k, "name", sides[i].other->name, "who", who, "topics", topics, "form",
                                 curator_form_text(t, lang, form), NULL);
        if (!text) return MB_ERR_NOMEM;
        mb_status rc = reply_to_account(d, sides[i].to->id, text, NULL);
        free(text);
        /* Someone with no messenger left (blocked, erased) just gets nothing. */
        if (rc && rc != MB_ERR_NOT_FOUND) return rc;
    }
    return MB_OK;
}

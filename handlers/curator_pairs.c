/*
 * The curator's mentorships: the list of active pairs and groups, one
 * mentorship with its form and start date, and ending it (its members go
 * back to the queue and each hears of it in their language).
 *
 * Button data:
 *   cl:PAGE  cm:ID  ce:ID  cx:ID   list, view, ask to end, end
 *   dr:ID  dr:ID:N                 the directions to choose from, direction N
 *                                  (N = their count: none)
 * Everything is checked again when pressed: the data may be stale or forged.
 */
#include "handlers/curator.h"
#include "handlers/pair.h"
#include "handlers/recognition.h"
#include "storage/directions.h"
#include "storage/profiles.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A member's name; someone who erased their data is shown as such, the
 * same words as in messages and tables. */
static const char *member_name(hctx *h, int64_t id, account *a)
{
    if (account_load(h->d, id, a) != MB_OK) return "?";
    if (strcmp(a->status, "forgotten") == 0 || !a->name[0]) return T(h, "erase.stand_in");
    return a->name;
}

/* "Mentor — mentee, mentee" for lists. */
static void pair_names(hctx *h, const mentorship *m, char *buf, size_t size)
{
    account a;
    size_t used = 0;
    int n = snprintf(buf, size, "%s —", member_name(h, m->mentor_id, &a));
    if (n < 0 || (size_t)n >= size) return;
    used = (size_t)n;
    for (int i = 0; i < m->nmentees; i++) {
        n = snprintf(buf + used, size - used, "%s %s", i ? "," : "",
                     member_name(h, m->mentees[i], &a));
        if (n < 0 || (size_t)n >= size - used) return;
        used += (size_t)n;
    }
}

static mb_status show_mentorships(hctx *h, int page)
{
    mentorship *list = NULL;
    int n = 0, total = 0;
    mb_status rc = reply_answer_button(h, NULL);
    if (!rc) rc = mentorship_list(h->d, h->acct.org_id, page * CURATOR_PAGE, CURATOR_PAGE, &list, &n, &total);
    if (rc) return rc;
    if (total == 0) {
        free(list);
        return reply_text(h, T(h, "curator.mentorships_empty"), NULL);
    }
    keyboard kb = {0};
    for (int i = 0; i < n; i++) {
        char names[512], label[600], data[32];
        pair_names(h, &list[i], names, sizeof names);
        curator_label(names, CURATOR_LABEL_PAIR_MAX, label, sizeof label);
        snprintf(data, sizeof data, "cm:%lld", (long long)list[i].id);
        kb_row(&kb);
        kb_button(&kb, label, data);
    }
    free(list);
    curator_pager(h, &kb, "cl", page, total);
    char all[16];
    snprintf(all, sizeof all, "%d", total);
    return curator_send(h, TF(h, "curator.mentorships_title", "total", all, NULL), &kb);
}

static mb_status show_mentorship(hctx *h, const mentorship *m, int ask_end)
{
    char names[2048], date[64], data[32];
    pair_names(h, m, names, sizeof names);
    flow_format_date(h->lang, m->created_at, date, sizeof date);
    int form = profile_form_code(m->form);
    keyboard kb = {0};
    if (ask_end) {
        snprintf(data, sizeof data, "cx:%lld", (long long)m->id);
        kb_button(&kb, T(h, "curator.end_yes"), data);
        snprintf(data, sizeof data, "cm:%lld", (long long)m->id);
        kb_button(&kb, T(h, "curator.end_no"), data);
        return curator_send(h, TF(h, "curator.end_ask", "names", names, NULL), &kb);
    }
    char direction[16], direction_key[48];
    mb_status rc = direction_get(h->d, m->id, direction, sizeof direction);
    if (rc) return rc;
    snprintf(direction_key, sizeof direction_key, "direction.%s", direction[0] ? direction : "none");
    snprintf(data, sizeof data, "pr:s:%lld", (long long)m->id);
    kb_button(&kb, T(h, "pair.plan"), data);
    snprintf(data, sizeof data, "dr:%lld", (long long)m->id);
    kb_button(&kb, T(h, "direction.button"), data);
    if (pair_has_minor(h, m)) {
        snprintf(data, sizeof data, "pr:c:%lld", (long long)m->id);
        kb_button(&kb, T(h, "pair.read"), data);
    }
    curator_recognition_offer(h, m, &kb);
    kb_row(&kb);
    snprintf(data, sizeof data, "ce:%lld", (long long)m->id);
    kb_button(&kb, T(h, "curator.end_button"), data);
    return curator_send(h, TF(h, "curator.mentorship_view_direction", "names", names, "form",
                              curator_form_text(h->env->texts, h->lang, form), "date", date, "direction",
                              T(h, direction_key), NULL), &kb);
}

/* The directions as buttons, the current one ticked, or one chosen. */
mb_status curator_direction_button(hctx *h, const char *action, const payload_field *f, int n)
{
    (void)action;
    /* MS, or MS:N with the direction chosen (routes.c) */
    long long id = f[0].number, choice = n == 2 ? f[1].number : -1;
    if (choice > direction_count()) return flow_refuse_button(h, "bad direction data");
    mentorship m;
    mb_status rc;
    if (!curator_pair_of_button(h, id, &m, &rc)) return rc;
    char current[16], data[48], key[48];
    if ((rc = direction_get(h->d, m.id, current, sizeof current))) return rc;
    if (choice < 0) {
        keyboard kb = {0};
        for (int i = 0; i <= direction_count(); i++) {
            const char *code = i < direction_count() ? direction_name(i) : "none";
            char label[200];
            snprintf(key, sizeof key, "direction.%s", code);
            snprintf(label, sizeof label, "%s%s", strcmp(current[0] ? current : "none", code) == 0 ? "✓ " : "",
                     T(h, key));
            snprintf(data, sizeof data, "dr:%lld:%d", id, i);
            if (i % 2 == 0) kb_row(&kb);
            kb_button(&kb, label, data);
        }
        return curator_send(h, TF(h, "direction.ask", NULL), &kb);
    }
    const char *code = choice < direction_count() ? direction_name((int)choice) : "";
    if ((rc = direction_set(h->d, m.id, code))) return rc;
    char actor[32], subject[32], detail[64];
    curator_actor(h, actor, sizeof actor);
    snprintf(subject, sizeof subject, "mentorship:%lld", (long long)m.id);
    snprintf(detail, sizeof detail, "direction \"%s\" -> \"%s\"", current, code);
    if ((rc = audit_log(h->d, actor, "mentorship.direction", subject, detail))) return rc;
    if ((rc = reply_text(h, T(h, "direction.saved"), NULL))) return rc;
    return show_mentorship(h, &m, 0);
}

mb_status curator_pairs_end(hctx *h, const mentorship *m)
{
    mb_status rc = mentorship_end(h->d, m->id);
    if (rc == MB_ERR_NOT_FOUND) return reply_text(h, T(h, "curator.already_ended"), NULL);
    if (rc) return rc;
    char actor[32], subject[32];
    curator_actor(h, actor, sizeof actor);
    snprintf(subject, sizeof subject, "mentorship:%lld", (long long)m->id);
    if ((rc = audit_log(h->d, actor, "mentorship.end", subject, NULL))) return rc;
    /* The participants learn it from the bot, each in their language. */
    int64_t people[MENTORSHIP_GROUP_MAX + 1];
    int n = 0;
    people[n++] = m->mentor_id;
    for (int i = 0; i < m->nmentees; i++) people[n++] = m->mentees[i];
    const char *form = profile_form_name(profile_form_code(m->form)) ? m->form : "none";
    for (int i = 0; i < n; i++) {
        account a;
        if (account_load(h->d, people[i], &a) || strcmp(a.status, "active") != 0) continue;
        const char *lang = i18n_pick_language(h->env->texts, a.language);
        char key[48];
        snprintf(key, sizeof key, "match.form.%s", form);
        char notice[I18N_KEY_MAX + 1];
        char *text = i18n_format(h->env->texts, lang, key_for_reader(h->env, lang, &a, "match.ended_notice", notice,
                                                                     sizeof notice), "form",
                                 i18n_text(h->env->texts, lang, key), NULL);
        if (!text) return MB_ERR_NOMEM;
        rc = reply_to_account(h->d, a.id, text, NULL);
        free(text);
        if (rc && rc != MB_ERR_NOT_FOUND) return rc;
    }
    /* A mentorship that held its final meeting is offered its letters. */
    keyboard kb = {0};
    int offered = curator_recognition_offer(h, m, &kb);
    rc = reply_text(h, T(h, offered ? "curator.ended_completed" : "curator.ended"), offered ? &kb : NULL);
    kb_free(&kb);
    return rc;
}

int curator_pair_of_button(hctx *h, long long id, mentorship *m, mb_status *rc)
{
    if (mentorship_load(h->d, id, m) != MB_OK || !curator_in_scope(h, m->org_id)) {
        *rc = flow_refuse_button(h, "mentorship not in the curator's organisation");
        return 0;
    }
    if ((*rc = reply_answer_button(h, NULL))) return 0;
    if (strcmp(m->state, "active") != 0) {
        *rc = reply_text(h, T(h, "curator.already_ended"), NULL);
        return 0;
    }
    return 1;
}

mb_status curator_pairs_button(hctx *h, const char *action, const payload_field *f, int n)
{
    /* cl:PAGE; cm, ce, cx: one mentorship (routes.c) */
    (void)n;
    mb_status rc;
    if (strcmp(action, "cl") == 0) return show_mentorships(h, (int)f[0].number);
    mentorship m;
    if (!curator_pair_of_button(h, f[0].number, &m, &rc)) return rc;
    if (strcmp(action, "cx") == 0) return curator_pairs_end(h, &m);
    return show_mentorship(h, &m, strcmp(action, "ce") == 0);
}

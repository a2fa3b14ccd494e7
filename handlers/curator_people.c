/*
 * The curator corrects a participant's data from the chat: the name (a
 * typo, a name written as a nickname) and a pupil's grade (a new school
 * year). Only active mentors and mentees of the curator's organisation can
 * be corrected; every correction is audit-logged with the old and new value.
 *
 * Button data:
 *   cz                 mentors or mentees?
 *   cz:r:PAGE          the mentors (cz:e:PAGE the mentees), one button each
 *   cz:a:ID            a participant's card and what can be corrected
 *   cz:n:ID            type a new name (dialog state cur_fix_name)
 *   cz:g:ID            the grade buttons;  cz:s:ID:GRADE  set the grade
 *   cz:w:ID            type a mentor's employer (dialog state cur_fix_employer)
 * The card also leads to the person's outcome records (curator_outcomes.c).
 */
#include "handlers/curator.h"
#include "storage/employers.h"
#include "storage/outcomes.h"
#include "util/person_name.h"
#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIX_NAME_MIN 2

/* The participant id names, when the curator may correct them. */
static int load_participant(hctx *h, int64_t id, account *a)
{
    return account_load(h->d, id, a) == MB_OK && strcmp(a->status, "active") == 0 &&
           (strcmp(a->role, "mentor") == 0 || strcmp(a->role, "mentee") == 0) && curator_in_scope(h, a->org_id);
}

static mb_status show_list(hctx *h, int mentor, int page)
{
    const char *role = mentor ? "mentor" : "mentee";
    int total = mentorship_count_people(h->d, h->acct.org_id, role);
    if (total == 0) return reply_text(h, T(h, mentor ? "curator.base_empty_mentors" : "curator.base_empty_mentees"), NULL);
    int64_t ids[CURATOR_PAGE];
    int n = mentorship_list_people(h->d, h->acct.org_id, role, page * CURATOR_PAGE, ids, CURATOR_PAGE);
    keyboard kb = {0};
    curator_people_buttons(h, &kb, ids, n, "cz:a");
    curator_pager(h, &kb, mentor ? "cz:r" : "cz:e", page, total);
    return curator_send(h, TF(h, "fix.choose_person", NULL), &kb);
}

static mb_status show_card(hctx *h, const account *a, const char *notice_key)
{
    char who[96], data[40];
    curator_who(h->env->texts, h->lang, a, who, sizeof who);
    keyboard kb = {0};
    snprintf(data, sizeof data, "cz:n:%lld", (long long)a->id);
    kb_row(&kb);
    kb_button(&kb, T(h, "fix.name_button"), data);
    if (strcmp(a->category, "pupil") == 0) {
        snprintf(data, sizeof data, "cz:g:%lld", (long long)a->id);
        kb_row(&kb);
        kb_button(&kb, T(h, "fix.grade_button"), data);
    }
    int mentor = strcmp(a->role, "mentor") == 0;
    char employer[EMPLOYER_NAME_BYTES] = "", records[16];
    if (mentor) {
        snprintf(data, sizeof data, "cz:w:%lld", (long long)a->id);
        kb_row(&kb);
        kb_button(&kb, T(h, "fix.employer_button"), data);
        mb_status erc = employer_of_account(h->d, a->id, employer, sizeof employer, NULL);
        if (erc) {
            kb_free(&kb);
            return erc;
        }
    }
    outcome none;
    int recorded = outcome_list_for_account(h->d, a->id, &none, 0);
    snprintf(records, sizeof records, "%d", recorded < 0 ? 0 : recorded);
    char *label = TF(h, "outcome.button", "n", records, NULL);
    snprintf(data, sizeof data, "oc:l:%lld", (long long)a->id);
    kb_row(&kb);
    kb_button(&kb, label ? label : "?", data);
    free(label);
    char *card = TF(h, mentor ? "fix.card_mentor" : "fix.card", "name", a->name, "who", who, "employer",
                    employer[0] ? employer : T(h, "fix.employer_none"), NULL);
    char *text = NULL;
    if (card && notice_key) {
        size_t n = strlen(T(h, notice_key)) + strlen(card) + 3;
        if ((text = malloc(n))) snprintf(text, n, "%s\n\n%s", T(h, notice_key), card);
        free(card);
    } else {
        text = card;
    }
    return curator_send(h, text, &kb);
}

static mb_status audit_fix(hctx *h, const account *a, const char *action, const char *detail)
{
    char actor[32], subject[40];
    curator_actor(h, actor, sizeof actor);
    snprintf(subject, sizeof subject, "account:%lld", (long long)a->id);
    return audit_log(h->d, actor, action, subject, detail);
}

static mb_status ask_grade(hctx *h, const account *a)
{
    keyboard kb = {0};
    for (int g = GRADE_FIRST; g <= GRADE_LAST; g++) {
        char label[16], data[48];
        snprintf(label, sizeof label, "%s%d", g == a->grade ? "✓ " : "", g);
        snprintf(data, sizeof data, "cz:s:%lld:%d", (long long)a->id, g);
        if ((g - GRADE_FIRST) % 6 == 0) kb_row(&kb);
        kb_button(&kb, label, data);
    }
    return curator_send(h, TF(h, "fix.ask_grade", "name", a->name, NULL), &kb);
}

static mb_status set_grade(hctx *h, account *a, int grade)
{
    char detail[64];
    snprintf(detail, sizeof detail, "grade %d -> %d", a->grade, grade);
    a->grade = grade;
    mb_status rc = account_save(h->d, a);
    if (!rc) rc = audit_fix(h, a, "account.fix_grade", detail);
    return rc ? rc : show_card(h, a, "fix.saved");
}

mb_status curator_people_button(hctx *h, const char *action, const payload_field *f, int n)
{
    /* none for the choice of list, r:PAGE and e:PAGE for the lists, OP:ID or
     * s:ID:GRADE for a person (routes.c) */
    (void)action;
    if (!n) {
        mb_status rc = reply_answer_button(h, NULL);
        if (rc) return rc;
        keyboard kb = {0};
        kb_button(&kb, T(h, "fix.mentors"), "cz:r:0");
        kb_button(&kb, T(h, "fix.mentees"), "cz:e:0");
        return curator_send(h, TF(h, "fix.choose_base", NULL), &kb);
    }
    char op = f[0].word[0];
    if (op == 'r' || op == 'e') {
        mb_status rc = reply_answer_button(h, NULL);
        return rc ? rc : show_list(h, op == 'r', (int)f[1].number);
    }
    account a;
    long long id = f[1].number, grade = f[2].number;
    if (!load_participant(h, id, &a)) return flow_refuse_button(h, "not a participant of this curator");
    if ((op == 'g' || op == 's') && strcmp(a.category, "pupil") != 0) return flow_refuse_button(h, "grade of a non-pupil");
    if (op == 'w' && strcmp(a.role, "mentor") != 0) return flow_refuse_button(h, "employer of a non-mentor");
    mb_status rc = reply_answer_button(h, NULL);
    if (rc) return rc;
    if (op == 'a') return show_card(h, &a, NULL);
    if (op == 'g') return ask_grade(h, &a);
    if (op == 's') return set_grade(h, &a, (int)grade);
    cJSON_DeleteItemFromObject(h->data, "fix");
    if (!cJSON_AddNumberToObject(h->data, "fix", (double)a.id)) return MB_ERR_NOMEM;
    if ((rc = ctx_set_state(h, op == 'w' ? CURATOR_STATE_FIX_EMPLOYER : CURATOR_STATE_FIX_NAME))) return rc;
    char limit[16];
    if (op == 'w') {
        char employer[EMPLOYER_NAME_BYTES];
        if ((rc = employer_of_account(h->d, a.id, employer, sizeof employer, NULL))) return rc;
        snprintf(limit, sizeof limit, "%d", EMPLOYER_NAME_MAX);
        return curator_send(h, TF(h, "fix.ask_employer", "name", a.name, "employer",
                                  employer[0] ? employer : T(h, "fix.employer_none"), "limit", limit, NULL), NULL);
    }
    snprintf(limit, sizeof limit, "%d", ACCOUNT_NAME_MAX);
    return curator_send(h, TF(h, "fix.ask_name", "name", a.name, "limit", limit, NULL), NULL);
}

/* A mentor's employer as the curator types it; «-» clears it. */
static mb_status set_employer(hctx *h, account *a, const char *text)
{
    char limit[16];
    snprintf(limit, sizeof limit, "%d", EMPLOYER_NAME_MAX);
    char *clean = text_clean_line(text, EMPLOYER_NAME_MAX + 1);
    if (!clean) return MB_ERR_NOMEM;
    int clear = strcmp(clean, "-") == 0 || strcmp(clean, "—") == 0;
    mb_status rc = MB_OK;
    char old[EMPLOYER_NAME_BYTES], detail[2 * EMPLOYER_NAME_BYTES + 32];
    if (!clear && text_codepoints(clean) > EMPLOYER_NAME_MAX) {
        rc = curator_send(h, TF(h, "fix.employer_too_long", "limit", limit, NULL), NULL);
    } else if ((rc = employer_of_account(h->d, a->id, old, sizeof old, NULL)) == MB_OK &&
               (rc = employer_set_for_account(h->d, a->id, clear ? "" : clean)) == MB_ERR_INVALID) {
        rc = curator_send(h, TF(h, "fix.employer_invalid", NULL), NULL);
    } else if (!rc) {
        snprintf(detail, sizeof detail, "employer \"%s\" -> \"%s\"", old, clear ? "" : clean);
        if (!(rc = audit_fix(h, a, "account.fix_employer", detail)) && !(rc = ctx_set_state(h, "")))
            rc = show_card(h, a, "fix.saved");
    }
    free(clean);
    return rc;
}

mb_status curator_people_text(hctx *h, const char *text)
{
    int64_t id = (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(h->data, "fix"));
    account a;
    mb_status rc;
    if (id <= 0 || !load_participant(h, id, &a)) {
        rc = ctx_set_state(h, "");
        return rc ? rc : reply_text(h, T(h, "menu.hint"), NULL);
    }
    if (strcmp(h->state, CURATOR_STATE_FIX_EMPLOYER) == 0) return set_employer(h, &a, text);
    char name[ACCOUNT_NAME_BYTES], limit[16];
    snprintf(limit, sizeof limit, "%d", ACCOUNT_NAME_MAX);
    person_name_problem pr = person_name_check(text, FIX_NAME_MIN, ACCOUNT_NAME_MAX, name, sizeof name);
    if (pr == PERSON_NAME_NOMEM) return MB_ERR_NOMEM;
    if (pr == PERSON_NAME_TOO_LONG) return curator_send(h, TF(h, "fix.name_too_long", "limit", limit, NULL), NULL);
    if (pr) return curator_send(h, TF(h, "fix.name_invalid", NULL), NULL);
    char detail[2 * ACCOUNT_NAME_BYTES + 16];
    snprintf(detail, sizeof detail, "name \"%s\" -> \"%s\"", a.name, name);
    snprintf(a.name, sizeof a.name, "%s", name);
    if ((rc = account_save(h->d, &a)) || (rc = audit_fix(h, &a, "account.fix_name", detail)) ||
        (rc = ctx_set_state(h, "")))
        return rc;
    return show_card(h, &a, "fix.saved");
}

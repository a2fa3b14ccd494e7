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
 */
#include "handlers/curator.h"
#include "util/person_name.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIX_NAME_MIN 2
#define GRADE_FIRST 1
#define GRADE_LAST 11

int curator_people_owns(const char *action) { return strcmp(action, "cz") == 0; }

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
    for (int i = 0; i < n; i++) {
        account a;
        if (account_load(h->d, ids[i], &a)) continue;
        char name[128], who[96], label[256], data[40];
        curator_label(a.name, CURATOR_LABEL_NAME_MAX, name, sizeof name);
        curator_who(h->env->texts, h->lang, &a, who, sizeof who);
        snprintf(label, sizeof label, "%s (%s)", name, who);
        snprintf(data, sizeof data, "cz:a:%lld", (long long)a.id);
        kb_row(&kb);
        kb_button(&kb, label, data);
    }
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
    char *card = TF(h, "fix.card", "name", a->name, "who", who, NULL);
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

mb_status curator_people_button(hctx *h, const char *action, const char *arg)
{
    (void)action;
    char op = arg[0];
    long long id = 0, grade = 0;
    int n = 0;
    if (!op) {
        mb_status rc = reply_answer_button(h, NULL);
        if (rc) return rc;
        keyboard kb = {0};
        kb_button(&kb, T(h, "fix.mentors"), "cz:r:0");
        kb_button(&kb, T(h, "fix.mentees"), "cz:e:0");
        return curator_send(h, TF(h, "fix.choose_base", NULL), &kb);
    }
    if ((op == 'r' || op == 'e') && arg[1] == ':' && curator_parse_page(arg + 2, &n)) {
        mb_status rc = reply_answer_button(h, NULL);
        return rc ? rc : show_list(h, op == 'r', n);
    }
    account a;
    const char *p = arg + 1;
    int ok = strchr("sang", op) && payload_take_char(&p, ':') && payload_take_number(&p, PAYLOAD_NUMBER_MAX, &id) &&
             (op != 's' || (payload_take_char(&p, ':') && payload_take_number(&p, GRADE_LAST, &grade))) &&
             payload_end(p);
    if (!ok || id <= 0 || !load_participant(h, id, &a)) return flow_refuse_button(h, "not a participant of this curator");
    if ((op == 'g' || op == 's') && strcmp(a.category, "pupil") != 0) return flow_refuse_button(h, "grade of a non-pupil");
    if (op == 's' && (grade < GRADE_FIRST || grade > GRADE_LAST)) return flow_refuse_button(h, "grade out of range");
    mb_status rc = reply_answer_button(h, NULL);
    if (rc) return rc;
    if (op == 'a') return show_card(h, &a, NULL);
    if (op == 'g') return ask_grade(h, &a);
    if (op == 's') return set_grade(h, &a, (int)grade);
    cJSON_DeleteItemFromObject(h->data, "fix");
    if (!cJSON_AddNumberToObject(h->data, "fix", (double)a.id)) return MB_ERR_NOMEM;
    if ((rc = ctx_set_state(h, CURATOR_STATE_FIX_NAME))) return rc;
    char max[16];
    snprintf(max, sizeof max, "%d", ACCOUNT_NAME_MAX);
    return curator_send(h, TF(h, "fix.ask_name", "name", a.name, "max", max, NULL), NULL);
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
    char name[ACCOUNT_NAME_BYTES], max[16];
    snprintf(max, sizeof max, "%d", ACCOUNT_NAME_MAX);
    person_name_problem pr = person_name_check(text, FIX_NAME_MIN, ACCOUNT_NAME_MAX, name, sizeof name);
    if (pr == PERSON_NAME_NOMEM) return MB_ERR_NOMEM;
    if (pr == PERSON_NAME_TOO_LONG) return curator_send(h, TF(h, "fix.name_too_long", "max", max, NULL), NULL);
    if (pr) return curator_send(h, TF(h, "fix.name_invalid", NULL), NULL);
    char detail[2 * ACCOUNT_NAME_BYTES + 16];
    snprintf(detail, sizeof detail, "name \"%s\" -> \"%s\"", a.name, name);
    snprintf(a.name, sizeof a.name, "%s", name);
    if ((rc = account_save(h->d, &a)) || (rc = audit_fix(h, &a, "account.fix_name", detail)) ||
        (rc = ctx_set_state(h, "")))
        return rc;
    return show_card(h, &a, "fix.saved");
}

/*
 * Registration by invite: /start <code> -> category (-> grade and year of
 * birth for pupils) -> privacy notice and consent -> name -> role confirmed
 * -> menu. The age comes before the consent, so the notice is worded for
 * who reads it: an adult, a pupil, or a pupil who also needs a parent. A
 * grade and a year of birth that do not fit each other are asked again. A
 * pupil who may be younger than the consent age waits for a parent, who
 * opens the link the pupil gets (consent.c), or for the curator, who marks
 * a paper consent received.
 */
#include "handlers/flows.h"
#include "handlers/payload.h"
#include "handlers/attempts.h"
#include "handlers/consent.h"
#include "handlers/reg_switch.h"
#include "storage/invites.h"
#include "storage/jobs.h"
#include "storage/people.h"
#include "storage/territories.h"
#include "util/clock.h"
#include "util/invite_code.h"
#include "util/log.h"
#include "util/person_name.h"
#include "util/text.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS (24LL * 3600 * 1000)
#define NUDGE_AFTER_MS DAY_MS               /* an unfinished registration is nudged once */
#define GUARDIAN_REMIND_AFTER_MS (3 * DAY_MS)
#define NAME_MIN_CHARS 2
#define OLDEST_BIRTH_AGE 100                /* years; older is taken for a typo */
#define YOUNGEST_BIRTH_AGE 5
#define GRADE_AGE_MIN 6                     /* a pupil of grade g is normally g+6..g+8 years old */
#define GRADE_AGE_MAX 8
#define AGE_SLACK 1

static const char *const categories_for_mentee[] = {"pupil", "student", "teacher", NULL};
static const char *const categories_for_mentor[] = {"pupil", "student", "teacher", "employee",
                                                    "entrepreneur", "alumnus", NULL};
static const char *const categories_for_curator[] = {"teacher", "staff", NULL};

static const char *const *categories_for(const char *role)
{
    if (strcmp(role, "mentee") == 0) return categories_for_mentee;
    if (strcmp(role, "mentor") == 0) return categories_for_mentor;
    return categories_for_curator;
}

int reg_looks_like_code(const char *pasted)
{
    char code[INVITE_CODE_LEN + 8];
    if (!invite_code_from_text(pasted, code, sizeof code)) return 0;
    const char *text = code;
    size_t n = strlen(text);
    if (n == INVITE_CODE_LEN + 2 && strncmp(text, INVITE_GUARDIAN_PREFIX, 2) == 0) text += 2, n -= 2;
    if (n != INVITE_CODE_LEN) return 0;
    for (size_t i = 0; i < n; i++)
        if (!((text[i] >= 'a' && text[i] <= 'z') || (text[i] >= '0' && text[i] <= '9'))) return 0;
    return 1;
}

static char *payload_account(int64_t id)
{
    char *p = malloc(48);
    if (p) snprintf(p, 48, "{\"account\":%lld}", (long long)id);
    return p;
}

static mb_status schedule(db *d, const char *kind, int64_t account_id, int64_t delay_ms)
{
    char *payload = payload_account(account_id);
    if (!payload) return MB_ERR_NOMEM;
    mb_status rc = job_add(d, clock_now_ms() + delay_ms, kind, payload, NULL);
    free(payload);
    return rc;
}

static mb_status send_keyed(hctx *h, const char *key, keyboard *kb)
{
    mb_status rc = reply_text(h, T(h, key), kb);
    kb_free(kb);
    return rc;
}

/* Where the person joins: their organisation, or for a coordinator the
 * territory of the invite (kept in the dialog data). */
static void place_name(hctx *h, char *buf, size_t size)
{
    org o;
    territory t;
    int64_t tid = (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(h->data, "territory"));
    if (h->acct.org_id && ctx_org(h, h->acct.org_id, &o) == MB_OK) snprintf(buf, size, "%s", o.name);
    else if (tid > 0 && territory_get(h->d, tid, &t) == MB_OK) snprintf(buf, size, "%s", t.name);
    else snprintf(buf, size, "?");
}

/* Only the year of birth is known, so a pupil is taken as possibly younger
 * than the consent age until the year in which they surely reach it is
 * over. */
static int needs_guardian(const hctx *h)
{
    return strcmp(h->acct.category, "pupil") == 0 && h->acct.birth_year &&
           clock_year_utc(clock_now_ms()) - h->acct.birth_year <= h->env->consent_age &&
           !h->acct.guardian_consent[0];
}

static mb_status ask_consent(hctx *h)
{
    char age[16];
    snprintf(age, sizeof age, "%d", h->env->consent_age);
    char *text = TF(h, needs_guardian(h) ? "reg.privacy_child" : "reg.privacy", "age", age, NULL);
    if (!text) return MB_ERR_NOMEM;
    keyboard kb = {0};
    kb_button(&kb, T(h, "reg.consent_yes"), "consent:yes");
    kb_row(&kb);
    kb_button(&kb, T(h, "reg.consent_no"), "consent:no");
    mb_status rc = reply_text(h, text, &kb);
    kb_free(&kb);
    free(text);
    return rc;
}

/* The category question, after the greeting text when one is given. */
static mb_status ask_category(hctx *h, const char *text)
{
    keyboard kb = {0};
    const char *const *cats = categories_for(h->acct.role);
    for (int i = 0; cats[i]; i++) {
        char key[40], data[40];
        snprintf(key, sizeof key, "category.%s", cats[i]);
        snprintf(data, sizeof data, "cat:%s", cats[i]);
        if (i % 2 == 0) kb_row(&kb);
        kb_button(&kb, T(h, key), data);
    }
    mb_status rc = reply_text(h, text ? text : T(h, "reg.ask_category"), &kb);
    kb_free(&kb);
    return rc;
}

static mb_status ask_grade(hctx *h)
{
    keyboard kb = {0};
    for (int g = GRADE_FIRST; g <= GRADE_LAST; g++) {
        char label[16], data[24];
        snprintf(label, sizeof label, "%d", g);
        snprintf(data, sizeof data, "grade:%d", g);
        if ((g - GRADE_FIRST) % 6 == 0) kb_row(&kb);
        kb_button(&kb, label, data);
    }
    return send_keyed(h, "reg.ask_grade", &kb);
}

static mb_status finish(hctx *h, int unsaved);

/* The first question not answered yet, in the order category, grade, year
 * of birth, consent, name; NULL when every answer is in. */
static const char *next_step(const hctx *h)
{
    int pupil = strcmp(h->acct.category, "pupil") == 0;
    return !h->acct.category[0]          ? "reg_category"
           : pupil && !h->acct.grade      ? "reg_grade"
           : pupil && !h->acct.birth_year ? "reg_birth_year"
           : !h->acct.consent_at          ? "reg_consent"
           : !h->acct.name[0]             ? "reg_name"
                                          : NULL;
}

/* Asks the first question not answered yet, and finishes when every
 * answer is in. What the person answered decides the step, so a
 * registration resumed after a restart, a /language or an upgrade asks
 * exactly what is missing. */
static mb_status ask_next(hctx *h)
{
    const char *step = next_step(h);
    if (!step) return finish(h, 0);
    mb_status rc = ctx_set_state(h, step);
    if (rc) return rc;
    if (strcmp(step, "reg_category") == 0) return ask_category(h, NULL);
    if (strcmp(step, "reg_grade") == 0) return ask_grade(h);
    if (strcmp(step, "reg_birth_year") == 0) return reply_text(h, T(h, "reg.ask_birth_year"), NULL);
    if (strcmp(step, "reg_consent") == 0) return ask_consent(h);
    return reply_text(h, T(h, "reg.ask_name"), NULL);
}

mb_status reg_resume(hctx *h)
{
    return ask_next(h);
}

/* The first message of a registration: who invites, to which role, and
 * the first question. */
static mb_status greet(hctx *h)
{
    char place[300], role_key[40];
    place_name(h, place, sizeof place);
    snprintf(role_key, sizeof role_key, "role.%s", h->acct.role);
    int coordinator = strcmp(h->acct.role, "coordinator") == 0;
    char *text = TF(h, coordinator ? "reg.welcome_coordinator" : "reg.welcome", "org", place, "territory", place,
                    "role", T(h, role_key), NULL);
    if (!text) return MB_ERR_NOMEM;
    mb_status rc = ctx_set_state(h, "reg_category");
    if (!rc) rc = ask_category(h, text);
    free(text);
    return rc;
}

/*
 * A personal invite: the messenger account that opens it is attached to
 * the imported row it names, and registration goes on from what the row
 * lacks (a pupil's year of birth, the consent), so a young pupil waits for
 * a parent as any other. Only someone new to the bot can take it, once.
 */
static mb_status join_imported(hctx *h, const invite *inv)
{
    mb_status rc;
    if (h->has_account) {
        if (h->acct.id == inv->for_account) return reg_in_progress(h) ? reg_resume(h) : menu_show(h);
        return reply_text(h, T(h, "invite.person_other"), NULL);
    }
    if (!invite_usable(h->d, inv, 0)) {
        log_info("registration", "personal invite %lld refused: used or revoked", (long long)inv->id);
        return reply_text(h, T(h, inv->revoked_at ? "invite.expired" : "invite.used_up"), NULL);
    }
    rc = people_join(h->d, inv, h->ev->platform, h->ev->user_id, h->ev->chat_id, h->lang);
    if (rc == MB_ERR_EXPIRED) return reply_text(h, T(h, "invite.used_up"), NULL);
    if (rc || (rc = account_load(h->d, inv->for_account, &h->acct))) return ctx_fail(h, rc, "could not join an imported row");
    h->has_account = 1;
    if ((rc = schedule(h->d, JOB_REGISTRATION_NUDGE, h->acct.id, NUDGE_AFTER_MS)) ||
        (rc = invite_redeem(h->d, inv, h->acct.id)))
        return rc == MB_ERR_EXPIRED ? reply_text(h, T(h, "invite.used_up"), NULL) : rc;
    char subject[32], detail[64];
    snprintf(subject, sizeof subject, "account:%lld", (long long)h->acct.id);
    snprintf(detail, sizeof detail, "personal invite %lld, org %lld", (long long)inv->id, (long long)inv->org_id);
    if ((rc = audit_log(h->d, subject, "invite.join_imported", subject, detail))) return rc;
    cJSON_DeleteItemFromObject(h->data, "invite");
    cJSON_AddNumberToObject(h->data, "invite", (double)inv->id);
    char place[300], role_key[40];
    place_name(h, place, sizeof place);
    snprintf(role_key, sizeof role_key, "role.%s", h->acct.role);
    char *text = TF(h, "reg.welcome_person", "name", h->acct.name, "org", place, "role", T(h, role_key), NULL);
    if (!text) return MB_ERR_NOMEM;
    rc = reply_text(h, text, NULL);
    free(text);
    return rc ? rc : ask_next(h);
}

mb_status reg_start(hctx *h, const char *code_in)
{
    char code[64];
    /* A code in any case, or the whole invite link, reads as the code. */
    if (!invite_code_from_text(code_in, code, sizeof code)) snprintf(code, sizeof code, "%s", code_in ? code_in : "");
    for (char *p = code + strlen(code); p > code && (p[-1] == ' ' || p[-1] == '\n'); ) *--p = 0;
    mb_status refused;
    if (code[0] && attempts_refuse(h, &refused)) return refused;
    if (strncmp(code, INVITE_GUARDIAN_PREFIX, 2) == 0) return consent_open(h, code + 2);
    if (strncmp(code, LINK_PREFIX, 2) == 0) return link_redeem(h, code);
    if (h->has_account && !reg_in_progress(h)) {
        mb_status rc = MB_OK;
        if (code[0] && scope_take_invite(h, code, &rc)) return rc;
        rc = reply_text(h, T(h, "start.already"), NULL);
        return rc ? rc : menu_show(h);
    }
    if (!code[0]) {
        if (reg_in_progress(h)) return reg_resume(h);
        return reply_text(h, T(h, "start.need_invite"), NULL);
    }
    invite inv;
    mb_status rc = invite_find(h->d, code, &inv);
    if (rc == MB_ERR_NOT_FOUND || (!rc && strcmp(inv.kind, "role") != 0 && strcmp(inv.kind, "person") != 0))
        return attempts_wrong_code(h, "invite.not_found");
    if (rc) return rc;
    if (strcmp(inv.kind, "person") == 0) return join_imported(h, &inv);
    /* Someone who joined their imported row stays in it. */
    if (reg_in_progress(h) && people_is_imported(h->d, h->acct.id)) {
        if ((rc = reply_text(h, T(h, "reg.person_keep"), NULL))) return rc;
        return reg_resume(h);
    }
    if (!invite_usable(h->d, &inv, h->has_account ? h->acct.id : 0)) {
        int expired = inv.revoked_at || (inv.expires_at && clock_now_ms() >= inv.expires_at);
        log_info("registration", "invite %lld refused: %s", (long long)inv.id, expired ? "expired" : "used up");
        return reply_text(h, T(h, expired ? "invite.expired" : "invite.used_up"), NULL);
    }
    if (reg_in_progress(h) && reg_switch_offer(h, &inv, code, &rc)) return rc;
    int created = !h->has_account;
    if (created) {
        /* the name the messenger shows, kept when it fits, as the
         * dispatcher keeps it for a known sender */
        const char *shown = h->ev->first_name && strlen(h->ev->first_name) < sizeof h->ident.display_name
                                ? h->ev->first_name : NULL;
        if ((rc = account_create_loaded(h->d, h->ev->platform, h->ev->user_id, h->ev->chat_id, h->lang, shown,
                                        &h->acct)))
            return ctx_fail(h, rc, "could not create an account");
        h->has_account = 1;
        if ((rc = schedule(h->d, JOB_REGISTRATION_NUDGE, h->acct.id, NUDGE_AFTER_MS))) return rc;
    }
    if ((rc = created ? invite_redeem_new(h->d, &inv, h->acct.id) : invite_redeem(h->d, &inv, h->acct.id)) ==
        MB_ERR_EXPIRED)
        return reply_text(h, T(h, "invite.used_up"), NULL);
    if (rc) return rc;
    if ((rc = scope_grant_for_invite(h->d, h->acct.id, inv.role, inv.org_id, inv.territory_id))) return rc;
    snprintf(h->acct.role, sizeof h->acct.role, "%s", inv.role);
    h->acct.org_id = inv.org_id;
    if ((rc = account_save(h->d, &h->acct))) return rc;
    char subject[32], detail[64];
    snprintf(subject, sizeof subject, "account:%lld", (long long)h->acct.id);
    snprintf(detail, sizeof detail, "invite %lld, role %s, org %lld", (long long)inv.id, inv.role,
             (long long)inv.org_id);
    if ((rc = audit_log(h->d, subject, "invite.redeem", subject, detail))) return rc;
    cJSON_DeleteItemFromObject(h->data, "invite");
    cJSON_AddNumberToObject(h->data, "invite", (double)inv.id);
    cJSON_DeleteItemFromObject(h->data, "territory");
    if (inv.territory_id) cJSON_AddNumberToObject(h->data, "territory", (double)inv.territory_id);
    return greet(h);
}

/* The invite's use is counted now that the registration is complete; 1
 * (with the person told) when the curator revoked it meanwhile, or its
 * last place went to someone else after the person's hold had lapsed. */
static int invite_place_lost(hctx *h, mb_status *rc)
{
    double id = cJSON_GetNumberValue(cJSON_GetObjectItem(h->data, "invite"));
    if (isnan(id)) return 0;
    *rc = invite_complete(h->d, (int64_t)id, h->acct.id);
    if (*rc == MB_ERR_NOT_FOUND) *rc = MB_OK;   /* nothing held: nothing to count */
    if (*rc != MB_ERR_EXPIRED) return *rc != MB_OK;
    invite inv;
    int revoked = invite_get(h->d, (int64_t)id, &inv) == MB_OK && inv.revoked_at;
    log_info("registration", "account %lld cannot finish with invite %lld: %s", (long long)h->acct.id,
             (long long)id, revoked ? "revoked" : "no place left");
    *rc = reply_text(h, T(h, revoked ? "reg.invite_revoked" : "reg.place_taken"), NULL);
    return 1;
}

/* Graduates have no form of their own in the programme's documents, so
 * matching does not propose them (docs/matching.md): they hear it, and
 * that the curator decides with them. */
static mb_status tell_alumnus(hctx *h)
{
    if (strcmp(h->acct.category, "alumnus") != 0 || strcmp(h->acct.role, "mentor") != 0) return MB_OK;
    return reply_text(h, T(h, "reg.alumnus_next"), NULL);
}

/* unsaved: the account holds an answer not written yet; every way out
 * that keeps the account writes it (at the end with the new status, in
 * one statement). */
static mb_status finish(hctx *h, int unsaved)
{
    mb_status rc;
    if (invite_place_lost(h, &rc)) return rc || !unsaved ? rc : account_save(h->d, &h->acct);
    int guardian = needs_guardian(h);
    org o;
    place_name(h, o.name, sizeof o.name);
    char role_key[40];
    snprintf(role_key, sizeof role_key, "role.%s", h->acct.role);
    char *done = TF(h, "reg.done", "name", h->acct.name, "role", T(h, role_key), "org", o.name, NULL);
    if (!done) return MB_ERR_NOMEM;
    rc = reply_text(h, done, NULL);
    free(done);
    if (rc || (rc = tell_alumnus(h))) return rc;
    cJSON_DeleteItemFromObject(h->data, "invite");
    cJSON_DeleteItemFromObject(h->data, "territory");
    if (guardian) {
        snprintf(h->acct.status, sizeof h->acct.status, "pending_consent");
        if ((rc = account_save(h->d, &h->acct)) || (rc = ctx_set_state(h, ""))) return rc;
        char code[CONSENT_CODE_BYTES], link[256];
        if ((rc = consent_new_link(h->d, &h->acct, "system", code, sizeof code))) return rc;
        flow_invite_link(h->env, h->ev->platform, code, link, sizeof link);
        char age[16];
        snprintf(age, sizeof age, "%d", h->env->consent_age);
        char *text = TF(h, "reg.guardian_needed", "age", age, "link", link, NULL);
        if (!text) return MB_ERR_NOMEM;
        rc = reply_text(h, text, NULL);
        free(text);
        return rc ? rc : schedule(h->d, JOB_GUARDIAN_REMINDER, h->acct.id, GUARDIAN_REMIND_AFTER_MS);
    }
    snprintf(h->acct.status, sizeof h->acct.status, "active");
    if ((rc = account_save(h->d, &h->acct)) || (rc = ctx_set_state(h, ""))) return rc;
    if ((rc = menu_show(h))) return rc;
    return survey_after_registration(h);
}

static mb_status on_name(hctx *h, const char *text)
{
    char name[ACCOUNT_NAME_BYTES], limit[16];
    person_name_problem pr = person_name_check(text, NAME_MIN_CHARS, ACCOUNT_NAME_MAX, name, sizeof name);
    snprintf(limit, sizeof limit, "%d", ACCOUNT_NAME_MAX);
    if (pr == PERSON_NAME_NOMEM) return MB_ERR_NOMEM;
    if (pr) {
        char *msg = pr == PERSON_NAME_TOO_LONG ? TF(h, "reg.name_too_long", "limit", limit, NULL)
                                               : TF(h, "reg.name_invalid", NULL);
        mb_status rc = msg ? reply_text(h, msg, NULL) : MB_ERR_NOMEM;
        free(msg);
        return rc;
    }
    snprintf(h->acct.name, sizeof h->acct.name, "%s", name);
    /* The last answer is written by finish, with the status it sets. */
    if (!next_step(h)) return finish(h, 1);
    mb_status rc = account_save(h->d, &h->acct);
    return rc ? rc : ask_next(h);
}

static mb_status on_birth_year(hctx *h, const char *text)
{
    char *end;
    while (*text == ' ') text++;
    long y = strtol(text, &end, 10);
    while (*end == ' ' || *end == '\n') end++;
    int now = clock_year_utc(clock_now_ms());
    if (end == text || *end || y < now - OLDEST_BIRTH_AGE || y > now - YOUNGEST_BIRTH_AGE) {
        char lo[16], hi[16];
        snprintf(lo, sizeof lo, "%d", now - OLDEST_BIRTH_AGE);
        snprintf(hi, sizeof hi, "%d", now - YOUNGEST_BIRTH_AGE);
        char *msg = TF(h, "reg.birth_year_invalid", "from", lo, "to", hi, NULL);
        if (!msg) return MB_ERR_NOMEM;
        mb_status rc = reply_text(h, msg, NULL);
        free(msg);
        return rc;
    }
    /* A birth year is believed only when it fits the grade: a pupil of
     * grade g is normally g+6..g+8 years old (one year of slack either
     * way); otherwise both answers are asked again. */
    int age = now - (int)y;
    mb_status rc;
    if (h->acct.grade && (age < h->acct.grade + GRADE_AGE_MIN - AGE_SLACK || age > h->acct.grade + GRADE_AGE_MAX + AGE_SLACK)) {
        char grade[16], lo[16], hi[16], year[16], years[16];
        snprintf(grade, sizeof grade, "%d", h->acct.grade);
        snprintf(lo, sizeof lo, "%d", h->acct.grade + GRADE_AGE_MIN);
        snprintf(hi, sizeof hi, "%d", h->acct.grade + GRADE_AGE_MAX);
        snprintf(year, sizeof year, "%ld", y);
        snprintf(years, sizeof years, "%d", age);
        log_info("registration", "account %lld: grade %d and birth year %ld do not fit; asked again",
                 (long long)h->acct.id, h->acct.grade, y);
        char *msg = TF(h, "reg.grade_age_mismatch", "grade", grade, "from", lo, "to", hi, "year", year, "age", years,
                       NULL);
        if (!msg) return MB_ERR_NOMEM;
        rc = reply_text(h, msg, NULL);
        free(msg);
        h->acct.grade = 0;
        if (rc || (rc = account_save(h->d, &h->acct))) return rc;
        return ask_next(h);
    }
    h->acct.birth_year = (int)y;
    rc = account_save(h->d, &h->acct);
    return rc ? rc : ask_next(h);
}

mb_status reg_on_text(hctx *h, const char *text)
{
    if (strcmp(h->state, "reg_name") == 0) return on_name(h, text);
    if (strcmp(h->state, "reg_birth_year") == 0) return on_birth_year(h, text);
    mb_status rc = reply_text(h, T(h, "reg.use_buttons"), NULL);
    return rc ? rc : reg_resume(h);
}

static int allowed_category(const char *role, const char *cat)
{
    const char *const *cats = categories_for(role);
    for (int i = 0; cats[i]; i++)
        if (strcmp(cats[i], cat) == 0) return 1;
    return 0;
}

/* /language works during registration too: the choice is kept and the
 * registration goes on at the step where it was. */
static mb_status on_language(hctx *h, const char *arg)
{
    snprintf(h->acct.language, sizeof h->acct.language, "%.*s", (int)sizeof h->acct.language - 1, arg);
    h->lang = i18n_pick_language(h->env->texts, arg);
    mb_status rc;
    if ((rc = account_save(h->d, &h->acct)) || (rc = reply_answer_button(h, NULL)) ||
        (rc = reply_text(h, T(h, "language.set"), NULL)))
        return rc;
    return reg_resume(h);
}

mb_status reg_on_button(hctx *h, const char *action, const payload_field *f, int n)
{
    (void)n;
    const char *arg = f[0].word;   /* one field each: yes|no, a category, a grade, a language (routes.c) */
    mb_status rc;
    if (strcmp(action, "consent") == 0 && strcmp(h->state, "reg_consent") == 0) {
        if ((rc = reply_answer_button(h, NULL))) return rc;
        if (strcmp(arg, "no") == 0) {
            /* Nothing stays: the answers given so far go with the account. */
            const char *bye = T(h, "reg.declined");
            /* An imported person's row stays for the organisation's list. */
            if (people_is_imported(h->d, h->acct.id)) rc = people_unjoin(h->d, h->acct.id);
            else rc = account_delete(h->d, h->acct.id);
            if (rc) return rc;
            h->has_account = 0;
            return reply_text(h, bye, NULL);
        }
        h->acct.consent_at = clock_now_ms();
        if ((rc = account_save(h->d, &h->acct))) return rc;
        return ask_next(h);
    }
    if (strcmp(action, "cat") == 0 && strcmp(h->state, "reg_category") == 0) {
        if (!allowed_category(h->acct.role, arg)) return flow_refuse_button(h, "category not offered for the role");
        if ((rc = reply_answer_button(h, NULL))) return rc;
        snprintf(h->acct.category, sizeof h->acct.category, "%.*s", (int)sizeof h->acct.category - 1, arg);
        if ((rc = account_save(h->d, &h->acct))) return rc;
        return ask_next(h);
    }
    if (strcmp(action, "grade") == 0 && strcmp(h->state, "reg_grade") == 0) {
        if ((rc = reply_answer_button(h, NULL))) return rc;
        h->acct.grade = (int)f[0].number;
        if ((rc = account_save(h->d, &h->acct))) return rc;
        return ask_next(h);
    }
    if (strcmp(action, "lang") == 0) return on_language(h, arg);
    return flow_outdated_button(h, "button of another registration step");
}

mb_status reg_switch_button(hctx *h, const char *action, const payload_field *f, int n)
{
    (void)action, (void)n;
    char code[64];
    mb_status rc = MB_OK;
    switch (reg_switch_answer(h, f[0].word, code, sizeof code, &rc)) {
    case REG_SWITCH_RESUME: return reg_resume(h);
    case REG_SWITCH_RESTART: return reg_start(h, code);
    case REG_SWITCH_DONE: break;
    }
    return rc;
}

mb_status reg_run_job(db *d, const bot_env *env, const char *kind, const char *payload)
{
    cJSON *p = cJSON_Parse(payload);
    int64_t id = (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(p, "account"));
    cJSON_Delete(p);
    account a;
    mb_status rc = account_load(d, id, &a);
    if (rc == MB_ERR_NOT_FOUND) return MB_OK; /* declined or erased since */
    if (rc) return rc;
    const char *lang = i18n_pick_language(env->texts, a.language);
    if (strcmp(kind, JOB_REGISTRATION_NUDGE) == 0) {
        if (strcmp(a.status, "registering") != 0) return MB_OK;
        rc = reply_to_account(d, id, i18n_text(env->texts, lang, "reg.nudge"), NULL);
        return rc == MB_ERR_NOT_FOUND ? MB_OK : rc;
    }
    if (strcmp(a.status, "pending_consent") != 0) return MB_OK;
    invite inv;
    if ((rc = invite_find_guardian(d, id, &inv))) return rc == MB_ERR_NOT_FOUND ? MB_OK : rc;
    char full[INVITE_CODE_LEN + 4], link[256];
    snprintf(full, sizeof full, INVITE_GUARDIAN_PREFIX "%s", inv.code);
    /* The link in the form of the messenger the reminder goes to. */
    identity ident;
    flow_invite_link(env, identity_for_account(d, id, NULL, &ident) == MB_OK ? ident.platform : "", full, link,
                     sizeof link);
    char *text = i18n_format(env->texts, lang, "guardian.reminder", "link", link, NULL);
    if (!text) return MB_ERR_NOMEM;
    rc = reply_to_account(d, id, text, NULL);
    free(text);
    return rc == MB_ERR_NOT_FOUND ? MB_OK : rc;
}

/*
 * The menu and the commands of registered people: /menu, /help, /cancel,
 * /language, /privacy, /forget, and the curator's invites and paper
 * consents. Every button is checked against the sender's role, status and
 * dialog state before it does anything.
 */
#include "handlers/announce.h"
#include "handlers/digest.h"
#include "handlers/flows.h"
#include "handlers/meetings.h"
#include "handlers/pair.h"
#include "handlers/polls.h"
#include "handlers/timezone.h"
#include "handlers/payload.h"
#include "handlers/privacy_answers.h"
#include "handlers/recognition.h"
#include "storage/employers.h"
#include "storage/erase.h"
#include "storage/guardians.h"
#include "storage/invites.h"
#include "storage/jobs.h"
#include "storage/mentorships.h"
#include "storage/outcomes.h"
#include "storage/territories.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/log.h"
#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CURATOR_INVITE_VALID_MS (30LL * 24 * 3600 * 1000)
#define PENDING_LIST_MAX 20    /* pupils shown at once in the consent list */
#define INVITE_USES_STATE "invite_uses"
#define INVITE_CHOICE_VALID_MS (60LL * 60 * 1000)  /* the invite size question stays open an hour */

static int is_active(const hctx *h) { return h->has_account && strcmp(h->acct.status, "active") == 0; }
static int is_curator(const hctx *h) { return is_active(h) && strcmp(h->acct.role, "curator") == 0; }

static mb_status send_and_free(hctx *h, char *text, keyboard *kb)
{
    if (!text) { kb_free(kb); return MB_ERR_NOMEM; }
    mb_status rc = reply_text(h, text, kb);
    free(text);
    kb_free(kb);
    return rc;
}

mb_status menu_show(hctx *h)
{
    if (strcmp(h->acct.status, "pending_consent") == 0)
        return reply_text(h, T(h, "menu.pending_guardian"), NULL);
    keyboard kb = {0};
    if (is_active(h) && strcmp(h->acct.role, "coordinator") == 0) {
        scope_menu_items(h, &kb);
        announce_menu_items(h, &kb);
        indicators_menu_item(h, &kb);
        digest_menu_items(h, &kb);
        kb_row(&kb);
    } else if (is_curator(h)) {
        poll_menu_items(h, &kb);
        curator_menu_items(h, &kb);
        indicators_menu_item(h, &kb);
        digest_menu_items(h, &kb);
        scope_menu_items(h, &kb);
        kb_row(&kb);
        kb_button(&kb, T(h, "menu.create_invite"), "m:invite");
        kb_row(&kb);
        kb_button(&kb, T(h, "menu.pending"), "m:pending");
        kb_row(&kb);
        pair_curator_menu_items(h, &kb);
        kb_row(&kb);
    } else if (is_active(h)) {
        pair_menu_items(h, &kb);
        poll_menu_items(h, &kb);
        survey_menu_items(h, &kb);
        recognition_menu_items(h, &kb);
        kb_row(&kb);
    }
    kb_button(&kb, T(h, "menu.privacy"), "m:privacy");
    kb_button(&kb, T(h, "menu.language"), "m:language");
    if (is_active(h)) timezone_menu_button(h, &kb);
    kb_row(&kb);
    kb_button(&kb, T(h, "menu.help"), "m:help");
    if (strcmp(h->acct.role, "coordinator") == 0) {
        /* A coordinator works for a territory, not in one programme. */
        territory t;
        if (territory_get(h->d, account_coordinated_territory(h->d, h->acct.id), &t))
            snprintf(t.name, sizeof t.name, "—");
        return send_and_free(h, TF(h, "menu.title_coordinator", "name", h->acct.name, "territory", t.name, NULL), &kb);
    }
    org o;
    if (ctx_org(h, h->acct.org_id, &o)) snprintf(o.name, sizeof o.name, "—");
    char role_key[40];
    snprintf(role_key, sizeof role_key, "role.%s", h->acct.role);
    return send_and_free(h, TF(h, "menu.title", "name", h->acct.name, "role", T(h, role_key), "org", o.name, NULL),
                         &kb);
}

mb_status menu_help(hctx *h)
{
    const char *key = !h->has_account ? "help.guest" : is_curator(h) ? "help.curator" : "help.participant";
    return reply_text(h, T(h, key), NULL);
}

mb_status menu_cancel(hctx *h)
{
    if (reg_in_progress(h)) return reply_text(h, T(h, "cancel.registration"), NULL);
    if (!h->state[0]) return reply_text(h, T(h, "cancel.nothing"), NULL);
    mb_status rc = ctx_set_state(h, "");
    if (!rc) rc = reply_text(h, T(h, "cancel.done"), NULL);
    return rc ? rc : menu_show(h);
}

mb_status menu_language(hctx *h)
{
    keyboard kb = {0};
    kb_button(&kb, "Русский", "lang:ru");
    kb_button(&kb, "English", "lang:en");
    mb_status rc = reply_text(h, T(h, "language.ask"), &kb);
    kb_free(&kb);
    return rc;
}

/* What the curator recorded about the person (an employer, outcome
 * records), added to the /privacy summary when there is any; takes text. */
static char *privacy_records(hctx *h, char *text)
{
    char employer[EMPLOYER_NAME_BYTES], count[16];
    outcome none;
    int n = outcome_list_for_account(h->d, h->acct.id, &none, 0);
    if (!text || employer_of_account(h->d, h->acct.id, employer, sizeof employer, NULL)) employer[0] = 0;
    if (!text || (!employer[0] && n <= 0)) return text;
    snprintf(count, sizeof count, "%d", n < 0 ? 0 : n);
    char *more = TF(h, "privacy.records", "employer", employer[0] ? employer : "—", "n", count, NULL);
    size_t size = strlen(text) + (more ? strlen(more) : 0) + 3;
    char *both = more ? malloc(size) : NULL;
    if (both) snprintf(both, size, "%s\n\n%s", text, more);
    free(more);
    if (!both) return text;
    free(text);
    return both;
}

mb_status menu_privacy(hctx *h)
{
    account *a = &h->acct;
    org o;
    if (org_get(h->d, a->org_id, &o)) snprintf(o.name, sizeof o.name, "—");
    char role_key[40], cat_key[40], grade[16], year[16], consent[32], guardian[64];
    snprintf(role_key, sizeof role_key, "role.%s", a->role[0] ? a->role : "none");
    snprintf(cat_key, sizeof cat_key, "category.%s", a->category[0] ? a->category : "none");
    snprintf(grade, sizeof grade, "%s", "—");
    if (a->grade) snprintf(grade, sizeof grade, "%d", a->grade);
    snprintf(year, sizeof year, "%s", "—");
    if (a->birth_year) snprintf(year, sizeof year, "%d", a->birth_year);
    snprintf(consent, sizeof consent, "%s", "—");
    if (a->consent_at) flow_format_date(h->lang, a->consent_at, consent, sizeof consent);
    snprintf(guardian, sizeof guardian, "%s", "—");
    if (a->guardian_consent[0]) {
        char key[48], date[24];
        snprintf(key, sizeof key, "privacy.guardian_%s", a->guardian_consent);
        flow_format_date(h->lang, a->guardian_consent_at, date, sizeof date);
        snprintf(guardian, sizeof guardian, "%s, %s", T(h, key), date);
    }
    keyboard kb = {0};
    char *messengers = link_privacy_list(h, &kb);
    char *answers = privacy_answers_text(h->d, a->id, h->lang), none[64];
    snprintf(none, sizeof none, " %s", T(h, "privacy.no_answers"));
    char *text = TF(h, "privacy.summary", "name", a->name[0] ? a->name : "—", "role", T(h, role_key), "org", o.name,
                    "category", T(h, cat_key), "grade", grade, "birth_year", year, "language", h->lang, "consent",
                    consent, "guardian", guardian, "messengers", messengers ? messengers : " —", "answers",
                    answers ? answers : none, NULL);
    free(messengers);
    free(answers);
    return send_and_free(h, privacy_records(h, text), &kb);
}

mb_status menu_forget(hctx *h)
{
    mb_status rc = ctx_set_state(h, "forget_confirm");
    if (rc) return rc;
    keyboard kb = {0};
    kb_button(&kb, T(h, "forget.yes"), "forget:yes");
    kb_row(&kb);
    kb_button(&kb, T(h, "forget.no"), "forget:no");
    rc = reply_text(h, T(h, "forget.ask"), &kb);
    kb_free(&kb);
    return rc;
}

static const char *erase_text(const bot_env *env, const char *language, const char *key)
{
    return i18n_text(env->texts, i18n_pick_language(env->texts, language && *language ? language
                                                                                         : env->default_language),
                     key);
}

static const char *erase_stand_in(void *env, const char *language)
{
    return erase_text(env, language, "erase.stand_in");
}

static const char *erase_withdrawn(void *env, const char *language)
{
    return erase_text(env, language, "erase.report_withdrawn");
}

static const char *erase_message(void *env, const char *language)
{
    return erase_text(env, language, "erase.message");
}

static const char *erase_phone(void *env, const char *language)
{
    return erase_text(env, language, "erase.phone");
}

#define ERASE_GUARDIANS_MAX 8       /* names and phones of a pupil's parent links looked for */
#define ERASE_GUARDIAN_NAME_MIN 5   /* characters of a name looked for: a shorter one is also part of other words */

/* The names and phones the people answering the pupil's parent links
 * gave, in the messages curators and the pupil got about the consent: they
 * go with the pupil's other data. A name too short to be told apart from
 * other words is left. */
static mb_status erase_guardians(hctx *h, char (*names)[ACCOUNT_NAME_BYTES], int nnames,
                                 char (*phones)[GUARDIAN_PHONE_BYTES], int nphones, erase_stats *stats)
{
    erase_words named = {erase_stand_in, erase_withdrawn, erase_message, (void *)h->env};
    erase_words numbered = {erase_phone, erase_withdrawn, erase_message, (void *)h->env};
    mb_status rc = MB_OK;
    for (int i = 0; i < nnames + nphones && !rc; i++) {
        const char *what = i < nnames ? names[i] : phones[i - nnames];
        if (i < nnames && text_codepoints(what) < ERASE_GUARDIAN_NAME_MIN) continue;
        erase_stats more;
        rc = erase_name_everywhere(h->d, what, h->env->files_dir, i < nnames ? &named : &numbered, &more);
        stats->messages += more.messages;
        stats->records += more.records;
        stats->reports += more.reports;
        stats->files += more.files;
    }
    return rc;
}

/* Tells the other side of each mentorship the erasure ended, without the
 * name: a pupil in words for a pupil. */
static mb_status tell_partners(hctx *h, const int64_t *ids, int n)
{
    for (int i = 0; i < n; i++) {
        account a;
        if (account_load(h->d, ids[i], &a) || strcmp(a.status, "active") != 0) continue;
        const char *lang = i18n_pick_language(h->env->texts, a.language[0] ? a.language : h->env->default_language);
        char buf[I18N_KEY_MAX + 1];
        const char *key = key_for_reader(h->env, lang, &a,
                                         strcmp(a.role, "mentor") == 0 ? "erase.partner_left_mentor"
                                                                       : "erase.partner_left_mentee",
                                         buf, sizeof buf);
        mb_status rc = reply_to_account(h->d, a.id, i18n_text(h->env->texts, lang, key), NULL);
        if (rc && rc != MB_ERR_NOT_FOUND) return rc;
    }
    return MB_OK;
}

/* The sweep of the listed chats' delivery records a while from now. */
static mb_status sweep_later(db *d)
{
    return job_add(d, clock_now_ms() + ERASE_SWEEP_AFTER_MS, JOB_ERASE_SWEEP, "{\"listed\":true}", NULL);
}

/* The person's own records go, then their name wherever others still see
 * it: messages queued or sent to others, drafts, report files. Their
 * mentorships end, and the other side hears of it. */
static mb_status do_forget(hctx *h)
{
    char subject[32], name[ACCOUNT_NAME_BYTES];
    snprintf(subject, sizeof subject, "account:%lld", (long long)h->acct.id);
    snprintf(name, sizeof name, "%s", h->acct.name);
    erase_words words = {erase_stand_in, erase_withdrawn, erase_message, (void *)h->env};
    erase_stats stats;
    int64_t partners[MENTORSHIP_GROUP_MAX];
    int npartners = erase_partners(h->d, h->acct.id, partners, MENTORSHIP_GROUP_MAX);
    if (npartners < 0) return MB_ERR_DB;
    if (npartners > MENTORSHIP_GROUP_MAX) npartners = MENTORSHIP_GROUP_MAX;
    char guardian_names[ERASE_GUARDIANS_MAX][ACCOUNT_NAME_BYTES], guardian_phones[ERASE_GUARDIANS_MAX][GUARDIAN_PHONE_BYTES];
    int nnames = 0, nphones = 0;
    if (consent_people_of(h->d, h->acct.id, guardian_names, &nnames, guardian_phones, &nphones, ERASE_GUARDIANS_MAX) < 0)
        return MB_ERR_DB;
    mb_status rc = erase_list_chats(h->d, h->acct.id);
    if (!rc) rc = account_forget(h->d, h->acct.id);
    if (!rc) rc = tell_partners(h, partners, npartners);
    if (!rc) rc = erase_name_everywhere(h->d, name, h->env->files_dir, &words, &stats);
    if (!rc) rc = erase_messages_from(h->d, h->acct.id, &words, &stats);
    if (!rc) rc = erase_guardians(h, guardian_names, nnames, guardian_phones, nphones, &stats);
    if (!rc) rc = audit_log(h->d, subject, "account.forget", subject, NULL);
    if (rc) return rc;
    log_info("menu", "account %lld erased; its name was replaced in %d message(s) and %d record(s),"
             " %d report(s) withdrawn, %d file(s) removed", (long long)h->acct.id, stats.messages, stats.records,
             stats.reports, stats.files);
    h->has_account = 0;
    /* Queued without the account id: the farewell carries no personal data
     * and must survive the purge of the account's messages. Its record, with
     * the chat's number, goes with the sweep once it was delivered. */
    if ((rc = reply_to_chat(h->d, h->ev->platform, h->ev->chat_id, 0, T(h, "forget.done"), NULL))) return rc;
    return sweep_later(h->d);
}

mb_status menu_run_erase_sweep(db *d, const char *payload)
{
    /* A sweep queued by an earlier version, which listed no chats, lists
     * every chat of nobody first; what is still on its way then waits on
     * the list for the next sweep. */
    cJSON *p = json_parse_limited(payload, strlen(payload), JOB_PAYLOAD_MAX, NULL);
    int listed = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "listed"));
    cJSON_Delete(p);
    int unfinished = 0;
    mb_status rc = listed ? erase_sweep_listed(d, &unfinished) : erase_sweep_chats(d, &unfinished);
    if (rc) return rc;
    log_info("menu", "swept the delivery records of erased chats; %d message(s) still on their way", unfinished);
    /* Not delivered yet (the messenger asks to wait): look again later. */
    return unfinished ? sweep_later(d) : MB_OK;
}

static mb_status ask_invite_role(hctx *h)
{
    keyboard kb = {0};
    kb_button(&kb, T(h, "invite.for_mentor"), "inv:mentor");
    kb_button(&kb, T(h, "invite.for_mentee"), "inv:mentee");
    mb_status rc = reply_text(h, T(h, "invite.ask_role"), &kb);
    kb_free(&kb);
    return rc;
}

static mb_status ask_invite_uses(hctx *h, const char *role)
{
    static const int choices[] = {1, 10, 30};
    keyboard kb = {0};
    for (size_t i = 0; i < sizeof choices / sizeof choices[0]; i++) {
        char data[32], label[64];
        snprintf(data, sizeof data, "uses:%.6s:%d", role, choices[i]);   /* mentor or mentee */
        char *text = i18n_plural(h->env->texts, h->lang, "invite.uses", choices[i], NULL);
        snprintf(label, sizeof label, "%s", text ? text : "?");
        free(text);
        kb_button(&kb, label, data);
    }
    /* The answer counts only while this question is the open one and fresh:
     * an old "how many people" button must not create an invite later. */
    cJSON_DeleteItemFromObject(h->data, "invite_asked");
    cJSON_AddNumberToObject(h->data, "invite_asked", (double)clock_now_ms());
    mb_status rc = ctx_set_state(h, INVITE_USES_STATE);
    if (!rc) rc = reply_text(h, T(h, "invite.ask_uses"), &kb);
    kb_free(&kb);
    return rc;
}

/* ROLE:USES (routes.c) */
static mb_status create_invite(hctx *h, const payload_field *f)
{
    const char *role = f[0].word;
    long long count = f[1].number;
    if (count != 1 && count != 10 && count != 30)
        return flow_refuse_button(h, "bad invite choice");
    int uses = (int)count;
    int64_t asked = (int64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(h->data, "invite_asked"));
    if (strcmp(h->state, INVITE_USES_STATE) != 0 || clock_now_ms() - asked > INVITE_CHOICE_VALID_MS)
        return flow_refuse_button(h, "invite size answered after the question was closed");
    cJSON_DeleteItemFromObject(h->data, "invite_asked");
    char code[INVITE_CODE_LEN + 1], actor[32], link[256], detail[64];
    int64_t id;
    snprintf(actor, sizeof actor, "account:%lld", (long long)h->acct.id);
    mb_status rc = reply_answer_button(h, NULL);
    if (rc) return rc;
    rc = invite_create(h->d, "role", h->acct.org_id, role, uses, clock_now_ms() + CURATOR_INVITE_VALID_MS,
                                 0, actor, code, &id);
    if (rc) return rc;
    snprintf(detail, sizeof detail, "role %s, org %lld, uses %d", role, (long long)h->acct.org_id, uses);
    char subject[32];
    snprintf(subject, sizeof subject, "invite:%lld", (long long)id);
    if ((rc = audit_log(h->d, actor, "invite.create", subject, detail)) || (rc = ctx_set_state(h, ""))) return rc;
    flow_invite_link(h->env, h->ev->platform, code, link, sizeof link);
    char role_key[40];
    snprintf(role_key, sizeof role_key, "role.%s", role);
    char *uses_text = i18n_plural(h->env->texts, h->lang, "invite.uses", uses, NULL);
    char *text = TF(h, "invite.created", "role", T(h, role_key), "uses", uses_text ? uses_text : "", "link", link,
                    NULL);
    free(uses_text);
    return send_and_free(h, text, NULL);
}

static mb_status show_pending(hctx *h)
{
    int64_t ids[PENDING_LIST_MAX];
    int n = account_list_by_status(h->d, h->acct.org_id, "pending_consent", ids, PENDING_LIST_MAX);
    if (n == 0) return reply_text(h, T(h, "pending.none"), NULL);
    keyboard kb = {0};
    for (int i = 0; i < n; i++) {
        account a;
        if (account_load(h->d, ids[i], &a)) continue;
        char data[32], grade[16];
        snprintf(grade, sizeof grade, "%d", a.grade);
        snprintf(data, sizeof data, "paper:%lld", (long long)a.id);
        char *label = TF(h, "pending.pupil", "name", a.name, "grade", grade, NULL);
        kb_row(&kb);
        kb_button(&kb, label ? label : a.name, data);
        free(label);
    }
    mb_status rc = reply_text(h, T(h, "pending.title"), &kb);
    kb_free(&kb);
    return rc;
}

/* The pupil of this curator's organisation who still waits for a parent's
 * consent, named by a button's argument; 0 when there is none (a stale or
 * forged button). */
static int load_waiting_pupil(hctx *h, long long id, account *a)
{
    return account_load(h->d, id, a) == MB_OK &&
           a->org_id == h->acct.org_id && strcmp(a->status, "pending_consent") == 0;
}

/* A paper consent is a legal record: the curator sees whom it is for and
 * confirms before it counts, so a slip of the finger marks nothing. */
static mb_status ask_paper_consent(hctx *h, long long id)
{
    account a;
    if (!load_waiting_pupil(h, id, &a)) return flow_refuse_button(h, "not a pupil of this curator awaiting consent");
    mb_status rc = reply_answer_button(h, NULL);
    if (rc) return rc;
    char grade[16], yes[32], no[32];
    snprintf(grade, sizeof grade, "%d", a.grade);
    snprintf(yes, sizeof yes, "paperyes:%lld", (long long)a.id);
    snprintf(no, sizeof no, "paperno:%lld", (long long)a.id);
    keyboard kb = {0};
    kb_button(&kb, T(h, "pending.paper_yes"), yes);
    kb_button(&kb, T(h, "pending.paper_no"), no);
    return send_and_free(h, TF(h, "pending.paper_confirm", "name", a.name, "grade", grade, NULL), &kb);
}

static mb_status mark_paper_consent(hctx *h, long long id)
{
    account a;
    if (!load_waiting_pupil(h, id, &a)) return flow_refuse_button(h, "not a pupil of this curator awaiting consent");
    snprintf(a.guardian_consent, sizeof a.guardian_consent, "paper");
    a.guardian_consent_at = clock_now_ms();
    snprintf(a.status, sizeof a.status, "active");
    char actor[32], subject[32];
    snprintf(actor, sizeof actor, "account:%lld", (long long)h->acct.id);
    snprintf(subject, sizeof subject, "account:%lld", id);
    mb_status rc;
    if ((rc = account_save(h->d, &a)) || (rc = audit_log(h->d, actor, "guardian.paper", subject, NULL)) ||
        (rc = reply_answer_button(h, NULL)))
        return rc;
    const char *lang = i18n_pick_language(h->env->texts, a.language);
    rc = reply_to_account(h->d, a.id, i18n_text(h->env->texts, lang, "guardian.confirmed_minor"), NULL);
    if (rc && rc != MB_ERR_NOT_FOUND) return rc;
    return send_and_free(h, TF(h, "pending.marked", "name", a.name, NULL), NULL);
}

mb_status menu_language_button(hctx *h, const char *action, const payload_field *f, int n)
{
    (void)action, (void)n;
    const char *arg = f[0].word;   /* ru or en (routes.c) */
    mb_status rc;
    snprintf(h->acct.language, sizeof h->acct.language, "%.*s", (int)sizeof h->acct.language - 1, arg);
    h->lang = i18n_pick_language(h->env->texts, arg);
    if ((rc = account_save(h->d, &h->acct)) || (rc = reply_answer_button(h, NULL))) return rc;
    rc = reply_text(h, T(h, "language.set"), NULL);
    return rc || !is_active(h) ? rc : menu_show(h);
}

mb_status menu_forget_button(hctx *h, const char *action, const payload_field *f, int n)
{
    (void)action, (void)n;
    mb_status rc;
    /* The question of an old /forget that was answered or left. */
    if (strcmp(h->state, "forget_confirm") != 0) return flow_outdated_button(h, "erasure question no longer open");
    if ((rc = reply_answer_button(h, NULL))) return rc;
    if (strcmp(f[0].word, "yes") == 0) return do_forget(h);   /* yes or no (routes.c) */
    if ((rc = ctx_set_state(h, ""))) return rc;
    return reply_text(h, T(h, "forget.kept"), NULL);
}

mb_status menu_item_button(hctx *h, const char *action, const payload_field *f, int n)
{
    (void)action, (void)n;
    const char *arg = f[0].word;   /* the item (routes.c) */
    mb_status rc;
    if (strcmp(arg, "privacy") == 0 || strcmp(arg, "help") == 0 || strcmp(arg, "language") == 0) {
        if ((rc = reply_answer_button(h, NULL))) return rc;
        return arg[0] == 'p' ? menu_privacy(h) : arg[0] == 'h' ? menu_help(h) : menu_language(h);
    }
    if (!is_curator(h)) return flow_refuse_button(h, "curator menu item pressed by a non-curator");
    if ((rc = reply_answer_button(h, NULL))) return rc;
    if (strcmp(arg, "invite") == 0) return ask_invite_role(h);
    return show_pending(h);
}

mb_status menu_invite_button(hctx *h, const char *action, const payload_field *f, int n)
{
    (void)n;
    if (strcmp(action, "uses") == 0) return create_invite(h, f);
    mb_status rc = reply_answer_button(h, NULL);
    if (rc) return rc;
    return ask_invite_uses(h, f[0].word);   /* mentor or mentee (routes.c) */
}

mb_status menu_paper_button(hctx *h, const char *action, const payload_field *f, int n)
{
    (void)n;
    long long id = f[0].number;   /* the pupil (routes.c) */
    if (strcmp(action, "paper") == 0) return ask_paper_consent(h, id);
    if (strcmp(action, "paperyes") == 0) return mark_paper_consent(h, id);
    account a;
    if (!load_waiting_pupil(h, id, &a)) return flow_refuse_button(h, "paper consent no longer awaited");
    mb_status rc = reply_answer_button(h, NULL);
    if (rc) return rc;
    return reply_text(h, T(h, "pending.paper_kept"), NULL);
}

mb_status menu_on_text(hctx *h, const char *text)
{
    if (meeting_wants_text(h)) return meeting_on_text(h, text);
    if (pair_wants_text(h)) return pair_on_text(h, text);
    if (survey_in_progress(h)) {
        int taken;
        mb_status rc = survey_on_text(h, text, &taken);
        if (rc || taken) return rc;
    }
    if (is_curator(h) && curator_wants_text(h)) return curator_on_text(h, text);
    if (announce_wants_text(h)) return announce_on_text(h, text);
    if (strcmp(h->acct.status, "pending_consent") == 0)
        return reply_text(h, T(h, "menu.pending_guardian"), NULL);
    return reply_text(h, T(h, "menu.hint"), NULL);
}

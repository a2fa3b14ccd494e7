/*
 * The programme as a whole: its stage among the seven of the target model
 * (one step forward or back, confirmed, audit-logged) and announcements to
 * its mentors, mentees or both, queued through the outbox like any reply so
 * the rate limits apply.
 *
 * Button data:
 *   cs                     the stage and the steps it can take
 *   ct:FROM:TO             ask to move;  cu:FROM:TO  move (refused when the
 *                          stage is no longer FROM)
 *   ca                     choose the audience; ca:r | ca:e | ca:b  then type
 *   ca:s | ca:c            send the previewed announcement, or drop it
 *   cc                     no programme for this school year: choose the year
 *   cc:YEAR:FORMS          the forms (bits) chosen so far, toggled by pressing
 *   ck:YEAR:FORMS          create the programme
 */
#include "handlers/announce.h"
#include "handlers/curator.h"
#include "storage/territories.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/tz.h"
#include "util/log.h"
#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STAGE_COUNT 7

static mb_status show_stage(hctx *h);

/* The school year now, named by the year it starts: from September on the
 * calendar year, before it the year before (in the organisation's time). */
static int school_year_now(hctx *h)
{
    org o;
    struct tm tm;
    if (org_get(h->d, h->acct.org_id, &o) != MB_OK) o.timezone[0] = 0;
    if (tz_local(o.timezone, clock_now_ms(), &tm)) return 0;
    return tm.tm_year + 1900 - (tm.tm_mon + 1 < 9 ? 1 : 0);
}

int curator_program_missing(hctx *h)
{
    mentorship_program prog;
    org o;
    if (org_get(h->d, h->acct.org_id, &o) != MB_OK || !org_type_educational(o.type)) return 0;
    return mentorship_program_load(h->d, h->acct.org_id, &prog) != MB_OK || prog.year < school_year_now(h);
}

/* The year choice: this school year and the next. */
static mb_status create_ask_year(hctx *h)
{
    int year = school_year_now(h);
    keyboard kb = {0};
    for (int y = year; y <= year + 1; y++) {
        char label[64], data[32], from[16], to[16];
        snprintf(from, sizeof from, "%d", y);
        snprintf(to, sizeof to, "%d", y + 1);
        char *l = TF(h, "program.year_button", "year", from, "next", to, NULL);
        snprintf(label, sizeof label, "%s", l ? l : from);
        free(l);
        snprintf(data, sizeof data, "cc:%d:%u", y, (unsigned)PROGRAM_FORMS_DEFAULT);
        kb_row(&kb);
        kb_button(&kb, label, data);
    }
    return curator_send(h, TF(h, "program.ask_year", NULL), &kb);
}

/* The forms with ✓ on the chosen ones; a press toggles one. */
static mb_status create_ask_forms(hctx *h, int year, uint32_t forms)
{
    keyboard kb = {0};
    char data[48], label[160], from[16], to[16];
    for (int f = 0; f < PROFILE_FORM_COUNT; f++) {
        snprintf(label, sizeof label, "%s%s", forms & (1u << f) ? "✓ " : "", curator_form_text(h->env->texts, h->lang, f));
        snprintf(data, sizeof data, "cc:%d:%u", year, (unsigned)(forms ^ (1u << f)));
        kb_row(&kb);
        kb_button(&kb, label, data);
    }
    if (forms) {
        snprintf(data, sizeof data, "ck:%d:%u", year, (unsigned)forms);
        kb_row(&kb);
        kb_button(&kb, T(h, "program.create"), data);
    }
    snprintf(from, sizeof from, "%d", year);
    snprintf(to, sizeof to, "%d", year + 1);
    return curator_send(h, TF(h, "program.ask_forms", "year", from, "next", to, NULL), &kb);
}

static mb_status create_button(hctx *h, const char *action, const payload_field *in, int n)
{
    int now = school_year_now(h);
    if (!n) {   /* cc alone; otherwise YEAR:FORMS (routes.c) */
        mb_status rc = reply_answer_button(h, NULL);
        if (rc) return rc;
        return curator_program_missing(h) ? create_ask_year(h) : show_stage(h);
    }
    long long y = in[0].number, f = in[1].number;
    if (y < now || y > now + 1 || f > (1 << PROFILE_FORM_COUNT) - 1 || (strcmp(action, "ck") == 0 && !f))
        return flow_refuse_button(h, "bad programme data");
    int year = (int)y;
    unsigned forms = (unsigned)f;
    mb_status rc = reply_answer_button(h, NULL);
    if (rc) return rc;
    if (strcmp(action, "cc") == 0) return create_ask_forms(h, year, forms);
    int64_t id = 0;
    rc = program_create(h->d, h->acct.org_id, year, forms, &id);
    if (rc == MB_ERR_EXISTS) return reply_text(h, T(h, "program.exists"), NULL);
    if (rc == MB_ERR_INVALID) return reply_text(h, T(h, "program.not_educational"), NULL);
    if (rc) return rc;
    char actor[32], subject[32], detail[PROGRAM_FORMS_LIST_MAX + 32], list[PROGRAM_FORMS_LIST_MAX];
    program_forms_format(forms, list, sizeof list);
    curator_actor(h, actor, sizeof actor);
    snprintf(subject, sizeof subject, "program:%lld", (long long)id);
    snprintf(detail, sizeof detail, "year %d, forms %s", year, list);
    if ((rc = audit_log(h->d, actor, "program.create", subject, detail))) return rc;
    char from[16], to[16];
    snprintf(from, sizeof from, "%d", year);
    snprintf(to, sizeof to, "%d", year + 1);
    if ((rc = curator_send(h, TF(h, "program.created", "year", from, "next", to, NULL), NULL))) return rc;
    return show_stage(h);
}

static const char *stage_name(hctx *h, int stage)
{
    char key[32];
    snprintf(key, sizeof key, "stage.%d", stage);
    return T(h, key);
}

static mb_status show_stage(hctx *h)
{
    mentorship_program prog;
    if (mentorship_program_load(h->d, h->acct.org_id, &prog)) return create_ask_year(h);
    char list[4096], n[16], year[16], next[16], data[32], label[256];
    size_t used = 0;
    for (int s = 1; s <= STAGE_COUNT; s++) {
        int w = snprintf(list + used, sizeof list - used, "%s%d. %s%s", s > 1 ? "\n" : "", s, stage_name(h, s),
                         s == prog.stage ? " ◀" : "");
        if (w > 0 && (size_t)w < sizeof list - used) used += (size_t)w;
    }
    snprintf(n, sizeof n, "%d", prog.stage);
    snprintf(year, sizeof year, "%d", prog.year);
    snprintf(next, sizeof next, "%d", prog.year + 1);
    keyboard kb = {0};
    if (prog.stage < STAGE_COUNT) {
        char *l = TF(h, "stage.forward", "name", stage_name(h, prog.stage + 1), NULL);
        snprintf(label, sizeof label, "%s", l ? l : "→");
        free(l);
        snprintf(data, sizeof data, "ct:%d:%d", prog.stage, prog.stage + 1);
        kb_row(&kb);
        kb_button(&kb, label, data);
    }
    if (prog.stage > 1) {
        char *l = TF(h, "stage.back", "name", stage_name(h, prog.stage - 1), NULL);
        snprintf(label, sizeof label, "%s", l ? l : "←");
        free(l);
        snprintf(data, sizeof data, "ct:%d:%d", prog.stage, prog.stage - 1);
        kb_row(&kb);
        kb_button(&kb, label, data);
    }
    return curator_send(h, TF(h, "stage.title", "year", year, "next", next, "n", n, "name", stage_name(h, prog.stage),
                              "list", list, NULL), &kb);
}

static mb_status stage_step(hctx *h, const char *action, const payload_field *f)
{
    /* FROM:TO, neighbouring stages */
    mentorship_program prog;
    long long a = f[0].number, b = f[1].number;
    if (a < 1 || b < 1 || a > STAGE_COUNT || b > STAGE_COUNT || (b - a != 1 && a - b != 1))
        return flow_refuse_button(h, "bad stage step");
    int from = (int)a, to = (int)b;
    if (mentorship_program_load(h->d, h->acct.org_id, &prog)) return flow_refuse_button(h, "no programme");
    mb_status rc = reply_answer_button(h, NULL);
    if (rc) return rc;
    if (prog.stage != from) return reply_text(h, T(h, "stage.stale"), NULL);
    if (strcmp(action, "ct") == 0) {
        char data[32];
        keyboard kb = {0};
        snprintf(data, sizeof data, "cu:%d:%d", from, to);
        kb_button(&kb, T(h, "stage.yes"), data);
        kb_button(&kb, T(h, "stage.no"), "cs");
        return curator_send(h, TF(h, "stage.ask", "from", stage_name(h, from), "to", stage_name(h, to), NULL), &kb);
    }
    rc = mentorship_program_set_stage(h->d, prog.id, from, to);
    if (rc == MB_ERR_NOT_FOUND) return reply_text(h, T(h, "stage.stale"), NULL);
    if (rc) return rc;
    char actor[32], subject[32], detail[48], n[16];
    curator_actor(h, actor, sizeof actor);
    snprintf(subject, sizeof subject, "program:%lld", (long long)prog.id);
    snprintf(detail, sizeof detail, "stage %d -> %d", from, to);
    if ((rc = audit_log(h->d, actor, "program.stage", subject, detail))) return rc;
    snprintf(n, sizeof n, "%d", to);
    return curator_send(h, TF(h, "stage.moved", "n", n, "name", stage_name(h, to), NULL), NULL);
}

/* Audience codes: r = mentors, e = mentees, b = both. */
static int audience_ok(const char *a) { return a && (!strcmp(a, "r") || !strcmp(a, "e") || !strcmp(a, "b")); }

static int audience_count(hctx *h, const char *aud)
{
    int n = 0;
    if (aud[0] != 'e') n += mentorship_count_people(h->d, h->acct.org_id, "mentor");
    if (aud[0] != 'r') n += mentorship_count_people(h->d, h->acct.org_id, "mentee");
    return n;
}

static const char *audience_key(const char *aud)
{
    return aud[0] == 'r' ? "curator.announce_mentors" : aud[0] == 'e' ? "curator.announce_mentees"
                                                                      : "curator.announce_both";
}

static mb_status announce_ask_audience(hctx *h)
{
    keyboard kb = {0};
    kb_button(&kb, T(h, "curator.announce_mentors"), "ca:r");
    kb_button(&kb, T(h, "curator.announce_mentees"), "ca:e");
    kb_row(&kb);
    kb_button(&kb, T(h, "curator.announce_both"), "ca:b");
    mb_status rc = reply_text(h, T(h, "curator.announce_ask_audience"), &kb);
    kb_free(&kb);
    return rc;
}

/* The active participants of the audience, each once. */
static mb_status audience_ids(hctx *h, const char *aud, int64_t **ids, int *n)
{
    const char *roles[2];
    int nroles = 0;
    if (aud[0] != 'e') roles[nroles++] = "mentor";
    if (aud[0] != 'r') roles[nroles++] = "mentee";
    return announce_collect(h->d, &h->acct.org_id, 1, roles, nroles, ids, n);
}

static void curator_message(hctx *h, announce_message *msg, org *o)
{
    announce_from_dialog(h, msg);
    if (org_get(h->d, h->acct.org_id, o)) snprintf(o->name, sizeof o->name, "—");
    msg->from = o->name;
    msg->header_key = "curator.announcement";
    msg->file_key = "curator.announcement_file";
}

/* Queues the announcement to every active participant of the audience;
 * the curator hears how many got it once the messages settle. */
static mb_status announce_send(hctx *h, const char *aud)
{
    int64_t *ids = NULL;
    int n = 0, sent = 0;
    mb_status rc = audience_ids(h, aud, &ids, &n);
    if (rc) return rc;
    announce_message msg;
    org o;
    curator_message(h, &msg, &o);
    rc = announce_deliver(h, &msg, ids, n, h->acct.org_id, 0, &sent);
    free(ids);
    if (rc) return rc;
    char actor[32], subject[32], detail[64];
    curator_actor(h, actor, sizeof actor);
    snprintf(subject, sizeof subject, "org:%lld", (long long)h->acct.org_id);
    snprintf(detail, sizeof detail, "audience %s, %d recipients%s", aud, sent, msg.ref ? ", with a file" : "");
    rc = audit_log(h->d, actor, "announcement.send", subject, detail);
    if (!rc) rc = ctx_set_state(h, "");
    if (rc) return rc;
    char *people = i18n_plural(h->env->texts, h->lang, "curator.people", sent, NULL);
    rc = curator_send(h, TF(h, "curator.announce_sent", "people", people ? people : "", NULL), NULL);
    free(people);
    return rc;
}

static mb_status announce_flow_button(hctx *h, const char *arg)
{
    const char *aud = cJSON_GetStringValue(cJSON_GetObjectItem(h->data, "aud"));
    const char *text = cJSON_GetStringValue(cJSON_GetObjectItem(h->data, "text"));
    int cancel = strcmp(arg, "c") == 0 && strncmp(h->state, "cur_announce", 12) == 0;
    int send = strcmp(arg, "s") == 0 && strcmp(h->state, CURATOR_STATE_ANNOUNCE_CONFIRM) == 0 && audience_ok(aud) &&
               (text || json_str(h->data, "ref"));
    /* A stale send or cancel (the announcement went or was dropped) is
     * refused before the press is answered: one answer per press. */
    if (arg[0] && !audience_ok(arg) && !cancel && !send)
        return flow_refuse_button(h, "announcement button out of its step");
    mb_status rc = reply_answer_button(h, NULL);
    if (rc) return rc;
    if (!arg[0]) return announce_ask_audience(h);
    if (audience_ok(arg)) {
        if (audience_count(h, arg) == 0) {
            if ((rc = ctx_set_state(h, ""))) return rc;
            return reply_text(h, T(h, "curator.announce_nobody"), NULL);
        }
        cJSON_DeleteItemFromObject(h->data, "text");
        cJSON_DeleteItemFromObject(h->data, "ref");
        cJSON_DeleteItemFromObject(h->data, "aud");
        cJSON_AddStringToObject(h->data, "aud", arg);
        if ((rc = ctx_set_state(h, CURATOR_STATE_ANNOUNCE_TEXT))) return rc;
        char limit[16];
        snprintf(limit, sizeof limit, "%d", announce_text_limit(h));
        return curator_send(h, TF(h, "curator.announce_ask_text", "limit", limit, NULL), NULL);
    }
    if (cancel) {
        if ((rc = ctx_set_state(h, ""))) return rc;
        return reply_text(h, T(h, "curator.announce_cancelled"), NULL);
    }
    return announce_send(h, aud);
}

mb_status curator_program_text(hctx *h, const char *text)
{
    const char *aud = json_str(h->data, "aud");
    if (!audience_ok(aud)) {
        mb_status rc = ctx_set_state(h, "");
        return rc ? rc : reply_text(h, T(h, "menu.hint"), NULL);
    }
    char limit[16];
    snprintf(limit, sizeof limit, "%d", announce_text_limit(h));
    if (text_codepoints(text) > (size_t)announce_text_limit(h))
        return curator_send(h, TF(h, "curator.announce_too_long", "limit", limit, NULL), NULL);
    cJSON_DeleteItemFromObject(h->data, "text");
    cJSON_DeleteItemFromObject(h->data, "ref");
    cJSON_AddStringToObject(h->data, "text", text);
    return curator_program_preview(h);
}

mb_status curator_program_preview(hctx *h)
{
    const char *aud = json_str(h->data, "aud");
    if (!audience_ok(aud)) {
        mb_status rc = ctx_set_state(h, "");
        return rc ? rc : reply_text(h, T(h, "menu.hint"), NULL);
    }
    mb_status rc = ctx_set_state(h, CURATOR_STATE_ANNOUNCE_CONFIRM);
    if (rc == MB_ERR_LIMIT) { /* escaped JSON over the dialog's limit */
        char limit[16];
        snprintf(limit, sizeof limit, "%d", announce_text_limit(h));
        return curator_send(h, TF(h, "curator.announce_too_long", "limit", limit, NULL), NULL);
    }
    if (rc) return rc;
    announce_message msg;
    org o;
    curator_message(h, &msg, &o);
    int64_t *ids = NULL;
    int n = 0;
    if ((rc = audience_ids(h, aud, &ids, &n))) return rc;
    int elsewhere = msg.ref ? announce_count_elsewhere(h->d, ids, n, msg.platform) : 0;
    free(ids);
    char *people = i18n_plural(h->env->texts, h->lang, "curator.people", n, NULL);
    keyboard kb = {0};
    kb_button(&kb, T(h, "curator.announce_send"), "ca:s");
    kb_button(&kb, T(h, "curator.announce_cancel"), "ca:c");
    if (!msg.ref) {
        char *preview = TF(h, "curator.announce_preview", "audience", T(h, audience_key(aud)), "people",
                           people ? people : "", "text", msg.text, NULL);
        free(people);
        return curator_send(h, preview, &kb);
    }
    /* A photo or file: who gets it, then the message itself as they see it. */
    char count[16];
    snprintf(count, sizeof count, "%d", elsewhere);
    char *head = TF(h, "curator.announce_preview_file", "audience", T(h, audience_key(aud)), "people",
                    people ? people : "", NULL);
    char *note = elsewhere ? TF(h, *msg.text ? "announce.elsewhere_text" : "announce.elsewhere_none", "n", count, NULL)
                           : NULL;
    free(people);
    rc = head ? reply_text(h, head, NULL) : MB_ERR_NOMEM;
    if (!rc && note) rc = reply_text(h, note, NULL);
    free(head);
    free(note);
    char *caption = !rc ? TF(h, *msg.text ? "curator.announcement" : "curator.announcement_file", "org", o.name,
                             "text", msg.text, NULL)
                        : NULL;
    if (!rc) rc = caption ? reply_attachment_to_account(h->d, h->acct.id, msg.platform, msg.kind, msg.ref, caption, &kb)
                          : MB_ERR_NOMEM;
    free(caption);
    kb_free(&kb);
    return rc;
}

mb_status curator_program_button(hctx *h, const char *action, const payload_field *f, int n)
{
    /* ca: none or a word; cc, ck: YEAR:FORMS; cs: none; ct, cu: FROM:TO (routes.c) */
    if (strcmp(action, "ca") == 0) return announce_flow_button(h, n ? f[0].word : "");
    if (strcmp(action, "cc") == 0 || strcmp(action, "ck") == 0) return create_button(h, action, f, n);
    if (strcmp(action, "cs") == 0) {
        mb_status rc = reply_answer_button(h, NULL);
        return rc ? rc : show_stage(h);
    }
    return stage_step(h, action, f);
}

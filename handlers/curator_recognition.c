/*
 * The curator's side of recognition: the organisation's ranking of mentors,
 * publishing it to the organisation's mentors (those who hide are left out
 * of it, though they receive it too), and the printable letters of thanks
 * (report/certificate.h) written under bot_env.files_dir and sent as
 * documents that remove their file once sent.
 */
#include "handlers/curator.h"
#include "handlers/payload.h"
#include "handlers/recognition.h"
#include "handlers/recognition_rules.h"
#include "report/certificate.h"
#include "storage/profiles.h"
#include "storage/recognition.h"
#include "util/clock.h"
#include "util/log.h"
#include "util/strbuf.h"
#include "util/text.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Between «Опубликовать» and «Отправить»: a second press of «Отправить»
 * (or a stale one) publishes nothing. */
#define STATE_PUBLISH "cur_rank_publish"

void curator_recognition_menu_items(hctx *h, keyboard *kb)
{
    kb_row(kb);
    kb_button(kb, T(h, "ranking.menu"), "rk:v");
}

static const recognition_rules *rules_of(hctx *h, recognition_rules *defaults)
{
    if (h->env->recognition) return h->env->recognition;
    recognition_rules_default(defaults);
    return defaults;
}

/* The ranking's lines in lang: "1. Анна Иванова (2 наставляемых) — 23
 * балла, опытный": each mentor with their team, whose meetings and
 * achievements the points count too. */
static char *ranking_text(hctx *h, const char *lang, const char *title_key, const recognition_entry *e, int shown,
                          int mark_hidden, const recognition_rules *r)
{
    const i18n *t = h->env->texts;
    org o;
    if (org_get(h->d, h->acct.org_id, &o)) snprintf(o.name, sizeof o.name, "—");
    char date[64];
    curator_org_date(h, clock_now_ms(), date, sizeof date);
    char *title = i18n_format(t, lang, title_key, "org", o.name, "date", date, NULL);
    strbuf sb = {0};
    sb_puts(&sb, title ? title : "");
    free(title);
    for (int i = 0; i < shown && i < RECOGNITION_RANKING_SHOWN; i++) {
        char place[16], key[48];
        snprintf(place, sizeof place, "%d", i + 1);
        snprintf(key, sizeof key, "recognition.level.%s", recognition_level_code(recognition_level(r, e[i].points)));
        char *points = i18n_plural(t, lang, "recognition.points", e[i].points, NULL);
        char *team = i18n_plural(t, lang, "ranking.mentees", e[i].mentees, NULL);
        char *line = i18n_format(t, lang, e[i].mentees ? "ranking.line" : "ranking.line_alone", "place", place,
                                 "name", e[i].name[0] ? e[i].name : "—", "team", team ? team : "", "points",
                                 points ? points : "", "level", i18n_text(t, lang, key), NULL);
        free(team);
        if (line) sb_printf(&sb, "\n%s%s%s", line, mark_hidden && e[i].hidden ? " " : "",
                            mark_hidden && e[i].hidden ? i18n_text(t, lang, "ranking.hidden_mark") : "");
        free(points);
        free(line);
    }
    if (shown > RECOGNITION_RANKING_SHOWN) {
        char more[16];
        snprintf(more, sizeof more, "%d", shown - RECOGNITION_RANKING_SHOWN);
        char *line = i18n_format(t, lang, "ranking.more", "n", more, NULL);
        if (line) sb_printf(&sb, "\n%s", line);
        free(line);
    }
    if (sb.failed) {
        sb_free(&sb);
        return NULL;
    }
    return sb_take(&sb);
}

static mb_status load_ranking(hctx *h, int published, recognition_entry **list, int *n, int *shown)
{
    recognition_rules defaults;
    mb_status rc = recognition_org_mentors(h->d, h->acct.org_id, list, n);
    if (rc) return rc;
    *shown = recognition_rank(rules_of(h, &defaults), *list, *n, published);
    return MB_OK;
}

static mb_status show_ranking(hctx *h)
{
    recognition_entry *list = NULL;
    int n = 0, shown = 0;
    recognition_rules defaults;
    mb_status rc = load_ranking(h, 0, &list, &n, &shown);
    if (rc) return rc;
    if (n == 0) return reply_text(h, T(h, "ranking.empty"), NULL);
    char *text = ranking_text(h, h->lang, "ranking.title", list, shown, 1, rules_of(h, &defaults));
    free(list);
    keyboard kb = {0};
    kb_button(&kb, T(h, "ranking.publish"), "rk:p");
    return curator_send(h, text, &kb);
}

static mb_status ask_publish(hctx *h)
{
    recognition_entry *list = NULL;
    int n = 0, shown = 0;
    mb_status rc = load_ranking(h, 1, &list, &n, &shown);
    free(list);
    if (rc) return rc;
    if (n == 0) return reply_text(h, T(h, "ranking.empty"), NULL);
    if ((rc = ctx_set_state(h, STATE_PUBLISH))) return rc;
    char *people = i18n_plural(h->env->texts, h->lang, "curator.people", n, NULL);
    char hidden[16];
    snprintf(hidden, sizeof hidden, "%d", n - shown);
    keyboard kb = {0};
    kb_button(&kb, T(h, "ranking.publish_yes"), "rk:s");
    kb_button(&kb, T(h, "ranking.publish_no"), "rk:v");
    char *text = TF(h, "ranking.publish_ask", "people", people ? people : "", "hidden", hidden, NULL);
    free(people);
    return curator_send(h, text, &kb);
}

/* Sends the published ranking to every active mentor of the organisation,
 * each in their language; the hidden ones receive it without themselves. */
static mb_status publish(hctx *h)
{
    recognition_entry *list = NULL;
    int n = 0, shown = 0, sent = 0;
    recognition_rules defaults;
    const recognition_rules *r = rules_of(h, &defaults);
    mb_status rc = load_ranking(h, 1, &list, &n, &shown);
    if (rc) return rc;
    for (int i = 0; i < n && !rc; i++) {
        account a;
        if (account_load(h->d, list[i].account_id, &a)) continue;
        const char *lang = i18n_pick_language(h->env->texts, a.language);
        char *text = ranking_text(h, lang, "ranking.published_title", list, shown, 0, r);
        strbuf sb = {0};
        sb_printf(&sb, "%s\n\n%s", text ? text : "", i18n_text(h->env->texts, lang, "ranking.published_footer"));
        rc = !text || sb.failed ? MB_ERR_NOMEM : reply_to_account(h->d, a.id, sb_str(&sb), NULL);
        free(text);
        sb_free(&sb);
        if (rc == MB_OK) sent++;
        else if (rc == MB_ERR_NOT_FOUND) rc = MB_OK;
    }
    free(list);
    if (rc || (rc = ctx_set_state(h, ""))) return rc;
    char actor[32], subject[32], detail[64];
    curator_actor(h, actor, sizeof actor);
    snprintf(subject, sizeof subject, "org:%lld", (long long)h->acct.org_id);
    snprintf(detail, sizeof detail, "%d shown, %d recipients", shown, sent);
    if ((rc = audit_log(h->d, actor, "ranking.publish", subject, detail))) return rc;
    char *people = i18n_plural(h->env->texts, h->lang, "curator.people", sent, NULL);
    rc = curator_send(h, TF(h, "ranking.published", "people", people ? people : "", NULL), NULL);
    free(people);
    return rc;
}

/* ---- letters of thanks ---- */

/* A new file name under files_dir for a letter; 0 on success. */
static int letter_path(hctx *h, const char *kind, char *path, size_t size)
{
    const char *dir = h->env->files_dir;
    char code[17];
    if (!dir || !*dir || text_random_code(code, sizeof code - 1)) return -1;
    code[sizeof code - 1] = 0;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        log_error("recognition", "cannot create %s for a letter: %s", dir, strerror(errno));
        return -1;
    }
    snprintf(path, size, "%s/%s-%lld-%s.pdf", dir, kind, (long long)h->acct.org_id, code);
    return 0;
}

/* A document's shown name: the catalog's, with the characters a file
 * name cannot hold replaced. */
static void file_name(char *name)
{
    for (char *p = name; *p; p++)
        if (*p == '/' || *p == '\\' || (unsigned char)*p < 0x20) *p = '_';
}

typedef struct letter_facts {
    mentorship m;
    account mentor;
    org o;
    char form[128];
    char from[64], to[64], today[64];
} letter_facts;

/* The mentorship of a letter button, in the curator's organisation, whose
 * final meeting was held, with a mentor who kept their data. */
static int letter_facts_of(hctx *h, long long id, letter_facts *f, mb_status *rc)
{
    int64_t final_at = 0;
    if (mentorship_load(h->d, id, &f->m) != MB_OK ||
        !curator_in_scope(h, f->m.org_id)) {
        *rc = flow_refuse_button(h, "letter for a mentorship outside the organisation");
        return 0;
    }
    if ((*rc = reply_answer_button(h, NULL))) return 0;
    if (!recognition_final_held(h->d, f->m.id, &final_at)) {
        *rc = reply_text(h, T(h, "letter.not_completed"), NULL);
        return 0;
    }
    if (account_load(h->d, f->m.mentor_id, &f->mentor) != MB_OK || strcmp(f->mentor.status, "forgotten") == 0 ||
        !f->mentor.name[0]) {
        *rc = reply_text(h, T(h, "letter.erased"), NULL);
        return 0;
    }
    if (org_get(h->d, f->m.org_id, &f->o)) snprintf(f->o.name, sizeof f->o.name, "—");
    snprintf(f->form, sizeof f->form, "%s",
             curator_form_text(h->env->texts, h->lang, profile_form_code(f->m.form)));
    curator_org_date(h, f->m.created_at, f->from, sizeof f->from);
    curator_org_date(h, f->m.ended_at ? f->m.ended_at : final_at, f->to, sizeof f->to);
    curator_org_date(h, clock_now_ms(), f->today, sizeof f->today);
    return 1;
}

/* Writes the letter and queues it to a chat, or removes it. */
static mb_status write_and_send(hctx *h, const certificate *c, const char *kind, const char *platform,
                                int64_t chat_id, const char *filename, const char *caption)
{
    char path[1024];
    if (letter_path(h, kind, path, sizeof path)) return reply_text(h, T(h, "letter.failed"), NULL);
    mb_status rc = certificate_write_pdf(c, path);
    if (rc) {
        log_error("recognition", "letter %s not written: %s", kind, mb_status_str(rc));
        return reply_text(h, T(h, "letter.failed"), NULL);
    }
    char name[512];
    snprintf(name, sizeof name, "%s", filename);
    file_name(name);
    rc = platform ? reply_document_to_chat(h->d, platform, chat_id, 0, path, name, caption)
                  : reply_document(h, path, name, caption);
    /* Nothing queued it: the file would never be removed. */
    if (rc) unlink(path);
    return rc;
}

static mb_status mentor_letter(hctx *h, long long id)
{
    letter_facts f;
    mb_status rc;
    if (!letter_facts_of(h, id, &f, &rc)) return rc;
    char *body = TF(h, "letter.mentor_body", "org", f.o.name, "form", f.form, "from", f.from, "to", f.to, NULL);
    char *signature = TF(h, "letter.signature", "curator", h->acct.name, NULL);
    char *footer = TF(h, "letter.footer", "org", f.o.name, "date", f.today, NULL);
    char *filename = TF(h, "letter.mentor_file", "name", f.mentor.name, NULL);
    char *caption = TF(h, "letter.mentor_caption", "name", f.mentor.name, NULL);
    certificate c = {.title = T(h, "letter.mentor_title"), .recipient = f.mentor.name, .body = body,
                     .signature = signature, .footer = footer};
    rc = body && signature && footer && filename && caption
             ? write_and_send(h, &c, "thanks", NULL, 0, filename, caption)
             : MB_ERR_NOMEM;
    free(body);
    free(signature);
    free(footer);
    free(filename);
    free(caption);
    return rc;
}

/* The letter to the parents of a pupil-mentor (000:L200): to the chat of
 * the parent who confirmed the pupil in the bot, else to the curator to
 * print. Written in the curator's language: the bot does not know the
 * parent's. */
static mb_status parents_letter(hctx *h, long long id)
{
    letter_facts f;
    mb_status rc;
    if (!letter_facts_of(h, id, &f, &rc)) return rc;
    if (strcmp(f.mentor.category, "pupil") != 0) return reply_text(h, T(h, "letter.not_pupil"), NULL);
    char platform[16];
    int64_t chat_id = 0;
    rc = recognition_guardian_chat(h->d, f.mentor.id, platform, sizeof platform, &chat_id);
    if (rc && rc != MB_ERR_NOT_FOUND) return rc;
    int to_parent = rc == MB_OK;
    char *recipient = TF(h, "letter.parents_recipient", "name", f.mentor.name, NULL);
    char *body = TF(h, "letter.parents_body", "name", f.mentor.name, "org", f.o.name, "form", f.form, "from", f.from,
                    "to", f.to, NULL);
    char *signature = TF(h, "letter.signature", "curator", h->acct.name, NULL);
    char *footer = TF(h, "letter.footer", "org", f.o.name, "date", f.today, NULL);
    char *filename = TF(h, "letter.parents_file", "name", f.mentor.name, NULL);
    char *caption = TF(h, to_parent ? "letter.parents_caption" : "letter.parents_print", "name", f.mentor.name,
                       "org", f.o.name, NULL);
    certificate c = {.title = T(h, "letter.parents_title"), .recipient = recipient, .body = body,
                     .signature = signature, .footer = footer};
    rc = recipient && body && signature && footer && filename && caption
             ? write_and_send(h, &c, "parents", to_parent ? platform : NULL, chat_id, filename, caption)
             : MB_ERR_NOMEM;
    if (!rc && to_parent) rc = reply_text(h, T(h, "letter.parents_sent"), NULL);
    free(recipient);
    free(body);
    free(signature);
    free(footer);
    free(filename);
    free(caption);
    return rc;
}

int curator_recognition_offer(hctx *h, const mentorship *m, keyboard *kb)
{
    if (!recognition_final_held(h->d, m->id, NULL)) return 0;
    account mentor;
    if (account_load(h->d, m->mentor_id, &mentor) != MB_OK || strcmp(mentor.status, "forgotten") == 0) return 0;
    char data[32];
    kb_row(kb);
    snprintf(data, sizeof data, "rc:%lld", (long long)m->id);
    kb_button(kb, T(h, "letter.mentor_button"), data);
    if (strcmp(mentor.category, "pupil") == 0) {
        snprintf(data, sizeof data, "rl:%lld", (long long)m->id);
        kb_button(kb, T(h, "letter.parents_button"), data);
    }
    return 1;
}

mb_status curator_recognition_button(hctx *h, const char *action, const payload_field *f, int n)
{
    /* rc, rl: a mentorship; rk: v, p or s (routes.c) */
    (void)n;
    if (strcmp(action, "rc") == 0) return mentor_letter(h, f[0].number);
    if (strcmp(action, "rl") == 0) return parents_letter(h, f[0].number);
    const char *arg = f[0].word;
    mb_status rc;
    if (arg[0] == 's' && strcmp(h->state, STATE_PUBLISH) != 0)
        return flow_refuse_button(h, "ranking already published or not asked");
    if ((rc = reply_answer_button(h, NULL))) return rc;
    if (arg[0] == 'v') {
        if (strcmp(h->state, STATE_PUBLISH) == 0 && (rc = ctx_set_state(h, ""))) return rc;
        return show_ranking(h);
    }
    if (arg[0] == 'p') return ask_publish(h);
    return publish(h);
}

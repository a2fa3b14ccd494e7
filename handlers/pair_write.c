/*
 * What the people of a pair send each other through the bot (a text, or a
 * photo or file to someone on the same messenger), the problems they tell
 * the curators, the contacts two adults agree to exchange, and the
 * conversation a curator may read for a pair with a minor
 * (handlers/pair.c routes here).
 */
#include "handlers/curator.h"
#include "handlers/flows.h"
#include "handlers/meeting_notice.h"
#include "handlers/matching.h"
#include "handlers/meetings.h"
#include "handlers/pair_internal.h"
#include "handlers/payload.h"
#include "handlers/timezone.h"
#include "storage/guardians.h"
#include "storage/mentorships.h"
#include "storage/pair_messages.h"
#include "storage/profiles.h"
#include "util/clock.h"
#include "util/json.h"
#include "util/log.h"
#include "util/quiet.h"
#include "util/strbuf.h"
#include "util/text.h"
#include "util/tz.h"
#include "util/when.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* ---- writing ---- */

mb_status pair_ask_message(hctx *h, const mentorship *m, long long to)
{
    account a;
    if (to == h->acct.id || !pair_in_mentorship(m, to) || account_load(h->d, to, &a) != MB_OK)
        return flow_refuse_button(h, "not someone of this mentorship to write to");
    mb_status rc = reply_answer_button(h, NULL);
    if (rc || (rc = pair_set_dialog(h, STATE_WRITE, m->id, to))) return rc;
    return pair_send_and_free(h, TF(h, pair_has_minor(h, m) ? "pair.ask_message_minor" : "pair.pair_ask_message", "name", a.name,
                               NULL),
                         NULL);
}

static const char *role_word(hctx *h, const account *reader, const mentorship *m, int64_t who)
{
    const char *lang = i18n_pick_language(h->env->texts, reader->language);
    return i18n_text(h->env->texts, lang, m->mentor_id == who ? "pair.role_mentor" : "pair.role_mentee");
}

static mb_status deliver(hctx *h, const mentorship *m, int64_t to, const char *text)
{
    account reader;
    if (account_load(h->d, to, &reader) != MB_OK) return MB_ERR_NOT_FOUND;
    const i18n *t = h->env->texts;
    const char *lang = i18n_pick_language(t, reader.language);
    char data[64];
    snprintf(data, sizeof data, "pr:w:%lld:%lld", (long long)m->id, (long long)h->acct.id);
    keyboard kb = {0};
    kb_button(&kb, i18n_text(t, lang, "pair.reply"), data);
    char *msg = i18n_format(t, lang, "pair.message_from", "name", h->acct.name, "role",
                            role_word(h, &reader, m, h->acct.id), "text", text, NULL);
    mb_status rc = msg ? reply_to_account(h->d, to, msg, &kb) : MB_ERR_NOMEM;
    free(msg);
    kb_free(&kb);
    return rc;
}

static int message_fits(hctx *h, const char *text, mb_status *rc)
{
    if (text_codepoints(text) <= PAIR_MESSAGE_MAX) return 1;
    char limit[16];
    snprintf(limit, sizeof limit, "%d", PAIR_MESSAGE_MAX);
    *rc = pair_send_and_free(h, TF(h, "pair.too_long", "limit", limit, NULL), NULL);
    return 0;
}

mb_status pair_on_write_text(hctx *h, const char *text)
{
    int ok_ms = 0, ok_to = 0;
    int64_t ms = json_int(h->data, "mentorship", &ok_ms), to = json_int(h->data, "to", &ok_to);
    mentorship m;
    mb_status rc = MB_OK;
    if (!ok_ms || !ok_to || pair_load_mine(h, ms, &m) == PAIR_NONE || !pair_in_mentorship(&m, to)) {
        if ((rc = ctx_set_state(h, ""))) return rc;
        return reply_text(h, T(h, "pair.gone"), NULL);
    }
    if (pair_paused(h, &m)) return pair_tell_paused(h);
    if (!message_fits(h, text, &rc)) return rc;
    if ((rc = pair_message_add(h->d, m.id, h->acct.id, to, "message", text, clock_now_ms()))) return rc;
    rc = deliver(h, &m, to, text);
    if (rc == MB_ERR_NOT_FOUND) {
        if ((rc = ctx_set_state(h, ""))) return rc;
        return reply_text(h, T(h, "pair.unreachable"), NULL);
    }
    if (rc || (rc = ctx_set_state(h, ""))) return rc;
    char data[64];
    snprintf(data, sizeof data, "pr:w:%lld:%lld", (long long)m.id, (long long)to);
    keyboard kb = {0};
    kb_button(&kb, T(h, "pair.write_more"), data);
    return pair_send_and_free(h, strdup(T(h, "pair.sent")), &kb);
}

/* What the conversation keeps of photos or files: "[фото]", "[файл:
 * name]" or "[вложений: 3]", then the caption. Caller frees. */
static char *attachment_record(hctx *h, const char *caption)
{
    const event_attachment *a = &h->ev->attachment;
    char count[16];
    snprintf(count, sizeof count, "%d", a->count);
    char *mark = a->count > 1                      ? TF(h, "pair.files_mark", "count", count, NULL)
                 : a->kind == EVENT_ATTACHMENT_PHOTO ? strdup(T(h, "pair.photo_mark"))
                 : a->file_name && *a->file_name   ? TF(h, "pair.file_mark", "name", a->file_name, NULL)
                                                   : strdup(T(h, "pair.file_mark_unnamed"));
    if (!mark || !caption || !*caption) return mark;
    strbuf sb;
    sb_init(&sb, 0);
    sb_printf(&sb, "%s %s", mark, caption);
    free(mark);
    return sb_take(&sb);
}

/* Telegram sends an album as a message per photo: the dialog remembers
 * the album of the first, so the others follow it (and are not answered
 * again) after the dialog has ended. */
int pair_album_goes_on(const hctx *h)
{
    const char *album = h->ev->attachment.album_id, *open = json_str(h->data, "album");
    return album && open && strcmp(album, open) == 0;
}

static mb_status set_write_state(hctx *h, const char *state, int64_t ms, int64_t to)
{
    cJSON *data = cJSON_CreateObject();
    const char *album = h->ev->attachment.album_id;
    if (!data || !cJSON_AddNumberToObject(data, "mentorship", (double)ms) ||
        !cJSON_AddNumberToObject(data, "to", (double)to) || (album && !cJSON_AddStringToObject(data, "album", album))) {
        cJSON_Delete(data);
        return MB_ERR_NOMEM;
    }
    cJSON_Delete(h->data);
    h->data = data;
    return ctx_set_state(h, state);
}

/*
 * A photo or file in the write dialog goes on by the platform's own
 * reference, under the same header and «Ответить» button as a text. The
 * reference means nothing on the other messenger, so a reader who is
 * only there is not sent it: the writer is asked for text instead and
 * nothing is kept.
 */
mb_status pair_on_write_attachment(hctx *h)
{
    int ok_ms = 0, ok_to = 0;
    int64_t ms = json_int(h->data, "mentorship", &ok_ms), to = json_int(h->data, "to", &ok_to);
    mentorship m;
    account reader;
    mb_status rc = MB_OK;
    int repeat = pair_album_goes_on(h);
    if (!ok_ms || !ok_to || pair_load_mine(h, ms, &m) == PAIR_NONE || !pair_in_mentorship(&m, to) ||
        account_load(h->d, to, &reader) != MB_OK) {
        if ((rc = ctx_set_state(h, ""))) return rc;
        return reply_text(h, T(h, "pair.gone"), NULL);
    }
    if (pair_paused(h, &m)) return pair_tell_paused(h);
    const char *caption = h->ev->text && *h->ev->text ? h->ev->text : NULL;
    char *record = attachment_record(h, caption);
    if (!record) return MB_ERR_NOMEM;
    if (!message_fits(h, record, &rc)) {
        free(record);
        return rc;
    }
    const i18n *t = h->env->texts;
    const char *lang = i18n_pick_language(t, reader.language);
    const char *role = role_word(h, &reader, &m, h->acct.id);
    char *header = caption ? i18n_format(t, lang, "pair.message_from", "name", h->acct.name, "role", role, "text",
                                         caption, NULL)
                           : i18n_format(t, lang, "pair.file_from", "name", h->acct.name, "role", role, NULL);
    char data[64];
    snprintf(data, sizeof data, "pr:w:%lld:%lld", (long long)m.id, (long long)h->acct.id);
    keyboard kb = {0};
    kb_button(&kb, i18n_text(t, lang, "pair.reply"), data);
    rc = header ? reply_attachment_to_account(h->d, to, h->ev->platform, h->ev->attachment.kind,
                                              h->ev->attachment.ref, header, &kb)
                : MB_ERR_NOMEM;
    free(header);
    kb_free(&kb);
    if (rc == MB_ERR_DENIED) {
        free(record);
        if ((rc = set_write_state(h, STATE_WRITE, m.id, to)) || repeat) return rc;
        return pair_send_and_free(h, TF(h, "pair.file_other_messenger", "name", reader.name, NULL), NULL);
    }
    if (rc == MB_ERR_NOT_FOUND) {
        free(record);
        if ((rc = ctx_set_state(h, ""))) return rc;
        return reply_text(h, T(h, "pair.unreachable"), NULL);
    }
    if (!rc) rc = pair_message_add(h->d, m.id, h->acct.id, to, "message", record, clock_now_ms());
    free(record);
    if (rc || (rc = set_write_state(h, "", m.id, to)) || repeat) return rc;
    snprintf(data, sizeof data, "pr:w:%lld:%lld", (long long)m.id, (long long)to);
    kb_button(&kb, T(h, "pair.write_more"), data);
    return pair_send_and_free(h, strdup(T(h, "pair.sent")), &kb);
}

/* ---- contacts, for adults who both agree ---- */

/* "Telegram: tg://user?id=…" lines of a person's messenger accounts, each
 * messenger's from its own catalog text pair.contact_<platform>. */
static void contact_lines(hctx *h, int64_t who, const char *lang, char *buf, size_t size)
{
    identity ids[4];
    int n = identity_list(h->d, who, ids, 4);
    size_t used = 0;
    buf[0] = 0;
    for (int i = 0; i < n && i < 4; i++) {
        char key[I18N_KEY_MAX + 1], id[32];
        snprintf(key, sizeof key, "pair.contact_%.8s", ids[i].platform);
        snprintf(id, sizeof id, "%lld", (long long)ids[i].user_id);
        char *line = i18n_format(h->env->texts, lang, key, "id", id, NULL);
        int w = line ? snprintf(buf + used, size - used, "%s%s", used ? "\n" : "", line) : 0;
        free(line);
        if (w > 0 && (size_t)w < size - used) used += (size_t)w;
    }
}

/* Each of the pair gets the other's messenger accounts. */
static mb_status exchange(hctx *h, const mentorship *m)
{
    int64_t side[2] = {m->mentor_id, m->mentees[0]};
    for (int i = 0; i < 2; i++) {
        account reader, other;
        if (account_load(h->d, side[i], &reader) || account_load(h->d, side[1 - i], &other)) continue;
        const char *lang = i18n_pick_language(h->env->texts, reader.language);
        char lines[512];
        contact_lines(h, other.id, lang, lines, sizeof lines);
        char *text = i18n_format(h->env->texts, lang, "pair.contacts_given", "name", other.name, "contacts", lines,
                                 NULL);
        mb_status rc = text ? reply_to_account(h->d, reader.id, text, NULL) : MB_ERR_NOMEM;
        free(text);
        if (rc && rc != MB_ERR_NOT_FOUND) return rc;
    }
    return MB_OK;
}

mb_status pair_on_contacts(hctx *h, const mentorship *m)
{
    if (m->nmentees != 1 || pair_has_minor(h, m)) return flow_refuse_button(h, "contacts only between two adults");
    mb_status rc = reply_answer_button(h, NULL);
    if (rc) return rc;
    int all = pair_contacts_agree(h->d, m->id, h->acct.id, 2, clock_now_ms());
    if (all < 0) return MB_ERR_DB;
    if (all) return exchange(h, m);
    int64_t other_id = m->mentor_id == h->acct.id ? m->mentees[0] : m->mentor_id;
    account other;
    if (account_load(h->d, other_id, &other)) return MB_ERR_DB;
    const char *lang = i18n_pick_language(h->env->texts, other.language);
    char data[32];
    snprintf(data, sizeof data, "pr:x:%lld", (long long)m->id);
    keyboard kb = {0};
    kb_button(&kb, i18n_text(h->env->texts, lang, "pair.contacts_agree"), data);
    char *ask = i18n_format(h->env->texts, lang, "pair.contacts_asked", "name", h->acct.name, NULL);
    rc = ask ? reply_to_account(h->d, other.id, ask, &kb) : MB_ERR_NOMEM;
    free(ask);
    kb_free(&kb);
    if (rc && rc != MB_ERR_NOT_FOUND) return rc;
    return pair_send_and_free(h, TF(h, "pair.contacts_waiting", "name", other.name, NULL), NULL);
}

/* ---- problems ---- */

mb_status pair_on_problem_text(hctx *h, const char *text)
{
    int ok = 0;
    int64_t ms = json_int(h->data, "mentorship", &ok);
    mentorship m;
    mb_status rc = MB_OK;
    if (!ok || pair_load_mine(h, ms, &m) == PAIR_NONE) {
        if ((rc = ctx_set_state(h, ""))) return rc;
        return reply_text(h, T(h, "pair.gone"), NULL);
    }
    if (!message_fits(h, text, &rc)) return rc;
    if ((rc = pair_message_add(h->d, m.id, h->acct.id, 0, "problem", text, clock_now_ms()))) return rc;
    int64_t curators[CURATORS_TOLD_MAX];
    int n = consent_curators_of(h->d, m.org_id, curators, CURATORS_TOLD_MAX);
    account mentor;
    if (account_load(h->d, m.mentor_id, &mentor)) snprintf(mentor.name, sizeof mentor.name, "—");
    int told = 0;
    for (int i = 0; i < n && !rc; i++) {
        account c;
        if (curators[i] == h->acct.id || account_load(h->d, curators[i], &c)) continue;
        const char *lang = i18n_pick_language(h->env->texts, c.language);
        char data[32];
        snprintf(data, sizeof data, "cm:%lld", (long long)m.id);
        keyboard kb = {0};
        kb_button(&kb, i18n_text(h->env->texts, lang, "pair.open_pair"), data);
        if (pair_has_minor(h, &m)) {
            snprintf(data, sizeof data, "pr:c:%lld", (long long)m.id);
            kb_button(&kb, i18n_text(h->env->texts, lang, "pair.read"), data);
        }
        char *msg = i18n_format(h->env->texts, lang, "pair.problem_to_curator", "name", h->acct.name, "mentor",
                                mentor.name, "text", text, NULL);
        rc = msg ? reply_to_account(h->d, c.id, msg, &kb) : MB_ERR_NOMEM;
        if (rc == MB_ERR_NOT_FOUND) rc = MB_OK;
        else if (!rc) told++;
        free(msg);
        kb_free(&kb);
    }
    if (rc || (rc = ctx_set_state(h, ""))) return rc;
    return reply_text(h, T(h, told ? "pair.problem_sent" : "pair.problem_no_curator"), NULL);
}

/* ---- the curator reads ---- */

mb_status pair_show_conversation(hctx *h, const mentorship *m)
{
    if (!pair_has_minor(h, m)) return flow_refuse_button(h, "the conversation of adults is theirs");
    pair_message *list = NULL;
    int n = 0;
    mb_status rc = reply_answer_button(h, NULL);
    if (rc || (rc = pair_message_list(h->d, m->id, CONVERSATION_SHOWN, &list, &n))) return rc;
    if (!n) return reply_text(h, T(h, "pair.conversation_empty"), NULL);
    strbuf out;
    sb_init(&out, 0);
    sb_puts(&out, T(h, "pair.conversation_title"));
    for (int i = 0; i < n; i++) {
        account a;
        char date[64];
        if (account_load(h->d, list[i].from_account, &a)) snprintf(a.name, sizeof a.name, "—");
        tz_format(NULL, list[i].created_at, h->lang, 1, date, sizeof date);
        sb_printf(&out, "\n\n%s, %s%s:\n%s", a.name, date,
                  strcmp(list[i].kind, "problem") == 0 ? T(h, "pair.to_curator") : "", list[i].text);
    }
    pair_messages_free(list, n);
    char *text = sb_take(&out);
    return pair_send_and_free(h, text, NULL);
}

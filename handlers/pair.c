/*
 * The pair's own screens: «Моя пара» for a mentee and «Мои наставляемые»
 * for a mentor show who the others are, their organisation, how and when
 * they like to meet and the next meeting; «Написать» passes a message (a
 * text, or a photo or file to someone on the same messenger) through the
 * bot, so nobody's personal contacts change hands (a minor's
 * least of all), and both sides and, for a pair with a minor, the curator
 * can read the conversation; «Сообщить куратору» sends a problem to the
 * organisation's curators; «Назначить встречу» (the mentor, or a curator
 * for a pair) offers the next days and common hours fitted to what both
 * said in their surveys, or takes a typed time or a weekly series, and the
 * mentees confirm or ask for another time (handlers/meetings.c).
 *
 * Two adults of a pair may show each other their messenger accounts, when
 * both press «Обменяться контактами».
 *
 * Payloads: pr:v (the screen), pr:w:MS:TO (write), pr:p:MS (a problem),
 * pr:x:MS (agree to exchange contacts),
 * pr:c:MS (the curator reads), pr:s:MS (plan), pr:d:MS:YYYYMMDD (a day),
 * pr:o (a curator's coming meetings), pr:a and pr:k:N (a curator's activity
 * for all pairs: its kind, then a typed time and topic),
 * pr:t:MS:YYYYMMDD:HHMM (a time).
 */
#include "handlers/curator.h"
#include "handlers/flows.h"
#include "handlers/meeting_notice.h"
#include "handlers/matching.h"
#include "handlers/meetings.h"
#include "handlers/pair.h"
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

#define STATE_WRITE "pr_write"
#define STATE_PROBLEM "pr_problem"
#define STATE_PLAN "pr_plan"
#define MENTORSHIPS_SHOWN 10        /* a mentor's mentorships on the screen */
#define CONVERSATION_SHOWN 20       /* messages the curator reads at once */
#define CURATORS_TOLD_MAX 20
#define PLAN_DAYS 7                 /* days offered for a meeting */
#define DAY_MS (24LL * 3600 * 1000)

static int is_active(const hctx *h) { return h->has_account && strcmp(h->acct.status, "active") == 0; }

typedef enum pair_role { PAIR_NONE, PAIR_MENTOR, PAIR_MENTEE, PAIR_CURATOR } pair_role;

/* The mentorship of a payload and the sender's part in it. */
static pair_role load_mine(hctx *h, long long id, mentorship *m)
{
    if (!is_active(h) || mentorship_load(h->d, id, m) != MB_OK || strcmp(m->state, "active") != 0) return PAIR_NONE;
    if (m->mentor_id == h->acct.id) return PAIR_MENTOR;
    for (int i = 0; i < m->nmentees; i++)
        if (m->mentees[i] == h->acct.id) return PAIR_MENTEE;
    if (strcmp(h->acct.role, "curator") == 0 && h->acct.org_id == m->org_id) return PAIR_CURATOR;
    return PAIR_NONE;
}

static int in_mentorship(const mentorship *m, int64_t id)
{
    if (m->mentor_id == id) return 1;
    for (int i = 0; i < m->nmentees; i++)
        if (m->mentees[i] == id) return 1;
    return 0;
}

int pair_has_minor(hctx *h, const mentorship *m)
{
    account a;
    for (int i = 0; i < m->nmentees; i++)
        if (account_load(h->d, m->mentees[i], &a) == MB_OK && strcmp(a.category, "pupil") == 0) return 1;
    return account_load(h->d, m->mentor_id, &a) == MB_OK && strcmp(a.category, "pupil") == 0;
}

static mb_status send_and_free(hctx *h, char *text, keyboard *kb)
{
    mb_status rc = text ? reply_text(h, text, kb) : MB_ERR_NOMEM;
    free(text);
    kb_free(kb);
    return rc;
}

static mb_status set_dialog(hctx *h, const char *state, int64_t ms, int64_t to)
{
    cJSON *data = cJSON_CreateObject();
    if (!data || !cJSON_AddNumberToObject(data, "mentorship", (double)ms) ||
        (to && !cJSON_AddNumberToObject(data, "to", (double)to))) {
        cJSON_Delete(data);
        return MB_ERR_NOMEM;
    }
    cJSON_Delete(h->data);
    h->data = data;
    return ctx_set_state(h, state);
}

void pair_menu_items(hctx *h, keyboard *kb)
{
    if (!is_active(h)) return;
    mentorship m;
    int n = 0;
    if (strcmp(h->acct.role, "mentee") == 0 && mentorship_of_mentee(h->d, h->acct.id, &m) == MB_OK) n = 1;
    else if (strcmp(h->acct.role, "mentor") == 0) mentorship_list_of_mentor(h->d, h->acct.id, &m, 1, &n);
    if (!n) return;
    kb_row(kb);
    kb_button(kb, T(h, strcmp(h->acct.role, "mentor") == 0 ? "pair.menu_mentees" : "pair.menu_pair"), "pr:v");
}

/* ---- the screen ---- */

/* "днём в будни, в выходные; онлайн и очно" from what both said. */
static void agreed(hctx *h, const mentorship *m, char *buf, size_t size)
{
    uint32_t slots = ~0u;
    unsigned modes = ~0u;
    int known = 0;
    int64_t ids[MENTORSHIP_GROUP_MAX + 1];
    int n = 0;
    ids[n++] = m->mentor_id;
    for (int i = 0; i < m->nmentees && n < MENTORSHIP_GROUP_MAX + 1; i++) ids[n++] = m->mentees[i];
    for (int i = 0; i < n; i++) {
        profile p;
        if (profile_load(h->d, ids[i], &p) != MB_OK) continue;
        known = 1;
        if (p.slots) slots &= p.slots;
        unsigned mode = match_mode_bits(p.meeting_mode);
        if (mode) modes &= mode;
    }
    buf[0] = 0;
    if (!known || slots == ~0u || !slots) {
        snprintf(buf, size, "%s", T(h, "pair.times_unknown"));
        return;
    }
    size_t used = 0;
    for (int s = 0; s < PROFILE_SLOT_COUNT; s++) {
        if (!(slots & (1u << s))) continue;
        char key[64];
        snprintf(key, sizeof key, "match.slot.%s", profile_slot_name(s));
        int w = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", T(h, key));
        if (w < 0 || (size_t)w >= size - used) return;
        used += (size_t)w;
    }
    const char *mode = modes == ~0u ? NULL
                       : (modes & MATCH_MODE_ONLINE) && (modes & MATCH_MODE_OFFLINE) ? "match.mode.both"
                       : (modes & MATCH_MODE_ONLINE)                                 ? "match.mode.online"
                       : (modes & MATCH_MODE_OFFLINE)                                ? "match.mode.offline"
                                                                                     : NULL;
    if (mode) snprintf(buf + used, size - used, "; %s", T(h, mode));
}

/* The next planned meeting of m as a line ("" when none). */
static void next_meeting(hctx *h, const mentorship *m, char *buf, size_t size)
{
    meeting *list = NULL;
    int n = 0;
    snprintf(buf, size, "%s", T(h, "pair.no_meeting"));
    if (meeting_list_person(h->d, m->mentor_id, clock_now_ms(), INT64_MAX, 0, 0, 8, &list, &n) != MB_OK) return;
    for (int i = 0; i < n; i++) {
        if (list[i].mentorship_id != m->id && list[i].mentorship_id) continue;
        char when[64], kind_key[48];
        meeting_notice_when_for(h->d, &list[i], h->acct.id, h->lang, when, sizeof when);
        snprintf(kind_key, sizeof kind_key, "meeting.kind.%s", list[i].kind);
        char *line = TF(h, "pair.next_meeting", "kind", T(h, kind_key), "when", when, NULL);
        if (line) snprintf(buf, size, "%s", line);
        free(line);
        break;
    }
    free(list);
}

static mb_status show_one(hctx *h, const mentorship *m, pair_role role)
{
    org o;
    if (org_get(h->d, m->org_id, &o)) snprintf(o.name, sizeof o.name, "—");
    char times[256], next[256], data[64], people[1024] = "";
    agreed(h, m, times, sizeof times);
    next_meeting(h, m, next, sizeof next);
    keyboard kb = {0};
    account a;
    if (role == PAIR_MENTEE) {
        if (account_load(h->d, m->mentor_id, &a)) return MB_ERR_DB;
        snprintf(data, sizeof data, "pr:w:%lld:%lld", (long long)m->id, (long long)a.id);
        kb_button(&kb, T(h, "pair.write_mentor"), data);
        snprintf(people, sizeof people, "%s", a.name);
    } else {
        size_t used = 0;
        for (int i = 0; i < m->nmentees; i++) {
            if (account_load(h->d, m->mentees[i], &a)) continue;
            char grade[32] = "";
            if (a.grade) snprintf(grade, sizeof grade, ", %d", a.grade);
            int w = snprintf(people + used, sizeof people - used, "%s%s%s", used ? "; " : "", a.name, grade);
            if (w > 0 && (size_t)w < sizeof people - used) used += (size_t)w;
            char *label = TF(h, "pair.write_to", "name", a.name, NULL), short_label[128];
            curator_label(label ? label : a.name, CURATOR_LABEL_PAIR_MAX, short_label, sizeof short_label);
            free(label);
            snprintf(data, sizeof data, "pr:w:%lld:%lld", (long long)m->id, (long long)a.id);
            kb_row(&kb);
            kb_button(&kb, short_label, data);
        }
        snprintf(data, sizeof data, "pr:s:%lld", (long long)m->id);
        kb_row(&kb);
        kb_button(&kb, T(h, "pair.plan"), data);
    }
    if (m->nmentees == 1 && !pair_has_minor(h, m)) {
        snprintf(data, sizeof data, "pr:x:%lld", (long long)m->id);
        kb_row(&kb);
        kb_button(&kb, T(h, "pair.contacts"), data);
    }
    snprintf(data, sizeof data, "pr:p:%lld", (long long)m->id);
    kb_row(&kb);
    kb_button(&kb, T(h, "pair.problem"), data);
    const char *key = role == PAIR_MENTEE ? "pair.view_mentee" : "pair.view_mentor";
    return send_and_free(h, TF(h, key, "people", people, "org", o.name, "form",
                               curator_form_text(h->env->texts, h->lang, profile_form_code(m->form)), "times", times,
                               "next", next, NULL),
                         &kb);
}

static mb_status show_pairs(hctx *h)
{
    mentorship list[MENTORSHIPS_SHOWN];
    int n = 0;
    mb_status rc;
    if (strcmp(h->acct.role, "mentee") == 0) {
        rc = mentorship_of_mentee(h->d, h->acct.id, &list[0]);
        if (rc == MB_OK) n = 1;
        else if (rc != MB_ERR_NOT_FOUND) return rc;
    } else if ((rc = mentorship_list_of_mentor(h->d, h->acct.id, list, MENTORSHIPS_SHOWN, &n))) {
        return rc;
    }
    if (!n) return reply_text(h, T(h, "pair.none"), NULL);
    pair_role role = strcmp(h->acct.role, "mentee") == 0 ? PAIR_MENTEE : PAIR_MENTOR;
    for (int i = 0; i < n; i++)
        if ((rc = show_one(h, &list[i], role))) return rc;
    return MB_OK;
}

/* ---- writing ---- */

static mb_status ask_message(hctx *h, const mentorship *m, long long to)
{
    account a;
    if (to == h->acct.id || !in_mentorship(m, to) || account_load(h->d, to, &a) != MB_OK)
        return flow_refuse_button(h, "not someone of this mentorship to write to");
    mb_status rc = reply_answer_button(h, NULL);
    if (rc || (rc = set_dialog(h, STATE_WRITE, m->id, to))) return rc;
    return send_and_free(h, TF(h, pair_has_minor(h, m) ? "pair.ask_message_minor" : "pair.ask_message", "name", a.name,
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
    char max[16];
    snprintf(max, sizeof max, "%d", PAIR_MESSAGE_MAX);
    *rc = send_and_free(h, TF(h, "pair.too_long", "max", max, NULL), NULL);
    return 0;
}

static mb_status on_write_text(hctx *h, const char *text)
{
    int ok_ms = 0, ok_to = 0;
    int64_t ms = json_int(h->data, "mentorship", &ok_ms), to = json_int(h->data, "to", &ok_to);
    mentorship m;
    mb_status rc = MB_OK;
    if (!ok_ms || !ok_to || load_mine(h, ms, &m) == PAIR_NONE || !in_mentorship(&m, to)) {
        if ((rc = ctx_set_state(h, ""))) return rc;
        return reply_text(h, T(h, "pair.gone"), NULL);
    }
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
    return send_and_free(h, strdup(T(h, "pair.sent")), &kb);
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
static int album_goes_on(const hctx *h)
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
static mb_status on_write_attachment(hctx *h)
{
    int ok_ms = 0, ok_to = 0;
    int64_t ms = json_int(h->data, "mentorship", &ok_ms), to = json_int(h->data, "to", &ok_to);
    mentorship m;
    account reader;
    mb_status rc = MB_OK;
    int repeat = album_goes_on(h);
    if (!ok_ms || !ok_to || load_mine(h, ms, &m) == PAIR_NONE || !in_mentorship(&m, to) ||
        account_load(h->d, to, &reader) != MB_OK) {
        if ((rc = ctx_set_state(h, ""))) return rc;
        return reply_text(h, T(h, "pair.gone"), NULL);
    }
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
        return send_and_free(h, TF(h, "pair.file_other_messenger", "name", reader.name, NULL), NULL);
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
    return send_and_free(h, strdup(T(h, "pair.sent")), &kb);
}

/* ---- contacts, for adults who both agree ---- */

/* "Telegram: tg://user?id=…" lines of a person's messenger accounts. */
static void contact_lines(hctx *h, int64_t who, const char *lang, char *buf, size_t size)
{
    identity ids[4];
    int n = identity_list(h->d, who, ids, 4);
    size_t used = 0;
    buf[0] = 0;
    for (int i = 0; i < n && i < 4; i++) {
        const char *key = strcmp(ids[i].platform, "vk") == 0 ? "pair.contact_vk" : "pair.contact_tg";
        char id[32];
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

static mb_status on_contacts(hctx *h, const mentorship *m)
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
    return send_and_free(h, TF(h, "pair.contacts_waiting", "name", other.name, NULL), NULL);
}

/* ---- problems ---- */

static mb_status on_problem_text(hctx *h, const char *text)
{
    int ok = 0;
    int64_t ms = json_int(h->data, "mentorship", &ok);
    mentorship m;
    mb_status rc = MB_OK;
    if (!ok || load_mine(h, ms, &m) == PAIR_NONE) {
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

static mb_status show_conversation(hctx *h, const mentorship *m)
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
    return send_and_free(h, text, NULL);
}

/* ---- planning a meeting ---- */

/* Hours offered for a day: those of the slots both said (all when unknown),
 * outside quiet hours. */
static int plan_hours(uint32_t slots, int weekend, int *hours, int max)
{
    static const int morning[] = {9, 10, 11}, afternoon[] = {13, 14, 15, 16}, evening[] = {17, 18, 19},
                     weekend_hours[] = {11, 12, 14, 16};
    int n = 0;
#define ADD(list) for (size_t i = 0; i < sizeof list / sizeof list[0] && n < max; i++) hours[n++] = list[i]
    if (weekend) {
        ADD(weekend_hours);
        return n;
    }
    int any = !(slots & ((1u << PROFILE_SLOT_weekday_morning) | (1u << PROFILE_SLOT_weekday_afternoon) |
                         (1u << PROFILE_SLOT_weekday_evening)));
    if (any || (slots & (1u << PROFILE_SLOT_weekday_morning))) ADD(morning);
    if (any || (slots & (1u << PROFILE_SLOT_weekday_afternoon))) ADD(afternoon);
    if (any || (slots & (1u << PROFILE_SLOT_weekday_evening))) ADD(evening);
#undef ADD
    return n;
}

static uint32_t shared_slots(hctx *h, const mentorship *m)
{
    uint32_t slots = ~0u;
    profile p;
    if (profile_load(h->d, m->mentor_id, &p) == MB_OK && p.slots) slots &= p.slots;
    for (int i = 0; i < m->nmentees; i++)
        if (profile_load(h->d, m->mentees[i], &p) == MB_OK && p.slots) slots &= p.slots;
    return slots == ~0u || !slots ? 0 : slots;
}

/* Times the acting person types or picks are in their own zone. */
static void zone_of(hctx *h, int64_t org_id, char *buf, size_t size)
{
    person_zone(h->d, h->acct.id, org_id, buf, size);
}

static mb_status ask_day(hctx *h, const mentorship *m)
{
    char zone[64];
    zone_of(h, m->org_id, zone, sizeof zone);
    uint32_t slots = shared_slots(h, m);
    int weekdays = !slots || (slots & ~(1u << PROFILE_SLOT_weekend));
    int weekends = !slots || (slots & (1u << PROFILE_SLOT_weekend));
    keyboard kb = {0};
    int64_t now = clock_now_ms();
    int shown = 0;
    for (int d = 1; d <= PLAN_DAYS + 2 && shown < PLAN_DAYS; d++) {
        struct tm tm;
        if (tz_local(zone, now + d * DAY_MS, &tm)) continue;
        int weekend = tm.tm_wday == 0 || tm.tm_wday == 6;
        if ((weekend && !weekends) || (!weekend && !weekdays)) continue;
        char day_key[32], label[64], data[64];
        snprintf(day_key, sizeof day_key, "pair.wday%d", tm.tm_wday);
        snprintf(label, sizeof label, "%s %02d.%02d", T(h, day_key), tm.tm_mday, tm.tm_mon + 1);
        snprintf(data, sizeof data, "pr:d:%lld:%04d%02d%02d", (long long)m->id, tm.tm_year + 1900, tm.tm_mon + 1,
                 tm.tm_mday);
        if (shown % 3 == 0) kb_row(&kb);
        kb_button(&kb, label, data);
        shown++;
    }
    mb_status rc = set_dialog(h, STATE_PLAN, m->id, 0);
    if (rc) {
        kb_free(&kb);
        return rc;
    }
    return send_and_free(h, strdup(T(h, "pair.plan_day")), &kb);
}

static int ymd_parts(long long ymd, struct tm *out)
{
    memset(out, 0, sizeof *out);
    out->tm_year = (int)(ymd / 10000) - 1900;
    out->tm_mon = (int)(ymd / 100 % 100) - 1;
    out->tm_mday = (int)(ymd % 100);
    return ymd >= 20000101 && ymd <= 29991231 && out->tm_mon >= 0 && out->tm_mon < 12 && out->tm_mday >= 1 &&
           out->tm_mday <= 31;
}

static mb_status ask_hour(hctx *h, const mentorship *m, long long ymd)
{
    struct tm day;
    if (!ymd_parts(ymd, &day)) return flow_refuse_button(h, "bad day");
    char zone[64];
    zone_of(h, m->org_id, zone, sizeof zone);
    day.tm_hour = 12;
    int64_t noon;
    struct tm local;
    if (tz_from_local(zone, &day, &noon) || tz_local(zone, noon, &local)) return flow_refuse_button(h, "bad day");
    int hours[16];
    int n = plan_hours(shared_slots(h, m), local.tm_wday == 0 || local.tm_wday == 6, hours, 16);
    keyboard kb = {0};
    for (int i = 0; i < n; i++) {
        char label[16], data[64];
        snprintf(label, sizeof label, "%02d:00", hours[i]);
        snprintf(data, sizeof data, "pr:t:%lld:%lld:%02d00", (long long)m->id, ymd, hours[i]);
        if (i % 4 == 0) kb_row(&kb);
        kb_button(&kb, label, data);
    }
    char date[32];
    snprintf(date, sizeof date, "%02d.%02d", day.tm_mday, day.tm_mon + 1);
    return send_and_free(h, TF(h, "pair.plan_hour", "date", date, NULL), &kb);
}

/* The first meeting of a pair is the introduction; later ones are work. */
static const char *next_kind(hctx *h, const mentorship *m)
{
    meeting *list = NULL;
    int n = 0;
    if (meeting_list_mentorship(h->d, m->id, 0, 1, &list, &n) != MB_OK) n = 0;
    free(list);
    return n ? "work" : "intro";
}

static void mentee_buttons(const i18n *t, const char *lang, const meeting *m, keyboard *kb)
{
    char data[64];
    snprintf(data, sizeof data, "mt:y:%lld:%d", (long long)m->id, m->version);
    kb_button(kb, i18n_text(t, lang, "meeting.btn_confirm"), data);
    snprintf(data, sizeof data, "mt:m:%lld:%d", (long long)m->id, m->version);
    kb_button(kb, i18n_text(t, lang, "meeting.btn_other_time"), data);
}

static mb_status plan_at(hctx *h, const mentorship *m, int64_t starts_at)
{
    char zone[64];
    zone_of(h, m->org_id, zone, sizeof zone);
    const meeting_rules *r = h->env->meetings;
    quiet_hours q = {r ? r->quiet_start : QUIET_DEFAULT_START, r ? r->quiet_end : QUIET_DEFAULT_END};
    if (quiet_contains(zone, starts_at, q)) return reply_text(h, T(h, "pair.plan_quiet"), NULL);
    profile p;
    int online = profile_load(h->d, m->mentor_id, &p) == MB_OK && strcmp(p.meeting_mode, "online") == 0;
    meeting_plan plan = {.kind = next_kind(h, m), .online = online, .starts_at = starts_at,
                         .created_by = h->acct.id};
    int64_t id = 0;
    meeting_problem why = MEETING_PLAN_OK;
    mb_status rc = meeting_add(h->d, m->id, &plan, clock_now_ms(), &id, &why);
    if (rc == MB_ERR_INVALID) {
        return reply_text(h, T(h, why == MEETING_IN_PAST ? "meeting.time_past" : "meeting.time_far"), NULL);
    }
    meeting made;
    if (rc || (rc = meeting_load(h->d, id, &made)) || (rc = meeting_arm(h->d, h->env, &made))) return rc;
    if ((rc = ctx_set_state(h, ""))) return rc;
    meeting_notice_opts o = {.key = "meeting.proposed_new", .skip_account = h->acct.id, .name = h->acct.name,
                             .buttons = mentee_buttons};
    if ((rc = meeting_notice_send_opts(h->d, h->env, &made, &o, NULL))) return rc;
    char when[64];
    meeting_notice_when_for(h->d, &made, h->acct.id, h->lang, when, sizeof when);
    return send_and_free(h, TF(h, "pair.planned", "when", when, NULL), NULL);
}

static mb_status plan_series(hctx *h, const mentorship *m, const when_series *s, const char *zone)
{
    struct tm first = {0};
    first.tm_year = s->first_ymd / 10000 - 1900;
    first.tm_mon = s->first_ymd / 100 % 100 - 1;
    first.tm_mday = s->first_ymd % 100;
    first.tm_hour = s->hour;
    first.tm_min = s->minute;
    int64_t starts_at, until = 0;
    if (tz_from_local(zone, &first, &starts_at)) return reply_text(h, T(h, "meeting.time_gap"), NULL);
    if (s->until == WHEN_UNTIL_DATE) {
        struct tm last = {0};
        last.tm_year = s->until_ymd / 10000 - 1900;
        last.tm_mon = s->until_ymd / 100 % 100 - 1;
        last.tm_mday = s->until_ymd % 100 + 1;   /* the whole last day */
        if (tz_from_local(zone, &last, &until)) until = 0;
    }
    meeting_plan plan = {.kind = "work", .starts_at = starts_at, .created_by = h->acct.id};
    int64_t series = 0;
    int made = 0;
    meeting_problem why = MEETING_PLAN_OK;
    mb_status rc = meeting_series_add(h->d, m->id, &plan, until, clock_now_ms(), &series, &made, &why);
    if (rc == MB_ERR_INVALID || rc == MB_ERR_NOT_FOUND) return reply_text(h, T(h, "pair.series_refused"), NULL);
    if (rc) return rc;
    meeting *list = NULL;
    int n = 0;
    if ((rc = meeting_list_mentorship(h->d, m->id, 0, MEETING_SERIES_MAX * 4, &list, &n))) return rc;
    int first_i = -1;
    for (int i = 0; i < n && !rc; i++)
        if (list[i].series_id == series) {
            if (first_i < 0) first_i = i;
            rc = meeting_arm(h->d, h->env, &list[i]);
        }
    if (!rc && first_i >= 0) rc = meeting_notice_send_series(h->d, h->env, &list[first_i], made, NULL);
    char when[64] = "";
    if (first_i >= 0) meeting_notice_when_for(h->d, &list[first_i], h->acct.id, h->lang, when, sizeof when);
    free(list);
    if (rc || (rc = ctx_set_state(h, ""))) return rc;
    char count[16];
    snprintf(count, sizeof count, "%d", made);
    return send_and_free(h, TF(h, "pair.series_planned", "count", count, "when", when, NULL), NULL);
}

static mb_status on_plan_text(hctx *h, const char *text)
{
    int ok = 0;
    int64_t ms = json_int(h->data, "mentorship", &ok);
    mentorship m;
    mb_status rc;
    pair_role role = ok ? load_mine(h, ms, &m) : PAIR_NONE;
    if (role != PAIR_MENTOR && role != PAIR_CURATOR) {
        if ((rc = ctx_set_state(h, ""))) return rc;
        return reply_text(h, T(h, "pair.gone"), NULL);
    }
    char zone[64];
    zone_of(h, m.org_id, zone, sizeof zone);
    when_series s;
    if (when_parse_series(text, zone, clock_now_ms(), &s) == WHEN_OK) return plan_series(h, &m, &s, zone);
    when_time t;
    when_status st = when_parse(text, zone, clock_now_ms(), &t);
    static const char *const keys[] = {[WHEN_NOT_UNDERSTOOD] = "meeting.time_unclear",
                                       [WHEN_IMPOSSIBLE] = "meeting.time_impossible",
                                       [WHEN_PAST] = "meeting.time_past",
                                       [WHEN_TOO_FAR] = "meeting.time_far",
                                       [WHEN_DST_GAP] = "meeting.time_gap"};
    if (st != WHEN_OK) return reply_text(h, T(h, keys[st]), NULL);
    return plan_at(h, &m, t.ms);
}

/* ---- the curator's upcoming meetings ---- */

#define UPCOMING_SHOWN 20
#define UPCOMING_DAYS 14

static mb_status show_upcoming(hctx *h)
{
    meeting *list = NULL;
    int n = 0;
    int64_t now = clock_now_ms();
    mb_status rc = meeting_list_org(h->d, h->acct.org_id, now, now + UPCOMING_DAYS * DAY_MS, 0, 0, UPCOMING_SHOWN,
                                    &list, &n);
    if (rc) return rc;
    if (!n) {
        free(list);
        return reply_text(h, T(h, "pair.upcoming_none"), NULL);
    }
    strbuf out;
    sb_init(&out, 0);
    sb_puts(&out, T(h, "pair.upcoming_title"));
    for (int i = 0; i < n; i++) {
        char when[64], kind_key[48];
        meeting_notice_when_for(h->d, &list[i], h->acct.id, h->lang, when, sizeof when);
        snprintf(kind_key, sizeof kind_key, "meeting.kind.%s", list[i].kind);
        sb_printf(&out, "\n• %s — %s:", when, T(h, kind_key));
        int np = meeting_participants(h->d, list[i].id, NULL, 0);
        meeting_participant *who = np > 0 ? calloc((size_t)np, sizeof *who) : NULL;
        np = who ? meeting_participants(h->d, list[i].id, who, np) : 0;
        for (int j = 0; j < np; j++) {
            account a;
            if (account_load(h->d, who[j].account_id, &a)) continue;
            const char *mark = strcmp(who[j].response, "accepted") == 0   ? " ✓"
                               : strcmp(who[j].response, "declined") == 0 ? " ✗"
                               : strcmp(who[j].response, "proposed") == 0 ? " ?"
                                                                          : "";
            sb_printf(&out, "%s %s%s", j ? "," : "", a.name, mark);
        }
        free(who);
    }
    free(list);
    sb_printf(&out, "\n\n%s", T(h, "pair.upcoming_legend"));
    return send_and_free(h, sb_take(&out), NULL);
}

void pair_curator_menu_items(hctx *h, keyboard *kb)
{
    kb_button(kb, T(h, "pair.upcoming"), "pr:o");
    kb_button(kb, T(h, "pair.activity"), "pr:a");
}

/* ---- activities for all pairs of the organisation ---- */

#define STATE_ACTIVITY "pr_activity"
static const char *const activity_kinds[] = {"training", "business_game", "mini_project", "activity"};
#define ACTIVITY_KINDS (sizeof activity_kinds / sizeof activity_kinds[0])

static mb_status ask_activity_kind(hctx *h)
{
    keyboard kb = {0};
    for (size_t i = 0; i < ACTIVITY_KINDS; i++) {
        char key[48], data[16];
        snprintf(key, sizeof key, "meeting.kind.%s", activity_kinds[i]);
        snprintf(data, sizeof data, "pr:k:%zu", i);
        if (i % 2 == 0) kb_row(&kb);
        kb_button(&kb, T(h, key), data);
    }
    return send_and_free(h, strdup(T(h, "pair.activity_kind")), &kb);
}

static mb_status ask_activity_time(hctx *h, long long kind)
{
    cJSON *data = cJSON_CreateObject();
    if (!data || !cJSON_AddNumberToObject(data, "kind", (double)kind)) {
        cJSON_Delete(data);
        return MB_ERR_NOMEM;
    }
    cJSON_Delete(h->data);
    h->data = data;
    mb_status rc = ctx_set_state(h, STATE_ACTIVITY);
    if (rc) return rc;
    char count[16];
    snprintf(count, sizeof count, "%d", mentorship_count_active(h->d, h->acct.org_id));
    return send_and_free(h, TF(h, "pair.activity_time", "count", count, NULL), NULL);
}

/* "25.11 15:00 — тема": the time before a dash, the topic after it. */
static mb_status on_activity_text(hctx *h, const char *text)
{
    int ok = 0;
    long long kind = json_int(h->data, "kind", &ok);
    mb_status rc;
    if (!ok || kind < 0 || kind >= (long long)ACTIVITY_KINDS || strcmp(h->acct.role, "curator") != 0) {
        if ((rc = ctx_set_state(h, ""))) return rc;
        return reply_text(h, T(h, "pair.gone"), NULL);
    }
    char when_text[128], topic[MEETING_TOPIC_BYTES] = "";
    const char *dash = strstr(text, " — ");
    size_t dash_len = strlen(" — ");
    if (!dash) {
        dash = strstr(text, " - ");
        dash_len = strlen(" - ");
    }
    size_t n = dash ? (size_t)(dash - text) : strlen(text);
    snprintf(when_text, sizeof when_text, "%.*s", (int)(n < sizeof when_text ? n : sizeof when_text - 1), text);
    if (dash) snprintf(topic, sizeof topic, "%s", dash + dash_len);
    char zone[64];
    zone_of(h, h->acct.org_id, zone, sizeof zone);
    when_time t;
    when_status st = when_parse(when_text, zone, clock_now_ms(), &t);
    static const char *const keys[] = {[WHEN_NOT_UNDERSTOOD] = "meeting.time_unclear",
                                       [WHEN_IMPOSSIBLE] = "meeting.time_impossible",
                                       [WHEN_PAST] = "meeting.time_past",
                                       [WHEN_TOO_FAR] = "meeting.time_far",
                                       [WHEN_DST_GAP] = "meeting.time_gap"};
    if (st != WHEN_OK) return reply_text(h, T(h, keys[st]), NULL);
    mentorship *list = NULL;
    int count = 0, total = 0;
    if ((rc = mentorship_list(h->d, h->acct.org_id, 0, MEETING_ACTIVITY_MENTORSHIPS_MAX, &list, &count, &total)))
        return rc;
    int64_t ids[MEETING_ACTIVITY_MENTORSHIPS_MAX];
    for (int i = 0; i < count; i++) ids[i] = list[i].id;
    free(list);
    if (!count) {
        if ((rc = ctx_set_state(h, ""))) return rc;
        return reply_text(h, T(h, "pair.activity_no_pairs"), NULL);
    }
    meeting_plan plan = {.kind = activity_kinds[kind], .topic = topic[0] ? topic : NULL, .starts_at = t.ms,
                         .created_by = h->acct.id};
    int64_t id = 0;
    meeting_problem why = MEETING_PLAN_OK;
    rc = meeting_add_activity(h->d, ids, count, &plan, clock_now_ms(), &id, &why);
    if (rc == MB_ERR_INVALID) {
        return reply_text(h, T(h, why == MEETING_BAD_TOPIC ? "pair.activity_bad_topic"
                                  : why == MEETING_IN_PAST  ? "meeting.time_past"
                                                            : "meeting.time_far"),
                          NULL);
    }
    meeting made;
    int told = 0;
    if (rc || (rc = meeting_load(h->d, id, &made)) || (rc = meeting_arm(h->d, h->env, &made)) ||
        (rc = meeting_notice_send(h->d, h->env, &made, "meeting.added", &told)) || (rc = ctx_set_state(h, "")))
        return rc;
    char when[64], pairs[16], people[16];
    meeting_notice_when_for(h->d, &made, h->acct.id, h->lang, when, sizeof when);
    snprintf(pairs, sizeof pairs, "%d", count);
    snprintf(people, sizeof people, "%d", told);
    return send_and_free(h, TF(h, "pair.activity_done", "when", when, "pairs", pairs, "people", people, NULL), NULL);
}

/* ---- routing ---- */

int pair_owns_action(const char *action) { return strcmp(action, "pr") == 0; }

mb_status pair_on_button(hctx *h, const char *arg)
{
    mb_status rc;
    if (strcmp(arg, "v") == 0) {
        if (!is_active(h)) return flow_refuse_button(h, "not an active participant");
        if ((rc = reply_answer_button(h, NULL))) return rc;
        return show_pairs(h);
    }
    if (strcmp(arg, "o") == 0 || strcmp(arg, "a") == 0 || strncmp(arg, "k:", 2) == 0) {
        if (!is_active(h) || strcmp(h->acct.role, "curator") != 0) return flow_refuse_button(h, "not a curator");
        long long kind = 0;
        if (arg[0] == 'k' && !payload_number(arg + 2, (long long)ACTIVITY_KINDS - 1, &kind))
            return flow_refuse_button(h, "unknown activity kind");
        if ((rc = reply_answer_button(h, NULL))) return rc;
        return arg[0] == 'o' ? show_upcoming(h) : arg[0] == 'a' ? ask_activity_kind(h) : ask_activity_time(h, kind);
    }
    const char *p = arg;
    char what[4];
    long long ms, extra = 0, extra2 = 0;
    if (!payload_take_word(&p, what, sizeof what) || strlen(what) != 1 || !payload_take_char(&p, ':') ||
        !payload_take_number(&p, PAYLOAD_NUMBER_MAX, &ms))
        return flow_refuse_button(h, "malformed pair button");
    int extras = what[0] == 'w' || what[0] == 'd' ? 1 : what[0] == 't' ? 2 : 0;
    if (extras >= 1 && (!payload_take_char(&p, ':') || !payload_take_number(&p, PAYLOAD_NUMBER_MAX, &extra)))
        return flow_refuse_button(h, "malformed pair button");
    if (extras == 2 && (!payload_take_char(&p, ':') || !payload_take_number(&p, 2359, &extra2)))
        return flow_refuse_button(h, "malformed pair button");
    if (!payload_end(p)) return flow_refuse_button(h, "malformed pair button");
    mentorship m;
    pair_role role = load_mine(h, ms, &m);
    if (role == PAIR_NONE) {
        if ((rc = reply_answer_button(h, NULL))) return rc;
        return reply_text(h, T(h, "pair.gone"), NULL);
    }
    int planner = role == PAIR_MENTOR || role == PAIR_CURATOR;
    switch (what[0]) {
    case 'w':
        if (role == PAIR_CURATOR) return flow_refuse_button(h, "a curator writes in their own chat");
        return ask_message(h, &m, extra);
    case 'p':
        if (role == PAIR_CURATOR) return flow_refuse_button(h, "a curator reports to nobody");
        if ((rc = reply_answer_button(h, NULL)) || (rc = set_dialog(h, STATE_PROBLEM, m.id, 0))) return rc;
        return reply_text(h, T(h, "pair.ask_problem"), NULL);
    case 'x':
        if (role == PAIR_CURATOR) return flow_refuse_button(h, "contacts are the pair's own");
        return on_contacts(h, &m);
    case 'c':
        if (role != PAIR_CURATOR) return flow_refuse_button(h, "only the curator reads a pair's conversation");
        return show_conversation(h, &m);
    case 's':
        if (!planner) return flow_refuse_button(h, "a mentee plans no meetings");
        if ((rc = reply_answer_button(h, NULL))) return rc;
        return ask_day(h, &m);
    case 'd':
        if (!planner) return flow_refuse_button(h, "a mentee plans no meetings");
        if ((rc = reply_answer_button(h, NULL))) return rc;
        return ask_hour(h, &m, extra);
    case 't': {
        if (!planner || extra2 % 100 > 59) return flow_refuse_button(h, "a bad planned time");
        struct tm day;
        if (!ymd_parts(extra, &day)) return flow_refuse_button(h, "bad day");
        day.tm_hour = (int)(extra2 / 100);
        day.tm_min = (int)(extra2 % 100);
        char zone[64];
        zone_of(h, m.org_id, zone, sizeof zone);
        int64_t at;
        if ((rc = reply_answer_button(h, NULL))) return rc;
        if (tz_from_local(zone, &day, &at)) return reply_text(h, T(h, "meeting.time_gap"), NULL);
        return plan_at(h, &m, at);
    }
    default: return flow_refuse_button(h, "unknown pair button");
    }
}

int pair_wants_text(const hctx *h)
{
    return h->has_account && (strcmp(h->state, STATE_WRITE) == 0 || strcmp(h->state, STATE_PROBLEM) == 0 ||
                              strcmp(h->state, STATE_PLAN) == 0 || strcmp(h->state, STATE_ACTIVITY) == 0);
}

int pair_wants_attachment(const hctx *h)
{
    return h->has_account && h->ev->attachment.kind != EVENT_ATTACHMENT_NONE &&
           (strcmp(h->state, STATE_WRITE) == 0 || (!h->state[0] && album_goes_on(h)));
}

mb_status pair_on_attachment(hctx *h) { return on_write_attachment(h); }

mb_status pair_on_text(hctx *h, const char *text)
{
    if (strcmp(h->state, STATE_WRITE) == 0) return on_write_text(h, text);
    if (strcmp(h->state, STATE_PROBLEM) == 0) return on_problem_text(h, text);
    if (strcmp(h->state, STATE_ACTIVITY) == 0) return on_activity_text(h, text);
    return on_plan_text(h, text);
}

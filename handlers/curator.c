/*
 * The curator's menu entries, typed text, and the helpers the screens
 * share; the screens themselves live in curator_*.c (see curator.h), and
 * routes.c routes their buttons.
 */
#include "handlers/consent.h"
#include "handlers/curator.h"
#include "storage/territories.h"
#include "storage/profiles.h"
#include "util/text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The organisation must be one the curator was given (through their
 * invite): storage/territories.h keeps the scopes. */
int curator_in_scope(const hctx *h, int64_t org_id)
{
    return org_id > 0 && scope_can_change_org(h->d, h->acct.id, org_id);
}

mb_status curator_send(hctx *h, char *text, keyboard *kb)
{
    mb_status rc = text ? reply_text(h, text, kb) : MB_ERR_NOMEM;
    free(text);
    kb_free(kb);
    return rc;
}

void curator_who(const i18n *t, const char *lang, const account *a, char *buf, size_t size)
{
    char key[40];
    snprintf(key, sizeof key, "category.%s", a->category[0] ? a->category : "none");
    const char *cat = i18n_text(t, lang, key);
    if (strcmp(a->category, "pupil") == 0 && a->grade > 0) {
        char grade[16];
        snprintf(grade, sizeof grade, "%d", a->grade);
        char *s = i18n_format(t, lang, "curator.who_pupil", "category", cat, "grade", grade, NULL);
        snprintf(buf, size, "%s", s ? s : cat);
        free(s);
        return;
    }
    snprintf(buf, size, "%s", cat);
}

void curator_topics(const i18n *t, const char *lang, uint32_t topics, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = 0;
    for (int i = 0; i < PROFILE_TOPIC_COUNT; i++) {
        if (!(topics & (1u << i))) continue;
        char key[64];
        snprintf(key, sizeof key, "match.topic.%s", profile_topic_name(i));
        int n = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", i18n_text(t, lang, key));
        if (n < 0 || (size_t)n >= size - used) break;
        used += (size_t)n;
    }
    if (!used) snprintf(buf, size, "%s", i18n_text(t, lang, "curator.topics_none"));
}

void curator_label(const char *name, int max_chars, char *buf, size_t size)
{
    /* Whole characters only (a UTF-8 character starts at a byte that is not
     * 10xxxxxx), leaving room for the ellipsis and the NUL. */
    size_t i = 0;
    int chars = 0;
    for (; name[i]; i++) {
        int starts = ((unsigned char)name[i] & 0xC0) != 0x80;
        if (starts && (chars == max_chars || i + 8 > size)) break;
        chars += starts;
    }
    memcpy(buf, name, i);
    buf[i] = 0;
    if (name[i]) memcpy(buf + i, "\xE2\x80\xA6", 4); /* "…" and the NUL */
}

void curator_pager(hctx *h, keyboard *kb, const char *prefix, int page, int total)
{
    int pages = (total + CURATOR_PAGE - 1) / CURATOR_PAGE;
    if (pages <= 1) return;
    char data[48];
    kb_row(kb);
    if (page > 0) {
        snprintf(data, sizeof data, "%s:%d", prefix, page - 1);
        kb_button(kb, T(h, "curator.page_prev"), data);
    }
    if (page + 1 < pages) {
        snprintf(data, sizeof data, "%s:%d", prefix, page + 1);
        kb_button(kb, T(h, "curator.page_next"), data);
    }
}

int curator_parse_page(const char *arg, int *page)
{
    long long v;
    if (!payload_number(arg, CURATOR_PAGES_MAX, &v)) return 0;
    *page = (int)v;
    return 1;
}

const char *curator_form_text(const i18n *t, const char *lang, int form)
{
    char key[48];
    snprintf(key, sizeof key, "match.form.%s", profile_form_name(form) ? profile_form_name(form) : "none");
    return i18n_text(t, lang, key);
}

void curator_actor(const hctx *h, char *buf, size_t size)
{
    snprintf(buf, size, "account:%lld", (long long)h->acct.id);
}

static void menu_button(hctx *h, keyboard *kb, const char *key, int n, const char *data)
{
    char count[16];
    snprintf(count, sizeof count, "%d", n);
    char *label = TF(h, key, "n", count, NULL);
    kb_row(kb);
    kb_button(kb, label ? label : key, data);
    free(label);
}

void curator_menu_items(hctx *h, keyboard *kb)
{
    int64_t org_id = h->acct.org_id;
    if (curator_program_missing(h)) {
        kb_row(kb);
        kb_button(kb, T(h, "program.menu_create"), "cc");
    }
    menu_button(h, kb, "curator.menu_queue", mentorship_count_queue(h->d, org_id), "cq:0");
    menu_button(h, kb, "curator.menu_mentors", mentorship_count_people(h->d, org_id, "mentor"), "cb:r:0");
    menu_button(h, kb, "curator.menu_mentees", mentorship_count_people(h->d, org_id, "mentee"), "cb:e:0");
    menu_button(h, kb, "curator.menu_mentorships", mentorship_count_active(h->d, org_id), "cl:0");
    menu_button(h, kb, "curator.menu_stalled", curator_stall_count(h), "zl:0");
    curator_consent_menu_item(h, kb);
    kb_row(kb);
    kb_button(kb, T(h, "curator.menu_stage"), "cs");
    kb_button(kb, T(h, "curator.menu_announce"), "ca");
    kb_row(kb);
    kb_button(kb, T(h, "export.button"), "cf");
    kb_row(kb);
    kb_button(kb, T(h, "poll.menu"), "pw:l");
    kb_row(kb);
    kb_button(kb, T(h, "tables.button"), "cw");
    kb_button(kb, T(h, "curator.menu_invites"), "ci");
    kb_row(kb);
    kb_button(kb, T(h, "fix.button"), "cz");
}

int curator_wants_text(const hctx *h)
{
    return strcmp(h->state, CURATOR_STATE_ANNOUNCE_TEXT) == 0 || strcmp(h->state, CURATOR_STATE_ANNOUNCE_CONFIRM) == 0 ||
           strcmp(h->state, CURATOR_STATE_FIX_NAME) == 0 || strcmp(h->state, CURATOR_STATE_FIX_EMPLOYER) == 0 ||
           curator_outcomes_wants_text(h);
}

mb_status curator_on_text(hctx *h, const char *text)
{
    if (strcmp(h->state, CURATOR_STATE_FIX_NAME) == 0 || strcmp(h->state, CURATOR_STATE_FIX_EMPLOYER) == 0)
        return curator_people_text(h, text);
    if (curator_outcomes_wants_text(h)) return curator_outcomes_text(h, text);
    if (curator_wants_text(h)) return curator_program_text(h, text);
    return reply_text(h, T(h, "menu.hint"), NULL);
}

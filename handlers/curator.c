/*
 * The curator's menu entries and the routing of their buttons; the flows
 * themselves live in curator_bases.c, curator_match.c and
 * curator_program.c (see curator.h).
 */
#include "handlers/consent.h"
#include "handlers/curator.h"
#include "handlers/recognition.h"
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

int curator_parse_ids(const char *arg, int64_t *ids, int count)
{
    const char *p = arg;
    for (int i = 0; i < count; i++) {
        long long v;
        if ((i > 0 && !payload_take_char(&p, ':')) || !payload_take_number(&p, PAYLOAD_NUMBER_MAX, &v) || v <= 0)
            return 0;
        ids[i] = v;
    }
    return payload_end(p);
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
    curator_recognition_menu_items(h, kb);
}

int curator_owns_action(const char *action)
{
    return strcmp(action, "cb") == 0 || strcmp(action, "cq") == 0 || strcmp(action, "cf") == 0 ||
           curator_match_owns(action) || curator_pairs_owns(action) || curator_invites_owns(action) ||
           curator_program_owns(action) || curator_consent_owns(action) || curator_tables_owns(action) ||
           curator_people_owns(action) || curator_stall_owns(action) || curator_outcomes_owns(action) ||
           curator_direction_owns(action) || curator_polls_owns(action) || curator_recognition_owns(action);
}

mb_status curator_on_button(hctx *h, const char *action, const char *arg)
{
    mb_status rc;
    /* Leaving the announcement flow by pressing anything else ends it, so
     * a later typed message is not sent to everyone by surprise. */
    if (strcmp(action, "ca") != 0 && strcmp(action, "rk") != 0 && strncmp(h->state, "cur_", 4) == 0 &&
        (rc = ctx_set_state(h, "")))
        return rc;
    if (strcmp(action, "cb") == 0) return curator_show_base(h, arg);
    if (strcmp(action, "cq") == 0) return curator_show_queue(h, arg);
    if (strcmp(action, "cf") == 0) return arg[0] ? flow_refuse_button(h, "bad export data") : curator_export(h);
    if (curator_match_owns(action)) return curator_match_button(h, action, arg);
    if (curator_pairs_owns(action)) return curator_pairs_button(h, action, arg);
    if (curator_invites_owns(action)) return curator_invites_button(h, action, arg);
    if (curator_program_owns(action)) return curator_program_button(h, action, arg);
    if (curator_consent_owns(action)) return curator_consent_button(h, action, arg);
    if (curator_tables_owns(action)) return curator_tables_button(h, action, arg);
    if (curator_people_owns(action)) return curator_people_button(h, action, arg);
    if (curator_stall_owns(action)) return curator_stall_button(h, action, arg);
    if (curator_outcomes_owns(action)) return curator_outcomes_button(h, action, arg);
    if (curator_direction_owns(action)) return curator_direction_button(h, action, arg);
    if (curator_polls_owns(action)) return curator_polls_button(h, action, arg);
    if (curator_recognition_owns(action)) return curator_recognition_button(h, action, arg);
    return flow_refuse_button(h, "unknown curator action");
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

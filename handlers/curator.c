/*
 * The curator's menu entries and the typed text of the curator flows; the
 * screens live in curator_*.c (see curator.h), what they share in
 * curator_common.c, and routes.c routes their buttons.
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

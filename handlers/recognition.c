/*
 * The mentor's side of recognition: their points, level and what each
 * point came from, and whether they show in published rankings. The
 * curator's side is in curator_recognition.c.
 */
#include "handlers/flows.h"
#include "handlers/payload.h"
#include "handlers/recognition.h"
#include "handlers/recognition_rules.h"
#include "storage/recognition.h"
#include "util/clock.h"
#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int is_mentor(const hctx *h)
{
    return h->has_account && strcmp(h->acct.status, "active") == 0 && strcmp(h->acct.role, "mentor") == 0;
}

void recognition_menu_items(hctx *h, keyboard *kb)
{
    if (!is_mentor(h)) return;
    kb_row(kb);
    kb_button(kb, T(h, "recognition.menu"), "rg:v");
}

/* "• встречи, подтверждённые обеими сторонами: 3 × 2 = 6" when n > 0. */
static void add_line(hctx *h, strbuf *sb, const char *key, int n, int each)
{
    if (n <= 0) return;
    char count[16], per[16], sum[24];
    snprintf(count, sizeof count, "%d", n);
    snprintf(per, sizeof per, "%d", each);
    snprintf(sum, sizeof sum, "%lld", (long long)n * each);
    char *line = TF(h, key, "n", count, "each", per, "sum", sum, NULL);
    if (line) sb_printf(sb, "\n%s", line);
    free(line);
}

static mb_status show_points(hctx *h)
{
    const recognition_rules *r = h->env->recognition;
    recognition_rules defaults;
    if (!r) {
        recognition_rules_default(&defaults);
        r = &defaults;
    }
    recognition_counts c;
    mb_status rc = recognition_count(h->d, h->acct.id, &c);
    if (rc) return rc;
    long long points = recognition_points(r, &c);
    int level = recognition_level(r, points);
    char level_key[48], next_key[48];
    snprintf(level_key, sizeof level_key, "recognition.level.%s", recognition_level_code(level));
    char *total = i18n_plural(h->env->texts, h->lang, "recognition.points", points, NULL);
    char *head = TF(h, "recognition.title", "points", total ? total : "", "level", T(h, level_key), NULL);
    free(total);
    strbuf sb = {0};
    sb_puts(&sb, head ? head : "");
    free(head);
    if (points == 0) {
        sb_printf(&sb, "\n\n%s", T(h, "recognition.none"));
    } else {
        sb_printf(&sb, "\n\n%s", T(h, "recognition.from"));
        add_line(h, &sb, "recognition.line_meetings", c.meetings, r->meeting);
        add_line(h, &sb, "recognition.line_polls", c.polls, r->poll);
        add_line(h, &sb, "recognition.line_completed", c.completed, r->completed);
        static const char *const outcome_keys[RECOGNITION_OUTCOME_LEVELS] = {
            "recognition.line_outcome_school", "recognition.line_outcome_municipal",
            "recognition.line_outcome_regional", "recognition.line_outcome_federal"};
        for (int i = 0; i < RECOGNITION_OUTCOME_LEVELS; i++) add_line(h, &sb, outcome_keys[i], c.outcomes[i], r->outcome[i]);
    }
    long long to_next = recognition_to_next(r, points);
    if (to_next > 0) {
        snprintf(next_key, sizeof next_key, "recognition.level.%s", recognition_level_code(level + 1));
        char *need = i18n_plural(h->env->texts, h->lang, "recognition.points", to_next, NULL);
        char *next = TF(h, "recognition.next", "level", T(h, next_key), "points", need ? need : "", NULL);
        if (next) sb_printf(&sb, "\n\n%s", next);
        free(need);
        free(next);
    } else {
        sb_printf(&sb, "\n\n%s", T(h, "recognition.top"));
    }
    int hidden = recognition_is_hidden(h->d, h->acct.id);
    sb_printf(&sb, "\n\n%s", T(h, hidden ? "recognition.hidden_note" : "recognition.shown_note"));
    keyboard kb = {0};
    kb_button(&kb, T(h, hidden ? "recognition.show" : "recognition.hide"), hidden ? "rg:h:0" : "rg:h:1");
    rc = sb.data && !sb.failed ? reply_text(h, sb.data, &kb) : MB_ERR_NOMEM;
    kb_free(&kb);
    sb_free(&sb);
    return rc;
}

mb_status recognition_button(hctx *h, const char *action, const payload_field *f, int n)
{
    (void)action;
    if (!is_mentor(h)) return flow_refuse_button(h, "recognition pressed by a non-mentor");
    mb_status rc;
    if (n == 1) {   /* v, or h:1 and h:0 (routes.c) */
        if ((rc = reply_answer_button(h, NULL))) return rc;
        return show_points(h);
    }
    int hide = strcmp(f[1].word, "1") == 0;
    if ((rc = recognition_set_hidden(h->d, h->acct.id, hide, clock_now_ms())) ||
        (rc = reply_answer_button(h, T(h, hide ? "recognition.hidden" : "recognition.shown"))))
        return rc;
    return show_points(h);
}

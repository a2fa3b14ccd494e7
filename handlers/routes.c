/*
 * The route table: every command and every button action the bot answers,
 * who may use it, and its handler. dispatch.c loads the sender and hands
 * commands and presses here; nothing else looks at a command's name or a
 * payload's action.
 *
 * The handler files call one another in layers, each only downwards, with
 * no circle:
 *
 *   dispatch.c     loads the sender; messages, presses, jobs; the menu a
 *                  flow ends at (flow_menu_next)
 *   routes.c       this table; what follows a refused or old press
 *   registration.c ends at the menu; reg_switch.c decides, it restarts
 *   menu.c         the menu of every flow, and typed text to the flow that
 *                  waits for it
 *   curator.c      the curator's menu entries and typed text
 *   the flows      curator_*.c screens, pair.c over pair_plan.c and
 *                  pair_write.c, poll_calendar.c over polls.c over
 *                  survey.c over poll_finish.c, meetings, consent, link,
 *                  scope, stall, timezone
 *   shared         curator_common.c (what the curator screens share),
 *                  pair_common.c (what the pair's files share),
 *                  survey_items.c, matching.c, meeting_notice.c, ...
 *   context.c      texts, dialog state, the answer to a refused or
 *                  out-of-date press; reply.c, payload.c: calls no flow
 *
 * A flow that must go back up (show the menu, ask a registration question
 * again) says so through the context (flow_menu_next, hctx.press) instead
 * of calling the layer above.
 */
#include "handlers/routes.h"
#include "handlers/announce.h"
#include "handlers/consent.h"
#include "handlers/curator.h"
#include "handlers/digest.h"
#include "handlers/flows.h"
#include "handlers/meetings.h"
#include "handlers/pair.h"
#include "handlers/payload.h"
#include "handlers/polls.h"
#include "handlers/recognition.h"
#include "handlers/timezone.h"

#include <string.h>

#define COMMAND_MAX 32   /* bytes of a command name kept, with its NUL */

/* Handlers that read only the payload's fields. */
#define ROUTE_FIELDS_ONLY(fn)                                                                                          \
    static mb_status fn##_route(hctx *h, const char *key, const char *arg)                                           \
    {                                                                                                                  \
        (void)key;                                                                                                     \
        return fn(h, arg);                                                                                             \
    }
ROUTE_FIELDS_ONLY(poll_on_button)
ROUTE_FIELDS_ONLY(link_on_button)
ROUTE_FIELDS_ONLY(link_on_confirm)
ROUTE_FIELDS_ONLY(link_on_unlink)
ROUTE_FIELDS_ONLY(meeting_on_button)
ROUTE_FIELDS_ONLY(pair_on_button)
ROUTE_FIELDS_ONLY(timezone_on_button)
ROUTE_FIELDS_ONLY(curator_show_base)
ROUTE_FIELDS_ONLY(curator_show_queue)
ROUTE_FIELDS_ONLY(indicators_on_button)

static mb_status need_invite(hctx *h) { return reply_text(h, T(h, "start.need_invite"), NULL); }

static mb_status command_start(hctx *h, const char *key, const char *arg)
{
    (void)key;
    return reg_start(h, arg);
}

static mb_status command_help(hctx *h, const char *key, const char *arg)
{
    (void)key, (void)arg;
    return menu_help(h);
}

/* "/link CODE" is opened by the new messenger's account, which has none
 * yet; "/link" alone asks for a code. */
static mb_status command_link(hctx *h, const char *key, const char *arg)
{
    (void)key;
    if (*arg) return link_redeem(h, arg);
    return h->has_account ? link_start(h) : need_invite(h);
}

static mb_status command_privacy(hctx *h, const char *key, const char *arg)
{
    (void)key, (void)arg;
    if (consent_is_parent(h)) {
        /* A parent may have no account of their own: their consent first. */
        mb_status rc = consent_parent_privacy(h);
        if (rc || !h->has_account) return rc;
    }
    return h->has_account ? menu_privacy(h) : need_invite(h);
}

static mb_status command_cancel(hctx *h, const char *key, const char *arg)
{
    (void)key, (void)arg;
    return menu_cancel(h);
}

static mb_status command_back(hctx *h, const char *key, const char *arg)
{
    (void)key, (void)arg;
    return survey_back(h);
}

static mb_status command_language(hctx *h, const char *key, const char *arg)
{
    (void)key, (void)arg;
    return menu_language(h);
}

static mb_status command_forget(hctx *h, const char *key, const char *arg)
{
    (void)key, (void)arg;
    return menu_forget(h);
}

static mb_status command_menu(hctx *h, const char *key, const char *arg)
{
    (void)key, (void)arg;
    return reg_in_progress(h) ? reg_resume(h) : menu_show(h);
}

static mb_status curator_export_route(hctx *h, const char *key, const char *arg)
{
    (void)key;
    return arg[0] ? flow_refuse_button(h, "bad export data") : curator_export(h);
}

#define ACCOUNT (ROUTE_REGISTERING | ROUTE_REGISTERED)
#define CURATOR (ROUTE_REGISTERED | ROUTE_CURATOR)
#define SCREEN (ROUTE_REGISTERED | ROUTE_CURATOR | ROUTE_SCREEN)

static const route table[] = {
    /* commands */
    {"/start", ROUTE_GUEST, command_start},
    {"/help", ROUTE_GUEST, command_help},
    {"/link", ROUTE_GUEST, command_link},
    {"/privacy", ROUTE_GUEST, command_privacy},
    {"/cancel", ACCOUNT, command_cancel},
    {"/back", ACCOUNT, command_back},
    {"/language", ACCOUNT, command_language},
    {"/forget", ACCOUNT, command_forget},
    {"/menu", ACCOUNT, command_menu},

    /* a parent giving or withdrawing consent, who may have no account */
    {"gr", ROUTE_GUEST, consent_on_button},
    {"gc", ROUTE_GUEST, consent_on_button},
    {"gd", ROUTE_GUEST, consent_on_button},
    {"gw", ROUTE_GUEST, consent_withdraw_button},
    {"gwy", ROUTE_GUEST, consent_withdraw_button},
    {"gwn", ROUTE_GUEST, consent_withdraw_button},

    /* registration */
    {"consent", ROUTE_REGISTERING, reg_on_button},
    {"cat", ROUTE_REGISTERING, reg_on_button},
    {"grade", ROUTE_REGISTERING, reg_on_button},
    {"lang", ROUTE_REGISTERING, reg_on_button},
    {"rs", ROUTE_REGISTERING, reg_switch_button},

    /* everyone registered */
    {"lang", ROUTE_REGISTERED, menu_language_button},
    {"forget", ROUTE_REGISTERED, menu_forget_button},
    {"m", ROUTE_REGISTERED, menu_item_button},
    {"sv", ROUTE_REGISTERED, survey_on_button},
    {"pl", ROUTE_REGISTERED, poll_on_button_route},
    {"pref", ROUTE_REGISTERED, link_on_button_route},
    {"lk", ROUTE_REGISTERED, link_on_confirm_route},
    {"ul", ROUTE_REGISTERED, link_on_unlink_route},
    {"so", ROUTE_REGISTERED, scope_on_button},
    {"co", ROUTE_REGISTERED, scope_on_button},
    {"mt", ROUTE_REGISTERED, meeting_on_button_route},
    {"pr", ROUTE_REGISTERED, pair_on_button_route},
    {"tz", ROUTE_REGISTERED, timezone_on_button_route},
    {"ix", ROUTE_REGISTERED, indicators_on_button_route},
    {"rg", ROUTE_REGISTERED, recognition_button},
    {"an", ROUTE_REGISTERED, announce_button},
    {"dg", ROUTE_REGISTERED, digest_on_button},

    /* the curator's invites and paper consents (menu.c) */
    {"inv", CURATOR, menu_invite_button},
    {"uses", CURATOR, menu_invite_button},
    {"paper", CURATOR, menu_paper_button},
    {"paperyes", CURATOR, menu_paper_button},
    {"paperno", CURATOR, menu_paper_button},

    /* the curator's screens (curator.h) */
    {"cb", SCREEN, curator_show_base_route},
    {"cq", SCREEN, curator_show_queue_route},
    {"cf", SCREEN, curator_export_route},
    {"cv", SCREEN, curator_match_button},
    {"cp", SCREEN, curator_match_button},
    {"cy", SCREEN, curator_match_button},
    {"cn", SCREEN, curator_match_button},
    {"cg", SCREEN, curator_match_button},
    {"cr", SCREEN, curator_match_button},
    {"cl", SCREEN, curator_pairs_button},
    {"cm", SCREEN, curator_pairs_button},
    {"ce", SCREEN, curator_pairs_button},
    {"cx", SCREEN, curator_pairs_button},
    {"dr", SCREEN, curator_direction_button},
    {"zl", SCREEN, curator_stall_button},
    {"zo", SCREEN, curator_stall_button},
    {"zr", SCREEN, curator_stall_button},
    {"zy", SCREEN, curator_stall_button},
    {"ci", SCREEN, curator_invites_button},
    {"cd", SCREEN, curator_invites_button},
    {"cj", SCREEN, curator_invites_button},
    {"cs", SCREEN, curator_program_button},
    {"ct", SCREEN, curator_program_button},
    {"cu", SCREEN, curator_program_button},
    {"cc", SCREEN, curator_program_button},
    {"ck", SCREEN, curator_program_button},
    /* The announcement's own buttons keep its typed steps open. */
    {"ca", CURATOR, curator_program_button},
    {"kl", SCREEN, curator_consent_button},
    {"kp", SCREEN, curator_consent_button},
    {"ky", SCREEN, curator_consent_button},
    {"kn", SCREEN, curator_consent_button},
    {"cw", SCREEN, curator_tables_button},
    {"cz", SCREEN, curator_people_button},
    {"oc", SCREEN, curator_outcomes_button},
    {"pw", SCREEN, curator_polls_button},
    {"rc", SCREEN, curator_recognition_button},
    {"rl", SCREEN, curator_recognition_button},
    /* The ranking's publish question keeps its own state open. */
    {"rk", CURATOR, curator_recognition_button},
};

const route *routes_table(size_t *count)
{
    *count = sizeof table / sizeof table[0];
    return table;
}

const route *routes_find(const char *key, unsigned phase)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if ((table[i].who & (phase | ROUTE_GUEST)) && strcmp(table[i].key, key) == 0) return &table[i];
    return NULL;
}

static unsigned phase_of(const hctx *h)
{
    if (!h->has_account) return ROUTE_GUEST;
    return reg_in_progress(h) ? ROUTE_REGISTERING : ROUTE_REGISTERED;
}

static int active_curator(const hctx *h)
{
    return h->has_account && strcmp(h->acct.status, "active") == 0 && strcmp(h->acct.role, "curator") == 0;
}

/* Splits "/cmd@bot args" into "/cmd" in lower case and its argument. */
static int parse_command(const char *text, char *cmd, size_t size, const char **arg)
{
    if (text[0] != '/') return 0;
    size_t i = 1, n = 1;
    cmd[0] = '/';
    while (text[i] && text[i] != ' ' && text[i] != '@' && text[i] != '\n') {
        if (n + 1 < size) cmd[n++] = (char)(text[i] >= 'A' && text[i] <= 'Z' ? text[i] + 32 : text[i]);
        i++;
    }
    cmd[n] = 0;
    while (text[i] && text[i] != ' ' && text[i] != '\n') i++; /* skip @botname */
    while (text[i] == ' ' || text[i] == '\n') i++;
    *arg = text + i;
    return n > 1;
}

int routes_command(hctx *h, const char *text, mb_status *rc)
{
    char cmd[COMMAND_MAX];
    const char *arg;
    if (!parse_command(text, cmd, sizeof cmd, &arg)) return 0;
    const route *r = routes_find(cmd, phase_of(h));
    if (r) *rc = r->run(h, cmd + 1, arg);
    else if (!h->has_account) *rc = need_invite(h);
    else *rc = reply_text(h, T(h, "command.unknown"), NULL);
    return 1;
}

/* What the flow of a press leaves to the router: after a refusal,
 * registration asks its question again; after an out-of-date press, the
 * menu (or that question) follows. */
static mb_status after_press(hctx *h, mb_status rc)
{
    if (rc || h->press == HCTX_PRESS_TAKEN) return rc;
    if (reg_in_progress(h)) return reg_resume(h);
    return h->press == HCTX_PRESS_OUTDATED && h->has_account ? menu_show(h) : MB_OK;
}

static mb_status route_press(hctx *h)
{
    char action[PAYLOAD_ACTION_MAX];
    const char *fields;
    if (!payload_split(h->ev->button_data, action, sizeof action, &fields))
        return flow_refuse_button(h, "malformed button data");
    unsigned phase = phase_of(h);
    const route *r = routes_find(action, phase);
    if (!r && phase == ROUTE_GUEST) return flow_refuse_button(h, "no account");
    if (!r) {
        /* A curator's button in the hands of someone else was never theirs:
         * forged, not old. */
        const route *other = routes_find(action, ROUTE_REGISTERING | ROUTE_REGISTERED);
        if (other && (other->who & ROUTE_CURATOR) && strcmp(h->acct.role, "curator") != 0)
            return flow_refuse_button(h, "curator action pressed by a non-curator");
        return flow_outdated_button(h, "no route for the action in the sender's phase");
    }
    if ((r->who & ROUTE_CURATOR) && !active_curator(h))
        return flow_refuse_button(h, "curator action pressed by a non-curator");
    mb_status rc;
    /* Opening another screen ends a typed curator flow (an announcement, a
     * correction), so a later message is not taken for its text by surprise. */
    if ((r->who & ROUTE_SCREEN) && strncmp(h->state, "cur_", 4) == 0 && (rc = ctx_set_state(h, ""))) return rc;
    return r->run(h, action, fields);
}

mb_status routes_button(hctx *h)
{
    return after_press(h, route_press(h));
}

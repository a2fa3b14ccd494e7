/*
 * The route table: every command and every button action the bot answers,
 * who may use it, the shape of a button's fields (routes.h), and its
 * handler. dispatch.c loads the sender and hands commands and presses
 * here; nothing else looks at a command's name or a payload's action, and
 * nothing else reads a payload's fields: route_press reads them here, with
 * payload_fields, and a payload that fits no shape of its route is out of
 * date like one whose action no route takes.
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

static mb_status need_invite(hctx *h) { return reply_text(h, T(h, "start.need_invite"), NULL); }

static mb_status command_start(hctx *h, const char *arg) { return reg_start(h, arg); }

static mb_status command_help(hctx *h, const char *arg)
{
    (void)arg;
    return menu_help(h);
}

/* "/link CODE" is opened by the new messenger's account, which has none
 * yet; "/link" alone asks for a code. */
static mb_status command_link(hctx *h, const char *arg)
{
    if (*arg) return link_redeem(h, arg);
    return h->has_account ? link_start(h) : need_invite(h);
}

static mb_status command_privacy(hctx *h, const char *arg)
{
    (void)arg;
    if (consent_is_parent(h)) {
        /* A parent may have no account of their own: their consent first. */
        mb_status rc = consent_parent_privacy(h);
        if (rc || !h->has_account) return rc;
    }
    return h->has_account ? menu_privacy(h) : need_invite(h);
}

static mb_status command_cancel(hctx *h, const char *arg)
{
    (void)arg;
    return menu_cancel(h);
}

static mb_status command_back(hctx *h, const char *arg)
{
    (void)arg;
    return survey_back(h);
}

static mb_status command_language(hctx *h, const char *arg)
{
    (void)arg;
    return menu_language(h);
}

static mb_status command_forget(hctx *h, const char *arg)
{
    (void)arg;
    return menu_forget(h);
}

static mb_status command_menu(hctx *h, const char *arg)
{
    (void)arg;
    return reg_in_progress(h) ? reg_resume(h) : menu_show(h);
}

static mb_status curator_export_route(hctx *h, const char *action, const payload_field *f, int n)
{
    (void)action, (void)f, (void)n;
    return curator_export(h);
}

#define ACCOUNT (ROUTE_REGISTERING | ROUTE_REGISTERED)
#define CURATOR (ROUTE_REGISTERED | ROUTE_CURATOR)
#define SCREEN (ROUTE_REGISTERED | ROUTE_CURATOR | ROUTE_SCREEN)
#define COMMAND(key, who, fn) {key, who, NULL, fn, NULL}
#define BUTTON(key, who, shape, fn) {key, who, shape, NULL, fn}

static const route table[] = {
    /* commands */
    COMMAND("/start", ROUTE_GUEST, command_start),
    COMMAND("/help", ROUTE_GUEST, command_help),
    COMMAND("/link", ROUTE_GUEST, command_link),
    COMMAND("/privacy", ROUTE_GUEST, command_privacy),
    COMMAND("/cancel", ACCOUNT, command_cancel),
    COMMAND("/back", ACCOUNT, command_back),
    COMMAND("/language", ACCOUNT, command_language),
    COMMAND("/forget", ACCOUNT, command_forget),
    COMMAND("/menu", ACCOUNT, command_menu),

    /* a parent giving or withdrawing consent, who may have no account:
     * the request, and at the first step the relation chosen */
    BUTTON("gr", ROUTE_GUEST, "ID:W", consent_on_button),
    BUTTON("gc", ROUTE_GUEST, "ID", consent_on_button),
    BUTTON("gd", ROUTE_GUEST, "ID", consent_on_button),
    BUTTON("gw", ROUTE_GUEST, "ID", consent_withdraw_button),
    BUTTON("gwy", ROUTE_GUEST, "ID", consent_withdraw_button),
    BUTTON("gwn", ROUTE_GUEST, "ID", consent_withdraw_button),

    /* registration */
    BUTTON("consent", ROUTE_REGISTERING, "yes|no", reg_on_button),
    BUTTON("cat", ROUTE_REGISTERING, "W", reg_on_button),
    BUTTON("grade", ROUTE_REGISTERING, "GRADE", reg_on_button),
    BUTTON("lang", ROUTE_REGISTERING, "ru|en", reg_on_button),
    BUTTON("rs", ROUTE_REGISTERING, "yes|no", reg_switch_button),

    /* everyone registered */
    BUTTON("lang", ROUTE_REGISTERED, "ru|en", menu_language_button),
    BUTTON("forget", ROUTE_REGISTERED, "yes|no", menu_forget_button),
    BUTTON("m", ROUTE_REGISTERED, "privacy|help|language|invite|pending", menu_item_button),
    /* the offer, or RUN:ITEM:OP[:VALUE] on the item being asked: choose (a
     * scale's number or a choice's code), tick, page, done, keep, skip */
    BUTTON("sv", ROUTE_REGISTERED, "start|redo|later|ID:W:c:INT|ID:W:c:W|ID:W:t:W|ID:W:p:N|ID:W:d|ID:W:k|ID:W:x",
           survey_on_button),
    BUTTON("pl", ROUTE_REGISTERED, "go:ID", poll_on_button),
    BUTTON("pref", ROUTE_REGISTERED, "W", link_on_button),
    BUTTON("lk", ROUTE_REGISTERED, "y:ID|n:ID", link_on_confirm),
    BUTTON("ul", ROUTE_REGISTERED, "W", link_on_unlink),
    BUTTON("so", ROUTE_REGISTERED, "list|ID", scope_on_button),
    BUTTON("co", ROUTE_REGISTERED, "view", scope_on_button),
    /* OP:MEETING:VERSION, and a score, or the account a proposal is for */
    BUTTON("mt", ROUTE_REGISTERED,
           "y:ID:N|m:ID:N|c:ID:N|h:ID:N|r:ID:N|n:ID:N|s:ID:N|i:ID:N|u:ID:N:N|a:ID:N:ID|k:ID:N:ID", meeting_on_button),
    /* the pair's screens: OP:MENTORSHIP, a day, an hour (HHMM), a meeting's detail */
    BUTTON("pr", ROUTE_REGISTERED,
           "v|o|a|k:KIND|w:ID:ID|p:ID|x:ID|c:ID|s:ID|d:ID:N|t:ID:N:N|l:ID:N", pair_on_button),
    BUTTON("tz", ROUTE_REGISTERED, "ask|org|ZONE", timezone_on_button),
    BUTTON("ix", ROUTE_REGISTERED, "-|W", indicators_on_button),
    BUTTON("rg", ROUTE_REGISTERED, "v|h:1|h:0", recognition_button),
    BUTTON("an", ROUTE_REGISTERED, "-|s|c", announce_button),
    BUTTON("dg", ROUTE_REGISTERED, "p|m|u|n", digest_on_button),

    /* the curator's invites and paper consents (menu.c) */
    BUTTON("inv", CURATOR, "mentor|mentee", menu_invite_button),
    BUTTON("uses", CURATOR, "mentor:N|mentee:N", menu_invite_button),
    BUTTON("paper", CURATOR, "ID", menu_paper_button),
    BUTTON("paperyes", CURATOR, "ID", menu_paper_button),
    BUTTON("paperno", CURATOR, "ID", menu_paper_button),

    /* the curator's screens (curator.h) */
    BUTTON("cb", SCREEN, "r:PAGE|e:PAGE", curator_show_base),
    BUTTON("cq", SCREEN, "PAGE", curator_show_queue),
    BUTTON("cf", SCREEN, "-", curator_export_route),
    BUTTON("cv", SCREEN, "ID", curator_match_button),
    BUTTON("cp", SCREEN, "ID:PAGE", curator_match_button),
    BUTTON("cy", SCREEN, "ID:ID", curator_match_button),
    BUTTON("cn", SCREEN, "ID:ID", curator_match_button),
    BUTTON("cg", SCREEN, "ID:ID", curator_match_button),
    BUTTON("cr", SCREEN, "ID:ID", curator_match_button),
    BUTTON("cl", SCREEN, "PAGE", curator_pairs_button),
    BUTTON("cm", SCREEN, "ID", curator_pairs_button),
    BUTTON("ce", SCREEN, "ID", curator_pairs_button),
    BUTTON("cx", SCREEN, "ID", curator_pairs_button),
    BUTTON("dr", SCREEN, "ID:N?", curator_direction_button),
    BUTTON("zl", SCREEN, "PAGE", curator_stall_button),
    BUTTON("zo", SCREEN, "ID", curator_stall_button),
    BUTTON("zr", SCREEN, "ID", curator_stall_button),
    BUTTON("zy", SCREEN, "ID", curator_stall_button),
    BUTTON("ci", SCREEN, "-", curator_invites_button),
    BUTTON("cd", SCREEN, "ID", curator_invites_button),
    BUTTON("cj", SCREEN, "ID", curator_invites_button),
    BUTTON("cs", SCREEN, "-", curator_program_button),
    BUTTON("ct", SCREEN, "N:N", curator_program_button),
    BUTTON("cu", SCREEN, "N:N", curator_program_button),
    BUTTON("cc", SCREEN, "-|N:N", curator_program_button),   /* YEAR:FORMS as bits */
    BUTTON("ck", SCREEN, "N:N", curator_program_button),
    /* The announcement's own buttons keep its typed steps open. */
    BUTTON("ca", CURATOR, "-|r|e|b|s|c", curator_program_button),
    BUTTON("kl", SCREEN, "ID", curator_consent_button),
    BUTTON("kp", SCREEN, "-", curator_consent_button),
    BUTTON("ky", SCREEN, "ID", curator_consent_button),
    BUTTON("kn", SCREEN, "ID", curator_consent_button),
    BUTTON("cw", SCREEN, "-|r|e|s", curator_tables_button),
    /* the lists (a page), a person (OP:ACCOUNT), a grade set (s:ACCOUNT:GRADE) */
    BUTTON("cz", SCREEN, "-|r:PAGE|e:PAGE|a:ID|n:ID|g:ID|w:ID|s:ID:GRADE", curator_people_button),
    BUTTON("oc", SCREEN, "l:ID|n:ID|d:ID|y:ID|k:ID:N|v:N|r:N|s|x", curator_outcomes_button),
    BUTTON("pw", SCREEN, "l|n|k:POLL|v:ID|c:ID", curator_polls_button),
    BUTTON("rc", SCREEN, "ID", curator_recognition_button),
    BUTTON("rl", SCREEN, "ID", curator_recognition_button),
    /* The ranking's publish question keeps its own state open. */
    BUTTON("rk", CURATOR, "v|p|s", curator_recognition_button),
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

/* The field types a shape may name; a literal word is written as itself. */
static const struct {
    const char *name;
    long long least, most;   /* both 0: a word */
} field_types[] = {
    {"ID", 1, PAYLOAD_NUMBER_MAX},
    {"N", 0, PAYLOAD_NUMBER_MAX},
    {"INT", -PAYLOAD_NUMBER_MAX, PAYLOAD_NUMBER_MAX},
    {"W", 0, 0},
    {"PAGE", 0, CURATOR_PAGES_MAX},
    {"GRADE", GRADE_FIRST, GRADE_LAST},
    {"ZONE", 0, TIMEZONE_ZONES - 1},
    {"POLL", 0, POLL_VARIANTS - 1},
    {"KIND", 0, PAIR_ACTIVITY_KINDS - 1},
};

/* One field of an alternative: a literal word, or a type's range. */
typedef struct shape_field {
    char literal[PAYLOAD_WORD_MAX];   /* "" for a type */
    long long least, most;
    int optional;
} shape_field;

/* Reads one alternative at *p (up to '|' or the end) into out; how many
 * fields it has (0 for "-"), -1 when it is not well formed. */
static int read_alternative(const char **p, shape_field *out)
{
    const char *s = *p;
    int n = 0, optional = 0;
    if (*s == '-' && (s[1] == '|' || !s[1])) {
        *p = s + 1;
        return 0;
    }
    for (;;) {
        if (n == ROUTE_FIELDS_MAX) return -1;
        shape_field *f = &out[n];
        memset(f, 0, sizeof *f);
        size_t len = 0;
        while (s[len] && s[len] != ':' && s[len] != '|' && s[len] != '?') len++;
        if (len == 0 || len >= sizeof f->literal) return -1;
        const char *lit = s;
        if (payload_take_word(&lit, f->literal, sizeof f->literal) && lit == s + len) {
            /* a literal word */
        } else {
            f->literal[0] = 0;
            size_t k = 0;
            while (k < sizeof field_types / sizeof field_types[0] &&
                   (strlen(field_types[k].name) != len || strncmp(field_types[k].name, s, len) != 0))
                k++;
            if (k == sizeof field_types / sizeof field_types[0]) return -1;
            f->least = field_types[k].least;
            f->most = field_types[k].most;
        }
        s += len;
        if (*s == '?') {
            optional = 1;
            s++;
        } else if (optional) {
            return -1;   /* a required field after an optional one */
        }
        f->optional = optional;
        n++;
        if (*s != ':') break;
        s++;
    }
    if (*s && *s != '|') return -1;
    *p = s;
    return n;
}

int routes_shape_valid(const char *shape)
{
    if (!shape) return 0;
    const char *p = shape;
    shape_field alt[ROUTE_FIELDS_MAX];
    for (;;) {
        if (read_alternative(&p, alt) < 0) return 0;
        if (!*p) return 1;
        p++;   /* '|' */
    }
}

/* n fields of an alternative against fields; how many it took, or -1. */
static int match_alternative(const shape_field *alt, int n, const char *fields, payload_field *f)
{
    int required = 0;
    memset(f, 0, ROUTE_FIELDS_MAX * sizeof *f);
    for (int i = 0; i < n; i++) {
        required += !alt[i].optional;
        f[i] = (payload_field){.least = alt[i].least, .most = alt[i].most};
    }
    if (!*fields) return required == 0 ? 0 : -1;
    int got = payload_fields(fields, f, n);
    if (got == 0 || got < required) return -1;
    for (int i = 0; i < got; i++)
        if (alt[i].literal[0] && strcmp(alt[i].literal, f[i].word) != 0) return -1;
    return got;
}

int routes_fields(const char *shape, const char *fields, payload_field *f)
{
    const char *p = shape ? shape : "";
    shape_field alt[ROUTE_FIELDS_MAX];
    for (;;) {
        int n = read_alternative(&p, alt);
        if (n < 0) return -1;
        int got = match_alternative(alt, n, fields ? fields : "", f);
        if (got >= 0) return got;
        if (!*p) return -1;
        p++;
    }
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
    if (r && r->command) *rc = r->command(h, arg);
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
    /* A button of an older version of the bot, or one made up: its fields
     * fit no shape its action takes now. */
    payload_field f[ROUTE_FIELDS_MAX];
    int n = r->press ? routes_fields(r->shape, fields, f) : -1;
    if (n < 0) return flow_outdated_button(h, "fields fit no shape of the action");
    mb_status rc;
    /* Opening another screen ends a typed curator flow (an announcement, a
     * correction), so a later message is not taken for its text by surprise. */
    if ((r->who & ROUTE_SCREEN) && strncmp(h->state, "cur_", 4) == 0 && (rc = ctx_set_state(h, ""))) return rc;
    return r->press(h, action, f, n);
}

mb_status routes_button(hctx *h)
{
    return after_press(h, route_press(h));
}

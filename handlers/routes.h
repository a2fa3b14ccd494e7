/*
 * One table routes every command ("/start") and every button action ("cb",
 * the part of the payload before the first ':') to its handler, with who
 * may use it: without an account, during registration, after it, curators
 * only. dispatch.c hands typed commands and button presses here.
 *
 * A button route also declares the shape of its payload's fields, and the
 * router reads them once, with payload_fields, before the handler runs: the
 * handler gets them parsed and reads no payload itself. A shape is one or
 * more alternatives separated by '|'; an alternative is "-" (no fields) or
 * fields separated by ':', each
 *
 *   a literal word   "yes", "k", "1": exactly that word (a-z, 0-9, '_')
 *   ID               a stored row's id, a number from 1
 *   N                a number from 0 (a version, a date as digits, an index
 *                    the handler checks against its own list)
 *   INT              a number with an optional '-' (a survey's scale value)
 *   W                any word, as payload_take_word reads it
 *   PAGE GRADE ZONE POLL KIND   numbers within their own bounds (routes.c)
 *
 * and a field may end in '?' when it and all after it may be left out:
 * "ID:N:N?" takes "12:3" and "12:3:4".
 *
 * A press whose action no route of the sender's phase takes is from an old
 * message (a retired button, a registration step long past), and so is one
 * whose fields fit no shape of its route (a button of an older version of
 * the bot, or a forged one): both get "this button is out of date" and the
 * menu, and the payload is logged escaped. A press whose fields fit but
 * name something the sender may not touch (another organisation's pair)
 * is refused by its handler (flow_refuse_button).
 */
#ifndef MB_ROUTES_H
#define MB_ROUTES_H

#include "handlers/context.h"

#include <stddef.h>

/* Who may use a route; a route has ROUTE_GUEST or one or both phases. */
enum {
    ROUTE_GUEST = 1 << 0,        /* anyone, with or without an account, in any phase */
    ROUTE_REGISTERING = 1 << 1,  /* an account whose registration is in progress */
    ROUTE_REGISTERED = 1 << 2,   /* an account whose registration is over */
    ROUTE_CURATOR = 1 << 3,      /* an active curator only; refused for anyone else */
    ROUTE_SCREEN = 1 << 4        /* a curator screen: opening it leaves a typed curator flow */
};
#define ROUTE_PHASES (ROUTE_GUEST | ROUTE_REGISTERING | ROUTE_REGISTERED)

#define ROUTE_FIELDS_MAX 6   /* fields of one payload; 64 bytes hold no more that the bot writes */

/* A command's handler gets the command's argument ("" when there is none). */
typedef mb_status (*command_fn)(hctx *h, const char *arg);

/* A button's handler gets its action and the payload's n fields (0 to
 * ROUTE_FIELDS_MAX), read as the route's shape declares: f[i].word is each
 * field as written (a literal of the shape, a word, a number's digits),
 * f[i].number a number's value (0 for a word); the fields past n are
 * zero ("" and 0), and f[i].most is 0 only for a word. */
typedef mb_status (*press_fn)(hctx *h, const char *action, const payload_field *f, int n);

typedef struct route {
    const char *key;      /* "/start" for a command, "cb" for a button action */
    unsigned who;         /* ROUTE_x bits */
    const char *shape;    /* a button's fields (see above); NULL for a command */
    command_fn command;   /* a command's handler */
    press_fn press;       /* a button's handler */
} route;

/* The table itself (for tests and checks): *count routes. */
const route *routes_table(size_t *count);

/* The route of key for a sender in phase (ROUTE_GUEST for someone without
 * an account, ROUTE_REGISTERING or ROUTE_REGISTERED; several bits: any of
 * them); guest routes serve every phase. NULL when there is none. */
const route *routes_find(const char *key, unsigned phase);

/* A typed command ("/cmd@bot args"): 1 with *rc when text is one. */
int routes_command(hctx *h, const char *text, mb_status *rc);

/* A button press (h->ev->button_data). */
mb_status routes_button(hctx *h);

/* Reads fields (the payload after the action's ':', "" for none) into f
 * (ROUTE_FIELDS_MAX of them) by shape: how many fields there are (0 or
 * more) when one alternative of shape takes them all, -1 when none does. */
int routes_fields(const char *shape, const char *fields, payload_field *f);

/* 1 when shape is well formed: each alternative "-" or fields of known
 * types and literal words, at most ROUTE_FIELDS_MAX, '?' only on a tail. */
int routes_shape_valid(const char *shape);

#endif

/*
 * One table routes every command ("/start") and every button action ("cb",
 * the part of the payload before the first ':') to its handler, with who
 * may use it: without an account, during registration, after it, curators
 * only. dispatch.c hands typed commands and button presses here.
 *
 * A press whose action no route of the sender's phase takes is from an old
 * message (a retired button, a registration step long past): it gets
 * "this button is out of date" and the menu. A press that names a route but
 * carries data its handler does not accept is forged or stale in its
 * fields, and the handler refuses it (flow_refuse_button).
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

/* A handler gets the key it was routed by (the command without its '/', or
 * the action) and the rest: the command's argument, or the payload after
 * the action's ':' ("" when there is none). */
typedef mb_status (*route_fn)(hctx *h, const char *key, const char *arg);

typedef struct route {
    const char *key;     /* "/start" for a command, "cb" for a button action */
    unsigned who;        /* ROUTE_x bits */
    route_fn run;
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

#endif

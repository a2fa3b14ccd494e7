/*
 * A second invite opened in the middle of registration: the person is asked
 * whether to start over with it, and only the invite they choose is used up.
 *
 * Button data:  rs:yes  start over with the new invite (its code waits in
 *                       the dialog data as "switch")
 *               rs:no   go on with the registration already begun
 */
#ifndef MB_REG_SWITCH_H
#define MB_REG_SWITCH_H

#include "handlers/context.h"
#include "storage/invites.h"

/* Called by reg_start for a usable role invite while registering. Returns 1
 * (with *rc) when it asked the question because the invite differs from the
 * one the registration began with; 0 to let reg_start go on. */
int reg_switch_offer(hctx *h, const invite *inv, const char *code, mb_status *rc);

/* What registration does after the answer to that question. */
typedef enum reg_switch_next {
    REG_SWITCH_DONE,      /* refused, or failed (*rc) */
    REG_SWITCH_RESUME,    /* go on as begun (the person was told why) */
    REG_SWITCH_RESTART    /* start over with the invite whose code is in code */
} reg_switch_next;

/* The answer to that question (rs:yes|no); registration.c acts on it, so
 * this file calls no flow. code gets the new invite's code (size >= 64). */
reg_switch_next reg_switch_answer(hctx *h, const char *arg, char *code, size_t size, mb_status *rc);

#endif

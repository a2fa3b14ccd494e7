/*
 * Slowing down whoever guesses codes (storage/attempts.h has the rules):
 * the code handlers ask before checking a code and report a wrong one.
 */
#ifndef MB_HANDLER_ATTEMPTS_H
#define MB_HANDLER_ATTEMPTS_H

#include "handlers/context.h"

/* 1 when codes from the sender are not checked now: then it told them when
 * they may try again and *rc is the result of that reply. */
int attempts_refuse(hctx *h, mb_status *rc);

/* The sender's code does not exist: replies with reply_key, followed by the
 * pause or the advice to ask the curator when this wrong code crossed a
 * threshold, and warns the operator when many people send wrong codes. */
mb_status attempts_wrong_code(hctx *h, const char *reply_key);

#endif

/*
 * The one entry point from transports into the bot's behaviour.
 */
#ifndef MB_DISPATCH_H
#define MB_DISPATCH_H

#include <stddef.h>

#include "handlers/context.h"
#include "storage/jobs.h"

/*
 * Handles one event inside the caller's transaction: loads the sender's
 * account and dialog, runs the handler, and queues replies. On failure the
 * caller rolls back this event's effects and records reason (a sentence
 * without user data) as the inbox outcome.
 */
mb_status dispatch_event(db *d, const bot_env *env, const event *ev, char *reason, size_t reason_size);

/* Runs one due job of a kind the handlers own, inside the caller's
 * transaction. MB_ERR_NOT_FOUND for an unknown kind. */
mb_status dispatch_job(db *d, const bot_env *env, const job *j, char *reason, size_t reason_size);

#endif

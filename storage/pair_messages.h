/*
 * What the people of a mentorship write each other through the bot, and
 * the problems they report to the curator (handlers/pair.c). Kept so both
 * sides see the conversation and, for a pair with a minor, the curator
 * may read it; forgetting a person removes what they wrote and what was
 * written to them.
 */
#ifndef MB_PAIR_MESSAGES_H
#define MB_PAIR_MESSAGES_H

#include <stdint.h>

#include "storage/db.h"

#define PAIR_MESSAGE_MAX 2000   /* characters of one message */

typedef struct pair_message {
    int64_t id;
    int64_t mentorship_id;
    int64_t from_account;
    int64_t to_account;        /* 0 for a problem (to the curators) */
    char kind[12];             /* message | problem */
    char *text;                /* malloc'd; pair_messages_free */
    int64_t created_at;
} pair_message;

mb_status pair_message_add(db *d, int64_t mentorship_id, int64_t from, int64_t to, const char *kind,
                           const char *text, int64_t now);

/* The last max messages of a mentorship, oldest first: *out malloc'd. */
mb_status pair_message_list(db *d, int64_t mentorship_id, int max, pair_message **out, int *n);
void pair_messages_free(pair_message *list, int n);

/* Everything account wrote or was written, and their agreements to show
 * contacts (at /forget). */
mb_status pair_messages_erase(db *d, int64_t account_id);

/* account agrees to show their messenger account to the others of the
 * mentorship; 1 when every member has agreed now, 0 when not yet, -1 on
 * an error. */
int pair_contacts_agree(db *d, int64_t mentorship_id, int64_t account_id, int members, int64_t now);

#endif

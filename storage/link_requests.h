/*
 * Requests to add a messenger account to a person (handlers/link.c): made
 * when someone sends a /link code, decided by the person on the messenger
 * they already use. A request lives as long as its code.
 */
#ifndef MB_LINK_REQUESTS_H
#define MB_LINK_REQUESTS_H

#include <stdint.h>

#include "storage/accounts.h"
#include "storage/db.h"
#include "storage/invites.h"

typedef struct link_request {
    int64_t id;
    int64_t invite_id;
    char code[INVITE_CODE_LEN + 1];   /* the invite's code, read back by link_request_load */
    int64_t account_id;               /* the person asked to confirm */
    char platform[8];                 /* the messenger account to add */
    int64_t user_id;
    int64_t chat_id;
    char display_name[ACCOUNT_NAME_BYTES];
    char state[12];                   /* pending | confirmed | declined | expired */
} link_request;

/* Stores a pending request (state and id are ignored on input). */
mb_status link_request_add(db *d, const link_request *r, int64_t *id_out);

/* MB_ERR_NOT_FOUND when there is no such request. */
mb_status link_request_load(db *d, int64_t id, link_request *out);

/* 1 when the invite has a request still pending, and when that cannot be
 * read (no second request is made on an error). */
int link_request_pending_for(db *d, int64_t invite_id);

/* Moves a pending request to state and forgets the name it showed;
 * MB_ERR_NOT_FOUND when it was not pending any more (decided from another
 * press). */
mb_status link_request_decide(db *d, int64_t id, const char *state);

#endif

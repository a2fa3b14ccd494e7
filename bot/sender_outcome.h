/*
 * What the sender writes for one answer of the platform. The outcome is
 * decided once, when the answer comes, and kept in memory until it is
 * committed: when the database cannot take it (disk full, a lock held by
 * another process), the sender writes the same outcome again later, so an
 * answer the platform gave (a message id, "delivered") is never lost and
 * never turned into a second request.
 */
#ifndef MB_SENDER_OUTCOME_H
#define MB_SENDER_OUTCOME_H

#include <stdint.h>

#include "bot/transport.h"
#include "storage/outbox.h"

typedef enum outcome_kind {
    OUTCOME_SENT,         /* delivered: message_id */
    OUTCOME_RETRY,        /* back to pending at next_at */
    OUTCOME_FAILED,       /* refused for good */
    OUTCOME_BLOCKED,      /* the user is unreachable: the row and the chat's pending rows fail */
    OUTCOME_CHECKING,     /* fate unknown: check at next_at */
    OUTCOME_UNDELIVERED,  /* a check found it missing: send again now */
    OUTCOME_UNKNOWN,      /* cannot be told: left for an operator */
    OUTCOME_PROBE         /* a check goes on at probe_next from next_at */
} outcome_kind;

typedef struct outcome {
    outcome_kind kind;
    int64_t message_id;
    int64_t platform_chat_id;   /* OUTCOME_SENT: the chat's own id on the platform, 0 if none */
    int64_t next_at;
    int64_t probe_next;
    int misses;
    int http_status;
    int error_code;
    char text[256];       /* the platform's words or the reason, for operators */
    int drop_file;        /* the row's temporary file may go once this is written */
} outcome;

/* What a classified answer to a send of row means (logged here for the
 * operator). now is when the answer came. */
void outcome_for_send(const outbox_row *row, const char *platform, const send_result *r, int64_t now, outcome *o);

/* What the answer to a delivery check of row (asking about message id
 * candidate) means. */
void outcome_for_check(const outbox_row *row, const char *platform, int64_t candidate, check_outcome seen,
                       int64_t retry_after_ms, const char *why, int64_t now, outcome *o);

/* The wait before a send is tried again after attempts failures: doubling
 * from 1 s up to SENDER_BACKOFF_MAX_MS, with +-25 % jitter. */
int64_t sender_backoff_ms(int attempts);

/* Writes o for row inside the caller's transaction: the sender writes the
 * outcomes that came in together in one commit. */
mb_status outcome_write(db *d, const outbox_row *row, const outcome *o);

/* Writes o for row in one transaction (BEGIN IMMEDIATE .. COMMIT). On an
 * error nothing is written, the row keeps its state, the error is returned
 * and db_fault(d) names it when waiting may cure it. */
mb_status outcome_store(db *d, const outbox_row *row, const outcome *o);

/* A word for logs: "sent", "retry", ... (static). */
const char *outcome_name(outcome_kind kind);

#endif

/*
 * The outbox sender: drains due rows through their transport under a
 * global and a per-chat rate, one request in flight per chat so a chat's
 * messages arrive in order, and records every outcome (see storage/outbox.h
 * for the row states and docs/reliability.md for the policy).
 *
 * When the database refuses an outcome (disk full, a lock held by another
 * process), the answer is kept in memory and written again with back-off
 * (SENDER_HOLD_FIRST_MS doubling to SENDER_HOLD_MAX_MS); until then the row
 * stays "sending", so it is not sent again and the chat's later rows wait.
 * A restart before it is written leaves the row to the delivery check.
 */
#ifndef MB_SENDER_H
#define MB_SENDER_H

#include <ev.h>

#include "bot/durable.h"
#include "bot/http.h"
#include "bot/transport.h"
#include "storage/db.h"

#define SENDER_INFLIGHT_MAX 32       /* requests in flight at once */
#define SENDER_BATCH 64              /* rows looked at per pass */
#define SENDER_MAX_ATTEMPTS 15       /* then a transient failure is given up */
#define SENDER_STEPS_MAX 8           /* calls one row may take (a file upload takes four) */
#define SENDER_BACKOFF_MAX_MS (5 * 60 * 1000)
#define SENDER_SWEEP_MS 1000         /* rows queued by other processes are seen within this */
#define SENDER_FATAL_PAUSE_MS 60000  /* pause after the platform refused the token */
#define SENDER_HOLD_FIRST_MS 1000    /* first wait before an outcome the database refused is written again */
#define SENDER_HOLD_MAX_MS 30000     /* longest such wait (doubling in between) */
#define CHECK_DELAY_WAITS 5          /* after a timeout, [bot] retry_first_ms this many times before checking */
#define CHECK_SCAN_MAX 50            /* message ids above the floor a check looks at */
#define CHECK_GAP 2                  /* ids in a row without a message that end a check */

typedef struct sender sender;

sender *sender_new(struct ev_loop *loop, http_client *http, db *d);
void sender_free(sender *s);

/* Rows marked as sending leave only once that commit is on disk (see
 * bot/durable.h); without this, as soon as it returns. */
void sender_set_durable(sender *s, durable *d);

/* The flush failed: rows waiting for it never leave (a restart checks
 * them, as after a crash). */
void sender_abandon_waiting(sender *s);

/* Registers a transport for rows of its platform (up to 4). */
void sender_add_transport(sender *s, transport *t);

/* Looks for due rows soon (after the current callback returns). */
void sender_kick(sender *s);

/* Stops taking new rows; done(arg) runs once nothing is in flight. */
void sender_drain(sender *s, void (*done)(void *arg), void *arg);

int sender_inflight(const sender *s);

/*
 * The sender's part of another module's transaction (the intake's, so the
 * replies a batch of updates queued leave with the batch's own fsync):
 * sender_claim() writes the answers that came in and marks the rows that
 * may leave now as sending, inside the open transaction;
 * sender_claim_end() is told whether that transaction committed, and then
 * lets the rows leave, or forgets them (they stay pending) and holds the
 * answers for a later commit.
 */
mb_status sender_claim(sender *s);
void sender_claim_end(sender *s, int committed);

typedef struct sender_stats {
    long sent, retried, failed, unknown, blocked;
    long checked_found, checked_resent;   /* delivery checks: found delivered / sent again */
    long commits;                         /* transactions that recorded outcomes or rows leaving */
} sender_stats;
const sender_stats *sender_get_stats(const sender *s);

#endif

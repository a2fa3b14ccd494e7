/*
 * The sender's insides, shared by bot/sender.c (choosing, rating and
 * launching rows) and bot/sender_held.c (the answers waiting for their
 * commit). Nothing else includes it.
 */
#ifndef MB_SENDER_INTERNAL_H
#define MB_SENDER_INTERNAL_H

#include "bot/durable.h"
#include "bot/sender.h"
#include "bot/sender_outcome.h"

#include <stdint.h>

#define TRANSPORTS_MAX 4

typedef struct chat_slot {
    int64_t chat_id;
    int8_t transport;      /* -1 = empty */
    int8_t inflight;
    int64_t next_ms;       /* earliest time the next message may go */
} chat_slot;

typedef struct bucket {
    double tokens;
    int64_t last_ms;
    int64_t paused_until;  /* after a fatal answer */
    /* When the last `window` requests left, oldest first from `at`: the
     * messengers count requests in any one-second window, which a bucket
     * alone overshoots at the edges of its burst. 0 = rate too high to
     * keep (tests). */
    int64_t *sent_at;
    int window, at;
} bucket;

typedef struct flight {
    sender *s;
    int tindex;
    outbox_row row;
    api_call call;
    int64_t candidate;   /* a delivery check: the message id asked about; 0 = a send */
    outcome out;         /* what the answer means, until it is committed */
    int holds_chat;      /* it keeps its chat's other rows waiting (all but button answers) */
    int64_t settled_at;  /* when its answer came (settled, not yet written) */
    int held_tries;      /* failed attempts to commit it */
    int64_t held_until;  /* the next attempt */
    struct flight *next_held;   /* in the held or the settled list */
    uint64_t mark;       /* marked as sending in a commit not yet on disk: leaves at this durable mark */
    struct flight *next_waiting;
} flight;

struct sender {
    struct ev_loop *loop;
    http_client *http;
    db *d;
    transport *transports[TRANSPORTS_MAX];
    bucket buckets[TRANSPORTS_MAX];
    int ntransports;
    chat_slot *slots;
    int used_slots;
    int inflight;
    int draining;
    void (*drained)(void *arg);
    void *drained_arg;
    ev_timer timer;
    sender_stats stats;
    /* Finished flights kept for the next rows (at most SENDER_INFLIGHT_MAX,
     * linked by next_waiting): a flight is several kilobytes, and
     * allocating and freeing one for every message cost more than
     * clearing it. */
    struct flight *spare;
    int nspare;
    flight *held;           /* answers whose outcome the database did not take yet */
    flight *settled;        /* answers come in since the last pass: written in its commit */
    flight *claimed[SENDER_BATCH];  /* rows marked inside the intake's transaction, to launch after it */
    int nclaimed;
    int claim_settled;      /* the settled answers were written in that transaction too */
    int claim_looked;       /* sender_claim chose from the due rows ... */
    int claim_more;         /* ... and more may be due than it read */
    int64_t claim_wake;     /* ... and a row held back by the rates may leave then */
    int claim_took_all;     /* a committed claim took every row due, in this loop iteration: */
    ev_tstamp claim_at;     /* the batch's kick that follows has nothing to look for */
    durable *dur;           /* NULL: a commit is on disk when it returns */
    flight *waiting, *waiting_tail;   /* marked as sending, waiting for their commit to reach the disk */
    int sending_failures;   /* passes in a row that could not mark rows as sending */
    int64_t sending_until;  /* and when the next may try */
};

/* In bot/sender.c. */
void snd_arm(sender *s, int64_t delay_ms);            /* a pass after delay_ms */
void snd_arm_within(sender *s, int64_t delay_ms);     /* a pass within delay_ms, a sooner one kept */
void snd_chat_busy(sender *s, const flight *f, int busy);
void snd_drop_flight(flight *f);                      /* frees f, its chat untouched */
void snd_free_flight(sender *s, flight *f);           /* frees f and lets its chat go */
void snd_finish_flight(sender *s, flight *f);         /* frees a flight that was in flight */

/* In bot/sender_held.c: an answer is settled (written by the next pass,
 * in one commit with the others) or, when the database refused that
 * commit, held and written again with back-off. */
void snd_settle(sender *s, flight *f);
mb_status snd_write_settled(sender *s);               /* into the open transaction */
int snd_settled_may_wait(sender *s, int64_t now, int64_t *wake);
void snd_end_settled(sender *s, int committed);
void snd_commit_settled(sender *s);                   /* commits a transaction of settled answers only */
void snd_retry_held(sender *s, int64_t now, int64_t *wake);
void snd_flush_held(sender *s);                       /* at shutdown */
const char *snd_storage_cause(sender *s);             /* the last storage failure, in words */

#endif

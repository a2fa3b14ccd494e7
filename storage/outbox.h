/*
 * The persistent outbox. Every message the bot sends is a row first, written
 * in the same transaction as the state change that caused it; the sender
 * (bot/sender.c) drains due rows and records each outcome.
 *
 * Row states: pending -> sending -> sent | failed. A row is marked sending
 * (committed) before its request leaves, so after a crash the rows still
 * "sending" are exactly those whose fate is unknown. Those, and rows whose
 * request timed out after it went out, become "checking": the sender asks
 * the platform whether the message arrived (see docs/reliability.md) and
 * the row ends sent, pending again (it did not arrive), or "unknown" when
 * that cannot be told. Rows being checked hold back the chat's later rows.
 */
#ifndef MB_OUTBOX_H
#define MB_OUTBOX_H

#include <stdint.h>

#include "storage/db.h"

#define OUTBOX_BODY_MAX (64 * 1024)   /* bytes of normalised JSON per row */

typedef struct outbox_row {
    int64_t id;
    char platform[8];
    int64_t chat_id;
    int64_t account_id;
    char kind[16];          /* text | edit | answer | document | photo */
    char *body;             /* malloc'd JSON; free with outbox_row_clear */
    int attempts;
    int64_t next_at;
    int checking;           /* state is "checking" */
    int64_t probe_floor;    /* highest message id in the chat when it went out; -1 = unknown */
    int64_t probe_next;     /* next message id to look at; 0 = probe_floor + 1 */
    int probe_misses;       /* ids in a row that held no message */
    int64_t platform_chat_id; /* checking: the platform's own id of the chat where it differs
                               * from chat_id (chat_marks; a MAX dialog's chat_id), else 0 */
} outbox_row;

mb_status outbox_enqueue(db *d, const char *platform, int64_t chat_id, int64_t account_id,
                         const char *kind, const char *body, int64_t *id_out);

/*
 * Fills rows[0..max) with due pending rows, oldest first, at most one per
 * chat and only the oldest unfinished row of each chat, so a chat's messages
 * leave in order. Only rows of the platforms listed (",tg,vk,": each name
 * between commas) are read, so rows no one can send now (a messenger not
 * served, or paused) never fill the places of those that can; NULL reads
 * every platform. Returns the count; each row's body must be cleared.
 * -1 (nothing to clear) when the rows cannot be read: not "nothing due".
 */
int outbox_due(db *d, int64_t now, outbox_row *rows, int max);
int outbox_due_for(db *d, int64_t now, const char *platforms, outbox_row *rows, int max);
void outbox_row_clear(outbox_row *r);

/* 1 when a later message of the row's chat waits for it to be finished
 * (the chat's line, outbox_due), 0 when none does, -1 when unreadable. */
int outbox_chat_waits(db *d, const outbox_row *row);

/* Earliest next_at of any pending row, or -1 when none. */
int64_t outbox_next_time(db *d);

mb_status outbox_mark_sending(db *d, int64_t id);
mb_status outbox_mark_sent(db *d, int64_t id, int64_t message_id);
/* Back to pending, due at next_at, keeping the last error for operators. */
mb_status outbox_mark_retry(db *d, int64_t id, int64_t next_at, int http_status, int error_code,
                            const char *error);
mb_status outbox_mark_failed(db *d, int64_t id, int http_status, int error_code, const char *error);
mb_status outbox_mark_unknown(db *d, int64_t id, const char *error);

/* The request's fate is unknown: check at next_at. */
mb_status outbox_mark_checking(db *d, int64_t id, int64_t next_at, const char *error);
/* Records how far a check got. */
mb_status outbox_mark_probe(db *d, int64_t id, int64_t probe_next, int misses, int64_t next_at);
/* A check found the message was not delivered: send it again, keeping its
 * place in the queue (next_at is left as it was). */
mb_status outbox_mark_undelivered(db *d, int64_t id);

/* Fails every pending row of a chat (the user blocked the bot). */
mb_status outbox_fail_chat(db *d, const char *platform, int64_t chat_id, const char *reason);

/* At start: rows left "sending" by a crash become "checking", keeping
 * their place in the queue (next_at). Returns how many. */
int outbox_recover(db *d);

/* Sends the rows given back to pending (operator's retry of unknown rows). */
mb_status outbox_requeue(db *d, int64_t id);

/* Count of rows in a state (for stats and tests). */
int64_t outbox_count(db *d, const char *state);

/* 1 when a message not yet delivered or refused carries the file at path. */
int outbox_file_in_use(db *d, const char *path);

#endif

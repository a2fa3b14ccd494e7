/*
 * The simulator's shared core, the part every simulated platform uses: one
 * lock over the whole simulated world, a condition variable for everything
 * that waits (long polls, sent-log waits, delayed answers), the fault
 * queue, the log of calls the bot made, rate limits and counters.
 *
 * Unless a comment says otherwise, every function here must be called with
 * the lock held (sim_lock). The platform modules (tg.c, later vk.c) keep
 * their own world under the same lock.
 */
#ifndef MB_SIM_STATE_H
#define MB_SIM_STATE_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#include "util/status.h"
#include "util/array.h"

#define SIM_SENT_LOG_MAX 200000   /* entries kept; the oldest half goes past it */
#define SIM_FAULTS_MAX 256        /* queued fault rules */
#define SIM_FAULT_DELAY_MAX_MS 120000
#define SIM_METHOD_NAME_MAX 64
#define SIM_LIMIT_WINDOW_MS 1000  /* the window rate limits count in */
#define SIM_LIMIT_MAX 100000      /* largest calls-per-second limit accepted */

/* Called once before the server starts (not under the lock). */
void sim_state_init(void);
/* Frees everything (not under the lock; no other thread may be running). */
void sim_state_free(void);

void sim_lock(void);
void sim_unlock(void);

/* Wakes every waiter; call after any change a waiter may care about. */
void sim_broadcast(void);

/* Releases the lock until a broadcast or until the monotonic time
 * deadline_ms, then takes it again. Waiters must re-check their condition. */
void sim_wait(int64_t deadline_ms);

/* Monotonic milliseconds, for waits and rate windows (not wall time). */
int64_t sim_mono_ms(void);

/* Marks the process as stopping and wakes every waiter. Lock not held. */
void sim_request_stop(void);
int sim_stopping(void);

/* Sleeps ms milliseconds, returning early when the process stops. Lock
 * NOT held. */
void sim_sleep_ms(int ms);

/* ---- growable arrays (no lock needed) ---- */

/* One more item in an array without a cap: array_grow (util/array.h), with
 * room for 64 items to start. */

/* Drops the first n of *len items of `item` bytes, moving the rest to the
 * front; the caller frees what the dropped items own first. */
void sim_array_drop_front(void *array, size_t *len, size_t n, size_t item);

/* Room for one more item in an array capped at max items: past max the
 * oldest half goes first. 0, or -1 when out of memory. */
int sim_array_room(void **array, size_t *len, size_t *cap, size_t max, size_t item);

/* Removes the item at index at, moving the later ones down. */
void sim_array_remove(void *array, size_t *len, size_t at, size_t item);

/* ---- faults ---- */

/* STATUS, DROP: the method is not performed. DELAY, DROP_AFTER, TRUNCATE:
 * it is performed, then answered late, not at all, or with a cut body. */
typedef enum sim_fault_kind { SIM_FAULT_STATUS, SIM_FAULT_DROP, SIM_FAULT_DELAY, SIM_FAULT_DROP_AFTER,
                              SIM_FAULT_TRUNCATE } sim_fault_kind;

typedef struct sim_fault {
    sim_fault_kind kind;
    char method[SIM_METHOD_NAME_MAX]; /* a method name or "*" */
    int status;                       /* SIM_FAULT_STATUS: the HTTP status */
    cJSON *body;                      /* SIM_FAULT_STATUS: the body, or NULL to build one */
    int retry_after;                  /* 429 without a body: parameters.retry_after */
    int delay_ms;                     /* SIM_FAULT_DELAY */
    int truncate;                     /* SIM_FAULT_TRUNCATE: bytes of the answer kept */
    int times;                        /* calls left */
} sim_fault;

/* Queues a copy of f (body duplicated). MB_ERR_LIMIT when the queue is full. */
mb_status sim_fault_add(const sim_fault *f);
void sim_fault_clear(void);
int sim_fault_count(void);

/* Takes one use of the first queued fault matching method. Returns 1 and
 * fills *out (out->body is a copy the caller deletes) or 0 when none. */
int sim_fault_take(const char *method, sim_fault *out);

/* The sent log's name for a fault that lets the method run ("delay",
 * "drop_after", "truncate"); NULL for the others. */
const char *sim_fault_performed_name(const sim_fault *f);

struct sim_reply;

/* What a fault that let the method run (performed: its name from
 * sim_fault_performed_name, NULL for none) still does to the answer:
 * drop_after loses it, truncate cuts it. */
void sim_fault_apply_performed(const sim_fault *f, const char *performed, struct sim_reply *reply);

/* ---- the log of calls the bot made ---- */

/* Appends one call and returns its sequence number. params and result are
 * copied (either may be NULL). error_code is 0 for a successful call.
 * fault names the fault applied ("status", "drop", "delay") or is NULL. */
long long sim_sent_record(const char *platform, const char *method, long long chat_id,
                          const cJSON *params, int ok, const cJSON *result, int error_code,
                          const char *description, const char *fault);

/* Adds the fields of the object `fields` (ownership taken) to the call
 * recorded as seq, for what a platform shows beyond the common fields. A
 * "chat_ids" array of numbers among them files a call to several
 * conversations under each of them, not only under its chat_id. Does
 * nothing (but free fields) when seq is no longer in the log. */
void sim_sent_extend(long long seq, cJSON *fields);

/* The calls of platform after sequence number `after`, optionally only to
 * chat_id (when has_chat), as a new JSON array the caller deletes; NULL on
 * allocation failure. */
cJSON *sim_sent_query(const char *platform, int has_chat, long long chat_id, long long after);

/* The sequence number of the newest call (0 when none yet). */
long long sim_sent_last_seq(void);

/* ---- rate limits ---- */

void sim_limits_set(int global_per_s, int per_chat_per_s);
void sim_limits_get(int *global_per_s, int *per_chat_per_s);

/* 0 when one more sending call to chat_id is allowed now, otherwise the
 * whole seconds (at least 1) until the window has room. */
int sim_limits_check(long long chat_id);

/* Counts one successful sending call to chat_id in the window. */
void sim_limits_note(long long chat_id);

/* ---- counters ---- */

void sim_stats_call(const char *method);
void sim_stats_error(int status);
void sim_stats_conflict(void);
void sim_stats_limit_violation(void);

/* Adds the core counters to obj. */
void sim_stats_add_json(cJSON *obj);

/* Forgets faults, limits, the sent log, kept files (files.h) and counters.
 * Sequence numbers keep growing so a client holding an old `after` never
 * misses new calls. */
void sim_state_reset(void);

#endif

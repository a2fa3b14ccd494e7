/*
 * The pace of a poller: one timer that runs the next step now, later, or
 * after a back-off that doubles with each failure in a row (1 s, 2 s, 4 s
 * ... up to a ceiling) and resets on success. The Telegram and VK pollers
 * share it.
 */
#ifndef MB_PACER_H
#define MB_PACER_H

#include <ev.h>

typedef struct pacer {
    ev_timer timer;          /* first: the callback finds the pacer from it */
    struct ev_loop *loop;
    double backoff_s;        /* the last wait after a failure; 0 after a success */
    double max_s;
    long failures;           /* failures counted since start */
    void (*step)(void *arg);
    void *arg;
} pacer;

void pacer_init(pacer *p, struct ev_loop *loop, double max_s, void (*step)(void *arg), void *arg);

/* The first wait after a failure, for every pacer and for the outbox's
 * retries ([bot] retry_first_ms, 1000 by default); set once at start. */
void pacer_set_first_wait_ms(int ms);
int pacer_first_wait_ms(void);
/* Runs the step after seconds (replacing any pending run). */
void pacer_later(pacer *p, double seconds);
/* Counts a failure and runs the step after the next back-off. */
void pacer_fail(pacer *p);
/* A success: the next failure starts the back-off from 1 s again. */
void pacer_ok(pacer *p);
void pacer_stop(pacer *p);

#endif

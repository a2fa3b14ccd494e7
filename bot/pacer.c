#include "bot/pacer.h"

static int first_wait_ms = 1000;

void pacer_set_first_wait_ms(int ms) { first_wait_ms = ms > 0 ? ms : 1000; }

int pacer_first_wait_ms(void) { return first_wait_ms; }

static void on_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
    pacer *p = (pacer *)w;
    p->step(p->arg);
}

void pacer_init(pacer *p, struct ev_loop *loop, double max_s, void (*step)(void *arg), void *arg)
{
    ev_timer_init(&p->timer, on_timer, 0., 0.);
    p->loop = loop;
    p->backoff_s = 0;
    p->max_s = max_s;
    p->failures = 0;
    p->step = step;
    p->arg = arg;
}

void pacer_later(pacer *p, double seconds)
{
    ev_timer_stop(p->loop, &p->timer);
    ev_timer_set(&p->timer, seconds, 0.);
    ev_timer_start(p->loop, &p->timer);
}

void pacer_fail(pacer *p)
{
    p->backoff_s = p->backoff_s <= 0 ? first_wait_ms / 1000.0 : p->backoff_s * 2;
    if (p->backoff_s > p->max_s) p->backoff_s = p->max_s;
    p->failures++;
    pacer_later(p, p->backoff_s);
}

void pacer_ok(pacer *p) { p->backoff_s = 0; }

void pacer_stop(pacer *p) { ev_timer_stop(p->loop, &p->timer); }

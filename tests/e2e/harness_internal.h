/*
 * What the parts of the e2e harness share: tests/e2e/harness.c (the
 * simulator and bot processes), tests/e2e/harness_http.c (HTTP to the
 * simulator, its sent log, the Telegram conversation helpers) and the VK and
 * MAX helpers (harness_vk.c, harness_max.c). Tests include only
 * tests/e2e/harness.h.
 */
#ifndef MB_E2E_HARNESS_INTERNAL_H
#define MB_E2E_HARNESS_INTERNAL_H

#include "tests/e2e/harness.h"

#define HARNESS_PATH_MAX 2048 /* bytes of a binary, log or URL path */

/* Sleeps ms milliseconds, resuming after signals. */
void harness_sleep_ms(int ms);

/* curl_global_init once per process (cleanup at exit); called before the
 * first request, while the test is still single-threaded. */
void harness_curl_init(void);

/* The simulator's sent log of one messenger after seq after: GET
 * /sim/<platform>/sent, for one chat when who (the query's who_param) is
 * not 0, waiting up to wait_ms for a first call; the array of calls, or
 * NULL when the simulator did not answer. */
struct cJSON *harness_sent_calls(sim_proc *s, const char *platform, const char *who_param, long long who,
                                 long long after, int wait_ms);

/* Reads the sent log from *seq on until a call matches (match(call, arg)),
 * moving *seq past every call read; the call (the caller frees it), or
 * NULL after timeout_ms. */
struct cJSON *harness_wait_sent(sim_proc *s, const char *platform, const char *who_param, long long who,
                                long long *seq, int timeout_ms, int (*match)(const struct cJSON *call, const void *arg),
                                const void *arg);

#endif

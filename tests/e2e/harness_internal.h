/*
 * What the two halves of the e2e harness share: tests/e2e/harness.c (the
 * simulator and bot processes) and tests/e2e/harness_http.c (HTTP to the
 * simulator and the Telegram conversation helpers). Tests include only
 * tests/e2e/harness.h.
 */
#ifndef MB_E2E_HARNESS_INTERNAL_H
#define MB_E2E_HARNESS_INTERNAL_H

#define HARNESS_PATH_MAX 2048 /* bytes of a binary, log or URL path */

/* Sleeps ms milliseconds, resuming after signals. */
void harness_sleep_ms(int ms);

/* curl_global_init once per process (cleanup at exit); called before the
 * first request, while the test is still single-threaded. */
void harness_curl_init(void);

#endif

/*
 * The simulated MAX's webhook delivery: after POST /max/subscriptions, a
 * thread POSTs every new update (of the subscribed types) to the URL, one
 * a request, with X-Max-Bot-Api-Secret when a secret was given, and
 * repeats it every 100 ms until the bot answers 200, as MAX repeats an
 * update until it is acknowledged.
 */
#ifndef MB_SIM_MAX_WEBHOOK_H
#define MB_SIM_MAX_WEBHOOK_H

#include <cjson/cJSON.h>

#define MAX_SIM_WEBHOOK_URL_MAX 512
#define MAX_SIM_WEBHOOK_RETRY_MS 100

/* Subscribes url with secret ("" = none) for types (an array of names,
 * copied; NULL = all), from the next update on; starts the delivery thread
 * the first time. 0, or -1 when the thread cannot start. Lock held. */
int max_sim_webhook_subscribe(const char *url, const char *secret, const cJSON *types);

/* Forgets the subscription (a reset). Lock held. */
void max_sim_webhook_reset(void);

/* Stops the delivery thread. Lock not held. */
void max_sim_webhook_stop(void);

/* Deliveries answered 200, and attempts that were not. Lock held. */
void max_sim_webhook_counts(long long *delivered, long long *refused);

#endif

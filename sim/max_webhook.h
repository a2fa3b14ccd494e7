/*
 * The simulated MAX's webhook subscriptions and their delivery. After
 * POST /max/subscriptions a thread POSTs every new update (of the
 * subscribed types) to the URL, one a request, with X-Max-Bot-Api-Secret
 * when a secret was given, and repeats it every 100 ms until the bot
 * answers 200, as MAX repeats an update until it is acknowledged.
 *
 * A bot may hold several subscriptions (GET /subscriptions lists them,
 * DELETE /subscriptions?url= removes one): each gets every update, with a
 * cursor of its own, and a removed one gets nothing more. https:// URLs
 * are delivered to with the certificate checked against the system's
 * authorities, or against the file named by --max-webhook-ca (a test CA
 * or a test's self-signed certificate); verification is never turned off.
 */
#ifndef MB_SIM_MAX_WEBHOOK_H
#define MB_SIM_MAX_WEBHOOK_H

#include <cjson/cJSON.h>

#define MAX_SIM_WEBHOOK_URL_MAX 512
#define MAX_SIM_WEBHOOK_RETRY_MS 100
#define MAX_SIM_SUBSCRIPTIONS_MAX 4     /* subscriptions one bot may hold here */
#define MAX_SIM_CA_PATH_MAX 1024

/* The CA file to check https:// webhooks against (NULL: the system's).
 * 0, or -1 when the path is too long or the file cannot be read. Before
 * the server starts; lock not held. */
int max_sim_webhook_set_ca(const char *path);

/* Subscribes url with secret ("" = none) for types (an array of names,
 * copied; NULL = all), from the next update on; a subscription to the
 * same url is replaced. Starts the delivery thread the first time. 0; -1
 * when the thread cannot start; -2 when MAX_SIM_SUBSCRIPTIONS_MAX are held.
 * Lock held. */
int max_sim_webhook_subscribe(const char *url, const char *secret, const cJSON *types);

/* Removes the subscription to url: nothing more is delivered there. 0, or
 * -1 when there is none. Lock held. */
int max_sim_webhook_unsubscribe(const char *url);

/* GetSubscriptionsResult {"subscriptions":[{"url","time","update_types"}]}
 * (caller deletes). Lock held. */
cJSON *max_sim_webhook_list(void);

/* How many subscriptions are held: while any is, long polling hands out
 * nothing, as MAX. Lock held. */
int max_sim_webhook_active(void);

/* Forgets the subscriptions (a reset). Lock held. */
void max_sim_webhook_reset(void);

/* Stops the delivery thread. Lock not held. */
void max_sim_webhook_stop(void);

/* Deliveries answered 200, and attempts that were not. Lock held. */
void max_sim_webhook_counts(long long *delivered, long long *refused);

#endif

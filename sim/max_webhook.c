#include "sim/max_webhook.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/max_world.h"
#include "sim/state.h"

static struct {
    int subscribed;
    char url[MAX_SIM_WEBHOOK_URL_MAX];
    char secret[300];
    cJSON *types;
    long long next;           /* the number of the next update to deliver */
    long long delivered, refused;
    int running, stop;
    pthread_t thread;
} hook;

static size_t discard(char *data, size_t size, size_t n, void *arg) { return size * n; }

/* One POST of body; the HTTP status, 0 without an answer. Lock not held. */
static long post(const char *url, const char *secret, const char *body)
{
    CURL *curl = curl_easy_init();
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json");
    char line[400];
    long status = 0;
    if (secret[0]) {
        snprintf(line, sizeof line, "X-Max-Bot-Api-Secret: %s", secret);
        headers = curl_slist_append(headers, line);
    }
    if (curl && headers) {
        curl_easy_setopt(curl, CURLOPT_URL, url);
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 10000L);
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return status;
}

static void *deliver(void *arg)
{
    sim_lock();
    while (!hook.stop && !sim_stopping()) {
        if (!hook.subscribed || hook.next >= max_sim.next_update) {
            sim_wait(sim_mono_ms() + 1000);
            continue;
        }
        long long after = hook.next;
        cJSON *one = max_updates_from(hook.next, 1, hook.types, &after);
        char *body = cJSON_GetArraySize(one) ? cJSON_PrintUnformatted(cJSON_GetArrayItem(one, 0)) : NULL;
        cJSON_Delete(one);
        if (!body) {               /* passed over by the types, or gone */
            hook.next = after > hook.next ? after : hook.next + 1;
            continue;
        }
        char url[MAX_SIM_WEBHOOK_URL_MAX], secret[sizeof hook.secret];
        snprintf(url, sizeof url, "%s", hook.url);
        snprintf(secret, sizeof secret, "%s", hook.secret);
        sim_unlock();
        long status = post(url, secret, body);
        free(body);
        sim_lock();
        if (status == 200) {
            hook.delivered++;
            max_sim.updates_delivered++;
            if (hook.next < after) hook.next = after;
        } else {
            hook.refused++;
            sim_wait(sim_mono_ms() + MAX_SIM_WEBHOOK_RETRY_MS);
        }
    }
    sim_unlock();
    return NULL;
}

int max_sim_webhook_subscribe(const char *url, const char *secret, const cJSON *types)
{
    snprintf(hook.url, sizeof hook.url, "%s", url);
    snprintf(hook.secret, sizeof hook.secret, "%s", secret ? secret : "");
    cJSON_Delete(hook.types);
    hook.types = types ? cJSON_Duplicate(types, 1) : NULL;
    hook.next = max_sim.next_update;
    hook.subscribed = 1;
    if (!hook.running) {
        hook.stop = 0;
        if (pthread_create(&hook.thread, NULL, deliver, NULL) != 0) return -1;
        hook.running = 1;
    }
    sim_broadcast();
    return 0;
}

void max_sim_webhook_reset(void)
{
    hook.subscribed = 0;
    cJSON_Delete(hook.types);
    hook.types = NULL;
    hook.delivered = hook.refused = 0;
}

void max_sim_webhook_stop(void)
{
    sim_lock();
    int running = hook.running;
    hook.stop = 1;
    hook.running = 0;
    sim_broadcast();
    sim_unlock();
    if (running) pthread_join(hook.thread, NULL);
    sim_lock();
    max_sim_webhook_reset();
    sim_unlock();
}

void max_sim_webhook_counts(long long *delivered, long long *refused)
{
    *delivered = hook.delivered;
    *refused = hook.refused;
}

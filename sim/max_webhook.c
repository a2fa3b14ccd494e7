#include "sim/max_webhook.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/max_world.h"
#include "sim/state.h"
#include "util/clock.h"

typedef struct subscription {
    long long id;             /* 0: a free slot */
    char url[MAX_SIM_WEBHOOK_URL_MAX];
    char secret[300];
    cJSON *types;             /* NULL: every type */
    long long time_ms;        /* when it was made */
    long long next;           /* the number of the next update to deliver */
    int64_t retry_at;         /* monotonic ms before which a refused one waits */
} subscription;

static struct {
    subscription subs[MAX_SIM_SUBSCRIPTIONS_MAX];
    long long last_id;
    char ca[MAX_SIM_CA_PATH_MAX];   /* "" = the system's authorities */
    long long delivered, refused;
    int running, stop;
    pthread_t thread;
} hook;

static size_t discard(char *data, size_t size, size_t n, void *arg) { return size * n; }

int max_sim_webhook_set_ca(const char *path)
{
    if (!path || strlen(path) >= sizeof hook.ca || access(path, R_OK) != 0) return -1;
    snprintf(hook.ca, sizeof hook.ca, "%s", path);
    return 0;
}

/* One POST of body; the HTTP status, 0 without an answer. Lock not held. */
static long post(const char *url, const char *secret, const char *ca, const char *body)
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
        /* MAX checks the endpoint's certificate; so does the simulator,
         * against the test CA when one is named. */
        if (ca[0]) curl_easy_setopt(curl, CURLOPT_CAINFO, ca);
        if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    }
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    return status;
}

static subscription *find_id(long long id)
{
    for (int i = 0; i < MAX_SIM_SUBSCRIPTIONS_MAX; i++)
        if (id && hook.subs[i].id == id) return &hook.subs[i];
    return NULL;
}

/* A subscription with an update to deliver now, else NULL with *wake the
 * monotonic time to look again. Lock held. */
static subscription *due(int64_t now, int64_t *wake)
{
    *wake = now + 1000;
    for (int i = 0; i < MAX_SIM_SUBSCRIPTIONS_MAX; i++) {
        subscription *s = &hook.subs[i];
        if (!s->id || s->next >= max_sim.next_update) continue;
        if (s->retry_at <= now) return s;
        if (s->retry_at < *wake) *wake = s->retry_at;
    }
    return NULL;
}

static void *deliver(void *arg)
{
    sim_lock();
    while (!hook.stop && !sim_stopping()) {
        int64_t wake;
        subscription *s = due(sim_mono_ms(), &wake);
        if (!s) {
            sim_wait(wake);
            continue;
        }
        long long after = s->next;
        cJSON *one = max_updates_from(s->next, 1, s->types, &after);
        char *body = cJSON_GetArraySize(one) ? cJSON_PrintUnformatted(cJSON_GetArrayItem(one, 0)) : NULL;
        cJSON_Delete(one);
        if (!body) {               /* passed over by the types, or gone */
            s->next = after > s->next ? after : s->next + 1;
            continue;
        }
        long long id = s->id;
        char url[MAX_SIM_WEBHOOK_URL_MAX], secret[sizeof s->secret], ca[sizeof hook.ca];
        snprintf(url, sizeof url, "%s", s->url);
        snprintf(secret, sizeof secret, "%s", s->secret);
        snprintf(ca, sizeof ca, "%s", hook.ca);
        sim_unlock();
        long status = post(url, secret, ca, body);
        free(body);
        sim_lock();
        s = find_id(id);           /* removed or replaced meanwhile: nothing more to it */
        if (status == 200) {
            hook.delivered++;
            max_sim.updates_delivered++;
            if (s && s->next < after) s->next = after;
        } else {
            hook.refused++;
            if (s) s->retry_at = sim_mono_ms() + MAX_SIM_WEBHOOK_RETRY_MS;
        }
    }
    sim_unlock();
    return NULL;
}

static void clear(subscription *s)
{
    cJSON_Delete(s->types);
    memset(s, 0, sizeof *s);
}

int max_sim_webhook_subscribe(const char *url, const char *secret, const cJSON *types)
{
    subscription *s = NULL;
    for (int i = 0; i < MAX_SIM_SUBSCRIPTIONS_MAX && !s; i++)
        if (hook.subs[i].id && strcmp(hook.subs[i].url, url) == 0) s = &hook.subs[i];
    for (int i = 0; i < MAX_SIM_SUBSCRIPTIONS_MAX && !s; i++)
        if (!hook.subs[i].id) s = &hook.subs[i];
    if (!s) return -2;
    clear(s);
    s->id = ++hook.last_id;
    snprintf(s->url, sizeof s->url, "%s", url);
    snprintf(s->secret, sizeof s->secret, "%s", secret ? secret : "");
    s->types = types ? cJSON_Duplicate(types, 1) : NULL;
    s->time_ms = clock_now_ms();
    s->next = max_sim.next_update;
    if (!hook.running) {
        hook.stop = 0;
        if (pthread_create(&hook.thread, NULL, deliver, NULL) != 0) {
            clear(s);
            return -1;
        }
        hook.running = 1;
    }
    sim_broadcast();
    return 0;
}

int max_sim_webhook_unsubscribe(const char *url)
{
    for (int i = 0; i < MAX_SIM_SUBSCRIPTIONS_MAX; i++) {
        if (hook.subs[i].id && url && strcmp(hook.subs[i].url, url) == 0) {
            clear(&hook.subs[i]);
            sim_broadcast();   /* a long poll held meanwhile may hand out updates now */
            return 0;
        }
    }
    return -1;
}

cJSON *max_sim_webhook_list(void)
{
    cJSON *json = cJSON_CreateObject(), *list = cJSON_AddArrayToObject(json, "subscriptions");
    for (int i = 0; i < MAX_SIM_SUBSCRIPTIONS_MAX; i++) {
        const subscription *s = &hook.subs[i];
        if (!s->id) continue;
        cJSON *item = cJSON_CreateObject();
        cJSON_AddStringToObject(item, "url", s->url);
        cJSON_AddNumberToObject(item, "time", (double)s->time_ms);
        cJSON_AddItemToObject(item, "update_types", s->types ? cJSON_Duplicate(s->types, 1) : cJSON_CreateNull());
        cJSON_AddItemToArray(list, item);
    }
    return json;
}

int max_sim_webhook_active(void)
{
    int n = 0;
    for (int i = 0; i < MAX_SIM_SUBSCRIPTIONS_MAX; i++) n += hook.subs[i].id != 0;
    return n;
}

void max_sim_webhook_reset(void)
{
    for (int i = 0; i < MAX_SIM_SUBSCRIPTIONS_MAX; i++) clear(&hook.subs[i]);
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

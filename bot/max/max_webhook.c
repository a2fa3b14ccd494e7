#include "bot/max/max_webhook.h"
#include "bot/max/max_parse.h"
#include "bot/max/max_tls.h"
#include "util/log.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One request, owned by its libmicrohttpd connection; the loop answers it
 * through status and answered, under the webhook's lock. */
typedef struct hook_request {
    char *body;
    size_t len, cap;
    int too_large;
    int status;
    int answered;
    uint64_t mark;                /* the durable mark its 200 waits for */
    struct hook_request *next;    /* in the queue to the loop, or the durable wait */
} hook_request;

struct max_webhook {
    struct MHD_Daemon *mhd;
    struct ev_loop *loop;
    ev_async async;
    db *d;
    const bot_env *env;
    const config *cfg;
    max_hooks hooks;
    pthread_mutex_t lock;
    pthread_cond_t answered;
    hook_request *queue;          /* handed to the loop, newest first */
    hook_request *waiting;        /* applied, waiting for the disk (the loop's) */
    int stopping;
    max_tls_pem tls;              /* certificate and key while the daemon serves HTTPS */
};

static void answer(max_webhook *w, hook_request *r, int status)
{
    pthread_mutex_lock(&w->lock);
    r->status = status;
    r->answered = 1;
    pthread_cond_broadcast(&w->answered);
    pthread_mutex_unlock(&w->lock);
}

/* Applies one body on the loop; the status to answer (0: wait for the disk). */
static int apply(max_webhook *w, hook_request *r)
{
    cJSON *update = NULL;
    char why[160];
    if (max_parse_webhook(r->body ? r->body : "", r->len, &update, why, sizeof why)) {
        log_warn("max", "a webhook request was not an update (%s); answered 400", why);
        return MHD_HTTP_BAD_REQUEST;
    }
    cJSON *list = cJSON_CreateArray();
    if (!list) {
        cJSON_Delete(update);
        return MHD_HTTP_SERVICE_UNAVAILABLE;
    }
    cJSON_AddItemToArray(list, update);
    intake_stats st = {0};
    int unreadable = 0;
    mb_status rc = max_apply_updates(w->d, w->env, list, 0, 0, &st, &unreadable);
    cJSON_Delete(list);
    if (rc) {
        log_warn("max", "a webhook update could not be stored (%s); answered 503, MAX delivers it again",
                 mb_status_str(rc));
        return MHD_HTTP_SERVICE_UNAVAILABLE;
    }
    if (st.handled + st.failed && w->hooks.batch_committed) w->hooks.batch_committed(w->hooks.arg);
    r->mark = durable_mark(w->hooks.durable);
    return durable_reached(w->hooks.durable, r->mark) ? MHD_HTTP_OK : 0;
}

static void on_async(struct ev_loop *loop, ev_async *a, int revents)
{
    max_webhook *w = a->data;
    pthread_mutex_lock(&w->lock);
    hook_request *list = w->queue;
    w->queue = NULL;
    pthread_mutex_unlock(&w->lock);
    /* oldest first, as MAX sent them */
    hook_request *ordered = NULL;
    while (list) {
        hook_request *next = list->next;
        list->next = ordered;
        ordered = list;
        list = next;
    }
    while (ordered) {
        hook_request *r = ordered;
        ordered = r->next;
        int status = apply(w, r);
        if (status) {
            answer(w, r, status);
        } else {
            r->next = w->waiting;
            w->waiting = r;
        }
    }
}

void max_webhook_on_durable(max_webhook *w)
{
    if (!w) return;
    hook_request **p = &w->waiting;
    while (*p) {
        hook_request *r = *p;
        if (durable_reached(w->hooks.durable, r->mark)) {
            *p = r->next;
            answer(w, r, MHD_HTTP_OK);
        } else {
            p = &r->next;
        }
    }
}

/* Hands r to the loop and waits for its answer (on a libmicrohttpd thread). */
static int hand_over(max_webhook *w, hook_request *r)
{
    pthread_mutex_lock(&w->lock);
    if (w->stopping) {
        pthread_mutex_unlock(&w->lock);
        return MHD_HTTP_SERVICE_UNAVAILABLE;
    }
    r->next = w->queue;
    w->queue = r;
    pthread_mutex_unlock(&w->lock);
    ev_async_send(w->loop, &w->async);
    pthread_mutex_lock(&w->lock);
    while (!r->answered) pthread_cond_wait(&w->answered, &w->lock);
    int status = r->status;
    pthread_mutex_unlock(&w->lock);
    return status;
}

static enum MHD_Result respond(struct MHD_Connection *c, int status)
{
    static const char ok[] = "{\"success\":true}";
    struct MHD_Response *resp = status == MHD_HTTP_OK
        ? MHD_create_response_from_buffer(sizeof ok - 1, (void *)ok, MHD_RESPMEM_PERSISTENT)
        : MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (!resp) return MHD_NO;
    MHD_add_response_header(resp, "Content-Type", "application/json");
    enum MHD_Result rc = MHD_queue_response(c, (unsigned)status, resp);
    MHD_destroy_response(resp);
    return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_size, void **con_cls)
{
    max_webhook *w = cls;
    hook_request *r = *con_cls;
    if (!r) {
        r = calloc(1, sizeof *r);
        if (!r) return MHD_NO;
        *con_cls = r;
        return MHD_YES;
    }
    if (*upload_size) {
        if (r->too_large || r->len + *upload_size > MAX_API_BODY_MAX) {
            r->too_large = 1;
        } else {
            if (r->len + *upload_size + 1 > r->cap) {
                size_t cap = r->cap ? r->cap : 4096;
                while (cap < r->len + *upload_size + 1) cap *= 2;
                char *grown = realloc(r->body, cap);
                if (!grown) return MHD_NO;
                r->body = grown;
                r->cap = cap;
            }
            memcpy(r->body + r->len, upload_data, *upload_size);
            r->len += *upload_size;
            r->body[r->len] = 0;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    const char *secret = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Max-Bot-Api-Secret");
    int status;
    if (strcmp(method, "POST") != 0) {
        status = MHD_HTTP_METHOD_NOT_ALLOWED;
    } else if (!max_webhook_secret_matches(w->cfg->max_webhook_secret, secret)) {
        log_warn("max", "a webhook request without the subscription's secret was refused (403)");
        status = MHD_HTTP_FORBIDDEN;
    } else if (r->too_large) {
        log_warn("max", "a webhook request over %u bytes was refused (413)", (unsigned)MAX_API_BODY_MAX);
        status = MHD_HTTP_CONTENT_TOO_LARGE;
    } else {
        status = hand_over(w, r);
    }
    return respond(c, status);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    hook_request *r = *con_cls;
    if (r) {
        free(r->body);
        free(r);
    }
    *con_cls = NULL;
}

static int address_read(const char *listen, struct sockaddr_in *sa)
{
    char host[64];
    const char *colon = strrchr(listen, ':');
    if (!colon || (size_t)(colon - listen) >= sizeof host) return -1;
    snprintf(host, sizeof host, "%.*s", (int)(colon - listen), listen);
    long port = strtol(colon + 1, NULL, 10);
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)port);
    return port > 0 && port < 65536 && inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

max_webhook *max_webhook_new(struct ev_loop *loop, db *d, const bot_env *env, const config *cfg, max_hooks hooks,
                             char *why, size_t why_size)
{
    struct sockaddr_in sa;
    if (address_read(cfg->max_webhook_listen, &sa)) {
        snprintf(why, why_size, "[max] webhook_listen \"%s\" is not an IPv4 host:port", cfg->max_webhook_listen);
        return NULL;
    }
    max_webhook *w = calloc(1, sizeof *w);
    if (!w) {
        snprintf(why, why_size, "out of memory");
        return NULL;
    }
    w->loop = loop;
    w->d = d;
    w->env = env;
    w->cfg = cfg;
    w->hooks = hooks;
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->answered, NULL);
    ev_async_init(&w->async, on_async);
    w->async.data = w;
    ev_async_start(loop, &w->async);
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD;
    if (cfg->max_webhook_cert[0]) {
        if (!max_tls_supported()) {
            snprintf(why, why_size, "[max] webhook_cert is set but this libmicrohttpd cannot serve HTTPS");
            max_webhook_free(w);
            return NULL;
        }
        if (max_tls_load(cfg->max_webhook_cert, cfg->max_webhook_key, &w->tls, why, why_size)) {
            max_webhook_free(w);
            return NULL;
        }
        flags |= MHD_USE_TLS;
    }
    /* Without a certificate the key and cert options are not given at all
     * (libmicrohttpd reads them only with MHD_USE_TLS). */
    w->mhd = w->tls.cert
        ? MHD_start_daemon(flags, 0, NULL, NULL, on_request, w, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                           MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_CONNECTION_LIMIT,
                           (unsigned)MAX_WEBHOOK_CONNECTIONS, MHD_OPTION_CONNECTION_TIMEOUT, 60u,
                           MHD_OPTION_HTTPS_MEM_KEY, w->tls.key, MHD_OPTION_HTTPS_MEM_CERT, w->tls.cert,
                           MHD_OPTION_END)
        : MHD_start_daemon(flags, 0, NULL, NULL, on_request, w, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
                           MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_CONNECTION_LIMIT,
                           (unsigned)MAX_WEBHOOK_CONNECTIONS, MHD_OPTION_CONNECTION_TIMEOUT, 60u, MHD_OPTION_END);
    if (!w->mhd) {
        snprintf(why, why_size, "cannot listen on %s for MAX's webhook%s", cfg->max_webhook_listen,
                 w->tls.cert ? " (or the TLS library refused webhook_cert and webhook_key)" : "");
        max_webhook_free(w);
        return NULL;
    }
    if (w->tls.cert)
        log_info("max", "webhook endpoint listening on %s over HTTPS (certificate %s)", cfg->max_webhook_listen,
                 cfg->max_webhook_cert);
    else
        log_info("max", "webhook endpoint listening on %s over plain HTTP: TLS is expected from a proxy in front "
                 "of it (MAX posts only to https:// on port 443; set [max] webhook_cert and webhook_key to serve "
                 "HTTPS here)", cfg->max_webhook_listen);
    return w;
}

void max_webhook_free(max_webhook *w)
{
    if (!w) return;
    pthread_mutex_lock(&w->lock);
    w->stopping = 1;
    hook_request *queued = w->queue;
    w->queue = NULL;
    pthread_mutex_unlock(&w->lock);
    /* Nothing waiting is answered 200: MAX delivers those again. */
    for (hook_request *r = queued, *next; r; r = next) {
        next = r->next;
        answer(w, r, MHD_HTTP_SERVICE_UNAVAILABLE);
    }
    for (hook_request *r = w->waiting, *next; r; r = next) {
        next = r->next;
        answer(w, r, MHD_HTTP_SERVICE_UNAVAILABLE);
    }
    w->waiting = NULL;
    if (w->mhd) MHD_stop_daemon(w->mhd);
    max_tls_pem_free(&w->tls);
    ev_async_stop(w->loop, &w->async);
    pthread_cond_destroy(&w->answered);
    pthread_mutex_destroy(&w->lock);
    free(w);
}

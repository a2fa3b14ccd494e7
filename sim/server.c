#include "sim/server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim/control.h"
#include "sim/max.h"
#include "sim/params.h"
#include "sim/state.h"
#include "sim/tg.h"
#include "sim/vk.h"
#include "util/log.h"
#include "util/strbuf.h"

#define SIM_CONNECTIONS_MAX 1000
#define SIM_IDLE_TIMEOUT_S 120
#define SIM_STOP_GRACE_MS 2000 /* for answers under way when the process stops */

typedef struct request_ctx {
    strbuf body;
    int too_large;
    int64_t started_ms;
} request_ctx;

static struct MHD_Daemon *daemon_handle;
static char listen_address[SIM_LISTEN_MAX + INET_ADDRSTRLEN]; /* "HOST:PORT" once started */
static _Atomic int requests_in_flight; /* from the first header to the answer sent */

void sim_reply_json(sim_reply *reply, int status, cJSON *json)
{
    free(reply->body);
    reply->status = status;
    reply->content_type = NULL;
    reply->body = json ? cJSON_PrintUnformatted(json) : NULL;
    if (!reply->body) {
        reply->status = 500;
        reply->body = strdup("{\"error\":\"out of memory\"}");
    }
    reply->body_len = reply->body ? strlen(reply->body) : 0;
    cJSON_Delete(json);
}

void sim_reply_error(sim_reply *reply, int status, const char *message)
{
    cJSON *json = cJSON_CreateObject();
    cJSON_AddStringToObject(json, "error", message);
    sim_reply_json(reply, status, json);
}

void sim_reply_bytes(sim_reply *reply, const char *data, size_t len)
{
    free(reply->body);
    /* One byte more so an empty file is still a non-NULL body. */
    reply->body = malloc(len + 1);
    if (!reply->body) {
        sim_reply_error(reply, 500, "out of memory");
        return;
    }
    if (len) memcpy(reply->body, data, len);
    reply->status = 200;
    reply->body_len = len;
    reply->content_type = "application/octet-stream";
}

static enum MHD_Result add_query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value)
{
    cJSON *params = cls;
    if (key && cJSON_GetArraySize(params) < SIM_PARAMS_MAX && strlen(key) <= SIM_PARAM_NAME_MAX)
        sim_params_set_string(params, key, value ? value : "", value ? strlen(value) : 0);
    return MHD_YES;
}

/* The path part that names a Telegram method: "/bot<token>/<method>". */
static const char *bot_method(const char *path)
{
    if (strncmp(path, "/bot", 4) != 0) return NULL;
    const char *slash = strchr(path + 4, '/');
    return slash && slash[1] && !strchr(slash + 1, '/') ? slash + 1 : NULL;
}

/* The path part that names a VK method: "/method/<name>" (maybe empty). */
static const char *vk_method(const char *path)
{
    size_t n = strlen(VK_METHOD_PREFIX);
    if (strncmp(path, VK_METHOD_PREFIX, n) != 0 || strchr(path + n, '/')) return NULL;
    return path + n;
}

static void route(const sim_request *req, sim_reply *reply)
{
    const char *method = bot_method(req->path);
    const char *vk_name = vk_method(req->path);
    if (method) {
        tg_bot_api(req, method, reply);
    } else if (vk_name) {
        vk_method_api(req, vk_name, reply);
    } else if (strcmp(req->path, VK_LONG_POLL_PATH) == 0) {
        vk_long_poll(req, reply);
    } else if (strncmp(req->path, VK_UPLOAD_PATH "/", strlen(VK_UPLOAD_PATH) + 1) == 0) {
        vk_upload(req, req->path + strlen(VK_UPLOAD_PATH) + 1, reply);
    } else if (strncmp(req->path, MAX_SIM_API_PREFIX "/", strlen(MAX_SIM_API_PREFIX) + 1) == 0) {
        max_sim_api(req, req->path + strlen(MAX_SIM_API_PREFIX), reply);
    } else if (strncmp(req->path, MAX_SIM_UPLOAD_PATH "/", strlen(MAX_SIM_UPLOAD_PATH) + 1) == 0) {
        max_sim_upload(req, req->path + strlen(MAX_SIM_UPLOAD_PATH) + 1, reply);
    } else if (strncmp(req->path, "/sim/", 5) == 0) {
        sim_control(req, reply);
    } else if (strncmp(req->path, "/bot", 4) == 0) {
        tg_not_found(reply);
    } else {
        sim_reply_error(reply, 404, "not found");
    }
}

static enum MHD_Result send_reply(struct MHD_Connection *conn, sim_reply *reply)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(
        reply->body_len, reply->body ? reply->body : (char *)"", 
        reply->body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (!resp) return MHD_NO;
    reply->body = NULL; /* the response owns it now */
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                            reply->content_type ? reply->content_type : "application/json");
    enum MHD_Result rc = MHD_queue_response(conn, (unsigned)reply->status, resp);
    MHD_destroy_response(resp);
    return rc;
}

static void log_request(const char *verb, const char *path, int status, int64_t started)
{
    if (log_get_level() > LOG_DEBUG) return;
    /* The token is any text the bot chose; keep it out of the log. */
    const char *method = bot_method(path);
    double ms = (double)(sim_mono_ms() - started);
    if (method)
        log_debug("sim", "%s /bot***/%s -> %d (%.0f ms)", verb, method, status, ms);
    else
        log_debug("sim", "%s %s -> %d (%.0f ms)", verb, path, status, ms);
}

/* Serves a request whose body has been read (or refused as too large). */
static enum MHD_Result answer(struct MHD_Connection *conn, request_ctx *ctx, const char *url,
                              const char *verb)
{
    sim_reply reply = {0};
    sim_request req = {0};
    sim_file_parts files = {0};
    enum MHD_Result rc = MHD_NO;
    if (ctx->too_large) {
        tg_too_large(&reply);
        sim_lock();
        sim_stats_error(413);
        sim_unlock();
    } else {
        req.verb = verb;
        req.path = url;
        req.params = cJSON_CreateObject();
        req.body = sb_str(&ctx->body);
        req.body_len = ctx->body.len;
        req.files = &files;
        req.authorization = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
        if (!req.params) goto out;
        MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_query_arg, req.params);
        const char *type = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                       MHD_HTTP_HEADER_CONTENT_TYPE);
        /* The control API always takes JSON, whatever a quick curl -d claims. */
        if (strncmp(url, "/sim/", 5) == 0) type = "application/json";
        if (sim_params_from_body(req.params, type, req.body, req.body_len, &files)) req.body_invalid = 1;
        route(&req, &reply);
    }
    log_request(verb, url, reply.drop ? 0 : reply.status, ctx->started_ms);
    if (reply.drop) goto out; /* MHD_NO closes the connection without an answer */
    if (reply.delay_ms > 0) sim_sleep_ms(reply.delay_ms);
    rc = send_reply(conn, &reply);
out:
    cJSON_Delete(req.params);
    free(reply.body);
    return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *verb, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    request_ctx *ctx = *con_cls;
    if (!ctx) {
        ctx = calloc(1, sizeof *ctx);
        if (!ctx) return MHD_NO;
        sb_init(&ctx->body, SIM_BODY_MAX);
        ctx->started_ms = sim_mono_ms();
        *con_cls = ctx;
        requests_in_flight++;
        const char *length = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                                         MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (length && strtoull(length, NULL, 10) > SIM_BODY_MAX) {
            /* Answering before the body is read makes MHD close the connection. */
            ctx->too_large = 1;
            return answer(conn, ctx, url, verb);
        }
        return MHD_YES;
    }
    if (*upload_size) {
        if (!ctx->too_large) {
            sb_append(&ctx->body, upload, *upload_size);
            if (ctx->body.failed) ctx->too_large = 1;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    return answer(conn, ctx, url, verb);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode code)
{
    request_ctx *ctx = *con_cls;
    if (!ctx) return;
    sb_free(&ctx->body);
    free(ctx);
    *con_cls = NULL;
    requests_in_flight--;
}

static mb_status parse_listen(const char *listen, struct sockaddr_in *addr)
{
    char host[SIM_LISTEN_MAX];
    const char *colon = strrchr(listen, ':');
    if (!colon || (size_t)(colon - listen) >= sizeof host) return MB_ERR_INVALID;
    memcpy(host, listen, (size_t)(colon - listen));
    host[colon - listen] = 0;
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port <= 0 || port > 65535) return MB_ERR_INVALID;
    memset(addr, 0, sizeof *addr);
    addr->sin_family = AF_INET;
    addr->sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host[0] ? host : "127.0.0.1", &addr->sin_addr) != 1)
        return MB_ERR_INVALID;
    return MB_OK;
}

mb_status sim_server_start(const char *listen)
{
    struct sockaddr_in addr;
    if (parse_listen(listen, &addr)) return MB_ERR_INVALID;
    daemon_handle = MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD,
        ntohs(addr.sin_port), NULL, NULL, on_request, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)SIM_CONNECTIONS_MAX,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)SIM_IDLE_TIMEOUT_S,
        MHD_OPTION_END);
    if (!daemon_handle) return MB_ERR_IO;
    char host[INET_ADDRSTRLEN];
    if (!inet_ntop(AF_INET, &addr.sin_addr, host, sizeof host)) snprintf(host, sizeof host, "127.0.0.1");
    snprintf(listen_address, sizeof listen_address, "%s:%u", host, (unsigned)ntohs(addr.sin_port));
    return MB_OK;
}

const char *sim_server_address(void) { return listen_address; }

void sim_server_stop(void)
{
    sim_request_stop();
    /* Stopping the daemon cuts every connection, so give the long polls
     * just woken (they answer [] now) a moment to get their answer out. */
    int64_t deadline = sim_mono_ms() + SIM_STOP_GRACE_MS;
    while (requests_in_flight > 0 && sim_mono_ms() < deadline) {
        struct timespec pause = {0, 10 * 1000000L};
        nanosleep(&pause, NULL);
    }
    if (daemon_handle) MHD_stop_daemon(daemon_handle);
    daemon_handle = NULL;
}

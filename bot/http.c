#include "bot/http.h"
#include "util/log.h"

#include <stdlib.h>
#include <string.h>

struct http_client {
    struct ev_loop *loop;
    CURLM *multi;
    ev_timer timer;          /* the one timeout curl asks for */
    int active;
    http_request *requests;  /* doubly linked, for cancel-all at free */
};

struct http_request {
    http_client *client;
    CURL *easy;
    struct curl_slist *headers;
    curl_mime *mime;
    char *payload;           /* the JSON body, kept alive during the transfer */
    size_t payload_len;
    char *body;
    size_t body_len, body_cap, max_body;
    int too_large;
    int attempts;            /* connections the request was about to go out on */
    char error[CURL_ERROR_SIZE];
    http_done_fn *done;
    void *arg;
    http_request *prev, *next;
};

/* One ev_io per socket curl cares about. */
typedef struct socket_watch {
    ev_io io;
    http_client *client;
    curl_socket_t fd;
} socket_watch;

static void check_finished(http_client *c);

static void on_socket_ready(struct ev_loop *loop, ev_io *w, int revents)
{
    socket_watch *sw = (socket_watch *)w;
    http_client *c = sw->client;
    int flags = (revents & EV_READ ? CURL_CSELECT_IN : 0) | (revents & EV_WRITE ? CURL_CSELECT_OUT : 0);
    int running;
    curl_multi_socket_action(c->multi, sw->fd, flags, &running);
    check_finished(c);
}

static void on_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
    http_client *c = (http_client *)((char *)w - offsetof(http_client, timer));
    int running;
    curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    check_finished(c);
}

static int on_curl_socket(CURL *easy, curl_socket_t fd, int what, void *userp, void *socketp)
{
    http_client *c = userp;
    socket_watch *sw = socketp;
    if (what == CURL_POLL_REMOVE) {
        if (sw) {
            ev_io_stop(c->loop, &sw->io);
            free(sw);
            curl_multi_assign(c->multi, fd, NULL);
        }
        return 0;
    }
    int events = (what & CURL_POLL_IN ? EV_READ : 0) | (what & CURL_POLL_OUT ? EV_WRITE : 0);
    if (!sw) {
        sw = calloc(1, sizeof *sw);
        if (!sw) return -1;
        sw->client = c;
        sw->fd = fd;
        curl_multi_assign(c->multi, fd, sw);
    } else {
        ev_io_stop(c->loop, &sw->io);
    }
    ev_io_init(&sw->io, on_socket_ready, fd, events);
    ev_io_start(c->loop, &sw->io);
    return 0;
}

static int on_curl_timer(CURLM *multi, long timeout_ms, void *userp)
{
    http_client *c = userp;
    ev_timer_stop(c->loop, &c->timer);
    if (timeout_ms >= 0) {
        /* 0 means "as soon as possible": run it from the loop, not from here,
         * because curl forbids re-entering socket_action from this callback. */
        ev_timer_set(&c->timer, timeout_ms / 1000.0, 0.);
        ev_timer_start(c->loop, &c->timer);
    }
    return 0;
}

http_client *http_client_new(struct ev_loop *loop)
{
    static int global_done;
    if (!global_done) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) return NULL;
        global_done = 1;
    }
    http_client *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->loop = loop;
    c->multi = curl_multi_init();
    if (!c->multi) { free(c); return NULL; }
    ev_timer_init(&c->timer, on_timer, 0., 0.);
    curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
    curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
    curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
    curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
    curl_multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)HTTP_HOST_CONNECTIONS);
    /* Left at its default, libcurl keeps at most four connections per
     * request under way when one ends: requests are made and freed one by
     * one, so a quiet moment closed the connections a burst had opened and
     * the next burst connected anew (the HTTP bench's light run of 1,000
     * users: 811 connections accepted by the simulator, 10 with this).
     * Kept: as many as may be open to two hosts. */
    curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, (long)(2 * HTTP_HOST_CONNECTIONS));
    return c;
}

static void request_free(http_request *r)
{
    http_client *c = r->client;
    if (r->prev) r->prev->next = r->next; else c->requests = r->next;
    if (r->next) r->next->prev = r->prev;
    curl_multi_remove_handle(c->multi, r->easy);
    curl_easy_cleanup(r->easy);
    curl_slist_free_all(r->headers);
    curl_mime_free(r->mime);
    free(r->payload);
    free(r->body);
    free(r);
    c->active--;
}

void http_client_free(http_client *c)
{
    if (!c) return;
    while (c->requests) request_free(c->requests);
    ev_timer_stop(c->loop, &c->timer);
    curl_multi_cleanup(c->multi);
    free(c);
}

void http_cancel(http_request *r)
{
    if (r) request_free(r);
}

int http_active(const http_client *c) { return c->active; }

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp)
{
    http_request *r = userp;
    size_t n = size * nmemb;
    if (r->body_len + n > r->max_body) {
        r->too_large = 1;
        return 0; /* makes curl abort with CURLE_WRITE_ERROR */
    }
    if (r->body_len + n + 1 > r->body_cap) {
        size_t cap = r->body_cap ? r->body_cap : 4096;
        while (cap < r->body_len + n + 1) cap *= 2;
        char *p = realloc(r->body, cap);
        if (!p) return 0;
        r->body = p;
        r->body_cap = cap;
    }
    memcpy(r->body + r->body_len, data, n);
    r->body_len += n;
    r->body[r->body_len] = 0;
    return n;
}

static void check_finished(http_client *c)
{
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(c->multi, &left)) != NULL) {
        if (msg->msg != CURLMSG_DONE) continue;
        http_request *r = NULL;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
        http_response resp;
        memset(&resp, 0, sizeof resp);
        resp.curl_code = msg->data.result;
        curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &resp.status);
        if (r->attempts > 1)
            snprintf(resp.error, sizeof resp.error, "the connection closed without an answer after the request "
                     "went out; not sent again on a new connection");
        else
            snprintf(resp.error, sizeof resp.error, "%s", r->error[0] ? r->error : curl_easy_strerror(resp.curl_code));
        curl_off_t uploaded = 0;
        long header_bytes = 0;
        curl_easy_getinfo(r->easy, CURLINFO_SIZE_UPLOAD_T, &uploaded);
        curl_easy_getinfo(r->easy, CURLINFO_REQUEST_SIZE, &header_bytes);
        /* The request is out once its headers and whole body were written;
         * one refused a second connection (before_sending) went out on the
         * first. */
        resp.request_sent = (header_bytes > 0 && (r->mime || (size_t)uploaded >= r->payload_len)) || r->attempts > 1;
        resp.body = r->body ? r->body : "";
        resp.body_len = r->body_len;
        resp.body_too_large = r->too_large;
        if (r->too_large) resp.status = 0;
        http_done_fn *done = r->done;
        void *arg = r->arg;
        /* Detach first: the callback may start new requests or free the client's users. */
        char *body = r->body;
        r->body = NULL;
        resp.body = body ? body : "";
        request_free(r);
        done(arg, &resp);
        free(body);
    }
}

/* Called by libcurl on the connection a request is about to go out on.
 * A request sent on a kept connection that then closed before any answer
 * is sent again by libcurl on a new one, unseen: when the server had
 * carried it out, a message would arrive twice. The second time is
 * refused here; the request ends as sent with no answer, which the
 * messenger's code takes as an unknown outcome (and checks, or sends
 * again where a repeat is harmless). */
static int before_sending(void *userp, char *conn_primary_ip, char *conn_local_ip, int conn_primary_port,
                          int conn_local_port)
{
    http_request *r = userp;
    return ++r->attempts == 1 ? CURL_PREREQFUNC_OK : CURL_PREREQFUNC_ABORT;
}

static http_request *request_new(http_client *c, const char *url, long timeout_ms, size_t max_body,
                                 http_done_fn *done, void *arg)
{
    http_request *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->easy = curl_easy_init();
    if (!r->easy) { free(r); return NULL; }
    r->client = c;
    r->max_body = max_body ? max_body : HTTP_BODY_MAX_DEFAULT;
    r->done = done;
    r->arg = arg;
    curl_easy_setopt(r->easy, CURLOPT_URL, url);
    curl_easy_setopt(r->easy, CURLOPT_PRIVATE, r);
    curl_easy_setopt(r->easy, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(r->easy, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(r->easy, CURLOPT_ERRORBUFFER, r->error);
    curl_easy_setopt(r->easy, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(r->easy, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms < 10000 ? timeout_ms : 10000L);
    curl_easy_setopt(r->easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(r->easy, CURLOPT_USERAGENT, "mentorbot/1");
    curl_easy_setopt(r->easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(r->easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(r->easy, CURLOPT_PREREQFUNCTION, before_sending);
    curl_easy_setopt(r->easy, CURLOPT_PREREQDATA, r);
    return r;
}

static mb_status request_start(http_client *c, http_request *r, http_request **out)
{
    if (curl_multi_add_handle(c->multi, r->easy) != CURLM_OK) {
        curl_easy_cleanup(r->easy);
        curl_slist_free_all(r->headers);
        curl_mime_free(r->mime);
        free(r->payload);
        free(r);
        return MB_ERR_IO;
    }
    r->next = c->requests;
    if (c->requests) c->requests->prev = r;
    c->requests = r;
    c->active++;
    if (out) *out = r;
    return MB_OK;
}

/* A header line given by a caller must not end the header block early or
 * add lines of its own. */
static int header_line_valid(const char *header)
{
    if (!header) return 1;
    for (const char *p = header; *p; p++)
        if (*p == '\r' || *p == '\n') return 0;
    return strchr(header, ':') != NULL;
}

static mb_status post_body(http_client *c, const char *method, const char *url, const char *content_type,
                           const char *header, const char *json, long timeout_ms, size_t max_body, http_done_fn *done,
                           void *arg, http_request **out)
{
    if (!header_line_valid(header)) return MB_ERR_INVALID;
    http_request *r = request_new(c, url, timeout_ms, max_body, done, arg);
    if (!r) return MB_ERR_NOMEM;
    r->payload_len = strlen(json);
    r->payload = malloc(r->payload_len + 1);
    r->headers = curl_slist_append(NULL, content_type);
    if (r->headers && header) {
        struct curl_slist *more = curl_slist_append(r->headers, header);
        if (!more) curl_slist_free_all(r->headers);
        r->headers = more;
    }
    if (!r->payload || !r->headers) {
        curl_easy_cleanup(r->easy);
        curl_slist_free_all(r->headers);
        free(r->payload);
        free(r);
        return MB_ERR_NOMEM;
    }
    memcpy(r->payload, json, r->payload_len + 1);
    curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, r->headers);
    curl_easy_setopt(r->easy, CURLOPT_POSTFIELDS, r->payload);
    curl_easy_setopt(r->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->payload_len);
    if (method && strcmp(method, "POST") != 0) curl_easy_setopt(r->easy, CURLOPT_CUSTOMREQUEST, method);
    return request_start(c, r, out);
}

mb_status http_post_json(http_client *c, const char *url, const char *json, long timeout_ms, size_t max_body,
                         http_done_fn *done, void *arg, http_request **out)
{
    return post_body(c, NULL, url, "Content-Type: application/json", NULL, json, timeout_ms, max_body, done, arg, out);
}

mb_status http_send_json(http_client *c, const char *method, const char *url, const char *header, const char *json,
                         long timeout_ms, size_t max_body, http_done_fn *done, void *arg, http_request **out)
{
    return post_body(c, method, url, "Content-Type: application/json", header, json ? json : "", timeout_ms, max_body,
                     done, arg, out);
}

mb_status http_post_form(http_client *c, const char *url, const char *body, long timeout_ms, size_t max_body,
                         http_done_fn *done, void *arg, http_request **out)
{
    return post_body(c, NULL, url, "Content-Type: application/x-www-form-urlencoded", NULL, body, timeout_ms, max_body,
                     done, arg, out);
}

mb_status http_get(http_client *c, const char *url, long timeout_ms, size_t max_body, http_done_fn *done, void *arg,
                   http_request **out)
{
    return http_get_header(c, url, NULL, timeout_ms, max_body, done, arg, out);
}

mb_status http_get_header(http_client *c, const char *url, const char *header, long timeout_ms, size_t max_body,
                          http_done_fn *done, void *arg, http_request **out)
{
    if (!header_line_valid(header)) return MB_ERR_INVALID;
    http_request *r = request_new(c, url, timeout_ms, max_body, done, arg);
    if (!r) return MB_ERR_NOMEM;
    if (header) {
        r->headers = curl_slist_append(NULL, header);
        if (!r->headers) {
            curl_easy_cleanup(r->easy);
            free(r);
            return MB_ERR_NOMEM;
        }
        curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, r->headers);
    }
    return request_start(c, r, out);
}

mb_status http_post_multipart(http_client *c, const char *url, const char *const *fields,
                              const http_file_part *file, long timeout_ms, size_t max_body,
                              http_done_fn *done, void *arg, http_request **out)
{
    http_request *r = request_new(c, url, timeout_ms, max_body, done, arg);
    if (!r) return MB_ERR_NOMEM;
    r->mime = curl_mime_init(r->easy);
    if (!r->mime) goto fail;
    for (size_t i = 0; fields && fields[i] && fields[i + 1]; i += 2) {
        curl_mimepart *part = curl_mime_addpart(r->mime);
        if (!part) goto fail;
        curl_mime_name(part, fields[i]);
        curl_mime_data(part, fields[i + 1], CURL_ZERO_TERMINATED);
    }
    if (file) {
        curl_mimepart *part = curl_mime_addpart(r->mime);
        if (!part || curl_mime_filedata(part, file->path) != CURLE_OK) goto fail;
        curl_mime_name(part, file->field);
        if (file->filename) curl_mime_filename(part, file->filename);
    }
    curl_easy_setopt(r->easy, CURLOPT_MIMEPOST, r->mime);
    return request_start(c, r, out);
fail:
    curl_mime_free(r->mime);
    curl_easy_cleanup(r->easy);
    free(r);
    return MB_ERR_NOMEM;
}

void http_form_param(strbuf *sb, const char *name, const char *value)
{
    char *escaped = curl_easy_escape(NULL, value, 0);
    if (!escaped) {
        sb->failed = 1;
        return;
    }
    sb_printf(sb, "%s%s=%s", sb->len ? "&" : "", name, escaped);
    curl_free(escaped);
}

/*
 * HTTP on the event loop: libcurl's multi socket interface driven by libev
 * watchers, so no call blocks the loop. One http_client per loop; requests
 * complete through a callback that runs on the loop, never from inside the
 * call that started them.
 */
#ifndef MB_HTTP_H
#define MB_HTTP_H

#include <curl/curl.h>
#include <ev.h>
#include <stddef.h>

#include "util/status.h"
#include "util/strbuf.h"

#define HTTP_BODY_MAX_DEFAULT (8u * 1024 * 1024)  /* largest response body accepted */
#define HTTP_HOST_CONNECTIONS 16   /* connections open to one host at once */

typedef struct http_client http_client;
typedef struct http_request http_request;

typedef struct http_response {
    long status;                 /* HTTP status; 0 when no response came */
    CURLcode curl_code;          /* CURLE_OK when the exchange completed */
    char error[CURL_ERROR_SIZE]; /* curl's sentence for curl_code */
    char *body;                  /* NUL-terminated; owned by the library, valid during the callback */
    size_t body_len;
    int request_sent;            /* the whole request left this process */
    int body_too_large;          /* the body passed max_body and was cut off */
} http_response;

typedef void http_done_fn(void *arg, const http_response *resp);

/* A file part for a multipart POST. */
typedef struct http_file_part {
    const char *field;      /* form field name, e.g. "document" */
    const char *path;       /* file to send */
    const char *filename;   /* name shown to the receiver; NULL = basename */
} http_file_part;

http_client *http_client_new(struct ev_loop *loop);

/* Cancels every request still running (without callbacks) and frees. */
void http_client_free(http_client *c);

/*
 * POSTs json (Content-Type: application/json) to url. timeout_ms bounds the
 * whole exchange; max_body the response size (0 = HTTP_BODY_MAX_DEFAULT).
 * done(arg, resp) runs exactly once unless the request is cancelled.
 * *out (may be NULL) receives a handle for http_cancel.
 */
mb_status http_post_json(http_client *c, const char *url, const char *json, long timeout_ms,
                         size_t max_body, http_done_fn *done, void *arg, http_request **out);

/*
 * Like http_post_json with another method (NULL or "POST" = POST; "PUT",
 * "PATCH", "DELETE") and one more header line (NULL = none), such as
 * MAX's "Authorization: <token>". json NULL sends an empty body.
 * MB_ERR_INVALID when header is not one "Name: value" line.
 */
mb_status http_send_json(http_client *c, const char *method, const char *url, const char *header, const char *json,
                         long timeout_ms, size_t max_body, http_done_fn *done, void *arg, http_request **out);

/* POSTs body as application/x-www-form-urlencoded (VK's API). */
mb_status http_post_form(http_client *c, const char *url, const char *body, long timeout_ms, size_t max_body,
                         http_done_fn *done, void *arg, http_request **out);

/* Appends name=value, the value escaped, to a form body (after an '&'
 * unless it is the first); marks sb failed when out of memory. */
void http_form_param(strbuf *sb, const char *name, const char *value);

/* GETs url (VK's long-poll server). */
mb_status http_get(http_client *c, const char *url, long timeout_ms, size_t max_body, http_done_fn *done, void *arg,
                   http_request **out);

/* http_get with one more header line (NULL = none; MB_ERR_INVALID when it is
 * not one "Name: value" line). */
mb_status http_get_header(http_client *c, const char *url, const char *header, long timeout_ms, size_t max_body,
                          http_done_fn *done, void *arg, http_request **out);

/*
 * POSTs a multipart form: fields as name/value pairs (fields[2k], fields[2k+1],
 * NULL-terminated) and one file part.
 */
mb_status http_post_multipart(http_client *c, const char *url, const char *const *fields,
                              const http_file_part *file, long timeout_ms, size_t max_body,
                              http_done_fn *done, void *arg, http_request **out);

/* Stops a request; its callback will not run. Accepts NULL. */
void http_cancel(http_request *r);

/* Requests in flight. */
int http_active(const http_client *c);

#endif

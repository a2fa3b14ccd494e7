/*
 * The simulator's HTTP side: a libmicrohttpd daemon on loopback with one
 * thread per connection (so a long poll simply blocks its own thread),
 * bodies collected up to SIM_BODY_MAX, parameters parsed, and the request
 * routed by path to a platform (/bot... = Telegram; /method/... and the
 * Long Poll server /vk-lp = VK; /max/... and the upload host /max-upload =
 * MAX) or the control API (/sim/...).
 */
#ifndef MB_SIM_SERVER_H
#define MB_SIM_SERVER_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "sim/params.h"
#include "util/status.h"

#define SIM_BODY_MAX (50u * 1024 * 1024) /* Telegram's upload limit; larger bodies get 413 */
#define SIM_LISTEN_MAX 64                /* bytes of a --listen address */

typedef struct sim_request {
    const char *verb;     /* "GET", "POST", ... */
    const char *path;     /* the URL path without the query string */
    cJSON *params;        /* query and body parameters merged (body wins); never NULL */
    int body_invalid;     /* a body was sent but could not be parsed */
    const char *body;     /* the raw body, NUL-terminated ("" when none) */
    size_t body_len;
    const sim_file_parts *files; /* the bytes of multipart file parts; never NULL */
    const char *authorization;   /* the Authorization header, NULL when none (MAX's token) */
} sim_request;

typedef struct sim_reply {
    int status;
    char *body;           /* malloc'd; sent as it is */
    size_t body_len;
    const char *content_type; /* a static string; NULL means application/json */
    int drop;             /* close the connection without answering */
    int delay_ms;         /* wait this long before answering */
} sim_reply;

/* Sets the reply to json printed compactly; takes ownership of json. */
void sim_reply_json(sim_reply *reply, int status, cJSON *json);

/* A control-API error: {"error":"..."} with the given status. */
void sim_reply_error(sim_reply *reply, int status, const char *message);

/* A 200 answer of len bytes copied from data, as application/octet-stream
 * (a file the simulator kept); a 500 when out of memory. */
void sim_reply_bytes(sim_reply *reply, const char *data, size_t len);

/* Starts serving on host:port ("127.0.0.1:8081"). MB_ERR_INVALID for a bad
 * address, MB_ERR_IO when the port cannot be bound. */
mb_status sim_server_start(const char *listen);

/* "HOST:PORT" the server listens on (the host written out, "127.0.0.1"
 * when the listen address left it empty), for URLs that point back at the
 * simulator, such as VK's Long Poll server. "" before sim_server_start. */
const char *sim_server_address(void);

/* Wakes every waiting request, stops the daemon and waits for its threads. */
void sim_server_stop(void);

#endif

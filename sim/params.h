/*
 * Request parameters. The Bot API takes the same parameters from a query
 * string, an application/x-www-form-urlencoded or application/json body, or
 * multipart/form-data; they all end up in one JSON object so a method reads
 * them one way. Form and query values are strings; JSON values keep their
 * type, which is why every reader here accepts both a number and a string.
 * A file part of a multipart body becomes {"file_name","mime_type","file_size"};
 * where its bytes are is noted in a sim_file_parts list that points into the
 * request body, for the methods that keep uploaded files.
 */
#ifndef MB_SIM_PARAMS_H
#define MB_SIM_PARAMS_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "util/status.h"

#define SIM_PARAMS_MAX 128          /* parameters taken from one request */
#define SIM_PARAM_NAME_MAX 128      /* bytes of a parameter name */
#define SIM_JSON_DEPTH_MAX 32       /* nesting of a JSON body or JSON-valued parameter */
#define SIM_MULTIPART_BOUNDARY_MAX 200
#define SIM_FILE_PARTS_MAX 10       /* file parts of one request whose bytes are noted */

/* The bytes of one file part: data points into the request body, so it
 * lives as long as the request does. */
typedef struct sim_file_part {
    char name[SIM_PARAM_NAME_MAX + 1];  /* the part's field name */
    const char *data;
    size_t len;
} sim_file_part;

/* The file parts of a request, in body order; parts past
 * SIM_FILE_PARTS_MAX are described in the parameters but not noted here. */
typedef struct sim_file_parts {
    sim_file_part part[SIM_FILE_PARTS_MAX];
    size_t count;
} sim_file_parts;

typedef enum sim_param_result { SIM_PARAM_OK = 0, SIM_PARAM_MISSING, SIM_PARAM_INVALID } sim_param_result;

/* Sets params[name] = value (a string), replacing an earlier value. */
void sim_params_set_string(cJSON *params, const char *name, const char *value, size_t len);

/* Adds the parameters of a body of the given content type (may be NULL) to
 * params, and notes where the bytes of its file parts are in files (may be
 * NULL). MB_ERR_PARSE when the body is malformed, MB_ERR_LIMIT past a limit. */
mb_status sim_params_from_body(cJSON *params, const char *content_type, const char *body,
                               size_t len, sim_file_parts *files);

/* The noted file part with that field name, or NULL. */
const sim_file_part *sim_file_part_find(const sim_file_parts *files, const char *name);

/* Parses JSON text with the depth limit; NULL when malformed or too deep. */
cJSON *sim_json_parse(const char *text, size_t len);

/* Reads an integer given as a JSON number or a decimal string. */
sim_param_result sim_param_int64(const cJSON *params, const char *name, long long *out);

/* The value when it is a string; NULL when missing or not a string. */
const char *sim_param_string(const cJSON *params, const char *name);

/* A JSON-valued parameter (reply_markup, allowed_updates, commands) given as
 * JSON or as a string holding JSON. Returns a new item the caller deletes;
 * NULL with *invalid = 0 when missing, NULL with *invalid = 1 when not JSON. */
cJSON *sim_param_json(const cJSON *params, const char *name, int *invalid);

/* 1 for true, "true" or "1"; 0 otherwise. */
int sim_param_bool(const cJSON *params, const char *name);

/* 1 when s is NULL or nothing but spaces, tabs and line breaks: both
 * Telegram and VK trim white space before deciding a text is empty. */
int sim_text_blank(const char *s);

#endif

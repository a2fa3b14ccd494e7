/*
 * JSON input from the network, read defensively: a size limit checked
 * before parsing and a nesting limit on what was parsed, and accessors
 * that accept numbers sent as strings (VK sends ts either way) and never
 * crash on a missing or mistyped field.
 */
#ifndef MB_JSON_H
#define MB_JSON_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_DEPTH_MAX 64   /* nesting levels accepted from the network */

/* Parses body[0..len) when it is within max_bytes and JSON_DEPTH_MAX levels.
 * A leading UTF-8 byte-order mark is skipped. NULL when malformed or over a
 * limit; *why (may be NULL) then gets a static reason. */
cJSON *json_parse_limited(const char *body, size_t len, size_t max_bytes, const char **why);

/* The integer value of obj[key] if it is a whole number or a string of
 * digits; 0 with *ok = 0 otherwise. ok may be NULL. */
int64_t json_int(const cJSON *obj, const char *key, int *ok);

/* obj[key] as a string, or NULL when missing or not a string. */
const char *json_str(const cJSON *obj, const char *key);

/* obj[key] when it is an object (NULL otherwise). */
const cJSON *json_obj(const cJSON *obj, const char *key);

#endif

#include "sim/params.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int json_depth_ok(const cJSON *item, int depth)
{
    if (depth > SIM_JSON_DEPTH_MAX) return 0;
    for (const cJSON *c = item ? item->child : NULL; c; c = c->next)
        if (!json_depth_ok(c, depth + 1)) return 0;
    return 1;
}

cJSON *sim_json_parse(const char *text, size_t len)
{
    cJSON *json = cJSON_ParseWithLength(text, len);
    if (json && !json_depth_ok(json, 0)) {
        cJSON_Delete(json);
        json = NULL;
    }
    return json;
}

static void params_set(cJSON *params, const char *name, cJSON *value)
{
    if (!value) return;
    if (cJSON_GetObjectItemCaseSensitive(params, name))
        cJSON_ReplaceItemInObjectCaseSensitive(params, name, value);
    else
        cJSON_AddItemToObject(params, name, value);
}

void sim_params_set_string(cJSON *params, const char *name, const char *value, size_t len)
{
    char *copy = strndup(value, len);
    if (!copy) return;
    params_set(params, name, cJSON_CreateString(copy));
    free(copy);
}

static int hex_value(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

/* Decodes %XX and '+' of s[0..n) into out (at least n+1 bytes); returns the length. */
static size_t url_decode(const char *s, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            out[o++] = ' ';
        } else if (s[i] == '%' && i + 2 < n && hex_value((unsigned char)s[i + 1]) >= 0 &&
                   hex_value((unsigned char)s[i + 2]) >= 0) {
            out[o++] = (char)(hex_value((unsigned char)s[i + 1]) * 16 +
                              hex_value((unsigned char)s[i + 2]));
            i += 2;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = 0;
    return o;
}

static mb_status from_urlencoded(cJSON *params, const char *body, size_t len)
{
    mb_status rc = MB_OK;
    char *name = NULL, *value = NULL;
    int count = 0;
    size_t i = 0;
    while (i < len) {
        size_t end = i;
        while (end < len && body[end] != '&') end++;
        size_t eq = i;
        while (eq < end && body[eq] != '=') eq++;
        if (eq > i) {
            if (++count > SIM_PARAMS_MAX || eq - i > SIM_PARAM_NAME_MAX) { rc = MB_ERR_LIMIT; goto out; }
            size_t vstart = eq < end ? eq + 1 : end;
            name = malloc(eq - i + 1);
            value = malloc(end - vstart + 1);
            if (!name || !value) { rc = MB_ERR_NOMEM; goto out; }
            url_decode(body + i, eq - i, name);
            size_t vlen = url_decode(body + vstart, end - vstart, value);
            sim_params_set_string(params, name, value, vlen);
            free(name);
            free(value);
            name = value = NULL;
        }
        i = end + 1;
    }
out:
    free(name);
    free(value);
    return rc;
}

/* Copies the value of `key=` (maybe quoted) from a header value such as
 * `multipart/form-data; boundary=xyz` or `form-data; name="a"`. 0 when found. */
static int header_attr(const char *header, size_t hlen, const char *key, char *out, size_t size)
{
    size_t klen = strlen(key);
    for (size_t i = 0; i + klen < hlen; i++) {
        if (strncasecmp(header + i, key, klen) != 0 || header[i + klen] != '=') continue;
        if (i > 0 && header[i - 1] != ';' && header[i - 1] != ' ' && header[i - 1] != '\t') continue;
        const char *v = header + i + klen + 1, *end = header + hlen;
        size_t n = 0;
        if (v < end && *v == '"') {
            v++;
            while (v + n < end && v[n] != '"') n++;
        } else {
            while (v + n < end && v[n] != ';' && v[n] != ' ' && v[n] != '\r') n++;
        }
        if (n >= size) return -1;
        memcpy(out, v, n);
        out[n] = 0;
        return 0;
    }
    return -1;
}

/* Finds the header `name:` in the part headers [h, h+hlen) and returns its
 * value start and length. */
static const char *part_header(const char *h, size_t hlen, const char *name, size_t *vlen)
{
    size_t nlen = strlen(name);
    const char *end = h + hlen, *line = h;
    while (line < end) {
        const char *eol = memmem(line, (size_t)(end - line), "\r\n", 2);
        if (!eol) eol = end;
        if ((size_t)(eol - line) > nlen && strncasecmp(line, name, nlen) == 0 && line[nlen] == ':') {
            const char *v = line + nlen + 1;
            while (v < eol && (*v == ' ' || *v == '\t')) v++;
            *vlen = (size_t)(eol - v);
            return v;
        }
        line = eol + 2;
    }
    return NULL;
}

static mb_status from_multipart(cJSON *params, const char *content_type, const char *body,
                                size_t len, sim_file_parts *files)
{
    char boundary[SIM_MULTIPART_BOUNDARY_MAX + 1], delim[SIM_MULTIPART_BOUNDARY_MAX + 8];
    char name[SIM_PARAM_NAME_MAX + 1], file_name[256], mime[128];
    if (header_attr(content_type, strlen(content_type), "boundary", boundary, sizeof boundary) ||
        !boundary[0])
        return MB_ERR_PARSE;
    size_t dlen = (size_t)snprintf(delim, sizeof delim, "--%s", boundary);
    const char *end = body + len;
    const char *p = memmem(body, len, delim, dlen);
    int count = 0;
    if (!p) return MB_ERR_PARSE;
    for (;;) {
        p += dlen;
        if (end - p >= 2 && p[0] == '-' && p[1] == '-') return MB_OK; /* closing delimiter */
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n') return MB_ERR_PARSE;
        p += 2;
        const char *hend = memmem(p, (size_t)(end - p), "\r\n\r\n", 4);
        if (!hend) return MB_ERR_PARSE;
        const char *data = hend + 4;
        /* The part's data ends at CRLF followed by the next delimiter. */
        const char *next = data;
        for (;;) {
            next = memmem(next, (size_t)(end - next), delim, dlen);
            if (!next) return MB_ERR_PARSE;
            if (next - data >= 2 && next[-2] == '\r' && next[-1] == '\n') break;
            if (next == data) break; /* empty part directly followed (lenient) */
            next += dlen;
        }
        size_t data_len = (size_t)(next - data);
        if (data_len >= 2 && next[-2] == '\r') data_len -= 2;
        size_t vlen;
        const char *disp = part_header(p, (size_t)(hend - p), "Content-Disposition", &vlen);
        if (!disp || header_attr(disp, vlen, "name", name, sizeof name)) return MB_ERR_PARSE;
        if (++count > SIM_PARAMS_MAX) return MB_ERR_LIMIT;
        if (!header_attr(disp, vlen, "filename", file_name, sizeof file_name)) {
            size_t tlen;
            const char *type = part_header(p, (size_t)(hend - p), "Content-Type", &tlen);
            snprintf(mime, sizeof mime, "%.*s", type ? (int)tlen : 0, type ? type : "");
            cJSON *file = cJSON_CreateObject();
            cJSON_AddStringToObject(file, "file_name", file_name);
            cJSON_AddStringToObject(file, "mime_type", mime[0] ? mime : "application/octet-stream");
            cJSON_AddNumberToObject(file, "file_size", (double)data_len);
            params_set(params, name, file);
            if (files && files->count < SIM_FILE_PARTS_MAX) {
                sim_file_part *part = &files->part[files->count++];
                snprintf(part->name, sizeof part->name, "%s", name);
                part->data = data;
                part->len = data_len;
            }
        } else {
            sim_params_set_string(params, name, data, data_len);
        }
        p = next;
    }
}

static int type_is(const char *content_type, const char *type)
{
    size_t n = strlen(type);
    return content_type && strncasecmp(content_type, type, n) == 0 &&
           (content_type[n] == 0 || content_type[n] == ';' || content_type[n] == ' ');
}

mb_status sim_params_from_body(cJSON *params, const char *content_type, const char *body,
                               size_t len, sim_file_parts *files)
{
    if (!len) return MB_OK;
    int json = type_is(content_type, "application/json");
    if (!content_type || !*content_type) json = body[0] == '{';
    if (json) {
        cJSON *obj = sim_json_parse(body, len);
        if (!cJSON_IsObject(obj)) {
            cJSON_Delete(obj);
            return MB_ERR_PARSE;
        }
        int count = 0;
        while (obj->child) {
            cJSON *item = cJSON_DetachItemViaPointer(obj, obj->child);
            if (++count > SIM_PARAMS_MAX || !item->string) { cJSON_Delete(item); continue; }
            char *key = strdup(item->string);
            if (key) params_set(params, key, item);
            else cJSON_Delete(item);
            free(key);
        }
        cJSON_Delete(obj);
        return count > SIM_PARAMS_MAX ? MB_ERR_LIMIT : MB_OK;
    }
    if (type_is(content_type, "multipart/form-data"))
        return from_multipart(params, content_type, body, len, files);
    return from_urlencoded(params, body, len);
}

const sim_file_part *sim_file_part_find(const sim_file_parts *files, const char *name)
{
    if (!files || !name) return NULL;
    /* A later part of the same name wins, as it does in the parameters. */
    for (size_t i = files->count; i-- > 0;)
        if (strcmp(files->part[i].name, name) == 0) return &files->part[i];
    return NULL;
}

sim_param_result sim_param_int64(const cJSON *params, const char *name, long long *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, name);
    if (!v || cJSON_IsNull(v)) return SIM_PARAM_MISSING;
    if (cJSON_IsNumber(v)) {
        /* Telegram ids fit in 52 bits, so a double carries them exactly. */
        if (v->valuedouble != (double)(long long)v->valuedouble) return SIM_PARAM_INVALID;
        *out = (long long)v->valuedouble;
        return SIM_PARAM_OK;
    }
    if (!cJSON_IsString(v)) return SIM_PARAM_INVALID;
    const char *s = v->valuestring;
    if (!*s) return SIM_PARAM_MISSING;
    char *end;
    errno = 0;
    long long n = strtoll(s, &end, 10);
    if (errno || end == s || *end) return SIM_PARAM_INVALID;
    *out = n;
    return SIM_PARAM_OK;
}

const char *sim_param_string(const cJSON *params, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

cJSON *sim_param_json(const cJSON *params, const char *name, int *invalid)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, name);
    *invalid = 0;
    if (!v || cJSON_IsNull(v)) return NULL;
    if (cJSON_IsString(v)) {
        if (!*v->valuestring) return NULL;
        cJSON *parsed = sim_json_parse(v->valuestring, strlen(v->valuestring));
        if (!parsed) *invalid = 1;
        return parsed;
    }
    if (!json_depth_ok(v, 0)) {
        *invalid = 1;
        return NULL;
    }
    return cJSON_Duplicate(v, 1);
}

int sim_param_bool(const cJSON *params, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, name);
    if (cJSON_IsTrue(v)) return 1;
    if (cJSON_IsNumber(v)) return v->valuedouble != 0;
    if (cJSON_IsString(v)) return strcmp(v->valuestring, "true") == 0 || strcmp(v->valuestring, "1") == 0;
    return 0;
}

int sim_text_blank(const char *s)
{
    if (!s) return 1;
    for (; *s; s++)
        if (*s != ' ' && *s != '\n' && *s != '\t' && *s != '\r') return 0;
    return 1;
}

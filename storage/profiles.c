#include "storage/profiles.h"
#include "util/clock.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const topic_codes[] = {
#define X(code, what) #code,
    PROFILE_TOPICS
#undef X
};
static const char *const slot_codes[] = {
#define X(code, what) #code,
    PROFILE_SLOTS
#undef X
};
static const char *const form_codes[] = {
#define X(code, name) #code,
    PROFILE_FORMS
#undef X
};

static int find(const char *const *codes, int n, const char *code)
{
    for (int i = 0; code && i < n; i++)
        if (strcmp(codes[i], code) == 0) return i;
    return -1;
}

int profile_topic_code(const char *code) { return find(topic_codes, PROFILE_TOPIC_COUNT, code); }
int profile_slot_code(const char *code) { return find(slot_codes, PROFILE_SLOT_COUNT, code); }
int profile_form_code(const char *code) { return find(form_codes, PROFILE_FORM_COUNT, code); }
const char *profile_topic_name(int t) { return t >= 0 && t < PROFILE_TOPIC_COUNT ? topic_codes[t] : NULL; }
const char *profile_slot_name(int s) { return s >= 0 && s < PROFILE_SLOT_COUNT ? slot_codes[s] : NULL; }
const char *profile_form_name(int f) { return f >= 0 && f < PROFILE_FORM_COUNT ? form_codes[f] : NULL; }

/* ["a","b"] <-> bits, through a code table. */
static uint32_t bits_from_json(const unsigned char *json, int (*code)(const char *))
{
    uint32_t bits = 0;
    cJSON *arr = json ? cJSON_Parse((const char *)json) : NULL, *it;
    cJSON_ArrayForEach(it, arr) {
        int b = code(cJSON_GetStringValue(it));
        if (b >= 0) bits |= 1u << b;
    }
    cJSON_Delete(arr);
    return bits;
}

static char *bits_to_json(uint32_t bits, const char *(*name)(int), int n)
{
    cJSON *arr = cJSON_CreateArray();
    for (int i = 0; i < n; i++)
        if (bits & (1u << i)) cJSON_AddItemToArray(arr, cJSON_CreateString(name(i)));
    char *s = cJSON_PrintUnformatted(arr);
    cJSON_Delete(arr);
    return s;
}

static void copy_text(char *dst, size_t size, sqlite3_stmt *st, int col)
{
    const unsigned char *s = sqlite3_column_text(st, col);
    snprintf(dst, size, "%s", s ? (const char *)s : "");
}

mb_status profile_load(db *d, int64_t account_id, profile *out)
{
    sqlite3_stmt *st = db_stmt(d, "SELECT topics, forms, slots, subjects, meeting_mode, capacity, employer,"
                                  " municipality, career, trained_at FROM profiles WHERE account_id = ?1");
    if (!st) return MB_ERR_DB;
    sqlite3_bind_int64(st, 1, account_id);
    mb_status rc = db_step_row(d, st);
    if (rc == MB_OK) {
        memset(out, 0, sizeof *out);
        out->account_id = account_id;
        out->topics = bits_from_json(sqlite3_column_text(st, 0), profile_topic_code);
        out->forms = bits_from_json(sqlite3_column_text(st, 1), profile_form_code);
        out->slots = bits_from_json(sqlite3_column_text(st, 2), profile_slot_code);
        copy_text(out->subjects, sizeof out->subjects, st, 3);
        copy_text(out->meeting_mode, sizeof out->meeting_mode, st, 4);
        out->capacity = sqlite3_column_int(st, 5);
        copy_text(out->employer, sizeof out->employer, st, 6);
        copy_text(out->municipality, sizeof out->municipality, st, 7);
        out->career = sqlite3_column_int(st, 8);
        out->trained_at = sqlite3_column_int64(st, 9);
        rc = MB_OK;
    }
    sqlite3_reset(st);
    return rc;
}

mb_status profile_save(db *d, const profile *p)
{
    char *topics = bits_to_json(p->topics, profile_topic_name, PROFILE_TOPIC_COUNT);
    char *forms = bits_to_json(p->forms, profile_form_name, PROFILE_FORM_COUNT);
    char *slots = bits_to_json(p->slots, profile_slot_name, PROFILE_SLOT_COUNT);
    mb_status rc = MB_ERR_NOMEM;
    sqlite3_stmt *st;
    if (!topics || !forms || !slots) goto out;
    rc = MB_ERR_DB;
    st = db_stmt(d, "INSERT OR REPLACE INTO profiles(account_id, topics, subjects, forms, slots, meeting_mode,"
                    " capacity, employer, municipality, career, trained_at, updated_at)"
                    " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)");
    if (!st) goto out;
    sqlite3_bind_int64(st, 1, p->account_id);
    sqlite3_bind_text(st, 2, topics, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, p->subjects, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, forms, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, slots, -1, SQLITE_STATIC);
    db_bind_text(st, 6, p->meeting_mode[0] ? p->meeting_mode : NULL);
    sqlite3_bind_int(st, 7, p->capacity);
    db_bind_text(st, 8, p->employer[0] ? p->employer : NULL);
    db_bind_text(st, 9, p->municipality[0] ? p->municipality : NULL);
    sqlite3_bind_int(st, 10, p->career);
    if (p->trained_at) sqlite3_bind_int64(st, 11, p->trained_at); else sqlite3_bind_null(st, 11);
    sqlite3_bind_int64(st, 12, clock_now_ms());
    rc = db_step_done(d, st);
out:
    free(topics);
    free(forms);
    free(slots);
    return rc;
}

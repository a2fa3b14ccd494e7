/*
 * Fuzz target: the parsers of dates and numbers in what people and
 * operators type: survey dates (instrument_parse_date), admin CLI numbers
 * (admin_parse_long), the action and fields of a payload (payload_split,
 * payload_fields, routes_fields over a declared shape), the strict button
 * payload readers (payload_take_*) and timezone names
 * (config_timezone_valid). Each result is checked against its stated
 * range and, for dates, against the calendar by formatting it back and
 * reading it again.
 */
#include "fuzz/fuzz.h"

#include "bot/admin/admin.h"
#include "bot/config.h"
#include "handlers/payload.h"
#include "handlers/routes.h"
#include "util/instrument.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void dates(const char *s)
{
    int ymd = instrument_parse_date(s);
    if (!ymd) return;
    int y = ymd / 10000, m = ymd / 100 % 100, d = ymd % 100;
    if (y < INSTRUMENT_DATE_YEAR_MIN || y > 2999 || m < 1 || m > 12 || d < 1 || d > 31) abort();
    char again[32];
    snprintf(again, sizeof again, "%d.%d.%d", d, m, y);
    if (instrument_parse_date(again) != ymd) abort();
}

static void numbers(const char *s)
{
    long long v;
    if (admin_parse_long(s, -5, 100000, &v) && (v < -5 || v > 100000)) abort();
    /* the fields of a payload, as the route table declares them */
    payload_field rf[ROUTE_FIELDS_MAX];
    int got = routes_fields("ID:PAGE|k:ID:INT|-|W:N?", s, rf);
    if (got < -1 || got > 3 || (got == 0) != (*s == 0) || (got > 0 && !rf[0].word[0]) ||
        (got == 2 && rf[0].most && (rf[0].number < 1 || rf[1].number < 0 || rf[1].number > 100000)))
        abort();
    const char *p = s;
    if (payload_take_number(&p, PAYLOAD_NUMBER_MAX, &v) && (v < 0 || p == s)) abort();
    char action[PAYLOAD_ACTION_MAX];
    const char *fields;
    if (payload_split(s, action, sizeof action, &fields) &&
        (!action[0] || strlen(action) >= sizeof action || fields < s || fields > s + strlen(s) ||
         (*fields && (fields[-1] != ':' || fields[strlen(fields) - 1] == ':'))))
        abort();
    payload_field f[3] = {{.most = 0}, {.least = -5, .most = 1000}, {.least = 1, .most = PAYLOAD_NUMBER_MAX}};
    int nfields = payload_fields(s, f, 3);
    if (nfields < 0 || nfields > 3 || (nfields && !f[0].word[0]) ||
        (nfields >= 2 && (f[1].number < -5 || f[1].number > 1000)) || (nfields == 3 && f[2].number < 1))
        abort();
    char word[16];
    p = s;
    if (payload_take_word(&p, word, sizeof word) && (!word[0] || strlen(word) >= sizeof word)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_cstring(data, size);
    if (!s) return 0;
    dates(s);
    numbers(s);
    if (size < 128) (void)config_timezone_valid(s);
    free(s);
    return 0;
}

#include "util/when.h"

#include "util/typed.h"
#include "util/tz.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORDS_MAX 16   /* words of one phrase that are looked at */
#define WORD_BYTES 40  /* bytes of one word; a longer one is not a word we know */
#define DAY_MS (24LL * 3600 * 1000)

/* ---- dates as YYYYMMDD ---- */

static int ymd_of(int y, int m, int d) { return y * 10000 + m * 100 + d; }

/* Days since 1970-01-01 of a proleptic Gregorian date (no time zone). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int civil_from_days(int64_t z)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    int y = (int)(yoe + era * 400 + (m <= 2));
    return ymd_of(y, m, d);
}

static int64_t ymd_days(int ymd) { return days_from_civil(ymd / 10000, ymd / 100 % 100, ymd % 100); }

int when_days_between(int a_ymd, int b_ymd) { return (int)(ymd_days(b_ymd) - ymd_days(a_ymd)); }

int when_add_days(int ymd, int days) { return civil_from_days(ymd_days(ymd) + days); }

/* 0 = Sunday, as tm_wday; 1970-01-01 was a Thursday. */
static int ymd_weekday(int ymd)
{
    int64_t w = (ymd_days(ymd) + 4) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

static int date_exists(int y, int m, int d) { return m >= 1 && m <= 12 && d >= 1 && d <= typed_days_in_month(y, m); }

/* The UTC moment of a wall time on a local day; -1 when the zone skips it. */
static int wall_to_utc(const char *zone, int ymd, int hour, int minute, int64_t *ms)
{
    struct tm t = {0};
    t.tm_year = ymd / 10000 - 1900;
    t.tm_mon = ymd / 100 % 100 - 1;
    t.tm_mday = ymd % 100;
    t.tm_hour = hour;
    t.tm_min = minute;
    return tz_from_local(zone, &t, ms);
}

/* ---- words ---- */

typedef struct phrase {
    char word[WORDS_MAX][WORD_BYTES];
    int n;
} phrase;

static int is_letter(unsigned char c) { return isalpha(c) || c >= 0x80 || c == '\''; }

static int is_joiner(char c) { return c == '.' || c == ':' || c == '/' || c == '-'; }

/* Splits lower-cased text into words: runs of letters, and runs of digits
 * joined by . : / - ("25.11.2026", "16:00"). A letter next to a digit
 * starts a new word ("4pm", "16ч"); anything else separates. 0 when there
 * are too many words or one is too long. */
static int split_phrase(const char *s, phrase *p)
{
    p->n = 0;
    const char *c = s;
    while (*c) {
        const char *start = c;
        if (isdigit((unsigned char)*c)) {
            while (isdigit((unsigned char)*c) || (is_joiner(*c) && isdigit((unsigned char)c[1]))) c++;
        } else if (is_letter((unsigned char)*c)) {
            while (is_letter((unsigned char)*c)) c++;
        } else {
            c++;
            continue;
        }
        size_t len = (size_t)(c - start);
        if (p->n == WORDS_MAX || len >= WORD_BYTES) return 0;
        memcpy(p->word[p->n], start, len);
        p->word[p->n][len] = 0;
        p->n++;
    }
    return 1;
}

/* Lower case, with «ё» read as «е». */
static int fold_phrase(const char *typed, char *out, size_t size)
{
    if (!typed || strlen(typed) > WHEN_INPUT_MAX || !typed_lower(typed, out, size)) return 0;
    for (char *c = out; c[0] && c[1]; c++)
        if ((unsigned char)c[0] == 0xD1 && (unsigned char)c[1] == 0x91) c[0] = (char)0xD0, c[1] = (char)0xB5;
    return 1;
}

static int in_list(const char *w, const char *const *list)
{
    for (int i = 0; list[i]; i++)
        if (strcmp(w, list[i]) == 0) return 1;
    return 0;
}

/* 0..6 (Sunday first) for a weekday's name or abbreviation; with plural,
 * also the forms of «по вторникам», «on tuesdays». -1 otherwise. */
static int weekday_of(const char *w, int plural)
{
    static const char *const names[7][8] = {
        {"воскресенье", "вс", "sunday", "sun", NULL},
        {"понедельник", "пн", "monday", "mon", NULL},
        {"вторник", "вт", "tuesday", "tue", "tues", NULL},
        {"среда", "среду", "ср", "wednesday", "wed", NULL},
        {"четверг", "чт", "thursday", "thu", "thur", "thurs", NULL},
        {"пятница", "пятницу", "пт", "friday", "fri", NULL},
        {"суббота", "субботу", "сб", "saturday", "sat", NULL},
    };
    static const char *const plurals[7][3] = {
        {"воскресеньям", "sundays", NULL},  {"понедельникам", "mondays", NULL}, {"вторникам", "tuesdays", NULL},
        {"средам", "wednesdays", NULL},     {"четвергам", "thursdays", NULL},   {"пятницам", "fridays", NULL},
        {"субботам", "saturdays", NULL},
    };
    for (int d = 0; d < 7; d++)
        if (in_list(w, names[d]) || (plural && in_list(w, plurals[d]))) return d;
    return -1;
}

/* Days from today a word names («завтра»: 1); -1 when it names none. */
static int day_offset_of(const char *w)
{
    if (strcmp(w, "сегодня") == 0 || strcmp(w, "today") == 0) return 0;
    if (strcmp(w, "завтра") == 0 || strcmp(w, "tomorrow") == 0) return 1;
    if (strcmp(w, "послезавтра") == 0) return 2;
    return -1;
}

/* Words that mark the number after them as a time. */
static int time_marker(const char *w)
{
    static const char *const words[] = {"в", "во", "к", "at", NULL};
    return in_list(w, words);
}

/* Words that carry nothing here. */
static int filler(const char *w)
{
    static const char *const words[] = {"on", "the", "час", "часа", "часов", "ч", "h", "г", "год", "года",
                                        "году", NULL};
    return in_list(w, words);
}

/* The part of day after an hour («в 4 вечера», «4 pm»): 1 afternoon or
 * evening, 2 morning, 3 night, 0 none. */
static int day_part_of(const char *w)
{
    if (strcmp(w, "pm") == 0 || strcmp(w, "вечера") == 0 || strcmp(w, "дня") == 0) return 1;
    if (strcmp(w, "am") == 0 || strcmp(w, "утра") == 0) return 2;
    if (strcmp(w, "ночи") == 0) return 3;
    return 0;
}

/* ---- numbers ---- */

typedef struct numeric {
    int part[3];
    int digits[3];
    int count;
    char sep;
} numeric;

/* Digit groups joined by one kind of separator; 0 when w is not that. */
static int read_numeric(const char *w, numeric *n)
{
    memset(n, 0, sizeof *n);
    int k = 0;
    for (const char *c = w; *c; c++) {
        if (isdigit((unsigned char)*c)) {
            if (++n->digits[k] > 4) return 0;
            n->part[k] = n->part[k] * 10 + (*c - '0');
        } else if (is_joiner(*c) && k < 2 && (!n->sep || n->sep == *c)) {
            n->sep = *c;
            k++;
        } else {
            return 0;
        }
    }
    n->count = k + 1;
    return 1;
}

/* ---- the phrase read word by word ---- */

enum { DAY_NONE = -1 };

typedef struct reading {
    int day_offset;    /* days from today, or DAY_NONE */
    int weekday;       /* 0..6 or DAY_NONE */
    int year, month, day; /* a typed date; month 0 when none, year 0 when not typed */
    int year_digits;
    int hour, minute;  /* hour -1 when no time */
    int series;        /* «каждый», «по», «every» seen */
    int dates, times;  /* how many of each were named */
    int impossible;    /* a date or time that does not exist */
    int garbled;       /* words that contradict each other */
} reading;

enum { W_OTHER, W_TIME, W_DATE, W_AMBIGUOUS, W_HOUR };

/* Takes hour:minute as the phrase's time, moved by a part-of-day word
 * right after word i («4 pm», «в 4 вечера»). */
static void take_time(reading *r, const phrase *p, int i, int hour, int minute)
{
    int part = i + 1 < p->n ? day_part_of(p->word[i + 1]) : 0;
    if (part) {
        if (hour < 1 || hour > 12) r->garbled = 1;
        else if (part == 1 && hour < 12) hour += 12;
        else if (part != 1 && hour == 12) hour = 0;
    }
    r->times++;
    r->hour = hour;
    r->minute = minute;
    if (hour > 23 || minute > 59) r->impossible = 1;
}

static void take_date(reading *r, int y, int y_digits, int m, int d)
{
    r->dates++;
    r->year = y;
    r->year_digits = y_digits;
    r->month = m;
    r->day = d;
}

/* Reads the words of p into r; 0 when one is not understood. series
 * admits the words of a weekly series. */
static int read_words(const phrase *p, int series, reading *r)
{
    memset(r, 0, sizeof *r);
    r->day_offset = r->weekday = DAY_NONE;
    r->hour = -1;
    int kind[WORDS_MAX];
    numeric num[WORDS_MAX];
    int marked[WORDS_MAX];
    int day_words = 0, weekdays = 0;
    for (int i = 0; i < p->n; i++) {
        const char *w = p->word[i];
        kind[i] = W_OTHER;
        marked[i] = i > 0 && time_marker(p->word[i - 1]);
        if (isdigit((unsigned char)w[0])) {
            numeric *n = &num[i];
            if (!read_numeric(w, n)) return 0;
            if (n->count == 1 && n->digits[0] <= 2) kind[i] = W_HOUR;
            else if (n->count == 2 && n->sep == ':' && n->digits[0] <= 2 && n->digits[1] == 2) kind[i] = W_TIME;
            else if (n->count == 2 && n->sep == '.' && n->digits[0] <= 2 && n->digits[1] <= 2) kind[i] = W_AMBIGUOUS;
            else if (n->count == 2 && n->sep == '/' && n->digits[0] <= 2 && n->digits[1] <= 2) kind[i] = W_DATE;
            else if (n->count == 3 && (n->sep == '.' || n->sep == '/') && n->digits[0] <= 2 && n->digits[1] <= 2 &&
                     (n->digits[2] == 2 || n->digits[2] == 4))
                kind[i] = W_DATE;
            else if (n->count == 3 && n->sep == '-' && n->digits[0] == 4 && n->digits[1] <= 2 && n->digits[2] <= 2)
                kind[i] = W_DATE;
            else return 0;
            continue;
        }
        int v;
        if ((v = day_offset_of(w)) != DAY_NONE) r->day_offset = v, day_words++;
        else if ((v = weekday_of(w, series)) != DAY_NONE) r->weekday = v, weekdays++;
        else if (time_marker(w) || filler(w) || day_part_of(w)) continue;
        else if (strcmp(w, "day") == 0 && i + 2 < p->n && strcmp(p->word[i + 1], "after") == 0 &&
                 strcmp(p->word[i + 2], "tomorrow") == 0) {
            r->day_offset = 2, day_words++;
            kind[i + 1] = kind[i + 2] = W_OTHER;
            i += 2;
        } else if (series && (strcmp(w, "каждый") == 0 || strcmp(w, "каждую") == 0 || strcmp(w, "каждое") == 0 ||
                              strcmp(w, "every") == 0 || strcmp(w, "по") == 0 || strcmp(w, "weekly") == 0))
            r->series = 1;
        else return 0;
    }
    /* Dates and times that cannot be mistaken go first, so that «25.11
     * 16.00» and «в 18.15» settle which of the rest is which. */
    for (int i = 0; i < p->n; i++) {
        numeric *n = &num[i];
        if (kind[i] == W_TIME) take_time(r, p, i, n->part[0], n->part[1]);
        else if (kind[i] == W_DATE && n->count == 3 && n->sep == '-')
            take_date(r, n->part[0], 4, n->part[1], n->part[2]);
        else if (kind[i] == W_DATE) take_date(r, n->count == 3 ? n->part[2] : 0, n->count == 3 ? n->digits[2] : 0,
                                              n->part[1], n->part[0]);
        else if (kind[i] == W_AMBIGUOUS) {
            int can_time = n->digits[1] == 2 && n->part[0] <= 23 && n->part[1] <= 59;
            int can_date = n->part[0] >= 1 && n->part[0] <= 31 && n->part[1] >= 1 && n->part[1] <= 12;
            if ((marked[i] && can_time) || (!can_date && n->digits[1] == 2)) {
                take_time(r, p, i, n->part[0], n->part[1]);
                kind[i] = W_TIME;
            } else if (!can_time) {
                take_date(r, 0, 0, n->part[1], n->part[0]);
                kind[i] = W_DATE;
            }
        }
    }
    /* What is still either: a time once a day is named, else the day
     * («12.11 10.10» is the 12th of November at 10:10). */
    for (int i = 0; i < p->n; i++) {
        if (kind[i] != W_AMBIGUOUS) continue;
        numeric *n = &num[i];
        if (r->dates || day_words || weekdays) {
            take_time(r, p, i, n->part[0], n->part[1]);
            kind[i] = W_TIME;
        } else {
            take_date(r, 0, 0, n->part[1], n->part[0]);
            kind[i] = W_DATE;
        }
    }
    for (int i = 0; i < p->n; i++)
        if (kind[i] == W_HOUR) take_time(r, p, i, num[i].part[0], 0);
    for (int i = 0; i + 1 < p->n; i++)
        if (day_part_of(p->word[i + 1]) && kind[i] != W_HOUR && kind[i] != W_TIME) return 0;
    if (r->garbled) return 0;
    if (r->times != 1 || r->dates > 1 || day_words > 1 || weekdays > 1) return 0;
    if (day_words && (r->dates || weekdays)) return 0;
    return 1;
}

/* The year of a typed date: two digits are this century's. */
static int full_year(const reading *r) { return r->year_digits == 2 ? 2000 + r->year : r->year; }

/* The day a typed date without a year means: the next one not before today.
 * 0 when the day and month never exist together. */
static int next_date(int today, int month, int day)
{
    int y = today / 10000;
    for (int k = 0; k <= 8; k++, y++)
        if (date_exists(y, month, day) && ymd_of(y, month, day) >= today) return ymd_of(y, month, day);
    return 0;
}

static when_status settle(const char *zone, int64_t now_ms, int ymd, int hour, int minute, when_time *out)
{
    memset(&out->local, 0, sizeof out->local);
    out->local.tm_year = ymd / 10000 - 1900;
    out->local.tm_mon = ymd / 100 % 100 - 1;
    out->local.tm_mday = ymd % 100;
    out->local.tm_hour = hour;
    out->local.tm_min = minute;
    out->local.tm_wday = ymd_weekday(ymd);
    out->local.tm_isdst = -1;
    out->ms = 0;
    if (wall_to_utc(zone, ymd, hour, minute, &out->ms)) return WHEN_DST_GAP;
    tz_local(zone, out->ms, &out->local);
    if (out->ms <= now_ms) return WHEN_PAST;
    if (out->ms - now_ms > WHEN_AHEAD_DAYS_MAX * DAY_MS) return WHEN_TOO_FAR;
    return WHEN_OK;
}

static int local_today(const char *zone, int64_t now_ms, struct tm *now)
{
    if (tz_local(zone, now_ms, now)) return 0;
    return ymd_of(now->tm_year + 1900, now->tm_mon + 1, now->tm_mday);
}

/* Whether hour:minute on today is still ahead of now. */
static int ahead_today(const struct tm *now, int hour, int minute)
{
    return hour * 60 + minute > now->tm_hour * 60 + now->tm_min;
}

when_status when_parse(const char *typed, const char *zone, int64_t now_ms, when_time *out)
{
    char buf[WHEN_INPUT_MAX * 2 + 4];
    phrase p;
    reading r;
    memset(out, 0, sizeof *out);
    if (!fold_phrase(typed, buf, sizeof buf) || !split_phrase(buf, &p) || !read_words(&p, 0, &r))
        return WHEN_NOT_UNDERSTOOD;
    if (r.impossible) return WHEN_IMPOSSIBLE;
    struct tm now;
    int today = local_today(zone, now_ms, &now);
    if (!today) return WHEN_NOT_UNDERSTOOD;
    int ymd;
    if (r.dates) {
        if (r.year_digits) {
            int y = full_year(&r);
            if (!date_exists(y, r.month, r.day)) return WHEN_IMPOSSIBLE;
            ymd = ymd_of(y, r.month, r.day);
        } else if (!(ymd = next_date(today, r.month, r.day))) {
            return WHEN_IMPOSSIBLE;
        }
        if (r.weekday != DAY_NONE && ymd_weekday(ymd) != r.weekday) return WHEN_NOT_UNDERSTOOD;
    } else if (r.day_offset != DAY_NONE) {
        ymd = when_add_days(today, r.day_offset);
    } else if (r.weekday != DAY_NONE) {
        int ahead = (r.weekday - ymd_weekday(today) + 7) % 7;
        if (ahead == 0 && !ahead_today(&now, r.hour, r.minute)) ahead = 7;
        ymd = when_add_days(today, ahead);
    } else {
        ymd = ahead_today(&now, r.hour, r.minute) ? today : when_add_days(today, 1);
    }
    return settle(zone, now_ms, ymd, r.hour, r.minute, out);
}

/* Where the end of a series phrase starts: the index of «до», «until» or
 * «till», p->n when there is none. */
static int find_end(const phrase *p)
{
    for (int i = 0; i < p->n; i++)
        if (strcmp(p->word[i], "до") == 0 || strcmp(p->word[i], "until") == 0 || strcmp(p->word[i], "till") == 0)
            return i;
    return p->n;
}

/* «конца программы», «end of (the) program(me)». */
static int program_end(const phrase *p, int from)
{
    static const char *const ru[] = {"конца", "программы", NULL};
    static const char *const en[] = {"end", "of", "the", "program", "programme", NULL};
    int n = p->n - from;
    if (n == 2 && strcmp(p->word[from], ru[0]) == 0 && strcmp(p->word[from + 1], ru[1]) == 0) return 1;
    if (n < 1 || strcmp(p->word[from], "end") != 0) return 0;
    for (int i = from; i < p->n; i++)
        if (!in_list(p->word[i], en)) return 0;
    return 1;
}

when_status when_parse_series(const char *typed, const char *zone, int64_t now_ms, when_series *out)
{
    char buf[WHEN_INPUT_MAX * 2 + 4];
    phrase p;
    reading r;
    memset(out, 0, sizeof *out);
    if (!fold_phrase(typed, buf, sizeof buf) || !split_phrase(buf, &p)) return WHEN_NOT_UNDERSTOOD;
    int end = find_end(&p);
    phrase head = p;
    head.n = end;
    if (!read_words(&head, 1, &r) || !r.series || r.weekday == DAY_NONE || r.dates || r.day_offset != DAY_NONE)
        return WHEN_NOT_UNDERSTOOD;
    if (r.impossible) return WHEN_IMPOSSIBLE;
    struct tm now;
    int today = local_today(zone, now_ms, &now);
    if (!today) return WHEN_NOT_UNDERSTOOD;
    int ahead = (r.weekday - ymd_weekday(today) + 7) % 7;
    if (ahead == 0 && !ahead_today(&now, r.hour, r.minute)) ahead = 7;
    out->weekday = r.weekday;
    out->hour = r.hour;
    out->minute = r.minute;
    out->first_ymd = when_add_days(today, ahead);
    if (end == p.n) return WHEN_OK;
    if (program_end(&p, end + 1)) {
        out->until = WHEN_UNTIL_PROGRAM_END;
        return WHEN_OK;
    }
    if (end + 2 != p.n) return WHEN_NOT_UNDERSTOOD;
    numeric n;
    const char *w = p.word[end + 1];
    if (!isdigit((unsigned char)w[0]) || !read_numeric(w, &n)) return WHEN_NOT_UNDERSTOOD;
    int ymd;
    if (n.count == 2 && (n.sep == '.' || n.sep == '/') && n.digits[0] <= 2 && n.digits[1] <= 2) {
        if (!(ymd = next_date(today, n.part[1], n.part[0]))) return WHEN_IMPOSSIBLE;
    } else if (n.count == 3 && (n.sep == '.' || n.sep == '/') && n.digits[0] <= 2 && n.digits[1] <= 2 &&
               (n.digits[2] == 2 || n.digits[2] == 4)) {
        int y = n.digits[2] == 2 ? 2000 + n.part[2] : n.part[2];
        if (!date_exists(y, n.part[1], n.part[0])) return WHEN_IMPOSSIBLE;
        ymd = ymd_of(y, n.part[1], n.part[0]);
    } else if (n.count == 3 && n.sep == '-' && n.digits[0] == 4 && n.digits[1] <= 2 && n.digits[2] <= 2) {
        if (!date_exists(n.part[0], n.part[1], n.part[2])) return WHEN_IMPOSSIBLE;
        ymd = ymd_of(n.part[0], n.part[1], n.part[2]);
    } else {
        return WHEN_NOT_UNDERSTOOD;
    }
    out->until = WHEN_UNTIL_DATE;
    out->until_ymd = ymd;
    if (ymd < out->first_ymd) return WHEN_PAST;
    if (when_days_between(today, ymd) > WHEN_AHEAD_DAYS_MAX) return WHEN_TOO_FAR;
    return WHEN_OK;
}

static int holiday_compare(const void *key, const void *item) { return strcmp(key, *(const char *const *)item); }

size_t when_series_expand(int weekday, int hour, int minute, int first_ymd, int last_ymd, const char *zone,
                          const char *const *holidays, size_t holiday_count, int64_t *out, size_t max)
{
    if (weekday < 0 || weekday > 6 || hour < 0 || hour > 23 || minute < 0 || minute > 59) return 0;
    size_t total = 0;
    int ymd = when_add_days(first_ymd, (weekday - ymd_weekday(first_ymd) + 7) % 7);
    for (; ymd <= last_ymd; ymd = when_add_days(ymd, 7)) {
        char day[16];
        snprintf(day, sizeof day, "%04d-%02d-%02d", ymd / 10000, ymd / 100 % 100, ymd % 100);
        if (holidays && holiday_count && bsearch(day, holidays, holiday_count, sizeof *holidays, holiday_compare))
            continue;
        int64_t ms;
        if (wall_to_utc(zone, ymd, hour, minute, &ms)) continue;
        if (total < max) out[total] = ms;
        total++;
    }
    return total;
}

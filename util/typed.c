#include "util/typed.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define WORDS_MAX 12          /* words of one typed answer that are looked at */
#define WORD_BYTES 48

int typed_today(int64_t now_ms)
{
    time_t t = (time_t)(now_ms / 1000);
    struct tm tm;
    gmtime_r(&t, &tm);
    return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

int typed_days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12) return 0;
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return days[m - 1];
}

/* Lower-cases ASCII and Russian letters (Ё to ё) into out; 0 when it does not fit. */
int typed_lower(const char *s, char *out, size_t size)
{
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (o + 3 > size) return 0;
        if (p[0] == 0xD0 && p[1] >= 0x90 && p[1] <= 0x9F) { out[o++] = (char)0xD0; out[o++] = (char)(p[1] + 0x20); p++; }
        else if (p[0] == 0xD0 && p[1] >= 0xA0 && p[1] <= 0xAF) { out[o++] = (char)0xD1; out[o++] = (char)(p[1] - 0x20); p++; }
        else if (p[0] == 0xD0 && p[1] == 0x81) { out[o++] = (char)0xD1; out[o++] = (char)0x91; p++; }
        else out[o++] = (char)tolower(*p);
    }
    out[o] = 0;
    return 1;
}

/* Splits lower-cased text into words at spaces and commas; "." at a word's end goes. */
static int split_words(char *s, char *words[], int max)
{
    int n = 0;
    for (char *tok = strtok(s, " \t\n,"); tok; tok = strtok(NULL, " \t\n,")) {
        size_t len = strlen(tok);
        while (len > 0 && (tok[len - 1] == '.' || tok[len - 1] == '!' || tok[len - 1] == '?')) tok[--len] = 0;
        if (!len) continue;
        if (n == max) return -1;
        words[n++] = tok;
    }
    return n;
}

static int starts(const char *word, const char *prefix) { return strncmp(word, prefix, strlen(prefix)) == 0; }

static int in_list(const char *word, const char *const *list)
{
    for (int i = 0; list[i]; i++)
        if (strcmp(word, list[i]) == 0) return 1;
    return 0;
}

/* 1..12 for a month's name in any case form, abbreviated or not; 0 otherwise. */
static int month_of(const char *w)
{
    static const char *const stems[] = {"январ", "феврал", "март", "апрел", NULL, "июн", "июл", "август",
                                        "сентябр", "октябр", "ноябр", "декабр"};
    static const char *const shorts[] = {"янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"};
    static const char *const english[] = {"january", "february", "march", "april", "may", "june", "july",
                                          "august", "september", "october", "november", "december"};
    static const char *const may[] = {"май", "мая", "мае", "маю", "маем", NULL};
    if (in_list(w, may)) return 5;
    for (int m = 0; m < 12; m++) {
        if ((stems[m] && starts(w, stems[m])) || strcmp(w, shorts[m]) == 0 || strcmp(w, english[m]) == 0 ||
            (strlen(w) >= 3 && strncmp(w, english[m], strlen(w)) == 0 && m != 4))
            return m + 1;
    }
    if (strcmp(w, "сент") == 0) return 9;
    return 0;
}

/* A year relative to this one («прошлого года»); 1 and *delta set when w is one. */
static int relative_year(const char *w, int *delta)
{
    if (starts(w, "позапрошл")) *delta = -2;
    else if (starts(w, "прошл") || strcmp(w, "last") == 0) *delta = -1;
    else if (starts(w, "эт") || starts(w, "текущ") || strcmp(w, "this") == 0) *delta = 0;
    else if (starts(w, "следующ") || starts(w, "будущ") || strcmp(w, "next") == 0) *delta = 1;
    else return 0;
    return 1;
}

/* Words that carry nothing for the date itself. */
static int filler(const char *w)
{
    static const char *const words[] = {"в", "во", "к", "на", "около", "примерно", "приблизительно", "где-то",
                                        "наверное", "числа", "г", "год", "года", "году", "гг", "in", "on", "of",
                                        "the", "around", "about", "approximately", "year", "-", "—", NULL};
    return in_list(w, words);
}

static int all_digits(const char *s, size_t *n)
{
    size_t i = 0;
    while (isdigit((unsigned char)s[i])) i++;
    *n = i;
    return i > 0 && s[i] == 0;
}

static int full_year(int y, size_t digits, int today)
{
    if (digits == 4) return y;
    if (digits != 2) return 0;
    int this_year = today / 10000;
    return 2000 + y <= this_year + 20 ? 2000 + y : 1900 + y;
}

/* Digits groups joined by one of . / - : "1.9.25", "2025-09-01", "09.2025", "1.9". */
static int numeric_date(const char *w, int today, int *y, int *m, int *d, date_precision *p)
{
    int part[3] = {0, 0, 0};
    size_t digits[3] = {0, 0, 0};
    int k = 0;
    char sep = 0;
    for (const char *c = w; *c; c++) {
        if (isdigit((unsigned char)*c)) {
            if (++digits[k] > 4) return 0;
            part[k] = part[k] * 10 + (*c - '0');
        } else if ((*c == '.' || *c == '/' || *c == '-') && digits[k] && k < 2 && (!sep || sep == *c)) {
            sep = *c;
            k++;
        } else {
            return 0;
        }
    }
    if (!digits[k]) return 0;
    if (k == 2 && digits[0] == 4) { /* ISO order */
        *y = part[0], *m = part[1], *d = part[2], *p = DATE_DAY;
        return digits[1] <= 2 && digits[2] <= 2;
    }
    if (k == 2) {
        *d = part[0], *m = part[1], *y = full_year(part[2], digits[2], today), *p = DATE_DAY;
        return digits[0] <= 2 && digits[1] <= 2 && *y;
    }
    if (k == 1 && digits[1] == 4) {
        *m = part[0], *y = part[1], *d = 1, *p = DATE_MONTH;
        return digits[0] <= 2;
    }
    if (k == 1) {
        *d = part[0], *m = part[1], *y = 0, *p = DATE_DAY;
        return digits[0] <= 2 && digits[1] <= 2;
    }
    if (digits[0] == 4) {
        *y = part[0], *m = 1, *d = 1, *p = DATE_YEAR;
        return 1;
    }
    return 0;
}

int typed_date_parse(const char *typed, int today, date_lean lean, date_read *out)
{
    char buf[TYPED_INPUT_MAX * 2];
    char *words[WORDS_MAX];
    if (!typed || strlen(typed) > TYPED_INPUT_MAX || !typed_lower(typed, buf, sizeof buf)) return 0;
    int n = split_words(buf, words, WORDS_MAX);
    if (n <= 0) return 0;
    int y = 0, m = 0, d = 0, delta = 0, relative = 0, numeric = 0;
    date_precision p = DATE_YEAR;
    for (int i = 0; i < n; i++) {
        const char *w = words[i];
        size_t digits;
        int month = month_of(w), rel;
        if (all_digits(w, &digits)) {
            int v = atoi(w);
            if (digits == 4 && !y) y = v;
            else if (digits <= 2 && !d && !m && !y) d = v;
            else return 0;
        } else if (strchr(w, '.') || strchr(w, '/') || (isdigit((unsigned char)w[0]) && strchr(w, '-'))) {
            if (numeric || m || d || y || !numeric_date(w, today, &y, &m, &d, &p)) return 0;
            numeric = 1;
        } else if (month) {
            if (m) return 0;
            m = month;
        } else if (relative_year(w, &rel)) {
            if (relative) return 0;
            relative = 1, delta = rel;
        } else if (!filler(w)) {
            return 0;
        }
    }
    if (!numeric) {
        if (d && !m) return 0;
        p = d ? DATE_DAY : m ? DATE_MONTH : DATE_YEAR;
        if (!m && !y) return 0;
        if (!m) m = 1;
        if (!d) d = 1;
    }
    if (relative && y) return 0;
    int ty = today / 10000, tm = today / 100 % 100, td = today % 100;
    if (relative) y = ty + delta;
    if (!y) {
        /* No year: the coming occurrence, or the last one for past dates. */
        int later = p == DATE_MONTH ? m > tm : (m > tm || (m == tm && d > td));
        int earlier = p == DATE_MONTH ? m < tm : (m < tm || (m == tm && d < td));
        y = ty;
        if (lean == DATE_LEAN_FUTURE && earlier) y = ty + 1;
        if (lean == DATE_LEAN_PAST && later) y = ty - 1;
    }
    if (y < TYPED_YEAR_MIN || y > TYPED_YEAR_MAX || m < 1 || m > 12 || d < 1 || d > typed_days_in_month(y, m))
        return 0;
    out->ymd = y * 10000 + m * 100 + d;
    out->precision = p;
    return 1;
}

int typed_date_end(const date_read *d)
{
    int y = d->ymd / 10000, m = d->ymd / 100 % 100;
    if (d->precision == DATE_YEAR) return y * 10000 + 1231;
    if (d->precision == DATE_MONTH) return y * 10000 + m * 100 + typed_days_in_month(y, m);
    return d->ymd;
}

void typed_date_format(const date_read *d, const char *lang, char *buf, size_t size)
{
    static const char *const genitive[] = {"января", "февраля", "марта", "апреля", "мая", "июня", "июля",
                                           "августа", "сентября", "октября", "ноября", "декабря"};
    static const char *const nominative[] = {"январь", "февраль", "март", "апрель", "май", "июнь", "июль",
                                             "август", "сентябрь", "октябрь", "ноябрь", "декабрь"};
    static const char *const english[] = {"January", "February", "March", "April", "May", "June", "July",
                                          "August", "September", "October", "November", "December"};
    int y = d->ymd / 10000, m = d->ymd / 100 % 100, day = d->ymd % 100;
    int en = lang && strcmp(lang, "en") == 0;
    if (m < 1 || m > 12) m = 1;
    if (d->precision == DATE_YEAR) snprintf(buf, size, en ? "%d" : "%d год", y);
    else if (d->precision == DATE_MONTH) snprintf(buf, size, "%s %d", en ? english[m - 1] : nominative[m - 1], y);
    else snprintf(buf, size, "%d %s %d", day, en ? english[m - 1] : genitive[m - 1], y);
}

void typed_date_example(int today, date_lean lean, char *buf, size_t size)
{
    int y = today / 10000, m = today / 100 % 100 + (lean == DATE_LEAN_PAST ? -1 : 1);
    if (m > 12) m = 1, y++;
    if (m < 1) m = 12, y--;
    snprintf(buf, size, "01.%02d.%04d", m, y);
}

static int number_word(const char *w, long *v)
{
    static const char *const ru[][21] = {
        {"ноль", "нуль", NULL}, {"один", "одна", "одно", "одного", "одной", NULL}, {"два", "две", "двух", NULL},
        {"три", "трёх", "трех", NULL}, {"четыре", "четырёх", "четырех", NULL}, {"пять", "пяти", NULL},
        {"шесть", "шести", NULL}, {"семь", "семи", NULL}, {"восемь", "восьми", NULL}, {"девять", "девяти", NULL},
        {"десять", "десяти", NULL}, {"одиннадцать", NULL}, {"двенадцать", NULL}, {"тринадцать", NULL},
        {"четырнадцать", NULL}, {"пятнадцать", NULL}, {"шестнадцать", NULL}, {"семнадцать", NULL},
        {"восемнадцать", NULL}, {"девятнадцать", NULL}, {"двадцать", NULL}};
    static const char *const en[] = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
                                     "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen",
                                     "sixteen", "seventeen", "eighteen", "nineteen", "twenty"};
    static const char *const tens_ru[] = {"тридцать", "сорок", "пятьдесят"};
    static const char *const tens_en[] = {"thirty", "forty", "fifty"};
    for (int i = 0; i <= 20; i++) {
        if (in_list(w, ru[i]) || strcmp(w, en[i]) == 0) {
            *v = i;
            return 1;
        }
    }
    for (int i = 0; i < 3; i++) {
        if (strcmp(w, tens_ru[i]) == 0 || strcmp(w, tens_en[i]) == 0) {
            *v = 30 + 10 * i;
            return 1;
        }
    }
    return 0;
}

int typed_number_parse(const char *typed, long *out)
{
    char buf[TYPED_INPUT_MAX * 2];
    if (!typed || strlen(typed) > TYPED_INPUT_MAX || !typed_lower(typed, buf, sizeof buf)) return 0;
    char *s = buf;
    while (isspace((unsigned char)*s)) s++;
    char *rest;
    long v;
    if (*s == '-' || isdigit((unsigned char)*s)) {
        char *end;
        v = strtol(s, &end, 10);
        if (end == s || (*s == '-' && end == s + 1) || end - s > 9) return 0;
        rest = end;
        /* A unit may follow («2 раза», «2010 г.»), but no second number («2-3», «1,5»). */
        if (*rest && !isspace((unsigned char)*rest) && (unsigned char)*rest < 0x80 && !isalpha((unsigned char)*rest) &&
            strcmp(rest, ".") != 0)
            return 0;
    } else {
        char *words[WORDS_MAX];
        int n = split_words(s, words, WORDS_MAX);
        long unit;
        if (n <= 0 || !number_word(words[0], &v)) return 0;
        int first_unit = 1;
        if (n > 1 && v >= 20 && v % 10 == 0 && number_word(words[1], &unit) && unit >= 1 && unit <= 9) {
            v += unit;
            first_unit = 2;
        }
        /* «два или три» names no one number. */
        for (int i = first_unit; i < n; i++)
            if (number_word(words[i], &unit) || strpbrk(words[i], "0123456789")) return 0;
        *out = v;
        return 1;
    }
    for (const char *c = rest; *c; c++)
        if (isdigit((unsigned char)*c)) return 0;
    *out = v;
    return 1;
}

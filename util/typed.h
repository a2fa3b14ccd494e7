/*
 * What people type into a chat for dates and numbers, in Russian or English:
 *   01.09.2025  1.9.25  1/9/25  2025-09-01  25.05.27  09.2025
 *   1 сентября 2025  в мае  в сентябре прошлого года  сентябрь 2025
 *   2010  2010 г.  в 2010 году
 * and numbers such as «2», «2 раза», «2010 г.», «два», «двадцать пять».
 *
 * An answer may name a day, a month or a whole year (its precision). A
 * missing year is resolved against today: to the coming occurrence for
 * dates that lie ahead, to the last one for dates in the past. Dates are
 * ints YYYYMMDD; a month or a year is stored as its first day.
 *
 * This module knows no clock: today is passed in (typed_today() converts
 * a clock reading), so every function can be tested with any day.
 */
#ifndef MB_TYPED_H
#define MB_TYPED_H

#include <stddef.h>
#include <stdint.h>

#define TYPED_INPUT_MAX 80      /* bytes of a typed date or number that are read */
#define TYPED_YEAR_MIN 1940      /* earlier years are taken for a typo */
#define TYPED_YEAR_MAX 2999

typedef enum date_precision { DATE_DAY = 0, DATE_MONTH, DATE_YEAR } date_precision;

/* Which way a date without a year leans. */
typedef enum date_lean { DATE_LEAN_FUTURE = 0, DATE_LEAN_PAST } date_lean;

typedef struct date_read {
    int ymd;                     /* first day of the period, YYYYMMDD */
    date_precision precision;
} date_read;

/* The UTC day of a clock reading (milliseconds) as YYYYMMDD. */
int typed_today(int64_t now_ms);

/* Reads a typed date; 1 and *out filled when it is one that exists, else 0. */
int typed_date_parse(const char *typed, int today, date_lean lean, date_read *out);

/* The last day of the period d names, YYYYMMDD. */
int typed_date_end(const date_read *d);

/* Writes d as a person says it: "1 сентября 2025", "сентябрь 2025",
 * "2025 год" (lang "ru"), or "1 September 2025", "September 2025", "2025". */
void typed_date_format(const date_read *d, const char *lang, char *buf, size_t size);

/* An example for a hint, DD.MM.YYYY: the first day of next month, or of
 * last month for dates in the past, so it never contradicts the question. */
void typed_date_example(int today, date_lean lean, char *buf, size_t size);

/* Reads a whole number typed as digits with an optional unit after it
 * («2 раза», «2010 г.», «5 лет») or as words («два», «двадцать пять»).
 * 1 and *out set when it is one; 0 otherwise (also for «2-3» or «1,5»). */
int typed_number_parse(const char *typed, long *out);

/* Lower-cases ASCII and Russian letters (Ё to ё) of s into out (size
 * bytes); 0 when it does not fit. */
int typed_lower(const char *s, char *out, size_t size);

/* Days in a month of a year. */
int typed_days_in_month(int y, int m);

#endif

/*
 * Dates and numbers as people type them: the forms a survey accepts, the
 * year a date without one gets, what is said back, and what is refused.
 * Today is fixed by freezing the clock, so the year a missing one resolves
 * to is the same on every run.
 */
#include "tests/unit.h"

#include "util/clock.h"
#include "util/instrument.h"
#include "util/typed.h"

#include <string.h>

/* 2026-12-02 10:00 UTC */
#define FROZEN_MS 1796205600000LL

static int today(void) { return typed_today(clock_now_ms()); }

static int read_date(const char *typed, date_lean lean, date_precision *p)
{
    date_read d = {0};
    if (!typed_date_parse(typed, today(), lean, &d)) return 0;
    if (p) *p = d.precision;
    return d.ymd;
}

static const char *said(const char *typed, date_lean lean, const char *lang)
{
    static char buf[64];
    date_read d = {0};
    buf[0] = 0;
    if (typed_date_parse(typed, today(), lean, &d)) typed_date_format(&d, lang, buf, sizeof buf);
    return buf;
}

TEST(clock_is_frozen_on_the_day_the_tests_expect)
{
    clock_set_ms(FROZEN_MS);
    CHECK_INT(today(), 20261202);
}

TEST(dates_in_digits_in_every_common_order)
{
    clock_set_ms(FROZEN_MS);
    date_precision p = DATE_YEAR;
    CHECK_INT(read_date("2025-09-01", DATE_LEAN_PAST, &p), 20250901);
    CHECK_INT(p, DATE_DAY);
    CHECK_INT(read_date("1/9/25", DATE_LEAN_PAST, NULL), 20250901);
    CHECK_INT(read_date("01.09.2025", DATE_LEAN_PAST, NULL), 20250901);
    CHECK_INT(read_date("1.9.2025", DATE_LEAN_PAST, NULL), 20250901);
    CHECK_INT(read_date("25.05.27", DATE_LEAN_FUTURE, NULL), 20270525);
    CHECK_INT(read_date(" 25.05.2027 г. ", DATE_LEAN_FUTURE, NULL), 20270525);
    CHECK_INT(read_date("09.2025", DATE_LEAN_PAST, &p), 20250901);
    CHECK_INT(p, DATE_MONTH);
    /* day and month without a year: the coming one, or the last one */
    CHECK_INT(read_date("25.05", DATE_LEAN_FUTURE, NULL), 20270525);
    CHECK_INT(read_date("25.05", DATE_LEAN_PAST, NULL), 20260525);
    CHECK_INT(read_date("25.12", DATE_LEAN_PAST, NULL), 20251225);
    CHECK_INT(read_date("25.12", DATE_LEAN_FUTURE, NULL), 20261225);
}

TEST(dates_in_words_with_and_without_a_year)
{
    clock_set_ms(FROZEN_MS);
    date_precision p = DATE_DAY;
    CHECK_INT(read_date("в мае", DATE_LEAN_FUTURE, &p), 20270501);
    CHECK_INT(p, DATE_MONTH);
    CHECK_INT(read_date("в мае", DATE_LEAN_PAST, NULL), 20260501);
    CHECK_INT(read_date("В сентябре прошлого года", DATE_LEAN_PAST, &p), 20250901);
    CHECK_INT(p, DATE_MONTH);
    CHECK_INT(read_date("сентябрь 2025", DATE_LEAN_PAST, NULL), 20250901);
    CHECK_INT(read_date("Сентябрь 2025", DATE_LEAN_FUTURE, NULL), 20250901);
    CHECK_INT(read_date("1 сентября 2025 года", DATE_LEAN_PAST, &p), 20250901);
    CHECK_INT(p, DATE_DAY);
    CHECK_INT(read_date("примерно в декабре", DATE_LEAN_FUTURE, NULL), 20261201);
    CHECK_INT(read_date("в декабре", DATE_LEAN_PAST, NULL), 20261201);
    CHECK_INT(read_date("в январе следующего года", DATE_LEAN_FUTURE, NULL), 20270101);
    CHECK_INT(read_date("2010 г.", DATE_LEAN_PAST, &p), 20100101);
    CHECK_INT(p, DATE_YEAR);
    CHECK_INT(read_date("в 2010 году", DATE_LEAN_PAST, NULL), 20100101);
    CHECK_INT(read_date("May 2027", DATE_LEAN_FUTURE, NULL), 20270501);
    CHECK_INT(read_date("1 сент. 2025", DATE_LEAN_PAST, NULL), 20250901);
}

TEST(what_is_not_a_date_is_refused)
{
    clock_set_ms(FROZEN_MS);
    const char *bad[] = {"32.05.2027", "29.02.2025", "31.04.2025", "вчера", "", "   ", "мая мая", "5",
                         "1.2.3.4", "2025-13-01", "в мае 2025 прошлого года", "1939", "01.09.1939",
                         "1 2 сентября", "сентября 1", "12345", "много"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int got = read_date(bad[i], DATE_LEAN_PAST, NULL);
        if (got) fprintf(stderr, "  \"%s\" was read as %d\n", bad[i], got);
        CHECK_INT(got, 0);
    }
    CHECK_INT(read_date("29.02.2024", DATE_LEAN_PAST, NULL), 20240229);
}

TEST(what_was_understood_is_said_back)
{
    clock_set_ms(FROZEN_MS);
    CHECK_STR(said("1/9/25", DATE_LEAN_PAST, "ru"), "1 сентября 2025");
    CHECK_STR(said("в мае", DATE_LEAN_FUTURE, "ru"), "май 2027");
    CHECK_STR(said("в сентябре прошлого года", DATE_LEAN_PAST, "ru"), "сентябрь 2025");
    CHECK_STR(said("2010 г.", DATE_LEAN_PAST, "ru"), "2010 год");
    CHECK_STR(said("1/9/25", DATE_LEAN_PAST, "en"), "1 September 2025");
    CHECK_STR(said("в мае", DATE_LEAN_FUTURE, "en"), "May 2027");
}

TEST(example_dates_follow_the_clock)
{
    char ex[16];
    clock_set_ms(FROZEN_MS);
    typed_date_example(today(), DATE_LEAN_FUTURE, ex, sizeof ex);
    CHECK_STR(ex, "01.01.2027");
    typed_date_example(today(), DATE_LEAN_PAST, ex, sizeof ex);
    CHECK_STR(ex, "01.11.2026");
    /* a year later the example moves with it */
    clock_set_ms(FROZEN_MS + 365LL * 24 * 3600 * 1000);
    typed_date_example(today(), DATE_LEAN_FUTURE, ex, sizeof ex);
    CHECK_STR(ex, "01.01.2028");
    CHECK(read_date(ex, DATE_LEAN_FUTURE, NULL) > today());
}

TEST(numbers_with_units_and_in_words)
{
    long n = -1;
    CHECK(typed_number_parse("2", &n));
    CHECK_INT(n, 2);
    CHECK(typed_number_parse("2010 г.", &n));
    CHECK_INT(n, 2010);
    CHECK(typed_number_parse("2 раза", &n));
    CHECK_INT(n, 2);
    CHECK(typed_number_parse("3 раза в месяц", &n));
    CHECK_INT(n, 3);
    CHECK(typed_number_parse("два", &n));
    CHECK_INT(n, 2);
    CHECK(typed_number_parse("Две", &n));
    CHECK_INT(n, 2);
    CHECK(typed_number_parse("двадцать пять лет", &n));
    CHECK_INT(n, 25);
    CHECK(typed_number_parse("ноль", &n));
    CHECK_INT(n, 0);
    CHECK(typed_number_parse("five", &n));
    CHECK_INT(n, 5);
    CHECK(typed_number_parse("5.", &n));
    CHECK_INT(n, 5);
    CHECK(typed_number_parse("-3", &n));
    CHECK_INT(n, -3);
    const char *bad[] = {"много", "2-3", "1,5", "2.5", "два или три", "2 или 3", "", "-", "раз", "1234567890"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int ok = typed_number_parse(bad[i], &n);
        if (ok) fprintf(stderr, "  \"%s\" was read as %ld\n", bad[i], n);
        CHECK(!ok);
    }
}

static instrument_item item_of(item_type type, int min, int max)
{
    instrument_item it;
    memset(&it, 0, sizeof it);
    it.id = "x";
    it.type = type;
    it.least = min;
    it.most = max;
    return it;
}

TEST(survey_items_take_the_new_forms)
{
    clock_set_ms(FROZEN_MS);
    char v[64];
    instrument_item number = item_of(ITEM_NUMBER, 1, 8);
    CHECK_INT(instrument_check_typed(&number, "2 раза", today(), v, sizeof v), ANSWER_OK);
    CHECK_STR(v, "2");
    CHECK_INT(instrument_check_typed(&number, "два", today(), v, sizeof v), ANSWER_OK);
    CHECK_INT(instrument_check_typed(&number, "2010 г.", today(), v, sizeof v), ANSWER_OUT_OF_RANGE);

    instrument_item exam = item_of(ITEM_DATE, 0, 0);
    exam.future = 1;
    CHECK_INT(instrument_check_typed(&exam, "в мае", today(), v, sizeof v), ANSWER_OK);
    CHECK_STR(v, "2027-05-01");
    CHECK_INT(instrument_check_typed(&exam, "25.05.26", today(), v, sizeof v), ANSWER_PAST_DATE);
    CHECK_INT(instrument_check_typed(&exam, "в декабре", today(), v, sizeof v), ANSWER_OK); /* this month counts */
    CHECK_INT(instrument_check_typed(&exam, "2.12.2026", today(), v, sizeof v), ANSWER_OK);

    instrument_item trained = item_of(ITEM_DATE, 0, 0);
    trained.past = 1;
    CHECK_INT(instrument_check_typed(&trained, "в сентябре прошлого года", today(), v, sizeof v), ANSWER_OK);
    CHECK_STR(v, "2025-09-01");
    CHECK_INT(instrument_check_typed(&trained, "в мае", today(), v, sizeof v), ANSWER_OK);
    CHECK_STR(v, "2026-05-01");
    CHECK_INT(instrument_check_typed(&trained, "в январе следующего года", today(), v, sizeof v), ANSWER_FUTURE_DATE);
    CHECK(instrument_value_valid(&trained, "2025-09-01"));
}

int main(void)
{
    RUN(clock_is_frozen_on_the_day_the_tests_expect);
    RUN(dates_in_digits_in_every_common_order);
    RUN(dates_in_words_with_and_without_a_year);
    RUN(what_is_not_a_date_is_refused);
    RUN(what_was_understood_is_said_back);
    RUN(example_dates_follow_the_clock);
    RUN(numbers_with_units_and_in_words);
    RUN(survey_items_take_the_new_forms);
    clock_release();
    return unit_summary();
}

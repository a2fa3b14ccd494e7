/*
 * The one clock. Every piece of code reads wall time through clock_now_ms()
 * so tests can set and advance it. Times are UTC milliseconds since the epoch.
 *
 * Outside tests the clock follows the system clock, shifted by the
 * environment variable MENTORBOT_CLOCK_OFFSET_S (seconds, may be negative)
 * when it is set; end-to-end tests use that to run a process "in the future".
 */
#ifndef MB_CLOCK_H
#define MB_CLOCK_H

#include <stddef.h>
#include <stdint.h>

int64_t clock_now_ms(void);

/* Freezes the clock at ms; later reads return it until advanced or released. */
void clock_set_ms(int64_t ms);

/* Moves a frozen clock forward by delta_ms (no effect when not frozen). */
void clock_advance_ms(int64_t delta_ms);

/* Returns to the system clock. */
void clock_release(void);

/* Writes ms as "2026-11-24T10:00:00.123Z" into buf (at least 25 bytes). */
void clock_format_iso(int64_t ms, char *buf, size_t size);

/* The calendar year of ms in UTC. */
int clock_year_utc(int64_t ms);

#endif

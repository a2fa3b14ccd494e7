/*
 * Local time in a named zone (IANA, e.g. Asia/Tomsk) from the system's
 * timezone database, through localtime_r with TZ set for the call. The
 * process is single-threaded where this is used (the event loop), and TZ
 * is put back as it was afterwards.
 */
#ifndef MB_TZ_H
#define MB_TZ_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* The local time of ms (UTC milliseconds) in zone; an empty or NULL zone
 * means UTC. 0 on success. */
int tz_local(const char *zone, int64_t ms, struct tm *out);

/* The UTC milliseconds of a local wall time in zone (fields of local as
 * written: tm_year since 1900, tm_mon 0-11, tm_mday, tm_hour, tm_min;
 * the rest ignored). 0 on success; -1 for an impossible date (31.02) or a
 * time the zone skips (a daylight-saving gap). A time that occurs twice
 * (the hour repeated when the clocks go back) is its first occurrence. */
int tz_from_local(const char *zone, const struct tm *local, int64_t *ms);

/* "24.11.2026 15:04" (lang "ru") or "2026-11-24 15:04" in zone into buf;
 * with_time 0 leaves the time out. */
void tz_format(const char *zone, int64_t ms, const char *lang, int with_time, char *buf, size_t size);

#endif

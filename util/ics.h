/*
 * Meetings as an iCalendar file (RFC 5545, METHOD:PUBLISH) that a phone's
 * calendar imports: one VEVENT per meeting, written by libical, which also
 * escapes the text (commas, semicolons, new lines) and folds long lines.
 *
 * Times are given in UTC and written as wall times of the organisation's
 * zone with TZID, next to a VTIMEZONE built by libical from the system's
 * zoneinfo and cut down to the years the events span. When the zone is
 * empty or the system has no such zone, times are written in UTC ("Z").
 *
 * A calendar imports an event with the UID of one it has, and a higher
 * SEQUENCE, as a change of that event (STATUS:CANCELLED removes it), so
 * the caller keeps UIDs stable ("meeting-42@mentorbot") and raises the
 * sequence on every change.
 */
#ifndef MB_ICS_H
#define MB_ICS_H

#include "util/status.h"

#include <stddef.h>
#include <stdint.h>

#define ICS_EVENTS_MAX 200  /* events of one calendar file */
#define ICS_TEXT_MAX 4000   /* bytes of one text field (summary, place, link, description) */

typedef struct ics_event {
    const char *uid;         /* required, stable across updates */
    int sequence;            /* 0 for the first version, raised on every change */
    int64_t start_ms;        /* UTC milliseconds */
    int64_t end_ms;          /* UTC milliseconds, after start_ms */
    const char *summary;     /* the topic; required */
    const char *location;    /* the place; NULL or "" leaves it out */
    const char *url;         /* a link to an online meeting; NULL or "" leaves it out */
    const char *description; /* NULL or "" leaves it out */
    int cancelled;           /* STATUS:CANCELLED instead of CONFIRMED */
} ics_event;

/*
 * Writes a calendar of count events (1..ICS_EVENTS_MAX) in zone, stamped
 * (DTSTAMP) at stamp_ms, into *out: a malloc'd NUL-terminated string with
 * CRLF line ends that the caller frees. MB_ERR_INVALID for a missing UID or
 * summary, an end not after the start, text that is not UTF-8 or longer
 * than ICS_TEXT_MAX; MB_ERR_LIMIT for too many events; MB_ERR_NOMEM.
 * *out is NULL on error.
 */
mb_status ics_write(const char *zone, const ics_event *events, size_t count, int64_t stamp_ms, char **out);

#endif

#include "util/ics.h"

#include "util/text.h"
#include "util/tz.h"

#include <libical/ical.h>
#include <stdlib.h>
#include <string.h>

#define PRODID "-//Mentorbot//Meetings//EN"
#define YEAR_MS (366LL * 24 * 3600 * 1000)

static icaltimetype utc_time(int64_t ms)
{
    return icaltime_from_timet_with_zone((time_t)(ms / 1000), 0, icaltimezone_get_utc_timezone());
}

/* ms as a wall time of zone, without a zone of its own: the TZID parameter
 * beside it names the VTIMEZONE of the file. */
static int wall_time(const char *zone, int64_t ms, icaltimetype *out)
{
    struct tm t;
    if (tz_local(zone, ms, &t)) return -1;
    *out = icaltime_null_time();
    out->year = t.tm_year + 1900;
    out->month = t.tm_mon + 1;
    out->day = t.tm_mday;
    out->hour = t.tm_hour;
    out->minute = t.tm_min;
    out->second = t.tm_sec;
    return 0;
}

static int text_ok(const char *s)
{
    if (!s) return 1;
    size_t n = strlen(s);
    return n <= ICS_TEXT_MAX && text_utf8_valid(s, n);
}

static int present(const char *s) { return s && *s; }

/* A VTIMEZONE for zone from the system's zoneinfo with TZID set to the
 * zone's own name (libical prefixes its own), kept to the span of the
 * events and a year either side, so it still holds a whole year's
 * daylight-saving rules; NULL when the system has no such zone. */
static icalcomponent *zone_component(const char *zone, int64_t first_ms, int64_t last_ms)
{
    icalcomponent *vtz = icaltzutil_fetch_timezone(zone);
    if (!vtz) return NULL;
    icalproperty *tzid = icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY);
    if (tzid) icalproperty_set_tzid(tzid, zone);
    else icalcomponent_add_property(vtz, icalproperty_new_tzid(zone));
    icaltimezone_truncate_vtimezone(vtz, utc_time(first_ms - YEAR_MS), utc_time(last_ms + YEAR_MS), 1);
    return vtz;
}

static icalproperty *time_property(icalproperty *p, const char *zone)
{
    if (p && zone) icalproperty_add_parameter(p, icalparameter_new_tzid(zone));
    return p;
}

static icalcomponent *event_component(const ics_event *e, const char *zone, int64_t stamp_ms)
{
    icaltimetype start, end;
    if (zone) {
        if (wall_time(zone, e->start_ms, &start) || wall_time(zone, e->end_ms, &end)) return NULL;
    } else {
        start = utc_time(e->start_ms);
        end = utc_time(e->end_ms);
    }
    icalcomponent *ev = icalcomponent_new(ICAL_VEVENT_COMPONENT);
    if (!ev) return NULL;
    icalcomponent_add_property(ev, icalproperty_new_uid(e->uid));
    icalcomponent_add_property(ev, icalproperty_new_sequence(e->sequence));
    icalcomponent_add_property(ev, icalproperty_new_dtstamp(utc_time(stamp_ms)));
    icalcomponent_add_property(ev, time_property(icalproperty_new_dtstart(start), zone));
    icalcomponent_add_property(ev, time_property(icalproperty_new_dtend(end), zone));
    icalcomponent_add_property(ev, icalproperty_new_summary(e->summary));
    if (present(e->location)) icalcomponent_add_property(ev, icalproperty_new_location(e->location));
    if (present(e->url)) icalcomponent_add_property(ev, icalproperty_new_url(e->url));
    if (present(e->description)) icalcomponent_add_property(ev, icalproperty_new_description(e->description));
    icalcomponent_add_property(ev, icalproperty_new_status(e->cancelled ? ICAL_STATUS_CANCELLED
                                                                        : ICAL_STATUS_CONFIRMED));
    return ev;
}

mb_status ics_write(const char *zone, const ics_event *events, size_t count, int64_t stamp_ms, char **out)
{
    *out = NULL;
    if (!events || count == 0) return MB_ERR_INVALID;
    if (count > ICS_EVENTS_MAX) return MB_ERR_LIMIT;
    int64_t first = events[0].start_ms, last = events[0].end_ms;
    for (size_t i = 0; i < count; i++) {
        const ics_event *e = &events[i];
        if (!present(e->uid) || !present(e->summary) || e->end_ms <= e->start_ms || !text_ok(e->uid) ||
            !text_ok(e->summary) || !text_ok(e->location) || !text_ok(e->url) || !text_ok(e->description))
            return MB_ERR_INVALID;
        if (e->start_ms < first) first = e->start_ms;
        if (e->end_ms > last) last = e->end_ms;
    }
    mb_status rc = MB_ERR_NOMEM;
    char *text = NULL;
    icalcomponent *cal = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
    if (!cal) goto out;
    icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
    icalcomponent_add_property(cal, icalproperty_new_prodid(PRODID));
    icalcomponent_add_property(cal, icalproperty_new_method(ICAL_METHOD_PUBLISH));
    icalcomponent *vtz = present(zone) ? zone_component(zone, first, last) : NULL;
    const char *tzid = vtz ? zone : NULL;
    if (vtz) icalcomponent_add_component(cal, vtz);
    for (size_t i = 0; i < count; i++) {
        icalcomponent *ev = event_component(&events[i], tzid, stamp_ms);
        if (!ev) goto out;
        icalcomponent_add_component(cal, ev);
    }
    text = icalcomponent_as_ical_string_r(cal);
    if (!text) goto out;
    *out = strdup(text);
    if (*out) rc = MB_OK;
out:
    icalmemory_free_buffer(text);
    if (cal) icalcomponent_free(cal);
    return rc;
}

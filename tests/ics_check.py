"""Reads an iCalendar file with the icalendar package (an independent
parser) for tests/test_ics.c and prints, per event, one line:
UID|SUMMARY|DTSTART in UTC|STATUS|LOCATION|DESCRIPTION with new lines as \\n.
A DTSTART with TZID is converted through the file's own VTIMEZONE, so a
wrong VTIMEZONE shows as a wrong time. Exits 2 on any problem."""
import sys
from datetime import timezone

import icalendar


def local_until(vtimezone):
    """RFC 5545 writes an observance's RRULE UNTIL in UTC; this version of
    the package only expands it as a local time, so it is given as one."""
    for obs in vtimezone.subcomponents:
        rule = obs.get('RRULE')
        if not rule or 'UNTIL' not in rule:
            continue
        offset = obs['TZOFFSETFROM'].td
        rule['UNTIL'] = [u.astimezone(timezone.utc).replace(tzinfo=None) + offset
                         if getattr(u, 'tzinfo', None) else u for u in rule['UNTIL']]


def main():
    with open(sys.argv[1], 'rb') as f:
        cal = icalendar.Calendar.from_ical(f.read())
    if str(cal.get('METHOD')) != 'PUBLISH' or str(cal.get('VERSION')) != '2.0':
        sys.exit('not a published 2.0 calendar')
    zones = {}
    for tz in cal.walk('VTIMEZONE'):
        local_until(tz)
        zones[str(tz['TZID'])] = tz.to_tz()
    for ev in cal.walk('VEVENT'):
        prop = ev['DTSTART']
        start = prop.dt
        tzid = prop.params.get('TZID')
        if tzid is not None:
            if tzid not in zones:
                sys.exit('no VTIMEZONE for ' + tzid)
            start = zones[tzid].localize(start.replace(tzinfo=None))
        elif start.tzinfo is None:
            sys.exit('floating DTSTART')
        start = start.astimezone(timezone.utc)
        fields = [str(ev['UID']), str(ev['SUMMARY']), start.strftime('%Y-%m-%dT%H:%MZ'),
                  str(ev.get('STATUS', '')), str(ev.get('LOCATION', '')), str(ev.get('DESCRIPTION', ''))]
        print('|'.join(x.replace('\n', '\\n') for x in fields))


if __name__ == '__main__':
    try:
        main()
    except SystemExit:
        raise
    except Exception as err:  # a parse error is a failed check, reported as such
        sys.exit('%s: %s' % (type(err).__name__, err))

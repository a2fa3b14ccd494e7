/*
 * The digest's picture (PNG, cairo, text by pango in DejaVu Sans so
 * Cyrillic renders): indicators of this year as horizontal bars against
 * their targets, then the meetings held in each week of the programme so
 * far. Drawn for a phone: CHART_WIDTH pixels wide, no text smaller than
 * CHART_FONT_PX. Each thing has one colour wherever it is drawn (the
 * CHART_COLOUR_x below; docs/digest.md shows them).
 */
#ifndef MB_REPORT_CHART_H
#define MB_REPORT_CHART_H

#include "util/status.h"

#define CHART_WIDTH 1080
#define CHART_FONT_PX 28
#define CHART_TITLE_PX 36
#define CHART_BARS_MAX 24          /* indicators drawn; more are left to the workbook */
#define CHART_WEEKS_MAX 53
#define CHART_HEIGHT_MAX 4000      /* a picture taller than this is cut (platforms refuse huge photos) */

#define CHART_COLOUR_FACT 0x1F6FB4     /* what was reached: an indicator's value */
#define CHART_COLOUR_TARGET 0xD9480F   /* what is to be reached: a target */
#define CHART_COLOUR_HELD 0x2B8A3E     /* meetings held */
#define CHART_COLOUR_TRACK 0xE9ECEF    /* the empty rest of a bar */

typedef struct chart_bar {
    const char *label;         /* the indicator's name */
    const char *value_text;    /* "45 % · цель 60 %" as the reader reads it */
    double fact, target;       /* in the indicator's unit */
    int has_fact, has_target;
} chart_bar;

typedef struct chart_input {
    const char *title;
    const char *bars_title;
    const chart_bar *bars;
    int nbars;
    const char *bars_empty;    /* said instead of bars when there are none */
    const char *trend_title;
    const int *held_by_week;   /* meetings held per week, oldest first */
    int weeks;
    const char *trend_first, *trend_last;   /* labels under the first and last week */
    const char *trend_empty;   /* said instead when no meeting was held */
    const char *legend_fact, *legend_target, *legend_held;
} chart_input;

/* Draws in and writes it as a PNG to path. MB_ERR_IO when the file could
 * not be written, MB_ERR_NOMEM when drawing ran out of memory. Text is
 * taken as UTF-8; invalid bytes are drawn as replacement characters. */
mb_status chart_write_png(const chart_input *in, const char *path);

/* Lets go of the fonts and caches drawing loaded (at the end of the
 * process, so a leak checker sees only real leaks). */
void chart_release(void);

#endif

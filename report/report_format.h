/*
 * An indicator report as people read it: the text table a curator or
 * coordinator reads (in the chat and from the CLI; words from the message
 * catalogs), CSV for a spreadsheet (code,name,scope,period,numerator,
 * denominator,value,target,unit,rounding), and XLSX laid out like the
 * monitoring tables.
 */
#ifndef MB_REPORT_FORMAT_H
#define MB_REPORT_FORMAT_H

#include <stdio.h>

#include "report/indicators.h"
#include "util/i18n.h"

#define IND_TEXT_MAX (256 * 1024)   /* bytes of one text report */

/*
 * The text report in lang (malloc'd; NULL when out of memory). zone gives
 * the dates shown. fresh, when not NULL and not empty, holds the same
 * report computed now: rows whose value changed since the snapshot say
 * so.
 */
char *ind_format_text(const ind_report *r, const ind_report *fresh, const i18n *texts, const char *lang,
                      const char *zone);

/* The CSV report with its header line; 0, or -1 on a write error. */
int ind_format_csv(const ind_report *r, FILE *f);

/* The report as a spreadsheet at path (report_xlsx.c): Russian (lang)
 * headers, numbers as numbers, each value's rounding rule in a note.
 * MB_ERR_IO when it cannot be written. */
mb_status ind_format_xlsx(const ind_report *r, const char *path, const i18n *texts, const char *lang,
                          const char *zone);

/* v with its digits, grouped by thousands with a space ("33 546"), with a
 * decimal comma when comma is set. */
void ind_number_format(double v, int digits, int comma, char *buf, size_t size);

#endif

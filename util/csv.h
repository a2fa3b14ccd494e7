/*
 * A reader of CSV files as spreadsheets write them (RFC 4180 and the usual
 * departures): fields in double quotes may hold the delimiter, line breaks
 * and doubled quotes; lines end in LF or CRLF; a UTF-8 byte-order mark at
 * the start is skipped; empty lines are skipped. A quote inside an unquoted
 * field is kept as a character, as spreadsheets read it.
 *
 * The reader works on a buffer the caller keeps alive and copies each
 * record into its own storage, so fields stay valid until the next call.
 */
#ifndef MB_CSV_H
#define MB_CSV_H

#include <stddef.h>
#include <stdio.h>

#define CSV_RECORD_MAX 4096   /* bytes of one record's fields together */
#define CSV_FIELDS_MAX 32     /* fields in one record */

typedef struct csv_reader {
    const char *p, *end;
    char delimiter;
    long line;                    /* the line on which the current record starts */
    long next_line;               /* the line the next record starts on */
    char buf[CSV_RECORD_MAX + CSV_FIELDS_MAX];
    char *fields[CSV_FIELDS_MAX]; /* NUL-terminated, in buf */
    int count;                    /* fields in the current record */
    const char *error;            /* why the last csv_next failed (static text) */
} csv_reader;

/* Starts reading data[0..len) with the given delimiter (',' or ';'). */
void csv_init(csv_reader *r, const char *data, size_t len, char delimiter);

/*
 * Reads the next non-empty record into r->fields and r->count.
 * Returns 1 when a record was read, 0 at the end of the data, -1 on a
 * malformed or oversized record (r->error says why, r->line says where);
 * after an error the rest of the data cannot be trusted and is not read.
 */
int csv_next(csv_reader *r);

/*
 * Writes one record to f: fields joined by delimiter, quoted when they hold
 * the delimiter, a quote or a line break, and ended with CRLF. A field that
 * starts with = + - @ or a tab gets a leading apostrophe, so a spreadsheet
 * shows it as text instead of running it as a formula. 0, or -1 on a write
 * error.
 */
int csv_write_record(FILE *f, const char *const *fields, int count, char delimiter);

#endif

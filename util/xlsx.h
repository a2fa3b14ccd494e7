/*
 * Spreadsheets (.xlsx) as the monitoring tables are laid out: a title, a
 * header row, then rows of text and numbers, numbers stored as numbers
 * with the decimals they are shown with, and notes on cells. A thin layer
 * over libxlsxwriter, for the indicator reports and the weekly digests.
 *
 * Rows and columns count from 0. Writing a cell never fails on its own;
 * a failure (the file cannot be written, a cell beyond the sheet's size)
 * is remembered and reported by xlsx_book_close.
 */
#ifndef MB_XLSX_H
#define MB_XLSX_H

#include "util/status.h"

#define XLSX_SHEET_NAME_MAX 31   /* characters of a sheet's name, as Excel allows */
#define XLSX_DECIMALS_MAX 4      /* decimals a number may be shown with */

typedef struct xlsx_book xlsx_book;

/* A new workbook to be written to path; NULL when out of memory. */
xlsx_book *xlsx_book_new(const char *path);

/* Adds a sheet (name cut to XLSX_SHEET_NAME_MAX characters, characters
 * Excel refuses replaced) and makes it the one written to. */
mb_status xlsx_sheet_add(xlsx_book *b, const char *name);

/* The width of column col in characters. */
void xlsx_column_width(xlsx_book *b, int col, double width);

/* A title: bold, larger, not wrapped. */
void xlsx_title(xlsx_book *b, int row, int col, const char *text);
/* A header cell: bold, wrapped, centred, framed. */
void xlsx_header(xlsx_book *b, int row, int col, const char *text);
/* A text cell, wrapped and framed. */
void xlsx_text(xlsx_book *b, int row, int col, const char *text);
/* A number cell shown with decimals (0..XLSX_DECIMALS_MAX) decimals. */
void xlsx_number(xlsx_book *b, int row, int col, double value, int decimals);
/* An empty framed cell. */
void xlsx_blank(xlsx_book *b, int row, int col);
/* A note (comment) on a cell. */
void xlsx_note(xlsx_book *b, int row, int col, const char *text);
/* Keeps the rows above row in view when scrolling. */
void xlsx_freeze_rows(xlsx_book *b, int row);

/* Writes the file and frees the book (NULL is accepted). MB_ERR_IO when
 * the file could not be written or a cell failed, MB_ERR_NOMEM. */
mb_status xlsx_book_close(xlsx_book *b);

#endif

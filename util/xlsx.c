#include "util/xlsx.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#define XLSX_SCRATCH_DEFAULT "/dev/shm"

struct xlsx_book {
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *title, *header, *text, *blank, *number[XLSX_DECIMALS_MAX + 1];
    lxw_format *text_quoted, *date;
    int failed;
};

static lxw_format *framed(lxw_workbook *wb)
{
    lxw_format *f = workbook_add_format(wb);
    if (f) {
        format_set_border(f, LXW_BORDER_THIN);
        format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
    }
    return f;
}

/*
 * Where libxlsxwriter stages the parts of a workbook (a dozen small files,
 * each made, zipped and deleted when the book is closed): TMPDIR when the
 * operator set one, else memory (/dev/shm) when the process may write
 * there, else the library's /tmp. On a disk file system, making and
 * deleting thousands of files in a row (a region's weekly digests) cost
 * the kernel 5 ms a workbook, a quarter of all the digests' time
 * (bench/digest.c); in memory next to nothing, and each file is gone once
 * its part is zipped.
 */
static char *scratch_dir(void)
{
    const char *set = getenv("TMPDIR");
    if (set && *set) return NULL;   /* the library reads TMPDIR itself */
    return access(XLSX_SCRATCH_DEFAULT, W_OK | X_OK) == 0 ? (char *)XLSX_SCRATCH_DEFAULT : NULL;
}

xlsx_book *xlsx_book_new(const char *path)
{
    xlsx_book *b = calloc(1, sizeof *b);
    if (!b) return NULL;
    lxw_workbook_options options = {.constant_memory = LXW_FALSE, .tmpdir = scratch_dir(), .use_zip64 = LXW_FALSE};
    b->wb = workbook_new_opt(path, &options);
    if (!b->wb) {
        free(b);
        return NULL;
    }
    b->title = workbook_add_format(b->wb);
    if (b->title) {
        format_set_bold(b->title);
        format_set_font_size(b->title, 12);
    }
    b->header = framed(b->wb);
    if (b->header) {
        format_set_bold(b->header);
        format_set_text_wrap(b->header);
        format_set_align(b->header, LXW_ALIGN_CENTER);
        format_set_bg_color(b->header, 0xDDEBF7);
    }
    b->text = framed(b->wb);
    if (b->text) format_set_text_wrap(b->text);
    b->blank = framed(b->wb);
    b->text_quoted = framed(b->wb);
    if (b->text_quoted) {
        format_set_text_wrap(b->text_quoted);
        format_set_num_format(b->text_quoted, "@");   /* the cell is text, also when edited */
    }
    b->date = framed(b->wb);
    if (b->date) format_set_num_format(b->date, "dd.mm.yyyy");
    static const char *const patterns[XLSX_DECIMALS_MAX + 1] = {"0", "0.0", "0.00", "0.000", "0.0000"};
    for (int i = 0; i <= XLSX_DECIMALS_MAX; i++) {
        b->number[i] = framed(b->wb);
        if (b->number[i]) format_set_num_format(b->number[i], patterns[i]);
    }
    return b;
}

mb_status xlsx_sheet_add(xlsx_book *b, const char *name)
{
    /* Excel refuses []:*?/\ in a sheet name and more than 31 characters */
    char clean[XLSX_SHEET_NAME_MAX * 4 + 1];
    size_t o = 0;
    int chars = 0;
    for (const char *p = name; *p && o + 4 < sizeof clean; p++) {
        int starts = ((unsigned char)*p & 0xC0) != 0x80;
        if (starts && chars == XLSX_SHEET_NAME_MAX) break;
        chars += starts;
        clean[o++] = strchr("[]:*?/\\", *p) ? '_' : *p;
    }
    clean[o] = 0;
    b->ws = workbook_add_worksheet(b->wb, o ? clean : NULL);
    if (!b->ws) b->failed = 1;
    return b->ws ? MB_OK : MB_ERR_INVALID;
}

static int ready(xlsx_book *b, int row, int col)
{
    if (!b || !b->ws || row < 0 || col < 0) {
        if (b) b->failed = 1;
        return 0;
    }
    return 1;
}

void xlsx_column_width(xlsx_book *b, int col, double width)
{
    if (ready(b, 0, col) && worksheet_set_column(b->ws, (lxw_col_t)col, (lxw_col_t)col, width, NULL)) b->failed = 1;
}

/* 1 when a spreadsheet would take text for a formula if it were typed
 * or pasted (=, +, -, @, and a tab or carriage return before one). */
int xlsx_looks_like_formula(const char *text)
{
    if (!text) return 0;
    while (*text == '\t' || *text == '\r' || *text == ' ') text++;
    return *text && strchr("=+-@", *text) != NULL;
}

static void put_string(xlsx_book *b, int row, int col, const char *text, lxw_format *f)
{
    /* A string cell is never computed, but a cell that starts like a
     * formula is marked as text too, so that editing it or saving the
     * sheet as CSV does not turn it into one. */
    if (b && f == b->text && xlsx_looks_like_formula(text)) f = b->text_quoted;
    if (ready(b, row, col) && worksheet_write_string(b->ws, (lxw_row_t)row, (lxw_col_t)col, text ? text : "", f))
        b->failed = 1;
}

void xlsx_title(xlsx_book *b, int row, int col, const char *text) { put_string(b, row, col, text, b ? b->title : NULL); }
void xlsx_header(xlsx_book *b, int row, int col, const char *text) { put_string(b, row, col, text, b ? b->header : NULL); }
void xlsx_text(xlsx_book *b, int row, int col, const char *text) { put_string(b, row, col, text, b ? b->text : NULL); }

void xlsx_number(xlsx_book *b, int row, int col, double value, int decimals)
{
    if (decimals < 0) decimals = 0;
    if (decimals > XLSX_DECIMALS_MAX) decimals = XLSX_DECIMALS_MAX;
    if (ready(b, row, col) && worksheet_write_number(b->ws, (lxw_row_t)row, (lxw_col_t)col, value, b->number[decimals]))
        b->failed = 1;
}

void xlsx_date(xlsx_book *b, int row, int col, int year, int month, int day)
{
    lxw_datetime dt = {year, month, day, 0, 0, 0};
    if (ready(b, row, col) && worksheet_write_datetime(b->ws, (lxw_row_t)row, (lxw_col_t)col, &dt, b->date))
        b->failed = 1;
}

void xlsx_blank(xlsx_book *b, int row, int col)
{
    if (ready(b, row, col) && worksheet_write_blank(b->ws, (lxw_row_t)row, (lxw_col_t)col, b->blank)) b->failed = 1;
}

void xlsx_note(xlsx_book *b, int row, int col, const char *text)
{
    if (ready(b, row, col) && text && *text && worksheet_write_comment(b->ws, (lxw_row_t)row, (lxw_col_t)col, text))
        b->failed = 1;
}

void xlsx_freeze_rows(xlsx_book *b, int row)
{
    if (ready(b, row, 0)) worksheet_freeze_panes(b->ws, (lxw_row_t)row, 0);
}

mb_status xlsx_book_close(xlsx_book *b)
{
    if (!b) return MB_OK;
    lxw_error err = workbook_close(b->wb);
    int failed = b->failed;
    free(b);
    if (err == LXW_ERROR_MEMORY_MALLOC_FAILED) return MB_ERR_NOMEM;
    return err || failed ? MB_ERR_IO : MB_OK;
}

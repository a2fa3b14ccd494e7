#include "util/xlsx.h"

#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

struct xlsx_book {
    lxw_workbook *wb;
    lxw_worksheet *ws;
    lxw_format *title, *header, *text, *blank, *number[XLSX_DECIMALS_MAX + 1];
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

xlsx_book *xlsx_book_new(const char *path)
{
    xlsx_book *b = calloc(1, sizeof *b);
    if (!b) return NULL;
    b->wb = workbook_new(path);
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

static void put_string(xlsx_book *b, int row, int col, const char *text, lxw_format *f)
{
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

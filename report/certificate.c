#include "report/certificate.h"
#include "util/text.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <string.h>
#include <unistd.h>

/* Set once fonts were loaded: only then is there anything to release. */
static int fonts_loaded;

/* A4 in PostScript points (1/72 inch). */
#define PAGE_W 595.28
#define PAGE_H 841.89
#define MARGIN 64.0
#define FRAME_INSET 28.0

/* Ink: the same deep blue for the frame and the title, near-black for text. */
#define ACCENT 0.11, 0.25, 0.50
#define INK 0.12, 0.12, 0.14

static int text_ok(const char *s, int required)
{
    if (!s) return !required;
    size_t n = strlen(s);
    return (!required || n > 0) && n <= CERTIFICATE_TEXT_MAX && text_utf8_valid(s, n);
}

/* Lays text out in the page's text width from y down, wrapped at words;
 * returns the y under it. */
static double draw_text(cairo_t *cr, const char *text, const char *font, double y, PangoAlignment align)
{
    PangoLayout *layout = pango_cairo_create_layout(cr);
    PangoFontDescription *desc = pango_font_description_from_string(font);
    pango_layout_set_font_description(layout, desc);
    pango_font_description_free(desc);
    pango_layout_set_width(layout, (int)((PAGE_W - 2 * MARGIN) * PANGO_SCALE));
    pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(layout, align);
    pango_layout_set_spacing(layout, 4 * PANGO_SCALE);
    pango_layout_set_text(layout, text, -1);
    cairo_move_to(cr, MARGIN, y);
    pango_cairo_show_layout(cr, layout);
    int w, h;
    pango_layout_get_size(layout, &w, &h);
    g_object_unref(layout);
    return y + (double)h / PANGO_SCALE;
}

static void draw_frame(cairo_t *cr)
{
    cairo_set_source_rgb(cr, ACCENT);
    cairo_set_line_width(cr, 3.0);
    cairo_rectangle(cr, FRAME_INSET, FRAME_INSET, PAGE_W - 2 * FRAME_INSET, PAGE_H - 2 * FRAME_INSET);
    cairo_stroke(cr);
    cairo_set_line_width(cr, 0.8);
    cairo_rectangle(cr, FRAME_INSET + 7, FRAME_INSET + 7, PAGE_W - 2 * FRAME_INSET - 14,
                    PAGE_H - 2 * FRAME_INSET - 14);
    cairo_stroke(cr);
}

mb_status certificate_write_pdf(const certificate *c, const char *path)
{
    if (!c || !path || !text_ok(c->title, 1) || !text_ok(c->body, 1) || !text_ok(c->recipient, 0) ||
        !text_ok(c->signature, 0) || !text_ok(c->footer, 0))
        return MB_ERR_INVALID;
    cairo_surface_t *surface = cairo_pdf_surface_create(path, PAGE_W, PAGE_H);
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        unlink(path);
        return MB_ERR_IO;
    }
    cairo_t *cr = cairo_create(surface);
    fonts_loaded = 1;
    draw_frame(cr);

    cairo_set_source_rgb(cr, ACCENT);
    double y = draw_text(cr, c->title, "DejaVu Serif Bold 30", 150, PANGO_ALIGN_CENTER);
    cairo_set_source_rgb(cr, INK);
    if (c->recipient && *c->recipient) y = draw_text(cr, c->recipient, "DejaVu Serif Bold 20", y + 40, PANGO_ALIGN_CENTER);
    y = draw_text(cr, c->body, "DejaVu Serif 13", y + 36, PANGO_ALIGN_CENTER);
    /* The signature and the footer stand at the bottom, below a long body. */
    y = y + 30 > PAGE_H - 190 ? y + 30 : PAGE_H - 190;
    if (c->signature && *c->signature) y = draw_text(cr, c->signature, "DejaVu Serif 12", y, PANGO_ALIGN_LEFT);
    if (c->footer && *c->footer) draw_text(cr, c->footer, "DejaVu Sans 10", y + 40, PANGO_ALIGN_CENTER);

    cairo_show_page(cr);
    cairo_status_t st = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_finish(surface);
    if (st == CAIRO_STATUS_SUCCESS) st = cairo_surface_status(surface);
    cairo_surface_destroy(surface);
    if (st != CAIRO_STATUS_SUCCESS) {
        unlink(path);
        return MB_ERR_IO;
    }
    return MB_OK;
}

void certificate_release_fonts(void)
{
    if (!fonts_loaded) return;
    fonts_loaded = 0;
    pango_cairo_font_map_set_default(NULL);
#ifdef __SANITIZE_ADDRESS__
    /* for the leak checker only: see chart_release() */
    cairo_debug_reset_static_data();
    FcFini();
#endif
}

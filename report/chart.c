/*
 * The chart is laid out top to bottom in one pass that both measures and
 * draws: a first pass on a 1x1 surface measures the height, the second
 * draws on a surface of that height, so long names wrap instead of being
 * cut and the picture is as tall as it needs.
 */
#include "report/chart.h"

#include <cairo.h>
#include <pango/pangocairo.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MARGIN 40
#define GAP 16
#define BAR_H 44
#define TREND_H 320
#define INNER (CHART_WIDTH - 2 * MARGIN)

static void colour(cairo_t *cr, unsigned rgb)
{
    cairo_set_source_rgb(cr, ((rgb >> 16) & 0xFF) / 255.0, ((rgb >> 8) & 0xFF) / 255.0, (rgb & 0xFF) / 255.0);
}

/* Writes text at (x, y) wrapped to width, px high, and returns its height;
 * draws only when draw is set. */
static int text_at(cairo_t *cr, int draw, double x, double y, int width, const char *text, int px, int bold,
                   unsigned rgb)
{
    if (!text || !*text) return 0;
    PangoLayout *l = pango_cairo_create_layout(cr);
    PangoFontDescription *f = pango_font_description_from_string("DejaVu Sans");
    pango_font_description_set_absolute_size(f, px * PANGO_SCALE);
    if (bold) pango_font_description_set_weight(f, PANGO_WEIGHT_BOLD);
    pango_layout_set_font_description(l, f);
    pango_layout_set_width(l, width * PANGO_SCALE);
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_text(l, text, -1);
    int w, h;
    pango_layout_get_pixel_size(l, &w, &h);
    if (draw) {
        colour(cr, rgb);
        cairo_move_to(cr, x, y);
        pango_cairo_show_layout(cr, l);
    }
    pango_font_description_free(f);
    g_object_unref(l);
    return h;
}

static void box(cairo_t *cr, int draw, double x, double y, double w, double h, unsigned rgb)
{
    if (!draw || w <= 0 || h <= 0) return;
    colour(cr, rgb);
    cairo_rectangle(cr, x, y, w, h);
    cairo_fill(cr);
}

/* A square of the colour and its words; returns the x after it. */
static double legend_item(cairo_t *cr, int draw, double x, double y, unsigned rgb, const char *text)
{
    box(cr, draw, x, y + 4, CHART_FONT_PX - 4, CHART_FONT_PX - 4, rgb);
    x += CHART_FONT_PX + 8;
    PangoLayout *l = pango_cairo_create_layout(cr);
    PangoFontDescription *f = pango_font_description_from_string("DejaVu Sans");
    pango_font_description_set_absolute_size(f, CHART_FONT_PX * PANGO_SCALE);
    pango_layout_set_font_description(l, f);
    pango_layout_set_text(l, text ? text : "", -1);
    int w, h;
    pango_layout_get_pixel_size(l, &w, &h);
    if (draw) {
        colour(cr, 0x212529);
        cairo_move_to(cr, x, y);
        pango_cairo_show_layout(cr, l);
    }
    pango_font_description_free(f);
    g_object_unref(l);
    return x + w + 32;
}

static double bars(cairo_t *cr, int draw, const chart_input *in, double y)
{
    y += text_at(cr, draw, MARGIN, y, INNER, in->bars_title, CHART_FONT_PX + 4, 1, 0x212529) + GAP;
    if (in->nbars <= 0) return y + text_at(cr, draw, MARGIN, y, INNER, in->bars_empty, CHART_FONT_PX, 0, 0x495057) + GAP;
    double x = legend_item(cr, draw, MARGIN, y, CHART_COLOUR_FACT, in->legend_fact);
    legend_item(cr, draw, x, y, CHART_COLOUR_TARGET, in->legend_target);
    y += CHART_FONT_PX + 2 * GAP;
    int n = in->nbars < CHART_BARS_MAX ? in->nbars : CHART_BARS_MAX;
    for (int i = 0; i < n; i++) {
        const chart_bar *b = &in->bars[i];
        y += text_at(cr, draw, MARGIN, y, INNER, b->label, CHART_FONT_PX, 0, 0x212529) + 6;
        double top = b->has_fact ? b->fact : 0;
        if (b->has_target && b->target > top) top = b->target;
        if (top <= 0) top = 1;
        top *= 1.08;   /* a target at the end of the track stays visible */
        box(cr, draw, MARGIN, y, INNER, BAR_H, CHART_COLOUR_TRACK);
        if (b->has_fact && b->fact > 0) box(cr, draw, MARGIN, y, INNER * (b->fact / top), BAR_H, CHART_COLOUR_FACT);
        if (b->has_target) box(cr, draw, MARGIN + INNER * (b->target / top) - 4, y - 8, 8, BAR_H + 16, CHART_COLOUR_TARGET);
        y += BAR_H + 10;
        y += text_at(cr, draw, MARGIN, y, INNER, b->value_text, CHART_FONT_PX, 1, 0x343A40) + 2 * GAP;
    }
    return y;
}

static double trend(cairo_t *cr, int draw, const chart_input *in, double y)
{
    y += text_at(cr, draw, MARGIN, y, INNER, in->trend_title, CHART_FONT_PX + 4, 1, 0x212529) + GAP;
    int n = in->weeks < CHART_WEEKS_MAX ? in->weeks : CHART_WEEKS_MAX, top = 0, total = 0;
    for (int i = 0; i < n; i++) {
        if (in->held_by_week[i] > top) top = in->held_by_week[i];
        total += in->held_by_week[i];
    }
    if (n <= 0 || total == 0)
        return y + text_at(cr, draw, MARGIN, y, INNER, in->trend_empty, CHART_FONT_PX, 0, 0x495057) + GAP;
    legend_item(cr, draw, MARGIN, y, CHART_COLOUR_HELD, in->legend_held);
    y += CHART_FONT_PX + GAP;
    char peak[32];
    snprintf(peak, sizeof peak, "%d", top);
    text_at(cr, draw, MARGIN, y, 120, peak, CHART_FONT_PX, 0, 0x495057);
    double x0 = MARGIN + 90, w = INNER - 90, slot = w / n, base = y + TREND_H;
    box(cr, draw, x0, base, w, 3, 0x868E96);
    for (int i = 0; i < n; i++) {
        double h = (TREND_H - 10) * (double)in->held_by_week[i] / top;
        double bw = slot > 6 ? slot * 0.75 : slot;
        box(cr, draw, x0 + i * slot, base - h, bw, h, CHART_COLOUR_HELD);
    }
    y = base + 10;
    text_at(cr, draw, x0, y, (int)(w / 2), in->trend_first, CHART_FONT_PX, 0, 0x495057);
    int h = 0;
    if (in->trend_last && n > 1) {
        /* the last week's label ends under the last bar */
        PangoLayout *l = pango_cairo_create_layout(cr);
        PangoFontDescription *f = pango_font_description_from_string("DejaVu Sans");
        pango_font_description_set_absolute_size(f, CHART_FONT_PX * PANGO_SCALE);
        pango_layout_set_font_description(l, f);
        pango_layout_set_text(l, in->trend_last, -1);
        int tw;
        pango_layout_get_pixel_size(l, &tw, &h);
        pango_font_description_free(f);
        g_object_unref(l);
        text_at(cr, draw, CHART_WIDTH - MARGIN - tw, y, tw + 1, in->trend_last, CHART_FONT_PX, 0, 0x495057);
    }
    return y + (h > CHART_FONT_PX ? h : CHART_FONT_PX + 8) + GAP;
}

static double layout(cairo_t *cr, int draw, const chart_input *in)
{
    if (draw) {
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
    }
    double y = MARGIN;
    y += text_at(cr, draw, MARGIN, y, INNER, in->title, CHART_TITLE_PX, 1, 0x212529) + 2 * GAP;
    y = bars(cr, draw, in, y);
    y += GAP;
    y = trend(cr, draw, in, y);
    return y + MARGIN;
}

/* fontconfig leaves a block of its configuration's parse unreachable (a
 * leak of the library, once per process); under LeakSanitizer (the test
 * build) the process would report it at exit and fail. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void) { return "leak:libfontconfig.so\n"; }

void chart_release(void)
{
    pango_cairo_font_map_set_default(NULL);
    /* cairo's reset asserts that no font is still in its caches, and a
     * font pango let go of can still be there at exit: now and then the
     * process aborted after its work was done (seen with `admin digest
     * preview` on a region). It exists for leak checkers only, so only
     * the sanitized build calls it. */
#ifdef __SANITIZE_ADDRESS__
    cairo_debug_reset_static_data();
#endif
}

/*
 * Writes the surface as an RGB PNG. cairo's own writer compresses with
 * zlib's default level and adaptive filters: a tall chart took 100 ms of
 * the digest's budget; the fastest level without filters takes a sixth
 * of that for a file a few per cent larger, as flat colours and white
 * compress well anyway.
 */
static mb_status write_png(cairo_surface_t *s, const char *path)
{
    cairo_surface_flush(s);
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char *data = cairo_image_surface_get_data(s);
    FILE *f = fopen(path, "wb");
    if (!f) return MB_ERR_IO;
    unsigned char *row = malloc((size_t)w * 3);
    png_structp p = row ? png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL) : NULL;
    png_infop info = p ? png_create_info_struct(p) : NULL;
    mb_status rc = MB_ERR_NOMEM;
    if (!info) goto out;
    rc = MB_ERR_IO;
    if (setjmp(png_jmpbuf(p))) goto out;
    png_init_io(p, f);
    png_set_IHDR(p, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(p, 1);
    png_set_filter(p, 0, PNG_FILTER_NONE);
    png_write_info(p, info);
    for (int y = 0; y < h; y++) {
        const uint32_t *px = (const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride);
        for (int x = 0; x < w; x++) {
            row[3 * x] = (unsigned char)(px[x] >> 16);
            row[3 * x + 1] = (unsigned char)(px[x] >> 8);
            row[3 * x + 2] = (unsigned char)px[x];
        }
        png_write_row(p, row);
    }
    png_write_end(p, info);
    rc = MB_OK;
out:
    if (p) png_destroy_write_struct(&p, info ? &info : NULL);
    free(row);
    if (fclose(f) != 0) rc = MB_ERR_IO;
    return rc;
}

mb_status chart_write_png(const chart_input *in, const char *path)
{
    cairo_surface_t *probe = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 1, 1);
    cairo_t *cr = cairo_create(probe);
    double height = layout(cr, 0, in);
    cairo_status_t cs = cairo_status(cr);
    cairo_destroy(cr);
    cairo_surface_destroy(probe);
    if (cs == CAIRO_STATUS_NO_MEMORY) return MB_ERR_NOMEM;
    if (height > CHART_HEIGHT_MAX) height = CHART_HEIGHT_MAX;
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, CHART_WIDTH, (int)height);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        return MB_ERR_NOMEM;
    }
    cr = cairo_create(s);
    layout(cr, 1, in);
    cs = cairo_status(cr);
    cairo_destroy(cr);
    mb_status rc = cs == CAIRO_STATUS_NO_MEMORY ? MB_ERR_NOMEM : MB_OK;
    if (!rc) rc = write_png(s, path);
    cairo_surface_destroy(s);
    return rc;
}

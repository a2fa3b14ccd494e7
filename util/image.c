#include "util/image.h"

#include <stdio.h>
#include <string.h>

#define JPEG_SEGMENTS_MAX 4096   /* segments looked at before giving up on a JPEG's frame header */

/* Bytes at an offset, from memory or from an open file. */
typedef struct source {
    const unsigned char *data;
    size_t len;
    FILE *file;
} source;

/* Copies n bytes at off into buf; 0, or -1 when there are fewer. */
static int read_at(const source *s, long off, unsigned char *buf, size_t n)
{
    if (off < 0) return -1;
    if (!s->file) {
        if ((size_t)off > s->len || s->len - (size_t)off < n) return -1;
        memcpy(buf, s->data + off, n);
        return 0;
    }
    if (fseek(s->file, off, SEEK_SET) != 0) return -1;
    return fread(buf, 1, n, s->file) == n ? 0 : -1;
}

static unsigned long be16(const unsigned char *p) { return (unsigned long)p[0] << 8 | p[1]; }
static unsigned long le16(const unsigned char *p) { return (unsigned long)p[1] << 8 | p[0]; }
static unsigned long be32(const unsigned char *p) { return (unsigned long)be16(p) << 16 | be16(p + 2); }

/* A JPEG's size is in its first frame header (SOF0..SOF15 but for DHT,
 * JPG and DAC, which share the range), after any number of segments. */
static int jpeg_size(const source *s, image_info *out)
{
    long off = 2;
    unsigned char m[7];
    for (int i = 0; i < JPEG_SEGMENTS_MAX; i++) {
        if (read_at(s, off, m, 2) || m[0] != 0xFF) return -1;
        unsigned char marker = m[1];
        if (marker == 0xFF) { off++; continue; }   /* a fill byte */
        off += 2;
        if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue;   /* no length follows */
        if (marker == 0xD9 || marker == 0xDA) return -1;   /* the end, or a scan, before any frame */
        if (read_at(s, off, m, 2) || be16(m) < 2) return -1;
        unsigned long length = be16(m);
        if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
            /* length(2) precision(1) height(2) width(2) */
            if (length < 7 || read_at(s, off, m, 7)) return -1;
            out->height = (long)be16(m + 3);
            out->width = (long)be16(m + 5);
            return 0;
        }
        off += (long)length;
    }
    return -1;
}

static image_format probe(const source *s, image_info *out)
{
    static const unsigned char PNG[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    unsigned char h[24];
    memset(out, 0, sizeof *out);
    if (!read_at(s, 0, h, 24) && memcmp(h, PNG, 8) == 0) {
        /* the first chunk is IHDR: length, type, width, height */
        if (memcmp(h + 12, "IHDR", 4) != 0) return IMAGE_NONE;
        out->width = (long)be32(h + 16);
        out->height = (long)be32(h + 20);
        out->format = IMAGE_PNG;
    } else if (!read_at(s, 0, h, 10) && (memcmp(h, "GIF87a", 6) == 0 || memcmp(h, "GIF89a", 6) == 0)) {
        out->width = (long)le16(h + 6);
        out->height = (long)le16(h + 8);
        out->format = IMAGE_GIF;
    } else if (!read_at(s, 0, h, 3) && h[0] == 0xFF && h[1] == 0xD8 && h[2] == 0xFF) {
        if (jpeg_size(s, out)) {
            out->width = out->height = 0;
            return IMAGE_NONE;
        }
        out->format = IMAGE_JPEG;
    }
    if (out->format == IMAGE_NONE) out->width = out->height = 0;
    return out->format;
}

image_format image_probe(const void *data, size_t len, image_info *out)
{
    source s = {.data = data, .len = data ? len : 0};
    return probe(&s, out);
}

image_format image_probe_file(const char *path, image_info *out)
{
    source s = {0};
    memset(out, 0, sizeof *out);
    if (!path || !(s.file = fopen(path, "rb"))) return IMAGE_NONE;
    image_format f = probe(&s, out);
    fclose(s.file);
    return f;
}

const char *image_format_name(image_format format)
{
    switch (format) {
    case IMAGE_PNG: return "png";
    case IMAGE_JPEG: return "jpeg";
    case IMAGE_GIF: return "gif";
    default: return "not an image";
    }
}

/*
 * Printable letters of thanks: one A4 page as PDF, drawn with cairo and
 * laid out with pango in the DejaVu fonts (Debian's fonts-dejavu-core), so
 * Cyrillic prints as written. The texts come from the caller, already in
 * the reader's language; they are laid out as plain text, never as markup.
 */
#ifndef MB_CERTIFICATE_H
#define MB_CERTIFICATE_H

#include "util/status.h"

#define CERTIFICATE_TEXT_MAX 4000     /* bytes of one text of a letter */

typedef struct certificate {
    const char *title;                /* «Благодарность», large */
    const char *recipient;            /* to whom, large; may be NULL */
    const char *body;                 /* paragraphs separated by '\n', wrapped to the page */
    const char *signature;            /* who signs, at the bottom; may be NULL */
    const char *footer;               /* organisation and date, at the bottom; may be NULL */
} certificate;

/*
 * Writes c as a one-page A4 PDF at path (created or replaced). MB_ERR_INVALID
 * when title or body is missing or a text is longer than
 * CERTIFICATE_TEXT_MAX or not UTF-8; MB_ERR_IO when the file cannot be
 * written (nothing is left at path then).
 */
mb_status certificate_write_pdf(const certificate *c, const char *path);

/* Releases the font caches fontconfig, pango and cairo keep for the
 * process once a letter was drawn, so a leak check at exit sees none of
 * them; nothing when none was. Call once, at exit, after the last
 * certificate_write_pdf. */
void certificate_release_fonts(void);

#endif

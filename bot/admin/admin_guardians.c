/*
 * admin guardians: the school's list of guardians' phones. A parent who
 * shares a phone on this list (Telegram's "share my number" button) gives
 * consent for a pupil at once; anyone else waits for the curator.
 *
 *   admin guardians import ORG FILE.csv   header phone,name (name may be empty)
 *   admin guardians count ORG
 *
 * The import is all or nothing, like `admin org import`: every line is
 * checked inside one transaction, a bad line is reported as FILE:LINE:
 * reason and nothing is kept. A phone already on the list is not an error
 * (it is counted), so an updated list can be imported again.
 */
#include "bot/admin/admin.h"
#include "bot/app.h"
#include "storage/guardians.h"
#include "util/csv.h"
#include "util/text.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GUARDIANS_ROWS_MAX 20000               /* phones in one file */
#define GUARDIANS_HEADER "phone,name"
#define GUARDIANS_NAME_MAX 64                  /* characters of a guardian's name */
#define USAGE_GUARDIANS "usage: admin guardians import ORG FILE.csv   (header " GUARDIANS_HEADER ")\n" \
                        "       admin guardians count ORG\n"

typedef struct guardians_import {
    admin_import im;    /* first: the runner's callbacks get it */
    int64_t org_id;
    int added;
    int known;          /* already on the list */
    char (*phones)[GUARDIAN_PHONE_BYTES];  /* phones of the file so far, for duplicates */
    long *lines;
    int count;
} guardians_import;

/* Checks one record and adds its phone (inside the import's transaction). */
static mb_status import_line(admin_import *im, csv_reader *r)
{
    guardians_import *s = (guardians_import *)im;
    long line = r->line;
    if (r->count != 2 && r->count != 1) {
        admin_import_bad(&s->im, line, "expected 2 fields (%s), found %d", GUARDIANS_HEADER, r->count);
        return MB_OK;
    }
    for (int i = 0; i < r->count; i++)
        if (!text_utf8_valid(r->fields[i], strlen(r->fields[i]))) {
            admin_import_bad(&s->im, line, "the text is not UTF-8 (save the file as \"CSV UTF-8\")");
            return MB_OK;
        }
    char phone[GUARDIAN_PHONE_BYTES];
    const char *why;
    char *raw = admin_trim(r->fields[0]);
    if (!guardian_phone_normalise(raw, phone, sizeof phone, &why)) {
        admin_import_bad(&s->im, line, "\"%s\": %s", raw, why);
        return MB_OK;
    }
    char *name = text_clean_line(r->count == 2 ? r->fields[1] : "", GUARDIANS_NAME_MAX + 1);
    if (!name) return MB_ERR_NOMEM;
    mb_status rc = MB_OK;
    if (text_codepoints(name) > GUARDIANS_NAME_MAX) {
        admin_import_bad(&s->im, line, "the name is longer than %d characters", GUARDIANS_NAME_MAX);
        goto out;
    }
    for (int i = 0; i < s->count; i++)
        if (strcmp(s->phones[i], phone) == 0) {
            admin_import_bad(&s->im, line, "the same phone as line %ld", s->lines[i]);
            goto out;
        }
    if (s->count < GUARDIANS_ROWS_MAX) {
        memcpy(s->phones[s->count], phone, sizeof phone);
        s->lines[s->count++] = line;
    }
    /* Once a line is bad nothing will be kept, so later lines are only checked. */
    if (s->im.errors) goto out;
    rc = guardian_phone_add(s->im.a->d, s->org_id, phone, name, ADMIN_ACTOR);
    if (rc == MB_ERR_EXISTS) {
        s->known++;
        rc = MB_OK;
    } else if (!rc) {
        s->added++;
    }
out:
    free(name);
    return rc;
}

/* The header must be exactly "phone,name" (in any case). */
static int import_header(admin_import *im, csv_reader *r)
{
    int ok = r->count == 2;
    for (int i = 0; ok && i < 2; i++) {
        char *h = admin_trim(r->fields[i]);
        for (char *p = h; *p; p++) *p = (char)tolower((unsigned char)*p);
        ok = strcmp(h, i == 0 ? "phone" : "name") == 0;
    }
    if (!ok) fprintf(stderr, "%s:%ld: the first line must be the header %s\n", im->path, r->line, GUARDIANS_HEADER);
    return ok;
}

static int import_cmd(app *a, const char *org_arg, const char *path)
{
    long long org_id;
    org o;
    if (!admin_parse_long(org_arg, 1, INT64_MAX, &org_id)) {
        fprintf(stderr, USAGE_GUARDIANS);
        return 2;
    }
    if (org_get(a->d, org_id, &o)) {
        fprintf(stderr, "organisation %lld does not exist (see admin org list)\n", org_id);
        return 1;
    }
    guardians_import s = {.im = {.a = a, .path = path, .header_text = GUARDIANS_HEADER, .rows_name = "phones",
                                 .rows_max = GUARDIANS_ROWS_MAX, .header = import_header, .row = import_line},
                          .org_id = org_id,
                          .phones = malloc(GUARDIANS_ROWS_MAX * sizeof *s.phones),
                          .lines = malloc(GUARDIANS_ROWS_MAX * sizeof(long))};
    int code = 1;
    if (!s.phones || !s.lines) {
        fprintf(stderr, "%s: out of memory\n", path);
    } else if (admin_import_run(&s.im) == 0) {
        char subject[32], detail[600];
        snprintf(subject, sizeof subject, "org:%lld", org_id);
        snprintf(detail, sizeof detail, "%s: %d phones added, %d already on the list", path, s.added, s.known);
        if (!admin_finish_change(a, audit_log(a->d, ADMIN_ACTOR, "guardians.import", subject, detail),
                                 "import the guardians' phones")) {
            printf("imported %d guardian phone(s) for \"%s\" (%d already on the list, %d in all)\n", s.added, o.name,
                   s.known, guardian_phone_count(a->d, org_id));
            code = 0;
        }
    }
    free(s.phones);
    free(s.lines);
    return code;
}

int admin_guardians_cmd(app *a, int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[0], "import") == 0) return import_cmd(a, argv[1], argv[2]);
    long long org_id;
    if (argc == 2 && strcmp(argv[0], "count") == 0 && admin_parse_long(argv[1], 1, INT64_MAX, &org_id)) {
        printf("%d\n", guardian_phone_count(a->d, org_id));
        return 0;
    }
    fprintf(stderr, USAGE_GUARDIANS);
    return 2;
}

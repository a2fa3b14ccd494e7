/*
 * The curator's export: the organisation's pairs and groups, one line per
 * mentee, then the mentees still waiting for a mentor, as a CSV file sent
 * in the chat. Semicolons and a UTF-8 byte-order mark, so a spreadsheet set
 * to Russian opens it as a table with the letters intact.
 *
 * The file is written under bot_env.files_dir with a random name and
 * belongs to the queued message, which removes it once sent.
 *
 * Dates are the organisation's local dates (its timezone, from the system
 * timezone database), since a curator compares them with a school diary.
 * curator_tables.c writes the bases and the survey answers the same way.
 *
 * Button data: cf (export now).
 */
#include "handlers/curator.h"
#include "handlers/reply.h"
#include "storage/profiles.h"
#include "util/clock.h"
#include "util/csv.h"
#include "util/log.h"
#include "util/text.h"
#include "util/tz.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define EXPORT_COLUMNS 7
#define EXPORT_PAGE 100   /* mentorships or mentees read at once */

typedef struct export_file {
    hctx *h;
    FILE *f;
    int pairs;     /* mentorships written */
    int waiting;   /* mentees without one */
} export_file;

static int write_record(export_file *x, const char *const *fields)
{
    return csv_write_record(x->f, fields, EXPORT_COLUMNS, ';');
}

/* A person's name, or a note that it was erased on their request. */
static void person(hctx *h, int64_t id, account *a, const char **name)
{
    if (account_load(h->d, id, a) != MB_OK) memset(a, 0, sizeof *a);
    *name = a->name[0] && strcmp(a->status, "forgotten") != 0 ? a->name : T(h, "export.no_name");
}

static int write_mentorships(export_file *x)
{
    hctx *h = x->h;
    for (int offset = 0;;) {
        mentorship *list = NULL;
        int n = 0;
        if (mentorship_list(h->d, h->acct.org_id, offset, EXPORT_PAGE, &list, &n, NULL)) return -1;
        for (int i = 0; i < n; i++) {
            const mentorship *m = &list[i];
            account mentor, mentee;
            const char *mentor_name, *mentee_name;
            char number[24], since[32], who[128];
            snprintf(number, sizeof number, "%lld", (long long)m->id);
            curator_org_date(h, m->created_at, since, sizeof since);
            person(h, m->mentor_id, &mentor, &mentor_name);
            const char *status = T(h, m->nmentees > 1 ? "export.status_group" : "export.status_pair");
            const char *form = curator_form_text(h->env->texts, h->lang, profile_form_code(m->form));
            for (int k = 0; k < m->nmentees; k++) {
                person(h, m->mentees[k], &mentee, &mentee_name);
                curator_who(h->env->texts, h->lang, &mentee, who, sizeof who);
                const char *fields[EXPORT_COLUMNS] = {number, status, form, mentor_name, mentee_name, who, since};
                if (write_record(x, fields)) {
                    free(list);
                    return -1;
                }
            }
            x->pairs++;
        }
        free(list);
        if (n < EXPORT_PAGE) return 0;
        offset += n;
    }
}

static int write_queue(export_file *x)
{
    hctx *h = x->h;
    int64_t ids[EXPORT_PAGE];
    for (int offset = 0;;) {
        int n = mentorship_list_queue(h->d, h->acct.org_id, offset, ids, EXPORT_PAGE);
        for (int i = 0; i < n; i++) {
            account mentee;
            const char *name;
            char who[128];
            person(h, ids[i], &mentee, &name);
            curator_who(h->env->texts, h->lang, &mentee, who, sizeof who);
            const char *fields[EXPORT_COLUMNS] = {"", T(h, "export.status_waiting"), "", "", name, who, ""};
            if (write_record(x, fields)) return -1;
            x->waiting++;
        }
        if (n < EXPORT_PAGE) return 0;
        offset += n;
    }
}

void curator_org_date(hctx *h, int64_t ms, char *buf, size_t size)
{
    org o;
    if (!ms) {
        snprintf(buf, size, "%s", "");
        return;
    }
    if (org_get(h->d, h->acct.org_id, &o) != MB_OK) o.timezone[0] = 0;
    tz_format(o.timezone, ms, h->lang, 0, buf, size);
}

FILE *curator_export_create(hctx *h, const char *kind, char *path, size_t size)
{
    const char *dir = h->env->files_dir;
    char code[17];
    if (!dir || !*dir || text_random_code(code, sizeof code - 1)) return NULL;
    code[sizeof code - 1] = 0;
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        log_error("curator", "cannot create %s for an export: %s", dir, strerror(errno));
        return NULL;
    }
    snprintf(path, size, "%s/%s-%lld-%s.csv", dir, kind, (long long)h->acct.org_id, code);
    /* "x": never write into a file that is already there */
    FILE *f = fopen(path, "wx");
    if (!f) {
        log_error("curator", "cannot create %s: %s", path, strerror(errno));
        return NULL;
    }
    /* A byte-order mark: a spreadsheet set to Russian then reads UTF-8. */
    if (fputs("\xEF\xBB\xBF", f) < 0) {
        fclose(f);
        unlink(path);
        return NULL;
    }
    return f;
}

mb_status curator_export_close(FILE *f, const char *path, int bad)
{
    if (fclose(f) != 0) bad = 1;
    if (!bad) return MB_OK;
    log_error("curator", "could not write the export %s: %s", path, strerror(errno));
    unlink(path);
    return MB_ERR_IO;
}

mb_status curator_export_send(hctx *h, const char *path, const char *filename_key, const char *caption)
{
    char date[32];
    curator_org_date(h, clock_now_ms(), date, sizeof date);
    char *filename = TF(h, filename_key, "date", date, NULL);
    mb_status rc = filename && caption ? reply_document(h, path, filename, caption) : MB_ERR_NOMEM;
    free(filename);
    /* Nothing queued it: the file would never be removed. */
    if (rc) unlink(path);
    return rc;
}

/* Writes the table into a new file under files_dir; its name into path. */
static mb_status write_export(export_file *x, char *path, size_t size)
{
    hctx *h = x->h;
    if (!(x->f = curator_export_create(h, "pairs", path, size))) return MB_ERR_IO;
    const char *header[EXPORT_COLUMNS] = {
        T(h, "export.col_number"), T(h, "export.col_status"), T(h, "export.col_form"), T(h, "export.col_mentor"),
        T(h, "export.col_mentee"), T(h, "export.col_who"), T(h, "export.col_since")};
    int bad = write_record(x, header) || write_mentorships(x) || write_queue(x);
    mb_status rc = curator_export_close(x->f, path, bad);
    x->f = NULL;
    return rc;
}

mb_status curator_export(hctx *h)
{
    mb_status rc = reply_answer_button(h, NULL);
    if (rc) return rc;
    if (mentorship_count_active(h->d, h->acct.org_id) == 0 && mentorship_count_queue(h->d, h->acct.org_id) == 0)
        return reply_text(h, T(h, "export.empty"), NULL);
    export_file x = {h, NULL, 0, 0};
    char path[1024];
    if (write_export(&x, path, sizeof path)) return reply_text(h, T(h, "export.failed"), NULL);
    char pairs[16], waiting[16];
    snprintf(pairs, sizeof pairs, "%d", x.pairs);
    snprintf(waiting, sizeof waiting, "%d", x.waiting);
    char *caption = TF(h, "export.caption", "pairs", pairs, "waiting", waiting, NULL);
    rc = curator_export_send(h, path, "export.filename", caption);
    free(caption);
    return rc;
}

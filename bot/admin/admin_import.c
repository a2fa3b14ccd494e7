/*
 * Importing organisations from a CSV file, as a spreadsheet saves it: the
 * header in English (name,type,municipality,timezone) or Russian
 * (название,тип,муниципалитет,часовой пояс), columns in any order, the
 * timezone column optional. Types may be written in Russian (школа, лицей,
 * колледж, вуз ...); a municipality by name, by path (Region/Municipality)
 * or by id; an empty timezone is the municipality's or its region's.
 */
#include "bot/admin/admin.h"
#include "bot/app.h"
#include "storage/territories.h"
#include "util/csv.h"
#include "util/text.h"
#include "util/typed.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ORG_IMPORT_ROWS_MAX 10000                /* organisations in one file */
#define ORG_TYPE_LIST_RU "школа, гимназия, лицей, СОШ, колледж, техникум, университет, вуз, предприятие, ИП, НКО"

enum { COL_NAME, COL_TYPE, COL_MUNICIPALITY, COL_TZ, COL_COUNT };

typedef struct import_state {
    admin_import im;      /* first: the runner's callbacks get it */
    int imported;
    int64_t first_id, last_id;
    long *lines;          /* the file line of each organisation inserted so far */
    int columns;          /* fields of the header */
    int col[COL_COUNT];   /* the field of each column, -1 when absent */
} import_state;

/* Header names, English and Russian, of each column (compared lower-cased). */
static const char *const column_names[COL_COUNT][6] = {
    {"name", "название", "наименование", NULL},
    {"type", "тип", "тип организации", NULL},
    {"municipality", "муниципалитет", "муниципальное образование", NULL},
    {"timezone", "tz", "часовой пояс", NULL},
};

/* Reads the header: the columns may come in any order, the timezone may be
 * left out; 0 after saying what is wrong. */
static int read_header(admin_import *im, csv_reader *r)
{
    import_state *s = (import_state *)im;
    for (int c = 0; c < COL_COUNT; c++) s->col[c] = -1;
    s->columns = r->count;
    for (int i = 0; i < r->count; i++) {
        char lower[128];
        int known = -1;
        if (typed_lower(admin_trim(r->fields[i]), lower, sizeof lower))
            for (int c = 0; c < COL_COUNT && known < 0; c++)
                for (int k = 0; column_names[c][k] && known < 0; k++)
                    if (strcmp(lower, column_names[c][k]) == 0) known = c;
        if (known < 0 || s->col[known] >= 0) {
            fprintf(stderr, "%s:%ld: the first line must be the header %s or %s (timezone may be left out);"
                            " %s column \"%s\"\n", s->im.path, r->line, ORG_IMPORT_HEADER, ORG_IMPORT_HEADER_RU,
                    known < 0 ? "unknown" : "a second", r->fields[i]);
            return 0;
        }
        s->col[known] = i;
    }
    for (int c = 0; c < COL_TZ; c++)
        if (s->col[c] < 0) {
            fprintf(stderr, "%s:%ld: the first line must be the header %s or %s; it has no \"%s\" (\"%s\")"
                            " column\n", s->im.path, r->line, ORG_IMPORT_HEADER, ORG_IMPORT_HEADER_RU, column_names[c][0],
                    column_names[c][1]);
            return 0;
        }
    return 1;
}

/* Organisation types as people write them in Russian. */
static const struct { const char *word, *type; } type_words[] = {
    {"школа", "school"}, {"гимназия", "school"}, {"лицей", "school"}, {"сош", "school"}, {"оош", "school"},
    {"нош", "school"}, {"средняя школа", "school"}, {"основная школа", "school"}, {"школа-интернат", "school"},
    {"общеобразовательная школа", "school"}, {"общеобразовательная организация", "school"},
    {"дополнительное образование", "additional"}, {"доп. образование", "additional"}, {"дод", "additional"},
    {"удо", "additional"}, {"цдо", "additional"}, {"дом творчества", "additional"},
    {"центр дополнительного образования", "additional"},
    {"колледж", "college"}, {"техникум", "college"}, {"училище", "college"}, {"спо", "college"},
    {"университет", "university"}, {"вуз", "university"}, {"институт", "university"}, {"академия", "university"},
    {"предприятие", "enterprise"}, {"компания", "enterprise"}, {"завод", "enterprise"},
    {"ип", "entrepreneur"}, {"предприниматель", "entrepreneur"}, {"индивидуальный предприниматель", "entrepreneur"},
    {"нко", "ngo"}, {"некоммерческая организация", "ngo"}, {"общественная организация", "ngo"}, {"фонд", "ngo"},
};

/* The type code of what a cell says (English code or Russian word, any
 * case); NULL when unknown. The cleaned lower-case text goes to shown. */
static const char *org_type_from_text(char *cell, char *shown, size_t size)
{
    if (!typed_lower(admin_trim(cell), shown, size)) {
        snprintf(shown, size, "?");
        return NULL;
    }
    if (org_type_valid(shown)) return shown;
    for (size_t i = 0; i < sizeof type_words / sizeof type_words[0]; i++)
        if (strcmp(shown, type_words[i].word) == 0) return type_words[i].type;
    return NULL;
}

/*
 * The municipality a cell names: by id ("12"), by path ("Томская
 * область/Томск") or by name when only one municipality has it. Reports a
 * bad cell and returns MB_ERR_NOT_FOUND; other errors are the database's.
 */
static mb_status import_municipality(import_state *s, long line, const char *cell, territory *m)
{
    db *d = s->im.a->d;
    long long id;
    if (admin_parse_long(cell, 1, INT64_MAX, &id)) {
        if (territory_get(d, id, m) || strcmp(m->kind, "municipality") != 0) {
            admin_import_bad(&s->im, line, "there is no municipality %lld (see `admin territory list`)", id);
            return MB_ERR_NOT_FOUND;
        }
        return MB_OK;
    }
    if (strchr(cell, '/')) {
        char path[2 * TERRITORY_NAME_MAX * 4 + 8], *slash;
        snprintf(path, sizeof path, "%s", cell);
        slash = strchr(path, '/');
        *slash = 0;
        char region[TERRITORY_NAME_MAX * 4 + 4], joined[sizeof path];
        snprintf(region, sizeof region, "%s", admin_trim(path));
        snprintf(joined, sizeof joined, "%s/%s", region, admin_trim(slash + 1));
        mb_status rc = territory_find_path(d, joined, m);
        if (rc == MB_ERR_NOT_FOUND)
            admin_import_bad(&s->im, line, "there is no municipality \"%s\" (a path is Region/Municipality, as in"
                                  " `admin territory list`)", joined);
        return rc;
    }
    territory found[TERRITORY_CANDIDATES_MAX];
    int n = territory_candidates(d, "municipality", cell, found, TERRITORY_CANDIDATES_MAX);
    if (n < 0) return MB_ERR_DB;
    if (n == 0) {
        admin_import_bad(&s->im, line, "unknown municipality \"%s\" (add it first: admin territory add --kind municipality)",
                     cell);
        return MB_ERR_NOT_FOUND;
    }
    if (n == 1) {
        *m = found[0];
        return MB_OK;
    }
    char list[1024] = "";
    size_t used = 0;
    for (int i = 0; i < n && i < TERRITORY_CANDIDATES_MAX; i++) {
        char path[600];
        territory_path(d, &found[i], path, sizeof path);
        int w = snprintf(list + used, sizeof list - used, "%s%s (id %lld)", i ? ", " : "", path,
                         (long long)found[i].id);
        if (w < 0 || (size_t)w >= sizeof list - used) break;
        used += (size_t)w;
    }
    admin_import_bad(&s->im, line, "the municipality \"%s\" is ambiguous: %s; write the path or the id instead", cell, list);
    return MB_ERR_NOT_FOUND;
}

/* Checks one record and inserts its organisation (inside the import's
 * transaction). A bad record is reported and inserts nothing. */
static mb_status import_record(admin_import *im, csv_reader *r)
{
    import_state *s = (import_state *)im;
    long line = r->line;
    if (r->count != s->columns) {
        admin_import_bad(&s->im, line, "expected %d fields as in the header, found %d", s->columns, r->count);
        return MB_OK;
    }
    for (int i = 0; i < r->count; i++)
        if (!text_utf8_valid(r->fields[i], strlen(r->fields[i]))) {
            admin_import_bad(&s->im, line, "the text is not UTF-8 (save the file as \"CSV UTF-8\")");
            return MB_OK;
        }
    char type_text[256], tz_buf[64];
    const char *type = org_type_from_text(r->fields[s->col[COL_TYPE]], type_text, sizeof type_text);
    char *tz = s->col[COL_TZ] >= 0 ? admin_trim(r->fields[s->col[COL_TZ]]) : (char *)"";
    char *name = text_clean_line(r->fields[s->col[COL_NAME]], ORG_NAME_MAX + 1);
    char *municipality = text_clean_line(r->fields[s->col[COL_MUNICIPALITY]], 2 * TERRITORY_NAME_MAX + 3);
    mb_status rc = MB_OK;
    territory m;
    int64_t id = 0;
    if (!name || !municipality) {
        rc = MB_ERR_NOMEM;
    } else if (!*name) {
        admin_import_bad(&s->im, line, "the organisation name is empty");
    } else if (text_codepoints(name) > ORG_NAME_MAX) {
        admin_import_bad(&s->im, line, "the organisation name is longer than %d characters", ORG_NAME_MAX);
    } else if (!type_text[0]) {
        admin_import_bad(&s->im, line, "the type is empty (one of: %s; or in Russian: %s)", ORG_TYPE_LIST, ORG_TYPE_LIST_RU);
    } else if (!type) {
        admin_import_bad(&s->im, line, "unknown type \"%s\" (one of: %s; or in Russian: %s)", type_text, ORG_TYPE_LIST,
                     ORG_TYPE_LIST_RU);
    } else if (!*municipality) {
        admin_import_bad(&s->im, line, "the municipality is empty");
    } else if ((rc = import_municipality(s, line, municipality, &m)) != MB_OK) {
        if (rc == MB_ERR_NOT_FOUND) rc = MB_OK;
    } else if (*tz && !config_timezone_valid(tz)) {
        admin_import_bad(&s->im, line, "unknown timezone \"%s\" (expected a name like Asia/Tomsk, or empty for the"
                              " municipality's)", tz);
    } else if ((rc = org_find(s->im.a->d, name, m.id, &id)) == MB_OK) {
        if (s->imported && id >= s->first_id && id - s->first_id < s->imported)
            admin_import_bad(&s->im, line, "the same organisation as line %ld", s->lines[id - s->first_id]);
        else
            admin_import_bad(&s->im, line, "\"%s\" in %s exists already (organisation %lld)", name, m.name, (long long)id);
    } else if (rc == MB_ERR_NOT_FOUND && !s->im.errors) {
        /* Once a line is bad nothing will be kept, so later lines are only checked. */
        char subject[32], detail[AUDIT_DETAIL_MAX];
        if (!*tz) {
            /* Empty: the municipality's timezone, else its region's, else the service's. */
            territory_timezone(s->im.a->d, m.id, tz_buf, sizeof tz_buf);
            tz = tz_buf[0] ? tz_buf : s->im.a->cfg.timezone;
        }
        rc = org_add_full(s->im.a->d, name, type, m.id, tz, &id);
        snprintf(subject, sizeof subject, "org:%lld", (long long)id);
        snprintf(detail, sizeof detail, "\"%s\", type %s, territory %lld, timezone %s, from %s:%ld", name, type,
                 (long long)m.id, tz, s->im.path, line);
        if (!rc) rc = audit_log(s->im.a->d, ADMIN_ACTOR, "org.add", subject, detail);
        if (!rc) {
            if (!s->imported) s->first_id = id;
            s->last_id = id;
            s->lines[s->imported++] = line;
        }
    } else if (rc == MB_ERR_NOT_FOUND) {
        rc = MB_OK;
    }
    free(name);
    free(municipality);
    return rc;
}

/* All or nothing: every line is checked inside one transaction, and any bad
 * line rolls the whole file back. An organisation that exists already in
 * its municipality is a bad line, so running the same file twice is safe. */
int admin_org_import(app *a, const char *path)
{
    import_state s = {.im = {.a = a, .path = path, .header_text = ORG_IMPORT_HEADER, .rows_name = "organisations",
                             .rows_max = ORG_IMPORT_ROWS_MAX, .header = read_header, .row = import_record},
                      .lines = malloc(ORG_IMPORT_ROWS_MAX * sizeof(long))};
    int code = 1;
    if (!s.lines) {
        fprintf(stderr, "%s: out of memory\n", path);
    } else if (admin_import_run(&s.im) == 0) {
        char detail[AUDIT_DETAIL_MAX];
        snprintf(detail, sizeof detail, "%s: %d organisations, ids %lld to %lld", path, s.imported,
                 (long long)s.first_id, (long long)s.last_id);
        if (!admin_finish_change(a, audit_log(a->d, ADMIN_ACTOR, "org.import", NULL, detail),
                                 "import the organisations")) {
            if (s.imported)
                printf("imported %d organisation(s), ids %lld to %lld\n", s.imported, (long long)s.first_id,
                       (long long)s.last_id);
            else
                printf("imported 0 organisations (the file has only the header)\n");
            code = 0;
        }
    }
    free(s.lines);
    return code;
}

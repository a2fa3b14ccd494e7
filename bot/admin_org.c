/*
 * Administration of the programme's structure: territories, organisations
 * (one by one or from a CSV file), programmes and invites. Every change and
 * its audit row are one transaction.
 */
#include "bot/admin.h"
#include "bot/app.h"
#include "handlers/flows.h"
#include "storage/invites.h"
#include "storage/territories.h"
#include "util/clock.h"
#include "util/csv.h"
#include "util/text.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ORG_IMPORT_FILE_MAX (4 * 1024 * 1024)   /* bytes of an import file */
#define ORG_IMPORT_ROWS_MAX 10000                /* organisations in one file */
#define ORG_IMPORT_ERRORS_SHOWN 20               /* bad lines printed before "and N more" */
#define ORG_IMPORT_HEADER "name,type,municipality,timezone"
#define AUDIT_DETAIL_MAX 1200                    /* a name of 200 characters fits */

#define USAGE_TERRITORY "usage: admin territory add --name NAME --kind region|municipality [--parent ID]\n" \
                        "       admin territory list\n"
#define USAGE_ORG "usage: admin org add --name NAME [--type TYPE] [--territory ID] [--tz ZONE]\n" \
                  "       admin org list\n"                                                    \
                  "       admin org import FILE.csv   (header " ORG_IMPORT_HEADER ")\n"
#define USAGE_PROGRAM "usage: admin program create --org ID --year YYYY [--forms LIST]\n" \
                      "       admin program list [--org ID]\n"
#define USAGE_INVITE "usage: admin invite create --org ID --role curator|mentor|mentee [--uses N] [--days D]\n" \
                     "       admin invite create --territory ID --role coordinator [--uses N] [--days D]\n"

/* A cleaned single-line name of 1..max characters (malloc'd), or NULL after
 * saying what is wrong. */
static char *clean_name(const char *value, int max, const char *what)
{
    char *clean = text_clean_line(value, (size_t)max + 1);
    if (clean && *clean && text_codepoints(clean) <= (size_t)max) return clean;
    fprintf(stderr, "the %s name must be 1 to %d characters\n", what, max);
    free(clean);
    return NULL;
}

/* Commits when rc is MB_OK, otherwise rolls back; says what failed. */
static int finish_change(app *a, mb_status rc, const char *what)
{
    if (!rc) rc = db_commit(a->d);
    if (!rc) return 0;
    db_rollback(a->d);
    fprintf(stderr, "could not %s: %s\n", what, rc == MB_ERR_DB ? db_errmsg(a->d) : mb_status_str(rc));
    return 1;
}

/* ---- territories ---- */

static int territory_add_cmd(app *a, int argc, char **argv)
{
    static const char *const known[] = {"--name", "--kind", "--parent", NULL};
    if (!admin_check_opts(argc, argv, known)) return 2;
    const char *name = admin_opt(argc, argv, "--name"), *kind = admin_opt(argc, argv, "--kind");
    const char *parent_opt = admin_opt(argc, argv, "--parent");
    long long parent_id = 0;
    if (!name || !kind || (parent_opt && !admin_parse_long(parent_opt, 1, INT64_MAX, &parent_id))) {
        fprintf(stderr, USAGE_TERRITORY);
        return 2;
    }
    if (strcmp(kind, "region") && strcmp(kind, "municipality")) {
        fprintf(stderr, "--kind must be region or municipality, not \"%s\"\n", kind);
        return 2;
    }
    if (parent_id && strcmp(kind, "region") == 0) {
        fprintf(stderr, "a region has no parent: leave out --parent\n");
        return 2;
    }
    territory parent;
    if (parent_id && territory_get(a->d, parent_id, &parent)) {
        fprintf(stderr, "there is no territory %lld (see `admin territory list`)\n", parent_id);
        return 1;
    }
    if (parent_id && strcmp(parent.kind, "region") != 0) {
        fprintf(stderr, "the parent of a municipality must be a region; territory %lld is a %s\n", parent_id,
                parent.kind);
        return 1;
    }
    char *clean = clean_name(name, TERRITORY_NAME_MAX, "territory");
    if (!clean) return 2;
    int64_t id = 0;
    char subject[32], detail[AUDIT_DETAIL_MAX];
    mb_status rc = db_begin(a->d);
    if (!rc) rc = territory_add(a->d, clean, kind, parent_id, &id);
    if (rc == MB_ERR_EXISTS) {
        db_rollback(a->d);
        fprintf(stderr, "the %s \"%s\" exists already (id %lld)\n", kind, clean, (long long)id);
        free(clean);
        return 1;
    }
    snprintf(subject, sizeof subject, "territory:%lld", (long long)id);
    snprintf(detail, sizeof detail, "%s \"%s\", parent %lld", kind, clean, parent_id);
    free(clean);
    if (!rc) rc = audit_log(a->d, ADMIN_ACTOR, "territory.add", subject, detail);
    if (finish_change(a, rc, "add the territory")) return 1;
    printf("%lld\n", (long long)id);
    return 0;
}

static int print_territory(const territory *t, void *arg)
{
    (void)arg;
    if (t->parent_id) printf("%lld\t%s\t%lld\t%s\n", (long long)t->id, t->kind, (long long)t->parent_id, t->name);
    else printf("%lld\t%s\t-\t%s\n", (long long)t->id, t->kind, t->name);
    return 0;
}

int admin_territory_cmd(app *a, int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "add") == 0) return territory_add_cmd(a, argc - 1, argv + 1);
    if (argc == 1 && strcmp(argv[0], "list") == 0) return territory_list(a->d, print_territory, NULL) < 0;
    fprintf(stderr, USAGE_TERRITORY);
    return 2;
}

/* ---- organisations ---- */

static int org_add_cmd(app *a, int argc, char **argv)
{
    static const char *const known[] = {"--name", "--type", "--territory", "--tz", NULL};
    if (!admin_check_opts(argc, argv, known)) return 2;
    const char *name = admin_opt(argc, argv, "--name"), *tz = admin_opt(argc, argv, "--tz");
    const char *type = admin_opt(argc, argv, "--type"), *territory_opt = admin_opt(argc, argv, "--territory");
    long long territory_id = 0;
    if (!name || (territory_opt && !admin_parse_long(territory_opt, 1, INT64_MAX, &territory_id))) {
        fprintf(stderr, USAGE_ORG);
        return 2;
    }
    if (!type) type = ORG_TYPE_DEFAULT;
    if (!org_type_valid(type)) {
        fprintf(stderr, "unknown organisation type \"%s\" (one of: %s)\n", type, ORG_TYPE_LIST);
        return 2;
    }
    if (tz && !config_timezone_valid(tz)) {
        fprintf(stderr, "unknown timezone \"%s\" (expected a name like Europe/Moscow)\n", tz);
        return 2;
    }
    territory t;
    if (territory_id && territory_get(a->d, territory_id, &t)) {
        fprintf(stderr, "there is no territory %lld (see `admin territory list`)\n", territory_id);
        return 1;
    }
    if (territory_id && strcmp(t.kind, "municipality") != 0) {
        fprintf(stderr, "territory %lld is a %s: an organisation belongs to a municipality\n", territory_id, t.kind);
        return 1;
    }
    char *clean = clean_name(name, ORG_NAME_MAX, "organisation");
    if (!clean) return 2;
    if (!tz) tz = a->cfg.timezone;
    int64_t id = 0;
    char subject[32], detail[AUDIT_DETAIL_MAX];
    mb_status rc = db_begin(a->d);
    if (!rc) rc = org_add_full(a->d, clean, type, territory_id, tz, &id);
    snprintf(subject, sizeof subject, "org:%lld", (long long)id);
    snprintf(detail, sizeof detail, "\"%s\", type %s, territory %lld, timezone %s", clean, type, territory_id, tz);
    free(clean);
    if (!rc) rc = audit_log(a->d, ADMIN_ACTOR, "org.add", subject, detail);
    if (finish_change(a, rc, "add the organisation")) return 1;
    printf("%lld\n", (long long)id);
    return 0;
}

static int print_org(const org *o, void *arg)
{
    (void)arg;
    char territory_text[24] = "-";
    if (o->territory_id) snprintf(territory_text, sizeof territory_text, "%lld", (long long)o->territory_id);
    printf("%lld\t%s\t%s\t%s\t%s\n", (long long)o->id, o->type, territory_text, o->timezone, o->name);
    return 0;
}

/* The whole file in a malloc'd buffer of at most ORG_IMPORT_FILE_MAX bytes;
 * NULL after saying why not. */
static char *read_import_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "%s: cannot open: %s\n", path, strerror(errno));
        return NULL;
    }
    char *buf = malloc(ORG_IMPORT_FILE_MAX + 1);
    size_t n = buf ? fread(buf, 1, ORG_IMPORT_FILE_MAX + 1, f) : 0;
    int failed = !buf || ferror(f);
    fclose(f);
    if (failed || n > ORG_IMPORT_FILE_MAX) {
        if (failed) fprintf(stderr, "%s: cannot read the file\n", path);
        else fprintf(stderr, "%s: the file is larger than %d bytes; split it\n", path, ORG_IMPORT_FILE_MAX);
        free(buf);
        return NULL;
    }
    *len = n;
    return buf;
}

/* Trims spaces and tabs in place. */
static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t') s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t')) s[--n] = 0;
    return s;
}

/* Trims and lowers ASCII letters in place (types and header names). */
static char *trim_lower(char *s)
{
    s = trim(s);
    for (char *p = s; *p; p++) *p = (char)tolower((unsigned char)*p);
    return s;
}

/* Spreadsheets with a Russian locale save CSV with ';': the header tells. */
static char import_delimiter(const char *data, size_t len)
{
    const char *eol = memchr(data, '\n', len);
    size_t first = eol ? (size_t)(eol - data) : len;
    return memchr(data, ';', first) && !memchr(data, ',', first) ? ';' : ',';
}

typedef struct import_state {
    app *a;
    const char *path;
    int errors;
    int imported;
    int64_t first_id, last_id;
    long *lines;          /* the file line of each organisation inserted so far */
} import_state;

static void import_error(import_state *s, long line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void import_error(import_state *s, long line, const char *fmt, ...)
{
    if (s->errors++ >= ORG_IMPORT_ERRORS_SHOWN) return;
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s:%ld: ", s->path, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* Checks one record and inserts its organisation (inside the import's
 * transaction). A bad record is reported and inserts nothing. */
static mb_status import_record(import_state *s, csv_reader *r)
{
    long line = r->line;
    if (r->count != 4) {
        import_error(s, line, "expected 4 fields (%s), found %d", ORG_IMPORT_HEADER, r->count);
        return MB_OK;
    }
    for (int i = 0; i < 4; i++)
        if (!text_utf8_valid(r->fields[i], strlen(r->fields[i]))) {
            import_error(s, line, "the text is not UTF-8 (save the file as \"CSV UTF-8\")");
            return MB_OK;
        }
    char *type = trim_lower(r->fields[1]), *tz = trim(r->fields[3]);
    char *name = text_clean_line(r->fields[0], ORG_NAME_MAX + 1);
    char *municipality = text_clean_line(r->fields[2], TERRITORY_NAME_MAX + 1);
    mb_status rc = MB_OK;
    territory m;
    int64_t id = 0;
    if (!name || !municipality) {
        rc = MB_ERR_NOMEM;
    } else if (!*name) {
        import_error(s, line, "the organisation name is empty");
    } else if (text_codepoints(name) > ORG_NAME_MAX) {
        import_error(s, line, "the organisation name is longer than %d characters", ORG_NAME_MAX);
    } else if (!*type) {
        import_error(s, line, "the type is empty (one of: %s)", ORG_TYPE_LIST);
    } else if (!org_type_valid(type)) {
        import_error(s, line, "unknown type \"%s\" (one of: %s)", type, ORG_TYPE_LIST);
    } else if (!*municipality) {
        import_error(s, line, "the municipality is empty");
    } else if ((rc = territory_find_by_name(s->a->d, "municipality", municipality, &m)) != MB_OK) {
        if (rc == MB_ERR_NOT_FOUND)
            import_error(s, line, "unknown municipality \"%s\" (add it first: admin territory add --kind municipality)",
                         municipality);
        else if (rc == MB_ERR_INVALID)
            import_error(s, line, "the municipality \"%s\" is ambiguous: several regions have one by that name",
                         municipality);
        if (rc == MB_ERR_NOT_FOUND || rc == MB_ERR_INVALID) rc = MB_OK;
    } else if (*tz && !config_timezone_valid(tz)) {
        import_error(s, line, "unknown timezone \"%s\" (expected a name like Asia/Tomsk, or empty for %s)", tz,
                     s->a->cfg.timezone);
    } else if ((rc = org_find(s->a->d, name, m.id, &id)) == MB_OK) {
        if (s->imported && id >= s->first_id && id - s->first_id < s->imported)
            import_error(s, line, "the same organisation as line %ld", s->lines[id - s->first_id]);
        else
            import_error(s, line, "\"%s\" in %s exists already (organisation %lld)", name, m.name, (long long)id);
    } else if (rc == MB_ERR_NOT_FOUND && !s->errors) {
        /* Once a line is bad nothing will be kept, so later lines are only checked. */
        char subject[32], detail[AUDIT_DETAIL_MAX];
        if (!*tz) tz = s->a->cfg.timezone;
        rc = org_add_full(s->a->d, name, type, m.id, tz, &id);
        snprintf(subject, sizeof subject, "org:%lld", (long long)id);
        snprintf(detail, sizeof detail, "\"%s\", type %s, territory %lld, timezone %s, from %s:%ld", name, type,
                 (long long)m.id, tz, s->path, line);
        if (!rc) rc = audit_log(s->a->d, ADMIN_ACTOR, "org.add", subject, detail);
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
static int org_import_cmd(app *a, const char *path)
{
    size_t len;
    char *data = read_import_file(path, &len);
    if (!data) return 1;
    csv_reader *r = malloc(sizeof *r);
    import_state s = {.a = a, .path = path, .lines = malloc(ORG_IMPORT_ROWS_MAX * sizeof(long))};
    int code = 1, begun = 0;
    mb_status rc = MB_OK;
    if (!r || !s.lines) {
        fprintf(stderr, "%s: out of memory\n", path);
        goto out;
    }
    csv_init(r, data, len, import_delimiter(data, len));
    int got = csv_next(r);
    if (got <= 0) {
        if (got < 0) fprintf(stderr, "%s:%ld: %s\n", path, r->line, r->error);
        else fprintf(stderr, "%s: the file is empty (expected the header %s)\n", path, ORG_IMPORT_HEADER);
        goto out;
    }
    static const char *const header[] = {"name", "type", "municipality", "timezone"};
    int header_ok = r->count == 4;
    for (int i = 0; header_ok && i < 4; i++) header_ok = strcmp(trim_lower(r->fields[i]), header[i]) == 0;
    if (!header_ok) {
        fprintf(stderr, "%s:%ld: the first line must be the header %s\n", path, r->line, ORG_IMPORT_HEADER);
        goto out;
    }
    if ((rc = db_begin(a->d))) goto out;
    begun = 1;
    int rows = 0;
    while (!rc && (got = csv_next(r)) > 0) {
        if (++rows > ORG_IMPORT_ROWS_MAX) {
            import_error(&s, r->line, "more than %d organisations in one file; split it", ORG_IMPORT_ROWS_MAX);
            break;
        }
        rc = import_record(&s, r);
    }
    if (got < 0) import_error(&s, r->line, "%s", r->error);
    if (rc) goto out;
    if (s.errors) {
        if (s.errors > ORG_IMPORT_ERRORS_SHOWN)
            fprintf(stderr, "%s: and %d more bad lines\n", path, s.errors - ORG_IMPORT_ERRORS_SHOWN);
        fprintf(stderr, "%s: nothing imported; correct the lines above and run the import again\n", path);
        goto out;
    }
    char detail[AUDIT_DETAIL_MAX];
    snprintf(detail, sizeof detail, "%s: %d organisations, ids %lld to %lld", path, s.imported,
             (long long)s.first_id, (long long)s.last_id);
    rc = audit_log(a->d, ADMIN_ACTOR, "org.import", NULL, detail);
    begun = 0;
    if (finish_change(a, rc, "import the organisations")) goto out;
    if (s.imported) printf("imported %d organisation(s), ids %lld to %lld\n", s.imported, (long long)s.first_id,
                           (long long)s.last_id);
    else printf("imported 0 organisations (the file has only the header)\n");
    code = 0;
out:
    if (rc) fprintf(stderr, "%s: could not import: %s\n", path, rc == MB_ERR_DB ? db_errmsg(a->d) : mb_status_str(rc));
    if (begun) db_rollback(a->d);
    free(s.lines);
    free(r);
    free(data);
    return code;
}

int admin_org_cmd(app *a, int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "add") == 0) return org_add_cmd(a, argc - 1, argv + 1);
    if (argc == 1 && strcmp(argv[0], "list") == 0) return org_list(a->d, print_org, NULL) < 0;
    if (argc == 2 && strcmp(argv[0], "import") == 0) return org_import_cmd(a, argv[1]);
    fprintf(stderr, USAGE_ORG);
    return 2;
}

/* ---- programmes ---- */

static int program_create_cmd(app *a, int argc, char **argv)
{
    static const char *const known[] = {"--org", "--year", "--forms", NULL};
    if (!admin_check_opts(argc, argv, known)) return 2;
    long long org_id, year;
    const char *forms_opt = admin_opt(argc, argv, "--forms");
    if (!admin_parse_long(admin_opt(argc, argv, "--org"), 1, INT64_MAX, &org_id) || !admin_opt(argc, argv, "--year")) {
        fprintf(stderr, USAGE_PROGRAM);
        return 2;
    }
    if (!admin_parse_long(admin_opt(argc, argv, "--year"), PROGRAM_YEAR_MIN, PROGRAM_YEAR_MAX, &year)) {
        fprintf(stderr, "--year must be the year the school year starts, %d to %d\n", PROGRAM_YEAR_MIN,
                PROGRAM_YEAR_MAX);
        return 2;
    }
    uint32_t forms = PROGRAM_FORMS_DEFAULT;
    char bad[64], forms_text[PROGRAM_FORMS_LIST_MAX];
    if (forms_opt) {
        mb_status prc = program_forms_parse(forms_opt, &forms, bad, sizeof bad);
        if (prc) {
            program_forms_format((1u << PROFILE_FORM_COUNT) - 1, forms_text, sizeof forms_text);
            if (prc == MB_ERR_LIMIT) fprintf(stderr, "--forms is longer than %d bytes\n", PROGRAM_FORMS_LIST_MAX);
            else fprintf(stderr, "unknown form \"%s\" in --forms (comma-separated codes: %s)\n", bad, forms_text);
            return 2;
        }
    }
    org o;
    if (org_get(a->d, org_id, &o)) {
        fprintf(stderr, "there is no organisation %lld (see `admin org list`)\n", org_id);
        return 1;
    }
    if (!org_type_educational(o.type)) {
        fprintf(stderr, "organisation %lld is of type %s: programmes run in schools, additional-education "
                        "organisations and colleges\n", org_id, o.type);
        return 1;
    }
    program_forms_format(forms, forms_text, sizeof forms_text);
    int64_t id = 0;
    char subject[32], detail[AUDIT_DETAIL_MAX];
    mb_status rc = db_begin(a->d);
    if (!rc) rc = program_create(a->d, org_id, (int)year, forms, &id);
    if (rc == MB_ERR_EXISTS) {
        db_rollback(a->d);
        fprintf(stderr, "organisation %lld has a programme for %lld/%02lld already (id %lld)\n", org_id, year,
                (year + 1) % 100, (long long)id);
        return 1;
    }
    snprintf(subject, sizeof subject, "program:%lld", (long long)id);
    snprintf(detail, sizeof detail, "org %lld, year %lld, forms %s", org_id, year, forms_text);
    if (!rc) rc = audit_log(a->d, ADMIN_ACTOR, "program.create", subject, detail);
    if (finish_change(a, rc, "create the programme")) return 1;
    printf("%lld\n", (long long)id);
    return 0;
}

static int print_program(const program *p, void *arg)
{
    (void)arg;
    char forms[PROGRAM_FORMS_LIST_MAX];
    program_forms_format(p->forms, forms, sizeof forms);
    printf("%lld\t%lld\t%d\t%d %s\t%s\n", (long long)p->id, (long long)p->org_id, p->year, p->stage,
           program_stage_code(p->stage) ? program_stage_code(p->stage) : "?", forms);
    return 0;
}

int admin_program_cmd(app *a, int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "create") == 0) return program_create_cmd(a, argc - 1, argv + 1);
    if (argc >= 1 && strcmp(argv[0], "list") == 0) {
        static const char *const known[] = {"--org", NULL};
        long long org_id = 0;
        if (!admin_check_opts(argc - 1, argv + 1, known)) return 2;
        const char *org_opt = admin_opt(argc - 1, argv + 1, "--org");
        if (org_opt && !admin_parse_long(org_opt, 1, INT64_MAX, &org_id)) {
            fprintf(stderr, USAGE_PROGRAM);
            return 2;
        }
        return program_list(a->d, org_id, print_program, NULL) < 0;
    }
    fprintf(stderr, USAGE_PROGRAM);
    return 2;
}

/* ---- invites ---- */

static int invite_create_cmd(app *a, int argc, char **argv)
{
    static const char *const known[] = {"--org", "--territory", "--role", "--uses", "--days", NULL};
    if (!admin_check_opts(argc, argv, known)) return 2;
    const char *role = admin_opt(argc, argv, "--role");
    const char *org_opt = admin_opt(argc, argv, "--org"), *territory_opt = admin_opt(argc, argv, "--territory");
    long long org_id = 0, territory_id = 0, uses = 1, days = INVITE_DEFAULT_DAYS;
    int coordinator = role && strcmp(role, "coordinator") == 0;
    int bad = !role || (!coordinator && strcmp(role, "curator") && strcmp(role, "mentor") && strcmp(role, "mentee"));
    if (!bad && coordinator)
        bad = org_opt || !admin_parse_long(territory_opt, 1, INT64_MAX, &territory_id);
    else if (!bad)
        bad = territory_opt || !admin_parse_long(org_opt, 1, INT64_MAX, &org_id);
    if (bad) {
        if (coordinator && org_opt) fprintf(stderr, "a coordinator invite binds a territory: use --territory ID, not --org\n");
        else if (role && !coordinator && territory_opt)
            fprintf(stderr, "only a coordinator invite binds a territory; a %s invite needs --org ID\n", role);
        fprintf(stderr, USAGE_INVITE);
        return 2;
    }
    if (admin_opt(argc, argv, "--uses") && !admin_parse_long(admin_opt(argc, argv, "--uses"), 1, INVITE_MAX_USES, &uses)) {
        fprintf(stderr, "--uses must be a whole number from 1 to %d\n", INVITE_MAX_USES);
        return 2;
    }
    if (admin_opt(argc, argv, "--days") && !admin_parse_long(admin_opt(argc, argv, "--days"), 1, 3650, &days)) {
        fprintf(stderr, "--days must be a whole number from 1 to 3650\n");
        return 2;
    }
    org o;
    territory t;
    if (org_id && org_get(a->d, org_id, &o)) {
        fprintf(stderr, "there is no organisation %lld (see the id printed by `admin org add`)\n", org_id);
        return 1;
    }
    if (territory_id && territory_get(a->d, territory_id, &t)) {
        fprintf(stderr, "there is no territory %lld (see `admin territory list`)\n", territory_id);
        return 1;
    }
    char code[INVITE_CODE_LEN + 1], subject[32], detail[160];
    int64_t id = 0;
    mb_status rc = db_begin(a->d);
    if (!rc) rc = invite_create(a->d, "role", org_id, role, (int)uses, clock_now_ms() + days * 86400000LL, 0,
                                ADMIN_ACTOR, code, &id);
    if (!rc && territory_id) rc = scope_invite_bind_territory(a->d, id, territory_id);
    snprintf(subject, sizeof subject, "invite:%lld", (long long)id);
    if (coordinator)
        snprintf(detail, sizeof detail, "role %s, territory %lld, uses %lld, days %lld", role, territory_id, uses, days);
    else
        snprintf(detail, sizeof detail, "role %s, org %lld, uses %lld, days %lld", role, org_id, uses, days);
    if (!rc) rc = audit_log(a->d, ADMIN_ACTOR, "invite.create", subject, detail);
    if (finish_change(a, rc, "create the invite")) return 1;
    admin_learn_username(a);
    if (!a->username[0])
        fprintf(stderr, "warning: the bot's username is not known yet (start the service once or set "
                        "[telegram] username); the link below uses a placeholder\n");
    char link[256];
    printf("invite for %s in \"%s\", %lld use(s), valid %lld day(s):\n", role, coordinator ? t.name : o.name, uses,
           days);
    /* The same code works in VK; the Telegram link stays on the last line,
     * where scripts read it. */
    if (a->env.vk_group_id) {
        flow_invite_link(&a->env, "vk", code, link, sizeof link);
        printf("%s\n", link);
    }
    flow_invite_link(&a->env, "tg", code, link, sizeof link);
    printf("%s\n", link);
    return 0;
}

int admin_invite_cmd(app *a, int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "create") == 0) return invite_create_cmd(a, argc - 1, argv + 1);
    fprintf(stderr, USAGE_INVITE);
    return 2;
}

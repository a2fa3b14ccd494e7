/*
 * Reading the indicator definition files (the .ini files of
 * data/indicators) with libinih. inih reads lines of up to 200 bytes, so a long Russian name is
 * written over several indented lines, which inih hands over one by one
 * under the same key and which are joined here with a space.
 */
#include "report/indicators.h"

#include "storage/profiles.h"
#include "util/datadir.h"

#include <dirent.h>
#include <ini.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <libgen.h>

typedef struct load_state {
    FILE *f;
    ind_catalog *cat;
    ind_set *set;
    ind_def *def;
    const char *file;
    char last_key[32];
    char err[768];
    int line;      /* of the line read last */
    int too_long;  /* a line longer than inih reads */
} load_state;

/* Lines for inih, counted so that errors can name theirs. */
static char *read_line(char *buf, int size, void *stream)
{
    load_state *s = stream;
    if (!fgets(buf, size, s->f)) return NULL;
    s->line++;
    size_t n = strlen(buf);
    if (n && buf[n - 1] != '\n' && !feof(s->f)) {
        s->too_long = 1;
        int c;
        while ((c = fgetc(s->f)) != EOF && c != '\n') {}
    }
    return buf;
}

int ind_rounding_parse(const char *text, ind_rounding *out)
{
    const char *colon = strchr(text, ':');
    if (!colon || colon[1] < '0' || colon[1] > '4' || colon[2]) return 0;
    size_t n = (size_t)(colon - text);
    if (n == 7 && strncmp(text, "half_up", 7) == 0) out->kind = IND_ROUND_HALF_UP;
    else if (n == 5 && strncmp(text, "trunc", 5) == 0) out->kind = IND_ROUND_TRUNC;
    else return 0;
    out->digits = colon[1] - '0';
    return 1;
}

void ind_rounding_format(const ind_rounding *r, char *buf, size_t size)
{
    snprintf(buf, size, "%s:%d", r->kind == IND_ROUND_TRUNC ? "trunc" : "half_up", r->digits);
}

static int parse_operand(const char *v, ind_operand *op, int numerator)
{
    memset(op, 0, sizeof *op);
    if (!*v) {
        op->kind = IND_OP_NONE;
        return !numerator;
    }
    if (strncmp(v, "count:", 6) == 0) {
        op->kind = IND_OP_COUNT;
        return (op->count = ind_count_code(v + 6)) >= 0;
    }
    if (strncmp(v, "ref:", 4) == 0) {
        op->kind = IND_OP_REF;
        size_t n = strlen(v + 4);
        if (n == 0 || n >= sizeof op->ref) return 0;
        for (const char *p = v + 4; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')) return 0;
        memcpy(op->ref, v + 4, n + 1);
        return ref_key_valid(op->ref);
    }
    if (strncmp(v, "form_orgs:", 10) == 0) {
        op->kind = IND_OP_FORM_ORGS;
        return (op->form = profile_form_code(v + 10)) >= 0;
    }
    if (strcmp(v, "orgs") == 0) op->kind = IND_OP_ORGS;
    else if (strcmp(v, "employers") == 0) op->kind = IND_OP_EMPLOYERS;
    else if (strcmp(v, numerator ? "satisfied" : "respondents") == 0) op->kind = IND_OP_SATISFIED;
    else if (strcmp(v, numerator ? "answered" : "answer_respondents") == 0) op->kind = IND_OP_ANSWERED;
    else return 0;
    return 1;
}

/* "80:100-80 %|60:79-60 %|..." */
static int parse_bands(const char *v, ind_def *def)
{
    def->nbands = 0;
    const char *p = v;
    while (*p) {
        if (def->nbands >= IND_BANDS_MAX) return 0;
        char *end;
        double from = strtod(p, &end);
        if (end == p || *end != ':') return 0;
        const char *text = end + 1, *bar = strchr(text, '|');
        size_t n = bar ? (size_t)(bar - text) : strlen(text);
        if (n == 0 || n >= IND_BAND_TEXT_MAX) return 0;
        def->bands[def->nbands].from = from;
        memcpy(def->bands[def->nbands].text, text, n);
        def->bands[def->nbands].text[n] = 0;
        def->nbands++;
        p = bar ? bar + 1 : text + n;
    }
    return def->nbands > 0;
}

static unsigned parse_orgs(const char *v)
{
    if (strcmp(v, "school") == 0) return IND_ORGS_SCHOOL;
    if (strcmp(v, "additional") == 0) return IND_ORGS_ADDITIONAL;
    if (strcmp(v, "educational") == 0) return IND_ORGS_SCHOOL | IND_ORGS_ADDITIONAL;
    if (strcmp(v, "all") == 0) return IND_ORGS_ALL;
    return 0;
}

static void append_text(char *dst, size_t size, const char *v)
{
    size_t n = strlen(dst);
    if (n && n + 1 < size) dst[n++] = ' ', dst[n] = 0;
    snprintf(dst + n, size - n, "%s", v);
}

static int fail(load_state *s, const char *fmt, const char *a, const char *b)
{
    char what[400];
    snprintf(what, sizeof what, fmt, a, b);
    snprintf(s->err, sizeof s->err, "%.300s:%d: %s", s->file, s->line, what);
    return 0;
}

static int on_key(void *user, const char *section, const char *key, const char *value)
{
    load_state *s = user;
    if (s->too_long) return fail(s, "the line is longer than %s bytes; continue a name on an indented line%s", "199", "");
    if (strcmp(section, "set") == 0) {
        if (strcmp(key, "code") == 0) {
            if (strlen(value) >= sizeof s->set->code || !*value) return fail(s, "bad set code \"%s\"%s", value, "");
            snprintf(s->set->code, sizeof s->set->code, "%s", value);
        } else if (strcmp(key, "title") == 0) {
            append_text(s->set->title, sizeof s->set->title, value);
        } else {
            return fail(s, "unknown key %s in [set]%s", key, "");
        }
        return 1;
    }
    if (!s->def || strcmp(s->def->code, section) != 0) {
        if (strlen(section) >= REF_KEY_MAX) return fail(s, "the code [%s] is too long%s", section, "");
        for (int i = 0; i < s->set->n; i++)
            if (strcmp(s->set->defs[i].code, section) == 0) return fail(s, "[%s] is defined twice%s", section, "");
        if (s->set->n >= IND_DEFS_MAX) return fail(s, "more than %s indicators in one set%s", "64", "");
        s->def = &s->set->defs[s->set->n++];
        memset(s->def, 0, sizeof *s->def);
        snprintf(s->def->code, sizeof s->def->code, "%s", section);
        s->def->orgs = IND_ORGS_ALL;
        s->def->rounding = (ind_rounding){IND_ROUND_HALF_UP, 2};
        s->def->unit = -1;
        s->def->satisfied_min = IND_SATISFIED_DEFAULT;
        s->def->min_group = IND_MIN_GROUP_DEFAULT;
        s->def->num.kind = -1;
        s->last_key[0] = 0;
    }
    ind_def *d = s->def;
    int again = strcmp(s->last_key, key) == 0;
    snprintf(s->last_key, sizeof s->last_key, "%s", key);
    if (strcmp(key, "name") == 0) {
        append_text(d->name, sizeof d->name, value);
        return 1;
    }
    if (again) return fail(s, "%s is given twice in [%s]", key, d->code);
    if (strcmp(key, "unit") == 0) {
        if (strcmp(value, "percent") == 0) d->unit = IND_UNIT_PERCENT;
        else if (strcmp(value, "persons") == 0) d->unit = IND_UNIT_PERSONS;
        else if (strcmp(value, "orgs") == 0) d->unit = IND_UNIT_ORGS;
        else if (strcmp(value, "count") == 0) d->unit = IND_UNIT_COUNT;
        else return fail(s, "unknown unit \"%s\" (percent, persons, orgs, count)%s", value, "");
    } else if (strcmp(key, "numerator") == 0 || strcmp(key, "denominator") == 0) {
        int num = key[0] == 'n';
        if (!parse_operand(value, num ? &d->num : &d->den, num))
            return fail(s, "unknown %s \"%s\" (count:NAME, ref:KEY, orgs, form_orgs:FORM, employers, satisfied,"
                           " answered; see docs/indicators.md)", key, value);
    } else if (strcmp(key, "orgs") == 0) {
        if (!(d->orgs = parse_orgs(value)))
            return fail(s, "unknown orgs \"%s\" (school, additional, educational, all)%s", value, "");
    } else if (strcmp(key, "rounding") == 0) {
        if (!ind_rounding_parse(value, &d->rounding))
            return fail(s, "unknown rounding \"%s\" (half_up:N or trunc:N, N 0..4)%s", value, "");
    } else if (strcmp(key, "target_persons") == 0) {
        d->target_persons = strcmp(value, "yes") == 0;
    } else if (strcmp(key, "compare") == 0) {
        if (strcmp(value, "previous") != 0) return fail(s, "unknown compare \"%s\" (previous)%s", value, "");
        d->compare_previous = 1;
    } else if (strcmp(key, "role") == 0) {
        if (strcmp(value, "mentee") != 0 && strcmp(value, "mentor") != 0)
            return fail(s, "unknown role \"%s\" (mentee, mentor)%s", value, "");
        snprintf(d->role, sizeof d->role, "%s", value);
    } else if (strcmp(key, "direction") == 0) {
        snprintf(d->direction, sizeof d->direction, "%s", value);
    } else if (strcmp(key, "satisfied_min") == 0) {
        char *end;
        d->satisfied_min = strtod(value, &end);
        if (*end || d->satisfied_min < 1 || d->satisfied_min > 10)
            return fail(s, "satisfied_min \"%s\" is not a number from 1 to 10%s", value, "");
    } else if (strcmp(key, "min_group") == 0) {
        d->min_group = atoi(value);
        if (d->min_group < 1 || d->min_group > 100) return fail(s, "min_group \"%s\" is not 1..100%s", value, "");
    } else if (strcmp(key, "wave") == 0) {
        snprintf(d->wave_kind, sizeof d->wave_kind, "%s", value);
    } else if (strcmp(key, "item") == 0) {
        snprintf(d->item, sizeof d->item, "%s", value);
    } else if (strcmp(key, "answer") == 0) {
        snprintf(d->answer, sizeof d->answer, "%s", value);
    } else if (strcmp(key, "scale") == 0) {
        if (!parse_bands(value, d)) return fail(s, "bad scale \"%s\" (FROM:words|FROM:words...)%s", value, "");
    } else {
        return fail(s, "unknown key %s in [%s]", key, d->code);
    }
    return 1;
}

/* What a definition must have once its file is read. */
static int check_set(load_state *s)
{
    if (!s->set->code[0]) return fail(s, "no [set] code%s%s", "", "");
    for (int i = 0; i < s->set->n; i++) {
        ind_def *d = &s->set->defs[i];
        const char *missing = !d->name[0] ? "name" : (int)d->unit < 0 ? "unit" : (int)d->num.kind < 0 ? "numerator" : NULL;
        if (missing) {
            snprintf(s->err, sizeof s->err, "%.300s: [%s] has no %s", s->file, d->code, missing);
            return 0;
        }
        if ((d->num.kind == IND_OP_SATISFIED) != (d->den.kind == IND_OP_SATISFIED) ||
            (d->num.kind == IND_OP_ANSWERED) != (d->den.kind == IND_OP_ANSWERED) ||
            (d->num.kind == IND_OP_SATISFIED && !d->role[0]) ||
            (d->num.kind == IND_OP_ANSWERED && (!d->wave_kind[0] || !d->item[0] || !d->answer[0]))) {
            snprintf(s->err, sizeof s->err, "%s: [%s]: a survey indicator needs numerator satisfied with denominator"
                     " respondents and a role, or numerator answered with denominator answer_respondents, a wave, an"
                     " item and an answer", s->file, d->code);
            return 0;
        }
    }
    return 1;
}

static int by_name(const struct dirent **a, const struct dirent **b) { return strcmp((*a)->d_name, (*b)->d_name); }

static int is_ini(const struct dirent *e)
{
    size_t n = strlen(e->d_name);
    return n > 4 && strcmp(e->d_name + n - 4, ".ini") == 0;
}

ind_catalog *ind_catalog_load(const char *dir, char *err, size_t err_size)
{
    ind_catalog *cat = calloc(1, sizeof *cat);
    struct dirent **names = NULL;
    int n = cat ? scandir(dir, &names, is_ini, by_name) : -1;
    int ok = n > 0;
    if (!cat) snprintf(err, err_size, "out of memory");
    else if (n < 0) snprintf(err, err_size, "%s: cannot read the folder", dir);
    else if (n == 0) snprintf(err, err_size, "%s: no indicator definitions (*.ini)", dir);
    for (int i = 0; ok && i < n; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
        if (cat->n >= IND_SETS_MAX) {
            snprintf(err, err_size, "%s: more than %d sets", dir, IND_SETS_MAX);
            ok = 0;
            break;
        }
        struct stat stt;
        if (stat(path, &stt) != 0 || stt.st_size > IND_FILE_MAX) {
            snprintf(err, err_size, "%s: cannot read it, or larger than %d bytes", path, IND_FILE_MAX);
            ok = 0;
            break;
        }
        load_state s = {.cat = cat, .set = &cat->sets[cat->n], .file = path};
        s.f = fopen(path, "r");
        int bad = s.f ? ini_parse_stream(read_line, &s, on_key, &s) : -1;
        if (s.f) fclose(s.f);
        if (bad == -1) snprintf(s.err, sizeof s.err, "%.600s: cannot open", path);
        else if (bad > 0 && !s.err[0])
            snprintf(s.err, sizeof s.err, "%.600s:%d: not a \"key = value\" line or a [section]", path, bad);
        if (bad || !check_set(&s)) {
            snprintf(err, err_size, "%s", s.err);
            ok = 0;
            break;
        }
        for (int k = 0; k < cat->n; k++)
            if (strcmp(cat->sets[k].code, s.set->code) == 0) {
                snprintf(err, err_size, "%s: set %s is defined in another file too", path, s.set->code);
                ok = 0;
            }
        cat->n++;
    }
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
    if (!ok) {
        free(cat);
        return NULL;
    }
    return cat;
}

void ind_catalog_free(ind_catalog *c) { free(c); }

const ind_set *ind_catalog_set(const ind_catalog *c, const char *code)
{
    for (int i = 0; c && i < c->n; i++)
        if (strcmp(c->sets[i].code, code) == 0) return &c->sets[i];
    return NULL;
}

int ind_find_data(const char *configured, char *out, size_t size)
{
    return datadir_find(configured, "data/indicators", "000.ini", out, size);
}

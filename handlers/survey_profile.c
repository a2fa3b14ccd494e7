/*
 * Where the survey engine meets the rest of the programme: the instrument
 * files loaded at start, the instrument each participant fills in, and the
 * profile a finished run writes for matching and the indicators.
 */
#include "handlers/survey.h"
#include "storage/employers.h"
#include "util/log.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef enum field_kind { FIELD_CODES, FIELD_TEXT, FIELD_NUMBER, FIELD_DATE, FIELD_YES } field_kind;

/* The profile fields an item may feed, and what kind of item can. */
static const struct profile_field {
    const char *name;
    field_kind kind;
    int (*code)(const char *);   /* FIELD_CODES: the code table the values must be in */
    int multiple_ok;
} fields[] = {
    {"topics", FIELD_CODES, profile_topic_code, 1},
    {"forms", FIELD_CODES, profile_form_code, 1},
    {"slots", FIELD_CODES, profile_slot_code, 1},
    {"meeting_mode", FIELD_CODES, NULL, 0},
    {"subjects", FIELD_TEXT, NULL, 0},
    {"employer", FIELD_TEXT, NULL, 0},
    {"municipality", FIELD_TEXT, NULL, 0},
    {"capacity", FIELD_NUMBER, NULL, 0},
    {"career", FIELD_YES, NULL, 0},
    {"trained_at", FIELD_DATE, NULL, 0},
};

#define FIELD_COUNT (sizeof fields / sizeof fields[0])
#define DAY_MS (24LL * 3600 * 1000)
#define SURVEY_DIR_MAX 4096   /* bytes of the instruments folder path */

static int meeting_mode_code(const char *v)
{
    return v && (strcmp(v, "online") == 0 || strcmp(v, "offline") == 0 || strcmp(v, "both") == 0) ? 0 : -1;
}

static const struct profile_field *field_named(const char *name)
{
    for (size_t i = 0; name && i < FIELD_COUNT; i++)
        if (strcmp(fields[i].name, name) == 0) return &fields[i];
    return NULL;
}

const char *survey_key_for(const account *a)
{
    if (strcmp(a->role, "mentor") == 0) return "mentor_competence";
    if (strcmp(a->role, "mentee") != 0) return NULL;
    return strcmp(a->category, "teacher") == 0 ? "teacher_request" : "pupil_request";
}

mb_status survey_profile_check(const instrument *ins, const char *file, char *err, size_t err_size)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, ins->forms) {
        if (profile_form_code(cJSON_GetStringValue(f)) < 0) {
            snprintf(err, err_size, "%s: \"forms\" holds \"%s\", which is not a form code", file,
                     cJSON_GetStringValue(f) ? cJSON_GetStringValue(f) : "?");
            return MB_ERR_INVALID;
        }
    }
    for (int i = 0; i < ins->nitems; i++) {
        const instrument_item *it = &ins->items[i];
        if (!it->profile) continue;
        const struct profile_field *pf = field_named(it->profile);
        const char *why = NULL;
        if (!pf) why = "is not a profile field";
        else if (pf->kind == FIELD_CODES || pf->kind == FIELD_YES) {
            if (it->type != ITEM_SINGLE && !(pf->multiple_ok && it->type == ITEM_MULTIPLE))
                why = pf->multiple_ok ? "needs a single or multiple choice item" : "needs a single-choice item";
            for (int c = 0; !why && pf->kind == FIELD_CODES && c < it->nchoices; c++) {
                const char *v = it->choices[c].value;
                int (*code)(const char *) = pf->code ? pf->code : meeting_mode_code;
                if (code(v) < 0 && !(strcmp(pf->name, "forms") == 0 && strcmp(v, "any") == 0)) {
                    snprintf(err, err_size, "%s: item \"%s\": choice \"%s\" is not a %s code", file, it->id, v,
                             pf->name);
                    return MB_ERR_INVALID;
                }
            }
            if (!why && pf->kind == FIELD_YES && instrument_choice_index(it, "yes") < 0)
                why = "needs a choice with the value \"yes\"";
        } else if (pf->kind == FIELD_TEXT && it->type != ITEM_TEXT) why = "needs a text item";
        else if (pf->kind == FIELD_NUMBER && it->type != ITEM_NUMBER && it->type != ITEM_SCALE)
            why = "needs a number or scale item";
        else if (pf->kind == FIELD_DATE && it->type != ITEM_DATE) why = "needs a date item";
        if (why) {
            snprintf(err, err_size, "%s: item \"%s\": profile field \"%s\" %s", file, it->id, it->profile, why);
            return MB_ERR_INVALID;
        }
    }
    return MB_OK;
}

static uint32_t bits_of(const char *answer, int (*code)(const char *))
{
    uint32_t bits = 0;
    cJSON *arr = cJSON_Parse(answer), *v;
    if (!arr) {
        int b = code(answer);
        return b >= 0 ? 1u << b : 0;
    }
    if (cJSON_IsString(arr)) {
        int b = code(arr->valuestring);
        bits = b >= 0 ? 1u << b : 0;
    }
    cJSON_ArrayForEach(v, arr) {
        int b = code(cJSON_GetStringValue(v));
        if (b >= 0) bits |= 1u << b;
    }
    cJSON_Delete(arr);
    return bits;
}

/* Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's method). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void apply(profile *p, const struct profile_field *pf, const char *answer)
{
    const char *name = pf->name;
    if (strcmp(name, "topics") == 0) p->topics |= bits_of(answer, profile_topic_code);
    else if (strcmp(name, "forms") == 0) p->forms |= bits_of(answer, profile_form_code);
    else if (strcmp(name, "slots") == 0) p->slots |= bits_of(answer, profile_slot_code);
    else if (strcmp(name, "meeting_mode") == 0) snprintf(p->meeting_mode, sizeof p->meeting_mode, "%s", answer);
    else if (strcmp(name, "subjects") == 0) snprintf(p->subjects, sizeof p->subjects, "%s", answer);
    else if (strcmp(name, "employer") == 0) snprintf(p->employer, sizeof p->employer, "%s", answer);
    else if (strcmp(name, "municipality") == 0) snprintf(p->municipality, sizeof p->municipality, "%s", answer);
    else if (strcmp(name, "capacity") == 0) p->capacity = atoi(answer);
    else if (strcmp(name, "career") == 0) p->career = strcmp(answer, "yes") == 0;
    else if (strcmp(name, "trained_at") == 0) {
        int y, m, d;
        if (sscanf(answer, "%d-%d-%d", &y, &m, &d) == 3) p->trained_at = days_from_civil(y, m, d) * DAY_MS;
    }
}

static void clear(profile *p, const char *name)
{
    if (strcmp(name, "topics") == 0) p->topics = 0;
    else if (strcmp(name, "forms") == 0) p->forms = 0;
    else if (strcmp(name, "slots") == 0) p->slots = 0;
    else if (strcmp(name, "meeting_mode") == 0) p->meeting_mode[0] = 0;
    else if (strcmp(name, "subjects") == 0) p->subjects[0] = 0;
    else if (strcmp(name, "employer") == 0) p->employer[0] = 0;
    else if (strcmp(name, "municipality") == 0) p->municipality[0] = 0;
    else if (strcmp(name, "capacity") == 0) p->capacity = 0;
    else if (strcmp(name, "career") == 0) p->career = 0;
    else if (strcmp(name, "trained_at") == 0) p->trained_at = 0;
}

mb_status survey_profile_write(db *d, int64_t account_id, const instrument *ins, const cJSON *answers)
{
    profile p;
    mb_status rc = profile_load(d, account_id, &p);
    if (rc == MB_ERR_NOT_FOUND) {
        memset(&p, 0, sizeof p);
        p.account_id = account_id;
    } else if (rc) {
        return rc;
    }
    for (int i = 0; i < ins->nitems; i++)
        if (ins->items[i].profile) clear(&p, ins->items[i].profile);
    if (ins->forms) clear(&p, "forms");
    for (int i = 0; i < ins->nitems; i++) {
        const instrument_item *it = &ins->items[i];
        const char *answer = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(answers, it->id));
        const struct profile_field *pf = field_named(it->profile);
        if (pf && answer && instrument_applies(it, answers)) apply(&p, pf, answer);
    }
    if (ins->forms && !p.forms) {
        const cJSON *f;
        cJSON_ArrayForEach(f, ins->forms) {
            int b = profile_form_code(cJSON_GetStringValue(f));
            if (b >= 0) p.forms |= 1u << b;
        }
    }
    /* The employer an employee or entrepreneur names is folded into the
     * employers the indicators count (a student's answer in the same field
     * is their college); a survey without one leaves the imported one. */
    account a;
    if ((rc = profile_save(d, &p)) || !p.employer[0]) return rc;
    if ((rc = account_load(d, account_id, &a))) return rc == MB_ERR_NOT_FOUND ? MB_OK : rc;
    if (strcmp(a.category, "employee") != 0 && strcmp(a.category, "entrepreneur") != 0) return MB_OK;
    rc = employer_set_for_account(d, account_id, p.employer);
    return rc == MB_ERR_INVALID ? MB_OK : rc;
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static char *read_whole(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = malloc(INSTRUMENT_BODY_MAX + 2);
    size_t n = buf ? fread(buf, 1, INSTRUMENT_BODY_MAX + 1, f) : 0;
    fclose(f);
    if (!buf) return NULL;
    buf[n] = 0;
    *len = n;
    return buf;
}

/* One file: read, parse, check, store. */
static mb_status load_one(db *d, const char *dir, const char *name, char keys[][INSTRUMENT_KEY_MAX + 1],
                          const char **key_files, int index, char *err, size_t err_size)
{
    char path[SURVEY_DIR_MAX + 320];
    snprintf(path, sizeof path, "%s/%.255s", dir, name);
    size_t len = 0;
    char *body = read_whole(path, &len);
    instrument *ins = NULL;
    mb_status rc = MB_OK;
    if (!body) {
        snprintf(err, err_size, "%s: cannot read the file", path);
        return MB_ERR_IO;
    }
    if (len > INSTRUMENT_BODY_MAX || strlen(body) != len) {
        snprintf(err, err_size, "%s: %s", path, len > INSTRUMENT_BODY_MAX ? "the file is too large" : "a NUL byte");
        rc = MB_ERR_LIMIT;
        goto out;
    }
    if ((rc = instrument_parse(body, len, path, &ins, err, err_size)) ||
        (rc = survey_profile_check(ins, path, err, err_size)))
        goto out;
    for (int i = 0; i < index; i++) {
        if (strcmp(keys[i], ins->key) == 0) {
            snprintf(err, err_size, "%s: key \"%s\" is already used by %s", path, ins->key, key_files[i]);
            rc = MB_ERR_EXISTS;
            goto out;
        }
    }
    snprintf(keys[index], sizeof keys[index], "%.*s", INSTRUMENT_KEY_MAX, ins->key);
    int version = 0, created = 0;
    if ((rc = survey_instrument_store(d, ins->key, body, NULL, &version, &created))) {
        snprintf(err, err_size, "%s: cannot store the instrument: %s", path, mb_status_str(rc));
        goto out;
    }
    if (created) log_info("survey", "instrument %s version %d stored from %s", ins->key, version, path);
out:
    instrument_free(ins);
    free(body);
    return rc;
}

mb_status surveys_load_dir(db *d, const char *locales_dir, char *err, size_t err_size)
{
    char dir[SURVEY_DIR_MAX];
    if ((size_t)snprintf(dir, sizeof dir, "%s/surveys", locales_dir) >= sizeof dir) {
        snprintf(err, err_size, "the locales path is over %d bytes", SURVEY_DIR_MAX - 16);
        return MB_ERR_LIMIT;
    }
    DIR *dh = opendir(dir);
    if (!dh) {
        snprintf(err, err_size, "%s: cannot open the survey instruments folder", dir);
        return MB_ERR_NOT_FOUND;
    }
    char *names[SURVEY_FILES_MAX];
    int n = 0;
    mb_status rc = MB_OK;
    struct dirent *e;
    while ((e = readdir(dh))) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len < 6 || strcmp(e->d_name + len - 5, ".json") != 0) continue;
        if (n == SURVEY_FILES_MAX) {
            snprintf(err, err_size, "%s: more than %d instrument files", dir, SURVEY_FILES_MAX);
            rc = MB_ERR_LIMIT;
            break;
        }
        if (!(names[n] = strdup(e->d_name))) { rc = MB_ERR_NOMEM; break; }
        n++;
    }
    closedir(dh);
    qsort(names, (size_t)n, sizeof names[0], by_name);
    int own_tx = sqlite3_get_autocommit(db_handle(d));
    if (!rc && own_tx && (rc = db_begin(d))) snprintf(err, err_size, "%s: cannot begin a transaction", dir);
    char keys[SURVEY_FILES_MAX][INSTRUMENT_KEY_MAX + 1];
    for (int i = 0; !rc && i < n; i++) rc = load_one(d, dir, names[i], keys, (const char **)names, i, err, err_size);
    if (own_tx && !rc && (rc = db_commit(d))) snprintf(err, err_size, "%s: cannot commit the instruments", dir);
    if (own_tx && rc) db_rollback(d);
    for (int i = 0; i < n; i++) free(names[i]);
    return rc;
}

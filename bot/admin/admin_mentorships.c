/*
 * Importing an organisation's pairs and groups (`admin import
 * mentorships`, docs/import.md): forms and directions as codes or Russian
 * words, the people by the person_ids of the people import, the dates it
 * began and ended. All or nothing, every bad cell told by line and column;
 * the same file run again adds nothing.
 */
#include "bot/admin/admin.h"
#include "bot/app.h"
#include "storage/people.h"
#include "storage/profiles.h"
#include "util/clock.h"
#include "util/typed.h"
#include "util/tz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MENTORSHIP_ROWS_MAX 10000    /* mentorships in one file */

enum { M_ORG, M_FORM, M_MENTOR, M_MENTEES, M_DIRECTION, M_STARTED, M_ENDED, M_COUNT };

static const admin_column mentorship_columns[M_COUNT] = {
    {{"org", "организация", NULL}, 1},
    {{"form", "форма", NULL}, 1},
    {{"mentor", "наставник", NULL}, 1},
    {{"mentees", "наставляемые", NULL}, 1},
    {{"direction", "направление", NULL}, 1},
    {{"started", "начало", NULL}, 1},
    {{"ended", "окончание", "конец", NULL}, 1},
};

static const admin_word direction_words[] = {
    {"профориентация", "career"}, {"учёба", "learning"}, {"учеба", "learning"}, {"таланты", "talent"},
    {"олимпиады", "talent"}, {"таланты/олимпиады", "talent"}, {"проект", "project"}, {"адаптация", "adaptation"},
    {"общение", "social"}, {"профессиональное развитие", "professional"},
};

typedef struct mentorship_state {
    admin_import im;     /* first: the runner's callbacks get it */
    int col[M_COUNT], fields;
    int added, same;
    admin_line_map *seen;      /* mentorship id -> line */
} mentorship_state;

static int mentorship_header(admin_import *im, csv_reader *r)
{
    mentorship_state *s = (mentorship_state *)im;
    return admin_import_columns(im, r, mentorship_columns, M_COUNT, s->col, &s->fields);
}

/* A form written as its code or its Russian name, in any case, with any
 * dash and spaces between the words («ученик – ученик», «Ученик-ученик»). */
static const char *form_of(const char *cell)
{
    static const char *const names[] = {
#define X(code, name) name,
        PROFILE_FORMS
#undef X
    };
    char lower[128], folded[128], name_folded[128];
    if (!typed_lower(cell, lower, sizeof lower)) return NULL;
    if (profile_form_code(lower) >= 0) return profile_form_name(profile_form_code(lower));
    /* spaces dropped, every dash (-, en, em) read as one '-' */
    size_t n = 0;
    for (const char *p = lower; *p && n + 1 < sizeof folded;) {
        if (strncmp(p, "\xE2\x80\x93", 3) == 0 || strncmp(p, "\xE2\x80\x94", 3) == 0) p += 3, folded[n++] = '-';
        else if (*p == ' ') p++;
        else folded[n++] = *p++;
    }
    folded[n] = 0;
    for (int f = 0; f < PROFILE_FORM_COUNT; f++) {
        size_t k = 0;
        for (const char *p = names[f]; *p && k + 1 < sizeof name_folded;) {
            if (strncmp(p, "\xE2\x80\x93", 3) == 0) p += 3, name_folded[k++] = '-';
            else name_folded[k++] = *p++;
        }
        name_folded[k] = 0;
        if (strcmp(folded, name_folded) == 0) return profile_form_name(f);
    }
    return NULL;
}

/* A person_id of org in the given role; reported and 0 when not. */
static int64_t person_cell(mentorship_state *s, long line, const char *column, int64_t org_id, const char *id,
                           const char *role)
{
    account a;
    mb_status rc = *id ? people_find(s->im.a->d, org_id, id, &a) : MB_ERR_NOT_FOUND;
    if (rc == MB_ERR_NOT_FOUND || (rc == MB_OK && strcmp(a.status, "forgotten") == 0)) {
        if (!*id) admin_import_bad_cell(&s->im, line, column, "empty (a person_id of the people list)");
        else if (rc == MB_OK) admin_import_bad_cell(&s->im, line, column, "%s erased their data in the bot", id);
        else admin_import_bad_cell(&s->im, line, column, "no person %s in this organisation (import the people first)", id);
        return 0;
    }
    if (rc) {
        admin_import_bad_cell(&s->im, line, column, "cannot be read: %s", mb_status_str(rc));
        return 0;
    }
    if (strcmp(a.role, role) != 0) {
        admin_import_bad_cell(&s->im, line, column, "%s is a %s, not a %s", id, a.role[0] ? a.role : "person", role);
        return 0;
    }
    return a.id;
}

/* A date cell as the organisation's local midnight; 0 after reporting. */
static int64_t date_cell(mentorship_state *s, long line, const char *column, const char *cell, const char *zone)
{
    int ymd = admin_parse_date(cell);
    struct tm t = {.tm_year = ymd / 10000 - 1900, .tm_mon = ymd / 100 % 100 - 1, .tm_mday = ymd % 100};
    int64_t ms;
    if (!ymd || tz_from_local(zone, &t, &ms)) {
        admin_import_bad_cell(&s->im, line, column, "\"%s\" is not a date (YYYY-MM-DD or DD.MM.YYYY)", cell);
        return 0;
    }
    if (ms > clock_now_ms()) {
        admin_import_bad_cell(&s->im, line, column, "%s is in the future", cell);
        return 0;
    }
    return ms;
}

static mb_status mentorship_record(admin_import *im, csv_reader *r)
{
    mentorship_state *s = (mentorship_state *)im;
    long line = r->line;
    people_mentorship m;
    memset(&m, 0, sizeof m);
    if (!admin_import_shape_ok(im, r, s->fields) || !admin_import_org(im, line, admin_import_cell(r, s->col, M_ORG), &m.org_id))
        return MB_OK;
    org o;
    mb_status rc = org_get(im->a->d, m.org_id, &o);
    if (rc) return rc;
    const char *cell = admin_import_cell(r, s->col, M_FORM), *form = form_of(cell);
    if (!form) {
        admin_import_bad_cell(im, line, "form", "\"%s\" is not a form (a code such as pupil_pupil or a name such as"
                                                " «ученик – ученик»; docs/import.md lists them)", cell);
        return MB_OK;
    }
    snprintf(m.form, sizeof m.form, "%s", form);
    if (!(m.mentor_id = person_cell(s, line, "mentor", m.org_id, admin_import_cell(r, s->col, M_MENTOR), "mentor")))
        return MB_OK;
    char *list = admin_import_cell(r, s->col, M_MENTEES), *save = NULL;
    for (char *id = strtok_r(list, "|", &save); id; id = strtok_r(NULL, "|", &save)) {
        id = admin_trim(id);
        if (m.nmentees == (int)(sizeof m.mentees / sizeof m.mentees[0])) {
            admin_import_bad_cell(im, line, "mentees", "more than %d mentees in one group", m.nmentees);
            return MB_OK;
        }
        int64_t mentee = person_cell(s, line, "mentees", m.org_id, id, "mentee");
        if (!mentee) return MB_OK;
        for (int k = 0; k < m.nmentees; k++)
            if (m.mentees[k] == mentee) {
                admin_import_bad_cell(im, line, "mentees", "%s is named twice", id);
                return MB_OK;
            }
        m.mentees[m.nmentees++] = mentee;
    }
    if (!m.nmentees) {
        admin_import_bad_cell(im, line, "mentees", "empty (person_ids separated by |)");
        return MB_OK;
    }
    static const char *const direction_codes[] = {"career", "learning", "talent", "project", "adaptation", "social",
                                                  "professional", NULL};
    cell = admin_import_cell(r, s->col, M_DIRECTION);
    const char *direction = *cell ? admin_word_code(cell, direction_words, sizeof direction_words / sizeof direction_words[0],
                                            direction_codes) : "";
    if (!direction) {
        admin_import_bad_cell(im, line, "direction", "\"%s\" is not a direction (career, learning, talent, project,"
                                                     " adaptation, social, professional, or the Russian word)", cell);
        return MB_OK;
    }
    snprintf(m.direction, sizeof m.direction, "%s", direction);
    if (!(m.started_at = date_cell(s, line, "started", admin_import_cell(r, s->col, M_STARTED), o.timezone)))
        return MB_OK;
    cell = admin_import_cell(r, s->col, M_ENDED);
    if (*cell && !(m.ended_at = date_cell(s, line, "ended", cell, o.timezone))) return MB_OK;
    if (m.ended_at && m.ended_at < m.started_at) {
        admin_import_bad_cell(im, line, "ended", "%s is before the start", cell);
        return MB_OK;
    }
    if (!m.ended_at && !people_same_mentorship(im->a->d, &m))
        for (int k = 0; k < m.nmentees; k++) {
            int64_t active = people_active_mentorship(im->a->d, m.mentees[k]);
            if (!active) continue;
            long *first = admin_line_slot(s->seen, active);
            char other[64];
            if (*first) snprintf(other, sizeof other, "line %ld", *first);
            else snprintf(other, sizeof other, "mentorship %lld", (long long)active);
            char ext[PEOPLE_EXTERNAL_BYTES];
            people_external_id(im->a->d, m.mentees[k], ext, sizeof ext);
            admin_import_bad_cell(im, line, "mentees", "%s is already in an active mentorship (%s); end that one or"
                                                       " give this one an end date", ext, other);
            return MB_OK;
        }
    int64_t id = 0;
    int existed = 0;
    rc = people_add_mentorship(im->a->d, &m, &id, &existed);
    if (rc == MB_ERR_EXISTS) {
        admin_import_bad_cell(im, line, "mentees", "a mentee is already in an active mentorship");
        return MB_OK;
    }
    if (rc) return rc;
    long *first = admin_line_slot(s->seen, id);
    if (*first) {
        admin_import_bad(im, line, "the same mentorship as line %ld", *first);
        return MB_OK;
    }
    *first = line;
    if (existed) s->same++;
    else s->added++;
    return MB_OK;
}

int admin_import_mentorships(app *a, const char *path)
{
    mentorship_state s = {.im = {.a = a, .path = path, .header_text = ADMIN_MENTORSHIPS_HEADER, .rows_name = "mentorships",
                                 .rows_max = MENTORSHIP_ROWS_MAX, .header = mentorship_header, .row = mentorship_record},
                          .seen = calloc(1, sizeof(admin_line_map))};
    int code = 1;
    if (!s.seen) fprintf(stderr, "%s: out of memory\n", path);
    else if (admin_import_run(&s.im) == 0) {
        char detail[AUDIT_DETAIL_MAX];
        snprintf(detail, sizeof detail, "%s: %d new, %d there already", path, s.added, s.same);
        if (!admin_finish_change(a, audit_log(a->d, ADMIN_ACTOR, "mentorships.import", NULL, detail),
                                 "import the mentorships")) {
            printf("imported %d mentorships: %d new, %d there already\n", s.added + s.same, s.added, s.same);
            code = 0;
        }
    }
    free(s.seen);
    return code;
}

#include "tests/region_gen.h"
#include "handlers/survey.h"
#include "util/clock.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS 86400000LL
#define YEAR_MS (365 * DAY_MS)
#define TG_USER_BASE 100000000LL
#define VK_USER_BASE 200000000LL
#define ITEMS_MAX 32

static long at_least(double v, long floor) { return v < floor ? floor : (long)v; }

void region_size_at(double scale, region_size *out)
{
    out->municipalities = at_least(20 * scale, 2);
    out->orgs = at_least(355 * scale, 1);
    out->pupils = at_least(120000 * scale, 1);
    out->mentors = at_least(40000 * scale, 1);
    out->mentorships = at_least(60000 * scale, 1);
    out->outbox = at_least(2000000 * scale, 1);
    out->answers = at_least(500000 * scale, 1);
    out->inbox = at_least(1000000 * scale, 1);
    out->jobs = at_least(150000 * scale, 1);
    out->audit = at_least(300000 * scale, 1);
    out->invites = at_least(10000 * scale, 1);
    out->meetings = at_least(1500000 * scale, 1);
    out->outcomes = at_least(50000 * scale, 1);
    out->poll_answers = at_least(100000 * scale, 1);
    out->employers = at_least(2000 * scale, 1);
}

typedef struct gen {
    sqlite3 *sql;
    uint64_t rng;
    int64_t now, start;
    char *err;
    size_t err_size;
    int failed;
    /* accounts of each organisation: pupils then mentors, by org */
    int64_t **pupils, **mentors;
    long *npupils, *nmentors;
    int64_t first_account, last_account;
    region_report *rep;
} gen;

static uint64_t next(gen *g)
{
    /* xorshift64*: deterministic and good enough for spreading rows */
    g->rng ^= g->rng >> 12;
    g->rng ^= g->rng << 25;
    g->rng ^= g->rng >> 27;
    return g->rng * 2685821657736338717ULL;
}

static long pick(gen *g, long n) { return n > 0 ? (long)(next(g) % (uint64_t)n) : 0; }
static int percent(gen *g, int p) { return pick(g, 100) < p; }
/* A time in the year before now, later for a larger fraction. */
static int64_t when(gen *g, double fraction) { return g->start + (int64_t)(fraction * YEAR_MS) - pick(g, 3600000); }

static sqlite3_stmt *prep(gen *g, const char *sql)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(g->sql, sql, -1, &st, NULL) != SQLITE_OK && !g->failed) {
        snprintf(g->err, g->err_size, "cannot prepare [%s]: %s", sql, sqlite3_errmsg(g->sql));
        g->failed = 1;
    }
    return st;
}

/* Steps an insert and resets it; the first failure is kept in err. */
static void put(gen *g, sqlite3_stmt *st)
{
    if (!st) return;
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE && !g->failed) {
        snprintf(g->err, g->err_size, "[%s] failed: %s", sqlite3_sql(st), sqlite3_errmsg(g->sql));
        g->failed = 1;
    }
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

static void bind_i(sqlite3_stmt *st, int i, int64_t v) { if (st) sqlite3_bind_int64(st, i, v); }
static void bind_t(sqlite3_stmt *st, int i, const char *v)
{
    if (st) sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

static void places(gen *g, const region_size *n)
{
    sqlite3_stmt *t = prep(g, "INSERT INTO territories(id, name, kind, parent_id, created_at, timezone)"
                              " VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
    bind_i(t, 1, 1); bind_t(t, 2, "Region"); bind_t(t, 3, "region"); bind_t(t, 6, "Asia/Tomsk");
    bind_i(t, 5, g->start);
    put(g, t);
    char name[64];
    for (long m = 0; m < n->municipalities; m++) {
        snprintf(name, sizeof name, "Municipality %ld", m + 1);
        bind_i(t, 1, m + 2); bind_t(t, 2, name); bind_t(t, 3, "municipality"); bind_i(t, 4, 1);
        bind_i(t, 5, g->start); bind_t(t, 6, "");
        put(g, t);
    }
    sqlite3_finalize(t);
    static const char *const types[] = {"school", "school", "school", "school", "additional", "college",
                                        "university", "enterprise", "ngo"};
    sqlite3_stmt *o = prep(g, "INSERT INTO orgs(id, name, timezone, created_at, type, territory_id)"
                              " VALUES(?1, ?2, 'Asia/Tomsk', ?3, ?4, ?5)");
    sqlite3_stmt *p = prep(g, "INSERT INTO programs(org_id, year, forms, stage, created_at)"
                              " VALUES(?1, 2026, '[\"pupil_pupil\",\"teacher_pupil\",\"student_pupil\"]', ?2, ?3)");
    for (long i = 1; i <= n->orgs; i++) {
        snprintf(name, sizeof name, "School %ld", i);
        bind_i(o, 1, i); bind_t(o, 2, name); bind_i(o, 3, g->start);
        bind_t(o, 4, types[i % 9]); bind_i(o, 5, 2 + i % n->municipalities);
        put(g, o);
        bind_i(p, 1, i); bind_i(p, 2, 1 + i % 7); bind_i(p, 3, g->start);
        put(g, p);
    }
    sqlite3_finalize(o);
    sqlite3_finalize(p);
}

/* One person: the account, one or two identities, a dialog row. */
typedef struct people {
    sqlite3_stmt *account, *identity, *dialog, *scope, *use;
} people;

static int64_t person(gen *g, people *p, long org_id, const char *role, const char *category, int grade,
                      const char *status)
{
    int64_t at = when(g, (double)pick(g, 1000) / 1000.0 * 0.8);
    char name[64];
    snprintf(name, sizeof name, "Person %lld", (long long)g->last_account + 1);
    int pupil = strcmp(category, "pupil") == 0;
    int forgotten = strcmp(status, "forgotten") == 0;
    bind_t(p->account, 1, status); bind_t(p->account, 2, role);
    if (org_id) bind_i(p->account, 3, org_id);
    if (!forgotten) bind_t(p->account, 4, name);
    bind_t(p->account, 5, category);
    if (grade) bind_i(p->account, 6, grade);
    if (pupil && !forgotten) bind_i(p->account, 7, 2026 - 7 - grade);
    bind_t(p->account, 8, percent(g, 95) ? "ru" : "en");
    if (strcmp(status, "registering")) bind_i(p->account, 9, at);
    bind_i(p->account, 10, at); bind_i(p->account, 11, at);
    put(g, p->account);
    int64_t id = sqlite3_last_insert_rowid(g->sql);
    g->last_account = id;
    g->rep->accounts++;
    if (!forgotten) {
        int vk = percent(g, 25), both = percent(g, 8);
        for (int k = 0; k < 1 + both; k++) {
            int on_vk = k ? !vk : vk;
            int64_t user = (on_vk ? VK_USER_BASE : TG_USER_BASE) + id;
            bind_t(p->identity, 1, on_vk ? "vk" : "tg"); bind_i(p->identity, 2, user);
            bind_i(p->identity, 3, id); bind_i(p->identity, 4, user); bind_t(p->identity, 5, name);
            put(g, p->identity);
            g->rep->identities++;
        }
        bind_i(p->dialog, 1, id);
        bind_t(p->dialog, 2, percent(g, 90) ? "" : "survey");
        bind_i(p->dialog, 3, at);
        put(g, p->dialog);
        g->rep->dialogs++;
    }
    if (org_id) {
        /* the role invite this person came in by (the org's first ones) */
        bind_i(p->use, 1, 1 + (org_id - 1) * 4 + pick(g, 4)); bind_i(p->use, 2, id); bind_i(p->use, 3, at);
        put(g, p->use);
    }
    return id;
}

static void population(gen *g, const region_size *n)
{
    people p = {
        prep(g, "INSERT INTO accounts(status, role, org_id, name, category, grade, birth_year, language,"
                " consent_at, created_at, updated_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"),
        prep(g, "INSERT INTO identities(platform, user_id, account_id, chat_id, display_name)"
                " VALUES(?1, ?2, ?3, ?4, ?5)"),
        prep(g, "INSERT INTO dialog(account_id, state, data, updated_at) VALUES(?1, ?2, '{}', ?3)"),
        prep(g, "INSERT INTO scopes(account_id, org_id, territory_id) VALUES(?1, ?2, ?3)"),
        prep(g, "INSERT OR IGNORE INTO invite_uses(invite_id, account_id, used_at) VALUES(?1, ?2, ?3)"),
    };
    /* Four role invites per organisation first, so their ids are known. */
    sqlite3_stmt *inv = prep(g, "INSERT INTO invites(code, kind, org_id, role, max_uses, uses, expires_at,"
                                " created_by, created_at, territory_id) VALUES(?1, 'role', ?2, ?3, 1000, 0, ?4,"
                                " 'admin', ?5, NULL)");
    static const char *const invite_roles[] = {"curator", "mentor", "mentee", "mentee"};
    char code[32];
    for (long o = 1; o <= n->orgs; o++)
        for (int k = 0; k < 4; k++) {
            snprintf(code, sizeof code, "r%ldk%d", o, k);
            bind_t(inv, 1, code); bind_i(inv, 2, o); bind_t(inv, 3, invite_roles[k]);
            bind_i(inv, 4, g->now + YEAR_MS); bind_i(inv, 5, g->start);
            put(g, inv);
            g->rep->invites++;
        }
    sqlite3_finalize(inv);
    g->first_account = g->last_account + 1;
    /* Curators (two per organisation) and coordinators (one per territory). */
    for (long o = 1; o <= n->orgs; o++)
        for (int k = 0; k < 2; k++) {
            int64_t id = person(g, &p, o, "curator", "teacher", 0, "active");
            bind_i(p.scope, 1, id); bind_i(p.scope, 2, o);
            put(g, p.scope);
        }
    for (long t = 1; t <= n->municipalities + 1; t++) {
        int64_t id = person(g, &p, 0, "coordinator", "staff", 0, "active");
        bind_i(p.scope, 1, id); bind_i(p.scope, 3, t);
        put(g, p.scope);
    }
    g->pupils = calloc((size_t)n->orgs + 1, sizeof *g->pupils);
    g->mentors = calloc((size_t)n->orgs + 1, sizeof *g->mentors);
    g->npupils = calloc((size_t)n->orgs + 1, sizeof *g->npupils);
    g->nmentors = calloc((size_t)n->orgs + 1, sizeof *g->nmentors);
    long per_org_p = n->pupils / n->orgs + 1, per_org_m = n->mentors / n->orgs + 1;
    for (long o = 1; o <= n->orgs && g->pupils && g->mentors; o++) {
        g->pupils[o] = malloc((size_t)per_org_p * sizeof **g->pupils);
        g->mentors[o] = malloc((size_t)per_org_m * sizeof **g->mentors);
    }
    for (long i = 0; i < n->pupils && !g->failed; i++) {
        long o = 1 + i % n->orgs;
        int r = (int)pick(g, 1000);
        const char *status = r < 900 ? "active" : r < 950 ? "pending_consent" : r < 985 ? "registering" : "forgotten";
        g->pupils[o][g->npupils[o]++] = person(g, &p, o, "mentee", "pupil", 1 + (int)pick(g, 11), status);
    }
    static const char *const mentor_kinds[] = {"teacher", "teacher", "pupil", "student", "employee", "alumnus"};
    for (long i = 0; i < n->mentors && !g->failed; i++) {
        long o = 1 + i % n->orgs;
        const char *cat = mentor_kinds[pick(g, 6)];
        g->mentors[o][g->nmentors[o]++] =
            person(g, &p, o, "mentor", cat, strcmp(cat, "pupil") ? 0 : 8 + (int)pick(g, 4),
                   percent(g, 97) ? "active" : "forgotten");
    }
    sqlite3_finalize(p.account);
    sqlite3_finalize(p.identity);
    sqlite3_finalize(p.dialog);
    sqlite3_finalize(p.scope);
    sqlite3_finalize(p.use);
}

static void pairs(gen *g, const region_size *n)
{
    sqlite3_stmt *m = prep(g, "INSERT INTO mentorships(org_id, program_id, form, mentor_id, direction, state,"
                              " created_by, created_at, ended_at) VALUES(?1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    sqlite3_stmt *mm = prep(g, "INSERT INTO mentorship_members(mentorship_id, mentee_id, joined_at, left_at)"
                               " VALUES(?1, ?2, ?3, ?4)");
    sqlite3_stmt *rj = prep(g, "INSERT OR IGNORE INTO match_rejections(mentee_id, mentor_id, at) VALUES(?1, ?2, ?3)");
    long *used = calloc((size_t)n->orgs + 1, sizeof *used);
    for (long i = 0; i < n->mentorships && used && !g->failed; i++) {
        long o = 1 + i % n->orgs;
        if (!g->nmentors[o]) continue;
        int group = percent(g, 10);
        long size = group ? 3 + pick(g, 3) : 1;
        if (used[o] + size > g->npupils[o]) continue;
        int ended = percent(g, 10);
        int64_t at = when(g, 0.3 + (double)pick(g, 600) / 1000.0), end = ended ? at + 30 * DAY_MS : 0;
        bind_i(m, 1, o); bind_t(m, 2, group ? "pupil_pupil" : "teacher_pupil");
        bind_i(m, 3, g->mentors[o][pick(g, g->nmentors[o])]); bind_t(m, 4, "learning");
        bind_t(m, 5, ended ? "ended" : "active"); bind_i(m, 6, g->first_account + (o - 1) * 2); bind_i(m, 7, at);
        if (ended) bind_i(m, 8, end);
        put(g, m);
        int64_t id = sqlite3_last_insert_rowid(g->sql);
        g->rep->mentorships++;
        for (long k = 0; k < size; k++) {
            bind_i(mm, 1, id); bind_i(mm, 2, g->pupils[o][used[o]++]); bind_i(mm, 3, at);
            if (ended) bind_i(mm, 4, end);
            put(g, mm);
            g->rep->members++;
        }
        if (percent(g, 30)) {
            bind_i(rj, 1, g->pupils[o][pick(g, g->npupils[o])]); bind_i(rj, 2, g->mentors[o][pick(g, g->nmentors[o])]);
            bind_i(rj, 3, at);
            put(g, rj);
        }
    }
    free(used);
    sqlite3_finalize(m);
    sqlite3_finalize(mm);
    sqlite3_finalize(rj);
}

/* The item ids of the stored instrument key (at most ITEMS_MAX). */
static int instrument_items(gen *g, const char *key, int64_t *id, char items[][32])
{
    sqlite3_stmt *st = prep(g, "SELECT id, body FROM instruments WHERE key = ?1 ORDER BY version DESC LIMIT 1");
    int count = 0;
    bind_t(st, 1, key);
    if (st && sqlite3_step(st) == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        cJSON *body = cJSON_Parse((const char *)sqlite3_column_text(st, 1)), *it;
        cJSON_ArrayForEach(it, cJSON_GetObjectItem(body, "items")) {
            const char *item = cJSON_GetStringValue(cJSON_GetObjectItem(it, "id"));
            if (item && count < ITEMS_MAX) snprintf(items[count++], 32, "%s", item);
        }
        cJSON_Delete(body);
    }
    sqlite3_finalize(st);
    if (!count && !g->failed) {
        snprintf(g->err, g->err_size, "instrument %s is not stored", key);
        g->failed = 1;
    }
    return count;
}

static void surveys(gen *g, const region_size *n)
{
    char pupil_items[ITEMS_MAX][32], mentor_items[ITEMS_MAX][32];
    int64_t pupil_ins = 0, mentor_ins = 0;
    int np = instrument_items(g, "pupil_request", &pupil_ins, pupil_items);
    int nm = instrument_items(g, "mentor_competence", &mentor_ins, mentor_items);
    if (g->failed) return;
    sqlite3_stmt *run = prep(g, "INSERT INTO survey_runs(account_id, instrument_id, state, position, started_at,"
                                " finished_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
    sqlite3_stmt *ans = prep(g, "INSERT INTO survey_answers(run_id, item, value, seq, answered_at)"
                                " VALUES(?1, ?2, ?3, ?4, ?5)");
    sqlite3_stmt *prof = prep(g, "INSERT OR REPLACE INTO profiles(account_id, topics, subjects, forms, slots,"
                                 " meeting_mode, capacity, municipality, career, updated_at)"
                                 " VALUES(?1, '[\"learning\",\"exams\"]', 'maths', '[]', '[\"weekday_evening\"]',"
                                 " 'online', ?2, 'Municipality', 0, ?3)");
    /* Pupils and mentors in turn, organisation by organisation, until the
     * answers are written; a run in ten is still open. */
    long written = 0;
    for (long round = 0; written < n->answers && !g->failed && round < 1000; round++)
        for (long o = 1; o <= n->orgs && written < n->answers && !g->failed; o++) {
            int mentor = round % 4 == 3;
            long count = mentor ? g->nmentors[o] : g->npupils[o], idx = mentor ? round / 4 : round - round / 4;
            if (idx >= count) continue;
            int64_t who = mentor ? g->mentors[o][idx] : g->pupils[o][idx];
            int items = mentor ? nm : np, open = percent(g, 10);
            int64_t at = when(g, 0.2 + (double)pick(g, 700) / 1000.0);
            bind_i(run, 1, who); bind_i(run, 2, mentor ? mentor_ins : pupil_ins);
            bind_t(run, 3, open ? "open" : "done");
            if (open) bind_t(run, 4, mentor ? mentor_items[items / 2] : pupil_items[items / 2]);
            bind_i(run, 5, at);
            if (!open) bind_i(run, 6, at + 600000);
            put(g, run);
            int64_t run_id = sqlite3_last_insert_rowid(g->sql);
            int upto = open ? items / 2 : items;
            for (int k = 0; k < upto && written < n->answers; k++) {
                bind_i(ans, 1, run_id); bind_t(ans, 2, mentor ? mentor_items[k] : pupil_items[k]);
                bind_t(ans, 3, k % 3 ? "1" : "learning"); bind_i(ans, 4, k + 1); bind_i(ans, 5, at + k * 20000);
                put(g, ans);
                written++;
            }
            if (!open) {
                bind_i(prof, 1, who); bind_i(prof, 2, mentor ? 1 + pick(g, 4) : 0); bind_i(prof, 3, at);
                put(g, prof);
            }
        }
    g->rep->answers = written;
    sqlite3_finalize(run);
    sqlite3_finalize(ans);
    sqlite3_finalize(prof);
}

/* A random account of the population, with its messenger (its first identity's). */
static int64_t someone(gen *g) { return g->first_account + pick(g, g->last_account - g->first_account + 1); }

static void service_rows(gen *g, const region_size *n)
{
    sqlite3_stmt *o = prep(g, "INSERT INTO outbox(platform, chat_id, account_id, kind, body, state, attempts,"
                              " next_at, created_at, sent_at, result_message_id, error)"
                              " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
    char body[160];
    for (long i = 0; i < n->outbox && !g->failed; i++) {
        int64_t acc = someone(g), at = when(g, (double)i / (double)n->outbox);
        int vk = acc % 4 == 0, r = (int)pick(g, 1000);
        /* the newest rows are the ones still queued */
        const char *state = i > n->outbox - n->outbox / 500 ? "pending"
                            : r < 965 ? "sent" : r < 990 ? "failed" : r < 995 ? "unknown" : "sent";
        snprintf(body, sizeof body, "{\"text\":\"Напоминание: встреча с наставником в четверг в 16:00 (%ld)\"}", i);
        bind_t(o, 1, vk ? "vk" : "tg"); bind_i(o, 2, (vk ? VK_USER_BASE : TG_USER_BASE) + acc); bind_i(o, 3, acc);
        bind_t(o, 4, r % 10 == 0 ? "answer" : "text"); bind_t(o, 5, body); bind_t(o, 6, state);
        bind_i(o, 7, strcmp(state, "pending") ? 1 : 0); bind_i(o, 8, at); bind_i(o, 9, at);
        if (!strcmp(state, "sent")) { bind_i(o, 10, at + 300); bind_i(o, 11, 1 + i); }
        if (!strcmp(state, "failed")) bind_t(o, 12, "Forbidden: bot was blocked by the user");
        put(g, o);
        g->rep->outbox++;
    }
    sqlite3_finalize(o);
    sqlite3_stmt *in = prep(g, "INSERT INTO inbox(platform, update_id, kind, status, reason, received_at)"
                               " VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
    for (long i = 0; i < n->inbox && !g->failed; i++) {
        int vk = i % 4 == 0, r = (int)pick(g, 100);
        bind_t(in, 1, vk ? "vk" : "tg"); bind_i(in, 2, vk ? 7000000000LL + i * 37 : 500000000 + i);
        bind_t(in, 3, r < 60 ? "message" : "callback_query");
        bind_t(in, 4, r < 95 ? "done" : r < 98 ? "ignored" : "failed");
        if (r >= 95) bind_t(in, 5, "not a private chat");
        bind_i(in, 6, when(g, (double)i / (double)n->inbox));
        put(g, in);
        g->rep->inbox++;
    }
    sqlite3_finalize(in);
    sqlite3_stmt *j = prep(g, "INSERT INTO jobs(due_at, kind, payload, attempts, state, created_at, done_at)"
                              " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    static const char *const kinds[] = {"registration_nudge", "registration_nudge", "guardian_reminder",
                                        "erase_sweep"};
    char payload[64];
    for (long i = 0; i < n->jobs && !g->failed; i++) {
        int64_t at = when(g, (double)i / (double)n->jobs), acc = someone(g);
        int pending = i > n->jobs - n->jobs / 100, r = (int)pick(g, 100);
        const char *kind = kinds[i % 4], *state = pending ? "pending" : r < 97 ? "done" : r < 98 ? "failed" : "cancelled";
        snprintf(payload, sizeof payload, strcmp(kind, "erase_sweep") ? "{\"account\":%lld}" : "{}", (long long)acc);
        bind_i(j, 1, pending ? g->now + DAY_MS + i : at); bind_t(j, 2, kind); bind_t(j, 3, payload);
        bind_i(j, 4, pending ? 0 : 1); bind_t(j, 5, state); bind_i(j, 6, at);
        if (!pending) bind_i(j, 7, at + 1000);
        put(g, j);
        g->rep->jobs++;
    }
    sqlite3_finalize(j);
    sqlite3_stmt *a = prep(g, "INSERT INTO audit(at, actor, action, subject, detail) VALUES(?1, ?2, ?3, ?4, ?5)");
    static const char *const actions[] = {"match.confirm", "invite.create", "account.forget", "program.stage",
                                          "guardian.confirm"};
    char actor[48], subject[48];
    for (long i = 0; i < n->audit && !g->failed; i++) {
        int k = (int)pick(g, 5);
        snprintf(actor, sizeof actor, k == 4 ? "guardian:tg:%lld" : "account:%lld", (long long)someone(g));
        snprintf(subject, sizeof subject, "account:%lld", (long long)someone(g));
        bind_i(a, 1, when(g, (double)i / (double)n->audit)); bind_t(a, 2, actor); bind_t(a, 3, actions[k]);
        bind_t(a, 4, subject); bind_t(a, 5, k == 0 ? "{\"form\":\"teacher_pupil\"}" : NULL);
        put(g, a);
        g->rep->audit++;
    }
    sqlite3_finalize(a);
}

/* Link and guardian invites, consent and link requests, guardians' phones,
 * chat marks. */
static void requests(gen *g, const region_size *n)
{
    sqlite3_stmt *inv = prep(g, "INSERT INTO invites(code, kind, org_id, role, max_uses, uses, expires_at,"
                                " for_account, created_by, created_at) VALUES(?1, ?2, ?3, NULL, 1, ?4, ?5, ?6, ?7, ?8)");
    sqlite3_stmt *lr = prep(g, "INSERT INTO link_requests(invite_id, account_id, platform, user_id, chat_id, state,"
                               " created_at) VALUES(?1, ?2, 'vk', ?3, ?3, ?4, ?5)");
    sqlite3_stmt *cr = prep(g, "INSERT INTO consent_requests(minor_id, invite_id, platform, user_id, chat_id,"
                               " language, step, state, name, relation, phone, created_at, updated_at)"
                               " VALUES(?1, ?2, 'tg', ?3, ?3, 'ru', 'done', ?4, 'Parent', 'mother', ?5, ?6, ?6)");
    sqlite3_stmt *ph = prep(g, "INSERT OR IGNORE INTO guardian_phones(org_id, phone, name, added_by, added_at)"
                               " VALUES(?1, ?2, 'Parent', 'admin', ?3)");
    sqlite3_stmt *cm = prep(g, "INSERT OR IGNORE INTO chat_marks(platform, chat_id, last_message_id)"
                               " VALUES(?1, ?2, ?3)");
    char code[32], actor[32], phone[16];
    for (long i = 0; i < n->invites && !g->failed; i++) {
        int64_t acc = someone(g), at = when(g, (double)i / (double)n->invites);
        int used = percent(g, 70);
        snprintf(code, sizeof code, "l%ld", i);
        snprintf(actor, sizeof actor, "account:%lld", (long long)acc);
        bind_t(inv, 1, code); bind_t(inv, 2, "link"); bind_i(inv, 3, 1 + i % n->orgs); bind_i(inv, 4, used);
        bind_i(inv, 5, at + 600000); bind_i(inv, 6, acc); bind_t(inv, 7, actor); bind_i(inv, 8, at);
        put(g, inv);
        g->rep->invites++;
        bind_i(lr, 1, sqlite3_last_insert_rowid(g->sql)); bind_i(lr, 2, acc); bind_i(lr, 3, VK_USER_BASE + acc);
        bind_t(lr, 4, used ? "confirmed" : percent(g, 50) ? "declined" : "expired"); bind_i(lr, 5, at);
        put(g, lr);
    }
    /* Every pupil waiting for consent, and a third of the others, had a
     * guardian invite; most were answered. */
    for (long o = 1; o <= n->orgs && !g->failed; o++)
        for (long k = 0; k < g->npupils[o]; k += 3) {
            int64_t minor = g->pupils[o][k], at = when(g, 0.5);
            snprintf(code, sizeof code, "g%lld", (long long)minor);
            snprintf(actor, sizeof actor, "account:%lld", (long long)minor);
            bind_t(inv, 1, code); bind_t(inv, 2, "guardian"); bind_i(inv, 3, o); bind_i(inv, 4, 1);
            bind_i(inv, 5, at + 7 * DAY_MS); bind_i(inv, 6, minor); bind_t(inv, 7, actor); bind_i(inv, 8, at);
            put(g, inv);
            g->rep->invites++;
            snprintf(phone, sizeof phone, "79%09lld", (long long)minor);
            bind_i(cr, 1, minor); bind_i(cr, 2, sqlite3_last_insert_rowid(g->sql));
            bind_i(cr, 3, TG_USER_BASE + 50000000 + minor);
            bind_t(cr, 4, percent(g, 80) ? "confirmed" : percent(g, 50) ? "waiting" : "refused");
            bind_t(cr, 5, phone); bind_i(cr, 6, at);
            put(g, cr);
            bind_i(ph, 1, o); bind_t(ph, 2, phone); bind_i(ph, 3, at);
            put(g, ph);
        }
    for (int64_t acc = g->first_account; acc <= g->last_account && !g->failed; acc++) {
        int vk = acc % 4 == 0;
        bind_t(cm, 1, vk ? "vk" : "tg"); bind_i(cm, 2, (vk ? VK_USER_BASE : TG_USER_BASE) + acc);
        bind_i(cm, 3, 10 + pick(g, 200));
        put(g, cm);
    }
    sqlite3_finalize(inv);
    sqlite3_finalize(lr);
    sqlite3_finalize(cr);
    sqlite3_finalize(ph);
    sqlite3_finalize(cm);
}

/* What the indicators count beyond pairs: meetings, outcome records,
 * poll waves and who answered them, employers, directions and team
 * pairs. Written after everything else, so the rows above stay what
 * they were for a seed. */
static void indicator_rows(gen *g, const region_size *n)
{
    long mentorships = g->rep->mentorships;
    if (!mentorships) return;
    /* a third of the pairs guide careers, one in fifty is a team pair */
    if (sqlite3_exec(g->sql, "UPDATE mentorships SET direction = 'career' WHERE id % 3 = 0;"
                             "UPDATE mentorships SET form = 'team_team' WHERE id % 50 = 7", NULL, NULL, NULL) != SQLITE_OK) {
        snprintf(g->err, g->err_size, "cannot set directions: %s", sqlite3_errmsg(g->sql));
        g->failed = 1;
        return;
    }
    sqlite3_stmt *emp = prep(g, "INSERT INTO employers(name, name_key, created_at) VALUES(?1, ?1, ?2)");
    char name[48];
    for (long i = 0; i < n->employers; i++) {
        snprintf(name, sizeof name, "employer %ld", i + 1);
        bind_t(emp, 1, name); bind_i(emp, 2, g->start);
        put(g, emp);
    }
    sqlite3_finalize(emp);
    sqlite3_stmt *set = prep(g, "UPDATE accounts SET employer_id = 1 + id % ?1 WHERE role = 'mentor'"
                                " AND category IN ('employee', 'student')");
    bind_i(set, 1, n->employers);
    put(g, set);
    sqlite3_finalize(set);
    static const char *const kinds[] = {"intro", "planning", "work", "work", "work", "final", "training",
                                        "business_game", "mini_project", "activity"};
    static const char *const states[] = {"held", "held", "held", "planned", "missed", "cancelled"};
    sqlite3_stmt *mt = prep(g, "INSERT INTO meetings(org_id, mentorship_id, kind, format, starts_at, minutes, state,"
                               " created_at, updated_at) SELECT org_id, id, ?2, ?3, ?4, 60, ?5, ?4, ?4"
                               " FROM mentorships WHERE id = ?1");
    sqlite3_stmt *link = prep(g, "INSERT INTO meeting_mentorships(meeting_id, mentorship_id) VALUES(?1, ?2)");
    for (long i = 0; i < n->meetings && !g->failed; i++) {
        int64_t ms = 1 + pick(g, mentorships), at = when(g, (double)pick(g, 1000) / 1000.0);
        bind_i(mt, 1, ms); bind_t(mt, 2, kinds[pick(g, 10)]); bind_t(mt, 3, percent(g, 30) ? "online" : "in_person");
        bind_i(mt, 4, at); bind_t(mt, 5, states[pick(g, 6)]);
        put(g, mt);
        bind_i(link, 1, sqlite3_last_insert_rowid(g->sql)); bind_i(link, 2, ms);
        put(g, link);
        g->rep->meetings++;
    }
    sqlite3_finalize(mt);
    sqlite3_finalize(link);
    static const char *const outcome_kinds[] = {"training", "grade_improved", "contest", "olympiad", "project",
                                                "career_event", "event_attended", "presentation", "class_results",
                                                "event_hosted"};
    static const char *const levels[] = {"school", "municipal", "regional", "federal"};
    static const char *const results[] = {"positive", "stable", "negative"};
    sqlite3_stmt *oc = prep(g, "INSERT INTO outcomes(account_id, org_id, kind, level, result, count, happened_on,"
                               " source, created_at) SELECT id, org_id, ?2, ?3, ?4, ?5, ?6, 'chat', ?6"
                               " FROM accounts WHERE id = ?1 AND org_id IS NOT NULL");
    for (long i = 0; i < n->outcomes && !g->failed; i++) {
        int64_t at = when(g, (double)pick(g, 1000) / 1000.0);
        bind_i(oc, 1, someone(g)); bind_t(oc, 2, outcome_kinds[pick(g, 10)]); bind_t(oc, 3, levels[pick(g, 4)]);
        bind_t(oc, 4, results[pick(g, 3)]); bind_i(oc, 5, pick(g, 60)); bind_i(oc, 6, at);
        put(g, oc);
        g->rep->outcomes++;
    }
    sqlite3_finalize(oc);
    /* four waves per organisation: final for mentees and mentors, both
     * self-determination stages; people asked from its accounts. Each is
     * closed two weeks after it opened, as closing a wave records. */
    static const char *const waves[][2] = {{"final", "mentee"}, {"final", "mentor"}, {"selfdet_initial", "pupil"},
                                           {"selfdet_final", "pupil"}};
    sqlite3_stmt *wv = prep(g, "INSERT INTO poll_waves(org_id, kind, audience, state, opens_at, closes_at, created_at)"
                               " VALUES(?1, ?2, ?3, 'closed', ?4, ?4 + 14 * 86400000, ?4)");
    for (long o = 1; o <= n->orgs; o++)
        for (int k = 0; k < 4; k++) {
            bind_i(wv, 1, o); bind_t(wv, 2, waves[k][0]); bind_t(wv, 3, waves[k][1]);
            bind_i(wv, 4, when(g, k == 2 ? 0.1 : 0.9));
            put(g, wv);
        }
    sqlite3_finalize(wv);
    sqlite3_stmt *rc = prep(g, "INSERT OR IGNORE INTO poll_recipients(wave_id, account_id, role, grade, state,"
                               " invited_at, answered_at, satisfaction) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    for (long i = 0; i < n->poll_answers && !g->failed; i++) {
        long o = 1 + pick(g, n->orgs);
        int k = (int)pick(g, 4), done = percent(g, 70);
        int mentor = k == 1 && g->nmentors[o];
        if (!mentor && !g->npupils[o]) continue;
        int64_t who = mentor ? g->mentors[o][pick(g, g->nmentors[o])] : g->pupils[o][pick(g, g->npupils[o])];
        int64_t at = when(g, k == 2 ? 0.1 : 0.9);
        bind_i(rc, 1, (o - 1) * 4 + k + 1); bind_i(rc, 2, who); bind_t(rc, 3, mentor ? "mentor" : "mentee");
        bind_i(rc, 4, 5 + pick(g, 7)); bind_t(rc, 5, done ? "done" : "invited"); bind_i(rc, 6, at);
        if (done) {
            bind_i(rc, 7, at + DAY_MS);
            sqlite3_bind_double(rc, 8, 1 + (double)pick(g, 91) / 10.0);
        }
        put(g, rc);
        g->rep->poll_recipients++;
    }
    sqlite3_finalize(rc);
}

mb_status region_generate(db *d, const region_size *n, const char *locales_dir, uint64_t seed,
                          region_report *report, char *err, size_t err_size)
{
    region_report local;
    memset(&local, 0, sizeof local);
    gen g = {.sql = db_handle(d), .rng = seed ? seed : 88172645463325252ULL, .now = clock_now_ms(),
             .err = err, .err_size = err_size, .rep = report ? report : &local};
    memset(g.rep, 0, sizeof *g.rep);
    g.start = g.now - YEAR_MS;
    if (surveys_load_dir(d, locales_dir, err, err_size)) return MB_ERR_INVALID;
    if (db_exec(d, "PRAGMA synchronous=OFF") || db_exec(d, "PRAGMA cache_size=-262144") || db_begin(d)) {
        snprintf(err, err_size, "cannot start writing: %s", db_errmsg(d));
        return MB_ERR_DB;
    }
    places(&g, n);
    if (!g.failed) population(&g, n);
    if (!g.failed && (!g.npupils || !g.nmentors)) {
        snprintf(err, err_size, "out of memory");
        g.failed = 1;
    }
    if (!g.failed) pairs(&g, n);
    if (!g.failed) surveys(&g, n);
    if (!g.failed) requests(&g, n);
    if (!g.failed) service_rows(&g, n);
    if (!g.failed) indicator_rows(&g, n);
    mb_status rc = g.failed ? MB_ERR_DB : db_commit(d);
    if (rc) db_rollback(d);
    /* back to what the bot runs with */
    (void)db_exec(d, "PRAGMA synchronous=NORMAL");
    (void)db_exec(d, "PRAGMA cache_size=-2000");
    for (long o = 0; o <= n->orgs; o++) {
        if (g.pupils) free(g.pupils[o]);
        if (g.mentors) free(g.mentors[o]);
    }
    free(g.pupils);
    free(g.mentors);
    free(g.npupils);
    free(g.nmentors);
    return rc;
}

int region_scale_arg(const char *text, double *scale)
{
    char *end = NULL;
    double v = strtod(text, &end);
    if (end == text || *end || !(v > 0 && v <= 10)) {
        fprintf(stderr, "--scale %s: give a number above 0 and at most 10\n", text);
        return 0;
    }
    *scale = v;
    return 1;
}

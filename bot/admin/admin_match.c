/*
 * Matching from the command line: the suggestions a curator would see and
 * the confirmed mentorships, in the fixed formats operators' scripts read:
 *   admin match suggest --org ID   mentee_id<TAB>mentor_id:score[,mentor_id:score...]
 *   admin match list --org ID      mentorship_id<TAB>form<TAB>mentor_id<TAB>mentee_id[,mentee_id...]
 *   admin match confirm --org ID --mentor ACCOUNT --mentee ACCOUNT[,ACCOUNT...] [--form FORM]
 *                                  the mentorship's id
 * A confirmation makes the same checks and sends the same introductions as
 * the curator's in the chat (handlers/curator_confirm.c).
 */
#include "bot/admin/admin.h"
#include "handlers/curator.h"
#include "handlers/matching.h"
#include "storage/mentorships.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LIST_PAGE 500

/* The organisation of --org; 0 (after saying why) when it is missing. */
static int64_t org_arg(app *a, int argc, char **argv, const char *usage)
{
    static const char *const known[] = {"--org", NULL};
    long long id;
    if (!admin_check_opts(argc, argv, known) || !admin_parse_long(admin_opt(argc, argv, "--org"), 1, INT64_MAX, &id)) {
        fprintf(stderr, "usage: %s\n", usage);
        return 0;
    }
    org o;
    if (org_get(a->d, id, &o)) {
        fprintf(stderr, "there is no organisation %lld (see `admin org add`)\n", id);
        return -1;
    }
    return id;
}

static int suggest_cmd(app *a, int64_t org_id)
{
    mentorship_candidate *mentees = NULL, *mentors = NULL;
    mentorship_rejection *rej = NULL;
    match_person *people = NULL;
    match_pool *pool = NULL;
    int nmentees = 0, nmentors = 0, nrej = 0, code = 1;
    uint32_t forms = 0;
    mentorship_program prog;
    if (mentorship_program_load(a->d, org_id, &prog) == MB_OK) forms = match_forms_parse(prog.forms);
    if (mentorship_load_queue(a->d, org_id, &mentees, &nmentees) ||
        mentorship_load_mentors(a->d, org_id, &mentors, &nmentors) ||
        mentorship_load_rejections(a->d, org_id, &rej, &nrej)) {
        fprintf(stderr, "could not read the organisation's participants: %s\n", db_errmsg(a->d));
        goto out;
    }
    people = calloc(nmentors ? (size_t)nmentors : 1, sizeof *people);
    if (!people) goto out;
    for (int i = 0; i < nmentors; i++) match_person_from(&people[i], &mentors[i]);
    if (!(pool = match_pool_build(people, nmentors, forms))) goto out;
    int r = 0;
    int64_t rejected[256];
    for (int i = 0; i < nmentees; i++) {
        match_person mentee;
        match_person_from(&mentee, &mentees[i]);
        /* Rejections and mentees are both ordered by mentee id. */
        while (r < nrej && rej[r].mentee_id < mentee.id) r++;
        int nr = 0;
        while (r < nrej && rej[r].mentee_id == mentee.id) {
            if (nr < (int)(sizeof rejected / sizeof rejected[0])) rejected[nr++] = rej[r].mentor_id;
            r++;
        }
        match_suggestion best[MATCH_SUGGESTIONS_MAX];
        int n = match_pool_suggest(pool, &mentee, rejected, nr, best, MATCH_SUGGESTIONS_MAX);
        printf("%lld\t", (long long)mentee.id);
        for (int k = 0; k < n; k++) printf("%s%lld:%d", k ? "," : "", (long long)best[k].mentor_id, best[k].score);
        putchar('\n');
    }
    code = 0;
out:
    match_pool_free(pool);
    free(people);
    free(mentees);
    free(mentors);
    free(rej);
    return code;
}

static int list_cmd(app *a, int64_t org_id)
{
    for (int offset = 0;; offset += LIST_PAGE) {
        mentorship *list = NULL;
        int n = 0;
        if (mentorship_list(a->d, org_id, offset, LIST_PAGE, &list, &n, NULL)) {
            fprintf(stderr, "could not read the mentorships: %s\n", db_errmsg(a->d));
            return 1;
        }
        for (int i = 0; i < n; i++) {
            printf("%lld\t%s\t%lld\t", (long long)list[i].id, list[i].form, (long long)list[i].mentor_id);
            for (int k = 0; k < list[i].nmentees; k++) printf("%s%lld", k ? "," : "", (long long)list[i].mentees[k]);
            putchar('\n');
        }
        free(list);
        if (n < LIST_PAGE) return 0;
    }
}

/* The operator's words for a verdict of curator_pair_check. */
static void say_verdict(app *a, match_verdict v, long long org_id, long long mentee, long long mentor, mb_status rc)
{
    switch (v) {
    case MATCH_PAIR_MENTEE_OUTSIDE:
        fprintf(stderr, "account %lld is not a mentee of organisation %lld\n", mentee, org_id);
        break;
    case MATCH_PAIR_MENTOR_OUTSIDE:
        fprintf(stderr, "account %lld is not a mentor of organisation %lld\n", mentor, org_id);
        break;
    case MATCH_PAIR_MENTEE_ERASED: fprintf(stderr, "mentee %lld erased their data\n", mentee); break;
    case MATCH_PAIR_MENTEE_GONE: fprintf(stderr, "mentee %lld is not active (still registering?)\n", mentee); break;
    case MATCH_PAIR_ALREADY_MATCHED: fprintf(stderr, "mentee %lld already has a mentor\n", mentee); break;
    case MATCH_PAIR_MENTOR_ERASED: fprintf(stderr, "mentor %lld erased their data\n", mentor); break;
    case MATCH_PAIR_MENTOR_GONE: fprintf(stderr, "mentor %lld is not active\n", mentor); break;
    case MATCH_PAIR_NOT_ALLOWED:
        fprintf(stderr, "no form of the organisation's programme fits mentor %lld and mentee %lld\n", mentor, mentee);
        break;
    case MATCH_PAIR_MENTOR_FULL: fprintf(stderr, "mentor %lld has no place left\n", mentor); break;
    case MATCH_PAIR_FAILED:
        fprintf(stderr, "could not check the pair: %s\n", rc == MB_ERR_DB ? db_errmsg(a->d) : mb_status_str(rc));
        break;
    case MATCH_PAIR_OK: break;
    }
}

/* "5,7,9" into ids; the count, or 0 when it is not a list of distinct ids. */
static int parse_id_list(const char *s, int64_t *ids, int max)
{
    int n = 0;
    while (s && *s) {
        char buf[24];
        size_t len = strcspn(s, ",");
        long long v;
        if (len == 0 || len >= sizeof buf || n == max) return 0;
        memcpy(buf, s, len);
        buf[len] = 0;
        if (!admin_parse_long(buf, 1, INT64_MAX, &v)) return 0;
        for (int i = 0; i < n; i++)
            if (ids[i] == v) return 0;
        ids[n++] = v;
        s += len;
        if (*s == ',') s++;
        if (!*s && s[-1] == ',') return 0;
    }
    return n;
}

static int confirm_cmd(app *a, int argc, char **argv)
{
    static const char *const known[] = {"--org", "--mentor", "--mentee", "--form", NULL};
    const char *usage = "usage: admin match confirm --org ID --mentor ACCOUNT --mentee ACCOUNT[,ACCOUNT...]"
                        " [--form FORM]\n";
    long long org_id, mentor_id;
    int64_t mentees[MENTORSHIP_GROUP_MAX];
    if (!admin_check_opts(argc, argv, known) ||
        !admin_parse_long(admin_opt(argc, argv, "--org"), 1, INT64_MAX, &org_id) ||
        !admin_parse_long(admin_opt(argc, argv, "--mentor"), 1, INT64_MAX, &mentor_id)) {
        fputs(usage, stderr);
        return 2;
    }
    int n = parse_id_list(admin_opt(argc, argv, "--mentee"), mentees, MENTORSHIP_GROUP_MAX);
    if (n == 0) {
        fprintf(stderr, "--mentee takes 1 to %d different account ids separated by commas\n%s", MENTORSHIP_GROUP_MAX,
                usage);
        return 2;
    }
    const char *form_opt = admin_opt(argc, argv, "--form");
    if (form_opt && profile_form_code(form_opt) < 0) {
        fprintf(stderr, "unknown form \"%s\"\n", form_opt);
        return 2;
    }
    org o;
    if (org_get(a->d, org_id, &o)) {
        fprintf(stderr, "there is no organisation %lld (see `admin org add`)\n", org_id);
        return 1;
    }
    match_pairing *pairs = calloc((size_t)n, sizeof *pairs);
    if (!pairs) return 1;
    int code = 1;
    mb_status rc = MB_OK;
    for (int i = 0; i < n; i++) {
        match_verdict v = curator_pair_check(a->d, org_id, mentees[i], mentor_id, &pairs[i], &rc);
        if (v != MATCH_PAIR_OK) {
            say_verdict(a, v, org_id, (long long)mentees[i], mentor_id, rc);
            goto out;
        }
        if (form_opt && profile_form_code(form_opt) != pairs[i].form) {
            fprintf(stderr, "mentor %lld and mentee %lld would form %s, not %s\n", mentor_id, (long long)mentees[i],
                    profile_form_name(pairs[i].form), form_opt);
            goto out;
        }
        if (pairs[i].form != pairs[0].form) {
            fprintf(stderr, "the mentees would form different forms with the mentor (%s and %s): one group has one"
                            " form\n", profile_form_name(pairs[0].form), profile_form_name(pairs[i].form));
            goto out;
        }
    }
    int64_t id = 0;
    char subject[32], detail[AUDIT_DETAIL_MAX];
    if ((rc = db_begin(a->d))) goto out;
    rc = mentorship_create(a->d, org_id, pairs[0].program_id, profile_form_name(pairs[0].form), mentor_id, mentees, n,
                           0, &id);
    if (rc == MB_ERR_LIMIT || rc == MB_ERR_EXISTS || rc == MB_ERR_NOT_FOUND) {
        db_rollback(a->d);
        if (rc == MB_ERR_LIMIT) fprintf(stderr, "mentor %lld has fewer than %d places left\n", mentor_id, n);
        else if (rc == MB_ERR_EXISTS) fprintf(stderr, "a mentee got a mentor meanwhile\n");
        else fprintf(stderr, "the mentor or a mentee is no longer active\n");
        goto out;
    }
    snprintf(subject, sizeof subject, "mentorship:%lld", (long long)id);
    int used = snprintf(detail, sizeof detail, "mentor %lld, form %s, mentees", mentor_id,
                        profile_form_name(pairs[0].form));
    for (int i = 0; i < n && used > 0 && (size_t)used < sizeof detail; i++)
        used += snprintf(detail + used, sizeof detail - (size_t)used, "%s %lld", i ? "," : "", (long long)mentees[i]);
    if (!rc) rc = audit_log(a->d, ADMIN_ACTOR, "mentorship.create", subject, detail);
    for (int i = 0; i < n && !rc; i++)
        rc = curator_pair_introduce(a->d, &a->env, &pairs[i].mentee, &pairs[i].mentee_c, &pairs[i].mentor,
                                    pairs[i].form);
    if (admin_finish_change(a, rc, "confirm the mentorship")) goto out;
    printf("%lld\n", (long long)id);
    code = 0;
out:
    free(pairs);
    return code;
}

int admin_match_cmd(app *a, int argc, char **argv)
{
    const char *usage = "admin match suggest --org ID | admin match list --org ID\n"
                        "       admin match confirm --org ID --mentor ACCOUNT --mentee ACCOUNT[,ACCOUNT...]"
                        " [--form FORM]";
    if (argc >= 1 && strcmp(argv[0], "confirm") == 0) return confirm_cmd(a, argc - 1, argv + 1);
    if (argc >= 1 && (strcmp(argv[0], "suggest") == 0 || strcmp(argv[0], "list") == 0)) {
        int64_t org_id = org_arg(a, argc - 1, argv + 1, usage);
        if (org_id <= 0) return org_id < 0 ? 1 : 2;
        return argv[0][0] == 's' ? suggest_cmd(a, org_id) : list_cmd(a, org_id);
    }
    fprintf(stderr, "usage: %s\n", usage);
    return 2;
}

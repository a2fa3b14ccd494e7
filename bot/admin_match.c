/*
 * Matching from the command line: the suggestions a curator would see and
 * the confirmed mentorships, in the fixed formats operators' scripts read:
 *   admin match suggest --org ID   mentee_id<TAB>mentor_id:score[,mentor_id:score...]
 *   admin match list --org ID      mentorship_id<TAB>form<TAB>mentor_id<TAB>mentee_id[,mentee_id...]
 */
#include "bot/admin.h"
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

int admin_match_cmd(app *a, int argc, char **argv)
{
    const char *usage = "admin match suggest --org ID | admin match list --org ID";
    if (argc >= 1 && (strcmp(argv[0], "suggest") == 0 || strcmp(argv[0], "list") == 0)) {
        int64_t org_id = org_arg(a, argc - 1, argv + 1, usage);
        if (org_id <= 0) return org_id < 0 ? 1 : 2;
        return argv[0][0] == 's' ? suggest_cmd(a, org_id) : list_cmd(a, org_id);
    }
    fprintf(stderr, "usage: %s\n", usage);
    return 2;
}

/*
 * Matching from the command line: the suggestions a curator would see and
 * the confirmed mentorships, in the fixed formats operators' scripts read.
 */
#include "bot/admin.h"

#include <stdio.h>

int admin_match_cmd(app *a, int argc, char **argv)
{
    fprintf(stderr, "matching is not available yet\n");
    return 2;
}

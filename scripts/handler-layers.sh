#!/bin/sh
# Checks that the handler files call one another without a circle (the
# layering written at the top of handlers/routes.c): reads which file
# defines and which uses each external symbol from the built objects, and
# lets tsort find a loop. Prints the loop and exits 1 when there is one.
#
# usage: scripts/handler-layers.sh [OBJDIR]
#   OBJDIR  the handlers' objects, default build/test/handlers (make builds
#           them with any test binary or build/test/mentorbot)
set -e
dir=${1:-build/test/handlers}
ls "$dir"/*.o >/dev/null 2>&1 || { echo "no objects in $dir" >&2; exit 2; }
edges=$(for o in "$dir"/*.o; do
    f=$(basename "$o" .o)
    nm "$o" | awk -v f="$f" '$1 == "U" { print "U", f, $2 } NF == 3 && $2 ~ /^[TDBR]$/ { print "D", f, $3 }'
done | awk '$1 == "D" { owner[$3] = $2; next }
            { use[++n] = $2 " " $3 }
            END { for (i = 1; i <= n; i++) { split(use[i], u, " ");
                    if ((u[2] in owner) && owner[u[2]] != u[1]) print u[1], owner[u[2]] } }' | sort -u)
if ! out=$(printf '%s\n' "$edges" | tsort 2>&1 >/dev/null); then :; fi
if [ -n "$out" ]; then
    echo "handler files calling one another in a circle:" >&2
    printf '%s\n' "$out" >&2
    exit 1
fi
echo "handlers: $(printf '%s\n' "$edges" | wc -l) calls between files, no circle"

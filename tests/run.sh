#!/bin/sh
# Runs every test binary given, adds up their results and ends with the one
# line CI reads: "N passed, N failed" (and skipped when any were).
passed=0; failed=0; skipped=0; broken=""
for t in "$@"; do
    name=$(basename "$t")
    echo "== $name"
    out=$("$t" 2>&1 >/tmp/mentorbot-run.$$)
    rc=$?
    line=$(grep '^unit-result ' /tmp/mentorbot-run.$$ | tail -n 1)
    printf '%s\n' "$out" | sed 's/^/   /'
    if [ -z "$line" ]; then
        echo "   $name stopped without a result (exit $rc)"
        failed=$((failed + 1)); broken="$broken $name"
        continue
    fi
    p=$(echo "$line" | cut -d' ' -f2); f=$(echo "$line" | cut -d' ' -f3); s=$(echo "$line" | cut -d' ' -f4)
    passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
    [ "$rc" -eq 0 ] || broken="$broken $name"
done
rm -f /tmp/mentorbot-run.$$
[ -n "$broken" ] && echo "failing:$broken"
if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]

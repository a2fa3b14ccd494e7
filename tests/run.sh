#!/usr/bin/env bash
# Runs every test binary given, three at a time per core (the end-to-end
# tests spend two thirds of their time waiting on the processes they drive:
# a whole run keeps the cores about a third busy at one job per core;
# MENTORBOT_TEST_JOBS overrides), adds up their results and ends with
# the one line CI reads: "N passed, N failed" (", N skipped" when any were).
# A binary given as PATH@ARG runs as "PATH ARG": a test that takes the
# messenger as its argument can run as two jobs, one per messenger.
#
# The run fails when any binary exits non-zero, whatever its result line
# says (a sanitizer report after the result does that), when a binary prints
# no result line, and, under CI=true, when anything was skipped. Elsewhere
# a skip is allowed, and the closing line says why.
#
# MENTORBOT_TEST_TIMES names a file where each binary's last duration is
# kept, so the next run starts the slowest first. MENTORBOT_TEST_ALONE
# names binaries (by file name, space-separated) that measure time and so
# run after all the others, one at a time, on an otherwise idle machine.
set -u

jobs=${MENTORBOT_TEST_JOBS:-$((3 * $(nproc 2>/dev/null || echo 1)))}
times=${MENTORBOT_TEST_TIMES:-}
work=$(mktemp -d "${TMPDIR:-/tmp}/mentorbot-run.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT

# The binaries, slowest first by the last run's durations.
order=()
if [ -n "$times" ] && [ -r "$times" ]; then
    while read -r t; do order+=("$t"); done < <(
        for t in "$@"; do
            ms=$(awk -v n="$t" '$2 == n { print $1 }' "$times" | tail -n 1)
            echo "${ms:-999999999} $t"
        done | sort -rn -k1,1 | cut -d' ' -f2-)
else
    order=("$@")
fi

# Runs one binary; its outputs, exit code and duration go to files named
# after its index, and its report is printed under a lock when it ends.
run_one() {
    local i=$1 t=$2 start end
    start=$(date +%s%N)
    if [[ "$t" == *@* ]]; then
        "${t%@*}" "${t##*@}" >"$work/$i.out" 2>"$work/$i.err" </dev/null
    else
        "$t" >"$work/$i.out" 2>"$work/$i.err" </dev/null
    fi
    echo $? >"$work/$i.rc"
    end=$(date +%s%N)
    echo $(((end - start) / 1000000)) >"$work/$i.ms"
    {
        printf '== %s (%d.%01d s)\n' "$(basename "$t")" $((($(cat "$work/$i.ms")) / 1000)) \
            $((($(cat "$work/$i.ms") % 1000) / 100))
        grep -v '^unit-result ' "$work/$i.out" | sed 's/^/   /'
        sed 's/^/   /' "$work/$i.err"
    } >"$work/$i.report"
    flock "$work/lock" cat "$work/$i.report"
}

alone=" ${MENTORBOT_TEST_ALONE:-} "
is_alone() { [[ "$alone" == *" $(basename "$1") "* ]]; }

n=${#order[@]}
for ((i = 0; i < n; i++)); do
    is_alone "${order[$i]}" && continue
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
    run_one "$i" "${order[$i]}" &
done
wait
for ((i = 0; i < n; i++)); do
    is_alone "${order[$i]}" && run_one "$i" "${order[$i]}"
done

passed=0 failed=0 skipped=0 broken="" reasons=""
for ((i = 0; i < n; i++)); do
    t=${order[$i]} name=$(basename "${order[$i]}")
    rc=$(cat "$work/$i.rc" 2>/dev/null || echo 127)
    line=$(grep -E '^unit-result [0-9]+ [0-9]+ [0-9]+$' "$work/$i.out" 2>/dev/null | tail -n 1)
    if [ -z "$line" ]; then
        echo "$name stopped without a result (exit $rc)"
        failed=$((failed + 1)) broken="$broken $name"
        continue
    fi
    read -r _ p f s <<<"$line"
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
    if [ "$rc" -ne 0 ]; then
        broken="$broken $name"
        if [ "$f" -eq 0 ]; then
            echo "$name reported no failure but exited with $rc"
            failed=$((failed + 1))
        fi
    fi
    if [ "$s" -gt 0 ]; then
        why=$(grep -o ': skipped: .*' "$work/$i.err" | sed 's/^: skipped: //' | sort -u | paste -sd';' -)
        reasons="$reasons; $name: ${why:-no reason given}"
    fi
    if [ -n "$times" ]; then echo "$(cat "$work/$i.ms") $t"; fi >>"$work/times"
done
if [ -n "$times" ] && [ -s "$work/times" ]; then cp "$work/times" "$times" 2>/dev/null; fi

echo "slowest:"
for ((i = 0; i < n; i++)); do
    echo "$(cat "$work/$i.ms" 2>/dev/null || echo 0) $(basename "${order[$i]}")"
done | sort -rn | head -n 5 | while read -r ms name; do
    printf '   %6d.%01d s  %s\n' $((ms / 1000)) $(((ms % 1000) / 100)) "$name"
done

[ -n "$broken" ] && echo "failing:$broken"
if [ "$skipped" -gt 0 ] && [ "${CI:-}" = "true" ]; then
    echo "skipped under CI, which counts as failed:${reasons#;}"
    failed=$((failed + skipped))
    skipped=0
fi
if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped (${reasons#; })"
else
    echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ -z "$broken" ]

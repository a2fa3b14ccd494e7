#!/usr/bin/env bash
# Tests tests/run.sh itself with small fake test binaries: a run must fail
# whenever one of them lies about its result. Prints the result line
# run.sh reads, like any test binary.
set -u
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d "${TMPDIR:-/tmp}/mentorbot-selftest.XXXXXX") || exit 2
trap 'rm -rf "$dir"' EXIT
passed=0 failed=0 last_out=""

# fake NAME EXIT STDOUT [STDERR]: a binary printing STDOUT and exiting EXIT.
fake() {
    printf '#!/bin/sh\nprintf "%%b" "%s"\nprintf "%%b" "%s" >&2\nexit %d\n' "$3" "${4:-}" "$2" >"$dir/$1"
    chmod +x "$dir/$1"
}

# expect NAME WANT_EXIT NEEDLE CI BINARIES...: run.sh over the binaries
# must exit WANT_EXIT (0 or 1) and print NEEDLE.
expect() {
    local name=$1 want=$2 needle=$3 ci=$4 out rc
    shift 4
    out=$(cd "$dir" && CI=$ci MENTORBOT_TEST_TIMES= MENTORBOT_TEST_ALONE=${MENTORBOT_TEST_ALONE:-} \
        bash "$here/run.sh" "$@" 2>&1)
    rc=$?
    last_out=$out
    [ "$rc" -ne 0 ] && rc=1
    if [ "$rc" -eq "$want" ] && grep -qF -- "$needle" <<<"$out"; then
        echo "ok   $name" >&2
        passed=$((passed + 1))
    else
        echo "FAIL $name: exit $rc, expected $want and \"$needle\" in:" >&2
        sed 's/^/     /' <<<"$out" >&2
        failed=$((failed + 1))
    fi
}

fake good 0 'unit-result 3 0 0\n' 'ok   a\n'
fake good2 0 'unit-result 2 0 0\n'
fake lies 1 'unit-result 3 0 0\n' '==1==ERROR: LeakSanitizer: detected memory leaks\n'
fake mute 0 ''
fake crash 134 ''
fake bad 1 'unit-result 1 1 0\n' 'FAIL b\n'
fake skips 0 'unit-result 1 0 1\n' '  t: skipped: the simulator did not start\n'
fake garbled 0 'unit-result x y z\n'

expect all_passing_pass 0 "5 passed, 0 failed" "" ./good ./good2
# One run over every kind of lie: each is named, and the counts add up
# (good 3 + lies 3 + bad 1 passed; bad's failure, lies, and four binaries
# without a result failed).
expect every_lie_fails_the_run_and_is_named 1 "7 passed, 6 failed" "" ./good ./lies ./mute ./crash ./bad ./garbled ./absent
for needle in "lies reported no failure but exited with 1" "mute stopped without a result (exit 0)" \
    "crash stopped without a result (exit 134)" "garbled stopped without a result" "absent stopped without a result" \
    "slowest:"; do
    if grep -qF -- "$needle" <<<"$last_out"; then passed=$((passed + 1)); else
        echo "FAIL the combined run does not say \"$needle\"" >&2; failed=$((failed + 1)); fi
done
expect a_skip_outside_ci_says_why 0 "the simulator did not start" "" ./skips
expect a_skip_under_ci_fails 1 "skipped under CI, which counts as failed" true ./skips ./good2

# PATH@ARG runs the binary with that argument.
printf '#!/bin/sh\n[ "$1" = vk ] && echo "unit-result 1 0 0" || echo "unit-result 0 1 0"\n' >"$dir/argful"
chmod +x "$dir/argful"
expect an_argument_after_at_reaches_the_binary 0 "1 passed, 0 failed" "" ./argful@vk
expect a_wrong_argument_fails 1 "0 passed, 1 failed" "" ./argful@tg

# A binary named in MENTORBOT_TEST_ALONE starts only after the others ended.
printf '#!/bin/sh\nsleep 0.3\necho done >"%s/slow-ended"\necho "unit-result 1 0 0"\n' "$dir" >"$dir/slow"
printf '#!/bin/sh\nif [ -e "%s/slow-ended" ]; then echo "unit-result 1 0 0"; else echo "unit-result 0 1 0"; fi\n' \
    "$dir" >"$dir/timer"
chmod +x "$dir/slow" "$dir/timer"
MENTORBOT_TEST_ALONE=timer expect a_timing_test_runs_alone_after_the_others 0 "2 passed, 0 failed" "" ./timer ./slow

echo "unit-result $passed $failed 0"
[ "$failed" -eq 0 ]

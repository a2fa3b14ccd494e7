#!/bin/sh
# Runs one libFuzzer binary for SECONDS on its corpus:
#   sh fuzz/run.sh build/fuzz/san/bin/TARGET SECONDS [libFuzzer flags...]
# New inputs are kept in build/fuzz/corpus/TARGET; the committed seeds in
# fuzz/corpus/TARGET and, for the messenger parsers, the conformance
# payloads in ../shared/conformance are read as well. A crash leaves its
# input in build/fuzz/artifacts/ and makes this script fail.
set -e
bin=$1; seconds=$2; shift 2
target=$(basename "$bin")
shared=${MENTORBOT_SHARED:-../shared}
work=build/fuzz/corpus/$target
mkdir -p "$work" build/fuzz/artifacts
dirs="fuzz/corpus/$target"
case $target in
    tg_update) extra="$shared/conformance/telegram" ;;
    vk_update) extra="$shared/conformance/vk" ;;
    send_result) extra="$shared/conformance/telegram $shared/conformance/vk" ;;
    *) extra="" ;;
esac
for d in $extra; do [ -d "$d" ] && dirs="$dirs $d"; done
echo "== fuzz $target for ${seconds}s"
# stdout and stderr of the code under test are closed (libFuzzer keeps its own).
exec "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -close_fd_mask=3 -print_final_stats=1 \
    -artifact_prefix=build/fuzz/artifacts/"$target"- "$@" "$work" $dirs

#!/bin/sh
# Checks that the handlers name no messenger: outside comments, no line of
# handlers/*.c or *.h says "telegram", "vk" or "max" (in any identifier or
# string). Handlers ask the registry of messengers (util/platform.h) for
# what differs between them. Prints the offending lines and exits 1 when
# there are any.
#
# usage: scripts/handler-names.sh [DIR]   (default handlers)
set -e
dir=${1:-handlers}
found=0
for f in "$dir"/*.c "$dir"/*.h; do
    # The compiler's preprocessor in its "already preprocessed" mode drops
    # the comments and expands nothing.
    lines=$(${CC:-cc} -fpreprocessed -dD -E -P "$f" 2>/dev/null | grep -n 'telegram\|vk\|max' || true)
    if [ -n "$lines" ]; then
        printf '%s\n' "$lines" | sed "s|^|$f: |" >&2
        found=1
    fi
done
if [ "$found" -ne 0 ]; then
    echo "handlers name a messenger outside comments (above); ask util/platform.h instead" >&2
    exit 1
fi
echo "handlers: no messenger named outside comments"

#!/bin/sh
# `make run`: runs the bot. Without a Telegram or MAX token it starts the
# local simulator beside it (scripts/demo-setup.sh prepares the demo's own
# configuration and database in run/), and opens a terminal chat in which
# you talk to the bot as a Telegram user, or as a MAX user with
# `make run MESSENGER=max`.
#
# MENTORBOT_ROOT (the folder with bot.conf, default the repository) and
# MENTORBOT_BIN_DIR (where mentorbot and mentorbot-sim are, default the
# repository) let tests run it on a fresh copy.
set -e
# bot.conf holds the token and run/ the demo's database and logs: they are
# the user's alone (`mentorbot check` warns about a token others can read).
umask 077
repo=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "${MENTORBOT_ROOT:-$repo}" && pwd)
bin=${MENTORBOT_BIN_DIR:-$repo}
case $bin in /*) ;; *) bin=$repo/$bin ;; esac
cd "$root"
[ -f bot.conf ] || { cp "$repo/bot.conf.example" bot.conf; chmod 600 bot.conf; echo "created bot.conf from bot.conf.example"; }
"$bin/mentorbot" --config bot.conf check >/dev/null

token=$(awk '/^[[:space:]]*\[/ { s = $0; gsub(/[][[:space:]]/, "", s); next }
             (s == "telegram" || s == "max") && sub(/^[[:space:]]*token[[:space:]]*=[[:space:]]*/, "") && $0 != "" { print; exit }' bot.conf)
if [ -n "$token" ] || [ -n "$MENTORBOT_TELEGRAM_TOKEN" ] || [ -n "$MENTORBOT_MAX_TOKEN" ]; then
    exec "$bin/mentorbot" --config bot.conf run
fi

port=${SIM_PORT:-8081}
setup=$(MENTORBOT_BIN_DIR=$bin sh "$repo/scripts/demo-setup.sh" "$root" "$port")
code=$(printf '%s\n' "$setup" | tail -n 1)
printf '%s\n' "$setup" | sed '$d'

conf=run/bot-local.conf

"$bin/mentorbot-sim" --listen "127.0.0.1:$port" 2>run/sim.log &
sim=$!
bot=
# `|| true`: under set -e a failing kill (a program that already ended)
# would otherwise turn a clean /quit into an error of `make run`.
trap 'kill $bot $sim 2>/dev/null || true; wait 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM

# What went wrong at the start is shown here, not only in the logs: each
# program has started when its log says so; one that exits first has the
# end of its log printed, and `make run` fails.
# usage: wait_started PID LOG LINE BEFORE WHAT
wait_started() {
    waited=0
    while [ "$(grep -c "$3" "$2" 2>/dev/null || true)" -le "$4" ]; do
        if ! kill -0 "$1" 2>/dev/null; then
            echo "$5 did not start. The end of $2:" >&2
            tail -n 15 "$2" >&2
            exit 1
        fi
        waited=$((waited + 1))
        if [ "$waited" -gt 150 ]; then
            echo "$5 has not started after 15 seconds. The end of $2:" >&2
            tail -n 15 "$2" >&2
            exit 1
        fi
        sleep 0.1
    done
}
wait_started "$sim" run/sim.log "API simulator on" 0 "The simulator (port $port; set SIM_PORT for another)"
before=$(grep -c "mentorbot started" run/bot.log 2>/dev/null || true)
env -u MENTORBOT_VK_TOKEN -u MENTORBOT_MAX_TOKEN "$bin/mentorbot" --config "$conf" run 2>>run/bot.log &
bot=$!
wait_started "$bot" run/bot.log "mentorbot started" "${before:-0}" "The bot"

echo "Local simulator on 127.0.0.1:$port; bot log in run/bot.log."
# The README's admin commands name bot.conf; the demo has its own database.
prefix="$bin/mentorbot --config $root/$conf admin"
[ "$bin" != "$root" ] || prefix="./mentorbot --config $conf admin"
echo "Admin commands for this demo act on its own database; start them with:"
echo "  $prefix ..."
echo "Register as the demo school's curator by typing:  /start $code"
status=0
case ${MESSENGER:-tg} in
    max) chat_as=--max ;;
    tg|telegram) chat_as= ;;
    *) echo "MESSENGER must be tg or max, not \"$MESSENGER\"" >&2; exit 2 ;;
esac
"$bin/mentorbot-sim" chat $chat_as --sim "http://127.0.0.1:$port" || status=$?
if ! kill -0 "$bot" 2>/dev/null; then
    echo "The bot stopped while you were chatting. The end of run/bot.log:" >&2
    tail -n 15 run/bot.log >&2
    exit 1
fi
exit "$status"

#!/bin/sh
# The local demo's setup, without starting anything: writes run/bot-local.conf
# (the user's bot.conf pointed at the local simulator, with its own database
# run/mentorbot-local.db), and on the first run creates the demo school with
# this school year's programme and a curator invite, whose code it keeps in
# run/demo-invite. Runs non-interactively, so tests can run it too.
#
# usage: scripts/demo-setup.sh [ROOT [PORT]]
#   ROOT  folder holding bot.conf (made from bot.conf.example when missing)
#         and receiving run/; the repository by default
#   PORT  the simulator's port, default $SIM_PORT or 8081
# The programs come from $MENTORBOT_BIN_DIR (default: the repository).
# The last line printed is the invite code.
set -e
umask 077
repo=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "${1:-$repo}" && pwd)
port=${2:-${SIM_PORT:-8081}}
bin=${MENTORBOT_BIN_DIR:-$repo}
case $bin in /*) ;; *) bin=$repo/$bin ;; esac
cd "$root"
[ -f bot.conf ] || { cp "$repo/bot.conf.example" bot.conf; chmod 600 bot.conf; echo "created bot.conf from bot.conf.example"; }
mkdir -p run

# Section by section: [telegram] and [max] get the simulator's address and
# a token, [storage] the demo's own database, [vk] no token (the demo
# simulates Telegram and MAX; an empty [vk] section leaves VK off), and a
# relative `locales` is dropped because the file moves into run/.
awk -v port="$port" '
function header(name) {
    if (name == "telegram") {
        print "token = 1:local-simulator"; print "api_base = http://127.0.0.1:" port; print "poll_timeout = 10"
    }
    if (name == "max") {
        print "token = local-simulator"; print "api_base = http://127.0.0.1:" port "/max"; print "poll_timeout = 10"
        print "mode = polling"
    }
    if (name == "storage") print "path = mentorbot-local.db"
    seen[name] = 1
}
/^[[:space:]]*\[/ {
    section = $0; gsub(/[][[:space:]]/, "", section)
    print; header(section); next
}
section == "telegram" && /^[[:space:]]*(token|api_base|poll_timeout)[[:space:]]*=/ { next }
section == "max" && /^[[:space:]]*(token|api_base|poll_timeout|mode)[[:space:]]*=/ { next }
section == "storage" && /^[[:space:]]*path[[:space:]]*=/ { next }
section == "vk" && /^[[:space:]]*token[[:space:]]*=/ { print "token ="; next }
section == "bot" && /^[[:space:]]*locales[[:space:]]*=/ { next }
{ print }
END {
    if (!seen["telegram"]) { print "[telegram]"; header("telegram") }
    if (!seen["storage"]) { print "[storage]"; header("storage") }
    if (!seen["max"]) { print "[max]"; header("max") }
}' bot.conf > run/bot-local.conf

conf=run/bot-local.conf
env -u MENTORBOT_VK_TOKEN -u MENTORBOT_TELEGRAM_TOKEN -u MENTORBOT_MAX_TOKEN "$bin/mentorbot" --config "$conf" check >/dev/null

# An admin command of the demo; prints its last line. Its log goes to
# run/setup.log, and is shown when the command fails.
admin() {
    if ! "$bin/mentorbot" --config "$conf" admin "$@" >run/setup.out 2>>run/setup.log; then
        echo "the demo's setup failed at: mentorbot --config $conf admin $*" >&2
        tail -n 15 run/setup.log >&2
        exit 1
    fi
    tail -n 1 run/setup.out
}

if [ ! -s run/demo-invite ]; then
    org=$(admin org add --name "Demo school")
    # The school year starts in September; the programme is this year's.
    year=$(date +%Y)
    [ "$(date +%m)" -ge 9 ] || year=$((year - 1))
    admin program create --org "$org" --year "$year" >/dev/null
    link=$(admin invite create --org "$org" --role curator --uses 100)
    echo "${link##*start=}" > run/demo-invite
fi
cat run/demo-invite

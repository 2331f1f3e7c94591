#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The command line's contract, on a responder the router really talks to:
# one JSON key style (snake_case) in every verb, no escaped '/', the same
# fields as the text; stats' JSON with the interface, a timestamp and,
# with --watch, the interval and rates as doubles; errors as JSON under
# --json and the global -j; -p; the text people read (stats grouped, the
# zero rows only with --all, --per-cpu on every row; prefix list sorted,
# with a header); iproute2's abbreviations; help VERB; --version; the exit
# codes 0, 1 and 2.

. "$(dirname "$0")/lib.sh"

suite_up ip nsenter ndisc6 jq awk sed sort grep

PREFIX=2001:db8:1::/112
LATER=2001:db8:1::1:0/112 # sorts after PREFIX, added first
EXCL=2001:db8:1::ff/128

# Every key of every object of JSON read on stdin is snake_case.
snake_keys() {
	local bad
	bad=$(jq -r '[paths | .[] | strings] | unique | .[]' |
		grep -v '^[a-z0-9_]*$')
	WHY="keys not snake_case: $(oneline <<<"$bad")"
	[ -z "$bad" ]
}

# $OUT is one JSON document per line, each line parses, no plain line.
all_json() {
	local line
	while IFS= read -r line; do
		WHY="not JSON: '$line' (exit $RC; stdout '$OUT')"
		jq -e . >/dev/null 2>&1 <<<"$line" || return 1
	done <<<"$OUT"
	WHY="no output (exit $RC, stderr '$ERR')"
	[ -n "$OUT" ]
}

# JQ's filter is true of what stdin holds.
jq_true() { # filter, jq options...
	jq -e "$@" >/dev/null
}

# ndpresponder ARGS exits 0 and prints TEXT on stdout.
prints() { # text, args...
	run "${@:2}"
	WHY="$*: exit $RC, stdout '$OUT', stderr '$ERR'"
	[ "$RC" = 0 ] && [[ $OUT == *"$1"* ]]
}

exits() { # code, args...
	local want=$1
	shift
	run "$@"
	WHY="$*: exit $RC (want $want), stdout '$OUT', stderr '$ERR'"
	[ "$RC" = "$want" ]
}

ok attach "$UPLINK" "$LATER"
ok prefix add "$UPLINK" "$PREFIX"
ok prefix add "$UPLINK" "$EXCL" --exclude
check "the router's solicitation for $CT_IP is answered" \
	ndisc_answers "$CT_IP" "$HOST_MAC"

# --- one JSON contract ------------------------------------------------

run stats "$UPLINK" --json
check "stats --json: keys snake_case" snake_keys <<<"$OUT"
check_is "stats --json: answered as passed_no_match etc." \
	"$(jq -r 'has("passed_no_match") and has("events_suppressed")' <<<"$OUT")" true
check_is "stats --json: the interface" "$(jq -r .interface <<<"$OUT")" "$UPLINK"
WHY="stats --json: $OUT"
check "stats --json: a timestamp of now" jq_true \
	'(.timestamp | type) == "number" and (now - .timestamp | fabs) < 60' \
	<<<"$OUT"
WHY="stats --json: answered $(jq .answered <<<"$OUT")"
check "stats --json: the answer counted" jq_true '.answered >= 1' <<<"$OUT"
run stats "$UPLINK" --json --per-cpu
check "stats --json --per-cpu: keys snake_case" snake_keys <<<"$OUT"

run prefix list "$UPLINK" --json
WHY="prefix list --json: $OUT"
check "prefix list --json: no escaped '/'" not grep -qF '\/' <<<"$OUT"
check "prefix list --json: keys snake_case" snake_keys <<<"$OUT"
check_is "prefix list --json: an exclude has no route_check (text: '-')" \
	"$(jq -r ".[] | select(.prefix == \"$EXCL\") | has(\"route_check\")" <<<"$OUT")" \
	false
check_is "prefix list --json: an answered entry has its route_check" \
	"$(jq -r ".[] | select(.prefix == \"$PREFIX\") | .route_check" <<<"$OUT")" \
	off
run status --json
check "status --json: keys snake_case" snake_keys <<<"$OUT"

# --watch: per second, doubles, the interval, the interface.
OUT=$(timeout 2.5 nsenter --net="/run/netns/$NS_HOST" "$NDPR_BIN" \
	stats "$UPLINK" --watch 1 --json)
RC=$?
check "stats --watch --json: one JSON object a line" all_json
WHY="stats --watch --json: $OUT"
check "stats --watch --json: interval 1, interface, timestamp, every counter a double" \
	jq_true -s --arg i "$UPLINK" 'length >= 2 and all(.[];
		.interval == 1 and .interface == $i and
		(.timestamp | type) == "number" and
		([to_entries[] | select(.key != "interval" and
			.key != "interface" and .key != "timestamp") |
			.value | type] | unique) == ["number"])' <<<"$OUT"
WHY="stats --watch --json: $(head -n 1 <<<"$OUT")"
check "stats --watch --json: a zero rate printed as 0.0, not 0" \
	grep -q '"received":0\.0' <<<"$OUT"

# Errors are JSON under --json, and under the global -j.
run stats nosuchif --json
check "stats --json on no responder: the error is JSON" all_json
WHY="stdout '$OUT'"
check "stats --json on no responder: {\"error\": ...}" \
	jq_true '.error | length > 0' <<<"$OUT"
run -j stats "$UPLINK" --watch 0
check "-j with a bad --watch: only JSON" all_json
check_is "-j with a bad --watch: exit 1 (a value refused)" "$RC" 1
run -j prefix list "$UPLINK"
check "-j prefix list: JSON without the verb's --json" all_json
run -p status
WHY="-p status: $OUT"
check "-p: indented JSON that parses" eval \
	'jq -e . >/dev/null <<<"$OUT" && [ "$(wc -l <<<"$OUT")" -gt 2 ]'

# --- output people read -----------------------------------------------

run stats "$UPLINK"
WHY="stats: $OUT"
check "stats: grouped, the answered group shown" grep -q '^answered:$' <<<"$OUT"
check "stats: a zero counter is left out" not grep -q 'error-resize' <<<"$OUT"
check "stats: events-suppressed, 0 with no reader, left out as zero rows are" \
	not grep -q 'events-suppressed' <<<"$OUT"
run stats "$UPLINK" --all
WHY="stats --all: $OUT"
check "stats --all: every group and every counter" eval \
	'[ "$(grep -c "^[a-z]*:$" <<<"$OUT")" = 4 ] &&
	 grep -q "^  error-resize  *0$" <<<"$OUT" &&
	 grep -q "^  events-suppressed " <<<"$OUT"'
run stats "$UPLINK" --all --per-cpu
ncpu=$(awk 'NR == 2 { print NF - 1 }' <<<"$OUT")
WHY="stats --all --per-cpu ($ncpu CPUs): $OUT"
check "stats --per-cpu: received and events-suppressed have CPU columns too" \
	awk -v n="$ncpu" '$1 ~ /^(received|events-suppressed|answered)$/ &&
		NF != n + 2 { bad = 1 } END { exit bad || !n }' <<<"$OUT"

run prefix ls "$UPLINK"
WHY="prefix ls: $OUT"
check "prefix ls: a header" grep -q '^PREFIX  *ACTION  *ROUTE  *ORIGIN$' <<<"$OUT"
check_is "prefix ls: sorted by address, then length" \
	"$(awk '$2 == "answer" || $2 == "exclude" { print $1 }' <<<"$OUT" |
		paste -sd ' ')" \
	"$PREFIX $EXCL $LATER"
check "prefix list --help explains the columns" \
	prints "the route check of an answered entry" prefix list --help

# --- abbreviations, help, version, exit codes --------------------------

check "'stats' abbreviated 'stat' is ambiguous (stats, status): exit 2" \
	exits 2 stat "$UPLINK"
WHY="stderr '$ERR'"
check "the ambiguity names both" grep -q 'stats, status' <<<"$ERR"
check "'pre ls' is prefix list" prints "$PREFIX" pre ls "$UPLINK"
ok prefix delete "$UPLINK" "$EXCL"
check "prefix delete: the entry is gone" prefix_not_listed "$EXCL"
ok prefix add "$UPLINK" 2001:db8:1::3:0/112 -r=neigh
WHY="prefix list: $(prefix_line 2001:db8:1::3:0/112)"
check "-r=neigh is --route-check=neigh" \
	eval '[[ $(prefix_line 2001:db8:1::3:0/112) == *" neigh "* ]]'
ok prefix del "$UPLINK" 2001:db8:1::3:0/112
ok prefix add "$UPLINK" "$EXCL" --exclude
ok prefix del "$UPLINK" "$EXCL"
check "help stats prints stats' usage" prints "ndpresponder stats IFACE" help stats
check "help lists the verbs" prints "doctor" help

# Every help laid out as iproute2's: one description column a block, no
# line over 80 columns (lib/help_layout.awk says what it checks). First
# the checker itself, on the faults it must find.
LAYOUT=$IT_DIR/lib/help_layout.awk
printf '%s\n' "Usage: x" "" "  -a, --all      every row" \
	"      --long-option-name  one column further" \
	"  -r, --route-check[=neigh] one space only" \
	"      --force    continued" "                   one off" "" \
	"Wide: $(printf '%75s' .)" >"$WORK_DIR/bad-help"
OUT=$(awk -v name=bad -f "$LAYOUT" "$WORK_DIR/bad-help")
WHY="the checker found: $(oneline <<<"$OUT")"
check "help layout: the checker finds each kind of fault" eval \
	'[ "$(grep -c . <<<"$OUT")" = 4 ] &&
	 grep -q "^bad:4: description at column 27, the block.s is 18" <<<"$OUT" &&
	 grep -q "^bad:5: prose in a term" <<<"$OUT" &&
	 grep -q "^bad:7: continued at column 20" <<<"$OUT" &&
	 grep -q "^bad:9: over 80 columns" <<<"$OUT"'
VERBS=$(awk '/^Verbs/ { on = 1; next } on && /^  [a-z]/ { print $1 }
	     on && /^$/ { exit }' <<<"$(ndpr --help)")
WHY="no verbs in --help"
check "help: the verbs listed" test -n "$VERBS"
ndpr --help >"$WORK_DIR/help-_global"
for v in $VERBS; do
	ndpr "$v" --help >"$WORK_DIR/help-$v"
	WHY="help $v and $v --help differ"
	check "help $v is $v --help" eval \
		'[ "$(ndpr help "$v")" = "$(cat "$WORK_DIR/help-$v")" ]'
done
for f in "$WORK_DIR"/help-*; do
	v=${f##*/help-}
	OUT=$(awk -v name="$v" -f "$LAYOUT" "$f")
	WHY=$OUT
	check "help layout of ${v#_}: one column a block, 80 columns" test -z "$OUT"
done

# A short option means one thing in every verb and the global options.
OUT=$(cat "$WORK_DIR"/help-* |
	sed -nE 's/^ +(-[a-zA-Z]), (--[a-z-]+).*/\1 \2/p' | sort -u |
	awk '{ n[$1]++; l[$1] = l[$1] " " $2 } END {
		for (o in n) if (n[o] > 1) print o ":" l[o] }')
WHY="letters with more than one meaning: $OUT"
check "help: each short option means one thing across verbs" test -z "$OUT"
run --version
WHY="--version: $OUT"
check "--version names libbpf, the features and the commit" eval \
	'grep -q "^libbpf [0-9]*\.[0-9]*$" <<<"$OUT" &&
	 grep -q "^features: docker-mode yes, metrics yes, doctor-nftables yes, dynamic$" <<<"$OUT" &&
	 grep -q "(commit [^)]*)" <<<"$OUT"'
if [ -x "$OUT_DIR/static/ndpresponder" ]; then
	OUT=$("$OUT_DIR/static/ndpresponder" --version)
	WHY="static --version: $OUT"
	check "the static build's --version says so" \
		grep -q "docker-mode yes, metrics no, doctor-nftables no, static$" <<<"$OUT"
else
	fail "the static build's --version" "no $OUT_DIR/static/ndpresponder (make static)"
fi
check "exit 0: stats" exits 0 stats "$UPLINK"
check "exit 1: stats of an interface without a responder" exits 1 stats nosuchif
check "exit 2: an unknown verb" exits 2 frobnicate
check "exit 2: an unknown option" exits 2 stats "$UPLINK" --bogus
check "exit 2: a missing argument" exits 2 prefix add "$UPLINK"
check "exit 1: a bad interface name (a value refused)" exits 1 stats "a/b"
check "exit 2: options that do not go together" \
	exits 2 stats "$UPLINK" --format prometheus --json
check "exit 1: a refused change" exits 1 prefix del "$UPLINK" 2001:db8:9::/64

# --- doing what was asked, and nothing else ---------------------------

# The live program's options, from status --json (the kernel's .rodata).
live() { # field
	ndpr status --json | jq -r ".[] | select(.interface == \"$UPLINK\") | .$1"
}

ok detach "$UPLINK"
ok attach "$UPLINK" "$PREFIX" --no-dad --override never --mac 02:00:00:00:02:99
run attach "$UPLINK"
WHY="attach over the responder: $OUT $ERR"
check "upgrade without options: says nothing changed" \
	grep -q "options changed: none; kept: router on, dad off, unicast on, override never, mac 02:00:00:00:02:99" <<<"$OUT"
check_is "upgrade without options: DAD stays off" "$(live dad)" false
check_is "upgrade without options: override stays never" "$(live override)" never
check_is "upgrade without options: the --mac stays" "$(live mac)" 02:00:00:00:02:99
check "upgrade without options: answers still from the --mac" \
	ndisc_answers "$CT_IP" 02:00:00:00:02:99
run attach "$UPLINK" --override always --no-unicast
WHY="attach --override always --no-unicast: $OUT $ERR"
check "upgrade with options: says what changed" \
	grep -q "options changed: unicast on -> off, override never -> always;" <<<"$OUT"
check_is "upgrade with options: override always" "$(live override)" always
check_is "upgrade with options: DAD still off" "$(live dad)" false
ok detach "$UPLINK"
ok attach "$UPLINK" "$PREFIX"
check_is "a fresh attach starts from the defaults: DAD on" "$(live dad)" true
check "a fresh attach answers from the interface's MAC" \
	ndisc_answers "$CT_IP" "$HOST_MAC"

# prefix sync --dry-run: the plan, nothing changed.
F=$WORK_DIR/sync.conf
printf '%s\nexclude %s\n' "$LATER" "$EXCL" >"$F"
before=$(ndpr prefix list "$UPLINK")
run prefix sync "$UPLINK" "$F" --dry-run
WHY="prefix sync --dry-run: exit $RC: $OUT $ERR"
check "sync --dry-run: names what it would add and remove" eval \
	'[ "$RC" = 0 ] &&
	 grep -qx "$UPLINK: would add $LATER" <<<"$OUT" &&
	 grep -qx "$UPLINK: would add $EXCL (exclude)" <<<"$OUT" &&
	 grep -qx "$UPLINK: would remove $PREFIX" <<<"$OUT" &&
	 grep -q "nothing changed" <<<"$OUT"'
check_is "sync --dry-run: the prefixes as they were" "$(ndpr prefix list "$UPLINK")" \
	"$before"
check "sync --dry-run: $CT_IP still answered" ndisc_answers "$CT_IP" "$HOST_MAC"
run prefix sync "$UPLINK" "$F" --dry-run --json
check "sync --dry-run --json: JSON only" all_json
: >"$WORK_DIR/empty.conf"
run prefix sync "$UPLINK" "$WORK_DIR/empty.conf" --dry-run
WHY="dry run of an empty file: $OUT"
check "sync --dry-run of an empty file: says the sync needs --force" \
	grep -q "needs --force" <<<"$OUT"
check "exit 2: --dry-run without sync" exits 2 prefix add "$UPLINK" "$LATER" --dry-run
run prefix sync "$UPLINK" "$F"
WHY="prefix sync: $OUT $ERR"
check "sync: names the entry it removed" \
	grep -qx "$UPLINK: removed $PREFIX" <<<"$OUT"

# run adopting this responder names what it removes.
LOG=$WORK_DIR/run.log
start_service adopt "$LOG" run -i "$UPLINK" -n "$PREFIX"
check "run adopting: names the prefix it removes" \
	log_has "$LOG" "start: removed prefix $LATER: not in the configuration"
check "run adopting: names the exclude it removes" \
	log_has "$LOG" "start: removed exclude $EXCL: not in the configuration"
bg_stop "$RUN_PID" TERM 10
WHY="XDP program $(xdp_prog_id "$NS_HOST" "$UPLINK") still on $UPLINK"
check "run stopped: the responder detached" \
	test -z "$(xdp_prog_id "$NS_HOST" "$UPLINK")"

# --- the service's configuration and journald ---------------------------

# Options in the configuration file, beside its prefixes.
CONF=$WORK_DIR/uplink.conf
printf '%s\n' "# the prefixes, and the options the unit would otherwise carry" \
	"$PREFIX" "option --log-format json" \
	"option --no-dad   # DAD is the host's business here" >"$CONF"
LOG=$WORK_DIR/run-conf.log
start_service conf "$LOG" run -i "$UPLINK" -c "$CONF"
check "option lines: the log is JSON lines" \
	eval 'OUT=$(cat "$LOG"); all_json'
check_is "option lines: --no-dad applies" "$(live dad)" false
check "option lines: the file's prefix answers" ndisc_answers "$CT_IP" "$HOST_MAC"
check "option lines: prefix sync still reads the file" \
	prints "0 added, 0 changed, 0 removed, 1 kept" prefix sync "$UPLINK" "$CONF"
bg_stop "$RUN_PID" TERM 10

# A unit for Docker-only setups: -c names a file that does not exist.
LOG=$WORK_DIR/run-noconf.log
start_service noconf "$LOG" run -i "$UPLINK" -n "$PREFIX" \
	-c "$WORK_DIR/absent.conf"
check "no .conf: run serves, and says the file is absent" \
	log_has "$LOG" "absent.conf does not exist: no entries from it"
check "no .conf: -n's prefix answers" ndisc_answers "$CT_IP" "$HOST_MAC"
bg_stop "$RUN_PID" TERM 10

# stderr on journald's stream (JOURNAL_STREAM names it): priorities that
# journald turns into PRIORITY=, and no timestamp of ours.
LOG=$WORK_DIR/run-journal.log
: >"$LOG"
JOURNAL_STREAM=$(stat -c '%d:%i' "$LOG")
export JOURNAL_STREAM
start_service journal "$LOG" run -i "$UPLINK" -n "$PREFIX" \
	-c "$WORK_DIR/absent.conf"
unset JOURNAL_STREAM
check "journald: a warning is <4>, without a timestamp" \
	log_has "$LOG" "^<4>warn  .*absent.conf does not exist"
check "journald: info lines are <6>" log_has "$LOG" "^<6>info  attached to $UPLINK"
WHY="$(grep -v '^<[0-7]>' "$LOG" | head -n 3 | oneline)"
check "journald: every line has its priority" not grep -qv '^<[0-7]>' "$LOG"
bg_stop "$RUN_PID" TERM 10

# --- status [IFACE] ----------------------------------------------------

ok attach "$UPLINK" "$PREFIX" --log-rate 50
run status "$UPLINK"
WHY="status $UPLINK: exit $RC: $OUT $ERR"
check "status IFACE: one block, first line attached with version and uptime" \
	eval '[ "$RC" = 0 ] &&
	 grep -Eq "^$UPLINK: attached, (native|generic) mode, program id [0-9]+, version [0-9][^,]*, up [0-9]+m [0-9]+s$" <<<"$OUT"'
check "status IFACE: \"1 prefix\", the map limit, the log rate" \
	grep -Eq "^  1 prefix \(at most 65536 a map\), log-rate [0-9]+/s, vlan tags " <<<"$OUT"
check_is "status --json: log_rate near --log-rate 50 (per CPU, rounded up)" \
	"$(ndpr status "$UPLINK" --json | jq '.[0].log_rate >= 50 and .[0].log_rate < 50 + 256')" true
check_is "status --json: the version of the build that loaded it" \
	"$(ndpr status --json | jq -r '.[0].version')" \
	"$("$NDPR_BIN" --version | awk 'NR == 1 { print $2 }')"
check "status IFACE: no run serves it" \
	grep -q "no 'ndpresponder run' serves it" <<<"$OUT"
check "status of an interface without a responder: exit 1" exits 1 status ct0
LOG=$WORK_DIR/run-status.log
start_service status "$LOG" run -i "$UPLINK" -n "$PREFIX" --keep
run status "$UPLINK"
WHY="status: $OUT"
check "status: names the run serving it, by pid" \
	grep -q "served by 'ndpresponder run' (pid $RUN_PID)" <<<"$OUT"
check_is "status --json: run_pid" "$(ndpr status --json | jq '.[0].run_pid')" "$RUN_PID"
bg_stop "$RUN_PID" TERM 10
ok detach "$UPLINK"

# --- monitor: what it listens on; it ends when the responder does -------

ok attach "$UPLINK" "$PREFIX"
MON=$WORK_DIR/monitor.log
ndpr_bg "$MON" monitor "$UPLINK"
MON_PID=$(bg_pid "$MON")
check "monitor: says what it listens on" wait_until 5 \
	log_has "$MON" "info +listening on the event ring of the responder on $UPLINK"
ok detach "$UPLINK"
bg_wait "$MON_PID" 5
rc=$?
WHY="monitor exit $(bg_status "$rc" 5): $(oneline <"$MON")"
check "monitor: exits 1 when the responder is detached" test "$rc" = 1
check "monitor: with a line saying so" \
	log_has "$MON" "error +the responder on $UPLINK is gone"

# Docker mode without a reachable socket names the socket it tried.
LOG=$WORK_DIR/run-nodocker.log
export DOCKER_HOST=unix://$WORK_DIR/no-docker.sock
start_service nodocker "$LOG" run -i "$UPLINK" -N ndpr-net
unset DOCKER_HOST
check "Docker mode, no engine: the log names the socket it tried" \
	wait_until 5 log_has "$LOG" "Docker API at $WORK_DIR/no-docker.sock .*: "
bg_stop "$RUN_PID" TERM 10

# --- reload in place: the log format and rate from the option lines -----

CONF=$WORK_DIR/reload.conf
printf '%s\n' "$PREFIX" >"$CONF"
LOG=$WORK_DIR/run-reload.log
start_service reload "$LOG" run -i "$UPLINK" -c "$CONF"
printf '%s\n' "$PREFIX" "option --log-format json" "option --log-rate 4" \
	>"$CONF"
kill -HUP "$RUN_PID"
check "reload: the log turns JSON in place" wait_until 5 \
	log_has "$LOG" '^\{"level":"info",.*"msg":"reload: log format json"'
check "reload: the log rate changes in place" \
	log_has "$LOG" '"msg":"reload: log rate 4 a second"'
sleep 1.5 # a refill at the new rate: the tokens of the old one are spent
before=$(grep -c RESPOND "$LOG")
send_ns "$CT_IP" 200 100 255 >/dev/null
sleep 1.5
n=$(($(grep -c RESPOND "$LOG") - before))
ncpus=$(nproc --all)
WHY="$n RESPOND lines for 200 answers in 2 s at --log-rate 4 ($ncpus CPUs)"
check "reload: the new rate bounds the log (same process, same program)" \
	test "$n" -ge 1 -a "$n" -le $((ncpus * 3 + 12))
check "reload: the same run serves on" proc_alive "$RUN_PID"
bg_stop "$RUN_PID" TERM 10
finish

#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Service mode: `ndpresponder run` in the host namespace, as systemd runs
# it. It answers, drops its capabilities, refuses a second run, detaches
# on SIGTERM; killed outright it leaves the responder answering and the
# next run adopts it without one unanswered solicitation; it exits when
# the responder is detached under it. The Go ndpresponder's command line
# works. The log: one INFO line per answer (text and JSON), invalid
# solicitations at DEBUG, nothing at WARN, a flood rate limited with the
# suppressed events counted; `monitor` sees the same answers; SIGHUP
# re-reads the prefix file.

. "$(dirname "$0")/lib.sh"

suite_up ip nsenter ndisc6 bpftool nft sysctl awk sed grep find timeout

SVC_PREFIX=2001:db8:1::100/120	# the container's block: ::100 to ::1ff
PREFIX_B=2001:db8:1::200/120	# for the SIGHUP reload
PREFIX_C=2001:db8:1::300/120
PIN_ROOT=$NDPRESPONDER_PIN_ROOT
CAPS_SERVICE=0000008000001000	# CAP_BPF (39) and CAP_NET_ADMIN (12)

pins() {
	find "$PIN_ROOT" -mindepth 1 2>/dev/null
}

# SIGTERM to the service: exits 0.
stop_service() { # name, log
	sigterm_exits_0 "$1" "$RUN_PID" "$2"
}

detached_cleanly() { # name, log
	local name=$1 log=$2
	check "$name: log says detached" log_has "$log" "detached from $UPLINK"
	WHY="$(ip -n "$NS_HOST" -d link show "$UPLINK" | head -n 1)"
	check "$name: no XDP on $UPLINK" test -z "$(xdp_prog_id "$NS_HOST" "$UPLINK")"
	WHY="left under the pin root: $(pins | head -n 5 | oneline)"
	check "$name: no pins left" test -z "$(pins)"
	WHY="$(ip -n "$NS_HOST" link show "$UPLINK" | head -n 1)"
	check "$name: all-multicast off again" not allmulti_on "$NS_HOST" "$UPLINK"
}

# Lines with MSG in a text log.
log_count() { # file, msg
	grep -cE "^[^ ]+ [a-z]+ +$2( |$)" "$1"
}

# A text log line is "<time> LEVEL MSG FIELDS", FIELDS exactly.
log_line_is() { # line, level, msg, fields
	WHY="expected '<time> $2 $3 $4', got '${1:-no line}'"
	[[ $1 =~ ^[0-9-]+T[0-9:.]+Z\ $2\ +$3\ (.*)$ ]] &&
		[ "${BASH_REMATCH[1]}" = "$4" ]
}

# --- run: answers, capabilities, one per interface, SIGTERM ---------------

LOG=$WORK_DIR/run-basic.log
start_service basic "$LOG" run -i "$UPLINK" -n "$SVC_PREFIX"
check "basic: log says attached" log_has "$LOG" "info +attached to $UPLINK, "
caps=$(cap_eff "$RUN_PID")
WHY="/proc/$RUN_PID/status CapEff: $caps"
check "basic: only CAP_BPF and CAP_NET_ADMIN effective ($CAPS_SERVICE)" \
	test "$caps" = "$CAPS_SERVICE"

# One answer, one INFO line with its fields.
answered=$(counter answered)
lines=$(log_count "$LOG" RESPOND)
got=$(ndisc "$CT_IP" -s "$ROUTER_IP" -r 1 -w 3000)
WHY="ndisc6 -s $ROUTER_IP $CT_IP: expected $HOST_MAC, got ${got:-no answer}"
check "basic: $CT_IP answered" test "${got,,}" = "$HOST_MAC"

respond_logged() { # n
	WHY="expected $1 new RESPOND lines, log has $(($(log_count "$LOG" RESPOND) - lines)): $(tail -n 3 "$LOG" | oneline)"
	[ "$(log_count "$LOG" RESPOND)" = $((lines + $1)) ]
}
n=$(($(counter answered) - answered))
check "basic: one RESPOND line per answer ($n answered)" \
	wait_until 3 respond_logged "$n"
line=$(grep -E " RESPOND .*target=$CT_IP( |$)" "$LOG" | tail -n 1)
want="ns=who-has $CT_IP tell $ROUTER_IP iface=$UPLINK kind=multicast"
want+=" target=$CT_IP source=$ROUTER_IP mac=$ROUTER_MAC"
check "basic: RESPOND line has level info, the target, source, MAC, kind" \
	log_line_is "$line" info RESPOND "$want"

ip -n "$NS_ROUTER" -6 neigh flush dev "$ROUTER_PORT"
WHY="ping -I $ROUTER_IP $CT_IP from the router failed"
check "basic: router pings the container" \
	ping_from "$NS_ROUTER" "$ROUTER_IP" "$CT_IP"

# A second run on the same interface: refused at once, one line.
refused_one_line() {
	local out rc
	out=$(timeout 10 nsenter --net="/run/netns/$NS_HOST" "$NDPR_BIN" run \
		-i "$UPLINK" -n "$SVC_PREFIX" 2>&1)
	rc=$?
	WHY="exit $rc (124: still running after 10 s), output: '$out'"
	[ "$rc" != 0 ] && [ "$rc" != 124 ] &&
		[ "$(grep -c . <<<"$out")" = 1 ] && [[ $out == *another* ]]
}
check "basic: a second run on $UPLINK is refused with one line" \
	refused_one_line
WHY="the first run (pid $RUN_PID) is gone"
check "basic: the first run still runs" proc_alive "$RUN_PID"
check "basic: still answering" ndisc_answers "$CT_IP" "$HOST_MAC"

stop_service basic "$LOG"
detached_cleanly basic "$LOG"

# --- SIGKILL, then a new run adopts without a missed solicitation ----------

LOG=$WORK_DIR/run-killed.log
LOG2=$WORK_DIR/run-adopting.log
PROBES=$WORK_DIR/probes.log
XDPWATCH=$WORK_DIR/xdp-watch.log
STOP=$WORK_DIR/stop
: >"$PROBES"
: >"$XDPWATCH"

start_service kill "$LOG" run -i "$UPLINK" -n "$SVC_PREFIX"
LINK_ID=$(pinned_link_id)
PROG_ID=$(xdp_prog_id "$NS_HOST" "$UPLINK")
WHY="bpftool link show pinned $(host_pin_dir)/link: nothing"
check "kill: the responder is held by a pinned bpf_link" test -n "$LINK_ID"

# One solicitation at a time, each a single attempt: every one must be
# answered; and `ip link` sampled for a moment without XDP.
prober() { # stop file, log
	local got
	while [ ! -e "$1" ]; do
		got=$(ndisc "$CT_IP" -r 1 -w 1000)
		if [ "${got,,}" = "${HOST_MAC,,}" ]; then
			echo ok
		else
			echo "miss at $(date +%T.%N): '$got'"
		fi >>"$2"
	done
}
xdp_watch() { # stop file, log
	local n=0
	while [ ! -e "$1" ]; do
		ip -n "$NS_HOST" link show dev "$UPLINK" | grep -q "prog/xdp" ||
			echo "no XDP at sample $n, $(date +%T.%N)" >>"$2"
		n=$((n + 1))
	done
	echo "samples $n" >>"$2"
}
probes() { grep -c . "$PROBES"; }
probes_at_least() { # n
	WHY="$(probes) probes done, waited for $1"
	[ "$(probes)" -ge "$1" ]
}
prober "$STOP" "$PROBES" &
PROBER=$!
BG_PIDS+=("$PROBER")
xdp_watch "$STOP" "$XDPWATCH" &
WATCHER=$!
BG_PIDS+=("$WATCHER")

wait_until 10 probes_at_least 5 || fail "kill: probing" "$WHY"
KILLED_PID=$RUN_PID
bg_stop "$RUN_PID" KILL 5 2>/dev/null
rc=$?
WHY="exit status $(bg_status "$rc" 5)"
check "kill: SIGKILL ends run" test "$rc" = 137
n=$(probes)
check "kill: still answering after SIGKILL (5 more probes)" \
	wait_until 10 probes_at_least $((n + 5))
WHY="$(ip -n "$NS_HOST" -d link show "$UPLINK" | head -n 1)"
check "kill: XDP still on $UPLINK" test "$(xdp_prog_id "$NS_HOST" "$UPLINK")" = "$PROG_ID"
WHY="pins: $(pins | oneline)"
check "kill: pins still there" test -e "$(host_pin_dir)/link"

start_service adopt "$LOG2" run -i "$UPLINK" -n "$SVC_PREFIX"
check "adopt: log says adopted" \
	log_has "$LOG2" "adopted the responder on $UPLINK"
n=$(probes)
check "adopt: answering after the restart (5 more probes)" \
	wait_until 10 probes_at_least $((n + 5))
touch "$STOP"
wait "$PROBER" "$WATCHER"
bg_forget "$PROBER"
bg_forget "$WATCHER"
n_ok=$(grep -c '^ok$' "$PROBES")
WHY="$(grep -v '^ok$' "$PROBES" | head -n 3 | oneline)"
check "kill+adopt: every one of $(probes) probes answered ($n_ok ok)" \
	test "$n_ok" = "$(probes)"
WHY="$(grep -v samples "$XDPWATCH" | head -n 3 | oneline)"
check "kill+adopt: XDP on $UPLINK at every sample ($(grep samples "$XDPWATCH"))" \
	not grep -q "no XDP" "$XDPWATCH"
now=$(pinned_link_id)
WHY="bpf_link id was $LINK_ID, is now '${now:-none}'"
check "adopt: same bpf_link" test "$now" = "$LINK_ID"
# (Debian 12's bpftool does not print an XDP link's interface: the link's
# program is the one `bpftool net` shows on the uplink.)
link_holds_uplink_prog() {
	local prog link net
	prog=$(xdp_prog_id "$NS_HOST" "$UPLINK")
	link=$(bpftool link show id "$LINK_ID" 2>&1 | head -n 1)
	net=$(in_ns "$NS_HOST" bpftool net show dev "$UPLINK" 2>&1 | oneline)
	WHY="ip link: prog ${prog:-none}; bpftool link show id $LINK_ID: $link; bpftool net: $net"
	[ -n "$prog" ] && [[ $link =~ ^$LINK_ID:\ xdp\ +prog\ $prog( |$) ]] &&
		[[ $net == *"$UPLINK("*") driver id $prog"* ]]
}
check "adopt: bpftool shows the link holding the program on $UPLINK" \
	link_holds_uplink_prog
WHY="the killed run (pid $KILLED_PID) is still there"
check "kill: no process left of the killed run" not proc_alive "$KILLED_PID"

# --- detached under it: run exits non-zero ---------------------------------

out=$(ndpr detach "$UPLINK" 2>&1)
rc=$?
WHY="exit $rc: $out"
check "gone: ndpresponder detach $UPLINK from another shell" test "$rc" = 0
bg_wait "$RUN_PID" 10
rc=$?
WHY="exit status $(bg_status "$rc" 10) after the detach"
check "gone: run exits non-zero within 10 s of the detach" \
	test "$rc" != 0 -a "$rc" != 255
[ "$rc" != 255 ] || bg_stop "$RUN_PID" KILL 5
check "gone: log says the responder is gone" \
	log_has "$LOG2" "error +the responder on $UPLINK is gone"
WHY="left under the pin root: $(pins | head -n 5 | oneline)"
check "gone: no pins left" test -z "$(pins)"

# --- the Go ndpresponder's command line -------------------------------------

LOG=$WORK_DIR/go-form.log
# As the Go version: -n with host bits takes the prefix, JSON log lines.
start_service go-form "$LOG" -i "$UPLINK" -n "${SVC_PREFIX%::*}::1ab/120"
check "go-form: answers" ndisc_answers "$CT_IP" "$HOST_MAC"
check "go-form: -n with host bits: the prefix taken, said once" \
	eval '[ "$(grep -c "has host bits set: answering $SVC_PREFIX" "$LOG")" = 1 ]'
kill -HUP "$RUN_PID"
check "go-form: a reload" wait_until 5 log_has "$LOG" '"msg":"reload: prefixes '
check "go-form: the reload does not say it again" \
	eval '[ "$(grep -c "has host bits set" "$LOG")" = 1 ]'
WHY="$(grep -v '^{' "$LOG" | head -n 3 | oneline)"
check "go-form: the log is JSON lines by default, the warning too" \
	not grep -qv '^{"level":' "$LOG"
# lib.sh made the host's entry of its router permanent.
check "go-form: pins the gateway by default (already pinned here)" \
	wait_until 5 log_has "$LOG" "gateway $ROUTER_IP already pinned"
stop_service go-form "$LOG"
detached_cleanly go-form "$LOG"

# --- JSON log and monitor, both with every answer -------------------------

LOG=$WORK_DIR/run-json.log
MON=$WORK_DIR/monitor.log
start_service json "$LOG" run -i "$UPLINK" -n "$SVC_PREFIX" --log-format json
ndpr_bg "$MON" monitor "$UPLINK" --json
MON_PID=$(bg_pid "$MON")
# monitor reads its ring once it made its epoll instance.
mon_ready() {
	WHY="monitor (pid $MON_PID) has no epoll fd: $(cat "$MON" 2>/dev/null | oneline)"
	local fd
	proc_alive "$MON_PID" || return 1
	for fd in "/proc/$MON_PID/fd/"*; do
		[[ $(readlink "$fd") == *eventpoll* ]] && return 0
	done
	return 1
}
check "json: monitor $UPLINK --json starts" wait_until 5 mon_ready

TARGETS="2001:db8:1::101 2001:db8:1::102 2001:db8:1::103"
# One solicitation each (a retry would be a second answer).
for t in $TARGETS; do
	got=$(ndisc "$t" -r 1 -w 3000)
	WHY="ndisc6 $t: expected $HOST_MAC, got ${got:-no answer}"
	check "json: $t answered (router's link-local source)" \
		test "${got,,}" = "$HOST_MAC"
done
responds() { # file
	"$TEST_TOOL" json msg <"$1" | grep -c '^RESPOND$'
}
both_have_3() {
	WHY="RESPOND lines: run $(responds "$LOG"), monitor $(responds "$MON")"
	[ "$(responds "$LOG")" -ge 3 ] && [ "$(responds "$MON")" -ge 3 ]
}
wait_until 5 both_have_3
bg_stop "$MON_PID" TERM 5
stop_service json "$LOG"

out=$("$TEST_TOOL" json msg <"$LOG")
WHY="$(grep NOT-JSON <<<"$out" | head -n 2 | oneline)"
check "json: every line of run's log parses as a JSON object" \
	not grep -q NOT-JSON <<<"$out"
out=$("$TEST_TOOL" json msg <"$MON")
WHY="$(grep NOT-JSON <<<"$out" | head -n 2 | oneline)"
check "json: every line of monitor's output parses as a JSON object" \
	not grep -q NOT-JSON <<<"$out"

# The one RESPOND object for TARGET in FILE, with the right fields.
json_respond() { # file, target
	local got want
	got=$("$TEST_TOOL" json level msg ns iface kind target source mac ts <"$1" |
		awk -F'|' -v t="$2" '$2 == "RESPOND" && $6 == t')
	want="info|RESPOND|who-has $2 tell $ROUTER_LL|$UPLINK|multicast|$2|$ROUTER_LL|$ROUTER_MAC"
	WHY="expected one object $want|<ts>, got: '$(oneline <<<"$got")'"
	[ "$(grep -c . <<<"$got")" = 1 ] && [ "${got%|*}" = "$want" ] &&
		[[ ${got##*|} =~ ^[0-9]+(\.[0-9]+)?$ ]]
}
for t in $TARGETS; do
	check "json: run logged the answer for $t (level, msg, ns, kind, target, source, mac, ts)" \
		json_respond "$LOG" "$t"
	check "json: monitor showed the answer for $t" json_respond "$MON" "$t"
done

# --- log levels: DEBUG shows invalid solicitations, WARN no answers -------

LOG=$WORK_DIR/run-debug.log
NDPRESPONDER_LOG=DEBUG start_service debug "$LOG" run -i "$UPLINK" \
	-n "$SVC_PREFIX"
BAD_T=2001:db8:1::104
invalid=$(counter invalid-hop-limit)
out=$(send_ns "$BAD_T" 1 10 64 2>&1)
WHY="sending the NS failed: $out"
check "debug: NS with hop limit 64 sent" test "${out%% *}" = 1
check "debug: counted as invalid-hop-limit" \
	wait_until 3 counter_rose invalid-hop-limit "$invalid" 1
check "debug: an INVALID line" wait_until 3 log_has "$LOG" " INVALID .*target=$BAD_T"
line=$(grep -E " INVALID .*target=$BAD_T( |$)" "$LOG" | tail -n 1)
want="ns=who-has $BAD_T tell $ROUTER_IP iface=$UPLINK kind=multicast"
want+=" target=$BAD_T source=$ROUTER_IP mac=$ROUTER_MAC reason=invalid-hop-limit"
check "debug: INVALID line at DEBUG with its reason (invalid-hop-limit)" \
	log_line_is "$line" debug INVALID "$want"
stop_service debug "$LOG"

LOG=$WORK_DIR/run-warn.log
NDPRESPONDER_LOG=WARN start_service warn "$LOG" run -i "$UPLINK" \
	-n "$SVC_PREFIX"
check "warn: $CT_IP answered" ndisc_answers "$CT_IP" "$HOST_MAC"
answered=$(counter answered)
# SIGTERM makes run log what its ring still holds before it exits.
stop_service warn "$LOG"
WHY="answered ${answered:-?}; log: $(head -n 3 "$LOG" | oneline)"
check "warn: no RESPOND (nor INFO) line for the answers" \
	test "${answered:-0}" -ge 1 -a "$(grep -cE " (RESPOND|info) " "$LOG")" = 0

# --- SIGHUP re-reads the file ------------------------------------------------

LOG=$WORK_DIR/run-reload.log
CONF=$WORK_DIR/prefixes.conf
printf '%s\n' "# the containers" "$SVC_PREFIX" "$PREFIX_B" >"$CONF"
start_service reload "$LOG" run -i "$UPLINK" -c "$CONF"
check "reload: $SVC_PREFIX listed" prefix_listed "$SVC_PREFIX"
check "reload: $PREFIX_B listed" prefix_listed "$PREFIX_B"
check "reload: 2001:db8:1::201 answered" ndisc_answers 2001:db8:1::201 "$HOST_MAC"
printf '%s\n' "# the containers" "$SVC_PREFIX" "$PREFIX_C" >"$CONF.new"
mv "$CONF.new" "$CONF"
kill -HUP "$RUN_PID"
check "reload: after SIGHUP $PREFIX_C listed" wait_until 5 prefix_listed "$PREFIX_C"
check "reload: after SIGHUP $PREFIX_B not listed" prefix_not_listed "$PREFIX_B"
check "reload: $SVC_PREFIX still listed" prefix_listed "$SVC_PREFIX"
check "reload: 2001:db8:1::301 answered" ndisc_answers 2001:db8:1::301 "$HOST_MAC"
check "reload: 2001:db8:1::201 no longer answered" ndisc_unanswered 2001:db8:1::201
check "reload: log reports the reload" \
	log_has "$LOG" "reload: prefixes 1 added, 0 changed, 1 removed, 1 kept"
WHY="run (pid $RUN_PID) is gone after SIGHUP"
check "reload: run still running" proc_alive "$RUN_PID"
stop_service reload "$LOG"

# --- a flood: answered at line rate, logged at --log-rate --------------------

RATE=50
N_FLOOD=4000
LOG=$WORK_DIR/run-flood.log
start_service flood "$LOG" run -i "$UPLINK" -n "$SVC_PREFIX" --log-rate "$RATE"
answered=$(counter answered)
out=$(send_ns 2001:db8:1::1f0 "$N_FLOOD" 2000 255 2>&1)
read -r sent secs <<<"$out"
WHY="flood sender: $out"
check "flood: $N_FLOOD solicitations sent" test "$sent" = "$N_FLOOD"
suppressed() { # the sum of the suppressed counts in the log
	sed -n 's/.* events suppressed by the rate limit .*suppressed=\([0-9]*\).*/\1/p' \
		"$LOG" | awk '{ s += $1 } END { print s + 0 }'
}
accounted() { # every answer logged or counted as suppressed
	local a logged sup
	a=$(($(counter answered) - answered))
	logged=$(log_count "$LOG" RESPOND)
	sup=$(suppressed)
	WHY="answered +$a, RESPOND lines $logged, suppressed $sup"
	[ $((logged + sup)) = "$a" ]
}
# run reports suppressed events once a second.
wait_until 5 accounted
a=$(($(counter answered) - answered))
logged=$(log_count "$LOG" RESPOND)
sup=$(suppressed)
WHY="answered +$a for $N_FLOOD sent"
check "flood: answered rose by ~$N_FLOOD (+$a)" \
	test "$a" -ge $((N_FLOOD * 95 / 100)) -a "$a" -le $((N_FLOOD + 20))
# Each CPU has its own one-second window of ceil(rate / CPUs) events: over
# the flood's seconds (plus one window each CPU may straddle), at most:
ncpus=$(awk -F, '{ for (i = 1; i <= NF; i++) { n = split($i, r, "-");
	c += (n == 2 ? r[2] - r[1] + 1 : 1) } } END { print c }' \
	/sys/devices/system/cpu/possible)
per_cpu=$(((RATE + ncpus - 1) / ncpus))
max=$((per_cpu * ncpus * ($(awk -v s="$secs" 'BEGIN { printf "%d", s + 0.999 }') + 1)))
WHY="$logged RESPOND lines for a ${secs:-?} s flood"
check "flood: RESPOND lines bounded by the rate ($logged <= $max)" \
	test "$logged" -le "$max" -a "$logged" -ge "$per_cpu"
check "flood: a WARN line reports suppressed events with a count ($sup)" \
	log_has "$LOG" "^[^ ]+ warn +events suppressed by the rate limit iface=$UPLINK suppressed=[1-9]"
check "flood: RESPOND lines + suppressed = answered ($logged + $sup = $a)" accounted
WHY="run (pid $RUN_PID) died in the flood: $(tail -n 3 "$LOG" | oneline)"
check "flood: run survives" proc_alive "$RUN_PID"
stop_service flood "$LOG"
detached_cleanly flood "$LOG"


# --- sd_notify: what systemd reads from a Type=notify service ----------

# The lines the notify socket received, each datagram one line.
notified() { # log, extended regular expression
	WHY="datagrams: $(oneline <"$1")"
	grep -Eq -- "$2" "$1"
}

# MONOTONIC_USEC of the last RELOADING=1 is within 10 s of now
# (/proc/uptime is CLOCK_BOOTTIME: the same but for time suspended).
reload_time_now() { # log
	local us now
	us=$(sed -n 's/^RELOADING=1;MONOTONIC_USEC=\([0-9]*\)$/\1/p' "$1" | tail -n 1)
	now=$(awk '{ printf "%.0f", $1 * 1000000 }' /proc/uptime)
	WHY="MONOTONIC_USEC ${us:-none}, CLOCK_MONOTONIC now about $now"
	# /proc/uptime is in hundredths, cut, not rounded: "now" may read
	# up to 10 ms before a value taken earlier.
	[ -n "$us" ] && [ $((now - us)) -gt -10000 ] &&
		[ $((now - us)) -lt 10000000 ]
}

# Both builds: libsystemd's sd_notify, and the static one's own datagrams.
notify_suite() { # name, binary
	local name=$1 sock=$WORK_DIR/notify-$1.sock nlog=$WORK_DIR/notify-$1.log
	local log=$WORK_DIR/run-notify-$1.log npid
	bg_start "$nlog" "$NS_HOST" "$TEST_TOOL" notify "$sock"
	npid=$(bg_pid "$nlog")
	wait_until 5 grep -q '^listening' "$nlog" ||
		die "the notify socket $sock did not come up"
	bg_start "$log" "$NS_HOST" env NOTIFY_SOCKET="$sock" "$2" \
		run -i "$UPLINK" -n "$SVC_PREFIX"
	RUN_PID=$(bg_pid "$log")
	check "$name: READY=1 and a STATUS line once attached and synced" \
		wait_until 10 notified "$nlog" \
		"^READY=1;STATUS=answering on $UPLINK \((native|generic) mode\): 1 static entry$"
	WHY="no XDP program on $UPLINK at READY=1"
	check "$name: at READY=1 the responder answers" \
		ndisc_answers "$CT_IP" "$HOST_MAC"
	kill -HUP "$RUN_PID"
	check "$name: SIGHUP: RELOADING=1 with MONOTONIC_USEC, then READY=1" \
		wait_until 5 eval "grep -A1 -E '^RELOADING=1;MONOTONIC_USEC=[0-9]+$' '$nlog' | grep -q '^READY=1;STATUS='"
	check "$name: MONOTONIC_USEC is CLOCK_MONOTONIC's now" reload_time_now "$nlog"
	sigterm_exits_0 "$name" "$RUN_PID" "$log"
	check "$name: SIGTERM: STOPPING=1" notified "$nlog" '^STOPPING=1$'
	bg_stop "$npid" TERM 5
}

notify_suite notify "$NDPR_BIN"
if [ -x "$OUT_DIR/static/ndpresponder" ]; then
	notify_suite notify-static "$OUT_DIR/static/ndpresponder"
else
	fail "notify-static" "no $OUT_DIR/static/ndpresponder (make static)"
fi

finish

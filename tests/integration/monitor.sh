#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# `monitor --all` answers "why is X not answered?": the router's real
# solicitations (ndisc6, its kernel's DAD and NUD probes, the test tool's
# frames), each passed one shown with its reason, in text and JSON, on
# monitor's ring only. A killed `monitor --all` leaves nothing behind: its
# lease expires, the program clears it, the ring gets no passed NS. And
# events-suppressed counts only while a reader is there: 0 under a flood
# nobody reads, counted (and shown by stats) with a slow reader, no more
# once that reader is killed.

. "$(dirname "$0")/lib.sh"

suite_up ip nsenter ndisc6 sysctl bpftool jq awk sed grep

NOMATCH=2001:db8:2::5  # outside every entry
EXCL=2001:db8:1::ee    # excluded
NODE_IP=2001:db8:1::77 # shown owned by another node: a conflict
DAD_IP=2001:db8:1::300 # the router's new address, DAD on
ROUTED=2001:db8:1::1:0/112
ROUTED_T=2001:db8:1::1:5 # route-checked, routed back out of the uplink
ANSWERED=2001:db8:1::10
MON=$WORK_DIR/monitor.log

# The monitor started in the background on MON says it listens: its
# lease (with --all) and tokens are given by then.
monitor_start() { # args...
	: >"$MON"
	ndpr_bg "$MON" monitor "$UPLINK" "$@"
	MON_PID=$(bg_pid "$MON")
	wait_until 5 grep -q "listening on the event ring" "$MON" ||
		die "monitor $* did not start: $(oneline <"$MON")"
}

# MON has a line matching RE (an extended regular expression).
mon_has() { # re
	WHY="no line matching '$1' in monitor's output: $(tail -n 4 "$MON" | oneline)"
	grep -Eq -- "$1" "$MON"
}

# One PASS line: the NS as the log words it, and its reason.
passed_line() { # ns, kind, target, source, reason
	printf ' debug PASS ns=%s iface=%s kind=%s target=%s source=%s mac=%s reason=%s$' \
		"$1" "$UPLINK" "$2" "$3" "$4" "$ROUTER_MAC" "$5"
}

# ndisc6 asks for TARGET: monitor shows its NS as passed for REASON.
solicit_passed() { # label, target, reason
	ndisc "$2" >/dev/null
	check "$1: $2 $3" wait_until 3 mon_has \
		"$(passed_line "who-has $2 tell $ROUTER_LL" multicast "$2" "$ROUTER_LL" "$3")"
}

# until when the program reports passed NS, from the pinned ndpr_empty
passed_until() {
	bpftool -j map dump pinned "$(host_pin_dir)/ndpr_empty" |
		jq -r '.[0].formatted.value.passed_until // .[0].value.passed_until'
}

stats_json() { # jq filter
	ndpr stats "$UPLINK" --json | jq -r "$1"
}

run attach "$UPLINK" "$PREFIX64" --no-dad --no-unicast
WHY="exit $RC: $ALL"
check "attach $PREFIX64 --no-dad --no-unicast" test "$RC" = 0 ||
	die "cannot attach"
ok prefix add "$UPLINK" "$EXCL" --exclude
ok prefix add "$UPLINK" "$ROUTED" --route-check

# --- monitor --all: each reason, from the router's own frames -------------

WHY="before any monitor --all: $(passed_until)"
check "no monitor --all: the program skips passed NS (passed_until 0)" \
	test "$(passed_until)" = 0
monitor_start --all
check "monitor --all says it listens for passed NS too" \
	mon_has "listening on the event ring of the responder on $UPLINK: answers, passed and invalid"
WHY="passed_until: $(passed_until)"
check "monitor --all set its lease in ndpr_empty" \
	test "$(passed_until)" -gt 0

solicit_passed "no match" "$NOMATCH" passed-no-match
solicit_passed "excluded" "$EXCL" passed-excluded
solicit_passed "the host's own" "$HOST_IP" passed-own-address
solicit_passed "the gateway" "$ROUTER_IP" passed-gateway

# An NS sourced from NODE_IP shows its sender owns it (RFC 4861 §7.2.3).
in_ns "$NS_ROUTER" "$TEST_TOOL" ns "$ROUTER_PORT" "$ROUTER_MAC" "$NODE_IP" \
	"$ROUTER_IP" 1 1 255 >/dev/null
wait_until 3 eval 'ndpr prefix list "$UPLINK" | grep -q "$NODE_IP/128 *conflict"'
solicit_passed "a conflict" "$NODE_IP" passed-conflict

in_ns "$NS_ROUTER" sysctl -qw "net.ipv6.conf.$ROUTER_PORT.accept_dad=1" \
	>/dev/null
ip -n "$NS_ROUTER" -6 addr add "$DAD_IP/64" dev "$ROUTER_PORT"
check "the router's DAD probe for $DAD_IP: passed-dad-off" wait_until 4 \
	mon_has "$(passed_line "dad $DAD_IP" dad "$DAD_IP" :: passed-dad-off)"
ip -n "$NS_ROUTER" -6 addr del "$DAD_IP/64" dev "$ROUTER_PORT"

# PROBE: the router's kernel sends unicast NS to the known MAC at once.
ip -n "$NS_ROUTER" -6 neigh replace "$CT_IP" lladdr "$HOST_MAC" \
	dev "$ROUTER_PORT" nud probe
check "the router's NUD probe for $CT_IP: passed-unicast-off" wait_until 4 \
	mon_has " debug PASS ns=is-alive $CT_IP tell [^ ]+ iface=$UPLINK kind=unicast target=$CT_IP source=[^ ]+ mac=$ROUTER_MAC reason=passed-unicast-off$"
ip -n "$NS_ROUTER" -6 neigh flush dev "$ROUTER_PORT"

solicit_passed "route-checked, routed out of the uplink" "$ROUTED_T" \
	passed-route-uplink

send_ns "$ANSWERED" 1 1 254 >/dev/null
check "an invalid NS still shown: invalid-hop-limit" wait_until 3 mon_has \
	" debug INVALID ns=who-has $ANSWERED tell $ROUTER_IP .* reason=invalid-hop-limit$"
ndisc "$ANSWERED" >/dev/null
check "an answer still shown: RESPOND, no reason" wait_until 3 mon_has \
	" info  RESPOND ns=who-has $ANSWERED tell $ROUTER_LL iface=$UPLINK kind=multicast target=$ANSWERED source=$ROUTER_LL mac=$ROUTER_MAC$"

bg_stop "$MON_PID" TERM 5
rc=$?
WHY="monitor exit $(bg_status "$rc" 5): $(tail -n 2 "$MON" | oneline)"
check "monitor --all: SIGTERM ends it with 0" test "$rc" = 0
WHY="passed_until: $(passed_until)"
check "monitor --all's clean end ends its lease at once" \
	test "$(passed_until)" = 0

# --- JSON: the same fields, one object a line -----------------------------

monitor_start --all --json
ndisc "$NOMATCH" >/dev/null
ndisc "$EXCL" >/dev/null
json_passed() { # target, reason
	local got want
	got=$("$TEST_TOOL" json level msg ns iface kind target source mac reason ts <"$MON" |
		awk -F'|' -v t="$1" '$2 == "PASS" && $6 == t' | head -n 1)
	want="debug|PASS|who-has $1 tell $ROUTER_LL|$UPLINK|multicast|$1|$ROUTER_LL|$ROUTER_MAC|$2"
	WHY="expected $want|<ts>, got: '$got'"
	[ "${got%|*}" = "$want" ] && [[ ${got##*|} =~ ^[0-9]+(\.[0-9]+)?$ ]]
}
check "json: $NOMATCH with reason passed-no-match" \
	wait_until 3 json_passed "$NOMATCH" passed-no-match
check "json: $EXCL with reason passed-excluded" \
	wait_until 3 json_passed "$EXCL" passed-excluded
out=$("$TEST_TOOL" json msg <"$MON")
WHY="$(grep NOT-JSON <<<"$out" | head -n 2 | oneline)"
check "json: every line of monitor --all --json parses" \
	not grep -q NOT-JSON <<<"$out"

# --- a killed monitor --all: its lease expires, nothing more is passed ----

kill -KILL "$MON_PID"
bg_join "$MON_PID"
WHY="passed_until: $(passed_until)"
check "SIGKILL leaves the lease behind (until it expires)" \
	test "$(passed_until)" -gt 0
monitor_start # a plain monitor: reads the same ring, asks for no passed NS
sleep 2.5     # NDPR_PASSED_LEASE_NS
ndisc "$NOMATCH" >/dev/null
ndisc "$ANSWERED" >/dev/null
check "after the kill: the plain monitor sees the answer" wait_until 3 \
	mon_has " RESPOND ns=who-has $ANSWERED "
check "after the lease expired: no passed NS in the ring" not mon_has " PASS "
WHY="passed_until: $(passed_until)"
check "the program cleared the expired lease" test "$(passed_until)" = 0
bg_stop "$MON_PID" TERM 5

# --- events-suppressed: only while a reader is there ----------------------

ok detach "$UPLINK"
ok attach "$UPLINK" "$PREFIX64" --log-rate 2
out=$(send_ns "$ANSWERED" 2000 2000 255)
WHY="flood: $out; stats: $(ndpr stats "$UPLINK" --json)"
check "no reader, 2000 NS answered: events-suppressed 0" \
	test "$(stats_json '"\(.answered >= 1900) \(.events_suppressed)"')" = "true 0"
run stats "$UPLINK"
WHY="stats: $OUT"
check "stats shows no events-suppressed row at 0" \
	not grep -q events-suppressed <<<"$OUT"

monitor_start
before=$(stats_json .answered)
out=$(send_ns "$ANSWERED" 500 1000 255)
# Every answer is shown or, once monitor's next refill followed it,
# counted as suppressed.
accounted() {
	local a shown sup
	a=$(($(stats_json .answered) - before))
	shown=$(grep -c " RESPOND " "$MON")
	sup=$(stats_json .events_suppressed)
	WHY="answered +$a, shown $shown, suppressed $sup"
	[ "$a" -ge 475 ] && [ $((shown + sup)) = "$a" ]
}
check "a slow reader (2 a second): shown + suppressed = answered" \
	wait_until 4 accounted
run stats "$UPLINK"
WHY="stats: $OUT"
check "stats shows events-suppressed, not zero, without --all" \
	grep -Eq "^  events-suppressed +[1-9]" <<<"$OUT"

sleep 1.2 # one more refill follows the last refusal
sup=$(stats_json .events_suppressed)
kill -KILL "$MON_PID"
bg_join "$MON_PID"
sleep 1.2
out=$(send_ns "$ANSWERED" 500 1000 255)
sleep 1.2
WHY="suppressed $sup before the kill, $(stats_json .events_suppressed) after a flood"
check "the reader killed: a flood adds nothing to events-suppressed" \
	test "$(stats_json .events_suppressed)" = "$sup"

ok detach "$UPLINK"
finish

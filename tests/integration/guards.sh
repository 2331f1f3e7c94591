#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The guards, the way issue 12 found the trap: the whole on-link /64
# attached (the natural configuration when a provider gives one). The
# router's address, the host's own and a third node's are never answered:
# the router re-adding its address does not lose it to DAD, the host's
# own address is answered by the host's kernel, and a node that shows it
# owns an address (here: solicits from it) is no longer overridden. The
# switch off restores the old, harmful behaviour; `run` follows a new
# address of the uplink within a second.

. "$(dirname "$0")/lib.sh"

suite_up ip nsenter ndisc6 ping nft sysctl tcpdump awk sed grep

NS_NODE=ndpr-node-$RUN_ID
NODE_IP=2001:db8:1::77
NODE_MAC=02:00:00:00:07:07
NEW_IP=2001:db8:1::55
LOG=$WORK_DIR/run.log

# A third node on the hypervisor's bridge, holding NODE_IP.
node_up() {
	netns_add "$NS_NODE"
	run_or_die ip -n "$NS_NODE" link add eth0 type veth peer name hv-n \
		netns "$NS_HV"
	run_or_die ip -n "$NS_NODE" link set eth0 address "$NODE_MAC"
	run_or_die ip -n "$NS_NODE" -6 addr add "$NODE_IP/64" dev eth0 nodad
	run_or_die ip -n "$NS_HV" link set hv-n master br0 up
	run_or_die ip -n "$NS_NODE" link set eth0 up
	wait_until 5 ip -n "$NS_NODE" link show eth0 | grep -q LOWER_UP
}

# The router's global address, with DAD on its port as a real router has.
router_addr() {
	ip -n "$NS_ROUTER" -6 -o addr show dev "$ROUTER_PORT" scope global
}

router_readd() {
	in_ns "$NS_ROUTER" sysctl -qw \
		"net.ipv6.conf.$ROUTER_PORT.accept_dad=1" >/dev/null
	ip -n "$NS_ROUTER" -6 addr del "$ROUTER_IP/64" dev "$ROUTER_PORT"
	ip -n "$NS_ROUTER" -6 addr add "$ROUTER_IP/64" dev "$ROUTER_PORT"
	# One probe, one second (RetransTimer), and a margin.
	sleep 2.5
}

# The router has its address back, usable: neither tentative nor failed.
router_addr_ok() {
	WHY="router: '$(router_addr | oneline)'"
	[[ $(router_addr) == *"$ROUTER_IP/64"* ]] &&
		[[ $(router_addr) != *tentative* ]] &&
		[[ $(router_addr) != *dadfailed* ]]
}

router_addr_dadfailed() {
	WHY="router: '$(router_addr | oneline)'"
	[[ $(router_addr) == *dadfailed* ]]
}

# Back to the router's address as the topology made it.
router_restore() {
	ip -n "$NS_ROUTER" -6 addr del "$ROUTER_IP/64" dev "$ROUTER_PORT" \
		2>/dev/null
	in_ns "$NS_ROUTER" sysctl -qw \
		"net.ipv6.conf.$ROUTER_PORT.accept_dad=0" >/dev/null
	run_or_die ip -n "$NS_ROUTER" -6 addr add "$ROUTER_IP/64" \
		dev "$ROUTER_PORT" nodad
}

# NAs for TARGET in a capture sent from MAC.
na_from_mac() { # file, target, mac
	captured_na "$1" "$2" | grep -ci "^[0-9:.]* $3 >"
}

# The router solicits TARGET with a capture running on its port: sets
# CAP to the capture and ANS to the MAC of the first answer.
solicit_captured() { # name, target
	CAP=$WORK_DIR/$1.pcap
	capture_start "$NS_ROUTER" "$ROUTER_PORT" "$CAP"
	ANS=$(ndisc "$2" | tr '[:upper:]' '[:lower:]')
	capture_stop "$CAP" || fail "$1: capture" "$WHY"
}

listed() { # address, word
	local line
	line=$(prefix_line "$1/128")
	WHY="prefix list: '${line:-no line for $1/128}'"
	[[ $line == *"$2"* ]]
}

warned_once() { # address
	local n
	n=$(grep -ci "warn.*conflict: $1 is in use by $NODE_MAC" "$LOG")
	WHY="$n WARN lines for $1 in the log; last lines: $(tail -n 3 "$LOG" | oneline)"
	[ "$n" = 1 ]
}

# The conflict in `prefix list --json`, and in `status --json`.
json_conflict() {
	local got st
	got=$(ndpr prefix list "$UPLINK" --json |
		"$TEST_TOOL" json prefix action how mac)
	st=$(ndpr status --json | "$TEST_TOOL" json nconflicts guards)
	WHY="prefix list --json: $(oneline <<<"$got"); status --json: $st"
	grep -qx "$NODE_IP/128|conflict|solicited-from|$NODE_MAC" <<<"$got" &&
		[ "$st" = "1|own,gateway,conflict" ]
}

status_has() { # text
	WHY="status: $(ndpr status | oneline)"
	ndpr status | grep -q -- "$1"
}

node_up

# --- attach the whole /64: the router's address survives its DAD ----------

run attach "$UPLINK" "$PREFIX64"
WHY="exit $RC: $ALL"
check "attach $UPLINK $PREFIX64" test "$RC" = 0 || die "cannot attach"
WHY="attach said: $ALL"
check "attach says the guards hold as they are now, run keeps them current" \
	grep -q "2 own addresses and gateways.*'ndpresponder run' keeps them current" \
	<<<"$ALL"
check "prefix list: the host's $HOST_IP guarded as own-address" \
	listed "$HOST_IP" "guarded  -      own-address"
check "prefix list: the gateway $ROUTER_IP guarded" \
	listed "$ROUTER_IP" "guarded  -      gateway"

before=$(counter passed-gateway)
router_readd
check "router re-adds $ROUTER_IP: its DAD goes unanswered, address usable" \
	router_addr_ok
check "the router's DAD probe counted as passed-gateway" \
	counter_rose passed-gateway "$before" 1
router_restore

# --- the host's own address: the kernel answers, not the responder --------

own=$(counter passed-own-address)
answered=$(counter answered)
solicit_captured own "$HOST_IP"
check "router's NS for $HOST_IP answered with the host's MAC" \
	is "ndisc6 $HOST_IP" "$ANS" "$HOST_MAC"
WHY="NAs for $HOST_IP: $(captured_na "$CAP" "$HOST_IP" | oneline)"
check "exactly one NA for $HOST_IP: the kernel's, none of ours" \
	test "$(captured_na "$CAP" "$HOST_IP" | wc -l)" = 1
check "counted as passed-own-address" \
	counter_rose passed-own-address "$own" 1
WHY="answered was $answered, is $(counter answered)"
check "and not as answered" test "$(counter answered)" = "$answered"

ok detach "$UPLINK"

# --- run: a node shows it owns an address ----------------------------------

ndpr_bg "$LOG" run -i "$UPLINK" -n "$PREFIX64"
wait_until 10 run_ready "$(bg_pid "$LOG")" ||
	die "run did not start: $(tail -n 3 "$LOG" | oneline)"

# Before the node speaks, its address is ours to answer (the old trap).
solicit_captured before-node "$NODE_IP"
WHY="NAs from $HOST_MAC: $(captured_na "$CAP" "$NODE_IP" | oneline)"
check "before $NODE_IP speaks: answered by the responder too" \
	test "$(na_from_mac "$CAP" "$NODE_IP" "$HOST_MAC")" -ge 1

# The node pings the router: its NS for the router is sourced from NODE_IP.
in_ns "$NS_NODE" ip -6 neigh flush dev eth0
check "the node pings the router from $NODE_IP" \
	ping_from "$NS_NODE" "$NODE_IP" "$ROUTER_IP"
check "prefix list shows the conflict for $NODE_IP, by $NODE_MAC" \
	wait_until 2 listed "$NODE_IP" "conflict -      solicited-from by $NODE_MAC"
check "status shows the conflict" status_has "1 conflict$"
check "prefix list --json and status --json show it too" json_conflict
check "run logs the conflict at WARN" wait_until 3 warned_once "$NODE_IP"

conflict=$(counter passed-conflict)
solicit_captured after-node "$NODE_IP"
check "router's NS for $NODE_IP answered by the node itself" \
	is "ndisc6 $NODE_IP" "$ANS" "$NODE_MAC"
WHY="NAs for $NODE_IP: $(captured_na "$CAP" "$NODE_IP" | oneline)"
check "no NA for $NODE_IP from the responder" \
	test "$(na_from_mac "$CAP" "$NODE_IP" "$HOST_MAC")" = 0
check "counted as passed-conflict" \
	counter_rose passed-conflict "$conflict" 1

in_ns "$NS_NODE" ip -6 neigh flush dev eth0
ping_from "$NS_NODE" "$NODE_IP" "$ROUTER_IP"
sleep 1.5
check "the node speaks again: still one WARN line" warned_once "$NODE_IP"

ok prefix clear-conflict "$UPLINK" "$NODE_IP"
check "clear-conflict: prefix list no longer shows it" \
	not listed "$NODE_IP" conflict
solicit_captured cleared "$NODE_IP"
WHY="NAs for $NODE_IP: $(captured_na "$CAP" "$NODE_IP" | oneline)"
check "clear-conflict: $NODE_IP answered by the responder again" \
	test "$(na_from_mac "$CAP" "$NODE_IP" "$HOST_MAC")" -ge 1
run prefix clear-conflict "$UPLINK" "$NODE_IP"
WHY="exit $RC: $ALL"
check "clear-conflict of nothing fails with one line" \
	test "$RC" != 0 -a "$(wc -l <<<"$ERR")" = 1

# --- run follows the uplink's addresses -------------------------------------

ip -n "$NS_HOST" -6 addr add "$NEW_IP/64" dev "$UPLINK" nodad
check "run: $NEW_IP added to $UPLINK is guarded within a second" \
	wait_until 1.5 listed "$NEW_IP" "guarded  -      own-address"
ip -n "$NS_HOST" -6 addr del "$NEW_IP/64" dev "$UPLINK"
check "run: removed, no longer guarded within a second" \
	wait_until 1.5 not listed "$NEW_IP" guarded

sigterm_exits_0 run "$(bg_pid "$LOG")" "$LOG"

# --- the switch off: the old behaviour, on purpose --------------------------

run attach "$UPLINK" "$PREFIX64" --no-guard own --no-guard gateway \
	--no-guard conflict
WHY="exit $RC: $ALL"
check "attach --no-guard own --no-guard gateway --no-guard conflict" \
	test "$RC" = 0
check "status says guards none" status_has "guards none"
check "prefix list: nothing guarded" not listed "$HOST_IP" guarded

router_readd
check "guards off: the router's re-added $ROUTER_IP is taken by DAD" \
	router_addr_dadfailed
router_restore

in_ns "$NS_NODE" ip -6 neigh flush dev eth0
ping_from "$NS_NODE" "$NODE_IP" "$ROUTER_IP"
solicit_captured off-node "$NODE_IP"
WHY="NAs for $NODE_IP: $(captured_na "$CAP" "$NODE_IP" | oneline)"
check "guards off: $NODE_IP answered by the responder though the node spoke" \
	test "$(na_from_mac "$CAP" "$NODE_IP" "$HOST_MAC")" -ge 1

ok attach "$UPLINK"
check "an upgrade without --no-guard keeps them off" status_has "guards none"
ok attach "$UPLINK" --no-guard none
check "--no-guard none turns them all back on" \
	status_has "guards own,gateway,conflict"
check "and guards the host's own address again" \
	listed "$HOST_IP" "guarded  -      own-address"
ok detach "$UPLINK"

finish

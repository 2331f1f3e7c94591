#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The router learns an address before it needs it: `announce` sends an
# unsolicited NA (source the address, to all-nodes, O=1, TLLA) and an NS
# from the address to the gateway, which passes the hypervisor's filter,
# and the router has a neighbour entry for the address without having
# solicited it. And gateway pinning: `run --pin-gateway` makes the host's
# entry of its router NOARP once resolved, which the host can do through
# the filter because it solicits its router from its global address.

. "$(dirname "$0")/lib.sh"

suite_up ip nsenter tcpdump timeout nft sysctl awk sed grep
hv_nd_counter_up

SVC_PREFIX=2001:db8:1::100/120
ANN=2001:db8:1::200	# a new container's address

# As when a container comes: it holds its address, the host routes the
# address to it (the router's answer to the announcing NS goes there, not
# back out of the uplink), the responder answers for it, and `announce`
# tells the router (once the address answers behind ct0: README).
ip -n "$NS_CT" -6 addr add "$ANN/128" dev eth0 nodad ||
	die "cannot add $ANN to the container"
ip -n "$NS_HOST" -6 route add "$ANN/128" dev ct0 ||
	die "cannot route $ANN to ct0"
run attach "$UPLINK" "$SVC_PREFIX" "$ANN"
WHY="exit $RC: $ALL"
check "attach $UPLINK $SVC_PREFIX $ANN" test "$RC" = 0 || die "cannot attach"

# --- announce ----------------------------------------------------------------

router_entry() { # addr
	ip -n "$NS_ROUTER" -6 neigh show "$1" dev "$ROUTER_PORT"
}

router_learned() {
	local e
	e=$(router_entry "$ANN")
	WHY="router's ip -6 neigh show $ANN: '${e:-nothing}', expected lladdr $HOST_MAC"
	[[ $e == *"lladdr $HOST_MAC "* ]]
}

ip -n "$NS_ROUTER" -6 neigh flush dev "$ROUTER_PORT"
WHY="router already has: $(router_entry "$ANN")"
check "announce: router's neighbour cache has no $ANN before" \
	test -z "$(router_entry "$ANN")"
spoofed=$(spoofed_nd_count)
[ -n "$spoofed" ] || die "cannot read the nft counter in $NS_HV"

CAP=$WORK_DIR/announce.pcap
capture_start "$NS_ROUTER" "$ROUTER_PORT" "$CAP"
run announce "$UPLINK" "$ANN"
WHY="exit $RC: $ALL"
check "announce: ndpresponder announce $UPLINK $ANN" \
	test "$RC" = 0 -a "${OUT##*announced }" = "$ANN"
check "announce: router's neighbour entry of $ANN is the host's MAC" \
	wait_until 3 router_learned
capture_stop "$CAP"

# NS and NA as tcpdump -e -vv decodes them, one line each.
ns_by_router=$(capture_text "$CAP" "icmp6 and ip6[40] == 135 and ether src $ROUTER_MAC" |
	grep -E "who has $ANN( |,|$)")
WHY="the router solicited $ANN: $(head -n 1 <<<"$ns_by_router")"
check "announce: router learned $ANN without soliciting it" \
	test -z "$ns_by_router"

# The NA, one line of tcpdump -e -vv: from the host's MAC to all-nodes,
# source ADDR, O set and S clear, the host's MAC as TLLA.
unsolicited_na() { # captured lines
	WHY="expected one NA $HOST_MAC > 33:33:00:00:00:01, $ANN > ff02::1, O set, S clear, TLLA $HOST_MAC; captured: '${1:-no NA}'"
	[ "$(grep -c . <<<"$1")" = 1 ] &&
		[[ $1 == *" $HOST_MAC > 33:33:00:00:00:01,"* ]] &&
		[[ $1 == *" $ANN > ff02::1:"* ]] &&
		[[ $1 =~ Flags\ \[[^]]*override ]] &&
		! [[ $1 =~ Flags\ \[[^]]*solicited ]] &&
		[[ $1 == *"destination link-address option (2), length 8 (1): $HOST_MAC"* ]]
}

na_router_flag() { # captured line
	WHY="expected Flags [router, ...]: '$1'"
	[[ $1 =~ Flags\ \[router ]]
}

# The NS to the gateway: from ADDR and the host's MAC, to the router's
# solicited-node group, for the router's address, the host's MAC as SLLA.
ns_to_gateway() { # captured lines
	WHY="expected one NS $ANN > ff02::1:ff00:1 for $ROUTER_IP with SLLA $HOST_MAC; captured: '${1:-no NS}'"
	[ "$(grep -c . <<<"$1")" = 1 ] &&
		[[ $1 == *" $HOST_MAC > 33:33:ff:00:00:01,"* ]] &&
		[[ $1 == *" $ANN > ff02::1:ff00:1:"* ]] &&
		[[ $1 =~ who\ has\ $ROUTER_IP( |,|$) ]] &&
		[[ $1 == *"source link-address option (1), length 8 (1): $HOST_MAC"* ]]
}

na=$(captured_na "$CAP" "$ANN")
check "announce: unsolicited NA from $ANN to ff02::1, override, TLLA the host's MAC" \
	unsolicited_na "$na"
check "announce: the NA has R set (the responder answers with R=1)" \
	na_router_flag "$na"
ns=$(capture_text "$CAP" "icmp6 and ip6[40] == 135 and ether src $HOST_MAC")
check "announce: NS from $ANN to the gateway's solicited-node group, SLLA the host's MAC" \
	ns_to_gateway "$ns"

now=$(spoofed_nd_count)
WHY="hypervisor's ND drop counter was $spoofed, is ${now:-unreadable}"
check "announce: no ND message dropped by the hypervisor's filter" \
	test "$now" = "$spoofed"

run announce "$UPLINK" 2001:db8:1::/64
WHY="exit $RC: $ALL"
check "announce: a prefix is refused with one line" \
	test "$RC" != 0 -a "$(grep -c . <<<"$ALL")" = 1

# --- gateway pinning ---------------------------------------------------------

run detach "$UPLINK"
# lib.sh made the entry permanent; the host must resolve it now. Its NS
# for the router is sourced from the address of the packet that needs
# the router, here its global one, which the hypervisor lets through.
ip -n "$NS_HOST" -6 neigh del "$ROUTER_IP" dev "$UPLINK" ||
	die "cannot delete the host's entry of $ROUTER_IP"
WHY="$(gw_entry)"
check "pin-gateway: host has no entry of $ROUTER_IP before" test -z "$(gw_entry)"
CAP=$WORK_DIR/pin-gateway.pcap
capture_start "$NS_ROUTER" "$ROUTER_PORT" "$CAP"

LOG=$WORK_DIR/run-pin.log
ndpr_bg "$LOG" run -i "$UPLINK" -n "$SVC_PREFIX" --pin-gateway
RUN_PID=$(bg_pid "$LOG")
check "pin-gateway: run --pin-gateway starts serving" \
	wait_until 10 run_ready "$RUN_PID"
check "pin-gateway: within 5 s the host's entry of $ROUTER_IP is NOARP, $ROUTER_MAC" \
	wait_until 5 gw_pinned
check "pin-gateway: log says pinned" \
	log_has "$LOG" "pinned gateway $ROUTER_IP at $ROUTER_MAC \(NOARP\)"
capture_stop "$CAP"
ns=$(capture_text "$CAP" "icmp6 and ip6[40] == 135 and ether src $HOST_MAC" |
	grep -E "who has $ROUTER_IP( |,|$)" | head -n 1)
WHY="the host's NS for $ROUTER_IP that reached the router: '${ns:-none}'"
check "pin-gateway: the host solicited its router from $HOST_IP, through the filter" \
	test -n "$ns" -a -z "${ns##*" $HOST_IP > "*}"
sigterm_exits_0 pin-gateway "$RUN_PID" "$LOG"

# A clean stop undoes the pin: the entry is the kernel's again (STALE,
# the same MAC, confirmed by a unicast probe), not NOARP.
check "pin-gateway: a clean stop undoes the NOARP pin, the MAC kept" gw_unpinned
check "pin-gateway: log says unpinned" \
	log_has "$LOG" "unpinned gateway $ROUTER_IP \(NOARP undone\)"

# With --keep the responder and the pin stay, and the log says so.
LOG=$WORK_DIR/run-pin-keep.log
ndpr_bg "$LOG" run -i "$UPLINK" -n "$SVC_PREFIX" --pin-gateway --keep
RUN_PID=$(bg_pid "$LOG")
# STALE waits out delay_first_probe_time (5 s) before its unicast probe.
check "pin-gateway --keep: within 15 s the entry is NOARP again" \
	wait_until 15 gw_pinned
sigterm_exits_0 pin-gateway-keep "$RUN_PID" "$LOG"
check "pin-gateway --keep: the pinned entry stays after run exits" gw_pinned
check "pin-gateway --keep: log says it left the pin" \
	log_has "$LOG" "leaving gateway $ROUTER_IP pinned \(NOARP\), as --keep asks"
run detach "$UPLINK"

finish

#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The story end to end: a router reaches a container behind the host
# through a hypervisor that drops IPv6 from the host unless sourced from
# the on-link prefix. First the filter and the story's failure are shown
# with the kernel's own proxy NDP, then the responder makes it work in
# native and in generic XDP mode, for a router soliciting from its global
# and from its link-local address.

. "$(dirname "$0")/lib.sh"

suite_up ip nsenter nft ping tcpdump timeout sysctl awk sed

# Pings the container from the router, SRC being its source address, after
# forgetting the neighbour. Sets PING_OUT and the capture file CAP.
router_ping() { # label, src
	CAP=$WORK_DIR/$1.pcap
	ip -n "$NS_ROUTER" -6 neigh flush dev "$ROUTER_PORT"
	capture_start "$NS_ROUTER" "$ROUTER_PORT" "$CAP"
	PING_OUT=$(in_ns "$NS_ROUTER" ping -6 -n -c 1 -W 4 -I "$2" "$CT_IP" 2>&1)
	PING_RC=$?
	capture_stop "$CAP"
}

ping_ok() {
	WHY="ping $CT_IP failed: $(echo "$PING_OUT" | tail -n 2 | oneline)"
	[ "$PING_RC" = 0 ]
}

ping_failed() {
	WHY="ping $CT_IP succeeded, expected no answer to reach the router"
	[ "$PING_RC" != 0 ]
}

# The router's neighbour entry of the container names the host's uplink.
router_neigh_is_host() {
	local entry
	entry=$(ip -n "$NS_ROUTER" -6 neigh show "$CT_IP" dev "$ROUTER_PORT")
	WHY="ip -6 neigh show $CT_IP: expected lladdr $HOST_MAC, got '${entry:-nothing}'"
	[[ $entry == *"lladdr $HOST_MAC "* ]]
}

# The router's NS in the capture came from SRC.
ns_from() { # src
	local ns
	ns=$(captured_ns "$CAP" "$CT_IP" | head -n 1)
	WHY="expected the router's NS for $CT_IP from $1, captured: ${ns:-no NS}"
	[[ $ns == *" $1 > ff02::1:ff00:100:"* ]]
}

# The NA the router got is sourced from the target, from the host's MAC.
na_from_target() {
	local na
	na=$(captured_na "$CAP" "$CT_IP" | head -n 1)
	WHY="expected an NA from $CT_IP, Ethernet $HOST_MAC; captured: ${na:-no NA}"
	[[ $na == *" $HOST_MAC > $ROUTER_MAC,"* && $na == *" $CT_IP > "* ]]
}

spoofed_rose() { # before, min
	local now
	now=$(spoofed_count)
	WHY="hypervisor drop counter was $1, is ${now:-unreadable}; expected +$2 or more"
	[ -n "$now" ] && [ "$now" -ge $(($1 + $2)) ]
}

# --- the filter is live: the host's link-local source is dropped --------

before=$(spoofed_count)
[ -n "$before" ] || die "cannot read the nft counter in $NS_HV"
# A permanent entry, so the echo requests themselves leave the host.
ip -n "$NS_HOST" -6 neigh replace "$ROUTER_LL" lladdr "$ROUTER_MAC" \
	dev "$UPLINK" nud permanent
out=$(in_ns "$NS_HOST" ping -6 -n -c 3 -i 0.2 -W 1 -I "$UPLINK" "$ROUTER_LL" 2>&1)
rc=$?
WHY="ping -I $UPLINK $ROUTER_LL got through the hypervisor: $(echo "$out" | tail -n 2 | oneline)"
check "control: host's ping from its link-local address is dropped" \
	test "$rc" != 0
check "control: hypervisor drop counter counts the link-local pings" \
	spoofed_rose "$before" 3
ip -n "$NS_HOST" -6 neigh del "$ROUTER_LL" dev "$UPLINK"

# --- the story: kernel proxy NDP answers from a link-local address -------

in_ns "$NS_HOST" sysctl -qw "net.ipv6.conf.$UPLINK.proxy_ndp=1" >/dev/null
ip -n "$NS_HOST" -6 neigh add proxy "$CT_IP" dev "$UPLINK"

router_ping kproxy-global "$ROUTER_IP"
check "control: kernel proxy NDP works when the router solicits from $ROUTER_IP" \
	ping_ok

before=$(spoofed_count)
router_ping kproxy-ll "$ROUTER_LO_IP"
check "control: kernel proxy NDP fails when the router solicits from $ROUTER_LL (the story)" \
	ping_failed
check "control: the kernel's link-local NA was dropped by the hypervisor" \
	spoofed_rose "$before" 1

ip -n "$NS_HOST" -6 neigh del proxy "$CT_IP" dev "$UPLINK"
in_ns "$NS_HOST" sysctl -qw "net.ipv6.conf.$UPLINK.proxy_ndp=0" >/dev/null

# --- the responder --------------------------------------------------------

# One attach in MODE, the router pinging from both kinds of source.
run_mode() { # native|generic
	local mode=$1 out rc answered mode_now

	out=$(ndpr attach "$UPLINK" "$PREFIX64" -x "$ROUTER_IP/128" \
		-x "$HOST_IP/128" --mode "$mode" 2>&1)
	rc=$?
	WHY="exit $rc: $out"
	check "$mode: attach $UPLINK --mode $mode" test "$rc" = 0 || return
	mode_now=$(xdp_mode "$NS_HOST" "$UPLINK")
	WHY="ip link shows XDP mode '$mode_now'"
	check "$mode: ip link shows the program in $mode mode" \
		test "$mode_now" = "$mode"

	answered=$(counter answered)
	WHY="stats $UPLINK has no answered counter"
	check "$mode: stats readable" test -n "$answered"

	router_ping "$mode-global" "$ROUTER_IP"
	check "$mode: router reaches the container from $ROUTER_IP" ping_ok
	check "$mode: router's NS came from its global address" ns_from "$ROUTER_IP"
	check "$mode: NA sourced from the target $CT_IP and the host's MAC" \
		na_from_target
	check "$mode: router's neighbour entry of $CT_IP is the host's MAC" \
		router_neigh_is_host

	router_ping "$mode-ll" "$ROUTER_LO_IP"
	check "$mode: router reaches the container from $ROUTER_LO_IP" ping_ok
	check "$mode: router's NS came from its link-local address" ns_from "$ROUTER_LL"
	check "$mode: NA to a link-local NS still sourced from the target" \
		na_from_target
	check "$mode: router's neighbour entry of $CT_IP is the host's MAC (link-local NS)" \
		router_neigh_is_host

	check "$mode: stats answered rose by the two answers" \
		counter_rose answered "$answered" 2

	out=$(ndpr detach "$UPLINK" 2>&1)
	rc=$?
	WHY="exit $rc: $out"
	check "$mode: detach $UPLINK" test "$rc" = 0
	WHY="XDP still on $UPLINK after detach: $(ip -n "$NS_HOST" link show "$UPLINK" | head -n 1)"
	check "$mode: no XDP program on $UPLINK after detach" \
		test "$(xdp_prog_id "$NS_HOST" "$UPLINK")" = ""
}

run_mode native
run_mode generic

finish

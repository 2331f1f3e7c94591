#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Route-aware answers: a route-checked prefix is answered only for targets
# the host routes out of another interface than the uplink, and the
# host's routing and neighbour tables count at the next solicitation,
# with no ndpresponder command in between: the container's route removed,
# it is no longer answered; added back, answered again. With =neigh, only
# once the host has a neighbour entry for the container.

. "$(dirname "$0")/lib.sh"

suite_up ip nsenter ndisc6 ping nft sysctl awk sed grep

NOT_ROUTED=2001:db8:1::300	# in the /64, no route but the uplink's

router_ping_ct() {
	ip -n "$NS_ROUTER" -6 neigh flush dev "$ROUTER_PORT"
	WHY="ping $CT_IP from the router ($ROUTER_IP) failed"
	ping_from "$NS_ROUTER" "$ROUTER_IP" "$CT_IP"
}

host_route() {
	ip -n "$NS_HOST" -6 route show "$CT_IP/128"
}

routed_to_ct0() {
	WHY="host's route of $CT_IP/128: '$(host_route)'"
	[[ $(host_route) == *"dev ct0"* ]]
}

fwd=$(in_ns "$NS_HOST" sysctl -n "net.ipv6.conf.$UPLINK.forwarding")
WHY="net.ipv6.conf.$UPLINK.forwarding = $fwd"
check "forwarding on for $UPLINK in the host" test "$fwd" = 1

ok attach "$UPLINK" "$PREFIX64" --route-check || die "cannot attach"
check "$PREFIX64 listed as route-checked" listed_as "$PREFIX64" route

# --- the route decides -------------------------------------------------------

check "route: host routes $CT_IP out of ct0" routed_to_ct0
check "route: router pings the container (its NS answered)" router_ping_ct
check "route: $CT_IP answered" ndisc_answers "$CT_IP" "$HOST_MAC"

before=$(counter passed-route-uplink)
check "route: $NOT_ROUTED (routed back out of $UPLINK) not answered" \
	ndisc_unanswered "$NOT_ROUTED"
check "route: counted as passed-route-uplink" \
	counter_rose passed-route-uplink "$before" 1

# The container's route goes; nothing is said to ndpresponder.
ip -n "$NS_HOST" -6 route del "$CT_IP/128" dev ct0 ||
	die "cannot delete the route of $CT_IP"
ip -n "$NS_ROUTER" -6 neigh flush dev "$ROUTER_PORT"
before=$(counter passed-route-uplink)
check "route: route deleted: $CT_IP no longer answered" ndisc_unanswered "$CT_IP"
check "route: route deleted: counted as passed-route-uplink" \
	counter_rose passed-route-uplink "$before" 1

ip -n "$NS_HOST" -6 route add "$CT_IP/128" dev ct0 ||
	die "cannot add the route of $CT_IP back"
check "route: route back: $CT_IP answered again" ndisc_answers "$CT_IP" "$HOST_MAC"
check "route: route back: router pings the container" router_ping_ct

# Forwarding off on the uplink: the host would not forward, so no answer.
in_ns "$NS_HOST" sysctl -qw "net.ipv6.conf.$UPLINK.forwarding=0" >/dev/null
before=$(counter passed-route-fwd-off)
check "route: forwarding off on $UPLINK: $CT_IP not answered" \
	ndisc_unanswered "$CT_IP"
check "route: counted as passed-route-fwd-off" \
	counter_rose passed-route-fwd-off "$before" 1
in_ns "$NS_HOST" sysctl -qw "net.ipv6.conf.$UPLINK.forwarding=1" >/dev/null
check "route: forwarding back on: $CT_IP answered" ndisc_answers "$CT_IP" "$HOST_MAC"

# --- =neigh: the container must have spoken -----------------------------------

host_neigh() {
	ip -n "$NS_HOST" -6 neigh show "$CT_IP" dev ct0
}

host_neigh_gone() {
	WHY="host's neighbour entry of $CT_IP: '$(host_neigh)'"
	! [[ $(host_neigh) =~ (REACHABLE|STALE|DELAY|PROBE|PERMANENT|NOARP) ]]
}

ok prefix add "$UPLINK" "$CT_IP/128" --route-check=neigh
check "neigh: $CT_IP/128 listed as route-check=neigh" \
	listed_as "$CT_IP/128" neigh
WHY="host's neighbour entry of $CT_IP: '$(host_neigh)'"
check "neigh: host knows the container (from the pings)" test -n "$(host_neigh)"
check "neigh: $CT_IP answered" ndisc_answers "$CT_IP" "$HOST_MAC"

ip -n "$NS_HOST" -6 neigh flush dev ct0
check "neigh: host's entry of $CT_IP flushed" host_neigh_gone
before=$(counter passed-route-no-neigh)
check "neigh: no entry: $CT_IP not answered" ndisc_unanswered "$CT_IP"
check "neigh: counted as passed-route-no-neigh" \
	counter_rose passed-route-no-neigh "$before" 1

# The container speaks; the host resolves it to answer.
WHY="ping $HOST_IP from the container failed"
check "neigh: container pings the host" ping_from "$NS_CT" "$CT_IP" "$HOST_IP"
WHY="host's neighbour entry of $CT_IP: '$(host_neigh)'"
check "neigh: host has an entry of $CT_IP now" test -n "$(host_neigh)"
check "neigh: $CT_IP answered again" ndisc_answers "$CT_IP" "$HOST_MAC"
check "neigh: router pings the container" router_ping_ct

ok detach "$UPLINK"

finish

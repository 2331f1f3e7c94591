#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The test bed itself, without ndpresponder: when the other suites fail,
# this one tells whether the topology is to blame.

. "$(dirname "$0")/lib.sh"

setup_private_mounts "$@"
require ip nsenter nft ping sysctl awk sed
require_built xdp_pass
topology_up

WHY="hv-h runs XDP in mode '$(xdp_mode "$NS_HV" hv-h)'"
check "topology: xdp_pass on the hypervisor's port to the host" \
	test "$(xdp_mode "$NS_HV" hv-h)" = native
for from in "$ROUTER_IP" "$ROUTER_LO_IP"; do
	WHY="no answer"
	check "topology: router reaches the host from $from" \
		ping_from "$NS_ROUTER" "$from" "$HOST_IP"
done
WHY="no answer"
check "topology: host reaches the container" \
	ping_from "$NS_HOST" "$HOST_IP" "$CT_IP"

ip -n "$NS_HOST" -6 neigh replace "$ROUTER_LL" lladdr "$ROUTER_MAC" \
	dev "$UPLINK" nud permanent
before=$(spoofed_count)
WHY="ping from the host's link-local address got through"
check "topology: hypervisor drops the host's link-local source" \
	not ping_from "$NS_HOST" "$UPLINK" "$ROUTER_LL"
now=$(spoofed_count)
WHY="drop counter was '$before', is '$now'"
check "topology: hypervisor drop counter counts it" \
	test -n "$before" -a -n "$now" -a "${now:-0}" -gt "${before:-0}"
finish

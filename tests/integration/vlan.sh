#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Answers on the VLAN the solicitation came on (issue 12, part 2), on the
# story's topology. The router sends solicitations tagged 802.1Q VLAN 100
# (PCP 5), and QinQ: 802.1ad VLAN 200 (PCP 3) around 802.1Q VLAN 100
# (PCP 5). The hypervisor's bridge port takes the outer tag out of the
# frame into the packet's metadata, and the bridge hands the frame so to
# the host's veth: native XDP sees it without its outer tag (a control
# program shows it). In native and in generic mode, the answer must carry
# exactly the tags of the solicitation: TPID, VID and PCP, the whole frame
# byte for byte, in a capture of the router's port. Where the kernel has
# 802.1Q devices, the router's kernel must also learn the neighbour on
# its VLAN device.

. "$(dirname "$0")/lib.sh"

suite_up ip nsenter ndisc6 ping tcpdump timeout bpftool awk sed grep

VLAN_SEEN_OBJ=$OUT_DIR/tests/xdp_vlan_seen.bpf.o
built -f "$VLAN_SEEN_OBJ"
# Every frame: tcpdump's IPv6 filters would not match a QinQ frame, whose
# inner tag stays in the data.
ND_FILTER=

# The cases: a name, the target (inside the hypervisor's /64), the tags
# outermost first as ndpr-test-tool takes them ("-": untagged).
CASES="untagged 2001:db8:1::100 -
dot1q 2001:db8:1::64 8100:5:100
qinq 2001:db8:1::c8 88a8:3:200,8100:5:100"
PREFIXES="2001:db8:1::100 2001:db8:1::64 2001:db8:1::c8"

# Sends one NS for TARGET tagged TAGS from the router's port, captured
# there into CAP.
solicit() { # label, target, tags
	CAP=$WORK_DIR/$1.pcap
	capture_start "$NS_ROUTER" "$ROUTER_PORT" "$CAP"
	SENT=$(in_ns "$NS_ROUTER" "$TEST_TOOL" ns "$ROUTER_PORT" \
		"$ROUTER_MAC" "$ROUTER_IP" "$2" 1 10 255 "$3")
	sleep 0.3
	capture_stop "$CAP"
}

# The capture holds, byte for byte, the NA answering the NS for TARGET
# tagged TAGS: to the router, from the target and the host's MAC, R, S
# and O set (a multicast NS). libpcap puts back the tag the router's
# kernel holds as metadata, as it came off the wire.
na_exact() { # target, tags
	local want
	want=$("$TEST_TOOL" na "$ROUTER_MAC" "$HOST_MAC" "$2" "$1" \
		"$ROUTER_IP" RSO "$1")
	WHY="no frame $want in the capture; NAs captured: $("$TEST_TOOL" frames "$CAP" | grep "^${ROUTER_MAC//:/}" | oneline)"
	"$TEST_TOOL" frames "$CAP" | grep -qx "$want"
}

# The capture has no NA for TARGET but the exact one (none untagged or
# with other tags).
na_only_exact() { # target, tags
	local want n
	want=$("$TEST_TOOL" na "$ROUTER_MAC" "$HOST_MAC" "$2" "$1" \
		"$ROUTER_IP" RSO "$1")
	n=$("$TEST_TOOL" frames "$CAP" | grep "^${ROUTER_MAC//:/}" |
		grep -cvx "$want")
	WHY="$n other frame(s) from the host in the capture"
	[ "$n" = 0 ]
}

status_vlan() { # want
	is "status --json vlan" \
		"$(ndpr status --json | grep -o '"vlan":"[^"]*"' | cut -d'"' -f4)" \
		"$1"
}

# A variable of the control program on the uplink (bpftool's JSON).
seen() { # variable
	local id map
	id=$(xdp_prog_id "$NS_HOST" "$UPLINK")
	map=$(bpftool prog show id "$id" -j 2>/dev/null |
		grep -o '"map_ids":\[[0-9]*' | grep -o '[0-9]*$')
	bpftool map dump id "$map" -j 2>/dev/null |
		grep -o "\"$1\": *[0-9]*" | grep -o '[0-9]*$'
}

seen_is() { # variable, want
	is "control program's $1" "$(seen "$1")" "$2"
}

# --- control: what native XDP on the host's veth sees --------------------

run_or_die ip -n "$NS_HOST" link set dev "$UPLINK" xdpdrv \
	obj "$VLAN_SEEN_OBJ" sec xdp
solicit control-dot1q 2001:db8:1::64 8100:5:100
check "control: an 802.1Q NS reaches native XDP without its tag in the frame" \
	seen_is untagged_ns 1
check "control: ... and no frame with a tag in its data" seen_is tagged 0
solicit control-qinq 2001:db8:1::c8 88a8:3:200,8100:5:100
check "control: a QinQ NS reaches native XDP with only its inner tag" \
	seen_is tagged 1
run_or_die ip -n "$NS_HOST" link set dev "$UPLINK" xdpdrv off

# --- the answers, native and generic --------------------------------------

for mode in native generic; do
	# shellcheck disable=SC2086
	ok attach "$UPLINK" $PREFIXES -m "$mode"
	check "$mode: attached in $mode mode" \
		is "xdp mode" "$(xdp_mode "$NS_HOST" "$UPLINK")" "$mode"
	if [ "$mode" = native ]; then
		check "native: status says the stripped tag is restored" \
			status_vlan restored
	else
		check "generic: status says the skb keeps the tag" \
			status_vlan skb
	fi
	while read -r name target tags; do
		label=$mode-$name
		solicit "$label" "$target" "$tags"
		check "$label: the NA carries the NS's tags ($tags), the whole frame byte for byte" \
			na_exact "$target" "$tags"
		check "$label: no other answer left the host" \
			na_only_exact "$target" "$tags"
	done <<<"$CASES"
	ok detach "$UPLINK"
done

# --- the router's kernel learns on its VLAN device -------------------------

# Needs 802.1Q devices in the kernel (CONFIG_VLAN_8021Q): the router
# solicits from its VLAN device, and its NS leaves with the tag as
# metadata, as a real router's does.
if ! ip -n "$NS_ROUTER" link add link "$ROUTER_PORT" name vlan100 \
	type vlan id 100 egress-qos-map 0:5 2>/dev/null; then
	echo "SKIP: vlan: the router's kernel learning on its VLAN device: this kernel has no 802.1Q devices (CONFIG_VLAN_8021Q)"
	finish
fi
run_or_die ip -n "$NS_ROUTER" link set vlan100 up
run_or_die ip -n "$NS_ROUTER" -6 route add 2001:db8:1::64/128 dev vlan100
for mode in native generic; do
	# shellcheck disable=SC2086
	ok attach "$UPLINK" $PREFIXES -m "$mode"
	ip -n "$NS_ROUTER" -6 neigh flush dev vlan100
	CAP=$WORK_DIR/$mode-kernel.pcap
	capture_start "$NS_ROUTER" "$ROUTER_PORT" "$CAP"
	ping_from "$NS_ROUTER" vlan100 2001:db8:1::64
	capture_stop "$CAP"
	entry=$(ip -n "$NS_ROUTER" -6 neigh show 2001:db8:1::64 dev vlan100)
	WHY="ip -6 neigh show dev vlan100: expected lladdr $HOST_MAC, got '${entry:-nothing}'"
	check "$mode: the router's kernel learned the target on its VLAN device" \
		test "${entry#*lladdr $HOST_MAC }" != "$entry"
	WHY="the NA in $CAP is not tagged 802.1Q VLAN 100, PCP 5"
	check "$mode: the kernel's NS answered with its tag" \
		grep -q "vlan 100, p 5, ethertype IPv6.* tgt is 2001:db8:1::64" \
		<(capture_text "$CAP")
	ok detach "$UPLINK"
done

finish

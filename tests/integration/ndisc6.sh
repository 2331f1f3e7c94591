#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The Neighbor Advertisement itself, as the router sees it: ndisc6 asks
# from the router's port, tcpdump there records the answer. Checks the
# addresses, flags and TLLA, which targets are answered, and that attach
# options (--mac, --no-router, --override, --no-dad, --no-unicast) take
# effect when attaching again over the running responder.

. "$(dirname "$0")/lib.sh"

suite_up ip nsenter ndisc6 tcpdump timeout nft sysctl awk sed

PREFIX112=2001:db8:1::/112
OUTSIDE=2001:db8:1::1:100	# in the /64, outside the /112
EXCL_HOST=2001:db8:1::200	# excluded as a /128
EXCL_NET=2001:db8:1::f00/120	# excluded as a prefix
IN_EXCL_NET=2001:db8:1::f05
OTHER_MAC=02:00:00:00:aa:aa

# Attaches (or upgrades) the responder; a failure ends the script, as
# every later check depends on it.
attach() { # args after IFACE...
	local out rc
	out=$(ndpr attach "$UPLINK" "$@" 2>&1)
	rc=$?
	WHY="exit $rc: $out"
	check "attach $UPLINK $*" test "$rc" = 0 || die "cannot go on without the responder"
}

# Asks for TARGET with ndisc6 while capturing. Sets GOT (the link-layer
# address ndisc6 printed) and NA (the first captured answer for TARGET).
solicit() { # label, target, [ndisc6 options...]
	local label=$1 target=$2
	shift 2
	CAP=$WORK_DIR/$label.pcap
	capture_start "$NS_ROUTER" "$ROUTER_PORT" "$CAP"
	GOT=$(ndisc "$target" "$@")
	capture_stop "$CAP"
	NA=$(captured_na "$CAP" "$target" | head -n 1)
}

got_mac() { # mac
	WHY="ndisc6 printed '${GOT:-no answer}', expected $1"
	[ "${GOT,,}" = "${1,,}" ]
}

na_has() { # text...
	local t
	for t in "$@"; do
		WHY="NA lacks '$t'; captured: ${NA:-no NA}"
		[[ $NA == *"$t"* ]] || return 1
	done
}

no_na() {
	WHY="ndisc6 printed '$GOT'; captured NA: $NA"
	[ -z "$GOT" ] && [ -z "$NA" ]
}

# The whole answer to a multicast NS from SRC for TARGET, sent by MAC.
check_na() { # what, target, src, mac, flags
	local what=$1 target=$2 src=$3 mac=$4 flags=$5

	check "$what: ndisc6 gets $mac" got_mac "$mac"
	check "$what: NA from the target to the asker ($target > $src)" \
		na_has " $target > $src: "
	check "$what: NA Ethernet $mac > $ROUTER_MAC" \
		na_has " $mac > $ROUTER_MAC, "
	check "$what: NA hop limit 255, 32 octets, checksum ok" \
		na_has "hlim 255," "payload length: 32)" "[icmp6 sum ok]"
	check "$what: NA flags [$flags]" na_has "Flags [$flags]"
	check "$what: NA carries TLLA $mac" \
		na_has "destination link-address option (2), length 8 (1): $mac"
}

# --- defaults --------------------------------------------------------

attach "$PREFIX112" -x "$ROUTER_IP/128" -x "$HOST_IP/128" \
	-x "$EXCL_HOST/128" -x "$EXCL_NET"

solicit default "$CT_IP"
check_na "default, link-local NS" "$CT_IP" "$ROUTER_LL" "$HOST_MAC" \
	"router, solicited, override"

solicit global-src "$CT_IP" -s "$ROUTER_IP"
check_na "default, global NS" "$CT_IP" "$ROUTER_IP" "$HOST_MAC" \
	"router, solicited, override"

before=$(counter passed-no-match)
solicit outside "$OUTSIDE"
check "$OUTSIDE outside the prefixes: no answer" no_na
check "$OUTSIDE outside the prefixes: counted as passed-no-match" \
	counter_rose passed-no-match "$before" 1

before=$(counter passed-excluded)
solicit excl-host "$EXCL_HOST"
check "$EXCL_HOST excluded as /128: no answer" no_na
solicit excl-net "$IN_EXCL_NET"
check "$IN_EXCL_NET inside excluded $EXCL_NET: no answer" no_na
check "excluded targets counted as passed-excluded" \
	counter_rose passed-excluded "$before" 2

# The host's own address is excluded: the kernel answers it as usual.
solicit host-own "$HOST_IP"
check "host's own $HOST_IP excluded: the kernel answers" got_mac "$HOST_MAC"

# --- options, each by attaching again over the running responder ------

attach --mac "$OTHER_MAC"
solicit mac "$CT_IP"
check_na "--mac $OTHER_MAC" "$CT_IP" "$ROUTER_LL" "$OTHER_MAC" \
	"router, solicited, override"

# An upgrade keeps what it is not given: the MAC back by name.
attach --no-router --mac "$HOST_MAC"
solicit no-router "$CT_IP"
check_na "--no-router" "$CT_IP" "$ROUTER_LL" "$HOST_MAC" \
	"solicited, override"

attach --override never --router
solicit override-never "$CT_IP"
check_na "--override never" "$CT_IP" "$ROUTER_LL" "$HOST_MAC" \
	"router, solicited"

attach --override always
solicit override-always "$CT_IP"
check_na "--override always" "$CT_IP" "$ROUTER_LL" "$HOST_MAC" \
	"router, solicited, override"

# --- unicast NUD probes: the router re-checks a known neighbour ---------

# Puts the router's entry of the container in PROBE state: the kernel
# sends unicast NS to the known MAC at once.
probe_ct() {
	ip -n "$NS_ROUTER" -6 neigh replace "$CT_IP" lladdr "$HOST_MAC" \
		dev "$ROUTER_PORT" nud probe
}

neigh_state() {
	ip -n "$NS_ROUTER" -6 neigh show "$CT_IP" dev "$ROUTER_PORT" |
		awk '{ print $NF }'
}

neigh_state_is() { # state
	[ "$(neigh_state)" = "$1" ]
}

# Probes and waits until the command given succeeds; sets NA and CAP.
unicast_probe() { # label, command...
	CAP=$WORK_DIR/$1.pcap
	shift
	ip -n "$NS_ROUTER" -6 neigh flush dev "$ROUTER_PORT"
	capture_start "$NS_ROUTER" "$ROUTER_PORT" "$CAP"
	probe_ct
	wait_until 4 "$@"
	sleep 0.2 # an answer would be back by now
	capture_stop "$CAP"
	NA=$(captured_na "$CAP" "$CT_IP" | head -n 1)
}

attach --override multicast
before=$(counter answered)
unicast_probe unicast not neigh_state_is PROBE
WHY="router's entry is $(neigh_state) after a unicast probe; NA: ${NA:-none}"
check "unicast NS: router's entry becomes REACHABLE" neigh_state_is REACHABLE
check "unicast NS: answered with O=0 under --override multicast" \
	na_has "Flags [router, solicited]"
check "unicast NS: answered to the router's MAC" \
	na_has " $HOST_MAC > $ROUTER_MAC, "
check "unicast NS: counted as answered" counter_rose answered "$before" 1
NS=$(captured_ns "$CAP" "$CT_IP" | head -n 1)
WHY="captured NS: ${NS:-none}"
check "unicast NS: the router's probe was unicast to $HOST_MAC" \
	grep -qF " $ROUTER_MAC > $HOST_MAC, " <<<"$NS"
check "unicast NS: NA carries TLLA $HOST_MAC" \
	na_has "destination link-address option (2), length 8 (1): $HOST_MAC"

attach --override always
unicast_probe unicast-override not neigh_state_is PROBE
check "--override always: unicast NS answered with O=1" \
	na_has "Flags [router, solicited, override]"

attach --no-unicast
before=$(counter passed-unicast-off)
unicast_probe no-unicast counter_rose passed-unicast-off "$before" 1
WHY="router's entry is $(neigh_state); NA: ${NA:-none}"
check "--no-unicast: unicast NS unanswered" test -z "$NA"
check "--no-unicast: counted as passed-unicast-off" \
	counter_rose passed-unicast-off "$before" 1
solicit no-unicast-mcast "$CT_IP"
check "--no-unicast: multicast NS still answered" got_mac "$HOST_MAC"

# --- Duplicate Address Detection by the router --------------------------

DAD_IP=2001:db8:1::300

# Adds DAD_IP to the router's port with DAD on; waits until DAD is over.
router_dad() { # label
	CAP=$WORK_DIR/$1.pcap
	capture_start "$NS_ROUTER" "$ROUTER_PORT" "$CAP"
	ip -n "$NS_ROUTER" -6 addr add "$DAD_IP/64" dev "$ROUTER_PORT"
	wait_until 5 dad_over
	capture_stop "$CAP"
	NA=$(captured_na "$CAP" "$DAD_IP" | head -n 1)
}

dad_over() {
	! router_addr_flags | grep -qw tentative || router_dad_failed
}

router_addr_flags() {
	ip -n "$NS_ROUTER" -6 addr show dev "$ROUTER_PORT" to "$DAD_IP/128"
}

router_dad_failed() {
	router_addr_flags | grep -qw dadfailed
}

# The address is there, usable, and nobody objected.
router_dad_passed() {
	[ -z "$NA" ] && router_addr_flags | grep -qF "$DAD_IP" &&
		! router_addr_flags | grep -qwE "tentative|dadfailed"
}

in_ns "$NS_ROUTER" sysctl -qw "net.ipv6.conf.$ROUTER_PORT.accept_dad=1" \
	"net.ipv6.conf.$ROUTER_PORT.dad_transmits=1" >/dev/null

attach
before=$(counter answered-dad)
router_dad dad
WHY="router's address: $(router_addr_flags | head -n 2 | oneline)"
check "DAD: router's $DAD_IP fails DAD against the responder" \
	router_dad_failed
check "DAD: NA to all-nodes from the target" na_has " $DAD_IP > ff02::1: "
check "DAD: NA Ethernet to 33:33:00:00:00:01" \
	na_has " $HOST_MAC > 33:33:00:00:00:01, "
check "DAD: NA flags S=0" na_has "Flags [router, override]"
check "DAD: counted as answered-dad" counter_rose answered-dad "$before" 1
ip -n "$NS_ROUTER" -6 addr del "$DAD_IP/64" dev "$ROUTER_PORT"

attach --no-dad
before=$(counter passed-dad-off)
router_dad no-dad
WHY="router's address: $(router_addr_flags | head -n 2 | oneline); NA: ${NA:-none}"
check "--no-dad: router's $DAD_IP passes DAD" router_dad_passed
check "--no-dad: counted as passed-dad-off" \
	counter_rose passed-dad-off "$before" 1
ip -n "$NS_ROUTER" -6 addr del "$DAD_IP/64" dev "$ROUTER_PORT"

finish

# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# shellcheck shell=bash
# Namespaces: the private mount namespace of a run, network namespaces,
# and the story's topology in four of them.
#
#   router ns          hv ns (hypervisor)          host ns            ct ns
#   port ---veth--- hv-r  [br0]  hv-h ---veth--- uplink   ct0 ---veth--- eth0
#   2001:db8:1::1/64       nft: drop IPv6 from     2001:db8:1::2/64   2001:db8:1::100
#   2001:db8:ffff::1 (lo)  hv-h not from the /64   (ndpresponder)

# Addresses and MACs of the topology (fixed MACs make expectations exact).
PREFIX64=2001:db8:1::/64
ROUTER_IP=2001:db8:1::1
ROUTER_LO_IP=2001:db8:ffff::1
HOST_IP=2001:db8:1::2
CT_IP=2001:db8:1::100
ROUTER_MAC=02:00:00:00:01:01
HOST_MAC=02:00:00:00:02:02
ROUTER_PORT=port
UPLINK=uplink
ROUTER_LL= # the router port's link-local address, once topology_up ran

# Unique per run, so that parallel runs cannot collide.
RUN_ID=$$-$RANDOM
NS_ROUTER=ndpr-router-$RUN_ID
NS_HV=ndpr-hv-$RUN_ID
NS_HOST=ndpr-host-$RUN_ID
NS_CT=ndpr-ct-$RUN_ID

NETNS_MADE=()

# Re-executes the script in a private mount namespace and mounts a private
# bpffs there: pins of this run are invisible to any other, and vanish with
# the namespace even if the script is killed. WORK_DIR is made.
setup_private_mounts() { # "$@" of the script
	if [ "$(id -u)" != 0 ]; then
		echo "FAIL: $TEST_NAME: needs root (XDP, network namespaces, bpffs)"
		exit 1
	fi
	if [ "${NDPR_IT_PRIVATE:-}" != "$$" ]; then
		command -v unshare >/dev/null ||
			{ echo "FAIL: $TEST_NAME: missing tool: unshare"; exit 1; }
		# exec keeps the PID, so the mark tells the re-executed copy.
		export NDPR_IT_PRIVATE=$$
		exec unshare -m --propagation private bash "$0" "$@"
	fi
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/ndpr-it-$TEST_NAME.XXXXXX") ||
		die "mktemp failed"
	mkdir "$WORK_DIR/bpffs"
	mount -t bpf bpf "$WORK_DIR/bpffs" || die "cannot mount bpffs"
	# Our own /run/netns too: the namespaces' names stay out of the
	# machine's list, and nothing is left if the script is killed.
	mkdir -p /run/netns || die "cannot create /run/netns"
	mount -t tmpfs -o mode=0755 ndpr-netns /run/netns ||
		die "cannot mount a private /run/netns"
	export NDPRESPONDER_PIN_ROOT=$WORK_DIR/bpffs/ndpresponder
}

# What setup_private_mounts made goes on exit: background processes,
# network namespaces, and the work directory with what is mounted in it.
cleanup() {
	set +e
	bg_cleanup
	netns_cleanup
	[ -n "$WORK_DIR" ] || return
	awk -v d="$WORK_DIR/" 'index($2, d) == 1 { print $2 }' /proc/self/mounts |
		sort -r | xargs -r umount 2>/dev/null
	if [ -n "${NDPR_IT_KEEP:-}" ]; then
		echo "kept $WORK_DIR (captures)"
	else
		rm -rf --one-file-system "$WORK_DIR"
	fi
}

# Runs a command in a namespace without changing the mount namespace, so
# that pins stay in this script's bpffs (ip netns exec would remount /sys).
in_ns() { # ns, command...
	local ns=$1
	shift
	nsenter --net="/run/netns/$ns" "$@"
}

netns_add() { # name
	ip netns add "$1" || die "cannot create netns $1"
	NETNS_MADE+=("$1")
	ip -n "$1" link set lo up
	# No Duplicate Address Detection: addresses are usable at once.
	in_ns "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0 \
		net.ipv6.conf.all.router_solicitations=0 \
		net.ipv6.conf.default.router_solicitations=0 >/dev/null
}

# A namespace with no IPv6 of its own, which only bridges or sends raw.
netns_add_no_ipv6() { # name
	netns_add "$1"
	in_ns "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 >/dev/null
}

netns_cleanup() {
	local ns
	for ns in "${NETNS_MADE[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	NETNS_MADE=()
}

run_or_die() { # command...
	"$@" || die "setup failed: $*"
}

# The hypervisor drops IPv6 from the host's port unless sourced from the
# on-link prefix, as the story's Virtualizor ebtables rules do; the named
# counter "spoofed" counts the drops.
hv_filter_up() {
	in_ns "$NS_HV" nft -f - <<-EOF || die "cannot load nftables rules in $NS_HV"
		table bridge ndpr_hv {
			counter spoofed { }
			chain prerouting {
				type filter hook prerouting priority filter; policy accept;
				iifname "hv-h" ether type ip6 \
					ip6 saddr != $PREFIX64 \
					counter name "spoofed" drop
			}
		}
	EOF
}

# Adds a counter "spoofed_nd" to the hypervisor's filter: the Neighbor
# Discovery messages (ICMPv6 types 133 to 137) among what it drops. The
# kernels send MLD reports from link-local addresses whenever they like,
# which "spoofed" counts too; this one tells a test about ND alone.
hv_nd_counter_up() {
	in_ns "$NS_HV" nft -f - <<-EOF ||
		add counter bridge ndpr_hv spoofed_nd
		insert rule bridge ndpr_hv prerouting iifname "hv-h" \
			ether type ip6 ip6 saddr != $PREFIX64 \
			icmpv6 type { nd-router-solicit, nd-router-advert, \
				nd-neighbor-solicit, nd-neighbor-advert, \
				nd-redirect } counter name "spoofed_nd"
	EOF
		die "cannot add the ND counter in $NS_HV"
}

# Packets a counter of the hypervisor's filter counted.
hv_count() { # counter
	in_ns "$NS_HV" nft list counter bridge ndpr_hv "$1" |
		awk '$1 == "packets" { print $2 }'
}

spoofed_count() {
	hv_count spoofed
}

spoofed_nd_count() {
	hv_count spoofed_nd
}

# The router and the hypervisor's bridge, which tests/vm/run.sh shares:
# the router's port with the on-link prefix, bridged to nothing else yet.
# Both stay down until router_hv_link_up, once the bridge's other ports
# are in: a router port up before them loses the first second of traffic.
router_hv_up() {
	netns_add "$NS_ROUTER"
	netns_add_no_ipv6 "$NS_HV"
	run_or_die ip -n "$NS_ROUTER" link add "$ROUTER_PORT" type veth \
		peer name hv-r netns "$NS_HV"
	run_or_die ip -n "$NS_ROUTER" link set "$ROUTER_PORT" address "$ROUTER_MAC"
	run_or_die ip -n "$NS_ROUTER" -6 addr add "$ROUTER_IP/64" \
		dev "$ROUTER_PORT" nodad
	# No multicast snooping: there is no querier here.
	run_or_die ip -n "$NS_HV" link add br0 type bridge mcast_snooping 0
	run_or_die ip -n "$NS_HV" link set hv-r master br0 up
}

router_hv_link_up() {
	run_or_die ip -n "$NS_HV" link set br0 up
	run_or_die ip -n "$NS_ROUTER" link set "$ROUTER_PORT" up
}

topology_up() {
	router_hv_up
	netns_add "$NS_HOST"
	netns_add "$NS_CT"
	run_or_die ip -n "$NS_HV" link add hv-h type veth \
		peer name "$UPLINK" netns "$NS_HOST"
	run_or_die ip -n "$NS_HOST" link add ct0 type veth \
		peer name eth0 netns "$NS_CT"
	run_or_die ip -n "$NS_HOST" link set "$UPLINK" address "$HOST_MAC"

	# XDP_PASS on the host's port so native XDP_TX frames get through.
	run_or_die ip -n "$NS_HV" link set hv-h master br0 up
	run_or_die ip -n "$NS_HV" link set dev hv-h xdpdrv \
		obj "$XDP_PASS_OBJ" sec xdp
	hv_filter_up

	# Router: an address on lo so that a ping from it makes the router
	# solicit from its link-local address.
	run_or_die ip -n "$NS_ROUTER" -6 addr add "$ROUTER_LO_IP/128" dev lo
	router_hv_link_up

	host_up
	# Container.
	run_or_die ip -n "$NS_CT" -6 addr add "$CT_IP/128" dev eth0 nodad
	run_or_die ip -n "$NS_CT" link set eth0 up
	run_or_die ip -n "$NS_CT" -6 route add default via fe80::1 dev eth0

	wait_until 5 links_up || die "links did not come up"
	ROUTER_LL=$(link_local "$NS_ROUTER" "$ROUTER_PORT")
	[ -n "$ROUTER_LL" ] || die "router port has no link-local address"
}

# Host: routes the container's address to it.
host_up() {
	in_ns "$NS_HOST" sysctl -qw net.ipv6.conf.all.forwarding=1 >/dev/null
	run_or_die ip -n "$NS_HOST" -6 addr add "$HOST_IP/64" dev "$UPLINK" nodad
	run_or_die ip -n "$NS_HOST" link set "$UPLINK" up
	run_or_die ip -n "$NS_HOST" -6 route add default via "$ROUTER_IP" \
		dev "$UPLINK"
	# Forwarded replies would make the host solicit the router from its
	# link-local address, which the hypervisor drops: the real host
	# knows its router from its own traffic, this one is told.
	run_or_die ip -n "$NS_HOST" -6 neigh replace "$ROUTER_IP" \
		lladdr "$ROUTER_MAC" dev "$UPLINK" nud permanent
	run_or_die ip -n "$NS_HOST" -6 addr add fe80::1/64 dev ct0 nodad
	run_or_die ip -n "$NS_HOST" link set ct0 up
	run_or_die ip -n "$NS_HOST" -6 route add "$CT_IP/128" dev ct0
}

links_up() {
	ip -n "$NS_ROUTER" link show "$ROUTER_PORT" | grep -q LOWER_UP &&
		ip -n "$NS_HOST" link show "$UPLINK" | grep -q LOWER_UP &&
		ip -n "$NS_CT" link show eth0 | grep -q LOWER_UP
}

# Link-local address of an interface.
link_local() { # ns, iface
	ip -n "$1" -6 -o addr show dev "$2" scope link |
		awk '{ sub("/.*", "", $4); print $4; exit }'
}

ping_from() { # ns, src, dst
	in_ns "$1" ping -6 -n -q -c 1 -W 2 -I "$2" "$3" >/dev/null 2>&1
}

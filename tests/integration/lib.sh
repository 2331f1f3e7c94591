# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Shared by the integration tests, which source it: reporting, a private
# bpffs, the story's topology in four network namespaces, and helpers to
# drive ndpresponder, tcpdump and ndisc6 in them.
#
#   router ns          hv ns (hypervisor)          host ns            ct ns
#   port ---veth--- hv-r  [br0]  hv-h ---veth--- uplink   ct0 ---veth--- eth0
#   2001:db8:1::1/64       nft: drop IPv6 from     2001:db8:1::2/64   2001:db8:1::100
#   2001:db8:ffff::1 (lo)  hv-h not from the /64   (ndpresponder)
#
# NDPR_IT_KEEP=1 keeps the work directory with the captures for a look.
#
# Each script calls, in this order: setup_private_mounts "$@", require ...,
# topology_up; then checks with pass/fail; and ends with finish.
#
# Run directly (tests/run.sh runs every *.sh here), this file tests the
# topology itself, without ndpresponder: when the other scripts fail, it
# tells whether the test bed is to blame.

set -u

IT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$IT_DIR/../.." && pwd)
OUT_DIR=${OUTPUT:-build}
case $OUT_DIR in /*) ;; *) OUT_DIR=$REPO_DIR/$OUT_DIR ;; esac
NDPR_BIN=$OUT_DIR/ndpresponder
XDP_PASS_OBJ=$OUT_DIR/tests/xdp_pass.bpf.o
TEST_NAME=$(basename "$0" .sh)

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

# Unique per run, so that parallel runs cannot collide.
RUN_ID=$$-$RANDOM
NS_ROUTER=ndpr-router-$RUN_ID
NS_HV=ndpr-hv-$RUN_ID
NS_HOST=ndpr-host-$RUN_ID
NS_CT=ndpr-ct-$RUN_ID

WORK_DIR=
NETNS_MADE=()
BG_PIDS=()
N_PASS=0
N_FAIL=0
WHY=

# ---- reporting --------------------------------------------------------

pass() { # name
	N_PASS=$((N_PASS + 1))
	echo "PASS: $1"
}

fail() { # name, why
	N_FAIL=$((N_FAIL + 1))
	echo "FAIL: $1: $2"
}

# Records one check: pass when the command succeeds. The command may set
# WHY to explain a failure (else WHY as set before the check is shown).
# Returns the command's success.
check() { # name, command...
	local name=$1
	shift
	WHY=${WHY:-"failed: $*"}
	if "$@"; then
		pass "$name"
		WHY=
		return 0
	fi
	fail "$name" "$WHY"
	WHY=
	return 1
}

# Stops the script after a failure that makes every later check moot.
die() {
	fail "$TEST_NAME" "$*"
	exit 1
}

# Negates a command for check (`!` is not a command).
not() {
	! "$@"
}

# Joins lines, for one-line messages.
oneline() {
	tr '\n' ' '
}

finish() {
	echo "$TEST_NAME: $N_PASS passed, $N_FAIL failed"
	[ "$N_FAIL" = 0 ]
	exit
}

# ---- environment ------------------------------------------------------

# Re-executes the script in a private mount namespace and mounts a private
# bpffs there: pins of this run are invisible to any other, and vanish with
# the namespace even if the script is killed.
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

cleanup() {
	local pid ns

	set +e
	for pid in "${BG_PIDS[@]}"; do
		kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	for ns in "${NETNS_MADE[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	if [ -n "$WORK_DIR" ]; then
		umount "$WORK_DIR/bpffs" 2>/dev/null
		if [ -n "${NDPR_IT_KEEP:-}" ]; then
			echo "kept $WORK_DIR (captures)"
		else
			rm -rf --one-file-system "$WORK_DIR"
		fi
	fi
}

# Every missing tool is a FAIL line: CI must not pass by skipping.
require() { # tool...
	local t missing=0

	for t in "$@"; do
		if ! command -v "$t" >/dev/null; then
			fail "$TEST_NAME" "missing tool: $t"
			missing=1
		fi
	done
	[ "$missing" = 0 ] || exit 1
}

require_built() { # [ndpresponder] [xdp_pass], default both
	local what
	[ $# -gt 0 ] || set -- ndpresponder xdp_pass
	for what; do
		case $what in
		ndpresponder)
			[ -x "$NDPR_BIN" ] || die "$NDPR_BIN not built (run make)" ;;
		xdp_pass)
			[ -f "$XDP_PASS_OBJ" ] ||
				die "$XDP_PASS_OBJ not built (run make)" ;;
		esac
	done
}

# Runs a command in a namespace without changing the mount namespace, so
# that pins stay in this script's bpffs (ip netns exec would remount /sys).
in_ns() { # ns, command...
	local ns=$1
	shift
	nsenter --net="/run/netns/$ns" "$@"
}

# ndpresponder in the host namespace.
ndpr() {
	in_ns "$NS_HOST" "$NDPR_BIN" "$@"
}

# Polls a command for up to TIMEOUT seconds (fractions allowed).
wait_until() { # timeout, command...
	local tries
	tries=$(awk -v t="$1" 'BEGIN { printf "%d", t * 10 }')
	shift
	while ! "$@"; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || return 1
		sleep 0.1
	done
}

# Background jobs are killed on exit unless waited for and forgotten (a
# waited-for PID may belong to someone else by then).
bg_forget() { # pid
	local i
	for i in "${!BG_PIDS[@]}"; do
		[ "${BG_PIDS[$i]}" = "$1" ] && unset "BG_PIDS[$i]"
	done
}

# ---- topology ---------------------------------------------------------

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

spoofed_count() {
	in_ns "$NS_HV" nft list counter bridge ndpr_hv spoofed |
		awk '$1 == "packets" { print $2 }'
}

topology_up() {
	local ns

	for ns in "$NS_ROUTER" "$NS_HV" "$NS_HOST" "$NS_CT"; do
		netns_add "$ns"
	done
	# The hypervisor only bridges.
	in_ns "$NS_HV" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 >/dev/null

	run_or_die ip -n "$NS_ROUTER" link add "$ROUTER_PORT" type veth \
		peer name hv-r netns "$NS_HV"
	run_or_die ip -n "$NS_HV" link add hv-h type veth \
		peer name "$UPLINK" netns "$NS_HOST"
	run_or_die ip -n "$NS_HOST" link add ct0 type veth \
		peer name eth0 netns "$NS_CT"
	run_or_die ip -n "$NS_ROUTER" link set "$ROUTER_PORT" address "$ROUTER_MAC"
	run_or_die ip -n "$NS_HOST" link set "$UPLINK" address "$HOST_MAC"

	# Hypervisor: a bridge without multicast snooping (no querier here),
	# XDP_PASS on the host's port so native XDP_TX frames get through.
	run_or_die ip -n "$NS_HV" link add br0 type bridge mcast_snooping 0
	run_or_die ip -n "$NS_HV" link set hv-r master br0 up
	run_or_die ip -n "$NS_HV" link set hv-h master br0 up
	run_or_die ip -n "$NS_HV" link set br0 up
	run_or_die ip -n "$NS_HV" link set dev hv-h xdpdrv \
		obj "$XDP_PASS_OBJ" sec xdp
	hv_filter_up

	# Router: the on-link prefix, and an address on lo so that a ping
	# from it makes the router solicit from its link-local address.
	run_or_die ip -n "$NS_ROUTER" -6 addr add "$ROUTER_IP/64" \
		dev "$ROUTER_PORT" nodad
	run_or_die ip -n "$NS_ROUTER" -6 addr add "$ROUTER_LO_IP/128" dev lo
	run_or_die ip -n "$NS_ROUTER" link set "$ROUTER_PORT" up

	# Host: routes the container's address to it.
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

	# Container.
	run_or_die ip -n "$NS_CT" -6 addr add "$CT_IP/128" dev eth0 nodad
	run_or_die ip -n "$NS_CT" link set eth0 up
	run_or_die ip -n "$NS_CT" -6 route add default via fe80::1 dev eth0

	wait_until 5 links_up || die "links did not come up"
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

# ---- XDP and ndpresponder state ----------------------------------------

# "native", "generic", or "none": the XDP mode `ip link` reports.
xdp_mode() { # ns, iface
	local line
	line=$(ip -n "$1" -d link show dev "$2" | head -n 1)
	case $line in
	*" xdpgeneric"*) echo generic ;;
	*" xdpoffload"*) echo offload ;;
	*" xdp "* | *" xdpdrv"*) echo native ;;
	*) echo none ;;
	esac
}

# The id of the XDP program on an interface, empty if none.
xdp_prog_id() { # ns, iface
	ip -n "$1" -d link show dev "$2" |
		sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p' | head -n 1
}

allmulti_on() { # ns, iface
	ip -n "$1" link show dev "$2" | head -n 1 | grep -q '[<,]ALLMULTI[,>]'
}

# A counter of `ndpresponder stats`, empty when it cannot be read.
counter() { # name
	ndpr stats "$UPLINK" 2>/dev/null | awk -v n="$1" '$1 == n { print $2 }'
}

# Checks that counter NAME rose by at least MIN since BEFORE.
counter_rose() { # name, before, min
	local now
	now=$(counter "$1")
	WHY="stats $1 was ${2:-?}, is ${now:-unreadable}; expected +$3 or more"
	[ -n "$2" ] && [ -n "$now" ] && [ "$now" -ge $(($2 + $3)) ]
}

# The line of `prefix list` naming PREFIX.
prefix_line() { # prefix
	ndpr prefix list "$UPLINK" 2>/dev/null |
		grep -E "(^|[[:space:]])$1([[:space:]]|$)"
}

# `prefix list` has an entry for PREFIX (as an exclude when KIND is exclude).
prefix_listed() { # prefix, [answer|exclude]
	local line
	line=$(prefix_line "$1")
	WHY="\"prefix list $UPLINK\" has no entry $1"
	[ -n "$line" ] || return 1
	case ${2:-answer} in
	exclude)
		WHY="\"prefix list $UPLINK\" lists $1 but not as exclude: $line"
		[[ $line == *exclude* ]] ;;
	*)
		WHY="\"prefix list $UPLINK\" lists $1 as exclude: $line"
		[[ $line != *exclude* ]] ;;
	esac
}

prefix_not_listed() { # prefix
	WHY="\"prefix list $UPLINK\" still lists $1"
	[ -z "$(prefix_line "$1")" ]
}

# ---- packets ----------------------------------------------------------

# Starts tcpdump writing ICMPv6 Neighbor Discovery on an interface to FILE
# and returns once it listens. The PID is in CAPTURE_PID.
capture_start() { # ns, iface, file
	local ns=$1 ifc=$2 file=$3
	: >"$file.err"
	# Not through in_ns: $! must be the command, not a subshell. The
	# timeout ends tcpdump should this script be killed outright.
	timeout 60 nsenter --net="/run/netns/$ns" \
		tcpdump -i "$ifc" --immediate-mode -U -w "$file" \
		'icmp6 and (ip6[40] == 135 or ip6[40] == 136)' 2>"$file.err" &
	CAPTURE_PID=$!
	BG_PIDS+=("$CAPTURE_PID")
	wait_until 5 grep -q "listening on" "$file.err" ||
		die "tcpdump did not start: $(cat "$file.err")"
}

capture_stop() {
	# Let tcpdump write what just arrived.
	sleep 0.25
	# SIGTERM: background jobs of a script ignore SIGINT.
	kill -TERM "$CAPTURE_PID" 2>/dev/null
	wait "$CAPTURE_PID" 2>/dev/null
	bg_forget "$CAPTURE_PID"
}

# Decodes a capture, one packet per line (tcpdump -e -vv continuation lines
# joined), optionally restricted by a tcpdump filter.
capture_text() { # file, [filter]
	tcpdump -r "$1" -nn -e -vv ${2:+"$2"} 2>/dev/null |
		awk '/^[0-9]/ { if (l != "") print l; l = $0; next }
		     { gsub(/^[ \t]+/, " "); l = l $0 }
		     END { if (l != "") print l }'
}

# Neighbor Advertisements in a capture whose target is TARGET.
captured_na() { # file, target
	capture_text "$1" 'icmp6 and ip6[40] == 136' | grep -F "tgt is $2,"
}

captured_ns() { # file, target
	capture_text "$1" 'icmp6 and ip6[40] == 135' | grep -E "who has $2( |$)"
}

# Asks for TARGET with ndisc6 from the router's port; prints the link-layer
# address of the first answer. Extra ndisc6 options may follow.
ndisc() { # target, [ndisc6 options...]
	local target=$1
	shift
	in_ns "$NS_ROUTER" ndisc6 -1 -n -q -r 2 -w 700 "$@" "$target" \
		"$ROUTER_PORT" 2>/dev/null
}

# Checks that ndisc6 gets an answer for TARGET carrying MAC.
ndisc_answers() { # target, mac
	local got
	got=$(ndisc "$1")
	WHY="ndisc6 $1: expected $2, got ${got:-no answer}"
	[ "${got,,}" = "${2,,}" ]
}

ndisc_unanswered() { # target
	local got
	got=$(ndisc "$1")
	WHY="ndisc6 $1: expected no answer, got $got"
	[ -z "$got" ]
}

# ---- self-test of the topology ------------------------------------------

ping_from() { # ns, src, dst
	in_ns "$1" ping -6 -n -q -c 1 -W 2 -I "$2" "$3" >/dev/null 2>&1
}

topology_selftest() {
	local before now router_ll

	setup_private_mounts "$@"
	require ip nsenter nft ping sysctl awk sed
	require_built xdp_pass
	topology_up

	WHY="hv-h runs XDP in mode '$(xdp_mode "$NS_HV" hv-h)'"
	check "topology: xdp_pass on the hypervisor's port to the host" \
		test "$(xdp_mode "$NS_HV" hv-h)" = native
	WHY="no answer"
	check "topology: router reaches the host from $ROUTER_IP" \
		ping_from "$NS_ROUTER" "$ROUTER_IP" "$HOST_IP"
	WHY="no answer"
	check "topology: router reaches the host from $ROUTER_LO_IP" \
		ping_from "$NS_ROUTER" "$ROUTER_LO_IP" "$HOST_IP"
	WHY="no answer"
	check "topology: host reaches the container" \
		ping_from "$NS_HOST" "$HOST_IP" "$CT_IP"

	router_ll=$(link_local "$NS_ROUTER" "$ROUTER_PORT")
	ip -n "$NS_HOST" -6 neigh replace "$router_ll" lladdr "$ROUTER_MAC" \
		dev "$UPLINK" nud permanent
	before=$(spoofed_count)
	WHY="ping from the host's link-local address got through"
	check "topology: hypervisor drops the host's link-local source" \
		not ping_from "$NS_HOST" "$UPLINK" "$router_ll"
	now=$(spoofed_count)
	WHY="drop counter was '$before', is '$now'"
	check "topology: hypervisor drop counter counts it" \
		test -n "$before" -a -n "$now" -a "${now:-0}" -gt "${before:-0}"
	finish
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	topology_selftest "$@"
fi

# ---- background ndpresponder (run, monitor) ------------------------------

# Starts ndpresponder ARGS in the host namespace in the background, stdout
# and stderr to LOG. Its PID is in NDPR_BG_PID; cleanup kills it. Variables
# set before the call (NDPRESPONDER_LOG=DEBUG ndpr_bg ...) reach it.
ndpr_bg() { # log, args...
	local log=$1
	shift
	# nsenter execs ndpresponder: $! is ndpresponder itself.
	nsenter --net="/run/netns/$NS_HOST" "$NDPR_BIN" "$@" >"$log" 2>&1 &
	NDPR_BG_PID=$!
	BG_PIDS+=("$NDPR_BG_PID")
}

# PID is a running process (not gone, not a zombie).
proc_alive() { # pid
	local st
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "${st%% *}" != Z ]
}

# Waits up to TIMEOUT seconds for background job PID to end by itself; BG_RC
# is its exit status, empty (and the job still running) on a timeout.
bg_wait() { # pid, timeout
	BG_RC=
	wait_until "$2" not proc_alive "$1" || return 1
	# (bash reports a job killed by a signal on stderr: not a failure)
	wait "$1" 2>/dev/null
	BG_RC=$?
	bg_forget "$1"
}

# Sends SIGNAL to background job PID and waits up to TIMEOUT seconds for it
# to end; BG_RC is its exit status (128 + the signal if it died of it). A
# job still running then is killed, and BG_RC left empty.
bg_stop() { # pid, signal, timeout
	kill -s "$2" "$1" 2>/dev/null
	bg_wait "$1" "$3" && return 0
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	bg_forget "$1"
	return 1
}

# The effective capabilities of PID, as /proc/PID/status shows them.
cap_eff() { # pid
	awk '$1 == "CapEff:" { print $2 }' "/proc/$1/status" 2>/dev/null
}

# `run` is serving: it drops every capability but CAP_BPF and CAP_NET_ADMIN
# once attached and reading its event ring, so events from now on are logged.
run_ready() { # pid
	WHY="ndpresponder (pid $1) not serving: CapEff '$(cap_eff "$1")'"
	proc_alive "$1" && [ "$(cap_eff "$1")" = 0000008000001000 ]
}

# FILE has a line matching the extended regular expression RE.
log_has() { # file, re
	WHY="no line matching '$2' in $(basename "$1"); last lines: $(tail -n 3 "$1" | oneline)"
	grep -Eq -- "$2" "$1"
}

# The id of the bpf_link pinned for the uplink, empty if none.
pinned_link_id() {
	bpftool link show pinned "$NDPRESPONDER_PIN_ROOT/$UPLINK/link" \
		2>/dev/null | awk -F: 'NR == 1 { print $1 }'
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

spoofed_nd_count() {
	in_ns "$NS_HV" nft list counter bridge ndpr_hv spoofed_nd |
		awk '$1 == "packets" { print $2 }'
}

# ---- floods, captures and kills (faults.sh, soak.sh) ---------------------

# Sources of the flood's solicitations: this /96, the last 32 bits a
# sequence number, which the advertisement answering one carries back as
# its destination.
FLOOD_SEQ_NET=2001:db8:1:0:5eed::

# Compiles the helper into the work directory: STRESS_TOOL. It sends a
# paced flood of numbered solicitations, decodes a capture, and kills a
# command at a given moment or right after its Nth state-changing system
# call; its usage is at the top of the source.
stress_tool_build() {
	STRESS_TOOL=$WORK_DIR/ndpr-stress
	cat >"$STRESS_TOOL.c" <<'CEOF'
/*
 * The helper of the fault-injection and soak tests:
 *
 * flood IFACE SRC_MAC SEQ_NET FIRST COUNT RATE TARGET...
 *	sends COUNT multicast Neighbor Solicitations with a Source
 *	Link-Layer Address option from an AF_PACKET socket, round robin
 *	over the TARGETs, paced at RATE a second. Solicitation number N
 *	(FIRST, FIRST + 1, ...) comes from SEQ_NET (a /96) with N as its
 *	last 32 bits, so that the advertisement answering it, addressed to
 *	that source, names it. Prints "SENT SECONDS"; SIGTERM ends it
 *	early.
 * pcap FILE SEQ_NET
 *	one line per NS or NA of a pcap file (Ethernet, untagged):
 *	"NS|NA TIME SEQ TARGET R", SEQ the last 32 bits of the NS's source
 *	or the NA's destination when inside SEQ_NET (else -1), R the NA's
 *	router flag (0 for an NS).
 * runkill USECS LOG COMMAND...
 *	runs COMMAND (output to LOG) and SIGKILLs it USECS after starting
 *	it, unless it ended by then; prints "killed - USECS_RUN" or
 *	"done EXIT_STATUS USECS_RUN". USECS -1: never killed.
 * killsys N LOG COMMAND...
 *	runs COMMAND (output to LOG) under ptrace and SIGKILLs it right
 *	after the Nth of its system calls that change state (bpf, ioctl,
 *	mkdir, unlink, rmdir, flock, sendto, sendmsg) returned; prints
 *	"killed CALL N" (CALL as in "bpf:BPF_OBJ_PIN"), or "done EXIT_STATUS
 *	CALLS" when it made fewer than N such calls.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <linux/bpf.h>
#include <linux/if_packet.h>
#include <linux/sockios.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	return sum;
}

static int flood(int ac, char **av)
{
	uint8_t f[14 + 40 + 32] = { 0 }, *ip = f + 14, *ic = ip + 40;
	uint8_t mac[6], net[16], (*tgt)[16];
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = htons(0x86dd),
				   .sll_halen = 6 };
	unsigned long first = strtoul(av[3], NULL, 0);
	long count = atol(av[4]), rate = atol(av[5]), sent = 0;
	int nt = ac - 6, fd;
	double t0;

	tgt = calloc((size_t)nt, 16);
	if (!tgt || nt < 1 ||
	    sscanf(av[1], "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1],
		   &mac[2], &mac[3], &mac[4], &mac[5]) != 6 ||
	    inet_pton(AF_INET6, av[2], net) != 1 || count <= 0 || rate <= 0) {
		fprintf(stderr, "flood: bad arguments\n");
		return 2;
	}
	for (int i = 0; i < nt; i++)
		if (inet_pton(AF_INET6, av[6 + i], tgt[i]) != 1) {
			fprintf(stderr, "flood: bad target %s\n", av[6 + i]);
			return 2;
		}
	sll.sll_ifindex = (int)if_nametoindex(av[0]);
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0 || !sll.sll_ifindex) {
		perror("flood: socket or interface");
		return 1;
	}
	memcpy(f + 6, mac, 6);
	f[12] = 0x86, f[13] = 0xdd;
	ip[0] = 0x60, ip[5] = 32, ip[6] = 58, ip[7] = 255;
	memcpy(ip + 8, net, 12);
	ic[0] = 135;
	ic[24] = 1, ic[25] = 1;
	memcpy(ic + 26, mac, 6);
	signal(SIGTERM, on_term);
	t0 = now();
	while (sent < count && !stop) {
		const uint8_t *t = tgt[sent % nt];
		uint32_t seq = (uint32_t)(first + (unsigned long)sent), sum;
		double d = t0 + (double)sent / (double)rate - now();

		if (d > 0)
			usleep((useconds_t)(d * 1e6));
		memcpy(f, (uint8_t[]){ 0x33, 0x33, 0xff, t[13], t[14], t[15] },
		       6);
		ip[20] = (uint8_t)(seq >> 24), ip[21] = (uint8_t)(seq >> 16);
		ip[22] = (uint8_t)(seq >> 8), ip[23] = (uint8_t)seq;
		memcpy(ip + 24, (uint8_t[]){ 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0,
					     0, 1, 0xff, t[13], t[14], t[15] },
		       16);
		memcpy(ic + 8, t, 16);
		ic[2] = ic[3] = 0;
		sum = sum16(ic, 32, sum16(ip + 8, 32, 32 + 58));
		while (sum >> 16)
			sum = (sum & 0xffff) + (sum >> 16);
		ic[2] = (uint8_t)(~sum >> 8), ic[3] = (uint8_t)~sum;
		memcpy(sll.sll_addr, f, 6);
		if (sendto(fd, f, sizeof(f), 0, (struct sockaddr *)&sll,
			   sizeof(sll)) != (ssize_t)sizeof(f)) {
			if (errno == ENOBUFS || errno == EAGAIN) {
				usleep(100);
				continue;
			}
			perror("flood: sendto");
			break;
		}
		sent++;
	}
	printf("%ld %.3f\n", sent, now() - t0);
	return sent == count || stop ? 0 : 1;
}

static int pcap(char **av)
{
	static uint8_t pkt[262144];
	uint8_t hdr[24], rec[16], net[16];
	char tbuf[INET6_ADDRSTRLEN];
	FILE *fp = fopen(av[0], "rb");
	uint32_t magic;
	int nsec;

	if (!fp || inet_pton(AF_INET6, av[1], net) != 1 ||
	    fread(hdr, 1, 24, fp) != 24) {
		fprintf(stderr, "pcap: cannot read %s\n", av[0]);
		return 2;
	}
	memcpy(&magic, hdr, 4);
	if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
		fprintf(stderr, "pcap: %s is not a pcap file\n", av[0]);
		return 2;
	}
	nsec = magic == 0xa1b23c4d;
	while (fread(rec, 1, 16, fp) == 16) {
		const uint8_t *ip = pkt + 14, *ic = ip + 40, *a;
		uint32_t sec, frac, caplen;
		long seq = -1;

		memcpy(&sec, rec, 4);
		memcpy(&frac, rec + 4, 4);
		memcpy(&caplen, rec + 8, 4);
		if (caplen > sizeof(pkt) || fread(pkt, 1, caplen, fp) != caplen)
			break;
		if (caplen < 14 + 40 + 24 || pkt[12] != 0x86 ||
		    pkt[13] != 0xdd || ip[6] != 58 ||
		    (ic[0] != 135 && ic[0] != 136))
			continue;
		a = ic[0] == 135 ? ip + 8 : ip + 24;
		if (!memcmp(a, net, 12))
			seq = (long)((uint32_t)a[12] << 24 | a[13] << 16 |
				     a[14] << 8 | a[15]);
		inet_ntop(AF_INET6, ic + 8, tbuf, sizeof(tbuf));
		printf("%s %u.%0*u %ld %s %d\n", ic[0] == 135 ? "NS" : "NA",
		       sec, nsec ? 9 : 6, frac, seq, tbuf,
		       ic[0] == 136 && (ic[4] & 0x80));
	}
	fclose(fp);
	return 0;
}

/* Forks COMMAND with its output to LOG; stopped for ptrace if traced. */
static pid_t spawn(const char *log, char **cmd, int traced)
{
	pid_t pid = fork();

	if (!pid) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (fd < 0)
			_exit(126);
		dup2(fd, 1);
		dup2(fd, 2);
		if (traced) {
			ptrace(PTRACE_TRACEME, 0, NULL, NULL);
			raise(SIGSTOP);
		}
		execvp(cmd[0], cmd);
		_exit(127);
	}
	return pid;
}

static int status_code(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int runkill(char **av)
{
	long delay = atol(av[0]);
	struct timespec ts;
	double t0 = now();
	pid_t pid;
	int st;

	pid = spawn(av[1], av + 2, 0);
	if (pid < 0)
		return 2;
	if (delay >= 0) {
		ts.tv_sec = delay / 1000000;
		ts.tv_nsec = (delay % 1000000) * 1000;
		while (nanosleep(&ts, &ts) && errno == EINTR)
			;
		if (waitpid(pid, &st, WNOHANG) != pid)
			kill(pid, SIGKILL);
		else
			goto done;
	}
	if (waitpid(pid, &st, 0) != pid)
		return 2;
done:
	if (delay >= 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
		printf("killed - %.0f\n", (now() - t0) * 1e6);
	else
		printf("done %d %.0f\n", status_code(st), (now() - t0) * 1e6);
	return 0;
}

/* The name of a system call that changes state, NULL for another. */
static const char *state_call(long nr, unsigned long a0, unsigned long a1)
{
	static const struct {
		int cmd;
		const char *name;
	} bpf_cmds[] = {
#define C(x) { x, "bpf:" #x }
		C(BPF_MAP_CREATE), C(BPF_MAP_LOOKUP_ELEM), C(BPF_MAP_UPDATE_ELEM),
		C(BPF_MAP_DELETE_ELEM), C(BPF_MAP_GET_NEXT_KEY),
		C(BPF_PROG_LOAD), C(BPF_OBJ_PIN), C(BPF_OBJ_GET),
		C(BPF_OBJ_GET_INFO_BY_FD), C(BPF_BTF_LOAD), C(BPF_MAP_FREEZE),
		C(BPF_LINK_CREATE), C(BPF_LINK_UPDATE), C(BPF_LINK_DETACH),
		C(BPF_PROG_BIND_MAP),
#undef C
	};
	static const struct {
		unsigned long req;
		const char *name;
	} ioctls[] = {
		{ SIOCGIFFLAGS, "ioctl:SIOCGIFFLAGS" },
		{ SIOCSIFFLAGS, "ioctl:SIOCSIFFLAGS" },
		{ SIOCGIFHWADDR, "ioctl:SIOCGIFHWADDR" },
		{ SIOCGIFINDEX, "ioctl:SIOCGIFINDEX" },
	};

	if (nr == SYS_bpf) {
		for (size_t i = 0; i < sizeof(bpf_cmds) / sizeof(bpf_cmds[0]);
		     i++)
			if (a0 == (unsigned long)bpf_cmds[i].cmd)
				return bpf_cmds[i].name;
		return "bpf";
	}
	if (nr == SYS_ioctl) {
		for (size_t i = 0; i < sizeof(ioctls) / sizeof(ioctls[0]); i++)
			if (a1 == ioctls[i].req)
				return ioctls[i].name;
		return "ioctl";
	}
	if (nr == SYS_mkdirat)
		return "mkdirat";
	if (nr == SYS_unlinkat)
		return "unlinkat";
	if (nr == SYS_flock)
		return "flock";
	if (nr == SYS_sendto)
		return "sendto";
	if (nr == SYS_sendmsg)
		return "sendmsg";
#ifdef SYS_mkdir
	if (nr == SYS_mkdir)
		return "mkdir";
	if (nr == SYS_unlink)
		return "unlink";
	if (nr == SYS_rmdir)
		return "rmdir";
#endif
	return NULL;
}

static int killsys(char **av)
{
	long n = atol(av[0]), seen = 0;
	struct __ptrace_syscall_info si;
	const char *call = NULL;
	int st, sig = 0;
	pid_t pid;

	pid = spawn(av[1], av + 2, 1);
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st))
		return 2;
	ptrace(PTRACE_SETOPTIONS, pid, NULL,
	       (void *)(long)(PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL |
			      PTRACE_O_TRACEEXEC));
	for (;;) {
		if (ptrace(PTRACE_SYSCALL, pid, NULL, (void *)(long)sig))
			return 2;
		sig = 0;
		if (waitpid(pid, &st, 0) != pid)
			return 2;
		if (WIFEXITED(st) || WIFSIGNALED(st))
			break;
		if (!WIFSTOPPED(st))
			continue;
		if (WSTOPSIG(st) != (SIGTRAP | 0x80)) {
			/* exec's stop and our SIGSTOP; other signals pass */
			if (WSTOPSIG(st) != SIGTRAP && WSTOPSIG(st) != SIGSTOP)
				sig = WSTOPSIG(st);
			continue;
		}
		if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof(si),
			   &si) <= 0)
			continue;
		if (si.op == PTRACE_SYSCALL_INFO_ENTRY) {
			call = state_call((long)si.entry.nr,
					  (unsigned long)si.entry.args[0],
					  (unsigned long)si.entry.args[1]);
		} else if (si.op == PTRACE_SYSCALL_INFO_EXIT && call &&
			   ++seen == n) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			printf("killed %s %ld\n", call, seen);
			return 0;
		}
	}
	printf("done %d %ld\n", status_code(st), seen);
	return 0;
}

int main(int ac, char **av)
{
	if (ac >= 9 && !strcmp(av[1], "flood"))
		return flood(ac - 2, av + 2);
	if (ac == 4 && !strcmp(av[1], "pcap"))
		return pcap(av + 2);
	if (ac >= 5 && !strcmp(av[1], "runkill"))
		return runkill(av + 2);
	if (ac >= 5 && !strcmp(av[1], "killsys"))
		return killsys(av + 2);
	fprintf(stderr, "usage: flood IFACE MAC SEQ_NET FIRST COUNT RATE "
			"TARGET... | pcap FILE SEQ_NET | runkill USECS LOG "
			"COMMAND... | killsys N LOG COMMAND...\n");
	return 2;
}
CEOF
	"${CC:-cc}" -O2 -Wall -o "$STRESS_TOOL" "$STRESS_TOOL.c" \
		2>"$STRESS_TOOL.err" ||
		die "cannot build the stress helper: $(head -n 5 "$STRESS_TOOL.err" | oneline)"
}

# Starts a flood from the router's port in the background: COUNT
# solicitations numbered from FIRST, at RATE a second, round robin over
# the TARGETs. FLOOD_PID is the sender; flood_wait collects it.
flood_start() { # first, count, rate, target...
	FLOOD_OUT=$WORK_DIR/flood-$1.out
	nsenter --net="/run/netns/$NS_ROUTER" "$STRESS_TOOL" flood \
		"$ROUTER_PORT" "$ROUTER_MAC" "$FLOOD_SEQ_NET" "$@" \
		>"$FLOOD_OUT" 2>&1 &
	FLOOD_PID=$!
	BG_PIDS+=("$FLOOD_PID")
}

# Waits for the flood; FLOOD_SENT and FLOOD_SECS are what the sender
# reports. Fails unless it sent all it was asked to.
flood_wait() {
	local rc
	wait "$FLOOD_PID"
	rc=$?
	bg_forget "$FLOOD_PID"
	read -r FLOOD_SENT FLOOD_SECS <"$FLOOD_OUT"
	WHY="flood sender exit $rc: $(oneline <"$FLOOD_OUT")"
	[ "$rc" = 0 ]
}

# Ends a flood early (SIGTERM) and collects it as flood_wait does.
flood_stop() {
	kill -TERM "$FLOOD_PID" 2>/dev/null
	flood_wait
}

# Captures Neighbor Discovery on the router's port to FILE, with a kernel
# buffer large enough for a flood, for at most SECONDS; returns once
# tcpdump listens. FLOOD_CAP_PID is tcpdump.
flood_capture_start() { # file, seconds
	: >"$1.err"
	FLOOD_CAP_FILE=$1
	timeout "$2" nsenter --net="/run/netns/$NS_ROUTER" \
		tcpdump -i "$ROUTER_PORT" -B 65536 -s 128 --immediate-mode -U \
		-w "$1" 'icmp6 and (ip6[40] == 135 or ip6[40] == 136)' \
		2>"$1.err" &
	FLOOD_CAP_PID=$!
	BG_PIDS+=("$FLOOD_CAP_PID")
	wait_until 5 grep -q "listening on" "$1.err" ||
		die "tcpdump did not start: $(oneline <"$1.err")"
}

# Stops the capture. Fails, with WHY, when tcpdump lost packets (its
# "dropped by kernel" or "dropped by interface" count is not 0) or did not
# report its counts: a flood's checks then mean nothing.
flood_capture_stop() {
	local dropped
	sleep 0.3
	kill -TERM "$FLOOD_CAP_PID" 2>/dev/null
	wait "$FLOOD_CAP_PID" 2>/dev/null
	bg_forget "$FLOOD_CAP_PID"
	dropped=$(awk '/packets dropped by (kernel|interface)/ { s += $1; n++ }
		END { if (n) print s }' "$FLOOD_CAP_FILE.err")
	WHY="tcpdump on $ROUTER_PORT: $(oneline <"$FLOOD_CAP_FILE.err")"
	[ "${dropped:-x}" = 0 ]
}

# The capture decoded: "NS|NA TIME SEQ TARGET R" a line (see the helper).
flood_records() { # file
	"$STRESS_TOOL" pcap "$1" "$FLOOD_SEQ_NET"
}

# Runs ndpresponder ARGS in the host namespace, its output to LOG, and
# SIGKILLs it USECS after it started: prints "killed - USECS_RUN", or
# "done EXIT USECS_RUN" if it ended first (USECS -1: never killed).
ndpr_kill_at() { # usecs, log, args...
	local us=$1 log=$2
	shift 2
	in_ns "$NS_HOST" "$STRESS_TOOL" runkill "$us" "$log" "$NDPR_BIN" "$@"
}

# Runs ndpresponder ARGS under ptrace and SIGKILLs it right after its Nth
# state-changing system call returned: prints "killed CALL N" (CALL as in
# "bpf:BPF_OBJ_PIN"), or "done EXIT CALLS" if it made fewer.
ndpr_kill_after() { # n, log, args...
	local n=$1 log=$2
	shift 2
	in_ns "$NS_HOST" "$STRESS_TOOL" killsys "$n" "$log" "$NDPR_BIN" "$@"
}

# Runs ndpresponder in the host namespace; sets RC, OUT (stdout), ERR
# (stderr) and ALL (both).
run() { # args...
	OUT=$(ndpr "$@" 2>"$WORK_DIR/stderr")
	RC=$?
	ERR=$(cat "$WORK_DIR/stderr")
	ALL=$(printf '%s\n%s' "$OUT" "$ERR" | sed '/^$/d')
}

# Runs ndpresponder as one check that it succeeds.
ok() { # args...
	run "$@"
	WHY="exit $RC: $ERR"
	check "ndpresponder $*" test "$RC" = 0
}

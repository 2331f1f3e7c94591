# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# shellcheck shell=bash
# Driving ndpresponder in the host namespace, and reading the state it
# leaves: XDP on a link, its counters, its prefixes, its pins.

# ndpresponder in the host namespace.
ndpr() {
	in_ns "$NS_HOST" "$NDPR_BIN" "$@"
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

# Starts ndpresponder ARGS in the host namespace in the background, stdout
# and stderr to LOG; `bg_pid LOG` is its PID, cleanup kills it. Variables
# set before the call (NDPRESPONDER_LOG=DEBUG ndpr_bg ...) reach it.
ndpr_bg() { # log, args...
	local log=$1
	shift
	bg_start "$log" "$NS_HOST" "$NDPR_BIN" "$@"
}

# `run` is serving: it drops every capability but CAP_BPF and CAP_NET_ADMIN
# once attached and reading its event ring, so events from now on are logged.
run_ready() { # pid
	WHY="ndpresponder (pid $1) not serving: CapEff '$(cap_eff "$1")'"
	proc_alive "$1" && [ "$(cap_eff "$1")" = 0000008000001000 ]
}

# Starts `ndpresponder ARGS` in the background, logging to LOG, and waits
# until it serves (a check). RUN_PID is its PID.
start_service() { # name, log, args...
	local name=$1 log=$2
	shift 2
	ndpr_bg "$log" "$@"
	RUN_PID=$(bg_pid "$log")
	wait_until 10 eval 'run_ready "$RUN_PID" || ! proc_alive "$RUN_PID"'
	check "$name: ndpresponder $* starts serving" run_ready "$RUN_PID" ||
		die "ndpresponder $* did not start: $(tail -n 5 "$log" | oneline)"
}

# FILE has a line matching the extended regular expression RE.
log_has() { # file, re
	WHY="no line matching '$2' in $(basename "$1"); last lines: $(tail -n 3 "$1" | oneline)"
	grep -Eq -- "$2" "$1"
}

# Runs ndpresponder ARGS in the host namespace, its output to LOG, and
# SIGKILLs it USECS after it started: prints "killed - USECS_RUN", or
# "done EXIT USECS_RUN" if it ended first (USECS -1: never killed).
ndpr_kill_at() { # usecs, log, args...
	local us=$1 log=$2
	shift 2
	in_ns "$NS_HOST" "$TEST_TOOL" runkill "$us" "$log" "$NDPR_BIN" "$@"
}

# Runs ndpresponder ARGS under ptrace and SIGKILLs it right after its Nth
# state-changing system call returned: prints "killed CALL N" (CALL as in
# "bpf:BPF_OBJ_PIN"), or "done EXIT CALLS" if it made fewer.
ndpr_kill_after() { # n, log, args...
	local n=$1 log=$2
	shift 2
	in_ns "$NS_HOST" "$TEST_TOOL" killsys "$n" "$log" "$NDPR_BIN" "$@"
}

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
	ndpr stats "$UPLINK" --all 2>/dev/null | awk -v n="$1" '$1 == n { print $2 }'
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

# The host's entry of its router (ip hides NOARP entries without "nud all").
gw_entry() {
	ip -n "$NS_HOST" -6 neigh show "$ROUTER_IP" dev "$UPLINK" nud all
}

# The entry is pinned (NOARP) at the router's MAC, or (unpinned) the
# kernel's again with the MAC kept.
gw_pinned() { # [unpinned]
	local e
	e=$(gw_entry)
	WHY="host's ip -6 neigh show $ROUTER_IP dev $UPLINK: '${e:-nothing}'"
	[[ $e == *"lladdr $ROUTER_MAC "* ]] || return 1
	if [ "${1:-}" = unpinned ]; then
		[[ $e != *NOARP* ]]
	else
		[[ $e == *NOARP* ]]
	fi
}

gw_unpinned() {
	gw_pinned unpinned
}

# `prefix list` has PREFIX answered, with COLUMN in its route-check column.
listed_as() { # prefix, off|route|neigh
	local line
	line=$(prefix_line "$1")
	WHY="prefix list: '${line:-no entry $1}'"
	[[ $line =~ ^$1\ +answer\ +$2\  ]]
}

# SIGHUP to RUN_PID, then waits for LOG to have one more line matching RE.
reload_says() { # log, re
	local n
	n=$(grep -cE -- "$2" "$1")
	kill -HUP "$RUN_PID"
	wait_until 5 more_lines "$1" "$2" "$n"
	log_has "$1" "$2"
}

more_lines() { # log, re, n
	[ "$(grep -cE -- "$2" "$1")" -gt "$3" ]
}

# The pin directory of IFACE's responder in network namespace NS:
# ROOT/net-INODE/IFACE, INODE the namespace's (as lsns shows it).
netns_pin_dir() { # ns, iface
	echo "$NDPRESPONDER_PIN_ROOT/net-$(stat -L -c %i "/run/netns/$1")/$2"
}

# The pin directory of the uplink's responder.
host_pin_dir() {
	netns_pin_dir "$NS_HOST" "$UPLINK"
}

# The id of the bpf_link pinned for the uplink, empty if none.
pinned_link_id() {
	bpftool link show pinned "$(host_pin_dir)/link" \
		2>/dev/null | awk -F: 'NR == 1 { print $1 }'
}

# SIGTERM to a background `run`: one check that it exits 0 within 10 s.
sigterm_exits_0() { # name, pid, log
	local rc
	bg_stop "$2" TERM 10
	rc=$?
	WHY="exit status $(bg_status "$rc" 10); log: $(tail -n 3 "$3" | oneline)"
	check "$1: SIGTERM: run exits 0" test "$rc" = 0
}

# Runs a copy of the binary under test from now on: a rebuild while a long
# suite runs cannot swap it.
ndpr_copy_bin() {
	cp "$NDPR_BIN" "$WORK_DIR/ndpresponder" || die "cannot copy $NDPR_BIN"
	NDPR_BIN=$WORK_DIR/ndpresponder
}

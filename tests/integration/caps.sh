#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The capabilities of the systemd unit (its CapabilityBoundingSet=, read
# from packaging/ndpresponder@.service) are enough, and each of them is
# needed. As root with only those: attach, prefix add, stats, status,
# upgrade, detach and announce work, and so does run as the unit runs it
# (reload on SIGHUP, a SIGKILL that leaves the responder answering, a
# restart that adopts it, a SIGTERM that detaches), in Docker mode too.
# Without any one of them, attach or announce fails with one line on
# stderr, exit status 1, and nothing left behind.

. "$(dirname "$0")/lib.sh"

setup_private_mounts "$@"
require ip nsenter setpriv sysctl awk sed
require_built ndpresponder

UNIT=$REPO_DIR/packaging/ndpresponder@.service
PREFIX_A=2001:db8:1::/64
PREFIX_B=2001:db8:2::/64
PREFIX_C=2001:db8:3::/64
ANNOUNCED=2001:db8:1::100
RUN_PID=
ATTACH_NEEDS= # the capabilities whose lack refused attach

# "CAP_BPF CAP_NET_ADMIN" -> "bpf net_admin"
unit_caps() {
	sed -n 's/^CapabilityBoundingSet=//p' "$UNIT" | tr '[:upper:]' '[:lower:]' |
		sed 's/cap_//g'
}

# Runs a command in the host namespace as root, but with only the given
# capabilities, as systemd runs a root service with that bounding set.
with_caps() { # "cap cap ...", command...
	local caps=$1 spec=-all c
	shift
	for c in $caps; do
		spec+=",+$c"
	done
	nsenter --net="/run/netns/$NS_HOST" \
		setpriv --inh-caps=-all --ambient-caps=-all --bounding-set="$spec" \
		"$@"
}

# Runs ndpresponder with CAPS; sets RC, OUT and ERR.
try() { # caps, ndpresponder arguments...
	local caps=$1
	shift
	OUT=$(with_caps "$caps" "$NDPR_BIN" "$@" 2>"$WORK_DIR/stderr")
	RC=$?
	ERR=$(cat "$WORK_DIR/stderr")
}

succeeds() { # ndpresponder arguments...
	try "$CAPS" "$@"
	WHY="exit $RC: $ERR"
	[ "$RC" = 0 ]
}

attached() {
	WHY="no XDP program on $UPLINK, or no link pin"
	[ -n "$(xdp_prog_id "$NS_HOST" "$UPLINK")" ] &&
		[ -e "$(host_pin_dir)/link" ]
}

nothing_left() {
	WHY="XDP mode '$(xdp_mode "$NS_HOST" "$UPLINK")', pins: $(ls -A "$(host_pin_dir)" 2>&1 | oneline)"
	[ "$(xdp_mode "$NS_HOST" "$UPLINK")" = none ] &&
		[ ! -e "$(host_pin_dir)" ] &&
		! allmulti_on "$NS_HOST" "$UPLINK"
}

# Without CAP, the operation that needs it is refused: exit 1, one line on
# stderr, nothing left behind. Each capability of the unit must be needed
# by attach (the program, the link, all-multicast) or announce (a packet
# socket, as Docker mode uses).
refused_without() { # cap
	local caps c op

	caps=$(for c in $CAPS; do [ "$c" != "$1" ] && echo "$c"; done)
	for op in attach announce; do
		case $op in
		attach) try "$caps" attach "$UPLINK" "$PREFIX_A" ;;
		announce) try "$caps" announce "$UPLINK" "$ANNOUNCED" \
			--gateway fe80::1 ;;
		esac
		[ "$RC" = 0 ] || break
	done
	[ "$op" = attach ] && ATTACH_NEEDS+=" $1"
	# announce needs the responder attach left.
	with_caps "$CAPS" "$NDPR_BIN" detach "$UPLINK" >/dev/null 2>&1
	echo "  .. without cap_$1: $op: exit $RC: $ERR"
	WHY="attach and announce work without cap_$1: drop it from $UNIT"
	[ "$RC" != 0 ] || return 1
	WHY="$op: exit $RC, expected 1"
	[ "$RC" = 1 ] || return 1
	WHY="$op: expected one line on stderr, got $(wc -l <<<"$ERR"): $ERR"
	[ -n "$ERR" ] && [ "$(wc -l <<<"$ERR")" = 1 ] || return 1
	WHY="$op: the line does not say what failed and why: $ERR"
	[[ $ERR == "ndpresponder: "* ]] &&
		grep -qi 'not permitted\|permission denied\|needs' <<<"$ERR" ||
		return 1
	nothing_left
}

# Without a CAP attach needs, run fails to start: exit 1, and nothing
# left, not even the interface's pin directory its run lock made.
run_refused_without() { # cap
	local caps c

	caps=$(for c in $CAPS; do [ "$c" != "$1" ] && echo "$c"; done)
	# One that starts, wrongly, is stopped (and detaches) after 10 s.
	ERR=$(with_caps "$caps" timeout 10 "$NDPR_BIN" run -i "$UPLINK" \
		-n "$PREFIX_A" 2>&1 >/dev/null)
	RC=$?
	echo "  .. without cap_$1: run: exit $RC: $(tail -n 1 <<<"$ERR")"
	WHY="run: exit $RC, expected 1: $(oneline <<<"$ERR")"
	[ "$RC" = 1 ] || return 1
	nothing_left
}

# ---- run, as the unit runs it --------------------------------------------

run_start() { # log file, more run arguments...
	local log=$1
	shift
	bg_start "$log" "$NS_HOST" setpriv --inh-caps=-all --ambient-caps=-all \
		--bounding-set="$(printf -- '-all'; printf ',+%s' $CAPS)" \
		"$NDPR_BIN" run -i "$UPLINK" -c "$WORK_DIR/uplink.conf" "$@"
	RUN_PID=$(bg_pid "$log")
}

run_stop() { # signal
	kill -"$1" "$RUN_PID" 2>/dev/null
	bg_join "$RUN_PID"
	RC=$?
}

logged() { # file, text
	WHY="$1 has no \"$2\": $(oneline <"$1")"
	grep -qF -- "$2" "$1"
}

check_run() {
	local log1=$WORK_DIR/run1.log log2=$WORK_DIR/run2.log id

	echo "$PREFIX_A" >"$WORK_DIR/uplink.conf"
	run_start "$log1"
	check "run with the unit's capabilities attaches" \
		wait_until 10 logged "$log1" "attached to $UPLINK"
	check "run applies the config file" \
		wait_until 5 prefix_listed "$PREFIX_A"

	echo "$PREFIX_C" >>"$WORK_DIR/uplink.conf"
	kill -HUP "$RUN_PID"
	check "SIGHUP (systemctl reload) re-reads the config file" \
		wait_until 5 prefix_listed "$PREFIX_C"
	WHY="run exited on SIGHUP"
	check "run keeps running after SIGHUP" kill -0 "$RUN_PID"

	# A crash: the responder stays, and the restart adopts it in place.
	id=$(xdp_prog_id "$NS_HOST" "$UPLINK")
	run_stop KILL
	check "after SIGKILL the responder is still attached" attached
	check "after SIGKILL its prefixes are still there" \
		prefix_listed "$PREFIX_C"
	run_start "$log2"
	check "the restarted run adopts the pinned responder" \
		wait_until 10 logged "$log2" "adopted the responder on $UPLINK"
	WHY="program id was $id, is '$(xdp_prog_id "$NS_HOST" "$UPLINK")'"
	check "the adopted responder is replaced in place" \
		test -n "$(xdp_prog_id "$NS_HOST" "$UPLINK")"
	check "the restarted run keeps the prefixes" prefix_listed "$PREFIX_C"

	run_stop TERM
	WHY="run exited $RC on SIGTERM: $(oneline <"$log2")"
	check "SIGTERM (systemctl stop) stops run with status 0" test "$RC" = 0
	check "SIGTERM detaches and leaves nothing" nothing_left
}

# Docker mode opens its packet socket before dropping CAP_NET_RAW: it must start
# and serve with the unit's capabilities, even while the API is away.
check_run_docker() {
	local log=$WORK_DIR/run-docker.log

	DOCKER_HOST=unix://$WORK_DIR/no-docker.sock run_start "$log" -N ndpr-net
	check "run -N (Docker mode) with the unit's capabilities attaches" \
		wait_until 10 logged "$log" "attached to $UPLINK"
	check "run -N waits for the Docker API" \
		wait_until 5 logged "$log" "Docker"
	sleep 1
	WHY="run -N exited: $(oneline <"$log")"
	check "run -N keeps running with the unit's capabilities" \
		kill -0 "$RUN_PID"
	run_stop TERM
	WHY="run -N exited $RC on SIGTERM: $(oneline <"$log")"
	check "run -N stops on SIGTERM with status 0" test "$RC" = 0
	check "run -N leaves nothing after SIGTERM" nothing_left
}

# ---- main --------------------------------------------------------------

CAPS=$(unit_caps)
[ -n "$CAPS" ] || die "no CapabilityBoundingSet= in $UNIT"
echo "  .. the unit's capabilities: $(oneline <<<"$CAPS")"

netns_add "$NS_HOST"
run_or_die ip -n "$NS_HOST" link add "$UPLINK" type veth peer name peer0
run_or_die ip -n "$NS_HOST" link set "$UPLINK" address "$HOST_MAC"
run_or_die ip -n "$NS_HOST" link set "$UPLINK" up
run_or_die ip -n "$NS_HOST" link set peer0 up

check "with the unit's capabilities: attach" \
	succeeds attach "$UPLINK" "$PREFIX_A"
check "with the unit's capabilities: the program is attached" attached
check "with the unit's capabilities: prefix add" \
	succeeds prefix add "$UPLINK" "$PREFIX_B"
check "with the unit's capabilities: the prefix is listed" \
	prefix_listed "$PREFIX_B"
check "with the unit's capabilities: stats" succeeds stats "$UPLINK"
WHY="no 'received' line: $OUT"
check "with the unit's capabilities: stats prints the counters" \
	grep -q '^received ' <<<"$OUT"
check "with the unit's capabilities: status" succeeds status
check "with the unit's capabilities: upgrade in place" \
	succeeds attach "$UPLINK"
check "with the unit's capabilities: announce" \
	succeeds announce "$UPLINK" "$ANNOUNCED" --gateway fe80::1
check "with the unit's capabilities: detach" succeeds detach "$UPLINK"
check "with the unit's capabilities: detach leaves nothing" nothing_left
for cap in $CAPS; do
	check "without cap_$cap what needs it fails with one line, exit 1, nothing left" \
		refused_without "$cap"
done
for cap in $ATTACH_NEEDS; do
	check "without cap_$cap run fails to start, exit 1, nothing left" \
		run_refused_without "$cap"
done

check_run
check_run_docker
finish

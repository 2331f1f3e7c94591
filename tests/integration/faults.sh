#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Faults: an upgrade in place under a flood of solicitations misses none
# and keeps prefixes and counters; the loader killed at any moment of
# `attach`, of an upgrade, of `prefix sync` and of `detach` (at random
# moments, and right after each of its state-changing system calls) leaves
# the old state, the new one, or one that status reports, and the next
# command repairs it; the uplink deleted, brought back and renamed under
# an attached responder. (A full map is lifecycle.sh's.)
#
# NDPR_FAULT_KILLS sets the number of random kills per command (30).

. "$(dirname "$0")/lib.sh"

setup_private_mounts "$@"
require ip nsenter ndisc6 bpftool tcpdump sysctl awk sed sort comm find \
	timeout wc
require_built
ndpr_copy_bin
topology_up

PIN_ROOT=$NDPRESPONDER_PIN_ROOT
BASE=2001:db8:1::/112
TARGET=2001:db8:1::42		# answered inside BASE
ATTACH=(attach "$UPLINK" "$BASE" -x "$ROUTER_IP/128" -x "$HOST_IP/128")
KILLS=${NDPR_FAULT_KILLS:-30}


lines() { # text
	if [ -z "$1" ]; then
		echo 0
	else
		grep -c . <<<"$1"
	fi
}

pins() {
	find "$PIN_ROOT" -mindepth 1 2>/dev/null
}

# The program the pinned link holds, empty if none is pinned.
link_prog() {
	bpftool link show pinned "$(host_pin_dir)/link" 2>/dev/null | awk 'NR == 1 {
		for (i = 1; i < NF; i++) if ($i == "prog") print $(i + 1) }'
}

# The status line of the uplink's responder, empty if status has none.
# The uplink's status block (its first line and the indented lines under
# it), joined into one line.
status_line() {
	ndpr status 2>/dev/null | awk -v re="^$UPLINK: (attached|NOT ATTACHED|INCOMPLETE)" '
		$0 ~ re { on = 1; line = $0; next }
		on && /^  / { line = line ", " substr($0, 3); next }
		{ on = 0 }
		END { if (line != "") print line }'
}

# "prefix action" of each entry, sorted.
prefixes() {
	ndpr prefix list "$UPLINK" 2>/dev/null | awk 'NR > 1 { print $1, $2 }' | sort
}

# Everything a kill may have left, in OBS_*.
observe() {
	OBS_XDP=$(xdp_prog_id "$NS_HOST" "$UPLINK")
	OBS_LINKPROG=$(link_prog)
	OBS_STATUS=$(status_line)
	case $OBS_STATUS in
	"$UPLINK: attached,"*) OBS_KIND=attached ;;
	*"NOT ATTACHED"*) OBS_KIND=not-attached ;;
	*INCOMPLETE*) OBS_KIND=incomplete ;;
	*) OBS_KIND=none ;;
	esac
	if [ -d "$(host_pin_dir)" ]; then
		OBS_DIR=yes
		OBS_PINS=$(find "$(host_pin_dir)" -mindepth 1 | wc -l)
	else
		OBS_DIR=no
		OBS_PINS=0
	fi
	OBS_ALLMULTI=off
	allmulti_on "$NS_HOST" "$UPLINK" && OBS_ALLMULTI=on
	OBS_PREFIXES=$(prefixes)
}

# What is broken whatever the command killed: an XDP program no pinned
# link holds (nothing could ever detach it), pins status does not list, a
# status that claims what is not, all-multicast left with nothing pinned
# to restore it. Prints the first problem; nothing when all is well.
common_problem() {
	if [ -n "$OBS_XDP" ] && [ "$OBS_LINKPROG" != "$OBS_XDP" ]; then
		echo "XDP program $OBS_XDP on $UPLINK, the pinned link holds '${OBS_LINKPROG:-nothing}'"
	elif [ "$OBS_DIR" = yes ] && [ "$OBS_KIND" = none ]; then
		echo "$OBS_PINS pins in $UPLINK's directory but status has no line for it"
	elif [ "$OBS_KIND" = attached ] && [ -z "$OBS_XDP" ]; then
		echo "status says '$OBS_STATUS' with no XDP on $UPLINK"
	elif [ "$OBS_KIND" = attached ] &&
		[[ $OBS_STATUS != *"program id $OBS_XDP,"* ]]; then
		echo "status '$OBS_STATUS' does not name XDP program $OBS_XDP"
	elif [ "$OBS_DIR" = no ] && [ -n "$OBS_XDP" ]; then
		echo "XDP program $OBS_XDP on $UPLINK without pins"
	elif [ "$OBS_DIR" = no ] && [ "$OBS_ALLMULTI" = on ]; then
		echo "nothing pinned, $UPLINK left all-multicast"
	fi
}

# Failures of a loop, counted per check: the first three are kept.
declare -A BAD=() NBAD=() PHASES=()
bad() { # key, text
	NBAD[$1]=$((${NBAD[$1]:-0} + 1))
	[ "${NBAD[$1]}" -le 3 ] && BAD[$1]+="${BAD[$1]:+ | }$2"
}
report() { # key, check name
	WHY="${NBAD[$1]:-0} times: ${BAD[$1]:-}"
	check "$2" test "${NBAD[$1]:-0}" = 0
}
phase() { # loop, phase
	PHASES[$1]+="$2"$'\n'
}
# Prints how many kills of a loop landed in each phase.
phases_report() { # loop
	echo "$1: where the kills landed: $(printf '%s' "${PHASES[$1]}" |
		sort | uniq -c | sort -rn |
		awk '{ n = $1; $1 = ""; printf "%s%d%s", s, n, $0; s = ", " }')"
}

# Back to nothing attached, whatever a failed iteration left.
force_clean() {
	ndpr detach "$UPLINK" >/dev/null 2>&1
	ip -n "$NS_HOST" link set dev "$UPLINK" xdp off 2>/dev/null
	ip -n "$NS_HOST" link set dev "$UPLINK" allmulticast off
	rm -rf "$(host_pin_dir)"
}

# A random delay in microseconds, 0 to MAX.
random_us() { # max
	echo $((((RANDOM << 15) | RANDOM) % ($1 + 1)))
}

# The median of three unkilled runs of a command, in microseconds, and
# how many state-changing system calls it makes: DUR_US and CALLS. SETUP
# (a shell command) runs before each.
measure() { # setup, args...
	local setup=$1 i out us=()
	shift
	for i in 1 2 3; do
		eval "$setup"
		out=$(ndpr_kill_at -1 "$WORK_DIR/measure.log" "$@")
		[[ $out == "done 0 "* ]] ||
			die "ndpresponder $* failed: $out $(oneline <"$WORK_DIR/measure.log")"
		us+=("${out##* }")
	done
	DUR_US=$(printf '%s\n' "${us[@]}" | sort -n | sed -n 2p)
	eval "$setup"
	out=$(ndpr_kill_after 1000000000 "$WORK_DIR/measure.log" "$@")
	[[ $out == "done 0 "* ]] ||
		die "ndpresponder $* failed under ptrace: $out $(oneline <"$WORK_DIR/measure.log")"
	CALLS=${out##* }
}

# Kills a command "at USECS" after it started or "after N" state-changing
# system calls. KILLED is the helper's verdict, KILL_LOG the command's
# output, WHERE says where the kill landed, for messages.
kill_cmd() { # at|after, value, args...
	local how=$1 v=$2 verdict
	shift 2
	KILL_LOG=$WORK_DIR/killed.log
	if [ "$how" = at ]; then
		KILLED=$(ndpr_kill_at "$v" "$KILL_LOG" "$@")
		WHERE="'$*' killed at $v us"
	else
		KILLED=$(ndpr_kill_after "$v" "$KILL_LOG" "$@")
		WHERE="'$*' killed after call #$v"
		read -ra verdict <<<"$KILLED"
		[ "${verdict[0]}" = killed ] && WHERE+=", ${verdict[1]}"
	fi
	[[ $KILLED == done* ]] && WHERE+=" (it ended first: exit ${KILLED#done })"
}

# Runs ONCE (a function: loop, at|after, value) KILLS times as loop
# kill-NAME with a kill at a random moment of the command's USECS, then as
# loop sweep-NAME with a kill after each system call numbered in CALLS.
kill_sweep() { # name, once, usecs, calls...
	local name=$1 once=$2 us=$3 i n
	shift 3
	for ((i = 0; i < KILLS; i++)); do
		"$once" "kill-$name" at "$(random_us "$us")"
	done
	phases_report "kill-$name"
	for n; do
		"$once" "sweep-$name" after "$n"
	done
	phases_report "sweep-$name"
}

# ---- captured answers ---------------------------------------------------

# Checks the router flag of answers against WINDOWS, lines "START END R
# LABEL..." (CLOCK_REALTIME seconds, in order, not overlapping): the
# answer to a solicitation sent at or after START and captured by END
# must carry R. Prints a summary, with the first windows that failed.
r_flags_match() { # records, windows, first
	awk -v first="$3" '
		FNR == NR {
			ws[++nw] = $1; we[nw] = $2; wr[nw] = $3
			$1 = $2 = $3 = ""; lab[nw] = substr($0, 4); next
		}
		$3 < first { next }
		$1 == "NS" { t[$3] = $2; next }
		$1 == "NA" && ($3 in t) {
			# the last window starting at or before the solicitation
			lo = 0; hi = nw
			while (lo < hi) {
				mid = int((lo + hi + 1) / 2)
				if (ws[mid] <= t[$3]) lo = mid; else hi = mid - 1
			}
			if (!lo || $2 > we[lo])
				next
			checked++
			if ($5 != wr[lo] && !(lo in badw)) {
				badw[lo] = 1; nbadw++
				if (nbadw <= 3)
					ex = ex sprintf("; %s: status says router %s, answers have R=%d",
						lab[lo], wr[lo] ? "on" : "off", $5)
			}
			if ($5 != wr[lo])
				bad++
		}
		END {
			printf "%d answers in %d windows checked", checked, nw
			if (bad) printf ", %d answers in %d windows with the other R flag%s", bad, nbadw, ex
			print ""
			exit (bad || !checked)
		}' "$2" "$1"
}

router_claim() { # status line: 1 if it says router on, 0 if off
	case $1 in
	*"router on"*) echo 1 ;;
	*"router off"*) echo 0 ;;
	*) echo x ;;
	esac
}

# ---- upgrade under a flood ----------------------------------------------
echo "-- upgrade under a flood (at ${SECONDS} s)"

ok "${ATTACH[@]}"
EXPECTED=$(prefixes)
LINK0=$(pinned_link_id)
PROG0=$(xdp_prog_id "$NS_HOST" "$UPLINK")
answered0=$(counter answered)
received0=$(counter received)

RATE=20000
N_UP=100000			# 5 s
CAP=$WORK_DIR/upgrade.pcap
WINDOWS=$WORK_DIR/upgrade.windows
: >"$WINDOWS"
flood_capture_start "$CAP" 60
flood_start "$CAP.flood" 1 "$N_UP" "$RATE" "$TARGET"
t_last=0
r_last=1
sleep 0.5
upgrades=0
upgrade_errs=
prev=
# An upgrade keeps what it is not given: --router turns R back on.
for flags in --no-router --router --no-router --router --no-router --router; do
	t0=$EPOCHREALTIME
	echo "$t_last $t0 $r_last after attach ${prev:-$UPLINK}" >>"$WINDOWS"
	prev="$UPLINK $flags"
	# shellcheck disable=SC2086 # no flag at all when empty
	run attach "$UPLINK" $flags
	t_last=$EPOCHREALTIME
	r_last=1
	[ "$flags" = --no-router ] && r_last=0
	if [ "$RC" = 0 ] && [[ $ERR == *"upgraded"* || $OUT == *"upgraded"* ]]; then
		upgrades=$((upgrades + 1))
	else
		upgrade_errs+="attach $flags: exit $RC: $ERR; "
	fi
	sleep 0.5
done
echo "$t_last 9999999999 $r_last after attach $prev" >>"$WINDOWS"
WHY="${upgrade_errs}"
check "upgrade under flood: 6 upgrades in place, each exit 0" \
	test "$upgrades" = 6
check "upgrade under flood: $N_UP solicitations sent at $RATE/s" flood_wait "$CAP.flood"
check "upgrade under flood: the capture holds every answer given, lost nothing" flood_capture_stop "$CAP"
flood_records "$CAP" >"$CAP.txt"
check_summary "upgrade under flood: every solicitation answered exactly once" \
	all_answered "$CAP.txt" 1 "$N_UP"
check_summary "upgrade under flood: R flag of each answer as the last attach set it" \
	r_flags_match "$CAP.txt" "$WINDOWS" 1
WHY="prefix list before: $(oneline <<<"$EXPECTED"); after: $(prefixes | oneline)"
check "upgrade under flood: prefixes unchanged" test "$(prefixes)" = "$EXPECTED"
now=$(pinned_link_id)
WHY="pinned link was $LINK0, is '$now'"
check "upgrade under flood: same bpf_link" test "$now" = "$LINK0"
now=$(xdp_prog_id "$NS_HOST" "$UPLINK")
WHY="XDP program was $PROG0, is '$now'"
check "upgrade under flood: a new program on $UPLINK" \
	test -n "$now" -a "$now" != "$PROG0"
check "upgrade under flood: answered counter kept and rose by >= $N_UP" \
	counter_rose answered "$answered0" "$N_UP"
check "upgrade under flood: received counter kept and rose by >= $N_UP" \
	counter_rose received "$received0" "$N_UP"
a=$(($(counter answered) - answered0))
WHY="answered rose by $a for $N_UP solicitations"
check "upgrade under flood: answered rose by exactly $N_UP" test "$a" = "$N_UP"
ok detach "$UPLINK"

# ---- attach killed ------------------------------------------------------
echo "-- attach killed (at ${SECONDS} s)"

# A fresh attach killed: the state it left is nothing yet, or what status
# reports (INCOMPLETE, NOT ATTACHED), or complete; an attached program
# has all its prefixes. Then attach repairs, and detach removes it all.
attach_phase() {
	if [[ $KILLED == done* ]]; then
		echo "ended before the kill"
	elif [ -n "$OBS_XDP" ] && [ "$OBS_KIND" = attached ]; then
		echo "attached and recorded"
	elif [ -n "$OBS_XDP" ]; then
		echo "attached, not recorded ($OBS_KIND)"
	elif [ "$OBS_DIR" = no ]; then
		echo "nothing done"
	elif [ "$OBS_PINS" = 0 ]; then
		echo "empty pin directory ($OBS_KIND)"
	elif [ "$OBS_KIND" = incomplete ]; then
		echo "maps being pinned"
	else
		echo "maps pinned, no link ($OBS_KIND)"
	fi
}

attach_killed_once() { # loop, how, value
	local loop=$1 p
	kill_cmd "$2" "$3" "${ATTACH[@]}"
	observe
	PH=$(attach_phase)
	phase "$loop" "$PH"
	if [[ $KILLED == done* ]] && [[ $KILLED != "done 0 "* ]]; then
		bad "$loop.state" "$WHERE: attach failed: $KILLED $(oneline <"$KILL_LOG")"
	fi
	p=$(common_problem)
	[ -n "$p" ] && bad "$loop.state" "$WHERE: $p"
	if [ -n "$OBS_XDP" ] && [ "$OBS_PREFIXES" != "$EXPECTED" ]; then
		bad "$loop.state" "$WHERE: program attached with prefixes $(oneline <<<"$OBS_PREFIXES")"
	fi

	run "${ATTACH[@]}"
	observe
	if [ "$RC" != 0 ]; then
		bad "$loop.repair" "$WHERE ($PH): attach: exit $RC: $ERR"
	elif [ "$OBS_KIND" != attached ] || [[ $OBS_STATUS != *"native mode"* ]]; then
		bad "$loop.repair" "$WHERE: after attach ($OUT$ERR) status says '$OBS_STATUS', expected attached, native mode"
	elif [ -z "$OBS_XDP" ] || [ "$OBS_LINKPROG" != "$OBS_XDP" ] ||
		[ "$OBS_ALLMULTI" != on ] || [ "$OBS_PREFIXES" != "$EXPECTED" ]; then
		bad "$loop.repair" "$WHERE: after attach: XDP '$OBS_XDP', link holds '$OBS_LINKPROG', all-multicast $OBS_ALLMULTI, prefixes $(oneline <<<"$OBS_PREFIXES")"
	elif ! ndisc_answers "$TARGET" "$HOST_MAC"; then
		bad "$loop.repair" "$WHERE: after attach: $WHY"
	fi

	run detach "$UPLINK"
	observe
	if [ "$RC" != 0 ] || [ "$OBS_DIR" = yes ] || [ -n "$OBS_XDP" ] ||
		[ "$OBS_ALLMULTI" = on ]; then
		bad "$loop.detach" "$WHERE ($PH): detach exit $RC ($ERR): pins $OBS_PINS, XDP '$OBS_XDP', all-multicast $OBS_ALLMULTI"
		force_clean
	fi
}

measure 'ndpr detach "$UPLINK" >/dev/null 2>&1' "${ATTACH[@]}"
ndpr detach "$UPLINK" >/dev/null
ATTACH_US=$DUR_US
ATTACH_CALLS=$CALLS
echo "attach: $ATTACH_US us (median of 3), $ATTACH_CALLS state-changing system calls"
kill_sweep attach attach_killed_once "$ATTACH_US" $(seq "$ATTACH_CALLS")
report kill-attach.state "attach killed at $KILLS random moments: old, new or reported state, nothing orphaned"
report kill-attach.repair "attach killed at random moments: the next attach repairs (attached, native mode, prefixes, all-multicast, answers)"
report kill-attach.detach "attach killed at random moments: then detach leaves nothing (pins, XDP, all-multicast)"
report sweep-attach.state "attach killed after each of its $ATTACH_CALLS state-changing system calls: old, new or reported state, nothing orphaned"
report sweep-attach.repair "attach killed after each system call: the next attach repairs (attached, native mode, prefixes, all-multicast, answers)"
report sweep-attach.detach "attach killed after each system call: then detach leaves nothing (pins, XDP, all-multicast)"

# ---- upgrade killed, under a flood ---------------------------------------
echo "-- upgrade killed, under a flood (at ${SECONDS} s)"

# An upgrade killed: the program stays attached under the same link with
# every prefix, status tells the options the live program has (checked
# on the answers: the R flag), and every solicitation is answered.
ok "${ATTACH[@]}"
LINK0=$(pinned_link_id)
CAP=$WORK_DIR/upgrade-kill.pcap
WINDOWS=$WORK_DIR/upgrade-kill.windows
: >"$WINDOWS"
FIRST=1000001
# A bound far past the flood (200 s at most) and the sweep, even on a
# loaded machine: a capture that ends by itself cuts the flood short.
flood_capture_start "$CAP" 1800
flood_start "$CAP.flood" "$FIRST" 1000000 5000 "$TARGET"
r_now=1			# as the last completed attach set it
t_now=$EPOCHREALTIME	# since when

upgrade_killed_once() { # loop, how, value
	local loop=$1 flags=(--router) r_new=1 r_claim t_end t_rep p
	if [ "$r_now" = 1 ]; then
		flags=(--no-router)
		r_new=0
	fi
	echo "$t_now $EPOCHREALTIME $r_now before the next kill" >>"$WINDOWS"
	kill_cmd "$2" "$3" attach "$UPLINK" "${flags[@]}"
	t_end=$EPOCHREALTIME
	observe
	r_claim=$(router_claim "$OBS_STATUS")
	if [[ $KILLED == done* ]]; then
		phase "$loop" "ended before the kill"
	elif [ "$r_claim" = "$r_new" ]; then
		phase "$loop" "new options recorded"
	else
		phase "$loop" "old options recorded"
	fi
	if [[ $KILLED == done* ]] && [[ $KILLED != "done 0 "* ]]; then
		bad "$loop.state" "$WHERE: attach failed: $KILLED $(oneline <"$KILL_LOG")"
	fi
	p=$(common_problem)
	[ -n "$p" ] && bad "$loop.state" "$WHERE: $p"
	if [ "$OBS_KIND" != attached ] || [ -z "$OBS_XDP" ] ||
		[ "$(pinned_link_id)" != "$LINK0" ] ||
		[ "$OBS_PREFIXES" != "$EXPECTED" ]; then
		bad "$loop.state" "$WHERE: status '$OBS_STATUS', XDP '$OBS_XDP', link $(pinned_link_id) (was $LINK0), prefixes $(oneline <<<"$OBS_PREFIXES")"
	fi
	t_rep=$EPOCHREALTIME
	# Nothing changes the program from the kill to the next attach:
	# its answers must carry the R flag status shows.
	echo "$t_end $t_rep $r_claim after $WHERE" >>"$WINDOWS"

	run attach "$UPLINK" "${flags[@]}"
	observe
	if [ "$RC" != 0 ] || [ "$OBS_KIND" != attached ] ||
		[ "$(router_claim "$OBS_STATUS")" != "$r_new" ] ||
		[[ $OBS_STATUS != *"native mode"* ]]; then
		bad "$loop.repair" "$WHERE: attach ${flags[*]}: exit $RC ($ERR), status '$OBS_STATUS'"
	fi
	r_now=$r_new
	t_now=$EPOCHREALTIME
}

measure "" attach "$UPLINK"
echo "upgrade: $DUR_US us (median of 3), $CALLS state-changing system calls"
kill_sweep upgrade upgrade_killed_once "$DUR_US" $(seq "$CALLS")
check "upgrade killed: the flood's solicitations all sent" flood_stop "$CAP.flood"
check "upgrade killed: the capture holds every answer given, lost nothing" flood_capture_stop "$CAP"
flood_records "$CAP" >"$CAP.txt"
report kill-upgrade.state "upgrade killed at $KILLS random moments: still attached, same link, every prefix"
report kill-upgrade.repair "upgrade killed at random moments: the next attach repairs (native mode, its options)"
report sweep-upgrade.state "upgrade killed after each of its $CALLS state-changing system calls: still attached, same link, every prefix"
report sweep-upgrade.repair "upgrade killed after each system call: the next attach repairs (native mode, its options)"
check_summary "upgrade killed: every solicitation of the flood answered exactly once" \
	all_answered "$CAP.txt" "$FIRST"
check_summary "upgrade killed: after each kill, answers carry the R flag status shows" \
	r_flags_match "$CAP.txt" "$WINDOWS" "$FIRST"
WHY="prefix list before: $(oneline <<<"$EXPECTED"); after: $(prefixes | oneline)"
check "upgrade killed: prefixes unchanged" test "$(prefixes)" = "$EXPECTED"

# ---- prefix sync killed --------------------------------------------------
echo "-- prefix sync killed (at ${SECONDS} s)"

# Two sets sharing 24 entries (BASE, its excludes, 20 /128s, a /120),
# each with 2000 /128s and 50 /120s of its own; a kill moves between them.
{
	echo "$BASE"
	echo "exclude $ROUTER_IP/128"
	echo "exclude $HOST_IP/128"
	for i in $(seq 1 20); do printf '2001:db8:1::c:%x\n' "$i"; done
	printf '2001:db8:1::c0:0/120\n'
} >"$WORK_DIR/kept"
make_set() { # letter
	cat "$WORK_DIR/kept"
	for i in $(seq 1 2000); do printf "2001:db8:1::$1:%x\n" "$i"; done
	for i in $(seq 1 50); do printf "2001:db8:1:0:$1::%x00/120\n" "$i"; done
}
make_set a >"$WORK_DIR/A"
make_set b >"$WORK_DIR/B"
KEPT_T=2001:db8:1::c:1
ok prefix sync "$UPLINK" "$WORK_DIR/A"
SET_A=$(prefixes)
ok prefix sync "$UPLINK" "$WORK_DIR/B"
SET_B=$(prefixes)
KEPT=$(comm -12 <(echo "$SET_A") <(echo "$SET_B"))
UNION=$(sort -u <(echo "$SET_A") <(echo "$SET_B"))
WHY="A: $(lines "$SET_A") entries, B: $(lines "$SET_B"), both: $(lines "$KEPT")"
check "prefix sync: the two sets listed (2074 entries each, 24 shared)" \
	test "$(lines "$SET_A")" = 2074 -a "$(lines "$SET_B")" = 2074 -a \
	"$(lines "$KEPT")" = 24

# Solicitations for two kept targets (one /128, one in BASE) all along.
CAP=$WORK_DIR/sync-kill.pcap
FIRST=3000001
# A bound far past the flood (250 s at most) and the sweep, as above.
flood_capture_start "$CAP" 1800
flood_start "$CAP.flood" "$FIRST" 1000000 4000 "$KEPT_T" "$TARGET"

sync_killed_once() { # loop, how, value
	local loop=$1 from to set_from set_to got warn_list warn_status p mixed
	if [ "$CUR" = A ]; then
		from=A to=B set_from=$SET_A set_to=$SET_B
	else
		from=B to=A set_from=$SET_B set_to=$SET_A
	fi
	kill_cmd "$2" "$3" prefix sync "$UPLINK" "$WORK_DIR/$to"
	got=$(prefixes)
	warn_list=$(ndpr prefix list "$UPLINK" 2>&1 >/dev/null)
	warn_status=$(ndpr status 2>&1 | grep -i "sync was cut short")
	mixed=yes
	[ "$got" = "$set_from" ] || [ "$got" = "$set_to" ] && mixed=no
	if [[ $KILLED == done* ]]; then
		phase "$loop" "ended before the kill"
		[[ $KILLED != "done 0 "* ]] &&
			bad "$loop.state" "$WHERE: sync failed: $KILLED $(oneline <"$KILL_LOG")"
	elif [ "$got" = "$set_from" ] && [ -z "$warn_status" ]; then
		phase "$loop" "nothing changed"
	elif [ "$got" = "$set_from" ]; then
		phase "$loop" "marked, nothing changed yet"
	elif [ "$got" = "$set_to" ] && [ -n "$warn_status" ]; then
		phase "$loop" "all changed, mark not cleared"
	elif [ "$got" = "$set_to" ]; then
		phase "$loop" "all done"
	elif [ -z "$(comm -23 <(echo "$set_from") <(echo "$got"))" ]; then
		phase "$loop" "adding"
	else
		phase "$loop" "removing"
	fi
	p=$(comm -23 <(echo "$KEPT") <(echo "$got") | head -n 3 | oneline)
	[ -n "$p" ] && bad "$loop.state" "$WHERE: entries both files keep are missing: $p"
	p=$(comm -13 <(echo "$UNION") <(echo "$got") | head -n 3 | oneline)
	[ -n "$p" ] && bad "$loop.state" "$WHERE: entries of neither file: $p"
	if [ "$mixed" = yes ] && { [ -z "$warn_status" ] ||
		[[ $warn_list != *"cut short"* ]]; }; then
		bad "$loop.state" "$WHERE: $(lines "$got") entries, a mix of $from and $to; status: '$warn_status', prefix list: '$warn_list'"
	fi
	observe
	p=$(common_problem)
	[ -n "$p" ] && bad "$loop.state" "$WHERE: $p"
	[ "$OBS_KIND" = attached ] ||
		bad "$loop.state" "$WHERE: status '$OBS_STATUS'"

	run prefix sync "$UPLINK" "$WORK_DIR/$to"
	got=$(prefixes)
	warn_list=$(ndpr prefix list "$UPLINK" 2>&1 >/dev/null)
	warn_status=$(ndpr status 2>&1 | grep -i "sync was cut short")
	if [ "$RC" != 0 ] || [ "$got" != "$set_to" ] || [ -n "$warn_list" ] ||
		[ -n "$warn_status" ]; then
		bad "$loop.repair" "$WHERE: sync $to again: exit $RC ($ERR), $(lines "$got") entries, list says '$warn_list', status '$warn_status'"
		run prefix sync "$UPLINK" "$WORK_DIR/$to"
	fi
	CUR=$to
}

CUR=B
measure 'ndpr prefix sync "$UPLINK" "$WORK_DIR/A" >/dev/null 2>&1' \
	prefix sync "$UPLINK" "$WORK_DIR/B"
echo "prefix sync A -> B: $DUR_US us (median of 3), $CALLS state-changing system calls"
# Every 1/30th of the calls, and the first and last five.
kill_sweep sync sync_killed_once "$DUR_US" $(seq 1 5) \
	$(seq $((CALLS / 30)) $((CALLS / 30)) $((CALLS - 6))) \
	$(seq $((CALLS - 5)) "$CALLS")
check "prefix sync killed: the flood's solicitations all sent" flood_stop "$CAP.flood"
check "prefix sync killed: the capture holds every answer given, lost nothing" flood_capture_stop "$CAP"
report kill-sync.state "prefix sync killed at $KILLS random moments: old or new set, or a mix status and prefix list report; never without an entry both keep"
report kill-sync.repair "prefix sync killed at random moments: the next sync makes the set exact, no warning left"
report sweep-sync.state "prefix sync killed after sampled system calls (of $CALLS): old, new or reported mix; never without an entry both keep"
report sweep-sync.repair "prefix sync killed after sampled system calls: the next sync repairs"
flood_records "$CAP" >"$CAP.txt"
check_summary "prefix sync killed: kept targets $KEPT_T and $TARGET answered all along" \
	all_answered "$CAP.txt" "$FIRST"
ok detach "$UPLINK"

# ---- detach killed -------------------------------------------------------
echo "-- detach killed (at ${SECONDS} s)"

# A detach killed: still attached, or detached with pins status reports,
# or nothing left; the next detach removes the rest (or says there is
# nothing, one line, exit 1), all-multicast restored.
detach_killed_once() { # loop, how, value
	local loop=$1 p had
	run "${ATTACH[@]}"
	if [ "$RC" != 0 ]; then
		bad "$loop.repair" "$2 $3: attach before the kill: exit $RC: $ERR"
		force_clean
		return
	fi
	kill_cmd "$2" "$3" detach "$UPLINK"
	observe
	if [[ $KILLED == done* ]]; then
		phase "$loop" "ended before the kill"
		[[ $KILLED != "done 0 "* ]] &&
			bad "$loop.state" "$WHERE: detach failed: $KILLED $(oneline <"$KILL_LOG")"
	elif [ -n "$OBS_XDP" ]; then
		phase "$loop" "still attached ($OBS_KIND)"
	elif [ "$OBS_DIR" = no ]; then
		phase "$loop" "all removed"
	elif [ "$OBS_KIND" = not-attached ]; then
		phase "$loop" "link detached, pins kept (all-multicast $OBS_ALLMULTI)"
	else
		phase "$loop" "pins being removed ($OBS_KIND)"
	fi
	p=$(common_problem)
	[ -n "$p" ] && bad "$loop.state" "$WHERE: $p"
	if [ -n "$OBS_XDP" ] && [ "$OBS_KIND" != attached ]; then
		bad "$loop.state" "$WHERE: XDP still on, status '$OBS_STATUS'"
	fi
	had=$OBS_DIR

	run detach "$UPLINK"
	observe
	if [ "$had" = yes ] && [ "$RC" != 0 ]; then
		bad "$loop.repair" "$WHERE: detach again: exit $RC: $ERR"
	elif [ "$had" = no ] && { [ "$RC" != 1 ] ||
		[ "$(lines "$ERR")" != 1 ] || [[ $ERR != *"not attached"* ]]; }; then
		bad "$loop.repair" "$WHERE: detach with nothing left: exit $RC, '$ERR' (expected exit 1, one line: not attached)"
	fi
	if [ "$OBS_DIR" = yes ] || [ -n "$OBS_XDP" ] ||
		[ "$OBS_ALLMULTI" = on ] || [ "$OBS_KIND" != none ]; then
		bad "$loop.repair" "$WHERE: after detach again: pins $OBS_PINS, XDP '$OBS_XDP', all-multicast $OBS_ALLMULTI, status '$OBS_STATUS'"
		force_clean
	fi
}

measure 'ndpr "${ATTACH[@]}" >/dev/null 2>&1' detach "$UPLINK"
echo "detach: $DUR_US us (median of 3), $CALLS state-changing system calls"
kill_sweep detach detach_killed_once "$DUR_US" $(seq "$CALLS")
report kill-detach.state "detach killed at $KILLS random moments: old state, or reported, nothing orphaned"
report kill-detach.repair "detach killed at random moments: the next detach cleans up or says there is nothing"
report sweep-detach.state "detach killed after each of its $CALLS state-changing system calls: old state, or reported, nothing orphaned"
report sweep-detach.repair "detach killed after each system call: the next detach cleans up or says there is nothing"
echo "-- kills done (at ${SECONDS} s)"

# ---- the interface deleted, back, renamed -----------------------------------
echo "-- the interface deleted, back, renamed (at ${SECONDS} s)"

# The host's uplink as topology_up made it (the hypervisor's end too).
uplink_create() {
	ip -n "$NS_HV" link add hv-h type veth peer name "$UPLINK" \
		netns "$NS_HOST" &&
		ip -n "$NS_HOST" link set "$UPLINK" address "$HOST_MAC" &&
		ip -n "$NS_HV" link set hv-h master br0 up &&
		ip -n "$NS_HV" link set dev hv-h xdpdrv obj "$XDP_PASS_OBJ" \
			sec xdp &&
		ip -n "$NS_HOST" -6 addr add "$HOST_IP/64" dev "$UPLINK" nodad &&
		ip -n "$NS_HOST" link set "$UPLINK" up &&
		ip -n "$NS_HOST" -6 route replace default via "$ROUTER_IP" \
			dev "$UPLINK" &&
		ip -n "$NS_HOST" -6 neigh replace "$ROUTER_IP" \
			lladdr "$ROUTER_MAC" dev "$UPLINK" nud permanent &&
		wait_until 5 links_up
}

# One line on stderr, exit 1, naming WORD.
refused_naming() { # word, args...
	local word=$1
	shift
	run "$@"
	WHY="exit $RC, stderr '$ERR'"
	[ "$RC" = 1 ] && [ "$(lines "$ERR")" = 1 ] && [[ $ERR == *"$word"* ]]
}

ok "${ATTACH[@]}"
ip -n "$NS_HOST" link del "$UPLINK" || die "cannot delete $UPLINK"
run status
WHY="exit $RC, stdout '$OUT', stderr '$ERR'"
check "deleted: status says $UPLINK NOT ATTACHED, and exits 1" \
	eval '[ "$RC" = 1 ] && [[ $OUT == *"$UPLINK: NOT ATTACHED"* ]]'
run prefix list "$UPLINK"
WHY="exit $RC, stdout '$OUT', stderr '$ERR'"
check "deleted: prefix list still lists the prefixes" \
	eval '[ "$RC" = 0 ] && [[ $OUT == *"$BASE "* ]]'
run stats --all "$UPLINK"
WHY="exit $RC, stderr '$ERR'"
check "deleted: stats still reads the counters" \
	eval '[ "$RC" = 0 ] && [[ $OUT == *answered* ]]'
check "deleted: attach refuses: one line naming $UPLINK" \
	refused_naming "'$UPLINK'" attach "$UPLINK"

uplink_create || die "cannot create $UPLINK again"
run status
WHY="exit $RC, stdout '$OUT', stderr '$ERR'"
check "back: status still says $UPLINK NOT ATTACHED (a new interface), and exits 1" \
	eval '[ "$RC" = 1 ] && [[ $OUT == *"$UPLINK: NOT ATTACHED"* ]]'
check "back: $TARGET not answered" ndisc_unanswered "$TARGET"
run attach "$UPLINK"
WHY="exit $RC, stdout '$OUT', stderr '$ERR'"
check "back: attach works again and says it removed the stale link" \
	eval '[ "$RC" = 0 ] && [[ "$OUT$ERR" == *"stale link"* ]]'
st=$(status_line)
WHY="status: $st"
check "back: status says attached" \
	eval '[[ $st == "$UPLINK: attached, native mode"* ]]'
WHY="prefix list: $(prefixes | oneline)"
check "back: the prefixes kept in the pinned maps" \
	test "$(prefixes)" = "$EXPECTED"
check "back: $TARGET answered" ndisc_answers "$TARGET" "$HOST_MAC"
WHY="$(ip -n "$NS_HOST" link show "$UPLINK" | head -n 1)"
check "back: $UPLINK all-multicast" allmulti_on "$NS_HOST" "$UPLINK"

ip -n "$NS_HOST" link del "$UPLINK" || die "cannot delete $UPLINK"
run detach "$UPLINK"
WHY="exit $RC, stdout '$OUT', stderr '$ERR'; pins: $(pins | oneline)"
check "deleted: detach exits 0, one line, and removes every pin" \
	eval '[ "$RC" = 0 ] && [ "$(lines "$OUT$ERR")" = 1 ] && [ -z "$(pins)" ]'
uplink_create || die "cannot create $UPLINK again"
ok "${ATTACH[@]}"
check "afresh: $TARGET answered" ndisc_answers "$TARGET" "$HOST_MAC"

# Renamed while attached, under a flood: answers go on.
CAP=$WORK_DIR/rename.pcap
FIRST=5000001
flood_capture_start "$CAP" 60
flood_start "$CAP.flood" "$FIRST" 4000 2000 "$TARGET"
sleep 0.5
live=yes
if ! ip -n "$NS_HOST" link set dev "$UPLINK" name up2 2>/dev/null; then
	# Kernels before 6.? rename only a down interface.
	live=no
	ip -n "$NS_HOST" link set dev "$UPLINK" down &&
		ip -n "$NS_HOST" link set dev "$UPLINK" name up2 &&
		ip -n "$NS_HOST" link set dev up2 up ||
		die "cannot rename $UPLINK"
	wait_until 5 eval 'ip -n "$NS_HOST" link show up2 | grep -q LOWER_UP'
fi
check "renamed: the flood's solicitations all sent" flood_wait "$CAP.flood"
check "renamed: the capture holds every answer given, lost nothing" flood_capture_stop "$CAP"
flood_records "$CAP" >"$CAP.txt"
if [ "$live" = yes ]; then
	check_summary "renamed: every solicitation answered across the rename" \
		all_answered "$CAP.txt" "$FIRST" $((FIRST + 3999))
fi
WHY="$(ip -n "$NS_HOST" -d link show up2 | head -n 1)"
check "renamed: XDP stays on up2" test -n "$(xdp_prog_id "$NS_HOST" up2)"
check "renamed: $TARGET answered" ndisc_answers "$TARGET" "$HOST_MAC"
run status
WHY="exit $RC, stdout '$OUT', stderr '$ERR'"
check "renamed: status notes the new name up2" \
	eval '[ "$RC" = 0 ] && [[ $OUT == *"$UPLINK: note: the interface is now named up2"* ]]'
check "renamed: attach up2 refuses: one line naming the pins '$UPLINK'" \
	refused_naming "'$UPLINK'" attach up2
WHY="prefix list: $(prefixes | oneline)"
check "renamed: prefix list $UPLINK still works" test "$(prefixes)" = "$EXPECTED"
run detach "$UPLINK"
WHY="exit $RC, stdout '$OUT', stderr '$ERR'"
check "renamed: detach $UPLINK (the old name) exits 0" test "$RC" = 0
WHY="$(ip -n "$NS_HOST" -d link show up2 | head -n 1)"
check "renamed: no XDP on up2" test -z "$(xdp_prog_id "$NS_HOST" up2)"
check "renamed: all-multicast off again on up2" not allmulti_on "$NS_HOST" up2
WHY="left under the pin root: $(pins | head -n 5 | oneline)"
check "renamed: no pins left" test -z "$(pins)"

finish

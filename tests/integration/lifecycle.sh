#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The responder's life on an interface: attach, status, upgrade in place
# (prefixes, counters and the program on the interface all kept), prefix
# changes on the live responder, refused bad input, concurrent prefix adds,
# and a detach that leaves nothing behind (pins, programs, maps, link, XDP,
# all-multicast as it was).

. "$(dirname "$0")/lib.sh"

suite_up ip nsenter ndisc6 bpftool nft sysctl awk sed sort find diff seq

PREFIX112=2001:db8:1::/112
ADDED=2001:db8:1::1:0/112	# outside PREFIX112
ADDED_T=2001:db8:1::1:100
ADDED_X=2001:db8:1::1:200	# excluded inside ADDED
SYNCED=2001:db8:1::2:0/112
SYNCED_T=2001:db8:1::2:5
PIN_ROOT=$NDPRESPONDER_PIN_ROOT


prog_id() {
	xdp_prog_id "$NS_HOST" "$UPLINK"
}

# The ids of the maps a program uses.
prog_map_ids() { # prog id
	bpftool prog show id "$1" 2>/dev/null |
		sed -n 's/.*map_ids \([0-9,]*\).*/\1/p' | tr ',' ' '
}

# The id of the bpf_link holding a program.
link_of_prog() { # prog id
	bpftool link show 2>/dev/null |
		awk -v p="$1" '/^[0-9]+:/ && $(NF - 1) == "prog" && $NF == p {
			sub(":", "", $1); print $1 }'
}

# The kernel frees objects after the last reference drops, a little later.
gone() { # prog|map|link, id...
	local kind=$1 id
	shift
	for id in "$@"; do
		if bpftool "$kind" show id "$id" >/dev/null 2>&1; then
			WHY="$kind $id still exists: $(bpftool "$kind" show id "$id" | head -n 1)"
			return 1
		fi
	done
}

# Runs ndpresponder: succeeds when it exits 0 and stdout has (or, for
# run_lacks, lacks) TEXT. JSON may escape slashes: backslashes are ignored.
run_has() { # text, args...
	run "${@:2}"
	WHY="$*: exit $RC, stdout '$OUT', stderr '$ERR'"
	[ "$RC" = 0 ] && [[ ${OUT//\\/} == *"$1"* ]]
}

run_lacks() { # text, args...
	run "${@:2}"
	WHY="$*: exit $RC, stdout '$OUT', stderr '$ERR'"
	[ "$RC" = 0 ] && [[ ${OUT//\\/} != *"$1"* ]]
}

# `stats --json` gives the same answered count as `stats`.
stats_json_agrees() {
	local text json
	text=$(counter answered)
	run stats "$UPLINK" --json
	json=$(sed -n 's/.*"answered": *\([0-9]*\).*/\1/p' <<<"$OUT")
	WHY="stats: answered ${text:-?}; stats --json: ${json:-?} (exit $RC: $OUT $ERR)"
	[ -n "$text" ] && [ "$text" = "$json" ] && [ "$text" -gt 0 ]
}

# `stats --per-cpu`: the total of answered is the sum over the CPUs, and
# what plain `stats` says.
stats_per_cpu_adds_up() {
	local text line
	text=$(counter answered)
	run stats "$UPLINK" --per-cpu
	line=$(awk '$1 == "answered"' <<<"$OUT")
	WHY="stats: answered ${text:-?}; stats --per-cpu (exit $RC): '$line'"
	[ "$RC" = 0 ] && [ -n "$text" ] && awk -v t="$text" '
		{ for (i = 3; i <= NF; i++) sum += $i }
		END { exit !($2 == t && sum == t && NF >= 3) }' <<<"$line"
}

# `stats --watch 1` prints the counters again every second.
stats_watch_repeats() {
	local n
	n=$(timeout 2.5 nsenter --net="/run/netns/$NS_HOST" "$NDPR_BIN" \
		stats "$UPLINK" --watch 1 2>&1 | grep -c ', per second over 1s$')
	WHY="stats --watch 1 printed $n intervals in 2.5 s"
	[ "$n" -ge 2 ]
}

bpftool_net_shows() { # prog id
	local net
	net=$(in_ns "$NS_HOST" bpftool net show dev "$UPLINK" 2>&1)
	WHY="bpftool net show dev $UPLINK: $(oneline <<<"$net")"
	grep -q " id $1" <<<"$net"
}

prefix_snapshot() {
	ndpr prefix list "$UPLINK" 2>&1 | sort
}

pins() {
	find "$PIN_ROOT" -mindepth 1 2>/dev/null
}

# Everything a refused command must leave as it was.
state() {
	echo "prog $(prog_id) allmulti $(allmulti_on "$NS_HOST" "$UPLINK" && echo on)"
	echo "ct0 prog $(xdp_prog_id "$NS_HOST" ct0)"
	prefix_snapshot
	pins | sort
}

# --- attach -----------------------------------------------------------

allmulti_on "$NS_HOST" "$UPLINK" &&
	die "$UPLINK is all-multicast before the test"

ok attach "$UPLINK" "$PREFIX112" -x "$ROUTER_IP/128" -x "$HOST_IP/128"
PROG1=$(prog_id)
WHY="ip link shows no XDP program on $UPLINK"
check "attach: XDP program on $UPLINK" test -n "$PROG1" || die "nothing attached"
WHY="$(ip -n "$NS_HOST" link show "$UPLINK" | head -n 1)"
check "attach: $UPLINK all-multicast" allmulti_on "$NS_HOST" "$UPLINK"
WHY="nothing under the pin root $PIN_ROOT"
check "attach: pins under the pin root" test -n "$(pins)"
check "attach: bpftool net shows program $PROG1 on $UPLINK" \
	bpftool_net_shows "$PROG1"
LINK1=$(link_of_prog "$PROG1")
WHY="bpftool link show has no link of program $PROG1"
check "attach: program held by a bpf_link" test -n "$LINK1"
MAPS1=$(prog_map_ids "$PROG1")
WHY="bpftool prog show id $PROG1: no map_ids"
check "attach: program uses maps ($MAPS1)" test -n "$MAPS1"

check "status lists $UPLINK" run_has "$UPLINK" status
check "status --json lists $UPLINK" run_has "\"$UPLINK\"" status --json

check "attached: $CT_IP answered" ndisc_answers "$CT_IP" "$HOST_MAC"
check "stats --json agrees with stats on answered" stats_json_agrees
check "stats --per-cpu sums up to stats" stats_per_cpu_adds_up
check "stats --watch 1 repeats" stats_watch_repeats

# --- upgrade in place -------------------------------------------------

# Samples the interface until told to stop (or 30 s have passed), noting
# any moment without XDP.
xdp_watch() { # stop file, log file
	local n=0
	while [ ! -e "$1" ] && [ "$SECONDS" -lt "$((start + 30))" ]; do
		ip -n "$NS_HOST" link show dev "$UPLINK" | grep -q "prog/xdp" ||
			echo "no XDP at sample $n" >>"$2"
		n=$((n + 1))
	done
	echo "samples $n" >>"$2"
}
start=$SECONDS

answered=$(counter answered)
prefixes=$(prefix_snapshot)
: >"$WORK_DIR/watch.log"
xdp_watch "$WORK_DIR/watch.stop" "$WORK_DIR/watch.log" &
watcher=$!
BG_PIDS+=("$watcher")
sleep 0.2
ok attach "$UPLINK" --no-router --override never
sleep 0.2
touch "$WORK_DIR/watch.stop"
wait "$watcher"
bg_forget "$watcher"

PROG2=$(prog_id)
MAPS2=$(prog_map_ids "$PROG2")
WHY="program on $UPLINK: '$PROG2', before: $PROG1"
check "upgrade: a new program replaced the old one" \
	test -n "$PROG2" -a "$PROG2" != "$PROG1"
WHY="$(grep -v samples "$WORK_DIR/watch.log" | head -n 3 | oneline)"
samples=$(grep samples "$WORK_DIR/watch.log")
check "upgrade: XDP on $UPLINK at every sample ($samples)" \
	not grep -q "no XDP" "$WORK_DIR/watch.log"
LINK2=$(link_of_prog "$PROG2")
WHY="link of the new program: '$LINK2', before: $LINK1"
check "upgrade: same bpf_link, program swapped in place" test "$LINK2" = "$LINK1"
WHY="prefix list before: $(oneline <<<"$prefixes");"
WHY+=" after: $(prefix_snapshot | oneline)"
check "upgrade: prefixes kept" test "$(prefix_snapshot)" = "$prefixes"
check "upgrade: counters kept" counter_rose answered "$answered" 0
check "upgrade: still answering $CT_IP" ndisc_answers "$CT_IP" "$HOST_MAC"
check "upgrade: answered counts on from the old value" \
	counter_rose answered "$answered" 1
check "upgrade: the old program $PROG1 is freed" wait_until 5 gone prog "$PROG1"

# --- prefixes on the live responder -----------------------------------

check "prefix add: $ADDED_T not answered before" ndisc_unanswered "$ADDED_T"
ok prefix add "$UPLINK" "$ADDED"
check "prefix add: $ADDED listed" prefix_listed "$ADDED"
check "prefix add: $ADDED_T answered" ndisc_answers "$ADDED_T" "$HOST_MAC"
ok prefix add "$UPLINK" "$ADDED_X/128" --exclude
check "prefix add --exclude: $ADDED_X/128 listed as exclude" \
	prefix_listed "$ADDED_X/128" exclude
check "prefix add --exclude: $ADDED_X not answered" ndisc_unanswered "$ADDED_X"
check "prefix add --exclude: $ADDED_T still answered" \
	ndisc_answers "$ADDED_T" "$HOST_MAC"
ok prefix del "$UPLINK" "$ADDED"
check "prefix del: $ADDED not listed" prefix_not_listed "$ADDED"
check "prefix del: $ADDED_T not answered" ndisc_unanswered "$ADDED_T"

# Kept: the /112 and both excludes. Dropped: $ADDED_X. New: $SYNCED.
cat >"$WORK_DIR/sync.conf" <<EOF
# the containers
$PREFIX112
exclude $ROUTER_IP/128   # the router
exclude $HOST_IP/128

$SYNCED
EOF
ok prefix sync "$UPLINK" "$WORK_DIR/sync.conf"
check "prefix sync: $PREFIX112 kept" prefix_listed "$PREFIX112"
check "prefix sync: exclude $ROUTER_IP/128 kept" \
	prefix_listed "$ROUTER_IP/128" exclude
check "prefix sync: exclude $HOST_IP/128 kept" \
	prefix_listed "$HOST_IP/128" exclude
check "prefix sync: $SYNCED added" prefix_listed "$SYNCED"
check "prefix sync: $ADDED_X/128 removed" prefix_not_listed "$ADDED_X/128"
WHY="prefix list: $(prefix_snapshot | oneline)"
check "prefix sync: exactly the file's 4 entries" \
	test "$(ndpr prefix list "$UPLINK" | grep -c .)" = 5 # and the header
check "prefix sync: $SYNCED_T answered" ndisc_answers "$SYNCED_T" "$HOST_MAC"
check "prefix sync: $CT_IP still answered" ndisc_answers "$CT_IP" "$HOST_MAC"
check "prefix list --json names $SYNCED" \
	run_has "\"$SYNCED\"" prefix list "$UPLINK" --json

# --- bad input: exit 1, one line on stderr, nothing changed -------------

refused() { # args...
	local before after
	before=$(state)
	run "$@"
	after=$(state)
	WHY="exit $RC, stderr: '$ERR'"
	if [ "$RC" != 1 ]; then
		:
	elif [ "$(printf '%s\n' "$ERR" | grep -c .)" != 1 ]; then
		WHY="expected exactly one line on stderr, got: '$ERR'"
	elif [ "$before" != "$after" ]; then
		WHY="state changed: $(diff <(echo "$before") <(echo "$after") | oneline)"
	else
		WHY=
	fi
	[ -z "$WHY" ]
}

bad() { # args...
	check "refused: ndpresponder $*" refused "$@"
}

bad prefix add "$UPLINK" 2001:db8:9::/129
bad prefix add "$UPLINK" 192.0.2.0/24
bad prefix add "$UPLINK" garbage
bad prefix add "$UPLINK" ff00::/8
bad prefix add "$UPLINK" fe80::/64
bad prefix add "$UPLINK" 2001:db8:9::/64/64
bad prefix del "$UPLINK" 2001:db8:9::/129
bad attach "$UPLINK" 2001:db8:9::/129
bad attach "$UPLINK" --mode turbo
bad attach "$UPLINK" --mac 02:00:zz:00:00:01
bad attach "$UPLINK" --override sometimes
bad attach nosuchif0 2001:db8:9::/64
bad prefix add nosuchif0 2001:db8:9::/64
bad prefix add ct0 2001:db8:9::/64
bad prefix sync "$UPLINK" "$WORK_DIR/no-such-file"
printf '%s\n' "$PREFIX112" "2001:db8:9::/64" "exclude garbage" \
	>"$WORK_DIR/bad.conf"
bad prefix sync "$UPLINK" "$WORK_DIR/bad.conf"

# Another XDP program already on the interface.
ip -n "$NS_HOST" link set dev ct0 xdpdrv obj "$XDP_PASS_OBJ" sec xdp ||
	die "cannot attach xdp_pass to ct0"
bad attach ct0 2001:db8:9::/64
WHY="pins: $(pins | grep ct0)"
check "refused attach over xdp_pass left no ct0 pins" \
	test -z "$(pins | grep ct0)"
ip -n "$NS_HOST" link set dev ct0 xdpdrv off

# Not enough privilege: an unprivileged user, with no capability at all.
unprivileged() { # args...
	local before after
	before=$(state)
	ERR=$(in_ns "$NS_HOST" setpriv --reuid=65534 --regid=65534 \
		--clear-groups --inh-caps=-all "$NDPR_BIN" "$@" 2>&1 >/dev/null)
	RC=$?
	after=$(state)
	WHY="exit $RC, stderr: '$ERR'"
	[ "$RC" = 1 ] && [ "$(printf '%s\n' "$ERR" | grep -c .)" = 1 ] &&
		[ "$before" = "$after" ]
}
check "refused without privilege: attach" \
	unprivileged attach "$UPLINK" 2001:db8:9::/64
check "refused without privilege: prefix add" \
	unprivileged prefix add "$UPLINK" 2001:db8:9::/64
check "refused without privilege: detach" unprivileged detach "$UPLINK"

# A full map: the overflowing command fails, says how to raise the limit,
# and what is there keeps answering. ct0 faces the container namespace;
# generic mode needs no XDP program on its peer.
ok attach ct0 --mode generic --max-prefixes 2 2001:db8:7::1 2001:db8:7::2
before="$(state; ndpr prefix list ct0)"
run prefix add ct0 2001:db8:7::3
WHY="exit $RC, stderr: '$ERR'"
check "full map: prefix add fails with exit 1" test "$RC" = 1
check "full map: one line naming --max-prefixes" \
	test "$(printf '%s\n' "$ERR" | grep -c .)" = 1 -a \
	"$(printf '%s\n' "$ERR" | grep -c -- --max-prefixes)" = 1
WHY="$(diff <(echo "$before") <(state; ndpr prefix list ct0) | oneline)"
check "full map: nothing changed" \
	test "$before" = "$(state; ndpr prefix list ct0)"
WHY="ndisc6 from the container namespace got no answer"
check "full map: entries already there still answered" \
	in_ns "$NS_CT" ndisc6 -1 -n -q -r 2 -w 700 2001:db8:7::2 eth0
before=$(ndpr prefix list ct0)
# Prefix files are regular files (a pipe is refused).
printf '%s\n' 2001:db8:7::1 2001:db8:7::4 2001:db8:7::5 >"$WORK_DIR/full3.conf"
printf '%s\n' 2001:db8:7::1 2001:db8:7::4 >"$WORK_DIR/full2.conf"
run prefix sync ct0 "$WORK_DIR/full3.conf"
WHY="exit $RC, stderr: '$ERR'"
check "full map: sync over the limit fails with exit 1" \
	eval '[ "$RC" = 1 ] && [[ $ERR == *"the map holds"* ]]'
WHY="$(diff <(echo "$before") <(ndpr prefix list ct0) | oneline)"
check "full map: the refused sync changed nothing" \
	test "$before" = "$(ndpr prefix list ct0)"
run prefix sync ct0 "$WORK_DIR/full2.conf"
WHY="exit $RC, stderr: '$ERR'"
check "full map: a sync that fits only by removing first succeeds" \
	test "$RC" = 0
WHY="$(ndpr prefix list ct0 | oneline)"
check "full map: the map holds exactly the file" \
	test "$(ndpr prefix list ct0 | grep -c -e '7::1/128' -e '7::4/128')" = 2
ok detach ct0

# --- two writers at once --------------------------------------------

# 200 distinct /128s under NET, one `prefix add` each; failures logged.
# Inside the on-link /64: the hypervisor drops answers from elsewhere.
add_many() { # net, log
	local i
	for i in $(seq 1 200); do
		ndpr prefix add "$UPLINK" "$(printf '%s%x/128' "$1" "$i")" \
			>/dev/null 2>>"$2" || echo "add $1$i failed" >>"$2"
	done
}

: >"$WORK_DIR/add-a.log"
: >"$WORK_DIR/add-b.log"
add_many 2001:db8:1::a: "$WORK_DIR/add-a.log" &
pid_a=$!
BG_PIDS+=("$pid_a")
add_many 2001:db8:1::b: "$WORK_DIR/add-b.log" &
pid_b=$!
BG_PIDS+=("$pid_b")
wait "$pid_a" "$pid_b"
bg_forget "$pid_a"
bg_forget "$pid_b"
WHY="$(cat "$WORK_DIR/add-a.log" "$WORK_DIR/add-b.log" | head -n 3 | oneline)"
check "concurrent prefix add: all 400 commands succeeded" \
	test ! -s "$WORK_DIR/add-a.log" -a ! -s "$WORK_DIR/add-b.log"
list=$(ndpr prefix list "$UPLINK")
n_a=$(grep -c "2001:db8:1::a:[0-9a-f]*/128" <<<"$list")
n_b=$(grep -c "2001:db8:1::b:[0-9a-f]*/128" <<<"$list")
WHY="listed $n_a of 2001:db8:1::a:N/128 and $n_b of 2001:db8:1::b:N/128"
check "concurrent prefix add: all 400 entries present" \
	test "$n_a" = 200 -a "$n_b" = 200
check "concurrent prefix add: the last one answered" \
	ndisc_answers 2001:db8:1::b:c8 "$HOST_MAC"

# --- detach leaves nothing ----------------------------------------------

ok detach "$UPLINK"
WHY="$(ip -n "$NS_HOST" -d link show "$UPLINK" | head -n 1)"
check "detach: no XDP on $UPLINK" test -z "$(prog_id)"
WHY="$(ip -n "$NS_HOST" link show "$UPLINK" | head -n 1)"
check "detach: all-multicast off again" not allmulti_on "$NS_HOST" "$UPLINK"
WHY="left under the pin root: $(pins | head -n 5 | oneline)"
check "detach: no pins left" test -z "$(pins)"
check "detach: program $PROG2 freed" wait_until 5 gone prog "$PROG2"
# shellcheck disable=SC2086 # lists of ids
check "detach: maps of both programs freed" wait_until 5 gone map $MAPS1 $MAPS2
check "detach: bpf_link $LINK1 freed" wait_until 5 gone link "$LINK1"
check "detach: status no longer lists $UPLINK" run_lacks "$UPLINK" status
check "detach: $CT_IP no longer answered" ndisc_unanswered "$CT_IP"

# --- all-multicast that was on stays on ------------------------------------

ip -n "$NS_HOST" link set dev "$UPLINK" allmulticast on
ok attach "$UPLINK" "$PREFIX112"
ok detach "$UPLINK"
WHY="$(ip -n "$NS_HOST" link show "$UPLINK" | head -n 1)"
check "detach: all-multicast set before attach stays on" \
	allmulti_on "$NS_HOST" "$UPLINK"
WHY="left under the pin root: $(pins | head -n 5 | oneline)"
check "detach: no pins left (second time)" test -z "$(pins)"
ip -n "$NS_HOST" link set dev "$UPLINK" allmulticast off

# --- two attaches at once -----------------------------------------------

# One attaches, the other upgrades (or waits): whichever ends last, the
# live program and the recorded state must agree. --mac tells them apart.
live_mac_is_status_mac() {
	local got st
	got=$(ndisc "$CT_IP")
	st=$(ndpr status 2>&1)
	WHY="ndisc6 got '${got:-no answer}', status says: $st"
	[ -n "$got" ] && [[ ${st,,} == *"${got,,}"* ]]
}

ndpr attach "$UPLINK" "$PREFIX112" --mac 02:00:00:00:aa:01 \
	>"$WORK_DIR/att-a.log" 2>&1 &
pid_a=$!
BG_PIDS+=("$pid_a")
ndpr attach "$UPLINK" "$PREFIX112" --mac 02:00:00:00:aa:02 \
	>"$WORK_DIR/att-b.log" 2>&1 &
pid_b=$!
BG_PIDS+=("$pid_b")
wait "$pid_a"
rc_a=$?
wait "$pid_b"
rc_b=$?
bg_forget "$pid_a"
bg_forget "$pid_b"
WHY="exit $rc_a: $(oneline <"$WORK_DIR/att-a.log"); exit $rc_b: $(oneline <"$WORK_DIR/att-b.log")"
check "concurrent attach: both succeed" test "$rc_a" = 0 -a "$rc_b" = 0
check "concurrent attach: the answers' MAC is the one status shows" \
	live_mac_is_status_mac
ok detach "$UPLINK"
WHY="left under the pin root: $(pins | head -n 5 | oneline)"
check "concurrent attach: detach leaves no pins" test -z "$(pins)"

finish

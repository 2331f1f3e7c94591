#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# An upgrade across a change of the pinned maps' layout: a responder
# attached by the test build of another layout (build/tests/oldlayout,
# bpf/maps.h's NDPR_TEST_OLD_LAYOUT: ndpr_empty not mappable, other entry
# counts of ndpr_counters and ndpr_guards), then attach and run of this
# build over it. Under a numbered flood from the router, every
# solicitation is answered once across the migration, XDP is on the
# uplink at every sample, the program changes under the same link, the
# entries, guards and conflicts are all there, the new maps hold the pins'
# names and the old ones are freed. Killed after each of its last
# state-changing calls, the next attach completes it. Then the failures:
# a pinned map of a layout this version cannot read, and guards more than
# this version's ndpr_guards can hold, each refused, the old responder
# answering with its pins as they were.

. "$(dirname "$0")/lib.sh"

suite_up ndisc6 bpftool tcpdump awk jq
OLD_BIN=$OUT_DIR/tests/oldlayout/ndpresponder
built -x "$OLD_BIN"
ndpr_copy_bin
cp "$OLD_BIN" "$WORK_DIR/ndpresponder-old" || die "cannot copy $OLD_BIN"
OLD_BIN=$WORK_DIR/ndpresponder-old

PREFIX=2001:db8:1::/112
NODE_IP=2001:db8:1::77
HOSTS_NET=2001:db8:1:0:cafe:: # /128 entries: HOSTS_NET + 1..N_HOSTS
N_HOSTS=1000
N_FLOOD=16000
RATE=4000

old() {
	in_ns "$NS_HOST" "$OLD_BIN" "$@"
}

prog_id() {
	xdp_prog_id "$NS_HOST" "$UPLINK"
}

# The ids of the maps a program uses.
prog_map_ids() { # prog id
	bpftool prog show id "$1" 2>/dev/null |
		sed -n 's/.*map_ids \([0-9,]*\).*/\1/p' | tr ',' ' '
}

# The kernel frees objects after the last reference drops, a little later.
maps_gone() { # id...
	local id
	for id; do
		bpftool map show id "$id" >/dev/null 2>&1 || continue
		WHY="map $id still exists: $(bpftool map show id "$id" | head -n 1)"
		return 1
	done
}

# "NAME ID FLAGS" of each pin of a map in the uplink's directory.
pinned_maps() {
	local d f
	d=$(host_pin_dir)
	for f in "$d"/ndpr_*; do
		bpftool map show pinned "$f" 2>/dev/null |
			awk -v n="${f##*/}" 'NR == 1 { sub(":", "", $1)
				for (i = 1; i < NF; i++) if ($i == "flags") f = $(i + 1)
				print n, $1, f }'
	done
}

# The number of entries of a pinned map.
count_of() { # map
	bpftool -j map dump pinned "$(host_pin_dir)/$1" 2>/dev/null | jq length
}

pin_names() {
	ls -A "$(host_pin_dir)" | sort | tr '\n' ' '
}

prefix_snapshot() {
	ndpr prefix list "$UPLINK" 2>&1 | sed 's/, [0-9]* s ago$//' | sort
}

# Samples the uplink until told to stop, noting each program id seen and
# any moment without XDP.
xdp_watch() { # stop file, log file
	local n=0 id
	while [ ! -e "$1" ] && [ "$n" -lt 100000 ]; do
		id=$(prog_id)
		echo "${id:-none}" >>"$2"
		n=$((n + 1))
	done
}

# Attaches the old build with the entries every case starts from: the
# /112, an exclude, a route-checked prefix, N_HOSTS /128s.
old_attach() { # [number of /128s]
	local i args=()
	for i in $(seq 1 "${1:-$N_HOSTS}"); do
		args+=("$HOSTS_NET$(printf '%x' "$i")")
	done
	old attach "$UPLINK" "$PREFIX" "${args[@]}" -x 2001:db8:1::dead \
		>/dev/null &&
		old prefix add "$UPLINK" 2001:db8:1:0:beef::/80 \
			--route-check >/dev/null
}

# ---- the old build's responder ------------------------------------------
echo "-- the test build of another layout attaches"
check "old layout: attach with 1000 /128s, prefixes, an exclude" old_attach
check "old layout: $CT_IP answered" ndisc_answers "$CT_IP" "$HOST_MAC"
WHY="ndpr_empty: $(bpftool map show pinned "$(host_pin_dir)/ndpr_empty" 2>&1 | oneline)"
check "old layout: ndpr_empty pinned with two entries" \
	eval 'bpftool map show pinned "$(host_pin_dir)/ndpr_empty" | grep -q "max_entries 2 "'
# The router shows it owns an address of the /112: its NS for the host,
# sourced from it, makes the program record a conflict.
in_ns "$NS_ROUTER" ip -6 addr add "$NODE_IP/64" dev "$ROUTER_PORT" nodad
in_ns "$NS_ROUTER" ip -6 neigh flush dev "$ROUTER_PORT"
ping_from "$NS_ROUTER" "$NODE_IP" "$HOST_IP"
check "old layout: the conflict for $NODE_IP recorded" \
	wait_until 3 eval 'ndpr prefix list "$UPLINK" | grep -q "^$NODE_IP/128 .*conflict"'
check "old layout: guards of the host's address and gateway" \
	eval 'ndpr prefix list "$UPLINK" | grep -q "^$HOST_IP/128 .*guard"'
N_GUARDS=$(count_of ndpr_guards)
N_PREFIXES=$(count_of ndpr_prefixes)
N_HOSTS_PINNED=$(count_of ndpr_hosts)
before=$(prefix_snapshot)
OLD_PROG=$(prog_id)
OLD_MAPS=$(prog_map_ids "$OLD_PROG")
OLD_PINNED=$(pinned_maps | awk '{ print $2 }' | tr '\n' ' ')
OLD_LINK=$(pinned_link_id)
WHY="pins: $(pin_names)"
check "the old layout pinned ndpr_evtokens, a map this version lacks" \
	test -e "$(host_pin_dir)/ndpr_evtokens"

# ---- attach migrates under a flood ---------------------------------------
echo "-- attach of this build over the old layout, under a flood"
CAP=$WORK_DIR/flood.pcap
capture_start "$NS_ROUTER" "$ROUTER_PORT" "$CAP" 60 -B 65536 -s 128
flood_start "$CAP.flood" 1 "$N_FLOOD" "$RATE" "$CT_IP"
: >"$WORK_DIR/watch.log"
xdp_watch "$WORK_DIR/watch.stop" "$WORK_DIR/watch.log" &
watcher=$!
BG_PIDS+=("$watcher")
sleep 1
run attach "$UPLINK"
sleep 0.5
touch "$WORK_DIR/watch.stop"
wait "$watcher"
bg_forget "$watcher"
WHY="exit $RC: $ALL"
check "attach over the old layout: exit 0" test "$RC" = 0
check "attach: one line says what was migrated, counters restart at 0" \
	eval '[[ $ALL == *"migrated maps of another layout: $N_HOSTS_PINNED hosts, $N_PREFIXES prefixes, $N_GUARDS guards, 1 conflicts, 0 origins; counters restart at 0"* ]]'
check "flood: the sender sent all" flood_wait "$CAP.flood"
read -r sent _ <"$CAP.flood"
check "flood: the capture caught up" wait_until 30 capture_has_all "$CAP" "${sent:-1}"
check "flood: tcpdump lost nothing" capture_end "$CAP"
flood_records "$CAP" >"$CAP.txt"
check_summary "flood: every solicitation across the migration answered once" \
	all_answered "$CAP.txt" 1 "$N_FLOOD"
ids=$(sort -u "$WORK_DIR/watch.log" | tr '\n' ' ')
WHY="program ids sampled on $UPLINK: $ids"
check "XDP on $UPLINK at every sample ($(wc -l <"$WORK_DIR/watch.log"))" \
	not grep -qx none "$WORK_DIR/watch.log"
NEW_PROG=$(prog_id)
WHY="program $NEW_PROG, before $OLD_PROG; sampled: $ids"
check "the program changed, only from the old to the new" \
	test "$NEW_PROG" != "$OLD_PROG" -a "$ids" = "$(printf '%s\n' "$OLD_PROG" "$NEW_PROG" | sort -u | tr '\n' ' ')"
check_is "the same bpf_link holds it" "$(pinned_link_id)" "$OLD_LINK"
WHY="before: $(oneline <<<"$before"); after: $(prefix_snapshot | oneline)"
check "every entry, exclude and guard is there" \
	test "$(prefix_snapshot)" = "$before"
WHY="ndpr_empty: $(bpftool map show pinned "$(host_pin_dir)/ndpr_empty" 2>&1 | oneline)"
check "ndpr_empty is the new layout's (one entry)" \
	eval 'bpftool map show pinned "$(host_pin_dir)/ndpr_empty" | grep -q "max_entries 1 "'
still=
while read -r name id _; do
	[[ " $OLD_PINNED " == *" $id "* ]] && still+="$name($id) "
done < <(pinned_maps)
WHY="pins still naming the old maps: $still"
check "every pin names a new map" test -z "$still"
check_is "no temporary pin, nor the old layout's ndpr_evtokens, is left" \
	"$(pin_names)" \
	"link ndpr_conflicts ndpr_counters ndpr_empty ndpr_events ndpr_guards ndpr_hosts ndpr_monitor ndpr_origins ndpr_prefixes ndpr_state "
# shellcheck disable=SC2086 # the ids, one word each
check "the old maps are freed" wait_until 5 maps_gone $OLD_MAPS $OLD_PINNED
check "$CT_IP answered" ndisc_answers "$CT_IP" "$HOST_MAC"
check "a /128 entry answered" ndisc_answers "${HOSTS_NET}3e8" "$HOST_MAC"
check "the excluded 2001:db8:1::dead not answered" \
	ndisc_unanswered 2001:db8:1::dead
check "the counters restarted" eval '[ "$(counter answered)" -lt "$sent" ]'
run attach "$UPLINK"
WHY="$ALL"
check "a second attach is a plain upgrade (nothing to migrate)" \
	eval '[ "$RC" = 0 ] && [[ $ALL != *migrated* ]]'
ok detach "$UPLINK"

# ---- run migrates ---------------------------------------------------------
echo "-- run of this build over the old layout (the package's restart)"
check "old layout again" old_attach
OLD_PROG=$(prog_id)
start_service "run" "$WORK_DIR/run.log" run -i "$UPLINK" -n "$PREFIX"
check "run: its log says what was migrated" \
	log_has "$WORK_DIR/run.log" "migrated maps of another layout: $N_HOSTS_PINNED hosts"
WHY="program $(prog_id), before $OLD_PROG"
check "run: a new program" test "$(prog_id)" != "$OLD_PROG"
check "run: $CT_IP answered" ndisc_answers "$CT_IP" "$HOST_MAC"
sigterm_exits_0 "run" "$RUN_PID" "$WORK_DIR/run.log"

# ---- killed midway ----------------------------------------------------------
echo "-- a migration killed after each of its last state-changing calls"
# The last calls: the temporary pins, the swap, the renames, the record.
SWEEP=45
check "old layout, 3 /128s" old_attach 3
out=$(ndpr_kill_after 1000000000 "$WORK_DIR/measure.log" attach "$UPLINK")
CALLS=${out##* }
WHY="under ptrace: $out $(oneline <"$WORK_DIR/measure.log")"
check "a migration under ptrace completes ($CALLS calls)" \
	eval '[[ $out == "done 0 "* ]] && [ "$CALLS" -gt "$SWEEP" ]'
bad=
kills=
swept=0
for n in $(seq $((CALLS - SWEEP)) "$CALLS"); do
	ndpr detach "$UPLINK" >/dev/null 2>&1
	old_attach 3 || { bad+="#$n: the old build's attach failed; "; continue; }
	snap=$(prefix_snapshot)
	v=$(ndpr_kill_after "$n" "$WORK_DIR/kill.log" attach "$UPLINK")
	swept=$((swept + 1))
	kills+="$v; "
	[ -n "$(prog_id)" ] || bad+="#$n ($v): no XDP on $UPLINK; "
	ndisc_answers "$CT_IP" "$HOST_MAC" ||
		bad+="#$n ($v): $CT_IP unanswered after the kill; "
	run attach "$UPLINK"
	[ "$RC" = 0 ] || bad+="#$n ($v): the next attach failed: $ERR; "
	[[ $(pin_names) != *ndpr_*-* ]] ||
		bad+="#$n ($v): temporary pins left: $(pin_names); "
	[ "$(prefix_snapshot)" = "$snap" ] ||
		bad+="#$n ($v): entries changed: $(prefix_snapshot | oneline); "
	pinned_maps | grep -q "^ndpr_empty [0-9]* 0x400$" ||
		bad+="#$n ($v): ndpr_empty not the new layout's; "
	ndisc_answers "$CT_IP" "$HOST_MAC" ||
		bad+="#$n ($v): $CT_IP unanswered after the next attach; "
done
WHY=$bad
check "killed after each of the last $swept calls: answering throughout, the next attach completes the migration with every entry" \
	test -z "$bad"
WHY="the kills: $kills"
check "the sweep killed it after a temporary pin, the swap and a rename" \
	eval '[[ $kills == *"BPF_OBJ_PIN"*"BPF_LINK_UPDATE"*"rename"* ]]'
ok detach "$UPLINK"

# Around the swap, the next command is prefix add or detach instead: the
# entry it adds reaches the program, the detach leaves nothing.
swap=$(tr ';' '\n' <<<"$kills" | grep -n BPF_LINK_UPDATE | cut -d: -f1)
swap=$((CALLS - SWEEP + ${swap:-1} - 1))
bad=
for n in $(seq $((swap - 2)) $((swap + 14))); do
	for next in prefix detach; do
		old_attach 3 || { bad+="#$n: the old build's attach failed; "; continue; }
		v=$(ndpr_kill_after "$n" "$WORK_DIR/kill.log" attach "$UPLINK")
		if [ "$next" = prefix ]; then
			run prefix add "$UPLINK" 2001:db8:1::4243
			[ "$RC" = 0 ] && [[ $(pin_names) != *ndpr_*-* ]] &&
				ndisc_answers 2001:db8:1::4243 "$HOST_MAC" ||
				bad+="#$n ($v): prefix add: exit $RC $ERR, $WHY, pins $(pin_names); "
		fi
		run detach "$UPLINK"
		[ "$RC" = 0 ] && [ ! -e "$(host_pin_dir)" ] &&
			[ "$(xdp_mode "$NS_HOST" "$UPLINK")" = none ] ||
			bad+="#$n ($v): $next then detach: exit $RC $ERR, XDP $(xdp_mode "$NS_HOST" "$UPLINK"); "
	done
done
WHY=$bad
check "killed around the swap, then prefix add (the entry answered) or detach (nothing left)" \
	test -z "$bad"

# ---- a layout this version cannot read ------------------------------------
echo "-- a pinned ndpr_origins of a value size this version cannot read"
ok attach "$UPLINK" "$PREFIX"
D=$(host_pin_dir)
rm -f "$D/ndpr_origins"
bpftool map create "$D/ndpr_origins" type array key 4 value 128 \
	entries 256 name ndpr_origins || die "cannot pin a map of another layout"
OLD_PROG=$(prog_id)
OLD_PINS=$(pinned_maps)
run attach "$UPLINK" 2001:db8:1::4242
WHY="exit $RC, stderr '$ERR'"
check "attach: refused with one line naming ndpr_origins's layout" \
	eval '[ "$RC" != 0 ] && [ "$(grep -c . <<<"$ERR")" = 1 ] && [[ $ERR == *ndpr_origins*"cannot read"* ]]'
check_is "the program on $UPLINK unchanged" "$(prog_id)" "$OLD_PROG"
check_is "the pins unchanged" "$(pinned_maps)" "$OLD_PINS"
check "2001:db8:1::4242 not added" prefix_not_listed 2001:db8:1::4242
check "the responder answers $CT_IP" ndisc_answers "$CT_IP" "$HOST_MAC"
ok detach "$UPLINK"

# ---- the failure path -----------------------------------------------------
echo "-- guards the new layout cannot hold: refused, the old responder kept"
# More of the host's own addresses inside an answered prefix than this
# version's ndpr_guards holds (the old layout has room for four times as
# many).
N_OWN=1100
for i in $(seq 1 "$N_OWN"); do
	printf 'addr add 2001:db8:1::%x/64 dev %s nodad\n' $((0x8000 + i)) "$UPLINK"
done >"$WORK_DIR/addrs"
in_ns "$NS_HOST" ip -6 -b "$WORK_DIR/addrs" || die "cannot add addresses"
check "old layout with $N_OWN own addresses in the /112" old_attach
WHY="$(old prefix list "$UPLINK" 2>&1 | grep -c guard) guards listed"
check "old layout: more than 1024 guards" \
	eval '[ "$(old prefix list "$UPLINK" 2>&1 | grep -c "own-address")" -gt 1024 ]'
OLD_PROG=$(prog_id)
OLD_PINS=$(pinned_maps)
OLD_NAMES=$(pin_names)
run attach "$UPLINK"
WHY="exit $RC, stderr '$ERR'"
check "attach: refused with one line naming ndpr_guards, non-zero exit" \
	eval '[ "$RC" != 0 ] && [ "$(grep -c . <<<"$ERR")" = 1 ] && [[ $ERR == *ndpr_guards* ]]'
check_is "the old program still on $UPLINK" "$(prog_id)" "$OLD_PROG"
check_is "the pins as they were" "$(pinned_maps)" "$OLD_PINS"
check_is "no temporary pin left" "$(pin_names)" "$OLD_NAMES"
check "the old responder answers $CT_IP" ndisc_answers "$CT_IP" "$HOST_MAC"
ok detach "$UPLINK"
finish

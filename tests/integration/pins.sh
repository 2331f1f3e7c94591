#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Pins that vanish, pins that collide, pins that are not ours, each the
# way it was found: attach under `ip netns exec` (a private mount
# namespace whose bpffs dies with the command) refused, under `nsenter
# --net` kept; run under `ip netns exec` answering; two namespaces with
# an interface of the same name, each with its own responder; a renamed
# interface whose name a new one took; a symlink planted by an
# unprivileged user on a bpffs mounted without mode=; `detach ""`;
# foreign maps and a foreign XDP link where ours would be pinned; a lock
# held too long.

. "$(dirname "$0")/lib.sh"

suite_up ip nsenter unshare ndisc6 bpftool setpriv flock stat awk
ndpr_copy_bin

PREFIX=2001:db8:1::/112
TARGET=2001:db8:1::100

# A command with the default pin root, as a user on a host runs it.
bare() { # command...
	env -u NDPRESPONDER_PIN_ROOT "$@"
}

# One line on stderr, a non-zero exit, naming WORD.
refused_with() { # word, command...
	local word=$1
	shift
	OUT=$("$@" 2>"$WORK_DIR/stderr")
	RC=$?
	ERR=$(cat "$WORK_DIR/stderr")
	WHY="exit $RC, stdout '$OUT', stderr '$ERR'"
	[ "$RC" != 0 ] && [ "$(printf '%s\n' "$ERR" | grep -c .)" = 1 ] &&
		[[ $ERR == *"$word"* ]]
}

no_trace_on() { # ns, iface
	WHY="$(ip -n "$1" -d link show dev "$2" | head -n 1)"
	[ "$(xdp_mode "$1" "$2")" = none ] && not allmulti_on "$1" "$2"
}

# ---- pins that vanish -----------------------------------------------------
echo "-- ip netns exec: the pins would die with the command"
check "ip netns exec attach: refused, one line saying how to fix it" \
	refused_with "nsenter --net" bare ip netns exec "$NS_HOST" \
	"$NDPR_BIN" attach "$UPLINK" "$PREFIX"
check "ip netns exec attach: no XDP, not all-multicast" \
	no_trace_on "$NS_HOST" "$UPLINK"
check "ip netns exec attach: $TARGET not answered" ndisc_unanswered "$TARGET"
check "ip netns exec run --keep: refused, one line" \
	refused_with "--keep" bare ip netns exec "$NS_HOST" "$NDPR_BIN" run \
	-i "$UPLINK" -n "$PREFIX" --keep
check "ip netns exec run --keep: no XDP, not all-multicast" \
	no_trace_on "$NS_HOST" "$UPLINK"

# A host: PID 1 in a mount namespace with bpffs on /sys/fs/bpf (of its
# own, so the machine's /sys/fs/bpf is never touched), in a PID namespace
# of its own where it is PID 1.
bg_start "$WORK_DIR/init.log" "$NS_HOST" unshare --pid --fork --mount-proc \
	--propagation private sh -c \
	'mount -t bpf -o mode=0700 bpf /sys/fs/bpf && exec sleep 600'
UNSHARE=$(bg_pid "$WORK_DIR/init.log")
wait_until 5 test -s "/proc/$UNSHARE/task/$UNSHARE/children"
INIT=$(awk '{ print $1 }' "/proc/$UNSHARE/task/$UNSHARE/children")
wait_until 5 eval 'grep -q " /sys/fs/bpf bpf " "/proc/$INIT/mounts"' ||
	die "the host's init did not mount its bpffs: $(cat "$WORK_DIR/init.log")"
# A command on that host, in the host's network namespace, with the
# default pin root.
on_host() { # command...
	nsenter -t "$INIT" --pid --mount --net="/run/netns/$NS_HOST" \
		env -u NDPRESPONDER_PIN_ROOT "$@"
}
check "nsenter --net attach: exits 0" \
	on_host "$NDPR_BIN" attach "$UPLINK" "$PREFIX"
check "nsenter --net attach: the responder outlives the command" \
	ndisc_answers "$TARGET" "$HOST_MAC"
WHY="$(on_host find /sys/fs/bpf/ndpresponder 2>&1 | oneline)"
check "nsenter --net attach: pinned in the host's bpffs" \
	on_host test -e "/sys/fs/bpf/ndpresponder/net-$(stat -L -c %i \
	"/run/netns/$NS_HOST")/$UPLINK/link"
check "nsenter --net detach: exits 0" \
	on_host "$NDPR_BIN" detach "$UPLINK"
check "nsenter --net detach: no XDP, not all-multicast" \
	no_trace_on "$NS_HOST" "$UPLINK"
bg_stop "$UNSHARE" KILL 5

echo "-- ip netns exec: run holds its own references"
bg_start "$WORK_DIR/run.log" "$NS_HOST" env -u NDPRESPONDER_PIN_ROOT \
	ip netns exec "$NS_HOST" "$NDPR_BIN" run -i "$UPLINK" -n "$PREFIX"
RUN_PID=$(bg_pid "$WORK_DIR/run.log")
check "ip netns exec run: serving" wait_until 10 run_ready "$RUN_PID"
check "ip netns exec run: $TARGET answered" ndisc_answers "$TARGET" "$HOST_MAC"
sigterm_exits_0 "ip netns exec run" "$RUN_PID" "$WORK_DIR/run.log"
check "ip netns exec run: after SIGTERM, no XDP, not all-multicast" \
	no_trace_on "$NS_HOST" "$UPLINK"

# ---- pins that collide ----------------------------------------------------
echo "-- two namespaces, one interface name"
NS_HOST2=ndpr-host2-$RUN_ID
HOST2_MAC=02:00:00:00:03:03
PREFIX2=2001:db8:1::2:0/112
TARGET2=2001:db8:1::2:5
netns_add "$NS_HOST2"
run_or_die ip -n "$NS_HV" link add hv-h2 type veth peer name "$UPLINK" \
	netns "$NS_HOST2"
run_or_die ip -n "$NS_HOST2" link set "$UPLINK" address "$HOST2_MAC" up
run_or_die ip -n "$NS_HV" link set hv-h2 master br0 up
run_or_die ip -n "$NS_HV" link set dev hv-h2 xdpdrv obj "$XDP_PASS_OBJ" sec xdp
wait_until 5 eval 'ip -n "$NS_HOST2" link show "$UPLINK" | grep -q LOWER_UP'
run2() { # args...
	OUT=$(in_ns "$NS_HOST2" "$NDPR_BIN" "$@" 2>"$WORK_DIR/stderr")
	RC=$?
	ERR=$(cat "$WORK_DIR/stderr")
}

ok attach "$UPLINK" "$PREFIX"
run2 attach "$UPLINK" "$PREFIX2"
WHY="exit $RC, stdout '$OUT', stderr '$ERR'"
check "second namespace: attach $UPLINK exits 0, removes no 'stale link'" \
	eval '[ "$RC" = 0 ] && [[ $OUT$ERR != *stale* ]]'
check "first namespace: $TARGET answered by the first" \
	ndisc_answers "$TARGET" "$HOST_MAC"
check "second namespace: $TARGET2 answered by the second" \
	ndisc_answers "$TARGET2" "$HOST2_MAC"
run prefix list "$UPLINK"
WHY="prefix list: $OUT"
check "first namespace: prefix list shows only its own" \
	eval '[[ $OUT == *"$PREFIX "* ]] && [[ $OUT != *"$PREFIX2"* ]]'
run2 prefix list "$UPLINK"
WHY="prefix list: $OUT"
check "second namespace: prefix list shows only its own" \
	eval '[[ $OUT == *"$PREFIX2 "* ]] && [[ $OUT != *"$PREFIX "* ]]'
NET2=net-$(stat -L -c %i "/run/netns/$NS_HOST2")
run status
WHY="status: $OUT"
check "first namespace: status: its own attached, the other's named by namespace" \
	eval '[[ $OUT == *"$UPLINK: attached"*"pins $(host_pin_dir)"* ]] &&
	[[ $OUT == *"$UPLINK: a responder of another network namespace ($NET2)"* ]] &&
	[[ $OUT != *"NOT ATTACHED"* ]] && [[ $OUT != *"now named"* ]]'
run2 detach "$UPLINK"
WHY="exit $RC: $ERR"
check "second namespace: detach exits 0" test "$RC" = 0
check "second namespace: no XDP, not all-multicast" \
	no_trace_on "$NS_HOST2" "$UPLINK"
check "first namespace: still answering $TARGET" \
	ndisc_answers "$TARGET" "$HOST_MAC"
WHY="$(ip -n "$NS_HOST" -d link show dev "$UPLINK" | head -n 1)"
check "first namespace: still XDP and all-multicast" \
	eval '[ "$(xdp_mode "$NS_HOST" "$UPLINK")" = native ] &&
	allmulti_on "$NS_HOST" "$UPLINK"'

# ---- pins that are not ours ----------------------------------------------
echo "-- what is not ours is never touched"
ROOT=$NDPRESPONDER_PIN_ROOT
NET=net-$(stat -L -c %i "/run/netns/$NS_HOST")
bpftool map create "$ROOT/keepme" type array key 4 value 4 entries 1 \
	name keepme || die "cannot pin a foreign map"
check "detach \"\": refused with one line" \
	refused_with "interface name" in_ns "$NS_HOST" "$NDPR_BIN" detach ""
check "detach \"\": the foreign map in the pin root is still there" \
	test -e "$ROOT/keepme"
check "attach with a 10000-character name: refused with one line" \
	refused_with "not an interface name" in_ns "$NS_HOST" "$NDPR_BIN" \
	attach "$(printf 'x%.0s' $(seq 10000))" "$PREFIX"

# Foreign maps by our names, where ct0's maps would go.
mkdir -m 0700 "$ROOT/$NET/ct0" || die "cannot make ct0's pin directory"
for m in ndpr_prefixes ndpr_hosts; do
	bpftool map create "$ROOT/$NET/ct0/$m" type hash key 4 value 4 \
		entries 4 name keepme || die "cannot pin a foreign $m"
done
check "attach over foreign ndpr_prefixes/ndpr_hosts: refused, one line" \
	refused_with "ndpr_" in_ns "$NS_HOST" "$NDPR_BIN" attach ct0 \
	2001:db8:5::/112
WHY="$(ls -A "$ROOT/$NET/ct0" 2>&1 | oneline)"
check "the failed attach left the foreign maps and their directory" \
	test -e "$ROOT/$NET/ct0/ndpr_prefixes" -a -e "$ROOT/$NET/ct0/ndpr_hosts"
check "the failed attach: no XDP on ct0, not all-multicast" \
	no_trace_on "$NS_HOST" ct0
rm -f "$ROOT/$NET/ct0/ndpr_prefixes" "$ROOT/$NET/ct0/ndpr_hosts"

# A foreign XDP program's link pinned as ct0/link.
FOREIGN=$(in_ns "$NS_HOST" "$TEST_TOOL" xdplink ct0 "$XDP_PASS_OBJ" \
	"$ROOT/$NET/ct0/link") || die "cannot pin a foreign XDP link"
FOREIGN_PROG=$(xdp_prog_id "$NS_HOST" ct0)
check "attach over a foreign pinned XDP link: refused, one line" \
	refused_with "not a link of ndpresponder's" in_ns "$NS_HOST" \
	"$NDPR_BIN" attach ct0 2001:db8:5::/112
WHY="XDP program on ct0: $(xdp_prog_id "$NS_HOST" ct0), was $FOREIGN_PROG"
check "the foreign program still on ct0, its link still pinned" \
	eval '[ "$(xdp_prog_id "$NS_HOST" ct0)" = "$FOREIGN_PROG" ] &&
	[ -e "$ROOT/$NET/ct0/link" ]'
check "detach ct0 with a foreign link: refused, the link left" \
	eval 'refused_with "not a link of ndpresponder" in_ns "$NS_HOST" \
	"$NDPR_BIN" detach ct0 && [ -e "$ROOT/$NET/ct0/link" ] &&
	[ "$(xdp_prog_id "$NS_HOST" ct0)" = "$FOREIGN_PROG" ]'
rm -f "$ROOT/$NET/ct0/link" && rmdir "$ROOT/$NET/ct0"

# An unprivileged user's symlink on a bpffs mounted without mode= (1777).
OPEN=$WORK_DIR/open
mkdir -p "$OPEN" "$WORK_DIR/victim" && chmod 0755 "$WORK_DIR" &&
	mount -t bpf bpf "$OPEN" || die "cannot mount an open bpffs"
touch "$WORK_DIR/victim/precious" "$WORK_DIR/victim/ndpr_hosts" \
	"$WORK_DIR/victim/link"
as_nobody() { # command...
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}
as_nobody mkdir -p "$OPEN/ndpresponder/$NET" &&
	as_nobody ln -s "$WORK_DIR/victim" "$OPEN/ndpresponder/$NET/$UPLINK" ||
	die "nobody cannot plant the link"
for verb in "detach $UPLINK" "status" "prefix list $UPLINK"; do
	# shellcheck disable=SC2086
	check "planted symlink: $verb refused with one line" \
		refused_with "refusing" env NDPRESPONDER_PIN_ROOT="$OPEN/ndpresponder" \
		nsenter --net="/run/netns/$NS_HOST" "$NDPR_BIN" $verb
done
WHY="victim: $(ls -A "$WORK_DIR/victim" | oneline)"
check "planted symlink: the victim's files are all there" \
	test "$(ls -A "$WORK_DIR/victim" | wc -l)" = 3
rm -rf "$OPEN/ndpresponder"
as_nobody ln -s "$WORK_DIR/victim" "$OPEN/ndpresponder" ||
	die "nobody cannot plant the root link"
check "planted root symlink: detach refused with one line" \
	refused_with "link" env NDPRESPONDER_PIN_ROOT="$OPEN/ndpresponder" \
	nsenter --net="/run/netns/$NS_HOST" "$NDPR_BIN" detach "$UPLINK"
check "planted root symlink: the victim's files are all there" \
	test "$(ls -A "$WORK_DIR/victim" | wc -l)" = 3

# ---- a lock held too long -------------------------------------------------
echo "-- a lock held too long"
bg_start "$WORK_DIR/flock.log" "$NS_HOST" flock -o "$ROOT" sleep 60
HOLDER=$(bg_pid "$WORK_DIR/flock.log")
wait_until 5 eval 'grep -q "FLOCK.* $HOLDER " /proc/locks'
t0=$SECONDS
check "prefix add under a held lock: refused naming the holder's pid" \
	refused_with "pid $HOLDER" in_ns "$NS_HOST" "$NDPR_BIN" prefix add \
	"$UPLINK" 2001:db8:1::7:0/112
WHY="waited $((SECONDS - t0)) s"
check "prefix add under a held lock: gave up within 5-8 s" \
	eval '[ $((SECONDS - t0)) -ge 4 ] && [ $((SECONDS - t0)) -le 8 ]'
bg_stop "$HOLDER" TERM 5

# ---- a name a new interface took ------------------------------------------
echo "-- renamed, and a new interface took the name"
run_or_die ip -n "$NS_HOST" link set dev "$UPLINK" down
run_or_die ip -n "$NS_HOST" link set dev "$UPLINK" name uplinkx
run_or_die ip -n "$NS_HOST" link set dev uplinkx up
run_or_die ip -n "$NS_HOST" link add "$UPLINK" type veth peer name upl-peer
run_or_die ip -n "$NS_HOST" link set "$UPLINK" up
run_or_die ip -n "$NS_HOST" link set upl-peer up
wait_until 5 eval 'ip -n "$NS_HOST" link show uplinkx | grep -q LOWER_UP'
OLD_PROG=$(xdp_prog_id "$NS_HOST" uplinkx)
check "attach the new $UPLINK: refused, naming uplinkx" \
	refused_with "uplinkx" in_ns "$NS_HOST" "$NDPR_BIN" attach "$UPLINK"
check "the new $UPLINK: no XDP, not all-multicast" \
	no_trace_on "$NS_HOST" "$UPLINK"
WHY="XDP on uplinkx: $(xdp_prog_id "$NS_HOST" uplinkx), was $OLD_PROG"
check "uplinkx keeps its responder and all-multicast" \
	eval '[ -n "$OLD_PROG" ] &&
	[ "$(xdp_prog_id "$NS_HOST" uplinkx)" = "$OLD_PROG" ] &&
	allmulti_on "$NS_HOST" uplinkx'
check "uplinkx still answers $TARGET" ndisc_answers "$TARGET" "$HOST_MAC"
ok detach "$UPLINK"
check "detach (the old name): uplinkx has no XDP, not all-multicast" \
	no_trace_on "$NS_HOST" uplinkx
WHY="left: $(find "$ROOT" -mindepth 1 | oneline)"
check "nothing of ours left under the pin root" \
	test "$(find "$ROOT" -mindepth 1)" = "$ROOT/keepme"

finish

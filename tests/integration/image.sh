#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The container image (make image, make image-save) run by a real Docker
# engine in the host namespace of the story's topology, as the README
# says to run it (--network host, bpffs and the Docker socket mounted):
#  - it holds the static binary alone; image-save writes a tarball that
#    docker load takes back;
#  - with CAP_BPF, CAP_NET_ADMIN and CAP_PERFMON only (CAP_SYS_ADMIN for
#    the first and the last on an engine that knows neither) it attaches
#    and answers for -n prefixes; without any one of them it exits 1 with
#    one line and leaves nothing; NET_RAW is what announcements need;
#  - with --keep, docker restart leaves no solicitation of a flood
#    unanswered (the new run adopts); docker stop keeps the responder;
#  - without --keep, docker stop detaches and leaves nothing;
#  - -N NETWORK: the containers of a network answered (when the static
#    binary has Docker mode; a SKIP line says so when it has not).

. "$(dirname "$0")/lib.sh"
. "$IT_DIR/lib/dockerd.sh"

suite_up ip nsenter ndisc6 tcpdump timeout awk sed grep mount umount tar \
	ldd make dockerd docker containerd runc containerd-shim-runc-v2 busybox

IMAGE=ndpr-it/ndpresponder:test
BB=ndpr-bb:1
PREFIX=2001:db8:1:0:8::/112
TARGET=2001:db8:1:0:8::1
CAPS= # the least capabilities, once the engine is asked which it knows
STATIC_BIN=$OUT_DIR/static/ndpresponder
N_FLOOD=200000
RATE=4000

[ -x "$STATIC_BIN" ] || die "$STATIC_BIN not built (make static)"
dk_up "$BB"

repo_make() { # make arguments...
	make -C "$REPO_DIR" --no-print-directory OUTPUT="$OUT_DIR" \
		IMAGE="$IMAGE" "$@" >"$WORK_DIR/make.log" 2>&1
}

# ---- the image ------------------------------------------------------------

check "make image builds $IMAGE" repo_make image ||
	die "no image, nothing more to test: $(tail -n 5 "$WORK_DIR/make.log" | oneline)"
entry=$(dk image inspect -f '{{json .Config.Entrypoint}}' "$IMAGE")
check "the image's ENTRYPOINT is ndpresponder run" \
	is ENTRYPOINT "$entry" '["/usr/sbin/ndpresponder","run"]'

# Its files, as a container made of it sees them (Docker adds the
# mount points and /etc/hosts and friends).
id=$(dk create "$IMAGE")
files=$(dk export "$id" | tar -t | grep -v '/$' |
	grep -Ev '^(\.dockerenv|etc/(hostname|hosts|mtab|resolv\.conf)|dev/.*|proc/.*|sys/.*)$')
dk rm "$id" >/dev/null
WHY="files: $(oneline <<<"$files")"
check "the image holds the static binary alone" \
	test "$files" = usr/sbin/ndpresponder
dk export "$(dk create "$IMAGE")" | tar -xO usr/sbin/ndpresponder \
	>"$WORK_DIR/in-image" 2>/dev/null
dk container prune -f >/dev/null
WHY="the image's binary differs from $STATIC_BIN"
check "it is make static's binary" cmp -s "$WORK_DIR/in-image" "$STATIC_BIN"

TAR=$WORK_DIR/image.tar
saved() {
	WHY="$(tail -n 5 "$WORK_DIR/make.log" | oneline)"
	repo_make image-save IMAGE_TAR="$TAR" && test -s "$TAR"
}
check "make image-save writes a tarball" saved
dk rmi "$IMAGE" >/dev/null 2>&1
out=$(dk load -i "$TAR" 2>&1)
WHY="docker load: $out"
check "docker load takes the saved image back" \
	dk image inspect "$IMAGE" >/dev/null 2>&1

# ---- the responder in a container -------------------------------------------

# Runs the image as the README does, detached, with the given capabilities
# only; more arguments are run's.
ct_ndpr() { # name, "CAP CAP ...", run arguments...
	local name=$1 c args=()
	for c in $2; do
		args+=(--cap-add "$c")
	done
	shift 2
	dk run -d --name "$name" --network host --cap-drop ALL "${args[@]}" \
		-v "$WORK_DIR/bpffs:/sys/fs/bpf" \
		-v "$DK/docker.sock:/var/run/docker.sock" \
		"$IMAGE" -i "$UPLINK" "$@" >/dev/null
}

# Runs ndpresponder VERB in the image (another entrypoint), waits for it.
ct_verb() { # "CAP CAP ...", ndpresponder arguments...
	local c args=()
	for c in $1; do
		args+=(--cap-add "$c")
	done
	shift
	dk run --rm --network host --cap-drop ALL "${args[@]}" \
		-v "$WORK_DIR/bpffs:/sys/fs/bpf" \
		--entrypoint /usr/sbin/ndpresponder "$IMAGE" "$@"
}

ct_logged() { # name, text
	WHY="docker logs $1 has no \"$2\": $(dk logs "$1" 2>&1 | tail -n 3 | oneline)"
	dk logs "$1" 2>&1 | grep -qF -- "$2"
}

ct_running() { # name
	[ "$(dk inspect -f '{{.State.Running}}' "$1" 2>/dev/null)" = true ]
}

# The effective capabilities run keeps once serving: CAPS but CAP_PERFMON.
serving_caps() {
	local c m=0
	for c in $CAPS; do
		case $c in
		BPF) m=$((m | 1 << 39)) ;;
		SYS_ADMIN) m=$((m | 1 << 21)) ;;
		NET_ADMIN) m=$((m | 1 << 12)) ;;
		esac
	done
	printf %016x "$m"
}

caps_serving() { # pid
	[ "$(cap_eff "$1")" = "$(serving_caps)" ]
}

# NAME's run serves: it dropped its capabilities (what it does once
# serving) and still runs a second later.
ct_serving() { # name
	local pid
	pid=$(dk inspect -f '{{.State.Pid}}' "$1")
	WHY="$1 (pid $pid): CapEff $(cap_eff "$pid"), expected $(serving_caps)"
	wait_until 10 caps_serving "$pid" || return 1
	sleep 1
	WHY="$1 exited $(ct_exit_code "$1"): $(dk logs "$1" 2>&1 | tail -n 3 | oneline)"
	ct_running "$1"
}

ct_exit_code() { # name
	dk inspect -f '{{.State.ExitCode}}' "$1" 2>/dev/null
}

ct_stopped() { # name
	WHY="$1 still running: $(dk logs "$1" 2>&1 | tail -n 2 | oneline)"
	wait_until 10 not ct_running "$1"
}

attached() {
	[ -n "$(xdp_prog_id "$NS_HOST" "$UPLINK")" ] &&
		[ -e "$(host_pin_dir)/link" ]
}

# No program, no all-multicast, nothing under the pin root: not even the
# directories a run that failed to start made for its run lock.
nothing_left() {
	local pins
	pins=$(find "$NDPRESPONDER_PIN_ROOT" -mindepth 1 2>/dev/null)
	WHY="XDP mode $(xdp_mode "$NS_HOST" "$UPLINK"), left: $(oneline <<<"$pins")"
	[ "$(xdp_mode "$NS_HOST" "$UPLINK")" = none ] && [ -z "$pins" ] &&
		! allmulti_on "$NS_HOST" "$UPLINK"
}

# ---- the least capabilities -------------------------------------------------

# Docker before 23 (Debian 12's 20.10) knows no CAP_BPF or CAP_PERFMON:
# there CAP_SYS_ADMIN stands for both (the kernel's bpf_capable() and
# perfmon_capable() accept it).
if ct_verb "BPF PERFMON" --version >/dev/null 2>&1; then
	CAPS="BPF NET_ADMIN PERFMON"
else
	CAPS="SYS_ADMIN NET_ADMIN"
	echo "  .. Docker $(dk version -f '{{.Server.Version}}') knows no CAP_BPF: CAP_SYS_ADMIN stands for CAP_BPF and CAP_PERFMON"
fi

for c in $CAPS; do
	caps=$(tr ' ' '\n' <<<"$CAPS" | grep -vx "$c" | oneline)
	dk rm -f ndpr-lack >/dev/null 2>&1
	ct_ndpr ndpr-lack "$caps" -n "$PREFIX"
	ct_stopped ndpr-lack
	code=$(ct_exit_code ndpr-lack)
	lines=$(dk logs ndpr-lack 2>&1 | grep -c .)
	WHY="exit ${code:-?}, $lines lines: $(dk logs ndpr-lack 2>&1 | oneline)"
	check "without CAP_$c: exit 1, one line" test "$code" = 1 -a "$lines" = 1
	check "without CAP_$c: nothing left" nothing_left
done
dk rm -f ndpr-lack >/dev/null 2>&1

# ---- --keep: a restart without a gap ---------------------------------------

ct_ndpr ndpr-keep "$CAPS" -n "$PREFIX" --keep ||
	fail "docker run $IMAGE -i $UPLINK -n $PREFIX --keep" "failed"
check "with $CAPS only: attaches to $UPLINK" \
	wait_until 10 ct_logged ndpr-keep "attached to $UPLINK"
check "with $CAPS only: serves (drops its capabilities, runs on)" \
	ct_serving ndpr-keep
check "the container's responder answers for $TARGET" \
	ndisc_answers "$TARGET" "$HOST_MAC"

answered0=$(counter answered)
CAP=$WORK_DIR/flood.pcap
flood_capture_start "$CAP" 120
flood_start "$CAP.flood" 1 "$N_FLOOD" "$RATE" "$TARGET"
sleep 0.5
out=$(dk restart ndpr-keep 2>&1)
WHY="$out"
check "docker restart of the --keep container" test "$out" = ndpr-keep
check "after docker restart, the new run adopts the responder" \
	wait_until 10 ct_logged ndpr-keep "adopted the responder on $UPLINK"
check "after docker restart, it serves" ct_serving ndpr-keep
sleep 1
flood_stop "$CAP.flood"
check "the flood's capture holds every answer given, lost nothing" flood_capture_stop "$CAP"
flood_records "$CAP" >"$CAP.txt"
check_summary "docker restart under a flood: every solicitation answered once" \
	all_answered "$CAP.txt" 1
read -r sent _ <"$CAP.flood"
a=$(($(counter answered) - answered0))
WHY="answered rose by $a for ${sent:-?} solicitations"
check "the answered counter rose by exactly the flood's solicitations" \
	test "$a" = "${sent:-x}"

check "NET_RAW is what announcements need: refused without it" \
	not ct_verb "$CAPS" announce "$UPLINK" "$TARGET"
WHY="announce with NET_RAW failed"
check "... and sent with it" ct_verb "$CAPS NET_RAW" announce "$UPLINK" "$TARGET"

dk stop ndpr-keep >/dev/null
WHY="exit $(ct_exit_code ndpr-keep): $(dk logs ndpr-keep 2>&1 | tail -n 3 | oneline)"
check "docker stop of the --keep container: exit 0" \
	test "$(ct_exit_code ndpr-keep)" = 0
WHY="no XDP program or link pin on $UPLINK"
check "docker stop --keep: the responder stays attached" attached
check "docker stop --keep: $TARGET still answered" \
	ndisc_answers "$TARGET" "$HOST_MAC"
dk rm ndpr-keep >/dev/null

# ---- without --keep: stop detaches -----------------------------------------

ct_ndpr ndpr-plain "$CAPS" -n "$PREFIX"
check "a container without --keep adopts the kept responder" \
	wait_until 10 ct_logged ndpr-plain "adopted the responder on $UPLINK"
dk stop ndpr-plain >/dev/null
WHY="exit $(ct_exit_code ndpr-plain): $(dk logs ndpr-plain 2>&1 | tail -n 3 | oneline)"
check "docker stop: exit 0" test "$(ct_exit_code ndpr-plain)" = 0
check "docker stop without --keep detaches and leaves nothing" nothing_left
check "after docker stop, $TARGET is no longer answered" \
	ndisc_unanswered "$TARGET"
dk rm ndpr-plain >/dev/null

# ---- -N: the containers of a network ----------------------------------------

NET=ndpr-img
CT_ADDR=2001:db8:1:0:9::10
# (asked where nothing can be attached: the container namespace, no such
# interface)
if in_ns "$NS_CT" "$STATIC_BIN" run -i ndpr-none -N x 2>&1 |
	grep -q "no Docker mode"; then
	echo "SKIP: -N in the image: $STATIC_BIN has no Docker mode yet"
else
	dk network create --ipv6 --subnet 2001:db8:1:0:9::/112 "$NET" >/dev/null ||
		fail "docker network create $NET" "failed"
	ct_ndpr ndpr-n "$CAPS NET_RAW" -N "$NET"
	check "-N $NET: attaches" \
		wait_until 10 ct_logged ndpr-n "attached to $UPLINK"
	dk run -d --name ndpr-c1 --stop-signal KILL --network "$NET" \
		--ip6 "$CT_ADDR" "$BB" sleep 600 >/dev/null ||
		fail "docker run --ip6 $CT_ADDR" "failed"
	check "-N $NET: the container's $CT_ADDR is answered" \
		wait_until 3 ndisc_answers "$CT_ADDR" "$HOST_MAC"
	dk stop ndpr-n >/dev/null
	check "-N $NET: docker stop detaches" nothing_left
fi

finish

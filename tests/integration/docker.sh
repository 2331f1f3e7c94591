#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Docker mode (run -N) against a real Docker engine, started for this test
# alone in the host namespace of the story's topology, the router namespace
# on the uplink:
#  - run started before the network exists waits for it, and follows it
#    once created;
#  - a container started on the IPv6 network is listed (docker:NETWORK)
#    within a second, the router learns it without soliciting (announce)
#    and reaches it;
#  - `docker network disconnect` removes it within a second and the
#    responder stops answering for it;
#  - a container on the address of a static entry never removes it;
#  - dockerd stopped (live-restore): the last known set stays answered;
#    restarted while containers come and go: the map ends equal to
#    `docker network inspect` (reconnect with backoff, resync);
#  - SIGTERM removes the Docker entries and detaches; with --keep every
#    entry stays;
#  - a static prefix stays listed and answered throughout.
#
# The engine is lib/dockerd.sh's private one. No registry is needed: the
# image is busybox-static.

. "$(dirname "$0")/lib.sh"
. "$IT_DIR/lib/dockerd.sh"

# docker_static.sh runs the same checks against make static's binary,
# which has no metrics endpoint (no static libmicrohttpd): those go.
METRICS_OPT=(--metrics-listen '[::1]:9469')
if [ "${NDPR_IT_DOCKER_BIN:-}" = static ]; then
	NDPR_BIN=$OUT_DIR/static/ndpresponder
	METRICS_OPT=()
fi

suite_up ip nsenter curl nft ndisc6 tcpdump timeout sysctl awk sed sort grep \
	mount umount tar ldd bpftool ping dockerd docker containerd runc \
	containerd-shim-runc-v2 busybox

NET=v6net
SUBNET=2001:db8:1:0:d::/112	# inside the on-link /64 (hypervisor filter)
CT_NET=2001:db8:1:0:d::		# containers are $CT_NET<n>
STATIC=2001:db8:1::500		# a static entry outside the Docker subnet
STATIC_D=2001:db8:1:0:d::99	# a static entry inside it
IMAGE=ndpr-bb:1
T_START=$SECONDS


# A container on $NET with a fixed address; SIGKILL stops it at once.
ct_run() { # name, address, [docker run options...]
	local name=$1 addr=$2
	shift 2
	dk run -d --name "$name" --stop-signal KILL --network "$NET" \
		--ip6 "$addr" "$@" "$IMAGE" sleep 600 >/dev/null
}

# ---- the responder ------------------------------------------------------

RUN_PID=
RUN_LOG=

run_start() { # log, more run arguments...
	RUN_LOG=$1
	shift
	ndpr_bg "$RUN_LOG" run -i "$UPLINK" -n "$STATIC" -n "$STATIC_D" \
		-N "$NET" "$@"
	RUN_PID=$(bg_pid "$RUN_LOG")
}

run_stop() { # signal; sets RC
	kill -"$1" "$RUN_PID" 2>/dev/null
	bg_join "$RUN_PID"
	RC=$?
}

run_alive() {
	WHY="run exited: $(tail -n 3 "$RUN_LOG" | oneline)"
	kill -0 "$RUN_PID" 2>/dev/null
}

logged() { # text
	WHY="the log of run has no \"$1\": $(tail -n 5 "$RUN_LOG" | oneline)"
	grep -qF -- "$1" "$RUN_LOG"
}

# The origin column of ADDR/128 in `prefix list`, empty when not listed.
origin_of() { # addr
	prefix_line "$1/128" | awk '{ print $NF }'
}

listed_as() { # addr, origin
	is "the origin of $1/128 in \"prefix list $UPLINK\"" \
		"$(origin_of "$1")" "$2"
}

docker_listed() { # addr
	listed_as "$1" "docker:$NET"
}

# The Docker entries in the map, sorted.
map_docker() {
	ndpr prefix list "$UPLINK" 2>/dev/null |
		awk -v o="docker:$NET" '$NF == o { sub("/128$", "", $1); print $1 }' |
		sort
}

# The addresses `docker network inspect` shows, sorted.
truth() {
	dk network inspect "$NET" \
		--format '{{range .Containers}}{{.IPv6Address}}{{"\n"}}{{end}}' |
		sed 's|/.*||; /^$/d' | sort
}

map_is_truth() {
	local m t
	m=$(map_docker)
	t=$(truth) || { WHY="docker network inspect $NET failed"; return 1; }
	WHY="docker:$NET entries [$(oneline <<<"$m")], docker network inspect [$(oneline <<<"$t")]"
	[ "$m" = "$t" ]
}

router_neigh_is_host() { # addr
	local entry
	entry=$(ip -n "$NS_ROUTER" -6 neigh show "$1" dev "$ROUTER_PORT")
	WHY="router: ip -6 neigh show $1: expected lladdr $HOST_MAC, got '${entry:-nothing}'"
	[[ $entry == *"lladdr $HOST_MAC "* ]]
}

router_ping() { # addr, [source]
	WHY="ping $1 from the router${2:+ ($2)} got no answer"
	ping_from "$NS_ROUTER" "${2:-$ROUTER_IP}" "$1"
}

# Forgets the neighbour, so that the ping solicits it again.
router_ping_fresh() { # addr, [source]
	ip -n "$NS_ROUTER" -6 neigh flush dev "$ROUTER_PORT" >/dev/null 2>&1
	router_ping "$@"
}

static_ok() { # label
	check "$1: static $STATIC still listed as static" listed_as "$STATIC" static
	check "$1: static $STATIC still answered" ndisc_answers "$STATIC" "$HOST_MAC"
}

# IPv6 address as the 16 bytes of a bpftool key: "20 01 0d b8 ...".
ip6_hex() { # addr
	local a=$1 head tail h=() t=() g out='' n i x
	if [[ $a == *::* ]]; then
		head=${a%%::*}
		tail=${a#*::}
	else
		head=$a
		tail=
	fi
	IFS=: read -ra h <<<"$head"
	IFS=: read -ra t <<<"$tail"
	n=$((8 - ${#h[@]} - ${#t[@]}))
	g=("${h[@]}")
	for ((i = 0; i < n; i++)); do
		g+=(0)
	done
	g+=("${t[@]}")
	for x in "${g[@]}"; do
		x=$(printf %04x "0x$x")
		out+="${x:0:2} ${x:2:2} "
	done
	echo "${out% }"
}

held_has() { # pinned map, addr
	# shellcheck disable=SC2046
	bpftool map lookup pinned "$1" key hex $(ip6_hex "$2") >/dev/null 2>&1
}

held_has_any() { # pinned map, addr...
	local a
	for a in "${@:2}"; do
		held_has "$1" "$a" && return 0
	done
	return 1
}

# ---- the engine ----------------------------------------------------------

dk_up "$IMAGE"

# ---- run before the network exists ---------------------------------------

# On IPv6 loopback: metrics.sh has the IPv4 one.
METRICS=http://[::1]:9469/metrics
run_start "$WORK_DIR/run.log" "${METRICS_OPT[@]}"
check "run -N $NET attaches to $UPLINK" \
	wait_until 10 logged "attached to $UPLINK"
check "run -N: static -n $STATIC listed" \
	wait_until 3 listed_as "$STATIC" static
check "run -N: static -n $STATIC_D listed" listed_as "$STATIC_D" static
check "run started before network $NET exists waits for it" \
	wait_until 5 logged "Docker network $NET does not exist (yet)"
sleep 0.5
check "run keeps running while $NET does not exist" run_alive

out=$(dk network create --ipv6 --subnet "$SUBNET" "$NET" 2>&1)
rc=$?
WHY="exit $rc: $out"
check "docker network create --ipv6 --subnet $SUBNET $NET" test "$rc" = 0 ||
	die "no Docker network, nothing more to test"

# ---- a container comes: listed, announced, reachable ----------------------

A1=${CT_NET}10
CAP=$WORK_DIR/announce.pcap
ip -n "$NS_ROUTER" -6 neigh flush dev "$ROUTER_PORT" >/dev/null 2>&1
capture_start "$NS_ROUTER" "$ROUTER_PORT" "$CAP"
out=$(ct_run ndpr-c1 "$A1" 2>&1)
rc=$?
WHY="exit $rc: $out"
check "docker run --network $NET --ip6 $A1" test "$rc" = 0 ||
	die "cannot start a container"
check "a created network is followed: $A1 listed as docker:$NET within a second" \
	wait_until 1 docker_listed "$A1"
check "the router learns $A1 (host's MAC) without a ping" \
	wait_until 3 router_neigh_is_host "$A1"
capture_stop "$CAP"
ns=$(captured_ns "$CAP" "$A1")
WHY="the router solicited $A1 before learning it: $(head -n 2 <<<"$ns" | oneline)"
check "the router learned $A1 without soliciting it (no NS in the capture)" \
	test -z "$ns"
na=$(captured_na "$CAP" "$A1" | grep -F " $A1 > ff02::1:")
WHY="no unsolicited NA for $A1 to all-nodes in the capture: $(capture_text "$CAP" | head -n 4 | oneline)"
check "the announce's unsolicited NA for $A1 went to all-nodes" test -n "$na"
check "run logs ANNOUNCE $A1/128" logged "ANNOUNCE $A1/128"
check "the router reaches $A1 (ping)" router_ping "$A1"
check "the router reaches $A1 again after forgetting it (NS answered)" \
	router_ping_fresh "$A1" "$ROUTER_LO_IP"
check "ndisc6 $A1 from the router is answered with the host's MAC" \
	ndisc_answers "$A1" "$HOST_MAC"

# What the endpoint says of Docker mode now.
metric() { # series (name and labels, exactly)
	in_ns "$NS_HOST" curl -sS --max-time 5 "$METRICS" |
		awk -v s="$1" '$1 == s { print $2 }'
}
metric_is() { # series, test operator, value
	local got
	got=$(metric "$1")
	WHY="$1 is ${got:-absent}, expected $2 $3"
	[ -n "$got" ] && [ "${got%.*}" "$2" "$3" ]
}
if [ ${#METRICS_OPT[@]} != 0 ]; then
	check "metrics: Docker connected" metric_is \
		"ndpresponder_docker_connected{interface=\"$UPLINK\"}" -eq 1
	check "metrics: $A1 counted as docker:$NET" metric_is \
		"ndpresponder_prefix_entries{interface=\"$UPLINK\",kind=\"answer\",origin=\"docker:$NET\"}" -eq 1
	check "metrics: Docker entries added" metric_is \
		"ndpresponder_docker_entries_added_total{interface=\"$UPLINK\"}" -ge 1
	check "metrics: no Docker sync errors" metric_is \
		"ndpresponder_docker_sync_errors_total{interface=\"$UPLINK\"}" -eq 0
	check "metrics: Docker's last sync is recent" metric_is \
		"ndpresponder_docker_last_sync_time_seconds{interface=\"$UPLINK\"}" -ge "$(($(date +%s) - 600))"
fi

# ---- disconnect -----------------------------------------------------------

out=$(dk network disconnect "$NET" ndpr-c1 2>&1)
rc=$?
WHY="exit $rc: $out"
check "docker network disconnect $NET ndpr-c1" test "$rc" = 0
WHY=
check "after disconnect $A1 is removed within a second" \
	wait_until 1 prefix_not_listed "$A1/128"
check "after disconnect $A1 is no longer answered" ndisc_unanswered "$A1"
static_ok "after disconnect"

# connect of a running container, then its removal.
A5=${CT_NET}50
out=$(dk network connect --ip6 "$A5" "$NET" ndpr-c1 2>&1)
rc=$?
WHY="exit $rc: $out"
check "docker network connect --ip6 $A5 $NET ndpr-c1" test "$rc" = 0
check "after connect $A5 is listed as docker:$NET within a second" \
	wait_until 1 docker_listed "$A5"
check "after connect $A5 is answered" ndisc_answers "$A5" "$HOST_MAC"
out=$(dk rm -f ndpr-c1 2>&1)
rc=$?
WHY="exit $rc: $out"
check "docker rm -f ndpr-c1" test "$rc" = 0
WHY=
check "after docker rm -f $A5 is removed within a second" \
	wait_until 1 prefix_not_listed "$A5/128"
check "after docker rm -f $A5 is no longer answered" ndisc_unanswered "$A5"

# ---- a container on a static entry's address -------------------------------

out=$(ct_run ndpr-c99 "$STATIC_D" 2>&1)
rc=$?
WHY="exit $rc: $out"
check "docker run --ip6 $STATIC_D (the address of a static entry)" test "$rc" = 0
# A marker container: once it is listed, the event before it is applied.
A2=${CT_NET}20
ct_run ndpr-c20 "$A2" || fail "docker run --ip6 $A2" "failed"
check "a marker container $A2 is listed" wait_until 2 docker_listed "$A2"
check "$STATIC_D stays a static entry while a container uses it" \
	listed_as "$STATIC_D" static
dk rm -f ndpr-c99 >/dev/null 2>&1
A3=${CT_NET}30
ct_run ndpr-c30 "$A3" || fail "docker run --ip6 $A3" "failed"
check "another marker container $A3 is listed" wait_until 2 docker_listed "$A3"
check "$STATIC_D stays listed as static after its container went" \
	listed_as "$STATIC_D" static
check "$STATIC_D still answered after its container went" \
	ndisc_answers "$STATIC_D" "$HOST_MAC"
static_ok "after a container on a static address"

# ---- dockerd stopped, restarted while containers come and go ----------------

A6=${CT_NET}60
ct_run ndpr-c60 "$A6" || fail "docker run --ip6 $A6" "failed"
check "before the restart: the map equals docker network inspect" \
	wait_until 2 map_is_truth
c30_pid=$(dk inspect -f '{{.State.Pid}}' ndpr-c30)

dockerd_stop
WHY="dockerd still running"
check "dockerd stopped (SIGTERM, live-restore)" not dockerd_alive
check "run logs that it keeps the last known addresses" \
	wait_until 3 logged "keeping the last known addresses"
check "run keeps running while dockerd is down" run_alive
for a in "$A2" "$A3" "$A6"; do
	check "dockerd down: $a still listed" docker_listed "$a"
done
check "dockerd down: $A2 still answered" ndisc_answers "$A2" "$HOST_MAC"
check "dockerd down: the router still reaches $A6" router_ping_fresh "$A6"
static_ok "dockerd down"

# A container goes while the daemon is away.
[ -n "$c30_pid" ] && kill -KILL "$c30_pid" 2>/dev/null
sleep 0.5
if dockerd_start; then
	pass "dockerd restarts"
else
	die "$WHY"
fi
t_up=$SECONDS
# ...and others come and go just after it is back.
dk rm -f ndpr-c20 >/dev/null 2>&1 || fail "docker rm -f ndpr-c20" "failed"
A4=${CT_NET}40
ct_run ndpr-c40 "$A4" || fail "docker run --ip6 $A4" "failed"
# Within about a second of the API answering (the /_ping probe), not at
# the stream's backoff (up to 30 s): 3 s leaves room for the restarts.
check "after the restart the map equals docker network inspect within 3 s" \
	wait_until 3 map_is_truth
echo "  .. equal $((SECONDS - t_up))s after dockerd was back; truth: $(truth | oneline)"
WHY="truth is [$(truth | oneline)]"
check "the truth is $A4 $A6 (killed while down, removed, added)" \
	test "$(truth | oneline)" = "$A4 $A6 "
check "after the restart the router learned $A4 without a ping (announce)" \
	wait_until 2 router_neigh_is_host "$A4"
check "after the restart $A2 (removed) is no longer answered" \
	ndisc_unanswered "$A2"
check "after the restart $A3 (died while down) is no longer answered" \
	ndisc_unanswered "$A3"
check "after the restart $A4 (new) is answered" ndisc_answers "$A4" "$HOST_MAC"
check "after the restart the router reaches $A4" router_ping_fresh "$A4"
check "after the restart the router reaches $A6" router_ping "$A6"
# The resync above may come from the /_ping probe alone: the event
# stream must be back too. Its line comes once it held 10 s; then a
# container started is listed within a second, which only an event does
# (the safety-net resync is every 30 s).
check "run's event stream is up again after the restart (held 10 s)" \
	wait_until 15 logged "Docker event stream: up again"
A7=${CT_NET}70
ct_run ndpr-c70 "$A7" || fail "docker run --ip6 $A7" "failed"
check "after the restart a new container $A7 is listed within a second (the stream's event)" \
	wait_until 1 docker_listed "$A7"
dk rm -f ndpr-c70 >/dev/null 2>&1 || fail "docker rm -f ndpr-c70" "failed"
check "after the restart docker rm -f $A7 removes it within a second" \
	wait_until 1 prefix_not_listed "$A7/128"
static_ok "after the restart"
check "$STATIC_D still listed as static" listed_as "$STATIC_D" static

# ---- a frozen engine: the service is served at once ----------------------

# dockerd stopped by SIGSTOP accepts on its socket and answers nothing:
# the service's reloads and signals must not wait for it.
reloads() {
	grep -c "reload: prefixes" "$RUN_LOG"
}
reloaded_since() { # count before
	WHY="no reload line after SIGHUP: $(tail -n 3 "$RUN_LOG" | oneline)"
	[ "$(reloads)" -gt "$1" ]
}
kill -STOP "$(dockerd_pid)"
r0=$(reloads)
kill -HUP "$RUN_PID"
check "dockerd frozen: SIGHUP reloads at once" wait_until 1 reloaded_since "$r0"
check "dockerd frozen: $A4 still answered" ndisc_answers "$A4" "$HOST_MAC"
kill -CONT "$(dockerd_pid)"

# ---- SIGTERM: Docker entries removed, detached -------------------------------

# A second pin of the /128 map keeps it readable after run detached.
HELD=$WORK_DIR/bpffs/held-hosts
bpftool map pin pinned "$(host_pin_dir)/ndpr_hosts" "$HELD" ||
	fail "bpftool map pin ndpr_hosts" "failed"
run_stop TERM
WHY="run exited $RC: $(tail -n 3 "$RUN_LOG" | oneline)"
check "SIGTERM stops run with status 0" test "$RC" = 0
WHY="XDP still on $UPLINK: $(ip -n "$NS_HOST" link show "$UPLINK" | head -n 1)"
check "SIGTERM detaches from $UPLINK" test -z "$(xdp_prog_id "$NS_HOST" "$UPLINK")"
WHY="$(find "$NDPRESPONDER_PIN_ROOT" 2>&1 | oneline)"
check "SIGTERM leaves no pins" test ! -e "$(host_pin_dir)"
WHY="the map still has $A4 or $A6"
check "SIGTERM removed the Docker entries from the map" \
	not held_has_any "$HELD" "$A4" "$A6"
WHY="the map lost $STATIC"
check "SIGTERM left the static entries in the map (control)" \
	held_has "$HELD" "$STATIC"
rm -f "$HELD"

# ---- --keep: every entry stays --------------------------------------------

run_start "$WORK_DIR/run-keep.log" --keep
check "run --keep attaches" wait_until 10 logged "attached to $UPLINK"
check "run --keep lists the running containers" \
	wait_until 3 map_is_truth
run_stop TERM
WHY="run exited $RC: $(tail -n 3 "$RUN_LOG" | oneline)"
check "SIGTERM stops run --keep with status 0" test "$RC" = 0
WHY="no XDP program on $UPLINK"
check "run --keep leaves the responder attached" \
	test -n "$(xdp_prog_id "$NS_HOST" "$UPLINK")"
check "run --keep leaves $A4 listed as docker:$NET" docker_listed "$A4"
check "run --keep leaves $A6 answered" ndisc_answers "$A6" "$HOST_MAC"
static_ok "after run --keep"
out=$(ndpr detach "$UPLINK" 2>&1)
WHY="exit $?: $out"
check "detach after run --keep" test -z "$(xdp_prog_id "$NS_HOST" "$UPLINK")"

# ---- Docker entries belong to their network's name, across runs ----------

# A run that follows two networks and keeps its entries; then one
# container goes while nothing runs, and the next run follows only the
# second network: its entries must equal the truth, and the first
# network's, no longer followed, must go.
NET_B=ndpr-v6b
SUBNET_B=2001:db8:1:0:e::/112
B1=2001:db8:1:0:e::10
out=$(dk network create --ipv6 --subnet "$SUBNET_B" "$NET_B" 2>&1)
WHY="$out"
check "docker network create $NET_B" test -n "$(dk network ls -q -f name="$NET_B")"
dk run -d --name ndpr-cb --stop-signal KILL --network "$NET_B" \
	--ip6 "$B1" "$IMAGE" sleep 600 >/dev/null
run_start "$WORK_DIR/run-two.log" -N "$NET_B" --keep
check "run -N $NET -N $NET_B lists $B1 as docker:$NET_B" \
	wait_until 5 listed_as "$B1" "docker:$NET_B"
check "run -N $NET -N $NET_B lists $NET's containers" wait_until 3 map_is_truth
run_stop TERM
dk rm -f ndpr-cb >/dev/null
RUN_LOG=$WORK_DIR/run-b.log
ndpr_bg "$RUN_LOG" run -i "$UPLINK" -N "$NET_B"
RUN_PID=$(bg_pid "$RUN_LOG")
check "a later run -N $NET_B alone attaches" \
	wait_until 10 logged "adopted the responder on $UPLINK"
unlisted() { # addr
	WHY="$(ndpr prefix list "$UPLINK" | oneline)"
	! ndpr prefix list "$UPLINK" | grep -q "^$1/128 "
}
check "$B1, whose container went while nothing ran, is removed" \
	wait_until 5 unlisted "$B1"
check "the entries of $NET, no longer followed, are removed" \
	wait_until 5 test -z "$(map_docker)"
check "the run says so" logged "docker:$NET: not followed any more"
check "$B1 is no longer answered" ndisc_unanswered "$B1"
run_stop TERM
WHY="run exited $RC: $(tail -n 3 "$RUN_LOG" | oneline)"
check "SIGTERM stops the later run with status 0" test "$RC" = 0
dk network rm "$NET_B" >/dev/null 2>&1

# ---- the engine goes, and leaves nothing ------------------------------------

docker_down
WHY="left: $(dk_leftovers | oneline)"
check "cleanup: no process of the engine left" test -z "$(dk_leftovers)"
WHY="left: $(dk_mounts | oneline)"
check "cleanup: no mount of the engine left" test -z "$(dk_mounts)"
WHY="left: $(dk_cgroups | oneline)"
check "cleanup: no cgroup of the engine left" test -z "$(dk_cgroups)"
echo "  .. $((SECONDS - T_START))s"

finish

#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Docker mode (run -N) against Podman's Docker-compatible API
# (`podman system service`), Podman started for this test alone in the
# host namespace of the story's topology (lib/podman.sh):
#  - the network is made inside the host's on-link /64 as the README
#    says (the host's address removed while it is created);
#  - a container present when run starts is listed; a new one is listed
#    within a second of `podman run` returning, the router learns it
#    unasked and its first ping is answered; `podman stop` and
#    `podman rm` drop it within a second (Podman's `run` and `rm` emit
#    container events only: a 30 s resync would fail these waits);
#  - a frozen service (SIGSTOP) leaves run's reload and SIGTERM served;
#  - the service stopped while containers come and go, then restarted:
#    the map equals `podman network inspect` within 3 s.

. "$(dirname "$0")/lib.sh"
. "$IT_DIR/lib/podman.sh"

suite_up ip nsenter curl ndisc6 tcpdump timeout awk sed grep sort mount \
	umount tar ldd bpftool ping podman runc conmon busybox

NET=pnet
SUBNET=2001:db8:1:0:e::/112
CT_NET=2001:db8:1:0:e::
IMAGE=localhost/ndpr-bb:1

ct_run() { # name, address
	pm run -d --name "$1" --network "$NET" --ip6 "$2" "$IMAGE" \
		sleep 600 >/dev/null
}

origin_of() { # addr
	prefix_line "$1/128" | awk '{ print $NF }'
}

listed() { # addr
	WHY="$1/128 in prefix list: origin '$(origin_of "$1")', expected docker:$NET"
	[ "$(origin_of "$1")" = "docker:$NET" ]
}

not_listed() { # addr
	WHY="$1/128 still listed ($(origin_of "$1"))"
	[ -z "$(origin_of "$1")" ]
}

map_docker() {
	ndpr prefix list "$UPLINK" 2>/dev/null |
		awk -v o="docker:$NET" '$NF == o { sub("/128$", "", $1); print $1 }' |
		sort
}

truth() { # the addresses Podman's own inspect shows
	curl -s --max-time 5 --unix-socket "$PM/api.sock" \
		"http://d/networks/$NET" |
		jq -r '.Containers[].IPv6Address' | sed 's|/.*||; /^$/d' | sort
}

map_is_truth() {
	local m t
	m=$(map_docker)
	t=$(truth)
	WHY="docker:$NET entries [$(oneline <<<"$m")], Podman [$(oneline <<<"$t")]"
	[ "$m" = "$t" ] && [ -n "$t" ]
}

router_neigh_is_host() { # addr
	local e
	e=$(ip -n "$NS_ROUTER" -6 neigh show "$1" dev "$ROUTER_PORT")
	WHY="router: ip -6 neigh show $1: expected lladdr $HOST_MAC, got '${e:-nothing}'"
	[[ $e == *"lladdr $HOST_MAC "* ]]
}

first_ping() { # addr: from the router's lo, one try of one second
	WHY="ping -c 1 -W 1 $1 from the router got no answer"
	in_ns "$NS_ROUTER" ping -6 -n -q -c 1 -W 1 -I "$ROUTER_LO_IP" "$1" \
		>/dev/null 2>&1
}

run_gone() {
	WHY="run still running"
	! kill -0 "$RUN_PID" 2>/dev/null
}

pm_up ndpr-bb:1

# Podman refuses a subnet inside a /64 the host holds an address of
# ("subnet ... is already used on the host"): the address goes while the
# network is made (README: Docker mode, Podman).
ip -n "$NS_HOST" -6 addr del "$HOST_IP/64" dev "$UPLINK"
out=$(pm network create --ipv6 --subnet "$SUBNET" "$NET" 2>&1)
rc=$?
ip -n "$NS_HOST" -6 addr add "$HOST_IP/64" dev "$UPLINK" nodad
ip -n "$NS_HOST" -6 route replace default via "$ROUTER_IP" dev "$UPLINK"
WHY="exit $rc: $out"
check "podman network create --ipv6 --subnet $SUBNET $NET" test "$rc" = 0 ||
	die "no Podman network"

A0=${CT_NET}10
ct_run p0 "$A0" || die "podman run --ip6 $A0 failed"

export DOCKER_HOST=unix://$PM/api.sock
RUN_LOG=$WORK_DIR/run.log
ndpr_bg "$RUN_LOG" run -i "$UPLINK" -N "$NET"
RUN_PID=$(bg_pid "$RUN_LOG")
check "run -N $NET attaches" wait_until 10 log_has "$RUN_LOG" \
	"attached to $UPLINK"
check "a container present at the start ($A0) is listed" \
	wait_until 5 listed "$A0"

# ---- a new container: listed at once, learned unasked, reachable ---------

A1=${CT_NET}11
ip -n "$NS_ROUTER" -6 neigh flush dev "$ROUTER_PORT" >/dev/null 2>&1
ct_run p1 "$A1" || fail "podman run --ip6 $A1" "failed"
check "podman run: $A1 listed within a second" wait_until 1 listed "$A1"
check "the router learns $A1 without a ping (announce)" \
	wait_until 2 router_neigh_is_host "$A1"
A2=${CT_NET}12
ct_run p2 "$A2" || fail "podman run --ip6 $A2" "failed"
check "the router's first ping to a new container ($A2) is answered" \
	first_ping "$A2"
check "ndisc6 $A2 from the router is answered with the host's MAC" \
	ndisc_answers "$A2" "$HOST_MAC"

# ---- gone: dropped at once -----------------------------------------------

pm stop -t 0 p1 >/dev/null 2>&1 || fail "podman stop p1" "failed"
check "podman stop: $A1 dropped within a second" wait_until 1 not_listed "$A1"
pm rm -f -t 0 p2 >/dev/null 2>&1 || fail "podman rm -f p2" "failed"
check "podman rm -f: $A2 dropped within a second" wait_until 1 not_listed "$A2"
check "after podman rm -f $A2 is no longer answered" ndisc_unanswered "$A2"
pm start p1 >/dev/null 2>&1 || fail "podman start p1" "failed"
check "podman start: $A1 listed again within a second" wait_until 1 listed "$A1"

# ---- a frozen service: run is served at once -----------------------------

kill -STOP "$PM_SVC"
r0=$(grep -c "reload: prefixes" "$RUN_LOG")
kill -HUP "$RUN_PID"
reloaded() {
	WHY="no reload line after SIGHUP: $(tail -n 2 "$RUN_LOG" | oneline)"
	[ "$(grep -c "reload: prefixes" "$RUN_LOG")" -gt "$r0" ]
}
check "Podman frozen: SIGHUP reloads at once" wait_until 1 reloaded
check "Podman frozen: $A0 still answered" ndisc_answers "$A0" "$HOST_MAC"
kill -CONT "$PM_SVC"

# ---- the service stopped, containers come and go, restarted ---------------

pm_svc_stop
pm rm -f -t 0 p0 >/dev/null 2>&1
A3=${CT_NET}13
ct_run p3 "$A3" || fail "podman run --ip6 $A3 (service down)" "failed"
check "run keeps the last known set while Podman's API is down" listed "$A1"
pm_svc_start || fail "podman system service restarts" "$(tail -n 2 "$PM/service.log" | oneline)"
check "after the restart the map equals podman's network within 3 s" \
	wait_until 3 map_is_truth
check "after the restart $A0 (removed while down) is not listed" not_listed "$A0"

# ---- frozen again: SIGTERM is served at once ------------------------------

kill -STOP "$PM_SVC"
kill -TERM "$RUN_PID"
check "Podman frozen: SIGTERM stops run at once" wait_until 1 run_gone
bg_join "$RUN_PID"
RC=$?
check "run exited 0" test "$RC" = 0
kill -CONT "$PM_SVC"
check "SIGTERM removed the Docker entries" not_listed "$A3"

pm_down
pm_none_left() {
	local left
	left=$(pm_leftovers)
	WHY="left: $(ps -o pid=,args= -p "${left//$'\n'/,}" 2>/dev/null | oneline)"
	[ -z "$left" ]
}
check "cleanup: no process of Podman left" wait_until 5 pm_none_left
finish

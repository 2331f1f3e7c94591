#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# A new container's first contact, Docker mode against a real dockerd on
# the story's topology (README: Docker mode, "When a container is
# announced"):
#  - the router's first ping to a container started a moment ago is
#    answered within its one second (ping -c 1 -W 1), the router
#    soliciting from its link-local address; the host's own entry for
#    the container on the Docker bridge is REACHABLE, never stuck
#    INCOMPLETE or FAILED (the trap of an announcement made at the
#    network's connect event, before the container's interface is up:
#    inbound packets waited on that entry for the host's next
#    solicitation, a second later);
#  - the router still learns a new container unasked: its entry appears
#    with the host's MAC and it sent no solicitation for it;
#  - `announce` by hand, in static mode, of an address whose container
#    is not up yet: refused with exit 1, nothing sent (the router has no
#    entry, the host none on the bridge); once the container is up: the
#    router learns it, and the host's entry is usable.
# tests/bench/run.sh measures the same moment (median, p99, max).

. "$(dirname "$0")/lib.sh"
. "$IT_DIR/lib/dockerd.sh"

suite_up ip nsenter curl ndisc6 tcpdump timeout sysctl awk sed grep \
	mount umount tar ldd bpftool ping dockerd docker containerd runc \
	containerd-shim-runc-v2 busybox

NET=fcnet
SUBNET=2001:db8:1:0:f::/112
CT_NET=2001:db8:1:0:f::
IMAGE=ndpr-bb:1
STARTS=5

ct_run() { # name, address
	dk run -d --name "$1" --stop-signal KILL --network "$NET" \
		--ip6 "$2" "$IMAGE" sleep 600 >/dev/null
}

router_neigh() { # addr: the router's entry for it
	ip -n "$NS_ROUTER" -6 neigh show "$1" dev "$ROUTER_PORT"
}

router_neigh_is_host() { # addr
	local e
	e=$(router_neigh "$1")
	WHY="router: ip -6 neigh show $1: expected lladdr $HOST_MAC, got '${e:-nothing}'"
	[[ $e == *"lladdr $HOST_MAC "* ]]
}

# The Docker bridge of $NET in the host namespace.
bridge_dev() {
	echo "br-$(dk network inspect -f '{{.Id}}' "$NET" | cut -c1-12)"
}

host_neigh_state() { # addr: the host's entry for it on the bridge
	ip -n "$NS_HOST" -6 neigh show "$1" dev "$BR" |
		awk '{ print $NF }'
}

dk_up "$IMAGE"
out=$(dk network create --ipv6 --subnet "$SUBNET" "$NET" 2>&1) ||
	die "docker network create: $out"
BR=$(bridge_dev)

RUN_LOG=$WORK_DIR/run.log
ndpr_bg "$RUN_LOG" run -i "$UPLINK" -N "$NET"
RUN_PID=$(bg_pid "$RUN_LOG")
check "run -N $NET attaches" wait_until 10 log_has "$RUN_LOG" \
	"attached to $UPLINK"
check "run -N $NET follows the network" wait_until 5 log_has "$RUN_LOG" \
	"Docker: following"
sleep 0.5

# ---- first contact: the first ping of each new container -----------------

# Each container's address is announced when it starts; 0.3 s later,
# before any ping, the host's entry for it on the bridge must be absent
# or usable: an INCOMPLETE one holds the first inbound packets until the
# host solicits again, one second after it first did.
answered=0 late=() states=() learned=0
for i in $(seq "$STARTS"); do
	a=${CT_NET}$((10 + i))
	ip -n "$NS_ROUTER" -6 neigh flush dev "$ROUTER_PORT" >/dev/null 2>&1
	ct_run "fc$i" "$a" || fail "docker run --ip6 $a" "failed"
	sleep 0.3
	states+=("$a=$(host_neigh_state "$a")")
	# From the address on the router's lo: the router solicits from
	# its link-local address unless it learned the address first.
	if in_ns "$NS_ROUTER" ping -6 -n -q -c 1 -W 1 -I "$ROUTER_LO_IP" \
		"$a" >/dev/null 2>&1; then
		answered=$((answered + 1))
	else
		late+=("$a")
	fi
	router_neigh_is_host "$a" && learned=$((learned + 1))
done
WHY="no reply within 1 s for: ${late[*]} (host's entries: ${states[*]})"
check "the first ping of each of $STARTS new containers is answered within 1 s" \
	test "$answered" = "$STARTS"
WHY="the router's entries: $(ip -n "$NS_ROUTER" -6 neigh show dev "$ROUTER_PORT" | oneline)"
check "the router learned each of them with the host's MAC" \
	test "$learned" = "$STARTS"
bad=$(printf '%s\n' "${states[@]}" | grep -Ev '=(REACHABLE|STALE|DELAY|PROBE|)$')
WHY="host entries 0.3 s after docker run: $(oneline <<<"$bad")"
check "no host entry on $BR was left INCOMPLETE or FAILED after a start" \
	test -z "$bad"

# ---- unasked: announced once the container runs --------------------------

A=${CT_NET}40
CAP=$WORK_DIR/announce.pcap
ip -n "$NS_ROUTER" -6 neigh flush dev "$ROUTER_PORT" >/dev/null 2>&1
capture_start "$NS_ROUTER" "$ROUTER_PORT" "$CAP"
ct_run fc40 "$A" || fail "docker run --ip6 $A" "failed"
check "the router learns $A (host's MAC) without a ping" \
	wait_until 3 router_neigh_is_host "$A"
capture_stop "$CAP"
ns=$(captured_ns "$CAP" "$A")
WHY="the router solicited $A: $(head -n 2 <<<"$ns" | oneline)"
check "the router sent no solicitation for $A" test -z "$ns"
st=$(host_neigh_state "$A")
WHY="the host's entry for $A on $BR: ${st:-none}"
check "the announcement left the host's entry for $A usable" \
	grep -qxE 'REACHABLE|STALE|DELAY|PROBE' <<<"$st"
check "run logged ANNOUNCE $A" log_has "$RUN_LOG" "ANNOUNCE $A"

kill -TERM "$RUN_PID" 2>/dev/null
bg_join "$RUN_PID"

# ---- announce by hand ------------------------------------------------------

ndpr_bg "$WORK_DIR/static.log" run -i "$UPLINK" -n "$SUBNET"
RUN_PID=$(bg_pid "$WORK_DIR/static.log")
check "run -n $SUBNET attaches" wait_until 10 log_has "$WORK_DIR/static.log" \
	"attached to $UPLINK"
A=${CT_NET}50
ip -n "$NS_ROUTER" -6 neigh flush dev "$ROUTER_PORT" >/dev/null 2>&1
out=$(in_ns "$NS_HOST" "$NDPR_BIN" announce "$UPLINK" "$A" 2>&1)
rc=$?
WHY="exit $rc: $out"
check "announce before the container exists: exit 1" test "$rc" = 1
WHY="$out"
check "announce says why (not up yet)" grep -q "does not answer on $BR yet" \
	<<<"$out"
e=$(router_neigh "$A")
WHY="the router has an entry for $A: $e"
check "announce before the container exists sent nothing to the router" \
	test -z "$e"
ct_run fc50 "$A" || fail "docker run --ip6 $A" "failed"
st=$(host_neigh_state "$A")
WHY="the host's entry for $A on $BR: $st"
check "the refused announce left no host entry for $A" \
	grep -qxE 'REACHABLE|STALE|DELAY|PROBE|' <<<"$st"
out=$(in_ns "$NS_HOST" "$NDPR_BIN" announce "$UPLINK" "$A" 2>&1)
rc=$?
WHY="exit $rc: $out"
check "announce once the container is up: exit 0" test "$rc" = 0
check "the router learns $A from it" wait_until 2 router_neigh_is_host "$A"
first_ping() { # addr
	WHY="ping -c 1 -W 1 $1 from the router got no answer"
	in_ns "$NS_ROUTER" ping -6 -n -q -c 1 -W 1 -I "$ROUTER_LO_IP" "$1" \
		>/dev/null 2>&1
}
check "the first ping after it is answered within 1 s" first_ping "$A"
st=$(host_neigh_state "$A")
WHY="the host's entry for $A on $BR: ${st:-none}"
check "the host's entry for $A is usable" \
	grep -qxE 'REACHABLE|STALE|DELAY|PROBE' <<<"$st"
kill -TERM "$RUN_PID" 2>/dev/null
bg_join "$RUN_PID"
finish

#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Docker mode (run -N) against a hostile Docker API (and a DOCKER_HOST it
# cannot use, refused before attaching): ndpr-test-tool's
# fake-docker (tests/tools/fake_docker.c) on a UNIX socket serves what a
# real dockerd never sends, and each case checks what the user sees:
#  - replies that are not a network ([], {}, "str", {"Containers":[]},
#    {"Containers":"x"}, trailing data) and a huge reply keep the last
#    known set, with one log line;
#  - invalid addresses (::, ::1, ::ffff:10.0.0.1, fe80::1, ff02::1,
#    ".../200", ".../abc", "... trailing") are refused, each logged once,
#    the valid ones kept;
#  - a container on the uplink's own address (a guard) is refused;
#  - a container's inspection (GET /containers/ID/json, asked on its
#    connect event) that is not one (wrong shapes, a huge body, another
#    container's Id, HTTP 500, a stall) is refused with one line and adds
#    nothing; addresses in it outside the network's IPv6 subnets, or
#    multicast, link-local, unspecified, are refused, one on a network
#    not followed is not taken; run answers all along, and a valid
#    inspection (the control) is listed, then gone at its die event;
#  - an early read (the network's list, for a connect whose inspection is
#    slow): the waiting container's address listed before its inspection
#    answers, not announced, one read for three connects, removed by an
#    inspection that does not list it or a die; a reply that is not a
#    network, another container's address, one outside the subnet,
#    another container's Id, multicast, link-local: nothing added;
#  - an event stream that never sends a newline: dropped at the cap, RSS
#    of run bounded;
#  - an events endpoint that fails at once: reconnects back off (counted
#    at the fake server), one log line;
#  - a hung API (accepts, never answers): SIGHUP and SIGTERM served at
#    once (the service exits and detaches before a deadline);
#  - the API answering again: resync within a few seconds.

. "$(dirname "$0")/lib.sh"

suite_up ip nsenter awk sed grep

NET=hostile
SUBNET=2001:db8:1::/64 # the network's IPAM subnet
A1=2001:db8:1:0:d::1
A2=2001:db8:1:0:d::2
A3=2001:db8:1:0:d::3
FD=$WORK_DIR/fake
SOCK=$FD/docker.sock
CONNS=$FD/connections
RUNLOG=$WORK_DIR/run.log
RSS_MAX_KB=65536 # the caps hold it far below: 4 MiB replies, 64 KiB lines
mkdir -p "$FD"
export DOCKER_HOST=unix://$SOCK

# ---- the fake API's script ----------------------------------------------

mode() { # endpoint, mode
	echo "$2" >"$FD/$1.tmp" && mv "$FD/$1.tmp" "$FD/$1"
}

# The /networks reply: a network whose containers have these
# IPv6Address strings (JSON-escaped already).
net_body() { # address...
	local a sep="" i=0
	{
		printf '{"Name":"%s","Id":"abc","IPAM":{"Config":[{"Subnet":"172.26.0.0/16"},{"Subnet":"%s"}]},"Containers":{' \
			"$NET" "$SUBNET"
		for a; do
			i=$((i + 1))
			printf '%s"c%d":{"Name":"ct%d","IPv6Address":"%s"}' \
				"$sep" "$i" "$i" "$a"
			sep=,
		done
		printf '}}'
	} >"$FD/body.tmp" && mv "$FD/body.tmp" "$FD/body"
}

raw_body() { # text
	printf '%s' "$1" >"$FD/body.tmp" && mv "$FD/body.tmp" "$FD/body"
}

# An event naming the network (its creation): run resyncs it.
poke() {
	printf '{"Type":"network","Action":"create","Actor":{"ID":"abc","Attributes":{"name":"%s"}}}\n' \
		"$NET" >>"$FD/events.lines"
}

conns() { # endpoint: connections the fake server saw
	grep -c " $1\$" "$CONNS" 2>/dev/null
}

# ---- what run did ----------------------------------------------------------

# Log lines are counted from the last mark on.
MARK=0
mark() {
	MARK=$(wc -l <"$RUNLOG")
}

lines() { # re: log lines matching, since the mark
	tail -n "+$((MARK + 1))" "$RUNLOG" | grep -Ec -- "$1"
}

# Waits for a reply of endpoint to have been fetched and handled.
fetched() { # endpoint, connections before
	[ "$(conns "$1")" -gt "$2" ] && sleep 0.3
}

# Runs the command, then waits for run's request to endpoint.
and_wait() { # endpoint, command...
	local ep=$1 before
	shift
	before=$(conns "$ep")
	"$@"
	wait_until 5 fetched "$ep" "$before"
}

poke_and_wait() {
	and_wait networks poke
}

listed_set() { # want: exactly these Docker entries
	local got want
	got=$(ndpr prefix list "$UPLINK" 2>/dev/null |
		awk -v o="docker:$NET" '$0 ~ o { print $1 }' | sort | oneline)
	want=$(printf '%s/128\n' "$@" | sort | oneline)
	WHY="docker:$NET entries: '$got', expected '$want'"
	[ "$got" = "$want" ]
}

rss_kb() {
	awk '$1 == "VmRSS:" { print $2 }' "/proc/$RUN_PID/status"
}

rss_bounded() {
	local kb
	kb=$(rss_kb)
	WHY="VmRSS of run: ${kb:-?} kB, cap $RSS_MAX_KB kB"
	[ -n "$kb" ] && [ "$kb" -lt "$RSS_MAX_KB" ]
}

count_is() { # re, n
	local n
	n=$(lines "$1")
	WHY="$n log lines match '$1', expected $2; last lines: $(tail -n 3 "$RUNLOG" | oneline)"
	[ "$n" = "$2" ]
}

# ---- DOCKER_HOST we cannot use: refused before anything changes ------------

DOCKER_HOST=tcp://127.0.0.1:2375 run run -i "$UPLINK" -N "$NET"
WHY="exit $RC: $ALL"
check "DOCKER_HOST=tcp://: refused with one line" \
	test "$RC" != 0 -a "$(printf '%s\n' "$ALL" | wc -l)" = 1
WHY="XDP on $UPLINK: $(xdp_mode "$NS_HOST" "$UPLINK")"
check "DOCKER_HOST=tcp://: nothing attached" \
	test "$(xdp_mode "$NS_HOST" "$UPLINK")" = none

# ---- start ---------------------------------------------------------------

bg_start "$FD/fake.log" "$NS_HOST" "$TEST_TOOL" fake-docker "$SOCK" "$FD" \
	"$CONNS"
wait_until 5 test -S "$SOCK" || die "fake-docker did not listen"
mode events stream
mode networks ok
net_body "$A1/112" "$A2/112"

ndpr_bg "$RUNLOG" run -i "$UPLINK" -n "$CT_IP" -N "$NET"
RUN_PID=$(bg_pid "$RUNLOG")
wait_until 10 run_ready "$RUN_PID" || die "run did not start: $(oneline <"$RUNLOG")"
check "start: both containers listed" wait_until 5 listed_set "$A1" "$A2"

# ---- replies that are not a network ---------------------------------------

bad_reply() { # name, body, reason re
	mark
	raw_body "$2"
	poke_and_wait
	check "reply $1: the last known set kept" listed_set "$A1" "$A2"
	check "reply $1: one line says so" count_is \
		"Docker network $NET: reply refused \\($3\\); keeping the last known addresses" 1
	net_body "$A1/112" "$A2/112"
	poke_and_wait
	check "reply $1: readable again" count_is "network $NET: readable again" 1
}

SHAPE="not a network with a Containers object"
bad_reply '[]' '[]' "$SHAPE"
bad_reply '{}' '{}' "$SHAPE"
bad_reply '"str"' '"str"' "$SHAPE"
bad_reply '{"Containers":[]}' '{"Containers":[]}' "$SHAPE"
bad_reply '{"Containers":"x"}' '{"Containers":"x"}' "$SHAPE"
bad_reply 'trailing data' '{"Containers":{}} x' "data after the JSON value"
bad_reply 'container not an object' '{"Containers":{"c1":3}}' \
	"container c1: no IPv6Address string"
bad_reply 'not JSON' '{"Containers":' "not JSON"

# ---- a chunked reply is read whole --------------------------------------------

mode networks chunked
net_body "$A1/112" "$A2/112" "$A3/64"
poke_and_wait
check "chunked reply: all three listed" listed_set "$A1" "$A2" "$A3"
mode networks ok
net_body "$A1/112" "$A2/112"
poke_and_wait
check "back to two" listed_set "$A1" "$A2"

# ---- invalid addresses ------------------------------------------------------

BAD=("::/64" "::1/128" "::ffff:10.0.0.1/96" "fe80::1/64" "ff02::1/64"
	"$A3/200" "$A3/abc" "$A3/64 trailing" "$A3" "/64" "$A3/064x")
mark
net_body "$A1/112" "${BAD[@]}"
poke_and_wait
poke_and_wait
check "invalid addresses: only $A1 listed" listed_set "$A1"
for b in "${BAD[@]}"; do
	re=$(printf '%s' "$b" | sed 's/[][\.*^$/+?(){}|]/\\&/g')
	check "invalid address \"$b\": refused, logged once" count_is \
		"address \"$re\" refused" 1
done
mark
net_body "$A1/112" "$HOST_IP/64"
poke_and_wait
poke_and_wait
check "the uplink's own address: not listed" listed_set "$A1"
check "the uplink's own address: refused, logged once" count_is \
	"address $HOST_IP refused: it is the uplink's own-address" 1
net_body "$A1/112" "$A2/112"
poke_and_wait
check "valid again: both listed" listed_set "$A1" "$A2"

# ---- a container's inspection that is not one -----------------------------------

CID=c9$(printf '%062d' 9) # a container ID as the engines give them
A9=2001:db8:1:0:d::9

# The inspection's reply: Id (@ID@ is the one asked) and its networks.
ctr_body() { # id, networks JSON
	printf '{"Id":"%s","State":{"Running":true},"NetworkSettings":{"Networks":{%s}}}' \
		"$1" "$2" >"$FD/ctr.tmp" && mv "$FD/ctr.tmp" "$FD/ctr.body"
}

on_net() { # address, [network]: one network's JSON
	printf '"%s":{"GlobalIPv6Address":"%s"}' "${2:-$NET}" "$1"
}

# Docker's connect event for CID: run inspects it.
connect_ev() {
	printf '{"Type":"network","Action":"connect","Actor":{"ID":"abc","Attributes":{"name":"%s","container":"%s"}}}\n' \
		"$NET" "$CID" >>"$FD/events.lines"
}

connect_and_wait() {
	and_wait containers connect_ev
}

# run answers an NS from the router for A1 (it keeps serving).
serving() {
	ndisc_answers "$A1" "$HOST_MAC"
}

# The control: a valid inspection is listed, and its die event removes it.
mode containers ok
ctr_body @ID@ "$(on_net "$A9")"
mark
connect_and_wait
check "inspection: a valid one lists $A9 (the control)" wait_until 2 \
	listed_set "$A1" "$A2" "$A9"
check "inspection: run logs $A9 added" count_is \
	"docker:$NET: $A9/128 added" 1
printf '{"Type":"container","Action":"die","Actor":{"ID":"%s"}}\n' "$CID" \
	>>"$FD/events.lines"
check "inspection: the die event removes $A9" wait_until 2 \
	listed_set "$A1" "$A2"

bad_ctr() { # name, mode, body (or ""), reason re
	mark
	mode containers "$2"
	[ -n "$3" ] && printf '%s' "$3" >"$FD/ctr.body"
	connect_and_wait
	[ "$2" = hang ] && sleep 16 # the inspection's timeout is 15 s
	check "inspection $1: nothing added" listed_set "$A1" "$A2"
	check "inspection $1: one line says so" count_is \
		"Docker container $CID: inspection refused \\($4\\); resyncing" 1
	check "inspection $1: run still answers" serving
	mode containers ok
}

OK_NETS=$(on_net "$A9")
SHAPE="not a container with networks"
bad_ctr '[]' ok '[]' "$SHAPE"
bad_ctr '"str"' ok '"str"' "$SHAPE"
bad_ctr 'no Id' ok "{\"NetworkSettings\":{\"Networks\":{$OK_NETS}}}" \
	"the Id is missing, not the one asked"
bad_ctr 'another Id' ok \
	"{\"Id\":\"c8$(printf '%062d' 8)\",\"NetworkSettings\":{\"Networks\":{$OK_NETS}}}" \
	"the Id is c800000000000000\\.\\.\\., not the one asked"
bad_ctr 'a network not an object' ok \
	"{\"Id\":\"@ID@\",\"NetworkSettings\":{\"Networks\":{\"$NET\":5}}}" "$SHAPE"
bad_ctr 'not JSON' ok "{\"Id\":\"@ID@\"," "not JSON"
bad_ctr 'trailing data' ok "{\"Id\":\"@ID@\"} x" "data after the JSON value"
bad_ctr 'HTTP 500' fail "" "HTTP 500"
bad_ctr 'huge' huge "" "over the size cap"
bad_ctr 'a stall' hang "" "no answer within 15s"

bad_ctr_addr() { # name, address, reason re
	mark
	ctr_body @ID@ "$(on_net "$2")"
	connect_and_wait
	check "inspection, $1: not listed" listed_set "$A1" "$A2"
	check "inspection, $1: refused, logged once" count_is \
		"Docker network $NET: address \"$2\" refused: $3" 1
}

bad_ctr_addr 'outside the subnet' 2001:db8:99::9 \
	"outside the network's IPv6 subnets"
bad_ctr_addr 'multicast' ff02::1 "."
bad_ctr_addr 'link-local' fe80::9 "."
bad_ctr_addr 'unspecified' :: "."
mark
ctr_body @ID@ "$(on_net "$A9" other)"
connect_and_wait
check "inspection, $A9 on a network not followed: not listed" \
	listed_set "$A1" "$A2"
check "inspection, a network not followed: nothing said" count_is "$A9" 0
ctr_body @ID@ "$OK_NETS"
connect_and_wait
check "inspection: valid again, $A9 listed" wait_until 2 \
	listed_set "$A1" "$A2" "$A9"
printf '{"Type":"container","Action":"die","Actor":{"ID":"%s"}}\n' "$CID" \
	>>"$FD/events.lines"
check "inspection: and gone at its die event" wait_until 2 \
	listed_set "$A1" "$A2"

# ---- an early read: the network's list before a slow inspection ------------

# Docker answers the inspection of a container being started only once its
# start ends (fake-docker's "slow": 2 s); a connect whose inspection has not
# answered within 250 ms is served by one read of its network for all that
# wait, of which only the waiting containers' addresses are taken, by an
# inspection's rules, and never announced. Each case has containers of its
# own, so that a slow inspection of one never answers inside another.
ecid() { # n (< 100): a container ID of its own, 64 characters
	printf 'e%02d%061d' "$1" "$1"
}

# The network with c1 and c2 as before, and these containers.
early_body() { # "ID IPv6Address"...
	local p id a
	{
		printf '{"Name":"%s","Id":"abc","IPAM":{"Config":[{"Subnet":"%s"}]},"Containers":{"c1":{"IPv6Address":"%s/112"},"c2":{"IPv6Address":"%s/112"}' \
			"$NET" "$SUBNET" "$A1" "$A2"
		for p; do
			read -r id a <<<"$p"
			printf ',"%s":{"IPv6Address":"%s"}' "$id" "$a"
		done
		printf '}}'
	} >"$FD/body.tmp" && mv "$FD/body.tmp" "$FD/body"
}

# Docker's connect events for the containers: run inspects each (slow).
connect_of() { # container...
	local c
	for c; do
		printf '{"Type":"network","Action":"connect","Actor":{"ID":"abc","Attributes":{"name":"%s","container":"%s"}}}\n' \
			"$NET" "$c" >>"$FD/events.lines"
	done
}

die_of() { # container
	printf '{"Type":"container","Action":"die","Actor":{"ID":"%s"}}\n' \
		"$1" >>"$FD/events.lines"
}

reads_since() { # connections to /networks before
	WHY="$(($(conns networks) - $1)) reads of the network, expected 1"
	[ "$(conns networks)" = $(($1 + 1)) ]
}

read_since() { # connections to /networks before
	[ "$(conns networks)" -gt "$1" ]
}

# The 30 s resync would read the network inside a case: one first, then
# the cases (some 20 s) fall between two.
wait_until 32 read_since "$(conns networks)" ||
	die "no resync of the network within 32 s"
sleep 0.3

mode containers slow
E1=$(ecid 1)
ctr_body @ID@ "$(on_net "$A9")"
early_body "$E1 $A9/112"
mark
n0=$(conns networks)
and_wait networks connect_of "$E1"
check "early read: $A9 listed before its inspection answers" listed_set \
	"$A1" "$A2" "$A9"
check "early read: not announced by it" count_is "ANNOUNCE $A9/128" 0
check "early read: one read of the network" reads_since "$n0"
check "early read: the inspection confirms it, and announces it" \
	wait_until 4 count_is "ANNOUNCE $A9/128" 1
check "early read: still listed, added once" count_is \
	"docker:$NET: $A9/128 added" 1
die_of "$E1"
check "early read: gone at its die event" wait_until 2 listed_set "$A1" "$A2"

# Three connects at once: one read serves them all; an inspection that
# does not list them removes them.
E2=$(ecid 2) E3=$(ecid 3) E4=$(ecid 4)
A4=2001:db8:1:0:d::4
ctr_body @ID@ ""
early_body "$E2 $A9/112" "$E3 $A3/112" "$E4 $A4/112"
mark
n0=$(conns networks)
and_wait networks connect_of "$E2" "$E3" "$E4"
check "early read, three connects: all listed" listed_set "$A1" "$A2" \
	"$A9" "$A3" "$A4"
check "early read, three connects: one read" reads_since "$n0"
check "early read: inspections that do not list them remove them" \
	wait_until 4 listed_set "$A1" "$A2"
check "early read: none of them announced" count_is "ANNOUNCE" 0

# A die before the inspection answers: gone, and not brought back by it.
E5=$(ecid 5)
ctr_body @ID@ "$(on_net "$A9")"
early_body "$E5 $A9/112"
mark
and_wait networks connect_of "$E5"
check "early read, then a die: listed first" listed_set "$A1" "$A2" "$A9"
die_of "$E5"
check "early read, then a die: gone at once" wait_until 1 listed_set \
	"$A1" "$A2"
sleep 2
check "early read, then a die: the late inspection adds nothing" listed_set \
	"$A1" "$A2"
check "early read, then a die: nothing announced" count_is "ANNOUNCE" 0

# Hostile early replies for a container of their own; its inspection (slow)
# lists nothing, so what is listed before it answers is the early read's.
EN=10
# In the containers, @ID@ is the case's container, @ID-@ its ID less the
# last character.
bad_early() { # name, line re or "", "ID IPv6Address"... or - and a raw body
	local name=$1 re=$2 id ct
	shift 2
	EN=$((EN + 1))
	id=$(ecid "$EN")
	mark
	if [ "$1" = - ]; then
		raw_body "$2"
	else
		ct=("${@//@ID-@/${id%?}}")
		early_body "${ct[@]//@ID@/$id}"
	fi
	n0=$(conns networks)
	and_wait networks connect_of "$id"
	WHY="no read of the network after the connect"
	check "early read, $name: the network read" read_since "$n0"
	check "early read, $name: nothing added" listed_set "$A1" "$A2"
	[ -z "$re" ] || check "early read, $name: refused, one line" \
		count_is "$re" 1
}

ctr_body @ID@ ""
bad_early "not a network" \
	"Docker network $NET: reply refused \\(not a network with a Containers object\\)" \
	- '{"Containers":[]}'
bad_early "c1's address" \
	"address \"$A1\" refused: another container's address" "@ID@ $A1/112"
bad_early "an address the reply gives another container too" \
	"address \"$A9\" refused: another container's address" \
	"@ID@ $A9/112" "c8 $A9/112"
bad_early "outside the network's subnet" \
	"address \"2001:db8:98::9\" refused: outside the network's IPv6 subnets" \
	"@ID@ 2001:db8:98::9/112"
bad_early "another container's Id" "" "$(ecid 99) $A9/112"
bad_early "an Id the one asked begins with" "" "@ID-@ $A9/112"
bad_early "multicast" "" "@ID@ ff02::9/112"
bad_early "link-local" "" "@ID@ fe80::9/64"
sleep 2 # the last inspections answer
check "early reads: nothing added by the inspections either" listed_set \
	"$A1" "$A2"
mode containers ok
net_body "$A1/112" "$A2/112"
poke_and_wait
check "early reads: readable again, read whole" listed_set "$A1" "$A2"

# ---- a huge reply -------------------------------------------------------------

mark
mode networks huge
poke_and_wait
sleep 1
check "huge reply: the last known set kept" listed_set "$A1" "$A2"
check "huge reply: one line says so" count_is "reply refused \\(over the size cap\\)" 1
check "huge reply: RSS of run bounded" rss_bounded
mode networks ok

# ---- an event line that never ends ------------------------------------------

mode events nonewline
check "no newline: the stream is dropped at the cap" wait_until 10 \
	log_has "$RUNLOG" "Docker event stream: an event line over 65536 octets refused"
check "no newline: RSS of run bounded" rss_bounded
check "no newline: the set kept" listed_set "$A1" "$A2"
mode events stream
check "no newline: a stream again" wait_until 20 log_has "$RUNLOG" \
	"Docker event stream: up again after"


# ---- an events endpoint that fails at once ------------------------------------

mark
t0=$(conns events)
n0=$(conns networks)
mode events fail # the stream ends; each reconnect gets HTTP 500
sleep 32 # a safety-net resync (every 30 s) falls inside
n=$(($(conns events) - t0))
WHY="$n connections to /events in 32 s (every second would be 32)"
check "failing events: reconnects back off ($n in 32 s)" test "$n" -le 7
WHY="no /networks request while /events failed"
check "failing events: the API still read" test "$(conns networks)" -gt "$n0"
check "failing events: one failure line" count_is "Docker event stream: " 1
mode events stream
mark
check "events back: up again, said once" wait_until 50 count_is \
	"Docker event stream: up again after" 1

# ---- a hung API -------------------------------------------------------------

mode networks hang
mode ping hang
poke # run asks: no answer
mode events hang
check "hung API: run says the API does not answer" wait_until 15 \
	log_has "$RUNLOG" "Docker API .*: .*; keeping the last known addresses, probing /_ping"
check "hung API: the set kept" listed_set "$A1" "$A2"
kill -HUP "$RUN_PID"
check "hung API: SIGHUP reloads at once" wait_until 2 log_has "$RUNLOG" \
	"reload: prefixes"

# ---- the API answers again ----------------------------------------------------

net_body "$A1/112" "$A3/112"
mode networks ok
mode events stream
mode ping ok
check "API back: resynced" wait_until 4 listed_set "$A1" "$A3"
check "API back: said once" count_is "Docker API answers again" 1

# ---- SIGTERM with the API hung ------------------------------------------------

mark
mode networks hang
mode ping hang
poke
mode events hang
wait_until 10 count_is "probing /_ping" 1 >/dev/null
bg_stop "$RUN_PID" TERM 2
rc=$?
WHY="exit status $(bg_status "$rc" 2); log: $(tail -n 3 "$RUNLOG" | oneline)"
check "hung API: SIGTERM: run exits 0 within 2 s" test "$rc" = 0
check "hung API: detached" test "$(xdp_mode "$NS_HOST" "$UPLINK")" = none
check "refusals summed up at exit" log_has "$RUNLOG" \
	"Docker: refused [1-9][0-9]* event lines .* 2 replies over .* 18 malformed replies, 29 invalid"

finish

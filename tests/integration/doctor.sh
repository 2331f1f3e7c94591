#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# `ndpresponder doctor` in the story's topology: healthy, it exits 0 and
# its probe gets the router's echo reply, native and generic; then each
# problem is made for real, one at a time, and doctor must name it with
# its fix and exit 1; where the fix is one command, run as printed, it
# must cure it.

. "$(dirname "$0")/lib.sh"

suite_up ip nsenter nft ip6tables ip6tables-nft sysctl awk grep diff sed

# Runs doctor; DOC is its output, RC its exit code.
doctor() { # args...
	run doctor "$UPLINK" "$@"
	DOC=$OUT
}

# The line after "MARK NAME:" (MARK ✘ unless given), without its "fix: ".
fix_of() { # name, [mark]
	awk -v n="${2:-✘} $1:" 'index($0, n) == 1 { getline; sub("^ *fix: ", ""); print; exit }' <<<"$DOC"
}

# doctor's output has "MARK NAME: ...FOUND..." and a fix holding FIX.
has_result() { # mark, name, found, fix
	local line fix
	line=$(grep -F -- "$1 $2:" <<<"$DOC" | head -n 1)
	fix=$(fix_of "$2" "$1")
	WHY="exit $RC; line '${line:-none}'; fix '${fix:-none}'"
	[[ $line == *"$3"* ]] && [[ $fix == *"$4"* ]]
}

# doctor exits 1, naming a failure; exits 0 with a warning.
names() { has_result "✘" "$@" && [ "$RC" = 1 ]; } # name, found, fix
warns() { has_result "!" "$@" && [ "$RC" = 0 ]; } # name, found, fix

# doctor has the line "✔ NAME: ...FOUND...".
says_ok() { # name, found
	local line
	line=$(grep -F -- "✔ $1:" <<<"$DOC" | head -n 1)
	WHY="exit $RC; line '${line:-none}'; all: $(grep -F -- " $1:" <<<"$DOC" | oneline)"
	[[ $line == *"$2"* ]]
}

healthy() {
	WHY="exit $RC: $(grep -E '^(✘|\?)' <<<"$DOC" | oneline)"
	[ "$RC" = 0 ]
}

# Each text line "MARK NAME: FOUND" is, in order, an element of the JSON
# array with that name, status and found.
json_matches() { # text, json
	local want got
	want=$(grep -E '^(✔|!|✘|\?) ' <<<"$1" | sed -E \
		-e 's/^✔ /ok|/' -e 's/^! /warn|/' -e 's/^✘ /fail|/' \
		-e 's/^\? /skipped|/' |
		awk '{ i = index($0, "|"); j = index($0, ": ")
			print substr($0, i + 1, j - i - 1) "|" substr($0, 1, i - 1) "|" substr($0, j + 2) }')
	got=$("$TEST_TOOL" json name status found <<<"$2")
	WHY="text and JSON differ: $(diff <(echo "$want") <(echo "$got") | head -n 4 | oneline)"
	[ -n "$want" ] && [ "$want" = "$got" ]
}

probe_ok() {
	ip -n "$NS_ROUTER" -6 neigh flush dev "$ROUTER_PORT"
	doctor --probe "$CT_IP"
	WHY="exit $RC: $(grep -E '(probe|^✘)' <<<"$DOC" | oneline)"
	[ "$RC" = 0 ] && grep -q '^✔ probe: .*replied' <<<"$DOC"
}

for mode in native generic; do
	ok attach "$UPLINK" "$CT_IP" -m "$mode" || die "cannot attach $mode"
	doctor
	check "$mode: healthy topology: doctor exits 0" healthy
	# A veth strips tags and (6.8+) reports them: native restores them.
	want=skb
	[ "$mode" = native ] && want=restored
	check "$mode: vlan-tags says $want" says_ok vlan-tags "$want"
	check "$mode: --probe $CT_IP gets the router's reply" probe_ok
	doctor
	text=$DOC
	doctor --json
	check "$mode: --json: one {name, status, found, fix} per text line" \
		json_matches "$text" "$DOC"
	ok detach "$UPLINK"
done
ok attach "$UPLINK" "$CT_IP" || die "cannot attach"

# --- forwarding off ----------------------------------------------------------
in_ns "$NS_HOST" sysctl -qw net.ipv6.conf.all.forwarding=0
doctor
check "forwarding off: named with its fix" names forwarding-all \
	"forwarding = 0" "sysctl -w net.ipv6.conf.all.forwarding=1"
in_ns "$NS_HOST" sh -c "$(fix_of forwarding-all | sed 's/, and the line.*//')" >/dev/null
in_ns "$NS_HOST" sysctl -qw "net.ipv6.conf.$UPLINK.forwarding=1"
doctor
check "forwarding: its fix cures it" healthy

# --- accept_ra with forwarding and a default route from RAs ------------------
run_or_die ip -n "$NS_HOST" -6 route replace default via "$ROUTER_IP" \
	dev "$UPLINK" proto ra
in_ns "$NS_HOST" sysctl -qw "net.ipv6.conf.$UPLINK.accept_ra=1"
doctor
check "accept_ra=1, forwarding, RA default route: named" names accept_ra \
	"from router advertisements" "net.ipv6.conf.$UPLINK.accept_ra=2"
in_ns "$NS_HOST" sysctl -qw "net.ipv6.conf.$UPLINK.accept_ra=2"
doctor
check "accept_ra=2: healthy" healthy
run_or_die ip -n "$NS_HOST" -6 route replace default via "$ROUTER_IP" \
	dev "$UPLINK"

# --- a drop rule in an nftables forward chain --------------------------------
in_ns "$NS_HOST" nft -f - <<EOF2 || die "cannot load the nft rule"
table inet ndpr_fw {
	chain forward {
		type filter hook forward priority filter; policy accept;
		ip6 daddr $CT_IP counter drop
	}
}
EOF2
doctor
check "nftables forward drop rule: named" names "firewall-forward $CT_IP/128" \
	"dropped by rule handle" "nft delete rule inet ndpr_fw forward handle"
in_ns "$NS_HOST" sh -c "$(fix_of "firewall-forward $CT_IP/128" | sed 's/ (or.*//')"
doctor
check "nftables: its fix (the rule deleted) cures it" healthy
in_ns "$NS_HOST" nft delete table inet ndpr_fw

# --- iptables-nft: FORWARD policy drop ----------------------------------------
in_ns "$NS_HOST" ip6tables-nft -P FORWARD DROP || die "ip6tables-nft failed"
doctor
check "ip6tables-nft FORWARD policy DROP: named" \
	names "firewall-forward $CT_IP/128" "policy of ip6 filter FORWARD" \
	"ip6tables -I FORWARD -d $CT_IP/128 -j ACCEPT"
# ip6tables is iptables-nft on Debian 12: the fix runs as printed.
in_ns "$NS_HOST" sh -c "$(fix_of "firewall-forward $CT_IP/128")"
doctor
check "ip6tables-nft: with -d accepted, the other way is named" \
	names "firewall-forward $CT_IP/128" "forwarded from" \
	"ip6tables -I FORWARD -s $CT_IP/128 -j ACCEPT"
in_ns "$NS_HOST" sh -c "$(fix_of "firewall-forward $CT_IP/128")"
doctor
check "ip6tables-nft: both accepts: healthy" healthy
in_ns "$NS_HOST" ip6tables-nft -F FORWARD
in_ns "$NS_HOST" ip6tables-nft -P FORWARD ACCEPT

# --- the container's route missing -------------------------------------------
run_or_die ip -n "$NS_HOST" -6 route del "$CT_IP/128" dev ct0
doctor
check "route missing: named" names "route $CT_IP/128" \
	"routed back out of $UPLINK" \
	"ip -6 route replace $CT_IP/128 dev"
run_or_die ip -n "$NS_HOST" -6 route add "$CT_IP/128" dev ct0
doctor
check "route back: healthy" healthy

# --- all-multicast off --------------------------------------------------------
run_or_die ip -n "$NS_HOST" link set "$UPLINK" allmulticast off
doctor
check "all-multicast off: named" names all-multicast "off" \
	"ip link set $UPLINK allmulticast on"
run_or_die ip -n "$NS_HOST" link set "$UPLINK" allmulticast on

# --- the responder detached ---------------------------------------------------
ok detach "$UPLINK"
doctor "$CT_IP"
check "detached: named" names responder "not attached" \
	"ndpresponder attach $UPLINK"
ok attach "$UPLINK" "$CT_IP" || die "cannot attach again"

# --- another XDP program on the uplink ----------------------------------------
ok detach "$UPLINK"
run_or_die ip -n "$NS_HOST" link set dev "$UPLINK" xdpdrv obj "$XDP_PASS_OBJ" sec xdp
doctor "$CT_IP"
check "another XDP program: named" names xdp "another XDP program" \
	"ip link set $UPLINK xdp off"
in_ns "$NS_HOST" sh -c "$(fix_of xdp | sed -E 's/.*remove it \(([^)]*)\).*/\1/')"
check "another XDP program: its 'xdp off' removes it" \
	test -z "$(xdp_prog_id "$NS_HOST" "$UPLINK")"
ok attach "$UPLINK" "$CT_IP" || die "cannot attach again"
doctor
check "responder back: healthy" healthy

# --- Docker's DOCKER-USER chain dropping traffic to the prefix -----------------
# As dockerd writes it: a DOCKER-USER chain, jumped to first from FORWARD,
# ending in RETURN; the user's drop rule in it.
in_ns "$NS_HOST" ip6tables-nft -N DOCKER-USER || die "ip6tables-nft -N failed"
in_ns "$NS_HOST" ip6tables-nft -I FORWARD -j DOCKER-USER
in_ns "$NS_HOST" ip6tables-nft -A DOCKER-USER -j RETURN
in_ns "$NS_HOST" ip6tables-nft -I DOCKER-USER -d "$CT_IP/128" -j DROP
doctor
check "DOCKER-USER drop: named" names "firewall-forward $CT_IP/128" \
	"of ip6 filter DOCKER-USER" "nft delete rule ip6 filter DOCKER-USER handle"
in_ns "$NS_HOST" sh -c "$(fix_of "firewall-forward $CT_IP/128" | sed 's/ (or.*//')"
doctor
check "DOCKER-USER: its fix (the rule deleted) cures it" healthy
in_ns "$NS_HOST" ip6tables-nft -F FORWARD
in_ns "$NS_HOST" ip6tables-nft -F DOCKER-USER
in_ns "$NS_HOST" ip6tables-nft -X DOCKER-USER

# --- prefixes that hold the gateway or the host's own address ------------------
doctor "2001:db8:1::/64"
check "a prefix holding the gateway: named" names "overlap 2001:db8:1::/64" \
	"holds the gateway $ROUTER_IP" \
	"ndpresponder prefix add $UPLINK $ROUTER_IP --exclude"
# Routed to the containers, so that the overlap is the only finding.
run_or_die ip -n "$NS_HOST" -6 route add 2001:db8:1::2/127 dev ct0
doctor "2001:db8:1::2/127"
check "a prefix holding the host's own address: a warning, exit 0" \
	warns "overlap 2001:db8:1::2/127" "holds the host's own $HOST_IP" \
	"ndpresponder prefix add $UPLINK $HOST_IP --exclude"
run_or_die ip -n "$NS_HOST" -6 route del 2001:db8:1::2/127 dev ct0

# --- the gateway's neighbour entry --------------------------------------------
gw_neigh() { # nud
	run_or_die ip -n "$NS_HOST" -6 neigh replace "$ROUTER_IP" \
		lladdr "$ROUTER_MAC" dev "$UPLINK" nud "$1"
}
doctor
check "gateway permanent: pinned" says_ok gateway-neighbour "pinned"
gw_neigh noarp
doctor
check "gateway noarp: pinned" says_ok gateway-neighbour "pinned"
gw_neigh reachable
doctor
check "gateway reachable: a warning, not pinned" warns gateway-neighbour \
	"not pinned" "nud noarp"
gw_neigh failed
doctor
check "gateway FAILED: named" names gateway-neighbour "unresolved" \
	"ip -6 neigh replace $ROUTER_IP lladdr ROUTER_MAC dev $UPLINK nud permanent"
run_or_die ip -n "$NS_HOST" -6 neigh del "$ROUTER_IP" dev "$UPLINK"
doctor
check "gateway without an entry: named" names gateway-neighbour "unresolved" \
	"nud permanent"
gw_neigh permanent

# --- proxy_ndp on -----------------------------------------------------------------
in_ns "$NS_HOST" sysctl -qw "net.ipv6.conf.$UPLINK.proxy_ndp=1"
doctor
check "proxy_ndp on: a warning, exit 0" warns proxy_ndp "on" \
	"net.ipv6.conf.$UPLINK.proxy_ndp=0"
in_ns "$NS_HOST" sysctl -qw "net.ipv6.conf.$UPLINK.proxy_ndp=0"

# --- the static build cannot read the firewall ----------------------------------
STATIC_BIN=$OUT_DIR/static/ndpresponder
[ -x "$STATIC_BIN" ] || die "$STATIC_BIN not built (make static)"
static_unchecked() {
	DOC=$(in_ns "$NS_HOST" "$STATIC_BIN" doctor "$UPLINK" "$CT_IP")
	RC=$?
	local line
	line=$(grep -F -- "? firewall:" <<<"$DOC")
	WHY="exit $RC; line '${line:-none}'; all: $(grep -E '^(✘|\?)' <<<"$DOC" | oneline)"
	[ "$RC" = 2 ] && [[ $line == *"not checked: this build has no libnftables"* ]] &&
		! grep -q '^✘' <<<"$DOC"
}
check "static build: the firewall 'not checked', exit 2" static_unchecked

# --- the probe counts the answers for its address, not all answers -------------
# The router floods solicitations for CT_IP (answered) while doctor probes
# CT2, which the responder does not answer: the router's NS for CT2 reaches
# the host's stack, and doctor must not take CT_IP's answers for CT2's.
CT2=2001:db8:1::200
ip -n "$NS_ROUTER" -6 neigh flush dev "$ROUTER_PORT"
before=$(counter answered)
flood_start "$WORK_DIR/flood" 1 60 10 "$CT_IP"
doctor --probe "$CT2" "$CT2/128"
flood_wait "$WORK_DIR/flood" || die "the flood failed: $(oneline <"$WORK_DIR/flood")"
check "probe under a flood for another address: answers rose" \
	counter_rose answered "$before" 20
check "probe of an unanswered address: 'nothing answered', not CT_IP's" \
	names probe "the router solicited $CT2 but nothing answered" \
	"prefix list $UPLINK must hold $CT2"

# --- a hypervisor that drops the answers --------------------------------------
in_ns "$NS_HV" nft insert rule bridge ndpr_hv prerouting iifname hv-h \
	icmpv6 type nd-neighbor-advert drop || die "cannot add the hv rule"
ip -n "$NS_ROUTER" -6 neigh flush dev "$ROUTER_PORT"
doctor --probe "$CT_IP"
check "hypervisor drops NAs: probe says answered but no reply" \
	names probe "answers for $CT_IP) but no reply" "Neighbor Advertisements"

finish

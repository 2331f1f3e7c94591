#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# `ndpresponder doctor` in the story's topology: healthy, it exits 0 and
# its probe gets the router's echo reply, native and generic; then each
# problem is made for real, one at a time, and doctor must name it with
# its fix and exit 1; where the fix is one command, run as printed, it
# must cure it.

. "$(dirname "$0")/lib.sh"

suite_up ip nsenter nft ip6tables ip6tables-nft sysctl awk grep diff

# Runs doctor; DOC is its output, RC its exit code.
doctor() { # args...
	run doctor "$UPLINK" "$@"
	DOC=$OUT
}

# The line after "✘ NAME:", without its "fix: ".
fix_of() { # name
	awk -v n="✘ $1:" 'index($0, n) == 1 { getline; sub("^ *fix: ", ""); print; exit }' <<<"$DOC"
}

# doctor exits 1, with "✘ NAME: ...FOUND..." and a fix holding FIX.
names() { # name, found, fix
	local line fix
	line=$(grep -F -- "✘ $1:" <<<"$DOC" | head -n 1)
	fix=$(fix_of "$1")
	WHY="exit $RC; line '${line:-none}'; fix '${fix:-none}'"
	[ "$RC" = 1 ] && [[ $line == *"$2"* ]] && [[ $fix == *"$3"* ]]
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

# --- a hypervisor that drops the answers --------------------------------------
in_ns "$NS_HV" nft insert rule bridge ndpr_hv prerouting iifname hv-h \
	icmpv6 type nd-neighbor-advert drop || die "cannot add the hv rule"
ip -n "$NS_ROUTER" -6 neigh flush dev "$ROUTER_PORT"
doctor --probe "$CT_IP"
check "hypervisor drops NAs: probe says answered but no reply" \
	names probe "solicited and answered" "Neighbor Advertisements"

finish

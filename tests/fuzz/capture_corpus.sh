#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Captures real Neighbor Discovery from the kernel and ndisc6 between two
# network namespaces, and writes each distinct frame as a seed of the XDP
# fuzzer (raw-frame inputs, kernel-N). Run by hand, as root, when the seeds
# should change; its output is committed. Not part of `make test`.
#
#   tests/fuzz/capture_corpus.sh [DIR]     (default tests/fuzz/corpus/xdp)
#
# What it captures: DAD probes with a nonce (RFC 7527) when the addresses
# come up, MLDv2 reports (behind a hop-by-hop header), ndisc6's NS, the
# kernel's multicast NS and unicast NUD probe (RFC 4861 §7.3.3, PROBE
# state), the NAs, an echo, and all of it again in an 802.1Q tag when the
# kernel has VLAN support (8021q).
set -eu
cd "$(dirname "$0")/../.."
dir=${1:-tests/fuzz/corpus/xdp}
gen=${OUTPUT:-build}/fuzz/gen_corpus

for t in ip tcpdump ndisc6 ping; do
	command -v $t >/dev/null || { echo "needs $t"; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)"; exit 1; }
make -s ${OUTPUT:+OUTPUT=$OUTPUT} "$gen"

id=$$
a=ndpr-cap-a-$id
b=ndpr-cap-b-$id
work=$(mktemp -d)
cleanup() {
	[ -n "${tcpdump_pid:-}" ] && kill "$tcpdump_pid" 2>/dev/null || true
	ip netns del "$a" 2>/dev/null || true
	ip netns del "$b" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

ip netns add "$a"
ip netns add "$b"
ip -n "$a" link add port address 02:00:00:00:01:01 type veth \
	peer name eth0 address 02:00:00:00:02:02 netns "$b"
vlan=
if ip -n "$a" link add link port name port.100 type vlan id 100 \
	2>/dev/null; then
	ip -n "$b" link add link eth0 name eth0.100 type vlan id 100
	vlan=1
else
	echo "no VLAN support in this kernel: no tagged frames"
fi
# The NUD probe comes 1 s after a stale entry is used, not 5.
ip netns exec "$a" sysctl -qw net.ipv6.neigh.port.delay_first_probe_time=1

# libpcap puts the offloaded 802.1Q tags back into the frames it saves.
# The port is up but has no address yet: its DAD probes come after.
ip -n "$a" link set port up
ip netns exec "$a" tcpdump -i port -U -s 2048 -w "$work/cap.pcap" \
	2>/dev/null &
tcpdump_pid=$!
sleep 1

for ns in "$a" "$b"; do
	ip -n "$ns" link set lo up
done
ip -n "$b" link set eth0 up
ip -n "$a" addr add 2001:db8:1::1/64 dev port
ip -n "$b" addr add 2001:db8:1::10/64 dev eth0
if [ -n "$vlan" ]; then
	ip -n "$a" link set port.100 up
	ip -n "$b" link set eth0.100 up
	ip -n "$a" addr add 2001:db8:100::1/64 dev port.100
	ip -n "$b" addr add 2001:db8:100::10/64 dev eth0.100
fi
sleep 3 # DAD

ip netns exec "$a" ndisc6 -1 -r 1 2001:db8:1::10 port >/dev/null || true
ip netns exec "$a" ndisc6 -1 -r 1 -s 2001:db8:1::1 2001:db8:1::10 port \
	>/dev/null || true
ip netns exec "$a" ping -c 1 -W 1 2001:db8:1::10 >/dev/null || true
[ -n "$vlan" ] &&
	ip netns exec "$a" ping -c 1 -W 1 2001:db8:100::10 >/dev/null
# A stale entry that gets used: DELAY, then PROBE with a unicast NS.
ip -n "$a" neigh change 2001:db8:1::10 dev port lladdr 02:00:00:00:02:02 \
	nud stale
ip netns exec "$a" ping -c 1 -W 1 2001:db8:1::10 >/dev/null || true
sleep 3
kill "$tcpdump_pid"
wait "$tcpdump_pid" 2>/dev/null || true
tcpdump_pid=

mkdir -p "$work/frames"
"$gen" pcap "$work/cap.pcap" "$work/frames" kernel
# One seed per distinct frame, numbered in capture order.
mkdir -p "$dir"
rm -f "$dir"/kernel-*
n=0
for f in $(ls "$work/frames" | sort -t- -k2 -n); do
	sum=$(md5sum <"$work/frames/$f" | cut -c1-32)
	[ -e "$work/seen-$sum" ] && continue
	touch "$work/seen-$sum"
	cp "$work/frames/$f" "$dir/kernel-$n"
	n=$((n + 1))
done
echo "$n distinct frames written to $dir"

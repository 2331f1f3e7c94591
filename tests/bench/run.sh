#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# `make bench`: runs every benchmark, prints one table, and writes the same
# figures to $OUTPUT/bench/results.json and a plot, bench.svg, which it
# also copies to docs/bench.svg for the README. A benchmark, not a test:
# it reports and asserts nothing (it exits non-zero only when it cannot
# measure). Needs root.
#
#   router ns                                   host ns
#   ndpr-rt ------------------- veth ------------------- ndpr-up
#   bench_flood: NS generator,                  the responder under test:
#   NA counter (XDP), prober                    ndpresponder, ndppd, or a
#                                               bare XDP_TX (bounce, touch)
#   CPU 0                                       CPU 1 (NAPI thread, ndppd)
#
# Each figure is the median of BENCH_RUNS runs (default 5), with min and
# max. BENCH_SECONDS sets the length of one flood run (default 2).
set -u

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Namespaces and background processes as the integration tests have them.
. "$BENCH_DIR/../integration/lib/proc.sh"
. "$BENCH_DIR/../integration/lib/netns.sh"
TEST_NAME=bench
REPO_DIR=$(cd "$BENCH_DIR/../.." && pwd)
OUT_DIR=${OUTPUT:-build}
case $OUT_DIR in /*) ;; *) OUT_DIR=$REPO_DIR/$OUT_DIR ;; esac
RES_DIR=$OUT_DIR/bench
NDPR_BIN=$OUT_DIR/ndpresponder
BENCH_PROG=$RES_DIR/bench_prog
BENCH_FLOOD=$RES_DIR/bench_flood

RUNS=${BENCH_RUNS:-5}
FLOOD_SECONDS=${BENCH_SECONDS:-2}
# The product against the minimal responder in turns within one flood
# (bench_flood --alternate): floods, their length, the turns' length.
ALT_RUNS=${BENCH_ALT_RUNS:-3}
ALT_SECONDS=${BENCH_ALT_SECONDS:-10}
ALT_PERIOD_MS=50
ALT_PIECE_RUNS=${BENCH_ALT_PIECE_RUNS:-2}
# The builds with one piece taken out, whole binaries (mk/bench.mk).
PIECES_DIR=$RES_DIR/pieces
PIECES="full without_counters without_events without_vlan without_guards
	without_na_csum without_rx_vlan_meta"
PROG_REPEAT=1000000
LATENCY_PROBES=1000 # a run, one at a time
LATENCY_RATE=1000   # probes a second
TARGETS=4096	    # targets of the flood, all in PREFIX
CP_SIZES="100000 1000000"
TRAFGEN_RATE=350000 # what trafgen reached by hand on the reference machine

PREFIX=2001:db8:1::/64 # entries.h: the hosts' /64
ROUTER_LL=fe80::1      # source of the generator's NS
ROUTER_MAC=02:00:00:00:01:01
HOST_MAC=02:00:00:00:02:02
RT_IF=ndpr-rt
UP_IF=ndpr-up
CP_IF=ndpr-cp0
GEN_CPU=0
RESP_CPU=1

NS_RT=ndpr-bench-rt-$RUN_ID
NS_UP=ndpr-bench-up-$RUN_ID

WORK_DIR=
NDPPD_PID=
SYS_UP=

msg() {
	echo "bench: $*" >&2
}

die() {
	msg "$*"
	exit 1
}

# ---- environment ----------------------------------------------------

if [ "$(id -u)" != 0 ]; then
	die "needs root (XDP, network namespaces, bpffs)"
fi
missing=
for t in unshare nsenter ip ethtool taskset pgrep bpftool ndppd gnuplot \
	awk sort; do
	command -v "$t" >/dev/null || missing="$missing $t"
done
[ -z "$missing" ] ||
	die "missing tools:$missing (tools/install-deps.sh installs them)"
for f in "$NDPR_BIN" "$BENCH_PROG" "$BENCH_FLOOD"; do
	[ -x "$f" ] || die "$f not built (run make bench)"
done
for p in $PIECES; do
	[ -x "$PIECES_DIR/$p/ndpresponder" ] ||
		die "$PIECES_DIR/$p/ndpresponder not built (run make bench)"
done
[ "$(nproc)" -ge 2 ] || die "needs 2 CPUs: a generator's and a responder's"

# A private mount namespace: the bpffs and sysfs mounted here vanish with
# it, even if this script is killed.
setup_private_mounts "$@"
mkdir "$WORK_DIR/sys-up"
# Figures gather in the work directory and reach $RES_DIR only when all
# are in: an interrupted run leaves the last complete one in place.
TSV=$WORK_DIR/results.tsv
MACHINE=$WORK_DIR/machine.tsv
: >"$TSV"

ndpr() {
	in_ns "$NS_UP" "$NDPR_BIN" "$@"
}

now_ns() {
	date +%s%N
}

# median, min and max of the numbers on stdin, as stats.h prints them.
stats_line() { # group, case, param, unit
	sort -g | awk -v g="$1" -v c="$2" -v p="$3" -v u="$4" '
		{ v[NR] = $1 }
		END {
			if (!NR) exit
			m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%s\t%s\t%s\t%s\t%.6g\t%.6g\t%.6g\t%d\n",
				g, c, p, u, m, v[1], v[NR], NR
		}'
}

# ---- the machine ------------------------------------------------------

# CPUs kept busy by everything else, over one second: the figures are only
# as good as the machine is quiet.
background_load() {
	local a b
	a=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat)
	sleep 1
	b=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 }' /proc/stat)
	echo "$a $b" | awk -v n="$(nproc)" \
		'{ printf "%.2f", n * ($3 - $1) / ($4 - $2) }'
}

machine() {
	local model mem commit
	model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	mem=$(awk '/^MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
	commit=$(git -C "$REPO_DIR" describe --always --dirty 2>/dev/null || echo unknown)
	{
		printf 'cpu\t%s\n' "$model"
		printf 'cpus\t%s\n' "$(nproc)"
		printf 'memory\t%s\n' "$mem"
		printf 'kernel\t%s\n' "$(uname -r)"
		printf 'virtualization\t%s\n' "$(systemd-detect-virt --vm 2>/dev/null || echo none)"
		printf 'os\t%s\n' "$(. /etc/os-release && echo "$PRETTY_NAME")"
		printf 'ndppd\t%s\n' "$(dpkg-query -W -f '${Version}' ndppd 2>/dev/null || echo unknown)"
		printf 'commit\t%s\n' "$commit"
		printf 'date\t%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
		printf 'runs\t%s\n' "$RUNS"
		printf 'load_before\t%s\n' "$(background_load)"
	} >"$MACHINE"
}

# ---- 1. per-packet cost ----------------------------------------------

bench_prog() {
	msg "per-packet cost through BPF_PROG_TEST_RUN ($RUNS runs of $PROG_REPEAT)"
	"$BENCH_PROG" --runs "$RUNS" --repeat "$PROG_REPEAT" \
		--sizes 1,1000,65536,1000000 >>"$TSV" ||
		die "bench_prog failed"
}

# ---- 2 and 3. answers over veth, latency ------------------------------

veth_up() {
	# The router sends nothing of its own: no IPv6 stack on its side.
	netns_add_no_ipv6 "$NS_RT"
	netns_add "$NS_UP"
	ip -n "$NS_RT" link add "$RT_IF" type veth peer name "$UP_IF" \
		netns "$NS_UP" || die "cannot create the veth pair"
	ip -n "$NS_RT" link set "$RT_IF" address "$ROUTER_MAC" up
	ip -n "$NS_UP" link set "$UP_IF" address "$HOST_MAC" up
	# ndppd answers to the solicitation's source: no resolution needed.
	ip -n "$NS_UP" -6 neigh replace "$ROUTER_LL" lladdr "$ROUTER_MAC" \
		dev "$UP_IF" nud permanent || die "cannot add the neighbour"
	# The host side's sysfs, for threaded NAPI.
	in_ns "$NS_UP" mount -t sysfs sysfs "$WORK_DIR/sys-up" ||
		die "cannot mount the host namespace's sysfs"
	SYS_UP=$WORK_DIR/sys-up/class/net/$UP_IF
}

# For the flood, the responder's veth polls in a NAPI thread on the
# responder's CPU, as a NIC queue would on its interrupt's CPU, and ndppd
# runs there too; the generator has CPU 0 to itself.
napi_pin() {
	local pid n=0

	echo 1 >"$SYS_UP/threaded" || die "cannot make $UP_IF's NAPI threaded"
	for pid in $(pgrep "^napi/$UP_IF"); do
		taskset -p -c "$RESP_CPU" "$pid" >/dev/null && n=$((n + 1))
	done
	[ "$n" -gt 0 ] || die "no NAPI thread of $UP_IF to pin"
	if [ -n "$NDPPD_PID" ]; then
		taskset -p -c "$RESP_CPU" "$NDPPD_PID" >/dev/null ||
			die "cannot pin ndppd"
	fi
	sleep 0.3
}

# For the latency, the kernel's defaults: NAPI in softirq on the CPU that
# raised it, ndppd wherever the scheduler puts it. A NAPI thread on the
# other, idle CPU would add the wake-up of a halted virtual CPU to every
# answer.
napi_unpin() {
	echo 0 >"$SYS_UP/threaded"
	if [ -n "$NDPPD_PID" ]; then
		taskset -p -c "0-$(($(nproc) - 1))" "$NDPPD_PID" >/dev/null
	fi
	sleep 0.3
}

ndppd_start() {
	cat >"$WORK_DIR/ndppd.conf" <<-EOF
		proxy $UP_IF {
		    router yes
		    rule $PREFIX {
		        static
		    }
		}
	EOF
	bg_start "$WORK_DIR/ndppd.log" "$NS_UP" ndppd -c "$WORK_DIR/ndppd.conf"
	NDPPD_PID=$(bg_pid "$WORK_DIR/ndppd.log")
	sleep 0.5
	kill -0 "$NDPPD_PID" 2>/dev/null ||
		die "ndppd did not start: $(cat "$WORK_DIR/ndppd.log")"
}

ndppd_stop() {
	kill "$NDPPD_PID" 2>/dev/null
	bg_join "$NDPPD_PID"
	NDPPD_PID=
}

# Puts a responder on the host's veth: native, generic (ndpresponder),
# ndppd, limit (bounce: XDP_TX of every frame, unchanged), touch (the
# same after reading the frame and swapping its MACs) or minimal (the
# reference: the least work an RFC-valid answer needs, bench.bpf.c).
responder_up() { # kind
	case $1 in
	native | generic)
		ndpr attach "$UP_IF" "$PREFIX" --mode "$1" >/dev/null ||
			die "ndpresponder attach --mode $1 failed"
		;;
	limit | touch)
		local prog=bounce
		[ "$1" = touch ] && prog=touch
		in_ns "$NS_UP" "$BENCH_FLOOD" attach "$UP_IF" "$prog" native ||
			die "cannot attach $prog"
		;;
	minimal)
		in_ns "$NS_UP" "$BENCH_FLOOD" attach "$UP_IF" minimal native \
			"$PREFIX" || die "cannot attach minimal"
		;;
	ndppd)
		ndppd_start
		;;
	esac
	# Without a native XDP program, a veth has NAPI (which frames sent
	# with ndo_xdp_xmit need) only with GRO on.
	case $1 in
	generic | ndppd)
		in_ns "$NS_UP" ethtool -K "$UP_IF" gro on >/dev/null ||
			die "cannot turn GRO on"
		;;
	esac
}

responder_down() { # kind
	case $1 in
	native | generic) ndpr detach "$UP_IF" >/dev/null ;;
	limit | touch | minimal) ip -n "$NS_UP" link set dev "$UP_IF" xdpdrv off ;;
	ndppd) ndppd_stop ;;
	esac
	in_ns "$NS_UP" ethtool -K "$UP_IF" gro off >/dev/null
}

flood() { # label, extra options...
	local label=$1
	shift
	in_ns "$NS_RT" "$BENCH_FLOOD" flood "$RT_IF" \
		--seconds "$FLOOD_SECONDS" --targets "$TARGETS" \
		--src "$ROUTER_LL" --cpu "$GEN_CPU" --resp-cpu "$RESP_CPU" \
		--label "$label" "$@" ||
		die "flood $label failed"
}

latency() { # label
	in_ns "$NS_RT" "$BENCH_FLOOD" latency "$RT_IF" --runs "$RUNS" \
		--count "$LATENCY_PROBES" --rate "$LATENCY_RATE" \
		--targets "$TARGETS" --src "$ROUTER_LL" --cpu "$GEN_CPU" \
		--label "$1" >>"$TSV" ||
		die "latency $1 failed"
}

# median, min and max of each figure in a file of single runs.
aggregate() { # file
	sort -t "$(printf '\t')" -k1,1 -k2,2 -k3,3 -k4,4 -k5,5g "$1" |
		awk -F'\t' '
		function flush() {
			if (n)
				printf "%s\t%.6g\t%.6g\t%.6g\t%d\n", key,
				       n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2,
				       v[1], v[n], n
			n = 0
		}
		{
			k = $1 "\t" $2 "\t" $3 "\t" $4
			if (k != key) {
				flush()
				key = k
			}
			v[++n] = $5
		}
		END { flush() }'
}

# native's answers over minimal's and over the bounce's, round by round:
# the two ran back to back, so a round's ratio is only as disturbed as
# those seconds were, where the ratio of medians mixes rounds.
round_ratios() { # file of single runs, in round order
	awk -F'\t' '
		$1 == "flood" && $2 == "answers" { v[$3] = $5 }
		$1 == "flood" && $2 == "answers" && $3 == "touch" {
			if (v["minimal"] > 0)
				printf "flood\tround-ratio\tminimal\t\t%.6g\t%.6g\t%.6g\t1\n",
				       v["native"] / v["minimal"], v["native"] / v["minimal"],
				       v["native"] / v["minimal"]
			if (v["limit"] > 0)
				printf "flood\tround-ratio\tlimit\t\t%.6g\t%.6g\t%.6g\t1\n",
				       v["native"] / v["limit"], v["native"] / v["limit"],
				       v["native"] / v["limit"]
			split("", v)
		}' "$1"
}

# The product as users attach it and the minimal responder, in turns of
# ALT_PERIOD_MS on the product's link through each flood: what slows the
# machine for a second weighs on both alike (tests/bench/alternate.h).
# Also each program's own time a packet in the flood, from the kernel's
# run-time statistics (turned on for the flood only). Then the same for
# each build of the pieces (mk/bench.mk): the responder without one
# piece, ALT_PIECE_RUNS floods each, in turn.
alternate_one() { # binary, label, floods
	local r link

	in_ns "$NS_UP" "$1" attach "$UP_IF" "$PREFIX" --mode native \
		>/dev/null || die "$2: attach failed"
	napi_pin
	link=$(echo "$NDPRESPONDER_PIN_ROOT"/net-*/"$UP_IF"/link)
	[ -e "$link" ] || die "no pinned link of $UP_IF"
	for r in $(seq "$3"); do
		flood "$2" --runs 1 --seconds "$ALT_SECONDS" \
			--alternate "$link" --host-mac "$HOST_MAC" \
			--prefix "$PREFIX" --period-ms "$ALT_PERIOD_MS"
	done
	napi_unpin
	in_ns "$NS_UP" "$1" detach "$UP_IF" >/dev/null || die "$2: detach failed"
}

alternate() {
	local p

	msg "the product and the minimal responder in turns:" \
		"$ALT_RUNS floods of ${ALT_SECONDS}s, ${ALT_PERIOD_MS} ms a turn"
	alternate_one "$NDPR_BIN" native "$ALT_RUNS"
	for p in $PIECES; do
		msg "the same for the build $p ($ALT_PIECE_RUNS floods)"
		alternate_one "$PIECES_DIR/$p/ndpresponder" "piece-$p" \
			"$ALT_PIECE_RUNS"
	done
}

bench_veth() {
	local kind r raw=$WORK_DIR/flood.tsv

	veth_up
	# Rounds of one run of each responder: whatever else the machine
	# does at a time weighs on all of them alike.
	: >"$raw"
	for r in $(seq "$RUNS"); do
		msg "answers a second over veth, round $r of $RUNS:" \
			"native minimal generic ndppd limit touch (${FLOOD_SECONDS}s each)"
		for kind in native minimal generic ndppd limit touch; do
			responder_up "$kind"
			napi_pin
			flood "$kind" --runs 1 >>"$raw"
			if [ "$kind" = ndppd ]; then
				# A flood drowns ndppd's socket; at trafgen's
				# rate it keeps a core busy answering.
				flood ndppd-paced --runs 1 \
					--rate "$TRAFGEN_RATE" >>"$raw"
			fi
			napi_unpin
			responder_down "$kind"
		done
	done
	round_ratios "$raw" >"$raw.ratios"
	cat "$raw.ratios" >>"$raw"
	alternate >>"$raw"
	aggregate "$raw" >>"$TSV"

	for kind in native generic ndppd; do
		msg "latency NS to NA: $kind ($RUNS runs of $LATENCY_PROBES at $LATENCY_RATE/s)"
		responder_up "$kind"
		latency "$kind"
		responder_down "$kind"
	done
}

# ---- 4. control plane --------------------------------------------------

# Memory of every map under the interface's pin directory, as bpftool
# reports it (bytes_memlock).
maps_bytes() {
	local m sum=0 b

	for m in "$NDPRESPONDER_PIN_ROOT"/net-*/"$CP_IF"/ndpr_*; do
		b=$(bpftool -j map show pinned "$m" 2>/dev/null |
			sed -n 's/.*"bytes_memlock":\([0-9]*\).*/\1/p')
		sum=$((sum + ${b:-0}))
	done
	echo "$sum"
}

bench_control() {
	local n r t0 t1 file times

	ip -n "$NS_UP" link add "$CP_IF" type veth peer name ndpr-cp1 ||
		die "cannot create $CP_IF"
	ip -n "$NS_UP" link set "$CP_IF" up
	for n in $CP_SIZES; do
		msg "prefix sync of $n entries ($RUNS runs)"
		file=$WORK_DIR/entries-$n
		"$BENCH_PROG" --entries "$n" >"$file" || die "bench_prog --entries"
		times=
		for r in $(seq "$RUNS"); do
			ndpr attach "$CP_IF" --mode generic --max-prefixes "$n" \
				>/dev/null || die "attach $CP_IF failed"
			t0=$(now_ns)
			ndpr prefix sync "$CP_IF" "$file" >/dev/null 2>&1 ||
				die "prefix sync of $n entries failed"
			t1=$(now_ns)
			times="$times $(awk -v d=$((t1 - t0)) 'BEGIN { print d / 1e9 }')"
			# The same in every run: taken once.
			[ "$r" = 1 ] && awk -v b="$(maps_bytes)" 'BEGIN { print b / 1048576 }' |
				stats_line control maps-memory "$n" MiB >>"$TSV"
			ndpr detach "$CP_IF" >/dev/null
		done
		printf '%s\n' $times | stats_line control sync "$n" s >>"$TSV"
	done
	rm -f "$WORK_DIR"/entries-*
}

# ---- report -------------------------------------------------------------

report() {
	awk -F'\t' -f "$BENCH_DIR/report.awk" "$MACHINE" "$TSV"
}

write_json() {
	awk -F'\t' -v mode=json -f "$BENCH_DIR/report.awk" \
		"$MACHINE" "$TSV" >"$RES_DIR/results.json"
}

plot() {
	awk -F'\t' -v mode=plot -v dir="$RES_DIR" -f "$BENCH_DIR/report.awk" \
		"$MACHINE" "$TSV" || return 1
	gnuplot -e "dir='$RES_DIR'" "$BENCH_DIR/plot.gp" >"$RES_DIR/bench.svg" ||
		return 1
	mkdir -p "$REPO_DIR/docs"
	cp "$RES_DIR/bench.svg" "$REPO_DIR/docs/bench.svg"
}

started=$(date +%s)
machine
load=$(awk -F'\t' '$1 == "load_before" { print $2 }' "$MACHINE")
if awk -v l="$load" 'BEGIN { exit !(l > 0.1) }'; then
	msg "warning: other processes keep $load CPUs busy; the figures will" \
		"be low and noisy"
fi
bench_prog
bench_veth
bench_control
printf 'load_after\t%s\n' "$(background_load)" >>"$MACHINE"
mkdir -p "$RES_DIR"
cp "$TSV" "$MACHINE" "$RES_DIR/"
TSV=$RES_DIR/results.tsv
MACHINE=$RES_DIR/machine.tsv
write_json
plot || die "the plot failed"
report
msg "done in $(($(date +%s) - started)) s: $RES_DIR/results.json," \
	"$RES_DIR/bench.svg (copied to docs/bench.svg)"

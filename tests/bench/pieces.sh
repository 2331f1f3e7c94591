#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# `make bench`, the cost of each piece: what the responder spends per
# answer beyond the minimal responder, piece by piece. A benchmark, not a
# test: it reports and asserts nothing (non-zero only when it cannot
# measure). Needs root.
#
# Each build of $OUTPUT/bench/pieces/ is the responder with one piece taken
# out (bpf/pieces.h; full.bpf.o as shipped, built the same way), measured
# by bench_prog --obj at 1 000 entries, on one CPU: from the prefix trie
# (ns-trie, the flood's responder) and from the /128 hash (ns-match), with
# the minimal responder (ns-minimal) in the same run. The builds run in
# turn, BENCH_PIECE_ROUNDS rounds (default 9), the order rotated every
# round; a round's figure is the minimum of 7 runs of 200 000 repeats.
# "saves" is, round by round, the full build's figure minus the piece's
# build's, so that what drifts between rounds cancels; every figure is
# the median over rounds [min-max].
#
# Writes the table to $OUTPUT/bench/pieces.txt (and prints it).
set -u

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$BENCH_DIR/../.." && pwd)
OUT_DIR=${OUTPUT:-build}
case $OUT_DIR in /*) ;; *) OUT_DIR=$REPO_DIR/$OUT_DIR ;; esac
RES_DIR=$OUT_DIR/bench
PIECES_DIR=$RES_DIR/pieces
BENCH_PROG=$RES_DIR/bench_prog
ROUNDS=${BENCH_PIECE_ROUNDS:-9}
CPU=${BENCH_PIECE_CPU:-1}
# Build name, then what it takes out, in the table's order.
BUILDS=(full without_counters without_events without_vlan without_guards
	without_na_csum)

die() {
	echo "pieces: $*" >&2
	exit 1
}

[ "$(id -u)" = 0 ] || die "needs root (BPF_PROG_TEST_RUN)"
command -v taskset >/dev/null || die "needs taskset (util-linux)"
[ -x "$BENCH_PROG" ] || die "no $BENCH_PROG: make bench-build"
for b in "${BUILDS[@]}"; do
	[ -f "$PIECES_DIR/$b.bpf.o" ] || die "no $PIECES_DIR/$b.bpf.o"
done
[ "$(nproc)" -gt "$CPU" ] || CPU=0

# One run of build b: lines "b case ns", the minimum of the runs.
measure() { # build
	local extra=
	[ "$1" = without_counters ] && extra=--uncounted
	taskset -c "$CPU" "$BENCH_PROG" --obj "$PIECES_DIR/$1.bpf.o" $extra \
		--runs 7 --repeat 200000 --sizes 1000 \
		--cases ns-trie,ns-match,ns-minimal |
		awk -v b="$1" '$1 == "prog" { print b, $2, $6 }'
}

raw=$(mktemp) || die "mktemp"
trap 'rm -f "$raw"' EXIT
n=${#BUILDS[@]}
for ((r = 0; r < ROUNDS; r++)); do
	echo "pieces: round $((r + 1)) of $ROUNDS" >&2
	for ((i = 0; i < n; i++)); do
		b=${BUILDS[$(((i + r) % n))]}
		out=$(measure "$b") || die "bench_prog failed on $b"
		[ "$(echo "$out" | wc -l)" = 3 ] || die "$b: no figures: $out"
		echo "$out" | sed "s/^/$r /" >>"$raw"
	done
done

awk -v rounds="$ROUNDS" -f - "$raw" <<'EOF' | tee "$RES_DIR/pieces.txt"
function median(list,    a, k, n, t, i, j) {
	n = split(list, a, " ")
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	k = (n % 2) ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
	return sprintf("%.0f [%d to %d]", k, a[1], a[n])
}
function add(key, v) { vals[key] = vals[key] " " v }
{ ns[$1, $2, $3] = $4; seen[$2] = 1 }
END {
	split("full without_counters without_events without_vlan " \
	      "without_guards without_na_csum", order, " ")
	what["full"] = "the responder as shipped"
	what["without_counters"] = "without the outcome counters"
	what["without_events"] = "without the event-token check"
	what["without_vlan"] = "without VLAN tag parsing"
	what["without_guards"] = "without the guards"
	what["without_na_csum"] = "without the NA's checksum"
	for (r = 0; r < rounds; r++) {
		add("ref", ns[r, "full", "ns-minimal"])
		for (i = 1; i in order; i++) {
			b = order[i]
			add(b "trie", ns[r, b, "ns-trie"])
			add(b "match", ns[r, b, "ns-match"])
			add(b "dtrie", ns[r, "full", "ns-trie"] - ns[r, b, "ns-trie"])
			add(b "dmatch", ns[r, "full", "ns-match"] - ns[r, b, "ns-match"])
		}
		add("over", ns[r, "full", "ns-trie"] - ns[r, "full", "ns-minimal"])
	}
	printf "5. The cost of each piece, ns per answer over the empty program, 1 000 entries\n"
	printf "   (BPF_PROG_TEST_RUN on one CPU; each build with one piece taken out,\n"
	printf "   bpf/pieces.h; a round: the minimum of 7 runs; median [min to max] of %d\n", rounds
	printf "   rounds; \"saves\": the full build minus the piece's build, round by round)\n"
	printf "   %-34s %-15s %-15s %-15s %-15s\n", "build", "from the trie", "saves", \
		"from a /128", "saves"
	printf "   %-34s %-15s %-15s %-15s\n", "minimal responder (reference)", \
		median(vals["ref"]), "", "-"
	for (i = 1; i in order; i++) {
		b = order[i]
		if (b == "full")
			printf "   %-34s %-15s %-15s %-15s\n", what[b], \
				median(vals[b "trie"]), "", median(vals[b "match"])
		else
			printf "   %-34s %-15s %-15s %-15s %-15s\n", what[b], \
				median(vals[b "trie"]), median(vals[b "dtrie"]), \
				median(vals[b "match"]), median(vals[b "dmatch"])
	}
	printf "   the responder over the reference, from the trie, round by round: %s ns\n", \
		median(vals["over"])
}
EOF

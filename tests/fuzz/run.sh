#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Runs both fuzzers for SECONDS each and prints a PASS or FAIL line for
# each, with executions, speed and coverage; `make fuzz` and smoke.sh call
# it once the fuzzers are built. Needs root (fuzz_xdp loads the program).
#
#   tests/fuzz/run.sh [--smoke] SECONDS
#
# The corpus grows in $OUTPUT/fuzz/corpus/NAME, seeded from the committed
# tests/fuzz/corpus/NAME, which is never written; --smoke starts from the
# seeds alone in $OUTPUT/fuzz/smoke. A mismatch or crash keeps its input
# in $OUTPUT/fuzz/artifacts/NAME/ and exits 1.
set -u
cd "$(dirname "$0")/../.."
smoke=
if [ "${1:-}" = --smoke ]; then
	smoke=1
	shift
fi
seconds=${1:-120}
out=${OUTPUT:-build}/fuzz
failed=0

# The XDP inputs are short descriptions or frames (xdp_input.h); longer
# ones only slow the mutations down. Docker's inputs are JSON replies and
# event streams, a few containers long.
declare -A max_len=([xdp]=512 [parsers]=1024 [docker]=4096)
declare -A dict=([xdp]= [parsers]=tests/fuzz/parsers.dict [docker]=)

stat_of() { # log, name: libFuzzer's -print_final_stats value
	sed -n "s/^stat::$2: *//p" "$1" | tail -n 1
}

run_one() { # name
	local name=$1 bin=$out/fuzz_$1 corpus art log rc execs rate last
	local cov ft corp

	if [ -n "$smoke" ]; then
		corpus=$out/smoke/corpus-$name
		rm -rf "$corpus"
		log=$out/smoke/$name.log
	else
		corpus=$out/corpus/$name
		log=$out/$name.log
	fi
	art=$out/artifacts/$name
	mkdir -p "$corpus" "$art"
	# A copy: libFuzzer writes new inputs into its first corpus dir.
	cp -n tests/fuzz/corpus/"$name"/* "$corpus"/
	if [ ! -x "$bin" ]; then
		echo "FAIL: fuzz_$name: $bin not built (make fuzz-build)"
		failed=1
		return
	fi
	echo "== fuzz_$name for $seconds s (log: $log)"
	NDPR_FUZZ_STATS=1 "$bin" -max_total_time="$seconds" -timeout=10 \
		-print_final_stats=1 -max_len="${max_len[$name]}" \
		${dict[$name]:+-dict=${dict[$name]}} \
		-artifact_prefix="$art/" "$corpus" >"$log" 2>&1
	rc=$?
	execs=$(stat_of "$log" number_of_executed_units)
	rate=$(stat_of "$log" average_exec_per_sec)
	last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1)
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
	ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
	corp=$(sed -n 's/.* corp: \([0-9]*\)\/.*/\1/p' <<<"$last")
	# The outcomes fuzz_xdp saw, per configuration.
	sed -n '/outcomes reached/,$p' "$log" | grep -v ' 0 *0 *0 *0$' |
		sed 's/^/  /'
	if [ "$rc" = 0 ] && [ -n "$execs" ]; then
		echo "PASS: fuzz_$name: $execs execs ($rate/s) in $seconds s," \
			"cov $cov, ft $ft, corpus $corp, no mismatch"
		return
	fi
	failed=1
	echo "FAIL: fuzz_$name: exit $rc after ${execs:-?} execs;" \
		"input: $(sed -n 's/.*Test unit written to //p' "$log" |
			tail -n 1)"
	# What broke: our own report up to libFuzzer's, or the sanitizer's
	# up to its summary.
	awk '/MISMATCH|BROKEN|ERROR: [A-Za-z]*Sanitizer|runtime error|^fuzz_/ {
		on = 1 }
	on { print "  " $0 }
	on && /deadly signal|^SUMMARY/ { exit }' "$log" | head -n 60
}

run_one xdp
run_one parsers
run_one docker
exit "$failed"

#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Runs the unit tests (build/tests/test_*) and the integration tests
# (tests/integration/*.sh), counts their PASS/FAIL lines and prints one
# closing line "N passed, N failed". Usage: tests/run.sh [unit|integration]
set -u
cd "$(dirname "$0")/.."
what=${1:-all}
out=${OUTPUT:-build}/tests/logs
mkdir -p "$out"

if [ "$(id -u)" != 0 ]; then
	echo "FAIL: tests need root (XDP, network namespaces, bpffs); run as root"
	echo "0 passed, 1 failed"
	exit 1
fi

passed=0
failed=0
run_one() { # name, command...
	local name=$1 log="$out/$1.log" rc
	shift
	echo "== $name"
	"$@" >"$log" 2>&1
	rc=$?
	grep -E '^(PASS|FAIL|SKIP)' "$log" | sed 's/^/  /'
	local p f
	p=$(grep -c '^PASS' "$log")
	f=$(grep -c '^FAIL' "$log")
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "  FAIL: $name exited $rc without a FAIL line; last lines of $log:"
		tail -n 15 "$log" | sed 's/^/    /'
		f=1
	fi
	if [ "$p" = 0 ] && [ "$f" = 0 ]; then
		echo "  FAIL: $name ran no check"
		f=1
	fi
	[ "$f" != 0 ] && echo "  (full log: $log)"
	passed=$((passed + p))
	failed=$((failed + f))
}

if [ "$what" = all ] || [ "$what" = unit ]; then
	for t in "${OUTPUT:-build}"/tests/test_*; do
		[ -x "$t" ] && run_one "unit-$(basename "$t")" "$t"
	done
fi
if [ "$what" = all ] || [ "$what" = integration ]; then
	for t in tests/integration/*.sh; do
		[ -f "$t" ] && run_one "integration-$(basename "$t" .sh)" bash "$t"
	done
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]

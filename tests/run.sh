#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Runs the unit tests (build/tests/test_*), the integration suites
# (tests/integration/*.sh), the VM test (tests/vm/run.sh) and the
# fuzzers' smoke run (tests/fuzz/smoke.sh), counts their PASS/FAIL lines
# and prints one closing line "N passed, N failed".
# Usage: tests/run.sh [unit|integration]
set -u
cd "$(dirname "$0")/.."
what=${1:-all}
bin=${OUTPUT:-build}/tests
out=$bin/logs
mkdir -p "$out"

UNIT_TESTS="test_announce test_docker test_docker_early test_doctor_fw test_events test_guards
	test_kernel test_log test_prefix test_metrics test_print test_route
	test_rx_vlan test_sync_plan test_xdp"
# The test bed first: when it fails, so do the others.
INTEGRATION="topology announce caps cli deps docker docker_hostile
	docker_static doctor faults first_contact guards image input install
	kubernetes lifecycle metrics migrate monitor ndisc6 package pins podman readme
	reload route router service soak vlan"

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
	"$@" </dev/null >"$log" 2>&1
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

# A FAIL line for each test FILE that its LIST above forgot.
unlisted() { # name, list, file...
	local name=$1 list=" $(tr -s ' \n\t' ' ' <<<"$2") " f t
	shift 2
	for f; do
		t=$(basename "$f")
		t=${t%.c}
		t=${t%.sh}
		[ "$t" = lib ] && continue
		if [[ $list != *" $t "* ]]; then
			echo "FAIL: $name: $f is not listed in tests/run.sh"
			failed=$((failed + 1))
		fi
	done
}

if [ "$what" = all ] || [ "$what" = unit ]; then
	unlisted unit "$UNIT_TESTS" tests/unit/test_*.c
	for t in $UNIT_TESTS; do
		if [ -x "$bin/$t" ]; then
			run_one "unit-$t" "$bin/$t"
		else
			echo "FAIL: unit-$t: $bin/$t not built (run make)"
			failed=$((failed + 1))
		fi
	done
fi
if [ "$what" = all ] || [ "$what" = integration ]; then
	unlisted integration "$INTEGRATION" tests/integration/*.sh
	for t in $INTEGRATION; do
		run_one "integration-$t" bash "tests/integration/$t.sh"
	done
	run_one vm bash tests/vm/run.sh
	run_one fuzz-smoke bash tests/fuzz/smoke.sh
fi

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]

#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The short run of both fuzzers that `make test` makes (tests/run.sh runs
# it): builds them if needed, then runs each
# FUZZ_SMOKE_SECONDS (default 15) from the seed corpus. Prints PASS/FAIL
# lines for tests/run.sh.
set -u
cd "$(dirname "$0")/../.."
out=${OUTPUT:-build}
mkdir -p "$out/fuzz/smoke"
log=$out/fuzz/smoke/build.log

if [ "$(id -u)" != 0 ]; then
	echo "FAIL: fuzz: fuzz_xdp loads the XDP program; run as root"
	exit 1
fi
if ! make -s OUTPUT="$out" fuzz-build >"$log" 2>&1; then
	if grep -q 'fsanitize=fuzzer fails' "$log"; then
		echo "FAIL: fuzz: clang cannot link libFuzzer: apt-get" \
			"install libclang-rt-14-dev (tools/install-deps.sh)"
	else
		echo "FAIL: fuzz: building the fuzzers failed;" \
			"last lines of $log:"
		tail -n 15 "$log" | sed 's/^/  /'
	fi
	exit 1
fi
exec tests/fuzz/run.sh --smoke "${FUZZ_SMOKE_SECONDS:-15}"

#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The fuzzers' smoke run (tests/fuzz/smoke.sh), here so that tests/run.sh
# counts its PASS/FAIL lines with the other integration tests.
exec "$(dirname "$0")/../fuzz/smoke.sh" "$@"

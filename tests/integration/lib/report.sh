# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# shellcheck shell=bash
# Reporting, for tests/run.sh: one "PASS: name" or "FAIL: name: why" line
# a check, and a closing line. A check's explanation of a failure is in
# WHY, which the checked command may set.

N_PASS=0
N_FAIL=0
WHY=

pass() { # name
	N_PASS=$((N_PASS + 1))
	echo "PASS: $1"
}

fail() { # name, why
	N_FAIL=$((N_FAIL + 1))
	echo "FAIL: $1: $2"
}

# Records one check: pass when the command succeeds. The command may set
# WHY to explain a failure (else WHY as set before the check is shown).
# Returns the command's success.
check() { # name, command...
	local name=$1
	shift
	WHY=${WHY:-"failed: $*"}
	if "$@"; then
		pass "$name"
		WHY=
		return 0
	fi
	fail "$name" "$WHY"
	WHY=
	return 1
}

# One check of a command that prints a summary of what it checked: the
# summary joins the check's name, and explains a failure.
check_summary() { # name, command...
	local name=$1 out rc
	shift
	out=$("$@")
	rc=$?
	WHY=$out
	check "$name ($out)" test "$rc" = 0
}

# GOT is WANT; WHY says what WHAT gave otherwise (empty: no answer).
is() { # what, got, want
	WHY="$1: expected ${3:-no answer}, got ${2:-no answer}"
	[ "$2" = "$3" ]
}

# One check that GOT is WANT (is alone only tests; it records nothing).
check_is() { # name, got, want
	check "$1" is "$1" "$2" "$3"
}

# Stops the script after a failure that makes every later check moot.
die() {
	fail "$TEST_NAME" "$*"
	exit 1
}

# Negates a command for check (`!` is not a command).
not() {
	! "$@"
}

# Joins lines, for one-line messages.
oneline() {
	tr '\n' ' '
}

finish() {
	echo "$TEST_NAME: $N_PASS passed, $N_FAIL failed"
	[ "$N_FAIL" = 0 ]
	exit
}

# Every missing tool is a FAIL line: CI must not pass by skipping.
require() { # tool...
	local t missing=0

	for t in "$@"; do
		if ! command -v "$t" >/dev/null; then
			fail "$TEST_NAME" "missing tool: $t"
			missing=1
		fi
	done
	[ "$missing" = 0 ] || exit 1
}

# What make builds; each missing one is a FAIL line. Default: all three.
require_built() { # [ndpresponder] [xdp_pass] [tool]
	local what
	[ $# -gt 0 ] || set -- ndpresponder xdp_pass tool
	for what; do
		case $what in
		ndpresponder) built -x "$NDPR_BIN" ;;
		xdp_pass) built -f "$XDP_PASS_OBJ" ;;
		tool) built -x "$TEST_TOOL" ;;
		*) die "require_built: unknown $what" ;;
		esac
	done
}

built() { # test, file
	[ "$1" "$2" ] || die "$2 not built (run make)"
}

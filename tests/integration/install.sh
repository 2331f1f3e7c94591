#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Packaging: `make install` with DESTDIR and PREFIX puts every file where it
# belongs, `make uninstall` takes them away, the unit passes
# `systemd-analyze verify`, the man page renders without warnings and
# covers every verb and every option that a --help prints, and the bash
# completion loads and completes. Needs no network namespace.

. "$(dirname "$0")/lib.sh"

UNIT_SRC=$REPO_DIR/packaging/ndpresponder@.service
DEST=
HELP_DIR=

# make in the repository, with the build directory of this test run.
repo_make() { # make arguments...
	make -C "$REPO_DIR" --no-print-directory ${OUTPUT:+OUTPUT="$OUTPUT"} "$@"
}

# The files `make install` installs, relative to DESTDIR, for PREFIX.
installed_files() { # prefix
	echo "$1/sbin/ndpresponder"
	echo "$1/share/man/man8/ndpresponder.8.gz"
	echo "$1/lib/systemd/system/ndpresponder@.service"
	echo "$1/share/bash-completion/completions/ndpresponder"
	echo "/etc/ndpresponder/ndpresponder.conf.example"
	echo "/etc/ndpresponder/ndpresponder.env.example"
}

mode_is() { # file, octal mode
	local m
	m=$(stat -c %a "$1" 2>/dev/null)
	WHY="$1 has mode ${m:-?}, expected $2"
	[ "$m" = "$2" ]
}

# ---- make install / uninstall ------------------------------------------

check_install() { # destdir, prefix, make arguments...
	local dest=$1 prefix=$2 f missing=''
	shift 2

	if ! repo_make DESTDIR="$dest" "$@" install >"$WORK_DIR/make.log" 2>&1; then
		fail "make install DESTDIR=...${*:+ $*}" \
			"failed: $(tail -n 5 "$WORK_DIR/make.log" | tr '\n' ' ')"
		return 1
	fi
	while read -r f; do
		[ -f "$dest$f" ] || missing+=" $f"
	done < <(installed_files "$prefix")
	if [ -n "$missing" ]; then
		fail "make install DESTDIR=...${*:+ $*}" "not installed:$missing"
		return 1
	fi
	pass "make install DESTDIR=...${*:+ $*} installs the binary, man page, unit, completion and example"
}

check_layout() {
	local d=$DEST unit=$DEST/usr/lib/systemd/system/ndpresponder@.service

	check "the binary is executable (0755)" \
		mode_is "$d/usr/sbin/ndpresponder" 755
	check "the man page is 0644" \
		mode_is "$d/usr/share/man/man8/ndpresponder.8.gz" 644
	check "the unit is 0644" mode_is "$unit" 644
	WHY="the installed man page is not gzip data"
	check "the man page is gzipped" gzip -t "$d/usr/share/man/man8/ndpresponder.8.gz"
	WHY="the installed binary differs from $NDPR_BIN"
	check "the installed binary is the built one" \
		cmp -s "$NDPR_BIN" "$d/usr/sbin/ndpresponder"
	if grep -q '@[A-Z]*@' "$unit"; then
		fail "the unit's placeholders are substituted" \
			"$(grep '@[A-Z]*@' "$unit")"
	else
		pass "the unit's placeholders are substituted"
	fi
	if grep -qx 'ExecStart=/usr/sbin/ndpresponder run -i %i -c /etc/ndpresponder/%i.conf $NDPRESPONDER_OPTS' "$unit"; then
		pass "ExecStart runs \$SBINDIR/ndpresponder run -i %i -c /etc/ndpresponder/%i.conf"
	else
		fail "ExecStart runs \$SBINDIR/ndpresponder run" \
			"got: $(grep '^ExecStart=' "$unit")"
	fi
	if zcat "$d/usr/share/man/man8/ndpresponder.8.gz" | grep -q '@[A-Z]*@'; then
		fail "the man page's placeholders are substituted" \
			"$(zcat "$d/usr/share/man/man8/ndpresponder.8.gz" | grep '@[A-Z]*@')"
	else
		pass "the man page's placeholders are substituted"
	fi
}

check_default_prefix() {
	local d=$WORK_DIR/dest-default

	check_install "$d" /usr/local || return
	WHY="found files outside /usr/local and /etc: $(find "$d" -type f | grep -v "^$d/usr/local/\|^$d/etc/")"
	check "the default PREFIX is /usr/local" \
		test -z "$(find "$d" -type f | grep -v "^$d/usr/local/\|^$d/etc/")"
}

check_uninstall() {
	local left

	if ! repo_make DESTDIR="$DEST" PREFIX=/usr uninstall >"$WORK_DIR/make.log" 2>&1; then
		fail "make uninstall" "failed: $(tail -n 5 "$WORK_DIR/make.log" | tr '\n' ' ')"
		return
	fi
	left=$(find "$DEST" -type f)
	WHY="left behind: $left"
	check "make uninstall removes every installed file" test -z "$left"
}

# ---- the unit ----------------------------------------------------------

check_unit() {
	local units=$WORK_DIR/units out rc

	if ! command -v systemd-analyze >/dev/null; then
		fail "systemd-analyze verify" \
			"missing tool: systemd-analyze (Debian package: systemd; tools/install-deps.sh installs it)"
		return
	fi
	# verify wants ExecStart's binary to exist: point it into DESTDIR.
	mkdir -p "$units"
	sed "s|^ExecStart=/usr/sbin/|ExecStart=$DEST/usr/sbin/|" \
		"$DEST/usr/lib/systemd/system/ndpresponder@.service" \
		>"$units/ndpresponder@.service"
	out=$(cd "$units" && systemd-analyze verify --man=no \
		./ndpresponder@eth0.service 2>&1)
	rc=$?
	# verify exits 0 after mere warnings; they count here.
	if [ "$rc" != 0 ] || grep -q ndpresponder <<<"$out"; then
		fail "systemd-analyze verify ndpresponder@eth0.service" \
			"exit $rc: $(tr '\n' ' ' <<<"$out")"
	else
		pass "systemd-analyze verify ndpresponder@eth0.service"
	fi

	WHY="no Restart=on-failure in $UNIT_SRC"
	check "the unit restarts on failure" grep -qx 'Restart=on-failure' "$UNIT_SRC"
	WHY="no ExecReload sending SIGHUP in $UNIT_SRC"
	check "the unit reloads with SIGHUP" \
		grep -qx 'ExecReload=/bin/kill -HUP $MAINPID' "$UNIT_SRC"
	WHY="$UNIT_SRC sets ProtectKernelTunables, which makes /sys/fs/bpf read-only"
	check "the unit can write its pins on /sys/fs/bpf" \
		bash -c '! grep -qi "^ProtectKernelTunables=\(yes\|true\|on\|1\)" "$1" &&
			grep -q "^ReadWritePaths=.*/sys/fs/bpf" "$1"' _ "$UNIT_SRC"
	WHY="SystemCallFilter= in $UNIT_SRC does not allow bpf()"
	check "the unit's syscall filter allows bpf()" \
		bash -c '! grep -q "^SystemCallFilter=" "$1" ||
			grep -Eq "^SystemCallFilter=([^~].*[[:space:]])?bpf([[:space:]]|$)" "$1"' \
		_ "$UNIT_SRC"
	WHY="no CapabilityBoundingSet= in $UNIT_SRC"
	check "the unit bounds its capabilities" \
		grep -q '^CapabilityBoundingSet=CAP_' "$UNIT_SRC"
	WHY="$UNIT_SRC: $(grep -E '^(Type|NotifyAccess)=' "$UNIT_SRC" | oneline)"
	check "the unit is Type=notify, from the main process" \
		bash -c 'grep -qx Type=notify "$1" && grep -qx NotifyAccess=main "$1"' \
		_ "$UNIT_SRC"
	WHY="$UNIT_SRC: $(grep -E '^(BindsTo|After)=' "$UNIT_SRC" | oneline)"
	check "the unit binds to the interface's device, and starts after it" \
		bash -c 'grep -qx "BindsTo=sys-subsystem-net-devices-%i.device" "$1" &&
			grep -Eq "^After=(.* )?sys-subsystem-net-devices-%i\.device( |$)" "$1"' \
		_ "$UNIT_SRC"
	WHY="$UNIT_SRC has a ConditionPathExists="
	check "the unit starts without a .conf (Docker-only setups)" \
		not grep -q '^ConditionPathExists=' "$UNIT_SRC"
}

# ---- the man page ------------------------------------------------------

# Every --help: the global one and each verb's, in HELP_DIR/VERB.
collect_help() {
	local v

	HELP_DIR=$WORK_DIR/help
	mkdir -p "$HELP_DIR"
	"$NDPR_BIN" --help >"$HELP_DIR/_global" 2>&1 ||
		die "ndpresponder --help failed"
	VERBS=$(awk '/^Verbs/ { on = 1; next } on && /^  [a-z]/ { print $1 }
		     on && /^$/ { exit }' "$HELP_DIR/_global")
	[ -n "$VERBS" ] || die "no verbs found in ndpresponder --help"
	for v in $VERBS; do
		"$NDPR_BIN" "$v" --help >"$HELP_DIR/$v" 2>&1 ||
			fail "ndpresponder $v --help" "exit status $?"
	done
}

# Long options of a --help: those of its usage (the first paragraph) and of
# its option lines, not those its prose refers to.
long_opts() { # help file
	awk 'NR == 1, /^$/ { print; next } /^ +-/' "$1" |
		grep -oE -- '--[a-z][a-z0-9-]*' | sort -u
}

# Short options of the "  -x, --long" lines.
short_opts() { # help file
	sed -nE 's/^ +(-[a-zA-Z]), --.*/\1/p' "$1" | sort -u
}

check_man() {
	local gz=$DEST/usr/share/man/man8/ndpresponder.8.gz
	local text=$WORK_DIR/man.txt src=$WORK_DIR/man.src err rc v o missing=''

	if ! command -v man >/dev/null || ! command -v groff >/dev/null; then
		fail "man -l renders the page" \
			"missing tool: man or groff (Debian packages: man-db, groff-base)"
		return
	fi
	err=$(MANWIDTH=80 MANPAGER=cat PAGER=cat man --warnings -l "$gz" \
		2>&1 >"$text")
	rc=$?
	if [ "$rc" != 0 ] || [ -n "$err" ] || [ ! -s "$text" ]; then
		fail "man -l renders the page without warnings" \
			"exit $rc: $(tr '\n' ' ' <<<"$err")"
	else
		pass "man -l renders the page without warnings"
	fi
	err=$(zcat "$gz" | groff -man -Tutf8 -ww -z 2>&1)
	WHY="groff warns: $(tr '\n' ' ' <<<"$err")"
	check "groff -man -ww has no warning" test -z "$err"

	# The page's text as written: \- is -, font changes go.
	zcat "$gz" | sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\&//g' >"$src"
	for v in $VERBS; do
		grep -q "^\.SS \"$v\( \|\"\)" "$src" || missing+=" $v"
	done
	WHY="verbs without a section of their own:$missing"
	check "the man page has a section for every verb" test -z "$missing"

	missing=''
	for v in _global $VERBS; do
		for o in $(long_opts "$HELP_DIR/$v"); do
			grep -qF -- "$o" "$src" || missing+=" ${v#_}:$o"
		done
	done
	WHY="options in --help but not in the man page:$missing"
	check "the man page covers every option of every --help" test -z "$missing"
	for o in ENVIRONMENT FILES SIGNALS "EXIT STATUS" EXAMPLES "SEE ALSO"; do
		WHY="no $o section"
		check "the man page has $o" grep -q "^\.SH \"\?$o\"\?$" "$src"
	done
	for o in NDPRESPONDER_LOG NDPRESPONDER_PIN_ROOT /sys/fs/bpf/ndpresponder \
		/etc/ndpresponder/ SIGHUP "bpftool (8)" "ndisc6 (8)"; do
		WHY="\"$o\" is not in the page"
		check "the man page mentions $o" grep -qF -- "$o" <(sed 's/^\.BR //' "$src")
	done
}

# ---- the example configuration ----------------------------------------

# Its commented-out entries, switched on, are entries ndpresponder takes:
# `prefix sync` reads the whole file before it looks for the responder.
example_parses() {
	local conf=$WORK_DIR/example.conf err

	sed -nE 's/^#((exclude )?[0-9a-f]*:[0-9a-f:/]*( route-check(=neigh)?)?)$/\1/p' \
		"$DEST/etc/ndpresponder/ndpresponder.conf.example" >"$conf"
	WHY="no commented-out entries found in the example"
	[ -s "$conf" ] || return 1
	mkdir -p "$WORK_DIR/no-pins"
	err=$(NDPRESPONDER_PIN_ROOT=$WORK_DIR/no-pins "$NDPR_BIN" prefix sync \
		ndpr-none "$conf" 2>&1)
	WHY="$(oneline <"$conf")- refused: $err"
	! grep -qF "$conf" <<<"$err" && grep -q "not attached" <<<"$err"
}

# ---- bash completion ---------------------------------------------------

# Runs the completion function on a command line in a fresh bash (set -u,
# so that unset variables show) and prints COMPREPLY, one a line.
complete_words() { # words... (the last one is completed)
	bash -c 'set -u
		. "$1" || exit 2
		shift
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="$*"
		COMP_POINT=${#COMP_LINE}
		_ndpresponder || exit 3
		printf "%s\n" "${COMPREPLY[@]}"' _ \
		"$DEST/usr/share/bash-completion/completions/ndpresponder" "$@"
}

replies_are() { # expected (space separated), words...
	local want=$1 got
	shift
	got=$(complete_words "$@" 2>&1 | tr '\n' ' ')
	got=${got% }
	WHY="\"$*\" completes to \"$got\", expected \"$want\""
	[ "$got" = "$want" ]
}

replies_include() { # expected word, words...
	local want=$1 got
	shift
	got=$(complete_words "$@" 2>&1)
	WHY="\"$*\" completes to \"$(tr '\n' ' ' <<<"$got")\", without $want"
	grep -qx -- "$want" <<<"$got"
}

with_pin_root() { # dir, command...
	NDPRESPONDER_PIN_ROOT=$1 "${@:2}"
}

# The completion offers a verb's long options exactly as its --help lists
# them (plus --help, which some usages leave out), and its short ones.
completion_matches_help() { # verb
	local v=$1 got o missing='' extra=''

	got=$(complete_words ndpresponder "$v" - 2>&1 | sed 's/=.*//')
	for o in $(long_opts "$HELP_DIR/$v") $(short_opts "$HELP_DIR/$v"); do
		grep -qxF -- "$o" <<<"$got" || missing+=" $o"
	done
	for o in $(grep -- '^--' <<<"$got"); do
		[ "$o" = --help ] && continue
		long_opts "$HELP_DIR/$v" | grep -qxF -- "$o" || extra+=" $o"
	done
	WHY="$v: missing from the completion:${missing:- none}; not in --help:${extra:- none}"
	[ -z "$missing" ] && [ -z "$extra" ]
}

check_completion() {
	local comp=$DEST/usr/share/bash-completion/completions/ndpresponder
	local out pins=$WORK_DIR/pins v ns

	out=$(bash -c 'set -u; . "$1" && complete -p ndpresponder' _ "$comp" 2>&1)
	WHY="sourcing it printed or failed: $out"
	check "the bash completion sources without error and registers itself" \
		test "$out" = "complete -F _ndpresponder ndpresponder"
	check "ndpresponder att<TAB> completes to attach" \
		replies_are attach ndpresponder att
	check "ndpresponder <TAB> offers every verb" \
		replies_are "$(tr '\n' ' ' <<<"$VERBS" | sed 's/ $//')" ndpresponder ""
	check "attach <TAB> offers interface names" \
		replies_include lo ndpresponder attach ""
	check "attach --mode <TAB> offers the modes" \
		replies_are "auto native generic" ndpresponder attach lo --mode ""
	check "prefix <TAB> offers the actions" \
		replies_are "add del list sync clear-conflict" ndpresponder prefix ""
	# Attached interfaces come from this network namespace's directories
	# in the pin root; another namespace's are not offered.
	ns=net-$(stat -L -c %i /proc/self/ns/net)
	mkdir -p "$pins/$ns/ndpr-a" "$pins/$ns/ndpr-b" "$pins/net-1/ndpr-c"
	for v in detach stats monitor "prefix list"; do
		# shellcheck disable=SC2086
		check "$v <TAB> offers the attached interfaces" \
			with_pin_root "$pins" replies_are "ndpr-a ndpr-b" \
			ndpresponder $v ""
	done
	for v in $VERBS; do
		check "the completion offers exactly the options of $v --help" \
			completion_matches_help "$v"
	done
}

# ---- main --------------------------------------------------------------

require make sed gzip zcat find stat cmp
require_built ndpresponder
trap cleanup EXIT
WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/ndpr-it-$TEST_NAME.XXXXXX") ||
	die "mktemp failed"
DEST=$WORK_DIR/dest

collect_help
if check_install "$DEST" /usr PREFIX=/usr; then
	check_layout
	check_unit
	check_man
	check_completion
	check "the example configuration's entries parse" example_parses
	check_uninstall
fi
check_default_prefix
finish

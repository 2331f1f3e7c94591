#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# tools/install-deps.sh --build keeps its promise: what apt would install
# for it on a machine with nothing installed (a simulation against an
# empty package database) holds no test-only or bench package outside
# Debian's base system (docker.io would replace a user's Docker CE), and
# it holds everything the build uses:
# the tools check-deps and make deb look for, the pkg-config modules of
# mk/config.mk's LIBS_PKG, every library the dynamic and the static link
# name (static archives included), and debian/control's Build-Depends.
# Reads Debian's package lists and database; installs nothing.

. "$(dirname "$0")/lib.sh"

DEPS=$REPO_DIR/tools/install-deps.sh
BUILD=
REST=
CLOSURE=
BAD=

# A make variable, as the Makefile's fragments compute it.
make_var() { # name...
	local v
	for v; do
		# shellcheck disable=SC2016 # $(...) is make's, not the shell's
		printf 'print:\n\t@echo $(%s)\n' "$v" |
			make -s --no-print-directory -C "$REPO_DIR" -f mk/config.mk \
				-f mk/static.mk -f - print
	done
}

# The package that owns PATH; Debian 12 records some files without /usr.
owner() { # path
	local p
	p=$(dpkg -S "$1" 2>/dev/null || dpkg -S "${1#/usr}" 2>/dev/null) ||
		return 1
	p=${p%%: *}
	echo "${p%%:*}"
}

# What apt would install for the build set on a machine with nothing
# installed: a simulation against an empty package database.
closure() {
	# shellcheck disable=SC2086
	apt-get -s -qq -o Dir::State::status=/dev/null -o Debug::NoLocking=1 \
		install --no-install-recommends $BUILD 2>&1 |
		awk '/^Inst /{print $2}' | sort -u
}

in_closure() { # package
	grep -qx "$1" <<<"$CLOSURE"
}

check_sets() {
	local p full both=''

	BUILD=$("$DEPS" --build --list) || die "install-deps.sh --build --list failed"
	REST=$("$DEPS" --test --list) || die "install-deps.sh --test --list failed"
	full=$("$DEPS" --list) || die "install-deps.sh --list failed"
	for p in $BUILD; do
		grep -qx "$p" <<<"$REST" && both+=" $p"
	done
	WHY="in both --build and --test:$both"
	check "the build set holds no package of the test-only set" test -z "$both"
	WHY="--list is not --build's and --test's packages"
	# shellcheck disable=SC2086 # one package a word
	check "the full set is the build set and the test-only set" \
		test "$(sort <<<"$full")" = "$(printf '%s\n' $BUILD $REST | sort)"
	WHY="install-deps.sh --bogus did not exit 2"
	check "install-deps.sh refuses an unknown argument (exit 2)" \
		test "$("$DEPS" --bogus >/dev/null 2>&1; echo $?)" = 2
}

check_no_test_packages() {
	local p prio bad='' n

	CLOSURE=$(closure)
	[ -n "$CLOSURE" ] || die "apt-get -s installs nothing (no package lists?)"
	for p in $REST; do
		in_closure "$p" || continue
		prio=$(apt-cache show "$p" 2>/dev/null |
			sed -n 's/^Priority: //p' | head -n 1)
		case $prio in
		required | important | standard) ;;
		*) bad+=" $p(pulled in, priority ${prio:-?})" ;;
		esac
	done
	n="$(wc -w <<<"$REST") checked, $(wc -l <<<"$CLOSURE") pulled in"
	WHY="test-only packages in the build set:$bad"
	check "the build set and what it pulls in hold no test-only package ($n)" \
		test -z "$bad"
	for p in docker.io containerd runc podman qemu-system-x86 prometheus nodejs; do
		WHY="$p is pulled in by the build set"
		check "the build set does not pull in $p" not in_closure "$p"
	done
}

# BAD gains NAME(why) unless PATH's package comes with the build set.
# realpath -s: the -dev package owns a .so link, not its target.
comes_with_build() { # name, path, resolve links (1/0)
	local p path=$2

	[ -e "$path" ] || { BAD+=" $1(not found)"; return; }
	if [ "$3" = 1 ]; then
		path=$(realpath "$path")
	else
		path=$(realpath -s "$path")
	fi
	p=$(owner "$path") || { BAD+=" $1(no package)"; return; }
	in_closure "$p" || BAD+=" $1($p)"
}

# Every tool the build runs comes with the build set.
check_tools() {
	local t

	BAD=''
	for t in $(make_var CLANG CC BPFTOOL PKG_CONFIG) make dpkg-buildpackage dh; do
		comes_with_build "$t" "$(command -v "$t" || echo "$t")" 1
	done
	WHY="tools outside the build set:$BAD"
	check "check-deps' tools, the compiler, make, make deb's: in the build set" \
		test -z "$BAD"
}

# Every pkg-config module, and every library the links name: the .so of
# the dynamic link, the .a of the static one.
check_libraries() {
	local m

	BAD=''
	for m in $(make_var LIBS_PKG); do
		comes_with_build "$m" "$(pkg-config --variable=pcfiledir "$m")/$m.pc" 0
	done
	WHY="pkg-config modules outside the build set:$BAD"
	check "LIBS_PKG's modules come with the build set" test -z "$BAD"

	check_link "library of the dynamic link" LIBS_LDLIBS so
	check_link "archive of the static link" STATIC_LDLIBS a
}

# Each -lNAME of the make variable: libNAME.SUFFIX's package.
check_link() { # what, make variable, suffix
	local l

	BAD=''
	for l in $(make_var "$2" | tr ' ' '\n' | sed -n 's/^-l//p'); do
		comes_with_build "lib$l.$3" "$(gcc -print-file-name="lib$l.$3")" 0
	done
	WHY="outside the build set:$BAD"
	check "every $1 comes with the build set" test -z "$BAD"
}

# debian/control's Build-Depends: in the build set, or provided by it.
check_build_depends() {
	local d bad='' provides

	# shellcheck disable=SC2086
	provides=$(apt-cache show $BUILD 2>/dev/null | sed -n 's/^Provides: //p' |
		tr ',' '\n' | sed 's/^ *//; s/ .*//')
	for d in $(sed -n '/^Build-Depends:/,/^[A-Z]/p' "$REPO_DIR/debian/control" |
		sed 's/^Build-Depends://; /^[A-Z]/d' | tr ',' '\n' |
		sed 's/(.*)//; s/^ *//; s/ *$//' | grep .); do
		in_closure "$d" || grep -qx "$d" <<<"$provides" || bad+=" $d"
	done
	WHY="Build-Depends outside the build set:$bad"
	check "debian/control's Build-Depends are all in the build set" test -z "$bad"
}

require apt-get apt-cache dpkg pkg-config gcc make realpath sed grep tr
check_sets
check_no_test_packages
check_tools
check_libraries
check_build_depends
finish

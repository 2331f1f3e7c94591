#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The commands the README and docs/ give a user are ones the current build
# takes: in every ```sh block, each `ndpresponder` command's verb (or the
# Go form) is one `help` knows, a `prefix` action is one prefix's help
# names, and each option is one its verb's --help (or the global --help)
# lists; each `make TARGET` is a target the Makefile has; each
# `tools/install-deps.sh` argument is one the script takes. Runs nothing
# that changes state; needs no network namespace.

. "$(dirname "$0")/lib.sh"

DOCS="README.md docs/performance.md docs/hardening.md"

# The shell lines of the ```sh blocks of FILE, continuations joined, each
# as "FILE:LINE: TEXT".
sh_lines() { # file
	awk -v f="$1" '
		/^```sh/ { on = 1; next }
		/^```/ { on = 0; next }
		on {
			if (cont == "") start = NR
			line = cont $0
			if (line ~ /\\$/) { sub(/\\$/, "", line); cont = line; next }
			cont = ""
			sub(/[ \t]+#.*$/, "", line)
			print f ":" start ": " line
		}' "$REPO_DIR/$1"
}

# The words after each command named NAME (or .../NAME) in the lines on
# stdin, where a command starts: first on the line, after a control
# operator, sudo, or `ssh HOST`. One "WHERE<TAB>WORDS" a command.
commands_of() { # name
	awk -v n="$1" '{
		for (i = 2; i <= NF; i++) {
			if ($i != n && $i !~ ("/" n "$")) continue
			p = i > 2 ? $(i - 1) : ";"
			if (p !~ /^(;|&&|\|\||\||\$\(|sudo)$/ &&
			    !(i > 3 && $(i - 2) == "ssh"))
				continue
			w = ""
			for (j = i + 1; j <= NF; j++) {
				if ($j ~ /^(\||&&|;|>|<|\)|2>)/) break
				w = w " " $j
			}
			print $1 "\t" w
		}
	}'
}

HELP_CACHE=$(mktemp -d)
trap 'rm -rf "$HELP_CACHE"' EXIT

help_of() { # verb ("" for the global help)
	local f=$HELP_CACHE/${1:-global}

	[ -f "$f" ] || {
		if [ -n "$1" ]; then "$NDPR_BIN" "$1" --help; else "$NDPR_BIN" --help; fi
	} >"$f" 2>&1
	cat "$f"
}

# BAD gains WHERE: WHY unless an ndpresponder command is one the build
# takes.
check_ndpr_command() { # where, words...
	local where=${1%:} verb='' w opt
	shift

	# Global options before the verb; the Go form's flags mean run.
	while [ $# -gt 0 ]; do
		case $1 in
		-j | -p | -v | --json | --pretty | --verbose) shift ;;
		-i | -n | -N) verb=run && break ;;
		*) break ;;
		esac
	done
	[ -n "$verb" ] || { verb=${1:-}; shift; }
	case $verb in
	'' | --version | -V | --help | -h) return ;;
	help) return ;;
	esac
	if ! "$NDPR_BIN" help "$verb" >/dev/null 2>&1; then
		BAD+=" [$where: no verb '$verb']"
		return
	fi
	if [ "$verb" = prefix ] && [ $# -gt 0 ] &&
		! help_of prefix | grep -qE "(prefix $1 |\b$1\b means)"; then
		BAD+=" [$where: no prefix action '$1']"
	fi
	for w; do
		case $w in
		--*) opt=${w%%=*} ;;
		-?) opt=$w ;;
		*) continue ;;
		esac
		help_of "$verb" | grep -qE -- "(^|[ ,\[])$opt([][ ,=]|$)" ||
			help_of "" | grep -qE -- "(^|[ ,])$opt([ ,=]|$)" ||
			BAD+=" [$where: $verb has no $opt]"
	done
}

check_ndpr_commands() {
	local f where words n=0

	BAD=''
	for f in $DOCS; do
		while IFS=$'\t' read -r where words; do
			# shellcheck disable=SC2086 # the command's words
			check_ndpr_command "$where" $words
			n=$((n + 1))
		done < <(sh_lines "$f" | commands_of ndpresponder)
	done
	WHY="commands the build does not take:$BAD"
	check "the docs' $n ndpresponder commands: verbs, actions, options it has" \
		test -z "$BAD"
	[ "$n" -ge 5 ] || fail "the docs' ndpresponder commands" "only $n found"
}

# "FILE:LINE:<TAB>OPTIONS" for each NDPRESPONDER_OPTS="OPTIONS" and
# ndpresponder:VERSION OPTIONS (the image's arguments) of FILE.
run_options_of() { # file
	local re='NDPRESPONDER_OPTS="[^"]*"|ndpresponder:[0-9.]+( +[^ \\`]+)*'

	grep -n -oE "$re" "$REPO_DIR/$1" |
		sed -E "s|^([0-9]+):|$1:\\1:\\t|
			s/\\tNDPRESPONDER_OPTS=\"(.*)\"/\\t\\1/
			s/\\tndpresponder:[0-9.]+/\\t/"
}

# run's options as the unit's .env (NDPRESPONDER_OPTS="...") and the
# image's arguments (ndpresponder:VERSION ARGS) give them.
check_run_options() {
	local f where words n=0

	BAD=''
	for f in $DOCS; do
		while IFS=$'\t' read -r where words; do
			# shellcheck disable=SC2086 # the options' words
			check_ndpr_command "$where" run $words
			n=$((n + 1))
		done < <(run_options_of "$f")
	done
	WHY="run options the build does not take:$BAD"
	check "the docs' $n NDPRESPONDER_OPTS and image arguments are run's options" \
		test -z "$BAD"
	[ "$n" -ge 3 ] || fail "the docs' run options" "only $n found"
}

check_make_targets() {
	local f where words t n=0

	BAD=''
	for f in $DOCS; do
		while IFS=$'\t' read -r where words; do
			for t in $words; do
				case $t in -* | *=*) continue ;; esac
				n=$((n + 1))
				make -n -C "$REPO_DIR" "$t" >/dev/null 2>&1 ||
					BAD+=" [$where: make $t]"
			done
		done < <(sh_lines "$f" | commands_of make)
	done
	WHY="targets the Makefile does not have:$BAD"
	check "the docs' $n make targets exist" test -z "$BAD"
}

check_install_deps() {
	local f where words n=0

	BAD=''
	for f in $DOCS; do
		while IFS=$'\t' read -r where words; do
			n=$((n + 1))
			# shellcheck disable=SC2086 # the command's arguments
			"$REPO_DIR/tools/install-deps.sh" $words --list >/dev/null 2>&1 ||
				BAD+=" [$where: install-deps.sh$words]"
		done < <(sh_lines "$f" | commands_of install-deps.sh)
	done
	WHY="arguments install-deps.sh refuses:$BAD"
	check "the docs' $n install-deps.sh commands take arguments it knows" \
		test -z "$BAD"
}

require awk grep make mktemp
require_built ndpresponder
check_ndpr_commands
check_run_options
check_make_targets
check_install_deps
finish

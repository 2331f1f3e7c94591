# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The layout of a --help text, as iproute2 and bpftool lay theirs out:
# prints one line per fault, NAME:LINE: what: the line, and exits 1 if
# there was one. A line over 80 columns is a fault. A block of entries
# is a run of lines that start with "  TERM" or "      --TERM" (a verb,
# an option and its value) and the lines continuing them: each entry's
# description starts in the block's one column, after two spaces or
# more, on the entry's line or (a long term) the next, and continued
# lines start there too. A term of prose ("--opt VALUE words") means a
# description one space away. Usage: awk -v name=NAME -f help_layout.awk
function fault(msg) { printf "%s:%d: %s: %s\n", name, NR, msg, $0; bad = 1 }
function close_block() {
	if (pending)
		fault("an entry without a description")
	open = 0
	col = 0
	pending = 0
}
# The column of the description of entry line s, 0 if on the next line,
# -1 if its term is prose.
function desc_col(s,   in_, rest, n) {
	match(s, /^ +/)
	in_ = RLENGTH
	rest = substr(s, in_ + 1)
	# the first gap of two spaces or more ends the term
	n = match(rest, /  +[^ ]/)
	if (!n)
		return term_ok(rest) ? 0 : -1
	return term_ok(substr(rest, 1, n - 1)) ? in_ + n + RLENGTH - 1 : -1
}
# A term is a word, or option spellings and their values (no prose).
# After its first word, a term has options, VALUEs and [optional] parts,
# or words after a comma ("--router, --dad").
function term_ok(term,   t, n, i) {
	n = split(term, t, / /)
	for (i = 2; i <= n; i++)
		if (t[i] !~ /^(-|[A-Z]|\[)/ && t[i - 1] !~ /,$/)
			return 0
	return 1
}
{
	if (length($0) > 80)
		fault("over 80 columns")
	if ($0 == "" || $0 !~ /^ /) {
		close_block()
		next
	}
	if ($0 ~ /^  [^ ]/ || $0 ~ /^      -/) {
		c = desc_col($0)
		if (c < 0) {
			fault("prose in a term (one space before the description?)")
			next
		}
		if (pending) fault("an entry without a description")
		if (!open) {
			open = 1
			col = c
		}
		if (c == 0) {
			pending = 1
			next
		}
		if (!col) col = c
		if (c != col) fault("description at column " c ", the block's is " col)
		pending = 0
		next
	}
	if (!open) next # a usage line's continuation
	match($0, /^ +/)
	c = RLENGTH + 1
	if (!col) col = c
	if (c != col) fault("continued at column " c ", the block's is " col)
	pending = 0
}
END { close_block(); exit bad }

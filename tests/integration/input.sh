#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Hostile input to the control plane (issue 13): prefix files that cannot
# be read, are not files, hold NULs, are empty or are caught half-written;
# excludes that must win over every entry; names and addresses that are
# nonsense; pins that are not ours. Each refusal is one line, exit 1, and
# nothing changed; a reload that cannot be applied keeps the set.

. "$(dirname "$0")/lib.sh"

suite_up ip nsenter ndisc6 bpftool nft sysctl awk sed prlimit truncate \
	mkfifo timeout

P=2001:db8:1::a:0/112		# answered in every version of every file
P_T=2001:db8:1::a:5
X=2001:db8:1::a:100/120		# excluded inside P
X_T=2001:db8:1::a:105		# a static /128 inside X
B=2001:db8:1::b:0/112
C=2001:db8:1::c:0/112
F=$WORK_DIR/prefixes.conf

# "prefix action" of each entry, sorted: what must not change.
entries() {
	ndpr prefix list "$UPLINK" 2>/dev/null | awk 'NR > 1 { print $1, $2 }' | sort
}

# Runs WRAP... ndpresponder ARGS in the host namespace, as run does.
WRAP=()
run_wrapped() { # args...
	OUT=$(in_ns "$NS_HOST" "${WRAP[@]}" "$NDPR_BIN" "$@" 2>"$WORK_DIR/stderr")
	RC=$?
	ERR=$(cat "$WORK_DIR/stderr")
}

# The last run exited 1 with exactly one line on stderr matching RE, and
# nothing on stdout.
refused() { # re
	WHY="exit $RC, stdout '$OUT', stderr '$ERR' (want one line matching '$1')"
	[ "$RC" = 1 ] && [ -z "$OUT" ] && [ "$(wc -l <<<"$ERR")" = 1 ] &&
		grep -Eq -- "$1" <<<"$ERR"
}

# Runs ndpresponder ARGS and checks it is refused as refused() says, with
# the prefixes as they were.
refuses() { # name, re, args...
	local name=$1 re=$2 before
	shift 2
	before=$(entries)
	run_wrapped "$@"
	check "$name: refused in one line" refused "$re"
	WHY="prefixes were: $(oneline <<<"$before"); are: $(entries | oneline)"
	check "$name: prefixes unchanged" test "$(entries)" = "$before"
}

ok attach "$UPLINK" "$P"

# ---- prefix files that are not files, or cannot be read -------------------

mkfifo "$WORK_DIR/fifo"
WRAP=(timeout 10)	# exit 124 if it blocks
refuses "sync FIFO" "is a FIFO" prefix sync "$UPLINK" "$WORK_DIR/fifo"

mkdir "$WORK_DIR/dir"
refuses "sync directory" "is a directory: a prefix file must be a regular file" \
	prefix sync "$UPLINK" "$WORK_DIR/dir"
refuses "sync /dev/zero" "is a device" prefix sync "$UPLINK" /dev/zero
# A regular file whose read fails: /proc/self/mem reads EIO at offset 0.
refuses "sync unreadable file" "couldn't read '/proc/self/mem': Input/output error" \
	prefix sync "$UPLINK" /proc/self/mem

# 4 GiB of one line (sparse): under a memory limit getline fails with
# ENOMEM, which used to read as the end of an empty file.
BIG=$WORK_DIR/big.conf
truncate -s 4G "$BIG"
WRAP=(prlimit --as=$((400 << 20)))
refuses "sync under a memory limit" "couldn't read .*Cannot allocate memory" \
	prefix sync "$UPLINK" "$BIG"
WRAP=()

printf '%s\0 route-check\n' "$B" >"$F"
refuses "sync NUL in a line" "prefixes.conf:1: a NUL octet in the line" \
	prefix sync "$UPLINK" "$F"

# ---- an empty file removes nothing unless --force ---------------------------

: >"$F"
refuses "sync empty file" "has no entries, so every static entry would go \(1\); add --force" \
	prefix sync "$UPLINK" "$F"
check "sync empty file: $P_T still answered" ndisc_answers "$P_T" "$HOST_MAC"
ok prefix sync "$UPLINK" "$F" --force
WHY="prefix list: $(entries | oneline)"
check "sync empty file --force: every entry removed" test -z "$(entries)"
ok prefix add "$UPLINK" "$P"

# ---- excludes win over every entry kind -------------------------------------

printf '%s\n' "$P" "exclude $X" "$X_T" >"$F"
run prefix sync "$UPLINK" "$F"
WHY="exit $RC, stderr '$ERR'"
check "sync /128 inside an exclude: done, saying which entry is not answered" \
	eval '[ "$RC" = 0 ] && [[ $ERR == *"$X_T/128 is inside the exclude $X"* ]]'
check "sync /128 inside an exclude: not installed" prefix_not_listed "$X_T/128"
check "sync /128 inside an exclude: $X_T unanswered" ndisc_unanswered "$X_T"
check "sync /128 inside an exclude: $P_T answered" ndisc_answers "$P_T" "$HOST_MAC"
refuses "prefix add /128 inside an exclude" "inside the exclude $X and would never be answered" \
	prefix add "$UPLINK" "$X_T"
printf '%s\n' "$P" "$X_T" >"$F"
ok prefix sync "$UPLINK" "$F"
check "static /128 without the exclude: answered" ndisc_answers "$X_T" "$HOST_MAC"
run prefix add "$UPLINK" "$X" --exclude
WHY="exit $RC, stdout '$OUT', stderr '$ERR'"
check "prefix add --exclude over a static /128: the /128 removed, said" \
	eval '[ "$RC" = 0 ] && [[ $OUT == *"removed 1 answered entry inside $X"* ]]'
check "prefix add --exclude over a static /128: $X_T unanswered" \
	ndisc_unanswered "$X_T"
refuses "upgrade adding a /128 inside an exclude there" "$X_T/128 would be inside the exclude $X" \
	attach "$UPLINK" "$X_T"
ok prefix del "$UPLINK" "$X"
refuses "attach with a /128 inside an exclude" "inside the exclude $X" \
	attach "$UPLINK" "$X_T" -x "$X"
ok prefix add "$UPLINK" "$X_T"
refuses "upgrade adding an exclude over a /128 there" "$X_T/128 would be inside the exclude $X" \
	attach "$UPLINK" -x "$X"
ok prefix del "$UPLINK" "$X_T"

# ---- nonsense names and addresses -------------------------------------------

LONG=$(printf 'e%.0s' $(seq 10000))
for verb in attach detach stats "prefix list" monitor; do
	# shellcheck disable=SC2086 # "prefix list" is two words
	refuses "$verb of a 10000-character interface" "is not an interface name" \
		$verb "$LONG"
done
refuses "announce on a 10000-character interface" "is not an interface name" \
	announce "$LONG" "$P_T"
refuses "attach ::ffff:192.0.2.1" "'::ffff:192.0.2.1' is IPv4-mapped" \
	attach "$UPLINK" ::ffff:192.0.2.1
refuses "announce --gateway ff02::1" "is not a router's unicast address" \
	announce "$UPLINK" "$P_T" --gateway ff02::1
refuses "announce on an interface with no responder" "ct0: no responder attached" \
	announce ct0 2001:db8:1::100

# ---- pins that are not ours -------------------------------------------------

CT0_PINS=$(netns_pin_dir "$NS_HOST" ct0)
mkdir -m 700 "$CT0_PINS"
bpftool map create "$CT0_PINS/ndpr_state" type array \
	key 4 value 8 entries 1 name keepme ||
	die "cannot pin a foreign map"
refuses "attach over a foreign ndpr_state" "ct0/ndpr_state is not ndpresponder's; attach never touches it: move it away" \
	attach ct0 2001:db8:1::100
run status
WHY="status: $ALL"
check "status agrees: the foreign pin named, and what to do" \
	eval '[[ $OUT == *"ct0: FOREIGN: "*"ct0/ndpr_state is not ndpresponder'"'"'s; move it away"* ]]'
check "the foreign pin is still there" \
	eval 'bpftool map show pinned "$CT0_PINS/ndpr_state" | grep -q keepme'
rm "$CT0_PINS/ndpr_state"
# A map of ours by name but not by shape (another version): the load
# fails before the verifier sees the program, and the line says so.
bpftool map create "$CT0_PINS/ndpr_hosts" type hash \
	key 4 value 8 entries 1 name ndpr_hosts || die "cannot pin a map"
run attach ct0 2001:db8:1::100
WHY="exit $RC, stderr '$ERR'"
check "attach over a map of another shape: one line, not the verifier's log" \
	eval '[ "$RC" = 1 ] && [ "$(wc -l <<<"$ERR")" = 1 ] &&
		[[ $ERR == *"maps pinned in"*"maps of another version?"* &&
		   $ERR != *verifier* ]]'
rm -f "$CT0_PINS/ndpr_hosts"
rmdir "$CT0_PINS" 2>/dev/null
ok detach "$UPLINK"

# ---- run: a reload that cannot be applied keeps the set ---------------------

LOG=$WORK_DIR/run-fifo.log
ndpr_bg "$LOG" run -i "$UPLINK" -c "$WORK_DIR/fifo"
bg_wait "$(bg_pid "$LOG")" 10
rc=$?
WHY="exit $(bg_status "$rc" 10); log: $(oneline <"$LOG")"
check "run -c FIFO: exits 1 at start with one line" \
	eval '[ "$rc" = 1 ] && [ "$(wc -l <"$LOG")" = 1 ] &&
		grep -q "is a FIFO" "$LOG"'

LOG=$WORK_DIR/run.log
printf '%s\n' "$P" "$B" >"$F"
start_service reload "$LOG" run -i "$UPLINK" -c "$F"
EXPECTED=$(entries)

# A read error at reload: the soft limit of the running service lowered
# (it dropped CAP_SYS_RESOURCE, so the hard one stays), the file 4 GiB.
vm=$(awk '/^VmSize:/ { print $2 }' "/proc/$RUN_PID/status")
prlimit --pid "$RUN_PID" --as=$(((vm << 10) + (64 << 20))): ||
	die "cannot lower the service's memory limit"
cp "$F" "$F.good"
ln -sf "$BIG" "$F"
check "reload under a memory limit: one line, the set kept" \
	reload_says "$LOG" "couldn't read .*Cannot allocate memory.*; keeping the prefixes as they are"
prlimit --pid "$RUN_PID" --as=unlimited: || die "cannot restore the limit"
ln -sf /proc/self/mem "$F"
check "reload of an unreadable file: one line, the set kept" \
	reload_says "$LOG" "couldn't read '.*': Input/output error.*; keeping"
rm "$F"
: >"$F"
check "reload of an empty file: refused, --force named" \
	reload_says "$LOG" "has no entries, so every static entry would go \(2\); run --force applies an empty file; keeping"
printf '%s\n' "$P" "$B" "ex clude" >"$F"
check "reload of a bad line: one line, the set kept" \
	reload_says "$LOG" "prefixes.conf:3: .*; keeping the prefixes as they are"
WHY="prefixes were: $(oneline <<<"$EXPECTED"); are: $(entries | oneline)"
check "reloads refused: prefixes unchanged" test "$(entries)" = "$EXPECTED"
n=$(grep -c "keeping the prefixes" "$LOG")
WHY="$n lines for 4 refused reloads: $(grep "keeping" "$LOG" | oneline)"
check "reloads refused: one line each" test "$n" = 4

# The measured race: the file rewritten in place (truncated, then
# written) as fast as cat can, with a SIGHUP after each write, while a
# flood asks for an address every version holds. None goes unanswered.
printf '%s\n' "# version A" "$P" "$B" >"$WORK_DIR/A"
printf '%s\n' "# version B" "$P" "$C" >"$WORK_DIR/B"
N=6000
answered0=$(counter answered)
nomatch0=$(counter passed-no-match)
flood_start "$WORK_DIR/race.flood" 1 "$N" 2000 "$P_T"
hups=0
end=$((SECONDS + 3))
while [ "$SECONDS" -lt "$end" ]; do
	cat "$WORK_DIR/A" >"$F"
	kill -HUP "$RUN_PID"
	cat "$WORK_DIR/B" >"$F"
	kill -HUP "$RUN_PID"
	hups=$((hups + 2))
done
check "race: $N solicitations for $P_T sent" flood_wait "$WORK_DIR/race.flood"
a=$(($(counter answered) - answered0))
m=$(($(counter passed-no-match) - nomatch0))
WHY="answered rose by $a, passed-no-match by $m, for $N solicitations"
check "race: $hups rewrites and SIGHUPs, every solicitation answered" \
	test "$a" = "$N" -a "$m" = 0
check "race: run still serving" proc_alive "$RUN_PID"
kill -HUP "$RUN_PID"
check "race: the last version applied once the file holds still" \
	wait_until 5 prefix_listed "$C"
sigterm_exits_0 race "$RUN_PID" "$LOG"

# ---- JSON log: map full and parse errors are JSON lines ---------------------

LOG=$WORK_DIR/run-json.log
printf '%s\n' "$P" >"$F"
start_service json "$LOG" run -i "$UPLINK" -c "$F" --log-format json \
	--max-prefixes 2
printf '%s\n' 2001:db8:1::d:1 2001:db8:1::d:2 2001:db8:1::d:3 >"$F"
check "json: a full map at reload is reported" \
	reload_says "$LOG" "needs 3 .?/128 entries, the map holds 2"
printf 'nonsense\n' >"$F"
check "json: a parse error at reload is reported" \
	reload_says "$LOG" "prefixes.conf:1: "
sigterm_exits_0 json "$RUN_PID" "$LOG"
out=$("$TEST_TOOL" json msg <"$LOG")
WHY="$(grep NOT-JSON <<<"$out" | head -n 3 | oneline)"
check "json: every line of the log is a JSON object" \
	eval '"$TEST_TOOL" json msg <"$LOG" >/dev/null'

finish

#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Soak: a paced flood of numbered solicitations during 60 s, for targets
# behind eight /128 entries and two /124 prefixes, and one never answered,
# while a loop adds and removes those entries one at a time and now and
# then syncs a random set (a third of the time the empty one, which empties
# both maps); the loop notes when each command started and returned. From
# the router's capture afterwards: no answer to a solicitation sent after
# its target's removal returned (unless re-added since), every
# solicitation sent while its target was present answered, exactly once;
# the counters agree with the capture.
#
# NDPR_SOAK_SECS and NDPR_SOAK_RATE set the length (60) and the rate of
# the flood (5000 solicitations a second).

. "$(dirname "$0")/lib.sh"

setup_private_mounts "$@"
require ip nsenter bpftool tcpdump sysctl awk sed sort comm timeout
require_built
ndpr_copy_bin
topology_up

SECS=${NDPR_SOAK_SECS:-60}
RATE=${NDPR_SOAK_RATE:-5000}
N=$((SECS * RATE))
# How long after its capture a solicitation may still meet the program:
# only a solicitation sent at least this long before a removal started
# must be answered. (The answers' delays are checked to stay below it.)
MARGIN=0.1

# The entries the loop adds and removes, and the targets each answers.
declare -A TARGETS_OF=()
ENTRIES=()
for i in $(seq 11 18); do
	ENTRIES+=("2001:db8:1::5:$i/128")
	TARGETS_OF[2001:db8:1::5:$i/128]=2001:db8:1::5:$i
done
ENTRIES+=(2001:db8:1::6:0/124 2001:db8:1::7:0/124)
TARGETS_OF[2001:db8:1::6:0/124]="2001:db8:1::6:1 2001:db8:1::6:9"
TARGETS_OF[2001:db8:1::7:0/124]=2001:db8:1::7:5
NEVER=2001:db8:1::9:9	# never answered
TARGETS=("$NEVER")
for e in "${ENTRIES[@]}"; do
	# shellcheck disable=SC2206 # a list of addresses
	TARGETS+=(${TARGETS_OF[$e]})
done

EVENTS=$WORK_DIR/events		# TARGET up|down STARTED RETURNED
CMDLOG=$WORK_DIR/commands	# failed commands
CAP=$WORK_DIR/soak.pcap
: >"$EVENTS"
: >"$CMDLOG"

# Notes that ENTRY went up or down between STARTED and RETURNED.
event() { # entry, up|down, started, returned
	local t
	for t in ${TARGETS_OF[$1]}; do
		echo "$t $2 $3 $4" >>"$EVENTS"
	done
}

# The counters of `stats` as "name value" lines.
stats_all() {
	ndpr stats "$UPLINK" --all 2>/dev/null | awk 'NF == 2 { print $1, $2 }'
}

# Initially: every other entry.
declare -A PRESENT=()
args=()
echo "$NEVER down 0 0" >>"$EVENTS"
for i in "${!ENTRIES[@]}"; do
	e=${ENTRIES[$i]}
	if [ $((i % 2)) = 0 ]; then
		PRESENT[$e]=1
		args+=("$e")
		event "$e" up 0 0
	else
		PRESENT[$e]=0
		event "$e" down 0 0
	fi
done
out=$(ndpr attach "$UPLINK" "${args[@]}" 2>&1) ||
	die "attach failed: $(oneline <<<"$out")"

before=$(stats_all)
flood_capture_start "$CAP" $((SECS + 60))
flood_start "$CAP.flood" 1 "$N" "$RATE" "${TARGETS[@]}"

# One command of the loop; a failed one is logged.
prefix_cmd() { # args...
	local out
	out=$(ndpr prefix "$@" 2>&1) ||
		echo "prefix $*: $(oneline <<<"$out")" >>"$CMDLOG"
}

n_add=0 n_del=0 n_sync=0 n_empty=0
declare -A WANT=()
while proc_alive "$(bg_pid "$CAP.flood")"; do
	if [ $((RANDOM % 4)) != 0 ]; then
		e=${ENTRIES[$((RANDOM % ${#ENTRIES[@]}))]}
		t0=$EPOCHREALTIME
		if [ "${PRESENT[$e]}" = 1 ]; then
			prefix_cmd del "$UPLINK" "$e"
			event "$e" down "$t0" "$EPOCHREALTIME"
			PRESENT[$e]=0
			n_del=$((n_del + 1))
		else
			prefix_cmd add "$UPLINK" "$e"
			event "$e" up "$t0" "$EPOCHREALTIME"
			PRESENT[$e]=1
			n_add=$((n_add + 1))
		fi
	else
		: >"$WORK_DIR/sync.conf"
		empty=$((RANDOM % 3 == 0))
		n_empty=$((n_empty + empty))
		for e in "${ENTRIES[@]}"; do
			WANT[$e]=0
			[ "$empty" = 0 ] && WANT[$e]=$((RANDOM % 2))
			[ "${WANT[$e]}" = 1 ] && echo "$e" >>"$WORK_DIR/sync.conf"
		done
		t0=$EPOCHREALTIME
		# An empty set is refused without --force (it would remove
		# every static entry); the soak means it.
		prefix_cmd sync "$UPLINK" "$WORK_DIR/sync.conf" --force
		t1=$EPOCHREALTIME
		for e in "${ENTRIES[@]}"; do
			[ "${WANT[$e]}" = "${PRESENT[$e]}" ] && continue
			if [ "${WANT[$e]}" = 1 ]; then
				event "$e" up "$t0" "$t1"
			else
				event "$e" down "$t0" "$t1"
			fi
			PRESENT[$e]=${WANT[$e]}
		done
		n_sync=$((n_sync + 1))
	fi
	sleep "0.0$((RANDOM % 9 + 1))"
done
check "soak: $N solicitations sent at $RATE/s" flood_wait "$CAP.flood"
read -r sent secs <"$CAP.flood"
echo "soak: flood of ${sent:-?} in ${secs:-?} s; $n_add adds, $n_del removals, $n_sync syncs ($n_empty to nothing)"
check "soak: the capture holds every answer given, lost nothing" flood_capture_stop "$CAP"
after=$(stats_all)

WHY="$(wc -l <"$CMDLOG") failed: $(head -n 3 "$CMDLOG" | oneline)"
check "soak: all $((n_add + n_del + n_sync)) prefix commands succeeded ($n_add add, $n_del del, $n_sync sync, $n_empty of them empty)" \
	test ! -s "$CMDLOG"

# The model's final set against the responder's.
want=$(for e in "${ENTRIES[@]}"; do
	[ "${PRESENT[$e]}" = 1 ] && echo "$e"
done | sort)
got=$(ndpr prefix list "$UPLINK" | awk 'NR > 1 { print $1 }' | sort) # header
WHY="expected: $(oneline <<<"$want"); listed: $(oneline <<<"$got")"
check "soak: prefix list is what the loop left" test "$got" = "$want"

flood_records "$CAP" >"$CAP.txt"

# Each numbered solicitation against its target's history. A target's
# state is known over [A, B] when its last change returned by A and the
# next one had not started by B; A is the solicitation's capture, B its
# answer's (or A + MARGIN when unanswered).
analysis=$(sort -k3,3n "$EVENTS" | awk -v first=1 -v last="$N" -v margin="$MARGIN" '
	FNR == NR {
		k = ++n[$1]; ty[$1, k] = $2; s[$1, k] = $3; r[$1, k] = $4
		next
	}
	$3 < first || $3 > last { next }
	$1 == "NS" { nst[$3] = $2; ntg[$3] = $4; next }
	$1 == "NA" { if ($3 in nat) dup++; nat[$3] = $2; nna++ }
	END {
		for (q = first; q <= last; q++) {
			if (!(q in nst)) { lost++; continue }
			T = ntg[q]; a = nst[q]; ans = q in nat
			if (!(T in n)) { stray++; continue }
			b = ans ? nat[q] : a + margin
			if (ans && nat[q] - a > maxlat) maxlat = nat[q] - a
			k = p[T]
			while (k < n[T] && r[T, k + 1] <= a) k++
			while (k > 1 && r[T, k] > a) k--
			p[T] = k
			if (k < n[T] && s[T, k + 1] <= b) { moving++; continue }
			if (ty[T, k] == "up") {
				present++
				if (!ans && ++missed <= 3)
					ex_m = ex_m sprintf(" #%d for %s at %s;", q, T, a)
			} else {
				absent++
				if (ans && ++wrong <= 3)
					ex_w = ex_w sprintf(" #%d for %s at %s answered at %s, removal returned %s;",
						q, T, a, nat[q], r[T, k])
			}
		}
		printf "lost %d stray %d dup %d missed %d wrong %d present %d absent %d moving %d answers %d maxlat %.6f\n",
			lost, stray, dup, missed, wrong, present, absent, moving, nna, maxlat
		printf "missed:%s\n", ex_m
		printf "wrong:%s\n", ex_w
	}' - "$CAP.txt")
read -r _ lost _ stray _ dup _ missed _ wrong _ present _ absent _ moving \
	_ answers _ maxlat <<<"$(head -n 1 <<<"$analysis")"
echo "soak: $present solicitations while their target was present, $absent while absent, $moving during a change; $answers answers; slowest answer ${maxlat}s"

WHY="$lost of the $N numbered solicitations not in the capture"
check "soak: every solicitation of the flood captured" test "$lost" = 0
WHY="${stray:-?} solicitations for targets not flooded"
check "soak: the capture holds only the flood's targets" test "${stray:-x}" = 0
WHY="$wrong answers:$(sed -n 's/^wrong://p' <<<"$analysis")"
check "soak: no answer for a target after its removal returned ($absent solicitations checked)" \
	test "${wrong:-x}" = 0 -a "${absent:-0}" -gt 0
WHY="$missed unanswered:$(sed -n 's/^missed://p' <<<"$analysis")"
check "soak: every solicitation while its target was present answered ($present checked)" \
	test "${missed:-x}" = 0 -a "${present:-0}" -gt 0
WHY="$dup solicitations answered twice"
check "soak: no solicitation answered twice" test "${dup:-x}" = 0
WHY="slowest answer ${maxlat}s"
check "soak: answers within the ${MARGIN}s margin the analysis assumes" \
	awk -v l="${maxlat:-9}" -v m="$MARGIN" 'BEGIN { exit !(l < m) }'

# Counters: one outcome a packet, and the capture's numbers.
value() { # stats lines, name
	awk -v n="$2" '$1 == n { print $2 }' <<<"$1"
}
delta() { # name
	echo $(($(value "$after" "$1") - $(value "$before" "$1")))
}
# events-suppressed is not an outcome: it counts log events, not packets.
sum_ok() {
	awk '$1 == "received" { r = $2; next }
		$1 == "events-suppressed" { next } { s += $2 }
		END { exit !(r == s && r > 0) }' <<<"$after"
}
WHY="stats: $(oneline <<<"$after")"
check "soak: answered + passed-* + invalid-* + error-* == received" sum_ok
d_ans=$(delta answered)
d_nomatch=$(delta passed-no-match)
d_invalid=$(for c in $(awk '$1 ~ /^invalid-|^error-/ { print $1 }' <<<"$after"); do
		delta "$c"
	done | awk '{ s += $1 } END { print s + 0 }')
ns_captured=$(awk -v l="$N" '$1 == "NS" && $3 >= 1 && $3 <= l' "$CAP.txt" | wc -l)
WHY="answered rose by $d_ans, the capture has $answers answers"
check "soak: answered counter == answers captured ($answers)" \
	test "$d_ans" = "$answers"
WHY="answered +$d_ans, passed-no-match +$d_nomatch, for $ns_captured solicitations captured"
check "soak: answered + passed-no-match == solicitations sent ($ns_captured)" \
	test $((d_ans + d_nomatch)) = "$ns_captured"
WHY="invalid-* and error-* rose by $d_invalid"
check "soak: no invalid or error outcome" test "$d_invalid" = 0

out=$(ndpr detach "$UPLINK" 2>&1)
rc=$?
WHY="exit $rc: $out; pins left: $(find "$NDPRESPONDER_PIN_ROOT" -mindepth 1 | oneline)"
check "soak: detach leaves no pins" \
	eval '[ "$rc" = 0 ] && [ -z "$(find "$NDPRESPONDER_PIN_ROOT" -mindepth 1)" ]'

finish

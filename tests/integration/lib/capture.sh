# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# shellcheck shell=bash
# Captures of Neighbor Discovery with tcpdump, each known by its file, and
# the readers of what they hold.

ND_FILTER='icmp6 and (ip6[40] == 135 or ip6[40] == 136)'

# Starts tcpdump writing ICMPv6 Neighbor Discovery on an interface to FILE
# and returns once it listens; capture_stop FILE ends it, at the latest
# after SECONDS (default 60) should this script be killed outright. More
# tcpdump options may follow.
capture_start() { # ns, iface, file, [seconds, tcpdump options...]
	local ns=$1 ifc=$2 file=$3 secs=${4:-60}
	shift $(($# < 4 ? $# : 4))
	bg_start "$file.err" "$ns" timeout "$secs" \
		tcpdump -i "$ifc" --immediate-mode -U "$@" -w "$file" "$ND_FILTER"
	wait_until 5 grep -q "listening on" "$file.err" ||
		die "tcpdump did not start: $(oneline <"$file.err")"
}

# A capture of the router's port large enough for a flood (a big kernel
# buffer, headers only). The uplink responder's answered counter at the
# start goes to FILE.answered, for flood_capture_stop.
flood_capture_start() { # file, seconds
	counter answered >"$1.answered"
	capture_start "$NS_ROUTER" "$ROUTER_PORT" "$1" "$2" -B 65536 -s 128
}

# Ends the capture of FILE. Fails, with WHY, when tcpdump lost packets
# (its "dropped by kernel" or "dropped by interface" count is not 0) or
# did not report its counts: checks of a flood then mean nothing.
capture_end() { # file
	local pid dropped
	pid=$(bg_pid "$1.err")
	# SIGTERM: background jobs of a script ignore SIGINT.
	kill -TERM "$pid" 2>/dev/null
	bg_join "$pid"
	dropped=$(awk '/packets dropped by (kernel|interface)/ { s += $1; n++ }
		END { if (n) print s }' "$1.err")
	WHY="tcpdump: $(oneline <"$1.err")"
	[ "${dropped:-x}" = 0 ]
}

# Stops the capture of FILE as capture_end does, once tcpdump has had a
# moment to write what just arrived.
capture_stop() { # file
	sleep 0.3
	capture_end "$1"
}

# Whether a flood's capture holds every answer the responder gave since
# flood_capture_start: its answered counter stopped moving (the same as
# at the last call, in FLOOD_ANSWERED) and the capture's NAs caught up.
flood_caught_up() { # file, answered at the start
	local now na
	now=$(counter answered)
	na=$("$TEST_TOOL" pcap "$1" "$FLOOD_SEQ_NET" |
		awk '$1 == "NA" { n++ } END { print n + 0 }')
	WHY="the answered counter rose by $((${now:-0} - $2)) (${now:-unreadable} now), the capture holds $na NAs"
	[ -n "$now" ] && [ "$now" = "$FLOOD_ANSWERED" ] &&
		[ "$na" -ge $((now - $2)) ]
	local ret=$?
	FLOOD_ANSWERED=$now
	return $ret
}

# The flood's capture holds an answer for each of SENT solicitations: how
# a flood across a migration, which restarts the counters, is caught up.
capture_has_all() { # file, sent
	local na
	na=$("$TEST_TOOL" pcap "$1" "$FLOOD_SEQ_NET" |
		awk '$1 == "NA" { n++ } END { print n + 0 }')
	WHY="the capture holds $na NAs for $2 solicitations"
	[ "$na" -ge "$2" ]
}

# Whether tcpdump wrote every packet its filter took: one it had not
# read when stopped is lost without a "dropped" count.
capture_all_written() { # file
	local n
	n=$(awk '/packets (captured|received by filter)$/ { print $1 }' "$1.err" |
		sort -u | wc -l)
	WHY="tcpdump stopped with packets unwritten: $(oneline <"$1.err")"
	[ "$n" = 1 ]
}

# Stops a flood's capture, after the flood, once it holds every answer
# given: on a loaded machine the last ones may take a while to reach
# tcpdump, and what it has not read when stopped is lost uncounted.
# Waits at most 30 s; fails, with WHY, when the capture ended before
# (its SECONDS bound: it cut the flood short), did not catch up, lost
# packets or left some unwritten.
flood_capture_stop() { # file
	local start end=$((SECONDS + 30)) caught=1 why
	read -r start <"$1.answered"
	if ! proc_alive "$(bg_pid "$1.err")"; then
		capture_end "$1"
		WHY="the capture ended before the flood did (its time bound): $WHY"
		return 1
	fi
	FLOOD_ANSWERED=
	WHY="no answered counter at the capture's start"
	while [ -n "$start" ] && [ "$SECONDS" -lt "$end" ]; do
		flood_caught_up "$1" "$start" && caught=0 && break
		sleep 0.1
	done
	why=$WHY
	capture_end "$1" && capture_all_written "$1" || return 1
	[ "$caught" = 0 ] || WHY="not caught up in 30 s: $why"
	return $caught
}

# Decodes a capture, one packet per line (tcpdump -e -vv continuation lines
# joined), optionally restricted by a tcpdump filter.
capture_text() { # file, [filter]
	tcpdump -r "$1" -nn -e -vv ${2:+"$2"} 2>/dev/null |
		awk '/^[0-9]/ { if (l != "") print l; l = $0; next }
		     { gsub(/^[ \t]+/, " "); l = l $0 }
		     END { if (l != "") print l }'
}

# Neighbor Advertisements in a capture whose target is TARGET.
captured_na() { # file, target
	capture_text "$1" 'icmp6 and ip6[40] == 136' | grep -F "tgt is $2,"
}

captured_ns() { # file, target
	capture_text "$1" 'icmp6 and ip6[40] == 135' | grep -E "who has $2( |$)"
}

# A flood's capture decoded: "NS|NA TIME SEQ TARGET R" a line (see
# ndpr-test-tool's pcap).
flood_records() { # file
	"$TEST_TOOL" pcap "$1" "$FLOOD_SEQ_NET"
}

# From a capture's records: every numbered solicitation FIRST to LAST (the
# ones captured when LAST is empty) was captured and has exactly one answer.
# Prints a summary, or the problems.
all_answered() { # records, first, [last]
	awk -v first="$2" -v last="${3:-0}" '
		$3 < first || (last && $3 > last) { next }
		$1 == "NS" { ns[$3] = 1; n_ns++; if ($3 > max) max = $3 }
		$1 == "NA" { na[$3]++; n_na++ }
		END {
			if (!last) last = max
			for (s = first; s <= last; s++) {
				if (!(s in ns)) { miss_ns++; if (!ex1) ex1 = s }
				else if (!(s in na)) { miss_na++; if (!ex2) ex2 = s }
				else if (na[s] > 1) { dup++; if (!ex3) ex3 = s }
			}
			printf "%d solicitations, %d answers", n_ns, n_na
			if (miss_ns) printf "; %d not captured (first #%d)", miss_ns, ex1
			if (miss_na) printf "; %d unanswered (first #%d)", miss_na, ex2
			if (dup) printf "; %d answered more than once (first #%d)", dup, ex3
			print ""
			exit (miss_ns || miss_na || dup || !n_ns)
		}' "$1"
}

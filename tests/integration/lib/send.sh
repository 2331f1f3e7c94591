# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# shellcheck shell=bash
# What the router sends: ndisc6's solicitations, and ndpr-test-tool's
# (invalid ones, thousands a second, numbered floods).

# Asks for TARGET with ndisc6 from the router's port; prints the link-layer
# address of the first answer. Extra ndisc6 options may follow.
ndisc() { # target, [ndisc6 options...]
	local target=$1
	shift
	in_ns "$NS_ROUTER" ndisc6 -1 -n -q -r 2 -w 700 "$@" "$target" \
		"$ROUTER_PORT" 2>/dev/null
}

# Checks that ndisc6 gets an answer for TARGET carrying MAC (in any case).
ndisc_answers() { # target, mac
	is "ndisc6 $1" "$(ndisc "$1" | tr '[:upper:]' '[:lower:]')" "${2,,}"
}

ndisc_unanswered() { # target
	is "ndisc6 $1" "$(ndisc "$1")" ""
}

# Sends COUNT solicitations for TARGET from the router's port and address;
# prints "SENT SECONDS".
send_ns() { # target, count, rate, hop limit
	in_ns "$NS_ROUTER" "$TEST_TOOL" ns "$ROUTER_PORT" "$ROUTER_MAC" \
		"$ROUTER_IP" "$@"
}

# Sources of the flood's solicitations: this /96, the last 32 bits a
# sequence number, which the advertisement answering one carries back as
# its destination.
FLOOD_SEQ_NET=2001:db8:1:0:5eed::

# Starts a flood from the router's port in the background: COUNT
# solicitations numbered from FIRST, at RATE a second, round robin over
# the TARGETs. The sender's result, "SENT SECONDS", goes to FILE, by
# which flood_wait and flood_stop know it.
flood_start() { # file, first, count, rate, target...
	local file=$1
	shift
	bg_start "$file" "$NS_ROUTER" "$TEST_TOOL" flood "$ROUTER_PORT" \
		"$ROUTER_MAC" "$FLOOD_SEQ_NET" "$@"
}

# Waits for the flood of FILE; fails unless it sent all it was asked to.
flood_wait() { # file
	local rc
	bg_join "$(bg_pid "$1")"
	rc=$?
	WHY="flood sender exit $rc: $(oneline <"$1")"
	[ "$rc" = 0 ]
}

# Ends a flood early (SIGTERM) and collects it as flood_wait does.
flood_stop() { # file
	kill -TERM "$(bg_pid "$1")" 2>/dev/null
	flood_wait "$1"
}

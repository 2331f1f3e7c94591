# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# shellcheck shell=bash
# Background processes: each started with bg_start is known by the file
# its output goes to (its PID in FILE.pid), and killed on exit unless
# waited for (bg_wait, bg_stop) or forgotten.

BG_PIDS=()

# Polls a command for up to TIMEOUT seconds (fractions allowed).
wait_until() { # timeout, command...
	local tries
	tries=$(awk -v t="$1" 'BEGIN { printf "%d", t * 10 }')
	shift
	while ! "$@"; do
		tries=$((tries - 1))
		[ "$tries" -gt 0 ] || return 1
		sleep 0.1
	done
}

# Kills the background jobs left. A waited-for PID may belong to someone
# else by then: bg_forget takes it off the list.
bg_cleanup() {
	local pid
	for pid in "${BG_PIDS[@]}"; do
		kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	BG_PIDS=()
}

bg_forget() { # pid
	local i
	for i in "${!BG_PIDS[@]}"; do
		[ "${BG_PIDS[$i]}" = "$1" ] && unset "BG_PIDS[$i]"
	done
}

# Starts COMMAND in network namespace NS in the background, stdout and
# stderr to FILE, stdin bg_start's own (bash would give it /dev/null):
# tests/vm/run.sh feeds qemu's console so. Not through in_ns: $! must be
# the command itself (nsenter execs it), not a subshell. Variables set
# before the call reach it.
bg_start() { # file, ns, command...
	local file=$1 ns=$2
	shift 2
	nsenter --net="/run/netns/$ns" "$@" <&0 >"$file" 2>&1 &
	BG_PIDS+=("$!")
	echo "$!" >"$file.pid"
}

# The PID of what bg_start started with its output to FILE.
bg_pid() { # file
	cat "$1.pid"
}

# PID is a running process (not gone, not a zombie).
proc_alive() { # pid
	local st
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$st" ] && [ "${st%% *}" != Z ]
}

# Waits for background job PID to end; returns its exit status.
bg_join() { # pid
	local rc
	# (bash reports a job killed by a signal on stderr: not a failure)
	wait "$1" 2>/dev/null
	rc=$?
	bg_forget "$1"
	return "$rc"
}

# Waits up to TIMEOUT seconds for background job PID to end by itself;
# returns its exit status, or 255 when it still runs.
bg_wait() { # pid, timeout
	wait_until "$2" not proc_alive "$1" || return 255
	bg_join "$1"
}

# Sends SIGNAL to background job PID and waits up to TIMEOUT seconds for
# it to end; returns its exit status (128 + the signal if it died of it).
# A job still running then is killed, and 255 returned.
bg_stop() { # pid, signal, timeout
	local rc
	kill -s "$2" "$1" 2>/dev/null
	bg_wait "$1" "$3"
	rc=$?
	[ "$rc" != 255 ] && return "$rc"
	kill -KILL "$1" 2>/dev/null
	bg_join "$1"
	return 255
}

# An exit status of bg_wait or bg_stop, for messages.
bg_status() { # rc, timeout
	if [ "$1" = 255 ]; then
		echo "none: still running after $2 s"
	else
		echo "$1"
	fi
}

# The effective capabilities of PID, as /proc/PID/status shows them.
cap_eff() { # pid
	awk '$1 == "CapEff:" { print $2 }' "/proc/$1/status" 2>/dev/null
}

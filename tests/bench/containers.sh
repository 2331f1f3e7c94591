#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# `make bench`, containers: a benchmark, not a test (it reports and
# asserts nothing). On the integration tests' topology (router,
# hypervisor bridge, host with a private dockerd):
#
#  1. Container start to first packet: `docker run -d` returns, then the
#     router pings the container at once (-c 1, from its global address,
#     so that ndppd's link-local answers are not what is measured); the
#     figure is ping's round trip, median, p99 and max of BENCH_STARTS
#     starts (default 20), for Docker mode (-N), static mode (-n, the
#     network's /112) and ndppd (a static rule for the /112).
#  2. BENCH_CONTAINERS containers (default 1000) started BENCH_PARALLEL
#     at a time (default 8): for each, from its network connect event
#     and from its start event (dockerd's clock, `docker events`' TimeNano)
#     to run's "docker:NET: ADDR/128 added" line (logged once the entry is
#     in the map, in ms; negative when it landed before the start, by an
#     early read), and from its start event to run's ANNOUNCE line; run's
#     CPU time and peak RSS over the burst, and its early reads of the
#     network (from the line it logs when it stops). Nothing polls the map
#     meanwhile (a `prefix list` of 1 000 entries every 50 ms cost more CPU
#     than run and skewed the figure); `prefix list` at the end checks
#     that the log tells the truth: the count of entries in the map.
#
# Writes the table to $OUTPUT/bench/containers.txt.

. "$(dirname "$0")/../integration/lib.sh"
. "$IT_DIR/lib/dockerd.sh"

STARTS=${BENCH_STARTS:-20}
MANY=${BENCH_CONTAINERS:-1000}
PAR=${BENCH_PARALLEL:-8}
NET=benchnet
SUBNET=2001:db8:1:0:b::/112
CT_NET=2001:db8:1:0:b::
IMAGE=ndpr-bb:1
RES_DIR=$OUT_DIR/bench
DK_LIFETIME=1800 # dockerd's, s: the burst outlasts a suite's 170
mkdir -p "$RES_DIR" || exit 1

suite_up ip nsenter ping dockerd docker containerd runc ndppd busybox \
	awk sort jq

dk_up "$IMAGE"
out=$(dk network create --ipv6 --subnet "$SUBNET" "$NET" 2>&1) ||
	die "docker network create: $out"

RUN_PID=
run_bg() { # args...
	ndpr_bg "$WORK_DIR/run.log" run -i "$UPLINK" "$@"
	RUN_PID=$(bg_pid "$WORK_DIR/run.log")
	wait_until 10 log_has "$WORK_DIR/run.log" "attached to $UPLINK" ||
		die "run did not attach: $(tail -n 3 "$WORK_DIR/run.log")"
	sleep 1
}

run_end() {
	kill -TERM "$RUN_PID" 2>/dev/null
	bg_join "$RUN_PID"
}

ndppd_bg() {
	cat >"$WORK_DIR/ndppd.conf" <<-EOF
		proxy $UPLINK {
		    rule $SUBNET {
		        static
		    }
		}
	EOF
	bg_start "$WORK_DIR/ndppd.log" "$NS_HOST" ndppd -c "$WORK_DIR/ndppd.conf"
	RUN_PID=$(bg_pid "$WORK_DIR/ndppd.log")
	sleep 1
}

# The round trips of the first ping to STARTS new containers, in ms.
first_packets() { # out file
	local i a rtt
	: >"$1"
	for i in $(seq "$STARTS"); do
		a=$(printf '%s%x' "$CT_NET" $((0x100 + i)))
		ip -n "$NS_ROUTER" -6 neigh flush dev "$ROUTER_PORT" \
			>/dev/null 2>&1
		dk run -d --name "b$i" --stop-signal KILL --network "$NET" \
			--ip6 "$a" "$IMAGE" sleep 600 >/dev/null ||
			die "docker run --ip6 $a failed"
		rtt=$(in_ns "$NS_ROUTER" ping -6 -n -c 1 -W 3 -I "$ROUTER_IP" \
			"$a" 2>/dev/null | sed -n 's/.*time=\([0-9.]*\) ms.*/\1/p')
		echo "${rtt:-3000}" >>"$1"
	done
	# shellcheck disable=SC2046
	dk rm -f $(dk ps -aq) >/dev/null 2>&1
}

# "median p99 max" of a file of numbers.
stats() { # file
	sort -n "$1" | awk '{ v[NR] = $1 }
		END {
			p = int(NR * 0.99 + 0.999); if (p > NR) p = NR
			printf "%.1f %.1f %.1f", v[int((NR + 1) / 2)], v[p], v[NR]
		}'
}

for mode in docker static ndppd; do
	case $mode in
	docker) run_bg -N "$NET" ;;
	static) run_bg -n "$SUBNET" ;;
	ndppd) ndppd_bg ;;
	esac
	first_packets "$WORK_DIR/first.$mode"
	if [ "$mode" = ndppd ]; then
		kill -TERM "$RUN_PID" 2>/dev/null
		bg_join "$RUN_PID"
	else
		run_end
	fi
	echo "bench: first packet, $mode: $(stats "$WORK_DIR/first.$mode")" >&2
done

# ---- a thousand containers ----------------------------------------------

cpu_ticks() { # pid: utime + stime
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

run_bg -N "$NET"
EV=$WORK_DIR/events
timeout 900 docker events --format \
	'{{.TimeNano}} {{.Action}} {{.Actor.ID}} {{index .Actor.Attributes "container"}}' \
	--filter event=connect --filter event=start >"$EV" 2>/dev/null &
EV_PID=$!
sleep 0.5
c0=$(cpu_ticks "$RUN_PID")
t0=$(date +%s%N)
seq "$MANY" | xargs -P "$PAR" -I{} timeout 120 docker run -d --name "m{}" \
	--stop-signal KILL --network "$NET" "$IMAGE" sleep 3600 \
	>/dev/null 2>>"$WORK_DIR/run_errors"
t1=$(date +%s%N)
[ -s "$WORK_DIR/run_errors" ] &&
	echo "bench: docker run failed $(grep -c . "$WORK_DIR/run_errors") times; first: $(head -n 2 "$WORK_DIR/run_errors" | oneline); dockerd: $(tail -n 3 "$DK/dockerd.log" | oneline)" >&2
# Until every address is announced, or 30 s without progress.
announced() {
	grep -c "ANNOUNCE $CT_NET" "$WORK_DIR/run.log"
}
n=0 last=-1 idle=0
while [ "$idle" -lt 30 ]; do
	n=$(announced)
	[ "$n" -ge "$MANY" ] && break
	if [ "$n" = "$last" ]; then idle=$((idle + 1)); else idle=0; fi
	last=$n
	sleep 1
done
c1=$(cpu_ticks "$RUN_PID")
hwm=$(awk '$1 == "VmHWM:" { print $2 }' "/proc/$RUN_PID/status")
rss=$(awk '$1 == "VmRSS:" { print $2 }' "/proc/$RUN_PID/status")
kill "$EV_PID" 2>/dev/null
wait "$EV_PID" 2>/dev/null
started=$(dk ps -q | wc -l)
in_map=$(ndpr prefix list "$UPLINK" 2>/dev/null |
	awk -v o="docker:$NET" '$NF == o' | wc -l)

# Container ID -> address; the first of run's lines matching re, as
# "address ms-of-the-day"; then, in ms, an event to such a line.
dk network inspect "$NET" | jq -r '.[0].Containers | to_entries[] |
	"\(.key) \(.value.IPv6Address | sub("/.*"; ""))"' >"$WORK_DIR/addrs"
run_lines() { # re, out file
	grep -E "$1" "$WORK_DIR/run.log" | sed 's|/128\( added\)*$||' |
		awk '{ sub("Z$", "", $1); split($1, d, "T"); split(d[2], h, ":")
			if (!($NF in t)) printf "%s %.3f\n", $NF,
				(h[1] * 3600 + h[2] * 60 + h[3]) * 1000
			t[$NF] = 1 }' >"$2"
}
run_lines "docker:$NET: $CT_NET[0-9a-f:]*/128 added\$" "$WORK_DIR/added"
run_lines "ANNOUNCE $CT_NET" "$WORK_DIR/announced"
lags() { # action (connect|start), file of "address ms"
	awk -v act="$1" 'FILENAME == ARGV[1] { addr[$1] = $2; next }
		FILENAME == ARGV[2] { at[$1] = $2; next }
		$2 == act {
			id = act == "connect" ? $4 : $3; a = addr[id]
			if (a == "" || !(a in at)) next
			printf "%.1f\n", at[a] - ($1 % 86400000000000) / 1e6
		}' "$WORK_DIR/addrs" "$2" "$EV"
}
lags connect "$WORK_DIR/added" >"$WORK_DIR/lag.connect"
lags start "$WORK_DIR/added" >"$WORK_DIR/lag.start_added"
lags start "$WORK_DIR/announced" >"$WORK_DIR/lag.start"
run_end

hz=$(getconf CLK_TCK)
{
	echo "containers: start to first packet, ping round trip in ms, $STARTS starts each"
	printf '   %-34s %-9s %-9s %s\n' mode median p99 max
	for mode in docker static ndppd; do
		read -r med p99 max < <(stats "$WORK_DIR/first.$mode")
		case $mode in
		docker) label="ndpresponder, Docker mode (-N)" ;;
		static) label="ndpresponder, static (-n /112)" ;;
		ndppd) label="ndppd $(dpkg-query -W -f '${Version}' ndppd 2>/dev/null), static rule" ;;
		esac
		printf '   %-34s %-9s %-9s %s\n' "$label" "$med" "$p99" "$max"
	done
	echo "containers: $MANY started, $PAR at a time"
	printf '   started %s in %.1f s; added %s (in the map at the end %s), announced %s\n' \
		"$started" "$(((t1 - t0) / 1000000))e-3" \
		"$(wc -l <"$WORK_DIR/added")" "$in_map" "$(announced)"
	read -r med p99 max < <(stats "$WORK_DIR/lag.connect")
	printf '   connect event to the entry in the map, ms: median %s, p99 %s, max %s (%s)\n' \
		"$med" "$p99" "$max" "$(wc -l <"$WORK_DIR/lag.connect")"
	read -r med p99 max < <(stats "$WORK_DIR/lag.start_added")
	printf '   start event to the entry in the map, ms:   median %s, p99 %s, max %s (%s; < 0: before the start)\n' \
		"$med" "$p99" "$max" "$(wc -l <"$WORK_DIR/lag.start_added")"
	read -r med p99 max < <(stats "$WORK_DIR/lag.start")
	printf '   start event to ANNOUNCE, ms:               median %s, p99 %s, max %s (%s)\n' \
		"$med" "$p99" "$max" "$(wc -l <"$WORK_DIR/lag.start")"
	printf '   run: %.2f s CPU for the burst, RSS %s kB (peak %s kB)\n' \
		"$(((c1 - c0) * 100 / hz))e-2" "$rss" "$hwm"
	printf '   run: %s\n' "$(sed -n 's/.*Docker: \([0-9]* early reads.*\)/\1/p' \
		"$WORK_DIR/run.log" | tail -n 1)"
} | tee "$RES_DIR/containers.txt"
finish

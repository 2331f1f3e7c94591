#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Metrics: a real Prometheus scrapes `run --metrics-listen` every second
# in the story's topology while the router's solicitations flow; what it
# stored equals `stats --json`. promtool accepts both outputs (the
# endpoint and `stats --format prometheus`); OpenMetrics when Accept asks
# for it. Bad clients (unknown path, POST, a huge header, 50 slow clients
# holding connections) disturb neither the answers nor the scrapes.
# node_exporter's textfile collector reads `stats --format prometheus`;
# the Grafana dashboard's queries and the alerting rules of packaging/
# evaluate. A bad address, a taken port and the static build are refused
# before attaching.
# Prometheus and every client run in the host namespace, on its loopback;
# Prometheus keeps its storage in the work directory.

. "$(dirname "$0")/lib.sh"

suite_up ip nsenter setpriv ndisc6 prometheus promtool prometheus-node-exporter curl jq \
	timeout

SVC_PREFIX=2001:db8:1::100/120
LISTEN=127.0.0.1:9469
URL=http://$LISTEN/metrics
PROM=127.0.0.1:9090
STATIC_BIN=$OUT_DIR/static/ndpresponder
FLOOD_N=3000
INVALID_N=200

# curl in the host namespace; extra options pass through.
hcurl() { # curl options...
	in_ns "$NS_HOST" curl -sS --max-time 5 "$@"
}

# The HTTP status of a request, "000" when none came.
http_status() { # curl options...
	hcurl -o /dev/null -w '%{http_code}' "$@" 2>/dev/null
}

# A counter of `stats --json`.
stats_json() { # name
	ndpr stats "$UPLINK" --json | jq -r ".[\"$1\"]"
}

# The value Prometheus holds now for an instant query, empty if none.
prom_query() { # promql
	hcurl -G "http://$PROM/api/v1/query" --data-urlencode "query=$1" 2>/dev/null |
		jq -r '.data.result[0].value[1] // empty'
}

# What Prometheus stored for OUTCOME equals stats --json (once both are
# stable: the senders are done).
prom_equals_stats() { # outcome
	local want got
	want=$(stats_json "$1")
	got=$(prom_query "ndpresponder_solicitations_total{interface=\"$UPLINK\",outcome=\"$1\"}")
	WHY="Prometheus has ${got:-nothing}, stats --json says ${want:-nothing}"
	[ -n "$want" ] && [ "$got" = "$want" ]
}

# promtool's linter accepts what FILE holds.
promtool_ok() { # file
	WHY="promtool: $(promtool check metrics <"$1" 2>&1 | head -n 5 | oneline)"
	promtool check metrics <"$1" >/dev/null 2>&1
}

# Nothing attached to IFACE: no XDP program, no pinned link.
nothing_attached() { # iface
	WHY="XDP on $1: $(xdp_prog_id "$NS_HOST" "$1"); pins: $(find "$(netns_pin_dir "$NS_HOST" "$1")" 2>/dev/null | head -n 3 | oneline)"
	[ -z "$(xdp_prog_id "$NS_HOST" "$1")" ] &&
		[ ! -e "$(netns_pin_dir "$NS_HOST" "$1")/link" ]
}

# `BIN run -i IFACE ARGS` fails with exactly one line matching RE,
# attaching nothing.
refused_before_attach() { # name, re, bin, iface, args...
	local name=$1 re=$2 bin=$3 iface=$4 out rc
	shift 4
	out=$(in_ns "$NS_HOST" timeout 10 "$bin" run -i "$iface" "$@" 2>&1)
	rc=$?
	WHY="exit $rc: $out"
	check "$name: refused" test "$rc" = 1
	WHY="expected one line matching '$re', got: $out"
	check "$name: one line saying why" \
		eval '[ "$(printf "%s\n" "$out" | wc -l)" = 1 ] && [[ $out =~ $re ]]'
	check "$name: nothing attached" nothing_attached "$iface"
}

# --- refused before attaching ---------------------------------------------

refused_before_attach "bad address" "--metrics-listen takes IPV4:PORT" \
	"$NDPR_BIN" "$UPLINK" -n "$SVC_PREFIX" --metrics-listen 127.0.0.1
refused_before_attach "bare IPv6" "--metrics-listen takes IPV4:PORT" \
	"$NDPR_BIN" "$UPLINK" -n "$SVC_PREFIX" --metrics-listen ::1:9469
refused_before_attach "port out of range" "--metrics-listen takes IPV4:PORT" \
	"$NDPR_BIN" "$UPLINK" -n "$SVC_PREFIX" --metrics-listen 127.0.0.1:4294967305
[ -x "$STATIC_BIN" ] || die "$STATIC_BIN not built (make static)"
refused_before_attach "static build" "has no metrics endpoint" \
	"$STATIC_BIN" "$UPLINK" -n "$SVC_PREFIX" --metrics-listen "$LISTEN"

# --- run with the endpoint ------------------------------------------------

# As the unit runs it: root with the unit's capability bounding set.
UNIT_CAPS=$(sed -n 's/^CapabilityBoundingSet=//p' \
	"$REPO_DIR/packaging/ndpresponder@.service" | tr 'A-Z ' 'a-z,' | sed 's/cap_/+/g')
LOG=$WORK_DIR/run.log
bg_start "$LOG" "$NS_HOST" setpriv --inh-caps=-all --ambient-caps=-all \
	--bounding-set="-all,$UNIT_CAPS" \
	"$NDPR_BIN" run -i "$UPLINK" -n "$SVC_PREFIX" --metrics-listen "$LISTEN"
RUN_PID=$(bg_pid "$LOG")
wait_until 10 eval 'run_ready "$RUN_PID" || ! proc_alive "$RUN_PID"'
check "run --metrics-listen $LISTEN serves, with the unit's capabilities ($UNIT_CAPS)" \
	run_ready "$RUN_PID" ||
	die "run did not start: $(tail -n 5 "$LOG" | oneline)"
check "log names the endpoint" log_has "$LOG" "metrics at http://$LISTEN/metrics"
# The server's thread came after the drop: it has no more than the rest.
thread_caps=$(awk '$1 == "CapEff:" { print $2 }' /proc/"$RUN_PID"/task/*/status | sort -u | oneline)
WHY="threads: $(ls /proc/"$RUN_PID"/task | wc -l), CapEff: $thread_caps"
check "every thread of run: only CAP_BPF and CAP_NET_ADMIN" eval \
	'[ "$(ls /proc/"$RUN_PID"/task | wc -l)" -ge 2 ] && [ "$thread_caps" = "0000008000001000 " ]'

# The Prometheus text format by default.
hcurl -D "$WORK_DIR/prom.headers" -o "$WORK_DIR/prom.txt" "$URL"
WHY="headers: $(oneline <"$WORK_DIR/prom.headers")"
check "GET /metrics: 200, text/plain version 0.0.4" \
	grep -qi '^content-type: text/plain; version=0.0.4' "$WORK_DIR/prom.headers"
check "endpoint output passes promtool check metrics" promtool_ok "$WORK_DIR/prom.txt"
check "build info" log_has "$WORK_DIR/prom.txt" \
	'^ndpresponder_build_info\{version="[^"]+",features="docker,metrics"\} 1$'
check "process metrics" log_has "$WORK_DIR/prom.txt" '^process_open_fds [0-9]+$'
check "static answer entries" log_has "$WORK_DIR/prom.txt" \
	"^ndpresponder_prefix_entries\{interface=\"$UPLINK\",kind=\"answer\",origin=\"static\"\} 1$"
mode=$(xdp_mode "$NS_HOST" "$UPLINK")
check "attach mode ($mode) and program id" eval \
	'log_has "$WORK_DIR/prom.txt" "^ndpresponder_attached\\{interface=\"$UPLINK\",mode=\"$mode\"\\} 1$" &&
	 log_has "$WORK_DIR/prom.txt" "^ndpresponder_program_id\\{interface=\"$UPLINK\"\\} $(xdp_prog_id "$NS_HOST" "$UPLINK")$"'

# OpenMetrics when asked for.
hcurl -D "$WORK_DIR/om.headers" -o "$WORK_DIR/om.txt" \
	-H 'Accept: application/openmetrics-text; version=1.0.0' "$URL"
WHY="headers: $(oneline <"$WORK_DIR/om.headers")"
check "OpenMetrics: its content type" \
	grep -qi '^content-type: application/openmetrics-text; version=1.0.0' \
	"$WORK_DIR/om.headers"
WHY="last line: $(tail -n 1 "$WORK_DIR/om.txt")"
check "OpenMetrics: ends with # EOF" test "$(tail -n 1 "$WORK_DIR/om.txt")" = "# EOF"
check "OpenMetrics: counter families named without _total" \
	log_has "$WORK_DIR/om.txt" '^# TYPE ndpresponder_solicitations counter$'

# HEAD: the headers alone.
WHY="HEAD gave $(http_status -I "$URL")"
check "HEAD /metrics: 200" test "$(http_status -I "$URL")" = 200

# The textfile form, for hosts without run.
ndpr stats "$UPLINK" --format prometheus >"$WORK_DIR/textfile.prom"
check "stats --format prometheus passes promtool check metrics" \
	promtool_ok "$WORK_DIR/textfile.prom"
WHY="$(grep -c . "$WORK_DIR/textfile.prom") lines"
check "stats --format prometheus: the endpoint's responder families" eval \
	'[ "$(grep "^# TYPE" "$WORK_DIR/textfile.prom")" = \
	   "$(grep "^# TYPE ndpresponder_" "$WORK_DIR/prom.txt" |
	      grep -v "_build_info ")" ]'

# node_exporter's textfile collector reads it, written as the README's
# timer does (a temporary file, renamed).
TEXTFILE_DIR=$WORK_DIR/textfile
mkdir -p "$TEXTFILE_DIR"
ndpr stats "$UPLINK" --format prometheus >"$TEXTFILE_DIR/ndpresponder-$UPLINK.prom.tmp" &&
	mv "$TEXTFILE_DIR/ndpresponder-$UPLINK.prom.tmp" "$TEXTFILE_DIR/ndpresponder-$UPLINK.prom"
bg_start "$WORK_DIR/node_exporter.log" "$NS_HOST" prometheus-node-exporter \
	--collector.disable-defaults --collector.textfile \
	--collector.textfile.directory="$TEXTFILE_DIR" \
	--web.listen-address=127.0.0.1:9100
NODE_PID=$(bg_pid "$WORK_DIR/node_exporter.log")
node_metrics() {
	hcurl -o "$WORK_DIR/node.txt" http://127.0.0.1:9100/metrics 2>/dev/null
}
wait_until 10 node_metrics
WHY="node_exporter: $(grep -h textfile "$WORK_DIR/node.txt" "$WORK_DIR/node_exporter.log" 2>/dev/null | tail -n 3 | oneline)"
check "node_exporter's textfile collector takes it (no scrape error)" \
	grep -qx 'node_textfile_scrape_error 0' "$WORK_DIR/node.txt"
check "node_exporter serves its answered series" log_has "$WORK_DIR/node.txt" \
	"^ndpresponder_solicitations_total\{interface=\"$UPLINK\",outcome=\"answered\"\} [0-9]+$"
check "... and its mtime, under the name the stale-textfile alert matches" \
	log_has "$WORK_DIR/node.txt" \
	"^node_textfile_mtime_seconds\{file=\"(.*/)?ndpresponder-$UPLINK[.]prom\"\} "
bg_stop "$NODE_PID" TERM 5 >/dev/null

# --- Prometheus scraping while solicitations flow -------------------------

mkdir -p "$WORK_DIR/prometheus"
cat >"$WORK_DIR/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - $REPO_DIR/packaging/prometheus-alerts.yml
scrape_configs:
  - job_name: ndpresponder
    static_configs:
      - targets: ['$LISTEN']
EOF
bg_start "$WORK_DIR/prometheus.log" "$NS_HOST" prometheus \
	--config.file="$WORK_DIR/prometheus.yml" \
	--storage.tsdb.path="$WORK_DIR/prometheus" \
	--web.listen-address="$PROM"
PROM_PID=$(bg_pid "$WORK_DIR/prometheus.log")
prom_up() {
	[ "$(prom_query 'up{job="ndpresponder"}')" = 1 ]
}
wait_until 30 prom_up
WHY="Prometheus: $(tail -n 3 "$WORK_DIR/prometheus.log" | oneline)"
check "Prometheus scrapes the endpoint (up == 1)" prom_up ||
	die "Prometheus does not scrape; the rest is moot"

flood_start "$WORK_DIR/flood" 0 "$FLOOD_N" 1000 "$CT_IP"
sleep 1
check "ndisc6 answered during the flood" ndisc_answers "$CT_IP" "$HOST_MAC"
check "flood sent" flood_wait "$WORK_DIR/flood"
# Invalid ones too: hop limit 64 (RFC 4861 §7.1.1).
send_ns "$CT_IP" "$INVALID_N" 1000 64 >/dev/null
# Scrapes after the last packet: both stay as they are now.
sleep 3
wait_until 10 prom_equals_stats answered
check "Prometheus' answered equals stats --json" prom_equals_stats answered
wait_until 5 prom_equals_stats invalid_hop_limit
check "Prometheus' invalid_hop_limit equals stats --json" \
	prom_equals_stats invalid_hop_limit
got=$(prom_query "ndpresponder_solicitations_total{outcome=\"answered\"}")
WHY="answered $got, expected at least $FLOOD_N"
check "the flood's answers are in Prometheus" test "${got:-0}" -ge "$FLOOD_N"
got=$(prom_query "max_over_time(rate(ndpresponder_solicitations_total{outcome=\"answered\"}[3s])[30s:1s])")
WHY="peak answers/s from rate(): ${got:-none}"
check "answers/s from rate() saw the flood" \
	awk -v r="${got:-0}" 'BEGIN { exit !(r > 100) }'

# The alerting rules: promtool accepts them, Prometheus evaluates each.
WHY="$(promtool check rules "$REPO_DIR/packaging/prometheus-alerts.yml" 2>&1 | oneline)"
check "promtool check rules packaging/prometheus-alerts.yml" eval \
	'promtool check rules "$REPO_DIR/packaging/prometheus-alerts.yml" >/dev/null 2>&1'
rules_ok() {
	local r
	r=$(hcurl "http://$PROM/api/v1/rules" 2>/dev/null |
		jq -r '[.data.groups[].rules[]] | "\(length) \([.[] | select(.health != "ok")] | length)"')
	WHY="rules loaded, unhealthy: ${r:-none}"
	[ "${r%% *}" -gt 0 ] 2>/dev/null && [ "${r#* }" = 0 ]
}
wait_until 5 rules_ok
check "Prometheus evaluates every alerting rule" rules_ok
firing=$(hcurl "http://$PROM/api/v1/alerts" 2>/dev/null | jq -r '[.data.alerts[] | select(.labels.alertname == "NdpresponderNotAttached")] | length')
WHY="NdpresponderNotAttached alerts: ${firing:-?}"
check "no NdpresponderNotAttached while attached" test "$firing" = 0

# The Grafana dashboard's queries, as Grafana would send them: each one
# valid PromQL that Prometheus evaluates, the answers/s panel's over the
# flood too.
dashboard_queries() {
	jq -r '.panels[].targets[].expr' "$REPO_DIR/packaging/grafana-dashboard.json" |
		sed -e 's/\$__rate_interval/3s/g' -e 's/\$instance/.*/g' \
			-e 's/\$interface/.*/g'
}
queries_ok() {
	local q st n=0
	while read -r q; do
		st=$(hcurl -G "http://$PROM/api/v1/query" --data-urlencode "query=$q" |
			jq -r .status)
		WHY="Prometheus said '${st:-nothing}' to: $q"
		[ "$st" = success ] || return 1
		n=$((n + 1))
	done < <(dashboard_queries)
	WHY="no queries in the dashboard"
	[ "$n" -gt 0 ]
}
check "every query of packaging/grafana-dashboard.json evaluates" queries_ok
q=$(dashboard_queries | head -n 1)
got=$(prom_query "max_over_time(($q)[30s:1s])")
WHY="the answers/s panel's peak: ${got:-none} ($q)"
check "the dashboard's answers/s panel saw the flood" \
	awk -v r="${got:-0}" 'BEGIN { exit !(r > 100) }'

# --- bad clients ----------------------------------------------------------

WHY="got $(http_status "http://$LISTEN/nothing")"
check "unknown path: 404" test "$(http_status "http://$LISTEN/nothing")" = 404
WHY="got $(http_status -X POST -d x=1 "$URL")"
check "POST: 405" test "$(http_status -X POST -d x=1 "$URL")" = 405
big=$(head -c 65536 /dev/zero | tr '\0' a)
st=$(http_status -H "X-Big: $big" "$URL")
WHY="a 64 KiB header got $st"
check "huge header: refused (4xx or closed)" eval '[ "$st" = 000 ] || [ "${st:0:1}" = 4 ]'

# 50 clients that connect, send half a request and hold on.
slow_clients() {
	local fds=() i fd
	for i in $(seq 50); do
		exec {fd}<>/dev/tcp/127.0.0.1/9469 || continue
		printf 'GET /metrics HTTP/1.1\r\nHost: x\r\n' >&"$fd"
		fds+=("$fd")
	done
	echo "holding ${#fds[@]}"
	sleep 30
}
export -f slow_clients
bg_start "$WORK_DIR/slow.log" "$NS_HOST" bash -c slow_clients
SLOW_PID=$(bg_pid "$WORK_DIR/slow.log")
wait_until 10 grep -q holding "$WORK_DIR/slow.log"
WHY="$(cat "$WORK_DIR/slow.log")"
check "50 slow clients hold connections" grep -q 'holding 50' "$WORK_DIR/slow.log"
check "with them: ndisc6 answered" ndisc_answers "$CT_IP" "$HOST_MAC"
WHY="got $(http_status "$URL")"
check "with them: GET /metrics 200" test "$(http_status "$URL")" = 200
scraped() {
	[ "$(prom_query 'up{job="ndpresponder"}')" = 1 ] &&
		[ "$(prom_query 'count_over_time(up{job="ndpresponder"}[3s])')" -ge 2 ] 2>/dev/null
}
sleep 3
WHY="up: $(prom_query 'up{job="ndpresponder"}'), scrapes in 3 s: $(prom_query 'count_over_time(up{job="ndpresponder"}[3s])')"
check "with them: Prometheus keeps scraping" scraped
bg_stop "$SLOW_PID" TERM 5 >/dev/null
check "run survived the bad clients" proc_alive "$RUN_PID"

# --- a taken port, then the end -------------------------------------------

refused_before_attach "taken port" "couldn't listen on $PROM" \
	"$NDPR_BIN" lo -n "$SVC_PREFIX" --metrics-listen "$PROM"
bg_stop "$PROM_PID" TERM 15 >/dev/null
sigterm_exits_0 "run" "$RUN_PID" "$LOG"
WHY="connect after exit gave $(http_status "$URL")"
check "the endpoint is gone with run" test "$(http_status "$URL")" = 000

# Detached: the textfile says so rather than go stale.
run stats "$UPLINK" --format prometheus
printf '%s\n' "$OUT" >"$WORK_DIR/detached.prom"
WHY="exit $RC: $ALL"
check "stats --format prometheus without a responder: exit 0" test "$RC" = 0
check "... it says ndpresponder_attached 0" log_has "$WORK_DIR/detached.prom" \
	"^ndpresponder_attached\{interface=\"$UPLINK\",mode=\"none\"\} 0$"
check "... and passes promtool check metrics" promtool_ok "$WORK_DIR/detached.prom"

finish

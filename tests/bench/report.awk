# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Turns the benchmark's figures into the table (default), JSON (mode=json)
# or gnuplot's data files in dir (mode=plot). Input, tab-separated:
#   machine.tsv   key  value
#   results.tsv   group  case  param  unit  median  min  max  runs
# Runs with mawk as well as gawk.

FILENAME ~ /machine\.tsv$/ {
	mkey[++nm] = $1
	mval[$1] = $2
	next
}

NF >= 8 {
	k = $1 SUBSEP $2 SUBSEP $3
	if (!(k in med))
		order[++nr] = k
	unit[k] = $4
	med[k] = $5 + 0
	lo[k] = $6 + 0
	hi[k] = $7 + 0
	runs[k] = $8 + 0
}

function has(g, c, p) {
	return (g SUBSEP c SUBSEP p) in med
}

function m(g, c, p) {
	return med[g SUBSEP c SUBSEP p]
}

# A count with thin spaces of thousands: 1000000 -> 1 000 000.
function grouped(n,    s, out) {
	s = sprintf("%d", n)
	out = ""
	while (length(s) > 3) {
		out = " " substr(s, length(s) - 2) out
		s = substr(s, 1, length(s) - 3)
	}
	return s out
}

function num(v, u) {
	if (u == "1/s") {
		if (v >= 1e6)
			return sprintf("%.2fM", v / 1e6)
		if (v >= 1e3)
			return sprintf("%.1fk", v / 1e3)
		return sprintf("%.0f", v)
	}
	if (u == "ns")
		return sprintf("%.0f", v)
	if (u == "us")
		return sprintf("%.1f", v)
	if (u == "s")
		return v < 0.1 ? sprintf("%.3f", v) : sprintf("%.2f", v)
	if (u == "MiB")
		return sprintf("%.1f", v)
	return sprintf("%.3g", v)
}

# "median [min-max]", or "median" when measured once.
function cell(g, c, p,    k, u) {
	k = g SUBSEP c SUBSEP p
	if (!(k in med))
		return "-"
	u = unit[k]
	if (runs[k] < 2 || lo[k] == hi[k])
		return num(med[k], u)
	return num(med[k], u) " [" num(lo[k], u) "-" num(hi[k], u) "]"
}

# ---- targets ----------------------------------------------------------

function target(name, value, limit, cmp, shown,    met) {
	nt++
	tname[nt] = name
	tvalue[nt] = value
	tlimit[nt] = limit
	tshown[nt] = shown
	if (value == "")
		met = -1
	else if (cmp == "<=")
		met = value <= limit
	else if (cmp == "<")
		met = value < limit
	else
		met = value >= limit
	tmet[nt] = met
}

# The median of a figure, or "" when it was not measured.
function opt(g, c, p) {
	return has(g, c, p) ? m(g, c, p) : ""
}

function targets(    s, x, i, worst, nat, lim, best, bestcpu, ratio) {
	target("answering a matching NS at 1 000 entries, ns over empty <= 35",
	       opt("prog", "ns-match", 1000), 35, "<=",
	       cell("prog", "ns-match", 1000) " ns")
	target("answering a matching NS at 65 536 entries, ns over empty <= 93",
	       opt("prog", "ns-match", 65536), 93, "<=",
	       cell("prog", "ns-match", 65536) " ns")
	target("answering a matching NS at 1 000 000 entries, ns over empty <= 100",
	       opt("prog", "ns-match", 1000000), 100, "<=",
	       cell("prog", "ns-match", 1000000) " ns (same entry each time: " \
	       cell("prog", "ns-match-hot", 1000000) " ns)")

	worst = ""
	split("1 1000 65536 1000000", s, " ")
	for (x = 1; x <= 4; x++) {
		if (has("prog", "tcp6", s[x]) &&
		    (worst == "" || m("prog", "tcp6", s[x]) > worst))
			worst = m("prog", "tcp6", s[x])
		if (has("prog", "ipv4", s[x]) &&
		    (worst == "" || m("prog", "ipv4", s[x]) > worst))
			worst = m("prog", "ipv4", s[x])
	}
	target("non-ND traffic, ns over empty (worst of TCP/IPv4, all sizes) <= 5",
	       worst, 5, "<=", worst == "" ? "-" : worst " ns")

	nat = opt("flood", "answers", "native")
	lim = opt("flood", "answers", "limit")
	ratio = ""
	if (nat != "" && lim != "" && lim > 0)
		ratio = nat / lim
	target("native answers/s, fraction of the XDP_TX limit >= 90%",
	       ratio, 0.9, ">=", ratio == "" ? "-" : sprintf("%.0f%%", 100 * ratio))

	# The reference: the least work an answer needs (bench.bpf.c minimal),
	# in turns with the product on its link within each flood: the one
	# comparison this machine's host does not drown (alternate.h). The
	# ratio of the rounds' medians is in the table, for what it is worth.
	ratio = opt("flood", "alternate-ratio", "native")
	target("native answers/s, fraction of the minimal responder >= 95%",
	       ratio, 0.95, ">=", ratio == "" ? "-" : \
	       sprintf("%.1f%% [%.1f-%.1f], in turns", 100 * ratio,
		       100 * lo["flood" SUBSEP "alternate-ratio" SUBSEP "native"],
		       100 * hi["flood" SUBSEP "alternate-ratio" SUBSEP "native"]))

	# ndppd's better figure of its two runs: the one most in its favour.
	best = ""
	bestcpu = ""
	split("ndppd ndppd-paced", s, " ")
	for (i = 1; i <= 2; i++) {
		x = opt("flood", "answers", s[i])
		if (x != "" && (best == "" || x > best))
			best = x
		x = opt("flood", "cpu-per-million", s[i])
		if (x != "" && (bestcpu == "" || x < bestcpu))
			bestcpu = x
	}
	ratio = ""
	if (nat != "" && best != "" && best > 0)
		ratio = nat / best
	target("native answers/s over ndppd's best >= 20x",
	       ratio, 20, ">=", ratio == "" ? "-" : sprintf("%.0fx", ratio))
	ratio = ""
	x = opt("flood", "cpu-per-million", "native")
	if (x != "" && bestcpu != "" && bestcpu > 0)
		ratio = x / bestcpu
	target("native CPU time per answer over ndppd's best <= 1/10",
	       ratio, 0.1, "<=",
	       ratio == "" ? "-" : sprintf("1/%.0f", ratio > 0 ? 1 / ratio : 0))
	target("prefix sync of 1 000 000 entries, s < 3",
	       opt("control", "sync", 1000000), 3, "<",
	       cell("control", "sync", 1000000) " s")
}

# ---- the table -----------------------------------------------------------

# Fills arr from items "key=value" separated by "|": a table of labels.
function pairs(arr, items,    it, n, i, eq) {
	n = split(items, it, "|")
	for (i = 1; i <= n; i++) {
		eq = index(it[i], "=")
		arr[substr(it[i], 1, eq - 1)] = substr(it[i], eq + 1)
	}
}

function table(    s, c, label, x, i, n, lim, k, busy) {
	printf "ndpresponder benchmark: %s, %s CPUs, %s, kernel %s (%s), %s\n",
	       mval["cpu"], mval["cpus"], mval["memory"], mval["kernel"],
	       mval["virtualization"], mval["os"]
	printf "commit %s, %s; every figure: median [min-max] of %s runs\n",
	       mval["commit"], mval["date"], mval["runs"]
	busy = ""
	if (mval["load_before"] + 0 > 0.1 || mval["load_after"] + 0 > 0.1)
		busy = " (figures disturbed)"
	printf "CPUs kept busy by other processes: %s before, %s after%s\n\n",
	       mval["load_before"], mval["load_after"], busy

	print "1. Per-packet cost of the XDP program, ns over the empty program"
	print "   (BPF_PROG_TEST_RUN, repeat 1 000 000; entries: random /128 + 5 prefixes)"
	split("1 1000 65536 1000000", s, " ")
	n = split("ns-match ns-match-hot ns-match-prefix ns-match-route ns-nomatch ns-trie ns-minimal tcp6 ipv4", c, " ")
	pairs(label, "ns-match=matching NS, a new /128 entry each time|" \
	      "ns-match-hot=matching NS, the same /128 entry|" \
	      "ns-match-prefix=matching NS, answered by a /112 prefix|" \
	      "ns-match-route=matching NS, route-checked /112 (FIB)|" \
	      "ns-nomatch=non-matching NS|" \
	      "ns-trie=matching NS, prefix-only host (/64)|" \
	      "ns-minimal=the same, minimal responder|" \
	      "tcp6=IPv6 TCP|ipv4=IPv4 UDP|" \
	      "empty=(raw) the empty program itself|" \
	      "reset-empty=(raw) NS writer + tail call, empty")
	printf "   %-40s", "entries:"
	for (x = 1; x <= 4; x++)
		printf " %-14s", grouped(s[x])
	printf "\n"
	for (i = 1; i <= n; i++) {
		printf "   %-40s", label[c[i]]
		for (x = 1; x <= 4; x++)
			printf " %-14s", cell("prog", c[i], s[x])
		printf "\n"
	}
	for (i = 1; i <= 2; i++) {
		k = i == 1 ? "empty" : "reset-empty"
		printf "   %-40s", label[k]
		for (x = 1; x <= 4; x++)
			printf " %-14s", cell("prog-raw", k, s[x])
		printf "\n"
	}
	if (has("verifier", "verified-insns", "-"))
		printf "   verifier: %d instructions processed; %d bytes xlated, %d JITed\n",
		       m("verifier", "verified-insns", "-"),
		       m("verifier", "xlated", "-"), m("verifier", "jited", "-")
	printf "   loading the /128 entries with BPF_MAP_UPDATE_BATCH: %s s at 1 000 000\n\n",
	       cell("fill", "batch-update", 1000000)

	print "2. Answers a second over veth, flood of NS for 4096 targets in range"
	print "   (generator: BPF_PROG_TEST_RUN live frames, CPU 0; responder: CPU 1)"
	printf "   %-32s %-24s %-9s %-10s %-22s %s\n", "responder", "answers/s",
	       "of limit", "of minimal", "CPU s / 1M answers", "offered/s"
	n = split("native minimal generic ndppd ndppd-paced limit touch", c, " ")
	label["native"] = "ndpresponder, native XDP"
	label["generic"] = "ndpresponder, generic XDP"
	label["ndppd"] = "ndppd " mval["ndppd"] ", same flood"
	label["ndppd-paced"] = "ndppd, offered 350k/s"
	label["limit"] = "limit: bare XDP_TX bounce"
	label["touch"] = "bounce reading the frame"
	label["minimal"] = "minimal responder (reference)"
	lim = has("flood", "answers", "limit") ? m("flood", "answers", "limit") : 0
	ref = has("flood", "answers", "minimal") ? m("flood", "answers", "minimal") : 0
	for (i = 1; i <= n; i++) {
		if (!has("flood", "answers", c[i]))
			continue
		printf "   %-32s %-24s %-9s %-10s %-22s %s\n", label[c[i]],
		       cell("flood", "answers", c[i]),
		       (lim ? sprintf("%.1f%%", 100 * m("flood", "answers", c[i]) / lim) : "-"),
		       (ref ? sprintf("%.1f%%", 100 * m("flood", "answers", c[i]) / ref) : "-"),
		       cell("flood", "cpu-per-million", c[i]),
		       num(m("flood", "sent", c[i]), "1/s")
	}
	if (has("flood", "alternate-ratio", "native")) {
		printf "   in turns of 50 ms on one link, %d floods (median [min-max] of the floods):\n",
		       runs["flood" SUBSEP "alternate-ratio" SUBSEP "native"]
		printf "   %-44s %s (quartiles of the turns %.1f-%.1f%%)\n",
		       "native over minimal, answers/s",
		       sprintf("%.1f%% [%.1f-%.1f]",
			       100 * m("flood", "alternate-ratio", "native"),
			       100 * lo["flood" SUBSEP "alternate-ratio" SUBSEP "native"],
			       100 * hi["flood" SUBSEP "alternate-ratio" SUBSEP "native"]),
		       100 * m("flood", "alternate-ratio-q25", "native"),
		       100 * m("flood", "alternate-ratio-q75", "native")
		printf "   %-44s native %s, minimal %s, over %s\n",
		       "program's own time a packet in the flood, ns",
		       cell("flood", "alternate-prog-ns", "native"),
		       cell("flood", "alternate-prog-ns", "native-minimal"),
		       cell("flood", "alternate-prog-ns-over", "native")
	}
	pieces_flood()
	printf "\n"

	printf "3. Latency from NS to NA, one at a time at %s/s, us\n", "1000"
	printf "   %-32s %-22s %-22s %s\n", "responder", "median", "99th percentile", "lost"
	n = split("native generic ndppd", c, " ")
	label["ndppd"] = "ndppd " mval["ndppd"]
	for (i = 1; i <= n; i++) {
		if (!has("latency", "median", c[i]))
			continue
		printf "   %-32s %-22s %-22s %s\n", label[c[i]],
		       cell("latency", "median", c[i]), cell("latency", "p99", c[i]),
		       cell("latency", "lost", c[i])
	}
	printf "\n"

	print "4. Control plane"
	split("100000 1000000", s, " ")
	for (x = 1; x <= 2; x++) {
		printf "   %-44s %s s\n", "prefix sync of " grouped(s[x]) " entries",
		       cell("control", "sync", s[x])
		printf "   %-44s %s MiB\n", "maps' memory with " grouped(s[x]) " entries",
		       cell("control", "maps-memory", s[x])
	}
	printf "\n"

	print "Targets"
	for (i = 1; i <= nt; i++)
		printf "   %-7s %-68s %s\n",
		       (tmet[i] < 0 ? "n/a" : (tmet[i] ? "met" : "MISSED")), tname[i],
		       tshown[i]
}

# The builds without one piece each, in turns with minimal (run.sh).
function pieces_flood(    n, c, i, k, full, lbl) {
	if (!has("flood", "alternate-prog-ns-over", "piece-full"))
		return
	n = split("full without_counters without_events without_vlan without_guards without_na_csum without_rx_vlan_meta", c, " ")
	lbl["full"] = "the responder as shipped"
	lbl["without_counters"] = "without the outcome counters"
	lbl["without_events"] = "without the event tokens"
	lbl["without_vlan"] = "without VLAN tag parsing"
	lbl["without_guards"] = "without the guards"
	lbl["without_na_csum"] = "without the NA's checksum"
	lbl["without_rx_vlan_meta"] = "without the stripped tag's restore"
	printf "   each piece, in the same turns: a build without it (mk/bench.mk), %d floods each\n",
	       runs["flood" SUBSEP "alternate-prog-ns-over" SUBSEP "piece-full"]
	printf "   %-36s %-22s %-8s %s\n", "build", "own ns over minimal",
	       "saves", "answers/s of minimal"
	full = m("flood", "alternate-prog-ns-over", "piece-full")
	for (i = 1; i <= n; i++) {
		k = "piece-" c[i]
		if (!has("flood", "alternate-prog-ns-over", k))
			continue
		printf "   %-36s %-22s %-8s %s\n", lbl[c[i]],
		       cell("flood", "alternate-prog-ns-over", k),
		       (c[i] == "full" ? "" : sprintf("%.0f", full - m("flood", "alternate-prog-ns-over", k))),
		       sprintf("%.1f%%", 100 * m("flood", "alternate-ratio", k))
	}
}

# ---- JSON ---------------------------------------------------------------------

function jstr(s) {
	gsub(/\\/, "\\\\", s)
	gsub(/"/, "\\\"", s)
	return "\"" s "\""
}

function json(    i, k, f) {
	printf "{\n  \"machine\": {"
	for (i = 1; i <= nm; i++)
		printf "%s\n    %s: %s", (i > 1 ? "," : ""), jstr(mkey[i]),
		       jstr(mval[mkey[i]])
	printf "\n  },\n  \"results\": ["
	for (i = 1; i <= nr; i++) {
		k = order[i]
		split(k, f, SUBSEP)
		printf "%s\n    {\"group\": %s, \"case\": %s, \"param\": %s, " \
		       "\"unit\": %s, \"median\": %.6g, \"min\": %.6g, " \
		       "\"max\": %.6g, \"runs\": %d}",
		       (i > 1 ? "," : ""), jstr(f[1]), jstr(f[2]), jstr(f[3]),
		       jstr(unit[k]), med[k], lo[k], hi[k], runs[k]
	}
	printf "\n  ],\n  \"targets\": ["
	for (i = 1; i <= nt; i++)
		printf "%s\n    {\"target\": %s, \"value\": %s, \"limit\": %s, " \
		       "\"met\": %s}",
		       (i > 1 ? "," : ""), jstr(tname[i]),
		       (tvalue[i] == "" ? "null" : sprintf("%.6g", tvalue[i])),
		       sprintf("%.6g", tlimit[i]),
		       (tmet[i] < 0 ? "null" : (tmet[i] ? "true" : "false"))
	printf "\n  ]\n}\n"
}

# ---- gnuplot's data --------------------------------------------------------

function triple(g, c, p, scale) {
	if (!has(g, c, p))
		return " NaN NaN NaN"
	return sprintf(" %.6g %.6g %.6g", m(g, c, p) / scale,
		       lo[g SUBSEP c SUBSEP p] / scale,
		       hi[g SUBSEP c SUBSEP p] / scale)
}

function plotdata(    f, s, c, x, i, n, name) {
	f = dir "/prog.dat"
	split("1 1000 65536 1000000", s, " ")
	n = split("ns-match ns-match-hot ns-match-prefix ns-nomatch tcp6 ipv4", c, " ")
	printf "# entries" > f
	for (i = 1; i <= n; i++)
		printf " %s(med min max)", c[i] > f
	printf "\n" > f
	for (x = 1; x <= 4; x++) {
		printf "%s", s[x] > f
		for (i = 1; i <= n; i++)
			printf "%s", triple("prog", c[i], s[x], 1) > f
		printf "\n" > f
	}
	close(f)

	f = dir "/flood.dat"
	n = split("native minimal generic ndppd ndppd-paced limit touch", c, " ")
	pairs(name, "native=native|minimal=minimal (reference)|generic=generic|ndppd=ndppd (flood)|" \
	      "ndppd-paced=ndppd (350k/s)|limit=XDP_TX limit|" \
	      "touch=XDP_TX + read")
	printf "# label answers/s in millions (med min max), CPU s per 1M answers (med min max)\n" > f
	for (i = 1; i <= n; i++)
		printf "\"%s\"%s%s\n", name[c[i]],
		       triple("flood", "answers", c[i], 1e6),
		       triple("flood", "cpu-per-million", c[i], 1) > f
	close(f)

	f = dir "/latency.dat"
	n = split("native generic ndppd", c, " ")
	printf "# label median (med min max) p99 (med min max), us\n" > f
	for (i = 1; i <= n; i++)
		printf "\"%s\"%s%s\n", c[i], triple("latency", "median", c[i], 1),
		       triple("latency", "p99", c[i], 1) > f
	close(f)

	f = dir "/control.dat"
	printf "# entries, sync s (med min max), memory MiB (med min max)\n" > f
	split("100000 1000000", s, " ")
	for (x = 1; x <= 2; x++)
		printf "\"%s\"%s%s\n", grouped(s[x]), triple("control", "sync", s[x], 1),
		       triple("control", "maps-memory", s[x], 1) > f
	close(f)
}

END {
	targets()
	if (mode == "json")
		json()
	else if (mode == "plot")
		plotdata()
	else
		table()
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the metrics exposition: names and labels by Prometheus'
 * conventions, escaping of label values and HELP text, both formats'
 * counter naming and OpenMetrics' terminator, the outcome series equal
 * to the counter table, and the Accept negotiation.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "metrics.h"

/* The counter table, independently of the writer's own copy. */
#define TABLE_NAME(name) #name,
static const char *const table[] = { NDPR_COUNTERS(TABLE_NAME) };
#undef TABLE_NAME

/* A responder with counter i = 1000 + i and a few entries. */
static struct metrics_responder *sample_responder(const char *ifname)
{
	struct metrics_responder *r = calloc(1, sizeof(*r));

	r->ifname = ifname;
	for (int i = 0; i <= NDPR_C_MAX; i++)
		*ndpr_counter(&r->counters, i) = 1000 + (unsigned int)i;
	r->attached = true;
	r->prog_id = 42;
	r->mode = NDPR_MODE_NATIVE;
	r->attached_at = 1700000000;
	r->hosts_cap = r->prefixes_cap = 65536;
	r->hosts = 3;
	r->prefixes = 2;
	r->entries[0][METRICS_KIND_ANSWER] = 1;
	r->entries[0][METRICS_KIND_EXCLUDE] = 1;
	r->entries[3][METRICS_KIND_ANSWER] = 3;
	snprintf(r->origin[0], sizeof(r->origin[0]), "static");
	snprintf(r->origin[3], sizeof(r->origin[3]), "docker:we\"ird\\net");
	return r;
}

static char *exposition(enum metrics_format fmt, const char *ifname)
{
	struct metrics_responder *r = sample_responder(ifname);
	struct metrics_docker d = { .connected = true,
				    .last_sync = 5,
				    .syncs = 2,
				    .added = 3,
				    .removed = 1 };
	struct proc_stats ps = { .cpu_seconds = 1.5,
				 .rss_bytes = 4096,
				 .start_time = 1700000000.25,
				 .open_fds = 9,
				 .max_fds = 1024 };
	struct metrics_out o;

	metrics_init(&o, fmt);
	metrics_responder_write(&o, r);
	metrics_docker_write(&o, ifname, &d);
	metrics_build_info(&o, "docker,metrics");
	metrics_process(&o, &ps);
	free(r);
	if (metrics_finish(&o)) {
		metrics_free(&o);
		return NULL;
	}
	return o.buf;
}

static void check_has(const char *name, const char *text, const char *line)
{
	harness_result(text && strstr(text, line) != NULL, name,
		       "no line '%s' in:\n%s", line, text ? text : "(none)");
}

/* The value of the series SERIES (name and labels, exactly) in text. */
static long long series_value(const char *text, const char *series)
{
	size_t n = strlen(series);

	for (const char *l = text; l && *l; l = strchr(l, '\n') + 1) {
		if (!strncmp(l, series, n) && l[n] == ' ')
			return atoll(l + n + 1);
		if (!strchr(l, '\n'))
			break;
	}
	return -1;
}

/* Every outcome of the table, once, with its value; nothing else. */
static void check_outcomes(const char *text)
{
	const char *pre = "ndpresponder_solicitations_total{";
	char series[200];
	int lines = 0, ok = 1;

	for (const char *l = text; (l = strstr(l, pre)); l++)
		lines++;
	for (int i = 0; i < NDPR_C_MAX; i++) {
		snprintf(series, sizeof(series),
			 "%sinterface=\"eth0\",outcome=\"%s\"}", pre, table[i]);
		ok &= CHECK("metrics: every outcome of the counter table",
			    series_value(text, series) == 1000 + i,
			    "%s: want %d, got %lld", series, 1000 + i,
			    series_value(text, series));
	}
	if (ok)
		harness_result(lines == NDPR_C_MAX,
			       "metrics: every outcome of the counter table",
			       "%d series for %d outcomes", lines, NDPR_C_MAX);
}

static bool name_char(char c, bool first)
{
	return isalpha((unsigned char)c) || c == '_' || c == ':' ||
	       (!first && isdigit((unsigned char)c));
}

/* Prometheus' rules for sample names, and ours (prefixes, _total). */
static const char *bad_name(const char *line, const char **counters)
{
	size_t n = 0;

	while (name_char(line[n], n == 0))
		n++;
	if (!n || (line[n] != '{' && line[n] != ' '))
		return "not a metric name";
	if (strncmp(line, "ndpresponder_", 13) && strncmp(line, "process_", 8))
		return "neither ndpresponder_ nor process_";
	for (const char **c = counters; *c; c++)
		if (!strncmp(line, *c, strlen(*c)) &&
		    strncmp(line + n - 6, "_total", 6))
			return "a counter without _total";
	return NULL;
}

static void check_names(const char *text)
{
	static const char *counters[] = {
		"ndpresponder_solicitations", "ndpresponder_events_suppressed",
		"ndpresponder_docker_syncs",  "ndpresponder_docker_entries",
		"process_cpu_seconds",	      NULL
	};
	const char *why = NULL, *l = text;
	char bad[120] = "";

	for (; l && *l && !why; l = strchr(l, '\n') + 1) {
		if (*l != '#')
			why = bad_name(l, counters);
		if (why)
			snprintf(bad, sizeof(bad), "%.*s",
				 (int)strcspn(l, "\n"), l);
	}
	harness_result(!why, "metrics: sample names by Prometheus' rules",
		       "%s: %s", bad, why);
}

static void check_prometheus(void)
{
	char *t = exposition(METRICS_PROMETHEUS, "eth0");
	char want[128];

	check_has("metrics: Prometheus counters' family is NAME_total", t,
		  "# HELP ndpresponder_solicitations_total Packets");
	check_has("metrics: Prometheus TYPE counter", t,
		  "\n# TYPE ndpresponder_solicitations_total counter\n");
	check_outcomes(t);
	check_names(t);
	/* events_suppressed is counter NDPR_C_MAX of the responder. */
	snprintf(want, sizeof(want),
		 "\nndpresponder_events_suppressed_total{interface=\"eth0\"} "
		 "%d\n",
		 1000 + NDPR_C_MAX);
	check_has("metrics: events suppressed", t, want);
	check_has("metrics: static entries by kind", t,
		  "\nndpresponder_prefix_entries{interface=\"eth0\","
		  "kind=\"exclude\",origin=\"static\"} 1\n");
	check_has("metrics: static kinds present at zero", t,
		  "\nndpresponder_prefix_entries{interface=\"eth0\","
		  "kind=\"route_check\",origin=\"static\"} 0\n");
	check_has("metrics: origin label escaped", t,
		  "\nndpresponder_prefix_entries{interface=\"eth0\","
		  "kind=\"answer\",origin=\"docker:we\\\"ird\\\\net\"} 3\n");
	harness_result(t && !strstr(t, "origin=\"\""),
		       "metrics: unused origins absent", "%s", t ? t : "");
	check_has("metrics: map capacity", t,
		  "\nndpresponder_map_capacity{interface=\"eth0\","
		  "map=\"hosts\"} 65536\n");
	check_has("metrics: attach mode", t,
		  "\nndpresponder_attached{interface=\"eth0\","
		  "mode=\"native\"} 1\n");
	check_has("metrics: program id", t,
		  "\nndpresponder_program_id{interface=\"eth0\"} 42\n");
	check_has("metrics: Docker last sync, in seconds", t,
		  "\nndpresponder_docker_last_sync_time_seconds"
		  "{interface=\"eth0\"} 5\n");
	check_has("metrics: Docker entries added", t,
		  "\nndpresponder_docker_entries_added_total"
		  "{interface=\"eth0\"} 3\n");
	check_has("metrics: build info is a gauge in Prometheus' format", t,
		  "\n# TYPE ndpresponder_build_info gauge\n"
		  "ndpresponder_build_info{version=\"" NDPR_VERSION
		  "\",features=\"docker,metrics\"} 1\n");
	check_has("metrics: process CPU, a counter in seconds", t,
		  "\n# TYPE process_cpu_seconds_total counter\n"
		  "process_cpu_seconds_total 1.5\n");
	check_has("metrics: process start time", t,
		  "\nprocess_start_time_seconds 1700000000.25\n");
	harness_result(t && !strstr(t, "# EOF"),
		       "metrics: no # EOF in Prometheus' format", "%s",
		       t ? t : "");
	free(t);
}

static void check_openmetrics(void)
{
	char *t = exposition(METRICS_OPENMETRICS, "eth0");
	size_t n = t ? strlen(t) : 0;

	check_has("metrics: OpenMetrics counter family without _total", t,
		  "\n# TYPE ndpresponder_solicitations counter\n");
	check_has("metrics: OpenMetrics counter samples with _total", t,
		  "\nndpresponder_solicitations_total{interface=\"eth0\","
		  "outcome=\"answered\"} 1000\n");
	check_has("metrics: OpenMetrics info family", t,
		  "\n# TYPE ndpresponder_build info\n"
		  "ndpresponder_build_info{version=\"");
	check_outcomes(t);
	check_names(t);
	harness_result(n > 6 && !strcmp(t + n - 6, "# EOF\n") &&
			       strstr(t, "# EOF") == t + n - 6,
		       "metrics: OpenMetrics ends with # EOF, once", "%s",
		       t ? t : "");
	free(t);
}

static void check_escaping(void)
{
	char *t = exposition(METRICS_PROMETHEUS, "a\"b\\c\nd");
	struct metrics_out o;

	check_has("metrics: label values escape quote, backslash, newline", t,
		  "\nndpresponder_program_id{interface=\"a\\\"b\\\\c\\nd\"} "
		  "42\n");
	free(t);
	metrics_init(&o, METRICS_PROMETHEUS);
	metrics_family(&o, "ndpresponder_x", METRIC_GAUGE, "a\\b\n\"c\"");
	metrics_finish(&o);
	check_has("metrics: Prometheus HELP escapes backslash, newline", o.buf,
		  "# HELP ndpresponder_x a\\\\b\\n\"c\"\n");
	metrics_free(&o);
	metrics_init(&o, METRICS_OPENMETRICS);
	metrics_family(&o, "ndpresponder_x", METRIC_GAUGE, "a\\b\n\"c\"");
	metrics_finish(&o);
	check_has("metrics: OpenMetrics HELP escapes the quote too", o.buf,
		  "# HELP ndpresponder_x a\\\\b\\n\\\"c\\\"\n");
	metrics_free(&o);
}

static void check_absent(void)
{
	struct metrics_out o;

	metrics_init(&o, METRICS_PROMETHEUS);
	metrics_absent_write(&o, "eth0");
	metrics_finish(&o);
	harness_result(o.buf && !strcmp(o.buf,
					"# HELP ndpresponder_attached 1 while "
					"the pinned link holds the interface, "
					"by attach mode.\n"
					"# TYPE ndpresponder_attached gauge\n"
					"ndpresponder_attached{interface="
					"\"eth0\",mode=\"none\"} 0\n"),
		       "metrics: a responder not there is attached 0, alone",
		       "got:\n%s", o.buf ? o.buf : "(none)");
	metrics_free(&o);
}

static void check_accept(void)
{
	static const struct {
		const char *accept;
		bool om;
	} cases[] = {
		/* What Prometheus 2.42 sends. */
		{ "application/openmetrics-text;version=1.0.0,application/"
		  "openmetrics-text;version=0.0.1;q=0.75,text/plain;version="
		  "0.0.4;q=0.5,*/*;q=0.1",
		  true },
		{ "text/plain;version=0.0.4", false },
		{ "*/*", false },
		{ "", false },
		{ NULL, false },
		{ "text/plain, application/openmetrics-text; q=0.2", true },
		{ "application/openmetrics-text;q=0", false },
		{ "application/openmetrics-textual", false },
	};
	char name[200];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		snprintf(name, sizeof(name), "metrics: Accept '%s' -> %s",
			 cases[i].accept ? cases[i].accept : "(none)",
			 cases[i].om ? "OpenMetrics" : "Prometheus");
		harness_result(metrics_wants_openmetrics(cases[i].accept) ==
				       cases[i].om,
			       name, "wrong format chosen");
	}
}

static void check_kinds(void)
{
	struct prefix p = { .len = 64, .action = NDPR_ACT_ANSWER };
	int ok = metrics_kind_of(&p) == METRICS_KIND_ANSWER;

	p.flags = NDPR_PF_ROUTE_CHECK;
	ok &= metrics_kind_of(&p) == METRICS_KIND_ROUTE_CHECK;
	p.flags |= NDPR_PF_ROUTE_NEIGH;
	ok &= metrics_kind_of(&p) == METRICS_KIND_ROUTE_CHECK_NEIGH;
	p.action = NDPR_ACT_EXCLUDE;
	ok &= metrics_kind_of(&p) == METRICS_KIND_EXCLUDE;
	for (int k = 0; k < METRICS_KINDS; k++)
		ok &= metrics_kind_name(k) != NULL;
	harness_result(ok, "metrics: entry kinds", "wrong kind");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	check_prometheus();
	check_openmetrics();
	check_escaping();
	check_absent();
	check_accept();
	check_kinds();
	return harness_exit();
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The metrics exposition: Prometheus' text format 0.0.4 and OpenMetrics
 * 1.0 from one set of calls. Names follow Prometheus' conventions: the
 * ndpresponder_ prefix, _total on counters, base units, labels for
 * variants.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "metrics.h"
#include "responder.h"

void metrics_init(struct metrics_out *o, enum metrics_format fmt)
{
	memset(o, 0, sizeof(*o));
	o->fmt = fmt;
}

void metrics_free(struct metrics_out *o)
{
	free(o->buf);
	o->buf = NULL;
	o->len = o->cap = 0;
}

static bool reserve(struct metrics_out *o, size_t more)
{
	size_t cap = o->cap ? o->cap : 4096;
	char *b;

	if (o->err)
		return false;
	while (cap < o->len + more + 1)
		cap *= 2;
	if (cap == o->cap)
		return true;
	b = realloc(o->buf, cap);
	if (!b) {
		o->err = -ENOMEM;
		return false;
	}
	o->buf = b;
	o->cap = cap;
	return true;
}

static void put(struct metrics_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void put(struct metrics_out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !reserve(o, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(o->buf + o->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	o->len += (size_t)n;
}

/* Label values escape backslash, quote and newline; HELP text escapes
 * backslash and newline, and OpenMetrics' the quote too. */
static void put_escaped(struct metrics_out *o, const char *s, bool quote)
{
	for (; *s; s++) {
		if (*s == '\\')
			put(o, "\\\\");
		else if (*s == '\n')
			put(o, "\\n");
		else if (*s == '"' && quote)
			put(o, "\\\"");
		else
			put(o, "%c", *s);
	}
}

int metrics_finish(struct metrics_out *o)
{
	if (o->fmt == METRICS_OPENMETRICS)
		put(o, "# EOF\n");
	if (!o->err && !reserve(o, 0))
		return o->err;
	return o->err;
}

void metrics_family(struct metrics_out *o, const char *name,
		    enum metric_type type, const char *help)
{
	static const char *const types[] = { "counter", "gauge", "info" };
	bool om = o->fmt == METRICS_OPENMETRICS;
	const char *suffix = "";
	char family[sizeof(o->family)];

	if (type == METRIC_COUNTER)
		suffix = "_total";
	else if (type == METRIC_INFO)
		suffix = "_info";
	snprintf(o->family, sizeof(o->family), "%s%s", name, suffix);
	/* OpenMetrics names the family without the samples' suffix. */
	snprintf(family, sizeof(family), "%s", om ? name : o->family);
	put(o, "# HELP %s ", family);
	put_escaped(o, help, om);
	put(o, "\n# TYPE %s %s\n", family,
	    om || type != METRIC_INFO ? types[type] : "gauge");
}

static void put_labels(struct metrics_out *o, const char *const *labels)
{
	put(o, "%s", o->family);
	if (!labels || !labels[0])
		return;
	for (int i = 0; labels[i] && labels[i + 1]; i += 2) {
		put(o, "%s%s=\"", i ? "," : "{", labels[i]);
		put_escaped(o, labels[i + 1], true);
		put(o, "\"");
	}
	put(o, "}");
}

void metrics_sample(struct metrics_out *o, const char *const *labels,
		    double value)
{
	put_labels(o, labels);
	put(o, " %.15g\n", value);
}

void metrics_sample_u64(struct metrics_out *o, const char *const *labels,
			uint64_t value)
{
	put_labels(o, labels);
	put(o, " %llu\n", (unsigned long long)value);
}

/* One media range of Accept: "type/sub;param;q=0.5". */
static bool range_wants_openmetrics(const char *r, size_t len)
{
	static const char om[] = "application/openmetrics-text";
	const char *q;

	while (len && (*r == ' ' || *r == '\t'))
		r++, len--;
	if (len < sizeof(om) - 1 || strncasecmp(r, om, sizeof(om) - 1) ||
	    (len > sizeof(om) - 1 && r[sizeof(om) - 1] != ';' &&
	     r[sizeof(om) - 1] != ' '))
		return false;
	q = memmem(r, len, "q=", 2);
	/* q=0 means "not acceptable" (RFC 9110 §12.4.2). */
	return !q || strtod(q + 2, NULL) > 0;
}

bool metrics_wants_openmetrics(const char *accept)
{
	const char *end;

	while (accept && *accept) {
		end = strchrnul(accept, ',');
		if (range_wants_openmetrics(accept, (size_t)(end - accept)))
			return true;
		accept = *end ? end + 1 : end;
	}
	return false;
}

#define OUTCOME_NAME(name) #name,
static const char *const outcomes[] = { NDPR_COUNTERS(OUTCOME_NAME) };
#undef OUTCOME_NAME

const char *metrics_outcome(int idx)
{
	return idx >= 0 && idx < NDPR_C_MAX ? outcomes[idx] : NULL;
}

const char *metrics_kind_name(int kind)
{
	static const char *const kinds[METRICS_KINDS] = {
		[METRICS_KIND_ANSWER] = "answer",
		[METRICS_KIND_ROUTE_CHECK] = "route_check",
		[METRICS_KIND_ROUTE_CHECK_NEIGH] = "route_check_neigh",
		[METRICS_KIND_EXCLUDE] = "exclude",
	};

	return kind >= 0 && kind < METRICS_KINDS ? kinds[kind] : NULL;
}

int metrics_kind_of(const struct prefix *p)
{
	if (p->action == NDPR_ACT_EXCLUDE)
		return METRICS_KIND_EXCLUDE;
	if (p->flags & NDPR_PF_ROUTE_NEIGH)
		return METRICS_KIND_ROUTE_CHECK_NEIGH;
	if (p->flags & NDPR_PF_ROUTE_CHECK)
		return METRICS_KIND_ROUTE_CHECK;
	return METRICS_KIND_ANSWER;
}

/* The link's program and mode; attached stays false without a link. */
static void read_link(struct metrics_responder *r, const struct pin_dir *pd)
{
	struct ndpr_config cfg;
	int fd = pin_open_link(pd);

	if (fd < 0)
		return;
	r->attached = responder_link_ifindex(fd, &r->prog_id) > 0;
	if (r->attached)
		responder_live(fd, &cfg, &r->mode);
	close(fd);
}

static bool origin_used(const struct metrics_responder *r, int k)
{
	for (int kind = 0; kind < METRICS_KINDS; kind++)
		if (r->entries[k][kind])
			return true;
	return false;
}

static void count_entries(struct metrics_responder *r,
			  const struct ndpr_maps *m)
{
	struct prefix_set set = {};
	const struct prefix *p;

	if (maps_prefix_dump(m, &set))
		return;
	for (size_t i = 0; i < set.n; i++) {
		p = &set.v[i];
		if (p->origin < NDPR_MAX_ORIGINS)
			r->entries[p->origin][metrics_kind_of(p)]++;
		if (p->len == 128)
			r->hosts++;
		else
			r->prefixes++;
	}
	prefix_set_free(&set);
	/* A lookup per origin in use only: most have no entries. */
	for (int k = 0; k < NDPR_MAX_ORIGINS; k++)
		if (!k || origin_used(r, k))
			maps_origin_name(m, (uint16_t)k, r->origin[k],
					 sizeof(r->origin[k]));
}

int metrics_responder_read(struct metrics_responder *r, const char *ifname,
			   const struct pin_dir *pd, const struct ndpr_maps *m)
{
	struct ndpr_state st;
	int ret;

	memset(r, 0, sizeof(*r));
	r->ifname = ifname;
	ret = counters_read(m->counters, m->empty, &r->counters, NULL, NULL);
	if (ret)
		return ret;
	if (!maps_state_read(m, &st)) {
		r->mode = st.mode;
		r->attached_at = st.attached_at;
	}
	read_link(r, pd);
	r->hosts_cap = map_capacity(m->hosts);
	r->prefixes_cap = map_capacity(m->prefixes);
	count_entries(r, m);
	return 0;
}

static void write_counters(struct metrics_out *o,
			   const struct metrics_responder *r)
{
	metrics_family(o, "ndpresponder_solicitations", METRIC_COUNTER,
		       "Packets the XDP program saw, by outcome (each packet "
		       "lands in exactly one; passed_not_ns are not "
		       "solicitations).");
	for (int i = 0; i < NDPR_C_MAX; i++)
		metrics_sample_u64(o,
				   (const char *const[]){ "interface",
							  r->ifname, "outcome",
							  outcomes[i], NULL },
				   ndpr_counter_val(&r->counters, i));
	metrics_family(o, "ndpresponder_events_suppressed", METRIC_COUNTER,
		       "Events the per-CPU rate limit kept from the log.");
	metrics_sample_u64(
		o, (const char *const[]){ "interface", r->ifname, NULL },
		r->counters.events_suppressed);
}

static void write_entries(struct metrics_out *o,
			  const struct metrics_responder *r)
{
	metrics_family(o, "ndpresponder_prefix_entries", METRIC_GAUGE,
		       "Entries of the prefix maps, by kind and origin.");
	for (int k = 0; k < NDPR_MAX_ORIGINS; k++)
		for (int kind = 0; kind < METRICS_KINDS; kind++) {
			/* Static entries always, others when present. */
			if (k && !origin_used(r, k))
				continue;
			metrics_sample_u64(
				o,
				(const char *const[]){
					"interface", r->ifname, "kind",
					metrics_kind_name(kind), "origin",
					r->origin[k], NULL },
				r->entries[k][kind]);
		}
}

static void write_maps(struct metrics_out *o, const struct metrics_responder *r)
{
	const char *const hosts[] = { "interface", r->ifname, "map", "hosts",
				      NULL };
	const char *const prefixes[] = { "interface", r->ifname, "map",
					 "prefixes", NULL };

	metrics_family(o, "ndpresponder_map_entries", METRIC_GAUGE,
		       "Entries in each prefix map (hosts: the /128s).");
	metrics_sample_u64(o, hosts, r->hosts);
	metrics_sample_u64(o, prefixes, r->prefixes);
	metrics_family(o, "ndpresponder_map_capacity", METRIC_GAUGE,
		       "Capacity of each prefix map, in entries.");
	metrics_sample_u64(o, hosts, r->hosts_cap);
	metrics_sample_u64(o, prefixes, r->prefixes_cap);
}

static void write_attached(struct metrics_out *o, const char *ifname,
			   const char *mode, bool attached)
{
	metrics_family(o, "ndpresponder_attached", METRIC_GAUGE,
		       "1 while the pinned link holds the interface, by "
		       "attach mode.");
	metrics_sample_u64(o,
			   (const char *const[]){ "interface", ifname, "mode",
						  mode, NULL },
			   attached);
}

void metrics_absent_write(struct metrics_out *o, const char *ifname)
{
	write_attached(o, ifname, "none", false);
}

static void write_program(struct metrics_out *o,
			  const struct metrics_responder *r)
{
	const char *const iface[] = { "interface", r->ifname, NULL };

	write_attached(o, r->ifname, mode_name(r->mode), r->attached);
	metrics_family(o, "ndpresponder_program_id", METRIC_GAUGE,
		       "Id of the XDP program answering (bpftool prog show "
		       "id N).");
	metrics_sample_u64(o, iface, r->prog_id);
	metrics_family(o, "ndpresponder_attach_time_seconds", METRIC_GAUGE,
		       "When the responder was attached, in seconds since "
		       "the epoch.");
	metrics_sample_u64(o, iface, r->attached_at);
}

void metrics_responder_write(struct metrics_out *o,
			     const struct metrics_responder *r)
{
	write_counters(o, r);
	write_entries(o, r);
	write_maps(o, r);
	write_program(o, r);
}

void metrics_build_info(struct metrics_out *o, const char *features)
{
	metrics_family(o, "ndpresponder_build", METRIC_INFO,
		       "The version and features of this build.");
	metrics_sample_u64(o,
			   (const char *const[]){ "version", NDPR_VERSION,
						  "features", features, NULL },
			   1);
}

/* A family of one sample, for the tables below. */
struct single {
	const char *name;
	enum metric_type type;
	const char *help;
	double value;
};

static void write_singles(struct metrics_out *o, const char *const *labels,
			  const struct single *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		metrics_family(o, v[i].name, v[i].type, v[i].help);
		metrics_sample(o, labels, v[i].value);
	}
}

void metrics_docker_write(struct metrics_out *o, const char *ifname,
			  const struct metrics_docker *d)
{
	const char *const iface[] = { "interface", ifname, NULL };
	const struct single v[] = {
		{ "ndpresponder_docker_connected", METRIC_GAUGE,
		  "1 while the Docker event stream is connected.",
		  d->connected },
		{ "ndpresponder_docker_last_sync_time_seconds", METRIC_GAUGE,
		  "When a Docker network's addresses were last applied, in "
		  "seconds since the epoch (0: never).",
		  (double)d->last_sync },
		{ "ndpresponder_docker_syncs", METRIC_COUNTER,
		  "Docker network address sets applied to the maps.",
		  (double)d->syncs },
		{ "ndpresponder_docker_sync_errors", METRIC_COUNTER,
		  "Docker network address sets the maps refused.",
		  (double)d->sync_errors },
		{ "ndpresponder_docker_entries_added", METRIC_COUNTER,
		  "Entries Docker mode added to the prefix maps.",
		  (double)d->added },
		{ "ndpresponder_docker_entries_removed", METRIC_COUNTER,
		  "Entries Docker mode removed from the prefix maps.",
		  (double)d->removed },
	};

	write_singles(o, iface, v, sizeof(v) / sizeof(v[0]));
}

/* As Prometheus' client libraries name them. */
void metrics_process(struct metrics_out *o, const struct proc_stats *ps)
{
	const struct single v[] = {
		{ "process_cpu_seconds", METRIC_COUNTER,
		  "User and system CPU time spent, in seconds.",
		  ps->cpu_seconds },
		{ "process_resident_memory_bytes", METRIC_GAUGE,
		  "Resident memory size, in bytes.", (double)ps->rss_bytes },
		{ "process_start_time_seconds", METRIC_GAUGE,
		  "Start time of the process, in seconds since the epoch.",
		  ps->start_time },
		{ "process_open_fds", METRIC_GAUGE, "Open file descriptors.",
		  (double)ps->open_fds },
		{ "process_max_fds", METRIC_GAUGE,
		  "The limit of open file descriptors.", (double)ps->max_fds },
	};

	write_singles(o, NULL, v, sizeof(v) / sizeof(v[0]));
}

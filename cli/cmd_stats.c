// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* stats and status */
#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "guards.h"
#include "iface.h"
#include "log.h"
#include "maps.h"
#include "metrics.h"
#include "pins.h"
#include "print.h"
#include "responder.h"
#include "rx_vlan.h"

static const char stats_usage[] =
	"Usage: ndpresponder stats IFACE [--all] [--per-cpu] [--json]\n"
	"                          [--watch SECS]\n"
	"       ndpresponder stats IFACE --format prometheus\n"
	"\n"
	"Prints the outcome counters of the responder on IFACE, summed over\n"
	"CPUs, grouped: answered, passed (not ours to answer, and why),\n"
	"invalid (refused by RFC 4861's checks) and errors. Every packet\n"
	"the program sees lands in exactly one of them, so 'received' is\n"
	"their sum. Only the counters that are not zero are shown; JSON has\n"
	"every counter, under its snake_case name. events-suppressed is not\n"
	"an outcome: the events the rate limit (attach --log-rate) kept from\n"
	"a run or monitor that was reading them; with none, nothing counts.\n"
	"\n"
	"  -a, --all          every counter, zero or not\n"
	"  -P, --per-cpu      one column per CPU as well\n"
	"  -j, --json         one JSON object (per interval with --watch),\n"
	"                     with the interface and a timestamp\n"
	"  -w, --watch SECS   rates per second every SECS seconds, redrawn\n"
	"                     in place on a terminal\n"
	"  -f, --format FMT   text (default), json, or prometheus: the\n"
	"                     counters, prefix entries and program as\n"
	"                     metrics, for node_exporter's textfile collector\n"
	"  -h, --help         this text\n";

static __u64 total(const struct ndpr_counters *c)
{
	__u64 sum = 0;

	for (int i = 0; i < NDPR_C_MAX; i++)
		sum += ndpr_counter_val(c, i);
	return sum;
}

/* What one table of counters is printed with. */
struct counter_view {
	const struct ndpr_counters *c;
	const struct ndpr_counters *pcpu; /* NULL: no CPU columns */
	int ncpus;
	double rate_secs; /* 0: counts, else rates over that many seconds */
	bool all;	  /* every row, not only those that moved */
};

/* One counter's line: its kebab-case label for people, its snake_case
 * C name for JSON; idx -1 is received, NDPR_C_MAX events_suppressed. */
static void print_counter(struct print_ctx *p, const struct counter_view *v,
			  int idx)
{
	const char *key = idx < 0	    ? "received" :
			  idx == NDPR_C_MAX ? "events_suppressed" :
					      counter_key(idx);
	const char *label = idx < 0	      ? "received" :
			    idx == NDPR_C_MAX ? "events-suppressed" :
						counter_name(idx);
	__u64 val = idx < 0 ? total(v->c) : ndpr_counter_val(v->c, idx);

	print_text(p, idx < 0 ? "%-26s " : "  %-24s ", label);
	if (v->rate_secs)
		print_double(p, PRINT_ANY, key, "%14.1f/s", val / v->rate_secs);
	else
		print_uint(p, PRINT_ANY, key, "%14llu",
			   (unsigned long long)val);
	for (int cpu = 0; v->pcpu && cpu < v->ncpus; cpu++) {
		const struct ndpr_counters *c = &v->pcpu[cpu];

		print_text(p, " %15llu",
			   (unsigned long long)(idx < 0 ? total(c) :
							  ndpr_counter_val(
								  c, idx)));
	}
	print_nl(p);
}

/* Per CPU, text is a column of each counter's line, JSON an object per
 * CPU: the two shapes differ, so each has its own call. */
static void print_cpu_header(struct print_ctx *p, int ncpus)
{
	print_text(p, "%-26s %14s", "", "total");
	for (int cpu = 0; cpu < ncpus; cpu++)
		print_text(p, " %12s%d", "cpu", cpu);
	print_nl(p);
}

static void print_cpu_objects(struct print_ctx *p,
			      const struct ndpr_counters *pcpu, int ncpus)
{
	open_json_array(p, "per_cpu");
	for (int cpu = 0; cpu < ncpus; cpu++) {
		open_json_object(p, NULL);
		print_uint(p, PRINT_JSON, "received", NULL, total(&pcpu[cpu]));
		for (int i = 0; i <= NDPR_C_MAX; i++)
			print_uint(p, PRINT_JSON,
				   i < NDPR_C_MAX ? counter_key(i) :
						    "events_suppressed",
				   NULL, ndpr_counter_val(&pcpu[cpu], i));
		close_json_object(p);
	}
	close_json_array(p);
}

/* The outcome groups, by the prefix of the counters' names. */
static const char *const groups[][2] = {
	{ "answered", "answered" },
	{ "passed", "passed" },
	{ "invalid", "invalid" },
	{ "error", "errors" },
};

/* A group's rows: those that moved, or all; JSON has every counter. */
static void print_group(struct print_ctx *p, const struct counter_view *v,
			const char *prefix, const char *title)
{
	bool shown = false;

	for (int i = 0; i < NDPR_C_MAX; i++) {
		bool want = v->all || ndpr_counter_val(v->c, i) ||
			    print_is_json(p);

		if (strncmp(counter_key(i), prefix, strlen(prefix)) || !want)
			continue;
		if (!shown)
			print_text(p, "%s:\n", title);
		shown = true;
		print_counter(p, v, i);
	}
}

/* "eth0, 2026-12-02T00:47:48Z", and in JSON the interface, the time in
 * seconds since the epoch and, with --watch, the interval. */
static void print_stats_head(struct print_ctx *p, const char *ifname,
			     unsigned long interval)
{
	struct timespec ts;
	char when[32];
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	print_string(p, PRINT_ANY, "interface", "%s at ", ifname);
	print_text(p, "%s", when);
	print_double(p, PRINT_JSON, "timestamp", NULL,
		     (double)ts.tv_sec + ts.tv_nsec / 1e9);
	if (interval)
		print_uint(p, PRINT_ANY, "interval", ", per second over %llus",
			   interval);
	print_nl(p);
}

/* Counts, or rates; the rows that moved, grouped, or all of them. */
static void print_counters(struct print_ctx *p, const char *ifname,
			   const struct counter_view *v, unsigned long interval)
{
	open_json_object(p, NULL);
	print_stats_head(p, ifname, interval);
	if (v->pcpu)
		print_cpu_header(p, v->ncpus);
	print_counter(p, v, -1);
	for (size_t g = 0; g < sizeof(groups) / sizeof(groups[0]); g++)
		print_group(p, v, groups[g][0], groups[g][1]);
	/*
	 * Not an outcome: the events the rate limit kept from run's log
	 * and monitor. With no reader every event is kept from them, so
	 * the count says something only while one runs: a row for --all.
	 */
	/* Counted only while a reader is there: not zero, it says that
	 * one missed events, as every other row says what happened. */
	if (v->all || print_is_json(p) || v->c->events_suppressed) {
		print_text(p, "events (not packets; over the rate of the run "
			      "or monitor reading them):\n");
		print_counter(p, v, NDPR_C_MAX);
	}
	if (v->pcpu)
		print_cpu_objects(p, v->pcpu, v->ncpus);
	close_json_object(p);
}

static void counters_sub(struct ndpr_counters *d, const struct ndpr_counters *a,
			 const struct ndpr_counters *b)
{
	for (int i = 0; i <= NDPR_C_MAX; i++) /* + events_suppressed */
		*ndpr_counter(d, i) =
			ndpr_counter_val(a, i) - ndpr_counter_val(b, i);
}

struct stats_opts {
	bool json;
	bool prometheus;
	bool per_cpu;
	bool all;
	unsigned long watch;
	const char *ifname;
};

static int set_format(struct stats_opts *o, const char *fmt)
{
	if (!strcmp(fmt, "json"))
		o->json = true;
	else if (!strcmp(fmt, "prometheus"))
		o->prometheus = true;
	else if (strcmp(fmt, "text")) {
		pr_err("stats: --format is text, json or prometheus, not '%s'",
		       fmt);
		return -EINVAL;
	}
	return 0;
}

/* 1 for --help, 0 with o filled in, or a negative errno. */
static int stats_parse(int argc, char **argv, struct stats_opts *o)
{
	static const struct option opts[] = {
		{ "per-cpu", no_argument, NULL, 'P' },
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ "watch", required_argument, NULL, 'w' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c;

	while ((c = verb_getopt(argc, argv, "Pajw:f:h", opts, stats_usage)) !=
	       -1) {
		switch (c) {
		case 'h':
			return 1;
		case 'P':
			o->per_cpu = true;
			break;
		case 'a':
			o->all = true;
			break;
		case 'j':
			o->json = true;
			break;
		case 'w':
			if (parse_uint(optarg, 1, 3600, &o->watch)) {
				pr_err("stats: --watch takes seconds, 1 to "
				       "3600");
				return -EINVAL;
			}
			break;
		case 'f':
			if (set_format(o, optarg))
				return -EINVAL;
			break;
		default:
			return -EINVAL;
		}
	}
	if (o->prometheus && (o->watch || o->per_cpu || o->json)) {
		pr_err("stats: --format prometheus takes no --watch, "
		       "--per-cpu or --json");
		usage_failed();
		return -EINVAL;
	}
	o->ifname = verb_iface(argc, argv);
	return o->ifname ? 0 : -EINVAL;
}

static int read_counters(const struct ndpr_maps *m, const char *ifname,
			 struct ndpr_counters *sum, struct ndpr_counters *pcpu,
			 int *ncpus)
{
	int ret = counters_read(m->counters, m->empty, sum, pcpu, ncpus);

	if (ret)
		pr_err("%s: couldn't read the counters: %s", ifname,
		       errstr(ret));
	return ret;
}

/* The counters now, and per CPU when pcpu is set (ncpus of them). */
struct counter_read {
	struct ndpr_counters sum;
	struct ndpr_counters *pcpu;
	int ncpus;
};

/* d = a - b, per CPU too. */
static void reads_sub(struct counter_read *d, const struct counter_read *a,
		      const struct counter_read *b)
{
	counters_sub(&d->sum, &a->sum, &b->sum);
	for (int cpu = 0; d->pcpu && cpu < d->ncpus; cpu++)
		counters_sub(&d->pcpu[cpu], &a->pcpu[cpu], &b->pcpu[cpu]);
}

/*
 * Rates every o->watch seconds from r on, until a read fails. On a
 * terminal each interval redraws the screen; a pipe gets them one after
 * the other.
 */
static int stats_watch(struct print_ctx *p, const struct stats_opts *o,
		       const struct ndpr_maps *m, struct counter_read *r)
{
	size_t sz = (size_t)r->ncpus * sizeof(struct ndpr_counters);
	struct counter_read prev = { .ncpus = r->ncpus };
	struct counter_read d = { .ncpus = r->ncpus };
	bool redraw = !print_is_json(p) && isatty(fileno(stdout));
	int ret = 0;

	if (r->pcpu) {
		prev.pcpu = malloc(sz);
		d.pcpu = malloc(sz);
		if (!prev.pcpu || !d.pcpu) {
			ret = -ENOMEM;
			goto out;
		}
	}
	for (;;) {
		prev.sum = r->sum;
		if (r->pcpu)
			memcpy(prev.pcpu, r->pcpu, sz);
		sleep((unsigned int)o->watch);
		ret = read_counters(m, o->ifname, &r->sum, r->pcpu, &r->ncpus);
		if (ret)
			break;
		reads_sub(&d, r, &prev);
		if (redraw)
			fputs("\033[H\033[2J", stdout);
		print_counters(
			p, o->ifname,
			&(struct counter_view){ .c = &d.sum,
						.pcpu = d.pcpu,
						.ncpus = d.ncpus,
						.all = o->all,
						.rate_secs = (double)o->watch },
			o->watch);
		fflush(stdout);
	}
out:
	free(prev.pcpu);
	free(d.pcpu);
	return ret;
}

/* The responder's families from its maps; -ENOENT when it has none. */
static int write_responder(struct metrics_out *out, const char *ifname)
{
	struct ndpr_maps m = NDPR_MAPS_INIT;
	struct metrics_responder *r;
	struct pin_dir pd;
	int ret;

	ret = pin_dir_init(&pd, ifname, 0);
	if (!ret)
		ret = maps_open_quiet(&pd, &m);
	if (ret)
		return ret;
	r = calloc(1, sizeof(*r));
	ret = r ? metrics_responder_read(r, ifname, &pd, &m) : -ENOMEM;
	if (ret)
		pr_err("%s: couldn't read the counters: %s", ifname,
		       errstr(ret));
	else
		metrics_responder_write(out, r);
	free(r);
	maps_close(&m);
	return ret;
}

/*
 * The metrics of `run`'s endpoint that come from the maps, for a
 * textfile: Prometheus' text format, on stdout. A responder that is not
 * there is written so (ndpresponder_attached 0), and the command
 * succeeds: the textfile must not go on saying that one answers.
 */
static int stats_prometheus(const char *ifname)
{
	struct metrics_out out;
	int ret;

	metrics_init(&out, METRICS_PROMETHEUS);
	ret = write_responder(&out, ifname);
	if (ret == -ENOENT) {
		metrics_absent_write(&out, ifname);
		ret = 0;
	}
	if (!ret)
		ret = metrics_finish(&out);
	if (!ret && fwrite(out.buf, 1, out.len, stdout) != out.len)
		ret = -EIO;
	metrics_free(&out);
	return ret;
}

int cmd_stats(int argc, char **argv)
{
	struct ndpr_maps m = NDPR_MAPS_INIT;
	struct counter_read r = {};
	struct stats_opts o = {};
	struct print_ctx p;
	struct pin_dir pd;
	int ret;

	ret = stats_parse(argc, argv, &o);
	if (ret)
		return ret > 0 ? 0 : ret;
	if (o.prometheus)
		return stats_prometheus(o.ifname);
	print_init(&p, o.json, stdout);
	ret = maps_open_iface(o.ifname, &pd, &m);
	if (ret)
		return ret;
	r.ncpus = libbpf_num_possible_cpus();
	if (o.per_cpu && r.ncpus > 0)
		r.pcpu = calloc((size_t)r.ncpus, sizeof(*r.pcpu));
	ret = read_counters(&m, o.ifname, &r.sum, r.pcpu, &r.ncpus);
	if (ret)
		goto out;
	if (o.watch)
		ret = stats_watch(&p, &o, &m, &r);
	else
		print_counters(&p, o.ifname,
			       &(struct counter_view){ .c = &r.sum,
						       .pcpu = r.pcpu,
						       .ncpus = r.ncpus,
						       .all = o.all },
			       0);
out:
	free(r.pcpu);
	maps_close(&m);
	return ret;
}

static const char status_usage[] =
	"Usage: ndpresponder status [IFACE] [--json]\n"
	"\n"
	"Shows each interface with a responder (or IFACE's), one block each:\n"
	"attached or not, mode, program id, the version that loaded it,\n"
	"uptime; prefixes and their limit, log rate, VLAN handling; the\n"
	"answers' MAC and flags; guards and conflicts; the 'run' serving it\n"
	"(its pid); the pin directory. Exits 1 when one is not attached,\n"
	"incomplete or has a prefix sync cut short.\n"
	"\n"
	"  -j, --json  as JSON\n"
	"  -h, --help  this text\n";

struct iface_status {
	char ifname[NAME_MAX + 1];
	bool broken; /* pins missing: an attach or detach was cut short */
	const char *foreign; /* the pin that is not ours, if broken by one */
	bool had_state;	     /* broken with the record there: attach refuses */
	char dir[PATH_MAX];
	bool sync_partial;
	bool link_ok;
	__u32 prog_id;
	struct ndpr_state st;
	size_t prefixes;
	enum ndpr_vlan vlan;
	struct guard_conflict *conflicts; /* malloc'd */
	size_t nconflicts;
	char version[16]; /* of the running program; "" if older */
	__u32 max_prefixes;
	int run_pid; /* the `run` holding the run lock, 0 if none */
};

static int read_status(const char *ifname, struct iface_status *s)
{
	struct ndpr_maps m = NDPR_MAPS_INIT;
	struct prefix_set set = {};
	struct pin_dir pd;
	int ret, fd;

	memset(s, 0, sizeof(*s));
	snprintf(s->ifname, sizeof(s->ifname), "%s", ifname);
	ret = pin_dir_init(&pd, ifname, 0);
	if (ret)
		return ret;
	snprintf(s->dir, sizeof(s->dir), "%s", pd.dir);
	if (maps_open_quiet(&pd, &m)) {
		s->broken = true;
		s->foreign = maps_foreign(&pd);
		s->had_state = pin_exists(&pd, NDPR_PIN(state));
		goto out;
	}
	maps_state_read(&m, &s->st);
	s->sync_partial = maps_sync_partial(&m);
	s->max_prefixes = map_capacity(m.hosts);
	/* run's lock is its flock on the directory itself. */
	s->run_pid = (int)pin_lock_holder(pd.dir_fd);
	if (!maps_prefix_dump(&m, &set))
		s->prefixes = set.n;
	prefix_set_free(&set);
	guards_conflicts(&m, &s->conflicts, &s->nconflicts);
	fd = pin_open_link(&pd);
	/* Attached while the link holds an interface. */
	if (fd >= 0)
		s->link_ok = responder_link_ifindex(fd, &s->prog_id) > 0;
	/* What answers, not what the record says. */
	if (s->link_ok) {
		responder_live_version(fd, &s->st.config, &s->st.mode,
				       s->version, sizeof(s->version));
		s->vlan = rx_vlan_live(&s->st.config, s->st.mode);
	}
	if (fd >= 0)
		close(fd);
out:
	maps_close(&m);
	pin_dir_close(&pd);
	return 0;
}

/* Text-only lines about a record that needs a hand; JSON has the flags. */
static void print_status_notes(struct print_ctx *p,
			       const struct iface_status *s)
{
	char now[IF_NAMESIZE];

	if (s->link_ok && s->st.ifindex && if_indextoname(s->st.ifindex, now) &&
	    strcmp(now, s->ifname))
		print_text(p,
			   "%s: note: the interface is now named %s; "
			   "'ndpresponder detach %s' and attach it again "
			   "under its new name\n",
			   s->ifname, now, s->ifname);
	if (s->sync_partial)
		print_text(p,
			   "%s: warning: a prefix sync was cut short; run "
			   "it again\n",
			   s->ifname);
}

/* What attach says too: it refuses both, and names the way out. */
static void print_broken(struct print_ctx *p, const struct iface_status *s)
{
	if (s->foreign)
		print_text(p,
			   "%s: FOREIGN: %s/%s is not ndpresponder's; move "
			   "it away, then 'ndpresponder attach %s'\n",
			   s->ifname, s->dir, s->foreign, s->ifname);
	else if (s->had_state)
		print_text(p,
			   "%s: INCOMPLETE: pins are missing (an attach or "
			   "detach was cut short); 'ndpresponder detach %s' "
			   "removes the rest, then attach\n",
			   s->ifname, s->ifname);
	else
		print_text(p,
			   "%s: INCOMPLETE: pins are missing (an attach or "
			   "detach was cut short); 'ndpresponder attach %s' "
			   "repairs, 'ndpresponder detach %s' removes\n",
			   s->ifname, s->ifname, s->ifname);
}

/* "guards own,gateway,conflict", or "guards none". */
static void print_guard_flags(struct print_ctx *p, __u32 flags)
{
	char buf[32] = "";

	if (flags & NDPR_CFG_GUARD_OWN)
		strcat(buf, ",own");
	if (flags & NDPR_CFG_GUARD_GATEWAY)
		strcat(buf, ",gateway");
	if (flags & NDPR_CFG_GUARD_CONFLICT)
		strcat(buf, ",conflict");
	print_string(p, PRINT_ANY, "guards", "guards %s",
		     buf[0] ? buf + 1 : "none");
}

/* "3d 4h", "12m 5s": how long ago it was attached. */
static void print_uptime(struct print_ctx *p, __u64 attached_at)
{
	__u64 now = (__u64)time(NULL),
	      up = now > attached_at ? now - attached_at : 0;
	char buf[32];

	if (up >= 86400)
		snprintf(buf, sizeof(buf), "%llud %lluh", up / 86400,
			 up % 86400 / 3600);
	else if (up >= 3600)
		snprintf(buf, sizeof(buf), "%lluh %llum", up / 3600,
			 up % 3600 / 60);
	else
		snprintf(buf, sizeof(buf), "%llum %llus", up / 60, up % 60);
	print_uint(p, PRINT_JSON, "attached_at", NULL, attached_at);
	print_uint(p, PRINT_JSON, "uptime_secs", NULL, up);
	print_text(p, "up %s", buf);
}

/* The first line: what it is, and whether it answers. */
static void print_status_head(struct print_ctx *p, const struct iface_status *s)
{
	print_text(p, "%s: ", s->ifname);
	print_bool_as(p, PRINT_ANY, "attached", "%s, ", s->link_ok, "attached",
		      "NOT ATTACHED (attach repairs, once the interface "
		      "exists)");
	print_string(p, PRINT_ANY, "mode", "%s mode, ", mode_name(s->st.mode));
	print_uint(p, PRINT_ANY, "program_id", "program id %llu, ", s->prog_id);
	print_string(p, PRINT_ANY, "version", "version %s, ",
		     s->version[0] ? s->version : "unknown");
	print_uptime(p, s->st.attached_at);
	print_nl(p);
}

static void print_status(struct print_ctx *p, const struct iface_status *s)
{
	__u32 flags = s->st.config.flags;
	char mac[18];
	int ncpus = libbpf_num_possible_cpus();

	mac_format(s->st.config.mac, mac, sizeof(mac));
	open_json_object(p, NULL);
	print_string(p, PRINT_JSON, "interface", NULL, s->ifname);
	print_string(p, PRINT_JSON, "pins", NULL, s->dir);
	print_bool(p, PRINT_JSON, "complete", NULL, !s->broken);
	if (s->foreign)
		print_string(p, PRINT_JSON, "foreign", NULL, s->foreign);
	if (s->broken && !print_is_json(p)) {
		print_broken(p, s);
		close_json_object(p);
		return;
	}
	print_status_notes(p, s);
	print_bool(p, PRINT_JSON, "sync_partial", NULL, s->sync_partial);
	print_status_head(p, s);
	print_uint(p, PRINT_ANY, "prefixes", "  %llu ", s->prefixes);
	print_text(p, "%s", s->prefixes == 1 ? "prefix" : "prefixes");
	print_uint(p, PRINT_ANY, "max_prefixes", " (at most %llu a map), ",
		   s->max_prefixes);
	print_uint(p, PRINT_ANY, "log_rate", "log-rate %llu/s, ",
		   (unsigned long long)s->st.config.events_per_cpu *
			   (ncpus > 0 ? (unsigned)ncpus : 1));
	print_string(p, PRINT_ANY, "vlan", "vlan tags %s", vlan_name(s->vlan));
	print_nl(p);
	print_string(p, PRINT_ANY, "mac", "  answers from %s, ", mac);
	print_on_off(p, PRINT_ANY, "router", "router %s, ",
		     flags & NDPR_CFG_ROUTER);
	print_string(p, PRINT_ANY, "override", "override %s, ",
		     override_name(s->st.config.override));
	print_on_off(p, PRINT_ANY, "dad", "dad %s, ", flags & NDPR_CFG_DAD);
	print_on_off(p, PRINT_ANY, "unicast", "unicast %s",
		     flags & NDPR_CFG_UNICAST);
	print_nl(p);
	print_text(p, "  ");
	print_guard_flags(p, flags);
	print_uint(p, PRINT_ANY, "nconflicts", ", %llu ", s->nconflicts);
	print_text(p, "%s", s->nconflicts == 1 ? "conflict" : "conflicts");
	print_nl(p);
	if (s->run_pid)
		print_uint(p, PRINT_ANY, "run_pid",
			   "  served by 'ndpresponder run' (pid %llu)",
			   (unsigned long long)s->run_pid);
	else
		print_text(p, "  no 'ndpresponder run' serves it (attached by "
			      "attach: prefixes as the commands left them)");
	print_nl(p);
	print_text(p, "  pins %s", s->dir);
	print_nl(p);
	open_json_array(p, "conflicts");
	for (size_t i = 0; i < s->nconflicts; i++) {
		print_text(p, "  ");
		print_conflict(p, &s->conflicts[i]);
	}
	close_json_array(p);
	close_json_object(p);
}

/* Whether it answers as it should: attached, complete, no cut sync. */
static bool status_healthy(const struct iface_status *s)
{
	return !s->broken && s->link_ok && !s->sync_partial;
}

struct status_walk {
	struct print_ctx *p;
	const char *only; /* status IFACE: this one */
	char ns[32];	  /* this network namespace's level */
	bool others;	  /* the second pass: the other namespaces */
	bool unhealthy;	  /* one of this namespace's does not answer */
	int count;
};

/* A responder of another network namespace: named, never opened. */
static void print_foreign(struct print_ctx *p, const char *ns,
			  const char *ifname)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/%s/%s", pin_root(), ns, ifname);
	open_json_object(p, NULL);
	print_string(p, PRINT_ANY, "interface", "%s: ", ifname);
	print_string(p, PRINT_JSON, "pins", NULL, dir);
	print_string(p, PRINT_ANY, "netns",
		     "a responder of another network namespace (%s), not "
		     "this one's; ",
		     ns);
	print_text(p, "run status there (nsenter --net) to see it; pins %s",
		   dir);
	print_nl(p);
	close_json_object(p);
}

static void status_one(const char *ns, const char *ifname, void *arg)
{
	struct status_walk *w = arg;
	struct iface_status s;

	if (w->only && strcmp(ifname, w->only))
		return;
	if (w->others) {
		if (strcmp(ns, w->ns) && !w->only)
			print_foreign(w->p, ns, ifname);
		return;
	}
	if (read_status(ifname, &s))
		return;
	w->count++;
	if (!status_healthy(&s))
		w->unhealthy = true;
	print_status(w->p, &s);
	free(s.conflicts);
}

/* This namespace's responders (or only's), then the others' by name: 0,
 * 1 when one does not answer as it should, or a negative errno. */
static int print_statuses(struct print_ctx *p, const char *only)
{
	struct status_walk w = { .p = p, .only = only };
	int ret;

	ret = pin_netns_id(w.ns, sizeof(w.ns));
	if (ret)
		return ret;
	open_json_array(p, NULL);
	ret = pin_walk(w.ns, status_one, &w);
	w.others = true;
	if (!ret)
		ret = pin_walk(NULL, status_one, &w);
	if (!w.count && !ret && !only)
		print_text(p, "no responder attached in this network "
			      "namespace\n");
	close_json_array(p);
	if (!w.count && !ret && only) {
		pr_err("%s: no responder attached in this network namespace",
		       only);
		return -ENOENT;
	}
	/* What could not be read was said where it was found. */
	return ret ? ret : w.unhealthy;
}

int cmd_status(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct print_ctx p;
	bool json = false;
	int c;

	while ((c = verb_getopt(argc, argv, "jh", opts, status_usage)) != -1) {
		if (c == 'h')
			return 0;
		if (c != 'j')
			return -EINVAL;
		json = true;
	}
	if (optind + 1 < argc) {
		pr_err("status: takes one interface at most (ndpresponder "
		       "status [IFACE])");
		usage_failed();
		return -EINVAL;
	}
	if (optind < argc && !iface_arg(argv[optind]))
		return -EINVAL;
	print_init(&p, json, stdout);
	return print_statuses(&p, optind < argc ? argv[optind] : NULL);
}

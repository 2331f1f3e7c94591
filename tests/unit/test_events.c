// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the events: what the XDP program writes into its two ring
 * buffers, how the per-CPU one-second window limits it, and the log line
 * event_log() makes of an event. Frames come from frames.h and go through
 * BPF_PROG_RUN; every limit is its own load of the skeleton, as .rodata is
 * fixed at load. Needs root (BPF_PROG_LOAD); pins nothing.
 */
#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ndpresponder.h"
#include "ndpresponder.skel.h"
#include "events.h"
#include "maps.h"
#include "slog.h"
#include "harness.h"
#include "frames.h"
#include "skel_fixture.h"

/* What the test runs name as the receiving device. */
#define TEST_IFINDEX LO_IFINDEX

/* The router asking, and the MAC the responder answers with. */
static const uint8_t asker_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0xaa };
static const uint8_t host_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };

/* Answered: a /64 in the trie. Anything outside it is no match. */
#define ANSWERED_PREFIX "2001:db8:1::"
#define ANSWERED_PLEN	64

/* ---- the loaded program ---- */

/* A reader's first refill: session 1 (include/ndpresponder.h). */
#define READER_GEN (1ULL << 32)

/* ndpr_empty's one value, read or written whole. */
static int empty_rw(const struct skel_fixture *fx, struct ndpr_empty *e,
		    bool write)
{
	int fd = bpf_map__fd(fx->skel->maps.ndpr_empty);
	__u32 zero = 0;

	return write ? bpf_map_update_elem(fd, &zero, e, BPF_ANY) :
		       bpf_map_lookup_elem(fd, &zero, e);
}

/* What a reader does each second: a refill of generation gen, by which
 * every CPU gives itself n tokens at its next event. */
static int refill_tokens(const struct skel_fixture *fx, __u64 n, __u64 gen)
{
	struct ndpr_empty e;

	if (empty_rw(fx, &e, false))
		return -1;
	e.events_gen = gen;
	e.events_per_cpu = n;
	return empty_rw(fx, &e, true);
}

/*
 * Loads with the event limit, unpinned (a pinned ring or window would be
 * shared with a running responder), and adds the answered prefix.
 */
static int fixture_load(struct skel_fixture *fx, __u32 events_per_cpu,
			char *why, size_t whylen)
{
	struct ndpr_prefix_val val = { .action = NDPR_ACT_ANSWER };
	struct ndpr_config cfg = {
		.flags = NDPR_CFG_ROUTER | NDPR_CFG_DAD | NDPR_CFG_UNICAST,
		.override = NDPR_OVERRIDE_MULTICAST,
		.events_per_cpu = events_per_cpu,
	};

	memcpy(cfg.mac, host_mac, 6);
	if (skel_fixture_load(fx, &cfg, why, whylen))
		return -1;
	/* What a reader (run, monitor) does each second: every CPU gets
	 * events_per_cpu tokens. */
	if (refill_tokens(fx, events_per_cpu, READER_GEN)) {
		snprintf(why, whylen, "refilling through ndpr_empty: %s",
			 strerror(errno));
		goto fail;
	}
	if (skel_add_entry(fx->skel, ANSWERED_PREFIX, ANSWERED_PLEN, &val, why,
			   whylen))
		goto fail;
	return 0;
fail:
	skel_fixture_destroy(fx);
	return -1;
}

/* One BPF_PROG_RUN on this CPU; returns the errno of the syscall or 0. */
static int run_prog(const struct skel_fixture *fx, const struct frame *in,
		    __u32 *retval)
{
	return xdp_run_frame(fx->prog_fd, TEST_IFINDEX, in, NULL, retval);
}

/* ---- reading the rings ---- */

#define RING_MAX 16

struct ring {
	struct ring_buffer *rb;
	struct ndpr_event ev[RING_MAX];
	int n;	    /* events kept in ev[] */
	int extra;  /* beyond RING_MAX: still counted, so too many shows */
	int badlen; /* records that are no struct ndpr_event */
};

static int on_event(void *ctx, void *data, size_t len)
{
	struct ring *r = ctx;

	if (len != sizeof(struct ndpr_event)) {
		r->badlen++;
		return 0;
	}
	if (r->n < RING_MAX)
		memcpy(&r->ev[r->n++], data, sizeof(struct ndpr_event));
	else
		r->extra++;
	return 0;
}

static int ring_open(struct ring *r, struct bpf_map *map)
{
	memset(r, 0, sizeof(*r));
	r->rb = ring_buffer__new(bpf_map__fd(map), on_event, r, NULL);
	return r->rb ? 0 : -errno;
}

static void ring_close(struct ring *r)
{
	ring_buffer__free(r->rb);
	r->rb = NULL;
}

/* Empties the ring into ev[], forgetting what an earlier call read. */
static int ring_read(struct ring *r)
{
	int ret;

	r->n = r->extra = r->badlen = 0;
	ret = ring_buffer__consume(r->rb);
	return ret < 0 ? ret : r->n + r->extra + r->badlen;
}

/* Both rings of a fixture: the service's and monitor's. */
struct rings {
	struct ring events;
	struct ring monitor;
};

static int rings_open(struct rings *rs, const struct skel_fixture *fx)
{
	int err = ring_open(&rs->events, fx->skel->maps.ndpr_events);

	if (err)
		return err;
	err = ring_open(&rs->monitor, fx->skel->maps.ndpr_monitor);
	if (err)
		ring_close(&rs->events);
	return err;
}

static void rings_close(struct rings *rs)
{
	ring_close(&rs->events);
	ring_close(&rs->monitor);
}

/*
 * For the test name: loads with the event limit, a check of its own, and
 * opens both rings. On failure name has failed and nothing is left open.
 */
static bool fixture_open(struct skel_fixture *fx, struct rings *rs, __u32 limit,
			 const char *name)
{
	char lname[64], why[256] = "";
	int err;

	snprintf(lname, sizeof(lname), "events: load with events_per_cpu = %u",
		 limit);
	err = fixture_load(fx, limit, why, sizeof(why));
	harness_result(!err, lname, "%s", why);
	if (err) {
		harness_result(0, name, "skeleton did not load");
		return false;
	}
	err = rings_open(rs, fx);
	if (!CHECK(name, !err, "ring_buffer__new: %s", strerror(-err))) {
		skel_fixture_destroy(fx);
		return false;
	}
	return true;
}

/*
 * Reads both rings and checks that each holds want events and that
 * monitor's copies equal the service's, timestamps included: both come
 * from one struct filled once.
 */
static bool rings_check(struct rings *rs, int want, const char *name)
{
	int ne = ring_read(&rs->events);
	int nm = ring_read(&rs->monitor);
	int i;

	if (!CHECK(name, ne == want && !rs->events.badlen,
		   "ndpr_events: %d records (%d of a wrong size), want %d", ne,
		   rs->events.badlen, want))
		return false;
	if (!CHECK(name, nm == want && !rs->monitor.badlen,
		   "ndpr_monitor: %d records (%d of a wrong size), want %d", nm,
		   rs->monitor.badlen, want))
		return false;
	for (i = 0; i < want && i < RING_MAX; i++)
		if (!CHECK(name,
			   !memcmp(&rs->events.ev[i], &rs->monitor.ev[i],
				   sizeof(struct ndpr_event)),
			   "event %d differs between ndpr_events and "
			   "ndpr_monitor",
			   i))
			return false;
	return true;
}

/* ---- what an event must say ---- */

struct want_event {
	const char *source;
	const char *target;
	__u8 kind;
	__u8 outcome;
};

static const char *kind_name(unsigned int kind)
{
	static const char *const names[] = { "multicast", "unicast", "dad" };

	return kind < 3 ? names[kind] : "?";
}

static __u64 now_ns(void)
{
	struct timespec ts;

	/* bpf_ktime_get_ns() counts on CLOCK_MONOTONIC. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + (__u64)ts.tv_nsec;
}

/*
 * Names every field of got that differs from w, so that one FAIL line
 * says all that is wrong. ts must lie within the runs that made it.
 */
static bool event_ok(const struct ndpr_event *got, const struct want_event *w,
		     __u64 t0, __u64 t1, char *why, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	uint8_t src[16], tgt[16];
	size_t n = 0;

	fr_ip6(w->source, src);
	fr_ip6(w->target, tgt);
	why[0] = 0;
#define WHY(...)                                                      \
	do {                                                          \
		if (n < len)                                          \
			n += snprintf(why + n, len - n, __VA_ARGS__); \
	} while (0)
	if (got->ifindex != TEST_IFINDEX)
		WHY(" ifindex %u, want %d;", got->ifindex, TEST_IFINDEX);
	if (got->outcome != w->outcome)
		WHY(" outcome %s, want %s;", counter_name(got->outcome),
		    counter_name(w->outcome));
	if (got->kind != w->kind)
		WHY(" kind %s, want %s;", kind_name(got->kind),
		    kind_name(w->kind));
	if (memcmp(got->mac, asker_mac, 6))
		WHY(" mac %02x:%02x:%02x:%02x:%02x:%02x, want the NS's "
		    "Ethernet source;",
		    got->mac[0], got->mac[1], got->mac[2], got->mac[3],
		    got->mac[4], got->mac[5]);
	if (memcmp(got->source, src, 16))
		WHY(" source %s, want %s;",
		    inet_ntop(AF_INET6, got->source, a, sizeof(a)), w->source);
	if (memcmp(got->target, tgt, 16))
		WHY(" target %s, want %s;",
		    inet_ntop(AF_INET6, got->target, a, sizeof(a)), w->target);
	if (got->ts_ns < t0 || got->ts_ns > t1)
		WHY(" ts_ns %llu outside the runs [%llu, %llu];",
		    (unsigned long long)got->ts_ns, (unsigned long long)t0,
		    (unsigned long long)t1);
#undef WHY
	return !why[0];
}

/* ---- frames ---- */

enum ns_mode {
	NS_MCAST,
	NS_UNICAST,
	NS_DAD
};

/*
 * A valid NS as a host sends it: multicast to the target's solicited-node
 * group, unicast to the responder (NUD), or a DAD probe from :: without
 * SLLA (RFC 4861 §7.2.2, §7.2.3, §7.1.1).
 */
static void ns_init(struct fr_ns *ns, enum ns_mode mode, const char *src,
		    const char *target)
{
	static const uint8_t slla[8] = { FR_ND_OPT_SLLA, 1,    0x02, 0x00,
					 0x00,		 0x00, 0x00, 0xaa };

	memset(ns, 0, sizeof(*ns));
	memcpy(ns->eth_src, asker_mac, 6);
	ns->vtcfl = 0x60000000;
	ns->hlim = 255;
	ns->nexthdr = FR_IPPROTO_ICMPV6;
	ns->type = FR_ND_NS;
	fr_ip6(mode == NS_DAD ? "::" : src, ns->src);
	fr_ip6(target, ns->target);
	if (mode == NS_UNICAST) {
		memcpy(ns->dst, ns->target, 16);
		memcpy(ns->eth_dst, host_mac, 6);
	} else {
		fr_solicited_node(ns->target, ns->dst);
		fr_mcast_mac(ns->dst, ns->eth_dst);
	}
	if (mode != NS_DAD) {
		ns->opts = slla;
		ns->opts_len = sizeof(slla);
	}
}

static void build_tcp(struct frame *f)
{
	uint8_t s[16], d[16];

	fr_ip6("2001:db8:1::1", s);
	fr_ip6("2001:db8:1::10", d);
	fr_build_ipv6_tcp(f, host_mac, asker_mac, s, d);
}

static void build_arp(struct frame *f)
{
	fr_build_arp(f, asker_mac);
}

/* An unsolicited NA for an answered address: ICMPv6, ND, yet no NS. */
static void build_na(struct frame *f)
{
	struct fr_na na = {
		.eth_dst = { 0x33, 0x33, 0, 0, 0, 1 },
	};

	memcpy(na.eth_src, asker_mac, 6);
	fr_ip6("2001:db8:1::10", na.src);
	fr_ip6("ff02::1", na.dst);
	na.flags = FR_NA_O;
	memcpy(na.target, na.src, 16);
	memcpy(na.tlla, asker_mac, 6);
	fr_build_na(f, &na);
}

/* ---- the per-CPU window ---- */

/* The counters of every possible CPU; NULL on failure, errno set. */
static struct ndpr_counters *read_evlimit(const struct skel_fixture *fx,
					  int *ncpu)
{
	int fd = bpf_map__fd(fx->skel->maps.ndpr_counters);
	struct ndpr_counters *v;
	__u32 zero = 0;

	*ncpu = libbpf_num_possible_cpus();
	if (*ncpu <= 0) {
		errno = -*ncpu;
		return NULL;
	}
	v = calloc((size_t)*ncpu, sizeof(*v));
	if (v && bpf_map_lookup_elem(fd, &zero, v)) {
		free(v);
		return NULL;
	}
	return v;
}

/*
 * The limit of every possible CPU after the runs of the test name, each
 * CPU having been given `given` tokens: on cpu, where they ran, `sent`
 * tokens spent and `suppressed` refused (suppressed events once the
 * reader's next refill follows them), and on every other CPU none of
 * either. cpu -1: every CPU as wanted.
 */
static bool evlimit_check(const struct skel_fixture *fx, int cpu, __u64 given,
			  __u64 sent, __u64 suppressed, const char *name)
{
	struct ndpr_counters *lim;
	struct ndpr_empty e;
	bool ok = false;
	int ncpu, i;

	lim = read_evlimit(fx, &ncpu);
	if (!CHECK(name, lim, "reading ndpr_counters: %s", strerror(errno)))
		return false;
	if (!CHECK(name, !empty_rw(fx, &e, false), "reading ndpr_empty: %s",
		   strerror(errno)))
		goto out;
	if (!CHECK(name, cpu < ncpu, "CPU %d of %d possible", cpu, ncpu))
		goto out;
	for (i = 0; i < ncpu; i++) {
		__u64 sup = ndpr_suppressed(&lim[i], e.events_gen + 1);
		__u64 spent = given - lim[i].events_tokens;

		/* A CPU gives itself tokens at its first event only. */
		if (cpu >= 0 && i != cpu) {
			if (!CHECK(name,
				   !sup && !lim[i].events_gen &&
					   !lim[i].events_tokens,
				   "CPU %d, where nothing ran: suppressed %llu, "
				   "generation %llu, tokens %llu",
				   i, (unsigned long long)sup,
				   (unsigned long long)lim[i].events_gen,
				   (unsigned long long)lim[i].events_tokens))
				goto out;
			continue;
		}
		if (!CHECK(name, sup == suppressed && spent == sent,
			   "CPU %d: sent %llu, suppressed %llu; "
			   "want %llu, %llu",
			   i, (unsigned long long)spent,
			   (unsigned long long)sup, (unsigned long long)sent,
			   (unsigned long long)suppressed))
			goto out;
	}
	ok = true;
out:
	free(lim);
	return ok;
}

/*
 * Keeps every run on one CPU: BPF_PROG_RUN with repeat=1 runs the program
 * where the caller runs, and the window is per CPU. Returns the CPU.
 */
static int pin_to_cpu(char *why, size_t len)
{
	int cpu = sched_getcpu();
	cpu_set_t set;

	if (cpu < 0) {
		snprintf(why, len, "sched_getcpu: %s", strerror(errno));
		return -1;
	}
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set)) {
		snprintf(why, len, "sched_setaffinity(%d): %s", cpu,
			 strerror(errno));
		return -1;
	}
	if (sched_getcpu() != cpu) {
		snprintf(why, len, "still not on CPU %d after pinning", cpu);
		return -1;
	}
	return cpu;
}

/* The fixture, loaded with limit, its runs kept on one CPU (*cpu). */
static bool fixture_on_cpu(struct skel_fixture *fx, struct rings *rs,
			   __u32 limit, const char *name, int *cpu)
{
	char why[512] = "";

	*cpu = pin_to_cpu(why, sizeof(why));
	if (!CHECK(name, *cpu >= 0, "%s", why))
		return false;
	return fixture_open(fx, rs, limit, name);
}

/* ---- JSON log lines ---- */

/* Calls event_log() into memory; returns what it printed (malloc'd). */
static char *log_event(enum slog_level level, const struct ndpr_event *ev)
{
	struct slog log = { .level = level, .json = true };
	char *buf = NULL;
	size_t len = 0;

	log.out = open_memstream(&buf, &len);
	if (!log.out)
		return NULL;
	event_log(&log, "eth0", ev);
	fclose(log.out);
	return buf;
}

static const char *json_str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* One key the line must carry with this value, or (val NULL) lack. */
struct want_field {
	const char *key;
	const char *val;
};

/*
 * The line must be one JSON object with the fields of w (up to a NULL
 * key) and a ts.
 */
static void check_json_line(const char *name, const char *line,
			    const struct want_field *w)
{
	json_object *o, *ts;
	size_t i, len;

	if (!CHECK(name, line, "open_memstream: %s", strerror(errno)))
		return;
	len = strlen(line);
	if (!CHECK(name,
		   len && line[len - 1] == '\n' && !memchr(line, '\n', len - 1),
		   "want exactly one line, got \"%s\"", line))
		return;
	o = json_tokener_parse(line);
	if (!CHECK(name, o && json_object_is_type(o, json_type_object),
		   "not a JSON object: %s", line)) {
		json_object_put(o);
		return;
	}
	for (i = 0; w[i].key; i++) {
		const char *got = json_str(o, w[i].key);
		bool ok = w[i].val ?
				  got && !strcmp(got, w[i].val) :
				  !json_object_object_get_ex(o, w[i].key, NULL);

		if (!CHECK(name, ok, "%s: got %s%s%s, want %s%s%s in %s",
			   w[i].key, got ? "\"" : "", got ? got : "(none)",
			   got ? "\"" : "", w[i].val ? "\"" : "",
			   w[i].val ? w[i].val : "(none)", w[i].val ? "\"" : "",
			   line))
			goto out;
	}
	/* zap puts the time in every line; log readers sort by it. */
	if (!CHECK(name,
		   json_object_object_get_ex(o, "ts", &ts) &&
			   json_object_is_type(ts, json_type_double),
		   "no numeric ts in %s", line))
		goto out;
	harness_result(1, name, "%s", "");
out:
	json_object_put(o);
}

static void make_event(struct ndpr_event *ev, __u8 kind, __u8 outcome,
		       const char *source, const char *target)
{
	memset(ev, 0, sizeof(*ev));
	ev->ts_ns = now_ns();
	ev->ifindex = TEST_IFINDEX;
	ev->kind = kind;
	ev->outcome = outcome;
	memcpy(ev->mac, asker_mac, 6);
	fr_ip6(source, ev->source);
	fr_ip6(target, ev->target);
}

#define LOG_FIELDS 10

/* One event through event_log(), and the line it must make. */
struct log_case {
	const char *name;
	enum slog_level level; /* of the slog */
	__u8 kind;
	__u8 outcome;
	const char *source;
	const char *target;
	bool silent; /* below the slog's level: no line at all */
	struct want_field fields[LOG_FIELDS]; /* up to a NULL key */
};

#define T "2001:db8:1::10"

static const struct log_case log_cases[] = {
	{ "events: event_log answered multicast -> info RESPOND",
	  SLOG_DEBUG,
	  NDPR_KIND_MULTICAST,
	  NDPR_C_answered,
	  "fe80::1",
	  T,
	  false,
	  {
		  { "level", "info" },
		  { "msg", "RESPOND" },
		  { "ns", "who-has " T " tell fe80::1" },
		  { "iface", "eth0" },
		  { "kind", "multicast" },
		  { "target", T },
		  { "source", "fe80::1" },
		  { "mac", "02:00:00:00:00:aa" },
		  { "reason", NULL }, /* answers have none */
	  } },
	{ "events: event_log answered unicast -> is-alive",
	  SLOG_DEBUG,
	  NDPR_KIND_UNICAST,
	  NDPR_C_answered,
	  "2001:db8:1::1",
	  T,
	  false,
	  {
		  { "level", "info" },
		  { "msg", "RESPOND" },
		  { "ns", "is-alive " T " tell 2001:db8:1::1" },
		  { "kind", "unicast" },
	  } },
	{ "events: event_log answered DAD -> info RESPOND dad",
	  SLOG_DEBUG,
	  NDPR_KIND_DAD,
	  NDPR_C_answered_dad,
	  "::",
	  T,
	  false,
	  {
		  { "level", "info" },
		  { "msg", "RESPOND" },
		  { "ns", "dad " T },
		  { "kind", "dad" },
		  { "source", "::" },
		  { "reason", NULL },
	  } },
	{ "events: event_log invalid checksum -> debug INVALID",
	  SLOG_DEBUG,
	  NDPR_KIND_MULTICAST,
	  NDPR_C_invalid_checksum,
	  "fe80::1",
	  T,
	  false,
	  {
		  { "level", "debug" },
		  { "msg", "INVALID" },
		  { "reason", "invalid-checksum" },
		  { "ns", "who-has " T " tell fe80::1" },
		  { "target", T },
	  } },
	{ "events: event_log passed guarded -> debug PASS with its reason",
	  SLOG_DEBUG,
	  NDPR_KIND_UNICAST,
	  NDPR_C_passed_gateway,
	  "fe80::1",
	  T,
	  false,
	  {
		  { "level", "debug" },
		  { "msg", "PASS" },
		  { "reason", "passed-gateway" },
		  { "ns", "is-alive " T " tell fe80::1" },
	  } },
	/* The default level: invalid NS are debug noise, answers are not. */
	{ "events: event_log at level info drops an invalid event",
	  SLOG_INFO,
	  NDPR_KIND_MULTICAST,
	  NDPR_C_invalid_checksum,
	  "fe80::1",
	  T,
	  true,
	  { { NULL, NULL } } },
	{ "events: event_log at level info keeps an answer",
	  SLOG_INFO,
	  NDPR_KIND_MULTICAST,
	  NDPR_C_answered,
	  "fe80::1",
	  T,
	  false,
	  {
		  { "level", "info" },
		  { "msg", "RESPOND" },
	  } },
};

#undef T

/* The generations' rule, pure: a later refill of the same session. */
static void test_gen_follows(void)
{
	const __u64 s1 = 1ULL << 32, s2 = 2ULL << 32;
	struct ndpr_counters c = { .events_suppressed = 5,
				   .events_refused = 3,
				   .events_gen = s1 + 7 };

	harness_result(ndpr_gen_follows(s1 + 8, s1 + 7) &&
			       ndpr_gen_follows(s1 + 9, s1 + 7) &&
			       !ndpr_gen_follows(s1 + 7, s1 + 7) &&
			       !ndpr_gen_follows(s1 + 6, s1 + 7) &&
			       !ndpr_gen_follows(s2, s1 + 7) &&
			       !ndpr_gen_follows(s2 + 9, s1 + 7) &&
			       !ndpr_gen_follows(0, 0),
		       "events: a generation follows another of its session",
		       "%s", "");
	harness_result(ndpr_suppressed(&c, s1 + 7) == 5 &&
			       ndpr_suppressed(&c, s1 + 8) == 8 &&
			       ndpr_suppressed(&c, s2) == 5,
		       "events: refusals count once a refill follows them",
		       "%s", "");
}

static void test_event_log(void)
{
	struct ndpr_event ev;
	size_t i;
	char *line;

	for (i = 0; i < sizeof(log_cases) / sizeof(log_cases[0]); i++) {
		const struct log_case *c = &log_cases[i];

		make_event(&ev, c->kind, c->outcome, c->source, c->target);
		line = log_event(c->level, &ev);
		if (c->silent)
			harness_result(line && !line[0], c->name,
				       "printed \"%s\"",
				       line ? line : "(no memstream)");
		else
			check_json_line(c->name, line, c->fields);
		free(line);
	}
}

/* ---- the kernel side ---- */

/* What the first event of test_rate_limit() must log. */
static const struct want_field ring_event_fields[] = {
	{ "level", "info" },
	{ "msg", "RESPOND" },
	{ "ns", "who-has 2001:db8:1::10 tell fe80::1" },
	{ "iface", "eth0" },
	{ "kind", "multicast" },
	{ "mac", "02:00:00:00:00:aa" },
	{ NULL, NULL },
};

#define LIMITED_NS 5
#define LIMIT	   3

static const char *const limited_targets[LIMITED_NS] = {
	"2001:db8:1::10", "2001:db8:1::11", "2001:db8:1::12",
	"2001:db8:1::13", "2001:db8:1::14",
};

/* The LIMITED_NS NS from source, each to be answered; false on a failure
 * (reported). */
static bool send_limited(const struct skel_fixture *fx, const char *source,
			 const char *name)
{
	static struct frame f;
	struct fr_ns ns;
	__u32 retval;
	int i, err;

	for (i = 0; i < LIMITED_NS; i++) {
		ns_init(&ns, NS_MCAST, source, limited_targets[i]);
		fr_build_ns(&f, &ns);
		err = run_prog(fx, &f, &retval);
		if (!CHECK(name, !err, "NS %d: bpf_prog_test_run_opts: %s", i,
			   strerror(err)))
			return false;
		/* Limited are the events, never the answers. */
		if (!CHECK(name, retval == XDP_TX,
			   "NS %d for %s: verdict %u, want XDP_TX", i,
			   limited_targets[i], retval))
			return false;
	}
	return true;
}

/* The first LIMIT events, in order, in both rings, between t0 and t1. */
static bool limited_events_ok(struct rings *rs, struct want_event *w, __u64 t0,
			      __u64 t1, const char *name)
{
	char why[512] = "";
	int i;

	if (!rings_check(rs, LIMIT, name))
		return false;
	for (i = 0; i < LIMIT; i++) {
		w->target = limited_targets[i];
		if (!CHECK(name,
			   event_ok(&rs->events.ev[i], w, t0, t1, why,
				    sizeof(why)),
			   "event %d:%s", i, why))
			return false;
	}
	return true;
}

/*
 * Five answered NS in one window of a limit of three: the first three are
 * reported, in order, in both rings, and the window counts two refused.
 */
static void test_rate_limit(void)
{
	const char *name = "events: limit 3, 5 answered NS -> 3 events, "
			   "2 suppressed";
	struct want_event w = {
		.source = "fe80::1",
		.kind = NDPR_KIND_MULTICAST,
		.outcome = NDPR_C_answered,
	};
	struct rings rs = {};
	struct skel_fixture fx;
	__u64 t0, t1;
	char *line;
	int cpu;

	if (!fixture_on_cpu(&fx, &rs, LIMIT, name, &cpu))
		return;

	t0 = now_ns();
	if (!send_limited(&fx, w.source, name))
		goto out;
	t1 = now_ns();
	if (!limited_events_ok(&rs, &w, t0, t1, name) ||
	    !evlimit_check(&fx, cpu, LIMIT, LIMIT, LIMITED_NS - LIMIT, name))
		goto out;
	harness_result(1, name, "%s", "");

	/* The ring's own event, as the service would log it. */
	line = log_event(SLOG_INFO, &rs.events.ev[0]);
	check_json_line("events: event_log of a ring event", line,
			ring_event_fields);
	free(line);
out:
	rings_close(&rs);
	skel_fixture_destroy(&fx);
}

/* One frame under a limit it cannot reach, and the event it must give. */
struct ev_case {
	const char *name;
	void (*build)(struct frame *f); /* not an NS: no ns fields */
	enum ns_mode mode;
	const char *src;
	const char *target;
	uint8_t hlim; /* 0: 255 */
	bool bad_csum;
	bool dad_slla; /* a DAD probe with an SLLA: invalid */
	__u32 verdict;
	bool event;
	__u8 kind;
	__u8 outcome;
};

static const struct ev_case ev_cases[] = {
	{ "events: multicast NS -> kind multicast, answered", NULL, NS_MCAST,
	  "fe80::1", "2001:db8:1::20", 0, false, false, XDP_TX, true,
	  NDPR_KIND_MULTICAST, NDPR_C_answered },
	{ "events: DAD NS -> kind dad, source ::, answered_dad", NULL, NS_DAD,
	  "::", "2001:db8:1::21", 0, false, false, XDP_TX, true, NDPR_KIND_DAD,
	  NDPR_C_answered_dad },
	{ "events: unicast NS -> kind unicast, answered", NULL, NS_UNICAST,
	  "2001:db8:1::1", "2001:db8:1::22", 0, false, false, XDP_TX, true,
	  NDPR_KIND_UNICAST, NDPR_C_answered },
	{ "events: bad checksum -> invalid_checksum", NULL, NS_MCAST, "fe80::1",
	  "2001:db8:1::23", 0, true, false, XDP_PASS, true, NDPR_KIND_MULTICAST,
	  NDPR_C_invalid_checksum },
	{ "events: hop limit 254 -> invalid_hop_limit", NULL, NS_MCAST,
	  "fe80::1", "2001:db8:1::24", 254, false, false, XDP_PASS, true,
	  NDPR_KIND_MULTICAST, NDPR_C_invalid_hop_limit },
	{ "events: unicast hop limit 254 -> invalid_hop_limit, unicast", NULL,
	  NS_UNICAST, "2001:db8:1::1", "2001:db8:1::25", 254, false, false,
	  XDP_PASS, true, NDPR_KIND_UNICAST, NDPR_C_invalid_hop_limit },
	{ "events: DAD NS with SLLA -> invalid_dad_slla, kind dad", NULL,
	  NS_DAD, "::", "2001:db8:1::26", 0, false, true, XDP_PASS, true,
	  NDPR_KIND_DAD, NDPR_C_invalid_dad_slla },
	/* Invalid is reported whether or not the target is ours. */
	{ "events: bad checksum for no-match target -> invalid_checksum", NULL,
	  NS_MCAST, "fe80::1", "2001:db8:9::1", 0, true, false, XDP_PASS, true,
	  NDPR_KIND_MULTICAST, NDPR_C_invalid_checksum },
	{ "events: no-match NS -> no event", NULL, NS_MCAST, "fe80::1",
	  "2001:db8:9::1", 0, false, false, XDP_PASS, false, 0, 0 },
	{ "events: IPv6 TCP -> no event", build_tcp, 0, NULL, NULL, 0, false,
	  false, XDP_PASS, false, 0, 0 },
	{ "events: ARP -> no event", build_arp, 0, NULL, NULL, 0, false, false,
	  XDP_PASS, false, 0, 0 },
	{ "events: NA for an answered target -> no event", build_na, 0, NULL,
	  NULL, 0, false, false, XDP_PASS, false, 0, 0 },
};

static void run_ev_case(const struct skel_fixture *fx, struct rings *rs,
			const struct ev_case *c)
{
	static const uint8_t dad_slla[8] = { FR_ND_OPT_SLLA, 1,	   0x02, 0x00,
					     0x00,	     0x00, 0x00, 0xaa };
	struct want_event w = {
		.source = c->src,
		.target = c->target,
		.kind = c->kind,
		.outcome = c->outcome,
	};
	static struct frame f;
	char why[512] = "";
	struct fr_ns ns;
	__u32 retval;
	__u64 t0, t1;
	int err;

	if (c->build) {
		c->build(&f);
	} else {
		ns_init(&ns, c->mode, c->src, c->target);
		if (c->hlim)
			ns.hlim = c->hlim;
		ns.bad_csum = c->bad_csum;
		if (c->dad_slla) {
			ns.opts = dad_slla;
			ns.opts_len = sizeof(dad_slla);
		}
		fr_build_ns(&f, &ns);
	}
	t0 = now_ns();
	err = run_prog(fx, &f, &retval);
	t1 = now_ns();
	if (!CHECK(c->name, !err, "bpf_prog_test_run_opts: %s", strerror(err)))
		return;
	if (!CHECK(c->name, retval == c->verdict, "verdict %u, want %u", retval,
		   c->verdict))
		return;
	if (!rings_check(rs, c->event, c->name))
		return;
	if (c->event &&
	    !CHECK(c->name,
		   event_ok(&rs->events.ev[0], &w, t0, t1, why, sizeof(why)),
		   "event:%s", why))
		return;
	harness_result(1, c->name, "%s", "");
}

/* A limit no case reaches: every reportable NS gives exactly one event. */
static void test_event_fields(void)
{
	struct rings rs = {};
	struct skel_fixture fx;
	char why[256] = "";
	size_t i;
	int err;

	err = fixture_load(&fx, 1000, why, sizeof(why));
	harness_result(!err, "events: load with events_per_cpu = 1000", "%s",
		       why);
	if (!err) {
		err = rings_open(&rs, &fx);
		harness_result(!err, "events: ring_buffer__new on both rings",
			       "%s", strerror(-err));
	}
	for (i = 0; i < sizeof(ev_cases) / sizeof(ev_cases[0]); i++) {
		if (err)
			harness_result(0, ev_cases[i].name,
				       "skeleton or rings not ready");
		else
			run_ev_case(&fx, &rs, &ev_cases[i]);
	}
	if (fx.skel) {
		rings_close(&rs);
		skel_fixture_destroy(&fx);
	}
}

/* events_per_cpu = 0 turns events off: nothing reported, none refused. */
static void test_events_off(void)
{
	const char *name = "events: limit 0 -> no events, suppressed 0";
	static const enum ns_mode modes[] = { NS_MCAST, NS_DAD, NS_UNICAST,
					      NS_MCAST };
	static struct frame f;
	struct rings rs = {};
	struct skel_fixture fx;
	struct fr_ns ns;
	int i, err;
	__u32 retval;

	if (!fixture_open(&fx, &rs, 0, name))
		return;
	/* Three answers and, last, an invalid NS: both kinds of event. */
	for (i = 0; i < 4; i++) {
		char target[32];

		snprintf(target, sizeof(target), "2001:db8:1::%x", 0x30 + i);
		ns_init(&ns, modes[i], "2001:db8:1::1", target);
		ns.bad_csum = i == 3;
		fr_build_ns(&f, &ns);
		err = run_prog(&fx, &f, &retval);
		if (!CHECK(name, !err, "bpf_prog_test_run_opts: %s",
			   strerror(err)))
			goto out;
		if (!CHECK(name, retval == (i == 3 ? XDP_PASS : XDP_TX),
			   "NS %d: verdict %u", i, retval))
			goto out;
	}
	if (!rings_check(&rs, 0, name))
		goto out;
	if (!evlimit_check(&fx, -1, 0, 0, 0, name))
		goto out;
	harness_result(1, name, "%s", "");
out:
	rings_close(&rs);
	skel_fixture_destroy(&fx);
}

/* ---- a reader's presence: suppressed events, passed NS ---- */

/* CPU cpu's events_suppressed as a reader sees it after a refill of gen. */
static bool suppressed_is(const struct skel_fixture *fx, int cpu, __u64 gen,
			  __u64 want, const char *name, const char *when)
{
	struct ndpr_counters *c;
	__u64 got;
	int ncpu;

	c = read_evlimit(fx, &ncpu);
	if (!CHECK(name, c && cpu < ncpu, "reading ndpr_counters: %s",
		   strerror(errno))) {
		free(c);
		return false;
	}
	got = ndpr_suppressed(&c[cpu], gen);
	free(c);
	return CHECK(name, got == want, "%s: suppressed %llu, want %llu", when,
		     (unsigned long long)got, (unsigned long long)want);
}

/*
 * Refusals count once a later refill of the same session follows them:
 * never without a reader, never after it went away (no refill came), and
 * a new reader's session does not take what was refused before it. Each
 * step: a reader's refill of gen (LIMIT tokens; gen 0: none, as after an
 * attach), LIMITED_NS answered NS, then the suppressed events as a refill
 * of seen would show them.
 */
static const struct {
	const char *when;
	bool refill;
	__u64 gen;
	bool send;
	__u64 seen;
	__u64 want;
} reader_steps[] = {
	{ "no reader", true, 0, true, 0, 0 },
	{ "a reader's first refill after none", false, 0, false, READER_GEN,
	  0 },
	{ "a reader, before its next refill", true, READER_GEN, true,
	  READER_GEN, 0 },
	{ "after its next refill", false, 0, false, READER_GEN + 1, 2 },
	{ "two seconds of a reader", true, READER_GEN + 1, true, READER_GEN + 2,
	  4 },
	/* Its last refill, then it is killed: what it refuses next is
	 * followed by no refill. */
	{ "after the reader went away", true, READER_GEN + 2, true,
	  READER_GEN + 2, 4 },
	{ "a new reader's session", false, 0, false, 2 * READER_GEN, 4 },
	{ "the new reader's own refusals", true, 2 * READER_GEN, true,
	  2 * READER_GEN + 1, 6 },
};

static void test_suppressed_reader(void)
{
	const char *name = "events: suppressed only while a reader refills";
	struct rings rs = {};
	struct skel_fixture fx;
	int cpu;

	if (!fixture_on_cpu(&fx, &rs, LIMIT, name, &cpu))
		return;
	for (size_t i = 0; i < sizeof(reader_steps) / sizeof(reader_steps[0]);
	     i++) {
		__u64 gen = reader_steps[i].gen;

		if (reader_steps[i].refill &&
		    !CHECK(name, !refill_tokens(&fx, gen ? LIMIT : 0, gen),
			   "refill: %s", strerror(errno)))
			goto out;
		if (reader_steps[i].send &&
		    (!send_limited(&fx, "fe80::1", name) ||
		     !rings_check(&rs, gen ? LIMIT : 0, name)))
			goto out;
		if (!suppressed_is(&fx, cpu, reader_steps[i].seen,
				   reader_steps[i].want, name,
				   reader_steps[i].when))
			goto out;
	}
	harness_result(1, name, "%s", "");
out:
	rings_close(&rs);
	skel_fixture_destroy(&fx);
}

static int passed_until_set(const struct skel_fixture *fx, __u64 until)
{
	struct ndpr_empty e;

	if (empty_rw(fx, &e, false))
		return -1;
	e.passed_until = until;
	return empty_rw(fx, &e, true);
}

static __u64 passed_until_get(const struct skel_fixture *fx)
{
	struct ndpr_empty e = {};

	empty_rw(fx, &e, false);
	return e.passed_until;
}

/* n NS for a target no entry holds: passed, no match. */
static bool send_no_match(const struct skel_fixture *fx, int n,
			  const char *name)
{
	static struct frame f;
	struct fr_ns ns;
	__u32 retval;
	int err;

	for (int i = 0; i < n; i++) {
		ns_init(&ns, NS_MCAST, "fe80::1", "2001:db8:9::1");
		fr_build_ns(&f, &ns);
		err = run_prog(fx, &f, &retval);
		if (!CHECK(name, !err && retval == XDP_PASS,
			   "NS %d: %s, verdict %u", i, strerror(err), retval))
			return false;
	}
	return true;
}

/*
 * Passed NS reach monitor's ring, and only it, while a monitor --all's
 * lease holds, with tokens of their own (LIMIT a refill, as the answers
 * have); an expired lease is cleared.
 */
static void test_passed(void)
{
	const char *name = "events: passed NS to monitor's ring under a lease";
	struct want_event w = {
		.source = "fe80::1",
		.target = "2001:db8:9::1",
		.kind = NDPR_KIND_MULTICAST,
		.outcome = NDPR_C_passed_no_match,
	};
	struct rings rs = {};
	struct skel_fixture fx;
	char why[512] = "";
	__u64 t0, t1;
	int cpu;

	if (!fixture_on_cpu(&fx, &rs, LIMIT, name, &cpu))
		return;
	/* No lease: nothing, whatever the tokens. */
	if (!send_no_match(&fx, 2, name) || !rings_check(&rs, 0, name))
		goto out;
	t0 = now_ns();
	passed_until_set(&fx, t0 + NDPR_PASSED_LEASE_NS);
	if (!send_no_match(&fx, LIMIT + 1, name))
		goto out;
	t1 = now_ns();
	if (!CHECK(name,
		   ring_read(&rs.monitor) == LIMIT &&
			   ring_read(&rs.events) == 0,
		   "rings after %d passed NS and %d tokens: monitor %d, "
		   "events %d; want %d, 0",
		   LIMIT + 1, LIMIT, ring_read(&rs.monitor),
		   ring_read(&rs.events), LIMIT))
		goto out;
	if (!CHECK(name,
		   event_ok(&rs.monitor.ev[0], &w, t0, t1, why, sizeof(why)),
		   "the passed event:%s", why) ||
	    !suppressed_is(&fx, cpu, READER_GEN, 1, name,
			   "the passed NS refused with a reader there"))
		goto out;
	/* The answers' tokens are their own: all three still there. */
	if (!send_limited(&fx, "fe80::1", name) ||
	    !rings_check(&rs, LIMIT, name))
		goto out;
	/* The lease of a killed monitor --all expired: cleared, nothing. */
	refill_tokens(&fx, 5, READER_GEN + 1);
	passed_until_set(&fx, 1);
	if (!send_no_match(&fx, 1, name) || !rings_check(&rs, 0, name) ||
	    !CHECK(name, !passed_until_get(&fx),
		   "an expired lease is still %llu",
		   (unsigned long long)passed_until_get(&fx)))
		goto out;
	harness_result(1, name, "%s", "");
out:
	rings_close(&rs);
	skel_fixture_destroy(&fx);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_gen_follows();
	test_event_log();
	if (geteuid() != 0) {
		harness_result(0, "events: running as root",
			       "BPF_PROG_LOAD and BPF_PROG_RUN need root");
		return harness_exit();
	}
	test_rate_limit();
	test_event_fields();
	test_events_off();
	test_suppressed_reader();
	test_passed();
	return harness_exit();
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Per-packet cost of the responder through BPF_PROG_TEST_RUN: each case
 * runs `repeat` times in the kernel, which reports the mean ns per run
 * (.duration). The empty program of bench.bpf.c, run the same way, is the
 * harness's own cost and is subtracted.
 *
 * IPv6 TCP and IPv4, which the responder leaves alone, run directly. Every
 * NS runs behind bench.bpf.c's `reset`, which writes a new NS over the
 * buffer and tail-calls the responder: the kernel does not restore the
 * buffer between repeats, and the responder turns an NS into its NA in
 * place. `reset` asks for a different target each run (every entry in
 * turn, or targets no entry holds), so a large map is not measured from
 * the cache alone; one case asks for the same entry over and over. The
 * baseline of the NS cases is `reset` tail-calling the empty program.
 * ns-trie is the flood's responder, a prefix-only host: one lookup, in
 * the trie. bench.bpf.c's minimal responder, the reference, answers the
 * same NS from the same trie (ns-minimal), after a check that its NA is
 * the responder's, octet for octet.
 * Every run checks the verdict and the responder's outcome counters, so a
 * figure always describes the path it names.
 *
 * Usage: bench_prog [--runs N] [--repeat N] [--sizes N,N,...]
 *                   [--cases NAME,...] [--obj FILE [--uncounted]]
 *        bench_prog --entries N   (prints a `prefix sync` file of the
 *                                  same entries, for the control plane)
 * --obj loads another build of the responder instead of the one compiled
 * in (its object's own configuration then, MAC included): a design change
 * is measured before it is made; --uncounted for a build without the
 * outcome counters, whose verdicts alone are then checked. --cases runs only the cases named, for
 * perf record.
 * Prints one line per figure (stats.h). Needs root; pins nothing.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ndpresponder.h"
#include "ndpresponder.skel.h"
#include "bench.h" /* before its skeleton: struct ns_gen */
#include "bench.skel.h"
#include "common.h"
#include "entries.h"
#include "frames.h"
#include "nsgen.h"
#include "skel_fixture.h"
#include "stats.h"

#define MAX_SIZES  8
#define FILL_CHUNK 65536

static const uint8_t asker_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0xaa };
static const uint8_t host_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };

/* ---- frames ---- */

static const uint8_t net_hosts[8] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0 };
static const uint8_t net_prefix[8] = { 0x20, 0x01, 0x0d, 0xb8, 0, 3, 0, 0 };
static const uint8_t net_routed[8] = { 0x20, 0x01, 0x0d, 0xb8, 0, 5, 0, 0 };
static const uint8_t net_trie[8] = { 0x20, 0x01, 0x0d, 0xb8, 0, 6, 0, 0 };

/* Indexes past any entry count: splitmix64 is a bijection, so these
 * targets in the hosts' /64 are in no entry. */
#define NOMATCH_SEED (1ULL << 40)
#define NOMATCH_N    (1U << 20)

static void build_tcp(struct frame *f)
{
	uint8_t s[16], d[16];

	fr_ip6("2001:db8:1::1", s);
	fr_ip6("2001:db8:1::10", d);
	fr_build_ipv6_tcp(f, host_mac, asker_mac, s, d);
}

/* ---- the loaded programs ---- */

struct setup {
	struct ndpresponder_bpf *ndpr; /* the built responder, or NULL */
	struct bpf_object *obj;	       /* ndpr->obj, or one from --obj */
	struct bench_bpf *bench;
	int ndpr_fd, empty_fd, reset_fd, minimal_fd;
	int hosts_fd, prefixes_fd, counters_fd, target_fd;
	int known_empty_fd; /* ndpr_empty */
	size_t empty_words; /* its value's size, in words of 4 octets */
	size_t entries;
	double fill_s; /* time to load the /128 entries */
};

static void setup_destroy(struct setup *s)
{
	if (s->ndpr)
		ndpresponder_bpf__destroy(s->ndpr);
	else
		bpf_object__close(s->obj);
	bench_bpf__destroy(s->bench);
	memset(s, 0, sizeof(*s));
}

/* ns-trie's /64 (net_trie), in the trie of either program. */
#define TRIE_NET "2001:db8:6::"

/*
 * entries.h's prefixes and TRIE_NET/64 into the trie fd, one by one (an
 * LPM trie has no batch update): the responder's when one is NULL, else
 * minimal's, whose values are one octet (one), so that both programs walk
 * the same trie.
 */
static int tries_fill(int fd, const __u8 *one)
{
	struct ndpr_prefix_key k;
	struct ndpr_prefix_val v;
	const char *addr;
	size_t i;

	for (i = 0; i <= BENCH_N_PREFIXES; i++) {
		bool last = i == BENCH_N_PREFIXES;

		memset(&v, 0, sizeof(v));
		v.action = last ? NDPR_ACT_ANSWER : bench_prefixes[i].action;
		v.flags = last ? 0 : bench_prefixes[i].flags;
		k.prefixlen = last ? 64 : bench_prefixes[i].len;
		addr = last ? TRIE_NET : bench_prefixes[i].addr;
		fr_ip6(addr, k.addr);
		if (bpf_map_update_elem(fd, &k, one ? (const void *)one : &v,
					BPF_NOEXIST)) {
			fprintf(stderr, "bench_prog: adding %s/%u: %s\n", addr,
				k.prefixlen, strerror(errno));
			return -1;
		}
	}
	return 0;
}

/* The /128 entries in chunks through BPF_MAP_UPDATE_BATCH, then the
 * prefixes. */
static int fill_maps(struct setup *s, size_t n)
{
	int hosts = s->hosts_fd, prefixes = s->prefixes_fd;
	LIBBPF_OPTS(bpf_map_batch_opts, bo);
	struct ndpr_prefix_val *vals = NULL;
	struct ndpr_host_key *keys = NULL;
	size_t i, done;
	double t0;
	int ret = -1;

	keys = calloc(FILL_CHUNK, sizeof(*keys));
	vals = calloc(FILL_CHUNK, sizeof(*vals));
	if (!keys || !vals)
		goto out;
	for (i = 0; i < FILL_CHUNK; i++)
		vals[i].action = NDPR_ACT_ANSWER;
	t0 = now_s();
	for (done = 0; done < n;) {
		__u32 cnt =
			(__u32)(n - done < FILL_CHUNK ? n - done : FILL_CHUNK);

		for (i = 0; i < cnt; i++)
			bench_host_addr(done + i, keys[i].addr);
		if (bpf_map_update_batch(hosts, keys, vals, &cnt, &bo)) {
			fprintf(stderr,
				"bench_prog: batch update of %zu "
				"entries: %s\n",
				n, strerror(errno));
			goto out;
		}
		done += cnt;
	}
	s->fill_s = now_s() - t0;
	if (tries_fill(prefixes, NULL))
		goto out;
	ret = 0;
out:
	free(keys);
	free(vals);
	return ret;
}

/* Another build of the responder, for trying a design change: --obj. */
static const char *alt_obj;
/* --obj's build counts nothing (bpf/pieces.h): --uncounted. */
static bool uncounted;
/* Only these cases (and their baselines), for profiling: --cases. */
static char only_cases[256];

static bool selected(const char *name)
{
	char want[64];

	if (!only_cases[0])
		return true;
	snprintf(want, sizeof(want), ",%s,", name);
	return strstr(only_cases, want) != NULL;
}

static int map_fd(struct bpf_object *obj, const char *name)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, name);

	return map ? bpf_map__fd(map) : -1;
}

/* The responder's object, opened: the one built in, or --obj's. */
static int setup_open(struct setup *s)
{
	if (alt_obj) {
		s->obj = bpf_object__open_file(alt_obj, NULL);
		if (!s->obj) {
			fprintf(stderr, "bench_prog: open %s: %s\n", alt_obj,
				strerror(errno));
			return -1;
		}
		return 0;
	}
	s->ndpr = ndpresponder_bpf__open();
	if (!s->ndpr) {
		fprintf(stderr, "bench_prog: open: %s\n", strerror(errno));
		return -1;
	}
	s->obj = s->ndpr->obj;
	/* The object's defaults, as `attach` without options gives them;
	 * only the MAC is the interface's. */
	memcpy((void *)s->ndpr->rodata->ndpr_cfg.mac, host_mac, 6);
	return 0;
}

/* The programs' and maps' fds; -1 when the object lacks one of them. */
static int setup_fds(struct setup *s)
{
	struct bpf_program *prog;
	struct bpf_map *map;

	prog = bpf_object__find_program_by_name(s->obj, "ndpresponder");
	s->ndpr_fd = prog ? bpf_program__fd(prog) : -1;
	s->hosts_fd = map_fd(s->obj, "ndpr_hosts");
	s->prefixes_fd = map_fd(s->obj, "ndpr_prefixes");
	s->counters_fd = map_fd(s->obj, "ndpr_counters");
	s->known_empty_fd = map_fd(s->obj, "ndpr_empty");
	map = bpf_object__find_map_by_name(s->obj, "ndpr_empty");
	s->empty_words = map ? bpf_map__value_size(map) / 4 : 0;
	s->empty_fd = bpf_program__fd(s->bench->progs.empty);
	s->reset_fd = bpf_program__fd(s->bench->progs.reset);
	s->minimal_fd = bpf_program__fd(s->bench->progs.minimal);
	s->target_fd = bpf_map__fd(s->bench->maps.reset_target);
	if (s->ndpr_fd < 0 || s->hosts_fd < 0 || s->prefixes_fd < 0 ||
	    s->counters_fd < 0 || s->known_empty_fd < 0 || s->empty_words < 4 ||
	    s->empty_words > 16) {
		fprintf(stderr, "bench_prog: the object lacks the program "
				"ndpresponder or its maps\n");
		return -1;
	}
	return 0;
}

/* The benchmark's programs; minimal answers with the responder's MAC. */
static int bench_load(struct setup *s)
{
	int err;

	s->bench = bench_bpf__open();
	if (!s->bench)
		return -errno;
	memcpy((void *)s->bench->rodata->minimal_mac, host_mac, 6);
	err = bench_bpf__load(s->bench);
	if (err) {
		bench_bpf__destroy(s->bench);
		s->bench = NULL;
	}
	return err;
}

/* minimal's trie: the responder's, for ns-minimal's NS, those of
 * ns-trie. */
static int minimal_fill(const struct setup *s)
{
	__u8 one = 1;

	return tries_fill(bpf_map__fd(s->bench->maps.minimal_prefixes), &one);
}

_Static_assert(offsetof(struct ndpr_empty, hosts) == 0 &&
		       offsetof(struct ndpr_empty, prefixes) == 4 &&
		       offsetof(struct ndpr_empty, guards) == 8 &&
		       offsetof(struct ndpr_empty, conflicts) == 12,
	       "ndpr_empty starts with the four maps' flags");

/*
 * ndpr_empty as attach leaves it when no guard lies inside the entries
 * and no conflict is recorded: the trie holds entries, the /128 hash too
 * unless hosts_off (a prefix-only host: ns-trie), the guards' two maps
 * known empty; no monitor --all's lease and no reader's refill, the rest
 * being 0 (whatever the object's build: the four flags come first).
 * NDPR_BENCH_GUARDS=lookup leaves the guards' maps to be looked up, as
 * an answer pays when a guard lies inside an answered entry and a
 * conflict is recorded.
 */
static int set_known_empty(const struct setup *s, bool hosts_off)
{
	const char *env = getenv("NDPR_BENCH_GUARDS");
	__u32 v[16] = { 0 }, zero = 0;
	__u32 others = !(env && !strcmp(env, "lookup"));

	v[0] = hosts_off;
	v[2] = v[3] = others;
	if (bpf_map_update_elem(s->known_empty_fd, &zero, v, BPF_ANY)) {
		fprintf(stderr, "bench_prog: ndpr_empty: %s\n",
			strerror(errno));
		return -1;
	}
	return 0;
}

static int setup_load(struct setup *s, size_t n)
{
	struct bpf_map *map;
	__u32 max = n > NDPR_DEFAULT_MAX_PREFIXES ? (__u32)n :
						    NDPR_DEFAULT_MAX_PREFIXES;
	int err;

	memset(s, 0, sizeof(*s));
	s->entries = n;
	if (setup_open(s))
		return -1;
	/* As in tests/unit: no pins under /sys/fs/bpf, no shared state
	 * with a live responder. */
	err = skel_unpin_maps(s->obj, NULL, 0);
	if (err)
		goto fail_err;
	map = bpf_object__find_map_by_name(s->obj, "ndpr_hosts");
	if (map)
		bpf_map__set_max_entries(map, max);
	err = s->ndpr ? ndpresponder_bpf__load(s->ndpr) :
			bpf_object__load(s->obj);
	if (err)
		goto fail_err;
	err = bench_load(s);
	if (err)
		goto fail_err;
	if (setup_fds(s) || fill_maps(s, n) || minimal_fill(s) ||
	    set_known_empty(s, false))
		goto fail;
	return 0;
fail_err:
	fprintf(stderr, "bench_prog: loading the programs: %s\n",
		strerror(-err));
fail:
	setup_destroy(s);
	return -1;
}

/* Sum over CPUs of one outcome counter. */
static long long counter(const struct setup *s, int idx)
{
	__u64 sum[NDPR_C_MAX];

	if (counters_sum(s->counters_fd, sum))
		return -1;
	return (long long)sum[idx];
}

/* ---- the cases ---- */

enum how {
	DIRECT, /* the program itself, on the case's frame */
	RESET,	/* reset writing the case's NS, tail-calling the program */
};

/* The program a case runs. */
enum which {
	P_EMPTY,     /* bench.bpf.c's empty program: the baselines */
	P_RESPONDER, /* the responder under test */
	P_MINIMAL,   /* bench.bpf.c's minimal responder: the reference */
};

struct bcase {
	const char *name;
	enum how how;
	enum which prog;
	__u32 verdict;
	int counter;	 /* -1: not the responder */
	bool hosts_off;	 /* the responder skips its /128 hash, known empty */
	struct frame f;	 /* DIRECT */
	struct ns_gen g; /* RESET */
	struct figure ns;
};

static int set_target(const struct setup *s, int prog)
{
	__u32 key = 0;

	if (bpf_map_update_elem(s->target_fd, &key, &prog, BPF_ANY)) {
		fprintf(stderr, "bench_prog: prog array: %s\n",
			strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * Runs one case `repeat` times; returns the kernel's ns per run, or a
 * negative value when the run failed or took another path than it names.
 */
static double run_case(const struct setup *s, struct bcase *c, __u32 repeat)
{
	static uint8_t out[FR_MAX + 256];
	struct frame blank = { .len = BENCH_FRAME_LEN };
	const struct frame *in = c->how == RESET ? &blank : &c->f;
	int prog = c->prog == P_RESPONDER ? s->ndpr_fd :
		   c->prog == P_MINIMAL	  ? s->minimal_fd :
					    s->empty_fd;
	__u32 out_len = sizeof(out), retval, duration;
	long long before = 0, after;
	int err;

	if (c->how == RESET) {
		if (set_target(s, prog))
			return -1;
		s->bench->bss->reset_ns = c->g;
		prog = s->reset_fd;
	}
	if (c->counter >= 0 && !uncounted)
		before = counter(s, c->counter);
	if (c->hosts_off && set_known_empty(s, true))
		return -1;
	err = xdp_run_repeat(prog, LO_IFINDEX, in->b, (__u32)in->len, out,
			     &out_len, repeat, &retval, &duration);
	if (c->hosts_off && set_known_empty(s, false))
		return -1;
	if (err) {
		fprintf(stderr, "bench_prog: %s: test run: %s\n", c->name,
			strerror(err));
		return -1;
	}
	if (retval != c->verdict) {
		fprintf(stderr, "bench_prog: %s: verdict %u, expected %u\n",
			c->name, retval, c->verdict);
		return -1;
	}
	if (c->counter >= 0 && !uncounted) {
		after = counter(s, c->counter);
		if (after - before != (long long)repeat) {
			fprintf(stderr,
				"bench_prog: %s: outcome counter rose "
				"by %lld, expected %u\n",
				c->name, after - before, repeat);
			return -1;
		}
	}
	return duration;
}

/* The generator in the kernel must write what frames.h writes. */
static int check_generator(const struct setup *s, const struct ns_gen *g)
{
	static struct frame blank = { .len = BENCH_FRAME_LEN }, want, out;
	uint8_t t[16], src[16];
	__u32 retval;
	uint64_t i;

	fr_ip6("fe80::1", src);
	if (set_target(s, s->empty_fd))
		return -1;
	for (i = 0; i < 3; i++) {
		s->bench->bss->reset_ns = *g;
		s->bench->bss->reset_ns.seq = i;
		if (xdp_run_frame(s->reset_fd, LO_IFINDEX, &blank, &out,
				  &retval) ||
		    retval != XDP_PASS) {
			fprintf(stderr, "bench_prog: generator check: run "
					"failed\n");
			return -1;
		}
		ns_gen_target(g, i, t);
		ns_gen_frame(&want, asker_mac, src, t);
		if (out.len != want.len || memcmp(out.b, want.b, want.len)) {
			fprintf(stderr, "bench_prog: the BPF generator's NS "
					"differs from frames.h's\n");
			return -1;
		}
	}
	return 0;
}

/* The NA prog makes of the i-th NS of g, into out. */
static int answer_of(const struct setup *s, int prog, const struct ns_gen *g,
		     uint64_t i, struct frame *out)
{
	static const struct frame blank = { .len = BENCH_FRAME_LEN };
	__u32 retval;

	if (set_target(s, prog))
		return -1;
	s->bench->bss->reset_ns = *g;
	s->bench->bss->reset_ns.seq = i;
	if (xdp_run_frame(s->reset_fd, LO_IFINDEX, &blank, out, &retval) ||
	    retval != XDP_TX) {
		fprintf(stderr, "bench_prog: NA check: no answer\n");
		return -1;
	}
	return 0;
}

/*
 * The reference must make the very NA the responder makes with its
 * default options (R, S and O set; the MAC host_mac), octet for octet,
 * or the comparison would not be fair. --obj's object has a
 * configuration of its own: the check is then left out.
 */
static int check_same_na(const struct setup *s, const struct ns_gen *g)
{
	static struct frame prod, ref;
	uint64_t i;

	if (alt_obj)
		return 0;
	for (i = 0; i < 3; i++) {
		if (answer_of(s, s->ndpr_fd, g, i, &prod) ||
		    answer_of(s, s->minimal_fd, g, i, &ref))
			return -1;
		if (prod.len != ref.len || memcmp(prod.b, ref.b, prod.len)) {
			fprintf(stderr, "bench_prog: the minimal responder's "
					"NA differs from the responder's\n");
			return -1;
		}
	}
	return 0;
}

enum {
	C_EMPTY,
	C_TCP,
	C_IPV4,
	C_RESET_EMPTY,
	C_MATCH,
	C_MATCH_HOT,
	C_MATCH_PREFIX,
	C_MATCH_ROUTE,
	C_NOMATCH,
	C_TRIE,
	C_MINIMAL,
	C_MAX
};

static const struct bcase case_table[C_MAX] = {
	[C_EMPTY] = { "empty", DIRECT, P_EMPTY, XDP_PASS, -1 },
	[C_TCP] = { "tcp6", DIRECT, P_RESPONDER, XDP_PASS,
		    NDPR_C_passed_not_ns },
	[C_IPV4] = { "ipv4", DIRECT, P_RESPONDER, XDP_PASS,
		     NDPR_C_passed_not_ns },
	[C_RESET_EMPTY] = { "reset-empty", RESET, P_EMPTY, XDP_PASS, -1 },
	[C_MATCH] = { "ns-match", RESET, P_RESPONDER, XDP_TX, NDPR_C_answered },
	[C_MATCH_HOT] = { "ns-match-hot", RESET, P_RESPONDER, XDP_TX,
			  NDPR_C_answered },
	[C_MATCH_PREFIX] = { "ns-match-prefix", RESET, P_RESPONDER, XDP_TX,
			     NDPR_C_answered },
	[C_MATCH_ROUTE] = { "ns-match-route", RESET, P_RESPONDER, XDP_TX,
			    NDPR_C_answered },
	[C_NOMATCH] = { "ns-nomatch", RESET, P_RESPONDER, XDP_PASS,
			NDPR_C_passed_no_match },
	/* A prefix-only host, as in the flood: one lookup, in the trie. */
	[C_TRIE] = { "ns-trie", RESET, P_RESPONDER, XDP_TX, NDPR_C_answered,
		     true },
	/* The same NS and trie, answered by the reference. */
	[C_MINIMAL] = { "ns-minimal", RESET, P_MINIMAL, XDP_TX, -1 },
};

/* The frames and NS generators of the cases, for n entries. */
static void cases_init(struct bcase cs[C_MAX], size_t n)
{
	uint8_t src[16];

	memcpy(cs, case_table, sizeof(case_table));
	fr_ip6("fe80::1", src);
	/* Every entry in turn; one entry over and over; the /112 of the
	 * trie; targets of the hosts' /64 that no entry holds. */
	ns_gen_init(&cs[C_MATCH].g, asker_mac, src, net_hosts, 0, ~0ULL, 0,
		    (uint32_t)n);
	ns_gen_init(&cs[C_MATCH_HOT].g, asker_mac, src, net_hosts, 0, ~0ULL, 0,
		    1);
	ns_gen_init(&cs[C_MATCH_PREFIX].g, asker_mac, src, net_prefix, 0,
		    0xffff, 0, 65536);
	ns_gen_init(&cs[C_MATCH_ROUTE].g, asker_mac, src, net_routed, 0, 0xffff,
		    0, 65536);
	ns_gen_init(&cs[C_NOMATCH].g, asker_mac, src, net_hosts, NOMATCH_SEED,
		    ~0ULL, 0, NOMATCH_N);
	cs[C_RESET_EMPTY].g = cs[C_MATCH].g;
	ns_gen_init(&cs[C_TRIE].g, asker_mac, src, net_trie, 0, ~0ULL, 0,
		    65536);
	cs[C_MINIMAL].g = cs[C_TRIE].g;
	build_tcp(&cs[C_TCP].f);
	cs[C_EMPTY].f = cs[C_TCP].f;
	fr_build_ipv4_udp(&cs[C_IPV4].f, host_mac, asker_mac);
}

/* The baselines run always; the other cases when --cases names them. */
static bool is_baseline(int i)
{
	return i == C_EMPTY || i == C_RESET_EMPTY;
}

/* One run of every case, interleaved so that drift hits them all, and
 * each case's cost over its baseline into diff. Returns -1 on failure. */
static int run_cases(const struct setup *s, struct bcase cs[C_MAX],
		     struct figure diff[C_MAX], __u32 repeat)
{
	double v[C_MAX];
	int i;

	for (i = 0; i < C_MAX; i++) {
		v[i] = 0;
		if (!is_baseline(i) && !selected(cs[i].name))
			continue;
		v[i] = run_case(s, &cs[i], repeat);
		if (v[i] < 0)
			return -1;
		fig_add(&cs[i].ns, v[i]);
	}
	for (i = 0; i < C_MAX; i++) {
		if (is_baseline(i) || !selected(cs[i].name))
			continue;
		fig_add(&diff[i],
			v[i] - v[cs[i].how == RESET ? C_RESET_EMPTY : C_EMPTY]);
	}
	return 0;
}

static int bench_size(size_t n, int runs, __u32 repeat)
{
	struct bcase cs[C_MAX];
	struct figure diff[C_MAX] = {};
	struct setup s;
	char param[32];
	int r, i, bad = 0;

	if (setup_load(&s, n))
		return -1;
	cases_init(cs, n);
	if (check_generator(&s, &cs[C_MATCH].g) ||
	    check_same_na(&s, &cs[C_TRIE].g)) {
		setup_destroy(&s);
		return -1;
	}
	for (r = 0; r < runs && !bad; r++)
		bad = run_cases(&s, cs, diff, repeat) ? 1 : 0;
	if (!bad) {
		snprintf(param, sizeof(param), "%zu", n);
		for (i = 0; i < C_MAX; i++)
			fig_print("prog-raw", cs[i].name, param, "ns",
				  &cs[i].ns);
		for (i = 0; i < C_MAX; i++)
			fig_print("prog", cs[i].name, param, "ns", &diff[i]);
		fig_print_one("fill", "batch-update", param, "s", s.fill_s);
	}
	setup_destroy(&s);
	return bad ? -1 : 0;
}

/* What the verifier and the JIT made of the responder. */
static int prog_info(void)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	struct setup s;

	if (setup_load(&s, 1))
		return -1;
	if (bpf_obj_get_info_by_fd(s.ndpr_fd, &info, &len)) {
		setup_destroy(&s);
		return -1;
	}
	fig_print_one("verifier", "verified-insns", "-", "insns",
		      info.verified_insns);
	fig_print_one("verifier", "xlated", "-", "bytes", info.xlated_prog_len);
	fig_print_one("verifier", "jited", "-", "bytes", info.jited_prog_len);
	setup_destroy(&s);
	return 0;
}

static void print_entries(size_t n)
{
	char buf[INET6_ADDRSTRLEN];
	uint8_t a[16];
	size_t i;

	for (i = 0; i < n; i++) {
		bench_host_addr(i, a);
		printf("%s\n", inet_ntop(AF_INET6, a, buf, sizeof(buf)));
	}
	for (i = 0; i < BENCH_N_PREFIXES; i++)
		printf("%s%s/%u\n",
		       bench_prefixes[i].action == NDPR_ACT_EXCLUDE ?
			       "exclude " :
			       "",
		       bench_prefixes[i].addr, bench_prefixes[i].len);
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: bench_prog [-v] [--runs N] [--repeat N] "
		   "[--sizes N,N,...]\n"
		   "                  [--cases NAME,...] [--obj FILE "
		   "[--uncounted]]\n"
		   "       bench_prog --entries N\n");
}

/*
 * A network namespace of our own in which 2001:db8:5::/112 is routed out
 * of a veth, with forwarding on: the route-checked case then costs a full
 * FIB lookup that answers "forwarded", ingress lo as in the other cases.
 */
static int routed_netns(void)
{
	static const char *const cmds[] = {
		"ip link set lo up",
		"ip link add ndpr-b0 type veth peer name ndpr-b1",
		"ip link set ndpr-b0 up",
		"ip link set ndpr-b1 up",
		"ip -6 route add 2001:db8:5::/112 dev ndpr-b0",
		"sysctl -qw net.ipv6.conf.all.forwarding=1",
	};

	if (unshare(CLONE_NEWNET)) {
		fprintf(stderr, "bench_prog: unshare(CLONE_NEWNET): %s\n",
			strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (system(cmds[i])) {
			fprintf(stderr, "bench_prog: '%s' failed\n", cmds[i]);
			return -1;
		}
	}
	return 0;
}

static const struct option lopts[] = {
	{ "runs", required_argument, NULL, 'r' },
	{ "repeat", required_argument, NULL, 'n' },
	{ "sizes", required_argument, NULL, 's' },
	{ "entries", required_argument, NULL, 'e' },
	{ "obj", required_argument, NULL, 'o' },
	{ "cases", required_argument, NULL, 'c' },
	{ "uncounted", no_argument, NULL, 'u' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{},
};

struct opts {
	size_t sizes[MAX_SIZES];
	int nsizes;
	int runs;
	unsigned long repeat;
};

/* Reads the options into o; returns -1 to go on, else the exit code. */
static int parse_opts(int argc, char **argv, struct opts *o)
{
	char *tok, *save;
	int c, ret;

	while ((c = getopt_long(argc, argv, "v", lopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			o->runs = atoi(optarg);
			break;
		case 'n':
			o->repeat = strtoul(optarg, NULL, 0);
			break;
		case 's':
			o->nsizes = 0;
			for (tok = strtok_r(optarg, ",", &save);
			     tok && o->nsizes < MAX_SIZES;
			     tok = strtok_r(NULL, ",", &save))
				o->sizes[o->nsizes++] = strtoul(tok, NULL, 0);
			break;
		case 'e':
			print_entries(strtoul(optarg, NULL, 0));
			return 0;
		case 'o':
			alt_obj = optarg;
			break;
		case 'u':
			uncounted = true;
			break;
		case 'c':
			snprintf(only_cases, sizeof(only_cases), ",%s,",
				 optarg);
			break;
		default:
			ret = common_opt(c, usage);
			if (ret >= 0)
				return ret;
		}
	}
	if (o->runs < 1 || o->runs > BENCH_MAX_RUNS || !o->repeat ||
	    o->repeat > UINT32_MAX || !o->nsizes) {
		usage(stderr);
		return 2;
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct opts o = {
		.sizes = { 1, 1000, 65536, 1000000 },
		.nsizes = 4,
		.runs = 5,
		.repeat = 1000000,
	};
	int i, ret;

	ret = parse_opts(argc, argv, &o);
	if (ret >= 0)
		return ret;
	libbpf_set_print(libbpf_print);
	if (routed_netns())
		return 1;
	if (prog_info())
		return 1;
	ret = 0;
	for (i = 0; i < o.nsizes; i++)
		if (bench_size(o.sizes[i], o.runs, (__u32)o.repeat))
			ret = 1;
	return ret;
}

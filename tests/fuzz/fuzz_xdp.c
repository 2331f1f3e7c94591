// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libFuzzer target: frames from xdp_input.c go through the real, loaded
 * XDP program with BPF_PROG_TEST_RUN, and each result is held against the
 * model (model.c): the verdict, the whole output frame (the NA byte for
 * byte, or the frame unchanged when it passes), the NA's checksum by our
 * own arithmetic, and the counters (exactly the expected one, by one).
 * A difference prints both sides and aborts, so that libFuzzer keeps the
 * input as a crash file.
 *
 * libFuzzer sees only this process's branches, not the program's. The
 * model mirrors every decision the program makes, and the outcome the
 * kernel reported feeds libFuzzer's extra counters too, so an input that
 * makes the program do something new is kept even where the model does
 * not branch. Needs root; pins nothing; runs single-threaded.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ndpresponder.h"
#include "ndpresponder.skel.h"
#include "fail.h"
#include "frames.h"
#include "model.h"
#include "skel_fixture.h"
#include "xdp_input.h"

_Static_assert(MODEL_XDP_PASS == XDP_PASS && MODEL_XDP_TX == XDP_TX,
	       "the model's verdicts are XDP's");

#define ALL_FLAGS (NDPR_CFG_ROUTER | NDPR_CFG_DAD | NDPR_CFG_UNICAST)

/* One load each: .rodata is frozen at load. Events are on in some, as
 * in service: they must not change verdicts or counters. */
static const struct {
	const char *name;
	struct ndpr_config cfg;
} cfgs[] = {
	{ "default",
	  { { 0x02, 0, 0, 0, 0, 0x01 },
	    ALL_FLAGS,
	    NDPR_OVERRIDE_MULTICAST,
	    NDPR_DEFAULT_EVENT_RATE } },
	{ "no-router, override never",
	  { { 0x02, 0, 0, 0, 0, 0x01 },
	    NDPR_CFG_DAD | NDPR_CFG_UNICAST,
	    NDPR_OVERRIDE_NEVER,
	    0 } },
	{ "DAD and unicast off, override always",
	  { { 0x02, 0, 0, 0, 0, 0x01 },
	    NDPR_CFG_ROUTER,
	    NDPR_OVERRIDE_ALWAYS,
	    1 } },
	{ "other MAC",
	  { { 0x0a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f },
	    ALL_FLAGS,
	    NDPR_OVERRIDE_MULTICAST,
	    1000000 } },
	{ "conflicts recorded",
	  { { 0x02, 0, 0, 0, 0, 0x01 },
	    ALL_FLAGS | NDPR_CFG_GUARDS,
	    NDPR_OVERRIDE_MULTICAST,
	    0 } },
};

#define NCFG (sizeof(cfgs) / sizeof(cfgs[0]))

/*
 * Plain answer and exclude entries, nested three deep, at odd lengths;
 * xin_addrs[] names addresses in and around each. No route-checked entry:
 * those ask the kernel's FIB, which the model does not have.
 */
static const struct {
	const char *addr;
	uint8_t len;
	uint8_t action;
} entries[] = {
	{ "2001:db8:1::", 64, NDPR_ACT_ANSWER },
	{ "2001:db8:1:0:dead:beef::", 96, NDPR_ACT_EXCLUDE },
	{ "2001:db8:1:0:dead:beef:cafe:0", 112, NDPR_ACT_ANSWER },
	{ "2001:db8:1:0:dead:beef:cafe:1", 128, NDPR_ACT_EXCLUDE },
	{ "2001:db8:1::bad", 128, NDPR_ACT_EXCLUDE },
	{ "2001:db8:2::42", 128, NDPR_ACT_ANSWER },
	{ "2001:db8:4::", 127, NDPR_ACT_ANSWER },
	{ "2001:db8:5::", 63, NDPR_ACT_EXCLUDE },
	{ "2001:db8:6:8000::", 49, NDPR_ACT_ANSWER },
	{ "2001:db8:7::", 61, NDPR_ACT_ANSWER },
	{ "2001:db8:7:6::", 63, NDPR_ACT_EXCLUDE },
	{ "fd00::", 8, NDPR_ACT_ANSWER },
	{ "fdff::", 16, NDPR_ACT_EXCLUDE },
};

#define NENTRIES (sizeof(entries) / sizeof(entries[0]))

static struct model_entry table[NENTRIES];

/*
 * Guarded addresses of xin_addrs, in every load: the control plane's
 * (own, gateway) in ndpr_guards; the conflict (kind 0, last) goes into
 * ndpr_conflicts only of the loads without the conflict guard, which must
 * ignore it. Where the guard is on, what a frame records is checked
 * against the model, then removed: every input starts from no conflict.
 */
static const struct {
	const char *addr;
	int kind;
} guard_entries[] = {
	{ "2001:db8:1::bac", NDPR_GUARD_OWN },
	{ "2001:db8:4::1", NDPR_GUARD_GATEWAY },
	{ "2001:db8:6:8000::1", 0 },
};

#define NGUARDS (sizeof(guard_entries) / sizeof(guard_entries[0]))

static struct model_guard guards[NGUARDS];

/* Kept reachable for the whole run (and so for LeakSanitizer). */
static struct skel_fixture fixtures[NCFG];

/* Outcomes the kernel reported, per config, for the summary at exit. */
static unsigned long long outcomes[NCFG][NDPR_C_MAX];

/* What the kernel reported, as libFuzzer features: config x outcome x
 * verdict. Cleared by libFuzzer before each input. */
__attribute__((section("__libfuzzer_extra_counters"),
	       used)) static uint8_t seen[NCFG][NDPR_C_MAX][2];

/* A set-up that failed: no input's fault. */
#define die(...) fuzz_fail(stderr, "fuzz_xdp", false, __VA_ARGS__)

/* The guards in the maps of a load with cfg, and so the model's. */
static size_t guards_in(const struct ndpr_config *cfg)
{
	return cfg->flags & NDPR_CFG_GUARD_CONFLICT ? NGUARDS - 1 : NGUARDS;
}

/* One load with cfg and the entries; a failure ends the fuzzer. */
static void load(struct skel_fixture *fx, const struct ndpr_config *cfg)
{
	char why[256];
	size_t i;

	if (skel_fixture_load(fx, cfg, why, sizeof(why)))
		die("%s%s", why, geteuid() ? " (root needed)" : "");
	for (i = 0; i < NENTRIES; i++) {
		struct ndpr_prefix_val val = { .action = entries[i].action };

		if (skel_add_entry(fx->skel, entries[i].addr, entries[i].len,
				   &val, why, sizeof(why)))
			die("%s", why);
	}
	for (i = 0; i < guards_in(cfg); i++) {
		struct ndpr_conflict rec = { .how = NDPR_CONFLICT_NA };
		struct ndpr_guard g = { .kind = (__u8)guards[i].kind };
		int err =
			guards[i].kind ?
				bpf_map_update_elem(
					bpf_map__fd(fx->skel->maps.ndpr_guards),
					guards[i].addr, &g, BPF_NOEXIST) :
				bpf_map_update_elem(
					bpf_map__fd(
						fx->skel->maps.ndpr_conflicts),
					guards[i].addr, &rec, BPF_NOEXIST);

		if (err)
			die("adding guard %s: %s", guard_entries[i].addr,
			    strerror(errno));
	}
}

/*
 * The conflicts the run left beyond the seed must be exactly the one the
 * model names (if any), with its MAC and kind; they are removed, so that
 * every input starts from the seed. False on a difference.
 */
static bool conflicts_ok(const struct skel_fixture *fx,
			 const struct model_result *want)
{
	int fd = bpf_map__fd(fx->skel->maps.ndpr_conflicts);
	struct ndpr_host_key key, next;
	struct ndpr_conflict v;
	bool ok = true, found = false;
	void *cur = NULL;

	if (!(fx->cfg.flags & NDPR_CFG_GUARD_CONFLICT))
		return !want->recorded; /* the seed alone, never changed */
	while (!bpf_map_get_next_key(fd, cur, &next)) {
		key = next;
		cur = &key;
		if (want->recorded && !memcmp(key.addr, want->rec_addr, 16) &&
		    !bpf_map_lookup_elem(fd, &key, &v) &&
		    !memcmp(v.mac, want->rec_mac, 6) && v.how == want->rec_how)
			found = true;
		else
			ok = false;
		if (!bpf_map_delete_elem(fd, &key))
			cur = NULL;
	}
	return ok && found == want->recorded;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * With NDPR_FUZZ_STATS set: which outcomes the run reached, per config,
 * so that "no mismatch" can be read against what was tried.
 */
static void print_outcomes(void)
{
	size_t c;
	int i;

	fprintf(stderr, "fuzz_xdp: outcomes reached (per config:");
	for (c = 0; c < NCFG; c++)
		fprintf(stderr, " %zu '%s'%s", c, cfgs[c].name,
			c + 1 < NCFG ? "," : ")\n");
	for (i = 0; i < NDPR_C_MAX; i++) {
		fprintf(stderr, "  %-26s", counter_id(i));
		for (c = 0; c < NCFG; c++)
			fprintf(stderr, " %10llu", outcomes[c][i]);
		fprintf(stderr, "\n");
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t i;

	if (getenv("NDPR_FUZZ_STATS"))
		atexit(print_outcomes);

	for (i = 0; i < NENTRIES; i++) {
		fr_ip6(entries[i].addr, table[i].addr);
		table[i].len = entries[i].len;
		table[i].action = entries[i].action;
	}
	for (i = 0; i < NGUARDS; i++) {
		fr_ip6(guard_entries[i].addr, guards[i].addr);
		guards[i].kind = guard_entries[i].kind;
	}
	for (i = 0; i < NCFG; i++)
		load(&fixtures[i], &cfgs[i].cfg);
	return 0;
}

static void read_counters(const struct skel_fixture *fx, __u64 sum[NDPR_C_MAX])
{
	if (counters_sum(fx->counters_fd, sum))
		die("reading counters: %s", strerror(errno));
}

/* ingress_ifindex names lo, as a real receive names a device. */
static __u32 run(const struct skel_fixture *fx, const struct frame *in,
		 struct frame *out)
{
	__u32 retval;
	int err;

	err = xdp_run_frame(fx->prog_fd, LO_IFINDEX, in, out, &retval);
	if (err)
		die("BPF_PROG_TEST_RUN: %s", strerror(err));
	return retval;
}

static void print_hex(const char *what, const uint8_t *b, size_t n)
{
	size_t i;

	fprintf(stderr, "  %s (%zu octets):", what, n);
	for (i = 0; i < n; i++)
		fprintf(stderr, "%s%02x", i % 16 ? " " : "\n    ", b[i]);
	fprintf(stderr, "\n");
}

static void print_diff(const struct frame *got, const struct frame *want)
{
	size_t n = got->len > want->len ? got->len : want->len, i;

	for (i = 0; i < n; i++) {
		int g = i < got->len ? got->b[i] : -1;
		int w = i < want->len ? want->b[i] : -1;

		if (g != w)
			fprintf(stderr, "    octet %zu: got %02x, want %02x\n",
				i, g & 0xff, w & 0xff);
	}
}

/* The NA the program wrote must verify by frames.h's arithmetic. */
static bool checksum_ok(const struct frame *f)
{
	size_t l3 = model_l3_offset(f->b, f->len), plen;
	const uint8_t *ip6 = f->b + l3;

	if (!l3 || f->len < l3 + FR_IP6_HLEN)
		return false;
	plen = fr_get16(ip6 + 4);
	if (f->len < l3 + FR_IP6_HLEN + plen)
		return false;
	return !fr_icmp6_csum(ip6 + 8, ip6 + 24, ip6 + FR_IP6_HLEN, plen);
}

/*
 * Exactly one counter must have moved, by one, and it must be the model's;
 * returns whether so, and the one that moved (the last if several, -1 if
 * none) in *moved.
 */
static bool counters_match(const __u64 before[NDPR_C_MAX],
			   const __u64 after[NDPR_C_MAX], int want, int *moved)
{
	int i, nmoved = 0;
	bool ok = true;

	*moved = -1;
	for (i = 0; i < NDPR_C_MAX; i++) {
		if (after[i] == before[i])
			continue;
		nmoved++;
		*moved = i;
		if (after[i] - before[i] != 1 || i != want)
			ok = false;
	}
	return ok && nmoved == 1;
}

static bool same_frame(const struct frame *a, const struct frame *b)
{
	return a->len == b->len && !memcmp(a->b, b->b, a->len);
}

/* Both sides of a mismatch, for the crash file's log. */
static void print_mismatch(unsigned int c, const struct frame *in,
			   __u32 verdict, const struct frame *got,
			   const struct model_result *want,
			   const __u64 before[NDPR_C_MAX],
			   const __u64 after[NDPR_C_MAX])
{
	bool moved = false;
	int i;

	fprintf(stderr, "\nfuzz_xdp: MISMATCH with config '%s'\n",
		cfgs[c].name);
	fprintf(stderr, "  verdict: got %s, want %s\n", verdict_name(verdict),
		verdict_name((__u32)want->verdict));
	fprintf(stderr, "  counter: want %s +1, got",
		counter_id(want->counter));
	for (i = 0; i < NDPR_C_MAX; i++) {
		if (after[i] == before[i])
			continue;
		moved = true;
		fprintf(stderr, " %s %+lld", counter_id(i),
			(long long)(after[i] - before[i]));
	}
	fprintf(stderr, "%s\n", moved ? "" : " none");
	if (verdict == XDP_TX && !checksum_ok(got))
		fprintf(stderr, "  the NA's ICMPv6 checksum does not verify\n");
	if (want->recorded)
		print_hex("conflict the model records (all others must not be)",
			  want->rec_addr, 16);
	print_hex("input frame", in->b, in->len);
	print_hex("output frame", got->b, got->len);
	if (!same_frame(got, &want->out)) {
		print_hex("model's frame", want->out.b, want->out.len);
		fprintf(stderr, "  output vs model:\n");
		print_diff(got, &want->out);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct frame in, got;
	static struct model_result want;
	__u64 before[NDPR_C_MAX], after[NDPR_C_MAX];
	const struct skel_fixture *fx;
	unsigned int c;
	__u32 verdict;
	int moved;
	bool ok;

	if (xin_decode(data, size, &c, &in))
		return 0;
	c %= NCFG;
	fx = &fixtures[c];

	read_counters(fx, before);
	verdict = run(fx, &in, &got);
	read_counters(fx, after);
	model_run(&cfgs[c].cfg, table, NENTRIES, guards,
		  guards_in(&cfgs[c].cfg), in.b, in.len, &want);
	ok = counters_match(before, after, want.counter, &moved);
	if (!conflicts_ok(fx, &want))
		ok = false;
	if (moved >= 0) {
		seen[c][moved][verdict == XDP_TX]++;
		outcomes[c][moved]++;
	}
	if (verdict != (__u32)want.verdict || !same_frame(&got, &want.out) ||
	    (verdict == XDP_TX && !checksum_ok(&got)))
		ok = false;
	if (ok)
		return 0;
	print_mismatch(c, &in, verdict, &got, &want, before, after);
	abort();
}

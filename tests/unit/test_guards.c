// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the guards through BPF_PROG_RUN: the control plane's
 * ndpr_guards (the host's own addresses and gateways) and the conflicts
 * the program records itself in ndpr_conflicts from the NA and NS frames
 * of other nodes. The cases run in order on one load: each leaves the
 * maps as the next one expects. Frames come from frames.h; an answer is
 * compared byte for byte with the NA built there, a pass with the frame
 * as it came, and exactly one counter must move. The maps are changed
 * through the library's own functions (lib/guards.c, lib/maps.c), as the
 * verbs change them.
 *
 * Needs root (BPF_PROG_LOAD); pins nothing.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ndpresponder.h"
#include "ndpresponder.skel.h"
#include "harness.h"
#include "frames.h"
#include "skel_fixture.h"
#include "guards.h"
#include "maps.h"

#define HOST_MAC                                   \
	{                                          \
		0x02, 0x00, 0x00, 0x00, 0x00, 0x01 \
	}
#define ALL_FLAGS \
	(NDPR_CFG_ROUTER | NDPR_CFG_DAD | NDPR_CFG_UNICAST | NDPR_CFG_GUARDS)

static const uint8_t host_mac[6] = HOST_MAC;
/* The router asking, and a third node on the link owning addresses. */
static const uint8_t asker_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0xaa };
static const uint8_t owner_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x77 };
static const uint8_t slla[8] = { FR_ND_OPT_SLLA, 1,    0x02, 0x00,
				 0x00,		 0x00, 0x00, 0xaa };

static const struct ndpr_config cfg_on = { .mac = HOST_MAC,
					   .flags = ALL_FLAGS };
static const struct ndpr_config cfg_off = { .mac = HOST_MAC,
					    .flags = ALL_FLAGS &
						     ~NDPR_CFG_GUARD_CONFLICT };

#define PREFIX	"2001:db8:1::"
#define OUTSIDE "2001:db8:9::40"

static struct skel_fixture fx;
static struct ndpr_maps maps = NDPR_MAPS_INIT;

/* The multicast NS the router sends for target, from src. */
static void build_ns(struct frame *f, const char *src, const char *target)
{
	struct fr_ns ns = { .vtcfl = 0x60000000,
			    .hlim = 255,
			    .nexthdr = FR_IPPROTO_ICMPV6,
			    .type = FR_ND_NS,
			    .opts = slla,
			    .opts_len = sizeof(slla) };

	fr_ip6(src, ns.src);
	fr_ip6(target, ns.target);
	fr_solicited_node(ns.target, ns.dst);
	fr_mcast_mac(ns.dst, ns.eth_dst);
	memcpy(ns.eth_src, asker_mac, 6);
	fr_build_ns(f, &ns);
}

/* An NS from src (a node's own address) and mac, for the router. */
static void build_ns_from(struct frame *f, const char *src,
			  const uint8_t mac[6])
{
	build_ns(f, src, PREFIX "1");
	memcpy(f->b + 6, mac, 6);
}

/* An unsolicited NA (O=1, to all-nodes) for target from mac, as a node
 * announces its address (RFC 4861 §7.2.6). */
static void build_na(struct frame *f, const char *target, const uint8_t mac[6],
		     uint8_t flags)
{
	struct fr_na na = { .eth_dst = { 0x33, 0x33, 0, 0, 0, 1 },
			    .flags = flags };

	memcpy(na.eth_src, mac, 6);
	fr_ip6(target, na.src);
	fr_ip6(target, na.target);
	fr_ip6("ff02::1", na.dst);
	memcpy(na.tlla, mac, 6);
	fr_build_na(f, &na);
}

/* The answer to build_ns(src, target): R S O, from the target. */
static void expected_na(const char *src, const char *target, struct frame *f)
{
	struct fr_na na = { .flags = FR_NA_R | FR_NA_S | FR_NA_O };

	memcpy(na.eth_dst, asker_mac, 6);
	memcpy(na.eth_src, host_mac, 6);
	fr_ip6(target, na.src);
	fr_ip6(target, na.target);
	fr_ip6(src, na.dst);
	memcpy(na.tlla, host_mac, 6);
	fr_build_na(f, &na);
}

/* Runs in; want_tx: the answer must be *want byte for byte, else in must
 * pass unchanged. Exactly counter must move. */
static bool run(const char *name, const struct frame *in, bool want_tx,
		const struct frame *want, int counter)
{
	static struct frame got;
	__u64 before[NDPR_C_MAX], after[NDPR_C_MAX];
	char why[512] = "";
	__u32 retval;
	int err;

	if (!CHECK(name, !counters_sum(fx.counters_fd, before), "counters"))
		return false;
	err = xdp_run_frame(fx.prog_fd, LO_IFINDEX, in, &got, &retval);
	if (!CHECK(name, !err, "test run: %s", strerror(err)) ||
	    !CHECK(name, !counters_sum(fx.counters_fd, after), "counters"))
		return false;
	if (!CHECK(name, retval == (want_tx ? XDP_TX : XDP_PASS), "verdict %s",
		   verdict_name(retval)))
		return false;
	if (want_tx &&
	    !CHECK(name,
		   got.len == want->len && !memcmp(got.b, want->b, got.len),
		   "the NA differs from the expected one")) {
		hexdump_diff(got.b, got.len, want->b, want->len);
		return false;
	}
	if (!want_tx && !passed_unchanged(name, in->b, in->len, got.b, got.len))
		return false;
	return CHECK(name,
		     counters_ok(before, after, counter, why, sizeof(why)),
		     "counters: %s", why);
}

/* An NS for target from the router: answered, or passed with counter. */
static void solicit(const char *name, const char *target, int counter)
{
	struct frame in, want;

	build_ns(&in, "fe80::1", target);
	expected_na("fe80::1", target, &want);
	if (run(name, &in, counter == NDPR_C_answered, &want, counter))
		harness_result(1, name, "%s", "");
}

/* The conflict recorded for addr, if any. */
static bool conflict_of(const char *addr, struct ndpr_conflict *c)
{
	struct ndpr_host_key k;

	fr_ip6(addr, k.addr);
	return !bpf_map_lookup_elem(maps.conflicts, &k, c);
}

static struct ndpr_empty empty_flags(void)
{
	struct ndpr_empty e = {};
	__u32 zero = 0;

	bpf_map_lookup_elem(maps.empty, &zero, &e);
	return e;
}

/* A frame passed to the kernel as passed_not_ns, after which a conflict
 * for addr is (or is not) recorded with mac and how. */
static void note(const char *name, const struct frame *in, int counter,
		 const char *addr, const uint8_t *mac, int how)
{
	struct ndpr_conflict c;
	bool have;

	if (!run(name, in, counter == NDPR_C_answered, NULL, counter))
		return;
	have = conflict_of(addr, &c);
	if (!mac) {
		harness_result(!have, name, "a conflict for %s was recorded",
			       addr);
		return;
	}
	if (!CHECK(name, have, "no conflict recorded for %s", addr))
		return;
	harness_result(!memcmp(c.mac, mac, 6) && c.how == how && c.first_ns &&
			       c.last_ns >= c.first_ns &&
			       !empty_flags().conflicts,
		       name,
		       "record: how %u, first %llu, last %llu, map "
		       "still marked empty %u",
		       c.how, (unsigned long long)c.first_ns,
		       (unsigned long long)c.last_ns, empty_flags().conflicts);
}

static void add_guard(const char *addr, int kind)
{
	struct ndpr_guard g = { .kind = (__u8)kind };
	struct ndpr_host_key k;

	fr_ip6(addr, k.addr);
	maps_empty_clear(&maps, EMPTY_GUARDS);
	bpf_map_update_elem(maps.guards, &k, &g, BPF_ANY);
}

static void guard_cases(void)
{
	struct ndpr_empty e, saved;
	__u32 zero = 0;

	add_guard(PREFIX "2", NDPR_GUARD_OWN);
	add_guard(PREFIX "1", NDPR_GUARD_GATEWAY);
	solicit("guards: the uplink's own address -> passed_own_address",
		PREFIX "2", NDPR_C_passed_own_address);
	solicit("guards: the gateway -> passed_gateway", PREFIX "1",
		NDPR_C_passed_gateway);
	solicit("guards: an unguarded target of the prefix -> answered",
		PREFIX "10", NDPR_C_answered);

	/* The flag says skip: the program must not look. Refresh sees the
	 * map hold entries again. */
	e = empty_flags();
	e.guards = 1;
	bpf_map_update_elem(maps.empty, &zero, &e, BPF_ANY);
	solicit("guards: map marked known-empty is skipped -> answered",
		PREFIX "2", NDPR_C_answered);
	maps_empty_refresh(&maps);
	solicit("guards: after the refresh, guarded again", PREFIX "2",
		NDPR_C_passed_own_address);

	/* What the readers write beside the flags is theirs: a refresh
	 * keeps it. Put back as it was afterwards. */
	saved = e = empty_flags();
	e.passed_until = 7;
	e.events_gen = 1ULL << 32;
	e.events_per_cpu = 3;
	bpf_map_update_elem(maps.empty, &zero, &e, BPF_ANY);
	maps_empty_refresh(&maps);
	e = empty_flags();
	harness_result(e.passed_until == 7 && e.events_gen == 1ULL << 32 &&
			       e.events_per_cpu == 3,
		       "guards: a refresh keeps the readers' lease, refill "
		       "generation and rate",
		       "lease %llu, generation %llu, rate %llu",
		       (unsigned long long)e.passed_until,
		       (unsigned long long)e.events_gen,
		       (unsigned long long)e.events_per_cpu);
	bpf_map_update_elem(maps.empty, &zero, &saved, BPF_ANY);
}

static void conflict_cases(void)
{
	struct frame in;

	harness_result(empty_flags().conflicts,
		       "conflicts: none yet, the "
		       "map is marked known-empty",
		       "%s", "not marked");
	solicit("conflicts: ::20 answered before any conflict", PREFIX "20",
		NDPR_C_answered);

	build_na(&in, PREFIX "20", owner_mac, FR_NA_O);
	note("conflicts: NA for ::20 from another MAC passes, recorded", &in,
	     NDPR_C_passed_not_ns, PREFIX "20", owner_mac, NDPR_CONFLICT_NA);
	solicit("conflicts: the next NS for ::20 -> passed_conflict",
		PREFIX "20", NDPR_C_passed_conflict);

	build_na(&in, PREFIX "21", host_mac, FR_NA_O);
	note("conflicts: NA for ::21 from our own MAC: not recorded", &in,
	     NDPR_C_passed_not_ns, PREFIX "21", NULL, 0);
	solicit("conflicts: ::21 still answered", PREFIX "21", NDPR_C_answered);

	build_na(&in, PREFIX "22", owner_mac, FR_NA_O);
	in.b[FR_ETH_HLEN + FR_IP6_HLEN + 2] ^= 1;
	note("conflicts: NA with a bad checksum: not recorded", &in,
	     NDPR_C_passed_not_ns, PREFIX "22", NULL, 0);
	build_na(&in, PREFIX "22", owner_mac, FR_NA_O);
	in.b[FR_ETH_HLEN + 7] = 254;
	note("conflicts: NA with hop limit 254 (off-link): not recorded", &in,
	     NDPR_C_passed_not_ns, PREFIX "22", NULL, 0);
	build_na(&in, PREFIX "22", owner_mac, FR_NA_S);
	note("conflicts: solicited NA to a multicast group (invalid, "
	     "RFC 4861 §7.1.2): not recorded",
	     &in, NDPR_C_passed_not_ns, PREFIX "22", NULL, 0);
	build_na(&in, OUTSIDE, owner_mac, FR_NA_O);
	note("conflicts: NA for a target we do not answer: not recorded", &in,
	     NDPR_C_passed_not_ns, OUTSIDE, NULL, 0);

	build_ns_from(&in, PREFIX "30", owner_mac);
	note("conflicts: NS sourced from ::30 from another MAC, recorded", &in,
	     NDPR_C_passed_gateway, PREFIX "30", owner_mac, NDPR_CONFLICT_NS);
	solicit("conflicts: the next NS for ::30 -> passed_conflict",
		PREFIX "30", NDPR_C_passed_conflict);
	build_ns_from(&in, "fe80::77", owner_mac);
	note("conflicts: NS from a link-local source: not recorded", &in,
	     NDPR_C_passed_gateway, "fe80::77", NULL, 0);
	build_ns_from(&in, PREFIX "31", host_mac);
	note("conflicts: NS sourced from ::31 from our own MAC: not "
	     "recorded",
	     &in, NDPR_C_passed_gateway, PREFIX "31", NULL, 0);
}

static void clear_cases(void)
{
	struct in6_addr a;
	int ret;

	fr_ip6(PREFIX "20", a.s6_addr);
	ret = guards_conflict_clear(&maps, &a);
	harness_result(!ret, "clear-conflict ::20", "%s", strerror(-ret));
	solicit("clear-conflict: ::20 answered again", PREFIX "20",
		NDPR_C_answered);
	solicit("clear-conflict: ::30 still not answered", PREFIX "30",
		NDPR_C_passed_conflict);
	ret = guards_conflict_clear(&maps, &a);
	harness_result(ret == -ENOENT,
		       "clear-conflict ::20 again: -ENOENT, nothing to clear",
		       "returned %d", ret);
	ret = guards_conflict_clear(&maps, NULL);
	harness_result(!ret && empty_flags().conflicts,
		       "clear-conflict all: done, map marked known-empty "
		       "again",
		       "ret %d, flag %u", ret, empty_flags().conflicts);
	solicit("clear-conflict all: ::30 answered again", PREFIX "30",
		NDPR_C_answered);
}

static int load(const struct ndpr_config *cfg, const char *name)
{
	struct ndpr_prefix_val val = { .action = NDPR_ACT_ANSWER };
	char why[256] = "";
	int err;

	err = skel_fixture_load(&fx, cfg, why, sizeof(why));
	if (!err &&
	    skel_add_entry(fx.skel, PREFIX, 64, &val, why, sizeof(why))) {
		skel_fixture_destroy(&fx);
		err = -1;
	}
	if (!err) {
		maps_of_skel(&maps, fx.skel);
		err = maps_empty_refresh(&maps);
		snprintf(why, sizeof(why), "maps_empty_refresh: %d", err);
	}
	harness_result(!err, name, "%s", why);
	return err;
}

static void conflict_guard_off(void)
{
	struct frame in;

	if (load(&cfg_off, "load with --no-guard conflict"))
		return;
	build_na(&in, PREFIX "20", owner_mac, FR_NA_O);
	note("--no-guard conflict: NA from another MAC: not recorded", &in,
	     NDPR_C_passed_not_ns, PREFIX "20", NULL, 0);
	solicit("--no-guard conflict: ::20 answered", PREFIX "20",
		NDPR_C_answered);
	skel_fixture_destroy(&fx);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid() != 0) {
		harness_result(0, "guards: running as root",
			       "BPF_PROG_LOAD and BPF_PROG_RUN need root");
		return harness_exit();
	}
	if (!load(&cfg_on, "load with every guard on")) {
		guard_cases();
		conflict_cases();
		clear_cases();
		skel_fixture_destroy(&fx);
	}
	conflict_guard_off();
	return harness_exit();
}

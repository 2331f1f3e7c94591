/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Userspace half of bench.bpf.c's NS generator (struct ns_gen in bench.h):
 * the template frame, built with tests/lib/frames.h, and its partial
 * checksum. Include after frames.h and bench.h.
 */
#ifndef NDPR_BENCH_NSGEN_H
#define NDPR_BENCH_NSGEN_H

#include <stdint.h>
#include <string.h>

#include "bench.h"
#include "entries.h"
#include "frames.h"

/* The target of the i-th frame of g, as write_ns() in bench.bpf.c makes
 * it. */
static inline void ns_gen_target(const struct ns_gen *g, uint64_t i,
				 uint8_t t[16])
{
	uint64_t iid;
	int b;

	iid = (bench_splitmix64(g->seed + (g->n ? i % g->n : 0)) &
	       g->iid_mask) |
	      g->iid_base;
	memcpy(t, g->frame + BENCH_OFF_TARGET_IID - 8, 8);
	for (b = 0; b < 8; b++)
		t[8 + b] = (uint8_t)(iid >> (56 - 8 * b));
}

/* The multicast NS with SLLA that the generator sends, for target t. */
static inline void ns_gen_frame(struct frame *f, const uint8_t src_mac[6],
				const uint8_t src_ip[16], const uint8_t t[16])
{
	uint8_t slla[8] = { FR_ND_OPT_SLLA, 1 };
	struct fr_ns ns = {
		.vtcfl = 0x60000000,
		.hlim = 255,
		.nexthdr = FR_IPPROTO_ICMPV6,
		.type = FR_ND_NS,
		.opts = slla,
		.opts_len = sizeof(slla),
	};

	memcpy(slla + 2, src_mac, 6);
	memcpy(ns.eth_src, src_mac, 6);
	memcpy(ns.src, src_ip, 16);
	memcpy(ns.target, t, 16);
	fr_solicited_node(ns.target, ns.dst);
	fr_mcast_mac(ns.dst, ns.eth_dst);
	fr_build_ns(f, &ns);
	if (f->len != BENCH_FRAME_LEN)
		fr_die("the generator's NS is not BENCH_FRAME_LEN octets");
}

static inline uint32_t ns_gen_word(const uint8_t *p)
{
	uint32_t w;

	memcpy(&w, p, 4);
	return w;
}

/*
 * Targets net::/64 + (splitmix64(seed + i) & mask | base), i in [0, n).
 * The NS comes from src_mac / src_ip.
 */
static inline void ns_gen_init(struct ns_gen *g, const uint8_t src_mac[6],
			       const uint8_t src_ip[16], const uint8_t net[8],
			       uint64_t seed, uint64_t mask, uint64_t base,
			       uint32_t n)
{
	const size_t l3 = FR_ETH_HLEN, l4 = FR_ETH_HLEN + FR_IP6_HLEN;
	uint8_t t[16] = {}, *p;
	struct frame f;
	uint64_t sum = 0;
	size_t i;

	memset(g, 0, sizeof(*g));
	memcpy(t, net, 8);
	ns_gen_frame(&f, src_mac, src_ip, t);
	memcpy(g->frame, f.b, BENCH_FRAME_LEN);
	g->n = n;
	g->seed = seed;
	g->iid_mask = mask;
	g->iid_base = base;

	/* The varying octets and the checksum, zero for the partial sum. */
	p = f.b;
	memset(p + BENCH_OFF_DST_WORD, 0, 4);
	memset(p + BENCH_OFF_TARGET_IID, 0, 8);
	memset(p + BENCH_OFF_CSUM, 0, 2);
	for (i = 0; i < 32; i += 4) /* source and destination */
		sum += ns_gen_word(p + l3 + 8 + i);
	sum += htonl(32) + htonl(FR_IPPROTO_ICMPV6);
	for (i = 0; i < 32; i += 4)
		sum += ns_gen_word(p + l4 + i);
	g->base_sum = sum;
}

#endif /* NDPR_BENCH_NSGEN_H */

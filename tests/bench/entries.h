/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The entries every benchmark loads: n random /128 container addresses in
 * the on-link /64, and a few shorter prefixes elsewhere. The same n always
 * gives the same addresses, and no two of them are equal: the interface
 * identifier is splitmix64 of the index, a bijection on 64 bits.
 */
#ifndef NDPR_BENCH_ENTRIES_H
#define NDPR_BENCH_ENTRIES_H

#include <stdint.h>
#include <stdio.h>

#include "ndpresponder.h"

/* The /64 that the /128 entries are drawn from: 2001:db8:1::/64. */
static const uint8_t bench_host_net[8] = { 0x20, 0x01, 0x0d, 0xb8,
					   0x00, 0x01, 0x00, 0x00 };

/* The prefixes of every run; the exclude carves a hole in the first. */
static const struct {
	const char *addr;
	unsigned int len;
	uint8_t action;
	uint8_t flags;
} bench_prefixes[] = {
	{ "2001:db8:2::", 64, NDPR_ACT_ANSWER, 0 },
	{ "2001:db8:2:0:dead::", 80, NDPR_ACT_EXCLUDE, 0 },
	{ "2001:db8:3::", 112, NDPR_ACT_ANSWER, 0 },
	{ "2001:db8:4::", 48, NDPR_ACT_ANSWER, 0 },
	/* Route-checked; bench_prog routes it out of a veth of its own
	 * network namespace, so that the FIB answers "forwarded". */
	{ "2001:db8:5::", 112, NDPR_ACT_ANSWER, NDPR_PF_ROUTE_CHECK },
};

#define BENCH_N_PREFIXES (sizeof(bench_prefixes) / sizeof(bench_prefixes[0]))

/* Answered through the /112 of the trie, not the hash. */
#define BENCH_PREFIX_TARGET "2001:db8:3::42"
/* In no entry at all. */
#define BENCH_NOMATCH_TARGET "2001:db8:ffff::1"

static inline uint64_t bench_splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* The i-th /128 entry. */
static inline void bench_host_addr(uint64_t i, uint8_t a[16])
{
	uint64_t iid = bench_splitmix64(i);
	int b;

	for (b = 0; b < 8; b++)
		a[b] = bench_host_net[b];
	for (b = 0; b < 8; b++)
		a[8 + b] = (uint8_t)(iid >> (56 - 8 * b));
}

#endif /* NDPR_BENCH_ENTRIES_H */

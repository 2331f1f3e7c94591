// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The benchmark's own XDP programs; none of them is the responder.
 *
 *   empty     the baseline of the per-packet figures: XDP_PASS, nothing else
 *   bounce    the limit of the flood: every frame back out with XDP_TX,
 *             unchanged
 *   touch     the limit for a program that reads the frame: reads its 86
 *             octets, swaps the MAC addresses, XDP_TX; the frame comes
 *             from another CPU, and bounce never brings it into cache
 *   reset     writes the next NS of reset_ns over the packet, then
 *             tail-calls the program under test: BPF_PROG_TEST_RUN runs a
 *             program `repeat` times over one buffer without restoring it,
 *             and the responder turns the NS into its NA in place; a new
 *             target each time also keeps a large map from staying in cache
 *   gen       the flood's generator, run by BPF_PROG_TEST_RUN in
 *             live-frames mode: writes the next NS of gen_ns and sends it
 *             with XDP_TX; live frames come from a recycled page pool, and
 *             a page may come back rewritten into an NA by the responder
 *   count_na  the router's side of the flood: counts NAs, and the NS that
 *             bounce sends back, before the kernel's stack sees them
 *   minimal   the reference for the product (issue: "within 5% of the
 *             least work an answer needs"): what an RFC 4861-valid answer
 *             to the benchmark's NS needs and nothing more: the header
 *             checks of §7.1.1 for an untagged NS with one SLLA option,
 *             the checksum verified, one LPM-trie lookup, the rewrite into
 *             an NA with a TLLA option and its checksum, XDP_TX. No
 *             counters, events, VLAN tags, other NS shapes or options.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "bench.h"

#define ETH_P_IPV6     0x86DD
#define IPPROTO_ICMPV6 58
#define ICMPV6_NS      135
#define ICMPV6_NA      136
#define ND_TYPE_OFF    (14 + 40)

/* Set by userspace once loaded (the .bss is mapped into its memory). */
struct ns_gen reset_ns;
struct ns_gen gen_ns;

/* Pacing of gen: one frame every gen_gap_ns, 0 for flat out. Frames
 * before their time are dropped unsent, so the generator spins. */
__u64 gen_gap_ns;
__u64 gen_next_ns;

/* Slot 0: the program under test, for reset's tail call. */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} reset_target SEC(".maps");

/* What count_na does with an NA or NS once counted: XDP_DROP for the
 * flood, XDP_PASS for the latency probe, which reads NAs from a packet
 * socket. */
const volatile __u32 na_verdict = XDP_DROP;

/* Per-CPU counts of the router's side, indexed by enum bench_count. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, BENCH_CNT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} na_counts SEC(".maps");

SEC("xdp")
int empty(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("xdp")
int bounce(struct xdp_md *ctx)
{
	return XDP_TX;
}

SEC("xdp")
int touch(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u64 *w = data, x = 0;
	__u8 mac[6];
	int i;

	if (data + BENCH_FRAME_LEN > end)
		return XDP_PASS;
#pragma unroll
	for (i = 0; i < BENCH_FRAME_LEN / 8; i++)
		x ^= w[i];
	__builtin_memcpy(mac, data, 6);
	__builtin_memcpy(data, data + 6, 6);
	__builtin_memcpy(data + 6, mac, 6);
	/* Keeps the reads: the NS carries no octet at 80 that matters. */
	*(__u8 *)(data + 80) ^= (__u8)(x == 0x1234567887654321ULL);
	return XDP_TX;
}

/* The same mixer as tests/bench/entries.h, so targets name entries. */
static __always_inline __u64 splitmix64(__u64 x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Writes g's next NS over the packet, which must be BENCH_FRAME_LEN
 * octets long. */
static __always_inline int write_ns(struct xdp_md *ctx, struct ns_gen *g)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u8 *p = data;
	__u64 iid, sum;
	__u32 i;

	if (data + BENCH_FRAME_LEN > end)
		return -1;
	__builtin_memcpy(data, g->frame, BENCH_FRAME_LEN);
	i = g->n ? (__u32)(g->seq % g->n) : 0;
	g->seq++;
	iid = (splitmix64(g->seed + i) & g->iid_mask) | g->iid_base;

	*(__u64 *)(p + BENCH_OFF_TARGET_IID) = bpf_cpu_to_be64(iid);
	p[BENCH_OFF_ETH_GROUP] = p[BENCH_OFF_DST_WORD + 1] = iid >> 16;
	p[BENCH_OFF_ETH_GROUP + 1] = p[BENCH_OFF_DST_WORD + 2] = iid >> 8;
	p[BENCH_OFF_ETH_GROUP + 2] = p[BENCH_OFF_DST_WORD + 3] = iid;

	sum = g->base_sum + *(__u32 *)(p + BENCH_OFF_TARGET_IID) +
	      *(__u32 *)(p + BENCH_OFF_TARGET_IID + 4) +
	      *(__u32 *)(p + BENCH_OFF_DST_WORD);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	*(__u16 *)(p + BENCH_OFF_CSUM) = ~(__u16)sum;
	return 0;
}

SEC("xdp")
int reset(struct xdp_md *ctx)
{
	if (write_ns(ctx, &reset_ns))
		return XDP_ABORTED;
	bpf_tail_call(ctx, &reset_target, 0);
	return XDP_ABORTED;
}

SEC("xdp")
int gen(struct xdp_md *ctx)
{
	__u64 now;

	if (gen_gap_ns) {
		now = bpf_ktime_get_ns();
		if (now < gen_next_ns)
			return XDP_DROP;
		/* No catching up on more than a millisecond's backlog. */
		gen_next_ns = gen_next_ns + 1000000 < now ? now : gen_next_ns;
		gen_next_ns += gen_gap_ns;
	}
	if (write_ns(ctx, &gen_ns))
		return XDP_ABORTED;
	return XDP_TX;
}

static __always_inline void count(__u32 slot)
{
	__u64 *c = bpf_map_lookup_elem(&na_counts, &slot);

	if (c)
		(*c)++;
}

SEC("xdp")
int count_na(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ipv6hdr *ip6 = data + sizeof(struct ethhdr);
	struct ethhdr *eth = data;
	__u8 *type = data + ND_TYPE_OFF;

	if ((void *)(type + 1) > end || eth->h_proto != bpf_htons(ETH_P_IPV6) ||
	    ip6->nexthdr != IPPROTO_ICMPV6 ||
	    (*type != ICMPV6_NA && *type != ICMPV6_NS)) {
		count(BENCH_CNT_OTHER);
		return XDP_PASS;
	}
	count(*type == ICMPV6_NA ? BENCH_CNT_NA : BENCH_CNT_NS);
	return na_verdict;
}

/* ---- minimal: the reference responder ---- */

#define ETH_ALEN     6
#define ND_HOP_LIMIT 255 /* RFC 4861 §7.1.1 */
#define ND_OPT_SLLA  1
#define ND_OPT_TLLA  2
#define NA_FLAGS_RSO 0xe0 /* R, S and O, as the product sets them */

/* The answers' MAC, set by bench_flood before load. */
const volatile __u8 minimal_mac[6];

struct minimal_key {
	__u32 prefixlen;
	struct in6_addr addr;
};

/* The prefixes minimal answers for, filled by bench_flood attach. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 1024);
	__type(key, struct minimal_key);
	__type(value, __u8);
} minimal_prefixes SEC(".maps");

/* An NS or NA with one link-layer address option: 32 octets. */
struct nd_lla_msg {
	struct nd_msg nd;
	struct nd_opt_hdr opt;
	__u8 lladdr[6];
};

static __always_inline __u64 sum_words(const void *p, int n)
{
	const __u32 *w = p;
	__u64 sum = 0;
	int i;

#pragma unroll
	for (i = 0; i < n; i++)
		sum += w[i];
	return sum;
}

static __always_inline __u16 fold(__u64 sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)((sum & 0xffff) + (sum >> 16));
}

/* Pseudo-header (RFC 8200 §8.1) and message, for a 32-octet ICMPv6. */
static __always_inline __u16 nd_csum(const struct ipv6hdr *ip6,
				     const struct nd_lla_msg *m)
{
	return fold(sum_words(&ip6->saddr, 8) + bpf_htonl(sizeof(*m)) +
		    bpf_htonl(IPPROTO_ICMPV6) + sum_words(m, sizeof(*m) / 4));
}

/* ::, the source of a DAD probe: answered to all-nodes, not taken here. */
static __always_inline bool unspecified(const struct in6_addr *a)
{
	return !(a->in6_u.u6_addr32[0] | a->in6_u.u6_addr32[1] |
		 a->in6_u.u6_addr32[2] | a->in6_u.u6_addr32[3]);
}

static __always_inline bool ns_valid(const struct ipv6hdr *ip6,
				     const struct nd_lla_msg *m)
{
	/* RFC 4861 §7.1.1, for the one shape this program takes: with an
	 * SLLA option, so never a DAD probe, whose source it answers. */
	return ip6->version == 6 && ip6->nexthdr == IPPROTO_ICMPV6 &&
	       ip6->hop_limit == ND_HOP_LIMIT &&
	       ip6->payload_len == bpf_htons(sizeof(*m)) &&
	       m->nd.icmph.icmp6_type == ICMPV6_NS &&
	       m->nd.icmph.icmp6_code == 0 &&
	       m->opt.nd_opt_type == ND_OPT_SLLA && m->opt.nd_opt_len == 1 &&
	       ip6->saddr.in6_u.u6_addr8[0] != 0xff &&
	       !unspecified(&ip6->saddr) &&
	       m->nd.target.in6_u.u6_addr8[0] != 0xff &&
	       nd_csum(ip6, m) == 0xffff;
}

SEC("xdp")
int minimal(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6 = (void *)(eth + 1);
	struct nd_lla_msg *m = (void *)(ip6 + 1);
	struct minimal_key key = { .prefixlen = 128 };
	int i;

	if ((void *)(m + 1) > end || eth->h_proto != bpf_htons(ETH_P_IPV6) ||
	    !ns_valid(ip6, m))
		return XDP_PASS;
	key.addr = m->nd.target;
	if (!bpf_map_lookup_elem(&minimal_prefixes, &key))
		return XDP_PASS;

	__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	for (i = 0; i < ETH_ALEN; i++)
		eth->h_source[i] = minimal_mac[i];
	ip6->daddr = ip6->saddr;
	ip6->saddr = m->nd.target;
	m->nd.icmph.icmp6_type = ICMPV6_NA;
	m->nd.icmph.icmp6_cksum = 0;
	*(__u32 *)&m->nd.icmph.icmp6_dataun = 0;
	m->nd.icmph.icmp6_dataun.un_data8[0] = NA_FLAGS_RSO;
	m->opt.nd_opt_type = ND_OPT_TLLA;
	for (i = 0; i < ETH_ALEN; i++)
		m->lladdr[i] = minimal_mac[i];
	m->nd.icmph.icmp6_cksum = ~nd_csum(ip6, m);
	return XDP_TX;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The responder: turns a Neighbor Solicitation for a configured target into
 * a Neighbor Advertisement sourced from that target, in place, and sends it
 * back out of the interface it came in on. Every other frame passes.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "ndpresponder.h"
#include "consts.h"
#include "parsing.h"
#include "csum.h"
#include "maps.h"
#include "config.h"
#include "events.h"
#include "route.h"

/* This CPU's counters: looked up once per packet. */
static __always_inline struct ndpr_counters *counters(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&ndpr_counters, &zero);
}

static __always_inline int count(struct ndpr_counters *c, __u32 outcome,
				 int verdict)
{
	/* The mask keeps the bound on the very register used as index. */
	outcome &= 0x3f;
	if (c && outcome < NDPR_C_MAX)
		((__u64 *)c)[outcome]++;
	return verdict;
}

/* Where the parsed NS lies in the frame. */
struct ns_info {
	__u32 l3off;	/* offset of the IPv6 header */
	__u32 icmp_len; /* IPv6 payload length */
	bool dad;	/* source is :: (RFC 4861 §7.2.4 DAD probe) */
	bool mcast;	/* destination is multicast */
};

/*
 * RFC 4861 §7.1.1: the checks a node makes before it accepts an NS.
 * Returns NDPR_C_MAX when the NS is valid, else the counter to bump.
 */
static __always_inline int validate_ns(struct ipv6hdr *ip6,
				       struct icmp6hdr *icmp, void *end,
				       struct ns_info *ns)
{
	struct in6_addr *target = (void *)icmp + 8;
	__u32 len = ns->icmp_len;
	__u8 *opt;
	__u64 sum;
	__u32 off;
	int i;

	if (ip6->hop_limit != ND_HOP_LIMIT)
		return NDPR_C_invalid_hop_limit;
	if (icmp->icmp6_code != 0)
		return NDPR_C_invalid_code;
	if (len < NS_MIN_LEN)
		return NDPR_C_invalid_length;
	if (len > NDPR_MAX_ICMP_LEN)
		return NDPR_C_passed_too_long;
	/* A new value for clang: it must not reload an unchecked copy it
	 * spilled before the checks. 6.1's verifier keeps no bounds on a
	 * spilled unbounded scalar, so the bounds would be lost. */
	asm volatile("" : "+r"(len));
	/* The second test is implied by the first; the verifier needs it. */
	if ((void *)icmp + len > end || (void *)icmp + NS_MIN_LEN > end)
		return NDPR_C_invalid_truncated;
	/* A multicast source is never valid (RFC 4291 §2.7); the kernel
	 * drops it in ipv6_rcv too. */
	if (addr_is_multicast(&ip6->saddr))
		return NDPR_C_invalid_source_multicast;
	if (addr_is_multicast(target))
		return NDPR_C_invalid_target_multicast;
	if (ns->dad && !addr_is_solicited_node(&ip6->daddr))
		return NDPR_C_invalid_dad_destination;

	/* Options: none may have length 0 or run past the message; a DAD
	 * probe carries no Source Link-Layer Address. */
	off = NS_MIN_LEN;
	for (i = 0; i < (NDPR_MAX_ICMP_LEN - NS_MIN_LEN) / 8; i++) {
		if (off >= len)
			break;
		if (off + 2 > len)
			return NDPR_C_invalid_option_length;
		opt = (void *)icmp + off;
		if ((void *)(opt + 2) > end)
			return NDPR_C_invalid_truncated;
		if (opt[1] == 0 || off + opt[1] * 8 > len)
			return NDPR_C_invalid_option_length;
		if (ns->dad && opt[0] == ND_OPT_SLLA)
			return NDPR_C_invalid_dad_slla;
		off += opt[1] * 8;
	}

	sum = csum_pseudo(ip6, len);
	if (csum_add_msg(&sum, icmp, end, len) < 0)
		return NDPR_C_invalid_truncated;
	if (csum_fold(sum) != 0xffff)
		return NDPR_C_invalid_checksum;
	return NDPR_C_MAX;
}

/*
 * validate_ns as a global function: the verifier checks it once, on its
 * own, instead of once for every path that leads to it, where its two
 * loops would multiply with every branch of the caller.
 */
__noinline int ndpr_validate(struct xdp_md *ctx, __u32 l3off)
{
	void *data = xdp_data(ctx), *end = xdp_data_end(ctx);
	struct ns_info ns = {};
	struct ipv6hdr *ip6;
	void *icmp;

	if (l3off > ETH_HLEN + VLAN_MAX_DEPTH * VLAN_HLEN)
		return NDPR_C_invalid_truncated;
	ip6 = data + l3off;
	icmp = (void *)(ip6 + 1);
	if (icmp + 4 > end)
		return NDPR_C_invalid_truncated;
	ns.icmp_len = bpf_ntohs(ip6->payload_len);
	ns.dad = addr_is_unspecified(&ip6->saddr);
	return validate_ns(ip6, icmp, end, &ns);
}

/*
 * The NS nearly every router sends: 32 octets, one Source Link-Layer
 * Address option, from a unicast source. When all of §7.1.1 holds for
 * this shape, checked inline with the checksum written out, the global
 * validation is not called; any doubt goes to it, which then names the
 * exact reason. Saves a call and two loops on the common path.
 */
static __always_inline bool ns_common_valid(struct ipv6hdr *ip6, __u8 *icmp,
					    void *end, const struct ns_info *ns)
{
	__u32 *w = (__u32 *)icmp;
	__u64 sum;

	if ((void *)(icmp + NA_LEN) > end)
		return false;
	if (ns->icmp_len != NA_LEN || ns->dad || ip6->hop_limit != 255 ||
	    icmp[1] != 0 || icmp[24] != ND_OPT_SLLA || icmp[25] != 1 ||
	    addr_is_multicast(&ip6->saddr) ||
	    addr_is_multicast((struct in6_addr *)(icmp + 8)))
		return false;
	sum = csum_pseudo(ip6, NA_LEN);
	sum += (__u64)w[0] + w[1] + w[2] + w[3] + w[4] + w[5] + w[6] + w[7];
	return csum_fold(sum) == 0xffff;
}

/*
 * Longest match over the /128 hash and the prefix trie, skipping a map
 * the control plane has left empty: prefix-only hosts pay no hash miss,
 * container-only hosts no trie walk.
 */
static __always_inline struct ndpr_prefix_val *lookup_target(struct in6_addr *t)
{
	struct ndpr_prefix_val *v;
	struct ndpr_prefix_key key;
	struct ndpr_empty *empty;
	__u32 zero = 0;

	empty = bpf_map_lookup_elem(&ndpr_empty, &zero);
	if (!empty || !empty->hosts) {
		v = bpf_map_lookup_elem(&ndpr_hosts, t);
		if (v)
			return v;
	}
	if (empty && empty->prefixes)
		return NULL;
	key.prefixlen = 128;
	__builtin_memcpy(key.addr, t, sizeof(key.addr));
	return bpf_map_lookup_elem(&ndpr_prefixes, &key);
}

/* Byte by byte: a memcpy from the volatile rodata would be folded by clang
 * into the compiled-in default instead of reading what the loader set. */
static __always_inline void copy_cfg_mac(__u8 *dst)
{
	int i;

#pragma unroll
	for (i = 0; i < ETH_ALEN; i++)
		dst[i] = ndpr_cfg.mac[i];
}

static __always_inline __u8 na_flags(const struct ns_info *ns)
{
	__u8 flags = 0;

	if (ndpr_cfg.flags & NDPR_CFG_ROUTER)
		flags |= NA_FLAG_ROUTER;
	/* RFC 4861 §7.2.4: S=0 when answering DAD to all-nodes */
	if (!ns->dad)
		flags |= NA_FLAG_SOLICITED;
	if (ndpr_cfg.override == NDPR_OVERRIDE_ALWAYS ||
	    (ndpr_cfg.override == NDPR_OVERRIDE_MULTICAST && ns->mcast))
		flags |= NA_FLAG_OVERRIDE;
	return flags;
}

/*
 * Rewrites the NS into the NA of RFC 4861 §7.2.4, resized to exactly the
 * headers plus 32 octets. Returns the counter of the outcome.
 */
static __always_inline int write_na(struct xdp_md *ctx, struct ns_info *ns)
{
	void *data = xdp_data(ctx);
	void *end = xdp_data_end(ctx);
	__u32 want = ns->l3off + IPV6_HLEN + NA_LEN;
	struct in6_addr peer;
	struct ipv6hdr *ip6;
	struct ethhdr *eth;
	__u8 *icmp;
	__u8 flags;
	__u64 sum;
	int delta;

	delta = (int)want - (int)(end - data);
	if (delta && bpf_xdp_adjust_tail(ctx, delta))
		return NDPR_C_error_resize;

	data = xdp_data(ctx);
	end = xdp_data_end(ctx);
	if (ns->l3off > ETH_HLEN + VLAN_MAX_DEPTH * VLAN_HLEN)
		return NDPR_C_error_resize;
	eth = data;
	ip6 = data + ns->l3off;
	icmp = (void *)(ip6 + 1);
	if ((void *)(eth + 1) > end || (void *)(icmp + NA_LEN) > end)
		return NDPR_C_error_resize;

	/* Ethernet: back to the asker, or all-nodes for DAD. */
	if (ns->dad) {
		eth->h_dest[0] = 0x33;
		eth->h_dest[1] = 0x33;
		eth->h_dest[2] = 0;
		eth->h_dest[3] = 0;
		eth->h_dest[4] = 0;
		eth->h_dest[5] = 1;
	} else {
		__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	}
	copy_cfg_mac(eth->h_source);

	/* IPv6: from the target itself, the deliberate deviation from
	 * RFC 4861 §4.4 that gets past anti-spoofing filters. */
	if (ns->dad) {
		__builtin_memset(&peer, 0, sizeof(peer));
		peer.in6_u.u6_addr8[0] = 0xff;
		peer.in6_u.u6_addr8[1] = 0x02;
		peer.in6_u.u6_addr8[15] = 0x01;
	} else {
		peer = ip6->saddr;
	}
	*(__u32 *)ip6 = bpf_htonl(0x60000000);
	ip6->payload_len = bpf_htons(NA_LEN);
	ip6->nexthdr = IPPROTO_ICMPV6;
	ip6->hop_limit = ND_HOP_LIMIT;
	__builtin_memcpy(&ip6->saddr, icmp + 8, sizeof(ip6->saddr));
	ip6->daddr = peer;

	/* ICMPv6: type, code, checksum, flags + reserved, target (already in
	 * place), Target Link-Layer Address option. */
	flags = na_flags(ns);
	icmp[0] = ICMPV6_NA;
	icmp[1] = 0;
	icmp[2] = 0;
	icmp[3] = 0;
	icmp[4] = flags;
	icmp[5] = 0;
	icmp[6] = 0;
	icmp[7] = 0;
	icmp[24] = ND_OPT_TLLA;
	icmp[25] = 1;
	copy_cfg_mac(icmp + 26);

	sum = csum_pseudo(ip6, NA_LEN);
	if (csum_add_msg(&sum, icmp, end, NA_LEN) < 0)
		return NDPR_C_error_resize;
	*(__u16 *)(icmp + 2) = ~csum_fold(sum);

	return ns->dad ? NDPR_C_answered_dad : NDPR_C_answered;
}

SEC("xdp")
int ndpresponder(struct xdp_md *ctx)
{
	struct cursor c = {
		.pos = xdp_data(ctx),
		.end = xdp_data_end(ctx),
	};
	struct ndpr_counters *cnt = counters();
	struct ndpr_prefix_val *match;
	struct ns_info ns = {};
	struct ndpr_event ev;
	struct icmp6hdr *icmp;
	bool report;
	__u8 kind;
	struct ipv6hdr *ip6;
	struct ethhdr *eth;
	int outcome;

	if (parse_eth(&c, &eth) != ETH_P_IPV6)
		return count(cnt, NDPR_C_passed_not_ns, XDP_PASS);
	ns.l3off = c.pos - (void *)eth;
	if (!cursor_pull(&c, IPV6_HLEN, &ip6))
		return count(cnt, NDPR_C_invalid_truncated, XDP_PASS);
	/* ICMPv6 directly after IPv6 only: the kernel drops fragmented ND
	 * (RFC 6980), and an NS needs no other extension header. */
	if (ip6->version != 6 || ip6->nexthdr != IPPROTO_ICMPV6)
		return count(cnt, NDPR_C_passed_not_ns, XDP_PASS);
	/* Type, code and checksum: every ICMPv6 message has them. */
	if (!cursor_pull(&c, 4, &icmp))
		return count(cnt, NDPR_C_invalid_truncated, XDP_PASS);
	if (icmp->icmp6_type != ICMPV6_NS)
		return count(cnt, NDPR_C_passed_not_ns, XDP_PASS);

	ns.icmp_len = bpf_ntohs(ip6->payload_len);
	ns.dad = addr_is_unspecified(&ip6->saddr);
	ns.mcast = addr_is_multicast(&ip6->daddr);
	kind = ns.dad ? NDPR_KIND_DAD :
	       ns.mcast ? NDPR_KIND_MULTICAST : NDPR_KIND_UNICAST;
	outcome = ns_common_valid(ip6, (__u8 *)icmp, c.end, &ns) ?
			  NDPR_C_MAX :
			  ndpr_validate(ctx, ns.l3off);
	if (outcome != NDPR_C_MAX) {
		if (outcome >= NDPR_C_invalid_truncated &&
		    outcome <= NDPR_C_invalid_checksum &&
		    event_allowed(cnt)) {
			event_fill(&ev, ctx, eth, ip6, icmp, c.end, kind);
			event_send(&ev, outcome);
		}
		return count(cnt, outcome, XDP_PASS);
	}

	/* Valid implies the target is in the frame; the verifier must see
	 * it here too, the validation being a function of its own. */
	if ((void *)icmp + NS_MIN_LEN > c.end)
		return count(cnt, NDPR_C_invalid_truncated, XDP_PASS);
	match = lookup_target((void *)icmp + 8);
	if (!match)
		return count(cnt, NDPR_C_passed_no_match, XDP_PASS);
	if (match->action != NDPR_ACT_ANSWER)
		return count(cnt, NDPR_C_passed_excluded, XDP_PASS);
	if (ns.dad && !(ndpr_cfg.flags & NDPR_CFG_DAD))
		return count(cnt, NDPR_C_passed_dad_off, XDP_PASS);
	if (!ns.mcast && !ns.dad && !(ndpr_cfg.flags & NDPR_CFG_UNICAST))
		return count(cnt, NDPR_C_passed_unicast_off, XDP_PASS);
	if (match->flags & NDPR_PF_ROUTE_CHECK) {
		outcome = route_check(ctx, (void *)icmp + 8, match->flags);
		if (outcome != NDPR_C_MAX)
			return count(cnt, outcome, XDP_PASS);
	}

	/* The event is taken from the NS before it becomes the NA. */
	report = event_allowed(cnt);
	if (report)
		event_fill(&ev, ctx, eth, ip6, icmp, c.end, kind);
	/* A failed resize leaves the NS as it came: the kernel may have it. */
	outcome = write_na(ctx, &ns);
	if (report)
		event_send(&ev, outcome);
	if (outcome == NDPR_C_error_resize)
		return count(cnt, outcome, XDP_PASS);
	return count(cnt, outcome, XDP_TX);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

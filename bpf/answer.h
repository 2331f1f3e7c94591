/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The rewrite of the NS into the NA (RFC 4861 §7.2.4), in place. */
#ifndef NDPR_ANSWER_H
#define NDPR_ANSWER_H

#include "config.h"
#include "consts.h"
#include "csum.h"
#include "parsing.h"
#include "validate.h"

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

#endif

/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The rewrite of the NS into the NA (RFC 4861 §7.2.4), in place. */
#ifndef NDPR_ANSWER_H
#define NDPR_ANSWER_H

#include "config.h"
#include "consts.h"
#include "csum.h"
#include "nd.h"
#include "parsing.h"
#include "validate.h"
#include "vlan.h"
#include "pieces.h"

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

/* ff02::1 (RFC 4291 §2.7.1) and its MAC 33:33:00:00:00:01 (RFC 2464 §7) */
static __always_inline void set_all_nodes(struct in6_addr *a, __u8 *mac)
{
	__builtin_memset(a, 0, sizeof(*a));
	a->in6_u.u6_addr8[0] = 0xff;
	a->in6_u.u6_addr8[1] = 0x02;
	a->in6_u.u6_addr8[15] = 0x01;
	mac[0] = 0x33;
	mac[1] = 0x33;
	mac[2] = 0;
	mac[3] = 0;
	mac[4] = 0;
	mac[5] = 1;
}

/*
 * The NA's checksum (RFC 4443 §2.3) from what was written, not read back
 * from the frame: the pseudo-header's addresses are the target and peer,
 * the message its header, the target and the option. Reading back words
 * just written octet by octet would stall on store forwarding, and a
 * loop over the frame would check its bounds at every word. The
 * addresses' sum comes from the inline validation when it made it.
 */
static __always_inline __u64 na_csum(const struct ns_info *ns,
				     const struct icmp6hdr *hdr,
				     const struct nd_opt_lladdr *opt,
				     const struct in6_addr *target,
				     const struct in6_addr *peer)
{
	__u64 sum = ns->addr_sum;
	__u32 w[4];

	if (!sum) {
		sum = csum_add_addr(csum_add_addr(0, target), target);
		sum = csum_add_addr(sum, peer);
	}
	__builtin_memcpy(w, hdr, sizeof(*hdr));
	__builtin_memcpy(&w[2], opt, sizeof(*opt));
	return sum + bpf_htonl(NA_LEN) + bpf_htonl(IPPROTO_ICMPV6) + w[0] +
	       w[1] + w[2] + w[3];
}

/*
 * Rewrites the NS into the NA of RFC 4861 §7.2.4, resized to exactly the
 * headers plus the NA with its Target Link-Layer Address option, after
 * the VLAN tag the driver stripped is back (vlan.h). Returns the counter
 * of the outcome.
 */
static __always_inline int write_na(struct xdp_md *ctx, struct ns_info *ns)
{
	struct nd_opt_lladdr tlla = {
		.hdr = { .nd_opt_type = ND_OPT_TLLA,
			 .nd_opt_len = ND_OPT_LLA_UNITS },
	};
	struct icmp6hdr hdr = { .icmp6_type = ICMPV6_NA };
	struct nd_msg_lla *na;
	struct in6_addr peer;
	struct ipv6hdr *ip6;
	struct ethhdr *eth;
	void *data, *end;
	__u32 want;
	int delta;

	delta = restore_rx_vlan(ctx, ns);
	if (delta)
		return delta;
	data = xdp_data(ctx);
	end = xdp_data_end(ctx);
	want = ns->l3off + IPV6_HLEN + NA_LEN;
	delta = (int)want - (int)(end - data);
	if (delta && bpf_xdp_adjust_tail(ctx, delta))
		return NDPR_C_error_resize;

	data = xdp_data(ctx);
	end = xdp_data_end(ctx);
	if (ns->l3off > ETH_HLEN + VLAN_MAX_DEPTH * VLAN_HLEN)
		return NDPR_C_error_resize;
	eth = data;
	ip6 = data + ns->l3off;
	na = (void *)(ip6 + 1);
	if ((void *)(eth + 1) > end || (void *)(na + 1) > end)
		return NDPR_C_error_resize;

	/* The MAC once from .rodata, into the option written below. */
	copy_cfg_mac(tlla.addr);

	/* Ethernet: back to the asker, or all-nodes for DAD (§7.2.4). */
	if (ns->dad)
		set_all_nodes(&peer, eth->h_dest);
	else
		__builtin_memcpy(eth->h_dest, eth->h_source, ETH_ALEN);
	__builtin_memcpy(eth->h_source, tlla.addr, ETH_ALEN);

	/* IPv6: from the target itself, the deliberate deviation from
	 * RFC 4861 §4.4 that gets past anti-spoofing filters. */
	if (!ns->dad)
		peer = ip6->saddr;
	*(__u32 *)ip6 = bpf_htonl(IPV6_VER_TC_FL);
	ip6->payload_len = bpf_htons(NA_LEN);
	ip6->nexthdr = IPPROTO_ICMPV6;
	ip6->hop_limit = ND_HOP_LIMIT;
	__builtin_memcpy(&ip6->saddr, &na->target, sizeof(ip6->saddr));
	ip6->daddr = peer;

	/* ICMPv6: the flags in the first octet of Reserved, the target
	 * already in place, then the Target Link-Layer Address option. */
	hdr.icmp6_dataun.un_data8[0] = na_flags(ns);
	na->icmph = hdr;
	na->opt = tlla;
	if (!NDPR_WITHOUT_NA_CSUM)
		na->icmph.icmp6_cksum = ~csum_fold(
			na_csum(ns, &hdr, &tlla, &na->target, &peer));

	return ns->dad ? NDPR_C_answered_dad : NDPR_C_answered;
}

#endif

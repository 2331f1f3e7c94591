/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Validation of a Neighbor Solicitation (RFC 4861 §7.1.1): the inline
 * check of the common shape, and the global function for everything else.
 */
#ifndef NDPR_VALIDATE_H
#define NDPR_VALIDATE_H

#include "consts.h"
#include "nd.h"
#include "parsing.h"
#include "csum.h"

/* Where the parsed NS lies in the frame. */
struct ns_info {
	__u32 l3off;	/* offset of the IPv6 header */
	__u32 icmp_len; /* IPv6 payload length */
	bool dad;	/* source is :: (RFC 4861 §7.2.4 DAD probe) */
	bool mcast;	/* destination is multicast */
	bool retagged;	/* a stripped VLAN tag was put back (vlan.h) */
	/* The NA's addresses summed (source and target, the target twice:
	 * in the pseudo-header and the message), when the inline check
	 * read them already; 0 when not. */
	__u64 addr_sum;
};

/*
 * RFC 4861 §7.1.1: the checks a node makes before it accepts an NS.
 * Returns NDPR_C_MAX when the NS is valid, else the counter to bump.
 */
static __always_inline int validate_ns(struct ipv6hdr *ip6, struct nd_msg *msg,
				       void *end, struct ns_info *ns)
{
	__u32 len = ns->icmp_len;
	struct nd_opt_hdr *opt;
	__u64 sum;
	__u32 off;
	int i;

	if (ip6->hop_limit != ND_HOP_LIMIT)
		return NDPR_C_invalid_hop_limit;
	if (msg->icmph.icmp6_code != 0)
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
	if ((void *)msg + len > end || (void *)(msg + 1) > end)
		return NDPR_C_invalid_truncated;
	/* A multicast source is never valid (RFC 4291 §2.7); the kernel
	 * drops it in ipv6_rcv too. */
	if (addr_is_multicast(&ip6->saddr))
		return NDPR_C_invalid_source_multicast;
	if (addr_is_multicast(&msg->target))
		return NDPR_C_invalid_target_multicast;
	if (ns->dad && !addr_is_solicited_node(&ip6->daddr))
		return NDPR_C_invalid_dad_destination;

	/* Options: none may have length 0 or run past the message; a DAD
	 * probe carries no Source Link-Layer Address. */
	off = NS_MIN_LEN;
	for (i = 0; i < (NDPR_MAX_ICMP_LEN - NS_MIN_LEN) / ND_OPT_UNIT; i++) {
		if (off >= len)
			break;
		if (off + (__u32)sizeof(*opt) > len)
			return NDPR_C_invalid_option_length;
		opt = (void *)msg + off;
		if ((void *)(opt + 1) > end)
			return NDPR_C_invalid_truncated;
		if (opt->nd_opt_len == 0 ||
		    off + opt->nd_opt_len * ND_OPT_UNIT > len)
			return NDPR_C_invalid_option_length;
		if (ns->dad && opt->nd_opt_type == ND_OPT_SLLA)
			return NDPR_C_invalid_dad_slla;
		off += opt->nd_opt_len * ND_OPT_UNIT;
	}

	sum = csum_pseudo(ip6, len);
	if (csum_add_msg(&sum, msg, end, len) < 0)
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
	struct nd_msg *msg;

	if (l3off > ETH_HLEN + VLAN_MAX_DEPTH * VLAN_HLEN)
		return NDPR_C_invalid_truncated;
	ip6 = data + l3off;
	msg = (void *)(ip6 + 1);
	if ((void *)msg + ICMPV6_HDR_LEN > end)
		return NDPR_C_invalid_truncated;
	ns.icmp_len = bpf_ntohs(ip6->payload_len);
	ns.dad = addr_is_unspecified(&ip6->saddr);
	return validate_ns(ip6, msg, end, &ns);
}

/*
 * The NS nearly every router sends: 32 octets, one Source Link-Layer
 * Address option, from a unicast source. When all of §7.1.1 holds for
 * this shape, checked inline with the checksum written out, the global
 * validation is not called; any doubt goes to it, which then names the
 * exact reason. Saves a call and two loops on the common path. Leaves in
 * ns->addr_sum what the NA's checksum needs of the addresses read here.
 */
static __always_inline bool ns_common_valid(struct ipv6hdr *ip6,
					    struct nd_msg_lla *msg, void *end,
					    struct ns_info *ns)
{
	__u32 *w = (__u32 *)msg; /* the message as checksum words */
	__u64 src, target, sum;

	if ((void *)(msg + 1) > end)
		return false;
	if (ns->icmp_len != NA_LEN || ns->dad ||
	    ip6->hop_limit != ND_HOP_LIMIT || msg->icmph.icmp6_code != 0 ||
	    msg->opt.hdr.nd_opt_type != ND_OPT_SLLA ||
	    msg->opt.hdr.nd_opt_len != ND_OPT_LLA_UNITS ||
	    addr_is_multicast(&ip6->saddr) || addr_is_multicast(&msg->target))
		return false;
	src = csum_add_addr(0, &ip6->saddr);
	target = csum_add_addr(0, &msg->target);
	sum = src + csum_add_addr(0, &ip6->daddr) + bpf_htonl(NA_LEN) +
	      bpf_htonl(IPPROTO_ICMPV6) + target;
	sum += (__u64)w[0] + w[1] + w[6] + w[7];
	if (csum_fold(sum) != 0xffff)
		return false;
	ns->addr_sum = src + 2 * target;
	return true;
}

#endif

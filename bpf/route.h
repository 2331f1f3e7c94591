/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Route-checked answers: the kernel's FIB decides whether this host really
 * forwards the target somewhere other than the uplink, the way a router
 * would route the packets that follow the answer. Route and neighbour
 * changes count at the next solicitation, with no daemon in between.
 */
#ifndef NDPR_ROUTE_H
#define NDPR_ROUTE_H

#include "ndpresponder.h"

#define AF_INET6 10

/* Returns NDPR_C_MAX to answer, else the counter of the refusal. */
static __always_inline int
route_check(struct xdp_md *ctx, const struct in6_addr *target, __u8 flags)
{
	struct bpf_fib_lookup fib = {};
	__u32 uplink = ctx->ingress_ifindex;
	int ret;

	fib.family = AF_INET6;
	fib.l4_protocol = IPPROTO_ICMPV6;
	fib.ifindex = uplink;
	__builtin_memcpy(fib.ipv6_dst, target, sizeof(fib.ipv6_dst));

	ret = bpf_fib_lookup(ctx, &fib, sizeof(fib), 0);
	switch (ret) {
	case BPF_FIB_LKUP_RET_SUCCESS:
		break;
	case BPF_FIB_LKUP_RET_NO_NEIGH:
		if (flags & NDPR_PF_ROUTE_NEIGH)
			return fib.ifindex == uplink ?
				       NDPR_C_passed_route_uplink :
				       NDPR_C_passed_route_no_neigh;
		break;
	/* Local addresses and "no route at all" look the same from here. */
	case BPF_FIB_LKUP_RET_NOT_FWDED:
		return NDPR_C_passed_route_local;
	case BPF_FIB_LKUP_RET_UNREACHABLE:
	case BPF_FIB_LKUP_RET_PROHIBIT:
		return NDPR_C_passed_route_unreachable;
	case BPF_FIB_LKUP_RET_BLACKHOLE:
		return NDPR_C_passed_route_blackhole;
	case BPF_FIB_LKUP_RET_FWD_DISABLED:
		return NDPR_C_passed_route_fwd_off;
	default:
		return NDPR_C_passed_route_other;
	}
	/* Routed back out of the uplink: the target lives on the link. */
	if (fib.ifindex == uplink)
		return NDPR_C_passed_route_uplink;
	return NDPR_C_MAX;
}

#endif

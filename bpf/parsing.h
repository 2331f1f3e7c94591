/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A parse cursor over the packet: every helper checks its header against
 * the end of the data before handing out a pointer (xdp-tools style).
 */
#ifndef NDPR_PARSING_H
#define NDPR_PARSING_H

#include "consts.h"
#include "pieces.h"

/*
 * ctx->data and ctx->data_end read with one load each: left to itself,
 * clang may keep &ctx->data_end in a register across bpf_xdp_adjust_tail,
 * and the verifier refuses a load through a modified ctx pointer.
 */
static __always_inline void *xdp_data(struct xdp_md *ctx)
{
	void *p;

	asm volatile("%0 = *(u32 *)(%1 + 0)" : "=r"(p) : "r"(ctx));
	return p;
}

static __always_inline void *xdp_data_end(struct xdp_md *ctx)
{
	void *p;

	asm volatile("%0 = *(u32 *)(%1 + 4)" : "=r"(p) : "r"(ctx));
	return p;
}

struct cursor {
	void *pos;
	void *end;
};

/*
 * Points *p at the next len bytes and moves past them; false when the
 * packet is shorter. A packet pointer is never compared with NULL: the
 * verifier allows that only with CAP_PERFMON (it could leak pointers).
 */
static __always_inline bool cursor_pull(struct cursor *c, __u32 len, void *p)
{
	if (c->pos + len > c->end)
		return false;
	*(void **)p = c->pos;
	c->pos += len;
	return true;
}

/*
 * Ethernet plus up to VLAN_MAX_DEPTH 802.1Q/802.1ad tags. Returns the inner
 * ethertype in host order, or -1 when the frame ends inside these headers.
 */
static __always_inline int parse_eth(struct cursor *c, struct ethhdr **eth)
{
	struct vlan_hdr *vlan;
	__u16 proto;
	int i;

	if (!cursor_pull(c, ETH_HLEN, eth))
		return -1;
	proto = bpf_ntohs((*eth)->h_proto);

#pragma unroll
	for (i = 0; i < (NDPR_WITHOUT_VLAN ? 0 : VLAN_MAX_DEPTH); i++) {
		if (proto != ETH_P_8021Q && proto != ETH_P_8021AD)
			break;
		if (!cursor_pull(c, VLAN_HLEN, &vlan))
			return -1;
		proto = bpf_ntohs(vlan->h_vlan_encapsulated_proto);
	}
	return proto;
}

static __always_inline int addr_is_unspecified(const struct in6_addr *a)
{
	return !(a->in6_u.u6_addr32[0] | a->in6_u.u6_addr32[1] |
		 a->in6_u.u6_addr32[2] | a->in6_u.u6_addr32[3]);
}

static __always_inline int addr_is_multicast(const struct in6_addr *a)
{
	return a->in6_u.u6_addr8[0] == 0xff;
}

/* ff02::1:ffXX:XXXX, RFC 4291 §2.7.1 */
static __always_inline int addr_is_solicited_node(const struct in6_addr *a)
{
	return a->in6_u.u6_addr32[0] == bpf_htonl(0xff020000) &&
	       a->in6_u.u6_addr32[1] == 0 &&
	       a->in6_u.u6_addr32[2] == bpf_htonl(1) &&
	       a->in6_u.u6_addr8[12] == 0xff;
}

#endif

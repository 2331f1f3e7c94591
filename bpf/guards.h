/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The guards: targets inside an answered entry that are not ours to
 * answer (ndp-rules, "Whose address is it"). The control plane fills
 * ndpr_guards with the uplink's own addresses and its gateways; the
 * program itself records in ndpr_conflicts the addresses another node on
 * the link shows it owns. Both maps are skipped while known empty, so an
 * answer pays for them only where they hold something.
 */
#ifndef NDPR_GUARDS_H
#define NDPR_GUARDS_H

#include "config.h"
#include "consts.h"
#include "csum.h"
#include "lookup.h"
#include "maps.h"
#include "nd.h"
#include "parsing.h"
#include "pieces.h"
#include "validate.h"

#define NSEC_PER_SEC 1000000000ull

/*
 * Whether the answered target t is guarded: the counter to pass it
 * with, or NDPR_C_MAX to answer. e: ndpr_empty, as looked up already.
 */
static __always_inline int guard_check(const struct in6_addr *t,
				       const struct ndpr_empty *e)
{
	struct ndpr_guard *g;

	if (NDPR_WITHOUT_GUARDS)
		return NDPR_C_MAX;
	if (!e || !e->guards) {
		g = bpf_map_lookup_elem(&ndpr_guards, t);
		if (g)
			return g->kind == NDPR_GUARD_GATEWAY ?
				       NDPR_C_passed_gateway :
				       NDPR_C_passed_own_address;
	}
	/* --no-guard conflict: neither recorded nor checked (folded). */
	if ((ndpr_cfg.flags & NDPR_CFG_GUARD_CONFLICT) &&
	    (!e || !e->conflicts) && bpf_map_lookup_elem(&ndpr_conflicts, t))
		return NDPR_C_passed_conflict;
	return NDPR_C_MAX;
}

/* fe80::/10, RFC 4291 §2.5.6 */
static __always_inline bool addr_is_link_local(const struct in6_addr *a)
{
	return a->in6_u.u6_addr8[0] == 0xfe &&
	       (a->in6_u.u6_addr8[1] & 0xc0) == 0x80;
}

static __always_inline bool mac_equal(const __u8 *a, const __u8 *b)
{
	return *(__u32 *)a == *(__u32 *)b &&
	       *(__u16 *)(a + 4) == *(__u16 *)(b + 4);
}

/* Byte by byte from the volatile .rodata, as copy_cfg_mac does. */
static __always_inline bool mac_is_ours(const __u8 *mac)
{
	int i;

#pragma unroll
	for (i = 0; i < ETH_ALEN; i++)
		if (mac[i] != ndpr_cfg.mac[i])
			return false;
	return true;
}

/* RFC 4861 §7.1.2, what a node checks before it believes an NA; the
 * options are not needed here and not checked. */
static __always_inline bool na_valid(struct ipv6hdr *ip6, struct nd_msg *msg,
				     void *end)
{
	__u32 len = bpf_ntohs(ip6->payload_len);
	__u64 sum;

	if (ip6->hop_limit != ND_HOP_LIMIT || msg->icmph.icmp6_code != 0 ||
	    len < NS_MIN_LEN || len > NDPR_MAX_ICMP_LEN ||
	    (void *)msg + len > end || addr_is_multicast(&msg->target))
		return false;
	/* A solicited NA is never sent to a multicast group (§7.1.2). */
	if (addr_is_multicast(&ip6->daddr) &&
	    (msg->icmph.icmp6_dataun.un_data8[0] & NA_FLAG_SOLICITED))
		return false;
	sum = csum_pseudo(ip6, len);
	if (csum_add_msg(&sum, msg, end, len) < 0)
		return false;
	return csum_fold(sum) == 0xffff;
}

/*
 * The node at mac owns addr: recorded when we answer addr, and the map
 * then no longer skipped. A known record only has its time refreshed,
 * at most once a second, so a chatty owner costs no map update.
 */
static __always_inline void conflict_record(const struct in6_addr *addr,
					    const __u8 *mac, __u8 how)
{
	struct ndpr_conflict c = { .how = how }, *old;
	struct ndpr_prefix_val *match;
	struct ndpr_empty *e;
	__u32 zero = 0;
	__u64 now;

	e = bpf_map_lookup_elem(&ndpr_empty, &zero);
	match = lookup_target(addr, e);
	if (!match || match->action != NDPR_ACT_ANSWER)
		return;
	now = bpf_ktime_get_ns();
	old = bpf_map_lookup_elem(&ndpr_conflicts, addr);
	if (old && mac_equal(old->mac, mac)) {
		if (now - old->last_ns > NSEC_PER_SEC)
			old->last_ns = now;
		return;
	}
	__builtin_memcpy(c.mac, mac, ETH_ALEN);
	c.first_ns = c.last_ns = now;
	if (bpf_map_update_elem(&ndpr_conflicts, addr, &c, BPF_ANY))
		return;
	/* After the insert: a writer that set the flag looks again. */
	if (e && e->conflicts)
		e->conflicts = 0;
}

/*
 * An NA for an address, or a (valid) NS sourced from it, from a MAC that
 * is not ours: the sender owns the address. The frame still passes as it
 * came; this only takes note. A global function, verified once on its
 * own; called only for NA and for NS from a unicast, non-link-local
 * source, so other frames never pay for it.
 */
__noinline int ndpr_note_owner(struct xdp_md *ctx, __u32 l3off)
{
	void *data = xdp_data(ctx), *end = xdp_data_end(ctx);
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6;
	struct nd_msg *msg;

	if (l3off > ETH_HLEN + VLAN_MAX_DEPTH * VLAN_HLEN)
		return 0;
	ip6 = data + l3off;
	msg = (void *)(ip6 + 1);
	if ((void *)(eth + 1) > end || (void *)(msg + 1) > end ||
	    mac_is_ours(eth->h_source))
		return 0;
	if (msg->icmph.icmp6_type == ICMPV6_NS) {
		conflict_record(&ip6->saddr, eth->h_source, NDPR_CONFLICT_NS);
		return 0;
	}
	if (msg->icmph.icmp6_type == ICMPV6_NA && na_valid(ip6, msg, end))
		conflict_record(&msg->target, eth->h_source, NDPR_CONFLICT_NA);
	return 0;
}

/* The NS's source is the sender's own address, and may be ours to
 * answer: neither :: (DAD) nor link-local (never answered). */
static __always_inline bool ns_shows_owner(const struct ipv6hdr *ip6,
					   const struct ns_info *ns)
{
	return !NDPR_WITHOUT_GUARDS &&
	       (ndpr_cfg.flags & NDPR_CFG_GUARD_CONFLICT) && !ns->dad &&
	       !addr_is_link_local(&ip6->saddr);
}

#endif

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
#include "nd.h"
#include "parsing.h"
#include "csum.h"
#include "maps.h"
#include "config.h"
#include "events.h"
#include "route.h"
#include "validate.h"
#include "lookup.h"
#include "guards.h"
#include "answer.h"
#include "pieces.h"

/* This CPU's counters: looked up once per packet. */
static __always_inline struct ndpr_counters *counters(struct xdp_md *ctx)
{
	__u32 zero = 0;

	if (NDPR_WITHOUT_COUNTERS) {
		/* Still among the program's maps, by which the loader knows
		 * the link is ours (pins.c): a lookup no packet makes. */
		if (ctx->rx_queue_index == ~0U)
			bpf_map_lookup_elem(&ndpr_counters, &zero);
		return NULL;
	}
	return bpf_map_lookup_elem(&ndpr_counters, &zero);
}

static __always_inline int count(struct ndpr_counters *c, __u32 outcome,
				 int verdict)
{
	/* The mask keeps the bound on the very register used as index. */
	outcome &= 0x3f;
	if (c && outcome < NDPR_C_MAX)
		(*ndpr_counter(c, outcome))++;
	return verdict;
}

/*
 * The one entry point. Long on purpose: its checks stand in the order the
 * packet meets them, each returning its outcome, so that which counter
 * moves for a packet is decided in one place and reads top to bottom.
 */
SEC("xdp")
int ndpresponder(struct xdp_md *ctx)
{
	struct cursor c = {
		.pos = xdp_data(ctx),
		.end = xdp_data_end(ctx),
	};
	struct ndpr_counters *cnt = counters(ctx);
	struct ndpr_prefix_val *match;
	struct ndpr_empty *empty;
	__u32 zero = 0;
	struct ns_info ns = {};
	struct ndpr_event ev;
	struct nd_msg *msg;
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
	if (!cursor_pull(&c, ICMPV6_HDR_LEN, &msg))
		return count(cnt, NDPR_C_invalid_truncated, XDP_PASS);
	if (msg->icmph.icmp6_type != ICMPV6_NS) {
		/* An NA shows who owns its target (RFC 4861 §7.2.5). */
		if (msg->icmph.icmp6_type == ICMPV6_NA &&
		    (ndpr_cfg.flags & NDPR_CFG_GUARD_CONFLICT))
			ndpr_note_owner(ctx, ns.l3off);
		return count(cnt, NDPR_C_passed_not_ns, XDP_PASS);
	}

	ns.icmp_len = bpf_ntohs(ip6->payload_len);
	ns.dad = addr_is_unspecified(&ip6->saddr);
	ns.mcast = addr_is_multicast(&ip6->daddr);
	kind = ns.dad	? NDPR_KIND_DAD :
	       ns.mcast ? NDPR_KIND_MULTICAST :
			  NDPR_KIND_UNICAST;
	empty = bpf_map_lookup_elem(&ndpr_empty, &zero);
	outcome = ns_common_valid(ip6, (struct nd_msg_lla *)msg, c.end, &ns) ?
			  NDPR_C_MAX :
			  ndpr_validate(ctx, ns.l3off);
	if (outcome != NDPR_C_MAX) {
		if (outcome >= NDPR_C_invalid_truncated &&
		    outcome <= NDPR_C_invalid_checksum &&
		    event_allowed(cnt, empty)) {
			event_fill(&ev, ctx, eth, ip6, msg, c.end, kind);
			event_send(&ev, outcome);
		}
		return count(cnt, outcome, XDP_PASS);
	}

	/* Valid implies the target is in the frame; the verifier must see
	 * it here too, the validation being a function of its own. */
	if ((void *)(msg + 1) > c.end)
		return count(cnt, NDPR_C_invalid_truncated, XDP_PASS);
	/* An NS from a unicast address shows its sender owns it (§7.2.3
	 * makes the receiver learn it): noted before the answer. */
	if (ns_shows_owner(ip6, &ns))
		ndpr_note_owner(ctx, ns.l3off);
	match = lookup_target(&msg->target, empty);
	outcome = NDPR_C_passed_no_match;
	if (!match)
		goto passed;
	outcome = NDPR_C_passed_excluded;
	if (match->action != NDPR_ACT_ANSWER)
		goto passed;
	outcome = guard_check(&msg->target, empty);
	if (outcome != NDPR_C_MAX)
		goto passed;
	outcome = NDPR_C_passed_dad_off;
	if (ns.dad && !(ndpr_cfg.flags & NDPR_CFG_DAD))
		goto passed;
	outcome = NDPR_C_passed_unicast_off;
	if (!ns.mcast && !ns.dad && !(ndpr_cfg.flags & NDPR_CFG_UNICAST))
		goto passed;
	if (match->flags & NDPR_PF_ROUTE_CHECK) {
		outcome = route_check(ctx, &msg->target, match->flags);
		if (outcome != NDPR_C_MAX)
			goto passed;
	}

	/* The event is taken from the NS before it becomes the NA. */
	report = event_allowed(cnt, empty);
	if (report)
		event_fill(&ev, ctx, eth, ip6, msg, c.end, kind);
	/* A failed resize leaves the NS as it came: the kernel may have it,
	 * unless a tag was put back into the frame while the driver's
	 * metadata still holds it (the kernel would see it twice). */
	outcome = write_na(ctx, &ns);
	if (report)
		event_send(&ev, outcome);
	if (outcome == NDPR_C_answered || outcome == NDPR_C_answered_dad)
		return count(cnt, outcome, XDP_TX);
	return count(cnt, outcome, ns.retagged ? XDP_DROP : XDP_PASS);

passed:
	/* A valid NS not answered, and why: for monitor --all. */
	if (passed_allowed(cnt, empty)) {
		event_fill(&ev, ctx, eth, ip6, msg, c.end, kind);
		ev.outcome = outcome;
		bpf_ringbuf_output(&ndpr_monitor, &ev, sizeof(ev), 0);
	}
	return count(cnt, outcome, XDP_PASS);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Reports answers and invalid solicitations to userspace through two ring
 * buffers (the service's log and `monitor`). Per-CPU tokens, refilled by
 * the readers once a second, bound the rate: an event costs the program one
 * array lookup and no clock read, and the log a bounded number of
 * lines; what the limit refuses is counted.
 */
#ifndef NDPR_EVENTS_H
#define NDPR_EVENTS_H

#include "maps.h"
#include "nd.h"
#include "pieces.h"

/* Whether this CPU may report one more event now; c: its counters. */
static __always_inline bool event_allowed(struct ndpr_counters *c)
{
	__u64 *tokens;
	__u32 zero = 0;

	/* Events configured off: folded away at load. */
	if (NDPR_WITHOUT_EVENTS || !ndpr_cfg.events_per_cpu)
		return false;
	tokens = bpf_map_lookup_elem(&ndpr_evtokens, &zero);
	if (!tokens)
		return false;
	if (*tokens) {
		(*tokens)--;
		return true;
	}
	if (c)
		c->events_suppressed++;
	return false;
}

/* Fills ev from the NS still in the frame: before the rewrite. */
static __always_inline void event_fill(struct ndpr_event *ev,
				       struct xdp_md *ctx, struct ethhdr *eth,
				       struct ipv6hdr *ip6, struct nd_msg *msg,
				       void *end, __u8 kind)
{
	__builtin_memset(ev, 0, sizeof(*ev));
	ev->ts_ns = bpf_ktime_get_ns();
	ev->ifindex = ctx->ingress_ifindex;
	ev->kind = kind;
	__builtin_memcpy(ev->mac, eth->h_source, sizeof(ev->mac));
	__builtin_memcpy(ev->source, &ip6->saddr, sizeof(ev->source));
	if ((void *)(msg + 1) <= end)
		__builtin_memcpy(ev->target, &msg->target, sizeof(ev->target));
}

static __always_inline void event_send(struct ndpr_event *ev, __u8 outcome)
{
	ev->outcome = outcome;
	bpf_ringbuf_output(&ndpr_events, ev, sizeof(*ev), 0);
	bpf_ringbuf_output(&ndpr_monitor, ev, sizeof(*ev), 0);
}

#endif

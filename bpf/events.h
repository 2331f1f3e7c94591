/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Reports answers and invalid solicitations to userspace through two ring
 * buffers (the service's log and `monitor`). A per-CPU one-second window
 * bounds the rate, so a flood costs the program one map lookup per NS and
 * the log a bounded number of lines; what the window refuses is counted.
 */
#ifndef NDPR_EVENTS_H
#define NDPR_EVENTS_H

#include "maps.h"

#define NSEC_PER_SEC 1000000000ULL

/* Whether this CPU may report one more event now. */
static __always_inline bool event_allowed(__u32 per_cpu)
{
	struct ndpr_evlimit *l;
	__u32 zero = 0;
	__u64 now;

	if (!per_cpu)
		return false;
	l = bpf_map_lookup_elem(&ndpr_evlimit, &zero);
	if (!l)
		return false;
	now = bpf_ktime_get_ns();
	if (now - l->window_ns >= NSEC_PER_SEC) {
		l->window_ns = now;
		l->sent = 0;
	}
	if (l->sent >= per_cpu) {
		l->suppressed++;
		return false;
	}
	l->sent++;
	return true;
}

/* Fills ev from the NS still in the frame: before the rewrite. */
static __always_inline void event_fill(struct ndpr_event *ev,
				       struct xdp_md *ctx, struct ethhdr *eth,
				       struct ipv6hdr *ip6, void *icmp,
				       void *end, __u8 kind)
{
	ev->ts_ns = bpf_ktime_get_ns();
	ev->ifindex = ctx->ingress_ifindex;
	ev->kind = kind;
	__builtin_memcpy(ev->mac, eth->h_source, sizeof(ev->mac));
	__builtin_memcpy(ev->source, &ip6->saddr, sizeof(ev->source));
	if (icmp + NS_MIN_LEN <= end)
		__builtin_memcpy(ev->target, icmp + 8, sizeof(ev->target));
}

static __always_inline void event_send(struct ndpr_event *ev, __u8 outcome)
{
	ev->outcome = outcome;
	bpf_ringbuf_output(&ndpr_events, ev, sizeof(*ev), 0);
	bpf_ringbuf_output(&ndpr_monitor, ev, sizeof(*ev), 0);
}

#endif

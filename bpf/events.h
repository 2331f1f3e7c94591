/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Reports answers and invalid solicitations to userspace through two ring
 * buffers (the service's log and `monitor`), and passed ones to monitor's
 * while a `monitor --all` asks for them. Per-CPU tokens, given at each
 * refill of the readers once a second, bound the rate: they live in the
 * CPU's counters and the refill's generation in ndpr_empty, which an
 * answer reads anyway, so the limit costs it no map lookup, no cache
 * line and no clock read, and the log a bounded number of lines; what
 * the limit refuses while a reader is there is counted.
 */
#ifndef NDPR_EVENTS_H
#define NDPR_EVENTS_H

#include "maps.h"
#include "nd.h"
#include "pieces.h"

/*
 * This CPU's tokens for the readers' refill generation: given anew at
 * the first event after a refill (include/ndpresponder.h). The refusals
 * since the last refill count as suppressed when this one follows it in
 * the same session; either way they start again from 0.
 */
static __always_inline void tokens_refill(struct ndpr_counters *c,
					  const struct ndpr_empty *e)
{
	__u64 gen = e->events_gen;

	if (gen == c->events_gen)
		return;
	if (ndpr_gen_follows(gen, c->events_gen))
		c->events_suppressed += c->events_refused;
	c->events_refused = 0;
	c->events_gen = gen;
	c->events_tokens = e->events_per_cpu;
	c->passed_tokens = e->events_per_cpu;
}

/* Takes one of the tokens left: whether there was one. */
static __always_inline bool token_take(__u64 *tokens)
{
	if (!*tokens)
		return false;
	(*tokens)--;
	return true;
}

/* Whether this CPU may report one more event now; c: its counters, e:
 * ndpr_empty, where the readers advance the refill generation. */
static __always_inline bool event_allowed(struct ndpr_counters *c,
					  const struct ndpr_empty *e)
{
	/* Events configured off: folded away at load. */
	if (NDPR_WITHOUT_EVENTS || !ndpr_cfg.events_per_cpu || !c || !e)
		return false;
	tokens_refill(c, e);
	if (token_take(&c->events_tokens))
		return true;
	c->events_refused++;
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

/*
 * Whether a monitor --all wants passed NS now, and this CPU may report one
 * more. Passed NS are frequent (a scan of the /64): while none runs, this
 * costs them one load of what they have already looked up. The clock is
 * read only while one runs, or once after it went away. Passed events go
 * to monitor's ring only, with tokens of their own.
 */
static __always_inline bool passed_allowed(struct ndpr_counters *c,
					   struct ndpr_empty *empty)
{
	__u64 until;

	if (NDPR_WITHOUT_EVENTS || !ndpr_cfg.events_per_cpu || !c || !empty)
		return false;
	until = empty->passed_until;
	if (!until)
		return false;
	if (bpf_ktime_get_ns() > until) {
		/* Its reader went away, killed maybe: passed NS are free
		 * again. A monitor that renews it meanwhile does so again
		 * within a second. */
		empty->passed_until = 0;
		return false;
	}
	tokens_refill(c, empty);
	if (token_take(&c->passed_tokens))
		return true;
	/* The clock showed its reader is there: counted at once. */
	c->events_suppressed++;
	return false;
}

#endif

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * doctor --probe: an echo request from a container's address to the
 * gateway, sent raw out of the uplink (the running responder and the
 * containers are left alone), and where the chain broke: the router
 * must solicit the address, the responder answer, the hypervisor pass
 * the answer, the router route the reply back.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "doctor.h"
#include "events.h"
#include "iface.h"
#include "ndpresponder.h"
#include "pins.h"
#include "probe.h"

#define PROBE_MS 4000

/*
 * What the responder answered while probing: the answers in the monitor
 * ring (each names its target) for the probe's address. Precise unless
 * events went missing: the rate limit refused some, or another reader
 * (a `monitor`) took them; then only the total counter is known.
 */
struct watch {
	struct event_reader r;
	bool open;
	struct in6_addr addr;
	__u64 for_addr, all; /* answer events seen */
	struct ndpr_counters before;
};

static bool is_answer(unsigned int outcome)
{
	return outcome == NDPR_C_answered || outcome == NDPR_C_answered_dad;
}

static __u64 answers(const struct ndpr_counters *s)
{
	return ndpr_counter_val(s, NDPR_C_answered) +
	       ndpr_counter_val(s, NDPR_C_answered_dad);
}

static void watch_event(void *arg, const struct ndpr_event *ev)
{
	struct watch *w = arg;

	if (!is_answer(ev->outcome))
		return;
	w->all++;
	if (!memcmp(ev->target, &w->addr, sizeof(w->addr)))
		w->for_addr++;
}

/* Each second of the probe: the ring read, the tokens given again. */
static void watch_tick(void *arg)
{
	struct watch *w = arg;

	if (!w->open)
		return;
	event_reader_drain(&w->r);
	event_reader_refill(&w->r);
}

static void watch_start(struct doc_ctx *c, struct watch *w,
			const struct in6_addr *addr)
{
	struct pin_dir pd;

	memset(w, 0, sizeof(*w));
	w->addr = *addr;
	/* Events configured off (--log-rate 0): the counter alone. */
	w->open = c->attached && !pin_dir_init(&pd, c->ifname, 0) &&
		  !event_reader_open(&w->r, &pd, c->ifname, NDPR_PIN(monitor),
				     NULL);
	if (w->open && !w->r.per_cpu) {
		event_reader_close(&w->r);
		w->open = false;
	}
	if (w->open) {
		w->r.sink = watch_event;
		w->r.sink_arg = w;
		event_reader_drain(&w->r); /* what the ring held: stale */
	}
	if (doc_counters(c->ifname, &w->before))
		memset(&w->before, 0, sizeof(w->before));
}

/* The answers for addr, or (*precise false) all answers: either way
 * those of the probe's time. */
static __u64 watch_end(struct doc_ctx *c, struct watch *w, bool *precise)
{
	struct ndpr_counters after;
	__u64 total;

	if (doc_counters(c->ifname, &after))
		after = w->before;
	total = answers(&after) - answers(&w->before);
	/* After the counters: every answer they count is in the ring. */
	watch_tick(w);
	*precise = w->open && w->all >= total &&
		   after.events_suppressed == w->before.events_suppressed;
	if (w->open)
		event_reader_close(&w->r);
	return *precise ? w->for_addr : total;
}

/* Why no reply came, from what was seen on the way. */
static void broke(struct doc_ctx *c, const char *path, bool ns, __u64 ans,
		  bool precise, const char *src)
{
	struct doc_result *r;

	if (ans) {
		r = doc_add(c, "probe", DOC_FAIL,
			    "%s: solicited and answered (%llu answers %s %s) "
			    "but no reply: the answer or the reply was "
			    "dropped upstream",
			    path, (unsigned long long)ans,
			    precise ? "for" :
				      "in all, the event ring lost "
				      "which were for",
			    src);
		doc_fix(r,
			"ask the provider whether the hypervisor drops "
			"Neighbor Advertisements from %s (anti-spoofing "
			"rules); capture on %s: tcpdump -ni %s icmp6",
			src, c->ifname, c->ifname);
	} else if (ns) {
		r = doc_add(c, "probe", DOC_FAIL,
			    "%s: the router solicited %s but nothing answered",
			    path, src);
		doc_fix(r,
			"ndpresponder prefix list %s must hold %s; "
			"ndpresponder stats %s says which guard passed it",
			c->ifname, src, c->ifname);
	} else {
		r = doc_add(c, "probe", DOC_FAIL,
			    "%s: no solicitation for %s arrived and no reply: "
			    "the router never asked (it does not see %s as "
			    "on-link, or a filter before the host drops it)",
			    path, src, src);
		doc_fix(r,
			"check that %s is inside the on-link prefix the "
			"provider gave, and ask whether it is routed to "
			"this host instead",
			src);
	}
}

void doc_probe(struct doc_ctx *c, const struct in6_addr *src,
	       const struct in6_addr *dst)
{
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN], path[128];
	struct probe_req rq = { .ifindex = c->ifindex, .timeout_ms = PROBE_MS };
	struct probe_seen seen;
	struct watch w;
	bool precise;
	__u64 ans;
	int ret;

	doc_addr(src, s);
	if (!dst && !c->have_gw) {
		doc_add(c, "probe", DOC_SKIP,
			"not run: no gateway to send "
			"to (give --probe-to DEST)");
		return;
	}
	if (!c->gw_mac_ok || iface_mac(c->ifname, rq.smac)) {
		doc_add(c, "probe", DOC_SKIP,
			"not run: the gateway's MAC is "
			"not known (see gateway-neighbour)");
		return;
	}
	memcpy(rq.dmac, c->gw_mac, sizeof(rq.dmac));
	rq.src = *src;
	rq.dst = dst ? *dst : c->gw;
	snprintf(path, sizeof(path), "echo %s -> %s", s, doc_addr(&rq.dst, d));
	watch_start(c, &w, src);
	rq.each_echo = watch_tick;
	rq.arg = &w;
	ret = probe_echo(&rq, &seen);
	ans = watch_end(c, &w, &precise);
	if (ret) {
		doc_add(c, "probe", DOC_SKIP, "not run: %s", strerror(-ret));
		return;
	}
	if (seen.reply) {
		doc_add(c, "probe", DOC_OK, "%s: replied (%d sent)", path,
			seen.sent);
		return;
	}
	broke(c, path, seen.ns, ans, precise, s);
}

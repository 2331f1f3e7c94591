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
#include "iface.h"
#include "ndpresponder.h"
#include "probe.h"

#define PROBE_MS 4000

static void answered_now(const char *ifname, __u64 *n)
{
	struct ndpr_counters s;

	*n = doc_counters(ifname, &s) ? 0 :
					ndpr_counter_val(&s, NDPR_C_answered);
}

/* Why no reply came, from what was seen on the way. */
static void broke(struct doc_ctx *c, const char *path, bool ns, __u64 ans,
		  const char *src)
{
	struct doc_result *r;

	if (ans) {
		r = doc_add(c, "probe", DOC_FAIL,
			    "%s: solicited and answered (%llu answers) but no "
			    "reply: the answer or the reply was dropped "
			    "upstream",
			    path, (unsigned long long)ans);
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
	__u64 before = 0, after = 0;
	struct probe_seen seen;
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
	answered_now(c->ifname, &before);
	ret = probe_echo(&rq, &seen);
	if (ret) {
		doc_add(c, "probe", DOC_SKIP, "not run: %s", strerror(-ret));
		return;
	}
	answered_now(c->ifname, &after);
	if (seen.reply) {
		doc_add(c, "probe", DOC_OK, "%s: replied (%d sent)", path,
			seen.sent);
		return;
	}
	broke(c, path, seen.ns, after - before, s);
}

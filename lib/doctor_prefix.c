// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* doctor: each answered prefix is routed to the containers, and claims
 * neither the host's own addresses nor the gateway. */
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "doctor.h"
#include "ndpresponder.h"
#include "netlink.h"

#define MAX_ADDRS 32

/* An address inside p to ask the FIB about: p itself for a /128. */
static struct in6_addr sample(const struct prefix *p)
{
	struct in6_addr a = p->addr;

	if (p->len < 128)
		a.s6_addr[15] |= 1;
	return a;
}

static void check_route(struct doc_ctx *c, struct doc_prefix *dp,
			const char *name, const char *ps)
{
	struct in6_addr a = sample(&dp->p);
	char dev[IF_NAMESIZE];
	struct nl_route_info ri;
	struct doc_result *r;
	int ret = nl_route_get(&a, &ri);

	if (!ret && ri.type == RTN_UNICAST && ri.oif && ri.oif != c->ifindex) {
		dp->route_oif = ri.oif;
		doc_add(c, name, DOC_OK, "%s%s%s routed out of %s", ps,
			dp->origin[0] ? " from " : "", dp->origin,
			doc_ifname(ri.oif, dev));
		return;
	}
	if (!ret && ri.type == RTN_LOCAL)
		r = doc_add(c, name, DOC_FAIL, "%s is the host's own address",
			    ps);
	else if (!ret && ri.type == RTN_UNICAST)
		r = doc_add(c, name, DOC_FAIL,
			    "%s is routed back out of %s: the host sends the "
			    "containers' traffic back to the router",
			    ps, c->ifname);
	else
		r = doc_add(c, name, DOC_FAIL, "%s has no route (%s)", ps,
			    ret ? "none" : "unreachable or blackhole");
	doc_fix(r,
		"ip -6 route replace %s dev BRIDGE (the containers' "
		"bridge; Docker adds it for a network created with "
		"--ipv6 --subnet %s)",
		ps, ps);
}

static bool excluded(const struct doc_ctx *c, const struct in6_addr *a)
{
	for (int i = 0; i < c->nprefixes; i++)
		if (c->prefixes[i].p.action == NDPR_ACT_EXCLUDE &&
		    doc_in_prefix(a, &c->prefixes[i].p))
			return true;
	return false;
}

/* The gateway or a host address inside an answered prefix: answering
 * for the router's address takes it away from its owner (ndp-rules). */
static void check_overlap(struct doc_ctx *c, const struct doc_prefix *dp,
			  const char *name, const char *ps)
{
	struct nl_addr6 a[MAX_ADDRS];
	char buf[INET6_ADDRSTRLEN];
	struct doc_result *r;
	int n = nl_addrs6(c->ifindex, a, MAX_ADDRS);

	if (c->have_gw && doc_in_prefix(&c->gw, &dp->p) &&
	    !excluded(c, &c->gw)) {
		r = doc_add(c, name, DOC_FAIL,
			    "%s holds the gateway %s: the "
			    "responder would answer for the router",
			    ps, doc_addr(&c->gw, buf));
		doc_fix(r, "ndpresponder prefix add %s %s --exclude", c->ifname,
			buf);
		return;
	}
	for (int i = 0; i < n; i++) {
		if (a[i].scope != RT_SCOPE_UNIVERSE ||
		    !doc_in_prefix(&a[i].addr, &dp->p) ||
		    excluded(c, &a[i].addr))
			continue;
		r = doc_add(c, name, DOC_WARN, "%s holds the host's own %s", ps,
			    doc_addr(&a[i].addr, buf));
		doc_fix(r, "ndpresponder prefix add %s %s --exclude", c->ifname,
			buf);
		return;
	}
	doc_add(c, name, DOC_OK,
		"%s holds neither the gateway nor the "
		"host's addresses",
		ps);
}

void doc_check_prefixes(struct doc_ctx *c)
{
	char ps[64], name[96];
	struct doc_result *r;
	int answered = 0;

	for (int i = 0; i < c->nprefixes; i++) {
		struct doc_prefix *dp = &c->prefixes[i];

		if (dp->p.action == NDPR_ACT_EXCLUDE)
			continue;
		answered++;
		prefix_format(&dp->p, ps, sizeof(ps));
		snprintf(name, sizeof(name), "route %s", ps);
		check_route(c, dp, name, ps);
		snprintf(name, sizeof(name), "overlap %s", ps);
		check_overlap(c, dp, name, ps);
	}
	if (answered)
		return;
	r = doc_add(c, "prefixes", DOC_FAIL,
		    "no prefix to answer (none "
		    "given, none attached)");
	doc_fix(r,
		"ndpresponder attach %s PREFIX (the containers' "
		"addresses), or name them: ndpresponder doctor %s PREFIX",
		c->ifname, c->ifname);
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* doctor: forwarding sysctls, the default route, the prefixes' routes. */
#include <errno.h>
#include <net/if.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>

#include "doctor.h"
#include "iface.h"
#include "netlink.h"
#include "sysctl.h"

#define SYSCTL_FILE "/etc/sysctl.d/90-ndpresponder.conf"

/* One sysctl that must be 1; its value, or -1 when unreadable. */
static int check_forwarding(struct doc_ctx *c, const char *dev)
{
	struct doc_result *r;
	char name[64];
	int v;

	snprintf(name, sizeof(name), "forwarding-%s", dev);
	if (sysctl_ipv6_conf(dev, "forwarding", &v)) {
		doc_add(c, name, DOC_SKIP,
			"not checked: no "
			"net.ipv6.conf.%s.forwarding",
			dev);
		return -1;
	}
	if (v) {
		doc_add(c, name, DOC_OK, "net.ipv6.conf.%s.forwarding = %d",
			dev, v);
		return v;
	}
	r = doc_add(c, name, DOC_FAIL,
		    "net.ipv6.conf.%s.forwarding = 0: the "
		    "host does not forward the containers' traffic",
		    dev);
	doc_fix(r,
		"sysctl -w net.ipv6.conf.%s.forwarding=1, and the line "
		"'net.ipv6.conf.%s.forwarding = 1' in " SYSCTL_FILE,
		dev, dev);
	return 0;
}

void doc_check_sysctl(struct doc_ctx *c)
{
	struct nl_route_info def;
	struct doc_result *r;
	int fwd, ra, proxy;
	bool from_ra;

	check_forwarding(c, "all");
	fwd = check_forwarding(c, c->ifname);
	from_ra = !nl_default_route(&def) && def.protocol == RTPROT_RA &&
		  def.oif == c->ifindex;
	if (sysctl_ipv6_conf(c->ifname, "accept_ra", &ra)) {
		doc_add(c, "accept_ra", DOC_SKIP, "not checked: unreadable");
	} else if (fwd == 1 && ra != 2 && from_ra) {
		/* A router ignores RAs unless accept_ra is 2 (ip-sysctl). */
		r = doc_add(c, "accept_ra", DOC_FAIL,
			    "net.ipv6.conf.%s.accept_ra = %d with forwarding "
			    "on, and the default route comes from router "
			    "advertisements: it expires and is not renewed",
			    c->ifname, ra);
		doc_fix(r,
			"sysctl -w net.ipv6.conf.%s.accept_ra=2, and the "
			"line 'net.ipv6.conf.%s.accept_ra = 2' in " SYSCTL_FILE,
			c->ifname, c->ifname);
	} else {
		doc_add(c, "accept_ra", DOC_OK, "%d (default route %s)", ra,
			from_ra ? "from RAs" : "not from RAs");
	}
	if (sysctl_ipv6_conf(c->ifname, "proxy_ndp", &proxy)) {
		doc_add(c, "proxy_ndp", DOC_SKIP, "not checked: unreadable");
	} else if (proxy) {
		r = doc_add(c, "proxy_ndp", DOC_WARN,
			    "on: the kernel also answers its proxy entries, "
			    "from a link-local source hypervisors drop");
		doc_fix(r,
			"sysctl -w net.ipv6.conf.%s.proxy_ndp=0, and 'ip "
			"-6 neigh del proxy ADDR dev %s' for each entry",
			c->ifname, c->ifname);
	} else {
		doc_add(c, "proxy_ndp", DOC_OK, "off");
	}
}

static void check_gw_neigh(struct doc_ctx *c, const char *gw)
{
	struct doc_result *r;
	uint16_t st;
	char mac[18];

	if (nl_neigh_get(c->ifindex, &c->gw, &st, c->gw_mac) ||
	    (st & (NUD_FAILED | NUD_INCOMPLETE | NUD_NONE))) {
		r = doc_add(c, "gateway-neighbour", DOC_FAIL,
			    "%s unresolved: the host cannot send to its "
			    "router (a hypervisor dropping the host's "
			    "link-local solicitations does this)",
			    gw);
		doc_fix(r,
			"ip -6 neigh replace %s lladdr ROUTER_MAC dev %s "
			"nud permanent (the MAC from the provider), or "
			"run with --pin-gateway once it resolves",
			gw, c->ifname);
		return;
	}
	c->gw_mac_ok = true;
	mac_format(c->gw_mac, mac, sizeof(mac));
	if (st & (NUD_PERMANENT | NUD_NOARP)) {
		doc_add(c, "gateway-neighbour", DOC_OK, "%s is %s, pinned", gw,
			mac);
		return;
	}
	r = doc_add(c, "gateway-neighbour", DOC_WARN,
		    "%s is %s, not pinned: each re-resolution is an NS from "
		    "the host, from a link-local source",
		    gw, mac);
	doc_fix(r,
		"ndpresponder run --pin-gateway, or ip -6 neigh replace "
		"%s lladdr %s dev %s nud noarp",
		gw, mac, c->ifname);
}

void doc_check_gateway(struct doc_ctx *c)
{
	struct nl_route_info def;
	char gw[INET6_ADDRSTRLEN], dev[IF_NAMESIZE];
	struct doc_result *r;

	if (nl_default_route(&def)) {
		r = doc_add(c, "default-route", DOC_FAIL,
			    "no IPv6 default "
			    "route");
		doc_fix(r,
			"ip -6 route add default via GATEWAY dev %s (the "
			"provider's), or accept_ra=2 to take it from RAs",
			c->ifname);
		return;
	}
	if (def.oif != c->ifindex || !def.has_gw) {
		r = doc_add(c, "default-route", DOC_FAIL,
			    "the default route is %s %s, not via a gateway "
			    "on %s",
			    def.has_gw ? "via" : "a device route",
			    doc_ifname(def.oif, dev), c->ifname);
		doc_fix(r, "ip -6 route replace default via GATEWAY dev %s",
			c->ifname);
		return;
	}
	c->have_gw = true;
	c->gw = def.gw;
	doc_add(c, "default-route", DOC_OK, "via %s dev %s%s",
		doc_addr(&c->gw, gw), c->ifname,
		def.protocol == RTPROT_RA ? " (from RAs)" : "");
	check_gw_neigh(c, gw);
}

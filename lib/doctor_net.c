// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* doctor: the uplink, its sysctls, the default route, the prefixes. */
#include <errno.h>
#include <linux/if.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "doctor.h"
#include "netlink.h"
#include "pins.h"
#include "responder.h"
#include "rx_meta.h"
#include "rx_vlan.h"

#define MAX_ADDRS 32

/*
 * Whether answers keep their solicitation's VLAN (README: Kernel
 * support), from what the live program does: an in-frame responder
 * counts on a device that strips no tags; one that began to since
 * (ethtool -K) gets tagged solicitations untagged, and the answers
 * would leave on the native VLAN.
 */
static void check_vlan(struct doc_ctx *c, int link_fd)
{
	struct ndpr_config cfg;
	bool may_strip = true;
	struct doc_result *r;
	enum ndpr_vlan live;
	__u8 mode;

	if (responder_live(link_fd, &cfg, &mode)) {
		doc_add(c, "vlan-tags", DOC_SKIP,
			"not checked: the live program's options unreadable");
		return;
	}
	live = rx_vlan_live(&cfg, mode);
	if (live == NDPR_VLAN_IN_FRAME)
		iface_may_strip_vlan(c->ifname, &may_strip);
	if (live != NDPR_VLAN_IN_FRAME || !may_strip) {
		doc_add(c, "vlan-tags", DOC_OK, "%s (answers keep the VLAN)",
			vlan_name(live));
		return;
	}
	r = doc_add(c, "vlan-tags", DOC_FAIL,
		    "in-frame, but %s now strips VLAN tags: tagged "
		    "solicitations reach XDP untagged and are answered on "
		    "the native VLAN",
		    c->ifname);
	doc_fix(r,
		"ethtool -K %s rx-vlan-offload off rx-vlan-stag-hw-parse "
		"off, or ndpresponder detach %s and attach again (auto "
		"picks generic)",
		c->ifname, c->ifname);
}

/* The XDP program on the uplink, and whether it is the responder's. */
static void check_xdp(struct doc_ctx *c)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct doc_result *r;
	struct pin_dir pd;
	__u32 ours = 0;
	int fd = -1;

	if (bpf_xdp_query(c->ifindex, 0, &q)) {
		doc_add(c, "xdp", DOC_SKIP,
			"not checked: cannot query XDP "
			"on %s",
			c->ifname);
		return;
	}
	if (!pin_dir_init(&pd, c->ifname, 0) &&
	    (fd = pin_open_link(&pd)) >= 0 &&
	    responder_link_ifindex(fd, &ours) != c->ifindex)
		ours = 0;
	c->attached = ours && ours == q.prog_id;
	if (!q.prog_id) {
		doc_add(c, "xdp", DOC_OK, "no XDP program on %s", c->ifname);
	} else if (c->attached) {
		doc_add(c, "xdp", DOC_OK, "the responder (program %u), %s mode",
			q.prog_id, mode_name(q.attach_mode));
		check_vlan(c, fd);
	} else {
		r = doc_add(c, "xdp", DOC_FAIL,
			    "another XDP program (id %u) holds %s: it sees "
			    "the solicitations first",
			    q.prog_id, c->ifname);
		doc_fix(r,
			"find its owner (bpftool net show dev %s), remove "
			"it (ip link set %s xdp off), then ndpresponder "
			"attach %s",
			c->ifname, c->ifname, c->ifname);
	}
	if (fd >= 0)
		close(fd);
}

static void check_addrs(struct doc_ctx *c)
{
	struct nl_addr6 a[MAX_ADDRS];
	char list[256] = "", buf[INET6_ADDRSTRLEN];
	struct doc_result *r;
	int n = nl_addrs6(c->ifindex, a, MAX_ADDRS);

	for (int i = 0; i < n; i++)
		if (a[i].scope == RT_SCOPE_UNIVERSE)
			snprintf(list + strlen(list),
				 sizeof(list) - strlen(list), "%s%s/%u",
				 list[0] ? ", " : "", doc_addr(&a[i].addr, buf),
				 a[i].prefixlen);
	if (n < 0) {
		doc_add(c, "addresses", DOC_SKIP, "not checked: %s",
			strerror(-n));
	} else if (list[0]) {
		doc_add(c, "addresses", DOC_OK,
			"global: %s (their prefixes "
			"are on-link)",
			list);
	} else {
		r = doc_add(c, "addresses", DOC_WARN,
			    "no global address on %s: the host's own IPv6 "
			    "(and router advertisements) are missing",
			    c->ifname);
		doc_fix(r,
			"ip -6 addr add ADDR/64 dev %s (the VPS's "
			"address), or accept_ra=2 for SLAAC",
			c->ifname);
	}
}

void doc_check_uplink(struct doc_ctx *c)
{
	unsigned int flags, mtu;
	struct doc_result *r;

	if (!c->ifindex || nl_link_info(c->ifindex, &flags, &mtu)) {
		r = doc_add(c, "uplink", DOC_FAIL, "no interface %s",
			    c->ifname);
		doc_fix(r, "name the uplink: the dev of 'ip -6 route show "
			   "default'");
		return;
	}
	if (!(flags & IFF_UP) || !(flags & IFF_LOWER_UP)) {
		r = doc_add(c, "uplink", DOC_FAIL, "%s is %s", c->ifname,
			    flags & IFF_UP ? "up without carrier" : "down");
		doc_fix(r,
			"ip link set %s up (and check the cable or the "
			"hypervisor's port)",
			c->ifname);
	} else if (mtu < 1280) {
		r = doc_add(c, "uplink", DOC_FAIL,
			    "%s: MTU %u, below IPv6's "
			    "1280",
			    c->ifname, mtu);
		doc_fix(r, "ip link set %s mtu 1500", c->ifname);
	} else {
		doc_add(c, "uplink", DOC_OK, "%s up, MTU %u", c->ifname, mtu);
	}
	check_addrs(c);
	check_xdp(c);
	/* NICs filter solicited-node groups nobody joined (ndp-rules). */
	if (flags & IFF_ALLMULTI) {
		doc_add(c, "all-multicast", DOC_OK, "on");
	} else {
		r = doc_add(c, "all-multicast",
			    c->attached ? DOC_FAIL : DOC_WARN,
			    "off: the NIC may drop solicitations to "
			    "solicited-node groups nobody joined");
		doc_fix(r, "ip link set %s allmulticast on (attach does it)",
			c->ifname);
	}
}

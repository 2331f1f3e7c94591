// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* doctor: the uplink, its sysctls, the default route, the prefixes. */
#include <errno.h>
#include <linux/ethtool.h>
#include <linux/if.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "doctor.h"
#include "netlink.h"
#include "pins.h"
#include "responder.h"

#define MAX_ADDRS 32

/* rx-vlan offload (ETHTOOL_GFLAGS' ETH_FLAG_RXVLAN); -errno if unknown. */
static int rxvlan_on(const char *ifname)
{
	struct ethtool_value ev = { .cmd = ETHTOOL_GFLAGS };
	struct ifreq ifr = { .ifr_data = (void *)&ev };
	int fd, ret;

	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ret = ioctl(fd, SIOCETHTOOL, &ifr) ? -errno :
					     !!(ev.data & ETH_FLAG_RXVLAN);
	close(fd);
	return ret;
}

/* The XDP program on the uplink, and whether it is the responder's. */
static void check_xdp(struct doc_ctx *c)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	struct doc_result *r;
	struct pin_dir pd;
	__u32 ours = 0;
	int fd;

	if (bpf_xdp_query(c->ifindex, 0, &q)) {
		doc_add(c, "xdp", DOC_SKIP,
			"not checked: cannot query XDP "
			"on %s",
			c->ifname);
		return;
	}
	if (!pin_dir_init(&pd, c->ifname, 0) &&
	    (fd = pin_open_link(&pd)) >= 0) {
		if (responder_link_ifindex(fd, &ours) != c->ifindex)
			ours = 0;
		close(fd);
	}
	c->attached = ours && ours == q.prog_id;
	if (!q.prog_id) {
		doc_add(c, "xdp", DOC_OK, "no XDP program on %s", c->ifname);
	} else if (c->attached) {
		doc_add(c, "xdp", DOC_OK, "the responder (program %u), %s mode",
			q.prog_id, mode_name(q.attach_mode));
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
	if (c->attached && q.attach_mode == XDP_ATTACHED_DRV &&
	    rxvlan_on(c->ifname) == 1) {
		r = doc_add(c, "vlan-offload", DOC_WARN,
			    "rx-vlan offload on with native XDP: if %s carries "
			    "VLANs, tagged solicitations reach XDP untagged",
			    c->ifname);
		doc_fix(r, "ethtool -K %s rxvlan off", c->ifname);
	} else {
		doc_add(c, "vlan-offload", DOC_OK, "XDP sees the VLAN tags");
	}
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

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Sent from an AF_PACKET socket, not an IPv6 one: the source must be the
 * announced address, which this host does not hold, and no kernel address
 * selection may swap in a link-local one.
 */
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "announce.h"
#include "netlink.h"
#include "ndp_build.h"

int announcer_open(struct announcer *a, const char *ifname, int ifindex,
		   const uint8_t mac[6], bool router)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_ifindex = ifindex,
		.sll_protocol = 0, /* send only: receive nothing */
	};

	memset(a, 0, sizeof(*a));
	a->ifindex = ifindex;
	a->router = router;
	memcpy(a->mac, mac, 6);
	a->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (a->fd < 0)
		return -errno;
	if (bind(a->fd, (struct sockaddr *)&sll, sizeof(sll))) {
		int err = -errno;

		close(a->fd);
		a->fd = -1;
		return err;
	}
	a->have_gw = !nl_default_gateway(ifindex, &a->gw);
	return 0;
}

void announcer_close(struct announcer *a)
{
	if (a->fd >= 0)
		close(a->fd);
	a->fd = -1;
}

static int send_frame(const struct announcer *a, const uint8_t *f, size_t len)
{
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET,
		.sll_ifindex = a->ifindex,
		.sll_protocol = htons(ETH_P_IPV6),
		.sll_halen = 6,
	};

	memcpy(to.sll_addr, f, 6);
	if (sendto(a->fd, f, len, 0, (struct sockaddr *)&to, sizeof(to)) !=
	    (ssize_t)len)
		return -errno;
	return 0;
}

int announce_addr(const struct announcer *a, const struct in6_addr *addr)
{
	uint8_t f[NDP_FRAME_LEN];
	int ret;

	ret = send_frame(a, f,
			 ndp_build_unsolicited_na(f, a->mac, addr, a->router));
	if (ret || !a->have_gw)
		return ret;
	return send_frame(a, f, ndp_build_ns(f, a->mac, addr, &a->gw));
}

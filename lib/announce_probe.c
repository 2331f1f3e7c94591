// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Whether an address the host routes out of another interface (a
 * container behind a bridge) answers there yet, asked without the
 * kernel's neighbour table: a kernel solicitation for a node that is not
 * up leaves an INCOMPLETE entry that holds the next packets for a second
 * (README: announce). Our own NS goes out of a packet socket; the NA it
 * gets back is read there and ignored by the kernel.
 */
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <netinet/ip6.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "announce.h"
#include "iface.h"
#include "ndp_build.h"
#include "netlink.h"

/* The interface's link-local address: the NS's source. */
static int link_local(int ifindex, struct in6_addr *src)
{
	struct nl_addr6 a[32];
	int n = nl_addrs6(ifindex, a, 32);

	for (int i = 0; i < n; i++) {
		if (IN6_IS_ADDR_LINKLOCAL(&a[i].addr)) {
			*src = a[i].addr;
			return 0;
		}
	}
	return n < 0 ? n : -EADDRNOTAVAIL;
}

/* An NA for target in the n octets of f (no VLAN tag: a local bridge). */
static bool is_na_for(const uint8_t *f, size_t n, const struct in6_addr *t)
{
	const struct ip6_hdr *ip = (const void *)(f + ETH_HLEN);
	const struct nd_neighbor_advert *na = (const void *)(ip + 1);

	if (n < ETH_HLEN + sizeof(*ip) + sizeof(*na) || f[12] != 0x86 ||
	    f[13] != 0xdd || ip->ip6_nxt != IPPROTO_ICMPV6)
		return false;
	return na->nd_na_type == ND_NEIGHBOR_ADVERT &&
	       !memcmp(&na->nd_na_target, t, sizeof(*t));
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

static int wait_na(int fd, const struct in6_addr *addr, int timeout_ms)
{
	long long end = now_ms() + timeout_ms;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint8_t f[2048];
	ssize_t n;

	for (long long left = timeout_ms; left > 0; left = end - now_ms()) {
		if (poll(&p, 1, (int)left) <= 0)
			continue;
		n = recv(fd, f, sizeof(f), MSG_DONTWAIT);
		if (n > 0 && is_na_for(f, (size_t)n, addr))
			return 0;
	}
	return -ETIMEDOUT;
}

int announce_probe(int ifindex, const struct in6_addr *addr, int timeout_ms)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_IPV6),
		.sll_ifindex = ifindex,
		.sll_halen = 6,
	};
	char name[IF_NAMESIZE];
	uint8_t f[NDP_FRAME_LEN], mac[6];
	struct in6_addr src;
	size_t len;
	int fd, ret;

	if (!if_indextoname((unsigned int)ifindex, name))
		return -errno;
	ret = iface_mac(name, mac);
	if (!ret)
		ret = link_local(ifindex, &src);
	if (ret)
		return ret;
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_IPV6));
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		ret = -errno;
		goto out;
	}
	len = ndp_build_ns(f, mac, &src, addr);
	memcpy(sll.sll_addr, f, 6);
	if (sendto(fd, f, len, 0, (struct sockaddr *)&sll, sizeof(sll)) !=
	    (ssize_t)len) {
		ret = -errno;
		goto out;
	}
	ret = wait_na(fd, addr, timeout_ms);
out:
	close(fd);
	return ret;
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "iface.h"
#include "log.h"

int iface_index(const char *ifname)
{
	unsigned int idx;

	if (strlen(ifname) >= IFNAMSIZ) {
		pr_err("'%s' is not an interface name (too long)", ifname);
		return -EINVAL;
	}
	idx = if_nametoindex(ifname);
	if (!idx) {
		pr_err("no interface named '%s'", ifname);
		return -ENODEV;
	}
	return (int)idx;
}

static int ifreq_ioctl(const char *ifname, unsigned long req, struct ifreq *ifr)
{
	int fd, ret = 0;

	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", ifname);
	if (ioctl(fd, req, ifr))
		ret = -errno;
	close(fd);
	return ret;
}

int iface_mac(const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr = {};
	int ret;

	ret = ifreq_ioctl(ifname, SIOCGIFHWADDR, &ifr);
	if (ret) {
		pr_err("couldn't read the MAC of %s: %s", ifname, errstr(ret));
		return ret;
	}
	if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER) {
		pr_err("%s is not an Ethernet interface", ifname);
		return -EPROTONOSUPPORT;
	}
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

int iface_get_allmulti(const char *ifname, bool *on)
{
	struct ifreq ifr = {};
	int ret;

	ret = ifreq_ioctl(ifname, SIOCGIFFLAGS, &ifr);
	if (ret) {
		pr_err("couldn't read the flags of %s: %s", ifname,
		       errstr(ret));
		return ret;
	}
	*on = ifr.ifr_flags & IFF_ALLMULTI;
	return 0;
}

int iface_set_allmulti(const char *ifname, bool on)
{
	struct ifreq ifr = {};
	int ret;

	ret = ifreq_ioctl(ifname, SIOCGIFFLAGS, &ifr);
	if (!ret) {
		if (on)
			ifr.ifr_flags |= IFF_ALLMULTI;
		else
			ifr.ifr_flags &= ~IFF_ALLMULTI;
		ret = ifreq_ioctl(ifname, SIOCSIFFLAGS, &ifr);
	}
	if (ret)
		pr_err("couldn't turn all-multicast %s on %s: %s",
		       on ? "on" : "off", ifname, errstr(ret));
	return ret;
}

int mac_parse(const char *s, uint8_t mac[6])
{
	static const char hex[] = "0123456789abcdef";
	int i;

	/* Exactly aa:bb:cc:dd:ee:ff; sscanf would take signs and 0x. */
	if (strlen(s) != 17)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		const char *hi = strchr(hex, tolower((unsigned char)s[3 * i]));
		const char *lo =
			strchr(hex, tolower((unsigned char)s[3 * i + 1]));

		if (!s[3 * i] || !s[3 * i + 1] || !hi || !lo ||
		    (i < 5 && s[3 * i + 2] != ':'))
			return -EINVAL;
		mac[i] = (uint8_t)((hi - hex) << 4 | (lo - hex));
	}
	if (mac[0] & 1)
		return -EINVAL;
	if (!(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
		return -EINVAL;
	return 0;
}

void mac_format(const uint8_t mac[6], char *buf, size_t len)
{
	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
}

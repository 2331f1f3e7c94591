// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <arpa/inet.h>
#include <string.h>

#include "ndp_build.h"

#define ICMPV6_NS 135
#define ICMPV6_NA 136

static uint16_t icmp6_csum(const uint8_t *ip6, const uint8_t *msg, size_t len)
{
	uint32_t sum = 0;
	size_t i;

	for (i = 0; i < 32; i += 2) /* source and destination */
		sum += (uint32_t)(ip6[8 + i] << 8 | ip6[8 + i + 1]);
	sum += (uint32_t)len;
	sum += 58;
	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(msg[i] << 8 | msg[i + 1]);
	if (len & 1)
		sum += (uint32_t)(msg[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Ethernet + IPv6 headers; returns the ICMPv6 message's start. */
static uint8_t *put_headers(uint8_t *f, const uint8_t dmac[6],
			    const uint8_t smac[6], const struct in6_addr *src,
			    const struct in6_addr *dst)
{
	uint8_t *ip6 = f + 14;

	memcpy(f, dmac, 6);
	memcpy(f + 6, smac, 6);
	f[12] = 0x86;
	f[13] = 0xdd;
	memset(ip6, 0, 40);
	ip6[0] = 0x60;
	ip6[4] = 0;
	ip6[5] = 32; /* payload length */
	ip6[6] = 58; /* ICMPv6 */
	ip6[7] = 255;
	memcpy(ip6 + 8, src, 16);
	memcpy(ip6 + 24, dst, 16);
	return ip6 + 40;
}

static void put_message(uint8_t *frame, uint8_t *m, uint8_t type,
			uint8_t flags, const struct in6_addr *target,
			uint8_t opt, const uint8_t mac[6])
{
	uint16_t csum;

	memset(m, 0, 32);
	m[0] = type;
	m[4] = flags;
	memcpy(m + 8, target, 16);
	m[24] = opt;
	m[25] = 1;
	memcpy(m + 26, mac, 6);
	csum = icmp6_csum(frame + 14, m, 32);
	m[2] = (uint8_t)(csum >> 8);
	m[3] = (uint8_t)csum;
}

size_t ndp_build_unsolicited_na(uint8_t *frame, const uint8_t mac[6],
				const struct in6_addr *addr, int router)
{
	static const uint8_t all_nodes_mac[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	struct in6_addr all_nodes;
	uint8_t *m;

	inet_pton(AF_INET6, "ff02::1", &all_nodes);
	m = put_headers(frame, all_nodes_mac, mac, addr, &all_nodes);
	put_message(frame, m, ICMPV6_NA, (uint8_t)((router ? 0x80 : 0) | 0x20),
		    addr, 2, mac);
	return NDP_FRAME_LEN;
}

size_t ndp_build_ns(uint8_t *frame, const uint8_t mac[6],
		    const struct in6_addr *src, const struct in6_addr *target)
{
	struct in6_addr snm;
	uint8_t dmac[6] = { 0x33, 0x33, 0xff };
	uint8_t *m;

	/* ff02::1:ffXX:XXXX and 33:33:ff:XX:XX:XX, RFC 4291 §2.7.1 */
	inet_pton(AF_INET6, "ff02::1:ff00:0", &snm);
	memcpy(&snm.s6_addr[13], &target->s6_addr[13], 3);
	memcpy(dmac + 3, &target->s6_addr[13], 3);
	m = put_headers(frame, dmac, mac, src, &snm);
	put_message(frame, m, ICMPV6_NS, 0, target, 1, mac);
	return NDP_FRAME_LEN;
}

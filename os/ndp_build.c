// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <arpa/inet.h>
#include <net/ethernet.h>
#include <netinet/icmp6.h>
#include <netinet/ip6.h>
#include <string.h>

#include "ndp_build.h"

/* Sent with, and accepted only with, 255: proves on-link (RFC 4861
 * §7.1.1, §7.1.2). */
#define ND_HOP_LIMIT 255
/* Option lengths count units of 8 octets (§4.6). */
#define ND_OPT_UNIT 8

/* Source or Target Link-Layer Address option for Ethernet, §4.6.1. */
struct nd_opt_lladdr {
	struct nd_opt_hdr hdr;
	uint8_t addr[ETH_ALEN];
};

/* An NS or NA with one link-layer address option, in its frame. */
struct ndp_frame {
	struct ether_header eth;
	struct ip6_hdr ip6;
	union {
		struct nd_neighbor_solicit ns; /* §4.3 */
		struct nd_neighbor_advert na;  /* §4.4 */
	} msg;
	struct nd_opt_lladdr opt;
} __attribute__((packed));

_Static_assert(sizeof(struct ndp_frame) == NDP_FRAME_LEN, "NDP frame");
_Static_assert(sizeof(struct nd_neighbor_solicit) ==
		       sizeof(struct nd_neighbor_advert),
	       "NS and NA bodies");

#define ND_MSG_LEN \
	(sizeof(struct nd_neighbor_advert) + sizeof(struct nd_opt_lladdr))

static uint32_t csum_add(uint32_t sum, const uint8_t *b, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (uint32_t)(b[len - 1] << 8);
	return sum;
}

/* RFC 4443 §2.3, over the pseudo-header of RFC 8200 §8.1. */
static uint16_t icmp6_csum(const struct in6_addr *src,
			   const struct in6_addr *dst, const uint8_t *msg,
			   size_t len)
{
	uint32_t sum = 0;

	sum = csum_add(sum, src->s6_addr, sizeof(src->s6_addr));
	sum = csum_add(sum, dst->s6_addr, sizeof(dst->s6_addr));
	sum += (uint32_t)len + IPPROTO_ICMPV6;
	sum = csum_add(sum, msg, len);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/*
 * The whole frame: type is ND_NEIGHBOR_SOLICIT or ND_NEIGHBOR_ADVERT, flags
 * the NA's (network order), opt the link-layer option carrying smac.
 */
static size_t put_frame(uint8_t *buf, const uint8_t dmac[ETH_ALEN],
			const uint8_t smac[ETH_ALEN],
			const struct in6_addr *src, const struct in6_addr *dst,
			uint8_t type, uint32_t flags,
			const struct in6_addr *target, uint8_t opt)
{
	struct ndp_frame f;
	uint16_t csum;

	memset(&f, 0, sizeof(f));
	memcpy(f.eth.ether_dhost, dmac, ETH_ALEN);
	memcpy(f.eth.ether_shost, smac, ETH_ALEN);
	f.eth.ether_type = htons(ETHERTYPE_IPV6);

	f.ip6.ip6_flow = htonl(6u << 28); /* version 6, class and label 0 */
	f.ip6.ip6_plen = htons(ND_MSG_LEN);
	f.ip6.ip6_nxt = IPPROTO_ICMPV6;
	f.ip6.ip6_hlim = ND_HOP_LIMIT;
	memcpy(&f.ip6.ip6_src, src, sizeof(*src));
	memcpy(&f.ip6.ip6_dst, dst, sizeof(*dst));

	/* The NS's Reserved field is where the NA has its flags. */
	f.msg.na.nd_na_type = type;
	f.msg.na.nd_na_flags_reserved = flags;
	memcpy(&f.msg.na.nd_na_target, target, sizeof(*target));
	f.opt.hdr.nd_opt_type = opt;
	f.opt.hdr.nd_opt_len = sizeof(f.opt) / ND_OPT_UNIT;
	memcpy(f.opt.addr, smac, ETH_ALEN);

	csum = icmp6_csum(src, dst, (const uint8_t *)&f.msg, ND_MSG_LEN);
	f.msg.na.nd_na_cksum = htons(csum);
	memcpy(buf, &f, sizeof(f));
	return sizeof(f);
}

size_t ndp_build_unsolicited_na(uint8_t *frame, const uint8_t mac[6],
				const struct in6_addr *addr, int router)
{
	/* ff02::1 and its MAC (RFC 4291 §2.7.1, RFC 2464 §7) */
	static const uint8_t all_nodes_mac[ETH_ALEN] = {
		0x33, 0x33, 0, 0, 0, 1
	};
	struct in6_addr all_nodes;
	uint32_t flags = ND_NA_FLAG_OVERRIDE;

	if (router)
		flags |= ND_NA_FLAG_ROUTER;
	inet_pton(AF_INET6, "ff02::1", &all_nodes);
	return put_frame(frame, all_nodes_mac, mac, addr, &all_nodes,
			 ND_NEIGHBOR_ADVERT, flags, addr,
			 ND_OPT_TARGET_LINKADDR);
}

size_t ndp_build_ns(uint8_t *frame, const uint8_t mac[6],
		    const struct in6_addr *src, const struct in6_addr *target)
{
	uint8_t dmac[ETH_ALEN] = { 0x33, 0x33, 0xff };
	struct in6_addr snm;

	/* ff02::1:ffXX:XXXX and 33:33:ff:XX:XX:XX, RFC 4291 §2.7.1 */
	inet_pton(AF_INET6, "ff02::1:ff00:0", &snm);
	memcpy(&snm.s6_addr[13], &target->s6_addr[13], 3);
	memcpy(dmac + 3, &target->s6_addr[13], 3);
	return put_frame(frame, dmac, mac, src, &snm, ND_NEIGHBOR_SOLICIT, 0,
			 target, ND_OPT_SOURCE_LINKADDR);
}

/* An echo request with a payload of its own (RFC 4443 §4.1). */
struct echo_frame {
	struct ether_header eth;
	struct ip6_hdr ip6;
	struct icmp6_hdr icmp;
	uint8_t data[ECHO_DATA_LEN];
} __attribute__((packed));

_Static_assert(sizeof(struct echo_frame) == ECHO_FRAME_LEN, "echo frame");

size_t ndp_build_echo(uint8_t *frame, const uint8_t dmac[6],
		      const uint8_t smac[6], const struct in6_addr *src,
		      const struct in6_addr *dst, uint16_t id, uint16_t seq)
{
	struct echo_frame f;
	uint16_t csum;

	memset(&f, 0, sizeof(f));
	memcpy(f.eth.ether_dhost, dmac, ETH_ALEN);
	memcpy(f.eth.ether_shost, smac, ETH_ALEN);
	f.eth.ether_type = htons(ETHERTYPE_IPV6);
	f.ip6.ip6_flow = htonl(6u << 28);
	f.ip6.ip6_plen = htons(sizeof(f.icmp) + sizeof(f.data));
	f.ip6.ip6_nxt = IPPROTO_ICMPV6;
	f.ip6.ip6_hlim = 64;
	memcpy(&f.ip6.ip6_src, src, sizeof(*src));
	memcpy(&f.ip6.ip6_dst, dst, sizeof(*dst));
	f.icmp.icmp6_type = ICMP6_ECHO_REQUEST;
	f.icmp.icmp6_id = htons(id);
	f.icmp.icmp6_seq = htons(seq);
	memcpy(f.data, "ndpresponder doctor", sizeof(f.data));
	csum = icmp6_csum(src, dst, (const uint8_t *)&f.icmp,
			  sizeof(f.icmp) + sizeof(f.data));
	f.icmp.icmp6_cksum = htons(csum);
	memcpy(frame, &f, sizeof(f));
	return sizeof(f);
}

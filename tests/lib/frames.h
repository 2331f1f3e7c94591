/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A frame builder for the XDP unit tests, written from the RFCs and not
 * from bpf/: Ethernet with 802.1Q/802.1ad tags (IEEE 802.1Q), IPv6
 * (RFC 8200), ICMPv6 (RFC 4443) and Neighbor Discovery (RFC 4861). It has
 * its own checksum so that a checksum bug in the program cannot hide
 * behind the same bug in the expected frame. Everything is written byte
 * by byte in network order; no kernel struct layout is assumed.
 */
#ifndef NDPR_TEST_FRAMES_H
#define NDPR_TEST_FRAMES_H

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FR_MAX 2048 /* larger than any frame of the tests */

#define FR_ETH_ALEN  6
#define FR_ETH_HLEN  14
#define FR_VLAN_HLEN 4
#define FR_IP6_HLEN  40

#define FR_ETH_P_IPV4	0x0800
#define FR_ETH_P_ARP	0x0806
#define FR_ETH_P_8021Q	0x8100
#define FR_ETH_P_8021AD 0x88a8
#define FR_ETH_P_IPV6	0x86dd

#define FR_IPPROTO_HOPOPTS  0
#define FR_IPPROTO_TCP	    6
#define FR_IPPROTO_UDP	    17
#define FR_IPPROTO_FRAGMENT 44
#define FR_IPPROTO_ICMPV6   58

#define FR_ICMP6_ECHO_REQUEST 128
#define FR_ND_NS	      135
#define FR_ND_NA	      136
#define FR_ND_OPT_SLLA	      1
#define FR_ND_OPT_TLLA	      2
#define FR_ND_OPT_NONCE	      14 /* RFC 3971 §5.3.2 */

/* NA flags, RFC 4861 §4.4: the top bits of the word after the checksum */
#define FR_NA_R 0x80
#define FR_NA_S 0x40
#define FR_NA_O 0x20

struct frame {
	uint8_t b[FR_MAX];
	size_t len;
};

struct fr_vlan {
	uint16_t tpid;
	uint16_t tci;
};

static inline void fr_die(const char *what)
{
	fprintf(stderr, "frames.h: %s\n", what);
	abort();
}

static inline uint8_t *fr_put(struct frame *f, const void *p, size_t n)
{
	uint8_t *at = f->b + f->len;

	if (f->len + n > sizeof(f->b))
		fr_die("frame overflow");
	if (p)
		memcpy(at, p, n);
	else
		memset(at, 0, n);
	f->len += n;
	return at;
}

static inline void fr_put8(struct frame *f, uint8_t v)
{
	fr_put(f, &v, 1);
}

static inline void fr_put16(struct frame *f, uint16_t v)
{
	uint8_t b[2] = { v >> 8, v & 0xff };

	fr_put(f, b, 2);
}

static inline void fr_put32(struct frame *f, uint32_t v)
{
	uint8_t b[4] = { v >> 24, v >> 16, v >> 8, v };

	fr_put(f, b, 4);
}

static inline void fr_set16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static inline uint16_t fr_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Text to address; the tables hold text so that they read like a trace. */
static inline void fr_ip6(const char *s, uint8_t a[16])
{
	if (inet_pton(AF_INET6, s, a) != 1)
		fr_die("bad IPv6 address in a test table");
}

static inline bool fr_ip6_is_multicast(const uint8_t a[16])
{
	return a[0] == 0xff;
}

static inline bool fr_ip6_is_unspecified(const uint8_t a[16])
{
	static const uint8_t zero[16];

	return !memcmp(a, zero, 16);
}

/* ff02::1:ffXX:XXXX from the low 24 bits of a, RFC 4291 §2.7.1 */
static inline void fr_solicited_node(const uint8_t a[16], uint8_t sn[16])
{
	memset(sn, 0, 16);
	sn[0] = 0xff;
	sn[1] = 0x02;
	sn[11] = 0x01;
	sn[12] = 0xff;
	sn[13] = a[13];
	sn[14] = a[14];
	sn[15] = a[15];
}

/* 33:33 and the low 32 bits of the group, RFC 2464 §7 */
static inline void fr_mcast_mac(const uint8_t a[16], uint8_t mac[6])
{
	mac[0] = 0x33;
	mac[1] = 0x33;
	memcpy(mac + 2, a + 12, 4);
}

/*
 * The Internet checksum of RFC 1071: 16-bit big-endian words, an odd last
 * byte padded with a zero on its right, carries folded back in.
 */
static inline uint32_t fr_sum(uint32_t sum, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static inline uint16_t fr_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/*
 * ICMPv6 checksum (RFC 4443 §2.3) over the pseudo-header of RFC 8200
 * §8.1: source, destination, 32-bit upper-layer length, three zero bytes
 * and next header 58, then the message. Over a message whose checksum
 * field is zero it gives the value to store; over a message with a correct
 * checksum it gives 0.
 */
static inline uint16_t fr_icmp6_csum(const uint8_t src[16],
				     const uint8_t dst[16], const uint8_t *msg,
				     size_t len)
{
	uint8_t ph[40];
	uint32_t sum;

	memcpy(ph, src, 16);
	memcpy(ph + 16, dst, 16);
	ph[32] = (uint8_t)(len >> 24);
	ph[33] = (uint8_t)(len >> 16);
	ph[34] = (uint8_t)(len >> 8);
	ph[35] = (uint8_t)len;
	ph[36] = ph[37] = ph[38] = 0;
	ph[39] = FR_IPPROTO_ICMPV6;
	sum = fr_sum(0, ph, sizeof(ph));
	sum = fr_sum(sum, msg, len);
	return (uint16_t)~fr_fold(sum);
}

/* Ethernet header, tags in the order they appear on the wire, then type. */
static inline void fr_eth(struct frame *f, const uint8_t dst[6],
			  const uint8_t src[6], const struct fr_vlan *tags,
			  int ntags, uint16_t type)
{
	int i;

	fr_put(f, dst, FR_ETH_ALEN);
	fr_put(f, src, FR_ETH_ALEN);
	for (i = 0; i < ntags; i++) {
		fr_put16(f, tags[i].tpid);
		fr_put16(f, tags[i].tci);
	}
	fr_put16(f, type);
}

/* The fixed IPv6 header; vtcfl is version, traffic class and flow label. */
static inline void fr_ip6hdr(struct frame *f, uint32_t vtcfl, uint16_t plen,
			     uint8_t nexthdr, uint8_t hlim,
			     const uint8_t src[16], const uint8_t dst[16])
{
	fr_put32(f, vtcfl);
	fr_put16(f, plen);
	fr_put8(f, nexthdr);
	fr_put8(f, hlim);
	fr_put(f, src, 16);
	fr_put(f, dst, 16);
}

/* One Neighbor Solicitation in its frame; every field can be made wrong. */
struct fr_ns {
	uint8_t eth_dst[6];
	uint8_t eth_src[6];
	struct fr_vlan tags[3];
	int ntags;
	uint32_t vtcfl;
	uint8_t hlim;
	uint8_t src[16];
	uint8_t dst[16];
	/* Extension headers between IPv6 and ICMPv6: nexthdr names the
	 * first, ext holds them all (their own next header bytes included). */
	uint8_t nexthdr;
	uint8_t ext[16];
	size_t ext_len;
	uint8_t type;
	uint8_t code;
	uint32_t reserved;
	uint8_t target[16];
	const uint8_t *opts;
	size_t opts_len;
	/* Unknown option (type 253, RFC 4727 experiments) of pad_opt * 8
	 * octets after opts, to make long messages. */
	size_t pad_opt;
	/* ICMPv6 length, if not 24 + options: the message is cut or padded
	 * with zeros to it and the payload length says so. */
	size_t icmp_len;
	bool bad_csum;
	size_t trailer; /* Ethernet padding after the IPv6 packet */
};

/*
 * Builds the frame. Returns the offset of the ICMPv6 message so that the
 * caller can find it; the checksum covers the message as sent.
 */
static inline size_t fr_build_ns(struct frame *f, const struct fr_ns *ns)
{
	size_t l3, l4, len, i;
	uint8_t *msg;
	uint16_t c;

	f->len = 0;
	fr_eth(f, ns->eth_dst, ns->eth_src, ns->tags, ns->ntags, FR_ETH_P_IPV6);
	l3 = f->len;
	fr_ip6hdr(f, ns->vtcfl, 0, ns->nexthdr, ns->hlim, ns->src, ns->dst);
	fr_put(f, ns->ext, ns->ext_len);
	l4 = f->len;
	fr_put8(f, ns->type);
	fr_put8(f, ns->code);
	fr_put16(f, 0);
	fr_put32(f, ns->reserved);
	fr_put(f, ns->target, 16);
	fr_put(f, ns->opts, ns->opts_len);
	if (ns->pad_opt) {
		fr_put8(f, 253);
		fr_put8(f, (uint8_t)ns->pad_opt);
		for (i = 2; i < ns->pad_opt * 8; i++)
			fr_put8(f, (uint8_t)i);
	}
	len = f->len - l4;
	if (ns->icmp_len) {
		if (ns->icmp_len > len)
			fr_put(f, NULL, ns->icmp_len - len);
		len = ns->icmp_len;
		f->len = l4 + len;
	}
	fr_set16(f->b + l3 + 4, (uint16_t)(ns->ext_len + len));
	msg = f->b + l4;
	c = fr_icmp6_csum(ns->src, ns->dst, msg, len);
	if (ns->bad_csum)
		c ^= 0x0100;
	fr_set16(msg + 2, c);
	fr_put(f, NULL, ns->trailer);
	return l4;
}

/* One Neighbor Advertisement with a Target Link-Layer Address option. */
struct fr_na {
	uint8_t eth_dst[6];
	uint8_t eth_src[6];
	struct fr_vlan tags[3];
	int ntags;
	uint8_t src[16];
	uint8_t dst[16];
	uint8_t flags; /* FR_NA_* */
	uint8_t target[16];
	uint8_t tlla[6];
};

static inline size_t fr_build_na(struct frame *f, const struct fr_na *na)
{
	size_t l4;
	uint8_t *msg;

	f->len = 0;
	fr_eth(f, na->eth_dst, na->eth_src, na->tags, na->ntags, FR_ETH_P_IPV6);
	fr_ip6hdr(f, 0x60000000, 32, FR_IPPROTO_ICMPV6, 255, na->src, na->dst);
	l4 = f->len;
	fr_put8(f, FR_ND_NA);
	fr_put8(f, 0);
	fr_put16(f, 0);
	fr_put8(f, na->flags);
	fr_put(f, NULL, 3);
	fr_put(f, na->target, 16);
	fr_put8(f, FR_ND_OPT_TLLA);
	fr_put8(f, 1);
	fr_put(f, na->tlla, 6);
	msg = f->b + l4;
	fr_set16(msg + 2, fr_icmp6_csum(na->src, na->dst, msg, 32));
	return l4;
}

/* An IPv4/UDP datagram (RFC 791, RFC 768) with a correct header checksum. */
static inline void fr_build_ipv4_udp(struct frame *f, const uint8_t dst[6],
				     const uint8_t src[6])
{
	static const uint8_t saddr[4] = { 192, 0, 2, 1 };
	static const uint8_t daddr[4] = { 192, 0, 2, 2 };
	size_t l3;

	f->len = 0;
	fr_eth(f, dst, src, NULL, 0, FR_ETH_P_IPV4);
	l3 = f->len;
	fr_put8(f, 0x45);
	fr_put8(f, 0);
	fr_put16(f, 20 + 8 + 4);
	fr_put32(f, 0x12344000); /* id, DF */
	fr_put8(f, 64);
	fr_put8(f, FR_IPPROTO_UDP);
	fr_put16(f, 0);
	fr_put(f, saddr, 4);
	fr_put(f, daddr, 4);
	fr_set16(f->b + l3 + 10, (uint16_t)~fr_fold(fr_sum(0, f->b + l3, 20)));
	fr_put16(f, 4000);
	fr_put16(f, 5000);
	fr_put16(f, 8 + 4);
	fr_put16(f, 0); /* no UDP checksum, allowed over IPv4 */
	fr_put32(f, 0xdeadbeef);
}

/* An ARP request (RFC 826) for 192.0.2.2. */
static inline void fr_build_arp(struct frame *f, const uint8_t src[6])
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t spa[4] = { 192, 0, 2, 1 };
	static const uint8_t tpa[4] = { 192, 0, 2, 2 };

	f->len = 0;
	fr_eth(f, bcast, src, NULL, 0, FR_ETH_P_ARP);
	fr_put16(f, 1);		    /* Ethernet */
	fr_put16(f, FR_ETH_P_IPV4); /* IPv4 */
	fr_put8(f, 6);
	fr_put8(f, 4);
	fr_put16(f, 1); /* request */
	fr_put(f, src, 6);
	fr_put(f, spa, 4);
	fr_put(f, NULL, 6);
	fr_put(f, tpa, 4);
}

/* A TCP SYN over IPv6 (RFC 9293), checksum left zero: nobody checks it. */
static inline void fr_build_ipv6_tcp(struct frame *f, const uint8_t dst[6],
				     const uint8_t src[6],
				     const uint8_t saddr[16],
				     const uint8_t daddr[16])
{
	f->len = 0;
	fr_eth(f, dst, src, NULL, 0, FR_ETH_P_IPV6);
	fr_ip6hdr(f, 0x60000000, 20, FR_IPPROTO_TCP, 64, saddr, daddr);
	fr_put16(f, 40000);
	fr_put16(f, 80);
	fr_put32(f, 1);
	fr_put32(f, 0);
	fr_put8(f, 5 << 4);
	fr_put8(f, 0x02); /* SYN */
	fr_put16(f, 65535);
	fr_put16(f, 0);
	fr_put16(f, 0);
}

#endif

/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The Neighbor Discovery messages the program reads and writes, as types.
 * vmlinux.h has the NS/NA body (struct nd_msg: ICMPv6 header and target,
 * RFC 4861 §4.3, §4.4) and the option header (struct nd_opt_hdr), but not
 * the link-layer address option nor a message that carries one.
 */
#ifndef NDPR_ND_H
#define NDPR_ND_H

#include "consts.h"

/* Source or Target Link-Layer Address option for Ethernet, §4.6.1. */
struct nd_opt_lladdr {
	struct nd_opt_hdr hdr;
	__u8 addr[ETH_ALEN];
};

/* An NS or NA with one link-layer address option: what routers send and
 * what the program answers. */
struct nd_msg_lla {
	struct icmp6hdr icmph;
	struct in6_addr target;
	struct nd_opt_lladdr opt;
};

/* Type, code and checksum: what every ICMPv6 message has (RFC 4443 §2.1). */
#define ICMPV6_HDR_LEN 4
/* Option lengths count units of 8 octets (§4.6). */
#define ND_OPT_UNIT	 8
#define ND_OPT_LLA_UNITS (sizeof(struct nd_opt_lladdr) / ND_OPT_UNIT)

#define NS_MIN_LEN ((__u32)sizeof(struct nd_msg))     /* type..target */
#define NA_LEN	   ((__u32)sizeof(struct nd_msg_lla)) /* + TLLA */

_Static_assert(__builtin_offsetof(struct icmp6hdr, icmp6_dataun) ==
		       ICMPV6_HDR_LEN,
	       "ICMPv6 header");
_Static_assert(NS_MIN_LEN == 24 && NA_LEN == 32,
	       "RFC 4861 §4.3, §4.4: NS/NA of 24 octets, 32 with one option");
_Static_assert(__builtin_offsetof(struct nd_msg_lla, target) ==
		       __builtin_offsetof(struct nd_msg, target),
	       "struct nd_msg_lla extends struct nd_msg");
_Static_assert(sizeof(struct nd_opt_lladdr) % ND_OPT_UNIT == 0,
	       "an option is a whole number of units");

#endif

/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Protocol numbers vmlinux.h does not carry (it has no #defines). */
#ifndef NDPR_CONSTS_H
#define NDPR_CONSTS_H

#define ETH_ALEN       6
#define ETH_HLEN       14
#define ETH_P_IPV6     0x86DD
#define ETH_P_8021Q    0x8100
#define ETH_P_8021AD   0x88A8
#define VLAN_HLEN      4
#define VLAN_MAX_DEPTH 2

#define IPPROTO_ICMPV6 58
#define IPV6_HLEN      40

/* First word of an IPv6 header: version 6, traffic class and flow
 * label 0 (RFC 8200 §3). */
#define IPV6_VER_TC_FL 0x60000000

#define ICMPV6_NS 135 /* Neighbor Solicitation, RFC 4861 §4.3 */
#define ICMPV6_NA 136 /* Neighbor Advertisement, RFC 4861 §4.4 */
/* Sent with, and accepted only with, 255: proves on-link (§7.1.1). */
#define ND_HOP_LIMIT 255
#define ND_OPT_SLLA  1 /* §4.6.1 */
#define ND_OPT_TLLA  2

/* NA flags, first octet of the Reserved field (RFC 4861 §4.4) */
#define NA_FLAG_ROUTER	  0x80
#define NA_FLAG_SOLICITED 0x40
#define NA_FLAG_OVERRIDE  0x20

#define XDP_ABORTED 0
#define XDP_DROP    1
#define XDP_PASS    2
#define XDP_TX	    3

#endif

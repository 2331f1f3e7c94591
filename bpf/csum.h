/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * ICMPv6 checksum (RFC 4443 §2.3) over the pseudo-header and the message.
 * Words are added as they lie in memory: the one's complement sum is
 * independent of byte order, so the folded result can be stored as is.
 */
#ifndef NDPR_CSUM_H
#define NDPR_CSUM_H

#include "consts.h"

static __always_inline __u16 csum_fold(__u64 sum)
{
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffffffff) + (sum >> 32);
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

static __always_inline __u64 csum_add_addr(__u64 sum, const struct in6_addr *a)
{
	return sum + a->in6_u.u6_addr32[0] + a->in6_u.u6_addr32[1] +
	       a->in6_u.u6_addr32[2] + a->in6_u.u6_addr32[3];
}

/* The pseudo-header of RFC 8200 §8.1 for an ICMPv6 message of len bytes. */
static __always_inline __u64 csum_pseudo(const struct ipv6hdr *ip6, __u32 len)
{
	__u64 sum = 0;

	sum = csum_add_addr(sum, &ip6->saddr);
	sum = csum_add_addr(sum, &ip6->daddr);
	return sum + bpf_htonl(len) + bpf_htonl(IPPROTO_ICMPV6);
}

/*
 * Adds len bytes at msg (len <= NDPR_MAX_ICMP_LEN) to sum. Returns -1 when
 * the message runs past end; the caller has checked it does not, this
 * check is for the verifier.
 */
static __always_inline int csum_add_msg(__u64 *sum, void *msg, void *end,
					__u32 len)
{
	__u32 *w = msg;
	__u64 s = *sum;
	void *tail;
	int i;

	for (i = 0; i < NDPR_MAX_ICMP_LEN / 4; i++) {
		if ((__u32)(i + 1) * 4 > len)
			break;
		if ((void *)(w + 1) > end)
			return -1;
		s += *w++;
	}
	tail = w;
	if (len & 2) {
		if (tail + 2 > end)
			return -1;
		s += *(__u16 *)tail;
		tail += 2;
	}
	if (len & 1) {
		if (tail + 1 > end)
			return -1;
		s += *(__u8 *)tail;
	}
	*sum = s;
	return 0;
}

#endif

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Counts the frames whose data begins with a VLAN tag and the untagged
 * Neighbor Solicitations, and passes every frame. vlan.sh attaches it in native mode
 * where the responder will be, to show that a tagged solicitation reaches
 * native XDP without its outer tag in the frame.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

__u64 tagged;	   /* 802.1Q or 802.1ad ethertype after the MACs */
__u64 untagged_ns; /* IPv6, then ICMPv6 type 135, after the MACs */

SEC("xdp")
int xdp_vlan_seen(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6 = (void *)(eth + 1);
	__u8 *icmp_type = (void *)(ip6 + 1);

	if ((void *)(eth + 1) > end)
		return XDP_PASS;
	if (eth->h_proto == bpf_htons(0x8100) ||
	    eth->h_proto == bpf_htons(0x88a8))
		__sync_fetch_and_add(&tagged, 1);
	else if (eth->h_proto == bpf_htons(0x86dd) &&
		 (void *)(icmp_type + 1) <= end && ip6->nexthdr == 58 &&
		 *icmp_type == 135)
		__sync_fetch_and_add(&untagged_ns, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";

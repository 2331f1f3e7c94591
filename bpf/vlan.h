/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The VLAN tag a driver took out of the frame, put back into the answer.
 * Receive paths that strip the outer tag into metadata (veth from a
 * bridge, NICs with rx-vlan-offload) give native XDP an untagged frame;
 * XDP_TX sends the data only, so an answer made from it would leave on the
 * native VLAN. The build with NDPR_RX_VLAN_META (a second object, loaded
 * device-bound where the kernel, 6.8+, and the driver report the tag) asks
 * the driver and restores the tag; the plain build has no such tag to
 * restore (generic XDP keeps it in the skb, and tags left in the frame
 * stay where they are).
 */
#ifndef NDPR_VLAN_H
#define NDPR_VLAN_H

#include "config.h"
#include "consts.h"
#include "validate.h"

#ifdef NDPR_RX_VLAN_META

#ifdef NDPR_RX_VLAN_TEST
/*
 * Unit tests only (tests/unit/test_xdp.c): a test run carries no driver
 * metadata, and the kernel runs no device-bound program, so this build
 * takes the tag a driver would have stripped from .bss, which the test
 * sets; set 0: none stripped.
 */
__u32 ndpr_test_vlan_set;
__be16 ndpr_test_vlan_proto;
__u16 ndpr_test_vlan_tci;

static __always_inline int rx_vlan_tag(const struct xdp_md *ctx, __be16 *proto,
				       __u16 *tci)
{
	if (!ndpr_test_vlan_set)
		return -61; /* -ENODATA, as the drivers say it */
	*proto = ndpr_test_vlan_proto;
	*tci = ndpr_test_vlan_tci;
	return 0;
}
#else
/* The kfunc of net/core/xdp.c; its TCI carries PCP and DEI too. */
extern int bpf_xdp_metadata_rx_vlan_tag(const struct xdp_md *ctx,
					__be16 *vlan_proto,
					__u16 *vlan_tci) __ksym;
#define rx_vlan_tag bpf_xdp_metadata_rx_vlan_tag
#endif

/* Ethernet addresses, then the tag restored in front of what followed. */
struct eth_vlan_hdr {
	__u8 h_dest[ETH_ALEN];
	__u8 h_source[ETH_ALEN];
	__be16 h_vlan_proto;
	__be16 h_vlan_TCI;
};

/*
 * Puts the stripped tag back as the outermost one, TPID and TCI as they
 * came (IEEE 802.1Q §9.6; the outer 802.1ad tag of QinQ included). Returns
 * 0 when there was none or it is back, or the outcome to count;
 * ns->retagged says whether the frame was changed by then.
 */
static __always_inline int restore_rx_vlan(struct xdp_md *ctx,
					   struct ns_info *ns)
{
	struct eth_vlan_hdr *h;
	__be16 proto;
	__u16 tci;
	void *end;
	__u8 *b;
	int i;

	/* -ENODATA: nothing was stripped; the frame holds all its tags. */
	if (!(ndpr_cfg.flags & NDPR_CFG_RX_VLAN) ||
	    rx_vlan_tag(ctx, &proto, &tci))
		return 0;
	/* The parser takes VLAN_MAX_DEPTH tags; one more is not an NS of
	 * ours, as it would not be with all of them in the frame. */
	if (ns->l3off > ETH_HLEN + (VLAN_MAX_DEPTH - 1) * VLAN_HLEN)
		return NDPR_C_passed_not_ns;
	if (bpf_xdp_adjust_head(ctx, -VLAN_HLEN))
		return NDPR_C_error_resize;
	/* From here on the frame is no longer one the kernel may have. */
	ns->retagged = true;
	b = xdp_data(ctx);
	h = (void *)b;
	end = xdp_data_end(ctx);
	if ((void *)(h + 1) > end)
		return NDPR_C_error_resize;
		/* The addresses move to the new head, in front of the tag. */
#pragma unroll
	for (i = 0; i < 2 * ETH_ALEN; i++)
		b[i] = b[i + VLAN_HLEN];
	h->h_vlan_proto = proto;
	h->h_vlan_TCI = bpf_htons(tci);
	ns->l3off += VLAN_HLEN;
	return 0;
}

#else

static __always_inline int restore_rx_vlan(struct xdp_md *ctx,
					   struct ns_info *ns)
{
	return 0;
}

#endif

#endif

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Native XDP sees a frame as the driver left it: a driver that strips the
 * outer VLAN tag into metadata (veth, NICs with rx-vlan-offload) hands
 * over an untagged frame, and XDP_TX sends back only the data. So native
 * mode is used only where the answer keeps its tags: the driver reports
 * the stripped tag (Linux 6.8+, bpf_xdp_metadata_rx_vlan_tag) and the
 * program built to read it puts it back, or the device never strips.
 * Elsewhere, generic mode, whose skb keeps the tag through XDP_TX.
 */
#include <errno.h>
#include <stdlib.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>

#include "ndpresponder.h"
#include "ndpresponder.skel.h"
#include "ndpresponder_vlan.skel.h"
#include "rx_meta.h"
#include "rx_vlan.h"

/* Linux 6.3's uapi; Debian 12's headers (6.1) lack it. */
#ifndef BPF_F_XDP_DEV_BOUND_ONLY
#define BPF_F_XDP_DEV_BOUND_ONLY (1U << 6)
#endif

const char *vlan_name(int vlan)
{
	switch (vlan) {
	case NDPR_VLAN_RESTORED:
		return "restored";
	case NDPR_VLAN_IN_FRAME:
		return "in-frame";
	case NDPR_VLAN_SKB:
		return "skb";
	default:
		return "unknown";
	}
}

enum ndpr_vlan rx_vlan_choose(bool kfunc, bool driver_reports, bool may_strip,
			      const char **why)
{
	if (kfunc && driver_reports)
		return NDPR_VLAN_RESTORED;
	if (!may_strip)
		return NDPR_VLAN_IN_FRAME;
	*why = kfunc ? "its driver strips VLAN tags and does not report them "
		       "to XDP" :
		       "it may strip VLAN tags, and this kernel cannot report "
		       "them to XDP (Linux 6.8+ can)";
	return NDPR_VLAN_NONE;
}

/* A benchmark's build without the device-bound build (bpf/pieces.h,
 * mk/bench.mk): tags left as the driver gives them, never restored. */
#ifndef NDPR_WITHOUT_RX_VLAN_META
#define NDPR_WITHOUT_RX_VLAN_META 0
#endif

enum ndpr_vlan rx_vlan_native(const char *ifname, int ifindex, const char **why)
{
	bool kfunc = kernel_has_rx_vlan_kfunc();
	bool reports = false, may_strip = true;

	if (NDPR_WITHOUT_RX_VLAN_META)
		return NDPR_VLAN_IN_FRAME;
	/* Whatever cannot be read counts as the unsafe answer. */
	if (kfunc && driver_reports_rx_vlan(ifindex, &reports))
		reports = false;
	if (iface_may_strip_vlan(ifname, &may_strip))
		may_strip = true;
	return rx_vlan_choose(kfunc, reports, may_strip, why);
}

struct ndpresponder_bpf *rx_vlan_open(const struct bpf_object_open_opts *o,
				      int ifindex)
{
	size_t size;
	const void *elf = ndpresponder_vlan_bpf__elf_bytes(&size);

	return rx_vlan_open_elf(elf, size, o, ifindex);
}

struct ndpresponder_bpf *rx_vlan_open_elf(const void *elf, size_t size,
					  const struct bpf_object_open_opts *o,
					  int ifindex)
{
	struct ndpresponder_bpf *skel = calloc(1, sizeof(*skel));
	struct bpf_program *prog;
	int err = -ENOMEM;

	if (!skel)
		goto fail;
	err = ndpresponder_bpf__create_skeleton(skel);
	if (err)
		goto fail;
	skel->skeleton->data = elf;
	skel->skeleton->data_sz = size;
	err = bpf_object__open_skeleton(skel->skeleton, o);
	if (err)
		goto fail;
	prog = skel->progs.ndpresponder;
	if (ifindex) {
		bpf_program__set_ifindex(prog, (__u32)ifindex);
		err = bpf_program__set_flags(prog,
					     bpf_program__flags(prog) |
						     BPF_F_XDP_DEV_BOUND_ONLY);
		if (err)
			goto fail;
	}
	return skel;
fail:
	ndpresponder_bpf__destroy(skel);
	errno = -err;
	return NULL;
}

enum ndpr_vlan rx_vlan_live(const struct ndpr_config *cfg, int mode)
{
	if (mode == NDPR_MODE_GENERIC)
		return NDPR_VLAN_SKB;
	if (mode != NDPR_MODE_NATIVE)
		return NDPR_VLAN_NONE;
	return cfg->flags & NDPR_CFG_RX_VLAN ? NDPR_VLAN_RESTORED :
					       NDPR_VLAN_IN_FRAME;
}

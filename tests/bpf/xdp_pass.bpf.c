// SPDX-License-Identifier: GPL-2.0-only
/*
 * Passes every frame. The integration tests attach it to the veth peer of
 * an interface running the responder in native mode: a veth delivers
 * XDP_TX'd frames to its peer only when the peer runs an XDP program.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";

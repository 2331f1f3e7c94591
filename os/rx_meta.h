/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What the kernel and a driver say about VLAN tags on receive: whether a
 * native XDP program can read a tag the driver stripped, and whether the
 * device may strip tags at all.
 */
#ifndef NDPR_OS_RX_META_H
#define NDPR_OS_RX_META_H

#include <stdbool.h>

/* The kernel's BTF has bpf_xdp_metadata_rx_vlan_tag (Linux 6.8+). */
bool kernel_has_rx_vlan_kfunc(void);

/*
 * Whether the driver of ifindex implements that kfunc, from the netdev
 * generic netlink family's xdp-rx-metadata-features (vlan-tag bit). False
 * when the kernel has no such family or attribute. 0 or a negative errno.
 */
int driver_reports_rx_vlan(int ifindex, bool *reports);

/*
 * Whether frames may reach XDP on ifname with their outer tag moved into
 * metadata: rx-vlan-hw-parse or rx-vlan-stag-hw-parse is on, or the device
 * is a veth (whose tags come from the peer, whatever its features say).
 * 0 or a negative errno.
 */
int iface_may_strip_vlan(const char *ifname, bool *may);

#endif

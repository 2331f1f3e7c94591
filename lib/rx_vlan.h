/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * How a responder keeps an answer on the VLAN of its solicitation, per
 * mode, kernel and driver (the README's "Kernel support" has the table).
 */
#ifndef NDPR_RX_VLAN_H
#define NDPR_RX_VLAN_H

#include <stdbool.h>

#include "ndpresponder.h"
#include "ndpresponder.skel.h"

enum ndpr_vlan {
	NDPR_VLAN_NONE = 0,	/* native mode would answer on a wrong VLAN */
	NDPR_VLAN_RESTORED = 1, /* native: the stripped tag read and put back */
	NDPR_VLAN_IN_FRAME =
		2,	   /* native: the device leaves tags in the frame */
	NDPR_VLAN_SKB = 3, /* generic: the skb keeps the stripped tag */
};

/*
 * The handling native mode has, from what the kernel has (the kfunc), the
 * driver reports (vlan-tag metadata) and the device may do (strip tags),
 * or NDPR_VLAN_NONE and in *why a phrase saying why native mode is not
 * safe there.
 */
enum ndpr_vlan rx_vlan_choose(bool kfunc, bool driver_reports, bool may_strip,
			      const char **why);

/* The same for the interface, from the kernel, the driver and ethtool. */
enum ndpr_vlan rx_vlan_native(const char *ifname, int ifindex,
			      const char **why);

/*
 * Opens the program built with NDPR_RX_VLAN_META through the plain
 * skeleton (same maps, program and .rodata), bound to ifindex when it is
 * not 0: the kernel lets only a device-bound program call the driver's
 * kfunc. NULL and errno on failure.
 */
struct ndpresponder_bpf *rx_vlan_open(const struct bpf_object_open_opts *o,
				      int ifindex);

/* The same for another build of the program, given as its ELF image
 * (the unit tests' build that takes the tag from .bss). */
struct ndpresponder_bpf *rx_vlan_open_elf(const void *elf, size_t size,
					  const struct bpf_object_open_opts *o,
					  int ifindex);

/* The handling of a program, from its live options and mode. */
enum ndpr_vlan rx_vlan_live(const struct ndpr_config *cfg, int mode);

const char *vlan_name(int vlan);

#endif

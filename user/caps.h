/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* What `run` keeps once it has started: the least that still works. */
#ifndef NDPR_CAPS_H
#define NDPR_CAPS_H

#include <stdbool.h>

/*
 * Drops every capability but CAP_BPF (map updates, detach) and
 * CAP_NET_ADMIN (netlink, all-multicast), plus CAP_NET_RAW when packets
 * are still to be sent, from the effective, permitted, inheritable and
 * bounding sets, and sets no_new_privs. Returns 0 or a negative errno.
 */
int caps_drop_for_service(bool keep_net_raw);

#endif

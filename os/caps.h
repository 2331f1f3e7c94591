/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* What `run` keeps once it has started: the least that still works. */
#ifndef NDPR_CAPS_H
#define NDPR_CAPS_H

/*
 * Drops every capability but CAP_BPF (map updates, detach) and
 * CAP_NET_ADMIN (netlink, all-multicast) from the effective, permitted,
 * inheritable and bounding sets, and sets no_new_privs. A packet socket
 * opened before keeps sending: only its creation needs CAP_NET_RAW.
 * Without CAP_BPF, CAP_SYS_ADMIN (which then granted bpf()) is kept instead.
 * Returns 0 or a negative errno.
 */
int caps_drop_for_service(void);

#endif

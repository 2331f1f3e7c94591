/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* IPv6 sysctls of the calling process's network namespace. */
#ifndef NDPR_SYSCTL_H
#define NDPR_SYSCTL_H

/* net.ipv6.conf.IFACE.KEY (IFACE may be "all"); 0 or a negative errno. */
int sysctl_ipv6_conf(const char *ifname, const char *key, int *val);

#endif

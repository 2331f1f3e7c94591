/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Route and neighbour look-ups over rtnetlink, through libnl-route-3. */
#ifndef NDPR_NETLINK_H
#define NDPR_NETLINK_H

#include <netinet/in.h>
#include <stdint.h>

/* The gateway of IFACE's IPv6 default route (main table); -ENOENT if none. */
int nl_default_gateway(int ifindex, struct in6_addr *gw);

/* State (NUD_*) and link-layer address of a neighbour; -ENOENT if none. */
int nl_neigh_get(int ifindex, const struct in6_addr *addr, uint16_t *state,
		 uint8_t mac[6]);

/* Creates or replaces a neighbour entry with the given state. */
int nl_neigh_set(int ifindex, const struct in6_addr *addr,
		 const uint8_t mac[6], uint16_t state);

#endif

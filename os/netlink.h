/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Route and neighbour look-ups over rtnetlink, through libnl-route-3. */
#ifndef NDPR_NETLINK_H
#define NDPR_NETLINK_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

/* The gateway of IFACE's IPv6 default route (main table); -ENOENT if none. */
int nl_default_gateway(int ifindex, struct in6_addr *gw);

/* State (NUD_*) and link-layer address of a neighbour; -ENOENT if none. */
int nl_neigh_get(int ifindex, const struct in6_addr *addr, uint16_t *state,
		 uint8_t mac[6]);

/* Creates or replaces a neighbour entry with the given state. */
int nl_neigh_set(int ifindex, const struct in6_addr *addr, const uint8_t mac[6],
		 uint16_t state);

/* What the kernel's FIB says of a destination (RTM_GETROUTE). */
struct nl_route_info {
	int oif;	  /* 0 if none */
	uint8_t type;	  /* RTN_UNICAST, RTN_LOCAL, RTN_UNREACHABLE... */
	uint8_t protocol; /* RTPROT_KERNEL, RTPROT_RA, RTPROT_BOOT... */
	uint8_t dst_len;  /* of the route that matched (defaults: 0) */
	int has_gw;
	struct in6_addr gw;
};

/* The route the host would use to dst; -ENETUNREACH when none. */
int nl_route_get(const struct in6_addr *dst, struct nl_route_info *ri);
/* The main table's IPv6 default route of lowest metric, any interface. */
int nl_default_route(struct nl_route_info *ri);

/* An interface's flags (IFF_*, IFF_LOWER_UP included) and MTU. */
int nl_link_info(int ifindex, unsigned int *flags, unsigned int *mtu);

struct nl_addr6 {
	struct in6_addr addr;
	uint8_t prefixlen;
	uint8_t scope; /* RT_SCOPE_UNIVERSE for global */
};

/* Up to max IPv6 addresses of ifindex; their count or a negative errno. */
int nl_addrs6(int ifindex, struct nl_addr6 *out, int max);

/* The addresses on ifindex the host answers for itself (kind
 * NDPR_GUARD_OWN) and the next hops of routes out of ifindex, in any
 * table (NDPR_GUARD_GATEWAY), each passed to fn. */
typedef void (*nl_guard_fn)(const struct in6_addr *a, int kind, void *arg);
int nl_uplink_guards(int ifindex, bool own, bool gateways, nl_guard_fn fn,
		     void *arg);

/* A non-blocking socket on IPv6 address and route events; an fd or a
 * negative errno. */
int nl_watch_open(void);
/* Reads all that is queued: 1 if anything changed (or events were lost),
 * 0 if nothing did, a negative errno. With ifindex, only what may change
 * its addresses or gateways counts: an address of it, a route out of it
 * or of no single interface (not a container's veth coming and going). */
int nl_watch_drain(int fd, int ifindex);

#endif

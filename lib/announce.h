/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Tells the link about addresses now answered here (announce). */
#ifndef NDPR_ANNOUNCE_H
#define NDPR_ANNOUNCE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

struct announcer {
	int fd; /* AF_PACKET socket bound to the interface */
	int ifindex;
	uint8_t mac[6];
	bool router;
	bool have_gw;
	struct in6_addr gw;
};

/* Opens the socket; mac and router flag as the responder answers. */
int announcer_open(struct announcer *a, const char *ifname, int ifindex,
		   const uint8_t mac[6], bool router);
void announcer_close(struct announcer *a);

/*
 * Sends an unsolicited NA for addr to all-nodes and, when a gateway is
 * known, an NS from addr to it, so the router learns addr at once.
 * Returns 0 or a negative errno.
 */
int announce_addr(const struct announcer *a, const struct in6_addr *addr);

/*
 * Whether addr answers on ifindex, another interface the host routes it
 * out of (a container behind a bridge): one NS of our own from that
 * interface's link-local address, then up to timeout_ms for its NA.
 * Returns 0, -ETIMEDOUT (not up yet), or another negative errno.
 */
int announce_probe(int ifindex, const struct in6_addr *addr, int timeout_ms);

#endif

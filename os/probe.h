/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * doctor's end-to-end probe: an echo request sent from a routed address
 * out of the uplink through a packet socket (the host's own stack, its
 * firewall and the containers play no part), and what came back.
 */
#ifndef NDPR_PROBE_H
#define NDPR_PROBE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

struct probe_seen {
	bool reply; /* an echo reply to src, with our id */
	bool ns;    /* an NS for src reached the stack (nothing answered
			 * it in XDP) */
	int sent;
};

struct probe_req {
	int ifindex;
	uint8_t dmac[6], smac[6];
	struct in6_addr src, dst;
	int timeout_ms;
	/* Called after each echo sent (once a second), if set. */
	void (*each_echo)(void *arg);
	void *arg;
};

/* Sends one echo a second until a reply or timeout_ms; 0 or a negative
 * errno (no CAP_NET_RAW: -EPERM). */
int probe_echo(const struct probe_req *rq, struct probe_seen *seen);

#endif

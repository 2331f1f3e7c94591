/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Gateway neighbour pinning, as the Go ndpresponder does it: once the
 * default gateway's neighbour entry is reachable, make it NOARP, so the
 * host never has to resolve the gateway again, from a link-local source
 * that the hypervisor would drop.
 */
#ifndef NDPR_GATEWAY_H
#define NDPR_GATEWAY_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "slog.h"

enum gw_state {
	GW_FIND,   /* looking for the default route */
	GW_WAIT,   /* nudging the neighbour entry until reachable */
	GW_PINNED, /* done */
};

struct gw_pin {
	enum gw_state state;
	int ifindex;
	const char *ifname;
	struct in6_addr gw;
	bool warned;
	bool ours;	   /* we made the entry NOARP: a clean stop undoes it */
	uint8_t lladdr[6]; /* the MAC we pinned */
	const struct slog *log;
};

void gw_pin_init(struct gw_pin *g, const char *ifname, int ifindex,
		 const struct slog *log);
/* One step; call about once a second until it returns GW_PINNED. */
enum gw_state gw_pin_step(struct gw_pin *g);
/*
 * A clean stop: the entry we pinned goes back to STALE with its MAC (the
 * kernel confirms it with a unicast probe, no new resolution), or with
 * keep (run --keep) stays NOARP, which the log says. An entry that was
 * pinned before us is left alone.
 */
void gw_pin_undo(struct gw_pin *g, bool keep);

#endif

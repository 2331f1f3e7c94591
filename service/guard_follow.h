/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What run does for the guards: follows the uplink's addresses and routes
 * (netlink events) into ndpr_guards within a second, and logs each
 * conflict the program records at WARN, once.
 */
#ifndef NDPR_GUARD_FOLLOW_H
#define NDPR_GUARD_FOLLOW_H

#include <stdbool.h>

#include "pins.h"
#include "slog.h"

struct guard_follow {
	struct pin_dir *pd;
	const char *ifname;
	const struct slog *log;
	int nl_fd;   /* address and route events */
	int ifindex; /* the uplink's, whose events count */
	bool dirty;
	unsigned int ticks;
};

void guard_follow_init(struct guard_follow *g, struct pin_dir *pd,
		       const char *ifname, const struct slog *log);
/* Opens the event socket (before capabilities are dropped). */
int guard_follow_start(struct guard_follow *g);
/* Once a second. */
void guard_follow_tick(struct guard_follow *g);
/* After the service changed the prefixes: the guards follow at once. */
void guard_follow_changed(struct guard_follow *g);
void guard_follow_stop(struct guard_follow *g);

#endif

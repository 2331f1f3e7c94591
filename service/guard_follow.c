// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>

#include "guard_follow.h"
#include "guards.h"
#include "iface.h"
#include "maps.h"
#include "netlink.h"

/* A full look now and then, should an event have been missed. */
#define GUARD_RESYNC_TICKS 30

void guard_follow_init(struct guard_follow *g, struct pin_dir *pd,
		       const char *ifname, const struct slog *log)
{
	*g = (struct guard_follow){
		.pd = pd, .ifname = ifname, .log = log, .nl_fd = -1
	};
}

int guard_follow_start(struct guard_follow *g)
{
	/* 0 (every event counts) should the name not resolve. */
	g->ifindex = (int)if_nametoindex(g->ifname);
	g->nl_fd = nl_watch_open();
	if (g->nl_fd < 0) {
		slog(g->log, SLOG_ERROR,
		     "couldn't follow address and route events: %s",
		     errstr(g->nl_fd));
		return g->nl_fd;
	}
	return 0;
}

void guard_follow_changed(struct guard_follow *g)
{
	g->dirty = true;
	guard_follow_tick(g);
}

/* Each conflict not logged yet, at WARN, then marked as logged. */
static void log_conflicts(const struct guard_follow *g,
			  const struct ndpr_maps *m)
{
	char addr[INET6_ADDRSTRLEN], mac[18];
	struct guard_conflict *v = NULL;
	size_t n = 0;

	if (guards_conflicts(m, &v, &n))
		return;
	for (size_t i = 0; i < n; i++) {
		if (v[i].c.logged)
			continue;
		inet_ntop(AF_INET6, &v[i].addr, addr, sizeof(addr));
		mac_format(v[i].c.mac, mac, sizeof(mac));
		slog(g->log, SLOG_WARN,
		     "conflict: %s is in use by %s (%s, seen on %s): no longer "
		     "answered; 'ndpresponder prefix clear-conflict %s %s' "
		     "answers it again",
		     addr, mac, conflict_how_name(v[i].c.how), g->ifname,
		     g->ifname, addr);
		guards_conflict_logged(m, &v[i]);
	}
	free(v);
}

void guard_follow_tick(struct guard_follow *g)
{
	struct ndpr_maps m = NDPR_MAPS_INIT;
	size_t n;

	if (g->nl_fd >= 0 && nl_watch_drain(g->nl_fd, g->ifindex) != 0)
		g->dirty = true;
	if (++g->ticks % GUARD_RESYNC_TICKS == 0)
		g->dirty = true;
	if (maps_open_quiet(g->pd, &m))
		return;
	log_conflicts(g, &m);
	if (g->dirty && !pin_lock(g->pd)) {
		if (!guards_refresh(&m, g->ifname, NULL, &n)) {
			g->dirty = false;
			slog(g->log, SLOG_DEBUG, "guards: %zu addresses", n);
		}
		pin_unlock(g->pd);
	}
	maps_close(&m);
}

void guard_follow_stop(struct guard_follow *g)
{
	if (g->nl_fd >= 0)
		close(g->nl_fd);
	g->nl_fd = -1;
}

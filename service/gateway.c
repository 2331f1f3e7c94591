// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <arpa/inet.h>
#include <errno.h>
#include <linux/neighbour.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "gateway.h"
#include "iface.h"
#include "log.h"
#include "netlink.h"

void gw_pin_init(struct gw_pin *g, const char *ifname, int ifindex,
		 const struct slog *log)
{
	memset(g, 0, sizeof(*g));
	g->ifname = ifname;
	g->ifindex = ifindex;
	g->log = log;
	g->state = GW_FIND;
}

/* Any datagram to the gateway makes the kernel resolve or confirm it. */
static void nudge(const struct gw_pin *g)
{
	struct sockaddr_in6 to = {
		.sin6_family = AF_INET6,
		.sin6_port = htons(9), /* discard */
		.sin6_addr = g->gw,
		.sin6_scope_id = (uint32_t)g->ifindex,
	};
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return;
	sendto(fd, "", 0, MSG_DONTWAIT, (struct sockaddr *)&to, sizeof(to));
	close(fd);
}

enum gw_state gw_pin_step(struct gw_pin *g)
{
	char addr[INET6_ADDRSTRLEN], mac[18];
	uint16_t state;
	uint8_t lladdr[6];
	int ret;

	switch (g->state) {
	case GW_FIND:
		if (nl_default_gateway(g->ifindex, &g->gw)) {
			if (!g->warned)
				slog(g->log, SLOG_WARN,
				     "no IPv6 default gateway on %s yet; will "
				     "pin it when it appears",
				     g->ifname);
			g->warned = true;
			return g->state;
		}
		inet_ntop(AF_INET6, &g->gw, addr, sizeof(addr));
		slog(g->log, SLOG_INFO, "found gateway %s on %s", addr,
		     g->ifname);
		g->state = GW_WAIT;
		/* fall through */
	case GW_WAIT:
		inet_ntop(AF_INET6, &g->gw, addr, sizeof(addr));
		ret = nl_neigh_get(g->ifindex, &g->gw, &state, lladdr);
		if (!ret && (state & (NUD_NOARP | NUD_PERMANENT))) {
			slog(g->log, SLOG_INFO, "gateway %s already pinned",
			     addr);
			g->state = GW_PINNED;
			return g->state;
		}
		if (ret || !(state & NUD_REACHABLE)) {
			slog(g->log, SLOG_DEBUG,
			     "waiting for gateway %s to be reachable", addr);
			nudge(g);
			return g->state;
		}
		ret = nl_neigh_set(g->ifindex, &g->gw, lladdr, NUD_NOARP);
		mac_format(lladdr, mac, sizeof(mac));
		if (ret) {
			slog(g->log, SLOG_ERROR,
			     "couldn't pin gateway %s (%s): %s", addr, mac,
			     errstr(ret));
			return g->state;
		}
		slog(g->log, SLOG_INFO, "pinned gateway %s at %s (NOARP)", addr,
		     mac);
		g->ours = true;
		memcpy(g->lladdr, lladdr, sizeof(g->lladdr));
		g->state = GW_PINNED;
		/* fall through */
	case GW_PINNED:
		break;
	}
	return g->state;
}

void gw_pin_undo(struct gw_pin *g, bool keep)
{
	char addr[INET6_ADDRSTRLEN];
	int ret;

	if (!g->ours)
		return;
	inet_ntop(AF_INET6, &g->gw, addr, sizeof(addr));
	if (keep) {
		slog(g->log, SLOG_INFO,
		     "leaving gateway %s pinned (NOARP), as --keep asks; 'ip "
		     "-6 neigh del %s dev %s' unpins it",
		     addr, addr, g->ifname);
		return;
	}
	ret = nl_neigh_set(g->ifindex, &g->gw, g->lladdr, NUD_STALE);
	if (ret)
		slog(g->log, SLOG_ERROR, "couldn't unpin gateway %s: %s", addr,
		     errstr(ret));
	else
		slog(g->log, SLOG_INFO, "unpinned gateway %s (NOARP undone)",
		     addr);
	g->ours = false;
}

/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The service's side of Docker mode: what docker.c learns goes into the
 * prefix maps, one origin per network, and each new address is announced.
 */
#ifndef NDPR_DOCKER_FOLLOW_H
#define NDPR_DOCKER_FOLLOW_H

#include <stdbool.h>

#include "announce.h"
#include "docker.h"
#include "maps.h"
#include "metrics.h"
#include "pins.h"
#include "slog.h"

struct docker_follow {
	const char *ifname;
	int ifindex;
	struct pin_dir *pd;
	const struct slog *log;
	const char *const *nets;
	int n;
	struct ndpr_maps maps;
	struct announcer ann;
	struct docker docker;
	struct in6_addr guarded[64]; /* refused as guarded, logged once */
	unsigned int nguarded;
	/* The uplink's own addresses and gateways, answered or not, as of
	 * at (CLOCK_MONOTONIC ms): an event's address that is none of them
	 * needs no refresh of the guards, whose dump reads every address
	 * and route of the host (a veth per container). */
	struct prefix_set cand;
	uint64_t cand_at;
	struct metrics_docker stats; /* what apply did, for the metrics */
};

/* Nothing is opened yet: docker_follow_stop may be called after this. */
void docker_follow_init(struct docker_follow *f, struct pin_dir *pd,
			const struct slog *log, const char *const *nets, int n);
/* Opens the maps and a packet socket, then connects to Docker. */
int docker_follow_start(struct docker_follow *f, const char *ifname,
			int ifindex);
/* Closes what start opened; with forget, the entries learned go too. */
void docker_follow_stop(struct docker_follow *f, bool forget);

#endif

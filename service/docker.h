/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Docker network mode: the IPv6 addresses of the containers attached to
 * the named networks, learned from the Docker Engine API (or Podman's
 * Docker-compatible one) over its UNIX socket and kept current by its
 * event stream. An event costs one container's inspection, applied as a
 * change of that container's entries, which goes to the owner as the keys
 * gained and lost (the cost of an event does not grow with the network);
 * a resync of each network every 30 s is the safety net, applied as its
 * whole set, so a missed event costs nothing but a late resync. A new
 * address is announced once its container runs (its start event, or the
 * inspection of a running one), never at its connect: see README,
 * "Docker mode", for why.
 *
 * Docker 20.10 answers the inspection of a container being started only
 * once its start ends, seconds after its connect under load; the network's
 * own list has the address at the connect. So a connect whose inspection
 * has not answered within DOCKER_EARLY_MS is served by an early read of
 * its network: one for every connect then waiting (at most one in flight,
 * one every DOCKER_EARLY_EVERY_MS), of which only the waiting containers'
 * addresses are taken, never announced; their inspections still confirm
 * or remove them. The cost is bounded per time, not per event.
 *
 * All I/O is non-blocking and driven by the service's poll loop
 * (docker_pollfds, docker_timeout_ms, docker_process): a hung or frozen
 * engine never delays the service's signals, reloads or events. At most
 * one network or /_ping request is in flight, and DOCKER_INSPECTS
 * inspections, besides the event stream.
 */
#ifndef NDPR_DOCKER_H
#define NDPR_DOCKER_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/un.h>

#include "docker_http.h"
#include "docker_json.h"
#include "docker_table.h"
#include "prefix.h"
#include "slog.h"

#define DOCKER_MAX_NETWORKS 32
#define DOCKER_INSPECTS	    8 /* inspections in flight at once */
/* The request, the event stream and the inspections. */
#define DOCKER_POLLFDS	   (2 + DOCKER_INSPECTS)
#define DOCKER_REFUSED_LOG 1024 /* refused addresses remembered */
#define DOCKER_JOBS	   4096 /* containers waiting for inspection */

/* A connect whose inspection has not answered DOCKER_EARLY_MS after it
 * waits for an early read; one starts at most every DOCKER_EARLY_EVERY_MS
 * (from the start of the last) and serves up to DOCKER_EARLY_MAX of them. */
#define DOCKER_EARLY_MS	      250
#define DOCKER_EARLY_EVERY_MS 500
#define DOCKER_EARLY_MAX      256

/* Called with the complete set of a network's addresses (as /128s). */
typedef int (*docker_apply_fn)(void *ctx, uint16_t origin, const char *net,
			       struct prefix_set *addrs);
/* Called with what changed since: the addresses (/128s) the network gained,
 * and those it lost, both sorted, disjoint. */
typedef int (*docker_apply_keys_fn)(void *ctx, uint16_t origin, const char *net,
				    struct prefix_set *add,
				    struct prefix_set *del);
/* Called for an address to announce, once apply has it in the maps. */
typedef void (*docker_announce_fn)(void *ctx, const struct in6_addr *addr);

/* A container to inspect, and why. */
struct docker_job {
	char id[DOCKER_ID_LEN];
	bool start; /* it started: announce what it has */
	bool leave; /* only removals (Podman's disconnect): a late reply
		     * must not add back what a die event removed */
	/* The networks (bits) whose connects wait for an early read, and
	 * from when one may serve them. */
	uint32_t early;
	uint64_t early_at;
};

/* An inspection in flight. */
struct docker_ins {
	struct http_conn conn;
	struct docker_job job;
};

struct docker_net {
	const char *name;
	uint16_t origin; /* tag of its entries in the prefix maps */
	bool exists;
	bool dirty;   /* an event or a timer asked for a resync */
	bool bad;     /* its last reply was refused (logged once) */
	bool missing; /* 404 was logged */
	bool changed; /* its set is to be applied whole */
	/* Its IPv6 subnets, from its last read: an address outside them is
	 * refused. Until a read, an inspection's address waits for one. */
	struct prefix subnets[DOCKER_SUBNETS];
	int nsubnets;
	bool subnets_known;
};

/* What was refused, for the stop summary (README: Docker mode). */
struct docker_stats {
	unsigned long long long_lines, big_replies, many_containers;
	unsigned long long bad_replies, bad_addrs, stream_failures;
	unsigned long long events, inspects, jobs_dropped;
	unsigned long long early_reads, early_adds;
};

struct docker {
	char sock[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct docker_net nets[DOCKER_MAX_NETWORKS];
	int nnets;
	struct http_conn req; /* a /networks or /_ping request */
	int req_net;	      /* its network, or REQ_PING */
	bool req_early;	      /* an early read, not a resync */
	uint64_t early_next;  /* no early read starts before */
	uint64_t req_gen;     /* the table's generation when a read began */
	/* Inspections in flight: each may wait for its container's start to
	 * end (Docker holds the container's lock), and must not hold the
	 * others up. */
	struct docker_ins ins[DOCKER_INSPECTS];
	struct docker_job *jobs; /* a ring of DOCKER_JOBS waiting */
	unsigned int job_head, njobs;
	struct docker_table tab;
	struct prefix_set to_announce;
	struct http_conn ev; /* the event stream */
	struct line_split *lines;
	bool api_up, ev_up;
	uint64_t down_since, next_ping, next_resync;
	uint64_t ev_retry_at, ev_since, ev_summary_at;
	unsigned int ev_backoff; /* s */
	unsigned int ev_fails;	 /* since the last line about them */
	uint64_t refused[DOCKER_REFUSED_LOG];
	unsigned int nrefused;
	struct docker_stats stats;
	docker_apply_fn apply;
	docker_apply_keys_fn apply_keys;
	docker_announce_fn announce;
	void *ctx;
	const struct slog *log;
};

/* Whether this build has Docker mode (not with make NO_DOCKER=1). */
bool docker_supported(void);

/* The socket: DOCKER_HOST=unix://PATH or /var/run/docker.sock. -EINVAL
 * after a message for any other DOCKER_HOST: checked before attaching. */
int docker_sock_path(char *buf, size_t len);

int docker_init(struct docker *d, const char *const *names, int n,
		const uint16_t *origins, docker_apply_fn apply,
		docker_apply_keys_fn apply_keys, docker_announce_fn announce,
		void *ctx, const struct slog *log);
/* Logs what was refused, if anything, and frees. */
void docker_free(struct docker *d);

/* Starts: the event stream, then a resync of every network. */
void docker_connect(struct docker *d);

/* The fds to wait for (up to DOCKER_POLLFDS), in p; returns how many. */
int docker_pollfds(const struct docker *d, struct pollfd *p);
/* Milliseconds until docker_process has a timer to serve. */
int docker_timeout_ms(const struct docker *d);
/* Acts on the fds' readiness (p, n as docker_pollfds gave them, revents
 * filled in) and on the timers due; applies what it learns. */
void docker_process(struct docker *d, const struct pollfd *p, int n);

#endif

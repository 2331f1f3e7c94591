/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What the Docker Engine API sends, read as hostile input: a network
 * object (GET /networks/NAME) into the set of its containers' addresses,
 * and the event stream split into bounded lines. Pure functions, no I/O:
 * the unit tests and fuzz_docker call them as docker.c does.
 */
#ifndef NDPR_DOCKER_JSON_H
#define NDPR_DOCKER_JSON_H

#include <stdbool.h>
#include <stddef.h>

#include "prefix.h"

/* The caps on what one reply may hold (README: Docker mode). */
#define DOCKER_REPLY_MAX      (4u << 20)  /* octets of a /networks reply */
#define DOCKER_CONTAINERS_MAX 8192	  /* containers of one network */
#define DOCKER_LINE_MAX	      (64u << 10) /* octets of one event line */

/* Octets of a container ID with its NUL (64 hex digits from the
 * engines; any [0-9A-Za-z_.-] is accepted, to be sent back escaped). */
#define DOCKER_ID_LEN 65

/* Called for each address refused, with the string and the reason. */
typedef void (*docker_refuse_fn)(void *ctx, const char *addr, const char *why);

/* The container IDs of a decoded network, one per address, in step. */
struct docker_ids {
	char (*v)[DOCKER_ID_LEN];
	size_t n, cap;
};

void docker_ids_free(struct docker_ids *ids);

/*
 * Decodes a network object: {"Containers": {ID: {"IPv6Address":
 * "ADDR/LEN", ...}, ...}, ...}, nothing after it. Containers with an empty
 * or absent IPv6Address have none; every other address must be exactly
 * ADDR/LEN and pass prefix_parse's rules as a /128, or it is refused
 * through refuse (the rest are kept). Returns 0 with the addresses added
 * to out (and, when ids is given, their containers' IDs to it), or -EBADMSG (wrong shape, trailing data), -E2BIG (over
 * DOCKER_CONTAINERS_MAX) or -ENOMEM with out unchanged and a reason in
 * why.
 */
int docker_net_decode(const char *body, size_t len, struct prefix_set *out,
		      struct docker_ids *ids, docker_refuse_fn refuse,
		      void *ctx, char *why, size_t whylen);

#define DOCKER_SUBNETS 8 /* IPv6 subnets of one network, kept */

/*
 * The IPv6 subnets of a network object (IPAM.Config[].Subnet, "ADDR/LEN"),
 * up to max of them, into v: how many, or -EBADMSG for a reply that is not
 * a network. The IPv4 ones, and any that does not parse, are skipped.
 */
int docker_net_subnets(const char *body, size_t len, struct prefix *v, int max);

/*
 * A container object (GET /containers/ID/json), of Docker or Podman, whose
 * Id must be id (the one asked): whether it runs (State.Running) in
 * running, and for each of the n
 * network names, the container's address on it
 * (NetworkSettings.Networks[NAME].GlobalIPv6Address, a bare address that
 * must pass prefix_parse's rules as a /128, else it is refused through
 * refuse) in addrs[i], has[i] false when it has none there. Returns 0, or
 * -EBADMSG with a reason in why.
 */
int docker_ctr_decode(const char *body, size_t len, const char *id,
		      const char *const *nets, int n, struct prefix *addrs,
		      bool *has, bool *running, docker_refuse_fn refuse,
		      void *ctx, char *why, size_t whylen);

/* What an event line says, for Docker mode. */
enum docker_ev_kind {
	DOCKER_EV_NONE,	 /* nothing Docker mode acts on */
	DOCKER_EV_NET,	 /* a network created or destroyed: net */
	DOCKER_EV_JOIN,	 /* a container connected or started: id */
	DOCKER_EV_LEAVE, /* a container disconnected: id (and net if known) */
	DOCKER_EV_GONE,	 /* a container died or was removed: id */
};

struct docker_event {
	enum docker_ev_kind kind;
	bool start;    /* JOIN by the container's start: its interface is up */
	char net[256]; /* a network event's network, or "" */
	char id[DOCKER_ID_LEN]; /* the container, or "" */
};

/*
 * Decodes an event line of either engine. Docker names a network event's
 * network in Actor.Attributes.name and its container in .container;
 * Podman names the container in both Actor.ID and .name, never the
 * network. Returns false for a line that is not an event.
 */
bool docker_event_decode(const char *line, size_t len, struct docker_event *ev);

/* The event stream's bytes, cut into lines of at most DOCKER_LINE_MAX. */
struct line_split {
	char buf[DOCKER_LINE_MAX];
	size_t len;
};

typedef void (*line_fn)(void *ctx, const char *line, size_t len);

/*
 * Feeds n octets; calls fn for each complete line (without its newline,
 * empty lines skipped). Returns 0, or -EMSGSIZE when a line grows over
 * DOCKER_LINE_MAX: the stream is then not to be trusted (what is left of
 * the buffer is dropped).
 */
int line_split_feed(struct line_split *ls, const char *data, size_t n,
		    line_fn fn, void *ctx);

#endif

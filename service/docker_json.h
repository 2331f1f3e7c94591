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
#define DOCKER_REPLY_MAX      (4u << 20) /* octets of a /networks reply */
#define DOCKER_CONTAINERS_MAX 8192 /* containers of one network */
#define DOCKER_LINE_MAX	      (64u << 10) /* octets of one event line */

/* Called for each address refused, with the string and the reason. */
typedef void (*docker_refuse_fn)(void *ctx, const char *addr, const char *why);

/*
 * Decodes a network object: {"Containers": {ID: {"IPv6Address":
 * "ADDR/LEN", ...}, ...}, ...}, nothing after it. Containers with an empty
 * or absent IPv6Address have none; every other address must be exactly
 * ADDR/LEN and pass prefix_parse's rules as a /128, or it is refused
 * through refuse (the rest are kept). Returns 0 with the addresses added
 * to out, or -EBADMSG (wrong shape, trailing data), -E2BIG (over
 * DOCKER_CONTAINERS_MAX) or -ENOMEM with out unchanged and a reason in
 * why.
 */
int docker_net_decode(const char *body, size_t len, struct prefix_set *out,
		      docker_refuse_fn refuse, void *ctx, char *why,
		      size_t whylen);

/*
 * The network an event line names, if it is a network event (Type
 * "network", Actor.Attributes.name a string): copied into name, true.
 */
bool docker_event_network(const char *line, size_t len, char *name,
			  size_t namelen);

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

/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Docker network mode: the IPv6 addresses of the containers attached to
 * the named networks, learned from the Docker Engine API over its UNIX
 * socket (libcurl) and kept current by its event stream. Every change
 * goes to the owner as the whole set of one network, so a missed event
 * costs nothing but a late resync.
 */
#ifndef NDPR_DOCKER_H
#define NDPR_DOCKER_H

#include <stdbool.h>
#include <stdint.h>
#include <curl/curl.h>

#include "prefix.h"
#include "slog.h"

#define DOCKER_MAX_NETWORKS 32

/* Called with the complete set of a network's addresses (as /128s). */
typedef int (*docker_apply_fn)(void *ctx, uint16_t origin, const char *net,
			       struct prefix_set *addrs);

struct docker_net {
	const char *name;
	uint16_t origin; /* tag of its entries in the prefix maps */
	bool exists;
	bool dirty; /* an event asked for a resync */
};

struct docker {
	char sock[4096];
	struct docker_net nets[DOCKER_MAX_NETWORKS];
	int nnets;
	CURL *api;    /* short requests */
	CURLM *multi; /* the event stream */
	CURL *stream;
	char *line;   /* partial event line */
	size_t line_len, line_cap;
	bool connected;
	unsigned int backoff; /* seconds before the next attempt */
	unsigned int wait;    /* ticks left until it */
	docker_apply_fn apply;
	void *ctx;
	const struct slog *log;
};

/* Whether this build has Docker mode (the static one has not). */
bool docker_supported(void);

/* DOCKER_HOST=unix://PATH or /var/run/docker.sock; -EINVAL for others. */
int docker_init(struct docker *d, const char *const *names, int n,
		const uint16_t *origins, docker_apply_fn apply, void *ctx,
		const struct slog *log);
void docker_free(struct docker *d);

/* Connects the event stream, then resyncs every network. Failures are
 * logged and retried by docker_tick with backoff. */
void docker_connect(struct docker *d);

/*
 * Runs the event stream for up to timeout_ms, also waiting on the extra
 * fds (the service's own); their revents are filled in. Applies resyncs
 * that events asked for. Returns 0 or a negative errno.
 */
int docker_poll(struct docker *d, struct curl_waitfd *extra, unsigned int n,
		int timeout_ms);

/* Once a second: reconnects after a failure, with backoff. */
void docker_tick(struct docker *d);

#endif

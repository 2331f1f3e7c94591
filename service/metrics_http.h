/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * run's metrics endpoint (--metrics-listen ADDR:PORT): GET /metrics in
 * the Prometheus text format, or OpenMetrics when Accept asks for it,
 * served by libmicrohttpd (metrics_http.c), or refused by a build without
 * it (metrics_none.c, the static one).
 */
#ifndef NDPR_METRICS_HTTP_H
#define NDPR_METRICS_HTTP_H

#include <pthread.h>
#include <stdbool.h>

#include "maps.h"
#include "metrics.h"
#include "pins.h"

struct MHD_Daemon;

struct metrics_http {
	int listen_fd;
	struct MHD_Daemon *mhd;
	const char *ifname;
	const struct pin_dir *pd;
	struct ndpr_maps maps; /* opened for the server's thread */
	bool docker;	       /* Docker mode on: its families too */
	pthread_mutex_t lock;  /* guards what the service publishes */
	struct metrics_docker published;
};

/* Whether this build has the endpoint (the static one has not). */
bool metrics_http_supported(void);

/* Nothing is open yet: metrics_http_stop may be called after this. */
void metrics_http_init(struct metrics_http *h);
/* Binds and listens on "IPV4:PORT" or "[IPV6]:PORT", before the attach,
 * so that a bad address or a taken port fails first, with one line. */
int metrics_http_listen(struct metrics_http *h, const char *addr);
/* Opens the maps and starts serving, in a thread of its own: after the
 * capabilities were dropped, which a new thread inherits. */
int metrics_http_start(struct metrics_http *h, const char *ifname,
		       const struct pin_dir *pd, bool docker);
/* What the service knows, for the next scrapes. */
void metrics_http_publish(struct metrics_http *h,
			  const struct metrics_docker *d);
void metrics_http_stop(struct metrics_http *h);

#endif

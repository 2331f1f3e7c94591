/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The foreground service behind `run`: it attaches (or adopts the
 * responder already attached, without a gap), keeps the static prefixes
 * equal to its configuration, logs every event, and on SIGTERM/SIGINT
 * detaches unless told to keep. Killed outright, it leaves the responder
 * answering for the next run to adopt.
 */
#ifndef NDPR_SERVICE_H
#define NDPR_SERVICE_H

#include <stdbool.h>

#include "docker.h"
#include "responder.h"

struct service_opts {
	struct attach_opts attach; /* its prefixes: -n and -x */
	const char *config;	   /* more prefixes, re-read on SIGHUP */
	bool keep;		   /* leave the responder attached on exit */
	bool pin_gateway;
	bool log_json;
	const char *metrics_listen; /* ADDR:PORT of the endpoint, or NULL */
	const char *docker_nets[DOCKER_MAX_NETWORKS];
	int ndocker;
	/*
	 * What SIGHUP may change in place besides the prefixes: the log
	 * format and the log rate, from the configuration's option lines
	 * read again (the command line's still win). NULL: nothing.
	 */
	int (*reload)(const struct service_opts *so, bool *log_json,
		      uint32_t *log_rate, bool *log_rate_set);
};

/* Runs until SIGTERM or SIGINT (0), or until the responder vanishes
 * (-ENOLINK); a negative errno after a message if it cannot start. */
int service_run(const struct service_opts *so);

#endif

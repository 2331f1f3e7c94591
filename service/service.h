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

/* What a reload may change in place; the service owns the prefixes. */
struct service_reload {
	bool log_json;
	uint32_t log_rate;
	bool force;
	uint8_t route_flags; /* --route-check: NDPR_PF_ROUTE_* */
	bool pin_gateway;
	bool empty; /* FILE had no entry and no option line (truncated?) */
	/* -n and -x of the option lines and the command line, their route
	 * check the --route-check default's: a change of it is a change of
	 * each entry, made in place by the sync. */
	struct prefix_set prefixes;
};

struct service_opts {
	struct attach_opts attach; /* its prefixes: -n and -x */
	const char *config;	   /* more prefixes, re-read on SIGHUP */
	bool config_empty;	   /* it had no line with a word at start */
	bool keep;		   /* leave the responder attached on exit */
	bool pin_gateway;
	bool log_json;
	const char *metrics_listen; /* ADDR:PORT of the endpoint, or NULL */
	const char *docker_nets[DOCKER_MAX_NETWORKS];
	int ndocker;
	/*
	 * What SIGHUP changes in place (struct service_reload), from the
	 * configuration's option lines read again with the command line's
	 * on top; it names each option that needs a restart and keeps it.
	 * A negative errno: nothing changes, and err says why (empty: said
	 * already). NULL: nothing but the file's prefixes.
	 */
	int (*reload)(const struct service_opts *so, struct service_reload *r,
		      char *err, size_t errlen);
};

/* Runs until SIGTERM or SIGINT (0), or until the responder vanishes
 * (-ENOLINK); a negative errno after a message if it cannot start. */
int service_run(const struct service_opts *so);

#endif

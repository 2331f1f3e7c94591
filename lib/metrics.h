/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The metrics exposition, written into a buffer: the Prometheus text
 * format (0.0.4) or OpenMetrics 1.0. One writer for `run`'s endpoint and
 * `stats --format prometheus`, so the two cannot drift apart.
 *
 * A family is opened with its base name (metrics_family), then its samples
 * follow. Counters are named without _total: the writer adds it where each
 * format wants it (Prometheus: family and samples; OpenMetrics: samples
 * only). An info family "x" is the gauge x_info in the Prometheus format.
 */
#ifndef NDPR_METRICS_H
#define NDPR_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "maps.h"
#include "pins.h"
#include "procstat.h"

enum metrics_format {
	METRICS_PROMETHEUS,
	METRICS_OPENMETRICS,
};

enum metric_type {
	METRIC_COUNTER,
	METRIC_GAUGE,
	METRIC_INFO,
};

struct metrics_out {
	enum metrics_format fmt;
	char *buf; /* NUL-terminated; the caller frees it */
	size_t len, cap;
	int err;	  /* the first failure, -ENOMEM */
	char family[128]; /* the open family's sample name */
};

#define METRICS_CONTENT_TYPE_PROMETHEUS \
	"text/plain; version=0.0.4; charset=utf-8"
#define METRICS_CONTENT_TYPE_OPENMETRICS \
	"application/openmetrics-text; version=1.0.0; charset=utf-8"

void metrics_init(struct metrics_out *o, enum metrics_format fmt);
/* Ends the exposition (OpenMetrics' "# EOF"); 0 or the first failure. */
int metrics_finish(struct metrics_out *o);
void metrics_free(struct metrics_out *o);

/* Whether an Accept header asks for OpenMetrics (with a q above 0). */
bool metrics_wants_openmetrics(const char *accept);

/* HELP and TYPE lines of a family. */
void metrics_family(struct metrics_out *o, const char *name,
		    enum metric_type type, const char *help);
/* A sample of the open family; labels is NULL or name, value pairs ending
 * in NULL. Values are escaped. */
void metrics_sample(struct metrics_out *o, const char *const *labels,
		    double value);
void metrics_sample_u64(struct metrics_out *o, const char *const *labels,
			uint64_t value);

/* Label values of outcomes: "passed_no_match" for NDPR_C_passed_no_match,
 * straight from the counter table. */
const char *metrics_outcome(int idx);

/* The kinds of prefix entries, the kind label. */
enum metrics_kind {
	METRICS_KIND_ANSWER,
	METRICS_KIND_ROUTE_CHECK,
	METRICS_KIND_ROUTE_CHECK_NEIGH,
	METRICS_KIND_EXCLUDE,
	METRICS_KINDS,
};
const char *metrics_kind_name(int kind);
int metrics_kind_of(const struct prefix *p);

/* What one responder's maps and link say, read at once. */
struct metrics_responder {
	const char *ifname;
	struct ndpr_counters counters;
	bool attached; /* the pinned link holds the interface */
	uint32_t prog_id;
	uint8_t mode; /* enum ndpr_mode */
	uint64_t attached_at;
	uint32_t hosts_cap, prefixes_cap;
	size_t hosts, prefixes; /* entries in each map */
	/* Entries by origin and kind, and the origins' names. */
	size_t entries[NDPR_MAX_ORIGINS][METRICS_KINDS];
	char origin[NDPR_MAX_ORIGINS][sizeof(struct ndpr_origin)];
};

/* Fills r from the maps and the pinned link of pd; 0 or a negative errno
 * (the counters could not be read). */
int metrics_responder_read(struct metrics_responder *r, const char *ifname,
			   const struct pin_dir *pd, const struct ndpr_maps *m);
/* The solicitation, event, prefix and program families of r. */
void metrics_responder_write(struct metrics_out *o,
			     const struct metrics_responder *r);
/* What is known of a responder that is not there: attached 0. */
void metrics_absent_write(struct metrics_out *o, const char *ifname);

/* What the service knows of Docker mode (run -N), for its families. */
struct metrics_docker {
	bool connected;	    /* the event stream is up */
	uint64_t last_sync; /* seconds since the epoch; 0: never */
	uint64_t syncs, sync_errors, added, removed;
};
void metrics_docker_write(struct metrics_out *o, const char *ifname,
			  const struct metrics_docker *d);

/* The process_* families of Prometheus' client libraries. */
void metrics_process(struct metrics_out *o, const struct proc_stats *ps);

/* ndpresponder_build_info{version,features} 1. */
void metrics_build_info(struct metrics_out *o, const char *features);

#endif

/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The process's own figures, from /proc/self, for the process_* metrics. */
#ifndef NDPR_PROCSTAT_H
#define NDPR_PROCSTAT_H

#include <stdint.h>

struct proc_stats {
	double cpu_seconds; /* user and system */
	uint64_t rss_bytes;
	double start_time; /* seconds since the epoch */
	uint64_t open_fds;
	uint64_t max_fds; /* RLIMIT_NOFILE's soft limit */
};

/* 0, or a negative errno when /proc/self could not be read. */
int proc_stats_read(struct proc_stats *ps);

#endif

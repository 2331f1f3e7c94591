/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* What both benchmark programs need: libbpf's messages by -v, the options
 * they share, a clock. */
#ifndef NDPR_BENCH_COMMON_H
#define NDPR_BENCH_COMMON_H

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include <bpf/libbpf.h>

/* -v: libbpf's info messages too; -vv: its debug messages too. */
static int verbose;

static inline int libbpf_print(enum libbpf_print_level level, const char *fmt,
			       va_list ap)
{
	if (level == LIBBPF_DEBUG && verbose < 2)
		return 0;
	if (level == LIBBPF_INFO && !verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/*
 * The getopt cases both programs share: -v, -h and the unknown ones.
 * Returns -1 when the program goes on (after -v), else its exit code.
 */
static inline int common_opt(int c, void (*usage)(FILE *f))
{
	switch (c) {
	case 'v':
		verbose++;
		return -1;
	case 'h':
		usage(stdout);
		return 0;
	default:
		usage(stderr);
		return 2;
	}
}

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif /* NDPR_BENCH_COMMON_H */

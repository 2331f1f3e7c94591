/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Two responders in turns on one XDP link, within one flood: the product
 * (the program the link holds) and another (the minimal responder), each
 * for a period, swapped with bpf_link_update. A VM's host slows a whole
 * second of the flood by more than the 5% that tells the two apart; what
 * disturbs one period disturbs the periods next to it as well, so the
 * ratio of a period's answers to those of the periods on either side
 * keeps what the programs cost and loses most of what the host does.
 */
#ifndef NDPR_BENCH_ALTERNATE_H
#define NDPR_BENCH_ALTERNATE_H

#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>

#include "common.h"

#define ALT_MAX_PERIODS 4096

struct alternate {
	int link_fd;
	int prog_fd[2]; /* 0: the link's own program, 1: the other */
	double period_s;
	long long (*count)(const void *arg); /* answers so far */
	const void *count_arg;
	volatile bool stop;
	/* Answers a second in period i, which ran prog_fd[i % 2]. */
	double rate[ALT_MAX_PERIODS];
	int n;
	int err;
	/* The kernel's run-time statistics (BPF_ENABLE_STATS) while the
	 * flood runs: each program's own time a packet, in the flood's
	 * cache state, clock reads included. */
	int stats_fd;
	__u64 run_ns[2], runs[2];
};

/* Adds sign times each program's run time and count so far. */
static inline void alt_stats(struct alternate *a, int sign)
{
	for (int i = 0; i < 2; i++) {
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);

		if (bpf_obj_get_info_by_fd(a->prog_fd[i], &info, &len))
			continue;
		a->run_ns[i] += (__u64)sign * info.run_time_ns;
		a->runs[i] += (__u64)sign * info.run_cnt;
	}
}

static inline void alt_sleep(double s)
{
	struct timespec ts = {
		.tv_sec = (time_t)s,
		.tv_nsec = (long)((s - (double)(time_t)s) * 1e9),
	};

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Opens the link pinned at pin and the program it holds now; other_fd
 * is the program to alternate with. Returns 0 or -errno. */
static inline int alt_open(struct alternate *a, const char *pin, int other_fd)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	int err;

	a->link_fd = bpf_obj_get(pin);
	if (a->link_fd < 0)
		return -errno;
	if (bpf_obj_get_info_by_fd(a->link_fd, &info, &len))
		goto fail;
	a->prog_fd[0] = bpf_prog_get_fd_by_id(info.prog_id);
	if (a->prog_fd[0] < 0)
		goto fail;
	a->prog_fd[1] = other_fd;
	a->stats_fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	alt_stats(a, -1);
	return 0;
fail:
	err = -errno;
	close(a->link_fd);
	return err;
}

/* Puts the link's own program back; the other's fd is not ours. */
static inline int alt_close(struct alternate *a)
{
	int err = bpf_link_update(a->link_fd, a->prog_fd[0], NULL);

	alt_stats(a, 1);
	if (a->stats_fd >= 0)
		close(a->stats_fd);
	close(a->prog_fd[0]);
	close(a->link_fd);
	return err ? -errno : 0;
}

/* The swapper: runs beside the flood's generator until stop. */
static inline void *alt_run(void *arg)
{
	struct alternate *a = arg;
	long long c0 = a->count(a->count_arg), c1;
	double t0 = now_s(), t1;

	while (!a->stop && a->n < ALT_MAX_PERIODS) {
		alt_sleep(a->period_s);
		c1 = a->count(a->count_arg);
		t1 = now_s();
		if (bpf_link_update(a->link_fd, a->prog_fd[(a->n + 1) % 2],
				    NULL)) {
			a->err = -errno;
			break;
		}
		a->rate[a->n++] = (double)(c1 - c0) / (t1 - t0);
		c0 = c1;
		t0 = t1;
	}
	return NULL;
}

/*
 * Period i of the link's own program over the other's periods on either
 * side, i - 1 and i + 1: a drift that is linear over the three cancels.
 * Returns how many ratios it wrote into out.
 */
static inline int alt_ratios(const struct alternate *a, double *out)
{
	int i, n = 0;

	for (i = 2; i + 1 < a->n; i += 2)
		if (a->rate[i - 1] + a->rate[i + 1] > 0)
			out[n++] = 2 * a->rate[i] /
				   (a->rate[i - 1] + a->rate[i + 1]);
	return n;
}

#endif

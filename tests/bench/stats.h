/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Median, min and max of a few runs, and the one line per figure that
 * tests/bench/run.sh collects:
 *   group <TAB> case <TAB> param <TAB> unit <TAB> median <TAB> min <TAB> max
 *   <TAB> runs
 */
#ifndef NDPR_BENCH_STATS_H
#define NDPR_BENCH_STATS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BENCH_MAX_RUNS 64

struct figure {
	double v[BENCH_MAX_RUNS];
	int n;
};

static inline void fig_add(struct figure *f, double v)
{
	if (f->n < BENCH_MAX_RUNS)
		f->v[f->n++] = v;
}

static inline int bench_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The q-quantile (0..1) of n values, sorted in place; nearest rank. */
static inline double quantile(double *v, size_t n, double q)
{
	size_t i;

	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), bench_cmp_double);
	i = (size_t)(q * (double)(n - 1) + 0.5);
	return v[i < n ? i : n - 1];
}

/* The median of an even count is the mean of the middle two. */
static inline double median(double *v, size_t n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), bench_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* One figure's line from n values, sorted in place. */
static inline void vals_print(const char *group, const char *name,
			      const char *param, const char *unit, double *v,
			      int n)
{
	double med;

	if (n <= 0)
		return;
	med = median(v, (size_t)n);
	printf("%s\t%s\t%s\t%s\t%.6g\t%.6g\t%.6g\t%d\n", group, name, param,
	       unit, med, v[0], v[n - 1], n);
	fflush(stdout);
}

static inline void fig_print(const char *group, const char *name,
			     const char *param, const char *unit,
			     struct figure *f)
{
	vals_print(group, name, param, unit, f->v, f->n);
}

/* A figure measured once (a size, a count): median = min = max. */
static inline void fig_print_one(const char *group, const char *name,
				 const char *param, const char *unit, double v)
{
	struct figure f = { .n = 0 };

	fig_add(&f, v);
	fig_print(group, name, param, unit, &f);
}

#endif /* NDPR_BENCH_STATS_H */

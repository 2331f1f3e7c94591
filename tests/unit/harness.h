/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A minimal test harness: each check prints "PASS: name" or
 * "FAIL: name: why"; tests/run.sh counts those lines.
 */
#ifndef NDPR_TEST_HARNESS_H
#define NDPR_TEST_HARNESS_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int harness_failed;
static int harness_passed;

static inline void __attribute__((format(printf, 3, 4)))
harness_result(int ok, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (ok) {
		harness_passed++;
		printf("PASS: %s\n", name);
		return;
	}
	harness_failed++;
	printf("FAIL: %s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* Checks a condition inside a named test; false marks the test failed. */
#define CHECK(name, cond, ...)                                          \
	({                                                              \
		int __ok = !!(cond);                                    \
		if (!__ok)                                              \
			harness_result(0, name, __VA_ARGS__);           \
		__ok;                                                   \
	})

static inline void hexdump_diff(const unsigned char *got, size_t glen,
				const unsigned char *want, size_t wlen)
{
	size_t n = glen > wlen ? glen : wlen;

	for (size_t i = 0; i < n; i++) {
		int g = i < glen ? got[i] : -1;
		int w = i < wlen ? want[i] : -1;

		if (g != w)
			printf("    byte %zu: got %02x want %02x\n", i,
			       g & 0xff, w & 0xff);
	}
}

static inline int harness_exit(void)
{
	printf("%d passed, %d failed\n", harness_passed, harness_failed);
	return harness_failed ? 1 : 0;
}

#endif

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
#define CHECK(name, cond, ...)                                \
	({                                                    \
		int __ok = !!(cond);                          \
		if (!__ok)                                    \
			harness_result(0, name, __VA_ARGS__); \
		__ok;                                         \
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

/* The whole frame, 16 octets a line, under what it is. */
static inline void print_frame(const char *what, const unsigned char *b,
			       size_t len)
{
	size_t i;

	printf("    %s (%zu octets):", what, len);
	for (i = 0; i < len; i++)
		printf("%s%02x", i % 16 ? " " : "\n      ", b[i]);
	printf("\n");
}

/* What went into the program and what came out, under a FAIL line. */
static inline void print_in_out(const unsigned char *in, size_t inlen,
				const unsigned char *out, size_t outlen)
{
	print_frame("input", in, inlen);
	print_frame("output", out, outlen);
}

/*
 * A frame the program passed must leave it as it came in: else name
 * fails, and the octets that differ are shown.
 */
static inline int passed_unchanged(const char *name, const unsigned char *in,
				   size_t inlen, const unsigned char *out,
				   size_t outlen)
{
	if (outlen == inlen && !memcmp(out, in, inlen))
		return 1;
	harness_result(0, name, "passed frame was modified (%zu -> %zu octets)",
		       inlen, outlen);
	hexdump_diff(out, outlen, in, inlen);
	return 0;
}

static inline int harness_exit(void)
{
	printf("%d passed, %d failed\n", harness_passed, harness_failed);
	return harness_failed ? 1 : 0;
}

#endif

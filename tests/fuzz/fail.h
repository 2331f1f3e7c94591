/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* How a fuzz target ends on what it cannot go on with. */
#ifndef NDPR_FUZZ_FAIL_H
#define NDPR_FUZZ_FAIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * Prints "prefix: " and the message as one line on to, then ends the
 * process: abort() for a finding, so that libFuzzer keeps the input as a
 * crash file; exit(1) for a set-up that failed, which no input caused.
 */
static inline void __attribute__((format(printf, 4, 5), noreturn))
fuzz_fail(FILE *to, const char *prefix, bool finding, const char *fmt, ...)
{
	va_list ap;

	fprintf(to, "%s: ", prefix);
	va_start(ap, fmt);
	vfprintf(to, fmt, ap);
	va_end(ap);
	fputc('\n', to);
	fflush(to);
	if (finding)
		abort();
	exit(1);
}

#endif

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "log.h"

static bool verbose;

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	if (!verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void log_set_verbose(bool v)
{
	verbose = v;
	libbpf_set_print(libbpf_print);
}

bool log_verbose(void)
{
	return verbose;
}

void pr_err(const char *fmt, ...)
{
	va_list ap;

	fputs("ndpresponder: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void pr_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

void pr_debug(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

const char *errstr(int err)
{
	/* One buffer per call site would be nicer; messages print one
	 * error each, so a rotating pair is enough. */
	static __thread char buf[2][128];
	static __thread int n;
	char *b = buf[n++ & 1];

	if (err < 0)
		err = -err;
	if (err == EPERM || err == EACCES)
		snprintf(b, sizeof(buf[0]), "%s (%d): run as root",
			 strerror(err), err);
	else
		snprintf(b, sizeof(buf[0]), "%s (%d)", strerror(err), err);
	return b;
}

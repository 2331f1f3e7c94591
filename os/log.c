// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "log.h"

static bool verbose;

static void default_hook(void *ctx, enum log_level level, const char *fmt,
			 va_list ap)
{
	FILE *f = level == LOG_LEVEL_INFO ? stdout : stderr;

	if (level == LOG_LEVEL_ERR)
		fputs("ndpresponder: ", f);
	else if (level == LOG_LEVEL_WARN)
		fputs("ndpresponder: warning: ", f);
	vfprintf(f, fmt, ap);
	fputc('\n', f);
}

static log_hook_fn hook = default_hook;
static void *hook_ctx;

void log_set_hook(log_hook_fn fn, void *ctx)
{
	hook = fn ? fn : default_hook;
	hook_ctx = fn ? ctx : NULL;
}

static void __attribute__((format(printf, 2, 3)))
report(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hook(hook_ctx, level, fmt, ap);
	va_end(ap);
}

/* libbpf ends its lines with a newline; the hook takes messages. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	char *msg;
	int len;

	if (!verbose)
		return 0;
	len = vasprintf(&msg, fmt, ap);
	if (len < 0)
		return 0;
	if (len && msg[len - 1] == '\n')
		msg[len - 1] = '\0';
	report(level == LIBBPF_WARN ? LOG_LEVEL_WARN : LOG_LEVEL_DEBUG, "%s",
	       msg);
	free(msg);
	return len;
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

	va_start(ap, fmt);
	hook(hook_ctx, LOG_LEVEL_ERR, fmt, ap);
	va_end(ap);
}

void pr_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hook(hook_ctx, LOG_LEVEL_WARN, fmt, ap);
	va_end(ap);
}

void pr_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	hook(hook_ctx, LOG_LEVEL_INFO, fmt, ap);
	va_end(ap);
}

void pr_debug(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	hook(hook_ctx, LOG_LEVEL_DEBUG, fmt, ap);
	va_end(ap);
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

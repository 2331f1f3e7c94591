/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Messages: one line per failure. pr_err, pr_info, pr_debug and libbpf's
 * own messages (only with -v, as pr_debug) go to a hook, as libbpf's
 * libbpf_set_print does: by default stderr (pr_info: stdout); a service
 * sets one that writes its log format.
 */
#ifndef NDPR_LOG_H
#define NDPR_LOG_H

#include <stdarg.h>
#include <stdbool.h>

enum log_level {
	LOG_LEVEL_ERR,
	LOG_LEVEL_WARN,
	LOG_LEVEL_INFO,
	LOG_LEVEL_DEBUG,
};

/* One message, without a trailing newline. */
typedef void (*log_hook_fn)(void *ctx, enum log_level level, const char *fmt,
			    va_list ap);

/* NULL restores the default. ctx must outlive the hook. */
void log_set_hook(log_hook_fn fn, void *ctx);

void log_set_verbose(bool verbose);
bool log_verbose(void);
void pr_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "Operation not permitted (-1)", with a hint when privilege is missing. */
const char *errstr(int err);

#endif

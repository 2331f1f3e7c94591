/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Messages: one line per failure on stderr, libbpf's own only with -v. */
#ifndef NDPR_LOG_H
#define NDPR_LOG_H

#include <stdbool.h>

void log_set_verbose(bool verbose);
bool log_verbose(void);
void pr_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void pr_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "Operation not permitted (-1)", with a hint when privilege is missing. */
const char *errstr(int err);

#endif

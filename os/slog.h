/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The service's log: levels as the Go ndpresponder names them (its
 * NDPRESPONDER_LOG variable), plain text or one JSON object a line in the
 * shape of its zap encoder ("level", "ts", "msg", then fields).
 */
#ifndef NDPR_SLOG_H
#define NDPR_SLOG_H

#include <stdbool.h>
#include <stdio.h>

#include "log.h"

enum slog_level {
	SLOG_DEBUG,
	SLOG_INFO,
	SLOG_WARN,
	SLOG_ERROR,
	SLOG_FATAL,
};

struct slog {
	enum slog_level level;
	bool json;
	FILE *out;
	/* out is journald's stream (JOURNAL_STREAM names it): each line
	 * starts with its syslog priority, "<4>", and the text form leaves
	 * out the time, which the journal records itself. */
	bool journal;
};

/* Level from NDPRESPONDER_LOG (default INFO); -EINVAL if unknown. */
int slog_init(struct slog *l, bool json, FILE *out);
int slog_parse_level(const char *s, enum slog_level *level);

/* Logs msg with nf key/value string fields; NULL values are skipped. */
void slog_fields(const struct slog *l, enum slog_level level, const char *msg,
		 const char *const *keys, const char *const *vals, int nf);
void slog(const struct slog *l, enum slog_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * The log hook (log.h) that writes pr_err, pr_info, pr_debug and libbpf's
 * messages as lines of the struct slog ctx: with json, every line the
 * process prints is one JSON object. pr_debug and libbpf's messages come
 * only with -v, which asked for them: the level does not drop them.
 */
void slog_report(void *ctx, enum log_level level, const char *fmt, va_list ap);
/* Sends the process's reports to l, which must outlive them. */
void slog_take_reports(struct slog *l);

#endif

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <json-c/json.h>

#include "slog.h"

static const char *const level_names[] = { "debug", "info", "warn", "error",
					   "fatal" };

int slog_parse_level(const char *s, enum slog_level *level)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]);
	     i++) {
		if (!strcasecmp(s, level_names[i])) {
			*level = (enum slog_level)i;
			return 0;
		}
	}
	if (!strcasecmp(s, "warning")) {
		*level = SLOG_WARN;
		return 0;
	}
	return -EINVAL;
}

/* systemd sets JOURNAL_STREAM to "DEV:INODE" of the stream it connected
 * to stdout and stderr (systemd.exec(5)); a redirection makes it stale. */
static bool is_journal(FILE *out)
{
	const char *env = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (!env || sscanf(env, "%llu:%llu", &dev, &ino) != 2 ||
	    fstat(fileno(out), &st))
		return false;
	return (unsigned long long)st.st_dev == dev &&
	       (unsigned long long)st.st_ino == ino;
}

int slog_init(struct slog *l, bool json, FILE *out)
{
	const char *env = getenv("NDPRESPONDER_LOG");

	l->level = SLOG_INFO;
	l->json = json;
	l->out = out;
	l->journal = is_journal(out);
	if (env && *env)
		return slog_parse_level(env, &l->level);
	return 0;
}

/* syslog(3)'s priorities, as journald reads them from "<N>". */
static const int priorities[] = { 7, 6, 4, 3, 2 };

static void emit(const struct slog *l, enum slog_level level, const char *msg,
		 const char *const *keys, const char *const *vals, int nf)
{
	struct timespec ts;
	char tbuf[40];
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (l->journal)
		fprintf(l->out, "<%d>", priorities[level]);
	if (l->json) {
		json_object *o = json_object_new_object();

		json_object_object_add(
			o, "level", json_object_new_string(level_names[level]));
		json_object_object_add(
			o, "ts",
			json_object_new_double((double)ts.tv_sec +
					       ts.tv_nsec / 1e9));
		json_object_object_add(o, "msg", json_object_new_string(msg));
		for (int i = 0; i < nf; i++)
			if (vals[i])
				json_object_object_add(
					o, keys[i],
					json_object_new_string(vals[i]));
		fprintf(l->out, "%s\n",
			json_object_to_json_string_ext(
				o, JSON_C_TO_STRING_PLAIN |
					   JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else {
		gmtime_r(&ts.tv_sec, &tm);
		strftime(tbuf, sizeof(tbuf), "%Y-%m-%dT%H:%M:%S", &tm);
		if (!l->journal)
			fprintf(l->out, "%s.%03ldZ ", tbuf,
				ts.tv_nsec / 1000000);
		fprintf(l->out, "%-5s %s", level_names[level], msg);
		for (int i = 0; i < nf; i++)
			if (vals[i])
				fprintf(l->out, " %s=%s", keys[i], vals[i]);
		fputc('\n', l->out);
	}
	fflush(l->out);
}

void slog_fields(const struct slog *l, enum slog_level level, const char *msg,
		 const char *const *keys, const char *const *vals, int nf)
{
	if (level >= l->level)
		emit(l, level, msg, keys, vals, nf);
}

void slog(const struct slog *l, enum slog_level level, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (level < l->level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	slog_fields(l, level, msg, NULL, NULL, 0);
}

void slog_report(void *ctx, enum log_level level, const char *fmt, va_list ap)
{
	static const enum slog_level levels[] = {
		[LOG_LEVEL_ERR] = SLOG_ERROR,
		[LOG_LEVEL_WARN] = SLOG_WARN,
		[LOG_LEVEL_INFO] = SLOG_INFO,
		[LOG_LEVEL_DEBUG] = SLOG_DEBUG,
	};
	const struct slog *l = ctx;
	char *msg;

	if (levels[level] < l->level && level != LOG_LEVEL_DEBUG)
		return;
	if (vasprintf(&msg, fmt, ap) < 0)
		return;
	emit(l, levels[level], msg, NULL, NULL, 0);
	free(msg);
}

void slog_take_reports(struct slog *l)
{
	log_set_hook(slog_report, l);
}

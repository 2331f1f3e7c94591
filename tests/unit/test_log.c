// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the report hook: pr_err, pr_info and pr_debug through
 * slog's hook come out as the service's log lines (one JSON object each
 * under --log-format json), the level and -v gate them as documented, and
 * log_set_hook(NULL) takes the hook away again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <json-c/json.h>

#include "harness.h"
#include "log.h"
#include "slog.h"

struct capture {
	struct slog log;
	char *buf;
	size_t len;
};

static int capture_start(struct capture *c, bool json, enum slog_level level)
{
	c->buf = NULL;
	c->len = 0;
	c->log.out = open_memstream(&c->buf, &c->len);
	if (!c->log.out)
		return -1;
	c->log.json = json;
	c->log.level = level;
	c->log.journal = false;
	slog_take_reports(&c->log);
	return 0;
}

/* What the hook wrote; the caller frees it. */
static char *capture_stop(struct capture *c)
{
	log_set_hook(NULL, NULL);
	fclose(c->log.out);
	return c->buf;
}

static const char *field(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return NULL;
	return json_object_get_string(v);
}

/* out is one line holding one JSON object with this level and msg. */
static void check_one_object(const char *name, const char *out,
			     const char *level, const char *msg)
{
	const char *nl = strchr(out, '\n');
	json_object *o = json_tokener_parse(out);
	const char *got_level = o ? field(o, "level") : NULL;
	const char *got_msg = o ? field(o, "msg") : NULL;

	harness_result(
		nl && !nl[1] && o && json_object_is_type(o, json_type_object) &&
			got_level && !strcmp(got_level, level) && got_msg &&
			!strcmp(got_msg, msg) && field(o, "ts"),
		name,
		"expected one line {\"level\":\"%s\", \"ts\", "
		"\"msg\":\"%s\"}, got '%s'",
		level, msg, out);
	json_object_put(o);
}

static void native_unavailable(void)
{
	pr_info("%s: native XDP not available (%s); using generic mode", "eth0",
		"Operation not supported");
}

static void quoted_error(void)
{
	pr_err("couldn't %s", "attach \"quoted\"\n");
}

static void debug_line(void)
{
	pr_debug("asked for with %s", "-v");
}

/* A report under a level and -v, and the JSON line it makes (NULL: none). */
struct log_case {
	const char *name;
	enum slog_level level;
	bool verbose;
	void (*report)(void);
	const char *want_level;
	const char *want_msg;
};

static const struct log_case log_cases[] = {
	{ "log: pr_info through the hook is one JSON object", SLOG_INFO, false,
	  native_unavailable, "info",
	  "eth0: native XDP not available (Operation not supported); using "
	  "generic mode" },
	{ "log: pr_err is level error, escaped", SLOG_INFO, false, quoted_error,
	  "error", "couldn't attach \"quoted\"\n" },
	{ "log: the level drops pr_info under ERROR", SLOG_ERROR, false,
	  native_unavailable, NULL, NULL },
	{ "log: pr_debug without -v prints nothing", SLOG_INFO, false,
	  debug_line, NULL, NULL },
	{ "log: pr_debug with -v is logged at debug", SLOG_INFO, true,
	  debug_line, "debug", "asked for with -v" },
};

static void test_json(void)
{
	struct capture c;
	char *out;

	for (size_t i = 0; i < sizeof(log_cases) / sizeof(log_cases[0]); i++) {
		const struct log_case *lc = &log_cases[i];

		if (capture_start(&c, true, lc->level))
			return harness_result(0, lc->name, "no memstream");
		log_set_verbose(lc->verbose);
		lc->report();
		log_set_verbose(false);
		out = capture_stop(&c);
		if (lc->want_msg)
			check_one_object(lc->name, out, lc->want_level,
					 lc->want_msg);
		else
			harness_result(!out[0], lc->name, "printed '%s'", out);
		free(out);
	}
}

/* What pr_err(msg) writes on stderr; the caller frees it. */
static char *stderr_of_pr_err(const char *msg)
{
	FILE *tmp = tmpfile();
	char *buf = NULL;
	long len;
	int saved;

	if (!tmp)
		return NULL;
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	dup2(fileno(tmp), STDERR_FILENO);
	pr_err("%s", msg);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	/* stderr wrote through the descriptor: tmp's FILE never moved. */
	len = lseek(fileno(tmp), 0, SEEK_END);
	buf = len >= 0 ? calloc(1, (size_t)len + 1) : NULL;
	if (buf && pread(fileno(tmp), buf, (size_t)len, 0) != len)
		buf[0] = '\0';
	fclose(tmp);
	return buf;
}

static void test_text_and_reset(void)
{
	struct capture c;
	char *out, *err;

	if (capture_start(&c, false, SLOG_INFO))
		return;
	pr_info("plain %d", 1);
	out = capture_stop(&c);
	harness_result(
		strlen(out) > 16 &&
			!strcmp(out + strlen(out) - 14, "info  plain 1\n") &&
			!strchr(out, '{'),
		"log: text format gives the slog text line", "got '%s'", out);
	free(out);

	if (capture_start(&c, true, SLOG_INFO))
		return;
	log_set_hook(NULL, NULL);
	err = stderr_of_pr_err("back on stderr");
	fflush(c.log.out);
	harness_result(!c.len && err &&
			       !strcmp(err, "ndpresponder: back on "
					    "stderr\n"),
		       "log: log_set_hook(NULL) restores stderr's line",
		       "the removed hook got '%s', stderr '%s'", c.buf,
		       err ? err : "(no tmpfile)");
	fclose(c.log.out);
	free(c.buf);
	free(err);
}

/* A warning and an info line written to f by slog_init's log of it. */
static char *journal_lines(FILE *f, bool json)
{
	struct slog l;
	char *buf;
	long len;

	if (slog_init(&l, json, f))
		return NULL;
	slog(&l, SLOG_WARN, "gateway %s gone", "fe80::1");
	slog(&l, SLOG_INFO, "reload");
	len = ftell(f);
	buf = calloc(1, (size_t)len + 1);
	rewind(f);
	if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len)
		buf[0] = '\0';
	rewind(f);
	if (ftruncate(fileno(f), 0))
		buf[0] = '\0';
	return buf;
}

/* journald's stream, as JOURNAL_STREAM names it: "<N>" priorities and
 * no time of ours; any other stream keeps the time. */
static void test_journal(void)
{
	FILE *f = tmpfile();
	char env[64], *got;
	struct stat st;

	if (!f || fstat(fileno(f), &st)) {
		harness_result(false, "log: journal stream", "no tmpfile");
		return;
	}
	snprintf(env, sizeof(env), "%llu:%llu", (unsigned long long)st.st_dev,
		 (unsigned long long)st.st_ino);
	setenv("JOURNAL_STREAM", env, 1);
	got = journal_lines(f, false);
	harness_result(got && !strcmp(got, "<4>warn  gateway fe80::1 gone\n"
					   "<6>info  reload\n"),
		       "log: on journald's stream, priorities and no time",
		       "got '%s'", got ? got : "(none)");
	free(got);
	got = journal_lines(f, true);
	harness_result(got && !strncmp(got, "<4>{\"level\":\"warn\",", 19) &&
			       strstr(got, "\n<6>{\"level\":\"info\""),
		       "log: JSON lines on journald's stream get priorities",
		       "got '%s'", got ? got : "(none)");
	free(got);
	setenv("JOURNAL_STREAM", "1:2", 1); /* another stream's */
	got = journal_lines(f, false);
	harness_result(got && got[0] != '<' && strstr(got, "Z warn  gateway"),
		       "log: a stale JOURNAL_STREAM changes nothing",
		       "got '%s'", got ? got : "(none)");
	free(got);
	unsetenv("JOURNAL_STREAM");
	fclose(f);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_json();
	test_text_and_reset();
	test_journal();
	return harness_exit();
}

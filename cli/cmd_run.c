// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * run, and the Go ndpresponder's form of it: the command line becomes
 * struct service_opts; the service itself is service/service.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "attach_args.h"
#include "cli.h"
#include "docker.h"
#include "iface.h"
#include "log.h"
#include "metrics_http.h"
#include "service.h"
#include "slog.h"

static const char run_usage[] =
	"Usage: ndpresponder run -i IFACE [-n PREFIX]... [-c FILE] [OPTIONS]\n"
	"       ndpresponder -i IFACE -n PREFIX...  (the Go ndpresponder's "
	"form)\n"
	"\n"
	"Runs in the foreground: attaches the responder to IFACE (adopting\n"
	"one already attached, with no gap), keeps its static prefixes\n"
	"equal to -n/-x and FILE, logs every answer, and detaches on\n"
	"SIGTERM or SIGINT. SIGHUP re-reads FILE, its option lines too: the\n"
	"prefixes, --force, --route-check, --log-format, --log-rate and\n"
	"--pin-gateway change in place; other options need a restart, and\n"
	"the log names each that changed. NDPRESPONDER_LOG sets the level:\n"
	"DEBUG, INFO (default), WARN, ERROR, FATAL.\n"
	"\n"
	"  -i, --ifname IFACE      the uplink (required)\n"
	"  -n, --subnet PREFIX     answer inside PREFIX (repeatable)\n"
	"  -c, --config FILE       prefixes, one a line: PREFIX, 'PREFIX\n"
	"                          route-check[=neigh]' or 'exclude PREFIX';\n"
	"                          '#' comments; 'option --OPT [VALUE]'\n"
	"                          lines give options (the command line's\n"
	"                          win); a FILE that does not exist has no\n"
	"                          entries (reload reads it once it does)\n"
	"  -N, --docker-network N  answer for the containers of Docker network\n"
	"                          N (repeatable), followed as they come and\n"
	"                          go; DOCKER_HOST=unix://PATH names the socket\n"
	"      --keep              leave the responder attached on exit\n"
	"      --log-format FMT    text (default) or json\n"
	"      --metrics-listen ADDR:PORT\n"
	"                          serve /metrics (Prometheus, OpenMetrics)\n"
	"                          on IPV4:PORT or [IPV6]:PORT, e.g.\n"
	"                          127.0.0.1:9469 (default: off)\n"
	"      --pin-gateway       pin the default gateway's neighbour entry\n"
	"                          NOARP once reachable (default in the Go\n"
	"                          form)\n"
	"      --no-pin-gateway    don't\n" ATTACH_OPTS_HELP
	"  -h, --help              this text\n";

enum {
	OPT_KEEP = 2000,
	OPT_LOG_FORMAT,
	OPT_PIN_GW,
	OPT_NO_PIN_GW,
	OPT_METRICS_LISTEN,
};

/* Room for the shared options, run's own and the terminator. */
#define RUN_LONG_OPTS_MAX (ATTACH_LONG_OPTS_MAX + 12)

static void run_long_opts(struct option *opts)
{
	size_t n = attach_long_opts(opts);

	opts[n++] = (struct option){ "ifname", required_argument, NULL, 'i' };
	opts[n++] = (struct option){ "subnet", required_argument, NULL, 'n' };
	opts[n++] = (struct option){ "config", required_argument, NULL, 'c' };
	opts[n++] = (struct option){ "docker-network", required_argument, NULL,
				     'N' };
	opts[n++] = (struct option){ "keep", no_argument, NULL, OPT_KEEP };
	opts[n++] = (struct option){ "log-format", required_argument, NULL,
				     OPT_LOG_FORMAT };
	opts[n++] =
		(struct option){ "pin-gateway", no_argument, NULL, OPT_PIN_GW };
	opts[n++] = (struct option){ "no-pin-gateway", no_argument, NULL,
				     OPT_NO_PIN_GW };
	opts[n++] = (struct option){ "metrics-listen", required_argument, NULL,
				     OPT_METRICS_LISTEN };
	opts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	memset(&opts[n], 0, sizeof(opts[n]));
}

static int add_docker_net(struct service_opts *so, const char *name)
{
	if (so->ndocker == DOCKER_MAX_NETWORKS) {
		pr_err("run: at most %d Docker networks", DOCKER_MAX_NETWORKS);
		return -EINVAL;
	}
	so->docker_nets[so->ndocker++] = name;
	return 0;
}

static int set_log_format(struct service_opts *so, const char *arg)
{
	if (strcmp(arg, "text") && strcmp(arg, "json")) {
		pr_err("run: --log-format is text or json, not '%s'", arg);
		return -EINVAL;
	}
	so->log_json = !strcmp(arg, "json");
	return 0;
}

/* The Go ndpresponder's form: -n takes a prefix with host bits, as the Go
 * version does, after a warning, once: not again when a reload reads the
 * command line again (reading_again). */
static bool go_form_args, reading_again;

static int add_subnet(struct service_opts *so, const char *arg)
{
	unsigned int flags = go_form_args ? PREFIX_MASK_HOST : 0;

	if (reading_again)
		flags |= ATTACH_PREFIX_NOTED;
	return attach_add_prefix_flags(&so->attach, arg, NDPR_ACT_ANSWER,
				       flags);
}

/* Applies option c if it is one of run's own: 1 when taken, 0 when not,
 * a negative errno after a message. */
static int run_opt(int c, const char *arg, struct service_opts *so)
{
	switch (c) {
	case 'i':
		so->attach.ifname = arg;
		return 1;
	case 'n':
		return add_subnet(so, arg) ?: 1;
	case 'c':
		so->config = arg;
		return 1;
	case 'N':
		return add_docker_net(so, arg) ?: 1;
	case OPT_KEEP:
		so->keep = true;
		return 1;
	case OPT_LOG_FORMAT:
		return set_log_format(so, arg) ?: 1;
	case OPT_METRICS_LISTEN:
		so->metrics_listen = arg;
		return 1;
	case OPT_PIN_GW:
	case OPT_NO_PIN_GW:
		so->pin_gateway = c == OPT_PIN_GW;
		return 1;
	default:
		return 0;
	}
}

/* What the whole command line must hold, once it is read. */
static int run_args_check(struct service_opts *so, int argc, char **argv)
{
	if (optind != argc) {
		pr_err("run: unexpected argument '%s' (prefixes go after -n)",
		       argv[optind]);
		return -EINVAL;
	}
	if (!so->attach.ifname) {
		pr_err("run: which interface? (-i IFACE)");
		return -EINVAL;
	}
	if (so->ndocker && !docker_supported()) {
		pr_err("run: this build of ndpresponder has no Docker mode "
		       "(-N); use the dynamically linked build");
		return -EOPNOTSUPP;
	}
	if (so->metrics_listen && !metrics_http_supported()) {
		pr_err("run: this build of ndpresponder has no metrics "
		       "endpoint (--metrics-listen); use the dynamically "
		       "linked build, or 'stats --format prometheus'");
		return -EOPNOTSUPP;
	}
	/* A DOCKER_HOST we cannot use is refused before anything changes. */
	if (so->ndocker) {
		char sock[sizeof(((struct docker *)0)->sock)];
		int ret = docker_sock_path(sock, sizeof(sock));

		if (ret)
			return ret;
	}
	return attach_opts_finish(&so->attach);
}

/* Options from argv (argv[0] is the verb) into so: 0, 1 after --help, a
 * negative errno after a message. */
static int parse_words(struct service_opts *so, int argc, char **argv)
{
	struct option opts[RUN_LONG_OPTS_MAX];
	int c, ret;

	run_long_opts(opts);
	optind = 0;
	while ((c = verb_getopt(argc, argv, ATTACH_SHORT_OPTS "i:n:c:N:h", opts,
				run_usage)) != -1) {
		if (c == 'h')
			return 1;
		ret = run_opt(c, optarg, so);
		if (ret < 0)
			return ret;
		if (!ret && attach_opt(c, optarg, &so->attach) <= 0)
			return -EINVAL;
	}
	return 0;
}

/* -c's FILE on the command line, before it is parsed. */
static const char *config_arg(int argc, char **argv)
{
	const char *path = NULL;

	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if ((!strcmp(argv[i], "-c") || !strcmp(argv[i], "--config")) &&
		    i + 1 < argc)
			path = argv[++i];
		else if (!strncmp(argv[i], "--config=", 9))
			path = argv[i] + 9;
	}
	return path;
}

#define FILE_OPT_WORDS 64

/* The words of text's option lines into words (from n), and in *lines
 * the count of lines with a word: n + the words, or -EINVAL with err. */
static int option_words(const char *path, char *text, char **words, int n,
			size_t *lines, char *err, size_t errlen)
{
	char *save, *save2, *w;

	for (char *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		line[strcspn(line, "#")] = '\0';
		w = strtok_r(line, " \t\r", &save2);
		*lines += !!w;
		if (!w || strcmp(w, "option"))
			continue;
		while ((w = strtok_r(NULL, " \t\r", &save2))) {
			if (!strcmp(w, "-c") || !strncmp(w, "--config", 8)) {
				snprintf(err, errlen,
					 "%s: an option line cannot name "
					 "another configuration file",
					 path);
				return -EINVAL;
			}
			if (n == FILE_OPT_WORDS) {
				snprintf(err, errlen,
					 "%s: option lines of more than %d "
					 "words",
					 path, FILE_OPT_WORDS - 1);
				return -EINVAL;
			}
			words[n++] = w;
		}
	}
	return n;
}

/*
 * The lines "option --OPT [VALUE]" of the configuration FILE, as if given
 * before the command line's (which win), from a read that held still;
 * their words point into *text, which the caller frees. Prefix files keep
 * parsing: their reader skips these lines. A missing FILE has none; what
 * is not a regular file has none either, and the prefix reader refuses it
 * with its reason. *lines: the lines with a word, entries or options.
 * 0, or a negative errno with err, or after a message (err empty).
 */
static int parse_file_options(struct service_opts *so, const char *path,
			      char **text, size_t *lines, char *err,
			      size_t errlen)
{
	char *words[FILE_OPT_WORDS + 1] = { "run" }; /* NULL-terminated */
	ssize_t len;
	int n;

	*lines = 0;
	err[0] = '\0';
	len = prefix_file_text(path, text);
	if (len == -ENOENT)
		return 0;
	/* Not taken for empty: the prefix reader refuses it, naming what
	 * it is (a FIFO, a directory). */
	*lines = len == -EINVAL;
	if (len == -EINVAL)
		return 0;
	if (len == -EAGAIN)
		snprintf(err, errlen,
			 "'%s' changed while being read, %d times in a row",
			 path, PREFIX_FILE_TRIES);
	else if (len < 0)
		snprintf(err, errlen, "couldn't read '%s': %s", path,
			 errstr((int)len));
	else if (strlen(*text) != (size_t)len)
		snprintf(err, errlen, "%s: a NUL octet in the file", path);
	if (err[0])
		return len < 0 ? (int)len : -EINVAL;
	n = option_words(path, *text, words, 1, lines, err, errlen);
	if (n <= 1)
		return n < 0 ? n : 0;
	if (parse_words(so, n, words))
		return -EINVAL;
	if (optind != n) {
		snprintf(err, errlen, "%s: option lines hold options, not '%s'",
			 path, words[optind]);
		return -EINVAL;
	}
	return 0;
}

/* 0 when so is filled in, 1 after --help, a negative errno after a
 * message. */
static int parse_run_args(struct service_opts *so, int argc, char **argv,
			  char **text)
{
	const char *config = config_arg(argc, argv);
	char err[512];
	size_t lines = 0;
	int ret = 0;

	if (config)
		ret = parse_file_options(so, config, text, &lines, err,
					 sizeof(err));
	if (ret && err[0])
		pr_err("run: %s", err);
	so->config_empty = config && !lines;
	if (!ret)
		ret = parse_words(so, argc, argv);
	return ret ? ret : run_args_check(so, argc, argv);
}

/* The --log-format the command line asks for, or NULL. */
static const char *log_format_arg(int argc, char **argv)
{
	const char *fmt = NULL;

	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
		if (!strcmp(argv[i], "--log-format") && i + 1 < argc)
			fmt = argv[++i];
		else if (!strncmp(argv[i], "--log-format=", 13))
			fmt = argv[i] + 13;
	}
	return fmt;
}

/*
 * Reports while the command line is read come in the service's log
 * format already: with JSON lines, a warning about -n or an error in the
 * configuration is a JSON line too, never a plain one before the stream.
 */
static void parse_reports(int argc, char **argv, bool go_form)
{
	static struct slog parse_log;
	const char *fmt = log_format_arg(argc, argv);
	bool json = fmt ? !strcmp(fmt, "json") : go_form;

	if (json && !slog_init(&parse_log, true, stderr))
		slog_take_reports(&parse_log);
}

/* The command line, kept for a reload to read the file's options again. */
static int saved_argc;
static char **saved_argv;

/* The values of what a reload cannot change, as the log names them. */
static void val_ifname(const struct service_opts *so, char *buf, size_t len)
{
	snprintf(buf, len, "%s", so->attach.ifname);
}

static void val_docker(const struct service_opts *so, char *buf, size_t len)
{
	size_t n = 0;

	snprintf(buf, len, "%s", so->ndocker ? "" : "none");
	for (int i = 0; i < so->ndocker && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? "," : "",
				      so->docker_nets[i]);
}

static void val_metrics(const struct service_opts *so, char *buf, size_t len)
{
	snprintf(buf, len, "%s", so->metrics_listen ?: "off");
}

static void val_keep(const struct service_opts *so, char *buf, size_t len)
{
	snprintf(buf, len, "%s", so->keep ? "--keep" : "no --keep");
}

static void val_mac(const struct service_opts *so, char *buf, size_t len)
{
	if (so->attach.mac_set)
		mac_format(so->attach.mac, buf, len);
	else
		snprintf(buf, len, "the interface's");
}

/* The answer switches as the program gets them: --no-X wins over --X. */
static void val_router(const struct service_opts *so, char *buf, size_t len)
{
	snprintf(buf, len, "--%srouter", so->attach.no_router ? "no-" : "");
}

static void val_dad(const struct service_opts *so, char *buf, size_t len)
{
	snprintf(buf, len, "--%sdad", so->attach.no_dad ? "no-" : "");
}

static void val_unicast(const struct service_opts *so, char *buf, size_t len)
{
	snprintf(buf, len, "--%sunicast", so->attach.no_unicast ? "no-" : "");
}

static void val_override(const struct service_opts *so, char *buf, size_t len)
{
	snprintf(buf, len, "%s", override_name(so->attach.override));
}

static void val_no_guard(const struct service_opts *so, char *buf, size_t len)
{
	uint8_t off = so->attach.no_guard;

	snprintf(buf, len, "%s%s%s", off & NDPR_CFG_GUARD_OWN ? "own," : "",
		 off & NDPR_CFG_GUARD_GATEWAY ? "gateway," : "",
		 off & NDPR_CFG_GUARD_CONFLICT ? "conflict," : "");
	if (!buf[0])
		snprintf(buf, len, "none");
	else
		buf[strlen(buf) - 1] = '\0';
}

static void val_mode(const struct service_opts *so, char *buf, size_t len)
{
	static const char *const modes[] = { "auto", "native", "generic" };

	snprintf(buf, len, "%s",
		 modes[so->attach.mode_set ? so->attach.mode : 0]);
}

static void val_max(const struct service_opts *so, char *buf, size_t len)
{
	if (so->attach.max_prefixes)
		snprintf(buf, len, "%u", so->attach.max_prefixes);
	else
		snprintf(buf, len, "the default");
}

#define NEEDS_PROGRAM                                              \
	"a restart (the program's read-only configuration: a new " \
	"program, which run, its privileges dropped, cannot load)"
#define NEEDS_DETACH "a detach and a restart (fixed while attached)"

/*
 * What a reload keeps, and why: the options read once at start. name
 * NULL: a switch, named by its value.
 */
static const struct fixed_opt {
	const char *name;
	const char *needs;
	void (*value)(const struct service_opts *so, char *buf, size_t len);
} fixed_opts[] = {
	{ "-i", "a restart (it is the interface the run serves)", val_ifname },
	{ "-N", "a restart (the networks are followed from the start)",
	  val_docker },
	{ NULL, "a restart (the pins are made at start)", val_keep },
	{ "--metrics-listen",
	  "a restart (the socket is bound before privileges are dropped)",
	  val_metrics },
	{ "--mac", NEEDS_PROGRAM, val_mac },
	{ NULL, NEEDS_PROGRAM, val_router },
	{ NULL, NEEDS_PROGRAM, val_dad },
	{ NULL, NEEDS_PROGRAM, val_unicast },
	{ "--override", NEEDS_PROGRAM, val_override },
	{ "--no-guard", NEEDS_PROGRAM, val_no_guard },
	{ "--mode", NEEDS_DETACH, val_mode },
	{ "--max-prefixes", NEEDS_DETACH, val_max },
};

/* One line for each option the configuration now changes that a reload
 * cannot: the service keeps what it has. */
static void report_fixed(const struct service_opts *now,
			 const struct service_opts *fresh)
{
	char was[128], want[128];

	for (size_t i = 0; i < sizeof(fixed_opts) / sizeof(fixed_opts[0]);
	     i++) {
		const struct fixed_opt *f = &fixed_opts[i];

		f->value(now, was, sizeof(was));
		f->value(fresh, want, sizeof(want));
		if (strcmp(was, want))
			pr_warn("reload: %s needs %s, kept %s", f->name ?: want,
				f->needs, was);
	}
}

/* service_opts.reload: the file's option lines read again, the command
 * line's on top; what may change in place goes to r, the rest is named
 * and kept. */
static int reload_opts(const struct service_opts *so, struct service_reload *r,
		       char *err, size_t errlen)
{
	struct service_opts fresh = {
		.attach = { .override = NDPR_OVERRIDE_MULTICAST },
		.pin_gateway = go_form_args,
		.log_json = go_form_args,
	};
	char *text = NULL;
	size_t lines = 0;
	int ret = 0;

	err[0] = '\0';
	if (so->config)
		ret = parse_file_options(&fresh, so->config, &text, &lines, err,
					 errlen);
	reading_again = true;
	if (!ret)
		ret = parse_words(&fresh, saved_argc, saved_argv);
	reading_again = false;
	if (!ret)
		ret = attach_opts_finish(&fresh.attach);
	if (!ret) {
		report_fixed(so, &fresh);
		r->empty = so->config && !lines;
		r->log_json = fresh.log_json;
		r->log_rate = fresh.attach.event_rate_set ?
				      fresh.attach.event_rate :
				      NDPR_DEFAULT_EVENT_RATE;
		r->force = fresh.attach.force;
		r->route_flags = fresh.attach.route_flags;
		r->pin_gateway = fresh.pin_gateway;
		r->prefixes = fresh.attach.prefixes;
	} else {
		prefix_set_free(&fresh.attach.prefixes);
	}
	free(text); /* fresh's strings: only copies and flags leave */
	return ret;
}

static int run(int argc, char **argv, bool go_form)
{
	/* The Go form's defaults are the Go version's: its gateway
	 * pinning, its JSON log lines. */
	struct service_opts so = {
		.attach = { .override = NDPR_OVERRIDE_MULTICAST },
		.pin_gateway = go_form,
		.log_json = go_form,
		.reload = reload_opts,
	};
	char *file_text = NULL; /* FILE's, where its option words are */
	int ret;

	go_form_args = go_form;
	saved_argc = argc;
	saved_argv = argv;
	parse_reports(argc, argv, go_form);
	ret = parse_run_args(&so, argc, argv, &file_text);
	if (!ret)
		ret = service_run(&so);
	prefix_set_free(&so.attach.prefixes);
	free(file_text);
	return ret == 1 ? 0 : ret;
}

int cmd_run(int argc, char **argv)
{
	return run(argc, argv, false);
}

int cmd_run_go_form(int argc, char **argv)
{
	return run(argc, argv, true);
}

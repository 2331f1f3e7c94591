// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* ndpresponder: the command line of the XDP Neighbor Discovery responder. */
#include <link.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "commit.h"
#include "docker.h"
#include "log.h"
#include "metrics_http.h"
#include "nft.h"
#include "print.h"

struct verb {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct verb verbs[] = {
	{ "attach", cmd_attach,
	  "load and attach the responder (or upgrade it)" },
	{ "detach", cmd_detach, "detach the responder and remove its pins" },
	{ "prefix", cmd_prefix, "add, delete, list or sync answered prefixes" },
	{ "stats", cmd_stats, "show the outcome counters" },
	{ "status", cmd_status, "list the interfaces with a responder" },
	{ "run", cmd_run, "run in the foreground as a service, logging" },
	{ "monitor", cmd_monitor, "print answers as they happen" },
	{ "announce", cmd_announce, "make the router learn addresses now" },
	{ "doctor", cmd_doctor, "find why IPv6 does not work, say the fix" },
};

/* The Go ndpresponder's flags, which mean `run` when no verb is given. */
static bool is_go_form(const char *arg)
{
	static const char *const flags[] = { "-i", "--ifname",
					     "-n", "--subnet",
					     "-N", "--docker-network" };

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		size_t len = strlen(flags[i]);

		if (!strncmp(arg, flags[i], len) &&
		    (!arg[len] || arg[len] == '=' ||
		     (flags[i][1] != '-' && arg[len] != '-')))
			return true;
	}
	return false;
}

#define NVERBS (sizeof(verbs) / sizeof(verbs[0]))

/* The verb argv[0] names (a unique prefix will do), or NULL after a line. */
static const struct verb *verb_find(const char *word)
{
	const char *names[NVERBS];
	int i;

	for (i = 0; i < (int)NVERBS; i++)
		names[i] = verbs[i].name;
	i = cli_match("verb", word, names, NULL, NVERBS);
	return i < 0 ? NULL : &verbs[i];
}

/* A verb's --json, before it parses: its parse errors are JSON too. */
static bool wants_json(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--json") || !strcmp(argv[i], "-j") ||
		    !strcmp(argv[i], "--format=json"))
			return true;
	return false;
}

/* 0, 1 or 2 (see EXIT_USAGE) from what a verb returned. */
static int exit_code(const struct verb *v, int ret)
{
	/* doctor's exit codes are its own (0, 1, 2). */
	if (v->fn == cmd_doctor && ret >= 0)
		return ret;
	if (usage_has_failed())
		return EXIT_USAGE;
	return ret ? EXIT_FAIL : 0;
}

/* argv[0] is the verb. */
static int run_verb(int argc, char **argv)
{
	const struct verb *v = verb_find(argv[0]);

	if (!v)
		return EXIT_USAGE;
	argv[0] = (char *)v->name; /* messages name the verb in full */
	if (wants_json(argc, argv))
		print_json_reports(stdout);
	optind = 0; /* a full reset of GNU getopt */
	return exit_code(v, v->fn(argc, argv));
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: ndpresponder [OPTIONS] VERB [ARGS...]\n"
		   "       ndpresponder help [VERB]\n"
		   "       ndpresponder --version\n\n"
		   "Answers IPv6 Neighbor Solicitations in XDP, from the "
		   "solicited address.\n\nVerbs (a unique prefix will do):\n");
	for (size_t i = 0; i < NVERBS; i++)
		fprintf(f, "  %-9s  %s\n", verbs[i].name, verbs[i].summary);
	fprintf(f,
		"\nOptions:\n"
		"  -j, --json     JSON output, from every verb that prints\n"
		"  -p, --pretty   JSON, indented\n"
		"  -v, --verbose  show libbpf's messages and details\n"
		"  -V, --version  print the version, the build and libbpf's\n"
		"  -h, --help     this text\n\n"
		"Exit codes: 0 done, 1 failed or refused, 2 usage error.\n");
}

/* `help` or `help VERB`: the verb's own --help. */
static int help(int argc, char **argv)
{
	char *args[] = { NULL, "--help", NULL };
	const struct verb *v;

	if (argc < 2) {
		usage(stdout);
		return 0;
	}
	v = verb_find(argv[1]);
	if (!v)
		return EXIT_USAGE;
	args[0] = (char *)v->name;
	optind = 0;
	return exit_code(v, v->fn(2, args));
}

/* Whether this executable was linked statically: it has no interpreter. */
static int has_interp(struct dl_phdr_info *info, size_t size, void *arg)
{
	for (int i = 0; i < info->dlpi_phnum; i++)
		if (info->dlpi_phdr[i].p_type == PT_INTERP)
			*(bool *)arg = true;
	return 1; /* the executable comes first: stop there */
}

static void version(void)
{
	bool dynamic = false;

	dl_iterate_phdr(has_interp, &dynamic);
	printf("ndpresponder %s (commit %s)\n", NDPR_VERSION, NDPR_COMMIT);
	printf("libbpf %u.%u\n", libbpf_major_version(),
	       libbpf_minor_version());
	printf("features: docker-mode %s, metrics %s, doctor-nftables %s, "
	       "%s\n",
	       docker_supported() ? "yes" : "no",
	       metrics_http_supported() ? "yes" : "no",
	       nft_supported() ? "yes" : "no", dynamic ? "dynamic" : "static");
}

/* -v anywhere before the verb; the Go form's flags mean `run`. */
static int go_form(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			log_set_verbose(true);
			continue;
		}
		if (is_go_form(argv[i])) {
			/* argv[i - 1] becomes the verb's argv[0] */
			argv[i - 1] = "run";
			optind = 0;
			return cmd_run_go_form(argc - i + 1, argv + i - 1) ?
				       EXIT_FAIL :
				       0;
		}
		break;
	}
	return -1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	bool json = false, pretty = false;
	int c, ret;

	log_set_verbose(false);
	ret = go_form(argc, argv);
	if (ret >= 0)
		return usage_has_failed() && ret ? EXIT_USAGE : ret;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+vVjph", opts, NULL)) != -1) {
		switch (c) {
		case 'v':
			log_set_verbose(true);
			break;
		case 'V':
			version();
			return 0;
		case 'j':
			json = true;
			break;
		case 'p':
			pretty = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			pr_err("unknown option '%s' (see ndpresponder --help)",
			       argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	print_set_global(json, pretty);
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[optind], "help"))
		return help(argc - optind, argv + optind);
	return run_verb(argc - optind, argv + optind);
}

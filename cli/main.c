// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* ndpresponder: the command line of the XDP Neighbor Discovery responder. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "log.h"

struct verb {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

static const struct verb verbs[] = {
	{ "attach", cmd_attach, "load and attach the responder (or upgrade it)" },
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
	static const char *const flags[] = { "-i", "--ifname", "-n",
					     "--subnet", "-N",
					     "--docker-network" };

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		size_t len = strlen(flags[i]);

		if (!strncmp(arg, flags[i], len) &&
		    (!arg[len] || arg[len] == '=' ||
		     (flags[i][1] != '-' && arg[len] != '-')))
			return true;
	}
	return false;
}

/* argv[0] is the verb. */
static int run_verb(int argc, char **argv)
{
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (!strcmp(argv[0], verbs[i].name)) {
			int ret;

			optind = 0; /* a full reset of GNU getopt */
			ret = verbs[i].fn(argc, argv);
			/* doctor's exit codes are its own (0, 1, 2). */
			if (verbs[i].fn == cmd_doctor && ret >= 0)
				return ret;
			return ret ? EXIT_FAIL : 0;
		}
	}
	pr_err("unknown verb '%s' (see ndpresponder --help)", argv[0]);
	return EXIT_FAIL;
}

static void usage(FILE *f)
{
	fprintf(f, "Usage: ndpresponder [-v] VERB [ARGS...]\n"
		   "       ndpresponder VERB --help\n"
		   "       ndpresponder --version\n\n"
		   "Answers IPv6 Neighbor Solicitations in XDP, from the "
		   "solicited address.\n\nVerbs:\n");
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		fprintf(f, "  %-8s %s\n", verbs[i].name, verbs[i].summary);
	fprintf(f, "\nOptions:\n"
		   "  -v, --verbose  show libbpf's messages and details\n"
		   "  -V, --version  print the version\n"
		   "  -h, --help     this text\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c;

	log_set_verbose(false);
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
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+vVh", opts, NULL)) != -1) {
		switch (c) {
		case 'v':
			log_set_verbose(true);
			break;
		case 'V':
			printf("ndpresponder %s\n", NDPR_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			pr_err("unknown option '%s' (see ndpresponder --help)",
			       argv[optind - 1]);
			return EXIT_FAIL;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_FAIL;
	}
	return run_verb(argc - optind, argv + optind);
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* doctor: why a container's IPv6 does not work, and the fix. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "doctor.h"
#include "log.h"
#include "ndpresponder.h"
#include "print.h"

static const char doctor_usage[] =
	"Usage: ndpresponder doctor IFACE [PREFIX|ADDR...] [--probe ADDR]\n"
	"                           [--probe-to DEST] [--json]\n"
	"\n"
	"Checks the host end to end (kernel, uplink, sysctls, default route,\n"
	"the prefixes' routes, the firewall, the responder's counters) and\n"
	"prints one line per check, with the fix of each problem. Without\n"
	"PREFIX, the attached responder's. Exit 0: nothing wrong, 1: a\n"
	"problem, 2: something could not be checked.\n"
	"\n"
	"      --probe ADDR     send an echo from ADDR (a container's) to the\n"
	"                       gateway and say where the chain broke\n"
	"  -t, --probe-to DEST  send the probe's echo to DEST instead\n"
	"  -j, --json           an array of {name, status, found, fix}\n"
	"  -h, --help           this text\n";

#define EXIT_UNCHECKED 2

struct doctor_opts {
	const char *ifname;
	struct prefix_set prefixes;
	bool json, probe, probe_to;
	struct in6_addr probe_src, probe_dst;
};

static int parse_addr(const char *opt, const char *s, struct in6_addr *a)
{
	if (inet_pton(AF_INET6, s, a) == 1)
		return 0;
	pr_err("doctor: %s takes an IPv6 address, not '%s'", opt, s);
	return -EINVAL;
}

static int parse_prefixes(int argc, char **argv, struct doctor_opts *o)
{
	char err[128];
	struct prefix p;

	for (int i = optind + 1; i < argc; i++) {
		memset(&p, 0, sizeof(p));
		if (prefix_parse(argv[i], 0, &p, err, sizeof(err))) {
			pr_err("doctor: %s", err);
			return -EINVAL;
		}
		p.action = NDPR_ACT_ANSWER;
		if (prefix_set_add(&o->prefixes, &p))
			return -ENOMEM;
	}
	return 0;
}

/* 1 for --help, 0 with o filled in, or a negative errno. */
static int doctor_parse(int argc, char **argv, struct doctor_opts *o)
{
	static const struct option opts[] = {
		{ "probe", required_argument, NULL, 'p' },
		{ "probe-to", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c;

	/* No -p: it is the global --pretty, and one letter means one thing
	 * in every verb. */
	while ((c = verb_getopt(argc, argv, "t:jh", opts, doctor_usage)) !=
	       -1) {
		switch (c) {
		case 'h':
			return 1;
		case 'p':
			o->probe = true;
			if (parse_addr("--probe", optarg, &o->probe_src))
				return -EINVAL;
			break;
		case 't':
			o->probe_to = true;
			if (parse_addr("--probe-to", optarg, &o->probe_dst))
				return -EINVAL;
			break;
		case 'j':
			o->json = true;
			break;
		default:
			return -EINVAL;
		}
	}
	if (optind >= argc) {
		pr_err("doctor: name the uplink (see ndpresponder doctor "
		       "--help)");
		return -EINVAL;
	}
	o->ifname = argv[optind];
	if (o->probe_to && !o->probe) {
		pr_err("doctor: --probe-to needs --probe ADDR");
		return -EINVAL;
	}
	return parse_prefixes(argc, argv, o);
}

static const char *const status_mark[] = { "✔", "!", "✘", "?" };
static const char *const status_name[] = { "ok", "warn", "fail", "skipped" };

static void print_result(struct print_ctx *p, const struct doc_result *r)
{
	open_json_object(p, NULL);
	print_text(p, "%s ", status_mark[r->status]);
	print_string(p, PRINT_ANY, "name", "%s: ", r->name);
	print_string(p, PRINT_JSON, "status", NULL, status_name[r->status]);
	print_string(p, PRINT_ANY, "found", "%s", r->found);
	print_nl(p);
	if (r->fix[0]) {
		print_string(p, PRINT_ANY, "fix", "    fix: %s", r->fix);
		print_nl(p);
	} else {
		print_string(p, PRINT_JSON, "fix", NULL, "");
	}
	close_json_object(p);
}

/* The probe's source must be one the responder is asked to answer. */
static bool probe_in_prefixes(const struct doc_ctx *c, const struct in6_addr *a)
{
	for (int i = 0; i < c->nprefixes; i++)
		if (c->prefixes[i].p.action == NDPR_ACT_ANSWER &&
		    doc_in_prefix(a, &c->prefixes[i].p))
			return true;
	return false;
}

int cmd_doctor(int argc, char **argv)
{
	char addr[INET6_ADDRSTRLEN];
	struct doctor_opts o = {};
	struct print_ctx p;
	struct doc_ctx c;
	int ret;

	ret = doctor_parse(argc, argv, &o);
	if (ret) {
		ret = ret > 0 ? 0 : EXIT_UNCHECKED;
		goto out_opts;
	}
	ret = doc_init(&c, o.ifname, &o.prefixes);
	if (ret) {
		pr_err("doctor: %s", errstr(ret));
		ret = EXIT_UNCHECKED;
		goto out;
	}
	doc_run(&c);
	if (o.probe && !probe_in_prefixes(&c, &o.probe_src))
		doc_add(&c, "probe", DOC_SKIP,
			"not run: %s is in no answered "
			"prefix",
			doc_addr(&o.probe_src, addr));
	else if (o.probe)
		doc_probe(&c, &o.probe_src, o.probe_to ? &o.probe_dst : NULL);
	print_init(&p, o.json, stdout);
	open_json_array(&p, NULL);
	for (int i = 0; i < c.nres; i++)
		print_result(&p, &c.res[i]);
	close_json_array(&p);
	ret = doc_exit_code(&c);
out:
	doc_free(&c);
out_opts:
	prefix_set_free(&o.prefixes);
	return ret;
}

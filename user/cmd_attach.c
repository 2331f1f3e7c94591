// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* attach and detach */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "iface.h"
#include "log.h"
#include "responder.h"

static const char attach_usage[] =
	"Usage: ndpresponder attach IFACE [PREFIX...] [OPTIONS]\n"
	"\n"
	"Loads the responder on IFACE, pins it under the pin root and keeps\n"
	"it attached after the command exits. Over an attached IFACE it\n"
	"upgrades the program in place, keeping prefixes and counters.\n"
	"PREFIX is ADDR/LEN or ADDR (a /128); targets in it are answered.\n"
	"\n"
	"  -x, --exclude PREFIX    never answer inside PREFIX (repeatable)\n"
	"  -m, --mode MODE         native, generic or auto (default auto:\n"
	"                          native, else generic)\n"
	"      --mac MAC           Ethernet source and TLLA of answers\n"
	"                          (default: the interface's MAC)\n"
	"      --no-router         answer with R=0 (default R=1)\n"
	"      --override WHEN     O flag: multicast (default; O=1 when the\n"
	"                          NS was multicast), always, never (RFC 4861\n"
	"                          section 7.2.8 proxy behaviour)\n"
	"      --no-dad            don't answer DAD probes (source ::)\n"
	"      --no-unicast        don't answer unicast NUD probes\n"
	"      --max-prefixes N    capacity of each prefix map (default "
	"65536)\n"
	"      --force             allow ::/0\n"
	"  -h, --help              this text\n";

/* Parses one prefix argument into the set, with its action. */
static int add_prefix_arg(struct prefix_set *s, const char *arg,
			  uint8_t action, unsigned int flags)
{
	struct prefix p = { .action = action };
	char err[256];
	int ret;

	ret = prefix_parse(arg, flags, &p, err, sizeof(err));
	if (ret) {
		pr_err("%s", err);
		return ret;
	}
	return prefix_set_add(s, &p);
}

int cmd_attach(int argc, char **argv)
{
	enum { OPT_MAC = 256, OPT_NO_ROUTER, OPT_OVERRIDE, OPT_NO_DAD,
	       OPT_NO_UNICAST, OPT_MAX, OPT_FORCE };
	static const struct option opts[] = {
		{ "exclude", required_argument, NULL, 'x' },
		{ "mode", required_argument, NULL, 'm' },
		{ "mac", required_argument, NULL, OPT_MAC },
		{ "no-router", no_argument, NULL, OPT_NO_ROUTER },
		{ "override", required_argument, NULL, OPT_OVERRIDE },
		{ "no-dad", no_argument, NULL, OPT_NO_DAD },
		{ "no-unicast", no_argument, NULL, OPT_NO_UNICAST },
		{ "max-prefixes", required_argument, NULL, OPT_MAX },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct attach_opts o = { .override = NDPR_OVERRIDE_MULTICAST };
	const char *excludes[256];
	struct attach_result r;
	unsigned int pflags = 0;
	size_t nexcl = 0;
	unsigned long n;
	int c, ret = -EINVAL;

	while ((c = verb_getopt(argc, argv, "x:m:h", opts, attach_usage)) !=
	       -1) {
		switch (c) {
		case 'h':
			return 0;
		case 'x':
			if (nexcl == sizeof(excludes) / sizeof(excludes[0])) {
				pr_err("attach: too many --exclude; use "
				       "'prefix sync' for large sets");
				goto out;
			}
			excludes[nexcl++] = optarg;
			break;
		case 'm':
			o.mode_set = true;
			if (!strcmp(optarg, "native"))
				o.mode = ATTACH_NATIVE;
			else if (!strcmp(optarg, "generic"))
				o.mode = ATTACH_GENERIC;
			else if (!strcmp(optarg, "auto"))
				o.mode = ATTACH_AUTO;
			else {
				pr_err("attach: --mode must be native, generic "
				       "or auto, not '%s'",
				       optarg);
				goto out;
			}
			break;
		case OPT_MAC:
			if (mac_parse(optarg, o.mac)) {
				pr_err("attach: '%s' is not a unicast MAC "
				       "address (aa:bb:cc:dd:ee:ff)",
				       optarg);
				goto out;
			}
			o.mac_set = true;
			break;
		case OPT_NO_ROUTER:
			o.no_router = true;
			break;
		case OPT_OVERRIDE:
			if (!strcmp(optarg, "multicast"))
				o.override = NDPR_OVERRIDE_MULTICAST;
			else if (!strcmp(optarg, "always"))
				o.override = NDPR_OVERRIDE_ALWAYS;
			else if (!strcmp(optarg, "never"))
				o.override = NDPR_OVERRIDE_NEVER;
			else {
				pr_err("attach: --override must be multicast, "
				       "always or never, not '%s'",
				       optarg);
				goto out;
			}
			break;
		case OPT_NO_DAD:
			o.no_dad = true;
			break;
		case OPT_NO_UNICAST:
			o.no_unicast = true;
			break;
		case OPT_MAX:
			if (parse_uint(optarg, 1, 1u << 24, &n)) {
				pr_err("attach: --max-prefixes must be a number "
				       "from 1 to %u",
				       1u << 24);
				goto out;
			}
			o.max_prefixes = (uint32_t)n;
			break;
		case OPT_FORCE:
			pflags |= PREFIX_ALLOW_DEFAULT;
			break;
		default:
			goto out;
		}
	}
	if (optind >= argc) {
		pr_err("attach: which interface? (ndpresponder attach IFACE "
		       "[PREFIX...])");
		goto out;
	}
	o.ifname = argv[optind++];
	for (; optind < argc; optind++) {
		ret = add_prefix_arg(&o.prefixes, argv[optind], NDPR_ACT_ANSWER,
				     pflags);
		if (ret)
			goto out;
	}
	for (size_t i = 0; i < nexcl; i++) {
		ret = add_prefix_arg(&o.prefixes, excludes[i], NDPR_ACT_EXCLUDE,
				     pflags);
		if (ret)
			goto out;
	}

	ret = responder_attach(&o, &r);
	if (!ret)
		pr_info("%s: %s, %s mode, program id %u", o.ifname,
			r.upgraded ? "upgraded" : "attached", mode_name(r.mode),
			r.prog_id);
out:
	prefix_set_free(&o.prefixes);
	return ret;
}

static const char detach_usage[] =
	"Usage: ndpresponder detach IFACE\n"
	"\n"
	"Detaches the responder from IFACE, removes every pin and restores\n"
	"the all-multicast flag as it was before attach.\n";

int cmd_detach(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c, ret;

	while ((c = verb_getopt(argc, argv, "h", opts, detach_usage)) != -1)
		return c == 'h' ? 0 : -EINVAL;
	if (optind + 1 != argc) {
		pr_err("detach: expected one interface (ndpresponder detach "
		       "IFACE)");
		return -EINVAL;
	}
	ret = responder_detach(argv[optind]);
	if (!ret)
		pr_info("%s: detached", argv[optind]);
	return ret;
}

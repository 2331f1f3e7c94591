// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* attach and detach */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "attach_args.h"
#include "iface.h"
#include "log.h"
#include "responder.h"

static const char attach_usage[] =
	"Usage: ndpresponder attach IFACE [PREFIX...] [OPTIONS]\n"
	"\n"
	"Loads the responder on IFACE, pins it under the pin root and keeps\n"
	"it attached after the command exits. Over an attached IFACE it\n"
	"upgrades the program in place, keeping prefixes and counters, and\n"
	"the options it is not given (--no-router, --no-dad, --no-unicast,\n"
	"--override, --mac, --log-rate, --no-guard, the mode); it says what\n"
	"changed. A fresh attach (after detach) starts from the defaults.\n"
	"PREFIX is ADDR/LEN or ADDR (a /128); targets in it are answered.\n"
	"\n" ATTACH_OPTS_HELP "  -h, --help              this text\n";

/* One option of a config as text: "dad off", "mac 02:...", ... */
static void option_text(const struct ndpr_config *cfg, int i, char *buf,
			size_t len)
{
	static const char *const flag_names[] = { "router", "dad", "unicast" };
	static const __u8 flag_bits[] = { NDPR_CFG_ROUTER, NDPR_CFG_DAD,
					  NDPR_CFG_UNICAST };
	char mac[18];

	if (i < 3) {
		snprintf(buf, len, "%s %s", flag_names[i],
			 cfg->flags & flag_bits[i] ? "on" : "off");
	} else if (i == 3) {
		snprintf(buf, len, "override %s", override_name(cfg->override));
	} else if (i == 4) {
		mac_format(cfg->mac, mac, sizeof(mac));
		snprintf(buf, len, "mac %s", mac);
	} else {
		snprintf(buf, len, "log-rate %u a CPU",
			 (unsigned int)cfg->events_per_cpu);
	}
}

/* "eth0: changed: dad on -> off; kept: override never, ..." */
static void print_upgrade(const char *ifname, const struct attach_result *r)
{
	char changed[512] = "", kept[512] = "", a[64], b[64];

	for (int i = 0; i < 6; i++) {
		option_text(&r->before, i, b, sizeof(b));
		option_text(&r->after, i, a, sizeof(a));
		if (strcmp(a, b))
			snprintf(changed + strlen(changed),
				 sizeof(changed) - strlen(changed),
				 "%s%s -> %s", changed[0] ? ", " : "", b,
				 strchr(a, ' ') + 1);
		else
			snprintf(kept + strlen(kept),
				 sizeof(kept) - strlen(kept), "%s%s",
				 kept[0] ? ", " : "", a);
	}
	pr_info("%s: options changed: %s; kept: %s", ifname,
		changed[0] ? changed : "none", kept);
}

int cmd_attach(int argc, char **argv)
{
	struct option opts[ATTACH_LONG_OPTS_MAX + 2];
	struct attach_opts o = { .override = NDPR_OVERRIDE_MULTICAST };
	struct attach_result r;
	size_t n;
	int c, ret = -EINVAL;

	n = attach_long_opts(opts);
	opts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	memset(&opts[n], 0, sizeof(opts[n]));
	while ((c = verb_getopt(argc, argv, ATTACH_SHORT_OPTS "h", opts,
				attach_usage)) != -1) {
		if (c == 'h') {
			ret = 0;
			goto out;
		}
		ret = attach_opt(c, optarg, &o);
		if (ret <= 0) {
			ret = -EINVAL;
			goto out;
		}
	}
	ret = -EINVAL;
	if (optind >= argc) {
		pr_err("attach: which interface? (ndpresponder attach IFACE "
		       "[PREFIX...])");
		goto out;
	}
	o.ifname = argv[optind++];
	for (; optind < argc; optind++) {
		ret = attach_add_prefix(&o, argv[optind], NDPR_ACT_ANSWER);
		if (ret)
			goto out;
	}
	ret = attach_opts_finish(&o);
	if (ret)
		goto out;

	/* run syncs after attaching, which removes what an exclude hides;
	 * attach only adds. */
	o.only_adds = true;
	o.keep_options = true;
	ret = responder_attach(&o, &r);
	if (!ret)
		pr_info("%s: %s, %s mode, program id %u", o.ifname,
			r.upgraded ? "upgraded" : "attached", mode_name(r.mode),
			r.prog_id);
	if (!ret && r.upgraded)
		print_upgrade(o.ifname, &r);
	/* attach looks once; a change of address or route later is
	 * followed only by run. */
	if (!ret)
		pr_info("%s: %zu own addresses and gateways in the prefixes "
			"guarded as they are now; 'ndpresponder run' keeps them "
			"current",
			o.ifname, r.guarded);
out:
	prefix_set_free(&o.prefixes);
	return ret;
}

static const char detach_usage[] =
	"Usage: ndpresponder detach IFACE\n"
	"\n"
	"Detaches the responder from IFACE, removes every pin and restores\n"
	"the all-multicast flag as it was before attach.\n"
	"\n"
	"  -h, --help  this text\n";

int cmd_detach(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	const char *ifname;
	int c, ret;

	while ((c = verb_getopt(argc, argv, "h", opts, detach_usage)) != -1)
		return c == 'h' ? 0 : -EINVAL;
	ifname = verb_iface(argc, argv);
	if (!ifname)
		return -EINVAL;
	ret = responder_detach(ifname);
	if (!ret)
		pr_info("%s: detached", ifname);
	return ret;
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* announce: make the router learn addresses before it needs them. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "announce.h"
#include "cli.h"
#include "iface.h"
#include "log.h"
#include "maps.h"
#include "pins.h"

static const char announce_usage[] =
	"Usage: ndpresponder announce IFACE ADDR... [--gateway ADDR] "
	"[--no-router]\n"
	"\n"
	"For each ADDR, sends an unsolicited Neighbor Advertisement to\n"
	"all-nodes (source ADDR, O=1, Target Link-Layer Address) and a\n"
	"Neighbor Solicitation from ADDR to the default gateway of IFACE,\n"
	"so the router learns ADDR at once instead of at its first inbound\n"
	"packet. Uses the MAC and R flag of the responder attached to IFACE,\n"
	"else the interface's MAC.\n"
	"\n"
	"  -g, --gateway ADDR  solicit this router (default: the gateway of\n"
	"                      IFACE's IPv6 default route)\n"
	"      --no-router     R=0 in the advertisement\n"
	"  -h, --help          this text\n";

int cmd_announce(int argc, char **argv)
{
	enum { OPT_NO_ROUTER = 256 };
	static const struct option opts[] = {
		{ "gateway", required_argument, NULL, 'g' },
		{ "no-router", no_argument, NULL, OPT_NO_ROUTER },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	struct ndpr_maps m = NDPR_MAPS_INIT;
	struct in6_addr gw, addrs[64];
	struct announcer a = { .fd = -1 };
	bool router = true, router_set = false, gw_set = false;
	char err[256], buf[INET6_ADDRSTRLEN];
	struct ndpr_state st;
	const char *ifname;
	struct pin_dir pd;
	uint8_t mac[6];
	int c, ifindex, ret;
	size_t n = 0;

	while ((c = verb_getopt(argc, argv, "g:h", opts, announce_usage)) !=
	       -1) {
		switch (c) {
		case 'h':
			return 0;
		case 'g':
			if (inet_pton(AF_INET6, optarg, &gw) != 1) {
				pr_err("announce: --gateway '%s' is not an "
				       "IPv6 address",
				       optarg);
				return -EINVAL;
			}
			gw_set = true;
			break;
		case OPT_NO_ROUTER:
			router = false;
			router_set = true;
			break;
		default:
			return -EINVAL;
		}
	}
	if (argc - optind < 2) {
		pr_err("announce: expected IFACE ADDR... (see ndpresponder "
		       "announce --help)");
		return -EINVAL;
	}
	ifname = argv[optind++];
	for (; optind < argc; optind++) {
		struct prefix p;

		if (n == sizeof(addrs) / sizeof(addrs[0])) {
			pr_err("announce: at most %zu addresses at once", n);
			return -EINVAL;
		}
		ret = prefix_parse(argv[optind], 0, &p, err, sizeof(err));
		if (!ret && p.len != 128) {
			pr_err("announce: '%s' is a prefix; give addresses",
			       argv[optind]);
			return -EINVAL;
		}
		if (ret) {
			pr_err("announce: %s", err);
			return ret;
		}
		addrs[n++] = p.addr;
	}

	ifindex = iface_index(ifname);
	if (ifindex < 0)
		return ifindex;
	ret = iface_mac(ifname, mac);
	if (ret)
		return ret;
	/* Announce with what the responder answers with, if attached. */
	if (!pin_dir_init(&pd, ifname, false) && !access(pd.dir, F_OK)) {
		if (!maps_open(&pd, ifname, &m) && !maps_state_read(&m, &st)) {
			memcpy(mac, st.config.mac, sizeof(mac));
			if (!router_set)
				router = st.config.flags & NDPR_CFG_ROUTER;
		}
		maps_close(&m);
	}
	ret = announcer_open(&a, ifname, ifindex, mac, router);
	if (ret) {
		pr_err("%s: couldn't open a packet socket: %s", ifname,
		       errstr(ret));
		return ret;
	}
	if (gw_set) {
		a.gw = gw;
		a.have_gw = true;
	} else if (!a.have_gw) {
		pr_info("%s: no IPv6 default route: sending advertisements "
			"only",
			ifname);
	}
	for (size_t i = 0; i < n; i++) {
		inet_ntop(AF_INET6, &addrs[i], buf, sizeof(buf));
		ret = announce_addr(&a, &addrs[i]);
		if (ret) {
			pr_err("%s: couldn't announce %s: %s", ifname, buf,
			       errstr(ret));
			break;
		}
		pr_info("%s: announced %s", ifname, buf);
	}
	announcer_close(&a);
	return ret;
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* announce: make the router learn addresses before it needs them. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "announce.h"
#include "cli.h"
#include "iface.h"
#include "log.h"
#include "maps.h"
#include "netlink.h"
#include "pins.h"
#include "print.h"

static const char announce_usage[] =
	"Usage: ndpresponder announce IFACE ADDR... [--gateway ADDR]\n"
	"                             [--no-router] [--force]\n"
	"\n"
	"For each ADDR, sends an unsolicited Neighbor Advertisement to\n"
	"all-nodes (source ADDR, O=1, Target Link-Layer Address) and a\n"
	"Neighbor Solicitation from ADDR to the default gateway of IFACE,\n"
	"so the router learns ADDR at once instead of at its first inbound\n"
	"packet. Uses the MAC and R flag of the responder attached to IFACE,\n"
	"else the interface's MAC.\n"
	"\n"
	"An ADDR the host routes out of another interface (a container\n"
	"behind a bridge) is announced only once it answers a solicitation\n"
	"there: announced before, the router's answer would make this host\n"
	"solicit it too early and hold the first packets for a second.\n"
	"\n"
	"  -g, --gateway ADDR  solicit this router (default: the gateway of\n"
	"                      IFACE's IPv6 default route)\n"
	"      --no-router     R=0 in the advertisement\n"
	"      --force         announce without asking the address first\n"
	"  -h, --help          this text\n";

struct announce_args {
	const char *ifname;
	struct in6_addr gw;
	bool gw_set;
	bool router;
	bool router_set;
	bool force;
	size_t n;
	struct in6_addr addrs[64];
};

/* The router to solicit: a unicast address, link-local or global. */
static int gateway_parse(const char *s, struct in6_addr *gw)
{
	if (inet_pton(AF_INET6, s, gw) != 1) {
		pr_err("announce: --gateway '%s' is not an IPv6 address", s);
		return -EINVAL;
	}
	if (IN6_IS_ADDR_MULTICAST(gw) || IN6_IS_ADDR_UNSPECIFIED(gw) ||
	    IN6_IS_ADDR_LOOPBACK(gw) || IN6_IS_ADDR_V4MAPPED(gw)) {
		pr_err("announce: --gateway '%s' is not a router's unicast "
		       "address",
		       s);
		return -EINVAL;
	}
	return 0;
}

/* 1 for --help, 0 with a's options filled in, or -EINVAL. */
static int announce_opts(int argc, char **argv, struct announce_args *a)
{
	enum {
		OPT_NO_ROUTER = 256,
		OPT_FORCE
	};
	static const struct option opts[] = {
		{ "gateway", required_argument, NULL, 'g' },
		{ "no-router", no_argument, NULL, OPT_NO_ROUTER },
		{ "force", no_argument, NULL, OPT_FORCE },
		{ "help", no_argument, NULL, 'h' },
		{},
	};
	int c;

	while ((c = verb_getopt(argc, argv, "g:h", opts, announce_usage)) !=
	       -1) {
		switch (c) {
		case 'h':
			return 1;
		case 'g':
			if (gateway_parse(optarg, &a->gw))
				return -EINVAL;
			a->gw_set = true;
			break;
		case OPT_NO_ROUTER:
			a->router = false;
			a->router_set = true;
			break;
		case OPT_FORCE:
			a->force = true;
			break;
		default:
			return -EINVAL;
		}
	}
	return 0;
}

/* IFACE ADDR... after the options. */
static int announce_addrs(int argc, char **argv, struct announce_args *a)
{
	char err[256];
	int ret;

	if (argc - optind < 2) {
		pr_err("announce: expected IFACE ADDR... (see ndpresponder "
		       "announce --help)");
		return -EINVAL;
	}
	a->ifname = iface_arg(argv[optind++]);
	if (!a->ifname)
		return -EINVAL;
	for (; optind < argc; optind++) {
		struct prefix p;

		if (a->n == sizeof(a->addrs) / sizeof(a->addrs[0])) {
			pr_err("announce: at most %zu addresses at once", a->n);
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
		a->addrs[a->n++] = p.addr;
	}
	return 0;
}

/*
 * Announce with what the responder answers with. Without one, the router
 * would learn an address nothing answers for once its entry goes stale:
 * refused.
 */
static int responder_identity(struct announce_args *a, uint8_t mac[6])
{
	struct ndpr_maps m = NDPR_MAPS_INIT;
	struct ndpr_state st;
	struct pin_dir pd;
	int ret;

	ret = pin_dir_init(&pd, a->ifname, 0);
	if (ret)
		return ret;
	ret = maps_open_quiet(&pd, &m);
	if (!ret)
		ret = maps_state_read(&m, &st);
	if (!ret) {
		memcpy(mac, st.config.mac, 6);
		if (!a->router_set)
			a->router = st.config.flags & NDPR_CFG_ROUTER;
	} else if (ret == -ENOENT) {
		pr_err("%s: no responder attached, so nothing would answer for "
		       "what is announced; 'ndpresponder attach %s' first",
		       a->ifname, a->ifname);
	} else {
		pr_err("%s: couldn't read the responder's state: %s", a->ifname,
		       errstr(ret));
	}
	maps_close(&m);
	pin_dir_close(&pd);
	return ret;
}

#define PROBE_MS 300 /* a node that is up answers in microseconds */

/*
 * An address routed out of another interface of this host, directly: 0
 * once it answers there, else a line and -EHOSTUNREACH (not up yet) or
 * the reason it could not be asked. Anything else is not asked.
 */
static int answers_behind(const struct announce_args *a, int ifindex,
			  const struct in6_addr *addr, const char *txt)
{
	struct nl_route_info ri;
	char dev[IF_NAMESIZE] = "?";
	int ret;

	if (a->force || nl_route_get(addr, &ri) || ri.type != RTN_UNICAST ||
	    !ri.oif || ri.oif == ifindex || ri.has_gw)
		return 0;
	if_indextoname((unsigned int)ri.oif, dev);
	ret = announce_probe(ri.oif, addr, PROBE_MS);
	if (ret == -ETIMEDOUT) {
		pr_err("%s: %s not announced: it does not answer on %s yet "
		       "(its container not up?); announced now, the router's "
		       "answer would hold its first packets for a second. "
		       "Announce it once it is up (--force: now)",
		       a->ifname, txt, dev);
		return -EHOSTUNREACH;
	}
	if (ret)
		pr_err("%s: %s not announced: couldn't ask it on %s: %s "
		       "(--force: announce without asking)",
		       a->ifname, txt, dev, errstr(ret));
	return ret;
}

static int announce_all(struct print_ctx *out, struct announcer *an,
			const struct announce_args *a, int ifindex)
{
	char buf[INET6_ADDRSTRLEN];
	int ret = 0, first = 0;

	for (size_t i = 0; i < a->n; i++) {
		inet_ntop(AF_INET6, &a->addrs[i], buf, sizeof(buf));
		ret = answers_behind(a, ifindex, &a->addrs[i], buf);
		if (ret) {
			first = first ?: ret;
			continue;
		}
		ret = announce_addr(an, &a->addrs[i]);
		if (ret) {
			pr_err("%s: couldn't announce %s: %s", a->ifname, buf,
			       errstr(ret));
			break;
		}
		print_text(out, "%s: announced %s\n", a->ifname, buf);
	}
	return ret ?: first;
}

int cmd_announce(int argc, char **argv)
{
	struct announce_args a = { .router = true };
	struct announcer an = { .fd = -1 };
	struct print_ctx out;
	uint8_t mac[6];
	int ifindex, ret;

	ret = announce_opts(argc, argv, &a);
	if (ret)
		return ret > 0 ? 0 : ret;
	ret = announce_addrs(argc, argv, &a);
	if (ret)
		return ret;
	ifindex = iface_index(a.ifname);
	if (ifindex < 0)
		return ifindex;
	ret = responder_identity(&a, mac);
	if (ret)
		return ret;
	ret = announcer_open(&an, a.ifname, ifindex, mac, a.router);
	if (ret) {
		pr_err("%s: couldn't open a packet socket: %s", a.ifname,
		       errstr(ret));
		return ret;
	}
	if (a.gw_set) {
		an.gw = a.gw;
		an.have_gw = true;
	} else if (!an.have_gw) {
		pr_info("%s: no IPv6 default route: sending advertisements "
			"only",
			a.ifname);
	}
	print_init(&out, false, stdout);
	ret = announce_all(&out, &an, &a, ifindex);
	announcer_close(&an);
	return ret;
}

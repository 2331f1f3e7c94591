// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of route-checked answers: the program asks the kernel's FIB
 * (bpf_fib_lookup) where the host would forward the target, and answers
 * only when that is an interface other than the uplink.
 *
 * The process moves into a network namespace of its own first, so it never
 * touches the host's networking and everything it builds dies with it. In
 * there, `ip` builds two veth pairs: up0 <-> peer0 stands for the uplink,
 * dn0 <-> dnpeer for the downstream side. The program is not attached
 * anywhere: BPF_PROG_RUN with ingress_ifindex naming up0 is enough, the
 * FIB lookup runs in the namespace of that device. Each case changes a
 * route, an address, a neighbour or a sysctl, sends one multicast NS
 * built by frames.h and checks the verdict, the whole output frame and
 * that exactly the expected counter moved by one. Route changes must count
 * at the very next solicitation: nothing runs in between.
 *
 * Needs root (BPF_PROG_LOAD, unshare) and iproute2; pins nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ndpresponder.h"
#include "ndpresponder.skel.h"
#include "harness.h"
#include "frames.h"
#include "skel_fixture.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define UPLINK	     "up0"
#define FWD_ALL	     "/proc/sys/net/ipv6/conf/all/forwarding"
#define FWD_UP0	     "/proc/sys/net/ipv6/conf/" UPLINK "/forwarding"
#define CMD_MAX	     256
#define WHY_MAX	     512
#define NAME_MAX_LEN 160

/* The router on the uplink asking, and the MAC the responder answers with. */
static const uint8_t asker_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0xaa };
static const uint8_t host_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t slla[8] = { FR_ND_OPT_SLLA, 1,    0x02, 0x00,
				 0x00,		 0x00, 0x00, 0xaa };

#define CHECK_ROUTE NDPR_PF_ROUTE_CHECK
#define CHECK_NEIGH (NDPR_PF_ROUTE_CHECK | NDPR_PF_ROUTE_NEIGH)

/* The answered entries: /128 go to the hash, the rest to the trie. */
static const struct {
	const char *addr;
	unsigned int plen;
	uint8_t flags;
} entries[] = {
	{ "2001:db8:1::", 64, CHECK_ROUTE },	/* on the uplink's /64 */
	{ "2001:db8:1::77", 128, CHECK_NEIGH }, /* needs a neighbour too */
	{ "2001:db8:5::", 64, CHECK_ROUTE },	/* matches no route */
	{ "2001:db8:9::", 64, 0 },		/* answered whatever the FIB */
};

/* The namespace before the first case; each command is run as `ip ...`. */
static const char *const topology[] = {
	"link set lo up",
	"link add " UPLINK " type veth peer name peer0",
	"link add dn0 type veth peer name dnpeer",
	"link set " UPLINK " up",
	"link set peer0 up",
	"link set dn0 up",
	"link set dnpeer up",
	"-6 addr add 2001:db8:1::2/64 dev " UPLINK " nodad",
	"-6 addr add 2001:db8:2::1/64 dev dn0 nodad",
	"-6 route add default via 2001:db8:1::1 dev " UPLINK,
};

/* ---- the cases, in order: each builds on the state the last one left ---- */

enum fwd_change {
	FWD_KEEP,
	FWD_OFF,
	FWD_ON
};

#define CMDS(...) .cmds = { __VA_ARGS__ }
#define TX	  .verdict = XDP_TX, .counter = NDPR_C_answered
#define PASSED(c) .verdict = XDP_PASS, .counter = NDPR_C_##c

struct step {
	const char *name;
	const char *cmds[3];	 /* `ip` arguments, run before the NS */
	enum fwd_change up0_fwd; /* then the uplink's forwarding sysctl */
	const char *local;	 /* then wait for this local route */
	const char *target;
	int verdict;
	int counter;
};

static const struct step steps[] = {
	{ "route dev dn0 -> answered",
	  CMDS("-6 route add 2001:db8:1::100/128 dev dn0"),
	  .target = "2001:db8:1::100", TX },
	{ "same target, route deleted -> passed_route_uplink at once",
	  CMDS("-6 route del 2001:db8:1::100/128 dev dn0"),
	  .target = "2001:db8:1::100", PASSED(passed_route_uplink) },
	{ "route via a gateway on dn0 -> answered",
	  CMDS("-6 route add 2001:db8:1::101/128 via 2001:db8:2::9 dev dn0"),
	  .target = "2001:db8:1::101", TX },
	{ "local address on dn0 -> passed_route_local",
	  CMDS("-6 addr add 2001:db8:1::102/128 dev dn0 nodad"),
	  .local = "2001:db8:1::102", .target = "2001:db8:1::102",
	  PASSED(passed_route_local) },
	/*
	 * With the default route gone nothing matches 2001:db8:5::1. The
	 * FIB reports "not forwarded" both for a local address and for no
	 * route at all, so both count as passed_route_local.
	 */
	{ "no route at all (default deleted) -> passed_route_local",
	  CMDS("-6 route del default via 2001:db8:1::1 dev " UPLINK),
	  .target = "2001:db8:5::1", PASSED(passed_route_local) },
	{ "same target, default route back -> passed_route_uplink",
	  CMDS("-6 route add default via 2001:db8:1::1 dev " UPLINK),
	  .target = "2001:db8:5::1", PASSED(passed_route_uplink) },
	{ "unreachable route -> passed_route_unreachable",
	  CMDS("-6 route add unreachable 2001:db8:1::103/128"),
	  .target = "2001:db8:1::103", PASSED(passed_route_unreachable) },
	{ "prohibit route -> passed_route_unreachable",
	  CMDS("-6 route add prohibit 2001:db8:1::105/128"),
	  .target = "2001:db8:1::105", PASSED(passed_route_unreachable) },
	{ "blackhole route -> passed_route_blackhole",
	  CMDS("-6 route add blackhole 2001:db8:1::104/128"),
	  .target = "2001:db8:1::104", PASSED(passed_route_blackhole) },
	{ "route dev dn0, forwarding off on the uplink -> passed_route_fwd_off",
	  CMDS("-6 route add 2001:db8:1::100/128 dev dn0"), .up0_fwd = FWD_OFF,
	  .target = "2001:db8:1::100", PASSED(passed_route_fwd_off) },
	{ "same target, forwarding back on -> answered", .up0_fwd = FWD_ON,
	  .target = "2001:db8:1::100", TX },
	{ "neigh mode: route dev dn0, no neighbour -> passed_route_no_neigh",
	  CMDS("-6 route add 2001:db8:1::77/128 dev dn0"),
	  .target = "2001:db8:1::77", PASSED(passed_route_no_neigh) },
	{ "neigh mode: reachable neighbour on dn0 -> answered",
	  CMDS("-6 neigh add 2001:db8:1::77 lladdr 02:00:00:00:00:77"
	       " dev dn0 nud reachable"),
	  .target = "2001:db8:1::77", TX },
	/* FIB says NO_NEIGH: no neighbour for it on the uplink */
	{ "neigh mode: route deleted, to the uplink -> passed_route_uplink",
	  CMDS("-6 route del 2001:db8:1::77/128 dev dn0"),
	  .target = "2001:db8:1::77", PASSED(passed_route_uplink) },
	/* FIB says SUCCESS, out of the uplink */
	{ "neigh mode: uplink with a neighbour there -> passed_route_uplink",
	  CMDS("-6 neigh add 2001:db8:1::77 lladdr 02:00:00:00:00:78"
	       " dev " UPLINK " nud permanent"),
	  .target = "2001:db8:1::77", PASSED(passed_route_uplink) },
	{ "no route check: routed to the uplink -> answered",
	  .target = "2001:db8:9::1", TX },
	{ "no route check: unreachable route -> answered",
	  CMDS("-6 route add unreachable 2001:db8:9::1/128"),
	  .target = "2001:db8:9::1", TX },
	{ "no route check: forwarding off on the uplink -> answered",
	  .up0_fwd = FWD_OFF, .target = "2001:db8:9::1", TX },
	{ "no route check: no route at all -> answered",
	  CMDS("-6 route del default via 2001:db8:1::1 dev " UPLINK),
	  .up0_fwd = FWD_ON, .target = "2001:db8:9::2", TX },
};

/* ---- the namespace ---- */

/* Runs `ip ARGS` through the shell; 0 when it exited 0, else why not. */
static int run_ip(const char *args, char *why, size_t whylen)
{
	char cmd[CMD_MAX];
	int st;

	snprintf(cmd, sizeof(cmd), "ip %s", args);
	fflush(stdout);
	st = system(cmd);
	if (st == -1) {
		snprintf(why, whylen, "'%s': system: %s", cmd, strerror(errno));
		return -1;
	}
	if (!WIFEXITED(st)) {
		snprintf(why, whylen, "'%s' died of signal %d", cmd,
			 WIFSIGNALED(st) ? WTERMSIG(st) : -1);
		return -1;
	}
	if (WEXITSTATUS(st) == 127) {
		snprintf(why, whylen, "'%s': ip (iproute2) not found in PATH",
			 cmd);
		return -1;
	}
	if (WEXITSTATUS(st)) {
		snprintf(why, whylen, "'%s' exited %d", cmd, WEXITSTATUS(st));
		return -1;
	}
	return 0;
}

/* Writes a sysctl through /proc, which shows this process's namespace. */
static int write_sysctl(const char *path, const char *val, char *why,
			size_t whylen)
{
	size_t len = strlen(val);
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(why, whylen, "open %s: %s", path, strerror(errno));
		return -1;
	}
	if (write(fd, val, len) != (ssize_t)len) {
		snprintf(why, whylen, "write %s to %s: %s", val, path,
			 strerror(errno));
		err = -1;
	}
	close(fd);
	return err;
}

/* Own namespace, iproute2 there, the topology, forwarding on. */
static int setup_netns(int *uplink)
{
	char why[WHY_MAX] = "";
	size_t i;
	int ok;

	ok = !unshare(CLONE_NEWNET);
	harness_result(ok, "route: own network namespace",
		       "unshare(CLONE_NEWNET): %s", strerror(errno));
	if (!ok)
		return -1;

	ok = !run_ip("-V >/dev/null", why, sizeof(why));
	harness_result(ok, "route: ip (iproute2) runs", "%s", why);
	if (!ok)
		return -1;

	for (i = 0; i < ARRAY_SIZE(topology); i++) {
		if (run_ip(topology[i], why, sizeof(why)))
			break;
	}
	if (i == ARRAY_SIZE(topology) &&
	    !write_sysctl(FWD_ALL, "1", why, sizeof(why)))
		write_sysctl(FWD_UP0, "1", why, sizeof(why));
	ok = !why[0];
	harness_result(ok, "route: topology (veth up0/dn0, forwarding on)",
		       "%s", why);
	if (!ok)
		return -1;

	*uplink = (int)if_nametoindex(UPLINK);
	ok = *uplink > 1;
	harness_result(ok, "route: uplink has an ifindex",
		       "if_nametoindex(" UPLINK "): %s", strerror(errno));
	return ok ? 0 : -1;
}

/* ---- the loaded program ---- */

/*
 * Loads with the default configuration, without events, and adds the
 * entries.
 */
static int fixture_load(struct skel_fixture *fx, char *why, size_t whylen)
{
	struct ndpr_config cfg = {
		.flags = NDPR_CFG_ROUTER | NDPR_CFG_DAD | NDPR_CFG_UNICAST,
		.override = NDPR_OVERRIDE_MULTICAST,
		.events_per_cpu = 0,
	};
	size_t i;

	memcpy(cfg.mac, host_mac, 6);
	if (skel_fixture_load(fx, &cfg, why, whylen))
		return -1;
	for (i = 0; i < ARRAY_SIZE(entries); i++) {
		struct ndpr_prefix_val val = {
			.action = NDPR_ACT_ANSWER,
			.flags = entries[i].flags,
		};

		if (skel_add_entry(fx->skel, entries[i].addr, entries[i].plen,
				   &val, why, whylen)) {
			skel_fixture_destroy(fx);
			return -1;
		}
	}
	return 0;
}

/* ---- the frames ---- */

/* A multicast NS from the router's link-local address, with its SLLA. */
static void build_ns(const char *target, struct fr_ns *ns, struct frame *f)
{
	memset(ns, 0, sizeof(*ns));
	ns->vtcfl = 0x60000000;
	ns->hlim = 255;
	fr_ip6("fe80::1", ns->src);
	fr_ip6(target, ns->target);
	fr_solicited_node(ns->target, ns->dst);
	fr_mcast_mac(ns->dst, ns->eth_dst);
	memcpy(ns->eth_src, asker_mac, 6);
	ns->nexthdr = FR_IPPROTO_ICMPV6;
	ns->type = FR_ND_NS;
	ns->opts = slla;
	ns->opts_len = sizeof(slla);
	fr_build_ns(f, ns);
}

/* The answer of RFC 4861 §7.2.4, sourced from the target: R S O. */
static void build_na(const struct fr_ns *ns, struct frame *f)
{
	struct fr_na na = {};

	memcpy(na.eth_dst, ns->eth_src, 6);
	memcpy(na.eth_src, host_mac, 6);
	memcpy(na.src, ns->target, 16);
	memcpy(na.dst, ns->src, 16);
	na.flags = FR_NA_R | FR_NA_S | FR_NA_O;
	memcpy(na.target, ns->target, 16);
	memcpy(na.tlla, host_mac, 6);
	fr_build_na(f, &na);
}

/* ---- running a step ---- */

/*
 * Even with nodad, the kernel installs an address's local route from its
 * DAD work, after `ip addr add` returned: wait for it (up to 2 s).
 */
static int wait_local_route(const char *addr, char *why, size_t whylen)
{
	char cmd[CMD_MAX], line[256];
	FILE *f;

	snprintf(cmd, sizeof(cmd), "ip -6 route show table local %s", addr);
	for (int i = 0; i < 200; i++) {
		bool found = false;

		f = popen(cmd, "r");
		if (!f)
			break;
		while (fgets(line, sizeof(line), f))
			found |= strstr(line, addr) != NULL;
		pclose(f);
		if (found)
			return 0;
		usleep(10000);
	}
	snprintf(why, whylen, "no local route for %s after 2 s", addr);
	return -1;
}

/* The step's changes to the namespace, in order. */
static int apply_changes(const struct step *st, char *why, size_t whylen)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(st->cmds) && st->cmds[i]; i++)
		if (run_ip(st->cmds[i], why, whylen))
			return -1;
	if (st->up0_fwd != FWD_KEEP &&
	    write_sysctl(FWD_UP0, st->up0_fwd == FWD_ON ? "1" : "0", why,
			 whylen))
		return -1;
	if (st->local && wait_local_route(st->local, why, whylen))
		return -1;
	return 0;
}

static void run_step(const struct skel_fixture *fx, int uplink,
		     const struct step *st)
{
	static struct frame in, want, got;
	__u64 before[NDPR_C_MAX], after[NDPR_C_MAX];
	char name[NAME_MAX_LEN], why[WHY_MAX] = "";
	struct fr_ns ns;
	bool same, cnt_ok;
	__u32 retval;
	int err;

	snprintf(name, sizeof(name), "route: %s: %s", st->target, st->name);
	build_ns(st->target, &ns, &in);

	if (!CHECK(name, !counters_sum(fx->counters_fd, before),
		   "reading counters: %s", strerror(errno)))
		return;
	/* The change and the NS back to back: nothing may be needed to make
	 * the program see it. */
	if (!CHECK(name, !apply_changes(st, why, sizeof(why)),
		   "changing the namespace: %s", why))
		return;
	/* Received on the uplink: the FIB lookup runs in its namespace. */
	err = xdp_run_frame(fx->prog_fd, uplink, &in, &got, &retval);
	if (!CHECK(name, !err, "bpf_prog_test_run_opts: %s", strerror(err)))
		return;
	if (!CHECK(name, !counters_sum(fx->counters_fd, after),
		   "reading counters: %s", strerror(errno)))
		return;

	/* On a wrong verdict the counters tell which outcome it was. */
	cnt_ok = counters_ok(before, after, st->counter, why, sizeof(why));
	if (!CHECK(name, retval == (__u32)st->verdict,
		   "verdict %s, want %s%s%s", verdict_name(retval),
		   verdict_name(st->verdict),
		   cnt_ok ? "" : "; counters: ", cnt_ok ? "" : why))
		goto dump;

	if (st->verdict == XDP_TX) {
		build_na(&ns, &want);
		same = got.len == want.len && !memcmp(got.b, want.b, got.len);
		if (!CHECK(name, same, "NA differs from the expected one")) {
			hexdump_diff(got.b, got.len, want.b, want.len);
			print_frame("expected", want.b, want.len);
			goto dump;
		}
	} else if (!passed_unchanged(name, in.b, in.len, got.b, got.len)) {
		goto dump;
	}

	if (!CHECK(name, cnt_ok, "counters: %s", why))
		return;
	harness_result(1, name, "%s", "");
	return;
dump:
	print_in_out(in.b, in.len, got.b, got.len);
}

int main(void)
{
	char why[WHY_MAX] = "";
	struct skel_fixture fx;
	int uplink, err;
	size_t i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (geteuid() != 0) {
		harness_result(0, "route: running as root",
			       "unshare(CLONE_NEWNET), BPF_PROG_LOAD and "
			       "BPF_PROG_RUN need root");
		return harness_exit();
	}
	if (setup_netns(&uplink))
		return harness_exit();

	err = fixture_load(&fx, why, sizeof(why));
	harness_result(!err, "route: load with route-checked entries", "%s",
		       why);
	if (err)
		return harness_exit();

	for (i = 0; i < ARRAY_SIZE(steps); i++)
		run_step(&fx, uplink, &steps[i]);
	skel_fixture_destroy(&fx);
	return harness_exit();
}

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

_Static_assert(sizeof(struct ndpr_counters) == NDPR_C_MAX * sizeof(__u64),
	       "the counter struct is read as an array of __u64");

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define UPLINK	 "up0"
#define FWD_ALL	 "/proc/sys/net/ipv6/conf/all/forwarding"
#define FWD_UP0	 "/proc/sys/net/ipv6/conf/" UPLINK "/forwarding"
#define CMD_MAX	 256
#define WHY_MAX	 512
#define NAME_MAX_LEN 160

#define COUNTER_NAME(name) #name,
static const char *const counter_names[NDPR_C_MAX] = {
	NDPR_COUNTERS(COUNTER_NAME)
};
#undef COUNTER_NAME

/* The router on the uplink asking, and the MAC the responder answers with. */
static const uint8_t asker_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0xaa };
static const uint8_t host_mac[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t slla[8] = { FR_ND_OPT_SLLA, 1, 0x02, 0x00, 0x00,
				 0x00, 0x00, 0xaa };

#define CHECK_ROUTE NDPR_PF_ROUTE_CHECK
#define CHECK_NEIGH (NDPR_PF_ROUTE_CHECK | NDPR_PF_ROUTE_NEIGH)

/* The answered entries: /128 go to the hash, the rest to the trie. */
static const struct {
	const char *addr;
	unsigned int plen;
	uint8_t flags;
} entries[] = {
	{ "2001:db8:1::", 64, CHECK_ROUTE },   /* on the uplink's /64 */
	{ "2001:db8:1::77", 128, CHECK_NEIGH }, /* needs a neighbour too */
	{ "2001:db8:5::", 64, CHECK_ROUTE },   /* matches no route */
	{ "2001:db8:9::", 64, 0 },	       /* answered whatever the FIB */
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

enum fwd_change { FWD_KEEP, FWD_OFF, FWD_ON };

#define CMDS(...) .cmds = { __VA_ARGS__ }
#define TX	  .verdict = XDP_TX, .counter = NDPR_C_answered
#define PASSED(c) .verdict = XDP_PASS, .counter = NDPR_C_##c

struct step {
	const char *name;
	const char *cmds[3];	 /* `ip` arguments, run before the NS */
	enum fwd_change up0_fwd; /* then the uplink's forwarding sysctl */
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
	  .target = "2001:db8:1::102", PASSED(passed_route_local) },
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
	{ "same target, forwarding back on -> answered",
	  .up0_fwd = FWD_ON, .target = "2001:db8:1::100", TX },
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

struct fixture {
	struct ndpresponder_bpf *skel;
	int prog_fd;
	int counters_fd;
};

static void fixture_destroy(struct fixture *fx)
{
	ndpresponder_bpf__destroy(fx->skel);
	fx->skel = NULL;
}

static int fill_maps(struct fixture *fx, char *why, size_t whylen)
{
	int hosts = bpf_map__fd(fx->skel->maps.ndpr_hosts);
	int prefixes = bpf_map__fd(fx->skel->maps.ndpr_prefixes);
	size_t i;

	for (i = 0; i < ARRAY_SIZE(entries); i++) {
		struct ndpr_prefix_val val = {
			.action = NDPR_ACT_ANSWER,
			.flags = entries[i].flags,
		};
		int err;

		if (entries[i].plen == 128) {
			struct ndpr_host_key key;

			fr_ip6(entries[i].addr, key.addr);
			err = bpf_map_update_elem(hosts, &key, &val,
						  BPF_NOEXIST);
		} else {
			struct ndpr_prefix_key key = {
				.prefixlen = entries[i].plen,
			};

			fr_ip6(entries[i].addr, key.addr);
			err = bpf_map_update_elem(prefixes, &key, &val,
						  BPF_NOEXIST);
		}
		if (err) {
			snprintf(why, whylen, "adding %s/%u: %s",
				 entries[i].addr, entries[i].plen,
				 strerror(errno));
			return -1;
		}
	}
	return 0;
}

/*
 * Opens, sets the default configuration without events, loads without
 * pinning (LIBBPF_PIN_BY_NAME would pin, or reuse the maps of a running
 * responder) and adds the entries.
 */
static int fixture_load(struct fixture *fx, char *why, size_t whylen)
{
	struct ndpr_config cfg = {
		.flags = NDPR_CFG_ROUTER | NDPR_CFG_DAD | NDPR_CFG_UNICAST,
		.override = NDPR_OVERRIDE_MULTICAST,
		.events_per_cpu = 0,
	};
	struct bpf_map *map;
	int err;

	memset(fx, 0, sizeof(*fx));
	memcpy(cfg.mac, host_mac, 6);
	fx->skel = ndpresponder_bpf__open();
	if (!fx->skel) {
		snprintf(why, whylen, "open: %s", strerror(errno));
		return -1;
	}
	fx->skel->rodata->ndpr_cfg = cfg;
	bpf_object__for_each_map(map, fx->skel->obj) {
		err = bpf_map__set_pin_path(map, NULL);
		if (err) {
			snprintf(why, whylen, "unpin %s: %s",
				 bpf_map__name(map), strerror(-err));
			goto fail;
		}
	}
	err = ndpresponder_bpf__load(fx->skel);
	if (err) {
		snprintf(why, whylen, "load: %s", strerror(-err));
		goto fail;
	}
	bpf_object__for_each_map(map, fx->skel->obj) {
		if (bpf_map__is_pinned(map) || bpf_map__pin_path(map)) {
			snprintf(why, whylen, "map %s is pinned",
				 bpf_map__name(map));
			goto fail;
		}
	}
	fx->prog_fd = bpf_program__fd(fx->skel->progs.ndpresponder);
	fx->counters_fd = bpf_map__fd(fx->skel->maps.ndpr_counters);
	if (fill_maps(fx, why, whylen))
		goto fail;
	return 0;
fail:
	fixture_destroy(fx);
	return -1;
}

/* Sums the per-CPU counters. */
static int read_counters(const struct fixture *fx, __u64 sum[NDPR_C_MAX])
{
	int ncpu = libbpf_num_possible_cpus();
	struct ndpr_counters *v;
	__u32 key = 0;
	int cpu, i;

	if (ncpu <= 0)
		return -1;
	v = calloc(ncpu, sizeof(*v));
	if (!v)
		return -1;
	if (bpf_map_lookup_elem(fx->counters_fd, &key, v)) {
		free(v);
		return -1;
	}
	memset(sum, 0, NDPR_C_MAX * sizeof(sum[0]));
	for (cpu = 0; cpu < ncpu; cpu++) {
		const __u64 *c = (const __u64 *)&v[cpu];

		for (i = 0; i < NDPR_C_MAX; i++)
			sum[i] += c[i];
	}
	free(v);
	return 0;
}

/* One BPF_PROG_RUN received on the uplink; 0 or the errno of the syscall. */
static int run_prog(const struct fixture *fx, int uplink,
		    const struct frame *in, struct frame *out, __u32 *retval)
{
	static uint8_t obuf[FR_MAX + 64];
	struct xdp_md ctx = {
		.data_end = in->len,
		.ingress_ifindex = uplink,
	};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in->b,
		    .data_size_in = in->len, .data_out = obuf,
		    .data_size_out = sizeof(obuf), .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = 1);

	memset(obuf, 0, sizeof(obuf));
	if (bpf_prog_test_run_opts(fx->prog_fd, &opts))
		return errno ? errno : EIO;
	if (opts.data_size_out > FR_MAX)
		return EMSGSIZE;
	out->len = opts.data_size_out;
	memcpy(out->b, obuf, out->len);
	*retval = opts.retval;
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

static void print_frame(const char *what, const struct frame *f)
{
	size_t i;

	printf("    %s (%zu octets):", what, f->len);
	for (i = 0; i < f->len; i++)
		printf("%s%02x", i % 16 ? " " : "\n      ", f->b[i]);
	printf("\n");
}

static const char *verdict_name(__u32 v)
{
	switch (v) {
	case XDP_ABORTED:
		return "XDP_ABORTED";
	case XDP_DROP:
		return "XDP_DROP";
	case XDP_PASS:
		return "XDP_PASS";
	case XDP_TX:
		return "XDP_TX";
	case XDP_REDIRECT:
		return "XDP_REDIRECT";
	}
	return "?";
}

/* Exactly one counter, the expected one, moved, and by one. */
static bool counters_ok(const __u64 *before, const __u64 *after, int want,
			char *why, size_t whylen)
{
	size_t n = 0;
	bool ok = true;
	int i;

	for (i = 0; i < NDPR_C_MAX; i++) {
		__u64 d = after[i] - before[i];

		if (d == (i == want ? 1u : 0u))
			continue;
		if (ok)
			n = snprintf(why, whylen, "want %s +1, got",
				     counter_names[want]);
		ok = false;
		if (n < whylen)
			n += snprintf(why + n, whylen - n, " %s %+lld",
				      counter_names[i], (long long)d);
	}
	return ok;
}

/* ---- running a step ---- */

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
	return 0;
}

static void run_step(const struct fixture *fx, int uplink,
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

	if (!CHECK(name, !read_counters(fx, before), "reading counters: %s",
		   strerror(errno)))
		return;
	/* The change and the NS back to back: nothing may be needed to make
	 * the program see it. */
	if (!CHECK(name, !apply_changes(st, why, sizeof(why)),
		   "changing the namespace: %s", why))
		return;
	err = run_prog(fx, uplink, &in, &got, &retval);
	if (!CHECK(name, !err, "bpf_prog_test_run_opts: %s", strerror(err)))
		return;
	if (!CHECK(name, !read_counters(fx, after), "reading counters: %s",
		   strerror(errno)))
		return;

	/* On a wrong verdict the counters tell which outcome it was. */
	cnt_ok = counters_ok(before, after, st->counter, why, sizeof(why));
	if (!CHECK(name, retval == (__u32)st->verdict,
		   "verdict %s, want %s%s%s", verdict_name(retval),
		   verdict_name(st->verdict), cnt_ok ? "" : "; counters: ",
		   cnt_ok ? "" : why))
		goto dump;

	if (st->verdict == XDP_TX) {
		build_na(&ns, &want);
		same = got.len == want.len && !memcmp(got.b, want.b, got.len);
		if (!CHECK(name, same, "NA differs from the expected one")) {
			hexdump_diff(got.b, got.len, want.b, want.len);
			print_frame("expected", &want);
			goto dump;
		}
	} else {
		same = got.len == in.len && !memcmp(got.b, in.b, in.len);
		if (!CHECK(name, same,
			   "passed frame was modified (%zu -> %zu octets)",
			   in.len, got.len)) {
			hexdump_diff(got.b, got.len, in.b, in.len);
			goto dump;
		}
	}

	if (!CHECK(name, cnt_ok, "counters: %s", why))
		return;
	harness_result(1, name, "%s", "");
	return;
dump:
	print_frame("input", &in);
	print_frame("output", &got);
}

int main(void)
{
	char why[WHY_MAX] = "";
	struct fixture fx;
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
	fixture_destroy(&fx);
	return harness_exit();
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The router's side of the answer-rate and latency benchmarks, run in the
 * router's network namespace on its veth (tests/bench/run.sh sets it up):
 *
 *   attach IFACE PROG native|generic [PREFIX]
 *                                      attaches bench.bpf.c's PROG (bounce,
 *                                      touch: the limits; minimal, the
 *                                      reference responder, answering
 *                                      PREFIX) and leaves it there
 *   flood IFACE [options]              floods NS, counts the NAs back
 *   flood IFACE --alternate LINK --host-mac MAC --prefix PREFIX
 *                                      the same, with the program of the
 *                                      XDP link pinned at LINK and the
 *                                      minimal responder (answering PREFIX
 *                                      from MAC) in turns on that link,
 *                                      --period-ms each (alternate.h)
 *   latency IFACE [options]            one NS at a time, NS-to-NA delay
 *
 * The flood's generator is BPF_PROG_TEST_RUN in live-frames mode, as
 * xdp-trafficgen does it: bench.bpf.c's `gen` runs in the kernel on a page
 * pool of frames, writes an NS into each and returns XDP_TX, which sends
 * it out of IFACE (ctx ingress_ifindex). count_na, attached to IFACE,
 * counts the NAs coming back and drops them before the kernel's stack.
 * --rate paces it: `gen` drops the frames that come before their time.
 *
 * The generator runs on --cpu (default 0), the responder on --resp-cpu
 * (default 1): run.sh pins there the NAPI thread of the responder's veth
 * and ndppd. CPU time per answer: all busy time of the responder's CPU
 * plus the softirq time of the others (/proc/stat), so a responder pays
 * for its process, its NAPI and its softirqs wherever they ran.
 * Kernels without IRQ_TIME_ACCOUNTING sample it on the tick.
 *
 * Prints one line per figure (stats.h), labelled with --label.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench.h" /* before its skeleton: struct ns_gen */
#include "bench.skel.h"
#include "alternate.h"
#include "common.h"
#include "entries.h"
#include "frames.h"
#include "nsgen.h"
#include "stats.h"

/* Frames per BPF_PROG_TEST_RUN call of the flood: more than it can send
 * before the alarm stops it. */
#define FLOOD_REPEAT  (1U << 31)
#define FLOOD_BATCH   64
#define WARMUP_FRAMES 65536

struct opts {
	const char *ifname;
	const char *label;
	uint8_t src_ip[16];
	int runs;
	double seconds;
	uint32_t targets;
	long rate;    /* frames a second; 0: as fast as possible */
	int resp_cpu; /* the responder's CPU, for its CPU time */
	int count;    /* latency: probes a run */
	int cpu;      /* the generator's (and prober's) CPU, -1: any */
	/* --alternate: the pinned link, the minimal responder's MAC and
	 * prefix, and the period of each turn. */
	const char *alternate;
	uint8_t host_mac[6];
	const char *prefix;
	int period_ms;
};

static int iface_mac(const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr = {};
	int fd, ret = 0;

	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		ret = -errno;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
	return ret;
}

/* ---- CPU time ---- */

/*
 * CPU time that the responder costs, in seconds so far: all the time the
 * responder's CPU was busy (NAPI of its veth, its process, the softirqs
 * there), plus softirq time of the other CPUs. The generator's own work,
 * system time on its CPU, is left out. /proc/stat counts in USER_HZ,
 * sampled on the tick here (no IRQ_TIME_ACCOUNTING).
 */
static double responder_cpu_s(int resp_cpu)
{
	unsigned long long v[8];
	double sum = 0;
	char line[512];
	FILE *f;
	int cpu;

	f = fopen("/proc/stat", "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		/* cpuN user nice system idle iowait irq softirq steal */
		if (sscanf(line,
			   "cpu%d %llu %llu %llu %llu %llu %llu %llu %llu",
			   &cpu, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
			   &v[6], &v[7]) != 9)
			continue;
		if (cpu == resp_cpu)
			sum += (double)(v[0] + v[1] + v[2] + v[5] + v[6]);
		else
			sum += (double)v[6];
	}
	fclose(f);
	return sum / (double)sysconf(_SC_CLK_TCK);
}

/* ---- the router's programs ---- */

struct router {
	struct bench_bpf *skel;
	int ifindex;
	bool attached;
	uint8_t mac[6];
};

static void router_close(struct router *r)
{
	if (r->attached)
		bpf_xdp_detach(r->ifindex, XDP_FLAGS_DRV_MODE, NULL);
	bench_bpf__destroy(r->skel);
	memset(r, 0, sizeof(*r));
}

/* Loads bench.bpf.c and attaches count_na to the router's veth: it counts
 * the NAs, and lets native XDP_TX frames of the peer reach this veth. */
static int router_open(struct router *r, const struct opts *o, __u32 na_verdict)
{
	int err;

	memset(r, 0, sizeof(*r));
	r->ifindex = (int)if_nametoindex(o->ifname);
	if (!r->ifindex || iface_mac(o->ifname, r->mac)) {
		fprintf(stderr, "bench_flood: no interface %s\n", o->ifname);
		return -1;
	}
	r->skel = bench_bpf__open();
	if (!r->skel)
		return -1;
	r->skel->rodata->na_verdict = na_verdict;
	memcpy((uint8_t *)r->skel->rodata->minimal_mac, o->host_mac, 6);
	err = bench_bpf__load(r->skel);
	if (!err)
		err = bpf_xdp_attach(r->ifindex,
				     bpf_program__fd(r->skel->progs.count_na),
				     XDP_FLAGS_DRV_MODE, NULL);
	if (err) {
		fprintf(stderr, "bench_flood: count_na on %s: %s\n", o->ifname,
			strerror(-err));
		router_close(r);
		return -1;
	}
	r->attached = true;
	return 0;
}

/* Frames back at the router: NAs, and the NS that the limit bounces. */
static long long answers_count(const struct router *r)
{
	int ncpu = libbpf_num_possible_cpus(), cpu;
	__u32 slots[] = { BENCH_CNT_NA, BENCH_CNT_NS };
	long long sum = 0;
	size_t i;
	__u64 *v;

	if (ncpu <= 0)
		return -1;
	v = calloc((size_t)ncpu, sizeof(*v));
	if (!v)
		return -1;
	for (i = 0; i < sizeof(slots) / sizeof(slots[0]); i++) {
		if (bpf_map_lookup_elem(bpf_map__fd(r->skel->maps.na_counts),
					&slots[i], v))
			continue;
		for (cpu = 0; cpu < ncpu; cpu++)
			sum += (long long)v[cpu];
	}
	free(v);
	return sum;
}

static int minimal_prefix(struct bench_bpf *skel, const char *prefix)
{
	struct {
		__u32 prefixlen;
		uint8_t addr[16];
	} key;
	char buf[64], *slash;
	__u8 one = 1;

	snprintf(buf, sizeof(buf), "%s", prefix);
	slash = strchr(buf, '/');
	if (!slash)
		goto bad;
	*slash = '\0';
	if (inet_pton(AF_INET6, buf, key.addr) != 1)
		goto bad;
	key.prefixlen = (__u32)atoi(slash + 1);
	if (key.prefixlen > 128)
		goto bad;
	return bpf_map__update_elem(skel->maps.minimal_prefixes, &key,
				    sizeof(key), &one, sizeof(one), BPF_ANY);
bad:
	fprintf(stderr, "bench_flood: not a prefix: %s\n", prefix);
	return -EINVAL;
}

/* ---- flood ---- */

static void on_alarm(int sig)
{
	(void)sig;
}

/* Sends up to n frames through gen; returns 0 or -errno (-EINTR when the
 * alarm cut it short). */
static int gen_send(const struct router *r, uint32_t n)
{
	static uint8_t frame[BENCH_FRAME_LEN];
	struct xdp_md ctx = {
		.data_end = BENCH_FRAME_LEN,
		.ingress_ifindex = (__u32)r->ifindex,
	};
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame,
		    .data_size_in = sizeof(frame), .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = n,
		    .flags = BPF_F_TEST_XDP_LIVE_FRAMES,
		    .batch_size = FLOOD_BATCH);

	if (bpf_prog_test_run_opts(bpf_program__fd(r->skel->progs.gen), &o))
		return -errno;
	return 0;
}

/*
 * Floods for o->seconds; returns the frames sent. Each BPF_PROG_TEST_RUN
 * call sets up and tears down a page pool, which takes milliseconds of
 * waiting: one long call, which SIGALRM interrupts, sends it all.
 */
static long long flood_once(const struct router *r, const struct opts *o)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = {};
	double end = now_s() + o->seconds;
	uint64_t seq0 = r->skel->bss->gen_ns.seq;
	int err;

	r->skel->bss->gen_gap_ns = o->rate ? 1000000000ULL / o->rate : 0;
	r->skel->bss->gen_next_ns = 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL); /* no SA_RESTART */
	it.it_value.tv_sec = (time_t)o->seconds;
	it.it_value.tv_usec =
		(suseconds_t)((o->seconds - (double)(time_t)o->seconds) * 1e6);
	setitimer(ITIMER_REAL, &it, NULL);
	while (now_s() < end) {
		err = gen_send(r, FLOOD_REPEAT);
		if (err && err != -EINTR) {
			fprintf(stderr, "bench_flood: live test run: %s\n",
				strerror(-err));
			return -1;
		}
	}
	return (long long)(r->skel->bss->gen_ns.seq - seq0);
}

/* The router's programs, the generator's NS, and a warm-up: the
 * responder's first answers, the page pool. */
static int flood_open(struct router *r, const struct opts *o)
{
	if (router_open(r, o, XDP_DROP))
		return -1;
	ns_gen_init(&r->skel->bss->gen_ns, r->mac, o->src_ip, bench_host_net, 0,
		    ~0ULL, 0, o->targets);
	if (gen_send(r, WARMUP_FRAMES)) {
		fprintf(stderr, "bench_flood: live test run: %s\n",
			strerror(errno));
		router_close(r);
		return -1;
	}
	usleep(200000);
	return 0;
}

static int cmd_flood(const struct opts *o)
{
	struct figure answers = {}, sent_rate = {}, cpu = {}, ratio = {};
	long long sent, got, na0;
	double t0, t, cpu0, used;
	struct router r;
	int i;

	if (flood_open(&r, o))
		return 1;

	for (i = 0; i < o->runs; i++) {
		na0 = answers_count(&r);
		cpu0 = responder_cpu_s(o->resp_cpu);
		t0 = now_s();
		sent = flood_once(&r, o);
		if (sent < 0)
			break;
		t = now_s() - t0;
		/* What is still on its way back arrives within this. */
		usleep(20000);
		got = answers_count(&r) - na0;
		used = responder_cpu_s(o->resp_cpu) - cpu0;
		fig_add(&answers, (double)got / t);
		fig_add(&sent_rate, (double)sent / t);
		fig_add(&ratio, sent ? (double)got / (double)sent : 0);
		if (got)
			fig_add(&cpu, used / (double)got * 1e6);
		usleep(100000);
	}
	router_close(&r);
	if (i < o->runs)
		return 1;
	fig_print("flood", "answers", o->label, "1/s", &answers);
	fig_print("flood", "sent", o->label, "1/s", &sent_rate);
	fig_print("flood", "answered-fraction", o->label, "", &ratio);
	fig_print("flood", "cpu-per-million", o->label, "s", &cpu);
	return 0;
}

static long long router_answers(const void *r)
{
	return answers_count(r);
}

/* The answers of each turn of --alternate, and their ratios (alternate.h). */
static int alternate_print(const struct alternate *a, const char *label)
{
	double *v = calloc(ALT_MAX_PERIODS, sizeof(*v));
	char other[64];
	int i, n[2] = { 0, 0 };

	if (!v)
		return -ENOMEM;
	snprintf(other, sizeof(other), "%s-minimal", label);
	for (i = 1; i < a->n; i += 2)
		v[n[1]++] = a->rate[i];
	vals_print("flood", "alternate-answers", other, "1/s", v, n[1]);
	for (i = 2; i < a->n; i += 2)
		v[n[0]++] = a->rate[i];
	vals_print("flood", "alternate-answers", label, "1/s", v, n[0]);
	if (a->stats_fd >= 0 && a->runs[0] && a->runs[1]) {
		double own = (double)a->run_ns[0] / (double)a->runs[0];
		double ref = (double)a->run_ns[1] / (double)a->runs[1];

		fig_print_one("flood", "alternate-prog-ns", label, "ns", own);
		fig_print_one("flood", "alternate-prog-ns", other, "ns", ref);
		fig_print_one("flood", "alternate-prog-ns-over", label, "ns",
			      own - ref);
	}
	n[0] = alt_ratios(a, v);
	vals_print("flood", "alternate-ratio", label, "", v, n[0]);
	/* The spread of the turns; quantile sorts in place, after the
	 * median was printed. */
	if (n[0]) {
		fig_print_one("flood", "alternate-ratio-q25", label, "",
			      quantile(v, (size_t)n[0], 0.25));
		fig_print_one("flood", "alternate-ratio-q75", label, "",
			      quantile(v, (size_t)n[0], 0.75));
	}
	free(v);
	return 0;
}

/* One flood of o->seconds with the link's program and minimal in turns. */
static int cmd_alternate(const struct opts *o)
{
	struct alternate *a = calloc(1, sizeof(*a));
	pthread_t swapper;
	struct router r;
	int err;

	if (!a || flood_open(&r, o)) {
		free(a);
		return 1;
	}
	err = minimal_prefix(r.skel, o->prefix);
	if (!err)
		err = alt_open(a, o->alternate,
			       bpf_program__fd(r.skel->progs.minimal));
	if (err) {
		fprintf(stderr, "bench_flood: --alternate %s: %s\n",
			o->alternate, strerror(-err));
		goto out;
	}
	a->period_s = o->period_ms / 1000.0;
	a->count = router_answers;
	a->count_arg = &r;
	err = -pthread_create(&swapper, NULL, alt_run, a);
	if (!err) {
		if (flood_once(&r, o) < 0)
			err = -EIO;
		a->stop = true;
		pthread_join(swapper, NULL);
	}
	if (alt_close(a) && !err)
		err = -errno;
	if (!err)
		err = a->err;
	if (err)
		fprintf(stderr, "bench_flood: alternating on %s: %s\n",
			o->alternate, strerror(-err));
	else
		err = alternate_print(a, o->label);
out:
	router_close(&r);
	free(a);
	return err ? 1 : 0;
}

/* ---- latency ---- */

static int open_packet_socket(int ifindex)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_IPV6),
		.sll_ifindex = ifindex,
	};
	int fd, on = 1;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_IPV6));
	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) ||
	    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on))) {
		close(fd);
		return -1;
	}
	return fd;
}

static double ts_diff_us(const struct timespec *a, const struct timespec *b)
{
	return (double)((long long)(a->tv_sec - b->tv_sec) * 1000000000LL +
			(a->tv_nsec - b->tv_nsec)) /
	       1e3;
}

/*
 * Waits up to timeout_s for the NA for target; returns 0 and the kernel's
 * receive time (CLOCK_REALTIME, SO_TIMESTAMPNS) in rx, or -1 on timeout.
 */
static int wait_na(int fd, const uint8_t target[16], double timeout_s,
		   struct timespec *rx)
{
	const size_t l4 = FR_ETH_HLEN + FR_IP6_HLEN;
	double end = now_s() + timeout_s, left;
	char cbuf[CMSG_SPACE(sizeof(struct timespec))];
	struct sockaddr_ll from;
	uint8_t buf[256];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr mh;
	struct cmsghdr *cm;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	ssize_t len;

	while ((left = end - now_s()) > 0) {
		if (poll(&pfd, 1, (int)(left * 1000) + 1) <= 0)
			continue;
		memset(&mh, 0, sizeof(mh));
		mh.msg_name = &from;
		mh.msg_namelen = sizeof(from);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		len = recvmsg(fd, &mh, MSG_DONTWAIT);
		if (len < (ssize_t)(l4 + 24) ||
		    from.sll_pkttype == PACKET_OUTGOING)
			continue;
		if (buf[FR_ETH_HLEN + 6] != FR_IPPROTO_ICMPV6 ||
		    buf[l4] != FR_ND_NA || memcmp(buf + l4 + 8, target, 16))
			continue;
		for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
			if (cm->cmsg_level == SOL_SOCKET &&
			    cm->cmsg_type == SCM_TIMESTAMPNS) {
				memcpy(rx, CMSG_DATA(cm), sizeof(*rx));
				return 0;
			}
	}
	return -1;
}

/* One NS for the seq-th target of g; returns 0 and its NS-to-NA time in
 * *rtt, or -1 when it was not sent or not answered in time. */
static int probe_one(int fd, struct sockaddr_ll *to, const struct ns_gen *g,
		     const struct router *r, const struct opts *o, uint64_t seq,
		     double *rtt)
{
	struct timespec tx, rx;
	struct frame f;
	uint8_t t[16];

	ns_gen_target(g, seq, t);
	ns_gen_frame(&f, r->mac, o->src_ip, t);
	memcpy(to->sll_addr, f.b, 6);
	clock_gettime(CLOCK_REALTIME, &tx);
	if (sendto(fd, f.b, f.len, 0, (struct sockaddr *)to, sizeof(*to)) < 0)
		return -1;
	if (wait_na(fd, t, 0.2, &rx))
		return -1;
	*rtt = ts_diff_us(&rx, &tx);
	return 0;
}

static int cmd_latency(const struct opts *o)
{
	struct figure med = {}, p99 = {}, lost = {};
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_halen = 6 };
	double *rtt, interval = o->rate ? 1.0 / (double)o->rate : 0.01;
	struct ns_gen g;
	struct router r;
	uint64_t seq = 0;
	int fd, i, k, n;

	rtt = calloc((size_t)o->count, sizeof(*rtt));
	if (!rtt || router_open(&r, o, XDP_PASS)) {
		free(rtt);
		return 1;
	}
	fd = open_packet_socket(r.ifindex);
	if (fd < 0) {
		fprintf(stderr, "bench_flood: packet socket: %s\n",
			strerror(errno));
		router_close(&r);
		free(rtt);
		return 1;
	}
	to.sll_ifindex = r.ifindex;
	ns_gen_init(&g, r.mac, o->src_ip, bench_host_net, 0, ~0ULL, 0,
		    o->targets);

	for (i = 0; i < o->runs; i++) {
		double start = now_s();

		for (k = 0, n = 0; k < o->count; k++) {
			double slot = start + interval * k, d = slot - now_s();

			if (d > 0)
				usleep((useconds_t)(d * 1e6));
			if (!probe_one(fd, &to, &g, &r, o, seq++, &rtt[n]))
				n++;
		}
		if (n) {
			fig_add(&med, median(rtt, (size_t)n));
			fig_add(&p99, quantile(rtt, (size_t)n, 0.99));
		}
		fig_add(&lost, o->count - n);
	}
	close(fd);
	router_close(&r);
	free(rtt);
	fig_print("latency", "median", o->label, "us", &med);
	fig_print("latency", "p99", o->label, "us", &p99);
	fig_print("latency", "lost", o->label, "", &lost);
	return 0;
}

/* ---- attach ---- */

/* minimal's prefix ("ADDR/LEN") into its trie. */
/* prefix: minimal's, NULL for the other programs. */
static int cmd_attach(const char *ifname, const char *prog, const char *mode,
		      const char *prefix)
{
	__u32 flags = strcmp(mode, "generic") ? XDP_FLAGS_DRV_MODE :
						XDP_FLAGS_SKB_MODE;
	struct bench_bpf *skel = bench_bpf__open();
	struct bpf_program *p;
	int ifindex = (int)if_nametoindex(ifname), err = -ENOENT;

	if (!skel || !ifindex ||
	    iface_mac(ifname, (uint8_t *)skel->rodata->minimal_mac) ||
	    bench_bpf__load(skel)) {
		fprintf(stderr, "bench_flood: load, or no interface %s\n",
			ifname);
		bench_bpf__destroy(skel);
		return 1;
	}
	p = bpf_object__find_program_by_name(skel->obj, prog);
	if (p && !strcmp(prog, "minimal"))
		err = prefix ? minimal_prefix(skel, prefix) : -EINVAL;
	else if (p)
		err = prefix ? -EINVAL : 0;
	if (!err)
		err = bpf_xdp_attach(ifindex, bpf_program__fd(p), flags, NULL);
	if (err)
		fprintf(stderr, "bench_flood: attaching %s to %s: %s\n", prog,
			ifname, strerror(-err));
	/* The netlink attachment keeps the program once we are gone. */
	bench_bpf__destroy(skel);
	return err ? 1 : 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: bench_flood attach IFACE PROG native|generic [PREFIX]\n"
		"       bench_flood flood IFACE [--seconds S] [--runs N] "
		"[--rate PPS]\n"
		"                   [--targets N] [--pid PID] [--cpu CPU] "
		"[--src ADDR] [--label L]\n"
		"                   [--alternate LINK --host-mac MAC "
		"--prefix PREFIX [--period-ms MS]]\n"
		"       bench_flood latency IFACE [--count N] [--rate PPS] "
		"[--runs N]\n"
		"                   [--targets N] [--src ADDR] [--label L]\n");
}

static const struct option lopts[] = {
	{ "seconds", required_argument, NULL, 's' },
	{ "runs", required_argument, NULL, 'r' },
	{ "rate", required_argument, NULL, 'R' },
	{ "targets", required_argument, NULL, 't' },
	{ "resp-cpu", required_argument, NULL, 'p' },
	{ "cpu", required_argument, NULL, 'c' },
	{ "count", required_argument, NULL, 'n' },
	{ "src", required_argument, NULL, 'S' },
	{ "label", required_argument, NULL, 'l' },
	{ "alternate", required_argument, NULL, 'a' },
	{ "host-mac", required_argument, NULL, 'm' },
	{ "prefix", required_argument, NULL, 'P' },
	{ "period-ms", required_argument, NULL, 'T' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{},
};

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5]) != 6)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		if (b[i] > 0xff)
			return -EINVAL;
		mac[i] = (uint8_t)b[i];
	}
	return 0;
}

/* Reads the options into o; returns -1 to go on, else the exit code. */
static int parse_opts(int argc, char **argv, struct opts *o)
{
	int c, ret;

	while ((c = getopt_long(argc, argv, "v", lopts, NULL)) != -1) {
		switch (c) {
		case 's':
			o->seconds = atof(optarg);
			break;
		case 'r':
			o->runs = atoi(optarg);
			break;
		case 'R':
			o->rate = atol(optarg);
			break;
		case 't':
			o->targets = (uint32_t)strtoul(optarg, NULL, 0);
			break;
		case 'p':
			o->resp_cpu = atoi(optarg);
			break;
		case 'c':
			o->cpu = atoi(optarg);
			break;
		case 'n':
			o->count = atoi(optarg);
			break;
		case 'S':
			if (inet_pton(AF_INET6, optarg, o->src_ip) != 1) {
				usage(stderr);
				return 2;
			}
			break;
		case 'l':
			o->label = optarg;
			break;
		case 'a':
			o->alternate = optarg;
			break;
		case 'm':
			if (parse_mac(optarg, o->host_mac)) {
				usage(stderr);
				return 2;
			}
			break;
		case 'P':
			o->prefix = optarg;
			break;
		case 'T':
			o->period_ms = atoi(optarg);
			break;
		default:
			ret = common_opt(c, usage);
			if (ret >= 0)
				return ret;
		}
	}
	if (argc - optind < 2 || o->runs < 1 || o->runs > BENCH_MAX_RUNS ||
	    o->count < 1 || !o->targets || o->seconds <= 0 ||
	    o->period_ms < 1 || (o->alternate && !o->prefix)) {
		usage(stderr);
		return 2;
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct opts o = {
		.label = "-",
		.runs = 5,
		.seconds = 2,
		.targets = 4096,
		.count = 1000,
		.cpu = 0,
		.resp_cpu = 1,
		.period_ms = 50,
	};
	const char *verb;
	cpu_set_t set;
	int ret;

	fr_ip6("fe80::1", o.src_ip);
	ret = parse_opts(argc, argv, &o);
	if (ret >= 0)
		return ret;
	libbpf_set_print(libbpf_print);
	if (o.cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(o.cpu, &set);
		sched_setaffinity(0, sizeof(set), &set);
	}
	verb = argv[optind];
	o.ifname = argv[optind + 1];
	if (!strcmp(verb, "attach") &&
	    (argc - optind == 4 || argc - optind == 5))
		return cmd_attach(o.ifname, argv[optind + 2], argv[optind + 3],
				  argc - optind == 5 ? argv[optind + 4] : NULL);
	if (!strcmp(verb, "flood"))
		return o.alternate ? cmd_alternate(&o) : cmd_flood(&o);
	if (!strcmp(verb, "latency"))
		return cmd_latency(&o);
	usage(stderr);
	return 2;
}

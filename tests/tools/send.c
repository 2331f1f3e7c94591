// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Paced Neighbor Solicitations from a packet socket: ndisc6 sends neither
 * invalid ones nor thousands a second. The frames come from the builders
 * of tests/lib/frames.h.
 */
#include <errno.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include "frames.h"
#include "tool.h"

struct sender {
	int fd;
	struct sockaddr_ll sll;
};

/* What changes from one solicitation to the next. */
struct ns_plan {
	struct fr_ns ns;
	uint8_t slla[8];
	uint8_t (*targets)[16];
	int ntargets;
	bool numbered; /* the source's last 32 bits count the frames */
	uint32_t first;
};

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	stop = 1;
}

static int sender_open(struct sender *s, const char *ifname)
{
	s->sll = (struct sockaddr_ll){ .sll_family = AF_PACKET,
				       .sll_protocol = htons(FR_ETH_P_IPV6),
				       .sll_halen = FR_ETH_ALEN };
	s->sll.sll_ifindex = (int)if_nametoindex(ifname);
	s->fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (s->fd < 0 || !s->sll.sll_ifindex) {
		perror("socket or interface");
		return -1;
	}
	return 0;
}

/* Returns 1 when the socket's queue is full: the caller tries again. */
static int sender_send(struct sender *s, const struct frame *f)
{
	memcpy(s->sll.sll_addr, f->b, FR_ETH_ALEN);
	if (sendto(s->fd, f->b, f->len, 0, (struct sockaddr *)&s->sll,
		   sizeof(s->sll)) == (ssize_t)f->len)
		return 0;
	if (errno == ENOBUFS || errno == EAGAIN) {
		usleep(100);
		return 1;
	}
	perror("sendto");
	return -1;
}

/* Solicitation number n of the plan: its target, maybe its source. */
static void plan_frame(struct ns_plan *p, long n, struct frame *f)
{
	uint32_t seq = p->first + (uint32_t)n;
	struct fr_ns *ns = &p->ns;

	memcpy(ns->target, p->targets[n % p->ntargets], 16);
	fr_solicited_node(ns->target, ns->dst);
	fr_mcast_mac(ns->dst, ns->eth_dst);
	if (p->numbered) {
		ns->src[12] = (uint8_t)(seq >> 24);
		ns->src[13] = (uint8_t)(seq >> 16);
		ns->src[14] = (uint8_t)(seq >> 8);
		ns->src[15] = (uint8_t)seq;
	}
	fr_build_ns(f, ns);
}

/* Sends COUNT frames of the plan, RATE a second; prints "SENT SECONDS". */
static int send_paced(const char *ifname, struct ns_plan *p, long count,
		      long rate)
{
	struct sender s;
	struct frame f;
	long sent = 0;
	double t0;
	int rc = 0;

	if (sender_open(&s, ifname))
		return 1;
	t0 = tool_now();
	while (sent < count && !stop) {
		double d = t0 + (double)sent / (double)rate - tool_now();

		if (d > 0)
			usleep((useconds_t)(d * 1e6));
		plan_frame(p, sent, &f);
		rc = sender_send(&s, &f);
		if (rc < 0)
			break;
		if (!rc)
			sent++;
	}
	printf("%ld %.3f\n", sent, tool_now() - t0);
	close(s.fd);
	return rc < 0 ? 1 : 0;
}

/* The fields every solicitation of a plan shares; SLLA is the MAC. */
static void plan_init(struct ns_plan *p, const uint8_t mac[6], uint8_t hlim)
{
	struct fr_ns *ns = &p->ns;

	memcpy(ns->eth_src, mac, 6);
	ns->vtcfl = 0x60000000;
	ns->hlim = hlim;
	ns->nexthdr = FR_IPPROTO_ICMPV6;
	ns->type = FR_ND_NS;
	p->slla[0] = FR_ND_OPT_SLLA;
	p->slla[1] = 1;
	memcpy(p->slla + 2, mac, 6);
	ns->opts = p->slla;
	ns->opts_len = sizeof(p->slla);
}

int cmd_ns(int argc, char **argv)
{
	struct ns_plan p = { .ntargets = 1 };
	long count = atol(argv[4]), rate = atol(argv[5]);
	uint8_t mac[6], target[16];
	int hlim = atoi(argv[6]);

	if (parse_mac(argv[1], mac) || parse_ip6(argv[2], p.ns.src) ||
	    parse_ip6(argv[3], target) || count <= 0 || rate <= 0 || hlim < 0 ||
	    hlim > 255) {
		fprintf(stderr, "ns: bad arguments\n");
		return 2;
	}
	plan_init(&p, mac, (uint8_t)hlim);
	if (argc > 7) {
		p.ns.ntags =
			parse_tags(argv[7], p.ns.tags,
				   sizeof(p.ns.tags) / sizeof(p.ns.tags[0]));
		if (p.ns.ntags < 0) {
			fprintf(stderr, "ns: bad tags %s\n", argv[7]);
			return 2;
		}
	}
	p.targets = &target;
	return send_paced(argv[0], &p, count, rate);
}

int cmd_flood(int argc, char **argv)
{
	struct ns_plan p = { .ntargets = argc - 6, .numbered = true };
	long count = atol(argv[4]), rate = atol(argv[5]);
	uint8_t mac[6];
	int i, rc;

	p.first = (uint32_t)strtoul(argv[3], NULL, 0);
	p.targets = calloc((size_t)p.ntargets, 16);
	if (!p.targets || parse_mac(argv[1], mac) ||
	    parse_ip6(argv[2], p.ns.src) || count <= 0 || rate <= 0) {
		fprintf(stderr, "flood: bad arguments\n");
		return 2;
	}
	for (i = 0; i < p.ntargets; i++)
		if (parse_ip6(argv[6 + i], p.targets[i])) {
			fprintf(stderr, "flood: bad target %s\n", argv[6 + i]);
			return 2;
		}
	plan_init(&p, mac, 255);
	signal(SIGTERM, on_term);
	rc = send_paced(argv[0], &p, count, rate);
	free(p.targets);
	return rc;
}

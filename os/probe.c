// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <arpa/inet.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <netinet/icmp6.h>
#include <netinet/ip6.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ndp_build.h"
#include "probe.h"

#define ETH_HLEN_ 14

/* Only ICMPv6 right after the IPv6 header reaches us: the reply and the
 * solicitations, not the uplink's other traffic. */
static int attach_filter(int fd)
{
	static struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, ETH_HLEN_ + 6),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_ICMPV6, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 0xffff),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	struct sock_fprog prog = { .len = 4, .filter = code };

	if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)))
		return -errno;
	return 0;
}

static int open_socket(int ifindex)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_IPV6),
		.sll_ifindex = ifindex,
	};
	int fd, ret;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_IPV6));
	if (fd < 0)
		return -errno;
	ret = attach_filter(fd);
	if (!ret && bind(fd, (struct sockaddr *)&sll, sizeof(sll)))
		ret = -errno;
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

static void classify(const uint8_t *f, size_t len, const struct probe_req *rq,
		     uint16_t id, struct probe_seen *seen)
{
	const struct ip6_hdr *ip6 = (const void *)(f + ETH_HLEN_);
	const struct icmp6_hdr *ic = (const void *)(ip6 + 1);
	const struct nd_neighbor_solicit *ns = (const void *)ic;

	if (len < ETH_HLEN_ + sizeof(*ip6) + sizeof(*ic))
		return;
	if (ic->icmp6_type == ICMP6_ECHO_REPLY &&
	    !memcmp(&ip6->ip6_dst, &rq->src, sizeof(rq->src)) &&
	    ntohs(ic->icmp6_id) == id)
		seen->reply = true;
	if (ic->icmp6_type == ND_NEIGHBOR_SOLICIT &&
	    len >= ETH_HLEN_ + sizeof(*ip6) + sizeof(*ns) &&
	    !memcmp(&ns->nd_ns_target, &rq->src, sizeof(rq->src)))
		seen->ns = true;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int send_echo(int fd, const struct probe_req *rq, uint16_t id,
		     struct probe_seen *seen)
{
	uint8_t frame[ECHO_FRAME_LEN];
	size_t len;

	len = ndp_build_echo(frame, rq->dmac, rq->smac, &rq->src, &rq->dst, id,
			     (uint16_t)(seen->sent + 1));
	if (send(fd, frame, len, 0) != (ssize_t)len)
		return -errno;
	seen->sent++;
	return 0;
}

int probe_echo(const struct probe_req *rq, struct probe_seen *seen)
{
	uint16_t id = (uint16_t)(getpid() ^ (int)now_ms());
	long start = now_ms(), next = start;
	struct sockaddr_ll from;
	uint8_t buf[2048];
	int fd, ret = 0;

	memset(seen, 0, sizeof(*seen));
	fd = open_socket(rq->ifindex);
	if (fd < 0)
		return fd;
	while (!seen->reply && now_ms() - start < rq->timeout_ms) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		socklen_t fl = sizeof(from);
		ssize_t n;

		if (now_ms() >= next) {
			ret = send_echo(fd, rq, id, seen);
			if (ret)
				break;
			if (rq->each_echo)
				rq->each_echo(rq->arg);
			next += 1000;
		}
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fl);
		/* Our own echoes come back as PACKET_OUTGOING. */
		if (n > 0 && from.sll_pkttype != PACKET_OUTGOING)
			classify(buf, (size_t)n, rq, id, seen);
	}
	close(fd);
	return ret;
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Route and neighbour look-ups over rtnetlink, through libnl-route-3: it
 * ships a static library in Debian, so the static build can use it too.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>

#include "ndpresponder.h"
#include "netlink.h"

/* libnl reports its own error codes; the callers print errnos. */
static int nle_errno(int nle)
{
	switch (nle < 0 ? -nle : nle) {
	case 0:
		return 0;
	case NLE_INTR:
		return -EINTR;
	case NLE_BAD_SOCK:
		return -EBADF;
	case NLE_AGAIN:
		return -EAGAIN;
	case NLE_NOMEM:
		return -ENOMEM;
	case NLE_EXIST:
		return -EEXIST;
	case NLE_INVAL:
	case NLE_MISSING_ATTR:
		return -EINVAL;
	case NLE_RANGE:
		return -ERANGE;
	case NLE_MSGSIZE:
		return -EMSGSIZE;
	case NLE_OPNOTSUPP:
		return -EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:
		return -EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND:
		return -ENOENT;
	case NLE_BUSY:
		return -EBUSY;
	case NLE_PERM:
		return -EPERM;
	case NLE_NOACCESS:
		return -EACCES;
	case NLE_NODEV:
		return -ENODEV;
	case NLE_NOADDR:
		return -EADDRNOTAVAIL;
	default:
		return -EIO;
	}
}

static int sock_open(struct nl_sock **sk)
{
	int ret;

	*sk = nl_socket_alloc();
	if (!*sk)
		return -ENOMEM;
	ret = nl_connect(*sk, NETLINK_ROUTE);
	if (ret < 0) {
		nl_socket_free(*sk);
		*sk = NULL;
		return nle_errno(ret);
	}
	return 0;
}

struct route_query {
	int ifindex;
	bool found;
	uint32_t metric;
	struct in6_addr gw;
};

struct nh_query {
	int ifindex;
	struct nl_addr *gw;
};

static void nh_match(struct rtnl_nexthop *nh, void *data)
{
	struct nh_query *q = data;
	struct nl_addr *gw = rtnl_route_nh_get_gateway(nh);

	if (!q->gw && gw && rtnl_route_nh_get_ifindex(nh) == q->ifindex &&
	    nl_addr_get_family(gw) == AF_INET6 &&
	    nl_addr_get_len(gw) == sizeof(struct in6_addr))
		q->gw = gw;
}

static void route_match(struct nl_object *obj, void *data)
{
	struct rtnl_route *r = (struct rtnl_route *)obj;
	struct nl_addr *dst = rtnl_route_get_dst(r);
	struct route_query *q = data;
	struct nh_query nq = { .ifindex = q->ifindex };

	if (rtnl_route_get_family(r) != AF_INET6 ||
	    rtnl_route_get_table(r) != RT_TABLE_MAIN ||
	    rtnl_route_get_type(r) != RTN_UNICAST ||
	    (dst && nl_addr_get_prefixlen(dst) != 0))
		return;
	rtnl_route_foreach_nexthop(r, nh_match, &nq);
	/* Of several, the kernel uses the lowest metric. */
	if (!nq.gw || (q->found && rtnl_route_get_priority(r) >= q->metric))
		return;
	memcpy(&q->gw, nl_addr_get_binary_addr(nq.gw), sizeof(q->gw));
	q->metric = rtnl_route_get_priority(r);
	q->found = true;
}

/* cb over every IPv6 route of every table. */
static int routes_foreach(void (*cb)(struct nl_object *, void *), void *arg)
{
	struct nl_cache *routes;
	struct nl_sock *sk;
	int ret;

	ret = sock_open(&sk);
	if (ret)
		return ret;
	ret = nle_errno(rtnl_route_alloc_cache(sk, AF_INET6, 0, &routes));
	nl_socket_free(sk);
	if (ret)
		return ret;
	nl_cache_foreach(routes, cb, arg);
	nl_cache_free(routes);
	return 0;
}

int nl_default_gateway(int ifindex, struct in6_addr *gw)
{
	struct route_query q = { .ifindex = ifindex };
	int ret = routes_foreach(route_match, &q);

	if (ret)
		return ret;
	if (!q.found)
		return -ENOENT;
	*gw = q.gw;
	return 0;
}

int nl_neigh_get(int ifindex, const struct in6_addr *addr, uint16_t *state,
		 uint8_t mac[6])
{
	struct nl_cache *neighs;
	struct rtnl_neigh *n;
	struct nl_addr *dst, *ll;
	struct nl_sock *sk;
	int ret;

	dst = nl_addr_build(AF_INET6, addr, sizeof(*addr));
	if (!dst)
		return -ENOMEM;
	ret = sock_open(&sk);
	if (ret)
		goto out_addr;
	ret = nle_errno(rtnl_neigh_alloc_cache(sk, &neighs));
	nl_socket_free(sk);
	if (ret)
		goto out_addr;
	n = rtnl_neigh_get(neighs, ifindex, dst);
	if (!n) {
		ret = -ENOENT;
		goto out_cache;
	}
	*state = (uint16_t)rtnl_neigh_get_state(n);
	memset(mac, 0, 6);
	ll = rtnl_neigh_get_lladdr(n);
	if (ll && nl_addr_get_len(ll) == 6)
		memcpy(mac, nl_addr_get_binary_addr(ll), 6);
	rtnl_neigh_put(n);
out_cache:
	nl_cache_free(neighs);
out_addr:
	nl_addr_put(dst);
	return ret;
}

int nl_neigh_set(int ifindex, const struct in6_addr *addr, const uint8_t mac[6],
		 uint16_t state)
{
	struct nl_addr *dst = NULL, *ll = NULL;
	struct rtnl_neigh *n;
	struct nl_sock *sk;
	int ret = -ENOMEM;

	n = rtnl_neigh_alloc();
	dst = nl_addr_build(AF_INET6, addr, sizeof(*addr));
	ll = nl_addr_build(AF_LLC, mac, 6);
	if (!n || !dst || !ll)
		goto out;
	rtnl_neigh_set_family(n, AF_INET6);
	rtnl_neigh_set_ifindex(n, ifindex);
	rtnl_neigh_set_dst(n, dst);
	rtnl_neigh_set_lladdr(n, ll);
	rtnl_neigh_set_state(n, state);
	ret = sock_open(&sk);
	if (ret)
		goto out;
	ret = nle_errno(rtnl_neigh_add(sk, n, NLM_F_CREATE | NLM_F_REPLACE));
	nl_socket_free(sk);
out:
	nl_addr_put(ll);
	nl_addr_put(dst);
	rtnl_neigh_put(n);
	return ret;
}

struct get_query {
	struct nl_route_info *ri;
	int found;
};

static void nh_first(struct rtnl_nexthop *nh, void *data)
{
	struct nl_route_info *ri = data;
	struct nl_addr *gw = rtnl_route_nh_get_gateway(nh);

	if (ri->oif)
		return;
	ri->oif = rtnl_route_nh_get_ifindex(nh);
	if (gw && nl_addr_get_family(gw) == AF_INET6 &&
	    nl_addr_get_len(gw) == sizeof(struct in6_addr)) {
		memcpy(&ri->gw, nl_addr_get_binary_addr(gw), sizeof(ri->gw));
		ri->has_gw = 1;
	}
}

static void route_info(struct rtnl_route *r, struct nl_route_info *ri)
{
	struct nl_addr *dst = rtnl_route_get_dst(r);

	memset(ri, 0, sizeof(*ri));
	ri->type = rtnl_route_get_type(r);
	ri->protocol = rtnl_route_get_protocol(r);
	ri->dst_len = dst ? (uint8_t)nl_addr_get_prefixlen(dst) : 0;
	rtnl_route_foreach_nexthop(r, nh_first, ri);
}

static int get_reply(struct nl_msg *msg, void *arg)
{
	struct get_query *q = arg;
	struct rtnl_route *r;

	if (rtnl_route_parse(nlmsg_hdr(msg), &r) < 0)
		return NL_SKIP;
	route_info(r, q->ri);
	q->found = 1;
	rtnl_route_put(r);
	return NL_OK;
}

int nl_route_get(const struct in6_addr *dst, struct nl_route_info *ri)
{
	struct rtmsg rtm = { .rtm_family = AF_INET6, .rtm_dst_len = 128 };
	struct get_query q = { .ri = ri };
	struct nl_msg *msg;
	struct nl_sock *sk;
	int ret;

	ret = sock_open(&sk);
	if (ret)
		return ret;
	msg = nlmsg_alloc_simple(RTM_GETROUTE, 0);
	if (!msg) {
		ret = -ENOMEM;
		goto out;
	}
	ret = -ENOMEM;
	if (nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0 ||
	    nla_put(msg, RTA_DST, sizeof(*dst), dst) < 0)
		goto out_msg;
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, get_reply, &q);
	ret = nl_send_auto(sk, msg);
	/* nl_send_auto returns the octets it sent. */
	ret = ret < 0 ? nle_errno(ret) : nle_errno(nl_recvmsgs_default(sk));
	/* No route at all: the kernel answers ENETUNREACH. */
	if (ret == -EIO || (!ret && !q.found))
		ret = -ENETUNREACH;
out_msg:
	nlmsg_free(msg);
out:
	nl_socket_free(sk);
	return ret < 0 ? ret : 0;
}

struct default_query {
	struct nl_route_info *ri;
	int found;
	uint32_t metric;
};

static void default_match(struct nl_object *obj, void *data)
{
	struct rtnl_route *r = (struct rtnl_route *)obj;
	struct nl_addr *dst = rtnl_route_get_dst(r);
	struct default_query *q = data;

	if (rtnl_route_get_family(r) != AF_INET6 ||
	    rtnl_route_get_table(r) != RT_TABLE_MAIN ||
	    rtnl_route_get_type(r) != RTN_UNICAST ||
	    (dst && nl_addr_get_prefixlen(dst) != 0))
		return;
	if (q->found && rtnl_route_get_priority(r) >= q->metric)
		return;
	route_info(r, q->ri);
	q->metric = rtnl_route_get_priority(r);
	q->found = 1;
}

int nl_default_route(struct nl_route_info *ri)
{
	struct default_query q = { .ri = ri };
	int ret = routes_foreach(default_match, &q);

	if (ret)
		return ret;
	return q.found ? 0 : -ENOENT;
}

int nl_link_info(int ifindex, unsigned int *flags, unsigned int *mtu)
{
	struct rtnl_link *link;
	struct nl_sock *sk;
	int ret;

	ret = sock_open(&sk);
	if (ret)
		return ret;
	ret = nle_errno(rtnl_link_get_kernel(sk, ifindex, NULL, &link));
	nl_socket_free(sk);
	if (ret)
		return ret;
	*flags = rtnl_link_get_flags(link);
	*mtu = rtnl_link_get_mtu(link);
	rtnl_link_put(link);
	return 0;
}

struct addr_query {
	int ifindex, max, n;
	struct nl_addr6 *out;
};

static void addr_match(struct nl_object *obj, void *data)
{
	struct rtnl_addr *a = (struct rtnl_addr *)obj;
	struct nl_addr *local = rtnl_addr_get_local(a);
	struct addr_query *q = data;

	if (rtnl_addr_get_ifindex(a) != q->ifindex || q->n >= q->max ||
	    rtnl_addr_get_family(a) != AF_INET6 || !local ||
	    nl_addr_get_len(local) != sizeof(struct in6_addr))
		return;
	memcpy(&q->out[q->n].addr, nl_addr_get_binary_addr(local),
	       sizeof(struct in6_addr));
	q->out[q->n].prefixlen = (uint8_t)rtnl_addr_get_prefixlen(a);
	q->out[q->n].scope = (uint8_t)rtnl_addr_get_scope(a);
	q->n++;
}

int nl_addrs6(int ifindex, struct nl_addr6 *out, int max)
{
	struct addr_query q = { .ifindex = ifindex, .max = max, .out = out };
	struct nl_cache *addrs;
	struct nl_sock *sk;
	int ret;

	ret = sock_open(&sk);
	if (ret)
		return ret;
	ret = nle_errno(rtnl_addr_alloc_cache(sk, &addrs));
	nl_socket_free(sk);
	if (ret)
		return ret;
	nl_cache_foreach(addrs, addr_match, &q);
	nl_cache_free(addrs);
	return q.n;
}

struct guard_query {
	int ifindex;
	nl_guard_fn fn;
	void *arg;
};

static void guard_nl_addr(const struct guard_query *q, struct nl_addr *a,
			  int kind)
{
	if (a && nl_addr_get_family(a) == AF_INET6 &&
	    nl_addr_get_len(a) == sizeof(struct in6_addr))
		q->fn(nl_addr_get_binary_addr(a), kind, q->arg);
}

static void guard_addr(struct nl_object *obj, void *data)
{
	struct rtnl_addr *a = (struct rtnl_addr *)obj;
	const struct guard_query *q = data;

	if (rtnl_addr_get_family(a) == AF_INET6 &&
	    rtnl_addr_get_ifindex(a) == q->ifindex)
		guard_nl_addr(q, rtnl_addr_get_local(a), NDPR_GUARD_OWN);
}

static void guard_nh(struct rtnl_nexthop *nh, void *data)
{
	const struct guard_query *q = data;

	if (rtnl_route_nh_get_ifindex(nh) == q->ifindex)
		guard_nl_addr(q, rtnl_route_nh_get_gateway(nh),
			      NDPR_GUARD_GATEWAY);
}

static void guard_route(struct nl_object *obj, void *data)
{
	struct rtnl_route *r = (struct rtnl_route *)obj;

	if (rtnl_route_get_family(r) == AF_INET6)
		rtnl_route_foreach_nexthop(r, guard_nh, data);
}

int nl_uplink_guards(int ifindex, bool own, bool gateways, nl_guard_fn fn,
		     void *arg)
{
	struct guard_query q = { .ifindex = ifindex, .fn = fn, .arg = arg };
	struct nl_cache *c = NULL;
	struct nl_sock *sk;
	int ret;

	ret = sock_open(&sk);
	if (ret)
		return ret;
	if (own) {
		ret = nle_errno(rtnl_addr_alloc_cache(sk, &c));
		if (!ret)
			nl_cache_foreach(c, guard_addr, &q);
		nl_cache_free(c);
		c = NULL;
	}
	/* Every table: a policy route out of the uplink has a gateway the
	 * host needs as much as the main table's. */
	if (!ret && gateways) {
		ret = nle_errno(rtnl_route_alloc_cache(
			sk, AF_INET6, ROUTE_CACHE_CONTENT, &c));
		if (!ret)
			nl_cache_foreach(c, guard_route, &q);
		nl_cache_free(c);
	}
	nl_socket_free(sk);
	return ret;
}

int nl_watch_open(void)
{
	struct sockaddr_nl sa = {
		.nl_family = AF_NETLINK,
		.nl_groups = RTMGRP_IPV6_IFADDR | RTMGRP_IPV6_ROUTE,
	};
	int fd, err;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* The interface a route message names with RTA_OIF, 0 if none. */
static int route_oif(const struct nlmsghdr *h)
{
	const struct rtmsg *rt = NLMSG_DATA(h);
	int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*rt));
	const struct rtattr *a = RTM_RTA(rt);
	int oif;

	for (; len > 0 && RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type != RTA_OIF || RTA_PAYLOAD(a) < sizeof(oif))
			continue;
		memcpy(&oif, RTA_DATA(a), sizeof(oif));
		return oif;
	}
	return 0;
}

/* Whether the n octets of messages in buf may change ifindex's guards. */
static bool msgs_touch(const char *buf, ssize_t n, int ifindex)
{
	int len = (int)n;

	for (const struct nlmsghdr *h = (const void *)buf; NLMSG_OK(h, len);
	     h = NLMSG_NEXT(h, len)) {
		if ((h->nlmsg_type == RTM_NEWADDR ||
		     h->nlmsg_type == RTM_DELADDR) &&
		    h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct ifaddrmsg))) {
			const struct ifaddrmsg *ifa = NLMSG_DATA(h);

			if ((int)ifa->ifa_index != ifindex)
				continue;
		} else if ((h->nlmsg_type == RTM_NEWROUTE ||
			    h->nlmsg_type == RTM_DELROUTE) &&
			   h->nlmsg_len >= NLMSG_LENGTH(sizeof(struct rtmsg))) {
			int oif = route_oif(h);

			if (oif && oif != ifindex)
				continue;
		}
		return true;
	}
	return false;
}

int nl_watch_drain(int fd, int ifindex)
{
	char buf[8192];
	int changed = 0;

	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);

		/* ENOBUFS: events were lost, so something changed. */
		if ((n > 0 && (!ifindex || msgs_touch(buf, n, ifindex))) ||
		    (n < 0 && errno == ENOBUFS)) {
			changed = 1;
			continue;
		}
		if (n > 0)
			continue;
		if (n < 0 && errno == EINTR)
			continue;
		return n < 0 && errno != EAGAIN ? -errno : changed;
	}
}

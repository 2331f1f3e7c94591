// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "netlink.h"

/* One request, its answers passed to cb; returns 0 or a negative errno. */
static int nl_talk(struct nlmsghdr *req, mnl_cb_t cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl;
	unsigned int portid, seq;
	int ret;

	nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	seq = (unsigned int)time(NULL);
	req->nlmsg_seq = seq;
	if (mnl_socket_sendto(nl, req, req->nlmsg_len) < 0) {
		ret = -errno;
		goto out;
	}
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));

		if (n < 0) {
			ret = -errno;
			break;
		}
		ret = mnl_cb_run(buf, (size_t)n, seq, portid, cb, data);
		if (ret <= 0) {
			ret = ret < 0 ? -errno : 0;
			break;
		}
	}
out:
	mnl_socket_close(nl);
	return ret;
}

struct route_query {
	int ifindex;
	struct in6_addr gw;
	bool found;
};

static int route_attr(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (mnl_attr_type_valid(a, RTA_MAX) < 0)
		return MNL_CB_OK;
	tb[type] = a;
	return MNL_CB_OK;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[RTA_MAX + 1] = {};
	struct route_query *q = data;
	uint32_t table;

	if (rtm->rtm_family != AF_INET6 || rtm->rtm_dst_len != 0 ||
	    rtm->rtm_type != RTN_UNICAST)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*rtm), route_attr, tb);
	table = tb[RTA_TABLE] ? mnl_attr_get_u32(tb[RTA_TABLE]) :
				rtm->rtm_table;
	if (table != RT_TABLE_MAIN || !tb[RTA_GATEWAY] || !tb[RTA_OIF] ||
	    (int)mnl_attr_get_u32(tb[RTA_OIF]) != q->ifindex ||
	    mnl_attr_get_payload_len(tb[RTA_GATEWAY]) != sizeof(q->gw))
		return MNL_CB_OK;
	memcpy(&q->gw, mnl_attr_get_payload(tb[RTA_GATEWAY]), sizeof(q->gw));
	q->found = true;
	return MNL_CB_OK;
}

int nl_default_gateway(int ifindex, struct in6_addr *gw)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct route_query q = { .ifindex = ifindex };
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	int ret;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET6;
	ret = nl_talk(nlh, route_cb, &q);
	if (ret)
		return ret;
	if (!q.found)
		return -ENOENT;
	*gw = q.gw;
	return 0;
}

struct neigh_query {
	int ifindex;
	struct in6_addr addr;
	uint16_t state;
	uint8_t mac[6];
	bool found;
};

static int neigh_attr(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(a, NDA_MAX) < 0)
		return MNL_CB_OK;
	tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

static int neigh_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[NDA_MAX + 1] = {};
	struct neigh_query *q = data;

	if (ndm->ndm_family != AF_INET6 || ndm->ndm_ifindex != q->ifindex)
		return MNL_CB_OK;
	mnl_attr_parse(nlh, sizeof(*ndm), neigh_attr, tb);
	if (!tb[NDA_DST] ||
	    mnl_attr_get_payload_len(tb[NDA_DST]) != sizeof(q->addr) ||
	    memcmp(mnl_attr_get_payload(tb[NDA_DST]), &q->addr,
		   sizeof(q->addr)))
		return MNL_CB_OK;
	q->found = true;
	q->state = ndm->ndm_state;
	memset(q->mac, 0, sizeof(q->mac));
	if (tb[NDA_LLADDR] && mnl_attr_get_payload_len(tb[NDA_LLADDR]) == 6)
		memcpy(q->mac, mnl_attr_get_payload(tb[NDA_LLADDR]), 6);
	return MNL_CB_OK;
}

int nl_neigh_get(int ifindex, const struct in6_addr *addr, uint16_t *state,
		 uint8_t mac[6])
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct neigh_query q = { .ifindex = ifindex, .addr = *addr };
	struct nlmsghdr *nlh;
	struct ndmsg *ndm;
	int ret;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETNEIGH;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = AF_INET6;
	ndm->ndm_ifindex = ifindex;
	ret = nl_talk(nlh, neigh_cb, &q);
	if (ret)
		return ret;
	if (!q.found)
		return -ENOENT;
	*state = q.state;
	memcpy(mac, q.mac, 6);
	return 0;
}

int nl_neigh_set(int ifindex, const struct in6_addr *addr,
		 const uint8_t mac[6], uint16_t state)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh;
	struct ndmsg *ndm;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWNEIGH;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE |
			   NLM_F_ACK;
	ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
	ndm->ndm_family = AF_INET6;
	ndm->ndm_ifindex = ifindex;
	ndm->ndm_state = state;
	mnl_attr_put(nlh, NDA_DST, sizeof(*addr), addr);
	mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
	return nl_talk(nlh, NULL, NULL);
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * VLAN tags on receive: the kernel's BTF, the netdev generic netlink
 * family (libnl-genl-3, static in Debian too) and the ethtool ioctl.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <bpf/btf.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "rx_meta.h"

/* include/uapi/linux/netdev.h of Linux 6.8; Debian 12's headers (6.1)
 * have no such file. */
#define NETDEV_FAMILY_NAME		      "netdev"
#define NETDEV_CMD_DEV_GET		      1
#define NETDEV_A_DEV_IFINDEX		      1
#define NETDEV_A_DEV_XDP_RX_METADATA_FEATURES 5
#define NETDEV_XDP_RX_METADATA_VLAN_TAG	      (1ull << 2)

bool kernel_has_rx_vlan_kfunc(void)
{
	struct btf *btf = btf__load_vmlinux_btf();
	bool has;

	if (!btf)
		return false;
	has = btf__find_by_name_kind(btf, "bpf_xdp_metadata_rx_vlan_tag",
				     BTF_KIND_FUNC) > 0;
	btf__free(btf);
	return has;
}

struct rx_meta_reply {
	bool have;
	uint64_t features;
};

static int rx_meta_parse(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[NETDEV_A_DEV_XDP_RX_METADATA_FEATURES + 1];
	struct nlattr *a;
	struct rx_meta_reply *r = arg;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb,
			  NETDEV_A_DEV_XDP_RX_METADATA_FEATURES, NULL) < 0)
		return NL_SKIP;
	a = tb[NETDEV_A_DEV_XDP_RX_METADATA_FEATURES];
	if (a && nla_len(a) == sizeof(uint64_t)) {
		r->features = nla_get_u64(a);
		r->have = true;
	}
	return NL_OK;
}

int driver_reports_rx_vlan(int ifindex, bool *reports)
{
	struct rx_meta_reply r = {};
	struct nl_msg *msg = NULL;
	struct nl_sock *sk;
	int fam, ret = -ENOMEM;

	*reports = false;
	sk = nl_socket_alloc();
	if (!sk)
		return -ENOMEM;
	if (genl_connect(sk) < 0) {
		ret = -EIO;
		goto out;
	}
	/* No netdev family (before 6.3): nothing to report. */
	fam = genl_ctrl_resolve(sk, NETDEV_FAMILY_NAME);
	if (fam < 0) {
		ret = 0;
		goto out;
	}
	msg = nlmsg_alloc();
	if (!msg ||
	    !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, fam, 0, 0,
			 NETDEV_CMD_DEV_GET, 1) ||
	    nla_put_u32(msg, NETDEV_A_DEV_IFINDEX, (uint32_t)ifindex) < 0)
		goto out;
	nl_socket_modify_cb(sk, NL_CB_VALID, NL_CB_CUSTOM, rx_meta_parse, &r);
	ret = -EIO;
	if (nl_send_auto(sk, msg) >= 0 && nl_recvmsgs_default(sk) >= 0)
		ret = 0;
	*reports = r.have && (r.features & NETDEV_XDP_RX_METADATA_VLAN_TAG);
out:
	nlmsg_free(msg);
	nl_socket_free(sk);
	return ret;
}

static int ethtool_ioctl(int fd, const char *ifname, void *cmd)
{
	struct ifreq ifr = {};

	if (strlen(ifname) >= sizeof(ifr.ifr_name))
		return -ENAMETOOLONG;
	strcpy(ifr.ifr_name, ifname);
	ifr.ifr_data = cmd;
	return ioctl(fd, SIOCETHTOOL, &ifr) ? -errno : 0;
}

static int is_veth(int fd, const char *ifname, bool *veth)
{
	struct ethtool_drvinfo di = { .cmd = ETHTOOL_GDRVINFO };
	int ret = ethtool_ioctl(fd, ifname, &di);

	*veth = !ret && !strcmp(di.driver, "veth");
	return ret == -EOPNOTSUPP ? 0 : ret;
}

/* The feature names of the kernel (ETH_SS_FEATURES), *n of them. */
static struct ethtool_gstrings *feature_names(int fd, const char *ifname,
					      __u32 *n, int *err)
{
	struct {
		struct ethtool_sset_info hdr;
		__u32 count;
	} si = { .hdr = { .cmd = ETHTOOL_GSSET_INFO,
			  .sset_mask = 1ull << ETH_SS_FEATURES } };
	struct ethtool_gstrings *gs;

	*err = ethtool_ioctl(fd, ifname, &si);
	if (*err)
		return NULL;
	*n = si.hdr.sset_mask ? si.count : 0;
	gs = calloc(1, sizeof(*gs) + (size_t)*n * ETH_GSTRING_LEN);
	if (!gs) {
		*err = -ENOMEM;
		return NULL;
	}
	gs->cmd = ETHTOOL_GSTRINGS;
	gs->string_set = ETH_SS_FEATURES;
	gs->len = *n;
	*err = ethtool_ioctl(fd, ifname, gs);
	if (*err) {
		free(gs);
		return NULL;
	}
	return gs;
}

/* Whether any of the VLAN receive offloads is active on ifname. */
static int vlan_rx_offload_on(int fd, const char *ifname, bool *on)
{
	struct ethtool_gfeatures *gf = NULL;
	struct ethtool_gstrings *gs;
	__u32 n, i;
	int ret;

	*on = false;
	gs = feature_names(fd, ifname, &n, &ret);
	if (!gs)
		return ret;
	gf = calloc(1, sizeof(*gf) + (n + 31) / 32 * sizeof(gf->features[0]));
	if (!gf) {
		ret = -ENOMEM;
		goto out;
	}
	gf->cmd = ETHTOOL_GFEATURES;
	gf->size = (n + 31) / 32;
	ret = ethtool_ioctl(fd, ifname, gf);
	for (i = 0; !ret && i < n; i++) {
		const char *name = (char *)gs->data + i * ETH_GSTRING_LEN;

		if ((!strcmp(name, "rx-vlan-hw-parse") ||
		     !strcmp(name, "rx-vlan-stag-hw-parse")) &&
		    (gf->features[i / 32].active & (1u << (i % 32))))
			*on = true;
	}
out:
	free(gf);
	free(gs);
	return ret;
}

int iface_may_strip_vlan(const char *ifname, bool *may)
{
	bool veth = false, on = false;
	int fd, ret;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	ret = is_veth(fd, ifname, &veth);
	if (!ret)
		ret = vlan_rx_offload_on(fd, ifname, &on);
	close(fd);
	*may = veth || on;
	return ret;
}

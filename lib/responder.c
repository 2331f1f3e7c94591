// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Attach loads the program with the interface's pin directory as libbpf's
 * pin root, so maps already pinned there (prefixes, counters) are reused;
 * then it either creates and pins a bpf_link or, when one is pinned,
 * swaps the program under it with bpf_link_update: the interface is never
 * without a responder during an upgrade.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ndpresponder.h"
#include "ndpresponder.skel.h"
#include "iface.h"
#include "kernel.h"
#include "log.h"
#include "maps.h"
#include "pins.h"
#include "responder.h"

const char *mode_name(int mode)
{
	switch (mode) {
	case NDPR_MODE_NATIVE:
		return "native";
	case NDPR_MODE_GENERIC:
		return "generic";
	default:
		return "auto";
	}
}

const char *override_name(int override)
{
	switch (override) {
	case NDPR_OVERRIDE_ALWAYS:
		return "always";
	case NDPR_OVERRIDE_NEVER:
		return "never";
	default:
		return "multicast";
	}
}

int responder_link_ifindex(int link_fd, __u32 *prog_id)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);

	if (bpf_obj_get_info_by_fd(link_fd, &info, &len))
		return -errno;
	if (info.type != BPF_LINK_TYPE_XDP)
		return -EINVAL;
	if (prog_id)
		*prog_id = info.prog_id;
	return (int)info.xdp.ifindex;
}

/* The pinned link, if it still holds ifindex; a link whose interface went
 * away is unpinned, so attach can start afresh with the maps it left. */
static int open_link(const struct pin_dir *pd, const char *ifname,
		     int ifindex)
{
	char path[PATH_MAX];
	int fd;

	if (pin_path(pd, PIN_LINK, path, sizeof(path)))
		return -ENAMETOOLONG;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return errno == ENOENT ? -ENOENT : -errno;
	if (responder_link_ifindex(fd, NULL) == ifindex)
		return fd;
	close(fd);
	pr_info("%s: removing a stale link left by an earlier attach", ifname);
	unlink(path);
	return -ENOENT;
}

static __u32 prog_id(int fd)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
}

/* The program limits events per CPU; spread the total over them. */
static __u32 events_per_cpu(__u32 total)
{
	int ncpus = libbpf_num_possible_cpus();

	if (!total)
		return 0;
	if (ncpus <= 1)
		return total;
	return (total + (__u32)ncpus - 1) / (__u32)ncpus;
}

static void fill_config(const struct attach_opts *o, const uint8_t mac[6],
			struct ndpr_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	memcpy(cfg->mac, mac, 6);
	cfg->flags = NDPR_CFG_ROUTER | NDPR_CFG_DAD | NDPR_CFG_UNICAST;
	if (o->no_router)
		cfg->flags &= ~NDPR_CFG_ROUTER;
	if (o->no_dad)
		cfg->flags &= ~NDPR_CFG_DAD;
	if (o->no_unicast)
		cfg->flags &= ~NDPR_CFG_UNICAST;
	cfg->override = (__u8)o->override;
	cfg->events_per_cpu = events_per_cpu(o->event_rate_set ?
						     o->event_rate :
						     NDPR_DEFAULT_EVENT_RATE);
}

/* The name under which a responder for ifindex is pinned, if any. */
static bool pinned_as(const struct pin_dir *pd, int ifindex, char *name,
		      size_t len)
{
	char path[PATH_MAX];
	struct dirent *de;
	bool found = false;
	DIR *d;

	d = opendir(pd->root);
	while (d && !found && (de = readdir(d))) {
		int fd;

		if (de->d_name[0] == '.')
			continue;
		if (snprintf(path, sizeof(path), "%s/%.*s/%s", pd->root,
			     NAME_MAX, de->d_name, PIN_LINK) >= (int)sizeof(path))
			continue;
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		if (responder_link_ifindex(fd, NULL) == ifindex) {
			snprintf(name, len, "%s", de->d_name);
			found = true;
		}
		close(fd);
	}
	if (d)
		closedir(d);
	return found;
}

/* Another program on the interface must not be replaced behind its back. */
static int check_no_other_xdp(const struct pin_dir *pd, const char *ifname,
			      int ifindex)
{
	char old[NAME_MAX + 1];

	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	int ret;

	ret = bpf_xdp_query(ifindex, 0, &q);
	if (ret) {
		pr_err("%s: couldn't query XDP state: %s", ifname,
		       errstr(ret));
		return ret;
	}
	if (q.prog_id || q.drv_prog_id || q.skb_prog_id || q.hw_prog_id) {
		__u32 id = q.prog_id ? q.prog_id :
			   q.drv_prog_id ? q.drv_prog_id :
			   q.skb_prog_id ? q.skb_prog_id : q.hw_prog_id;

		if (pinned_as(pd, ifindex, old, sizeof(old)))
			pr_err("%s: already has the responder pinned as '%s' "
			       "(renamed since?); 'ndpresponder detach %s' "
			       "first",
			       ifname, old, old);
		else
			pr_err("%s: another XDP program (id %u) is attached; "
			       "remove it first (ip link set dev %s xdp off)",
			       ifname, id, ifname);
		return -EBUSY;
	}
	return 0;
}

static int create_link(const struct attach_opts *o, int ifindex, int prog_fd,
		       enum ndpr_mode *mode)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo);
	int fd, err;

	if (o->mode != ATTACH_GENERIC) {
		lo.flags = XDP_FLAGS_DRV_MODE;
		fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &lo);
		if (fd >= 0) {
			*mode = NDPR_MODE_NATIVE;
			return fd;
		}
		err = -errno;
		if (o->mode == ATTACH_NATIVE) {
			pr_err("%s: couldn't attach in native mode: %s",
			       o->ifname, errstr(err));
			return err;
		}
		pr_info("%s: native XDP not available (%s); using generic mode",
			o->ifname, errstr(err));
	}
	lo.flags = XDP_FLAGS_SKB_MODE;
	fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &lo);
	if (fd < 0) {
		err = -errno;
		pr_err("%s: couldn't attach in generic mode: %s", o->ifname,
		       errstr(err));
		return err;
	}
	*mode = NDPR_MODE_GENERIC;
	return fd;
}

/*
 * NICs drop solicited-node multicast (33:33:ff:..) of groups nobody
 * joined, before XDP sees it: take all multicast, as ndppd does. Notes in
 * st that we will turn it on, when it is off; the caller records that
 * first and acts after.
 */
static int allmulti_intent(const char *ifname, struct ndpr_state *st)
{
	bool on;
	int ret;

	ret = iface_get_allmulti(ifname, &on);
	if (!ret && !on)
		st->flags |= NDPR_STATE_ALLMULTI_SET;
	return ret;
}

/* How the program really is attached, from the kernel. */
static __u8 live_mode(int ifindex)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (bpf_xdp_query(ifindex, 0, &q))
		return 0;
	if (q.attach_mode == XDP_ATTACHED_DRV)
		return NDPR_MODE_NATIVE;
	if (q.attach_mode == XDP_ATTACHED_SKB)
		return NDPR_MODE_GENERIC;
	return 0;
}

int responder_live(int link_fd, struct ndpr_config *cfg, __u8 *mode)
{
	struct ndpresponder_bpf__rodata ro;
	struct bpf_prog_info prog = {};
	__u32 len, map_ids[16], n, id = 0;
	int prog_fd, ifindex, ret = -ENOENT;

	ifindex = responder_link_ifindex(link_fd, &id);
	if (ifindex < 0)
		return ifindex;
	*mode = live_mode(ifindex);
	prog_fd = bpf_prog_get_fd_by_id(id);
	if (prog_fd < 0)
		return -errno;
	len = sizeof(prog);
	prog.nr_map_ids = sizeof(map_ids) / sizeof(map_ids[0]);
	prog.map_ids = (__u64)(unsigned long)map_ids;
	if (bpf_obj_get_info_by_fd(prog_fd, &prog, &len)) {
		ret = -errno;
		goto out;
	}
	n = prog.nr_map_ids < 16 ? prog.nr_map_ids : 16;
	/* The options are the running program's .rodata: the truth, even
	 * when an upgrade was cut short before its record was written. */
	for (__u32 i = 0; i < n && ret; i++) {
		struct bpf_map_info mi = {};
		__u32 mlen = sizeof(mi), zero = 0;
		int fd = bpf_map_get_fd_by_id(map_ids[i]);

		if (fd < 0)
			continue;
		if (!bpf_obj_get_info_by_fd(fd, &mi, &mlen) &&
		    strstr(mi.name, ".rodata") &&
		    mi.value_size == sizeof(ro) &&
		    !bpf_map_lookup_elem(fd, &zero, &ro)) {
			*cfg = ro.ndpr_cfg;
			ret = 0;
		}
		close(fd);
	}
out:
	close(prog_fd);
	return ret;
}

int responder_attach(const struct attach_opts *o, struct attach_result *r)
{
	struct ndpr_maps old = NDPR_MAPS_INIT, m = NDPR_MAPS_INIT;
	struct ndpresponder_bpf *skel = NULL;
	LIBBPF_OPTS(bpf_object_open_opts, open_opts);
	struct ndpr_state st = {};
	int ifindex, link_fd = -1, prog_fd, ret;
	bool had_maps = false;
	char path[PATH_MAX];
	struct pin_dir pd;
	__u32 max = o->max_prefixes;
	uint8_t mac[6];

	memset(r, 0, sizeof(*r));
	ret = kernel_check();
	if (ret)
		return ret;
	ifindex = iface_index(o->ifname);
	if (ifindex < 0)
		return ifindex;
	if (o->mac_set)
		memcpy(mac, o->mac, sizeof(mac));
	else if ((ret = iface_mac(o->ifname, mac)))
		return ret;
	ret = pin_dir_init(&pd, o->ifname, true);
	if (ret)
		return ret;
	ret = pin_lock(&pd);
	if (ret)
		return ret;

	link_fd = open_link(&pd, o->ifname, ifindex);
	if (link_fd < 0 && link_fd != -ENOENT) {
		ret = link_fd;
		pr_err("%s: couldn't open the pinned link: %s", o->ifname,
		       errstr(ret));
		goto out;
	}
	r->upgraded = link_fd >= 0;

	had_maps = pin_exists(&pd, NDPR_PIN(state));
	if (had_maps) {
		__u32 have;

		ret = maps_open(&pd, o->ifname, &old);
		if (!ret)
			ret = maps_state_read(&old, &st);
		if (ret)
			goto out;
		have = map_capacity(old.hosts);
		if (max && max != have) {
			pr_err("%s: the pinned maps hold %u entries; detach "
			       "first to change --max-prefixes",
			       o->ifname, have);
			ret = -EINVAL;
			goto out;
		}
		max = have;
	}
	if (!max)
		max = NDPR_DEFAULT_MAX_PREFIXES;
	if (r->upgraded && o->mode_set && o->mode != ATTACH_AUTO &&
	    (int)o->mode != st.mode) {
		pr_err("%s: attached in %s mode; detach first to change the "
		       "mode",
		       o->ifname, mode_name(st.mode));
		ret = -EINVAL;
		goto out;
	}
	if (!r->upgraded) {
		ret = check_no_other_xdp(&pd, o->ifname, ifindex);
		if (ret)
			goto out;
	}

	if (mkdir(pd.dir, 0700) && errno != EEXIST) {
		ret = -errno;
		pr_err("couldn't create %s: %s", pd.dir, errstr(ret));
		goto out;
	}
	open_opts.pin_root_path = pd.dir;
	skel = ndpresponder_bpf__open_opts(&open_opts);
	if (!skel) {
		ret = -errno;
		pr_err("couldn't open the BPF object: %s", errstr(ret));
		goto out;
	}
	fill_config(o, mac, (struct ndpr_config *)&skel->rodata->ndpr_cfg);
	bpf_map__set_max_entries(skel->maps.ndpr_hosts, max);
	bpf_map__set_max_entries(skel->maps.ndpr_prefixes, max);
	ret = ndpresponder_bpf__load(skel);
	if (ret) {
		if (had_maps)
			pr_err("%s: couldn't load the XDP program over the maps "
			       "pinned in %s: %s (maps of another version? "
			       "detach first; -v tells more)",
			       o->ifname, pd.dir, errstr(ret));
		else
			pr_err("%s: couldn't load the XDP program: %s (-v shows "
			       "the verifier's log)",
			       o->ifname, errstr(ret));
		goto out;
	}
	maps_of_skel(&m, skel);
	prog_fd = bpf_program__fd(skel->progs.ndpresponder);

	/* Which maps to skip, from what they hold now. */
	ret = maps_empty_refresh(&m);
	if (ret) {
		pr_err("%s: couldn't set ndpr_empty: %s", o->ifname,
		       errstr(ret));
		goto out;
	}
	/* Prefixes go in before the program sees its first packet. */
	for (size_t i = 0; i < o->prefixes.n; i++) {
		ret = maps_prefix_update(&m, o->ifname, &o->prefixes.v[i]);
		if (ret)
			goto out;
	}

	/*
	 * The record is written before what it describes: killed at any
	 * point, the next command finds at worst an intent not carried out
	 * (all-multicast we meant to turn on), never a change it does not
	 * know about. Mode and options are read from the kernel anyway.
	 */
	st.ifindex = (__u32)ifindex;
	st.config = skel->rodata->ndpr_cfg;
	ret = allmulti_intent(o->ifname, &st);
	if (!ret)
		ret = maps_state_write(&m, &st);
	if (ret)
		goto out;
	if (r->upgraded) {
		if (bpf_link_update(link_fd, prog_fd, NULL)) {
			ret = -errno;
			pr_err("%s: couldn't replace the program: %s",
			       o->ifname, errstr(ret));
			goto out;
		}
	} else {
		enum ndpr_mode mode = NDPR_MODE_GENERIC;

		link_fd = create_link(o, ifindex, prog_fd, &mode);
		if (link_fd < 0) {
			ret = link_fd;
			goto out;
		}
		ret = pin_path(&pd, PIN_LINK, path, sizeof(path));
		if (!ret && bpf_obj_pin(link_fd, path))
			ret = -errno;
		if (ret) {
			pr_err("%s: couldn't pin the link: %s", o->ifname,
			       errstr(ret));
			goto out;
		}
		st.attached_at = (__u64)time(NULL);
	}
	/* Also on upgrade: repairs an attach that was cut short. */
	st.mode = live_mode(ifindex);
	if (st.flags & NDPR_STATE_ALLMULTI_SET)
		ret = iface_set_allmulti(o->ifname, true);
	if (!ret)
		ret = maps_state_write(&m, &st);
	if (ret)
		goto out;
	r->mode = st.mode;
	r->prog_id = prog_id(prog_fd);
out:
	if (ret && !r->upgraded && link_fd >= 0 &&
	    !pin_path(&pd, PIN_LINK, path, sizeof(path)))
		unlink(path);
	if (ret && !had_maps && !r->upgraded)
		pin_dir_remove(&pd);
	if (link_fd >= 0)
		close(link_fd);
	ndpresponder_bpf__destroy(skel);
	maps_close(&old);
	pin_unlock(&pd);
	return ret;
}

int responder_detach(const char *ifname)
{
	struct ndpr_maps m = NDPR_MAPS_INIT;
	struct ndpr_state st = {};
	char path[PATH_MAX];
	struct pin_dir pd;
	char now_name[IF_NAMESIZE];
	int ret, fd, allmulti_err = 0;

	ret = pin_dir_init(&pd, ifname, false);
	if (ret)
		return ret;
	if (access(pd.dir, F_OK)) {
		pr_err("%s: not attached (no pins in %s)", ifname, pd.dir);
		return -ENOENT;
	}
	ret = pin_lock(&pd);
	if (ret)
		return ret;
	if (!maps_open(&pd, ifname, &m))
		maps_state_read(&m, &st);

	/* Detach even if someone else holds the link open. */
	if (!pin_path(&pd, PIN_LINK, path, sizeof(path))) {
		fd = bpf_obj_get(path);
		if (fd >= 0) {
			if (bpf_link_detach(fd) && errno != ENOLINK)
				pr_err("%s: couldn't detach the link: %s",
				       ifname, errstr(-errno));
			close(fd);
		}
	}
	/* By index: the interface may have been renamed since attach. */
	if ((st.flags & NDPR_STATE_ALLMULTI_SET) && st.ifindex &&
	    if_indextoname(st.ifindex, now_name))
		allmulti_err = iface_set_allmulti(now_name, false);

	maps_close(&m);
	ret = pin_dir_remove(&pd);
	pin_unlock(&pd);
	/* The pins are gone either way; a flag left on is still a failure. */
	return ret ?: allmulti_err;
}

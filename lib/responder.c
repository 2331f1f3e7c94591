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
#include "guards.h"
#include "iface.h"
#include "kernel.h"
#include "log.h"
#include "maps.h"
#include "migrate.h"
#include "pins.h"
#include "responder.h"
#include "rx_vlan.h"
#include "sync_plan.h"

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

/*
 * The pinned link, if it holds ifindex. One whose interface went away is
 * unpinned, so attach can start afresh with the maps it left; one that
 * holds another interface of this namespace (renamed since, and a new one
 * took its name) is that interface's responder, and one that is not ours
 * is nobody's to replace: both refused.
 */
static int open_link(const struct pin_dir *pd, const char *ifname, int ifindex)
{
	char path[PATH_MAX], now[IF_NAMESIZE];
	int fd, held;

	fd = pin_open_link(pd);
	if (fd == -EPERM)
		pr_err("%s: %s/%s is not a link of ndpresponder's; refusing to "
		       "touch it",
		       ifname, pd->dir, PIN_LINK);
	if (fd < 0)
		return fd;
	held = responder_link_ifindex(fd, NULL);
	if (held == ifindex)
		return fd;
	close(fd);
	if (held > 0 && if_indextoname((unsigned int)held, now)) {
		pr_err("%s: the pins '%s' hold the responder of %s (renamed "
		       "since?); 'ndpresponder detach %s' first",
		       ifname, ifname, now, ifname);
		return -EBUSY;
	}
	pr_info("%s: removing a stale link left by an earlier attach", ifname);
	if (!pin_path(pd, PIN_LINK, path, sizeof(path)))
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

/* The guards are on unless turned off; an upgrade without --no-guard
 * keeps them as the record says they were. */
static __u8 guard_flags(const struct attach_opts *o,
			const struct ndpr_state *old)
{
	if (!o->guard_set && (old->flags & NDPR_STATE_GUARDS_SET))
		return old->config.flags & NDPR_CFG_GUARDS;
	return NDPR_CFG_GUARDS & ~o->no_guard;
}

/* The R, DAD and unicast bits: on unless turned off, or as they were
 * when an upgrade keeps what it was not given. */
static __u8 answer_flags(const struct attach_opts *o,
			 const struct ndpr_state *keep)
{
	__u8 on = NDPR_CFG_ROUTER | NDPR_CFG_DAD | NDPR_CFG_UNICAST;
	__u8 flags = keep ? keep->config.flags & on : on;

	if (o->router)
		flags |= NDPR_CFG_ROUTER;
	if (o->dad)
		flags |= NDPR_CFG_DAD;
	if (o->unicast)
		flags |= NDPR_CFG_UNICAST;

	if (o->no_router)
		flags &= ~NDPR_CFG_ROUTER;
	if (o->no_dad)
		flags &= ~NDPR_CFG_DAD;
	if (o->no_unicast)
		flags &= ~NDPR_CFG_UNICAST;
	return flags;
}

/* keep: the record of the responder an upgrade replaces, whose options
 * stay where none was given (attach_opts.keep_options), or NULL. */
static void fill_config(const struct attach_opts *o, const uint8_t mac[6],
			const struct ndpr_state *old,
			const struct ndpr_state *keep, struct ndpr_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	memcpy(cfg->mac, mac, 6);
	if (keep && !o->mac_set && (keep->flags & NDPR_STATE_MAC_SET))
		memcpy(cfg->mac, keep->config.mac, 6);
	cfg->flags = answer_flags(o, keep) | guard_flags(o, old);
	cfg->override = (__u8)o->override;
	if (keep && !o->override_set)
		cfg->override = keep->config.override;
	cfg->events_per_cpu = events_per_cpu(
		o->event_rate_set ? o->event_rate : NDPR_DEFAULT_EVENT_RATE);
	if (keep && !o->event_rate_set)
		cfg->events_per_cpu = keep->config.events_per_cpu;
}

struct pinned_as {
	int ifindex;
	char *name;
	size_t len;
	bool found;
};

static void pinned_as_one(const char *ns, const char *ifname, void *arg)
{
	struct pinned_as *a = arg;
	struct pin_dir pd;
	int fd;

	(void)ns;
	if (a->found || pin_dir_init(&pd, ifname, 0))
		return;
	fd = pin_open_link(&pd);
	if (fd >= 0 && responder_link_ifindex(fd, NULL) == a->ifindex) {
		snprintf(a->name, a->len, "%s", ifname);
		a->found = true;
	}
	if (fd >= 0)
		close(fd);
	pin_dir_close(&pd);
}

/* The name under which this namespace's responder for ifindex is pinned,
 * if any. */
static bool pinned_as(const struct pin_dir *pd, int ifindex, char *name,
		      size_t len)
{
	struct pinned_as a = { ifindex, name, len, false };

	pin_walk(pd->ns, pinned_as_one, &a);
	return a.found;
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
		pr_err("%s: couldn't query XDP state: %s", ifname, errstr(ret));
		return ret;
	}
	if (q.prog_id || q.drv_prog_id || q.skb_prog_id || q.hw_prog_id) {
		__u32 id = q.prog_id	 ? q.prog_id :
			   q.drv_prog_id ? q.drv_prog_id :
			   q.skb_prog_id ? q.skb_prog_id :
					   q.hw_prog_id;

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

/* In mode want: native, generic, or auto (native, else generic). */
static int create_link(const struct attach_opts *o, enum attach_mode want,
		       int ifindex, int prog_fd, enum ndpr_mode *mode)
{
	LIBBPF_OPTS(bpf_link_create_opts, lo);
	int fd, err;

	if (want != ATTACH_GENERIC) {
		lo.flags = XDP_FLAGS_DRV_MODE;
		fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &lo);
		if (fd >= 0) {
			*mode = NDPR_MODE_NATIVE;
			return fd;
		}
		err = -errno;
		if (want == ATTACH_NATIVE) {
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
	return responder_live_version(link_fd, cfg, mode, NULL, 0);
}

int responder_live_version(int link_fd, struct ndpr_config *cfg, __u8 *mode,
			   char *version, size_t vlen)
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
		    strstr(mi.name, ".rodata") && mi.value_size == sizeof(ro) &&
		    !bpf_map_lookup_elem(fd, &zero, &ro)) {
			*cfg = ro.ndpr_cfg;
			if (version)
				snprintf(version, vlen, "%.*s",
					 (int)sizeof(ro.ndpr_version),
					 (const char *)ro.ndpr_version);
			ret = 0;
		}
		close(fd);
	}
out:
	close(prog_fd);
	return ret;
}

/* What one attach holds between its steps; attach_unwind undoes them. */
struct attach_ctx {
	const struct attach_opts *o;
	struct attach_result *r;
	struct pin_dir pd;
	int ifindex;
	uint8_t mac[6];
	int link_fd;   /* the pinned link, or the one this attach created */
	bool had_maps; /* maps were pinned before: never removed here */
	bool had_dir;  /* the directory was there before */
	unsigned int before; /* pin_present before this attach */
	bool loading;	     /* from here, what this attach pinned is undone */
	__u32 max;	     /* capacity of each prefix map */
	struct ndpr_maps old, m;
	struct ndpresponder_bpf *skel;
	int prog_fd;
	struct ndpr_state st;
	enum ndpr_vlan vlan;   /* how answers keep their VLAN tags */
	enum attach_mode want; /* the mode that allows it */
	bool migrate;	       /* pinned maps of another layout: fresh ones */
	struct migrate_counts moved;
};

/* What can be checked without the lock, changing nothing. */
static int attach_check(struct attach_ctx *c)
{
	const struct attach_opts *o = c->o;
	int ret;

	ret = kernel_check();
	if (ret)
		return ret;
	c->ifindex = iface_index(o->ifname);
	if (c->ifindex < 0)
		return c->ifindex;
	if (o->mac_set)
		memcpy(c->mac, o->mac, sizeof(c->mac));
	else if ((ret = iface_mac(o->ifname, c->mac)))
		return ret;
	return pin_dir_init(&c->pd, o->ifname,
			    PIN_CREATE |
				    (o->ephemeral_ok ? PIN_EPHEMERAL_OK : 0));
}

/* The pinned link (an upgrade) or none; a stale one is removed. */
static int attach_find_link(struct attach_ctx *c)
{
	int ret;

	c->had_dir = pin_dir_exists(&c->pd);
	ret = migrate_recover(&c->pd, c->o->ifname);
	if (ret)
		return ret;
	c->link_fd = open_link(&c->pd, c->o->ifname, c->ifindex);
	if (c->link_fd == -EPERM || c->link_fd == -EBUSY)
		return c->link_fd;
	if (c->link_fd < 0 && c->link_fd != -ENOENT) {
		pr_err("%s: couldn't open the pinned link: %s", c->o->ifname,
		       errstr(c->link_fd));
		return c->link_fd;
	}
	c->before = pin_present(&c->pd);
	c->r->upgraded = c->link_fd >= 0;
	return 0;
}

/* Says what to do when the pins are not all ours, or not all there
 * (status says the same). */
static int pinned_usable(const struct pin_dir *pd, const char *ifname)
{
	const char *name = maps_foreign(pd);
	struct ndpr_maps m = NDPR_MAPS_INIT;
	int ret = 0;

	if (name) {
		pr_err("%s: %s/%s is not ndpresponder's; attach never touches "
		       "it: move it away, then attach",
		       ifname, pd->dir, name);
		return -EEXIST;
	}
	if (pin_exists(pd, NDPR_PIN(state)))
		ret = maps_open_quiet(pd, &m);
	maps_close(&m);
	if (ret != -ENOENT)
		return 0; /* else maps_open says why */
	pr_err("%s: pins are missing in %s (an attach or detach was cut "
	       "short); 'ndpresponder detach %s' removes the rest, then attach",
	       ifname, pd->dir, ifname);
	return -ENOENT;
}

/* Excludes win: what an upgrade adds must not leave an answered entry
 * inside an exclude (the data path would answer it). */
static int check_adds_hidden(const struct attach_ctx *c)
{
	char a[PREFIX_STRLEN], x[PREFIX_STRLEN];
	struct prefix_set have = {};
	struct prefix p, by;
	int ret;

	if (!c->o->only_adds)
		return 0;
	ret = maps_prefix_dump(&c->old, &have);
	if (!ret && sync_adds_hidden(&have, &c->o->prefixes, &p, &by)) {
		prefix_format(&p, a, sizeof(a));
		prefix_format(&by, x, sizeof(x));
		pr_err("%s: %s would be inside the exclude %s and never "
		       "answered; 'prefix add %s %s --exclude' removes what an "
		       "exclude holds",
		       c->o->ifname, a, x, c->o->ifname, x);
		ret = -EINVAL;
	}
	prefix_set_free(&have);
	return ret;
}

/* The maps an earlier attach pinned, with their record and capacity. */
static int attach_read_pinned(struct attach_ctx *c)
{
	const struct attach_opts *o = c->o;
	__u32 have;
	int ret;

	c->max = o->max_prefixes;
	c->had_maps = pin_exists(&c->pd, NDPR_PIN(state));
	ret = pinned_usable(&c->pd, o->ifname);
	if (ret) {
		c->had_maps = true; /* what is there stays */
		return ret;
	}
	if (c->had_maps) {
		ret = migrate_check_known(&c->pd, o->ifname) ?:
			      maps_open(&c->pd, o->ifname, &c->old);
		if (!ret)
			ret = maps_state_read(&c->old, &c->st);
		if (!ret)
			ret = check_adds_hidden(c);
		if (ret)
			return ret;
		have = map_capacity(c->old.hosts);
		if (c->max && c->max != have) {
			pr_err("%s: the pinned maps hold %u entries; detach "
			       "first to change --max-prefixes",
			       o->ifname, have);
			return -EINVAL;
		}
		c->max = have;
	}
	if (!c->max)
		c->max = NDPR_DEFAULT_MAX_PREFIXES;
	return 0;
}

/* What the interface has now must be what this attach may replace. */
static int attach_check_fit(struct attach_ctx *c)
{
	const struct attach_opts *o = c->o;

	if (!c->r->upgraded)
		return check_no_other_xdp(&c->pd, o->ifname, c->ifindex);
	if (o->mode_set && o->mode != ATTACH_AUTO &&
	    (int)o->mode != c->st.mode) {
		pr_err("%s: attached in %s mode; detach first to change the "
		       "mode",
		       o->ifname, mode_name(c->st.mode));
		return -EINVAL;
	}
	return 0;
}

/*
 * The mode whose answers keep the VLAN tags of their solicitations (the
 * README's "Kernel support"): native mode only where the program reads
 * the tag the driver stripped or the device strips none; elsewhere auto
 * means generic, and native (asked, or the mode of the responder being
 * upgraded) is refused rather than answering onto a wrong VLAN.
 */
static int attach_plan_vlan(struct attach_ctx *c)
{
	const char *ifname = c->o->ifname, *why = "";

	c->want = c->r->upgraded ? (enum attach_mode)c->st.mode : c->o->mode;
	if (c->want == ATTACH_GENERIC) {
		c->vlan = NDPR_VLAN_SKB;
		return 0;
	}
	c->vlan = rx_vlan_native(ifname, c->ifindex, &why);
	/* A program bound to the device cannot run in generic mode. */
	if (c->vlan == NDPR_VLAN_RESTORED)
		c->want = ATTACH_NATIVE;
	if (c->vlan != NDPR_VLAN_NONE)
		return 0;
	if (c->want == ATTACH_NATIVE) {
		pr_err("%s: native mode would answer VLAN-tagged solicitations "
		       "untagged: %s; %s in generic mode",
		       ifname, why,
		       c->r->upgraded ? "detach, then attach" : "attach");
		return -EOPNOTSUPP;
	}
	pr_info("%s: using generic mode, which keeps VLAN tags: native mode "
		"would not (%s)",
		ifname, why);
	c->want = ATTACH_GENERIC;
	c->vlan = NDPR_VLAN_SKB;
	return 0;
}

/* Whether a map of ours is pinned: the load reuses it, or fails. */
#define PINNED(name, opener) || pin_exists(pd, NDPR_PIN(name))
static bool any_map_pinned(const struct pin_dir *pd)
{
	return false NDPR_MAPS(PINNED);
}
#undef PINNED

static void load_failed(const struct attach_ctx *c, int err)
{
	/* A pinned map that does not fit fails the load before the
	 * verifier ever sees the program; with a link, it is migrated. */
	if (!c->migrate && any_map_pinned(&c->pd))
		pr_err("%s: couldn't load the XDP program over the maps "
		       "pinned in %s: %s (maps of another version? "
		       "detach first; -v shows libbpf's reason)",
		       c->o->ifname, c->pd.dir, errstr(err));
	else
		pr_err("%s: couldn't load the XDP program: %s (-v shows "
		       "the verifier's log)",
		       c->o->ifname, errstr(err));
}

/* Loads the program over the maps pinned in the interface's directory. */
static int attach_load(struct attach_ctx *c)
{
	LIBBPF_OPTS(bpf_object_open_opts, open_opts);
	struct ndpresponder_bpf *skel;
	int ret;

	char root[PATH_MAX];

	c->loading = true;
	ret = pin_dir_create(&c->pd);
	if (!ret)
		ret = pin_path(&c->pd, ".", root, sizeof(root));
	if (ret)
		return ret;
	/* Through the checked directory's fd, never the path again. */
	open_opts.pin_root_path = root;
	skel = c->skel = c->vlan == NDPR_VLAN_RESTORED ?
				 rx_vlan_open(&open_opts, c->ifindex) :
				 ndpresponder_bpf__open_opts(&open_opts);
	if (!skel) {
		ret = -errno;
		pr_err("couldn't open the BPF object: %s", errstr(ret));
		return ret;
	}
	fill_config(c->o, c->mac, &c->st,
		    c->r->upgraded && c->o->keep_options ? &c->st : NULL,
		    (struct ndpr_config *)&skel->rodata->ndpr_cfg);
	if (c->vlan == NDPR_VLAN_RESTORED)
		skel->rodata->ndpr_cfg.flags |= NDPR_CFG_RX_VLAN;
	snprintf((char *)skel->rodata->ndpr_version,
		 sizeof(skel->rodata->ndpr_version), "%s", NDPR_VERSION);
	bpf_map__set_max_entries(skel->maps.ndpr_hosts, c->max);
	bpf_map__set_max_entries(skel->maps.ndpr_prefixes, c->max);
	/* Only under a link: the swap is what keeps it without a gap. */
	c->migrate = c->r->upgraded && migrate_needed(skel->obj, &c->pd);
	ret = c->migrate ? migrate_unpin(skel->obj) : 0;
	if (!ret)
		ret = ndpresponder_bpf__load(skel);
	if (ret) {
		load_failed(c, ret);
		return ret;
	}
	maps_of_skel(&c->m, skel);
	c->prog_fd = bpf_program__fd(skel->progs.ndpresponder);
	if (!c->migrate)
		return 0;
	return migrate_copy(&c->old, &c->m, c->o->ifname, &c->moved);
}

/* Prefixes go in before the program sees its first packet. */
static int attach_seed(struct attach_ctx *c)
{
	int ret;

	/* Which maps to skip, from what they hold now. */
	ret = maps_empty_refresh(&c->m);
	if (ret) {
		pr_err("%s: couldn't set ndpr_empty: %s", c->o->ifname,
		       errstr(ret));
		return ret;
	}
	for (size_t i = 0; i < c->o->prefixes.n; i++) {
		ret = maps_prefix_update(&c->m, c->o->ifname,
					 &c->o->prefixes.v[i]);
		if (ret)
			return ret;
	}
	return 0;
}

/* The record of what is about to change: the interface, the options and
 * all-multicast if we will turn it on. */
static int attach_record_intent(struct attach_ctx *c)
{
	int ret;

	c->st.ifindex = (__u32)c->ifindex;
	if (c->r->upgraded)
		c->r->before = c->st.config;
	c->r->after = c->skel->rodata->ndpr_cfg;
	/* A MAC of --mac stays --mac's through upgrades that keep it. */
	if (c->o->mac_set)
		c->st.flags |= NDPR_STATE_MAC_SET;
	else if (!c->r->upgraded || !c->o->keep_options)
		c->st.flags &= ~NDPR_STATE_MAC_SET;
	c->st.config = c->skel->rodata->ndpr_cfg;
	c->st.flags |= NDPR_STATE_GUARDS_SET;
	ret = allmulti_intent(c->o->ifname, &c->st);
	return ret ?: maps_state_write(&c->m, &c->st);
}

/* The host's own addresses and gateways, guarded before the prefixes
 * that hold them answer (coming), and before the new program takes
 * over; then again from what the maps hold. */
static int attach_guards(struct attach_ctx *c, bool coming)
{
	return guards_sync(&c->m, c->o->ifname, c->ifindex,
			   c->skel->rodata->ndpr_cfg.flags,
			   coming ? &c->o->prefixes : NULL, &c->r->guarded);
}

/* After the swap: the new maps take the pins' names, the conflicts the
 * old program recorded meanwhile follow, and the line says what moved. */
static int attach_migrated(struct attach_ctx *c, __u32 id)
{
	const struct migrate_counts *n = &c->moved;
	int ret;

	ret = migrate_rename(&c->pd, id, c->o->ifname);
	if (ret)
		return ret;
	if (migrate_copy_late(&c->old, &c->m, &c->moved) ||
	    maps_empty_refresh(&c->m))
		pr_warn("%s: conflicts recorded during the migration may be "
			"lost",
			c->o->ifname);
	pr_info("%s: migrated maps of another layout: %zu hosts, %zu "
		"prefixes, %zu guards, %zu conflicts, %zu origins; counters "
		"restart at 0",
		c->o->ifname, n->hosts, n->prefixes, n->guards, n->conflicts,
		n->origins);
	return 0;
}

/* An upgrade: the new program under the same link, with no gap; with
 * fresh maps, pinned before the swap so they are never unpinned. */
static int attach_update_link(struct attach_ctx *c)
{
	__u32 id = prog_id(c->prog_fd);
	int ret;

	if (c->migrate) {
		ret = migrate_pin_new(&c->pd, c->skel->obj, id, c->o->ifname);
		if (ret)
			return ret;
	}
	if (!bpf_link_update(c->link_fd, c->prog_fd, NULL))
		return c->migrate ? attach_migrated(c, id) : 0;
	ret = -errno;
	pr_err("%s: couldn't replace the program: %s", c->o->ifname,
	       errstr(ret));
	if (c->migrate)
		migrate_unpin_new(&c->pd, id);
	return ret;
}

static int attach_create_link(struct attach_ctx *c)
{
	enum ndpr_mode mode = NDPR_MODE_GENERIC;
	char path[PATH_MAX];
	int ret;

	c->link_fd = create_link(c->o, c->want, c->ifindex, c->prog_fd, &mode);
	if (c->link_fd < 0)
		return c->link_fd;
	ret = pin_path(&c->pd, PIN_LINK, path, sizeof(path));
	if (!ret && bpf_obj_pin(c->link_fd, path))
		ret = -errno;
	if (ret) {
		pr_err("%s: couldn't pin the link: %s", c->o->ifname,
		       errstr(ret));
		return ret;
	}
	c->st.attached_at = (__u64)time(NULL);
	return 0;
}

/* Carries out the intent recorded; also on upgrade, which repairs an
 * attach that was cut short. */
static int attach_set_allmulti(struct attach_ctx *c)
{
	if (c->st.flags & NDPR_STATE_ALLMULTI_SET)
		return iface_set_allmulti(c->o->ifname, true);
	return 0;
}

/* The record of what is now, the mode read from the kernel. */
static int attach_record(struct attach_ctx *c)
{
	int ret;

	c->st.mode = live_mode(c->ifindex);
	ret = maps_state_write(&c->m, &c->st);
	if (ret)
		return ret;
	c->r->mode = c->st.mode;
	c->r->prog_id = prog_id(c->prog_fd);
	return 0;
}

/*
 * A failed first attach leaves nothing: its link unpinned (closing the
 * fd detaches it) and the directory removed. A failed upgrade leaves the
 * old program answering, and maps pinned before stay.
 */
static void attach_unwind(struct attach_ctx *c, int ret)
{
	/* Only what this attach pinned: never what was there before it. */
	if (ret && !c->r->upgraded && c->loading)
		pin_remove_new(&c->pd, c->before, c->had_dir);
	if (c->link_fd >= 0)
		close(c->link_fd);
	ndpresponder_bpf__destroy(c->skel);
	maps_close(&c->old);
	pin_dir_close(&c->pd);
}

int responder_attach(const struct attach_opts *o, struct attach_result *r)
{
	struct attach_ctx c = {
		.o = o,
		.r = r,
		.link_fd = -1,
		.old = NDPR_MAPS_INIT,
		.m = NDPR_MAPS_INIT,
	};
	int ret;

	memset(r, 0, sizeof(*r));
	ret = attach_check(&c);
	if (!ret)
		ret = pin_lock(&c.pd);
	if (ret) {
		pin_dir_close(&c.pd);
		return ret;
	}
	ret = attach_find_link(&c);
	if (!ret)
		ret = attach_read_pinned(&c);
	if (!ret)
		ret = attach_check_fit(&c);
	if (!ret)
		ret = attach_plan_vlan(&c);
	if (!ret)
		ret = attach_load(&c);
	if (!ret)
		ret = attach_guards(&c, true);
	if (!ret)
		ret = attach_seed(&c);
	if (!ret)
		ret = attach_guards(&c, false);
	/*
	 * The record is written before what it describes: killed at any
	 * point, the next command finds at worst an intent not carried out
	 * (all-multicast we meant to turn on), never a change it does not
	 * know about. Mode and options are read from the kernel anyway.
	 */
	if (!ret)
		ret = attach_record_intent(&c);
	if (!ret)
		ret = r->upgraded ? attach_update_link(&c) :
				    attach_create_link(&c);
	if (!ret)
		ret = attach_set_allmulti(&c);
	if (!ret)
		ret = attach_record(&c);
	attach_unwind(&c, ret);
	return ret;
}

/* Detaches even if someone else holds the link open; never a link
 * that is not ours. */
static int detach_link(const struct pin_dir *pd, const char *ifname)
{
	int fd, ret = 0;

	fd = pin_open_link(pd);
	if (fd == -EPERM) {
		pr_err("%s: %s/%s is not a link of ndpresponder's; refusing to "
		       "touch it",
		       ifname, pd->dir, PIN_LINK);
		return fd;
	}
	if (fd < 0)
		return 0;
	if (bpf_link_detach(fd) && errno != ENOLINK) {
		ret = -errno;
		pr_err("%s: couldn't detach the link: %s", ifname, errstr(ret));
	}
	close(fd);
	return ret;
}

int responder_detach(const char *ifname)
{
	struct ndpr_maps m = NDPR_MAPS_INIT;
	struct ndpr_state st = {};
	struct pin_dir pd;
	char now_name[IF_NAMESIZE];
	int ret, allmulti_err = 0;

	ret = pin_dir_init(&pd, ifname, 0);
	if (ret)
		return ret;
	if (!pin_dir_exists(&pd)) {
		pr_err("%s: not attached (no pins in %s)", ifname, pd.dir);
		ret = -ENOENT;
		goto out;
	}
	/* A migration cut short is finished first: the link is ours by the
	 * pinned ndpr_counters its program uses. */
	ret = pin_lock(&pd) ?: migrate_recover(&pd, ifname);
	if (ret)
		goto out;
	if (!maps_open_quiet(&pd, &m))
		maps_state_read(&m, &st);
	ret = detach_link(&pd, ifname);
	if (ret)
		goto out;
	/* By index: the interface may have been renamed since attach. */
	if ((st.flags & NDPR_STATE_ALLMULTI_SET) && st.ifindex &&
	    if_indextoname(st.ifindex, now_name))
		allmulti_err = iface_set_allmulti(now_name, false);
	/* The pins are gone either way; a flag left on is still a failure. */
	ret = pin_dir_remove(&pd) ?: allmulti_err;
out:
	maps_close(&m);
	pin_dir_close(&pd);
	return ret;
}

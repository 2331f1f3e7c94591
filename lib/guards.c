// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The control plane inserts only the guards that fall inside an answered
 * entry, so that a responder whose prefixes hold none of the host's
 * addresses (the usual /112) leaves ndpr_guards empty and the program
 * skips it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "guards.h"
#include "log.h"
#include "netlink.h"

const char *guard_kind_name(int kind)
{
	return kind == NDPR_GUARD_GATEWAY ? "gateway" : "own-address";
}

const char *conflict_how_name(int how)
{
	return how == NDPR_CONFLICT_NA ? "advertised" : "solicited-from";
}

/* Whether the live maps answer a, by their longest match. */
static bool answered(const struct ndpr_maps *m, const struct in6_addr *a)
{
	struct ndpr_prefix_key k = { .prefixlen = 128 };
	struct ndpr_prefix_val v;

	if (!bpf_map_lookup_elem(m->hosts, a, &v))
		return v.action == NDPR_ACT_ANSWER;
	memcpy(k.addr, a, sizeof(k.addr));
	return !bpf_map_lookup_elem(m->prefixes, &k, &v) &&
	       v.action == NDPR_ACT_ANSWER;
}

static bool covers(const struct prefix *p, const struct in6_addr *a)
{
	unsigned int full = p->len / 8, rest = p->len % 8;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));

	if (memcmp(&p->addr, a, full))
		return false;
	return !rest ||
	       ((p->addr.s6_addr[full] ^ a->s6_addr[full]) & mask) == 0;
}

struct guard_set {
	const struct ndpr_maps *m;
	const struct prefix_set *coming;
	struct guard_conflict *v; /* only addr and c.how (the kind) used */
	size_t n, cap;
	int err;
};

/* Answered now, or by the longest match among the entries coming. The
 * two together may say more than the maps will: harmless (an excluded
 * target is never answered anyway), and the refresh after the change
 * takes it back. */
static bool wanted(const struct guard_set *g, const struct in6_addr *a)
{
	const struct prefix *best = NULL;

	if (answered(g->m, a))
		return true;
	for (size_t i = 0; g->coming && i < g->coming->n; i++)
		if (covers(&g->coming->v[i], a) &&
		    (!best || g->coming->v[i].len > best->len))
			best = &g->coming->v[i];
	return best && best->action == NDPR_ACT_ANSWER;
}

static void guard_add(const struct in6_addr *a, int kind, void *arg)
{
	struct guard_set *g = arg;
	struct guard_conflict *nv;

	if (g->err || !wanted(g, a))
		return;
	for (size_t i = 0; i < g->n; i++)
		if (!memcmp(&g->v[i].addr, a, sizeof(*a)))
			return; /* an own address first, then gateways */
	if (g->n == g->cap) {
		g->cap = g->cap ? 2 * g->cap : 8;
		nv = realloc(g->v, g->cap * sizeof(*nv));
		if (!nv) {
			g->err = -ENOMEM;
			return;
		}
		g->v = nv;
	}
	g->v[g->n].addr = *a;
	g->v[g->n++].c.how = (__u8)kind;
}

static bool in_set(const struct guard_set *g, const void *key)
{
	for (size_t i = 0; i < g->n; i++)
		if (!memcmp(&g->v[i].addr, key, sizeof(g->v[i].addr)))
			return true;
	return false;
}

/* Inserts what is wanted (after clearing the map's empty flag), then
 * deletes what is not. */
static int guards_write(const struct ndpr_maps *m, const struct guard_set *g)
{
	struct ndpr_host_key key, next;
	void *cur = NULL;
	int ret = 0;

	if (g->n)
		ret = maps_empty_clear(m, EMPTY_GUARDS);
	for (size_t i = 0; i < g->n && !ret; i++) {
		struct ndpr_guard v = { .kind = g->v[i].c.how };

		if (bpf_map_update_elem(m->guards, &g->v[i].addr, &v, BPF_ANY))
			ret = -errno;
	}
	while (!ret && !bpf_map_get_next_key(m->guards, cur, &next)) {
		key = next;
		cur = &key;
		if (!in_set(g, &key) && !bpf_map_delete_elem(m->guards, &key))
			cur = NULL; /* deleted: start over */
	}
	return ret ?: maps_empty_refresh(m);
}

int guards_sync(const struct ndpr_maps *m, const char *ifname, int ifindex,
		__u8 cfg_flags, const struct prefix_set *coming, size_t *n)
{
	struct guard_set g = { .m = m, .coming = coming };
	int ret;

	ret = nl_uplink_guards(ifindex, cfg_flags & NDPR_CFG_GUARD_OWN,
			       cfg_flags & NDPR_CFG_GUARD_GATEWAY, guard_add,
			       &g);
	ret = ret ?: g.err;
	if (!ret)
		ret = guards_write(m, &g);
	if (ret)
		pr_err("%s: couldn't update the guarded addresses: %s", ifname,
		       errstr(ret));
	if (n)
		*n = g.n;
	free(g.v);
	return ret;
}

int guards_refresh(const struct ndpr_maps *m, const char *ifname,
		   const struct prefix_set *coming, size_t *n)
{
	struct ndpr_state st;
	int ret;

	ret = maps_state_read(m, &st);
	if (ret || !st.ifindex)
		return ret;
	return guards_sync(m, ifname, (int)st.ifindex, st.config.flags, coming,
			   n);
}

int guards_each(const struct ndpr_maps *m,
		void (*fn)(const struct in6_addr *a, int kind, void *arg),
		void *arg)
{
	struct ndpr_host_key key, next;
	struct ndpr_guard g;
	void *cur = NULL;

	while (!bpf_map_get_next_key(m->guards, cur, &next)) {
		key = next;
		cur = &key;
		if (!bpf_map_lookup_elem(m->guards, &key, &g))
			fn((struct in6_addr *)&key, g.kind, arg);
	}
	return errno == ENOENT ? 0 : -errno;
}

static int conflict_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct in6_addr));
}

int guards_conflicts(const struct ndpr_maps *m, struct guard_conflict **v,
		     size_t *n)
{
	struct ndpr_host_key key, next;
	struct guard_conflict *all = NULL, *nv;
	size_t cnt = 0, cap = 0;
	void *cur = NULL;

	while (!bpf_map_get_next_key(m->conflicts, cur, &next)) {
		key = next;
		cur = &key;
		if (cnt == cap) {
			cap = cap ? 2 * cap : 16;
			nv = realloc(all, cap * sizeof(*nv));
			if (!nv) {
				free(all);
				return -ENOMEM;
			}
			all = nv;
		}
		memcpy(&all[cnt].addr, &key, sizeof(key));
		/* Evicted or cleared in between: skipped. */
		if (!bpf_map_lookup_elem(m->conflicts, &key, &all[cnt].c))
			cnt++;
	}
	qsort(all, cnt, sizeof(*all), conflict_cmp);
	*v = all;
	*n = cnt;
	return 0;
}

int guards_conflict_clear(const struct ndpr_maps *m,
			  const struct in6_addr *addr)
{
	struct guard_conflict *v = NULL;
	size_t n = 0;
	int ret;

	if (addr) {
		ret = bpf_map_delete_elem(m->conflicts, addr) ? -errno : 0;
	} else {
		ret = guards_conflicts(m, &v, &n);
		for (size_t i = 0; i < n && !ret; i++)
			if (bpf_map_delete_elem(m->conflicts, &v[i].addr) &&
			    errno != ENOENT)
				ret = -errno;
		free(v);
	}
	/* A map seen empty is skipped again. */
	return ret ?: maps_empty_refresh(m);
}

int guards_conflict_logged(const struct ndpr_maps *m,
			   const struct guard_conflict *c)
{
	struct ndpr_conflict v = c->c;

	v.logged = 1;
	/* BPF_EXIST: a record cleared meanwhile stays cleared. */
	return bpf_map_update_elem(m->conflicts, &c->addr, &v, BPF_EXIST) ?
		       -errno :
		       0;
}

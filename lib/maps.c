// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "log.h"
#include "maps.h"
#include "sync_plan.h"

static int open_one(const struct pin_dir *pd, const char *name, int *fd)
{
	*fd = pin_open(pd, name);
	return *fd < 0 ? *fd : 0;
}

#define OPEN_VERBS(name) \
	if (!ret)        \
		ret = open_one(pd, NDPR_PIN(name), &m->name);
#define OPEN_READER(name)
#define OPEN(name, opener) OPEN_##opener(name)

int maps_open_quiet(const struct pin_dir *pd, struct ndpr_maps *m)
{
	int ret = 0;

	*m = (struct ndpr_maps)NDPR_MAPS_INIT;
	NDPR_MAPS(OPEN)
	if (ret)
		maps_close(m);
	return ret;
}

/* Whether the pin of this name is no map of ours: not a map, or a map
 * the program did not create (its name is the program's name for it). */
static bool pin_foreign(const struct pin_dir *pd, const char *name)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	bool foreign;
	int fd;

	if (!pin_exists(pd, name))
		return false;
	fd = pin_open(pd, name);
	if (fd < 0)
		return true;
	foreign = bpf_obj_get_info_by_fd(fd, &info, &len) ||
		  strncmp(info.name, name, sizeof(info.name) - 1);
	close(fd);
	return foreign;
}

#define FOREIGN(name, opener)                \
	if (pin_foreign(pd, NDPR_PIN(name))) \
		return NDPR_PIN(name);

const char *maps_foreign(const struct pin_dir *pd)
{
	NDPR_MAPS(FOREIGN)
	return NULL;
}
#undef FOREIGN

int maps_open_iface(const char *ifname, struct pin_dir *pd, struct ndpr_maps *m)
{
	int ret = pin_dir_init(pd, ifname, 0);

	return ret ?: maps_open(pd, ifname, m);
}

int maps_open(const struct pin_dir *pd, const char *ifname, struct ndpr_maps *m)
{
	int ret = maps_open_quiet(pd, m);

	if (ret == -ENOENT)
		pr_err("%s: not attached (no pins in %s)", ifname, pd->dir);
	else if (ret == -EPERM)
		pr_err("%s: %s holds pins that are not ndpresponder's; "
		       "refusing to touch them",
		       ifname, pd->dir);
	else if (ret)
		pr_err("%s: couldn't open the pinned maps in %s: %s", ifname,
		       pd->dir, errstr(ret));
	return ret;
}

#define CLOSE(name, opener)     \
	if (m->name >= 0)       \
		close(m->name); \
	m->name = -1;

void maps_close(struct ndpr_maps *m)
{
	NDPR_MAPS(CLOSE)
}

static void to_val(const struct prefix *p, struct ndpr_prefix_val *v)
{
	memset(v, 0, sizeof(*v));
	v->action = p->action;
	v->flags = p->flags;
	v->origin = p->origin;
}

static void to_lpm_key(const struct prefix *p, struct ndpr_prefix_key *k)
{
	k->prefixlen = p->len;
	memcpy(k->addr, &p->addr, sizeof(k->addr));
}

__u32 map_capacity(int fd)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.max_entries;
}

static int map_full(const struct ndpr_maps *m, const char *ifname, int fd)
{
	pr_err("%s: the %s map is full (%u entries); raise the limit with "
	       "'detach' then 'attach --max-prefixes N'",
	       ifname, fd == m->hosts ? "/128" : "prefix", map_capacity(fd));
	return -ENOSPC;
}

static bool map_empty(int fd)
{
	__u8 next[sizeof(struct ndpr_prefix_key)];

	return bpf_map_get_next_key(fd, NULL, next) && errno == ENOENT;
}

/*
 * Writes e. The program clears e->conflicts itself after inserting into
 * ndpr_conflicts, and that clear may have come between our read and this
 * write: a flag set here is checked against the map again afterwards.
 */
static int empty_write(const struct ndpr_maps *m, struct ndpr_empty *e)
{
	__u32 zero = 0;

	if (bpf_map_update_elem(m->empty, &zero, e, BPF_ANY))
		return -errno;
	if (!e->conflicts || map_empty(m->conflicts))
		return 0;
	e->conflicts = 0;
	return bpf_map_update_elem(m->empty, &zero, e, BPF_ANY) ? -errno : 0;
}

/* Before entries go into a map the program may skip, it must not. */
int maps_empty_clear(const struct ndpr_maps *m, unsigned int which)
{
	struct ndpr_empty e;
	__u32 zero = 0;

	if (bpf_map_lookup_elem(m->empty, &zero, &e))
		return -errno;
	if (!((which & EMPTY_HOSTS) && e.hosts) &&
	    !((which & EMPTY_PREFIXES) && e.prefixes) &&
	    !((which & EMPTY_GUARDS) && e.guards))
		return 0;
	if (which & EMPTY_HOSTS)
		e.hosts = 0;
	if (which & EMPTY_PREFIXES)
		e.prefixes = 0;
	if (which & EMPTY_GUARDS)
		e.guards = 0;
	return empty_write(m, &e);
}

int maps_empty_refresh(const struct ndpr_maps *m)
{
	struct ndpr_empty e = {};
	__u32 zero = 0;

	/* The four flags only: what the readers keep beside them (monitor
	 * --all's lease, the refill's generation and rate) is not ours. */
	bpf_map_lookup_elem(m->empty, &zero, &e);
	e.hosts = map_empty(m->hosts);
	e.prefixes = map_empty(m->prefixes);
	e.guards = map_empty(m->guards);
	e.conflicts = map_empty(m->conflicts);
	return empty_write(m, &e);
}

static int prefix_write(const struct ndpr_maps *m, const char *ifname,
			const struct prefix *p)
{
	struct ndpr_prefix_val v;
	struct ndpr_prefix_key k;
	int fd, ret;

	to_val(p, &v);
	if (p->len == 128) {
		fd = m->hosts;
		ret = bpf_map_update_elem(fd, &p->addr, &v, BPF_ANY);
	} else {
		fd = m->prefixes;
		to_lpm_key(p, &k);
		ret = bpf_map_update_elem(fd, &k, &v, BPF_ANY);
	}
	if (ret && (errno == E2BIG || errno == ENOSPC))
		return map_full(m, ifname, fd);
	if (ret) {
		ret = -errno;
		pr_err("%s: couldn't update the prefix map: %s", ifname,
		       errstr(ret));
	}
	return ret;
}

int maps_prefix_update(const struct ndpr_maps *m, const char *ifname,
		       const struct prefix *p)
{
	int ret = maps_empty_clear(m, p->len == 128 ? EMPTY_HOSTS :
						      EMPTY_PREFIXES);

	if (ret) {
		pr_err("%s: couldn't update ndpr_empty: %s", ifname,
		       errstr(ret));
		return ret;
	}
	return prefix_write(m, ifname, p);
}

static int prefix_remove(const struct ndpr_maps *m, const struct prefix *p)
{
	struct ndpr_prefix_key k;

	if (p->len == 128)
		return bpf_map_delete_elem(m->hosts, &p->addr) ? -errno : 0;
	to_lpm_key(p, &k);
	return bpf_map_delete_elem(m->prefixes, &k) ? -errno : 0;
}

int maps_prefix_delete(const struct ndpr_maps *m, const struct prefix *p)
{
	int ret = prefix_remove(m, p);

	/* A map seen empty is no longer looked up. */
	if (!ret)
		maps_empty_refresh(m);
	return ret;
}

/* Every entry of one prefix map: keys are a bare address in the /128
 * hash, prefixlen + address in the trie. */
static int dump_map(int fd, bool trie, struct prefix_set *out)
{
	struct ndpr_prefix_key key, next;
	struct ndpr_prefix_val v;
	const __u8 *addr = trie ? key.addr : (const __u8 *)&key;
	struct prefix p = {};
	void *cur = NULL;
	int ret;

	while (!bpf_map_get_next_key(fd, cur, &next)) {
		key = next;
		cur = &key;
		if (bpf_map_lookup_elem(fd, &key, &v))
			continue; /* deleted under us */
		memcpy(&p.addr, addr, sizeof(p.addr));
		p.len = trie ? (uint8_t)key.prefixlen : 128;
		p.action = v.action;
		p.flags = v.flags;
		p.origin = v.origin;
		ret = prefix_set_add(out, &p);
		if (ret)
			return ret;
	}
	return errno == ENOENT ? 0 : -errno;
}

int maps_prefix_dump(const struct ndpr_maps *m, struct prefix_set *out)
{
	int ret = dump_map(m->hosts, false, out);

	if (!ret)
		ret = dump_map(m->prefixes, true, out);
	if (ret)
		pr_err("couldn't read the prefix maps: %s", errstr(ret));
	prefix_set_sort(out);
	return ret;
}

static int sync_mark(const struct ndpr_maps *m, bool partial)
{
	struct ndpr_state st;
	int ret = maps_state_read(m, &st);

	if (ret)
		return ret;
	if (!!(st.flags & NDPR_STATE_SYNC_PARTIAL) == partial)
		return 0;
	st.flags ^= NDPR_STATE_SYNC_PARTIAL;
	return maps_state_write(m, &st);
}

bool maps_sync_partial(const struct ndpr_maps *m)
{
	struct ndpr_state st;

	return !maps_state_read(m, &st) && (st.flags & NDPR_STATE_SYNC_PARTIAL);
}

/* Says why sync_plan_make refused, in one line. */
static void plan_refused(const char *ifname, const struct sync_plan *plan,
			 const uint32_t cap[SYNC_MAPS], int err)
{
	char buf[PREFIX_STRLEN];

	if (err == -EINVAL) {
		prefix_format(&plan->conflict, buf, sizeof(buf));
		pr_err("%s is given twice, differently", buf);
	} else if (err == -ENOSPC) {
		pr_err("%s: that needs %zu %s entries, the map holds %u; "
		       "raise the limit with 'detach' then 'attach "
		       "--max-prefixes N'",
		       ifname, plan->need,
		       plan->full == SYNC_MAP_HOSTS ? "/128" : "prefix",
		       cap[plan->full]);
	}
}

static int step_remove(const struct ndpr_maps *m, const char *ifname,
		       const struct prefix *p)
{
	char buf[PREFIX_STRLEN];
	int ret = prefix_remove(m, p);

	if (ret && ret != -ENOENT) {
		prefix_format(p, buf, sizeof(buf));
		pr_err("%s: couldn't remove %s: %s", ifname, buf, errstr(ret));
		return ret;
	}
	return 0;
}

/* Carries the steps out in their order. */
static int plan_apply(const struct ndpr_maps *m, const char *ifname,
		      const struct sync_plan *plan, struct sync_result *res,
		      struct prefix_set *removed)
{
	int ret;

	/* Killed in the middle, a sync leaves a mix of old and new: the
	 * mark tells the next command to say so; the next sync repairs. */
	ret = sync_mark(m, true);
	if (!ret)
		ret = maps_empty_clear(
			m, (plan->writes[SYNC_MAP_HOSTS] ? EMPTY_HOSTS : 0) |
				   (plan->writes[SYNC_MAP_PREFIXES] ?
					    EMPTY_PREFIXES :
					    0));
	for (size_t i = 0; i < plan->n && !ret; i++) {
		const struct sync_step *st = &plan->steps[i];

		if (st->op != SYNC_REMOVE) {
			ret = prefix_write(m, ifname, &st->p);
			continue;
		}
		ret = step_remove(m, ifname, &st->p);
		if (!ret)
			res->removed++;
		if (!ret && removed)
			ret = prefix_set_add(removed, &st->p);
	}
	if (!ret && plan->count[SYNC_REMOVE])
		maps_empty_refresh(m);
	return ret;
}

/* Says once per origin which entries an exclude hides, until that
 * changes: a resync every 30 s must not repeat it. */
static void plan_hidden(const char *ifname, const struct sync_plan *plan,
			uint16_t origin)
{
	static struct {
		size_t n;
		struct prefix first;
	} said[NDPR_MAX_ORIGINS];
	char p[PREFIX_STRLEN], x[PREFIX_STRLEN];

	if (origin >= NDPR_MAX_ORIGINS)
		return;
	if (said[origin].n == plan->hidden &&
	    (!plan->hidden ||
	     !prefix_cmp(&said[origin].first, &plan->hidden_first)))
		return;
	said[origin].n = plan->hidden;
	said[origin].first = plan->hidden_first;
	if (!plan->hidden)
		return;
	prefix_format(&plan->hidden_first, p, sizeof(p));
	prefix_format(&plan->hidden_by, x, sizeof(x));
	pr_err("%s: %s is inside the exclude %s, so it is not answered (%zu "
	       "entr%s so)",
	       ifname, p, x, plan->hidden, plan->hidden == 1 ? "y" : "ies");
}

/* The plan of making origin's entries equal to want; said why if not. */
static int plan_origin(const struct ndpr_maps *m, const char *ifname,
		       struct prefix_set *want, uint16_t origin,
		       struct sync_plan *plan)
{
	uint32_t cap[SYNC_MAPS] = {
		[SYNC_MAP_PREFIXES] = map_capacity(m->prefixes),
		[SYNC_MAP_HOSTS] = map_capacity(m->hosts),
	};
	struct prefix_set have = {};
	int ret;

	ret = maps_prefix_dump(m, &have);
	if (!ret) {
		ret = sync_plan_make(&have, want, origin, cap, plan);
		if (ret)
			plan_refused(ifname, plan, cap, ret);
	}
	prefix_set_free(&have);
	return ret;
}

int maps_prefix_plan_static(const struct ndpr_maps *m, const char *ifname,
			    struct prefix_set *want, struct sync_plan *plan)
{
	return plan_origin(m, ifname, want, 0, plan);
}

static int sync_origin(const struct ndpr_maps *m, const char *ifname,
		       struct prefix_set *want, uint16_t origin,
		       bool may_remove, struct sync_result *res,
		       struct prefix_set *added, struct prefix_set *removed)
{
	struct sync_plan plan;
	int ret;

	memset(res, 0, sizeof(*res));
	ret = plan_origin(m, ifname, want, origin, &plan);
	if (ret)
		return ret;
	res->kept = plan.kept;
	res->changed = plan.count[SYNC_CHANGE];
	if (!may_remove && plan.count[SYNC_REMOVE]) {
		res->removed = plan.count[SYNC_REMOVE];
		ret = -ENOTEMPTY; /* the caller says why */
		goto out_plan;
	}
	plan_hidden(ifname, &plan, origin);
	if (plan.n)
		ret = plan_apply(m, ifname, &plan, res, removed);
	/* Also when there was nothing to do: that repairs a cut sync. */
	if (!ret)
		ret = sync_mark(m, false);
	if (!ret)
		res->added = plan.count[SYNC_ADD];
	for (size_t i = 0; added && i < plan.n && !ret; i++)
		if (plan.steps[i].op == SYNC_ADD)
			ret = prefix_set_add(added, &plan.steps[i].p);
out_plan:
	sync_plan_free(&plan);
	return ret;
}

int maps_prefix_sync(const struct ndpr_maps *m, const char *ifname,
		     struct prefix_set *want, uint16_t origin,
		     struct sync_result *res, struct prefix_set *added)
{
	return sync_origin(m, ifname, want, origin, true, res, added, NULL);
}

int maps_prefix_sync_static(const struct ndpr_maps *m, const char *ifname,
			    struct prefix_set *want, bool may_remove,
			    struct sync_result *res, struct prefix_set *removed)
{
	return sync_origin(m, ifname, want, 0, may_remove, res, NULL, removed);
}

/* The hash's entry for the /128 p, into h; false if none. */
static bool host_entry(const struct ndpr_maps *m, const struct prefix *p,
		       struct prefix *h)
{
	struct ndpr_prefix_val v;

	if (bpf_map_lookup_elem(m->hosts, &p->addr, &v))
		return false;
	*h = (struct prefix){ .addr = p->addr,
			      .len = 128,
			      .action = v.action,
			      .flags = v.flags,
			      .origin = v.origin };
	return true;
}

static void key_hidden(const char *ifname, const struct prefix *p,
		       const struct prefix *by)
{
	char a[PREFIX_STRLEN], x[PREFIX_STRLEN];

	prefix_format(p, a, sizeof(a));
	prefix_format(by, x, sizeof(x));
	pr_err("%s: %s is inside the exclude %s, so it is not answered", ifname,
	       a, x);
}

/* One key's step; the key goes to added or removed (may be NULL) if one
 * was carried out. */
static int key_step(const struct ndpr_maps *m, const char *ifname,
		    const struct prefix *p, bool wanted, uint16_t origin,
		    const struct prefix_set *ex, struct sync_result *res,
		    struct prefix_set *added, struct prefix_set *removed)
{
	struct prefix want = *p, h, by;
	bool there = host_entry(m, p, &h);
	enum sync_key_op op;
	int ret = 0;

	want.len = 128;
	want.origin = origin;
	op = sync_key_plan(there ? &h : NULL, &want, wanted, origin, ex, &by);
	if (op == SYNC_KEY_HIDDEN || (wanted && op == SYNC_KEY_REMOVE))
		key_hidden(ifname, &want, &by);
	switch (op) {
	case SYNC_KEY_KEEP:
		res->kept++;
		break;
	case SYNC_KEY_REMOVE:
		ret = step_remove(m, ifname, &want);
		if (!ret)
			res->removed++;
		if (!ret && removed)
			ret = prefix_set_add(removed, &want);
		break;
	case SYNC_KEY_CHANGE:
		ret = prefix_write(m, ifname, &want);
		if (!ret)
			res->changed++;
		break;
	case SYNC_KEY_ADD:
		ret = prefix_write(m, ifname, &want);
		if (!ret)
			res->added++;
		if (!ret && added)
			ret = prefix_set_add(added, &want);
		break;
	default:
		break;
	}
	return ret;
}

/* The trie's excludes, of every origin but origin. */
static int trie_excludes(const struct ndpr_maps *m, uint16_t origin,
			 struct prefix_set *ex)
{
	struct prefix_set all = {};
	int ret = dump_map(m->prefixes, true, &all);

	for (size_t i = 0; i < all.n && !ret; i++)
		if (all.v[i].action == NDPR_ACT_EXCLUDE &&
		    all.v[i].origin != origin)
			ret = prefix_set_add(ex, &all.v[i]);
	prefix_set_free(&all);
	return ret;
}

int maps_prefix_apply(const struct ndpr_maps *m, const char *ifname,
		      const struct prefix_set *add,
		      const struct prefix_set *del, uint16_t origin,
		      struct sync_result *res, struct prefix_set *added,
		      struct prefix_set *removed)
{
	struct prefix_set ex = {};
	int ret;

	memset(res, 0, sizeof(*res));
	ret = add->n ? trie_excludes(m, origin, &ex) : 0;
	if (ret)
		pr_err("couldn't read the prefix maps: %s", errstr(ret));
	/* A batch killed in the middle is said, as a whole sync's is. */
	if (!ret)
		ret = sync_mark(m, true);
	for (size_t i = 0; i < del->n && !ret; i++)
		ret = key_step(m, ifname, &del->v[i], false, origin, &ex, res,
			       added, removed);
	if (!ret && res->removed)
		ret = maps_empty_refresh(m);
	if (!ret && add->n)
		ret = maps_empty_clear(m, EMPTY_HOSTS);
	for (size_t i = 0; i < add->n && !ret; i++)
		ret = key_step(m, ifname, &add->v[i], true, origin, &ex, res,
			       added, removed);
	if (!ret)
		ret = sync_mark(m, false);
	prefix_set_free(&ex);
	return ret;
}

int maps_origin_set(const struct ndpr_maps *m, uint16_t origin,
		    const char *name)
{
	struct ndpr_origin o = {};
	__u32 key = origin;

	if (!origin || origin >= NDPR_MAX_ORIGINS)
		return -ERANGE;
	snprintf(o.name, sizeof(o.name), "%s", name);
	return bpf_map_update_elem(m->origins, &key, &o, BPF_ANY) ? -errno : 0;
}

void maps_origin_name(const struct ndpr_maps *m, uint16_t origin, char *buf,
		      size_t len)
{
	struct ndpr_origin o = {};
	__u32 key = origin;

	if (!origin) {
		snprintf(buf, len, "static");
		return;
	}
	if (m->origins < 0 || bpf_map_lookup_elem(m->origins, &key, &o) ||
	    !o.name[0])
		snprintf(buf, len, "dynamic-%u", origin);
	else
		snprintf(buf, len, "%s", o.name);
}

int maps_origin_find(const struct ndpr_maps *m, const char *name)
{
	struct ndpr_origin o;
	int free_slot = -1;

	for (__u32 key = 1; key < NDPR_MAX_ORIGINS; key++) {
		if (bpf_map_lookup_elem(m->origins, &key, &o))
			return -errno;
		if (!strncmp(o.name, name, sizeof(o.name)))
			return (int)key;
		if (!o.name[0] && free_slot < 0)
			free_slot = (int)key;
	}
	if (free_slot < 0)
		return -ENOSPC;
	return maps_origin_set(m, (uint16_t)free_slot, name) ?: free_slot;
}

int maps_state_read(const struct ndpr_maps *m, struct ndpr_state *st)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(m->state, &zero, st) ? -errno : 0;
}

int maps_state_write(const struct ndpr_maps *m, const struct ndpr_state *st)
{
	__u32 zero = 0;

	return bpf_map_update_elem(m->state, &zero, st, BPF_ANY) ? -errno : 0;
}

/* Each CPU's refusals that a later refill followed, into its suppressed
 * events: what ndpr_suppressed() says, from the refill generation in
 * ndpr_empty (empty_fd). */
static void fold_refused(int empty_fd, struct ndpr_counters *v, int n)
{
	struct ndpr_empty e;
	__u32 zero = 0;

	if (!bpf_map_lookup_elem(empty_fd, &zero, &e))
		for (int cpu = 0; cpu < n; cpu++)
			v[cpu].events_suppressed =
				ndpr_suppressed(&v[cpu], e.events_gen);
}

int counters_read(int fd, int empty_fd, struct ndpr_counters *sum,
		  struct ndpr_counters *per_cpu, int *ncpus)
{
	int n = libbpf_num_possible_cpus();
	struct ndpr_counters *v;
	__u32 zero = 0;
	int ret = 0;

	if (n < 0)
		return n;
	v = calloc((size_t)n, sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, &zero, v)) {
		ret = -errno;
		goto out;
	}
	if (empty_fd >= 0)
		fold_refused(empty_fd, v, n);
	memset(sum, 0, sizeof(*sum));
	for (int cpu = 0; cpu < n; cpu++)
		for (int i = 0; i <= NDPR_C_MAX; i++) /* + events_suppressed */
			*ndpr_counter(sum, i) += ndpr_counter_val(&v[cpu], i);
	if (per_cpu)
		memcpy(per_cpu, v, (size_t)n * sizeof(*v));
	if (ncpus)
		*ncpus = n;
out:
	free(v);
	return ret;
}

#define COUNTER_NAME(name) #name,
static const char *const counter_names[] = { NDPR_COUNTERS(COUNTER_NAME) };
#undef COUNTER_NAME

const char *counter_key(int idx)
{
	return idx < 0 || idx >= NDPR_C_MAX ? "?" : counter_names[idx];
}

const char *counter_name(int idx)
{
	static char names[NDPR_C_MAX][40];

	if (idx < 0 || idx >= NDPR_C_MAX)
		return "?";
	if (!names[idx][0]) {
		snprintf(names[idx], sizeof(names[idx]), "%s",
			 counter_names[idx]);
		for (char *c = names[idx]; *c; c++)
			if (*c == '_')
				*c = '-';
	}
	return names[idx];
}

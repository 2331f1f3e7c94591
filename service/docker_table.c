// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Linear scans: a few thousand entries of 100 octets are scanned in
 * microseconds, far below the cost of the API request behind each change.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "docker_table.h"

void docker_table_free(struct docker_table *t)
{
	free(t->v);
	free(t->gone);
	free(t->touched);
	memset(t, 0, sizeof(*t));
}

static int grow(struct docker_ent **v, size_t n, size_t *cap)
{
	size_t c = *cap ? *cap * 2 : 64;
	struct docker_ent *nv;

	if (n < *cap)
		return 0;
	nv = realloc(*v, c * sizeof(*nv));
	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = c;
	return 0;
}

static const struct docker_ent *find(const struct docker_table *t, int net,
				     const char *id)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].net == net && !strcmp(t->v[i].id, id))
			return &t->v[i];
	return NULL;
}

struct docker_ent *docker_table_find(struct docker_table *t, int net,
				     const char *id)
{
	return (struct docker_ent *)find(t, net, id);
}

/* A new entry at the end of v (n, cap its count and size). */
static struct docker_ent *append(struct docker_ent **v, size_t *n, size_t *cap,
				 int net, const char *id, uint64_t gen)
{
	struct docker_ent *e;

	if (grow(v, *n, cap))
		return NULL;
	e = &(*v)[(*n)++];
	memset(e, 0, sizeof(*e));
	memcpy(e->id, id, strnlen(id, DOCKER_ID_LEN - 1));
	e->net = net;
	e->gen = gen;
	return e;
}

/* The key net, p changed: for the owner's next flush. */
static void touch(struct docker_table *t, int net, const struct prefix *p)
{
	struct docker_ent *e =
		append(&t->touched, &t->ntouched, &t->captouched, net, "", 0);

	if (e)
		e->p = *p;
	else
		t->lost |= 1ull << net;
}

static int add(struct docker_table *t, int net, const char *id,
	       const struct prefix *p, uint64_t gen)
{
	struct docker_ent *e = append(&t->v, &t->n, &t->cap, net, id, gen);

	if (!e)
		return -ENOMEM;
	e->p = *p;
	return 0;
}

int docker_table_set(struct docker_table *t, int net, const char *id,
		     const struct prefix *p, bool *changed)
{
	struct docker_ent *e = docker_table_find(t, net, id);

	*changed = true;
	t->gen++;
	if (!e) {
		touch(t, net, p);
		return add(t, net, id, p, t->gen);
	}
	e->gen = t->gen;
	if (!memcmp(&e->p.addr, &p->addr, sizeof(p->addr))) {
		*changed = false;
		return 0;
	}
	touch(t, net, &e->p);
	touch(t, net, p);
	e->p = *p;
	e->announced = false;
	return 0;
}

/* A removal, remembered while a resync is in flight. */
static void note_gone(struct docker_table *t, const struct docker_ent *e)
{
	if (!t->recording || grow(&t->gone, t->ngone, &t->capgone))
		return; /* out of memory: the next resync repairs it */
	t->gone[t->ngone] = *e;
	t->gone[t->ngone++].gen = t->gen;
}

void docker_table_del(struct docker_table *t, int net, const char *id)
{
	t->gen++;
	for (size_t i = 0; i < t->n; i++) {
		struct docker_ent *e = &t->v[i];

		if ((net >= 0 && e->net != net) || strcmp(e->id, id))
			continue;
		touch(t, e->net, &e->p);
		note_gone(t, e);
		*e = t->v[--t->n];
		i--;
	}
}

static bool gone_since(const struct docker_table *t, int net, const char *id,
		       uint64_t since)
{
	for (size_t i = 0; i < t->ngone; i++)
		if (t->gone[i].net == net && t->gone[i].gen > since &&
		    !strcmp(t->gone[i].id, id))
			return true;
	return false;
}

int docker_table_resync(struct docker_table *t, int net,
			const struct prefix_set *addrs,
			const struct docker_ids *ids, uint64_t since)
{
	struct docker_ent *e;
	size_t i;

	/* What the reply lacks goes, unless an event set it since. */
	for (i = 0; i < t->n; i++) {
		bool listed = false;

		if (t->v[i].net != net || t->v[i].gen > since)
			continue;
		for (size_t j = 0; j < ids->n && !listed; j++)
			listed = !strcmp(ids->v[j], t->v[i].id);
		if (!listed) {
			t->v[i] = t->v[--t->n];
			i--;
		}
	}
	for (i = 0; i < addrs->n; i++) {
		if (gone_since(t, net, ids->v[i], since))
			continue;
		e = docker_table_find(t, net, ids->v[i]);
		if (!e) {
			if (add(t, net, ids->v[i], &addrs->v[i], 0))
				return -ENOMEM;
		} else if (e->gen <= since &&
			   memcmp(&e->p.addr, &addrs->v[i].addr,
				  sizeof(e->p.addr))) {
			e->p = addrs->v[i];
			e->announced = false;
		}
	}
	return 0;
}

/* Whether a reply's entry other than k gives out k's address. */
static bool listed_twice(const struct prefix_set *addrs, size_t k)
{
	for (size_t i = 0; i < addrs->n; i++)
		if (i != k && !memcmp(&addrs->v[i].addr, &addrs->v[k].addr,
				      sizeof(addrs->v[k].addr)))
			return true;
	return false;
}

static enum docker_early early_one(const struct docker_table *t, int net,
				   const struct prefix_set *addrs,
				   const struct docker_ids *ids, uint64_t since,
				   const char *id, struct prefix *addr)
{
	size_t k;

	if (find(t, net, id))
		return DOCKER_EARLY_KNOWN;
	if (gone_since(t, net, id, since))
		return DOCKER_EARLY_GONE;
	for (k = 0; k < ids->n && strcmp(ids->v[k], id); k++)
		;
	if (k == ids->n)
		return DOCKER_EARLY_UNLISTED;
	*addr = addrs->v[k];
	if (listed_twice(addrs, k) || docker_table_has(t, net, &addr->addr))
		return DOCKER_EARLY_TAKEN;
	return DOCKER_EARLY_TAKE;
}

void docker_table_early(const struct docker_table *t, int net,
			const struct prefix_set *addrs,
			const struct docker_ids *ids, uint64_t since,
			const char *const *waiting, size_t n,
			enum docker_early *verdict, struct prefix *addr)
{
	for (size_t i = 0; i < n; i++)
		verdict[i] = early_one(t, net, addrs, ids, since, waiting[i],
				       &addr[i]);
}

bool docker_table_has(const struct docker_table *t, int net,
		      const struct in6_addr *a)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].net == net &&
		    !memcmp(&t->v[i].p.addr, a, sizeof(*a)))
			return true;
	return false;
}

int docker_table_addrs(const struct docker_table *t, int net,
		       struct prefix_set *out)
{
	int ret = 0;

	for (size_t i = 0; i < t->n && !ret; i++)
		if (t->v[i].net == net)
			ret = prefix_set_add(out, &t->v[i].p);
	return ret;
}

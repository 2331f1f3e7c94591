// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ndpresponder.h"
#include "sync_plan.h"

/* Room for n steps. */
static int reserve(struct sync_plan *plan, size_t n)
{
	size_t cap = plan->cap ? plan->cap : 64;
	struct sync_step *v;

	if (n <= plan->cap)
		return 0;
	while (cap < n)
		cap *= 2;
	v = realloc(plan->steps, cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	plan->steps = v;
	plan->cap = cap;
	return 0;
}

static int plan_add(struct sync_plan *plan, enum sync_op op,
		    const struct prefix *p)
{
	int ret = reserve(plan, plan->n + 1);

	if (ret)
		return ret;
	plan->steps[plan->n].op = op;
	plan->steps[plan->n].p = *p;
	plan->n++;
	plan->count[op]++;
	if (op != SYNC_REMOVE)
		plan->writes[sync_map_of(p)] = true;
	return 0;
}

void sync_plan_free(struct sync_plan *plan)
{
	free(plan->steps);
	plan->steps = NULL;
	plan->n = plan->cap = 0;
	memset(plan->count, 0, sizeof(plan->count));
	memset(plan->writes, 0, sizeof(plan->writes));
}

static bool same_entry(const struct prefix *a, const struct prefix *b)
{
	return a->action == b->action && a->flags == b->flags;
}

/* Tags, sorts and drops repeated entries; two different entries for one
 * prefix are an error. */
static int dedup(struct prefix_set *s, uint16_t origin, struct prefix *bad)
{
	size_t i, n = 0;

	for (i = 0; i < s->n; i++)
		s->v[i].origin = origin;
	prefix_set_sort(s);
	for (i = 0; i < s->n; i++) {
		if (n && !prefix_cmp(&s->v[n - 1], &s->v[i])) {
			if (!same_entry(&s->v[n - 1], &s->v[i])) {
				*bad = s->v[i];
				return -EINVAL;
			}
			continue;
		}
		s->v[n++] = s->v[i];
	}
	s->n = n;
	return 0;
}

/* The excludes in force after the sync: want's, and other origins'. */
static int excludes_of(const struct prefix_set *have,
		       const struct prefix_set *want, uint16_t origin,
		       struct prefix_set *ex)
{
	int ret = 0;

	for (size_t i = 0; i < want->n && !ret; i++)
		if (want->v[i].action == NDPR_ACT_EXCLUDE)
			ret = prefix_set_add(ex, &want->v[i]);
	for (size_t i = 0; i < have->n && !ret; i++)
		if (have->v[i].action == NDPR_ACT_EXCLUDE &&
		    have->v[i].origin != origin)
			ret = prefix_set_add(ex, &have->v[i]);
	return ret;
}

/* Counts p as hidden if an exclude of ex covers it. */
static bool hidden(const struct prefix_set *ex, const struct prefix *p,
		   struct sync_plan *plan)
{
	if (p->action != NDPR_ACT_ANSWER)
		return false;
	for (size_t i = 0; i < ex->n; i++) {
		if (!prefix_covers(&ex->v[i], p))
			continue;
		if (!plan->hidden++) {
			plan->hidden_first = *p;
			plan->hidden_by = ex->v[i];
		}
		return true;
	}
	return false;
}

/* Drops from want what an exclude hides. */
static void drop_hidden(struct prefix_set *want, const struct prefix_set *ex,
			struct sync_plan *plan)
{
	size_t n = 0;

	for (size_t i = 0; i < want->n; i++)
		if (!hidden(ex, &want->v[i], plan))
			want->v[n++] = want->v[i];
	want->n = n;
}

size_t sync_hide(struct prefix_set *s, struct prefix *first, struct prefix *by)
{
	const struct prefix_set none = {};
	struct sync_plan plan = {};
	struct prefix_set ex = {};

	/* Without memory for the excludes, nothing is hidden: the sync's
	 * own plan fails then, and says so. */
	if (excludes_of(&none, s, 0, &ex)) {
		prefix_set_free(&ex);
		return 0;
	}
	drop_hidden(s, &ex, &plan);
	prefix_set_free(&ex);
	if (plan.hidden && first)
		*first = plan.hidden_first;
	if (plan.hidden && by)
		*by = plan.hidden_by;
	return plan.hidden;
}

/* The first exclude of s (not hidden itself) holding p, if p answers. */
static const struct prefix *exclude_over(const struct prefix_set *s,
					 const struct prefix *p)
{
	if (p->action != NDPR_ACT_ANSWER)
		return NULL;
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].action == NDPR_ACT_EXCLUDE &&
		    prefix_covers(&s->v[i], p))
			return &s->v[i];
	return NULL;
}

bool sync_adds_hidden(const struct prefix_set *have,
		      const struct prefix_set *add, struct prefix *p,
		      struct prefix *by)
{
	const struct prefix *x;

	for (size_t i = 0; i < add->n; i++) {
		x = exclude_over(have, &add->v[i]) ?:
			    exclude_over(add, &add->v[i]);
		if (x) {
			*p = add->v[i];
			*by = *x;
			return true;
		}
	}
	for (size_t i = 0; i < have->n; i++) {
		x = exclude_over(add, &have->v[i]);
		if (x) {
			*p = have->v[i];
			*by = *x;
			return true;
		}
	}
	return false;
}

/* The exclude that hides p, if any: p's own key, an exclude of another
 * origin, or one of ex covering it. */
static const struct prefix *key_hider(const struct prefix *have,
				      const struct prefix *p, uint16_t origin,
				      const struct prefix_set *ex)
{
	if (p->action != NDPR_ACT_ANSWER)
		return NULL;
	if (have && have->action == NDPR_ACT_EXCLUDE && have->origin != origin)
		return have;
	for (size_t i = 0; i < ex->n; i++)
		if (ex->v[i].action == NDPR_ACT_EXCLUDE &&
		    ex->v[i].origin != origin && prefix_covers(&ex->v[i], p))
			return &ex->v[i];
	return NULL;
}

enum sync_key_op sync_key_plan(const struct prefix *have,
			       const struct prefix *p, bool wanted,
			       uint16_t origin, const struct prefix_set *ex,
			       struct prefix *by)
{
	bool ours = have && have->origin == origin;
	const struct prefix *x = wanted ? key_hider(have, p, origin, ex) : NULL;

	if (x)
		*by = *x;
	if (!wanted || x)
		return ours ? SYNC_KEY_REMOVE :
		       x    ? SYNC_KEY_HIDDEN :
			      SYNC_KEY_NONE;
	if (ours)
		return same_entry(have, p) ? SYNC_KEY_KEEP : SYNC_KEY_CHANGE;
	/* Another origin's entry is taken over, a static one never. */
	return have && have->origin == 0 && origin ? SYNC_KEY_KEEP :
						     SYNC_KEY_ADD;
}

/* The entry of have for p, if any. */
static const struct prefix *find(const struct prefix_set *have,
				 const struct prefix *p)
{
	return bsearch(p, have->v, have->n, sizeof(*p), prefix_cmp);
}

/*
 * What origin has and what it wants, as a merge of two sorted lists: an
 * entry of origin no longer wanted is removed, one wanted differently is
 * changed, one not there is added, unless a static entry holds it, which
 * another origin never takes over. Steps go to plan in want's order,
 * removals to gone; a static sync also removes other origins' entries
 * that an exclude hides.
 */
static int merge(const struct prefix_set *have, const struct prefix_set *want,
		 uint16_t origin, const struct prefix_set *ex,
		 struct sync_plan *plan, struct prefix_set *gone)
{
	const struct prefix *h;
	size_t i;
	int ret = 0;

	for (i = 0; i < want->n && !ret; i++) {
		h = find(have, &want->v[i]);
		if (h && h->origin == origin && same_entry(h, &want->v[i]))
			plan->kept++;
		else if (h && h->origin == origin)
			ret = plan_add(plan, SYNC_CHANGE, &want->v[i]);
		else if (h && h->origin == 0 && origin)
			plan->kept++;
		else
			ret = plan_add(plan, SYNC_ADD, &want->v[i]);
	}
	for (i = 0; i < have->n && !ret; i++) {
		h = &have->v[i];
		if ((h->origin == origin && !find(want, h)) ||
		    (!origin && h->origin && hidden(ex, h, plan)))
			ret = prefix_set_add(gone, h);
	}
	return ret;
}

/*
 * Whether removals must come first: adds before removals need room for
 * both at once, removals first only for the end state. -ENOSPC when even
 * that does not fit.
 */
static int order(const struct prefix_set *have, const struct prefix_set *gone,
		 const uint32_t cap[SYNC_MAPS], struct sync_plan *plan)
{
	size_t now[SYNC_MAPS] = {}, add[SYNC_MAPS] = {}, del[SYNC_MAPS] = {};
	size_t i;
	int k;

	for (i = 0; i < have->n; i++)
		now[sync_map_of(&have->v[i])]++;
	for (i = 0; i < gone->n; i++)
		del[sync_map_of(&gone->v[i])]++;
	for (i = 0; i < plan->n; i++)
		if (plan->steps[i].op == SYNC_ADD)
			add[sync_map_of(&plan->steps[i].p)]++;
	plan->removals_first = false;
	for (k = 0; k < SYNC_MAPS; k++) {
		if (now[k] - del[k] + add[k] > cap[k]) {
			plan->full = (enum sync_map)k;
			plan->need = now[k] - del[k] + add[k];
			return -ENOSPC;
		}
		if (now[k] + add[k] > cap[k])
			plan->removals_first = true;
	}
	return 0;
}

/* Puts the removals before or after the writes already in plan. */
static int place_removals(struct sync_plan *plan, const struct prefix_set *gone)
{
	size_t at = plan->removals_first ? 0 : plan->n, i;
	int ret = reserve(plan, plan->n + gone->n);

	if (ret)
		return ret;
	memmove(&plan->steps[at + gone->n], &plan->steps[at],
		(plan->n - at) * sizeof(*plan->steps));
	for (i = 0; i < gone->n; i++) {
		plan->steps[at + i].op = SYNC_REMOVE;
		plan->steps[at + i].p = gone->v[i];
	}
	plan->n += gone->n;
	plan->count[SYNC_REMOVE] = gone->n;
	return 0;
}

int sync_plan_make(const struct prefix_set *have, struct prefix_set *want,
		   uint16_t origin, const uint32_t cap[SYNC_MAPS],
		   struct sync_plan *plan)
{
	struct prefix_set gone = {}, ex = {};
	int ret;

	memset(plan, 0, sizeof(*plan));
	ret = dedup(want, origin, &plan->conflict);
	if (!ret)
		ret = excludes_of(have, want, origin, &ex);
	if (!ret) {
		drop_hidden(want, &ex, plan);
		ret = merge(have, want, origin, &ex, plan, &gone);
	}
	/* Normally adds and changes first, removals last, so that nothing
	 * kept is ever missing; removals first only when the maps could
	 * not hold both, and nothing at all when the end state won't fit. */
	if (!ret)
		ret = order(have, &gone, cap, plan);
	if (!ret)
		ret = place_removals(plan, &gone);
	prefix_set_free(&gone);
	prefix_set_free(&ex);
	if (ret)
		sync_plan_free(plan); /* keeps why */
	return ret;
}

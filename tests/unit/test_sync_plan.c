// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The prefix sync planner (lib/sync_plan.c) on sets made up here: what it
 * adds, changes and removes, in which order, what it leaves to a static
 * entry, and what it refuses. No maps: the plan is a pure function.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ndpresponder.h"
#include "harness.h"
#include "prefix.h"
#include "sync_plan.h"

#define BIG    1000
#define DOCKER 5 /* a dynamic origin */

static const uint32_t roomy[SYNC_MAPS] = { BIG, BIG };

/* "2001:db8::/64", or "x 2001:db8::/64" for an exclude, or with a
 * trailing " r" for a route-checked entry. */
static struct prefix entry(const char *s, uint16_t origin)
{
	struct prefix p = { .action = NDPR_ACT_ANSWER, .origin = origin };
	char buf[64], err[128], *r;

	snprintf(buf, sizeof(buf), "%s", s);
	if (!strncmp(buf, "x ", 2)) {
		p.action = NDPR_ACT_EXCLUDE;
		memmove(buf, buf + 2, strlen(buf + 2) + 1);
	}
	r = strstr(buf, " r");
	if (r) {
		p.flags = NDPR_PF_ROUTE_CHECK;
		*r = '\0';
	}
	if (prefix_parse(buf, 0, &p, err, sizeof(err))) {
		fprintf(stderr, "bad test entry %s: %s\n", s, err);
		exit(2);
	}
	return p;
}

/* A set of entries of one origin, NULL-terminated. */
static void set_of(struct prefix_set *s, uint16_t origin, const char *const *v)
{
	struct prefix p;

	for (; *v; v++) {
		p = entry(*v, origin);
		if (prefix_set_add(s, &p))
			exit(2);
	}
}

static const char *op_name(enum sync_op op)
{
	return op == SYNC_ADD ? "add" : op == SYNC_CHANGE ? "change" : "remove";
}

/* The plan as "add P, remove P, ...", for messages and comparisons. */
static void plan_str(const struct sync_plan *plan, char *buf, size_t len)
{
	char p[PREFIX_STRLEN];
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < plan->n && off < len; i++) {
		prefix_format(&plan->steps[i].p, p, sizeof(p));
		off += (size_t)snprintf(buf + off, len - off, "%s%s %s",
					i ? ", " : "",
					op_name(plan->steps[i].op), p);
	}
}

static bool contains(const struct prefix_set *s, const struct prefix *p)
{
	for (size_t i = 0; i < s->n; i++)
		if (!prefix_cmp(&s->v[i], p))
			return true;
	return false;
}

/*
 * Carries the plan out on a copy of have and checks, after every step,
 * that each wanted entry that was there at the start still is: no target
 * that stays loses its answer during the sync.
 */
static bool never_missing(const struct prefix_set *have,
			  const struct prefix_set *want,
			  const struct sync_plan *plan, char *why, size_t len)
{
	struct prefix_set cur = {};
	bool ok = true;
	size_t i, j;

	for (i = 0; i < have->n; i++)
		prefix_set_add(&cur, &have->v[i]);
	for (i = 0; i < plan->n && ok; i++) {
		const struct sync_step *st = &plan->steps[i];

		for (j = 0; j < cur.n && prefix_cmp(&cur.v[j], &st->p); j++)
			;
		if (st->op == SYNC_REMOVE && j < cur.n)
			cur.v[j] = cur.v[--cur.n];
		else if (st->op != SYNC_REMOVE && j == cur.n)
			prefix_set_add(&cur, &st->p);
		for (j = 0; j < have->n && ok; j++) {
			if (!contains(want, &have->v[j]) ||
			    contains(&cur, &have->v[j]))
				continue;
			prefix_format(&have->v[j], why, len);
			ok = false;
		}
	}
	prefix_set_free(&cur);
	return ok;
}

struct plan_case {
	const char *name;
	const char *have[8]; /* static entries in the maps */
	const char *dyn[8];  /* entries of DOCKER in the maps */
	const char *want[8];
	uint16_t origin;	 /* whose entries want sets */
	uint32_t cap[SYNC_MAPS]; /* 0: roomy */
	int ret;
	const char *steps; /* the plan, in order */
	size_t kept;
	bool removals_first;
	size_t hidden; /* answered entries an exclude hides */
};

static const struct plan_case cases[] = {
	{ "empty to full",
	  .want = { "2001:db8:1::/64", "x 2001:db8:1::1", "2001:db8:2::/96 r" },
	  .steps = "add 2001:db8:1::/64, add 2001:db8:1::1/128, "
		   "add 2001:db8:2::/96" },
	{ "full to empty",
	  .have = { "2001:db8:1::/64", "x 2001:db8:1::1", "2001:db8:2::/96" },
	  .steps = "remove 2001:db8:1::/64, remove 2001:db8:1::1/128, "
		   "remove 2001:db8:2::/96" },
	{ "nothing to do", .have = { "2001:db8:1::/64", "2001:db8:2::/96 r" },
	  .want = { "2001:db8:2::/96 r", "2001:db8:1::/64" }, .steps = "",
	  .kept = 2 },
	{ "replace: change and add first, remove last",
	  .have = { "2001:db8:1::/64", "2001:db8:2::/96", "2001:db8:9::/64" },
	  .want = { "2001:db8:3::/64", "2001:db8:2::/96 r", "2001:db8:1::/64" },
	  .steps = "change 2001:db8:2::/96, add 2001:db8:3::/64, "
		   "remove 2001:db8:9::/64",
	  .kept = 1 },
	{ "an exclude that becomes an answer is a change",
	  .have = { "x 2001:db8:1::5" }, .want = { "2001:db8:1::5" },
	  .steps = "change 2001:db8:1::5/128" },
	{ "dynamic origin never takes a static entry",
	  .have = { "2001:db8:1::5" },
	  .want = { "2001:db8:1::5", "2001:db8:1::6" }, .origin = DOCKER,
	  .steps = "add 2001:db8:1::6/128", .kept = 1 },
	{ "dynamic origin removing what a static entry holds leaves it",
	  .have = { "2001:db8:1::5" }, .dyn = { "2001:db8:1::7" },
	  .origin = DOCKER, .steps = "remove 2001:db8:1::7/128" },
	{ "static sync leaves the dynamic entries alone",
	  .have = { "2001:db8:1::/64" }, .dyn = { "2001:db8:1::7" },
	  .steps = "remove 2001:db8:1::/64" },
	{ "static sync takes over a dynamic entry", .dyn = { "2001:db8:1::7" },
	  .want = { "2001:db8:1::7" }, .steps = "add 2001:db8:1::7/128" },
	{ "duplicates that agree count once",
	  .want = { "2001:db8:1::/64", "2001:db8:1::/64", "2001:db8:1::1",
		    "2001:db8:1::1/128" },
	  .steps = "add 2001:db8:1::/64, add 2001:db8:1::1/128" },
	{ "duplicates that differ are refused", .have = { "2001:db8:9::/64" },
	  .want = { "2001:db8:1::/64", "x 2001:db8:1::/64" }, .ret = -EINVAL,
	  .steps = "" },
	{ "end state over capacity changes nothing",
	  .have = { "2001:db8:1::/64", "2001:db8:2::/64" },
	  .want = { "2001:db8:1::/64", "2001:db8:2::/64", "2001:db8:3::/64" },
	  .cap = { 2, BIG }, .ret = -ENOSPC, .steps = "" },
	{ "/128 over capacity changes nothing", .have = { "2001:db8:1::/64" },
	  .want = { "2001:db8:1::1", "2001:db8:1::2" }, .cap = { BIG, 1 },
	  .ret = -ENOSPC, .steps = "" },
	{ "full map: removals first when both won't fit at once",
	  .have = { "2001:db8:1::/64", "2001:db8:2::/64" },
	  .want = { "2001:db8:2::/64", "2001:db8:3::/64" }, .cap = { 2, BIG },
	  .steps = "remove 2001:db8:1::/64, add 2001:db8:3::/64", .kept = 1,
	  .removals_first = true },
	{ "excludes win: a Docker /128 inside a static exclude is not added",
	  .have = { "2001:db8:1::/64", "x 2001:db8:1::100:0/120" },
	  .want = { "2001:db8:1::100:5", "2001:db8:1::200:5" },
	  .origin = DOCKER, .steps = "add 2001:db8:1::200:5/128", .hidden = 1 },
	{ "excludes win: a static /128 inside the file's own exclude",
	  .want = { "2001:db8:1::100:5", "x 2001:db8:1::100:0/120",
		    "2001:db8:1::/64" },
	  .steps = "add 2001:db8:1::/64, add 2001:db8:1::100:0/120",
	  .hidden = 1 },
	{ "excludes win: a longer answered prefix inside an exclude",
	  .want = { "x 2001:db8:1::/96", "2001:db8:1::100:0/120 r" },
	  .steps = "add 2001:db8:1::/96", .hidden = 1 },
	{ "excludes win: a new static exclude removes the Docker entries in it",
	  .have = { "2001:db8:1::/64" },
	  .dyn = { "2001:db8:1::100:5", "2001:db8:1::300:5" },
	  .want = { "2001:db8:1::/64", "x 2001:db8:1::100:0/120" },
	  .steps = "add 2001:db8:1::100:0/120, remove 2001:db8:1::100:5/128",
	  .kept = 1, .hidden = 1 },
	{ "excludes win: a Docker sync removes its own entry an exclude hides",
	  .have = { "x 2001:db8:1::100:0/120" }, .dyn = { "2001:db8:1::100:5" },
	  .want = { "2001:db8:1::100:5" }, .origin = DOCKER,
	  .steps = "remove 2001:db8:1::100:5/128", .hidden = 1 },
	{ "excludes win: a shorter answered prefix is carved, not hidden",
	  .want = { "2001:db8:1::/64", "x 2001:db8:1::/96" },
	  .steps = "add 2001:db8:1::/64, add 2001:db8:1::/96" },
	{ "excludes win: an exclude the sync removes hides nothing",
	  .have = { "x 2001:db8:1::100:0/120" },
	  .want = { "2001:db8:1::100:5" },
	  .steps = "add 2001:db8:1::100:5/128, remove 2001:db8:1::100:0/120" },
	{ "exactly full at the peak: removals still last",
	  .have = { "2001:db8:1::/64" }, .want = { "2001:db8:3::/64" },
	  .cap = { 2, BIG },
	  .steps = "add 2001:db8:3::/64, remove 2001:db8:1::/64" },
};

static void run_case(const struct plan_case *tc)
{
	struct prefix_set have = {}, want = {};
	char name[160], got[1024], why[PREFIX_STRLEN] = "";
	const uint32_t *cap = tc->cap[0] ? tc->cap : roomy;
	struct sync_plan plan;
	int ret;

	snprintf(name, sizeof(name), "sync plan: %s", tc->name);
	set_of(&have, 0, tc->have);
	set_of(&have, DOCKER, tc->dyn);
	prefix_set_sort(&have);
	set_of(&want, tc->origin, tc->want);

	ret = sync_plan_make(&have, &want, tc->origin, cap, &plan);
	plan_str(&plan, got, sizeof(got));
	if (!CHECK(name, ret == tc->ret, "returned %d, want %d", ret,
		   tc->ret) ||
	    !CHECK(name, !strcmp(got, tc->steps), "plan \"%s\", want \"%s\"",
		   got, tc->steps) ||
	    !CHECK(name, ret || plan.kept == tc->kept, "kept %zu, want %zu",
		   plan.kept, tc->kept) ||
	    !CHECK(name, ret || plan.removals_first == tc->removals_first,
		   "removals_first %d", plan.removals_first) ||
	    !CHECK(name, ret || plan.hidden == tc->hidden,
		   "hidden %zu, want %zu", plan.hidden, tc->hidden) ||
	    !CHECK(name,
		   ret || never_missing(&have, &want, &plan, why, sizeof(why)),
		   "%s has no entry in the middle of the sync", why))
		goto out;
	harness_result(1, name, "%s", "");
out:
	sync_plan_free(&plan);
	prefix_set_free(&have);
	prefix_set_free(&want);
}

/* What a refusal says, for the caller's one line. */
static void check_refusals(void)
{
	const char *name = "sync plan: a refusal names the prefix and the map";
	struct prefix_set have = {}, want = {};
	const uint32_t cap[SYNC_MAPS] = { BIG, 1 };
	struct prefix dup = entry("2001:db8:1::/64", 0);
	struct sync_plan plan;
	bool ok;

	set_of(&want, 0,
	       (const char *[]){ "2001:db8:1::/64", "x 2001:db8:1::/64",
				 NULL });
	ok = CHECK(name,
		   sync_plan_make(&have, &want, 0, cap, &plan) == -EINVAL &&
			   !prefix_cmp(&plan.conflict, &dup),
		   "no conflict named");
	sync_plan_free(&plan);
	prefix_set_free(&want);

	set_of(&want, 0,
	       (const char *[]){ "2001:db8:1::1", "2001:db8:1::2",
				 "2001:db8:1::3", NULL });
	ok = ok &&
	     CHECK(name,
		   sync_plan_make(&have, &want, 0, cap, &plan) == -ENOSPC &&
			   plan.full == SYNC_MAP_HOSTS && plan.need == 3,
		   "full %d, need %zu: want the /128 map, 3", plan.full,
		   plan.need);
	sync_plan_free(&plan);
	prefix_set_free(&want);
	if (ok)
		harness_result(1, name, "%s", "");
}

/* The entry an exclude hides and the exclude, for the caller's one line;
 * sync_hide applies the same rule to one set (attach's command line). */
static void check_hidden_named(void)
{
	const char *name =
		"sync plan: a hidden entry is named with its exclude";
	const char *const v[] = { "2001:db8:1::/64", "x 2001:db8:1::100:0/120",
				  "2001:db8:1::100:7", "2001:db8:1::100:5",
				  NULL };
	struct prefix first = entry("2001:db8:1::100:5", 0);
	struct prefix by = entry("x 2001:db8:1::100:0/120", 0);
	struct prefix_set have = {}, want = {};
	struct prefix f, b;
	struct sync_plan plan;
	size_t n;
	bool ok;

	set_of(&want, 0, v);
	ok = CHECK(name,
		   !sync_plan_make(&have, &want, 0, roomy, &plan) &&
			   plan.hidden == 2 &&
			   !prefix_cmp(&plan.hidden_first, &first) &&
			   !prefix_cmp(&plan.hidden_by, &by) && want.n == 2,
		   "hidden %zu, want 2 (::100:5 first, by the /120)",
		   plan.hidden);
	sync_plan_free(&plan);
	prefix_set_free(&want);
	set_of(&want, 0, v);
	n = sync_hide(&want, &f, &b);
	first = entry("2001:db8:1::100:7", 0); /* in the set's order */
	ok = ok && CHECK(name,
			 n == 2 && want.n == 2 && !prefix_cmp(&b, &by) &&
				 !prefix_cmp(&f, &first),
			 "sync_hide: %zu hidden, %zu left", n, want.n);
	prefix_set_free(&want);
	if (ok)
		harness_result(1, name, "%s", "");
}

/* What an attach adds to the maps there, checked before it adds. */
static void check_adds_hidden(void)
{
	static const struct {
		const char *add;
		bool hidden;
	} adds[] = {
		{ "2001:db8:1::300:5", false }, /* outside every exclude */
		{ "2001:db8:1::100:5", true },	/* under the exclude there */
		{ "x 2001:db8:1::200:0/120", true }, /* over the /128 there */
	};
	const char *name = "sync plan: an attach that adds an entry an "
			   "exclude hides is found";
	struct prefix_set have = {};
	struct prefix p, by;
	bool ok = true;

	set_of(&have, 0,
	       (const char *[]){ "2001:db8:1::/64", "x 2001:db8:1::100:0/120",
				 "2001:db8:1::200:5", NULL });
	for (size_t i = 0; i < sizeof(adds) / sizeof(adds[0]) && ok; i++) {
		struct prefix_set add = {};
		bool got;

		set_of(&add, 0, (const char *[]){ adds[i].add, NULL });
		got = sync_adds_hidden(&have, &add, &p, &by);
		ok = CHECK(name,
			   got == adds[i].hidden &&
				   (!got || (p.len == 128 && by.len == 120)),
			   "adding %s: hidden %d", adds[i].add, got);
		prefix_set_free(&add);
	}
	prefix_set_free(&have);
	if (ok)
		harness_result(1, name, "%s", "");
}

/* want comes back tagged with the origin, sorted and without repeats. */
static void check_want_normalised(void)
{
	const char *name = "sync plan: want tagged, sorted, deduplicated";
	struct prefix_set have = {}, want = {};
	struct sync_plan plan;

	set_of(&want, 0,
	       (const char *[]){ "2001:db8:2::/64", "2001:db8:1::/64",
				 "2001:db8:2::/64", NULL });
	sync_plan_make(&have, &want, DOCKER, roomy, &plan);
	if (CHECK(name,
		  want.n == 2 && want.v[0].origin == DOCKER &&
			  want.v[1].origin == DOCKER &&
			  prefix_cmp(&want.v[0], &want.v[1]) < 0 &&
			  plan.count[SYNC_ADD] == 2 &&
			  plan.steps[0].p.origin == DOCKER,
		  "%zu entries", want.n))
		harness_result(1, name, "%s", "");
	sync_plan_free(&plan);
	prefix_set_free(&want);
}

/* The entries of s after the step: p written (replacing its key) or its
 * key removed. */
static void step_do(struct prefix_set *s, enum sync_op op,
		    const struct prefix *p)
{
	size_t j;

	for (j = 0; j < s->n && prefix_cmp(&s->v[j], p); j++)
		;
	if (op == SYNC_REMOVE) {
		if (j < s->n)
			s->v[j] = s->v[--s->n];
	} else if (j < s->n) {
		s->v[j] = *p;
	} else if (prefix_set_add(s, p)) {
		exit(2);
	}
	prefix_set_sort(s);
}

/* have after a whole sync of origin to want (a copy of it). */
static int full_sync(struct prefix_set *have, const struct prefix_set *want,
		     uint16_t origin)
{
	struct prefix_set w = {};
	struct sync_plan plan;
	int ret;

	for (size_t i = 0; i < want->n; i++)
		if (prefix_set_add(&w, &want->v[i]))
			exit(2);
	prefix_set_sort(have);
	ret = sync_plan_make(have, &w, origin, roomy, &plan);
	for (size_t i = 0; !ret && i < plan.n; i++)
		step_do(have, plan.steps[i].op, &plan.steps[i].p);
	sync_plan_free(&plan);
	prefix_set_free(&w);
	return ret;
}

/* have after sync_key_plan's step for p. */
static void key_sync(struct prefix_set *have, const struct prefix *p,
		     bool wanted, const struct prefix_set *ex)
{
	const struct prefix *h = NULL;
	struct prefix by;

	for (size_t j = 0; j < have->n && !h; j++)
		if (!prefix_cmp(&have->v[j], p))
			h = &have->v[j];
	switch (sync_key_plan(h, p, wanted, DOCKER, ex, &by)) {
	case SYNC_KEY_ADD:
	case SYNC_KEY_CHANGE:
		step_do(have, SYNC_ADD, p);
		break;
	case SYNC_KEY_REMOVE:
		step_do(have, SYNC_REMOVE, p);
		break;
	default:
		break;
	}
}

static bool same_entries(const struct prefix *a, const struct prefix *b)
{
	return !prefix_cmp(a, b) && a->origin == b->origin &&
	       a->action == b->action && a->flags == b->flags;
}

/* Whether a and b are equal (only in k, when k is given). */
static bool same_sets(const struct prefix_set *a, const struct prefix_set *b,
		      const struct prefix *k)
{
	const struct prefix *x = NULL, *y = NULL;

	if (!k && a->n != b->n)
		return false;
	for (size_t i = 0; !k && i < a->n; i++)
		if (!same_entries(&a->v[i], &b->v[i]))
			return false;
	for (size_t i = 0; k && i < a->n; i++)
		x = prefix_cmp(&a->v[i], k) ? x : &a->v[i];
	for (size_t i = 0; k && i < b->n; i++)
		y = prefix_cmp(&b->v[i], k) ? y : &b->v[i];
	return !k || (!x && !y) || (x && y && same_entries(x, y));
}

/* A random world: static entries and excludes, another origin's /128s,
 * some of DOCKER's, in the maps; DOCKER's set. */
static void random_world(unsigned int *seed, struct prefix_set *have,
			 struct prefix_set *set)
{
	static const char *const pool[] = {
		"2001:db8::1",	 "2001:db8::2",	     "2001:db8::3",
		"2001:db8::4",	 "2001:db8::5",	     "2001:db8::9",
		"x 2001:db8::3", "x 2001:db8::/126", "x 2001:db8::8/125",
		"2001:db8::/64", "2001:db8::4 r",
	};
	const size_t n = sizeof(pool) / sizeof(pool[0]);
	static const uint16_t origins[] = { 0, DOCKER, DOCKER + 1 };
	struct prefix p;

	for (size_t i = 0; i < n; i++) {
		uint16_t o = origins[rand_r(seed) % 3];

		p = entry(pool[i], o);
		if (rand_r(seed) % 2 && (p.len == 128 || o == 0) &&
		    (p.action == NDPR_ACT_ANSWER || o != DOCKER) &&
		    prefix_set_add(have, &p))
			exit(2);
		p = entry(pool[i], DOCKER);
		if (p.len == 128 && p.action == NDPR_ACT_ANSWER && !p.flags &&
		    rand_r(seed) % 2 && prefix_set_add(set, &p))
			exit(2);
	}
	/* One entry per key, as in the maps. */
	prefix_set_sort(have);
	for (size_t i = 1; i < have->n; i++)
		if (!prefix_cmp(&have->v[i - 1], &have->v[i]))
			have->v[i--] = have->v[--have->n];
	prefix_set_sort(have);
}

/*
 * sync_key_plan against sync_plan_make: one key of DOCKER's set added or
 * removed ends the same by either, in every random world tried; from
 * maps a whole sync left, so do all the other entries. Half the worlds
 * are not such maps (an exclude added by hand since, say), and there
 * the whole sync changes other keys too: only k is compared.
 */
static void check_key_plan(void)
{
	const char *name = "sync plan: one key's step ends where a whole "
			   "sync does";
	unsigned int seed = 14;
	char why[200] = "";
	bool ok = true;

	for (int it = 0; it < 3000 && ok; it++) {
		struct prefix_set have = {}, set = {}, key = {}, ex = {};
		struct prefix k = entry(
			(const char *[]){ "2001:db8::1", "2001:db8::2",
					  "2001:db8::3", "2001:db8::4",
					  "2001:db8::9" }[rand_r(&seed) % 5],
			DOCKER);
		bool wanted = rand_r(&seed) % 2, whole = rand_r(&seed) % 2;
		size_t j;

		random_world(&seed, &have, &set);
		ok = !whole || !full_sync(&have, &set, DOCKER);
		for (j = 0; j < set.n && prefix_cmp(&set.v[j], &k); j++)
			;
		if (wanted && j == set.n && prefix_set_add(&set, &k))
			exit(2);
		if (!wanted && j < set.n)
			set.v[j] = set.v[--set.n];
		for (size_t i = 0; i < have.n; i++)
			if (have.v[i].len < 128 &&
			    prefix_set_add(&ex, &have.v[i]))
				exit(2);
		for (size_t i = 0; i < have.n; i++)
			if (prefix_set_add(&key, &have.v[i]))
				exit(2);
		key_sync(&key, &k, wanted, &ex);
		ok = ok && !full_sync(&have, &set, DOCKER);
		ok = CHECK(name,
			   ok && same_sets(&have, &key, whole ? NULL : &k),
			   "iteration %d: %s %s: %zu entries by a whole sync, "
			   "%zu by the key's step",
			   it, wanted ? "adding" : "removing",
			   (prefix_format(&k, why, sizeof(why)), why), have.n,
			   key.n);
		prefix_set_free(&have);
		prefix_set_free(&set);
		prefix_set_free(&key);
		prefix_set_free(&ex);
	}
	if (ok)
		harness_result(1, name, "%s", "");
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
	check_refusals();
	check_hidden_named();
	check_adds_hidden();
	check_want_normalised();
	check_key_plan();
	return harness_exit();
}

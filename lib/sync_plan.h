/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The plan of a prefix sync: which entries of one origin to add, change
 * and remove, in which order, and whether the end state fits the maps.
 * Pure (no maps, no messages), so that maps_prefix_sync only carries it
 * out and tests/unit/test_sync_plan.c can check every rule of it.
 */
#ifndef NDPR_SYNC_PLAN_H
#define NDPR_SYNC_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prefix.h"

enum sync_op {
	SYNC_ADD,    /* a new entry */
	SYNC_CHANGE, /* an entry of this origin, with a new action or flags */
	SYNC_REMOVE, /* an entry of this origin that is not wanted */
	SYNC_OPS
};

struct sync_step {
	enum sync_op op;
	struct prefix p;
};

/* The prefix map an entry goes in: the /128 hash, or the LPM trie. */
enum sync_map {
	SYNC_MAP_PREFIXES,
	SYNC_MAP_HOSTS,
	SYNC_MAPS
};

struct sync_plan {
	struct sync_step *steps; /* in the order to carry them out */
	size_t n, cap;
	size_t count[SYNC_OPS]; /* steps of each kind */
	size_t kept;		/* wanted and already there (or static's) */
	bool removals_first;	/* else every removal comes last */
	bool writes[SYNC_MAPS]; /* the map gets an add or a change */

	/* Answered entries inside an exclude: never installed, and removed
	 * if there (a static sync removes those of every origin). */
	size_t hidden;
	struct prefix hidden_first, hidden_by; /* the first, and its exclude */

	/* Why sync_plan_make failed. */
	struct prefix conflict; /* -EINVAL: wanted twice, differently */
	enum sync_map full;	/* -ENOSPC: the map that would overflow */
	size_t need;		/* -ENOSPC: the entries it would need */
};

static inline enum sync_map sync_map_of(const struct prefix *p)
{
	return p->len == 128 ? SYNC_MAP_HOSTS : SYNC_MAP_PREFIXES;
}

/*
 * Plans making the entries of origin in have (both maps, every origin,
 * sorted by prefix_cmp) equal to want. want is tagged with origin, sorted
 * and rid of its duplicates in place; duplicates that differ are -EINVAL.
 * Excludes win: an answered entry inside an exclude (of want, or of
 * another origin in have) is dropped from want and counted in hidden, as
 * the data path would otherwise answer it (the /128 hash comes first, and
 * the longest prefix wins in the trie).
 * cap is the capacity of each map; an end state that does not fit is
 * -ENOSPC, with no step planned. Else 0, or -ENOMEM.
 */
int sync_plan_make(const struct prefix_set *have, struct prefix_set *want,
		   uint16_t origin, const uint32_t cap[SYNC_MAPS],
		   struct sync_plan *plan);
/* Drops from s the answered entries inside one of its own excludes; how
 * many, with the first and its exclude in first and by (may be NULL). */
size_t sync_hide(struct prefix_set *s, struct prefix *first, struct prefix *by);
/* Whether adding add to have (nothing removed) leaves an answered entry
 * inside an exclude, of either: the first such entry in p, its exclude in
 * by. For an attach over a responder, which only adds. */
bool sync_adds_hidden(const struct prefix_set *have,
		      const struct prefix_set *add, struct prefix *p,
		      struct prefix *by);
/*
 * One /128 of origin at a time (Docker mode's events): the step that makes
 * key p (answered, of origin) wanted or not, by the rules of
 * sync_plan_make for that key alone, every other entry unchanged. have is
 * the map's entry for p (NULL if none); ex the trie's excludes (of any
 * origin but origin's own). A wanted p inside an exclude (or on an
 * exclude of another origin) is SYNC_KEY_HIDDEN, with the exclude in *by,
 * and an entry of origin there is then removed (SYNC_KEY_REMOVE, *by
 * set too); a static entry is never taken over (SYNC_KEY_KEEP), nor is an
 * entry of another origin removed (SYNC_KEY_NONE).
 */
enum sync_key_op {
	SYNC_KEY_NONE,	 /* nothing to do */
	SYNC_KEY_KEEP,	 /* wanted, and answered as wanted already */
	SYNC_KEY_HIDDEN, /* wanted, inside an exclude: not installed */
	SYNC_KEY_ADD,
	SYNC_KEY_CHANGE,
	SYNC_KEY_REMOVE,
};
enum sync_key_op sync_key_plan(const struct prefix *have,
			       const struct prefix *p, bool wanted,
			       uint16_t origin, const struct prefix_set *ex,
			       struct prefix *by);
/* Frees the steps; what says why a plan failed stays. */
void sync_plan_free(struct sync_plan *plan);

#endif

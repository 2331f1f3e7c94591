/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The pinned maps of an attached interface, and the prefix set in them. */
#ifndef NDPR_MAPS_H
#define NDPR_MAPS_H

#include "ndpresponder.h"
#include "pins.h"
#include "prefix.h"

/* One fd per map of NDPR_MAPS, -1 when not open. */
#define NDPR_MAP_FD(name, opener) int name;
struct ndpr_maps {
	NDPR_MAPS(NDPR_MAP_FD)
};
#undef NDPR_MAP_FD

#define NDPR_MAP_CLOSED(name, opener) .name = -1,
#define NDPR_MAPS_INIT                     \
	{                                  \
		NDPR_MAPS(NDPR_MAP_CLOSED) \
	}

/* The fds of a loaded skeleton's maps, which it owns: not to be closed. */
#define NDPR_MAP_OF_SKEL(name, opener) \
	maps_m__->name = bpf_map__fd(maps_skel__->maps.ndpr_##name);
#define maps_of_skel(m, skel)                          \
	do {                                           \
		struct ndpr_maps *maps_m__ = (m);      \
		__typeof__(skel) maps_skel__ = (skel); \
		NDPR_MAPS(NDPR_MAP_OF_SKEL)            \
	} while (0)

/* Opens the VERBS maps of pd; -ENOENT with "IFACE: not attached" when
 * absent. */
int maps_open(const struct pin_dir *pd, const char *ifname,
	      struct ndpr_maps *m);
/* pin_dir_init and maps_open for a command on an attached interface. */
int maps_open_iface(const char *ifname, struct pin_dir *pd,
		    struct ndpr_maps *m);
/* The same without a message. */
int maps_open_quiet(const struct pin_dir *pd, struct ndpr_maps *m);
/* The first pin of pd with a map's name that is no map of ours (foreign,
 * never to be touched), or NULL. */
const char *maps_foreign(const struct pin_dir *pd);
/* Closes what is open and marks it closed. */
void maps_close(struct ndpr_maps *m);

/* max_entries of a map, 0 if unknown. */
__u32 map_capacity(int fd);

/* Sets ndpr_empty from what the maps hold (after a load, a removal). */
int maps_empty_refresh(const struct ndpr_maps *m);
/* Marks the maps of which (EMPTY_*) as not empty, before an insert. */
#define EMPTY_HOSTS    (1u << 0)
#define EMPTY_PREFIXES (1u << 1)
#define EMPTY_GUARDS   (1u << 2)
int maps_empty_clear(const struct ndpr_maps *m, unsigned int which);

/* Adds or replaces one entry; -ENOSPC with a message when full. */
int maps_prefix_update(const struct ndpr_maps *m, const char *ifname,
		       const struct prefix *p);
/* -ENOENT when the entry is not there. */
int maps_prefix_delete(const struct ndpr_maps *m, const struct prefix *p);
/* Every entry, sorted. */
int maps_prefix_dump(const struct ndpr_maps *m, struct prefix_set *out);

struct sync_result {
	size_t added, changed, removed, kept;
};

/*
 * Makes the entries of the given origin equal to want (sorted or not; its
 * duplicates must agree). Adds and changes come first, removals last, and
 * no entry present in both sets is ever deleted, so no target that stays
 * is left unanswered, even for a moment. A static entry (origin 0) is
 * never taken over by another origin; a static sync takes over any.
 * What was added is appended to added, when given.
 */
int maps_prefix_sync(const struct ndpr_maps *m, const char *ifname,
		     struct prefix_set *want, uint16_t origin,
		     struct sync_result *res, struct prefix_set *added);
/*
 * The same for single keys of origin, without reading the maps: each /128
 * of del no longer wanted, each of add wanted (the two disjoint), the
 * other entries unchanged; what sync_key_plan says, key by key, with the
 * trie's excludes. Removals first (room for the adds); an add that does
 * not fit stops there with -ENOSPC and a message. What was added and
 * removed is appended to added and removed, when given; an entry an
 * exclude hides is said once.
 */
int maps_prefix_apply(const struct ndpr_maps *m, const char *ifname,
		      const struct prefix_set *add,
		      const struct prefix_set *del, uint16_t origin,
		      struct sync_result *res, struct prefix_set *added,
		      struct prefix_set *removed);
/*
 * The static sync of a prefix file; removed (or NULL) gets the entries it
 * removed, for the caller to name them. Unless may_remove, a plan that would
 * remove entries is refused with nothing changed: -ENOTEMPTY, with the
 * count in res->removed (a file with no entries must not empty the maps
 * by accident).
 */
int maps_prefix_sync_static(const struct ndpr_maps *m, const char *ifname,
			    struct prefix_set *want, bool may_remove,
			    struct sync_result *res,
			    struct prefix_set *removed);
/* The plan of that sync, carried out by nothing (prefix sync --dry-run);
 * sync_plan_free() it after a success. */
struct sync_plan;
int maps_prefix_plan_static(const struct ndpr_maps *m, const char *ifname,
			    struct prefix_set *want, struct sync_plan *plan);

/* Names origin (1..NDPR_MAX_ORIGINS-1), or reads its name ("" if none). */
int maps_origin_set(const struct ndpr_maps *m, uint16_t origin,
		    const char *name);
void maps_origin_name(const struct ndpr_maps *m, uint16_t origin, char *buf,
		      size_t len);
/* The origin named name, else a free one (named then); -ENOSPC if none. */
int maps_origin_find(const struct ndpr_maps *m, const char *name);

/* Whether a prefix sync was cut short (and no sync since repaired it). */
bool maps_sync_partial(const struct ndpr_maps *m);

int maps_state_read(const struct ndpr_maps *m, struct ndpr_state *st);
int maps_state_write(const struct ndpr_maps *m, const struct ndpr_state *st);

/* Counter values (of the map fd) summed over CPUs; per_cpu (ncpus
 * entries) may be NULL. events_suppressed includes the refusals a later
 * refill followed, its generation read from empty_fd (ndpr_empty);
 * empty_fd -1: without. */
int counters_read(int fd, int empty_fd, struct ndpr_counters *sum,
		  struct ndpr_counters *per_cpu, int *ncpus);
/* "passed-no-match" for NDPR_C_passed_no_match. */
const char *counter_name(int idx);
/* The C name, snake_case: the counter's JSON key. */
const char *counter_key(int idx);

#endif

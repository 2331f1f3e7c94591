/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The guards of an attached responder: the control plane's half (the
 * uplink's own addresses and gateways, into ndpr_guards) and the conflicts
 * the program records in ndpr_conflicts.
 */
#ifndef NDPR_LIB_GUARDS_H
#define NDPR_LIB_GUARDS_H

#include <stddef.h>

#include "maps.h"
#include "prefix.h"

/*
 * Makes ndpr_guards the uplink's own addresses and gateways (as the
 * state record's guard flags ask) that fall inside an answered entry, or
 * inside an answered entry of coming (may be NULL): the entries about to
 * be added, guarded before they answer. *n (may be NULL): how many.
 */
int guards_refresh(const struct ndpr_maps *m, const char *ifname,
		   const struct prefix_set *coming, size_t *n);
/* The same for the uplink ifindex and the guards of cfg_flags. */
int guards_sync(const struct ndpr_maps *m, const char *ifname, int ifindex,
		__u8 cfg_flags, const struct prefix_set *coming, size_t *n);

/* Calls fn for each guarded address, with its enum ndpr_guard_kind. */
int guards_each(const struct ndpr_maps *m,
		void (*fn)(const struct in6_addr *a, int kind, void *arg),
		void *arg);

/* One recorded conflict. */
struct guard_conflict {
	struct in6_addr addr;
	struct ndpr_conflict c;
};

/* Every recorded conflict, sorted by address, into a malloc'd array. */
int guards_conflicts(const struct ndpr_maps *m, struct guard_conflict **v,
		     size_t *n);
/* Forgets the conflict for addr (all of them if NULL); -ENOENT if none. */
int guards_conflict_clear(const struct ndpr_maps *m,
			  const struct in6_addr *addr);
/* Marks c as logged, so that run warns once. */
int guards_conflict_logged(const struct ndpr_maps *m,
			   const struct guard_conflict *c);

const char *guard_kind_name(int kind);
const char *conflict_how_name(int how);

#endif

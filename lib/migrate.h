/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * An upgrade over pinned maps of another layout (value size, entry count,
 * flags): the new program gets fresh maps, the control plane's entries
 * are copied into them, the program is swapped under the same link, then
 * the new maps take the pins' names. Until the swap the old program and
 * pins are untouched, so any failure before it leaves them as they were.
 */
#ifndef NDPR_MIGRATE_H
#define NDPR_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>
#include <bpf/libbpf.h>

#include "maps.h"
#include "pins.h"

/* What a migration copied, for its log line. */
struct migrate_counts {
	size_t hosts, prefixes, guards, conflicts, origins;
};

/* Refuses, with one line and -EPROTO, pinned maps the control plane reads
 * (entries, guards, conflicts, origins, the record) whose type, key or
 * value layout this version does not know: never read, never guessed. */
int migrate_check_known(const struct pin_dir *pd, const char *ifname);
/* Whether a map pinned in pd differs from obj's definition (obj opened,
 * not loaded): the load would refuse to reuse it. */
bool migrate_needed(struct bpf_object *obj, const struct pin_dir *pd);
/* The load then creates every map afresh, reusing and pinning none. */
int migrate_unpin(struct bpf_object *obj);
/* Copies what the control plane owns from the pinned maps into the
 * fresh ones; refuses what the new maps cannot hold. */
int migrate_copy(const struct ndpr_maps *from, const struct ndpr_maps *to,
		 const char *ifname, struct migrate_counts *n);
/* Conflicts the old program recorded while the copy ran: after the swap. */
int migrate_copy_late(const struct ndpr_maps *from, const struct ndpr_maps *to,
		      struct migrate_counts *n);

/* Pins obj's maps under temporary names (NAME-PROG_ID), beside the old. */
int migrate_pin_new(const struct pin_dir *pd, struct bpf_object *obj,
		    __u32 prog_id, const char *ifname);
/* Removes those temporary pins (the swap did not happen). */
void migrate_unpin_new(const struct pin_dir *pd, __u32 prog_id);
/* Renames the temporary pins over the old ones, ndpr_counters first (a
 * link is ours when its program uses the pinned ndpr_counters). */
int migrate_rename(const struct pin_dir *pd, __u32 prog_id, const char *ifname);
/* A migration cut short leaves temporary pins: finished when the link
 * already runs their program, else removed. */
int migrate_recover(const struct pin_dir *pd, const char *ifname);

#endif

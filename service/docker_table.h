/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What Docker mode knows: each container's address on each followed
 * network, keyed by container ID, so that one event changes one entry
 * (an event costs the same with ten containers or ten thousand) and a
 * network's resync can be merged with the events that raced it.
 */
#ifndef NDPR_DOCKER_TABLE_H
#define NDPR_DOCKER_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "docker_json.h"
#include "prefix.h"

struct docker_ent {
	char id[DOCKER_ID_LEN];
	int net; /* index of the followed network */
	struct prefix p;
	uint64_t gen; /* the change that set it (or removed it, in gone) */
	bool announced;
};

struct docker_table {
	struct docker_ent *v;
	size_t n, cap;
	uint64_t gen; /* counts the changes made by events */
	/* Removals made while a resync is in flight: its reply is a
	 * snapshot from before them and must not bring them back. */
	struct docker_ent *gone;
	size_t ngone, capgone;
	bool recording;
	/* Each entry set, changed or removed since the last flush: its
	 * network and old or new address (id unused), for the owner to
	 * apply key by key; a bit per network whose list is incomplete
	 * (out of memory), to be applied whole. */
	struct docker_ent *touched;
	size_t ntouched, captouched;
	uint64_t lost;
};

void docker_table_free(struct docker_table *t);

/* Sets the container's address on net: true if it is new or changed. */
int docker_table_set(struct docker_table *t, int net, const char *id,
		     const struct prefix *p, bool *changed);
/* Removes the container's entry on net (all its entries for net -1). */
void docker_table_del(struct docker_table *t, int net, const char *id);
/* The entry of id on net, or NULL. */
struct docker_ent *docker_table_find(struct docker_table *t, int net,
				     const char *id);

/*
 * Replaces net's entries with a resync's reply (addrs and ids in step),
 * taken when the generation was since: entries events set after since
 * win over the reply, and containers they removed stay removed. Entries
 * new to the table are marked not announced.
 */
int docker_table_resync(struct docker_table *t, int net,
			const struct prefix_set *addrs,
			const struct docker_ids *ids, uint64_t since);

/* Whether a container has the address a on net. */
bool docker_table_has(const struct docker_table *t, int net,
		      const struct in6_addr *a);

/* What an early read (a network's reply, before a container's inspection
 * answers) may do for one waiting container. */
enum docker_early {
	DOCKER_EARLY_UNLISTED, /* not in the reply: the next read may list it */
	DOCKER_EARLY_TAKE,     /* its address: to be checked and set */
	DOCKER_EARLY_KNOWN,    /* already in the table: not the read's to say */
	DOCKER_EARLY_GONE,     /* removed since the read began */
	DOCKER_EARLY_TAKEN,    /* another container has that address */
};

/*
 * For each of the n waiting containers, what net's reply (addrs and ids in
 * step), taken when the generation was since, says of it: verdict[i], and
 * in addr[i] its address when TAKE or TAKEN. Only an exact ID is served;
 * an address the reply also gives another container, or that another
 * container of the table holds on net, is TAKEN: which is right is the
 * inspection's to say.
 */
void docker_table_early(const struct docker_table *t, int net,
			const struct prefix_set *addrs,
			const struct docker_ids *ids, uint64_t since,
			const char *const *waiting, size_t n,
			enum docker_early *verdict, struct prefix *addr);

/* net's addresses, into out. */
int docker_table_addrs(const struct docker_table *t, int net,
		       struct prefix_set *out);

#endif

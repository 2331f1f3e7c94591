/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Which entry answers for a target: the /128 hash, then the prefix trie. */
#ifndef NDPR_LOOKUP_H
#define NDPR_LOOKUP_H

#include "maps.h"

/*
 * Longest match over the /128 hash and the prefix trie, skipping a map
 * the control plane has left empty (empty: ndpr_empty, looked up by the
 * caller): prefix-only hosts pay no hash miss, container-only hosts no
 * trie walk.
 */
static __always_inline struct ndpr_prefix_val *
lookup_target(const struct in6_addr *t, const struct ndpr_empty *empty)
{
	struct ndpr_prefix_val *v;
	struct ndpr_prefix_key key;

	if (!empty || !empty->hosts) {
		v = bpf_map_lookup_elem(&ndpr_hosts, t);
		if (v)
			return v;
	}
	if (empty && empty->prefixes)
		return NULL;
	key.prefixlen = 128;
	__builtin_memcpy(key.addr, t, sizeof(key.addr));
	return bpf_map_lookup_elem(&ndpr_prefixes, &key);
}

#endif

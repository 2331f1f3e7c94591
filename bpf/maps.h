/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Every map of the responder, pinned by name under the interface's pin
 * directory so that an upgrade, `prefix` and `stats` find them. The loader
 * sets max_entries of the prefix maps from --max-prefixes.
 */
#ifndef NDPR_MAPS_H
#define NDPR_MAPS_H

#include "ndpresponder.h"

/*
 * NDPR_TEST_OLD_LAYOUT: maps of another layout, for the tests of an
 * upgrade across a layout change (tests/integration/migrate.sh):
 * ndpr_empty and ndpr_counters with other entry counts, ndpr_guards with room
 * for more guards than this version's, and ndpr_evtokens, a map this
 * version does not have. Values keep their sizes: the test build's
 * control plane reads them as this version's.
 */
#ifdef NDPR_TEST_OLD_LAYOUT
#define NDPR_EMPTY_MAX	  2
#define NDPR_COUNTERS_MAX 2
#define NDPR_GUARDS_MAX	  (4 * NDPR_MAX_GUARDS)
#else
#define NDPR_EMPTY_MAX	  1
#define NDPR_COUNTERS_MAX 1
#define NDPR_GUARDS_MAX	  NDPR_MAX_GUARDS
#endif

/* /128 entries, exact match: looked up first, being the longest match. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, NDPR_DEFAULT_MAX_PREFIXES);
	__type(key, struct ndpr_host_key);
	__type(value, struct ndpr_prefix_val);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ndpr_hosts SEC(".maps");

/* Prefixes shorter than /128, longest-prefix match. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, NDPR_DEFAULT_MAX_PREFIXES);
	__type(key, struct ndpr_prefix_key);
	__type(value, struct ndpr_prefix_val);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ndpr_prefixes SEC(".maps");

/* Which of the two prefix maps are known empty (set by the control plane),
 * and monitor --all's lease. Mappable: monitor writes the lease in place,
 * never the whole value, so it cannot put back a stale "known empty" that
 * would skip a map just filled. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, NDPR_EMPTY_MAX);
	__type(key, __u32);
	__type(value, struct ndpr_empty);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ndpr_empty SEC(".maps");

/* One outcome counter per packet, per CPU; summed by `stats`. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NDPR_COUNTERS_MAX);
	__type(key, __u32);
	__type(value, struct ndpr_counters);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ndpr_counters SEC(".maps");

/* Events for the service's log (`run`). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, NDPR_EVENTS_RING_SIZE);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ndpr_events SEC(".maps");

/* The same events for `monitor`, so watching never steals the log's. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, NDPR_EVENTS_RING_SIZE);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ndpr_monitor SEC(".maps");

#ifdef NDPR_TEST_OLD_LAYOUT
/* The old layout's per-CPU event tokens, a map this version no longer has
 * (the tokens live in ndpr_counters now): an upgrade removes its pin. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ndpr_evtokens SEC(".maps");
#endif

/* Names of the origins of dynamic entries; userspace only. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NDPR_MAX_ORIGINS);
	__type(key, __u32);
	__type(value, struct ndpr_origin);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ndpr_origins SEC(".maps");

/* Addresses inside answered entries that are the uplink's own or its
 * gateways: never answered. Written by the control plane, which inserts
 * only guards that fall inside an answered entry. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, NDPR_GUARDS_MAX);
	__type(key, struct ndpr_host_key);
	__type(value, struct ndpr_guard);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ndpr_guards SEC(".maps");

/* Answered addresses another node on the link showed it owns (an NA for
 * it, an NS from it, from a MAC not ours): written by the program, no
 * longer answered until `prefix clear-conflict`. LRU: a flood of forged
 * frames evicts old records instead of failing. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, NDPR_MAX_CONFLICTS);
	__type(key, struct ndpr_host_key);
	__type(value, struct ndpr_conflict);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ndpr_conflicts SEC(".maps");

/* The attach record (mode, options, all-multicast), written by the loader
 * for `status` and `detach`; the program does not read it. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ndpr_state);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} ndpr_state SEC(".maps");

#endif

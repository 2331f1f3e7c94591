/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The loaded XDP program, as the unit tests, the fuzzer and the benchmark
 * use it: the skeleton loaded with no map pinned, entries added as the
 * control plane adds them, one BPF_PROG_TEST_RUN, and the outcome counters
 * summed over the CPUs. Nothing here prints or counts a check: a failure
 * returns, with its reason in why or the errno returned, for the caller
 * to report.
 */
#ifndef NDPR_TEST_SKEL_FIXTURE_H
#define NDPR_TEST_SKEL_FIXTURE_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "ndpresponder.h"
#include "ndpresponder.skel.h"
#include "frames.h"

_Static_assert(sizeof(struct ndpr_counters) ==
		       (NDPR_COUNTERS_BASE + NDPR_C_MAX + 1) * sizeof(__u64),
	       "the outcomes are read as an array of __u64 after the "
	       "bookkeeping, then events_suppressed");

/* lo: a device that always exists, as a real receive names one. */
#define LO_IFINDEX 1

/*
 * Clears the pin path of every map of obj. LIBBPF_PIN_BY_NAME would pin
 * the maps under /sys/fs/bpf, or reuse those of a running responder: a
 * test must neither leave pins nor share state with one. Returns 0 or
 * libbpf's negative error, and says which map in why (may be NULL).
 */
static inline int skel_unpin_maps(struct bpf_object *obj, char *why,
				  size_t whylen)
{
	struct bpf_map *map;
	int err;

	bpf_object__for_each_map(map, obj)
	{
		err = bpf_map__set_pin_path(map, NULL);
		if (err) {
			if (why)
				snprintf(why, whylen, "unpin %s: %s",
					 bpf_map__name(map), strerror(-err));
			return err;
		}
	}
	return 0;
}

/* Opens an object through the skeleton: ndpresponder_bpf__open, or
 * another build of the same program (test_xdp: the VLAN-aware one). */
typedef struct ndpresponder_bpf *(*skel_open_fn)(void);

/*
 * Opens the skeleton with open, sets cfg in .rodata (fixed from then on),
 * loads it with no map pinned and checks that none is. Returns 0 and the
 * skeleton in *out, or -1 and why.
 */
static inline int skel_load_unpinned_from(skel_open_fn open,
					  const struct ndpr_config *cfg,
					  struct ndpresponder_bpf **out,
					  char *why, size_t whylen)
{
	struct ndpresponder_bpf *skel;
	struct bpf_map *map;
	int err;

	*out = NULL;
	skel = open();
	if (!skel) {
		snprintf(why, whylen, "open: %s", strerror(errno));
		return -1;
	}
	skel->rodata->ndpr_cfg = *cfg;
	if (skel_unpin_maps(skel->obj, why, whylen))
		goto fail;
	err = ndpresponder_bpf__load(skel);
	if (err) {
		snprintf(why, whylen, "load: %s", strerror(-err));
		goto fail;
	}
	bpf_object__for_each_map(map, skel->obj)
	{
		if (bpf_map__is_pinned(map) || bpf_map__pin_path(map)) {
			snprintf(why, whylen, "map %s is pinned",
				 bpf_map__name(map));
			goto fail;
		}
	}
	*out = skel;
	return 0;
fail:
	ndpresponder_bpf__destroy(skel);
	return -1;
}

static inline int skel_load_unpinned(const struct ndpr_config *cfg,
				     struct ndpresponder_bpf **out, char *why,
				     size_t whylen)
{
	return skel_load_unpinned_from(ndpresponder_bpf__open, cfg, out, why,
				       whylen);
}

/* One load of the program, and what the runs need of it. */
struct skel_fixture {
	struct ndpresponder_bpf *skel;
	struct ndpr_config cfg; /* as loaded */
	int prog_fd;
	int counters_fd;
};

static inline void skel_fixture_destroy(struct skel_fixture *fx)
{
	ndpresponder_bpf__destroy(fx->skel);
	fx->skel = NULL;
}

static inline int skel_fixture_load_from(struct skel_fixture *fx,
					 skel_open_fn open,
					 const struct ndpr_config *cfg,
					 char *why, size_t whylen)
{
	memset(fx, 0, sizeof(*fx));
	fx->cfg = *cfg;
	if (skel_load_unpinned_from(open, cfg, &fx->skel, why, whylen))
		return -1;
	fx->prog_fd = bpf_program__fd(fx->skel->progs.ndpresponder);
	fx->counters_fd = bpf_map__fd(fx->skel->maps.ndpr_counters);
	return 0;
}

static inline int skel_fixture_load(struct skel_fixture *fx,
				    const struct ndpr_config *cfg, char *why,
				    size_t whylen)
{
	return skel_fixture_load_from(fx, ndpresponder_bpf__open, cfg, why,
				      whylen);
}

/*
 * Adds the entry addr/plen as the control plane does (maps.h): a /128 to
 * the hash, anything shorter to the trie. Returns 0, or -1 and why.
 */
static inline int skel_add_entry(const struct ndpresponder_bpf *skel,
				 const char *addr, unsigned int plen,
				 const struct ndpr_prefix_val *val, char *why,
				 size_t whylen)
{
	struct ndpr_prefix_key key = { .prefixlen = plen };
	struct ndpr_host_key host;
	int err;

	fr_ip6(addr, key.addr);
	if (plen == 128) {
		memcpy(host.addr, key.addr, sizeof(host.addr));
		err = bpf_map_update_elem(bpf_map__fd(skel->maps.ndpr_hosts),
					  &host, val, BPF_NOEXIST);
	} else {
		err = bpf_map_update_elem(bpf_map__fd(skel->maps.ndpr_prefixes),
					  &key, val, BPF_NOEXIST);
	}
	if (err) {
		snprintf(why, whylen, "adding %s/%u: %s", addr, plen,
			 strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * BPF_PROG_TEST_RUN of the XDP program prog_fd, repeat times on len octets
 * of in, received on ifindex (the FIB lookups of route-checked entries
 * run in that device's namespace). out, unless NULL, takes the frame as
 * the program left it: *out_len is its room on the way in, the frame's
 * length on the way out. duration (may be NULL): the kernel's mean ns a
 * run. Returns 0, or the errno of the syscall (ENOSPC: out too small).
 */
static inline int xdp_run_repeat(int prog_fd, __u32 ifindex, const void *in,
				 __u32 len, void *out, __u32 *out_len,
				 __u32 repeat, __u32 *retval, __u32 *duration)
{
	struct xdp_md ctx = {
		.data_end = len,
		.ingress_ifindex = ifindex,
	};
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in, .data_size_in = len,
		    .data_out = out, .data_size_out = out ? *out_len : 0,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx),
		    .repeat = repeat);
	int err = 0;

	if (bpf_prog_test_run_opts(prog_fd, &opts))
		err = errno ? errno : EIO;
	else if (out)
		*out_len = opts.data_size_out;
	*retval = opts.retval; /* 0 when it did not run */
	if (duration)
		*duration = opts.duration;
	return err;
}

/* One run: xdp_run_repeat() with repeat 1. */
static inline int xdp_run(int prog_fd, __u32 ifindex, const void *in, __u32 len,
			  void *out, __u32 *out_len, __u32 *retval)
{
	return xdp_run_repeat(prog_fd, ifindex, in, len, out, out_len, 1,
			      retval, NULL);
}

/* One run of a frame; out (may be NULL) takes the frame it left. */
static inline int xdp_run_frame(int prog_fd, __u32 ifindex,
				const struct frame *in, struct frame *out,
				__u32 *retval)
{
	__u32 out_len = sizeof(out->b);
	int err;

	err = xdp_run(prog_fd, ifindex, in->b, (__u32)in->len,
		      out ? out->b : NULL, &out_len, retval);
	if (!err && out)
		out->len = out_len;
	return err;
}

/*
 * Sums the per-CPU outcome counters of the map fd into sum. Returns 0, or
 * -1 with errno set.
 */
static inline int counters_sum(int fd, __u64 sum[NDPR_C_MAX])
{
	int ncpu = libbpf_num_possible_cpus();
	struct ndpr_counters *v;
	__u32 key = 0;
	int cpu, i;

	if (ncpu <= 0) {
		errno = -ncpu;
		return -1;
	}
	v = calloc((size_t)ncpu, sizeof(*v));
	if (!v)
		return -1;
	if (bpf_map_lookup_elem(fd, &key, v)) {
		free(v);
		return -1;
	}
	memset(sum, 0, NDPR_C_MAX * sizeof(sum[0]));
	for (cpu = 0; cpu < ncpu; cpu++)
		for (i = 0; i < NDPR_C_MAX; i++)
			sum[i] += ndpr_counter_val(&v[cpu], (unsigned int)i);
	free(v);
	return 0;
}

/* Counter i as the program spells it (ndpresponder.h): answered, ... */
static inline const char *counter_id(int i)
{
#define COUNTER_ID(name) #name,
	static const char *const ids[NDPR_C_MAX] = { NDPR_COUNTERS(
		COUNTER_ID) };
#undef COUNTER_ID

	return i >= 0 && i < NDPR_C_MAX ? ids[i] : "?";
}

static inline const char *verdict_name(__u32 v)
{
	static const char *const names[] = { "XDP_ABORTED", "XDP_DROP",
					     "XDP_PASS", "XDP_TX",
					     "XDP_REDIRECT" };

	return v < sizeof(names) / sizeof(names[0]) ? names[v] : "?";
}

/*
 * Exactly one counter, want, moved between the sums before and after,
 * and by one; want -1: none moved. Otherwise false, and why lists every
 * counter that moved.
 */
static inline bool counters_ok(const __u64 *before, const __u64 *after,
			       int want, char *why, size_t whylen)
{
	size_t n = 0;
	bool ok = true;
	int i;

	for (i = 0; i < NDPR_C_MAX; i++) {
		__u64 d = after[i] - before[i];

		if (d == (i == want ? 1u : 0u))
			continue;
		if (ok)
			n = snprintf(why, whylen, "want %s +1, got",
				     want < 0 ? "none" : counter_id(want));
		ok = false;
		if (n < whylen)
			n += snprintf(why + n, whylen - n, " %s %+lld",
				      counter_id(i), (long long)d);
	}
	return ok;
}

#endif /* NDPR_TEST_SKEL_FIXTURE_H */

/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What the benchmark's XDP programs (bench.bpf.c) and its C drivers share.
 * The BPF side includes vmlinux.h first, userspace <linux/types.h>.
 */
#ifndef NDPR_BENCH_H
#define NDPR_BENCH_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/*
 * Every NS the benchmark makes is a multicast NS with a Source Link-Layer
 * Address option: 14 + 40 + 32 octets. Its NA has the same length, so the
 * responder answers it without resizing the frame.
 */
#define BENCH_FRAME_LEN 86

/* Where the varying octets lie in that frame. */
#define BENCH_OFF_ETH_GROUP  3	/* 33:33:ff:XX:XX:XX, the last three */
#define BENCH_OFF_DST_WORD   50 /* last 4 octets of ff02::1:ffXX:XXXX */
#define BENCH_OFF_CSUM	     56
#define BENCH_OFF_TARGET_IID 70 /* low 64 bits of the target */

/*
 * An NS generator, run once per frame: it writes frame, with a target
 * whose interface identifier is, for the i-th frame (i = seq++ % n),
 *   iid = (splitmix64(seed + i) & iid_mask) | iid_base
 * (tests/bench/entries.h), the solicited-node group and its MAC to match,
 * and the checksum: base_sum is the sum (in bpf/csum.h's way, 32-bit words
 * as they lie in memory) of the pseudo-header and the message with the
 * interface identifier, the last word of the group and the checksum zero.
 */
struct ns_gen {
	__u8 frame[BENCH_FRAME_LEN];
	__u8 pad[2];
	__u32 n;
	__u64 base_sum;
	__u64 seed;
	__u64 iid_mask;
	__u64 iid_base;
	__u64 seq;
};

/* Slots of the router's per-CPU counters. */
enum bench_count {
	BENCH_CNT_NA,	 /* Neighbor Advertisements received */
	BENCH_CNT_NS,	 /* NS received: the limit bounces them back */
	BENCH_CNT_OTHER, /* anything else */
	BENCH_CNT_MAX
};

#endif /* NDPR_BENCH_H */

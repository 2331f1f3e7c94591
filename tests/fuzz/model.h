/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * An independent model of the responder for the XDP fuzzer: from a frame,
 * the load-time configuration and the prefix table it says what the
 * program must do. It is written from RFC 4861 §7.1.1 and §7.2.4, the
 * project's rules (ndp-rules) and the README ('How an answer is made' and
 * the counters of `stats`), not from bpf/: it reads the frame byte by byte
 * in network order and shares no code with the program. Only the counter
 * names (include/ndpresponder.h) are shared, being the interface.
 *
 * Route-checked entries are not modelled: they need the kernel's FIB.
 */
#ifndef NDPR_FUZZ_MODEL_H
#define NDPR_FUZZ_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ndpresponder.h"
#include "frames.h"

/* One answer or exclude entry; /128s live in ndpr_hosts, others in the
 * trie, but to the model it is one table with the longest match. */
struct model_entry {
	uint8_t addr[16];
	uint8_t len;
	uint8_t action; /* enum ndpr_action */
};

/*
 * An address never answered though an entry answers it (the README's
 * guards): the uplink's own or a gateway (kind NDPR_GUARD_*, from the
 * control plane), or one another node showed it owns (kind 0: a conflict,
 * heeded only with NDPR_CFG_GUARD_CONFLICT).
 */
struct model_guard {
	uint8_t addr[16];
	int kind;
};

struct model_result {
	int verdict;	  /* XDP_PASS or XDP_TX */
	int counter;	  /* enum ndpr_counter */
	bool dad, mcast;  /* what kind of NS it was, when it was one */
	struct frame out; /* the NA for XDP_TX, else the frame unchanged */
	/* The conflict the frame shows, with NDPR_CFG_GUARD_CONFLICT: an
	 * answered address another MAC advertised or solicited from. */
	bool recorded;
	uint8_t rec_addr[16];
	uint8_t rec_mac[6];
	int rec_how; /* enum ndpr_conflict_how */
};

#define MODEL_XDP_PASS 2
#define MODEL_XDP_TX   3

/*
 * The whole decision for one frame of len octets (len >= 14: the kernel
 * refuses shorter test runs, no driver hands them to XDP).
 */
void model_run(const struct ndpr_config *cfg, const struct model_entry *tab,
	       size_t ntab, const struct model_guard *guards, size_t nguards,
	       const uint8_t *frame, size_t len, struct model_result *r);

/* The entry with the longest prefix that covers a, or NULL. */
const struct model_entry *model_lookup(const struct model_entry *tab,
				       size_t ntab, const uint8_t a[16]);

/*
 * Where the IPv6 header starts: after Ethernet and up to two 802.1Q or
 * 802.1ad tags when the (inner) ethertype is IPv6; 0 otherwise.
 */
size_t model_l3_offset(const uint8_t *frame, size_t len);

#endif

/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What the XDP program and the loader share: map keys and values, the
 * counter layout and the load-time configuration. The BPF side includes
 * vmlinux.h first, userspace <linux/types.h>; only __u* types appear here.
 */
#ifndef NDPRESPONDER_H
#define NDPRESPONDER_H

#ifndef __VMLINUX_H__
#include <stdbool.h>
#include <linux/types.h>
#endif

/* Largest ICMPv6 message the program validates and answers. Real NS are
 * 24, 32 (SLLA) or 40 (SLLA + nonce) octets; longer ones (SEND) pass. */
#define NDPR_MAX_ICMP_LEN 256

/* Default capacity of each prefix map (hosts and prefixes). */
#define NDPR_DEFAULT_MAX_PREFIXES 65536

/* What a matching entry asks for. The longest match wins, so an exclude
 * entry carves a hole into a shorter answer entry. */
enum ndpr_action {
	NDPR_ACT_ANSWER = 1,
	NDPR_ACT_EXCLUDE = 2,
};

/* Key of the LPM trie of prefixes shorter than /128. */
struct ndpr_prefix_key {
	__u32 prefixlen;
	__u8 addr[16];
};

/* Key of the exact-match hash of /128 entries, checked first. */
struct ndpr_host_key {
	__u8 addr[16];
};

/* Flags of an answered entry: ask the kernel's FIB before answering. */
#define NDPR_PF_ROUTE_CHECK (1u << 0) /* routed out of another interface */
#define NDPR_PF_ROUTE_NEIGH (1u << 1) /* ...and a neighbour entry exists */

/* Value of both prefix maps. origin tells who owns the entry: 0 for static
 * configuration, other values are given out by the control plane. */
struct ndpr_prefix_val {
	__u8 action;
	__u8 flags;
	__u16 origin;
	__u32 reserved;
};

/* Where the answer's Override flag comes from (RFC 4861 §7.2.8 vs practice). */
enum ndpr_override {
	NDPR_OVERRIDE_MULTICAST = 0, /* O=1 when the NS was multicast */
	NDPR_OVERRIDE_ALWAYS = 1,
	NDPR_OVERRIDE_NEVER = 2,
};

#define NDPR_CFG_ROUTER	 (1u << 0) /* R=1 in answers */
#define NDPR_CFG_DAD	 (1u << 1) /* answer DAD probes (source ::) */
#define NDPR_CFG_UNICAST (1u << 2) /* answer unicast NUD probes */
/* Put back the VLAN tag the driver stripped: only in the build with
 * NDPR_RX_VLAN_META, loaded bound to the device (bpf/vlan.h). */
#define NDPR_CFG_RX_VLAN (1u << 3)
/* The guards (README, "How an answer is made"): never answer for the
 * uplink's own addresses, its gateways, or an address another node on the
 * link has shown it owns. The first two are the control plane's (it fills
 * ndpr_guards); the program reads only the last. */
#define NDPR_CFG_GUARD_OWN	(1u << 4)
#define NDPR_CFG_GUARD_GATEWAY	(1u << 5)
#define NDPR_CFG_GUARD_CONFLICT (1u << 6)
#define NDPR_CFG_GUARDS \
	(NDPR_CFG_GUARD_OWN | NDPR_CFG_GUARD_GATEWAY | NDPR_CFG_GUARD_CONFLICT)

/* Load-time configuration, placed in the program's .rodata. */
struct ndpr_config {
	__u8 mac[6]; /* Ethernet source of answers */
	__u8 flags;  /* NDPR_CFG_* */
	__u8 override;
	__u32 events_per_cpu; /* events a second each CPU may report */
};

/* Events: answers and invalid solicitations, as the program saw them. */
#define NDPR_EVENTS_RING_SIZE	(256 * 1024)
#define NDPR_DEFAULT_EVENT_RATE 100 /* a second, all CPUs together */

enum ndpr_ns_kind {
	NDPR_KIND_MULTICAST = 0, /* address resolution */
	NDPR_KIND_UNICAST = 1,	 /* NUD probe */
	NDPR_KIND_DAD = 2,	 /* duplicate address detection */
};

struct ndpr_event {
	__u64 ts_ns;   /* CLOCK_MONOTONIC */
	__u32 ifindex; /* where the NS came in */
	__u8 outcome;  /* enum ndpr_counter */
	__u8 kind;     /* enum ndpr_ns_kind */
	__u8 mac[6];   /* Ethernet source of the NS */
	__u8 source[16];
	__u8 target[16];
};

/*
 * The event rate limit, per CPU: the readers (run, monitor) advance the
 * refill generation in ndpr_empty (events_gen) once a second; at its next
 * event each CPU sees the new generation and gives itself the tokens the
 * reader set beside it (events_per_cpu), kept in its ndpr_counters beside the
 * answers' counter, and spends one per event. So the program never reads
 * a clock, an answer touches no memory for it that the answer does not
 * touch already, and without a reader it reports nothing. What it
 * refuses while a reader is there is counted in ndpr_counters
 * (events_suppressed).
 *
 * Whether a reader is there, without a clock: the generation is
 * session << 32 | refills. A reader starts a session of its own (the
 * current one + 1), then adds one each second, continuing whichever
 * session it finds. The program keeps the refusals since the generation
 * it last saw; they become suppressed events once a later refill of the
 * same session shows that a reader was still there after them. A reader
 * that went away (SIGKILL included) refills no more, so what is refused
 * after it never counts, and the next reader's session discards it.
 * Passed NS (monitor --all) have tokens of their own, given at the same
 * refills.
 */
#define NDPR_GEN_SESSION(gen) ((gen) >> 32)

/* Whether the refill of generation now came after then in the same
 * session: readers were there all the time in between. */
static inline bool ndpr_gen_follows(__u64 now, __u64 then)
{
	return NDPR_GEN_SESSION(now) == NDPR_GEN_SESSION(then) && now > then;
}

/* How long a monitor --all's wish for passed NS lasts unless renewed (it
 * renews it every second): what a killed one leaves expires by then. */
#define NDPR_PASSED_LEASE_NS (2ULL * 1000000000ULL)

/*
 * One outcome per packet: each packet the program sees increments exactly
 * one of these, so their sum is the number of packets received. The
 * invalid_* ones stand together, from invalid_truncated to
 * invalid_checksum (the program tests the range). The value
 * of the per-CPU counter map is this struct, so that bpftool prints the
 * names; code indexes it through ndpr_counter().
 */
#define NDPR_COUNTERS(X)            \
	X(answered)                 \
	X(answered_dad)             \
	X(passed_not_ns)            \
	X(passed_no_match)          \
	X(passed_excluded)          \
	X(passed_own_address)       \
	X(passed_gateway)           \
	X(passed_conflict)          \
	X(passed_dad_off)           \
	X(passed_unicast_off)       \
	X(passed_too_long)          \
	X(passed_route_uplink)      \
	X(passed_route_local)       \
	X(passed_route_unreachable) \
	X(passed_route_blackhole)   \
	X(passed_route_fwd_off)     \
	X(passed_route_no_neigh)    \
	X(passed_route_other)       \
	X(invalid_truncated)        \
	X(invalid_hop_limit)        \
	X(invalid_code)             \
	X(invalid_length)           \
	X(invalid_source_multicast) \
	X(invalid_target_multicast) \
	X(invalid_dad_destination)  \
	X(invalid_option_length)    \
	X(invalid_dad_slla)         \
	X(invalid_checksum)         \
	X(error_resize)

#define NDPR_COUNTER_FIELD(name) __u64 name;
struct ndpr_counters {
	/* The program's event bookkeeping (see ndpr_gen_follows): the
	 * generation of the refill it last saw, the tokens left of it for
	 * events and for passed NS, and the refusals since. First, so that
	 * they share the answers' cache line. */
	__u64 events_gen;
	__u64 events_tokens;
	__u64 passed_tokens;
	__u64 events_refused;
	NDPR_COUNTERS(NDPR_COUNTER_FIELD)
	/* Not an outcome: events the rate limit refused to report while a
	 * reader was there. Read it with ndpr_suppressed(). */
	__u64 events_suppressed;
};
#undef NDPR_COUNTER_FIELD

#define NDPR_COUNTER_ENUM(name) NDPR_C_##name,
enum ndpr_counter {
	NDPR_COUNTERS(NDPR_COUNTER_ENUM) NDPR_C_MAX
};
#undef NDPR_COUNTER_ENUM

#define NDPR_COUNTERS_BASE 4 /* the bookkeeping before answered */

/* After the bookkeeping, the struct is an array of __u64 in enum order,
 * events_suppressed last (at index NDPR_C_MAX): what ndpr_counter()
 * relies on. */
_Static_assert(
	sizeof(struct ndpr_counters) ==
			(NDPR_COUNTERS_BASE + NDPR_C_MAX + 1) * sizeof(__u64) &&
		__builtin_offsetof(struct ndpr_counters, answered) ==
			NDPR_COUNTERS_BASE * sizeof(__u64) &&
		__builtin_offsetof(struct ndpr_counters, events_suppressed) ==
			(NDPR_COUNTERS_BASE + NDPR_C_MAX) * sizeof(__u64),
	"struct ndpr_counters must be NDPR_COUNTERS in order");

/* Counter i of c (0..NDPR_C_MAX, the last being events_suppressed). */
static inline __u64 *ndpr_counter(struct ndpr_counters *c, unsigned int i)
{
	return (__u64 *)c + NDPR_COUNTERS_BASE + i;
}

static inline __u64 ndpr_counter_val(const struct ndpr_counters *c,
				     unsigned int i)
{
	return *ndpr_counter((struct ndpr_counters *)c, i);
}

/* One CPU's suppressed events, given the generation of the last refill
 * (gen): the refusals it followed count too. */
static inline __u64 ndpr_suppressed(const struct ndpr_counters *c, __u64 gen)
{
	return c->events_suppressed +
	       (ndpr_gen_follows(gen, c->events_gen) ? c->events_refused : 0);
}

/* The prefix maps known to be empty, which the program then skips: a
 * flag is set once the map was seen empty, cleared before an insert.
 * Zero (the default) means "look it up". */
struct ndpr_empty {
	__u32 hosts;
	__u32 prefixes;
	__u32 guards;	 /* ndpr_guards */
	__u32 conflicts; /* ndpr_conflicts: the program clears it itself
			  * after each insert, so a writer that sets it
			  * must look at the map again afterwards */
	/* Not a map: until when (CLOCK_MONOTONIC) a monitor --all wants
	 * passed NS. Zero, the default, skips them at the cost of this
	 * load; the program zeroes it once it has expired. */
	__u64 passed_until;
	/* Not a map either: the readers' refill generation (see
	 * ndpr_gen_follows), advanced in place once a second, and the
	 * tokens each CPU gives itself at a refill (the log rate, which a
	 * reload of run changes in place). */
	__u64 events_gen;
	__u64 events_per_cpu;
};

#define NDPR_MAX_GUARDS	   1024
#define NDPR_MAX_CONFLICTS 4096

/* Why the control plane guards an address (value of ndpr_guards). */
enum ndpr_guard_kind {
	NDPR_GUARD_OWN = 1,	/* an address of the uplink */
	NDPR_GUARD_GATEWAY = 2, /* a next hop routed out of the uplink */
};

struct ndpr_guard {
	__u8 kind; /* enum ndpr_guard_kind */
	__u8 reserved[3];
};

/* How another node showed that it owns an address. */
enum ndpr_conflict_how {
	NDPR_CONFLICT_NA = 1, /* a Neighbor Advertisement for it */
	NDPR_CONFLICT_NS = 2, /* a Neighbor Solicitation sourced from it */
};

/* Value of ndpr_conflicts, keyed by the address (struct ndpr_host_key). */
struct ndpr_conflict {
	__u8 mac[6];	/* Ethernet source of the frame */
	__u8 how;	/* enum ndpr_conflict_how */
	__u8 logged;	/* set by run once it has logged it */
	__u64 first_ns; /* CLOCK_MONOTONIC, when first seen */
	__u64 last_ns;	/* ... and last seen, to about a second */
};

/* Who owns entries of a non-zero origin, for `prefix list`: the value of
 * ndpr_origins at that index, written by the service that owns them. */
#define NDPR_MAX_ORIGINS 256
struct ndpr_origin {
	char name[64]; /* "docker:NETWORK" */
};

/*
 * Every map of the program, X(name, opener): the map ndpr_<name> of
 * bpf/maps.h, pinned by that name (NDPR_PIN(name), which users' scripts
 * know) in the interface's pin directory, and the fd <name> of
 * userspace's struct ndpr_maps. opener is VERBS for the maps every
 * command on an attached interface opens (maps_open), READER for those
 * only the event readers of run and monitor open.
 */
#define NDPR_MAPS(X)                                                          \
	X(hosts, VERBS)	    /* /128 entries, hash, looked up first */         \
	X(prefixes, VERBS)  /* shorter prefixes, LPM trie */                  \
	X(empty, VERBS)	    /* which prefix map the program may skip */       \
	X(counters, VERBS)  /* per-CPU outcome counters, suppressed events */ \
	X(events, READER)   /* ring of events for run's log */                \
	X(monitor, READER)  /* ring of the same events for monitor */         \
	X(origins, VERBS)   /* names of the owners of dynamic entries */      \
	X(guards, VERBS)    /* own addresses and gateways never answered */   \
	X(conflicts, VERBS) /* addresses other nodes showed they own */       \
	X(state, VERBS)	    /* the attach record */

#define NDPR_PIN(name) "ndpr_" #name

/* How the program is attached (kept in the pinned state map). */
enum ndpr_mode {
	NDPR_MODE_NATIVE = 1,
	NDPR_MODE_GENERIC = 2,
};

#define NDPR_STATE_ALLMULTI_SET (1u << 0) /* we turned all-multicast on */
#define NDPR_STATE_SYNC_PARTIAL (1u << 1) /* a prefix sync was cut short */
#define NDPR_STATE_GUARDS_SET	(1u << 2) /* config's guard bits are set */
#define NDPR_STATE_MAC_SET	(1u << 3) /* config's MAC came from --mac */

/* The attach record, for status and detach: the one entry of ndpr_state. */
struct ndpr_state {
	__u32 ifindex;
	__u8 mode;  /* enum ndpr_mode */
	__u8 flags; /* NDPR_STATE_* */
	__u16 reserved;
	__u64 attached_at; /* CLOCK_REALTIME, seconds */
	struct ndpr_config config;
};

#endif /* NDPRESPONDER_H */

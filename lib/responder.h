/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The responder's life on one interface: attach (or upgrade), detach. */
#ifndef NDPR_RESPONDER_H
#define NDPR_RESPONDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ndpresponder.h"
#include "prefix.h"

enum attach_mode {
	ATTACH_AUTO = 0,
	ATTACH_NATIVE = NDPR_MODE_NATIVE,
	ATTACH_GENERIC = NDPR_MODE_GENERIC,
};

struct attach_opts {
	const char *ifname;
	struct prefix_set prefixes; /* static entries to add */
	enum attach_mode mode;
	bool mode_set;
	uint8_t mac[6];
	bool mac_set;
	bool no_router, no_dad, no_unicast;
	bool router, dad, unicast; /* --router...: back on in an upgrade */
	enum ndpr_override override;
	bool override_set;
	/* attach over a responder: what was not given (R, DAD, unicast,
	 * override, MAC, log rate) stays as the record says; run gives its
	 * whole configuration every time, so it leaves this false. */
	bool keep_options;
	uint32_t max_prefixes; /* 0: keep the pinned maps' or default */
	uint32_t event_rate;   /* events a second, all CPUs together */
	bool event_rate_set;
	bool force;	     /* ::/0 allowed */
	bool only_adds;	     /* no sync follows: refuse what an exclude
				* there would hide, or what a new one would */
	uint8_t route_flags; /* NDPR_PF_ROUTE_* for the given prefixes */
	bool ephemeral_ok;   /* pins may die with us: run holds the link */
	uint8_t no_guard;    /* NDPR_CFG_GUARD_* turned off */
	bool guard_set;	     /* --no-guard given; else an upgrade keeps
				* the guards as they were */
};

/* What attach did, for its caller's message. */
struct attach_result {
	bool upgraded;
	enum ndpr_mode mode;
	uint32_t prog_id;
	size_t guarded; /* own addresses and gateways now guarded */
	/* The options before an upgrade (zero otherwise), and now. */
	struct ndpr_config before, after;
};

int responder_attach(const struct attach_opts *o, struct attach_result *r);
int responder_detach(const char *ifname);

/*
 * The interface a pinned XDP link holds (0 once the interface is gone),
 * and its program id if prog_id is given; a negative errno if the fd is
 * no XDP link.
 */
int responder_link_ifindex(int link_fd, __u32 *prog_id);

/* The options and mode of the program a pinned link holds, from the
 * kernel (its .rodata and the XDP attach mode). */
int responder_live(int link_fd, struct ndpr_config *cfg, __u8 *mode);
/* The same, and the version that loaded it ("" for a program older than
 * the field, whose .rodata does not match: then -ENOENT, as for cfg). */
int responder_live_version(int link_fd, struct ndpr_config *cfg, __u8 *mode,
			   char *version, size_t len);

const char *mode_name(int mode);
const char *override_name(int override);

#endif

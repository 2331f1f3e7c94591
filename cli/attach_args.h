/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The options that `attach` and `run` share, parsed in one place. */
#ifndef NDPR_ATTACH_ARGS_H
#define NDPR_ATTACH_ARGS_H

#include <getopt.h>

#include "responder.h"

#define ATTACH_SHORT_OPTS "x:m:"
#define ATTACH_OPTS_HELP                                                          \
	"  -x, --exclude PREFIX    never answer inside PREFIX (repeatable)\n"     \
	"  -m, --mode MODE         native, generic or auto (default auto:\n"      \
	"                          native, else generic)\n"                       \
	"      --mac MAC           Ethernet source and TLLA of answers\n"         \
	"                          (default: the interface's MAC)\n"              \
	"      --no-router         answer with R=0 (default R=1)\n"               \
	"      --override WHEN     O flag: multicast (default; O=1 when the\n"    \
	"                          NS was multicast), always, never (RFC\n"       \
	"                          4861 section 7.2.8 proxy behaviour)\n"         \
	"      --no-dad            don't answer DAD probes (source ::)\n"         \
	"      --no-unicast        don't answer unicast NUD probes\n"             \
	"      --router, --dad, --unicast\n"                                      \
	"                          back on (an upgrade keeps what it is not\n"    \
	"                          given)\n"                                      \
	"      --max-prefixes N    capacity of each prefix map (default\n"        \
	"                          65536)\n"                                      \
	"      --log-rate N        events a second reported to run/monitor\n"     \
	"                          (default 100, 0 for none)\n"                   \
	"      --route-check[=neigh]\n"                                           \
	"                          answer the given prefixes only where the\n"    \
	"                          host routes the target out of another\n"       \
	"                          interface (=neigh: and has a neighbour\n"      \
	"                          entry for it)\n"                               \
	"      --no-guard GUARD    answer even for the uplink's own addresses\n"  \
	"                          (own), its gateways (gateway), or addresses\n" \
	"                          another node showed it owns (conflict);\n"     \
	"                          repeatable; 'none' turns all back on; an\n"    \
	"                          upgrade without it keeps them as they were\n"  \
	"      --force             allow ::/0 (and, for run, a FILE with no\n"    \
	"                          entries)\n"

/* Appends the shared long options to opts (room for them + 1 needed). */
size_t attach_long_opts(struct option *opts);
#define ATTACH_LONG_OPTS_MAX 15

/*
 * Applies option c, if it is one of the shared ones: returns 1 when taken,
 * 0 when c is not an attach option, -EINVAL after a message.
 */
int attach_opt(int c, const char *arg, struct attach_opts *o);

/* Adds an answered or excluded PREFIX argument to o. */
int attach_add_prefix(struct attach_opts *o, const char *arg, uint8_t action);
/* The same with prefix_parse's flags (PREFIX_MASK_HOST for the Go form),
 * and ATTACH_PREFIX_NOTED where PREFIX_MASK_HOST's note was said already
 * (run's reload reads the command line again). */
#define ATTACH_PREFIX_NOTED (1u << 16)
int attach_add_prefix_flags(struct attach_opts *o, const char *arg,
			    uint8_t action, unsigned int flags);

/* Checks what depends on several options (::/0 needs --force). */
int attach_opts_finish(struct attach_opts *o);

#endif

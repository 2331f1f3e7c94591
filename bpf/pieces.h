/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Builds with one piece of the program taken out, for the benchmark's
 * cost of each piece (tests/bench/pieces.sh, part of `make bench`): what
 * the product spends beyond the minimal responder, measured rather than
 * guessed. Every build that is shipped or tested has them all 0, and the
 * compiler folds the tests away. A build with one of them set is not a
 * responder anyone should run: it answers without counting, checking or
 * reporting what the product must.
 */
#ifndef NDPR_PIECES_H
#define NDPR_PIECES_H

#ifndef NDPR_WITHOUT_COUNTERS /* the outcome counters */
#define NDPR_WITHOUT_COUNTERS 0
#endif
#ifndef NDPR_WITHOUT_EVENTS /* the event-token check */
#define NDPR_WITHOUT_EVENTS 0
#endif
#ifndef NDPR_WITHOUT_VLAN /* 802.1Q/802.1ad tag parsing */
#define NDPR_WITHOUT_VLAN 0
#endif
#ifndef NDPR_WITHOUT_GUARDS /* the guard maps and owner notes */
#define NDPR_WITHOUT_GUARDS 0
#endif
#ifndef NDPR_WITHOUT_NA_CSUM /* the NA's checksum: an invalid NA */
#define NDPR_WITHOUT_NA_CSUM 0
#endif

#endif

/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * doctor: why a container's IPv6 does not work. Each check is a small
 * function of the table in doctor.c (the checks themselves are in
 * doctor_*.c, by what they look at); each adds results, one per thing
 * checked, with what it found and, for a problem, the fix.
 */
#ifndef NDPR_DOCTOR_H
#define NDPR_DOCTOR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "prefix.h"

enum doc_status {
	DOC_OK,
	DOC_WARN, /* worth knowing, not by itself a broken IPv6 */
	DOC_FAIL,
	DOC_SKIP, /* not checked: says why */
};

struct doc_result {
	char name[48];
	enum doc_status status;
	char found[384];
	char fix[384];
};

struct doc_prefix {
	struct prefix p;
	char origin[40]; /* "docker:NET", "" for static */
	int route_oif;	 /* where the host routes it; 0: nowhere */
};

struct doc_ctx {
	const char *ifname;
	int ifindex;
	bool attached;
	struct doc_prefix *prefixes;
	int nprefixes;
	/* what earlier checks learned, for later ones */
	bool have_gw;
	struct in6_addr gw;
	uint8_t gw_mac[6];
	bool gw_mac_ok;
	struct doc_result *res;
	int nres, capres;
};

/* The prefixes to check: given, else the attached responder's. */
int doc_init(struct doc_ctx *c, const char *ifname,
	     const struct prefix_set *given);
void doc_free(struct doc_ctx *c);
/* Every check of the table, in order. */
void doc_run(struct doc_ctx *c);
/* 1 when a check failed, else 2 when one could not run, else 0. */
int doc_exit_code(const struct doc_ctx *c);

/* A new result: status and what was found (printf); doc_fix adds the fix. */
struct doc_result *doc_add(struct doc_ctx *c, const char *name,
			   enum doc_status st, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void doc_fix(struct doc_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* The checks, by file. */
void doc_check_kernel(struct doc_ctx *c);
void doc_check_bpffs(struct doc_ctx *c);
void doc_check_caps(struct doc_ctx *c);
void doc_check_uplink(struct doc_ctx *c);
void doc_check_sysctl(struct doc_ctx *c);
void doc_check_gateway(struct doc_ctx *c);
void doc_check_prefixes(struct doc_ctx *c);
void doc_check_firewall(struct doc_ctx *c);
void doc_check_responder(struct doc_ctx *c);
/* doc_check_firewall's walk of a ruleset as `nft -j -a list ruleset`
 * prints it (unit-tested with captured ones). */
void doc_firewall_walk(struct doc_ctx *c, const char *json);

/* --probe: an echo from src to dst (NULL: the gateway), and where the
 * chain broke. */
void doc_probe(struct doc_ctx *c, const struct in6_addr *src,
	       const struct in6_addr *dst);

/* Helpers the checks share. */
struct ndpr_counters;
/* The attached responder's counters, summed over CPUs. */
int doc_counters(const char *ifname, struct ndpr_counters *s);
bool doc_in_prefix(const struct in6_addr *a, const struct prefix *p);
const char *doc_addr(const struct in6_addr *a, char *buf); /* 46 chars */
const char *doc_ifname(int ifindex, char *buf);		   /* IF_NAMESIZE */

#endif

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* doctor: the responder's own counters, and the end-to-end probe. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "doctor.h"
#include "iface.h"
#include "maps.h"
#include "pins.h"
#include "probe.h"

/* Solicitations among the counters: all but what was no NS at all. */
static __u64 sum_range(const struct ndpr_counters *s, int from, int to)
{
	__u64 n = 0;

	for (int i = from; i <= to; i++)
		n += ndpr_counter_val(s, i);
	return n;
}

int doc_counters(const char *ifname, struct ndpr_counters *s)
{
	struct ndpr_maps m = NDPR_MAPS_INIT;
	struct pin_dir pd;
	int ret;

	ret = pin_dir_init(&pd, ifname, 0);
	if (!ret)
		ret = maps_open_quiet(&pd, &m);
	if (!ret)
		ret = counters_read(m.counters, m.empty, s, NULL, NULL);
	maps_close(&m);
	return ret;
}

/* The largest passed-* reason, for the line about unanswered NS. */
static int top_passed(const struct ndpr_counters *s)
{
	int top = NDPR_C_passed_no_match;

	for (int i = NDPR_C_passed_no_match; i <= NDPR_C_passed_route_other;
	     i++)
		if (ndpr_counter_val(s, i) > ndpr_counter_val(s, top))
			top = i;
	return top;
}

static void check_counters(struct doc_ctx *c, const struct ndpr_counters *s)
{
	__u64 answered = sum_range(s, NDPR_C_answered, NDPR_C_answered_dad);
	__u64 passed =
		sum_range(s, NDPR_C_passed_no_match, NDPR_C_passed_route_other);
	__u64 invalid =
		sum_range(s, NDPR_C_invalid_truncated, NDPR_C_invalid_checksum);
	struct doc_result *r;
	int top = top_passed(s);

	if (!answered && !passed && !invalid) {
		r = doc_add(c, "solicitations", DOC_WARN,
			    "none has arrived since attach: the router has "
			    "not asked yet, or they never reach the host");
		doc_fix(r,
			"ndpresponder doctor %s --probe CONTAINER_ADDR "
			"tells which",
			c->ifname);
		return;
	}
	r = doc_add(c, "solicitations", DOC_OK,
		    "%llu answered, %llu passed (most: %s, %llu), %llu "
		    "invalid",
		    (unsigned long long)answered, (unsigned long long)passed,
		    counter_name(top),
		    (unsigned long long)ndpr_counter_val(s, top),
		    (unsigned long long)invalid);
	if (!answered && passed) {
		r->status = DOC_WARN;
		doc_fix(r,
			"none answered: see 'ndpresponder prefix list %s' "
			"and the README's counter table for %s",
			c->ifname, counter_name(top));
	}
}

void doc_check_responder(struct doc_ctx *c)
{
	struct ndpr_counters s;
	struct doc_result *r;
	int ret;

	if (!c->attached) {
		r = doc_add(c, "responder", DOC_FAIL,
			    "not attached to %s: "
			    "nothing answers for the containers",
			    c->ifname);
		doc_fix(r,
			"ndpresponder attach %s PREFIX (or systemctl "
			"enable --now ndpresponder@%s)",
			c->ifname, c->ifname);
		return;
	}
	ret = doc_counters(c->ifname, &s);
	if (ret) {
		doc_add(c, "responder", DOC_SKIP,
			"attached; counters not "
			"read: %s",
			strerror(-ret));
		return;
	}
	doc_add(c, "responder", DOC_OK, "attached to %s", c->ifname);
	check_counters(c, &s);
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* doctor's table of checks, its results, and the prefixes it checks. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doctor.h"
#include "maps.h"
#include "pins.h"

static void (*const doc_checks[])(struct doc_ctx *) = {
	doc_check_kernel,   doc_check_bpffs,	doc_check_caps,
	doc_check_uplink,   doc_check_sysctl,	doc_check_gateway,
	doc_check_prefixes, doc_check_firewall, doc_check_responder,
};

struct doc_result *doc_add(struct doc_ctx *c, const char *name,
			   enum doc_status st, const char *fmt, ...)
{
	static struct doc_result lost; /* out of memory: written, not kept */
	struct doc_result *r;
	va_list ap;

	if (c->nres == c->capres) {
		int cap = c->capres ? c->capres * 2 : 32;
		void *v = realloc(c->res, (size_t)cap * sizeof(*c->res));

		if (!v)
			return &lost;
		c->res = v;
		c->capres = cap;
	}
	r = &c->res[c->nres++];
	memset(r, 0, sizeof(*r));
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->status = st;
	va_start(ap, fmt);
	vsnprintf(r->found, sizeof(r->found), fmt, ap);
	va_end(ap);
	return r;
}

void doc_fix(struct doc_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->fix, sizeof(r->fix), fmt, ap);
	va_end(ap);
}

bool doc_in_prefix(const struct in6_addr *a, const struct prefix *p)
{
	int full = p->len / 8, rest = p->len % 8;

	if (memcmp(a->s6_addr, p->addr.s6_addr, (size_t)full))
		return false;
	if (!rest)
		return true;
	return !((a->s6_addr[full] ^ p->addr.s6_addr[full]) &
		 (0xff << (8 - rest)));
}

const char *doc_addr(const struct in6_addr *a, char *buf)
{
	return inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

const char *doc_ifname(int ifindex, char *buf)
{
	if (!ifindex || !if_indextoname((unsigned int)ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "#%d", ifindex);
	return buf;
}

static int add_prefix(struct doc_ctx *c, const struct prefix *p,
		      const char *origin)
{
	void *v = realloc(c->prefixes,
			  (size_t)(c->nprefixes + 1) * sizeof(*c->prefixes));
	struct doc_prefix *dp;

	if (!v)
		return -ENOMEM;
	c->prefixes = v;
	dp = &c->prefixes[c->nprefixes++];
	memset(dp, 0, sizeof(*dp));
	dp->p = *p;
	snprintf(dp->origin, sizeof(dp->origin), "%s", origin);
	return 0;
}

/* The attached responder's entries, with their origins' names (a
 * running `run -N` tags its Docker networks' as docker:NETWORK). */
static int attached_prefixes(struct doc_ctx *c)
{
	struct ndpr_maps m = NDPR_MAPS_INIT;
	struct prefix_set set = {};
	char origin[40];
	struct pin_dir pd;
	int ret;

	if (pin_dir_init(&pd, c->ifname, 0) || maps_open_quiet(&pd, &m))
		return 0;
	ret = maps_prefix_dump(&m, &set);
	for (size_t i = 0; !ret && i < set.n; i++) {
		origin[0] = '\0';
		if (set.v[i].origin)
			maps_origin_name(&m, set.v[i].origin, origin,
					 sizeof(origin));
		ret = add_prefix(c, &set.v[i], origin);
	}
	prefix_set_free(&set);
	maps_close(&m);
	return ret;
}

int doc_init(struct doc_ctx *c, const char *ifname,
	     const struct prefix_set *given)
{
	memset(c, 0, sizeof(*c));
	c->ifname = ifname;
	c->ifindex = (int)if_nametoindex(ifname);
	if (!given->n)
		return attached_prefixes(c);
	for (size_t i = 0; i < given->n; i++)
		if (add_prefix(c, &given->v[i], ""))
			return -ENOMEM;
	return 0;
}

void doc_free(struct doc_ctx *c)
{
	free(c->prefixes);
	free(c->res);
	c->prefixes = NULL;
	c->res = NULL;
}

void doc_run(struct doc_ctx *c)
{
	for (size_t i = 0; i < sizeof(doc_checks) / sizeof(doc_checks[0]); i++)
		doc_checks[i](c);
}

int doc_exit_code(const struct doc_ctx *c)
{
	bool skipped = false;

	for (int i = 0; i < c->nres; i++) {
		if (c->res[i].status == DOC_FAIL)
			return 1;
		skipped |= c->res[i].status == DOC_SKIP;
	}
	return skipped ? 2 : 0;
}

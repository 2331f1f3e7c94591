// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Docker entries are owned by network name, across runs: each network has
 * an origin named "docker:NAME" in the maps, and the entries of a network
 * this run no longer follows (kept by an earlier run's --keep) are removed.
 * A name too long for the origin record is keyed by its start and a hash
 * of all of it, so two long names never share one origin.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "docker_follow.h"
#include "docker_http.h"
#include "guards.h"
#include "log.h"
#include "netlink.h"

#define ORIGIN_PREFIX	"docker:"
#define ORIGIN_KEEP	39 /* characters of a long name kept readable */
#define CAND_MAX_AGE_MS 1000

/* "docker:NAME", or "docker:START~HASH" for a name that does not fit;
 * Docker's names are [a-zA-Z0-9][a-zA-Z0-9_.-]*, so never NAME. */
static void origin_name(const char *net, char *buf, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a, 64 bits */

	if (strlen(ORIGIN_PREFIX) + strlen(net) < len) {
		snprintf(buf, len, ORIGIN_PREFIX "%s", net);
		return;
	}
	for (const char *c = net; *c; c++)
		h = (h ^ (unsigned char)*c) * 0x100000001b3ull;
	snprintf(buf, len, ORIGIN_PREFIX "%.*s~%016llx", ORIGIN_KEEP, net,
		 (unsigned long long)h);
}

void docker_follow_init(struct docker_follow *f, struct pin_dir *pd,
			const struct slog *log, const char *const *nets, int n)
{
	memset(f, 0, sizeof(*f));
	f->pd = pd;
	f->log = log;
	f->nets = nets;
	f->n = n;
	f->maps = (struct ndpr_maps)NDPR_MAPS_INIT;
	f->ann.fd = -1;
}

struct guarded {
	const struct in6_addr *a;
	bool found;
};

static void is_guarded(const struct in6_addr *a, int kind, void *arg)
{
	struct guarded *g = arg;

	g->found |= !memcmp(a, g->a, sizeof(*a));
}

/* docker.c calls this once the address is in the maps and its container
 * runs; a guarded address was dropped from the maps, and stays unsaid. */
static void announce(void *ctx, const struct in6_addr *addr)
{
	struct docker_follow *f = ctx;
	struct guarded g = { addr, false };
	char a[INET6_ADDRSTRLEN];

	if (guards_each(&f->maps, is_guarded, &g) || g.found)
		return;
	inet_ntop(AF_INET6, addr, a, sizeof(a));
	if (announce_addr(&f->ann, addr))
		slog(f->log, SLOG_WARN, "couldn't announce %s/128", a);
	else
		slog(f->log, SLOG_INFO, "ANNOUNCE %s/128", a);
}

struct unguarded {
	struct docker_follow *f;
	struct prefix_set *addrs;
	const char *net;
};

/* Whether a was logged as guarded already (and now is). */
static bool guarded_logged(struct docker_follow *f, const struct in6_addr *a)
{
	for (unsigned int i = 0; i < f->nguarded; i++)
		if (!memcmp(&f->guarded[i], a, sizeof(*a)))
			return true;
	if (f->nguarded < sizeof(f->guarded) / sizeof(f->guarded[0]))
		f->guarded[f->nguarded++] = *a;
	return false;
}

/* A guarded address (the uplink's own, a gateway) in a Docker set is
 * dropped from it: never answered, never announced; logged once. */
static void drop_guarded(const struct in6_addr *a, int kind, void *arg)
{
	struct unguarded *u = arg;
	struct prefix_set *s = u->addrs;
	char txt[INET6_ADDRSTRLEN];

	for (size_t i = 0; i < s->n; i++) {
		if (memcmp(&s->v[i].addr, a, sizeof(*a)))
			continue;
		s->v[i--] = s->v[--s->n];
		if (guarded_logged(u->f, a))
			continue;
		inet_ntop(AF_INET6, a, txt, sizeof(txt));
		slog(u->f->log, SLOG_WARN,
		     "Docker network %s: address %s refused: it is the "
		     "uplink's %s",
		     u->net, txt, guard_kind_name(kind));
	}
}

/* Guards the addresses coming (drops the guarded ones from the set),
 * under the pin lock. */
static int guard_coming(struct docker_follow *f, const char *net,
			struct prefix_set *addrs)
{
	int ret = guards_refresh(&f->maps, f->ifname, addrs, NULL);

	if (ret)
		return ret;
	return guards_each(&f->maps, drop_guarded,
			   &(struct unguarded){ f, addrs, net });
}

static void cand_add(const struct in6_addr *a, int kind, void *arg)
{
	struct prefix p = { .addr = *a, .len = 128 };

	prefix_set_add(arg, &p); /* out of memory: every add refreshes */
}

/* Whether one of add may be a guard: it is one of the uplink's own
 * addresses or gateways, as read at most CAND_MAX_AGE_MS ago (guard_follow
 * refreshes the guards as often, so a guard newer than that is in the maps
 * as soon as anything answers it), or they could not be read. */
static bool may_be_guarded(struct docker_follow *f,
			   const struct prefix_set *add)
{
	uint64_t now = http_now_ms();
	struct ndpr_state st;

	if (!f->cand_at || now - f->cand_at >= CAND_MAX_AGE_MS) {
		f->cand.n = 0;
		f->cand_at = 0;
		if (maps_state_read(&f->maps, &st) ||
		    nl_uplink_guards(f->ifindex,
				     st.config.flags & NDPR_CFG_GUARD_OWN,
				     st.config.flags & NDPR_CFG_GUARD_GATEWAY,
				     cand_add, &f->cand))
			return true;
		prefix_set_sort(&f->cand);
		f->cand_at = now;
	}
	for (size_t i = 0; i < add->n; i++)
		if (bsearch(&add->v[i], f->cand.v, f->cand.n,
			    sizeof(*f->cand.v), prefix_cmp))
			return true;
	return false;
}

/* One line per address: what run did, when (the benchmark's clock). */
static void log_each(struct docker_follow *f, const char *name,
		     const struct prefix_set *s, const char *what)
{
	char a[INET6_ADDRSTRLEN];

	for (size_t i = 0; i < s->n; i++) {
		inet_ntop(AF_INET6, &s->v[i].addr, a, sizeof(a));
		slog(f->log, SLOG_INFO, "%s: %s/128 %s", name, a, what);
	}
}

/* Counts what a change did, or says why it failed; a whole one is summed
 * up in a line. */
static void applied(struct docker_follow *f, const char *name, int ret,
		    const struct sync_result *res, bool whole)
{
	if (ret) {
		f->stats.sync_errors++;
		slog(f->log, SLOG_ERROR, "%s: couldn't update the prefixes: %s",
		     name, errstr(ret));
		return;
	}
	f->stats.syncs++;
	f->stats.added += res->added;
	f->stats.removed += res->removed;
	f->stats.last_sync = (uint64_t)time(NULL);
	if (whole && (res->added || res->removed || res->changed))
		slog(f->log, SLOG_INFO, "%s: %zu added, %zu removed, %zu kept",
		     name, res->added, res->removed, res->kept);
}

/*
 * One network's change into the maps: its whole set (whole, after a
 * resync), or the keys it gained and lost since (an event's cost,
 * whatever the size of the network); each address added is said. Guarded first
 * (the same rules as static entries; removals need none); docker.c
 * announces.
 */
static int change(struct docker_follow *f, uint16_t origin, const char *net,
		  struct prefix_set *whole, struct prefix_set *add,
		  struct prefix_set *del)
{
	struct prefix_set added = {}, removed = {};
	char name[sizeof(struct ndpr_origin)];
	struct prefix_set *coming = whole ?: add;
	struct sync_result res;
	int ret;

	origin_name(net, name, sizeof(name));
	ret = pin_lock(f->pd);
	if (ret)
		return ret;
	ret = whole || (add->n && may_be_guarded(f, add)) ?
		      guard_coming(f, net, coming) :
		      0;
	if (!ret && whole)
		ret = maps_origin_set(&f->maps, origin, name);
	if (!ret && whole)
		ret = maps_prefix_sync(&f->maps, f->ifname, whole, origin, &res,
				       &added);
	else if (!ret)
		ret = maps_prefix_apply(&f->maps, f->ifname, add, del, origin,
					&res, &added, &removed);
	pin_unlock(f->pd);
	applied(f, name, ret, &res, whole != NULL);
	log_each(f, name, &added, "added");
	log_each(f, name, &removed, "removed");
	prefix_set_free(&added);
	prefix_set_free(&removed);
	return 0;
}

static int apply(void *ctx, uint16_t origin, const char *net,
		 struct prefix_set *addrs)
{
	return change(ctx, origin, net, addrs, NULL, NULL);
}

static int apply_keys(void *ctx, uint16_t origin, const char *net,
		      struct prefix_set *add, struct prefix_set *del)
{
	return change(ctx, origin, net, NULL, add, del);
}

/* The origin of each followed network, found or given one. */
static int find_origins(struct docker_follow *f, uint16_t *origins)
{
	char name[sizeof(struct ndpr_origin)];
	int o;

	for (int i = 0; i < f->n; i++) {
		origin_name(f->nets[i], name, sizeof(name));
		o = maps_origin_find(&f->maps, name);
		if (o < 0)
			return o;
		origins[i] = (uint16_t)o;
	}
	return 0;
}

static bool followed(const struct docker_follow *f, const uint16_t *origins,
		     uint16_t k)
{
	for (int i = 0; i < f->n; i++)
		if (origins[i] == k)
			return true;
	return false;
}

/* Removes the entries of Docker networks no longer followed. */
static int drop_unfollowed(struct docker_follow *f, const uint16_t *origins)
{
	char name[sizeof(struct ndpr_origin)];
	struct prefix_set none = {};
	struct sync_result res;
	int ret = 0;

	for (uint16_t k = 1; k < NDPR_MAX_ORIGINS && !ret; k++) {
		maps_origin_name(&f->maps, k, name, sizeof(name));
		if (strncmp(name, ORIGIN_PREFIX, strlen(ORIGIN_PREFIX)) ||
		    followed(f, origins, k))
			continue;
		ret = maps_prefix_sync(&f->maps, f->ifname, &none, k, &res,
				       NULL);
		if (!ret && res.removed)
			slog(f->log, SLOG_INFO,
			     "%s: not followed any more, %zu entries removed",
			     name, res.removed);
		if (!ret)
			ret = maps_origin_set(&f->maps, k, "");
	}
	return ret;
}

static int assign_origins(struct docker_follow *f, uint16_t *origins)
{
	int ret;

	ret = pin_lock(f->pd);
	if (ret)
		return ret;
	ret = find_origins(f, origins);
	if (!ret)
		ret = drop_unfollowed(f, origins);
	pin_unlock(f->pd);
	if (ret)
		pr_err("%s: couldn't assign the Docker networks' origins: %s",
		       f->ifname, errstr(ret));
	return ret;
}

int docker_follow_start(struct docker_follow *f, const char *ifname,
			int ifindex)
{
	uint16_t origins[DOCKER_MAX_NETWORKS];
	struct ndpr_state st;
	int ret;

	f->ifname = ifname;
	f->ifindex = ifindex;
	ret = maps_open(f->pd, f->ifname, &f->maps);
	if (!ret)
		ret = maps_state_read(&f->maps, &st);
	if (!ret)
		ret = assign_origins(f, origins);
	if (ret)
		return ret;
	ret = announcer_open(&f->ann, f->ifname, f->ifindex, st.config.mac,
			     st.config.flags & NDPR_CFG_ROUTER);
	if (ret) {
		pr_err("%s: couldn't open a packet socket: %s", f->ifname,
		       errstr(ret));
		return ret;
	}
	ret = docker_init(&f->docker, f->nets, f->n, origins, apply, apply_keys,
			  announce, f, f->log);
	if (ret)
		return ret;
	docker_connect(&f->docker);
	return 0;
}

/*
 * On exit: Docker-learned entries go, unless --keep. Only the networks
 * docker_init took: before it, every origin reads 0, the static entries'
 * own, and a start that failed there would empty an adopted responder.
 */
static void forget_all(struct docker_follow *f)
{
	struct prefix_set none = {};
	struct sync_result res;

	if (pin_lock(f->pd))
		return;
	for (int i = 0; i < f->docker.nnets; i++)
		maps_prefix_sync(&f->maps, f->ifname, &none,
				 f->docker.nets[i].origin, &res, NULL);
	pin_unlock(f->pd);
}

void docker_follow_stop(struct docker_follow *f, bool forget)
{
	if (f->n && forget && f->maps.hosts >= 0)
		forget_all(f);
	if (f->n)
		docker_free(&f->docker);
	announcer_close(&f->ann);
	prefix_set_free(&f->cand);
	maps_close(&f->maps);
}

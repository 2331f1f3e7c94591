// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Docker mode's state machines: the event stream (with its own backoff),
 * one request at a time (a network's resync, an early read for connects
 * whose inspections wait, or /_ping while the API does not answer), the
 * containers' inspections (DOCKER_INSPECTS at once: each may wait for its
 * container's start), and their timers. Nothing here blocks. Inspections
 * are what makes a new container answered, an early read what makes it
 * answered before Docker's start ends; a resync merely repairs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docker.h"

#define DOCKER_SOCK_DEFAULT "/var/run/docker.sock"
#define API_TIMEOUT_MS	    5000   /* a request, or the stream's headers */
#define INSPECT_TIMEOUT_MS  15000  /* an inspection (see ins_start) */
#define PING_EVERY_MS	    1000   /* while the API does not answer */
#define PING_MAX	    64	   /* octets of a /_ping reply */
#define BACKOFF_MAX_S	    30	   /* the event stream's reconnects */
#define STREAM_HEALTHY_MS   10000  /* a stream up this long ends a streak */
#define SUMMARY_EVERY_MS    300000 /* of failures, between the lines */
#define RESYNC_EVERY_MS	    30000  /* a safety net under the event stream */

/* Networks' connect, disconnect, create and destroy; containers' start,
 * die, stop and destroy (Podman: remove). Podman's `run` and `rm` emit
 * only container events, and it filters on its own names ("died"),
 * then sends Docker's ("die"). The filter, decoded: {"type":["network",
 * "container"],"event":["connect","disconnect","create","destroy",
 * "start","die","died","stop","remove"]} */
#define EVENTS_PATH                                                       \
	"/events?filters=%7B%22type%22%3A%5B%22network%22%2C%22container" \
	"%22%5D%2C%22event%22%3A%5B%22connect%22%2C%22disconnect%22%2C"   \
	"%22create%22%2C%22destroy%22%2C%22start%22%2C%22die%22%2C"       \
	"%22died%22%2C%22stop%22%2C%22remove%22%5D%7D"

enum {
	REQ_PING = -1
};

bool docker_supported(void)
{
	return true;
}

int docker_sock_path(char *buf, size_t len)
{
	const char *host = getenv("DOCKER_HOST");
	const char *path = DOCKER_SOCK_DEFAULT;

	if (host && *host) {
		if (strncmp(host, "unix://", 7) || !host[7]) {
			pr_err("DOCKER_HOST=%s: only unix:// sockets are "
			       "supported",
			       host);
			return -EINVAL;
		}
		path = host + 7;
	}
	/* len is at most sun_path's size (struct docker's sock). */
	if (strlen(path) >= len) {
		pr_err("DOCKER_HOST: the socket path is too long");
		return -ENAMETOOLONG;
	}
	snprintf(buf, len, "%s", path);
	return 0;
}

int docker_init(struct docker *d, const char *const *names, int n,
		const uint16_t *origins, docker_apply_fn apply,
		docker_apply_keys_fn apply_keys, docker_announce_fn announce,
		void *ctx, const struct slog *log)
{
	int ret;

	memset(d, 0, sizeof(*d));
	http_conn_init(&d->req);
	http_conn_init(&d->ev);
	for (int i = 0; i < DOCKER_INSPECTS; i++)
		http_conn_init(&d->ins[i].conn);
	if (n > DOCKER_MAX_NETWORKS)
		return -E2BIG;
	ret = docker_sock_path(d->sock, sizeof(d->sock));
	if (ret)
		return ret;
	for (int i = 0; i < n; i++) {
		d->nets[i].name = names[i];
		d->nets[i].origin = origins[i];
	}
	d->nnets = n;
	d->apply = apply;
	d->apply_keys = apply_keys;
	d->announce = announce;
	d->ctx = ctx;
	d->log = log;
	d->ev_backoff = 1;
	d->lines = calloc(1, sizeof(*d->lines));
	d->jobs = calloc(DOCKER_JOBS, sizeof(*d->jobs));
	return d->lines && d->jobs ? 0 : -ENOMEM;
}

static void log_stats(const struct docker *d)
{
	const struct docker_stats *s = &d->stats;

	if (s->jobs_dropped)
		slog(d->log, SLOG_INFO,
		     "Docker: %llu events, %llu containers inspected, %llu "
		     "inspections dropped for a resync (over %u waiting)",
		     s->events, s->inspects, s->jobs_dropped, DOCKER_JOBS);
	if (s->early_reads)
		slog(d->log, SLOG_INFO,
		     "Docker: %llu early reads of a network for connects "
		     "whose inspection waited, %llu addresses taken from them",
		     s->early_reads, s->early_adds);
	if (!(s->long_lines | s->big_replies | s->many_containers |
	      s->bad_replies | s->bad_addrs))
		return;
	slog(d->log, SLOG_INFO,
	     "Docker: refused %llu event lines over %u octets, %llu replies "
	     "over %u octets, %llu networks over %u containers, %llu "
	     "malformed replies, %llu invalid addresses",
	     s->long_lines, DOCKER_LINE_MAX, s->big_replies, DOCKER_REPLY_MAX,
	     s->many_containers, DOCKER_CONTAINERS_MAX, s->bad_replies,
	     s->bad_addrs);
}

void docker_free(struct docker *d)
{
	if (d->lines)
		log_stats(d);
	http_close(&d->req);
	http_close(&d->ev);
	for (int i = 0; i < DOCKER_INSPECTS; i++)
		http_close(&d->ins[i].conn);
	free(d->lines);
	free(d->jobs);
	docker_table_free(&d->tab);
	prefix_set_free(&d->to_announce);
	memset(d, 0, sizeof(*d));
	d->req.fd = d->ev.fd = -1;
	for (int i = 0; i < DOCKER_INSPECTS; i++)
		d->ins[i].conn.fd = -1;
}

static void mark_all_dirty(struct docker *d)
{
	for (int i = 0; i < d->nnets; i++)
		d->nets[i].dirty = true;
}

void docker_connect(struct docker *d)
{
	uint64_t now = http_now_ms();

	d->api_up = true;
	d->ev_retry_at = now;
	d->next_resync = now + RESYNC_EVERY_MS;
	mark_all_dirty(d);
	slog(d->log, SLOG_INFO, "Docker: following %d network%s on %s",
	     d->nnets, d->nnets == 1 ? "" : "s", d->sock);
}

/* ---- The event stream. */

static int net_index(const struct docker *d, const char *name)
{
	for (int i = 0; i < d->nnets; i++)
		if (!strcmp(d->nets[i].name, name))
			return i;
	return -1;
}

/* The inspection of id in flight, or NULL. */
static struct docker_job *in_flight(struct docker *d, const char *id)
{
	for (int i = 0; i < DOCKER_INSPECTS; i++)
		if (d->ins[i].conn.fd >= 0 && !strcmp(d->ins[i].job.id, id))
			return &d->ins[i].job;
	return NULL;
}

/* A connect to the networks early (bits) waits for an early read from
 * DOCKER_EARLY_MS on, unless its inspection answers first. */
static void early_mark(struct docker_job *j, uint32_t early)
{
	if (early && !j->early)
		j->early_at = http_now_ms() + DOCKER_EARLY_MS;
	j->early |= early;
}

/* Queues an inspection of id, merged with one already waiting; a connect
 * to followed network net (-1: none, or not a connect) may be served
 * early. A full queue falls back on resyncing every network. */
static void job_add(struct docker *d, const char *id, bool start, bool leave,
		    int net)
{
	struct docker_job *j = in_flight(d, id);
	uint32_t early = net >= 0 ? 1u << net : 0;

	/* The one in flight answers after this event: it announces. */
	if (start && j && !j->leave) {
		j->start = true;
		return;
	}
	for (unsigned int i = 0; i < d->njobs; i++) {
		j = &d->jobs[(d->job_head + i) % DOCKER_JOBS];
		if (!strcmp(j->id, id)) {
			j->start |= start;
			j->leave &= leave;
			early_mark(j, early);
			return;
		}
	}
	if (d->njobs == DOCKER_JOBS) {
		d->stats.jobs_dropped++;
		mark_all_dirty(d);
		return;
	}
	j = &d->jobs[(d->job_head + d->njobs++) % DOCKER_JOBS];
	snprintf(j->id, sizeof(j->id), "%s", id);
	j->start = start;
	j->leave = leave;
	j->early = 0;
	early_mark(j, early);
}

/* A job's container is gone: its waiting inspection is moot. */
static void job_cancel(struct docker *d, const char *id)
{
	for (unsigned int i = 0; i < d->njobs; i++) {
		struct docker_job *j =
			&d->jobs[(d->job_head + i) % DOCKER_JOBS];

		if (!strcmp(j->id, id))
			j->id[0] = '\0'; /* skipped when its turn comes */
	}
	/* One in flight may answer from before the event. */
	struct docker_job *j = in_flight(d, id);

	if (j)
		j->leave = true;
}

static void on_line(void *ctx, const char *line, size_t len)
{
	struct docker *d = ctx;
	struct docker_event ev;
	int net;

	if (!docker_event_decode(line, len, &ev))
		return;
	d->stats.events++;
	net = ev.net[0] ? net_index(d, ev.net) : -1;
	switch (ev.kind) {
	case DOCKER_EV_NET:
		if (net >= 0)
			d->nets[net].dirty = true;
		break;
	case DOCKER_EV_JOIN:
		/* Docker names the network: others are none of ours. The
		 * container's own inspection gives its address (README). */
		if (net >= 0 || !ev.net[0])
			job_add(d, ev.id, ev.start, false, ev.start ? -1 : net);
		break;
	case DOCKER_EV_LEAVE:
		if (net >= 0)
			docker_table_del(&d->tab, net, ev.id);
		else if (!ev.net[0])
			job_add(d, ev.id, false, true, -1);
		break;
	case DOCKER_EV_GONE:
		job_cancel(d, ev.id);
		docker_table_del(&d->tab, -1, ev.id);
		break;
	default:
		break;
	}
}

static int on_stream_data(void *ctx, const char *data, size_t n)
{
	struct docker *d = ctx;
	int ret = line_split_feed(d->lines, data, n, on_line, d);

	if (ret == -EMSGSIZE)
		slog(d->log, SLOG_WARN,
		     "Docker event stream: an event line over %u octets "
		     "refused (%llu so far)",
		     DOCKER_LINE_MAX, ++d->stats.long_lines);
	return ret;
}

static void stream_failed(struct docker *d, const char *why)
{
	uint64_t now = http_now_ms();

	http_close(&d->ev);
	d->lines->len = 0;
	d->stats.stream_failures++;
	d->ev_up = false;
	if (!d->ev_fails++) {
		slog(d->log, SLOG_WARN,
		     "Docker event stream: %s; keeping the last known "
		     "addresses, retrying with backoff up to %ds",
		     why, BACKOFF_MAX_S);
		d->ev_summary_at = now + SUMMARY_EVERY_MS;
	} else if (now >= d->ev_summary_at) {
		slog(d->log, SLOG_WARN,
		     "Docker event stream: %u failures so far (last: %s); "
		     "retrying every %us",
		     d->ev_fails, why, d->ev_backoff);
		d->ev_summary_at = now + SUMMARY_EVERY_MS;
	}
	d->ev_retry_at = now + d->ev_backoff * 1000ull;
	d->ev_backoff = d->ev_backoff * 2 > BACKOFF_MAX_S ? BACKOFF_MAX_S :
							    d->ev_backoff * 2;
}

static void stream_start(struct docker *d)
{
	int ret = http_get_start(&d->ev, d->sock, EVENTS_PATH, 0,
				 on_stream_data, d,
				 http_now_ms() + API_TIMEOUT_MS);

	if (ret)
		stream_failed(d, errstr(ret));
}

/* The headers are in: subscribed first, then read, so that nothing falls
 * between the two. */
static void stream_up(struct docker *d)
{
	char why[32];

	if (d->ev.status != 200 || d->ev.done) {
		snprintf(why, sizeof(why), "HTTP %d%s", d->ev.status,
			 d->ev.done ? " and closed" : "");
		stream_failed(d, why);
		return;
	}
	d->ev.deadline = 0;
	d->ev_up = true;
	d->ev_since = http_now_ms();
	mark_all_dirty(d);
}

/* A stream up for STREAM_HEALTHY_MS ends a streak of failures: one line,
 * and the backoff starts over. A stream that dies as soon as it is up
 * does not. */
static void stream_check_healthy(struct docker *d, uint64_t now)
{
	if (!d->ev_up || now - d->ev_since < STREAM_HEALTHY_MS)
		return;
	if (d->ev_fails)
		slog(d->log, SLOG_INFO,
		     "Docker event stream: up again after %u failure%s",
		     d->ev_fails, d->ev_fails == 1 ? "" : "s");
	d->ev_fails = 0;
	d->ev_backoff = 1;
}

static void stream_step(struct docker *d, short revents)
{
	int ret = http_step(&d->ev, revents);

	if (ret == HTTP_MORE && d->ev.headers_done && !d->ev_up)
		stream_up(d);
	else if (ret == -EMSGSIZE)
		stream_failed(d, "an event line over the cap");
	else if ((ret == HTTP_DONE || ret == -EPIPE) && d->ev_up)
		stream_failed(d, "the stream ended");
	else if (ret == HTTP_DONE)
		stream_up(d); /* a whole reply: not 200, or it fails there */
	else if (ret < 0)
		stream_failed(d, errstr(ret));
}

/* ---- Requests: one network's resync, or /_ping. */

static void api_down(struct docker *d, const char *what, const char *why)
{
	uint64_t now = http_now_ms();

	if (!d->api_up)
		return;
	/* The socket by name: DOCKER_HOST's, or the default one. */
	slog(d->log, SLOG_WARN,
	     "Docker API at %s %s: %s; keeping the last known addresses, "
	     "probing /_ping every %ds",
	     d->sock, what, why, PING_EVERY_MS / 1000);
	d->api_up = false;
	d->down_since = now;
	d->next_ping = now + PING_EVERY_MS;
}

static void api_back(struct docker *d)
{
	uint64_t now = http_now_ms();

	slog(d->log, SLOG_INFO,
	     "Docker API answers again after %llus; resyncing",
	     (unsigned long long)((now - d->down_since) / 1000));
	d->api_up = true;
	mark_all_dirty(d);
	/* An engine that came back: its stream is worth trying at once. */
	d->ev_backoff = 1;
	if (d->ev.fd < 0)
		d->ev_retry_at = now;
}

static uint64_t fnv1a(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return h;
}

struct refuse_ctx {
	struct docker *d;
	struct docker_net *n;
};

/* Each refused address is logged once (per network), then counted. */
static void on_refused(void *ctx, const char *addr, const char *why)
{
	struct docker_net *n = ((struct refuse_ctx *)ctx)->n;
	struct docker *d = ((struct refuse_ctx *)ctx)->d;
	uint64_t h = fnv1a(fnv1a(0xcbf29ce484222325ull, n->name), addr);

	d->stats.bad_addrs++;
	for (unsigned int i = 0; i < d->nrefused; i++)
		if (d->refused[i] == h)
			return;
	if (d->nrefused < DOCKER_REFUSED_LOG)
		d->refused[d->nrefused++] = h;
	slog(d->log, SLOG_WARN,
	     "Docker network %s: address \"%.80s\" refused: %s", n->name, addr,
	     why);
}

/* A reply that is not the network: the last known set stays. */
static void reply_refused(struct docker *d, struct docker_net *n, int err,
			  const char *why)
{
	if (err == -EFBIG)
		d->stats.big_replies++;
	else if (err == -E2BIG)
		d->stats.many_containers++;
	else
		d->stats.bad_replies++;
	if (!n->bad)
		slog(d->log, SLOG_WARN,
		     "Docker network %s: reply refused (%s); keeping the last "
		     "known addresses",
		     n->name, why);
	n->bad = true;
}

static void readable(struct docker *d, struct docker_net *n)
{
	if (n->bad)
		slog(d->log, SLOG_INFO, "Docker network %s: readable again",
		     n->name);
	n->bad = false;
}

/* Whether an inspection of id is waiting or in flight. */
static bool inspecting(struct docker *d, const char *id)
{
	for (unsigned int i = 0; i < d->njobs; i++)
		if (!strcmp(d->jobs[(d->job_head + i) % DOCKER_JOBS].id, id))
			return true;
	return in_flight(d, id) != NULL;
}

/* The entries not announced yet of net i (of container id, if given),
 * queued for announcing: only once their container runs. A resync's
 * (no id) leaves those with an inspection coming to it: a container
 * caught between its connect and its start is announced at its start. */
static void queue_announce(struct docker *d, int i, const char *id)
{
	for (size_t k = 0; k < d->tab.n; k++) {
		struct docker_ent *e = &d->tab.v[k];

		if (e->announced || (i >= 0 && e->net != i) ||
		    (id && strcmp(e->id, id)) || (!id && inspecting(d, e->id)))
			continue;
		e->announced = true;
		prefix_set_add(&d->to_announce, &e->p);
	}
}

/* Sorts s and drops its repeats. */
static void sort_unique(struct prefix_set *s)
{
	size_t n = 0;

	prefix_set_sort(s);
	for (size_t i = 0; i < s->n; i++)
		if (!n || prefix_cmp(&s->v[n - 1], &s->v[i]))
			s->v[n++] = s->v[i];
	s->n = n;
}

/* The keys events changed, into each network's adds and removals; a
 * network whose list is incomplete is applied whole. */
static int sort_touched(struct docker *d, struct prefix_set *add,
			struct prefix_set *del)
{
	struct docker_table *t = &d->tab;
	int ret = 0;

	for (int i = 0; i < d->nnets; i++)
		if (t->lost & (1ull << i))
			d->nets[i].changed = true;
	t->lost = 0;
	for (size_t k = 0; k < t->ntouched && !ret; k++) {
		const struct docker_ent *e = &t->touched[k];

		if (d->nets[e->net].changed)
			continue;
		ret = prefix_set_add(docker_table_has(t, e->net, &e->p.addr) ?
					     &add[e->net] :
					     &del[e->net],
				     &e->p);
	}
	t->ntouched = 0;
	for (int i = 0; i < d->nnets; i++) {
		sort_unique(&add[i]);
		sort_unique(&del[i]);
	}
	return ret;
}

/* One network's set, whole. */
static void flush_whole(struct docker *d, int i)
{
	struct prefix_set addrs = {};

	d->nets[i].changed = false;
	if (docker_table_addrs(&d->tab, i, &addrs))
		d->nets[i].dirty = true; /* out of memory: later */
	else
		d->apply(d->ctx, d->nets[i].origin, d->nets[i].name, &addrs);
	prefix_set_free(&addrs);
}

/* Applies what changed, a network whole after its resync, else key by
 * key, then announces: the answer is in the maps before the router is
 * told. */
static void flush(struct docker *d)
{
	struct prefix_set add[DOCKER_MAX_NETWORKS] = {};
	struct prefix_set del[DOCKER_MAX_NETWORKS] = {};

	if (d->tab.ntouched && sort_touched(d, add, del))
		mark_all_dirty(d); /* out of memory: resync */
	for (int i = 0; i < d->nnets; i++) {
		if (d->nets[i].changed)
			flush_whole(d, i);
		else if (add[i].n || del[i].n)
			d->apply_keys(d->ctx, d->nets[i].origin,
				      d->nets[i].name, &add[i], &del[i]);
		prefix_set_free(&add[i]);
		prefix_set_free(&del[i]);
	}
	for (size_t k = 0; k < d->to_announce.n; k++)
		d->announce(d->ctx, &d->to_announce.v[k].addr);
	d->to_announce.n = 0;
}

/* A read of network i into the table: its set replaces its entries
 * (containers new to it are announced: present ones, when run starts). */
static int resync(struct docker *d, int i, const struct prefix_set *addrs,
		  const struct docker_ids *ids)
{
	int ret = docker_table_resync(&d->tab, i, addrs, ids, d->req_gen);

	if (!ret) {
		d->nets[i].changed = true;
		queue_announce(d, i, NULL);
	}
	return ret;
}

/* Whether a is inside one of n's IPv6 subnets; refused through on_refused
 * if not. */
static bool in_subnets(struct docker *d, struct docker_net *n,
		       const struct prefix *a)
{
	struct refuse_ctx ctx = { d, n };
	char txt[INET6_ADDRSTRLEN];

	for (int k = 0; k < n->nsubnets; k++)
		if (prefix_covers(&n->subnets[k], a))
			return true;
	inet_ntop(AF_INET6, &a->addr, txt, sizeof(txt));
	on_refused(&ctx, txt,
		   n->nsubnets ? "outside the network's IPv6 subnets" :
				 "the network has no IPv6 subnet");
	return false;
}

/* The network's IPv6 subnets, from its reply. */
static void net_subnets(struct docker *d, struct docker_net *n)
{
	int ret = docker_net_subnets(d->req.body, d->req.body_len, n->subnets,
				     DOCKER_SUBNETS);

	n->nsubnets = ret > 0 ? ret : 0;
	n->subnets_known = true;
}

/* The network's subnets from its reply, and its addresses kept to those
 * inside them (addrs and ids in step). */
static void keep_in_subnets(struct docker *d, struct docker_net *n,
			    struct prefix_set *addrs, struct docker_ids *ids)
{
	size_t k = 0;

	net_subnets(d, n);
	for (size_t i = 0; i < addrs->n; i++) {
		if (!in_subnets(d, n, &addrs->v[i]))
			continue;
		addrs->v[k] = addrs->v[i];
		memcpy(ids->v[k++], ids->v[i], sizeof(ids->v[i]));
	}
	addrs->n = ids->n = k;
}

static void net_reply(struct docker *d, struct docker_net *n)
{
	struct prefix_set addrs = {};
	struct docker_ids ids = {};
	struct refuse_ctx ctx = { d, n };
	int i = (int)(n - d->nets);
	char why[160];
	int ret;

	if (d->req.status == 404) {
		if (n->exists || !n->missing)
			slog(d->log, SLOG_INFO,
			     "Docker network %s does not exist (yet); waiting "
			     "for it",
			     n->name);
		n->exists = false;
		n->missing = true;
		n->subnets_known = false;
		readable(d, n);
		resync(d, i, &addrs, &ids);
		return;
	}
	if (d->req.status != 200) {
		snprintf(why, sizeof(why), "HTTP %d", d->req.status);
		reply_refused(d, n, -EPROTO, why);
		return;
	}
	ret = docker_net_decode(d->req.body ? d->req.body : "", d->req.body_len,
				&addrs, &ids, on_refused, &ctx, why,
				sizeof(why));
	if (ret) {
		reply_refused(d, n, ret, why);
	} else {
		n->exists = true;
		n->missing = false;
		readable(d, n);
		keep_in_subnets(d, n, &addrs, &ids);
		if (resync(d, i, &addrs, &ids))
			n->dirty = true;
	}
	prefix_set_free(&addrs);
	docker_ids_free(&ids);
}

/* One container's addresses, as its inspection says, into the table. */
static void ctr_apply(struct docker *d, const struct docker_job *j,
		      const struct prefix *addrs, const bool *has, bool running)
{
	bool changed;

	for (int i = 0; i < d->nnets; i++) {
		struct docker_net *n = &d->nets[i];

		/* Its subnets not known yet: the network's read decides. */
		if (has[i] && !n->subnets_known)
			n->dirty = true;
		else if (!has[i] || !in_subnets(d, n, &addrs[i]))
			docker_table_del(&d->tab, i, j->id);
		else if (!j->leave && docker_table_set(&d->tab, i, j->id,
						       &addrs[i], &changed))
			n->dirty = true;
	}
	/* Its interface is up: the router may be told (README). */
	if (j->start || running)
		queue_announce(d, -1, j->id);
}

/* An inspection not to be trusted: said, and the networks' own lists
 * decide (a resync). */
static void ins_refused(struct docker *d, const struct docker_ins *in, int err,
			const char *why)
{
	if (err == -EFBIG)
		d->stats.big_replies++;
	else
		d->stats.bad_replies++;
	slog(d->log, SLOG_WARN,
	     "Docker container %.64s: inspection refused (%s); resyncing",
	     in->job.id, why);
	mark_all_dirty(d);
}

static void ctr_reply(struct docker *d, const struct docker_ins *in)
{
	const struct docker_job *j = &in->job;
	struct prefix addrs[DOCKER_MAX_NETWORKS];
	bool has[DOCKER_MAX_NETWORKS], running;
	const char *names[DOCKER_MAX_NETWORKS];
	struct refuse_ctx ctx = { d, &d->nets[0] };
	char why[160];

	d->stats.inspects++;
	if (in->conn.status == 404) { /* gone before we asked */
		docker_table_del(&d->tab, -1, j->id);
		return;
	}
	for (int i = 0; i < d->nnets; i++)
		names[i] = d->nets[i].name;
	if (in->conn.status != 200)
		snprintf(why, sizeof(why), "HTTP %d", in->conn.status);
	if (in->conn.status != 200 ||
	    docker_ctr_decode(in->conn.body ? in->conn.body : "",
			      in->conn.body_len, j->id, names, d->nnets, addrs,
			      has, &running, on_refused, &ctx, why,
			      sizeof(why))) {
		ins_refused(d, in, -EBADMSG, why);
		return;
	}
	ctr_apply(d, j, addrs, has, running);
}

/* ---- Early reads: a connect's address before its inspection answers. */

/* Job k: of those in flight (k < DOCKER_INSPECTS), then of those queued;
 * NULL for a free slot, a cancelled job or one that only removes. */
static struct docker_job *job_at(const struct docker *d, unsigned int k)
{
	const struct docker_job *j;

	if (k < DOCKER_INSPECTS)
		j = d->ins[k].conn.fd >= 0 ? &d->ins[k].job : NULL;
	else
		j = &d->jobs[(d->job_head + k - DOCKER_INSPECTS) % DOCKER_JOBS];
	return j && j->id[0] && !j->leave ? (struct docker_job *)j : NULL;
}

/* When the first connect waiting for an early read is due (0: none), and
 * its network in net. */
static uint64_t early_first(const struct docker *d, int *net)
{
	uint64_t t = 0;

	for (unsigned int k = 0; k < DOCKER_INSPECTS + d->njobs; k++) {
		const struct docker_job *j = job_at(d, k);

		if (j && j->early && (!t || j->early_at < t)) {
			t = j->early_at;
			*net = __builtin_ctz(j->early);
		}
	}
	return t;
}

/* What the early read did for one waiting container: an address set (not
 * announced: that waits for its start), or refused with a line, or nothing
 * yet: then it is due at the next read's earliest, behind those due
 * before, so that one never listed does not keep the reads on its network
 * while others wait on another. */
static void early_take(struct docker *d, struct docker_net *n,
		       struct docker_job *j, enum docker_early v,
		       const struct prefix *a)
{
	struct refuse_ctx ctx = { d, n };
	char txt[INET6_ADDRSTRLEN];
	int i = (int)(n - d->nets);
	bool changed;

	if (v == DOCKER_EARLY_UNLISTED) {
		j->early_at = d->early_next;
		return;
	}
	j->early &= ~(1u << i);
	if (v == DOCKER_EARLY_TAKEN) {
		inet_ntop(AF_INET6, &a->addr, txt, sizeof(txt));
		on_refused(&ctx, txt, "another container's address");
	} else if (v == DOCKER_EARLY_TAKE && in_subnets(d, n, a)) {
		if (docker_table_set(&d->tab, i, j->id, a, &changed))
			n->dirty = true;
		else
			d->stats.early_adds++;
	}
}

/*
 * An early read's reply: the addresses of the containers waiting on this
 * network, by an inspection's rules (the exact Id, an address a static
 * entry could be, inside the network's subnets) and one more, as the list
 * is not the container's own word: an address the reply or the table also
 * gives another container is refused. The others' addresses are left to
 * the resync, refusals included.
 */
static void early_reply(struct docker *d, struct docker_net *n)
{
	enum docker_early verdict[DOCKER_EARLY_MAX];
	struct docker_job *jobs[DOCKER_EARLY_MAX];
	const char *waiting[DOCKER_EARLY_MAX];
	struct prefix addr[DOCKER_EARLY_MAX];
	struct prefix_set addrs = {};
	struct docker_ids ids = {};
	int i = (int)(n - d->nets);
	size_t nw = 0;
	char why[160];
	int ret;

	if (d->req.status == 404)
		return; /* a resync says it */
	if (d->req.status != 200) {
		snprintf(why, sizeof(why), "HTTP %d", d->req.status);
		reply_refused(d, n, -EPROTO, why);
		return;
	}
	ret = docker_net_decode(d->req.body ? d->req.body : "", d->req.body_len,
				&addrs, &ids, NULL, NULL, why, sizeof(why));
	if (ret) {
		reply_refused(d, n, ret, why);
		return;
	}
	readable(d, n);
	net_subnets(d, n);
	for (unsigned int k = 0;
	     k < DOCKER_INSPECTS + d->njobs && nw < DOCKER_EARLY_MAX; k++) {
		struct docker_job *j = job_at(d, k);

		if (j && (j->early & (1u << i))) {
			jobs[nw] = j;
			waiting[nw++] = j->id;
		}
	}
	docker_table_early(&d->tab, i, &addrs, &ids, d->req_gen, waiting, nw,
			   verdict, addr);
	for (size_t k = 0; k < nw; k++)
		early_take(d, n, jobs[k], verdict[k], &addr[k]);
	prefix_set_free(&addrs);
	docker_ids_free(&ids);
}

/* pre, then name with all but RFC 3986's unreserved characters
 * percent-encoded, then post. */
static int api_path(const char *pre, const char *name, const char *post,
		    char *buf, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = (size_t)snprintf(buf, len, "%s", pre);

	for (const unsigned char *c = (const void *)name; *c; c++) {
		if (o + 4 > len)
			return -ENAMETOOLONG;
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		    (*c >= '0' && *c <= '9') || strchr("-._~", *c)) {
			buf[o++] = (char)*c;
		} else {
			buf[o++] = '%';
			buf[o++] = hex[*c >> 4];
			buf[o++] = hex[*c & 15];
		}
	}
	buf[o] = '\0';
	if (o + strlen(post) >= len)
		return -ENAMETOOLONG;
	strcat(buf, post);
	return 0;
}

/* An inspection ended: HTTP_DONE or a negative errno. */
static void ins_end(struct docker *d, struct docker_ins *in, int ret)
{
	if (ret == HTTP_DONE)
		ctr_reply(d, in);
	else if (ret == -EFBIG || ret == -ETIMEDOUT)
		ins_refused(d, in, ret,
			    ret == -EFBIG ? "over the size cap" :
					    "no answer within 15s");
	else
		api_down(d, in->job.id, errstr(ret));
	http_close(&in->conn);
}

/* The containers waiting for inspection, into the free slots. One whose
 * inspection is in flight waits for its end: replies are applied in the
 * order they were asked. An inspection waits for its container's start to
 * end (Docker holds the container's lock), seconds on a loaded host: its
 * timeout is longer than other requests', and the API's health is theirs
 * to tell. */
static void ins_start(struct docker *d, uint64_t now)
{
	struct docker_job *head;
	struct docker_ins *in;
	char path[200];
	int ret;

	for (int i = 0; i < DOCKER_INSPECTS && d->njobs && d->api_up; i++) {
		in = &d->ins[i];
		head = &d->jobs[d->job_head];
		if (in->conn.fd >= 0 || (head->id[0] && in_flight(d, head->id)))
			continue;
		d->job_head = (d->job_head + 1) % DOCKER_JOBS;
		d->njobs--;
		if (!head->id[0] || api_path("/containers/", head->id, "/json",
					     path, sizeof(path))) {
			i--; /* cancelled; or cannot be: IDs are checked */
			continue;
		}
		in->job = *head;
		ret = http_get_start(&in->conn, d->sock, path, DOCKER_REPLY_MAX,
				     NULL, NULL, now + INSPECT_TIMEOUT_MS);
		if (ret)
			api_down(d, path, errstr(ret));
	}
}

/* The network to resync next. */
static int next_read(const struct docker *d)
{
	for (int i = 0; i < d->nnets; i++)
		if (d->nets[i].dirty)
			return i;
	return -1;
}

static void req_start(struct docker *d, uint64_t now)
{
	char path[400];
	int i, ret;
	bool early = false;

	if (!d->api_up) {
		if (now < d->next_ping)
			return;
		d->next_ping = now + PING_EVERY_MS;
		d->req_net = REQ_PING;
		http_get_start(&d->req, d->sock, "/_ping", PING_MAX, NULL, NULL,
			       now + PING_EVERY_MS);
		return;
	}
	i = next_read(d);
	/* A resync serves the waiting connects too; else an early read, all
	 * that wait served by it, no sooner than DOCKER_EARLY_EVERY_MS after
	 * the last: its cost is bounded by time, not by events. */
	if (i < 0 && early_first(d, &i) > now)
		return;
	if (i < 0 || (!d->nets[i].dirty && now < d->early_next))
		return;
	early = !d->nets[i].dirty;
	if (early) {
		d->early_next = now + DOCKER_EARLY_EVERY_MS;
		d->stats.early_reads++;
	}
	d->req_net = i;
	d->req_early = early;
	d->req_gen = d->tab.gen;
	d->tab.recording = true;
	/* An event during the read asks for another. */
	d->nets[i].dirty = false;
	ret = api_path("/networks/", d->nets[i].name, "", path, sizeof(path));
	if (ret) {
		d->nets[i].dirty = false;
		reply_refused(d, &d->nets[i], ret, "name too long");
		return;
	}
	ret = http_get_start(&d->req, d->sock, path, DOCKER_REPLY_MAX, NULL,
			     NULL, now + API_TIMEOUT_MS);
	if (ret)
		api_down(d, path, errstr(ret));
}

/* A request ended: HTTP_DONE or a negative errno. */
static void req_end(struct docker *d, int ret)
{
	struct docker_net *n = d->req_net >= 0 ? &d->nets[d->req_net] : NULL;

	if (d->req_net == REQ_PING) {
		if (ret == HTTP_DONE && d->req.status == 200)
			api_back(d);
	} else if (ret == -EFBIG) {
		reply_refused(d, n, ret, "over the size cap");
	} else if (ret < 0) {
		api_down(d, n->name, errstr(ret)); /* its return resyncs */
	} else if (d->req_early) {
		early_reply(d, n);
	} else {
		net_reply(d, n);
	}
	if (n) {
		d->tab.recording = false;
		d->tab.ngone = 0;
	}
	http_close(&d->req);
}

/* ---- The poll loop's side. */

int docker_pollfds(const struct docker *d, struct pollfd *p)
{
	int n = 0;

	if (d->req.fd >= 0)
		p[n++] = (struct pollfd){ d->req.fd, http_poll_events(&d->req),
					  0 };
	if (d->ev.fd >= 0)
		p[n++] = (struct pollfd){ d->ev.fd, http_poll_events(&d->ev),
					  0 };
	for (int i = 0; i < DOCKER_INSPECTS; i++)
		if (d->ins[i].conn.fd >= 0)
			p[n++] = (struct pollfd){
				d->ins[i].conn.fd,
				http_poll_events(&d->ins[i].conn), 0
			};
	return n;
}

static uint64_t earliest(uint64_t a, uint64_t b)
{
	return !a || (b && b < a) ? b : a;
}

/* The next moment docker_process has something to do, 0 for none. */
static uint64_t next_due(const struct docker *d)
{
	uint64_t t = d->req.fd >= 0 ? d->req.deadline : 0, e;
	int net;

	t = earliest(t, d->ev.fd >= 0 ? d->ev.deadline : 0);
	if (d->ev.fd < 0 && d->api_up)
		t = earliest(t, d->ev_retry_at);
	if (d->req.fd < 0)
		t = earliest(t, d->api_up ? d->next_resync : d->next_ping);
	if (d->req.fd < 0 && d->api_up && (e = early_first(d, &net)))
		t = earliest(t, e > d->early_next ? e : d->early_next);
	for (int i = 0; i < DOCKER_INSPECTS; i++) {
		const struct http_conn *c = &d->ins[i].conn;

		t = earliest(t, c->fd >= 0 ? c->deadline : 0);
		if (c->fd < 0 && d->api_up && d->njobs)
			t = 1; /* at once */
	}
	if (d->ev_up && d->ev_fails)
		t = earliest(t, d->ev_since + STREAM_HEALTHY_MS);
	return t;
}

int docker_timeout_ms(const struct docker *d)
{
	uint64_t t = next_due(d), now = http_now_ms();

	if (!t)
		return -1;
	if (t <= now)
		return 0;
	return t - now > 60000 ? 60000 : (int)(t - now);
}

static void on_timers(struct docker *d, uint64_t now)
{
	if (d->req.fd >= 0 && d->req.deadline && now >= d->req.deadline)
		req_end(d, -ETIMEDOUT);
	for (int i = 0; i < DOCKER_INSPECTS; i++) {
		struct docker_ins *in = &d->ins[i];

		if (in->conn.fd >= 0 && in->conn.deadline &&
		    now >= in->conn.deadline)
			ins_end(d, in, -ETIMEDOUT);
	}
	if (d->ev.fd >= 0 && d->ev.deadline && now >= d->ev.deadline)
		stream_failed(d, "no answer within 5s");
	stream_check_healthy(d, now);
	if (d->api_up && now >= d->next_resync) {
		mark_all_dirty(d);
		d->next_resync = now + RESYNC_EVERY_MS;
	}
	if (d->ev.fd < 0 && d->api_up && now >= d->ev_retry_at)
		stream_start(d);
	if (d->req.fd < 0)
		req_start(d, now);
	ins_start(d, now);
}

void docker_process(struct docker *d, const struct pollfd *p, int n)
{
	short req_ev = 0, ev_ev = 0, ins_ev[DOCKER_INSPECTS] = {};
	int ret;

	/* All first: a step may close an fd and the next open reuse it. */
	for (int i = 0; i < n; i++) {
		if (p[i].fd == d->req.fd)
			req_ev = p[i].revents;
		else if (p[i].fd == d->ev.fd)
			ev_ev = p[i].revents;
		for (int k = 0; k < DOCKER_INSPECTS; k++)
			if (p[i].fd == d->ins[k].conn.fd)
				ins_ev[k] = p[i].revents;
	}
	if (req_ev) {
		ret = http_step(&d->req, req_ev);
		if (ret != HTTP_MORE)
			req_end(d, ret);
	}
	for (int k = 0; k < DOCKER_INSPECTS; k++) {
		if (!ins_ev[k])
			continue;
		ret = http_step(&d->ins[k].conn, ins_ev[k]);
		if (ret != HTTP_MORE)
			ins_end(d, &d->ins[k], ret);
	}
	if (ev_ev)
		stream_step(d, ev_ev);
	on_timers(d, http_now_ms());
	flush(d);
}

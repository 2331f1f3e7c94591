// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "events.h"
#include "iface.h"
#include "log.h"
#include "maps.h"

static const char *const kind_names[] = { "multicast", "unicast", "dad" };

void event_log(const struct slog *log, const char *ifname,
	       const struct ndpr_event *ev)
{
	static const char *const keys[] = { "ns",     "iface",	"kind",
					    "target", "source", "mac",
					    "reason" };
	char target[INET6_ADDRSTRLEN], source[INET6_ADDRSTRLEN], mac[18];
	char ns[2 * INET6_ADDRSTRLEN + 32];
	const char *vals[7];
	bool answer = ev->outcome == NDPR_C_answered ||
		      ev->outcome == NDPR_C_answered_dad;
	const char *kind = ev->kind < 3 ? kind_names[ev->kind] : "?";

	inet_ntop(AF_INET6, ev->target, target, sizeof(target));
	inet_ntop(AF_INET6, ev->source, source, sizeof(source));
	mac_format(ev->mac, mac, sizeof(mac));
	/* The Go ndpresponder's wording, so its log readers keep working. */
	if (ev->kind == NDPR_KIND_DAD)
		snprintf(ns, sizeof(ns), "dad %s", target);
	else
		snprintf(ns, sizeof(ns), "%s %s tell %s",
			 ev->kind == NDPR_KIND_UNICAST ? "is-alive" : "who-has",
			 target, source);
	vals[0] = ns;
	vals[1] = ifname;
	vals[2] = kind;
	vals[3] = target;
	vals[4] = source;
	vals[5] = mac;
	vals[6] = answer ? NULL : counter_name(ev->outcome);
	slog_fields(log, answer ? SLOG_INFO : SLOG_DEBUG,
		    answer			       ? "RESPOND" :
		    ev->outcome == NDPR_C_error_resize ? "ERROR" :
							 "INVALID",
		    keys, vals, 7);
}

static int on_event(void *ctx, void *data, size_t len)
{
	struct event_reader *r = ctx;
	const struct ndpr_event *ev = data;

	if (len < sizeof(*ev))
		return 0;
	/* The ring may hold events from before we started. */
	if (ev->ts_ns < r->since_ns)
		return 0;
	if (r->sink)
		r->sink(r->sink_arg, ev);
	else
		event_log(r->log, r->ifname, ev);
	return 0;
}

static __u64 suppressed_total(int fd)
{
	struct ndpr_counters sum;

	return counters_read(fd, &sum, NULL, NULL) ? 0 : sum.events_suppressed;
}

/* The rate the attach configured, from the attach record. */
static int read_rate(const struct pin_dir *pd, __u64 *per_cpu)
{
	struct ndpr_maps m = NDPR_MAPS_INIT;
	struct ndpr_state st;
	int ret = maps_open_quiet(pd, &m);

	if (!ret)
		ret = maps_state_read(&m, &st);
	if (!ret)
		*per_cpu = st.config.events_per_cpu;
	maps_close(&m);
	return ret;
}

/* Sets, not adds: two readers refilling cannot pile tokens up. */
void event_reader_refill(const struct event_reader *r)
{
	int n = libbpf_num_possible_cpus();
	__u64 *v;
	__u32 zero = 0;

	if (n <= 0 || r->tokens_fd < 0)
		return;
	v = calloc((size_t)n, sizeof(*v));
	if (!v)
		return;
	for (int i = 0; i < n; i++)
		v[i] = r->per_cpu;
	bpf_map_update_elem(r->tokens_fd, &zero, v, BPF_ANY);
	free(v);
}

static void report_suppressed(struct event_reader *r);

/* Opens the pin name into *fd; *what names it for the error message. */
static int open_pin(const struct pin_dir *pd, const char *name, int *fd,
		    const char **what)
{
	*what = name;
	*fd = pin_open(pd, name);
	return *fd < 0 ? *fd : 0;
}

int event_reader_open(struct event_reader *r, const struct pin_dir *pd,
		      const char *ifname, const char *ring,
		      const struct slog *log)
{
	struct timespec now;
	const char *what;
	int ret;

	memset(r, 0, sizeof(*r));
	r->ring_fd = r->counters_fd = r->tokens_fd = -1;
	r->log = log;
	r->ifname = ifname;
	clock_gettime(CLOCK_MONOTONIC, &now);
	r->since_ns = (__u64)now.tv_sec * 1000000000ULL + (__u64)now.tv_nsec;

	ret = open_pin(pd, ring, &r->ring_fd, &what);
	if (!ret)
		ret = open_pin(pd, NDPR_PIN(counters), &r->counters_fd, &what);
	if (!ret)
		ret = open_pin(pd, NDPR_PIN(evtokens), &r->tokens_fd, &what);
	if (!ret)
		ret = read_rate(pd, &r->per_cpu);
	if (ret) {
		pr_err("%s: couldn't open the event ring %s/%s: %s", ifname,
		       pd->dir, what, errstr(ret));
		goto err;
	}
	r->rb = ring_buffer__new(r->ring_fd, on_event, r, NULL);
	if (!r->rb) {
		ret = -errno;
		pr_err("%s: couldn't map the event ring: %s", ifname,
		       errstr(ret));
		goto err;
	}
	r->suppressed = suppressed_total(r->counters_fd);
	event_reader_refill(r);
	return 0;
err:
	event_reader_close(r);
	return ret;
}

void event_reader_close(struct event_reader *r)
{
	ring_buffer__free(r->rb);
	r->rb = NULL;
	if (r->ring_fd >= 0)
		close(r->ring_fd);
	if (r->counters_fd >= 0)
		close(r->counters_fd);
	if (r->tokens_fd >= 0)
		close(r->tokens_fd);
	r->ring_fd = r->counters_fd = r->tokens_fd = -1;
}

int event_reader_fd(const struct event_reader *r)
{
	return ring_buffer__epoll_fd(r->rb);
}

int event_reader_drain(struct event_reader *r)
{
	return ring_buffer__consume(r->rb);
}

void event_reader_tick(struct event_reader *r)
{
	event_reader_refill(r);
	report_suppressed(r);
}

static void report_suppressed(struct event_reader *r)
{
	__u64 now = suppressed_total(r->counters_fd);
	char n[32];
	static const char *const keys[] = { "iface", "suppressed" };
	const char *vals[2] = { r->ifname, n };

	if (now <= r->suppressed)
		return;
	snprintf(n, sizeof(n), "%llu",
		 (unsigned long long)(now - r->suppressed));
	r->suppressed = now;
	slog_fields(r->log, SLOG_WARN, "events suppressed by the rate limit",
		    keys, vals, 2);
}

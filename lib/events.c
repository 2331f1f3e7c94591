// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <bpf/bpf.h>

#include "events.h"
#include "iface.h"
#include "log.h"
#include "maps.h"

static const char *const kind_names[] = { "multicast", "unicast", "dad" };

const char *const event_keys[EVENT_NFIELDS] = { "ns",	  "iface",  "kind",
						"target", "source", "mac",
						"reason" };

static bool is_answer(__u8 outcome)
{
	return outcome == NDPR_C_answered || outcome == NDPR_C_answered_dad;
}

void event_text(struct event_text *t, const char *ifname,
		const struct ndpr_event *ev)
{
	bool answer = is_answer(ev->outcome);

	inet_ntop(AF_INET6, ev->target, t->target, sizeof(t->target));
	inet_ntop(AF_INET6, ev->source, t->source, sizeof(t->source));
	mac_format(ev->mac, t->mac, sizeof(t->mac));
	/* The Go ndpresponder's wording, so its log readers keep working. */
	if (ev->kind == NDPR_KIND_DAD)
		snprintf(t->ns, sizeof(t->ns), "dad %s", t->target);
	else
		snprintf(t->ns, sizeof(t->ns), "%s %s tell %s",
			 ev->kind == NDPR_KIND_UNICAST ? "is-alive" : "who-has",
			 t->target, t->source);
	t->vals[0] = t->ns;
	t->vals[1] = ifname;
	t->vals[2] = ev->kind < 3 ? kind_names[ev->kind] : "?";
	t->vals[3] = t->target;
	t->vals[4] = t->source;
	t->vals[5] = t->mac;
	t->vals[6] = answer ? NULL : counter_name(ev->outcome);
	t->level = answer ? SLOG_INFO : SLOG_DEBUG;
	t->msg = answer					? "RESPOND" :
		 ev->outcome == NDPR_C_error_resize	? "ERROR" :
		 ev->outcome < NDPR_C_invalid_truncated ? "PASS" :
							  "INVALID";
}

void event_log(const struct slog *log, const char *ifname,
	       const struct ndpr_event *ev)
{
	struct event_text t;

	event_text(&t, ifname, ev);
	slog_fields(log, t.level, t.msg, event_keys, t.vals, EVENT_NFIELDS);
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

static __u64 suppressed_total(const struct event_reader *r)
{
	struct ndpr_counters sum;

	return counters_read(r->counters_fd, r->empty_fd, &sum, NULL, NULL) ?
		       0 :
		       sum.events_suppressed;
}

/* Until when, from now, a monitor --all wants passed NS (0: no more):
 * written in place, the one field, so that the flags beside it that the
 * control plane sets are never written back stale. */
static void passed_renew(const struct event_reader *r, __u64 lease_ns)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	__atomic_store_n(&r->empty->passed_until,
			 lease_ns ? (__u64)now.tv_sec * 1000000000ULL +
					    (__u64)now.tv_nsec + lease_ns :
				    0,
			 __ATOMIC_RELAXED);
}

/* A new refill generation, in place: each CPU gives itself its tokens at
 * its next event (each refill sets them, so two readers cannot pile them
 * up). The first refill starts a session, the next ones continue the one
 * they find (include/ndpresponder.h): only while readers follow each
 * other do refusals count as suppressed. Compare-and-swap: two readers
 * refilling at once both advance it. */
void event_reader_refill(struct event_reader *r)
{
	__u64 old, gen;

	if (!r->empty)
		return;
	/* The rate first: a CPU that sees the new generation takes it. */
	__atomic_store_n(&r->empty->events_per_cpu, r->per_cpu,
			 __ATOMIC_RELAXED);
	old = __atomic_load_n(&r->empty->events_gen, __ATOMIC_RELAXED);
	do
		gen = r->joined ? old + 1 : (NDPR_GEN_SESSION(old) + 1) << 32;
	while (!__atomic_compare_exchange_n(&r->empty->events_gen, &old, gen,
					    false, __ATOMIC_RELEASE,
					    __ATOMIC_RELAXED));
	r->joined = true;
	if (r->passed)
		passed_renew(r, NDPR_PASSED_LEASE_NS);
}

static void report_suppressed(struct event_reader *r);

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

/* ndpr_empty mapped, where the refills and monitor --all's lease are
 * written in place: never the whole value, so that a fresh "known empty"
 * of the control plane beside them is never put back stale. */
static int map_empty_in_place(struct event_reader *r, const char **what)
{
	void *p = mmap(NULL, sizeof(struct ndpr_empty), PROT_READ | PROT_WRITE,
		       MAP_SHARED, r->empty_fd, 0);

	*what = NDPR_PIN(empty);
	if (p == MAP_FAILED)
		return -errno;
	r->empty = p;
	return 0;
}

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
	r->ring_fd = r->counters_fd = r->empty_fd = -1;
	r->log = log;
	r->ifname = ifname;
	clock_gettime(CLOCK_MONOTONIC, &now);
	r->since_ns = (__u64)now.tv_sec * 1000000000ULL + (__u64)now.tv_nsec;

	ret = open_pin(pd, ring, &r->ring_fd, &what);
	if (!ret)
		ret = open_pin(pd, NDPR_PIN(counters), &r->counters_fd, &what);
	if (!ret)
		ret = open_pin(pd, NDPR_PIN(empty), &r->empty_fd, &what);
	if (!ret)
		ret = map_empty_in_place(r, &what);
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
	event_reader_refill(r);
	r->suppressed = suppressed_total(r);
	return 0;
err:
	event_reader_close(r);
	return ret;
}

void event_reader_want_passed(struct event_reader *r)
{
	r->passed = true;
	event_reader_refill(r);
}

void event_reader_close(struct event_reader *r)
{
	/* A clean exit ends the lease at once; a killed reader's expires. */
	if (r->passed)
		passed_renew(r, 0);
	r->passed = false;
	if (r->empty)
		munmap(r->empty, sizeof(*r->empty));
	r->empty = NULL;
	ring_buffer__free(r->rb);
	r->rb = NULL;
	if (r->ring_fd >= 0)
		close(r->ring_fd);
	if (r->counters_fd >= 0)
		close(r->counters_fd);
	if (r->empty_fd >= 0)
		close(r->empty_fd);
	r->ring_fd = r->counters_fd = r->empty_fd = -1;
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
	__u64 now = suppressed_total(r);
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

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Docker mode's early read (service/docker_table.c, docker_table_early):
 * which of the containers waiting for their inspection a network's reply
 * serves, and with what. Only an exact ID is served; an address that the
 * reply or the table also gives another container is refused; a container
 * already in the table, or removed since the read began, is not the
 * read's to set. A pure function over a table made up here.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "docker_table.h"

static struct prefix p128(const char *s)
{
	struct prefix p = { .len = 128 };

	inet_pton(AF_INET6, s, &p.addr);
	return p;
}

/* The reply: "ID ADDR" pairs, into addrs and ids in step. */
static void reply(const char *const *pairs, size_t n, struct prefix_set *addrs,
		  struct docker_ids *ids)
{
	static char v[16][DOCKER_ID_LEN];
	char a[INET6_ADDRSTRLEN];
	struct prefix p;

	ids->v = v;
	ids->n = ids->cap = n;
	for (size_t i = 0; i < n; i++) {
		sscanf(pairs[i], "%64s %45s", v[i], a);
		p = p128(a);
		prefix_set_add(addrs, &p);
	}
}

static const char *name(enum docker_early v)
{
	static const char *const names[] = {
		[DOCKER_EARLY_UNLISTED] = "unlisted",
		[DOCKER_EARLY_TAKE] = "take",
		[DOCKER_EARLY_KNOWN] = "known",
		[DOCKER_EARLY_GONE] = "gone",
		[DOCKER_EARLY_TAKEN] = "taken",
	};

	return names[v];
}

int main(void)
{
	static const char *const pairs[] = {
		"w1 2001:db8::1",  /* a waiting one, its own address */
		"w3 2001:db8::3",  /* a waiting one... */
		"o3 2001:db8::3",  /* ...whose address the reply gives o3 too */
		"w4 2001:db8::4",  /* a waiting one, on t4's address */
		"w5 2001:db8::50", /* in the table already */
		"w6 2001:db8::6",  /* removed since the read began */
		"w7 2001:db8::7",  /* net 1 has that address: another network */
		"w1x 2001:db8::8", /* an ID that w1 is a prefix of */
	};
	static const struct {
		const char *id;
		enum docker_early v;
		const char *addr; /* for take and taken */
	} want[] = {
		{ "w1", DOCKER_EARLY_TAKE, "2001:db8::1" },
		{ "w2", DOCKER_EARLY_UNLISTED, NULL },
		{ "w3", DOCKER_EARLY_TAKEN, "2001:db8::3" },
		{ "w4", DOCKER_EARLY_TAKEN, "2001:db8::4" },
		{ "w5", DOCKER_EARLY_KNOWN, NULL },
		{ "w6", DOCKER_EARLY_GONE, NULL },
		{ "w7", DOCKER_EARLY_TAKE, "2001:db8::7" },
		{ "w", DOCKER_EARLY_UNLISTED, NULL },
	};
	const size_t n = sizeof(want) / sizeof(*want);
	struct prefix t4 = p128("2001:db8::4"), w5 = p128("2001:db8::5");
	struct prefix w6 = p128("2001:db8::6"), w7 = p128("2001:db8::7");
	struct prefix addr[sizeof(want) / sizeof(*want)];
	enum docker_early verdict[sizeof(want) / sizeof(*want)];
	const char *waiting[sizeof(want) / sizeof(*want)];
	struct docker_table t = {};
	struct prefix_set addrs = {};
	struct docker_ids ids = {};
	char got[INET6_ADDRSTRLEN], what[64];
	uint64_t since;
	bool changed;

	docker_table_set(&t, 0, "t4", &t4, &changed);
	docker_table_set(&t, 0, "w5", &w5, &changed);
	docker_table_set(&t, 0, "w6", &w6, &changed);
	docker_table_set(&t, 1, "t7", &w7, &changed);
	/* The read begins; then w6's die event. */
	since = t.gen;
	t.recording = true;
	docker_table_del(&t, -1, "w6");
	reply(pairs, sizeof(pairs) / sizeof(*pairs), &addrs, &ids);
	for (size_t i = 0; i < n; i++)
		waiting[i] = want[i].id;
	docker_table_early(&t, 0, &addrs, &ids, since, waiting, n, verdict,
			   addr);
	for (size_t i = 0; i < n; i++) {
		bool has_addr = verdict[i] == DOCKER_EARLY_TAKE ||
				verdict[i] == DOCKER_EARLY_TAKEN;

		got[0] = '\0';
		if (has_addr)
			inet_ntop(AF_INET6, &addr[i].addr, got, sizeof(got));
		snprintf(what, sizeof(what), "early read: %s %s", want[i].id,
			 name(want[i].v));
		harness_result(verdict[i] == want[i].v &&
				       (!want[i].addr ||
					!strcmp(got, want[i].addr)),
			       what, "got %s %s", name(verdict[i]), got);
	}
	/* Nothing changed in the table: the caller sets what it takes. */
	harness_result(t.n == 3 && !docker_table_find(&t, 0, "w1"),
		       "early read: the table unchanged", "%zu entries", t.n);
	prefix_set_free(&addrs);
	docker_table_free(&t);
	return harness_exit();
}

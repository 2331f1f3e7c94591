// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libFuzzer target over what the Docker Engine API sends, built with ASan
 * and UBSan. The first input octet picks one:
 *
 *   % 3 == 0  docker_net_decode on the rest: every address it returns is
 *             a /128 that prefix_parse accepts (the rules of static
 *             entries), and a refusal leaves the output set untouched
 *   % 3 == 1  line_split_feed on the rest, fed in pieces whose sizes the
 *             second octet picks, held against an independent split at
 *             '\n' (empty lines skipped)
 *   % 3 == 2  docker_event_decode on the rest: its names fit their
 *             buffers and a container event names its container; then
 *             docker_ctr_decode: every address it returns is a /128
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docker_json.h"
#include "fail.h"

#define broken(...) fuzz_fail(stderr, "fuzz_docker: BROKEN", true, __VA_ARGS__)

static void no_refuse(void *ctx, const char *addr, const char *why)
{
	if (!addr || !why || !*why)
		broken("a refusal without an address or a reason");
}

static void check_decode(const char *d, size_t n)
{
	struct prefix_set s = {};
	struct prefix p;
	char why[160], a[INET6_ADDRSTRLEN], err[256];
	int ret = docker_net_decode(d, n, &s, NULL, no_refuse, NULL, why,
				    sizeof(why));

	if (ret && s.n)
		broken("refused (%d: %s) with %zu addresses out", ret, why,
		       s.n);
	for (size_t i = 0; i < s.n; i++) {
		inet_ntop(AF_INET6, &s.v[i].addr, a, sizeof(a));
		if (s.v[i].len != 128)
			broken("%s returned as a /%u", a, s.v[i].len);
		if (prefix_parse(a, 0, &p, err, sizeof(err)))
			broken("%s returned, but a static entry: %s", a, err);
	}
	prefix_set_free(&s);
}

static char got[8192], want[8192];
static size_t got_len;

static void add_line(void *ctx, const char *line, size_t len)
{
	if (!len)
		broken("an empty line passed on");
	if (got_len + len + 1 > sizeof(got))
		broken("more lines out than in");
	memcpy(got + got_len, line, len);
	got_len += len;
	got[got_len++] = '\n';
}

static void check_split(const uint8_t *d, size_t n)
{
	static struct line_split ls;
	size_t piece = n ? (size_t)d[0] % 17 + 1 : 1, o = 0, w = 0, start;
	int ret = 0;

	if (n)
		d++, n--;
	ls.len = 0;
	got_len = 0;
	for (size_t off = 0; off < n && !ret; off += piece)
		ret = line_split_feed(&ls, (const char *)d + off,
				      n - off < piece ? n - off : piece,
				      add_line, NULL);
	if (ret)
		broken("line_split_feed failed (%d) on %zu octets", ret, n);
	/* The independent reading: complete lines, empty ones skipped. */
	for (start = 0; o < n; o++) {
		if (d[o] != '\n')
			continue;
		if (o > start) {
			memcpy(want + w, d + start, o - start);
			w += o - start;
			want[w++] = '\n';
		}
		start = o + 1;
	}
	if (w != got_len || memcmp(want, got, w))
		broken("lines differ: %zu octets out, %zu expected", got_len,
		       w);
	if (ls.len != n - start)
		broken("%zu octets held back, %zu expected", ls.len, n - start);
}

static void check_event(const char *d, size_t n)
{
	static const char *const nets[] = { "v6", "n" };
	struct prefix addrs[2];
	struct docker_event ev;
	bool has[2], running;
	char why[160];

	memset(&ev, 0x55, sizeof(ev));
	if (docker_event_decode(d, n, &ev)) {
		if (!memchr(ev.net, '\0', sizeof(ev.net)) ||
		    !memchr(ev.id, '\0', sizeof(ev.id)))
			broken("a name without its NUL");
		if (ev.kind != DOCKER_EV_NONE && ev.kind != DOCKER_EV_NET &&
		    !ev.id[0])
			broken("a container event without its container");
	}
	/* The same octets as a container object. */
	if (docker_ctr_decode(d, n, "c", nets, 2, addrs, has, &running,
			      no_refuse, NULL, why, sizeof(why)))
		return;
	for (int i = 0; i < 2; i++)
		if (has[i] && addrs[i].len != 128)
			broken("a container's address is not a /128");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy;

	if (!size || size > sizeof(got) - 1)
		return 0;
	if (data[0] % 3 == 1) {
		check_split(data + 1, size - 1);
		return 0;
	}
	/* A copy of its own, so that ASan sees any read past the end. */
	copy = malloc(size - 1 ? size - 1 : 1);
	memcpy(copy, data + 1, size - 1);
	if (data[0] % 3 == 0)
		check_decode(copy, size - 1);
	else
		check_event(copy, size - 1);
	free(copy);
	return 0;
}

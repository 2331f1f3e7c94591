// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * libFuzzer target over the control plane's parsers, built with ASan and
 * UBSan: everything the user types or writes in a prefix file reaches
 * them before any check of ours. The first input octet picks one:
 *
 *   % 4 == 0  prefix_parse on the rest as a string (bit 2 of the first
 *             octet: PREFIX_ALLOW_DEFAULT), held against an independent
 *             reading of "ADDR[/LEN]" and the README's refusals, and
 *             round-tripped through prefix_format
 *   % 4 == 1  prefix_file_read on the rest as a file, held against an
 *             independent reading of the file format (prefix.h)
 *   % 4 == 2  attach's command line: the rest split at NUL octets into
 *             argv, through verb_getopt, attach_opt, attach_add_prefix and
 *             attach_opts_finish as cmd_attach calls them
 *   % 4 == 3  parse_uint, mac_parse and route_check_parse
 *
 * A broken property prints what and aborts. The parsers print one line
 * per refusal, by design; the fuzzer sends those to /dev/null unless
 * NDPR_FUZZ_VERBOSE is set, or thousands a second would bury its own.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#include "attach_args.h"
#include "cli.h"
#include "fail.h"
#include "iface.h"
#include "prefix.h"

#define MAX_INPUT 4096
#define MAX_ARGS  32

/* Where our own findings go: the stderr we started with. */
static FILE *report;
static int file_fd = -1;
static char file_path[64];

/* A broken property: the input is kept as a crash file. */
#define broken(...) fuzz_fail(report, "fuzz_parsers: BROKEN", true, __VA_ARGS__)

/* ---- an independent reading of a prefix ---- */

/*
 * What prefix_parse must accept (prefix.h, README 'attach'): an IPv6
 * address as inet_pton reads it, optionally '/' and decimal digits up to
 * 128; no host bits; not multicast, link-local, ::/128, ::1/128; and
 * unless allowed (--force) neither ::/0 nor a prefix so short that it
 * holds fe80:: or ff00::. Returns true and fills addr and len if so.
 */
/* Whether addr/len holds the address whose first 16 bits are top. */
static bool ref_holds(const uint8_t addr[16], unsigned int len,
		      unsigned int top)
{
	unsigned int first = (unsigned int)addr[0] << 8 | addr[1];
	unsigned int bits = len < 16 ? len : 16;
	unsigned int mask = bits ? 0xffffu << (16 - bits) & 0xffff : 0;

	if (len > 16)
		return false; /* longer prefixes hold only what they start with */
	return (first & mask) == (top & mask);
}

static bool ref_prefix(const char *s, unsigned int flags, uint8_t addr[16],
		       unsigned int *len)
{
	static const uint8_t zero[16];
	static const uint8_t one[16] = { [15] = 1 };
	char a[128];
	const char *slash = strchr(s, '/'), *d;
	size_t alen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned int i;

	/* prefix_parse refuses what does not fit its buffer. */
	if (strlen(s) >= INET6_ADDRSTRLEN + 8 || alen >= sizeof(a))
		return false;
	memcpy(a, s, alen);
	a[alen] = '\0';
	if (inet_pton(AF_INET6, a, addr) != 1)
		return false;
	*len = 128;
	if (slash) {
		if (!slash[1])
			return false;
		*len = 0;
		for (d = slash + 1; *d; d++) {
			if (*d < '0' || *d > '9')
				return false;
			*len = *len * 10 + (unsigned int)(*d - '0');
			if (*len > 128)
				return false;
		}
	}
	for (i = *len; i < 128; i++)
		if (addr[i / 8] & (0x80 >> (i % 8)))
			return false;
	if (addr[0] == 0xff)
		return false;
	if (addr[0] == 0xfe && (addr[1] & 0xc0) == 0x80)
		return false;
	if (*len == 128 && (!memcmp(addr, zero, 16) || !memcmp(addr, one, 16)))
		return false;
	/* ::ffff:0:0/96, IPv4-mapped, and what is inside it. */
	if (*len >= 96 && !memcmp(addr, zero, 10) && addr[10] == 0xff &&
	    addr[11] == 0xff)
		return false;
	if (*len == 0 && !(flags & PREFIX_ALLOW_DEFAULT))
		return false;
	/* fe80::/10 starts 1111 1110 10; ff00::/8 starts 1111 1111. */
	if (!(flags & PREFIX_ALLOW_DEFAULT) &&
	    (ref_holds(addr, *len, 0xfe80) || ref_holds(addr, *len, 0xff00)))
		return false;
	return true;
}

static void check_prefix(const char *s, unsigned int flags)
{
	struct prefix p = {}, q = {};
	char err[256], err2[256], text[PREFIX_STRLEN];
	uint8_t addr[16];
	unsigned int len;
	bool want;
	int ret;

	memset(err, 'x', sizeof(err));
	ret = prefix_parse(s, flags, &p, err, sizeof(err));
	want = ref_prefix(s, flags, addr, &len);
	if (ret && ret != -EINVAL)
		broken("prefix_parse('%s') returned %d", s, ret);
	if (!ret != want)
		broken("prefix_parse('%s', flags %u) %s it; the rules %s "
		       "it%s%s",
		       s, flags, ret ? "refused" : "accepted",
		       want ? "accept" : "refuse", ret ? ": " : "",
		       ret ? err : "");
	if (ret) {
		if (!memchr(err, '\0', sizeof(err)) || !err[0])
			broken("prefix_parse('%s'): no reason given", s);
		if (!strchr(s, '\n') && strchr(err, '\n'))
			broken("prefix_parse('%s'): reason of two lines: %s", s,
			       err);
		return;
	}
	if (p.len != len || memcmp(&p.addr, addr, 16))
		broken("prefix_parse('%s') gave /%u, want /%u or another "
		       "address",
		       s, p.len, len);
	prefix_format(&p, text, sizeof(text));
	if (prefix_parse(text, flags, &q, err2, sizeof(err2)))
		broken("prefix_parse('%s') accepts, but not its own "
		       "prefix_format '%s': %s",
		       s, text, err2);
	if (q.len != p.len || memcmp(&q.addr, &p.addr, 16))
		broken("'%s' -> '%s' reads back as another prefix", s, text);
}

/* The checks every entry that reaches a prefix map must pass. */
static void check_entry(const struct prefix *p, const char *where)
{
	char text[PREFIX_STRLEN];
	uint8_t addr[16];
	unsigned int len;

	prefix_format(p, text, sizeof(text));
	if (!ref_prefix(text, PREFIX_ALLOW_DEFAULT, addr, &len))
		broken("%s: entry '%s' breaks the prefix rules", where, text);
	if (p->action != NDPR_ACT_ANSWER && p->action != NDPR_ACT_EXCLUDE)
		broken("%s: '%s' has action %u", where, text, p->action);
	if (p->action == NDPR_ACT_EXCLUDE && p->flags)
		broken("%s: excluded '%s' has flags %#x", where, text,
		       p->flags);
	if (p->flags != 0 && p->flags != NDPR_PF_ROUTE_CHECK &&
	    p->flags != (NDPR_PF_ROUTE_CHECK | NDPR_PF_ROUTE_NEIGH))
		broken("%s: '%s' has flags %#x", where, text, p->flags);
}

/* ---- prefix files ---- */

/*
 * The file format of prefix.h, read on its own: lines end at '\n' (a NUL
 * octet in a line refuses the file), '#' starts a
 * comment, words are separated by blanks (" \t\r"), and a line is one of
 * "PREFIX", "PREFIX route-check[=route|=neigh|=off]", "exclude PREFIX", or
 * "option ..." (run's options, which the reader skips).
 * Returns 0 and the entries, or -EINVAL.
 */
static int ref_file(const uint8_t *data, size_t size, unsigned int flags,
		    struct prefix_set *out)
{
	size_t start = 0, end;

	while (start < size) {
		char line[MAX_INPUT + 1], *w[3], *save, *tok, *h;
		struct prefix p = { .action = NDPR_ACT_ANSWER };
		char err[256];
		int n = 0;

		for (end = start; end < size && data[end] != '\n'; end++)
			;
		/* A NUL would hide the rest of the line: refused. */
		if (memchr(data + start, 0, end - start))
			return -EINVAL;
		memcpy(line, data + start, end - start);
		line[end - start] = '\0';
		start = end + 1;
		h = strchr(line, '#');
		if (h)
			*h = '\0';
		for (tok = strtok_r(line, " \t\r", &save); tok && n < 3;
		     tok = strtok_r(NULL, " \t\r", &save))
			w[n++] = tok;
		/* "option ...": run's options, skipped by the reader. */
		if (n == 0 || !strcmp(w[0], "option"))
			continue;
		if (n == 3)
			return -EINVAL;
		if (n == 2 && !strcmp(w[0], "exclude")) {
			p.action = NDPR_ACT_EXCLUDE;
			w[0] = w[1];
		} else if (n == 2) {
			if (!strcmp(w[1], "route-check"))
				p.flags = NDPR_PF_ROUTE_CHECK;
			else if (!strcmp(w[1], "route-check=neigh"))
				p.flags = NDPR_PF_ROUTE_CHECK |
					  NDPR_PF_ROUTE_NEIGH;
			else
				return -EINVAL;
		}
		if (prefix_parse(w[0], flags, &p, err, sizeof(err)))
			return -EINVAL;
		if (prefix_set_add(out, &p))
			return -ENOMEM;
	}
	return 0;
}

static void check_file(const uint8_t *data, size_t size, unsigned int flags)
{
	struct prefix_set got = {}, want = {};
	int ret, ref;
	size_t i;

	if (ftruncate(file_fd, 0) ||
	    pwrite(file_fd, data, size, 0) != (ssize_t)size)
		broken("writing the memfd: %s", strerror(errno));
	ret = prefix_file_read(file_path, flags, &got);
	ref = ref_file(data, size, flags, &want);
	if (ret != ref)
		broken("prefix_file_read returned %d, the format says %d "
		       "(input %zu octets)",
		       ret, ref, size);
	if (!ret) {
		if (got.n != want.n)
			broken("prefix_file_read read %zu entries, the format "
			       "says %zu",
			       got.n, want.n);
		for (i = 0; i < got.n; i++) {
			check_entry(&got.v[i], "prefix file");
			if (memcmp(&got.v[i].addr, &want.v[i].addr, 16) ||
			    got.v[i].len != want.v[i].len ||
			    got.v[i].action != want.v[i].action ||
			    got.v[i].flags != want.v[i].flags)
				broken("prefix file: entry %zu differs", i);
		}
	}
	prefix_set_free(&got);
	prefix_set_free(&want);
}

/* ---- attach's command line ---- */

/* Whether an exclude of s holds all of p, bit by bit (excludes win). */
static bool ref_hidden(const struct prefix_set *s, const struct prefix *p)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct prefix *e = &s->v[i];
		unsigned int b;

		if (e->action != NDPR_ACT_EXCLUDE || e->len > p->len)
			continue;
		for (b = 0; b < e->len; b++)
			if ((e->addr.s6_addr[b / 8] ^ p->addr.s6_addr[b / 8]) &
			    (0x80 >> (b % 8)))
				break;
		if (b == e->len)
			return true;
	}
	return false;
}

/*
 * cmd_attach's reading of argv into o, without the attach itself; returns
 * true when cmd_attach would go on to attach with o.
 */
static bool parse_attach(int argc, char **argv, struct attach_opts *o)
{
	struct option opts[ATTACH_LONG_OPTS_MAX + 2];
	size_t n;
	int c;

	/* getopt keeps its state in globals: optind = 0 starts it afresh. */
	n = attach_long_opts(opts);
	opts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	memset(&opts[n], 0, sizeof(opts[n]));
	optind = 0;
	while ((c = verb_getopt(argc, argv, ATTACH_SHORT_OPTS "h", opts,
				"usage\n")) != -1) {
		if (c == 'h' || attach_opt(c, optarg, o) <= 0)
			return false;
	}
	if (optind > argc)
		broken("optind %d past argc %d", optind, argc);
	if (optind >= argc)
		return false;
	o->ifname = argv[optind++];
	for (; optind < argc; optind++)
		if (attach_add_prefix(o, argv[optind], NDPR_ACT_ANSWER))
			return false;
	return !attach_opts_finish(o);
}

/* Accepted options: what responder_attach would be given. */
static void check_attach_opts(const struct attach_opts *o)
{
	const uint8_t *mac = o->mac;
	size_t i;

	if ((unsigned int)o->mode > ATTACH_GENERIC)
		broken("attach: mode %d", o->mode);
	if ((unsigned int)o->override > NDPR_OVERRIDE_NEVER)
		broken("attach: override %d", o->override);
	if (o->max_prefixes > 1u << 24)
		broken("attach: max-prefixes %u", o->max_prefixes);
	if (o->event_rate > 1000000)
		broken("attach: log-rate %u", o->event_rate);
	if (o->mac_set && ((mac[0] & 1) || !(mac[0] | mac[1] | mac[2] | mac[3] |
					     mac[4] | mac[5])))
		broken("attach: --mac %02x:%02x:%02x:%02x:%02x:%02x accepted",
		       mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	for (i = 0; i < o->prefixes.n; i++) {
		const struct prefix *q = &o->prefixes.v[i];

		check_entry(q, "attach");
		if (q->action == NDPR_ACT_ANSWER && ref_hidden(&o->prefixes, q))
			broken("attach: an answered entry inside a given "
			       "exclude accepted");
		if (!q->len && !o->force)
			broken("attach: ::/0 accepted without --force");
		if (q->action == NDPR_ACT_ANSWER && q->flags != o->route_flags)
			broken("attach: answered entry without the "
			       "--route-check flags");
	}
}

static void check_attach(char *buf, size_t size)
{
	struct attach_opts o = { .override = NDPR_OVERRIDE_MULTICAST };
	char *argv[MAX_ARGS + 1];
	int argc = 0;
	char *p;

	argv[argc++] = "attach";
	for (p = buf; p < buf + size && argc < MAX_ARGS; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	if (parse_attach(argc, argv, &o))
		check_attach_opts(&o);
	prefix_set_free(&o.prefixes);
}

/* ---- small parsers ---- */

static void check_small(const char *s)
{
	unsigned long v;
	uint8_t mac[6], mac2[6];
	char text[32];
	uint8_t rc = 0xff;
	const char *d;
	bool digit = false;

	if (!parse_uint(s, 1, 1u << 24, &v)) {
		for (d = s; *d; d++)
			digit |= isdigit((unsigned char)*d);
		for (d = s; *d; d++)
			digit &= isdigit((unsigned char)*d) != 0;
		if (v < 1 || v > 1u << 24 || !digit ||
		    !isdigit((unsigned char)*s))
			broken("parse_uint('%s') accepted %lu", s, v);
	}
	if (!mac_parse(s, mac)) {
		if ((mac[0] & 1) ||
		    !(mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]))
			broken("mac_parse('%s') accepted a group or zero MAC",
			       s);
		for (d = s; *d; d++)
			if (!isxdigit((unsigned char)*d) && *d != ':')
				broken("mac_parse('%s') took a non-hex octet",
				       s);
		mac_format(mac, text, sizeof(text));
		if (strcasecmp(s, text))
			broken("mac_parse('%s') is not aa:bb:cc:dd:ee:ff", s);
		if (mac_parse(text, mac2) || memcmp(mac, mac2, 6))
			broken("mac_parse('%s') -> '%s' does not read back", s,
			       text);
	}
	if (!route_check_parse(s, &rc) && strcmp(s, "route") &&
	    strcmp(s, "neigh") && strcmp(s, "off"))
		broken("route_check_parse('%s') accepted", s);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	report = stderr;
	if (!getenv("NDPR_FUZZ_VERBOSE")) {
		/* libFuzzer and the sanitizers keep their own handle on
		 * fd 2; only the parsers' stdio goes to /dev/null. */
		FILE *null = fopen("/dev/null", "w");

		if (null) {
			stderr = null;
			stdout = null;
		}
	}
	file_fd = memfd_create("ndpr-fuzz-prefixes", 0);
	if (file_fd < 0) {
		fprintf(report, "fuzz_parsers: memfd_create: %s\n",
			strerror(errno));
		exit(1);
	}
	snprintf(file_path, sizeof(file_path), "/proc/self/fd/%d", file_fd);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[MAX_INPUT + 1];
	unsigned int flags;

	if (size < 1 || size > MAX_INPUT)
		return 0;
	flags = data[0] & 4 ? PREFIX_ALLOW_DEFAULT : 0;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = '\0';
	switch (data[0] % 4) {
	case 0:
		check_prefix(buf, flags);
		break;
	case 1:
		check_file(data + 1, size - 1, flags);
		break;
	case 2:
		check_attach(buf, size - 1);
		break;
	default:
		check_small(buf);
	}
	return 0;
}

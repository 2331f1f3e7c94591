// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ndpresponder.h"
#include "log.h"
#include "prefix.h"

static void mask_addr(struct in6_addr *a, unsigned int len)
{
	for (unsigned int i = 0; i < 16; i++) {
		if (len >= (i + 1) * 8)
			continue;
		if (len <= i * 8)
			a->s6_addr[i] = 0;
		else
			a->s6_addr[i] &= (uint8_t)(0xff << (8 - (len - i * 8)));
	}
}

/* Whether the prefix a/len holds the address r. */
static bool covers(const struct in6_addr *a, unsigned int len, const char *r)
{
	struct in6_addr x;

	inet_pton(AF_INET6, r, &x);
	mask_addr(&x, len);
	return !memcmp(&x, a, sizeof(x));
}

/* The ranges that can never be a neighbour's target on a link. */
static const char *refused_range(const struct in6_addr *a, unsigned int len)
{
	if (a->s6_addr[0] == 0xff)
		return "is multicast";
	if (a->s6_addr[0] == 0xfe && (a->s6_addr[1] & 0xc0) == 0x80)
		return "is link-local";
	if (len == 128 && IN6_IS_ADDR_UNSPECIFIED(a))
		return "is the unspecified address";
	if (len == 128 && IN6_IS_ADDR_LOOPBACK(a))
		return "is the loopback address";
	return NULL;
}

/* A prefix short enough to hold link-local or multicast addresses too. */
static const char *broad_range(const struct in6_addr *a, unsigned int len)
{
	if (len <= 10 && covers(a, len, "fe80::"))
		return "covers link-local addresses";
	if (len <= 8 && covers(a, len, "ff00::"))
		return "covers multicast addresses";
	return NULL;
}

int prefix_parse(const char *s, unsigned int flags, struct prefix *p,
		 char *err, size_t errlen)
{
	char buf[INET6_ADDRSTRLEN + 8], *slash, *end;
	struct in6_addr masked;
	unsigned long len = 128;
	const char *why;

	if (strlen(s) >= sizeof(buf)) {
		snprintf(err, errlen, "'%.60s...' is not an IPv6 prefix", s);
		return -EINVAL;
	}
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (slash) {
		*slash++ = '\0';
		errno = 0;
		len = strtoul(slash, &end, 10);
		if (!*slash || *end || errno || !isdigit((unsigned char)*slash)) {
			snprintf(err, errlen,
				 "'%s': prefix length must be a number", s);
			return -EINVAL;
		}
		if (len > 128) {
			snprintf(err, errlen,
				 "'%s': prefix length %lu is over 128", s, len);
			return -EINVAL;
		}
	}
	if (inet_pton(AF_INET6, buf, &p->addr) != 1) {
		struct in_addr v4;

		if (inet_pton(AF_INET, buf, &v4) == 1)
			snprintf(err, errlen,
				 "'%s' is IPv4; ndpresponder answers IPv6 only",
				 s);
		else
			snprintf(err, errlen, "'%s' is not an IPv6 prefix", s);
		return -EINVAL;
	}
	p->len = (uint8_t)len;

	masked = p->addr;
	mask_addr(&masked, p->len);
	if (memcmp(&masked, &p->addr, sizeof(masked))) {
		char a[INET6_ADDRSTRLEN];

		inet_ntop(AF_INET6, &masked, a, sizeof(a));
		snprintf(err, errlen,
			 "'%s' has host bits set (did you mean %s/%u?)", s, a,
			 p->len);
		return -EINVAL;
	}
	why = refused_range(&p->addr, p->len);
	if (why) {
		snprintf(err, errlen, "'%s' %s: no neighbour is solicited there",
			 s, why);
		return -EINVAL;
	}
	if (p->len == 0 && !(flags & PREFIX_ALLOW_DEFAULT)) {
		snprintf(err, errlen,
			 "'%s' would answer for every address on the link; "
			 "add --force if that is meant",
			 s);
		return -EINVAL;
	}
	why = broad_range(&p->addr, p->len);
	if (why && !(flags & PREFIX_ALLOW_DEFAULT)) {
		snprintf(err, errlen,
			 "'%s' %s (the router's own, for one); add --force if "
			 "that is meant",
			 s, why);
		return -EINVAL;
	}
	return 0;
}

void prefix_format(const struct prefix *p, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, &p->addr, a, sizeof(a));
	snprintf(buf, len, "%s/%u", a, p->len);
}

int prefix_cmp(const void *a, const void *b)
{
	const struct prefix *x = a, *y = b;
	int c = memcmp(&x->addr, &y->addr, sizeof(x->addr));

	if (c)
		return c;
	return (int)x->len - (int)y->len;
}

const char *action_name(uint8_t action)
{
	switch (action) {
	case NDPR_ACT_ANSWER:
		return "answer";
	case NDPR_ACT_EXCLUDE:
		return "exclude";
	default:
		return "unknown";
	}
}

const char *route_check_name(uint8_t flags)
{
	if (flags & NDPR_PF_ROUTE_NEIGH)
		return "neigh";
	return flags & NDPR_PF_ROUTE_CHECK ? "route" : "off";
}

int route_check_parse(const char *s, uint8_t *flags)
{
	if (!s || !strcmp(s, "route")) {
		*flags = NDPR_PF_ROUTE_CHECK;
		return 0;
	}
	if (!strcmp(s, "neigh")) {
		*flags = NDPR_PF_ROUTE_CHECK | NDPR_PF_ROUTE_NEIGH;
		return 0;
	}
	if (!strcmp(s, "off")) {
		*flags = 0;
		return 0;
	}
	return -EINVAL;
}

int prefix_set_add(struct prefix_set *s, const struct prefix *p)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct prefix *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = *p;
	return 0;
}

void prefix_set_sort(struct prefix_set *s)
{
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), prefix_cmp);
}

void prefix_set_free(struct prefix_set *s)
{
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

/* Splits a line into at most two words; returns the count or -1. */
static int split_words(char *line, char **w)
{
	int n = 0;
	char *tok, *save;

	for (tok = strtok_r(line, " \t\r\n", &save); tok;
	     tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (n == 2)
			return -1;
		w[n++] = tok;
	}
	return n;
}

/* The word after an answered prefix: route-check or route-check=neigh. */
static int parse_entry_flag(const char *w, uint8_t *flags)
{
	if (!strcmp(w, "route-check"))
		return route_check_parse(NULL, flags);
	if (!strcmp(w, "route-check=neigh"))
		return route_check_parse("neigh", flags);
	return -EINVAL;
}

int prefix_file_read(const char *path, unsigned int flags,
		     struct prefix_set *out)
{
	char *line = NULL, *hash, *w[2], err[256];
	size_t cap = 0;
	unsigned int lineno = 0;
	struct prefix p;
	FILE *f;
	int ret = 0, n;

	f = fopen(path, "r");
	if (!f) {
		ret = -errno;
		pr_err("couldn't open '%s': %s", path, errstr(ret));
		return ret;
	}
	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		n = split_words(line, w);
		if (n == 0)
			continue;
		memset(&p, 0, sizeof(p));
		p.action = NDPR_ACT_ANSWER;
		if (n == 2 && !strcmp(w[0], "exclude")) {
			p.action = NDPR_ACT_EXCLUDE;
			w[0] = w[1];
		} else if (n == 2 && parse_entry_flag(w[1], &p.flags)) {
			pr_err("%s:%u: expected 'PREFIX', 'PREFIX "
			       "route-check[=neigh]' or 'exclude PREFIX'",
			       path, lineno);
			ret = -EINVAL;
			goto out;
		} else if (n < 0) {
			pr_err("%s:%u: too many words", path, lineno);
			ret = -EINVAL;
			goto out;
		}
		ret = prefix_parse(w[0], flags, &p, err, sizeof(err));
		if (ret) {
			pr_err("%s:%u: %s", path, lineno, err);
			goto out;
		}
		ret = prefix_set_add(out, &p);
		if (ret) {
			pr_err("%s: %s", path, errstr(ret));
			goto out;
		}
	}
	if (ferror(f)) {
		ret = -EIO;
		pr_err("couldn't read '%s': %s", path, errstr(ret));
	}
out:
	free(line);
	fclose(f);
	return ret;
}

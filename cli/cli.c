// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* What every verb's argument parsing shares. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>

#include "cli.h"
#include "log.h"

static bool usage_error;

void usage_failed(void)
{
	usage_error = true;
}

bool usage_has_failed(void)
{
	return usage_error;
}

static int canon_of(const int *canon, int i)
{
	return canon ? canon[i] : i;
}

int cli_match(const char *what, const char *word, const char *const *names,
	      const int *canon, int n)
{
	size_t len = strlen(word);
	char cands[256] = "";
	int found = -1;
	bool many = false;

	for (int i = 0; i < n; i++)
		if (!strcmp(word, names[i]))
			return canon_of(canon, i);
	for (int i = 0; len && i < n; i++) {
		if (strncmp(word, names[i], len))
			continue;
		if (found >= 0 && canon_of(canon, i) != found)
			many = true;
		found = canon_of(canon, i);
		snprintf(cands + strlen(cands), sizeof(cands) - strlen(cands),
			 "%s%s", cands[0] ? ", " : "", names[i]);
	}
	if (found >= 0 && !many)
		return found;
	usage_failed();
	if (many) {
		pr_err("'%s' is ambiguous: %s %s?", word, what, cands);
		return -1;
	}
	for (int i = 0; i < n; i++)
		snprintf(cands + strlen(cands), sizeof(cands) - strlen(cands),
			 "%s%s", i ? ", " : "", names[i]);
	pr_err("unknown %s '%s' (%s)", what, word, cands);
	return -1;
}

int verb_getopt(int argc, char **argv, const char *shortopts,
		const struct option *longopts, const char *usage_text)
{
	int c;

	opterr = 0;
	c = getopt_long(argc, argv, shortopts, longopts, NULL);
	if (c == 'h') {
		fputs(usage_text, stdout);
		return 'h';
	}
	if (c == '?') {
		usage_failed();
		if (optopt)
			pr_err("%s: unknown option '-%c' or missing value "
			       "(see 'ndpresponder %s --help')",
			       argv[0], optopt, argv[0]);
		else
			pr_err("%s: unknown option '%s' or missing value "
			       "(see 'ndpresponder %s --help')",
			       argv[0], argv[optind - 1], argv[0]);
	}
	return c;
}

int parse_uint(const char *s, unsigned long min, unsigned long max,
	       unsigned long *out)
{
	char *end;

	/* Digits only: strtoul alone takes blanks, signs and wraps '-1'. */
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	*out = strtoul(s, &end, 10);
	if (*end || errno || *out < min || *out > max)
		return -EINVAL;
	return 0;
}

const char *iface_arg(const char *s)
{
	size_t len = strnlen(s, IFNAMSIZ);

	/* The kernel's own rules (net/core/dev.c, dev_valid_name). */
	if (!len || len == IFNAMSIZ || !strcmp(s, ".") || !strcmp(s, "..") ||
	    strpbrk(s, "/: \t\n\r\v\f")) {
		pr_err("'%.*s%s' is not an interface name (1 to %d characters, "
		       "no '/', ':' or blanks)",
		       IFNAMSIZ, s, len == IFNAMSIZ ? "..." : "", IFNAMSIZ - 1);
		return NULL;
	}
	return s;
}

const char *verb_iface(int argc, char **argv)
{
	if (optind + 1 == argc)
		return iface_arg(argv[optind]);
	pr_err("%s: expected one interface (ndpresponder %s IFACE)", argv[0],
	       argv[0]);
	usage_failed();
	return NULL;
}

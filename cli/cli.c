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
	return NULL;
}

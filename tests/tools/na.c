// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The Neighbor Advertisement a test expects, built by the frame builders
 * of tests/lib (their own checksum), in hex as `frames` prints captures:
 * a test compares the two whole frames, tags included.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frames.h"
#include "tool.h"

static int parse_flags(const char *s, uint8_t *flags)
{
	*flags = 0;
	for (; *s; s++) {
		if (*s == 'R')
			*flags |= FR_NA_R;
		else if (*s == 'S')
			*flags |= FR_NA_S;
		else if (*s == 'O')
			*flags |= FR_NA_O;
		else if (*s != '-')
			return -1;
	}
	return 0;
}

int cmd_na(int argc, char **argv)
{
	struct fr_na na = {};
	struct frame f;
	size_t i;

	na.ntags = parse_tags(argv[2], na.tags,
			      sizeof(na.tags) / sizeof(na.tags[0]));
	if (parse_mac(argv[0], na.eth_dst) || parse_mac(argv[1], na.eth_src) ||
	    na.ntags < 0 || parse_ip6(argv[3], na.src) ||
	    parse_ip6(argv[4], na.dst) || parse_flags(argv[5], &na.flags) ||
	    parse_ip6(argv[6], na.target)) {
		fprintf(stderr, "na: bad arguments\n");
		return 2;
	}
	memcpy(na.tlla, na.eth_src, sizeof(na.tlla));
	fr_build_na(&f, &na);
	for (i = 0; i < f.len; i++)
		printf("%02x", f.b[i]);
	printf("\n");
	return 0;
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The static build: Debian's libnftables has no static form. */
#include <errno.h>
#include <stdio.h>

#include "nft.h"

int nft_ruleset_json(char **json, char *err, unsigned long errlen)
{
	*json = NULL;
	snprintf(err, errlen,
		 "this build has no libnftables (the static "
		 "one); the dynamic build reads the firewall");
	return -EOPNOTSUPP;
}

bool nft_supported(void)
{
	return false;
}

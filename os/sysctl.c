// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>

#include "sysctl.h"

int sysctl_ipv6_conf(const char *ifname, const char *key, int *val)
{
	char path[128];
	FILE *f;
	int ret = 0;

	/* /proc/sys/net answers for the reader's namespace, wherever /proc
	 * was mounted. */
	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s", ifname,
		 key);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	if (fscanf(f, "%d", val) != 1)
		ret = -EIO;
	fclose(f);
	return ret;
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The metrics endpoint's stand-in for builds without it; linked instead of
 * metrics_http.c. */
#include <errno.h>
#include <string.h>

#include "log.h"
#include "metrics_http.h"

/*
 * The static build: Debian ships no static libmicrohttpd, so that binary
 * has no endpoint and says so. `stats --format prometheus` works in it.
 */
bool metrics_http_supported(void)
{
	return false;
}

void metrics_http_init(struct metrics_http *h)
{
	memset(h, 0, sizeof(*h));
	h->listen_fd = -1;
}

int metrics_http_listen(struct metrics_http *h, const char *addr)
{
	pr_err("this build of ndpresponder has no metrics endpoint "
	       "(--metrics-listen); use the dynamically linked build, or "
	       "'stats --format prometheus'");
	return -EOPNOTSUPP;
}

int metrics_http_start(struct metrics_http *h, const char *ifname,
		       const struct pin_dir *pd, bool docker)
{
	return -EOPNOTSUPP;
}

void metrics_http_publish(struct metrics_http *h,
			  const struct metrics_docker *d)
{
}

void metrics_http_stop(struct metrics_http *h)
{
}

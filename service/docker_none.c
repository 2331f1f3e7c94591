// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Docker mode's stand-in for builds without it; linked instead of docker.c. */
#include <errno.h>
#include <string.h>

#include "docker.h"
/*
 * The static build: Debian's libcurl cannot be linked statically (its
 * GSS-API and LDAP have no static libraries), so that binary has no
 * Docker mode and says so.
 */
bool docker_supported(void)
{
	return false;
}

int docker_init(struct docker *d, const char *const *names, int n,
		const uint16_t *origins, docker_apply_fn apply, void *ctx,
		const struct slog *log)
{
	memset(d, 0, sizeof(*d));
	slog(log, SLOG_ERROR,
	     "this build of ndpresponder has no Docker mode (-N); use the "
	     "dynamically linked build");
	return -EOPNOTSUPP;
}

void docker_free(struct docker *d)
{
}

void docker_connect(struct docker *d)
{
}

int docker_poll(struct docker *d, struct curl_waitfd *extra, unsigned int n,
		int timeout_ms)
{
	return -EOPNOTSUPP;
}

void docker_tick(struct docker *d)
{
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Docker mode's stand-in for a build without it (make NO_DOCKER=1),
 * linked instead of docker.c and its parts: -N says so.
 */
#include <errno.h>
#include <string.h>

#include "docker.h"

bool docker_supported(void)
{
	return false;
}

int docker_sock_path(char *buf, size_t len)
{
	return -EOPNOTSUPP;
}

int docker_init(struct docker *d, const char *const *names, int n,
		const uint16_t *origins, docker_apply_fn apply,
		docker_apply_keys_fn apply_keys, docker_announce_fn announce,
		void *ctx, const struct slog *log)
{
	memset(d, 0, sizeof(*d));
	slog(log, SLOG_ERROR,
	     "this build of ndpresponder has no Docker mode (-N); build it "
	     "without NO_DOCKER=1");
	return -EOPNOTSUPP;
}

void docker_free(struct docker *d)
{
}

void docker_connect(struct docker *d)
{
}

int docker_pollfds(const struct docker *d, struct pollfd *p)
{
	return 0;
}

int docker_timeout_ms(const struct docker *d)
{
	return -1;
}

void docker_process(struct docker *d, const struct pollfd *p, int n)
{
}

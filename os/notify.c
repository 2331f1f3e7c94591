// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* sd_notify through libsystemd. */
#include <systemd/sd-daemon.h>

#include "notify.h"

int notify_send(const char *state)
{
	/* 0: keep NOTIFY_SOCKET, a reload sends again. */
	return sd_notify(0, state);
}

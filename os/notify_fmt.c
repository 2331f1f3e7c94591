// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* What both notify builds share. */
#include <stdarg.h>
#include <stdio.h>

#include "notify.h"

int notify_sendf(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return notify_send(buf);
}

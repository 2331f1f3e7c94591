// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <sys/prctl.h>
#include <cap-ng.h>
#include <linux/capability.h>

#include "caps.h"
#include "log.h"

int caps_drop_for_service(void)
{
	int ret;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	capng_clear(CAPNG_SELECT_BOTH);
	ret = capng_updatev(CAPNG_ADD,
			    CAPNG_EFFECTIVE | CAPNG_PERMITTED |
				    CAPNG_BOUNDING_SET,
			    CAP_BPF, CAP_NET_ADMIN, -1);
	if (!ret)
		ret = capng_apply(CAPNG_SELECT_BOTH);
	if (ret) {
		pr_err("couldn't drop capabilities (libcap-ng: %d)", ret);
		return -EPERM;
	}
	return 0;
}

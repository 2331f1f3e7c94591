// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <sys/prctl.h>
#include <cap-ng.h>
#include <linux/capability.h>

#include "caps.h"
#include "log.h"

/*
 * Docker before 23 (Debian 12's) cannot grant CAP_BPF: a container there
 * loads with CAP_SYS_ADMIN, which the kernel's bpf_capable() accepts, and
 * would lose bpf() by keeping a CAP_BPF it never had.
 */
static int bpf_cap(void)
{
	if (capng_get_caps_process() ||
	    capng_have_capability(CAPNG_PERMITTED, CAP_BPF))
		return CAP_BPF;
	pr_info("no CAP_BPF (an older container engine?): keeping CAP_SYS_ADMIN in its place");
	return CAP_SYS_ADMIN;
}

int caps_drop_for_service(void)
{
	int bpf = bpf_cap();
	int ret;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	capng_clear(CAPNG_SELECT_BOTH);
	ret = capng_updatev(CAPNG_ADD,
			    CAPNG_EFFECTIVE | CAPNG_PERMITTED |
				    CAPNG_BOUNDING_SET,
			    bpf, CAP_NET_ADMIN, -1);
	if (!ret)
		ret = capng_apply(CAPNG_SELECT_BOTH);
	if (ret) {
		pr_err("couldn't drop capabilities (libcap-ng: %d)", ret);
		return -EPERM;
	}
	return 0;
}

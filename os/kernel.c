// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
#include <errno.h>
#include <stdio.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kernel.h"
#include "log.h"

bool kernel_release_supported(const char *release)
{
	int major, minor;

	if (sscanf(release, "%d.%d", &major, &minor) != 2)
		return true;
	return major > KERNEL_MIN_MAJOR ||
	       (major == KERNEL_MIN_MAJOR && minor >= KERNEL_MIN_MINOR);
}

int kernel_check(void)
{
	struct utsname u;

	if (uname(&u))
		return 0;
	if (!kernel_release_supported(u.release)) {
		pr_err("kernel %s is older than %d.%d, the oldest ndpresponder "
		       "runs on (it needs XDP bpf_link updates, ring buffers "
		       "and bpf_fib_lookup as in 5.10)",
		       u.release, KERNEL_MIN_MAJOR, KERNEL_MIN_MINOR);
		return -EOPNOTSUPP;
	}
	/* CO-RE relocations of the object resolve against it. */
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		pr_err("kernel %s has no BTF (/sys/kernel/btf/vmlinux): "
		       "ndpresponder needs CONFIG_DEBUG_INFO_BTF=y, as Debian, "
		       "Ubuntu and Fedora kernels have",
		       u.release);
		return -EOPNOTSUPP;
	}
	return 0;
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* doctor: the host itself (kernel, bpffs, privilege). */
#include <cap-ng.h>
#include <errno.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "doctor.h"
#include "kernel.h"
#include "pins.h"

void doc_check_kernel(struct doc_ctx *c)
{
	struct doc_result *r;
	struct utsname u;

	if (uname(&u)) {
		doc_add(c, "kernel", DOC_SKIP, "not checked: uname failed");
	} else if (!kernel_release_supported(u.release)) {
		r = doc_add(c, "kernel", DOC_FAIL, "%s, older than %d.%d",
			    u.release, KERNEL_MIN_MAJOR, KERNEL_MIN_MINOR);
		doc_fix(r,
			"boot a kernel of %d.%d or newer (Debian 11's "
			"5.10 or later)",
			KERNEL_MIN_MAJOR, KERNEL_MIN_MINOR);
	} else {
		doc_add(c, "kernel", DOC_OK, "%s", u.release);
	}
	/* CO-RE relocations resolve against it (README: Kernel support). */
	if (!access("/sys/kernel/btf/vmlinux", R_OK)) {
		doc_add(c, "btf", DOC_OK, "/sys/kernel/btf/vmlinux");
	} else {
		r = doc_add(c, "btf", DOC_FAIL, "no /sys/kernel/btf/vmlinux");
		doc_fix(r, "boot a kernel built with CONFIG_DEBUG_INFO_BTF=y "
			   "(Debian's, Ubuntu's and Fedora's are)");
	}
}

/* Pins persist only on a bpffs: on anything else they are gone with
 * the process, and the responder with them. */
void doc_check_bpffs(struct doc_ctx *c)
{
	char dir[PATH_MAX], *slash;
	struct doc_result *r;
	struct statfs st;

	snprintf(dir, sizeof(dir), "%s", pin_root());
	/* The root may not exist yet: the nearest existing parent. */
	while (statfs(dir, &st) && (slash = strrchr(dir, '/')) && slash != dir)
		*slash = '\0';
	if (st.f_type == BPF_FS_MAGIC) {
		doc_add(c, "bpffs", DOC_OK, "%s is on a bpffs", dir);
		return;
	}
	r = doc_add(c, "bpffs", DOC_FAIL, "%s is not on a bpffs", dir);
	doc_fix(r, "mount -t bpf bpf /sys/fs/bpf (and in /etc/fstab: "
		   "'bpf /sys/fs/bpf bpf defaults 0 0')");
}

void doc_check_caps(struct doc_ctx *c)
{
	static const struct {
		int cap;
		const char *name;
	} need[] = {
		{ CAP_BPF, "CAP_BPF" },
		{ CAP_NET_ADMIN, "CAP_NET_ADMIN" },
		{ CAP_NET_RAW, "CAP_NET_RAW" },
		{ CAP_PERFMON, "CAP_PERFMON" },
	};
	char missing[128] = "";
	struct doc_result *r;

	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_get_caps_process()) {
		doc_add(c, "capabilities", DOC_SKIP,
			"not checked: cannot read this process's "
			"capabilities");
		return;
	}
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!capng_have_capability(CAPNG_EFFECTIVE,
					   (unsigned int)need[i].cap))
			snprintf(missing + strlen(missing),
				 sizeof(missing) - strlen(missing), " %s",
				 need[i].name);
	if (!missing[0]) {
		doc_add(c, "capabilities", DOC_OK,
			"CAP_BPF, CAP_NET_ADMIN, CAP_NET_RAW, CAP_PERFMON");
		return;
	}
	/* Later checks that need them say they could not run. */
	r = doc_add(c, "capabilities", DOC_SKIP,
		    "missing:%s; checks that need them are not run", missing);
	doc_fix(r, "run doctor as root (sudo ndpresponder doctor %s)",
		c->ifname);
}

// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * A foreign XDP program behind a pinned bpf_link: what another tool (or
 * a hostile user) could leave where ndpresponder pins its own link.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "tool.h"

/* xdplink IFACE OBJECT PIN: the object's first program, linked (generic
 * mode) and pinned at PIN; prints the link's id. */
TOOL_CMD(xdplink)
{
	struct bpf_link_info info = {};
	__u32 len = sizeof(info);
	struct bpf_program *prog;
	struct bpf_object *obj;
	int ifindex, fd;

	LIBBPF_OPTS(bpf_link_create_opts, lo, .flags = 1u << 1);
	ifindex = (int)if_nametoindex(argv[0]);
	if (!ifindex) {
		fprintf(stderr, "xdplink: no interface %s\n", argv[0]);
		return 1;
	}
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "xdplink: cannot load %s\n", argv[1]);
		return 1;
	}
	prog = bpf_object__next_program(obj, NULL);
	fd = prog ? bpf_link_create(bpf_program__fd(prog), ifindex, BPF_XDP,
				    &lo) :
		    -1;
	if (fd < 0 || bpf_obj_pin(fd, argv[2]) ||
	    bpf_obj_get_info_by_fd(fd, &info, &len)) {
		fprintf(stderr, "xdplink: cannot link and pin: %s\n",
			strerror(errno));
		return 1;
	}
	printf("%u\n", info.id);
	return 0;
}

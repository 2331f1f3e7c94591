# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# shellcheck shell=bash
# The container image of the engine suites (lib/dockerd.sh,
# lib/podman.sh): busybox-static with sh, sleep, ping and ip, as a tar
# stream for `docker import` or `podman import`. No registry is needed.

bb_image_check() { # dies unless busybox is static
	local bb
	bb=$(command -v busybox)
	ldd "$bb" >/dev/null 2>&1 &&
		die "$bb is dynamically linked: the image needs busybox-static"
	return 0
}

bb_image_tar() { # dir: builds the root there, writes the tar to stdout
	local l
	mkdir -p "$1/bin" && cp "$(command -v busybox)" "$1/bin/busybox" ||
		return 1
	for l in sh sleep ping ip; do
		ln -sf busybox "$1/bin/$l"
	done
	tar -C "$1" -c .
}

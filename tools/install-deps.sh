#!/bin/sh
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Installs dependencies from Debian 12's archive. Run as root.
#   tools/install-deps.sh           everything `make test` and `make bench`
#                                   need (developers, CI: .ci/run)
#   tools/install-deps.sh --build   only what `make`, `make static`,
#                                   `make install` and `make deb` need: no
#                                   docker.io (it would replace Docker CE),
#                                   podman, qemu, prometheus, ...
#   tools/install-deps.sh --test    only what the tests and the benchmark
#                                   add to the build set
#   --list                          print the packages, install nothing
# tests/integration/deps.sh checks that the build set is all `make` needs.
set -eu

# The build: compilers, bpftool, the libraries of mk/config.mk's LIBS_PKG
# (and libhttp-parser, which has no pkg-config file), with their static
# archives for `make static`; debhelper and friends for `make deb`.
BUILD="clang make gcc pkg-config libbpf-dev bpftool libelf-dev
	zlib1g-dev libjson-c-dev libnl-3-dev libnl-route-3-dev libnl-genl-3-dev
	libcap-ng-dev libhttp-parser-dev libmicrohttpd-dev libnftables-dev
	libsystemd-dev debhelper dpkg-dev fakeroot"
# `make format` and its check in `make test`; llvm's tools (the
# sanitizers' symbolizer).
TEST="clang-format llvm"
# Real peers and tools of the integration tests.
TEST="$TEST iproute2 iputils-ping ndisc6 tcpdump nftables ethtool util-linux
	procps kmod"
# doctor's tests: iptables (iptables-nft) writes a FORWARD chain.
TEST="$TEST iptables"
# Packaging tests: systemd-analyze (systemd), man and groff (man-db,
# groff-base); setpriv comes with util-linux. lintian checks the package.
TEST="$TEST systemd man-db groff-base lintian"
# The DaemonSet's schema check (tests/integration/kubernetes.sh): node and
# npm, which installs the pinned kubernetes-models and js-yaml into the
# build directory. Only where missing: a machine may have them already,
# and nodesource's nodejs (which bundles npm) conflicts with Debian's npm.
command -v node >/dev/null 2>&1 || TEST="$TEST nodejs"
command -v npm >/dev/null 2>&1 || TEST="$TEST npm"
# Docker mode's test: a real engine, and busybox-static for its image.
TEST="$TEST docker.io busybox-static"
# Docker mode against Podman's Docker-compatible API (podman.sh): podman
# and the CNI plugins its networks use (runc, from docker.io, runs its
# containers: crun refuses a hybrid cgroup hierarchy).
TEST="$TEST podman containernetworking-plugins"
# The VM test (tests/vm/run.sh): qemu boots Debian 12's 6.1 cloud kernel,
# which it fetches with apt-get download, never installed; cpio packs the
# guest's initramfs.
TEST="$TEST qemu-system-x86 cpio"

# The fuzzers (`make fuzz`, and their smoke run in `make test`): clang's
# libFuzzer and sanitizer runtimes, which clang-14 does not pull in.
TEST="$TEST libclang-rt-14-dev"

# The metrics test (tests/integration/metrics.sh): a real Prometheus
# scraping run's endpoint, promtool checking both outputs, node_exporter
# reading the textfile; curl and jq for the HTTP sides.
TEST="$TEST prometheus prometheus-node-exporter curl jq"

# `make bench`: ndppd to compare with, gnuplot for the plot.
BENCH="ndppd gnuplot-nox"

PKGS="$BUILD $TEST $BENCH"
list=0
for a in "$@"; do
	case $a in
	--build) PKGS=$BUILD ;;
	--test) PKGS="$TEST $BENCH" ;;
	--list) list=1 ;;
	*)
		echo "usage: $0 [--build | --test] [--list]" >&2
		exit 2
		;;
	esac
done

if [ "$list" = 1 ]; then
	# shellcheck disable=SC2086
	printf '%s\n' $PKGS
	exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $PKGS

#!/bin/sh
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Installs, from Debian 12's archive, everything the build and `make test`
# need. Run as root. The README's set-up step and CI both run this.
set -eu

BUILD="clang llvm clang-format make gcc pkg-config libbpf-dev bpftool libelf-dev
	zlib1g-dev libjson-c-dev libnl-3-dev libnl-route-3-dev libnl-genl-3-dev
	libcap-ng-dev libhttp-parser-dev libmicrohttpd-dev libnftables-dev"
# Real peers and tools of the integration tests.
TEST="iproute2 iputils-ping ndisc6 tcpdump nftables ethtool util-linux
	procps kmod"
# doctor's tests: iptables (iptables-nft) writes a FORWARD chain.
TEST="$TEST iptables"
# Packaging tests: systemd-analyze (systemd), man and groff (man-db,
# groff-base); setpriv comes with util-linux.
TEST="$TEST systemd man-db groff-base"
# The Debian package (make deb, tests/integration/package.sh): Debian's
# own build tools and lintian.
TEST="$TEST debhelper dpkg-dev fakeroot lintian"
# The DaemonSet's schema check (tests/integration/kubernetes.sh): node and
# npm, which installs the pinned kubernetes-models and js-yaml into the
# build directory.
TEST="$TEST nodejs npm"
# Docker mode's test: a real engine, and busybox-static for its image.
TEST="$TEST docker.io busybox-static"
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

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $BUILD $TEST $BENCH

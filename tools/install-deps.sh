#!/bin/sh
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Installs, from Debian 12's archive, everything the build and `make test`
# need. Run as root. The README's set-up step and CI both run this.
set -eu

BUILD="clang llvm make gcc pkg-config libbpf-dev bpftool libelf-dev
	zlib1g-dev libjson-c-dev libmnl-dev libcap-ng-dev
	libcurl4-openssl-dev"
# Real peers and tools of the integration tests.
TEST="iproute2 iputils-ping ndisc6 tcpdump nftables ethtool util-linux
	procps kmod"
# Packaging tests: systemd-analyze (systemd), man and groff (man-db,
# groff-base); setpriv comes with util-linux.
TEST="$TEST systemd man-db groff-base"

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $BUILD $TEST

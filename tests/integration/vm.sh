#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The VM test (tests/vm/run.sh): the static ndpresponder in Debian 12's own
# 6.1 cloud kernel under qemu, with a virtio-net NIC. Here so that
# tests/run.sh runs it with the integration tests.
exec bash "$(dirname "$0")/../vm/run.sh" "$@"
